/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A zone's signer configuration (§2.5): the policy's signature and denial parameters, and
 * every key of the zone (retired ones too, so the signer can tell their signatures apart)
 * with its roles as the key states allow: <Publish/> while the DNSKEY is rumoured or
 * omnipresent, <KSK/> while its DNSKEY-set signature is, <ZSK/> while its zone signatures are.
 * The document is stored as a version in PostgreSQL (what the signer reads) and, when the
 * zone has a SignerConfiguration path, also written there for existing tooling.
 */
#include "services/enforcer/enforcer.h"

#include "lib/base/file.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/conf/kasp.h"
#include "lib/conf/signconf.h"
#include "lib/db/db.h"
#include "services/enforcer/policymap.h"
#include "services/enforcer/store/store.h"

static void
policy_part(struct signconf *sc, const struct kasp_policy *p, const struct enfdb_policy_meta *m)
{
	sc->passthrough = p->passthrough;
	sc->resign_s = p->sig.resign_s;
	sc->refresh_s = p->sig.refresh_s;
	sc->validity_default_s = p->sig.validity_default_s;
	sc->validity_denial_s = p->sig.validity_denial_s;
	sc->validity_keyset_s = p->sig.validity_keyset_s;
	sc->jitter_s = p->sig.jitter_s;
	sc->inception_offset_s = p->sig.inception_offset_s;
	sc->max_zone_ttl_s = p->sig.max_zone_ttl_s;
	sc->nsec3 = p->denial == KASP_DENIAL_NSEC3;
	if (sc->nsec3) {
		sc->nsec3_ttl_s = p->nsec3.ttl_s;
		sc->nsec3_optout = p->nsec3.opt_out;
		sc->nsec3_algorithm = p->nsec3.algorithm;
		sc->nsec3_iterations = p->nsec3.iterations;
		sc->nsec3_salt = (char *)m->salt;
	}
	sc->dnskey_ttl_s = p->keys.ttl_s;
	sc->soa_ttl_s = p->zone.soa_ttl_s;
	sc->soa_minimum_s = p->zone.soa_minimum_s;
	sc->serial = p->zone.serial;
}

ods_err
enf_signconf_xml(const struct enfdb_zone *z, const struct kasp_policy *p,
                 const struct enfdb_policy_meta *m, const struct enfdb_view *v, char **xml,
                 struct diag *d)
{
	struct signconf sc = {.zone = z->name};
	size_t len = 0, n = 0;
	ods_err rc;

	policy_part(&sc, p, m);
	sc.keys = calloc(v->zone.n_keys ? v->zone.n_keys : 1, sizeof(*sc.keys));
	if (sc.keys == NULL)
		return diag_fail(d, ODS_ENOMEM, "signconf", "out of memory");
	for (size_t i = 0; i < v->zone.n_keys; i++) {
		const struct enf_key *k = &v->zone.keys[i];
		const struct enfdb_key_extra *x = enfdb_view_extra((struct enfdb_view *)v, k->id);

		if (x == NULL)
			continue;
		sc.keys[n] = (struct signconf_key){
		    .flags = (int)enf_dnskey_flags(k->role),
		    .algorithm = k->algorithm,
		    .locator = (char *)x->locator,
		    .ksk = enf_key_active_ksk(k),
		    .zsk = enf_key_active_zsk(k),
		    .publish = enf_key_publish(k),
		};
		n++;
	}
	sc.n_keys = n;
	rc = signconf_write(&sc, xml, &len, d);
	free(sc.keys);
	return rc;
}

ods_err
enf_signconf_write_file(struct db *db, int64_t zone_id, struct diag *d)
{
	char sid[24];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(sid, sizeof(sid), "%" PRId64, zone_id);
	rc = db_query(db, "enf_signconf_latest",
	              "SELECT z.signconf_path, s.xml FROM zone z JOIN signconf s ON s.zone_id = "
	              "z.id AND s.version = z.signconf_version WHERE z.id = $1",
	              1, (const char *[]){sid}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] != '\0') {
		const char *path = PQgetvalue(res, 0, 0);
		const char *xml = PQgetvalue(res, 0, 1);

		/* The default directory (beside the enforcer's) may not exist yet. */
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			(void)mkdir(dir, 0755);
		}
		/* The stored document itself: exactly what the signer reads. */
		rc = file_replace(path, xml, strlen(xml), d);
	}
	PQclear(res);
	return rc;
}
