/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every ods-enforcer command with its options, long and short, as OpenDNSSEC 2.1 names them
 * (ods-enforcer(8)); the one table the tool is built from.
 */
#include "cli/enforcer/cmds.h"

/* Shared with ods-ksmutil (cmds.h). */
const struct cli_opt cli_enf_opt_zone_only[] = {
	ZONE_OPT("only this zone"),
	CLI_OPT_END,
};

const struct cli_opt cli_enf_opt_policy_export[] = {
	{"policy", 'p', true, "<policy>", "export this policy"},
	{"all", 'a', false, NULL, "export every policy"},
	CLI_OPT_END,
};

const struct cli_opt cli_enf_opt_repository[] = {
	{"repository", 'r', true, "<repository>", "only keys in this repository"},
	CLI_OPT_END,
};

static const struct cli_opt o_time_leap[] = {
	{"time", 't', true, "<YYYY-MM-DD-HH:MM:SS>", "leap to this time (local time)"},
	{"attach", 'a', false, NULL, "run the due tasks before answering (WorkerThreads 0)"},
	CLI_OPT_END,
};

static const struct cli_opt o_policy_import[] = {
	{"remove-missing-policies", 'r', false, NULL, "remove policies not in the file"},
	{"file", 'f', true, "<path>", "import this file instead of conf.xml's PolicyFile"},
	CLI_OPT_END,
};

static const struct cli_opt o_policy_resalt[] = {
	{"policy", 'p', true, "<policy>", "resalt this policy"},
	{"all", 'a', false, NULL, "resalt every NSEC3 policy, due or not"},
	CLI_OPT_END,
};

static const struct cli_opt o_zone_add[] = {
	ZONE_OPT("name of the zone"),
	{"policy", 'p', true, "<policy>", "its policy (default: \"default\")"},
	{"signerconf", 's', true, "<path>", "where its signer configuration goes"},
	{"in-type", 'j', true, "<File|DNS>", "input adapter (default File)"},
	{"input", 'i', true, "<path>", "unsigned zone file, or addns.xml for DNS"},
	{"out-type", 'q', true, "<File|DNS>", "output adapter (default File)"},
	{"output", 'o', true, "<path>", "signed zone file, or addns.xml for DNS"},
	{"xml", 'u', false, NULL, "also write conf.xml's ZoneListFile"},
	{"suspend", 'n', false, NULL, "add it without keys or enforcing until resumed"},
	CLI_OPT_END,
};

static const struct cli_opt o_zone_delete[] = {
	ZONE_OPT("name of the zone"),
	{"all", 'a', false, NULL, "delete every zone"},
	{"xml", 'u', false, NULL, "also write conf.xml's ZoneListFile"},
	CLI_OPT_END,
};

static const struct cli_opt o_zone_set_policy[] = {
	ZONE_OPT("name of the zone"),
	{"policy", 'p', true, "<policy>", "its new policy"},
	{"xml", 'u', false, NULL, "also write conf.xml's ZoneListFile"},
	CLI_OPT_END,
};

static const struct cli_opt o_zonelist_export[] = {
	{"file", 'f', true, "<path>", "write here instead of conf.xml's ZoneListFile (- = stdout)"},
	CLI_OPT_END,
};

