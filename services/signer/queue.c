/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The job queue. Each worker thread has its own connection, LISTENs on ods_job, and claims
 * one job at a time with FOR UPDATE SKIP LOCKED. A claimed job carries a lease
 * (lease_owner = this process, lease_until) that one renewer thread extends for every job of
 * the process; a job whose lease ran out (its worker died or hangs) is claimed again by
 * anyone. Each claim counts an attempt; a job that keeps failing is parked with its error.
 * Zones are signed one sign job at a time (a unique index); sign jobs queued meanwhile are
 * merged into the one that runs next, which reads the newest input and signconf anyway.
 */
#include "services/signer/signer.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/db/db.h"
#include "lib/svc/svc.h"

#define IDLE_POLL_MS 1000
#define MAX_ATTEMPTS 5
#define RETRY_S 10
#define UNAVAIL_RETRY_S 5
#define DEFAULT_RESIGN_S 3600 /* a failed zone's next try when its signconf is unknown */

int64_t
sgn_now(const struct sgn *s)
{
	return clock_now(&s->svc->clock);
}

ods_err
sgn_queue_sign(struct db *db, int64_t zone_id, const char *reason, bool has_serial,
               uint32_t serial, int64_t *job_id, struct diag *d)
{
	char zid[24], ser[16];
	PGresult *res = NULL;

	snprintf(zid, sizeof(zid), "%" PRId64, zone_id);
	snprintf(ser, sizeof(ser), "%" PRIu32, serial);
	ods_err rc = db_query(db, "sgn_queue_sign",
	                      "WITH j AS (INSERT INTO job (zone_id, kind, reason, serial, "
	                      "signconf_version) SELECT $1, 'sign', $2, $3, signconf_version "
	                      "FROM zone WHERE id = $1 RETURNING id) "
	                      "SELECT id, pg_notify('ods_job', $1::text) FROM j",
	                      3, (const char *[]){zid, reason, has_serial ? ser : NULL}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "zone", "zone %s vanished", zid);
	}
	if (job_id)
		*job_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}

/* --- claiming ---------------------------------------------------------------------------- */

static void
decode_key(PGresult *res, int col, uint8_t *out, size_t *len, bool *has)
{
	*has = !PQgetisnull(res, 0, col);
	*len = 0;
	if (*has && !db_bytea_decode(PQgetvalue(res, 0, col), out, 512, len))
		*has = false;
}

/* ODS_ENOENT: nothing to do now. */
static ods_err
claim(struct sgn *s, struct db *db, struct sgn_job *j, struct diag *d)
{
	char now[24], lease[24];
	PGresult *res = NULL;
	/* The cluster clock as of now: a job queued by a `time leap` must not be done on the
	 * offset the main thread read up to a second ago. */
	ods_err rc = db_query(db, "sgn_clock", "SELECT clock_offset_s FROM cluster WHERE id = 1", 0,
	                      NULL, &res, d);

	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) == 1)
		clock_set_offset(&s->svc->clock, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
	PQclear(res);
	res = NULL;
	snprintf(now, sizeof(now), "%" PRId64, sgn_now(s));
	snprintf(lease, sizeof(lease), "%" PRId64, svc_conf(s->svc)->signer.job_lease_s);
	rc = db_query(
	    db, "sgn_claim",
	    "WITH c AS (SELECT id FROM job WHERE "
	    "((state = 'queued' AND not_before <= to_timestamp($2)) OR "
	    " (state = 'running' AND lease_until < now())) AND NOT (kind = 'sign' AND state = "
	    "'queued' AND phase = 'load' AND EXISTS (SELECT 1 FROM job a WHERE a.zone_id = "
	    "job.zone_id AND a.kind = 'sign' AND a.state IN ('running', 'waiting') AND a.id <> "
	    "job.id)) ORDER BY (kind = 'chunk') DESC, (phase = 'publish') DESC, id "
	    "LIMIT 1 FOR UPDATE SKIP LOCKED) "
	    "UPDATE job SET state = 'running', lease_owner = $1, lease_until = now() + "
	    "make_interval(secs => $3), attempts = attempts + 1, updated_at = now() "
	    "FROM c WHERE job.id = c.id RETURNING job.id, job.zone_id, coalesce(job.parent_id, "
	    "0), job.kind, job.phase, job.attempts, job.serial, job.lo, job.hi",
	    3, (const char *[]){s->instance, now, lease}, &res, d);
	if (rc == ODS_EEXIST) /* another worker started this zone's sign job just now */
		return ODS_ENOENT;
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return ODS_ENOENT;
	}
	memset(j, 0, sizeof(*j));
	j->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	j->zone_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	j->parent_id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	snprintf(j->kind, sizeof(j->kind), "%s", PQgetvalue(res, 0, 3));
	j->publish = strcmp(PQgetvalue(res, 0, 4), "publish") == 0;
	j->attempts = (int)strtol(PQgetvalue(res, 0, 5), NULL, 10);
	j->has_serial = !PQgetisnull(res, 0, 6);
	j->serial = j->has_serial ? (uint32_t)strtoull(PQgetvalue(res, 0, 6), NULL, 10) : 0;
	decode_key(res, 7, j->lo, &j->lo_len, &j->has_lo);
	decode_key(res, 8, j->hi, &j->hi_len, &j->has_hi);
	PQclear(res);
	return ODS_OK;
}

