/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proof that a key in the keystore really signs: a small RRset is signed through SignBatch,
 * and the resulting RRSIG is verified by ldns against the key's DNSKEY. The signing data is
 * built here and rebuilt independently by ldns, so a mistake on either side fails.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct cli;


/* Sign n RRsets in one SignBatch with the key at locator (algorithm alg) and verify every
 * RRSIG. ODS_OK when ldns accepts all; otherwise d says which step failed. Thread-safe once
 * the cli has connected. */
ods_err cli_hsm_check(struct cli *c, const char *locator, int alg, size_t n, struct diag *d);
