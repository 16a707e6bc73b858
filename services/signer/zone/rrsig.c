/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signatures, the pure parts. The signing input follows RFC 4034 §3.1.8.1 with the canonical
 * RR form of §6.2; which rdata names are lower-cased is the RFC 4034 §6.2 list as RFC 6840 §5.1
 * amends it (NSEC out, RRSIG in), taken exactly as ldns applies it (ldns_rr2canonical), since
 * ldns-verify-zone is the strictest validator our output meets. The keystore input per
 * algorithm mirrors what services/keystore expects (bare digest, the keystore adds the PKCS#1
 * DigestInfo itself). The reuse rules are OpenDNSSEC's (see zs_decide below).
 */
#include "services/signer/zone/rrsig.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/dns/dnskey.h"
#include "lib/dns/name.h"

/* Hard maximum of one signing input. Lower-casing keeps lengths, so the bound is known before
 * anything is written; 16 MiB is far beyond an RRset any DNS message can carry. */
#define INPUT_MAX ((size_t)16 << 20)

/* RRSIG rdata before the signer's name: type covered 2, algorithm 1, labels 1, original TTL
 * 4, expiration 4, inception 4, key tag 2 (RFC 4034 §3.1). */
#define SIG_FIXED 18

/* --- names --------------------------------------------------------------------------------- */

/* Length of the uncompressed wire name at p (at most cap bytes, root label included), or 0
 * when there is none: a label over 63 (compression pointers, extended label types), a name
 * over 255 bytes, or no root label within cap. */
static size_t
name_len(const uint8_t *p, size_t cap)
{
	size_t at = 0;

	while (at < cap && at < DNS_NAME_WIRE_MAX) {
		uint8_t l = p[at];

		if (l > 63)
			return 0;
		at += 1 + (size_t)l;
		if (l == 0)
			return at;
	}
	return 0;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Lower-case the label bytes (ASCII A-Z only, RFC 4034 §6.2) of the valid wire name at p. */
static void
name_lower(uint8_t *p)
{
	for (size_t at = 0; p[at] != 0; at += 1 + (size_t)p[at])
		for (size_t i = 1; i <= p[at]; i++)
			p[at + i] = lower(p[at + i]);
}

uint8_t
zs_labels(const uint8_t *owner, size_t owner_len)
{
	size_t at = 0;
	unsigned n = 0;

	/* RFC 4034 §3.1.3: neither the root label nor a leading wildcard label counts. */
	if (owner_len >= 2 && owner[0] == 1 && owner[1] == '*')
		at = 2;
	while (at < owner_len && owner[at] != 0 && owner[at] <= 63) {
		at += 1 + (size_t)owner[at];
		n++;
	}
	return (uint8_t)(n > 255 ? 255 : n);
}

/* --- canonical rdata ----------------------------------------------------------------------- */

/* The rdata layout of every type whose embedded names the canonical form lower-cases, one
 * character per field: 'n' a name, '1' '2' '4' that many octets, 's' a <character-string>,
 * '*' whatever follows (possibly nothing). The types are RFC 4034 §6.2 with NSEC removed
 * (RFC 6840 §5.1), i.e. the RFC 3597 §7 list plus RRSIG, as in ldns_rr2canonical. HINFO is on
 * the lists but holds no names. A6 is on them too, but ldns reads A6 rdata as opaque and so
 * never lower-cases its prefix name; we do the same, since a signature must verify under the
 * validator's reading (A6 is historic, RFC 6563). Every other type is copied as is. */
static const struct layout {
	uint16_t type;
	const char *fields;
} layouts[] = {
    {2, "n"},          /* NS */
    {3, "n"},          /* MD */
    {4, "n"},          /* MF */
    {5, "n"},          /* CNAME */
    {6, "nn44444"},    /* SOA */
    {7, "n"},          /* MB */
    {8, "n"},          /* MG */
    {9, "n"},          /* MR */
    {12, "n"},         /* PTR */
    {14, "nn"},        /* MINFO */
    {15, "2n"},        /* MX */
    {17, "nn"},        /* RP */
    {18, "2n"},        /* AFSDB */
    {21, "2n"},        /* RT */
    {24, "2114442n*"}, /* SIG */
    {26, "2nn"},       /* PX */
    {30, "n*"},        /* NXT */
    {33, "222n"},      /* SRV */
    {35, "22sssn"},    /* NAPTR */
    {36, "2n"},        /* KX */
    {39, "n"},         /* DNAME */
    {46, "2114442n*"}, /* RRSIG */
};

static const char *
layout_of(uint16_t type)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].type == type)
			return layouts[i].fields;
	return NULL;
}

