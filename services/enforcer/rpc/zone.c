/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * zone add | delete | list | set-policy, zonelist import | export. Adding, changing or
 * deleting a zone touches that zone only: it is scheduled for an enforce run of its own.
 */
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/conf/zonelist.h"
#include "lib/db/db.h"
#include "lib/dns/name.h"
#include "lib/svc/svc.h"
#include "ods/enforcer.pb-c.h"
#include "services/enforcer/enforcer.h"
#include "services/enforcer/rpc/common.h"
#include "services/enforcer/store/store.h"

#define PATH_MAX_LEN 1024

/* OpenDNSSEC's defaults beside the enforcer's working directory: .../unsigned/<zone>. */
static char *
default_path(struct enf *e, const char *dir, const char *zone)
{
	char wd[PATH_MAX_LEN], out[PATH_MAX_LEN];

	snprintf(wd, sizeof(wd), "%s", svc_conf(e->svc)->enforcer.working_dir);
	snprintf(out, sizeof(out), "%s/%s/%s", dirname(wd), dir, zone);
	return strdup(out);
}

static bool
adapter_type_ok(const char *t)
{
	return strcmp(t, "File") == 0 || strcmp(t, "DNS") == 0;
}

/* Fill a store zone from the request (defaults for what is empty). */
static ods_err
zone_from(struct enf *e, struct rpc_call *c, const Ods__Enforcer__ZoneInfo *zi,
          const char *name, int64_t policy_id, struct enfdb_zone *z)
{
	const char *it = zi->input && zi->input->type[0] ? zi->input->type : "File";
	const char *ot = zi->output && zi->output->type[0] ? zi->output->type : "File";

	if (!adapter_type_ok(it) || !adapter_type_ok(ot))
		return diag_fail(&c->diag, ODS_EINVAL, "adapter",
		                 "adapter type must be File or DNS, not '%s'",
		                 adapter_type_ok(it) ? ot : it);
	memset(z, 0, sizeof(*z));
	z->name = strdup(name);
	z->policy_id = policy_id;
	if (zi->signconf_path[0]) {
		z->signconf_path = strdup(zi->signconf_path);
	} else {
		char file[PATH_MAX_LEN];
		snprintf(file, sizeof(file), "%s.xml", name);
		z->signconf_path = default_path(e, "signconf", file);
	}
	z->input_type = strdup(it);
	z->output_type = strdup(ot);
	z->input_path = zi->input && zi->input->path[0] ? strdup(zi->input->path)
	                                                : default_path(e, "unsigned", name);
	z->output_path = zi->output && zi->output->path[0] ? strdup(zi->output->path)
	                                                   : default_path(e, "signed", name);
	if (!z->name || !z->signconf_path || !z->input_type || !z->output_type ||
	    !z->input_path || !z->output_path) {
		enfdb_zone_clear(z);
		return enf_rpc_oom(c);
	}
	return ODS_OK;
}

static Ods__Enforcer__Adapter *
adapter(struct rpc_call *c, const char *type, const char *path)
{
	Ods__Enforcer__Adapter *a = arena_alloc(c->arena, sizeof(*a));

	if (a == NULL)
		return NULL;
	ods__enforcer__adapter__init(a);
	a->type = arena_strdup(c->arena, type);
	a->path = arena_strdup(c->arena, path);
	return a->type && a->path ? a : NULL;
}

static Ods__Enforcer__ZoneInfo *
zone_info(struct rpc_call *c, const struct enfdb_zone *z)
{
	Ods__Enforcer__ZoneInfo *zi = arena_alloc(c->arena, sizeof(*zi));

	if (zi == NULL)
		return NULL;
	ods__enforcer__zone_info__init(zi);
	zi->name = arena_strdup(c->arena, z->name);
	zi->policy = arena_strdup(c->arena, z->policy);
	zi->signconf_path = arena_strdup(c->arena, z->signconf_path);
	zi->input = adapter(c, z->input_type, z->input_path);
	zi->output = adapter(c, z->output_type, z->output_path);
	zi->next_change = z->next_change;
	zi->suspended = z->suspended;
	zi->signconf_version = z->signconf_version;
	if (!zi->name || !zi->policy || !zi->signconf_path || !zi->input || !zi->output)
		return NULL;
	return zi;
}

