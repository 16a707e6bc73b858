/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pieces of the key-state engine on hand-built zone views: the clauses of the three
 * DNSSEC rules and the successor dependencies that make swap states valid (§4.5), the roll
 * type gate (§4.4) and its table, the DS operator commands and their state checks (§4.8),
 * the 1.x key states of `key list` and `key import` (§4.11), the policy planner (§4.9), and
 * the zone view's bookkeeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "services/enforcer/keystate/keystate.h"

#define H ENF_HIDDEN
#define R ENF_RUMOURED
#define O ENF_OMNIPRESENT
#define U ENF_UNRETENTIVE
#define NA ENF_NA

#define RULE1 (1u << 1)
#define RULE2 (1u << 2)
#define RULE3 (1u << 3)

static const int64_t now = 1700000000;

/* Put a key with the given record states (DS, DNSKEY, RRSIGDNSKEY, RRSIG) into z. */
static struct enf_key *
put(struct enf_zone *z, int64_t id, unsigned role, int alg, enum enf_state ds, enum enf_state dk,
    enum enf_state krrsig, enum enf_state rrsig)
{
	struct enf_key k;
	const enum enf_state st[ENF_REC_COUNT] = {ds, dk, krrsig, rrsig};

	enf_key_init(&k, (struct enf_key_id){id}, role, alg, 0, now - 86400);
	for (int r = 0; r < ENF_REC_COUNT; r++)
		k.rec[r] = (struct enf_record_state){.state = st[r], .last_change = now - 86400};
	k.has_records = true;
	assert_int_equal(enf_zone_add_key(z, &k), ODS_OK);
	return enf_zone_key(z, k.id);
}

static void
dep(struct enf_zone *z, int64_t from, int64_t to, enum enf_record r)
{
	struct enf_dep d = {.from = {from}, .to = {to}, .record = r};

	assert_int_equal(enf_zone_add_dep(z, &d), ODS_OK);
}

static void
test_signed_zone_satisfies_all_three_rules(void **state)
{
	struct enf_zone z;

	(void)state;
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA);
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, O);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	/* Without signatures over the data, rule 3 breaks. */
	z.keys[1].rec[ENF_REC_RRSIG].state = H;
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE3);
	/* A DS without a DNSKEY breaks the chain (rule 2). */
	z.keys[1].rec[ENF_REC_RRSIG].state = O;
	z.keys[0].rec[ENF_REC_DNSKEY].state = H;
	z.keys[0].rec[ENF_REC_RRSIGDNSKEY].state = H;
	assert_int_equal(enf_zone_broken_rules(&z, false) & RULE2, RULE2);
	enf_zone_deinit(&z);
}

static void
test_zone_without_ds_breaks_only_rule_one_unless_unsigned_is_allowed(void **state)
{
	struct enf_zone z;

	(void)state;
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, H, R, R, NA);
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, R, NA, R);
	/* No DS anywhere: nobody validates, so rules 2 and 3 hold ("all DS hidden"). */
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE1);
	assert_int_equal(enf_zone_broken_rules(&z, true), 0);
	enf_zone_deinit(&z);
}

static void
test_dnskey_swap_is_valid_only_with_a_successor_dependency(void **state)
{
	struct enf_zone z;

	(void)state;
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, U, U, NA);
	put(&z, 2, ENF_ROLE_KSK, 8, O, R, R, NA);
	put(&z, 3, ENF_ROLE_ZSK, 8, NA, O, NA, O);
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE2);
	dep(&z, 1, 2, ENF_REC_DNSKEY); /* 3d */
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	/* Nothing may directly succeed a key that is itself a successor for that record. */
	dep(&z, 9, 1, ENF_REC_DS);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	dep(&z, 9, 1, ENF_REC_DNSKEY);
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE2);
	enf_zone_deinit(&z);
}

static void
test_signature_swaps_are_valid_only_with_a_successor_dependency(void **state)
{
	struct enf_zone z;

	(void)state;
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA);
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, U);
	put(&z, 3, ENF_ROLE_ZSK, 8, NA, O, NA, R);
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE3);
	dep(&z, 2, 3, ENF_REC_RRSIG); /* 3h */
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	enf_zone_deinit(&z);

	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA);
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, U, NA, O);
	put(&z, 3, ENF_ROLE_ZSK, 8, NA, R, NA, O);
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE3);
	dep(&z, 2, 3, ENF_REC_DNSKEY); /* 3g */
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	enf_zone_deinit(&z);
}

