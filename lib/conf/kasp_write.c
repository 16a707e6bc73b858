/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct kasp_policy back into kasp.xml (kasp_write() in kasp.h). Two passes: every policy is
 * first checked against what kasp.rng and the loader in kasp.c accept, so that a bad value is
 * reported by name instead of producing a file nobody can read; then libxml2's text writer
 * produces the document into a memory buffer, which escapes text and attributes for us.
 * Elements come out in kasp.rng's order (the loader takes any order, the schema does not).
 * The writer's helpers are xmlw.c's.
 */
#include "lib/conf/kasp.h"

#include <stdio.h>

#include "lib/base/hex.h"
#include "lib/conf/internal.h"
#include "lib/conf/xmlw.h"

#define SALT_MAX 255 /* octets */

static ods_err
bad(struct diag *d, const char *where, const char *what, const char *why)
{
	return diag_fail(d, ODS_EINVAL, where, "%s %s", what, why);
}

static bool
outside(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo || v > hi;
}

/* Key i of a policy (named in where): what the loader's table and kasp.rng allow. */
static ods_err
check_key(const struct kasp_key *k, size_t i, const char *where, struct diag *d)
{
	/* The roll types of each role, first and last, in enum kasp_rolltype. */
	static const int first[] = {KASP_ROLL_KSK_DOUBLE_RRSET, KASP_ROLL_ZSK_DOUBLE_SIGNATURE,
	                            KASP_ROLL_CSK_DOUBLE_RRSET};
	static const int last[] = {KASP_ROLL_KSK_DOUBLE_SIGNATURE, KASP_ROLL_ZSK_DOUBLE_RRSIG,
	                           KASP_ROLL_CSK_PRE_PUBLICATION};
	const char *role = kasp_key_role_name(k->role), *why;
	char what[48];

	if (outside(k->role, KASP_KSK, KASP_CSK))
		return diag_fail(d, ODS_EINVAL, where, "key %zu has no role (KSK, ZSK, CSK)", i);
	snprintf(what, sizeof(what), "<%s> %zu:", role, i);
	if (outside(k->rolltype, first[k->role], last[k->role]))
		return diag_fail(d, ODS_EINVAL, where, "%s roll type %d (%s) is not for a %s", what,
		                 k->rolltype, kasp_rolltype_name(k->rolltype), role);
	if (outside(k->algorithm, 0, 255))
		return bad(d, where, what, "<Algorithm> is out of range 0..255");
	if (outside(k->length_bits, 1, 65535))
		return bad(d, where, what, "<Algorithm length> is out of range 1..65535");
	if (k->lifetime_s < 0)
		return bad(d, where, what, "<Lifetime> is negative");
	why = xmlw_text_problem(k->repository, false);
	if (why != NULL)
		return diag_fail(d, ODS_EINVAL, where, "%s <Repository> %s", what, why);
	if (outside(k->standby, 0, 1000))
		return bad(d, where, what, "<Standby> is out of range 0..1000");
	if (k->rfc5011 && k->role == KASP_ZSK)
		return bad(d, where, what, "<RFC5011/> is for KSKs and CSKs only");
	return ODS_OK;
}

static ods_err
check_nsec3(const struct kasp_nsec3 *n3, const char *where, struct diag *d)
{
	uint8_t bin[SALT_MAX];
	const char *why;
	size_t n;

	if (outside(n3->algorithm, 0, 255))
		return bad(d, where, "<Hash><Algorithm>", "is out of range 0..255");
	if (outside(n3->iterations, 0, 65535))
		return bad(d, where, "<Hash><Iterations>", "is out of range 0..65535");
	if (outside(n3->salt_length, 0, SALT_MAX))
		return bad(d, where, "<Salt length>", "is out of range 0..255");
	why = xmlw_text_problem(n3->salt, true);
	if (why == NULL && n3->salt != NULL && !hex_decode(n3->salt, bin, sizeof(bin), &n))
		why = "is not a salt in hex of at most 255 octets";
	return why != NULL ? bad(d, where, "<Salt>", why) : ODS_OK;
}

