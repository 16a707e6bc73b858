/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one database API: a PostgreSQL connection over libpq with statements prepared once per
 * connection and cached by name, explicit transaction objects, a buffered COPY writer, and
 * SQLSTATE turned into ods_err + diag right here, so no caller ever sees a SQLSTATE. A broken
 * connection is repaired transparently, once, before a statement is sent outside a
 * transaction; inside a transaction it is ODS_EUNAVAIL and the transaction is lost. The
 * db_<group>.c modules hold the SQL and call db_query; nothing else in the tree talks to libpq.
 *
 * Threads: a struct db (and its tx and copy objects) is used by one thread at a time; separate
 * struct db objects may be used from separate threads at once. Never share one across fork().
 *
 * Results: db_query hands out libpq's PGresult; the caller copies the rows it needs into its
 * own structs and PQclear()s the result in the same function (STYLE.md, "Ownership").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "lib/base/err.h"

struct db;
struct db_tx;
struct db_copy;

/* PostgreSQL's limit for a statement name (NAMEDATALEN - 1). */
#define DB_STMT_NAME_MAX 63

/* Connect. conninfo is a libpq connection string ("host=/run/pg dbname=ods", or a
 * postgresql:// URI); NULL or "" means libpq's defaults from the PG* environment variables.
 * Defaults are added underneath it (the string wins where it sets the same keyword):
 * keepalives=1 keepalives_idle=5 keepalives_interval=2 keepalives_count=3 (TCP only),
 * connect_timeout=10 (unless PGCONNECT_TIMEOUT is set),
 * and fallback_application_name=ods (so PGAPPNAME or application_name= in the string win).
 * libpq notices are routed to the log (mod=db event=pg_notice).
 * On success *out is a new connection owned by the caller (free with db_close).
 * Errors: ODS_EINVAL for an unparsable conninfo, ODS_EUNAVAIL when the server cannot be reached
 * or refuses the connection (d->msg is PostgreSQL's message), ODS_ENOMEM. */
ods_err db_open(struct db **out, const char *conninfo, struct diag *d);

/* Close the connection and free db. NULL-safe. An open transaction is rolled back by the
 * server. Any COPY must have been ended or aborted before. */
void db_close(struct db *db);

/* True when the connection is up as far as libpq knows (no I/O is done). NULL gives false. */
bool db_is_connected(const struct db *db);

/* Make sure the connection is usable: read what the server sent while we were idle (a
 * shutdown notice, EOF) and, outside a transaction, reconnect once (PQreset) if it is broken;
 * the prepared-statement cache is emptied then. Errors: ODS_EUNAVAIL when it is still broken,
 * or when it broke inside a transaction (the transaction is lost: roll it back);
 * ODS_ESTATE while a COPY is in progress. */
ods_err db_ensure(struct db *db, struct diag *d);

/* Run one simple command (or several separated by ';') with no parameters and no rows wanted,
 * e.g. DDL. Same connection repair and error mapping as db_query; d->where is "db". */
ods_err db_exec(struct db *db, const char *sql, struct diag *d);

/* Run a prepared statement. name (1..DB_STMT_NAME_MAX bytes) identifies sql: the statement is
 * prepared on first use on this connection and reused afterwards, so a name must always be
 * used with the same sql (ODS_EINTERNAL otherwise). params are nparams text values (a NULL
 * entry is SQL NULL), referenced as $1..$n. On success, if res is not NULL, *res is the
 * result (rows for SELECT or RETURNING, else an empty command result), owned by the caller,
 * who PQclear()s it; with res NULL the result is discarded. Inside an open transaction the
 * statement runs in it.
 * Errors (d->where = name, d->msg starts with PostgreSQL's primary message):
 *   ODS_EEXIST    unique_violation (23505)
 *   ODS_EINVAL    foreign key, check or not-null violation (23503, 23514, 23502), data
 *                 exceptions (22xxx: bad value, overflow, division by zero), or a bad name
 *   ODS_EPERM     insufficient privilege (42501)
 *   ODS_ETIMEDOUT statement cancelled by statement_timeout (57014)
 *   ODS_EUNAVAIL  connection failure (08xxx, 57P01..57P03, or none reported): outside a
 *                 transaction the connection is repaired once *before* sending if it was found
 *                 broken; a statement whose connection breaks while it is in flight is not
 *                 retried (it may have run) and the next call reconnects
 *   ODS_EDB       everything else, including serialization failure and deadlock (40001,
 *                 40P01; d->msg ends in "; retry the transaction")
 *   ODS_ESTATE    a COPY is in progress on this connection
 * After an error inside a transaction the transaction is aborted: only rollback is useful. */
