/* SPDX-License-Identifier: BSD-2-Clause */
/* The keystore's RPC method tables; the handlers' ctx is the struct ks. */
#pragma once

#include "lib/rpc/dispatch.h"

extern const struct rpc_method ks_key_methods[];
extern const struct rpc_method ks_sign_methods[];
