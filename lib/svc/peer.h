/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How anything in the cluster reaches one of its services: the service's Endpoint list, the
 * cluster's TLS files and message limit, all from conf.xml. The CLI, the daemons calling each
 * other, tests and benchmarks all start from here.
 */
#pragma once

#include "lib/conf/conf.h"
#include "lib/rpc/client.h"

/* Fill o for calls to service kind. Every pointer in o is borrowed from conf, which must
 * outlive the client made from o. Callers may then override fields (one endpoint, other TLS
 * files, fail_fast) before rpc_client_new. */
void svc_peer_opts(const struct ods_conf *conf, enum conf_svc kind, struct rpc_client_opts *o);
