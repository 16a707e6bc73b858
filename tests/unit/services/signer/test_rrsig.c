/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for services/signer/zone/rrsig.c. The signing input is judged by a second
 * implementation: RRsets with mixed-case owners and embedded names are signed in the test
 * with keys generated here, exactly as services/keystore signs (a bare digest for RSA, which
 * the test wraps in the DigestInfo as the keystore does, the digest for ECDSA converted to
 * r||s, the whole input for EdDSA), and ldns verifies the result against DNSKEYs that ldns
 * builds from the public keys. Hand-made byte strings pin the layout, the sort order and the
 * duplicate rule; SHA test vectors pin what the keystore is sent. The reuse rules and the
 * validity window are table tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ldns/ldns.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "lib/base/hex.h"
#include "lib/dns/dnskey.h"
#include "lib/dns/name.h"
#include "services/signer/zone/rrsig.h"

#define T_INCEPTION 1700000000u
#define T_EXPIRATION 1702592000u /* + 30 days */
#define T_CHECK ((time_t)1701000000)
#define SIG_MAX 1024

/* --- helpers --------------------------------------------------------------------------- */

static size_t
wire(const char *name, uint8_t *out)
{
	size_t len = 0;

	assert_int_equal(dns_name_to_wire(name, out, DNS_NAME_WIRE_MAX, &len), ODS_OK);
	return len;
}

static ldns_rr *
rr_new(const char *s)
{
	ldns_rr *r = NULL;

	assert_int_equal(ldns_rr_new_frm_str(&r, s, 3600, NULL, NULL), LDNS_STATUS_OK);
	return r;
}

static void
hex_is(const uint8_t *got, size_t got_len, const char *want_hex)
{
	uint8_t want[512];
	size_t want_len = 0;

	assert_true(hex_decode(want_hex, want, sizeof(want), &want_len));
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

/* One RRset as the signer sees it (struct zrdata over uncompressed wire) and as ldns sees it
 * (the records as given, duplicates left out since ldns does not remove them). */
struct set {
	uint8_t owner[DNS_NAME_WIRE_MAX];
	size_t owner_len;
	uint16_t type;
	size_t n;
	struct zrdata rd[16];
	uint8_t *mem[16];
	ldns_rr_list *ldns;
};

/* Add record r (taken) to s; the first record gives the owner and type. */
static void
set_add(struct set *s, ldns_rr *r)
{
	ldns_buffer *b = ldns_buffer_new(512);
	size_t i = s->n;
	bool dup = false;

	assert_true(i < 16);
	if (s->ldns == NULL) {
		ldns_rdf *o = ldns_rr_owner(r);
		s->ldns = ldns_rr_list_new();
		s->owner_len = ldns_rdf_size(o);
		memcpy(s->owner, ldns_rdf_data(o), s->owner_len);
		s->type = (uint16_t)ldns_rr_get_type(r);
	}
	assert_int_equal(ldns_rr_rdata2buffer_wire(b, r), LDNS_STATUS_OK);
	s->mem[i] = malloc(ldns_buffer_position(b) + 1);
	assert_non_null(s->mem[i]);
	memcpy(s->mem[i], ldns_buffer_begin(b), ldns_buffer_position(b));
	s->rd[i].data = s->mem[i];
	s->rd[i].len = (uint16_t)ldns_buffer_position(b);
	s->n++;
	ldns_buffer_free(b);
	for (size_t j = 0; j < ldns_rr_list_rr_count(s->ldns); j++)
		dup |= ldns_rr_compare(ldns_rr_list_rr(s->ldns, j), r) == 0;
	if (dup)
		ldns_rr_free(r);
	else
		ldns_rr_list_push_rr(s->ldns, r);
}

static void
set_build(struct set *s, const char *const *rrs)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; rrs[i] != NULL; i++)
		set_add(s, rr_new(rrs[i]));
}

static void
set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->mem[i]);
	ldns_rr_list_deep_free(s->ldns);
}

/* --- keys ------------------------------------------------------------------------------ */

struct key {
	int alg;
	EVP_PKEY *pk;     /* borrowed from struct keys */
	ldns_rr *dnskey;  /* made by ldns_key2rr */
	uint16_t keytag;
};

struct keys {
	EVP_PKEY *rsa, *p256, *p384, *ed25519, *ed448;
	struct key k[8];  /* algorithms 5 7 8 10 13 14 15 16, ZSK flags */
	struct key ksk;   /* ECDSA P-256 again, KSK flags, for the DNSKEY RRset */
};

static ldns_rr *
ldns_dnskey(int alg, EVP_PKEY *pk, uint16_t flags)
{
	ldns_key *k = ldns_key_new();
	ldns_rdf *owner = ldns_dname_new_frm_str("ExAmPle.COM.");
	ldns_rr *r;

	assert_non_null(k);
	assert_non_null(owner);
	ldns_key_set_algorithm(k, (ldns_signing_algorithm)alg);
	assert_int_equal(EVP_PKEY_up_ref(pk), 1);
	ldns_key_set_evp_key(k, pk); /* ldns_key_deep_free drops this reference */
	ldns_key_set_flags(k, flags);
	ldns_key_set_pubkey_owner(k, owner);
	r = ldns_key2rr(k);
	assert_non_null(r);
	ldns_rr_set_ttl(r, 3600);
	ldns_key_deep_free(k);
	return r;
}

