/* SPDX-License-Identifier: BSD-2-Clause */
/* policy import | export | list | purge | resalt. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/base/log.h"
#include "lib/conf/kasp.h"
#include "lib/conf/kaspcheck.h"
#include "lib/db/db.h"
#include "lib/svc/svc.h"
#include "ods/enforcer.pb-c.h"
#include "services/enforcer/enforcer.h"
#include "services/enforcer/rpc/common.h"
#include "services/enforcer/store/store.h"

/* kaspcheck over the file as sent: errors refuse the import, warnings travel back. */
static ods_err
check(struct enf *e, struct rpc_call *c, const struct kasp *k,
      Ods__Enforcer__PolicyImportReply *r)
{
	struct kaspcheck_report *rep = NULL;
	size_t cap = 0;
	ods_err rc = kaspcheck_run(svc_conf(e->svc), k, NULL, &rep);

	if (rc != ODS_OK)
		return diag_fail(&c->diag, rc, "kaspcheck", "cannot check the policies");
	for (size_t i = 0; rc == ODS_OK && i < rep->n_msgs; i++) {
		const struct kaspcheck_msg *m = &rep->msgs[i];
		char line[400];

		if (strncmp(m->where, k->path, strlen(k->path)) != 0)
			continue; /* about conf.xml: not this import's business */
		if (m->level == KASPCHECK_ERROR) {
			rc = diag_fail(&c->diag, ODS_EINVAL, m->where, "%s", m->msg);
			break;
		}
		snprintf(line, sizeof(line), "%s: %s", m->where, m->msg);
		rc = enf_rpc_strv_add(c, &r->warnings, &r->n_warnings, &cap, line);
	}
	kaspcheck_report_free(rep);
	return rc;
}

struct import_lists {
	size_t cap_created, cap_updated, cap_unchanged, cap_removed, cap_not_removed;
};

static ods_err
remove_missing(struct rpc_call *c, struct db *db, const struct kasp *k,
               Ods__Enforcer__PolicyImportReply *r, struct import_lists *l)
{
	struct kasp *have = NULL;
	struct enfdb_policy_meta *meta = NULL;
	ods_err rc = enfdb_policy_load(db, NULL, &have, &meta, &c->diag);

	for (size_t i = 0; rc == ODS_OK && i < have->n_policies; i++) {
		const char *name = have->policies[i].name;

		if (kasp_policy_find(k, name))
			continue;
		if (meta[i].zones > 0) {
			rc = enf_rpc_strv_add(c, &r->not_removed, &r->n_not_removed,
			                      &l->cap_not_removed, name);
			continue;
		}
		rc = enfdb_policy_delete(db, name, &c->diag);
		if (rc == ODS_OK)
			rc = enf_rpc_strv_add(c, &r->removed, &r->n_removed, &l->cap_removed, name);
	}
	kasp_free(have);
	free(meta);
	return rc;
}

static ods_err
import_all(struct enf *e, struct rpc_call *c, struct db *db, const struct kasp *k,
           bool remove, Ods__Enforcer__PolicyImportReply *r)
{
	struct import_lists l = {0};
	int64_t now = enf_now(e);
	ods_err rc = ODS_OK;

	for (size_t i = 0; rc == ODS_OK && i < k->n_policies; i++) {
		const struct kasp_policy *p = &k->policies[i];
		enum enfdb_put what;
		int64_t id = 0;

		rc = enfdb_policy_put(db, p, now, &what, &id, &c->diag);
		if (rc != ODS_OK)
			break;
		if (what == ENFDB_CREATED)
			rc = enf_rpc_strv_add(c, &r->created, &r->n_created, &l.cap_created, p->name);
		else if (what == ENFDB_UPDATED)
			rc = enf_rpc_strv_add(c, &r->updated, &r->n_updated, &l.cap_updated, p->name);
		else
			rc = enf_rpc_strv_add(c, &r->unchanged, &r->n_unchanged, &l.cap_unchanged,
			                      p->name);
		/* A changed policy: its zones run now and get a new signconf. */
		if (rc == ODS_OK && what == ENFDB_UPDATED)
			rc = enfdb_zone_schedule(db, 0, id, now, true, NULL, &c->diag);
	}
	if (rc == ODS_OK && remove)
		rc = remove_missing(c, db, k, r, &l);
	return rc;
}

static ods_err
h_import(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__PolicyImportRequest *rq = (const void *)in;
	struct enf *e = ctx;
	struct kasp *k = NULL;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	const char *name = rq->file_name[0] ? rq->file_name : "kasp.xml";
	ods_err rc = kasp_load_mem(name, rq->xml, strlen(rq->xml), &k, &c->diag);

	if (rc != ODS_OK)
		return rc;
	rc = check(e, c, k, (void *)out);
	if (rc == ODS_OK)
		rc = enf_rpc_write_begin(e, c, &db, &tx);
	if (rc == ODS_OK) {
		rc = import_all(e, c, db, k, rq->remove_missing, (void *)out);
		rc = enf_rpc_write_end(e, c, db, tx, rc);
	}
	if (rc == ODS_OK) {
		log_info("policy", "import", "file=%s policies=%zu", name, k->n_policies);
		enf_resalt_recheck(e);
		enf_sched_poke(e, true);
	}
	kasp_free(k);
	return rc;
}

