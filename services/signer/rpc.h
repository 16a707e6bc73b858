/* SPDX-License-Identifier: BSD-2-Clause */
#pragma once

#include "lib/rpc/dispatch.h"

/* The ods-signer methods (Zones, Sign, Clear, Queue, Flush, Update); ctx is struct sgn. */
extern const struct rpc_method sgn_rpc_methods[];