ods_err db_query(struct db *db, const char *name, const char *sql, int nparams,
                 const char *const *params, PGresult **res, struct diag *d);

/* SQLSTATE of the last failed statement on db ("23505"), "" if none or not reported by the
 * server. For callers that must tell two constraints apart; valid until the next call. */
const char *db_last_sqlstate(const struct db *db);

/* How many times this connection was re-established by db_ensure/db_query (for metrics and
 * tests). */
uint64_t db_reconnect_count(const struct db *db);

/* Begin a transaction (READ COMMITTED). On success *out is the open transaction; it belongs to
 * db, is valid until db_tx_commit or db_tx_rollback, and statements run in it through
 * db_query/db_exec/db_copy_* on the same db. Only one transaction per db at a time.
 * Errors: ODS_ESTATE when one is already open or a COPY is in progress, ODS_EUNAVAIL,
 * ODS_EDB. */
ods_err db_tx_begin(struct db *db, struct db_tx **out, struct diag *d);

/* Commit and consume *tx (set to NULL whatever the outcome; a later db_tx_rollback(NULL) is a
 * no-op). Errors: ODS_EDB when an earlier statement failed and the server rolled back instead
 * (or a deferred constraint or serialization failure at commit, mapped as in db_query),
 * ODS_EUNAVAIL when the connection was lost before or during COMMIT (during: the outcome is
 * unknown), ODS_EINVAL when *tx is NULL. On any error nothing of the transaction is kept,
 * except possibly in that "outcome unknown" case. */
ods_err db_tx_commit(struct db_tx **tx, struct diag *d);

/* Roll back and end the transaction. NULL-safe and a no-op on a transaction that has already
 * ended (committed, rolled back). Ends a COPY still in progress in the transaction (its
 * struct db_copy must still be released with db_copy_abort). Never fails: on a broken
 * connection the server has already rolled back. */
void db_tx_rollback(struct db_tx *tx);

/* Start `COPY table (cols) FROM STDIN` (text format; sql is that statement). On success *out
 * is the writer, owned by the caller until db_copy_end or db_copy_abort. Runs inside the open
 * transaction if there is one, else in its own implicit one. While it is active the db takes
 * no other statements (ODS_ESTATE). Errors as db_query (d->where = "copy"). */
ods_err db_copy_begin(struct db *db, const char *copy_from_stdin_sql, struct db_copy **out,
                      struct diag *d);

/* Append one row of nfields text values. fields[i] NULL means SQL NULL (sent as \N); lens may
 * be NULL (then each field is a C string) or give each field's length. Tab, newline, carriage
 * return and backslash are escaped; rows are buffered and sent in chunks of about 64 KiB.
 * Errors: ODS_EINVAL for nfields < 1 or a field holding a 0x00 byte (the row is not written,
 * the COPY goes on); ODS_EUNAVAIL when sending fails (the COPY is dead: only db_copy_end or
 * db_copy_abort are useful, and they report it). Errors the server finds in the data (a bad
 * integer, a unique violation) are only reported by db_copy_end. */
ods_err db_copy_row(struct db_copy *c, int nfields, const char *const *fields,
                    const size_t *lens);

/* Finish the COPY and free c (always, also on error). On success *rows (may be NULL) is the
 * number of rows the server stored. On an error nothing is stored: the COPY is aborted if
 * needed; errors are mapped as in db_query (e.g. 22P02 bad value -> ODS_EINVAL, 23505 ->
 * ODS_EEXIST), with d->where = "copy". */
ods_err db_copy_end(struct db_copy *c, uint64_t *rows, struct diag *d);

/* Abort the COPY (nothing is stored; inside a transaction, the transaction is then aborted)
 * and free c. NULL-safe. */
void db_copy_abort(struct db_copy *c);

/* Wait up to timeout_ms for a NOTIFY on a channel this connection LISTENs to (db_exec
 * "LISTEN ch" first; a reconnect forgets it, so LISTEN again after ODS_EUNAVAIL). ODS_OK when
 * one or more arrived (all are consumed), ODS_ETIMEDOUT when none did, ODS_EUNAVAIL when the
 * connection is broken. */
ods_err db_wait_notify(struct db *db, int timeout_ms, struct diag *d);

/* bytea in PostgreSQL's text hex form: "\x0a1b..." for a parameter (malloc'd, NULL when out
 * of memory), and a result value decoded into out (cap bytes; false if malformed or too long). */
char *db_bytea_text(const uint8_t *b, size_t n);
/* The same into out, which has room for 2 * n + 3 bytes (no allocation). */
void db_bytea_text_into(const uint8_t *b, size_t n, char *out);
bool db_bytea_decode(const char *s, uint8_t *out, size_t cap, size_t *len);
