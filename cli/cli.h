/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the command-line tools share: global options (-c conf.xml, -s endpoint, -t timeout),
 * finding the daemon from conf.xml, one RPC client, a table of commands, and the messages for
 * "daemon not reachable". Commands print for people; daemons never format text for them.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/conf/conf.h"

struct rpc_client;

/* Exit codes of the tools: done, the operation failed, the command line was wrong. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,
	CLI_EXIT_USAGE = 2,
};

struct cli {
	const char *prog;   /* "ods-enforcer" */
	const char *daemon; /* "ods-enforcerd" */
	const char *service_prefix; /* "ods.enforcer.Enforcer/" */
	enum conf_svc kind;
	const char *conf_path;
	const char *endpoint; /* -s override */
	int64_t timeout_ms;
	bool force;    /* -f: do not ask for confirmation */
	int verbose;   /* -v, repeatable */
	struct ods_conf *conf;
	struct rpc_client *client;
	const struct cli_cmd *cmd; /* the command being run (set by cli_main before cmd->fn) */
};

struct cli_cmd {
	const char *name;  /* "running", "key list" (words separated by one space) */
	const char *usage; /* one line of help */
	int (*fn)(struct cli *c, int argc, char **argv); /* argv[0] is the last command word */
};

struct cli_def {
	const char *prog;
	const char *daemon;
	const char *service_prefix;
	enum conf_svc kind;
	const struct cli_cmd *cmds; /* ends with a NULL name */
	/* Optional: print the full help of one command for `help COMMAND` and return the exit
	 * code; without it the command's one-line usage is printed. */
	int (*cmd_help)(const struct cli_def *def, const struct cli_cmd *cmd);
};

/* Set c up for def's daemon with conf.xml at conf_path (NULL: $ODS_CONF or the default) and
 * connect; for programs that call cli_call without cli_main (tests, benchmarks). Prints the
 * error and returns it on failure. Release with cli_fini. */
ods_err cli_init(struct cli *c, const struct cli_def *def, const char *conf_path);
void cli_fini(struct cli *c);

/* Parse global options, find the command (longest match of its words), run it. */
int cli_main(const struct cli_def *def, int argc, char **argv);

/* Call method (the part after the service prefix, "Health") on the daemon. On failure prints
 * the error for people ("Error: ...", with a hint when the daemon is not reachable) and
 * returns the error. */
ods_err cli_call(struct cli *c, const char *method, const ProtobufCMessage *in,
                 const ProtobufCMessageDescriptor *out_desc, ProtobufCMessage **out);

/* The same without printing an RPC failure: d says what went wrong and *unreachable (may be
 * NULL) whether the daemon could not be reached at all (as opposed to answering with an
 * error). A conf.xml that cannot be loaded is still printed, and counts as reachable. */
ods_err cli_call_quiet(struct cli *c, const char *method, const ProtobufCMessage *in,
                       const ProtobufCMessageDescriptor *out_desc, ProtobufCMessage **out,
                       struct diag *d, bool *unreachable);

/* Load conf.xml and set up the RPC client if not done yet (nothing is dialled). Prints the
 * error and returns it on failure; afterwards c->conf is set. */
ods_err cli_prepare(struct cli *c);

/* upstream's exit code for "Engine not running." */
#define CLI_NOT_RUNNING_EXIT 209
/* `running`: "Engine running." (-v: version, pid, uptime, schema, leader or standby), or
 * "Engine not running." and CLI_NOT_RUNNING_EXIT when nothing listens; 1 when it answers but
 * is not ready. */
int cli_running(struct cli *c);
/* Daemon control (ctl.c): start spawns the daemon (next to this program or in PATH) with this
 * conf.xml and waits until it answers ready ("Engine already running." when it does); stop
 * asks it to drain and exit and waits until it is gone ("Engine shut down."); reload makes
 * it reread conf.xml. Exit codes as the commands return them. */
int cli_start(struct cli *c);
int cli_stop(struct cli *c);
int cli_reload(struct cli *c);
/* Commands every daemon's CLI has. */
int cli_cmd_running(struct cli *c, int argc, char **argv);
int cli_cmd_verbosity(struct cli *c, int argc, char **argv);
