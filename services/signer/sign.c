/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signing a range of a zone. RRsets that need a look (no signatures yet, one in its Refresh
 * window, or decided under another key set) are read in batches in canonical order; for each
 * the reuse rules (zone/rrsig.c) say which signatures stay and which keys sign anew; the
 * signing input is built and hashed here, and the keystore signs each key's inputs in one
 * SignBatch call. The new signatures go back with one COPY and one UPDATE per batch, each
 * batch its own transaction, so a worker that dies loses at most one batch.
 */
#include "services/signer/signer.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/base/random.h"
#include "lib/db/db.h"
#include "lib/rpc/client.h"
#include "ods/keystore.pb-c.h"
#include "services/signer/store.h"
#include "services/signer/wire.h"
#include "services/signer/zone/rrsig.h"

#define BATCH_RRSETS 2000
#define SIGS_MAX SGN_KEYS_MAX /* signatures per RRset: at most one per signconf key */
#define RPC_INPUTS 512 /* inputs per SignBatch call */
#define SIGN_TIMEOUT_MS 60000
#define KEYSTORE_TIMEOUT_MS 10000

/* --- keys ------------------------------------------------------------------------------ */

void
sgn_keys_free(struct sgn_keys *ks)
{
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}

static ods_err
public_key(struct sgn *s, const struct signconf_key *sk, struct sgn_key *k, struct diag *d)
{
	Ods__Keystore__GetPublicKeyRequest rq = ODS__KEYSTORE__GET_PUBLIC_KEY_REQUEST__INIT;
	Ods__Keystore__GetPublicKeyReply *r = NULL;
	ods_err rc;

	rq.locator = sk->locator;
	rq.flags = (uint32_t)sk->flags;
	rc = rpc_client_call(s->keystore, "ods.keystore.Keystore/GetPublicKey", &rq.base,
	                     &ods__keystore__get_public_key_reply__descriptor, KEYSTORE_TIMEOUT_MS,
	                     (ProtobufCMessage **)&r, d);
	if (rc != ODS_OK)
		return rc;
	if (r->dnskey_rdata.len > sizeof(k->dnskey)) {
		ods__keystore__get_public_key_reply__free_unpacked(r, NULL);
		return diag_fail(d, ODS_EINVAL, sk->locator, "public key too large");
	}
	memcpy(k->dnskey, r->dnskey_rdata.data, r->dnskey_rdata.len);
	k->dnskey_len = r->dnskey_rdata.len;
	k->keytag = (uint16_t)r->keytag;
	ods__keystore__get_public_key_reply__free_unpacked(r, NULL);
	return ODS_OK;
}

ods_err
sgn_keys_load(struct sgn *s, const struct signconf *sc, struct sgn_keys *ks, struct diag *d)
{
	size_t at = 0;

	memset(ks, 0, sizeof(*ks));
	if (sc->n_keys > SGN_KEYS_MAX)
		return diag_fail(d, ODS_EINVAL, sc->zone, "the signconf has %zu keys; the signer takes "
		                 "at most %d", sc->n_keys, SGN_KEYS_MAX);
	ks->k = calloc(sc->n_keys ? sc->n_keys : 1, sizeof(*ks->k));
	if (ks->k == NULL)
		return diag_fail(d, ODS_ENOMEM, "keys", "out of memory");
	for (size_t i = 0; i < sc->n_keys; i++) {
		const struct signconf_key *sk = &sc->keys[i];
		struct sgn_key *k = &ks->k[ks->n];
		if (sk->locator == NULL) {
			log_warning("sign", "offline_key", "zone=%s key at line %ld has no Locator: "
			            "keys kept outside the HSM are not supported yet; skipped",
			            sc->zone, sk->line);
			continue;
		}
		snprintf(k->locator, sizeof(k->locator), "%s", sk->locator);
		k->flags = (uint16_t)sk->flags;
		k->algorithm = (uint8_t)sk->algorithm;
		k->ksk = sk->ksk;
		k->zsk = sk->zsk;
		k->publish = sk->publish;
		ods_err rc = public_key(s, sk, k, d);
		if (rc != ODS_OK) {
			sgn_keys_free(ks);
			return rc;
		}
		ks->n++;
		at += (size_t)snprintf(ks->keyset + at, at < sizeof(ks->keyset) ? sizeof(ks->keyset) - at : 0,
		                       "%u/%u/%c%c%c ", k->keytag, k->algorithm, k->publish ? 'p' : '-',
		                       k->ksk ? 'k' : '-', k->zsk ? 'z' : '-');
		if (at >= sizeof(ks->keyset))
			at = sizeof(ks->keyset) - 1;
	}
	return ODS_OK;
}