/* Sign jobs of the same zone due meanwhile are merged into j; a forced serial among them
 * is kept on j's row, so a retry or the publish phase still finds it. */
static void
merge_queued(struct sgn *s, struct db *db, struct sgn_job *j)
{
	char id[24], zid[24], now[24], ser[16];
	PGresult *res = NULL;
	struct diag d = {0};

	snprintf(id, sizeof(id), "%" PRId64, j->id);
	snprintf(zid, sizeof(zid), "%" PRId64, j->zone_id);
	snprintf(now, sizeof(now), "%" PRId64, sgn_now(s));
	if (db_query(db, "sgn_merge",
	             "WITH m AS (UPDATE job SET state = 'done', error = 'merged into job ' || $1, "
	             "updated_at = now() WHERE zone_id = $2 AND kind = 'sign' AND state = "
	             "'queued' AND phase = 'load' AND id <> $1 AND not_before <= to_timestamp($3) "
	             "RETURNING serial) SELECT max(serial) FROM m",
	             3, (const char *[]){id, zid, now}, &res, &d) != ODS_OK)
		return;
	bool got = !j->has_serial && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
	if (got) {
		j->has_serial = true;
		j->serial = (uint32_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	}
	PQclear(res);
	if (!got)
		return;
	snprintf(ser, sizeof(ser), "%" PRIu32, j->serial);
	(void)db_query(db, "sgn_merge_serial", "UPDATE job SET serial = $2 WHERE id = $1", 2,
	               (const char *[]){id, ser}, NULL, &d);
}

ods_err
sgn_queue_resign(struct db *db, int64_t zone_id, int64_t at, struct diag *d)
{
	char zid[24], when[24];

	snprintf(zid, sizeof(zid), "%" PRId64, zone_id);
	snprintf(when, sizeof(when), "%" PRId64, at);
	return db_query(db, "sgn_queue_resign",
	                "INSERT INTO job (zone_id, kind, reason, not_before) SELECT $1, 'sign', "
	                "'resign', to_timestamp($2) WHERE NOT EXISTS (SELECT 1 FROM job WHERE "
	                "zone_id = $1 AND kind = 'sign' AND state = 'queued') AND EXISTS (SELECT 1 "
	                "FROM zone WHERE id = $1)",
	                2, (const char *[]){zid, when}, NULL, d);
}

/* --- finishing ---------------------------------------------------------------------------- */

/* An UPDATE of job j held by this process: $1 its id, $2 this process, $3.. the extras. */
static ods_err
job_set(struct sgn *s, struct db *db, const struct sgn_job *j, const char *sql_name,
        const char *sql, int n_extra, const char *const *extra, struct diag *d)
{
	char id[24];
	const char *v[4] = {id, s->instance, NULL, NULL};

	snprintf(id, sizeof(id), "%" PRId64, j->id);
	for (int i = 0; i < n_extra && i < 2; i++)
		v[2 + i] = extra[i];
	return db_query(db, sql_name, sql, 2 + n_extra, v, NULL, d);
}

/* A chunk that gave up takes its sign job with it: the parent fails and the chunks not
 * begun are cancelled (running ones finish, but nothing publishes). One transaction, the
 * parent locked, as chunk_done does. */
static void
chunk_give_up(struct sgn *s, struct db *db, const struct sgn_job *j, const char *err)
{
	char pid[24], id[24];
	struct db_tx *tx = NULL;
	struct diag d = {0};
	ods_err rc = db_tx_begin(db, &tx, &d);

	snprintf(pid, sizeof(pid), "%" PRId64, j->parent_id);
	snprintf(id, sizeof(id), "%" PRId64, j->id);
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_parent_lock", "SELECT id FROM job WHERE id = $1 FOR UPDATE", 1,
		              (const char *[]){pid}, NULL, &d);
	if (rc == ODS_OK)
		rc = job_set(s, db, j, "sgn_job_park",
		             "UPDATE job SET state = 'parked', error = $3, lease_owner = NULL, "
		             "lease_until = NULL, updated_at = now() WHERE id = $1 AND lease_owner = $2",
		             1, (const char *[]){err}, &d);
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_parent_fail",
		              "WITH p AS (UPDATE job SET state = 'failed', error = 'chunk ' || $2 || "
		              "' gave up: ' || $3, updated_at = now() WHERE id = $1 AND state = "
		              "'waiting' RETURNING id) UPDATE job SET state = 'failed', error = "
		              "'cancelled: chunk ' || $2 || ' gave up', updated_at = now() WHERE "
		              "parent_id IN (SELECT id FROM p) AND state = 'queued'",
		              3, (const char *[]){pid, id, err}, NULL, &d);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, &d);
	else
		db_tx_rollback(tx);
	if (rc != ODS_OK)
		log_error("queue", "give_up_failed", "job=%" PRId64 " %s", j->id, d.msg);
}

