/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software backend's function table: keys made with OpenSSL inside ods-keystored, for
 * operators without an HSM. A new private key is serialised as PKCS#8 DER and sealed (seal.h)
 * under the repository's key-encryption key, bound to its hsm_key row by the AAD
 * "repository NUL locator NUL algorithm", so a blob moved to another row, or a row whose
 * algorithm was changed, does not open. The core stores the blob; `load` unseals it into an
 * EVP_PKEY that lives in this backend's table until `remove` or `close`, and whose address is
 * the handle. Signing produces exactly what the PKCS#11 backend's mechanisms produce: RSA
 * PKCS#1 v1.5 over the DigestInfo (CKM_RSA_PKCS), ECDSA over the digest as raw r||s
 * (CKM_ECDSA), EdDSA over the whole message (CKM_EDDSA). The KEK sits in a page of its own,
 * locked in memory and left out of core dumps; neither it nor a private key is ever logged or
 * put into a message. See docs/keystore-software.md.
 */
#include "services/keystore/backend.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "lib/base/arena.h"
#include "lib/base/hex.h"
#include "lib/conf/conf.h"
#include "lib/dns/dnskey.h"
#include "services/keystore/soft/kek.h"
#include "services/keystore/soft/seal.h"

#define SOFT_ID_LEN 16 /* locator: 16 random bytes in hex, like a PKCS#11 CKA_ID */
#define SOFT_SIG_MAX 1024

/* One unsealed key. */
struct soft_key {
	EVP_PKEY *pkey; /* the table holds one reference; signers take their own */
	int alg;
	char locator[KS_LOCATOR_MAX];
};

struct soft_repo {
	char *name;
	struct ks_kek *kek; /* from ks_kek_load: in a page of its own, locked, not dumped */
	bool can_rsa, can_ec, can_ed25519, can_ed448; /* what this OpenSSL makes and uses */

	pthread_rwlock_t mu;   /* guards the table: signers read, load/remove write */
	struct soft_key *keys; /* loaded keys, sorted by pkey so a handle is found quickly */
	size_t n_keys, cap_keys;
};

/* The OpenSSL key type of a DNSSEC algorithm, and the curve of an ECDSA one. */
static const char *
key_type(int alg)
{
	switch (alg) {
	case DNS_ALG_RSASHA1:
	case DNS_ALG_RSASHA1_NSEC3_SHA1:
	case DNS_ALG_RSASHA256:
	case DNS_ALG_RSASHA512:
		return "RSA";
	case DNS_ALG_ECDSAP256SHA256:
	case DNS_ALG_ECDSAP384SHA384:
		return "EC";
	case DNS_ALG_ED25519:
		return "ED25519";
	case DNS_ALG_ED448:
		return "ED448";
	}
	return NULL;
}

static const char *
ec_group(int alg)
{
	return alg == DNS_ALG_ECDSAP256SHA256 ? "P-256" : "P-384";
}

/* The last OpenSSL error as text, and an empty error queue for this thread. */
static const char *
ossl_error(char *buf, size_t n)
{
	unsigned long e = ERR_peek_last_error();

	if (e != 0)
		ERR_error_string_n(e, buf, n);
	else
		snprintf(buf, n, "no detail from OpenSSL");
	ERR_clear_error();
	return buf;
}

static bool
can_make(const char *type)
{
	EVP_KEYMGMT *m = EVP_KEYMGMT_fetch(NULL, type, NULL);
	bool ok = m != NULL;

	EVP_KEYMGMT_free(m);
	ERR_clear_error();
	return ok;
}

static void
soft_close(void *state)
{
	struct soft_repo *r = state;

	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_keys; i++)
		EVP_PKEY_free(r->keys[i].pkey);
	free(r->keys);
	ks_kek_free(r->kek);
	pthread_rwlock_destroy(&r->mu);
	free(r->name);
	free(r);
}

static ods_err
soft_open(const struct conf_repository *c, const char *pin, void **state, struct diag *d)
{
	struct soft_repo *r = calloc(1, sizeof(*r));
	ods_err rc;

	(void)pin; /* nothing to log in to: the KEK is the secret */
	if (r == NULL)
		return diag_fail(d, ODS_ENOMEM, c->name, "out of memory");
	pthread_rwlock_init(&r->mu, NULL);
	r->name = strdup(c->name);
	if (r->name == NULL) {
		soft_close(r);
		return diag_fail(d, ODS_ENOMEM, c->name, "out of memory");
	}
	rc = ks_kek_load(c, &r->kek, d);
	if (rc != ODS_OK) {
		soft_close(r);
		return rc;
	}
	r->can_rsa = can_make("RSA");
	r->can_ec = can_make("EC");
	r->can_ed25519 = can_make("ED25519");
	r->can_ed448 = can_make("ED448");
	*state = r;
	return ODS_OK;
}

