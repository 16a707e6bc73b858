/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libpq behind the one database API (db.h). Design points: (1) libpq only learns that the
 * server went away when it next reads, so before each statement we read whatever arrived while
 * the connection was idle (a FATAL "terminating connection due to administrator command", EOF);
 * outside a transaction a broken connection is then reset once, and since nothing was sent
 * nothing can run twice. A statement that fails in flight is never resent: it may have run.
 * (2) Protocol-level prepared statements live as long as the session, not the transaction, so
 * the per-connection name cache is emptied only on reconnect. (3) The SQLSTATE -> ods_err table
 * is the only place foreign codes are translated. (4) COPY data need not align with rows in
 * CopyData messages, so rows are escaped straight into one fixed 64 KiB buffer that is sent
 * whenever it fills: no per-row round trip, no growing buffer.
 */
#include "lib/db/db.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hex.h"
#include "lib/base/log.h"

#define COPY_CHUNK (64 * 1024)

/* A statement prepared on the current connection; sql_hash catches a name reused for
 * different SQL, which would otherwise silently run the first statement. */
struct stmt {
	char name[DB_STMT_NAME_MAX + 1];
	uint32_t sql_hash;
};

struct db_tx {
	struct db *db;
	bool open;
	bool lost;              /* the connection broke inside it: the server rolled it back */
};

struct db {
	PGconn *conn;
	struct stmt *stmts;     /* prepared on this connection, emptied on reconnect */
	size_t n_stmts;
	size_t cap_stmts;
	struct db_tx tx;        /* the one transaction a connection can hold */
	struct db_copy *copy;   /* the COPY in progress, or NULL */
	bool fatal_seen;        /* the server sent FATAL/PANIC while idle: it is closing */
	uint64_t reconnects;
	char sqlstate[6];       /* of the last failed statement, "" if none */
};

struct db_copy {
	struct db *db;
	bool dead;              /* no longer the db's COPY: sending failed or the tx ended it */
	ods_err err;            /* why it is dead */
	struct diag diag;
	size_t len;             /* bytes pending in buf */
	char buf[COPY_CHUNK];
};

/* SQLSTATE (or class, when n is 2) -> ods_err; first match wins, so exact codes go first. */
static const struct {
	const char *code;
	size_t n;
	ods_err err;
	bool retry;
} sqlstate_map[] = {
	{ "23505", 5, ODS_EEXIST, false },     /* unique_violation */
	{ "23503", 5, ODS_EINVAL, false },     /* foreign_key_violation */
	{ "23514", 5, ODS_EINVAL, false },     /* check_violation */
	{ "23502", 5, ODS_EINVAL, false },     /* not_null_violation */
	{ "22", 2, ODS_EINVAL, false },        /* data_exception */
	{ "42501", 5, ODS_EPERM, false },      /* insufficient_privilege */
	{ "57014", 5, ODS_ETIMEDOUT, false },  /* query_canceled (statement_timeout) */
	{ "57P01", 5, ODS_EUNAVAIL, false },   /* admin_shutdown */
	{ "57P02", 5, ODS_EUNAVAIL, false },   /* crash_shutdown */
	{ "57P03", 5, ODS_EUNAVAIL, false },   /* cannot_connect_now */
	{ "08", 2, ODS_EUNAVAIL, false },      /* connection_exception */
	{ "40001", 5, ODS_EDB, true },         /* serialization_failure */
	{ "40P01", 5, ODS_EDB, true },         /* deadlock_detected */
};

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;       /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Copy a libpq message into a diag-sized buffer on one line. */
static void
one_line(char *dst, size_t n, const char *src)
{
	size_t k = 0;

	for (; src && *src && k + 1 < n; src++)
		dst[k++] = (*src == '\n' || *src == '\t' || *src == '\r') ? ' ' : *src;
	while (k > 0 && dst[k - 1] == ' ')
		k--;
	dst[k] = '\0';
}

static ods_err
conn_fail(struct db *db, ods_err e, const char *where, const char *prefix, struct diag *d)
{
	char msg[DIAG_MSG_MAX];

	one_line(msg, sizeof(msg), db->conn ? PQerrorMessage(db->conn) : "no connection");
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "connection to the database lost");
	return diag_fail(d, e, where, "%s%s", prefix, msg);
}

