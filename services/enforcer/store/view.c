/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A zone's key view: its keys (with the four records), the successor dependencies, the TTL
 * history and the `key rollover` flags, loaded into the engine's struct enf_zone and stored
 * back. Keys added during a run carry negative temporary ids until they are inserted; the
 * dependencies are written after that, with the ids mapped.
 */
#include "services/enforcer/store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db/db.h"

#define NUM_MAX 24


void
enfdb_view_deinit(struct enfdb_view *v)
{
	if (v == NULL)
		return;
	enf_zone_deinit(&v->zone);
	free(v->extra);
	memset(v, 0, sizeof(*v));
}

struct enfdb_key_extra *
enfdb_view_extra(struct enfdb_view *v, struct enf_key_id id)
{
	for (size_t i = 0; i < v->n_extra; i++)
		if (v->extra[i].id.v == id.v)
			return &v->extra[i];
	return NULL;
}

ods_err
enfdb_view_put_extra(struct enfdb_view *v, const struct enfdb_key_extra *x)
{
	struct enfdb_key_extra *have = enfdb_view_extra(v, x->id);

	if (have) {
		*have = *x;
		return ODS_OK;
	}
	if (v->n_extra == v->cap_extra) {
		size_t cap = v->cap_extra ? v->cap_extra * 2 : 8;
		struct enfdb_key_extra *e = realloc(v->extra, cap * sizeof(*e));
		if (e == NULL)
			return ODS_ENOMEM;
		v->extra = e;
		v->cap_extra = cap;
	}
	v->extra[v->n_extra++] = *x;
	return ODS_OK;
}

static int64_t
i64(PGresult *res, int r, int c)
{
	return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

static ods_err
load_zone_row(struct db *db, const char *sid, struct enfdb_view *v, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_view_zone",
	                      "SELECT ttl_end_ds, ttl_end_dk, ttl_end_rs, ttl_ds_s, ttl_dk_s, "
	                      "ttl_rs_s, roll_ksk_now, roll_zsk_now, roll_csk_now, "
	                      "signconf_needs_writing FROM zone WHERE id = $1 FOR UPDATE",
	                      1, (const char *[]){sid}, &res, d);

	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "zone", "zone %s vanished", sid);
	}
	struct enf_zone *z = &v->zone;
	z->ttl_end_ds = i64(res, 0, 0);
	z->ttl_end_dk = i64(res, 0, 1);
	z->ttl_end_rs = i64(res, 0, 2);
	z->ttl_ds_s = i64(res, 0, 3);
	z->ttl_dk_s = i64(res, 0, 4);
	z->ttl_rs_s = i64(res, 0, 5);
	z->roll_ksk_now = PQgetvalue(res, 0, 6)[0] == 't';
	z->roll_zsk_now = PQgetvalue(res, 0, 7)[0] == 't';
	z->roll_csk_now = PQgetvalue(res, 0, 8)[0] == 't';
	v->signconf_needs_writing = PQgetvalue(res, 0, 9)[0] == 't';
	PQclear(res);
	return ODS_OK;
}

#define KEY_COLS                                                                               \
	"k.id, k.role, k.algorithm, k.bits, k.repository, k.introducing, "              \
	"k.ds_at_parent, k.minimize, k.keytag, k.inception, k.has_records, "                   \
	"k.ds_state, k.ds_last, k.ds_ttl, k.dnskey_state, k.dnskey_last, k.dnskey_ttl, "       \
	"k.rrsigdnskey_state, k.rrsigdnskey_last, k.rrsigdnskey_ttl, "                         \
	"k.rrsig_state, k.rrsig_last, k.rrsig_ttl, k.hsm_key_id, h.locator, h.public_key, "    \
	"h.backup "
#define KEY_SEL                                                                                \
	"SELECT " KEY_COLS "FROM key k JOIN hsm_key h ON h.id = k.hsm_key_id WHERE "             \
	"k.zone_id = $1 ORDER BY k.id"

