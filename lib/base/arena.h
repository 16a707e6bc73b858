/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bump arena (Unbound's regional): many small allocations, freed together. Each RPC call
 * gets one; the request is unpacked into it, the reply built in it, and the whole arena is
 * reset when the reply has been sent. A hard cap bounds what one call may allocate.
 * Not thread-safe: one arena belongs to one call at a time.
 */
#pragma once

#include <stddef.h>

struct arena;

/* New arena that refuses to grow past cap_bytes in total (0 = no cap). NULL on ENOMEM. */
struct arena *arena_new(size_t cap_bytes);
/* Free everything; NULL-safe. */
void arena_free(struct arena *a);
/* Forget all allocations but keep the first chunk for reuse. */
void arena_reset(struct arena *a);

/* n bytes aligned for any type, or NULL when the cap is reached or memory is short. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Total bytes handed out since the last reset. */
size_t arena_used(const struct arena *a);