/* libpq's notices go to the log; a FATAL while idle means the server is closing on us. */
static void
notice_receiver(void *arg, const PGresult *r)
{
	struct db *db = arg;
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	char msg[DIAG_MSG_MAX];

	one_line(msg, sizeof(msg), PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
	if (sev == NULL)
		sev = "NOTICE";
	if (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0) {
		db->fatal_seen = true;
		log_warning("db", "pg_notice", "severity=%s %s", sev, msg);
	} else if (strcmp(sev, "WARNING") == 0) {
		log_warning("db", "pg_notice", "severity=%s %s", sev, msg);
	} else {
		log_debug("db", "pg_notice", "severity=%s %s", sev, msg);
	}
}

/* A typo in a connection string is ODS_EINVAL, not an unreachable server. Plain database names
 * (no '=', no URI scheme) are not connection strings and are left to libpq. */
static ods_err
check_conninfo(const char *conninfo, struct diag *d)
{
	PQconninfoOption *opts;
	char *err = NULL;
	char msg[DIAG_MSG_MAX];

	if (!strchr(conninfo, '=') && strncmp(conninfo, "postgresql://", 13) != 0 &&
	    strncmp(conninfo, "postgres://", 11) != 0)
		return ODS_OK;
	opts = PQconninfoParse(conninfo, &err);
	if (opts != NULL) {
		PQconninfoFree(opts);
		return ODS_OK;
	}
	one_line(msg, sizeof(msg), err ? err : "out of memory");
	PQfreemem(err);
	return diag_fail(d, ODS_EINVAL, "conninfo", "%s", msg);
}

/* Our defaults first, then the caller's conninfo expanded as "dbname": libpq applies keywords
 * in order, so whatever the caller sets wins, and it skips empty values ("" = all defaults).
 * keys/vals need room for 8 entries. */
static void
build_params(const char *conninfo, const char *keys[8], const char *vals[8])
{
	static const char *const defaults[][2] = {
		{ "keepalives", "1" },
		{ "keepalives_idle", "5" },
		{ "keepalives_interval", "2" },
		{ "keepalives_count", "3" },
		{ "fallback_application_name", "ods" },
		{ "connect_timeout", "10" },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		/* an explicit keyword would override the environment: leave PGCONNECT_TIMEOUT be */
		if (strcmp(defaults[i][0], "connect_timeout") == 0 && getenv("PGCONNECT_TIMEOUT"))
			continue;
		keys[n] = defaults[i][0];
		vals[n++] = defaults[i][1];
	}
	keys[n] = "dbname";
	vals[n++] = conninfo;
	keys[n] = NULL;
	vals[n] = NULL;
}

ods_err
db_open(struct db **out, const char *conninfo, struct diag *d)
{
	const char *keys[8];
	const char *vals[8];
	struct db *db;
	ods_err rc;

	if (out == NULL)
		return diag_fail(d, ODS_EINVAL, "db", "no output pointer");
	if (conninfo == NULL)
		conninfo = "";
	rc = check_conninfo(conninfo, d);
	if (rc != ODS_OK)
		return rc;
	build_params(conninfo, keys, vals);
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return diag_fail(d, ODS_ENOMEM, "db", "out of memory");
	db->tx.db = db;
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL) {
		free(db);
		return diag_fail(d, ODS_ENOMEM, "db", "out of memory");
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		rc = conn_fail(db, ODS_EUNAVAIL, "db", "", d);
		db_close(db);
		return rc;
	}
	PQsetNoticeReceiver(db->conn, notice_receiver, db);
	*out = db;
	return ODS_OK;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn)
		PQfinish(db->conn);
	free(db->stmts);
	free(db);
}

bool
db_is_connected(const struct db *db)
{
	return db && db->conn && PQstatus(db->conn) == CONNECTION_OK && !db->fatal_seen;
}

const char *
db_last_sqlstate(const struct db *db)
{
	return db ? db->sqlstate : "";
}

uint64_t
db_reconnect_count(const struct db *db)
{
	return db ? db->reconnects : 0;
}

