/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Repositories, the key catalogue and the signing path. Generation runs in one transaction
 * holding the repository's advisory lock, so Capacity holds across concurrent requests and
 * keystore replicas; a key the catalogue refuses is destroyed on the token again, so no key
 * exists that nothing knows about. Signing looks the key up in the cache and only falls back
 * to the catalogue and the token's object search on a miss or a stale handle.
 */
#include "services/keystore/keystore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/db/db.h"
#include "lib/db/pool.h"
#include "lib/dns/dnskey.h"
#include "services/keystore/cache.h"

#define PIN_MAX 256
#define EDDSA_INPUT_MAX 65536

#define REOPEN_INTERVAL_MS 5000

/* Called with r->mu held. */
static void
set_error(struct ks_repo *r, ods_err rc, const struct diag *d)
{
	r->error_rc = rc;
	if (d)
		snprintf(r->error, sizeof(r->error), "%s", d->msg);
	else
		r->error[0] = '\0';
}

/* The PIN from conf.xml: <PIN>, else the first line of <PINFile>, else $<PINEnvironment>.
 * *pin is NULL when none is configured. */
static ods_err
resolve_pin(const struct conf_repository *c, char *buf, size_t n, const char **pin,
            struct diag *d)
{
	*pin = NULL;
	if (c->pin) {
		*pin = c->pin;
	} else if (c->pin_file) {
		FILE *f = fopen(c->pin_file, "r");
		if (f == NULL)
			return diag_fail(d, ODS_EINVAL, c->name, "PINFile %s: %s", c->pin_file,
			                 strerror(errno));
		bool ok = fgets(buf, (int)n, f) != NULL;
		fclose(f);
		if (!ok)
			return diag_fail(d, ODS_EINVAL, c->name, "PINFile %s is empty", c->pin_file);
		buf[strcspn(buf, "\r\n")] = '\0';
		*pin = buf;
	} else if (c->pin_env) {
		const char *v = getenv(c->pin_env);
		if (v == NULL)
			return diag_fail(d, ODS_EINVAL, c->name,
			                 "PINEnvironment: the variable %s is not set", c->pin_env);
		snprintf(buf, n, "%s", v);
		*pin = buf;
	}
	return ODS_OK;
}

/* Try to open r (r->mu held). A repository waiting for its PIN keeps its state. */
static void
open_repo(struct ks_repo *r)
{
	struct diag d = {0};
	char buf[PIN_MAX];
	const char *pin;
	void *state = NULL;
	ods_err rc = resolve_pin(r->conf, buf, sizeof(buf), &pin, &d);

	if (rc == ODS_OK)
		rc = r->ops->open(r->conf, pin, &state, &d);
	explicit_bzero(buf, sizeof(buf));
	if (rc == ODS_OK || rc == ODS_ESTATE)
		r->state = state;
	r->retry_at_ms = clock_mono_ms() + REOPEN_INTERVAL_MS;
	if (rc == ODS_OK) {
		set_error(r, ODS_OK, NULL);
		if (r->conf->type == CONF_REPO_SOFTWARE)
			log_info("keystore", "repository_open", "repository=%s type=software",
			         r->conf->name);
		else
			log_info("keystore", "repository_open", "repository=%s token=%s module=%s",
			         r->conf->name, r->conf->token_label, r->conf->module);
		return;
	}
	set_error(r, rc, &d);
	if (rc == ODS_ESTATE)
		log_warning("keystore", "repository_waiting", "repository=%s %s", r->conf->name,
		            d.msg);
	else
		log_error("keystore", "repository_failed", "repository=%s %s", r->conf->name, d.msg);
}

ods_err
ks_open(struct ks *ks, const struct ods_conf *conf, struct diag *d)
{
	ods_err rc;

	rc = ks_cache_new(&ks->cache);
	if (rc == ODS_OK)
		rc = db_pool_new(&ks->pool, conf->cluster.database,
		                 (unsigned)conf->cluster.svc[CONF_SVC_KEYSTORE].workers + 1);
	if (rc == ODS_OK && conf->n_repos > 0) {
		ks->repos = calloc(conf->n_repos, sizeof(*ks->repos));
		if (ks->repos == NULL)
			rc = ODS_ENOMEM;
	}
	if (rc != ODS_OK)
		return diag_fail(d, rc, "keystore", "out of memory");
	ks->n_repos = conf->n_repos;
	for (size_t i = 0; i < ks->n_repos; i++) {
		struct ks_repo *r = &ks->repos[i];
		r->conf = &conf->repos[i];
		r->ops = r->conf->type == CONF_REPO_SOFTWARE ? &ks_soft_ops : &ks_p11_ops;
		pthread_mutex_init(&r->mu, NULL);
		pthread_mutex_lock(&r->mu);
		open_repo(r);
		pthread_mutex_unlock(&r->mu);
	}
	if (ks->n_repos == 0)
		log_warning("keystore", "no_repository", "conf.xml has no RepositoryList/Repository");
	return ODS_OK;
}

