/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for lib/dns/dnskey.c against values made by other implementations. Every key is for
 * owner example.com. and was generated once with ldns-keygen (ldns 1.8.3) or dnssec-keygen
 * (BIND 9.18); each vector's name carries the algorithm and key tag of its K<name>+<alg>+<tag>
 * file. The expected DNSKEY RDATA is the .key file's record in wire form, the key tags are the
 * tools' (file names; the revoked ones from dnssec-revoke), the DS digests are those of
 * dnssec-dsfromkey -a SHA-1/SHA-256/SHA-384, which ldns-key2ds -1/-2/-4 reproduced. The RSA
 * inputs are Modulus/PublicExponent of the .private files; the EC/EdDSA inputs are the public
 * keys OpenSSL 3.0 derived from the .private files' PrivateKey (openssl ec/pkey -pubout), so the
 * public-key fields are checked against a second derivation. DigestInfo values are what
 * `openssl pkeyutl -verifyrecover` returned for `openssl dgst -sign` signatures of "abc"; the
 * ECDSA DER signatures come from `openssl dgst -sign`, their r and s from `openssl asn1parse`.
 * Cases the tools cannot produce (an exponent longer than 255 bytes) are built by hand from the
 * RFC text, and their key tags are checked with ldns_calc_keytag_raw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "lib/base/hex.h"
#include "lib/dns/dnskey.h"

#define BUF_MAX 1100

/* example.com. in wire form, and the same name in mixed case. */
static const uint8_t owner[] = "\007example\003com";
static const uint8_t owner_mixed[] = "\007ExAmPlE\003COM";
#define OWNER_LEN sizeof(owner)                 /* the string's NUL is the root label */

struct bytes {
	uint8_t b[BUF_MAX];
	size_t len;
};

static struct bytes
hex(const char *s)
{
	struct bytes r = { .len = 0 };

	assert_true(hex_decode(s, r.b, sizeof(r.b), &r.len));
	return r;
}

static void
assert_bytes(const uint8_t *got, size_t got_len, const struct bytes *want)
{
	assert_int_equal(got_len, want->len);
	assert_memory_equal(got, want->b, want->len);
}

/* ---- vectors (see the file comment for where each came from) ---- */

static const char rdata_001_63327[] =
	"0100030103010001d3ba85c23fc2fb496295cca7e69b88aba1e1d10e5adf37a0"
	"a81650058a3b71c4f368f36dd9be9535273adc4fc52acb1f4fed9d3ec0f140fb"
	"31a465b72fe2f0680a618c1ab664e9fe8e8502e9b9dbef35645c91bb55b5175c"
	"2571540aab3e37a6585e204720b18dac3637e0ae6c9408895e3a8253a12d4ea3"
	"8b90146912f75f71";
static const char rdata_008_24093[] =
	"0100030803010001b658ed04f45e69bdb36b941738a2ab1efd6e06cb5b17c7b0"
	"d1f38d383fa2568f42362d24c1085e09c60e93118e368cce3fab8cbe0cfe82db"
	"4a3ca9a0f2b4a89bff8ba37004d32006e686bc5a3037b2130d146386ceb37b38"
	"88bd5848912e2d8f5f8acdc9d870c99041a774ef4215b5f6fa2458340b720d51"
	"c1708e22cfcb7031";
static const char rdata_008_55189[] =
	"0101030803010001be0862906280caa00c1f248584d49217c1e7b9bdbf715bab"
	"46c77f21a06e7df45206ed67c80d9c37c43dfd1455c34986a288471a310d404f"
	"499c7abc0d7356cb9299dc7d93df581ef1908644a4a9e0936969854617117c90"
	"bb78ac3a417bb7371629eabdc6aa0448b60eb2dc39e21858da467a846ee73462"
	"29dfee419f82bbdd7f80b080337b071cd7d96286d272d685eb0f62f4f9109838"
	"64dbe0e3bfbac0ec4685a04ae9acaf92156e06dbbf855d696435625db4d2f76a"
	"3da91ab052e9e4f2d2fc6f4acc8d402abb5d2967b3d28c4738eabb448a0adb8b"
	"c7f29b220865cfd4d237efc4154c008d5a51c89dd4b4ee484393756aab29a27d"
	"8e6e09e08ffe6539";
static const char rdata_008_55317[] =
	"0181030803010001be0862906280caa00c1f248584d49217c1e7b9bdbf715bab"
	"46c77f21a06e7df45206ed67c80d9c37c43dfd1455c34986a288471a310d404f"
	"499c7abc0d7356cb9299dc7d93df581ef1908644a4a9e0936969854617117c90"
	"bb78ac3a417bb7371629eabdc6aa0448b60eb2dc39e21858da467a846ee73462"
	"29dfee419f82bbdd7f80b080337b071cd7d96286d272d685eb0f62f4f9109838"
	"64dbe0e3bfbac0ec4685a04ae9acaf92156e06dbbf855d696435625db4d2f76a"
	"3da91ab052e9e4f2d2fc6f4acc8d402abb5d2967b3d28c4738eabb448a0adb8b"
	"c7f29b220865cfd4d237efc4154c008d5a51c89dd4b4ee484393756aab29a27d"
	"8e6e09e08ffe6539";
static const char rdata_013_63549[] =
	"0101030d219697bcb9b002f28f0251d2f133e4ae2db47cb04a582f57c86af339"
	"6fe9bb2b5bd8159638b69c1909dea204008ad580a8610c446589d9d4d2756fdf"
	"ede0d04e";
static const char rdata_014_27514[] =
	"0100030e1d4b083aa3e671633684751b2416694e0090955f502aca1a449e8ad7"
	"07b34e70a9cc374919265bcfbe81723b819cbbd5c06d49553c71f2c050f10260"
	"4b1cab2279beb1d6f7b2c7d361525e24414bc2307d93cc15e9b05840c59b69d7"
	"ee087fe5";
static const char rdata_015_10836[] =
	"0100030fcfa60e3e5c3947312b65768cb2f67954452e2a908030197673bfa7d9"
	"a9220898";
static const char rdata_015_53888[] =
	"0101030ff109296c52225d13728f78ddd2a4f0595394531661e07c72f85c471f"
	"d2b3bf2b";
