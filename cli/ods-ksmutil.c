/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-ksmutil: OpenDNSSEC 1.4's key and signing policy utility, as a client of ods-enforcerd
 * (cli/enforcer/ksmutil.c maps its forms onto the ods-enforcer commands).
 */
#include "cli/enforcer/cmds.h"

int
main(int argc, char **argv)
{
	cli_enf_hoist_config(argc, argv);
	return cli_enf_prog_main("ods-ksmutil", cli_ksm_specs, cli_ksm_n_specs, argc, argv);
}
