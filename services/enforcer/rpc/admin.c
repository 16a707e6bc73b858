/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stop, reload (update conf), queue, flush, enforce, signconf, time leap, repository list and
 * backup. enforce, signconf and time leap run the due zones before answering, so a command
 * line that follows sees their result.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/db/db.h"
#include "lib/rpc/client.h"
#include "lib/svc/svc.h"
#include "ods/enforcer.pb-c.h"
#include "ods/keystore.pb-c.h"
#include "services/enforcer/enforcer.h"
#include "services/enforcer/rpc/common.h"
#include "services/enforcer/store/store.h"

#define QUEUE_MAX 10000
#define KEYSTORE_TIMEOUT_MS 30000

static ods_err
h_queue(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	Ods__Enforcer__QueueReply *r = (void *)out;
	struct enf *e = ctx;
	struct db *db = NULL;
	PGresult *res = NULL;
	char max[24];
	ods_err rc = enf_rpc_read_begin(e, c, &db);

	(void)in;
	if (rc != ODS_OK)
		return rc;
	snprintf(max, sizeof(max), "%d", QUEUE_MAX);
	rc = db_query(db, "enf_queue",
	              "SELECT name, next_change FROM zone WHERE next_change IS NOT NULL AND NOT "
	              "suspended ORDER BY next_change, name LIMIT $1",
	              1, (const char *[]){max}, &res, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	r->now = enf_now(e);
	r->idle = !atomic_load(&e->busy);
	r->leader = atomic_load(&e->is_leader);
	r->tasks = enf_rpc_array(c, (size_t)n, sizeof(*r->tasks));
	for (int i = 0; r->tasks && i < n; i++) {
		Ods__Enforcer__Task *t = arena_alloc(c->arena, sizeof(*t));
		if (t == NULL)
			break;
		ods__enforcer__task__init(t);
		t->what = "enforce";
		t->zone = arena_strdup(c->arena, PQgetvalue(res, i, 0));
		t->at = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		if (t->zone == NULL)
			break;
		r->tasks[r->n_tasks++] = t;
	}
	PQclear(res);
	return r->n_tasks == (size_t)n ? ODS_OK : enf_rpc_oom(c);
}

/* Schedule (one zone or all) at now, optionally forcing a signconf, then run what is due. */
static ods_err
schedule_and_run(struct enf *e, struct rpc_call *c, const char *zone, bool signconf,
                 size_t *scheduled, int *ran)
{
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	struct enfdb_zone z = {0};
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	int64_t id = 0;
	ods_err rc = enf_rpc_zone_opt(c, zone ? zone : "", zb, sizeof(zb), &zname);

	if (rc == ODS_OK)
		rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	if (zname) {
		rc = enfdb_zone_get(db, zname, false, &z, &c->diag);
		id = z.id;
		enfdb_zone_clear(&z);
	}
	if (rc == ODS_OK)
		rc = enfdb_zone_schedule(db, id, 0, enf_now(e), signconf, scheduled, &c->diag);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, &c->diag);
	else
		db_tx_rollback(tx);
	if (rc == ODS_OK && ran)
		rc = enf_sched_run_due(e, db, ran, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc == ODS_OK && !ran)
		enf_sched_poke(e, false);
	return rc;
}

static ods_err
h_flush(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	Ods__Enforcer__FlushReply *r = (void *)out;
	size_t n = 0;
	ods_err rc;

	(void)in;
	rc = schedule_and_run(ctx, c, NULL, false, &n, NULL);
	r->tasks = (int32_t)n;
	return rc;
}

static ods_err
h_enforce(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__EnforceRequest *rq = (const void *)in;
	Ods__Enforcer__EnforceReply *r = (void *)out;
	size_t n = 0;
	int ran = 0;
	ods_err rc = schedule_and_run(ctx, c, rq->zone, false, &n, &ran);

	r->zones = ran;
	return rc;
}

static ods_err
h_signconf(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__SignconfRequest *rq = (const void *)in;
	Ods__Enforcer__SignconfReply *r = (void *)out;
	size_t n = 0;
	int ran = 0;
	ods_err rc = schedule_and_run(ctx, c, rq->zone, true, &n, &ran);

	r->written = ran;
	return rc;
}

static ods_err
h_time_leap(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__TimeLeapRequest *rq = (const void *)in;
	Ods__Enforcer__TimeLeapReply *r = (void *)out;
	struct enf *e = ctx;
	struct db *db = NULL;
	int64_t next = 0, to;
	size_t scheduled = 0;
	int ran = 0;
	ods_err rc;

	if (!svc_conf(e->svc)->cluster.testing)
		return diag_fail(&c->diag, ODS_EPERM, "time leap",
		                 "time leap is only allowed when conf.xml has "
		                 "<Cluster><Testing/></Cluster>");
	rc = enf_require_leader(e, c);
	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_zone_next(db, &next, &scheduled, &c->diag);
	r->before = enf_now(e);
	r->tasks = (int32_t)scheduled;
	to = rq->time > 0 ? rq->time : next;
	if (rc == ODS_OK && to == 0)
		rc = diag_fail(&c->diag, ODS_ESTATE, "time leap", "no task scheduled to leap to");
	/* Without --time a task already due needs no leap; an explicit --time in the past is
	 * refused (enf_set_time: the clock goes forward only), not silently ignored. `after` is
	 * the time leapt to, not the clock after the due zones ran (that may cross a second). */
	r->after = r->before;
	if (rc == ODS_OK && (to > r->before || rq->time > 0)) {
		rc = enf_set_time(e, db, to, &c->diag);
		r->after = to;
	}
	if (rc == ODS_OK)
		rc = enf_sched_run_due(e, db, &ran, &c->diag);
	r->ran = ran;
	enf_rpc_read_end(e, db);
	return rc;
}

