/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-enforcer: the operator's client of ods-enforcerd, with OpenDNSSEC 2.x's commands and
 * output (cli/enforcer/).
 */
#include "cli/enforcer/cmds.h"

int
main(int argc, char **argv)
{
	return cli_enf_prog_main("ods-enforcer", cli_enf_specs, cli_enf_n_specs, argc, argv);
}
