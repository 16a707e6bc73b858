/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key-state engine of OpenDNSSEC 2.x (Schaeffer, Overeinder, Mekking, "Flexible and Robust
 * Key Rollover in DNSSEC", 2012) as pure functions: a zone view (keys, their four records and
 * the successor dependencies), the policy's timing and `now` go in; transitions, the zone's
 * next wake-up, the DS requests for the parent and the reason every waiting record is blocked
 * come out. Nothing here reads a clock, a database or an HSM: the caller loads the view,
 * calls enf_keystate_update() and stores what changed in one fenced transaction. The model,
 * the gates and the deliberate deviations from upstream are described in docs/keystate.md.
 * All functions are thread-safe as long as no two threads share a zone view.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* Where a record is, seen from the caches of the world (§4.1). NA: the record does not apply
 * to the key's role. The values are stored in the database: do not reorder. */
enum enf_state {
	ENF_HIDDEN = 0,
	ENF_RUMOURED,
	ENF_OMNIPRESENT,
	ENF_UNRETENTIVE,
	ENF_NA,
};

/* The four records of a key, in the fixed order the update loop visits them. */
enum enf_record {
	ENF_REC_DS = 0,      /* the DS at the parent */
	ENF_REC_DNSKEY,      /* the DNSKEY in the zone */
	ENF_REC_RRSIGDNSKEY, /* this key's signature over the DNSKEY RRset ("KRRSIG") */
	ENF_REC_RRSIG,       /* this key's signatures over the zone data ("ZRRSIG") */
};
#define ENF_REC_COUNT 4

/* Role bits; a CSK has both. */
#define ENF_ROLE_KSK 1u
#define ENF_ROLE_ZSK 2u
#define ENF_ROLE_CSK 3u

/* Minimize bits (from the roll type, §4.4): which record waits for the others. */
#define ENF_MIN_RRSIG 1u
#define ENF_MIN_DNSKEY 2u
#define ENF_MIN_DS 4u

/* The parent's view of a key's DS (§4.8). The engine only ever produces SUBMIT and RETRACT;
 * the other states come from the operator commands below. */
enum enf_ds_at_parent {
	ENF_DS_UNSUBMITTED = 0,
	ENF_DS_SUBMIT,    /* please submit: the DS should go to the parent */
	ENF_DS_SUBMITTED, /* the submit command ran or the operator ran ds-submit */
	ENF_DS_SEEN,      /* the operator saw the DS at the parent (ds-seen) */
	ENF_DS_RETRACT,   /* please retract */
	ENF_DS_RETRACTED, /* the retract command ran (ds-retract); waiting for ds-gone */
};

/* RequireBackup: records may not become omnipresent before the key material is backed up. */
enum enf_backup {
	ENF_BACKUP_NONE = 0,
	ENF_BACKUP_REQUIRED,
	ENF_BACKUP_REQUESTED,
	ENF_BACKUP_DONE,
};

/* kasp.xml KskRollType / ZskRollType / CskRollType; DEFAULT picks the role's default. */
enum enf_rolltype {
	ENF_ROLL_DEFAULT = 0,
	ENF_ROLL_KSK_DOUBLE_RRSET,
	ENF_ROLL_KSK_DOUBLE_DS,
	ENF_ROLL_KSK_DOUBLE_SIGNATURE,
	ENF_ROLL_ZSK_DOUBLE_SIGNATURE,
	ENF_ROLL_ZSK_PRE_PUBLICATION,
	ENF_ROLL_ZSK_DOUBLE_RRSIG,
	ENF_ROLL_CSK_DOUBLE_RRSET,
	ENF_ROLL_CSK_SINGLE_SIGNATURE,
	ENF_ROLL_CSK_DOUBLE_DS,
	ENF_ROLL_CSK_DOUBLE_SIGNATURE,
	ENF_ROLL_CSK_PRE_PUBLICATION,
};

struct enf_key_id {
	int64_t v;
};

