/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * key list | export | import | ds-submit | ds-seen | ds-retract | ds-gone | generate | purge |
 * rollover, and rollover list. Everything that changes a key loads the zone's view under the
 * zone's row lock in a fenced transaction, changes it with the engine's functions and stores
 * it back, then schedules that zone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/arena.h"
#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/conf/kasp.h"
#include "lib/db/db.h"
#include "lib/rpc/client.h"
#include "lib/svc/svc.h"
#include "ods/enforcer.pb-c.h"
#include "ods/keystore.pb-c.h"
#include "services/enforcer/enforcer.h"
#include "services/enforcer/policymap.h"
#include "services/enforcer/rpc/common.h"
#include "services/enforcer/store/store.h"

static const char *const backup_names[] = {"none", "required", "requested", "done"};

static bool
role_matches(Ods__Enforcer__KeyRole want, unsigned role)
{
	return want == ODS__ENFORCER__KEY_ROLE__ROLE_ANY || (unsigned)want == role;
}

static Ods__Enforcer__KeyRow *
key_row(struct rpc_call *c, const struct enfdb_key_row *kr)
{
	Ods__Enforcer__KeyRow *r = arena_alloc(c->arena, sizeof(*r));
	const struct enf_key *k = &kr->key;
	const char *waiting = enf_key_list_waiting(k);

	if (r == NULL)
		return NULL;
	ods__enforcer__key_row__init(r);
	r->zone = arena_strdup(c->arena, kr->zone);
	r->role = (Ods__Enforcer__KeyRole)k->role;
	r->state = (char *)enf_key_list_state(k);
	r->next_transition = kr->next_change;
	r->waiting = (char *)(waiting ? waiting : "");
	r->bits = (uint32_t)k->bits;
	r->algorithm = (uint32_t)k->algorithm;
	r->locator = arena_strdup(c->arena, kr->x.locator);
	r->repository = arena_strdup(c->arena, k->repository);
	r->keytag = k->keytag;
	r->ds = (char *)enf_state_name(k->rec[ENF_REC_DS].state);
	r->dnskey = (char *)enf_state_name(k->rec[ENF_REC_DNSKEY].state);
	r->rrsigdnskey = (char *)enf_state_name(k->rec[ENF_REC_RRSIGDNSKEY].state);
	r->rrsig = (char *)enf_state_name(k->rec[ENF_REC_RRSIG].state);
	r->publish = enf_key_publish(k);
	r->active = enf_key_active_ksk(k) || enf_key_active_zsk(k);
	r->ds_at_parent = (char *)enf_ds_at_parent_name(k->ds_at_parent);
	r->introducing = k->introducing;
	r->inception = k->inception;
	r->backup = (char *)backup_names[k->backup <= ENF_BACKUP_DONE ? k->backup : 0];
	if (kr->ds_cmd_error[0]) {
		r->blocked = arena_alloc(c->arena, sizeof(char *));
		if (r->blocked) {
			r->blocked[0] = arena_strdup(c->arena, kr->ds_cmd_error);
			r->n_blocked = r->blocked[0] ? 1 : 0;
		}
	}
	return r->zone && r->locator && r->repository ? r : NULL;
}

/* One line per record that wants to move, from a dry run of the engine over the zone's view
 * at now (nothing is stored): the gate that holds it and, for timing, until when. */
static ods_err
explain_zone(struct enf *e, struct rpc_call *c, struct db *db, int64_t zone_id,
             Ods__Enforcer__KeyRow **rows, const int64_t *key_ids, size_t n)
{
	struct enfdb_zone z = {0};
	struct kasp *k = NULL;
	struct enfdb_policy_meta m;
	struct enfdb_view v;
	struct enf_timing t;
	struct enf_result res;
	ods_err rc = enfdb_zone_get_id(db, zone_id, false, &z, &c->diag);

	if (rc == ODS_OK)
		rc = enfdb_policy_load_id(db, z.policy_id, &k, &m, &c->diag);
	if (rc == ODS_OK)
		rc = enfdb_view_load(db, zone_id, &v, &c->diag);
	if (rc != ODS_OK) {
		enfdb_zone_clear(&z);
		kasp_free(k);
		return rc;
	}
	enf_policymap_timing(&k->policies[0], &t);
	rc = enf_keystate_update(&v.zone, &t, enf_now(e), &res);
	for (size_t i = 0; rc == ODS_OK && i < res.n_blocked; i++) {
		const struct enf_blocked *b = &res.blocked[i];
		char line[400], when[64] = "";

		if (b->possible_at > 0) {
			time_t at = (time_t)b->possible_at;
			struct tm tm;
			strftime(when, sizeof(when), " until %Y-%m-%d %H:%M:%S UTC", gmtime_r(&at, &tm));
		}
		snprintf(line, sizeof(line), "%s %s->%s: %s%s (%s)", enf_record_name(b->record),
		         enf_state_name(b->state), enf_state_name(b->want), enf_gate_name(b->gate),
		         when, b->why);
		for (size_t j = 0; j < n; j++) {
			size_t cap = rows[j]->n_blocked;
			if (key_ids[j] == b->key.v)
				rc = enf_rpc_strv_add(c, &rows[j]->blocked, &rows[j]->n_blocked, &cap,
				                      line);
		}
	}
	if (rc == ODS_OK)
		enf_result_deinit(&res);
	enfdb_view_deinit(&v);
	enfdb_zone_clear(&z);
	kasp_free(k);
	return rc;
}

