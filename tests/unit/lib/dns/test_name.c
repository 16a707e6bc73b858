/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/dns/name.h"

static void
test_zone_name_normal(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(dns_zone_name_normal("Example.COM.", out, sizeof(out)), ODS_OK);
	assert_string_equal(out, "example.com");
	assert_int_equal(dns_zone_name_normal("example.com", out, sizeof(out)), ODS_OK);
	assert_string_equal(out, "example.com");
	assert_int_equal(dns_zone_name_normal(".", out, sizeof(out)), ODS_OK);
	assert_string_equal(out, ".");
	assert_int_equal(dns_zone_name_normal("", out, sizeof(out)), ODS_EINVAL);
	assert_int_equal(dns_zone_name_normal("a..b", out, sizeof(out)), ODS_EINVAL);
	assert_int_equal(dns_zone_name_normal("example.com", out, 5), ODS_ENOMEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zone_name_normal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
