/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RPC round-trip benchmark: THREADS client threads call SERVICE's Health for SECONDS and the
 * program prints calls per second and latency percentiles. Endpoints and TLS come from
 * conf.xml ($ODS_CONF), as for the CLI.
 *
 *   rpc_bench SERVICE THREADS SECONDS [shared]
 *
 * With "shared" every thread uses one client (one connection); otherwise each thread has its
 * own client and connection.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/conf/conf.h"
#include "lib/rpc/client.h"
#include "lib/svc/peer.h"
#include "ods/common.pb-c.h"

#define SAMPLES_MAX (1u << 20)

static struct ods_conf *conf;
static enum conf_svc kind;
static char method[96];
static int64_t stop_at_ns;
static uint32_t *samples_us; /* latencies */
static atomic_uint n_samples;
static atomic_uint n_errors;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct rpc_client *
client_new(void)
{
	struct rpc_client_opts o;
	struct rpc_client *c = NULL;
	struct diag d = {0};

	svc_peer_opts(conf, kind, &o);
	if (rpc_client_new(&c, &o, &d) != ODS_OK) {
		fprintf(stderr, "rpc_bench: %s\n", d.msg);
		exit(1);
	}
	return c;
}

static void *
run(void *arg)
{
	struct rpc_client *shared = arg;
	struct rpc_client *c = shared ? shared : client_new();
	Ods__HealthRequest rq = ODS__HEALTH_REQUEST__INIT;

	while (now_ns() < stop_at_ns) {
		ProtobufCMessage *out = NULL;
		struct diag d = {0};
		int64_t t0 = now_ns();
		ods_err rc = rpc_client_call(c, method, &rq.base, &ods__health_reply__descriptor,
		                             10000, &out, &d);
		int64_t us = (now_ns() - t0) / 1000;
		if (rc != ODS_OK) {
			atomic_fetch_add(&n_errors, 1);
			continue;
		}
		protobuf_c_message_free_unpacked(out, NULL);
		unsigned i = atomic_fetch_add(&n_samples, 1);
		if (i < SAMPLES_MAX)
			samples_us[i] = (uint32_t)(us > UINT32_MAX ? UINT32_MAX : us);
	}
	if (!shared)
		rpc_client_free(c);
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {"keystore", "enforcer", "signer"};
	static const char *const services[] = {"ods.keystore.Keystore", "ods.enforcer.Enforcer",
	                                       "ods.signer.Signer"};
	struct diag d = {0};

	if (argc < 4) {
		fprintf(stderr, "usage: rpc_bench SERVICE THREADS SECONDS [shared]\n");
		return 2;
	}
	if (conf_load(conf_default_path(NULL), &conf, &d) != ODS_OK) {
		fprintf(stderr, "rpc_bench: %s: %s\n", d.where, d.msg);
		return 1;
	}
	for (int i = 0; i < 3; i++)
		if (strcmp(argv[1], names[i]) == 0) {
			kind = (enum conf_svc)i;
			snprintf(method, sizeof(method), "%s/Health", services[i]);
		}
	int threads = (int)strtol(argv[2], NULL, 10);
	int seconds = (int)strtol(argv[3], NULL, 10);
	bool shared = argc > 4 && strcmp(argv[4], "shared") == 0;
	if (!method[0] || threads < 1 || seconds < 1) {
		fprintf(stderr, "rpc_bench: bad arguments\n");
		return 2;
	}
	samples_us = calloc(SAMPLES_MAX, sizeof(*samples_us));
	pthread_t *t = calloc((size_t)threads, sizeof(*t));
	struct rpc_client *one = shared ? client_new() : NULL;

	int64_t t0 = now_ns();
	stop_at_ns = t0 + (int64_t)seconds * 1000000000;
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, run, one);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double secs = (double)(now_ns() - t0) / 1e9;
	unsigned n = atomic_load(&n_samples);
	unsigned kept = n < SAMPLES_MAX ? n : SAMPLES_MAX;
	qsort(samples_us, kept, sizeof(*samples_us), cmp_u32);
	printf("%s threads=%d clients=%s calls=%u errors=%u calls_per_s=%.0f p50_us=%u p99_us=%u\n",
	       argv[1], threads, shared ? "shared" : "own", n, atomic_load(&n_errors), n / secs,
	       kept ? samples_us[kept / 2] : 0, kept ? samples_us[kept * 99 / 100] : 0);
	rpc_client_free(one);
	free(t);
	free(samples_us);
	conf_free(conf);
	return atomic_load(&n_errors) ? 1 : 0;
}
