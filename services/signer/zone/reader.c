/* SPDX-License-Identifier: BSD-2-Clause */
#include "services/signer/zone/reader.h"
