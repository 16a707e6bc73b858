/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The small HTTP port every daemon has: /healthz (the process is alive; no dependency checks,
 * so a database blip does not restart every replica), /readyz (connected to everything it
 * needs; 503 with the reason otherwise) and /metrics (Prometheus text). nng's own HTTP server,
 * so no other library or event loop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"

struct svc_http;

/* Asked on every /readyz: true when ready; otherwise write why into reason. */
typedef bool (*svc_ready_fn)(void *arg, char *reason, size_t n);
/* Called before /metrics renders, to refresh gauges. May be NULL. */
typedef void (*svc_refresh_fn)(void *arg);

/* Serve on hostport ("127.0.0.1:9101", "[::1]:9101"). ODS_EUNAVAIL with d when it cannot bind. */
ods_err svc_http_start(struct svc_http **out, const char *hostport, svc_ready_fn ready,
                       svc_refresh_fn refresh, void *arg, struct diag *d);
void svc_http_stop(struct svc_http *h);
