/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-hsmspeed: OpenDNSSEC's signing speed test, measured through ods-keystored rather than by
 * opening the PKCS#11 module here, so the figure includes everything a signer pays: the RPC
 * round trip, the keystore's key cache and session pool, and the token. A temporary key is made
 * in the repository, proven to sign correctly (one RRSIG verified by ldns), warmed up, and then
 * `threads` threads, each with its own RPC client and connection, send SignBatch requests of
 * `batch` random inputs (a digest for RSA and ECDSA, a 100-byte message for EdDSA, as a signer
 * sends them) until the count is done. The key is deleted at the end, also after Ctrl-C.
 * Batch 1 is OpenDNSSEC's one-signature-per-call behaviour; batching is what makes the RPC
 * cost disappear next to the token's, and is how ods-signerd calls the keystore.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/clock.h"
#include "lib/base/random.h"
#include "cli/cli.h"
#include "cli/keys.h"
#include "cli/hsm_check.h"
#include "lib/dns/dnskey.h"
#include "ods/keystore.pb-c.h"

#define SPEED_THREADS_MAX 2048 /* OpenDNSSEC's HSMSPEED_THREADS_MAX */
#define SPEED_BATCH_MAX 4096   /* ods-keystored refuses larger batches (KS_BATCH_MAX) */
#define SPEED_COUNT_MAX 1000000000ULL
#define SPEED_MSG_LEN 100 /* EdDSA input: about the signing data of a small RRset */
#define SPEED_WARMUP 8    /* inputs per thread before the clock starts */

struct speed_opts {
	const char *conf_path;
	const char *repository;
	int alg;
	unsigned bits;  /* 0: the algorithm's default */
	unsigned batch; /* inputs per SignBatch */
	unsigned threads;
	uint64_t iterations; /* signatures per thread (OpenDNSSEC's -i); 0 when not given */
	uint64_t count;      /* signatures in all: -n, or iterations (default 1) times threads */
};

/* What the signing threads share. */
struct speed_run {
	const struct speed_opts *o;
	const char *locator;
	size_t sig_len;               /* expected signature length in bytes */
	uint64_t total;               /* signatures to make */
	atomic_uint_fast64_t claimed; /* handed out to threads so far */
	atomic_uint_fast64_t done;    /* signatures received */
	atomic_bool failed;
	pthread_mutex_t mu; /* guards warm and go: the clock starts when every thread is warm */
	pthread_cond_t cv;
	unsigned warm;
	bool go;
};

struct speed_worker {
	struct speed_run *run;
	struct cli cli;
	pthread_t tid;
	ProtobufCBinaryData *inputs; /* batch entries pointing into buf */
	uint8_t *buf;
};

static volatile sig_atomic_t stop_requested;

static const struct cli_cmd no_cmds[] = {{NULL, NULL, NULL}};

static const struct cli_def def = {
	.prog = "ods-hsmspeed",
	.daemon = "ods-keystored",
	.service_prefix = "ods.keystore.Keystore/",
	.kind = CONF_SVC_KEYSTORE,
	.cmds = no_cmds,
};

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: ods-hsmspeed [-c conf.xml] -r repository [-a algorithm] [-s keysize]\n"
	        "                    [-b batchsize] [-t threads] [-i iterations | -n count]\n\n"
	        "  -r  repository of conf.xml to make the temporary key in\n"
	        "  -a  DNSSEC algorithm: RSASHA256 (default), RSASHA512, ECDSAP256SHA256,\n"
	        "      ECDSAP384SHA384, ED25519, ED448, a number, or rsa / ecdsa\n"
	        "  -s  key size in bits (default: 2048 for RSA, the curve's size otherwise)\n"
	        "  -b  inputs per SignBatch request, 1..%d (default 1, one call per signature as\n"
	        "      OpenDNSSEC signs; a signer sends batches, which is what makes the RPC cost\n"
	        "      vanish next to the token's)\n"
	        "  -t  threads, each with its own connection to ods-keystored (default 1)\n"
	        "  -i  signatures per thread (default 1, as OpenDNSSEC)\n"
	        "  -n  signatures in all, shared by the threads (instead of -i)\n",
	        SPEED_BATCH_MAX);
}

static int
parse_num(int opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s[0] == '-' || s[0] == '\0')
		goto bad;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "Error: -%c: '%s' is not a number in %llu..%llu\n", opt, s,
	        (unsigned long long)min, (unsigned long long)max);
	return -1;
}

/* "rsa" and "ecdsa" as ods-hsmutil takes them, or any DNSSEC algorithm name or number. */
static int
parse_alg(const char *s)
{
	if (strcasecmp(s, "rsa") == 0)
		return DNS_ALG_RSASHA256;
	if (strcasecmp(s, "ecdsa") == 0)
		return DNS_ALG_ECDSAP256SHA256;
	return dns_alg_from_name(s);
}

