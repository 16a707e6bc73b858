/* SPDX-License-Identifier: BSD-2-Clause */
/* Envelope decoding and encoding with explicit size limits (messages come off the network). */
#include "lib/rpc/envelope.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "ods/common.pb-c.h"

static void *
arena_pb_alloc(void *ad, size_t size)
{
	return arena_alloc(ad, size ? size : 1);
}

static void
arena_pb_free(void *ad, void *p)
{
	(void)ad;
	(void)p;
}

void
rpc_arena_allocator(struct arena *a, ProtobufCAllocator *out)
{
	out->alloc = arena_pb_alloc;
	out->free = arena_pb_free;
	out->allocator_data = a;
}

ods_err
rpc_method_split(const char *full, size_t *svc_len, const char **method, struct diag *d)
{
	const char *slash = full ? strchr(full, '/') : NULL;

	if (slash == NULL || slash == full || slash[1] == '\0' || strchr(slash + 1, '/'))
		return diag_fail(d, ODS_EINVAL, "request.method",
		                 "'%s' is not of the form package.Service/Method",
		                 full ? full : "");
	*svc_len = (size_t)(slash - full);
	*method = slash + 1;
	return ODS_OK;
}

ods_err
rpc_request_decode(const void *buf, size_t len, size_t max_bytes, struct arena *a,
                   Ods__Request **out, struct diag *d)
{
	ProtobufCAllocator al;
	Ods__Request *rq;

	if (len > max_bytes)
		return diag_fail(d, ODS_EINVAL, "request", "request of %zu bytes exceeds the limit of %zu bytes",
		                 len, max_bytes);
	if (len == 0)
		return diag_fail(d, ODS_EINVAL, "request", "empty request");
	rpc_arena_allocator(a, &al);
	rq = ods__request__unpack(&al, len, buf);
	if (rq == NULL)
		return diag_fail(d, ODS_EINVAL, "request",
		                 "malformed request: %zu bytes are not an ods.Request envelope", len);
	if (rq->method == NULL || rq->method[0] == '\0')
		return diag_fail(d, ODS_EINVAL, "request.method", "no method named");
	*out = rq;
	return ODS_OK;
}

ods_err
rpc_payload_decode(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                   struct arena *a, ProtobufCMessage **out, struct diag *d)
{
	ProtobufCAllocator al;
	ProtobufCMessage *m;

	rpc_arena_allocator(a, &al);
	m = protobuf_c_message_unpack(desc, &al, len, data);
	if (m == NULL)
		return diag_fail(d, ODS_EINVAL, "request.payload", "payload of %zu bytes is not a valid %s",
		                 len, desc->name);
	*out = m;
	return ODS_OK;
}

ods_err
rpc_pack_arena(const ProtobufCMessage *msg, struct arena *a, uint8_t **data, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *p = arena_alloc(a, n ? n : 1);

	if (p == NULL)
		return ODS_ENOMEM;
	*len = protobuf_c_message_pack(msg, p);
	*data = p;
	return ODS_OK;
}

ods_err
rpc_pack_heap(const ProtobufCMessage *msg, uint8_t **data, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *p = malloc(n ? n : 1);

	if (p == NULL)
		return ODS_ENOMEM;
	*len = protobuf_c_message_pack(msg, p);
	*data = p;
	return ODS_OK;
}

ods_err
rpc_reply_decode(const void *buf, size_t len, size_t max_bytes, Ods__Reply **out,
                 struct diag *d)
{
	Ods__Reply *r;

	if (len > max_bytes)
		return diag_fail(d, ODS_EINVAL, "reply", "reply of %zu bytes exceeds the limit of %zu bytes",
		                 len, max_bytes);
	r = ods__reply__unpack(NULL, len, buf);
	if (r == NULL)
		return diag_fail(d, ODS_EINVAL, "reply", "malformed reply of %zu bytes", len);
	*out = r;
	return ODS_OK;
}
