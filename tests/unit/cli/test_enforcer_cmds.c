/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ods-enforcer and ods-ksmutil commands end to end against a stand-in for ods-enforcerd:
 * a real RPC server (lib/rpc, over ipc://) whose every Enforcer method records the request and
 * answers a reply the test chose. Checks what each command sends, what it prints, and its
 * exit code; the layouts themselves are test_enforcer_fmt's business.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/enforcer/cmds.h"
#include "lib/rpc/dispatch.h"
#include "lib/rpc/server.h"
#include "ods/enforcer.pb-c.h"

#define T0 INT64_C(1700000000)
#define SLOTS 8
#define REQ_MAX 65536

/* What the stand-in daemon saw and what it answers, per method. */
struct slot {
	char method[64];
	uint8_t req[REQ_MAX];
	size_t req_len;
	int calls;
	const ProtobufCMessage *reply; /* copied into the reply; NULL = an empty reply */
};

static struct {
	pthread_mutex_t lock;
	struct slot slots[SLOTS];
	char order[256]; /* "Health,ZoneList," */
	ods_err fail;    /* answer every call with this error when set */
	struct rpc_dispatch *dispatch;
	struct rpc_server *server;
	char url[128];
	char dir[64];
	char conf[128];
	char kasp[128];
	char zonelist[128];
} fake = {.lock = PTHREAD_MUTEX_INITIALIZER};

static struct slot *
slot_for(const char *method)
{
	for (int i = 0; i < SLOTS; i++) {
		struct slot *s = &fake.slots[i];
		if (strcmp(s->method, method) == 0)
			return s;
		if (s->method[0] == '\0') {
			snprintf(s->method, sizeof(s->method), "%s", method);
			return s;
		}
	}
	fail_msg("too many methods");
	return NULL;
}

static ods_err
h_any(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const char *method = strrchr(c->method, '/') + 1;
	ods_err rc = ODS_OK;

	(void)ctx;
	pthread_mutex_lock(&fake.lock);
	struct slot *s = slot_for(method);
	size_t n = protobuf_c_message_get_packed_size(in);
	if (n <= REQ_MAX)
		s->req_len = protobuf_c_message_pack(in, s->req);
	s->calls++;
	strncat(fake.order, method, sizeof(fake.order) - strlen(fake.order) - 2);
	strncat(fake.order, ",", sizeof(fake.order) - strlen(fake.order) - 1);
	if (fake.fail != ODS_OK)
		rc = diag_fail(&c->diag, fake.fail, "zone", "no zone named 'nope'");
	else if (s->reply && s->reply->descriptor == out->descriptor)
		memcpy(out, s->reply, out->descriptor->sizeof_message);
	pthread_mutex_unlock(&fake.lock);
	return rc;
}

static void
answer(const char *method, const void *reply)
{
	slot_for(method)->reply = reply;
}

/* The last request of method, unpacked (free with protobuf_c_message_free_unpacked). */
static void *
request(const char *method, const ProtobufCMessageDescriptor *desc)
{
	struct slot *s = slot_for(method);
	ProtobufCMessage *m;

	assert_true(s->calls > 0);
	m = protobuf_c_message_unpack(desc, NULL, s->req_len, s->req);
	assert_non_null(m);
	return m;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup_daemon(void **state)
{
	static struct rpc_method methods[64];
	const ProtobufCServiceDescriptor *sd = &ods__enforcer__enforcer__descriptor;
	struct rpc_listen_spec listen;
	struct rpc_server_opts o = {0};
	struct diag d = {0};
	char text[512];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(fake.dir, sizeof(fake.dir), "/tmp/ods-cli-test.XXXXXX");
	if (mkdtemp(fake.dir) == NULL)
		return -1;
	snprintf(fake.url, sizeof(fake.url), "ipc://%s/enforcer.sock", fake.dir);
	snprintf(fake.conf, sizeof(fake.conf), "%s/conf.xml", fake.dir);
	snprintf(fake.kasp, sizeof(fake.kasp), "%s/kasp.xml", fake.dir);
	snprintf(fake.zonelist, sizeof(fake.zonelist), "%s/zonelist.xml", fake.dir);
	snprintf(text, sizeof(text),
	         "<Configuration><Common><PolicyFile>%s</PolicyFile>"
	         "<ZoneListFile>%s</ZoneListFile></Common></Configuration>\n",
	         fake.kasp, fake.zonelist);
	write_file(fake.conf, text);
	for (unsigned i = 0; i < sd->n_methods && i < 63; i++)
		methods[i] = (struct rpc_method)RPC_METHOD(sd->methods[i].name, h_any);
	if (rpc_dispatch_new(&fake.dispatch) != ODS_OK ||
	    rpc_dispatch_add(fake.dispatch, sd, methods, NULL, &d) != ODS_OK)
		return -1;
	listen = (struct rpc_listen_spec){.url = fake.url};
	o.name = "enforcer";
	o.listen = &listen;
	o.n_listen = 1;
	o.workers = 2;
	o.max_message_bytes = 16u << 20;
	return rpc_server_start(&fake.server, &o, fake.dispatch, &d) == ODS_OK ? 0 : -1;
}

static int
teardown_daemon(void **state)
{
	char cmd[256];

	(void)state;
	rpc_server_free(fake.server);
	rpc_dispatch_free(fake.dispatch);
	snprintf(cmd, sizeof(cmd), "%s/%s", fake.dir, "zonelist.xml");
	remove(cmd);
	remove(fake.conf);
	remove(fake.kasp);
	rmdir(fake.dir);
	return 0;
}

static int
reset(void **state)
{
	(void)state;
	memset(fake.slots, 0, sizeof(fake.slots));
	fake.order[0] = '\0';
	fake.fail = ODS_OK;
	return 0;
}

/* Everything a file descriptor received, as a string (caller frees). */
static char *
slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

struct result {
	int code;
	char *out;
	char *err;
};

/* Run ods-enforcer (or ods-ksmutil) with -c conf -s url and the words, capturing its output. */
static struct result
run_words(bool ksmutil, const char *const *words, size_t n)
{
	char *argv[24];
	int argc = 0;
	FILE *fo = tmpfile(), *fe = tmpfile();
	int so, se;
	struct result r;

	assert_non_null(fo);
	assert_non_null(fe);
	argv[argc++] = (char *)(ksmutil ? "ods-ksmutil" : "ods-enforcer");
	argv[argc++] = (char *)"-c";
	argv[argc++] = fake.conf;
	argv[argc++] = (char *)"-s";
	argv[argc++] = fake.url;
	for (size_t i = 0; i < n && argc < 23; i++)
		argv[argc++] = (char *)words[i];
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	so = dup(STDOUT_FILENO);
	se = dup(STDERR_FILENO);
	dup2(fileno(fo), STDOUT_FILENO);
	dup2(fileno(fe), STDERR_FILENO);
	optind = 0; /* cli_main parses global options with getopt */
	r.code =
	    ksmutil ? cli_enf_prog_main("ods-ksmutil", cli_ksm_specs, cli_ksm_n_specs, argc, argv)
	            : cli_enf_prog_main("ods-enforcer", cli_enf_specs, cli_enf_n_specs, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	r.out = slurp(fo);
	r.err = slurp(fe);
	return r;
}

#define RUN(ksm, ...)                                                                              \
	run_words(ksm, (const char *const[]){__VA_ARGS__},                                         \
	          sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void
result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* --- tests ------------------------------------------------------------------------------ */

static void
test_key_list_sends_filters_and_prints_rows(void **state)
{
	Ods__Enforcer__KeyRow k = ODS__ENFORCER__KEY_ROW__INIT;
	Ods__Enforcer__KeyRow *kp[1] = {&k};
	Ods__Enforcer__KeyListReply reply = ODS__ENFORCER__KEY_LIST_REPLY__INIT;
	Ods__Enforcer__KeyListRequest *rq;

	(void)state;
	k.zone = (char *)"example.com";
	k.role = ODS__ENFORCER__KEY_ROLE__KSK;
	k.state = (char *)"ready";
	k.waiting = (char *)"waiting for ds-seen";
	k.ds = (char *)"rumoured";
	k.dnskey = k.rrsigdnskey = (char *)"omnipresent";
	k.rrsig = (char *)"NA";
	k.publish = true;
	k.locator = (char *)"abc";
	reply.keys = kp;
	reply.n_keys = 1;
	reply.now = T0;
	answer("KeyList", &reply);
	struct result r = RUN(false, "key", "list", "-d", "-p", "--zone", "example.com", "-t",
	                      "ksk", "-e", "ready");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "example.com;KSK;rumoured;omnipresent;omnipresent;NA;1;0;abc\n");
	assert_string_equal(r.err, "");
	rq = request("KeyList", &ods__enforcer__key_list_request__descriptor);
	assert_string_equal(rq->zone, "example.com");
	assert_int_equal(rq->role, ODS__ENFORCER__KEY_ROLE__KSK);
	assert_string_equal(rq->keystate, "ready");
	assert_false(rq->all);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
}

static void
test_key_list_rejects_keystate_with_all(void **state)
{
	(void)state;
	struct result r = RUN(false, "key", "list", "-e", "ready", "--all");
	assert_int_equal(r.code, 2);
	assert_string_equal(r.err, "Error: --keystate and --all option cannot be given together\n");
	assert_string_equal(fake.order, "");
	result_free(&r);
}

static void
test_ds_seen_by_keytag(void **state)
{
	Ods__Enforcer__KeyDsReply reply = ODS__ENFORCER__KEY_DS_REPLY__INIT;
	Ods__Enforcer__KeyDsRequest *rq;

	(void)state;
	reply.matches = 1;
	reply.changed = 1;
	answer("KeyDs", &reply);
	struct result r = RUN(false, "key", "ds-seen", "-z", "example.org", "-x", "22499");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "1 KSK matches found.\n1 KSKs changed.\n");
	rq = request("KeyDs", &ods__enforcer__key_ds_request__descriptor);
	assert_int_equal(rq->op, ODS__ENFORCER__KEY_DS_REQUEST__OP__SEEN);
	assert_string_equal(rq->zone, "example.org");
	assert_true(rq->has_keytag);
	assert_int_equal(rq->keytag, 22499);
	assert_false(rq->list_only);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
}

static void
test_ds_seen_without_match_fails(void **state)
{
	Ods__Enforcer__KeyDsReply reply = ODS__ENFORCER__KEY_DS_REPLY__INIT;

	(void)state;
	answer("KeyDs", &reply);
	struct result r = RUN(false, "key", "ds-gone", "--zone", "example.org", "--cka_id", "abc");
	assert_int_equal(r.code, 1);
	assert_string_equal(r.out, "0 KSK matches found.\n0 KSKs changed.\n");
	result_free(&r);
}

static void
test_ds_submit_without_options_lists_waiting_keys(void **state)
{
	Ods__Enforcer__KeyDsRequest *rq;

	(void)state;
	struct result r = RUN(false, "key", "ds-submit");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "Zone:"));
	rq = request("KeyDs", &ods__enforcer__key_ds_request__descriptor);
	assert_true(rq->list_only);
	assert_int_equal(rq->op, ODS__ENFORCER__KEY_DS_REQUEST__OP__SUBMIT);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
}

