/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key-encryption key (KEK) of a software repository: 32 bytes that seal every private key
 * of the repository (seal.h). It is read once, when the repository opens, from
 * <KeyEncryptionKeyFile> (a file only its owner may read or write: 32 raw bytes or 64 hex
 * digits) or <KeyEncryptionKeyEnvironment> (64 hex digits), into a page of its own that is
 * locked in memory (best effort) and left out of core dumps. A KEK is named by its id, a
 * truncated hash, in messages, in TokenInfo's serial and in every sealed blob; the KEK itself
 * is never written anywhere. The parsing functions are pure and thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct conf_repository;

#define KS_KEK_LEN 32   /* AES-256 */
#define KS_KEK_ID_LEN 8 /* bytes of SHA-256 naming a KEK without revealing it */
#define KS_KEK_ID_HEX (2 * KS_KEK_ID_LEN + 1)

/* A key-encryption key and its id. The id is the first KS_KEK_ID_LEN bytes of
 * SHA-256("ods-keystore-kek-id" || key): it tells two KEKs apart in messages and in blobs,
 * and says nothing usable about the key. Wipe with ks_kek_wipe. */
struct ks_kek {
	uint8_t key[KS_KEK_LEN];
	uint8_t id[KS_KEK_ID_LEN];
};

/* Fill *out from KS_KEK_LEN raw bytes. ODS_EINTERNAL when OpenSSL cannot hash. */
ods_err ks_kek_init(struct ks_kek *out, const uint8_t key[KS_KEK_LEN]);

/* A KEK from the text of a file or an environment variable: exactly KS_KEK_LEN raw bytes (only
 * when allow_raw), or 2 * KS_KEK_LEN hex digits, optionally surrounded by white space (a
 * trailing newline). 32 bytes that are all hex digits are refused: that is a 128-bit key
 * written in hex, not a random 256-bit one. `what` names the source in d's message
 * ("KeyEncryptionKeyFile /etc/ods/kek"). ODS_EINVAL for anything else; *out is written only on
 * success, and the caller wipes text. */
ods_err ks_kek_parse(const uint8_t *text, size_t len, bool allow_raw, const char *what,
                     struct ks_kek *out, struct diag *d);

/* Overwrite the key and id with zeros (OPENSSL_cleanse); NULL is fine. */
void ks_kek_wipe(struct ks_kek *k);

/* The id in hex, NUL-terminated, into buf (KS_KEK_ID_HEX bytes). Returns buf. */
const char *ks_kek_id_hex(const uint8_t id[KS_KEK_ID_LEN], char buf[KS_KEK_ID_HEX]);

/* The KEK of software repository c, from its KeyEncryptionKeyFile or
 * KeyEncryptionKeyEnvironment, in a locked page of its own; free it with ks_kek_free. The
 * file must be a regular file with no permission bits for group or others. Errors, each with
 * a message in d that names the file or variable and never the key:
 *   ODS_EUNAVAIL  the file does not exist (yet: a secret mount may come later);
 *   ODS_EPERM     the file's mode lets group or others in (the message says chmod 600);
 *   ODS_EINVAL    not a regular file, the variable is not set, or the content is no KEK;
 *   ODS_EIO, ODS_ENOMEM, ODS_EINTERNAL.
 * *out is written only on success. Thread-safe (getenv aside). */
ods_err ks_kek_load(const struct conf_repository *c, struct ks_kek **out, struct diag *d);

/* Wipe and unmap a KEK from ks_kek_load; NULL is fine. */
void ks_kek_free(struct ks_kek *k);
