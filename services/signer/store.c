/* SPDX-License-Identifier: BSD-2-Clause */
#include "services/signer/store.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hex.h"
#include "lib/db/db.h"

ods_err
sgn_rows_add(struct sgn_rows *r, const char *const *fields)
{
	size_t need = 0;

	for (int i = 0; i < r->nf; i++)
		need += 1 + (fields[i] ? strlen(fields[i]) + 1 : 0);
	if (r->len + need > r->cap) {
		size_t cap = r->cap ? r->cap : 1 << 16;
		while (cap < r->len + need)
			cap *= 2;
		char *p = realloc(r->buf, cap);
		if (p == NULL)
			return ODS_ENOMEM;
		r->buf = p;
		r->cap = cap;
	}
	/* per field: a flag byte ('1' value follows, '0' NULL), then the value and a NUL */
	for (int i = 0; i < r->nf; i++) {
		r->buf[r->len++] = fields[i] ? '1' : '0';
		if (fields[i]) {
			size_t l = strlen(fields[i]) + 1;
			memcpy(r->buf + r->len, fields[i], l);
			r->len += l;
		}
	}
	r->n++;
	return ODS_OK;
}

ods_err
sgn_rows_copy(struct db *db, struct sgn_rows *r, const char *copy_sql, struct diag *d)
{
	struct db_copy *c = NULL;
	const char *f[16];
	size_t at = 0;
	ods_err rc;

	if (r->n == 0)
		return ODS_OK;
	rc = db_copy_begin(db, copy_sql, &c, d);
	for (size_t i = 0; rc == ODS_OK && i < r->n; i++) {
		for (int k = 0; k < r->nf && k < 16; k++) {
			if (r->buf[at++] == '0') {
				f[k] = NULL;
				continue;
			}
			f[k] = r->buf + at;
			at += strlen(r->buf + at) + 1;
		}
		rc = db_copy_row(c, r->nf, f, NULL);
	}
	if (rc != ODS_OK) {
		db_copy_abort(c);
		return diag_fail(d, rc, "copy", "cannot send rows");
	}
	r->len = 0;
	r->n = 0;
	return db_copy_end(c, NULL, d);
}

void
sgn_rows_free(struct sgn_rows *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

ods_err
sgn_rec_text(const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
             const uint8_t *rdata, size_t rdlen, struct sgn_rec_text *t)
{
	uint8_t key[DNS_SORTKEY_MAX];
	size_t key_len = 0;

	if (owner_len > 255 || rdlen > 65535 ||
	    dns_sortkey_from_wire(owner, owner_len, key, sizeof(key), &key_len) != ODS_OK)
		return ODS_EINVAL;
	db_bytea_text_into(key, key_len, t->key);
	db_bytea_text_into(owner, owner_len, t->owner);
	db_bytea_text_into(rdata, rdlen, t->rdata);
	snprintf(t->type, sizeof(t->type), "%u", type);
	snprintf(t->ttl, sizeof(t->ttl), "%" PRIu32, ttl);
	return ODS_OK;
}

ods_err
sgn_stage_prepare(struct db *db, struct diag *d)
{
	return db_exec(db,
	               "CREATE TEMP TABLE IF NOT EXISTS stage_rr (sortkey bytea, type int, owner "
	               "bytea, ttl bigint, rdata bytea, src text) ON COMMIT DELETE ROWS; "
	               "CREATE TEMP TABLE IF NOT EXISTS stage_set (sortkey bytea, type int, owner "
	               "bytea, ttl bigint, rdata bytea, PRIMARY KEY (sortkey, type)) ON COMMIT "
	               "DELETE ROWS",
	               d);
}

ods_err
sgn_stage_apply(struct db *db, int64_t zone_id, int origin, uint64_t *changed, struct diag *d)
{
	char zid[24], org[4];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(zid, sizeof(zid), "%" PRId64, zone_id);
	snprintf(org, sizeof(org), "%d", origin);
	/* Each record as a 2-byte length and its rdata; duplicates once. */
	rc = db_exec(db,
	             "INSERT INTO stage_set SELECT sortkey, type, (array_agg(owner ORDER BY owner))[1], min(ttl), "
	             "string_agg(DISTINCT substring(int4send(length(rdata)) FROM 3 FOR 2) || "
	             "rdata, ''::bytea ORDER BY substring(int4send(length(rdata)) FROM 3 FOR 2) "
	             "|| rdata) FROM stage_rr GROUP BY sortkey, type",
	             d);
	if (rc == ODS_OK)
		rc = db_query(
		    db, "sgn_diff",
		    "WITH del AS (DELETE FROM rrset r WHERE r.zone_id = $1 AND r.origin = $2 AND NOT "
		    "EXISTS (SELECT 1 FROM stage_set s WHERE s.sortkey = r.sortkey AND s.type = "
		    "r.type) RETURNING 1), "
		    "upd AS (UPDATE rrset r SET owner = s.owner, ttl = s.ttl, rdata = s.rdata, origin "
		    "= $2, sigs = NULL, refresh_at = 0, keyset = '' FROM stage_set s WHERE r.zone_id "
		    "= $1 AND r.sortkey = s.sortkey AND r.type = s.type AND (r.ttl <> s.ttl OR "
		    "r.rdata <> s.rdata OR r.owner <> s.owner OR r.origin <> $2) RETURNING 1), "
		    "ins AS (INSERT INTO rrset (zone_id, sortkey, type, origin, owner, ttl, rdata) "
		    "SELECT $1, s.sortkey, s.type, $2, s.owner, s.ttl, s.rdata FROM stage_set s WHERE "
		    "NOT EXISTS (SELECT 1 FROM rrset r WHERE r.zone_id = $1 AND r.sortkey = s.sortkey "
		    "AND r.type = s.type) RETURNING 1) "
		    "SELECT (SELECT count(*) FROM del) + (SELECT count(*) FROM upd) + (SELECT "
		    "count(*) FROM ins)",
		    2, (const char *[]){zid, org}, &res, d);
	if (rc != ODS_OK)
		return rc;
	*changed = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return db_exec(db, "TRUNCATE stage_rr, stage_set", d);
}