static ods_err
explain(struct enf *e, struct rpc_call *c, struct db *db, Ods__Enforcer__KeyListReply *r,
        const struct enfdb_key_row *rows, const int64_t *ids, const size_t *row_of)
{
	ods_err rc = ODS_OK;

	for (size_t i = 0; rc == ODS_OK && i < r->n_keys; i++) {
		if (i > 0 && rows[row_of[i]].zone_id == rows[row_of[i - 1]].zone_id)
			continue;
		size_t j = i;
		while (j < r->n_keys && rows[row_of[j]].zone_id == rows[row_of[i]].zone_id)
			j++;
		rc = explain_zone(e, c, db, rows[row_of[i]].zone_id, &r->keys[i], &ids[i], j - i);
	}
	return rc;
}

static ods_err
h_list(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyListRequest *rq = (const void *)in;
	Ods__Enforcer__KeyListReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_key_row *rows = NULL;
	size_t n = 0;
	struct db *db = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	ods_err rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);

	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_key_rows(db, zname, &rows, &n, &c->diag);
	if (rc != ODS_OK) {
		enf_rpc_read_end(e, db);
		return rc;
	}
	int64_t *ids = calloc(n ? n : 1, sizeof(*ids));
	size_t *row_of = calloc(n ? n : 1, sizeof(*row_of));
	r->now = enf_now(e);
	r->keys = enf_rpc_array(c, n, sizeof(*r->keys));
	if (ids == NULL || row_of == NULL)
		rc = enf_rpc_oom(c);
	for (size_t i = 0; rc == ODS_OK && r->keys && i < n; i++) {
		const struct enf_key *k = &rows[i].key;

		if (!role_matches(rq->role, k->role))
			continue;
		if (rq->keystate[0] && strcmp(rq->keystate, enf_key_list_state(k)) != 0)
			continue;
		ids[r->n_keys] = k->id.v;
		row_of[r->n_keys] = i;
		r->keys[r->n_keys] = key_row(c, &rows[i]);
		if (r->keys[r->n_keys] == NULL) {
			rc = enf_rpc_oom(c);
			break;
		}
		r->n_keys++;
	}
	if (r->keys == NULL)
		rc = enf_rpc_oom(c);
	if (rc == ODS_OK && rq->explain)
		rc = explain(e, c, db, r, rows, ids, row_of);
	enf_rpc_read_end(e, db);
	free(ids);
	free(row_of);
	free(rows);
	return rc;
}

/* With no filter, only the keys the parent has to act on (as upstream). */
static bool
export_wanted(const Ods__Enforcer__KeyExportRequest *rq, const struct enf_key *k,
              const char *locator)
{
	bool filtered = rq->keystate[0] || rq->role != ODS__ENFORCER__KEY_ROLE__ROLE_ANY ||
	                rq->locator[0];

	if (!role_matches(rq->role, k->role) ||
	    (rq->keystate[0] && strcmp(rq->keystate, enf_key_list_state(k)) != 0) ||
	    (rq->locator[0] && strcmp(rq->locator, locator) != 0))
		return false;
	if (filtered)
		return true;
	return k->ds_at_parent == ENF_DS_SUBMIT || k->ds_at_parent == ENF_DS_SUBMITTED ||
	       k->ds_at_parent == ENF_DS_RETRACT || k->ds_at_parent == ENF_DS_RETRACTED;
}

