/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for kaspcheck (lib/conf/kaspcheck.c): a sound conf + policy + zone list gives no
 * finding at all, and each rule is then made to fire by changing one value, checking its level,
 * its where ("kasp.xml:19") and its message. The structs are built in the test, since the
 * check is pure and needs no files; one test runs it over Debian's kasp.xml when installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/conf/conf.h"
#include "lib/conf/kasp.h"
#include "lib/conf/kaspcheck.h"
#include "lib/conf/zonelist.h"

#define DAY INT64_C(86400)

/* A sound setup, rebuilt for every test by setup(). */
struct fx {
	struct ods_conf conf;
	struct conf_repository repos[2];
	struct kasp kasp;
	struct kasp_policy pol[2];
	struct kasp_key keys[3];
	struct kasp_month_year my;
	struct zonelist zl;
	struct zonelist_zone zone;
	struct kaspcheck_report *r;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct kasp_policy *p;

	assert_non_null(f);
	f->repos[0] = (struct conf_repository){
	    .name = "SoftHSM", .module = "/lib/softhsm.so", .token_label = "OpenDNSSEC", .line = 4};
	f->repos[1] = (struct conf_repository){
	    .name = "Other", .module = "/lib/softhsm.so", .token_label = "Other", .line = 9};
	f->conf.path = "conf.xml";
	f->conf.repos = f->repos;
	f->conf.n_repos = 2;
	f->conf.enforcer.working_dir = "/var/lib/opendnssec/enforcer";
	f->conf.signer.working_dir = "/var/lib/opendnssec/signer";

	p = &f->pol[0];
	p->name = "default";
	p->line = 2;
	p->sig.resign_s = 7200;
	p->sig.refresh_s = 3 * DAY;
	p->sig.validity_default_s = 14 * DAY;
	p->sig.validity_denial_s = 14 * DAY;
	p->sig.jitter_s = 12 * 3600;
	p->sig.inception_offset_s = 3600;
	p->sig.max_zone_ttl_s = DAY;
	p->denial = KASP_DENIAL_NSEC;
	p->nsec3 = (struct kasp_nsec3){.resalt_s = 100 * DAY, .algorithm = 1, .salt_length = 8};
	p->keys.ttl_s = 3600;
	p->keys.retire_safety_s = 3600;
	p->keys.publish_safety_s = 3600;
	f->keys[0] = (struct kasp_key){.role = KASP_KSK,
	                               .algorithm = 8,
	                               .length_bits = 2048,
	                               .lifetime_s = 365 * DAY,
	                               .repository = "SoftHSM",
	                               .line = 19};
	f->keys[1] = (struct kasp_key){.role = KASP_ZSK,
	                               .algorithm = 8,
	                               .length_bits = 1024,
	                               .lifetime_s = 90 * DAY,
	                               .repository = "SoftHSM",
	                               .line = 24};
	f->keys[2] = (struct kasp_key){.role = KASP_CSK,
	                               .algorithm = 13,
	                               .length_bits = 256,
	                               .lifetime_s = 90 * DAY,
	                               .repository = "Other",
	                               .line = 29};
	p->key = f->keys;
	p->n_keys = 2;
	p->zone.serial = KASP_SERIAL_UNIXTIME;
	p->parent.ds_ttl_s = 3600;
	f->pol[1] = *p;
	f->pol[1].name = "lab";
	f->pol[1].line = 50;
	f->kasp.path = "kasp.xml";
	f->kasp.policies = f->pol;
	f->kasp.n_policies = 1;
	f->my = (struct kasp_month_year){21, "<Lifetime> in <KSK>", "P1Y"};

	f->zone = (struct zonelist_zone){.name = "example.com", .policy = "default", .line = 3};
	f->zl.path = "zonelist.xml";
	f->zl.zones = &f->zone;
	f->zl.n_zones = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	kaspcheck_report_free(f->r);
	free(f);
	return 0;
}

static const struct kaspcheck_report *
run(struct fx *f)
{
	kaspcheck_report_free(f->r);
	f->r = NULL;
	assert_int_equal(kaspcheck_run(&f->conf, &f->kasp, &f->zl, &f->r), ODS_OK);
	return f->r;
}