static ods_err
h_repositories(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	Ods__Enforcer__RepositoryListReply *r = (void *)out;
	struct enf *e = ctx;
	const struct ods_conf *conf = svc_conf(e->svc);
	Ods__Keystore__TokenInfoRequest rq = ODS__KEYSTORE__TOKEN_INFO_REQUEST__INIT;
	Ods__Keystore__TokenInfoReply *ti = NULL;
	struct diag d = {0};

	(void)in;
	rq.repository = "";
	if (rpc_client_call(e->keystore, "ods.keystore.Keystore/TokenInfo", &rq.base,
	                    &ods__keystore__token_info_reply__descriptor, KEYSTORE_TIMEOUT_MS,
	                    (ProtobufCMessage **)&ti, &d) != ODS_OK)
		ti = NULL;
	r->repositories = enf_rpc_array(c, conf->n_repos, sizeof(*r->repositories));
	for (size_t i = 0; r->repositories && i < conf->n_repos; i++) {
		const struct conf_repository *cr = &conf->repos[i];
		Ods__Enforcer__Repository *x = arena_alloc(c->arena, sizeof(*x));
		if (x == NULL)
			break;
		ods__enforcer__repository__init(x);
		x->name = arena_strdup(c->arena, cr->name);
		x->capacity = cr->capacity;
		x->require_backup = cr->require_backup;
		x->type = (char *)conf_repo_type_name(cr->type);
		x->error = arena_strdup(c->arena, ti ? "" : d.msg);
		for (size_t j = 0; ti && j < ti->n_repositories; j++) {
			if (strcmp(ti->repositories[j]->name, cr->name) != 0)
				continue;
			x->keys = ti->repositories[j]->keys;
			x->error = arena_strdup(c->arena, ti->repositories[j]->error);
		}
		r->repositories[r->n_repositories++] = x;
	}
	if (ti)
		ods__keystore__token_info_reply__free_unpacked(ti, NULL);
	return r->n_repositories == conf->n_repos ? ODS_OK : enf_rpc_oom(c);
}

/* One repository's backup step through the keystore, its counts added to r. */
static ods_err
backup_one(struct enf *e, struct rpc_call *c, const char *repository,
           Ods__Enforcer__BackupRequest__Op op, Ods__Enforcer__BackupReply *r)
{
	Ods__Keystore__BackupRequest kq = ODS__KEYSTORE__BACKUP_REQUEST__INIT;
	Ods__Keystore__BackupReply *kr = NULL;
	ods_err rc;

	kq.repository = (char *)repository;
	kq.op = (Ods__Keystore__BackupRequest__Op)op;
	rc = rpc_client_call(e->keystore, "ods.keystore.Keystore/Backup", &kq.base,
	                     &ods__keystore__backup_reply__descriptor, KEYSTORE_TIMEOUT_MS,
	                     (ProtobufCMessage **)&kr, &c->diag);
	if (rc != ODS_OK)
		return rc;
	r->changed += kr->changed;
	r->no_backup += kr->no_backup;
	r->required += kr->required;
	r->requested += kr->requested;
	r->done += kr->done;
	ods__keystore__backup_reply__free_unpacked(kr, NULL);
	return ODS_OK;
}

/* The named repository, or (as upstream) every repository of conf.xml. */
static ods_err
h_backup(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__BackupRequest *rq = (const void *)in;
	Ods__Enforcer__BackupReply *r = (void *)out;
	struct enf *e = ctx;
	const struct ods_conf *conf = svc_conf(e->svc);
	ods_err rc = ODS_OK;

	if (rq->op != ODS__ENFORCER__BACKUP_REQUEST__OP__LIST)
		rc = enf_require_leader(e, c);
	if (rc == ODS_OK && rq->repository[0])
		rc = backup_one(e, c, rq->repository, rq->op, r);
	for (size_t i = 0; rc == ODS_OK && !rq->repository[0] && i < conf->n_repos; i++)
		rc = backup_one(e, c, conf->repos[i].name, rq->op, r);
	if (rc != ODS_OK)
		return rc;
	/* A commit lets records that waited for the backup move: run every zone. */
	if (rq->op == ODS__ENFORCER__BACKUP_REQUEST__OP__COMMIT && r->changed > 0) {
		size_t n = 0;
		rc = schedule_and_run(e, c, NULL, false, &n, NULL);
	}
	return rc;
}

const struct rpc_method enf_admin_methods[] = {
    RPC_METHOD("Queue", h_queue),
    RPC_METHOD("Flush", h_flush),
    RPC_METHOD("Enforce", h_enforce),
    RPC_METHOD("Signconf", h_signconf),
    RPC_METHOD("TimeLeap", h_time_leap),
    RPC_METHOD("RepositoryList", h_repositories),
    RPC_METHOD("Backup", h_backup),
    RPC_METHOD_END,
};