static void
test_chain_of_successors_counts_only_keys_in_the_same_states(void **state)
{
	struct enf_zone z;

	(void)state;
	enf_zone_init(&z);
	/* K1 -> K2 -> K3 for DS: K2 stands where K1 stands, so K3 succeeds K1 (3c). */
	put(&z, 1, ENF_ROLE_KSK, 8, U, O, O, NA);
	put(&z, 2, ENF_ROLE_KSK, 8, U, O, O, NA);
	put(&z, 3, ENF_ROLE_KSK, 8, R, O, O, NA);
	put(&z, 4, ENF_ROLE_ZSK, 8, NA, O, NA, O);
	dep(&z, 1, 2, ENF_REC_DS);
	dep(&z, 2, 3, ENF_REC_DS);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	/* K2 lost its DNSKEY signature while its DS may be the only one cached: not the same
	 * place as K1 any more, and its own DS has no chain (deviation 4 and 5). */
	z.keys[1].rec[ENF_REC_RRSIGDNSKEY].state = U;
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE2);
	enf_zone_deinit(&z);
}

static void
test_rules_are_checked_per_algorithm(void **state)
{
	struct enf_zone z;

	(void)state;
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA);
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, O);
	/* A DS of algorithm 13 whose zone is not signed with 13 yet. */
	put(&z, 3, ENF_ROLE_CSK, 13, R, O, O, R);
	assert_int_equal(enf_zone_broken_rules(&z, false), RULE3);
	z.keys[2].rec[ENF_REC_RRSIG].state = O;
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	enf_zone_deinit(&z);
}

static const struct enf_blocked *
blocked(const struct enf_result *res, int64_t key, enum enf_record r)
{
	for (size_t i = 0; i < res->n_blocked; i++) {
		if (res->blocked[i].key.v == key && res->blocked[i].record == r)
			return &res->blocked[i];
	}
	return NULL;
}

static void
test_roll_type_decides_which_record_goes_first(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res;
	struct enf_key *k;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA)->ds_at_parent = ENF_DS_SEEN;
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, O);
	k = put(&z, 3, ENF_ROLE_KSK, 8, H, H, H, NA);
	k->minimize = ENF_MIN_DNSKEY; /* KskDoubleDS */
	k = put(&z, 4, ENF_ROLE_ZSK, 8, NA, H, NA, H);
	k->minimize = ENF_MIN_RRSIG; /* ZskPrePublication */
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_OK);
	/* KskDoubleDS: the DS goes out, the DNSKEY and its signature wait. */
	assert_int_equal(enf_zone_key(&z, (struct enf_key_id){3})->rec[ENF_REC_DS].state, R);
	assert_int_equal(blocked(&res, 3, ENF_REC_DNSKEY)->gate, ENF_GATE_POLICY);
	assert_string_equal(blocked(&res, 3, ENF_REC_DNSKEY)->why,
	                    "DNSKEY waits until its DS is omnipresent");
	assert_string_equal(blocked(&res, 3, ENF_REC_RRSIGDNSKEY)->why,
	                    "RRSIGDNSKEY waits until its DNSKEY is published");
	/* ZskPrePublication: the DNSKEY goes out, the signatures wait. */
	assert_int_equal(enf_zone_key(&z, (struct enf_key_id){4})->rec[ENF_REC_DNSKEY].state, R);
	assert_string_equal(blocked(&res, 4, ENF_REC_RRSIG)->why,
	                    "signatures wait until their DNSKEY is omnipresent");
	assert_string_equal(enf_gate_name(blocked(&res, 4, ENF_REC_RRSIG)->gate), "policy");
	/* DS of key 3 asks for submission. */
	assert_int_equal(res.n_ds, 1);
	assert_int_equal(res.ds[0].key.v, 3);
	assert_int_equal(res.ds[0].state, ENF_DS_SUBMIT);
	enf_result_deinit(&res);
	enf_zone_deinit(&z);
}

