/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The zone file reader: libzscanner pulled one record at a time (zs_parse_record), with the
 * signer's input policy applied to each record before it goes to the caller. The pull mode is
 * chosen over libzscanner's callback mode (zs_parse_all) because in callback mode the library
 * opens $INCLUDEd files itself, without a nesting limit (a file that includes itself recurses
 * until descriptors run out, each level holding a 200 KiB scanner) and without a way to stop
 * the outer file from inside an included one. Here every file gets its own scanner, made by
 * this module when the parent reports ZS_STATE_INCLUDE, and the first error or stop ends them
 * all. No state outside the call: thread-safe.
 */
#include "services/signer/zone/reader.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libzscanner/scanner.h>

/* Deep enough for any real zone; shallow enough that an $INCLUDE loop fails at once. */
#define INCLUDE_DEPTH_MAX 16
/* A name in presentation form: 255 octets, each at most "\DDD", plus the dots. */
#define NAME_TEXT_MAX 1280
/* How much of libzscanner's error context (the line from the failing character on) we quote. */
#define CONTEXT_MAX 48

struct reader {
	const struct zreader_opts *o;
	struct zreader_stats st;
	struct diag *d;
	uint8_t apex[ZS_MAX_DNAME_LENGTH + ZS_MAX_LABEL_LENGTH]; /* wire form, case as given */
	size_t apex_len;
	size_t apex_labels;
};

/* "file:line" into out (DIAG_WHERE_MAX bytes). A path too long keeps its end, which names
 * the file, behind "...". */
static void
where_fmt(char out[DIAG_WHERE_MAX], const char *file, uint64_t line)
{
	char num[32];
	size_t flen, nlen, n = 0;

	if (file == NULL)
		file = "?";
	snprintf(num, sizeof(num), ":%llu", (unsigned long long)line);
	flen = strlen(file);
	nlen = strlen(num);
	if (flen + nlen >= DIAG_WHERE_MAX) {
		memcpy(out, "...", 3);
		n = 3;
		file += flen - (DIAG_WHERE_MAX - 1 - nlen - n);
		flen = DIAG_WHERE_MAX - 1 - nlen - n;
	}
	memcpy(out + n, file, flen);
	memcpy(out + n + flen, num, nlen + 1);
}

static size_t
name_labels(const uint8_t *name, size_t len)
{
	size_t n = 0, off = 0;

	while (off < len && name[off] != 0) {
		n++;
		off += 1 + (size_t)name[off];
	}
	return n;
}

static uint8_t
ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Owner at or below the apex: its last apex_labels labels equal the apex, ignoring ASCII
 * case (RFC 4343). Comparing wire bytes is safe once aligned on a label boundary: length
 * octets are at most 63 and so never look like letters. */
static bool
in_zone(const struct reader *r, const uint8_t *owner, size_t len)
{
	size_t labels = name_labels(owner, len);
	size_t off = 0, i;

	if (labels < r->apex_labels)
		return false;
	for (i = r->apex_labels; i < labels; i++)
		off += 1 + (size_t)owner[off];
	if (len - off != r->apex_len)
		return false;
	for (i = 0; i < r->apex_len; i++)
		if (ascii_lower(owner[off + i]) != ascii_lower(r->apex[i]))
			return false;
	return true;
}

/* Wire name to presentation form for messages, with RFC 1035 §5.1 escapes. */
static void
name_text(const uint8_t *name, size_t len, char *out, size_t cap)
{
	size_t off = 0, n = 0;

	out[0] = '\0';
	if (len == 0 || name[0] == 0) {
		snprintf(out, cap, ".");
		return;
	}
	while (off < len && name[off] != 0 && n + 6 < cap) {
		size_t llen = name[off++];

		for (size_t i = 0; i < llen && off < len && n + 6 < cap; i++, off++) {
			uint8_t c = name[off];

			if (c <= ' ' || c >= 0x7f)
				n += (size_t)snprintf(out + n, cap - n, "\\%03u", c);
			else if (strchr(".\\\";()$@", c) != NULL)
				n += (size_t)snprintf(out + n, cap - n, "\\%c", c);
			else
				out[n++] = (char)c;
		}
		out[n++] = '.';
	}
	out[n] = '\0';
}

/* The types the signer makes itself and so drops from its input; NULL for the others. DNSKEY
 * and DS stay: the operator may publish foreign keys, and DS belongs to child delegations. */
static const char *
dnssec_type_name(uint16_t type)
{
	switch (type) {
	case ZT_RRSIG:
		return "RRSIG";
	case ZT_NSEC:
		return "NSEC";
	case ZT_NSEC3:
		return "NSEC3";
	case ZT_NSEC3PARAM:
		return "NSEC3PARAM";
	default:
		return NULL;
	}
}

