/* SPDX-License-Identifier: BSD-2-Clause */
/* Client options for a cluster service, from conf.xml. */
#include "lib/svc/peer.h"

void
svc_peer_opts(const struct ods_conf *conf, enum conf_svc kind, struct rpc_client_opts *o)
{
	const struct conf_service *cs = &conf->cluster.svc[kind];

	*o = (struct rpc_client_opts){
		.endpoints = (const char *const *)cs->endpoints,
		.n_endpoints = cs->n_endpoints,
		.tls = {conf->cluster.tls.cert_file, conf->cluster.tls.key_file,
		        conf->cluster.tls.ca_file},
		.max_message_bytes = conf->cluster.max_message_bytes,
	};
}