static struct key
key_make(int alg, EVP_PKEY *pk, uint16_t flags)
{
	struct key k = {.alg = alg, .pk = pk};

	k.dnskey = ldns_dnskey(alg, pk, flags);
	k.keytag = ldns_calc_keytag(k.dnskey);
	return k;
}

static int
setup_keys(void **state)
{
	static const int algs[8] = {5, 7, 8, 10, 13, 14, 15, 16};
	struct keys *ks = calloc(1, sizeof(*ks));

	if (ks == NULL)
		return -1;
	ks->rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ks->p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ks->p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	ks->ed25519 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ks->ed448 = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	if (!ks->rsa || !ks->p256 || !ks->p384 || !ks->ed25519 || !ks->ed448)
		return -1;
	for (size_t i = 0; i < 8; i++) {
		int a = algs[i];
		EVP_PKEY *pk = a <= 10 ? ks->rsa : a == 13 ? ks->p256 : a == 14 ? ks->p384
		               : a == 15 ? ks->ed25519 : ks->ed448;
		ks->k[i] = key_make(a, pk, 256);
	}
	ks->ksk = key_make(13, ks->p256, 257);
	*state = ks;
	return 0;
}

static int
teardown_keys(void **state)
{
	struct keys *ks = *state;

	for (size_t i = 0; i < 8; i++)
		ldns_rr_free(ks->k[i].dnskey);
	ldns_rr_free(ks->ksk.dnskey);
	EVP_PKEY_free(ks->rsa);
	EVP_PKEY_free(ks->p256);
	EVP_PKEY_free(ks->p384);
	EVP_PKEY_free(ks->ed25519);
	EVP_PKEY_free(ks->ed448);
	free(ks);
	return 0;
}

/* Sign as services/keystore does with what zs_keystore_input says to send. */
static size_t
sign(const struct key *k, const uint8_t *in, size_t in_len, uint8_t *sig)
{
	uint8_t dig[ZS_INPUT_MAX], info[DNS_DIGEST_INFO_MAX], der[DNS_ECDSA_DER_MAX];
	size_t dl = 99, il = 0, slen = SIG_MAX, derlen = sizeof(der);
	enum dns_key_kind kind;
	EVP_PKEY_CTX *ctx;

	assert_int_equal(zs_keystore_input((uint8_t)k->alg, in, in_len, dig, &dl), ODS_OK);
	assert_int_equal(dl, dns_alg_digest_len(k->alg)); /* the keystore's length check */
	assert_int_equal(dns_alg_kind(k->alg, &kind), ODS_OK);
	if (kind == DNS_KEY_EDDSA) {
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		assert_int_equal(dl, 0);
		assert_int_equal(EVP_DigestSignInit(m, NULL, NULL, NULL, k->pk), 1);
		assert_int_equal(EVP_DigestSign(m, sig, &slen, in, in_len), 1);
		EVP_MD_CTX_free(m);
		return slen;
	}
	ctx = EVP_PKEY_CTX_new(k->pk, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
	if (kind == DNS_KEY_RSA) {
		/* CKM_RSA_PKCS: PKCS#1 v1.5 padding around the DigestInfo the keystore builds */
		assert_int_equal(dns_digest_info(k->alg, dig, dl, info, sizeof(info), &il), ODS_OK);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
		assert_int_equal(EVP_PKEY_sign(ctx, sig, &slen, info, il), 1);
		EVP_PKEY_CTX_free(ctx);
		return slen;
	}
	/* CKM_ECDSA: the digest as given; DER from OpenSSL, r||s in the RRSIG (RFC 6605 §4) */
	assert_int_equal(EVP_PKEY_sign(ctx, der, &derlen, dig, dl), 1);
	EVP_PKEY_CTX_free(ctx);
	const uint8_t *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	const BIGNUM *r = NULL, *s = NULL;
	int half = k->alg == 13 ? 32 : 48;

	assert_non_null(es);
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_bn2binpad(r, sig, half), half);
	assert_int_equal(BN_bn2binpad(s, sig + half, half), half);
	ECDSA_SIG_free(es);
	return (size_t)(2 * half);
}

/* The RRSIG record (owner, class IN, TTL 3600) with rdata prefix || sig, parsed by ldns. */
static ldns_rr *
rrsig_rr(const struct set *s, const uint8_t *prefix, size_t prefix_len, const uint8_t *sig,
         size_t sig_len)
{
	uint8_t w[2048];
	size_t at = 0, rdlen = prefix_len + sig_len, pos = 0;
	ldns_rr *r = NULL;

	assert_true(s->owner_len + 10 + rdlen <= sizeof(w));
	memcpy(w, s->owner, s->owner_len);
	at = s->owner_len;
	w[at++] = 0, w[at++] = 46, w[at++] = 0, w[at++] = 1;
	w[at++] = 0, w[at++] = 0, w[at++] = 0x0e, w[at++] = 0x10;
	w[at++] = (uint8_t)(rdlen >> 8), w[at++] = (uint8_t)rdlen;
	memcpy(w + at, prefix, prefix_len);
	memcpy(w + at + prefix_len, sig, sig_len);
	at += rdlen;
	assert_int_equal(ldns_wire2rr(&r, w, at, &pos, LDNS_SECTION_ANSWER), LDNS_STATUS_OK);
	return r;
}

