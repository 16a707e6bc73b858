/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The update loop of the key-state engine (§4.3 step 3) and the zone view it works on. Every
 * record of every key wants to move one step toward its key's goal (§4.2); a run visits keys
 * and records in a fixed order and lets a record move when five gates agree (the DS user
 * gate, the roll type, the DNSSEC rules, the timing, the backup), and repeats until a whole
 * pass moves nothing. What did not move is reported with the gate that held it, which is
 * what `key list` and the logs show the operator. Also here: the names of the enums.
 */
#include "services/enforcer/keystate/keystate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/enforcer/keystate/internal.h"

/* A record moves at most a few times in one run (H->R->O, or R->O->U->H when an outgoing key
 * first finishes a swap), and a run starts a pass only after a move, so this bound is never
 * reached by a correct engine. */
#define PASSES_PER_RECORD 4

bool
enf_same_id(struct enf_key_id a, struct enf_key_id b)
{
	return a.v == b.v;
}

ods_err
enf_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return ODS_OK;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / sz)
		return ODS_ENOMEM;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return ODS_ENOMEM;
	*arr = p;
	*cap = ncap;
	return ODS_OK;
}

void
enf_zone_init(struct enf_zone *z)
{
	*z = (struct enf_zone){0};
}

void
enf_zone_deinit(struct enf_zone *z)
{
	if (!z)
		return;
	free(z->keys);
	free(z->deps);
	*z = (struct enf_zone){0};
}

struct enf_key *
enf_zone_key(const struct enf_zone *z, struct enf_key_id id)
{
	for (size_t i = 0; i < z->n_keys; i++) {
		if (enf_same_id(z->keys[i].id, id))
			return &z->keys[i];
	}
	return NULL;
}

ods_err
enf_zone_add_key(struct enf_zone *z, const struct enf_key *k)
{
	ods_err rc;

	if (enf_zone_key(z, k->id))
		return ODS_EEXIST;
	rc = enf_grow((void **)&z->keys, &z->cap_keys, z->n_keys, sizeof(*z->keys));
	if (rc != ODS_OK)
		return rc;
	z->keys[z->n_keys++] = *k;
	return ODS_OK;
}

ods_err
enf_zone_remove_key(struct enf_zone *z, struct enf_key_id id)
{
	struct enf_key *k = enf_zone_key(z, id);
	size_t j = 0;

	if (!k)
		return ODS_ENOENT;
	memmove(k, k + 1, (size_t)(z->keys + z->n_keys - (k + 1)) * sizeof(*k));
	z->n_keys--;
	for (size_t i = 0; i < z->n_deps; i++) {
		if (enf_same_id(z->deps[i].from, id) || enf_same_id(z->deps[i].to, id))
			continue;
		z->deps[j++] = z->deps[i];
	}
	z->n_deps = j;
	return ODS_OK;
}

ods_err
enf_zone_add_dep(struct enf_zone *z, const struct enf_dep *d)
{
	ods_err rc = enf_grow((void **)&z->deps, &z->cap_deps, z->n_deps, sizeof(*z->deps));

	if (rc != ODS_OK)
		return rc;
	z->deps[z->n_deps++] = *d;
	return ODS_OK;
}

void
enf_key_init(struct enf_key *k, struct enf_key_id id, unsigned role, int algorithm,
             unsigned minimize, int64_t inception)
{
	*k = (struct enf_key){0};
	k->id = id;
	k->role = role;
	k->algorithm = algorithm;
	k->minimize = minimize;
	k->inception = inception;
	k->introducing = true;
	k->ds_at_parent = ENF_DS_UNSUBMITTED;
	k->backup = ENF_BACKUP_NONE;
}

static bool
visible(enum enf_state s)
{
	return s == ENF_RUMOURED || s == ENF_OMNIPRESENT;
}

bool
enf_key_publish(const struct enf_key *k)
{
	return k->has_records && visible(k->rec[ENF_REC_DNSKEY].state);
}

bool
enf_key_active_ksk(const struct enf_key *k)
{
	return k->has_records && visible(k->rec[ENF_REC_RRSIGDNSKEY].state);
}

bool
enf_key_active_zsk(const struct enf_key *k)
{
	return k->has_records && visible(k->rec[ENF_REC_RRSIG].state);
}

