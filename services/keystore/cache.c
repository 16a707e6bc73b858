/* SPDX-License-Identifier: BSD-2-Clause */
/* A chained hash table under a read-write lock. Keys are few (thousands), entries small. */
#include "services/keystore/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "services/keystore/backend.h"

#define CACHE_BUCKETS 4096

struct entry {
	struct entry *next;
	char locator[KS_LOCATOR_MAX];
	struct ks_cached v;
};

struct ks_cache {
	pthread_rwlock_t lock;
	struct entry *buckets[CACHE_BUCKETS];
};

static unsigned
bucket(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h % CACHE_BUCKETS;
}

ods_err
ks_cache_new(struct ks_cache **out)
{
	struct ks_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return ODS_ENOMEM;
	pthread_rwlock_init(&c->lock, NULL);
	*out = c;
	return ODS_OK;
}

void
ks_cache_free(struct ks_cache *c)
{
	if (c == NULL)
		return;
	for (unsigned i = 0; i < CACHE_BUCKETS; i++)
		while (c->buckets[i]) {
			struct entry *n = c->buckets[i]->next;
			free(c->buckets[i]);
			c->buckets[i] = n;
		}
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

static struct entry **
slot_of(struct ks_cache *c, const char *locator)
{
	struct entry **pp = &c->buckets[bucket(locator)];

	while (*pp && strcmp((*pp)->locator, locator) != 0)
		pp = &(*pp)->next;
	return pp;
}

bool
ks_cache_get(struct ks_cache *c, const char *locator, struct ks_cached *out)
{
	bool found = false;

	pthread_rwlock_rdlock(&c->lock);
	struct entry *e = *slot_of(c, locator);
	if (e) {
		*out = e->v;
		found = true;
	}
	pthread_rwlock_unlock(&c->lock);
	return found;
}

ods_err
ks_cache_put(struct ks_cache *c, const char *locator, const struct ks_cached *v)
{
	if (strlen(locator) >= KS_LOCATOR_MAX)
		return ODS_EINVAL;
	pthread_rwlock_wrlock(&c->lock);
	struct entry **pp = slot_of(c, locator);
	if (*pp == NULL) {
		*pp = calloc(1, sizeof(**pp));
		if (*pp == NULL) {
			pthread_rwlock_unlock(&c->lock);
			return ODS_ENOMEM;
		}
		memcpy((*pp)->locator, locator, strlen(locator) + 1);
	}
	(*pp)->v = *v;
	pthread_rwlock_unlock(&c->lock);
	return ODS_OK;
}

void
ks_cache_drop(struct ks_cache *c, const char *locator)
{
	pthread_rwlock_wrlock(&c->lock);
	struct entry **pp = slot_of(c, locator);
	struct entry *e = *pp;
	if (e) {
		*pp = e->next;
		free(e);
	}
	pthread_rwlock_unlock(&c->lock);
}
