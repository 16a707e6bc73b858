/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small pool of database connections for RPC handlers, which run on many threads while a
 * struct db belongs to one thread at a time. Connections are opened lazily, up to a maximum;
 * a caller waits when all are lent out. Thread-safe.
 */
#pragma once

#include "lib/base/err.h"

struct db;
struct db_pool;

/* A pool of at most max connections to conninfo; nothing is connected yet. */
ods_err db_pool_new(struct db_pool **out, const char *conninfo, unsigned max);
/* Close every connection; all must have been returned. NULL-safe. */
void db_pool_free(struct db_pool *p);

/* Borrow a connection (waiting while all are lent). ODS_EUNAVAIL with d when a new connection
 * cannot be made. Give it back with db_pool_put. */
ods_err db_pool_get(struct db_pool *p, struct db **out, struct diag *d);
void db_pool_put(struct db_pool *p, struct db *db);
