/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the PKCS#11 backend only: modules (loaded and initialised once per process, shared
 * by the repositories that name them), one repository's token state with its session pool,
 * and CK_RV handling. PKCS#11 handles and PINs never leave services/keystore/p11/.
 */
#pragma once

#include <p11-kit/pkcs11.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"

struct p11_module {
	struct p11_module *next;
	char *path;
	void *dl;
	CK_FUNCTION_LIST *f;
	unsigned refs;
};

/* Load and C_Initialize (OS locking) the module at path, or take another reference to it. */
ods_err p11_module_get(const char *path, const char *repo, struct p11_module **out,
                       struct diag *d);
void p11_module_put(struct p11_module *m);

/* "CKR_PIN_INCORRECT"; "CKR_0x..." for values we do not name. Writes into buf. */
const char *p11_rv_name(CK_RV rv, char *buf, size_t n);
/* The token or session went away: reopen and retry. */
bool p11_rv_lost(CK_RV rv);

/* Which DNSSEC algorithms the token can both generate and sign. */
struct p11_mechs {
	bool rsa, ec, eddsa;
};

/* A key ready for signing: the object to sign with and the opening of the token it belongs
 * to. Object handles mean nothing after a reopen (and may be handed out again for another
 * object), so a key of an older generation is never used: the core loads it again. */
struct p11_loaded {
	struct p11_loaded *next;
	CK_OBJECT_HANDLE obj;
	uint64_t generation;
	bool session_copy; /* obj is a session copy of the token key (see keys.c) */
};

struct p11_repo {
	char *name;
	char *label;
	struct p11_module *m;
	bool skip_public;
	bool allow_extraction;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	CK_SLOT_ID slot;
	bool open;                      /* token found, logged in, sessions usable */
	char *pin;                      /* locked in memory; NULL until known */
	CK_SESSION_HANDLE login_session; /* keeps the login state alive */
	CK_SESSION_HANDLE *idle;         /* session pool */
	unsigned n_idle, n_open, max_sessions;
	uint64_t generation;             /* bumped by every reopen; older sessions are dropped */
	struct p11_mechs mechs;
	struct p11_loaded *loaded;       /* every key ever loaded, freed at close */
};

/* Find the token, open the login session, log in. Called with r->mu held. */
ods_err p11_repo_reopen(struct p11_repo *r, struct diag *d);

/* Borrow a session (waits when all are lent); *gen says which opening it belongs to. */
ods_err p11_session_get(struct p11_repo *r, CK_SESSION_HANDLE *s, uint64_t *gen,
                        struct diag *d);
/* Give it back; lost = the token or session failed under it: reopen before the next use. */
void p11_session_put(struct p11_repo *r, CK_SESSION_HANDLE s, uint64_t gen, bool lost);

/* The DER of CKA_EC_PARAMS for a DNSSEC EC/EdDSA algorithm; NULL for others. */
const uint8_t *p11_ec_params(int alg, size_t *len);
