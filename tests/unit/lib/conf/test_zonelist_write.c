/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the zonelist.xml writer (lib/conf/zonelist_write.c): the fixture
 * tests/data/conf/zonelist-all.xml, zones built here and OpenDNSSEC's example (when
 * installed) survive zonelist_write() and zonelist_load_mem() unchanged; File adapters come
 * out as <File>, DNS adapters as <Adapter type="DNS">; text is escaped; values the file
 * cannot carry are refused. `test_zonelist_write --dump DIR` writes what the writer made of
 * them to DIR so that check_rng.sh can validate it against zonelist.rng.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/conf/zonelist.h"

#define FIXTURE ODS_TEST_DATA "/conf/zonelist-all.xml"

/* clang-format off */
static const struct zonelist_zone BUILT[] = {
    {"a&b.example", "p<1>", "/tmp/\"q\" 'r'.xml", {ZONELIST_ADAPTER_DNS, "/etc/in&out.xml"},
     {ZONELIST_ADAPTER_FILE, "/var/signed/a&b"}, 0},
    {"example.org", "default", "/s.xml", {ZONELIST_ADAPTER_FILE, "/u"},
     {ZONELIST_ADAPTER_DNS, "/d.xml"}, 0},
};
/* clang-format on */

static char *
write_ok(const struct zonelist_zone *z, size_t n)
{
	struct diag d = {0};
	char *text = NULL;
	size_t len = 0;
	ods_err rc = zonelist_write(z, n, &text, &len, &d);

	if (rc != ODS_OK)
		fail_msg("zonelist_write: %d %s: %s", rc, d.where, d.msg);
	assert_int_equal(len, strlen(text));
	return text;
}

static struct zonelist *
load_ok(const char *text)
{
	struct zonelist *zl = NULL;
	struct diag d = {0};

	if (zonelist_load_mem("written.xml", text, strlen(text), &zl, &d) != ODS_OK)
		fail_msg("cannot read back: %s: %s\n%s", d.where, d.msg, text);
	return zl;
}

static void
zones_eq(const struct zonelist_zone *a, const struct zonelist_zone *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].name, b[i].name);
		assert_string_equal(a[i].policy, b[i].policy);
		assert_string_equal(a[i].signconf, b[i].signconf);
		assert_int_equal(a[i].input.type, b[i].input.type);
		assert_string_equal(a[i].input.path, b[i].input.path);
		assert_int_equal(a[i].output.type, b[i].output.type);
		assert_string_equal(a[i].output.path, b[i].output.path);
	}
}

/* Write, load, compare, write again to the same text; returns the text. */
static char *
round_trip(const struct zonelist_zone *z, size_t n)
{
	char *t1 = write_ok(z, n), *t2;
	struct zonelist *b = load_ok(t1);

	assert_int_equal(b->n_zones, n);
	zones_eq(z, b->zones, n);
	t2 = write_ok(b->zones, b->n_zones);
	assert_string_equal(t1, t2);
	free(t2);
	zonelist_free(b);
	return t1;
}

static void
test_fixture_round_trips(void **state)
{
	struct zonelist *a = NULL;
	struct diag d = {0};
	char *text;

	(void)state;
	if (zonelist_load(FIXTURE, &a, &d) != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	assert_int_equal(a->n_zones, 2);
	text = round_trip(a->zones, a->n_zones);
	assert_non_null(strstr(text, "<File>/var/lib/opendnssec/signed/example.com</File>"));
	assert_non_null(strstr(text, "<Adapter type=\"DNS\">/etc/opendnssec/addns-out.xml<"));
	assert_non_null(strstr(text, "<Policy>lab &amp; &quot;test&quot;</Policy>"));
	assert_non_null(strstr(text, "/tmp/a&lt;b&gt;.xml"));
	free(text);
	zonelist_free(a);
}

static void
test_built_zones_round_trip(void **state)
{
	char *text;

	(void)state;
	text = round_trip(BUILT, 2);
	assert_non_null(strstr(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ZoneList>\n"));
	assert_non_null(strstr(text, "<Zone name=\"a&amp;b.example\">"));
	assert_non_null(strstr(text, "<Adapter type=\"DNS\">/etc/in&amp;out.xml</Adapter>"));
	free(text);
	text = write_ok(NULL, 0);
	assert_string_equal(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ZoneList/>\n");
	free(text);
}

static void
test_installed_example_round_trips(void **state)
{
	const char *path = "/usr/share/opendnssec/zonelist.xml";
	struct zonelist *a = NULL;
	struct diag d = {0};

	(void)state;
	if (access(path, R_OK) != 0)
		skip();
	if (zonelist_load(path, &a, &d) != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	free(round_trip(a->zones, a->n_zones));
	zonelist_free(a);
}

static void
write_fails(const struct zonelist_zone *z, size_t n, const char *frag)
{
	char *sentinel = (char *)&sentinel, *text = sentinel;
	size_t len = 7;
	struct diag d = {0};

	assert_int_equal(zonelist_write(z, n, &text, &len, &d), ODS_EINVAL);
	assert_ptr_equal(text, sentinel);
	assert_int_equal(len, 7);
	if (strstr(d.where, frag) == NULL && strstr(d.msg, frag) == NULL)
		fail_msg("'%s: %s' lacks '%s'", d.where, d.msg, frag);
}

static void
test_refuses_what_zonelist_cannot_carry(void **state)
{
	struct zonelist_zone z[2];

	(void)state;
#define CASE(change, frag)                                                                         \
	do {                                                                                       \
		memcpy(z, BUILT, sizeof(z));                                                       \
		change;                                                                            \
		write_fails(z, 2, frag);                                                           \
	} while (0)
	CASE(z[1].name = "A&B.example", "is listed twice (zones 0 and 1)");
	CASE(z[0].name = "", "zone 0: name is empty");
	CASE(z[1].policy = NULL, "<Policy> is empty");
	CASE(z[1].signconf = "/x\x01", "<SignerConfiguration> holds a character XML cannot carry");
	CASE(z[0].input.path = "/in ", "<Input> path has white space");
	CASE(z[0].output.type = 5, "<Output> adapter type 5 is not File or DNS");
	CASE(z[1].output.path = "\xc3", "<Output> path is not UTF-8");
#undef CASE
	write_fails(NULL, 1, "no zones");
}

static int
dump(const char *dir)
{
	const char *names[2] = {"zonelist-written-struct.xml", "zonelist-written-fixture.xml"};
	struct zonelist *zl = NULL;
	struct diag d = {0};
	char *text[2] = {NULL, NULL};
	size_t len;
	int rc = 0;

	if (zonelist_write(BUILT, 2, &text[0], &len, &d) != ODS_OK ||
	    zonelist_load(FIXTURE, &zl, &d) != ODS_OK ||
	    zonelist_write(zl->zones, zl->n_zones, &text[1], &len, &d) != ODS_OK)
		rc = 1;
	zonelist_free(zl);
	for (int i = 0; i < 2; i++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = text[i] != NULL ? fopen(path, "w") : NULL;
		if (f == NULL || fputs(text[i], f) < 0)
			rc = 1;
		if (f != NULL && fclose(f) != 0)
			rc = 1;
		free(text[i]);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_round_trips),
	    cmocka_unit_test(test_built_zones_round_trip),
	    cmocka_unit_test(test_installed_example_round_trips),
	    cmocka_unit_test(test_refuses_what_zonelist_cannot_carry),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
