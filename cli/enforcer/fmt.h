/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What ods-enforcer and ods-ksmutil print, as pure functions of the daemon's reply messages:
 * the column layouts, state words and sentences of OpenDNSSEC 2.1's enforcer commands (and of
 * 1.4's ods-ksmutil where its output differs: `key list`, `key ds-seen`), so that operators'
 * scripts keep parsing them. Nothing here calls the daemon or reads the clock: "now" always
 * comes with the reply or from the caller. Dates are printed in local time, as upstream does.
 * Every function only borrows its arguments; none of them fails.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct Ods__Enforcer__KeyRow;
struct Ods__Enforcer__KeyListReply;
struct Ods__Enforcer__KeyDsReply;
struct Ods__Enforcer__KeyExportReply;
struct Ods__Enforcer__KeyPurgeReply;
struct Ods__Enforcer__KeyRolloverReply;
struct Ods__Enforcer__RolloverListReply;
struct Ods__Enforcer__ZoneListReply;
struct Ods__Enforcer__ZoneAddReply;
struct Ods__Enforcer__ZonelistImportReply;
struct Ods__Enforcer__PolicyListReply;
struct Ods__Enforcer__PolicyImportReply;
struct Ods__Enforcer__RepositoryListReply;
struct Ods__Enforcer__BackupReply;
struct Ods__Enforcer__QueueReply;
struct Ods__Enforcer__TimeLeapReply;

/* The layouts of `key list`. */
enum cli_keys_style {
	CLI_KEYS_DEFAULT,          /* Zone: Keytype: State: Date of next transition: */
	CLI_KEYS_VERBOSE,          /* -v: ... Size: Algorithm: CKA_ID: Repository: KeyTag: */
	CLI_KEYS_VERBOSE_PARSABLE, /* -v -p: zone;role;state;next;bits;alg;cka_id;repo;keytag */
	CLI_KEYS_DEBUG,            /* -d: DS: DNSKEY: RRSIGDNSKEY: RRSIG: Pub: Act: Id: */
	CLI_KEYS_DEBUG_PARSABLE,   /* -d -p: zone;role;ds;dnskey;rrsigdnskey;rrsig;pub;act;cka_id */
	CLI_KEYS_FULL,             /* -f: debug columns with state and keytag, no header */
	CLI_KEYS_KSM14,            /* ods-ksmutil 1.4 `key list` */
	CLI_KEYS_KSM14_VERBOSE,    /* ods-ksmutil 1.4 `key list -v` */
};

/* Which rows of a key list to print; NULL or empty fields match everything. Compared without
 * regard to case, as upstream does. */
struct cli_keys_filter {
	const char *zone;
	const char *role;   /* "KSK", "ZSK", "CSK" */
	const char *state;  /* 1.x state word */
	bool hide_generate; /* 1.4 lists keys in "generate" only with --all or --keystate */
};

/* "KSK", "ZSK", "CSK", or "?" for anything else. */
const char *cli_fmt_role(int role);

/* t as "%Y-%m-%d %H:%M:%S" in local time. */
void cli_fmt_date(char *buf, size_t n, int64_t t);

/* t as ctime(3) writes it, without the newline ("Thu Jan  1 00:00:00 1970"). */
void cli_fmt_ctime(char *buf, size_t n, int64_t t);

/* `key list`'s "Date of next transition": k->waiting ("waiting for ds-seen") if set, else "-"
 * when there is none, "now" when it is before now, else the date. */
void cli_fmt_next_transition(char *buf, size_t n, const struct Ods__Enforcer__KeyRow *k,
                             int64_t now);

/* Whether row k passes f (NULL passes everything). */
bool cli_keys_filter_match(const struct cli_keys_filter *f, const struct Ods__Enforcer__KeyRow *k);

/* `key list` in style, the rows f lets through, with r->now as now. */
/* key list --explain (ours): after the list, per key with something pending, one line per
 * record that wants to move, "zone role keytag: RECORD from->to: gate ...". */
