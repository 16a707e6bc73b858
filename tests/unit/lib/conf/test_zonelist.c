/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the zonelist.xml loader (lib/conf/zonelist.c): both ways of writing an
 * adapter, File and DNS types, Debian's /etc/opendnssec/zonelist.xml when it is installed, and
 * each error with its diag.where line. `test_zonelist --dump DIR` writes the embedded list to
 * DIR so that check_rng.sh can validate it against OpenDNSSEC's zonelist.rng.
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

static const char LIST[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" /* 1 */
    "<ZoneList>\n"                                 /* 2 */
    "  <Zone name=\"example.com\">\n"              /* 3 */
    "    <Policy>default</Policy>\n"               /* 4 */
    "    <SignerConfiguration>/var/lib/opendnssec/signconf/example.com.xml"
    "</SignerConfiguration>\n"                                                            /* 5 */
    "    <Adapters>\n"                                                                    /* 6 */
    "      <Input>\n"                                                                     /* 7 */
    "        <Adapter type=\"File\">/var/lib/opendnssec/unsigned/example.com</Adapter>\n" /* 8 */
    "      </Input>\n"                                                                    /* 9 */
    "      <Output>\n"                                                                    /* 10 */
    "        <File>/var/lib/opendnssec/signed/example.com</File>\n"                       /* 11 */
    "      </Output>\n"                                                                   /* 12 */
    "    </Adapters>\n"                                                                   /* 13 */
    "  </Zone>\n"                                                                         /* 14 */
    "  <Zone name=\"example.net\">\n"                                                     /* 15 */
    "    <Policy>lab</Policy>\n"                                                          /* 16 */
    "    <SignerConfiguration>/tmp/example.net.xml</SignerConfiguration>\n"               /* 17 */
    "    <Adapters>\n"                                                                    /* 18 */
    "      <Input><Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Input>\n"    /* 19 */
    "      <Output><Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Output>\n"  /* 20 */
    "    </Adapters>\n"                                                                   /* 21 */
    "  </Zone>\n"                                                                         /* 22 */
    "</ZoneList>\n";                                                                      /* 23 */

static char *
list_with(const char *from, const char *to)
{
	const char *at = strstr(LIST, from);
	size_t n;
	char *s;

	assert_non_null(at);
	n = strlen(LIST) - strlen(from) + strlen(to) + 1;
	s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%.*s%s%s", (int)(at - LIST), LIST, to, at + strlen(from));
	return s;
}

static void
list_fails(const char *from, const char *to, long line, const char *frag1, const char *frag2)
{
	struct zonelist *sentinel = (struct zonelist *)&sentinel, *zl = sentinel;
	char *xml = list_with(from, to);
	struct diag d = {0};
	char where[64];
	ods_err rc = zonelist_load_mem("zonelist.xml", xml, strlen(xml), &zl, &d);

	free(xml);
	assert_int_equal(rc, ODS_EINVAL);
	assert_ptr_equal(zl, sentinel);
	snprintf(where, sizeof(where), "zonelist.xml:%ld", line);
	assert_string_equal(d.where, where);
	if (strstr(d.msg, frag1) == NULL || (frag2 && strstr(d.msg, frag2) == NULL))
		fail_msg("message '%s' lacks '%s' / '%s'", d.msg, frag1, frag2 ? frag2 : "");
}

static void
test_zones_and_adapters(void **state)
{
	struct zonelist *zl = NULL;
	struct diag d = {0};
	const struct zonelist_zone *z;

	(void)state;
	if (zonelist_load_mem("zonelist.xml", LIST, strlen(LIST), &zl, &d) != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	assert_int_equal(zl->n_zones, 2);
	z = &zl->zones[0];
	assert_string_equal(z->name, "example.com");
	assert_string_equal(z->policy, "default");
	assert_string_equal(z->signconf, "/var/lib/opendnssec/signconf/example.com.xml");
	assert_int_equal(z->input.type, ZONELIST_ADAPTER_FILE);
	assert_string_equal(z->input.path, "/var/lib/opendnssec/unsigned/example.com");
	assert_int_equal(z->output.type, ZONELIST_ADAPTER_FILE);
	assert_string_equal(z->output.path, "/var/lib/opendnssec/signed/example.com");
	assert_int_equal(z->line, 3);
	z = &zl->zones[1];
	assert_string_equal(z->policy, "lab");
	assert_int_equal(z->input.type, ZONELIST_ADAPTER_DNS);
	assert_int_equal(z->output.type, ZONELIST_ADAPTER_DNS);
	assert_string_equal(z->output.path, "/etc/opendnssec/addns.xml");
	assert_string_equal(zonelist_adapter_type_name(z->input.type), "DNS");
	zonelist_free(zl);
}

static void
test_empty_list(void **state)
{
	struct zonelist *zl = NULL;
	struct diag d = {0};

	(void)state;
	assert_int_equal(zonelist_load_mem("z", "<ZoneList/>", 11, &zl, &d), ODS_OK);
	assert_int_equal(zl->n_zones, 0);
	assert_string_equal(zl->path, "z");
	zonelist_free(zl);
}

static void
test_debian_example_loads(void **state)
{
	const char *path = "/etc/opendnssec/zonelist.xml";
	struct zonelist *zl = NULL;
	struct diag d = {0};

	(void)state;
	if (access(path, R_OK) != 0)
		skip();
	if (zonelist_load(path, &zl, &d) != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	assert_string_equal(zl->path, path);
	zonelist_free(zl);
}

static void
test_errors_name_line_and_element(void **state)
{
	(void)state;
	list_fails("    <Policy>lab</Policy>\n", "", 15, "<Zone> in <ZoneList>",
	           "missing <Policy>");
	list_fails("<Zone name=\"example.net\">", "<Zone>", 15, "<Zone> in <ZoneList>",
	           "missing attribute name");
	list_fails("<Zone name=\"example.net\">", "<Zone name=\"EXAMPLE.com\">", 15,
	           "<Zone> in <ZoneList>", "already listed on line 3");
	list_fails("<Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Input>",
	           "<Adapter type=\"AXFR\">/x</Adapter></Input>", 19, "<Input> in <Adapters>",
	           "'AXFR' is not File or DNS");
	list_fails("<Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Input>", "</Input>",
	           19, "<Input> in <Adapters>", "needs <File> or <Adapter");
	list_fails("<Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Input>",
	           "<File>/a</File><Adapter type=\"DNS\">/b</Adapter></Input>", 19,
	           "<Input> in <Adapters>", "not both");
	list_fails("<Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Input>",
	           "<Adapter>/b</Adapter></Input>", 19, "<Adapter> in <Input>",
	           "missing attribute type");
	list_fails("<Output><Adapter type=\"DNS\">/etc/opendnssec/addns.xml</Adapter></Output>\n",
	           "", 18, "<Adapters> in <Zone>", "missing <Output>");
	list_fails("<SignerConfiguration>/tmp/example.net.xml</SignerConfiguration>",
	           "<SignerConfiguration></SignerConfiguration>", 17,
	           "<SignerConfiguration> in <Zone>", "is empty");
	list_fails("<Policy>lab</Policy>", "<Policy>lab</Policy><Color/>", 16, "<Color> in <Zone>",
	           "unknown element");
}

static int
dump(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/zonelist.xml", dir);
	f = fopen(path, "w");
	if (f == NULL || fputs(LIST, f) < 0 || fclose(f) != 0)
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zones_and_adapters),
	    cmocka_unit_test(test_empty_list),
	    cmocka_unit_test(test_debian_example_loads),
	    cmocka_unit_test(test_errors_name_line_and_element),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