static void
test_dnssec_gate_names_the_rule_that_would_break(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res;
	const struct enf_blocked *b;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA)->ds_at_parent = ENF_DS_SEEN;
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, O)->introducing = false;
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_OK);
	b = blocked(&res, 2, ENF_REC_RRSIG);
	assert_non_null(b);
	assert_int_equal(b->gate, ENF_GATE_DNSSEC);
	assert_int_equal(b->rule, 3);
	assert_string_equal(b->why, "would break rule 3 (valid signatures)");
	assert_int_equal(res.n_transitions, 0);
	assert_int_equal(res.next_wakeup, 0);
	enf_result_deinit(&res);
	enf_zone_deinit(&z);
}

static void
test_successor_dependencies_are_recorded_and_dropped(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA)->ds_at_parent = ENF_DS_SEEN;
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, O)->introducing = false;
	put(&z, 3, ENF_ROLE_ZSK, 8, NA, O, NA, H)->minimize = ENF_MIN_RRSIG;
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_OK);
	/* 3 signs, 2 stops: the swap is remembered as 2 -> 3 for RRSIG. */
	assert_int_equal(z.n_deps, 1);
	assert_int_equal(z.deps[0].from.v, 2);
	assert_int_equal(z.deps[0].to.v, 3);
	assert_int_equal(z.deps[0].record, ENF_REC_RRSIG);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	assert_int_equal(res.next_wakeup, now + 129600 + 1000800);
	enf_result_deinit(&res);
	assert_int_equal(enf_keystate_update(&z, &t, now + 129600 + 1000800, &res), ODS_OK);
	assert_int_equal(z.n_deps, 0);
	assert_int_equal(enf_zone_key(&z, (struct enf_key_id){3})->rec[ENF_REC_RRSIG].state, O);
	enf_result_deinit(&res);
	/* Removing a key (purge) removes its dependencies. */
	dep(&z, 2, 3, ENF_REC_DNSKEY);
	assert_int_equal(enf_zone_remove_key(&z, (struct enf_key_id){2}), ODS_OK);
	assert_int_equal(z.n_deps, 0);
	assert_int_equal(z.n_keys, 2);
	assert_int_equal(enf_zone_remove_key(&z, (struct enf_key_id){2}), ODS_ENOENT);
	enf_zone_deinit(&z);
}

static void
test_moving_one_record_does_not_borrow_a_swap_of_another_record(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	/* Signatures swap 5 -> 7 -> 9; 7 stands where 5 stands, which keeps rule 3 (3h). */
	put(&z, 5, ENF_ROLE_CSK, 13, U, O, O, U)->introducing = false;
	put(&z, 7, ENF_ROLE_CSK, 13, U, O, O, U)->introducing = false;
	put(&z, 9, ENF_ROLE_CSK, 13, R, O, O, R)->ds_at_parent = ENF_DS_SUBMITTED;
	dep(&z, 5, 7, ENF_REC_RRSIG);
	dep(&z, 7, 9, ENF_REC_RRSIG);
	dep(&z, 5, 7, ENF_REC_DS);
	dep(&z, 7, 9, ENF_REC_DS);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	/* Withdrawing 5's DS would end the chain (7 no longer stands where 5 stands). Upstream
	 * approved it by pretending 9 succeeds 5 for RRSIG, which no DS move ever records. */
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_OK);
	assert_int_equal(enf_zone_key(&z, (struct enf_key_id){5})->rec[ENF_REC_DS].state, U);
	assert_int_equal(blocked(&res, 5, ENF_REC_DS)->rule, 3);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	enf_result_deinit(&res);
	enf_zone_deinit(&z);
}

static void
test_a_record_that_was_only_rumoured_hands_nothing_over(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	put(&z, 1, ENF_ROLE_KSK, 8, O, O, O, NA)->ds_at_parent = ENF_DS_SEEN;
	put(&z, 2, ENF_ROLE_ZSK, 8, NA, O, NA, O);
	put(&z, 3, ENF_ROLE_ZSK, 8, NA, O, NA, R)->introducing = false;
	put(&z, 4, ENF_ROLE_ZSK, 8, NA, O, NA, R);
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_OK);
	/* 3's signatures were never everywhere: no 3 -> 4 swap is recorded. */
	assert_int_equal(enf_zone_key(&z, (struct enf_key_id){3})->rec[ENF_REC_RRSIG].state, U);
	assert_int_equal(z.n_deps, 0);
	enf_result_deinit(&res);
	enf_zone_deinit(&z);
}

