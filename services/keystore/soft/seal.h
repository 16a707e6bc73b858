/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sealing for software keys: a private key is encrypted and authenticated with AES-256-GCM
 * under the repository's key-encryption key (KEK) before it is stored in hsm_key.sealed, bound
 * to the row it belongs to by additional authenticated data the caller chooses. A sealed blob
 * is, in order: the format version (1 byte, KS_SEAL_VERSION), the KEK id (8 bytes, see
 * kek.h), a random nonce (12 bytes), the ciphertext (as long as the plaintext) and the
 * GCM tag (16 bytes). Version and KEK id are authenticated too, ahead of the caller's data.
 * docs/keystore-software.md describes the format and the threat model. Pure functions apart
 * from the nonce's randomness; thread-safe. Nothing here logs, and no function writes key
 * material anywhere but into the buffers it returns.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "services/keystore/soft/kek.h"

#define KS_SEAL_VERSION 1
#define KS_SEAL_NONCE_LEN 12
#define KS_SEAL_TAG_LEN 16
#define KS_SEAL_HEADER_LEN (1 + KS_KEK_ID_LEN + KS_SEAL_NONCE_LEN)
#define KS_SEAL_OVERHEAD (KS_SEAL_HEADER_LEN + KS_SEAL_TAG_LEN)
#define KS_SEAL_PLAIN_MAX 65536 /* an RSA-4096 PKCS#8 key is about 2.4 KiB */

/* Seal plain (1..KS_SEAL_PLAIN_MAX bytes) under kek with aad (may be empty). *out gets a
 * malloc'd blob of plain_len + KS_SEAL_OVERHEAD bytes, which the caller frees (it holds no
 * secret). ODS_EINVAL for an empty or oversized plaintext; ODS_EINTERNAL when OpenSSL fails
 * (no randomness); ODS_ENOMEM. */
ods_err ks_seal(const struct ks_kek *kek, const uint8_t *aad, size_t aad_len, const uint8_t *plain,
                size_t plain_len, uint8_t **out, size_t *out_len, struct diag *d);

/* Open a blob made by ks_seal with the same kek and aad. *plain gets a malloc'd plaintext the
 * caller must release with ks_unseal_free. Errors, each with a message in d that names no
 * secret:
 *   ODS_EINVAL  not a sealed blob: too short, or an unknown format version;
 *   ODS_ESTATE  sealed under another KEK (the ids differ; d names both ids);
 *   ODS_EPERM   the blob does not authenticate: altered, truncated, or made for other aad;
 *   ODS_EINTERNAL, ODS_ENOMEM. */
ods_err ks_unseal(const struct ks_kek *kek, const uint8_t *aad, size_t aad_len, const uint8_t *blob,
                  size_t blob_len, uint8_t **plain, size_t *plain_len, struct diag *d);

/* Wipe and free a plaintext from ks_unseal; NULL is fine. */
void ks_unseal_free(uint8_t *plain, size_t len);
