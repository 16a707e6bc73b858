/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dispatch table: full method name ("ods.enforcer.Enforcer/Health") -> handler, built from
 * the protobuf-c service descriptors, so the input and output types of every method come from
 * the .proto and a handler can only be bound to a method the service declares.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"

struct arena;
struct rpc_call;

/* Who is calling: which listener the request came through. */
struct rpc_peer {
	const char *listen_url; /* the listener's URL */
	const char *role;       /* the listener's role (conf @role), NULL when none */
	bool tls_verified;      /* the peer presented a certificate our CA signed */
};

/* One call as a handler sees it. Everything in it lives until the reply has been sent. */
struct rpc_call {
	struct arena *arena; /* the call's arena: allocate reply data here */
	struct diag diag;    /* filled by the handler on failure */
	const char *method;  /* full method name */
	uint64_t request_id;
	int64_t deadline_unix_ms; /* 0 = none */
	struct rpc_peer peer;
	const char *leader_hint; /* set by a standby to tell the client where the leader is */
};

/* A handler: `in` is the decoded input message, `out` an initialised output message of the
 * method's output type (both in the call's arena). Return ODS_OK to send `out`, or an error
 * (with c->diag filled) to send a status instead. Handlers run on RPC worker threads. */
typedef ods_err (*rpc_handler_fn)(struct rpc_call *c, void *ctx, const ProtobufCMessage *in,
                                  ProtobufCMessage *out);

/* A handler bound to a method name of the service (the .proto's spelling: "Health"). */
struct rpc_method {
	const char *name;
	rpc_handler_fn fn;
};
#define RPC_METHOD(name, fn) {(name), (fn)}
#define RPC_METHOD_END {NULL, NULL}

struct rpc_dispatch;

/* Resolved target of a call. */
struct rpc_target {
	const ProtobufCMethodDescriptor *method;
	rpc_handler_fn fn;
	void *ctx;
};

ods_err rpc_dispatch_new(struct rpc_dispatch **out);
void rpc_dispatch_free(struct rpc_dispatch *d);

/* Bind a table of handlers (ending with RPC_METHOD_END) of service desc, each called with ctx.
 * May be called several times for one service with different tables. ODS_EINVAL (with diag)
 * when a name is not a method of desc or is bound twice: a programmer error found at start. */
ods_err rpc_dispatch_add(struct rpc_dispatch *d, const ProtobufCServiceDescriptor *desc,
                         const struct rpc_method *methods, void *ctx, struct diag *dg);

/* Find the handler for a full method name. ODS_ENOTIMPL (with diag) when the service or method
 * is unknown or has no handler. Thread-safe once the table is built. */
ods_err rpc_dispatch_find(const struct rpc_dispatch *d, const char *full_method,
                          struct rpc_target *out, struct diag *dg);