static ods_err
read_key(PGresult *res, int r, struct enf_key *k, struct enfdb_key_extra *x, struct diag *d)
{
	memset(k, 0, sizeof(*k));
	memset(x, 0, sizeof(*x));
	k->id.v = i64(res, r, 0);
	k->role = (unsigned)i64(res, r, 1);
	k->algorithm = (int)i64(res, r, 2);
	k->bits = (int)i64(res, r, 3);
	snprintf(k->repository, sizeof(k->repository), "%s", PQgetvalue(res, r, 4));
	k->introducing = PQgetvalue(res, r, 5)[0] == 't';
	k->ds_at_parent = (enum enf_ds_at_parent)i64(res, r, 6);
	k->minimize = (unsigned)i64(res, r, 7);
	k->keytag = (uint16_t)i64(res, r, 8);
	k->inception = i64(res, r, 9);
	k->has_records = PQgetvalue(res, r, 10)[0] == 't';
	for (int i = 0; i < ENF_REC_COUNT; i++) {
		k->rec[i].state = (enum enf_state)i64(res, r, 11 + 3 * i);
		k->rec[i].last_change = i64(res, r, 12 + 3 * i);
		k->rec[i].ttl_s = i64(res, r, 13 + 3 * i);
	}
	x->id = k->id;
	x->hsm_key_id = i64(res, r, 23);
	snprintf(x->locator, sizeof(x->locator), "%s", PQgetvalue(res, r, 24));
	if (!db_bytea_decode(PQgetvalue(res, r, 25), x->pubkey, sizeof(x->pubkey), &x->pubkey_len))
		return diag_fail(d, ODS_EDB, "key", "bad public key stored for %s", x->locator);
	k->backup = (enum enf_backup)i64(res, r, 26);
	return ODS_OK;
}

static ods_err
load_keys(struct db *db, const char *sid, struct enfdb_view *v, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_view_keys", KEY_SEL, 1, (const char *[]){sid}, &res, d);

	if (rc != ODS_OK)
		return rc;
	for (int i = 0; rc == ODS_OK && i < PQntuples(res); i++) {
		struct enf_key k;
		struct enfdb_key_extra x;

		rc = read_key(res, i, &k, &x, d);
		if (rc == ODS_OK && (enf_zone_add_key(&v->zone, &k) != ODS_OK ||
		                     enfdb_view_put_extra(v, &x) != ODS_OK))
			rc = diag_fail(d, ODS_ENOMEM, "key", "out of memory");
	}
	PQclear(res);
	return rc;
}

static ods_err
load_deps(struct db *db, const char *sid, struct enfdb_view *v, struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_view_deps",
	                      "SELECT from_key, to_key, record FROM key_dependency WHERE "
	                      "zone_id = $1 ORDER BY from_key, to_key, record",
	                      1, (const char *[]){sid}, &res, d);

	if (rc != ODS_OK)
		return rc;
	for (int i = 0; rc == ODS_OK && i < PQntuples(res); i++) {
		struct enf_dep dep = {
		    .from = {i64(res, i, 0)},
		    .to = {i64(res, i, 1)},
		    .record = (enum enf_record)i64(res, i, 2),
		};
		if (enf_zone_add_dep(&v->zone, &dep) != ODS_OK)
			rc = diag_fail(d, ODS_ENOMEM, "key_dependency", "out of memory");
	}
	PQclear(res);
	return rc;
}

ods_err
enfdb_view_load(struct db *db, int64_t zone_id, struct enfdb_view *v, struct diag *d)
{
	char sid[NUM_MAX];
	ods_err rc;

	memset(v, 0, sizeof(*v));
	enf_zone_init(&v->zone);
	snprintf(sid, sizeof(sid), "%" PRId64, zone_id);
	rc = load_zone_row(db, sid, v, d);
	if (rc == ODS_OK)
		rc = load_keys(db, sid, v, d);
	if (rc == ODS_OK)
		rc = load_deps(db, sid, v, d);
	if (rc != ODS_OK)
		enfdb_view_deinit(v);
	return rc;
}

/* The key's columns as text parameters: $1..$24 for INSERT, $25 the id for UPDATE. */
#define KEY_NCOLS 24
#define KEY_NPARAM (KEY_NCOLS + 1)
struct key_params {
	char buf[KEY_NPARAM][NUM_MAX];
	const char *v[KEY_NPARAM];
};

static void
key_params(struct key_params *p, const struct enf_key *k, int64_t zone_id, int64_t hsm_key_id)
{
	const int64_t nums[12] = {zone_id,     hsm_key_id,      k->role,       k->algorithm,
	                          k->bits,     0,               k->introducing, k->ds_at_parent,
	                          k->minimize, k->keytag,       k->inception,  k->has_records};

	for (int i = 0; i < 12; i++)
		snprintf(p->buf[i], NUM_MAX, "%" PRId64, nums[i]);
	snprintf(p->buf[6], NUM_MAX, "%s", k->introducing ? "t" : "f");
	snprintf(p->buf[11], NUM_MAX, "%s", k->has_records ? "t" : "f");
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		snprintf(p->buf[12 + 3 * r], NUM_MAX, "%d", (int)k->rec[r].state);
		snprintf(p->buf[13 + 3 * r], NUM_MAX, "%" PRId64, k->rec[r].last_change);
		snprintf(p->buf[14 + 3 * r], NUM_MAX, "%" PRId64, k->rec[r].ttl_s);
	}
	snprintf(p->buf[KEY_NCOLS], NUM_MAX, "%" PRId64, k->id.v);
	for (int i = 0; i < KEY_NPARAM; i++)
		p->v[i] = p->buf[i];
	p->v[5] = k->repository;
}

