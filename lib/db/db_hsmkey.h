/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key catalogue (table hsm_key): every key the keystore made, with its public key, so any
 * keystore replica answers GetPublicKey and ListKeys without the token, and the backup state
 * of `ods-hsmutil backup`/`ods-enforcer backup`. Rows map to struct db_hsmkey.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct db;

#define DB_HSMKEY_REPO_MAX 128
#define DB_HSMKEY_LOCATOR_MAX 65
#define DB_HSMKEY_PUBKEY_MAX 1024

/* Backup states, as ods.keystore.BackupState. */
enum db_backup {
	DB_BACKUP_NONE = 0,
	DB_BACKUP_REQUIRED = 1,
	DB_BACKUP_REQUESTED = 2,
	DB_BACKUP_DONE = 3,
};

struct db_hsmkey {
	char repository[DB_HSMKEY_REPO_MAX];
	char locator[DB_HSMKEY_LOCATOR_MAX];
	int algorithm;
	unsigned bits;
	uint8_t pubkey[DB_HSMKEY_PUBKEY_MAX];
	size_t pubkey_len;
	bool public_on_token;
	enum db_backup backup;
	int64_t created_unix;
	uint8_t *sealed; /* malloc'd, or NULL; free with db_hsmkey_clear */
	size_t sealed_len;
};

/* Free what a row owns (sealed), keeping the struct. */
void db_hsmkey_clear(struct db_hsmkey *k);

/* Insert a new key. ODS_EEXIST when the locator is taken. */
ods_err db_hsmkey_insert(struct db *db, const struct db_hsmkey *k, struct diag *d);

/* One key by locator. ODS_ENOENT when there is none. */
ods_err db_hsmkey_get(struct db *db, const char *locator, struct db_hsmkey *out,
                      struct diag *d);

/* Keys of one repository (repository NULL or "": all), oldest first, without sealed blobs.
 * *out is a malloc'd array the caller frees. */
ods_err db_hsmkey_list(struct db *db, const char *repository, struct db_hsmkey **out,
                       size_t *n, struct diag *d);

/* Number of keys in a repository. */
ods_err db_hsmkey_count(struct db *db, const char *repository, int64_t *out, struct diag *d);

/* Forget a key. ODS_ENOENT when there was none. */
ods_err db_hsmkey_delete(struct db *db, const char *locator, struct diag *d);

/* Move every key of repository in state `from` to `to`; *changed gets how many. */
ods_err db_hsmkey_backup_move(struct db *db, const char *repository, enum db_backup from,
                              enum db_backup to, int64_t *changed, struct diag *d);

/* How many keys of repository are in each backup state (counts[0..3]). */
ods_err db_hsmkey_backup_counts(struct db *db, const char *repository, int64_t counts[4],
                                struct diag *d);

/* Inside a transaction: serialise key generation in one repository (capacity checks), with a
 * transaction-scoped advisory lock. */
ods_err db_hsmkey_lock_repository(struct db *db, const char *repository, struct diag *d);
