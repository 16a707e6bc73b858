/* SPDX-License-Identifier: BSD-2-Clause */
/* SignBatch: one key, many inputs, one round trip. */
#include "services/keystore/rpc/methods.h"

#include "lib/base/arena.h"
#include "ods/keystore.pb-c.h"
#include "services/keystore/authz.h"
#include "services/keystore/keystore.h"

static ods_err
h_sign_batch(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__SignBatchRequest *rq = (const void *)in;
	Ods__Keystore__SignBatchReply *r = (void *)out;
	struct ks_blob *inputs, *sigs;
	ods_err rc;

	if (!ks_authz_may(c->peer.role, KS_PERM_SIGN))
		return diag_fail(&c->diag, ODS_EPERM, "peer", "role '%s' may not sign",
		                 c->peer.role ? c->peer.role : "");
	if (rq->locator[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "locator", "no locator given");
	if (rq->n_inputs == 0 || rq->n_inputs > KS_BATCH_MAX)
		return diag_fail(&c->diag, ODS_EINVAL, "inputs", "%zu inputs; a batch holds 1..%d",
		                 rq->n_inputs, KS_BATCH_MAX);
	inputs = arena_alloc(c->arena, rq->n_inputs * sizeof(*inputs));
	sigs = arena_alloc(c->arena, rq->n_inputs * sizeof(*sigs));
	r->signatures = arena_alloc(c->arena, rq->n_inputs * sizeof(*r->signatures));
	if (inputs == NULL || sigs == NULL || r->signatures == NULL)
		return diag_fail(&c->diag, ODS_ENOMEM, "reply", "out of memory");
	for (size_t i = 0; i < rq->n_inputs; i++) {
		inputs[i].data = rq->inputs[i].data;
		inputs[i].len = rq->inputs[i].len;
	}
	rc = ks_sign(ctx, rq->locator, (int)rq->algorithm, inputs, rq->n_inputs, sigs, c->arena,
	             &c->diag);
	if (rc != ODS_OK)
		return rc;
	for (size_t i = 0; i < rq->n_inputs; i++) {
		r->signatures[i].data = (uint8_t *)sigs[i].data;
		r->signatures[i].len = sigs[i].len;
	}
	r->n_signatures = rq->n_inputs;
	return ODS_OK;
}

const struct rpc_method ks_sign_methods[] = {
	RPC_METHOD("SignBatch", h_sign_batch),
	RPC_METHOD_END,
};