/* The zone's error for `ods-signer zones -v`, and its next try at its next resign: a zone
 * whose sign job ended badly is never left without one. */
static void
zone_failed(struct sgn *s, struct db *db, const struct sgn_job *j, const char *err,
            int64_t resign_s)
{
	struct diag d = {0};
	char zid[24];

	snprintf(zid, sizeof(zid), "%" PRId64, j->zone_id);
	(void)db_query(db, "sgn_zone_error",
	               "INSERT INTO signer_zone (zone_id, last_error) SELECT $1, $2 WHERE EXISTS "
	               "(SELECT 1 FROM zone WHERE id = $1) ON CONFLICT (zone_id) DO UPDATE SET "
	               "last_error = $2, updated_at = now()",
	               2, (const char *[]){zid, err}, NULL, &d);
	if (sgn_queue_resign(db, j->zone_id, sgn_now(s) + resign_s, &d) != ODS_OK)
		log_error("queue", "resign_not_queued", "zone_id=%" PRId64 " %s", j->zone_id, d.msg);
}

/* Back to the queue in after_s seconds (cluster clock), the error kept; parked after
 * MAX_ATTEMPTS unless counted is false (the keystore or database was away: no fault of the
 * job). */
static void
job_retry(struct sgn *s, struct db *db, const struct sgn_job *j, const char *err,
          int64_t after_s, bool counted, int64_t resign_s)
{
	char at[24];
	struct diag d = {0};
	bool park = counted && j->attempts >= MAX_ATTEMPTS;

	snprintf(at, sizeof(at), "%" PRId64, sgn_now(s) + after_s);
	if (park) {
		log_error("queue", "parked", "job=%" PRId64 " zone_id=%" PRId64 " after %d attempts: %s",
		          j->id, j->zone_id, j->attempts, err);
		if (j->parent_id)
			chunk_give_up(s, db, j, err);
		else
			(void)job_set(s, db, j, "sgn_job_park",
			              "UPDATE job SET state = 'parked', error = $3, lease_owner = NULL, "
			              "lease_until = NULL, updated_at = now() WHERE id = $1 AND "
			              "lease_owner = $2",
			              1, (const char *[]){err}, &d);
		zone_failed(s, db, j, err, resign_s);
		return;
	}
	(void)job_set(s, db, j, counted ? "sgn_job_retry" : "sgn_job_retry_free",
	              counted ? "UPDATE job SET state = 'queued', error = $3, not_before = "
	                        "to_timestamp($4), lease_owner = NULL, lease_until = NULL, "
	                        "updated_at = now() WHERE id = $1 AND lease_owner = $2"
	                      : "UPDATE job SET state = 'queued', error = $3, not_before = "
	                        "to_timestamp($4), attempts = greatest(attempts - 1, 0), "
	                        "lease_owner = NULL, lease_until = NULL, updated_at = now() "
	                        "WHERE id = $1 AND lease_owner = $2",
	              2, (const char *[]){err, at}, &d);
}

