/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keys: list (2.x layouts and 1.4's), export, import, generate, purge, rollover, and the
 * rollover list. The ds-* steps are in ds.c.
 */
#include "cli/enforcer/cmds.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/enforcer/fmt.h"
#include "lib/dns/dnskey.h"
#include "ods/enforcer.pb-c.h"

#define KEY_BITS_MAX 16384

/* The 1.x state words of `key list` and `key export --keystate` (upstream's list). */
static bool
state_known(const char *s)
{
	static const char *const states[] = {"generate", "publish", "ready", "active",
	                                     "retire",   "unknown", "mixed"};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcasecmp(s, states[i]) == 0)
			return true;
	return false;
}

/* --keytype as a KeyRole, ROLE_ANY when absent; prints upstream's sentence when unknown. */
static bool
keytype_arg(const struct cli_args *a, int *role)
{
	const char *t = cli_arg(a, 't');

	*role = ODS__ENFORCER__KEY_ROLE__ROLE_ANY;
	if (t == NULL || cli_role_parse(t, role) == ODS_OK)
		return true;
	fprintf(stderr, "unknown keytype, should be one of KSK, ZSK, or CSK\n");
	return false;
}

static enum cli_keys_style
list_style(const struct cli_args *a, bool ksm14)
{
	bool parsable = cli_flag(a, 'p');

	if (ksm14)
		return cli_flag(a, 'v') ? CLI_KEYS_KSM14_VERBOSE : CLI_KEYS_KSM14;
	if (cli_flag(a, 'f'))
		return CLI_KEYS_FULL;
	if (cli_flag(a, 'd'))
		return parsable ? CLI_KEYS_DEBUG_PARSABLE : CLI_KEYS_DEBUG;
	if (cli_flag(a, 'v'))
		return parsable ? CLI_KEYS_VERBOSE_PARSABLE : CLI_KEYS_VERBOSE;
	return CLI_KEYS_DEFAULT;
}

