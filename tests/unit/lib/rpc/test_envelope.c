/* SPDX-License-Identifier: BSD-2-Clause */
/* The envelope's size checks and decoding of good, truncated and garbage requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/arena.h"
#include "lib/rpc/envelope.h"
#include "ods/common.pb-c.h"

static int
setup(void **state)
{
	*state = arena_new(1u << 20);
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* A packed request for method m with a HealthRequest payload; caller frees. */
static uint8_t *
make_request(const char *m, size_t *len)
{
	Ods__Request rq = ODS__REQUEST__INIT;
	Ods__SetVerbosityRequest in = ODS__SET_VERBOSITY_REQUEST__INIT;
	uint8_t *payload, *buf;
	size_t plen;

	in.verbosity = 4;
	assert_int_equal(rpc_pack_heap(&in.base, &payload, &plen), ODS_OK);
	rq.method = (char *)m;
	rq.request_id = 77;
	rq.payload.data = payload;
	rq.payload.len = plen;
	assert_int_equal(rpc_pack_heap(&rq.base, &buf, len), ODS_OK);
	free(payload);
	return buf;
}

static void
test_method_split_accepts_service_and_method(void **state)
{
	size_t svc_len;
	const char *m;

	(void)state;
	assert_int_equal(rpc_method_split("ods.enforcer.Enforcer/Health", &svc_len, &m, NULL),
	                 ODS_OK);
	assert_int_equal(svc_len, strlen("ods.enforcer.Enforcer"));
	assert_string_equal(m, "Health");
}

static void
test_method_split_rejects_malformed_names(void **state)
{
	static const char *const bad[] = {"", "Health", "/Health", "ods.X/", "a/b/c"};
	struct diag d = {0};
	size_t svc_len;
	const char *m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rpc_method_split(bad[i], &svc_len, &m, &d), ODS_EINVAL);
		assert_string_equal(d.where, "request.method");
	}
}

static void
test_request_round_trip(void **state)
{
	size_t len;
	uint8_t *buf = make_request("ods.signer.Signer/SetVerbosity", &len);
	Ods__Request *rq = NULL;
	ProtobufCMessage *in = NULL;

	assert_int_equal(rpc_request_decode(buf, len, 1024, *state, &rq, NULL), ODS_OK);
	assert_string_equal(rq->method, "ods.signer.Signer/SetVerbosity");
	assert_int_equal(rq->request_id, 77);
	assert_int_equal(rpc_payload_decode(&ods__set_verbosity_request__descriptor,
	                                    rq->payload.data, rq->payload.len, *state, &in, NULL),
	                 ODS_OK);
	assert_int_equal(((Ods__SetVerbosityRequest *)in)->verbosity, 4);
	free(buf);
}

static void
test_oversized_request_is_refused_with_sizes(void **state)
{
	size_t len;
	uint8_t *buf = make_request("ods.signer.Signer/Health", &len);
	struct diag d = {0};
	Ods__Request *rq = NULL;

	assert_int_equal(rpc_request_decode(buf, len, len - 1, *state, &rq, &d), ODS_EINVAL);
	assert_null(rq);
	assert_non_null(strstr(d.msg, "exceeds the limit"));
	free(buf);
}

static void
test_truncated_request_is_malformed(void **state)
{
	size_t len;
	uint8_t *buf = make_request("ods.signer.Signer/Health", &len);
	struct diag d = {0};
	Ods__Request *rq = NULL;
	size_t bad = 0;

	/* Cutting a valid message short leaves a field whose length runs past the end. */
	for (size_t cut = 1; cut < len; cut++)
		if (rpc_request_decode(buf, cut, 1024, *state, &rq, &d) == ODS_EINVAL)
			bad++;
	assert_true(bad > 0);
	assert_int_equal(rpc_request_decode(buf, len - 1, 1024, *state, &rq, &d), ODS_EINVAL);
	free(buf);
}

static void
test_garbage_and_empty_requests_are_malformed(void **state)
{
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                                  0xff, 0x01};
	struct diag d = {0};
	Ods__Request *rq = NULL;

	assert_int_equal(rpc_request_decode(garbage, sizeof(garbage), 1024, *state, &rq, &d),
	                 ODS_EINVAL);
	assert_non_null(strstr(d.msg, "malformed"));
	assert_int_equal(rpc_request_decode(garbage, 0, 1024, *state, &rq, &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "empty"));
}

static void
test_request_without_method_is_refused(void **state)
{
	size_t len;
	uint8_t *buf = make_request("", &len);
	struct diag d = {0};
	Ods__Request *rq = NULL;

	assert_int_equal(rpc_request_decode(buf, len, 1024, *state, &rq, &d), ODS_EINVAL);
	assert_string_equal(d.where, "request.method");
	free(buf);
}

static void
test_payload_of_wrong_type_names_expected_message(void **state)
{
	static const uint8_t not_a_message[] = {0x08}; /* field 1 varint, value missing */
	struct diag d = {0};
	ProtobufCMessage *in = NULL;

	assert_int_equal(rpc_payload_decode(&ods__set_verbosity_request__descriptor, not_a_message,
	                                    sizeof(not_a_message), *state, &in, &d),
	                 ODS_EINVAL);
	assert_non_null(strstr(d.msg, "ods.SetVerbosityRequest"));
}

static void
test_reply_decode_checks_size(void **state)
{
	Ods__Reply r = ODS__REPLY__INIT;
	Ods__Reply *out = NULL;
	uint8_t *buf;
	size_t len;
	struct diag d = {0};

	(void)state;
	r.status = ODS__STATUS__NOT_FOUND;
	r.message = "no zone";
	assert_int_equal(rpc_pack_heap(&r.base, &buf, &len), ODS_OK);
	assert_int_equal(rpc_reply_decode(buf, len, len - 1, &out, &d), ODS_EINVAL);
	assert_int_equal(rpc_reply_decode(buf, len, len, &out, &d), ODS_OK);
	assert_int_equal(out->status, ODS__STATUS__NOT_FOUND);
	assert_string_equal(out->message, "no zone");
	ods__reply__free_unpacked(out, NULL);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method_split_accepts_service_and_method),
		cmocka_unit_test(test_method_split_rejects_malformed_names),
		cmocka_unit_test_setup_teardown(test_request_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_request_is_refused_with_sizes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_truncated_request_is_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_and_empty_requests_are_malformed, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_request_without_method_is_refused, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_payload_of_wrong_type_names_expected_message,
		                                setup, teardown),
		cmocka_unit_test(test_reply_decode_checks_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