/* Insert one zone; the caller's transaction. */
static ods_err
add_zone(struct enf *e, struct rpc_call *c, struct db *db, const Ods__Enforcer__ZoneInfo *zi,
         bool suspend, int64_t first_run, struct enfdb_zone *z)
{
	char name[ENF_ZONE_NAME_MAX];
	int64_t pid = 0;
	ods_err rc = enf_rpc_zone_name(c, zi->name, name, sizeof(name));

	if (rc == ODS_OK)
		rc = enfdb_policy_id(db, zi->policy[0] ? zi->policy : "default", &pid, &c->diag);
	if (rc == ODS_OK)
		rc = zone_from(e, c, zi, name, pid, z);
	if (rc != ODS_OK)
		return rc;
	z->suspended = suspend;
	rc = enfdb_zone_insert(db, z, first_run, &c->diag);
	if (rc == ODS_OK)
		log_info("zone", "added", "zone=%s policy=%s", name,
		         zi->policy[0] ? zi->policy : "default");
	return rc;
}

static ods_err
h_add(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__ZoneAddRequest *rq = (const void *)in;
	Ods__Enforcer__ZoneAddReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_zone z = {0}, got = {0};
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	ods_err rc;

	if (rq->zone == NULL || rq->zone->name[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "no zone name given");
	rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	/* Its first run is ours, below; the scheduler takes the zone only if we die first. */
	rc = add_zone(e, c, db, rq->zone, rq->suspend, enf_now(e) + ENF_RETRY_S, &z);
	if (rc == ODS_OK)
		rc = enfdb_zone_get_id(db, z.id, false, &got, &c->diag);
	if (rc == ODS_OK && (r->zone = zone_info(c, &got)) == NULL)
		rc = enf_rpc_oom(c);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	if (rc == ODS_OK && !rq->suspend) {
		/* As upstream, the zone has its keys and first signconf when `zone add` answers:
		 * its policy's pool is filled, then the zone enforced (it was inserted not due, so
		 * the scheduler cannot take it first and find no keys). */
		if (enf_rpc_read_begin(e, c, &db) == ODS_OK) {
			struct diag d2 = {0};
			int ran = 0;
			if (enf_sched_first_run(e, db, z.id, z.policy_id, &d2) != ODS_OK)
				log_warning("zone", "first_enforce", "zone=%s %s", z.name, d2.msg);
			/* and whatever else is due, as before any command answers */
			(void)enf_sched_run_due(e, db, &ran, &d2);
			enf_rpc_read_end(e, db);
		}
	}
	enfdb_zone_clear(&z);
	enfdb_zone_clear(&got);
	return rc;
}

/* The signconf file of a deleted zone is kept, renamed, as OpenDNSSEC does. */
static void
retire_signconf(const char *path)
{
	char to[PATH_MAX_LEN + 16];

	if (path[0] == '\0')
		return;
	snprintf(to, sizeof(to), "%s.ZONE_DELETED", path);
	(void)rename(path, to);
}

static ods_err
delete_one(struct rpc_call *c, struct db *db, const struct enfdb_zone *z, size_t *cap,
           Ods__Enforcer__ZoneDeleteReply *r)
{
	ods_err rc = enfdb_zone_delete(db, z->id, &c->diag);

	if (rc == ODS_OK)
		rc = enf_rpc_strv_add(c, &r->deleted, &r->n_deleted, cap, z->name);
	return rc;
}

static ods_err
h_delete(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__ZoneDeleteRequest *rq = (const void *)in;
	Ods__Enforcer__ZoneDeleteReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_zone *zones = NULL;
	size_t n = 0, cap = 0;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	char name[ENF_ZONE_NAME_MAX];
	ods_err rc;

	if (!rq->all && rq->zone[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "zone", "name a zone or ask for all");
	if (!rq->all && (rc = enf_rpc_zone_name(c, rq->zone, name, sizeof(name))) != ODS_OK)
		return rc;
	rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	if (rq->all) {
		rc = enfdb_zone_list(db, 0, &zones, &n, &c->diag);
	} else {
		zones = calloc(1, sizeof(*zones));
		rc = zones ? enfdb_zone_get(db, name, true, zones, &c->diag) : enf_rpc_oom(c);
		n = rc == ODS_OK ? 1 : 0;
	}
	for (size_t i = 0; rc == ODS_OK && i < n; i++)
		rc = delete_one(c, db, &zones[i], &cap, r);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		retire_signconf(zones[i].signconf_path);
		log_info("zone", "deleted", "zone=%s", zones[i].name);
	}
	enfdb_zones_free(zones, n);
	return rc;
}

static ods_err
h_list(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__ZoneListRequest *rq = (const void *)in;
	Ods__Enforcer__ZoneListReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_zone *zones = NULL;
	size_t n = 0;
	struct db *db = NULL;
	char zb[ENF_ZONE_NAME_MAX];
	const char *zname = NULL;
	ods_err rc = enf_rpc_zone_opt(c, rq->zone, zb, sizeof(zb), &zname);

	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_zone_list(db, 0, &zones, &n, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc != ODS_OK)
		return rc;
	r->zones = enf_rpc_array(c, n, sizeof(*r->zones));
	r->datastore = arena_strdup(c->arena, "PostgreSQL");
	for (size_t i = 0; r->zones && r->datastore && i < n; i++) {
		if (zname && strcmp(zname, zones[i].name) != 0)
			continue;
		r->zones[r->n_zones] = zone_info(c, &zones[i]);
		if (r->zones[r->n_zones] == NULL) {
			rc = enf_rpc_oom(c);
			break;
		}
		r->n_zones++;
	}
	if (r->zones == NULL || r->datastore == NULL)
		rc = enf_rpc_oom(c);
	enfdb_zones_free(zones, n);
	return rc;
}

static ods_err
h_set_policy(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__ZoneSetPolicyRequest *rq = (const void *)in;
	struct enf *e = ctx;
	struct enfdb_zone z = {0};
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	char name[ENF_ZONE_NAME_MAX];
	int64_t pid = 0;
	ods_err rc = enf_rpc_zone_name(c, rq->zone, name, sizeof(name));

	(void)out;
	if (rc == ODS_OK)
		rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_zone_get(db, name, true, &z, &c->diag);
	if (rc == ODS_OK)
		rc = enfdb_policy_id(db, rq->policy, &pid, &c->diag);
	if (rc == ODS_OK) {
		z.policy_id = pid;
		rc = enfdb_zone_update(db, &z, &c->diag);
	}
	if (rc == ODS_OK)
		rc = enfdb_zone_schedule(db, z.id, 0, enf_now(e), true, NULL, &c->diag);
	rc = enf_rpc_write_end(e, c, db, tx, rc);
	if (rc == ODS_OK) {
		log_info("zone", "set_policy", "zone=%s policy=%s", name, rq->policy);
		enf_sched_poke(e, true);
	}
	enfdb_zone_clear(&z);
	return rc;
}

static bool
same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* One zonelist entry against the database: add, update or leave. */
static ods_err
import_one(struct enf *e, struct rpc_call *c, struct db *db, const struct zonelist_zone *lz,
           Ods__Enforcer__ZonelistImportReply *r, size_t caps[3])
{
	Ods__Enforcer__Adapter ia = ODS__ENFORCER__ADAPTER__INIT,
	                       oa = ODS__ENFORCER__ADAPTER__INIT;
	Ods__Enforcer__ZoneInfo zi = ODS__ENFORCER__ZONE_INFO__INIT;
	struct enfdb_zone have = {0}, want = {0};
	char name[ENF_ZONE_NAME_MAX];
	int64_t pid = 0;
	ods_err rc = enf_rpc_zone_name(c, lz->name, name, sizeof(name));

	ia.type = (char *)zonelist_adapter_type_name(lz->input.type);
	ia.path = lz->input.path;
	oa.type = (char *)zonelist_adapter_type_name(lz->output.type);
	oa.path = lz->output.path;
	zi.name = lz->name;
	zi.policy = lz->policy;
	zi.signconf_path = lz->signconf ? lz->signconf : "";
	zi.input = &ia;
	zi.output = &oa;
	if (rc == ODS_OK)
		rc = enfdb_zone_get(db, name, true, &have, &c->diag);
	if (rc == ODS_ENOENT) {
		rc = add_zone(e, c, db, &zi, false, enf_now(e), &want);
		if (rc == ODS_OK)
			rc = enf_rpc_strv_add(c, &r->added, &r->n_added, &caps[0], name);
		enfdb_zone_clear(&want);
		return rc;
	}
	if (rc == ODS_OK)
		rc = enfdb_policy_id(db, lz->policy, &pid, &c->diag);
	if (rc == ODS_OK)
		rc = zone_from(e, c, &zi, name, pid, &want);
	if (rc == ODS_OK) {
		want.id = have.id;
		bool same = want.policy_id == have.policy_id &&
		            same_str(want.signconf_path, have.signconf_path) &&
		            same_str(want.input_type, have.input_type) &&
		            same_str(want.input_path, have.input_path) &&
		            same_str(want.output_type, have.output_type) &&
		            same_str(want.output_path, have.output_path);
		if (same) {
			rc = enf_rpc_strv_add(c, &r->unchanged, &r->n_unchanged, &caps[2], name);
		} else {
			rc = enfdb_zone_update(db, &want, &c->diag);
			if (rc == ODS_OK)
				rc = enfdb_zone_schedule(db, have.id, 0, enf_now(e), true, NULL, &c->diag);
			if (rc == ODS_OK)
				rc = enf_rpc_strv_add(c, &r->updated, &r->n_updated, &caps[1], name);
		}
	}
	enfdb_zone_clear(&have);
	enfdb_zone_clear(&want);
	return rc;
}

/* Zones of the database the zonelist does not name are deleted; their signconf paths go to
 * *retire, renamed only once the transaction committed. */
static ods_err
remove_missing(struct rpc_call *c, struct db *db, const struct zonelist *zl,
               Ods__Enforcer__ZonelistImportReply *r, size_t *cap, char ***retire,
               size_t *n_retire, size_t *cap_retire)
{
	struct enfdb_zone *zones = NULL;
	size_t n = 0;
	char **listed = arena_alloc(c->arena, (zl->n_zones ? zl->n_zones : 1) * sizeof(*listed));
	ods_err rc = listed ? ODS_OK : enf_rpc_oom(c);

	for (size_t j = 0; rc == ODS_OK && j < zl->n_zones; j++) {
		char name[ENF_ZONE_NAME_MAX];
		listed[j] = NULL;
		if (enf_rpc_zone_name(c, zl->zones[j].name, name, sizeof(name)) != ODS_OK)
			continue; /* the import itself reported it */
		listed[j] = arena_strdup(c->arena, name);
		if (listed[j] == NULL)
			rc = enf_rpc_oom(c);
	}
	if (rc == ODS_OK)
		rc = enfdb_zone_list(db, 0, &zones, &n, &c->diag);
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		bool kept = false;
		for (size_t j = 0; !kept && j < zl->n_zones; j++)
			kept = listed[j] && strcmp(listed[j], zones[i].name) == 0;
		if (kept)
			continue;
		rc = enfdb_zone_delete(db, zones[i].id, &c->diag);
		if (rc == ODS_OK)
			rc = enf_rpc_strv_add(c, &r->removed, &r->n_removed, cap, zones[i].name);
		if (rc == ODS_OK && zones[i].signconf_path[0])
			rc = enf_rpc_strv_add(c, retire, n_retire, cap_retire, zones[i].signconf_path);
	}
	enfdb_zones_free(zones, n);
	return rc;
}