struct enf_record_state {
	enum enf_state state;
	int64_t last_change; /* seconds since the epoch */
	int64_t ttl_s;       /* TTL that caches may hold for this type, fixed at last_change */
};

#define ENF_REPO_MAX 128

/* One key of a zone: plain data the caller fills in (from the database) and stores back. */
struct enf_key {
	struct enf_key_id id;
	int algorithm;                 /* DNSKEY algorithm number */
	int bits;                      /* key size, to match policy keys */
	char repository[ENF_REPO_MAX]; /* HSM repository name, to match policy keys */
	unsigned role;                 /* ENF_ROLE_* */
	bool introducing;              /* goal: true = records to omnipresent, false = hidden */
	enum enf_ds_at_parent ds_at_parent;
	unsigned minimize; /* ENF_MIN_* */
	enum enf_backup backup;
	uint16_t keytag;
	int64_t inception; /* seconds since the epoch */
	bool has_records;  /* false until the first update creates rec[] (§4.1) */
	struct enf_record_state rec[ENF_REC_COUNT];
};

/* `to` replaced `from` for `record`: keeps swap states valid over several steps (§4.5.3). */
struct enf_dep {
	struct enf_key_id from;
	struct enf_key_id to;
	enum enf_record record;
};

/* The policy's timing, all in seconds (kasp.xml names in the comments). */
struct enf_timing {
	int64_t ttl_ds_s;                    /* Parent/DS/TTL */
	int64_t parent_registration_delay_s; /* Parent/RegistrationDelay */
	int64_t parent_propagation_delay_s;  /* Parent/PropagationDelay */
	int64_t ttl_dnskey_s;                /* Keys/TTL */
	int64_t zone_propagation_delay_s;    /* Zone/PropagationDelay */
	int64_t publish_safety_s;            /* Keys/PublishSafety */
	int64_t retire_safety_s;             /* Keys/RetireSafety */
	int64_t soa_ttl_s;                   /* Zone/SOA/TTL */
	int64_t soa_minimum_s;               /* Zone/SOA/Minimum */
	int64_t max_zone_ttl_s;              /* Signatures/MaxZoneTTL, 0 when not set */
	int64_t nsec3param_ttl_s;            /* Denial/NSEC3/TTL, 0 with NSEC */
	int64_t jitter_s;                    /* Signatures/Jitter */
	int64_t validity_default_s;          /* Signatures/Validity/Default */
	int64_t validity_denial_s;           /* Signatures/Validity/Denial */
	int64_t resign_s;                    /* Signatures/Resign */
	int64_t refresh_s;                   /* Signatures/Refresh */
	bool allow_unsigned;                 /* the policy has no keys: rule 1 is switched off */
};

/* A zone's keys and dependencies. Both arrays are owned by the zone (enf_zone_deinit). */
struct enf_zone {
	struct enf_key *keys;
	size_t n_keys;
	size_t cap_keys;
	struct enf_dep *deps;
	size_t n_deps;
	size_t cap_deps;
	/* TTL history (§4.6): until ttl_end_*, caches may hold the type with the TTL that was
	 * published before the last decrease; ttl_*_s is the TTL last published (0: none yet). */
	int64_t ttl_end_ds;
	int64_t ttl_end_dk;
	int64_t ttl_end_rs;
	int64_t ttl_ds_s;
	int64_t ttl_dk_s;
	int64_t ttl_rs_s;
	/* `key rollover` flags, consumed by enf_policy_introduce(). */
	bool roll_ksk_now;
	bool roll_zsk_now;
	bool roll_csk_now;
};

/* One committed transition. */
struct enf_transition {
	struct enf_key_id key;
	enum enf_record record;
	enum enf_state from;
	enum enf_state to;
	int64_t at;
};

