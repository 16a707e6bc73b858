/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sealed-key format of software repositories (seal.h): AES-256-GCM with a random 96-bit
 * nonce per blob. Random nonces are safe here because one KEK seals few messages (one per
 * key ever generated), far below the 2^32 that NIST SP 800-38D allows for random nonces.
 * The header (version and KEK id) is authenticated with the caller's data, so neither can be
 * changed without the tag failing. Every plaintext buffer is wiped before it is freed.
 */
#include "services/keystore/soft/seal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* The version and KEK id (authenticated as the first AAD), then the caller's AAD. */
static bool
add_aad(EVP_CIPHER_CTX *ctx, const uint8_t *header, const uint8_t *aad, size_t aad_len)
{
	int n;

	if (EVP_CipherUpdate(ctx, NULL, &n, header, 1 + KS_KEK_ID_LEN) != 1)
		return false;
	return aad_len == 0 ||
	       (aad_len <= INT_MAX && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1);
}

ods_err
ks_seal(const struct ks_kek *kek, const uint8_t *aad, size_t aad_len, const uint8_t *plain,
        size_t plain_len, uint8_t **out, size_t *out_len, struct diag *d)
{
	size_t n = plain_len + KS_SEAL_OVERHEAD;
	uint8_t *b, *nonce, *ct;
	EVP_CIPHER_CTX *ctx;
	int len = 0, fin = 0;
	bool ok;

	if (plain_len == 0 || plain_len > KS_SEAL_PLAIN_MAX)
		return diag_fail(d, ODS_EINVAL, "seal", "%zu bytes to seal; 1..%d allowed",
		                 plain_len, KS_SEAL_PLAIN_MAX);
	b = malloc(n);
	ctx = EVP_CIPHER_CTX_new();
	if (b == NULL || ctx == NULL) {
		free(b);
		EVP_CIPHER_CTX_free(ctx);
		return diag_fail(d, ODS_ENOMEM, "seal", "out of memory");
	}
	nonce = b + 1 + KS_KEK_ID_LEN;
	ct = b + KS_SEAL_HEADER_LEN;
	b[0] = KS_SEAL_VERSION;
	memcpy(b + 1, kek->id, KS_KEK_ID_LEN);
	ok = RAND_bytes(nonce, KS_SEAL_NONCE_LEN) == 1 &&
	     EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), kek->key, nonce, NULL) == 1 &&
	     add_aad(ctx, b, aad, aad_len) &&
	     EVP_EncryptUpdate(ctx, ct, &len, plain, (int)plain_len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, ct + len, &fin) == 1 &&
	     (size_t)len + (size_t)fin == plain_len &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, KS_SEAL_TAG_LEN, ct + plain_len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		free(b);
		return diag_fail(d, ODS_EINTERNAL, "seal", "AES-256-GCM encryption failed");
	}
	*out = b;
	*out_len = n;
	return ODS_OK;
}

ods_err
ks_unseal(const struct ks_kek *kek, const uint8_t *aad, size_t aad_len, const uint8_t *blob,
          size_t blob_len, uint8_t **plain, size_t *plain_len, struct diag *d)
{
	char ours[KS_KEK_ID_HEX], theirs[KS_KEK_ID_HEX];
	const uint8_t *nonce = blob + 1 + KS_KEK_ID_LEN, *ct = blob + KS_SEAL_HEADER_LEN;
	size_t n;
	uint8_t *p, tag[KS_SEAL_TAG_LEN];
	EVP_CIPHER_CTX *ctx;
	int len = 0, fin = 0;
	bool ok;

	if (blob == NULL || blob_len <= KS_SEAL_OVERHEAD ||
	    blob_len > KS_SEAL_PLAIN_MAX + KS_SEAL_OVERHEAD)
		return diag_fail(d, ODS_EINVAL, "sealed", "%zu bytes is not a sealed key",
		                 blob_len);
	if (blob[0] != KS_SEAL_VERSION)
		return diag_fail(d, ODS_EINVAL, "sealed", "unknown sealed-key format version %u",
		                 blob[0]);
	if (memcmp(blob + 1, kek->id, KS_KEK_ID_LEN) != 0)
		return diag_fail(d, ODS_ESTATE, "sealed",
		                 "sealed under key-encryption key %s, but this repository's is %s",
		                 ks_kek_id_hex(blob + 1, theirs), ks_kek_id_hex(kek->id, ours));
	n = blob_len - KS_SEAL_OVERHEAD;
	p = malloc(n);
	ctx = EVP_CIPHER_CTX_new();
	if (p == NULL || ctx == NULL) {
		free(p);
		EVP_CIPHER_CTX_free(ctx);
		return diag_fail(d, ODS_ENOMEM, "unseal", "out of memory");
	}
	memcpy(tag, ct + n, sizeof(tag)); /* the ctrl takes a non-const pointer */
	ok = EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), kek->key, nonce, NULL) == 1 &&
	     add_aad(ctx, blob, aad, aad_len) && EVP_DecryptUpdate(ctx, p, &len, ct, (int)n) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, KS_SEAL_TAG_LEN, tag) == 1 &&
	     EVP_DecryptFinal_ex(ctx, p + len, &fin) == 1 && (size_t)len + (size_t)fin == n;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		ks_unseal_free(p, n);
		return diag_fail(
		    d, ODS_EPERM, "sealed",
		    "the sealed key does not authenticate: it was altered, or it belongs "
		    "to another key");
	}
	*plain = p;
	*plain_len = n;
	return ODS_OK;
}

void
ks_unseal_free(uint8_t *plain, size_t len)
{
	if (plain == NULL)
		return;
	OPENSSL_cleanse(plain, len);
	free(plain);
}
