/* SPDX-License-Identifier: BSD-2-Clause */
/* ods-signer: the operator's client of ods-signerd (OpenDNSSEC's command names). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ods/signer.pb-c.h"

static int
usage_error(struct cli *c, const char *what)
{
	fprintf(stderr, "Error: %s\nusage: %s %s %s\n", what, c->prog, c->cmd->name, c->cmd->usage);
	return 2;
}

/* s as a whole number in [0, max]. */
static bool
number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end = NULL;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

static int
cmd_zones(struct cli *c, int argc, char **argv)
{
	Ods__Signer__ZonesRequest rq = ODS__SIGNER__ZONES_REQUEST__INIT;
	Ods__Signer__ZonesReply *r = NULL;

	(void)argv;
	if (argc > 1)
		return usage_error(c, "zones takes no arguments");
	if (cli_call(c, "Zones", &rq.base, &ods__signer__zones_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("There are %zu zones configured\n", r->n_zones);
	for (size_t i = 0; i < r->n_zones; i++) {
		const Ods__Signer__ZoneState *z = r->zones[i];
		printf("- %s\n", z->name);
		if (c->verbose) {
			if (z->outbound_serial >= 0)
				printf("    serial %" PRId64 " published %s UTC to %s\n", z->outbound_serial,
				       z->published_at, z->output_path);
			else
				printf("    not published yet\n");
			printf("    signconf version %" PRId64 " (signed data follows %" PRId64 ")\n",
			       z->signconf_version, z->signed_version);
			if (z->last_error[0])
				printf("    last error: %s\n", z->last_error);
			if (z->last_stats[0])
				printf("    %s\n", z->last_stats);
		}
	}
	ods__signer__zones_reply__free_unpacked(r, NULL);
	return 0;
}

/* sign <zone>|--all [--serial N] [--wait [SECONDS]] */
static int
cmd_sign(struct cli *c, int argc, char **argv)
{
	Ods__Signer__SignRequest rq = ODS__SIGNER__SIGN_REQUEST__INIT;
	Ods__Signer__SignReply *r = NULL;
	int code = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "-a") == 0) {
			rq.all = true;
		} else if (strcmp(argv[i], "--serial") == 0 || strcmp(argv[i], "-s") == 0) {
			unsigned long long v = 0;
			if (i + 1 >= argc || !number(argv[++i], UINT32_MAX, &v))
				return usage_error(c, "--serial needs a number from 0 to 4294967295");
			rq.has_serial = true;
			rq.serial = (uint32_t)v;
		} else if (strcmp(argv[i], "--wait") == 0 || strcmp(argv[i], "-w") == 0) {
			unsigned long long v = 0;
			rq.wait = true;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				if (!number(argv[++i], 86400, &v))
					return usage_error(c, "--wait takes seconds, at most 86400");
				rq.wait_s = (int32_t)v;
			}
		} else if (argv[i][0] == '-') {
			char what[160];
			snprintf(what, sizeof(what), "unknown option '%s'", argv[i]);
			return usage_error(c, what);
		} else if (rq.zone[0] == '\0') {
			rq.zone = argv[i];
		} else {
			return usage_error(c, "one zone at a time");
		}
	}
	if (!rq.all && rq.zone[0] == '\0')
		return usage_error(c, "name a zone or give --all");
	if (rq.all && rq.zone[0] != '\0')
		return usage_error(c, "a zone or --all, not both");
	if (rq.wait) { /* the answer comes when the zone is published */
		int64_t need = 1000 * (int64_t)((rq.wait_s > 0 ? rq.wait_s : 120) + 15);
		if (c->timeout_ms < need)
			c->timeout_ms = need;
	}
	if (cli_call(c, "Sign", &rq.base, &ods__signer__sign_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	if (rq.all)
		printf("All zones scheduled for immediate re-sign.\n");
	else
		printf("Zone %s scheduled for immediate re-sign.\n", rq.zone);
	for (size_t i = 0; i < r->n_done; i++)
		printf("Zone %s signed and published.\n", r->done[i]);
	for (size_t i = 0; i < r->n_failed; i++) {
		fprintf(stderr, "Error: %s\n", r->failed[i]);
		code = 1;
	}
	ods__signer__sign_reply__free_unpacked(r, NULL);
	return code;
}

static int
cmd_clear(struct cli *c, int argc, char **argv)
{
	Ods__Signer__ClearRequest rq = ODS__SIGNER__CLEAR_REQUEST__INIT;
	Ods__Signer__ClearReply *r = NULL;

	if (argc != 2)
		return usage_error(c, "name one zone");
	rq.zone = argv[1];
	if (cli_call(c, "Clear", &rq.base, &ods__signer__clear_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("Internal zone information about %s cleared\n", argv[1]);
	ods__signer__clear_reply__free_unpacked(r, NULL);
	return 0;
}

static int
cmd_queue(struct cli *c, int argc, char **argv)
{
	Ods__Signer__QueueRequest rq = ODS__SIGNER__QUEUE_REQUEST__INIT;
	Ods__Signer__QueueReply *r = NULL;

	rq.all = argc > 1 && strcmp(argv[1], "--all") == 0;
	if (argc > 2 || (argc == 2 && !rq.all))
		return usage_error(c, "queue takes only --all");
	if (cli_call(c, "Queue", &rq.base, &ods__signer__queue_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("It is now %s UTC\n", r->now);
	printf("There are %zu tasks scheduled.\n", r->n_jobs);
	for (size_t i = 0; i < r->n_jobs; i++) {
		const Ods__Signer__Job *j = r->jobs[i];
		printf("On %s UTC I will %s zone %s (job %" PRId64 ", %s, %s", j->not_before, j->kind,
		       j->zone, j->id, j->reason, j->state);
		if (j->lease_owner[0])
			printf(" by %s", j->lease_owner);
		if (j->attempts)
			printf(", attempt %d", j->attempts);
		printf(")%s%s\n", j->error[0] ? ": " : "", j->error);
	}
	ods__signer__queue_reply__free_unpacked(r, NULL);
	return 0;
}

static int
cmd_flush(struct cli *c, int argc, char **argv)
{
	Ods__Signer__FlushRequest rq = ODS__SIGNER__FLUSH_REQUEST__INIT;
	Ods__Signer__FlushReply *r = NULL;

	(void)argv;
	if (argc > 1)
		return usage_error(c, "flush takes no arguments");
	if (cli_call(c, "Flush", &rq.base, &ods__signer__flush_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("All tasks scheduled immediately.\n");
	ods__signer__flush_reply__free_unpacked(r, NULL);
	return 0;
}

static int
cmd_update(struct cli *c, int argc, char **argv)
{
	Ods__Signer__UpdateRequest rq = ODS__SIGNER__UPDATE_REQUEST__INIT;
	Ods__Signer__UpdateReply *r = NULL;

	if (argc > 2)
		return usage_error(c, "a zone or --all");
	if (argc == 2 && strcmp(argv[1], "--all") == 0)
		rq.all = true;
	else if (argc == 2)
		rq.zone = argv[1];
	else
		rq.all = true;
	if (cli_call(c, "Update", &rq.base, &ods__signer__update_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	if (rq.all)
		printf("Zone configuration updated: %zu zones.\n", r->n_queued);
	else
		printf("Zone %s config being updated.\n", rq.zone);
	ods__signer__update_reply__free_unpacked(r, NULL);
	return 0;
}

static int
no_args(struct cli *c, int argc)
{
	return argc > 1 ? usage_error(c, "no arguments expected") : 0;
}

static int
cmd_start(struct cli *c, int argc, char **argv)
{
	(void)argv;
	return no_args(c, argc) ? CLI_EXIT_USAGE : cli_start(c);
}

static int
cmd_stop(struct cli *c, int argc, char **argv)
{
	(void)argv;
	return no_args(c, argc) ? CLI_EXIT_USAGE : cli_stop(c);
}

static int
cmd_reload(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (no_args(c, argc))
		return CLI_EXIT_USAGE;
	if (cli_reload(c) != CLI_EXIT_OK)
		return CLI_EXIT_FAIL;
	printf("Reloading engine.\n");
	return CLI_EXIT_OK;
}

static const struct cli_cmd cmds[] = {
	{"zones", "show the configured zones (-v: serial, time and [STATS] of the last sign)",
	 cmd_zones},
	{"sign", "<zone>|--all [--serial <nr>] [--wait [seconds]]: read the input again and "
	 "re-sign now", cmd_sign},
	{"clear", "<zone>: drop the stored zone data and signatures (serials kept); the next sign "
	 "starts from scratch", cmd_clear},
	{"queue", "[--all]: the signing jobs, when and by whom", cmd_queue},
	{"flush", "run every scheduled job now", cmd_flush},
	{"update", "<zone>|--all: read the signer configuration again and re-sign", cmd_update},
	{"start", "start ods-signerd (in the background) and wait until it answers", cmd_start},
	{"stop", "let ods-signerd finish its calls and exit", cmd_stop},
	{"reload", "make ods-signerd read conf.xml again", cmd_reload},
	{"running", "say whether ods-signerd answers, and how it is", cli_cmd_running},
	{"verbosity", "<0..6>: set the daemon's log verbosity", cli_cmd_verbosity},
	{NULL, NULL, NULL},
};

static const struct cli_def def = {
	.prog = "ods-signer",
	.daemon = "ods-signerd",
	.service_prefix = "ods.signer.Signer/",
	.kind = CONF_SVC_SIGNER,
	.cmds = cmds,
};

int
main(int argc, char **argv)
{
	return cli_main(&def, argc, argv);
}