/* Read what arrived while idle, without blocking (libpq keeps its socket non-blocking):
 * PQconsumeInput notices EOF, and PQisBusy parses a pending FATAL into notice_receiver.
 * Notifications stay queued for whoever LISTENs. */
static bool
conn_alive(struct db *db)
{
	if (PQstatus(db->conn) != CONNECTION_OK || db->fatal_seen)
		return false;
	if (!PQconsumeInput(db->conn))
		return false;
	(void)PQisBusy(db->conn);
	return PQstatus(db->conn) == CONNECTION_OK && !db->fatal_seen;
}

static ods_err
reconnect(struct db *db, const char *where, struct diag *d)
{
	db->n_stmts = 0;                /* the new session knows none of them */
	db->fatal_seen = false;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK)
		return conn_fail(db, ODS_EUNAVAIL, where, "reconnect failed: ", d);
	db->reconnects++;
	return ODS_OK;
}

/* Everything that must hold before a statement is sent; see the module comment. */
static ods_err
before_statement(struct db *db, const char *where, struct diag *d)
{
	if (db->copy)
		return diag_fail(d, ODS_ESTATE, where, "a COPY is in progress on this connection");
	if (db->tx.open) {
		if (!db->tx.lost && conn_alive(db))
			return ODS_OK;
		db->tx.lost = true;
		return diag_fail(d, ODS_EUNAVAIL, where,
		                 "connection lost inside a transaction; it was rolled back");
	}
	if (conn_alive(db))
		return ODS_OK;
	return reconnect(db, where, d);
}

ods_err
db_ensure(struct db *db, struct diag *d)
{
	if (db == NULL)
		return diag_fail(d, ODS_EINVAL, "db", "no connection");
	return before_statement(db, "db", d);
}

/* Leave the connection idle after a result we did not expect (a COPY started by db_exec). */
static void
drain(struct db *db)
{
	PGresult *r;

	for (;;) {
		r = PQgetResult(db->conn);
		if (r == NULL)
			break;
		if (PQresultStatus(r) == PGRES_COPY_IN) {
			if (PQputCopyEnd(db->conn, "COPY FROM STDIN only via db_copy_begin") != 1) {
				PQclear(r);
				break;          /* broken: the next statement finds out */
			}
		} else if (PQresultStatus(r) == PGRES_COPY_OUT) {
			char *buf = NULL;

			while (PQgetCopyData(db->conn, &buf, 0) > 0)
				PQfreemem(buf);
		}
		PQclear(r);
		if (PQstatus(db->conn) != CONNECTION_OK)
			break;
	}
}

/* Turn a failed result (or NULL) into ods_err + diag; clears r. */
static ods_err
result_error(struct db *db, PGresult *r, const char *where, struct diag *d)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char prim[DIAG_MSG_MAX];
	char detail[DIAG_MSG_MAX];
	ods_err e = ODS_EDB;
	bool retry = false;
	bool found = false;

	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	for (size_t i = 0; state && i < sizeof(sqlstate_map) / sizeof(sqlstate_map[0]); i++) {
		if (strncmp(state, sqlstate_map[i].code, sqlstate_map[i].n) == 0) {
			e = sqlstate_map[i].err;
			retry = sqlstate_map[i].retry;
			found = true;
			break;
		}
	}
	if (!found && PQstatus(db->conn) != CONNECTION_OK)
		e = ODS_EUNAVAIL;               /* libpq's own "server closed the connection" */
	if (e == ODS_EUNAVAIL && db->tx.open)
		db->tx.lost = true;
	if (r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) {
		one_line(prim, sizeof(prim), PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
		one_line(detail, sizeof(detail), PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL));
	} else {
		one_line(prim, sizeof(prim), r ? PQresultErrorMessage(r) : "");
		if (prim[0] == '\0')
			one_line(prim, sizeof(prim), PQerrorMessage(db->conn));
		detail[0] = '\0';
	}
	PQclear(r);
	return diag_fail(d, e, where, "%s%s%s%s%s", prim, detail[0] ? " (" : "", detail,
	                 detail[0] ? ")" : "", retry ? "; retry the transaction" : "");
}