/* Exactly one finding, of level lvl at where, containing frag. */
static void
only(struct fx *f, enum kaspcheck_level lvl, const char *where, const char *frag)
{
	const struct kaspcheck_report *r = run(f);

	if (r->n_msgs != 1)
		fail_msg("%zu findings, first: %s %s", r->n_msgs, r->n_msgs ? r->msgs[0].where : "",
		         r->n_msgs ? r->msgs[0].msg : "");
	assert_int_equal(r->msgs[0].level, lvl);
	assert_string_equal(r->msgs[0].where, where);
	if (strstr(r->msgs[0].msg, frag) == NULL)
		fail_msg("'%s' lacks '%s'", r->msgs[0].msg, frag);
	assert_int_equal(lvl == KASPCHECK_ERROR ? r->n_errors : r->n_warnings, 1);
}

/* Some finding (among others) of level lvl containing frag. */
static void
has(struct fx *f, enum kaspcheck_level lvl, const char *frag)
{
	const struct kaspcheck_report *r = run(f);

	for (size_t i = 0; i < r->n_msgs; i++)
		if (r->msgs[i].level == lvl && strstr(r->msgs[i].msg, frag) != NULL)
			return;
	fail_msg("no %s containing '%s' among %zu", kaspcheck_level_name(lvl), frag, r->n_msgs);
}

static void
test_sound_setup_has_no_findings(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f)->n_msgs, 0);
	/* Borderline values that are still fine. */
	f->pol[0].sig.jitter_s = 7 * DAY;                /* exactly 50% */
	f->pol[0].sig.refresh_s = 7201;                  /* just above Resign */
	f->pol[0].keys.publish_safety_s = 360;           /* exactly 0.1 x TTL */
	f->pol[0].keys.retire_safety_s = 18000;          /* exactly 5 x TTL */
	f->pol[0].zone.serial = KASP_SERIAL_DATECOUNTER; /* 12 resigns a day */
	assert_int_equal(run(f)->n_msgs, 0);
	kaspcheck_report_free(f->r);
	f->r = NULL;
	assert_int_equal(kaspcheck_run(NULL, &f->kasp, NULL, &f->r), ODS_OK);
	assert_int_equal(f->r->n_msgs, 0);
	assert_int_equal(kaspcheck_run(NULL, NULL, NULL, &f->r), ODS_EINVAL); /* untouched */
}

static void
test_ksk_lifetime_vs_ds_and_dnskey_ttl(void **state)
{
	struct fx *f = *state;

	f->keys[0].lifetime_s = 7200;
	only(f, KASPCHECK_ERROR, "kasp.xml:19",
	     "KSK Lifetime (7200s) must be longer than "
	     "Parent/DS/TTL + Keys/TTL (7200s)");
	f->keys[0].lifetime_s = 7201;
	assert_int_equal(run(f)->n_msgs, 0);
}

static void
test_zsk_lifetime_vs_maxzonettl_and_validity(void **state)
{
	struct fx *f = *state;

	f->keys[1].lifetime_s = DAY + 3600;
	has(f, KASPCHECK_ERROR, "ZSK Lifetime (90000s) must be longer than MaxZoneTTL + Keys/TTL");
	f->keys[1].lifetime_s = 10 * DAY;
	only(f, KASPCHECK_WARNING, "kasp.xml:24",
	     "ZSK Lifetime (864000s) is shorter than "
	     "Validity/Default");
	f->keys[1].lifetime_s = 14 * DAY;
	assert_int_equal(run(f)->n_msgs, 0);
}

static void
test_refresh_and_validity(void **state)
{
	struct fx *f = *state;

	f->pol[0].sig.refresh_s = 7200;
	only(f, KASPCHECK_ERROR, "kasp.xml:2", "Refresh (7200s) must be longer than Resign");
	f->pol[0].sig.refresh_s = 3 * DAY;
	f->pol[0].sig.validity_denial_s = 3 * DAY;
	has(f, KASPCHECK_ERROR, "Validity/Denial (259200s) must be longer than Refresh");
	f->pol[0].sig.validity_denial_s = 14 * DAY;
	f->pol[0].sig.validity_default_s = DAY;
	has(f, KASPCHECK_ERROR, "Validity/Default (86400s) must be longer than Refresh");
}

static void
test_jitter(void **state)
{
	struct fx *f = *state;

	f->pol[0].sig.jitter_s = 7 * DAY + 1;
	f->pol[0].sig.validity_denial_s = 20 * DAY;
	only(f, KASPCHECK_WARNING, "kasp.xml:2",
	     "Jitter (604801s) is more than 50% of "
	     "Validity/Default");
	f->pol[0].sig.jitter_s = 15 * DAY;
	has(f, KASPCHECK_ERROR, "Jitter (1296000s) is longer than Validity/Default");
}