static ldns_status
verify(const struct set *s, const ldns_rr *rrsig, const struct key *k)
{
	ldns_rr_list *keys = ldns_rr_list_new(), *good = ldns_rr_list_new();
	ldns_status st;

	ldns_rr_list_push_rr(keys, k->dnskey);
	st = ldns_verify_rrsig_keylist_time(s->ldns, rrsig, keys, T_CHECK, good);
	if (st == LDNS_STATUS_OK)
		assert_int_equal(ldns_rr_list_rr_count(good), 1);
	ldns_rr_list_free(good);
	ldns_rr_list_free(keys); /* shallow: the DNSKEY stays k's */
	return st;
}

/* Sign set s with k via zs_signing_input and check ldns accepts it. Returns the RRSIG. */
static ldns_rr *
sign_set(const struct set *s, const struct key *k, uint32_t original_ttl)
{
	uint8_t apex[DNS_NAME_WIRE_MAX], sig[SIG_MAX];
	size_t apex_len = wire("eXaMpLe.CoM.", apex), prefix_len = 0, slen;
	struct zs_sig_fields f = {
	    .type_covered = s->type,
	    .algorithm = (uint8_t)k->alg,
	    .labels = zs_labels(s->owner, s->owner_len),
	    .original_ttl = original_ttl,
	    .expiration = T_EXPIRATION,
	    .inception = T_INCEPTION,
	    .keytag = k->keytag,
	    .signer = apex,
	    .signer_len = apex_len,
	};
	struct zs_buf b = {0};
	struct diag d = {0};
	ldns_rr *rrsig;

	assert_int_equal(zs_signing_input(&f, s->owner, s->owner_len, ZRR_CLASS_IN, s->rd, s->n,
	                                  &b, &prefix_len, &d),
	                 ODS_OK);
	assert_int_equal(prefix_len, 18 + apex_len);
	slen = sign(k, b.p, b.len, sig);
	rrsig = rrsig_rr(s, b.p, prefix_len, sig, slen);
	zs_buf_free(&b);
	return rrsig;
}

/* --- the signing input, judged by ldns ---------------------------------------------------- */

static const char *const set_a[] = {
    "WwW.ExAmPle.COM. 300 IN A 192.0.2.3",
    "www.example.com. 600 IN A 192.0.2.1",
    "WWW.EXAMPLE.COM. 300 IN A 10.0.0.1",
    "www.example.com. 300 IN A 192.0.2.1", /* duplicate */
    "www.Example.com. 300 IN A 192.0.2.2",
    NULL,
};
static const char *const set_mx[] = {
    "ExAmPle.COM. IN MX 10 Mail.EXAMPLE.com.",
    "example.com. IN MX 5 MX2.Example.NET.",
    "EXAMPLE.com. IN MX 10 mail.example.COM.", /* duplicate once lower-cased */
    "example.com. IN MX 20 b.Example.COM.",
    NULL,
};
static const char *const set_ns[] = {
    "ExAmPle.COM. IN NS NS1.ExAmPle.COM.",
    "example.com. IN NS ns2.OTHER.org.",
    "example.com. IN NS Ns0.example.COM.",
    NULL,
};
static const char *const set_cname[] = {
    "Alias.ExAmPle.COM. IN CNAME Target.EXAMPLE.com.",
    NULL,
};
static const char *const set_soa[] = {
    "ExAmPle.COM. IN SOA NS1.Example.COM. HostMaster.Example.COM. 2024010101 3600 900 604800 "
    "300",
    NULL,
};
static const char *const set_srv[] = {
    "_Sip._TCP.ExAmPle.COM. IN SRV 10 60 5060 BigBox.Example.COM.",
    "_sip._tcp.example.com. IN SRV 10 20 5060 SmallBox.EXAMPLE.com.",
    NULL,
};
static const char *const set_naptr[] = {
    "ExAmPle.COM. IN NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _Sip._UDP.ExAmPle.COM.",
    "example.com. IN NAPTR 102 10 \"S\" \"SIP+D2T\" \"\" _SIP._tcp.example.com.",
    NULL,
};
static const char *const set_txt[] = {
    "ExAmPle.COM. IN TXT \"Mixed Case Stays\" \"ABC\"",
    "example.com. IN TXT \"abc\"",
    NULL,
};
static const char *const set_nsec[] = {
    /* RFC 6840 §5.1: the next name of an NSEC keeps its case in the signing input */
    "ExAmPle.COM. IN NSEC WwW.ExAmPle.COM. A NS SOA MX TXT RRSIG NSEC DNSKEY",
    NULL,
};
static const char *const set_wild[] = {
    "*.ExAmPle.COM. IN MX 10 Mail.EXAMPLE.com.",
    "*.example.com. IN MX 20 Other.Example.NET.",
    NULL,
};

static const char *const *const sets[] = {
    set_a, set_mx, set_ns, set_cname, set_soa, set_srv, set_naptr, set_txt, set_nsec, set_wild,
};

static void
test_every_type_and_algorithm_verifies_with_ldns(void **state)
{
	const struct keys *ks = *state;

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct set s;

		set_build(&s, sets[i]);
		for (size_t j = 0; j < 8; j++) {
			ldns_rr *rrsig = sign_set(&s, &ks->k[j], 3600);
			ldns_status st = verify(&s, rrsig, &ks->k[j]);

			if (st != LDNS_STATUS_OK)
				fail_msg("set %zu (%s) algorithm %d: %s", i, sets[i][0], ks->k[j].alg,
				         ldns_get_errorstr_by_id(st));
			ldns_rr_free(rrsig);
		}
		set_free(&s);
	}
}

