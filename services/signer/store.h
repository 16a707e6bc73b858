/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Staging and bulk writes of the signer: rows collected in memory per batch and sent with
 * one COPY; staged records grouped into RRsets and diffed against the stored ones in SQL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/dns/sortkey.h"

struct db;
struct db_copy;

/* Rows of nf text fields (NULL allowed), kept until sgn_rows_copy. */
struct sgn_rows {
	char *buf;
	size_t len, cap;
	int nf;
	size_t n;
};
ods_err sgn_rows_add(struct sgn_rows *r, const char *const *fields);
/* COPY the rows with copy_sql (a "COPY t (cols) FROM STDIN"), then empty r. */
ods_err sgn_rows_copy(struct db *db, struct sgn_rows *r, const char *copy_sql, struct diag *d);
void sgn_rows_free(struct sgn_rows *r);


/* One record as the text fields of a stage_rr row; reused from record to record (no
 * allocation). */
struct sgn_rec_text {
	char key[2 * DNS_SORTKEY_MAX + 3];
	char owner[2 * 255 + 3];
	char type[8];
	char ttl[16];
	char rdata[2 * 65535 + 3];
};
/* Fill t; ODS_EINVAL when owner is not a valid wire name. */
ods_err sgn_rec_text(const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
                     const uint8_t *rdata, size_t rdlen, struct sgn_rec_text *t);

/* The staging tables of this connection (temporary, emptied at commit): stage_rr holds
 * records (sortkey, type, owner, ttl, rdata, src), stage_set their RRsets. */
ods_err sgn_stage_prepare(struct db *db, struct diag *d);
#define SGN_STAGE_COPY "COPY stage_rr (sortkey, type, owner, ttl, rdata, src) FROM STDIN"
/* The staged records as RRsets replace the stored RRsets of zone_id with this origin: new
 * ones inserted, changed ones (records, TTL, owner case) updated and their signatures
 * dropped, missing ones deleted. *changed: RRsets touched. The staging tables are
 * emptied. */
ods_err sgn_stage_apply(struct db *db, int64_t zone_id, int origin, uint64_t *changed,
                        struct diag *d);
