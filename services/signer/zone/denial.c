/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Denial of existence, the pure parts (see denial.h). The walk keeps one level per label
 * between the apex and the last name given: whether that ancestor was given or is an empty
 * non-terminal, whether it is a zone cut (delegation or DNAME owner, RFC 6672 §2.3) and
 * whether it or a name below it has a denial record (for NSEC3 opt-out, RFC 5155 §7.1). A
 * level is closed when a name outside its subtree arrives, which is when an empty
 * non-terminal's opt-out can be decided. Order and ancestry are computed on canonical sort
 * keys (lib/dns/sortkey.h), so case never matters.
 */
#include "services/signer/zone/denial.h"

#include "lib/dns/name.h"
#include "lib/dns/sortkey.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX 63
/* A 255-byte name has at most 127 labels besides the root. */
#define LABELS_MAX 128
/* The type list of one name: 65536 types at most, plus the ones the walk adds. */
#define TYPES_IN_MAX 65536
#define TYPES_ADDED 3
/* A presentation-form name: 255 wire bytes, each at most 4 characters (\DDD). */
#define NAME_STR_MAX (DNS_NAME_WIRE_MAX * 4 + 2)

#define SHA1_LEN 20
#define NSEC3_ALG_SHA1 1

/* --- names ------------------------------------------------------------------------------ */

static uint8_t
fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Validate wire[0..len) as one uncompressed absolute name; *labels = its labels, root not
 * counted. */
static ods_err
name_check(const uint8_t *wire, size_t len, size_t *labels)
{
	size_t pos = 0;
	size_t n = 0;

	if (wire == NULL)
		return ODS_EINVAL;
	while (pos < len && pos < DNS_NAME_WIRE_MAX) {
		uint8_t l = wire[pos];

		if (l == 0) {
			if (pos + 1 != len)
				return ODS_EINVAL;
			*labels = n;
			return ODS_OK;
		}
		if (l > LABEL_MAX)
			return ODS_EINVAL;
		pos += 1 + (size_t)l;
		n++;
	}
	return ODS_EINVAL;
}

/* Presentation form of a valid wire name into buf (for diagnostics). */
static const char *
name_str(const uint8_t *wire, size_t len, char *buf, size_t cap)
{
	size_t pos = 0;
	size_t k = 0;

	if (len == 1) {
		snprintf(buf, cap, ".");
		return buf;
	}
	while (pos < len && wire[pos] != 0 && k + 6 < cap) {
		size_t l = wire[pos++];

		for (size_t j = 0; j < l && k + 6 < cap; j++) {
			uint8_t c = wire[pos + j];

			if (c <= 0x20 || c >= 0x7f)
				k += (size_t)snprintf(buf + k, cap - k, "\\%03u", c);
			else if (strchr(".\\\"();@$", c) != NULL)
				k += (size_t)snprintf(buf + k, cap - k, "\\%c", c);
			else
				buf[k++] = (char)c;
		}
		buf[k++] = '.';
		pos += l;
	}
	buf[k] = '\0';
	return buf;
}

/* memcmp order of sort keys, the shorter first on a common prefix: canonical name order. */
static int
key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* Labels two keys share from the root down. Escaped label bytes are never 0x00, so a shared
 * 0x00 is a shared label boundary. */
static size_t
key_common_labels(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = 0;

	for (size_t i = 0; i < alen && i < blen && a[i] == b[i]; i++)
		if (a[i] == 0)
			n++;
	return n;
}

/* --- type bitmaps (RFC 4034 §4.1.2) ----------------------------------------------------- */

struct bitmap {
	uint8_t bits[8192];   /* bit t set for each type t, most significant bit first */
	uint8_t win_len[256]; /* bytes of each window up to its last non-zero one; 0: empty */
	size_t len;           /* wire length */
};