static ods_err
soft_login(void *state, const char *pin, struct diag *d)
{
	(void)state;
	(void)pin;
	(void)d;
	return ODS_OK; /* a software repository has no PIN; it is open once its KEK is read */
}

static bool
soft_supports(void *state, int alg)
{
	struct soft_repo *r = state;
	const char *t = key_type(alg);

	if (t == NULL)
		return false;
	if (strcmp(t, "RSA") == 0)
		return r->can_rsa;
	if (strcmp(t, "EC") == 0)
		return r->can_ec;
	return strcmp(t, "ED25519") == 0 ? r->can_ed25519 : r->can_ed448;
}

/* "repository NUL locator NUL algorithm", malloc'd. Names are C strings, so the NULs make
 * the encoding unambiguous. */
static uint8_t *
make_aad(const char *repo, const char *locator, int alg, size_t *len)
{
	size_t rl = strlen(repo), ll = strlen(locator);
	uint8_t *a = malloc(rl + ll + 3);

	if (a == NULL)
		return NULL;
	memcpy(a, repo, rl + 1);
	memcpy(a + rl + 1, locator, ll + 1);
	a[rl + ll + 2] = (uint8_t)alg;
	*len = rl + ll + 3;
	return a;
}

static ods_err
keygen(int alg, unsigned bits, EVP_PKEY **out, struct diag *d)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, key_type(alg), NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *e = NULL;
	char err[160];
	bool ok = ctx != NULL && EVP_PKEY_keygen_init(ctx) == 1;

	if (ok && strcmp(key_type(alg), "RSA") == 0) {
		e = BN_new();
		ok = e != NULL && BN_set_word(e, RSA_F4) == 1 &&
		     EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) == 1 &&
		     EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) == 1;
	} else if (ok && strcmp(key_type(alg), "EC") == 0) {
		ok = EVP_PKEY_CTX_set_group_name(ctx, ec_group(alg)) == 1;
	}
	ok = ok && EVP_PKEY_generate(ctx, &pkey) == 1;
	BN_free(e);
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		EVP_PKEY_free(pkey);
		return diag_fail(d, ODS_EHSM, "generate",
		                 "OpenSSL cannot generate a %s key of %u "
		                 "bits: %s",
		                 dns_alg_name(alg), bits, ossl_error(err, sizeof(err)));
	}
	*out = pkey;
	return ODS_OK;
}

/* The big-endian bytes of one RSA parameter into buf. */
static bool
rsa_param(const EVP_PKEY *pkey, const char *name, uint8_t *buf, size_t cap, size_t *len)
{
	BIGNUM *bn = NULL;
	bool ok = EVP_PKEY_get_bn_param(pkey, name, &bn) == 1 && bn != NULL &&
	          (size_t)BN_num_bytes(bn) <= cap;

	if (ok)
		*len = (size_t)BN_bn2bin(bn, buf);
	BN_free(bn);
	return ok;
}

/* The DNSKEY public key field and the key size. */
static ods_err
public_field(const EVP_PKEY *pkey, int alg, unsigned bits, struct ks_new_key *nk, struct diag *d)
{
	uint8_t a[KS_PUBKEY_MAX], b[KS_PUBKEY_MAX];
	size_t alen = 0, blen = 0;
	const char *t = key_type(alg);
	char err[160];
	ods_err rc = ODS_EINVAL;

	nk->bits = bits;
	if (strcmp(t, "RSA") == 0) {
		if (rsa_param(pkey, OSSL_PKEY_PARAM_RSA_E, a, sizeof(a), &alen) &&
		    rsa_param(pkey, OSSL_PKEY_PARAM_RSA_N, b, sizeof(b), &blen))
			rc = dns_pubkey_rsa(a, alen, b, blen, nk->pubkey, sizeof(nk->pubkey),
			                    &nk->pubkey_len);
		nk->bits = (unsigned)EVP_PKEY_get_bits(pkey);
	} else if (strcmp(t, "EC") == 0) {
		/* OSSL_PKEY_PARAM_PUB_KEY of an EC key is the uncompressed point 04||X||Y. */
		if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, a, sizeof(a),
		                                    &alen) == 1)
			rc = dns_pubkey_ec(a, alen, alg, nk->pubkey, sizeof(nk->pubkey),
			                   &nk->pubkey_len);
	} else {
		alen = sizeof(a);
		if (EVP_PKEY_get_raw_public_key(pkey, a, &alen) == 1)
			rc = dns_pubkey_eddsa(a, alen, alg, nk->pubkey, sizeof(nk->pubkey),
			                      &nk->pubkey_len);
	}
	if (rc != ODS_OK)
		return diag_fail(d, ODS_EHSM, "generate", "cannot read the new %s public key: %s",
		                 dns_alg_name(alg), ossl_error(err, sizeof(err)));
	return ODS_OK;
}

