/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The zone reader (services/signer/zone/reader.c): what libzscanner parses (directives,
 * multi-line records, escapes, RFC 3597, $INCLUDE) reaches the callback as the right wire
 * records with the right file and line, and the signer's input policy (out-of-zone records,
 * DNSSEC records, classes) and error reporting hold. Fixed fixtures are in
 * tests/data/zones/; cases that need odd files (loops, CRLF, 100k records) write them into a
 * temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "services/signer/zone/reader.h"

#define ZONES ODS_TEST_DATA "/zones/"
#define KEEP_MAX 32
#define TMP_PATHS_MAX 32

/* What the callbacks saw: the first KEEP_MAX records and warnings in full, all of them
 * counted. */
struct seen_rr {
	uint8_t owner[256];
	size_t owner_len;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint8_t rdata[512];
	uint16_t rdlen;
	char file[512];
	unsigned long line;
};

struct seen {
	size_t n;
	size_t stop_at; /* on_rr returns 1 for record number stop_at (1-based); 0: never */
	uint32_t a_sum; /* sum of the last octet of every A record */
	struct seen_rr rr[KEEP_MAX];
	size_t nwarn;
	char warn_where[KEEP_MAX][DIAG_WHERE_MAX];
	char warn_msg[KEEP_MAX][512];
};

/* The temporary directory and what the tests wrote into it, removed in reverse order. */
struct tmp {
	char dir[64];
	char paths[TMP_PATHS_MAX][512];
	size_t n;
};

static int
on_rr(void *arg, const struct zrr *rr, const char *file, unsigned long line)
{
	struct seen *s = arg;

	if (rr->type == 1 && rr->rdlen == 4)
		s->a_sum += rr->rdata[3];
	if (s->n < KEEP_MAX) {
		struct seen_rr *k = &s->rr[s->n];

		assert_true(rr->owner_len <= sizeof(k->owner));
		assert_true(rr->rdlen <= sizeof(k->rdata));
		memcpy(k->owner, rr->owner, rr->owner_len);
		k->owner_len = rr->owner_len;
		k->type = rr->type;
		k->rclass = rr->rclass;
		k->ttl = rr->ttl;
		memcpy(k->rdata, rr->rdata, rr->rdlen);
		k->rdlen = rr->rdlen;
		snprintf(k->file, sizeof(k->file), "%s", file);
		k->line = line;
	}
	s->n++;
	return s->stop_at != 0 && s->n == s->stop_at;
}

static void
on_warn(void *arg, const char *where, const char *msg)
{
	struct seen *s = arg;

	if (s->nwarn < KEEP_MAX) {
		snprintf(s->warn_where[s->nwarn], sizeof(s->warn_where[0]), "%s", where);
		snprintf(s->warn_msg[s->nwarn], sizeof(s->warn_msg[0]), "%s", msg);
	}
	s->nwarn++;
}

