/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One zone's enforce run (§4.3): in one fenced transaction, load the zone, its policy and its
 * key view; apply the policy (new keys from the pool, outroduce what no longer matches);
 * run the key-state engine; purge dead keys; store everything, a new signconf version when
 * something visible changed, and the zone's next run. After the commit, and only then: run
 * the DS submit/retract commands (their success is stored in a second fenced transaction)
 * and write the signconf file. A failure rolls the whole run back and retries the zone later.
 */
#include "services/enforcer/enforcer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/log.h"
#include "lib/conf/conf.h"
#include "lib/conf/kasp.h"
#include "lib/db/db.h"
#include "lib/dns/dnskey.h"
#include "lib/svc/svc.h"
#include "services/enforcer/policymap.h"
#include "services/enforcer/store/store.h"

#define MAX_POLICY_KEYS 32
#define MAX_DS_ACTIONS 16

/* A DS submit or retract to run after the commit. */
struct ds_action {
	int64_t key_id;
	bool submit;
	char locator[66];
	char rr[2048];
};

struct tlog {
	uint16_t keytag;
	unsigned role;
};

struct run {
	struct enf *e;
	struct db *db;
	int64_t now;
	struct enfdb_zone zone;
	struct kasp *kasp;
	struct enfdb_policy_meta meta;
	const struct kasp_policy *pol;
	struct enf_timing timing;
	struct enf_policy_key pk[MAX_POLICY_KEYS];
	size_t n_pk;
	struct enfdb_view view;
	struct enf_result result;
	bool have_result;
	int64_t next; /* earliest next run, 0 none */
	int64_t next_roll[3];
	int64_t notified_roll; /* the KSK/CSK roll RolloverNotification was logged for */
	bool keygen_needed;
	int64_t temp_id; /* next temporary id for new keys (negative) */
	struct tlog *tlog; /* per transition: the key's tag and role, taken before new keys get
	                    * their database ids */
	struct ds_action ds[MAX_DS_ACTIONS];
	size_t n_ds;
	char purged[MAX_POLICY_KEYS][66]; /* locators no zone uses any more: delete from HSM */
	size_t n_purged;
	bool signconf_written;
};

static void
run_deinit(struct run *r)
{
	enfdb_zone_clear(&r->zone);
	kasp_free(r->kasp);
	enfdb_view_deinit(&r->view);
	if (r->have_result)
		enf_result_deinit(&r->result);
	free(r->tlog);
}

static void
want_next(struct run *r, int64_t at)
{
	if (at > 0 && (r->next == 0 || at < r->next))
		r->next = at;
}

/* Index of a role in the zone's next_roll (KSK, ZSK, CSK: the kasp.xml role order). */
static int
role_slot(unsigned role)
{
	return enf_kasp_role_of(role);
}

/* Take a key from the pool for entry pk and introduce it. */
static ods_err
new_key(struct run *r, const struct enf_policy_key *pk)
{
	struct enfdb_pool_key pool;
	struct diag d2 = {0};
	char rr[2048];
	uint16_t tag = 0;
	ods_err rc = enfdb_pool_take(r->db, r->meta.id, r->zone.id, pk, r->pol->keys.share_keys,
	                             &pool, &d2);

	if (rc == ODS_ENOENT) {
		log_warning("enforce", "no_keys",
		            "No keys available in HSM for policy %s, retry in %d seconds (zone %s: "
		            "%s)",
		            r->pol->name, ENF_RETRY_S, r->zone.name, d2.msg);
		r->keygen_needed = true;
		want_next(r, r->now + ENF_RETRY_S);
		return ODS_OK;
	}
	if (rc != ODS_OK)
		return rc;
	rc = enf_dnskey_rr(r->zone.name, r->timing.ttl_dnskey_s, pk->role, pk->algorithm,
	                   pool.pubkey, pool.pubkey_len, rr, sizeof(rr), &tag, &d2);
	if (rc != ODS_OK)
		return rc;

	struct enf_key material;
	enf_key_init(&material, (struct enf_key_id){--r->temp_id}, pk->role, pk->algorithm, 0,
	             r->now);
	material.keytag = tag;
	material.backup = (enum enf_backup)pool.backup;
	rc = enf_policy_introduce(&r->view.zone, pk, &material, r->now);
	if (rc != ODS_OK)
		return rc;
	struct enfdb_key_extra x = {.id = material.id, .hsm_key_id = pool.hsm_key_id,
	                            .pubkey_len = pool.pubkey_len, .is_new = true};
	snprintf(x.locator, sizeof(x.locator), "%s", pool.locator);
	memcpy(x.pubkey, pool.pubkey, pool.pubkey_len);
	if (enfdb_view_put_extra(&r->view, &x) != ODS_OK)
		return ODS_ENOMEM;
	r->view.signconf_needs_writing = true;
	log_info("enforce", "new_key", "zone=%s role=%s algorithm=%d keytag=%u locator=%s",
	         r->zone.name, enf_role_name(pk->role), pk->algorithm, tag, pool.locator);
	return ODS_OK;
}