/* Check a statement's result; on success hand it to *res or clear it. */
static ods_err
finish(struct db *db, PGresult *r, const char *where, PGresult **res, struct diag *d)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		db->sqlstate[0] = '\0';
		if (res)
			*res = r;
		else
			PQclear(r);
		return ODS_OK;
	}
	if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
		PQclear(r);
		drain(db);
		return diag_fail(d, ODS_EINVAL, where, "COPY is only supported via db_copy_begin");
	}
	return result_error(db, r, where, d);
}

ods_err
db_exec(struct db *db, const char *sql, struct diag *d)
{
	ods_err rc;

	if (db == NULL || sql == NULL)
		return diag_fail(d, ODS_EINVAL, "db", "no connection or statement");
	rc = before_statement(db, "db", d);
	if (rc != ODS_OK)
		return rc;
	return finish(db, PQexec(db->conn, sql), "db", NULL, d);
}

static struct stmt *
stmt_find(struct db *db, const char *name)
{
	for (size_t i = 0; i < db->n_stmts; i++)
		if (strcmp(db->stmts[i].name, name) == 0)
			return &db->stmts[i];
	return NULL;
}

/* Room for one more cache entry, made before preparing so that recording cannot fail after
 * the server has the statement. */
static ods_err
stmt_reserve(struct db *db, const char *where, struct diag *d)
{
	struct stmt *n;
	size_t cap;

	if (db->n_stmts < db->cap_stmts)
		return ODS_OK;
	cap = db->cap_stmts ? db->cap_stmts * 2 : 16;
	n = realloc(db->stmts, cap * sizeof(*n));
	if (n == NULL)
		return diag_fail(d, ODS_ENOMEM, where, "out of memory");
	db->stmts = n;
	db->cap_stmts = cap;
	return ODS_OK;
}

ods_err
db_query(struct db *db, const char *name, const char *sql, int nparams,
         const char *const *params, PGresult **res, struct diag *d)
{
	size_t nlen = name ? strlen(name) : 0;
	struct stmt *st;
	uint32_t h;
	ods_err rc;

	if (db == NULL || sql == NULL || nparams < 0 || (nparams > 0 && params == NULL))
		return diag_fail(d, ODS_EINVAL, name ? name : "db", "bad arguments");
	if (nlen == 0 || nlen > DB_STMT_NAME_MAX)
		return diag_fail(d, ODS_EINVAL, "db", "statement name must have 1..%d bytes",
		                 DB_STMT_NAME_MAX);
	rc = before_statement(db, name, d);
	if (rc != ODS_OK)
		return rc;
	h = hash_str(sql);
	st = stmt_find(db, name);
	if (st && st->sql_hash != h)
		return diag_fail(d, ODS_EINTERNAL, name, "statement name used for different SQL");
	if (st == NULL) {
		rc = stmt_reserve(db, name, d);
		if (rc == ODS_OK)
			rc = finish(db, PQprepare(db->conn, name, sql, nparams, NULL), name, NULL,
			            d);
		if (rc != ODS_OK)
			return rc;
		st = &db->stmts[db->n_stmts++];
		memcpy(st->name, name, nlen + 1);
		st->sql_hash = h;
	}
	return finish(db, PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0), name,
	              res, d);
}

ods_err
db_tx_begin(struct db *db, struct db_tx **out, struct diag *d)
{
	ods_err rc;

	if (db == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "begin", "bad arguments");
	if (db->tx.open)
		return diag_fail(d, ODS_ESTATE, "begin", "a transaction is already open");
	rc = before_statement(db, "begin", d);
	if (rc != ODS_OK)
		return rc;
	rc = finish(db, PQexec(db->conn, "BEGIN"), "begin", NULL, d);
	if (rc != ODS_OK)
		return rc;
	/* Fencing hook: the enforcer's write transactions will take the leader epoch here
	 * (db_tx_begin_fenced) and check `epoch = (SELECT epoch FROM leader)` FOR SHARE before
	 * the first write, returning ODS_EFENCED when a newer leader has taken over. */
	db->tx.open = true;
	db->tx.lost = false;
	*out = &db->tx;
	return ODS_OK;
}