static void
bitmap_make(struct bitmap *b, const uint16_t *types, size_t n)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		uint16_t t = types[i];
		uint8_t win = (uint8_t)(t >> 8);
		uint8_t need = (uint8_t)(((t & 0xff) >> 3) + 1);

		b->bits[t >> 3] |= (uint8_t)(0x80 >> (t & 7));
		if (need > b->win_len[win])
			b->win_len[win] = need;
	}
	for (size_t w = 0; w < 256; w++)
		if (b->win_len[w] != 0)
			b->len += 2 + (size_t)b->win_len[w];
}

static void
bitmap_write(const struct bitmap *b, uint8_t *out)
{
	size_t k = 0;

	for (size_t w = 0; w < 256; w++) {
		if (b->win_len[w] == 0)
			continue;
		out[k++] = (uint8_t)w;
		out[k++] = b->win_len[w];
		memcpy(out + k, b->bits + w * 32, b->win_len[w]);
		k += b->win_len[w];
	}
}

ods_err
zd_bitmap(const uint16_t *types, size_t n, uint8_t *out, size_t cap, size_t *len)
{
	struct bitmap b;

	if ((types == NULL && n != 0) || len == NULL)
		return ODS_EINVAL;
	bitmap_make(&b, types, n);
	if (b.len > cap || (out == NULL && b.len != 0))
		return ODS_ENOMEM;
	bitmap_write(&b, out);
	*len = b.len;
	return ODS_OK;
}

ods_err
zd_nsec_rdata(const uint8_t *next, size_t next_len, const uint16_t *types, size_t n,
              uint8_t *out, size_t cap, size_t *len)
{
	struct bitmap b;
	size_t labels;

	if (name_check(next, next_len, &labels) != ODS_OK || (types == NULL && n != 0) ||
	    out == NULL || len == NULL)
		return ODS_EINVAL;
	bitmap_make(&b, types, n);
	if (next_len + b.len > cap)
		return ODS_ENOMEM;
	memcpy(out, next, next_len);
	bitmap_write(&b, out + next_len);
	*len = next_len + b.len;
	return ODS_OK;
}

/* RFC 5155 §3.2: the fields NSEC3 and NSEC3PARAM share. */
static size_t
put_params(uint8_t *out, uint8_t alg, uint8_t flags, uint16_t iterations, const uint8_t *salt,
           uint8_t salt_len)
{
	out[0] = alg;
	out[1] = flags;
	out[2] = (uint8_t)(iterations >> 8);
	out[3] = (uint8_t)iterations;
	out[4] = salt_len;
	if (salt_len != 0)
		memcpy(out + 5, salt, salt_len);
	return 5 + (size_t)salt_len;
}

ods_err
zd_nsec3_rdata(uint8_t alg, uint8_t flags, uint16_t iterations, const uint8_t *salt,
               uint8_t salt_len, const uint8_t *next_hash, uint8_t hash_len,
               const uint16_t *types, size_t n, uint8_t *out, size_t cap, size_t *len)
{
	struct bitmap b;
	size_t need;
	size_t k;

	/* The hash length is 1..255 (RFC 5155 §3.2). */
	if ((salt == NULL && salt_len != 0) || next_hash == NULL || hash_len == 0 ||
	    (types == NULL && n != 0) || out == NULL || len == NULL)
		return ODS_EINVAL;
	bitmap_make(&b, types, n);
	need = 5 + (size_t)salt_len + 1 + (size_t)hash_len + b.len;
	if (need > cap)
		return ODS_ENOMEM;
	k = put_params(out, alg, flags, iterations, salt, salt_len);
	out[k++] = hash_len;
	memcpy(out + k, next_hash, hash_len);
	k += hash_len;
	bitmap_write(&b, out + k);
	*len = need;
	return ODS_OK;
}

