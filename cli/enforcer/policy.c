/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policies: list, export, import (kasp.xml is read here, where the operator runs the command,
 * and its text sent to the daemon), purge, resalt.
 */
#include "cli/enforcer/cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/enforcer/files.h"
#include "cli/enforcer/fmt.h"
#include "ods/enforcer.pb-c.h"

int
cli_enf_policy_list(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__PolicyListRequest rq = ODS__ENFORCER__POLICY_LIST_REQUEST__INIT;
	Ods__Enforcer__PolicyListReply *r = NULL;

	(void)a;
	if (cli_call(c, "PolicyList", &rq.base, &ods__enforcer__policy_list_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_policy_list(stdout, r);
	ods__enforcer__policy_list_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_policy_export(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__PolicyExportRequest rq = ODS__ENFORCER__POLICY_EXPORT_REQUEST__INIT;
	Ods__Enforcer__PolicyExportReply *r = NULL;

	if (!cli_flag(a, 'a') && !cli_flag(a, 'p')) {
		fprintf(stderr, "Either --all or --policy needs to be given!\n");
		return CLI_EXIT_USAGE;
	}
	rq.all = cli_flag(a, 'a');
	if (!rq.all)
		rq.policy = (char *)cli_arg(a, 'p');
	if (cli_call(c, "PolicyExport", &rq.base, &ods__enforcer__policy_export_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	size_t len = strlen(r->xml);
	fputs(r->xml, stdout);
	if (len > 0 && r->xml[len - 1] != '\n')
		fputc('\n', stdout);
	ods__enforcer__policy_export_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_policy_import_file(struct cli *c, const char *path, bool remove_missing)
{
	Ods__Enforcer__PolicyImportRequest rq = ODS__ENFORCER__POLICY_IMPORT_REQUEST__INIT;
	Ods__Enforcer__PolicyImportReply *r = NULL;
	char *xml = NULL;

	if (cli_prepare(c) != ODS_OK ||
	    !cli_xml_read(path, c->conf->policy_file, "KASP", &path, &xml))
		return CLI_EXIT_FAIL;
	rq.file_name = (char *)path;
	rq.xml = xml;
	rq.remove_missing = remove_missing;
	ods_err rc =
	    cli_call(c, "PolicyImport", &rq.base, &ods__enforcer__policy_import_reply__descriptor,
	             (ProtobufCMessage **)&r);
	free(xml);
	if (rc != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_policy_import(stdout, stderr, r);
	ods__enforcer__policy_import_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_policy_import(struct cli *c, const struct cli_args *a)
{
	return cli_enf_policy_import_file(c, cli_arg(a, 'f'), cli_flag(a, 'r'));
}

int
cli_enf_policy_purge(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__PolicyPurgeRequest rq = ODS__ENFORCER__POLICY_PURGE_REQUEST__INIT;
	Ods__Enforcer__PolicyPurgeReply *r = NULL;

	(void)a;
	if (cli_call(c, "PolicyPurge", &rq.base, &ods__enforcer__policy_purge_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	printf("Purging policies\n");
	for (size_t i = 0; i < r->n_removed; i++)
		printf("No zones on policy %s; purging...\n", r->removed[i]);
	ods__enforcer__policy_purge_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_policy_resalt(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__PolicyResaltRequest rq = ODS__ENFORCER__POLICY_RESALT_REQUEST__INIT;
	Ods__Enforcer__PolicyResaltReply *r = NULL;

	rq.all = cli_flag(a, 'a');
	if (cli_flag(a, 'p'))
		rq.policy = (char *)cli_arg(a, 'p');
	if (cli_call(c, "PolicyResalt", &rq.base, &ods__enforcer__policy_resalt_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	/* Upstream is silent; -v names the policies that got a new salt. */
	for (size_t i = 0; c->verbose && i < r->n_resalted; i++)
		printf("Policy %s resalted\n", r->resalted[i]);
	ods__enforcer__policy_resalt_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}