static struct seen *
seen_new(void)
{
	struct seen *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

static ods_err
read_zone(const char *path, const char *origin, uint32_t default_ttl, struct seen *s,
          struct zreader_stats *st, struct diag *d)
{
	const struct zreader_opts o = {
		.path = path,
		.origin = origin,
		.default_ttl = default_ttl,
		.on_rr = on_rr,
		.on_warn = on_warn,
		.arg = s,
	};

	return zreader_read(&o, st, d);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

#define assert_ends_with(s, suffix)                                                               \
	do {                                                                                      \
		if (!ends_with((s), (suffix)))                                                    \
			fail_msg("'%s' does not end with '%s'", (s), (suffix));                   \
	} while (0)

#define assert_contains(s, part)                                                                  \
	do {                                                                                      \
		if (strstr((s), (part)) == NULL)                                                  \
			fail_msg("'%s' does not contain '%s'", (s), (part));                      \
	} while (0)

/* wire is a string literal without its root label: the literal's own NUL stands for it. */
#define assert_wire_equal(k, wire)                                                                \
	do {                                                                                      \
		assert_int_equal((k)->owner_len, sizeof(wire));                                   \
		assert_memory_equal((k)->owner, (wire), sizeof(wire));                            \
	} while (0)

#define assert_rdata_equal(k, bytes)                                                              \
	do {                                                                                      \
		assert_int_equal((k)->rdlen, sizeof(bytes) - 1);                                  \
		assert_memory_equal((k)->rdata, (bytes), sizeof(bytes) - 1);                      \
	} while (0)

static int
setup_tmp(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_zreader.XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
teardown_tmp(void **state)
{
	struct tmp *t = *state;

	while (t->n > 0)
		remove(t->paths[--t->n]);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* Path of rel inside the temporary directory, remembered for removal. */
static const char *
tmp_path(struct tmp *t, const char *rel)
{
	char dir[sizeof(t->dir)];

	assert_true(t->n < TMP_PATHS_MAX);
	memcpy(dir, t->dir, sizeof(dir)); /* paths and dir share *t: no overlapping snprintf */
	snprintf(t->paths[t->n], sizeof(t->paths[0]), "%s/%s", dir, rel);
	return t->paths[t->n++];
}

static const char *
tmp_write(struct tmp *t, const char *rel, const char *text)
{
	const char *path = tmp_path(t, rel);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *
tmp_mkdir(struct tmp *t, const char *rel)
{
	const char *path = tmp_path(t, rel);

	assert_int_equal(mkdir(path, 0700), 0);
	return path;
}

static void
test_basic_zone_directives_names_and_rdata(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };
	const char *path = ZONES "basic.zone";

	assert_int_equal(read_zone(path, "example.com", 86400, s, &st, &d), ODS_OK);
	assert_int_equal(s->n, 9);
	assert_int_equal(st.records, 9);
	assert_int_equal(st.out_of_zone, 0);
	assert_int_equal(st.dnssec, 0);
	assert_int_equal(st.warnings, 0);
	assert_int_equal(s->nwarn, 0);

	/* The multi-line SOA: @ is the origin, relative rdata names completed, the record's line
	 * is where its parentheses close. */
	assert_wire_equal(&s->rr[0], "\7example\3com");
	assert_int_equal(s->rr[0].type, ZT_SOA);
	assert_int_equal(s->rr[0].rclass, ZRR_CLASS_IN);
	assert_int_equal(s->rr[0].ttl, 3600);
	assert_rdata_equal(&s->rr[0], "\3ns1\7example\3com\0"
	                              "\12hostmaster\7example\3com\0"
	                              "\x78\xa3\xf1\x75\0\0\x1c\x20\0\0\x0e\x10\0\x12\x75\0\0\0\x01\x2c");
	assert_string_equal(s->rr[0].file, path);
	assert_int_equal(s->rr[0].line, 9);

	/* Blank owner: the previous one. */
	assert_wire_equal(&s->rr[1], "\7example\3com");
	assert_int_equal(s->rr[1].type, ZT_NS);
	assert_rdata_equal(&s->rr[1], "\3ns1\7example\3com\0");
	assert_int_equal(s->rr[1].line, 10);

	/* An explicit TTL beats $TTL. */
	assert_wire_equal(&s->rr[2], "\3ns1\7example\3com");
	assert_int_equal(s->rr[2].ttl, 600);
	assert_rdata_equal(&s->rr[2], "\xc0\x00\x02\x35");

	/* Case kept as written. */
	assert_wire_equal(&s->rr[3], "\3WwW\7Example\3COM");
	assert_int_equal(s->rr[3].line, 12);

	/* \046 and \. both put a dot inside a label. */
	assert_wire_equal(&s->rr[4], "\3a.b\7example\3com");
	assert_int_equal(s->rr[4].type, 16);
	assert_rdata_equal(&s->rr[4], "\16decimal escape");
	assert_wire_equal(&s->rr[5], "\3c.d\7example\3com");
	assert_rdata_equal(&s->rr[5], "\13escaped dot");

	/* RFC 3597 generic syntax. */
	assert_wire_equal(&s->rr[6], "\7unknown\7example\3com");
	assert_int_equal(s->rr[6].type, 65280);
	assert_rdata_equal(&s->rr[6], "\x0a\x00\x00\x01");
	assert_int_equal(s->rr[6].ttl, 3600);

	/* The second $TTL, then the second $ORIGIN. */
	assert_wire_equal(&s->rr[7], "\3sub\7example\3com");
	assert_int_equal(s->rr[7].ttl, 60);
	assert_rdata_equal(&s->rr[7], "\2ns\3sub\7example\3com\0");
	assert_wire_equal(&s->rr[8], "\2ns\3sub\7example\3com");
	assert_int_equal(s->rr[8].ttl, 60);
	assert_int_equal(s->rr[8].line, 19);
	free(s);
}

static void
test_default_ttl_applies_before_any_ttl_directive(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct diag d = { 0 };
	/* No trailing newline on the last line: the record is still read. */
	const char *path = tmp_write(t, "ttl.zone",
	                             "@ SOA ns hostmaster 1 2 3 4 5\n"
	                             "a A 192.0.2.1\n"
	                             "b 77 A 192.0.2.2\n"
	                             "$TTL 99\n"
	                             "c A 192.0.2.3");

	assert_int_equal(read_zone(path, "example.com.", 1234, s, NULL, &d), ODS_OK);
	assert_int_equal(s->n, 4);
	assert_int_equal(s->rr[0].ttl, 1234);
	assert_int_equal(s->rr[1].ttl, 1234);
	assert_int_equal(s->rr[2].ttl, 77);
	assert_int_equal(s->rr[3].ttl, 99);
	assert_wire_equal(&s->rr[3], "\1c\7example\3com");
	assert_int_equal(s->rr[3].line, 5);
	free(s);
}

static void
test_dnssec_records_dropped_dnskey_and_ds_kept(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };
	const char *path = ZONES "dnssec.zone";
	char where[600];

	assert_int_equal(read_zone(path, "example.com.", 3600, s, &st, &d), ODS_OK);
	assert_int_equal(s->n, 3);
	assert_int_equal(s->rr[0].type, ZT_SOA);
	assert_int_equal(s->rr[1].type, ZT_DNSKEY);
	assert_int_equal(s->rr[2].type, ZT_DS);
	assert_wire_equal(&s->rr[2], "\3sub\7example\3com");
	assert_int_equal(st.records, 3);
	assert_int_equal(st.dnssec, 4);
	assert_int_equal(st.out_of_zone, 0);
	assert_int_equal(st.warnings, 4);
	assert_int_equal(s->nwarn, 4);
	snprintf(where, sizeof(where), "%s:5", path);
	assert_string_equal(s->warn_where[0], where);
	assert_string_equal(s->warn_msg[0], "contains DNSSEC data: RRSIG record dropped");
	assert_string_equal(s->warn_msg[1], "contains DNSSEC data: NSEC record dropped");
	assert_string_equal(s->warn_msg[2], "contains DNSSEC data: NSEC3PARAM record dropped");
	snprintf(where, sizeof(where), "%s:8", path);
	assert_string_equal(s->warn_where[3], where);
	assert_string_equal(s->warn_msg[3], "contains DNSSEC data: NSEC3 record dropped");
	free(s);
}

static void
test_out_of_zone_records_skipped_with_warning(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };
	char where[600];
	const char *path = tmp_write(t, "ooz.zone",
	                             "$TTL 300\n"
	                             "EXAMPLE.COM. SOA ns hostmaster 1 2 3 4 5\n"
	                             "other.example. A 192.0.2.1\n"
	                             "xexample.com. A 192.0.2.2\n"
	                             "example.com.evil. A 192.0.2.3\n"
	                             "com. A 192.0.2.4\n"
	                             "deep.below.Example.Com. A 192.0.2.5\n"
	                             "we\\(ird.net. A 192.0.2.6\n");

	assert_int_equal(read_zone(path, "example.com", 300, s, &st, &d), ODS_OK);
	/* The apex in another case and a name below it are in the zone. */
	assert_int_equal(s->n, 2);
	assert_wire_equal(&s->rr[0], "\7EXAMPLE\3COM");
	assert_wire_equal(&s->rr[1], "\4deep\5below\7Example\3Com");
	assert_int_equal(s->a_sum, 5);
	assert_int_equal(st.out_of_zone, 5);
	assert_int_equal(st.warnings, 5);
	assert_int_equal(s->nwarn, 5);
	snprintf(where, sizeof(where), "%s:3", path);
	assert_string_equal(s->warn_where[0], where);
	assert_string_equal(s->warn_msg[0], "record outside the zone 'other.example.' skipped");
	assert_contains(s->warn_msg[1], "'xexample.com.'");
	assert_contains(s->warn_msg[2], "'example.com.evil.'");
	assert_contains(s->warn_msg[3], "'com.'");
	assert_contains(s->warn_msg[4], "'we\\(ird.net.'");
	free(s);
}

static void
test_nested_include_names_the_included_file(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };
	const char *path = ZONES "include.zone";

	assert_int_equal(read_zone(path, "example.org.", 3600, s, &st, &d), ODS_OK);
	assert_int_equal(s->n, 5);
	assert_int_equal(st.records, 5);

	assert_int_equal(s->rr[0].type, ZT_SOA);
	assert_string_equal(s->rr[0].file, path);
	assert_int_equal(s->rr[0].line, 3);

	/* include/a.zone, under the includer's $ORIGIN and $TTL. */
	assert_wire_equal(&s->rr[1], "\2a1\7example\3org");
	assert_int_equal(s->rr[1].ttl, 300);
	assert_ends_with(s->rr[1].file, "/zones/include/a.zone");
	assert_int_equal(s->rr[1].line, 2);

	/* b.zone, found next to a.zone, under the origin its $INCLUDE line gave. */
	assert_wire_equal(&s->rr[2], "\2b1\6deeper\7example\3org");
	assert_ends_with(s->rr[2].file, "/zones/include/b.zone");
	assert_int_equal(s->rr[2].line, 1);

	/* Back in a.zone: its origin again. */
	assert_wire_equal(&s->rr[3], "\2a2\7example\3org");
	assert_ends_with(s->rr[3].file, "/zones/include/a.zone");
	assert_int_equal(s->rr[3].line, 4);

	assert_wire_equal(&s->rr[4], "\5after\7example\3org");
	assert_string_equal(s->rr[4].file, path);
	assert_int_equal(s->rr[4].line, 5);

	/* The warnings point into b.zone. */
	assert_int_equal(st.out_of_zone, 1);
	assert_int_equal(st.dnssec, 1);
	assert_int_equal(s->nwarn, 2);
	assert_ends_with(s->warn_where[0], "/zones/include/b.zone:2");
	assert_string_equal(s->warn_msg[0],
	                    "record outside the zone 'outside.example.net.' skipped");
	assert_ends_with(s->warn_where[1], "/zones/include/b.zone:3");
	assert_string_equal(s->warn_msg[1], "contains DNSSEC data: RRSIG record dropped");
	free(s);
}

static void
test_error_in_included_file_names_that_file_and_line(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };

	assert_int_equal(read_zone(ZONES "include_error.zone", "example.org", 3600, s, &st, &d),
	                 ODS_EINVAL);
	assert_ends_with(d.where, "/zones/include/bad.zone:4");
	assert_contains(d.msg, "invalid IPv4 address");
	/* What came before the error was handed out; nothing after it. */
	assert_int_equal(s->n, 2);
	assert_int_equal(st.records, 2);
	assert_wire_equal(&s->rr[1], "\2ok\7example\3org");
	free(s);
}