static Ods__Enforcer__ExportedKey *
exported(struct rpc_call *c, const Ods__Enforcer__KeyExportRequest *rq,
         const struct enfdb_key_row *kr)
{
	Ods__Enforcer__ExportedKey *x = arena_alloc(c->arena, sizeof(*x));
	const struct enf_key *k = &kr->key;
	char rr[2048];
	uint16_t tag = 0;
	ods_err rc;

	if (x == NULL)
		return NULL;
	ods__enforcer__exported_key__init(x);
	if (rq->ds)
		rc = enf_ds_rr(kr->zone, kr->ds_ttl_s, k->role, k->algorithm, kr->x.pubkey,
		               kr->x.pubkey_len, rq->sha1 ? 1 : 2, rr, sizeof(rr), &c->diag);
	else
		rc = enf_dnskey_rr(kr->zone, kr->dnskey_ttl_s, k->role, k->algorithm, kr->x.pubkey,
		                   kr->x.pubkey_len, rr, sizeof(rr), &tag, &c->diag);
	if (rc != ODS_OK)
		return NULL;
	x->zone = arena_strdup(c->arena, kr->zone);
	x->role = (Ods__Enforcer__KeyRole)k->role;
	x->state = (char *)enf_key_list_state(k);
	x->locator = arena_strdup(c->arena, kr->x.locator);
	x->keytag = k->keytag;
	x->rr = arena_strdup(c->arena, rr);
	return x->zone && x->locator && x->rr ? x : NULL;
}

static ods_err
h_export(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyExportRequest *rq = (const void *)in;
	Ods__Enforcer__KeyExportReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_key_row *rows = NULL;
	size_t n = 0;
	struct db *db = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	ods_err rc;

	if (!rq->all && rq->zone[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "name a zone or ask for all");
	rc = rq->all ? ODS_OK : enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);
	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_key_rows(db, zname, &rows, &n, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc != ODS_OK)
		return rc;
	if (n == 0 && !rq->all)
		rc = diag_fail(&c->diag, ODS_ENOENT, "zone", "no keys for zone '%s'", rq->zone);
	r->keys = enf_rpc_array(c, n, sizeof(*r->keys));
	for (size_t i = 0; rc == ODS_OK && r->keys && i < n; i++) {
		if (!export_wanted(rq, &rows[i].key, rows[i].x.locator))
			continue;
		r->keys[r->n_keys] = exported(c, rq, &rows[i]);
		if (r->keys[r->n_keys] == NULL) {
			rc = c->diag.msg[0] ? ODS_EINVAL : enf_rpc_oom(c);
			break;
		}
		r->n_keys++;
	}
	if (rc == ODS_OK && r->keys == NULL)
		rc = enf_rpc_oom(c);
	free(rows);
	return rc;
}

/* --- ds-submit, ds-seen, ds-retract, ds-gone -------------------------------------------- */

struct ds_op {
	const char *name;
	enum enf_ds_at_parent from;
	ods_err (*apply)(struct enf_key *k, int64_t now, struct diag *d);
	bool run_submit; /* runs DelegationSignerSubmitCommand */
	bool run_retract;
};

static const struct ds_op ds_ops[] = {
    [ODS__ENFORCER__KEY_DS_REQUEST__OP__SUBMIT] = {"ds-submit", ENF_DS_SUBMIT,
                                                   enf_ds_submitted, true, false},
    [ODS__ENFORCER__KEY_DS_REQUEST__OP__SEEN] = {"ds-seen", ENF_DS_SUBMITTED, enf_ds_seen,
                                                 false, false},
    [ODS__ENFORCER__KEY_DS_REQUEST__OP__RETRACT] = {"ds-retract", ENF_DS_RETRACT,
                                                    enf_ds_retracted, false, true},
    [ODS__ENFORCER__KEY_DS_REQUEST__OP__GONE] = {"ds-gone", ENF_DS_RETRACTED, enf_ds_gone,
                                                 false, false},
};

static bool
ds_match(const Ods__Enforcer__KeyDsRequest *rq, const struct ds_op *op,
         const struct enfdb_key_row *kr)
{
	const struct enf_key *k = &kr->key;

	bool early = rq->unsubmitted_too && rq->op == ODS__ENFORCER__KEY_DS_REQUEST__OP__SEEN &&
	             k->ds_at_parent == ENF_DS_SUBMIT;

	if (!(k->role & ENF_ROLE_KSK) || (k->ds_at_parent != op->from && !early))
		return false;
	if (rq->has_keytag && k->keytag != rq->keytag)
		return false;
	if (rq->locator[0] && strcmp(rq->locator, kr->x.locator) != 0)
		return false;
	return true;
}