/* The private key as PKCS#8 PrivateKeyInfo DER; *der is freed with OPENSSL_clear_free. */
static ods_err
private_der(EVP_PKEY *pkey, unsigned char **der, size_t *len, struct diag *d)
{
	OSSL_ENCODER_CTX *ec =
	    OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", NULL);
	unsigned char *data = NULL;
	size_t n = 0;
	char err[160];
	bool ok = ec != NULL && OSSL_ENCODER_CTX_get_num_encoders(ec) > 0 &&
	          OSSL_ENCODER_to_data(ec, &data, &n) == 1;

	OSSL_ENCODER_CTX_free(ec);
	if (!ok) {
		OPENSSL_clear_free(data, n);
		return diag_fail(d, ODS_EHSM, "generate", "cannot serialise the private key: %s",
		                 ossl_error(err, sizeof(err)));
	}
	*der = data;
	*len = n;
	return ODS_OK;
}

static ods_err
seal_key(struct soft_repo *r, const char *locator, int alg, const uint8_t *der, size_t len,
         uint8_t **out, size_t *out_len, struct diag *d)
{
	size_t aad_len = 0;
	uint8_t *aad = make_aad(r->name, locator, alg, &aad_len);
	ods_err rc;

	if (aad == NULL)
		return diag_fail(d, ODS_ENOMEM, r->name, "out of memory");
	rc = ks_seal(r->kek, aad, aad_len, der, len, out, out_len, d);
	free(aad);
	return rc;
}

static ods_err
soft_generate(void *state, int alg, unsigned bits, struct ks_new_key *out, struct diag *d)
{
	struct soft_repo *r = state;
	struct ks_new_key nk;
	EVP_PKEY *pkey = NULL;
	unsigned char *der = NULL;
	size_t der_len = 0;
	uint8_t id[SOFT_ID_LEN];
	ods_err rc;

	if (!soft_supports(r, alg))
		return diag_fail(d, ODS_EINVAL, "algorithm", "repository %s cannot make %s keys",
		                 r->name, dns_alg_name(alg) ? dns_alg_name(alg) : "unknown");
	if (RAND_bytes(id, sizeof(id)) != 1) {
		ERR_clear_error();
		return diag_fail(d, ODS_EINTERNAL, r->name, "no random bytes for a key id");
	}
	memset(&nk, 0, sizeof(nk));
	hex_encode(id, sizeof(id), nk.locator);
	nk.public_on_token = true; /* the sealed key carries its public half: nothing is skipped */
	rc = keygen(alg, bits, &pkey, d);
	if (rc == ODS_OK)
		rc = public_field(pkey, alg, bits, &nk, d);
	if (rc == ODS_OK)
		rc = private_der(pkey, &der, &der_len, d);
	if (rc == ODS_OK)
		rc = seal_key(r, nk.locator, alg, der, der_len, &nk.sealed, &nk.sealed_len, d);
	OPENSSL_clear_free(der, der_len);
	EVP_PKEY_free(pkey);
	if (rc != ODS_OK)
		return rc;
	*out = nk;
	return ODS_OK;
}

/* Checks that the unsealed key is what its catalogue row says. */
static bool
key_fits(const EVP_PKEY *pkey, int alg)
{
	const char *t = key_type(alg);
	int bits = EVP_PKEY_get_bits(pkey);

	if (!EVP_PKEY_is_a(pkey, t))
		return false;
	if (strcmp(t, "RSA") == 0)
		return dns_alg_bits_check(alg, (unsigned)bits, NULL, NULL) == ODS_OK;
	if (strcmp(t, "EC") == 0)
		return bits == (alg == DNS_ALG_ECDSAP256SHA256 ? 256 : 384);
	return true;
}

