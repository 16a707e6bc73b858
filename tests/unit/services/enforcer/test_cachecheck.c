/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cache-history validator on hand-written histories: a correct ZSK pre-publication and a
 * correct KSK double-signature rollover validate at every moment; withdrawing a ZSK while its
 * signatures may be cached, swapping the DS to a key whose DNSKEY is not yet everywhere, and
 * removing the last DS are caught at exactly the moments they are wrong; slack hides only
 * what is shorter than itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cachecheck.h"

#define K1 ((uint64_t)1) /* KSK */
#define Z1 ((uint64_t)2) /* ZSK, old */
#define Z2 ((uint64_t)4) /* ZSK, new */
#define K2 ((uint64_t)8) /* KSK, new */
#define W 100            /* every window */

static void
add(struct cc_history *h, int64_t at, uint64_t ds, uint64_t dnskey, uint64_t krrsig, uint64_t zsig)
{
	struct cc_snap s = {.at = at,
	                    .ds = ds,
	                    .dnskey = dnskey,
	                    .krrsig = krrsig,
	                    .zsig = zsig,
	                    .ds_window_s = W,
	                    .dk_window_s = W,
	                    .rs_window_s = W};

	assert_int_equal(cc_add(h, &s), 1);
}

/* Valid at every second from `from` to `to`, with the history as it was known then. */
static void
valid_throughout(const struct cc_history *h, int64_t from, int64_t to)
{
	for (int64_t t = from; t <= to; t++) {
		struct cc_history then = *h;
		struct cc_failure f;

		while (then.n > 0 && then.snaps[then.n - 1].at > t)
			then.n--;
		if (cc_check(&then, t, 0, false, &f) != CC_OK)
			fail_msg("t=%lld: %s (versions %zu %zu %zu)", (long long)t,
			         cc_verdict_text(f.verdict), f.ds_v, f.dk_v, f.sig_v);
	}
}

/* A signed zone at 0 (the unsigned past before it is left out). */
static void
signed_zone(struct cc_history *h)
{
	cc_init(h);
	add(h, 0, K1, K1 | Z1, K1, Z1);
}

static void
test_zsk_prepublication_validates(void **state)
{
	struct cc_history h;

	(void)state;
	signed_zone(&h);
	add(&h, 1000, K1, K1 | Z1 | Z2, K1, Z1);     /* publish Z2 */
	add(&h, 1000 + W, K1, K1 | Z1 | Z2, K1, Z2); /* sign with Z2, once its DNSKEY is cached */
	add(&h, 1000 + 2 * W, K1, K1 | Z2, K1, Z2);  /* drop Z1 once its signatures expired */
	valid_throughout(&h, 1000, 1000 + 4 * W);
	cc_free(&h);
}

static void
test_zsk_withdrawn_while_its_signatures_are_cached(void **state)
{
	struct cc_history h;
	struct cc_failure f;

	(void)state;
	signed_zone(&h);
	add(&h, 1000, K1, K1 | Z1 | Z2, K1, Z1);
	add(&h, 1000 + W, K1, K1 | Z1 | Z2, K1, Z2);
	/* Z1's DNSKEY goes 10 s too early: its signatures may be cached for 10 s more. */
	add(&h, 1000 + 2 * W - 10, K1, K1 | Z2, K1, Z2);
	assert_int_equal(cc_check(&h, 1000 + 2 * W - 10, 0, false, &f), CC_BOGUS_SIGNATURE);
	assert_int_equal(f.verdict, CC_BOGUS_SIGNATURE);
	assert_int_equal(f.dk_v, 3);  /* the DNSKEY set without Z1 */
	assert_int_equal(f.sig_v, 1); /* the signatures by Z1 */
	assert_int_equal(cc_check(&h, 1000 + 2 * W - 1, 0, false, NULL), CC_BOGUS_SIGNATURE);
	/* Once they expired everywhere, every view validates again. */
	valid_throughout(&h, 1000 + 2 * W, 1000 + 4 * W);
	/* A slack of 10 s hides exactly this, 9 s does not. */
	assert_int_equal(cc_check(&h, 1000 + 2 * W - 10, 10, false, NULL), CC_OK);
	assert_int_equal(cc_check(&h, 1000 + 2 * W - 10, 9, false, NULL), CC_BOGUS_SIGNATURE);
	cc_free(&h);
}

static void
test_signing_with_an_unpublished_zsk_is_bogus(void **state)
{
	struct cc_history h;

	(void)state;
	signed_zone(&h);
	add(&h, 1000, K1, K1 | Z1 | Z2, K1, Z1);
	add(&h, 1000 + W / 2, K1, K1 | Z1 | Z2, K1, Z2); /* too early: old DNSKEY sets cached */
	assert_int_equal(cc_check(&h, 1000 + W / 2, 0, false, NULL), CC_BOGUS_SIGNATURE);
	cc_free(&h);
}

