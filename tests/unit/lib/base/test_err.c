/* SPDX-License-Identifier: BSD-2-Clause */
/* Error names, the diagnostic record, and the mapping to RPC statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/rpc/status.h"

static void
test_diag_fail_records_where_and_message(void **state)
{
	struct diag d = {0};
	char buf[128];

	(void)state;
	assert_int_equal(diag_fail(&d, ODS_EINVAL, "kasp.xml:41", "bad %s", "TTL"), ODS_EINVAL);
	assert_string_equal(d.where, "kasp.xml:41");
	assert_string_equal(d.msg, "bad TTL");
	assert_string_equal(diag_str(&d, buf, sizeof(buf)), "kasp.xml:41: bad TTL");
	assert_int_equal(diag_fail(NULL, ODS_ENOENT, "x", "y"), ODS_ENOENT);
	diag_clear(&d);
	assert_string_equal(diag_str(&d, buf, sizeof(buf)), "");
}

static void
test_every_error_has_a_name_and_status(void **state)
{
	(void)state;
	for (int e = ODS_OK; e <= ODS_EINTERNAL; e++) {
		assert_string_not_equal(ods_err_name((ods_err)e), "EUNKNOWN");
		assert_string_not_equal(rpc_status_name(rpc_status_from_err((ods_err)e)), "UNKNOWN");
	}
	assert_string_equal(ods_err_name((ods_err)999), "EUNKNOWN");
}

static void
test_status_round_trip_keeps_meaning(void **state)
{
	static const ods_err same[] = {ODS_OK,       ODS_EINVAL,   ODS_ENOENT,   ODS_EEXIST,
	                               ODS_EUNAVAIL, ODS_ETIMEDOUT, ODS_EPERM,   ODS_EAUTH,
	                               ODS_ENOTIMPL, ODS_EINTERNAL};

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		assert_int_equal(rpc_status_to_err(rpc_status_from_err(same[i])), same[i]);
	assert_string_equal(rpc_status_name(rpc_status_from_err(ODS_ENOTLEADER)),
	                    "FAILED_PRECONDITION");
	assert_int_equal(rpc_status_to_err(12345), ODS_EINTERNAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_fail_records_where_and_message),
		cmocka_unit_test(test_every_error_has_a_name_and_status),
		cmocka_unit_test(test_status_round_trip_keeps_meaning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
