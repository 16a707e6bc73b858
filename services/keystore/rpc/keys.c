/* SPDX-License-Identifier: BSD-2-Clause */
/* Handlers for key management: generate, delete, list, public key, token info, login, backup. */
#include "services/keystore/rpc/methods.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/dns/dnskey.h"
#include "lib/dns/name.h"
#include "ods/keystore.pb-c.h"
#include "services/keystore/authz.h"
#include "services/keystore/keystore.h"

#define OWNER_WIRE_MAX 255

static ods_err
deny(struct rpc_call *c, const char *what)
{
	return diag_fail(&c->diag, ODS_EPERM, "peer", "role '%s' may not %s",
	                 c->peer.role ? c->peer.role : "", what);
}

static Ods__Keystore__KeyInfo *
key_info(struct arena *a, const struct db_hsmkey *k)
{
	Ods__Keystore__KeyInfo *ki = arena_alloc(a, sizeof(*ki));
	uint8_t *pub = arena_alloc(a, k->pubkey_len ? k->pubkey_len : 1);

	if (ki == NULL || pub == NULL)
		return NULL;
	ods__keystore__key_info__init(ki);
	ki->repository = arena_strdup(a, k->repository);
	ki->locator = arena_strdup(a, k->locator);
	if (ki->repository == NULL || ki->locator == NULL)
		return NULL;
	ki->algorithm = (uint32_t)k->algorithm;
	ki->bits = k->bits;
	ki->has_public_key = k->public_on_token;
	memcpy(pub, k->pubkey, k->pubkey_len);
	ki->public_key.data = pub;
	ki->public_key.len = k->pubkey_len;
	ki->backup = (Ods__Keystore__BackupState)k->backup;
	ki->created_unix = k->created_unix;
	return ki;
}

static ods_err
oom(struct rpc_call *c)
{
	return diag_fail(&c->diag, ODS_ENOMEM, "reply", "out of memory");
}

