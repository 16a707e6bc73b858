/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Endpoint state and the call loop. Each endpoint counts its live pipes through nng's pipe
 * notifications: with no pipe the endpoint is skipped at once (its dialer keeps reconnecting
 * in the background), and when the pipe of an in-flight call goes away the call is aborted
 * instead of waiting for REQ's silent resend.
 */
#include "lib/rpc/client.h"

#include <arpa/inet.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/clock.h"
#include "lib/rpc/envelope.h"
#include "lib/rpc/status.h"
#include "ods/common.pb-c.h"

#define BACKOFF_MIN_MS 50
#define BACKOFF_MAX_MS 2000
#define INFLIGHT_MAX 256

struct endpoint {
	struct rpc_client *client;
	char *url;
	nng_socket sock;
	nng_dialer dialer;
	nng_tls_config *tls;
	pthread_mutex_t mu; /* serialises dialling */
	bool dialed;
	/* pmu guards the pipe count and the in-flight list. It is separate from mu because nng
	 * runs pipe notifications while a synchronous dial (under mu) is still in progress. */
	pthread_mutex_t pmu;
	int pipes;
	nng_aio *inflight[INFLIGHT_MAX]; /* aios of calls in progress, aborted on pipe loss */
	bool lost[INFLIGHT_MAX];
};

struct rpc_client {
	struct endpoint *eps;
	size_t n_eps;
	size_t max_bytes;
	bool fail_fast;
	struct rpc_tls tls;
	atomic_size_t preferred; /* last endpoint that answered */
	atomic_uint_fast64_t next_id;
};

static void
pipe_event(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct endpoint *e = arg;

	(void)p;
	pthread_mutex_lock(&e->pmu);
	if (ev == NNG_PIPE_EV_ADD_POST) {
		e->pipes++;
	} else if (ev == NNG_PIPE_EV_REM_POST) {
		e->pipes--;
		for (size_t i = 0; i < INFLIGHT_MAX; i++)
			if (e->inflight[i]) {
				e->lost[i] = true;
				nng_aio_abort(e->inflight[i], NNG_ECONNRESET);
			}
	}
	pthread_mutex_unlock(&e->pmu);
}

ods_err
rpc_client_new(struct rpc_client **out, const struct rpc_client_opts *o, struct diag *d)
{
	struct rpc_client *c;

	if (o->n_endpoints == 0)
		return diag_fail(d, ODS_EINVAL, "endpoints", "no endpoint to call");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ODS_ENOMEM;
	c->eps = calloc(o->n_endpoints, sizeof(*c->eps));
	if (c->eps == NULL) {
		free(c);
		return ODS_ENOMEM;
	}
	c->n_eps = o->n_endpoints;
	c->max_bytes = o->max_message_bytes;
	c->tls = o->tls;
	c->fail_fast = o->fail_fast;
	atomic_init(&c->next_id, ((uint64_t)clock_wall_ms() << 16) ^ (uint64_t)getpid());
	for (size_t i = 0; i < c->n_eps; i++) {
		struct endpoint *e = &c->eps[i];
		e->client = c;
		e->url = strdup(o->endpoints[i]);
		pthread_mutex_init(&e->mu, NULL);
		pthread_mutex_init(&e->pmu, NULL);
		if (e->url == NULL) {
			rpc_client_free(c);
			return ODS_ENOMEM;
		}
	}
	*out = c;
	return ODS_OK;
}

void
rpc_client_free(struct rpc_client *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_eps; i++) {
		struct endpoint *e = &c->eps[i];
		if (e->dialed)
			nng_close(e->sock);
		if (e->tls)
			nng_tls_config_free(e->tls);
		pthread_mutex_destroy(&e->mu);
		pthread_mutex_destroy(&e->pmu);
		free(e->url);
	}
	free(c->eps);
	free(c);
}

/* Dial once; afterwards nng's dialer reconnects by itself. The first dial is synchronous so
 * that "nobody listens there" is known at once. Called with e->mu held. */
