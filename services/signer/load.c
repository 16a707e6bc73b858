/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The input side of a sign job: the zone file is streamed (zone/reader.c) into a staging
 * table with COPY, grouped into RRsets there, and diffed against the stored RRsets, so only
 * RRsets whose records or TTL changed lose their signatures. The DNSKEY RRset is the input's
 * DNSKEYs (kept, as OpenDNSSEC does) plus the signconf's published keys, at the signconf's
 * TTL. Everything runs in the caller's transaction: a file that does not parse changes
 * nothing.
 */
#include "services/signer/signer.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/db/db.h"
#include "lib/dns/sortkey.h"
#include "services/signer/store.h"
#include "services/signer/wire.h"
#include "services/signer/zone/reader.h"

#define WARN_MAX 50 /* warnings logged per read; the rest are counted */

struct stage {
	struct db_copy *copy;
	const struct sgn_zone *z;
	uint32_t max_ttl;
	bool have_soa;
	uint32_t serial;
	uint64_t warnings;
	ods_err rc;
	struct diag d;
	struct sgn_rec_text text;
};

static ods_err
stage_row(struct stage *st, const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
          const uint8_t *rdata, size_t rdlen, const char *src)
{
	struct sgn_rec_text *t = &st->text;
	ods_err rc;

	if (sgn_rec_text(owner, owner_len, type, ttl, rdata, rdlen, t) != ODS_OK)
		return diag_fail(&st->d, ODS_EINVAL, src, "bad owner name");
	rc = db_copy_row(st->copy, 6, (const char *[]){t->key, t->type, t->owner, t->ttl, t->rdata, src},
	                 NULL);
	if (rc != ODS_OK)
		return diag_fail(&st->d, rc, src, "cannot stage the record");
	return ODS_OK;
}

static void
on_warn(void *arg, const char *where, const char *msg)
{
	struct stage *st = arg;

	if (st->warnings++ < WARN_MAX)
		log_warning("load", "input", "zone=%s %s: %s", st->z->name, where, msg);
}

static int
on_rr(void *arg, const struct zrr *rr, const char *file, unsigned long line)
{
	struct stage *st = arg;
	const struct signconf *sc = st->z->sc;
	char src[300];
	uint32_t ttl = rr->ttl;

	snprintf(src, sizeof(src), "%s:%lu", file, line);
	if (rr->type == ZT_SOA) {
		if (!wire_name_equal(rr->owner, rr->owner_len, st->z->apex, st->z->apex_len)) {
			on_warn(st, src, "SOA record not at the apex: skipped");
			return 0;
		}
		if (st->have_soa) {
			on_warn(st, src, "second SOA record: skipped");
			return 0;
		}
		if (wire_soa_serial(rr->rdata, rr->rdlen, &st->serial) != ODS_OK) {
			st->rc = diag_fail(&st->d, ODS_EINVAL, src, "SOA record does not parse");
			return 1;
		}
		st->have_soa = true;
		ttl = (uint32_t)sc->soa_ttl_s;
	} else if (rr->type == ZT_DNSKEY) {
		ttl = (uint32_t)sc->dnskey_ttl_s;
	} else if (st->max_ttl && ttl > st->max_ttl) {
		char msg[96];
		snprintf(msg, sizeof(msg), "TTL %" PRIu32 " is above MaxZoneTTL %" PRIu32, ttl,
		         st->max_ttl);
		on_warn(st, src, msg);
	}
	st->rc = stage_row(st, rr->owner, rr->owner_len, rr->type, ttl, rr->rdata, rr->rdlen, src);
	return st->rc == ODS_OK ? 0 : 1;
}

/* The signconf's published keys join the DNSKEY RRset. */
static ods_err
stage_keys(struct stage *st, const struct sgn_keys *ks)
{
	ods_err rc = ODS_OK;

	for (size_t i = 0; rc == ODS_OK && i < ks->n; i++)
		if (ks->k[i].publish)
			rc = stage_row(st, st->z->apex, st->z->apex_len, ZT_DNSKEY,
			               (uint32_t)st->z->sc->dnskey_ttl_s, ks->k[i].dnskey,
			               ks->k[i].dnskey_len, "signconf");
	return rc;
}

/* Records of one RRset with different TTLs: all get the lowest (OpenDNSSEC does the same),
 * and the operator hears where. */
