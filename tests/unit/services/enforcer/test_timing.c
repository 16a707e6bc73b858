/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timing of the key-state engine (services/enforcer/keystate/timing.c, §4.6): the waits of
 * each record type with the default kasp.xml, the RRSIG TTL, the negative-caching TTL for
 * the first DNSKEY (fixed upstream bug), the TTL history that keeps a lowered TTL from
 * shortening waits, and a run with every delay zero. Scenarios run in the simulator, which
 * also checks them against its cache-history validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

#define H ENF_HIDDEN
#define R ENF_RUMOURED
#define O ENF_OMNIPRESENT
#define U ENF_UNRETENTIVE

static bool
arrived(const struct sim *s)
{
	return sim_arrived(s);
}

static void
test_default_timing_gives_the_reference_waits(void **state)
{
	struct enf_timing t;
	struct enf_zone z;
	struct enf_key k;
	const int64_t t0 = 1000000;

	(void)state;
	enf_timing_defaults(&t);
	assert_int_equal(enf_timing_ttl_rrsig(&t), 86400);
	assert_int_equal(enf_timing_sig_replacement(&t), 1000800);
	enf_zone_init(&z);
	enf_key_init(&k, (struct enf_key_id){1}, ENF_ROLE_CSK, 13, 0, t0);
	assert_int_equal(enf_zone_add_key(&z, &k), ODS_OK);
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		z.keys[0].rec[r] = (struct enf_record_state){.state = R, .last_change = t0};
	}
	z.keys[0].has_records = true;
	/* Introducing and withdrawing are immediate. */
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_DNSKEY, U), t0);
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_DS, R), t0);
	/* §4.12: 3600 + 43200 + 3600; 3600 + 0 + 9999; 86400 + 43200. */
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_DNSKEY, O), t0 + 50400);
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_RRSIGDNSKEY, O),
	                 t0 + 50400);
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_DS, O), t0 + 13599);
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_RRSIG, O), t0 + 129600);
	/* Withdrawal waits use RetireSafety. */
	t.retire_safety_s = 7200;
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_DNSKEY, H), t0 + 54000);
	t.parent_registration_delay_s = 86400;
	assert_int_equal(enf_transition_time(&z, &t, &z.keys[0], ENF_REC_DS, O),
	                 t0 + 13599 + 86400);
	enf_zone_deinit(&z);
}

static void
test_rrsig_ttl_is_the_largest_of_soa_negative_ttl_max_zone_ttl_and_nsec3param(void **state)
{
	struct enf_timing t;

	(void)state;
	enf_timing_defaults(&t);
	t.soa_ttl_s = 3600;
	t.soa_minimum_s = 300;
	t.max_zone_ttl_s = 0;
	assert_int_equal(enf_timing_ttl_rrsig(&t), 300);
	t.nsec3param_ttl_s = 600;
	assert_int_equal(enf_timing_ttl_rrsig(&t), 600);
	t.max_zone_ttl_s = 7200;
	assert_int_equal(enf_timing_ttl_rrsig(&t), 7200);
	t.refresh_s = 10 * 86400 * 10; /* refresh longer than validity: no negative wait */
	assert_int_equal(enf_timing_sig_replacement(&t), 0);
}