static const char rdata_015_54016[] =
	"0181030ff109296c52225d13728f78ddd2a4f0595394531661e07c72f85c471f"
	"d2b3bf2b";
static const char rdata_016_31599[] =
	"01000310996141a5eebbee594acaaa71458a48dd0f657e53ba026c871bb37b0d"
	"913c323d3e83978854ff32f91d2fa5ccef2638c605571006791d55ba00";
static const char mod_24093[] =
	"b658ed04f45e69bdb36b941738a2ab1efd6e06cb5b17c7b0d1f38d383fa2568f"
	"42362d24c1085e09c60e93118e368cce3fab8cbe0cfe82db4a3ca9a0f2b4a89b"
	"ff8ba37004d32006e686bc5a3037b2130d146386ceb37b3888bd5848912e2d8f"
	"5f8acdc9d870c99041a774ef4215b5f6fa2458340b720d51c1708e22cfcb7031";
static const char mod_55189[] =
	"be0862906280caa00c1f248584d49217c1e7b9bdbf715bab46c77f21a06e7df4"
	"5206ed67c80d9c37c43dfd1455c34986a288471a310d404f499c7abc0d7356cb"
	"9299dc7d93df581ef1908644a4a9e0936969854617117c90bb78ac3a417bb737"
	"1629eabdc6aa0448b60eb2dc39e21858da467a846ee7346229dfee419f82bbdd"
	"7f80b080337b071cd7d96286d272d685eb0f62f4f910983864dbe0e3bfbac0ec"
	"4685a04ae9acaf92156e06dbbf855d696435625db4d2f76a3da91ab052e9e4f2"
	"d2fc6f4acc8d402abb5d2967b3d28c4738eabb448a0adb8bc7f29b220865cfd4"
	"d237efc4154c008d5a51c89dd4b4ee484393756aab29a27d8e6e09e08ffe6539";
static const char point_013_63549[] =
	"04219697bcb9b002f28f0251d2f133e4ae2db47cb04a582f57c86af3396fe9bb"
	"2b5bd8159638b69c1909dea204008ad580a8610c446589d9d4d2756fdfede0d0"
	"4e";
static const char point_014_27514[] =
	"041d4b083aa3e671633684751b2416694e0090955f502aca1a449e8ad707b34e"
	"70a9cc374919265bcfbe81723b819cbbd5c06d49553c71f2c050f102604b1cab"
	"2279beb1d6f7b2c7d361525e24414bc2307d93cc15e9b05840c59b69d7ee087f"
	"e5";
static const char point_015_10836[] =
	"cfa60e3e5c3947312b65768cb2f67954452e2a908030197673bfa7d9a9220898";
static const char point_015_53888[] =
	"f109296c52225d13728f78ddd2a4f0595394531661e07c72f85c471fd2b3bf2b";
static const char point_016_31599[] =
	"996141a5eebbee594acaaa71458a48dd0f657e53ba026c871bb37b0d913c323d"
	"3e83978854ff32f91d2fa5ccef2638c605571006791d55ba00";

struct key_vec {
	const char *file;                       /* K<name>+<alg>+<tag>, for messages */
	int alg;
	uint16_t flags;
	uint16_t tag;
	const char *rdata;
	const char *point;                      /* OpenSSL's public key, EC/EdDSA only */
};

static const struct key_vec keys[] = {
	{ "Kexample.com.+001+63327 ldns-keygen", 1, 256, 63327, rdata_001_63327, NULL },
	{ "Kexample.com.+008+24093 ldns-keygen", 8, 256, 24093, rdata_008_24093, NULL },
	{ "Kexample.com.+008+55189 dnssec-keygen", 8, 257, 55189, rdata_008_55189, NULL },
	{ "Kexample.com.+008+55317 dnssec-revoke", 8, 385, 55317, rdata_008_55317, NULL },
	{ "Kexample.com.+013+63549 ldns-keygen", 13, 257, 63549, rdata_013_63549,
	  point_013_63549 },
	{ "Kexample.com.+014+27514 dnssec-keygen", 14, 256, 27514, rdata_014_27514,
	  point_014_27514 },
	{ "Kexample.com.+015+10836 ldns-keygen", 15, 256, 10836, rdata_015_10836,
	  point_015_10836 },
	{ "Kexample.com.+015+53888 dnssec-keygen", 15, 257, 53888, rdata_015_53888,
	  point_015_53888 },
	{ "Kexample.com.+015+54016 dnssec-revoke", 15, 385, 54016, rdata_015_54016,
	  point_015_53888 },
	{ "Kexample.com.+016+31599 dnssec-keygen", 16, 256, 31599, rdata_016_31599,
	  point_016_31599 },
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct ds_vec {
	const char *rdata;
	int type;
	const char *digest;
};

/* dnssec-dsfromkey -a SHA-1 / SHA-256 / SHA-384 (ldns-key2ds -1 / -2 / -4 agree). */
static const struct ds_vec ds[] = {
	{ rdata_008_55189, 1, "a6fef517fc20a5f30316ded9bfbfb240312193b0" },
	{ rdata_008_55189, 2, "d443f8f8d8896976c48cc9bccbbf6e505fab9320c6bb8373d2b0dbdb138c8205" },
	{ rdata_008_55189, 4, "b974288a40903ec3a0f7b20a661ab73a3da93f0e95388114"
	                      "bf94aed3948be39f5acada9fecc228a94fd2eeed8a8342e1" },
	{ rdata_013_63549, 1, "dfbd7e3bd2bbbc4837739762c34ac9c1410086b7" },
	{ rdata_013_63549, 2, "d9c5228829eef1d1a2ace0484de7fd2920371db61b2840e9c9dcf00802dca13b" },
	{ rdata_013_63549, 4, "bf6fece194dc552c5dfd99f0b1b1f7ba09a002824d09a542"
	                      "3785e5018b444b1d0d5c780c038ba1a0f46ad36d9e8c4de1" },
	{ rdata_015_53888, 1, "d8f61c0fb33d91d192c18cd82f3274d12eac725a" },
	{ rdata_015_53888, 2, "8de14fd83e3481c9bd168071c4b8fbabffd2dcfc4fdc15bc01cd18c9faadacf0" },
	{ rdata_015_53888, 4, "5f7507a725b4a506e9b8bd8af6f55715bf40ad25ac4b678c"
	                      "abcc41ef832cd68d3fb2419f1aa2473afeb0605e3fadc021" },
	{ rdata_016_31599, 1, "32632e37a1536e1bafcc83f9830933e4aa19ccda" },
	{ rdata_016_31599, 2, "889b0b0813289c109e021342954e2358bc761c61dd77f532841a264b158099a1" },
	{ rdata_016_31599, 4, "f98fae3bd553a16267c2427fdbee626cd04b006bf192fc60"
	                      "38ddf1b0874eb5d10e655094256852538fd42f20edd07ff8" },
};
#define N_DS (sizeof(ds) / sizeof(ds[0]))

/* ---- algorithms ---- */

static void
test_alg_names_round_trip(void **state)
{
	static const int all[] = { 5, 7, 8, 10, 13, 14, 15, 16 };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *n = dns_alg_name(all[i]);

		assert_non_null(n);
		assert_int_equal(dns_alg_from_name(n), all[i]);
	}
	assert_string_equal(dns_alg_name(DNS_ALG_RSASHA256), "RSASHA256");
	assert_string_equal(dns_alg_name(7), "RSASHA1-NSEC3-SHA1");
	assert_string_equal(dns_alg_name(15), "ED25519");
	assert_null(dns_alg_name(0));
	assert_null(dns_alg_name(1));
	assert_null(dns_alg_name(12));
	assert_null(dns_alg_name(-1));
}

