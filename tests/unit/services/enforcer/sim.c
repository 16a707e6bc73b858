/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulator behind the scenario tests (see sim.h). The history validator models the
 * world simply and on purpose independently of the engine's rules: a DS is at the parent
 * from ds-submit until ds-retract, a DNSKEY and its signatures are in the zone while their
 * records are rumoured or omnipresent, a published version of an RRset stays in caches
 * until it was replaced plus propagation delay plus its TTL, and a resolver may combine any
 * cached DS, DNSKEY and signature versions. A combination fails when a DS is there but no
 * key has DS + DNSKEY + DNSKEY signature in it, or when no cached signature over zone data is
 * by a DNSKEY of the cached DNSKEY RRset; and, once the zone was secure, when no DS is left
 * (unless the policy lets it go unsigned). The validator itself is cachecheck.c; this file
 * turns the engine's view into its snapshots.
 */
#include "sim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static bool
trace(void)
{
	return getenv("SIM_TRACE") != NULL;
}

void
sim_init(struct sim *s)
{
	*s = (struct sim){0};
	cc_init(&s->hist);
	enf_zone_init(&s->z);
	enf_timing_defaults(&s->t);
	s->now = SIM_T0;
	s->operator_acts = true;
	s->check_history = true;
	s->held = 0;
}

void
sim_free(struct sim *s)
{
	enf_zone_deinit(&s->z);
	enf_result_deinit(&s->last);
	free(s->log);
	cc_free(&s->hist);
	*s = (struct sim){0};
}

struct enf_key *
sim_add_key(struct sim *s, int64_t id, unsigned role, int alg, enum enf_rolltype rt)
{
	struct enf_key k;
	unsigned minimize = 0;

	assert_int_equal(enf_minimize_for(role, rt, &minimize), ODS_OK);
	enf_key_init(&k, (struct enf_key_id){id}, role, alg, minimize, s->now);
	k.keytag = (uint16_t)(1000 + id);
	k.bits = 2048;
	assert_int_equal(enf_zone_add_key(&s->z, &k), ODS_OK);
	assert_true(s->z.n_keys <= SIM_MAX_KEYS);
	return sim_key(s, id);
}

struct enf_key *
sim_key(const struct sim *s, int64_t id)
{
	return enf_zone_key(&s->z, (struct enf_key_id){id});
}

static bool
shown(enum enf_state st)
{
	return st == ENF_RUMOURED || st == ENF_OMNIPRESENT;
}

static void
snapshot(struct sim *s)
{
	struct cc_snap n = {.at = s->now};
	int64_t neg = s->t.soa_ttl_s < s->t.soa_minimum_s ? s->t.soa_ttl_s : s->t.soa_minimum_s;

	for (size_t i = 0; i < s->z.n_keys; i++) {
		const struct enf_key *k = &s->z.keys[i];
		enum enf_ds_at_parent p = k->ds_at_parent;
		uint64_t bit = (uint64_t)1 << i;

		if ((k->role & ENF_ROLE_KSK) &&
		    (p == ENF_DS_SUBMITTED || p == ENF_DS_SEEN || p == ENF_DS_RETRACT))
			n.ds |= bit;
		if (!k->has_records)
			continue;
		if (shown(k->rec[ENF_REC_DNSKEY].state))
			n.dnskey |= bit;
		if (shown(k->rec[ENF_REC_RRSIGDNSKEY].state))
			n.krrsig |= bit;
		if (shown(k->rec[ENF_REC_RRSIG].state))
			n.zsig |= bit;
	}
	n.ds_window_s =
	    s->t.ttl_ds_s + s->t.parent_registration_delay_s + s->t.parent_propagation_delay_s;
	/* An empty DNSKEY RRset is a negative answer, cached for the SOA's negative TTL. */
	n.dk_window_s = (n.dnskey ? s->t.ttl_dnskey_s : neg) + s->t.zone_propagation_delay_s;
	n.rs_window_s = enf_timing_ttl_rrsig(&s->t) + s->t.zone_propagation_delay_s;
	assert_true(cc_add(&s->hist, &n) >= 0);
}

static void dump(const struct sim *s);

