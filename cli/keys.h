/* SPDX-License-Identifier: BSD-2-Clause */
/* The keystore calls the key tools share (ods-hsmutil, ods-hsmspeed, tests). */
#pragma once

#include "lib/base/err.h"

struct cli;
struct Ods__Keystore__GenerateKeyReply;

/* GenerateKey in repository; *out is freed with
 * ods__keystore__generate_key_reply__free_unpacked. Errors are printed by cli_call. */
ods_err cli_key_generate(struct cli *c, const char *repository, int alg, unsigned bits,
                         struct Ods__Keystore__GenerateKeyReply **out);

/* DeleteKey. Errors are printed by cli_call. */
ods_err cli_key_delete(struct cli *c, const char *locator);
