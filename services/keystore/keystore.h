/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The keystore's domain: the repositories of conf.xml, each behind its backend; the key
 * catalogue in PostgreSQL (hsm_key); and a cache of loaded keys, so that signing touches
 * neither the database nor the token's object search. The RPC handlers (rpc/) only check
 * permissions and bounds and call these functions. All functions are thread-safe.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/db/db_hsmkey.h"
#include "services/keystore/backend.h"

struct arena;
struct db_pool;
struct ods_conf;
struct conf_repository;
struct ks_cache;

#define KS_BATCH_MAX 4096 /* inputs in one SignBatch */

struct ks_repo {
	const struct conf_repository *conf; /* from the start-up conf snapshot (kept until exit) */
	const struct ks_backend_ops *ops;
	pthread_mutex_t mu;   /* guards everything below while state is NULL */
	void *state;          /* NULL until the repository opens; never NULL again after */
	char error[DIAG_MSG_MAX]; /* why it is not usable; "" when it is */
	ods_err error_rc;     /* the error's code: UNAVAIL is retried, the rest needs a human */
	int64_t retry_at_ms;  /* next attempt to open a repository that failed */
};

struct ks {
	struct ks_repo *repos;
	size_t n_repos;
	struct db_pool *pool;
	struct ks_cache *cache;
};

/* Open every repository of conf (a repository that fails is kept, with its error, so
 * TokenInfo can say why and `login` can fix a missing PIN) and the database pool. */
ods_err ks_open(struct ks *ks, const struct ods_conf *conf, struct diag *d);
void ks_close(struct ks *ks);

/* Repository by name; NULL when there is none. */
struct ks_repo *ks_repo_find(struct ks *ks, const char *name);

ods_err ks_generate(struct ks *ks, const char *repository, int alg, unsigned bits,
                    struct db_hsmkey *out, struct diag *d);
ods_err ks_delete(struct ks *ks, const char *locator, struct diag *d);
ods_err ks_list(struct ks *ks, const char *repository, struct db_hsmkey **out, size_t *n,
                struct diag *d);
ods_err ks_lookup(struct ks *ks, const char *locator, struct db_hsmkey *out, struct diag *d);

/* Sign n inputs with the key at locator, which must be of algorithm alg. Inputs are checked
 * (digest length for RSA/ECDSA, non-empty for EdDSA); a bad one fails the whole batch, naming
 * inputs[i]. Signatures are allocated in a. */
ods_err ks_sign(struct ks *ks, const char *locator, int alg, const struct ks_blob *in, size_t n,
                struct ks_blob *out, struct arena *a, struct diag *d);

/* Log in repository (NULL: every repository that waits for a PIN) with pin. *count gets how
 * many logged in. */
ods_err ks_login(struct ks *ks, const char *repository, const char *pin, size_t *count,
                 struct diag *d);

/* Backup bookkeeping of one repository: op 0 list, 1 prepare, 2 commit, 3 rollback. */
ods_err ks_backup(struct ks *ks, const char *repository, int op, int64_t *changed,
                  int64_t counts[4], struct diag *d);

/* Keys in a repository (for TokenInfo). */
ods_err ks_count(struct ks *ks, const char *repository, int64_t *out, struct diag *d);