static void
test_wildcard_labels_and_owner(void **state)
{
	const struct keys *ks = *state;
	struct set s;
	ldns_rr *rrsig;

	set_build(&s, set_wild);
	assert_int_equal(zs_labels(s.owner, s.owner_len), 2);
	rrsig = sign_set(&s, &ks->k[4], 3600);
	assert_int_equal(ldns_rdf2native_int8(ldns_rr_rrsig_labels(rrsig)), 2);
	assert_int_equal(verify(&s, rrsig, &ks->k[4]), LDNS_STATUS_OK);
	ldns_rr_free(rrsig);
	set_free(&s);
}

static void
test_dnskey_rrset_signed_by_ksk_verifies(void **state)
{
	const struct keys *ks = *state;
	struct set s = {0};
	ldns_rr *rrsig;

	/* the ZSKs (Ed25519, P-256, RSA) after the KSK: the input must sort them */
	set_add(&s, ldns_rr_clone(ks->k[6].dnskey));
	set_add(&s, ldns_rr_clone(ks->ksk.dnskey));
	set_add(&s, ldns_rr_clone(ks->k[4].dnskey));
	set_add(&s, ldns_rr_clone(ks->k[2].dnskey));
	assert_int_equal(s.type, ZT_DNSKEY);
	assert_int_equal(s.n, 4);
	rrsig = sign_set(&s, &ks->ksk, 3600);
	assert_int_equal(verify(&s, rrsig, &ks->ksk), LDNS_STATUS_OK);
	ldns_rr_free(rrsig);
	set_free(&s);
}

/* The negative controls: the checks above can fail. */
static void
test_ldns_rejects_tampering(void **state)
{
	const struct keys *ks = *state;
	const char *other[] = {
	    "www.example.com. IN A 192.0.2.3", "www.example.com. IN A 192.0.2.1",
	    "www.example.com. IN A 10.0.0.1", "www.example.com. IN A 192.0.2.4", NULL,
	};
	struct set s, t;

	set_build(&s, set_a);
	set_build(&t, other);
	for (size_t j = 0; j < 8; j++) {
		ldns_rr *rrsig = sign_set(&s, &ks->k[j], 3600);
		ldns_rdf *sig = ldns_rr_rdf(rrsig, 8);

		assert_int_equal(verify(&s, rrsig, &ks->k[j]), LDNS_STATUS_OK);
		assert_int_not_equal(verify(&t, rrsig, &ks->k[j]), LDNS_STATUS_OK);
		ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x01;
		assert_int_not_equal(verify(&s, rrsig, &ks->k[j]), LDNS_STATUS_OK);
		ldns_rr_free(rrsig);
	}
	set_free(&s);
	set_free(&t);
}

/* ldns's own canonical form (ldns_rr2canonical, sort, TTL from the RRSIG) equals ours. */
static void
test_input_equals_ldns_canonical_form(void **state)
{
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct set s;
		uint8_t apex[DNS_NAME_WIRE_MAX];
		size_t apex_len = wire("eXaMpLe.CoM.", apex), prefix_len = 0;
		struct zs_sig_fields f = {
		    .type_covered = 0, .algorithm = 13, .original_ttl = 777,
		    .expiration = T_EXPIRATION, .inception = T_INCEPTION, .keytag = 4242,
		    .signer = apex, .signer_len = apex_len,
		};
		struct zs_buf b = {0};
		ldns_rr_list *c;
		ldns_buffer *lb = ldns_buffer_new(4096);

		set_build(&s, sets[i]);
		f.type_covered = s.type;
		f.labels = zs_labels(s.owner, s.owner_len);
		assert_int_equal(zs_signing_input(&f, s.owner, s.owner_len, ZRR_CLASS_IN, s.rd, s.n,
		                                  &b, &prefix_len, NULL),
		                 ODS_OK);
		c = ldns_rr_list_clone(s.ldns);
		for (size_t j = 0; j < ldns_rr_list_rr_count(c); j++) {
			ldns_rr_set_ttl(ldns_rr_list_rr(c, j), 777);
			ldns_rr2canonical(ldns_rr_list_rr(c, j));
		}
		ldns_rr_list_sort(c);
		assert_int_equal(ldns_rr_list2buffer_wire(lb, c), LDNS_STATUS_OK);
		assert_int_equal(b.len - prefix_len, ldns_buffer_position(lb));
		assert_memory_equal(b.p + prefix_len, ldns_buffer_begin(lb), b.len - prefix_len);
		ldns_buffer_free(lb);
		ldns_rr_list_deep_free(c);
		zs_buf_free(&b);
		set_free(&s);
	}
}

/* --- the signing input, byte by byte ------------------------------------------------------ */

