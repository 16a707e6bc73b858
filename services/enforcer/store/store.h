/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The enforcer's SQL (migration 0003): policies, zones, a zone's key view, the key pool and
 * signconf versions. Plain functions over a struct db; transactions and the fencing check
 * are the caller's (enforcer.h, enf_tx_begin). Strings in returned structs are malloc'd and
 * freed by the matching _free function. Times are seconds on the cluster clock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "services/enforcer/keystate/keystate.h"

struct db;
struct kasp;
struct kasp_policy;

/* --- policies ------------------------------------------------------------------------ */

/* What the database keeps beside the kasp.xml content of a policy. */
struct enfdb_policy_meta {
	int64_t id;
	char salt[2 * 255 + 1]; /* current NSEC3 salt, hex ("" for none or NSEC) */
	int64_t salt_last_change;
	int zones; /* zones using it */
};

enum enfdb_put {
	ENFDB_CREATED = 0,
	ENFDB_UPDATED,
	ENFDB_UNCHANGED,
};

/* Insert or update policy p by name (its keys replaced). A new NSEC3 salt of the policy's
 * length is drawn when the policy is new or the length changed. *what says which. */
ods_err enfdb_policy_put(struct db *db, const struct kasp_policy *p, int64_t now,
                         enum enfdb_put *what, int64_t *id, struct diag *d);
/* Policies by name (NULL: all, ordered by name) into a new struct kasp (kasp_free) and a
 * parallel malloc'd meta array. ODS_ENOENT when a named policy does not exist. */
ods_err enfdb_policy_load(struct db *db, const char *name, struct kasp **out,
                          struct enfdb_policy_meta **meta, struct diag *d);
ods_err enfdb_policy_load_id(struct db *db, int64_t id, struct kasp **out,
                             struct enfdb_policy_meta *meta, struct diag *d);
/* The id of the named policy. ODS_ENOENT naming it. */
ods_err enfdb_policy_id(struct db *db, const char *name, int64_t *id, struct diag *d);
/* Delete the named policy if no zone uses it. ODS_ESTATE if one does, ODS_ENOENT. */
ods_err enfdb_policy_delete(struct db *db, const char *name, struct diag *d);
ods_err enfdb_policy_set_salt(struct db *db, int64_t id, const char *salt_hex, int64_t now,
                              struct diag *d);

/* --- zones --------------------------------------------------------------------------- */

struct enfdb_zone {
	int64_t id;
	char *name;
	int64_t policy_id;
	char *policy;
	char *signconf_path;
	char *input_type;
	char *input_path;
	char *output_type;
	char *output_path;
	bool suspended;
	int64_t next_change; /* 0: none */
	int64_t signconf_version;
	bool signconf_needs_writing;
	int64_t next_roll[3]; /* KSK, ZSK, CSK: 0 none */
	int64_t notified_roll;
};
void enfdb_zone_clear(struct enfdb_zone *z);
void enfdb_zones_free(struct enfdb_zone *z, size_t n);

/* Insert (name, policy_id, paths, suspended; next_change = now unless suspended).
 * ODS_EEXIST when the name is taken. */
ods_err enfdb_zone_insert(struct db *db, struct enfdb_zone *z, int64_t now, struct diag *d);
/* Update policy_id and paths of zone z->id. */
ods_err enfdb_zone_update(struct db *db, const struct enfdb_zone *z, struct diag *d);
/* One zone by name (lock: FOR UPDATE). ODS_ENOENT. */
ods_err enfdb_zone_get(struct db *db, const char *name, bool lock, struct enfdb_zone *out,
                       struct diag *d);
ods_err enfdb_zone_get_id(struct db *db, int64_t id, bool lock, struct enfdb_zone *out,
                          struct diag *d);
/* All zones ordered by name (policy_id > 0: only that policy's). */
ods_err enfdb_zone_list(struct db *db, int64_t policy_id, struct enfdb_zone **out, size_t *n,
                        struct diag *d);
/* Delete a zone with its keys, dependencies, signconfs and jobs; its pool keys go to the
 * delete state unless another zone still uses them. */
ods_err enfdb_zone_delete(struct db *db, int64_t id, struct diag *d);
/* Ids of zones whose next_change <= now (not suspended), earliest first, at most max. */
ods_err enfdb_zone_due(struct db *db, int64_t now, size_t max, int64_t **ids, size_t *n,
                       struct diag *d);
/* Earliest next_change of any zone, 0 if none. */
ods_err enfdb_zone_next(struct db *db, int64_t *at, size_t *n_scheduled, struct diag *d);
/* Schedule zones for an enforce run at `at`: one zone (id > 0), a policy's zones
 * (policy_id > 0) or every zone (both 0). *n = zones touched. */
