/* SPDX-License-Identifier: BSD-2-Clause */
/* The role table. */
#include "services/keystore/authz.h"

#include <string.h>

static const struct {
	const char *role;
	bool read, sign, manage;
} roles[] = {
	{"signer", true, true, false},
	{"enforcer", true, true, true},
	{"admin", true, true, true},
};

bool
ks_authz_may(const char *role, enum ks_perm perm)
{
	if (role == NULL)
		return true;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(roles[i].role, role) != 0)
			continue;
		switch (perm) {
		case KS_PERM_READ:
			return roles[i].read;
		case KS_PERM_SIGN:
			return roles[i].sign;
		case KS_PERM_MANAGE:
			return roles[i].manage;
		}
	}
	return false;
}