static void
test_missing_include_is_eio_at_the_include_line(void **state)
{
	struct seen *s = seen_new();
	struct diag d = { 0 };

	assert_int_equal(read_zone(ZONES "include_missing.zone", "example.org", 3600, s, NULL, &d),
	                 ODS_EIO);
	assert_string_equal(d.where, ZONES "include_missing.zone:4");
	assert_contains(d.msg, "/zones/include/nonexistent.zone'");
	assert_contains(d.msg, "No such file");
	assert_int_equal(s->n, 1);
	free(s);
}

static void
test_syntax_error_reports_file_line_and_token(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };

	assert_int_equal(read_zone(ZONES "syntax.zone", "example.net.", 3600, s, &st, &d),
	                 ODS_EINVAL);
	assert_string_equal(d.where, ZONES "syntax.zone:6");
	assert_string_equal(d.msg, "invalid number near 'ten mail'");
	assert_int_equal(s->n, 3);
	assert_int_equal(st.records, 3);
	free(s);
}

static void
test_unclosed_parenthesis_is_an_error(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct diag d = { 0 };
	const char *path = tmp_write(t, "paren.zone",
	                             "@ 300 SOA ns hostmaster ( 1 2 3 4 5\n"
	                             "www 300 A 192.0.2.1\n");

	assert_int_equal(read_zone(path, "example.com", 300, s, NULL, &d), ODS_EINVAL);
	assert_contains(d.where, path);
	assert_contains(d.msg, "unclosed");
	free(s);
}

