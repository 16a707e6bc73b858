/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for services/keystore/soft/seal.c, the sealed-key format of software
 * repositories: a round trip, the layout of a blob, and every way a blob must fail to open
 * (another KEK, other AAD, any truncation, any flipped bit); and for the pure part of
 * soft/kek.c, reading a KEK from text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "services/keystore/soft/kek.h"
#include "services/keystore/soft/seal.h"

static const uint8_t plain[] = "-----a private key in PKCS#8 DER, or anything-----";
static const uint8_t aad[] = "soft\0"
                             "0123456789abcdef0123456789abcdef\0\x0d";

static void
kek_of(uint8_t fill, struct ks_kek *k)
{
	uint8_t raw[KS_KEK_LEN];

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(fill + 7 * i);
	assert_int_equal(ks_kek_init(k, raw), ODS_OK);
}

static void
seal_one(const struct ks_kek *k, uint8_t **blob, size_t *len)
{
	struct diag d = {0};

	assert_int_equal(ks_seal(k, aad, sizeof(aad), plain, sizeof(plain), blob, len, &d), ODS_OK);
}

/* ks_unseal must fail with want; the out-parameters stay untouched. */
static void
unseal_fails(const struct ks_kek *k, const uint8_t *a, size_t alen, const uint8_t *blob, size_t len,
             ods_err want)
{
	uint8_t *p = (uint8_t *)&p;
	size_t plen = 12345;
	struct diag d = {0};

	assert_int_equal(ks_unseal(k, a, alen, blob, len, &p, &plen, &d), want);
	assert_ptr_equal(p, (uint8_t *)&p);
	assert_int_equal(plen, 12345);
	assert_true(d.msg[0] != '\0');
}

static void
test_round_trip_gives_the_plaintext_back(void **state)
{
	struct ks_kek k;
	uint8_t *blob = NULL, *p = NULL;
	size_t len = 0, plen = 0;
	struct diag d = {0};

	(void)state;
	kek_of(1, &k);
	seal_one(&k, &blob, &len);
	assert_int_equal(len, sizeof(plain) + KS_SEAL_OVERHEAD);
	assert_int_equal(ks_unseal(&k, aad, sizeof(aad), blob, len, &p, &plen, &d), ODS_OK);
	assert_int_equal(plen, sizeof(plain));
	assert_memory_equal(p, plain, sizeof(plain));
	ks_unseal_free(p, plen);
	free(blob);
	ks_kek_wipe(&k);
}

static void
test_blob_layout_is_version_kek_id_nonce_ciphertext_tag(void **state)
{
	struct ks_kek k;
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	(void)state;
	kek_of(1, &k);
	seal_one(&k, &a, &alen);
	seal_one(&k, &b, &blen);
	assert_int_equal(a[0], KS_SEAL_VERSION);
	assert_memory_equal(a + 1, k.id, KS_KEK_ID_LEN);
	/* A fresh nonce each time, so the same key sealed twice looks different. */
	assert_memory_not_equal(a + 1 + KS_KEK_ID_LEN, b + 1 + KS_KEK_ID_LEN, KS_SEAL_NONCE_LEN);
	assert_memory_not_equal(a + KS_SEAL_HEADER_LEN, b + KS_SEAL_HEADER_LEN, sizeof(plain));
	/* The plaintext does not show through. */
	for (size_t i = 0; i + 8 <= alen; i++)
		assert_memory_not_equal(a + i, plain + 5, 8);
	free(a);
	free(b);
}

static void
test_another_kek_is_refused_and_named(void **state)
{
	struct ks_kek k1, k2;
	uint8_t *blob = NULL, *p = NULL;
	size_t len = 0, plen = 0;
	char id1[KS_KEK_ID_HEX], id2[KS_KEK_ID_HEX];
	struct diag d = {0};

	(void)state;
	kek_of(1, &k1);
	kek_of(2, &k2);
	assert_memory_not_equal(k1.id, k2.id, KS_KEK_ID_LEN);
	seal_one(&k1, &blob, &len);
	unseal_fails(&k2, aad, sizeof(aad), blob, len, ODS_ESTATE);
	assert_int_equal(ks_unseal(&k2, aad, sizeof(aad), blob, len, &p, &plen, &d), ODS_ESTATE);
	assert_non_null(strstr(d.msg, ks_kek_id_hex(k1.id, id1)));
	assert_non_null(strstr(d.msg, ks_kek_id_hex(k2.id, id2)));
	/* Even with the id forged to match, the wrong key does not authenticate. */
	memcpy(k2.id, k1.id, KS_KEK_ID_LEN);
	unseal_fails(&k2, aad, sizeof(aad), blob, len, ODS_EPERM);
	free(blob);
}

