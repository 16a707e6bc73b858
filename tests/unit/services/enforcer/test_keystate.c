/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scenario tests for the key-state engine (services/enforcer/keystate): initial signing,
 * ZSK, KSK and CSK rollovers of every roll type, an algorithm rollover, going unsigned, a
 * rollover started before the previous one finished, a TTL decrease, the backup gate and the
 * DS user gate. Each runs in the simulator of sim.c, which checks after every step that the
 * zone still validates (the engine's rules and an independent cache-history validator).
 * Times are those of the default kasp.xml (§4.12 of the reference).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

#define KSK 1
#define ZSK 2
#define KSK2 3
#define ZSK2 4
#define ZSK3 5
#define KSK3 6

#define H ENF_HIDDEN
#define R ENF_RUMOURED
#define O ENF_OMNIPRESENT
#define U ENF_UNRETENTIVE

/* Default timing, §4.12. */
#define DNSKEY_WAIT 50400   /* 3600 + 43200 + 3600 */
#define RRSIG_WAIT 129600   /* max(min(3600, 3600), 86400) + 43200 */
#define DS_WAIT 13599       /* 3600 + 0 + 9999 after ds-seen */
#define REPLACEMENT 1000800 /* 43200 + 1209600 + 7200 - 259200 */

static bool
arrived(const struct sim *s)
{
	return sim_arrived(s);
}

static void
assert_tuple(const struct sim *s, int64_t key, const char *want)
{
	char buf[96];

	assert_string_equal(sim_tuple(s, key, buf, sizeof(buf)), want);
}

static int64_t
when(const struct sim *s, int64_t key, enum enf_record r, enum enf_state to, int64_t since)
{
	int64_t t = sim_when(s, key, r, to, since);

	if (t < 0)
		fail_msg("key %lld %s never went %s", (long long)key, enf_record_name(r),
		         enf_state_name(to));
	return t;
}

static bool
ksk_ds_rumoured(const struct sim *s)
{
	return sim_key(s, KSK)->rec[ENF_REC_DS].state == R;
}

/* A zone with a KSK and a ZSK of algorithm 8 and default roll types, fully signed. */
static void
signed_zone(struct sim *s, enum enf_rolltype ksk_rt, enum enf_rolltype zsk_rt)
{
	sim_init(s);
	sim_add_key(s, KSK, ENF_ROLE_KSK, 8, ksk_rt);
	sim_add_key(s, ZSK, ENF_ROLE_ZSK, 8, zsk_rt);
	sim_until(s, arrived, 50);
	assert_tuple(s, KSK, "omnipresent;omnipresent;omnipresent;NA;1;1");
	assert_tuple(s, ZSK, "NA;omnipresent;NA;omnipresent;1;1");
}

/* Start a rollover now: the new key introduced, the old one outroduced. */
static void
roll(struct sim *s, int64_t old, int64_t new, unsigned role, int alg, enum enf_rolltype rt)
{
	sim_add_key(s, new, role, alg, rt);
	sim_key(s, old)->introducing = false;
}

static void
test_initial_signing_follows_the_mongrel_example_and_default_times(void **state)
{
	struct sim s;
	const struct enf_blocked *b;
	int64_t seen;

	(void)state;
	sim_init(&s);
	s.operator_acts = false;
	sim_add_key(&s, KSK, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	sim_add_key(&s, ZSK, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_run(&s);
	/* Step 2 of enforcer.timeleap.mongrel: the ZSK's RRSIG minimisation is waived because
	 * no usable ZSK of the algorithm exists yet. */
	assert_tuple(&s, KSK, "hidden;rumoured;rumoured;NA;1;1");
	assert_tuple(&s, ZSK, "NA;rumoured;NA;rumoured;1;1");
	assert_true(s.last.signconf_needs_writing);
	assert_int_equal(s.last.next_wakeup, SIM_T0 + DNSKEY_WAIT);
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_non_null(b);
	assert_int_equal(b->gate, ENF_GATE_POLICY);

	sim_until(&s, ksk_ds_rumoured, 10);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, O, 0), SIM_T0 + DNSKEY_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_RRSIGDNSKEY, O, 0), SIM_T0 + DNSKEY_WAIT);
	assert_int_equal(when(&s, ZSK, ENF_REC_DNSKEY, O, 0), SIM_T0 + DNSKEY_WAIT);
	assert_int_equal(when(&s, ZSK, ENF_REC_RRSIG, O, 0), SIM_T0 + RRSIG_WAIT);
	/* The DS waits for the signatures (rule 3), then is introduced: please submit. */
	assert_int_equal(when(&s, KSK, ENF_REC_DS, R, 0), SIM_T0 + RRSIG_WAIT);
	assert_int_equal(s.last.n_ds, 1);
	assert_int_equal(s.last.ds[0].key.v, KSK);
	assert_int_equal(s.last.ds[0].state, ENF_DS_SUBMIT);
	assert_true(s.last.ds[0].new_this_run);
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_non_null(b);
	assert_int_equal(b->gate, ENF_GATE_DS_USER);
	assert_string_equal(b->why, "waiting for ds-submit");
	assert_int_equal(s.last.next_wakeup, 0);

	/* The engine never submits by itself. */
	s.now += 86400;
	sim_run(&s);
	assert_int_equal(sim_key(&s, KSK)->ds_at_parent, ENF_DS_SUBMIT);
	assert_false(s.last.ds[0].new_this_run);
	assert_int_equal(enf_ds_submitted(sim_key(&s, KSK), s.now, NULL), ODS_OK);
	sim_run(&s);
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_non_null(b);
	assert_string_equal(b->why, "waiting for ds-seen");
	assert_int_equal(s.last.n_ds, 0);

	s.now += 3600;
	seen = s.now;
	assert_int_equal(enf_ds_seen(sim_key(&s, KSK), s.now, NULL), ODS_OK);
	sim_run(&s);
	assert_int_equal(s.last.next_wakeup, seen + DS_WAIT);
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_int_equal(b->gate, ENF_GATE_TIMING);
	assert_int_equal(b->possible_at, seen + DS_WAIT);
	s.operator_acts = true;
	sim_until(&s, arrived, 20);
	assert_int_equal(when(&s, KSK, ENF_REC_DS, O, 0), seen + DS_WAIT);
	assert_tuple(&s, KSK, "omnipresent;omnipresent;omnipresent;NA;1;1");
	assert_tuple(&s, ZSK, "NA;omnipresent;NA;omnipresent;1;1");
	assert_int_equal(s.last.next_wakeup, 0);
	assert_int_equal(s.last.n_blocked, 0);
	sim_free(&s);
}

