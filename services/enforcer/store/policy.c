/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policies in PostgreSQL. One table maps the scalar fields of struct kasp_policy to columns,
 * so insert, update, compare and load are loops over it and a new kasp.xml element is one
 * line here plus a migration.
 */
#include "services/enforcer/store/store.h"

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hex.h"
#include "lib/base/random.h"
#include "lib/conf/kasp.h"
#include "lib/db/db.h"
#include "services/enforcer/policymap.h"

enum col_type { C_I64, C_INT, C_BOOL };

struct col {
	const char *name;
	enum col_type type;
	size_t off;
};

#define P(f) offsetof(struct kasp_policy, f)
static const struct col cols[] = {
	{"passthrough", C_BOOL, P(passthrough)},
	{"sig_resign_s", C_I64, P(sig.resign_s)},
	{"sig_refresh_s", C_I64, P(sig.refresh_s)},
	{"sig_validity_default_s", C_I64, P(sig.validity_default_s)},
	{"sig_validity_denial_s", C_I64, P(sig.validity_denial_s)},
	{"sig_validity_keyset_s", C_I64, P(sig.validity_keyset_s)},
	{"sig_jitter_s", C_I64, P(sig.jitter_s)},
	{"sig_inception_offset_s", C_I64, P(sig.inception_offset_s)},
	{"sig_max_zone_ttl_s", C_I64, P(sig.max_zone_ttl_s)},
	{"denial", C_INT, P(denial)},
	{"nsec3_ttl_s", C_I64, P(nsec3.ttl_s)},
	{"nsec3_optout", C_BOOL, P(nsec3.opt_out)},
	{"nsec3_resalt_s", C_I64, P(nsec3.resalt_s)},
	{"nsec3_algorithm", C_INT, P(nsec3.algorithm)},
	{"nsec3_iterations", C_INT, P(nsec3.iterations)},
	{"nsec3_salt_length", C_INT, P(nsec3.salt_length)},
	{"keys_ttl_s", C_I64, P(keys.ttl_s)},
	{"keys_retire_safety_s", C_I64, P(keys.retire_safety_s)},
	{"keys_publish_safety_s", C_I64, P(keys.publish_safety_s)},
	{"keys_share", C_BOOL, P(keys.share_keys)},
	{"zone_propagation_delay_s", C_I64, P(zone.propagation_delay_s)},
	{"zone_soa_ttl_s", C_I64, P(zone.soa_ttl_s)},
	{"zone_soa_minimum_s", C_I64, P(zone.soa_minimum_s)},
	{"zone_soa_serial", C_INT, P(zone.serial)},
	{"parent_propagation_delay_s", C_I64, P(parent.propagation_delay_s)},
	{"parent_registration_delay_s", C_I64, P(parent.registration_delay_s)},
	{"parent_ds_ttl_s", C_I64, P(parent.ds_ttl_s)},
	{"parent_soa_ttl_s", C_I64, P(parent.soa_ttl_s)},
	{"parent_soa_minimum_s", C_I64, P(parent.soa_minimum_s)},
};
#undef P
#define N_COLS (sizeof(cols) / sizeof(cols[0]))
/* Columns after the table: description, keys_purge_s (nullable). */
#define N_PARAMS (N_COLS + 3)
#define VAL_MAX 24

static void
col_get(const struct kasp_policy *p, const struct col *c, char *buf)
{
	const char *base = (const char *)p + c->off;

	switch (c->type) {
	case C_I64:
		snprintf(buf, VAL_MAX, "%" PRId64, *(const int64_t *)(const void *)base);
		break;
	case C_INT:
		snprintf(buf, VAL_MAX, "%d", *(const int *)(const void *)base);
		break;
	case C_BOOL:
		snprintf(buf, VAL_MAX, "%s", *(const bool *)(const void *)base ? "t" : "f");
		break;
	}
}

static void
col_set(struct kasp_policy *p, const struct col *c, const char *v)
{
	char *base = (char *)p + c->off;

	switch (c->type) {
	case C_I64:
		*(int64_t *)(void *)base = strtoll(v, NULL, 10);
		break;
	case C_INT:
		*(int *)(void *)base = (int)strtol(v, NULL, 10);
		break;
	case C_BOOL:
		*(bool *)(void *)base = v[0] == 't';
		break;
	}
}

/* The SQL texts, built once from the table under pthread_once. */
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;
static char sql_insert[4096], sql_update[4096], sql_select[4096];

/* Append text, then (when n > 0) "$n", to buf. */
static void
append(char *buf, size_t cap, const char *text, int n)
{
	size_t len = strlen(buf);

	if (len < cap)
		snprintf(buf + len, cap - len, "%s", text);
	len = strlen(buf);
	if (n > 0 && len < cap)
		snprintf(buf + len, cap - len, "$%d", n);
}

