/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PKCS#11 backend's function table: key generation inside the token (private keys
 * sensitive and never extractable unless the repository says AllowExtraction), the public key
 * read back as DNSKEY material, signing batches on a pooled session, deletion and token info.
 */
#include "services/keystore/p11/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/base/arena.h"
#include "lib/base/hex.h"
#include "lib/base/random.h"
#include "lib/conf/conf.h"
#include "lib/dns/dnskey.h"
#include "services/keystore/backend.h"

#define P11_ID_LEN 16
#define P11_SESSIONS 16
#define P11_SIG_MAX 1024

static void
pin_free(char *pin)
{
	if (pin == NULL)
		return;
	size_t n = strlen(pin);
	explicit_bzero(pin, n);
	munlock(pin, n + 1);
	free(pin);
}

static char *
pin_dup(const char *pin)
{
	size_t n = strlen(pin);
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, pin, n + 1);
		mlock(p, n + 1); /* best effort: keep it out of swap */
	}
	return p;
}

static void
p11_close(void *state)
{
	struct p11_repo *r = state;

	if (r == NULL)
		return;
	if (r->m && r->open)
		r->m->f->C_CloseAllSessions(r->slot);
	p11_module_put(r->m);
	while (r->loaded) {
		struct p11_loaded *next = r->loaded->next;
		free(r->loaded);
		r->loaded = next;
	}
	pin_free(r->pin);
	free(r->idle);
	free(r->name);
	free(r->label);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static ods_err
p11_open(const struct conf_repository *c, const char *pin, void **state, struct diag *d)
{
	struct p11_repo *r = calloc(1, sizeof(*r));
	ods_err rc;

	if (r == NULL)
		return ODS_ENOMEM;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->name = strdup(c->name);
	r->label = strdup(c->token_label);
	r->max_sessions = P11_SESSIONS;
	r->idle = calloc(r->max_sessions, sizeof(*r->idle));
	r->skip_public = c->skip_public_key;
	r->allow_extraction = c->allow_extraction;
	if (r->name == NULL || r->label == NULL || r->idle == NULL) {
		p11_close(r);
		return ODS_ENOMEM;
	}
	rc = p11_module_get(c->module, c->name, &r->m, d);
	if (rc != ODS_OK) {
		p11_close(r);
		return rc;
	}
	if (pin)
		r->pin = pin_dup(pin);
	pthread_mutex_lock(&r->mu);
	rc = p11_repo_reopen(r, d);
	pthread_mutex_unlock(&r->mu);
	if (rc != ODS_OK && rc != ODS_ESTATE) {
		p11_close(r);
		return rc;
	}
	*state = r;
	return rc;
}

static ods_err
p11_login(void *state, const char *pin, struct diag *d)
{
	struct p11_repo *r = state;
	char *old;
	ods_err rc;

	pthread_mutex_lock(&r->mu);
	old = r->pin;
	r->pin = pin_dup(pin);
	rc = p11_repo_reopen(r, d);
	if (rc == ODS_OK) {
		pin_free(old);
	} else {
		pin_free(r->pin);
		r->pin = old;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

static bool
p11_supports(void *state, int alg)
{
	struct p11_repo *r = state;
	enum dns_key_kind kind;

	if (dns_alg_kind(alg, &kind) != ODS_OK)
		return false;
	switch (kind) {
	case DNS_KEY_RSA:
		return r->mechs.rsa;
	case DNS_KEY_EC:
		return r->mechs.ec;
	case DNS_KEY_EDDSA:
		return r->mechs.eddsa;
	}
	return false;
}

/* Read one attribute into a malloc'd buffer. */
static CK_RV
get_attr(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t,
         uint8_t **val, size_t *len)
{
	CK_ATTRIBUTE a = {t, NULL, 0};
	CK_RV rv = f->C_GetAttributeValue(s, o, &a, 1);

	if (rv != CKR_OK)
		return rv;
	a.pValue = malloc(a.ulValueLen ? a.ulValueLen : 1);
	if (a.pValue == NULL)
		return CKR_HOST_MEMORY;
	rv = f->C_GetAttributeValue(s, o, &a, 1);
	if (rv != CKR_OK) {
		free(a.pValue);
		return rv;
	}
	*val = a.pValue;
	*len = a.ulValueLen;
	return CKR_OK;
}

/* The DNSKEY public key field from the public key object. */
static ods_err
read_public(struct p11_repo *r, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub, int alg,
            enum dns_key_kind kind, struct ks_new_key *out, struct diag *d)
{
	CK_FUNCTION_LIST *f = r->m->f;
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	char nb[32];
	ods_err rc;
	CK_RV rv;

	if (kind == DNS_KEY_RSA) {
		rv = get_attr(f, s, pub, CKA_PUBLIC_EXPONENT, &a, &alen);
		if (rv == CKR_OK)
			rv = get_attr(f, s, pub, CKA_MODULUS, &b, &blen);
	} else {
		rv = get_attr(f, s, pub, CKA_EC_POINT, &a, &alen);
	}
	if (rv != CKR_OK) {
		free(a);
		return diag_fail(d, ODS_EHSM, r->name, "reading the public key: %s",
		                 p11_rv_name(rv, nb, sizeof(nb)));
	}
	if (kind == DNS_KEY_RSA) {
		size_t mlen = blen;
		const uint8_t *mod = b;
		while (mlen > 0 && *mod == 0) {
			mod++;
			mlen--;
		}
		out->bits = (unsigned)(mlen * 8);
		if (mlen > 0)
			for (uint8_t top = mod[0]; !(top & 0x80); top <<= 1)
				out->bits--;
		rc = dns_pubkey_rsa(a, alen, b, blen, out->pubkey, sizeof(out->pubkey),
		                    &out->pubkey_len);
	} else if (kind == DNS_KEY_EC) {
		rc = dns_pubkey_ec(a, alen, alg, out->pubkey, sizeof(out->pubkey), &out->pubkey_len);
	} else {
		rc = dns_pubkey_eddsa(a, alen, alg, out->pubkey, sizeof(out->pubkey),
		                      &out->pubkey_len);
	}
	free(a);
	free(b);
	if (rc != ODS_OK)
		return diag_fail(d, ODS_EHSM, r->name, "the token returned a public key we cannot read");
	return ODS_OK;
}

static ods_err
p11_generate(void *state, int alg, unsigned bits, struct ks_new_key *out, struct diag *d)
{
	struct p11_repo *r = state;
	CK_FUNCTION_LIST *f = r->m->f;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BBOOL pub_token = r->skip_public ? CK_FALSE : CK_TRUE;
	CK_BBOOL extractable = r->allow_extraction ? CK_TRUE : CK_FALSE;
	CK_ULONG mod_bits = bits;
	CK_BYTE exp[] = {0x01, 0x00, 0x01};
	uint8_t id[P11_ID_LEN];
	CK_OBJECT_HANDLE pub = 0, priv = 0;
	CK_SESSION_HANDLE s;
	enum dns_key_kind kind;
	uint64_t gen;
	size_t plen = 0;
	const uint8_t *params;
	char label[2 * P11_ID_LEN + 1], nb[32];
	ods_err rc;
	CK_RV rv;

	rc = dns_alg_kind(alg, &kind);
	if (rc != ODS_OK)
		return diag_fail(d, ODS_EINVAL, "algorithm", "unknown algorithm %d", alg);
	if (!random_bytes(id, sizeof(id)))
		return diag_fail(d, ODS_EINTERNAL, r->name, "no random bytes for a key id");
	hex_encode(id, sizeof(id), label);
	params = p11_ec_params(alg, &plen);

	CK_MECHANISM mech = {kind == DNS_KEY_RSA  ? CKM_RSA_PKCS_KEY_PAIR_GEN
	                     : kind == DNS_KEY_EC ? CKM_EC_KEY_PAIR_GEN
	                                          : CKM_EC_EDWARDS_KEY_PAIR_GEN,
	                     NULL, 0};
	CK_ATTRIBUTE pub_t[8] = {
		{CKA_TOKEN, &pub_token, sizeof(pub_token)},
		{CKA_VERIFY, &yes, sizeof(yes)},
		{CKA_ID, id, sizeof(id)},
		{CKA_LABEL, label, strlen(label)},
	};
	CK_ULONG n_pub = 4;
	if (kind == DNS_KEY_RSA) {
		pub_t[n_pub++] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, &mod_bits, sizeof(mod_bits)};
		pub_t[n_pub++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, exp, sizeof(exp)};
	} else {
		pub_t[n_pub++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)params, plen};
	}
	CK_ATTRIBUTE priv_t[] = {
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SIGN, &yes, sizeof(yes)},
		{CKA_SENSITIVE, &yes, sizeof(yes)},
		{CKA_EXTRACTABLE, &extractable, sizeof(extractable)},
		{CKA_DECRYPT, &no, sizeof(no)},
		{CKA_ID, id, sizeof(id)},
		{CKA_LABEL, label, strlen(label)},
	};

	rc = p11_session_get(r, &s, &gen, d);
	if (rc != ODS_OK)
		return rc;
	rv = f->C_GenerateKeyPair(s, &mech, pub_t, n_pub, priv_t, sizeof(priv_t) / sizeof(priv_t[0]),
	                          &pub, &priv);
	if (rv != CKR_OK) {
		p11_session_put(r, s, gen, p11_rv_lost(rv));
		if (rv == CKR_MECHANISM_INVALID || rv == CKR_CURVE_NOT_SUPPORTED ||
		    rv == CKR_DOMAIN_PARAMS_INVALID || rv == CKR_ATTRIBUTE_VALUE_INVALID ||
		    rv == CKR_KEY_SIZE_RANGE || rv == CKR_TEMPLATE_INCONSISTENT)
			return diag_fail(d, ODS_EINVAL, r->name,
			                 "token '%s' cannot generate %s keys of %u bits: %s", r->label,
			                 dns_alg_name(alg), bits, p11_rv_name(rv, nb, sizeof(nb)));
		return diag_fail(d, p11_rv_lost(rv) ? ODS_EUNAVAIL : ODS_EHSM, r->name,
		                 "C_GenerateKeyPair: %s", p11_rv_name(rv, nb, sizeof(nb)));
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->locator, sizeof(out->locator), "%s", label);
	out->bits = bits;
	out->public_on_token = !r->skip_public;
	rc = read_public(r, s, pub, alg, kind, out, d);
	if (kind != DNS_KEY_RSA)
		out->bits = bits;
	if (rc != ODS_OK)
		f->C_DestroyObject(s, priv);
	if (rc != ODS_OK || r->skip_public)
		f->C_DestroyObject(s, pub);
	p11_session_put(r, s, gen, false);
	return rc;
}