static int
parse_opt(struct speed_opts *o, int ch, const char *arg)
{
	uint64_t v = 0;
	int rc = 0;

	switch (ch) {
	case 'c':
		o->conf_path = arg;
		break;
	case 'r':
		o->repository = arg;
		break;
	case 'a':
		o->alg = parse_alg(arg);
		if (o->alg < 0) {
			fprintf(stderr, "Error: -a: unknown algorithm '%s'\n", arg);
			rc = -1;
		}
		break;
	case 's':
		rc = parse_num(ch, arg, 1, 16384, &v);
		o->bits = (unsigned)v;
		break;
	case 'b':
		rc = parse_num(ch, arg, 1, SPEED_BATCH_MAX, &v);
		o->batch = (unsigned)v;
		break;
	case 't':
		rc = parse_num(ch, arg, 1, SPEED_THREADS_MAX, &v);
		o->threads = (unsigned)v;
		break;
	case 'i':
		rc = parse_num(ch, arg, 1, SPEED_COUNT_MAX, &o->iterations);
		break;
	case 'n':
		rc = parse_num(ch, arg, 1, SPEED_COUNT_MAX, &o->count);
		break;
	default:
		rc = -1;
	}
	return rc;
}

/* 0 to run, 1 to exit 0 (help), 2 for a usage error. */
static int
parse_args(struct speed_opts *o, int argc, char **argv)
{
	struct diag d = {0};
	int ch;

	*o = (struct speed_opts){.alg = DNS_ALG_RSASHA256, .batch = 1, .threads = 1};
	while ((ch = getopt(argc, argv, "c:r:a:s:b:t:i:n:hV")) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return 1;
		}
		if (ch == 'V') {
			printf("ods-hsmspeed %s\n", ODS_VERSION);
			return 1;
		}
		if (parse_opt(o, ch, optarg) != 0) {
			if (ch == '?')
				usage(stderr);
			return 2;
		}
	}
	if (optind != argc || o->repository == NULL) {
		usage(stderr);
		return 2;
	}
	if (o->iterations && o->count) {
		fprintf(stderr, "Error: give -i (per thread) or -n (in all), not both\n");
		return 2;
	}
	if (dns_alg_bits_check(o->alg, o->bits, &o->bits, &d) != ODS_OK) {
		fprintf(stderr, "Error: %s\n", d.msg);
		return 2;
	}
	if (o->count == 0)
		o->count = (o->iterations ? o->iterations : 1) * o->threads;
	return 0;
}

/* One SignBatch of the first n prepared inputs; checks count and length of the signatures. */
static ods_err
sign_once(struct speed_worker *w, size_t n)
{
	Ods__Keystore__SignBatchRequest rq = ODS__KEYSTORE__SIGN_BATCH_REQUEST__INIT;
	Ods__Keystore__SignBatchReply *r = NULL;
	const struct speed_run *run = w->run;
	ods_err rc;

	rq.locator = (char *)run->locator;
	rq.algorithm = (uint32_t)run->o->alg;
	rq.inputs = w->inputs;
	rq.n_inputs = n;
	rc = cli_call(&w->cli, "SignBatch", &rq.base, &ods__keystore__sign_batch_reply__descriptor,
	              (ProtobufCMessage **)&r);
	if (rc != ODS_OK)
		return rc;
	if (r->n_signatures != n) {
		fprintf(stderr, "Error: %zu signatures for %zu inputs\n", r->n_signatures, n);
		rc = ODS_EINTERNAL;
	}
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		if (r->signatures[i].len != run->sig_len) {
			fprintf(stderr, "Error: signature %zu is %zu bytes, not %zu\n", i,
			        r->signatures[i].len, run->sig_len);
			rc = ODS_EINTERNAL;
		}
	}
	ods__keystore__sign_batch_reply__free_unpacked(r, NULL);
	return rc;
}

static void *
worker_main(void *arg)
{
	struct speed_worker *w = arg;
	struct speed_run *run = w->run;
	size_t batch = run->o->batch;

	/* Warm up the connection, the keystore's key cache and a token session for this thread. */
	if (sign_once(w, batch < SPEED_WARMUP ? batch : SPEED_WARMUP) != ODS_OK)
		atomic_store(&run->failed, true);
	pthread_mutex_lock(&run->mu);
	run->warm++;
	pthread_cond_broadcast(&run->cv);
	while (!run->go)
		pthread_cond_wait(&run->cv, &run->mu);
	pthread_mutex_unlock(&run->mu);
	while (!atomic_load(&run->failed) && !stop_requested) {
		uint64_t first = atomic_fetch_add(&run->claimed, batch);
		if (first >= run->total)
			break;
		size_t n = run->total - first < batch ? (size_t)(run->total - first) : batch;
		if (sign_once(w, n) != ODS_OK) {
			atomic_store(&run->failed, true);
			break;
		}
		atomic_fetch_add(&run->done, n);
	}
	return NULL;
}