static void
test_initial_csk_publishes_dnskey_and_signatures_first(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s);
	sim_add_key(&s, KSK, ENF_ROLE_CSK, 13, ENF_ROLL_DEFAULT);
	sim_run(&s);
	assert_tuple(&s, KSK, "hidden;rumoured;rumoured;rumoured;1;1");
	/* KSK half (DS, DNSKEY) = publish, ZSK half (DNSKEY, RRSIG) = ready (§4.11). */
	assert_string_equal(enf_key_list_state(sim_key(&s, KSK)), "mixed");
	sim_until(&s, arrived, 30);
	assert_tuple(&s, KSK, "omnipresent;omnipresent;omnipresent;omnipresent;1;1");
	assert_int_equal(when(&s, KSK, ENF_REC_DS, R, 0), SIM_T0 + RRSIG_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DS, O, 0), SIM_T0 + RRSIG_WAIT + DS_WAIT);
	assert_string_equal(enf_key_list_state(sim_key(&s, KSK)), "active");
	sim_free(&s);
}

static void
test_zsk_prepublication_waits_for_gradual_signature_replacement(void **state)
{
	struct sim s;
	int64_t r0, pub;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_ZSK_PRE_PUBLICATION);
	r0 = s.now;
	roll(&s, ZSK, ZSK2, ENF_ROLE_ZSK, 8, ENF_ROLL_ZSK_PRE_PUBLICATION);
	sim_run(&s);
	/* DNSKEY first; the signatures wait for it (minimize RRSIG). */
	assert_tuple(&s, ZSK2, "NA;rumoured;NA;hidden;1;0");
	assert_int_equal(sim_blocked(&s, ZSK2, ENF_REC_RRSIG)->gate, ENF_GATE_POLICY);
	assert_tuple(&s, ZSK, "NA;omnipresent;NA;omnipresent;1;1");
	sim_until(&s, arrived, 40);
	pub = when(&s, ZSK2, ENF_REC_DNSKEY, O, r0);
	assert_int_equal(pub, r0 + DNSKEY_WAIT);
	assert_int_equal(when(&s, ZSK2, ENF_REC_RRSIG, R, r0), pub);
	assert_int_equal(when(&s, ZSK, ENF_REC_RRSIG, U, r0), pub);
	/* The swap takes the signer a full re-signing cycle. */
	assert_int_equal(when(&s, ZSK2, ENF_REC_RRSIG, O, r0), pub + RRSIG_WAIT + REPLACEMENT);
	assert_int_equal(when(&s, ZSK, ENF_REC_RRSIG, H, r0), pub + RRSIG_WAIT + REPLACEMENT);
	assert_int_equal(when(&s, ZSK, ENF_REC_DNSKEY, U, r0), pub + RRSIG_WAIT + REPLACEMENT);
	assert_int_equal(when(&s, ZSK, ENF_REC_DNSKEY, H, r0),
	                 pub + RRSIG_WAIT + REPLACEMENT + DNSKEY_WAIT);
	assert_tuple(&s, ZSK, "NA;hidden;NA;hidden;0;0");
	assert_true(enf_key_is_dead(sim_key(&s, ZSK)));
	assert_int_equal(s.z.n_deps, 0);
	sim_free(&s);
}