/* Everything kasp_write() needs to hold for p to come out valid and read back the same. */
static ods_err
check_policy(const struct kasp_policy *p, size_t i, struct diag *d)
{
	const struct {
		const char *name;
		int64_t v;
	} durs[] = {
	    {"<Resign>", p->sig.resign_s},
	    {"<Refresh>", p->sig.refresh_s},
	    {"<Validity><Default>", p->sig.validity_default_s},
	    {"<Validity><Denial>", p->sig.validity_denial_s},
	    {"<Validity><Keyset>", p->sig.validity_keyset_s},
	    {"<Jitter>", p->sig.jitter_s},
	    {"<InceptionOffset>", p->sig.inception_offset_s},
	    {"<MaxZoneTTL>", p->sig.max_zone_ttl_s},
	    {"<NSEC3><TTL>", p->nsec3.ttl_s},
	    {"<Resalt>", p->nsec3.resalt_s},
	    {"<Keys><TTL>", p->keys.ttl_s},
	    {"<RetireSafety>", p->keys.retire_safety_s},
	    {"<PublishSafety>", p->keys.publish_safety_s},
	    {"<Purge>", p->keys.purge_s},
	    {"<Zone><PropagationDelay>", p->zone.propagation_delay_s},
	    {"<Zone><SOA><TTL>", p->zone.soa_ttl_s},
	    {"<Zone><SOA><Minimum>", p->zone.soa_minimum_s},
	    {"<Parent><PropagationDelay>", p->parent.propagation_delay_s},
	    {"<Parent><RegistrationDelay>", p->parent.registration_delay_s},
	    {"<DS><TTL>", p->parent.ds_ttl_s},
	    {"<Parent><SOA><TTL>", p->parent.soa_ttl_s},
	    {"<Parent><SOA><Minimum>", p->parent.soa_minimum_s},
	};
	char where[DIAG_WHERE_MAX];
	const char *why = xmlw_text_problem(p->name, false);
	ods_err rc = ODS_OK;

	if (why != NULL)
		return diag_fail(d, ODS_EINVAL, "kasp.xml", "policy %zu: name %s", i, why);
	snprintf(where, sizeof(where), "policy '%.100s'", p->name);
	why = xmlw_text_problem(p->description, true);
	if (why != NULL)
		return bad(d, where, "<Description>", why);
	for (size_t j = 0; j < sizeof(durs) / sizeof(durs[0]); j++)
		if (durs[j].v < 0)
			return bad(d, where, durs[j].name, "is negative");
	if (p->denial != KASP_DENIAL_NSEC && p->denial != KASP_DENIAL_NSEC3)
		return bad(d, where, "<Denial>", "needs NSEC or NSEC3");
	if (p->denial == KASP_DENIAL_NSEC3)
		rc = check_nsec3(&p->nsec3, where, d);
	if (rc == ODS_OK && outside(p->zone.serial, KASP_SERIAL_COUNTER, KASP_SERIAL_KEEP))
		rc = bad(d, where, "<Serial>", "is not counter, datecounter, unixtime or keep");
	for (size_t j = 0; rc == ODS_OK && j < p->n_keys; j++)
		rc = check_key(&p->key[j], j, where, d);
	return rc;
}

static void
write_signatures(struct xmlw *x, const struct kasp_policy *p)
{
	xmlw_open(x, "Signatures");
	xmlw_dur(x, "Resign", p->sig.resign_s);
	xmlw_dur(x, "Refresh", p->sig.refresh_s);
	xmlw_open(x, "Validity");
	xmlw_dur(x, "Default", p->sig.validity_default_s);
	xmlw_dur(x, "Denial", p->sig.validity_denial_s);
	if (p->sig.validity_keyset_s > 0)
		xmlw_dur(x, "Keyset", p->sig.validity_keyset_s);
	xmlw_close(x);
	xmlw_dur(x, "Jitter", p->sig.jitter_s);
	xmlw_dur(x, "InceptionOffset", p->sig.inception_offset_s);
	if (p->sig.max_zone_ttl_s > 0)
		xmlw_dur(x, "MaxZoneTTL", p->sig.max_zone_ttl_s);
	xmlw_close(x);
}

static void
write_denial(struct xmlw *x, const struct kasp_policy *p)
{
	char len[8];

	xmlw_open(x, "Denial");
	if (p->denial == KASP_DENIAL_NSEC) {
		xmlw_flag(x, "NSEC", true);
		xmlw_close(x);
		return;
	}
	xmlw_open(x, "NSEC3");
	xmlw_dur(x, "TTL", p->nsec3.ttl_s);
	xmlw_flag(x, "OptOut", p->nsec3.opt_out);
	xmlw_dur(x, "Resalt", p->nsec3.resalt_s);
	xmlw_open(x, "Hash");
	xmlw_int(x, "Algorithm", p->nsec3.algorithm);
	xmlw_int(x, "Iterations", p->nsec3.iterations);
	snprintf(len, sizeof(len), "%d", p->nsec3.salt_length);
	xmlw_open(x, "Salt");
	xmlw_attr(x, "length", len);
	xmlw_string(x, p->nsec3.salt);
	xmlw_close(x);
	xmlw_close(x); /* Hash */
	xmlw_close(x); /* NSEC3 */
	xmlw_close(x); /* Denial */
}

