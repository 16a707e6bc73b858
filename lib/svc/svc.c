/* SPDX-License-Identifier: BSD-2-Clause */
/* Start-up, the run loop and shutdown shared by the three daemons. */
#include "lib/svc/svc.h"

#include <getopt.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/file.h"
#include "lib/base/log.h"
#include "lib/base/metrics.h"
#include "lib/db/db.h"
#include "lib/db/migrate.h"
#include "lib/rpc/server.h"
#include "lib/svc/http.h"

#define DB_BACKOFF_MAX_MS 5000
#define TICK_MS 1000

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reload_flag;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_flag = 1;
	else
		stop_flag = 1;
}

void
svc_request_stop(void)
{
	stop_flag = 1;
}

bool
svc_stop_requested(void)
{
	return stop_flag != 0;
}

const struct ods_conf *
svc_conf(const struct svc *s)
{
	return atomic_load(&((struct svc *)s)->conf);
}

static void
install_signals(void)
{
	struct sigaction sa = {0};

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "usage: %s [-c conf.xml] [-v verbosity] [-d] [-h] [-V]\n"
	        "  -c FILE   configuration (default $ODS_CONF or /etc/opendnssec/conf.xml)\n"
	        "  -v N      verbosity 0..6, overriding Common/Logging/Verbosity\n"
	        "  -d        run in the foreground (always the case; accepted for OpenDNSSEC habits)\n"
	        "  -h        this help\n"
	        "  -V        version\n",
	        prog);
}

/* -1 to go on, else the exit code. */
static int
parse_args(struct svc *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'}, {"verbosity", required_argument, NULL, 'v'},
		{"no-daemon", no_argument, NULL, 'd'},    {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
	};
	int ch;
	char *end;

	s->args.verbosity = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:v:dhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			s->args.conf_path = optarg;
			break;
		case 'v':
			s->args.verbosity = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || s->args.verbosity < 0 || s->args.verbosity > 6) {
				fprintf(stderr, "%s: -v: '%s' is not a verbosity 0..6\n", s->prog,
				        optarg);
				return 2;
			}
			break;
		case 'd':
			break;
		case 'h':
			usage(stdout, s->prog);
			return 0;
		case 'V':
			printf("%s %s\n", s->prog, ODS_VERSION);
			return 0;
		default:
			usage(stderr, s->prog);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", s->prog, argv[optind]);
		usage(stderr, s->prog);
		return 2;
	}
	return -1;
}

static bool
ready_probe(void *arg, char *reason, size_t n)
{
	struct svc *s = arg;

	if (!atomic_load(&s->db_up)) {
		snprintf(reason, n, "database not connected");
		return false;
	}
	if (!atomic_load(&s->ready)) {
		snprintf(reason, n, "starting");
		return false;
	}
	return true;
}

static void
refresh_metrics(void *arg)
{
	struct svc *s = arg;
	char labels[64];

	snprintf(labels, sizeof(labels), "service=\"%s\"", conf_svc_name(s->kind));
	metric_set(metrics_get(METRIC_GAUGE, "ods_up", "1 when the service is ready", labels),
	           atomic_load(&s->ready) && atomic_load(&s->db_up));
	metric_set(metrics_get(METRIC_GAUGE, "ods_schema_version",
	                       "database migrations applied", labels),
	           atomic_load(&s->schema_version));
	metric_set(metrics_get(METRIC_GAUGE, "ods_start_time_seconds",
	                       "start time of the process since the epoch", labels),
	           s->started_unix);
	metric_set(metrics_get(METRIC_GAUGE, "ods_log_verbosity", "current log verbosity",
	                       labels),
	           log_verbosity());
	if (s->kind == CONF_SVC_ENFORCER)
		metric_set(metrics_get(METRIC_GAUGE, "ods_enforcer_leader",
		                       "1 while this enforcer is the cluster's leader", labels),
		           atomic_load(&s->leader));
}