/* Find an object of class cls with our CKA_ID (only token objects when token_only; else a
 * session copy may be found too). */
static CK_RV
find_by_id(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, const uint8_t *id, size_t idlen,
           CK_OBJECT_CLASS cls, bool token_only, CK_OBJECT_HANDLE *out, CK_ULONG *found)
{
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
	                    {CKA_ID, (void *)id, idlen},
	                    {CKA_TOKEN, &yes, sizeof(yes)}};
	CK_RV rv = f->C_FindObjectsInit(s, t, token_only ? 3 : 2);

	if (rv != CKR_OK)
		return rv;
	rv = f->C_FindObjects(s, out, 1, found);
	f->C_FindObjectsFinal(s);
	return rv;
}

/* A session copy of the token key to sign with. Tokens such as SoftHSM re-read a token
 * object's file under a lock on every C_SignInit; a session object lives in memory. The copy
 * keeps the original's attributes (sensitive, not extractable) and dies with the sessions,
 * i.e. at the next reopen, when the generation check makes the core load the key again.
 * A token that refuses the copy (CKA_COPYABLE false) is used directly. */
static CK_OBJECT_HANDLE
session_copy(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, bool *copied)
{
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	CK_OBJECT_HANDLE copy = 0;

	*copied = f->C_CopyObject(s, o, t, 1, &copy) == CKR_OK;
	return *copied ? copy : o;
}