static void
test_inception_offset(void **state)
{
	struct fx *f = *state;

	f->pol[0].sig.inception_offset_s = 3601;
	only(f, KASPCHECK_WARNING, "kasp.xml:2", "InceptionOffset (3601s) is more than one hour");
}

static void
test_publish_and_retire_safety(void **state)
{
	struct fx *f = *state;

	f->pol[0].keys.publish_safety_s = 359;
	only(f, KASPCHECK_WARNING, "kasp.xml:2", "Keys/PublishSafety (359s) is less than 0.1 x");
	f->pol[0].keys.publish_safety_s = 3600;
	f->pol[0].keys.retire_safety_s = 18001;
	only(f, KASPCHECK_WARNING, "kasp.xml:2", "Keys/RetireSafety (18001s) is more than 5 x");
}

static void
test_nsec3_rules(void **state)
{
	struct fx *f = *state;

	f->pol[0].denial = KASP_DENIAL_NSEC3;
	assert_int_equal(run(f)->n_msgs, 0);
	f->pol[0].nsec3.algorithm = 2;
	only(f, KASPCHECK_ERROR, "kasp.xml:2", "NSEC3 hash algorithm 2 is unknown");
	f->pol[0].nsec3.algorithm = 1;
	f->pol[0].nsec3.iterations = 101;
	only(f, KASPCHECK_WARNING, "kasp.xml:2", "NSEC3 Iterations (101) is more than 100");
	f->pol[0].nsec3.iterations = 151; /* the ZSK is 1024 bits: RFC 5155 allows 150 */
	only(f, KASPCHECK_WARNING, "kasp.xml:2", "more than the 150 that RFC 5155 allows");
	f->pol[0].nsec3.iterations = 0;
	f->pol[0].nsec3.resalt_s = 3600;
	only(f, KASPCHECK_WARNING, "kasp.xml:2", "NSEC3 Resalt (3600s) is shorter than Resign");
	f->pol[0].nsec3.resalt_s = 100 * DAY;
	f->keys[0].algorithm = 5;
	f->keys[1].algorithm = 5;
	has(f, KASPCHECK_ERROR, "KSK algorithm 5 cannot be used with NSEC3");
	assert_string_equal(f->r->msgs[0].where, "kasp.xml:19");
	f->pol[0].denial = KASP_DENIAL_NSEC; /* algorithm 5 is fine with NSEC */
	assert_int_equal(run(f)->n_msgs, 0);
}

static void
test_datecounter_resigns_per_day(void **state)
{
	struct fx *f = *state;

	f->pol[0].zone.serial = KASP_SERIAL_DATECOUNTER;
	f->pol[0].sig.resign_s = 600;
	only(f, KASPCHECK_ERROR, "kasp.xml:2", "Serial datecounter allows 99 changes a day");
	f->pol[0].zone.serial = KASP_SERIAL_COUNTER;
	assert_int_equal(run(f)->n_msgs, 0);
}

static void
test_rsa_key_length(void **state)
{
	struct fx *f = *state;

	f->keys[1].length_bits = 512;
	only(f, KASPCHECK_WARNING, "kasp.xml:24", "ZSK RSA key length 512 is less than 1024");
	f->keys[1].length_bits = 1024;
	f->keys[0].length_bits = 8192;
	only(f, KASPCHECK_ERROR, "kasp.xml:19", "KSK RSA key length 8192 is more than 4096");
	f->keys[0].algorithm = f->keys[1].algorithm = 13; /* not RSA: length is not judged */
	f->keys[1].length_bits = 256;
	f->keys[0].length_bits = 8192;
	assert_int_equal(run(f)->n_msgs, 0);
}

static void
test_unknown_repository(void **state)
{
	struct fx *f = *state;

	f->keys[1].repository = "Nowhere";
	only(f, KASPCHECK_ERROR, "kasp.xml:24",
	     "ZSK Repository Nowhere is not in the "
	     "RepositoryList of conf.xml");
	kaspcheck_report_free(f->r);
	f->r = NULL;
	assert_int_equal(kaspcheck_run(NULL, &f->kasp, NULL, &f->r), ODS_OK);
	assert_int_equal(f->r->n_msgs, 0); /* without conf.xml there is nothing to check */
}

