/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DNSKEY material, see dnskey.h. One table holds every per-algorithm fact (kind, fixed key size,
 * hash length, signature length), so adding an algorithm is one row. Encoders validate all
 * input and the output size before writing a byte, which is how out stays untouched on failure.
 * OpenSSL is used only for the DS hashes; the DER handled here (OCTET STRING around an EC
 * point, ECDSA-Sig-Value, DigestInfo prefixes) is small and fixed, so it is written by hand.
 */
#include "lib/dns/dnskey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/dns/sortkey.h"

#define RDATA_MAX 65535
#define RSA_BITS_MIN 1024
#define RSA_BITS_MAX 4096
#define RSA_BITS_DEFAULT 2048
#define DER_OCTET_STRING 0x04
#define DER_INTEGER 0x02
#define DER_SEQUENCE 0x30
#define EC_UNCOMPRESSED 0x04

struct alg_info {
	int alg;
	const char *name;               /* IANA mnemonic */
	enum dns_key_kind kind;
	unsigned bits;                  /* fixed key size; 0 for RSA */
	size_t digest_len;              /* bytes of the hash signed; 0 for EdDSA */
	size_t sig_len;                 /* bytes of a signature; 0 for RSA (modulus size) */
	size_t pub_len;                 /* bytes of the DNSKEY public key; 0 for RSA */
};

static const struct alg_info algs[] = {
	{ DNS_ALG_RSASHA1, "RSASHA1", DNS_KEY_RSA, 0, 20, 0, 0 },
	{ DNS_ALG_RSASHA1_NSEC3_SHA1, "RSASHA1-NSEC3-SHA1", DNS_KEY_RSA, 0, 20, 0, 0 },
	{ DNS_ALG_RSASHA256, "RSASHA256", DNS_KEY_RSA, 0, 32, 0, 0 },
	{ DNS_ALG_RSASHA512, "RSASHA512", DNS_KEY_RSA, 0, 64, 0, 0 },
	{ DNS_ALG_ECDSAP256SHA256, "ECDSAP256SHA256", DNS_KEY_EC, 256, 32, 64, 64 },
	{ DNS_ALG_ECDSAP384SHA384, "ECDSAP384SHA384", DNS_KEY_EC, 384, 48, 96, 96 },
	{ DNS_ALG_ED25519, "ED25519", DNS_KEY_EDDSA, 256, 0, 64, 32 },
	{ DNS_ALG_ED448, "ED448", DNS_KEY_EDDSA, 456, 0, 114, 57 },
};
#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

/* Names other software uses for algorithm 7. */
static const struct {
	const char *name;
	int alg;
} aliases[] = {
	{ "RSASHA1_NSEC3_SHA1", DNS_ALG_RSASHA1_NSEC3_SHA1 },
	{ "NSEC3RSASHA1", DNS_ALG_RSASHA1_NSEC3_SHA1 },
};

/* RFC 8017 §9.2 note 1: DER of DigestInfo up to the OCTET STRING header of the digest. */
static const uint8_t di_sha1[] = {
	0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
};
static const uint8_t di_sha256[] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};
static const uint8_t di_sha512[] = {
	0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
};