static ods_err
p11_load(void *state, const char *locator, int alg, const uint8_t *sealed, size_t sealed_len,
         uintptr_t *handle, struct diag *d)
{
	struct p11_repo *r = state;
	struct p11_loaded *k;
	uint8_t id[64];
	size_t idlen;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE o = 0;
	CK_ULONG found = 0;
	uint64_t gen;
	bool copied = false;
	char nb[32];
	ods_err rc;
	CK_RV rv;

	(void)alg;
	(void)sealed;
	(void)sealed_len;
	if (locator[0] == '\0' || !hex_decode(locator, id, sizeof(id), &idlen))
		return diag_fail(d, ODS_EINVAL, "locator", "'%s' is not a hex CKA_ID", locator);
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return ODS_ENOMEM;
	rc = p11_session_get(r, &s, &gen, d);
	if (rc != ODS_OK) {
		free(k);
		return rc;
	}
	rv = find_by_id(r->m->f, s, id, idlen, CKO_PRIVATE_KEY, true, &o, &found);
	if (rv == CKR_OK && found)
		o = session_copy(r->m->f, s, o, &copied);
	p11_session_put(r, s, gen, p11_rv_lost(rv));
	if (rv != CKR_OK || found == 0) {
		free(k);
		if (rv != CKR_OK)
			return diag_fail(d, p11_rv_lost(rv) ? ODS_EUNAVAIL : ODS_EHSM, r->name,
			                 "finding key %s: %s", locator, p11_rv_name(rv, nb, sizeof(nb)));
		return diag_fail(d, ODS_ENOENT, "locator", "key %s is not on token '%s' (%s)", locator,
		                 r->label, r->name);
	}
	k->obj = o;
	k->generation = gen;
	k->session_copy = copied;
	pthread_mutex_lock(&r->mu);
	k->next = r->loaded;
	r->loaded = k;
	pthread_mutex_unlock(&r->mu);
	*handle = (uintptr_t)k;
	return ODS_OK;
}