/* RolloverNotification: once per coming KSK or CSK roll, that long before it, a log line. */
static void
notify_roll(struct run *r)
{
	int64_t ahead = svc_conf(r->e->svc)->enforcer.rollover_notification_s;
	int64_t at = 0;

	r->notified_roll = r->zone.notified_roll;
	for (int slot = 0; slot < 3; slot += 2) /* KSK, CSK */
		if (r->next_roll[slot] > 0 && (at == 0 || r->next_roll[slot] < at))
			at = r->next_roll[slot];
	if (ahead <= 0 || at == 0 || at == r->notified_roll)
		return;
	if (r->now < at - ahead) {
		want_next(r, at - ahead);
		return;
	}
	log_info("enforce", "rollover_notification",
	         "zone=%s: a key signing the DNSKEY set rolls over in %" PRId64 " seconds; the "
	         "parent will be asked for a new DS",
	         r->zone.name, at > r->now ? at - r->now : 0);
	r->notified_roll = at;
}

static ods_err
apply_policy(struct run *r, struct diag *d)
{
	struct enf_plan_entry entries[MAX_POLICY_KEYS];
	struct enf_plan plan;
	ods_err rc = enf_policy_plan(&r->view.zone, r->pk, r->n_pk, &r->timing, r->now, entries,
	                             &plan);

	if (rc != ODS_OK)
		return diag_fail(d, rc, "policy", "policy %s: cannot plan keys", r->pol->name);
	if (plan.n_outroduced)
		r->view.signconf_needs_writing = true;
	for (size_t i = 0; i < r->n_pk; i++) {
		int slot = role_slot(r->pk[i].role);

		if (entries[i].verdict == ENF_PLAN_REFUSED)
			log_error("enforce", "roll_refused", "zone=%s %s", r->zone.name, entries[i].why);
		if (entries[i].verdict == ENF_PLAN_NEW_KEY) {
			rc = new_key(r, &r->pk[i]);
			if (rc != ODS_OK)
				return diag_fail(d, rc, "key_pool", "zone %s: cannot take a key",
				                 r->zone.name);
		}
		if (entries[i].next_roll > 0 &&
		    (r->next_roll[slot] == 0 || entries[i].next_roll < r->next_roll[slot]))
			r->next_roll[slot] = entries[i].next_roll;
		want_next(r, entries[i].next_roll);
	}
	notify_roll(r);
	return ODS_OK;
}

/* When a dead key may be purged: Purge after the last change of its records. */
static int64_t
purge_time(const struct enf_key *k, int64_t purge_s)
{
	int64_t last = 0;

	for (int i = 0; i < ENF_REC_COUNT; i++)
		if (k->rec[i].last_change > last)
			last = k->rec[i].last_change;
	return last + purge_s;
}

/* Keys/Purge: dead keys older than Purge leave the zone (and the pool). */
static ods_err
purge(struct run *r, int64_t *removed, int64_t *hsm_ids, char (*locators)[66],
      size_t *n_removed, struct diag *d)
{
	if (!r->pol->keys.has_purge)
		return ODS_OK;
	for (size_t i = 0; i < r->view.zone.n_keys;) {
		struct enf_key *k = &r->view.zone.keys[i];
		struct enfdb_key_extra *x = enfdb_view_extra(&r->view, k->id);

		if (!enf_key_purgeable(k, r->pol->keys.purge_s, r->now) || x == NULL ||
		    *n_removed >= MAX_POLICY_KEYS) {
			/* Not yet: run the zone again when it may go (upstream's purge time). */
			if (enf_key_is_dead(k) && purge_time(k, r->pol->keys.purge_s) > r->now)
				want_next(r, purge_time(k, r->pol->keys.purge_s));
			i++;
			continue;
		}
		log_info("enforce", "purge", "zone=%s role=%s keytag=%u locator=%s", r->zone.name,
		         enf_role_name(k->role), k->keytag, x->locator);
		hsm_ids[*n_removed] = x->hsm_key_id;
		snprintf(locators[*n_removed], 66, "%s", x->locator);
		removed[(*n_removed)++] = k->id.v;
		ods_err rc = enf_zone_remove_key(&r->view.zone, k->id);
		if (rc != ODS_OK)
			return diag_fail(d, rc, "purge", "cannot remove a key");
		r->view.signconf_needs_writing = true;
	}
	return ODS_OK;
}