/* The gate that holds a record back (§4.3 step 3, gates a..e). */
enum enf_gate {
	ENF_GATE_NONE = 0,
	ENF_GATE_DS_USER, /* the parent: waiting for ds-submit, ds-seen, ds-retract or ds-gone */
	ENF_GATE_POLICY,  /* the roll type wants another record first (§4.4) */
	ENF_GATE_DNSSEC,  /* the transition would break rule 1, 2 or 3 (§4.5) */
	ENF_GATE_TIMING,  /* caches may still hold the old data (§4.6) */
	ENF_GATE_BACKUP,  /* the key material is not backed up yet */
};

#define ENF_WHY_MAX 112

/* A record whose desired next state differs from its state, and why it does not move. */
struct enf_blocked {
	struct enf_key_id key;
	enum enf_record record;
	enum enf_state state;
	enum enf_state want;
	enum enf_gate gate;
	int rule;            /* ENF_GATE_DNSSEC: the rule that would break (1..3), else 0 */
	int64_t possible_at; /* ENF_GATE_TIMING: earliest time; ENF_GATE_BACKUP: retry; else 0 */
	char why[ENF_WHY_MAX];
};

/* A key whose DS the parent must act on: SUBMIT ("please submit DS") or RETRACT. */
struct enf_ds_request {
	struct enf_key_id key;
	uint16_t keytag;
	enum enf_ds_at_parent state;
	bool new_this_run; /* the DS record moved in this run (log the request once) */
};

struct enf_result {
	struct enf_transition *transitions;
	size_t n_transitions;
	struct enf_blocked *blocked;
	size_t n_blocked;
	struct enf_ds_request *ds;
	size_t n_ds;
	int64_t next_wakeup;         /* when to run again; 0 when nothing is pending on time */
	bool signconf_needs_writing; /* a record moved, a key was set up, a TTL changed */
};

/* Seconds after which a run retries a transition held by the backup gate. */
#define ENF_RETRY_S 60

/* --- zone view ------------------------------------------------------------------------ */

void enf_zone_init(struct enf_zone *z);
void enf_zone_deinit(struct enf_zone *z); /* NULL-safe */
/* Copy k into the zone. ODS_EEXIST if the id is taken, ODS_ENOMEM. */
ods_err enf_zone_add_key(struct enf_zone *z, const struct enf_key *k);
/* Remove a key and every dependency naming it (purge). ODS_ENOENT if absent. */
ods_err enf_zone_remove_key(struct enf_zone *z, struct enf_key_id id);
/* Add a dependency (when loading the view). ODS_ENOMEM. */
ods_err enf_zone_add_dep(struct enf_zone *z, const struct enf_dep *d);
/* The key with that id, or NULL. The pointer is valid until keys are added or removed. */
struct enf_key *enf_zone_key(const struct enf_zone *z, struct enf_key_id id);

/* A new key: goal introduce, DS unsubmitted, no backup needed, records not created yet. */
void enf_key_init(struct enf_key *k, struct enf_key_id id, unsigned role, int algorithm,
                  unsigned minimize, int64_t inception);

/* Derived signconf flags (§4.3 step 4): DNSKEY, KRRSIG or RRSIG rumoured or omnipresent. */
bool enf_key_publish(const struct enf_key *k);
bool enf_key_active_ksk(const struct enf_key *k);
bool enf_key_active_zsk(const struct enf_key *k);
/* Goal outroduce and every applicable record hidden: a purge candidate (§4.10). */
bool enf_key_is_dead(const struct enf_key *k);
/* Keys/Purge: k is dead and its last record change is at least purge_s ago. */
bool enf_key_purgeable(const struct enf_key *k, int64_t purge_s, int64_t now);

/* --- the engine --------------------------------------------------------------------------- */

/* The state record r of k wants next by its goal (§4.2); equal to its state when it has
 * arrived. (Inside a run one exception applies: an outgoing key still taking over a record in
 * a swap first lets that record arrive; see docs/keystate.md. The blocked list shows it.) */
enum enf_state enf_desired_state(const struct enf_key *k, enum enf_record r);