static void
remap_deps(struct enf_zone *z, int64_t from, int64_t to)
{
	for (size_t i = 0; i < z->n_deps; i++) {
		if (z->deps[i].from.v == from)
			z->deps[i].from.v = to;
		if (z->deps[i].to.v == from)
			z->deps[i].to.v = to;
	}
}

static ods_err
insert_key(struct db *db, int64_t zone_id, struct enfdb_view *v, struct enf_key *k,
           struct enfdb_key_extra *x, struct diag *d)
{
	struct key_params p;
	PGresult *res = NULL;
	ods_err rc;

	key_params(&p, k, zone_id, x->hsm_key_id);
	rc = db_query(db, "enf_key_ins",
	              "INSERT INTO key (zone_id, hsm_key_id, role, algorithm, bits, repository, "
	              "introducing, ds_at_parent, minimize, keytag, inception, has_records, "
	              "ds_state, ds_last, ds_ttl, dnskey_state, dnskey_last, dnskey_ttl, "
	              "rrsigdnskey_state, rrsigdnskey_last, rrsigdnskey_ttl, rrsig_state, "
	              "rrsig_last, rrsig_ttl) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
	              "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) "
	              "RETURNING id",
	              KEY_NCOLS, p.v, &res, d);
	if (rc != ODS_OK)
		return rc;
	int64_t id = i64(res, 0, 0);
	PQclear(res);
	remap_deps(&v->zone, k->id.v, id);
	k->id.v = id;
	x->id.v = id;
	x->is_new = false;
	return ODS_OK;
}

/* Only the mutable columns change; the identity columns must match, so a row that belongs
 * to another key (or zone) is never overwritten. */
static ods_err
update_key(struct db *db, int64_t zone_id, const struct enf_key *k,
           const struct enfdb_key_extra *x, struct diag *d)
{
	struct key_params p;

	PGresult *res = NULL;
	key_params(&p, k, zone_id, x->hsm_key_id);
	ods_err rc = db_query(db, "enf_key_upd",
	                "UPDATE key SET introducing = $7, ds_at_parent = $8, minimize = $9, "
	                "has_records = $12, ds_state = $13, ds_last = $14, ds_ttl = $15, "
	                "dnskey_state = $16, dnskey_last = $17, dnskey_ttl = $18, "
	                "rrsigdnskey_state = $19, rrsigdnskey_last = $20, rrsigdnskey_ttl = $21, "
	                "rrsig_state = $22, rrsig_last = $23, rrsig_ttl = $24 WHERE id = $25 AND "
	                "zone_id = $1 AND hsm_key_id = $2 AND role = $3 AND algorithm = $4 AND "
	                "bits = $5 AND repository = $6 AND keytag = $10 AND inception = $11 "
	                "RETURNING id",
	                KEY_NPARAM, p.v, &res, d);
	if (rc != ODS_OK)
		return rc;
	int n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return diag_fail(d, ODS_EINTERNAL, "key",
		                 "key %" PRId64 " (keytag %u) of zone %" PRId64 " is no longer stored "
		                 "as it was read; nothing written",
		                 k->id.v, k->keytag, zone_id);
	return ODS_OK;
}

static ods_err
store_deps(struct db *db, const char *sid, const struct enf_zone *z, struct diag *d)
{
	char from[NUM_MAX], to[NUM_MAX], rec[NUM_MAX];
	ods_err rc = db_query(db, "enf_deps_del", "DELETE FROM key_dependency WHERE zone_id = $1",
	                      1, (const char *[]){sid}, NULL, d);

	for (size_t i = 0; rc == ODS_OK && i < z->n_deps; i++) {
		snprintf(from, sizeof(from), "%" PRId64, z->deps[i].from.v);
		snprintf(to, sizeof(to), "%" PRId64, z->deps[i].to.v);
		snprintf(rec, sizeof(rec), "%d", (int)z->deps[i].record);
		rc = db_query(db, "enf_deps_ins",
		              "INSERT INTO key_dependency (zone_id, from_key, to_key, record) VALUES "
		              "($1, $2, $3, $4) ON CONFLICT DO NOTHING",
		              4, (const char *[]){sid, from, to, rec}, NULL, d);
	}
	return rc;
}

