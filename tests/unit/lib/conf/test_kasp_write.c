/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the kasp.xml writer (lib/conf/kasp_write.c) and the Salt text of the loader:
 * the fixture tests/data/conf/kasp-all.xml (every element kasp.rng knows) and policies built
 * here with every field set survive kasp_write() and kasp_load_mem() unchanged, so do the
 * example files of OpenDNSSEC when installed; durations come out in days and smaller units;
 * text is escaped; values kasp.xml cannot carry are refused by name. `test_kasp_write --dump
 * DIR` writes what the writer made of them to DIR so that check_rng.sh can validate it
 * against kasp.rng.
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
#define FIXTURE ODS_TEST_DATA "/conf/kasp-all.xml"

static struct kasp *
load_ok(const char *xml, size_t len)
{
	struct kasp *k = NULL;
	struct diag d = {0};
	ods_err rc = kasp_load_mem("written.xml", xml, len, &k, &d);

	if (rc != ODS_OK)
		fail_msg("cannot read back: %s: %s\n%s", d.where, d.msg, xml);
	return k;
}

static char *
write_ok(const struct kasp_policy *p, size_t n)
{
	struct diag d = {0};
	char *text = NULL;
	size_t len = 0;
	ods_err rc = kasp_write(p, n, &text, &len, &d);

	if (rc != ODS_OK)
		fail_msg("kasp_write: %d %s: %s", rc, d.where, d.msg);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	return text;
}