static void
test_alg_from_name_ignores_case_and_takes_numbers(void **state)
{
	(void)state;
	assert_int_equal(dns_alg_from_name("rsasha256"), 8);
	assert_int_equal(dns_alg_from_name("EcdsaP384Sha384"), 14);
	assert_int_equal(dns_alg_from_name("ed448"), 16);
	assert_int_equal(dns_alg_from_name("nsec3rsasha1"), 7);
	assert_int_equal(dns_alg_from_name("RSASHA1_NSEC3_SHA1"), 7);
	assert_int_equal(dns_alg_from_name("13"), 13);
	assert_int_equal(dns_alg_from_name("008"), 8);
	assert_int_equal(dns_alg_from_name("5"), 5);
	assert_int_equal(dns_alg_from_name("1"), -1);            /* RSAMD5: not supported */
	assert_int_equal(dns_alg_from_name("12"), -1);           /* ECC-GOST */
	assert_int_equal(dns_alg_from_name("1008"), -1);
	assert_int_equal(dns_alg_from_name("8 "), -1);
	assert_int_equal(dns_alg_from_name("-8"), -1);
	assert_int_equal(dns_alg_from_name("RSASHA25"), -1);
	assert_int_equal(dns_alg_from_name("RSASHA2566"), -1);
	assert_int_equal(dns_alg_from_name(""), -1);
	assert_int_equal(dns_alg_from_name(NULL), -1);
}

/* One row per algorithm: kind, default size, a size it refuses, hash and signature lengths
 * (RSA signature length for a 1025-bit modulus). */
static const struct {
	int alg;
	enum dns_key_kind kind;
	unsigned bits_default, bits_bad;
	size_t digest_len, sig_len;
} algs[] = {
	{ 5, DNS_KEY_RSA, 2048, 1023, 20, 129 },
	{ 7, DNS_KEY_RSA, 2048, 512, 20, 129 },
	{ 8, DNS_KEY_RSA, 2048, 4097, 32, 129 },
	{ 10, DNS_KEY_RSA, 2048, 8192, 64, 129 },
	{ 13, DNS_KEY_EC, 256, 384, 32, 64 },
	{ 14, DNS_KEY_EC, 384, 256, 48, 96 },
	{ 15, DNS_KEY_EDDSA, 256, 255, 0, 64 },
	{ 16, DNS_KEY_EDDSA, 456, 448, 0, 114 },
};

static void
test_alg_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct diag d = { { 0 }, { 0 } };
		enum dns_key_kind k = (enum dns_key_kind)-1;
		unsigned b = 0;
		int alg = algs[i].alg;

		assert_int_equal(dns_alg_kind(alg, &k), ODS_OK);
		assert_int_equal(k, algs[i].kind);
		assert_int_equal(dns_alg_bits_check(alg, 0, &b, &d), ODS_OK);
		assert_int_equal(b, algs[i].bits_default);
		assert_int_equal(dns_alg_bits_check(alg, b, NULL, NULL), ODS_OK);
		b = 7;
		assert_int_equal(dns_alg_bits_check(alg, algs[i].bits_bad, &b, &d), ODS_EINVAL);
		assert_int_equal(b, 7);
		assert_non_null(strstr(d.msg, dns_alg_name(alg)));
		assert_int_equal(dns_alg_digest_len(alg), algs[i].digest_len);
		assert_int_equal(dns_alg_sig_len(alg, 1025), algs[i].sig_len);
	}
}

static void
test_alg_edges(void **state)
{
	enum dns_key_kind k = DNS_KEY_EC;
	unsigned b = 7;

	(void)state;
	assert_int_equal(dns_alg_bits_check(8, 1024, &b, NULL), ODS_OK);
	assert_int_equal(b, 1024);
	assert_int_equal(dns_alg_bits_check(10, 4096, &b, NULL), ODS_OK);
	assert_int_equal(b, 4096);
	assert_int_equal(dns_alg_bits_check(14, 384, &b, NULL), ODS_OK);
	assert_int_equal(dns_alg_bits_check(99, 0, &b, NULL), ODS_EINVAL);
	assert_int_equal(dns_alg_kind(3, &k), ODS_EINVAL);
	assert_int_equal(k, DNS_KEY_EC);
	assert_int_equal(dns_alg_sig_len(8, 2048), 256);
	assert_int_equal(dns_alg_sig_len(8, 0), 0);
	assert_int_equal(dns_alg_sig_len(2, 1024), 0);
	assert_int_equal(dns_alg_digest_len(1), 0);
}

/* ---- public keys ---- */

