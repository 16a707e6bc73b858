/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the policy asks of a zone's keys (§4.9): which keys no longer belong (their role,
 * algorithm, size or repository left the policy: a policy change, an algorithm rollover or
 * going unsigned) and so turn to goal outroduce, and for each Keys entry whether a new key is
 * due (the lifetime of the youngest key is over, `key rollover` asked for one, or there is
 * none yet). Picking the HSM key is the caller's job; enf_policy_introduce() then adds it and
 * retires its predecessors. Also the roll-type table of §4.4 (minimize bits).
 */
#include "services/enforcer/keystate/keystate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "services/enforcer/keystate/internal.h"

struct rolltype_row {
	enum enf_rolltype rt;
	const char *name;
	unsigned role;
	unsigned minimize;
};

static const struct rolltype_row rolltypes[] = {
    {ENF_ROLL_KSK_DOUBLE_RRSET, "KskDoubleRRset", ENF_ROLE_KSK, 0},
    {ENF_ROLL_KSK_DOUBLE_DS, "KskDoubleDS", ENF_ROLE_KSK, ENF_MIN_DNSKEY},
    {ENF_ROLL_KSK_DOUBLE_SIGNATURE, "KskDoubleSignature", ENF_ROLE_KSK, ENF_MIN_DS},
    {ENF_ROLL_ZSK_DOUBLE_SIGNATURE, "ZskDoubleSignature", ENF_ROLE_ZSK, 0},
    {ENF_ROLL_ZSK_PRE_PUBLICATION, "ZskPrePublication", ENF_ROLE_ZSK, ENF_MIN_RRSIG},
    {ENF_ROLL_ZSK_DOUBLE_RRSIG, "ZskDoubleRRsig", ENF_ROLE_ZSK, ENF_MIN_DNSKEY},
    {ENF_ROLL_CSK_DOUBLE_RRSET, "CskDoubleRRset", ENF_ROLE_CSK, 0},
    {ENF_ROLL_CSK_SINGLE_SIGNATURE, "CskSingleSignature", ENF_ROLE_CSK, ENF_MIN_RRSIG},
    {ENF_ROLL_CSK_DOUBLE_DS, "CskDoubleDS", ENF_ROLE_CSK, ENF_MIN_DNSKEY},
    {ENF_ROLL_CSK_DOUBLE_SIGNATURE, "CskDoubleSignature", ENF_ROLE_CSK, ENF_MIN_DS},
    {ENF_ROLL_CSK_PRE_PUBLICATION, "CskPrePublication", ENF_ROLE_CSK, ENF_MIN_DS | ENF_MIN_RRSIG},
};
#define N_ROLLTYPES (sizeof(rolltypes) / sizeof(rolltypes[0]))

ods_err
enf_rolltype_parse(const char *name, enum enf_rolltype *out)
{
	for (size_t i = 0; i < N_ROLLTYPES; i++) {
		if (strcmp(rolltypes[i].name, name) == 0) {
			*out = rolltypes[i].rt;
			return ODS_OK;
		}
	}
	return ODS_EINVAL;
}

const char *
enf_rolltype_name(enum enf_rolltype rt)
{
	for (size_t i = 0; i < N_ROLLTYPES; i++) {
		if (rolltypes[i].rt == rt)
			return rolltypes[i].name;
	}
	return rt == ENF_ROLL_DEFAULT ? "default" : "unknown";
}

ods_err
enf_minimize_for(unsigned role, enum enf_rolltype rt, unsigned *out)
{
	if (rt == ENF_ROLL_DEFAULT) {
		if (role == ENF_ROLE_KSK)
			rt = ENF_ROLL_KSK_DOUBLE_SIGNATURE;
		else if (role == ENF_ROLE_ZSK)
			rt = ENF_ROLL_ZSK_PRE_PUBLICATION;
		else if (role == ENF_ROLE_CSK)
			rt = ENF_ROLL_CSK_PRE_PUBLICATION;
	}
	for (size_t i = 0; i < N_ROLLTYPES; i++) {
		if (rolltypes[i].rt == rt && rolltypes[i].role == role) {
			*out = rolltypes[i].minimize;
			return ODS_OK;
		}
	}
	return ODS_EINVAL;
}

static bool
key_matches(const struct enf_key *k, const struct enf_policy_key *pk)
{
	return k->role == pk->role && k->algorithm == pk->algorithm && k->bits == pk->bits &&
	       strcmp(k->repository, pk->repository) == 0;
}

static bool *
roll_flag(struct enf_zone *z, unsigned role)
{
	if (role == ENF_ROLE_KSK)
		return &z->roll_ksk_now;
	if (role == ENF_ROLE_ZSK)
		return &z->roll_zsk_now;
	return &z->roll_csk_now;
}

