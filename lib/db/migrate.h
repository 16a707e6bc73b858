/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Numbered SQL migrations (lib/db/migrations/NNNN_name.sql), embedded at build time and
 * applied at start-up in one transaction under an advisory lock, recorded in schema_version.
 */
#pragma once

#include "lib/base/err.h"

struct db;

struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

/* The generated table, in version order. */
extern const struct db_migration db_migrations[];
extern const unsigned db_migrations_count;

/* Apply every migration newer than the database's schema_version, all in one transaction
 * serialised by pg_advisory_xact_lock, so two services starting at once apply each exactly
 * once. *version_out gets the schema version afterwards; *applied_out (may be NULL) how many
 * were applied by this call. ODS_EUNAVAIL when the server is unreachable, ODS_EDB when a
 * migration fails (d names the migration and PostgreSQL's message); nothing is applied then.
 * A database NEWER than this binary (*version_out > db_migrate_latest(), a rolling upgrade
 * where another replica already migrated) is not an error: nothing is applied and ODS_OK is
 * returned; the caller should log it (and may refuse to start if it needs an exact schema).
 * db must not have a transaction open (ODS_ESTATE). Migrations must not contain
 * BEGIN/COMMIT or statements that cannot run in a transaction block. Versions are compared
 * with max(version), so a migration numbered below the database's version is never applied.
 * Thread-safety: as for db (one thread per struct db); any number of processes may call it
 * concurrently on their own connections. */
ods_err db_migrate(struct db *db, int *version_out, int *applied_out, struct diag *d);

/* db_migrate with an explicit list instead of the embedded table, for tests: list must be in
 * strictly increasing version order with versions > 0 (ODS_EINTERNAL otherwise). */
ods_err db_migrate_list(struct db *db, const struct db_migration *list, unsigned count,
                        int *version_out, int *applied_out, struct diag *d);

/* The newest version this binary knows. */
int db_migrate_latest(void);