/* A failure of the input (syntax, missing file) or a zone without signconf: the job fails
 * for good, the last good output stays published, and the zone is tried again at its next
 * resign. */
static void
job_failed(struct sgn *s, struct db *db, const struct sgn_job *j, const char *err,
           int64_t resign_s)
{
	struct diag d = {0};

	(void)job_set(s, db, j, "sgn_job_failed",
	              "UPDATE job SET state = 'failed', error = $3, lease_owner = NULL, lease_until "
	              "= NULL, updated_at = now() WHERE id = $1 AND lease_owner = $2",
	              1, (const char *[]){err}, &d);
	if (j->parent_id)
		chunk_give_up(s, db, j, err);
	zone_failed(s, db, j, err, resign_s);
}

static ods_err
job_done(struct sgn *s, struct db *db, const struct sgn_job *j, const char *stats,
         struct diag *d)
{
	return job_set(s, db, j, "sgn_job_done",
	               "UPDATE job SET state = 'done', error = '', done_by = $2, stats = $3, "
	               "lease_owner = NULL, lease_until = NULL, updated_at = now() WHERE id = $1 "
	               "AND lease_owner = $2",
	               1, (const char *[]){stats}, d);
}

/* A chunk is done: if it was the last of its sign job, the sign job goes back to the queue
 * for its publish phase. One transaction, the parent row locked, so exactly one worker sees
 * "last". */
static ods_err
chunk_done(struct sgn *s, struct db *db, const struct sgn_job *j, const char *stats,
           struct diag *d)
{
	struct db_tx *tx = NULL;
	PGresult *res = NULL;
	char pid[24];
	ods_err rc = db_tx_begin(db, &tx, d);

	snprintf(pid, sizeof(pid), "%" PRId64, j->parent_id);
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_parent_lock", "SELECT id FROM job WHERE id = $1 FOR UPDATE", 1,
		              (const char *[]){pid}, NULL, d);
	if (rc == ODS_OK)
		rc = job_done(s, db, j, stats, d);
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_chunks_left",
		              "SELECT count(*) FROM job WHERE parent_id = $1 AND state <> 'done'", 1,
		              (const char *[]){pid}, &res, d);
	if (rc == ODS_OK) {
		bool last = strcmp(PQgetvalue(res, 0, 0), "0") == 0;
		PQclear(res);
		if (last)
			rc = db_query(db, "sgn_parent_publish",
			              "UPDATE job SET state = 'queued', phase = 'publish', not_before = "
			              "now(), updated_at = now() WHERE id = $1 AND state = 'waiting'; ",
			              1, (const char *[]){pid}, NULL, d);
		if (rc == ODS_OK && last)
			rc = db_query(db, "sgn_notify", "SELECT pg_notify('ods_job', $1)", 1,
			              (const char *[]){pid}, NULL, d);
	}
	if (rc == ODS_OK)
		return db_tx_commit(&tx, d);
	db_tx_rollback(tx);
	return rc;
}

/* --- running a job ------------------------------------------------------------------------ */

static void
stats_text(const struct sgn_stats *st, char *out, size_t n)
{
	snprintf(out, n,
	         "rr=%" PRIu64 " denial=%" PRIu64 " new=%" PRIu64 " reused=%" PRIu64
	         " read_ms=%" PRId64 " denial_ms=%" PRId64 " sign_ms=%" PRId64,
	         st->rr, st->denial, st->sig_new, st->sig_reused, st->t_read_ms, st->t_denial_ms,
	         st->t_sign_ms);
}