/* Stop the COPY in progress and leave the connection idle: CopyFail, then read the results. */
static void
copy_stop(struct db *db, const char *why)
{
	if (PQstatus(db->conn) == CONNECTION_OK)
		PQputCopyEnd(db->conn, why);
	drain(db);
}

/* End the db's COPY underneath its writer (transaction ending first). */
static void
copy_kill(struct db *db, const char *why)
{
	struct db_copy *c = db->copy;

	copy_stop(db, why);
	c->dead = true;
	c->err = diag_fail(&c->diag, ODS_ESTATE, "copy", "%s", why);
	db->copy = NULL;
}

void
db_tx_rollback(struct db_tx *tx)
{
	struct db *db;

	if (tx == NULL || !tx->open)
		return;
	db = tx->db;
	if (db->copy)
		copy_kill(db, "COPY ended by transaction rollback");
	tx->open = false;
	if (tx->lost || PQstatus(db->conn) != CONNECTION_OK)
		return;                         /* the server rolled back when the session died */
	PQclear(PQexec(db->conn, "ROLLBACK"));
}

ods_err
db_tx_commit(struct db_tx **txp, struct diag *d)
{
	struct db_tx *tx;
	struct db *db;
	PGresult *r;
	ods_err rc;

	if (txp == NULL || *txp == NULL)
		return diag_fail(d, ODS_EINVAL, "commit", "no transaction");
	tx = *txp;
	*txp = NULL;
	db = tx->db;
	if (!tx->open)
		return diag_fail(d, ODS_ESTATE, "commit", "transaction already ended");
	if (db->copy) {
		copy_kill(db, "COPY ended by commit before db_copy_end");
		db_tx_rollback(tx);
		return diag_fail(d, ODS_ESTATE, "commit",
		                 "COPY still in progress; the transaction was rolled back");
	}
	if (tx->lost || !conn_alive(db)) {
		tx->open = false;
		return diag_fail(d, ODS_EUNAVAIL, "commit",
		                 "connection lost inside a transaction; it was rolled back");
	}
	/* Fencing hook: a fenced transaction re-checks its epoch here (see db_tx_begin). */
	r = PQexec(db->conn, "COMMIT");
	if (r && PQresultStatus(r) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		PQclear(r);
		tx->open = false;
		return diag_fail(d, ODS_EDB, "commit",
		                 "an earlier statement failed; the transaction was rolled back");
	}
	rc = finish(db, r, "commit", NULL, d);
	tx->open = false;
	if (rc == ODS_EUNAVAIL && d) {
		size_t l = strlen(d->msg);

		snprintf(d->msg + l, sizeof(d->msg) - l, "; the commit outcome is unknown");
	}
	return rc;
}

ods_err
db_copy_begin(struct db *db, const char *sql, struct db_copy **out, struct diag *d)
{
	struct db_copy *c;
	PGresult *r;
	ods_err rc;

	if (db == NULL || sql == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "copy", "bad arguments");
	rc = before_statement(db, "copy", d);
	if (rc != ODS_OK)
		return rc;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return diag_fail(d, ODS_ENOMEM, "copy", "out of memory");
	c->db = db;
	r = PQexec(db->conn, sql);
	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN) {
		free(c);
		if (r && PQresultStatus(r) == PGRES_COPY_OUT) {
			PQclear(r);
			drain(db);
			return diag_fail(d, ODS_EINVAL, "copy", "not a COPY ... FROM STDIN");
		}
		if (r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
		          PQresultStatus(r) == PGRES_TUPLES_OK)) {
			PQclear(r);
			return diag_fail(d, ODS_EINVAL, "copy", "not a COPY ... FROM STDIN");
		}
		return result_error(db, r, "copy", d);
	}
	PQclear(r);
	db->copy = c;
	*out = c;
	return ODS_OK;
}

static void
copy_flush(struct db_copy *c)
{
	if (c->dead || c->len == 0)
		return;
	if (PQputCopyData(c->db->conn, c->buf, (int)c->len) != 1) {
		c->dead = true;
		c->err = conn_fail(c->db, ODS_EUNAVAIL, "copy", "sending COPY data failed: ",
		                   &c->diag);
	}
	c->len = 0;
}

