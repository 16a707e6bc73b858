/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DS steps of a KSK roll: key ds-submit, ds-seen, ds-retract, ds-gone. Named by zone and
 * keytag or CKA_ID, or --all; without any of them, the keys waiting for that step are listed.
 * Finding nothing to change is a failure (exit 1), as upstream.
 */
#include "cli/enforcer/cmds.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/enforcer/fmt.h"
#include "ods/enforcer.pb-c.h"

/* Upstream's checks of run_ds_cmd, in its order and words. */
static bool
ds_args_check(const struct cli_args *a, uint32_t *keytag)
{
	const char *zone = cli_arg(a, 'z'), *tag = cli_arg(a, 'x');
	bool all = cli_flag(a, 'a'), cka = cli_flag(a, 'k');

	if (tag && cli_keytag_parse(tag, keytag) != ODS_OK) {
		fprintf(stderr, "value \"%s\" for --keytag is invalid\n", tag);
		return false;
	}
	if (all && zone) {
		fprintf(stderr, "Error: Unable to use --zone and --all together\n");
		return false;
	}
	if (!zone && (tag || cka)) {
		fprintf(stderr, "Error: expected --zone <zone>\n");
		return false;
	}
	if (!(zone && (cka != (tag != NULL))) && !all) {
		fprintf(stderr,
		        "expected --zone and either --cka_id or --keytag option or expected "
		        "--all.\n");
		return false;
	}
	return true;
}

static ods_err
ds_call(struct cli *c, Ods__Enforcer__KeyDsRequest *rq, Ods__Enforcer__KeyDsReply **r)
{
	return cli_call(c, "KeyDs", &rq->base, &ods__enforcer__key_ds_reply__descriptor,
	                (ProtobufCMessage **)r);
}

static int
ds_cmd(struct cli *c, const struct cli_args *a, Ods__Enforcer__KeyDsRequest__Op op)
{
	Ods__Enforcer__KeyDsRequest rq = ODS__ENFORCER__KEY_DS_REQUEST__INIT;
	Ods__Enforcer__KeyDsReply *r = NULL;
	uint32_t keytag = 0;
	int code = CLI_EXIT_OK;

	rq.op = op;
	rq.list_only =
	    !cli_flag(a, 'a') && !cli_flag(a, 'z') && !cli_flag(a, 'k') && !cli_flag(a, 'x');
	if (!rq.list_only) {
		if (!ds_args_check(a, &keytag))
			return CLI_EXIT_USAGE;
		rq.all = cli_flag(a, 'a');
		if (cli_flag(a, 'z'))
			rq.zone = (char *)cli_arg(a, 'z');
		if (cli_flag(a, 'k'))
			rq.locator = (char *)cli_arg(a, 'k');
		rq.has_keytag = cli_flag(a, 'x');
		rq.keytag = keytag;
	}
	if (ds_call(c, &rq, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	if (rq.list_only) {
		cli_fmt_ds_list(stdout, r);
	} else {
		cli_fmt_ds_result(stdout, r);
		if (r->matches == 0)
			code = CLI_EXIT_FAIL;
	}
	ods__enforcer__key_ds_reply__free_unpacked(r, NULL);
	return code;
}

int
cli_enf_ds_submit(struct cli *c, const struct cli_args *a)
{
	return ds_cmd(c, a, ODS__ENFORCER__KEY_DS_REQUEST__OP__SUBMIT);
}

int
cli_enf_ds_seen(struct cli *c, const struct cli_args *a)
{
	return ds_cmd(c, a, ODS__ENFORCER__KEY_DS_REQUEST__OP__SEEN);
}

int
cli_enf_ds_retract(struct cli *c, const struct cli_args *a)
{
	return ds_cmd(c, a, ODS__ENFORCER__KEY_DS_REQUEST__OP__RETRACT);
}

int
cli_enf_ds_gone(struct cli *c, const struct cli_args *a)
{
	return ds_cmd(c, a, ODS__ENFORCER__KEY_DS_REQUEST__OP__GONE);
}

int
cli_enf_ds_seen_ksm14(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__KeyDsRequest rq = ODS__ENFORCER__KEY_DS_REQUEST__INIT;
	Ods__Enforcer__KeyDsReply *r = NULL;
	const char *tag = cli_arg(a, 'x');
	uint32_t keytag = 0;

	/* 1.4's checks and words; it used the CKA_ID when given both. */
	if (tag == NULL && !cli_flag(a, 'k')) {
		fprintf(stderr,
		        "Please provide a keytag or a CKA_ID for the key (CKA_ID will be used "
		        "if both are provided\n");
		return CLI_EXIT_USAGE;
	}
	if (!cli_flag(a, 'z')) {
		fprintf(stderr, "Please specify a zone using the --zone flag\n");
		return CLI_EXIT_USAGE;
	}
	if (cli_flag(a, 'k')) {
		rq.locator = (char *)cli_arg(a, 'k');
	} else if (cli_keytag_parse(tag, &keytag) == ODS_OK) {
		rq.has_keytag = true;
		rq.keytag = keytag;
	} else {
		fprintf(stderr, "Error: keytag \"%s\"; should be numeric only\n", tag);
		return CLI_EXIT_USAGE;
	}
	rq.op = ODS__ENFORCER__KEY_DS_REQUEST__OP__SEEN;
	rq.unsubmitted_too = true; /* 1.4 had no ds-submit step */
	rq.zone = (char *)cli_arg(a, 'z');
	if (ds_call(c, &rq, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_ds_seen_ksm14(stdout, r);
	int code = r->matches > 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	ods__enforcer__key_ds_reply__free_unpacked(r, NULL);
	return code;
}
