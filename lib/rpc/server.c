/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * REP-context worker pool. Each worker thread loops recv -> handle -> send on its own
 * context, waiting on its own aio; shutdown cancels the receives of idle workers under the
 * server mutex, so a worker is either idle (cancellable) or finishing a call it has taken.
 */
#include "lib/rpc/server.h"

#include <errno.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/arena.h"
#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/base/metrics.h"
#include "lib/rpc/dispatch.h"
#include "lib/rpc/envelope.h"
#include "lib/rpc/status.h"
#include "ods/common.pb-c.h"

enum worker_state { W_IDLE, W_RECV, W_BUSY };

struct worker {
	struct rpc_server *srv;
	pthread_t thread;
	bool started;
	nng_ctx ctx;
	nng_aio *aio;
	struct arena *arena;
	enum worker_state state;
};

struct listener {
	nng_listener l;
	nng_tls_config *tls;
	char *url;
	char *role;
};

struct rpc_server {
	char name[32];
	nng_socket sock;
	bool sock_open;
	const struct rpc_dispatch *dispatch;
	size_t max_bytes;
	struct listener *listeners;
	size_t n_listeners;
	struct worker *workers;
	size_t n_workers;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stopping;
	size_t alive; /* workers still looping */
	bool drained;
};

static const struct listener *
listener_of(const struct rpc_server *s, nng_msg *msg)
{
	nng_pipe p = nng_msg_get_pipe(msg);
	nng_listener l = nng_pipe_listener(p);

	for (size_t i = 0; i < s->n_listeners; i++)
		if (nng_listener_id(s->listeners[i].l) == nng_listener_id(l))
			return &s->listeners[i];
	return NULL;
}

static void
count_call(const struct rpc_server *s, const char *method, int status)
{
	char labels[256];

	snprintf(labels, sizeof(labels), "service=\"%s\",method=\"%s\",code=\"%s\"", s->name,
	         method, rpc_status_name(status));
	metric_add(metrics_get(METRIC_COUNTER, "ods_rpc_requests_total",
	                       "RPC requests served, by method and status", labels),
	           1);
}

/* Decode, dispatch, run: returns the status and fills reply (payload in the arena). *known
 * becomes true once the method is one we serve. */
static ods_err
run_call(struct rpc_server *s, struct worker *w, nng_msg *msg, struct rpc_call *c,
         Ods__Reply *reply, bool *known)
{
	Ods__Request *rq;
	struct rpc_target t;
	ProtobufCMessage *in, *out;
	ods_err rc;

	rc = rpc_request_decode(nng_msg_body(msg), nng_msg_len(msg), s->max_bytes, w->arena, &rq,
	                        &c->diag);
	if (rc != ODS_OK)
		return rc;
	reply->request_id = rq->request_id;
	c->method = rq->method;
	c->request_id = rq->request_id;
	c->deadline_unix_ms = rq->deadline_unix_ms;
	if (rq->deadline_unix_ms > 0 && rq->deadline_unix_ms < clock_wall_ms())
		return diag_fail(&c->diag, ODS_ETIMEDOUT, "request.deadline",
		                 "deadline passed before the call started");
	rc = rpc_dispatch_find(s->dispatch, rq->method, &t, &c->diag);
	if (rc != ODS_OK)
		return rc;
	*known = true;
	rc = rpc_payload_decode(t.method->input, rq->payload.data, rq->payload.len, w->arena, &in,
	                        &c->diag);
	if (rc != ODS_OK)
		return rc;
	out = arena_alloc(w->arena, t.method->output->sizeof_message);
	if (out == NULL)
		return diag_fail(&c->diag, ODS_ENOMEM, "server", "out of memory for the reply");
	t.method->output->message_init(out);
	rc = t.fn(c, t.ctx, in, out);
	if (rc != ODS_OK)
		return rc;
	if (rpc_pack_arena(out, w->arena, &reply->payload.data, &reply->payload.len) != ODS_OK)
		return diag_fail(&c->diag, ODS_ENOMEM, "server", "reply too large for the call's memory");
	return ODS_OK;
}

