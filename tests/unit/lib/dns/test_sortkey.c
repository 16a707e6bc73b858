/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for lib/dns/sortkey.c: byte order of keys equals RFC 4034 §6.1 canonical name
 * order (checked the way PostgreSQL compares bytea: memcmp, then the shorter first), case
 * folding, escaping of 0x00/0x01, the root name, round trips and rejection of malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/dns/sortkey.h"

struct key {
	uint8_t b[DNS_SORTKEY_MAX];
	size_t len;
};

/* bytea order: memcmp over the common prefix, then the shorter first. */
static int
keycmp(const struct key *a, const struct key *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->b, b->b, n);

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static void
key_of(const char *name, struct key *k)
{
	assert_int_equal(dns_sortkey_from_str(name, k->b, sizeof(k->b), &k->len), ODS_OK);
}

static int
cmp_names(const char *a, const char *b)
{
	struct key ka, kb;

	key_of(a, &ka);
	key_of(b, &kb);
	return keycmp(&ka, &kb);
}

/* RFC 4034 §6.1, the example list, already in canonical order. */
static const char *const rfc_order[] = {
	"example",
	"a.example",
	"yljkjljk.a.example",
	"Z.a.example",
	"zABC.a.EXAMPLE",
	"z.example",
	"\\001.z.example",
	"*.z.example",
	"\\200.z.example",
};
#define RFC_N (sizeof(rfc_order) / sizeof(rfc_order[0]))

static void
test_rfc4034_example_list_is_in_key_order(void **state)
{
	(void)state;
	for (size_t i = 0; i + 1 < RFC_N; i++)
		assert_true(cmp_names(rfc_order[i], rfc_order[i + 1]) < 0);
}

struct named_key {
	struct key k;
	size_t rank;
};

static int
cmp_named(const void *a, const void *b)
{
	return keycmp(&((const struct named_key *)a)->k, &((const struct named_key *)b)->k);
}

static void
test_sorting_shuffled_rfc_list_by_key_restores_it(void **state)
{
	static const size_t shuffle[RFC_N] = { 5, 8, 0, 3, 7, 1, 6, 4, 2 };
	struct named_key v[RFC_N];

	(void)state;
	for (size_t i = 0; i < RFC_N; i++) {
		key_of(rfc_order[shuffle[i]], &v[i].k);
		v[i].rank = shuffle[i];
	}
	qsort(v, RFC_N, sizeof(v[0]), cmp_named);
	for (size_t i = 0; i < RFC_N; i++)
		assert_int_equal(v[i].rank, i);
}

static void
test_case_does_not_matter(void **state)
{
	struct key a, b;

	(void)state;
	key_of("Z.a.EXAMPLE", &a);
	key_of("z.A.example.", &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.b, b.b, a.len);
	assert_int_equal(cmp_names("zABC.a.EXAMPLE", "zabc.a.example"), 0);
}

static void
test_only_ascii_letters_are_folded(void **state)
{
	(void)state;
	/* \200 (0xc8) and \232 (0xe8) differ only in bit 0x20 yet are different names. */
	assert_true(cmp_names("\\200.example", "\\232.example") < 0);
	assert_true(cmp_names("[.example", "a.example") < 0);    /* '[' 0x5b < 'a' 0x61 */
	assert_true(cmp_names("Z.example", "[.example") > 0);    /* 'Z' folds to 'z' 0x7a */
}

static void
test_key_bytes_escape_zero_and_one(void **state)
{
	static const uint8_t want[] = {
		'e', 'x', 0x00,
		0x01, 0x01, 'a', 0x01, 0x02, 0x02, 0x00,
	};
	struct key k;

	(void)state;
	key_of("\\000a\\001\\002.EX", &k);
	assert_int_equal(k.len, sizeof(want));
	assert_memory_equal(k.b, want, sizeof(want));
}

static void
test_labels_with_zero_and_one_bytes_sort_by_value(void **state)
{
	static const char *const order[] = {
		"a.example", "\\000.a.example", "\\001.a.example", "\\002.a.example",
		"b.a.example", "a\\000.example", "a\\000\\000.example", "a\\000\\001.example",
		"a\\001.example", "a\\001\\000.example", "a\\002.example", "aa.example",
	};

	(void)state;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++)
		assert_true(cmp_names(order[i], order[i + 1]) < 0);
}

static void
test_shorter_prefix_sorts_first(void **state)
{
	(void)state;
	assert_true(cmp_names("example", "a.example") < 0);        /* ancestor first */
	assert_true(cmp_names("ab.example", "abc.example") < 0);   /* shorter label first */
	assert_true(cmp_names("abc.example", "ab.a.example") > 0);
	assert_true(cmp_names("z.example", "a.zz.example") < 0);
	assert_true(cmp_names("example", "example0") < 0);
}