/* The submit or retract command (if one is configured) for one key. Run outside any
 * transaction: it may take long, and a fenced transaction must not wait on a registrar. */
static ods_err
ds_command(struct enf *e, struct rpc_call *c, const struct ds_op *op,
           const struct enfdb_key_row *kr, size_t *cap_msgs, Ods__Enforcer__KeyDsReply *r)
{
	const struct ods_conf *conf = svc_conf(e->svc);
	const char *cmd = op->run_submit ? conf->enforcer.ds_submit_cmd
	                  : op->run_retract ? conf->enforcer.ds_retract_cmd : NULL;
	char rr[2048], msg[400];
	uint16_t tag;
	ods_err rc;

	if (cmd == NULL || cmd[0] == '\0')
		return ODS_OK;
	rc = enf_dnskey_rr(kr->zone, kr->dnskey_ttl_s, kr->key.role, kr->key.algorithm,
	                   kr->x.pubkey, kr->x.pubkey_len, rr, sizeof(rr), &tag, &c->diag);
	if (rc == ODS_OK)
		rc = enf_ds_command(cmd, rr, kr->x.locator, &c->diag);
	if (rc != ODS_OK)
		return rc;
	snprintf(msg, sizeof(msg), "%s: ran '%s' for key %u", kr->zone, cmd, kr->key.keytag);
	return enf_rpc_strv_add(c, &r->messages, &r->n_messages, cap_msgs, msg);
}

/* The state change of one key in its zone's view (the view load locks the zone row). */
static ods_err
ds_apply(struct enf *e, struct rpc_call *c, struct db *db, const struct ds_op *op,
         const struct enfdb_key_row *kr)
{
	struct enfdb_view v;
	int64_t now = enf_now(e);
	ods_err rc = enfdb_view_load(db, kr->zone_id, &v, &c->diag);

	if (rc != ODS_OK)
		return rc;
	struct enf_key *k = enf_zone_key(&v.zone, kr->key.id);
	rc = k ? ODS_OK : diag_fail(&c->diag, ODS_ENOENT, "key", "key %u of %s is gone",
	                            kr->key.keytag, kr->zone);
	/* 1.4's ds-seen of a key nobody submitted (ds_match allowed it) */
	if (rc == ODS_OK && k->ds_at_parent == ENF_DS_SUBMIT && op->from == ENF_DS_SUBMITTED)
		rc = enf_ds_submitted(k, now, &c->diag);
	if (rc == ODS_OK)
		rc = op->apply(k, now, &c->diag);
	if (rc == ODS_OK)
		rc = enfdb_view_store(db, kr->zone_id, &v, NULL, 0, &c->diag);
	if (rc == ODS_OK)
		rc = enfdb_zone_schedule(db, kr->zone_id, 0, now, false, NULL, &c->diag);
	if (rc == ODS_OK)
		log_info("key", "ds", "%s zone=%s keytag=%u locator=%s", op->name, kr->zone,
		         kr->key.keytag, kr->x.locator);
	enfdb_view_deinit(&v);
	return rc;
}