static void
handle_one(struct rpc_server *s, struct worker *w, nng_msg *msg)
{
	struct rpc_call c = {.arena = w->arena, .method = "?"};
	Ods__Reply reply = ODS__REPLY__INIT;
	const struct listener *l = listener_of(s, msg);
	bool verified = false, known = false;
	ods_err rc;

	if (l) {
		c.peer.listen_url = l->url;
		c.peer.role = l->role;
		if (l->tls)
			nng_pipe_get_bool(nng_msg_get_pipe(msg), NNG_OPT_TLS_VERIFIED, &verified);
	}
	c.peer.tls_verified = verified;

	rc = run_call(s, w, msg, &c, &reply, &known);
	reply.status = (Ods__Status)rpc_status_from_err(rc);
	if (rc != ODS_OK) {
		reply.payload.data = NULL;
		reply.payload.len = 0;
		reply.message = c.diag.msg[0] ? c.diag.msg : (char *)ods_err_name(rc);
		reply.where = c.diag.where;
		if (rc == ODS_EINVAL || rc == ODS_ENOTIMPL)
			log_warning("rpc", "bad_request", "method=%s request_id=%llu %s: %s",
			            c.method, (unsigned long long)c.request_id, c.diag.where,
			            c.diag.msg);
		else
			log_verbose("rpc", "call_failed", "method=%s status=%s %s: %s", c.method,
			            rpc_status_name(reply.status), c.diag.where, c.diag.msg);
	}
	if (c.leader_hint)
		reply.leader_hint = (char *)c.leader_hint;
	/* Only names we serve become labels: a client must not mint metric series. */
	count_call(s, known ? c.method : "unknown", reply.status);

	/* Reuse the request's message for the reply (REP keeps the routing in the context). */
	size_t n = ods__reply__get_packed_size(&reply);
	nng_msg_clear(msg);
	if (nng_msg_realloc(msg, n) != 0) {
		nng_msg_free(msg);
		return;
	}
	ods__reply__pack(&reply, nng_msg_body(msg));
	nng_aio_set_msg(w->aio, msg);
	nng_aio_set_timeout(w->aio, 10000);
	nng_ctx_send(w->ctx, w->aio);
	nng_aio_wait(w->aio);
	if (nng_aio_result(w->aio) != 0)
		nng_msg_free(nng_aio_get_msg(w->aio));
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rpc_server *s = w->srv;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		if (s->stopping) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		w->state = W_RECV;
		nng_aio_set_timeout(w->aio, NNG_DURATION_INFINITE);
		nng_ctx_recv(w->ctx, w->aio);
		pthread_mutex_unlock(&s->mu);

		nng_aio_wait(w->aio);
		int rv = nng_aio_result(w->aio);

		pthread_mutex_lock(&s->mu);
		w->state = rv == 0 ? W_BUSY : W_IDLE;
		pthread_mutex_unlock(&s->mu);
		if (rv != 0) {
			if (rv == NNG_ECLOSED)
				break;
			continue; /* cancelled by drain: the loop head sees stopping */
		}
		handle_one(s, w, nng_aio_get_msg(w->aio));
		arena_reset(w->arena);
	}
	pthread_mutex_lock(&s->mu);
	w->state = W_IDLE;
	s->alive--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static ods_err
add_listener(struct rpc_server *s, const struct rpc_server_opts *o,
             const struct rpc_listen_spec *spec, struct diag *d)
{
	struct listener *l = &s->listeners[s->n_listeners];
	int rv;
	ods_err rc;

	l->url = strdup(spec->url);
	l->role = spec->role ? strdup(spec->role) : NULL;
	if (l->url == NULL || (spec->role && l->role == NULL))
		return ODS_ENOMEM;
	s->n_listeners++;
	rv = nng_listener_create(&l->l, s->sock, spec->url);
	if (rv != 0)
		return diag_fail(d, ODS_EINVAL, spec->url, "cannot listen: %s", nng_strerror(rv));
	if (rpc_url_is_tls(spec->url)) {
		rc = rpc_tls_config_new(true, &o->tls, spec->ca_file, NULL, &l->tls, d);
		if (rc != ODS_OK)
			return rc;
		rv = nng_listener_set_ptr(l->l, NNG_OPT_TLS_CONFIG, l->tls);
		if (rv != 0)
			return diag_fail(d, ODS_EINVAL, spec->url, "TLS setup: %s", nng_strerror(rv));
	}
	rv = nng_listener_start(l->l, 0);
	if (rv != 0)
		return diag_fail(d, rpc_nng_err(rv) == ODS_EUNAVAIL ? ODS_EUNAVAIL : ODS_EIO,
		                 spec->url, "cannot listen: %s", nng_strerror(rv));
	return ODS_OK;
}

