/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DNSKEY material without any key store: the DNSSEC algorithm numbers and what each implies
 * (key kind, key size, hash length, signature length), the public-key field of the DNSKEY RDATA
 * built from what a PKCS#11 token reports (RSA modulus and exponent per RFC 3110, an EC point per
 * RFC 6605, an EdDSA key per RFC 8080), the DNSKEY RDATA itself, its key tag (RFC 4034
 * Appendix B), DS digests (RFC 4034 §5.1.4, RFC 4509, RFC 6605), the PKCS#1 v1.5 DigestInfo an
 * RSA signature is computed over (RFC 8017 §9.2), and the conversion between the raw r||s form of
 * an ECDSA signature (what PKCS#11 returns and RFC 6605 puts in an RRSIG) and the DER form OpenSSL
 * uses. Buffers are bounded by the caller's cap; out and *out_len are written only on success,
 * and out must not overlap any input. All functions are pure and thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"); the ones this code base
 * signs with. Functions take an int so a number read from the wire or a database can be passed
 * unchecked; unknown numbers are rejected there. */
enum dns_alg {
	DNS_ALG_RSASHA1 = 5,
	DNS_ALG_RSASHA1_NSEC3_SHA1 = 7,
	DNS_ALG_RSASHA256 = 8,
	DNS_ALG_RSASHA512 = 10,
	DNS_ALG_ECDSAP256SHA256 = 13,
	DNS_ALG_ECDSAP384SHA384 = 14,
	DNS_ALG_ED25519 = 15,
	DNS_ALG_ED448 = 16,
};

enum dns_key_kind {
	DNS_KEY_RSA,
	DNS_KEY_EC,
	DNS_KEY_EDDSA,
};

/* DNSKEY flags field bits (RFC 4034 §2.1.1, RFC 5011 §7). */
#define DNS_FLAG_ZONE 256
#define DNS_FLAG_REVOKE 128
#define DNS_FLAG_SEP 1

/* The only valid value of the DNSKEY protocol field (RFC 4034 §2.1.2). */
#define DNS_DNSKEY_PROTOCOL 3

/* DS digest types (IANA "Delegation Signer (DS) Resource Record Type Digest Algorithms"). */
enum dns_ds_type {
	DNS_DS_SHA1 = 1,
	DNS_DS_SHA256 = 2,
	DNS_DS_SHA384 = 4,
};

/* Enough for any DS digest made here (SHA-384). */
#define DNS_DS_DIGEST_MAX 48
/* Enough for any hash dns_alg_digest_len() names (SHA-512). */
#define DNS_DIGEST_MAX 64
/* Enough for any DigestInfo (19-byte SHA-512 prefix plus the digest). */
#define DNS_DIGEST_INFO_MAX (19 + DNS_DIGEST_MAX)
/* Largest raw ECDSA signature r||s (P-384) and largest DER form of one:
 * SEQUENCE header 2 + two INTEGERs of 2 + 1 + 48 bytes. */
#define DNS_ECDSA_RAW_MAX 96
#define DNS_ECDSA_DER_MAX (2 + 2 * (2 + 1 + 48))
/* Enough for the public-key field of any key this code base makes: RSA up to 4096 bits with an
 * exponent of up to 509 bytes (3 + 509 + 512), and every EC and EdDSA key. */
#define DNS_PUBKEY_MAX 1024
/* DNSKEY RDATA holding such a key: flags 2, protocol 1, algorithm 1. */
#define DNS_DNSKEY_RDATA_MAX (4 + DNS_PUBKEY_MAX)

/* The IANA mnemonic ("RSASHA256", "RSASHA1-NSEC3-SHA1", "ED25519"), or NULL for an algorithm
 * not in enum dns_alg. The string is static. */
const char *dns_alg_name(int alg);

/* The algorithm for a mnemonic, compared without regard to case; also accepted are the
 * aliases "RSASHA1_NSEC3_SHA1" and "NSEC3RSASHA1" (BIND) for 7, and the number in decimal
 * ("8"). Returns -1 for NULL, an unknown name, or a number not in enum dns_alg. */
int dns_alg_from_name(const char *name);

/* The kind of key alg uses, in *out. ODS_EINVAL for an unknown algorithm. */
ods_err dns_alg_kind(int alg, enum dns_key_kind *out);

/* True for the RSA algorithms (5, 7, 8, 10): the ones whose key size is a choice. */
bool dns_alg_is_rsa(int alg);

/* "RSA", "ECDSA" or "EdDSA" for a DNSSEC algorithm; "?" when unknown. */
const char *dns_alg_kind_name(int alg);

/* Check a key size for alg and resolve the default. RSA algorithms take 1024..4096 bits and
 * default to 2048; ECDSA and EdDSA keys have one size (P-256 256, P-384 384, Ed25519 256,
 * Ed448 456), which is also the default. bits 0 asks for the default. On success writes the size
 * to *bits_out (which may be NULL to only check). Returns ODS_EINVAL, with d naming the
 * algorithm and the sizes allowed, for an unknown algorithm or a size it does not take. */
ods_err dns_alg_bits_check(int alg, unsigned bits, unsigned *bits_out, struct diag *d);

/* Length of the hash a signer computes over the RRSIG data before asking the key store to sign
 * it: 20 (SHA-1) for 5 and 7, 32 (SHA-256) for 8 and 13, 64 (SHA-512) for 10, 48 (SHA-384) for
 * 14. 0 for EdDSA, which signs the whole message, and for unknown algorithms. */
size_t dns_alg_digest_len(int alg);

/* Length of a signature in an RRSIG: the modulus length in bytes ((bits + 7) / 8) for RSA, 64
 * for P-256 and Ed25519, 96 for P-384, 114 for Ed448 (bits is ignored for those). 0 for an
 * unknown algorithm or RSA with bits 0. */
size_t dns_alg_sig_len(int alg, unsigned bits);

/* RSA public-key field (RFC 3110 §2) from the big-endian exponent and modulus (PKCS#11
 * CKA_PUBLIC_EXPONENT and CKA_MODULUS): the exponent length in one byte, or 0 and two bytes when
 * it is longer than 255 bytes, then the exponent, then the modulus, both with leading zero bytes
 * removed. Returns ODS_EINVAL when either is NULL or zero, or the exponent is longer than 65535
 * bytes; ODS_ENOMEM when cap is too small. */
ods_err dns_pubkey_rsa(const uint8_t *exp, size_t exp_len, const uint8_t *mod, size_t mod_len,
                       uint8_t *out, size_t cap, size_t *out_len);

/* ECDSA public-key field (RFC 6605 §4): X||Y, 64 bytes for ECDSAP256SHA256, 96 for
 * ECDSAP384SHA384. ec_point is a PKCS#11 CKA_EC_POINT, either the uncompressed point
 * 0x04||X||Y itself or that point inside a DER OCTET STRING (04 41 04 X Y for P-256).
 * Returns ODS_EINVAL for another algorithm, a compressed point, a length that does not fit the
 * curve or a malformed OCTET STRING; ODS_ENOMEM when cap is too small. */
ods_err dns_pubkey_ec(const uint8_t *ec_point, size_t len, int alg, uint8_t *out, size_t cap,
                      size_t *out_len);

/* EdDSA public-key field (RFC 8080 §3): the 32-byte Ed25519 or 57-byte Ed448 key. ec_point is
 * the PKCS#11 CKA_EC_POINT, either the key itself or the key inside a DER OCTET STRING
 * (04 20 ... for Ed25519). Same errors as dns_pubkey_ec. */
ods_err dns_pubkey_eddsa(const uint8_t *ec_point, size_t len, int alg, uint8_t *out, size_t cap,
                         size_t *out_len);

/* DNSKEY RDATA (RFC 4034 §2.1): flags (2 bytes, network order), protocol 3, alg, then the
 * public-key field made by one of the dns_pubkey_* functions. The public key is checked
 * against alg: the exact length for ECDSA and EdDSA, a well-formed RFC 3110 field for RSA.
 * Returns ODS_EINVAL for an unknown algorithm, a public key that does not fit it or an RDATA
 * longer than 65535 bytes; ODS_ENOMEM when cap is too small. */
ods_err dns_dnskey_rdata(uint16_t flags, int alg, const uint8_t *pubkey, size_t len, uint8_t *out,
                         size_t cap, size_t *out_len);

/* Key tag of a DNSKEY RDATA (RFC 4034 Appendix B), including the algorithm 1 (RSA/MD5) rule
 * (Appendix B.1: bits 8..23 counted from the end of the modulus). The REVOKE flag is part of
 * the RDATA and so changes the tag. Returns 0 for an RDATA shorter than 4 bytes (or, for
 * algorithm 1, 7 bytes) or longer than 65535 bytes; 0 is also a valid tag, so validate first. */
uint16_t dns_keytag(const uint8_t *rdata, size_t len);

/* DS digest (RFC 4034 §5.1.4): the hash of the owner name in canonical form (ASCII letters
 * lower-cased) followed by the DNSKEY RDATA. owner_wire is an uncompressed wire-format name of
 * exactly owner_len bytes ending with the root label; its case does not matter. digest_type is
 * an enum dns_ds_type; the digest (20, 32 or 48 bytes; DNS_DS_DIGEST_MAX always suffices) goes
 * to out. Returns ODS_EINVAL for an unknown digest type, a malformed name or an RDATA shorter
 * than 4 or longer than 65535 bytes; ODS_ENOMEM when cap is too small; ODS_EINTERNAL when
 * OpenSSL fails. */
ods_err dns_ds_digest(const uint8_t *owner_wire, size_t owner_len, const uint8_t *rdata,
                      size_t rdata_len, int digest_type, uint8_t *out, size_t cap,
                      size_t *out_len);

/* PKCS#1 v1.5 DigestInfo (RFC 8017 §9.2, the DER prefixes of note 1) for an RSA algorithm: the
 * DER prefix of its hash (SHA-1 for 5 and 7, SHA-256 for 8, SHA-512 for 10) followed by digest.
 * This is what a PKCS#11 CKM_RSA_PKCS signature is computed over. DNS_DIGEST_INFO_MAX always
 * suffices. Returns ODS_EINVAL for a non-RSA or unknown algorithm or a digest whose length is
 * not dns_alg_digest_len(alg); ODS_ENOMEM when cap is too small. */
ods_err dns_digest_info(int alg, const uint8_t *digest, size_t len, uint8_t *out, size_t cap,
                        size_t *out_len);

/* DER form (SEQUENCE { INTEGER r, INTEGER s }, minimal) of a raw ECDSA signature r||s of 64
 * (P-256) or 96 (P-384) bytes. DNS_ECDSA_DER_MAX always suffices. Returns ODS_EINVAL for any
 * other length; ODS_ENOMEM when cap is too small. */
ods_err dns_ecdsa_raw_to_der(const uint8_t *rs, size_t len, uint8_t *out, size_t cap,
                             size_t *out_len);

/* The inverse: the raw r||s (RFC 6605 §4) for ECDSAP256SHA256 (64 bytes) or ECDSAP384SHA384
 * (96 bytes) from a DER signature, each integer left-padded with zeros to the curve size.
 * Only strict DER is accepted. Returns ODS_EINVAL for another algorithm, a malformed or
 * non-minimal encoding, a negative integer, an integer too large for the curve or trailing
 * bytes; ODS_ENOMEM when cap is too small. */
ods_err dns_ecdsa_der_to_raw(const uint8_t *der, size_t len, int alg, uint8_t *out, size_t cap,
                             size_t *out_len);

/* Base64 of data (RFC 4648, no line breaks), malloc'd; NULL when out of memory. */
char *dns_base64(const uint8_t *data, size_t len);