static void
test_ksk_zsk_algorithm_mismatch(void **state)
{
	struct fx *f = *state;
	const struct kaspcheck_report *r;

	f->keys[1].algorithm = 13;
	f->keys[1].length_bits = 256;
	r = run(f);
	assert_int_equal(r->n_errors, 2);
	assert_non_null(strstr(r->msgs[0].msg, "KSK algorithm 8 has no ZSK of the same algorithm"));
	assert_non_null(strstr(r->msgs[1].msg, "ZSK algorithm 13 has no KSK"));
	/* A CSK of the other algorithm covers both. */
	f->keys[0].algorithm = 13;
	f->keys[0].length_bits = 256;
	f->keys[1].algorithm = 8;
	f->keys[1].length_bits = 1024;
	f->keys[2].algorithm = 8;
	f->keys[2].length_bits = 2048;
	f->keys[2].repository = "SoftHSM";
	f->pol[0].n_keys = 3;
	f->keys[0].algorithm = 8;
	f->keys[0].length_bits = 2048;
	assert_int_equal(run(f)->n_msgs, 0);
}

static void
test_month_and_year_durations(void **state)
{
	struct fx *f = *state;

	f->kasp.month_year = &f->my;
	f->kasp.n_month_year = 1;
	only(f, KASPCHECK_WARNING, "kasp.xml:21",
	     "<Lifetime> in <KSK>: 'P1Y' uses months or "
	     "years, which are counted as 31 and 365 days");
}

static void
test_policy_names(void **state)
{
	struct fx *f = *state;

	f->kasp.n_policies = 2;
	assert_int_equal(run(f)->n_msgs, 0);
	f->pol[1].name = "default";
	only(f, KASPCHECK_ERROR, "kasp.xml:50",
	     "policy default is defined twice (first on line 2)");
	f->pol[0].name = "lab";
	f->pol[1].name = "lab2";
	f->zone.policy = "lab";
	only(f, KASPCHECK_WARNING, "kasp.xml", "no policy named \"default\"");
}

static void
test_zonelist_policy_missing(void **state)
{
	struct fx *f = *state;

	f->zone.policy = "gone";
	only(f, KASPCHECK_ERROR, "zonelist.xml:3",
	     "zone example.com uses policy gone, which is "
	     "not in kasp.xml");
}

static void
test_conf_repositories_and_working_dirs(void **state)
{
	struct fx *f = *state;

	f->repos[1].name = "SoftHSM";
	only(f, KASPCHECK_ERROR, "conf.xml:9",
	     "Repository SoftHSM is defined twice (first on "
	     "line 4)");
	f->repos[1].name = "Other";
	f->repos[1].token_label = "OpenDNSSEC";
	only(f, KASPCHECK_ERROR, "conf.xml:9",
	     "Repositories SoftHSM and Other use the same module "
	     "and token label");
	f->repos[1].token_label = "Other";
	f->conf.signer.working_dir = f->conf.enforcer.working_dir;
	only(f, KASPCHECK_WARNING, "conf.xml", "Enforcer and Signer use the same WorkingDirectory");
}

static void
test_debian_example_passes(void **state)
{
	struct fx *f = *state;
	struct kasp *k = NULL;
	struct diag d = {0};

	if (access("/etc/opendnssec/kasp.xml", R_OK) != 0)
		skip();
	assert_int_equal(kasp_load("/etc/opendnssec/kasp.xml", &k, &d), ODS_OK);
	assert_int_equal(kaspcheck_run(&f->conf, k, NULL, &f->r), ODS_OK);
	/* Only the P1Y lifetimes are remarked on: no errors. */
	assert_int_equal(f->r->n_errors, 0);
	for (size_t i = 0; i < f->r->n_msgs; i++)
		assert_non_null(strstr(f->r->msgs[i].msg, "months or years"));
	kasp_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sound_setup_has_no_findings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ksk_lifetime_vs_ds_and_dnskey_ttl, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_zsk_lifetime_vs_maxzonettl_and_validity, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_refresh_and_validity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_jitter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inception_offset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_publish_and_retire_safety, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nsec3_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_datecounter_resigns_per_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rsa_key_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_repository, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ksk_zsk_algorithm_mismatch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_month_and_year_durations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zonelist_policy_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_conf_repositories_and_working_dirs, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_debian_example_passes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