static void
build_sql(void)
{
	snprintf(sql_insert, sizeof(sql_insert), "%s",
	         "INSERT INTO policy (name, description, keys_purge_s");
	snprintf(sql_update, sizeof(sql_update), "%s",
	         "UPDATE policy SET description = $2, keys_purge_s = $3, updated_at = now()");
	snprintf(sql_select, sizeof(sql_select), "%s",
	         "SELECT id, name, description, keys_purge_s, nsec3_salt, nsec3_salt_last_change, "
	         "(SELECT count(*) FROM zone z WHERE z.policy_id = policy.id)");
	for (size_t i = 0; i < N_COLS; i++) {
		append(sql_insert, sizeof(sql_insert), ", ", 0);
		append(sql_insert, sizeof(sql_insert), cols[i].name, 0);
		append(sql_update, sizeof(sql_update), ", ", 0);
		append(sql_update, sizeof(sql_update), cols[i].name, 0);
		append(sql_update, sizeof(sql_update), " = ", (int)i + 4);
		append(sql_select, sizeof(sql_select), ", ", 0);
		append(sql_select, sizeof(sql_select), cols[i].name, 0);
	}
	append(sql_insert, sizeof(sql_insert), ") VALUES ($1, $2, $3", 0);
	for (size_t i = 0; i < N_COLS; i++)
		append(sql_insert, sizeof(sql_insert), ", ", (int)i + 4);
	append(sql_insert, sizeof(sql_insert), ") RETURNING id", 0);
	append(sql_update, sizeof(sql_update), " WHERE name = $1 RETURNING id", 0);
	append(sql_select, sizeof(sql_select), " FROM policy", 0);
}

static ods_err
new_salt(int length, char *hex, struct diag *d)
{
	uint8_t b[255];

	hex[0] = '\0';
	if (length <= 0)
		return ODS_OK;
	if (length > 255 || !random_bytes(b, (size_t)length))
		return diag_fail(d, ODS_EINTERNAL, "salt", "cannot draw a salt of %d octets",
		                 length);
	hex_encode(b, (size_t)length, hex);
	return ODS_OK;
}

static bool
same_key(const struct kasp_key *a, const struct kasp_key *b)
{
	return a->role == b->role && a->algorithm == b->algorithm &&
	       a->length_bits == b->length_bits && a->lifetime_s == b->lifetime_s &&
	       strcmp(a->repository, b->repository) == 0 && a->standby == b->standby &&
	       a->manual_rollover == b->manual_rollover && a->rfc5011 == b->rfc5011 &&
	       a->rolltype == b->rolltype;
}

static bool
same_policy(const struct kasp_policy *a, const struct kasp_policy *b)
{
	char va[VAL_MAX], vb[VAL_MAX];

	for (size_t i = 0; i < N_COLS; i++) {
		col_get(a, &cols[i], va);
		col_get(b, &cols[i], vb);
		if (strcmp(va, vb) != 0)
			return false;
	}
	if (strcmp(a->description ? a->description : "", b->description ? b->description : "") ||
	    a->keys.has_purge != b->keys.has_purge ||
	    (a->keys.has_purge && a->keys.purge_s != b->keys.purge_s) || a->n_keys != b->n_keys)
		return false;
	for (size_t i = 0; i < a->n_keys; i++)
		if (!same_key(&a->key[i], &b->key[i]))
			return false;
	return true;
}

static ods_err
put_keys(struct db *db, int64_t id, const struct kasp_policy *p, struct diag *d)
{
	char sid[VAL_MAX], seq[VAL_MAX], role[VAL_MAX], alg[VAL_MAX], bits[VAL_MAX],
	    life[VAL_MAX], stby[VAL_MAX], rt[VAL_MAX];
	ods_err rc;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	rc = db_query(db, "enf_pkey_del", "DELETE FROM policy_key WHERE policy_id = $1", 1,
	              (const char *[]){sid}, NULL, d);
	for (size_t i = 0; rc == ODS_OK && i < p->n_keys; i++) {
		const struct kasp_key *k = &p->key[i];

		snprintf(seq, sizeof(seq), "%zu", i);
		snprintf(role, sizeof(role), "%d", enf_role_of_kasp((int)k->role));
		snprintf(alg, sizeof(alg), "%d", k->algorithm);
		snprintf(bits, sizeof(bits), "%d", k->length_bits);
		snprintf(life, sizeof(life), "%" PRId64, k->lifetime_s);
		snprintf(stby, sizeof(stby), "%d", k->standby);
		snprintf(rt, sizeof(rt), "%d", k->rolltype);
		const char *v[] = {sid, seq, role, alg, bits, life, k->repository, stby,
		                   k->manual_rollover ? "t" : "f", k->rfc5011 ? "t" : "f", rt};
		rc = db_query(db, "enf_pkey_ins",
		              "INSERT INTO policy_key (policy_id, seq, role, algorithm, bits, "
		              "lifetime_s, repository, standby, manual_rollover, rfc5011, rolltype) "
		              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		              11, v, NULL, d);
	}
	return rc;
}