/* Split the zone into chunks of about ChunkSize RRsets to sign; with one chunk, sign it
 * here. *chunks: how many chunk jobs were queued (0: signed inline). */
static ods_err
plan_chunks(struct sgn *s, struct db *db, const struct sgn_job *j, const char *keyset,
            const char *stats, int *chunks, struct diag *d)
{
	char zid[24], now[24], id[24], step[24];
	PGresult *res = NULL;

	snprintf(zid, sizeof(zid), "%" PRId64, j->zone_id);
	snprintf(now, sizeof(now), "%" PRId64, sgn_now(s));
	snprintf(id, sizeof(id), "%" PRId64, j->id);
	snprintf(step, sizeof(step), "%d", svc_conf(s->svc)->signer.chunk_rrsets);
	*chunks = 0;
	ods_err rc = db_query(db, "sgn_plan",
	                      "SELECT sortkey FROM (SELECT sortkey, row_number() OVER (ORDER BY "
	                      "sortkey) AS n FROM rrset WHERE zone_id = $1 AND signed AND (sigs IS "
	                      "NULL OR refresh_at <= $2 OR keyset <> $3)) t WHERE n % $4 = 1 AND n "
	                      "> 1 ORDER BY sortkey",
	                      4, (const char *[]){zid, now, keyset, step}, &res, d);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		return ODS_OK;
	}
	struct db_tx *tx = NULL;
	rc = db_tx_begin(db, &tx, d);
	for (int i = 0; rc == ODS_OK && i <= n; i++) {
		const char *lo = i == 0 ? NULL : PQgetvalue(res, i - 1, 0);
		const char *hi = i == n ? NULL : PQgetvalue(res, i, 0);
		rc = db_query(db, "sgn_chunk_add",
		              "INSERT INTO job (zone_id, kind, reason, parent_id, lo, hi) VALUES ($1, "
		              "'chunk', 'part of job ' || $2, $2::bigint, $3, $4)",
		              4, (const char *[]){zid, id, lo, hi}, NULL, d);
	}
	if (rc == ODS_OK)
		rc = job_set(s, db, j, "sgn_job_wait",
		             "UPDATE job SET state = 'waiting', stats = $3, lease_owner = NULL, "
		             "lease_until = NULL, updated_at = now() WHERE id = $1 AND lease_owner = $2",
		             1, (const char *[]){stats}, d);
	if (rc == ODS_OK)
		rc = db_query(db, "sgn_notify", "SELECT pg_notify('ods_job', $1)", 1,
		              (const char *[]){id}, NULL, d);
	PQclear(res);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	else
		db_tx_rollback(tx);
	if (rc == ODS_OK)
		*chunks = n + 1;
	return rc;
}

/* How a job ended, beyond its error: what handle() needs to file it. */
struct outcome {
	bool input_fault;  /* the zone's input (or its adapter) is at fault: no retry */
	int64_t resign_s;  /* the zone's Resign, when its next try is due */
	char zone[256];    /* for the log */
};

static ods_err run_sign_load(struct sgn *s, struct db *db, struct sgn_job *j,
                             const struct sgn_zone *z, const struct sgn_keys *ks,
                             struct sgn_stats *st, bool *waiting, bool *input_fault,
                             struct diag *d);

