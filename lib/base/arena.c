/* SPDX-License-Identifier: BSD-2-Clause */
/* Chunked bump allocator; big requests get a chunk of their own. */
#include "lib/base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 8192
#define ARENA_ALIGN alignof(max_align_t)

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk *head; /* current chunk; the first chunk is kept by reset */
	struct chunk *first;
	size_t cap;
	size_t total; /* bytes handed out */
};

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c = malloc(sizeof(*c) + size);

	if (c) {
		c->next = NULL;
		c->size = size;
		c->used = 0;
	}
	return c;
}

struct arena *
arena_new(size_t cap_bytes)
{
	struct arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->first = a->head = chunk_new(ARENA_CHUNK);
	if (a->first == NULL) {
		free(a);
		return NULL;
	}
	a->cap = cap_bytes;
	return a;
}

static void
free_chain(struct chunk *c, const struct chunk *keep)
{
	while (c) {
		struct chunk *next = c->next;
		if (c != keep)
			free(c);
		c = next;
	}
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	free_chain(a->head, NULL);
	free(a);
}

void
arena_reset(struct arena *a)
{
	free_chain(a->head, a->first);
	a->first->next = NULL;
	a->first->used = 0;
	a->head = a->first;
	a->total = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	struct chunk *c = a->head;

	if (need < n || (a->cap && a->total + need > a->cap))
		return NULL;
	if (c->size - c->used < need) {
		struct chunk *nc = chunk_new(need > ARENA_CHUNK ? need : ARENA_CHUNK);
		if (nc == NULL)
			return NULL;
		/* Chain new chunks in front; the first chunk stays at the tail for reuse. */
		nc->next = a->head;
		a->head = c = nc;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p)
		memset(p, 0, n);
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}
