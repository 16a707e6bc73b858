/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Denial of existence, the pure parts: type bitmaps (RFC 4034 §4.1.2), NSEC and NSEC3 rdata
 * (RFC 4034 §4, RFC 5155 §3), NSEC3 hashing and base32hex owner labels, and the name walk
 * that classifies a zone's names in canonical order (apex, authoritative, delegation, glue
 * or occluded, empty non-terminal) and says which get an NSEC or NSEC3 record with which
 * types. No I/O, no memory that grows with the zone beyond the walk's stack of ancestors.
 * Every function here is pure and thread-safe; a walk is used by one thread at a time.
 * Out-parameters (*len, *hash_len, *out) are written only on success.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "services/signer/zone/rr.h"

/* Largest type bitmap: 256 windows of 2 + 32 bytes. */
#define ZD_BITMAP_MAX (256 * 34)
#define ZD_NSEC3_HASH_MAX 64 /* SHA-1 gives 20 */

/* The type bitmap of types[0..n) (any order, duplicates allowed) into out; *len its length
 * (0 for no types: the empty bitmap of an NSEC3 at an empty non-terminal).
 * ODS_ENOMEM when cap is too small (ZD_BITMAP_MAX always suffices). */
ods_err zd_bitmap(const uint16_t *types, size_t n, uint8_t *out, size_t cap, size_t *len);

/* NSEC rdata: next owner name (wire, as given: RFC 6840 §5.1 keeps its case) + bitmap of
 * types. ODS_EINVAL for a malformed next name, ODS_ENOMEM when cap is too small
 * (DNS_NAME_WIRE_MAX + ZD_BITMAP_MAX always suffices). */
ods_err zd_nsec_rdata(const uint8_t *next, size_t next_len, const uint16_t *types, size_t n,
                      uint8_t *out, size_t cap, size_t *len);

/* NSEC3 rdata: hash algorithm, flags (1 = opt-out), iterations, salt, next hashed owner
 * (raw hash bytes), bitmap of types. ODS_EINVAL when hash_len is 0, ODS_ENOMEM when cap is
 * too small. */
ods_err zd_nsec3_rdata(uint8_t alg, uint8_t flags, uint16_t iterations, const uint8_t *salt,
                       uint8_t salt_len, const uint8_t *next_hash, uint8_t hash_len,
                       const uint16_t *types, size_t n, uint8_t *out, size_t cap, size_t *len);

/* NSEC3PARAM rdata (flags 0). ODS_ENOMEM when cap is too small (5 + salt_len). */
ods_err zd_nsec3param_rdata(uint8_t alg, uint16_t iterations, const uint8_t *salt,
                            uint8_t salt_len, uint8_t *out, size_t cap, size_t *len);

/* The NSEC3 hash (RFC 5155 §5) of a wire name (lower-cased first, as the RFC says) with
 * algorithm alg (only 1, SHA-1, is defined: ODS_EINVAL otherwise). *hash_len = 20; hash
 * needs ZD_NSEC3_HASH_MAX bytes of room. ODS_EINVAL for a malformed name, ODS_ENOMEM or
 * ODS_EINTERNAL when libcrypto fails. Costs iterations + 1 SHA-1 computations. */
ods_err zd_nsec3_hash(const uint8_t *name, size_t name_len, uint8_t alg, uint16_t iterations,
                      const uint8_t *salt, uint8_t salt_len, uint8_t *hash, size_t *hash_len);

/* The NSEC3 owner name: base32hex (RFC 4648 §7, lower case, no padding) of hash as one label,
 * followed by the apex (wire, copied as given). ODS_EINVAL when the label would be longer
 * than 63 (hash_len > 39) or the name longer than 255, or the apex is malformed;
 * ODS_ENOMEM when cap is too small. */
ods_err zd_nsec3_owner(const uint8_t *hash, size_t hash_len, const uint8_t *apex,
                       size_t apex_len, uint8_t *out, size_t cap, size_t *len);