static ods_err
h_ds(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyDsRequest *rq = (const void *)in;
	Ods__Enforcer__KeyDsReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_key_row *rows = NULL;
	size_t n = 0, cap_msgs = 0;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	bool *take = NULL;
	ods_err rc;

	if ((size_t)rq->op >= sizeof(ds_ops) / sizeof(ds_ops[0]))
		return diag_fail(&c->diag, ODS_EINVAL, "op", "unknown DS operation %d", rq->op);
	const struct ds_op *op = &ds_ops[rq->op];
	bool named = rq->has_keytag || rq->locator[0];
	if (!rq->list_only && !named && !rq->all)
		return diag_fail(&c->diag, ODS_EINVAL, "key",
		                 "%s needs --keytag or --cka_id (with --zone), or --all", op->name);
	if (named && rq->zone[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "%s needs --zone with a key",
		                 op->name);
	rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);
	if (rc == ODS_OK && !rq->list_only)
		rc = enf_require_leader(e, c);
	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_key_rows(db, zname, &rows, &n, &c->diag);
	enf_rpc_read_end(e, db);
	r->keys = rc == ODS_OK ? enf_rpc_array(c, n, sizeof(*r->keys)) : NULL;
	take = rc == ODS_OK ? calloc(n ? n : 1, sizeof(*take)) : NULL;
	if (rc == ODS_OK && (r->keys == NULL || take == NULL))
		rc = enf_rpc_oom(c);
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		if (!ds_match(rq, op, &rows[i]))
			continue;
		r->matches++;
		r->keys[r->n_keys] = key_row(c, &rows[i]);
		if (r->keys[r->n_keys] == NULL)
			rc = enf_rpc_oom(c);
		else
			r->n_keys++;
		take[i] = true;
	}
	if (rc != ODS_OK || rq->list_only) {
		free(take);
		free(rows);
		return rc;
	}
	/* Commands first; a key whose command failed keeps its state, and the first failure
	 * is the answer once the others are stored. */
	ods_err failed = ODS_OK;
	struct diag fd = {0};
	for (size_t i = 0; i < n; i++) {
		ods_err cr = take[i] ? ds_command(e, c, op, &rows[i], &cap_msgs, r) : ODS_OK;
		if (cr == ODS_OK)
			continue;
		take[i] = false;
		if (failed == ODS_OK) {
			failed = cr;
			fd = c->diag;
		}
	}
	rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK) {
		free(take);
		free(rows);
		return rc;
	}
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		if (!take[i])
			continue;
		rc = ds_apply(e, c, db, op, &rows[i]);
		if (rc == ODS_OK)
			r->changed++;
	}
	free(take);
	free(rows);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	if (rc == ODS_OK && r->changed)
		enf_sched_poke(e, false);
	if (rc == ODS_OK && failed != ODS_OK) {
		c->diag = fd;
		rc = failed;
	}
	return rc;
}

/* --- generate, purge, rollover, rollover list -------------------------------------------- */

static ods_err
h_generate(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyGenerateRequest *rq = (const void *)in;
	Ods__Enforcer__KeyGenerateReply *r = (void *)out;
	struct enf *e = ctx;
	struct db *db = NULL;
	int64_t pid = 0;
	int generated = 0;
	ods_err rc;

	if (!rq->all && rq->policy[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "policy", "name a policy or ask for all");
	if (rq->duration_s < 0)
		return diag_fail(&c->diag, ODS_EINVAL, "duration", "the period must not be negative");
	rc = enf_require_leader(e, c);
	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	if (!rq->all)
		rc = enfdb_policy_id(db, rq->policy, &pid, &c->diag);
	if (rc == ODS_OK) {
		pthread_mutex_lock(&e->run_mu); /* not beside the scheduler's own fill */
		rc = enf_keygen(e, db, pid, rq->duration_s, &generated, &c->diag);
		pthread_mutex_unlock(&e->run_mu);
	}
	enf_rpc_read_end(e, db);
	r->generated = generated;
	if (generated)
		enf_sched_poke(e, false);
	return rc;
}

static ods_err
purge_zone(struct rpc_call *c, struct db *db, int64_t zone_id, Ods__Enforcer__KeyPurgeReply *r,
           const struct enfdb_key_row *rows, size_t n, char ***locs, size_t *n_locs,
           size_t *cap_locs)
{
	struct enfdb_view v;
	int64_t removed[64];
	size_t n_removed = 0;
	ods_err rc = enfdb_view_load(db, zone_id, &v, &c->diag); /* locks the zone row */

	if (rc != ODS_OK)
		return rc;
	for (size_t i = 0; rc == ODS_OK && i < n && n_removed < 64; i++) {
		if (rows[i].zone_id != zone_id || !enf_key_is_dead(&rows[i].key))
			continue;
		removed[n_removed++] = rows[i].key.id.v;
		(void)enf_zone_remove_key(&v.zone, rows[i].key.id);
		r->purged[r->n_purged] = key_row(c, &rows[i]);
		if (r->purged[r->n_purged] == NULL)
			rc = enf_rpc_oom(c);
		else
			r->n_purged++;
	}
	if (rc == ODS_OK && n_removed)
		rc = enfdb_view_store(db, zone_id, &v, removed, n_removed, &c->diag);
	/* Only a key no other zone holds any more (ShareKeys) may leave the HSM. */
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		bool released = false;
		if (rows[i].zone_id != zone_id || !enf_key_is_dead(&rows[i].key))
			continue;
		rc = enfdb_pool_release(db, rows[i].x.hsm_key_id, &released, &c->diag);
		if (rc == ODS_OK && released)
			rc = enf_rpc_strv_add(c, locs, n_locs, cap_locs, rows[i].x.locator);
	}
	enfdb_view_deinit(&v);
	return rc;
}

