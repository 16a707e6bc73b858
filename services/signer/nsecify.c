/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The denial chain of a zone, rebuilt from the stored names on every sign job and diffed
 * against the stored chain, so only links that changed lose their signatures. The names are
 * walked in canonical order through a cursor (zone/denial.c classifies them); per batch the
 * classification goes to stage_kind and the records to stage_rr with one COPY each. NSEC
 * links are made during the walk; NSEC3 hashes are staged, then read back in hash order to
 * link them. Also sets which stored RRsets are signed (not glue, occluded data or a
 * delegation's NS). Runs in the caller's transaction.
 */
#include "services/signer/signer.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/clock.h"
#include "lib/base/hex.h"
#include "lib/base/log.h"
#include "lib/db/db.h"
#include "lib/dns/sortkey.h"
#include "services/signer/store.h"
#include "services/signer/zone/denial.h"

#define FETCH 5000
#define STR_(x) #x
#define STR(x) STR_(x)
#define TYPES_MAX 1024 /* RRset types at one name, with room for RRSIG, NSEC(3), NSEC3PARAM */
#define KIND_COPY "COPY stage_kind (sortkey, kind) FROM STDIN"
#define HASH_COPY "COPY stage_hash (hash, types) FROM STDIN"

struct walk {
	const struct sgn_zone *z;
	struct db *db;
	bool nsec3;
	uint32_t ttl; /* of NSEC and NSEC3: SOA minimum */
	uint8_t salt[255];
	size_t salt_len;
	struct sgn_rows kinds; /* (sortkey, kind) */
	struct sgn_rows recs;  /* stage_rr rows */
	struct sgn_rows hashes;
	const char *cur_key; /* sort key (bytea text) of the name being added */
	/* NSEC: the previous name with a record, waiting for its successor */
	bool have_prev;
	uint8_t prev[255];
	size_t prev_len;
	uint16_t prev_types[TYPES_MAX];
	size_t prev_n;
	uint64_t records;
	ods_err rc;
	struct diag d;
	struct sgn_rec_text text;
};

static void
fail(struct walk *w, ods_err rc, const char *where, const char *msg)
{
	if (w->rc == ODS_OK)
		w->rc = diag_fail(&w->d, rc, where, "%s", msg);
}

/* One record into stage_rr. */
static void
stage(struct walk *w, const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
      const uint8_t *rdata, size_t rdlen)
{
	struct sgn_rec_text *t = &w->text;

	if (sgn_rec_text(owner, owner_len, type, ttl, rdata, rdlen, t) != ODS_OK) {
		fail(w, ODS_EINVAL, "denial", "bad owner name");
		return;
	}
	if (sgn_rows_add(&w->recs, (const char *[]){t->key, t->type, t->owner, t->ttl, t->rdata,
	                                            "denial"}) != ODS_OK)
		fail(w, ODS_ENOMEM, "denial", "out of memory");
	w->records++;
}

static void
nsec_link(struct walk *w, const uint8_t *next, size_t next_len)
{
	uint8_t rd[255 + ZD_BITMAP_MAX];
	size_t len = 0;

	if (zd_nsec_rdata(next, next_len, w->prev_types, w->prev_n, rd, sizeof(rd), &len) != ODS_OK) {
		fail(w, ODS_EINTERNAL, "denial", "cannot make an NSEC record");
		return;
	}
	stage(w, w->prev, w->prev_len, ZT_NSEC, w->ttl, rd, len);
}

static void
on_name(void *arg, const struct zd_name *n)
{
	struct walk *w = arg;
	char kind[4];

	if (w->rc != ODS_OK)
		return;
	if (n->kind != ZD_ENT) {
		snprintf(kind, sizeof(kind), "%d", (int)n->kind);
		if (sgn_rows_add(&w->kinds, (const char *[]){w->cur_key, kind}) != ODS_OK)
			fail(w, ODS_ENOMEM, "denial", "out of memory");
	}
	if (!n->denial)
		return;
	if (w->nsec3) {
		uint8_t h[ZD_NSEC3_HASH_MAX];
		size_t hl = 0;
		char hx[2 * ZD_NSEC3_HASH_MAX + 3], types[2 * 2 * TYPES_MAX + 3];
		uint8_t tb[2 * TYPES_MAX];
		size_t nt = n->n_bitmap_types < TYPES_MAX ? n->n_bitmap_types : TYPES_MAX;

		if (zd_nsec3_hash(n->owner, n->owner_len, (uint8_t)w->z->sc->nsec3_algorithm,
		                  (uint16_t)w->z->sc->nsec3_iterations, w->salt, (uint8_t)w->salt_len,
		                  h, &hl) != ODS_OK) {
			fail(w, ODS_EINVAL, "denial", "cannot hash a name for NSEC3");
			return;
		}
		for (size_t i = 0; i < nt; i++) {
			tb[2 * i] = (uint8_t)(n->bitmap_types[i] >> 8);
			tb[2 * i + 1] = (uint8_t)n->bitmap_types[i];
		}
		db_bytea_text_into(h, hl, hx);
		db_bytea_text_into(tb, 2 * nt, types);
		if (sgn_rows_add(&w->hashes, (const char *[]){hx, types}) != ODS_OK)
			fail(w, ODS_ENOMEM, "denial", "out of memory");
		return;
	}
	if (w->have_prev)
		nsec_link(w, n->owner, n->owner_len);
	memcpy(w->prev, n->owner, n->owner_len);
	w->prev_len = n->owner_len;
	w->prev_n = n->n_bitmap_types < TYPES_MAX ? n->n_bitmap_types : TYPES_MAX;
	memcpy(w->prev_types, n->bitmap_types, w->prev_n * sizeof(uint16_t));
	w->have_prev = true;
}

/* "{1,2,6}" → types; false when there are more than cap. */
static bool
parse_types(const char *s, uint16_t *out, size_t cap, size_t *count)
{
	size_t n = 0;

	while (*s) {
		while (*s == '{' || *s == ',' || *s == '}')
			s++;
		if (*s == '\0')
			break;
		char *end = NULL;
		unsigned long v = strtoul(s, &end, 10);
		if (end == s)
			break;
		if (n == cap)
			return false;
		out[n++] = (uint16_t)v;
		s = end;
	}
	*count = n;
	return true;
}

static ods_err
flush_batch(struct walk *w, struct diag *d)
{
	ods_err rc = sgn_rows_copy(w->db, &w->kinds, KIND_COPY, d);

	if (rc == ODS_OK)
		rc = sgn_rows_copy(w->db, &w->recs, SGN_STAGE_COPY, d);
	if (rc == ODS_OK)
		rc = sgn_rows_copy(w->db, &w->hashes, HASH_COPY, d);
	return rc;
}

/* Walk the stored names (not the denial records) in canonical order. */
static ods_err
walk_names(struct walk *w, struct zd_walk *zw, struct diag *d)
{
	char zid[24], sql[512];
	ods_err rc;

	snprintf(zid, sizeof(zid), "%" PRId64, w->z->id);
	snprintf(sql, sizeof(sql),
	         "DECLARE names NO SCROLL CURSOR FOR SELECT sortkey, (array_agg(owner ORDER BY owner))[1], array_agg(type) "
	         "FROM rrset WHERE zone_id = %s AND origin = 0 GROUP BY sortkey ORDER BY sortkey",
	         zid);
	rc = db_exec(w->db, sql, d);
	while (rc == ODS_OK) {
		PGresult *res = NULL;
		rc = db_query(w->db, "sgn_fetch_names", "FETCH " STR(FETCH) " FROM names", 0, NULL, &res, d);
		if (rc != ODS_OK)
			break;
		int n = PQntuples(res);
		for (int i = 0; rc == ODS_OK && i < n; i++) {
			uint8_t owner[255];
			size_t owner_len = 0;
			uint16_t types[TYPES_MAX];
			size_t nt = 0;
			if (!parse_types(PQgetvalue(res, i, 2), types, TYPES_MAX - 3, &nt)) {
				rc = diag_fail(d, ODS_EINVAL, w->z->name, "the name at sort key %s has more "
				               "than %d RRset types", PQgetvalue(res, i, 0), TYPES_MAX - 3);
				break;
			}
			if (!db_bytea_decode(PQgetvalue(res, i, 1), owner, sizeof(owner), &owner_len)) {
				rc = diag_fail(d, ODS_EINTERNAL, w->z->name, "the stored owner at sort key %s "
				               "does not decode", PQgetvalue(res, i, 0));
				break;
			}
			w->cur_key = PQgetvalue(res, i, 0);
			rc = zd_walk_add(zw, owner, owner_len, types, nt, d);
			if (rc == ODS_OK && w->rc != ODS_OK) {
				rc = w->rc;
				*d = w->d;
			}
		}
		w->cur_key = NULL;
		PQclear(res);
		if (rc == ODS_OK)
			rc = flush_batch(w, d);
		if (n < FETCH)
			break;
	}
	if (rc == ODS_OK)
		rc = db_exec(w->db, "CLOSE names", d);
	return rc;
}

/* NSEC3: link the staged hashes in hash order. */
static ods_err
link_nsec3(struct walk *w, struct diag *d)
{
	const struct signconf *sc = w->z->sc;
	uint8_t first[ZD_NSEC3_HASH_MAX], prev[ZD_NSEC3_HASH_MAX];
	uint16_t prev_types[TYPES_MAX];
	size_t first_len = 0, prev_len = 0, prev_n = 0;
	bool have = false;
	uint8_t flags = sc->nsec3_optout ? 1 : 0;
	ods_err rc = db_exec(w->db,
	                     "DECLARE hashes NO SCROLL CURSOR FOR SELECT hash, types FROM stage_hash "
	                     "ORDER BY hash",
	                     d);

	/* emit: the record of prev, pointing at next */
#define EMIT(next, next_len)                                                                   \
	do {                                                                                   \
		uint8_t rd[600 + ZD_BITMAP_MAX], own[255];                                     \
		size_t rl = 0, ol = 0;                                                         \
		if (zd_nsec3_rdata((uint8_t)sc->nsec3_algorithm, flags,                        \
		                   (uint16_t)sc->nsec3_iterations, w->salt, (uint8_t)w->salt_len, \
		                   (next), (uint8_t)(next_len), prev_types, prev_n, rd,         \
		                   sizeof(rd), &rl) != ODS_OK ||                                \
		    zd_nsec3_owner(prev, prev_len, w->z->apex, w->z->apex_len, own, sizeof(own), \
		                   &ol) != ODS_OK)                                              \
			fail(w, ODS_EINVAL, "denial", "cannot make an NSEC3 record");          \
		else                                                                           \
			stage(w, own, ol, ZT_NSEC3, w->ttl, rd, rl);                           \
	} while (0)

	while (rc == ODS_OK) {
		PGresult *res = NULL;
		rc = db_query(w->db, "sgn_fetch_hashes", "FETCH " STR(FETCH) " FROM hashes", 0, NULL, &res, d);
		if (rc != ODS_OK)
			break;
		int n = PQntuples(res);
		for (int i = 0; i < n && w->rc == ODS_OK; i++) {
			uint8_t h[ZD_NSEC3_HASH_MAX], tb[2 * TYPES_MAX];
			size_t hl = 0, tl = 0;
			if (!db_bytea_decode(PQgetvalue(res, i, 0), h, sizeof(h), &hl) ||
			    !db_bytea_decode(PQgetvalue(res, i, 1), tb, sizeof(tb), &tl)) {
				fail(w, ODS_EINTERNAL, "denial", "bad staged hash");
				break;
			}
			if (have && hl == prev_len && memcmp(h, prev, hl) == 0) {
				fail(w, ODS_EINVAL, "denial", "NSEC3 hash collision: change the salt");
				break;
			}
			if (have)
				EMIT(h, hl);
			else {
				memcpy(first, h, hl);
				first_len = hl;
			}
			memcpy(prev, h, hl);
			prev_len = hl;
			prev_n = tl / 2;
			for (size_t k = 0; k < prev_n; k++)
				prev_types[k] = (uint16_t)(tb[2 * k] << 8 | tb[2 * k + 1]);
			have = true;
		}
		PQclear(res);
		if (w->rc != ODS_OK) {
			rc = w->rc;
			*d = w->d;
			break;
		}
		if (n < FETCH)
			break;
	}
	if (rc == ODS_OK && have) {
		EMIT(first, first_len);
		if (w->rc != ODS_OK) {
			rc = w->rc;
			*d = w->d;
		}
	}
#undef EMIT
	if (rc == ODS_OK)
		rc = db_exec(w->db, "CLOSE hashes", d);
	if (rc == ODS_OK)
		rc = sgn_rows_copy(w->db, &w->recs, SGN_STAGE_COPY, d);
	return rc;
}

static ods_err
nsec3param(struct walk *w, struct diag *d)
{
	const struct signconf *sc = w->z->sc;
	uint8_t rd[300];
	size_t len = 0;

	if (zd_nsec3param_rdata((uint8_t)sc->nsec3_algorithm, (uint16_t)sc->nsec3_iterations,
	                        w->salt, (uint8_t)w->salt_len, rd, sizeof(rd), &len) != ODS_OK)
		return diag_fail(d, ODS_EINVAL, w->z->name, "NSEC3 parameters (algorithm %d, %d "
		                 "iterations, salt of %zu bytes) make no NSEC3PARAM record",
		                 sc->nsec3_algorithm, sc->nsec3_iterations, w->salt_len);
	stage(w, w->z->apex, w->z->apex_len, ZT_NSEC3PARAM, (uint32_t)sc->nsec3_ttl_s, rd, len);
	if (w->rc != ODS_OK)
		*d = w->d;
	return w->rc;
}

/* Which stored RRsets are signed follows the kinds: apex and authoritative names all, a
 * delegation only its DS, occluded names nothing. */
static ods_err
apply_kinds(struct walk *w, uint64_t *flipped, struct diag *d)
{
	char zid[24];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(zid, sizeof(zid), "%" PRId64, w->z->id);
	rc = db_query(w->db, "sgn_kinds",
	              "WITH u AS (UPDATE rrset r SET signed = n.s, sigs = CASE WHEN n.s THEN r.sigs "
	              "END, refresh_at = CASE WHEN n.s THEN r.refresh_at ELSE 0 END FROM (SELECT "
	              "r2.sortkey, r2.type, (k.kind IN (0, 1) OR (k.kind = 2 AND r2.type = 43)) AS s "
	              "FROM rrset r2 JOIN stage_kind k ON k.sortkey = r2.sortkey WHERE r2.zone_id = "
	              "$1 AND r2.origin = 0) n WHERE r.zone_id = $1 AND r.sortkey = n.sortkey AND "
	              "r.type = n.type AND r.signed <> n.s RETURNING 1) SELECT count(*) FROM u",
	              1, (const char *[]){zid}, &res, d);
	if (rc != ODS_OK)
		return rc;
	*flipped = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}

ods_err
sgn_nsecify(struct sgn *s, struct db *db, const struct sgn_zone *z, struct sgn_stats *st,
            struct diag *d)
{
	const struct signconf *sc = z->sc;
	struct walk w = {.z = z, .db = db, .nsec3 = sc->nsec3, .ttl = (uint32_t)sc->soa_minimum_s};
	struct zd_walk *zw = NULL;
	uint64_t changed = 0, flipped = 0;
	int64_t t0 = clock_mono_ms();
	ods_err rc;

	(void)s;
	w.kinds.nf = 2;
	w.recs.nf = 6;
	w.hashes.nf = 2;
	if (sc->nsec3 && sc->nsec3_salt &&
	    !hex_decode(sc->nsec3_salt, w.salt, sizeof(w.salt), &w.salt_len))
		return diag_fail(d, ODS_EINVAL, z->name, "NSEC3 salt '%s' is not hex", sc->nsec3_salt);
	rc = sgn_stage_prepare(db, d);
	if (rc == ODS_OK)
		rc = db_exec(db,
		             "CREATE TEMP TABLE IF NOT EXISTS stage_kind (sortkey bytea PRIMARY KEY, "
		             "kind smallint) ON COMMIT DELETE ROWS; CREATE TEMP TABLE IF NOT EXISTS "
		             "stage_hash (hash bytea, types bytea) ON COMMIT DELETE ROWS; TRUNCATE "
		             "stage_kind, stage_hash",
		             d);
	if (rc == ODS_OK)
		rc = zd_walk_new(z->apex, z->apex_len, sc->nsec3, sc->nsec3 && sc->nsec3_optout, on_name,
		                 &w, &zw);
	if (rc == ODS_OK)
		rc = walk_names(&w, zw, d);
	if (rc == ODS_OK) {
		rc = zd_walk_end(zw, d);
		if (rc == ODS_OK && w.rc != ODS_OK) {
			rc = w.rc;
			*d = w.d;
		}
	}
	if (rc == ODS_OK && !sc->nsec3 && w.have_prev) {
		nsec_link(&w, z->apex, z->apex_len); /* the last name points back to the apex */
		rc = w.rc;
	}
	if (rc == ODS_OK)
		rc = flush_batch(&w, d);
	if (rc == ODS_OK && sc->nsec3) {
		rc = link_nsec3(&w, d);
		if (rc == ODS_OK)
			rc = nsec3param(&w, d);
	}
	if (rc == ODS_OK)
		rc = sgn_rows_copy(db, &w.recs, SGN_STAGE_COPY, d);
	if (rc == ODS_OK)
		rc = apply_kinds(&w, &flipped, d);
	if (rc == ODS_OK)
		rc = sgn_stage_apply(db, z->id, 1, &changed, d);
	zd_walk_free(zw);
	sgn_rows_free(&w.kinds);
	sgn_rows_free(&w.recs);
	sgn_rows_free(&w.hashes);
	if (rc != ODS_OK)
		return rc;
	st->denial = changed;
	st->t_denial_ms = clock_mono_ms() - t0;
	log_info("denial", "chain", "zone=%s %s records=%" PRIu64 " changed=%" PRIu64
	         " signed_flags_changed=%" PRIu64 " ms=%" PRId64,
	         z->name, sc->nsec3 ? "NSEC3" : "NSEC", w.records, changed, flipped, st->t_denial_ms);
	return ODS_OK;
}