ods_err
zd_nsec3param_rdata(uint8_t alg, uint16_t iterations, const uint8_t *salt, uint8_t salt_len,
                    uint8_t *out, size_t cap, size_t *len)
{
	if ((salt == NULL && salt_len != 0) || out == NULL || len == NULL)
		return ODS_EINVAL;
	if (5 + (size_t)salt_len > cap)
		return ODS_ENOMEM;
	/* Flags 0: the opt-out flag belongs to NSEC3 records only (RFC 5155 §4.1.2). */
	*len = put_params(out, alg, 0, iterations, salt, salt_len);
	return ODS_OK;
}

/* --- NSEC3 hashing (RFC 5155 §5) and owner names ---------------------------------------- */

ods_err
zd_nsec3_hash(const uint8_t *name, size_t name_len, uint8_t alg, uint16_t iterations,
              const uint8_t *salt, uint8_t salt_len, uint8_t *hash, size_t *hash_len)
{
	uint8_t lower[DNS_NAME_WIRE_MAX];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = NULL;
	size_t labels;
	ods_err rc = ODS_EINTERNAL;

	if (alg != NSEC3_ALG_SHA1 || name_check(name, name_len, &labels) != ODS_OK ||
	    (salt == NULL && salt_len != 0) || hash == NULL || hash_len == NULL)
		return ODS_EINVAL;
	/* The canonical form (RFC 4034 §6.2) hashes the name lower-cased. Label length bytes
	 * are at most 63, so folding them is harmless. */
	for (size_t i = 0; i < name_len; i++)
		lower[i] = fold(name[i]);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return ODS_ENOMEM;
	/* IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt). */
	for (uint32_t k = 0; k <= iterations; k++) {
		const uint8_t *in = k == 0 ? lower : md;
		size_t in_len = k == 0 ? name_len : md_len;

		if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
		    EVP_DigestUpdate(ctx, in, in_len) != 1 ||
		    (salt_len != 0 && EVP_DigestUpdate(ctx, salt, salt_len) != 1) ||
		    EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != SHA1_LEN)
			goto out;
	}
	memcpy(hash, md, SHA1_LEN);
	*hash_len = SHA1_LEN;
	rc = ODS_OK;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