static void
test_input_layout_sort_and_duplicates(void **state)
{
	uint8_t apex[DNS_NAME_WIRE_MAX], owner[DNS_NAME_WIRE_MAX];
	size_t apex_len = wire("Example.COM.", apex), owner_len = wire("Example.COM.", owner);
	/* MX 10 Mail.Example.com., MX 5 a.B., MX 10 mail.example.COM. (a duplicate) */
	static const uint8_t mx1[] = "\x00\x0a\x04Mail\x07" "Example\x03" "com";
	static const uint8_t mx2[] = "\x00\x05\x01" "a\x01" "B";
	static const uint8_t mx3[] = "\x00\x0a\x04mail\x07" "example\x03" "COM";
	struct zrdata rd[] = {{mx1, sizeof(mx1)}, {mx2, sizeof(mx2)}, {mx3, sizeof(mx3)}};
	struct zs_sig_fields f = {
	    .type_covered = 15, .algorithm = 13, .labels = 2, .original_ttl = 3600,
	    .expiration = 0x65000000, .inception = 0x64000000, .keytag = 0x1234,
	    .signer = apex, .signer_len = apex_len,
	};
	struct zs_buf b = {0};
	size_t prefix_len = 0;

	assert_int_equal(zs_signing_input(&f, owner, owner_len, ZRR_CLASS_IN, rd, 3, &b,
	                                  &prefix_len, NULL),
	                 ODS_OK);
	assert_int_equal(prefix_len, 31);
	hex_is(b.p, b.len,
	       /* type covered, alg, labels, original TTL, expiration, inception, key tag */
	       "000f" "0d" "02" "00000e10" "65000000" "64000000" "1234"
	       "076578616d706c6503636f6d00" /* signer, lower-cased */
	       /* MX 5 a.b. sorts first (00 05 < 00 0a), lower-cased */
	       "076578616d706c6503636f6d00" "000f" "0001" "00000e10" "0007" "00050161016200"
	       /* MX 10 mail.example.com., once */
	       "076578616d706c6503636f6d00" "000f" "0001" "00000e10" "0014"
	       "000a" "046d61696c" "076578616d706c6503636f6d00");
	zs_buf_free(&b);
}

static void
test_input_sorts_left_justified_and_keeps_unknown_rdata(void **state)
{
	uint8_t owner[DNS_NAME_WIRE_MAX];
	size_t owner_len = wire("X.", owner), prefix_len = 0;
	/* type 65280 (private use): opaque, copied as is; a missing octet sorts before 00 */
	static const uint8_t a[] = {0x01, 0x02, 0x00}, b_[] = {0x01, 0x02}, c[] = {0x01, 0x01, 0xff};
	static const uint8_t e[] = {'A', 'B'};
	struct zrdata rd[] = {{a, 3}, {b_, 2}, {c, 3}, {e, 2}, {NULL, 0}};
	struct zs_sig_fields f = {
	    .type_covered = 65280, .algorithm = 15, .labels = 1, .original_ttl = 1,
	    .signer = (const uint8_t *)"", .signer_len = 1,
	};
	struct zs_buf b = {0};

	assert_int_equal(zs_signing_input(&f, owner, owner_len, ZRR_CLASS_IN, rd, 5, &b,
	                                  &prefix_len, NULL),
	                 ODS_OK);
	assert_int_equal(prefix_len, 19);
	hex_is(b.p + prefix_len, b.len - prefix_len,
	       "017800" "ff00" "0001" "00000001" "0000"
	       "017800" "ff00" "0001" "00000001" "0003" "0101ff"
	       "017800" "ff00" "0001" "00000001" "0002" "0102"
	       "017800" "ff00" "0001" "00000001" "0003" "010200"
	       "017800" "ff00" "0001" "00000001" "0002" "4142");
	zs_buf_free(&b);
}

static void
test_input_rejects_bad_rdata_and_names(void **state)
{
	uint8_t owner[DNS_NAME_WIRE_MAX];
	size_t owner_len = wire("example.com.", owner);
	static const uint8_t mx_short[] = {0x00, 0x0a, 0x04, 'm', 'a'};
	static const uint8_t mx_trail[] = {0x00, 0x0a, 0x01, 'm', 0x00, 0x00};
	static const uint8_t mx_nopref[] = {0x00};
	static const uint8_t cname_ptr[] = {0xc0, 0x0c};
	static const uint8_t soa_19[] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	                                 17, 18, 19};
	static const uint8_t naptr_str[] = {0, 1, 0, 2, 5, 'S'};
	static const uint8_t naptr_trail[] = {0, 1, 0, 2, 1, 'S', 0, 0, 1, 'x', 0, 7};
	static const uint8_t ns_label64[] = {64, 'a', 'a', 'a', 'a', 0};
	static const struct {
		uint16_t type;
		const uint8_t *p;
		uint16_t len;
	} bad[] = {
	    {15, mx_short, sizeof(mx_short)},   {15, mx_trail, sizeof(mx_trail)},
	    {15, mx_nopref, sizeof(mx_nopref)}, {5, cname_ptr, sizeof(cname_ptr)},
	    {6, soa_19, sizeof(soa_19)},        {35, naptr_str, sizeof(naptr_str)},
	    {35, naptr_trail, sizeof(naptr_trail)}, {2, ns_label64, sizeof(ns_label64)},
	    {2, NULL, 0},
	};
	struct zs_buf b = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct zrdata rd = {bad[i].p, bad[i].len};
		struct zs_sig_fields f = {.type_covered = bad[i].type, .algorithm = 8, .labels = 2,
		                          .signer = owner, .signer_len = owner_len};
		struct diag d = {0};
		size_t prefix_len = 4711;

		assert_int_equal(zs_signing_input(&f, owner, owner_len, 1, &rd, 1, &b, &prefix_len,
		                                  &d),
		                 ODS_EINVAL);
		assert_int_equal(prefix_len, 4711);
		assert_int_equal(b.len, 0);
		assert_string_equal(d.where, "rdata");
	}
	/* a good MX, but a signer or owner that is not a name of the length given, or no rdata */
	static const uint8_t mx[] = {0x00, 0x0a, 0x01, 'm', 0x00};
	struct zrdata rd = {mx, sizeof(mx)};
	struct zs_sig_fields f = {.type_covered = 15, .signer = owner, .signer_len = owner_len};
	size_t prefix_len = 0;

	assert_int_equal(zs_signing_input(&f, owner, owner_len - 1, 1, &rd, 1, &b, &prefix_len,
	                                  NULL),
	                 ODS_EINVAL);
	f.signer_len = owner_len + 1;
	assert_int_equal(zs_signing_input(&f, owner, owner_len, 1, &rd, 1, &b, &prefix_len, NULL),
	                 ODS_EINVAL);
	f.signer_len = owner_len;
	assert_int_equal(zs_signing_input(&f, owner, owner_len, 1, &rd, 0, &b, &prefix_len, NULL),
	                 ODS_EINVAL);
	assert_int_equal(zs_signing_input(&f, owner, owner_len, 1, &rd, 1, &b, &prefix_len, NULL),
	                 ODS_OK);
	assert_int_equal(b.len, prefix_len + owner_len + 10 + sizeof(mx));
	zs_buf_free(&b);
	assert_null(b.p);
	zs_buf_free(NULL);
}