/* Log the parent's requests and collect the commands to run. */
static void
ds_requests(struct run *r)
{
	const struct ods_conf *conf = svc_conf(r->e->svc);

	for (size_t i = 0; i < r->result.n_ds; i++) {
		const struct enf_ds_request *q = &r->result.ds[i];
		bool submit = q->state == ENF_DS_SUBMIT;
		const char *cmd = submit ? conf->enforcer.ds_submit_cmd : conf->enforcer.ds_retract_cmd;

		if (q->new_this_run)
			log_info("enforce", submit ? "ds_submit" : "ds_retract",
			         "please %s DS with keytag %u for zone %s", submit ? "submit" : "retract",
			         q->keytag, r->zone.name);
		if (cmd == NULL || cmd[0] == '\0') {
			if (q->new_this_run)
				log_info("enforce", "ds_no_command",
				         "No DelegationSigner%sCommand configured: run `ods-enforcer key "
				         "ds-%s --zone %s --keytag %u` when done",
				         submit ? "Submit" : "Retract", submit ? "submit" : "retract",
				         r->zone.name, q->keytag);
			continue;
		}
		struct enf_key *k = enf_zone_key(&r->view.zone, q->key);
		struct enfdb_key_extra *x = enfdb_view_extra(&r->view, q->key);
		if (k == NULL || x == NULL)
			continue;
		if (r->n_ds >= MAX_DS_ACTIONS) { /* the rest on the next run */
			want_next(r, r->now + ENF_RETRY_S);
			continue;
		}
		struct ds_action *a = &r->ds[r->n_ds];
		struct diag d2 = {0};
		uint16_t tag;
		if (enf_dnskey_rr(r->zone.name, r->timing.ttl_dnskey_s, k->role, k->algorithm,
		                  x->pubkey, x->pubkey_len, a->rr, sizeof(a->rr), &tag, &d2) != ODS_OK) {
			log_error("enforce", "ds_command_skipped",
			          "zone=%s keytag=%u: cannot make its DNSKEY record for the %s command "
			          "(%s); retry in %d seconds",
			          r->zone.name, q->keytag, submit ? "submit" : "retract", d2.msg,
			          ENF_RETRY_S);
			want_next(r, r->now + ENF_RETRY_S);
			continue;
		}
		a->key_id = k->id.v;
		a->submit = submit;
		snprintf(a->locator, sizeof(a->locator), "%s", x->locator);
		r->n_ds++;
	}
}

static ods_err
store_zone_schedule(struct run *r, struct diag *d)
{
	char b[6][24];
	const int64_t v[6] = {r->zone.id, r->next, r->next_roll[0], r->next_roll[1],
	                      r->next_roll[2], r->notified_roll};

	for (int i = 0; i < 6; i++)
		snprintf(b[i], sizeof(b[i]), "%" PRId64, v[i]);
	const char *p[] = {b[0], r->next ? b[1] : NULL, r->next_roll[0] ? b[2] : NULL,
	                   r->next_roll[1] ? b[3] : NULL, r->next_roll[2] ? b[4] : NULL, b[5]};
	return db_query(r->db, "enf_zone_next_set",
	                "UPDATE zone SET next_change = $2, next_ksk_roll = $3, next_zsk_roll = $4, "
	                "next_csk_roll = $5, notified_roll = $6 WHERE id = $1",
	                6, p, NULL, d);
}

static ods_err
write_signconf(struct run *r, struct diag *d)
{
	char *xml = NULL;
	int64_t version = 0;
	ods_err rc = enf_signconf_xml(&r->zone, r->pol, &r->meta, &r->view, &xml, d);

	if (rc == ODS_OK)
		rc = enfdb_signconf_put(r->db, r->zone.id, xml, "enforce", &version, d);
	free(xml);
	if (rc == ODS_OK) {
		r->signconf_written = true;
		log_info("enforce", "signconf", "zone=%s version=%" PRId64, r->zone.name, version);
	}
	return rc;
}