static void
test_zsk_double_signature_introduces_dnskey_and_signatures_together(void **state)
{
	struct sim s;
	int64_t r0;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_ZSK_DOUBLE_SIGNATURE);
	r0 = s.now;
	roll(&s, ZSK, ZSK2, ENF_ROLE_ZSK, 8, ENF_ROLL_ZSK_DOUBLE_SIGNATURE);
	sim_run(&s);
	assert_tuple(&s, ZSK2, "NA;rumoured;NA;rumoured;1;1");
	sim_until(&s, arrived, 40);
	/* Once the new DNSKEY is omnipresent the old signatures may go (RRSIG swap, 3h); from
	 * then on the signer replaces them one by one, so the new ones count as omnipresent
	 * only after the full replacement wait, as in upstream's model. */
	assert_int_equal(when(&s, ZSK, ENF_REC_RRSIG, U, r0), r0 + DNSKEY_WAIT);
	assert_int_equal(when(&s, ZSK2, ENF_REC_RRSIG, O, r0), r0 + RRSIG_WAIT + REPLACEMENT);
	assert_true(when(&s, ZSK, ENF_REC_DNSKEY, U, r0) >= when(&s, ZSK, ENF_REC_RRSIG, H, r0));
	assert_tuple(&s, ZSK, "NA;hidden;NA;hidden;0;0");
	sim_free(&s);
}

static void
test_zsk_double_rrsig_signs_before_publishing_the_dnskey(void **state)
{
	struct sim s;
	int64_t r0, sigs;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_ZSK_DOUBLE_RRSIG);
	r0 = s.now;
	roll(&s, ZSK, ZSK2, ENF_ROLE_ZSK, 8, ENF_ROLL_ZSK_DOUBLE_RRSIG);
	sim_run(&s);
	/* Signatures first; the DNSKEY waits for them (minimize DNSKEY). */
	assert_tuple(&s, ZSK2, "NA;hidden;NA;rumoured;0;1");
	assert_int_equal(sim_blocked(&s, ZSK2, ENF_REC_DNSKEY)->gate, ENF_GATE_POLICY);
	sim_until(&s, arrived, 40);
	sigs = when(&s, ZSK2, ENF_REC_RRSIG, O, r0);
	assert_int_equal(sigs, r0 + RRSIG_WAIT);
	assert_int_equal(when(&s, ZSK2, ENF_REC_DNSKEY, R, r0), sigs);
	/* The DNSKEYs swap (3g), then the old signatures go once the new DNSKEY is known. */
	assert_int_equal(when(&s, ZSK, ENF_REC_DNSKEY, U, r0), sigs);
	assert_int_equal(when(&s, ZSK, ENF_REC_DNSKEY, H, r0), sigs + DNSKEY_WAIT);
	assert_true(when(&s, ZSK, ENF_REC_RRSIG, U, r0) >= sigs + DNSKEY_WAIT);
	assert_tuple(&s, ZSK, "NA;hidden;NA;hidden;0;0");
	sim_free(&s);
}

static bool
ksk2_submit(const struct sim *s)
{
	return sim_key(s, KSK2)->ds_at_parent == ENF_DS_SUBMIT;
}