static ods_err
endpoint_dial(struct endpoint *e, struct diag *d)
{
	struct rpc_client *c = e->client;
	ods_err rc;
	int rv;

	if (e->dialed)
		return ODS_OK;
	rv = nng_req0_open(&e->sock);
	if (rv != 0)
		return diag_fail(d, ODS_EIO, e->url, "cannot open socket: %s", nng_strerror(rv));
	rc = rpc_socket_setup(e->sock, c->max_bytes, d);
	/* REQ's own resend would repeat a request the server may be executing: off. */
	if (rc == ODS_OK) {
		rv = nng_socket_set_ms(e->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
		if (rv != 0)
			rc = diag_fail(d, ODS_EIO, e->url, "cannot set resend time: %s",
			               nng_strerror(rv));
	}
	if (rc == ODS_OK) {
		nng_pipe_notify(e->sock, NNG_PIPE_EV_ADD_POST, pipe_event, e);
		nng_pipe_notify(e->sock, NNG_PIPE_EV_REM_POST, pipe_event, e);
		rv = nng_dialer_create(&e->dialer, e->sock, e->url);
		if (rv != 0)
			rc = diag_fail(d, ODS_EINVAL, e->url, "bad endpoint: %s", nng_strerror(rv));
	}
	if (rc == ODS_OK && rpc_url_is_tls(e->url)) {
		char host[256];
		unsigned char ip[16];
		rpc_url_host(e->url, host, sizeof(host));
		/* mbedTLS 2.28 matches only DNS names, never IP addresses, against a certificate:
		 * for an IP endpoint the server is verified by its chain to the cluster CA alone. */
		bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
		if (e->tls == NULL)
			rc = rpc_tls_config_new(false, &c->tls, NULL, is_ip ? NULL : host, &e->tls, d);
		if (rc == ODS_OK) {
			rv = nng_dialer_set_ptr(e->dialer, NNG_OPT_TLS_CONFIG, e->tls);
			if (rv != 0)
				rc = diag_fail(d, ODS_EINVAL, e->url, "TLS setup: %s",
				               nng_strerror(rv));
		}
	}
	if (rc == ODS_OK) {
		rv = nng_dialer_start(e->dialer, 0);
		if (rv != 0) {
			rc = rpc_nng_err(rv);
			if (rc == ODS_EIO)
				rc = ODS_EUNAVAIL;
			diag_fail(d, rc, e->url, "cannot connect: %s", nng_strerror(rv));
		}
	}
	if (rc != ODS_OK) {
		nng_close(e->sock);
		return rc;
	}
	e->dialed = true;
	return ODS_OK;
}

static int
inflight_add(struct endpoint *e, nng_aio *aio)
{
	for (int i = 0; i < INFLIGHT_MAX; i++)
		if (e->inflight[i] == NULL) {
			e->inflight[i] = aio;
			e->lost[i] = false;
			return i;
		}
	return -1;
}

/* One exchange on one endpoint. *reply_out gets the decoded reply on ODS_OK. */
static ods_err
exchange(struct endpoint *e, const uint8_t *req, size_t len, int64_t timeout_ms,
         Ods__Reply **reply_out, bool *maybe_ran, struct diag *d)
{
	nng_ctx ctx;
	nng_aio *aio = NULL;
	nng_msg *msg = NULL;
	ods_err rc;
	int rv, slot;
	bool lost = false;

	*maybe_ran = false;
	pthread_mutex_lock(&e->mu);
	bool fresh = !e->dialed; /* a fresh dial's pipe may not be counted yet */
	rc = endpoint_dial(e, d);
	pthread_mutex_unlock(&e->mu);
	if (rc != ODS_OK)
		return rc;
	pthread_mutex_lock(&e->pmu);
	if (!fresh && e->pipes <= 0) {
		pthread_mutex_unlock(&e->pmu);
		return diag_fail(d, ODS_EUNAVAIL, e->url, "not connected");
	}
	rv = nng_ctx_open(&ctx, e->sock);
	if (rv == 0) {
		rv = nng_aio_alloc(&aio, NULL, NULL);
		if (rv != 0)
			nng_ctx_close(ctx);
	}
	if (rv != 0) {
		pthread_mutex_unlock(&e->pmu);
		return diag_fail(d, ODS_ENOMEM, e->url, "%s", nng_strerror(rv));
	}
	slot = inflight_add(e, aio);
	pthread_mutex_unlock(&e->pmu);
	if (slot < 0) {
		rc = diag_fail(d, ODS_EUNAVAIL, e->url, "too many calls in flight");
		goto out;
	}
	rv = nng_msg_alloc(&msg, len);
	if (rv != 0) {
		rc = ODS_ENOMEM;
		goto out;
	}
	memcpy(nng_msg_body(msg), req, len);
	nng_aio_set_timeout(aio, timeout_ms > 0 ? timeout_ms : 1);
	nng_aio_set_msg(aio, msg);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	rv = nng_aio_result(aio);
	if (rv != 0) {
		nng_msg_free(msg);
		msg = NULL;
	} else {
		*maybe_ran = true;
		msg = NULL;
		nng_ctx_recv(ctx, aio);
		nng_aio_wait(aio);
		rv = nng_aio_result(aio);
		if (rv == 0)
			msg = nng_aio_get_msg(aio);
	}
	pthread_mutex_lock(&e->pmu);
	lost = e->lost[slot]; /* the slot itself is freed on the way out */
	pthread_mutex_unlock(&e->pmu);
	if (rv == NNG_ETIMEDOUT)
		rc = diag_fail(d, ODS_ETIMEDOUT, e->url, "no answer within %lld ms",
		               (long long)timeout_ms);
	else if (rv != 0 && (lost || rv == NNG_ECONNRESET))
		rc = diag_fail(d, ODS_EUNAVAIL, e->url,
		               *maybe_ran ? "connection lost during the call; it may or may not have run"
		                          : "connection lost");
	else if (rv != 0)
		rc = diag_fail(d, rpc_nng_err(rv), e->url, "%s", nng_strerror(rv));
	else
		rc = rpc_reply_decode(nng_msg_body(msg), nng_msg_len(msg),
		                      rpc_transport_hard_limit(e->client->max_bytes), reply_out, d);
out:
	if (msg)
		nng_msg_free(msg);
	pthread_mutex_lock(&e->pmu);
	if (slot >= 0)
		e->inflight[slot] = NULL;
	pthread_mutex_unlock(&e->pmu);
	nng_aio_free(aio);
	nng_ctx_close(ctx);
	return rc;
}

/* Run the request against the endpoints until an answer, a non-retryable failure or the
 * deadline. *reply_out is set only on ODS_OK (transport-wise: the server answered). */
static ods_err
call_loop(struct rpc_client *c, const uint8_t *req, size_t len, int64_t timeout_ms,
          Ods__Reply **reply_out, struct diag *d)
{
	int64_t deadline = clock_mono_ms() + timeout_ms;
	int64_t backoff = BACKOFF_MIN_MS;
	size_t start = atomic_load(&c->preferred) % c->n_eps;
	ods_err rc = ODS_EUNAVAIL;

	for (;;) {
		for (size_t k = 0; k < c->n_eps; k++) {
			size_t i = (start + k) % c->n_eps;
			int64_t left = deadline - clock_mono_ms();
			Ods__Reply *r = NULL;
			bool maybe_ran;

			if (left <= 0)
				goto out;
			rc = exchange(&c->eps[i], req, len, left, &r, &maybe_ran, d);
			if (rc == ODS_OK) {
				bool not_leader = r->status == ODS__STATUS__FAILED_PRECONDITION &&
				                  r->leader_hint && r->leader_hint[0];
				bool busy = r->status == ODS__STATUS__UNAVAILABLE;
				if (!not_leader && !busy) {
					atomic_store(&c->preferred, i);
					*reply_out = r;
					return ODS_OK;
				}
				/* The server's own words: where is its field, not our URL. */
				diag_fail(d, ODS_EUNAVAIL, r->where && r->where[0] ? r->where : "server",
				          "%s", r->message ? r->message : "unavailable");
				ods__reply__free_unpacked(r, NULL);
				rc = ODS_EUNAVAIL;
				if (busy) {
					/* The server answered but cannot serve now: stay, back off. */
					start = i;
					break;
				}
				continue;
			}
			if (rc != ODS_EUNAVAIL || maybe_ran)
				return rc;
		}
		int64_t left = deadline - clock_mono_ms();
		if (left <= 0 || c->fail_fast)
			break;
		clock_sleep_ms(backoff < left ? backoff : left);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
out:
	if (rc == ODS_ETIMEDOUT || rc == ODS_OK)
		rc = ODS_EUNAVAIL;
	return rc;
}

static ods_err
reply_status(Ods__Reply *r, struct diag *d)
{
	ods_err rc = rpc_status_to_err(r->status);

	if (rc != ODS_OK)
		diag_fail(d, rc, r->where ? r->where : "", "%s",
		          r->message && r->message[0] ? r->message : rpc_status_name(r->status));
	return rc;
}

ods_err
rpc_client_call(struct rpc_client *c, const char *full_method, const ProtobufCMessage *in,
                const ProtobufCMessageDescriptor *out_desc, int64_t timeout_ms,
                ProtobufCMessage **out, struct diag *d)
{
	Ods__Request rq = ODS__REQUEST__INIT;
	Ods__Reply *r = NULL;
	uint8_t *payload = NULL, *buf = NULL;
	size_t plen, blen;
	ods_err rc;

	rc = rpc_pack_heap(in, &payload, &plen);
	if (rc != ODS_OK)
		return rc;
	rq.method = (char *)full_method;
	rq.request_id = atomic_fetch_add(&c->next_id, 1);
	rq.deadline_unix_ms = clock_wall_ms() + timeout_ms;
	rq.payload.data = payload;
	rq.payload.len = plen;
	rc = rpc_pack_heap(&rq.base, &buf, &blen);
	free(payload);
	if (rc != ODS_OK)
		return rc;
	if (blen > c->max_bytes) {
		free(buf);
		return diag_fail(d, ODS_EINVAL, "request",
		                 "request of %zu bytes exceeds the limit of %zu bytes", blen,
		                 c->max_bytes);
	}
	rc = call_loop(c, buf, blen, timeout_ms, &r, d);
	free(buf);
	if (rc != ODS_OK)
		return rc;
	rc = reply_status(r, d);
	if (rc == ODS_OK) {
		ProtobufCMessage *m =
			protobuf_c_message_unpack(out_desc, NULL, r->payload.len, r->payload.data);
		if (m == NULL)
			rc = diag_fail(d, ODS_EINVAL, "reply.payload", "reply payload is not a valid %s",
			               out_desc->name);
		else
			*out = m;
	}
	ods__reply__free_unpacked(r, NULL);
	return rc;
}

ods_err
rpc_client_call_raw(struct rpc_client *c, const void *buf, size_t len, int64_t timeout_ms,
                    int *status_out, struct diag *d)
{
	Ods__Reply *r = NULL;
	ods_err rc = call_loop(c, buf, len, timeout_ms, &r, d);

	if (rc != ODS_OK)
		return rc;
	*status_out = r->status;
	reply_status(r, d);
	ods__reply__free_unpacked(r, NULL);
	return ODS_OK;
}
