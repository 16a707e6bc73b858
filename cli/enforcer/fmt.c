/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The enforcer tools' output. The column widths and sentences are OpenDNSSEC's (2.1's
 * enforcer/src/keystate/ commands, daemon/queue_cmd.c, daemon/time_leap_cmd.c; 1.4's
 * enforcer/utils/ksmutil.c), because operators' scripts and upstream's own test suite grep
 * for them: "ods;KSK;omnipresent;rumoured;rumoured;NA;1;1", "1 KSK matches found.",
 * "Next task scheduled immediately". Trailing blanks that upstream's padding leaves are kept.
 */
#include "cli/enforcer/fmt.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "ods/enforcer.pb-c.h"

#define DATE_MAX 64
#define ROLL_FMT "%-31s %-8s %-30s\n"
#define ZONE_FMT "%-31s %-13s %-26s %-34s\n"
#define POLICY_FMT "%-31s %-48s\n"
#define REPO_FMT "%-31s %-13s %-13s\n"
#define BACKUP_FMT "%-32s %-16s %-16s\n"

const char *
cli_fmt_role(int role)
{
	switch (role) {
	case ODS__ENFORCER__KEY_ROLE__KSK:
		return "KSK";
	case ODS__ENFORCER__KEY_ROLE__ZSK:
		return "ZSK";
	case ODS__ENFORCER__KEY_ROLE__CSK:
		return "CSK";
	default:
		return "?";
	}
}

/* t in local time, as ctime(3) lays it out (which is also strftime's %c in the C locale) or
 * as "%Y-%m-%d %H:%M:%S"; the number itself if it is no time. */
