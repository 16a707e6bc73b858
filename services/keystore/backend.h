/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A repository's key store behind one function table (Knot's keystore split): PKCS#11 tokens
 * (p11/) and software keys made with OpenSSL and sealed in PostgreSQL under a key-encryption
 * key (soft/). The keystore core keeps the key catalogue (hsm_key rows, including a software
 * key's sealed blob), capacity and the cache of loaded keys; a backend only makes, finds, uses
 * and destroys key material. Private keys never leave a backend unsealed.
 *
 * Every function may be called from several RPC worker threads at once; a backend does its
 * own locking.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct arena;
struct conf_repository;

#define KS_LOCATOR_MAX 65   /* 32 bytes of CKA_ID in hex, and the NUL */
#define KS_PUBKEY_MAX 1024  /* DNSKEY public key field: RSA-4096 needs 517 */

/* A key a backend has just made. */
struct ks_new_key {
	char locator[KS_LOCATOR_MAX];
	unsigned bits;
	uint8_t pubkey[KS_PUBKEY_MAX]; /* DNSKEY public key field */
	size_t pubkey_len;
	bool public_on_token;
	uint8_t *sealed; /* software keys: the sealed private key (malloc'd), else NULL */
	size_t sealed_len;
};

/* An input or an output of a signing batch. */
struct ks_blob {
	const uint8_t *data;
	size_t len;
};

/* What a repository says about itself (TokenInfo). Strings are NUL-terminated copies. */
struct ks_token_info {
	char manufacturer[33];
	char model[17];
	char serial[17];
	bool logged_in;
};

struct ks_backend_ops {
	const char *type; /* "pkcs11", "software": RepositoryInfo.type */
	/* Open the repository: load the module, find the token, log in when a PIN is known.
	 * A repository that cannot be opened yet (no PIN) is still returned, with
	 * ODS_ESTATE, so `login` can finish it later. */
	ods_err (*open)(const struct conf_repository *r, const char *pin, void **state,
	                struct diag *d);
	void (*close)(void *state);
	ods_err (*login)(void *state, const char *pin, struct diag *d);
	bool (*supports)(void *state, int alg);
	ods_err (*generate)(void *state, int alg, unsigned bits, struct ks_new_key *out,
	                    struct diag *d);
	/* Find (or unseal) the private key for signing; *handle is opaque to the core. alg is
	 * the catalogue's algorithm for the key, sealed/sealed_len its sealed blob (NULL, 0 for
	 * PKCS#11 keys). The handle stays valid until remove() or close(). */
	ods_err (*load)(void *state, const char *locator, int alg, const uint8_t *sealed,
	                size_t sealed_len, uintptr_t *handle, struct diag *d);
	/* Sign n inputs with the loaded key; out[i] gets a signature allocated in arena a.
	 * ODS_ESTATE when the handle went stale (the core reloads and retries once). */
	ods_err (*sign)(void *state, uintptr_t handle, int alg, const struct ks_blob *in, size_t n,
	                struct ks_blob *out, struct arena *a, struct diag *d);
	ods_err (*remove)(void *state, const char *locator, struct diag *d);
	ods_err (*info)(void *state, struct ks_token_info *out, struct diag *d);
};

extern const struct ks_backend_ops ks_p11_ops;  /* p11/keys.c */
extern const struct ks_backend_ops ks_soft_ops; /* soft/soft.c */
