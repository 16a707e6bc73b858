/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Publishing a signed zone: the new SOA serial (zone/serial.c) and its signature, then the
 * whole zone streamed from the database in canonical order (SOA first) into a temporary file
 * that is flushed and renamed over the output, so readers see the old zone or the new one,
 * never half of one. Then NotifyCommand, the [STATS] line, and the next resign queued.
 */
#include "services/signer/signer.h"

#include <errno.h>
#include <inttypes.h>
#include <ldns/ldns.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/base/clock.h"
#include "lib/base/file.h"
#include "lib/base/log.h"
#include "lib/conf/kasp.h"
#include "lib/db/db.h"
#include "lib/svc/svc.h"
#include "services/signer/store.h"
#include "services/signer/wire.h"
#include "services/signer/zone/serial.h"

#define OUT_FETCH 5000
#define STR_(x) #x
#define STR(x) STR_(x)

extern char **environ;

static enum zserial_mode
serial_mode(int kasp)
{
	switch (kasp) {
	case KASP_SERIAL_DATECOUNTER:
		return ZSERIAL_DATECOUNTER;
	case KASP_SERIAL_UNIXTIME:
		return ZSERIAL_UNIXTIME;
	case KASP_SERIAL_KEEP:
		return ZSERIAL_KEEP;
	default:
		return ZSERIAL_COUNTER;
	}
}

/* The SOA with its new serial, TTL and minimum; its signatures dropped (made again below). */
static ods_err
new_soa(struct sgn *s, struct db *db, const struct sgn_zone *z, const struct sgn_job *job,
        uint32_t *serial, struct diag *d)
{
	char zid[24];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(zid, sizeof(zid), "%" PRId64, z->id);
	rc = db_query(db, "sgn_soa_get",
	              "SELECT r.rdata, sz.inbound_serial, sz.outbound_serial FROM rrset r LEFT JOIN "
	              "signer_zone sz ON sz.zone_id = r.zone_id WHERE r.zone_id = $1 AND r.type = 6 "
	              "ORDER BY r.sortkey LIMIT 1",
	              1, (const char *[]){zid}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return diag_fail(d, ODS_EINVAL, z->name, "no SOA record stored");
	}
	uint8_t rd[2 + 600];
	size_t rdl = 0;
	if (!db_bytea_decode(PQgetvalue(res, 0, 0), rd, sizeof(rd), &rdl) || rdl < 2) {
		PQclear(res);
		return diag_fail(d, ODS_EINTERNAL, z->name, "bad stored SOA");
	}
	uint32_t inbound = (uint32_t)strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	bool has_prev = !PQgetisnull(res, 0, 2);
	uint32_t prev = has_prev ? (uint32_t)strtoull(PQgetvalue(res, 0, 2), NULL, 10) : 0;
	PQclear(res);
	bool ignored = false;
	rc = zserial_next(serial_mode(z->sc->serial), inbound, has_prev, prev, sgn_now(s),
	                  job->has_serial, job->serial, serial, &ignored, d);
	if (rc != ODS_OK)
		return rc;
	if (ignored)
		log_warning("publish", "serial", "zone=%s serial %" PRIu32 " is not an increase over %"
		            PRIu32 "; %" PRIu32 " used", z->name, job->serial, prev, *serial);
	if (wire_soa_set(rd + 2, rdl - 2, *serial, (uint32_t)z->sc->soa_minimum_s) != ODS_OK)
		return diag_fail(d, ODS_EINTERNAL, z->name, "bad stored SOA");
	char *hex = db_bytea_text(rd, rdl), ttl[24];
	if (hex == NULL)
		return diag_fail(d, ODS_ENOMEM, "publish", "out of memory");
	snprintf(ttl, sizeof(ttl), "%" PRId64, z->sc->soa_ttl_s);
	rc = db_query(db, "sgn_soa_set",
	              "UPDATE rrset SET rdata = $2, ttl = $3, sigs = NULL, nsigs = 0, refresh_at = 0 "
	              "WHERE zone_id = $1 AND type = 6",
	              3, (const char *[]){zid, hex, ttl}, NULL, d);
	free(hex);
	return rc;
}