static ods_err
load(struct run *r, int64_t zone_id, struct diag *d)
{
	ods_err rc = enfdb_zone_get_id(r->db, zone_id, true, &r->zone, d);

	if (rc != ODS_OK)
		return rc;
	rc = enfdb_policy_load_id(r->db, r->zone.policy_id, &r->kasp, &r->meta, d);
	if (rc != ODS_OK)
		return rc;
	r->pol = &r->kasp->policies[0];
	enf_policymap_timing(r->pol, &r->timing);
	rc = enf_policymap_keys(r->pol, r->pk, MAX_POLICY_KEYS, &r->n_pk, d);
	if (rc != ODS_OK)
		return rc;
	return enfdb_view_load(r->db, zone_id, &r->view, d);
}

/* Everything inside the fenced transaction. */
static ods_err
run_in_tx(struct run *r, int64_t zone_id, struct diag *d)
{
	int64_t removed[MAX_POLICY_KEYS], hsm_ids[MAX_POLICY_KEYS];
	char locators[MAX_POLICY_KEYS][66];
	size_t n_removed = 0;
	ods_err rc = load(r, zone_id, d);

	if (rc != ODS_OK || r->zone.suspended)
		return rc;
	rc = apply_policy(r, d);
	if (rc == ODS_OK) {
		rc = enf_keystate_update(&r->view.zone, &r->timing, r->now, &r->result);
		if (rc != ODS_OK)
			return diag_fail(d, rc, "keystate", "zone %s: the key-state engine failed",
			                 r->zone.name);
		r->have_result = true;
		want_next(r, r->result.next_wakeup);
		r->tlog = calloc(r->result.n_transitions + 1, sizeof(*r->tlog));
		if (r->tlog == NULL)
			return diag_fail(d, ODS_ENOMEM, "enforce", "out of memory");
		for (size_t i = 0; i < r->result.n_transitions; i++) {
			const struct enf_key *k = enf_zone_key(&r->view.zone, r->result.transitions[i].key);
			if (k)
				r->tlog[i] = (struct tlog){k->keytag, k->role};
		}
	}
	if (rc == ODS_OK)
		rc = purge(r, removed, hsm_ids, locators, &n_removed, d);
	if (rc == ODS_OK)
		rc = enfdb_view_store(r->db, r->zone.id, &r->view, removed, n_removed, d);
	for (size_t i = 0; rc == ODS_OK && i < n_removed; i++) {
		bool released = false;
		rc = enfdb_pool_release(r->db, hsm_ids[i], &released, d);
		if (rc == ODS_OK && released)
			memcpy(r->purged[r->n_purged++], locators[i], sizeof(r->purged[0]));
	}
	if (rc != ODS_OK)
		return rc;
	ds_requests(r);
	if (r->result.signconf_needs_writing || r->view.signconf_needs_writing ||
	    r->zone.signconf_needs_writing || r->zone.signconf_version == 0)
		rc = write_signconf(r, d);
	if (rc == ODS_OK)
		rc = store_zone_schedule(r, d);
	return rc;
}

static void
log_transitions(const struct run *r)
{
	for (size_t i = 0; i < r->result.n_transitions; i++) {
		const struct enf_transition *t = &r->result.transitions[i];

		log_info("enforce", "transition", "zone=%s keytag=%u role=%s record=%s %s->%s",
		         r->zone.name, r->tlog[i].keytag, enf_role_name(r->tlog[i].role),
		         enf_record_name(t->record), enf_state_name(t->from), enf_state_name(t->to));
	}
	for (size_t i = 0; i < r->result.n_blocked; i++) {
		const struct enf_blocked *b = &r->result.blocked[i];

		log_debug("enforce", "blocked", "zone=%s key=%" PRId64 " record=%s gate=%s %s",
		          r->zone.name, b->key.v, enf_record_name(b->record), enf_gate_name(b->gate),
		          b->why);
	}
}