/* --- one batch --------------------------------------------------------------------------- */

struct pending {
	size_t rrset;      /* index in the batch */
	size_t key;        /* index in ks */
	uint8_t *prefix;   /* RRSIG rdata without signature */
	size_t prefix_len;
	uint8_t *sig;      /* from the keystore */
	size_t sig_len;
};

struct batch {
	size_t n;
	struct zs_buf *sigs; /* per RRset: new length-prefixed RRSIG rdatas */
	uint32_t *min_exp;   /* per RRset: earliest expiration kept or made */
	int *nsigs;
	struct pending *p;
	size_t np, cap_p;
};

static ods_err
buf_append(struct zs_buf *b, const uint8_t *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (q == NULL)
			return ODS_ENOMEM;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return ODS_OK;
}

static ods_err
append_sig(struct batch *b, size_t i, const uint8_t *rd, size_t len, uint32_t exp)
{
	uint8_t l[2] = {(uint8_t)(len >> 8), (uint8_t)len};

	if (buf_append(&b->sigs[i], l, 2) != ODS_OK || buf_append(&b->sigs[i], rd, len) != ODS_OK)
		return ODS_ENOMEM;
	if (b->nsigs[i] == 0 || (int32_t)(exp - b->min_exp[i]) < 0)
		b->min_exp[i] = exp;
	b->nsigs[i]++;
	return ODS_OK;
}

/* The RRSIG rdatas of a stored sigs value; false when it is malformed or holds more than
 * cap. */
static bool
parse_sigs(const uint8_t *p, size_t n, const uint8_t **rd, size_t *len, struct zs_have *h,
           size_t cap, size_t *count)
{
	size_t at = 0, k = 0, l = 0;
	const uint8_t *s = NULL;

	for (;;) {
		int r = wire_lp_next(p, n, &at, &s, &l);
		if (r == 0)
			break;
		if (r < 0 || l < 18 || k == cap)
			return false;
		rd[k] = s;
		len[k] = l;
		h[k].algorithm = s[2];
		h[k].expiration = wire_get32(s + 8);
		h[k].inception = wire_get32(s + 12);
		h[k].keytag = (uint16_t)(s[16] << 8 | s[17]);
		k++;
	}
	*count = k;
	return true;
}

/* The records of a stored rdata value, as many as it holds (malloc'd); NULL when it is
 * malformed or memory is short. */
static struct zrdata *
parse_rdata(const uint8_t *p, size_t n, size_t *count)
{
	long want = wire_lp_count(p, n);
	struct zrdata *rd = want >= 0 ? calloc(want ? (size_t)want : 1, sizeof(*rd)) : NULL;
	size_t at = 0, l = 0;
	const uint8_t *item = NULL;

	for (long k = 0; rd && k < want; k++) {
		(void)wire_lp_next(p, n, &at, &item, &l);
		rd[k].data = item;
		rd[k].len = (uint16_t)l;
	}
	*count = want > 0 ? (size_t)want : 0;
	return rd;
}

static uint32_t
validity_of(const struct signconf *sc, uint16_t type)
{
	if (type == ZT_NSEC || type == ZT_NSEC3)
		return (uint32_t)sc->validity_denial_s;
	if (type == ZT_DNSKEY && sc->validity_keyset_s > 0)
		return (uint32_t)sc->validity_keyset_s;
	return (uint32_t)sc->validity_default_s;
}