static void
test_ds_seen_refuses_bad_keytag_and_missing_zone(void **state)
{
	(void)state;
	struct result r = RUN(false, "key", "ds-seen", "-z", "example.org", "-x", "65536");
	assert_int_equal(r.code, 2);
	assert_string_equal(r.err, "value \"65536\" for --keytag is invalid\n");
	result_free(&r);
	r = RUN(false, "key", "ds-seen", "-x", "1");
	assert_int_equal(r.code, 2);
	assert_string_equal(r.err, "Error: expected --zone <zone>\n");
	result_free(&r);
	r = RUN(true, "key", "ds-seen", "-z", "-x", "22499");
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "option --zone (-z) for 'key ds-seen' needs a value"));
	result_free(&r);
	assert_string_equal(fake.order, "");
}

static void
test_ksmutil_ds_seen_prints_14_sentences(void **state)
{
	Ods__Enforcer__KeyRow k = ODS__ENFORCER__KEY_ROW__INIT;
	Ods__Enforcer__KeyRow *kp[1] = {&k};
	Ods__Enforcer__KeyDsReply reply = ODS__ENFORCER__KEY_DS_REPLY__INIT;
	Ods__Enforcer__KeyDsRequest *rq;

	(void)state;
	k.locator = (char *)"9621ca39306ce050e8dd94c5ab837001";
	reply.keys = kp;
	reply.n_keys = 1;
	reply.matches = reply.changed = 1;
	answer("KeyDs", &reply);
	struct result r = RUN(true, "key", "ds-seen", "-z", "example.com", "-k",
	                      "9621ca39306ce050e8dd94c5ab837001");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "Found key with CKA_ID 9621ca39306ce050e8dd94c5ab837001\n"
	                           "Key 9621ca39306ce050e8dd94c5ab837001 made active\n");
	rq = request("KeyDs", &ods__enforcer__key_ds_request__descriptor);
	assert_string_equal(rq->locator, "9621ca39306ce050e8dd94c5ab837001");
	assert_false(rq->has_keytag);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
}

