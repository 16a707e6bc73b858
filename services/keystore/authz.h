/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Who may do what. nng 1.5.2 tells a server only that a TLS peer's certificate verified, not
 * whose it is, so the role comes from the listener the call arrived on: each role has its own
 * listener that trusts only that role's client CA (conf.xml <Listen role="signer" ca="...">).
 * A listener without a role (ipc://, or a tcp:// on loopback) is trusted for everything.
 */
#pragma once

#include <stdbool.h>

enum ks_perm {
	KS_PERM_READ,   /* list keys, public keys, token info */
	KS_PERM_SIGN,   /* SignBatch */
	KS_PERM_MANAGE, /* generate, delete, login, backup */
};

/* May a caller that came through a listener of this role (NULL: none) do perm? Roles:
 * "signer" reads and signs; "enforcer" and "admin" may do everything; any other role
 * nothing. */
bool ks_authz_may(const char *role, enum ks_perm perm);
