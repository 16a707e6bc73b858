/* SPDX-License-Identifier: BSD-2-Clause */
/* The zone a job is about, and its newest signconf, as the enforcer stored them. */
#include "services/signer/signer.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db/db.h"
#include "lib/dns/name.h"

void
sgn_zone_clear(struct sgn_zone *z)
{
	free(z->name);
	free(z->input_path);
	free(z->output_path);
	free(z->input_type);
	free(z->output_type);
	signconf_free(z->sc);
	memset(z, 0, sizeof(*z));
}

ods_err
sgn_zone_load(struct db *db, int64_t zone_id, struct sgn_zone *z, struct diag *d)
{
	char zid[24];
	PGresult *res = NULL;
	ods_err rc;

	snprintf(zid, sizeof(zid), "%" PRId64, zone_id);
	rc = db_query(db, "sgn_zone",
	              "SELECT z.name, z.input_path, z.output_path, z.input_type, z.output_type, "
	              "s.version, s.xml FROM zone z LEFT JOIN signconf s ON s.zone_id = z.id AND "
	              "s.version = (SELECT max(version) FROM signconf WHERE zone_id = z.id) "
	              "WHERE z.id = $1",
	              1, (const char *[]){zid}, &res, d);
	if (rc != ODS_OK)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return diag_fail(d, ODS_ENOENT, "zone", "zone %s was deleted", zid);
	}
	memset(z, 0, sizeof(*z));
	z->id = zone_id;
	z->name = strdup(PQgetvalue(res, 0, 0));
	z->input_path = strdup(PQgetvalue(res, 0, 1));
	z->output_path = strdup(PQgetvalue(res, 0, 2));
	z->input_type = strdup(PQgetvalue(res, 0, 3));
	z->output_type = strdup(PQgetvalue(res, 0, 4));
	if (!z->name || !z->input_path || !z->output_path || !z->input_type || !z->output_type) {
		PQclear(res);
		sgn_zone_clear(z);
		return diag_fail(d, ODS_ENOMEM, "zone", "out of memory");
	}
	if (PQgetisnull(res, 0, 5)) {
		PQclear(res);
		rc = diag_fail(d, ODS_ENOENT, z->name, "no signconf yet: the enforcer has not "
		               "run the zone");
		sgn_zone_clear(z);
		return rc;
	}
	z->signconf_version = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	char name[64];
	snprintf(name, sizeof(name), "signconf of %s v%" PRId64, z->name, z->signconf_version);
	rc = signconf_load_mem(name, PQgetvalue(res, 0, 6), (size_t)PQgetlength(res, 0, 6), &z->sc,
	                       d);
	PQclear(res);
	if (rc == ODS_OK)
		rc = dns_name_to_wire(z->name, z->apex, sizeof(z->apex), &z->apex_len);
	if (rc != ODS_OK)
		sgn_zone_clear(z); /* zone names are stored in lower case: so is apex */
	return rc;
}