/* One stored RRset as master-file lines. */
static ods_err
write_rrset(FILE *f, const char *zone, const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
            const uint8_t *rdata, size_t rdata_len, const uint8_t *sigs, size_t sigs_len,
            struct diag *d)
{
	uint8_t wire[255 + 10 + 65535];

	for (int pass = 0; pass < 2; pass++) {
		const uint8_t *p = pass ? sigs : rdata;
		size_t n = pass ? sigs_len : rdata_len, at = 0;
		uint16_t t = pass ? 46 : type;
		for (;;) {
			const uint8_t *item = NULL;
			size_t l = 0;
			int got = wire_lp_next(p, n, &at, &item, &l);
			if (got == 0)
				break;
			if (got < 0)
				return diag_fail(d, ODS_EINTERNAL, zone, "a stored RRset of type %u does "
				                 "not decode", type);
			size_t w = owner_len;
			memcpy(wire, owner, owner_len);
			uint8_t hdr[10] = {(uint8_t)(t >> 8), (uint8_t)t, 0, 1, (uint8_t)(ttl >> 24),
			                   (uint8_t)(ttl >> 16), (uint8_t)(ttl >> 8), (uint8_t)ttl,
			                   (uint8_t)(l >> 8), (uint8_t)l};
			memcpy(wire + w, hdr, 10);
			w += 10;
			memcpy(wire + w, item, l);
			w += l;
			ldns_rr *rr = NULL;
			size_t pos = 0;
			if (ldns_wire2rr(&rr, wire, w, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
				return diag_fail(d, ODS_EINTERNAL, zone, "cannot print a record of type %u",
				                 t);
			char *txt = ldns_rr2str(rr);
			ldns_rr_free(rr);
			if (txt == NULL)
				return diag_fail(d, ODS_ENOMEM, "publish", "out of memory");
			int ok = fputs(txt, f);
			free(txt);
			if (ok < 0)
				return diag_fail(d, ODS_EIO, "publish", "write failed: %s", strerror(errno));
		}
	}
	return ODS_OK;
}

static ods_err
write_zone(struct db *db, const struct sgn_zone *z, const char *path, uint64_t *rrsets,
           struct diag *d)
{
	char zid[24], sql[400];
	FILE *f = fopen(path, "w");
	ods_err rc;

	if (f == NULL)
		return diag_fail(d, ODS_EIO, path, "cannot create: %s", strerror(errno));
	snprintf(zid, sizeof(zid), "%" PRId64, z->id);
	snprintf(sql, sizeof(sql),
	         "DECLARE out NO SCROLL CURSOR FOR SELECT owner, type, ttl, rdata, sigs FROM rrset "
	         "WHERE zone_id = %s ORDER BY (type = 6 AND origin = 0) DESC, sortkey, type",
	         zid);
	struct db_tx *tx = NULL;
	rc = db_tx_begin(db, &tx, d);
	if (rc == ODS_OK)
		rc = db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", d);
	if (rc == ODS_OK)
		rc = db_exec(db, sql, d);
	*rrsets = 0;
	while (rc == ODS_OK) {
		PGresult *res = NULL;
		rc = db_query(db, "sgn_fetch_out", "FETCH " STR(OUT_FETCH) " FROM out", 0, NULL, &res, d);
		if (rc != ODS_OK)
			break;
		int n = PQntuples(res);
		for (int i = 0; rc == ODS_OK && i < n; i++) {
			uint8_t owner[255];
			size_t ol = 0, rl = 0, sl = 0;
			size_t rcap = (size_t)PQgetlength(res, i, 3) / 2 + 1;
			size_t scap = (size_t)PQgetlength(res, i, 4) / 2 + 1;
			uint8_t *rd = malloc(rcap), *sg = malloc(scap);
			if (!rd || !sg || !db_bytea_decode(PQgetvalue(res, i, 0), owner, sizeof(owner), &ol) ||
			    !db_bytea_decode(PQgetvalue(res, i, 3), rd, rcap, &rl) ||
			    (!PQgetisnull(res, i, 4) && !db_bytea_decode(PQgetvalue(res, i, 4), sg, scap, &sl)))
				rc = diag_fail(d, ODS_EINTERNAL, z->name, "a stored RRset of type %s does not "
				               "decode", PQgetvalue(res, i, 1));
			else
				rc = write_rrset(f, z->name, owner, ol, (uint16_t)strtoul(PQgetvalue(res, i, 1), NULL, 10),
				                 (uint32_t)strtoul(PQgetvalue(res, i, 2), NULL, 10), rd, rl, sg,
				                 sl, d);
			free(rd);
			free(sg);
			(*rrsets)++;
		}
		PQclear(res);
		if (n < OUT_FETCH)
			break;
	}
	db_tx_rollback(tx);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		if (rc == ODS_OK)
			rc = diag_fail(d, ODS_EIO, path, "write failed: %s", strerror(errno));
	}
	if (fclose(f) != 0 && rc == ODS_OK)
		rc = diag_fail(d, ODS_EIO, path, "write failed: %s", strerror(errno));
	return rc;
}

/* NotifyCommand with %zone and %zonefile replaced, run through /bin/sh; its exit status is
 * logged. */
static void
notify(const char *cmd, const struct sgn_zone *z)
{
	char buf[4096];
	size_t o = 0;

	for (const char *p = cmd; *p && o + 1 < sizeof(buf); p++) {
		const char *v = NULL;
		if (strncmp(p, "%zonefile", 9) == 0) {
			v = z->output_path;
			p += 8;
		} else if (strncmp(p, "%zone", 5) == 0) {
			v = z->name;
			p += 4;
		}
		if (v) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", v);
			if (o >= sizeof(buf))
				o = sizeof(buf) - 1;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
	pid_t pid;
	char *argv[] = {"/bin/sh", "-c", buf, NULL};
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0) {
		log_error("publish", "notify_failed", "zone=%s cannot run '%s'", z->name, buf);
		return;
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		log_info("publish", "notify", "zone=%s ran '%s'", z->name, buf);
	else
		log_warning("publish", "notify_failed", "zone=%s '%s' exited with status %d", z->name,
		            buf, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* Chunk figures of this sign job, added to st. */
static void
chunk_stats(struct db *db, const struct sgn_job *job, struct sgn_stats *st)
{
	char id[24];
	PGresult *res = NULL;
	struct diag d = {0};

	snprintf(id, sizeof(id), "%" PRId64, job->id);
	if (db_query(db, "sgn_chunk_stats", "SELECT stats FROM job WHERE parent_id = $1 OR id = $1",
	             1, (const char *[]){id}, &res, &d) != ODS_OK)
		return;
	for (int i = 0; i < PQntuples(res); i++) {
		unsigned long long rr = 0, den = 0, nw = 0, ru = 0;
		long long rms = 0, dms = 0, sms = 0;
		if (sscanf(PQgetvalue(res, i, 0),
		           "rr=%llu denial=%llu new=%llu reused=%llu read_ms=%lld denial_ms=%lld "
		           "sign_ms=%lld",
		           &rr, &den, &nw, &ru, &rms, &dms, &sms) == 7) {
			st->rr += rr;
			st->denial += den;
			st->sig_new += nw;
			st->t_read_ms += rms;
			st->t_denial_ms += dms;
			st->t_sign_ms += sms;
		}
	}
	PQclear(res);
}

/* The zone's bookkeeping, and its next resign. */
static ods_err
finish(struct sgn *s, struct db *db, const struct sgn_zone *z, uint32_t serial,
       const char *stats, struct diag *d)
{
	char zid[24], ser[16], ver[24], at[24];
	int64_t now = sgn_now(s);

	snprintf(zid, sizeof(zid), "%" PRId64, z->id);
	snprintf(ser, sizeof(ser), "%" PRIu32, serial);
	snprintf(ver, sizeof(ver), "%" PRId64, z->signconf_version);
	snprintf(at, sizeof(at), "%" PRId64, now);
	ods_err rc = db_query(db, "sgn_finish",
	                      "INSERT INTO signer_zone (zone_id, outbound_serial, signconf_version, "
	                      "published_at, last_stats, last_error) VALUES ($1, $2, $3, "
	                      "to_timestamp($4), $5, '') ON CONFLICT (zone_id) DO UPDATE SET "
	                      "outbound_serial = $2, signconf_version = $3, published_at = "
	                      "to_timestamp($4), last_stats = $5, last_error = '', updated_at = now()",
	                      5, (const char *[]){zid, ser, ver, at, stats}, NULL, d);
	if (rc == ODS_OK)
		rc = sgn_queue_resign(db, z->id, now + z->sc->resign_s, d);
	return rc;
}

ods_err
sgn_publish(struct sgn *s, struct db *db, const struct sgn_zone *z, const struct sgn_keys *ks,
            const struct sgn_job *job, struct sgn_stats *st, struct diag *d)
{
	char tmp[4200], line[600];
	uint32_t serial = 0;
	uint64_t rrsets = 0, total_sigs = 0;
	ods_err rc;

	if (strcmp(z->output_type, "File") != 0)
		return diag_fail(d, ODS_EINVAL, z->name, "output adapter %s is not supported; only File",
		                 z->output_type);
	if (job->publish)
		chunk_stats(db, job, st);
	rc = new_soa(s, db, z, job, &serial, d);
	if (rc == ODS_OK && !z->sc->passthrough)
		rc = sgn_sign_soa(s, db, z, ks, st, d);
	if (rc != ODS_OK)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", z->output_path, (int)getpid());
	rc = write_zone(db, z, tmp, &rrsets, d);
	if (rc == ODS_OK && rename(tmp, z->output_path) != 0)
		rc = diag_fail(d, ODS_EIO, z->output_path, "cannot rename %s over it: %s", tmp,
		               strerror(errno));
	if (rc != ODS_OK) {
		(void)unlink(tmp);
		return rc;
	}
	file_sync_dir(z->output_path);
	PGresult *res = NULL;
	char zid[24];
	snprintf(zid, sizeof(zid), "%" PRId64, z->id);
	if (db_query(db, "sgn_count_sigs", "SELECT coalesce(sum(nsigs), 0) FROM rrset WHERE zone_id = $1",
	             1, (const char *[]){zid}, &res, d) == ODS_OK) {
		total_sigs = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	st->sig_reused = total_sigs > st->sig_new ? total_sigs - st->sig_new : 0;
	double total = (double)(clock_mono_ms() - st->t_start_ms) / 1000.0;
	double sign_s = (double)st->t_sign_ms / 1000.0;
	snprintf(line, sizeof(line),
	         "[STATS] %s %" PRIu32 " RR[count=%" PRIu64 " time=%.2f(sec)] %s[count=%" PRIu64
	         " time=%.2f(sec)] RRSIG[new=%" PRIu64 " reused=%" PRIu64
	         " time=%.2f(sec) avg=%.0f(sig/sec)] TOTAL[time=%.2f(sec)]",
	         z->name, serial, st->rr, (double)st->t_read_ms / 1000.0,
	         z->sc->nsec3 ? "NSEC3" : "NSEC", st->denial, (double)st->t_denial_ms / 1000.0,
	         st->sig_new, st->sig_reused, sign_s,
	         sign_s > 0 ? (double)st->sig_new / sign_s : 0.0, total);
	log_info("publish", "stats", "%s", line);
	log_info("publish", "published", "zone=%s serial=%" PRIu32 " file=%s rrsets=%" PRIu64,
	         z->name, serial, z->output_path, rrsets);
	rc = finish(s, db, z, serial, line, d);
	const char *cmd = svc_conf(s->svc)->signer.notify_cmd;
	if (rc == ODS_OK && cmd && cmd[0])
		notify(cmd, z);
	return rc;
}
