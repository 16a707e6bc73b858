/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-ksmutil: OpenDNSSEC 1.4's command forms (ods-ksmutil(1)) on the ods-enforcer commands.
 * Most entries run the 2.x command unchanged; the adapters below translate what 1.4 named or
 * defaulted differently (update kasp, key generate --interval, zone add writing zonelist.xml
 * unless --no-xml), and `key list`, `key export` and `key ds-seen` keep 1.4's output.
 */
#include "cli/enforcer/cmds.h"

#include "cli/cli.h"

static int
ksm_update_kasp(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_enf_policy_import_file(c, NULL, false);
}

static int
ksm_update_zonelist(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_enf_zonelist_import_file(c, NULL, false);
}

/* 1.4 kept zonelist.xml in step with zone add/delete unless told --no-xml. */
static int
ksm_zone_add(struct cli *c, const struct cli_args *a)
{
	struct cli_args b = *a;

	if (!cli_flag(a, 'm'))
		b.v['u'] = "";
	return cli_enf_zone_add(c, &b);
}

static int
ksm_zone_delete(struct cli *c, const struct cli_args *a)
{
	struct cli_args b = *a;

	if (!cli_flag(a, 'm'))
		b.v['u'] = "";
	return cli_enf_zone_delete(c, &b);
}

/* 1.4: --interval is 2.x's --duration; --zonetotal and --auto-accept have no meaning here
 * (keys are generated per policy for its zones, without asking). */
static int
ksm_key_generate(struct cli *c, const struct cli_args *a)
{
	struct cli_args b = *a;

	b.v['d'] = cli_arg(a, 'n');
	return cli_enf_key_generate(c, &b);
}

#define NO_XML_OPT {"no-xml", 'm', false, NULL, "do not update zonelist.xml"}

static const struct cli_opt o_zone_add[] = {
	ZONE_OPT("name of the zone"),
	{"policy", 'p', true, "<policy>", "its policy (default: \"default\")"},
	{"signerconf", 's', true, "<signerconf.xml>", "where its signer configuration goes"},
	{"input", 'i', true, "<input>", "unsigned zone file, or addns.xml for DNS"},
	{"in-type", 'j', true, "<input type>", "input adapter, File or DNS"},
	{"output", 'o', true, "<output>", "signed zone file, or addns.xml for DNS"},
	{"out-type", 'q', true, "<output type>", "output adapter, File or DNS"},
	NO_XML_OPT,
	CLI_OPT_END,
};

static const struct cli_opt o_zone_delete[] = {
	ZONE_OPT("name of the zone"),
	{"all", 'a', false, NULL, "delete every zone"},
	NO_XML_OPT,
	CLI_OPT_END,
};