static ods_err
run_job(struct sgn *s, struct db *db, struct sgn_job *j, struct outcome *o, struct diag *d)
{
	struct sgn_zone z = {0};
	struct sgn_keys ks = {0};
	struct sgn_stats st = {0};
	char stats[256];
	bool waiting = false;
	ods_err rc;

	st.t_start_ms = clock_mono_ms();
	rc = sgn_zone_load(db, j->zone_id, &z, d);
	if (rc == ODS_OK) {
		o->resign_s = z.sc->resign_s > 0 ? z.sc->resign_s : DEFAULT_RESIGN_S;
		snprintf(o->zone, sizeof(o->zone), "%s", z.name);
	}
	if (rc == ODS_OK && !z.sc->passthrough)
		rc = sgn_keys_load(s, z.sc, &ks, d);
	if (rc != ODS_OK)
		goto out;
	if (strcmp(j->kind, "chunk") == 0) {
		rc = sgn_sign_range(s, db, &z, &ks, j->has_lo ? j->lo : NULL, j->lo_len,
		                    j->has_hi ? j->hi : NULL, j->hi_len, &st, d);
		stats_text(&st, stats, sizeof(stats));
		if (rc == ODS_OK)
			rc = chunk_done(s, db, j, stats, d);
		goto out;
	}
	if (!j->publish) {
		rc = run_sign_load(s, db, j, &z, &ks, &st, &waiting, &o->input_fault, d);
		if (rc != ODS_OK || waiting)
			goto out;
	}
	rc = sgn_publish(s, db, &z, &ks, j, &st, d);
	if (rc == ODS_ESTATE) /* SOA/Serial keep: only a new input serial helps */
		o->input_fault = true;
	stats_text(&st, stats, sizeof(stats));
	if (rc == ODS_OK)
		rc = job_done(s, db, j, stats, d);
out:
	sgn_keys_free(&ks);
	sgn_zone_clear(&z);
	return rc;
}

/* Phase load of a sign job: input and denial in one transaction (a bad input changes
 * nothing), then the chunks, or the signing here for a small zone. */
static ods_err
run_sign_load(struct sgn *s, struct db *db, struct sgn_job *j, const struct sgn_zone *z,
              const struct sgn_keys *ks, struct sgn_stats *st, bool *waiting, bool *input_fault,
              struct diag *d)
{
	struct db_tx *tx = NULL;
	uint32_t inbound = 0;
	int chunks = 0;
	ods_err rc;

	merge_queued(s, db, j);
	rc = db_tx_begin(db, &tx, d);
	if (rc == ODS_OK)
		rc = sgn_load(s, db, z, ks, st, &inbound, input_fault, d);
	if (rc == ODS_OK && !z->sc->passthrough)
		rc = sgn_nsecify(s, db, z, st, d);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	else
		db_tx_rollback(tx);
	if (rc != ODS_OK || z->sc->passthrough)
		return rc;
	/* The load figures go with the chunks, in one transaction: the last chunk may publish
	 * (and sum them) before this worker runs another statement. */
	char stats[256];
	stats_text(st, stats, sizeof(stats));
	rc = plan_chunks(s, db, j, ks->keyset, stats, &chunks, d);
	if (rc != ODS_OK)
		return rc;
	if (chunks > 0) {
		log_info("queue", "chunks", "zone=%s job=%" PRId64 " chunks=%d", z->name, j->id,
		         chunks);
		*waiting = true;
		return ODS_OK;
	}
	return sgn_sign_range(s, db, z, ks, NULL, 0, NULL, 0, st, d);
}

static void
handle(struct sgn *s, struct db *db, struct sgn_job *j)
{
	struct diag d = {0};
	struct outcome o = {.resign_s = DEFAULT_RESIGN_S};

	snprintf(o.zone, sizeof(o.zone), "zone_id=%" PRId64, j->zone_id);
	if (j->attempts > MAX_ATTEMPTS) {
		job_retry(s, db, j, "gave up: too many attempts", 0, true, o.resign_s);
		return;
	}
	log_debug("queue", "claimed", "job=%" PRId64 " kind=%s%s zone_id=%" PRId64 " attempt=%d",
	          j->id, j->kind, j->publish ? "/publish" : "", j->zone_id, j->attempts);
	atomic_fetch_add(&s->busy, 1);
	ods_err rc = run_job(s, db, j, &o, &d);
	atomic_fetch_sub(&s->busy, 1);
	if (rc == ODS_OK)
		return;
	char err[sizeof(d.where) + sizeof(d.msg) + 4];
	snprintf(err, sizeof(err), "%s%s%s", d.where, d.where[0] ? ": " : "", d.msg);
	log_error("queue", "job_failed", "job=%" PRId64 " kind=%s zone=%s %s", j->id, j->kind,
	          o.zone, err);
	if (db_ensure(db, &d) != ODS_OK)
		return; /* the lease runs out; someone retries */
	if (o.input_fault || rc == ODS_ENOENT)
		job_failed(s, db, j, err, o.resign_s);
	else if (rc == ODS_EUNAVAIL)
		job_retry(s, db, j, err, UNAVAIL_RETRY_S, false, o.resign_s);
	else
		job_retry(s, db, j, err, RETRY_S, true, o.resign_s);
}