static void
test_root_has_empty_key_and_sorts_first(void **state)
{
	struct key k;

	(void)state;
	key_of(".", &k);
	assert_int_equal(k.len, 0);
	assert_true(cmp_names(".", "\\000") < 0);
}

/* Lower-case the ASCII letters of a wire name in place. */
static void
fold_wire(uint8_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			w[i] = (uint8_t)(w[i] + 32);
}

static void
test_round_trip_gives_lower_cased_name(void **state)
{
	/* length-prefixed labels are also made of bytes in A-Z, so fold only label bytes */
	static const uint8_t wire[] = {
		3, 'W', 'w', 'W', 4, 0x00, 0x01, 'Z', 0xC8, 7, 'E', 'x', 'a', 'm', 'p', 'l', 'E', 0,
	};
	uint8_t want[sizeof(wire)];
	uint8_t back[DNS_NAME_WIRE_MAX];
	struct key k;
	size_t n = 0;

	(void)state;
	memcpy(want, wire, sizeof(wire));
	fold_wire(want + 1, 3);
	fold_wire(want + 5, 4);
	fold_wire(want + 10, 7);
	assert_int_equal(dns_sortkey_from_wire(wire, sizeof(wire), k.b, sizeof(k.b), &k.len),
	                 ODS_OK);
	assert_int_equal(dns_sortkey_to_wire(k.b, k.len, back, sizeof(back), &n), ODS_OK);
	assert_int_equal(n, sizeof(wire));
	assert_memory_equal(back, want, n);

	for (size_t i = 0; i < RFC_N; i++) {
		struct key k2;

		key_of(rfc_order[i], &k);
		assert_int_equal(dns_sortkey_to_wire(k.b, k.len, back, sizeof(back), &n), ODS_OK);
		assert_int_equal(dns_sortkey_from_wire(back, n, k2.b, sizeof(k2.b), &k2.len),
		                 ODS_OK);
		assert_int_equal(keycmp(&k, &k2), 0);
	}
	key_of(".", &k);
	assert_int_equal(dns_sortkey_to_wire(k.b, k.len, back, sizeof(back), &n), ODS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(back[0], 0);
}

/* Longest name with the longest key: labels of 63, 63, 63, 61 bytes, all 0x00. */
static size_t
build_longest(uint8_t *w)
{
	static const size_t lens[] = { 63, 63, 63, 61 };
	size_t k = 0;

	for (size_t i = 0; i < 4; i++) {
		w[k++] = (uint8_t)lens[i];
		memset(w + k, 0, lens[i]);
		k += lens[i];
	}
	w[k++] = 0;
	return k;
}

static void
test_longest_name_fits_sortkey_max(void **state)
{
	uint8_t w[DNS_NAME_WIRE_MAX + 8];
	uint8_t back[DNS_NAME_WIRE_MAX];
	struct key k;
	size_t n = build_longest(w);
	size_t m = 0;

	(void)state;
	assert_int_equal(n, DNS_NAME_WIRE_MAX);
	assert_int_equal(dns_sortkey_from_wire(w, n, k.b, sizeof(k.b), &k.len), ODS_OK);
	assert_int_equal(k.len, 504);
	assert_true(k.len <= DNS_SORTKEY_MAX);
	assert_int_equal(dns_sortkey_to_wire(k.b, k.len, back, sizeof(back), &m), ODS_OK);
	assert_int_equal(m, n);
	assert_memory_equal(back, w, n);

	/* one byte more (a 62-byte last label) is over 255 */
	w[3 * 64] = 62;
	memset(w + 3 * 64 + 1, 0, 62);
	w[3 * 64 + 63] = 0;
	assert_int_equal(dns_sortkey_from_wire(w, 256, k.b, sizeof(k.b), &k.len), ODS_EINVAL);
}

static void
expect_bad_wire(const uint8_t *w, size_t n)
{
	struct key k;
	size_t sentinel = 4242;

	k.len = sentinel;
	assert_int_equal(dns_sortkey_from_wire(w, n, k.b, sizeof(k.b), &k.len), ODS_EINVAL);
	assert_int_equal(k.len, sentinel);
}

static void
test_malformed_wire_is_rejected(void **state)
{
	static const uint8_t long_label[] = { 64, 'a' };  /* 0x40: extended label type */
	static const uint8_t pointer[] = { 1, 'a', 0xC0, 0x0c };
	static const uint8_t reserved[] = { 0x80, 0 };
	static const uint8_t no_root[] = { 1, 'a', 1, 'b' };
	static const uint8_t truncated[] = { 5, 'a', 'b', 0 };
	static const uint8_t trailing[] = { 1, 'a', 0, 0 };
	uint8_t big[300];
	size_t k = 0;

	(void)state;
	expect_bad_wire(long_label, sizeof(long_label));
	expect_bad_wire(pointer, sizeof(pointer));
	expect_bad_wire(reserved, sizeof(reserved));
	expect_bad_wire(no_root, sizeof(no_root));
	expect_bad_wire(truncated, sizeof(truncated));
	expect_bad_wire(trailing, sizeof(trailing));
	expect_bad_wire(trailing, 0);

	/* 128 one-byte labels: 257 bytes */
	for (size_t i = 0; i < 128; i++) {
		big[k++] = 1;
		big[k++] = 'x';
	}
	big[k++] = 0;
	expect_bad_wire(big, k);
	assert_int_equal(dns_sortkey_from_wire(big + 2, k - 2, (uint8_t[DNS_SORTKEY_MAX]){ 0 },
	                                       DNS_SORTKEY_MAX, &(size_t){ 0 }),
	                 ODS_OK);                      /* 127 labels: 255 bytes, fine */
}

static void
test_malformed_key_is_rejected(void **state)
{
	static const struct {
		const char *b;
		size_t n;
	} bad[] = {
		{ "\x01\x03" "a\x00", 4 },     /* unknown escape */
		{ "a\x01", 2 },                /* escape at the end */
		{ "ab", 2 },                   /* no terminator */
		{ "\x00", 1 },                 /* empty label */
		{ "a\x00\x00", 3 },            /* empty label after a good one */
		{ "A\x00", 2 },                /* upper case never appears in a key */
	};
	uint8_t w[DNS_NAME_WIRE_MAX];
	uint8_t key[80];
	size_t n = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dns_sortkey_to_wire((const uint8_t *)bad[i].b, bad[i].n, w,
		                                     sizeof(w), &n),
		                 ODS_EINVAL);
		assert_int_equal(n, 7);
	}
	memset(key, 'a', 64);
	key[64] = 0;                                    /* a 64-byte label */
	assert_int_equal(dns_sortkey_to_wire(key, 65, w, sizeof(w), &n), ODS_EINVAL);
	key[63] = 0;                                    /* 63 is fine */
	assert_int_equal(dns_sortkey_to_wire(key, 64, w, sizeof(w), &n), ODS_OK);
	assert_int_equal(n, 65);
}