static ods_err
h_generate(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__GenerateKeyRequest *rq = (const void *)in;
	Ods__Keystore__GenerateKeyReply *r = (void *)out;
	struct db_hsmkey k;
	ods_err rc;

	if (!ks_authz_may(c->peer.role, KS_PERM_MANAGE))
		return deny(c, "generate keys");
	if (rq->repository[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "repository", "no repository named");
	rc = ks_generate(ctx, rq->repository, (int)rq->algorithm, rq->bits, &k, &c->diag);
	if (rc != ODS_OK)
		return rc;
	r->key = key_info(c->arena, &k);
	return r->key ? ODS_OK : oom(c);
}

static ods_err
h_delete(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__DeleteKeyRequest *rq = (const void *)in;

	(void)out;
	if (!ks_authz_may(c->peer.role, KS_PERM_MANAGE))
		return deny(c, "delete keys");
	if (rq->locator[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "locator", "no locator given");
	return ks_delete(ctx, rq->locator, &c->diag);
}

static ods_err
h_list(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__ListKeysRequest *rq = (const void *)in;
	Ods__Keystore__ListKeysReply *r = (void *)out;
	struct db_hsmkey *keys = NULL;
	size_t n = 0;
	ods_err rc;

	if (!ks_authz_may(c->peer.role, KS_PERM_READ))
		return deny(c, "list keys");
	rc = ks_list(ctx, rq->repository, &keys, &n, &c->diag);
	if (rc != ODS_OK)
		return rc;
	r->keys = arena_alloc(c->arena, (n ? n : 1) * sizeof(*r->keys));
	for (size_t i = 0; r->keys && i < n; i++) {
		r->keys[i] = key_info(c->arena, &keys[i]);
		if (r->keys[i] == NULL)
			r->keys = NULL;
	}
	free(keys);
	if (r->keys == NULL)
		return oom(c);
	r->n_keys = n;
	return ODS_OK;
}

static ods_err
h_public(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__GetPublicKeyRequest *rq = (const void *)in;
	Ods__Keystore__GetPublicKeyReply *r = (void *)out;
	uint8_t rdata[4 + DB_HSMKEY_PUBKEY_MAX], owner[OWNER_WIRE_MAX];
	struct db_hsmkey k;
	size_t rlen, olen = 0;
	ods_err rc;

	if (!ks_authz_may(c->peer.role, KS_PERM_READ))
		return deny(c, "read public keys");
	if (rq->flags > 0xffff)
		return diag_fail(&c->diag, ODS_EINVAL, "flags", "%u is not a 16-bit flags field",
		                 rq->flags);
	if (rq->owner[0] && dns_name_to_wire(rq->owner, owner, sizeof(owner), &olen) != ODS_OK)
		return diag_fail(&c->diag, ODS_EINVAL, "owner", "'%s' is not a domain name",
		                 rq->owner);
	rc = ks_lookup(ctx, rq->locator, &k, &c->diag);
	if (rc != ODS_OK)
		return rc;
	db_hsmkey_clear(&k);
	rc = dns_dnskey_rdata((uint16_t)rq->flags, k.algorithm, k.pubkey, k.pubkey_len, rdata,
	                      sizeof(rdata), &rlen);
	if (rc != ODS_OK)
		return diag_fail(&c->diag, ODS_EINTERNAL, "key", "cannot build DNSKEY for %s",
		                 rq->locator);
	r->key = key_info(c->arena, &k);
	r->dnskey_rdata.data = arena_alloc(c->arena, rlen);
	if (r->key == NULL || r->dnskey_rdata.data == NULL)
		return oom(c);
	memcpy(r->dnskey_rdata.data, rdata, rlen);
	r->dnskey_rdata.len = rlen;
	r->keytag = dns_keytag(rdata, rlen);
	if (olen == 0)
		return ODS_OK;
	static const int types[] = {1, 2, 4};
	ProtobufCBinaryData *dst[] = {&r->ds_sha1, &r->ds_sha256, &r->ds_sha384};
	for (size_t i = 0; i < 3; i++) {
		uint8_t dg[64];
		size_t dlen;
		if (dns_ds_digest(owner, olen, rdata, rlen, types[i], dg, sizeof(dg), &dlen) != ODS_OK)
			return diag_fail(&c->diag, ODS_EINTERNAL, "ds", "digest type %d failed",
			                 types[i]);
		dst[i]->data = arena_alloc(c->arena, dlen);
		if (dst[i]->data == NULL)
			return oom(c);
		memcpy(dst[i]->data, dg, dlen);
		dst[i]->len = dlen;
	}
	return ODS_OK;
}

static ods_err
repo_info(struct rpc_call *c, struct ks *ks, struct ks_repo *r, Ods__Keystore__RepositoryInfo *ri)
{
	static const uint32_t algs[] = {5, 7, 8, 10, 13, 14, 15, 16};
	struct ks_token_info ti = {0};
	struct diag d = {0};
	int64_t keys = 0;
	char error[DIAG_MSG_MAX];

	ods__keystore__repository_info__init(ri);
	ri->name = (char *)r->conf->name;
	ri->type = (char *)r->ops->type;
	ri->module = (char *)r->conf->module;
	ri->token_label = (char *)r->conf->token_label;
	ri->capacity = r->conf->capacity;
	ri->require_backup = r->conf->require_backup;
	pthread_mutex_lock(&r->mu);
	snprintf(error, sizeof(error), "%s", r->error);
	void *state = r->state;
	pthread_mutex_unlock(&r->mu);
	if (state && r->ops->info(state, &ti, &d) == ODS_OK) {
		ri->manufacturer = arena_strdup(c->arena, ti.manufacturer);
		ri->model = arena_strdup(c->arena, ti.model);
		ri->serial = arena_strdup(c->arena, ti.serial);
		ri->logged_in = ti.logged_in;
	} else if (d.msg[0] && !error[0]) {
		snprintf(error, sizeof(error), "%s", d.msg);
	}
	ri->error = arena_strdup(c->arena, error);
	ri->algorithms = arena_alloc(c->arena, sizeof(algs));
	if (ri->error == NULL || ri->algorithms == NULL)
		return oom(c);
	for (size_t i = 0; state && i < sizeof(algs) / sizeof(algs[0]); i++)
		if (r->ops->supports(state, (int)algs[i]))
			ri->algorithms[ri->n_algorithms++] = algs[i];
	if (ks_count(ks, r->conf->name, &keys, &d) == ODS_OK)
		ri->keys = keys;
	return ODS_OK;
}

static ods_err
h_token_info(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__TokenInfoRequest *rq = (const void *)in;
	Ods__Keystore__TokenInfoReply *r = (void *)out;
	struct ks *ks = ctx;

	if (!ks_authz_may(c->peer.role, KS_PERM_READ))
		return deny(c, "read token information");
	if (rq->repository[0] && ks_repo_find(ks, rq->repository) == NULL)
		return diag_fail(&c->diag, ODS_ENOENT, "repository",
		                 "no repository named '%s' in conf.xml", rq->repository);
	r->repositories = arena_alloc(c->arena, (ks->n_repos ? ks->n_repos : 1) *
	                                            sizeof(*r->repositories));
	if (r->repositories == NULL)
		return oom(c);
	for (size_t i = 0; i < ks->n_repos; i++) {
		struct ks_repo *repo = &ks->repos[i];
		if (rq->repository[0] && strcmp(rq->repository, repo->conf->name) != 0)
			continue;
		Ods__Keystore__RepositoryInfo *ri = arena_alloc(c->arena, sizeof(*ri));
		if (ri == NULL || repo_info(c, ks, repo, ri) != ODS_OK)
			return oom(c);
		r->repositories[r->n_repositories++] = ri;
	}
	return ODS_OK;
}

static ods_err
h_login(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__LoginRequest *rq = (const void *)in;
	Ods__Keystore__LoginReply *r = (void *)out;
	struct ks *ks = ctx;
	size_t count = 0;
	ods_err rc;

	if (!ks_authz_may(c->peer.role, KS_PERM_MANAGE))
		return deny(c, "log in to tokens");
	if (rq->pin[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "pin", "empty PIN");
	rc = ks_login(ks, rq->repository, rq->pin, &count, &c->diag);
	if (rc != ODS_OK)
		return rc;
	r->logged_in = arena_alloc(c->arena, (ks->n_repos ? ks->n_repos : 1) * sizeof(char *));
	if (r->logged_in == NULL)
		return oom(c);
	for (size_t i = 0; i < ks->n_repos; i++)
		if (!rq->repository[0] || strcmp(rq->repository, ks->repos[i].conf->name) == 0)
			r->logged_in[r->n_logged_in++] = (char *)ks->repos[i].conf->name;
	return ODS_OK;
}

static ods_err
h_backup(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Keystore__BackupRequest *rq = (const void *)in;
	Ods__Keystore__BackupReply *r = (void *)out;
	int64_t counts[4] = {0};
	ods_err rc;

	if (rq->op != ODS__KEYSTORE__BACKUP_REQUEST__OP__LIST &&
	    !ks_authz_may(c->peer.role, KS_PERM_MANAGE))
		return deny(c, "change backup state");
	if (rq->repository[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "repository", "no repository named");
	rc = ks_backup(ctx, rq->repository, (int)rq->op, &r->changed, counts, &c->diag);
	if (rc != ODS_OK)
		return rc;
	r->no_backup = counts[0];
	r->required = counts[1];
	r->requested = counts[2];
	r->done = counts[3];
	return ODS_OK;
}

const struct rpc_method ks_key_methods[] = {
	RPC_METHOD("GenerateKey", h_generate),
	RPC_METHOD("DeleteKey", h_delete),
	RPC_METHOD("ListKeys", h_list),
	RPC_METHOD("GetPublicKey", h_public),
	RPC_METHOD("TokenInfo", h_token_info),
	RPC_METHOD("Login", h_login),
	RPC_METHOD("Backup", h_backup),
	RPC_METHOD_END,
};