bool
enf_key_is_dead(const struct enf_key *k)
{
	if (k->introducing || !k->has_records)
		return false;
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		if (k->rec[r].state != ENF_HIDDEN && k->rec[r].state != ENF_NA)
			return false;
	}
	return true;
}

bool
enf_key_purgeable(const struct enf_key *k, int64_t purge_s, int64_t now)
{
	int64_t last = 0;

	if (!enf_key_is_dead(k))
		return false;
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		if (k->rec[r].last_change > last)
			last = k->rec[r].last_change;
	}
	return now >= last + purge_s;
}

enum enf_state
enf_desired_state(const struct enf_key *k, enum enf_record r)
{
	enum enf_state s = k->rec[r].state;

	if (k->introducing) {
		if (s == ENF_HIDDEN || s == ENF_UNRETENTIVE)
			return ENF_RUMOURED;
		if (s == ENF_RUMOURED)
			return ENF_OMNIPRESENT;
		return s;
	}
	if (s == ENF_RUMOURED || s == ENF_OMNIPRESENT)
		return ENF_UNRETENTIVE;
	if (s == ENF_UNRETENTIVE)
		return ENF_HIDDEN;
	return s;
}

/* What record r of k moves to next in this zone: toward the goal (§4.2), except that an
 * outgoing key halfway through taking over a record from another outgoing key finishes
 * arriving first. Deviation: withdrawing both halves of a swap cannot be done one record at
 * a time without a moment where neither is complete (docs/keystate.md), so upstream's model
 * would stay frozen there. */
static enum enf_state
want(const struct enf_zone *z, const struct enf_key *k, enum enf_record r)
{
	if (enf_finishes_swap(z, k, r))
		return ENF_OMNIPRESENT;
	return enf_desired_state(k, r);
}

/* The record applies to the role (§4.1): DS and RRSIGDNSKEY for KSKs, RRSIG for ZSKs. */
static bool
applies(unsigned role, enum enf_record r)
{
	switch (r) {
	case ENF_REC_DS:
	case ENF_REC_RRSIGDNSKEY:
		return role & ENF_ROLE_KSK;
	case ENF_REC_RRSIG:
		return role & ENF_ROLE_ZSK;
	case ENF_REC_DNSKEY:
		break;
	}
	return true;
}

static void
create_records(struct enf_zone *z, const struct enf_timing *t, struct enf_key *k, int64_t now)
{
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		enum enf_record rec = (enum enf_record)r;

		k->rec[r].state = applies(k->role, rec) ? ENF_HIDDEN : ENF_NA;
		k->rec[r].last_change = now;
		k->rec[r].ttl_s = enf_ttl_for_change(z, t, rec, now);
	}
	k->has_records = true;
}

static ods_err
check_view(const struct enf_zone *z, const struct enf_timing *t)
{
	if (t->ttl_ds_s < 0 || t->ttl_dnskey_s < 0 || t->zone_propagation_delay_s < 0 ||
	    t->parent_propagation_delay_s < 0 || t->parent_registration_delay_s < 0)
		return ODS_EINVAL;
	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *k = &z->keys[i];

		if (k->role == 0 || k->role > ENF_ROLE_CSK)
			return ODS_EINVAL;
		for (int r = 0; k->has_records && r < ENF_REC_COUNT; r++) {
			if ((unsigned)k->rec[r].state > ENF_NA)
				return ODS_EINVAL;
		}
	}
	return ODS_OK;
}

/* The outcome of the gates for one record. */
struct verdict {
	enum enf_gate gate;
	int rule;
	int64_t at;
	const char *why;
};

/* §4.3 gates a..e, in upstream's order; the first that says no is the reason. */
static void
judge(const struct enf_zone *z, const struct enf_timing *t, int64_t now, const struct enf_key *k,
      enum enf_record r, enum enf_state next, struct verdict *v)
{
	*v = (struct verdict){.gate = ENF_GATE_NONE};
	if (r == ENF_REC_DS) {
		v->why = enf_ds_gate(z, t, k, next);
		if (v->why) {
			v->gate = ENF_GATE_DS_USER;
			return;
		}
	}
	v->why = enf_policy_refuses(z, k, r, next);
	if (v->why) {
		v->gate = ENF_GATE_POLICY;
		return;
	}
	v->rule = enf_dnssec_refuses(z, k, r, next, t->allow_unsigned);
	if (v->rule) {
		v->gate = ENF_GATE_DNSSEC;
		return;
	}
	v->at = enf_transition_time(z, t, k, r, next);
	if (v->at > now) {
		v->gate = ENF_GATE_TIMING;
		return;
	}
	v->at = 0;
	if (next == ENF_OMNIPRESENT &&
	    (k->backup == ENF_BACKUP_REQUIRED || k->backup == ENF_BACKUP_REQUESTED)) {
		v->gate = ENF_GATE_BACKUP;
		v->at = now + ENF_RETRY_S;
		v->why = "key material not backed up yet";
	}
}

