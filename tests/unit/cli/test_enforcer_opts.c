/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for cli/enforcer/opts.c: long and short forms, attached values, prefixes, the
 * errors that name the command and the option, a missing value caught when the next word is
 * another option ("-z -x 22499"), and the value checks (keytag, role, duration, time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cli/enforcer/opts.h"

static const struct cli_opt opts[] = {
    {"zone", 'z', true, "<zone>", "zone"},
    {"keytag", 'x', true, "<keytag>", "keytag"},
    {"cka_id", 'k', true, "<CKA_ID>", "locator"},
    {"all", 'a', false, NULL, "all"},
    {"verbose", 'v', false, NULL, "verbose"},
    {"very", 'V', false, NULL, "a second option starting with ve"},
    CLI_OPT_END,
};

static int run_nothing(struct cli *c, const struct cli_args *a);

static const struct cli_spec spec = {"key ds-seen", NULL, NULL, opts, 1, run_nothing};

static int
run_nothing(struct cli *c, const struct cli_args *a)
{
	(void)c;
	(void)a;
	return 0;
}

/* Parse the words (first is the command's last word); errors into *err_out (freed by caller). */
static int
parse(struct cli_args *a, char **err_out, int argc, const char **words)
{
	char *argv[16];
	size_t len = 0;
	FILE *err = open_memstream(err_out, &len);
	int rc;

	assert_true(argc < 16);
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)words[i];
	argv[argc] = NULL;
	rc = cli_args_parse(&spec, argc, argv, a, err);
	fclose(err);
	return rc;
}

#define PARSE(a, err, ...)                                                                         \
	parse(a, err, (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),         \
	      (const char *[]){__VA_ARGS__})

static void
test_long_short_attached_and_clustered_forms(void **state)
{
	struct cli_args a;
	char *err;

	(void)state;
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--zone", "example.com", "-x22499", "-av"), 0);
	assert_string_equal(err, "");
	free(err);
	assert_string_equal(cli_arg(&a, 'z'), "example.com");
	assert_string_equal(cli_arg(&a, 'x'), "22499");
	assert_true(cli_flag(&a, 'a'));
	assert_true(cli_flag(&a, 'v'));
	assert_false(cli_flag(&a, 'k'));
	assert_string_equal(a.cmd, "key ds-seen");

	assert_int_equal(PARSE(&a, &err, "ds-seen", "--zone=example.org", "--cka", "abc", "word"),
	                 0);
	free(err);
	assert_string_equal(cli_arg(&a, 'z'), "example.org");
	assert_string_equal(cli_arg(&a, 'k'), "abc");
	assert_int_equal(a.n_pos, 1);
	assert_string_equal(a.pos[0], "word");
}

static void
test_unknown_option_is_named_with_the_command(void **state)
{
	struct cli_args a;
	char *err;

	(void)state;
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--foo"), -1);
	assert_string_equal(err, "Error: unknown option --foo for 'key ds-seen'\n");
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--foo=1"), -1);
	assert_string_equal(err, "Error: unknown option --foo for 'key ds-seen'\n");
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "-q"), -1);
	assert_string_equal(err, "Error: unknown option -q for 'key ds-seen'\n");
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--ve"), -1);
	assert_string_equal(err, "Error: ambiguous option --ve for 'key ds-seen'\n");
	free(err);
}

static void
test_value_that_is_an_option_counts_as_missing(void **state)
{
	struct cli_args a;
	char *err;

	(void)state;
	assert_int_equal(PARSE(&a, &err, "ds-seen", "-z", "-x", "22499"), -1);
	assert_string_equal(err, "Error: option --zone (-z) for 'key ds-seen' needs a value\n");
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--keytag"), -1);
	assert_string_equal(err, "Error: option --keytag (-x) for 'key ds-seen' needs a value\n");
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--all=yes"), -1);
	assert_string_equal(err, "Error: option --all for 'key ds-seen' takes no value\n");
	free(err);
}

static void
test_extra_words_and_help(void **state)
{
	struct cli_args a;
	char *err;

	(void)state;
	assert_int_equal(PARSE(&a, &err, "ds-seen", "one", "two"), -1);
	assert_string_equal(err, "Error: unexpected argument 'two' for 'key ds-seen'\n");
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--help"), 1);
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "-h"), 1);
	free(err);
	assert_int_equal(PARSE(&a, &err, "ds-seen", "--", "-z"), 0);
	assert_string_equal(a.pos[0], "-z");
	free(err);
}

static void
test_usage_lists_every_option(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	cli_spec_usage(&spec, "ods-enforcer", f);
	fclose(f);
	assert_non_null(strstr(buf, "usage: ods-enforcer key ds-seen\n"));
	assert_non_null(strstr(buf, "  -z, --zone <zone>"));
	assert_non_null(strstr(buf, "  -k, --cka_id <CKA_ID>"));
	assert_non_null(strstr(buf, "  -h, --help"));
	free(buf);
}

static void
test_keytag_range(void **state)
{
	uint32_t t = 99;

	(void)state;
	assert_int_equal(cli_keytag_parse("0", &t), ODS_OK);
	assert_int_equal(t, 0);
	assert_int_equal(cli_keytag_parse("65535", &t), ODS_OK);
	assert_int_equal(t, 65535);
	assert_int_equal(cli_keytag_parse("65536", &t), ODS_EINVAL);
	assert_int_equal(cli_keytag_parse("-1", &t), ODS_EINVAL);
	assert_int_equal(cli_keytag_parse("12a", &t), ODS_EINVAL);
	assert_int_equal(cli_keytag_parse("", &t), ODS_EINVAL);
	assert_int_equal(cli_keytag_parse(" 1", &t), ODS_EINVAL);
	assert_int_equal(t, 65535);
}

static void
test_roles_durations_and_times(void **state)
{
	int role = 0;
	int64_t v = 0;

	(void)state;
	assert_int_equal(cli_role_parse("ksk", &role), ODS_OK);
	assert_int_equal(role, 1);
	assert_int_equal(cli_role_parse("ZSK", &role), ODS_OK);
	assert_int_equal(role, 2);
	assert_int_equal(cli_role_parse("Csk", &role), ODS_OK);
	assert_int_equal(role, 3);
	assert_int_equal(cli_role_parse("KSKs", &role), ODS_EINVAL);

	assert_int_equal(cli_duration_parse("P1D", &v), ODS_OK);
	assert_int_equal(v, 86400);
	assert_int_equal(cli_duration_parse("1D", &v), ODS_EINVAL);

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(cli_time_parse("2023-11-14-22:13:20", &v), ODS_OK);
	assert_int_equal(v, 1700000000);
	assert_int_equal(cli_time_parse("1700000001", &v), ODS_EINVAL);
	assert_int_equal(cli_time_parse("2023-11-14 22:13:20", &v), ODS_EINVAL);
	assert_int_equal(cli_time_parse("2023-11-14-22:13:20x", &v), ODS_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_long_short_attached_and_clustered_forms),
	    cmocka_unit_test(test_unknown_option_is_named_with_the_command),
	    cmocka_unit_test(test_value_that_is_an_option_counts_as_missing),
	    cmocka_unit_test(test_extra_words_and_help),
	    cmocka_unit_test(test_usage_lists_every_option),
	    cmocka_unit_test(test_keytag_range),
	    cmocka_unit_test(test_roles_durations_and_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
