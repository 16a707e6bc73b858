/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rollover storms: a property test of the key-state engine. From a deterministic seed, a zone
 * (KSK + ZSK, or a CSK) with random timings and roll types is signed, then hit by random
 * events: rollovers of either or both roles started before the previous one finished (as in
 * OpenDNSSEC, a rollover is interrupted by starting another), algorithm rollovers, and time
 * leaps, with a random delay between submitting a DS and seeing it; a second variant also
 * calls rollovers off by bringing an outgoing key back. The simulator checks after every step
 * that the zone validates (the engine's rules and the independent cache-history validator);
 * at the end every key must reach its goal (liveness).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim.h"

#define STORMS 1000
#define EVENTS 10

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static enum enf_rolltype
random_rolltype(unsigned role)
{
	static const enum enf_rolltype ksk[] = {ENF_ROLL_KSK_DOUBLE_RRSET, ENF_ROLL_KSK_DOUBLE_DS,
	                                        ENF_ROLL_KSK_DOUBLE_SIGNATURE};
	static const enum enf_rolltype zsk[] = {
	    ENF_ROLL_ZSK_DOUBLE_SIGNATURE, ENF_ROLL_ZSK_PRE_PUBLICATION, ENF_ROLL_ZSK_DOUBLE_RRSIG};
	static const enum enf_rolltype csk[] = {
	    ENF_ROLL_CSK_DOUBLE_RRSET, ENF_ROLL_CSK_SINGLE_SIGNATURE, ENF_ROLL_CSK_DOUBLE_DS,
	    ENF_ROLL_CSK_DOUBLE_SIGNATURE, ENF_ROLL_CSK_PRE_PUBLICATION};

	if (role == ENF_ROLE_KSK)
		return ksk[rnd(3)];
	if (role == ENF_ROLE_ZSK)
		return zsk[rnd(3)];
	return csk[rnd(5)];
}

static void
random_timing(struct enf_timing *t)
{
	static const int64_t prop[] = {0, 600, 43200};
	static const int64_t ttl[] = {60, 3600, 86400};

	enf_timing_defaults(t);
	t->zone_propagation_delay_s = prop[rnd(3)];
	t->parent_propagation_delay_s = prop[rnd(3)];
	t->parent_registration_delay_s = rnd(2) ? 0 : 3600;
	t->ttl_dnskey_s = ttl[rnd(3)];
	t->ttl_ds_s = ttl[rnd(3)];
	t->soa_ttl_s = ttl[rnd(3)];
	t->soa_minimum_s = ttl[rnd(3)];
	t->max_zone_ttl_s = rnd(2) ? 0 : ttl[rnd(3)];
	t->publish_safety_s = rnd(2) ? 0 : 3600;
	t->retire_safety_s = rnd(2) ? 0 : 3600;
	t->validity_default_s = rnd(2) ? 86400 * 3 : 86400 * 14;
}

/* Start a rollover of `role`: the keys now in use go, a new one comes. */
static void
roll(struct sim *s, unsigned role, int alg, int64_t *next_id)
{
	for (size_t i = 0; i < s->z.n_keys; i++) {
		if (s->z.keys[i].role == role)
			s->z.keys[i].introducing = false;
	}
	sim_add_key(s, (*next_id)++, role, alg, random_rolltype(role));
}

/* Call a rollover off by bringing back an outgoing key of the role and algorithm in use
 * (not an OpenDNSSEC operation: there a rollover is interrupted by another one). */
static void
revive(struct sim *s, unsigned role, int alg)
{
	struct enf_key *back = NULL;

	for (size_t i = 0; i < s->z.n_keys; i++) {
		struct enf_key *k = &s->z.keys[i];

		if (k->role == role && k->algorithm == alg && !k->introducing &&
		    !enf_key_is_dead(k))
			back = k;
	}
	if (!back)
		return;
	for (size_t i = 0; i < s->z.n_keys; i++) {
		if (s->z.keys[i].role == role)
			s->z.keys[i].introducing = false;
	}
	back->introducing = true;
}

static bool
arrived(const struct sim *s)
{
	return sim_arrived(s);
}

static void
event(struct sim *s, bool csk, int *alg, int64_t *next_id, bool revives)
{
	unsigned ksk_role = csk ? ENF_ROLE_CSK : ENF_ROLE_KSK;
	unsigned zsk_role = csk ? ENF_ROLE_CSK : ENF_ROLE_ZSK;

	if (revives && rnd(4) == 0) {
		revive(s, rnd(2) ? ksk_role : zsk_role, *alg);
		return;
	}
	switch (rnd(6)) {
	case 0:
		roll(s, ksk_role, *alg, next_id);
		break;
	case 1:
		roll(s, zsk_role, *alg, next_id);
		break;
	case 2:
		roll(s, ksk_role, *alg, next_id);
		roll(s, zsk_role, *alg, next_id);
		break;
	case 3:
		if (rnd(3) == 0) { /* algorithm rollover */
			*alg = *alg == 8 ? 13 : 8;
			roll(s, ksk_role, *alg, next_id);
			if (!csk)
				roll(s, zsk_role, *alg, next_id);
		}
		break;
	default:
		s->now += rnd(4) * 3600;
		break;
	}
	for (uint32_t n = rnd(8); n > 0; n--) {
		if (!sim_step(s))
			break;
	}
}

/* One storm; with revives, some rollovers are called off by bringing an outgoing key back. */
static void
storm(uint64_t seed, bool revives)
{
	struct sim s;
	int64_t next_id = 1;
	int alg = 8;
	bool csk;

	rng = seed * 0x9E3779B97F4A7C15ull + 1;
	sim_init(&s);
	snprintf(s.label, sizeof(s.label), "storm seed %llu", (unsigned long long)seed);
	random_timing(&s.t);
	s.parent_delay_s = rnd(3) * 3600;
	csk = rnd(3) == 0;
	if (csk) {
		sim_add_key(&s, next_id++, ENF_ROLE_CSK, alg, random_rolltype(ENF_ROLE_CSK));
	} else {
		sim_add_key(&s, next_id++, ENF_ROLE_KSK, alg, random_rolltype(ENF_ROLE_KSK));
		sim_add_key(&s, next_id++, ENF_ROLE_ZSK, alg, random_rolltype(ENF_ROLE_ZSK));
	}
	sim_until(&s, arrived, 100);
	for (int e = 0; e < EVENTS && s.z.n_keys + 2 < SIM_MAX_KEYS; e++)
		event(&s, csk, &alg, &next_id, revives);
	sim_until(&s, arrived, 400);
	sim_free(&s);
}

static uint64_t
storms(void)
{
	const char *env = getenv("STORM_COUNT");

	return env ? strtoull(env, NULL, 10) : STORMS;
}

static void
test_random_rollover_storms_never_break_the_zone_and_always_finish(void **state)
{
	const char *env = getenv("STORM_SEED");

	(void)state;
	if (env) {
		storm(strtoull(env, NULL, 10), false);
		return;
	}
	for (uint64_t seed = 1; seed <= storms(); seed++)
		storm(seed, false);
}

static void
test_storms_with_called_off_rollovers_never_break_the_zone_and_always_finish(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= storms(); seed++)
		storm(seed, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_rollover_storms_never_break_the_zone_and_always_finish),
	    cmocka_unit_test(
	        test_storms_with_called_off_rollovers_never_break_the_zone_and_always_finish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