static void
warn_ttl_conflicts(struct stage *st, struct db *db)
{
	PGresult *res = NULL;
	struct diag d = {0};

	if (db_query(db, "sgn_ttl_conflicts",
	             "SELECT min(src), type, min(ttl), max(ttl) FROM stage_rr GROUP BY sortkey, "
	             "type HAVING min(ttl) <> max(ttl) LIMIT 20",
	             0, NULL, &res, &d) != ODS_OK)
		return;
	for (int i = 0; i < PQntuples(res); i++) {
		char msg[160];
		snprintf(msg, sizeof(msg), "TTLs %s and %s in one RRset of type %s: %s used",
		         PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), PQgetvalue(res, i, 1),
		         PQgetvalue(res, i, 2));
		on_warn(st, PQgetvalue(res, i, 0), msg);
	}
	PQclear(res);
}

static ods_err
load_into(struct stage *sg, struct db *db, const struct sgn_zone *z, const struct sgn_keys *ks,
          struct sgn_stats *st, uint32_t *inbound_serial, bool *input_fault, struct diag *d)
{
	struct zreader_stats rs = {0};
	int64_t t0 = clock_mono_ms();
	uint64_t changed = 0;
	ods_err rc;

	if (strcmp(z->input_type, "File") != 0) {
		*input_fault = true;
		return diag_fail(d, ODS_EINVAL, z->name, "input adapter %s is not supported; only File",
		                 z->input_type);
	}
	rc = sgn_stage_prepare(db, d);
	if (rc == ODS_OK)
		rc = db_copy_begin(db, SGN_STAGE_COPY, &sg->copy, d);
	if (rc != ODS_OK)
		return rc;
	struct zreader_opts o = {
	    .path = z->input_path,
	    .origin = z->name,
	    .default_ttl = (uint32_t)z->sc->soa_minimum_s,
	    .on_rr = on_rr,
	    .on_warn = on_warn,
	    .arg = sg,
	};
	rc = zreader_read(&o, &rs, d);
	if (rc != ODS_OK && sg->rc != ODS_OK) { /* our callback stopped it */
		rc = sg->rc;
		*d = sg->d;
		*input_fault = rc == ODS_EINVAL; /* a record we could not take, not the database */
	} else if (rc != ODS_OK) {
		*input_fault = rc == ODS_EINVAL || rc == ODS_EIO; /* syntax, unreadable file */
	}
	if (rc == ODS_OK && !sg->have_soa) {
		*input_fault = true;
		rc = diag_fail(d, ODS_EINVAL, z->input_path, "no SOA record at the apex %s.", z->name);
	}
	if (rc == ODS_OK)
		rc = stage_keys(sg, ks);
	if (rc == ODS_OK && sg->rc != ODS_OK) {
		rc = sg->rc;
		*d = sg->d;
	}
	if (rc != ODS_OK) {
		db_copy_abort(sg->copy);
		return rc;
	}
	rc = db_copy_end(sg->copy, NULL, d);
	if (rc == ODS_OK) {
		warn_ttl_conflicts(sg, db);
		rc = sgn_stage_apply(db, z->id, 0, &changed, d);
	}
	if (rc == ODS_OK) {
		char zid[24], ser[16];
		snprintf(zid, sizeof(zid), "%" PRId64, z->id);
		snprintf(ser, sizeof(ser), "%" PRIu32, sg->serial);
		rc = db_query(db, "sgn_inbound",
		              "INSERT INTO signer_zone (zone_id, inbound_serial) VALUES ($1, $2) ON "
		              "CONFLICT (zone_id) DO UPDATE SET inbound_serial = $2, updated_at = now()",
		              2, (const char *[]){zid, ser}, NULL, d);
	}
	if (rc != ODS_OK)
		return rc;
	if (sg->warnings > WARN_MAX)
		log_warning("load", "input_warnings", "zone=%s %" PRIu64 " warnings, %d shown", z->name,
		            sg->warnings, WARN_MAX);
	*inbound_serial = sg->serial;
	st->rr = rs.records;
	st->t_read_ms = clock_mono_ms() - t0;
	log_info("load", "read", "zone=%s file=%s records=%" PRIu64 " rrsets_changed=%" PRIu64
	         " serial=%" PRIu32 " ms=%" PRId64,
	         z->name, z->input_path, rs.records, changed, sg->serial, st->t_read_ms);
	return ODS_OK;
}

ods_err
sgn_load(struct sgn *s, struct db *db, const struct sgn_zone *z, const struct sgn_keys *ks,
         struct sgn_stats *st, uint32_t *inbound_serial, bool *input_fault, struct diag *d)
{
	struct stage *sg = calloc(1, sizeof(*sg)); /* with its 128 KiB record buffer */
	ods_err rc;

	(void)s;
	if (sg == NULL)
		return diag_fail(d, ODS_ENOMEM, "load", "out of memory");
	sg->z = z;
	sg->max_ttl = (uint32_t)z->sc->max_zone_ttl_s;
	rc = load_into(sg, db, z, ks, st, inbound_serial, input_fault, d);
	free(sg);
	return rc;
}