ods_err
rpc_server_start(struct rpc_server **out, const struct rpc_server_opts *o,
                 const struct rpc_dispatch *dispatch, struct diag *d)
{
	struct rpc_server *s = calloc(1, sizeof(*s));
	ods_err rc = ODS_ENOMEM;
	int rv;

	if (s == NULL)
		return ODS_ENOMEM;
	snprintf(s->name, sizeof(s->name), "%s", o->name);
	s->dispatch = dispatch;
	s->max_bytes = o->max_message_bytes;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->listeners = calloc(o->n_listen ? o->n_listen : 1, sizeof(*s->listeners));
	s->n_workers = o->workers > 0 ? (size_t)o->workers : 1;
	s->workers = calloc(s->n_workers, sizeof(*s->workers));
	if (s->listeners == NULL || s->workers == NULL)
		goto fail;
	rv = nng_rep0_open(&s->sock);
	if (rv != 0) {
		rc = diag_fail(d, ODS_EIO, "rpc", "cannot open socket: %s", nng_strerror(rv));
		goto fail;
	}
	s->sock_open = true;
	rc = rpc_socket_setup(s->sock, s->max_bytes, d);
	for (size_t i = 0; rc == ODS_OK && i < o->n_listen; i++)
		rc = add_listener(s, o, &o->listen[i], d);
	if (rc != ODS_OK)
		goto fail;
	for (size_t i = 0; i < s->n_workers; i++) {
		struct worker *w = &s->workers[i];
		w->srv = s;
		w->arena = arena_new(rpc_transport_hard_limit(s->max_bytes) * 2 + (1u << 20));
		if (w->arena == NULL || nng_aio_alloc(&w->aio, NULL, NULL) != 0 ||
		    nng_ctx_open(&w->ctx, s->sock) != 0) {
			rc = diag_fail(d, ODS_ENOMEM, "rpc", "cannot set up worker %zu", i);
			goto fail;
		}
	}
	s->alive = s->n_workers;
	for (size_t i = 0; i < s->n_workers; i++) {
		if (pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]) != 0) {
			pthread_mutex_lock(&s->mu);
			s->alive -= s->n_workers - i;
			pthread_mutex_unlock(&s->mu);
			rc = diag_fail(d, ODS_ENOMEM, "rpc", "cannot start worker thread");
			goto fail;
		}
		s->workers[i].started = true;
	}
	for (size_t i = 0; i < s->n_listeners; i++)
		log_info("rpc", "listen", "url=%s workers=%zu", s->listeners[i].url, s->n_workers);
	*out = s;
	return ODS_OK;
fail:
	rpc_server_free(s);
	return rc;
}

ods_err
rpc_server_drain(struct rpc_server *s, int grace_ms)
{
	struct timespec until;
	ods_err rc = ODS_OK;

	if (s->drained)
		return ODS_OK;
	for (size_t i = 0; i < s->n_listeners; i++)
		nng_listener_close(s->listeners[i].l);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += grace_ms / 1000;
	until.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	for (size_t i = 0; i < s->n_workers; i++)
		if (s->workers[i].state == W_RECV)
			nng_aio_cancel(s->workers[i].aio);
	while (s->alive > 0)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
			break;
	if (s->alive > 0) {
		log_warning("rpc", "drain_timeout", "calls=%zu still running after %d ms",
		            s->alive, grace_ms);
		rc = ODS_ETIMEDOUT;
	}
	pthread_mutex_unlock(&s->mu);
	/* Closing the socket ends whatever is left: blocked sends and late receives. */
	if (s->sock_open) {
		nng_close(s->sock);
		s->sock_open = false;
	}
	for (size_t i = 0; i < s->n_workers; i++) {
		if (!s->workers[i].started)
			continue;
		if (rc == ODS_OK)
			pthread_join(s->workers[i].thread, NULL);
		else
			pthread_detach(s->workers[i].thread);
		s->workers[i].started = false;
	}
	s->drained = true;
	return rc;
}

void
rpc_server_free(struct rpc_server *s)
{
	if (s == NULL)
		return;
	bool clean = rpc_server_drain(s, 0) == ODS_OK;
	if (!clean)
		return; /* detached workers may still touch s: leave it to process exit */
	for (size_t i = 0; i < s->n_workers; i++) {
		if (s->workers[i].aio)
			nng_aio_free(s->workers[i].aio);
		arena_free(s->workers[i].arena);
	}
	for (size_t i = 0; i < s->n_listeners; i++) {
		if (s->listeners[i].tls)
			nng_tls_config_free(s->listeners[i].tls);
		free(s->listeners[i].url);
		free(s->listeners[i].role);
	}
	free(s->workers);
	free(s->listeners);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
