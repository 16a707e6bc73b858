/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ods-signer commands. Any worker answers: a command queues work in the database (and
 * NOTIFYs), whichever worker is free does it.
 */
#include "services/signer/rpc.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/base/clock.h"
#include "lib/db/db.h"
#include "lib/db/pool.h"
#include "lib/dns/name.h"
#include "ods/signer.pb-c.h"
#include "services/signer/signer.h"
#include "services/signer/zone/serial.h"

#define WAIT_DEFAULT_S 120

static ods_err
oom(struct rpc_call *c)
{
	return diag_fail(&c->diag, ODS_ENOMEM, "reply", "out of memory");
}

/* As the enforcer stores it: lower case, no trailing dot. */
static ods_err
zone_name(struct rpc_call *c, const char *in, char *out, size_t cap)
{
	if (dns_zone_name_normal(in, out, cap) != ODS_OK)
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "'%s' is not a valid zone name", in);
	return ODS_OK;
}

static char *
dup(struct rpc_call *c, PGresult *res, int r, int col)
{
	return arena_strdup(c->arena, PQgetvalue(res, r, col));
}

/* Zones by name ("" with all: every zone): id, name, outbound serial (or NULL). */
static ods_err
zones_of(struct rpc_call *c, struct db *db, const char *zone, bool all, PGresult **res)
{
	char name[256] = "";
	ods_err rc = ODS_OK;

	if (!all) {
		if (zone[0] == '\0')
			return diag_fail(&c->diag, ODS_EINVAL, "zone", "name a zone or ask for --all");
		rc = zone_name(c, zone, name, sizeof(name));
	}
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_rpc_zones_of",
		              "SELECT z.id, z.name, sz.outbound_serial FROM zone z LEFT JOIN "
		              "signer_zone sz ON sz.zone_id = z.id WHERE $1 = '' OR z.name = $1 ORDER "
		              "BY z.name",
		              1, (const char *[]){name}, res, &c->diag);
	if (rc == ODS_OK && PQntuples(*res) == 0 && !all) {
		PQclear(*res);
		*res = NULL;
		return diag_fail(&c->diag, ODS_ENOENT, "zone", "Zone %s not found.", name);
	}
	return rc;
}

static ods_err
h_zones(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct sgn *s = ctx;
	Ods__Signer__ZonesReply *r = (void *)out;
	struct db *db = NULL;
	PGresult *res = NULL;
	ods_err rc;

	(void)in;
	rc = db_pool_get(s->pool, &db, &c->diag);
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_rpc_zones",
		              "SELECT z.name, z.signconf_version, coalesce(sz.signconf_version, 0), "
		              "coalesce(sz.outbound_serial, -1), coalesce(to_char(sz.published_at AT "
		              "TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ''), coalesce(sz.last_error, "
		              "''), coalesce(sz.last_stats, ''), z.output_path FROM zone z LEFT JOIN "
		              "signer_zone sz ON sz.zone_id = z.id ORDER BY z.name",
		              0, NULL, &res, &c->diag);
	if (db)
		db_pool_put(s->pool, db);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	r->zones = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(*r->zones));
	for (int i = 0; r->zones && i < n; i++) {
		Ods__Signer__ZoneState *z = arena_alloc(c->arena, sizeof(*z));
		if (z == NULL)
			break;
		ods__signer__zone_state__init(z);
		z->name = dup(c, res, i, 0);
		z->signconf_version = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		z->signed_version = strtoll(PQgetvalue(res, i, 2), NULL, 10);
		z->outbound_serial = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		z->published_at = dup(c, res, i, 4);
		z->last_error = dup(c, res, i, 5);
		z->last_stats = dup(c, res, i, 6);
		z->output_path = dup(c, res, i, 7);
		r->zones[r->n_zones++] = z;
	}
	PQclear(res);
	return r->zones || n == 0 ? ODS_OK : oom(c);
}

/* Follow a job (and what it was merged into) until it is finished, or until deadline; a
 * pooled connection only for each look, so waiting commands do not starve the others. */
