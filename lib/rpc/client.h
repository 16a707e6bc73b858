/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic RPC client: a list of endpoints (replicas of one service), a deadline per call,
 * retry with backoff while no endpoint is reachable, and a standby's "not leader" answer
 * followed to the next endpoint. One REQ socket per endpoint; every call opens its own nng
 * context, so one client may be shared by many threads.
 *
 * A request is retried only when it surely did not reach a server (no connection) or the
 * server said UNAVAILABLE. A connection lost while the call was in flight ends the call with
 * UNAVAILABLE ("may or may not have run"); a server that does not answer in time gives
 * DEADLINE_EXCEEDED. A call never waits past its deadline.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/rpc/transport.h"

struct rpc_client;

struct rpc_client_opts {
	const char *const *endpoints; /* URLs, tried in order */
	size_t n_endpoints;
	struct rpc_tls tls;           /* for tls+tcp:// endpoints */
	size_t max_message_bytes;     /* larger replies are refused; requests are checked too */
	bool fail_fast;               /* give up after one round of unreachable endpoints (CLI) */
};

/* Create a client; nothing is dialled yet. ODS_EINVAL when there is no endpoint. */
ods_err rpc_client_new(struct rpc_client **out, const struct rpc_client_opts *o,
                       struct diag *d);
void rpc_client_free(struct rpc_client *c);

/* Call full_method ("ods.enforcer.Enforcer/Health") with input `in`; on ODS_OK *out is the
 * decoded reply of type out_desc (free with protobuf_c_message_free_unpacked(*out, NULL)).
 * On failure d has the server's message and where, or says which endpoints could not be
 * reached and why: then, and only then, d->where is an endpoint URL ("tcp://..."). Errors: the server's status as ods_err, ODS_EUNAVAIL (no endpoint
 * reachable before the deadline, or connection lost mid-call), ODS_ETIMEDOUT, ODS_EAUTH
 * (TLS handshake refused). Thread-safe. */
ods_err rpc_client_call(struct rpc_client *c, const char *full_method,
                        const ProtobufCMessage *in, const ProtobufCMessageDescriptor *out_desc,
                        int64_t timeout_ms, ProtobufCMessage **out, struct diag *d);

/* Send raw bytes as a request and return the decoded reply status and message (tests use
 * it to send garbage). *status_out gets the ods.Status value. */
ods_err rpc_client_call_raw(struct rpc_client *c, const void *buf, size_t len,
                            int64_t timeout_ms, int *status_out, struct diag *d);