void cli_fmt_key_explain(FILE *out, const struct Ods__Enforcer__KeyListReply *r);
void cli_fmt_key_list(FILE *out, const struct Ods__Enforcer__KeyListReply *r,
                      enum cli_keys_style style, const struct cli_keys_filter *f);

/* `key ds-*` without a key: the keys waiting for that step. */
void cli_fmt_ds_list(FILE *out, const struct Ods__Enforcer__KeyDsReply *r);

/* `key ds-*` on keys: what the submit/retract command said, then "N KSK matches found." and
 * "N KSKs changed.". */
void cli_fmt_ds_result(FILE *out, const struct Ods__Enforcer__KeyDsReply *r);

/* ods-ksmutil 1.4 `key ds-seen`: "Found key with CKA_ID ..." per key, "Key ... made active"
 * per key changed, or the 1.4 sentence when nothing matched. */
void cli_fmt_ds_seen_ksm14(FILE *out, const struct Ods__Enforcer__KeyDsReply *r);

/* `key export`: DNSKEY records, or DS records each after ";<state> <role> DS record (SHA256):"
 * (SHA1 with sha1). */
void cli_fmt_key_export(FILE *out, const struct Ods__Enforcer__KeyExportReply *r, bool ds,
                        bool sha1);

/* `key purge`: "deleting key: ..." per key, and what happened in the HSM. zone (may be NULL)
 * names the zone the purge was limited to. */
void cli_fmt_key_purge(FILE *out, const struct Ods__Enforcer__KeyPurgeReply *r, const char *zone,
                       bool delete_from_hsm);

/* `key rollover`: "rolling KSK for zone ..." per zone; policy (may be NULL) for the message
 * when it has no zones; role 0 means every role. */
void cli_fmt_key_rollover(FILE *out, const struct Ods__Enforcer__KeyRolloverReply *r, int role,
                          const char *policy);

/* `rollover list`. */
void cli_fmt_rollover_list(FILE *out, const struct Ods__Enforcer__RolloverListReply *r);

/* `zone list`, with now (cluster time) deciding "as soon as possible". */
void cli_fmt_zone_list(FILE *out, const struct Ods__Enforcer__ZoneListReply *r, int64_t now);

/* `zone add`: input, output and "Zone ... added successfully". */
void cli_fmt_zone_add(FILE *out, const struct Ods__Enforcer__ZoneAddReply *r);

/* `zonelist import`: one line per zone created, updated, unchanged or deleted. */
void cli_fmt_zonelist_import(FILE *out, const struct Ods__Enforcer__ZonelistImportReply *r);

/* `policy list`. */
void cli_fmt_policy_list(FILE *out, const struct Ods__Enforcer__PolicyListReply *r);

/* `policy import`: lines per policy to out; policies still in use and warnings to err. */
void cli_fmt_policy_import(FILE *out, FILE *err, const struct Ods__Enforcer__PolicyImportReply *r);

/* `repository list`. */
void cli_fmt_repository_list(FILE *out, const struct Ods__Enforcer__RepositoryListReply *r);

/* `backup prepare|commit|rollback` (op 1, 2, 3): the "info: ..." line. */
void cli_fmt_backup(FILE *out, int op, const struct Ods__Enforcer__BackupReply *r);

/* `backup list`: the header to err (as upstream), then locator, repository and backup state
 * of every key of r in repository (NULL: all), each key once. */
void cli_fmt_backup_list(FILE *out, FILE *err, const struct Ods__Enforcer__KeyListReply *r,
                         const char *repository);

/* `queue`. */
void cli_fmt_queue(FILE *out, const struct Ods__Enforcer__QueueReply *r);

/* `time leap`: the count, the time before, and where it leapt to (or why it did not). */
void cli_fmt_time_leap(FILE *out, const struct Ods__Enforcer__TimeLeapReply *r, bool time_given,
                       bool attach);