/* --- the name walk ---------------------------------------------------------------------- */

enum zd_kind {
	ZD_APEX,     /* the zone apex */
	ZD_AUTH,     /* authoritative data */
	ZD_DELEG,    /* a delegation: NS below the apex (and maybe DS); not occluded itself */
	ZD_OCCLUDED, /* below a zone cut (glue and other occluded data) or below a DNAME
	              * (also one at the apex): not signed, no denial record */
	ZD_ENT,      /* empty non-terminal: no records, but names below it */
};

/* What the walk says about one name. */
struct zd_name {
	const uint8_t *owner; /* wire; for names given to zd_walk_add, the caller's pointer */
	size_t owner_len;
	enum zd_kind kind;
	bool denial;          /* gets an NSEC (NSEC mode) or NSEC3 (NSEC3 mode) record */
	bool optout_skip;     /* NSEC3 opt-out: an insecure delegation, or an ENT leading only to
	                       * insecure delegations, left out of the chain */
	/* The bitmap types of its NSEC or NSEC3 record (valid when denial; none otherwise),
	 * ascending, no duplicates: its types, plus RRSIG and NSEC for NSEC; for NSEC3: its
	 * types, plus RRSIG when any of its RRsets is signed (authoritative names, secure
	 * delegations), plus NSEC3PARAM at the apex; an ENT has none. At a delegation "its
	 * types" are only NS and DS: the parent side holds nothing else there, and the bits of
	 * other (occluded) types MUST be clear (RFC 4035 §2.3, RFC 5155 §7.1). So a delegation
	 * gets NS [DS] RRSIG NSEC with NSEC, NS DS RRSIG (secure) or NS (insecure) with NSEC3,
	 * as ldns-signzone and dnssec-signzone make them and dnssec-verify demands. */
	const uint16_t *bitmap_types;
	size_t n_bitmap_types;
};

/* Called for each name; n and everything it points to (owners of empty non-terminals, the
 * bitmap types) are valid only during the call. */
typedef void (*zd_emit_fn)(void *arg, const struct zd_name *n);

struct zd_walk;

/* A walk over the names of the zone at apex (wire). nsec3: NSEC3 mode (ENTs get records);
 * optout: NSEC3 opt-out (ignored without nsec3). emit is called once per name given to
 * zd_walk_add, in the same order and during that call, and once per empty non-terminal, when
 * the walk leaves the subtree below it (so after its descendants; during the zd_walk_add of
 * the first name outside that subtree, before that name's own emit), or at zd_walk_end;
 * the deepest first. Empty non-terminals are emitted in both modes (with NSEC, denial is
 * false); their owners are lower-cased. Empty names below a zone cut or a DNAME are not the
 * zone's and are not emitted. ODS_EINVAL for a malformed apex or no emit, ODS_ENOMEM. */
ods_err zd_walk_new(const uint8_t *apex, size_t apex_len, bool nsec3, bool optout,
                    zd_emit_fn emit, void *arg, struct zd_walk **out);
/* The next name in canonical order (strictly increasing; ODS_EINVAL otherwise, or for a name
 * outside the zone) with the types of the RRsets it has (any order; the DNSSEC types the
 * signer makes itself, RRSIG NSEC NSEC3 NSEC3PARAM, are ignored if present). The first name
 * must be the apex. ODS_EINVAL also for a malformed name, a name with no other types (it
 * does not exist; names that only lead to others are found by the walk), more than 65536
 * types, or after zd_walk_end; d names the name and the problem. ODS_ENOMEM. After an error
 * the walk is as it was: the caller may go on or give up. */
ods_err zd_walk_add(struct zd_walk *w, const uint8_t *owner, size_t owner_len,
                    const uint16_t *types, size_t n_types, struct diag *d);
/* No more names: emits the pending ENTs. ODS_EINVAL when no name (not even the apex) was
 * given, or on a second call. */
ods_err zd_walk_end(struct zd_walk *w, struct diag *d);
void zd_walk_free(struct zd_walk *w);