static void warn(struct reader *r, const zs_scanner_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
warn(struct reader *r, const zs_scanner_t *s, const char *fmt, ...)
{
	char where[DIAG_WHERE_MAX];
	char msg[NAME_TEXT_MAX + 128];
	va_list ap;

	r->st.warnings++;
	if (r->o->on_warn == NULL)
		return;
	where_fmt(where, s->file.name, s->line_counter);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->o->on_warn(r->o->arg, where, msg);
}

static ods_err
on_record(struct reader *r, const zs_scanner_t *s)
{
	char where[DIAG_WHERE_MAX];
	const struct zrr rr = {
		.owner = s->r_owner,
		.owner_len = s->r_owner_length,
		.type = s->r_type,
		.rclass = s->r_class,
		.ttl = s->r_ttl,
		.rdata = s->r_data,
		.rdlen = (uint16_t)s->r_data_length, /* libzscanner caps it at 65535 */
	};
	const char *dnssec;

	/* libzscanner 3.2 knows no class mnemonic but IN and we set IN as the default class, so
	 * this holds today; it guards against a parser that learns CH or CLASSnn. */
	if (rr.rclass != ZRR_CLASS_IN) {
		where_fmt(where, s->file.name, s->line_counter);
		return diag_fail(r->d, ODS_EINVAL, where, "class CLASS%u is not IN", rr.rclass);
	}
	if (!in_zone(r, rr.owner, rr.owner_len)) {
		char owner[NAME_TEXT_MAX];

		name_text(rr.owner, rr.owner_len, owner, sizeof(owner));
		r->st.out_of_zone++;
		warn(r, s, "record outside the zone '%s' skipped", owner);
		return ODS_OK;
	}
	dnssec = dnssec_type_name(rr.type);
	if (dnssec != NULL) {
		r->st.dnssec++;
		warn(r, s, "contains DNSSEC data: %s record dropped", dnssec);
		return ODS_OK;
	}
	r->st.records++;
	if (r->o->on_rr(r->o->arg, &rr, s->file.name, (unsigned long)s->line_counter) != 0) {
		where_fmt(where, s->file.name, s->line_counter);
		return diag_fail(r->d, ODS_EINVAL, where, "stopped by the caller");
	}
	return ODS_OK;
}

/* libzscanner's error context (the rest of the line from where parsing failed), cut to one
 * printable line for a message; empty when there is none. */
static void
error_context(const zs_scanner_t *s, char *out, size_t cap)
{
	size_t len = s->buffer_length < sizeof(s->buffer) ? s->buffer_length : 0;
	size_t i = 0, n = 0;

	while (i < len && (s->buffer[i] == ' ' || s->buffer[i] == '\t'))
		i++;
	for (; i < len && s->buffer[i] != '\0' && s->buffer[i] != '\n' && n + 4 < cap; i++) {
		uint8_t c = s->buffer[i];

		if (n == CONTEXT_MAX) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		out[n++] = (c < ' ' || c >= 0x7f) ? ' ' : (char)c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static ods_err
on_error(struct reader *r, const zs_scanner_t *s)
{
	char where[DIAG_WHERE_MAX];
	char context[CONTEXT_MAX + 8];
	ods_err e = s->error.code == ZS_ENOMEM ? ODS_ENOMEM : ODS_EINVAL;

	where_fmt(where, s->file.name, s->line_counter);
	error_context(s, context, sizeof(context));
	if (context[0] != '\0')
		return diag_fail(r->d, e, where, "%s near '%s'", zs_strerror(s->error.code),
		                 context);
	return diag_fail(r->d, e, where, "%s", zs_strerror(s->error.code));
}

/* A scanner for one file, in *out; where names the place to blame when the file cannot be
 * opened (the zone file itself, or the $INCLUDE line). */
static ods_err
scanner_open(struct reader *r, const char *origin, uint32_t ttl_s, const char *path,
             const char *what, const char *where, zs_scanner_t **out)
{
	zs_scanner_t *s = malloc(sizeof(*s));
	char reason[128];
	ods_err rc;
	int err;

	if (s == NULL)
		return diag_fail(r->d, ODS_ENOMEM, where, "no memory for a zone scanner");
	if (zs_init(s, origin, ZRR_CLASS_IN, ttl_s) != 0) {
		rc = diag_fail(r->d, ODS_EINVAL, "origin", "bad origin '%s': %s", origin,
		               zs_strerror(s->error.code));
		goto fail;
	}
	errno = 0;
	if (zs_set_input_file(s, path) != 0) {
		/* libzscanner reports open(2) failing as ZS_FILE_OPEN/ZS_FILE_ACCESS right after
		 * the call, so errno still says why. */
		err = errno;
		if ((s->error.code == ZS_FILE_OPEN || s->error.code == ZS_FILE_ACCESS) && err != 0 &&
		    strerror_r(err, reason, sizeof(reason)) == 0)
			rc = diag_fail(r->d, ODS_EIO, where, "cannot open %s '%s': %s", what, path,
			               reason);
		else
			rc = diag_fail(r->d, ODS_EIO, where, "cannot open %s '%s': %s", what, path,
			               zs_strerror(s->error.code));
		goto fail;
	}
	*out = s;
	return ODS_OK;
fail:
	zs_deinit(s);
	free(s);
	return rc;
}

static void
scanner_close(zs_scanner_t *s)
{
	if (s == NULL)
		return;
	zs_deinit(s);
	free(s);
}

static ods_err read_file(struct reader *r, zs_scanner_t *s, int depth);

/* The parent stopped at an $INCLUDE: libzscanner has put the file's path (relative names made
 * absolute against the including file's directory) in include_filename and the origin for it
 * (the directive's, else the current $ORIGIN) in text form in buffer. The included file starts
 * with the parent's current $TTL; its own $TTL and $ORIGIN do not flow back (RFC 1035 §5.1). */
static ods_err
read_include(struct reader *r, const zs_scanner_t *parent, int depth)
{
	char where[DIAG_WHERE_MAX];
	zs_scanner_t *s = NULL;
	ods_err rc;

	where_fmt(where, parent->file.name, parent->line_counter);
	if (depth + 1 >= INCLUDE_DEPTH_MAX)
		return diag_fail(r->d, ODS_EINVAL, where,
		                 "$INCLUDE nested deeper than %d files (does a file include itself?)",
		                 INCLUDE_DEPTH_MAX);
	rc = scanner_open(r, (const char *)parent->buffer, parent->default_ttl,
	                  parent->include_filename, "$INCLUDE file", where, &s);
	if (rc == ODS_OK)
		rc = read_file(r, s, depth + 1);
	scanner_close(s);
	return rc;
}

static ods_err
read_file(struct reader *r, zs_scanner_t *s, int depth)
{
	ods_err rc = ODS_OK;

	while (rc == ODS_OK) {
		if (zs_parse_record(s) != 0)
			return on_error(r, s);
		switch (s->state) {
		case ZS_STATE_DATA:
			rc = on_record(r, s);
			break;
		case ZS_STATE_INCLUDE:
			rc = read_include(r, s, depth);
			break;
		case ZS_STATE_ERROR:
			/* Stop at the first error, warnings included: a zone with a line we could
			 * not read is not the zone the operator wrote. */
			return on_error(r, s);
		case ZS_STATE_EOF:
			return ODS_OK;
		default:
			return diag_fail(r->d, ODS_EINTERNAL, s->file.name,
			                 "unexpected zone scanner state %d", (int)s->state);
		}
	}
	return rc;
}

/* The origin goes into libzscanner as the text of an "$ORIGIN" line, so anything that would
 * end that line or start a comment is refused here rather than parsed as zone data. */
static bool
origin_plain(const char *origin)
{
	return origin[0] != '\0' && strpbrk(origin, " \t\r\n;()\"") == NULL;
}

ods_err
zreader_read(const struct zreader_opts *o, struct zreader_stats *st, struct diag *d)
{
	struct reader r = { .o = o, .d = d };
	zs_scanner_t *s = NULL;
	ods_err rc;

	assert(o != NULL && o->path != NULL && o->origin != NULL && o->on_rr != NULL);
	if (!origin_plain(o->origin)) {
		rc = diag_fail(d, ODS_EINVAL, "origin", "bad origin '%s'", o->origin);
		goto out;
	}
	rc = scanner_open(&r, o->origin, o->default_ttl, o->path, "zone file", o->path, &s);
	if (rc != ODS_OK)
		goto out;
	/* The apex as libzscanner parsed it from the initial $ORIGIN, before the file can move
	 * $ORIGIN elsewhere. */
	memcpy(r.apex, s->zone_origin, s->zone_origin_length);
	r.apex_len = s->zone_origin_length;
	r.apex_labels = name_labels(r.apex, r.apex_len);
	rc = read_file(&r, s, 0);
out:
	scanner_close(s);
	if (st != NULL)
		*st = r.st;
	return rc;
}