static const char *
pid_path(const struct svc *s)
{
	const struct ods_conf *c = svc_conf(s);

	if (s->kind == CONF_SVC_ENFORCER)
		return c->enforcer.pid_file;
	if (s->kind == CONF_SVC_SIGNER)
		return c->signer.pid_file;
	return NULL;
}

/* <PidFile>, as OpenDNSSEC's daemons write it. Best effort: several cluster members may share
 * one conf.xml on one host, so a file naming another live process is left alone, and a
 * directory we cannot write to is only a warning. */
static void
pidfile_write(struct svc *s)
{
	const char *path = pid_path(s);
	FILE *f;

	if (path == NULL || path[0] == '\0')
		return;
	f = fopen(path, "r");
	if (f != NULL) {
		long other = 0;
		bool alive = fscanf(f, "%ld", &other) == 1 && other > 0 && other != (long)getpid() &&
		             kill((pid_t)other, 0) == 0;
		fclose(f);
		if (alive) {
			log_warning("svc", "pidfile_in_use", "path=%s pid=%ld: another %s runs; not "
			            "overwritten", path, other, s->prog);
			return;
		}
	}
	char text[24];
	struct diag d = {0};
	int n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (file_replace(path, text, (size_t)n, &d) != ODS_OK) {
		log_warning("svc", "pidfile_failed", "path=%s: cannot write it: %s", path, d.msg);
		return;
	}
	s->wrote_pidfile = true;
}

static void
pidfile_remove(struct svc *s)
{
	const char *path = pid_path(s);
	FILE *f;
	long pid = 0;

	if (!s->wrote_pidfile || path == NULL)
		return;
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fscanf(f, "%ld", &pid) == 1 && pid == (long)getpid())
		(void)unlink(path);
	fclose(f);
}

static void
log_warnings(const struct ods_conf *c)
{
	for (size_t i = 0; i < c->n_warnings; i++)
		log_warning("conf", "conf_warning", "%s", c->warnings[i]);
}

ods_err
svc_init(struct svc *s, enum conf_svc kind, const char *prog,
         const ProtobufCServiceDescriptor *desc, int argc, char **argv, int *exit_code)
{
	struct ods_conf *conf = NULL;
	struct diag d = {0};
	int code;

	s->kind = kind;
	s->prog = prog;
	s->desc = desc;
	s->started_unix = (int64_t)time(NULL);
	*exit_code = EXIT_FAILURE;
	code = parse_args(s, argc, argv);
	if (code >= 0) {
		*exit_code = code;
		return ODS_EINVAL;
	}
	const char *path = conf_default_path(s->args.conf_path);
	if (conf_load(path, &conf, &d) != ODS_OK) {
		fprintf(stderr, "%s: %s: %s\n", prog, d.where[0] ? d.where : path, d.msg);
		return ODS_EINVAL;
	}
	atomic_store(&s->conf, conf);
	log_open(conf_svc_name(kind), conf->syslog_facility,
	         s->args.verbosity >= 0 ? s->args.verbosity : conf->verbosity);
	log_info("svc", "start", "version=%s pid=%d conf=%s", ODS_VERSION, (int)getpid(), path);
	log_warnings(conf);
	install_signals();
	pidfile_write(s);

	const struct conf_service *cs = &conf->cluster.svc[kind];
	if (cs->metrics) {
		if (svc_http_start(&s->http, cs->metrics, ready_probe, refresh_metrics, s, &d) !=
		    ODS_OK) {
			log_error("svc", "http_failed", "%s: %s", d.where, d.msg);
			return ODS_EUNAVAIL;
		}
		log_info("svc", "http_listen", "addr=%s paths=/healthz,/readyz,/metrics",
		         cs->metrics);
	}
	if (rpc_dispatch_new(&s->dispatch) != ODS_OK)
		return ODS_ENOMEM;
	if (rpc_dispatch_add(s->dispatch, desc, svc_admin_methods, s, &d) != ODS_OK) {
		log_error("svc", "dispatch_failed", "%s: %s", d.where, d.msg);
		return ODS_EINTERNAL;
	}
	return ODS_OK;
}

