/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leader election. Every ods-enforcerd keeps one connection of its own and tries, once a
 * second, to take a session-level advisory lock; whoever holds it leads. Taking the lock is
 * followed by bumping enforcer_leader.epoch; that UPDATE waits for every transaction of the
 * previous leader that holds the row share-locked (enf_tx_begin), and once it commits every
 * later transaction of the previous leader sees a foreign epoch and fails. So even a leader
 * that stalled (GC pause, SIGSTOP, lost network) and still believes it leads can never write
 * key state after a successor took over. Losing the connection loses the lock: the process
 * steps down at once. The lock session has a lease (LEADER_LEASE) so that a stalled leader
 * does not keep its lock, and with it the cluster's enforcement, forever.
 */
#include "services/enforcer/enforcer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/db/db.h"
#include "lib/db/pool.h"
#include "lib/base/arena.h"
#include "lib/rpc/dispatch.h"
#include "lib/svc/svc.h"

#define LEADER_POLL_MS 1000
/* The lock session carries a lease: the leader queries on it every LEADER_POLL_MS, so the
 * server closes it (and frees the lock) only when the leader stalled (SIGSTOP, a frozen VM)
 * or its host vanished (TCP keepalives). A standby takes over at most this long after. */
#define LEADER_LEASE "10s"
#define LOCK_SQL                                                                              \
	"SELECT pg_try_advisory_lock(hashtext('ods-enforcer-leader')) FROM (SELECT "          \
	"set_config('idle_session_timeout', '" LEADER_LEASE "', false), "                    \
	"set_config('tcp_keepalives_idle', '5', false), "                                     \
	"set_config('tcp_keepalives_interval', '2', false), "                                 \
	"set_config('tcp_keepalives_count', '3', false)) lease"
/* A leader stalled inside a fenced transaction holds the epoch row share-locked, which
 * would block its successor's bump: the server ends such a transaction after this long
 * idle (longer than any keystore call made inside one). */
#define TX_IDLE_LIMIT "90s"

static void
step_down(struct enf *e, const char *why)
{
	if (atomic_exchange(&e->is_leader, false)) {
		log_warning("leader", "step_down", "epoch=%" PRId64 " %s", atomic_load(&e->epoch),
		            why);
		atomic_store(&e->svc->leader, false);
	}
	atomic_store(&e->epoch, 0);
}

/* We hold the lock: bump the epoch and publish our endpoint. The cluster clock is read
 * in the same statement: the periodic refresh may be up to a second old, and a leader that
 * died in a time leap's pass left zones due only on the leapt clock. */
static ods_err
take_over(struct enf *e, struct db *db, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_leader_bump",
	                      "UPDATE enforcer_leader SET epoch = epoch + 1, instance = $1, "
	                      "endpoint = $2, since = now() WHERE id = 1 RETURNING epoch, "
	                      "(SELECT clock_offset_s FROM cluster WHERE id = 1)",
	                      2, (const char *[]){e->instance, e->endpoint}, &res, d);

	if (rc != ODS_OK)
		return rc;
	int64_t epoch = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	if (!PQgetisnull(res, 0, 1))
		clock_set_offset(&e->svc->clock, strtoll(PQgetvalue(res, 0, 1), NULL, 10));
	PQclear(res);
	atomic_store(&e->epoch, epoch);
	atomic_store(&e->is_leader, true);
	atomic_store(&e->svc->leader, true);
	log_info("leader", "leading", "epoch=%" PRId64 " instance=%s endpoint=%s", epoch,
	         e->instance, e->endpoint);
	enf_resalt_recheck(e); /* another leader may have resalted */
	enf_sched_poke(e, true);
	return ODS_OK;
}

/* While leading: the connection (and so the lock) is alive and the epoch is still ours. */
static ods_err
still_leading(struct enf *e, struct db *db, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_leader_check", "SELECT epoch FROM enforcer_leader WHERE id = 1",
	                      0, NULL, &res, d);

	if (rc != ODS_OK)
		return rc;
	int64_t epoch = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (epoch != atomic_load(&e->epoch))
		return diag_fail(d, ODS_EFENCED, "leader", "epoch is now %" PRId64, epoch);
	return ODS_OK;
}

/* *lock_reconnects: the connection's reconnect count when the lock was taken. Queries
 * reconnect a dead connection on their own, also while we are a standby, so leadership is
 * lost only by a reconnect after that point. */
