/* SPDX-License-Identifier: BSD-2-Clause */
/* SQL for the key catalogue. bytea travels in PostgreSQL's text hex form (\x...). */
#include "lib/db/db_hsmkey.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hex.h"
#include "lib/db/db.h"

#define COLS "repository, locator, algorithm, bits, public_key, public_on_token, backup, " \
	     "extract(epoch FROM created_at)::bigint"

void
db_hsmkey_clear(struct db_hsmkey *k)
{
	free(k->sealed);
	k->sealed = NULL;
	k->sealed_len = 0;
}

static ods_err
row_read(PGresult *res, int row, struct db_hsmkey *k, struct diag *d)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->repository, sizeof(k->repository), "%s", PQgetvalue(res, row, 0));
	snprintf(k->locator, sizeof(k->locator), "%s", PQgetvalue(res, row, 1));
	k->algorithm = (int)strtol(PQgetvalue(res, row, 2), NULL, 10);
	k->bits = (unsigned)strtoul(PQgetvalue(res, row, 3), NULL, 10);
	if (!db_bytea_decode(PQgetvalue(res, row, 4), k->pubkey, sizeof(k->pubkey), &k->pubkey_len))
		return diag_fail(d, ODS_EDB, "hsm_key", "bad public key stored for %s", k->locator);
	k->public_on_token = PQgetvalue(res, row, 5)[0] == 't';
	k->backup = (enum db_backup)strtol(PQgetvalue(res, row, 6), NULL, 10);
	k->created_unix = strtoll(PQgetvalue(res, row, 7), NULL, 10);
	return ODS_OK;
}

ods_err
db_hsmkey_insert(struct db *db, const struct db_hsmkey *k, struct diag *d)
{
	char alg[16], bits[16], backup[8];
	char *pub = db_bytea_text(k->pubkey, k->pubkey_len);
	char *sealed = k->sealed ? db_bytea_text(k->sealed, k->sealed_len) : NULL;
	ods_err rc;

	if (pub == NULL || (k->sealed && sealed == NULL)) {
		free(pub);
		free(sealed);
		return ODS_ENOMEM;
	}
	snprintf(alg, sizeof(alg), "%d", k->algorithm);
	snprintf(bits, sizeof(bits), "%u", k->bits);
	snprintf(backup, sizeof(backup), "%d", (int)k->backup);
	const char *p[] = {k->repository, k->locator, alg, bits, pub,
	                   k->public_on_token ? "t" : "f", backup, sealed};
	rc = db_query(db, "hsmkey_insert",
	              "INSERT INTO hsm_key (repository, locator, algorithm, bits, public_key, "
	              "public_on_token, backup, sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	              8, p, NULL, d);
	free(pub);
	free(sealed);
	return rc;
}

ods_err
db_hsmkey_get(struct db *db, const char *locator, struct db_hsmkey *out, struct diag *d)
{
	PGresult *res = NULL;
	const char *p[] = {locator};
	ods_err rc = db_query(db, "hsmkey_get",
	                      "SELECT " COLS ", sealed FROM hsm_key WHERE locator = $1", 1, p, &res,
	                      d);

	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "locator", "no key with locator %s", locator);
	}
	struct db_hsmkey k;
	rc = row_read(res, 0, &k, d);
	if (rc == ODS_OK && !PQgetisnull(res, 0, 8)) {
		const char *s = PQgetvalue(res, 0, 8);
		size_t cap = strlen(s) / 2;
		k.sealed = malloc(cap ? cap : 1);
		if (k.sealed == NULL || !db_bytea_decode(s, k.sealed, cap, &k.sealed_len)) {
			db_hsmkey_clear(&k);
			rc = diag_fail(d, ODS_EDB, "hsm_key", "bad sealed key stored for %s", locator);
		}
	}
	PQclear(res);
	if (rc == ODS_OK)
		*out = k;
	return rc;
}