static int
key_list(struct cli *c, const struct cli_args *a, bool ksm14)
{
	Ods__Enforcer__KeyListRequest rq = ODS__ENFORCER__KEY_LIST_REQUEST__INIT;
	Ods__Enforcer__KeyListReply *r = NULL;
	struct cli_keys_filter f = {0};
	enum cli_keys_style style = list_style(a, ksm14);
	int role;

	if (cli_flag(a, 'e') && cli_flag(a, 'a')) {
		fprintf(stderr, "Error: --keystate and --all option cannot be given together\n");
		return CLI_EXIT_USAGE;
	}
	if (!keytype_arg(a, &role))
		return CLI_EXIT_USAGE;
	if (cli_flag(a, 'e') && !state_known(cli_arg(a, 'e'))) {
		fprintf(stderr, "unknown keystate \"%s\": states are generate, publish, ready, active, "
		        "retire, mixed or unknown\n", cli_arg(a, 'e'));
		return CLI_EXIT_USAGE;
	}
	if (style == CLI_KEYS_DEFAULT && cli_flag(a, 'p'))
		fprintf(stderr, "-p option only available in combination with -v and -d.\n");
	/* The daemon filters too (its state words are lower case); the 1.4 form also hides
	 * the keys still in "generate" unless asked. */
	char state[16] = "";
	f.zone = cli_arg(a, 'z');
	f.role = cli_arg(a, 't');
	f.state = cli_arg(a, 'e');
	f.hide_generate = ksm14 && !cli_flag(a, 'a') && !cli_flag(a, 'e');
	if (f.zone)
		rq.zone = (char *)f.zone;
	if (f.state) {
		const char *e = cli_arg(a, 'e');
		for (size_t i = 0; e[i] && i + 1 < sizeof(state); i++)
			state[i] = (char)tolower((unsigned char)e[i]);
		rq.keystate = state;
	}
	rq.role = (Ods__Enforcer__KeyRole)role;
	rq.explain = !ksm14 && cli_flag(a, 'w');
	if (cli_call(c, "KeyList", &rq.base, &ods__enforcer__key_list_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_key_list(stdout, r, style, &f);
	if (rq.explain)
		cli_fmt_key_explain(stdout, r);
	ods__enforcer__key_list_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_key_list(struct cli *c, const struct cli_args *a)
{
	return key_list(c, a, false);
}

int
cli_enf_key_list_ksm14(struct cli *c, const struct cli_args *a)
{
	return key_list(c, a, true);
}

static int
key_export_call(struct cli *c, Ods__Enforcer__KeyExportRequest *rq)
{
	Ods__Enforcer__KeyExportReply *r = NULL;

	if (cli_call(c, "KeyExport", &rq->base, &ods__enforcer__key_export_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_key_export(stdout, r, rq->ds, rq->sha1);
	ods__enforcer__key_export_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

/* The request both `key export`s share: zone or all, cka_id, ds, sha1. */
static void
key_export_request(const struct cli_args *a, Ods__Enforcer__KeyExportRequest *rq)
{
	/* No zone: every zone (1.4's default); `key export` has checked it got one of the two. */
	rq->all = !cli_flag(a, 'z');
	if (cli_flag(a, 'z'))
		rq->zone = (char *)cli_arg(a, 'z');
	if (cli_flag(a, 'k'))
		rq->locator = (char *)cli_arg(a, 'k');
	rq->ds = cli_flag(a, 'd');
	rq->sha1 = cli_flag(a, 's');
}

int
cli_enf_key_export(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyExportRequest rq = ODS__ENFORCER__KEY_EXPORT_REQUEST__INIT;
	const char *state = cli_arg(a, 'e');
	int role;

	if (!keytype_arg(a, &role))
		return CLI_EXIT_USAGE;
	if (state && !state_known(state)) {
		fprintf(stderr, "unknown keystate\n");
		return CLI_EXIT_USAGE;
	}
	if (cli_flag(a, 'z') == cli_flag(a, 'a')) {
		fprintf(stderr, "expected either --zone or --all \n");
		return CLI_EXIT_USAGE;
	}
	if (cli_flag(a, 't') != (state != NULL)) {
		fprintf(stderr,
		        "expected both --keystate and --keytype together or none of them\n");
		return CLI_EXIT_USAGE;
	}
	key_export_request(a, &rq);
	rq.role = (Ods__Enforcer__KeyRole)role;
	if (state)
		rq.keystate = (char *)state;
	return key_export_call(c, &rq);
}

int
cli_enf_key_export_ksm14(struct cli *c, const struct cli_args *a)
{
	/* 1.4 exported the keys of every zone unless told one, KSKs by default, and without a
	 * state the ones in ready and then active (the ones a parent may need). */
	static const char *const default_states[] = {"ready", "active"};
	Ods__Enforcer__KeyExportRequest rq = ODS__ENFORCER__KEY_EXPORT_REQUEST__INIT;
	const char *state = cli_arg(a, 'e');
	int role;

	if (!keytype_arg(a, &role))
		return CLI_EXIT_USAGE;
	key_export_request(a, &rq);
	rq.role = role ? (Ods__Enforcer__KeyRole)role : ODS__ENFORCER__KEY_ROLE__KSK;
	for (size_t i = 0; i < (state ? 1 : 2); i++) {
		rq.keystate = (char *)(state ? state : default_states[i]);
		if (key_export_call(c, &rq) != CLI_EXIT_OK)
			return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* The checks of `key import`, in upstream's order and words. */
static bool
key_import_check(const struct cli_args *a, int *role)
{
	static const char *const states[] = {"generate", "publish", "ready", "active", "retire"};
	static const struct {
		char key;
		const char *missing;
	} required[] = {
	    {'z', "expected --zone "},
	    {'g', "specify an algorithm"},
	    {'b', "specify bits"},
	    {'r', "specify repository "},
	    {'w', "specify inception time YYYY-MM-DD-HH:MM:SS"},
	    {'k', "specify cka_id"},
	};
	const char *state = cli_arg(a, 'e');
	bool known = false;

	if (!keytype_arg(a, role))
		return false;
	if (*role == ODS__ENFORCER__KEY_ROLE__ROLE_ANY) {
		fprintf(stderr, "specify keytype: ZSK, KSK or CSK\n");
		return false;
	}
	for (size_t i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
		known = known || strcasecmp(state, states[i]) == 0;
	if (state && !known) {
		fprintf(stderr, "unknown keystate: states are generate, publish, ready, active or "
		                "retire\n");
		return false;
	}
	if (state == NULL) {
		fprintf(stderr, "specify keystate: generate, publish, ready, active or retire\n");
		return false;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!cli_flag(a, required[i].key)) {
			fprintf(stderr, "%s\n", required[i].missing);
			return false;
		}
	}
	return true;
}

int
cli_enf_key_import(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyImportRequest rq = ODS__ENFORCER__KEY_IMPORT_REQUEST__INIT;
	Ods__Enforcer__KeyImportReply *r = NULL;
	int role, alg;
	long bits;
	int64_t inception;

	if (!key_import_check(a, &role))
		return CLI_EXIT_USAGE;
	alg = dns_alg_from_name(cli_arg(a, 'g'));
	if (alg < 0) {
		fprintf(stderr, "Error: --algorithm: unknown algorithm '%s'\n", cli_arg(a, 'g'));
		return CLI_EXIT_USAGE;
	}
	if (cli_long_parse(cli_arg(a, 'b'), 1, KEY_BITS_MAX, &bits) != ODS_OK) {
		fprintf(stderr, "Error: --bits: '%s' is not a key size\n", cli_arg(a, 'b'));
		return CLI_EXIT_USAGE;
	}
	if (cli_time_parse(cli_arg(a, 'w'), &inception) != ODS_OK) {
		fprintf(stderr, "specify inception time YYYY-MM-DD-HH:MM:SS\n");
		return CLI_EXIT_USAGE;
	}
	rq.locator = (char *)cli_arg(a, 'k');
	rq.repository = (char *)cli_arg(a, 'r');
	rq.zone = (char *)cli_arg(a, 'z');
	rq.bits = (uint32_t)bits;
	rq.algorithm = (uint32_t)alg;
	rq.keystate = (char *)cli_arg(a, 'e');
	rq.role = (Ods__Enforcer__KeyRole)role;
	rq.inception = inception;
	if (cli_call(c, "KeyImport", &rq.base, &ods__enforcer__key_import_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	printf("Key imported into zone %s\n", rq.zone);
	if (c->verbose)
		printf("Keytag: %u\n", r->keytag);
	ods__enforcer__key_import_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_key_generate(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyGenerateRequest rq = ODS__ENFORCER__KEY_GENERATE_REQUEST__INIT;
	Ods__Enforcer__KeyGenerateReply *r = NULL;
	int64_t duration_s = 0;

	if (cli_flag(a, 'd') && cli_duration_parse(cli_arg(a, 'd'), &duration_s) != ODS_OK) {
		fprintf(stderr, "Error parsing the specified duration!\n");
		return CLI_EXIT_USAGE;
	}
	if (!cli_flag(a, 'a') && !cli_flag(a, 'p')) {
		fprintf(stderr, "Either --all or --policy needs to be given!\n");
		return CLI_EXIT_USAGE;
	}
	rq.all = cli_flag(a, 'a');
	if (!rq.all)
		rq.policy = (char *)cli_arg(a, 'p');
	rq.duration_s = duration_s;
	if (cli_call(c, "KeyGenerate", &rq.base, &ods__enforcer__key_generate_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	for (size_t i = 0; c->verbose && i < r->n_messages; i++)
		printf("%s\n", r->messages[i]);
	if (c->verbose)
		printf("%d key%s generated.\n", (int)r->generated, r->generated == 1 ? "" : "s");
	printf("Key generation task scheduled.\n");
	ods__enforcer__key_generate_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_key_purge(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyPurgeRequest rq = ODS__ENFORCER__KEY_PURGE_REQUEST__INIT;
	Ods__Enforcer__KeyPurgeReply *r = NULL;

	if (cli_flag(a, 'z') == cli_flag(a, 'p')) {
		fprintf(stderr, "expected either --zone or --policy \n");
		return CLI_EXIT_USAGE;
	}
	if (cli_flag(a, 'z'))
		rq.zone = (char *)cli_arg(a, 'z');
	else
		rq.policy = (char *)cli_arg(a, 'p');
	rq.delete_from_hsm = cli_flag(a, 'd');
	if (cli_call(c, "KeyPurge", &rq.base, &ods__enforcer__key_purge_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_key_purge(stdout, r, cli_arg(a, 'z'), rq.delete_from_hsm);
	ods__enforcer__key_purge_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_key_rollover(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyRolloverRequest rq = ODS__ENFORCER__KEY_ROLLOVER_REQUEST__INIT;
	Ods__Enforcer__KeyRolloverReply *r = NULL;
	int role = ODS__ENFORCER__KEY_ROLE__ROLE_ANY;
	const char *t = cli_arg(a, 't');

	if (cli_flag(a, 'z') == cli_flag(a, 'p')) {
		fprintf(stderr, "expected either --zone <zone> or --policy <policy> option\n");
		return CLI_EXIT_USAGE;
	}
	if (t && cli_flag(a, 'a')) {
		fprintf(stderr, "Error: --keytype and --all cannot be given together\n");
		return CLI_EXIT_USAGE;
	}
	if (t && cli_role_parse(t, &role) != ODS_OK) {
		fprintf(stderr, "given keytype \"%s\" invalid\n", t);
		return CLI_EXIT_USAGE;
	}
	if (cli_flag(a, 'z'))
		rq.zone = (char *)cli_arg(a, 'z');
	else
		rq.policy = (char *)cli_arg(a, 'p');
	rq.role = (Ods__Enforcer__KeyRole)role;
	if (cli_call(c, "KeyRollover", &rq.base, &ods__enforcer__key_rollover_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_key_rollover(stdout, r, role, cli_arg(a, 'p'));
	ods__enforcer__key_rollover_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_rollover_list(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__RolloverListRequest rq = ODS__ENFORCER__ROLLOVER_LIST_REQUEST__INIT;
	Ods__Enforcer__RolloverListReply *r = NULL;

	if (cli_flag(a, 'z'))
		rq.zone = (char *)cli_arg(a, 'z');
	if (cli_call(c, "RolloverList", &rq.base, &ods__enforcer__rollover_list_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_rollover_list(stdout, r);
	ods__enforcer__rollover_list_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}