static void
test_class_other_than_in_is_an_error(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct diag d = { 0 };
	char where[600];
	const char *path = tmp_write(t, "class.zone",
	                             "@ 300 IN SOA ns hostmaster 1 2 3 4 5\n"
	                             "www 300 in A 192.0.2.1\n"
	                             "txt 300 CH TXT \"chaos\"\n");

	assert_int_equal(read_zone(path, "example.com", 300, s, NULL, &d), ODS_EINVAL);
	snprintf(where, sizeof(where), "%s:3", path);
	assert_string_equal(d.where, where);
	assert_int_equal(s->n, 2);
	free(s);
}

static void
test_crlf_line_ends_are_refused(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct diag d = { 0 };
	char where[600];
	const char *path = tmp_write(t, "crlf.zone", "@ 300 SOA ns hostmaster 1 2 3 4 5\r\n");

	assert_int_equal(read_zone(path, "example.com", 300, s, NULL, &d), ODS_EINVAL);
	snprintf(where, sizeof(where), "%s:1", path);
	assert_string_equal(d.where, where);
	assert_contains(d.msg, "CRLF");
	assert_int_equal(s->n, 0);
	free(s);
}

static void
test_missing_file_is_eio_naming_it(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st = { .records = 7 };
	struct diag d = { 0 };
	const char *path = ZONES "no-such.zone";

	assert_int_equal(read_zone(path, "example.com", 300, s, &st, &d), ODS_EIO);
	assert_string_equal(d.where, path);
	assert_contains(d.msg, "'" ODS_TEST_DATA "/zones/no-such.zone'");
	assert_contains(d.msg, "No such file");
	assert_int_equal(s->n, 0);
	assert_int_equal(st.records, 0);
	free(s);
}