static ods_err
h_purge(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyPurgeRequest *rq = (const void *)in;
	Ods__Enforcer__KeyPurgeReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_key_row *rows = NULL;
	struct enfdb_zone *zones = NULL;
	size_t n = 0, nz = 0, n_locs = 0, cap_locs = 0;
	char **locs = NULL, zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	ods_err rc;

	if (rq->zone[0] == '\0' && rq->policy[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "name a zone or a policy");
	rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);
	if (rc == ODS_OK)
		rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	/* The zones in scope: the one named, or those of the policy (either must exist). */
	if (zname) {
		zones = calloc(1, sizeof(*zones));
		rc = zones ? enfdb_zone_get(db, zname, false, zones, &c->diag) : enf_rpc_oom(c);
		nz = rc == ODS_OK ? 1 : 0;
	} else {
		int64_t pid = 0;
		rc = enfdb_policy_id(db, rq->policy, &pid, &c->diag);
		if (rc == ODS_OK)
			rc = enfdb_zone_list(db, pid, &zones, &nz, &c->diag);
	}
	if (rc == ODS_OK)
		rc = enfdb_key_rows(db, zname, &rows, &n, &c->diag);
	if (rc == ODS_OK && (r->purged = enf_rpc_array(c, n, sizeof(*r->purged))) == NULL)
		rc = enf_rpc_oom(c);
	for (size_t i = 0; rc == ODS_OK && i < nz; i++)
		rc = purge_zone(c, db, zones[i].id, r, rows, n, &locs, &n_locs, &cap_locs);
	free(rows);
	enfdb_zones_free(zones, nz);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	for (size_t i = 0; rc == ODS_OK && rq->delete_from_hsm && i < n_locs; i++)
		enf_hsm_delete(e, locs[i]);
	return rc;
}

static unsigned
roll_bits(Ods__Enforcer__KeyRole role)
{
	switch (role) {
	case ODS__ENFORCER__KEY_ROLE__KSK:
		return ENFDB_ROLL_KSK;
	case ODS__ENFORCER__KEY_ROLE__ZSK:
		return ENFDB_ROLL_ZSK;
	case ODS__ENFORCER__KEY_ROLE__CSK:
		return ENFDB_ROLL_CSK;
	default:
		return ENFDB_ROLL_KSK | ENFDB_ROLL_ZSK | ENFDB_ROLL_CSK;
	}
}

static ods_err
h_rollover(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyRolloverRequest *rq = (const void *)in;
	Ods__Enforcer__KeyRolloverReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_zone *zones = NULL;
	size_t nz = 0, cap = 0;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	ods_err rc;

	if (rq->zone[0] == '\0' && rq->policy[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "name a zone or a policy");
	rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);
	if (rc == ODS_OK)
		rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_zone_list(db, 0, &zones, &nz, &c->diag);
	for (size_t i = 0; rc == ODS_OK && i < nz; i++) {
		if (zname ? strcmp(zones[i].name, zname) != 0
		          : strcmp(zones[i].policy, rq->policy) != 0)
			continue;
		rc = enfdb_zone_roll_now(db, zones[i].id, roll_bits(rq->role), enf_now(e), &c->diag);
		if (rc == ODS_OK)
			rc = enf_rpc_strv_add(c, &r->zones, &r->n_zones, &cap, zones[i].name);
		if (rc == ODS_OK)
			log_info("key", "rollover", "Manual rollover initiated for %s on Zone: %s",
			         rq->role == ODS__ENFORCER__KEY_ROLE__ROLE_ANY
			             ? "all keys"
			             : enf_role_name((unsigned)rq->role),
			         zones[i].name);
	}
	if (rc == ODS_OK && r->n_zones == 0)
		rc = diag_fail(&c->diag, ODS_ENOENT, "zone", "no zone '%s'",
		               zname ? zname : rq->policy);
	enfdb_zones_free(zones, nz);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	if (rc == ODS_OK)
		enf_sched_poke(e, false);
	return rc;
}

/* One row of `rollover list` for a zone and a role of its policy (kasp role kr: the index
 * of the zone's next_roll), when the policy has keys of that role. */
