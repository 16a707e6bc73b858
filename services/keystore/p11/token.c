/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One repository's token: found by its label (slot ids change when tokens are re-initialised),
 * logged in once through a session kept open for that purpose (PKCS#11 login state lives as
 * long as one session of the application does), and a pool of sessions so that concurrent
 * requests sign in parallel. When the token or a session goes away (CKR_SESSION_HANDLE_INVALID,
 * CKR_DEVICE_REMOVED, ...) the next user reopens everything: the daemon never restarts for it.
 */
#include "services/keystore/p11/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P11_LABEL_LEN 32

/* Token labels are blank-padded to 32 bytes, not NUL-terminated. */
static bool
label_matches(const CK_UTF8CHAR *field, const char *label)
{
	size_t n = strlen(label);

	if (n > P11_LABEL_LEN || memcmp(field, label, n) != 0)
		return false;
	for (size_t i = n; i < P11_LABEL_LEN; i++)
		if (field[i] != ' ')
			return false;
	return true;
}

static ods_err
find_slot(struct p11_repo *r, CK_SLOT_ID *out, struct diag *d)
{
	CK_FUNCTION_LIST *f = r->m->f;
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	char nb[32];
	CK_RV rv = f->C_GetSlotList(CK_TRUE, NULL, &n);

	if (rv == CKR_OK && n > 0) {
		slots = calloc(n, sizeof(*slots));
		if (slots == NULL)
			return ODS_ENOMEM;
		rv = f->C_GetSlotList(CK_TRUE, slots, &n);
	}
	if (rv != CKR_OK) {
		free(slots);
		return diag_fail(d, ODS_EUNAVAIL, r->name, "C_GetSlotList: %s",
		                 p11_rv_name(rv, nb, sizeof(nb)));
	}
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK && label_matches(ti.label, r->label)) {
			*out = slots[i];
			free(slots);
			return ODS_OK;
		}
	}
	free(slots);
	return diag_fail(d, ODS_EUNAVAIL, r->name, "no token labelled '%s' in module %s", r->label,
	                 r->m->path);
}

static void
scan_mechanisms(struct p11_repo *r)
{
	CK_FUNCTION_LIST *f = r->m->f;
	CK_MECHANISM_TYPE *list = NULL;
	CK_ULONG n = 0;
	bool rsa_gen = false, rsa = false, ec_gen = false, ecdsa = false, ed_gen = false,
	     eddsa = false;

	if (f->C_GetMechanismList(r->slot, NULL, &n) != CKR_OK || n == 0)
		return;
	list = calloc(n, sizeof(*list));
	if (list == NULL || f->C_GetMechanismList(r->slot, list, &n) != CKR_OK) {
		free(list);
		return;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		rsa_gen |= list[i] == CKM_RSA_PKCS_KEY_PAIR_GEN;
		rsa |= list[i] == CKM_RSA_PKCS;
		ec_gen |= list[i] == CKM_EC_KEY_PAIR_GEN;
		ecdsa |= list[i] == CKM_ECDSA;
		ed_gen |= list[i] == CKM_EC_EDWARDS_KEY_PAIR_GEN;
		eddsa |= list[i] == CKM_EDDSA;
	}
	free(list);
	r->mechs.rsa = rsa_gen && rsa;
	r->mechs.ec = ec_gen && ecdsa;
	r->mechs.eddsa = ed_gen && eddsa;
}

ods_err
p11_repo_reopen(struct p11_repo *r, struct diag *d)
{
	CK_FUNCTION_LIST *f = r->m->f;
	char nb[32];
	CK_RV rv;
	ods_err rc;

	if (r->open) {
		/* Everything lent out belongs to the old generation and is dropped on return. */
		f->C_CloseAllSessions(r->slot);
		r->n_idle = 0;
		r->n_open = 0;
		r->open = false;
	}
	r->generation++;
	rc = find_slot(r, &r->slot, d);
	if (rc != ODS_OK)
		return rc;
	scan_mechanisms(r);
	if (r->pin == NULL)
		return diag_fail(d, ODS_ESTATE, r->name,
		                 "no PIN: give one in conf.xml (PIN, PINFile) or with ods-hsmutil login");
	rv = f->C_OpenSession(r->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                      &r->login_session);
	if (rv != CKR_OK)
		return diag_fail(d, ODS_EUNAVAIL, r->name, "C_OpenSession: %s",
		                 p11_rv_name(rv, nb, sizeof(nb)));
	rv = f->C_Login(r->login_session, CKU_USER, (CK_UTF8CHAR *)r->pin, strlen(r->pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		f->C_CloseSession(r->login_session);
		if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED || rv == CKR_PIN_LEN_RANGE)
			return diag_fail(d, ODS_EAUTH, r->name, "login to token '%s' refused: %s",
			                 r->label, p11_rv_name(rv, nb, sizeof(nb)));
		return diag_fail(d, ODS_EUNAVAIL, r->name, "C_Login: %s",
		                 p11_rv_name(rv, nb, sizeof(nb)));
	}
	r->open = true;
	return ODS_OK;
}

ods_err
p11_session_get(struct p11_repo *r, CK_SESSION_HANDLE *s, uint64_t *gen, struct diag *d)
{
	char nb[32];
	ods_err rc;
	CK_RV rv;

	pthread_mutex_lock(&r->mu);
	if (!r->open) {
		rc = p11_repo_reopen(r, d);
		if (rc != ODS_OK) {
			pthread_mutex_unlock(&r->mu);
			return rc;
		}
	}
	while (r->n_idle == 0 && r->n_open >= r->max_sessions)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->n_idle > 0) {
		*s = r->idle[--r->n_idle];
	} else {
		rv = r->m->f->C_OpenSession(r->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
		                            NULL, s);
		if (rv != CKR_OK) {
			if (p11_rv_lost(rv))
				r->open = false;
			pthread_mutex_unlock(&r->mu);
			return diag_fail(d, ODS_EUNAVAIL, r->name, "C_OpenSession: %s",
			                 p11_rv_name(rv, nb, sizeof(nb)));
		}
		r->n_open++;
	}
	*gen = r->generation;
	pthread_mutex_unlock(&r->mu);
	return ODS_OK;
}

void
p11_session_put(struct p11_repo *r, CK_SESSION_HANDLE s, uint64_t gen, bool lost)
{
	pthread_mutex_lock(&r->mu);
	if (gen == r->generation) {
		if (lost) {
			/* Reopen lazily: the next p11_session_get starts from scratch. */
			r->m->f->C_CloseAllSessions(r->slot);
			r->open = false;
			r->n_idle = 0;
			r->n_open = 0;
		} else {
			r->idle[r->n_idle++] = s;
		}
	}
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}