ods_err enfdb_zone_schedule(struct db *db, int64_t id, int64_t policy_id, int64_t at,
                            bool force_signconf, size_t *n, struct diag *d);
/* Set zone id's next run to exactly `at` (a retry after a failed run: later than it was). */
ods_err enfdb_zone_set_next(struct db *db, int64_t id, int64_t at, struct diag *d);
/* Set the `key rollover` flags for roles (ENFDB_ROLL_* bits) and schedule the zone now. */
#define ENFDB_ROLL_KSK 1u
#define ENFDB_ROLL_ZSK 2u
#define ENFDB_ROLL_CSK 4u
ods_err enfdb_zone_roll_now(struct db *db, int64_t id, unsigned roles, int64_t now,
                            struct diag *d);

/* --- a zone's key view ------------------------------------------------------------------ */

/* What the view carries beside the engine's struct enf_key, per key, found by key id. */
struct enfdb_key_extra {
	struct enf_key_id id;
	int64_t hsm_key_id;
	char locator[66];
	uint8_t pubkey[1024];
	size_t pubkey_len;
	bool is_new; /* added by this run (temporary negative id): store with INSERT */
};

struct enfdb_view {
	struct enf_zone zone;
	struct enfdb_key_extra *extra;
	size_t n_extra;
	size_t cap_extra;
	bool signconf_needs_writing;
};
void enfdb_view_deinit(struct enfdb_view *v);
/* Load zone id's keys, dependencies, TTL history and roll flags. The zone row is locked
 * (FOR UPDATE) until the caller's transaction ends, so two writers of one zone's keys
 * (an enforce run, a ds-seen, a DS command's result) take turns instead of losing updates. */
ods_err enfdb_view_load(struct db *db, int64_t zone_id, struct enfdb_view *v, struct diag *d);
/* Store the view back: keys updated or inserted (new ids are written into the view and its
 * dependencies), removed keys deleted (ids in removed), dependencies replaced, TTL history
 * and flags. */
ods_err enfdb_view_store(struct db *db, int64_t zone_id, struct enfdb_view *v,
                         const int64_t *removed, size_t n_removed, struct diag *d);
/* Record x for key x->id (a key the engine added, or one being loaded). ODS_ENOMEM. */
ods_err enfdb_view_put_extra(struct enfdb_view *v, const struct enfdb_key_extra *x);
/* The extra data of key id, or NULL. */
struct enfdb_key_extra *enfdb_view_extra(struct enfdb_view *v, struct enf_key_id id);

/* Every key of one zone (zone NULL: of all zones), with what `key list`, `key export` and
 * the ds-* commands show: ordered by zone name, then key id. */
struct enfdb_key_row {
	int64_t zone_id;
	char zone[256];
	int64_t next_change; /* the zone's, 0 none */
	int64_t dnskey_ttl_s; /* Keys/TTL of the zone's policy */
	int64_t ds_ttl_s;     /* Parent/DS/TTL */
	char ds_cmd_error[256];
	struct enf_key key;
	struct enfdb_key_extra x;
};
ods_err enfdb_key_rows(struct db *db, const char *zone, struct enfdb_key_row **out, size_t *n,
                       struct diag *d);

/* --- key pool -------------------------------------------------------------------------- */

struct enfdb_pool_key {
	int64_t hsm_key_id;
	char locator[66];
	uint8_t pubkey[1024];
	size_t pubkey_len;
	int backup; /* enum db_backup */
};

/* Take a key for policy key pk of policy_id for zone_id: with share, the youngest key
 * already in use by another zone of the policy for the same role; else the oldest unused
 * one (marked private, or shared with share). ODS_ENOENT when the pool is empty. */
ods_err enfdb_pool_take(struct db *db, int64_t policy_id, int64_t zone_id,
                        const struct enf_policy_key *pk, bool share, struct enfdb_pool_key *out,
                        struct diag *d);
/* Unused keys in the pool for a policy key. */
ods_err enfdb_pool_unused(struct db *db, int64_t policy_id, const struct enf_policy_key *pk,
                          int64_t *n, struct diag *d);
/* Put a freshly generated HSM key (by locator) into the pool of policy_id/role. */
ods_err enfdb_pool_add(struct db *db, const char *locator, int64_t policy_id, unsigned role,
                       struct diag *d);
/* Release a key no zone uses any more: state delete (*released true; may be NULL). A key
 * another zone still uses (ShareKeys) stays. */
ods_err enfdb_pool_release(struct db *db, int64_t hsm_key_id, bool *released, struct diag *d);

/* --- signconf --------------------------------------------------------------------------- */

/* Store a new signconf version of a zone and queue a sign job for it (NOTIFY ods_job).
 * *version is the new version. */
ods_err enfdb_signconf_put(struct db *db, int64_t zone_id, const char *xml, const char *reason,
                           int64_t *version, struct diag *d);
