/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The daemon itself: start (spawn ods-enforcerd detached and wait until it answers), stop,
 * reload, running, verbosity, and the `update` commands that reread configuration.
 */
#include "cli/enforcer/cmds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ods/enforcer.pb-c.h"

int
cli_enf_start(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_start(c);
}

int
cli_enf_stop(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_stop(c);
}

int
cli_enf_reload(struct cli *c, const struct cli_args *a)
{
	(void)a;
	if (cli_reload(c) != CLI_EXIT_OK)
		return CLI_EXIT_FAIL;
	printf("Reloading engine.\n");
	return CLI_EXIT_OK;
}

int
cli_enf_running(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_running(c);
}

int
cli_enf_verbosity(struct cli *c, const struct cli_args *a)
{
	Ods__HealthRequest hq = ODS__HEALTH_REQUEST__INIT;
	Ods__HealthReply *h = NULL;
	Ods__SetVerbosityRequest rq = ODS__SET_VERBOSITY_REQUEST__INIT;
	Ods__SetVerbosityReply *r = NULL;
	long v;

	if (a->n_pos == 0) {
		if (cli_call(c, "Health", &hq.base, &ods__health_reply__descriptor,
		             (ProtobufCMessage **)&h) != ODS_OK)
			return CLI_EXIT_FAIL;
		printf("Current verbosity is set to %d.\n", h->verbosity);
		printf(
		    "Available modes:\n  0 - Critical\n  1 - Error\n  2 - Warning\n  3 - Notice\n"
		    "  4 - Info\n  5 - Debug\n");
		ods__health_reply__free_unpacked(h, NULL);
		return CLI_EXIT_OK;
	}
	if (cli_long_parse(a->pos[0], INT_MIN, INT_MAX, &v) != ODS_OK) {
		fprintf(stderr, "Error parsing verbosity value: No digits were found.\n");
		return CLI_EXIT_USAGE;
	}
	if (v < 0) {
		fprintf(stderr, "Error parsing verbosity value: must be >= 0.\n");
		return CLI_EXIT_USAGE;
	}
	rq.verbosity = (int32_t)v;
	if (cli_call(c, "SetVerbosity", &rq.base, &ods__set_verbosity_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	ods__set_verbosity_reply__free_unpacked(r, NULL);
	printf("Verbosity level set to %ld.\n", v);
	return CLI_EXIT_OK;
}

int
cli_enf_update_conf(struct cli *c, const struct cli_args *a)
{
	(void)a;
	/* Upstream says nothing when the reload was accepted. */
	if (cli_reload(c) != CLI_EXIT_OK)
		return CLI_EXIT_FAIL;
	if (c->verbose)
		printf("Reloading engine.\n");
	return CLI_EXIT_OK;
}

int
cli_enf_update_repositorylist(struct cli *c, const struct cli_args *a)
{
	(void)a;
	if (cli_reload(c) != CLI_EXIT_OK) {
		printf("Could not load new repositories. Will continue with old.\n");
		return CLI_EXIT_FAIL;
	}
	printf("new repositories parsed successful.\n");
	printf("Notifying enforcer of new respositories.\n");
	return CLI_EXIT_OK;
}

int
cli_enf_update_all(struct cli *c, const struct cli_args *a)
{
	(void)a;
	/* As upstream: policies first (zones name them), then zones, then the rest of conf.xml. */
	if (cli_enf_policy_import_file(c, NULL, false) != CLI_EXIT_OK)
		return CLI_EXIT_FAIL;
	if (cli_enf_zonelist_import_file(c, NULL, false) != CLI_EXIT_OK)
		return CLI_EXIT_FAIL;
	return cli_reload(c);
}
