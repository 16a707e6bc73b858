/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for signconf.xml (lib/conf/signconf.c): the fixture
 * tests/data/conf/signconf-all.xml (every element, in mixed order, as signconf.rng allows) and
 * configurations built here survive signconf_write() and signconf_load_mem() unchanged;
 * optional elements are written only when set; malformed documents fail with file:line and
 * the element; values the file cannot carry are refused by the writer; signconf_write_file()
 * replaces the file by rename and leaves nothing behind when it fails. `test_signconf --dump
 * DIR` writes what the writer made of them to DIR so that check_rng.sh can validate it
 * against signconf.rng.
 */
#include <dirent.h>
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

#include "lib/conf/kasp.h"
#include "lib/conf/signconf.h"

#define FIXTURE ODS_TEST_DATA "/conf/signconf-all.xml"
#define B64_1 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYn"
#define B64_2 "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4w="

static struct signconf *
load_ok(const char *xml)
{
	struct signconf *sc = NULL;
	struct diag d = {0};

	if (signconf_load_mem("signconf.xml", xml, strlen(xml), &sc, &d) != ODS_OK)
		fail_msg("cannot read: %s: %s\n%s", d.where, d.msg, xml);
	return sc;
}

static char *
write_ok(const struct signconf *sc)
{
	struct diag d = {0};
	char *text = NULL;
	size_t len = 0;

	if (signconf_write(sc, &text, &len, &d) != ODS_OK)
		fail_msg("signconf_write: %s: %s", d.where, d.msg);
	assert_int_equal(len, strlen(text));
	return text;
}