static void
test_directory_as_zone_file_is_eio(void **state)
{
	struct seen *s = seen_new();
	struct diag d = { 0 };

	assert_int_equal(read_zone(ZONES "include", "example.com", 300, s, NULL, &d), ODS_EIO);
	assert_string_equal(d.where, ZONES "include");
	free(s);
}

static void
test_bad_origin_is_einval(void **state)
{
	struct seen *s = seen_new();
	struct diag d = { 0 };

	assert_int_equal(read_zone(ZONES "basic.zone", "exa mple.com", 300, s, NULL, &d),
	                 ODS_EINVAL);
	assert_string_equal(d.where, "origin");
	assert_int_equal(read_zone(ZONES "basic.zone", "a..b", 300, s, NULL, &d), ODS_EINVAL);
	assert_string_equal(d.where, "origin");
	assert_contains(d.msg, "'a..b'");
	assert_int_equal(s->n, 0);
	free(s);
}

static void
test_callback_stops_the_read(void **state)
{
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };

	s->stop_at = 3;
	assert_int_equal(read_zone(ZONES "basic.zone", "example.com", 300, s, &st, &d), ODS_EINVAL);
	assert_string_equal(d.msg, "stopped by the caller");
	assert_string_equal(d.where, ZONES "basic.zone:11");
	assert_int_equal(s->n, 3);
	assert_int_equal(st.records, 3);
	free(s);
}

static void
test_callback_stop_inside_include_stops_everything(void **state)
{
	struct seen *s = seen_new();
	struct diag d = { 0 };

	/* The third record is b1 in include/b.zone; a2 and "after" must not follow. */
	s->stop_at = 3;
	assert_int_equal(read_zone(ZONES "include.zone", "example.org", 300, s, NULL, &d),
	                 ODS_EINVAL);
	assert_string_equal(d.msg, "stopped by the caller");
	assert_ends_with(d.where, "/zones/include/b.zone:1");
	assert_int_equal(s->n, 3);
	assert_int_equal(s->nwarn, 0);
	free(s);
}

static void
test_include_loop_fails(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct diag d = { 0 };
	const char *path = tmp_write(t, "loop.zone",
	                             "loop 300 A 192.0.2.1\n"
	                             "$INCLUDE loop.zone\n");

	assert_int_equal(read_zone(path, "example.com", 300, s, NULL, &d), ODS_EINVAL);
	assert_contains(d.msg, "$INCLUDE nested deeper than 16 files");
	assert_ends_with(d.where, "/loop.zone:2");
	assert_int_equal(s->n, 16);
	free(s);
}

