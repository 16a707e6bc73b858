/* SPDX-License-Identifier: BSD-2-Clause */
/* Mapping between our ods_err and the wire status (ods.Status, modelled on gRPC's codes). */
#pragma once

#include "lib/base/err.h"

/* Ods__Status values, as plain ints so callers need not include the generated header. */
int rpc_status_from_err(ods_err e);
ods_err rpc_status_to_err(int status);
/* "INVALID_ARGUMENT"; "UNKNOWN(<n>)" is never returned: unknown values give "UNKNOWN". */
const char *rpc_status_name(int status);