ods_err
db_hsmkey_list(struct db *db, const char *repository, struct db_hsmkey **out, size_t *n,
               struct diag *d)
{
	PGresult *res = NULL;
	const char *p[] = {repository ? repository : ""};
	struct db_hsmkey *keys;
	ods_err rc = db_query(db, "hsmkey_list",
	                      "SELECT " COLS " FROM hsm_key WHERE $1 = '' OR repository = $1 "
	                      "ORDER BY created_at, id",
	                      1, p, &res, d);

	if (rc != ODS_OK)
		return rc;
	int rows = PQntuples(res);
	keys = calloc(rows ? (size_t)rows : 1, sizeof(*keys));
	if (keys == NULL) {
		PQclear(res);
		return ODS_ENOMEM;
	}
	for (int i = 0; i < rows && rc == ODS_OK; i++)
		rc = row_read(res, i, &keys[i], d);
	PQclear(res);
	if (rc != ODS_OK) {
		free(keys);
		return rc;
	}
	*out = keys;
	*n = (size_t)rows;
	return ODS_OK;
}

ods_err
db_hsmkey_count(struct db *db, const char *repository, int64_t *out, struct diag *d)
{
	PGresult *res = NULL;
	const char *p[] = {repository};
	ods_err rc = db_query(db, "hsmkey_count",
	                      "SELECT count(*) FROM hsm_key WHERE repository = $1", 1, p, &res, d);

	if (rc != ODS_OK)
		return rc;
	*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}

ods_err
db_hsmkey_delete(struct db *db, const char *locator, struct diag *d)
{
	PGresult *res = NULL;
	const char *p[] = {locator};
	ods_err rc = db_query(db, "hsmkey_delete",
	                      "DELETE FROM hsm_key WHERE locator = $1 RETURNING id", 1, p, &res, d);

	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	PQclear(res);
	if (n == 0)
		return diag_fail(d, ODS_ENOENT, "locator", "no key with locator %s", locator);
	return ODS_OK;
}

ods_err
db_hsmkey_backup_move(struct db *db, const char *repository, enum db_backup from,
                      enum db_backup to, int64_t *changed, struct diag *d)
{
	PGresult *res = NULL;
	char f[8], t[8];
	ods_err rc;

	snprintf(f, sizeof(f), "%d", (int)from);
	snprintf(t, sizeof(t), "%d", (int)to);
	const char *p[] = {repository, f, t};
	rc = db_query(db, "hsmkey_backup_move",
	              "WITH m AS (UPDATE hsm_key SET backup = $3 WHERE repository = $1 "
	              "AND backup = $2 RETURNING 1) SELECT count(*) FROM m",
	              3, p, &res, d);
	if (rc != ODS_OK)
		return rc;
	*changed = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}

ods_err
db_hsmkey_backup_counts(struct db *db, const char *repository, int64_t counts[4],
                        struct diag *d)
{
	PGresult *res = NULL;
	const char *p[] = {repository};
	ods_err rc = db_query(db, "hsmkey_backup_counts",
	                      "SELECT backup, count(*) FROM hsm_key WHERE repository = $1 "
	                      "GROUP BY backup",
	                      1, p, &res, d);

	if (rc != ODS_OK)
		return rc;
	for (int i = 0; i < 4; i++)
		counts[i] = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		long b = strtol(PQgetvalue(res, i, 0), NULL, 10);
		if (b >= 0 && b < 4)
			counts[b] = strtoll(PQgetvalue(res, i, 1), NULL, 10);
	}
	PQclear(res);
	return ODS_OK;
}

ods_err
db_hsmkey_lock_repository(struct db *db, const char *repository, struct diag *d)
{
	const char *p[] = {repository};

	return db_query(db, "hsmkey_lock_repo",
	                "SELECT pg_advisory_xact_lock(hashtext('ods-keystore:' || $1))", 1, p, NULL,
	                d);
}