/* Copy rdata rd (len bytes) of type into out (len bytes too: lower-casing keeps lengths) in
 * canonical form. false when the rdata does not parse for the type's layout. */
static bool
rdata_canonical(uint16_t type, const uint8_t *rd, size_t len, uint8_t *out)
{
	const char *f = layout_of(type);
	size_t at = 0, l;

	if (len > 0)
		memcpy(out, rd, len);
	if (f == NULL)
		return true;
	if (len == 0)
		return false; /* every layout starts with a field of at least one octet */
	for (; *f != '\0'; f++) {
		switch (*f) {
		case 'n':
			l = name_len(rd + at, len - at);
			if (l == 0)
				return false;
			name_lower(out + at);
			break;
		case 's':
			if (at >= len)
				return false;
			l = 1 + (size_t)rd[at];
			break;
		case '*':
			return true;
		default:
			l = (size_t)(*f - '0');
			break;
		}
		if (l > len - at)
			return false;
		at += l;
	}
	return at == len;
}

/* --- the signing input --------------------------------------------------------------------- */

void
zs_buf_free(struct zs_buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Room for need bytes; the old contents are not kept. */
static ods_err
buf_room(struct zs_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 512;

	b->len = 0;
	if (need <= b->cap)
		return ODS_OK;
	while (cap < need)
		cap *= 2;
	free(b->p);
	b->cap = 0;
	b->p = malloc(cap);
	if (b->p == NULL)
		return ODS_ENOMEM;
	b->cap = cap;
	return ODS_OK;
}

/* One rdata in canonical form, for sorting. */
struct canon {
	const uint8_t *p;
	uint16_t len;
};

/* RFC 4034 §6.3: rdata compared as left-justified unsigned octet strings, where a missing
 * octet sorts before a zero octet. */
static int
canon_cmp(const void *a, const void *b)
{
	const struct canon *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

ods_err
zs_signing_input(const struct zs_sig_fields *f, const uint8_t *owner, size_t owner_len,
                 uint16_t rclass, const struct zrdata *rd, size_t n, struct zs_buf *b,
                 size_t *prefix_len, struct diag *d)
{
	size_t prefix, rrs, canon_at, total, sum = 0, per_rr;
	struct canon *c;
	uint8_t *w, low_owner[DNS_NAME_WIRE_MAX];
	ods_err rc;

	b->len = 0;
	if (f->signer == NULL || name_len(f->signer, f->signer_len) != f->signer_len)
		return diag_fail(d, ODS_EINVAL, "signer", "not a wire-format name");
	if (owner == NULL || name_len(owner, owner_len) != owner_len)
		return diag_fail(d, ODS_EINVAL, "owner", "not a wire-format name");
	if (n == 0)
		return diag_fail(d, ODS_EINVAL, "rdata", "an RRset has at least one record");

	/* Layout of b: the RRSIG prefix, the RRs (at most n of them: duplicates go), then, as
	 * scratch beyond the RRs' bound, the sort array and the canonical rdatas. */
	prefix = SIG_FIXED + f->signer_len;
	per_rr = owner_len + 10; /* owner, type, class, TTL, rdata length */
	if (n > INPUT_MAX / (per_rr + sizeof(*c)))
		return diag_fail(d, ODS_EINVAL, "rdata", "%zu records: too many to sign", n);
	for (size_t i = 0; i < n && sum <= INPUT_MAX; i++)
		sum += rd[i].len;
	rrs = n * per_rr + sum;
	if (sum > INPUT_MAX || prefix + rrs > INPUT_MAX)
		return diag_fail(d, ODS_EINVAL, "rdata", "RRset larger than %zu bytes", INPUT_MAX);
	canon_at = prefix + rrs;
	canon_at +=
	    (_Alignof(struct canon) - canon_at % _Alignof(struct canon)) % _Alignof(struct canon);
	total = canon_at + n * sizeof(*c) + sum;
	rc = buf_room(b, total);
	if (rc != ODS_OK)
		return diag_fail(d, rc, "rdata", "out of memory for %zu bytes", total);

	c = (struct canon *)(void *)(b->p + canon_at);
	w = b->p + canon_at + n * sizeof(*c);
	for (size_t i = 0; i < n; i++) {
		if (!rdata_canonical(f->type_covered, rd[i].data, rd[i].len, w))
			return diag_fail(d, ODS_EINVAL, "rdata",
			                 "record %zu: not valid type %u rdata", i, f->type_covered);
		c[i].p = w;
		c[i].len = rd[i].len;
		w += rd[i].len;
	}
	qsort(c, n, sizeof(*c), canon_cmp);

	w = b->p;
	w = put16(w, f->type_covered);
	*w++ = f->algorithm;
	*w++ = f->labels;
	w = put32(w, f->original_ttl);
	w = put32(w, f->expiration);
	w = put32(w, f->inception);
	w = put16(w, f->keytag);
	memcpy(w, f->signer, f->signer_len);
	name_lower(w);
	w += f->signer_len;

	memcpy(low_owner, owner, owner_len);
	name_lower(low_owner);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && canon_cmp(&c[i - 1], &c[i]) == 0)
			continue; /* RFC 4034 §6.3: duplicates once */
		memcpy(w, low_owner, owner_len);
		w += owner_len;
		w = put16(w, f->type_covered);
		w = put16(w, rclass);
		w = put32(w, f->original_ttl);
		w = put16(w, c[i].len);
		memcpy(w, c[i].p, c[i].len); /* the scratch lies beyond the RRs' bound */
		w += c[i].len;
	}
	b->len = (size_t)(w - b->p);
	*prefix_len = prefix;
	return ODS_OK;
}