/* Send the inputs of key ki to the keystore. */
static ods_err
sign_key(struct sgn *s, const struct sgn_keys *ks, size_t ki, struct batch *b, uint8_t **inputs,
         size_t *input_len, struct diag *d)
{
	const struct sgn_key *k = &ks->k[ki];
	size_t idx[RPC_INPUTS];
	ProtobufCBinaryData in[RPC_INPUTS];
	size_t at = 0;

	while (at < b->np) {
		size_t n = 0;
		for (; at < b->np && n < RPC_INPUTS; at++) {
			if (b->p[at].key != ki)
				continue;
			idx[n] = at;
			in[n].data = inputs[at];
			in[n].len = input_len[at];
			n++;
		}
		if (n == 0)
			break;
		Ods__Keystore__SignBatchRequest rq = ODS__KEYSTORE__SIGN_BATCH_REQUEST__INIT;
		Ods__Keystore__SignBatchReply *r = NULL;
		rq.locator = (char *)k->locator;
		rq.algorithm = k->algorithm;
		rq.n_inputs = n;
		rq.inputs = in;
		ods_err rc = rpc_client_call(s->keystore, "ods.keystore.Keystore/SignBatch", &rq.base,
		                             &ods__keystore__sign_batch_reply__descriptor,
		                             SIGN_TIMEOUT_MS, (ProtobufCMessage **)&r, d);
		if (rc != ODS_OK)
			return rc;
		if (r->n_signatures != n) {
			ods__keystore__sign_batch_reply__free_unpacked(r, NULL);
			return diag_fail(d, ODS_EHSM, k->locator, "keystore returned %zu signatures for %zu",
			                 r->n_signatures, n);
		}
		for (size_t i = 0; i < n; i++) {
			struct pending *p = &b->p[idx[i]];
			p->sig = malloc(r->signatures[i].len);
			if (p->sig == NULL) {
				ods__keystore__sign_batch_reply__free_unpacked(r, NULL);
				return diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
			}
			memcpy(p->sig, r->signatures[i].data, r->signatures[i].len);
			p->sig_len = r->signatures[i].len;
		}
		ods__keystore__sign_batch_reply__free_unpacked(r, NULL);
	}
	return ODS_OK;
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		zs_buf_free(&b->sigs[i]);
	for (size_t i = 0; i < b->np; i++) {
		free(b->p[i].prefix);
		free(b->p[i].sig);
	}
	free(b->sigs);
	free(b->min_exp);
	free(b->nsigs);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static ods_err
add_pending(struct batch *b, size_t rrset, size_t key, const uint8_t *prefix, size_t len)
{
	if (b->np == b->cap_p) {
		size_t cap = b->cap_p ? 2 * b->cap_p : 256;
		struct pending *p = realloc(b->p, cap * sizeof(*p));
		if (p == NULL)
			return ODS_ENOMEM;
		b->p = p;
		b->cap_p = cap;
	}
	struct pending *p = &b->p[b->np];
	memset(p, 0, sizeof(*p));
	p->prefix = malloc(len);
	if (p->prefix == NULL)
		return ODS_ENOMEM;
	memcpy(p->prefix, prefix, len);
	p->prefix_len = len;
	p->rrset = rrset;
	p->key = key;
	b->np++;
	return ODS_OK;
}

struct range_ctx {
	struct sgn *s;
	struct db *db;
	const struct sgn_zone *z;
	const struct sgn_keys *ks;
	struct zs_key *zk;
	struct sgn_stats *st;
	uint32_t now;
};

/* The batch's signatures replace the stored ones, in one transaction. */
static ods_err
write_back(struct range_ctx *c, PGresult *res, const struct batch *b, struct diag *d)
{
	struct sgn_rows rows = {.nf = 5};
	struct db_tx *tx = NULL;
	char zid[24];
	ods_err rc = ODS_OK;

	for (size_t i = 0; rc == ODS_OK && i < b->n; i++) {
		char *hex = db_bytea_text(b->sigs[i].p, b->sigs[i].len), at[24], ns[12];
		int64_t refresh_at = b->nsigs[i]
		                         ? (int64_t)b->min_exp[i] - c->z->sc->refresh_s
		                         : (int64_t)c->now + c->z->sc->resign_s;
		if (hex == NULL) {
			rc = diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
			break;
		}
		snprintf(at, sizeof(at), "%" PRId64, refresh_at);
		snprintf(ns, sizeof(ns), "%d", b->nsigs[i]);
		rc = sgn_rows_add(&rows, (const char *[]){PQgetvalue(res, (int)i, 0),
		                                          PQgetvalue(res, (int)i, 1), hex, at, ns});
		free(hex);
	}
	snprintf(zid, sizeof(zid), "%" PRId64, c->z->id);
	if (rc == ODS_OK)
		rc = db_tx_begin(c->db, &tx, d);
	if (rc == ODS_OK)
		rc = db_exec(c->db,
		             "CREATE TEMP TABLE IF NOT EXISTS stage_sig (sortkey bytea, type int, sigs "
		             "bytea, refresh_at bigint, nsigs int) ON COMMIT DELETE ROWS",
		             d);
	if (rc == ODS_OK)
		rc = sgn_rows_copy(c->db, &rows,
		                   "COPY stage_sig (sortkey, type, sigs, refresh_at, nsigs) FROM STDIN",
		                   d);
	if (rc == ODS_OK)
		rc = db_query(c->db, "sgn_write_sigs",
		              "UPDATE rrset r SET sigs = s.sigs, refresh_at = s.refresh_at, nsigs = "
		              "s.nsigs, keyset = $2 FROM stage_sig s WHERE r.zone_id = $1 AND r.sortkey "
		              "= s.sortkey AND r.type = s.type",
		              2, (const char *[]){zid, c->ks->keyset}, NULL, d);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	else
		db_tx_rollback(tx);
	sgn_rows_free(&rows);
	return rc;
}

/* The signconf's keys as zone/rrsig.c's decisions take them; NULL when out of memory. */
static struct zs_key *
decide_keys(const struct sgn_keys *ks)
{
	struct zs_key *zk = calloc(ks->n ? ks->n : 1, sizeof(*zk));

	for (size_t i = 0; zk && i < ks->n; i++)
		zk[i] = (struct zs_key){ks->k[i].keytag, ks->k[i].algorithm, ks->k[i].publish,
		                        ks->k[i].ksk, ks->k[i].zsk};
	return zk;
}

/* Decide and sign the n RRsets of res; write them back. */
static ods_err
sign_batch(struct range_ctx *c, PGresult *res, struct diag *d)
{
	const struct signconf *sc = c->z->sc;
	int n = PQntuples(res);
	struct batch b = {0};
	struct zs_buf in = {0};
	uint8_t **inputs = NULL;
	size_t *input_len = NULL;
	ods_err rc = ODS_OK;

	b.n = (size_t)n;
	b.sigs = calloc((size_t)n, sizeof(*b.sigs));
	b.min_exp = calloc((size_t)n, sizeof(*b.min_exp));
	b.nsigs = calloc((size_t)n, sizeof(*b.nsigs));
	if (!b.sigs || !b.min_exp || !b.nsigs) {
		batch_free(&b);
		return diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
	}
	for (int i = 0; rc == ODS_OK && i < n; i++) {
		uint8_t owner[255], *rdata = NULL, *sigs = NULL;
		size_t owner_len = 0, rdata_len = 0, sigs_len = 0;
		uint16_t type = (uint16_t)strtoul(PQgetvalue(res, i, 1), NULL, 10);
		uint32_t ttl = (uint32_t)strtoul(PQgetvalue(res, i, 3), NULL, 10);
		const char *rdt = PQgetvalue(res, i, 4), *sgt = PQgetvalue(res, i, 5);
		size_t rdcap = (size_t)PQgetlength(res, i, 4) / 2 + 1;
		size_t sgcap = (size_t)PQgetlength(res, i, 5) / 2 + 1;
		rdata = malloc(rdcap);
		sigs = malloc(sgcap);
		if (!rdata || !sigs || !db_bytea_decode(PQgetvalue(res, i, 2), owner, sizeof(owner), &owner_len) ||
		    !db_bytea_decode(rdt, rdata, rdcap, &rdata_len) ||
		    (!PQgetisnull(res, i, 5) && !db_bytea_decode(sgt, sigs, sgcap, &sigs_len))) {
			free(rdata);
			free(sigs);
			rc = diag_fail(d, ODS_EINTERNAL, c->z->name, "the stored RRset of type %u at sort "
			               "key %s does not decode", type, PQgetvalue(res, i, 0));
			break;
		}
		const uint8_t *have_rd[SIGS_MAX];
		size_t have_len[SIGS_MAX], nh = 0, nrd = 0;
		struct zs_have have[SIGS_MAX];
		bool keep[SIGS_MAX], make[SGN_KEYS_MAX];
		size_t nk = c->ks->n; /* sgn_keys_load keeps it within SGN_KEYS_MAX */
		struct zrdata *rd = parse_rdata(rdata, rdata_len, &nrd);
		if (rd == NULL || !parse_sigs(sigs, sigs_len, have_rd, have_len, have, SIGS_MAX, &nh)) {
			free(rd);
			free(rdata);
			free(sigs);
			rc = diag_fail(d, ODS_EINTERNAL, c->z->name, "the stored RRset of type %u at sort "
			               "key %s does not decode", type, PQgetvalue(res, i, 0));
			break;
		}
		zs_decide(type, c->zk, nk, have, nh, c->now, (uint32_t)sc->refresh_s, keep, make);
		for (size_t h = 0; rc == ODS_OK && h < nh; h++) {
			if (!keep[h])
				continue;
			rc = append_sig(&b, (size_t)i, have_rd[h], have_len[h], have[h].expiration);
			c->st->sig_reused++;
		}
		for (size_t k = 0; rc == ODS_OK && k < nk; k++) {
			if (!make[k])
				continue;
			uint32_t rnd = 0, inc = 0, exp = 0;
			size_t prefix_len = 0;
			(void)random_bytes(&rnd, sizeof(rnd));
			zs_window(c->now, (uint32_t)sc->inception_offset_s, validity_of(sc, type),
			          (uint32_t)sc->jitter_s, rnd, &inc, &exp);
			struct zs_sig_fields f = {
			    .type_covered = type,
			    .algorithm = c->ks->k[k].algorithm,
			    .labels = zs_labels(owner, owner_len),
			    .original_ttl = ttl,
			    .expiration = exp,
			    .inception = inc,
			    .keytag = c->ks->k[k].keytag,
			    .signer = c->z->apex,
			    .signer_len = c->z->apex_len,
			};
			rc = zs_signing_input(&f, owner, owner_len, ZRR_CLASS_IN, rd, nrd, &in,
			                      &prefix_len, d);
			if (rc != ODS_OK)
				break;
			uint8_t dig[ZS_INPUT_MAX];
			size_t dl = 0;
			rc = zs_keystore_input(f.algorithm, in.p, in.len, dig, &dl);
			if (rc != ODS_OK) {
				rc = diag_fail(d, rc, "sign", "algorithm %u not supported", f.algorithm);
				break;
			}
			rc = add_pending(&b, (size_t)i, k, in.p, prefix_len);
			if (rc != ODS_OK)
				break;
			/* what the keystore signs, kept until the batch goes out */
			uint8_t **ni = realloc(inputs, b.np * sizeof(*ni));
			size_t *nl = realloc(input_len, b.np * sizeof(*nl));
			if (ni)
				inputs = ni;
			if (nl)
				input_len = nl;
			if (!ni || !nl) {
				rc = diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
				break;
			}
			inputs[b.np - 1] = NULL;
			const uint8_t *src = dl ? dig : in.p;
			size_t sl = dl ? dl : in.len;
			inputs[b.np - 1] = malloc(sl);
			if (inputs[b.np - 1] == NULL) {
				rc = diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
				break;
			}
			memcpy(inputs[b.np - 1], src, sl);
			input_len[b.np - 1] = sl;
		}
		free(rd);
		free(rdata);
		free(sigs);
	}
	int64_t t0 = clock_mono_ms();
	for (size_t k = 0; rc == ODS_OK && k < c->ks->n; k++)
		rc = sign_key(c->s, c->ks, k, &b, inputs, input_len, d);
	c->st->t_sign_ms += clock_mono_ms() - t0;
	for (size_t i = 0; rc == ODS_OK && i < b.np; i++) {
		struct pending *p = &b.p[i];
		uint32_t exp = wire_get32(p->prefix + 8);
		uint8_t *rd = malloc(p->prefix_len + p->sig_len);
		if (rd == NULL) {
			rc = diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
			break;
		}
		memcpy(rd, p->prefix, p->prefix_len);
		memcpy(rd + p->prefix_len, p->sig, p->sig_len);
		rc = append_sig(&b, p->rrset, rd, p->prefix_len + p->sig_len, exp);
		free(rd);
		c->st->sig_new++;
	}
	if (rc == ODS_OK)
		rc = write_back(c, res, &b, d);
	for (size_t i = 0; inputs && i < b.np; i++)
		free(inputs[i]);
	free(inputs);
	free(input_len);
	zs_buf_free(&in);
	batch_free(&b);
	return rc;
}

ods_err
sgn_sign_range(struct sgn *s, struct db *db, const struct sgn_zone *z, const struct sgn_keys *ks,
               const uint8_t *lo, size_t lo_len, const uint8_t *hi, size_t hi_len,
               struct sgn_stats *st, struct diag *d)
{
	struct range_ctx c = {.s = s, .db = db, .z = z, .ks = ks, .st = st};
	char zid[24], now[24], lim[12], *lo_t = NULL, *hi_t = NULL, last_t[12] = "0";
	char *last_k = NULL;
	ods_err rc = ODS_OK;

	c.now = (uint32_t)sgn_now(s);
	c.zk = decide_keys(ks);
	if (c.zk == NULL)
		return diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
	snprintf(zid, sizeof(zid), "%" PRId64, z->id);
	snprintf(now, sizeof(now), "%" PRId64, sgn_now(s));
	snprintf(lim, sizeof(lim), "%d", BATCH_RRSETS);
	if (lo)
		lo_t = db_bytea_text(lo, lo_len);
	if (hi)
		hi_t = db_bytea_text(hi, hi_len);
	last_k = strdup(lo_t ? lo_t : "\\x");
	if ((lo && !lo_t) || (hi && !hi_t) || !last_k)
		rc = diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
	while (rc == ODS_OK && !atomic_load(&s->stop)) {
		PGresult *res = NULL;
		/* SOA is signed when the zone is published, with its new serial. */
		rc = db_query(db, "sgn_todo",
		              "SELECT sortkey, type, owner, ttl, rdata, sigs FROM rrset WHERE zone_id = "
		              "$1 AND signed AND type <> 6 AND (sigs IS NULL OR refresh_at <= $2 OR "
		              "keyset <> $3) AND (sortkey, type) > ($4::bytea, $5::int) AND ($6::bytea "
		              "IS NULL OR sortkey < $6::bytea) ORDER BY sortkey, type LIMIT $7",
		              7, (const char *[]){zid, now, ks->keyset, last_k, last_t, hi_t, lim}, &res,
		              d);
		if (rc != ODS_OK)
			break;
		int n = PQntuples(res);
		if (n > 0) {
			rc = sign_batch(&c, res, d);
			free(last_k);
			last_k = strdup(PQgetvalue(res, n - 1, 0));
			snprintf(last_t, sizeof(last_t), "%s", PQgetvalue(res, n - 1, 1));
			if (last_k == NULL && rc == ODS_OK)
				rc = diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
		}
		PQclear(res);
		if (n < BATCH_RRSETS)
			break;
	}
	if (rc == ODS_OK && atomic_load(&s->stop))
		rc = diag_fail(d, ODS_EUNAVAIL, "sign", "worker stopping");
	free(lo_t);
	free(hi_t);
	free(last_k);
	free(c.zk);
	return rc;
}

ods_err
sgn_sign_soa(struct sgn *s, struct db *db, const struct sgn_zone *z, const struct sgn_keys *ks,
             struct sgn_stats *st, struct diag *d)
{
	struct range_ctx c = {.s = s, .db = db, .z = z, .ks = ks, .st = st};
	char zid[24];
	PGresult *res = NULL;
	ods_err rc;

	c.now = (uint32_t)sgn_now(s);
	c.zk = decide_keys(ks);
	if (c.zk == NULL)
		return diag_fail(d, ODS_ENOMEM, "sign", "out of memory");
	snprintf(zid, sizeof(zid), "%" PRId64, z->id);
	rc = db_query(db, "sgn_soa_todo",
	              "SELECT sortkey, type, owner, ttl, rdata, sigs FROM rrset WHERE zone_id = $1 "
	              "AND type = 6",
	              1, (const char *[]){zid}, &res, d);
	if (rc == ODS_OK) {
		rc = sign_batch(&c, res, d);
		PQclear(res);
	}
	free(c.zk);
	return rc;
}