static void
test_first_dnskey_waits_for_the_negative_caching_ttl(void **state)
{
	struct sim s;
	int64_t r0;

	(void)state;
	sim_init(&s);
	/* Before signing, "no DNSKEY" is cached for min(SOA TTL, Minimum) = 1 day. */
	s.t.soa_ttl_s = 86400;
	s.t.soa_minimum_s = 86400;
	s.t.max_zone_ttl_s = 0;
	sim_add_key(&s, 1, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	sim_add_key(&s, 2, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_until(&s, arrived, 40);
	assert_int_equal(sim_when(&s, 1, ENF_REC_DNSKEY, O, 0), SIM_T0 + 86400 + 43200 + 3600);
	assert_int_equal(sim_when(&s, 2, ENF_REC_DNSKEY, O, 0), SIM_T0 + 86400 + 43200 + 3600);
	assert_true(sim_when(&s, 1, ENF_REC_DS, R, 0) >= SIM_T0 + 86400 + 43200 + 3600);
	/* Once a DNSKEY is omnipresent no negative answer can be cached: Keys/TTL again. */
	r0 = s.now;
	sim_add_key(&s, 3, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_key(&s, 2)->introducing = false;
	sim_until(&s, arrived, 40);
	assert_int_equal(sim_when(&s, 3, ENF_REC_DNSKEY, O, r0), r0 + 3600 + 43200 + 3600);
	sim_free(&s);
}

static void
test_ttl_decrease_is_honoured_until_ttl_end_passes(void **state)
{
	struct sim s;
	int64_t r0, r1, r2;

	(void)state;
	sim_init(&s);
	sim_add_key(&s, 1, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	sim_add_key(&s, 2, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_until(&s, arrived, 40);

	/* A ZSK roll starts under the old TTL ... */
	r0 = s.now;
	sim_add_key(&s, 3, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_key(&s, 2)->introducing = false;
	sim_run(&s);
	assert_int_equal(sim_key(&s, 3)->rec[ENF_REC_DNSKEY].ttl_s, 3600);
	/* ... and the policy lowers Keys/TTL to 60 s while it runs. */
	s.now = r0 + 1000;
	s.t.ttl_dnskey_s = 60;
	sim_run(&s);
	assert_true(s.last.signconf_needs_writing);
	assert_int_equal(s.z.ttl_end_dk, r0 + 1000 + 3600);
	assert_int_equal(s.z.ttl_dk_s, 60);
	/* The record published under 3600 s still waits 3600 s. */
	assert_int_equal(s.last.next_wakeup, r0 + 3600 + 43200 + 3600);

	/* A DNSKEY introduced right after the change waits until the old TTL has expired
	 * from caches (ttl_end), not just 60 s. */
	r1 = s.now;
	sim_add_key(&s, 4, ENF_ROLE_KSK, 8, ENF_ROLL_KSK_DOUBLE_RRSET);
	sim_key(&s, 1)->introducing = false;
	sim_run(&s);
	assert_int_equal(sim_key(&s, 4)->rec[ENF_REC_DNSKEY].ttl_s, 3600);
	sim_until(&s, arrived, 60);
	assert_int_equal(sim_when(&s, 3, ENF_REC_DNSKEY, O, r0), r0 + 3600 + 43200 + 3600);
	assert_int_equal(sim_when(&s, 4, ENF_REC_DNSKEY, O, r1), r1 + 3600 + 43200 + 3600);

	/* After ttl_end, the new TTL applies. */
	assert_true(s.now > s.z.ttl_end_dk);
	r2 = s.now;
	sim_add_key(&s, 5, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_key(&s, 3)->introducing = false;
	sim_until(&s, arrived, 60);
	assert_int_equal(sim_when(&s, 5, ENF_REC_DNSKEY, O, r2), r2 + 60 + 43200 + 3600);
	assert_int_equal(sim_key(&s, 5)->rec[ENF_REC_DNSKEY].ttl_s, 60);
	sim_free(&s);
}

static void
test_ttl_increase_applies_to_records_already_waiting(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s);
	sim_add_key(&s, 1, ENF_ROLE_CSK, 13, ENF_ROLL_DEFAULT);
	sim_run(&s);
	s.now += 600;
	s.t.ttl_dnskey_s = 7200;
	sim_until(&s, arrived, 40);
	assert_int_equal(sim_when(&s, 1, ENF_REC_DNSKEY, O, 0), SIM_T0 + 7200 + 43200 + 3600);
	sim_free(&s);
}

static void
test_zero_delays_reach_the_parent_gate_in_one_run(void **state)
{
	struct sim s;
	struct enf_timing *t = &s.t;

	(void)state;
	sim_init(&s);
	*t = (struct enf_timing){0};
	s.operator_acts = false;
	sim_add_key(&s, 1, ENF_ROLE_KSK, 8, ENF_ROLL_DEFAULT);
	sim_add_key(&s, 2, ENF_ROLE_ZSK, 8, ENF_ROLL_DEFAULT);
	sim_run(&s);
	assert_int_equal(s.last.next_wakeup, 0);
	assert_int_equal(sim_key(&s, 1)->rec[ENF_REC_DS].state, R);
	assert_int_equal(sim_key(&s, 1)->rec[ENF_REC_DNSKEY].state, O);
	assert_int_equal(sim_key(&s, 2)->rec[ENF_REC_RRSIG].state, O);
	assert_int_equal(s.last.n_transitions, 9);
	assert_int_equal(s.last.n_blocked, 1);
	assert_int_equal(s.last.blocked[0].gate, ENF_GATE_DS_USER);
	sim_free(&s);
}

static void
test_ds_seen_restarts_the_ds_clock(void **state)
{
	struct enf_key k;
	struct diag d = {0};

	(void)state;
	enf_key_init(&k, (struct enf_key_id){1}, ENF_ROLE_KSK, 8, 0, 0);
	k.has_records = true;
	k.rec[ENF_REC_DS] = (struct enf_record_state){.state = R, .last_change = 10};
	k.ds_at_parent = ENF_DS_SUBMIT;
	assert_int_equal(enf_ds_submitted(&k, 20, &d), ODS_OK);
	assert_int_equal(k.rec[ENF_REC_DS].last_change, 20);
	assert_int_equal(enf_ds_seen(&k, 5000, &d), ODS_OK);
	assert_int_equal(k.rec[ENF_REC_DS].last_change, 5000);
	assert_int_equal(k.ds_at_parent, ENF_DS_SEEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_timing_gives_the_reference_waits),
	    cmocka_unit_test(
	        test_rrsig_ttl_is_the_largest_of_soa_negative_ttl_max_zone_ttl_and_nsec3param),
	    cmocka_unit_test(test_first_dnskey_waits_for_the_negative_caching_ttl),
	    cmocka_unit_test(test_ttl_decrease_is_honoured_until_ttl_end_passes),
	    cmocka_unit_test(test_ttl_increase_applies_to_records_already_waiting),
	    cmocka_unit_test(test_zero_delays_reach_the_parent_gate_in_one_run),
	    cmocka_unit_test(test_ds_seen_restarts_the_ds_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
