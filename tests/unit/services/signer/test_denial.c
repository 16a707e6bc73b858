/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for services/signer/zone/denial.c: type bitmaps against RFC 4034 §4.3 and
 * ldns's parser, NSEC3 hashes and records against RFC 5155 Appendix A and
 * ldns_nsec3_hash_name, and the name walk over a zone with every kind of name (apex,
 * wildcard, empty non-terminals, a DNAME, delegations with glue and occluded data, secure
 * delegations, opt-out cases) in NSEC, NSEC3 and NSEC3 opt-out mode, plus the rejection of
 * names out of canonical order or outside the zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "lib/dns/name.h"
#include "services/signer/zone/denial.h"

enum { T_A = 1, T_MX = 15, T_TXT = 16, T_AAAA = 28 };

static const uint8_t rfc5155_salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };

struct wire {
	uint8_t b[DNS_NAME_WIRE_MAX];
	size_t len;
};

static struct wire
wire_of(const char *name)
{
	struct wire w;

	assert_int_equal(dns_name_to_wire(name, w.b, sizeof(w.b), &w.len), ODS_OK);
	return w;
}

/* ldns's presentation form of a wire name, into buf. */
static const char *
str_of(const uint8_t *wire, size_t len, char *buf, size_t cap)
{
	ldns_rdf *rdf = ldns_dname_new_frm_data((uint16_t)len, wire);
	char *s;

	assert_non_null(rdf);
	s = ldns_rdf2str(rdf);
	assert_non_null(s);
	snprintf(buf, cap, "%s", s);
	free(s);
	ldns_rdf_deep_free(rdf);
	return buf;
}

/* "A MX RRSIG" -> type numbers; returns the count. */
static size_t
types_of(const char *list, uint16_t *out, size_t cap)
{
	char copy[256];
	char *save = NULL;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		ldns_rr_type t = ldns_get_rr_type_by_name(tok);

		assert_true(t != 0);
		assert_true(n < cap);
		out[n++] = (uint16_t)t;
	}
	return n;
}

/* The rdata of an RR in presentation form, as ldns makes it. */
static size_t
ldns_rdata_of(const char *rr_text, uint8_t *out, size_t cap)
{
	ldns_rr *rr = NULL;
	ldns_buffer *b = ldns_buffer_new(1024);
	size_t n;

	assert_int_equal(ldns_rr_new_frm_str(&rr, rr_text, 0, NULL, NULL), LDNS_STATUS_OK);
	assert_int_equal(ldns_rr_rdata2buffer_wire(b, rr), LDNS_STATUS_OK);
	n = ldns_buffer_position(b);
	assert_true(n <= cap);
	memcpy(out, ldns_buffer_begin(b), n);
	ldns_buffer_free(b);
	ldns_rr_free(rr);
	return n;
}

/* --- bitmaps ---------------------------------------------------------------------------- */

/* RFC 4034 §4.3: alfa.example.com. NSEC host.example.com. (A MX RRSIG NSEC TYPE1234). */
static const uint8_t rfc4034_bitmap[] = {
	0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03,
	0x04, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
};

static void
test_bitmap_matches_rfc4034_example(void **state)
{
	/* any order, duplicates allowed */
	const uint16_t types[] = { 1234, ZT_NSEC, T_A, ZT_RRSIG, T_MX, T_A, 1234 };
	uint8_t out[ZD_BITMAP_MAX];
	size_t len = 0;

	assert_int_equal(zd_bitmap(types, 7, out, sizeof(out), &len), ODS_OK);
	assert_int_equal(len, sizeof(rfc4034_bitmap));
	assert_memory_equal(out, rfc4034_bitmap, len);
}

static void
test_nsec_rdata_matches_rfc4034_example(void **state)
{
	const uint16_t types[] = { T_A, T_MX, ZT_RRSIG, ZT_NSEC, 1234 };
	struct wire next = wire_of("host.example.com.");
	uint8_t out[512];
	uint8_t want[512];
	size_t len = 0;
	size_t want_len;

	assert_int_equal(zd_nsec_rdata(next.b, next.len, types, 5, out, sizeof(out), &len),
	                 ODS_OK);
	assert_int_equal(len, next.len + sizeof(rfc4034_bitmap));
	assert_memory_equal(out, next.b, next.len);
	assert_memory_equal(out + next.len, rfc4034_bitmap, sizeof(rfc4034_bitmap));
	want_len = ldns_rdata_of("alfa.example.com. 86400 IN NSEC host.example.com. "
	                         "A MX RRSIG NSEC TYPE1234", want, sizeof(want));
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, len);

	/* too small: ENOMEM, *len untouched */
	len = 77;
	assert_int_equal(zd_nsec_rdata(next.b, next.len, types, 5, out, next.len + 10, &len),
	                 ODS_ENOMEM);
	assert_int_equal(len, 77);
	/* a next name without its root label */
	assert_int_equal(zd_nsec_rdata(next.b, next.len - 1, types, 5, out, sizeof(out), &len),
	                 ODS_EINVAL);
}