static void
test_ksk_double_signature_walks_ds_at_parent(void **state)
{
	struct sim s;
	struct enf_key *k1, *k2;
	const struct enf_blocked *b;
	int64_t r0, seen;

	(void)state;
	signed_zone(&s, ENF_ROLL_KSK_DOUBLE_SIGNATURE, ENF_ROLL_DEFAULT);
	r0 = s.now;
	roll(&s, KSK, KSK2, ENF_ROLE_KSK, 8, ENF_ROLL_KSK_DOUBLE_SIGNATURE);
	s.operator_acts = false;
	sim_run(&s);
	assert_tuple(&s, KSK2, "hidden;rumoured;rumoured;NA;1;1");
	assert_string_equal(enf_key_list_state(sim_key(&s, KSK2)), "publish");
	assert_string_equal(enf_key_list_state(sim_key(&s, KSK)), "active");

	/* New DNSKEY omnipresent: its DS is introduced, "please submit". */
	sim_until(&s, ksk2_submit, 10);
	k1 = sim_key(&s, KSK);
	k2 = sim_key(&s, KSK2);
	assert_int_equal(s.now, r0 + DNSKEY_WAIT);
	assert_int_equal(k2->rec[ENF_REC_DS].state, R);
	assert_int_equal(s.last.n_ds, 1);
	assert_int_equal(s.last.ds[0].key.v, KSK2);
	/* The old DS stays until the new one has really been submitted (deviation 3). */
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_int_equal(b->gate, ENF_GATE_DS_USER);
	assert_string_equal(b->why, "waiting for ds-submit of the successor");
	assert_string_equal(enf_key_list_waiting(k2), "waiting for ds-submit");

	assert_int_equal(enf_ds_submitted(k2, s.now, NULL), ODS_OK);
	sim_run(&s);
	k1 = sim_key(&s, KSK);
	k2 = sim_key(&s, KSK2);
	assert_int_equal(k1->rec[ENF_REC_DS].state, U);
	assert_int_equal(k1->ds_at_parent, ENF_DS_RETRACT);
	assert_int_equal(s.last.n_ds, 1);
	assert_int_equal(s.last.ds[0].key.v, KSK);
	assert_int_equal(s.last.ds[0].state, ENF_DS_RETRACT);
	assert_true(s.last.ds[0].new_this_run);
	assert_string_equal(sim_blocked(&s, KSK2, ENF_REC_DS)->why, "waiting for ds-seen");
	assert_string_equal(sim_blocked(&s, KSK, ENF_REC_DS)->why, "waiting for ds-retract");
	assert_string_equal(enf_key_list_state(k1), "retire");

	assert_int_equal(enf_ds_retracted(k1, s.now, NULL), ODS_OK);
	sim_run(&s);
	assert_string_equal(sim_blocked(&s, KSK, ENF_REC_DS)->why, "waiting for ds-gone");
	assert_int_equal(s.last.next_wakeup, 0);

	s.now += 7200;
	seen = s.now;
	assert_int_equal(enf_ds_seen(sim_key(&s, KSK2), s.now, NULL), ODS_OK);
	assert_int_equal(enf_ds_gone(sim_key(&s, KSK), s.now, NULL), ODS_OK);
	s.operator_acts = true;
	sim_until(&s, arrived, 20);
	k1 = sim_key(&s, KSK);
	k2 = sim_key(&s, KSK2);
	assert_int_equal(k1->ds_at_parent, ENF_DS_UNSUBMITTED);
	assert_int_equal(k2->ds_at_parent, ENF_DS_SEEN);
	assert_int_equal(when(&s, KSK2, ENF_REC_DS, O, r0), seen + DS_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DS, H, r0), seen + DS_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, U, r0), seen + DS_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, H, r0), seen + DS_WAIT + DNSKEY_WAIT);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;NA;0;0");
	assert_tuple(&s, KSK2, "omnipresent;omnipresent;omnipresent;NA;1;1");
	sim_free(&s);
}

static void
test_ksk_double_ds_publishes_the_ds_first(void **state)
{
	struct sim s;
	int64_t r0, ds;

	(void)state;
	signed_zone(&s, ENF_ROLL_KSK_DOUBLE_DS, ENF_ROLL_DEFAULT);
	r0 = s.now;
	roll(&s, KSK, KSK2, ENF_ROLE_KSK, 8, ENF_ROLL_KSK_DOUBLE_DS);
	sim_run(&s);
	assert_tuple(&s, KSK2, "rumoured;hidden;hidden;NA;0;0");
	assert_int_equal(sim_blocked(&s, KSK2, ENF_REC_DNSKEY)->gate, ENF_GATE_POLICY);
	sim_until(&s, arrived, 40);
	ds = when(&s, KSK2, ENF_REC_DS, O, r0);
	assert_int_equal(ds, r0 + DS_WAIT);
	/* DNSKEY swap under both DS records (3d), old DS last. */
	assert_int_equal(when(&s, KSK2, ENF_REC_DNSKEY, R, r0), ds);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, U, r0), ds);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, H, r0), ds + DNSKEY_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DS, U, r0), ds + DNSKEY_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DS, H, r0), ds + DNSKEY_WAIT + DS_WAIT);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;NA;0;0");
	sim_free(&s);
}