static void
test_zone_add_defaults_and_xml(void **state)
{
	Ods__Enforcer__ZoneInfo z = ODS__ENFORCER__ZONE_INFO__INIT;
	Ods__Enforcer__Adapter in = ODS__ENFORCER__ADAPTER__INIT,
	                       out = ODS__ENFORCER__ADAPTER__INIT;
	Ods__Enforcer__ZoneAddReply reply = ODS__ENFORCER__ZONE_ADD_REPLY__INIT;
	Ods__Enforcer__ZonelistExportReply zl = ODS__ENFORCER__ZONELIST_EXPORT_REPLY__INIT;
	Ods__Enforcer__ZoneAddRequest *rq;
	char want[512];

	(void)state;
	z.name = (char *)"example.com";
	in.path = (char *)"/var/lib/opendnssec/unsigned/example.com";
	out.path = (char *)"/var/lib/opendnssec/signed/example.com";
	z.input = &in;
	z.output = &out;
	reply.zone = &z;
	zl.xml = (char *)"<ZoneList/>\n";
	answer("ZoneAdd", &reply);
	answer("ZonelistExport", &zl);
	struct result r =
	    RUN(false, "zone", "add", "--zone", "example.com", "--in-type", "dns", "--xml");
	assert_int_equal(r.code, 0);
	snprintf(want, sizeof(want),
	         "input is set to /var/lib/opendnssec/unsigned/example.com. \n"
	         "output is set to /var/lib/opendnssec/signed/example.com. \n"
	         "Zone example.com added successfully\n"
	         "Zonelist %s updated successfully\n",
	         fake.zonelist);
	assert_string_equal(r.out, want);
	rq = request("ZoneAdd", &ods__enforcer__zone_add_request__descriptor);
	assert_string_equal(rq->zone->name, "example.com");
	assert_string_equal(rq->zone->policy, "default");
	assert_string_equal(rq->zone->signconf_path, "");
	assert_string_equal(rq->zone->input->type, "DNS");
	assert_null(rq->zone->output);
	assert_false(rq->suspend);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);

	FILE *f = fopen(fake.zonelist, "r");
	char buf[64] = {0};
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "<ZoneList/>\n");
}