/* --- what the keystore signs --------------------------------------------------------------- */

ods_err
zs_keystore_input(uint8_t algorithm, const uint8_t *input, size_t len, uint8_t *out,
                  size_t *out_len)
{
	const EVP_MD *md;
	uint8_t dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	/* services/keystore checks each input against dns_alg_digest_len() and, for RSA, wraps
	 * it in the DigestInfo itself (CKM_RSA_PKCS); ECDSA signs the digest as given
	 * (CKM_ECDSA); EdDSA hashes internally, so it takes the whole input (RFC 8080 §4). */
	switch (algorithm) {
	case DNS_ALG_RSASHA1:
	case DNS_ALG_RSASHA1_NSEC3_SHA1:
		md = EVP_sha1();
		break;
	case DNS_ALG_RSASHA256:
	case DNS_ALG_ECDSAP256SHA256:
		md = EVP_sha256();
		break;
	case DNS_ALG_RSASHA512:
		md = EVP_sha512();
		break;
	case DNS_ALG_ECDSAP384SHA384:
		md = EVP_sha384();
		break;
	case DNS_ALG_ED25519:
	case DNS_ALG_ED448:
		*out_len = 0;
		return ODS_OK;
	default:
		return ODS_EINVAL;
	}
	if (EVP_Digest(input, len, dig, &dlen, md, NULL) != 1 ||
	    dlen != dns_alg_digest_len(algorithm) || dlen > ZS_INPUT_MAX)
		return ODS_EINTERNAL;
	memcpy(out, dig, dlen);
	*out_len = dlen;
	return ODS_OK;
}

/* --- reuse and refresh --------------------------------------------------------------------- */

/* RFC 1982 serial-number "a < b" on 32-bit times (RFC 4034 §3.1.5); a distance of exactly
 * 2^31 is undefined there and counts as not less here. */
static bool
serial_lt(uint32_t a, uint32_t b)
{
	uint32_t diff = b - a;

	return diff != 0 && diff < UINT32_C(0x80000000);
}

static const struct zs_key *
key_of(const struct zs_key *keys, size_t n, uint16_t keytag, uint8_t algorithm)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i].keytag == keytag && keys[i].algorithm == algorithm)
			return &keys[i];
	return NULL;
}