static ods_err
store_zone_row(struct db *db, const char *sid, const struct enfdb_view *v, struct diag *d)
{
	const struct enf_zone *z = &v->zone;
	char b[6][NUM_MAX];
	const int64_t n[6] = {z->ttl_end_ds, z->ttl_end_dk, z->ttl_end_rs,
	                      z->ttl_ds_s,   z->ttl_dk_s,   z->ttl_rs_s};

	for (int i = 0; i < 6; i++)
		snprintf(b[i], NUM_MAX, "%" PRId64, n[i]);
	const char *p[] = {sid,  b[0], b[1], b[2], b[3], b[4], b[5], z->roll_ksk_now ? "t" : "f",
	                   z->roll_zsk_now ? "t" : "f", z->roll_csk_now ? "t" : "f"};
	return db_query(db, "enf_view_zone_upd",
	                "UPDATE zone SET ttl_end_ds = $2, ttl_end_dk = $3, ttl_end_rs = $4, "
	                "ttl_ds_s = $5, ttl_dk_s = $6, ttl_rs_s = $7, roll_ksk_now = $8, "
	                "roll_zsk_now = $9, roll_csk_now = $10 WHERE id = $1",
	                10, p, NULL, d);
}

ods_err
enfdb_view_store(struct db *db, int64_t zone_id, struct enfdb_view *v, const int64_t *removed,
                 size_t n_removed, struct diag *d)
{
	char sid[NUM_MAX], kid[NUM_MAX];
	ods_err rc = ODS_OK;

	snprintf(sid, sizeof(sid), "%" PRId64, zone_id);
	for (size_t i = 0; rc == ODS_OK && i < n_removed; i++) {
		snprintf(kid, sizeof(kid), "%" PRId64, removed[i]);
		rc = db_query(db, "enf_key_del", "DELETE FROM key WHERE id = $1 AND zone_id = $2", 2,
		              (const char *[]){kid, sid}, NULL, d);
	}
	for (size_t i = 0; rc == ODS_OK && i < v->zone.n_keys; i++) {
		struct enf_key *k = &v->zone.keys[i];
		struct enfdb_key_extra *x = enfdb_view_extra(v, k->id);

		if (x == NULL)
			rc = diag_fail(d, ODS_EINTERNAL, "key", "key %" PRId64 " has no HSM key",
			               k->id.v);
		else if (x->is_new)
			rc = insert_key(db, zone_id, v, k, x, d);
		else
			rc = update_key(db, zone_id, k, x, d);
	}
	if (rc == ODS_OK)
		rc = store_deps(db, sid, &v->zone, d);
	if (rc == ODS_OK)
		rc = store_zone_row(db, sid, v, d);
	return rc;
}

ods_err
enfdb_key_rows(struct db *db, const char *zone, struct enfdb_key_row **out, size_t *n,
               struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(db, "enf_key_rows",
	                      "SELECT " KEY_COLS ", z.id, z.name, coalesce(z.next_change, 0), "
	                      "p.keys_ttl_s, p.parent_ds_ttl_s, k.ds_cmd_error FROM key k JOIN "
	                      "hsm_key h ON h.id = k.hsm_key_id JOIN zone z ON z.id = k.zone_id "
	                      "JOIN policy p ON p.id = z.policy_id WHERE $1::text IS NULL OR "
	                      "z.name = $1 ORDER BY z.name, k.id",
	                      1, (const char *[]){zone}, &res, d);

	if (rc != ODS_OK)
		return rc;
	int rows = PQntuples(res);
	struct enfdb_key_row *v = calloc(rows ? (size_t)rows : 1, sizeof(*v));
	if (v == NULL) {
		PQclear(res);
		return diag_fail(d, ODS_ENOMEM, "key", "out of memory");
	}
	for (int i = 0; rc == ODS_OK && i < rows; i++) {
		rc = read_key(res, i, &v[i].key, &v[i].x, d);
		v[i].zone_id = i64(res, i, 27);
		snprintf(v[i].zone, sizeof(v[i].zone), "%s", PQgetvalue(res, i, 28));
		v[i].next_change = i64(res, i, 29);
		v[i].dnskey_ttl_s = i64(res, i, 30);
		v[i].ds_ttl_s = i64(res, i, 31);
		snprintf(v[i].ds_cmd_error, sizeof(v[i].ds_cmd_error), "%s", PQgetvalue(res, i, 32));
	}
	PQclear(res);
	if (rc != ODS_OK) {
		free(v);
		return rc;
	}
	*out = v;
	*n = (size_t)rows;
	return ODS_OK;
}