static void
str_eq(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		fail_msg("%s: '%s' != '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

/* Every field but the key lines. */
static void
signconf_eq(const struct signconf *a, const struct signconf *b)
{
	str_eq(a->zone, b->zone, "zone");
	assert_int_equal(a->passthrough, b->passthrough);
	assert_int_equal(a->resign_s, b->resign_s);
	assert_int_equal(a->refresh_s, b->refresh_s);
	assert_int_equal(a->validity_default_s, b->validity_default_s);
	assert_int_equal(a->validity_denial_s, b->validity_denial_s);
	assert_int_equal(a->validity_keyset_s, b->validity_keyset_s);
	assert_int_equal(a->jitter_s, b->jitter_s);
	assert_int_equal(a->inception_offset_s, b->inception_offset_s);
	assert_int_equal(a->max_zone_ttl_s, b->max_zone_ttl_s);
	assert_int_equal(a->nsec3, b->nsec3);
	assert_int_equal(a->nsec3_ttl_s, b->nsec3_ttl_s);
	assert_int_equal(a->nsec3_optout, b->nsec3_optout);
	assert_int_equal(a->nsec3_algorithm, b->nsec3_algorithm);
	assert_int_equal(a->nsec3_iterations, b->nsec3_iterations);
	str_eq(a->nsec3_salt, b->nsec3_salt, "salt");
	assert_int_equal(a->dnskey_ttl_s, b->dnskey_ttl_s);
	assert_int_equal(a->n_keys, b->n_keys);
	for (size_t i = 0; i < a->n_keys; i++) {
		const struct signconf_key *x = &a->keys[i], *y = &b->keys[i];

		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->algorithm, y->algorithm);
		str_eq(x->locator, y->locator, "locator");
		str_eq(x->resource_record, y->resource_record, "resource record");
		assert_int_equal(x->ksk, y->ksk);
		assert_int_equal(x->zsk, y->zsk);
		assert_int_equal(x->publish, y->publish);
		assert_int_equal(x->deactivate, y->deactivate);
	}
	assert_int_equal(a->n_signature_rrs, b->n_signature_rrs);
	for (size_t i = 0; i < a->n_signature_rrs; i++)
		assert_string_equal(a->signature_rrs[i], b->signature_rrs[i]);
	assert_int_equal(a->soa_ttl_s, b->soa_ttl_s);
	assert_int_equal(a->soa_minimum_s, b->soa_minimum_s);
	assert_int_equal(a->serial, b->serial);
}

/* Write, read back, compare, write again to the same text; returns the text. */
static char *
round_trip(const struct signconf *a)
{
	char *t1 = write_ok(a), *t2;
	struct signconf *b = load_ok(t1);

	signconf_eq(a, b);
	t2 = write_ok(b);
	assert_string_equal(t1, t2);
	free(t2);
	signconf_free(b);
	return t1;
}

static void
test_fixture_reads_every_element(void **state)
{
	struct signconf *sc = NULL;
	struct diag d = {0};

	(void)state;
	if (signconf_load(FIXTURE, &sc, &d) != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	assert_string_equal(sc->zone, "example.com");
	assert_true(sc->passthrough);
	assert_int_equal(sc->resign_s, 7200);
	assert_int_equal(sc->refresh_s, 3 * 86400);
	assert_int_equal(sc->validity_default_s, 14 * 86400);
	assert_int_equal(sc->validity_denial_s, 15 * 86400);
	assert_int_equal(sc->validity_keyset_s, 21 * 86400);
	assert_int_equal(sc->jitter_s, 12 * 3600);
	assert_int_equal(sc->inception_offset_s, 3600);
	assert_int_equal(sc->max_zone_ttl_s, 86400);
	assert_true(sc->nsec3);
	assert_int_equal(sc->nsec3_ttl_s, 60);
	assert_true(sc->nsec3_optout);
	assert_int_equal(sc->nsec3_algorithm, 1);
	assert_int_equal(sc->nsec3_iterations, 5);
	assert_string_equal(sc->nsec3_salt, "0a1b2c3d4e5f6071");
	assert_int_equal(sc->dnskey_ttl_s, 3600);
	assert_int_equal(sc->n_keys, 4);
	assert_int_equal(sc->keys[0].flags, 257);
	assert_string_equal(sc->keys[0].locator, "6e3b1a7c2f0d4e5a8b9c0d1e2f3a4b5c");
	assert_true(sc->keys[0].ksk && sc->keys[0].publish);
	assert_false(sc->keys[0].zsk || sc->keys[0].deactivate);
	assert_int_equal(sc->keys[0].line, 37);
	assert_int_equal(sc->keys[1].flags, 256);
	assert_true(sc->keys[1].zsk && sc->keys[1].deactivate);
	assert_null(sc->keys[2].locator);
	assert_non_null(sc->keys[2].resource_record);
	assert_string_equal(sc->keys[3].resource_record, B64_2);
	assert_int_equal(sc->n_signature_rrs, 2);
	assert_string_equal(sc->signature_rrs[0], B64_1);
	assert_string_equal(sc->signature_rrs[1], B64_2);
	assert_int_equal(sc->soa_ttl_s, 3600);
	assert_int_equal(sc->soa_minimum_s, 300);
	assert_int_equal(sc->serial, KASP_SERIAL_UNIXTIME);
	free(round_trip(sc));
	signconf_free(sc);
}

static struct signconf_key KEYS[] = {
    {257, 8, "00aabb", NULL, true, false, true, false, 0},
    {256, 13, "CCdd", B64_1, false, true, false, true, 0},
    {257, 15, NULL, B64_2, true, true, true, true, 0},
};
static char *SIG_RRS[] = {B64_2, B64_1, B64_1};

/* A configuration with every field set, each to a value no similar field has. */
static struct signconf
full(void)
{
	return (struct signconf){
	    .zone = "a&b<c>\"d\"'e'.example",
	    .passthrough = true,
	    .resign_s = 1,
	    .refresh_s = 2,
	    .validity_default_s = 3,
	    .validity_denial_s = 4,
	    .validity_keyset_s = 5,
	    .jitter_s = 6,
	    .inception_offset_s = 7,
	    .max_zone_ttl_s = 86400 + 8,
	    .nsec3 = true,
	    .nsec3_ttl_s = 9,
	    .nsec3_optout = true,
	    .nsec3_algorithm = 1,
	    .nsec3_iterations = 65535,
	    .nsec3_salt = "",
	    .dnskey_ttl_s = 10,
	    .keys = KEYS,
	    .n_keys = 3,
	    .signature_rrs = SIG_RRS,
	    .n_signature_rrs = 3,
	    .soa_ttl_s = 11,
	    .soa_minimum_s = 12,
	    .serial = KASP_SERIAL_KEEP,
	};
}

static void
test_built_configurations_round_trip(void **state)
{
	struct signconf sc = full(), nsec = {.zone = "."};
	char *text;

	(void)state;
	text = round_trip(&sc);
	assert_non_null(strstr(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                             "<SignerConfiguration>\n"));
	assert_non_null(strstr(text, "<Zone name=\"a&amp;b&lt;c&gt;&quot;d&quot;'e'.example\">"));
	assert_non_null(strstr(text, "<MaxZoneTTL>P1DT8S</MaxZoneTTL>"));
	assert_non_null(strstr(text, "<Salt/>"));
	free(text);
	text = round_trip(&nsec);
	assert_non_null(strstr(text, "<NSEC/>"));
	assert_non_null(strstr(text, "<Serial>counter</Serial>"));
	free(text);
	/* A NULL salt is written empty and reads back as "". */
	sc.nsec3_salt = NULL;
	text = write_ok(&sc);
	sc.nsec3_salt = "";
	{
		struct signconf *b = load_ok(text);

		signconf_eq(&sc, b);
		signconf_free(b);
	}
	free(text);
}

static void
test_optional_elements_only_when_set(void **state)
{
	struct signconf sc = full();
	const char *absent[] = {"Keyset", "MaxZoneTTL", "<TTL>PT0S",      "Passthrough",
	                        "OptOut", "Locator",    "ResourceRecord", "<KSK",
	                        "<ZSK",   "Publish",    "Deactivate"};
	struct signconf_key key = {256, 8, NULL, B64_1, false, false, false, false, 0};
	char *text;

	(void)state;
	sc.passthrough = sc.nsec3_optout = false;
	sc.validity_keyset_s = sc.max_zone_ttl_s = sc.nsec3_ttl_s = 0;
	sc.keys = &key;
	sc.n_keys = 1;
	sc.n_signature_rrs = 0;
	sc.dnskey_ttl_s = sc.soa_ttl_s = 1;
	text = write_ok(&sc);
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		/* The one key has a ResourceRecord, nothing else. */
		if (strcmp(absent[i], "ResourceRecord") == 0)
			continue;
		if (strstr(text, absent[i]) != NULL)
			fail_msg("'%s' written though not set:\n%s", absent[i], text);
	}
	free(text);
}

/* One element per line; the errors below refer to these line numbers. */
static const char MINI[] = "<SignerConfiguration>\n"                                        /* 1 */
                           "<Zone name=\"example.com\">\n"                                  /* 2 */
                           "<Signatures>\n"                                                 /* 3 */
                           "<Resign>PT2H</Resign>\n"                                        /* 4 */
                           "<Refresh>P3D</Refresh>\n"                                       /* 5 */
                           "<Validity>\n"                                                   /* 6 */
                           "<Default>P14D</Default>\n"                                      /* 7 */
                           "<Denial>P14D</Denial>\n"                                        /* 8 */
                           "</Validity>\n"                                                  /* 9 */
                           "<Jitter>PT12H</Jitter>\n"                                       /* 10 */
                           "<InceptionOffset>PT1H</InceptionOffset>\n"                      /* 11 */
                           "</Signatures>\n"                                                /* 12 */
                           "<Denial>\n"                                                     /* 13 */
                           "<NSEC3>\n"                                                      /* 14 */
                           "<Hash>\n"                                                       /* 15 */
                           "<Algorithm>1</Algorithm>\n"                                     /* 16 */
                           "<Iterations>0</Iterations>\n"                                   /* 17 */
                           "<Salt>abcd</Salt>\n"                                            /* 18 */
                           "</Hash>\n"                                                      /* 19 */
                           "</NSEC3>\n"                                                     /* 20 */
                           "</Denial>\n"                                                    /* 21 */
                           "<Keys>\n"                                                       /* 22 */
                           "<TTL>PT1H</TTL>\n"                                              /* 23 */
                           "<Key>\n"                                                        /* 24 */
                           "<Flags>257</Flags>\n"                                           /* 25 */
                           "<Algorithm>13</Algorithm>\n"                                    /* 26 */
                           "<Locator>0123abcd</Locator>\n"                                  /* 27 */
                           "<KSK/>\n"                                                       /* 28 */
                           "</Key>\n"                                                       /* 29 */
                           "<SignatureResourceRecord>" B64_1 "</SignatureResourceRecord>\n" /* 30 */
                           "</Keys>\n"                                                      /* 31 */
                           "<SOA>\n"                                                        /* 32 */
                           "<TTL>PT1H</TTL>\n"                                              /* 33 */
                           "<Minimum>PT1H</Minimum>\n"                                      /* 34 */
                           "<Serial>counter</Serial>\n"                                     /* 35 */
                           "</SOA>\n"                                                       /* 36 */
                           "</Zone>\n"                                                      /* 37 */
                           "</SignerConfiguration>\n";                                      /* 38 */

/* Reading MINI with the first `from` replaced by `to` fails at signconf.xml:line with frag. */
static void
mini_fails(const char *from, const char *to, long line, const char *frag)
{
	struct signconf *sentinel = (struct signconf *)&sentinel, *sc = sentinel;
	const char *at = strstr(MINI, from);
	struct diag d = {0};
	char xml[4096], where[64];
	int n;

	assert_non_null(at);
	n = snprintf(xml, sizeof(xml), "%.*s%s%s", (int)(at - MINI), MINI, to, at + strlen(from));
	assert_int_equal(signconf_load_mem("signconf.xml", xml, (size_t)n, &sc, &d), ODS_EINVAL);
	assert_ptr_equal(sc, sentinel);
	snprintf(where, sizeof(where), "signconf.xml:%ld", line);
	if (strcmp(d.where, where) != 0 || strstr(d.msg, frag) == NULL)
		fail_msg("got '%s: %s', wanted '%s: ...%s...'", d.where, d.msg, where, frag);
}

static void
test_malformed_documents_name_file_line(void **state)
{
	struct signconf *sc = load_ok(MINI);

	(void)state;
	assert_int_equal(sc->n_signature_rrs, 1);
	signconf_free(sc);
	mini_fails("<Flags>257</Flags>", "<Flags>x</Flags>", 25,
	           "<Flags> in <Key>: 'x' is not a whole number");
	mini_fails("<Flags>257</Flags>", "<Flags>65536</Flags>", 25, "out of range 0..65535");
	mini_fails("<Flags>257</Flags>\n", "", 24, "<Key> in <Keys>: missing <Flags>");
	mini_fails("<Locator>0123abcd</Locator>", "<Locator>0123abc</Locator>", 27,
	           "<Locator> in <Key>: '0123abc' is not hex");
	mini_fails("<Locator>0123abcd</Locator>", "<ResourceRecord>abc</ResourceRecord>", 27,
	           "<ResourceRecord> in <Key>: 'abc' is not base64");
	mini_fails("<Locator>0123abcd</Locator>", "", 24,
	           "<Key> in <Keys>: needs <Locator> or <ResourceRecord>");
	mini_fails(B64_1, "AQID=BAU", 30, "<SignatureResourceRecord> in <Keys>: 'AQID=BAU' is not");
	mini_fails("<Salt>abcd</Salt>", "<Salt>xyz</Salt>", 18, "<Salt> in <Hash>: 'xyz' is not");
	mini_fails("<NSEC3>", "<NSEC/><NSEC3>", 14, "<NSEC3> in <Denial>: give either");
	mini_fails("<NSEC3>", "<X/><NSEC3>", 14,
	           "<X> in <Denial>: unknown element (expected NSEC, NSEC3)");
	mini_fails("<Jitter>PT12H</Jitter>", "<Jitter>12h</Jitter>", 10,
	           "<Jitter> in <Signatures>: '12h' is not a duration");
	mini_fails("<Serial>counter</Serial>", "<Serial>often</Serial>", 35,
	           "not one of: counter datecounter unixtime keep");
	mini_fails("<Zone name=\"example.com\">", "<Zone>", 2, "missing attribute name");
	mini_fails("<KSK/>", "<KSK/><Publish>yes</Publish>", 28, "<Publish> in <Key>: takes no");
	mini_fails("<TTL>PT1H</TTL>\n<Key>", "<Key>", 22, "<Keys> in <Zone>: missing <TTL>");
	mini_fails("</Key>", "</Kye>", 29, "XML syntax error");
	mini_fails("</Zone>\n", "</Zone><Zone name=\"b\"/>\n", 37,
	           "<Zone> in <SignerConfiguration>: given twice (first on line 2)");
	sc = NULL;
	{
		struct diag d = {0};

		assert_int_equal(signconf_load_mem("s.xml", "\n<Signconf/>", 12, &sc, &d),
		                 ODS_EINVAL);
		assert_string_equal(d.where, "s.xml:2");
		assert_non_null(strstr(d.msg, "the root element must be <SignerConfiguration>"));
		assert_int_equal(signconf_load_mem("s.xml", "<SignerConfiguration/>", 22, &sc, &d),
		                 ODS_EINVAL);
		assert_string_equal(d.where, "s.xml:1");
		assert_non_null(strstr(d.msg, "missing <Zone>"));
		assert_int_equal(signconf_load("/nonexistent/s.xml", &sc, &d), ODS_EIO);
		assert_null(sc);
	}
}

static void
write_fails(const struct signconf *sc, const char *frag)
{
	char *sentinel = (char *)&sentinel, *text = sentinel;
	size_t len = 7;
	struct diag d = {0};

	assert_int_equal(signconf_write(sc, &text, &len, &d), ODS_EINVAL);
	assert_ptr_equal(text, sentinel);
	assert_int_equal(len, 7);
	if (strstr(d.where, frag) == NULL && strstr(d.msg, frag) == NULL)
		fail_msg("'%s: %s' lacks '%s'", d.where, d.msg, frag);
}

static void
test_writer_refuses_what_the_file_cannot_carry(void **state)
{
	struct signconf_key keys[3];
	char *rrs[3];
	struct signconf sc;

	(void)state;
#define CASE(change, frag)                                                                         \
	do {                                                                                       \
		sc = full();                                                                       \
		memcpy(keys, KEYS, sizeof(keys));                                                  \
		memcpy(rrs, SIG_RRS, sizeof(rrs));                                                 \
		sc.keys = keys;                                                                    \
		sc.signature_rrs = rrs;                                                            \
		change;                                                                            \
		write_fails(&sc, frag);                                                            \
	} while (0)
	CASE(sc.zone = NULL, "zone name is empty");
	CASE(sc.zone = "x\n", "white space");
	CASE(sc.jitter_s = -1, "<Jitter> is negative");
	CASE(sc.nsec3_salt = "abc", "<Salt> is not a salt in hex");
	CASE(sc.nsec3_iterations = 65536, "<Iterations> is out of range");
	CASE(sc.serial = -1, "<Serial> is not counter");
	CASE(keys[1].flags = 65536, "<Key> 1: <Flags> is out of range");
	CASE(keys[2].algorithm = 256, "<Key> 2: <Algorithm> is out of range");
	CASE(keys[0].locator = "0x12", "<Key> 0: <Locator> is not hex");
	CASE(keys[0].locator = "", "<Key> 0: <Locator> is empty");
	CASE(keys[1].resource_record = "Zm9v=", "<Key> 1: <ResourceRecord> is not base64");
	CASE(keys[2].resource_record = NULL, "<Key> 2: needs a locator or a resource record");
	CASE(rrs[1] = "Zg=", "<SignatureResourceRecord> 1 is not base64");
	CASE(rrs[2] = NULL, "<SignatureResourceRecord> 2 is empty");
	CASE(sc.keys = NULL, "<Keys> are counted but missing");
#undef CASE
	/* Not errors: what base64Binary allows. */
	sc = full();
	rrs[0] = "Zg==";
	rrs[1] = "Zm8=";
	rrs[2] = "Zm9v Zm9v\nZm9v";
	sc.signature_rrs = rrs;
	free(round_trip(&sc));
	/* NSEC: the NSEC3 fields are not looked at. */
	sc.nsec3 = false;
	sc.nsec3_salt = "not hex";
	free(write_ok(&sc));
}

/* File helpers. */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The number of entries in dir, "." and ".." aside. */
static int
count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static void
test_write_file_renames_into_place(void **state)
{
	char dir[] = "/tmp/test_signconf.XXXXXX", path[128], tmp[160], *got, *want;
	struct signconf sc = full();
	struct diag d = {0};
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/example.com.xml", dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	assert_int_equal(signconf_write_file(&sc, path, &d), ODS_OK);
	assert_int_equal(signconf_write(&sc, &want, &len, &d), ODS_OK);
	got = slurp(path);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(count_entries(dir), 1);
	/* Again over the existing file, with other content. */
	sc.zone = "other.example";
	assert_int_equal(signconf_write_file(&sc, path, &d), ODS_OK);
	got = slurp(path);
	assert_non_null(strstr(got, "other.example"));
	free(got);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_write_file_failures_leave_nothing(void **state)
{
	char dir[] = "/tmp/test_signconf.XXXXXX", path[128], tmp[160], sub[160], *got;
	struct signconf sc = full(), bad = full();
	struct diag d = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/z.xml", dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	assert_int_equal(signconf_write_file(&sc, path, &d), ODS_OK);
	/* Invalid content: EINVAL, nothing touched. */
	bad.zone = "";
	assert_int_equal(signconf_write_file(&bad, path, &d), ODS_EINVAL);
	assert_int_equal(count_entries(dir), 1);
	/* <path>.new cannot be created (a directory is in the way): the old file stays. */
	assert_int_equal(mkdir(tmp, 0700), 0);
	sc.zone = "changed.example";
	assert_int_equal(signconf_write_file(&sc, path, &d), ODS_EIO);
	assert_string_equal(d.where, tmp);
	got = slurp(path);
	assert_non_null(strstr(got, "a&amp;b"));
	assert_null(strstr(got, "changed.example"));
	free(got);
	assert_int_equal(rmdir(tmp), 0);
	assert_int_equal(count_entries(dir), 1);
	/* The rename fails (a non-empty directory at path): the new file is removed again. */
	snprintf(sub, sizeof(sub), "%s/d.xml", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/d.xml/keep", dir);
	assert_int_equal(signconf_write_file(&sc, path, &d), ODS_OK);
	assert_int_equal(signconf_write_file(&sc, sub, &d), ODS_EIO);
	assert_string_equal(d.where, sub);
	assert_int_equal(count_entries(dir), 2); /* z.xml and d.xml/ */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(sub), 0);
	/* No such directory. */
	snprintf(path, sizeof(path), "%s/none/z.xml", dir);
	assert_int_equal(signconf_write_file(&sc, path, &d), ODS_EIO);
	snprintf(path, sizeof(path), "%s/z.xml", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static int
dump(const char *dir)
{
	const char *names[3] = {"signconf-written-struct.xml", "signconf-written-nsec.xml",
	                        "signconf-written-fixture.xml"};
	struct signconf sc[2] = {full(), {.zone = "."}};
	struct signconf *fx = NULL;
	struct diag d = {0};
	char path[4096];
	int rc = 0;

	if (signconf_load(FIXTURE, &fx, &d) != ODS_OK)
		return 1;
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (signconf_write_file(i < 2 ? &sc[i] : fx, path, &d) != ODS_OK)
			rc = 1;
	}
	signconf_free(fx);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_reads_every_element),
	    cmocka_unit_test(test_built_configurations_round_trip),
	    cmocka_unit_test(test_optional_elements_only_when_set),
	    cmocka_unit_test(test_malformed_documents_name_file_line),
	    cmocka_unit_test(test_writer_refuses_what_the_file_cannot_carry),
	    cmocka_unit_test(test_write_file_renames_into_place),
	    cmocka_unit_test(test_write_file_failures_leave_nothing),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