/* --- threads ------------------------------------------------------------------------------ */

static void
idle_wait(struct sgn *s, struct db *db)
{
	struct diag d = {0};

	if (db_wait_notify(db, IDLE_POLL_MS, &d) == ODS_EUNAVAIL)
		clock_sleep_ms(IDLE_POLL_MS);
}

static void *
worker_main(void *arg)
{
	struct sgn *s = arg;
	struct db *db = NULL;
	struct diag d = {0};
	bool listening = false;
	uint64_t listen_conn = 0; /* the connection (reconnect count) the LISTEN was made on */

	while (!atomic_load(&s->stop)) {
		if (db == NULL && db_open(&db, svc_conf(s->svc)->cluster.database, &d) != ODS_OK) {
			clock_sleep_ms(IDLE_POLL_MS);
			continue;
		}
		/* A reconnect, here or while a job ran, forgets the LISTEN. */
		if (db_ensure(db, &d) == ODS_OK &&
		    (!listening || db_reconnect_count(db) != listen_conn)) {
			listening = db_exec(db, "LISTEN ods_job", &d) == ODS_OK;
			listen_conn = db_reconnect_count(db);
		}
		struct sgn_job j;
		ods_err rc = claim(s, db, &j, &d);
		if (rc == ODS_OK) {
			handle(s, db, &j);
			continue;
		}
		if (rc != ODS_ENOENT) {
			log_warning("queue", "claim_failed", "%s: %s", d.where, d.msg);
			listening = false;
			clock_sleep_ms(IDLE_POLL_MS);
			continue;
		}
		idle_wait(s, db);
	}
	db_close(db);
	return NULL;
}

/* One thread renews the leases of every job this process runs. */
static void *
renewer_main(void *arg)
{
	struct sgn *s = arg;
	struct db *db = NULL;
	struct diag d = {0};

	while (!atomic_load(&s->stop)) {
		int64_t lease_s = svc_conf(s->svc)->signer.job_lease_s;
		char lease[24];
		for (int64_t i = 0; i < lease_s * 10 / 6 && !atomic_load(&s->stop); i++)
			clock_sleep_ms(100); /* a sixth of the lease */
		if (atomic_load(&s->busy) == 0)
			continue;
		if (db == NULL && db_open(&db, svc_conf(s->svc)->cluster.database, &d) != ODS_OK)
			continue;
		snprintf(lease, sizeof(lease), "%" PRId64, lease_s);
		if (db_query(db, "sgn_renew",
		             "UPDATE job SET lease_until = now() + make_interval(secs => $2) WHERE "
		             "lease_owner = $1 AND state = 'running'",
		             2, (const char *[]){s->instance, lease}, NULL, &d) != ODS_OK)
			log_warning("queue", "renew_failed", "%s", d.msg);
	}
	db_close(db);
	return NULL;
}

ods_err
sgn_workers_start(struct sgn *s, int n)
{
	if (n < 1)
		n = 1;
	if (n > SGN_WORKERS_MAX - 1)
		n = SGN_WORKERS_MAX - 1;
	if (pthread_create(&s->threads[0], NULL, renewer_main, s) != 0)
		return ODS_ENOMEM;
	s->n_threads = 1;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&s->threads[s->n_threads], NULL, worker_main, s) != 0)
			return ODS_ENOMEM;
		s->n_threads++;
	}
	log_info("queue", "workers", "threads=%d lease=%" PRId64 "s chunk=%d", n,
	         svc_conf(s->svc)->signer.job_lease_s, svc_conf(s->svc)->signer.chunk_rrsets);
	return ODS_OK;
}

void
sgn_workers_stop(struct sgn *s)
{
	atomic_store(&s->stop, true);
	for (int i = 0; i < s->n_threads; i++)
		pthread_join(s->threads[i], NULL);
	s->n_threads = 0;
}
