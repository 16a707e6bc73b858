/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The service skeleton every daemon is built on: command-line arguments, conf.xml, logging,
 * signals (handlers only set flags), the health/metrics HTTP port, the database connection and
 * migrations, the RPC server with the admin methods (Health, SetVerbosity), and the run loop.
 *
 *   svc_init -> svc_connect -> svc_add_methods... -> svc_serve -> svc_run -> svc_fini
 *
 * SIGTERM/SIGINT make svc_run return; svc_fini then drains in-flight calls (Cluster/
 * ShutdownGrace) and the process exits 0. SIGHUP reloads conf.xml: a new snapshot replaces the
 * old one (which stays allocated until exit, so a reader never sees it freed); verbosity takes
 * effect at once, listener changes need a restart.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/base/clock.h"
#include "lib/base/err.h"
#include "lib/conf/conf.h"
#include "lib/rpc/dispatch.h"

struct db;
struct rpc_server;
struct svc_http;

struct svc_args {
	const char *conf_path; /* -c FILE */
	int verbosity;         /* -v N, -1 = from conf.xml */
};

struct svc {
	enum conf_svc kind;
	const char *prog; /* "ods-enforcerd" */
	const ProtobufCServiceDescriptor *desc;
	struct svc_args args;
	const struct ods_conf *_Atomic conf; /* current snapshot */
	struct db *db;                        /* the main thread's connection */
	struct clock clock;
	struct rpc_dispatch *dispatch;
	struct rpc_server *rpc;
	struct svc_http *http;
	int64_t started_unix;
	atomic_int schema_version;
	atomic_bool ready;
	atomic_bool leader; /* enforcer only */
	atomic_bool db_up;
	bool wrote_pidfile;

	struct ods_conf **retired; /* old snapshots, freed by svc_fini */
	size_t n_retired;
};

/* Parse arguments, load conf.xml, open the log, install signal handlers and start the HTTP
 * port. On failure (or for -h/-V) returns non-OK and sets *exit_code. */
ods_err svc_init(struct svc *s, enum conf_svc kind, const char *prog,
                 const ProtobufCServiceDescriptor *desc, int argc, char **argv, int *exit_code);

/* Connect to PostgreSQL, retrying with backoff until it answers or a stop is requested, then
 * apply migrations. ODS_EUNAVAIL when stopped before connecting, ODS_EDB on a failed
 * migration. */
ods_err svc_connect(struct svc *s);

/* Bind a table of domain handlers of this service (see rpc/dispatch.h). */
ods_err svc_add_methods(struct svc *s, const struct rpc_method *methods, void *ctx);

/* Start the RPC server on the service's listeners; the service is ready from here. */
ods_err svc_serve(struct svc *s);

/* Called about once a second from svc_run with the current time; may be NULL. */
typedef void (*svc_tick_fn)(struct svc *s, void *arg);

/* Run until SIGTERM/SIGINT: reload on SIGHUP, watch the database, refresh the cluster clock,
 * call tick. */
void svc_run(struct svc *s, svc_tick_fn tick, void *arg);

/* Drain the RPC server, stop HTTP, close the database, free conf snapshots. */
void svc_fini(struct svc *s);

/* Request a stop, as SIGTERM does (tests, fatal conditions). */
void svc_request_stop(void);
bool svc_stop_requested(void);

/* The service's current configuration. */
const struct ods_conf *svc_conf(const struct svc *s);

/* Admin handlers (Health, SetVerbosity); ctx is the struct svc. */
extern const struct rpc_method svc_admin_methods[];
/* Stop and Reload (ods.StopRequest, ods.ReloadRequest), for services whose proto has them;
 * ctx is the struct svc. */
extern const struct rpc_method svc_control_methods[];

/* What a daemon adds to the skeleton. Hooks may be NULL. */
struct svc_def {
	enum conf_svc kind;
	const char *prog;
	const ProtobufCServiceDescriptor *desc;
	/* After the database is ready, before RPC serves: open domain resources and bind the
	 * domain handlers with svc_add_methods. Non-OK aborts the start. */
	ods_err (*start)(struct svc *s, void *ctx);
	svc_tick_fn tick;
	/* After RPC has drained: release what start opened. */
	void (*stop)(struct svc *s, void *ctx);
};

/* The whole life of a daemon: init, connect, start hook, serve, run, drain, stop hook.
 * Returns the process exit status (0 after SIGTERM). */
int svc_main(const struct svc_def *def, void *ctx, int argc, char **argv);
