/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Schema migrations (migrate.h). Everything happens in one READ COMMITTED transaction that
 * first takes a transaction-scoped advisory lock: replicas starting together queue on the
 * lock, and because each statement after it takes a fresh snapshot, a waiter that gets the
 * lock sees the schema_version rows the previous holder committed and applies nothing twice.
 * PostgreSQL's DDL is transactional, so a failing migration leaves no trace, not even the
 * schema_version table on a fresh database.
 */
#include "lib/db/migrate.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/db/db.h"

static const char lock_sql[] = "SELECT pg_advisory_xact_lock(hashtext('ods-migrate'))";

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version int PRIMARY KEY,"
	" name text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())";

static const char current_sql[] = "SELECT coalesce(max(version), 0) FROM schema_version";

static const char record_sql[] = "INSERT INTO schema_version (version, name) VALUES ($1, $2)";

int
db_migrate_latest(void)
{
	return db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
}

static ods_err
check_list(const struct db_migration *list, unsigned count, struct diag *d)
{
	int prev = 0;

	for (unsigned i = 0; i < count; i++) {
		if (list[i].version <= prev || list[i].name == NULL || list[i].sql == NULL)
			return diag_fail(d, ODS_EINTERNAL, "migrations",
			                 "entry %u is out of order or incomplete", i);
		prev = list[i].version;
	}
	return ODS_OK;
}

static ods_err
read_version(struct db *db, int *version, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc;

	rc = db_query(db, "migrate_current", current_sql, 0, NULL, &res, d);
	if (rc != ODS_OK)
		return rc;
	*version = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}

/* Run one migration and record it. A failure is ODS_EDB (or ODS_EUNAVAIL) named after the
 * file, "0002_jobs", with PostgreSQL's message. */
static ods_err
apply_one(struct db *db, const struct db_migration *m, struct diag *d)
{
	struct diag ld = { 0 };
	char where[DIAG_WHERE_MAX];
	char ver[16];
	const char *params[2] = { ver, m->name };
	ods_err rc;

	snprintf(ver, sizeof(ver), "%d", m->version);
	rc = db_exec(db, m->sql, &ld);
	if (rc == ODS_OK)
		rc = db_query(db, "migrate_record", record_sql, 2, params, NULL, &ld);
	if (rc == ODS_OK)
		return ODS_OK;
	snprintf(where, sizeof(where), "%04d_%s", m->version, m->name);
	return diag_fail(d, rc == ODS_EUNAVAIL ? rc : ODS_EDB, where, "%s", ld.msg);
}

ods_err
db_migrate_list(struct db *db, const struct db_migration *list, unsigned count,
                int *version_out, int *applied_out, struct diag *d)
{
	struct db_tx *tx = NULL;
	int cur = 0;
	int applied = 0;
	ods_err rc;

	rc = check_list(list, count, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_tx_begin(db, &tx, d);
	if (rc != ODS_OK)
		return rc;
	rc = db_query(db, "migrate_lock", lock_sql, 0, NULL, NULL, d);
	if (rc == ODS_OK)
		rc = db_exec(db, create_sql, d);
	if (rc == ODS_OK)
		rc = read_version(db, &cur, d);
	for (unsigned i = 0; rc == ODS_OK && i < count; i++) {
		if (list[i].version <= cur)
			continue;
		rc = apply_one(db, &list[i], d);
		if (rc == ODS_OK)
			applied++;
	}
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	db_tx_rollback(tx);
	if (rc != ODS_OK)
		return rc;
	if (applied > 0)
		cur = list[count - 1].version;
	if (version_out)
		*version_out = cur;
	if (applied_out)
		*applied_out = applied;
	return ODS_OK;
}

ods_err
db_migrate(struct db *db, int *version_out, int *applied_out, struct diag *d)
{
	return db_migrate_list(db, db_migrations, db_migrations_count, version_out, applied_out,
	                       d);
}