static ods_err
wait_job(struct db_pool *pool, int64_t id, int64_t deadline_ms, char *err, size_t n,
         struct diag *d)
{
	for (;;) {
		char jid[24];
		PGresult *res = NULL;
		struct db *db = NULL;
		snprintf(jid, sizeof(jid), "%" PRId64, id);
		ods_err rc = db_pool_get(pool, &db, d);
		if (rc == ODS_OK)
			rc = db_query(db, "sgn_rpc_wait", "SELECT state, error FROM job WHERE id = $1", 1,
			              (const char *[]){jid}, &res, d);
		if (db)
			db_pool_put(pool, db);
		if (rc != ODS_OK)
			return rc;
		if (PQntuples(res) != 1) {
			PQclear(res);
			return diag_fail(d, ODS_ENOENT, "job", "job %s vanished", jid);
		}
		const char *state = PQgetvalue(res, 0, 0), *e = PQgetvalue(res, 0, 1);
		int64_t into = 0;
		if (strcmp(state, "done") == 0 && sscanf(e, "merged into job %" SCNd64, &into) == 1) {
			PQclear(res);
			id = into;
			continue;
		}
		if (strcmp(state, "done") == 0) {
			PQclear(res);
			return ODS_OK;
		}
		if (strcmp(state, "failed") == 0 || strcmp(state, "parked") == 0) {
			snprintf(err, n, "%s", e);
			PQclear(res);
			return ODS_ESTATE;
		}
		PQclear(res);
		if (clock_wall_ms() > deadline_ms)
			return diag_fail(d, ODS_ETIMEDOUT, "job", "job %" PRId64 " not finished yet (state "
			                 "%s); see ods-signer queue", id, state);
		clock_sleep_ms(100);
	}
}

static ods_err
h_sign(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct sgn *s = ctx;
	const Ods__Signer__SignRequest *rq = (const void *)in;
	Ods__Signer__SignReply *r = (void *)out;
	struct db *db = NULL;
	PGresult *res = NULL;
	ods_err rc = db_pool_get(s->pool, &db, &c->diag);

	if (rc == ODS_OK)
		rc = zones_of(c, db, rq->zone, rq->all, &res);
	int n = rc == ODS_OK ? PQntuples(res) : 0;
	int64_t *ids = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(*ids));
	r->queued = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(char *));
	r->done = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(char *));
	r->failed = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(char *));
	if (rc == ODS_OK && (!ids || !r->queued || !r->done || !r->failed))
		rc = oom(c);
	for (int i = 0; rc == ODS_OK && i < n; i++) {
		const char *name = PQgetvalue(res, i, 1);
		if (rq->has_serial && !PQgetisnull(res, i, 2)) {
			uint32_t prev = (uint32_t)strtoull(PQgetvalue(res, i, 2), NULL, 10);
			if (!zserial_gt(rq->serial, prev)) {
				rc = diag_fail(&c->diag, ODS_EINVAL, "serial",
				               "Unable to enforce serial %" PRIu32 " for zone %s (the "
				               "published serial is %" PRIu32 ").",
				               rq->serial, name, prev);
				break;
			}
		}
		rc = sgn_queue_sign(db, strtoll(PQgetvalue(res, i, 0), NULL, 10), "ods-signer sign",
		                    rq->has_serial, rq->serial, &ids[i], &c->diag);
		if (rc == ODS_OK)
			r->queued[r->n_queued++] = dup(c, res, i, 1);
	}
	if (db)
		db_pool_put(s->pool, db);
	int64_t deadline = clock_wall_ms() + 1000 * (rq->wait_s > 0 ? rq->wait_s : WAIT_DEFAULT_S);
	for (int i = 0; rc == ODS_OK && rq->wait && i < n; i++) {
		char err[600] = "";
		ods_err w = wait_job(s->pool, ids[i], deadline, err, sizeof(err), &c->diag);
		if (w == ODS_OK) {
			r->done[r->n_done++] = dup(c, res, i, 1);
		} else if (w == ODS_ESTATE) {
			char line[700];
			snprintf(line, sizeof(line), "%s: %s", PQgetvalue(res, i, 1), err);
			r->failed[r->n_failed++] = arena_strdup(c->arena, line);
		} else {
			rc = w;
		}
	}
	PQclear(res);
	return rc;
}

static ods_err
h_clear(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct sgn *s = ctx;
	const Ods__Signer__ClearRequest *rq = (const void *)in;
	Ods__Signer__ClearReply *r = (void *)out;
	struct db *db = NULL;
	PGresult *res = NULL;
	ods_err rc = db_pool_get(s->pool, &db, &c->diag);

	if (rc == ODS_OK)
		rc = zones_of(c, db, rq->zone, false, &res);
	if (rc == ODS_OK) {
		const char *id = PQgetvalue(res, 0, 0);
		PGresult *del = NULL;
		/* Serial bookkeeping stays, as upstream keeps it. */
		rc = db_query(db, "sgn_rpc_clear",
		              "WITH d AS (DELETE FROM rrset WHERE zone_id = $1 RETURNING 1), u AS (UPDATE "
		              "signer_zone SET signconf_version = 0, updated_at = now() WHERE zone_id = "
		              "$1) SELECT count(*) FROM d",
		              1, (const char *[]){id}, &del, &c->diag);
		if (rc == ODS_OK) {
			r->rrsets = strtoll(PQgetvalue(del, 0, 0), NULL, 10);
			PQclear(del);
		}
	}
	PQclear(res);
	if (db)
		db_pool_put(s->pool, db);
	return rc;
}

