/* SPDX-License-Identifier: BSD-2-Clause */
/* /healthz, /readyz and /metrics on nng's HTTP server. */
#include "lib/svc/http.h"

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/metrics.h"

struct svc_http {
	nng_http_server *srv;
	svc_ready_fn ready;
	svc_refresh_fn refresh;
	void *arg;
};

static void
respond(nng_aio *aio, uint16_t code, const char *ctype, const char *body)
{
	nng_http_res *res;
	int rv = nng_http_res_alloc(&res);

	if (rv == 0)
		rv = nng_http_res_set_status(res, code);
	if (rv == 0)
		rv = nng_http_res_set_header(res, "Content-Type", ctype);
	if (rv == 0)
		rv = nng_http_res_copy_data(res, body, strlen(body));
	if (rv != 0) {
		nng_aio_finish(aio, rv);
		return;
	}
	nng_aio_set_output(aio, 0, res);
	nng_aio_finish(aio, 0);
}

static struct svc_http *
server_of(nng_aio *aio)
{
	return nng_http_handler_get_data(nng_aio_get_input(aio, 1));
}

static void
h_healthz(nng_aio *aio)
{
	respond(aio, 200, "text/plain", "ok\n");
}

static void
h_readyz(nng_aio *aio)
{
	struct svc_http *h = server_of(aio);
	char reason[256] = "";
	char body[300];

	if (h->ready(h->arg, reason, sizeof(reason))) {
		respond(aio, 200, "text/plain", "ready\n");
		return;
	}
	snprintf(body, sizeof(body), "not ready: %s\n", reason);
	respond(aio, 503, "text/plain", body);
}

static void
h_metrics(nng_aio *aio)
{
	struct svc_http *h = server_of(aio);
	char *text;

	if (h->refresh)
		h->refresh(h->arg);
	text = metrics_render();
	if (text == NULL) {
		respond(aio, 500, "text/plain", "out of memory\n");
		return;
	}
	respond(aio, 200, "text/plain; version=0.0.4; charset=utf-8", text);
	free(text);
}

ods_err
svc_http_start(struct svc_http **out, const char *hostport, svc_ready_fn ready,
               svc_refresh_fn refresh, void *arg, struct diag *d)
{
	static const struct {
		const char *path;
		void (*fn)(nng_aio *);
	} routes[] = {{"/healthz", h_healthz}, {"/readyz", h_readyz}, {"/metrics", h_metrics}};
	struct svc_http *h = calloc(1, sizeof(*h));
	char urlstr[300];
	nng_url *url = NULL;
	int rv;

	if (h == NULL)
		return ODS_ENOMEM;
	h->ready = ready;
	h->refresh = refresh;
	h->arg = arg;
	snprintf(urlstr, sizeof(urlstr), "http://%s", hostport);
	rv = nng_url_parse(&url, urlstr);
	if (rv == 0)
		rv = nng_http_server_hold(&h->srv, url);
	for (size_t i = 0; rv == 0 && i < sizeof(routes) / sizeof(routes[0]); i++) {
		nng_http_handler *hd;
		rv = nng_http_handler_alloc(&hd, routes[i].path, routes[i].fn);
		if (rv == 0)
			rv = nng_http_handler_set_method(hd, "GET");
		if (rv == 0)
			rv = nng_http_handler_set_data(hd, h, NULL);
		if (rv == 0)
			rv = nng_http_server_add_handler(h->srv, hd);
	}
	if (rv == 0)
		rv = nng_http_server_start(h->srv);
	if (url)
		nng_url_free(url);
	if (rv != 0) {
		svc_http_stop(h);
		return diag_fail(d, ODS_EUNAVAIL, hostport, "cannot serve metrics/health: %s",
		                 nng_strerror(rv));
	}
	*out = h;
	return ODS_OK;
}

void
svc_http_stop(struct svc_http *h)
{
	if (h == NULL)
		return;
	if (h->srv) {
		nng_http_server_stop(h->srv);
		nng_http_server_release(h->srv);
	}
	free(h);
}