static ods_err
add_transition(struct enf_result *res, size_t *cap, const struct enf_transition *tr)
{
	ods_err rc = enf_grow((void **)&res->transitions, cap, res->n_transitions,
	                      sizeof(*res->transitions));

	if (rc == ODS_OK)
		res->transitions[res->n_transitions++] = *tr;
	return rc;
}

/* Gate f and commit (g): move, remember the TTL in force, keep DS and successors in step. */
static ods_err
commit(struct enf_zone *z, const struct enf_timing *t, int64_t now, struct enf_key *k,
       enum enf_record r, enum enf_state next, struct enf_result *res, size_t *cap)
{
	struct enf_transition tr = {
	    .key = k->id, .record = r, .from = k->rec[r].state, .to = next, .at = now};
	ods_err rc;

	if (r == ENF_REC_DS)
		enf_ds_bookkeep(k, next);
	k->rec[r].ttl_s = enf_ttl_for_change(z, t, r, now);
	k->rec[r].state = next;
	k->rec[r].last_change = now;
	res->signconf_needs_writing = true;
	rc = enf_deps_after_commit(z, k, r, tr.from);
	if (rc == ODS_OK)
		rc = add_transition(res, cap, &tr);
	return rc;
}

static void
wake_at(int64_t *wake, int64_t at)
{
	if (at > 0 && (*wake == 0 || at < *wake))
		*wake = at;
}

/* One pass over keys x records; *moved tells whether anything changed. */
static ods_err
pass(struct enf_zone *z, const struct enf_timing *t, int64_t now, struct enf_result *res,
     size_t *cap, bool *moved)
{
	*moved = false;
	for (size_t i = 0; i < z->n_keys; i++) {
		struct enf_key *k = &z->keys[i];

		for (int ri = 0; ri < ENF_REC_COUNT; ri++) {
			enum enf_record r = (enum enf_record)ri;
			enum enf_state next = want(z, k, r);
			struct verdict v;
			ods_err rc;

			if (next == k->rec[r].state)
				continue;
			judge(z, t, now, k, r, next, &v);
			if (v.gate != ENF_GATE_NONE)
				continue;
			rc = commit(z, t, now, k, r, next, res, cap);
			if (rc != ODS_OK)
				return rc;
			*moved = true;
		}
	}
	return ODS_OK;
}

static void
describe(struct enf_blocked *b, const struct verdict *v)
{
	switch (v->gate) {
	case ENF_GATE_DNSSEC:
		snprintf(b->why, sizeof(b->why), "would break rule %d (%s)", v->rule,
		         v->rule == 1   ? "a DS must stay at the parent"
		         : v->rule == 2 ? "a DNSKEY chain from the DS"
		                        : "valid signatures");
		break;
	case ENF_GATE_TIMING:
		snprintf(b->why, sizeof(b->why), "caches may hold the old data until %" PRId64,
		         v->at);
		break;
	default:
		snprintf(b->why, sizeof(b->why), "%s", v->why ? v->why : "");
		break;
	}
}

/* After the fixpoint: why each record that wants to move does not, and the next wake-up. */
static ods_err
report_blocked(const struct enf_zone *z, const struct enf_timing *t, int64_t now,
               struct enf_result *res)
{
	size_t cap = 0;

	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *k = &z->keys[i];

		for (int ri = 0; ri < ENF_REC_COUNT; ri++) {
			enum enf_record r = (enum enf_record)ri;
			enum enf_state next = want(z, k, r);
			struct enf_blocked *b;
			struct verdict v;
			ods_err rc;

			if (next == k->rec[r].state)
				continue;
			judge(z, t, now, k, r, next, &v);
			if (v.gate == ENF_GATE_TIMING || v.gate == ENF_GATE_BACKUP)
				wake_at(&res->next_wakeup, v.at);
			rc = enf_grow((void **)&res->blocked, &cap, res->n_blocked,
			              sizeof(*res->blocked));
			if (rc != ODS_OK)
				return rc;
			b = &res->blocked[res->n_blocked++];
			*b = (struct enf_blocked){.key = k->id,
			                          .record = r,
			                          .state = k->rec[r].state,
			                          .want = next,
			                          .gate = v.gate,
			                          .rule = v.rule,
			                          .possible_at = v.at};
			if (v.gate == ENF_GATE_NONE)
				return ODS_EINTERNAL; /* a fixpoint leaves nothing movable */
			describe(b, &v);
		}
	}
	return ODS_OK;
}