static void
check_history(struct sim *s)
{
	struct cc_failure f;
	const struct cc_snap *v = s->hist.snaps;

	if (cc_check(&s->hist, s->now, 0, s->t.allow_unsigned, &f) == CC_OK)
		return;
	print_error("%s step %d now=T0+%lld: %s (DS version %zu ds=%#llx, DNSKEY version %zu "
	            "dnskey=%#llx krrsig=%#llx, signature version %zu zsig=%#llx)\n",
	            s->label, s->steps, (long long)(s->now - SIM_T0), cc_verdict_text(f.verdict),
	            f.ds_v, (unsigned long long)v[f.ds_v].ds, f.dk_v,
	            (unsigned long long)v[f.dk_v].dnskey, (unsigned long long)v[f.dk_v].krrsig,
	            f.sig_v, (unsigned long long)v[f.sig_v].zsig);
	dump(s);
	fail();
}

static void
dump(const struct sim *s)
{
	char buf[96];

	print_message("  %s at T0+%lld:\n", s->label, (long long)(s->now - SIM_T0));
	for (size_t i = 0; i < s->z.n_keys; i++) {
		const struct enf_key *k = &s->z.keys[i];

		print_message("    key %lld %s alg=%d goal=%s ds=%s %s\n", (long long)k->id.v,
		              enf_role_name(k->role), k->algorithm, k->introducing ? "in" : "out",
		              enf_ds_at_parent_name(k->ds_at_parent),
		              sim_tuple(s, k->id.v, buf, sizeof(buf)));
	}
	for (size_t i = 0; i < s->z.n_deps; i++)
		print_message("    dep %lld -> %lld %s\n", (long long)s->z.deps[i].from.v,
		              (long long)s->z.deps[i].to.v, enf_record_name(s->z.deps[i].record));
	for (size_t i = 0; i < s->last.n_blocked; i++) {
		const struct enf_blocked *b = &s->last.blocked[i];

		print_message("    blocked %lld %s %s->%s: %s: %s\n", (long long)b->key.v,
		              enf_record_name(b->record), enf_state_name(b->state),
		              enf_state_name(b->want), enf_gate_name(b->gate), b->why);
	}
}

static void
check_invariants(struct sim *s)
{
	unsigned broken = enf_zone_broken_rules(&s->z, s->t.allow_unsigned);

	if (broken & s->held) {
		print_error("%s step %d now=T0+%lld: rule mask %#x broke (held %#x)\n", s->label,
		            s->steps, (long long)(s->now - SIM_T0), broken, s->held);
		dump(s);
		fail();
	}
	s->held |= ~broken & 0xEu;
	snapshot(s);
	if (s->check_history)
		check_history(s);
}

void
sim_run(struct sim *s)
{
	struct enf_result r;

	if (s->hist.n == 0) {
		/* Before the first run the zone was unsigned, for as long as anyone remembers. */
		int64_t now = s->now;

		s->now = SIM_T0 - 100000000;
		snapshot(s);
		s->now = now;
	}
	assert_int_equal(enf_keystate_update(&s->z, &s->t, s->now, &r), ODS_OK);
	enf_result_deinit(&s->last);
	s->last = r;
	for (size_t i = 0; i < r.n_transitions; i++) {
		if (s->n_log == s->cap_log) {
			s->cap_log = s->cap_log ? 2 * s->cap_log : 64;
			s->log = realloc(s->log, s->cap_log * sizeof(*s->log));
			assert_non_null(s->log);
		}
		s->log[s->n_log++] = r.transitions[i];
		if (trace())
			print_message("  T0+%-9lld key %lld %-11s %s -> %s\n",
			              (long long)(s->now - SIM_T0),
			              (long long)r.transitions[i].key.v,
			              enf_record_name(r.transitions[i].record),
			              enf_state_name(r.transitions[i].from),
			              enf_state_name(r.transitions[i].to));
	}
	s->steps++;
	check_invariants(s);
}

