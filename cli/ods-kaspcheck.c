/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-kaspcheck: check conf.xml, kasp.xml and zonelist.xml as OpenDNSSEC's tool does, before
 * they are imported: each file is read with the same loaders the daemons use (errors name
 * file:line and element), then the policies get the semantic checks (lifetimes against TTLs,
 * refresh against resign, jitter against validity, ...). Works on files only; no daemon needed.
 * Exit status: 0 when nothing is wrong, 1 when there is an ERROR (warnings alone give 0),
 * 2 for bad arguments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/conf/conf.h"
#include "lib/conf/kasp.h"
#include "lib/conf/kaspcheck.h"
#include "lib/conf/zonelist.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ods-kaspcheck [-c conf.xml] [-k kasp.xml] [-z zonelist.xml] [-v] [-h] [-V]\n"
	           "  -c FILE  conf.xml (default $ODS_CONF or /etc/opendnssec/conf.xml)\n"
	           "  -k FILE  kasp.xml (default: Common/PolicyFile of conf.xml)\n"
	           "  -z FILE  zonelist.xml (default: Common/ZoneListFile; skipped when absent)\n"
	           "  -v       also say what was checked\n");
}

static int
load_failed(const char *path, const struct diag *d)
{
	fprintf(stderr, "%s: ERROR: %s\n", d->where[0] ? d->where : path, d->msg);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL, *kasp_path = NULL, *zl_path = NULL;
	struct ods_conf *conf = NULL;
	struct kasp *kasp = NULL;
	struct zonelist *zl = NULL;
	struct kaspcheck_report *rep = NULL;
	struct diag d = {0};
	int ch, verbose = 0, code = 1;

	while ((ch = getopt(argc, argv, "c:k:z:vhV")) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'k':
			kasp_path = optarg;
			break;
		case 'z':
			zl_path = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ods-kaspcheck %s\n", ODS_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	conf_path = conf_default_path(conf_path);
	if (conf_load(conf_path, &conf, &d) != ODS_OK)
		return load_failed(conf_path, &d);
	if (kasp_path == NULL)
		kasp_path = conf->policy_file;
	if (kasp_load(kasp_path, &kasp, &d) != ODS_OK) {
		code = load_failed(kasp_path, &d);
		goto out;
	}
	if (zl_path == NULL && access(conf->zonelist_file, F_OK) == 0)
		zl_path = conf->zonelist_file;
	if (zl_path && zonelist_load(zl_path, &zl, &d) != ODS_OK) {
		code = load_failed(zl_path, &d);
		goto out;
	}
	if (verbose)
		printf("Checking %s, %s%s%s\n", conf_path, kasp_path, zl_path ? " and " : "",
		       zl_path ? zl_path : "");
	if (kaspcheck_run(conf, kasp, zl, &rep) != ODS_OK) {
		fprintf(stderr, "ods-kaspcheck: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < rep->n_msgs; i++)
		fprintf(stderr, "%s: %s: %s\n", rep->msgs[i].where,
		        kaspcheck_level_name(rep->msgs[i].level), rep->msgs[i].msg);
	if (verbose || rep->n_msgs)
		printf("%zu %s, %zu %s.\n", rep->n_errors, rep->n_errors == 1 ? "error" : "errors",
		       rep->n_warnings, rep->n_warnings == 1 ? "warning" : "warnings");
	code = rep->n_errors ? 1 : 0;
out:
	kaspcheck_report_free(rep);
	zonelist_free(zl);
	kasp_free(kasp);
	conf_free(conf);
	return code;
}
