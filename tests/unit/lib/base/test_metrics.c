/* SPDX-License-Identifier: BSD-2-Clause */
/* Metric registry and its Prometheus text rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/metrics.h"

static int
teardown(void **state)
{
	(void)state;
	metrics_reset();
	return 0;
}

static void
test_same_name_and_labels_is_same_metric(void **state)
{
	struct metric *a = metrics_get(METRIC_COUNTER, "ods_x_total", "x", "k=\"1\"");
	struct metric *b = metrics_get(METRIC_COUNTER, "ods_x_total", "x", "k=\"1\"");
	struct metric *c = metrics_get(METRIC_COUNTER, "ods_x_total", "x", "k=\"2\"");

	(void)state;
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, c);
	metric_add(a, 2);
	metric_add(b, 3);
	assert_int_equal(metric_value(a), 5);
	assert_int_equal(metric_value(c), 0);
}

static void
test_render_groups_by_name_with_one_header(void **state)
{
	(void)state;
	metric_add(metrics_get(METRIC_COUNTER, "ods_req_total", "requests", "m=\"a\""), 1);
	metric_set(metrics_get(METRIC_GAUGE, "ods_up", "up", NULL), 1);
	metric_add(metrics_get(METRIC_COUNTER, "ods_req_total", "requests", "m=\"b\""), 7);
	char *t = metrics_render();
	assert_non_null(t);
	assert_string_equal(t, "# HELP ods_req_total requests\n# TYPE ods_req_total counter\n"
	                       "ods_req_total{m=\"a\"} 1\nods_req_total{m=\"b\"} 7\n"
	                       "# HELP ods_up up\n# TYPE ods_up gauge\nods_up 1\n");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_same_name_and_labels_is_same_metric, teardown),
		cmocka_unit_test_teardown(test_render_groups_by_name_with_one_header, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