static void
test_other_aad_is_refused(void **state)
{
	static const uint8_t other_alg[] = "soft\0"
	                                   "0123456789abcdef0123456789abcdef\0\x08";
	static const uint8_t other_row[] = "soft\0"
	                                   "1123456789abcdef0123456789abcdef\0\x0d";
	struct ks_kek k;
	uint8_t *blob = NULL;
	size_t len = 0;

	(void)state;
	kek_of(1, &k);
	seal_one(&k, &blob, &len);
	unseal_fails(&k, other_alg, sizeof(other_alg), blob, len, ODS_EPERM);
	unseal_fails(&k, other_row, sizeof(other_row), blob, len, ODS_EPERM);
	unseal_fails(&k, aad, sizeof(aad) - 1, blob, len, ODS_EPERM);
	unseal_fails(&k, NULL, 0, blob, len, ODS_EPERM);
	free(blob);
}

static void
test_truncated_blobs_are_refused(void **state)
{
	struct ks_kek k;
	uint8_t *blob = NULL;
	size_t len = 0;

	(void)state;
	kek_of(1, &k);
	seal_one(&k, &blob, &len);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, blob, n);
		unseal_fails(&k, aad, sizeof(aad), copy, n,
		             n <= KS_SEAL_OVERHEAD ? ODS_EINVAL : ODS_EPERM);
		free(copy);
	}
	unseal_fails(&k, aad, sizeof(aad), NULL, 0, ODS_EINVAL);
	free(blob);
}

static void
test_every_flipped_bit_is_refused(void **state)
{
	struct ks_kek k;
	uint8_t *blob = NULL;
	size_t len = 0;

	(void)state;
	kek_of(1, &k);
	seal_one(&k, &blob, &len);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			ods_err want = i == 0               ? ODS_EINVAL
			               : i <= KS_KEK_ID_LEN ? ODS_ESTATE
			                                    : ODS_EPERM;
			blob[i] ^= (uint8_t)(1u << bit);
			unseal_fails(&k, aad, sizeof(aad), blob, len, want);
			blob[i] ^= (uint8_t)(1u << bit);
		}
	}
	free(blob);
}

static void
test_seal_refuses_empty_and_oversized_plaintext(void **state)
{
	struct ks_kek k;
	uint8_t *blob = (uint8_t *)&blob, *big = calloc(1, KS_SEAL_PLAIN_MAX + 1);
	size_t len = 7;
	struct diag d = {0};

	(void)state;
	kek_of(1, &k);
	assert_int_equal(ks_seal(&k, aad, sizeof(aad), plain, 0, &blob, &len, &d), ODS_EINVAL);
	assert_int_equal(ks_seal(&k, aad, sizeof(aad), big, KS_SEAL_PLAIN_MAX + 1, &blob, &len, &d),
	                 ODS_EINVAL);
	assert_ptr_equal(blob, (uint8_t *)&blob);
	assert_int_equal(len, 7);
	free(big);
}

static void
test_kek_text_raw_or_hex(void **state)
{
	static const char hex64[] = "000102030405060708090a0b0c0d0e0f"
	                            "101112131415161718191A1B1C1D1E1F\n";
	uint8_t raw[KS_KEK_LEN];
	struct ks_kek a, b, untouched;
	struct diag d = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)i;
	assert_int_equal(ks_kek_parse(raw, sizeof(raw), true, "file", &a, &d), ODS_OK);
	assert_int_equal(ks_kek_parse((const uint8_t *)hex64, strlen(hex64), false, "env", &b, &d),
	                 ODS_OK);
	assert_memory_equal(a.key, raw, KS_KEK_LEN);
	assert_memory_equal(a.key, b.key, KS_KEK_LEN);
	assert_memory_equal(a.id, b.id, KS_KEK_ID_LEN);

	memset(&untouched, 0xa5, sizeof(untouched));
	b = untouched;
	/* Raw bytes only where allowed; 32 hex digits are half a key; 63 are not a key. */
	assert_int_equal(ks_kek_parse(raw, sizeof(raw), false, "env X", &b, &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "env X holds 32 bytes"));
	assert_int_equal(ks_kek_parse((const uint8_t *)hex64, 32, true, "file F", &b, &d),
	                 ODS_EINVAL);
	assert_non_null(strstr(d.msg, "128-bit"));
	assert_int_equal(ks_kek_parse((const uint8_t *)hex64, 63, true, "file F", &b, &d),
	                 ODS_EINVAL);
	assert_int_equal(ks_kek_parse((const uint8_t *)"", 0, true, "file F", &b, &d), ODS_EINVAL);
	assert_memory_equal(&b, &untouched, sizeof(b));
	/* The id says nothing of the key and is stable. */
	assert_memory_not_equal(a.id, a.key, KS_KEK_ID_LEN);
	ks_kek_wipe(&a);
	assert_memory_equal(a.key, (uint8_t[KS_KEK_LEN]){0}, KS_KEK_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_gives_the_plaintext_back),
	    cmocka_unit_test(test_blob_layout_is_version_kek_id_nonce_ciphertext_tag),
	    cmocka_unit_test(test_another_kek_is_refused_and_named),
	    cmocka_unit_test(test_other_aad_is_refused),
	    cmocka_unit_test(test_truncated_blobs_are_refused),
	    cmocka_unit_test(test_every_flipped_bit_is_refused),
	    cmocka_unit_test(test_seal_refuses_empty_and_oversized_plaintext),
	    cmocka_unit_test(test_kek_text_raw_or_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
