/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NSEC3 salts (Denial/NSEC3/Resalt): a policy's salt is shared by all its zones; when it is
 * older than Resalt, a new one is drawn and every zone of the policy gets a new signconf.
 * Runs before a pass of due zones when a salt is due (so a time leap past the resalt time
 * resalts), and on `policy resalt`.
 */
#include "services/enforcer/enforcer.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/base/hex.h"
#include "lib/base/log.h"
#include "lib/base/random.h"
#include "lib/conf/kasp.h"
#include "lib/db/db.h"
#include "services/enforcer/store/store.h"

static ods_err
resalt_one(struct enf *e, struct db *db, const struct kasp_policy *p,
           const struct enfdb_policy_meta *m, bool force, bool *done, int64_t *due,
           struct diag *d)
{
	uint8_t salt[255];
	char hex[2 * 255 + 1];
	int64_t now = enf_now(e);
	size_t len = (size_t)p->nsec3.salt_length;

	*done = false;
	if (p->denial != KASP_DENIAL_NSEC3 || (!force && p->nsec3.resalt_s <= 0))
		return ODS_OK;
	if (!force && now < m->salt_last_change + p->nsec3.resalt_s) {
		*due = *due == 0 || m->salt_last_change + p->nsec3.resalt_s < *due
		           ? m->salt_last_change + p->nsec3.resalt_s
		           : *due;
		return ODS_OK;
	}
	if (len == 0 && m->salt[0] == '\0')
		return ODS_OK; /* an empty salt stays empty: nothing to change */
	if (len > sizeof(salt) || (len && !random_bytes(salt, len)))
		return diag_fail(d, ODS_EINTERNAL, "salt", "cannot draw a salt");
	hex_encode(salt, len, hex);
	hex[2 * len] = '\0';
	ods_err rc = enfdb_policy_set_salt(db, m->id, hex, now, d);
	if (rc == ODS_OK)
		rc = enfdb_zone_schedule(db, 0, m->id, now, true, NULL, d);
	if (rc == ODS_OK) {
		*done = true;
		log_info("policy", "resalt", "policy=%s salt_length=%zu", p->name, len);
	}
	return rc;
}

ods_err
enf_resalt(struct enf *e, struct db *db, const char *policy, bool force,
           void (*each)(void *arg, const char *policy), void *arg, struct diag *d)
{
	struct kasp *k = NULL;
	struct enfdb_policy_meta *meta = NULL;
	struct db_tx *tx = NULL;
	int64_t due = 0; /* the next salt due after this pass, 0 none */
	ods_err rc = enf_tx_begin(e, db, &tx, d);

	if (rc != ODS_OK)
		return rc;
	rc = enfdb_policy_load(db, policy, &k, &meta, d);
	for (size_t i = 0; rc == ODS_OK && i < k->n_policies; i++) {
		bool done = false;

		rc = resalt_one(e, db, &k->policies[i], &meta[i], force, &done, &due, d);
		if (rc == ODS_OK && done && each)
			each(arg, k->policies[i].name);
	}
	kasp_free(k);
	free(meta);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	else
		db_tx_rollback(tx);
	/* A pass over every policy knows when the next one is due: passes before then skip the
	 * policy load (INT64_MAX: none is). */
	if (rc == ODS_OK && policy == NULL)
		atomic_store(&e->resalt_due, due ? due : INT64_MAX);
	return rc;
}

bool
enf_resalt_due(struct enf *e)
{
	return enf_now(e) >= atomic_load(&e->resalt_due);
}

void
enf_resalt_recheck(struct enf *e)
{
	atomic_store(&e->resalt_due, 0);
}
