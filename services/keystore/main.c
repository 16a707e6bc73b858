/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-keystored: the keystore daemon on the shared service skeleton (lib/svc). Its domain methods come
 * with the keystore's own issue; today it connects, migrates and answers the admin methods.
 */
#include "lib/svc/svc.h"
#include "ods/keystore.pb-c.h"

static const struct svc_def def = {
	.kind = CONF_SVC_KEYSTORE,
	.prog = "ods-keystored",
	.desc = &ods__keystore__keystore__descriptor,
};

int
main(int argc, char **argv)
{
	return svc_main(&def, NULL, argc, argv);
}
