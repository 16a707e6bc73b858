/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKCS#11 modules: dlopen'ed and C_Initialize'd once per process, with OS locking so the
 * module may be called from several threads; shared by every repository naming the same path.
 */
#include "services/keystore/p11/internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t modules_mu = PTHREAD_MUTEX_INITIALIZER;
static struct p11_module *modules;

static const struct {
	CK_RV rv;
	const char *name;
} rv_names[] = {
	{CKR_OK, "CKR_OK"},
	{CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
	{CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
	{CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
	{CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
	{CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
	{CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
	{CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
	{CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
	{CKR_DATA_INVALID, "CKR_DATA_INVALID"},
	{CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"},
	{CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
	{CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
	{CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
	{CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
	{CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
	{CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE"},
	{CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
	{CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
	{CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
	{CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
	{CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
	{CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
	{CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
	{CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
	{CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
	{CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
	{CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
	{CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
	{CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
	{CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
	{CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
	{CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
	{CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
	{CKR_DOMAIN_PARAMS_INVALID, "CKR_DOMAIN_PARAMS_INVALID"},
	{CKR_CURVE_NOT_SUPPORTED, "CKR_CURVE_NOT_SUPPORTED"},
	{CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
	{CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
	{CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
};

const char *
p11_rv_name(CK_RV rv, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(rv_names) / sizeof(rv_names[0]); i++)
		if (rv_names[i].rv == rv)
			return rv_names[i].name;
	snprintf(buf, n, "CKR_0x%08lx", (unsigned long)rv);
	return buf;
}

bool
p11_rv_lost(CK_RV rv)
{
	switch (rv) {
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_DEVICE_REMOVED:
	case CKR_DEVICE_ERROR:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_USER_NOT_LOGGED_IN:
	case CKR_CRYPTOKI_NOT_INITIALIZED:
		return true;
	default:
		return false;
	}
}

static ods_err
module_load(const char *path, const char *repo, struct p11_module *m, struct diag *d)
{
	CK_C_GetFunctionList get_list;
	CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
	char nb[32];
	CK_RV rv;

	m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (m->dl == NULL)
		return diag_fail(d, ODS_EHSM, repo, "cannot load PKCS#11 module %s: %s", path,
		                 dlerror());
	*(void **)&get_list = dlsym(m->dl, "C_GetFunctionList");
	if (get_list == NULL)
		return diag_fail(d, ODS_EHSM, repo, "%s is not a PKCS#11 module (no C_GetFunctionList)",
		                 path);
	rv = get_list(&m->f);
	if (rv != CKR_OK)
		return diag_fail(d, ODS_EHSM, repo, "%s: C_GetFunctionList: %s", path,
		                 p11_rv_name(rv, nb, sizeof(nb)));
	rv = m->f->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
		return diag_fail(d, ODS_EHSM, repo, "%s: C_Initialize: %s", path,
		                 p11_rv_name(rv, nb, sizeof(nb)));
	return ODS_OK;
}

ods_err
p11_module_get(const char *path, const char *repo, struct p11_module **out, struct diag *d)
{
	struct p11_module *m;
	ods_err rc = ODS_OK;

	pthread_mutex_lock(&modules_mu);
	for (m = modules; m; m = m->next)
		if (strcmp(m->path, path) == 0)
			break;
	if (m == NULL) {
		m = calloc(1, sizeof(*m));
		if (m)
			m->path = strdup(path);
		if (m == NULL || m->path == NULL) {
			free(m);
			pthread_mutex_unlock(&modules_mu);
			return ODS_ENOMEM;
		}
		rc = module_load(path, repo, m, d);
		if (rc != ODS_OK) {
			if (m->dl)
				dlclose(m->dl);
			free(m->path);
			free(m);
			pthread_mutex_unlock(&modules_mu);
			return rc;
		}
		m->next = modules;
		modules = m;
	}
	m->refs++;
	pthread_mutex_unlock(&modules_mu);
	*out = m;
	return ODS_OK;
}

void
p11_module_put(struct p11_module *m)
{
	struct p11_module **pp;

	if (m == NULL)
		return;
	pthread_mutex_lock(&modules_mu);
	if (--m->refs == 0) {
		for (pp = &modules; *pp; pp = &(*pp)->next)
			if (*pp == m) {
				*pp = m->next;
				break;
			}
		m->f->C_Finalize(NULL);
		dlclose(m->dl);
		free(m->path);
		free(m);
	}
	pthread_mutex_unlock(&modules_mu);
}

const uint8_t *
p11_ec_params(int alg, size_t *len)
{
	static const uint8_t p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t p384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
	static const uint8_t ed25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
	static const uint8_t ed448[] = {0x06, 0x03, 0x2b, 0x65, 0x71};

	switch (alg) {
	case 13:
		*len = sizeof(p256);
		return p256;
	case 14:
		*len = sizeof(p384);
		return p384;
	case 15:
		*len = sizeof(ed25519);
		return ed25519;
	case 16:
		*len = sizeof(ed448);
		return ed448;
	default:
		*len = 0;
		return NULL;
	}
}