static void
test_bitmap_windows_agree_with_ldns(void **state)
{
	const uint16_t types[] = { 65535, 256, T_A, 255, 257, 32768, 0x10f, T_AAAA };
	uint8_t out[ZD_BITMAP_MAX];
	uint8_t want[ZD_BITMAP_MAX];
	struct wire next = wire_of("y.");
	size_t len = 0;
	size_t want_len;

	want_len = ldns_rdata_of("x. 0 IN NSEC y. A AAAA TYPE255 TYPE256 TYPE257 TYPE271 "
	                         "TYPE32768 TYPE65535", want, sizeof(want));
	assert_int_equal(zd_bitmap(types, 8, out, sizeof(out), &len), ODS_OK);
	assert_int_equal(len, want_len - next.len);
	assert_memory_equal(out, want + next.len, len);
}

static void
test_bitmap_empty_and_too_small(void **state)
{
	const uint16_t types[] = { T_A, 1234 };
	uint8_t out[64];
	size_t len = 99;

	assert_int_equal(zd_bitmap(NULL, 0, out, sizeof(out), &len), ODS_OK);
	assert_int_equal(len, 0);
	len = 99;
	/* needs 3 + 29 bytes */
	assert_int_equal(zd_bitmap(types, 2, out, 31, &len), ODS_ENOMEM);
	assert_int_equal(len, 99);
	assert_int_equal(zd_bitmap(types, 2, out, 32, &len), ODS_OK);
	assert_int_equal(len, 32);
}

/* --- NSEC3 ------------------------------------------------------------------------------ */