static void
test_outgoing_key_finishes_a_dnskey_swap_before_leaving(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	/* A KskDoubleDS swap 1 -> 2 under both DS records, when an algorithm rollover makes
	 * both outgoing. Withdrawing either DS now would leave resolvers whose DNSKEY set has
	 * only the other key; so 2 first completes its DNSKEY, then everything can go. */
	put(&z, 1, ENF_ROLE_KSK, 8, O, U, U, NA)->introducing = false;
	put(&z, 2, ENF_ROLE_KSK, 8, O, R, R, NA)->introducing = false;
	put(&z, 3, ENF_ROLE_ZSK, 8, NA, O, NA, O)->introducing = false;
	put(&z, 4, ENF_ROLE_CSK, 13, O, O, O, O)->ds_at_parent = ENF_DS_SEEN;
	z.keys[0].ds_at_parent = ENF_DS_SEEN;
	z.keys[1].ds_at_parent = ENF_DS_SEEN;
	dep(&z, 1, 2, ENF_REC_DNSKEY);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_OK);
	assert_int_equal(z.keys[1].rec[ENF_REC_DNSKEY].state, O);
	assert_int_equal(z.keys[1].rec[ENF_REC_RRSIGDNSKEY].state, O);
	/* ... after which the old key's DS is withdrawn (please retract). */
	assert_int_equal(z.keys[0].rec[ENF_REC_DS].state, U);
	assert_int_equal(z.keys[0].ds_at_parent, ENF_DS_RETRACT);
	assert_int_equal(enf_zone_broken_rules(&z, false), 0);
	enf_result_deinit(&res);
	enf_zone_deinit(&z);
}

static void
test_update_rejects_a_bad_view_and_leaves_out_untouched(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_result res = {.n_transitions = 77};
	struct enf_key k;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	enf_key_init(&k, (struct enf_key_id){1}, 0, 8, 0, now);
	assert_int_equal(enf_zone_add_key(&z, &k), ODS_OK);
	assert_int_equal(enf_zone_add_key(&z, &k), ODS_EEXIST);
	assert_int_equal(enf_keystate_update(&z, &t, now, &res), ODS_EINVAL);
	assert_int_equal(res.n_transitions, 77);
	enf_zone_deinit(&z);
	enf_zone_deinit(NULL);
	enf_result_deinit(NULL);
}

static void
test_minimize_bits_follow_the_roll_type_table(void **state)
{
	static const struct {
		const char *name;
		unsigned role;
		unsigned minimize;
	} rows[] = {
	    {"KskDoubleRRset", ENF_ROLE_KSK, 0},
	    {"KskDoubleDS", ENF_ROLE_KSK, ENF_MIN_DNSKEY},
	    {"KskDoubleSignature", ENF_ROLE_KSK, ENF_MIN_DS},
	    {"ZskDoubleSignature", ENF_ROLE_ZSK, 0},
	    {"ZskPrePublication", ENF_ROLE_ZSK, ENF_MIN_RRSIG},
	    {"ZskDoubleRRsig", ENF_ROLE_ZSK, ENF_MIN_DNSKEY},
	    {"CskDoubleRRset", ENF_ROLE_CSK, 0},
	    {"CskSingleSignature", ENF_ROLE_CSK, ENF_MIN_RRSIG},
	    {"CskDoubleDS", ENF_ROLE_CSK, ENF_MIN_DNSKEY},
	    {"CskDoubleSignature", ENF_ROLE_CSK, ENF_MIN_DS},
	    {"CskPrePublication", ENF_ROLE_CSK, ENF_MIN_DS | ENF_MIN_RRSIG},
	};
	enum enf_rolltype rt;
	unsigned m = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(enf_rolltype_parse(rows[i].name, &rt), ODS_OK);
		assert_string_equal(enf_rolltype_name(rt), rows[i].name);
		assert_int_equal(enf_minimize_for(rows[i].role, rt, &m), ODS_OK);
		assert_int_equal(m, rows[i].minimize);
	}
	/* Defaults: KskDoubleSignature, ZskPrePublication, CskPrePublication. */
	assert_int_equal(enf_minimize_for(ENF_ROLE_KSK, ENF_ROLL_DEFAULT, &m), ODS_OK);
	assert_int_equal(m, ENF_MIN_DS);
	assert_int_equal(enf_minimize_for(ENF_ROLE_ZSK, ENF_ROLL_DEFAULT, &m), ODS_OK);
	assert_int_equal(m, ENF_MIN_RRSIG);
	assert_int_equal(enf_minimize_for(ENF_ROLE_CSK, ENF_ROLL_DEFAULT, &m), ODS_OK);
	assert_int_equal(m, ENF_MIN_DS | ENF_MIN_RRSIG);
	m = 99;
	assert_int_equal(enf_minimize_for(ENF_ROLE_ZSK, ENF_ROLL_KSK_DOUBLE_DS, &m), ODS_EINVAL);
	assert_int_equal(m, 99);
	assert_int_equal(enf_rolltype_parse("KskTripleDS", &rt), ODS_EINVAL);
}

