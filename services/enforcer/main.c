/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-enforcerd: the enforcer daemon on the shared service skeleton (lib/svc). Its domain methods come
 * with the enforcer's own issue; today it connects, migrates and answers the admin methods.
 */
#include "lib/svc/svc.h"
#include "ods/enforcer.pb-c.h"

static const struct svc_def def = {
	.kind = CONF_SVC_ENFORCER,
	.prog = "ods-enforcerd",
	.desc = &ods__enforcer__enforcer__descriptor,
};

int
main(int argc, char **argv)
{
	return svc_main(&def, NULL, argc, argv);
}