/* --- labels ------------------------------------------------------------------------------- */

static void
test_labels(void **state)
{
	static const struct {
		const char *name;
		uint8_t labels;
	} t[] = {
	    {".", 0},           {"com.", 1},          {"www.Example.COM.", 3}, {"*.example.com.", 2},
	    {"*.", 0},          {"a.*.example.", 3},  {"**.example.", 2},      {"\\*.example.", 1},
	    {"*.*.example.", 2},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t w[DNS_NAME_WIRE_MAX];
		size_t len = wire(t[i].name, w);

		if (zs_labels(w, len) != t[i].labels)
			fail_msg("%s: %u labels, want %u", t[i].name, zs_labels(w, len), t[i].labels);
	}
}

/* --- what the keystore is sent ------------------------------------------------------------ */

static void
test_keystore_input_per_algorithm(void **state)
{
	static const char sha1[] = "a9993e364706816aba3e25717850c26c9cd0d89d";
	static const char sha256[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const char sha384[] = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5b"
	                             "ed8086072ba1e7cc2358baeca134c825a7";
	static const char sha512[] = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d3"
	                             "9a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54c"
	                             "a49f";
	static const struct {
		uint8_t alg;
		const char *want; /* NULL: the whole input (EdDSA) */
	} t[] = {
	    {5, sha1},    {7, sha1},      {8, sha256}, {10, sha512},
	    {13, sha256}, {14, sha384},   {15, NULL},  {16, NULL},
	};
	static const uint8_t unsupported[] = {0, 1, 3, 6, 12, 17, 253, 255};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t out[ZS_INPUT_MAX];
		size_t len = 99;

		assert_int_equal(zs_keystore_input(t[i].alg, (const uint8_t *)"abc", 3, out, &len),
		                 ODS_OK);
		if (t[i].want == NULL)
			assert_int_equal(len, 0);
		else
			hex_is(out, len, t[i].want);
		assert_int_equal(len, dns_alg_digest_len(t[i].alg));
	}
	for (size_t i = 0; i < sizeof(unsupported); i++) {
		uint8_t out[ZS_INPUT_MAX];
		size_t len = 99;

		assert_int_equal(zs_keystore_input(unsupported[i], (const uint8_t *)"abc", 3, out, &len),
		                 ODS_EINVAL);
		assert_int_equal(len, 99);
	}
}

/* --- reuse and refresh -------------------------------------------------------------------- */

#define NOW 1700000000u
#define DAY 86400u
#define REFRESH (3 * DAY)

/* A signature of key (tag, alg) made yesterday that lasts e more seconds from now. */
static struct zs_have
sig(uint16_t tag, uint8_t alg, uint32_t e)
{
	return (struct zs_have){tag, alg, NOW - DAY, NOW + e};
}

#define ZSK(tag, alg) {tag, alg, true, false, true}
#define KSK(tag, alg) {tag, alg, true, true, false}
#define CSK(tag, alg) {tag, alg, true, true, true}
#define RETIRED(tag, alg) {tag, alg, true, false, false}
#define WITHDRAWN(tag, alg) {tag, alg, false, false, false}

struct decide_case {
	const char *what;
	uint16_t rtype;
	uint32_t now, refresh;
	struct zs_key keys[4];
	size_t nk;
	struct zs_have have[4];
	size_t nh;
	bool keep[4], make[4];
};

static void
run_decide(const struct decide_case *c)
{
	bool keep[4], make[4];

	memset(keep, 0xaa, sizeof(keep));
	memset(make, 0xaa, sizeof(make));
	zs_decide(c->rtype, c->keys, c->nk, c->have, c->nh, c->now, c->refresh, keep, make);
	for (size_t i = 0; i < c->nh; i++)
		if (keep[i] != c->keep[i])
			fail_msg("%s: keep[%zu] is %d", c->what, i, keep[i]);
	for (size_t j = 0; j < c->nk; j++)
		if (make[j] != c->make[j])
			fail_msg("%s: make[%zu] is %d", c->what, j, make[j]);
}