static void
fmt_local(char *buf, size_t n, int64_t t, bool ctime_layout)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t len = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	if (localtime_r(&tt, &tm) != NULL)
		len = ctime_layout ? strftime(buf, n, "%a %b %e %H:%M:%S %Y", &tm)
		                   : strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	if (len == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

void
cli_fmt_date(char *buf, size_t n, int64_t t)
{
	fmt_local(buf, n, t, false);
}

void
cli_fmt_ctime(char *buf, size_t n, int64_t t)
{
	fmt_local(buf, n, t, true);
}

void
cli_fmt_next_transition(char *buf, size_t n, const Ods__Enforcer__KeyRow *k, int64_t now)
{
	if (k->waiting && k->waiting[0])
		snprintf(buf, n, "%s", k->waiting);
	else if (k->next_transition <= 0)
		snprintf(buf, n, "-");
	else if (k->next_transition < now) /* upstream: next_change < time_now() */
		snprintf(buf, n, "now");
	else
		cli_fmt_date(buf, n, k->next_transition);
}

/* want as the user typed it: any case, a zone name with or without its final dot. */
static bool
field_match(const char *want, const char *have)
{
	size_t n = want ? strlen(want) : 0;

	if (n > 1 && want[n - 1] == '.')
		n--;
	if (n == 0)
		return true;
	return have && strlen(have) == n && strncasecmp(want, have, n) == 0;
}

bool
cli_keys_filter_match(const struct cli_keys_filter *f, const Ods__Enforcer__KeyRow *k)
{
	if (f == NULL)
		return true;
	if (f->hide_generate && strcasecmp(k->state, "generate") == 0)
		return false;
	return field_match(f->zone, k->zone) && field_match(f->role, cli_fmt_role(k->role)) &&
	       field_match(f->state, k->state);
}

/* A record state word; "NA" when the daemon left it out. */
static const char *
rec(const char *s)
{
	return s && s[0] ? s : "NA";
}

/* 1.4's "Date of next transition (to):" second half: the state the key goes to next. */
static const char *
ksm14_next_state(const char *state)
{
	static const char *const map[][2] = {
	    {"generate", "(publish)"}, {"publish", "(ready)"}, {"ready", "(active)"},
	    {"active", "(retire)"},    {"retire", "(dead)"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(state, map[i][0]) == 0)
			return map[i][1];
	return "";
}

static void
key_header(FILE *out, enum cli_keys_style style)
{
	switch (style) {
	case CLI_KEYS_DEFAULT:
		fprintf(out, "Keys:\n%-31s %-8s %-9s %s\n",
		        "Zone:", "Keytype:", "State:", "Date of next transition:");
		break;
	case CLI_KEYS_VERBOSE:
		fprintf(out, "Keys:\n%-31s %-8s %-9s %-24s %-5s %-10s %-32s %-11s %s\n",
		        "Zone:", "Keytype:", "State:", "Date of next transition:", "Size:",
		        "Algorithm:", "CKA_ID:", "Repository:", "KeyTag:");
		break;
	case CLI_KEYS_DEBUG:
		fprintf(out, "Keys:\nZone:                           Key role:     "
		             "DS:          DNSKEY:      RRSIGDNSKEY: RRSIG:       Pub: Act: Id:\n");
		break;
	case CLI_KEYS_KSM14:
		fprintf(out, "Keys:\nZone:                           Keytype:      State:    "
		             "Date of next transition:\n");
		break;
	case CLI_KEYS_KSM14_VERBOSE:
		fprintf(out, "Keys:\nZone:                           Keytype:      State:    "
		             "Date of next transition (to):  Size:   Algorithm:  CKA_ID:          "
		             "                 Repository:                       Keytag:\n");
		break;
	default: /* the parsable forms and -f have no header */
		break;
	}
}

static void
ksm14_row(FILE *out, const Ods__Enforcer__KeyRow *k, const char *next, bool verbose)
{
	fprintf(out, "%-31s %-13s %-9s %-20s", k->zone, cli_fmt_role(k->role), k->state, next);
	if (!verbose) {
		fprintf(out, "\n");
		return;
	}
	fprintf(out, "%-11s%-7u %-12u%-33s %-33s %u\n", ksm14_next_state(k->state), k->bits,
	        k->algorithm, k->locator, k->repository, k->keytag);
}

static void
key_row(FILE *out, const Ods__Enforcer__KeyRow *k, enum cli_keys_style style, int64_t now)
{
	const char *role = cli_fmt_role(k->role);
	char next[DATE_MAX];
	int act = k->active ? 1 : 0, pub = k->publish ? 1 : 0;

	cli_fmt_next_transition(next, sizeof(next), k, now);
	switch (style) {
	case CLI_KEYS_DEFAULT:
		fprintf(out, "%-31s %-8s %-9s %s\n", k->zone, role, k->state, next);
		break;
	case CLI_KEYS_VERBOSE:
		fprintf(out, "%-31s %-8s %-9s %-24s %-5u %-10u %-32s %-11s %u\n", k->zone, role,
		        k->state, next, k->bits, k->algorithm, k->locator, k->repository,
		        k->keytag);
		break;
	case CLI_KEYS_VERBOSE_PARSABLE:
		fprintf(out, "%s;%s;%s;%s;%u;%u;%s;%s;%u\n", k->zone, role, k->state, next, k->bits,
		        k->algorithm, k->locator, k->repository, k->keytag);
		break;
	case CLI_KEYS_DEBUG:
		fprintf(out, "%-31s %-13s %-12s %-12s %-12s %-12s %d %4d    %s\n", k->zone, role,
		        rec(k->ds), rec(k->dnskey), rec(k->rrsigdnskey), rec(k->rrsig), pub, act,
		        k->locator);
		break;
	case CLI_KEYS_DEBUG_PARSABLE:
		fprintf(out, "%s;%s;%s;%s;%s;%s;%d;%d;%s\n", k->zone, role, rec(k->ds),
		        rec(k->dnskey), rec(k->rrsigdnskey), rec(k->rrsig), pub, act, k->locator);
		break;
	case CLI_KEYS_FULL:
		fprintf(out, "%-31s %-8s %-9s %u %s %-12s %-12s %-12s %-12s %d %4d    %s\n",
		        k->zone, role, k->state, k->keytag, k->locator, rec(k->ds), rec(k->dnskey),
		        rec(k->rrsigdnskey), rec(k->rrsig), pub, act, next);
		break;
	case CLI_KEYS_KSM14:
	case CLI_KEYS_KSM14_VERBOSE:
		/* 1.4 printed each key's own next date; "(not scheduled)" when it had none. */
		if (!(k->waiting && k->waiting[0]) && k->next_transition > 0)
			cli_fmt_date(next, sizeof(next), k->next_transition);
		else if (!(k->waiting && k->waiting[0]))
			snprintf(next, sizeof(next), "(not scheduled)");
		ksm14_row(out, k, next, style == CLI_KEYS_KSM14_VERBOSE);
		break;
	}
}

void
cli_fmt_key_list(FILE *out, const Ods__Enforcer__KeyListReply *r, enum cli_keys_style style,
                 const struct cli_keys_filter *f)
{
	key_header(out, style);
	for (size_t i = 0; i < r->n_keys; i++)
		if (cli_keys_filter_match(f, r->keys[i]))
			key_row(out, r->keys[i], style, r->now);
	if (style == CLI_KEYS_KSM14 || style == CLI_KEYS_KSM14_VERBOSE)
		fprintf(out, "\n");
}

void
cli_fmt_ds_list(FILE *out, const Ods__Enforcer__KeyDsReply *r)
{
	fprintf(out, "%-31s %-13s %-13s %-40s\n", "Zone:", "Key role:", "Keytag:", "Id:");
	for (size_t i = 0; i < r->n_keys; i++) {
		const Ods__Enforcer__KeyRow *k = r->keys[i];

		fprintf(out, "%-31s %-13s %-13u %-40s\n", k->zone, cli_fmt_role(k->role), k->keytag,
		        k->locator);
	}
}

/* s, with a newline after it unless it has one. */
static void
put_line(FILE *out, const char *s)
{
	size_t len = strlen(s);

	fprintf(out, "%s%s", s, len > 0 && s[len - 1] == '\n' ? "" : "\n");
}

void
cli_fmt_ds_result(FILE *out, const Ods__Enforcer__KeyDsReply *r)
{
	for (size_t i = 0; i < r->n_messages; i++)
		put_line(out, r->messages[i]);
	fprintf(out, "%d KSK matches found.\n", (int)r->matches);
	fprintf(out, "%d KSKs changed.\n", (int)r->changed);
}

void
cli_fmt_ds_seen_ksm14(FILE *out, const Ods__Enforcer__KeyDsReply *r)
{
	if (r->matches == 0 || r->n_keys == 0) {
		fprintf(out, "No keys in the READY state matched your parameters, please check the "
		             "parameters\n");
		return;
	}
	for (size_t i = 0; i < r->n_keys; i++)
		fprintf(out, "Found key with CKA_ID %s\n", r->keys[i]->locator);
	for (size_t i = 0; r->changed > 0 && i < r->n_keys; i++)
		fprintf(out, "Key %s made active\n", r->keys[i]->locator);
}

void
cli_fmt_key_export(FILE *out, const Ods__Enforcer__KeyExportReply *r, bool ds, bool sha1)
{
	for (size_t i = 0; i < r->n_keys; i++) {
		const Ods__Enforcer__ExportedKey *k = r->keys[i];

		if (ds)
			fprintf(out, ";%s %s DS record (%s):\n", k->state, cli_fmt_role(k->role),
			        sha1 ? "SHA1" : "SHA256");
		put_line(out, k->rr);
	}
}

void
cli_fmt_key_purge(FILE *out, const Ods__Enforcer__KeyPurgeReply *r, const char *zone,
                  bool delete_from_hsm)
{
	for (size_t i = 0; i < r->n_purged; i++)
		fprintf(out, "deleting key: %s\n", r->purged[i]->locator);
	if (r->n_purged == 0 && zone)
		fprintf(out, "No keys to purge for %s \n", zone);
	else if (r->n_purged == 0)
		fprintf(out, "No keys to purge\n");
	if (!delete_from_hsm)
		fprintf(out, "Refrained from deleting keys from HSM\n");
	else if (r->n_purged > 0)
		fprintf(out, "Number of keys deleted from HSM is %zu\n", r->n_purged);
	else
		fprintf(out, "Found no keys to delete from HSM\n");
}

void
cli_fmt_key_rollover(FILE *out, const Ods__Enforcer__KeyRolloverReply *r, int role,
                     const char *policy)
{
	if (r->n_zones == 0 && policy) {
		fprintf(out, "No zones on policy %s\n", policy);
		fprintf(out, "No keys to be rolled\n");
		return;
	}
	for (size_t i = 0; i < r->n_zones; i++) {
		if (role == ODS__ENFORCER__KEY_ROLE__ROLE_ANY)
			fprintf(out, "rolling all keys for zone %s\n", r->zones[i]);
		else
			fprintf(out, "rolling %s for zone %s\n", cli_fmt_role(role), r->zones[i]);
	}
}

void
cli_fmt_rollover_list(FILE *out, const Ods__Enforcer__RolloverListReply *r)
{
	fprintf(out, "Keys:\n");
	fprintf(out, ROLL_FMT, "Zone:", "Keytype:", "Rollover expected:");
	for (size_t i = 0; i < r->n_rows; i++) {
		const Ods__Enforcer__RolloverRow *w = r->rows[i];
		char when[DATE_MAX];

		if (strncmp(w->note, "waiting for", 11) == 0)
			snprintf(when, sizeof(when), "%s", w->note);
		else if (w->next_roll <= 0)
			snprintf(when, sizeof(when), "No roll scheduled");
		else
			cli_fmt_date(when, sizeof(when), w->next_roll);
		fprintf(out, ROLL_FMT, w->zone, cli_fmt_role(w->role), when);
	}
}

void
cli_fmt_zone_list(FILE *out, const Ods__Enforcer__ZoneListReply *r, int64_t now)
{
	fprintf(out, "Database set to: %s\n", r->datastore);
	if (r->n_zones == 0) {
		fprintf(out, "No zones in database.\n");
		return;
	}
	fprintf(out, "Zones:\n");
	fprintf(out, ZONE_FMT, "Zone:", "Policy:", "Next change:", "Signer Configuration:");
	for (size_t i = 0; i < r->n_zones; i++) {
		const Ods__Enforcer__ZoneInfo *z = r->zones[i];
		char when[DATE_MAX];

		if (z->next_change <= 0)
			snprintf(when, sizeof(when), "no changes scheduled");
		else if (z->next_change < now)
			snprintf(when, sizeof(when), "as soon as possible");
		else
			cli_fmt_ctime(when, sizeof(when), z->next_change);
		fprintf(out, ZONE_FMT, z->name, z->policy[0] ? z->policy : "NOT_FOUND", when,
		        z->signconf_path);
	}
}

void
cli_fmt_zone_add(FILE *out, const Ods__Enforcer__ZoneAddReply *r)
{
	const Ods__Enforcer__ZoneInfo *z = r->zone;

	if (z == NULL)
		return;
	fprintf(out, "input is set to %s. \n", z->input ? z->input->path : "");
	fprintf(out, "output is set to %s. \n", z->output ? z->output->path : "");
	fprintf(out, "Zone %s added successfully\n", z->name);
}

void
cli_fmt_zonelist_import(FILE *out, const Ods__Enforcer__ZonelistImportReply *r)
{
	for (size_t i = 0; i < r->n_added; i++)
		fprintf(out, "Zone %s created successfully\n", r->added[i]);
	for (size_t i = 0; i < r->n_updated; i++)
		fprintf(out, "Updated zone %s successfully\n", r->updated[i]);
	for (size_t i = 0; i < r->n_unchanged; i++)
		fprintf(out, "Zone %s already up-to-date\n", r->unchanged[i]);
	for (size_t i = 0; i < r->n_removed; i++)
		fprintf(out, "Deleted zone %s successfully\n", r->removed[i]);
}

void
cli_fmt_policy_list(FILE *out, const Ods__Enforcer__PolicyListReply *r)
{
	fprintf(out, POLICY_FMT, "Policy:", "Description:");
	for (size_t i = 0; i < r->n_policies; i++)
		fprintf(out, POLICY_FMT, r->policies[i]->name, r->policies[i]->description);
}

void
cli_fmt_policy_import(FILE *out, FILE *err, const Ods__Enforcer__PolicyImportReply *r)
{
	for (size_t i = 0; i < r->n_warnings; i++)
		fprintf(err, "Warning: %s\n", r->warnings[i]);
	for (size_t i = 0; i < r->n_created; i++)
		fprintf(out, "Created policy %s successfully\n", r->created[i]);
	for (size_t i = 0; i < r->n_updated; i++)
		fprintf(out, "Updated policy %s successfully\n", r->updated[i]);
	for (size_t i = 0; i < r->n_unchanged; i++)
		fprintf(out, "Policy %s already up-to-date\n", r->unchanged[i]);
	for (size_t i = 0; i < r->n_removed; i++)
		fprintf(out, "Deleted policy %s successfully\n", r->removed[i]);
	for (size_t i = 0; i < r->n_not_removed; i++)
		fprintf(err,
		        "Unable to delete policy %s, there are still zones using this policy!\n",
		        r->not_removed[i]);
}

void
cli_fmt_repository_list(FILE *out, const Ods__Enforcer__RepositoryListReply *r)
{
	fprintf(out, "Repositories:\n");
	fprintf(out, REPO_FMT, "Name:", "Capacity:", "RequireBackup:");
	for (size_t i = 0; i < r->n_repositories; i++) {
		const Ods__Enforcer__Repository *p = r->repositories[i];
		char cap[32];

		if (p->capacity > 0)
			snprintf(cap, sizeof(cap), "%lld", (long long)p->capacity);
		else
			snprintf(cap, sizeof(cap), "-");
		fprintf(out, REPO_FMT, p->name, cap, p->require_backup ? "Yes" : "No");
	}
}

void
cli_fmt_backup(FILE *out, int op, const Ods__Enforcer__BackupReply *r)
{
	long long n = (long long)r->changed;

	switch (op) {
	case ODS__ENFORCER__BACKUP_REQUEST__OP__PREPARE:
		fprintf(out, "info: keys flagged for backup: %lld\n", n);
		break;
	case ODS__ENFORCER__BACKUP_REQUEST__OP__COMMIT:
		fprintf(out, "info: keys marked backup done: %lld\n", n);
		break;
	case ODS__ENFORCER__BACKUP_REQUEST__OP__ROLLBACK:
		fprintf(out, "info: keys unflagged for backup: %lld\n", n);
		break;
	default:
		break;
	}
}

/* Upstream's hsm_key backup words for KeyRow.backup (none, required, requested, done). */
static const char *
backup_word(const char *b)
{
	static const char *const map[][2] = {
	    {"none", "Not Required"},
	    {"required", "Required"},
	    {"requested", "Prepared"},
	    {"done", "Done"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(b, map[i][0]) == 0)
			return map[i][1];
	return b[0] ? b : "Not Required";
}

static bool
seen_before(const Ods__Enforcer__KeyListReply *r, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(r->keys[j]->locator, r->keys[i]->locator) == 0)
			return true;
	return false;
}

void
cli_fmt_backup_list(FILE *out, FILE *err, const Ods__Enforcer__KeyListReply *r,
                    const char *repository)
{
	fprintf(err, BACKUP_FMT, "Locator:", "Repository:", "Backup state:");
	for (size_t i = 0; i < r->n_keys; i++) {
		const Ods__Enforcer__KeyRow *k = r->keys[i];

		if (repository && strcmp(repository, k->repository) != 0)
			continue;
		if (seen_before(r, i))
			continue;
		fprintf(out, BACKUP_FMT, k->locator, k->repository, backup_word(k->backup));
	}
}

void
cli_fmt_queue(FILE *out, const Ods__Enforcer__QueueReply *r)
{
	char buf[DATE_MAX];
	size_t n = r->n_tasks;

	if (r->idle)
		fprintf(out, "All worker threads idle.\n");
	fprintf(out, "There %s %zu %s scheduled.\n", n == 1 ? "is" : "are", n,
	        n == 1 ? "task" : "tasks");
	cli_fmt_ctime(buf, sizeof(buf), r->now);
	fprintf(out, "It is now %s (%lld seconds since epoch)\n", buf, (long long)r->now);
	if (n > 0 && r->tasks[0]->at > r->now) {
		cli_fmt_ctime(buf, sizeof(buf), r->tasks[0]->at);
		fprintf(out, "Next task scheduled %s (%lld seconds since epoch)\n", buf,
		        (long long)r->tasks[0]->at);
	} else if (n > 0) {
		fprintf(out, "Next task scheduled immediately\n");
	}
	for (size_t i = 0; i < n; i++) {
		const Ods__Enforcer__Task *t = r->tasks[i];

		/* A task that is due shows as due now, as upstream's schedule_describetask does. */
		cli_fmt_ctime(buf, sizeof(buf), t->at < r->now ? r->now : t->at);
		fprintf(out, "On %s I will %s zone %s\n", buf, t->what, t->zone);
	}
}

void
cli_fmt_time_leap(FILE *out, const Ods__Enforcer__TimeLeapReply *r, bool time_given, bool attach)
{
	char buf[DATE_MAX];

	cli_fmt_ctime(buf, sizeof(buf), r->before);
	fprintf(out,
	        "There are %d tasks scheduled.\nIt is now       %s (%lld seconds since epoch)\n",
	        (int)r->tasks, buf, (long long)r->before);
	if (!time_given && r->tasks == 0 && r->after == r->before) {
		fprintf(out, "No tasks in queue. Not able to leap.\n");
		return;
	}
	cli_fmt_ctime(buf, sizeof(buf), r->after);
	fprintf(out, "Leaping to time %s (%lld seconds since epoch)\n", buf, (long long)r->after);
	if (!attach)
		fprintf(out, "Waking up workers\n");
}

void
cli_fmt_key_explain(FILE *out, const Ods__Enforcer__KeyListReply *r)
{
	bool any = false;

	for (size_t i = 0; i < r->n_keys; i++) {
		const Ods__Enforcer__KeyRow *k = r->keys[i];

		for (size_t j = 0; j < k->n_blocked; j++) {
			if (!any)
				fprintf(out, "Pending:\n");
			any = true;
			fprintf(out, "%s %s %u: %s\n", k->zone, cli_fmt_role(k->role), k->keytag,
			        k->blocked[j]);
		}
	}
	if (!any)
		fprintf(out, "Nothing pending.\n");
}
