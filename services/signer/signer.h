/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-signerd: a stateless worker. Its threads claim jobs from PostgreSQL (queue.c) and run
 * them: a 'sign' job reads the zone's input into the stored RRsets (load.c), rebuilds the
 * denial chain (nsecify.c) and splits the zone into chunks; 'chunk' jobs sign a range of it
 * (sign.c); whoever finishes the last chunk publishes (publish.c). Everything a job needs is
 * in the database, so any worker can take any job, and a worker that dies loses only its
 * lease.
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/conf/signconf.h"
#include "services/signer/zone/rr.h"

struct svc;
struct db;
struct db_pool;
struct rpc_client;

#define SGN_WORKERS_MAX 64
#define SGN_KEYS_MAX 64 /* keys in one signconf */

struct sgn {
	struct svc *svc;
	struct db_pool *pool; /* RPC handlers */
	struct rpc_client *keystore;
	char instance[96]; /* host:pid, the lease owner */
	pthread_t threads[SGN_WORKERS_MAX];
	int n_threads;
	atomic_bool stop;
	atomic_int busy; /* jobs running in this process */
};

/* The zone a job is about, from the zone and signer_zone tables. */
struct sgn_zone {
	int64_t id;
	char *name;          /* presentation, no trailing dot ("example.com") */
	uint8_t apex[255];   /* wire, lower case */
	size_t apex_len;
	char *input_path;
	char *output_path;
	char *input_type;
	char *output_type;
	int64_t signconf_version; /* newest */
	struct signconf *sc;      /* that version, parsed */
};
void sgn_zone_clear(struct sgn_zone *z);

/* One claimed job. */
struct sgn_job {
	int64_t id;
	int64_t zone_id;
	int64_t parent_id;
	char kind[16];
	bool publish; /* a sign job in its publish phase */
	int attempts;
	bool has_serial;
	uint32_t serial;
	uint8_t lo[512], hi[512];
	size_t lo_len, hi_len;
	bool has_lo, has_hi;
};

/* What a sign run counted, for the [STATS] line. */
struct sgn_stats {
	uint64_t rr;          /* records read */
	uint64_t denial;      /* NSEC/NSEC3 records made or changed */
	uint64_t sig_new;
	uint64_t sig_reused;
	int64_t t_read_ms, t_denial_ms, t_sign_ms, t_start_ms;
};

/* --- queue.c ---------------------------------------------------------------------------- */

ods_err sgn_workers_start(struct sgn *s, int n);
void sgn_workers_stop(struct sgn *s);
/* Queue a resign of zone_id at `at` (cluster seconds) unless a sign job is queued. */
ods_err sgn_queue_resign(struct db *db, int64_t zone_id, int64_t at, struct diag *d);
/* Queue a sign job for zone_id (reason shown by `queue`), optionally with a forced serial,
 * and NOTIFY the workers. */
ods_err sgn_queue_sign(struct db *db, int64_t zone_id, const char *reason, bool has_serial,
                       uint32_t serial, int64_t *job_id, struct diag *d);

/* --- zone.c ----------------------------------------------------------------------------- */

/* Load the zone and its newest signconf. ODS_ENOENT when the zone has no signconf yet. */
ods_err sgn_zone_load(struct db *db, int64_t zone_id, struct sgn_zone *z, struct diag *d);
/* The cluster clock. */
int64_t sgn_now(const struct sgn *s);

/* --- load.c ----------------------------------------------------------------------------- */

/* Read the zone's input file into the stored RRsets (diffed: only changed RRsets lose their
 * signatures), and the signer's own apex RRsets (DNSKEY from the signconf, SOA values).
 * Inside the caller's transaction. *inbound_serial: the input's SOA serial. *input_fault
 * is set when the error lies in the input (syntax, unreadable file, no SOA, an adapter we
 * do not have): trying again will not help until the input changes. */
struct sgn_keys;
ods_err sgn_load(struct sgn *s, struct db *db, const struct sgn_zone *z,
                 const struct sgn_keys *ks, struct sgn_stats *st, uint32_t *inbound_serial,
                 bool *input_fault, struct diag *d);

/* --- nsecify.c -------------------------------------------------------------------------- */

/* Rebuild the NSEC or NSEC3 chain (and NSEC3PARAM) and the signed flags of the stored
 * RRsets, diffed against the stored chain. Inside the caller's transaction. */
ods_err sgn_nsecify(struct sgn *s, struct db *db, const struct sgn_zone *z,
                    struct sgn_stats *st, struct diag *d);

/* --- sign.c ----------------------------------------------------------------------------- */

/* The signconf's keys with their public keys, as signing needs them. */
struct sgn_key {
	char locator[130];
	uint16_t flags;
	uint8_t algorithm;
	uint16_t keytag;
	bool ksk, zsk, publish;
	uint8_t dnskey[2048]; /* rdata */
	size_t dnskey_len;
};
struct sgn_keys {
	struct sgn_key *k;
	size_t n;
	char keyset[512]; /* a digest of what decides signatures; stored per RRset */
};
ods_err sgn_keys_load(struct sgn *s, const struct signconf *sc, struct sgn_keys *ks,
                      struct diag *d);
void sgn_keys_free(struct sgn_keys *ks);

/* Sign what needs signing among the zone's RRsets in [lo, hi) (NULL: open end), committing
 * in batches. */
ods_err sgn_sign_range(struct sgn *s, struct db *db, const struct sgn_zone *z,
                       const struct sgn_keys *ks, const uint8_t *lo, size_t lo_len,
                       const uint8_t *hi, size_t hi_len, struct sgn_stats *st,
                       struct diag *d);

/* The SOA, after publish changed its serial. */
ods_err sgn_sign_soa(struct sgn *s, struct db *db, const struct sgn_zone *z,
                     const struct sgn_keys *ks, struct sgn_stats *st, struct diag *d);

/* --- publish.c -------------------------------------------------------------------------- */

/* New serial, SOA signed, output written atomically, NotifyCommand, [STATS]. */
ods_err sgn_publish(struct sgn *s, struct db *db, const struct sgn_zone *z,
                    const struct sgn_keys *ks, const struct sgn_job *job, struct sgn_stats *st,
                    struct diag *d);