static void
str_eq(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		fail_msg("%s: '%s' != '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

static void
key_eq(const struct kasp_key *a, const struct kasp_key *b)
{
	assert_int_equal(a->role, b->role);
	assert_int_equal(a->algorithm, b->algorithm);
	assert_int_equal(a->length_bits, b->length_bits);
	assert_int_equal(a->lifetime_s, b->lifetime_s);
	str_eq(a->repository, b->repository, "repository");
	assert_int_equal(a->standby, b->standby);
	assert_int_equal(a->manual_rollover, b->manual_rollover);
	assert_int_equal(a->rfc5011, b->rfc5011);
	assert_int_equal(a->rolltype, b->rolltype);
}

/* Every field but the line numbers. */
static void
policy_eq(const struct kasp_policy *a, const struct kasp_policy *b)
{
	str_eq(a->name, b->name, "name");
	str_eq(a->description, b->description, "description");
	assert_int_equal(a->passthrough, b->passthrough);
	assert_memory_equal(&a->sig, &b->sig, sizeof(a->sig));
	assert_int_equal(a->denial, b->denial);
	assert_int_equal(a->nsec3.ttl_s, b->nsec3.ttl_s);
	assert_int_equal(a->nsec3.opt_out, b->nsec3.opt_out);
	assert_int_equal(a->nsec3.resalt_s, b->nsec3.resalt_s);
	assert_int_equal(a->nsec3.algorithm, b->nsec3.algorithm);
	assert_int_equal(a->nsec3.iterations, b->nsec3.iterations);
	assert_int_equal(a->nsec3.salt_length, b->nsec3.salt_length);
	str_eq(a->nsec3.salt, b->nsec3.salt, "salt");
	assert_int_equal(a->keys.ttl_s, b->keys.ttl_s);
	assert_int_equal(a->keys.retire_safety_s, b->keys.retire_safety_s);
	assert_int_equal(a->keys.publish_safety_s, b->keys.publish_safety_s);
	assert_int_equal(a->keys.share_keys, b->keys.share_keys);
	assert_int_equal(a->keys.has_purge, b->keys.has_purge);
	assert_int_equal(a->keys.purge_s, b->keys.purge_s);
	assert_int_equal(a->n_keys, b->n_keys);
	for (size_t i = 0; i < a->n_keys; i++)
		key_eq(&a->key[i], &b->key[i]);
	assert_int_equal(a->zone.propagation_delay_s, b->zone.propagation_delay_s);
	assert_int_equal(a->zone.soa_ttl_s, b->zone.soa_ttl_s);
	assert_int_equal(a->zone.soa_minimum_s, b->zone.soa_minimum_s);
	assert_int_equal(a->zone.serial, b->zone.serial);
	assert_memory_equal(&a->parent, &b->parent, sizeof(a->parent));
}

/* Load, write, load, compare; the second write gives the same text. Returns the text. */
static char *
round_trip(const struct kasp *a)
{
	char *t1 = write_ok(a->policies, a->n_policies), *t2;
	struct kasp *b = load_ok(t1, strlen(t1));

	assert_int_equal(a->n_policies, b->n_policies);
	for (size_t i = 0; i < a->n_policies; i++)
		policy_eq(&a->policies[i], &b->policies[i]);
	assert_int_equal(b->n_month_year, 0); /* no months or years are ever written */
	t2 = write_ok(b->policies, b->n_policies);
	assert_string_equal(t1, t2);
	free(t2);
	kasp_free(b);
	return t1;
}

static void
test_fixture_round_trips(void **state)
{
	struct kasp *a = NULL;
	struct diag d = {0};
	char *text;

	(void)state;
	if (kasp_load(FIXTURE, &a, &d) != ODS_OK)
		fail_msg("%s: %s", d.where, d.msg);
	assert_int_equal(a->n_policies, 3);
	assert_string_equal(a->policies[0].nsec3.salt, "a1b2c3d4e5f60718");
	assert_null(a->policies[2].nsec3.salt); /* <Salt length="0"/> */
	assert_true(a->n_month_year > 0);
	text = round_trip(a);
	assert_non_null(strstr(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KASP>"));
	assert_non_null(strstr(text, "<Lifetime>P365D</Lifetime>")); /* P1Y */
	assert_non_null(strstr(text, "<Lifetime>P916D</Lifetime>")); /* P2Y6M */
	assert_non_null(strstr(text, "<MaxZoneTTL>P1DT2H</MaxZoneTTL>"));
	assert_non_null(strstr(text, "<RegistrationDelay>P1DT1H1M1S</RegistrationDelay>"));
	assert_non_null(strstr(text, "<TTL>PT5M</TTL>"));
	assert_non_null(strstr(text, "<Resign>PT0S</Resign>"));
	assert_non_null(strstr(text, "<Salt length=\"8\">a1b2c3d4e5f60718</Salt>"));
	assert_non_null(strstr(text, "<Salt length=\"0\"/>"));
	assert_non_null(strstr(text, "<Purge>PT0S</Purge>")); /* given, though zero */
	assert_non_null(strstr(text, "<Repository>Other &amp; HSM</Repository>"));
	assert_non_null(strstr(text, "&amp; &lt;tags&gt;"));
	free(text);
	kasp_free(a);
}

/* A policy with every field set, each to a value no similar field has. */
static void
fill_full(struct kasp_policy *p, struct kasp_key keys[3])
{
	/* clang-format off */
	static const struct kasp_key k[3] = {
	    {KASP_KSK, 13, 256, 400 * DAY, "R\"1\"", 1, true, true, KASP_ROLL_KSK_DOUBLE_RRSET, 0},
	    {KASP_ZSK, 8, 2048, 30 * DAY + 7, "R<2>", 0, false, false,
	     KASP_ROLL_ZSK_DOUBLE_SIGNATURE, 0},
	    {KASP_CSK, 15, 255, 3661, "R'3'", 4, false, true, KASP_ROLL_CSK_DOUBLE_SIGNATURE, 0},
	};
	/* clang-format on */

	memcpy(keys, k, sizeof(k));
	*p = (struct kasp_policy){
	    .name = "a&b \"c\" <d> 'e'",
	    .description = "line one\nline\ttwo\r& more",
	    .passthrough = true,
	    .sig = {101, 102, 103, 104, 105, 106, 107, 108},
	    .denial = KASP_DENIAL_NSEC3,
	    .nsec3 = {201, true, 202, 1, 12, 4, "DEADbeef"},
	    .keys = {301, 302, 303, true, true, 304},
	    .key = keys,
	    .n_keys = 3,
	    .zone = {401, 402, 403, KASP_SERIAL_COUNTER},
	    .parent = {501, 502, 503, 504, 505},
	};
}

static void
test_struct_round_trips(void **state)
{
	struct kasp_key keys[3];
	struct kasp_policy p[2];
	struct kasp *b;
	char *text;

	(void)state;
	fill_full(&p[0], keys);
	/* The smallest policy: every optional field at its "absent" value. */
	p[1] = (struct kasp_policy){.name = "min", .denial = KASP_DENIAL_NSEC};
	text = write_ok(p, 2);
	b = load_ok(text, strlen(text));
	assert_int_equal(b->n_policies, 2);
	policy_eq(&p[0], &b->policies[0]);
	p[1].description = ""; /* NULL is written empty */
	policy_eq(&p[1], &b->policies[1]);
	assert_non_null(strstr(text, "<Policy name=\"a&amp;b &quot;c&quot; &lt;d&gt; 'e'\">"));
	assert_non_null(strstr(text, "&#13;"));
	kasp_free(b);
	free(text);
}

static void
test_optional_elements_only_when_set(void **state)
{
	struct kasp_policy p = {.name = "min", .description = "d", .denial = KASP_DENIAL_NSEC};
	const char *absent[] = {"Keyset",      "MaxZoneTTL", "Purge",   "RegistrationDelay",
	                        "Passthrough", "ShareKeys",  "Standby", "NSEC3"};
	char *text;

	(void)state;
	text = write_ok(&p, 1);
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (strstr(text, absent[i]) != NULL)
			fail_msg("<%s> written though not set:\n%s", absent[i], text);
	assert_non_null(strstr(text, "<NSEC/>"));
	free(text);
}

static void
test_keys_come_out_grouped_by_role(void **state)
{
	struct kasp_key k[4] = {
	    {.role = KASP_CSK,
	     .algorithm = 13,
	     .length_bits = 256,
	     .repository = "c",
	     .rolltype = KASP_ROLL_CSK_PRE_PUBLICATION},
	    {.role = KASP_ZSK,
	     .algorithm = 8,
	     .length_bits = 1024,
	     .repository = "z1",
	     .rolltype = KASP_ROLL_ZSK_PRE_PUBLICATION},
	    {.role = KASP_KSK,
	     .algorithm = 8,
	     .length_bits = 2048,
	     .repository = "k",
	     .rolltype = KASP_ROLL_KSK_DOUBLE_SIGNATURE},
	    {.role = KASP_ZSK,
	     .algorithm = 8,
	     .length_bits = 1024,
	     .repository = "z2",
	     .rolltype = KASP_ROLL_ZSK_PRE_PUBLICATION},
	};
	struct kasp_policy p = {.name = "p", .denial = KASP_DENIAL_NSEC, .key = k, .n_keys = 4};
	const char *order[] = {"k", "z1", "z2", "c"};
	char *text = write_ok(&p, 1);
	struct kasp *b = load_ok(text, strlen(text));

	(void)state;
	assert_int_equal(b->policies[0].n_keys, 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(b->policies[0].key[i].repository, order[i]);
	kasp_free(b);
	free(text);
}

static void
test_no_policies_is_empty_kasp(void **state)
{
	char *text = write_ok(NULL, 0);
	struct kasp *b = load_ok(text, strlen(text));

	(void)state;
	assert_string_equal(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KASP/>\n");
	assert_int_equal(b->n_policies, 0);
	kasp_free(b);
	free(text);
}

static void
test_installed_examples_round_trip(void **state)
{
	const char *paths[] = {"/usr/share/opendnssec/kasp.xml", "/etc/opendnssec/kasp.xml"};
	int found = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct kasp *a = NULL;
		struct diag d = {0};

		if (access(paths[i], R_OK) != 0)
			continue;
		found++;
		if (kasp_load(paths[i], &a, &d) != ODS_OK)
			fail_msg("%s: %s", d.where, d.msg);
		free(round_trip(a));
		kasp_free(a);
	}
	if (found == 0)
		skip();
}

/* kasp_write of p fails with EINVAL, leaves the out-parameters alone, and says frag. */
static void
write_fails(const struct kasp_policy *p, const char *frag)
{
	char *sentinel = (char *)&sentinel, *text = sentinel;
	size_t len = 7;
	struct diag d = {0};

	if (kasp_write(p, 1, &text, &len, &d) != ODS_EINVAL)
		fail_msg("kasp_write did not refuse what should say '%s'", frag);
	assert_ptr_equal(text, sentinel);
	assert_int_equal(len, 7);
	if (strstr(d.where, frag) == NULL && strstr(d.msg, frag) == NULL)
		fail_msg("'%s: %s' lacks '%s'", d.where, d.msg, frag);
}

static void
test_refuses_what_kasp_xml_cannot_carry(void **state)
{
	struct kasp_key keys[3];
	struct kasp_policy p;

	(void)state;
#define CASE(change, frag)                                                                         \
	do {                                                                                       \
		fill_full(&p, keys);                                                               \
		change;                                                                            \
		write_fails(&p, frag);                                                             \
	} while (0)
	CASE(p.name = NULL, "name is empty");
	CASE(p.name = " x", "white space");
	CASE(p.description = "bell\a", "character XML cannot carry");
	CASE(p.description = "x\xef\xbf\xbe", "character XML cannot carry"); /* U+FFFE */
	CASE(p.description = "x\xed\xa0\x80", "<Description> "); /* a UTF-16 surrogate */
	CASE(p.description = "\xff\xfe", "not UTF-8");
	CASE(p.sig.resign_s = -1, "<Resign> is negative");
	CASE(p.keys.purge_s = -5, "<Purge> is negative");
	CASE(p.denial = KASP_DENIAL_NONE, "needs NSEC or NSEC3");
	CASE(p.nsec3.salt = "abc", "<Salt> is not a salt in hex");
	CASE(p.nsec3.salt = "zz", "<Salt> is not a salt in hex");
	CASE(p.nsec3.iterations = 65536, "<Iterations> is out of range");
	CASE(p.nsec3.salt_length = 256, "<Salt length> is out of range");
	CASE(keys[1].rolltype = KASP_ROLL_KSK_DOUBLE_DS, "KskDoubleDS) is not for a ZSK");
	CASE(keys[1].rfc5011 = true, "<RFC5011/> is for KSKs and CSKs only");
	CASE(keys[0].algorithm = 256, "<Algorithm> is out of range 0..255");
	CASE(keys[0].length_bits = 0, "<Algorithm length> is out of range");
	CASE(keys[2].repository = NULL, "<CSK> 2: <Repository> is empty");
	CASE(keys[2].standby = -1, "<Standby> is out of range");
	CASE(keys[2].role = 7, "key 2 has no role");
	CASE(p.zone.serial = 4, "<Serial> is not counter");
	CASE(p.parent.ds_ttl_s = -1, "policy 'a&b \"c\" <d> 'e''"); /* where names the policy */
#undef CASE
}

static void
test_null_salt_writes_no_text(void **state)
{
	struct kasp_key keys[3];
	struct kasp_policy p;
	char *text;

	(void)state;
	fill_full(&p, keys);
	p.nsec3.salt = NULL;
	text = write_ok(&p, 1);
	assert_non_null(strstr(text, "<Salt length=\"4\"/>"));
	free(text);
}

static const char SALTED[] = "<KASP>\n"
                             "<Policy name=\"p\"><Description/>\n"
                             "<Signatures><Resign>PT1H</Resign><Refresh>PT1H</Refresh>\n"
                             "<Validity><Default>PT1H</Default><Denial>PT1H</Denial>"
                             "</Validity><Jitter>PT0S</Jitter>\n"
                             "<InceptionOffset>PT0S</InceptionOffset></Signatures>\n"
                             "<Denial><NSEC3><Resalt>P1D</Resalt><Hash>\n"
                             "<Algorithm>1</Algorithm><Iterations>0</Iterations>\n"
                             "<Salt length=\"2\">%s</Salt>\n" /* line 8 */
                             "</Hash></NSEC3></Denial>\n"
                             "<Keys><TTL>PT1H</TTL><RetireSafety>PT1H</RetireSafety>"
                             "<PublishSafety>PT1H</PublishSafety></Keys>\n"
                             "<Zone><PropagationDelay>PT1H</PropagationDelay><SOA><TTL>PT1H"
                             "</TTL><Minimum>PT1H</Minimum><Serial>keep</Serial></SOA></Zone>\n"
                             "<Parent><PropagationDelay>PT1H</PropagationDelay><DS><TTL>PT1H"
                             "</TTL></DS><SOA><TTL>PT1H</TTL><Minimum>PT1H</Minimum></SOA>"
                             "</Parent></Policy>\n"
                             "</KASP>\n";

static ods_err
load_salted(const char *salt, struct kasp **k, struct diag *d)
{
	char xml[2048];
	int n = snprintf(xml, sizeof(xml), SALTED, salt);

	return kasp_load_mem("kasp.xml", xml, (size_t)n, k, d);
}

static void
test_loader_reads_salt_text(void **state)
{
	struct kasp *k = NULL;
	struct diag d = {0};

	(void)state;
	assert_int_equal(load_salted("\n  C0fe \n", &k, &d), ODS_OK);
	assert_string_equal(k->policies[0].nsec3.salt, "C0fe");
	kasp_free(k);
	k = NULL;
	assert_int_equal(load_salted("  ", &k, &d), ODS_OK);
	assert_null(k->policies[0].nsec3.salt);
	kasp_free(k);
	k = NULL;
	assert_int_equal(load_salted("c0f", &k, &d), ODS_EINVAL);
	assert_null(k);
	assert_string_equal(d.where, "kasp.xml:8");
	assert_non_null(strstr(d.msg, "<Salt> in <Hash>: 'c0f' is not a salt in hex"));
	assert_int_equal(load_salted("<x/>", &k, &d), ODS_EINVAL);
	assert_string_equal(d.where, "kasp.xml:8");
}

static int
put(const char *dir, const char *name, char *text)
{
	char path[4096];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	rc = f == NULL || fputs(text, f) < 0;
	if (f != NULL && fclose(f) != 0)
		rc = 1;
	free(text);
	return rc;
}

/* What the writer makes of the fixture, the built policies and the installed example. */
static int
dump(const char *dir)
{
	struct kasp_key keys[3];
	struct kasp_policy p[2];
	struct kasp *k = NULL;
	struct diag d = {0};
	char *text = NULL;
	size_t len;
	int rc = 0;

	fill_full(&p[0], keys);
	p[1] = (struct kasp_policy){.name = "min", .denial = KASP_DENIAL_NSEC};
	if (kasp_write(p, 2, &text, &len, &d) != ODS_OK)
		return 1;
	rc |= put(dir, "kasp-written-struct.xml", text);
	if (kasp_load(FIXTURE, &k, &d) != ODS_OK ||
	    kasp_write(k->policies, k->n_policies, &text, &len, &d) != ODS_OK)
		return 1;
	rc |= put(dir, "kasp-written-fixture.xml", text);
	kasp_free(k);
	k = NULL;
	if (kasp_load("/usr/share/opendnssec/kasp.xml", &k, &d) == ODS_OK) {
		if (kasp_write(k->policies, k->n_policies, &text, &len, &d) != ODS_OK)
			rc = 1;
		else
			rc |= put(dir, "kasp-written-example.xml", text);
	}
	kasp_free(k);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_round_trips),
	    cmocka_unit_test(test_struct_round_trips),
	    cmocka_unit_test(test_optional_elements_only_when_set),
	    cmocka_unit_test(test_keys_come_out_grouped_by_role),
	    cmocka_unit_test(test_no_policies_is_empty_kasp),
	    cmocka_unit_test(test_installed_examples_round_trip),
	    cmocka_unit_test(test_refuses_what_kasp_xml_cannot_carry),
	    cmocka_unit_test(test_null_salt_writes_no_text),
	    cmocka_unit_test(test_loader_reads_salt_text),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