static void
check_rsa(const char *mod_hex, const char *rdata_hex)
{
	static const uint8_t e65537[] = { 0x01, 0x00, 0x01 };
	static const uint8_t e_padded[] = { 0x00, 0x00, 0x01, 0x00, 0x01 };
	struct bytes mod = hex(mod_hex);
	struct bytes rd = hex(rdata_hex);
	struct bytes pub;
	struct bytes padded = { .len = 0 };

	assert_int_equal(dns_pubkey_rsa(e65537, 3, mod.b, mod.len, pub.b, sizeof(pub.b),
	                                &pub.len), ODS_OK);
	assert_int_equal(pub.len, rd.len - 4);
	assert_memory_equal(pub.b, rd.b + 4, pub.len);

	/* Leading zero bytes, as a token may report them, are dropped from both. */
	padded.b[0] = 0;
	memcpy(padded.b + 1, mod.b, mod.len);
	padded.len = mod.len + 1;
	assert_int_equal(dns_pubkey_rsa(e_padded, sizeof(e_padded), padded.b, padded.len, pub.b,
	                                sizeof(pub.b), &pub.len), ODS_OK);
	assert_int_equal(pub.len, rd.len - 4);
	assert_memory_equal(pub.b, rd.b + 4, pub.len);
}

static void
test_rsa_pubkey_matches_keygen_output(void **state)
{
	(void)state;
	check_rsa(mod_24093, rdata_008_24093);          /* 1024-bit ZSK, ldns-keygen */
	check_rsa(mod_55189, rdata_008_55189);          /* 2048-bit KSK, dnssec-keygen */
}

/* RFC 3110 §2: an exponent over 255 bytes is announced by a zero byte and a 16-bit length. */
static void
test_rsa_long_exponent_uses_three_byte_length(void **state)
{
	uint8_t e[300];
	uint8_t m[128];
	uint8_t want[3 + 256 + 128];
	uint8_t rd[DNS_DNSKEY_RDATA_MAX];
	struct bytes pub;
	size_t rd_len = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(e); i++)
		e[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(0x80 + i);
	memset(e, 0, 44);       /* leading zeros leave 300 - 44 = 256 significant bytes */
	e[44] = 0x01;
	want[0] = 0x00;
	want[1] = 0x01;
	want[2] = 0x00;
	memcpy(want + 3, e + 44, 256);
	memcpy(want + 3 + 256, m, sizeof(m));
	assert_int_equal(dns_pubkey_rsa(e, sizeof(e), m, sizeof(m), pub.b, sizeof(pub.b),
	                                &pub.len), ODS_OK);
	assert_int_equal(pub.len, sizeof(want));
	assert_memory_equal(pub.b, want, sizeof(want));

	/* That field makes a valid RDATA whose tag ldns computes the same way. */
	assert_int_equal(dns_dnskey_rdata(257, 8, pub.b, pub.len, rd, sizeof(rd), &rd_len),
	                 ODS_OK);
	assert_int_equal(rd_len, 4 + pub.len);
	assert_int_equal(dns_keytag(rd, rd_len), ldns_calc_keytag_raw(rd, rd_len));

	/* Exactly 255 bytes still fits the one-byte form. */
	assert_int_equal(dns_pubkey_rsa(e + 45, 255, m, sizeof(m), pub.b, sizeof(pub.b),
	                                &pub.len), ODS_OK);
	assert_int_equal(pub.len, 1 + 255 + sizeof(m));
	assert_int_equal(pub.b[0], 255);
	assert_memory_equal(pub.b + 1, e + 45, 255);
}