/* The operator answers the DS requests; true if anything was done. */
static bool
operate(struct sim *s, int64_t *pending)
{
	bool acted = false;

	for (size_t i = 0; i < s->z.n_keys; i++) {
		struct enf_key *k = &s->z.keys[i];
		int64_t due = k->rec[ENF_REC_DS].last_change + s->parent_delay_s;
		ods_err rc = ODS_OK;

		if (k->ds_at_parent == ENF_DS_SUBMIT)
			rc = enf_ds_submitted(k, s->now, NULL);
		else if (k->ds_at_parent == ENF_DS_RETRACT)
			rc = enf_ds_retracted(k, s->now, NULL);
		else if (k->ds_at_parent == ENF_DS_SUBMITTED && due <= s->now)
			rc = enf_ds_seen(k, s->now, NULL);
		else if (k->ds_at_parent == ENF_DS_RETRACTED && due <= s->now)
			rc = enf_ds_gone(k, s->now, NULL);
		else {
			if ((k->ds_at_parent == ENF_DS_SUBMITTED ||
			     k->ds_at_parent == ENF_DS_RETRACTED) &&
			    (*pending == 0 || due < *pending))
				*pending = due;
			continue;
		}
		assert_int_equal(rc, ODS_OK);
		acted = true;
	}
	return acted;
}

/* Run and let the operator act. Returns when to go on: now (the operator acted, and the
 * DS commands flush enforce), the next wake-up, or 0 when nothing is pending. */
static int64_t
advance(struct sim *s)
{
	int64_t next, pending = 0;

	sim_run(s);
	if (s->operator_acts && operate(s, &pending)) {
		check_invariants(s);
		return s->now;
	}
	next = s->last.next_wakeup;
	if (pending && (next == 0 || pending < next))
		next = pending;
	assert_true(next == 0 || next > s->now);
	return next;
}

bool
sim_step(struct sim *s)
{
	int64_t next = advance(s);

	if (next == 0)
		return false;
	s->now = next;
	return true;
}

void
sim_until(struct sim *s, bool (*done)(const struct sim *), int max_steps)
{
	for (int i = 0; i < max_steps; i++) {
		int64_t next;

		if (done(s))
			return;
		next = advance(s);
		if (done(s))
			return;
		if (next == 0) {
			dump(s);
			fail_msg("nothing pending at T0+%lld and not done",
			         (long long)(s->now - SIM_T0));
		}
		s->now = next;
	}
	dump(s);
	fail_msg("not done after %d steps", max_steps);
}

void
sim_settle(struct sim *s, int max_steps)
{
	for (int i = 0; i < max_steps; i++) {
		if (!sim_step(s))
			return;
	}
	dump(s);
	fail_msg("still moving after %d steps", max_steps);
}

bool
sim_arrived(const struct sim *s)
{
	for (size_t i = 0; i < s->z.n_keys; i++) {
		const struct enf_key *k = &s->z.keys[i];

		if (!k->has_records)
			return false;
		for (int r = 0; r < ENF_REC_COUNT; r++) {
			if (enf_desired_state(k, (enum enf_record)r) != k->rec[r].state)
				return false;
		}
	}
	return true;
}

int64_t
sim_when(const struct sim *s, int64_t key, enum enf_record r, enum enf_state to, int64_t since)
{
	for (size_t i = 0; i < s->n_log; i++) {
		const struct enf_transition *t = &s->log[i];

		if (t->key.v == key && t->record == r && t->to == to && t->at >= since)
			return t->at;
	}
	return -1;
}

const char *
sim_tuple(const struct sim *s, int64_t key, char *buf, size_t n)
{
	const struct enf_key *k = sim_key(s, key);

	assert_non_null(k);
	snprintf(buf, n, "%s;%s;%s;%s;%d;%d", enf_state_name(k->rec[ENF_REC_DS].state),
	         enf_state_name(k->rec[ENF_REC_DNSKEY].state),
	         enf_state_name(k->rec[ENF_REC_RRSIGDNSKEY].state),
	         enf_state_name(k->rec[ENF_REC_RRSIG].state), enf_key_publish(k) ? 1 : 0,
	         (enf_key_active_ksk(k) || enf_key_active_zsk(k)) ? 1 : 0);
	return buf;
}

const struct enf_blocked *
sim_blocked(const struct sim *s, int64_t key, enum enf_record r)
{
	for (size_t i = 0; i < s->last.n_blocked; i++) {
		if (s->last.blocked[i].key.v == key && s->last.blocked[i].record == r)
			return &s->last.blocked[i];
	}
	return NULL;
}
