/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * When a record may move (§4.6, RFC 7583): introducing or withdrawing a record may happen at
 * once; declaring it omnipresent or hidden must wait until every cache that could hold the
 * RRset as it was before the change has expired it: the TTL, the propagation delay to the
 * last secondary (or the parent's registration and propagation delays for DS), a safety
 * margin for DNSKEYs, and for signatures the time the signer needs to replace them one by
 * one as they reach their refresh time. TTLs are remembered: a record keeps the TTL that was
 * in force when it changed, and the zone keeps an older, larger TTL until caches have dropped
 * it (ttl_end_*), so lowering a TTL in the policy never shortens a wait that has begun.
 */
#include "services/enforcer/keystate/internal.h"

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void
enf_timing_defaults(struct enf_timing *t)
{
	*t = (struct enf_timing){
	    .ttl_ds_s = 3600,
	    .parent_registration_delay_s = 0,
	    .parent_propagation_delay_s = 9999,
	    .ttl_dnskey_s = 3600,
	    .zone_propagation_delay_s = 43200,
	    .publish_safety_s = 3600,
	    .retire_safety_s = 3600,
	    .soa_ttl_s = 3600,
	    .soa_minimum_s = 3600,
	    .max_zone_ttl_s = 86400,
	    .nsec3param_ttl_s = 0,
	    .jitter_s = 43200,
	    .validity_default_s = 14 * 86400,
	    .validity_denial_s = 14 * 86400,
	    .resign_s = 7200,
	    .refresh_s = 3 * 86400,
	    .allow_unsigned = false,
	};
}

int64_t
enf_timing_ttl_rrsig(const struct enf_timing *t)
{
	int64_t ttl = min64(t->soa_ttl_s, t->soa_minimum_s);

	return max64(ttl, max64(t->max_zone_ttl_s, t->nsec3param_ttl_s));
}

int64_t
enf_timing_sig_replacement(const struct enf_timing *t)
{
	int64_t v = max64(t->validity_default_s, t->validity_denial_s);

	return max64(0, t->jitter_s + v + t->resign_s - t->refresh_s);
}

int64_t
enf_ttl_published(const struct enf_timing *t, enum enf_record r)
{
	switch (r) {
	case ENF_REC_DS:
		return t->ttl_ds_s;
	case ENF_REC_DNSKEY:
	case ENF_REC_RRSIGDNSKEY:
		return t->ttl_dnskey_s;
	case ENF_REC_RRSIG:
		return enf_timing_ttl_rrsig(t);
	}
	return 0;
}

static bool
any_dnskey_omnipresent(const struct enf_zone *z)
{
	for (size_t i = 0; i < z->n_keys; i++) {
		if (z->keys[i].rec[ENF_REC_DNSKEY].state == ENF_OMNIPRESENT)
			return true;
	}
	return false;
}

/* The policy's TTL for r, with the negative-caching TTL for DNSKEY while no DNSKEY is
 * omnipresent: until then a resolver may hold "no DNSKEY here" for min(SOA TTL, Minimum)
 * (RFC 2308), and a DS must not be published while such an answer can be cached. Upstream
 * meant to do this but its condition never holds (§4.6 [BUG]); see docs/keystate.md. */
static int64_t
ttl_now(const struct enf_zone *z, const struct enf_timing *t, enum enf_record r)
{
	int64_t ttl = enf_ttl_published(t, r);

	if ((r == ENF_REC_DNSKEY || r == ENF_REC_RRSIGDNSKEY) && !any_dnskey_omnipresent(z))
		ttl = max64(ttl, min64(t->soa_ttl_s, t->soa_minimum_s));
	return ttl;
}

static int64_t
ttl_end(const struct enf_zone *z, enum enf_record r)
{
	switch (r) {
	case ENF_REC_DS:
		return z->ttl_end_ds;
	case ENF_REC_DNSKEY:
	case ENF_REC_RRSIGDNSKEY:
		return z->ttl_end_dk;
	case ENF_REC_RRSIG:
		return z->ttl_end_rs;
	}
	return 0;
}

int64_t
enf_ttl_for_change(const struct enf_zone *z, const struct enf_timing *t, enum enf_record r,
                   int64_t now)
{
	return max64(ttl_now(z, t, r), ttl_end(z, r) - now);
}

/* A published TTL went from *last to cur at now: after a decrease, caches may hold the old,
 * larger TTL until now + *last. */
static bool
refresh_one(int64_t *end, int64_t *last, int64_t cur, int64_t now)
{
	if (*last > cur)
		*end = max64(*end, now + *last);
	if (*last == cur)
		return false;
	*last = cur;
	return true;
}

bool
enf_ttl_refresh(struct enf_zone *z, const struct enf_timing *t, int64_t now)
{
	bool changed = false;

	changed |= refresh_one(&z->ttl_end_ds, &z->ttl_ds_s, enf_ttl_published(t, ENF_REC_DS), now);
	changed |=
	    refresh_one(&z->ttl_end_dk, &z->ttl_dk_s, enf_ttl_published(t, ENF_REC_DNSKEY), now);
	changed |=
	    refresh_one(&z->ttl_end_rs, &z->ttl_rs_s, enf_ttl_published(t, ENF_REC_RRSIG), now);
	return changed;
}

/* The signer replaces a same-algorithm signature only when it reaches its refresh time, so
 * while one key's signatures take over from another's (an RRSIG swap), both the arrival of
 * the new ones and the departure of the old ones wait for every old signature to be redone. */
static int64_t
replacement_wait(const struct enf_zone *z, const struct enf_timing *t, const struct enf_key *k,
                 enum enf_state next)
{
	enum enf_state other = next == ENF_OMNIPRESENT ? ENF_UNRETENTIVE : ENF_RUMOURED;

	if (k->rec[ENF_REC_DNSKEY].state != ENF_OMNIPRESENT)
		return 0;
	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *x = &z->keys[i];

		if (x != k && x->algorithm == k->algorithm &&
		    x->rec[ENF_REC_DNSKEY].state == ENF_OMNIPRESENT &&
		    x->rec[ENF_REC_RRSIG].state == other)
			return enf_timing_sig_replacement(t);
	}
	return 0;
}

/* The delays after the TTL: propagation to the last cache-feeding server, and safety. */
static int64_t
delays(const struct enf_zone *z, const struct enf_timing *t, const struct enf_key *k,
       enum enf_record r, enum enf_state next)
{
	switch (r) {
	case ENF_REC_DS:
		return t->parent_registration_delay_s + t->parent_propagation_delay_s;
	case ENF_REC_DNSKEY:
	case ENF_REC_RRSIGDNSKEY:
		return t->zone_propagation_delay_s +
		       (next == ENF_OMNIPRESENT ? t->publish_safety_s : t->retire_safety_s);
	case ENF_REC_RRSIG:
		return t->zone_propagation_delay_s + replacement_wait(z, t, k, next);
	}
	return 0;
}

int64_t
enf_transition_time(const struct enf_zone *z, const struct enf_timing *t, const struct enf_key *k,
                    enum enf_record r, enum enf_state next)
{
	int64_t last = k->rec[r].last_change;

	if (next != ENF_OMNIPRESENT && next != ENF_HIDDEN)
		return last;
	return last + max64(k->rec[r].ttl_s, ttl_now(z, t, r)) + delays(z, t, k, r, next);
}
