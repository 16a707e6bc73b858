/* SPDX-License-Identifier: BSD-2-Clause */
/* kasp.xml policy -> engine inputs; DNSKEY and DS records of a key. */
#include "services/enforcer/policymap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf/kasp.h"
#include "lib/dns/dnskey.h"
#include "lib/dns/name.h"

void
enf_policymap_timing(const struct kasp_policy *p, struct enf_timing *t)
{
	memset(t, 0, sizeof(*t));
	t->ttl_ds_s = p->parent.ds_ttl_s;
	t->parent_registration_delay_s = p->parent.registration_delay_s;
	t->parent_propagation_delay_s = p->parent.propagation_delay_s;
	t->ttl_dnskey_s = p->keys.ttl_s;
	t->zone_propagation_delay_s = p->zone.propagation_delay_s;
	t->publish_safety_s = p->keys.publish_safety_s;
	t->retire_safety_s = p->keys.retire_safety_s;
	t->soa_ttl_s = p->zone.soa_ttl_s;
	t->soa_minimum_s = p->zone.soa_minimum_s;
	t->max_zone_ttl_s = p->sig.max_zone_ttl_s;
	t->nsec3param_ttl_s = p->denial == KASP_DENIAL_NSEC3 ? p->nsec3.ttl_s : 0;
	t->jitter_s = p->sig.jitter_s;
	t->validity_default_s = p->sig.validity_default_s;
	t->validity_denial_s = p->sig.validity_denial_s;
	t->resign_s = p->sig.resign_s;
	t->refresh_s = p->sig.refresh_s;
	t->allow_unsigned = p->n_keys == 0;
}

unsigned
enf_role_of_kasp(int r)
{
	return r == KASP_KSK ? ENF_ROLE_KSK : r == KASP_ZSK ? ENF_ROLE_ZSK : ENF_ROLE_CSK;
}

int
enf_kasp_role_of(unsigned role)
{
	return role == ENF_ROLE_KSK ? KASP_KSK : role == ENF_ROLE_ZSK ? KASP_ZSK : KASP_CSK;
}

ods_err
enf_policymap_keys(const struct kasp_policy *p, struct enf_policy_key *out, size_t cap,
                   size_t *n, struct diag *d)
{
	if (p->n_keys > cap)
		return diag_fail(d, ODS_EINVAL, "policy", "policy %s has %zu keys; at most %zu",
		                 p->name, p->n_keys, cap);
	for (size_t i = 0; i < p->n_keys; i++) {
		const struct kasp_key *k = &p->key[i];
		struct enf_policy_key *o = &out[i];

		memset(o, 0, sizeof(*o));
		o->role = enf_role_of_kasp((int)k->role);
		o->algorithm = k->algorithm;
		o->bits = k->length_bits;
		snprintf(o->repository, sizeof(o->repository), "%s", k->repository);
		o->lifetime_s = k->lifetime_s;
		/* The kasp enum lists the same roll types in the same order, from 0. */
		o->rolltype = (enum enf_rolltype)(k->rolltype + 1);
		o->manual_rollover = k->manual_rollover;
	}
	*n = p->n_keys;
	return ODS_OK;
}

unsigned
enf_dnskey_flags(unsigned role)
{
	return (role & ENF_ROLE_KSK) ? 257 : 256;
}

ods_err
enf_dnskey_rr(const char *zone, int64_t ttl, unsigned role, int alg, const uint8_t *pub,
              size_t pub_len, char *out, size_t cap, uint16_t *keytag, struct diag *d)
{
	uint8_t rdata[1100];
	size_t len = 0;
	ods_err rc = dns_dnskey_rdata((uint16_t)enf_dnskey_flags(role), alg, pub, pub_len, rdata,
	                              sizeof(rdata), &len);

	if (rc != ODS_OK)
		return diag_fail(d, rc, "dnskey", "zone %s: the public key does not fit algorithm %d",
		                 zone, alg);
	*keytag = dns_keytag(rdata, len);
	char *b64 = dns_base64(pub, pub_len);
	if (b64 == NULL)
		return diag_fail(d, ODS_ENOMEM, "dnskey", "out of memory");
	int w = snprintf(out, cap, "%s.\t%" PRId64 "\tIN\tDNSKEY\t%u 3 %d %s", zone, ttl,
	                 enf_dnskey_flags(role), alg, b64);
	free(b64);
	if (w < 0 || (size_t)w >= cap)
		return diag_fail(d, ODS_ENOMEM, "dnskey", "record too long");
	return ODS_OK;
}

ods_err
enf_ds_rr(const char *zone, int64_t ttl, unsigned role, int alg, const uint8_t *pub,
          size_t pub_len, int digest_type, char *out, size_t cap, struct diag *d)
{
	uint8_t rdata[1100], owner[256], dg[64];
	size_t len = 0, owner_len = 0, dg_len = 0;
	char hex[2 * sizeof(dg) + 1];
	ods_err rc = dns_dnskey_rdata((uint16_t)enf_dnskey_flags(role), alg, pub, pub_len, rdata,
	                              sizeof(rdata), &len);

	if (rc == ODS_OK)
		rc = dns_name_to_wire(zone, owner, sizeof(owner), &owner_len);
	if (rc == ODS_OK)
		rc = dns_ds_digest(owner, owner_len, rdata, len, digest_type, dg, sizeof(dg), &dg_len);
	if (rc != ODS_OK)
		return diag_fail(d, rc, "ds", "zone %s: cannot compute the DS", zone);
	for (size_t i = 0; i < dg_len; i++)
		snprintf(hex + 2 * i, 3, "%02X", dg[i]);
	int w = snprintf(out, cap, "%s.\t%" PRId64 "\tIN\tDS\t%u %d %d %s", zone, ttl,
	                 dns_keytag(rdata, len), alg, digest_type, hex);
	if (w < 0 || (size_t)w >= cap)
		return diag_fail(d, ODS_ENOMEM, "ds", "record too long");
	return ODS_OK;
}
