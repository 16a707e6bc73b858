/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-enforcerd: policies, zones and key timelines. Every process serves RPC; the one that
 * holds the leader lock (leader.c) also runs the scheduler (sched.c) and is the only one that
 * changes key state. Start: database pool and keystore client, the RPC methods, then the
 * leader and scheduler threads; stop in the reverse order after RPC has drained.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/log.h"
#include "lib/db/pool.h"
#include "lib/rpc/client.h"
#include "lib/svc/peer.h"
#include "lib/svc/svc.h"
#include "ods/enforcer.pb-c.h"
#include "services/enforcer/enforcer.h"
#include "services/enforcer/rpc/common.h"

#define POOL_MAX 8

static void
identify(struct enf *e, const struct ods_conf *conf)
{
	const struct conf_service *cs = &conf->cluster.svc[CONF_SVC_ENFORCER];
	char host[64] = "";

	(void)gethostname(host, sizeof(host) - 1);
	snprintf(e->instance, sizeof(e->instance), "%s:%d", host, (int)getpid());
	/* Clients dial the listener; a wildcard address is not dialable, but then the
	 * Endpoint list of conf.xml is what clients use anyway. */
	snprintf(e->endpoint, sizeof(e->endpoint), "%s", cs->n_listen ? cs->listen[0].url : "");
}

static ods_err
start(struct svc *s, void *ctx)
{
	struct enf *e = ctx;
	const struct ods_conf *conf = svc_conf(s);
	struct rpc_client_opts o;
	struct diag d = {0};
	ods_err rc;

	e->svc = s;
	identify(e, conf);
	pthread_mutex_init(&e->mu, NULL);
	pthread_mutex_init(&e->run_mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	rc = db_pool_new(&e->pool, conf->cluster.database, POOL_MAX);
	if (rc != ODS_OK)
		return rc;
	svc_peer_opts(conf, CONF_SVC_KEYSTORE, &o);
	rc = rpc_client_new(&e->keystore, &o, &d);
	if (rc != ODS_OK) {
		log_error("enforcer", "keystore_client", "%s: %s", d.where, d.msg);
		return rc;
	}
	const struct rpc_method *tables[] = {enf_admin_methods, enf_policy_methods,
	                                     enf_zone_methods, enf_key_methods};
	for (size_t i = 0; rc == ODS_OK && i < sizeof(tables) / sizeof(tables[0]); i++)
		rc = svc_add_methods(s, tables[i], e);
	if (rc == ODS_OK)
		rc = svc_add_methods(s, svc_control_methods, s);
	if (rc == ODS_OK)
		rc = enf_sched_start(e);
	if (rc == ODS_OK)
		rc = enf_leader_start(e);
	return rc;
}

static void
stop(struct svc *s, void *ctx)
{
	struct enf *e = ctx;

	(void)s;
	enf_sched_stop(e);
	enf_leader_stop(e);
	rpc_client_free(e->keystore);
	db_pool_free(e->pool);
}

static const struct svc_def def = {
	.kind = CONF_SVC_ENFORCER,
	.prog = "ods-enforcerd",
	.desc = &ods__enforcer__enforcer__descriptor,
	.start = start,
	.stop = stop,
};

int
main(int argc, char **argv)
{
	static struct enf e;

	return svc_main(&def, &e, argc, argv);
}