ods_err
zd_nsec3_owner(const uint8_t *hash, size_t hash_len, const uint8_t *apex, size_t apex_len,
               uint8_t *out, size_t cap, size_t *len)
{
	static const char b32hex[] = "0123456789abcdefghijklmnopqrstuv";
	size_t label_len = (hash_len * 8 + 4) / 5;
	size_t labels;
	size_t k = 1;
	uint32_t acc = 0;
	unsigned int bits = 0;

	if (hash == NULL || hash_len == 0 || label_len > LABEL_MAX ||
	    name_check(apex, apex_len, &labels) != ODS_OK || out == NULL || len == NULL)
		return ODS_EINVAL;
	if (1 + label_len + apex_len > DNS_NAME_WIRE_MAX)
		return ODS_EINVAL;
	if (1 + label_len + apex_len > cap)
		return ODS_ENOMEM;
	/* RFC 4648 §7: 5 bits per character, most significant first; the last character is
	 * padded with zero bits and no '=' follows (RFC 5155 §3.3). */
	out[0] = (uint8_t)label_len;
	for (size_t i = 0; i < hash_len; i++) {
		acc = (acc << 8) | hash[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[k++] = (uint8_t)b32hex[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)
		out[k++] = (uint8_t)b32hex[(acc << (5 - bits)) & 0x1f];
	memcpy(out + k, apex, apex_len);
	*len = k + apex_len;
	return ODS_OK;
}

/* --- the name walk ---------------------------------------------------------------------- */

/* One ancestor of the last name (or that name itself). */
struct level {
	enum zd_kind kind;
	bool given; /* given to zd_walk_add, so already emitted */
	bool cut;   /* delegation or DNAME owner: the names below are occluded */
	bool kept;  /* it, or a name below it, has a denial record */
};

struct zd_walk {
	bool nsec3;
	bool optout;
	zd_emit_fn emit;
	void *arg;
	bool started;
	bool ended;
	uint8_t apex[DNS_NAME_WIRE_MAX];
	size_t apex_len;
	size_t apex_labels;
	uint8_t apex_key[DNS_SORTKEY_MAX];
	size_t apex_key_len;
	/* The last name given: its key, and its wire form lower-cased, from which the owners
	 * of the empty non-terminals above it are cut. */
	uint8_t key[DNS_SORTKEY_MAX];
	size_t key_len;
	uint8_t cur[DNS_NAME_WIRE_MAX];
	size_t cur_len;
	size_t cur_labels;
	/* stack[i]: the ancestor with apex_labels + i labels; depth levels are open. */
	struct level stack[LABELS_MAX];
	size_t depth;
	size_t cut_level; /* index + 1 of the open level that is a cut; 0: none */
	uint16_t *types;  /* the bitmap types of the name being emitted */
	size_t types_cap;
};

ods_err
zd_walk_new(const uint8_t *apex, size_t apex_len, bool nsec3, bool optout, zd_emit_fn emit,
            void *arg, struct zd_walk **out)
{
	struct zd_walk *w;
	size_t labels;

	if (name_check(apex, apex_len, &labels) != ODS_OK || emit == NULL || out == NULL)
		return ODS_EINVAL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return ODS_ENOMEM;
	if (dns_sortkey_from_wire(apex, apex_len, w->apex_key, sizeof(w->apex_key),
	                          &w->apex_key_len) != ODS_OK) {
		free(w);
		return ODS_EINVAL;
	}
	memcpy(w->apex, apex, apex_len);
	w->apex_len = apex_len;
	w->apex_labels = labels;
	w->nsec3 = nsec3;
	w->optout = nsec3 && optout;
	w->emit = emit;
	w->arg = arg;
	*out = w;
	return ODS_OK;
}

void
zd_walk_free(struct zd_walk *w)
{
	if (w == NULL)
		return;
	free(w->types);
	free(w);
}

static bool
has_type(const uint16_t *types, size_t n, uint16_t t)
{
	for (size_t i = 0; i < n; i++)
		if (types[i] == t)
			return true;
	return false;
}

/* The types the signer makes itself: never taken from the input. */
static bool
signer_type(uint16_t t)
{
	return t == ZT_RRSIG || t == ZT_NSEC || t == ZT_NSEC3 || t == ZT_NSEC3PARAM;
}

static int
type_cmp(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a;
	uint16_t y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* The bitmap types of a given name of kind k with denial into w->types (room for n +
 * TYPES_ADDED), sorted, without duplicates. */
static size_t
build_types(struct zd_walk *w, enum zd_kind k, const uint16_t *in, size_t n)
{
	uint16_t *t = w->types;
	size_t m = 0;
	size_t u = 0;
	bool ds = false;

	for (size_t i = 0; i < n; i++) {
		if (signer_type(in[i]))
			continue;
		/* At a zone cut the parent holds only NS and DS: other data there is occluded
		 * and its bits MUST be clear (RFC 4035 §2.3, RFC 5155 §7.1). */
		if (k == ZD_DELEG && in[i] != ZT_NS && in[i] != ZT_DS)
			continue;
		ds = ds || in[i] == ZT_DS;
		t[m++] = in[i];
	}
	if (!w->nsec3) {
		/* The NSEC and its signature are at every name that has an NSEC. */
		t[m++] = ZT_RRSIG;
		t[m++] = ZT_NSEC;
	} else {
		/* RRSIG only where something is signed: not at an insecure delegation, whose NS
		 * RRset is not (RFC 4035 §2.2); the NSEC3 record's own signature is at the hashed
		 * owner, not here (RFC 5155 §3.2). */
		if (k != ZD_DELEG || ds)
			t[m++] = ZT_RRSIG;
		if (k == ZD_APEX)
			t[m++] = ZT_NSEC3PARAM;
	}
	qsort(t, m, sizeof(*t), type_cmp);
	for (size_t i = 0; i < m; i++)
		if (u == 0 || t[u - 1] != t[i])
			t[u++] = t[i];
	return u;
}

/* Close the deepest open level: an empty non-terminal is emitted now that everything below
 * it is known. */
static void
close_level(struct zd_walk *w)
{
	size_t i = --w->depth;
	struct level *l = &w->stack[i];

	if (!l->given && l->kind == ZD_ENT) {
		size_t skip = w->cur_labels - (w->apex_labels + i);
		size_t off = 0;
		struct zd_name n = { 0 };

		for (size_t j = 0; j < skip; j++)
			off += 1 + (size_t)w->cur[off];
		n.owner = w->cur + off;
		n.owner_len = w->cur_len - off;
		n.kind = ZD_ENT;
		/* RFC 5155 §7.1: with opt-out, an empty non-terminal whose subtree holds only
		 * insecure delegations (and what they occlude) needs no NSEC3. NSEC has no
		 * records for empty non-terminals (RFC 4035 §2.3). */
		n.denial = w->nsec3 && (!w->optout || l->kept);
		n.optout_skip = w->nsec3 && !n.denial;
		l->kept = n.denial;
		w->emit(w->arg, &n);
	}
	if (l->cut)
		w->cut_level = 0;
	if (i > 0 && l->kept)
		w->stack[i - 1].kept = true;
}

/* Everything that can be wrong with a name, checked before the walk changes: its form, its
 * place in the zone and in canonical order, its types. Writes its key and labels. */
static ods_err
walk_check(const struct zd_walk *w, const uint8_t *owner, size_t owner_len,
           const uint16_t *types, size_t n_types, uint8_t *key, size_t *key_len,
           size_t *labels, struct diag *d)
{
	char name[NAME_STR_MAX];
	char other[NAME_STR_MAX];
	size_t n_data = 0;

	if (owner == NULL || name_check(owner, owner_len, labels) != ODS_OK ||
	    dns_sortkey_from_wire(owner, owner_len, key, DNS_SORTKEY_MAX, key_len) != ODS_OK)
		return diag_fail(d, ODS_EINVAL, "zone walk", "malformed owner name");
	name_str(owner, owner_len, name, sizeof(name));
	if (w->ended)
		return diag_fail(d, ODS_EINVAL, "zone walk", "'%s' given after the end of the walk",
		                 name);
	if (*key_len < w->apex_key_len || memcmp(key, w->apex_key, w->apex_key_len) != 0)
		return diag_fail(d, ODS_EINVAL, "zone walk", "'%s' is not in the zone '%s'", name,
		                 name_str(w->apex, w->apex_len, other, sizeof(other)));
	if (!w->started && *key_len != w->apex_key_len)
		return diag_fail(d, ODS_EINVAL, "zone walk",
		                 "'%s' given before the apex '%s': the first name is the apex",
		                 name, name_str(w->apex, w->apex_len, other, sizeof(other)));
	if (w->started && key_cmp(key, *key_len, w->key, w->key_len) <= 0)
		return diag_fail(d, ODS_EINVAL, "zone walk",
		                 "'%s' is out of canonical order: it follows '%s'", name,
		                 name_str(w->cur, w->cur_len, other, sizeof(other)));
	for (size_t i = 0; i < n_types; i++)
		n_data += signer_type(types[i]) ? 0 : 1;
	if (n_data == 0)
		return diag_fail(d, ODS_EINVAL, "zone walk",
		                 "'%s' has no RRsets but the ones the signer makes", name);
	if (n_types > TYPES_IN_MAX)
		return diag_fail(d, ODS_EINVAL, "zone walk", "'%s' has more than %d types", name,
		                 TYPES_IN_MAX);
	return ODS_OK;
}

/* Room for the bitmap types of a name with n input types. */
static ods_err
types_reserve(struct zd_walk *w, size_t n)
{
	uint16_t *p;

	if (n + TYPES_ADDED <= w->types_cap)
		return ODS_OK;
	p = realloc(w->types, (n + TYPES_ADDED) * sizeof(*p));
	if (p == NULL)
		return ODS_ENOMEM;
	w->types = p;
	w->types_cap = n + TYPES_ADDED;
	return ODS_OK;
}

/* What a given name is, from the open levels above it (after closing those that are not its
 * ancestors) and its types. */
static enum zd_kind
classify(const struct zd_walk *w, size_t level, const uint16_t *types, size_t n)
{
	if (level == 0)
		return ZD_APEX;
	if (w->cut_level != 0)
		return ZD_OCCLUDED;
	if (has_type(types, n, ZT_NS))
		return ZD_DELEG;
	return ZD_AUTH;
}

/* Make the open levels the ancestors of the next name: close those that are not, then open
 * one for each label between the deepest common one and the name. Those are empty
 * non-terminals: a given ancestor would sort between the last name and this one. */
static void
descend(struct zd_walk *w, const uint8_t *owner, size_t owner_len, size_t labels,
        const uint8_t *key, size_t key_len)
{
	if (w->started) {
		size_t common = key_common_labels(key, key_len, w->key, w->key_len);

		while (w->depth > common - w->apex_labels + 1)
			close_level(w);
	}
	for (size_t i = 0; i < owner_len; i++)
		w->cur[i] = fold(owner[i]);
	w->cur_len = owner_len;
	w->cur_labels = labels;
	memcpy(w->key, key, key_len);
	w->key_len = key_len;
	w->started = true;
	while (w->depth < labels - w->apex_labels)
		w->stack[w->depth++] = (struct level){
			.kind = w->cut_level != 0 ? ZD_OCCLUDED : ZD_ENT,
		};
}

ods_err
zd_walk_add(struct zd_walk *w, const uint8_t *owner, size_t owner_len,
            const uint16_t *types, size_t n_types, struct diag *d)
{
	uint8_t key[DNS_SORTKEY_MAX];
	size_t key_len = 0;
	size_t labels = 0;
	size_t level;
	struct level *l;
	struct zd_name n = { 0 };
	ods_err rc;

	if (w == NULL || (types == NULL && n_types != 0))
		return ODS_EINVAL;
	rc = walk_check(w, owner, owner_len, types, n_types, key, &key_len, &labels, d);
	if (rc == ODS_OK)
		rc = types_reserve(w, n_types);
	if (rc != ODS_OK)
		return rc;
	/* Nothing fails from here on. */
	descend(w, owner, owner_len, labels, key, key_len);
	level = labels - w->apex_labels;
	l = &w->stack[w->depth++];
	*l = (struct level){ .kind = classify(w, level, types, n_types), .given = true };
	if (l->kind != ZD_OCCLUDED && (l->kind == ZD_DELEG || has_type(types, n_types, ZT_DNAME))) {
		l->cut = true;
		w->cut_level = level + 1;
	}
	n.owner = owner;
	n.owner_len = owner_len;
	n.kind = l->kind;
	if (l->kind != ZD_OCCLUDED) {
		/* RFC 5155 §6: opt-out covers insecure delegations only. */
		n.optout_skip = w->optout && l->kind == ZD_DELEG && !has_type(types, n_types, ZT_DS);
		n.denial = !n.optout_skip;
	}
	if (n.denial) {
		n.n_bitmap_types = build_types(w, l->kind, types, n_types);
		n.bitmap_types = w->types;
	}
	l->kept = n.denial;
	w->emit(w->arg, &n);
	return ODS_OK;
}

ods_err
zd_walk_end(struct zd_walk *w, struct diag *d)
{
	if (w == NULL)
		return ODS_EINVAL;
	if (w->ended)
		return diag_fail(d, ODS_EINVAL, "zone walk", "the walk has already ended");
	if (!w->started)
		return diag_fail(d, ODS_EINVAL, "zone walk", "no names given, not even the apex");
	while (w->depth > 0)
		close_level(w);
	w->ended = true;
	return ODS_OK;
}