static void
test_key_list_state_maps_every_row_of_the_1x_table(void **state)
{
	static const struct {
		unsigned role;
		enum enf_state ds, dk, krrsig, rrsig;
		bool introducing;
		enum enf_ds_at_parent p;
		const char *want;
	} rows[] = {
	    {ENF_ROLE_ZSK, NA, H, NA, H, true, ENF_DS_UNSUBMITTED, "generate"},
	    {ENF_ROLE_ZSK, NA, R, NA, H, true, ENF_DS_UNSUBMITTED, "publish"},
	    {ENF_ROLE_ZSK, NA, O, NA, R, true, ENF_DS_UNSUBMITTED, "ready"},
	    {ENF_ROLE_ZSK, NA, O, NA, O, true, ENF_DS_UNSUBMITTED, "active"},
	    {ENF_ROLE_ZSK, NA, O, NA, U, false, ENF_DS_UNSUBMITTED, "retire"},
	    {ENF_ROLE_ZSK, NA, O, NA, O, false, ENF_DS_UNSUBMITTED, "active"},
	    {ENF_ROLE_ZSK, NA, R, NA, H, false, ENF_DS_UNSUBMITTED, "ready"},
	    {ENF_ROLE_ZSK, NA, H, NA, H, false, ENF_DS_UNSUBMITTED, "retire"},
	    {ENF_ROLE_ZSK, NA, U, NA, U, true, ENF_DS_UNSUBMITTED, "unknown"},
	    {ENF_ROLE_KSK, H, H, H, NA, true, ENF_DS_UNSUBMITTED, "generate"},
	    {ENF_ROLE_KSK, H, R, R, NA, true, ENF_DS_UNSUBMITTED, "publish"},
	    {ENF_ROLE_KSK, R, O, O, NA, true, ENF_DS_SUBMITTED, "ready"},
	    {ENF_ROLE_KSK, R, O, O, NA, true, ENF_DS_SEEN, "active"},
	    {ENF_ROLE_KSK, O, O, O, NA, true, ENF_DS_SEEN, "active"},
	    {ENF_ROLE_KSK, U, O, O, NA, false, ENF_DS_RETRACT, "retire"},
	    {ENF_ROLE_KSK, H, H, H, NA, false, ENF_DS_UNSUBMITTED, "retire"},
	    {ENF_ROLE_CSK, O, O, O, O, true, ENF_DS_SEEN, "active"},
	    {ENF_ROLE_CSK, H, R, R, R, true, ENF_DS_UNSUBMITTED, "mixed"},
	    {ENF_ROLE_CSK, H, H, H, H, true, ENF_DS_UNSUBMITTED, "generate"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct enf_zone z;
		struct enf_key *k;

		enf_zone_init(&z);
		k = put(&z, 1, rows[i].role, 8, rows[i].ds, rows[i].dk, rows[i].krrsig,
		        rows[i].rrsig);
		k->introducing = rows[i].introducing;
		k->ds_at_parent = rows[i].p;
		if (strcmp(enf_key_list_state(k), rows[i].want) != 0)
			fail_msg("row %zu: %s, want %s", i, enf_key_list_state(k), rows[i].want);
		enf_zone_deinit(&z);
	}
}

static void
test_key_import_uses_the_inverse_table(void **state)
{
	static const char *const names[] = {"generate", "publish", "ready", "active", "retire"};
	static const enum enf_ds_at_parent ds[] = {ENF_DS_UNSUBMITTED, ENF_DS_UNSUBMITTED,
	                                           ENF_DS_SUBMIT, ENF_DS_SEEN, ENF_DS_RETRACTED};
	struct enf_timing t;
	struct enf_key k;
	struct diag d = {0};

	(void)state;
	enf_timing_defaults(&t);
	for (size_t i = 0; i < 5; i++) {
		enf_key_init(&k, (struct enf_key_id){1}, ENF_ROLE_KSK, 8, 0, now);
		assert_int_equal(enf_key_import_state(&k, names[i], &t, now, &d), ODS_OK);
		assert_string_equal(enf_key_list_state(&k), names[i]);
		assert_int_equal(k.ds_at_parent, ds[i]);
		assert_int_equal(k.rec[ENF_REC_RRSIG].state, NA);
		enf_key_init(&k, (struct enf_key_id){2}, ENF_ROLE_ZSK, 8, 0, now);
		assert_int_equal(enf_key_import_state(&k, names[i], &t, now, &d), ODS_OK);
		assert_string_equal(enf_key_list_state(&k), names[i]);
		assert_int_equal(k.rec[ENF_REC_DS].state, NA);
		assert_int_equal(k.rec[ENF_REC_RRSIG].ttl_s, 86400);
	}
	assert_int_equal(enf_key_import_state(&k, "standby", &t, now, &d), ODS_EINVAL);
	assert_string_equal(d.where, "keystate");
	enf_key_init(&k, (struct enf_key_id){3}, ENF_ROLE_CSK, 8, 0, now);
	assert_int_equal(enf_key_import_state(&k, "active", &t, now, &d), ODS_EINVAL);
	assert_false(k.has_records);
}

static void
test_ds_commands_refuse_the_wrong_state_and_change_nothing(void **state)
{
	struct enf_key k;
	struct diag d = {0};

	(void)state;
	enf_key_init(&k, (struct enf_key_id){7}, ENF_ROLE_KSK, 8, 0, now);
	k.keytag = 4711;
	k.has_records = true;
	k.rec[ENF_REC_DS] = (struct enf_record_state){.state = R, .last_change = now};
	k.ds_at_parent = ENF_DS_SUBMIT;
	/* ds-seen before ds-submit: refused, as upstream's "0 KSK matches found". */
	assert_int_equal(enf_ds_seen(&k, now + 5, &d), ODS_ESTATE);
	assert_string_equal(d.where, "ds-seen");
	assert_string_equal(d.msg, "key 7 (keytag 4711): DS is submit at the parent, ds-seen needs "
	                           "submitted");
	assert_int_equal(k.ds_at_parent, ENF_DS_SUBMIT);
	assert_int_equal(k.rec[ENF_REC_DS].last_change, now);
	assert_int_equal(enf_ds_gone(&k, now + 5, &d), ODS_ESTATE);
	assert_int_equal(enf_ds_retracted(&k, now + 5, &d), ODS_ESTATE);
	/* The whole walk. */
	assert_int_equal(enf_ds_submitted(&k, now + 10, &d), ODS_OK);
	assert_int_equal(enf_ds_submitted(&k, now + 10, &d), ODS_ESTATE);
	assert_int_equal(enf_ds_seen(&k, now + 20, &d), ODS_OK);
	k.ds_at_parent = ENF_DS_RETRACT;
	assert_int_equal(enf_ds_retracted(&k, now + 30, &d), ODS_OK);
	assert_int_equal(k.ds_at_parent, ENF_DS_RETRACTED);
	assert_int_equal(enf_ds_gone(&k, now + 40, &d), ODS_OK);
	assert_int_equal(k.ds_at_parent, ENF_DS_UNSUBMITTED);
	assert_int_equal(k.rec[ENF_REC_DS].last_change, now + 40);
	/* ZSKs have no DS. */
	k.role = ENF_ROLE_ZSK;
	assert_int_equal(enf_ds_submitted(&k, now, &d), ODS_ESTATE);
	assert_string_equal(d.msg, "key 7 is a ZSK: it has no DS");
	assert_null(enf_key_list_waiting(&k));
}

static void
ksk_entry(struct enf_policy_key *pk, int64_t lifetime)
{
	*pk = (struct enf_policy_key){.role = ENF_ROLE_KSK,
	                              .algorithm = 13,
	                              .bits = 256,
	                              .lifetime_s = lifetime,
	                              .rolltype = ENF_ROLL_DEFAULT};
	snprintf(pk->repository, sizeof(pk->repository), "SoftHSM");
}

static void
test_plan_creates_first_key_then_rolls_when_the_lifetime_is_over(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_policy_key pk;
	struct enf_plan_entry e;
	struct enf_plan plan;
	struct enf_key material;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	ksk_entry(&pk, 86400 * 365);
	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now, &e, &plan), ODS_OK);
	assert_int_equal(e.verdict, ENF_PLAN_NEW_KEY);
	assert_string_equal(e.why, "no key yet");
	enf_key_init(&material, (struct enf_key_id){1}, ENF_ROLE_KSK, 13, 0, now);
	material.keytag = 12345;
	material.backup = ENF_BACKUP_REQUIRED;
	assert_int_equal(enf_policy_introduce(&z, &pk, &material, now), ODS_OK);
	assert_int_equal(z.keys[0].minimize, ENF_MIN_DS);
	assert_int_equal(z.keys[0].keytag, 12345);
	assert_int_equal(z.keys[0].backup, ENF_BACKUP_REQUIRED);
	assert_string_equal(z.keys[0].repository, "SoftHSM");
	assert_int_equal(enf_policy_introduce(&z, &pk, &material, now), ODS_EEXIST);

	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now + 100, &e, &plan), ODS_OK);
	assert_int_equal(e.verdict, ENF_PLAN_KEEP);
	assert_int_equal(e.next_roll, now + 86400 * 365);
	assert_int_equal(plan.next_roll, now + 86400 * 365);
	assert_int_equal(plan.n_outroduced, 0);

	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now + 86400 * 365, &e, &plan), ODS_OK);
	assert_int_equal(e.verdict, ENF_PLAN_NEW_KEY);
	assert_string_equal(e.why, "lifetime over");
	enf_key_init(&material, (struct enf_key_id){2}, ENF_ROLE_KSK, 13, 0, now);
	assert_int_equal(enf_policy_introduce(&z, &pk, &material, now + 86400 * 365), ODS_OK);
	assert_false(z.keys[0].introducing);
	assert_true(z.keys[1].introducing);
	enf_zone_deinit(&z);
}