static void
test_rsa_pubkey_rejects_bad_input(void **state)
{
	static const uint8_t zeros[4] = { 0 };
	static const uint8_t e[] = { 0x01, 0x00, 0x01 };
	static const uint8_t m[] = { 0xc3, 0x5a, 0x77, 0x01 };
	uint8_t out[16];
	size_t n = 99;

	(void)state;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(dns_pubkey_rsa(zeros, 4, m, 4, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_rsa(e, 3, zeros, 4, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_rsa(e, 0, m, 4, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_rsa(NULL, 3, m, 4, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_rsa(e, 3, m, 4, out, 7, &n), ODS_ENOMEM);
	assert_int_equal(n, 99);
	assert_int_equal(out[0], 0xee);
	assert_int_equal(dns_pubkey_rsa(e, 3, m, 4, out, 8, &n), ODS_OK);
	assert_int_equal(n, 8);
}

/* The CKA_EC_POINT forms: the raw point, or the point inside a DER OCTET STRING. */
static struct bytes
der_octet_string(const struct bytes *v)
{
	struct bytes r = { .len = 0 };

	assert_true(v->len < 128);
	r.b[0] = 0x04;
	r.b[1] = (uint8_t)v->len;
	memcpy(r.b + 2, v->b, v->len);
	r.len = v->len + 2;
	return r;
}

static void
test_ec_and_eddsa_pubkeys_match_keygen_output(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key_vec *k = &keys[i];
		struct bytes rd, pt, wrapped, pub;

		if (k->point == NULL)
			continue;
		rd = hex(k->rdata);
		pt = hex(k->point);
		wrapped = der_octet_string(&pt);
		for (int form = 0; form < 2; form++) {
			const struct bytes *in = form == 0 ? &pt : &wrapped;
			ods_err rc;

			if (k->alg == 13 || k->alg == 14)
				rc = dns_pubkey_ec(in->b, in->len, k->alg, pub.b, sizeof(pub.b),
				                   &pub.len);
			else
				rc = dns_pubkey_eddsa(in->b, in->len, k->alg, pub.b, sizeof(pub.b),
				                      &pub.len);
			if (rc != ODS_OK)
				fail_msg("%s form %d: %d", k->file, form, rc);
			assert_int_equal(pub.len, rd.len - 4);
			assert_memory_equal(pub.b, rd.b + 4, pub.len);
		}
	}
}

static void
test_ec_pubkey_rejects_bad_points(void **state)
{
	struct bytes pt = hex(point_013_63549);
	struct bytes wrapped = der_octet_string(&pt);
	struct bytes p384 = hex(point_014_27514);
	uint8_t out[DNS_PUBKEY_MAX];
	size_t n = 5;

	(void)state;
	/* wrong algorithm, or a point of the other curve */
	assert_int_equal(dns_pubkey_ec(pt.b, pt.len, 14, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_ec(pt.b, pt.len, 8, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_ec(pt.b, pt.len, 15, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_ec(p384.b, p384.len, 13, out, sizeof(out), &n), ODS_EINVAL);
	/* X||Y without the 0x04 marker, a truncated point, a compressed point */
	assert_int_equal(dns_pubkey_ec(pt.b + 1, 64, 13, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_ec(pt.b, 64, 13, out, sizeof(out), &n), ODS_EINVAL);
	pt.b[0] = 0x02;
	assert_int_equal(dns_pubkey_ec(pt.b, 33, 13, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_ec(pt.b, pt.len, 13, out, sizeof(out), &n), ODS_EINVAL);
	/* OCTET STRING with a wrong length byte, a wrong tag, trailing bytes, a BER long form */
	wrapped.b[1] = 0x40;
	assert_int_equal(dns_pubkey_ec(wrapped.b, wrapped.len, 13, out, sizeof(out), &n),
	                 ODS_EINVAL);
	wrapped.b[1] = 0x41;
	wrapped.b[0] = 0x03;
	assert_int_equal(dns_pubkey_ec(wrapped.b, wrapped.len, 13, out, sizeof(out), &n),
	                 ODS_EINVAL);
	wrapped.b[0] = 0x04;
	assert_int_equal(dns_pubkey_ec(wrapped.b, wrapped.len + 1, 13, out, sizeof(out), &n),
	                 ODS_EINVAL);
	memmove(wrapped.b + 3, wrapped.b + 2, 65);
	wrapped.b[1] = 0x81;
	wrapped.b[2] = 0x41;
	assert_int_equal(dns_pubkey_ec(wrapped.b, 68, 13, out, sizeof(out), &n), ODS_EINVAL);
	/* too small a buffer */
	pt = hex(point_013_63549);
	assert_int_equal(dns_pubkey_ec(pt.b, pt.len, 13, out, 63, &n), ODS_ENOMEM);
	assert_int_equal(dns_pubkey_ec(NULL, 65, 13, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(n, 5);
}

static void
test_eddsa_pubkey_rejects_bad_keys(void **state)
{
	struct bytes k25519 = hex(point_015_53888);
	struct bytes k448 = hex(point_016_31599);
	uint8_t out[DNS_PUBKEY_MAX];
	size_t n = 5;

	(void)state;
	assert_int_equal(dns_pubkey_eddsa(k25519.b, 32, 16, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_eddsa(k448.b, 57, 15, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_eddsa(k25519.b, 31, 15, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_eddsa(k25519.b, 33, 15, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_eddsa(k448.b, 56, 16, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_eddsa(k25519.b, 32, 13, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_pubkey_eddsa(k25519.b, 32, 15, out, 31, &n), ODS_ENOMEM);
	assert_int_equal(n, 5);
}

/* ---- RDATA and key tags ---- */

static void
test_rdata_and_tag_match_keygen_output(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key_vec *k = &keys[i];
		struct bytes want = hex(k->rdata);
		uint8_t rd[DNS_DNSKEY_RDATA_MAX];
		size_t rd_len = 0;

		if (dns_keytag(want.b, want.len) != k->tag)
			fail_msg("%s: tag %u", k->file, dns_keytag(want.b, want.len));
		if (k->alg == 1)
			continue;               /* RSAMD5: tag only, we do not make such keys */
		assert_int_equal(dns_dnskey_rdata(k->flags, k->alg, want.b + 4, want.len - 4, rd,
		                                  sizeof(rd), &rd_len), ODS_OK);
		assert_bytes(rd, rd_len, &want);
	}
}

static void
test_zsk_ksk_and_revoke_flags(void **state)
{
	struct bytes ksk = hex(rdata_008_55189);
	struct bytes revoked = hex(rdata_008_55317);
	struct bytes ed = hex(rdata_015_53888);
	uint8_t rd[DNS_DNSKEY_RDATA_MAX];
	size_t rd_len = 0;

	(void)state;
	assert_int_equal(DNS_FLAG_ZONE | DNS_FLAG_SEP, 257);
	assert_int_equal(ksk.b[0] << 8 | ksk.b[1], DNS_FLAG_ZONE | DNS_FLAG_SEP);
	/* dnssec-revoke set bit 128 and renamed the key from 55189 to 55317 */
	assert_int_equal(dns_dnskey_rdata(DNS_FLAG_ZONE | DNS_FLAG_SEP | DNS_FLAG_REVOKE, 8,
	                                  ksk.b + 4, ksk.len - 4, rd, sizeof(rd), &rd_len), ODS_OK);
	assert_bytes(rd, rd_len, &revoked);
	assert_int_equal(dns_keytag(rd, rd_len), 55317);
	assert_int_equal(dns_keytag(ksk.b, ksk.len), 55189);

	/* the same for an Ed25519 KSK: 53888 -> 54016 */
	assert_int_equal(dns_dnskey_rdata(385, 15, ed.b + 4, 32, rd, sizeof(rd), &rd_len), ODS_OK);
	assert_int_equal(dns_keytag(rd, rd_len), 54016);

	/* the SEP bit is the low byte of the flags: the ZSK form of that key tags one lower */
	assert_int_equal(dns_dnskey_rdata(256, 15, ed.b + 4, 32, rd, sizeof(rd), &rd_len), ODS_OK);
	assert_int_equal(dns_keytag(rd, rd_len), (uint16_t)(53888 - 1));
}

static void
test_keytag_algorithm_1_uses_modulus_tail(void **state)
{
	struct bytes rd = hex(rdata_001_63327);

	(void)state;
	/* ldns-keygen -a RSAMD5 named the key 63327 = 0xf75f, the modulus ends ...f7 5f 71 */
	assert_int_equal(dns_keytag(rd.b, rd.len), 63327);
	assert_int_equal(ldns_calc_keytag_raw(rd.b, rd.len), 63327);
	/* the general rule would give another value for these bytes */
	rd.b[3] = 5;
	assert_int_not_equal(dns_keytag(rd.b, rd.len), 63327);
	assert_int_equal(dns_keytag(rd.b, rd.len), ldns_calc_keytag_raw(rd.b, rd.len));
}

static void
test_keytag_of_short_rdata_is_zero(void **state)
{
	static const uint8_t rd[] = { 0x01, 0x00, 0x03, 0x01, 0x03, 0x01 };

	(void)state;
	assert_int_equal(dns_keytag(NULL, 10), 0);
	assert_int_equal(dns_keytag(rd, 3), 0);
	assert_int_equal(dns_keytag(rd, 6), 0);         /* algorithm 1 needs 3 key bytes */
}

static void
test_rdata_rejects_mismatched_keys(void **state)
{
	struct bytes p256 = hex(rdata_013_63549);
	struct bytes rsa = hex(rdata_008_24093);
	uint8_t rd[DNS_DNSKEY_RDATA_MAX];
	size_t n = 3;
	static const uint8_t zero_exp[] = { 0x00, 0x00, 0x00, 0xc1, 0x01 };
	static const uint8_t exp_only[] = { 0x03, 0x01, 0x00, 0x01 };
	static const uint8_t short3[] = { 0x00, 0x01 };

	(void)state;
	assert_int_equal(dns_dnskey_rdata(256, 14, p256.b + 4, 64, rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 15, p256.b + 4, 64, rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 13, p256.b + 4, 63, rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 99, p256.b + 4, 64, rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 8, zero_exp, sizeof(zero_exp), rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 8, exp_only, sizeof(exp_only), rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 8, short3, sizeof(short3), rd, sizeof(rd), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 8, rsa.b + 4, 0, rd, sizeof(rd), &n), ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 8, NULL, 10, rd, sizeof(rd), &n), ODS_EINVAL);
	assert_int_equal(dns_dnskey_rdata(256, 8, rsa.b + 4, rsa.len - 4, rd, rsa.len - 1, &n),
	                 ODS_ENOMEM);
	assert_int_equal(n, 3);
}

/* ---- DS ---- */

static void
test_ds_digests_match_dsfromkey(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_DS; i++) {
		struct bytes rd = hex(ds[i].rdata);
		struct bytes want = hex(ds[i].digest);
		uint8_t out[DNS_DS_DIGEST_MAX];
		size_t n = 0;

		assert_int_equal(dns_ds_digest(owner, OWNER_LEN, rd.b, rd.len, ds[i].type, out,
		                               sizeof(out), &n), ODS_OK);
		assert_bytes(out, n, &want);
		/* the owner name is made canonical: case does not change the digest */
		n = 0;
		assert_int_equal(dns_ds_digest(owner_mixed, OWNER_LEN, rd.b, rd.len, ds[i].type,
		                               out, sizeof(out), &n), ODS_OK);
		assert_bytes(out, n, &want);
	}
}

static void
test_ds_rejects_bad_input(void **state)
{
	static const uint8_t pointer[] = { 0x03, 'c', 'o', 'm', 0xc0, 0x0c };
	static const uint8_t no_root[] = { 0x03, 'c', 'o', 'm' };
	static const uint8_t trailing[] = { 0x03, 'c', 'o', 'm', 0x00, 0x00 };
	static const uint8_t overrun[] = { 0x05, 'c', 'o', 'm', 0x00 };
	struct bytes rd = hex(rdata_013_63549);
	uint8_t out[DNS_DS_DIGEST_MAX];
	uint8_t big[300];
	size_t n = 77;

	(void)state;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(dns_ds_digest(owner, OWNER_LEN, rd.b, rd.len, 3, out, sizeof(out), &n),
	                 ODS_EINVAL);                   /* GOST */
	assert_int_equal(dns_ds_digest(owner, OWNER_LEN, rd.b, rd.len, 0, out, sizeof(out), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_ds_digest(pointer, sizeof(pointer), rd.b, rd.len, 2, out,
	                               sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_ds_digest(no_root, sizeof(no_root), rd.b, rd.len, 2, out,
	                               sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_ds_digest(trailing, sizeof(trailing), rd.b, rd.len, 2, out,
	                               sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_ds_digest(overrun, sizeof(overrun), rd.b, rd.len, 2, out,
	                               sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_ds_digest(owner, 0, rd.b, rd.len, 2, out, sizeof(out), &n),
	                 ODS_EINVAL);
	/* a 256-byte name: five labels of 50 plus root would be 256 */
	memset(big, 'a', sizeof(big));
	for (size_t i = 0; i < 5; i++)
		big[i * 51] = 50;
	big[255] = 0;
	assert_int_equal(dns_ds_digest(big, 256, rd.b, rd.len, 2, out, sizeof(out), &n),
	                 ODS_EINVAL);
	big[204] = 49;                          /* last label one shorter: 255 bytes, valid */
	big[254] = 0;
	assert_int_equal(dns_ds_digest(big, 255, rd.b, rd.len, 2, out, sizeof(out), &n), ODS_OK);
	n = 77;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(dns_ds_digest(owner, OWNER_LEN, rd.b, 3, 2, out, sizeof(out), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_ds_digest(owner, OWNER_LEN, rd.b, rd.len, 4, out, 47, &n),
	                 ODS_ENOMEM);
	assert_int_equal(n, 77);
	assert_int_equal(out[0], 0xee);
}

/* ---- DigestInfo ---- */

static void
test_digest_info_matches_openssl(void **state)
{
	/* openssl dgst -<h> -sign key msg | openssl pkeyutl -verifyrecover -pkeyopt
	 * rsa_padding_mode:pkcs1, with msg "abc" */
	static const struct {
		int alg;
		const char *digest;
		const char *info;
	} v[] = {
		{ 5, "a9993e364706816aba3e25717850c26c9cd0d89d",
		  "3021300906052b0e03021a05000414a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ 7, "a9993e364706816aba3e25717850c26c9cd0d89d",
		  "3021300906052b0e03021a05000414a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ 8, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		  "3031300d060960864801650304020105000420"
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ 10, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		  "3051300d060960864801650304020305000440"
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct bytes dg = hex(v[i].digest);
		struct bytes want = hex(v[i].info);
		uint8_t out[DNS_DIGEST_INFO_MAX];
		size_t n = 0;

		assert_int_equal(dg.len, dns_alg_digest_len(v[i].alg));
		assert_int_equal(dns_digest_info(v[i].alg, dg.b, dg.len, out, sizeof(out), &n),
		                 ODS_OK);
		assert_bytes(out, n, &want);
	}
}

static void
test_digest_info_rejects_bad_input(void **state)
{
	uint8_t dg[64] = { 0 };
	uint8_t out[DNS_DIGEST_INFO_MAX];
	size_t n = 9;

	(void)state;
	assert_int_equal(dns_digest_info(13, dg, 32, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(15, dg, 0, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(1, dg, 16, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(8, dg, 20, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(5, dg, 32, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(10, dg, 48, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(8, NULL, 32, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_digest_info(8, dg, 32, out, 50, &n), ODS_ENOMEM);
	assert_int_equal(n, 9);
	assert_int_equal(dns_digest_info(8, dg, 32, out, 51, &n), ODS_OK);
	assert_int_equal(n, 51);
}

/* ---- ECDSA signature forms ---- */

static void
check_der_raw(int alg, const char *der_hex, const char *raw_hex)
{
	struct bytes der = hex(der_hex);
	struct bytes raw = hex(raw_hex);
	uint8_t out[DNS_ECDSA_DER_MAX];
	size_t n = 0;

	assert_int_equal(dns_ecdsa_der_to_raw(der.b, der.len, alg, out, sizeof(out), &n), ODS_OK);
	assert_bytes(out, n, &raw);
	n = 0;
	assert_int_equal(dns_ecdsa_raw_to_der(raw.b, raw.len, out, sizeof(out), &n), ODS_OK);
	assert_bytes(out, n, &der);
}

static void
test_ecdsa_openssl_signatures_convert_both_ways(void **state)
{
	(void)state;
	/* P-256, r of 31 bytes (asn1parse: INTEGER :4A477B...A0F4), s of 32 */
	check_der_raw(13,
	              "3043021f4a477b674fbe5bda81970ea239fab8297c330e82737c81a55d73696ed3a0f4"
	              "022020f2e9d2dac5ae2bae441a65fb73bddc0f4b3dcabd7af8644aead81ec96cba60",
	              "004a477b674fbe5bda81970ea239fab8297c330e82737c81a55d73696ed3a0f4"
	              "20f2e9d2dac5ae2bae441a65fb73bddc0f4b3dcabd7af8644aead81ec96cba60");
	/* P-384, r with its high bit set (49 bytes with the sign byte), s of 47 bytes */
	check_der_raw(14,
	              "3064023100e3b038f463640093fe3abbf66e2d494fd4fafebfc9d8587ea06f920bec42"
	              "c566e0c2815077a31bdd7dfb16528acdfdcc022f2d95792044fb612c25cfb4d68ff620"
	              "70d6d9cc0026619f243fc9bd8c97797dee4cfb9c73e8e8ff3ee650fce3f4a989",
	              "e3b038f463640093fe3abbf66e2d494fd4fafebfc9d8587ea06f920bec42c566"
	              "e0c2815077a31bdd7dfb16528acdfdcc"
	              "002d95792044fb612c25cfb4d68ff62070d6d9cc0026619f243fc9bd8c97797d"
	              "ee4cfb9c73e8e8ff3ee650fce3f4a989");
}

static void
test_ecdsa_hand_built_edge_values(void **state)
{
	uint8_t raw[64];
	uint8_t der[DNS_ECDSA_DER_MAX];
	uint8_t back[DNS_ECDSA_RAW_MAX];
	size_t n = 0, m = 0;

	(void)state;
	/* r = 0x80 followed by zeros (needs a sign byte), s = 1 (31 leading zero bytes) */
	memset(raw, 0, sizeof(raw));
	raw[0] = 0x80;
	raw[63] = 0x01;
	assert_int_equal(dns_ecdsa_raw_to_der(raw, 64, der, sizeof(der), &n), ODS_OK);
	assert_int_equal(n, 2 + 35 + 3);
	assert_int_equal(der[0], 0x30);
	assert_int_equal(der[1], 38);
	assert_int_equal(der[2], 0x02);
	assert_int_equal(der[3], 33);
	assert_int_equal(der[4], 0x00);
	assert_int_equal(der[5], 0x80);
	assert_int_equal(der[37], 0x02);
	assert_int_equal(der[38], 1);
	assert_int_equal(der[39], 0x01);
	assert_int_equal(dns_ecdsa_der_to_raw(der, n, 13, back, sizeof(back), &m), ODS_OK);
	assert_int_equal(m, 64);
	assert_memory_equal(back, raw, 64);

	/* r = 0 encodes as INTEGER 0 and comes back as 32 zero bytes */
	raw[0] = 0;
	assert_int_equal(dns_ecdsa_raw_to_der(raw, 64, der, sizeof(der), &n), ODS_OK);
	assert_int_equal(n, 8);
	assert_int_equal(der[3], 1);
	assert_int_equal(der[4], 0);
	assert_int_equal(dns_ecdsa_der_to_raw(der, n, 13, back, sizeof(back), &m), ODS_OK);
	assert_memory_equal(back, raw, 64);
}

static void
test_ecdsa_rejects_bad_der(void **state)
{
	static const char *const bad[] = {
		"",
		"30",
		"3006020101020101ff",                   /* trailing byte */
		"3007020101020101",                     /* SEQUENCE longer than the input */
		"3005020101020101",                     /* SEQUENCE shorter than its content */
		"3106020101020101",                     /* SET, not SEQUENCE */
		"3006020181020101",                     /* negative r */
		"3006020101020180",                     /* negative s */
		"300702020001020101",                   /* non-minimal r */
		"3006020101030101",                     /* s not an INTEGER */
		"30050200020101",                       /* empty INTEGER */
		"308106020101020101",                   /* long-form length */
		"3003020101",                           /* s missing */
		"3006020301020101",                     /* r runs into s */
	};
	/* r = 01 followed by 32 zero bytes: too large for P-256, fits P-384 */
	struct bytes big = hex("3026022101"
	                       "0000000000000000000000000000000000000000000000000000000000000000"
	                       "020101");
	struct bytes ok = hex("3006020101020101");
	uint8_t out[DNS_ECDSA_RAW_MAX];
	size_t n = 4;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bytes b = hex(bad[i]);

		if (dns_ecdsa_der_to_raw(b.b, b.len, 13, out, sizeof(out), &n) != ODS_EINVAL)
			fail_msg("accepted %s", bad[i]);
	}
	assert_int_equal(dns_ecdsa_der_to_raw(big.b, big.len, 13, out, sizeof(out), &n),
	                 ODS_EINVAL);
	assert_int_equal(dns_ecdsa_der_to_raw(ok.b, ok.len, 8, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_ecdsa_der_to_raw(ok.b, ok.len, 15, out, sizeof(out), &n), ODS_EINVAL);
	assert_int_equal(dns_ecdsa_der_to_raw(ok.b, ok.len, 13, out, 63, &n), ODS_ENOMEM);
	assert_int_equal(n, 4);
	assert_int_equal(dns_ecdsa_der_to_raw(big.b, big.len, 14, out, sizeof(out), &n), ODS_OK);
	assert_int_equal(n, 96);
	assert_int_equal(out[15], 0x01);
	assert_int_equal(dns_ecdsa_der_to_raw(ok.b, ok.len, 13, out, 64, &n), ODS_OK);
	assert_int_equal(n, 64);
}

static void
test_ecdsa_raw_rejects_bad_lengths(void **state)
{
	uint8_t raw[132] = { 0xff };
	uint8_t der[DNS_ECDSA_DER_MAX];
	size_t n = 4;

	(void)state;
	assert_int_equal(dns_ecdsa_raw_to_der(raw, 63, der, sizeof(der), &n), ODS_EINVAL);
	assert_int_equal(dns_ecdsa_raw_to_der(raw, 132, der, sizeof(der), &n), ODS_EINVAL);
	assert_int_equal(dns_ecdsa_raw_to_der(raw, 0, der, sizeof(der), &n), ODS_EINVAL);
	assert_int_equal(dns_ecdsa_raw_to_der(NULL, 64, der, sizeof(der), &n), ODS_EINVAL);
	assert_int_equal(dns_ecdsa_raw_to_der(raw, 64, der, 10, &n), ODS_ENOMEM);
	assert_int_equal(n, 4);
}

/* Signatures made by OpenSSL with a fresh key must convert to raw and back unchanged and still
 * verify. Signing goes on until both a short integer (about one signature in 128) and one with
 * a sign byte (one in two) have been seen, at least 200 times and at most 20000 (the chance of
 * meeting no short integer in 20000 is below 1e-60). */
static void
round_trip_openssl(const char *curve, int alg)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	const EVP_MD *md = alg == 13 ? EVP_sha256() : EVP_sha384();
	size_t n = dns_alg_sig_len(alg, 0) / 2;
	int seen_short = 0, seen_sign = 0;
	int i;

	assert_non_null(key);
	for (i = 0; i < 20000 && (i < 200 || !seen_short || !seen_sign); i++) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		uint8_t msg[4] = { (uint8_t)i, (uint8_t)(i >> 8), 0x5a, 0xa5 };
		uint8_t sig[DNS_ECDSA_DER_MAX + 8];
		uint8_t raw[DNS_ECDSA_RAW_MAX];
		uint8_t der[DNS_ECDSA_DER_MAX];
		size_t sig_len = sizeof(sig), raw_len = 0, der_len = 0;
		size_t rl, sl;

		assert_non_null(ctx);
		assert_int_equal(EVP_DigestSignInit(ctx, NULL, md, NULL, key), 1);
		assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, msg, sizeof(msg)), 1);
		EVP_MD_CTX_free(ctx);
		assert_int_equal(dns_ecdsa_der_to_raw(sig, sig_len, alg, raw, sizeof(raw),
		                                      &raw_len), ODS_OK);
		assert_int_equal(raw_len, 2 * n);
		assert_int_equal(dns_ecdsa_raw_to_der(raw, raw_len, der, sizeof(der), &der_len),
		                 ODS_OK);
		assert_int_equal(der_len, sig_len);
		assert_memory_equal(der, sig, sig_len);
		/* SEQUENCE header, then r's INTEGER header at 2, s's after r */
		rl = sig[3];
		sl = sig[4 + rl + 1];
		seen_short |= rl < n || sl < n;
		seen_sign |= rl > n || sl > n;

		ctx = EVP_MD_CTX_new();
		assert_non_null(ctx);
		assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, md, NULL, key), 1);
		assert_int_equal(EVP_DigestVerify(ctx, der, der_len, msg, sizeof(msg)), 1);
		EVP_MD_CTX_free(ctx);
	}
	assert_true(seen_short);
	assert_true(seen_sign);
	EVP_PKEY_free(key);
}

static void
test_ecdsa_round_trip_openssl_signatures(void **state)
{
	(void)state;
	round_trip_openssl("P-256", 13);
	round_trip_openssl("P-384", 14);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_names_round_trip),
		cmocka_unit_test(test_alg_from_name_ignores_case_and_takes_numbers),
		cmocka_unit_test(test_alg_table),
		cmocka_unit_test(test_alg_edges),
		cmocka_unit_test(test_rsa_pubkey_matches_keygen_output),
		cmocka_unit_test(test_rsa_long_exponent_uses_three_byte_length),
		cmocka_unit_test(test_rsa_pubkey_rejects_bad_input),
		cmocka_unit_test(test_ec_and_eddsa_pubkeys_match_keygen_output),
		cmocka_unit_test(test_ec_pubkey_rejects_bad_points),
		cmocka_unit_test(test_eddsa_pubkey_rejects_bad_keys),
		cmocka_unit_test(test_rdata_and_tag_match_keygen_output),
		cmocka_unit_test(test_zsk_ksk_and_revoke_flags),
		cmocka_unit_test(test_keytag_algorithm_1_uses_modulus_tail),
		cmocka_unit_test(test_keytag_of_short_rdata_is_zero),
		cmocka_unit_test(test_rdata_rejects_mismatched_keys),
		cmocka_unit_test(test_ds_digests_match_dsfromkey),
		cmocka_unit_test(test_ds_rejects_bad_input),
		cmocka_unit_test(test_digest_info_matches_openssl),
		cmocka_unit_test(test_digest_info_rejects_bad_input),
		cmocka_unit_test(test_ecdsa_openssl_signatures_convert_both_ways),
		cmocka_unit_test(test_ecdsa_hand_built_edge_values),
		cmocka_unit_test(test_ecdsa_rejects_bad_der),
		cmocka_unit_test(test_ecdsa_raw_rejects_bad_lengths),
		cmocka_unit_test(test_ecdsa_round_trip_openssl_signatures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
