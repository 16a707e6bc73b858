/* SPDX-License-Identifier: BSD-2-Clause */
/* Tasks and time: queue, flush, enforce, signconf, time leap. */
#include "cli/enforcer/cmds.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/enforcer/fmt.h"
#include "ods/enforcer.pb-c.h"

int
cli_enf_queue(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__QueueRequest rq = ODS__ENFORCER__QUEUE_REQUEST__INIT;
	Ods__Enforcer__QueueReply *r = NULL;

	(void)a;
	if (cli_call(c, "Queue", &rq.base, &ods__enforcer__queue_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_queue(stdout, r);
	if (!r->leader && c->verbose)
		printf("(this enforcer is a standby; the leader runs the tasks)\n");
	ods__enforcer__queue_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_flush(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__FlushRequest rq = ODS__ENFORCER__FLUSH_REQUEST__INIT;
	Ods__Enforcer__FlushReply *r = NULL;

	(void)a;
	if (cli_call(c, "Flush", &rq.base, &ods__enforcer__flush_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	printf("All tasks scheduled immediately.\n");
	ods__enforcer__flush_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_enforce(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__EnforceRequest rq = ODS__ENFORCER__ENFORCE_REQUEST__INIT;
	Ods__Enforcer__EnforceReply *r = NULL;

	if (cli_flag(a, 'z'))
		rq.zone = (char *)cli_arg(a, 'z');
	if (cli_call(c, "Enforce", &rq.base, &ods__enforcer__enforce_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	/* Upstream is silent here; -v says how many zones were scheduled. */
	if (c->verbose)
		printf("Enforce scheduled for %d zone%s.\n", (int)r->zones,
		       r->zones == 1 ? "" : "s");
	ods__enforcer__enforce_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_signconf(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__SignconfRequest rq = ODS__ENFORCER__SIGNCONF_REQUEST__INIT;
	Ods__Enforcer__SignconfReply *r = NULL;

	if (cli_flag(a, 'z'))
		rq.zone = (char *)cli_arg(a, 'z');
	if (cli_call(c, "Signconf", &rq.base, &ods__enforcer__signconf_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	if (c->verbose)
		printf("Signer configuration written for %d zone%s.\n", (int)r->written,
		       r->written == 1 ? "" : "s");
	ods__enforcer__signconf_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

int
cli_enf_time_leap(struct cli *c, const struct cli_args *a)
{
	Ods__Enforcer__TimeLeapRequest rq = ODS__ENFORCER__TIME_LEAP_REQUEST__INIT;
	Ods__Enforcer__TimeLeapReply *r = NULL;
	const char *when = cli_arg(a, 't');

	if (when) {
		int64_t t;

		if (cli_time_parse(when, &t) != ODS_OK) {
			fprintf(stderr,
			        "Time leap: Error - could not convert '%s' to a time. Format is "
			        "YYYY-MM-DD-HH:MM:SS \n",
			        when);
			return CLI_EXIT_USAGE;
		}
		rq.time = t;
		printf("Using %s parameter value as time to leap to\n", when);
	}
	rq.attach = cli_flag(a, 'a');
	if (cli_call(c, "TimeLeap", &rq.base, &ods__enforcer__time_leap_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return CLI_EXIT_FAIL;
	cli_fmt_time_leap(stdout, r, when != NULL, rq.attach);
	if (rq.attach && c->verbose)
		printf("%d enforce run%s done.\n", (int)r->ran, r->ran == 1 ? "" : "s");
	ods__enforcer__time_leap_reply__free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}
