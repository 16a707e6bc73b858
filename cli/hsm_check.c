/* SPDX-License-Identifier: BSD-2-Clause */
/* Sign a test RRset through the keystore, verify with ldns_verify_rrsig. */
#include "cli/hsm_check.h"

#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/dns/dnskey.h"
#include "ods/keystore.pb-c.h"

#define CHECK_ZONE "example."

static const EVP_MD *
digest_of(int alg)
{
	switch (dns_alg_digest_len(alg)) {
	case 20:
		return EVP_sha1();
	case 32:
		return EVP_sha256();
	case 48:
		return EVP_sha384();
	case 64:
		return EVP_sha512();
	default:
		return NULL; /* EdDSA signs the data itself */
	}
}

static ldns_rr *
rr_from(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static ldns_rr *
rr_from(const char *fmt, ...)
{
	char text[2048];
	ldns_rr *rr = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		return NULL;
	return rr;
}

/* The DNSKEY RR of the key, from the keystore. */
static ods_err
fetch_dnskey(struct cli *c, const char *locator, ldns_rr **out, unsigned *tag, struct diag *d)
{
	Ods__Keystore__GetPublicKeyRequest rq = ODS__KEYSTORE__GET_PUBLIC_KEY_REQUEST__INIT;
	Ods__Keystore__GetPublicKeyReply *r = NULL;
	ods_err rc;

	rq.locator = (char *)locator;
	rq.flags = 257;
	rc = cli_call(c, "GetPublicKey", &rq.base, &ods__keystore__get_public_key_reply__descriptor,
	              (ProtobufCMessage **)&r);
	if (rc != ODS_OK)
		return diag_fail(d, rc, locator, "GetPublicKey failed");
	char *b64 = dns_base64(r->key->public_key.data, r->key->public_key.len);
	if (b64)
		*out = rr_from(CHECK_ZONE " 3600 IN DNSKEY 257 3 %u %s", r->key->algorithm, b64);
	*tag = r->keytag;
	free(b64);
	ods__keystore__get_public_key_reply__free_unpacked(r, NULL);
	if (*out == NULL)
		return diag_fail(d, ODS_EINVAL, locator, "ldns cannot read the key's DNSKEY");
	return ODS_OK;
}

/* RRSIG signing data (RFC 4034 §3.1.8.1): RRSIG RDATA without the signature, then the RRset
 * in canonical form and order. */
static ldns_buffer *
signing_data(ldns_rr *rrsig, const ldns_rr_list *rrset)
{
	ldns_buffer *b = ldns_buffer_new(LDNS_MAX_PACKETLEN);
	ldns_rr_list *canon = ldns_rr_list_clone(rrset);

	if (b == NULL || canon == NULL) {
		ldns_buffer_free(b);
		ldns_rr_list_deep_free(canon);
		return NULL;
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(canon); i++) {
		ldns_rr *rr = ldns_rr_list_rr(canon, i);
		ldns_rr2canonical(rr);
		ldns_rr_set_ttl(rr, ldns_rdf2native_int32(ldns_rr_rrsig_origttl(rrsig)));
	}
	ldns_rr_list_sort(canon);
	if (ldns_rrsig2buffer_wire(b, rrsig) != LDNS_STATUS_OK ||
	    ldns_rr_list2buffer_wire(b, canon) != LDNS_STATUS_OK) {
		ldns_buffer_free(b);
		b = NULL;
	}
	ldns_rr_list_deep_free(canon);
	return b;
}

/* One signature per input, through one SignBatch; sigs[i] owned by the caller. */
static ods_err
sign_batch(struct cli *c, const char *locator, int alg, ldns_buffer **data, size_t n,
           ldns_rdf **sigs, struct diag *d)
{
	Ods__Keystore__SignBatchRequest rq = ODS__KEYSTORE__SIGN_BATCH_REQUEST__INIT;
	Ods__Keystore__SignBatchReply *r = NULL;
	ProtobufCBinaryData *inputs = calloc(n, sizeof(*inputs));
	uint8_t(*md)[EVP_MAX_MD_SIZE] = calloc(n, sizeof(*md));
	const EVP_MD *h = digest_of(alg);
	ods_err rc;

	if (inputs == NULL || md == NULL) {
		free(inputs);
		free(md);
		return ODS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned mdlen = 0;
		if (h) {
			EVP_Digest(ldns_buffer_begin(data[i]), ldns_buffer_position(data[i]), md[i],
			           &mdlen, h, NULL);
			inputs[i].data = md[i];
			inputs[i].len = mdlen;
		} else {
			inputs[i].data = ldns_buffer_begin(data[i]);
			inputs[i].len = ldns_buffer_position(data[i]);
		}
	}
	rq.locator = (char *)locator;
	rq.algorithm = (uint32_t)alg;
	rq.inputs = inputs;
	rq.n_inputs = n;
	rc = cli_call(c, "SignBatch", &rq.base, &ods__keystore__sign_batch_reply__descriptor,
	              (ProtobufCMessage **)&r);
	free(inputs);
	free(md);
	if (rc != ODS_OK)
		return diag_fail(d, rc, locator, "SignBatch failed");
	if (r->n_signatures != n)
		rc = diag_fail(d, ODS_EINTERNAL, locator, "%zu signatures for %zu inputs",
		               r->n_signatures, n);
	for (size_t i = 0; rc == ODS_OK && i < n; i++)
		sigs[i] = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, r->signatures[i].len,
		                                r->signatures[i].data);
	ods__keystore__sign_batch_reply__free_unpacked(r, NULL);
	return rc;
}

