/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A process-wide registry of counters and gauges, rendered in Prometheus' text format for
 * /metrics. There is no C Prometheus client in Debian 12 and the format is small. Metrics are
 * found or created by name + label set; the returned handle stays valid until exit, and
 * updating it is a lock-free atomic. Label sets must be of bounded cardinality.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct metric;

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

/* Find or create. labels is the inside of the braces ('method="Health",code="OK"') or NULL.
 * Returns NULL only when memory is short (updates on NULL are ignored). Thread-safe. */
struct metric *metrics_get(enum metric_type t, const char *name, const char *help,
                           const char *labels);

void metric_add(struct metric *m, int64_t v);
void metric_set(struct metric *m, int64_t v);
int64_t metric_value(const struct metric *m);

/* Render every metric, grouped by name with one HELP/TYPE header each. Returns a malloc'd
 * NUL-terminated string (caller frees), or NULL when memory is short. */
char *metrics_render(void);

/* Drop every metric (tests). Handles obtained before become invalid. */
void metrics_reset(void);