static void
test_plan_honours_manual_rollover_and_the_rollover_flag(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_policy_key pk;
	struct enf_plan_entry e;
	struct enf_plan plan;
	struct enf_key material;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	ksk_entry(&pk, 86400);
	pk.manual_rollover = true;
	/* Manual rollover: the first key still comes by itself. */
	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now, &e, &plan), ODS_OK);
	assert_int_equal(e.verdict, ENF_PLAN_NEW_KEY);
	enf_key_init(&material, (struct enf_key_id){1}, ENF_ROLE_KSK, 13, 0, now);
	assert_int_equal(enf_policy_introduce(&z, &pk, &material, now), ODS_OK);
	/* Lifetime long over, but nobody asked. */
	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now + 86400 * 30, &e, &plan), ODS_OK);
	assert_int_equal(e.verdict, ENF_PLAN_KEEP);
	assert_int_equal(e.next_roll, 0);
	/* `key rollover -t KSK` */
	z.roll_ksk_now = true;
	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now + 86400 * 30, &e, &plan), ODS_OK);
	assert_int_equal(e.verdict, ENF_PLAN_NEW_KEY);
	assert_string_equal(e.why, "manual rollover");
	enf_key_init(&material, (struct enf_key_id){2}, ENF_ROLE_KSK, 13, 0, now);
	assert_int_equal(enf_policy_introduce(&z, &pk, &material, now + 86400 * 30), ODS_OK);
	assert_false(z.roll_ksk_now);
	assert_false(z.keys[0].introducing);
	enf_zone_deinit(&z);
}

