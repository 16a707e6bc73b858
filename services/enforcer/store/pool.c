/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pool of pre-generated HSM keys per policy key (hsmKey of upstream) and the signconf
 * versions with the sign jobs they queue. Key size only tells RSA keys apart: the other
 * algorithms fix it, and kasp.xml's length for them is informational.
 */
#include "services/enforcer/store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db/db.h"
#include "lib/dns/dnskey.h"

#define NUM_MAX 24

/* $1 policy, $2 role, $3 algorithm, $4 bits (0 = any), $5 repository. */
#define POOL_MATCH                                                                             \
	"kp.policy_id = $1 AND kp.role = $2 AND h.algorithm = $3 AND ($4 = 0 OR h.bits = $4) " \
	"AND h.repository = $5 "

struct pool_params {
	char b[6][NUM_MAX];
	const char *v[7];
};

static void
pool_params(struct pool_params *p, int64_t policy_id, const struct enf_policy_key *pk,
            int64_t zone_id)
{
	snprintf(p->b[0], NUM_MAX, "%" PRId64, policy_id);
	snprintf(p->b[1], NUM_MAX, "%u", pk->role);
	snprintf(p->b[2], NUM_MAX, "%d", pk->algorithm);
	snprintf(p->b[3], NUM_MAX, "%d", dns_alg_is_rsa(pk->algorithm) ? pk->bits : 0);
	snprintf(p->b[5], NUM_MAX, "%" PRId64, zone_id);
	p->v[0] = p->b[0];
	p->v[1] = p->b[1];
	p->v[2] = p->b[2];
	p->v[3] = p->b[3];
	p->v[4] = pk->repository;
	p->v[5] = p->b[5];
}

static ods_err
read_pool_key(PGresult *res, struct enfdb_pool_key *out, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->hsm_key_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(out->locator, sizeof(out->locator), "%s", PQgetvalue(res, 0, 1));
	if (!db_bytea_decode(PQgetvalue(res, 0, 2), out->pubkey, sizeof(out->pubkey),
	                     &out->pubkey_len))
		return diag_fail(d, ODS_EDB, "hsm_key", "bad public key stored for %s", out->locator);
	out->backup = (int)strtol(PQgetvalue(res, 0, 3), NULL, 10);
	return ODS_OK;
}

/* ShareKeys: the youngest key of this policy key that another zone is introducing. */
static ods_err
take_shared(struct db *db, struct pool_params *p, struct enfdb_pool_key *out, bool *found,
            struct diag *d)
{
	PGresult *res = NULL;
	ods_err rc = db_query(
	    db, "enf_pool_shared",
	    "SELECT kp.hsm_key_id, h.locator, h.public_key, h.backup FROM key_pool kp JOIN "
	    "hsm_key h ON h.id = kp.hsm_key_id WHERE " POOL_MATCH "AND kp.state = 2 AND NOT "
	    "EXISTS (SELECT 1 FROM key k WHERE k.hsm_key_id = kp.hsm_key_id AND k.zone_id = $6) "
	    "AND EXISTS (SELECT 1 FROM key k WHERE k.hsm_key_id = kp.hsm_key_id AND "
	    "k.introducing) ORDER BY h.id DESC LIMIT 1",
	    6, p->v, &res, d);

	if (rc != ODS_OK)
		return rc;
	*found = PQntuples(res) == 1;
	if (*found)
		rc = read_pool_key(res, out, d);
	PQclear(res);
	return rc;
}

ods_err
enfdb_pool_take(struct db *db, int64_t policy_id, int64_t zone_id,
                const struct enf_policy_key *pk, bool share, struct enfdb_pool_key *out,
                struct diag *d)
{
	struct pool_params p;
	PGresult *res = NULL;
	bool found = false;
	ods_err rc;

