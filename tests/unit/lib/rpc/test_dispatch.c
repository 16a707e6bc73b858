/* SPDX-License-Identifier: BSD-2-Clause */
/* The dispatch table: binding by descriptor, lookup by full name, unknown names refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/rpc/dispatch.h"
#include "ods/enforcer.pb-c.h"
#include "ods/keystore.pb-c.h"

static ods_err
h_one(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	return ODS_OK;
}

static ods_err
h_two(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	return ODS_EINVAL;
}

static int ctx_a, ctx_b;

static const struct rpc_method health_only[] = {RPC_METHOD("Health", h_one), RPC_METHOD_END};
static const struct rpc_method verbosity_only[] = {RPC_METHOD("SetVerbosity", h_two),
                                                   RPC_METHOD_END};

static int
setup(void **state)
{
	struct rpc_dispatch *d;

	if (rpc_dispatch_new(&d) != ODS_OK)
		return -1;
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	rpc_dispatch_free(*state);
	return 0;
}

static void
test_find_returns_bound_handler_types_and_ctx(void **state)
{
	struct rpc_dispatch *d = *state;
	struct rpc_target t;

	assert_int_equal(rpc_dispatch_add(d, &ods__enforcer__enforcer__descriptor, health_only,
	                                  &ctx_a, NULL),
	                 ODS_OK);
	assert_int_equal(rpc_dispatch_add(d, &ods__enforcer__enforcer__descriptor, verbosity_only,
	                                  &ctx_b, NULL),
	                 ODS_OK);
	assert_int_equal(rpc_dispatch_find(d, "ods.enforcer.Enforcer/Health", &t, NULL), ODS_OK);
	assert_ptr_equal(t.fn, h_one);
	assert_ptr_equal(t.ctx, &ctx_a);
	assert_string_equal(t.method->input->name, "ods.HealthRequest");
	assert_string_equal(t.method->output->name, "ods.HealthReply");
	assert_int_equal(rpc_dispatch_find(d, "ods.enforcer.Enforcer/SetVerbosity", &t, NULL),
	                 ODS_OK);
	assert_ptr_equal(t.fn, h_two);
	assert_ptr_equal(t.ctx, &ctx_b);
}

static void
test_unknown_service_or_method_is_unimplemented(void **state)
{
	struct rpc_dispatch *d = *state;
	struct rpc_target t;
	struct diag dg = {0};

	assert_int_equal(rpc_dispatch_add(d, &ods__enforcer__enforcer__descriptor, health_only,
	                                  NULL, NULL),
	                 ODS_OK);
	assert_int_equal(rpc_dispatch_find(d, "ods.keystore.Keystore/Health", &t, &dg),
	                 ODS_ENOTIMPL);
	assert_non_null(strstr(dg.msg, "unknown service"));
	assert_int_equal(rpc_dispatch_find(d, "ods.enforcer.Enforcer/Nope", &t, &dg), ODS_ENOTIMPL);
	assert_non_null(strstr(dg.msg, "unknown method"));
	/* Declared in the .proto but not bound: also unimplemented. */
	assert_int_equal(rpc_dispatch_find(d, "ods.enforcer.Enforcer/SetVerbosity", &t, &dg),
	                 ODS_ENOTIMPL);
	assert_int_equal(rpc_dispatch_find(d, "garbage", &t, &dg), ODS_ENOTIMPL);
	/* A prefix of a service name is not that service. */
	assert_int_equal(rpc_dispatch_find(d, "ods.enforcer.Enforce/Health", &t, &dg),
	                 ODS_ENOTIMPL);
}

static void
test_binding_a_name_the_service_lacks_fails(void **state)
{
	static const struct rpc_method bad[] = {RPC_METHOD("Sign", h_one), RPC_METHOD_END};
	struct diag dg = {0};

	assert_int_equal(rpc_dispatch_add(*state, &ods__keystore__keystore__descriptor, bad, NULL,
	                                  &dg),
	                 ODS_EINVAL);
	assert_non_null(strstr(dg.msg, "no method Sign"));
}

static void
test_binding_twice_fails(void **state)
{
	struct diag dg = {0};

	assert_int_equal(rpc_dispatch_add(*state, &ods__keystore__keystore__descriptor, health_only,
	                                  NULL, &dg),
	                 ODS_OK);
	assert_int_equal(rpc_dispatch_add(*state, &ods__keystore__keystore__descriptor, health_only,
	                                  NULL, &dg),
	                 ODS_EINVAL);
	assert_non_null(strstr(dg.msg, "bound twice"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_returns_bound_handler_types_and_ctx, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_unknown_service_or_method_is_unimplemented, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_binding_a_name_the_service_lacks_fails, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_binding_twice_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
