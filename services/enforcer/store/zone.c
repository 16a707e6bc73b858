/* SPDX-License-Identifier: BSD-2-Clause */
/* Zones in PostgreSQL: the zonelist entry, the schedule and the `key rollover` flags. */
#include "services/enforcer/store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db/db.h"

#define NUM_MAX 24
#define ZONE_COLS                                                                              \
	"z.id, z.name, z.policy_id, p.name, z.signconf_path, z.input_type, z.input_path, "     \
	"z.output_type, z.output_path, z.suspended, coalesce(z.next_change, 0), "              \
	"z.signconf_version, z.signconf_needs_writing, coalesce(z.next_ksk_roll, 0), "         \
	"coalesce(z.next_zsk_roll, 0), coalesce(z.next_csk_roll, 0), z.notified_roll "         \
	"FROM zone z JOIN policy p ON p.id = z.policy_id "

void
enfdb_zone_clear(struct enfdb_zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->policy);
	free(z->signconf_path);
	free(z->input_type);
	free(z->input_path);
	free(z->output_type);
	free(z->output_path);
	memset(z, 0, sizeof(*z));
}

void
enfdb_zones_free(struct enfdb_zone *z, size_t n)
{
	for (size_t i = 0; z != NULL && i < n; i++)
		enfdb_zone_clear(&z[i]);
	free(z);
}

static int64_t
i64(PGresult *res, int r, int c)
{
	return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

static ods_err
read_zone(PGresult *res, int r, struct enfdb_zone *z, struct diag *d)
{
	memset(z, 0, sizeof(*z));
	z->id = i64(res, r, 0);
	z->name = strdup(PQgetvalue(res, r, 1));
	z->policy_id = i64(res, r, 2);
	z->policy = strdup(PQgetvalue(res, r, 3));
	z->signconf_path = strdup(PQgetvalue(res, r, 4));
	z->input_type = strdup(PQgetvalue(res, r, 5));
	z->input_path = strdup(PQgetvalue(res, r, 6));
	z->output_type = strdup(PQgetvalue(res, r, 7));
	z->output_path = strdup(PQgetvalue(res, r, 8));
	z->suspended = PQgetvalue(res, r, 9)[0] == 't';
	z->next_change = i64(res, r, 10);
	z->signconf_version = i64(res, r, 11);
	z->signconf_needs_writing = PQgetvalue(res, r, 12)[0] == 't';
	for (int i = 0; i < 3; i++)
		z->next_roll[i] = i64(res, r, 13 + i);
	z->notified_roll = i64(res, r, 16);
	if (!z->name || !z->policy || !z->signconf_path || !z->input_type || !z->input_path ||
	    !z->output_type || !z->output_path) {
		enfdb_zone_clear(z);
		return diag_fail(d, ODS_ENOMEM, "zone", "out of memory");
	}
	return ODS_OK;
}

ods_err
enfdb_zone_insert(struct db *db, struct enfdb_zone *z, int64_t now, struct diag *d)
{
	char pid[NUM_MAX], next[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(pid, sizeof(pid), "%" PRId64, z->policy_id);
	snprintf(next, sizeof(next), "%" PRId64, now);
	const char *v[] = {z->name,        pid,          z->signconf_path, z->input_type,
	                   z->input_path,  z->output_type, z->output_path,
	                   z->suspended ? "t" : "f", z->suspended ? NULL : next};
	rc = db_query(db, "enf_zone_ins",
	              "INSERT INTO zone (name, policy_id, signconf_path, input_type, input_path, "
	              "output_type, output_path, suspended, next_change) VALUES ($1, $2, $3, $4, "
	              "$5, $6, $7, $8, $9) RETURNING id",
	              9, v, &res, d);
	if (rc == ODS_EEXIST)
		return diag_fail(d, ODS_EEXIST, "zone", "zone '%s' already exists", z->name);
	if (rc != ODS_OK)
		return rc;
	z->id = i64(res, 0, 0);
	z->next_change = z->suspended ? 0 : now;
	PQclear(res);
	return ODS_OK;
}

ods_err
enfdb_zone_update(struct db *db, const struct enfdb_zone *z, struct diag *d)
{
	char id[NUM_MAX], pid[NUM_MAX];

	snprintf(id, sizeof(id), "%" PRId64, z->id);
	snprintf(pid, sizeof(pid), "%" PRId64, z->policy_id);
	const char *v[] = {id, pid, z->signconf_path, z->input_type, z->input_path,
	                   z->output_type, z->output_path};
	return db_query(db, "enf_zone_upd",
	                "UPDATE zone SET policy_id = $2, signconf_path = $3, input_type = $4, "
	                "input_path = $5, output_type = $6, output_path = $7, "
	                "signconf_needs_writing = true WHERE id = $1",
	                7, v, NULL, d);
}

static ods_err
get_one(struct db *db, const char *stmt, const char *sql, const char *arg, const char *what,
        struct enfdb_zone *out, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, stmt, sql, 1, (const char *[]){arg}, &res, d);

	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "zone", "zone '%s' not found", what);
	}
	rc = read_zone(res, 0, out, d);
	PQclear(res);
	return rc;
}