/* Run §4.3 step 3 to a fixpoint at `now`: refresh the TTL history, create missing records,
 * then pass over keys x records in fixed order, applying the gates (DS user gate, policy,
 * DNSSEC rules, timing, backup) and committing what passes, until a pass changes nothing.
 * The result lists the transitions, every record that wants to move but may not with the
 * gate that holds it, the keys whose DS the parent must act on, and the next wake-up: the
 * earliest time a timing-blocked record may move (or a backup retry), 0 if none; records
 * waiting only for the operator or for other records add no wake-up.
 * Mutates z in memory (states, last_change, ttl, ds_at_parent, dependencies, TTL history).
 * On success writes *out, which the caller frees with enf_result_deinit(). On error
 * (ODS_ENOMEM, ODS_EINVAL for a bad view, ODS_EINTERNAL if no fixpoint is reached) out is
 * untouched and z is half-updated: the caller discards it (rolls back its transaction). */
ods_err enf_keystate_update(struct enf_zone *z, const struct enf_timing *t, int64_t now,
                            struct enf_result *out);
void enf_result_deinit(struct enf_result *r); /* NULL-safe */

/* The rules that do not hold in the zone as it is, as a mask: bit 1 << n for rule n (rule 1
 * only when !allow_unsigned). 0 means the zone validates. A zone that is being signed for the
 * first time starts with rule 1 broken; the engine never breaks a rule that holds. */
unsigned enf_zone_broken_rules(const struct enf_zone *z, bool allow_unsigned);

/* --- timing ---------------------------------------------------------------------------- */

/* The default kasp.xml of OpenDNSSEC (§4.12). */
void enf_timing_defaults(struct enf_timing *t);
/* TTL_RRSIG = max(min(SOA TTL, SOA Minimum), MaxZoneTTL, NSEC3PARAM TTL). */
int64_t enf_timing_ttl_rrsig(const struct enf_timing *t);
/* Jitter + max(Validity/Default, Validity/Denial) + Resign - Refresh, at least 0. */
int64_t enf_timing_sig_replacement(const struct enf_timing *t);
/* Earliest time record r of k may move to `next` (§4.6): last_change for RUMOURED and
 * UNRETENTIVE, last_change + TTL + delays (+ safety, + gradual replacement) otherwise. */
int64_t enf_transition_time(const struct enf_zone *z, const struct enf_timing *t,
                            const struct enf_key *k, enum enf_record r, enum enf_state next);

/* --- DS at the parent: the operator commands (§4.8) ----------------------------------------- */

/* ds-submit (or the submit command ran): SUBMIT -> SUBMITTED. ds-seen: SUBMITTED -> SEEN.
 * ds-retract (or the retract command ran): RETRACT -> RETRACTED. ds-gone: RETRACTED ->
 * UNSUBMITTED. Each sets the DS record's last_change to now. ODS_ESTATE (with d filled) if
 * the key has no KSK role or its DS is in another state; the key is then unchanged. */
ods_err enf_ds_submitted(struct enf_key *k, int64_t now, struct diag *d);
ods_err enf_ds_seen(struct enf_key *k, int64_t now, struct diag *d);
ods_err enf_ds_retracted(struct enf_key *k, int64_t now, struct diag *d);
ods_err enf_ds_gone(struct enf_key *k, int64_t now, struct diag *d);

/* --- key list / key import (§4.11) ------------------------------------------------------ */

/* The 1.x state name: "generate", "publish", "ready", "active", "retire", "mixed" (a CSK
 * whose KSK and ZSK halves differ) or "unknown". Never NULL. */
const char *enf_key_list_state(const struct enf_key *k);
/* "waiting for ds-submit" ... "waiting for ds-gone" while the parent is what k waits for,
 * else NULL (then the zone's next wake-up is the date of the next transition). */
const char *enf_key_list_waiting(const struct enf_key *k);
/* key import --keystate: set k's records, goal and ds_at_parent from a 1.x state name
 * ("generate", "publish", "ready", "active", "retire"), last_change = now, TTLs from t.
 * KSK and ZSK only, as upstream. ODS_EINVAL (d filled) for another role or name. */
