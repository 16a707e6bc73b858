/* SPDX-License-Identifier: BSD-2-Clause */
#include "services/enforcer/rpc/common.h"

#include <string.h>

#include "lib/base/arena.h"
#include "lib/db/db.h"
#include "lib/db/pool.h"
#include "lib/dns/name.h"
#include "services/enforcer/enforcer.h"

ods_err
enf_rpc_oom(struct rpc_call *c)
{
	return diag_fail(&c->diag, ODS_ENOMEM, "reply", "out of memory");
}

ods_err
enf_rpc_read_begin(struct enf *e, struct rpc_call *c, struct db **db)
{
	return db_pool_get(e->pool, db, &c->diag);
}

void
enf_rpc_read_end(struct enf *e, struct db *db)
{
	if (db)
		db_pool_put(e->pool, db);
}

ods_err
enf_rpc_write_begin(struct enf *e, struct rpc_call *c, struct db **db, struct db_tx **tx)
{
	ods_err rc = enf_require_leader(e, c);

	if (rc != ODS_OK)
		return rc;
	rc = db_pool_get(e->pool, db, &c->diag);
	if (rc != ODS_OK)
		return rc;
	rc = enf_tx_begin(e, *db, tx, &c->diag);
	if (rc != ODS_OK) {
		db_pool_put(e->pool, *db);
		*db = NULL;
	}
	return rc;
}

ods_err
enf_rpc_write_end(struct enf *e, struct rpc_call *c, struct db *db, struct db_tx *tx,
                  ods_err rc)
{
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, &c->diag);
	else
		db_tx_rollback(tx);
	db_pool_put(e->pool, db);
	return rc;
}

void *
enf_rpc_array(struct rpc_call *c, size_t n, size_t elem)
{
	return arena_zalloc(c->arena, (n ? n : 1) * elem);
}

ods_err
enf_rpc_strv_add(struct rpc_call *c, char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char **nv = arena_alloc(c->arena, ncap * sizeof(*nv));
		if (nv == NULL)
			return enf_rpc_oom(c);
		if (*n)
			memcpy(nv, *v, *n * sizeof(*nv));
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n] = arena_strdup(c->arena, s);
	if ((*v)[*n] == NULL)
		return enf_rpc_oom(c);
	(*n)++;
	return ODS_OK;
}

ods_err
enf_rpc_zone_name(struct rpc_call *c, const char *in, char *out, size_t cap)
{
	if (dns_zone_name_normal(in, out, cap) != ODS_OK)
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "'%s' is not a valid zone name", in);
	return ODS_OK;
}

ods_err
enf_rpc_zone_opt(struct rpc_call *c, const char *in, char *out, size_t cap, const char **name)
{
	*name = NULL;
	if (in[0] == '\0')
		return ODS_OK;
	ods_err rc = enf_rpc_zone_name(c, in, out, cap);
	if (rc == ODS_OK)
		*name = out;
	return rc;
}