/* Mark the DS of key_id submitted or retracted after its command succeeded. */
static ods_err
ds_done(struct enf *e, struct db *db, int64_t zone_id, const struct ds_action *a,
        const char *error, struct diag *d)
{
	struct db_tx *tx = NULL;
	struct enfdb_view v;
	ods_err rc = enf_tx_begin(e, db, &tx, d);

	if (rc != ODS_OK)
		return rc;
	rc = enfdb_view_load(db, zone_id, &v, d);
	if (rc != ODS_OK) {
		db_tx_rollback(tx);
		return rc;
	}
	struct enf_key *k = enf_zone_key(&v.zone, (struct enf_key_id){a->key_id});
	int64_t now = enf_now(e);
	if (k && error == NULL) {
		rc = a->submit ? enf_ds_submitted(k, now, d) : enf_ds_retracted(k, now, d);
		if (rc == ODS_ESTATE)
			rc = ODS_OK; /* the operator was quicker */
		if (rc == ODS_OK)
			rc = enfdb_view_store(db, zone_id, &v, NULL, 0, d);
	}
	char kid[24];
	snprintf(kid, sizeof(kid), "%" PRId64, a->key_id);
	if (rc == ODS_OK)
		rc = db_query(db, "enf_ds_err", "UPDATE key SET ds_cmd_error = $2 WHERE id = $1", 2,
		              (const char *[]){kid, error ? error : ""}, NULL, d);
	if (rc == ODS_OK && error == NULL)
		rc = enfdb_zone_schedule(db, zone_id, 0, now, false, NULL, d);
	enfdb_view_deinit(&v);
	if (rc == ODS_OK)
		return db_tx_commit(&tx, d);
	db_tx_rollback(tx);
	return rc;
}

static void
run_ds_commands(struct run *r)
{
	const struct ods_conf *conf = svc_conf(r->e->svc);

	for (size_t i = 0; i < r->n_ds; i++) {
		const struct ds_action *a = &r->ds[i];
		const char *cmd = a->submit ? conf->enforcer.ds_submit_cmd
		                            : conf->enforcer.ds_retract_cmd;
		struct diag d = {0}, d2 = {0};
		ods_err rc = enf_ds_command(cmd, a->rr, a->locator, &d);

		if (rc == ODS_OK)
			log_info("enforce", a->submit ? "ds_submitted" : "ds_retracted",
			         "zone=%s locator=%s command ran", r->zone.name, a->locator);
		else
			log_error("enforce", "ds_command_failed",
			          "zone=%s locator=%s %s command failed, retry in %d seconds: %s",
			          r->zone.name, a->locator, a->submit ? "submit" : "retract", ENF_RETRY_S,
			          d.msg);
		if (ds_done(r->e, r->db, r->zone.id, a, rc == ODS_OK ? NULL : d.msg, &d2) != ODS_OK)
			log_error("enforce", "ds_store_failed", "zone=%s %s", r->zone.name, d2.msg);
		/* Retry: the zone runs again soon and collects the request again. */
		if (rc != ODS_OK)
			(void)enf_zone_retry(r->e, r->db, r->zone.id, enf_now(r->e) + ENF_RETRY_S, false,
			                     &d2);
	}
}

/* The signconf file at the zone's SignerConfiguration path, for existing tooling. A file
 * that cannot be written is written again by a run ENF_RETRY_S later, which makes a new
 * signconf version (the one in the database is already the signer's). */
static void
signconf_file(struct run *r)
{
	struct diag d = {0};
	struct db_tx *tx = NULL;

	if (enf_signconf_write_file(r->db, r->zone.id, &d) == ODS_OK)
		return;
	log_error("enforce", "signconf_file", "zone=%s %s: %s; retry in %d seconds", r->zone.name,
	          d.where, d.msg, ENF_RETRY_S);
	if (enf_tx_begin(r->e, r->db, &tx, &d) != ODS_OK)
		return;
	if (enfdb_zone_schedule(r->db, r->zone.id, 0, enf_now(r->e) + ENF_RETRY_S, true, NULL, &d) ==
	    ODS_OK)
		(void)db_tx_commit(&tx, &d);
	else
		db_tx_rollback(tx);
}

ods_err
enf_enforce_zone(struct enf *e, struct db *db, int64_t zone_id, int64_t now, struct diag *d)
{
	struct run r = {.e = e, .db = db, .now = now};
	struct db_tx *tx = NULL;
	ods_err rc = enf_tx_begin(e, db, &tx, d);

	if (rc != ODS_OK)
		return rc;
	rc = run_in_tx(&r, zone_id, d);
	if (rc == ODS_OK)
		rc = db_tx_commit(&tx, d);
	else
		db_tx_rollback(tx);
	if (rc != ODS_OK) {
		log_error("enforce", "failed", "zone=%s %s: %s", r.zone.name ? r.zone.name : "?",
		          d->where, d->msg);
		run_deinit(&r);
		return rc;
	}
	if (!r.zone.suspended && r.have_result) {
		log_transitions(&r);
		if (r.signconf_written)
			signconf_file(&r);
		run_ds_commands(&r);
		for (size_t i = 0; i < r.n_purged; i++)
			enf_hsm_delete(e, r.purged[i]);
		if (r.keygen_needed)
			enf_sched_poke(e, true);
	}
	run_deinit(&r);
	return ODS_OK;
}