static void
test_plan_refuses_a_lifetime_shorter_than_the_introduction(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_policy_key pk[2];
	struct enf_plan_entry e[2];
	struct enf_plan plan = {.n_outroduced = 99};

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	ksk_entry(&pk[0], 7200); /* DS TTL + DNSKEY TTL = 7200 */
	ksk_entry(&pk[1], 86400 + 3600);
	pk[1].role = ENF_ROLE_ZSK; /* MaxZoneTTL + DNSKEY TTL = 90000 */
	assert_int_equal(enf_policy_plan(&z, pk, 2, &t, now, e, &plan), ODS_OK);
	assert_int_equal(e[0].verdict, ENF_PLAN_REFUSED);
	assert_string_equal(e[0].why, "lifetime 7200 s is not longer than DS TTL + DNSKEY TTL");
	assert_int_equal(e[1].verdict, ENF_PLAN_REFUSED);
	/* A bad entry changes nothing. */
	plan.n_outroduced = 99;
	pk[1].role = 0;
	assert_int_equal(enf_policy_plan(&z, pk, 2, &t, now, e, &plan), ODS_EINVAL);
	assert_int_equal(plan.n_outroduced, 99);
	enf_zone_deinit(&z);
}

static void
test_plan_outroduces_keys_the_policy_no_longer_has(void **state)
{
	struct enf_zone z;
	struct enf_timing t;
	struct enf_policy_key pk;
	struct enf_plan_entry e;
	struct enf_plan plan;
	struct enf_key *k;

	(void)state;
	enf_timing_defaults(&t);
	enf_zone_init(&z);
	ksk_entry(&pk, 86400 * 365);
	k = put(&z, 1, ENF_ROLE_KSK, 13, O, O, O, NA);
	k->bits = 256;
	snprintf(k->repository, sizeof(k->repository), "SoftHSM");
	k = put(&z, 2, ENF_ROLE_KSK, 13, O, O, O, NA);
	k->bits = 256;
	snprintf(k->repository, sizeof(k->repository), "OtherHSM"); /* the repository changed */
	assert_int_equal(enf_policy_plan(&z, &pk, 1, &t, now, &e, &plan), ODS_OK);
	assert_int_equal(plan.n_outroduced, 1);
	assert_true(z.keys[0].introducing);
	assert_false(z.keys[1].introducing);
	assert_int_equal(e.verdict, ENF_PLAN_KEEP);
	enf_zone_deinit(&z);
}