static void
test_zone_add_names_missing_zone_and_bad_type(void **state)
{
	(void)state;
	struct result r = RUN(false, "zone", "add", "--policy", "lab");
	assert_int_equal(r.code, 2);
	assert_string_equal(r.err, "expected option --zone <zone>\n");
	result_free(&r);
	r = RUN(false, "zone", "add", "-z", "x", "-q", "ftp");
	assert_int_equal(r.code, 2);
	assert_string_equal(r.err, "Unable to add zone, ftp is not a valid output type! out_type "
	                           "must be File or DNS.\n");
	result_free(&r);
}

static void
test_policy_import_sends_the_file(void **state)
{
	Ods__Enforcer__PolicyImportRequest *rq;
	char *created[] = {(char *)"default"};
	Ods__Enforcer__PolicyImportReply reply = ODS__ENFORCER__POLICY_IMPORT_REPLY__INIT;

	(void)state;
	write_file(fake.kasp, "<KASP><Policy name=\"default\"/></KASP>\n");
	reply.created = created;
	reply.n_created = 1;
	answer("PolicyImport", &reply);
	struct result r = RUN(false, "policy", "import", "-r");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "Created policy default successfully\n");
	rq = request("PolicyImport", &ods__enforcer__policy_import_request__descriptor);
	assert_string_equal(rq->xml, "<KASP><Policy name=\"default\"/></KASP>\n");
	assert_string_equal(rq->file_name, fake.kasp);
	assert_true(rq->remove_missing);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
}

