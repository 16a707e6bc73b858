/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for lib/conf/duration.c: ISO 8601 durations as OpenDNSSEC reads them (M = 31 days,
 * Y = 365 days), the inputs that must be refused, and the canonical output form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/conf/duration.h"

#define DAY INT64_C(86400)

static int64_t
parsed(const char *s)
{
	int64_t v = -1;

	assert_int_equal(duration_parse(s, &v), ODS_OK);
	return v;
}

static void
test_parses_single_components(void **state)
{
	(void)state;
	assert_int_equal(parsed("PT3600S"), 3600);
	assert_int_equal(parsed("PT0S"), 0);
	assert_int_equal(parsed("PT5M"), 300);
	assert_int_equal(parsed("PT2H"), 7200);
	assert_int_equal(parsed("P1D"), DAY);
	assert_int_equal(parsed("P2W"), 14 * DAY);
	assert_int_equal(parsed("P14D"), 14 * DAY);
}

static void
test_month_is_31_days_and_year_365(void **state)
{
	(void)state;
	assert_int_equal(parsed("P1M"), 31 * DAY);
	assert_int_equal(parsed("P1Y"), 365 * DAY);
	assert_int_equal(parsed("P0Y"), 0);
}

static void
test_parses_full_form(void **state)
{
	(void)state;
	assert_int_equal(parsed("P1Y2M3DT4H5M6S"),
	                 365 * DAY + 62 * DAY + 3 * DAY + 4 * 3600 + 5 * 60 + 6);
	assert_int_equal(parsed("P1DT1H"), DAY + 3600);
	assert_int_equal(parsed("PT1H1S"), 3601);
	assert_int_equal(parsed("P1W1D"), 8 * DAY);
	assert_int_equal(parsed("PT0010S"), 10);
}

static void
test_minutes_and_months_are_told_apart_by_t(void **state)
{
	(void)state;
	assert_int_equal(parsed("P1MT1M"), 31 * DAY + 60);
}

static void
refused(const char *s)
{
	int64_t v = 12345;

	assert_int_equal(duration_parse(s, &v), ODS_EINVAL);
	assert_int_equal(v, 12345); /* out-parameter untouched on failure */
}

static void
test_rejects_empty_and_garbage(void **state)
{
	(void)state;
	assert_int_equal(duration_parse(NULL, NULL), ODS_EINVAL);
	refused("");
	refused("P");
	refused("PT");
	refused("P1DT");
	refused("3600");
	refused("abc");
	refused("1D");
	refused("p1d");
	refused("P1X");
	refused("PXD");
	refused("P1");
	refused("P 1D");
	refused("P1D ");
	refused("PT1.5S");
	refused("P1H");  /* hours belong after T */
	refused("PT1D"); /* days belong before T */
	refused("PT1W");
	refused("P1DTT1H");
}

static void
test_rejects_negative(void **state)
{
	(void)state;
	refused("-P1D");
	refused("P-1D");
	refused("PT+5S");
}

static void
test_rejects_repeats_and_wrong_order(void **state)
{
	(void)state;
	refused("P1D1D");
	refused("P1D1Y");
	refused("PT1S1H");
	refused("PT1M1M");
	refused("P1D1W");
}

static void
test_rejects_overflow(void **state)
{
	(void)state;
	assert_int_equal(parsed("PT9223372036854775807S"), INT64_MAX);
	refused("PT9223372036854775808S");
	refused("P99999999999999999999D");
	refused("P106751991167301D");                      /* days * 86400 overflows */
	refused("P106751991167300DT9223372036854775807S"); /* the sum overflows */
}

static void
formats_as(int64_t s, const char *want)
{
	char buf[64];
	int64_t back = -1;
	int n = duration_format(s, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(duration_parse(buf, &back), ODS_OK);
	assert_int_equal(back, s); /* canonical form round-trips */
}

static void
test_formats_canonically(void **state)
{
	(void)state;
	formats_as(0, "PT0S");
	formats_as(45, "PT45S");
	formats_as(60, "PT1M");
	formats_as(3600, "PT1H");
	formats_as(DAY + 3600, "P1DT1H");
	formats_as(14 * DAY + 2 * 3600 + 3 * 60 + 4, "P14DT2H3M4S");
	formats_as(365 * DAY, "P365D");
	formats_as(DAY + 1, "P1DT1S");
	formats_as(INT64_MAX, "P106751991167300DT15H30M7S");
}

static void
test_format_refuses_negative_and_truncates_like_snprintf(void **state)
{
	char small[4];

	(void)state;
	assert_int_equal(duration_format(-1, small, sizeof(small)), -1);
	assert_int_equal(duration_format(1, NULL, 4), -1);
	assert_int_equal(duration_format(DAY + 3600, small, sizeof(small)), 6);
	assert_string_equal(small, "P1D");
	assert_int_equal(duration_format(DAY + 3600, NULL, 0), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parses_single_components),
	    cmocka_unit_test(test_month_is_31_days_and_year_365),
	    cmocka_unit_test(test_parses_full_form),
	    cmocka_unit_test(test_minutes_and_months_are_told_apart_by_t),
	    cmocka_unit_test(test_rejects_empty_and_garbage),
	    cmocka_unit_test(test_rejects_negative),
	    cmocka_unit_test(test_rejects_repeats_and_wrong_order),
	    cmocka_unit_test(test_rejects_overflow),
	    cmocka_unit_test(test_formats_canonically),
	    cmocka_unit_test(test_format_refuses_negative_and_truncates_like_snprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
