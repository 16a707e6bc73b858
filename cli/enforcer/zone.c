/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Zones: list, add, delete, set-policy, and the zonelist.xml file (export writes it where the
 * operator runs the command, import reads it there). --xml on add, delete and set-policy is
 * done here too: the database is the master, so the CLI exports and writes the file.
 */
#include "cli/enforcer/cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/enforcer/files.h"
#include "cli/enforcer/fmt.h"
#include "ods/enforcer.pb-c.h"

/* The cluster's time (the daemon's clock, which `time leap` moves), else ours. */
static int64_t
cluster_now(struct cli *c)
{
	Ods__HealthRequest rq = ODS__HEALTH_REQUEST__INIT;
	Ods__HealthReply *r = NULL;
	struct diag d;
	int64_t now = (int64_t)time(NULL);

	if (cli_call_quiet(c, "Health", &rq.base, &ods__health_reply__descriptor,
	                   (ProtobufCMessage **)&r, &d, NULL) == ODS_OK) {
		if (r->now_unix > 0)
			now = r->now_unix;
		ods__health_reply__free_unpacked(r, NULL);
	}
	return now;
}

int
cli_enf_zone_list(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__ZoneListRequest rq = ODS__ENFORCER__ZONE_LIST_REQUEST__INIT;
	Ods__Enforcer__ZoneListReply *r = NULL;

	if (cli_prepare(c) != ODS_OK)
		return CLI_EXIT_FAIL;
	if (cli_flag(a, 'z'))
		rq.zone = (char *)cli_arg(a, 'z');
	int64_t now = cluster_now(c);
	if (cli_call(c, "ZoneList", &rq.base, &ods__enforcer__zone_list_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_zone_list(stdout, r, now);
	ods__enforcer__zone_list_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

/* Export the zone list and write it to path (NULL: conf.xml's ZoneListFile). */
static ods_err
zonelist_save(struct cli *c, const char *path, struct diag *d)
{
	Ods__Enforcer__ZonelistExportRequest rq = ODS__ENFORCER__ZONELIST_EXPORT_REQUEST__INIT;
	Ods__Enforcer__ZonelistExportReply *r = NULL;
	ods_err rc;

	rc = cli_call(c, "ZonelistExport", &rq.base,
	              &ods__enforcer__zonelist_export_reply__descriptor, (ProtobufCMessage **)&r);
	if (rc != ODS_OK)
		return diag_fail(d, rc, "", "the daemon did not export the zone list");
	rc = cli_file_write(path, r->xml, strlen(r->xml), d);
	ods__enforcer__zonelist_export_reply__free_unpacked(r, NULL);
	return rc;
}

/* --xml after a change: write conf.xml's ZoneListFile and say so in upstream's words. */
static int
zonelist_update(struct cli *c, bool exported_wording)
{
	struct diag d = {0};
	const char *path;

	if (cli_prepare(c) != ODS_OK)
		return CLI_EXIT_FAIL;
	path = c->conf->zonelist_file;
	if (zonelist_save(c, path, &d) != ODS_OK) {
		if (exported_wording)
			fprintf(stderr, "Exported zonelist to %s failed!\n", path);
		else
			fprintf(stderr, "Zonelist %s update failed!\n", path);
		if (d.msg[0])
			fprintf(stderr, "%s%s%s\n", d.where, d.where[0] ? ": " : "", d.msg);
		return CLI_EXIT_FAIL;
	}
	if (exported_wording)
		printf("Exported zonelist to %s successfully\n", path);
	else
		printf("Zonelist %s updated successfully\n", path);
	return CLI_EXIT_OK;
}

/* "File" or "DNS" in any case, written back in upstream's spelling; NULL stays NULL. */
static bool
adapter_type(const char *given, const char **out)
{
	*out = NULL;
	if (given == NULL)
		return true;
	if (strcasecmp(given, "File") == 0)
		*out = "File";
	else if (strcasecmp(given, "DNS") == 0)
		*out = "DNS";
	return *out != NULL;
}

static Ods__Enforcer__Adapter *
adapter_set(Ods__Enforcer__Adapter *ad, const char *type, const char *path)
{
	if (type == NULL && path == NULL)
		return NULL;
	ods__enforcer__adapter__init(ad);
	if (type)
		ad->type = (char *)type;
	if (path)
		ad->path = (char *)path;
	return ad;
}

int
cli_enf_zone_add(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__ZoneAddRequest rq = ODS__ENFORCER__ZONE_ADD_REQUEST__INIT;
	Ods__Enforcer__ZoneAddReply *r = NULL;
	Ods__Enforcer__ZoneInfo zone = ODS__ENFORCER__ZONE_INFO__INIT;
	Ods__Enforcer__Adapter in, out;
	const char *in_type, *out_type;

	if (!cli_flag(a, 'z')) {
		fprintf(stderr, "expected option --zone <zone>\n");
		return CLI_EXIT_USAGE;
	}
	if (!adapter_type(cli_arg(a, 'j'), &in_type)) {
		fprintf(stderr,
		        "Unable to add zone, %s is not a valid input type! in_type must be "
		        "File or DNS.\n",
		        cli_arg(a, 'j'));
		return CLI_EXIT_USAGE;
	}
	if (!adapter_type(cli_arg(a, 'q'), &out_type)) {
		fprintf(stderr,
		        "Unable to add zone, %s is not a valid output type! out_type must be "
		        "File or DNS.\n",
		        cli_arg(a, 'q'));
		return CLI_EXIT_USAGE;
	}
	zone.name = (char *)cli_arg(a, 'z');
	zone.policy = (char *)(cli_flag(a, 'p') ? cli_arg(a, 'p') : "default");
	if (cli_flag(a, 's'))
		zone.signconf_path = (char *)cli_arg(a, 's');
	zone.input = adapter_set(&in, in_type, cli_arg(a, 'i'));
	zone.output = adapter_set(&out, out_type, cli_arg(a, 'o'));
	rq.zone = &zone;
	rq.suspend = cli_flag(a, 'n');
	if (cli_call(c, "ZoneAdd", &rq.base, &ods__enforcer__zone_add_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_zone_add(stdout, r);
	ods__enforcer__zone_add_reply__free_unpacked(r, NULL);
	return cli_flag(a, 'u') ? zonelist_update(c, false) : CLI_EXIT_OK;
}

int
cli_enf_zone_delete(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__ZoneDeleteRequest rq = ODS__ENFORCER__ZONE_DELETE_REQUEST__INIT;
	Ods__Enforcer__ZoneDeleteReply *r = NULL;

	if (cli_flag(a, 'z') == cli_flag(a, 'a')) {
		fprintf(stderr, "expected either --zone <zone> or --all\n");
		return CLI_EXIT_USAGE;
	}
	rq.all = cli_flag(a, 'a');
	if (!rq.all)
		rq.zone = (char *)cli_arg(a, 'z');
	if (cli_call(c, "ZoneDelete", &rq.base, &ods__enforcer__zone_delete_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	for (size_t i = 0; i < r->n_deleted; i++)
		printf("Deleted zone %s successfully\n", r->deleted[i]);
	if (rq.all)
		printf("All zones deleted successfully\n");
	ods__enforcer__zone_delete_reply__free_unpacked(r, NULL);
	return cli_flag(a, 'u') ? zonelist_update(c, rq.all) : CLI_EXIT_OK;
}

int
cli_enf_zone_set_policy(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__ZoneSetPolicyRequest rq = ODS__ENFORCER__ZONE_SET_POLICY_REQUEST__INIT;
	ProtobufCMessage *r = NULL;

	if (!cli_flag(a, 'z')) {
		fprintf(stderr, "expected option --zone <zone>\n");
		return CLI_EXIT_USAGE;
	}
	if (!cli_flag(a, 'p')) {
		fprintf(stderr, "expected option --policy <policy>\n");
		return CLI_EXIT_USAGE;
	}
	rq.zone = (char *)cli_arg(a, 'z');
	rq.policy = (char *)cli_arg(a, 'p');
	if (cli_call(c, "ZoneSetPolicy", &rq.base,
	             &ods__enforcer__zone_set_policy_reply__descriptor, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	protobuf_c_message_free_unpacked(r, NULL);
	printf("Zone %s policy successfully set to %s\n", rq.zone, rq.policy);
	return cli_flag(a, 'u') ? zonelist_update(c, true) : CLI_EXIT_OK;
}

int
cli_enf_zonelist_export(struct cli *c, const struct cli_args *a)
{
	struct diag d = {0};
	const char *path = cli_arg(a, 'f');

	if (cli_prepare(c) != ODS_OK)
		return CLI_EXIT_FAIL;
	if (path == NULL)
		path = c->conf->zonelist_file;
	if (zonelist_save(c, path, &d) != ODS_OK) {
		fprintf(stderr, "Exported zonelist to %s failed!\n", path);
		if (d.msg[0])
			fprintf(stderr, "%s%s%s\n", d.where, d.where[0] ? ": " : "", d.msg);
		return CLI_EXIT_FAIL;
	}
	if (strcmp(path, "-") != 0)
		printf("Exported zonelist to %s successfully\n", path);
	return CLI_EXIT_OK;
}

int
cli_enf_zonelist_import_file(struct cli *c, const char *path, bool remove_missing)
{
	Ods__Enforcer__ZonelistImportRequest rq = ODS__ENFORCER__ZONELIST_IMPORT_REQUEST__INIT;
	Ods__Enforcer__ZonelistImportReply *r = NULL;
	char *xml = NULL;

	if (cli_prepare(c) != ODS_OK ||
	    !cli_xml_read(path, c->conf->zonelist_file, "zonelist", &path, &xml))
		return CLI_EXIT_FAIL;
	rq.file_name = (char *)path;
	rq.xml = xml;
	rq.remove_missing = remove_missing;
	ods_err rc =
	    cli_call(c, "ZonelistImport", &rq.base,
	             &ods__enforcer__zonelist_import_reply__descriptor, (ProtobufCMessage **)&r);
	free(xml);
	if (rc != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_zonelist_import(stdout, r);
	ods__enforcer__zonelist_import_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_zonelist_import(struct cli *c, const struct cli_args *a)
{
	return cli_enf_zonelist_import_file(c, cli_arg(a, 'f'), cli_flag(a, 'r'));
}