ods_err
enfdb_policy_put(struct db *db, const struct kasp_policy *p, int64_t now, enum enfdb_put *what,
                 int64_t *id, struct diag *d)
{
	struct kasp *old = NULL;
	struct enfdb_policy_meta *meta = NULL;
	char vals[N_COLS][VAL_MAX], purge[VAL_MAX], salt[2 * 255 + 1];
	const char *params[N_PARAMS];
	PGresult *res = NULL;
	ods_err rc;

	pthread_once(&sql_once, build_sql);
	rc = enfdb_policy_load(db, p->name, &old, &meta, d);
	if (rc != ODS_OK && rc != ODS_ENOENT)
		return rc;
	if (rc == ODS_OK && same_policy(&old->policies[0], p)) {
		*what = ENFDB_UNCHANGED;
		*id = meta[0].id;
		kasp_free(old);
		free(meta);
		return ODS_OK;
	}
	bool exists = rc == ODS_OK;
	bool resalt = !exists || old->policies[0].nsec3.salt_length != p->nsec3.salt_length ||
	              old->policies[0].denial != p->denial;
	kasp_free(old);
	free(meta);

	snprintf(purge, sizeof(purge), "%" PRId64, p->keys.purge_s);
	params[0] = p->name;
	params[1] = p->description ? p->description : "";
	params[2] = p->keys.has_purge ? purge : NULL;
	for (size_t i = 0; i < N_COLS; i++) {
		col_get(p, &cols[i], vals[i]);
		params[i + 3] = vals[i];
	}
	rc = db_query(db, exists ? "enf_policy_upd" : "enf_policy_ins",
	              exists ? sql_update : sql_insert, (int)N_PARAMS, params, &res, d);
	if (rc != ODS_OK)
		return rc;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	rc = put_keys(db, *id, p, d);
	if (rc == ODS_OK && resalt) {
		rc = new_salt(p->denial == KASP_DENIAL_NSEC3 ? p->nsec3.salt_length : 0, salt, d);
		if (rc == ODS_OK)
			rc = enfdb_policy_set_salt(db, *id, salt, now, d);
	}
	*what = exists ? ENFDB_UPDATED : ENFDB_CREATED;
	return rc;
}

ods_err
enfdb_policy_set_salt(struct db *db, int64_t id, const char *salt_hex, int64_t now,
                      struct diag *d)
{
	char sid[VAL_MAX], snow[VAL_MAX];

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	return db_query(db, "enf_policy_salt",
	                "UPDATE policy SET nsec3_salt = $2, nsec3_salt_last_change = $3 "
	                "WHERE id = $1",
	                3, (const char *[]){sid, salt_hex, snow}, NULL, d);
}