static CK_MECHANISM_TYPE
sign_mechanism(int alg)
{
	enum dns_key_kind kind;

	if (dns_alg_kind(alg, &kind) != ODS_OK)
		return CKM_VENDOR_DEFINED;
	return kind == DNS_KEY_RSA ? CKM_RSA_PKCS : kind == DNS_KEY_EC ? CKM_ECDSA : CKM_EDDSA;
}

/* Sign every input on one session. *lost says the session failed under us. */
static ods_err
sign_on(struct p11_repo *r, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, int alg,
        const struct ks_blob *in, size_t n, struct ks_blob *out, struct arena *a, bool *lost,
        struct diag *d)
{
	CK_FUNCTION_LIST *f = r->m->f;
	CK_MECHANISM mech = {sign_mechanism(alg), NULL, 0};
	uint8_t data[128], sig[P11_SIG_MAX];
	char nb[32], where[32];

	for (size_t i = 0; i < n; i++) {
		const uint8_t *msg = in[i].data;
		size_t mlen = in[i].len;
		CK_ULONG slen = sizeof(sig);
		CK_RV rv;

		if (mech.mechanism == CKM_RSA_PKCS) {
			if (dns_digest_info(alg, in[i].data, in[i].len, data, sizeof(data), &mlen) !=
			    ODS_OK) {
				snprintf(where, sizeof(where), "inputs[%zu]", i);
				return diag_fail(d, ODS_EINVAL, where, "not a digest for %s",
				                 dns_alg_name(alg));
			}
			msg = data;
		}
		rv = f->C_SignInit(s, &mech, key);
		if (rv == CKR_OK)
			rv = f->C_Sign(s, (CK_BYTE *)msg, mlen, sig, &slen);
		if (rv != CKR_OK) {
			*lost = p11_rv_lost(rv);
			snprintf(where, sizeof(where), "inputs[%zu]", i);
			if (rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID)
				return diag_fail(d, ODS_ESTATE, where, "key handle went stale");
			if (rv == CKR_KEY_TYPE_INCONSISTENT || rv == CKR_MECHANISM_INVALID)
				return diag_fail(d, ODS_EINVAL, "algorithm",
				                 "the key cannot sign as %s: %s", dns_alg_name(alg),
				                 p11_rv_name(rv, nb, sizeof(nb)));
			return diag_fail(d, *lost ? ODS_EUNAVAIL : ODS_EHSM, where, "C_Sign: %s",
			                 p11_rv_name(rv, nb, sizeof(nb)));
		}
		uint8_t *copy = arena_alloc(a, slen);
		if (copy == NULL)
			return diag_fail(d, ODS_ENOMEM, "signatures", "reply too large");
		memcpy(copy, sig, slen);
		out[i].data = copy;
		out[i].len = slen;
	}
	return ODS_OK;
}

