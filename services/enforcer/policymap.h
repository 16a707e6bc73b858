/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From a kasp.xml policy to what the key-state engine takes (struct enf_timing, struct
 * enf_policy_key), and the record forms of a key (DNSKEY, DS) for export, commands and
 * keytags.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "services/enforcer/keystate/keystate.h"

struct kasp_policy;

/* Roles between kasp.xml (enum kasp_key_role) and the engine (ENF_ROLE_*). */
unsigned enf_role_of_kasp(int kasp_role);
int enf_kasp_role_of(unsigned role);

void enf_policymap_timing(const struct kasp_policy *p, struct enf_timing *t);
/* The Keys entries of p into out (room for cap). ODS_EINVAL when there are more. */
ods_err enf_policymap_keys(const struct kasp_policy *p, struct enf_policy_key *out, size_t cap,
                           size_t *n, struct diag *d);

/* DNSKEY flags of a role: 257 with the KSK bit, else 256. */
unsigned enf_dnskey_flags(unsigned role);
/* "zone. TTL IN DNSKEY flags 3 alg base64" (no newline) and its keytag. */
ods_err enf_dnskey_rr(const char *zone, int64_t ttl, unsigned role, int alg, const uint8_t *pub,
                      size_t pub_len, char *out, size_t cap, uint16_t *keytag, struct diag *d);
/* "zone. TTL IN DS keytag alg digest-type HEX" with SHA-256 (2) or SHA-1 (1). */
ods_err enf_ds_rr(const char *zone, int64_t ttl, unsigned role, int alg, const uint8_t *pub,
                  size_t pub_len, int digest_type, char *out, size_t cap, struct diag *d);