static void
leader_pass(struct enf *e, struct db **db, uint64_t *lock_reconnects)
{
	struct diag d = {0};
	PGresult *res = NULL;

	if (*db == NULL && db_open(db, svc_conf(e->svc)->cluster.database, &d) != ODS_OK)
		return;
	if (atomic_load(&e->is_leader)) {
		/* A reconnect would silently drop the session lock: never repair, start over. */
		if (db_ensure(*db, &d) != ODS_OK || db_reconnect_count(*db) != *lock_reconnects ||
		    still_leading(e, *db, &d) != ODS_OK) {
			step_down(e, d.msg[0] ? d.msg : "lost the database connection");
			db_close(*db);
			*db = NULL;
		}
		return;
	}
	if (db_query(*db, "enf_leader_try", LOCK_SQL, 0, NULL, &res, &d) != ODS_OK) {
		db_close(*db);
		*db = NULL;
		return;
	}
	bool got = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (got)
		*lock_reconnects = db_reconnect_count(*db);
	if (got && take_over(e, *db, &d) != ODS_OK) {
		log_error("leader", "takeover_failed", "%s", d.msg);
		db_close(*db); /* releases the lock */
		*db = NULL;
	}
}

static void *
leader_main(void *arg)
{
	struct enf *e = arg;
	struct db *db = NULL;
	uint64_t lock_reconnects = 0;

	while (!atomic_load(&e->stop)) {
		leader_pass(e, &db, &lock_reconnects);
		atomic_store(&e->elected_once, true);
		for (int i = 0; i < LEADER_POLL_MS / 100 && !atomic_load(&e->stop); i++)
			clock_sleep_ms(100);
	}
	step_down(e, "stopping");
	db_close(db); /* the lock goes with the session */
	return NULL;
}

ods_err
enf_leader_start(struct enf *e)
{
	if (pthread_create(&e->leader_thread, NULL, leader_main, e) != 0)
		return ODS_ENOMEM;
	e->leader_started = true;
	/* Serve only once the first election is over, so that a lone enforcer that answers
	 * `running` also takes writes (bounded: the database may be slow to answer). */
	for (int i = 0; i < 300 && !atomic_load(&e->elected_once); i++)
		clock_sleep_ms(10);
	return ODS_OK;
}

void
enf_leader_stop(struct enf *e)
{
	if (!e->leader_started)
		return;
	atomic_store(&e->stop, true);
	pthread_join(e->leader_thread, NULL);
	e->leader_started = false;
}

ods_err
enf_tx_begin(struct enf *e, struct db *db, struct db_tx **tx, struct diag *d)
{
	int64_t mine = atomic_load(&e->epoch);
	PGresult *res = NULL;
	ods_err rc;

	if (!atomic_load(&e->is_leader) || mine == 0)
		return diag_fail(d, ODS_ENOTLEADER, "leader", "this enforcer is not the leader");
	rc = db_tx_begin(db, tx, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_query(db, "enf_fence",
	              "SELECT epoch, set_config('idle_in_transaction_session_timeout', '"
	              TX_IDLE_LIMIT "', true) FROM enforcer_leader WHERE id = 1 FOR SHARE",
	              0, NULL, &res, d);
	if (rc == ODS_OK) {
		int64_t epoch = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		if (epoch != mine)
			rc = diag_fail(d, ODS_EFENCED, "leader",
			               "fenced: epoch %" PRId64 " superseded by %" PRId64, mine, epoch);
	}
	if (rc != ODS_OK) {
		db_tx_rollback(*tx);
		*tx = NULL;
		if (rc == ODS_EFENCED)
			step_down(e, d->msg);
	}
	return rc;
}

ods_err
enf_require_leader(struct enf *e, struct rpc_call *c)
{
	struct db *db = NULL;
	PGresult *res = NULL;
	char hint[256] = "";

	if (atomic_load(&e->is_leader))
		return ODS_OK;
	if (db_pool_get(e->pool, &db, &c->diag) == ODS_OK) {
		if (db_query(db, "enf_leader_where", "SELECT endpoint FROM enforcer_leader WHERE id = 1",
		             0, NULL, &res, &c->diag) == ODS_OK) {
			snprintf(hint, sizeof(hint), "%s", PQgetvalue(res, 0, 0));
			PQclear(res);
		}
		db_pool_put(e->pool, db);
	}
	c->leader_hint = hint[0] ? arena_strdup(c->arena, hint) : NULL;
	return diag_fail(&c->diag, ODS_ENOTLEADER, "leader",
	                 "this enforcer is a standby; the leader is %s", hint[0] ? hint : "unknown");
}