static void
test_small_buffers_give_enomem(void **state)
{
	uint8_t out[4];
	uint8_t w[DNS_NAME_WIRE_MAX];
	struct key k;
	size_t n = 99;

	(void)state;
	assert_int_equal(dns_sortkey_from_str("abcd.example", out, sizeof(out), &n), ODS_ENOMEM);
	assert_int_equal(n, 99);
	key_of("abcd.example", &k);
	assert_int_equal(dns_sortkey_to_wire(k.b, k.len, w, 13, &n), ODS_ENOMEM);
	assert_int_equal(dns_sortkey_to_wire(k.b, k.len, w, 14, &n), ODS_OK);
	assert_int_equal(n, 14);
}

static void
test_unparsable_string_is_rejected(void **state)
{
	uint8_t out[DNS_SORTKEY_MAX];
	size_t n = 0;

	(void)state;
	assert_int_equal(dns_sortkey_from_str("a..b", out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_sortkey_from_str("", out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_sortkey_from_str(NULL, out, sizeof(out), &n), ODS_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4034_example_list_is_in_key_order),
		cmocka_unit_test(test_sorting_shuffled_rfc_list_by_key_restores_it),
		cmocka_unit_test(test_case_does_not_matter),
		cmocka_unit_test(test_only_ascii_letters_are_folded),
		cmocka_unit_test(test_key_bytes_escape_zero_and_one),
		cmocka_unit_test(test_labels_with_zero_and_one_bytes_sort_by_value),
		cmocka_unit_test(test_shorter_prefix_sorts_first),
		cmocka_unit_test(test_root_has_empty_key_and_sorts_first),
		cmocka_unit_test(test_round_trip_gives_lower_cased_name),
		cmocka_unit_test(test_longest_name_fits_sortkey_max),
		cmocka_unit_test(test_malformed_wire_is_rejected),
		cmocka_unit_test(test_malformed_key_is_rejected),
		cmocka_unit_test(test_small_buffers_give_enomem),
		cmocka_unit_test(test_unparsable_string_is_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