/* Unseal and decode the key of one catalogue row. */
static ods_err
unseal_key(struct soft_repo *r, const char *locator, int alg, const uint8_t *sealed,
           size_t sealed_len, EVP_PKEY **out, struct diag *d)
{
	struct diag why = {0};
	size_t aad_len = 0, der_len = 0;
	uint8_t *aad = make_aad(r->name, locator, alg, &aad_len), *der = NULL;
	OSSL_DECODER_CTX *dc;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p;
	size_t left;
	ods_err rc;
	bool ok;

	if (aad == NULL)
		return diag_fail(d, ODS_ENOMEM, r->name, "out of memory");
	rc = ks_unseal(r->kek, aad, aad_len, sealed, sealed_len, &der, &der_len, &why);
	free(aad);
	if (rc == ODS_ESTATE)
		return diag_fail(d, ODS_ESTATE, r->name,
		                 "key %s cannot be unsealed: %s (is this the right "
		                 "KeyEncryptionKeyFile/KeyEncryptionKeyEnvironment?)",
		                 locator, why.msg);
	if (rc == ODS_EINVAL || rc == ODS_EPERM)
		return diag_fail(d, ODS_EHSM, r->name, "key %s cannot be unsealed: %s", locator,
		                 why.msg);
	if (rc != ODS_OK)
		return diag_fail(d, rc, r->name, "key %s: %s", locator, why.msg);
	dc = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", "PrivateKeyInfo", key_type(alg),
	                                   EVP_PKEY_KEYPAIR, NULL, NULL);
	p = der;
	left = der_len;
	ok = dc != NULL && OSSL_DECODER_from_data(dc, &p, &left) == 1 && pkey != NULL &&
	     left == 0 && key_fits(pkey, alg);
	OSSL_DECODER_CTX_free(dc);
	ks_unseal_free(der, der_len);
	ERR_clear_error(); /* the decoder leaves the errors of the decoders it tried */
	if (!ok) {
		EVP_PKEY_free(pkey);
		return diag_fail(d, ODS_EHSM, r->name, "key %s: the unsealed key is not a %s key",
		                 locator, dns_alg_name(alg));
	}
	*out = pkey;
	return ODS_OK;
}

static int
by_pkey(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct soft_key *)a)->pkey;
	uintptr_t y = (uintptr_t)((const struct soft_key *)b)->pkey;

	return x < y ? -1 : x > y;
}

/* With r->mu held. A locator is in the table at most once. */
static struct soft_key *
find_locator(struct soft_repo *r, const char *locator)
{
	for (size_t i = 0; i < r->n_keys; i++)
		if (strcmp(r->keys[i].locator, locator) == 0)
			return &r->keys[i];
	return NULL;
}

/* With r->mu held for writing: add k, keeping the order by pkey. */
static ods_err
table_add(struct soft_repo *r, const struct soft_key *k)
{
	size_t at = 0;

	if (r->n_keys == r->cap_keys) {
		size_t cap = r->cap_keys ? 2 * r->cap_keys : 16;
		struct soft_key *grown = realloc(r->keys, cap * sizeof(*grown));
		if (grown == NULL)
			return ODS_ENOMEM;
		r->keys = grown;
		r->cap_keys = cap;
	}
	while (at < r->n_keys && by_pkey(&r->keys[at], k) < 0)
		at++;
	memmove(&r->keys[at + 1], &r->keys[at], (r->n_keys - at) * sizeof(*r->keys));
	r->keys[at] = *k;
	r->n_keys++;
	return ODS_OK;
}