/* Random inputs for one thread: digests of the algorithm's hash length, or messages. */
static ods_err
worker_prepare(struct speed_worker *w, struct speed_run *run)
{
	size_t batch = run->o->batch;
	size_t len = dns_alg_digest_len(run->o->alg);

	if (len == 0)
		len = SPEED_MSG_LEN;
	w->run = run;
	w->inputs = calloc(batch, sizeof(*w->inputs));
	w->buf = malloc(batch * len);
	if (w->inputs == NULL || w->buf == NULL || !random_bytes(w->buf, batch * len)) {
		fprintf(stderr, "Error: out of memory or random bytes\n");
		return ODS_ENOMEM;
	}
	for (size_t i = 0; i < batch; i++) {
		w->inputs[i].data = w->buf + i * len;
		w->inputs[i].len = len;
	}
	return cli_init(&w->cli, &def, run->o->conf_path);
}

static void
worker_free(struct speed_worker *w)
{
	cli_fini(&w->cli);
	free(w->inputs);
	free(w->buf);
}

/* Start the threads, time them from the moment all are warm, print the result. */
static int
measure(struct speed_run *run, struct speed_worker *w)
{
	const struct speed_opts *o = run->o;
	unsigned started = 0;
	int code = 0;

	for (unsigned i = 0; i < o->threads; i++)
		if (worker_prepare(&w[i], run) != ODS_OK)
			return 1;
	printf("Signing %llu RRsets with %s/%u using %u %s, batch %u...\n",
	       (unsigned long long)run->total, dns_alg_name(o->alg), o->bits, o->threads,
	       o->threads == 1 ? "thread" : "threads", o->batch);
	fflush(stdout);
	for (; started < o->threads; started++)
		if (pthread_create(&w[started].tid, NULL, worker_main, &w[started]) != 0)
			break;
	if (started < o->threads) {
		fprintf(stderr, "Error: cannot start thread %u\n", started + 1);
		atomic_store(&run->failed, true);
	}
	pthread_mutex_lock(&run->mu);
	while (run->warm < started)
		pthread_cond_wait(&run->cv, &run->mu);
	run->go = true;
	pthread_cond_broadcast(&run->cv);
	pthread_mutex_unlock(&run->mu);
	int64_t t0 = clock_mono_ns();
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	double secs = (double)(clock_mono_ns() - t0) / 1e9;
	uint64_t done = atomic_load(&run->done);
	if (atomic_load(&run->failed))
		code = 1;
	else if (stop_requested)
		printf("Interrupted.\n");
	printf("%llu signatures, %.2f sig/s (%s %u bits)\n", (unsigned long long)done,
	       secs > 0 ? (double)done / secs : 0.0, dns_alg_kind_name(o->alg), o->bits);
	fflush(stdout);
	return code;
}

/* Prove the key signs what ldns accepts, then measure. */
static int
check_and_measure(struct cli *c, const struct speed_opts *o, const char *locator, unsigned bits)
{
	struct speed_run run = {.o = o, .locator = locator, .total = o->count,
	                        .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct speed_worker *w = calloc(o->threads, sizeof(*w));
	struct diag d = {0};
	int code = 1;

	run.sig_len = dns_alg_sig_len(o->alg, bits);
	if (w == NULL) {
		fprintf(stderr, "Error: out of memory\n");
		return 1;
	}
	if (cli_hsm_check(c, locator, o->alg, 1, &d) != ODS_OK)
		fprintf(stderr, "Error: the temporary key does not sign correctly: %s\n", d.msg);
	else if (stop_requested)
		code = 0;
	else
		code = measure(&run, w);
	for (unsigned i = 0; i < o->threads; i++)
		worker_free(&w[i]);
	free(w);
	return code;
}

int
main(int argc, char **argv)
{
	Ods__Keystore__GenerateKeyReply *key = NULL;
	struct speed_opts o;
	struct cli c;
	struct sigaction sa;
	int code = parse_args(&o, argc, argv);

	if (code != 0)
		return code == 1 ? 0 : 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (cli_init(&c, &def, o.conf_path) != ODS_OK)
		return 1;
	fprintf(stderr, "Generating temporary key...\n");
	if (cli_key_generate(&c, o.repository, o.alg, o.bits, &key) != ODS_OK) {
		fprintf(stderr, "Could not generate a key pair in repository \"%s\"\n",
		        o.repository);
		cli_fini(&c);
		return 1;
	}
	fprintf(stderr, "Temporary key created: %s\n", key->key->locator);
	code = check_and_measure(&c, &o, key->key->locator, key->key->bits);
	fprintf(stderr, "Deleting temporary key...\n");
	if (cli_key_delete(&c, key->key->locator) != ODS_OK) {
		fprintf(stderr, "The temporary key %s is left in repository \"%s\"\n",
		        key->key->locator, o.repository);
		code = 1;
	}
	if (code == 0 && stop_requested)
		code = 130;
	ods__keystore__generate_key_reply__free_unpacked(key, NULL);
	cli_fini(&c);
	return code;
}