/* Read the cluster clock offset; a failure only means the database went away. */
static void
refresh_clock(struct svc *s)
{
	PGresult *res = NULL;
	struct diag d = {0};

	if (db_query(s->db, "svc_clock", "SELECT clock_offset_s FROM cluster WHERE id = 1", 0,
	             NULL, &res, &d) != ODS_OK) {
		if (atomic_exchange(&s->db_up, false))
			log_warning("db", "db_lost", "%s", d.msg);
		return;
	}
	if (PQntuples(res) == 1)
		clock_set_offset(&s->clock, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
	PQclear(res);
	if (!atomic_exchange(&s->db_up, true))
		log_info("db", "db_back", "database reachable again");
}

ods_err
svc_connect(struct svc *s)
{
	const struct ods_conf *conf = svc_conf(s);
	struct diag d = {0};
	int backoff = 100, version = 0, applied = 0;
	bool told = false;
	ods_err rc;

	while ((rc = db_open(&s->db, conf->cluster.database, &d)) != ODS_OK) {
		if (!told)
			log_warning("db", "db_wait", "waiting for the database: %s", d.msg);
		told = true;
		if (svc_stop_requested())
			return ODS_EUNAVAIL;
		clock_sleep_ms(backoff);
		backoff = backoff * 2 > DB_BACKOFF_MAX_MS ? DB_BACKOFF_MAX_MS : backoff * 2;
	}
	rc = db_migrate(s->db, &version, &applied, &d);
	if (rc != ODS_OK) {
		log_error("db", "migrate_failed", "%s: %s", d.where, d.msg);
		return rc;
	}
	atomic_store(&s->schema_version, version);
	atomic_store(&s->db_up, true);
	log_info("db", "db_ready", "schema_version=%d applied=%d", version, applied);
	refresh_clock(s);
	return ODS_OK;
}

ods_err
svc_add_methods(struct svc *s, const struct rpc_method *methods, void *ctx)
{
	struct diag d = {0};
	ods_err rc = rpc_dispatch_add(s->dispatch, s->desc, methods, ctx, &d);

	if (rc != ODS_OK)
		log_error("svc", "dispatch_failed", "%s: %s", d.where, d.msg);
	return rc;
}

ods_err
svc_serve(struct svc *s)
{
	const struct ods_conf *conf = svc_conf(s);
	const struct conf_service *cs = &conf->cluster.svc[s->kind];
	struct rpc_listen_spec *ls = calloc(cs->n_listen ? cs->n_listen : 1, sizeof(*ls));
	struct diag d = {0};
	ods_err rc;

	if (ls == NULL)
		return ODS_ENOMEM;
	for (size_t i = 0; i < cs->n_listen; i++) {
		ls[i].url = cs->listen[i].url;
		ls[i].role = cs->listen[i].role;
		ls[i].ca_file = cs->listen[i].ca_file;
	}
	struct rpc_server_opts o = {
		.name = conf_svc_name(s->kind),
		.listen = ls,
		.n_listen = cs->n_listen,
		.tls = {conf->cluster.tls.cert_file, conf->cluster.tls.key_file,
		        conf->cluster.tls.ca_file},
		.workers = cs->workers,
		.max_message_bytes = conf->cluster.max_message_bytes,
	};
	rc = rpc_server_start(&s->rpc, &o, s->dispatch, &d);
	free(ls);
	if (rc != ODS_OK) {
		log_error("rpc", "listen_failed", "url=%s %s", d.where, d.msg);
		return rc;
	}
	atomic_store(&s->ready, true);
	log_info("svc", "ready", "service=%s", conf_svc_name(s->kind));
	return ODS_OK;
}

static void
reload(struct svc *s)
{
	struct ods_conf *next = NULL, **r;
	const struct ods_conf *cur = svc_conf(s);
	struct diag d = {0};

	if (conf_load(cur->path, &next, &d) != ODS_OK) {
		log_error("conf", "reload_failed", "%s: %s; keeping the running configuration",
		          d.where, d.msg);
		return;
	}
	r = realloc(s->retired, (s->n_retired + 1) * sizeof(*r));
	if (r == NULL) {
		conf_free(next);
		log_error("conf", "reload_failed", "out of memory");
		return;
	}
	s->retired = r;
	s->retired[s->n_retired++] = (struct ods_conf *)cur;
	atomic_store(&s->conf, next);
	if (s->args.verbosity < 0)
		log_set_verbosity(next->verbosity);
	log_warnings(next);
	log_info("conf", "reloaded", "conf=%s verbosity=%d", next->path, log_verbosity());
}

void
svc_run(struct svc *s, svc_tick_fn tick, void *arg)
{
	int64_t last_db_check = 0;

	while (!svc_stop_requested()) {
		if (reload_flag) {
			reload_flag = 0;
			reload(s);
		}
		int64_t now = (int64_t)time(NULL);
		if (now - last_db_check >= 1) {
			last_db_check = now;
			refresh_clock(s);
		}
		if (tick)
			tick(s, arg);
		clock_sleep_ms(TICK_MS / 4);
	}
	log_info("svc", "stopping", "signal received, draining");
}

/* Stop serving and wait (Cluster/ShutdownGrace) for calls in progress. False when some were
 * still running: their threads may still use the service's resources, which must then be
 * left alone until the process exits. */
static bool
drain(struct svc *s)
{
	const struct ods_conf *conf = svc_conf(s);
	bool drained = true;

	atomic_store(&s->ready, false);
	if (s->rpc) {
		drained = rpc_server_drain(s->rpc, conf ? conf->cluster.grace_ms : 0) == ODS_OK;
		if (drained)
			rpc_server_free(s->rpc);
		s->rpc = NULL;
	}
	return drained;
}

void
svc_fini(struct svc *s)
{
	const struct ods_conf *conf = svc_conf(s);

	drain(s);
	svc_http_stop(s->http);
	s->http = NULL;
	rpc_dispatch_free(s->dispatch);
	s->dispatch = NULL;
	db_close(s->db);
	s->db = NULL;
	if (conf) {
		pidfile_remove(s);
		log_info("svc", "stopped", "service=%s", conf_svc_name(s->kind));
	}
	log_close();
	for (size_t i = 0; i < s->n_retired; i++)
		conf_free(s->retired[i]);
	free(s->retired);
	conf_free((struct ods_conf *)conf);
	atomic_store(&s->conf, NULL);
}

int
svc_main(const struct svc_def *def, void *ctx, int argc, char **argv)
{
	struct svc s = {0};
	int status = EXIT_FAILURE;
	bool started = false;

	if (svc_init(&s, def->kind, def->prog, def->desc, argc, argv, &status) != ODS_OK)
		goto out;
	status = EXIT_FAILURE;
	if (svc_connect(&s) != ODS_OK)
		goto out;
	if (def->start && def->start(&s, ctx) != ODS_OK)
		goto out;
	started = true;
	if (svc_serve(&s) != ODS_OK)
		goto out;
	svc_run(&s, def->tick, ctx);
	status = EXIT_SUCCESS;
out:
	if (!drain(&s)) {
		/* Freeing what running handlers use would crash them: the exit frees it. */
		log_warning("svc", "stop_skipped", "calls still running after the grace period; "
		            "exiting without releasing their resources");
		log_close();
		return status;
	}
	if (started && def->stop)
		def->stop(&s, ctx);
	svc_fini(&s);
	return status;
}