static void
test_ksmutil_update_all_imports_both_files_then_reloads(void **state)
{
	(void)state;
	write_file(fake.kasp, "<KASP/>\n");
	write_file(fake.zonelist, "<ZoneList/>\n");
	struct result r = RUN(true, "update", "all");
	assert_int_equal(r.code, 0);
	assert_string_equal(fake.order, "PolicyImport,ZonelistImport,Reload,");
	result_free(&r);
}

static void
test_missing_file_is_named(void **state)
{
	char want[256];

	(void)state;
	struct result r = RUN(false, "zonelist", "import", "--file", "/nonexistent/zl.xml");
	assert_int_equal(r.code, 1);
	snprintf(want, sizeof(want), "Unable to read/parse zonelist XML file /nonexistent/zl.xml!");
	assert_non_null(strstr(r.err, want));
	assert_string_equal(fake.order, "");
	result_free(&r);
}

static void
test_time_leap_sends_local_time(void **state)
{
	Ods__Enforcer__TimeLeapReply reply = ODS__ENFORCER__TIME_LEAP_REPLY__INIT;
	Ods__Enforcer__TimeLeapRequest *rq;

	(void)state;
	reply.before = T0 - 3600;
	reply.after = T0;
	reply.tasks = 2;
	answer("TimeLeap", &reply);
	struct result r = RUN(false, "time", "leap", "--time", "2023-11-14-22:13:20", "-a");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out,
	                    "Using 2023-11-14-22:13:20 parameter value as time to leap to\n"
	                    "There are 2 tasks scheduled.\n"
	                    "It is now       Tue Nov 14 21:13:20 2023 (1699996400 seconds since "
	                    "epoch)\n"
	                    "Leaping to time Tue Nov 14 22:13:20 2023 (1700000000 seconds since "
	                    "epoch)\n");
	rq = request("TimeLeap", &ods__enforcer__time_leap_request__descriptor);
	assert_int_equal(rq->time, T0);
	assert_true(rq->attach);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
}

static void
test_daemon_error_goes_to_stderr(void **state)
{
	(void)state;
	fake.fail = ODS_ENOENT;
	struct result r = RUN(false, "zone", "delete", "-z", "nope");
	assert_int_equal(r.code, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "Error: zone: no zone named 'nope'\n");
	result_free(&r);
}

static void
test_zone_list_uses_cluster_time(void **state)
{
	Ods__HealthReply h = ODS__HEALTH_REPLY__INIT;
	Ods__Enforcer__ZoneInfo z = ODS__ENFORCER__ZONE_INFO__INIT;
	Ods__Enforcer__ZoneInfo *zp[1] = {&z};
	Ods__Enforcer__ZoneListReply reply = ODS__ENFORCER__ZONE_LIST_REPLY__INIT;

	(void)state;
	h.now_unix = T0;
	z.name = (char *)"example.com";
	z.policy = (char *)"default";
	z.next_change = T0 - 1; /* past for the cluster, though long past for the wall clock too */
	reply.zones = zp;
	reply.n_zones = 1;
	reply.datastore = (char *)"postgresql:///ods";
	answer("Health", &h);
	answer("ZoneList", &reply);
	struct result r = RUN(false, "zone", "list");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "as soon as possible"));
	assert_string_equal(fake.order, "Health,ZoneList,");
	result_free(&r);
}

static void
test_help_and_command_help(void **state)
{
	(void)state;
	struct result r = RUN(false, "help", "key", "ds-seen");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "usage: ods-enforcer key ds-seen"));
	assert_non_null(strstr(r.out, "-x, --keytag <keytag>"));
	result_free(&r);
	r = RUN(true, "key", "rollover", "--help");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "usage: ods-ksmutil key rollover"));
	result_free(&r);
	r = RUN(false, "key", "list", "--foo");
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "Error: unknown option --foo for 'key list'\n"));
	result_free(&r);
}

