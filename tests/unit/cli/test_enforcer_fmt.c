/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for cli/enforcer/fmt.c: every `key list` layout (2.x and ods-ksmutil 1.4), zone
 * list, queue, the ds-* outputs, time leap and the other listings, byte for byte against
 * OpenDNSSEC's column formats. Dates are local time, so the tests run with TZ=UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cli/enforcer/fmt.h"
#include "ods/enforcer.pb-c.h"

#define T0 INT64_C(1700000000) /* Tue Nov 14 22:13:20 2023 UTC */

/* Output captured in memory. */
struct cap {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *
cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

/* Close and compare with want; frees the buffer. */
static void
cap_check(struct cap *c, const char *want)
{
	assert_int_equal(fclose(c->f), 0);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

/* --- key list fixture: two zones, four keys in different states ------------------------- */

struct keys {
	Ods__Enforcer__KeyRow rows[4];
	Ods__Enforcer__KeyRow *ptrs[4];
	Ods__Enforcer__KeyListReply reply;
};

static void
key_set(Ods__Enforcer__KeyRow *k, const char *zone, Ods__Enforcer__KeyRole role,
        const char *state, int64_t next, const char *waiting, uint32_t bits, uint32_t alg,
        const char *loc, const char *repo, uint32_t tag)
{
	ods__enforcer__key_row__init(k);
	k->zone = (char *)zone;
	k->role = role;
	k->state = (char *)state;
	k->next_transition = next;
	k->waiting = (char *)waiting;
	k->bits = bits;
	k->algorithm = alg;
	k->locator = (char *)loc;
	k->repository = (char *)repo;
	k->keytag = tag;
}

static void
key_records(Ods__Enforcer__KeyRow *k, const char *ds, const char *dnskey, const char *rrsigdnskey,
            const char *rrsig, int pub, int act)
{
	k->ds = (char *)ds;
	k->dnskey = (char *)dnskey;
	k->rrsigdnskey = (char *)rrsigdnskey;
	k->rrsig = (char *)rrsig;
	k->publish = pub;
	k->active = act;
}

static int
setup_keys(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return -1;
	key_set(&k->rows[0], "example.com", ODS__ENFORCER__KEY_ROLE__KSK, "publish", T0 + 3600, "",
	        2048, 8, "a1b2c3", "SoftHSM", 12345);
	key_records(&k->rows[0], "hidden", "rumoured", "rumoured", "NA", 1, 1);
	key_set(&k->rows[1], "example.com", ODS__ENFORCER__KEY_ROLE__ZSK, "active", 0, "", 1024, 8,
	        "d4e5f6", "SoftHSM", 54321);
	key_records(&k->rows[1], "NA", "omnipresent", "NA", "omnipresent", 1, 1);
	key_set(&k->rows[2], "example.org", ODS__ENFORCER__KEY_ROLE__KSK, "ready", T0 - 10,
	        "waiting for ds-seen", 256, 13, "0123456789abcdef0123456789abcdef", "HSM2", 7);
	key_records(&k->rows[2], "rumoured", "omnipresent", "omnipresent", "NA", 1, 0);
	key_set(&k->rows[3], "example.org", ODS__ENFORCER__KEY_ROLE__ZSK, "generate", T0 - 10, "",
	        256, 13, "ffff", "HSM2", 65535);
	key_records(&k->rows[3], "NA", "hidden", "NA", "hidden", 0, 0);
	for (int i = 0; i < 4; i++)
		k->ptrs[i] = &k->rows[i];
	ods__enforcer__key_list_reply__init(&k->reply);
	k->reply.keys = k->ptrs;
	k->reply.n_keys = 4;
	k->reply.now = T0;
	*state = k;
	return 0;
}

static int
teardown_keys(void **state)
{
	free(*state);
	return 0;
}

static int
setup_tz(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* --- expected outputs, from upstream's printf formats ------------------------------- */

static const char exp_default[] =
	"Keys:\n"
	"Zone:                           Keytype: State:    Date of next transition:\n"
	"example.com                     KSK      publish   2023-11-14 23:13:20\n"
	"example.com                     ZSK      active    -\n"
	"example.org                     KSK      ready     waiting for ds-seen\n"
	"example.org                     ZSK      generate  now\n";

static const char exp_verbose[] =
	"Keys:\n"
	"Zone:                           Keytype: State:    Date of next transition: Size: Algorithm: CKA_ID:                          Repository: KeyTag:\n"
	"example.com                     KSK      publish   2023-11-14 23:13:20      2048  8          a1b2c3                           SoftHSM     12345\n"
	"example.com                     ZSK      active    -                        1024  8          d4e5f6                           SoftHSM     54321\n"
	"example.org                     KSK      ready     waiting for ds-seen      256   13         0123456789abcdef0123456789abcdef HSM2        7\n"
	"example.org                     ZSK      generate  now                      256   13         ffff                             HSM2        65535\n";

static const char exp_verbose_parsable[] =
	"example.com;KSK;publish;2023-11-14 23:13:20;2048;8;a1b2c3;SoftHSM;12345\n"
	"example.com;ZSK;active;-;1024;8;d4e5f6;SoftHSM;54321\n"
	"example.org;KSK;ready;waiting for ds-seen;256;13;0123456789abcdef0123456789abcdef;HSM2;7\n"
	"example.org;ZSK;generate;now;256;13;ffff;HSM2;65535\n";

static const char exp_debug[] =
	"Keys:\n"
	"Zone:                           Key role:     DS:          DNSKEY:      RRSIGDNSKEY: RRSIG:       Pub: Act: Id:\n"
	"example.com                     KSK           hidden       rumoured     rumoured     NA           1    1    a1b2c3\n"
	"example.com                     ZSK           NA           omnipresent  NA           omnipresent  1    1    d4e5f6\n"
	"example.org                     KSK           rumoured     omnipresent  omnipresent  NA           1    0    0123456789abcdef0123456789abcdef\n"
	"example.org                     ZSK           NA           hidden       NA           hidden       0    0    ffff\n";

static const char exp_debug_parsable[] =
	"example.com;KSK;hidden;rumoured;rumoured;NA;1;1;a1b2c3\n"
	"example.com;ZSK;NA;omnipresent;NA;omnipresent;1;1;d4e5f6\n"
	"example.org;KSK;rumoured;omnipresent;omnipresent;NA;1;0;0123456789abcdef0123456789abcdef\n"
	"example.org;ZSK;NA;hidden;NA;hidden;0;0;ffff\n";

static const char exp_full[] =
	"example.com                     KSK      publish   12345 a1b2c3 hidden       rumoured     rumoured     NA           1    1    2023-11-14 23:13:20\n"
	"example.com                     ZSK      active    54321 d4e5f6 NA           omnipresent  NA           omnipresent  1    1    -\n"
	"example.org                     KSK      ready     7 0123456789abcdef0123456789abcdef rumoured     omnipresent  omnipresent  NA           1    0    waiting for ds-seen\n"
	"example.org                     ZSK      generate  65535 ffff NA           hidden       NA           hidden       0    0    now\n";

static const char exp_ksm14[] =
	"Keys:\n"
	"Zone:                           Keytype:      State:    Date of next transition:\n"
	"example.com                     KSK           publish   2023-11-14 23:13:20 \n"
	"example.com                     ZSK           active    (not scheduled)     \n"
	"example.org                     KSK           ready     waiting for ds-seen \n"
	"\n";

static const char exp_ksm14_verbose[] =
	"Keys:\n"
	"Zone:                           Keytype:      State:    Date of next transition (to):  Size:   Algorithm:  CKA_ID:                           Repository:                       Keytag:\n"
	"example.com                     KSK           publish   2023-11-14 23:13:20 (ready)    2048    8           a1b2c3                            SoftHSM                           12345\n"
	"example.com                     ZSK           active    (not scheduled)     (retire)   1024    8           d4e5f6                            SoftHSM                           54321\n"
	"example.org                     KSK           ready     waiting for ds-seen (active)   256     13          0123456789abcdef0123456789abcdef  HSM2                              7\n"
	"example.org                     ZSK           generate  2023-11-14 22:13:10 (publish)  256     13          ffff                              HSM2                              65535\n"
	"\n";

static const char exp_zones[] =
	"Database set to: postgresql://db.example/ods\n"
	"Zones:\n"
	"Zone:                           Policy:       Next change:               Signer Configuration:             \n"
	"example.com                     default       Tue Nov 14 22:14:20 2023   /var/lib/opendnssec/signconf/example.com.xml\n"
	"example.net                     lab           as soon as possible        /var/lib/opendnssec/signconf/example.net.xml\n"
	"example.org                     default       no changes scheduled       /sc/example.org.xml               \n";

static const char exp_queue[] =
	"All worker threads idle.\n"
	"There are 2 tasks scheduled.\n"
	"It is now Tue Nov 14 22:13:20 2023 (1700000000 seconds since epoch)\n"
	"Next task scheduled Tue Nov 14 22:18:20 2023 (1700000300 seconds since epoch)\n"
	"On Tue Nov 14 22:18:20 2023 I will enforce zone example.com\n"
	"On Wed Nov 15 00:13:20 2023 I will ds-submit zone example.org\n";

static const char exp_queue_due[] =
	"There is 1 task scheduled.\n"
	"It is now Tue Nov 14 22:13:20 2023 (1700000000 seconds since epoch)\n"
	"Next task scheduled immediately\n"
	"On Tue Nov 14 22:13:20 2023 I will enforce zone example.com\n";

static const char exp_leap[] =
	"There are 3 tasks scheduled.\n"
	"It is now       Tue Nov 14 22:13:20 2023 (1700000000 seconds since epoch)\n"
	"Leaping to time Wed Nov 15 22:13:20 2023 (1700086400 seconds since epoch)\n"
	"Waking up workers\n";

static const char exp_ds_list[] =
	"Zone:                           Key role:     Keytag:       Id:                                     \n"
	"example.org                     KSK           7             0123456789abcdef0123456789abcdef        \n"
	"example.net                     CSK           40000         abc                                     \n";

static const char exp_roll[] =
	"Keys:\n"
	"Zone:                           Keytype: Rollover expected:            \n"
	"example.com                     KSK      2024-11-13 22:13:20           \n"
	"example.com                     ZSK      No roll scheduled             \n"
	"example.org                     KSK      waiting for ds-seen           \n";

static const char exp_policies[] =
	"Policy:                         Description:                                    \n"
	"default                         A default policy                                \n"
	"lab                                                                             \n";

static const char exp_repos[] =
	"Repositories:\n"
	"Name:                           Capacity:     RequireBackup:\n"
	"SoftHSM                         -             No           \n"
	"HSM2                            1000          Yes          \n";

static const char exp_backup_head[] =
	"Locator:                         Repository:      Backup state:   \n";


static void
check_keys(void **state, enum cli_keys_style style, const struct cli_keys_filter *f,
           const char *want)
{
	struct keys *k = *state;
	struct cap c;

	cli_fmt_key_list(cap_open(&c), &k->reply, style, f);
	cap_check(&c, want);
}

static void
test_key_list_default_columns_and_next_transition(void **state)
{
	check_keys(state, CLI_KEYS_DEFAULT, NULL, exp_default);
}

static void
test_key_list_verbose_adds_size_algorithm_cka_id_repository_keytag(void **state)
{
	check_keys(state, CLI_KEYS_VERBOSE, NULL, exp_verbose);
}

static void
test_key_list_verbose_parsable_is_semicolon_separated(void **state)
{
	check_keys(state, CLI_KEYS_VERBOSE_PARSABLE, NULL, exp_verbose_parsable);
}

static void
test_key_list_debug_shows_record_states(void **state)
{
	check_keys(state, CLI_KEYS_DEBUG, NULL, exp_debug);
}

static void
test_key_list_debug_parsable_matches_upstream_test_greps(void **state)
{
	struct keys *k = *state;
	struct cap c;

	check_keys(state, CLI_KEYS_DEBUG_PARSABLE, NULL, exp_debug_parsable);
	/* What upstream's enforcer.timeleap.mongrel test greps for after zone add. */
	cli_fmt_key_list(cap_open(&c), &k->reply, CLI_KEYS_DEBUG_PARSABLE, NULL);
	fclose(c.f);
	assert_non_null(strstr(c.buf, "example.com;KSK;hidden;rumoured;rumoured;NA;1;1"));
	free(c.buf);
}

static void
test_key_list_full_has_keytag_and_no_header(void **state)
{
	check_keys(state, CLI_KEYS_FULL, NULL, exp_full);
}

static void
test_key_list_ksmutil_14_layout_hides_generate(void **state)
{
	struct cli_keys_filter f = {.hide_generate = true};

	check_keys(state, CLI_KEYS_KSM14, &f, exp_ksm14);
}

static void
test_key_list_ksmutil_14_verbose_layout(void **state)
{
	check_keys(state, CLI_KEYS_KSM14_VERBOSE, NULL, exp_ksm14_verbose);
}

static void
test_key_list_filters_ignore_case(void **state)
{
	struct cli_keys_filter f = {.zone = "EXAMPLE.ORG", .role = "ksk"};
	struct cli_keys_filter g = {.state = "ACTIVE"};
	static const char want_f[] =
		"example.org;KSK;ready;waiting for ds-seen;256;13;0123456789abcdef0123456789abcdef;"
		"HSM2;7\n";
	static const char want_g[] = "example.com;ZSK;active;-;1024;8;d4e5f6;SoftHSM;54321\n";

	check_keys(state, CLI_KEYS_VERBOSE_PARSABLE, &f, want_f);
	check_keys(state, CLI_KEYS_VERBOSE_PARSABLE, &g, want_g);
}

static void
test_key_list_empty_prints_only_the_header(void **state)
{
	Ods__Enforcer__KeyListReply r = ODS__ENFORCER__KEY_LIST_REPLY__INIT;
	struct cap c;

	(void)state;
	cli_fmt_key_list(cap_open(&c), &r, CLI_KEYS_DEFAULT, NULL);
	cap_check(&c, "Keys:\nZone:                           Keytype: State:    "
	              "Date of next transition:\n");
	cli_fmt_key_list(cap_open(&c), &r, CLI_KEYS_DEBUG_PARSABLE, NULL);
	cap_check(&c, "");
}

static void
test_next_transition_words(void **state)
{
	Ods__Enforcer__KeyRow k = ODS__ENFORCER__KEY_ROW__INIT;
	char buf[64];

	(void)state;
	cli_fmt_next_transition(buf, sizeof(buf), &k, T0);
	assert_string_equal(buf, "-");
	k.next_transition = T0 - 1;
	cli_fmt_next_transition(buf, sizeof(buf), &k, T0);
	assert_string_equal(buf, "now");
	k.next_transition = T0; /* upstream: "now" only when before now */
	cli_fmt_next_transition(buf, sizeof(buf), &k, T0);
	assert_string_equal(buf, "2023-11-14 22:13:20");
	k.waiting = (char *)"waiting for ds-gone";
	cli_fmt_next_transition(buf, sizeof(buf), &k, T0);
	assert_string_equal(buf, "waiting for ds-gone");
}

/* --- zones ------------------------------------------------------------------------------ */

static void
test_zone_list_rows_and_next_change_words(void **state)
{
	Ods__Enforcer__ZoneInfo z[3];
	Ods__Enforcer__ZoneInfo *zp[3] = {&z[0], &z[1], &z[2]};
	Ods__Enforcer__ZoneListReply r = ODS__ENFORCER__ZONE_LIST_REPLY__INIT;
	static const char *const names[] = {"example.com", "example.net", "example.org"};
	static const char *const policies[] = {"default", "lab", "default"};
	static const char *const sc[] = {"/var/lib/opendnssec/signconf/example.com.xml",
	                                 "/var/lib/opendnssec/signconf/example.net.xml",
	                                 "/sc/example.org.xml"};
	const int64_t next[] = {T0 + 60, T0 - 60, 0};
	struct cap c;

	(void)state;
	for (int i = 0; i < 3; i++) {
		ods__enforcer__zone_info__init(&z[i]);
		z[i].name = (char *)names[i];
		z[i].policy = (char *)policies[i];
		z[i].signconf_path = (char *)sc[i];
		z[i].next_change = next[i];
	}
	r.zones = zp;
	r.n_zones = 3;
	r.datastore = (char *)"postgresql://db.example/ods";
	cli_fmt_zone_list(cap_open(&c), &r, T0);
	cap_check(&c, exp_zones);
}

static void
test_zone_list_empty(void **state)
{
	Ods__Enforcer__ZoneListReply r = ODS__ENFORCER__ZONE_LIST_REPLY__INIT;
	struct cap c;

	(void)state;
	r.datastore = (char *)"postgresql:///ods";
	cli_fmt_zone_list(cap_open(&c), &r, T0);
	cap_check(&c, "Database set to: postgresql:///ods\nNo zones in database.\n");
}

static void
test_zone_add_says_input_output_and_success(void **state)
{
	Ods__Enforcer__ZoneInfo z = ODS__ENFORCER__ZONE_INFO__INIT;
	Ods__Enforcer__Adapter in = ODS__ENFORCER__ADAPTER__INIT, out = ODS__ENFORCER__ADAPTER__INIT;
	Ods__Enforcer__ZoneAddReply r = ODS__ENFORCER__ZONE_ADD_REPLY__INIT;
	struct cap c;

	(void)state;
	in.path = (char *)"/var/lib/opendnssec/unsigned/example.com";
	out.path = (char *)"/var/lib/opendnssec/signed/example.com";
	z.name = (char *)"example.com";
	z.input = &in;
	z.output = &out;
	r.zone = &z;
	cli_fmt_zone_add(cap_open(&c), &r);
	cap_check(&c, "input is set to /var/lib/opendnssec/unsigned/example.com. \n"
	              "output is set to /var/lib/opendnssec/signed/example.com. \n"
	              "Zone example.com added successfully\n");
}

static void
test_zonelist_import_lines(void **state)
{
	char *added[] = {(char *)"a.example"}, *updated[] = {(char *)"b.example"};
	char *same[] = {(char *)"c.example"}, *removed[] = {(char *)"d.example"};
	Ods__Enforcer__ZonelistImportReply r = ODS__ENFORCER__ZONELIST_IMPORT_REPLY__INIT;
	struct cap c;

	(void)state;
	r.added = added;
	r.n_added = 1;
	r.updated = updated;
	r.n_updated = 1;
	r.unchanged = same;
	r.n_unchanged = 1;
	r.removed = removed;
	r.n_removed = 1;
	cli_fmt_zonelist_import(cap_open(&c), &r);
	cap_check(&c, "Zone a.example created successfully\n"
	              "Updated zone b.example successfully\n"
	              "Zone c.example already up-to-date\n"
	              "Deleted zone d.example successfully\n");
}

/* --- scheduling ------------------------------------------------------------------------- */

static void
test_queue_idle_with_future_tasks(void **state)
{
	Ods__Enforcer__Task t[2] = {ODS__ENFORCER__TASK__INIT, ODS__ENFORCER__TASK__INIT};
	Ods__Enforcer__Task *tp[2] = {&t[0], &t[1]};
	Ods__Enforcer__QueueReply r = ODS__ENFORCER__QUEUE_REPLY__INIT;
	struct cap c;

	(void)state;
	t[0].what = (char *)"enforce";
	t[0].zone = (char *)"example.com";
	t[0].at = T0 + 300;
	t[1].what = (char *)"ds-submit";
	t[1].zone = (char *)"example.org";
	t[1].at = T0 + 7200;
	r.now = T0;
	r.tasks = tp;
	r.n_tasks = 2;
	r.idle = true;
	cli_fmt_queue(cap_open(&c), &r);
	cap_check(&c, exp_queue);
}

static void
test_queue_due_task_is_scheduled_immediately(void **state)
{
	Ods__Enforcer__Task t = ODS__ENFORCER__TASK__INIT;
	Ods__Enforcer__Task *tp[1] = {&t};
	Ods__Enforcer__QueueReply r = ODS__ENFORCER__QUEUE_REPLY__INIT;
	struct cap c;

	(void)state;
	t.what = (char *)"enforce";
	t.zone = (char *)"example.com";
	t.at = T0 - 100;
	r.now = T0;
	r.tasks = tp;
	r.n_tasks = 1;
	cli_fmt_queue(cap_open(&c), &r);
	cap_check(&c, exp_queue_due);
}

static void
test_queue_empty(void **state)
{
	Ods__Enforcer__QueueReply r = ODS__ENFORCER__QUEUE_REPLY__INIT;
	struct cap c;

	(void)state;
	r.now = T0;
	r.idle = true;
	cli_fmt_queue(cap_open(&c), &r);
	cap_check(&c, "All worker threads idle.\nThere are 0 tasks scheduled.\n"
	              "It is now Tue Nov 14 22:13:20 2023 (1700000000 seconds since epoch)\n");
}

static void
test_time_leap_to_next_task(void **state)
{
	Ods__Enforcer__TimeLeapReply r = ODS__ENFORCER__TIME_LEAP_REPLY__INIT;
	struct cap c;

	(void)state;
	r.before = T0;
	r.after = T0 + 86400;
	r.tasks = 3;
	cli_fmt_time_leap(cap_open(&c), &r, false, false);
	cap_check(&c, exp_leap);
}

static void
test_time_leap_attach_does_not_wake_workers(void **state)
{
	Ods__Enforcer__TimeLeapReply r = ODS__ENFORCER__TIME_LEAP_REPLY__INIT;
	struct cap c;

	(void)state;
	r.before = T0;
	r.after = T0 + 60;
	r.tasks = 1;
	cli_fmt_time_leap(cap_open(&c), &r, true, true);
	cap_check(&c, "There are 1 tasks scheduled.\n"
	              "It is now       Tue Nov 14 22:13:20 2023 (1700000000 seconds since epoch)\n"
	              "Leaping to time Tue Nov 14 22:14:20 2023 (1700000060 seconds since epoch)\n");
}

static void
test_time_leap_without_tasks(void **state)
{
	Ods__Enforcer__TimeLeapReply r = ODS__ENFORCER__TIME_LEAP_REPLY__INIT;
	struct cap c;

	(void)state;
	r.before = r.after = T0;
	cli_fmt_time_leap(cap_open(&c), &r, false, false);
	cap_check(&c, "There are 0 tasks scheduled.\n"
	              "It is now       Tue Nov 14 22:13:20 2023 (1700000000 seconds since epoch)\n"
	              "No tasks in queue. Not able to leap.\n");
}

/* --- ds-* ------------------------------------------------------------------------------- */

static void
ds_reply(Ods__Enforcer__KeyDsReply *r, Ods__Enforcer__KeyRow *rows, Ods__Enforcer__KeyRow **ptrs)
{
	ods__enforcer__key_ds_reply__init(r);
	key_set(&rows[0], "example.org", ODS__ENFORCER__KEY_ROLE__KSK, "ready", 0, "", 256, 13,
	        "0123456789abcdef0123456789abcdef", "HSM2", 7);
	key_set(&rows[1], "example.net", ODS__ENFORCER__KEY_ROLE__CSK, "ready", 0, "", 256, 13,
	        "abc", "HSM2", 40000);
	ptrs[0] = &rows[0];
	ptrs[1] = &rows[1];
	r->keys = ptrs;
	r->n_keys = 2;
}

static void
test_ds_without_key_lists_waiting_keys(void **state)
{
	Ods__Enforcer__KeyDsReply r;
	Ods__Enforcer__KeyRow rows[2], *ptrs[2];
	struct cap c;

	(void)state;
	ds_reply(&r, rows, ptrs);
	cli_fmt_ds_list(cap_open(&c), &r);
	cap_check(&c, exp_ds_list);
}

static void
test_ds_seen_counts_matches_and_changes(void **state)
{
	Ods__Enforcer__KeyDsReply r;
	Ods__Enforcer__KeyRow rows[2], *ptrs[2];
	char *msgs[] = {(char *)"key submitted to /usr/local/bin/submit\n"};
	struct cap c;

	(void)state;
	ds_reply(&r, rows, ptrs);
	r.n_keys = 1;
	r.matches = 1;
	r.changed = 1;
	cli_fmt_ds_result(cap_open(&c), &r);
	cap_check(&c, "1 KSK matches found.\n1 KSKs changed.\n");
	r.messages = msgs;
	r.n_messages = 1;
	r.matches = r.changed = 0;
	cli_fmt_ds_result(cap_open(&c), &r);
	cap_check(&c, "key submitted to /usr/local/bin/submit\n0 KSK matches found.\n"
	              "0 KSKs changed.\n");
}

static void
test_ds_seen_ksmutil_14_sentences(void **state)
{
	Ods__Enforcer__KeyDsReply r;
	Ods__Enforcer__KeyRow rows[2], *ptrs[2];
	struct cap c;

	(void)state;
	ds_reply(&r, rows, ptrs);
	rows[0].locator = (char *)"9621ca39306ce050e8dd94c5ab837001";
	r.n_keys = 1;
	r.matches = 1;
	r.changed = 1;
	cli_fmt_ds_seen_ksm14(cap_open(&c), &r);
	cap_check(&c, "Found key with CKA_ID 9621ca39306ce050e8dd94c5ab837001\n"
	              "Key 9621ca39306ce050e8dd94c5ab837001 made active\n");
	r.n_keys = 0;
	r.matches = r.changed = 0;
	cli_fmt_ds_seen_ksm14(cap_open(&c), &r);
	cap_check(&c, "No keys in the READY state matched your parameters, please check the "
	              "parameters\n");
}

/* --- keys ------------------------------------------------------------------------------- */

static void
test_key_export_dnskey_and_ds(void **state)
{
	Ods__Enforcer__ExportedKey k = ODS__ENFORCER__EXPORTED_KEY__INIT;
	Ods__Enforcer__ExportedKey *kp[1] = {&k};
	Ods__Enforcer__KeyExportReply r = ODS__ENFORCER__KEY_EXPORT_REPLY__INIT;
	struct cap c;

	(void)state;
	k.role = ODS__ENFORCER__KEY_ROLE__KSK;
	k.state = (char *)"ready";
	k.rr = (char *)"example.com.\t3600\tIN\tDS\t7 13 2 ABCD";
	r.keys = kp;
	r.n_keys = 1;
	cli_fmt_key_export(cap_open(&c), &r, true, false);
	cap_check(&c, ";ready KSK DS record (SHA256):\nexample.com.\t3600\tIN\tDS\t7 13 2 ABCD\n");
	cli_fmt_key_export(cap_open(&c), &r, true, true);
	cap_check(&c, ";ready KSK DS record (SHA1):\nexample.com.\t3600\tIN\tDS\t7 13 2 ABCD\n");
	k.rr = (char *)"example.com.\t3600\tIN\tDNSKEY\t257 3 13 AAAA\n";
	cli_fmt_key_export(cap_open(&c), &r, false, false);
	cap_check(&c, "example.com.\t3600\tIN\tDNSKEY\t257 3 13 AAAA\n");
}

static void
test_key_purge_reports_keys_and_hsm(void **state)
{
	Ods__Enforcer__KeyRow k;
	Ods__Enforcer__KeyRow *kp[1] = {&k};
	Ods__Enforcer__KeyPurgeReply r = ODS__ENFORCER__KEY_PURGE_REPLY__INIT;
	struct cap c;

	(void)state;
	key_set(&k, "example.com", ODS__ENFORCER__KEY_ROLE__ZSK, "retire", 0, "", 1024, 8, "dead1",
	        "SoftHSM", 1);
	r.purged = kp;
	r.n_purged = 1;
	cli_fmt_key_purge(cap_open(&c), &r, "example.com", true);
	cap_check(&c, "deleting key: dead1\nNumber of keys deleted from HSM is 1\n");
	cli_fmt_key_purge(cap_open(&c), &r, NULL, false);
	cap_check(&c, "deleting key: dead1\nRefrained from deleting keys from HSM\n");
	r.n_purged = 0;
	cli_fmt_key_purge(cap_open(&c), &r, "example.com", true);
	cap_check(&c, "No keys to purge for example.com \nFound no keys to delete from HSM\n");
}

static void
test_key_rollover_lines(void **state)
{
	char *zones[] = {(char *)"example.com", (char *)"example.org"};
	Ods__Enforcer__KeyRolloverReply r = ODS__ENFORCER__KEY_ROLLOVER_REPLY__INIT;
	struct cap c;

	(void)state;
	r.zones = zones;
	r.n_zones = 2;
	cli_fmt_key_rollover(cap_open(&c), &r, ODS__ENFORCER__KEY_ROLE__ZSK, NULL);
	cap_check(&c, "rolling ZSK for zone example.com\nrolling ZSK for zone example.org\n");
	r.n_zones = 1;
	cli_fmt_key_rollover(cap_open(&c), &r, ODS__ENFORCER__KEY_ROLE__ROLE_ANY, NULL);
	cap_check(&c, "rolling all keys for zone example.com\n");
	r.n_zones = 0;
	cli_fmt_key_rollover(cap_open(&c), &r, ODS__ENFORCER__KEY_ROLE__KSK, "lab");
	cap_check(&c, "No zones on policy lab\nNo keys to be rolled\n");
}

static void
test_rollover_list(void **state)
{
	Ods__Enforcer__RolloverRow w[3] = {ODS__ENFORCER__ROLLOVER_ROW__INIT,
	                                   ODS__ENFORCER__ROLLOVER_ROW__INIT,
	                                   ODS__ENFORCER__ROLLOVER_ROW__INIT};
	Ods__Enforcer__RolloverRow *wp[3] = {&w[0], &w[1], &w[2]};
	Ods__Enforcer__RolloverListReply r = ODS__ENFORCER__ROLLOVER_LIST_REPLY__INIT;
	struct cap c;

	(void)state;
	w[0].zone = w[1].zone = (char *)"example.com";
	w[0].role = ODS__ENFORCER__KEY_ROLE__KSK;
	w[0].next_roll = T0 + 365 * 86400;
	w[1].role = ODS__ENFORCER__KEY_ROLE__ZSK;
	w[1].note = (char *)"manual";
	w[2].zone = (char *)"example.org";
	w[2].role = ODS__ENFORCER__KEY_ROLE__KSK;
	w[2].next_roll = T0;
	w[2].note = (char *)"waiting for ds-seen";
	r.rows = wp;
	r.n_rows = 3;
	cli_fmt_rollover_list(cap_open(&c), &r);
	cap_check(&c, exp_roll);
}

/* --- policies, repositories, backups ---------------------------------------------------- */

static void
test_policy_list(void **state)
{
	Ods__Enforcer__PolicyInfo p[2] = {ODS__ENFORCER__POLICY_INFO__INIT,
	                                  ODS__ENFORCER__POLICY_INFO__INIT};
	Ods__Enforcer__PolicyInfo *pp[2] = {&p[0], &p[1]};
	Ods__Enforcer__PolicyListReply r = ODS__ENFORCER__POLICY_LIST_REPLY__INIT;
	struct cap c;

	(void)state;
	p[0].name = (char *)"default";
	p[0].description = (char *)"A default policy";
	p[1].name = (char *)"lab";
	r.policies = pp;
	r.n_policies = 2;
	cli_fmt_policy_list(cap_open(&c), &r);
	cap_check(&c, exp_policies);
}

static void
test_policy_import_lines_and_refusals(void **state)
{
	char *created[] = {(char *)"new"}, *updated[] = {(char *)"changed"};
	char *same[] = {(char *)"default"}, *removed[] = {(char *)"old"};
	char *kept[] = {(char *)"busy"}, *warn[] = {(char *)"kasp.xml:12: Y used in duration"};
	Ods__Enforcer__PolicyImportReply r = ODS__ENFORCER__POLICY_IMPORT_REPLY__INIT;
	struct cap out, err;

	(void)state;
	r.created = created;
	r.n_created = 1;
	r.updated = updated;
	r.n_updated = 1;
	r.unchanged = same;
	r.n_unchanged = 1;
	r.removed = removed;
	r.n_removed = 1;
	r.not_removed = kept;
	r.n_not_removed = 1;
	r.warnings = warn;
	r.n_warnings = 1;
	cli_fmt_policy_import(cap_open(&out), cap_open(&err), &r);
	cap_check(&out, "Created policy new successfully\nUpdated policy changed successfully\n"
	                "Policy default already up-to-date\nDeleted policy old successfully\n");
	cap_check(&err, "Warning: kasp.xml:12: Y used in duration\n"
	                "Unable to delete policy busy, there are still zones using this policy!\n");
}

static void
test_repository_list(void **state)
{
	Ods__Enforcer__Repository p[2] = {ODS__ENFORCER__REPOSITORY__INIT,
	                                  ODS__ENFORCER__REPOSITORY__INIT};
	Ods__Enforcer__Repository *pp[2] = {&p[0], &p[1]};
	Ods__Enforcer__RepositoryListReply r = ODS__ENFORCER__REPOSITORY_LIST_REPLY__INIT;
	struct cap c;

	(void)state;
	p[0].name = (char *)"SoftHSM";
	p[1].name = (char *)"HSM2";
	p[1].capacity = 1000;
	p[1].require_backup = true;
	r.repositories = pp;
	r.n_repositories = 2;
	cli_fmt_repository_list(cap_open(&c), &r);
	cap_check(&c, exp_repos);
}

static void
test_backup_steps_and_list(void **state)
{
	struct keys *k = *state;
	Ods__Enforcer__BackupReply r = ODS__ENFORCER__BACKUP_REPLY__INIT;
	struct cap out, err;

	r.changed = 3;
	cli_fmt_backup(cap_open(&out), ODS__ENFORCER__BACKUP_REQUEST__OP__PREPARE, &r);
	cap_check(&out, "info: keys flagged for backup: 3\n");
	cli_fmt_backup(cap_open(&out), ODS__ENFORCER__BACKUP_REQUEST__OP__COMMIT, &r);
	cap_check(&out, "info: keys marked backup done: 3\n");
	cli_fmt_backup(cap_open(&out), ODS__ENFORCER__BACKUP_REQUEST__OP__ROLLBACK, &r);
	cap_check(&out, "info: keys unflagged for backup: 3\n");

	k->rows[2].backup = (char *)"requested";
	k->rows[3].backup = (char *)"done";
	k->rows[3].locator = k->rows[2].locator; /* one key listed once */
	cli_fmt_backup_list(cap_open(&out), cap_open(&err), &k->reply, "HSM2");
	cap_check(&err, exp_backup_head);
	cap_check(&out, "0123456789abcdef0123456789abcdef HSM2             Prepared        \n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_list_default_columns_and_next_transition,
		                                setup_keys, teardown_keys),
		cmocka_unit_test_setup_teardown(
			test_key_list_verbose_adds_size_algorithm_cka_id_repository_keytag, setup_keys,
			teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_verbose_parsable_is_semicolon_separated,
		                                setup_keys, teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_debug_shows_record_states, setup_keys,
		                                teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_debug_parsable_matches_upstream_test_greps,
		                                setup_keys, teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_full_has_keytag_and_no_header, setup_keys,
		                                teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_ksmutil_14_layout_hides_generate,
		                                setup_keys, teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_ksmutil_14_verbose_layout, setup_keys,
		                                teardown_keys),
		cmocka_unit_test_setup_teardown(test_key_list_filters_ignore_case, setup_keys,
		                                teardown_keys),
		cmocka_unit_test(test_key_list_empty_prints_only_the_header),
		cmocka_unit_test(test_next_transition_words),
		cmocka_unit_test(test_zone_list_rows_and_next_change_words),
		cmocka_unit_test(test_zone_list_empty),
		cmocka_unit_test(test_zone_add_says_input_output_and_success),
		cmocka_unit_test(test_zonelist_import_lines),
		cmocka_unit_test(test_queue_idle_with_future_tasks),
		cmocka_unit_test(test_queue_due_task_is_scheduled_immediately),
		cmocka_unit_test(test_queue_empty),
		cmocka_unit_test(test_time_leap_to_next_task),
		cmocka_unit_test(test_time_leap_attach_does_not_wake_workers),
		cmocka_unit_test(test_time_leap_without_tasks),
		cmocka_unit_test(test_ds_without_key_lists_waiting_keys),
		cmocka_unit_test(test_ds_seen_counts_matches_and_changes),
		cmocka_unit_test(test_ds_seen_ksmutil_14_sentences),
		cmocka_unit_test(test_key_export_dnskey_and_ds),
		cmocka_unit_test(test_key_purge_reports_keys_and_hsm),
		cmocka_unit_test(test_key_rollover_lines),
		cmocka_unit_test(test_rollover_list),
		cmocka_unit_test(test_policy_list),
		cmocka_unit_test(test_policy_import_lines_and_refusals),
		cmocka_unit_test(test_repository_list),
		cmocka_unit_test_setup_teardown(test_backup_steps_and_list, setup_keys, teardown_keys),
	};

	return cmocka_run_group_tests(tests, setup_tz, NULL);
}
