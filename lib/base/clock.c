/* SPDX-License-Identifier: BSD-2-Clause */
/* Wall time plus the cluster offset. */
#include "lib/base/clock.h"

#include <stdatomic.h>
#include <time.h>

int64_t
clock_now(const struct clock *c)
{
	return (int64_t)time(NULL) + atomic_load(&((struct clock *)c)->offset_s);
}

void
clock_set_offset(struct clock *c, int64_t offset_s)
{
	atomic_store(&c->offset_s, offset_s);
}

int64_t
clock_offset(const struct clock *c)
{
	return atomic_load(&((struct clock *)c)->offset_s);
}