static void
test_ksk_double_rrset_introduces_ds_and_dnskey_together(void **state)
{
	struct sim s;
	int64_t r0;

	(void)state;
	signed_zone(&s, ENF_ROLL_KSK_DOUBLE_RRSET, ENF_ROLL_DEFAULT);
	r0 = s.now;
	roll(&s, KSK, KSK2, ENF_ROLE_KSK, 8, ENF_ROLL_KSK_DOUBLE_RRSET);
	sim_run(&s);
	assert_tuple(&s, KSK2, "rumoured;rumoured;rumoured;NA;1;1");
	sim_until(&s, arrived, 40);
	assert_int_equal(when(&s, KSK2, ENF_REC_DS, O, r0), r0 + DS_WAIT);
	assert_int_equal(when(&s, KSK2, ENF_REC_DNSKEY, O, r0), r0 + DNSKEY_WAIT);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;NA;0;0");
	assert_tuple(&s, KSK2, "omnipresent;omnipresent;omnipresent;NA;1;1");
	sim_free(&s);
}

/* A CSK zone rolled with each CSK roll type reaches the new key and stays valid. */
static void
csk_roll(enum enf_rolltype rt, const char *first)
{
	struct sim s;

	sim_init(&s);
	sim_add_key(&s, KSK, ENF_ROLE_CSK, 13, rt);
	sim_until(&s, arrived, 30);
	roll(&s, KSK, KSK2, ENF_ROLE_CSK, 13, rt);
	sim_run(&s);
	assert_tuple(&s, KSK2, first);
	sim_until(&s, arrived, 60);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;hidden;0;0");
	assert_tuple(&s, KSK2, "omnipresent;omnipresent;omnipresent;omnipresent;1;1");
	assert_string_equal(enf_key_list_state(sim_key(&s, KSK2)), "active");
	sim_free(&s);
}

static void
test_csk_prepublication_rolls_dnskey_first(void **state)
{
	struct sim s;
	int64_t r0, pub;

	(void)state;
	csk_roll(ENF_ROLL_CSK_PRE_PUBLICATION, "hidden;rumoured;rumoured;hidden;1;1");
	/* And the times: DS and signatures wait for the DNSKEY, then the signer's swap. */
	sim_init(&s);
	sim_add_key(&s, KSK, ENF_ROLE_CSK, 13, ENF_ROLL_DEFAULT);
	sim_until(&s, arrived, 30);
	r0 = s.now;
	roll(&s, KSK, KSK2, ENF_ROLE_CSK, 13, ENF_ROLL_DEFAULT);
	sim_until(&s, arrived, 60);
	pub = when(&s, KSK2, ENF_REC_DNSKEY, O, r0);
	assert_int_equal(pub, r0 + DNSKEY_WAIT);
	assert_int_equal(when(&s, KSK2, ENF_REC_DS, R, r0), pub);
	assert_int_equal(when(&s, KSK2, ENF_REC_RRSIG, R, r0), pub);
	assert_int_equal(when(&s, KSK2, ENF_REC_DS, O, r0), pub + DS_WAIT);
	assert_int_equal(when(&s, KSK2, ENF_REC_RRSIG, O, r0), pub + RRSIG_WAIT + REPLACEMENT);
	sim_free(&s);
}

static void
test_csk_other_roll_types_complete_validly(void **state)
{
	(void)state;
	csk_roll(ENF_ROLL_CSK_DOUBLE_RRSET, "rumoured;rumoured;rumoured;rumoured;1;1");
	csk_roll(ENF_ROLL_CSK_SINGLE_SIGNATURE, "rumoured;rumoured;rumoured;hidden;1;1");
	csk_roll(ENF_ROLL_CSK_DOUBLE_DS, "rumoured;hidden;hidden;rumoured;0;1");
	csk_roll(ENF_ROLL_CSK_DOUBLE_SIGNATURE, "hidden;rumoured;rumoured;rumoured;1;1");
}

static void
policy_key(struct enf_policy_key *pk, unsigned role, int alg, int64_t lifetime_s)
{
	*pk = (struct enf_policy_key){
	    .role = role, .algorithm = alg, .bits = 2048, .lifetime_s = lifetime_s};
}

static void
introduce(struct sim *s, const struct enf_policy_key *pk, int64_t id)
{
	struct enf_key material;

	enf_key_init(&material, (struct enf_key_id){id}, pk->role, pk->algorithm, 0, s->now);
	material.keytag = (uint16_t)(2000 + id);
	assert_int_equal(enf_policy_introduce(&s->z, pk, &material, s->now), ODS_OK);
}