static void
test_ksmutil_key_rollover_and_generate_map_to_2x(void **state)
{
	Ods__Enforcer__KeyRolloverRequest *rq;
	Ods__Enforcer__KeyGenerateRequest *gq;

	(void)state;
	struct result r = RUN(true, "key", "rollover", "-z", "example.com", "-t", "ZSK");
	assert_int_equal(r.code, 0);
	rq = request("KeyRollover", &ods__enforcer__key_rollover_request__descriptor);
	assert_string_equal(rq->zone, "example.com");
	assert_int_equal(rq->role, ODS__ENFORCER__KEY_ROLE__ZSK);
	protobuf_c_message_free_unpacked(&rq->base, NULL);
	result_free(&r);
	r = RUN(true, "key", "generate", "--policy", "default", "--interval", "P1M", "-A");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "Key generation task scheduled.\n");
	gq = request("KeyGenerate", &ods__enforcer__key_generate_request__descriptor);
	assert_string_equal(gq->policy, "default");
	assert_int_equal(gq->duration_s, 31 * 86400);
	protobuf_c_message_free_unpacked(&gq->base, NULL);
	result_free(&r);
}

static void
test_running_when_nothing_listens(void **state)
{
	char *argv[8];
	char url[160];
	FILE *fo = tmpfile();
	int so;

	(void)state;
	snprintf(url, sizeof(url), "ipc://%s/nobody.sock", fake.dir);
	argv[0] = (char *)"ods-enforcer";
	argv[1] = (char *)"-c";
	argv[2] = fake.conf;
	argv[3] = (char *)"-s";
	argv[4] = url;
	argv[5] = (char *)"running";
	argv[6] = NULL;
	fflush(stdout);
	so = dup(STDOUT_FILENO);
	dup2(fileno(fo), STDOUT_FILENO);
	optind = 0;
	int code = cli_enf_prog_main("ods-enforcer", cli_enf_specs, cli_enf_n_specs, 6, argv);
	fflush(stdout);
	dup2(so, STDOUT_FILENO);
	close(so);
	char *out = slurp(fo);
	assert_int_equal(code, 209);
	assert_string_equal(out, "Engine not running.\n");
	free(out);
}

static void
test_ksmutil_config_anywhere_moves_to_the_front(void **state)
{
	char *argv[] = {"ods-ksmutil", "key", "list", "-c", "/etc/ods/conf.xml", "-v", NULL};
	char *attached[] = {"ods-ksmutil", "update", "all", "--config=/c.xml", NULL};

	(void)state;
	cli_enf_hoist_config(6, argv);
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "/etc/ods/conf.xml");
	assert_string_equal(argv[3], "key");
	assert_string_equal(argv[4], "list");
	assert_string_equal(argv[5], "-v");
	cli_enf_hoist_config(4, attached);
	assert_string_equal(attached[1], "--config=/c.xml");
	assert_string_equal(attached[2], "update");
	assert_string_equal(attached[3], "all");
}

#define T(f) cmocka_unit_test_setup(f, reset)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_key_list_sends_filters_and_prints_rows),
	    T(test_key_list_rejects_keystate_with_all),
	    T(test_ds_seen_by_keytag),
	    T(test_ds_seen_without_match_fails),
	    T(test_ds_submit_without_options_lists_waiting_keys),
	    T(test_ds_seen_refuses_bad_keytag_and_missing_zone),
	    T(test_ksmutil_ds_seen_prints_14_sentences),
	    T(test_zone_add_defaults_and_xml),
	    T(test_zone_add_names_missing_zone_and_bad_type),
	    T(test_policy_import_sends_the_file),
	    T(test_ksmutil_update_all_imports_both_files_then_reloads),
	    T(test_missing_file_is_named),
	    T(test_time_leap_sends_local_time),
	    T(test_daemon_error_goes_to_stderr),
	    T(test_zone_list_uses_cluster_time),
	    T(test_help_and_command_help),
	    T(test_ksmutil_key_rollover_and_generate_map_to_2x),
	    T(test_running_when_nothing_listens),
	    T(test_ksmutil_config_anywhere_moves_to_the_front),
	};

	return cmocka_run_group_tests(tests, setup_daemon, teardown_daemon);
}