static ods_err
rollover_row(struct rpc_call *c, const struct enfdb_zone *z, const struct kasp_policy *p,
             int kr, Ods__Enforcer__RolloverListReply *r)
{
	bool has = false, manual = false;

	for (size_t j = 0; j < p->n_keys; j++) {
		if ((int)p->key[j].role != kr)
			continue;
		has = true;
		manual = manual || p->key[j].manual_rollover;
	}
	if (!has)
		return ODS_OK;
	Ods__Enforcer__RolloverRow *row = arena_alloc(c->arena, sizeof(*row));
	if (row == NULL)
		return enf_rpc_oom(c);
	ods__enforcer__rollover_row__init(row);
	row->zone = arena_strdup(c->arena, z->name);
	row->role = (Ods__Enforcer__KeyRole)enf_role_of_kasp(kr);
	row->next_roll = z->next_roll[kr];
	row->note = manual ? "manual" : "";
	r->rows[r->n_rows++] = row;
	return row->zone ? ODS_OK : enf_rpc_oom(c);
}

static ods_err
h_rollover_list(struct rpc_call *c, void *ctx, const ProtobufCMessage *in,
                ProtobufCMessage *out)
{
	const Ods__Enforcer__RolloverListRequest *rq = (const void *)in;
	Ods__Enforcer__RolloverListReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_zone *zones = NULL;
	struct kasp *k = NULL;
	struct enfdb_policy_meta *meta = NULL;
	size_t nz = 0;
	struct db *db = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	ods_err rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);

	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);

	if (rc != ODS_OK)
		return rc;
	rc = enfdb_zone_list(db, 0, &zones, &nz, &c->diag);
	if (rc == ODS_OK)
		rc = enfdb_policy_load(db, NULL, &k, &meta, &c->diag);
	enf_rpc_read_end(e, db);
	r->now = enf_now(e);
	if (rc == ODS_OK && (r->rows = enf_rpc_array(c, 3 * nz, sizeof(*r->rows))) == NULL)
		rc = enf_rpc_oom(c);
	for (size_t i = 0; rc == ODS_OK && i < nz; i++) {
		const struct kasp_policy *p = kasp_policy_find(k, zones[i].policy);
		if ((zname && strcmp(zname, zones[i].name) != 0) || p == NULL)
			continue;
		for (int kr = KASP_KSK; kr <= KASP_CSK && rc == ODS_OK; kr++)
			rc = rollover_row(c, &zones[i], p, kr, r);
	}
	enfdb_zones_free(zones, nz);
	kasp_free(k);
	free(meta);
	return rc;
}

/* --- key import ------------------------------------------------------------------------- */