static void
write_key(struct xmlw *x, const struct kasp_key *k)
{
	static const char *const roll_elem[] = {"KskRollType", "ZskRollType", "CskRollType"};
	char len[16], alg[16];

	xmlw_open(x, kasp_key_role_name(k->role));
	snprintf(len, sizeof(len), "%d", k->length_bits);
	xmlw_open(x, "Algorithm");
	xmlw_attr(x, "length", len);
	snprintf(alg, sizeof(alg), "%d", k->algorithm);
	xmlw_string(x, alg);
	xmlw_close(x);
	xmlw_dur(x, "Lifetime", k->lifetime_s);
	xmlw_text(x, "Repository", k->repository);
	if (k->standby > 0)
		xmlw_int(x, "Standby", k->standby);
	xmlw_flag(x, "ManualRollover", k->manual_rollover);
	xmlw_text(x, roll_elem[k->role], kasp_rolltype_name(k->rolltype));
	xmlw_flag(x, "RFC5011", k->rfc5011);
	xmlw_close(x);
}

static void
write_keys(struct xmlw *x, const struct kasp_policy *p)
{
	xmlw_open(x, "Keys");
	xmlw_dur(x, "TTL", p->keys.ttl_s);
	xmlw_dur(x, "RetireSafety", p->keys.retire_safety_s);
	xmlw_dur(x, "PublishSafety", p->keys.publish_safety_s);
	xmlw_flag(x, "ShareKeys", p->keys.share_keys);
	if (p->keys.has_purge)
		xmlw_dur(x, "Purge", p->keys.purge_s);
	/* kasp.rng wants KSK*, ZSK*, CSK* in that order. */
	for (int role = KASP_KSK; role <= KASP_CSK; role++)
		for (size_t i = 0; i < p->n_keys; i++)
			if ((int)p->key[i].role == role)
				write_key(x, &p->key[i]);
	xmlw_close(x);
}

static void
write_soa(struct xmlw *x, int64_t ttl_s, int64_t minimum_s)
{
	xmlw_dur(x, "TTL", ttl_s);
	xmlw_dur(x, "Minimum", minimum_s);
}

static void
write_policy(struct xmlw *x, const struct kasp_policy *p)
{
	xmlw_open(x, "Policy");
	xmlw_attr(x, "name", p->name);
	xmlw_flag(x, "Passthrough", p->passthrough);
	xmlw_text(x, "Description", p->description);
	write_signatures(x, p);
	write_denial(x, p);
	write_keys(x, p);
	xmlw_open(x, "Zone");
	xmlw_dur(x, "PropagationDelay", p->zone.propagation_delay_s);
	xmlw_open(x, "SOA");
	write_soa(x, p->zone.soa_ttl_s, p->zone.soa_minimum_s);
	xmlw_text(x, "Serial", kasp_serial_name(p->zone.serial));
	xmlw_close(x);
	xmlw_close(x);
	xmlw_open(x, "Parent");
	xmlw_dur(x, "PropagationDelay", p->parent.propagation_delay_s);
	xmlw_open(x, "DS");
	xmlw_dur(x, "TTL", p->parent.ds_ttl_s);
	xmlw_close(x);
	xmlw_open(x, "SOA");
	write_soa(x, p->parent.soa_ttl_s, p->parent.soa_minimum_s);
	xmlw_close(x);
	if (p->parent.registration_delay_s > 0)
		xmlw_dur(x, "RegistrationDelay", p->parent.registration_delay_s);
	xmlw_close(x);
	xmlw_close(x);
}

ods_err
kasp_write(const struct kasp_policy *p, size_t n, char **out, size_t *len, struct diag *d)
{
	struct xmlw x = {0};
	ods_err rc = ODS_OK;

	if ((p == NULL && n > 0) || out == NULL || len == NULL)
		return diag_fail(d, ODS_EINVAL, "kasp.xml", "no policies or nowhere to put them");
	for (size_t i = 0; rc == ODS_OK && i < n; i++)
		rc = check_policy(&p[i], i, d);
	if (rc == ODS_OK)
		rc = xmlw_begin(&x, "KASP", d);
	if (rc != ODS_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		write_policy(&x, &p[i]);
	return xmlw_end(&x, "KASP", out, len, d);
}