static void
test_decide_table(void **state)
{
	const uint16_t A = 1;
	const struct decide_case t[] = {
	    {"nothing yet: the ZSK signs", A, NOW, REFRESH, {ZSK(10, 13)}, 1, {{0}}, 0, {0},
	     {true}},
	    {"own valid signature is reused", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {sig(10, 13, 20 * DAY)}, 1, {true}, {false}},
	    {"refresh 0 drops everything", A, NOW, 0, {ZSK(10, 13)}, 1, {sig(10, 13, 20 * DAY)}, 1,
	     {false}, {true}},
	    {"refresh of 2^31 s or more counts as 0", A, NOW, 0x80000000u, {ZSK(10, 13)}, 1,
	     {sig(10, 13, 20 * DAY)}, 1, {false}, {true}},
	    {"one second inside the refresh window: re-signed", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {sig(10, 13, REFRESH - 1)}, 1, {false}, {true}},
	    {"exactly at the refresh window: kept", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {sig(10, 13, REFRESH)}, 1, {true}, {false}},
	    {"already expired: re-signed", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {{10, 13, NOW - 30 * DAY, NOW - 1}}, 1, {false}, {true}},
	    {"inception in the future: re-signed", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {{10, 13, NOW + 1, NOW + 20 * DAY}}, 1, {false}, {true}},
	    {"inception exactly now: kept", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {{10, 13, NOW, NOW + 20 * DAY}}, 1, {true}, {false}},
	    {"orphan (key gone) dropped, and it holds nobody back", A, NOW, REFRESH, {ZSK(10, 13)},
	     1, {sig(99, 13, 20 * DAY)}, 1, {false}, {true}},
	    {"same tag, other algorithm: an orphan too", A, NOW, REFRESH, {ZSK(10, 13)}, 1,
	     {sig(10, 8, 20 * DAY)}, 1, {false}, {true}},
	    {"withdrawn DNSKEY takes its valid signature at once", A, NOW, REFRESH,
	     {WITHDRAWN(20, 13), ZSK(10, 13)}, 2, {sig(20, 13, 20 * DAY)}, 1, {false},
	     {false, true}},
	    {"unpublished signer's signature dropped", A, NOW, REFRESH,
	     {{10, 13, false, false, true}}, 1, {sig(10, 13, 20 * DAY)}, 1, {false}, {true}},
	    {"retired but published: valid signature kept, successor waits (smooth)", A, NOW,
	     REFRESH, {RETIRED(20, 13), ZSK(10, 13)}, 2, {sig(20, 13, 20 * DAY)}, 1, {true},
	     {false, false}},
	    {"retired signature enters refresh: dropped, successor signs", A, NOW, REFRESH,
	     {RETIRED(20, 13), ZSK(10, 13)}, 2, {sig(20, 13, REFRESH - 1)}, 1, {false},
	     {false, true}},
	    {"smooth: a valid signature of a retiring same-alg ZSK holds the new one back", A, NOW,
	     REFRESH, {RETIRED(20, 13), ZSK(10, 13)}, 2, {sig(20, 13, 20 * DAY)}, 1, {true},
	     {false, false}},
	    {"double signature: two active same-alg ZSKs both sign (unlike upstream)", A, NOW,
	     REFRESH, {ZSK(20, 13), ZSK(10, 13)}, 2, {sig(20, 13, 20 * DAY)}, 1, {true},
	     {false, true}},
	    {"smooth is per RRset: a second old signature does not matter", A, NOW, REFRESH,
	     {RETIRED(20, 13), ZSK(10, 13)}, 2,
	     {sig(20, 13, REFRESH - 1), sig(20, 13, 20 * DAY)}, 2, {false, true}, {false, false}},
	    {"algorithm rollover: the other algorithm signs beside a valid signature", A, NOW,
	     REFRESH, {ZSK(20, 8), ZSK(10, 13)}, 2, {sig(20, 8, 20 * DAY)}, 1, {true},
	     {false, true}},
	    {"algorithm rollover: both algorithms sign from nothing", A, NOW, REFRESH,
	     {ZSK(20, 8), ZSK(10, 13)}, 2, {{0}}, 0, {0}, {true, true}},
	    {"algorithm rollover: a retired old algorithm does not hold the new one back", A, NOW,
	     REFRESH, {RETIRED(20, 8), ZSK(10, 13)}, 2, {sig(20, 8, 20 * DAY)}, 1, {true},
	     {false, true}},
	    {"a KSK does not sign other types", A, NOW, REFRESH, {KSK(30, 13), ZSK(10, 13)}, 2,
	     {{0}}, 0, {0}, {false, true}},
	    {"DNSKEY RRset: every KSK signs, no smooth replacement, ZSKs do not", ZT_DNSKEY, NOW,
	     REFRESH, {KSK(30, 13), KSK(31, 13), ZSK(10, 13)}, 3, {sig(30, 13, 20 * DAY)}, 1,
	     {true}, {false, true, false}},
	    {"DNSKEY RRset: KSK signature in refresh is replaced", ZT_DNSKEY, NOW, REFRESH,
	     {KSK(30, 13), ZSK(10, 13)}, 2, {sig(30, 13, DAY)}, 1, {false}, {true, false}},
	    {"DNSKEY RRset: a ZSK's valid signature is kept like a retired key's", ZT_DNSKEY, NOW,
	     REFRESH, {KSK(30, 13), ZSK(10, 13)}, 2, {sig(10, 13, 20 * DAY)}, 1, {true},
	     {true, false}},
	    {"DNSKEY RRset: two algorithms' KSKs both sign", ZT_DNSKEY, NOW, REFRESH,
	     {KSK(30, 13), KSK(40, 8)}, 2, {{0}}, 0, {0}, {true, true}},
	    {"CSK signs other types", A, NOW, REFRESH, {CSK(50, 13)}, 1, {{0}}, 0, {0}, {true}},
	    {"CSK signs the DNSKEY RRset", ZT_DNSKEY, NOW, REFRESH, {CSK(50, 13)}, 1, {{0}}, 0, {0},
	     {true}},
	    {"CSK's own valid signature reused", ZT_DNSKEY, NOW, REFRESH, {CSK(50, 13)}, 1,
	     {sig(50, 13, 20 * DAY)}, 1, {true}, {false}},
	    {"serial arithmetic across 2^32: kept", A, 0xffffff00u, REFRESH, {ZSK(10, 13)}, 1,
	     {{10, 13, 0xffffff00u - DAY, 0xffffff00u + 20 * DAY}}, 1, {true}, {false}},
	    {"serial arithmetic across 2^32: in refresh", A, 0xffffff00u, REFRESH, {ZSK(10, 13)}, 1,
	     {{10, 13, 0xffffff00u - DAY, 0xffffff00u + REFRESH - 1}}, 1, {false}, {true}},
	    {"serial arithmetic across 2^32: inception just after now", A, 0xffffff00u, REFRESH,
	     {ZSK(10, 13)}, 1, {{10, 13, 0xffffff00u + 0x200u, 0xffffff00u + 20 * DAY}}, 1,
	     {false}, {true}},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		run_decide(&t[i]);
}

/* The smooth ZSK replacement as a sequence of signing runs for one RRset: the old key's
 * signature keeps the new key back until it enters the refresh window. */
static void
test_smooth_replacement_over_time(void **state)
{
	const struct zs_key keys[] = {RETIRED(20, 13), ZSK(10, 13)};
	const struct zs_have have[] = {{20, 13, NOW - DAY, NOW + 14 * DAY}};
	bool keep[1], make[2];
	uint32_t t;

	for (t = NOW; t + REFRESH <= NOW + 14 * DAY; t += DAY / 2) {
		zs_decide(1, keys, 2, have, 1, t, REFRESH, keep, make);
		assert_true(keep[0]);
		assert_false(make[1]);
	}
	zs_decide(1, keys, 2, have, 1, NOW + 14 * DAY - REFRESH + 1, REFRESH, keep, make);
	assert_false(keep[0]);
	assert_false(make[0]);
	assert_true(make[1]);
}

/* --- validity window ---------------------------------------------------------------------- */

static void
test_window_bounds(void **state)
{
	uint32_t inc = 0, exp = 0;
	const uint32_t v = 14 * DAY, j = 12 * 3600, off = 3600;

	zs_window(NOW, off, v, j, 0, &inc, &exp);
	assert_int_equal(inc, NOW - off);
	assert_int_equal(exp, NOW + v - j);
	zs_window(NOW, off, v, j, 0x80000000u, &inc, &exp);
	assert_int_equal(exp, NOW + v);
	zs_window(NOW, off, v, j, UINT32_MAX, &inc, &exp);
	assert_int_equal(exp, NOW + v + j);
	zs_window(NOW, off, v, 0, 12345, &inc, &exp);
	assert_int_equal(exp, NOW + v);

	/* every value of a small jitter is reached, none outside */
	unsigned seen[5] = {0};
	uint32_t r = 1;
	for (int i = 0; i < 5000; i++) {
		r = r * 1664525u + 1013904223u;
		zs_window(NOW, off, v, 2, r, &inc, &exp);
		assert_in_range(exp, NOW + v - 2, NOW + v + 2);
		seen[exp - (NOW + v - 2)]++;
	}
	for (int i = 0; i < 5; i++)
		assert_in_range(seen[i], 800, 1200);
}

static void
test_window_wraps(void **state)
{
	uint32_t inc = 0, exp = 0;

	zs_window(0xfffff000u, 3600, 0x2000, 0, 0, &inc, &exp);
	assert_int_equal(inc, 0xfffff000u - 3600);
	assert_int_equal(exp, 0x1000);
	zs_window(100, 3600, DAY, 600, 0, &inc, &exp);
	assert_int_equal(inc, 0xffffffffu - 3499);
	assert_int_equal(exp, 100 + DAY - 600);
	/* jitter larger than serial arithmetic can place is capped at 2^31 - 1 */
	zs_window(NOW, 0, DAY, UINT32_MAX, 0, &inc, &exp);
	assert_int_equal(exp, (uint32_t)(NOW + DAY - 0x7fffffffu));
	zs_window(NOW, 0, DAY, UINT32_MAX, UINT32_MAX, &inc, &exp);
	assert_int_equal(exp, (uint32_t)(NOW + DAY + 0x7fffffffu));
}

int
main(void)
{
	const struct CMUnitTest crypto[] = {
	    cmocka_unit_test(test_every_type_and_algorithm_verifies_with_ldns),
	    cmocka_unit_test(test_wildcard_labels_and_owner),
	    cmocka_unit_test(test_dnskey_rrset_signed_by_ksk_verifies),
	    cmocka_unit_test(test_ldns_rejects_tampering),
	};
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_input_equals_ldns_canonical_form),
	    cmocka_unit_test(test_input_layout_sort_and_duplicates),
	    cmocka_unit_test(test_input_sorts_left_justified_and_keeps_unknown_rdata),
	    cmocka_unit_test(test_input_rejects_bad_rdata_and_names),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_keystore_input_per_algorithm),
	    cmocka_unit_test(test_decide_table),
	    cmocka_unit_test(test_smooth_replacement_over_time),
	    cmocka_unit_test(test_window_bounds),
	    cmocka_unit_test(test_window_wraps),
	};
	int rc = cmocka_run_group_tests_name("rrsig_crypto", crypto, setup_keys, teardown_keys);

	return rc | cmocka_run_group_tests_name("rrsig", pure, NULL, NULL);
}