static void
test_names_cover_every_value(void **state)
{
	(void)state;
	assert_string_equal(enf_state_name(ENF_UNRETENTIVE), "unretentive");
	assert_string_equal(enf_state_name(ENF_NA), "NA");
	assert_string_equal(enf_state_name((enum enf_state)42), "unknown");
	assert_string_equal(enf_record_name(ENF_REC_RRSIGDNSKEY), "RRSIGDNSKEY");
	assert_string_equal(enf_role_name(ENF_ROLE_CSK), "CSK");
	assert_string_equal(enf_role_name(0), "unknown");
	assert_string_equal(enf_ds_at_parent_name(ENF_DS_RETRACTED), "retracted");
	assert_string_equal(enf_gate_name(ENF_GATE_BACKUP), "backup");
	assert_string_equal(enf_rolltype_name(ENF_ROLL_DEFAULT), "default");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signed_zone_satisfies_all_three_rules),
	    cmocka_unit_test(test_zone_without_ds_breaks_only_rule_one_unless_unsigned_is_allowed),
	    cmocka_unit_test(test_dnskey_swap_is_valid_only_with_a_successor_dependency),
	    cmocka_unit_test(test_signature_swaps_are_valid_only_with_a_successor_dependency),
	    cmocka_unit_test(test_chain_of_successors_counts_only_keys_in_the_same_states),
	    cmocka_unit_test(test_rules_are_checked_per_algorithm),
	    cmocka_unit_test(test_roll_type_decides_which_record_goes_first),
	    cmocka_unit_test(test_dnssec_gate_names_the_rule_that_would_break),
	    cmocka_unit_test(test_successor_dependencies_are_recorded_and_dropped),
	    cmocka_unit_test(test_moving_one_record_does_not_borrow_a_swap_of_another_record),
	    cmocka_unit_test(test_a_record_that_was_only_rumoured_hands_nothing_over),
	    cmocka_unit_test(test_outgoing_key_finishes_a_dnskey_swap_before_leaving),
	    cmocka_unit_test(test_update_rejects_a_bad_view_and_leaves_out_untouched),
	    cmocka_unit_test(test_minimize_bits_follow_the_roll_type_table),
	    cmocka_unit_test(test_key_list_state_maps_every_row_of_the_1x_table),
	    cmocka_unit_test(test_key_import_uses_the_inverse_table),
	    cmocka_unit_test(test_ds_commands_refuse_the_wrong_state_and_change_nothing),
	    cmocka_unit_test(test_plan_creates_first_key_then_rolls_when_the_lifetime_is_over),
	    cmocka_unit_test(test_plan_honours_manual_rollover_and_the_rollover_flag),
	    cmocka_unit_test(test_plan_refuses_a_lifetime_shorter_than_the_introduction),
	    cmocka_unit_test(test_plan_outroduces_keys_the_policy_no_longer_has),
	    cmocka_unit_test(test_names_cover_every_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
