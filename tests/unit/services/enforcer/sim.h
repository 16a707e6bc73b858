/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A simulator for the key-state engine tests: run the engine at `now`, act as the operator
 * when the result asks for it (ds-submit, ds-seen, ds-retract, ds-gone), leap to the next
 * wake-up, repeat. After every step it asserts two invariants: the DNSSEC rules that held
 * once still hold (enf_zone_broken_rules), and, independently of the engine's rules, that a
 * resolver holding any combination of DS, DNSKEY and signature versions still in caches
 * (from a history of what was published and with which TTL) can validate the zone; that
 * validator is cachecheck.c, which the integration tool keystate_check shares.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cachecheck.h"
#include "services/enforcer/keystate/keystate.h"

#define SIM_T0 ((int64_t)1700000000)
#define SIM_MAX_KEYS 32

struct sim {
	struct enf_zone z;
	struct enf_timing t;
	int64_t now;
	bool operator_acts;     /* answer the DS requests (default true) */
	int64_t parent_delay_s; /* from ds-submit to ds-seen, and from ds-retract to ds-gone */
	bool check_history;     /* run the independent cache validator (default true) */
	struct enf_result last; /* result of the last engine run */
	struct enf_transition *log;
	size_t n_log, cap_log;
	struct cc_history hist; /* what was published: for the cache validator (cachecheck.h) */
	unsigned held;          /* rules that have held: they must keep holding */
	int steps;
	char label[64]; /* printed with every failure (a scenario name, a seed) */
};

void sim_init(struct sim *s);
void sim_free(struct sim *s);
/* Add a key with records not yet created; role, algorithm, roll type. Returns it. */
struct enf_key *sim_add_key(struct sim *s, int64_t id, unsigned role, int alg,
                            enum enf_rolltype rt);
struct enf_key *sim_key(const struct sim *s, int64_t id);
/* One engine run at now, with the invariant checks. */
void sim_run(struct sim *s);
/* Run, let the operator act, leap. False when nothing is pending any more. */
bool sim_step(struct sim *s);
/* Step until done(s) is true; fails the test after max_steps or when nothing is pending. */
void sim_until(struct sim *s, bool (*done)(const struct sim *), int max_steps);
/* Step until nothing is pending. */
void sim_settle(struct sim *s, int max_steps);
/* Every record of every key is at its goal. */
bool sim_arrived(const struct sim *s);
/* Time of the first logged transition of key/record to `to` at or after `since`; -1 if none. */
int64_t sim_when(const struct sim *s, int64_t key, enum enf_record r, enum enf_state to,
                 int64_t since);
/* "ds;dnskey;rrsigdnskey;rrsig;pub;act" as in `key list -d -p`. */
const char *sim_tuple(const struct sim *s, int64_t key, char *buf, size_t n);
/* The blocked entry of key/record in the last run, or NULL. */
const struct enf_blocked *sim_blocked(const struct sim *s, int64_t key, enum enf_record r);