static ods_err
p11_sign(void *state, uintptr_t handle, int alg, const struct ks_blob *in, size_t n,
         struct ks_blob *out, struct arena *a, struct diag *d)
{
	struct p11_repo *r = state;
	const struct p11_loaded *k = (const struct p11_loaded *)handle;
	CK_SESSION_HANDLE s;
	uint64_t gen;
	bool lost = false;
	ods_err rc;

	rc = p11_session_get(r, &s, &gen, d);
	if (rc != ODS_OK)
		return rc;
	if (k->generation != gen) {
		/* The token was reopened since the key was loaded: its handle means nothing now. */
		p11_session_put(r, s, gen, false);
		return diag_fail(d, ODS_ESTATE, r->name, "token reopened; reloading key");
	}
	rc = sign_on(r, s, k->obj, alg, in, n, out, a, &lost, d);
	p11_session_put(r, s, gen, lost);
	if (lost) /* the next attempt reopens the token; the core reloads the key and retries */
		return diag_fail(d, ODS_ESTATE, r->name, "token session lost; reloading key");
	return rc;
}

static ods_err
p11_remove(void *state, const char *locator, struct diag *d)
{
	struct p11_repo *r = state;
	CK_FUNCTION_LIST *f = r->m->f;
	static const CK_OBJECT_CLASS classes[] = {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY};
	uint8_t id[64];
	size_t idlen;
	CK_SESSION_HANDLE s;
	uint64_t gen;
	unsigned destroyed = 0;
	char nb[32];
	CK_RV rv = CKR_OK;
	ods_err rc;

	if (locator[0] == '\0' || !hex_decode(locator, id, sizeof(id), &idlen))
		return diag_fail(d, ODS_EINVAL, "locator", "'%s' is not a hex CKA_ID", locator);
	rc = p11_session_get(r, &s, &gen, d);
	if (rc != ODS_OK)
		return rc;
	/* The token objects and any session copies made for signing (bounded: a few at most). */
	for (size_t c = 0; c < 2 && rv == CKR_OK; c++) {
		for (int round = 0; round < 64 && rv == CKR_OK; round++) {
			CK_OBJECT_HANDLE o;
			CK_ULONG found = 0;
			rv = find_by_id(f, s, id, idlen, classes[c], false, &o, &found);
			if (rv != CKR_OK || found == 0)
				break;
			rv = f->C_DestroyObject(s, o);
			destroyed += rv == CKR_OK;
		}
	}
	p11_session_put(r, s, gen, p11_rv_lost(rv));
	if (rv != CKR_OK)
		return diag_fail(d, p11_rv_lost(rv) ? ODS_EUNAVAIL : ODS_EHSM, r->name,
		                 "deleting key %s: %s", locator, p11_rv_name(rv, nb, sizeof(nb)));
	if (destroyed == 0)
		return diag_fail(d, ODS_ENOENT, "locator", "key %s is not on token '%s'", locator,
		                 r->label);
	return ODS_OK;
}

static void
trimmed(char *dst, size_t cap, const CK_UTF8CHAR *src, size_t n)
{
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static ods_err
p11_info(void *state, struct ks_token_info *out, struct diag *d)
{
	struct p11_repo *r = state;
	CK_TOKEN_INFO ti;
	char nb[32];
	CK_RV rv;

	pthread_mutex_lock(&r->mu);
	out->logged_in = r->open;
	rv = r->m->f->C_GetTokenInfo(r->slot, &ti);
	pthread_mutex_unlock(&r->mu);
	if (rv != CKR_OK)
		return diag_fail(d, ODS_EUNAVAIL, r->name, "C_GetTokenInfo: %s",
		                 p11_rv_name(rv, nb, sizeof(nb)));
	trimmed(out->manufacturer, sizeof(out->manufacturer), ti.manufacturerID,
	        sizeof(ti.manufacturerID));
	trimmed(out->model, sizeof(out->model), ti.model, sizeof(ti.model));
	trimmed(out->serial, sizeof(out->serial), ti.serialNumber, sizeof(ti.serialNumber));
	return ODS_OK;
}

const struct ks_backend_ops ks_p11_ops = {
	.type = "pkcs11",
	.open = p11_open,
	.close = p11_close,
	.login = p11_login,
	.supports = p11_supports,
	.generate = p11_generate,
	.load = p11_load,
	.sign = p11_sign,
	.remove = p11_remove,
	.info = p11_info,
};