static void
test_algorithm_rollover_outroduces_old_keys_without_breaking_the_zone(void **state)
{
	struct sim s;
	struct enf_policy_key pk[2];
	struct enf_plan_entry e[2];
	struct enf_plan plan;
	int64_t r0, new_ds, old_ds_gone;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_DEFAULT);
	r0 = s.now;
	/* kasp.xml now says algorithm 13. */
	policy_key(&pk[0], ENF_ROLE_KSK, 13, 365 * 86400);
	policy_key(&pk[1], ENF_ROLE_ZSK, 13, 90 * 86400);
	assert_int_equal(enf_policy_plan(&s.z, pk, 2, &s.t, s.now, e, &plan), ODS_OK);
	assert_int_equal(plan.n_outroduced, 2);
	assert_false(plan.allow_unsigned);
	assert_int_equal(e[0].verdict, ENF_PLAN_NEW_KEY);
	assert_int_equal(e[1].verdict, ENF_PLAN_NEW_KEY);
	assert_false(sim_key(&s, KSK)->introducing);
	assert_false(sim_key(&s, ZSK)->introducing);
	introduce(&s, &pk[0], KSK2);
	introduce(&s, &pk[1], ZSK2);
	sim_run(&s);
	/* Minimisation is waived for the new algorithm: signatures go out at once. */
	assert_tuple(&s, KSK2, "hidden;rumoured;rumoured;NA;1;1");
	assert_tuple(&s, ZSK2, "NA;rumoured;NA;rumoured;1;1");
	sim_until(&s, arrived, 60);
	/* The new DS waits for the new signatures everywhere; the old DS goes when the new
	 * one went to the parent; old DNSKEYs and signatures go when the old DS is gone. */
	new_ds = when(&s, KSK2, ENF_REC_DS, R, r0);
	assert_int_equal(new_ds, r0 + RRSIG_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DS, U, r0), new_ds);
	old_ds_gone = when(&s, KSK, ENF_REC_DS, H, r0);
	assert_int_equal(old_ds_gone, new_ds + DS_WAIT);
	assert_int_equal(when(&s, ZSK, ENF_REC_RRSIG, U, r0), old_ds_gone);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, U, r0), old_ds_gone);
	assert_int_equal(when(&s, ZSK, ENF_REC_DNSKEY, U, r0), old_ds_gone);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;NA;0;0");
	assert_tuple(&s, ZSK, "NA;hidden;NA;hidden;0;0");
	assert_tuple(&s, KSK2, "omnipresent;omnipresent;omnipresent;NA;1;1");
	assert_tuple(&s, ZSK2, "NA;omnipresent;NA;omnipresent;1;1");
	/* The next run asks for nothing new. */
	assert_int_equal(enf_policy_plan(&s.z, pk, 2, &s.t, s.now, e, &plan), ODS_OK);
	assert_int_equal(e[0].verdict, ENF_PLAN_KEEP);
	assert_int_equal(e[1].verdict, ENF_PLAN_KEEP);
	assert_int_equal(plan.next_roll, r0 + 90 * 86400);
	sim_free(&s);
}

static void
test_policy_without_keys_takes_the_zone_unsigned(void **state)
{
	struct sim s;
	struct enf_plan plan;
	int64_t r0, gone, dead;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_DEFAULT);
	r0 = s.now;
	assert_int_equal(enf_policy_plan(&s.z, NULL, 0, &s.t, s.now, NULL, &plan), ODS_OK);
	assert_true(plan.allow_unsigned);
	assert_int_equal(plan.n_outroduced, 2);
	s.t.allow_unsigned = plan.allow_unsigned;
	sim_run(&s);
	/* Without allow_unsigned rule 1 would keep the DS; with it the DS goes first. */
	assert_int_equal(sim_key(&s, KSK)->rec[ENF_REC_DS].state, U);
	assert_true(s.last.signconf_needs_writing);
	sim_until(&s, arrived, 40);
	gone = when(&s, KSK, ENF_REC_DS, H, r0);
	assert_int_equal(gone, r0 + DS_WAIT);
	assert_int_equal(when(&s, KSK, ENF_REC_DNSKEY, U, r0), gone);
	assert_int_equal(when(&s, ZSK, ENF_REC_RRSIG, U, r0), gone);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;NA;0;0");
	assert_tuple(&s, ZSK, "NA;hidden;NA;hidden;0;0");
	assert_true(enf_key_is_dead(sim_key(&s, KSK)));
	assert_true(enf_key_is_dead(sim_key(&s, ZSK)));
	/* Keys/Purge counts from the last change of any record. */
	dead = when(&s, KSK, ENF_REC_DNSKEY, H, r0);
	assert_false(enf_key_purgeable(sim_key(&s, KSK), 86400, dead + 86400 - 1));
	assert_true(enf_key_purgeable(sim_key(&s, KSK), 86400, dead + 86400));
	sim_free(&s);
}