/*
 * The decisions, and why:
 * - A signature is kept only while it is usable for at least refresh more seconds, has begun
 *   (inception not after now), and its key is in the signconf and published. Refresh 0
 *   (and a refresh of 2^31 s or more, which serial arithmetic cannot place) keeps nothing.
 * - A key that is in the signconf and published but no longer signs this type (a retired
 *   ZSK: RRSIG record unretentive; a KSK's signature on another type) keeps its signatures
 *   under the same rules and no sooner: the refresh window is "expiring". That is what makes
 *   smooth replacement work: the retiring key's signatures stay until refresh, and only then
 *   does the successor sign. The enforcer waits for it (Jitter + validity + Resign - Refresh
 *   on the RRSIG transitions).
 * - Keys are told apart by (key tag, algorithm). Two keys of one algorithm with the same tag
 *   cannot be told apart in an RRSIG either; a validator tries both, so either key's
 *   signature counts for both.
 * - Making: a key that signs this type (DNSKEY: ksk; other types: zsk; a CSK is both) signs
 *   unless a kept signature of its own exists. For the other types (smooth ZSK replacement),
 *   a zsk key also does not sign while a kept signature of its algorithm exists from another
 *   key that no longer signs this type (a retiring ZSK: published, or the signature would not
 *   have been kept, but not active). Not so for the
 *   DNSKEY RRset: a KSK's chain of trust starts at its own DS, so every KSK signs it at once
 *   (the double-signature KSK roll, RFC 6781 §4.1.2).
 * - Algorithms: only a signature of the same algorithm holds a key back, so during an
 *   algorithm rollover every algorithm that has a signing key signs every RRset, which
 *   RFC 4035 §2.2 asks for (RFC 6840 §5.11). Whether an algorithm with a published DNSKEY
 *   still has a signing key is the enforcer's business.
 * - Unlike OpenDNSSEC's signer, the smooth rule only yields to a key that no longer signs
 *   this type. With two active ZSKs of one algorithm (the ZskDoubleSignature and
 *   ZskDoubleRRsig rolls, or two ZSKs in one policy) both sign at once, which is what the
 *   enforcer's timing for those rolls (no gradual-replacement wait) assumes; upstream's rule
 *   would leave the new ZSK's signatures out until the old ones reach Refresh. The default
 *   ZskPrePublication roll behaves as upstream.
 */
void
zs_decide(uint16_t rtype, const struct zs_key *keys, size_t n_keys, const struct zs_have *have,
          size_t n_have, uint32_t now, uint32_t refresh, bool *keep, bool *make)
{
	bool dnskey = rtype == ZT_DNSKEY;
	bool no_refresh = refresh == 0 || refresh >= UINT32_C(0x80000000);

	for (size_t i = 0; i < n_have; i++) {
		const struct zs_key *k = key_of(keys, n_keys, have[i].keytag, have[i].algorithm);

		keep[i] = !no_refresh && !serial_lt(have[i].expiration, now + refresh) &&
		          !serial_lt(now, have[i].inception) && k != NULL && k->publish;
	}
	for (size_t j = 0; j < n_keys; j++) {
		const struct zs_key *k = &keys[j];
		bool covered = false;

		if (!(dnskey ? k->ksk : k->zsk)) {
			make[j] = false;
			continue;
		}
		for (size_t i = 0; i < n_have && !covered; i++) {
			if (!keep[i] || have[i].algorithm != k->algorithm)
				continue;
			if (have[i].keytag == k->keytag) {
				covered = true;
				continue;
			}
			const struct zs_key *o = key_of(keys, n_keys, have[i].keytag, have[i].algorithm);
			covered = !dnskey && o != NULL && !o->zsk; /* smooth: a retiring ZSK's */
		}
		make[j] = !covered;
	}
}

/* --- validity window ----------------------------------------------------------------------- */

void
zs_window(uint32_t now, uint32_t inception_offset, uint32_t validity, uint32_t jitter_s, uint32_t r,
          uint32_t *inception, uint32_t *expiration)
{
	/* Jitter beyond 2^31 - 1 has no meaning in serial arithmetic; capping it keeps
	 * r * span below 2^64. Scaling r (rather than r % span) maps 0 to -jitter, 2^31 to 0
	 * and 2^32 - 1 to +jitter. */
	uint32_t j = jitter_s > INT32_MAX ? (uint32_t)INT32_MAX : jitter_s;
	uint64_t span = 2 * (uint64_t)j + 1;
	uint32_t pick = (uint32_t)(((uint64_t)r * span) >> 32);

	*inception = now - inception_offset;
	*expiration = now + validity + pick - j;
}