static const struct cli_opt o_key_list[] = {
	{"verbose", 'v', false, NULL, "also show size, algorithm, CKA_ID, repository, keytag"},
	ZONE_OPT("only this zone"),
	{"keystate", 'e', true, "<state>", "only keys in this state"},
	{"all", 'a', false, NULL, "keys in every state"},
	{"keytype", 't', true, "<type>", "only KSKs or ZSKs"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_export[] = {
	ZONE_OPT("keys of this zone (default: every zone)"),
	{"all", 'a', false, NULL, "keys of every zone"},
	{"keystate", 'e', true, "<state>", "only keys in this state (default: ready and active)"},
	{"keytype", 't', true, "<type>", "only keys of this type (default: KSK)"},
	{"ds", 'd', false, NULL, "DS records instead of DNSKEY records"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_import[] = {
	{"cka_id", 'k', true, "<CKA_ID>", "the key's locator in its repository"},
	{"repository", 'r', true, "<repository>", "the repository holding it"},
	ZONE_OPT("the zone to add it to"),
	{"bits", 'b', true, "<size>", "key size"},
	{"algorithm", 'g', true, "<algorithm>", "DNSSEC algorithm"},
	{"keystate", 'e', true, "<state>", "generate, publish, ready, active or retire"},
	{"keytype", 't', true, "<type>", "KSK or ZSK"},
	{"time", 'w', true, "<time>", "when it was created, YYYY-MM-DD-HH:MM:SS"},
	{"check-repository", 'C', false, NULL, "accepted; the daemon always checks"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_rollover[] = {
	ZONE_OPT("roll the keys of this zone"),
	{"policy", 'p', true, "<policy>", "roll the keys of every zone of this policy"},
	{"keytype", 't', true, "<type>", "KSK or ZSK"},
	{"all", 'a', false, NULL, "every key type"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_purge[] = {
	ZONE_OPT("dead keys of this zone"),
	{"policy", 'p', true, "<policy>", "dead keys of the zones of this policy"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_generate[] = {
	{"policy", 'p', true, "<policy>", "for this policy"},
	{"interval", 'n', true, "<interval>", "generate for this long (ISO 8601 duration)"},
	{"zonetotal", 'Z', true, "<total no. of zones>", "accepted; the daemon counts the zones"},
	{"auto-accept", 'A', false, NULL, "accepted; nothing is asked"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_ds_seen[] = {
	ZONE_OPT("name of the zone"),
	{"keytag", 'x', true, "<keytag>", "the KSK's keytag"},
	{"cka_id", 'k', true, "<CKA_ID>", "the KSK's locator (used when both are given)"},
	{"no-notify", 'l', false, NULL, "accepted; the enforcer tells the signer itself"},
	{"no-retire", 'f', false, NULL, "accepted; the old KSK retires when it is safe"},
	CLI_OPT_END,
};

static const struct cli_opt o_zonelist_file[] = {
	{"file", 'f', true, "<path>", "this file instead of conf.xml's ZoneListFile"},
	CLI_OPT_END,
};

const struct cli_spec cli_ksm_specs[] = {
	{"start", NULL, "start ods-enforcerd", NULL, 0, cli_enf_start},
	{"stop", NULL, "stop ods-enforcerd", NULL, 0, cli_enf_stop},
	{"notify", NULL, "make ods-enforcerd reread its configuration (SIGHUP)", NULL, 0,
	 cli_enf_reload},
	{"update kasp", NULL, "import kasp.xml into the database", NULL, 0, ksm_update_kasp},
	{"update zonelist", NULL, "import zonelist.xml into the database", NULL, 0,
	 ksm_update_zonelist},
	{"update conf", NULL, "reread conf.xml", NULL, 0, cli_enf_update_conf},
	{"update all", NULL, "update kasp, zonelist and conf", NULL, 0, cli_enf_update_all},
	{"zone add",
	 "--zone <zone> [--policy <policy>] [--signerconf <signerconf.xml>] [--input <input>] "
	 "[--in-type <input type>] [--output <output>] [--out-type <output type>] [--no-xml]",
	 "add a zone (and to zonelist.xml unless --no-xml)", o_zone_add, 0, ksm_zone_add},
	{"zone delete", "--zone <zone> | --all [--no-xml]",
	 "delete a zone (and from zonelist.xml unless --no-xml)", o_zone_delete, 0,
	 ksm_zone_delete},
	{"zone list", NULL, "list the zones", NULL, 0, cli_enf_zone_list},
	{"repository list", NULL, "list the repositories", NULL, 0, cli_enf_repository_list},
	{"policy export", "--policy [policy_name] | --all", "print policies as kasp.xml",
	 cli_enf_opt_policy_export, 0, cli_enf_policy_export},
	{"policy import", NULL, "import kasp.xml into the database", NULL, 0, ksm_update_kasp},
	{"policy list", NULL, "list the policies", NULL, 0, cli_enf_policy_list},
	{"policy purge", NULL, "remove the policies no zone uses", NULL, 0, cli_enf_policy_purge},
	{"key list", "[--verbose] [--zone <zone>] [--keystate <state> | --all] [--keytype <type>]",
	 "list the keys", o_key_list, 0, cli_enf_key_list_ksm14},
	{"key export",
	 "--zone <zone> | --all [--keystate <state>] [--keytype <type>] [--ds]",
	 "print DNSKEY or DS records", o_key_export, 0, cli_enf_key_export_ksm14},
	{"key import",
	 "--cka_id <CKA_ID> --repository <repository> --zone <zone> --bits <size> "
	 "--algorithm <algorithm> --keystate <state> --keytype <type> --time <time>",
	 "adopt a key made outside OpenDNSSEC", o_key_import, 0, cli_enf_key_import},
	{"key rollover", "--zone zone | --policy policy --keytype <type> | --all",
	 "start a key rollover now", o_key_rollover, 0, cli_enf_key_rollover},
	{"key purge", "--zone <zone> | --policy <policy>", "remove dead keys", o_key_purge, 0,
	 cli_enf_key_purge},
	{"key generate", "--policy <policy> --interval <interval>", "pre-generate keys",
	 o_key_generate, 0, ksm_key_generate},
	{"key ds-seen", "--zone <zone> --keytag <keytag> | --cka_id <CKA_ID>",
	 "the KSK's DS is seen at the parent", o_key_ds_seen, 0, cli_enf_ds_seen_ksm14},
	{"backup prepare", "--repository <repository>", "flag the keys to back up",
	 cli_enf_opt_repository, 0, cli_enf_backup_prepare},
	{"backup commit", "--repository <repository>", "mark the flagged keys backed up",
	 cli_enf_opt_repository, 0, cli_enf_backup_commit},
	{"backup rollback", "--repository <repository>", "cancel a backup prepare", cli_enf_opt_repository,
	 0, cli_enf_backup_rollback},
	{"backup list", "--repository <repository>", "the backup state of the keys",
	 cli_enf_opt_repository, 0, cli_enf_backup_list},
	{"rollover list", "[--zone <zone>]", "when the next rollovers are expected", cli_enf_opt_zone_only,
	 0, cli_enf_rollover_list},
	{"zonelist export", NULL, "write the zones to zonelist.xml", o_zonelist_file, 0,
	 cli_enf_zonelist_export},
	{"zonelist import", NULL, "import zonelist.xml into the database", o_zonelist_file, 0,
	 cli_enf_zonelist_import},
};

const size_t cli_ksm_n_specs = sizeof(cli_ksm_specs) / sizeof(cli_ksm_specs[0]);