static ods_err
h_export(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__PolicyExportRequest *rq = (const void *)in;
	Ods__Enforcer__PolicyExportReply *r = (void *)out;
	struct enf *e = ctx;
	struct kasp *k = NULL;
	struct enfdb_policy_meta *meta = NULL;
	struct db *db = NULL;
	char *xml = NULL;
	size_t len = 0;
	ods_err rc;

	if (!rq->all && rq->policy[0] == '\0')
		return diag_fail(&c->diag, ODS_EINVAL, "policy", "name a policy or ask for all");
	rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_policy_load(db, rq->all ? NULL : rq->policy, &k, &meta, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc == ODS_OK)
		rc = kasp_write(k->policies, k->n_policies, &xml, &len, &c->diag);
	if (rc == ODS_OK && (r->xml = arena_strdup(c->arena, xml)) == NULL)
		rc = enf_rpc_oom(c);
	free(xml);
	kasp_free(k);
	free(meta);
	return rc;
}

static ods_err
h_list(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	Ods__Enforcer__PolicyListReply *r = (void *)out;
	struct enf *e = ctx;
	struct kasp *k = NULL;
	struct enfdb_policy_meta *meta = NULL;
	struct db *db = NULL;
	ods_err rc;

	(void)in;
	rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_policy_load(db, NULL, &k, &meta, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc != ODS_OK)
		return rc;
	r->policies = enf_rpc_array(c, k->n_policies, sizeof(*r->policies));
	for (size_t i = 0; r->policies && i < k->n_policies; i++) {
		Ods__Enforcer__PolicyInfo *p = arena_alloc(c->arena, sizeof(*p));
		if (p == NULL)
			break;
		ods__enforcer__policy_info__init(p);
		p->name = arena_strdup(c->arena, k->policies[i].name);
		p->description = arena_strdup(c->arena, k->policies[i].description);
		p->zones = meta[i].zones;
		if (p->name == NULL || p->description == NULL)
			break;
		r->policies[r->n_policies++] = p;
	}
	rc = r->n_policies == k->n_policies ? ODS_OK : enf_rpc_oom(c);
	kasp_free(k);
	free(meta);
	return rc;
}

static ods_err
h_purge(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	Ods__Enforcer__PolicyPurgeReply *r = (void *)out;
	struct enf *e = ctx;
	struct kasp *k = NULL;
	struct enfdb_policy_meta *meta = NULL;
	struct db *db = NULL;
	struct db_tx *tx = NULL;
	size_t cap = 0;
	ods_err rc = enf_rpc_write_begin(e, c, &db, &tx);

	(void)in;
	if (rc != ODS_OK)
		return rc;
	rc = enfdb_policy_load(db, NULL, &k, &meta, &c->diag);
	for (size_t i = 0; rc == ODS_OK && i < k->n_policies; i++) {
		if (meta[i].zones > 0)
			continue;
		rc = enfdb_policy_delete(db, k->policies[i].name, &c->diag);
		if (rc == ODS_OK)
			rc = enf_rpc_strv_add(c, &r->removed, &r->n_removed, &cap, k->policies[i].name);
	}
	kasp_free(k);
	free(meta);
	return enf_rpc_write_end(e, c, db, tx, rc);
}

struct resalt_out {
	struct rpc_call *c;
	Ods__Enforcer__PolicyResaltReply *r;
	size_t cap;
	ods_err rc;
};

static void
resalted(void *arg, const char *policy)
{
	struct resalt_out *o = arg;

	if (o->rc == ODS_OK)
		o->rc = enf_rpc_strv_add(o->c, &o->r->resalted, &o->r->n_resalted, &o->cap, policy);
}

static ods_err
h_resalt(struct rpc_call *c, void *ctx, const ProtobufCMessage *in, ProtobufCMessage *out)
{
	const Ods__Enforcer__PolicyResaltRequest *rq = (const void *)in;
	struct resalt_out o = {.c = c, .r = (void *)out};
	struct enf *e = ctx;
	struct db *db = NULL;
	ods_err rc = enf_require_leader(e, c);

	if (rc == ODS_OK)
		rc = enf_rpc_read_begin(e, c, &db);
	if (rc != ODS_OK)
		return rc;
	rc = enf_resalt(e, db, rq->policy[0] ? rq->policy : NULL, rq->all || rq->policy[0],
	                resalted, &o, &c->diag);
	enf_rpc_read_end(e, db);
	if (rc == ODS_OK)
		rc = o.rc;
	if (rc == ODS_OK && o.r->n_resalted)
		enf_sched_poke(e, false);
	return rc;
}

const struct rpc_method enf_policy_methods[] = {
    RPC_METHOD("PolicyImport", h_import), RPC_METHOD("PolicyExport", h_export),
    RPC_METHOD("PolicyList", h_list),     RPC_METHOD("PolicyPurge", h_purge),
    RPC_METHOD("PolicyResalt", h_resalt), RPC_METHOD_END,
};
