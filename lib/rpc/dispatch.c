/* SPDX-License-Identifier: BSD-2-Clause */
/* Method lookup through the protobuf-c service descriptors (no chains of strcmp). */
#include "lib/rpc/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "lib/rpc/envelope.h"

#define DISPATCH_MAX_SERVICES 8

struct binding {
	rpc_handler_fn fn;
	void *ctx;
};

struct service_entry {
	const ProtobufCServiceDescriptor *desc;
	struct binding *by_index; /* desc->n_methods entries, indexed like desc->methods */
};

struct rpc_dispatch {
	struct service_entry services[DISPATCH_MAX_SERVICES];
	size_t n_services;
};

ods_err
rpc_dispatch_new(struct rpc_dispatch **out)
{
	struct rpc_dispatch *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return ODS_ENOMEM;
	*out = d;
	return ODS_OK;
}

void
rpc_dispatch_free(struct rpc_dispatch *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n_services; i++)
		free(d->services[i].by_index);
	free(d);
}

static struct service_entry *
find_service(const struct rpc_dispatch *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->n_services; i++) {
		const char *n = d->services[i].desc->name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return (struct service_entry *)&d->services[i];
	}
	return NULL;
}

ods_err
rpc_dispatch_add(struct rpc_dispatch *d, const ProtobufCServiceDescriptor *desc,
                 const struct rpc_method *methods, void *ctx, struct diag *dg)
{
	struct service_entry *s = find_service(d, desc->name, strlen(desc->name));

	if (s == NULL) {
		if (d->n_services == DISPATCH_MAX_SERVICES)
			return diag_fail(dg, ODS_EINVAL, desc->name, "too many services");
		s = &d->services[d->n_services];
		s->by_index = calloc(desc->n_methods ? desc->n_methods : 1, sizeof(*s->by_index));
		if (s->by_index == NULL)
			return ODS_ENOMEM;
		s->desc = desc;
		d->n_services++;
	}
	for (const struct rpc_method *m = methods; m->name; m++) {
		const ProtobufCMethodDescriptor *md =
			protobuf_c_service_descriptor_get_method_by_name(desc, m->name);
		if (md == NULL)
			return diag_fail(dg, ODS_EINVAL, desc->name, "no method %s in the service",
			                 m->name);
		size_t idx = (size_t)(md - desc->methods);
		if (s->by_index[idx].fn)
			return diag_fail(dg, ODS_EINVAL, desc->name, "method %s bound twice",
			                 m->name);
		s->by_index[idx].fn = m->fn;
		s->by_index[idx].ctx = ctx;
	}
	return ODS_OK;
}

ods_err
rpc_dispatch_find(const struct rpc_dispatch *d, const char *full_method, struct rpc_target *out,
                  struct diag *dg)
{
	size_t svc_len;
	const char *mname;
	ods_err rc = rpc_method_split(full_method, &svc_len, &mname, dg);

	if (rc != ODS_OK)
		return ODS_ENOTIMPL;
	const struct service_entry *s = find_service(d, full_method, svc_len);
	if (s == NULL)
		return diag_fail(dg, ODS_ENOTIMPL, "request.method", "unknown service '%.*s'",
		                 (int)svc_len, full_method);
	const ProtobufCMethodDescriptor *md =
		protobuf_c_service_descriptor_get_method_by_name(s->desc, mname);
	if (md == NULL || s->by_index[md - s->desc->methods].fn == NULL)
		return diag_fail(dg, ODS_ENOTIMPL, "request.method", "unknown method '%s'",
		                 full_method);
	out->method = md;
	out->fn = s->by_index[md - s->desc->methods].fn;
	out->ctx = s->by_index[md - s->desc->methods].ctx;
	return ODS_OK;
}
