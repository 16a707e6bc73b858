/* SPDX-License-Identifier: BSD-2-Clause */
/* logfmt formatting: leading key=value fields kept, the rest quoted as msg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/base/log.h"

static void
test_fields_then_message(void **state)
{
	char out[256];

	(void)state;
	log_format_tail(out, sizeof(out), "zone=example.org key=12345 rollover started");
	assert_string_equal(out, "zone=example.org key=12345 msg=\"rollover started\"");
}

static void
test_only_fields(void **state)
{
	char out[256];

	(void)state;
	log_format_tail(out, sizeof(out), "url=tcp://127.0.0.1:1 workers=8");
	assert_string_equal(out, "url=tcp://127.0.0.1:1 workers=8");
}

static void
test_message_quotes_are_escaped(void **state)
{
	char out[256];

	(void)state;
	log_format_tail(out, sizeof(out), "bad \"name\" \\ here\nnext");
	assert_string_equal(out, "msg=\"bad \\\"name\\\" \\\\ here\\nnext\"");
}

static void
test_text_that_looks_like_field_later_stays_in_message(void **state)
{
	char out[256];

	(void)state;
	log_format_tail(out, sizeof(out), "Sleeping for 3600 seconds a=b");
	assert_string_equal(out, "msg=\"Sleeping for 3600 seconds a=b\"");
}

static void
test_truncates_without_overflow(void **state)
{
	char out[8];

	(void)state;
	log_format_tail(out, sizeof(out), "a very long message indeed");
	assert_int_equal(out[7], '\0');
}

static void
test_verbosity_is_clamped_and_settable(void **state)
{
	(void)state;
	log_set_verbosity(5);
	assert_int_equal(log_verbosity(), 5);
	log_set_verbosity(-3);
	assert_int_equal(log_verbosity(), 0);
	log_set_verbosity(99);
	assert_int_equal(log_verbosity(), 6);
}

static void
test_facility_names(void **state)
{
	(void)state;
	assert_true(log_facility_value("local0") >= 0);
	assert_true(log_facility_value("DAEMON") >= 0);
	assert_int_equal(log_facility_value("local9"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_then_message),
		cmocka_unit_test(test_only_fields),
		cmocka_unit_test(test_message_quotes_are_escaped),
		cmocka_unit_test(test_text_that_looks_like_field_later_stays_in_message),
		cmocka_unit_test(test_truncates_without_overflow),
		cmocka_unit_test(test_verbosity_is_clamped_and_settable),
		cmocka_unit_test(test_facility_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
