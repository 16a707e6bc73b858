/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-signerd: a signer worker on the shared service skeleton (lib/svc). Start: a database
 * pool for the commands, a keystore client, the ods-signer methods, then the worker threads
 * (queue.c); stop in the reverse order after RPC has drained.
 */
#include <stdio.h>
#include <unistd.h>

#include "lib/base/log.h"
#include "lib/db/pool.h"
#include "lib/rpc/client.h"
#include "lib/svc/peer.h"
#include "lib/svc/svc.h"
#include "ods/signer.pb-c.h"
#include "services/signer/rpc.h"
#include "services/signer/signer.h"

#define POOL_MAX 4

static ods_err
start(struct svc *s, void *ctx)
{
	struct sgn *g = ctx;
	const struct ods_conf *conf = svc_conf(s);
	struct rpc_client_opts o;
	struct diag d = {0};
	char host[64] = "";
	ods_err rc;

	g->svc = s;
	(void)gethostname(host, sizeof(host) - 1);
	snprintf(g->instance, sizeof(g->instance), "%s:%d", host, (int)getpid());
	rc = db_pool_new(&g->pool, conf->cluster.database, POOL_MAX);
	if (rc != ODS_OK)
		return rc;
	svc_peer_opts(conf, CONF_SVC_KEYSTORE, &o);
	rc = rpc_client_new(&g->keystore, &o, &d);
	if (rc != ODS_OK) {
		log_error("signer", "keystore_client", "%s: %s", d.where, d.msg);
		return rc;
	}
	rc = svc_add_methods(s, sgn_rpc_methods, g);
	if (rc == ODS_OK)
		rc = svc_add_methods(s, svc_control_methods, s);
	if (rc == ODS_OK)
		rc = sgn_workers_start(g, conf->signer.worker_threads);
	return rc;
}

static void
stop(struct svc *s, void *ctx)
{
	struct sgn *g = ctx;

	(void)s;
	sgn_workers_stop(g);
	rpc_client_free(g->keystore);
	db_pool_free(g->pool);
}

static const struct svc_def def = {
	.kind = CONF_SVC_SIGNER,
	.prog = "ods-signerd",
	.desc = &ods__signer__signer__descriptor,
	.start = start,
	.stop = stop,
};

int
main(int argc, char **argv)
{
	static struct sgn g;

	return svc_main(&def, &g, argc, argv);
}
