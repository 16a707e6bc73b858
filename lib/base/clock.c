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
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
clock_sleep_ms(int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	if (ms > 0)
		nanosleep(&ts, NULL);
}

int64_t
clock_offset(const struct clock *c)
{
	return atomic_load(&((struct clock *)c)->offset_s);
}
