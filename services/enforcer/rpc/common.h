/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the enforcer's RPC handlers share: a pooled connection per call, the leader check
 * plus a fenced transaction for calls that change something, and reply arrays in the call's
 * arena. Method tables per group; their ctx is the struct enf.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"
#include "lib/rpc/dispatch.h"

struct enf;
struct db;
struct db_tx;
struct arena;

extern const struct rpc_method enf_admin_methods[];
extern const struct rpc_method enf_policy_methods[];
extern const struct rpc_method enf_zone_methods[];
extern const struct rpc_method enf_key_methods[];

/* A connection for a read-only call. */
ods_err enf_rpc_read_begin(struct enf *e, struct rpc_call *c, struct db **db);
void enf_rpc_read_end(struct enf *e, struct db *db);

/* Leader check, a connection and a fenced transaction. */
ods_err enf_rpc_write_begin(struct enf *e, struct rpc_call *c, struct db **db,
                            struct db_tx **tx);
/* Commit when rc is ODS_OK (returning the commit's result), else roll back and return rc;
 * the connection goes back to the pool either way. */
ods_err enf_rpc_write_end(struct enf *e, struct rpc_call *c, struct db *db, struct db_tx *tx,
                          ods_err rc);

/* A pointer array of n entries in the call's arena (n may be 0). NULL when out of memory. */
void *enf_rpc_array(struct rpc_call *c, size_t n, size_t elem);
/* Append s (copied into the arena) to a repeated string field. ODS_ENOMEM. */
ods_err enf_rpc_strv_add(struct rpc_call *c, char ***v, size_t *n, size_t *cap, const char *s);
ods_err enf_rpc_oom(struct rpc_call *c);

/* Room for a zone name in presentation form, escapes included. */
#define ENF_ZONE_NAME_MAX 1024
/* "Example.ORG." -> "example.org" (the root stays "."), the form zones are stored in.
 * ODS_EINVAL naming the argument when it is not a valid domain name. */
ods_err enf_rpc_zone_name(struct rpc_call *c, const char *in, char *out, size_t cap);
/* The same for an optional --zone: *name is NULL when in is empty, else out. */
ods_err enf_rpc_zone_opt(struct rpc_call *c, const char *in, char *out, size_t cap,
                         const char **name);