ods_err
enfdb_zone_get(struct db *db, const char *name, bool lock, struct enfdb_zone *out,
               struct diag *d)
{
	if (lock)
		return get_one(db, "enf_zone_get_l",
		               "SELECT " ZONE_COLS "WHERE z.name = $1 FOR UPDATE OF z", name, name,
		               out, d);
	return get_one(db, "enf_zone_get", "SELECT " ZONE_COLS "WHERE z.name = $1", name, name,
	               out, d);
}

ods_err
enfdb_zone_get_id(struct db *db, int64_t id, bool lock, struct enfdb_zone *out,
                  struct diag *d)
{
	char sid[NUM_MAX];

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	if (lock)
		return get_one(db, "enf_zone_getid_l",
		               "SELECT " ZONE_COLS "WHERE z.id = $1 FOR UPDATE OF z", sid, sid, out,
		               d);
	return get_one(db, "enf_zone_getid", "SELECT " ZONE_COLS "WHERE z.id = $1", sid, sid,
	               out, d);
}

ods_err
enfdb_zone_list(struct db *db, int64_t policy_id, struct enfdb_zone **out, size_t *n,
                struct diag *d)
{
	char pid[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(pid, sizeof(pid), "%" PRId64, policy_id);
	rc = db_query(db, "enf_zone_list",
	              "SELECT " ZONE_COLS "WHERE $1 = 0 OR z.policy_id = $1 ORDER BY z.name", 1,
	              (const char *[]){pid}, &res, d);
	if (rc != ODS_OK)
		return rc;
	int rows = PQntuples(res);
	struct enfdb_zone *z = calloc(rows ? (size_t)rows : 1, sizeof(*z));
	if (z == NULL) {
		PQclear(res);
		return diag_fail(d, ODS_ENOMEM, "zone", "out of memory");
	}
	for (int i = 0; rc == ODS_OK && i < rows; i++)
		rc = read_zone(res, i, &z[i], d);
	PQclear(res);
	if (rc != ODS_OK) {
		enfdb_zones_free(z, (size_t)rows);
		return rc;
	}
	*out = z;
	*n = (size_t)rows;
	return ODS_OK;
}

ods_err
enfdb_zone_delete(struct db *db, int64_t id, struct diag *d)
{
	char sid[NUM_MAX];
	ods_err rc;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	/* Keys this zone used go to the delete state unless another zone shares them. */
	rc = db_query(db, "enf_zone_release",
	              "UPDATE key_pool SET state = 3 WHERE hsm_key_id IN (SELECT hsm_key_id FROM "
	              "key WHERE zone_id = $1) AND NOT EXISTS (SELECT 1 FROM key k2 WHERE "
	              "k2.hsm_key_id = key_pool.hsm_key_id AND k2.zone_id <> $1)",
	              1, (const char *[]){sid}, NULL, d);
	if (rc == ODS_OK)
		rc = db_query(db, "enf_zone_del", "DELETE FROM zone WHERE id = $1", 1,
		              (const char *[]){sid}, NULL, d);
	return rc;
}

ods_err
enfdb_zone_due(struct db *db, int64_t now, size_t max, int64_t **ids, size_t *n, struct diag *d)
{
	char snow[NUM_MAX], smax[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(smax, sizeof(smax), "%zu", max);
	rc = db_query(db, "enf_zone_due",
	              "SELECT id FROM zone WHERE next_change IS NOT NULL AND next_change <= $1 "
	              "AND NOT suspended ORDER BY next_change, id LIMIT $2",
	              2, (const char *[]){snow, smax}, &res, d);
	if (rc != ODS_OK)
		return rc;
	int rows = PQntuples(res);
	int64_t *v = calloc(rows ? (size_t)rows : 1, sizeof(*v));
	if (v == NULL) {
		PQclear(res);
		return diag_fail(d, ODS_ENOMEM, "zone", "out of memory");
	}
	for (int i = 0; i < rows; i++)
		v[i] = i64(res, i, 0);
	PQclear(res);
	*ids = v;
	*n = (size_t)rows;
	return ODS_OK;
}

ods_err
enfdb_zone_next(struct db *db, int64_t *at, size_t *n_scheduled, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_zone_next",
	                      "SELECT coalesce(min(next_change), 0), count(next_change) FROM zone "
	                      "WHERE NOT suspended",
	                      0, NULL, &res, d);

	if (rc != ODS_OK)
		return rc;
	*at = i64(res, 0, 0);
	if (n_scheduled)
		*n_scheduled = (size_t)i64(res, 0, 1);
	PQclear(res);
	return ODS_OK;
}

ods_err
enfdb_zone_schedule(struct db *db, int64_t id, int64_t policy_id, int64_t at,
                    bool force_signconf, size_t *n, struct diag *d)
{
	char sid[NUM_MAX], spid[NUM_MAX], sat[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(spid, sizeof(spid), "%" PRId64, policy_id);
	snprintf(sat, sizeof(sat), "%" PRId64, at);
	rc = db_query(db, "enf_zone_sched",
	              "WITH s AS (UPDATE zone SET next_change = LEAST(coalesce(next_change, $3), "
	              "$3), signconf_needs_writing = signconf_needs_writing OR $4 WHERE NOT "
	              "suspended AND ($1 = 0 OR id = $1) AND ($2 = 0 OR policy_id = $2) "
	              "RETURNING 1) SELECT count(*) FROM s",
	              4, (const char *[]){sid, spid, sat, force_signconf ? "t" : "f"}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (n)
		*n = (size_t)i64(res, 0, 0);
	PQclear(res);
	return ODS_OK;
}

ods_err
enfdb_zone_roll_now(struct db *db, int64_t id, unsigned roles, int64_t now, struct diag *d)
{
	char sid[NUM_MAX], snow[NUM_MAX];

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	const char *v[] = {sid, (roles & ENFDB_ROLL_KSK) ? "t" : "f",
	                   (roles & ENFDB_ROLL_ZSK) ? "t" : "f", (roles & ENFDB_ROLL_CSK) ? "t" : "f",
	                   snow};
	return db_query(db, "enf_zone_roll",
	                "UPDATE zone SET roll_ksk_now = roll_ksk_now OR $2, roll_zsk_now = "
	                "roll_zsk_now OR $3, roll_csk_now = roll_csk_now OR $4, next_change = $5 "
	                "WHERE id = $1",
	                5, v, NULL, d);
}

ods_err
enfdb_zone_set_next(struct db *db, int64_t id, int64_t at, struct diag *d)
{
	char sid[NUM_MAX], sat[NUM_MAX];

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(sat, sizeof(sat), "%" PRId64, at);
	return db_query(db, "enf_zone_set_next", "UPDATE zone SET next_change = $2 WHERE id = $1",
	                2, (const char *[]){sid, sat}, NULL, d);
}