/* The youngest introducing key made for this entry, or NULL. */
static const struct enf_key *
youngest(const struct enf_zone *z, const struct enf_policy_key *pk)
{
	const struct enf_key *y = NULL;

	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *k = &z->keys[i];

		if (k->introducing && key_matches(k, pk) && (!y || k->inception > y->inception))
			y = k;
	}
	return y;
}

/* §4.6 lifetime sanity: a key must outlive the time it takes to introduce it. */
static bool
lifetime_too_short(const struct enf_policy_key *pk, const struct enf_timing *t, char *why, size_t n)
{
	int64_t need;

	if (pk->lifetime_s == 0)
		return false;
	need = t->ttl_ds_s + t->ttl_dnskey_s;
	if ((pk->role & ENF_ROLE_KSK) && pk->lifetime_s <= need) {
		snprintf(why, n, "lifetime %" PRId64 " s is not longer than DS TTL + DNSKEY TTL",
		         pk->lifetime_s);
		return true;
	}
	need = t->max_zone_ttl_s + t->ttl_dnskey_s;
	if ((pk->role & ENF_ROLE_ZSK) && pk->lifetime_s <= need) {
		snprintf(why, n,
		         "lifetime %" PRId64 " s is not longer than MaxZoneTTL + DNSKEY TTL",
		         pk->lifetime_s);
		return true;
	}
	return false;
}

static void
plan_entry(struct enf_zone *z, const struct enf_policy_key *pk, const struct enf_timing *t,
           int64_t now, struct enf_plan_entry *e)
{
	const struct enf_key *y = youngest(z, pk);
	bool force = *roll_flag(z, pk->role) || !y;

	*e = (struct enf_plan_entry){.verdict = ENF_PLAN_KEEP};
	if (!force) {
		if (pk->manual_rollover || pk->lifetime_s == 0)
			return;
		if (y->inception + pk->lifetime_s > now) {
			e->next_roll = y->inception + pk->lifetime_s;
			return;
		}
	}
	if (lifetime_too_short(pk, t, e->why, sizeof(e->why))) {
		e->verdict = ENF_PLAN_REFUSED;
		return;
	}
	e->verdict = ENF_PLAN_NEW_KEY;
	snprintf(e->why, sizeof(e->why), "%s",
	         !y                        ? "no key yet"
	         : *roll_flag(z, pk->role) ? "manual rollover"
	                                   : "lifetime over");
	if (!pk->manual_rollover && pk->lifetime_s > 0)
		e->next_roll = now + pk->lifetime_s;
}

ods_err
enf_policy_plan(struct enf_zone *z, const struct enf_policy_key *pk, size_t n,
                const struct enf_timing *t, int64_t now, struct enf_plan_entry *entries,
                struct enf_plan *out)
{
	struct enf_plan plan = {.allow_unsigned = n == 0};
	unsigned minimize;

	for (size_t i = 0; i < n; i++) {
		if (pk[i].lifetime_s < 0 ||
		    enf_minimize_for(pk[i].role, pk[i].rolltype, &minimize) != ODS_OK)
			return ODS_EINVAL;
	}
	for (size_t i = 0; i < z->n_keys; i++) {
		struct enf_key *k = &z->keys[i];
		bool wanted = false;

		for (size_t j = 0; j < n && !wanted; j++)
			wanted = key_matches(k, &pk[j]);
		if (k->introducing && !wanted) {
			k->introducing = false;
			plan.n_outroduced++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		plan_entry(z, &pk[i], t, now, &entries[i]);
		if (entries[i].next_roll > 0 &&
		    (plan.next_roll == 0 || entries[i].next_roll < plan.next_roll))
			plan.next_roll = entries[i].next_roll;
	}
	*out = plan;
	return ODS_OK;
}

ods_err
enf_policy_introduce(struct enf_zone *z, const struct enf_policy_key *pk,
                     const struct enf_key *material, int64_t now)
{
	struct enf_key k;
	unsigned minimize;
	ods_err rc = enf_minimize_for(pk->role, pk->rolltype, &minimize);

	if (rc != ODS_OK)
		return rc;
	enf_key_init(&k, material->id, pk->role, pk->algorithm, minimize, now);
	k.bits = pk->bits;
	snprintf(k.repository, sizeof(k.repository), "%s", pk->repository);
	k.keytag = material->keytag;
	k.backup = material->backup;
	rc = enf_zone_add_key(z, &k);
	if (rc != ODS_OK)
		return rc;
	for (size_t i = 0; i < z->n_keys; i++) {
		struct enf_key *x = &z->keys[i];

		if (x->introducing && key_matches(x, pk) && !enf_same_id(x->id, material->id))
			x->introducing = false;
	}
	*roll_flag(z, pk->role) = false;
	return ODS_OK;
}
