/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The enforcer service context. One leader at a time runs the scheduler; every process
 * answers RPCs, and a standby sends the ones that change something to the leader.
 *
 *   leader.c    election through a PostgreSQL advisory lock, the fencing epoch, enf_tx_begin
 *   sched.c     the scheduler thread: due zones, "Sleeping for N seconds", flush, time leap
 *   enforce.c   one zone's enforce run in one fenced transaction (policy, pool, engine, store)
 *   keygen.c    keeping the key pool filled through the keystore's GenerateKey
 *   signconf.c  the signconf document of a zone (database version and optional file)
 *   dscmd.c     DelegationSignerSubmitCommand / RetractCommand
 *   rpc/        the methods of proto/ods/enforcer.proto
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"

struct svc;
struct db;
struct db_tx;
struct db_pool;
struct rpc_client;
struct rpc_call;
struct kasp_policy;
struct enfdb_policy_meta;
struct enfdb_zone;

struct enf {
	struct svc *svc;
	struct db_pool *pool;        /* connections for RPC handlers */
	struct rpc_client *keystore; /* GenerateKey, DeleteKey, TokenInfo, Backup */
	char instance[128];          /* hostname:pid */
	char endpoint[256];          /* where clients reach this process (leader hint) */

	/* leader.c */
	pthread_t leader_thread;
	bool leader_started;
	_Atomic int64_t epoch; /* ours while leading, 0 otherwise */
	atomic_bool is_leader;
	atomic_bool elected_once; /* the first election attempt is over */
	/* Cluster time at which some policy's salt is due (enf_resalt sets it; 0: look now,
	 * after a policy import or a takeover). */
	_Atomic int64_t resalt_due;

	/* sched.c */
	pthread_t sched_thread;
	bool sched_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool poke;         /* run now: something was scheduled or the clock moved */
	bool keygen_due;   /* check the key pool on the next pass */
	atomic_bool busy;  /* an enforce pass is running */
	atomic_bool stop;
	pthread_mutex_t run_mu; /* one enforce pass at a time (scheduler or time leap --attach) */
};

/* --- leader.c --------------------------------------------------------------------------- */

ods_err enf_leader_start(struct enf *e);
void enf_leader_stop(struct enf *e);
/* Begin a transaction that may change key state: fails with ODS_ENOTLEADER when this
 * process does not lead, ODS_EFENCED when another leader has taken over (the caller rolls
 * back). The epoch row stays share-locked until commit, so a new leader's takeover waits
 * for this transaction and every later one of ours fails. */
ods_err enf_tx_begin(struct enf *e, struct db *db, struct db_tx **tx, struct diag *d);
/* For RPC handlers that change something: ODS_ENOTLEADER with the leader's endpoint as the
 * call's hint when another process leads. */
ods_err enf_require_leader(struct enf *e, struct rpc_call *c);

/* --- sched.c ---------------------------------------------------------------------------- */

/* A zone run that failed is tried again this much later. */
#define ENF_RETRY_S 60

ods_err enf_sched_start(struct enf *e);
void enf_sched_stop(struct enf *e);
/* Wake the scheduler: zones were scheduled or the clock moved. */
void enf_sched_poke(struct enf *e, bool keygen);
/* Run every zone due at the cluster's `now` (several passes until none is due), on db.
 * *ran = zones enforced. Holds run_mu. */
ods_err enf_sched_run_due(struct enf *e, struct db *db, int *ran, struct diag *d);
/* The first run of a zone just added: its policy's key pool filled (unless
 * ManualKeyGeneration), then the zone enforced. Holds run_mu. A failed run is retried ENF_RETRY_S later. */
ods_err enf_sched_first_run(struct enf *e, struct db *db, int64_t zone_id, int64_t policy_id,
                            struct diag *d);
/* Run zone_id again at `at`, in a fenced transaction of its own: exactly then with postpone
 * (after a failed run, whose schedule still says "due"), else no later than then. */
ods_err enf_zone_retry(struct enf *e, struct db *db, int64_t zone_id, int64_t at,
                       bool postpone, struct diag *d);
/* The cluster clock now (wall time + offset). */
int64_t enf_now(const struct enf *e);
/* Move the cluster clock to `to` (never backwards): stores the offset and wakes the
 * scheduler. */
ods_err enf_set_time(struct enf *e, struct db *db, int64_t to, struct diag *d);

/* --- enforce.c -------------------------------------------------------------------------- */

/* One enforce run for zone_id at now in its own fenced transaction, then the DS commands
 * and the signconf file, outside it. */
ods_err enf_enforce_zone(struct enf *e, struct db *db, int64_t zone_id, int64_t now,
                         struct diag *d);

/* --- keygen.c --------------------------------------------------------------------------- */

/* Fill the pool of every policy key of policy_id (0: every policy) for duration_s (0:
 * AutomaticKeyGenerationPeriod) of the zones using it. *generated counts new keys. Callers
 * hold run_mu, so two fills never race. */
ods_err enf_keygen(struct enf *e, struct db *db, int64_t policy_id, int64_t duration_s,
                   int *generated, struct diag *d);

/* Delete a key no zone uses any more from its repository (Purge, key purge --delete); a
 * failure is logged, the key stays in the pool's delete state. */
void enf_hsm_delete(struct enf *e, const char *locator);

/* --- resalt.c -------------------------------------------------------------------------- */

/* New NSEC3 salts for the named policy (NULL: all) whose salt is older than Resalt, or for
 * all of them with force; each resalted policy's zones are scheduled with a new signconf, and
 * each(arg, name) is called for it. One fenced transaction. */
ods_err enf_resalt(struct enf *e, struct db *db, const char *policy, bool force,
                   void (*each)(void *arg, const char *policy), void *arg, struct diag *d);
/* Whether a salt may be due (enf_resalt learnt when the next one is). */
bool enf_resalt_due(struct enf *e);
/* Policies changed or leadership moved: look at the salts on the next pass. */
void enf_resalt_recheck(struct enf *e);

/* --- signconf.c ------------------------------------------------------------------------- */

struct enfdb_view;
/* The signconf document of zone z under policy p with key view v, malloc'd in *xml. */
ods_err enf_signconf_xml(const struct enfdb_zone *z, const struct kasp_policy *p,
                         const struct enfdb_policy_meta *m, const struct enfdb_view *v,
                         char **xml, struct diag *d);
/* Write the latest signconf version of zone_id to the zone's SignerConfiguration path
 * (temporary file + rename). Nothing to do when the path is empty. */
ods_err enf_signconf_write_file(struct db *db, int64_t zone_id, struct diag *d);

/* --- dscmd.c ---------------------------------------------------------------------------- */

/* Run cmd (DelegationSignerSubmitCommand or RetractCommand; " --cka_id" at its end appends
 * the locator comment) with the DNSKEY RRs on stdin. ODS_OK only if it exited 0; else d
 * says what it printed or why it could not run. */
ods_err enf_ds_command(const char *cmd, const char *rrs, const char *locators,
                       struct diag *d);