static void
copy_put(struct db_copy *c, const char *p, size_t n)
{
	while (n > 0 && !c->dead) {
		size_t k = COPY_CHUNK - c->len;

		if (k > n)
			k = n;
		memcpy(c->buf + c->len, p, k);
		c->len += k;
		p += k;
		n -= k;
		if (c->len == COPY_CHUNK)
			copy_flush(c);
	}
}

/* COPY text format: backslash, the delimiter (tab) and line ends must be escaped. */
static void
copy_put_escaped(struct db_copy *c, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		copy_put(c, s + start, i - start);
		copy_put(c, esc, 2);
		start = i + 1;
	}
	copy_put(c, s + start, n - start);
}

ods_err
db_copy_row(struct db_copy *c, int nfields, const char *const *fields, const size_t *lens)
{
	if (c == NULL)
		return ODS_EINVAL;
	if (c->dead)
		return c->err;
	if (nfields < 1 || fields == NULL)
		return ODS_EINVAL;
	for (int i = 0; lens && i < nfields; i++)
		if (fields[i] && memchr(fields[i], 0, lens[i]))
			return ODS_EINVAL;      /* text values cannot hold 0x00 */
	for (int i = 0; i < nfields; i++) {
		if (i > 0)
			copy_put(c, "\t", 1);
		if (fields[i] == NULL)
			copy_put(c, "\\N", 2);
		else
			copy_put_escaped(c, fields[i], lens ? lens[i] : strlen(fields[i]));
	}
	copy_put(c, "\n", 1);
	return c->dead ? c->err : ODS_OK;
}

ods_err
db_copy_end(struct db_copy *c, uint64_t *rows, struct diag *d)
{
	struct db *db;
	PGresult *r;
	ods_err rc;

	if (c == NULL)
		return diag_fail(d, ODS_EINVAL, "copy", "no COPY");
	db = c->db;
	copy_flush(c);
	if (c->dead) {
		rc = c->err;
		if (d)
			*d = c->diag;
		db_copy_abort(c);
		return rc;
	}
	db->copy = NULL;
	if (PQputCopyEnd(db->conn, NULL) != 1) {
		rc = conn_fail(db, ODS_EUNAVAIL, "copy", "ending COPY failed: ", d);
		if (db->tx.open)
			db->tx.lost = true;
		drain(db);
		free(c);
		return rc;
	}
	r = PQgetResult(db->conn);
	rc = finish(db, r, "copy", &r, d);
	if (rc == ODS_OK) {
		if (rows)
			*rows = strtoull(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	drain(db);
	free(c);
	return rc;
}

void
db_copy_abort(struct db_copy *c)
{
	if (c == NULL)
		return;
	if (c->db->copy == c) {
		copy_stop(c->db, "COPY aborted by the client");
		c->db->copy = NULL;
	}
	free(c);
}

char *
db_bytea_text(const uint8_t *b, size_t n)
{
	char *s = malloc(2 * n + 3);

	if (s)
		db_bytea_text_into(b, n, s);
	return s;
}

void
db_bytea_text_into(const uint8_t *b, size_t n, char *out)
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(b, n, out + 2);
}

bool
db_bytea_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	if (s[0] != '\\' || s[1] != 'x')
		return false;
	return hex_decode(s + 2, out, cap, len);
}

ods_err
db_wait_notify(struct db *db, int timeout_ms, struct diag *d)
{
	PGnotify *n;
	bool got = false;

	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return diag_fail(d, ODS_EUNAVAIL, "db", "not connected");
	for (int round = 0; round < 2; round++) {
		if (PQconsumeInput(db->conn) == 0)
			return diag_fail(d, ODS_EUNAVAIL, "db", "%s", PQerrorMessage(db->conn));
		n = PQnotifies(db->conn);
		while (n != NULL) {
			got = true;
			PQfreemem(n);
			n = PQnotifies(db->conn);
		}
		if (got || round == 1)
			break;
		struct pollfd pfd = {.fd = PQsocket(db->conn), .events = POLLIN};
		if (pfd.fd < 0)
			return diag_fail(d, ODS_EUNAVAIL, "db", "no socket");
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return ODS_ETIMEDOUT;
	}
	return got ? ODS_OK : ODS_ETIMEDOUT;
}