ods_err enf_key_import_state(struct enf_key *k, const char *state, const struct enf_timing *t,
                             int64_t now, struct diag *d);

/* --- names ---------------------------------------------------------------------------- */

/* "hidden" ... "NA"; "DS" ... "RRSIG"; "KSK", "ZSK", "CSK"; "unsubmitted" ... "retracted";
 * "none", "ds", "policy", "dnssec", "timing", "backup". Never NULL ("unknown"). */
const char *enf_state_name(enum enf_state s);
const char *enf_record_name(enum enf_record r);
const char *enf_role_name(unsigned role);
const char *enf_ds_at_parent_name(enum enf_ds_at_parent s);
const char *enf_gate_name(enum enf_gate g);

/* --- roll types and the policy (§4.4 table, §4.9) ---------------------------------------- */

/* "KskDoubleRRset" ... "CskPrePublication" -> enum. ODS_EINVAL for other names. */
ods_err enf_rolltype_parse(const char *name, enum enf_rolltype *out);
const char *enf_rolltype_name(enum enf_rolltype rt);
/* The minimize bits of a roll type for a role; DEFAULT gives the role's default
 * (KskDoubleSignature, ZskPrePublication, CskPrePublication). ODS_EINVAL if the roll type
 * belongs to another role. */
ods_err enf_minimize_for(unsigned role, enum enf_rolltype rt, unsigned *out);

/* One Keys/KSK|ZSK|CSK entry of a policy. */
struct enf_policy_key {
	unsigned role;
	int algorithm;
	int bits;
	char repository[ENF_REPO_MAX];
	int64_t lifetime_s; /* 0: the key never rolls by time */
	enum enf_rolltype rolltype;
	bool manual_rollover;
};

enum enf_plan_verdict {
	ENF_PLAN_KEEP = 0, /* the current key stays; next_roll says until when */
	ENF_PLAN_NEW_KEY,  /* fetch key material and call enf_policy_introduce() */
	ENF_PLAN_REFUSED,  /* a new key is due but the lifetime is too short (why says so) */
};

/* The decision for one policy key entry. */
struct enf_plan_entry {
	enum enf_plan_verdict verdict;
	int64_t next_roll; /* when the current key's lifetime ends; 0: no timed roll */
	char why[ENF_WHY_MAX];
};

struct enf_plan {
	size_t n_outroduced; /* keys matching no entry, turned to goal outroduce just now */
	int64_t next_roll;   /* earliest next_roll of the entries, 0 when none */
	bool allow_unsigned; /* no policy keys: the zone is going (or is) unsigned */
};

/* §4.9 for one zone: keys whose (role, algorithm, bits, repository) match no entry get goal
 * outroduce (policy change, algorithm rollover, going unsigned); for each entry decide
 * whether a new key is due (lifetime over, `key rollover` flag, first key, manual rollover).
 * entries must have room for n. Writes entries and *out on success. ODS_EINVAL (nothing
 * changed) for an entry with a bad role or a negative lifetime. */
ods_err enf_policy_plan(struct enf_zone *z, const struct enf_policy_key *pk, size_t n,
                        const struct enf_timing *t, int64_t now, struct enf_plan_entry *entries,
                        struct enf_plan *out);
/* Add a new key for entry pk: id, keytag and backup state come from material (the HSM key
 * the caller picked), role, algorithm, bits, repository and minimize from pk; goal introduce,
 * inception now. The other introducing keys of the entry turn to outroduce, and the zone's
 * `key rollover` flag for the role is cleared. ODS_EEXIST, ODS_ENOMEM, ODS_EINVAL (a roll
 * type of another role); on error the zone is unchanged. */
ods_err enf_policy_introduce(struct enf_zone *z, const struct enf_policy_key *pk,
                             const struct enf_key *material, int64_t now);