void
ks_close(struct ks *ks)
{
	for (size_t i = 0; i < ks->n_repos; i++) {
		struct ks_repo *r = &ks->repos[i];
		if (r->state)
			r->ops->close(r->state);
		pthread_mutex_destroy(&r->mu);
	}
	free(ks->repos);
	ks->repos = NULL;
	ks->n_repos = 0;
	db_pool_free(ks->pool);
	ks->pool = NULL;
	ks_cache_free(ks->cache);
	ks->cache = NULL;
}

struct ks_repo *
ks_repo_find(struct ks *ks, const char *name)
{
	for (size_t i = 0; i < ks->n_repos; i++)
		if (strcmp(ks->repos[i].conf->name, name) == 0)
			return &ks->repos[i];
	return NULL;
}

/* The repository, usable. A repository whose token could not be reached is tried again, at
 * most every REOPEN_INTERVAL_MS, so a token that comes back is picked up without a restart. ODS_ENOENT for an unknown name; otherwise the open error: UNAVAIL
 * (transient, callers retry) or ESTATE/EAUTH/EHSM (a human must act). */
static ods_err
usable_repo(struct ks *ks, const char *name, struct ks_repo **out, struct diag *d)
{
	struct ks_repo *r = ks_repo_find(ks, name);
	ods_err rc = ODS_OK;

	if (r == NULL)
		return diag_fail(d, ODS_ENOENT, "repository", "no repository named '%s' in conf.xml",
		                 name);
	pthread_mutex_lock(&r->mu);
	/* Only a transient failure is retried by itself: trying a wrong PIN again and again
	 * would lock a real HSM's token. */
	if (r->state == NULL && r->error_rc == ODS_EUNAVAIL && clock_mono_ms() >= r->retry_at_ms)
		open_repo(r);
	if (r->state == NULL) {
		rc = r->error_rc == ODS_EUNAVAIL ? ODS_EUNAVAIL : ODS_ESTATE;
		diag_fail(d, rc, name, "repository not usable: %s", r->error);
	}
	pthread_mutex_unlock(&r->mu);
	if (rc == ODS_OK)
		*out = r;
	return rc;
}

static ods_err
generate_locked(struct ks_repo *r, struct db *db, int alg, unsigned bits,
                struct db_hsmkey *row, struct diag *d)
{
	struct ks_new_key nk;
	int64_t count = 0;
	ods_err rc;

	rc = db_hsmkey_lock_repository(db, r->conf->name, d);
	if (rc == ODS_OK)
		rc = db_hsmkey_count(db, r->conf->name, &count, d);
	if (rc != ODS_OK)
		return rc;
	if (r->conf->capacity > 0 && count >= r->conf->capacity)
		return diag_fail(d, ODS_ESTATE, r->conf->name,
		                 "repository is full: %lld keys, Capacity %lld", (long long)count,
		                 (long long)r->conf->capacity);
	rc = r->ops->generate(r->state, alg, bits, &nk, d);
	if (rc != ODS_OK)
		return rc;
	memset(row, 0, sizeof(*row));
	snprintf(row->repository, sizeof(row->repository), "%s", r->conf->name);
	snprintf(row->locator, sizeof(row->locator), "%s", nk.locator);
	row->algorithm = alg;
	row->bits = nk.bits;
	memcpy(row->pubkey, nk.pubkey, nk.pubkey_len);
	row->pubkey_len = nk.pubkey_len;
	row->public_on_token = nk.public_on_token;
	row->backup = r->conf->require_backup ? DB_BACKUP_REQUIRED : DB_BACKUP_NONE;
	row->sealed = nk.sealed;
	row->sealed_len = nk.sealed_len;
	rc = db_hsmkey_insert(db, row, d);
	return rc;
}

ods_err
ks_generate(struct ks *ks, const char *repository, int alg, unsigned bits,
            struct db_hsmkey *out, struct diag *d)
{
	struct ks_repo *r;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	struct db_hsmkey row = {0};
	unsigned size;
	ods_err rc;

