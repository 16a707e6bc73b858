/* SPDX-License-Identifier: BSD-2-Clause */
/* The bump arena: alignment, big allocations, the cap, reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/arena.h"

static void
test_allocations_are_aligned_and_distinct(void **state)
{
	struct arena *a = arena_new(0);
	char *p = arena_alloc(a, 1), *q = arena_alloc(a, 3);

	(void)state;
	assert_non_null(p);
	assert_non_null(q);
	assert_true(p != q);
	assert_int_equal((uintptr_t)q % _Alignof(max_align_t), 0);
	arena_free(a);
}

static void
test_large_allocation_gets_its_own_chunk(void **state)
{
	struct arena *a = arena_new(0);
	char *big = arena_alloc(a, 1u << 20);

	(void)state;
	assert_non_null(big);
	memset(big, 0xab, 1u << 20);
	assert_non_null(arena_strdup(a, "after"));
	arena_free(a);
}

static void
test_cap_is_enforced(void **state)
{
	struct arena *a = arena_new(1000);

	(void)state;
	assert_non_null(arena_alloc(a, 500));
	assert_null(arena_alloc(a, 600));
	assert_non_null(arena_alloc(a, 100));
	arena_free(a);
}

static void
test_reset_forgets_everything(void **state)
{
	struct arena *a = arena_new(1000);

	(void)state;
	assert_non_null(arena_alloc(a, 900));
	assert_null(arena_alloc(a, 200));
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
	assert_non_null(arena_alloc(a, 900));
	char *z = arena_zalloc(a, 16);
	assert_non_null(z);
	for (int i = 0; i < 16; i++)
		assert_int_equal(z[i], 0);
	arena_free(a);
	arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allocations_are_aligned_and_distinct),
		cmocka_unit_test(test_large_allocation_gets_its_own_chunk),
		cmocka_unit_test(test_cap_is_enforced),
		cmocka_unit_test(test_reset_forgets_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