/* RFC 5155 Appendix A: salt aabbccdd, 12 iterations. */
static const struct {
	const char *name;
	const char *hash;
} rfc5155_hashes[] = {
	{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
	{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
	{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
	{ "ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
	{ "ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r" },
	{ "w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
	{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
	{ "x.w.example.", "b4um86eghhds6nea196smvmlo4ors995" },
	{ "y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc" },
	{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
	{ "xx.example.", "t644ebqk9bibcna874givr6joj62mlhv" },
	{ "X.Y.W.Example.", "2vptu5timamqttgl4luu9kg21e0aor3s" }, /* hashed lower-cased */
};

static void
test_nsec3_hash_matches_rfc5155_appendix_a(void **state)
{
	struct wire apex = wire_of("example.");

	for (size_t i = 0; i < sizeof(rfc5155_hashes) / sizeof(rfc5155_hashes[0]); i++) {
		struct wire name = wire_of(rfc5155_hashes[i].name);
		uint8_t hash[ZD_NSEC3_HASH_MAX];
		uint8_t owner[DNS_NAME_WIRE_MAX];
		size_t hash_len = 0;
		size_t owner_len = 0;
		char got[1024];
		char want[1024];
		ldns_rdf *rdf = ldns_dname_new_frm_data((uint16_t)name.len, name.b);
		ldns_rdf *lh;
		char *ls;

		assert_int_equal(zd_nsec3_hash(name.b, name.len, 1, 12, rfc5155_salt, 4, hash,
		                               &hash_len), ODS_OK);
		assert_int_equal(hash_len, 20);
		assert_int_equal(zd_nsec3_owner(hash, hash_len, apex.b, apex.len, owner,
		                                sizeof(owner), &owner_len), ODS_OK);
		assert_int_equal(owner_len, 1 + 32 + apex.len);
		snprintf(want, sizeof(want), "%s.example.", rfc5155_hashes[i].hash);
		assert_string_equal(str_of(owner, owner_len, got, sizeof(got)), want);

		/* and ldns agrees */
		lh = ldns_nsec3_hash_name(rdf, 1, 12, 4, rfc5155_salt);
		assert_non_null(lh);
		ls = ldns_rdf2str(lh);
		snprintf(want, sizeof(want), "%s.", rfc5155_hashes[i].hash);
		assert_string_equal(ls, want);
		free(ls);
		ldns_rdf_deep_free(lh);
		ldns_rdf_deep_free(rdf);
	}
}

static void
test_nsec3_hash_without_salt_or_iterations_agrees_with_ldns(void **state)
{
	const char *names[] = { ".", "example.", "*.Sub.Example.COM.", "\\000.a.b." };

	for (size_t i = 0; i < 4; i++) {
		struct wire name = wire_of(names[i]);
		struct wire root = wire_of(".");
		uint8_t hash[ZD_NSEC3_HASH_MAX];
		uint8_t owner[DNS_NAME_WIRE_MAX];
		size_t hash_len = 0;
		size_t owner_len = 0;
		char got[1024];
		ldns_rdf *rdf = ldns_dname_new_frm_data((uint16_t)name.len, name.b);
		ldns_rdf *lh = ldns_nsec3_hash_name(rdf, 1, 0, 0, NULL);
		char *ls = ldns_rdf2str(lh);

		assert_int_equal(zd_nsec3_hash(name.b, name.len, 1, 0, NULL, 0, hash, &hash_len),
		                 ODS_OK);
		assert_int_equal(zd_nsec3_owner(hash, hash_len, root.b, root.len, owner,
		                                sizeof(owner), &owner_len), ODS_OK);
		assert_string_equal(str_of(owner, owner_len, got, sizeof(got)), ls);
		free(ls);
		ldns_rdf_deep_free(lh);
		ldns_rdf_deep_free(rdf);
	}
}

static void
test_nsec3_hash_and_owner_limits(void **state)
{
	uint8_t hash[40] = { 0 };
	uint8_t out[DNS_NAME_WIRE_MAX];
	struct wire apex = wire_of("example.");
	size_t len = 5;

	/* only algorithm 1; a name without its root label */
	assert_int_equal(zd_nsec3_hash(apex.b, apex.len, 2, 12, rfc5155_salt, 4, hash, &len),
	                 ODS_EINVAL);
	assert_int_equal(zd_nsec3_hash(apex.b, apex.len - 1, 1, 12, rfc5155_salt, 4, hash, &len),
	                 ODS_EINVAL);
	assert_int_equal(len, 5);

	/* 39 bytes make 63 characters, 40 bytes one too many */
	assert_int_equal(zd_nsec3_owner(hash, 40, apex.b, apex.len, out, sizeof(out), &len),
	                 ODS_EINVAL);
	assert_int_equal(zd_nsec3_owner(hash, 20, apex.b, apex.len, out, 1 + 32 + apex.len - 1,
	                                &len), ODS_ENOMEM);
	assert_int_equal(len, 5);
	assert_int_equal(zd_nsec3_owner(hash, 39, apex.b, apex.len, out, sizeof(out), &len),
	                 ODS_OK);
	assert_int_equal(out[0], 63);
	assert_int_equal(len, 64 + apex.len);
	/* a 1-byte hash: 2 characters, the second padded with zero bits: 0xff -> "vs" */
	hash[0] = 0xff;
	assert_int_equal(zd_nsec3_owner(hash, 1, apex.b, apex.len, out, sizeof(out), &len),
	                 ODS_OK);
	assert_int_equal(out[0], 2);
	assert_memory_equal(out + 1, "vs", 2);
}

/* RFC 5155 Appendix A: the apex's NSEC3 and the NSEC3PARAM, built from our parts. */
static void
test_nsec3_records_match_rfc5155_appendix_a(void **state)
{
	const uint16_t types[] = { ZT_NS, ZT_SOA, T_MX, ZT_RRSIG, ZT_DNSKEY, ZT_NSEC3PARAM };
	struct wire ns1 = wire_of("ns1.example.");
	uint8_t next[ZD_NSEC3_HASH_MAX];
	uint8_t out[512];
	uint8_t want[512];
	size_t hash_len = 0;
	size_t len = 0;
	size_t want_len;

	assert_int_equal(zd_nsec3_hash(ns1.b, ns1.len, 1, 12, rfc5155_salt, 4, next, &hash_len),
	                 ODS_OK);
	assert_int_equal(zd_nsec3_rdata(1, 1, 12, rfc5155_salt, 4, next, (uint8_t)hash_len,
	                                types, 6, out, sizeof(out), &len), ODS_OK);
	want_len = ldns_rdata_of("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 "
	                         "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr "
	                         "NS SOA MX RRSIG DNSKEY NSEC3PARAM", want, sizeof(want));
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, len);

	/* an empty non-terminal: empty bitmap, no salt */
	assert_int_equal(zd_nsec3_rdata(1, 0, 0, NULL, 0, next, (uint8_t)hash_len, NULL, 0, out,
	                                sizeof(out), &len), ODS_OK);
	want_len = ldns_rdata_of("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 "
	                         "1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr", want,
	                         sizeof(want));
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, len);
	assert_int_equal(zd_nsec3_rdata(1, 0, 0, NULL, 0, next, 0, NULL, 0, out, sizeof(out),
	                                &len), ODS_EINVAL);
	assert_int_equal(zd_nsec3_rdata(1, 0, 0, NULL, 0, next, 20, NULL, 0, out, 25, &len),
	                 ODS_ENOMEM);

	assert_int_equal(zd_nsec3param_rdata(1, 12, rfc5155_salt, 4, out, sizeof(out), &len),
	                 ODS_OK);
	want_len = ldns_rdata_of("example. 3600 IN NSEC3PARAM 1 0 12 aabbccdd", want,
	                         sizeof(want));
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, len);
	assert_int_equal(zd_nsec3param_rdata(1, 12, rfc5155_salt, 4, out, 8, &len), ODS_ENOMEM);
}

/* --- the walk --------------------------------------------------------------------------- */

#define GOT_MAX 64

struct got {
	char owner[1024];
	uint8_t wire[DNS_NAME_WIRE_MAX];
	size_t wire_len;
	const uint8_t *ptr;
	enum zd_kind kind;
	bool denial;
	bool optout_skip;
	char bitmap[256];
	uint16_t types[32];
	size_t n_types;
};

struct sink {
	struct got g[GOT_MAX];
	size_t n;
};

static void
collect(void *arg, const struct zd_name *n)
{
	struct sink *s = arg;
	struct got *g;
	size_t k = 0;

	assert_true(s->n < GOT_MAX);
	g = &s->g[s->n++];
	str_of(n->owner, n->owner_len, g->owner, sizeof(g->owner));
	memcpy(g->wire, n->owner, n->owner_len);
	g->wire_len = n->owner_len;
	g->ptr = n->owner;
	g->kind = n->kind;
	g->denial = n->denial;
	g->optout_skip = n->optout_skip;
	g->bitmap[0] = '\0';
	assert_true(n->n_bitmap_types <= 32);
	if (n->n_bitmap_types != 0)
		memcpy(g->types, n->bitmap_types, n->n_bitmap_types * sizeof(uint16_t));
	g->n_types = n->n_bitmap_types;
	for (size_t i = 0; i < n->n_bitmap_types; i++) {
		char *t = ldns_rr_type2str(n->bitmap_types[i]);

		k += (size_t)snprintf(g->bitmap + k, sizeof(g->bitmap) - k, "%s%s", i ? " " : "",
		                      t);
		free(t);
	}
}

struct in_name {
	const char *name;
	const char *types;
};

/* The test zone, in canonical order. */
static const struct in_name zone[] = {
	{ "example.", "SOA NS MX DNSKEY NSEC3PARAM" },
	{ "*.example.", "TXT" },
	{ "a.example.", "A AAAA RRSIG NSEC" },   /* stale DNSSEC types are ignored */
	{ "a.b.c.example.", "A" },               /* b.c and c are empty non-terminals */
	{ "d.example.", "DNAME" },
	{ "x.d.example.", "A" },                 /* below a DNAME */
	{ "y.z.d.example.", "A" },               /* ... and z.d is no ENT of ours */
	{ "deleg.example.", "NS A" },            /* insecure; its A is occluded */
	{ "ns.deleg.example.", "A AAAA" },       /* glue */
	{ "a.insec.example.", "NS" },            /* insec: an ENT over insecure delegations */
	{ "b.insec.example.", "NS" },
	{ "ns.b.insec.example.", "A" },
	{ "sec.keep1.example.", "DS NS" },       /* keep1: an ENT over a secure delegation */
	{ "a.keep2.example.", "NS" },            /* keep2: over an insecure delegation... */
	{ "b.keep2.example.", "TXT" },           /* ... and data */
	{ "x.n.nest.example.", "NS" },           /* two ENTs over an insecure delegation */
	{ "ns1.example.", "A" },
	{ "secure.example.", "NS DS TXT" },      /* secure; its TXT is occluded */
	{ "w.zz.example.", "TXT" },              /* zz: an ENT emitted by zd_walk_end */
};

#define NO NULL /* no denial record */

/* What the walk says, in emit order: the bitmap with NSEC, with NSEC3, and whether opt-out
 * leaves the name out of the NSEC3 chain. */
static const struct {
	const char *owner;
	enum zd_kind kind;
	const char *nsec;
	const char *nsec3;
	bool optout_skip;
} want[] = {
	{ "example.", ZD_APEX, "NS SOA MX RRSIG NSEC DNSKEY",
	  "NS SOA MX RRSIG DNSKEY NSEC3PARAM", false },
	{ "*.example.", ZD_AUTH, "TXT RRSIG NSEC", "TXT RRSIG", false },
	{ "a.example.", ZD_AUTH, "A AAAA RRSIG NSEC", "A AAAA RRSIG", false },
	{ "a.b.c.example.", ZD_AUTH, "A RRSIG NSEC", "A RRSIG", false },
	{ "b.c.example.", ZD_ENT, NO, "", false },
	{ "c.example.", ZD_ENT, NO, "", false },
	{ "d.example.", ZD_AUTH, "DNAME RRSIG NSEC", "DNAME RRSIG", false },
	{ "x.d.example.", ZD_OCCLUDED, NO, NO, false },
	{ "y.z.d.example.", ZD_OCCLUDED, NO, NO, false },
	{ "deleg.example.", ZD_DELEG, "NS RRSIG NSEC", "NS", true },
	{ "ns.deleg.example.", ZD_OCCLUDED, NO, NO, false },
	{ "a.insec.example.", ZD_DELEG, "NS RRSIG NSEC", "NS", true },
	{ "b.insec.example.", ZD_DELEG, "NS RRSIG NSEC", "NS", true },
	{ "ns.b.insec.example.", ZD_OCCLUDED, NO, NO, false },
	{ "insec.example.", ZD_ENT, NO, "", true },
	{ "sec.keep1.example.", ZD_DELEG, "NS DS RRSIG NSEC", "NS DS RRSIG", false },
	{ "keep1.example.", ZD_ENT, NO, "", false },
	{ "a.keep2.example.", ZD_DELEG, "NS RRSIG NSEC", "NS", true },
	{ "b.keep2.example.", ZD_AUTH, "TXT RRSIG NSEC", "TXT RRSIG", false },
	{ "keep2.example.", ZD_ENT, NO, "", false },
	{ "x.n.nest.example.", ZD_DELEG, "NS RRSIG NSEC", "NS", true },
	{ "n.nest.example.", ZD_ENT, NO, "", true },
	{ "nest.example.", ZD_ENT, NO, "", true },
	{ "ns1.example.", ZD_AUTH, "A RRSIG NSEC", "A RRSIG", false },
	{ "secure.example.", ZD_DELEG, "NS DS RRSIG NSEC", "NS DS RRSIG", false },
	{ "w.zz.example.", ZD_AUTH, "TXT RRSIG NSEC", "TXT RRSIG", false },
	{ "zz.example.", ZD_ENT, NO, "", false },
};

#define N_ZONE (sizeof(zone) / sizeof(zone[0]))
#define N_WANT (sizeof(want) / sizeof(want[0]))

enum mode { M_NSEC, M_NSEC3, M_OPTOUT };

/* Run names through a walk into s; returns the emitted count. */
static size_t
walk_small(const char *apex_name, bool nsec3, bool optout, const struct in_name *in, size_t n,
           struct sink *s)
{
	struct wire apex = wire_of(apex_name);
	struct zd_walk *w = NULL;
	struct diag d = { 0 };

	memset(s, 0, sizeof(*s));
	assert_int_equal(zd_walk_new(apex.b, apex.len, nsec3, optout, collect, s, &w), ODS_OK);
	for (size_t i = 0; i < n; i++) {
		struct wire name = wire_of(in[i].name);
		uint16_t types[16];
		size_t k = types_of(in[i].types, types, 16);
		size_t before = s->n;

		assert_int_equal(zd_walk_add(w, name.b, name.len, types, k, &d), ODS_OK);
		/* the given name is emitted last in its own call, with the caller's pointer */
		assert_true(s->n > before);
		assert_ptr_equal(s->g[s->n - 1].ptr, name.b);
	}
	assert_int_equal(zd_walk_end(w, &d), ODS_OK);
	zd_walk_free(w);
	return s->n;
}

static void
check_walk(enum mode m)
{
	struct sink s;

	assert_int_equal(walk_small("example.", m != M_NSEC, m == M_OPTOUT, zone, N_ZONE, &s),
	                 N_WANT);
	for (size_t i = 0; i < N_WANT; i++) {
		const struct got *g = &s.g[i];
		const char *bm = m == M_NSEC ? want[i].nsec : want[i].nsec3;
		bool skip = m == M_OPTOUT && want[i].optout_skip;

		if (skip)
			bm = NO;
		assert_string_equal(g->owner, want[i].owner);
		assert_int_equal(g->kind, want[i].kind);
		assert_int_equal(g->denial, bm != NO);
		assert_int_equal(g->optout_skip, skip);
		assert_string_equal(g->bitmap, bm != NO ? bm : "");
	}
}

static void
test_walk_nsec_classifies_and_lists_types(void **state)
{
	check_walk(M_NSEC);
}

static void
test_walk_nsec3_gives_ents_records_and_no_rrsig_at_insecure_delegations(void **state)
{
	check_walk(M_NSEC3);
}

static void
test_walk_nsec3_optout_skips_insecure_delegations_and_ents_only_over_them(void **state)
{
	check_walk(M_OPTOUT);
}

/* RFC 5155 Appendix A: the example zone, opt-out, and the NSEC3 records it lists. */
static const struct in_name rfc5155_zone[] = {
	{ "example.", "SOA NS MX DNSKEY" },
	{ "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "A" },
	{ "a.example.", "NS DS" },
	{ "ns1.a.example.", "A" },
	{ "ns2.a.example.", "A" },
	{ "ai.example.", "A HINFO AAAA" },
	{ "c.example.", "NS" },
	{ "ns1.c.example.", "A" },
	{ "ns2.c.example.", "A" },
	{ "ns1.example.", "A" },
	{ "ns2.example.", "A" },
	{ "*.w.example.", "MX" },
	{ "x.w.example.", "MX" },
	{ "x.y.w.example.", "MX" },
	{ "xx.example.", "A HINFO AAAA" },
};

static const char *const rfc5155_nsec3[] = {
	"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr "
	"MX DNSKEY NS SOA NSEC3PARAM RRSIG",
	"2t7b4g4vsa5smi47k61mv5bv1a22bojr 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
	"2vptu5timamqttgl4luu9kg21e0aor3s 1 1 12 aabbccdd 35mthgpgcu1qg68fab165klnsnk3dpvl MX RRSIG",
	"35mthgpgcu1qg68fab165klnsnk3dpvl 1 1 12 aabbccdd b4um86eghhds6nea196smvmlo4ors995 "
	"NS DS RRSIG",
	"b4um86eghhds6nea196smvmlo4ors995 1 1 12 aabbccdd gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG",
	"gjeqe526plbf1g8mklp59enfd789njgi 1 1 12 aabbccdd ji6neoaepv8b5o6k4ev33abha8ht9fgc "
	"A HINFO AAAA RRSIG",
	"ji6neoaepv8b5o6k4ev33abha8ht9fgc 1 1 12 aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h",
	"k8udemvp1j2f7eg6jebps17vp3n8i58h 1 1 12 aabbccdd kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
	"kohar7mbb8dc2ce8a9qvl8hon4k53uhi 1 1 12 aabbccdd q04jkcevqvmu85r014c7dkba38o0ji5r A RRSIG",
	"q04jkcevqvmu85r014c7dkba38o0ji5r 1 1 12 aabbccdd r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG",
	"r53bq7cc2uvmubfu5ocmm6pers9tk9en 1 1 12 aabbccdd t644ebqk9bibcna874givr6joj62mlhv MX RRSIG",
	"t644ebqk9bibcna874givr6joj62mlhv 1 1 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom "
	"A HINFO AAAA RRSIG",
};

struct hashed {
	uint8_t h[ZD_NSEC3_HASH_MAX];
	const struct got *g;
};

static int
hashed_cmp(const void *a, const void *b)
{
	return memcmp(((const struct hashed *)a)->h, ((const struct hashed *)b)->h, 20);
}

static void
test_walk_gives_the_nsec3_chain_of_rfc5155_appendix_a(void **state)
{
	const size_t n_rr = sizeof(rfc5155_nsec3) / sizeof(rfc5155_nsec3[0]);
	struct hashed hs[GOT_MAX];
	struct sink s;
	size_t m = 0;

	walk_small("example.", true, true, rfc5155_zone,
	           sizeof(rfc5155_zone) / sizeof(rfc5155_zone[0]), &s);
	for (size_t i = 0; i < s.n; i++) {
		size_t hl = 0;

		if (!s.g[i].denial)
			continue;
		assert_int_equal(zd_nsec3_hash(s.g[i].wire, s.g[i].wire_len, 1, 12, rfc5155_salt,
		                               4, hs[m].h, &hl), ODS_OK);
		hs[m++].g = &s.g[i];
	}
	assert_int_equal(m, n_rr);
	qsort(hs, m, sizeof(hs[0]), hashed_cmp);
	for (size_t i = 0; i < m; i++) {
		struct wire apex = wire_of("example.");
		uint8_t owner[DNS_NAME_WIRE_MAX];
		uint8_t out[512];
		uint8_t want_rd[512];
		char text[512];
		char got_owner[1024];
		char want_owner[64];
		size_t owner_len = 0;
		size_t len = 0;
		size_t want_len;

		assert_int_equal(zd_nsec3_owner(hs[i].h, 20, apex.b, apex.len, owner, sizeof(owner),
		                                &owner_len), ODS_OK);
		snprintf(want_owner, sizeof(want_owner), "%.32s.example.", rfc5155_nsec3[i]);
		assert_string_equal(str_of(owner, owner_len, got_owner, sizeof(got_owner)),
		                    want_owner);
		assert_int_equal(zd_nsec3_rdata(1, 1, 12, rfc5155_salt, 4, hs[(i + 1) % m].h, 20,
		                                hs[i].g->types, hs[i].g->n_types, out, sizeof(out),
		                                &len), ODS_OK);
		snprintf(text, sizeof(text), "%.32s.example. 3600 IN NSEC3 %s", rfc5155_nsec3[i],
		         rfc5155_nsec3[i] + 33);
		want_len = ldns_rdata_of(text, want_rd, sizeof(want_rd));
		assert_int_equal(len, want_len);
		assert_memory_equal(out, want_rd, len);
	}
	/* c.example., an insecure delegation, is opted out */
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.g[i].owner, "c.example.") == 0)
			assert_true(s.g[i].optout_skip);
}

static void
test_walk_dname_at_apex_occludes_the_zone(void **state)
{
	const struct in_name in[] = {
		{ "example.", "SOA NS DNAME" },
		{ "a.example.", "A" },
		{ "b.c.example.", "NS" },
	};
	struct sink s;

	assert_int_equal(walk_small("example.", true, false, in, 3, &s), 3);
	assert_int_equal(s.g[0].kind, ZD_APEX);
	assert_string_equal(s.g[0].bitmap, "NS SOA DNAME RRSIG NSEC3PARAM");
	assert_int_equal(s.g[1].kind, ZD_OCCLUDED);
	assert_false(s.g[1].denial);
	assert_string_equal(s.g[2].owner, "b.c.example.");
	assert_int_equal(s.g[2].kind, ZD_OCCLUDED);
	assert_false(s.g[2].denial);
}

static void
test_walk_root_zone(void **state)
{
	const struct in_name in[] = {
		{ ".", "SOA NS DNSKEY" },
		{ "com.", "NS DS" },
		{ "a.gtld-servers.com.", "A" },
		{ "x.y.", "TXT" },
	};
	struct sink s;

	assert_int_equal(walk_small(".", false, false, in, 4, &s), 5);
	assert_string_equal(s.g[0].owner, ".");
	assert_string_equal(s.g[0].bitmap, "NS SOA RRSIG NSEC DNSKEY");
	assert_string_equal(s.g[1].owner, "com.");
	assert_int_equal(s.g[1].kind, ZD_DELEG);
	assert_string_equal(s.g[1].bitmap, "NS DS RRSIG NSEC");
	assert_int_equal(s.g[2].kind, ZD_OCCLUDED);
	assert_string_equal(s.g[3].owner, "x.y.");
	assert_int_equal(s.g[3].kind, ZD_AUTH);
	assert_string_equal(s.g[4].owner, "y.");
	assert_int_equal(s.g[4].kind, ZD_ENT);
	assert_false(s.g[4].denial);
}

static void
test_walk_ent_owner_is_lower_case_and_case_does_not_change_order(void **state)
{
	const struct in_name in[] = {
		{ "Example.", "SOA NS" },
		{ "A.B.example.", "A" },
		{ "c.b.EXAMPLE.", "A" },
	};
	struct sink s;

	assert_int_equal(walk_small("example.", true, true, in, 3, &s), 4);
	assert_string_equal(s.g[1].owner, "A.B.example.");
	assert_string_equal(s.g[2].owner, "c.b.EXAMPLE.");
	assert_string_equal(s.g[3].owner, "b.example.");
	assert_int_equal(s.g[3].kind, ZD_ENT);
	assert_true(s.g[3].denial);
	assert_false(s.g[3].optout_skip);
}

static ods_err
add(struct zd_walk *w, const char *name, const char *types, struct diag *d)
{
	struct wire n = wire_of(name);
	uint16_t t[16];
	size_t k = types_of(types, t, 16);

	diag_clear(d);
	return zd_walk_add(w, n.b, n.len, t, k, d);
}

static void
test_walk_rejects_names_out_of_order_or_outside_the_zone(void **state)
{
	struct wire apex = wire_of("example.");
	struct zd_walk *w = NULL;
	struct diag d = { 0 };
	struct sink s = { 0 };
	const uint8_t no_root[] = { 1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e' };

	assert_int_equal(zd_walk_new(apex.b, apex.len - 1, false, false, collect, &s, &w),
	                 ODS_EINVAL);
	assert_int_equal(zd_walk_new(apex.b, apex.len, false, false, NULL, &s, &w), ODS_EINVAL);
	assert_null(w);
	assert_int_equal(zd_walk_new(apex.b, apex.len, false, false, collect, &s, &w), ODS_OK);

	assert_int_equal(add(w, "a.example.", "A", &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "'a.example.'"));
	assert_non_null(strstr(d.msg, "apex"));
	assert_int_equal(add(w, "example.", "SOA NS", &d), ODS_OK);
	assert_int_equal(add(w, "example.", "SOA NS", &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "canonical order"));
	assert_int_equal(add(w, "other.", "A", &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "'other.'"));
	assert_non_null(strstr(d.msg, "not in the zone"));
	assert_int_equal(add(w, "xexample.", "A", &d), ODS_EINVAL);
	assert_int_equal(add(w, "example.com.", "A", &d), ODS_EINVAL);
	assert_int_equal(add(w, "b.example.", "A", &d), ODS_OK);
	assert_int_equal(add(w, "a.example.", "A", &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "'a.example.' is out of canonical order"));
	assert_non_null(strstr(d.msg, "'b.example.'"));
	assert_int_equal(add(w, "B.example.", "A", &d), ODS_EINVAL);   /* the same name */
	assert_int_equal(add(w, "a.z.example.", "RRSIG NSEC", &d), ODS_EINVAL);
	assert_non_null(strstr(d.msg, "'a.z.example.' has no RRsets"));
	assert_int_equal(zd_walk_add(w, no_root, sizeof(no_root), NULL, 0, &d), ODS_EINVAL);
	/* the walk goes on after a rejection */
	assert_int_equal(add(w, "b.b.example.", "A", &d), ODS_OK);
	assert_int_equal(add(w, "c.example.", "A", &d), ODS_OK);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.g[3].owner, "c.example.");
	assert_int_equal(zd_walk_end(w, &d), ODS_OK);
	assert_int_equal(zd_walk_end(w, &d), ODS_EINVAL);
	assert_int_equal(add(w, "d.example.", "A", &d), ODS_EINVAL);
	assert_int_equal(s.n, 4);
	zd_walk_free(w);

	assert_int_equal(zd_walk_new(apex.b, apex.len, false, false, collect, &s, &w), ODS_OK);
	assert_int_equal(zd_walk_end(w, &d), ODS_EINVAL);
	zd_walk_free(w);
	zd_walk_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_matches_rfc4034_example),
		cmocka_unit_test(test_nsec_rdata_matches_rfc4034_example),
		cmocka_unit_test(test_bitmap_windows_agree_with_ldns),
		cmocka_unit_test(test_bitmap_empty_and_too_small),
		cmocka_unit_test(test_nsec3_hash_matches_rfc5155_appendix_a),
		cmocka_unit_test(test_nsec3_hash_without_salt_or_iterations_agrees_with_ldns),
		cmocka_unit_test(test_nsec3_hash_and_owner_limits),
		cmocka_unit_test(test_nsec3_records_match_rfc5155_appendix_a),
		cmocka_unit_test(test_walk_nsec_classifies_and_lists_types),
		cmocka_unit_test(
			test_walk_nsec3_gives_ents_records_and_no_rrsig_at_insecure_delegations),
		cmocka_unit_test(
			test_walk_nsec3_optout_skips_insecure_delegations_and_ents_only_over_them),
		cmocka_unit_test(test_walk_gives_the_nsec3_chain_of_rfc5155_appendix_a),
		cmocka_unit_test(test_walk_dname_at_apex_occludes_the_zone),
		cmocka_unit_test(test_walk_root_zone),
		cmocka_unit_test(test_walk_ent_owner_is_lower_case_and_case_does_not_change_order),
		cmocka_unit_test(test_walk_rejects_names_out_of_order_or_outside_the_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
