/* SPDX-License-Identifier: BSD-2-Clause */
/* ods-enforcer: the operator's client of ods-enforcerd (OpenDNSSEC's command names). */
#include <stddef.h>

#include "cli/cli.h"

static const struct cli_cmd cmds[] = {
	{"running", "say whether ods-enforcerd answers, and how it is", cli_cmd_running},
	{"verbosity", "<0..6>: set the daemon's log verbosity", cli_cmd_verbosity},
	{NULL, NULL, NULL},
};

static const struct cli_def def = {
	.prog = "ods-enforcer",
	.daemon = "ods-enforcerd",
	.service_prefix = "ods.enforcer.Enforcer/",
	.kind = CONF_SVC_ENFORCER,
	.cmds = cmds,
};

int
main(int argc, char **argv)
{
	return cli_main(&def, argc, argv);
}
