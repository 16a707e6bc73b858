/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signatures, the pure parts: the RRSIG signing input of an RRset (RFC 4034 §3.1.8.1 with the
 * canonical form of §6, as RFC 6840 §5.1 amends it), what the keystore signs for each
 * algorithm (a digest for RSA and ECDSA, the whole input for EdDSA), the RRSIG rdata, and
 * which existing signatures of an RRset are kept and which keys must sign it anew
 * (OpenDNSSEC's reuse, refresh and smooth ZSK replacement rules).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "services/signer/zone/rr.h"

#define ZS_INPUT_MAX 64 /* largest digest the keystore takes (SHA-512) */

/* The fixed fields of one signature. */
struct zs_sig_fields {
	uint16_t type_covered;
	uint8_t algorithm;
	uint8_t labels;       /* zs_labels(owner) */
	uint32_t original_ttl;
	uint32_t expiration;
	uint32_t inception;
	uint16_t keytag;
	const uint8_t *signer; /* the apex, wire; written lower-cased */
	size_t signer_len;
};

/* The RRSIG labels field of an owner: its labels, root and a leading "*" not counted. */
uint8_t zs_labels(const uint8_t *owner, size_t owner_len);

/* A growable byte buffer the caller reuses across RRsets. p is malloc'd (realloc and free
 * work on it); zs_buf_free frees it and zeroes the struct (NULL-safe). {0} is empty. */
struct zs_buf {
	uint8_t *p;
	size_t len, cap;
};
void zs_buf_free(struct zs_buf *b);

/* The signing input: RRSIG rdata without the signature, then every RR of the set in
 * canonical form (owner lower-cased, names inside the rdata of the RFC 4034 §6.2 types as
 * amended by RFC 6840 lower-cased, TTL = original_ttl, rdata sorted as octet strings,
 * duplicates once) into b (reset first). *prefix_len = length of the RRSIG rdata part, which
 * is also the start of the finished RRSIG rdata. ODS_EINVAL for rdata that does not parse
 * for its type.
 * Details: the RR type in the input is f->type_covered; f->labels is written as given (the
 * caller passes zs_labels(owner)); the owner is the one given, so a wildcard owner stays
 * "*.apex." (lower-cased). The rdata names lower-cased are those ldns_rr2canonical lowers:
 * NS MD MF CNAME SOA MB MG MR PTR MINFO MX RP AFSDB RT SIG PX NXT NAPTR KX SRV DNAME RRSIG;
 * not NSEC (RFC 6840 §5.1), and not A6, which ldns treats as opaque. Only those types' rdata
 * is parsed (a name without compression, the fixed fields, nothing left over); other rdata
 * is copied as is. Duplicates are judged in canonical form. b keeps some scratch beyond
 * b->len. Also ODS_EINVAL for an owner or signer that is not an uncompressed wire name of
 * exactly the given length, for n == 0 and for an input over 16 MiB; ODS_ENOMEM. *prefix_len
 * is written only on success; b->len is 0 after a failure. d gets the reason. Thread-safe
 * (b is the caller's). */
ods_err zs_signing_input(const struct zs_sig_fields *f, const uint8_t *owner, size_t owner_len,
                         uint16_t rclass, const struct zrdata *rd, size_t n, struct zs_buf *b,
                         size_t *prefix_len, struct diag *d);

/* What the keystore's SignBatch takes for this algorithm: the digest of input (SHA-1 for 5
 * and 7, SHA-256 for 8 and 13, SHA-512 for 10, SHA-384 for 14) into out, or for 15 and 16
 * nothing (*out_len = 0: send the input itself). ODS_EINVAL for an algorithm the signer
 * does not support.
 * out holds ZS_INPUT_MAX bytes. For RSA the digest is bare: the keystore wraps it in the
 * PKCS#1 v1.5 DigestInfo itself (dns_digest_info, then CKM_RSA_PKCS). The keystore takes
 * EdDSA inputs of at most 65536 bytes. ODS_EINTERNAL when OpenSSL fails. out and *out_len
 * are written only on success. Thread-safe. */
ods_err zs_keystore_input(uint8_t algorithm, const uint8_t *input, size_t len, uint8_t *out,
                          size_t *out_len);

/* --- reuse and refresh ------------------------------------------------------------------ */

/* A key of the signconf, as the decision needs it. */
struct zs_key {
	uint16_t keytag;
	uint8_t algorithm;
	bool publish; /* its DNSKEY is in the zone */
	bool ksk;     /* signs the DNSKEY RRset */
	bool zsk;     /* signs the other RRsets */
};

/* A signature the RRset has. */
struct zs_have {
	uint16_t keytag;
	uint8_t algorithm;
	uint32_t inception;
	uint32_t expiration;
};

/* For one RRset of type rtype (DNSKEY: signed by ksk keys; every other type: by zsk keys)
 * at time now with the signconf's refresh (seconds): keep[i] says whether have[i] stays,
 * make[j] whether keys[j] must make a new signature. A signature goes when refresh is 0, it
 * expires before now + refresh, its inception is after now, its key is not among keys or not
 * published (a withdrawn DNSKEY takes its signatures along at once), or its key no longer
 * signs this type and it expires within the refresh window, which is the rule every
 * signature follows: a retired key's signatures are kept exactly as long as an active
 * key's (until they are within refresh of expiring), no shorter and no longer; smooth
 * replacement rests on that. A refresh of 2^31 s or more counts as 0. Times compare in
 * serial-number arithmetic (RFC 1982). A key that signs this type makes a new
 * signature unless one of its own stays; except (smooth ZSK replacement, not for DNSKEY) when
 * a signature that stays was made by another published key of the same algorithm.
 * Keys are matched by (keytag, algorithm). Pure. */
void zs_decide(uint16_t rtype, const struct zs_key *keys, size_t n_keys,
               const struct zs_have *have, size_t n_have, uint32_t now, uint32_t refresh,
               bool *keep, bool *make);

/* The signature's validity window: inception = now - inception_offset; expiration = now +
 * validity + jitter where jitter is drawn uniformly from [-jitter_s, +jitter_s] with the
 * caller's random value r (0 <= r < 2^32). Serial-number arithmetic wraps as RFC 4034 says.
 * The jitter is r scaled, not r modulo: r = 0 gives -jitter_s, r = 2^31 gives 0, r = 2^32 - 1
 * gives +jitter_s. jitter_s above 2^31 - 1 is taken as 2^31 - 1. Pure. */
void zs_window(uint32_t now, uint32_t inception_offset, uint32_t validity, uint32_t jitter_s,
               uint32_t r, uint32_t *inception, uint32_t *expiration);
