/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of services/enforcer/keystate/ share and nobody else sees: the "future
 * view" in which one record pretends to have its next state (§4.5), the gates as separate
 * functions (policy, DNSSEC, timing, the DS user gate), the dependency bookkeeping and a
 * growable-array helper.
 */
#pragma once

#include "services/enforcer/keystate/keystate.h"

/* The zone, optionally with record `rec` of key `k` pretending to be in state `next`. */
struct enf_view {
	const struct enf_zone *z;
	const struct enf_key *k; /* NULL: the zone as it is */
	enum enf_record rec;
	enum enf_state next;
};

/* State of record r of key x in the view. */
enum enf_state enf_view_state(const struct enf_view *v, const struct enf_key *x, enum enf_record r);

/* rules.c */
/* §4.4: NULL if the roll type allows r of k to move to next, else why not. */
const char *enf_policy_refuses(const struct enf_zone *z, const struct enf_key *k, enum enf_record r,
                               enum enf_state next);
/* §4.5: 0 if no rule goes from holding to broken when r of k moves to next, else the rule. */
int enf_dnssec_refuses(const struct enf_zone *z, const struct enf_key *k, enum enf_record r,
                       enum enf_state next, bool allow_unsigned);
/* Rule 1, 2, 3 in a view (2 and 3 for one algorithm). */
bool enf_rule1(const struct enf_view *v);
bool enf_rule2(const struct enf_view *v, int algorithm);
bool enf_rule3(const struct enf_view *v, int algorithm);
/* k is outgoing but still taking over r (for RRSIGDNSKEY: its DNSKEY) from a key whose
 * record is being withdrawn: it first finishes arriving (r wants OMNIPRESENT). */
bool enf_finishes_swap(const struct enf_zone *z, const struct enf_key *k, enum enf_record r);
/* §4.5.3 after committing r of k (which was in state `from`): drop or record successor
 * dependencies. ODS_ENOMEM. */
ods_err enf_deps_after_commit(struct enf_zone *z, const struct enf_key *k, enum enf_record r,
                              enum enf_state from);

/* timing.c */
/* The TTL the policy publishes for a record type (DS, DNSKEY, RRSIG). */
int64_t enf_ttl_published(const struct enf_timing *t, enum enf_record r);
/* The TTL a record changing now must wait for: the published TTL, the negative-caching TTL
 * for DNSKEY while no DNSKEY is omnipresent, and an older larger TTL until ttl_end. */
int64_t enf_ttl_for_change(const struct enf_zone *z, const struct enf_timing *t, enum enf_record r,
                           int64_t now);
/* Update the TTL history; true if a published TTL changed (the signconf must be written). */
bool enf_ttl_refresh(struct enf_zone *z, const struct enf_timing *t, int64_t now);

/* dsparent.c */
/* Gate a: NULL if the parent allows DS of k to move to next, else "waiting for ...". */
const char *enf_ds_gate(const struct enf_zone *z, const struct enf_timing *t,
                        const struct enf_key *k, enum enf_state next);
/* §4.8: ds_at_parent after the DS record of k moved to next. */
void enf_ds_bookkeep(struct enf_key *k, enum enf_state next);

/* keystate.c */
/* Make room for n+1 elements of size sz in *arr of capacity *cap. ODS_ENOMEM. */
ods_err enf_grow(void **arr, size_t *cap, size_t n, size_t sz);
bool enf_same_id(struct enf_key_id a, struct enf_key_id b);
