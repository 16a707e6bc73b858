/* SPDX-License-Identifier: BSD-2-Clause */
/* ods-signer: the operator's client of ods-signerd (OpenDNSSEC's command names). */
#include <stddef.h>

#include "cli/cli.h"

static const struct cli_cmd cmds[] = {
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