static const struct alg_info *
alg_find(int alg)
{
	for (size_t i = 0; i < N_ALGS; i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

const char *
dns_alg_name(int alg)
{
	const struct alg_info *a = alg_find(alg);

	return a != NULL ? a->name : NULL;
}

static int
upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

/* ASCII-only case-insensitive equality, independent of the locale. */
static int
name_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (upper((unsigned char)*a) != upper((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
dns_alg_from_name(const char *name)
{
	if (name == NULL || *name == '\0')
		return -1;
	if (name[0] >= '0' && name[0] <= '9') {
		int v = 0;

		for (size_t i = 0; name[i] != '\0'; i++) {
			if (i == 3 || name[i] < '0' || name[i] > '9')
				return -1;
			v = v * 10 + (name[i] - '0');
		}
		return alg_find(v) != NULL ? v : -1;
	}
	for (size_t i = 0; i < N_ALGS; i++)
		if (name_eq(name, algs[i].name))
			return algs[i].alg;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (name_eq(name, aliases[i].name))
			return aliases[i].alg;
	return -1;
}

ods_err
dns_alg_kind(int alg, enum dns_key_kind *out)
{
	const struct alg_info *a = alg_find(alg);

	if (a == NULL || out == NULL)
		return ODS_EINVAL;
	*out = a->kind;
	return ODS_OK;
}

const char *
dns_alg_kind_name(int alg)
{
	enum dns_key_kind k;

	if (dns_alg_kind(alg, &k) != ODS_OK)
		return "?";
	return k == DNS_KEY_RSA ? "RSA" : k == DNS_KEY_EC ? "ECDSA" : "EdDSA";
}

ods_err
dns_alg_bits_check(int alg, unsigned bits, unsigned *bits_out, struct diag *d)
{
	const struct alg_info *a = alg_find(alg);
	unsigned v = bits;

	if (a == NULL)
		return diag_fail(d, ODS_EINVAL, "algorithm", "unknown DNSSEC algorithm %d", alg);
	if (a->kind == DNS_KEY_RSA) {
		if (v == 0)
			v = RSA_BITS_DEFAULT;
		if (v < RSA_BITS_MIN || v > RSA_BITS_MAX)
			return diag_fail(d, ODS_EINVAL, "bits", "%s key size %u not in %d..%d",
			                 a->name, v, RSA_BITS_MIN, RSA_BITS_MAX);
	} else {
		if (v == 0)
			v = a->bits;
		if (v != a->bits)
			return diag_fail(d, ODS_EINVAL, "bits", "%s keys are %u bits, not %u",
			                 a->name, a->bits, v);
	}
	if (bits_out != NULL)
		*bits_out = v;
	return ODS_OK;
}

size_t
dns_alg_digest_len(int alg)
{
	const struct alg_info *a = alg_find(alg);

	return a != NULL ? a->digest_len : 0;
}

size_t
dns_alg_sig_len(int alg, unsigned bits)
{
	const struct alg_info *a = alg_find(alg);

	if (a == NULL)
		return 0;
	if (a->kind == DNS_KEY_RSA)
		return ((size_t)bits + 7) / 8;
	return a->sig_len;
}

static void
strip_zeros(const uint8_t **p, size_t *len)
{
	while (*len > 0 && (*p)[0] == 0) {
		(*p)++;
		(*len)--;
	}
}

ods_err
dns_pubkey_rsa(const uint8_t *exp, size_t exp_len, const uint8_t *mod, size_t mod_len,
               uint8_t *out, size_t cap, size_t *out_len)
{
	size_t hdr;
	size_t k = 0;

	if (exp == NULL || mod == NULL || out_len == NULL)
		return ODS_EINVAL;
	strip_zeros(&exp, &exp_len);
	strip_zeros(&mod, &mod_len);
	if (exp_len == 0 || mod_len == 0 || exp_len > 0xffff)
		return ODS_EINVAL;
	hdr = exp_len > 255 ? 3 : 1;
	/* Each term is bounded by the caller's buffers; compare without a sum that can wrap. */
	if (out == NULL || cap < hdr || cap - hdr < exp_len || cap - hdr - exp_len < mod_len)
		return ODS_ENOMEM;
	if (hdr == 3) {
		out[k++] = 0;
		out[k++] = (uint8_t)(exp_len >> 8);
	}
	out[k++] = (uint8_t)exp_len;
	memcpy(out + k, exp, exp_len);
	k += exp_len;
	memcpy(out + k, mod, mod_len);
	k += mod_len;
	*out_len = k;
	return ODS_OK;
}

/* Unwrap a DER OCTET STRING of exactly want content bytes, or return p unchanged when it is
 * already want bytes long. The sizes here are all below 128, so only the short length form is
 * valid DER. NULL when neither fits. */
static const uint8_t *
unwrap_octets(const uint8_t *p, size_t len, size_t want)
{
	if (len == want)
		return p;
	if (len == want + 2 && p[0] == DER_OCTET_STRING && p[1] == want)
		return p + 2;
	return NULL;
}

static ods_err
put_bytes(const uint8_t *src, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
	if (out == NULL || cap < n)
		return ODS_ENOMEM;
	memcpy(out, src, n);
	*out_len = n;
	return ODS_OK;
}

ods_err
dns_pubkey_ec(const uint8_t *ec_point, size_t len, int alg, uint8_t *out, size_t cap,
              size_t *out_len)
{
	const struct alg_info *a = alg_find(alg);
	const uint8_t *pt;

	if (a == NULL || a->kind != DNS_KEY_EC || ec_point == NULL || out_len == NULL)
		return ODS_EINVAL;
	/* RFC 6605 §4 drops the SEC1 0x04 (uncompressed) marker and keeps X||Y. */
	pt = unwrap_octets(ec_point, len, 1 + a->pub_len);
	if (pt == NULL || pt[0] != EC_UNCOMPRESSED)
		return ODS_EINVAL;
	return put_bytes(pt + 1, a->pub_len, out, cap, out_len);
}

ods_err
dns_pubkey_eddsa(const uint8_t *ec_point, size_t len, int alg, uint8_t *out, size_t cap,
                 size_t *out_len)
{
	const struct alg_info *a = alg_find(alg);
	const uint8_t *pt;

	if (a == NULL || a->kind != DNS_KEY_EDDSA || ec_point == NULL || out_len == NULL)
		return ODS_EINVAL;
	pt = unwrap_octets(ec_point, len, a->pub_len);
	if (pt == NULL)
		return ODS_EINVAL;
	return put_bytes(pt, a->pub_len, out, cap, out_len);
}

/* An RFC 3110 field: a non-zero exponent length that leaves at least one modulus byte. */
static int
rsa_pubkey_ok(const uint8_t *p, size_t len)
{
	size_t hdr = 1;
	size_t elen;

	if (len < 1)
		return 0;
	elen = p[0];
	if (elen == 0) {
		if (len < 3)
			return 0;
		elen = ((size_t)p[1] << 8) | p[2];
		hdr = 3;
	}
	return elen > 0 && len - hdr > elen;
}

ods_err
dns_dnskey_rdata(uint16_t flags, int alg, const uint8_t *pubkey, size_t len, uint8_t *out,
                 size_t cap, size_t *out_len)
{
	const struct alg_info *a = alg_find(alg);

	if (a == NULL || pubkey == NULL || out_len == NULL || len > RDATA_MAX - 4)
		return ODS_EINVAL;
	if (a->kind == DNS_KEY_RSA ? !rsa_pubkey_ok(pubkey, len) : len != a->pub_len)
		return ODS_EINVAL;
	if (out == NULL || cap < 4 + len)
		return ODS_ENOMEM;
	out[0] = (uint8_t)(flags >> 8);
	out[1] = (uint8_t)flags;
	out[2] = DNS_DNSKEY_PROTOCOL;
	out[3] = (uint8_t)alg;
	memcpy(out + 4, pubkey, len);
	*out_len = 4 + len;
	return ODS_OK;
}

uint16_t
dns_keytag(const uint8_t *rdata, size_t len)
{
	uint32_t ac = 0;

	if (rdata == NULL || len < 4 || len > RDATA_MAX)
		return 0;
	if (rdata[3] == 1) {
		/* Appendix B.1: the most significant 16 of the least significant 24 bits of the
		 * modulus, which ends the RDATA. */
		if (len < 7)
			return 0;
		return (uint16_t)((rdata[len - 3] << 8) | rdata[len - 2]);
	}
	/* At most 65535 bytes of 255 each: the sum stays far below 2^32. */
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

/* Copy an uncompressed wire name of exactly len bytes into out (DNS_NAME_WIRE_MAX bytes),
 * lower-casing ASCII letters in labels (RFC 4034 §6.2). Length octets are at most 63, below
 * 'A', but are copied apart anyway so the rule reads plainly. */
static ods_err
canonical_name(const uint8_t *wire, size_t len, uint8_t *out)
{
	size_t pos = 0;

	if (wire == NULL || len == 0 || len > DNS_NAME_WIRE_MAX)
		return ODS_EINVAL;
	while (pos < len) {
		uint8_t l = wire[pos];

		out[pos] = l;
		if (l == 0)
			return pos + 1 == len ? ODS_OK : ODS_EINVAL;
		if (l > 63 || len - pos - 1 <= l)
			return ODS_EINVAL;      /* pointer, reserved type, or runs past the end */
		for (size_t j = pos + 1; j <= pos + l; j++) {
			uint8_t c = wire[j];

			out[j] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
		}
		pos += 1 + (size_t)l;
	}
	return ODS_EINVAL;
}

ods_err
dns_ds_digest(const uint8_t *owner_wire, size_t owner_len, const uint8_t *rdata,
              size_t rdata_len, int digest_type, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t name[DNS_NAME_WIRE_MAX];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	const EVP_MD *type;
	EVP_MD_CTX *ctx;
	size_t want;
	ods_err rc;
	int ok;

	switch (digest_type) {
	case DNS_DS_SHA1:
		type = EVP_sha1();
		want = 20;
		break;
	case DNS_DS_SHA256:
		type = EVP_sha256();
		want = 32;
		break;
	case DNS_DS_SHA384:
		type = EVP_sha384();
		want = 48;
		break;
	default:
		return ODS_EINVAL;
	}
	if (rdata == NULL || rdata_len < 4 || rdata_len > RDATA_MAX || out_len == NULL)
		return ODS_EINVAL;
	rc = canonical_name(owner_wire, owner_len, name);
	if (rc != ODS_OK)
		return rc;
	if (out == NULL || cap < want)
		return ODS_ENOMEM;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return ODS_ENOMEM;
	ok = EVP_DigestInit_ex(ctx, type, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, name, owner_len) == 1 &&
	     EVP_DigestUpdate(ctx, rdata, rdata_len) == 1 &&
	     EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len == want;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return ODS_EINTERNAL;
	memcpy(out, md, want);
	*out_len = want;
	return ODS_OK;
}

ods_err
dns_digest_info(int alg, const uint8_t *digest, size_t len, uint8_t *out, size_t cap,
                size_t *out_len)
{
	const struct alg_info *a = alg_find(alg);
	const uint8_t *prefix;
	size_t plen;

	if (a == NULL || a->kind != DNS_KEY_RSA || digest == NULL || out_len == NULL ||
	    len != a->digest_len)
		return ODS_EINVAL;
	switch (a->digest_len) {
	case 20:
		prefix = di_sha1;
		plen = sizeof(di_sha1);
		break;
	case 32:
		prefix = di_sha256;
		plen = sizeof(di_sha256);
		break;
	default:
		prefix = di_sha512;
		plen = sizeof(di_sha512);
		break;
	}
	if (out == NULL || cap < plen + len)
		return ODS_ENOMEM;
	memcpy(out, prefix, plen);
	memcpy(out + plen, digest, len);
	*out_len = plen + len;
	return ODS_OK;
}

/* Bytes of the DER INTEGER (header included) for the unsigned big-endian v of n bytes, and
 * where its significant bytes start. */
static size_t
der_uint_len(const uint8_t *v, size_t n, size_t *skip)
{
	size_t s = 0;

	while (s + 1 < n && v[s] == 0)
		s++;
	*skip = s;
	return 2 + (v[s] & 0x80 ? 1 : 0) + (n - s);
}

static size_t
der_uint_put(const uint8_t *v, size_t n, uint8_t *out)
{
	size_t s;
	size_t total = der_uint_len(v, n, &s);
	size_t k = 0;

	out[k++] = DER_INTEGER;
	out[k++] = (uint8_t)(total - 2);
	if (v[s] & 0x80)
		out[k++] = 0;
	memcpy(out + k, v + s, n - s);
	return total;
}

ods_err
dns_ecdsa_raw_to_der(const uint8_t *rs, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t n = len / 2;
	size_t skip;
	size_t body;
	size_t k = 2;

	if (rs == NULL || out_len == NULL || (len != 64 && len != 96))
		return ODS_EINVAL;
	/* At most 2 * 51 = 102 bytes, so the SEQUENCE length fits the short form. */
	body = der_uint_len(rs, n, &skip) + der_uint_len(rs + n, n, &skip);
	if (out == NULL || cap < 2 + body)
		return ODS_ENOMEM;
	out[0] = DER_SEQUENCE;
	out[1] = (uint8_t)body;
	k += der_uint_put(rs, n, out + k);
	k += der_uint_put(rs + n, n, out + k);
	*out_len = k;
	return ODS_OK;
}

/* Parse one strict-DER non-negative INTEGER at der[*pos] that fits n bytes; on success point
 * *v at its significant bytes (*vlen of them) and advance *pos. */
static ods_err
der_uint_get(const uint8_t *der, size_t len, size_t *pos, size_t n, const uint8_t **v,
             size_t *vlen)
{
	size_t p = *pos;
	size_t end;
	size_t l;

	if (len - p < 2 || der[p] != DER_INTEGER)
		return ODS_EINVAL;
	l = der[p + 1];
	p += 2;
	if (l == 0 || l >= 0x80 || len - p < l)
		return ODS_EINVAL;
	if (der[p] & 0x80)
		return ODS_EINVAL;                      /* negative */
	if (l > 1 && der[p] == 0 && !(der[p + 1] & 0x80))
		return ODS_EINVAL;                      /* non-minimal leading zero */
	end = p + l;
	if (der[p] == 0 && l > 1) {
		p++;                                    /* the sign byte */
		l--;
	}
	if (l > n)
		return ODS_EINVAL;
	*pos = end;
	*v = der + p;
	*vlen = l;
	return ODS_OK;
}

ods_err
dns_ecdsa_der_to_raw(const uint8_t *der, size_t len, int alg, uint8_t *out, size_t cap,
                     size_t *out_len)
{
	const struct alg_info *a = alg_find(alg);
	const uint8_t *r, *s;
	size_t rl, sl, n;
	size_t pos = 2;
	ods_err rc;

	if (a == NULL || a->kind != DNS_KEY_EC || der == NULL || out_len == NULL)
		return ODS_EINVAL;
	n = a->sig_len / 2;
	if (len < 2 || der[0] != DER_SEQUENCE || der[1] >= 0x80 || der[1] != len - 2)
		return ODS_EINVAL;
	rc = der_uint_get(der, len, &pos, n, &r, &rl);
	if (rc == ODS_OK)
		rc = der_uint_get(der, len, &pos, n, &s, &sl);
	if (rc != ODS_OK)
		return rc;
	if (pos != len)
		return ODS_EINVAL;
	if (out == NULL || cap < 2 * n)
		return ODS_ENOMEM;
	memset(out, 0, 2 * n);
	memcpy(out + n - rl, r, rl);
	memcpy(out + 2 * n - sl, s, sl);
	*out_len = 2 * n;
	return ODS_OK;
}

char *
dns_base64(const uint8_t *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

bool
dns_alg_is_rsa(int alg)
{
	enum dns_key_kind k;

	return dns_alg_kind(alg, &k) == ODS_OK && k == DNS_KEY_RSA;
}