static ods_err
load_keys(struct db *db, struct kasp_policy *p, int64_t id, struct diag *d)
{
	char sid[VAL_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	rc = db_query(db, "enf_pkey_sel",
	              "SELECT role, algorithm, bits, lifetime_s, repository, standby, "
	              "manual_rollover, rfc5011, rolltype FROM policy_key WHERE policy_id = $1 "
	              "ORDER BY seq",
	              1, (const char *[]){sid}, &res, d);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	p->key = calloc(n ? (size_t)n : 1, sizeof(*p->key));
	if (p->key == NULL) {
		PQclear(res);
		return diag_fail(d, ODS_ENOMEM, "policy", "out of memory");
	}
	for (int i = 0; i < n; i++) {
		struct kasp_key *k = &p->key[p->n_keys];

		k->role = (enum kasp_key_role)enf_kasp_role_of(
		    (unsigned)strtol(PQgetvalue(res, i, 0), NULL, 10));
		k->algorithm = (int)strtol(PQgetvalue(res, i, 1), NULL, 10);
		k->length_bits = (int)strtol(PQgetvalue(res, i, 2), NULL, 10);
		k->lifetime_s = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		k->repository = strdup(PQgetvalue(res, i, 4));
		k->standby = (int)strtol(PQgetvalue(res, i, 5), NULL, 10);
		k->manual_rollover = PQgetvalue(res, i, 6)[0] == 't';
		k->rfc5011 = PQgetvalue(res, i, 7)[0] == 't';
		k->rolltype = (int)strtol(PQgetvalue(res, i, 8), NULL, 10);
		if (k->repository == NULL) {
			PQclear(res);
			return diag_fail(d, ODS_ENOMEM, "policy", "out of memory");
		}
		p->n_keys++;
	}
	PQclear(res);
	return ODS_OK;
}

/* Fill policy i of k and meta[i] from row r of res (columns as sql_select). */
static ods_err
read_row(PGresult *res, int r, struct kasp_policy *p, struct enfdb_policy_meta *m,
         struct diag *d)
{
	m->id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
	p->name = strdup(PQgetvalue(res, r, 1));
	p->description = strdup(PQgetvalue(res, r, 2));
	if (p->name == NULL || p->description == NULL)
		return diag_fail(d, ODS_ENOMEM, "policy", "out of memory");
	p->keys.has_purge = !PQgetisnull(res, r, 3);
	p->keys.purge_s = p->keys.has_purge ? strtoll(PQgetvalue(res, r, 3), NULL, 10) : 0;
	snprintf(m->salt, sizeof(m->salt), "%s", PQgetvalue(res, r, 4));
	m->salt_last_change = strtoll(PQgetvalue(res, r, 5), NULL, 10);
	m->zones = (int)strtol(PQgetvalue(res, r, 6), NULL, 10);
	for (size_t i = 0; i < N_COLS; i++)
		col_set(p, &cols[i], PQgetvalue(res, r, 7 + (int)i));
	return ODS_OK;
}

static ods_err
load_where(struct db *db, const char *stmt, const char *where, const char *arg,
           struct kasp **out, struct enfdb_policy_meta **meta, struct diag *d)
{
	char sql[sizeof(sql_select) + 64];
	PGresult *res = NULL;
	ods_err rc;

	pthread_once(&sql_once, build_sql);
	snprintf(sql, sizeof(sql), "%s%s", sql_select, where);
	rc = db_query(db, stmt, sql, arg ? 1 : 0, arg ? (const char *[]){arg} : NULL, &res, d);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	if (n == 0 && arg) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "policy", "no policy '%s' in the database", arg);
	}
	struct kasp *k = calloc(1, sizeof(*k));
	struct enfdb_policy_meta *m = calloc(n ? (size_t)n : 1, sizeof(*m));
	if (k == NULL || m == NULL || (k->policies = calloc(n ? (size_t)n : 1,
	                                                    sizeof(*k->policies))) == NULL) {
		PQclear(res);
		kasp_free(k);
		free(m);
		return diag_fail(d, ODS_ENOMEM, "policy", "out of memory");
	}
	rc = ODS_OK;
	for (int i = 0; rc == ODS_OK && i < n; i++) {
		k->n_policies++;
		rc = read_row(res, i, &k->policies[i], &m[i], d);
	}
	PQclear(res);
	for (size_t i = 0; rc == ODS_OK && i < k->n_policies; i++)
		rc = load_keys(db, &k->policies[i], m[i].id, d);
	if (rc != ODS_OK) {
		kasp_free(k);
		free(m);
		return rc;
	}
	*out = k;
	*meta = m;
	return ODS_OK;
}

ods_err
enfdb_policy_load(struct db *db, const char *name, struct kasp **out,
                  struct enfdb_policy_meta **meta, struct diag *d)
{
	if (name)
		return load_where(db, "enf_policy_by_name", " WHERE name = $1", name, out, meta, d);
	return load_where(db, "enf_policy_all", " ORDER BY name", NULL, out, meta, d);
}

ods_err
enfdb_policy_load_id(struct db *db, int64_t id, struct kasp **out,
                     struct enfdb_policy_meta *meta, struct diag *d)
{
	char sid[VAL_MAX];
	struct enfdb_policy_meta *m = NULL;
	ods_err rc;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	rc = load_where(db, "enf_policy_by_id", " WHERE id = $1", sid, out, &m, d);
	if (rc == ODS_OK) {
		*meta = m[0];
		free(m);
	}
	return rc;
}

ods_err
enfdb_policy_delete(struct db *db, const char *name, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc;

	rc = db_query(db, "enf_policy_del",
	              "WITH used AS (SELECT count(*) AS n FROM zone z JOIN policy p ON "
	              "p.id = z.policy_id WHERE p.name = $1), del AS (DELETE FROM policy WHERE "
	              "name = $1 AND (SELECT n FROM used) = 0 RETURNING id) "
	              "SELECT (SELECT n FROM used), (SELECT count(*) FROM del)",
	              1, (const char *[]){name}, &res, d);
	if (rc != ODS_OK)
		return rc;
	long used = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	long deleted = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	if (used > 0)
		return diag_fail(d, ODS_ESTATE, "policy", "policy '%s' is used by %ld zone(s)", name,
		                 used);
	if (deleted == 0)
		return diag_fail(d, ODS_ENOENT, "policy", "no policy '%s' in the database", name);
	return ODS_OK;
}

ods_err
enfdb_policy_id(struct db *db, const char *name, int64_t *id, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_policy_id", "SELECT id FROM policy WHERE name = $1", 1,
	                      (const char *[]){name}, &res, d);

	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "policy", "no policy '%s' in the database", name);
	}
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}
