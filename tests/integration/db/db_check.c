/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Integration check of lib/db against a real PostgreSQL server, found through the PG*
 * environment variables (run.sh starts the embedded cluster's private PostgreSQL).
 * It creates its own databases, then checks: migrations applied exactly once by 8 forked
 * processes and by 8 threads racing on fresh databases, re-runs being no-ops, a failing
 * migration leaving nothing behind, a database newer than the binary, transactions,
 * prepared-statement reuse, a 100k-row COPY with escaping, SQLSTATE mapping, and repair of
 * connections after the server restarts (through `$ODS_CLUSTER db restart|stop|start`;
 * skipped without ODS_CLUSTER). Output is TAP; the exit status is 0 only when every check passed.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/db/db.h"
#include "lib/db/migrate.h"

#define N_RACERS 8
#define COPY_ROWS 100000

static int n_checks;
static int n_failed;

static bool
check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	n_checks++;
	if (!ok)
		n_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", n_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

static void
skip(const char *what)
{
	printf("ok %d - %s # SKIP\n", ++n_checks, what);
}

static const char *
dstr(const struct diag *d)
{
	static char buf[DIAG_WHERE_MAX + DIAG_MSG_MAX + 4];

	return diag_str(d, buf, sizeof(buf));
}

static bool
expect(ods_err got, ods_err want, const struct diag *d, const char *what)
{
	return check(got == want, "%s: %s (want %s)%s%s", what, ods_err_name(got),
	             ods_err_name(want), got != ODS_OK ? ": " : "",
	             got != ODS_OK ? dstr(d) : "");
}

static void
die(const char *what, const struct diag *d)
{
	printf("Bail out! %s: %s\n", what, d ? dstr(d) : "");
	exit(2);
}

static struct db *
open_db(const char *conninfo)
{
	struct db *db = NULL;
	struct diag d = { 0 };

	if (db_open(&db, conninfo, &d) != ODS_OK)
		die("db_open", &d);
	return db;
}

static void
exec_ok(struct db *db, const char *sql)
{
	struct diag d = { 0 };

	if (db_exec(db, sql, &d) != ODS_OK) {
		printf("# %s\n", sql);
		die("db_exec", &d);
	}
}

/* Statement names for ad-hoc test queries: one per distinct SQL text. */
static void
name_for(const char *sql, char name[24])
{
	uint32_t h = 2166136261u;

	for (const char *p = sql; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(name, 24, "chk_%08" PRIx32, h);
}

/* First column of the first row as text (malloc'ed), or NULL on error/SQL NULL. */
static char *
scalar_text(struct db *db, const char *sql)
{
	struct diag d = { 0 };
	PGresult *res = NULL;
	char name[24];
	char *v = NULL;

	name_for(sql, name);
	if (db_query(db, name, sql, 0, NULL, &res, &d) != ODS_OK) {
		printf("# %s: %s\n", sql, dstr(&d));
		return NULL;
	}
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static long long
scalar(struct db *db, const char *sql)
{
	char *v = scalar_text(db, sql);
	long long n = v ? strtoll(v, NULL, 10) : -1;

	free(v);
	return n;
}

static void
fresh_database(const char *name)
{
	struct db *admin = open_db("");
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
	exec_ok(admin, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	exec_ok(admin, sql);
	db_close(admin);
}

/* ---- migrations ---------------------------------------------------------------------- */

struct racer {
	ods_err rc;
	int version;
	int applied;
	char msg[DIAG_MSG_MAX];
};

/* The embedded migrations plus two slow ones, so racers really overlap. */
static struct db_migration *race_list;
static unsigned race_count;

static void
build_race_list(void)
{
	race_count = db_migrations_count + 2;
	race_list = calloc(race_count, sizeof(*race_list));
	if (race_list == NULL)
		die("calloc", NULL);
	memcpy(race_list, db_migrations, db_migrations_count * sizeof(*race_list));
	race_list[db_migrations_count] = (struct db_migration){
		9001, "race_slow", "SELECT pg_sleep(0.3); CREATE TABLE race_a (x int);"
	};
	race_list[db_migrations_count + 1] = (struct db_migration){
		9002, "race_b", "CREATE TABLE race_b (x int); INSERT INTO race_b VALUES (1);"
	};
}

static void
check_schema_version(const char *dbname, int want_rows, int want_max, const char *what)
{
	char conninfo[64];
	struct db *db;

	snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
	db = open_db(conninfo);
	check(scalar(db, "SELECT count(*) FROM schema_version") == want_rows &&
	      scalar(db, "SELECT count(DISTINCT version) FROM schema_version") == want_rows &&
	      scalar(db, "SELECT max(version) FROM schema_version") == want_max,
	      "%s: schema_version has exactly one row per version (%d, max %d)", what,
	      want_rows, want_max);
	check(scalar(db, "SELECT count(*) FROM cluster") == 1,
	      "%s: cluster holds its single row", what);
	db_close(db);
}

static void
judge_racers(const struct racer *r, int n, int want_applied, int want_version, const char *what)
{
	int errors = 0;
	int total = 0;
	int appliers = 0;
	int wrong_version = 0;

	for (int i = 0; i < n; i++) {
		if (r[i].rc != ODS_OK) {
			errors++;
			printf("# racer %d: %s %s\n", i, ods_err_name(r[i].rc), r[i].msg);
		}
		total += r[i].applied;
		appliers += r[i].applied > 0;
		wrong_version += r[i].version != want_version;
	}
	check(errors == 0, "%s: %d racers migrated without error", what, n);
	check(total == want_applied && appliers == 1,
	      "%s: exactly one racer applied the %d migrations (applied in total %d by %d)", what,
	      want_applied, total, appliers);
	check(wrong_version == 0, "%s: every racer reports version %d", what, want_version);
}

static void
race_child(const char *conninfo, int ready_w, int go_r, int res_w)
{
	struct racer r = { 0 };
	struct db *db = NULL;
	struct diag d = { 0 };
	char c;

	r.rc = db_open(&db, conninfo, &d);
	if (write(ready_w, "r", 1) != 1)
		_exit(3);
	while (read(go_r, &c, 1) < 0 && errno == EINTR)
		;
	if (r.rc == ODS_OK)
		r.rc = db_migrate(db, &r.version, &r.applied, &d);
	snprintf(r.msg, sizeof(r.msg), "%s", d.msg);
	if (write(res_w, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(3);
	db_close(db);
	_exit(0);
}

static void
test_migrate_race_processes(void)
{
	const char *conninfo = "dbname=ods_mig_fork";
	struct racer r[N_RACERS];
	pid_t pid[N_RACERS];
	int ready[2], go[2], res[2];
	char c;

	fresh_database("ods_mig_fork");
	if (pipe(ready) || pipe(go) || pipe(res))
		die("pipe", NULL);
	fflush(stdout);
	for (int i = 0; i < N_RACERS; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork", NULL);
		if (pid[i] == 0) {
			close(go[1]);
			race_child(conninfo, ready[1], go[0], res[1]);
		}
	}
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	for (int i = 0; i < N_RACERS; i++)
		if (read(ready[0], &c, 1) != 1)
			die("racer did not start", NULL);
	close(go[1]);                   /* all connected: release them at once */
	for (int i = 0; i < N_RACERS; i++)
		if (read(res[0], &r[i], sizeof(r[i])) != (ssize_t)sizeof(r[i]))
			die("racer died", NULL);
	for (int i = 0; i < N_RACERS; i++) {
		int st = 0;

		waitpid(pid[i], &st, 0);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork racer %d exited cleanly", i);
	}
	close(ready[0]);
	close(res[0]);
	judge_racers(r, N_RACERS, (int)db_migrations_count, db_migrate_latest(), "8 processes");
	check_schema_version("ods_mig_fork", (int)db_migrations_count, db_migrate_latest(),
	                     "8 processes");
}

static pthread_barrier_t race_barrier;

static void *
race_thread(void *arg)
{
	struct racer *r = arg;
	struct db *db = NULL;
	struct diag d = { 0 };

	r->rc = db_open(&db, "dbname=ods_mig_thr", &d);
	pthread_barrier_wait(&race_barrier);
	if (r->rc == ODS_OK)
		r->rc = db_migrate_list(db, race_list, race_count, &r->version, &r->applied, &d);
	snprintf(r->msg, sizeof(r->msg), "%s", d.msg);
	db_close(db);
	return NULL;
}

static void
test_migrate_race_threads(void)
{
	struct racer r[N_RACERS];
	pthread_t t[N_RACERS];
	struct db *db;

	fresh_database("ods_mig_thr");
	memset(r, 0, sizeof(r));
	pthread_barrier_init(&race_barrier, NULL, N_RACERS);
	for (int i = 0; i < N_RACERS; i++)
		if (pthread_create(&t[i], NULL, race_thread, &r[i]) != 0)
			die("pthread_create", NULL);
	for (int i = 0; i < N_RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&race_barrier);
	judge_racers(r, N_RACERS, (int)race_count, 9002, "8 threads");
	check_schema_version("ods_mig_thr", (int)race_count, 9002, "8 threads");
	db = open_db("dbname=ods_mig_thr");
	check(scalar(db, "SELECT count(*) FROM race_b") == 1,
	      "8 threads: a migration's INSERT ran once");
	db_close(db);
}

static void
test_migrate_rerun_is_noop(void)
{
	struct db *db = open_db("dbname=ods_mig_fork");
	struct diag d = { 0 };
	int version = -1;
	int applied = -1;
	ods_err rc;

	rc = db_migrate(db, &version, &applied, &d);
	expect(rc, ODS_OK, &d, "re-run db_migrate");
	check(applied == 0 && version == db_migrate_latest(),
	      "re-run applies nothing (applied %d, version %d)", applied, version);
	check(scalar(db, "SELECT count(*) FROM schema_version") == (long long)db_migrations_count,
	      "re-run adds no schema_version row");

	/* A replica of a newer release migrated already: start anyway, report its version. */
	exec_ok(db, "INSERT INTO schema_version (version, name) VALUES (9999, 'from_the_future')");
	rc = db_migrate(db, &version, &applied, &d);
	expect(rc, ODS_OK, &d, "db_migrate on a newer database");
	check(version == 9999 && applied == 0,
	      "newer database: version %d reported, nothing applied (%d)", version, applied);
	db_close(db);
}

static void
test_migrate_failure_rolls_back(void)
{
	struct db_migration list[3];
	struct db *db;
	struct diag d = { 0 };
	int version = -1;
	int applied = -1;
	ods_err rc;

	fresh_database("ods_mig_fail");
	db = open_db("dbname=ods_mig_fail");
	list[0] = db_migrations[0];
	list[1] = (struct db_migration){ 2, "ok_table", "CREATE TABLE t_ok (x int);" };
	list[2] = (struct db_migration){ 3, "broken", "CREATE TABLE t_bad (x nosuchtype);" };
	rc = db_migrate_list(db, list, 3, &version, &applied, &d);
	expect(rc, ODS_EDB, &d, "failing migration");
	check(strcmp(d.where, "0003_broken") == 0 && strstr(d.msg, "nosuchtype") != NULL,
	      "diag names the migration and carries PostgreSQL's message: %s", dstr(&d));
	check(version == -1 && applied == -1, "out-parameters untouched on failure");
	check(scalar(db, "SELECT count(*) FROM pg_tables WHERE tablename IN "
	                 "('schema_version', 't_ok', 'cluster')") == 0,
	      "nothing of the failed run is left, not even schema_version");
	rc = db_migrate(db, &version, &applied, &d);
	expect(rc, ODS_OK, &d, "db_migrate on the same connection afterwards");
	check(applied == (int)db_migrations_count, "and applies the embedded migrations");
	db_close(db);
}

/* ---- transactions, statements, COPY, errors ------------------------------------------- */

static ods_err
insert_tx_row(struct db *db, int id, struct diag *d)
{
	char v[16];
	const char *p[1] = { v };

	snprintf(v, sizeof(v), "%d", id);
	return db_query(db, "chk_tx_insert", "INSERT INTO t_tx (id) VALUES ($1)", 1, p, NULL, d);
}

static void
test_transactions(struct db *db)
{
	struct db *other = open_db("dbname=ods_check");
	struct db_tx *tx = NULL;
	struct db_tx *tx2 = NULL;
	struct db_tx *copy_of_tx;
	struct diag d = { 0 };
	ods_err rc;

	exec_ok(db, "CREATE TABLE t_tx (id int PRIMARY KEY)");

	expect(db_tx_begin(db, &tx, &d), ODS_OK, &d, "tx begin");
	expect(insert_tx_row(db, 1, &d), ODS_OK, &d, "insert in tx");
	check(scalar(other, "SELECT count(*) FROM t_tx") == 0,
	      "uncommitted row invisible to another connection");
	expect(db_tx_begin(db, &tx2, &d), ODS_ESTATE, &d, "second begin on the same db");
	db_tx_rollback(tx);
	tx = NULL;
	check(scalar(db, "SELECT count(*) FROM t_tx") == 0, "rollback discards the row");

	expect(db_tx_begin(db, &tx, &d), ODS_OK, &d, "tx begin");
	copy_of_tx = tx;
	expect(insert_tx_row(db, 2, &d), ODS_OK, &d, "insert in tx");
	expect(db_tx_commit(&tx, &d), ODS_OK, &d, "commit");
	check(tx == NULL, "commit consumes the tx pointer");
	db_tx_rollback(tx);             /* NULL: no-op */
	db_tx_rollback(copy_of_tx);     /* already committed: no-op */
	check(scalar(other, "SELECT count(*) FROM t_tx WHERE id = 2") == 1,
	      "committed row visible to another connection, rollback after commit kept it");

	expect(db_tx_begin(db, &tx, &d), ODS_OK, &d, "tx begin");
	expect(insert_tx_row(db, 3, &d), ODS_OK, &d, "insert 3 in tx");
	rc = insert_tx_row(db, 2, &d);
	expect(rc, ODS_EEXIST, &d, "duplicate in tx");
	rc = insert_tx_row(db, 4, &d);
	check(rc != ODS_OK, "statement after an error in the tx fails (%s: %s)", ods_err_name(rc),
	      dstr(&d));
	rc = db_tx_commit(&tx, &d);
	expect(rc, ODS_EDB, &d, "commit of an aborted tx");
	check(scalar(db, "SELECT count(*) FROM t_tx") == 1, "aborted tx left nothing behind");
	expect(insert_tx_row(db, 5, &d), ODS_OK, &d, "autocommit insert after the aborted tx");
	check(scalar(other, "SELECT count(*) FROM t_tx WHERE id = 5") == 1,
	      "autocommit insert is visible at once");
	db_close(other);
}

static void
test_prepared_reuse(struct db *db)
{
	struct db_tx *tx = NULL;
	struct diag d = { 0 };
	int bad = 0;

	for (int i = 0; i < 1000; i++) {
		char v[16];
		const char *p[1] = { v };
		PGresult *res = NULL;

		snprintf(v, sizeof(v), "%d", i);
		if (db_query(db, "chk_reuse", "SELECT $1::int + 1", 1, p, &res, &d) != ODS_OK) {
			bad++;
			continue;
		}
		bad += strtol(PQgetvalue(res, 0, 0), NULL, 10) != i + 1;
		PQclear(res);
	}
	check(bad == 0, "1000 executions of one prepared statement returned the right rows");
	check(scalar(db, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'chk_reuse'")
	      == 1, "the statement was prepared once on the server");
	expect(db_query(db, "chk_reuse", "SELECT 2", 0, NULL, NULL, &d), ODS_EINTERNAL, &d,
	       "same name with different SQL");
	expect(db_query(db, "", "SELECT 1", 0, NULL, NULL, &d), ODS_EINVAL, &d, "empty name");

	/* Protocol-level statements outlive a rolled-back transaction: the cache stays right. */
	expect(db_tx_begin(db, &tx, &d), ODS_OK, &d, "tx begin");
	expect(db_query(db, "chk_in_tx", "SELECT 42", 0, NULL, NULL, &d), ODS_OK, &d,
	       "prepare inside a tx");
	db_tx_rollback(tx);
	expect(db_query(db, "chk_in_tx", "SELECT 42", 0, NULL, NULL, &d), ODS_OK, &d,
	       "reuse after that tx rolled back");
}

static const char tricky[] = "tab\there new\nline back\\slash cr\rend \\N";

static void
test_copy(struct db *db)
{
	struct db_copy *c = NULL;
	struct db_tx *tx = NULL;
	struct diag d = { 0 };
	uint64_t rows = 0;
	int bad_rows = 0;
	ods_err rc;
	char *txt;

	exec_ok(db, "CREATE TABLE t_copy (id int PRIMARY KEY, txt text, note text, b bytea)");
	rc = db_copy_begin(db, "COPY t_copy (id, txt, note, b) FROM STDIN", &c, &d);
	expect(rc, ODS_OK, &d, "COPY begin");
	if (rc != ODS_OK)
		return;
	expect(db_query(db, "chk_busy", "SELECT 1", 0, NULL, NULL, &d), ODS_ESTATE, &d,
	       "statement during COPY");
	for (int i = 1; i <= COPY_ROWS; i++) {
		char id[16];
		char txt_buf[32];
		const char *f[4] = { id, txt_buf, (i % 2) ? "odd" : NULL, "\\x00ff" };

		snprintf(id, sizeof(id), "%d", i);
		snprintf(txt_buf, sizeof(txt_buf), "row %d", i);
		if (i % 1000 == 7)
			f[1] = tricky;
		bad_rows += db_copy_row(c, 4, f, NULL) != ODS_OK;
	}
	check(bad_rows == 0, "%d rows queued", COPY_ROWS);
	{
		static const char nul_field[] = { 'a', 0, 'b' };
		const char *f[4] = { "0", nul_field, NULL, NULL };
		const size_t lens[4] = { 1, 3, 0, 0 };

		check(db_copy_row(c, 4, f, lens) == ODS_EINVAL, "field with a 0x00 byte refused");
	}
	rc = db_copy_end(c, &rows, &d);
	expect(rc, ODS_OK, &d, "COPY end");
	check(rows == COPY_ROWS, "COPY stored %" PRIu64 " rows", rows);
	check(scalar(db, "SELECT count(*) FROM t_copy") == COPY_ROWS &&
	      scalar(db, "SELECT count(note) FROM t_copy") == COPY_ROWS / 2 &&
	      scalar(db, "SELECT sum(id) FROM t_copy") ==
	              (long long)COPY_ROWS * (COPY_ROWS + 1) / 2,
	      "table holds every row, NULLs where sent");
	txt = scalar_text(db, "SELECT txt FROM t_copy WHERE id = 1007");
	check(txt && strcmp(txt, tricky) == 0, "tab, newline, CR, backslash round-trip");
	free(txt);
	check(scalar(db, "SELECT count(*) FROM t_copy WHERE b = '\\x00ff'::bytea") == COPY_ROWS,
	      "bytea hex value round-trips");

	rc = db_copy_begin(db, "COPY t_copy (id, txt) FROM STDIN", &c, &d);
	if (rc == ODS_OK) {
		const char *f1[2] = { "200001", "new" };
		const char *f2[2] = { "5", "dup" };

		db_copy_row(c, 2, f1, NULL);
		db_copy_row(c, 2, f2, NULL);
		rc = db_copy_end(c, &rows, &d);
	}
	expect(rc, ODS_EEXIST, &d, "COPY with a duplicate key");
	rc = db_copy_begin(db, "COPY t_copy (id, txt) FROM STDIN", &c, &d);
	if (rc == ODS_OK) {
		const char *f[2] = { "notanumber", "x" };

		db_copy_row(c, 2, f, NULL);
		rc = db_copy_end(c, &rows, &d);
	}
	expect(rc, ODS_EINVAL, &d, "COPY with a bad integer");
	rc = db_copy_begin(db, "COPY t_copy (id, txt) FROM STDIN", &c, &d);
	if (rc == ODS_OK) {
		const char *f[2] = { "300001", "x" };

		db_copy_row(c, 2, f, NULL);
		db_copy_abort(c);
	}
	expect(db_tx_begin(db, &tx, &d), ODS_OK, &d, "tx begin after COPY abort");
	rc = db_copy_begin(db, "COPY t_copy (id, txt) FROM STDIN", &c, &d);
	if (rc == ODS_OK) {
		const char *f[2] = { "400001", "x" };

		db_copy_row(c, 2, f, NULL);
		rc = db_copy_end(c, &rows, &d);
	}
	expect(rc, ODS_OK, &d, "COPY inside a tx");
	db_tx_rollback(tx);
	check(scalar(db, "SELECT count(*) FROM t_copy") == COPY_ROWS,
	      "failed, aborted and rolled-back COPYs stored nothing");

	expect(db_exec(db, "COPY t_copy (id) FROM STDIN", &d), ODS_EINVAL, &d,
	       "COPY FROM STDIN through db_exec is refused");
	expect(db_exec(db, "COPY (SELECT 1) TO STDOUT", &d), ODS_EINVAL, &d,
	       "COPY TO STDOUT through db_exec is refused");
	expect(db_copy_begin(db, "SELECT 1", &c, &d), ODS_EINVAL, &d,
	       "db_copy_begin with a non-COPY statement");
	check(scalar(db, "SELECT count(*) FROM t_copy") == COPY_ROWS,
	      "connection usable afterwards");
}

static void
expect_raise(struct db *db, const char *code, ods_err want, const char *note)
{
	struct diag d = { 0 };
	char sql[160];
	ods_err rc;

	snprintf(sql, sizeof(sql),
	         "DO $$ BEGIN RAISE EXCEPTION 'raised %s' USING ERRCODE = '%s'; END $$", code,
	         code);
	rc = db_exec(db, sql, &d);
	check(rc == want && strcmp(db_last_sqlstate(db), code) == 0 &&
	      strstr(d.msg, "raised") == d.msg && (note == NULL || strstr(d.msg, note)),
	      "SQLSTATE %s -> %s (got %s: %s)", code, ods_err_name(want), ods_err_name(rc),
	      dstr(&d));
}

static void
test_sqlstate_mapping(struct db *db)
{
	struct diag d = { 0 };
	ods_err rc;

	rc = db_query(db, "chk_cluster_ins", "INSERT INTO cluster (id) VALUES ($1)", 1,
	              (const char *const[]){ "1" }, NULL, &d);
	check(rc == ODS_EEXIST && strstr(d.msg, "duplicate key") == d.msg &&
	      strcmp(d.where, "chk_cluster_ins") == 0 && strcmp(db_last_sqlstate(db), "23505") == 0,
	      "unique violation -> EEXIST with PostgreSQL's message (%s)", dstr(&d));
	rc = db_query(db, "chk_cluster_ins", "INSERT INTO cluster (id) VALUES ($1)", 1,
	              (const char *const[]){ "2" }, NULL, &d);
	expect(rc, ODS_EINVAL, &d, "check violation");
	rc = db_exec(db, "SELECT 1/0", &d);
	expect(rc, ODS_EINVAL, &d, "division by zero (22012)");
	exec_ok(db, "CREATE TABLE t_parent (id int PRIMARY KEY);"
	            "CREATE TABLE t_child (p int NOT NULL REFERENCES t_parent)");
	expect(db_exec(db, "INSERT INTO t_child VALUES (7)", &d), ODS_EINVAL, &d,
	       "foreign key violation");
	expect(db_exec(db, "INSERT INTO t_child VALUES (NULL)", &d), ODS_EINVAL, &d,
	       "not-null violation");
	expect(db_exec(db, "SELEC 1", &d), ODS_EDB, &d, "syntax error");
	check(db_last_sqlstate(db)[0] != '\0', "SQLSTATE kept for the caller");
	expect(db_exec(db, "SELECT 1", &d), ODS_OK, &d, "connection still fine");
	check(db_last_sqlstate(db)[0] == '\0', "SQLSTATE cleared after success");
	expect_raise(db, "23505", ODS_EEXIST, NULL);
	expect_raise(db, "23503", ODS_EINVAL, NULL);
	expect_raise(db, "23514", ODS_EINVAL, NULL);
	expect_raise(db, "22003", ODS_EINVAL, NULL);
	expect_raise(db, "40001", ODS_EDB, "retry");
	expect_raise(db, "40P01", ODS_EDB, "retry");
	expect_raise(db, "08006", ODS_EUNAVAIL, NULL);
	expect_raise(db, "57P01", ODS_EUNAVAIL, NULL);
	expect_raise(db, "42501", ODS_EPERM, NULL);
	expect_raise(db, "57014", ODS_ETIMEDOUT, NULL);
	expect_raise(db, "XX000", ODS_EDB, NULL);
}

static void
test_open_errors(void)
{
	struct db *db = NULL;
	struct diag d = { 0 };
	ods_err rc;

	rc = db_open(&db, "nonsense_keyword=1", &d);
	expect(rc, ODS_EINVAL, &d, "unknown conninfo keyword");
	check(db == NULL, "no connection handed out on error");
	rc = db_open(&db, "host=/nonexistent/socket/dir", &d);
	expect(rc, ODS_EUNAVAIL, &d, "server not reachable");
	check(d.msg[0] != '\0', "with libpq's message: %s", d.msg);
	db_close(NULL);
	check(!db_is_connected(NULL), "db_is_connected(NULL) is false");
	db = open_db("application_name=ods-db-check");
	check(db_is_connected(db), "connected");
	{
		char *app = scalar_text(db, "SHOW application_name");

		check(app && strcmp(app, "ods-db-check") == 0,
		      "application_name from conninfo wins");
		free(app);
	}
	db_close(db);
	db = open_db("");
	{
		char *app = scalar_text(db, "SHOW application_name");

		check(app && strcmp(app, "ods") == 0, "default application_name is ods");
		free(app);
	}
	db_close(db);
}

/* ---- server restart -------------------------------------------------------------------- */

static bool
harness(const char *fn)
{
	/* fn is "pg_restart", "pg_stop" or "pg_start": `cluster db restart|stop|start`. */
	const char *cluster = getenv("ODS_CLUSTER");
	const char *verb = fn + 3;
	pid_t pid;
	int st = 0;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		execl(cluster, cluster, "db", verb, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void
test_restart(void)
{
	struct db *a, *b, *c;
	struct db_tx *tx = NULL;
	struct diag d = { 0 };
	PGresult *res = NULL;
	ods_err rc;

	if (!getenv("ODS_CLUSTER")) {
		skip("reconnect after restart (ODS_CLUSTER not set)");
		return;
	}
	a = open_db("dbname=ods_check");
	b = open_db("dbname=ods_check");
	c = open_db("dbname=ods_check");
	exec_ok(a, "CREATE TABLE t_restart (id int)");
	expect(db_query(a, "chk_restart", "SELECT count(*) FROM t_restart", 0, NULL, NULL, &d),
	       ODS_OK, &d, "prepared before restart");
	expect(db_tx_begin(b, &tx, &d), ODS_OK, &d, "tx open across the restart");
	exec_ok(b, "INSERT INTO t_restart VALUES (1)");

	if (!check(harness("pg_restart"), "pg_ctl restart"))
		return;

	rc = db_query(a, "chk_restart", "SELECT count(*) FROM t_restart", 0, NULL, &res, &d);
	expect(rc, ODS_OK, &d, "db_query outside a tx works right after the restart");
	check(rc == ODS_OK && strcmp(PQgetvalue(res, 0, 0), "0") == 0,
	      "and sees no row of the lost tx");
	PQclear(res);
	check(db_reconnect_count(a) == 1, "by reconnecting once (%" PRIu64 ")",
	      db_reconnect_count(a));
	check(scalar(a, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'chk_restart'")
	      == 1, "the statement was prepared again on the new session");

	rc = db_exec(b, "INSERT INTO t_restart VALUES (2)", &d);
	expect(rc, ODS_EUNAVAIL, &d, "statement inside the tx after the restart");
	rc = db_exec(b, "INSERT INTO t_restart VALUES (3)", &d);
	expect(rc, ODS_EUNAVAIL, &d, "and stays unavailable until the tx ends (no autocommit)");
	rc = db_tx_commit(&tx, &d);
	expect(rc, ODS_EUNAVAIL, &d, "commit of the lost tx");
	rc = db_exec(b, "INSERT INTO t_restart VALUES (4)", &d);
	expect(rc, ODS_OK, &d, "after the tx, the next statement reconnects");
	check(scalar(a, "SELECT count(*) FROM t_restart") == 1, "only the row after the tx exists");

	expect(db_ensure(c, &d), ODS_OK, &d, "db_ensure repairs an idle connection");
	check(db_reconnect_count(c) == 1 && db_is_connected(c), "c reconnected");

	if (check(harness("pg_stop"), "pg_ctl stop")) {
		rc = db_exec(c, "SELECT 1", &d);
		expect(rc, ODS_EUNAVAIL, &d, "server down");
		expect(db_ensure(c, &d), ODS_EUNAVAIL, &d, "db_ensure while down");
		check(harness("pg_start"), "pg_ctl start");
		expect(db_exec(c, "SELECT 1", &d), ODS_OK, &d, "works again once the server is up");
	}
	db_close(a);
	db_close(b);
	db_close(c);
}

int
main(void)
{
	struct db *db;
	struct diag d = { 0 };
	int version = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	build_race_list();
	test_open_errors();
	test_migrate_race_processes();
	test_migrate_race_threads();
	test_migrate_rerun_is_noop();
	test_migrate_failure_rolls_back();

	fresh_database("ods_check");
	db = open_db("dbname=ods_check");
	if (db_migrate(db, &version, NULL, &d) != ODS_OK)
		die("db_migrate", &d);
	test_transactions(db);
	test_prepared_reuse(db);
	test_copy(db);
	test_sqlstate_mapping(db);
	db_close(db);
	test_restart();

	free(race_list);
	printf("1..%d\n", n_checks);
	if (n_failed)
		printf("# %d of %d checks failed\n", n_failed, n_checks);
	return n_failed ? 1 : 0;
}