	rc = usable_repo(ks, repository, &r, d);
	if (rc != ODS_OK)
		return rc;
	rc = dns_alg_bits_check(alg, bits, &size, d);
	if (rc != ODS_OK)
		return rc;
	if (!r->ops->supports(r->state, alg))
		return diag_fail(
		    d, ODS_EINVAL, "algorithm", "repository %s (%s '%s') does not support %s",
		    repository, r->conf->token_label ? "token" : "type",
		    r->conf->token_label ? r->conf->token_label : r->ops->type, dns_alg_name(alg));
	rc = db_pool_get(ks->pool, &db, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_tx_begin(db, &tx, d);
	if (rc == ODS_OK)
		rc = generate_locked(r, db, alg, size, &row, d);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	db_tx_rollback(tx);
	db_pool_put(ks->pool, db);
	if (rc != ODS_OK && row.locator[0]) {
		/* The token has a key the catalogue does not: take it back. */
		struct diag d2 = {0};
		if (r->ops->remove(r->state, row.locator, &d2) != ODS_OK)
			log_error("keystore", "orphan_key", "repository=%s key=%s %s", repository,
			          row.locator, d2.msg);
	}
	db_hsmkey_clear(&row);
	if (rc != ODS_OK)
		return rc;
	row.sealed = NULL;
	*out = row;
	log_info("keystore", "key_generated", "repository=%s key=%s algorithm=%s bits=%u",
	         repository, row.locator, dns_alg_name(alg), row.bits);
	return ODS_OK;
}

ods_err
ks_lookup(struct ks *ks, const char *locator, struct db_hsmkey *out, struct diag *d)
{
	struct db *db = NULL;
	ods_err rc = db_pool_get(ks->pool, &db, d);

	if (rc != ODS_OK)
		return rc;
	rc = db_hsmkey_get(db, locator, out, d);
	db_pool_put(ks->pool, db);
	return rc;
}

ods_err
ks_delete(struct ks *ks, const char *locator, struct diag *d)
{
	struct db_hsmkey row;
	struct ks_repo *r;
	struct db *db = NULL;
	ods_err rc;

	rc = ks_lookup(ks, locator, &row, d);
	if (rc != ODS_OK)
		return rc;
	db_hsmkey_clear(&row);
	rc = usable_repo(ks, row.repository, &r, d);
	if (rc != ODS_OK)
		return rc;
	ks_cache_drop(ks->cache, locator);
	rc = r->ops->remove(r->state, locator, d);
	if (rc == ODS_ENOENT)
		log_warning("keystore", "key_missing", "repository=%s key=%s already gone from the "
		            "token; forgetting it", row.repository, locator);
	else if (rc != ODS_OK)
		return rc;
	rc = db_pool_get(ks->pool, &db, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_hsmkey_delete(db, locator, d);
	db_pool_put(ks->pool, db);
	if (rc == ODS_OK)
		log_info("keystore", "key_deleted", "repository=%s key=%s", row.repository, locator);
	return rc;
}

ods_err
ks_list(struct ks *ks, const char *repository, struct db_hsmkey **out, size_t *n,
        struct diag *d)
{
	struct db *db = NULL;
	ods_err rc;

	if (repository && repository[0] && ks_repo_find(ks, repository) == NULL)
		return diag_fail(d, ODS_ENOENT, "repository", "no repository named '%s' in conf.xml",
		                 repository);
	rc = db_pool_get(ks->pool, &db, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_hsmkey_list(db, repository, out, n, d);
	db_pool_put(ks->pool, db);
	return rc;
}

ods_err
ks_count(struct ks *ks, const char *repository, int64_t *out, struct diag *d)
{
	struct db *db = NULL;
	ods_err rc = db_pool_get(ks->pool, &db, d);

	if (rc != ODS_OK)
		return rc;
	rc = db_hsmkey_count(db, repository, out, d);
	db_pool_put(ks->pool, db);
	return rc;
}

static ods_err
check_inputs(int alg, const struct ks_blob *in, size_t n, struct diag *d)
{
	size_t want = dns_alg_digest_len(alg);
	char where[32];

	for (size_t i = 0; i < n; i++) {
		bool ok = want ? in[i].len == want : in[i].len > 0 && in[i].len <= EDDSA_INPUT_MAX;
		if (ok)
			continue;
		snprintf(where, sizeof(where), "inputs[%zu]", i);
		if (want)
			return diag_fail(d, ODS_EINVAL, where,
			                 "%zu bytes; %s signs a %zu-byte digest", in[i].len,
			                 dns_alg_name(alg), want);
		return diag_fail(d, ODS_EINVAL, where, "%zu bytes; %s signs 1..%d bytes", in[i].len,
		                 dns_alg_name(alg), EDDSA_INPUT_MAX);
	}
	return ODS_OK;
}

/* Load the key behind locator into the cache (catalogue, then the token, or the unsealed
 * blob of a software key). */
static ods_err
load_key(struct ks *ks, const char *locator, struct ks_cached *out, struct diag *d)
{
	struct db_hsmkey row;
	struct ks_cached e = {0};
	ods_err rc;

	rc = ks_lookup(ks, locator, &row, d);
	if (rc != ODS_OK)
		return rc;
	rc = usable_repo(ks, row.repository, &e.repo, d);
	if (rc == ODS_OK)
		rc = e.repo->ops->load(e.repo->state, locator, row.algorithm, row.sealed,
		                       row.sealed_len, &e.handle, d);
	db_hsmkey_clear(&row);
	if (rc != ODS_OK)
		return rc;
	e.alg = row.algorithm;
	ks_cache_put(ks->cache, locator, &e);
	*out = e;
	return ODS_OK;
}

ods_err
ks_sign(struct ks *ks, const char *locator, int alg, const struct ks_blob *in, size_t n,
        struct ks_blob *out, struct arena *a, struct diag *d)
{
	struct ks_cached e;
	ods_err rc;

	if (dns_alg_name(alg) == NULL)
		return diag_fail(d, ODS_EINVAL, "algorithm", "unknown algorithm %d", alg);
	rc = check_inputs(alg, in, n, d);
	if (rc != ODS_OK)
		return rc;
	if (!ks_cache_get(ks->cache, locator, &e)) {
		rc = load_key(ks, locator, &e, d);
		if (rc != ODS_OK)
			return rc;
	}
	if (e.alg != alg)
		return diag_fail(d, ODS_EINVAL, "algorithm", "key %s is %s, not %s", locator,
		                 dns_alg_name(e.alg), dns_alg_name(alg));
	rc = e.repo->ops->sign(e.repo->state, e.handle, alg, in, n, out, a, d);
	if (rc == ODS_ESTATE) {
		/* Stale handle (the token was reopened): find the key again, once. */
		ks_cache_drop(ks->cache, locator);
		rc = load_key(ks, locator, &e, d);
		if (rc == ODS_OK)
			rc = e.repo->ops->sign(e.repo->state, e.handle, alg, in, n, out, a, d);
	}
	return rc;
}

ods_err
ks_login(struct ks *ks, const char *repository, const char *pin, size_t *count,
         struct diag *d)
{
	size_t ok = 0, tried = 0;
	ods_err rc = ODS_OK;

	for (size_t i = 0; i < ks->n_repos; i++) {
		struct ks_repo *r = &ks->repos[i];
		struct diag rd = {0};
		ods_err one;

		if (repository && repository[0] && strcmp(r->conf->name, repository) != 0)
			continue;
		tried++;
		pthread_mutex_lock(&r->mu);
		if (r->state) {
			one = r->ops->login(r->state, pin, &rd);
		} else {
			void *state = NULL;
			one = r->ops->open(r->conf, pin, &state, &rd);
			if (one == ODS_OK || one == ODS_ESTATE)
				r->state = state;
		}
		set_error(r, one, one == ODS_OK ? NULL : &rd);
		pthread_mutex_unlock(&r->mu);
		if (one == ODS_OK) {
			ok++;
			log_info("keystore", "login", "repository=%s logged in", r->conf->name);
		} else {
			rc = one;
			*d = rd;
		}
	}
	if (tried == 0)
		return diag_fail(d, ODS_ENOENT, "repository", "no repository named '%s' in conf.xml",
		                 repository ? repository : "");
	*count = ok;
	return rc;
}

ods_err
ks_backup(struct ks *ks, const char *repository, int op, int64_t *changed, int64_t counts[4],
          struct diag *d)
{
	static const enum db_backup from[] = {0, DB_BACKUP_REQUIRED, DB_BACKUP_REQUESTED,
	                                      DB_BACKUP_REQUESTED};
	static const enum db_backup to[] = {0, DB_BACKUP_REQUESTED, DB_BACKUP_DONE,
	                                    DB_BACKUP_REQUIRED};
	struct db *db = NULL;
	ods_err rc;

	if (ks_repo_find(ks, repository) == NULL)
		return diag_fail(d, ODS_ENOENT, "repository", "no repository named '%s' in conf.xml",
		                 repository);
	if (op < 0 || op > 3)
		return diag_fail(d, ODS_EINVAL, "op", "unknown backup operation %d", op);
	rc = db_pool_get(ks->pool, &db, d);
	if (rc != ODS_OK)
		return rc;
	*changed = 0;
	if (op > 0)
		rc = db_hsmkey_backup_move(db, repository, from[op], to[op], changed, d);
	if (rc == ODS_OK)
		rc = db_hsmkey_backup_counts(db, repository, counts, d);
	db_pool_put(ks->pool, db);
	return rc;
}