static ods_err
h_queue(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct sgn *s = ctx;
	const Ods__Signer__QueueRequest *rq = (const void *)in;
	Ods__Signer__QueueReply *r = (void *)out;
	struct db *db = NULL;
	PGresult *res = NULL;
	ods_err rc = db_pool_get(s->pool, &db, &c->diag);

	if (rc == ODS_OK)
		rc = db_query(db, "sgn_rpc_queue",
		              "SELECT j.id, z.name, j.kind || CASE WHEN j.phase = 'publish' THEN "
		              "'/publish' ELSE '' END, j.state, to_char(j.not_before AT TIME ZONE 'UTC', "
		              "'YYYY-MM-DD HH24:MI:SS'), j.attempts, coalesce(j.lease_owner, ''), "
		              "j.error, coalesce(j.parent_id, 0), j.reason FROM job j JOIN zone z ON z.id "
		              "= j.zone_id WHERE j.state NOT IN ('done', 'failed') OR ($1 AND "
		              "j.updated_at > now() - interval '1 hour') ORDER BY j.not_before, j.id "
		              "LIMIT 1000",
		              1, (const char *[]){rq->all ? "t" : "f"}, &res, &c->diag);
	if (db)
		db_pool_put(s->pool, db);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	r->jobs = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(*r->jobs));
	for (int i = 0; r->jobs && i < n; i++) {
		Ods__Signer__Job *j = arena_alloc(c->arena, sizeof(*j));
		if (j == NULL)
			break;
		ods__signer__job__init(j);
		j->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		j->zone = dup(c, res, i, 1);
		j->kind = dup(c, res, i, 2);
		j->state = dup(c, res, i, 3);
		j->not_before = dup(c, res, i, 4);
		j->attempts = (int)strtol(PQgetvalue(res, i, 5), NULL, 10);
		j->lease_owner = dup(c, res, i, 6);
		j->error = dup(c, res, i, 7);
		j->parent_id = strtoll(PQgetvalue(res, i, 8), NULL, 10);
		j->reason = dup(c, res, i, 9);
		r->jobs[r->n_jobs++] = j;
	}
	PQclear(res);
	char now[32];
	int64_t t = sgn_now(s);
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
	r->now = arena_strdup(c->arena, now);
	r->workers = s->n_threads > 0 ? s->n_threads - 1 : 0;
	return r->jobs || n == 0 ? ODS_OK : oom(c);
}

static ods_err
h_flush(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct sgn *s = ctx;
	Ods__Signer__FlushReply *r = (void *)out;
	struct db *db = NULL;
	PGresult *res = NULL;
	ods_err rc = db_pool_get(s->pool, &db, &c->diag);

	(void)in;
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_rpc_flush",
		              "WITH u AS (UPDATE job SET not_before = now() WHERE state = 'queued' AND "
		              "not_before > now() RETURNING 1) SELECT count(*), pg_notify('ods_job', "
		              "'flush') FROM u",
		              0, NULL, &res, &c->diag);
	if (rc == ODS_OK) {
		r->jobs = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	if (db)
		db_pool_put(s->pool, db);
	return rc;
}

static ods_err
h_update(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct sgn *s = ctx;
	const Ods__Signer__UpdateRequest *rq = (const void *)in;
	Ods__Signer__UpdateReply *r = (void *)out;
	struct db *db = NULL;
	PGresult *res = NULL;
	ods_err rc = db_pool_get(s->pool, &db, &c->diag);

	if (rc == ODS_OK)
		rc = zones_of(c, db, rq->zone, rq->all || rq->zone[0] == '\0', &res);
	int n = rc == ODS_OK ? PQntuples(res) : 0;
	r->queued = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof(char *));
	if (rc == ODS_OK && r->queued == NULL)
		rc = oom(c);
	for (int i = 0; rc == ODS_OK && i < n; i++) {
		rc = sgn_queue_sign(db, strtoll(PQgetvalue(res, i, 0), NULL, 10), "ods-signer update",
		                    false, 0, NULL, &c->diag);
		if (rc == ODS_OK)
			r->queued[r->n_queued++] = dup(c, res, i, 1);
	}
	PQclear(res);
	if (db)
		db_pool_put(s->pool, db);
	return rc;
}

const struct rpc_method sgn_rpc_methods[] = {
    RPC_METHOD("Zones", h_zones), RPC_METHOD("Sign", h_sign),   RPC_METHOD("Clear", h_clear),
    RPC_METHOD("Queue", h_queue), RPC_METHOD("Flush", h_flush), RPC_METHOD("Update", h_update),
    RPC_METHOD_END,
};
