/* SPDX-License-Identifier: BSD-2-Clause */
/* Global options, command lookup and the shared RPC plumbing of the CLI tools. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rpc/client.h"
#include "lib/svc/peer.h"
#include "ods/common.pb-c.h"

#define CLI_TIMEOUT_MS 30000
#define CLI_WORDS_MAX 4

static void
print_help(const struct cli_def *def, FILE *f)
{
	fprintf(f, "usage: %s [-c conf.xml] [-s endpoint] [-t seconds] [-f] [-v] COMMAND [OPTIONS]\n\n",
	        def->prog);
	fprintf(f, "commands:\n");
	for (const struct cli_cmd *cmd = def->cmds; cmd->name; cmd++)
		fprintf(f, "  %-24s %s\n", cmd->name, cmd->usage);
	fprintf(f, "  %-24s %s\n", "help [COMMAND]", "this list, or one command's usage");
}

/* Number of argv words matching the command's name, or 0. */
static int
match_words(const char *name, int argc, char **argv)
{
	int n = 0;
	const char *p = name;

	while (*p && n < argc) {
		size_t len = strcspn(p, " ");
		if (strlen(argv[n]) != len || strncmp(argv[n], p, len) != 0)
			return 0;
		n++;
		p += len;
		if (*p == ' ')
			p++;
	}
	return *p == '\0' ? n : 0;
}

static const struct cli_cmd *
find_cmd(const struct cli_def *def, int argc, char **argv, int *words)
{
	const struct cli_cmd *best = NULL;
	int best_n = 0;

	for (const struct cli_cmd *cmd = def->cmds; cmd->name; cmd++) {
		int n = match_words(cmd->name, argc, argv);
		if (n > best_n) {
			best = cmd;
			best_n = n;
		}
	}
	*words = best_n;
	return best;
}

static int
cmd_help(const struct cli_def *def, int argc, char **argv)
{
	int words;
	const struct cli_cmd *cmd = argc > 0 ? find_cmd(def, argc, argv, &words) : NULL;

	if (cmd && def->cmd_help)
		return def->cmd_help(def, cmd);
	if (cmd) {
		printf("%s %s\n    %s\n", def->prog, cmd->name, cmd->usage);
		return 0;
	}
	print_help(def, stdout);
	return argc > 0 ? 1 : 0;
}

static ods_err
cli_connect(struct cli *c)
{
	struct diag d = {0};
	const char *path = conf_default_path(c->conf_path);
	ods_err rc;

	rc = conf_load(path, &c->conf, &d);
	if (rc != ODS_OK) {
		fprintf(stderr, "Error: %s: %s\n", d.where[0] ? d.where : path, d.msg);
		return rc;
	}
	const char *one[1] = {c->endpoint};
	struct rpc_client_opts o;

	svc_peer_opts(c->conf, c->kind, &o);
	o.fail_fast = true;
	if (c->endpoint) {
		o.endpoints = one;
		o.n_endpoints = 1;
	}
	rc = rpc_client_new(&c->client, &o, &d);
	if (rc != ODS_OK)
		fprintf(stderr, "Error: %s: %s\n", d.where, d.msg);
	return rc;
}

ods_err
cli_prepare(struct cli *c)
{
	return c->client ? ODS_OK : cli_connect(c);
}

/* Only transport failures name a URL in where; a server's UNAVAILABLE names its field. */
static bool
is_unreachable(ods_err rc, const struct diag *d)
{
	return strstr(d->where, "://") != NULL &&
	       (rc == ODS_EUNAVAIL || rc == ODS_ETIMEDOUT || rc == ODS_EAUTH);
}

ods_err
cli_call_quiet(struct cli *c, const char *method, const ProtobufCMessage *in,
               const ProtobufCMessageDescriptor *out_desc, ProtobufCMessage **out,
               struct diag *d, bool *unreachable)
{
	char full[256];
	ods_err rc;

	diag_clear(d);
	if (unreachable)
		*unreachable = false;
	rc = cli_prepare(c);
	if (rc != ODS_OK)
		return rc;
	snprintf(full, sizeof(full), "%s%s", c->service_prefix, method);
	rc = rpc_client_call(c->client, full, in, out_desc, c->timeout_ms, out, d);
	if (rc != ODS_OK && unreachable)
		*unreachable = is_unreachable(rc, d);
	return rc;
}

ods_err
cli_call(struct cli *c, const char *method, const ProtobufCMessage *in,
         const ProtobufCMessageDescriptor *out_desc, ProtobufCMessage **out)
{
	struct diag d = {0};
	bool unreachable;
	ods_err rc;

	rc = cli_prepare(c); /* conf.xml errors are printed here, and only here */
	if (rc != ODS_OK)
		return rc;
	rc = cli_call_quiet(c, method, in, out_desc, out, &d, &unreachable);
	if (unreachable && rc == ODS_EUNAVAIL)
		fprintf(stderr, "Error: cannot reach %s: %s%s%s (is %s running?)\n", c->daemon,
		        d.where, d.where[0] ? ": " : "", d.msg, c->daemon);
	else if (unreachable) /* something is there, but it refused us or did not answer */
		fprintf(stderr, "Error: cannot reach %s: %s%s%s\n", c->daemon, d.where,
		        d.where[0] ? ": " : "", d.msg);
	else if (rc != ODS_OK)
		fprintf(stderr, "Error: %s%s%s\n", d.where, d.where[0] ? ": " : "", d.msg);
	return rc;
}

