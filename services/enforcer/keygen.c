/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keeping the key pool filled (hsm_key_factory of upstream). For every policy key, enough
 * unused keys for `duration` of rollovers of every zone on the policy: ceil(duration /
 * Lifetime) per zone (once for the policy with ShareKeys); upstream does not multiply by the
 * zones, which runs the pool dry with many zones. Keys come from the keystore's GenerateKey;
 * Capacity is the keystore's to enforce, and its refusal ends the pass with an error log.
 */
#include "services/enforcer/enforcer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/conf/kasp.h"
#include "lib/db/db.h"
#include "lib/dns/dnskey.h"
#include "lib/rpc/client.h"
#include "lib/svc/svc.h"
#include "ods/keystore.pb-c.h"
#include "services/enforcer/policymap.h"
#include "services/enforcer/store/store.h"

#define KEYGEN_TIMEOUT_MS 60000
#define MAX_PER_PASS 100000

static ods_err
generate_one(struct enf *e, struct db *db, int64_t policy_id, const struct enf_policy_key *pk,
             struct diag *d)
{
	Ods__Keystore__GenerateKeyRequest rq = ODS__KEYSTORE__GENERATE_KEY_REQUEST__INIT;
	Ods__Keystore__GenerateKeyReply *r = NULL;
	struct db_tx *tx = NULL;
	ods_err rc;

	rq.repository = (char *)pk->repository;
	rq.algorithm = (uint32_t)pk->algorithm;
	rq.bits = dns_alg_is_rsa(pk->algorithm) ? (uint32_t)pk->bits : 0;
	/* Fenced, and around the generation too: a leader that was superseded (its RPC passed
	 * enf_require_leader just before) must neither make keys nor fill the pool; a successor
	 * waits for at most this one key. */
	rc = enf_tx_begin(e, db, &tx, d);
	if (rc != ODS_OK)
		return rc;
	rc = rpc_client_call(e->keystore, "ods.keystore.Keystore/GenerateKey", &rq.base,
	                     &ods__keystore__generate_key_reply__descriptor, KEYGEN_TIMEOUT_MS,
	                     (ProtobufCMessage **)&r, d);
	if (rc == ODS_OK) {
		rc = enfdb_pool_add(db, r->key->locator, policy_id, pk->role, d);
		ods__keystore__generate_key_reply__free_unpacked(r, NULL);
	}
	if (rc == ODS_OK)
		return db_tx_commit(&tx, d);
	db_tx_rollback(tx);
	return rc;
}

static int64_t
wanted(const struct kasp_policy *p, const struct enf_policy_key *pk, int zones,
       int64_t duration_s)
{
	int64_t per_zone = pk->lifetime_s > 0 ? (duration_s + pk->lifetime_s - 1) / pk->lifetime_s
	                                      : 1;

	if (per_zone < 1)
		per_zone = 1;
	if (zones == 0)
		return 0;
	return p->keys.share_keys ? per_zone : per_zone * zones;
}

static ods_err
fill_policy(struct enf *e, struct db *db, const struct kasp_policy *p,
            const struct enfdb_policy_meta *m, int64_t duration_s, int *generated,
            struct diag *d)
{
	struct enf_policy_key pk[32];
	size_t n = 0;
	ods_err rc = enf_policymap_keys(p, pk, 32, &n, d);

	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		int64_t have = 0, want = wanted(p, &pk[i], m->zones, duration_s);

		rc = enfdb_pool_unused(db, m->id, &pk[i], &have, d);
		if (rc == ODS_OK && have < want)
			log_info("keygen", "generate",
			         "policy=%s role=%s algorithm=%d repository=%s have=%" PRId64
			         " want=%" PRId64,
			         p->name, enf_role_name(pk[i].role), pk[i].algorithm, pk[i].repository,
			         have, want);
		for (int64_t k = have; rc == ODS_OK && k < want && *generated < MAX_PER_PASS; k++) {
			rc = generate_one(e, db, m->id, &pk[i], d);
			if (rc == ODS_OK)
				(*generated)++;
		}
	}
	return rc;
}

ods_err
enf_keygen(struct enf *e, struct db *db, int64_t policy_id, int64_t duration_s,
           int *generated, struct diag *d)
{
	struct kasp *k = NULL;
	struct enfdb_policy_meta *meta = NULL, one;
	ods_err rc;

	*generated = 0;
	if (duration_s <= 0)
		duration_s = svc_conf(e->svc)->enforcer.automatic_keygen_period_s;
	if (policy_id > 0) {
		rc = enfdb_policy_load_id(db, policy_id, &k, &one, d);
		meta = &one;
	} else {
		rc = enfdb_policy_load(db, NULL, &k, &meta, d);
	}
	for (size_t i = 0; rc == ODS_OK && i < k->n_policies; i++)
		rc = fill_policy(e, db, &k->policies[i], &meta[i], duration_s, generated, d);
	if (rc != ODS_OK)
		log_error("keygen", "failed", "%s: %s (generated %d)", d->where, d->msg, *generated);
	else if (*generated)
		log_info("keygen", "done", "generated=%d", *generated);
	kasp_free(k);
	if (policy_id <= 0)
		free(meta);
	return rc;
}

void
enf_hsm_delete(struct enf *e, const char *locator)
{
	Ods__Keystore__DeleteKeyRequest rq = ODS__KEYSTORE__DELETE_KEY_REQUEST__INIT;
	ProtobufCMessage *out = NULL;
	struct diag d = {0};

	rq.locator = (char *)locator;
	if (rpc_client_call(e->keystore, "ods.keystore.Keystore/DeleteKey", &rq.base,
	                    &ods__keystore__delete_key_reply__descriptor, KEYGEN_TIMEOUT_MS, &out,
	                    &d) == ODS_OK) {
		protobuf_c_message_free_unpacked(out, NULL);
		log_info("keygen", "hsm_delete", "locator=%s deleted from its repository", locator);
	} else {
		log_warning("keygen", "hsm_delete_failed", "locator=%s %s", locator, d.msg);
	}
}