static bool
moved_ds_this_run(const struct enf_result *res, struct enf_key_id id)
{
	for (size_t i = 0; i < res->n_transitions; i++) {
		if (res->transitions[i].record == ENF_REC_DS &&
		    enf_same_id(res->transitions[i].key, id))
			return true;
	}
	return false;
}

static ods_err
report_ds(const struct enf_zone *z, struct enf_result *res)
{
	size_t cap = 0;

	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *k = &z->keys[i];
		ods_err rc;

		if (k->ds_at_parent != ENF_DS_SUBMIT && k->ds_at_parent != ENF_DS_RETRACT)
			continue;
		rc = enf_grow((void **)&res->ds, &cap, res->n_ds, sizeof(*res->ds));
		if (rc != ODS_OK)
			return rc;
		res->ds[res->n_ds++] =
		    (struct enf_ds_request){.key = k->id,
		                            .keytag = k->keytag,
		                            .state = k->ds_at_parent,
		                            .new_this_run = moved_ds_this_run(res, k->id)};
	}
	return ODS_OK;
}

static ods_err
run(struct enf_zone *z, const struct enf_timing *t, int64_t now, struct enf_result *res)
{
	size_t cap = 0, passes = 0, max_passes = PASSES_PER_RECORD * ENF_REC_COUNT * z->n_keys + 2;
	bool moved = true;
	ods_err rc;

	if (enf_ttl_refresh(z, t, now) || t->allow_unsigned)
		res->signconf_needs_writing = true;
	for (size_t i = 0; i < z->n_keys; i++) {
		if (!z->keys[i].has_records) {
			create_records(z, t, &z->keys[i], now);
			res->signconf_needs_writing = true;
		}
	}
	while (moved) {
		if (passes++ > max_passes)
			return ODS_EINTERNAL;
		rc = pass(z, t, now, res, &cap, &moved);
		if (rc != ODS_OK)
			return rc;
	}
	rc = report_blocked(z, t, now, res);
	if (rc == ODS_OK)
		rc = report_ds(z, res);
	return rc;
}

ods_err
enf_keystate_update(struct enf_zone *z, const struct enf_timing *t, int64_t now,
                    struct enf_result *out)
{
	struct enf_result res = {0};
	ods_err rc = check_view(z, t);

	if (rc == ODS_OK)
		rc = run(z, t, now, &res);
	if (rc != ODS_OK) {
		enf_result_deinit(&res);
		return rc;
	}
	*out = res;
	return ODS_OK;
}

void
enf_result_deinit(struct enf_result *r)
{
	if (!r)
		return;
	free(r->transitions);
	free(r->blocked);
	free(r->ds);
	*r = (struct enf_result){0};
}

const char *
enf_state_name(enum enf_state s)
{
	static const char *const names[] = {"hidden", "rumoured", "omnipresent", "unretentive",
	                                    "NA"};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *
enf_record_name(enum enf_record r)
{
	static const char *const names[] = {"DS", "DNSKEY", "RRSIGDNSKEY", "RRSIG"};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

const char *
enf_role_name(unsigned role)
{
	switch (role) {
	case ENF_ROLE_KSK:
		return "KSK";
	case ENF_ROLE_ZSK:
		return "ZSK";
	case ENF_ROLE_CSK:
		return "CSK";
	default:
		return "unknown";
	}
}

const char *
enf_ds_at_parent_name(enum enf_ds_at_parent s)
{
	static const char *const names[] = {"unsubmitted", "submit",  "submitted",
	                                    "seen",        "retract", "retracted"};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *
enf_gate_name(enum enf_gate g)
{
	static const char *const names[] = {"none", "ds", "policy", "dnssec", "timing", "backup"};

	return (unsigned)g < sizeof(names) / sizeof(names[0]) ? names[g] : "unknown";
}
