/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loaded keys by locator: which repository holds the key, its algorithm and the backend's
 * handle, so a SignBatch for a known key goes straight to the token. Readers share a lock;
 * entries are copied out. Thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"

struct ks_repo;
struct ks_cache;

struct ks_cached {
	struct ks_repo *repo;
	int alg;
	uintptr_t handle;
};

ods_err ks_cache_new(struct ks_cache **out);
void ks_cache_free(struct ks_cache *c);

/* Copy the entry for locator into *out; false when there is none. */
bool ks_cache_get(struct ks_cache *c, const char *locator, struct ks_cached *out);
/* Add or replace. */
ods_err ks_cache_put(struct ks_cache *c, const char *locator, const struct ks_cached *e);
void ks_cache_drop(struct ks_cache *c, const char *locator);