static void
test_long_path_keeps_its_end_in_where(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct diag d = { 0 };
	char rel[400];
	const char *path;
	size_t i, n = 0;

	/* Nested directories so the path is well over DIAG_WHERE_MAX. */
	for (i = 0; i < 5; i++) {
		n += (size_t)snprintf(rel + n, sizeof(rel) - n, "%sa-directory-with-a-long-name",
		                      i ? "/" : "");
		tmp_mkdir(t, rel);
	}
	snprintf(rel + n, sizeof(rel) - n, "/broken.zone");
	path = tmp_write(t, rel, "@ 300 SOA ns hostmaster 1 2 3 4 5\nwww 300 A 192.0.2.999\n");
	assert_true(strlen(path) > DIAG_WHERE_MAX);
	assert_int_equal(read_zone(path, "example.com", 300, s, NULL, &d), ODS_EINVAL);
	assert_true(strncmp(d.where, "...", 3) == 0);
	assert_ends_with(d.where, "-name/broken.zone:2");
	assert_int_equal(strlen(d.where), DIAG_WHERE_MAX - 1);
	free(s);
}

static void
test_large_generated_zone_all_records_read(void **state)
{
	struct tmp *t = *state;
	struct seen *s = seen_new();
	struct zreader_stats st;
	struct diag d = { 0 };
	const char *path = tmp_path(t, "large.zone");
	const unsigned n = 100000;
	uint32_t sum = 0;
	FILE *f = fopen(path, "w");
	unsigned i;

	assert_non_null(f);
	fprintf(f, "$ORIGIN example.com.\n$TTL 300\n@ SOA ns hostmaster 1 2 3 4 5\n");
	for (i = 0; i < n; i++) {
		if (i % 10 == 9) {
			fprintf(f, "h%u TXT \"record %u\"\n", i, i);
		} else {
			fprintf(f, "h%u A 10.%u.%u.%u\n", i, (i >> 16) & 0xff, (i >> 8) & 0xff,
			        i & 0xff);
			sum += i & 0xff;
		}
	}
	fprintf(f, "h1 RRSIG A 8 3 300 20300101000000 20200101000000 1 example.com. AAAA\n");
	fprintf(f, "outside.example. A 192.0.2.1\n");
	assert_int_equal(fclose(f), 0);

	assert_int_equal(read_zone(path, "example.com", 300, s, &st, &d), ODS_OK);
	assert_int_equal(s->n, n + 1);
	assert_int_equal(st.records, n + 1);
	assert_int_equal(st.dnssec, 1);
	assert_int_equal(st.out_of_zone, 1);
	assert_int_equal(st.warnings, 2);
	assert_int_equal(s->a_sum, sum);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_zone_directives_names_and_rdata),
		cmocka_unit_test(test_default_ttl_applies_before_any_ttl_directive),
		cmocka_unit_test(test_dnssec_records_dropped_dnskey_and_ds_kept),
		cmocka_unit_test(test_out_of_zone_records_skipped_with_warning),
		cmocka_unit_test(test_nested_include_names_the_included_file),
		cmocka_unit_test(test_error_in_included_file_names_that_file_and_line),
		cmocka_unit_test(test_missing_include_is_eio_at_the_include_line),
		cmocka_unit_test(test_syntax_error_reports_file_line_and_token),
		cmocka_unit_test(test_unclosed_parenthesis_is_an_error),
		cmocka_unit_test(test_class_other_than_in_is_an_error),
		cmocka_unit_test(test_crlf_line_ends_are_refused),
		cmocka_unit_test(test_missing_file_is_eio_naming_it),
		cmocka_unit_test(test_directory_as_zone_file_is_eio),
		cmocka_unit_test(test_bad_origin_is_einval),
		cmocka_unit_test(test_callback_stops_the_read),
		cmocka_unit_test(test_callback_stop_inside_include_stops_everything),
		cmocka_unit_test(test_include_loop_fails),
		cmocka_unit_test(test_long_path_keeps_its_end_in_where),
		cmocka_unit_test(test_large_generated_zone_all_records_read),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
