/* SPDX-License-Identifier: BSD-2-Clause */
/* Health and SetVerbosity: the admin methods every service answers. */
#include "lib/svc/svc.h"

#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/arena.h"
#include "lib/base/log.h"
#include "ods/common.pb-c.h"

static ods_err
h_health(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct svc *s = ctx;
	Ods__HealthReply *r = (Ods__HealthReply *)out;
	char host[256] = "";

	(void)in;
	gethostname(host, sizeof(host) - 1);
	r->service = arena_strdup(c->arena, conf_svc_name(s->kind));
	r->version = (char *)ODS_VERSION;
	r->pid = (int32_t)getpid();
	r->hostname = arena_strdup(c->arena, host);
	r->ready = atomic_load(&s->ready) && atomic_load(&s->db_up);
	r->uptime_s = (int64_t)time(NULL) - s->started_unix;
	r->schema_version = atomic_load(&s->schema_version);
	r->leader = atomic_load(&s->leader);
	r->verbosity = log_verbosity();
	r->now_unix = clock_now(&s->clock);
	if (r->service == NULL || r->hostname == NULL)
		return diag_fail(&c->diag, ODS_ENOMEM, "reply", "out of memory");
	return ODS_OK;
}

static ods_err
h_set_verbosity(struct rpc_call *c, void *ctx, const ProtobufCMessage *in,
                ProtobufCMessage *out)
{
	const Ods__SetVerbosityRequest *rq = (const Ods__SetVerbosityRequest *)in;
	Ods__SetVerbosityReply *r = (Ods__SetVerbosityReply *)out;

	(void)ctx;
	if (rq->verbosity < 0 || rq->verbosity > 6)
		return diag_fail(&c->diag, ODS_EINVAL, "verbosity", "%d is not a verbosity 0..6",
		                 rq->verbosity);
	r->previous = log_verbosity();
	log_set_verbosity(rq->verbosity);
	log_info("svc", "verbosity", "previous=%d verbosity=%d", r->previous, rq->verbosity);
	return ODS_OK;
}

const struct rpc_method svc_admin_methods[] = {
	RPC_METHOD("Health", h_health),
	RPC_METHOD("SetVerbosity", h_set_verbosity),
	RPC_METHOD_END,
};

static ods_err
h_stop(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	struct svc *s = ctx;

	(void)c;
	(void)in;
	(void)out;
	log_info("svc", "stop", "stop of %s requested through RPC", s->prog);
	svc_request_stop();
	return ODS_OK;
}

static ods_err
h_reload(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	(void)c;
	(void)ctx;
	(void)in;
	(void)out;
	raise(SIGHUP); /* the run loop rereads conf.xml, as on `kill -HUP` */
	return ODS_OK;
}

const struct rpc_method svc_control_methods[] = {
	RPC_METHOD("Stop", h_stop),
	RPC_METHOD("Reload", h_reload),
	RPC_METHOD_END,
};
