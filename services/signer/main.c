/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-signerd: the signer daemon on the shared service skeleton (lib/svc). Its domain methods come
 * with the signer's own issue; today it connects, migrates and answers the admin methods.
 */
#include "lib/svc/svc.h"
#include "ods/signer.pb-c.h"

static const struct svc_def def = {
	.kind = CONF_SVC_SIGNER,
	.prog = "ods-signerd",
	.desc = &ods__signer__signer__descriptor,
};

int
main(int argc, char **argv)
{
	return svc_main(&def, NULL, argc, argv);
}