static const struct cli_opt o_zonelist_import[] = {
	{"remove-missing-zones", 'r', false, NULL, "delete zones not in the file"},
	{"file", 'f', true, "<path>", "import this file instead of conf.xml's ZoneListFile"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_list[] = {
	{"verbose", 'v', false, NULL, "also show size, algorithm, CKA_ID, repository and keytag"},
	{"debug", 'd', false, NULL, "show the state of each record of each key"},
	{"full", 'f', false, NULL, "show record states, keytags and next transitions"},
	{"parsable", 'p', false, NULL, "semicolon-separated (with -v or -d)"},
	ZONE_OPT("only this zone"),
	{"keytype", 't', true, "<KSK|ZSK|CSK>", "only keys of this role"},
	{"keystate", 'e', true, "<state>", "only keys in this state (generate, publish, ...)"},
	{"all", 'a', false, NULL, "keys in every state, dead ones too"},
	{"explain", 'w', false, NULL, "also say what holds each record back, and until when"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_export[] = {
	ZONE_OPT("keys of this zone"),
	{"all", 'a', false, NULL, "keys of every zone"},
	{"keystate", 'e', true, "<state>", "only keys in this state (with --keytype)"},
	{"keytype", 't', true, "<KSK|ZSK|CSK>", "only keys of this role (with --keystate)"},
	{"cka_id", 'k', true, "<CKA_ID>", "only this key"},
	{"ds", 'd', false, NULL, "DS records instead of DNSKEY records"},
	{"sha1", 's', false, NULL, "with --ds: SHA-1 digests instead of SHA-256"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_import[] = {
	{"cka_id", 'k', true, "<CKA_ID>", "the key's locator in its repository"},
	{"repository", 'r', true, "<repository>", "the repository holding it"},
	ZONE_OPT("the zone to add it to"),
	{"bits", 'b', true, "<size>", "key size"},
	{"algorithm", 'g', true, "<algorithm>", "DNSSEC algorithm (number or name)"},
	{"keystate", 'e', true, "<state>", "generate, publish, ready, active or retire"},
	{"keytype", 't', true, "<KSK|ZSK|CSK>", "its role"},
	{"inception_time", 'w', true, "<YYYY-MM-DD-HH:MM:SS>", "when it was created"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_ds[] = {
	ZONE_OPT("name of the zone"),
	{"keytag", 'x', true, "<keytag>", "the KSK's keytag"},
	{"cka_id", 'k', true, "<CKA_ID>", "the KSK's locator"},
	{"all", 'a', false, NULL, "every KSK waiting for this step"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_generate[] = {
	{"duration", 'd', true, "<duration>", "generate for this long (default: conf.xml's "
	                                      "AutomaticKeyGenerationPeriod)"},
	{"policy", 'p', true, "<policy>", "for this policy"},
	{"all", 'a', false, NULL, "for every policy"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_purge[] = {
	{"policy", 'p', true, "<policy>", "dead keys of the zones of this policy"},
	ZONE_OPT("dead keys of this zone"),
	{"delete", 'd', false, NULL, "also delete them from the HSM"},
	CLI_OPT_END,
};

static const struct cli_opt o_key_rollover[] = {
	ZONE_OPT("roll the keys of this zone"),
	{"policy", 'p', true, "<policy>", "roll the keys of every zone of this policy"},
	{"keytype", 't', true, "<KSK|ZSK|CSK>", "only keys of this role"},
	{"all", 'a', false, NULL, "every role (the default)"},
	CLI_OPT_END,
};

#define ZONE_ADD_SYNOPSIS                                                                      \
	"--zone <zone> [--policy <policy>] [--signerconf <path>] [--in-type <type>] "           \
	"[--input <path>] [--out-type <type>] [--output <path>] [--xml] [--suspend]"
#define KEY_DS_SYNOPSIS "[--zone <zone> (--keytag <keytag> | --cka_id <CKA_ID>) | --all]"

const struct cli_spec cli_enf_specs[] = {
	{"start", NULL, "start ods-enforcerd and wait until it answers", NULL, 0, cli_enf_start},
	{"stop", NULL, "stop ods-enforcerd", NULL, 0, cli_enf_stop},
	{"reload", NULL, "make ods-enforcerd reread conf.xml", NULL, 0, cli_enf_reload},
	{"running", NULL, "say whether ods-enforcerd is running", NULL, 0, cli_enf_running},
	{"verbosity", "[<number>]", "show or set the daemon's log verbosity", NULL, 1,
	 cli_enf_verbosity},
	{"queue", NULL, "show the scheduled tasks", NULL, 0, cli_enf_queue},
	{"flush", NULL, "run every scheduled task now", NULL, 0, cli_enf_flush},
	{"enforce", "[--zone <zone>]", "run the enforcer now for every zone, or one", cli_enf_opt_zone_only,
	 0, cli_enf_enforce},
	{"signconf", "[--zone <zone>]", "write the signer configuration of every zone, or one",
	 cli_enf_opt_zone_only, 0, cli_enf_signconf},
	{"time leap", "[--time <YYYY-MM-DD-HH:MM:SS>] [--attach]",
	 "TESTING ONLY (Cluster/Testing): move the cluster clock to the next task or a time",
	 o_time_leap, 0, cli_enf_time_leap},
	{"update conf", NULL, "reread conf.xml and reload the enforcer", NULL, 0,
	 cli_enf_update_conf},
	{"update repositorylist", NULL, "reread the repositories of conf.xml", NULL, 0,
	 cli_enf_update_repositorylist},
	/* The man page's body spells it in two words. */
	{"update repository list", NULL, "the same as update repositorylist", NULL, 0,
	 cli_enf_update_repositorylist},
	{"update all", NULL, "policy import, zonelist import and update repositorylist", NULL, 0,
	 cli_enf_update_all},
	{"policy list", NULL, "list the policies", NULL, 0, cli_enf_policy_list},
	{"policy export", "--policy <policy> | --all", "print policies as kasp.xml",
	 cli_enf_opt_policy_export, 0, cli_enf_policy_export},
	{"policy import", "[--remove-missing-policies] [--file <path>]",
	 "import kasp.xml (conf.xml's PolicyFile) into the database", o_policy_import, 0,
	 cli_enf_policy_import},
	{"policy purge", NULL, "remove the policies no zone uses", NULL, 0, cli_enf_policy_purge},
	{"policy resalt", "[--policy <policy> | --all]",
	 "new NSEC3 salts for policies whose salt is older than Resalt", o_policy_resalt, 0,
	 cli_enf_policy_resalt},
	{"zone list", NULL, "list the zones", cli_enf_opt_zone_only, 0, cli_enf_zone_list},
	{"zone add", ZONE_ADD_SYNOPSIS, "add a zone", o_zone_add, 0, cli_enf_zone_add},
	{"zone delete", "--zone <zone> | --all [--xml]", "delete a zone, or every zone",
	 o_zone_delete, 0, cli_enf_zone_delete},
	{"zone set-policy", "--zone <zone> --policy <policy> [--xml]", "change a zone's policy",
	 o_zone_set_policy, 0, cli_enf_zone_set_policy},
	{"zonelist export", "[--file <path>|-]", "write the zones to zonelist.xml",
	 o_zonelist_export, 0, cli_enf_zonelist_export},
	{"zonelist import", "[--remove-missing-zones] [--file <path>]",
	 "import zonelist.xml (conf.xml's ZoneListFile) into the database", o_zonelist_import, 0,
	 cli_enf_zonelist_import},
	{"key list",
	 "[--verbose] [--debug] [--full] [--parsable] [--zone <zone>] [--keytype <type>] "
	 "[--keystate <state> | --all]",
	 "list the keys", o_key_list, 0, cli_enf_key_list},
	{"key export",
	 "--zone <zone> | --all [--keystate <state> --keytype <type>] [--cka_id <CKA_ID>] "
	 "[--ds [--sha1]]",
	 "print DNSKEY or DS records (by default of the KSKs the parent must act on)",
	 o_key_export, 0, cli_enf_key_export},
	{"key import",
	 "--cka_id <CKA_ID> --repository <repository> --zone <zone> --bits <size> "
	 "--algorithm <algorithm> --keystate <state> --keytype <type> --inception_time <time>",
	 "adopt a key made outside OpenDNSSEC", o_key_import, 0, cli_enf_key_import},
	{"key ds-submit", KEY_DS_SYNOPSIS,
	 "the KSK's DS was submitted to the parent (no options: list the keys waiting)",
	 o_key_ds, 0, cli_enf_ds_submit},
	{"key ds-seen", KEY_DS_SYNOPSIS,
	 "the KSK's DS is seen at the parent (no options: list the keys waiting)", o_key_ds, 0,
	 cli_enf_ds_seen},
	{"key ds-retract", KEY_DS_SYNOPSIS,
	 "the KSK's DS was withdrawn from the parent (no options: list the keys waiting)",
	 o_key_ds, 0, cli_enf_ds_retract},
	{"key ds-gone", KEY_DS_SYNOPSIS,
	 "the KSK's DS is gone from the parent (no options: list the keys waiting)", o_key_ds, 0,
	 cli_enf_ds_gone},
	{"key generate", "[--duration <duration>] --policy <policy> | --all",
	 "pre-generate keys", o_key_generate, 0, cli_enf_key_generate},
	{"key purge", "--policy <policy> | --zone <zone> [--delete]",
	 "remove dead keys from the database (and the HSM with --delete)", o_key_purge, 0,
	 cli_enf_key_purge},
	{"key rollover", "--zone <zone> | --policy <policy> [--keytype <type> | --all]",
	 "start a key rollover now", o_key_rollover, 0, cli_enf_key_rollover},
	{"rollover list", "[--zone <zone>]", "when the next rollovers are expected", cli_enf_opt_zone_only,
	 0, cli_enf_rollover_list},
	{"backup list", "[--repository <repository>]", "the backup state of the keys", cli_enf_opt_repository, 0,
	 cli_enf_backup_list},
	{"backup prepare", "[--repository <repository>]", "flag the keys to back up", cli_enf_opt_repository,
	 0, cli_enf_backup_prepare},
	{"backup commit", "[--repository <repository>]", "mark the flagged keys backed up",
	 cli_enf_opt_repository, 0, cli_enf_backup_commit},
	{"backup rollback", "[--repository <repository>]", "cancel a backup prepare", cli_enf_opt_repository, 0,
	 cli_enf_backup_rollback},
	{"repository list", NULL, "list the repositories", NULL, 0, cli_enf_repository_list},
};

const size_t cli_enf_n_specs = sizeof(cli_enf_specs) / sizeof(cli_enf_specs[0]);
