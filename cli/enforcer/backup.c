/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RequireBackup workflow (backup list, prepare, commit, rollback) and repository list.
 */
#include "cli/enforcer/cmds.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/enforcer/fmt.h"
#include "ods/enforcer.pb-c.h"

static ods_err
backup_call(struct cli *c, const struct cli_args *a, Ods__Enforcer__BackupRequest__Op op,
            Ods__Enforcer__BackupReply **r)
{
	Ods__Enforcer__BackupRequest rq = ODS__ENFORCER__BACKUP_REQUEST__INIT;

	rq.op = op;
	if (cli_flag(a, 'r'))
		rq.repository = (char *)cli_arg(a, 'r');
	return cli_call(c, "Backup", &rq.base, &ods__enforcer__backup_reply__descriptor,
	                (ProtobufCMessage **)r);
}

static int
backup_step(struct cli *c, const struct cli_args *a, Ods__Enforcer__BackupRequest__Op op)
{
	Ods__Enforcer__BackupReply *r = NULL;

	if (backup_call(c, a, op, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_backup(stdout, op, r);
	ods__enforcer__backup_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_backup_list(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyListRequest rq = ODS__ENFORCER__KEY_LIST_REQUEST__INIT;
	Ods__Enforcer__KeyListReply *keys = NULL;
	Ods__Enforcer__BackupReply *r = NULL;

	/* The keys, with their locator and backup state, come from KeyList; the counts (-v)
	 * from Backup (BackupReply has no rows). */
	if (c->verbose && backup_call(c, a, ODS__ENFORCER__BACKUP_REQUEST__OP__LIST, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	rq.all = true;
	if (cli_call(c, "KeyList", &rq.base, &ods__enforcer__key_list_reply__descriptor,
	             (ProtobufCMessage **)&keys) != ODS_OK) {
		ods__enforcer__backup_reply__free_unpacked(r, NULL);
		return CLI_EXIT_FAIL;
	}
	cli_fmt_backup_list(stdout, stderr, keys, cli_arg(a, 'r'));
	if (r)
		printf("Keys: %lld need no backup, %lld required, %lld prepared, %lld done\n",
		       (long long)r->no_backup, (long long)r->required, (long long)r->requested,
		       (long long)r->done);
	ods__enforcer__key_list_reply__free_unpacked(keys, NULL);
	ods__enforcer__backup_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_backup_prepare(struct cli *c, const struct cli_args *a)
{
	return backup_step(c, a, ODS__ENFORCER__BACKUP_REQUEST__OP__PREPARE);
}

int
cli_enf_backup_commit(struct cli *c, const struct cli_args *a)
{
	return backup_step(c, a, ODS__ENFORCER__BACKUP_REQUEST__OP__COMMIT);
}

int
cli_enf_backup_rollback(struct cli *c, const struct cli_args *a)
{
	return backup_step(c, a, ODS__ENFORCER__BACKUP_REQUEST__OP__ROLLBACK);
}

int
cli_enf_repository_list(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__RepositoryListRequest rq = ODS__ENFORCER__REPOSITORY_LIST_REQUEST__INIT;
	Ods__Enforcer__RepositoryListReply *r = NULL;

	(void)a;
	if (cli_call(c, "RepositoryList", &rq.base,
	             &ods__enforcer__repository_list_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_repository_list(stdout, r);
	for (size_t i = 0; i < r->n_repositories; i++)
		if (r->repositories[i]->error[0])
			fprintf(stderr, "%s: %s\n", r->repositories[i]->name,
			        r->repositories[i]->error);
	ods__enforcer__repository_list_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}
