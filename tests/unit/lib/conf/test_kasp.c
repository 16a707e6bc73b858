/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the kasp.xml loader (lib/conf/kasp.c): a complete policy of our own that sets
 * every field to a distinct value, the defaults of the optional elements, NSEC3 parameters,
 * roll types per key role, Debian's /etc/opendnssec/kasp.xml when it is installed, and one
 * test per error with its diag.where line. `test_kasp --dump DIR` writes the embedded policies
 * to DIR so that check_rng.sh can validate them against OpenDNSSEC's kasp.rng.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/conf/kasp.h"

#define DAY INT64_C(86400)

/* Every field set, each duration to a value no other field has. */
static const char FULL[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<KASP>\n"
                           "  <Policy name=\"full\">\n"
                           "    <Passthrough/>\n"
                           "    <Description>every field</Description>\n"
                           "    <Signatures>\n"
                           "      <Resign>PT1H</Resign>\n"
                           "      <Refresh>P2D</Refresh>\n"
                           "      <Validity>\n"
                           "        <Default>P15D</Default>\n"
                           "        <Denial>P16D</Denial>\n"
                           "        <Keyset>P17D</Keyset>\n"
                           "      </Validity>\n"
                           "      <Jitter>PT13H</Jitter>\n"
                           "      <InceptionOffset>PT1800S</InceptionOffset>\n"
                           "      <MaxZoneTTL>PT7200S</MaxZoneTTL>\n"
                           "    </Signatures>\n"
                           "    <Denial>\n"
                           "      <NSEC3>\n"
                           "        <TTL>PT60S</TTL>\n"
                           "        <OptOut/>\n"
                           "        <Resalt>P101D</Resalt>\n"
                           "        <Hash>\n"
                           "          <Algorithm>1</Algorithm>\n"
                           "          <Iterations>7</Iterations>\n"
                           "          <Salt length=\"16\"/>\n"
                           "        </Hash>\n"
                           "      </NSEC3>\n"
                           "    </Denial>\n"
                           "    <Keys>\n"
                           "      <TTL>PT3601S</TTL>\n"
                           "      <RetireSafety>PT3602S</RetireSafety>\n"
                           "      <PublishSafety>PT3603S</PublishSafety>\n"
                           "      <ShareKeys/>\n"
                           "      <Purge>P9D</Purge>\n"
                           "      <KSK>\n"
                           "        <Algorithm length=\"256\">13</Algorithm>\n"
                           "        <Lifetime>P1Y</Lifetime>\n"
                           "        <Repository>R1</Repository>\n"
                           "        <Standby>1</Standby>\n"
                           "        <ManualRollover/>\n"
                           "        <KskRollType>KskDoubleDS</KskRollType>\n"
                           "        <RFC5011/>\n"
                           "      </KSK>\n"
                           "      <ZSK>\n"
                           "        <Algorithm length=\"256\">13</Algorithm>\n"
                           "        <Lifetime>P3M</Lifetime>\n"
                           "        <Repository>R1</Repository>\n"
                           "        <ZskRollType>ZskDoubleRRsig</ZskRollType>\n"
                           "      </ZSK>\n"
                           "      <CSK>\n"
                           "        <Algorithm length=\"2048\">8</Algorithm>\n"
                           "        <Lifetime>P14D</Lifetime>\n"
                           "        <Repository>R2</Repository>\n"
                           "        <CskRollType>CskDoubleDS</CskRollType>\n"
                           "      </CSK>\n"
                           "    </Keys>\n"
                           "    <Zone>\n"
                           "      <PropagationDelay>PT43201S</PropagationDelay>\n"
                           "      <SOA>\n"
                           "        <TTL>PT3604S</TTL>\n"
                           "        <Minimum>PT3605S</Minimum>\n"
                           "        <Serial>datecounter</Serial>\n"
                           "      </SOA>\n"
                           "    </Zone>\n"
                           "    <Parent>\n"
                           "      <PropagationDelay>PT9999S</PropagationDelay>\n"
                           "      <DS>\n"
                           "        <TTL>PT3606S</TTL>\n"
                           "      </DS>\n"
                           "      <SOA>\n"
                           "        <TTL>PT172800S</TTL>\n"
                           "        <Minimum>PT10800S</Minimum>\n"
                           "      </SOA>\n"
                           "      <RegistrationDelay>PT600S</RegistrationDelay>\n"
                           "    </Parent>\n"
                           "  </Policy>\n"
                           "</KASP>\n";

/* The smallest policy kasp.rng accepts, one element per line; errors below refer to these
 * line numbers (line 1 is <KASP>). */
static const char MINI[] = "<KASP>\n"                                        /* 1 */
                           "<Policy name=\"p\">\n"                           /* 2 */
                           "<Description>d</Description>\n"                  /* 3 */
                           "<Signatures>\n"                                  /* 4 */
                           "<Resign>PT2H</Resign>\n"                         /* 5 */
                           "<Refresh>P3D</Refresh>\n"                        /* 6 */
                           "<Validity>\n"                                    /* 7 */
                           "<Default>P14D</Default>\n"                       /* 8 */
                           "<Denial>P14D</Denial>\n"                         /* 9 */
                           "</Validity>\n"                                   /* 10 */
                           "<Jitter>PT12H</Jitter>\n"                        /* 11 */
                           "<InceptionOffset>PT3600S</InceptionOffset>\n"    /* 12 */
                           "</Signatures>\n"                                 /* 13 */
                           "<Denial><NSEC/></Denial>\n"                      /* 14 */
                           "<Keys>\n"                                        /* 15 */
                           "<TTL>PT3600S</TTL>\n"                            /* 16 */
                           "<RetireSafety>PT3600S</RetireSafety>\n"          /* 17 */
                           "<PublishSafety>PT3600S</PublishSafety>\n"        /* 18 */
                           "<KSK>\n"                                         /* 19 */
                           "<Algorithm length=\"2048\">8</Algorithm>\n"      /* 20 */
                           "<Lifetime>P1Y</Lifetime>\n"                      /* 21 */
                           "<Repository>SoftHSM</Repository>\n"              /* 22 */
                           "</KSK>\n"                                        /* 23 */
                           "<ZSK>\n"                                         /* 24 */
                           "<Algorithm length=\"1024\">8</Algorithm>\n"      /* 25 */
                           "<Lifetime>P90D</Lifetime>\n"                     /* 26 */
                           "<Repository>SoftHSM</Repository>\n"              /* 27 */
                           "</ZSK>\n"                                        /* 28 */
                           "</Keys>\n"                                       /* 29 */
                           "<Zone>\n"                                        /* 30 */
                           "<PropagationDelay>PT43200S</PropagationDelay>\n" /* 31 */
                           "<SOA><TTL>PT3600S</TTL><Minimum>PT3600S</Minimum>"
                           "<Serial>unixtime</Serial></SOA>\n"                            /* 32 */
                           "</Zone>\n"                                                    /* 33 */
                           "<Parent>\n"                                                   /* 34 */
                           "<PropagationDelay>PT9999S</PropagationDelay>\n"               /* 35 */
                           "<DS><TTL>PT3600S</TTL></DS>\n"                                /* 36 */
                           "<SOA><TTL>PT172800S</TTL><Minimum>PT10800S</Minimum></SOA>\n" /* 37 */
                           "</Parent>\n"                                                  /* 38 */
                           "</Policy>\n"                                                  /* 39 */
                           "</KASP>\n";                                                   /* 40 */

/* MINI with the first `from` replaced by `to`; the caller frees. */
static char *
mini_with(const char *from, const char *to)
{
	const char *at = strstr(MINI, from);
	size_t n;
	char *s;

	assert_non_null(at);
	n = strlen(MINI) - strlen(from) + strlen(to) + 1;
	s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%.*s%s%s", (int)(at - MINI), MINI, to, at + strlen(from));
	return s;
}

static struct kasp *
load_ok(const char *xml)
{
	struct kasp *k = NULL;
	struct diag d = {0};
	ods_err rc = kasp_load_mem("kasp.xml", xml, strlen(xml), &k, &d);

	if (rc != ODS_OK)
		fail_msg("unexpected error %d: %s: %s", rc, d.where, d.msg);
	assert_non_null(k);
	return k;
}

/* Loading MINI with from replaced by to fails at kasp.xml:line with both fragments. */
static void
mini_fails(const char *from, const char *to, long line, const char *frag1, const char *frag2)
{
	struct kasp *sentinel = (struct kasp *)&sentinel, *k = sentinel;
	char *xml = mini_with(from, to);
	struct diag d = {0};
	char where[64];
	ods_err rc = kasp_load_mem("kasp.xml", xml, strlen(xml), &k, &d);

	free(xml);
	assert_int_equal(rc, ODS_EINVAL);
	assert_ptr_equal(k, sentinel);
	snprintf(where, sizeof(where), "kasp.xml:%ld", line);
	assert_string_equal(d.where, where);
	if (strstr(d.msg, frag1) == NULL || (frag2 && strstr(d.msg, frag2) == NULL))
		fail_msg("message '%s' lacks '%s' / '%s'", d.msg, frag1, frag2 ? frag2 : "");
}

static void
test_full_policy_sets_every_duration(void **state)
{
	struct kasp *k = load_ok(FULL);
	const struct kasp_policy *p;

	(void)state;
	assert_int_equal(k->n_policies, 1);
	p = &k->policies[0];
	assert_string_equal(p->name, "full");
	assert_string_equal(p->description, "every field");
	assert_true(p->passthrough);
	assert_int_equal(p->line, 3);
	assert_int_equal(p->sig.resign_s, 3600);
	assert_int_equal(p->sig.refresh_s, 2 * DAY);
	assert_int_equal(p->sig.validity_default_s, 15 * DAY);
	assert_int_equal(p->sig.validity_denial_s, 16 * DAY);
	assert_int_equal(p->sig.validity_keyset_s, 17 * DAY);
	assert_int_equal(p->sig.jitter_s, 13 * 3600);
	assert_int_equal(p->sig.inception_offset_s, 1800);
	assert_int_equal(p->sig.max_zone_ttl_s, 7200);
	assert_int_equal(p->keys.ttl_s, 3601);
	assert_int_equal(p->keys.retire_safety_s, 3602);
	assert_int_equal(p->keys.publish_safety_s, 3603);
	assert_true(p->keys.share_keys);
	assert_int_equal(p->keys.purge_s, 9 * DAY);
	assert_true(p->keys.has_purge);
	assert_int_equal(p->zone.propagation_delay_s, 43201);
	assert_int_equal(p->zone.soa_ttl_s, 3604);
	assert_int_equal(p->zone.soa_minimum_s, 3605);
	assert_int_equal(p->zone.serial, KASP_SERIAL_DATECOUNTER);
	assert_int_equal(p->parent.propagation_delay_s, 9999);
	assert_int_equal(p->parent.ds_ttl_s, 3606);
	assert_int_equal(p->parent.soa_ttl_s, 172800);
	assert_int_equal(p->parent.soa_minimum_s, 10800);
	assert_int_equal(p->parent.registration_delay_s, 600);
	kasp_free(k);
}

static void
test_full_policy_nsec3_parameters(void **state)
{
	struct kasp *k = load_ok(FULL);
	const struct kasp_policy *p = &k->policies[0];

	(void)state;
	assert_int_equal(p->denial, KASP_DENIAL_NSEC3);
	assert_int_equal(p->nsec3.ttl_s, 60);
	assert_true(p->nsec3.opt_out);
	assert_int_equal(p->nsec3.resalt_s, 101 * DAY);
	assert_int_equal(p->nsec3.algorithm, 1);
	assert_int_equal(p->nsec3.iterations, 7);
	assert_int_equal(p->nsec3.salt_length, 16);
	kasp_free(k);
}

static void
test_full_policy_keys_and_rolltypes(void **state)
{
	struct kasp *k = load_ok(FULL);
	const struct kasp_policy *p = &k->policies[0];

	(void)state;
	assert_int_equal(p->n_keys, 3);
	assert_int_equal(p->key[0].role, KASP_KSK);
	assert_int_equal(p->key[0].algorithm, 13);
	assert_int_equal(p->key[0].length_bits, 256);
	assert_int_equal(p->key[0].lifetime_s, 365 * DAY);
	assert_string_equal(p->key[0].repository, "R1");
	assert_int_equal(p->key[0].standby, 1);
	assert_true(p->key[0].manual_rollover);
	assert_true(p->key[0].rfc5011);
	assert_int_equal(p->key[0].rolltype, KASP_ROLL_KSK_DOUBLE_DS);
	assert_int_equal(p->key[1].role, KASP_ZSK);
	assert_int_equal(p->key[1].lifetime_s, 3 * 31 * DAY); /* a month is 31 days */
	assert_false(p->key[1].manual_rollover);
	assert_int_equal(p->key[1].rolltype, KASP_ROLL_ZSK_DOUBLE_RRSIG);
	assert_int_equal(p->key[2].role, KASP_CSK);
	assert_int_equal(p->key[2].lifetime_s, 14 * DAY);
	assert_int_equal(p->key[2].length_bits, 2048);
	assert_string_equal(p->key[2].repository, "R2");
	assert_int_equal(p->key[2].rolltype, KASP_ROLL_CSK_DOUBLE_DS);
	assert_string_equal(kasp_rolltype_name(p->key[2].rolltype), "CskDoubleDS");
	assert_string_equal(kasp_key_role_name(p->key[2].role), "CSK");
	assert_string_equal(kasp_serial_name(p->zone.serial), "datecounter");
	/* P1Y and P3M were noted for kaspcheck's warning. */
	assert_int_equal(k->n_month_year, 2);
	assert_string_equal(k->month_year[0].element, "<Lifetime> in <KSK>");
	assert_string_equal(k->month_year[0].text, "P1Y");
	assert_int_equal(k->month_year[1].line, 47);
	assert_ptr_equal(kasp_policy_find(k, "full"), p);
	assert_null(kasp_policy_find(k, "none"));
	kasp_free(k);
}

static void
test_minimal_policy_defaults(void **state)
{
	struct kasp *k = load_ok(MINI);
	const struct kasp_policy *p = &k->policies[0];

	(void)state;
	assert_false(p->passthrough);
	assert_int_equal(p->denial, KASP_DENIAL_NSEC);
	assert_int_equal(p->sig.validity_keyset_s, 0);
	assert_int_equal(p->sig.max_zone_ttl_s, 0);
	assert_false(p->keys.share_keys);
	assert_int_equal(p->keys.purge_s, 0);
	assert_false(p->keys.has_purge);
	assert_int_equal(p->parent.registration_delay_s, 0);
	assert_int_equal(p->key[0].standby, 0);
	assert_int_equal(p->key[0].rolltype, KASP_ROLL_KSK_DOUBLE_SIGNATURE);
	assert_int_equal(p->key[1].rolltype, KASP_ROLL_ZSK_PRE_PUBLICATION);
	assert_int_equal(p->key[0].line, 19);
	assert_int_equal(p->zone.serial, KASP_SERIAL_UNIXTIME);
	kasp_free(k);
}

static void
test_nsec3_ttl_defaults_to_zero(void **state)
{
	char *xml = mini_with("<NSEC/>", "<NSEC3><Resalt>P100D</Resalt><Hash><Algorithm>1"
	                                 "</Algorithm><Iterations>0</Iterations><Salt "
	                                 "length=\"0\">ab</Salt></Hash></NSEC3>");
	struct kasp *k = load_ok(xml);

	(void)state;
	assert_int_equal(k->policies[0].nsec3.ttl_s, 0);
	assert_false(k->policies[0].nsec3.opt_out);
	assert_int_equal(k->policies[0].nsec3.salt_length, 0);
	kasp_free(k);
	free(xml);
}

static void
test_empty_kasp_and_several_policies(void **state)
{
	struct kasp *k = load_ok("<KASP/>");
	char *two;

	(void)state;
	assert_int_equal(k->n_policies, 0);
	kasp_free(k);
	two = mini_with("</Policy>\n", "</Policy>\n<Policy name=\"q\"><Description/><Signatures>"
	                               "<Resign>PT1H</Resign><Refresh>PT2H</Refresh><Validity>"
	                               "<Default>PT3H</Default><Denial>PT3H</Denial></Validity>"
	                               "<Jitter>PT0S</Jitter><InceptionOffset>PT0S"
	                               "</InceptionOffset></Signatures><Denial><NSEC/></Denial>"
	                               "<Keys><TTL>PT1H</TTL><RetireSafety>PT1H</RetireSafety>"
	                               "<PublishSafety>PT1H</PublishSafety></Keys><Zone>"
	                               "<PropagationDelay>PT1H</PropagationDelay><SOA><TTL>PT1H"
	                               "</TTL><Minimum>PT1H</Minimum><Serial>keep</Serial></SOA>"
	                               "</Zone><Parent><PropagationDelay>PT1H</PropagationDelay>"
	                               "<DS><TTL>PT1H</TTL></DS><SOA><TTL>PT1H</TTL><Minimum>PT1H"
	                               "</Minimum></SOA></Parent></Policy>\n");
	k = load_ok(two);
	assert_int_equal(k->n_policies, 2);
	assert_string_equal(k->policies[1].name, "q");
	assert_string_equal(k->policies[1].description, "");
	assert_int_equal(k->policies[1].n_keys, 0);
	assert_int_equal(k->policies[1].zone.serial, KASP_SERIAL_KEEP);
	kasp_free(k);
	free(two);
}

static void
test_debian_example_loads(void **state)
{
	const char *path = "/etc/opendnssec/kasp.xml";
	struct kasp *k = NULL;
	struct diag d = {0};
	ods_err rc;

	(void)state;
	if (access(path, R_OK) != 0)
		skip();
	rc = kasp_load(path, &k, &d);
	if (rc != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	assert_true(k->n_policies >= 1);
	assert_non_null(kasp_policy_find(k, "default"));
	assert_int_equal(kasp_policy_find(k, "default")->denial, KASP_DENIAL_NSEC3);
	kasp_free(k);
}

static void
test_missing_file_is_eio(void **state)
{
	struct kasp *k = NULL;
	struct diag d = {0};

	(void)state;
	assert_int_equal(kasp_load("/nonexistent/kasp.xml", &k, &d), ODS_EIO);
	assert_string_equal(d.where, "/nonexistent/kasp.xml");
	assert_null(k);
}

static void
test_errors_name_line_and_element(void **state)
{
	(void)state;
	mini_fails("<Lifetime>P90D</Lifetime>", "<Lifetime>P90X</Lifetime>", 26,
	           "<Lifetime> in <ZSK>", "is not a duration");
	mini_fails("<Resign>PT2H</Resign>", "<Resign>2h</Resign>", 5, "<Resign> in <Signatures>",
	           "'2h'");
	mini_fails("<Algorithm length=\"2048\">8</Algorithm>", "<Algorithm>8</Algorithm>", 20,
	           "<Algorithm> in <KSK>", "missing attribute length");
	mini_fails("<Algorithm length=\"2048\">8</Algorithm>",
	           "<Algorithm length=\"big\">8</Algorithm>", 20, "attribute length='big'", NULL);
	mini_fails("<Algorithm length=\"1024\">8</Algorithm>",
	           "<Algorithm length=\"1024\">256</Algorithm>", 25, "<Algorithm> in <ZSK>",
	           "out of range 0..255");
	mini_fails("<Serial>unixtime</Serial>", "<Serial>date</Serial>", 32, "<Serial> in <SOA>",
	           "not one of: counter datecounter unixtime keep");
	mini_fails("<Repository>SoftHSM</Repository>\n</KSK>",
	           "<Repository>SoftHSM</Repository>\n<ZskRollType>ZskDoubleRRsig</ZskRollType>"
	           "</KSK>",
	           23, "<ZskRollType> in <KSK>", "unknown element");
	mini_fails("<Repository>SoftHSM</Repository>\n</KSK>",
	           "<Repository>SoftHSM</Repository>\n<KskRollType>Double</KskRollType></KSK>", 23,
	           "<KskRollType> in <KSK>", "KskDoubleRRset KskDoubleDS KskDoubleSignature");
	mini_fails("<Denial><NSEC/></Denial>", "<Denial><NSEC/><NSEC3/></Denial>", 14,
	           "<NSEC3> in <Denial>", "not both");
	mini_fails("<Denial><NSEC/></Denial>", "<Denial/>", 2, "<Denial> in <Policy>",
	           "needs <NSEC/> or <NSEC3>");
	mini_fails("<Jitter>PT12H</Jitter>\n", "", 4, "<Signatures>", "missing <Jitter>");
	mini_fails("<Policy name=\"p\">", "<Policy>", 2, "<Policy> in <KASP>",
	           "missing attribute name");
	mini_fails("<Policy name=\"p\">", "<Policy name=\"p\" colour=\"red\">", 2,
	           "unknown attribute 'colour'", NULL);
	mini_fails("<Resign>PT2H</Resign>", "<Resign>PT2H</Resign><Resign>PT2H</Resign>", 5,
	           "<Resign> in <Signatures>", "given twice (first on line 5)");
	mini_fails("<Jitter>PT12H</Jitter>", "<jitter>PT12H</jitter>", 11,
	           "<jitter> in <Signatures>", "did you mean <Jitter>?");
	mini_fails("<NSEC/>",
	           "<NSEC3><Resalt>P1D</Resalt><Hash><Algorithm>1</Algorithm>"
	           "<Iterations>70000</Iterations><Salt length=\"8\"/></Hash></NSEC3>",
	           14, "<Iterations> in <Hash>", "out of range 0..65535");
	mini_fails("<NSEC/>",
	           "<NSEC3><Resalt>P1D</Resalt><Hash><Algorithm>1</Algorithm>"
	           "<Iterations>1</Iterations><Salt length=\"256\"/></Hash></NSEC3>",
	           14, "<Salt> in <Hash>", "attribute length='256'");
}

static void
test_syntax_and_root_errors(void **state)
{
	struct kasp *k = NULL;
	struct diag d = {0};

	(void)state;
	assert_int_equal(kasp_load_mem("kasp.xml", "<KASP>\n<Policy>\n</KASP>", 23, &k, &d),
	                 ODS_EINVAL);
	assert_string_equal(d.where, "kasp.xml:3");
	assert_non_null(strstr(d.msg, "XML syntax error"));
	assert_int_equal(kasp_load_mem("kasp.xml", "<Configuration/>", 16, &k, &d), ODS_EINVAL);
	assert_string_equal(d.where, "kasp.xml:1");
	assert_non_null(strstr(d.msg, "the root element must be <KASP>"));
	assert_null(k);
}

static int
dump(const char *dir)
{
	const char *names[2] = {"kasp-full.xml", "kasp-mini.xml"};
	const char *texts[2] = {FULL, MINI};

	for (int i = 0; i < 2; i++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(path, "w");
		if (f == NULL || fputs(texts[i], f) < 0 || fclose(f) != 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_policy_sets_every_duration),
	    cmocka_unit_test(test_full_policy_nsec3_parameters),
	    cmocka_unit_test(test_full_policy_keys_and_rolltypes),
	    cmocka_unit_test(test_minimal_policy_defaults),
	    cmocka_unit_test(test_nsec3_ttl_defaults_to_zero),
	    cmocka_unit_test(test_empty_kasp_and_several_policies),
	    cmocka_unit_test(test_debian_example_loads),
	    cmocka_unit_test(test_missing_file_is_eio),
	    cmocka_unit_test(test_errors_name_line_and_element),
	    cmocka_unit_test(test_syntax_and_root_errors),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