int
cli_running(struct cli *c)
{
	Ods__HealthRequest rq = ODS__HEALTH_REQUEST__INIT;
	Ods__HealthReply *r = NULL;
	struct diag d;
	bool unreachable;

	if (cli_prepare(c) != ODS_OK)
		return 1;
	if (cli_call_quiet(c, "Health", &rq.base, &ods__health_reply__descriptor,
	                   (ProtobufCMessage **)&r, &d, &unreachable) != ODS_OK) {
		if (unreachable) {
			printf("Engine not running.\n");
			fprintf(stderr, "cannot reach %s at %s: %s (is %s running?)\n", c->daemon,
			        d.where, d.msg, c->daemon);
			return CLI_NOT_RUNNING_EXIT;
		}
		fprintf(stderr, "Error: %s%s%s\n", d.where, d.where[0] ? ": " : "", d.msg);
		return 1;
	}
	printf("Engine running.\n");
	if (c->verbose)
		printf("%s %s pid %d on %s, up %llds, schema %d%s%s\n", c->daemon, r->version,
		       r->pid, r->hostname, (long long)r->uptime_s, r->schema_version,
		       r->ready ? ", ready" : ", NOT ready",
		       c->kind != CONF_SVC_ENFORCER ? "" : r->leader ? ", leader" : ", standby");
	int code = r->ready ? 0 : 1;
	if (!r->ready)
		fprintf(stderr, "%s answers but is not ready (database not reachable yet?)\n",
		        c->daemon);
	ods__health_reply__free_unpacked(r, NULL);
	return code;
}

int
cli_cmd_running(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "Error: running takes no arguments\n");
		return 2;
	}
	return cli_running(c);
}

int
cli_cmd_verbosity(struct cli *c, int argc, char **argv)
{
	Ods__SetVerbosityRequest rq = ODS__SET_VERBOSITY_REQUEST__INIT;
	Ods__SetVerbosityReply *r = NULL;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "Error: usage: %s verbosity <0..6>\n", c->prog);
		return 2;
	}
	long v = strtol(argv[1], &end, 10);
	if (*end != '\0' || end == argv[1] || v < 0 || v > 6) {
		fprintf(stderr, "Error: verbosity: '%s' is not a number 0..6\n", argv[1]);
		return 2;
	}
	rq.verbosity = (int32_t)v;
	if (cli_call(c, "SetVerbosity", &rq.base, &ods__set_verbosity_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("Verbosity set to %ld (was %d).\n", v, r->previous);
	ods__set_verbosity_reply__free_unpacked(r, NULL);
	return 0;
}

static void
cli_setup(struct cli *c, const struct cli_def *def)
{
	*c = (struct cli){
		.prog = def->prog,
		.daemon = def->daemon,
		.service_prefix = def->service_prefix,
		.kind = def->kind,
		.timeout_ms = CLI_TIMEOUT_MS,
	};
}

ods_err
cli_init(struct cli *c, const struct cli_def *def, const char *conf_path)
{
	cli_setup(c, def);
	c->conf_path = conf_path;
	return cli_connect(c);
}

void
cli_fini(struct cli *c)
{
	rpc_client_free(c->client);
	conf_free(c->conf);
	c->client = NULL;
	c->conf = NULL;
}

int
cli_main(const struct cli_def *def, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'}, {"socket", required_argument, NULL, 's'},
		{"timeout", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {"force", no_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},      {NULL, 0, NULL, 0},
	};
	struct cli c;
	int ch, words, code;
	char *end;

	cli_setup(&c, def);
	/* Options before the command only: the command's own options are its business. */
	while ((ch = getopt_long(argc, argv, "+c:s:t:hVfv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c.conf_path = optarg;
			break;
		case 's':
			c.endpoint = optarg;
			break;
		case 't':
			c.timeout_ms = strtol(optarg, &end, 10) * 1000;
			if (*end != '\0' || c.timeout_ms <= 0) {
				fprintf(stderr, "Error: -t: '%s' is not a number of seconds\n", optarg);
				return 2;
			}
			break;
		case 'f':
			c.force = true;
			break;
		case 'v':
			c.verbose++;
			break;
		case 'h':
			print_help(def, stdout);
			return 0;
		case 'V':
			printf("%s %s\n", def->prog, ODS_VERSION);
			return 0;
		default:
			print_help(def, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_help(def, stderr);
		return 2;
	}
	if (strcmp(argv[0], "help") == 0)
		return cmd_help(def, argc - 1, argv + 1);
	const struct cli_cmd *cmd = find_cmd(def, argc, argv, &words);
	if (cmd == NULL) {
		fprintf(stderr, "Error: unknown command '%s'; '%s help' lists the commands\n",
		        argv[0], def->prog);
		return 2;
	}
	c.cmd = cmd;
	code = cmd->fn(&c, argc - words + 1, argv + words - 1);
	cli_fini(&c);
	return code;
}