static ods_err
import_key(struct enf *e, struct rpc_call *c, struct db *db,
           const Ods__Enforcer__KeyImportRequest *rq, const char *zone, uint16_t *tag_out)
{
	struct enfdb_zone z = {0};
	struct enfdb_view v;
	struct kasp *k = NULL;
	struct enfdb_policy_meta m;
	PGresult *res = NULL;
	struct enf_timing t;
	ods_err rc = enfdb_zone_get(db, zone, true, &z, &c->diag);

	if (rc == ODS_OK)
		rc = enfdb_policy_load_id(db, z.policy_id, &k, &m, &c->diag);
	if (rc == ODS_OK)
		rc = db_query(db, "enf_import_hsm",
		              "SELECT id, public_key, algorithm, repository FROM hsm_key WHERE "
		              "locator = $1",
		              1, (const char *[]){rq->locator}, &res, &c->diag);
	if (rc != ODS_OK) {
		enfdb_zone_clear(&z);
		kasp_free(k);
		return rc;
	}
	struct enfdb_key_extra x = {.id = {-1}, .is_new = true};
	if (PQntuples(res) != 1)
		rc = diag_fail(&c->diag, ODS_ENOENT, "cka_id",
		               "no key %s in the keystore's catalogue (generate it with ods-hsmutil)",
		               rq->locator);
	else if (strcmp(PQgetvalue(res, 0, 3), rq->repository) != 0 ||
	         strtol(PQgetvalue(res, 0, 2), NULL, 10) != (long)rq->algorithm)
		rc = diag_fail(&c->diag, ODS_EINVAL, "cka_id",
		               "key %s is in repository %s with algorithm %s", rq->locator,
		               PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 2));
	else if (!db_bytea_decode(PQgetvalue(res, 0, 1), x.pubkey, sizeof(x.pubkey),
	                          &x.pubkey_len))
		rc = diag_fail(&c->diag, ODS_EDB, "hsm_key", "bad public key stored");
	if (rc == ODS_OK)
		x.hsm_key_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (rc == ODS_OK)
		rc = enfdb_view_load(db, z.id, &v, &c->diag);
	if (rc != ODS_OK) {
		enfdb_zone_clear(&z);
		kasp_free(k);
		return rc;
	}
	snprintf(x.locator, sizeof(x.locator), "%s", rq->locator);
	enf_policymap_timing(&k->policies[0], &t);
	unsigned role = rq->role == ODS__ENFORCER__KEY_ROLE__KSK ? ENF_ROLE_KSK : ENF_ROLE_ZSK;
	struct enf_key key;
	char rr[2048];
	int64_t now = enf_now(e);
	enf_key_init(&key, x.id, role, (int)rq->algorithm, 0, rq->inception ? rq->inception : now);
	key.bits = (int)rq->bits;
	snprintf(key.repository, sizeof(key.repository), "%s", rq->repository);
	rc = enf_dnskey_rr(zone, t.ttl_dnskey_s, role, key.algorithm, x.pubkey, x.pubkey_len, rr,
	                   sizeof(rr), &key.keytag, &c->diag);
	if (rc == ODS_OK)
		rc = enf_key_import_state(&key, rq->keystate, &t, now, &c->diag);
	if (rc == ODS_OK && (enf_zone_add_key(&v.zone, &key) != ODS_OK ||
	                     enfdb_view_put_extra(&v, &x) != ODS_OK))
		rc = enf_rpc_oom(c);
	if (rc == ODS_OK)
		rc = enfdb_view_store(db, z.id, &v, NULL, 0, &c->diag);
	if (rc == ODS_OK) {
		char pid[24], hid[24], r[8];
		snprintf(pid, sizeof(pid), "%" PRId64, z.policy_id);
		snprintf(hid, sizeof(hid), "%" PRId64, x.hsm_key_id);
		snprintf(r, sizeof(r), "%u", role);
		rc = db_query(db, "enf_import_pool",
		              "INSERT INTO key_pool (hsm_key_id, policy_id, role, state) VALUES ($1, "
		              "$2, $3, 1) ON CONFLICT (hsm_key_id) DO UPDATE SET state = 1",
		              3, (const char *[]){hid, pid, r}, NULL, &c->diag);
	}
	if (rc == ODS_OK)
		rc = enfdb_zone_schedule(db, z.id, 0, now, true, NULL, &c->diag);
	*tag_out = key.keytag;
	enfdb_view_deinit(&v);
	enfdb_zone_clear(&z);
	kasp_free(k);
	return rc;
}

static ods_err
h_import(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__KeyImportRequest *rq = (const void *)in;
	Ods__Enforcer__KeyImportReply *r = (void *)out;
	struct enf *e = ctx;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	uint16_t tag = 0;
	ods_err rc;

	if (rq->locator[0] == '\0' || rq->repository[0] == '\0' || rq->zone[0] == '\0' ||
	    rq->keystate[0] == '\0' || rq->algorithm == 0)
		return diag_fail(&c->diag, ODS_EINVAL, "key",
		                 "key import needs --cka_id, --repository, --zone, --algorithm, "
		                 "--keystate and --keytype");
	if (rq->role != ODS__ENFORCER__KEY_ROLE__KSK && rq->role != ODS__ENFORCER__KEY_ROLE__ZSK)
		return diag_fail(&c->diag, ODS_EINVAL, "keytype", "key import takes KSK or ZSK");
	rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);
	if (rc == ODS_OK)
		rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	rc = import_key(e, c, db, rq, zname, &tag);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	if (rc == ODS_OK) {
		r->keytag = tag;
		enf_sched_poke(e, false);
	}
	return rc;
}

const struct rpc_method enf_key_methods[] = {
    RPC_METHOD("KeyList", h_list),         RPC_METHOD("KeyExport", h_export),
    RPC_METHOD("KeyImport", h_import),     RPC_METHOD("KeyDs", h_ds),
    RPC_METHOD("KeyGenerate", h_generate), RPC_METHOD("KeyPurge", h_purge),
    RPC_METHOD("KeyRollover", h_rollover), RPC_METHOD("RolloverList", h_rollover_list),
    RPC_METHOD_END,
};
