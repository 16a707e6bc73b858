/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-keystored: the only process that opens PKCS#11 modules. Repositories are opened after
 * the database is ready and before RPC serves; they close after RPC has drained.
 */
#include "lib/base/log.h"
#include "lib/svc/svc.h"
#include "ods/keystore.pb-c.h"
#include "services/keystore/keystore.h"
#include "services/keystore/rpc/methods.h"

static ods_err
start(struct svc *s, void *ctx)
{
	struct ks *ks = ctx;
	struct diag d = {0};
	ods_err rc = ks_open(ks, svc_conf(s), &d);

	if (rc != ODS_OK) {
		log_error("keystore", "open_failed", "%s: %s", d.where, d.msg);
		return rc;
	}
	rc = svc_add_methods(s, ks_key_methods, ks);
	if (rc == ODS_OK)
		rc = svc_add_methods(s, ks_sign_methods, ks);
	return rc;
}

static void
stop(struct svc *s, void *ctx)
{
	(void)s;
	ks_close(ctx);
}

static const struct svc_def def = {
	.kind = CONF_SVC_KEYSTORE,
	.prog = "ods-keystored",
	.desc = &ods__keystore__keystore__descriptor,
	.start = start,
	.stop = stop,
};

int
main(int argc, char **argv)
{
	struct ks ks = {0};

	return svc_main(&def, &ks, argc, argv);
}