static ods_err
h_zl_import(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__ZonelistImportRequest *rq = (const void *)in;
	Ods__Enforcer__ZonelistImportReply *r = (void *)out;
	struct enf *e = ctx;
	struct zonelist *zl = NULL;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	size_t caps[4] = {0}, n_retire = 0, cap_retire = 0;
	char **retire = NULL;
	const char *name = rq->file_name[0] ? rq->file_name : "zonelist.xml";
	ods_err rc = zonelist_load_mem(name, rq->xml, strlen(rq->xml), &zl, &c->diag);

	if (rc != ODS_OK)
		return rc;
	rc = enf_rpc_write_begin(e, c, &db, &tx);
	for (size_t i = 0; rc == ODS_OK && i < zl->n_zones; i++) {
		rc = import_one(e, c, db, &zl->zones[i], r, caps);
		/* The message says what is wrong; the file and line say where (the failing step
		 * always named its own module there, so test the error, not an empty where). */
		if (rc != ODS_OK)
			snprintf(c->diag.where, sizeof(c->diag.where), "%s:%ld", name,
			         zl->zones[i].line);
	}
	if (rc == ODS_OK && rq->remove_missing)
		rc = remove_missing(c, db, zl, r, &caps[3], &retire, &n_retire, &cap_retire);
	if (db)
		rc = enf_rpc_write_end(e, c, db, tx, rc);
	for (size_t i = 0; rc == ODS_OK && i < n_retire; i++)
		retire_signconf(retire[i]);
	if (rc == ODS_OK) {
		log_info("zone", "zonelist_import", "file=%s zones=%zu added=%zu updated=%zu "
		         "removed=%zu", name, zl->n_zones, r->n_added, r->n_updated, r->n_removed);
		enf_sched_poke(e, true);
	}
	zonelist_free(zl);
	return rc;
}