static void
test_ksk_double_signature_validates(void **state)
{
	struct cc_history h;

	(void)state;
	signed_zone(&h);
	add(&h, 1000, K1, K1 | K2 | Z1, K1 | K2, Z1);          /* K2 DNSKEY and signature */
	add(&h, 1000 + W, K1 | K2, K1 | K2 | Z1, K1 | K2, Z1); /* DS of K2 submitted */
	add(&h, 1000 + W + 10, K2, K1 | K2 | Z1, K1 | K2, Z1); /* DS of K1 retracted */
	add(&h, 1000 + 2 * W + 10, K2, K2 | Z1, K2, Z1);       /* K1 leaves the zone */
	valid_throughout(&h, 1000, 1000 + 4 * W);
	cc_free(&h);
}

static void
test_ds_swapped_before_the_new_dnskey_is_cached(void **state)
{
	struct cc_history h;
	struct cc_failure f;

	(void)state;
	signed_zone(&h);
	add(&h, 1000, K1, K1 | K2 | Z1, K1 | K2, Z1);
	add(&h, 1000 + W / 2, K2, K1 | K2 | Z1, K1 | K2, Z1); /* DS swap too early */
	assert_int_equal(cc_check(&h, 1000 + W / 2, 0, false, &f), CC_BOGUS_CHAIN);
	assert_int_equal(f.ds_v, 2);
	assert_int_equal(f.dk_v, 0);
	cc_free(&h);
}

static void
test_last_ds_removed_is_insecure_unless_allowed(void **state)
{
	struct cc_history h;
	struct cc_failure f;

	(void)state;
	signed_zone(&h);
	add(&h, 1000, 0, K1 | Z1, K1, Z1);
	assert_int_equal(cc_check(&h, 1000, 0, false, &f), CC_INSECURE);
	assert_int_equal(f.ds_v, 1);
	assert_int_equal(cc_check(&h, 1000, 0, true, NULL), CC_OK);
	cc_free(&h);
}

static void
test_unsigned_past_is_not_insecure(void **state)
{
	struct cc_history h;
	struct cc_snap s = {.at = -1000000, .ds_window_s = W, .dk_window_s = W, .rs_window_s = W};

	(void)state;
	cc_init(&h);
	assert_int_equal(cc_add(&h, &s), 1);
	add(&h, 0, 0, K1 | Z1, K1, Z1);
	add(&h, 3 * W, K1, K1 | Z1, K1, Z1);
	valid_throughout(&h, 0, 5 * W);
	cc_free(&h);
}

static void
test_add_keeps_one_version_per_change_and_refuses_the_past(void **state)
{
	struct cc_history h;
	struct cc_snap s = {.at = 50,
	                    .ds = K1,
	                    .dnskey = K1 | Z1,
	                    .krrsig = K1,
	                    .zsig = Z1,
	                    .ds_window_s = W,
	                    .dk_window_s = W,
	                    .rs_window_s = W};

	(void)state;
	signed_zone(&h);
	assert_int_equal(cc_add(&h, &s), 0); /* nothing changed */
	s.dk_window_s = W / 2;               /* a new TTL is a new version */
	assert_int_equal(cc_add(&h, &s), 1);
	s.at = 10;
	s.zsig = Z2;
	assert_int_equal(cc_add(&h, &s), -1);
	assert_int_equal(h.n, 2);
	cc_free(&h);
}

static void
test_a_lowered_ttl_keeps_the_old_version_for_the_old_ttl(void **state)
{
	struct cc_history h;
	struct cc_snap s = {.at = 1000,
	                    .ds = K1,
	                    .dnskey = K1 | Z1 | Z2,
	                    .krrsig = K1,
	                    .zsig = Z1,
	                    .ds_window_s = W,
	                    .dk_window_s = W / 10,
	                    .rs_window_s = W};

	(void)state;
	signed_zone(&h);
	assert_int_equal(cc_add(&h, &s), 1); /* Z2 published with a tenth of the TTL */
	s.at = 1000 + W / 10;
	s.zsig = Z2; /* the new TTL has passed, but the set without Z2 had the old one */
	assert_int_equal(cc_add(&h, &s), 1);
	assert_int_equal(cc_check(&h, 1000 + W / 10, 0, false, NULL), CC_BOGUS_SIGNATURE);
	cc_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zsk_prepublication_validates),
	    cmocka_unit_test(test_zsk_withdrawn_while_its_signatures_are_cached),
	    cmocka_unit_test(test_signing_with_an_unpublished_zsk_is_bogus),
	    cmocka_unit_test(test_ksk_double_signature_validates),
	    cmocka_unit_test(test_ds_swapped_before_the_new_dnskey_is_cached),
	    cmocka_unit_test(test_last_ds_removed_is_insecure_unless_allowed),
	    cmocka_unit_test(test_unsigned_past_is_not_insecure),
	    cmocka_unit_test(test_add_keeps_one_version_per_change_and_refuses_the_past),
	    cmocka_unit_test(test_a_lowered_ttl_keeps_the_old_version_for_the_old_ttl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
