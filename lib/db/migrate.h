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
 * migration fails (d names the migration and PostgreSQL's message); nothing is applied then. */
ods_err db_migrate(struct db *db, int *version_out, int *applied_out, struct diag *d);

/* The newest version this binary knows. */
int db_migrate_latest(void);
