/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler: each zone's next enforce time lives in the database (zone.next_change), so
 * the queue survives restarts and leader changes. The leader's thread runs every due zone,
 * fills the key pool when asked, then sleeps until the earliest next_change (logging
 * "Sleeping for N seconds" as OpenDNSSEC does) or until poked: a command scheduled a zone,
 * the clock leapt, leadership arrived.
 */
#include "services/enforcer/enforcer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/db/db.h"
#include "lib/svc/svc.h"
#include "services/enforcer/store/store.h"

#define DUE_BATCH 256
#define MAX_PASSES 8
#define IDLE_RECHECK_S 60

int64_t
enf_now(const struct enf *e)
{
	return clock_now(&e->svc->clock);
}

void
enf_sched_poke(struct enf *e, bool keygen)
{
	pthread_mutex_lock(&e->mu);
	e->poke = true;
	if (keygen)
		e->keygen_due = true;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

static bool
take_keygen(struct enf *e)
{
	pthread_mutex_lock(&e->mu);
	bool due = e->keygen_due;
	e->keygen_due = false;
	pthread_mutex_unlock(&e->mu);
	return due;
}

ods_err
enf_sched_run_due(struct enf *e, struct db *db, int *ran, struct diag *d)
{
	ods_err rc = ODS_OK;

	*ran = 0;
	pthread_mutex_lock(&e->run_mu);
	atomic_store(&e->busy, true);
	/* Keys first, so that zones added just now find their keys in the pool. */
	if (take_keygen(e) && !svc_conf(e->svc)->enforcer.manual_keygen) {
		int generated = 0;
		struct diag dk = {0};
		(void)enf_keygen(e, db, 0, 0, &generated, &dk);
	}
	if (enf_resalt_due(e))
		rc = enf_resalt(e, db, NULL, false, NULL, NULL, d);
	/* A zone that asks to run again at once (a retry) waits for the next call. */
	for (int pass = 0; pass < MAX_PASSES && rc == ODS_OK; pass++) {
		int64_t now = enf_now(e), *ids = NULL;
		size_t n = 0;

		rc = enfdb_zone_due(db, now, DUE_BATCH, &ids, &n, d);
		if (rc != ODS_OK || n == 0) {
			free(ids);
			break;
		}
		for (size_t i = 0; i < n && !atomic_load(&e->stop); i++) {
			struct diag dz = {0};
			/* now per zone: a pass that stalled must not write old times */
			ods_err zr = enf_enforce_zone(e, db, ids[i], enf_now(e), &dz);

			if (zr == ODS_ENOTLEADER || zr == ODS_EFENCED || zr == ODS_EUNAVAIL) {
				*d = dz;
				rc = zr;
				break;
			}
			(*ran)++;
			/* Already logged; try the zone again later rather than at once. */
			if (zr != ODS_OK)
				(void)enf_zone_retry(e, db, ids[i], enf_now(e) + ENF_RETRY_S, true, &dz);
		}
		free(ids);
		if (n < DUE_BATCH && pass > 0)
			break;
	}
	atomic_store(&e->busy, false);
	pthread_mutex_unlock(&e->run_mu);
	return rc;
}

ods_err
enf_sched_first_run(struct enf *e, struct db *db, int64_t zone_id, int64_t policy_id,
                    struct diag *d)
{
	ods_err rc;

	pthread_mutex_lock(&e->run_mu);
	atomic_store(&e->busy, true);
	if (!svc_conf(e->svc)->enforcer.manual_keygen) {
		int generated = 0;
		struct diag dk = {0};
		(void)enf_keygen(e, db, policy_id, 0, &generated, &dk);
	}
	rc = enf_enforce_zone(e, db, zone_id, enf_now(e), d);
	if (rc != ODS_OK && rc != ODS_ENOTLEADER && rc != ODS_EFENCED && rc != ODS_EUNAVAIL) {
		struct diag dz = {0};
		(void)enf_zone_retry(e, db, zone_id, enf_now(e) + ENF_RETRY_S, true, &dz);
	}
	atomic_store(&e->busy, false);
	pthread_mutex_unlock(&e->run_mu);
	return rc;
}

static void
sleep_until(struct enf *e, int64_t seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	pthread_mutex_lock(&e->mu);
	while (!e->poke && !atomic_load(&e->stop))
		if (pthread_cond_timedwait(&e->cv, &e->mu, &ts) != 0)
			break;
	e->poke = false;
	pthread_mutex_unlock(&e->mu);
}

/* One round as leader; returns how long to sleep. */
static int64_t
leader_round(struct enf *e, struct db *db, int64_t *announced)
{
	struct diag d = {0};
	int ran = 0;
	int64_t next = 0;
	size_t scheduled = 0;

	if (enf_sched_run_due(e, db, &ran, &d) != ODS_OK) {
		log_warning("sched", "run_failed", "%s: %s", d.where, d.msg);
		return 1;
	}
	if (enfdb_zone_next(db, &next, &scheduled, &d) != ODS_OK)
		return 1;
	int64_t now = enf_now(e);
	int64_t wait = next == 0 ? IDLE_RECHECK_S : next - now;
	if (wait < 0)
		wait = 0;
	if (next != *announced || ran > 0) {
		*announced = next;
		if (next == 0)
			log_info("sched", "idle", "No zones scheduled; Sleeping for %d seconds",
			         IDLE_RECHECK_S);
		else
			log_info("sched", "sleeping", "Sleeping for %" PRId64 " seconds", wait);
	}
	return wait > IDLE_RECHECK_S ? IDLE_RECHECK_S : wait;
}

static void *
sched_main(void *arg)
{
	struct enf *e = arg;
	struct db *db = NULL;
	struct diag d = {0};
	int64_t announced = -1;

	while (!atomic_load(&e->stop)) {
		if (!atomic_load(&e->is_leader)) {
			announced = -1;
			sleep_until(e, 1);
			continue;
		}
		if (db == NULL && db_open(&db, svc_conf(e->svc)->cluster.database, &d) != ODS_OK) {
			sleep_until(e, 1);
			continue;
		}
		sleep_until(e, leader_round(e, db, &announced));
	}
	db_close(db);
	return NULL;
}

ods_err
enf_sched_start(struct enf *e)
{
	if (pthread_create(&e->sched_thread, NULL, sched_main, e) != 0)
		return ODS_ENOMEM;
	e->sched_started = true;
	return ODS_OK;
}

void
enf_sched_stop(struct enf *e)
{
	if (!e->sched_started)
		return;
	atomic_store(&e->stop, true);
	enf_sched_poke(e, false);
	pthread_join(e->sched_thread, NULL);
	e->sched_started = false;
}

ods_err
enf_zone_retry(struct enf *e, struct db *db, int64_t zone_id, int64_t at, bool postpone,
               struct diag *d)
{
	struct db_tx *tx = NULL;
	ods_err rc = enf_tx_begin(e, db, &tx, d);

	if (rc != ODS_OK)
		return rc;
	rc = postpone ? enfdb_zone_set_next(db, zone_id, at, d)
	              : enfdb_zone_schedule(db, zone_id, 0, at, false, NULL, d);
	if (rc == ODS_OK)
		return db_tx_commit(&tx, d);
	db_tx_rollback(tx);
	return rc;
}

ods_err
enf_set_time(struct enf *e, struct db *db, int64_t to, struct diag *d)
{
	/* time(), not clock_wall_ms(): clock_now() adds the offset to time(), which can lag the
	 * precise clock by a tick just after a second boundary; an offset taken from the precise
	 * clock would then put the cluster one second before `to`. */
	int64_t wall = (int64_t)time(NULL), now = enf_now(e);
	char off[24];
	ods_err rc;

	if (to < now)
		return diag_fail(d, ODS_EINVAL, "time", "time leap goes forward only: %" PRId64
		                 " is before the cluster's now %" PRId64, to, now);
	snprintf(off, sizeof(off), "%" PRId64, to - wall);
	/* Fenced like key state: a leader that was superseded must not move the cluster's clock. */
	struct db_tx *tx = NULL;
	rc = enf_tx_begin(e, db, &tx, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_query(db, "enf_clock_set", "UPDATE cluster SET clock_offset_s = $1 WHERE id = 1",
	              1, (const char *[]){off}, NULL, d);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	else
		db_tx_rollback(tx);
	if (rc != ODS_OK)
		return rc;
	clock_set_offset(&e->svc->clock, to - wall);
	log_info("time", "leap", "cluster clock moved to %" PRId64 " (offset %s s)", to, off);
	enf_sched_poke(e, false);
	return ODS_OK;
}