static ods_err
h_zl_export(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	Ods__Enforcer__ZonelistExportReply *r = (void *)out;
	struct enf *e = ctx;
	struct enfdb_zone *zones = NULL;
	struct zonelist_zone *lz = NULL;
	size_t n = 0, len = 0;
	struct db *db = NULL;
	char *xml = NULL;
	ods_err rc = enf_rpc_read_begin(e, c, &db);

	(void)in;
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_zone_list(db, 0, &zones, &n, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc == ODS_OK && (lz = calloc(n ? n : 1, sizeof(*lz))) == NULL)
		rc = enf_rpc_oom(c);
	for (size_t i = 0; rc == ODS_OK && i < n; i++) {
		lz[i].name = zones[i].name;
		lz[i].policy = zones[i].policy;
		lz[i].signconf = zones[i].signconf_path[0] ? zones[i].signconf_path : NULL;
		lz[i].input.type = strcmp(zones[i].input_type, "DNS") == 0 ? ZONELIST_ADAPTER_DNS
		                                                          : ZONELIST_ADAPTER_FILE;
		lz[i].input.path = zones[i].input_path;
		lz[i].output.type = strcmp(zones[i].output_type, "DNS") == 0 ? ZONELIST_ADAPTER_DNS
		                                                            : ZONELIST_ADAPTER_FILE;
		lz[i].output.path = zones[i].output_path;
	}
	if (rc == ODS_OK)
		rc = zonelist_write(lz, n, &xml, &len, &c->diag);
	if (rc == ODS_OK && (r->xml = arena_strdup(c->arena, xml)) == NULL)
		rc = enf_rpc_oom(c);
	free(xml);
	free(lz);
	enfdb_zones_free(zones, n);
	return rc;
}

const struct rpc_method enf_zone_methods[] = {
    RPC_METHOD("ZoneAdd", h_add),
    RPC_METHOD("ZoneDelete", h_delete),
    RPC_METHOD("ZoneList", h_list),
    RPC_METHOD("ZoneSetPolicy", h_set_policy),
    RPC_METHOD("ZonelistImport", h_zl_import),
    RPC_METHOD("ZonelistExport", h_zl_export),
    RPC_METHOD_END,
};