static ods_err
soft_load(void *state, const char *locator, int alg, const uint8_t *sealed, size_t sealed_len,
          uintptr_t *handle, struct diag *d)
{
	struct soft_repo *r = state;
	struct soft_key k = {.alg = alg}, *have;
	uintptr_t h = 0;
	ods_err rc = ODS_OK;

	pthread_rwlock_rdlock(&r->mu);
	have = find_locator(r, locator);
	if (have != NULL && have->alg == alg)
		h = (uintptr_t)have->pkey;
	else if (have != NULL)
		rc = diag_fail(d, ODS_EINVAL, "algorithm", "key %s is %s, not %s", locator,
		               dns_alg_name(have->alg), dns_alg_name(alg));
	pthread_rwlock_unlock(&r->mu);
	if (rc != ODS_OK)
		return rc;
	if (h != 0) {
		*handle = h;
		return ODS_OK;
	}
	if (key_type(alg) == NULL)
		return diag_fail(d, ODS_EINVAL, "algorithm", "unknown algorithm %d", alg);
	if (sealed == NULL || sealed_len == 0)
		return diag_fail(d, ODS_EHSM, r->name,
		                 "key %s has no sealed private key in the catalogue", locator);
	if (strlen(locator) >= sizeof(k.locator))
		return diag_fail(d, ODS_EINVAL, "locator", "locator too long");
	snprintf(k.locator, sizeof(k.locator), "%s", locator);
	rc = unseal_key(r, locator, alg, sealed, sealed_len, &k.pkey, d);
	if (rc != ODS_OK)
		return rc;
	/* Another thread may have loaded it meanwhile: keep one copy. */
	pthread_rwlock_wrlock(&r->mu);
	have = find_locator(r, locator);
	if (have != NULL)
		h = (uintptr_t)have->pkey; /* same row, same algorithm: unsealed by the same AAD */
	else if (table_add(r, &k) == ODS_OK)
		h = (uintptr_t)k.pkey;
	else
		rc = diag_fail(d, ODS_ENOMEM, r->name, "out of memory");
	pthread_rwlock_unlock(&r->mu);
	if (have != NULL || rc != ODS_OK)
		EVP_PKEY_free(k.pkey);
	if (rc != ODS_OK)
		return rc;
	*handle = h;
	return ODS_OK;
}

/* A reference of our own to the key behind handle (freed by the caller), so a concurrent
 * remove() cannot free it under a signer; NULL when the handle is not (any more) ours. */
static EVP_PKEY *
key_get(struct soft_repo *r, uintptr_t handle, int *alg)
{
	struct soft_key want = {.pkey = (EVP_PKEY *)handle}, *k;
	EVP_PKEY *pkey = NULL;

	pthread_rwlock_rdlock(&r->mu);
	k = bsearch(&want, r->keys, r->n_keys, sizeof(*r->keys), by_pkey);
	if (k != NULL && EVP_PKEY_up_ref(k->pkey) == 1) {
		pkey = k->pkey;
		*alg = k->alg;
	}
	pthread_rwlock_unlock(&r->mu);
	return pkey;
}

static ods_err
put_signature(struct arena *a, const uint8_t *sig, size_t len, struct ks_blob *out, struct diag *d)
{
	uint8_t *copy = arena_alloc(a, len);

	if (copy == NULL)
		return diag_fail(d, ODS_ENOMEM, "signatures", "reply too large");
	memcpy(copy, sig, len);
	out->data = copy;
	out->len = len;
	return ODS_OK;
}

/* RSA and ECDSA: the core hashed the data already. */
static ods_err
sign_digests(EVP_PKEY *pkey, int alg, const struct ks_blob *in, size_t n, struct ks_blob *out,
             struct arena *a, struct diag *d)
{
	bool rsa = strcmp(key_type(alg), "RSA") == 0;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	uint8_t info[DNS_DIGEST_INFO_MAX], sig[SOFT_SIG_MAX], raw[DNS_ECDSA_RAW_MAX];
	char where[32], err[160];
	ods_err rc = ODS_OK;

	/* No signature digest is set: RSA then pads PKCS#1 v1.5 type 1 around what it is given
	 * (the DigestInfo), as CKM_RSA_PKCS does, and ECDSA signs the digest as given. */
	if (ctx == NULL || EVP_PKEY_sign_init(ctx) != 1 ||
	    (rsa && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1)) {
		EVP_PKEY_CTX_free(ctx);
		return diag_fail(d, ODS_EHSM, "sign", "cannot sign as %s: %s", dns_alg_name(alg),
		                 ossl_error(err, sizeof(err)));
	}
	for (size_t i = 0; i < n && rc == ODS_OK; i++) {
		const uint8_t *msg = in[i].data;
		size_t mlen = in[i].len, slen = sizeof(sig), rlen = 0;

		snprintf(where, sizeof(where), "inputs[%zu]", i);
		if (rsa && dns_digest_info(alg, in[i].data, in[i].len, info, sizeof(info), &mlen) !=
		               ODS_OK) {
			rc = diag_fail(d, ODS_EINVAL, where, "not a digest for %s",
			               dns_alg_name(alg));
			break;
		}
		if (rsa)
			msg = info;
		if (EVP_PKEY_sign(ctx, sig, &slen, msg, mlen) != 1) {
			rc = diag_fail(d, ODS_EHSM, where, "signing failed: %s",
			               ossl_error(err, sizeof(err)));
		} else if (rsa) {
			rc = put_signature(a, sig, slen, &out[i], d);
		} else if (dns_ecdsa_der_to_raw(sig, slen, alg, raw, sizeof(raw), &rlen) !=
		           ODS_OK) {
			rc =
			    diag_fail(d, ODS_EHSM, where, "OpenSSL returned a malformed signature");
		} else {
			rc = put_signature(a, raw, rlen, &out[i], d);
		}
	}
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* EdDSA signs the whole message (RFC 8080 §4), in one shot with no digest. */
static ods_err
sign_messages(EVP_PKEY *pkey, const struct ks_blob *in, size_t n, struct ks_blob *out,
              struct arena *a, struct diag *d)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t sig[SOFT_SIG_MAX];
	char where[32], err[160];
	ods_err rc = ODS_OK;

