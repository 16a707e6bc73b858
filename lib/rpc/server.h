/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic RPC server: one nng REP socket with any number of listeners (ipc://, tcp://,
 * tls+tcp:// with mutual TLS), and a bounded pool of worker threads, each owning one REP
 * context. A worker receives a request, looks the method up in the dispatch table, decodes the
 * input into the call's arena, runs the handler and sends the reply; the arena is then reset.
 * Handlers run on our threads, never on nng's callback threads, so they may block (HSM, DB).
 * Bad input (garbage, truncated or oversized messages, unknown methods) gets an error status
 * and the worker goes on serving.
 */
#pragma once

#include <stddef.h>

#include "lib/base/err.h"
#include "lib/rpc/transport.h"

struct rpc_dispatch;
struct rpc_server;

struct rpc_listen_spec {
	const char *url;
	const char *role;    /* given to handlers as call->peer.role; NULL = none */
	const char *ca_file; /* client CA for this listener (overrides tls->ca_file), or NULL */
};

struct rpc_server_opts {
	const char *name; /* service name for logs and metrics ("enforcer") */
	const struct rpc_listen_spec *listen;
	size_t n_listen;
	struct rpc_tls tls;       /* used by tls+tcp:// listeners */
	int workers;              /* worker threads = concurrent calls */
	size_t max_message_bytes; /* larger requests get INVALID_ARGUMENT */
};

/* Bind every listener and start the workers. The dispatch table is borrowed and must outlive
 * the server. ODS_EUNAVAIL/ODS_EIO/ODS_EINVAL with d naming the URL when a listener cannot be
 * bound (address in use, bad TLS files). */
ods_err rpc_server_start(struct rpc_server **out, const struct rpc_server_opts *o,
                         const struct rpc_dispatch *dispatch, struct diag *d);

/* Stop accepting: close the listeners, let idle workers go, wait up to grace_ms for calls in
 * progress to finish and send their replies. ODS_ETIMEDOUT when some were still running. */
ods_err rpc_server_drain(struct rpc_server *s, int grace_ms);

/* Close and free (drains with no grace first if that was not done). NULL-safe. */
void rpc_server_free(struct rpc_server *s);