	pool_params(&p, policy_id, pk, zone_id);
	if (share) {
		rc = take_shared(db, &p, out, &found, d);
		if (rc != ODS_OK || found)
			return rc;
	}
	rc = db_query(db, "enf_pool_unused",
	              "SELECT kp.hsm_key_id, h.locator, h.public_key, h.backup FROM key_pool kp "
	              "JOIN hsm_key h ON h.id = kp.hsm_key_id WHERE " POOL_MATCH
	              "AND kp.state = 0 ORDER BY h.id LIMIT 1 FOR UPDATE OF kp SKIP LOCKED",
	              5, p.v, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "key_pool",
		                 "no %s keys (algorithm %d) available in repository %s",
		                 enf_role_name(pk->role), pk->algorithm, pk->repository);
	}
	rc = read_pool_key(res, out, d);
	PQclear(res);
	if (rc != ODS_OK)
		return rc;
	snprintf(p.b[0], NUM_MAX, "%" PRId64, out->hsm_key_id);
	return db_query(db, "enf_pool_mark", "UPDATE key_pool SET state = $2 WHERE hsm_key_id = $1",
	                2, (const char *[]){p.b[0], share ? "2" : "1"}, NULL, d);
}

ods_err
enfdb_pool_unused(struct db *db, int64_t policy_id, const struct enf_policy_key *pk,
                  int64_t *n, struct diag *d)
{
	struct pool_params p;
	PGresult *res = NULL;
	ods_err rc;

	pool_params(&p, policy_id, pk, 0);
	rc = db_query(db, "enf_pool_count",
	              "SELECT count(*) FROM key_pool kp JOIN hsm_key h ON h.id = kp.hsm_key_id "
	              "WHERE " POOL_MATCH "AND kp.state = 0",
	              5, p.v, &res, d);
	if (rc != ODS_OK)
		return rc;
	*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ODS_OK;
}

ods_err
enfdb_pool_add(struct db *db, const char *locator, int64_t policy_id, unsigned role,
               struct diag *d)
{
	char pid[NUM_MAX], r[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(pid, sizeof(pid), "%" PRId64, policy_id);
	snprintf(r, sizeof(r), "%u", role);
	rc = db_query(db, "enf_pool_add",
	              "INSERT INTO key_pool (hsm_key_id, policy_id, role) SELECT id, $2, $3 FROM "
	              "hsm_key WHERE locator = $1 RETURNING hsm_key_id",
	              3, (const char *[]){locator, pid, r}, &res, d);
	if (rc != ODS_OK)
		return rc;
	int rows = PQntuples(res);
	PQclear(res);
	if (rows != 1)
		return diag_fail(d, ODS_ENOENT, "hsm_key", "no key %s in the catalogue", locator);
	return ODS_OK;
}

ods_err
enfdb_pool_release(struct db *db, int64_t hsm_key_id, bool *released, struct diag *d)
{
	char id[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(id, sizeof(id), "%" PRId64, hsm_key_id);
	rc = db_query(db, "enf_pool_release",
	              "UPDATE key_pool SET state = 3 WHERE hsm_key_id = $1 AND NOT EXISTS "
	              "(SELECT 1 FROM key k WHERE k.hsm_key_id = $1) RETURNING hsm_key_id",
	              1, (const char *[]){id}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (released)
		*released = PQntuples(res) == 1;
	PQclear(res);
	return ODS_OK;
}

ods_err
enfdb_signconf_put(struct db *db, int64_t zone_id, const char *xml, const char *reason,
                   int64_t *version, struct diag *d)
{
	char zid[NUM_MAX];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(zid, sizeof(zid), "%" PRId64, zone_id);
	rc = db_query(db, "enf_signconf_put",
	              "WITH v AS (UPDATE zone SET signconf_version = signconf_version + 1, "
	              "signconf_needs_writing = false WHERE id = $1 RETURNING signconf_version), "
	              "s AS (INSERT INTO signconf (zone_id, version, xml) SELECT $1, "
	              "signconf_version, $2 FROM v RETURNING version), "
	              "j AS (INSERT INTO job (zone_id, kind, reason, signconf_version) SELECT $1, "
	              "'sign', $3, version FROM s RETURNING id) "
	              "SELECT version FROM s, j",
	              3, (const char *[]){zid, xml, reason}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "zone", "zone %s vanished", zid);
	}
	*version = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return db_query(db, "enf_job_notify", "SELECT pg_notify('ods_job', $1)", 1,
	                (const char *[]){zid}, NULL, d);
}