static void
test_outroducing_the_only_ksk_without_allow_unsigned_keeps_its_ds(void **state)
{
	struct sim s;
	const struct enf_blocked *b;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_DEFAULT);
	sim_key(&s, KSK)->introducing = false;
	sim_run(&s);
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_non_null(b);
	assert_int_equal(b->gate, ENF_GATE_DNSSEC);
	assert_int_equal(b->rule, 1);
	assert_tuple(&s, KSK, "omnipresent;omnipresent;omnipresent;NA;1;1");
	sim_free(&s);
}

static bool
zsk_swap_under_way(const struct sim *s)
{
	return sim_key(s, ZSK)->rec[ENF_REC_RRSIG].state == U;
}

static void
test_zsk_rollover_started_before_the_previous_finished_stays_valid(void **state)
{
	struct sim s;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_DEFAULT);
	roll(&s, ZSK, ZSK2, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_until(&s, zsk_swap_under_way, 20);
	assert_int_equal(s.z.n_deps, 1);
	/* `key rollover` again in the middle of the signature swap (OPENDNSSEC-914). */
	s.now += 86400;
	roll(&s, ZSK2, ZSK3, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_until(&s, arrived, 60);
	assert_tuple(&s, ZSK, "NA;hidden;NA;hidden;0;0");
	assert_tuple(&s, ZSK2, "NA;hidden;NA;hidden;0;0");
	assert_tuple(&s, ZSK3, "NA;omnipresent;NA;omnipresent;1;1");
	sim_free(&s);
}

static bool
ksk2_ds_rumoured(const struct sim *s)
{
	return sim_key(s, KSK2)->rec[ENF_REC_DS].state == R;
}

static void
test_ksk_rollover_started_before_the_previous_finished_stays_valid(void **state)
{
	struct sim s;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_DEFAULT);
	s.parent_delay_s = 86400;
	roll(&s, KSK, KSK2, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	sim_until(&s, ksk2_ds_rumoured, 20);
	s.now += 3600;
	roll(&s, KSK2, KSK3, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	sim_until(&s, arrived, 80);
	assert_tuple(&s, KSK, "hidden;hidden;hidden;NA;0;0");
	assert_tuple(&s, KSK2, "hidden;hidden;hidden;NA;0;0");
	assert_tuple(&s, KSK3, "omnipresent;omnipresent;omnipresent;NA;1;1");
	sim_free(&s);
}

static void
test_backup_gate_holds_omnipresent_until_key_material_is_backed_up(void **state)
{
	struct sim s;
	const struct enf_blocked *b;
	struct enf_key *k;

	(void)state;
	sim_init(&s);
	k = sim_add_key(&s, KSK, ENF_ROLE_CSK, 13, ENF_ROLL_DEFAULT);
	k->backup = ENF_BACKUP_REQUIRED;
	sim_run(&s);
	/* Introducing is fine; arriving is not. */
	assert_tuple(&s, KSK, "hidden;rumoured;rumoured;rumoured;1;1");
	s.now = SIM_T0 + DNSKEY_WAIT;
	sim_run(&s);
	assert_tuple(&s, KSK, "hidden;rumoured;rumoured;rumoured;1;1");
	b = sim_blocked(&s, KSK, ENF_REC_DNSKEY);
	assert_non_null(b);
	assert_int_equal(b->gate, ENF_GATE_BACKUP);
	assert_string_equal(b->why, "key material not backed up yet");
	assert_int_equal(b->possible_at, s.now + ENF_RETRY_S);
	assert_int_equal(s.last.next_wakeup, s.now + ENF_RETRY_S);
	sim_key(&s, KSK)->backup = ENF_BACKUP_REQUESTED;
	s.now += ENF_RETRY_S;
	sim_run(&s);
	assert_int_equal(sim_blocked(&s, KSK, ENF_REC_DNSKEY)->gate, ENF_GATE_BACKUP);
	sim_key(&s, KSK)->backup = ENF_BACKUP_DONE;
	s.now += ENF_RETRY_S;
	sim_run(&s);
	assert_tuple(&s, KSK, "hidden;omnipresent;omnipresent;rumoured;1;1");
	sim_until(&s, arrived, 20);
	sim_free(&s);
}

static void
test_ds_user_gate_reports_waiting_for_ds_seen(void **state)
{
	struct sim s;
	const struct enf_blocked *b;

	(void)state;
	sim_init(&s);
	s.operator_acts = false;
	sim_add_key(&s, KSK, ENF_ROLE_CSK, 13, ENF_ROLL_DEFAULT);
	sim_until(&s, ksk_ds_rumoured, 10);
	assert_int_equal(enf_ds_submitted(sim_key(&s, KSK), s.now, NULL), ODS_OK);
	/* However long we wait, the DS does not arrive without ds-seen. */
	s.now += 365 * 86400;
	sim_run(&s);
	b = sim_blocked(&s, KSK, ENF_REC_DS);
	assert_non_null(b);
	assert_int_equal(b->gate, ENF_GATE_DS_USER);
	assert_string_equal(b->why, "waiting for ds-seen");
	assert_string_equal(enf_gate_name(b->gate), "ds");
	assert_string_equal(enf_key_list_waiting(sim_key(&s, KSK)), "waiting for ds-seen");
	assert_int_equal(s.last.next_wakeup, 0);
	assert_int_equal(s.last.n_transitions, 0);
	assert_false(s.last.signconf_needs_writing);
	sim_free(&s);
}

static bool
ksk_ds_unretentive(const struct sim *s)
{
	return sim_key(s, KSK)->rec[ENF_REC_DS].state == U;
}

static void
test_cancelled_ksk_rollover_returns_to_the_old_key_without_a_new_submission(void **state)
{
	struct sim s;

	(void)state;
	signed_zone(&s, ENF_ROLL_DEFAULT, ENF_ROLL_DEFAULT);
	roll(&s, KSK, KSK2, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	s.operator_acts = false;
	sim_until(&s, ksk2_submit, 10);
	assert_int_equal(enf_ds_submitted(sim_key(&s, KSK2), s.now, NULL), ODS_OK);
	sim_until(&s, ksk_ds_unretentive, 3);
	assert_int_equal(sim_key(&s, KSK)->ds_at_parent, ENF_DS_RETRACT);
	/* The operator changes their mind before retracting the old DS. */
	s.now += 600;
	sim_key(&s, KSK)->introducing = true;
	sim_key(&s, KSK2)->introducing = false;
	sim_run(&s);
	/* The old DS was never retracted: it is still at the parent (SUBMITTED, §4.8). */
	assert_int_equal(sim_key(&s, KSK)->rec[ENF_REC_DS].state, R);
	assert_int_equal(sim_key(&s, KSK)->ds_at_parent, ENF_DS_SUBMITTED);
	assert_int_equal(sim_key(&s, KSK2)->rec[ENF_REC_DS].state, U);
	assert_int_equal(sim_key(&s, KSK2)->ds_at_parent, ENF_DS_RETRACT);
	s.operator_acts = true;
	sim_until(&s, arrived, 40);
	assert_tuple(&s, KSK, "omnipresent;omnipresent;omnipresent;NA;1;1");
	assert_tuple(&s, KSK2, "hidden;hidden;hidden;NA;0;0");
	sim_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_initial_signing_follows_the_mongrel_example_and_default_times),
	    cmocka_unit_test(test_initial_csk_publishes_dnskey_and_signatures_first),
	    cmocka_unit_test(test_zsk_prepublication_waits_for_gradual_signature_replacement),
	    cmocka_unit_test(test_zsk_double_signature_introduces_dnskey_and_signatures_together),
	    cmocka_unit_test(test_zsk_double_rrsig_signs_before_publishing_the_dnskey),
	    cmocka_unit_test(test_ksk_double_signature_walks_ds_at_parent),
	    cmocka_unit_test(test_ksk_double_ds_publishes_the_ds_first),
	    cmocka_unit_test(test_ksk_double_rrset_introduces_ds_and_dnskey_together),
	    cmocka_unit_test(test_csk_prepublication_rolls_dnskey_first),
	    cmocka_unit_test(test_csk_other_roll_types_complete_validly),
	    cmocka_unit_test(test_algorithm_rollover_outroduces_old_keys_without_breaking_the_zone),
	    cmocka_unit_test(test_policy_without_keys_takes_the_zone_unsigned),
	    cmocka_unit_test(test_outroducing_the_only_ksk_without_allow_unsigned_keeps_its_ds),
	    cmocka_unit_test(test_zsk_rollover_started_before_the_previous_finished_stays_valid),
	    cmocka_unit_test(test_ksk_rollover_started_before_the_previous_finished_stays_valid),
	    cmocka_unit_test(test_backup_gate_holds_omnipresent_until_key_material_is_backed_up),
	    cmocka_unit_test(test_ds_user_gate_reports_waiting_for_ds_seen),
	    cmocka_unit_test(
	        test_cancelled_ksk_rollover_returns_to_the_old_key_without_a_new_submission),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
