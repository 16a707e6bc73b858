/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The envelope (ods.Request / ods.Reply in proto/ods/common.proto): size checks, decoding into
 * a call's arena, encoding. Pure functions over buffers; no I/O, so unit tests need no sockets.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct arena;
struct Ods__Request;
struct Ods__Reply;

/* A protobuf-c allocator whose memory comes from arena a (freeing is a no-op). */
void rpc_arena_allocator(struct arena *a, ProtobufCAllocator *out);

/* Split "pkg.Service/Method" into its service part (length *svc_len) and method name.
 * ODS_EINVAL (with d) when there is no '/', either part is empty, or there is a second '/'. */
ods_err rpc_method_split(const char *full, size_t *svc_len, const char **method,
                         struct diag *d);

/* Decode a request of len bytes. ODS_EINVAL when len > max_bytes ("request of N bytes exceeds
 * the limit of M bytes"), when the bytes are not an ods.Request, or when method is missing.
 * On success *out lives in arena a. */
ods_err rpc_request_decode(const void *buf, size_t len, size_t max_bytes, struct arena *a,
                           struct Ods__Request **out, struct diag *d);

/* Decode the method's input message from payload into the arena. ODS_EINVAL naming the
 * expected message type when the payload does not parse. */
ods_err rpc_payload_decode(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                           size_t len, struct arena *a, ProtobufCMessage **out, struct diag *d);

/* Pack msg into a fresh buffer from the arena: *data, *len. ODS_ENOMEM past the arena cap. */
ods_err rpc_pack_arena(const ProtobufCMessage *msg, struct arena *a, uint8_t **data,
                       size_t *len);

/* Pack msg into a malloc'd buffer the caller frees. */
ods_err rpc_pack_heap(const ProtobufCMessage *msg, uint8_t **data, size_t *len);

/* Decode a reply (client side); *out is freed with ods__reply__free_unpacked(*out, NULL). */
ods_err rpc_reply_decode(const void *buf, size_t len, size_t max_bytes,
                         struct Ods__Reply **out, struct diag *d);