	if (m == NULL)
		return diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
	for (size_t i = 0; i < n && rc == ODS_OK; i++) {
		size_t slen = sizeof(sig);

		if (EVP_MD_CTX_reset(m) != 1 ||
		    EVP_DigestSignInit_ex(m, NULL, NULL, NULL, NULL, pkey, NULL) != 1 ||
		    EVP_DigestSign(m, sig, &slen, in[i].data, in[i].len) != 1) {
			snprintf(where, sizeof(where), "inputs[%zu]", i);
			rc = diag_fail(d, ODS_EHSM, where, "signing failed: %s",
			               ossl_error(err, sizeof(err)));
		} else {
			rc = put_signature(a, sig, slen, &out[i], d);
		}
	}
	EVP_MD_CTX_free(m);
	return rc;
}

static ods_err
soft_sign(void *state, uintptr_t handle, int alg, const struct ks_blob *in, size_t n,
          struct ks_blob *out, struct arena *a, struct diag *d)
{
	struct soft_repo *r = state;
	int key_alg = 0;
	EVP_PKEY *pkey = key_get(r, handle, &key_alg);
	ods_err rc;

	if (pkey == NULL)
		return diag_fail(d, ODS_ESTATE, r->name, "key handle went stale");
	if (key_alg != alg)
		rc = diag_fail(d, ODS_EINVAL, "algorithm", "the key is %s, not %s",
		               dns_alg_name(key_alg), dns_alg_name(alg));
	else if (strcmp(key_type(alg), "RSA") == 0 || strcmp(key_type(alg), "EC") == 0)
		rc = sign_digests(pkey, alg, in, n, out, a, d);
	else
		rc = sign_messages(pkey, in, n, out, a, d);
	EVP_PKEY_free(pkey);
	return rc;
}

/* Nothing to destroy: the catalogue row, which the core deletes, is the key. Only forget
 * the unsealed copy; signers that hold a reference finish first. */
static ods_err
soft_remove(void *state, const char *locator, struct diag *d)
{
	struct soft_repo *r = state;
	struct soft_key *k;
	EVP_PKEY *gone = NULL;

	(void)d;
	pthread_rwlock_wrlock(&r->mu);
	k = find_locator(r, locator);
	if (k != NULL) {
		size_t i = (size_t)(k - r->keys);
		gone = k->pkey;
		memmove(k, k + 1, (r->n_keys - i - 1) * sizeof(*r->keys));
		r->n_keys--;
	}
	pthread_rwlock_unlock(&r->mu);
	EVP_PKEY_free(gone);
	return ODS_OK;
}

static ods_err
soft_info(void *state, struct ks_token_info *out, struct diag *d)
{
	struct soft_repo *r = state;
	char id[KS_KEK_ID_HEX];

	(void)d;
	snprintf(out->manufacturer, sizeof(out->manufacturer), "OpenSSL");
	snprintf(out->model, sizeof(out->model), "%s", OpenSSL_version(OPENSSL_VERSION_STRING));
	/* The KEK's id, never the KEK: operators compare it across replicas. */
	snprintf(out->serial, sizeof(out->serial), "%s", ks_kek_id_hex(r->kek->id, id));
	out->logged_in = true;
	return ODS_OK;
}

const struct ks_backend_ops ks_soft_ops = {
    .type = "software",
    .open = soft_open,
    .close = soft_close,
    .login = soft_login,
    .supports = soft_supports,
    .generate = soft_generate,
    .load = soft_load,
    .sign = soft_sign,
    .remove = soft_remove,
    .info = soft_info,
};
