/* SPDX-License-Identifier: BSD-2-Clause */
/* Hex both ways: round trip, either case, odd length, bad digits, capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/base/hex.h"

static void
test_round_trip_lower_case(void **state)
{
	static const uint8_t in[] = {0x00, 0x9f, 0xa0, 0xff};
	uint8_t back[4];
	char text[9];
	size_t n = 0;

	(void)state;
	hex_encode(in, sizeof(in), text);
	assert_string_equal(text, "009fa0ff");
	assert_true(hex_decode("009FA0ff", back, sizeof(back), &n));
	assert_int_equal(n, 4);
	assert_memory_equal(back, in, 4);
}

static void
test_bad_input_is_refused(void **state)
{
	uint8_t out[2];
	size_t n = 99;

	(void)state;
	assert_false(hex_decode("abc", out, sizeof(out), &n));
	assert_false(hex_decode("zz", out, sizeof(out), &n));
	assert_false(hex_decode("001122", out, sizeof(out), &n));
	assert_int_equal(n, 99);
	assert_true(hex_decode("", out, sizeof(out), &n));
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_lower_case),
		cmocka_unit_test(test_bad_input_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