struct check_set {
	ldns_rr_list *rrset;
	ldns_rr *rrsig;
	ldns_buffer *data;
	ldns_rdf *sig;
};

static void
check_set_free(struct check_set *s)
{
	ldns_rr_list_deep_free(s->rrset);
	ldns_rr_free(s->rrsig);
	ldns_buffer_free(s->data);
	ldns_rdf_deep_free(s->sig);
}

/* RRset i (two A records at www<i>, one in upper case) and its RRSIG template. */
static bool
check_set_build(struct check_set *s, size_t i, int alg, unsigned tag, char when[2][16])
{
	s->rrset = ldns_rr_list_new();
	if (s->rrset == NULL)
		return false;
	ldns_rr_list_push_rr(s->rrset, rr_from("www%zu." CHECK_ZONE " 3600 IN A 192.0.2.1", i));
	ldns_rr_list_push_rr(s->rrset, rr_from("WWW%zu." CHECK_ZONE " 3600 IN A 192.0.2.%zu", i,
	                                       2 + i % 250));
	s->rrsig = rr_from("www%zu." CHECK_ZONE " 3600 IN RRSIG A %d 2 3600 %s %s %u " CHECK_ZONE
	                   " AA==",
	                   i, alg, when[0], when[1], tag);
	if (s->rrsig == NULL || ldns_rr_list_rr_count(s->rrset) != 2)
		return false;
	s->data = signing_data(s->rrsig, s->rrset);
	return s->data != NULL;
}

ods_err
cli_hsm_check(struct cli *c, const char *locator, int alg, size_t n, struct diag *d)
{
	ldns_rr *dnskey = NULL;
	ldns_rr_list *keys = ldns_rr_list_new();
	struct check_set *sets = calloc(n ? n : 1, sizeof(*sets));
	ldns_buffer **data = calloc(n ? n : 1, sizeof(*data));
	ldns_rdf **sigs = calloc(n ? n : 1, sizeof(*sigs));
	unsigned tag = 0;
	char when[2][16];
	time_t now = time(NULL);
	ods_err rc = ODS_ENOMEM;

	if (keys == NULL || sets == NULL || data == NULL || sigs == NULL)
		goto out;
	rc = fetch_dnskey(c, locator, &dnskey, &tag, d);
	if (rc != ODS_OK)
		goto out;
	ldns_rr_list_push_rr(keys, ldns_rr_clone(dnskey));
	for (int i = 0; i < 2; i++) {
		time_t t = now + (i ? -3600 : 86400);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when[i], sizeof(when[i]), "%Y%m%d%H%M%S", &tm);
	}
	for (size_t i = 0; i < n; i++) {
		if (!check_set_build(&sets[i], i, alg, tag, when)) {
			rc = diag_fail(d, ODS_EINTERNAL, locator, "cannot build test RRset %zu", i);
			goto out;
		}
		data[i] = sets[i].data;
	}
	rc = sign_batch(c, locator, alg, data, n, sigs, d);
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		ldns_rr_rrsig_set_sig(sets[i].rrsig, sigs[i]); /* frees the placeholder */
		sigs[i] = NULL;
		ldns_status st = ldns_verify_rrsig_keylist(sets[i].rrset, sets[i].rrsig, keys, NULL);
		if (st != LDNS_STATUS_OK)
			rc = diag_fail(d, ODS_EINVAL, locator,
			               "ldns rejects signature %zu of %zu: %s", i, n,
			               ldns_get_errorstr_by_id(st));
	}
out:
	for (size_t i = 0; sets && i < n; i++)
		check_set_free(&sets[i]);
	for (size_t i = 0; sigs && i < n; i++)
		ldns_rdf_deep_free(sigs[i]);
	free(sets);
	free(data);
	free(sigs);
	ldns_rr_free(dnskey);
	ldns_rr_list_deep_free(keys);
	return rc;
}
