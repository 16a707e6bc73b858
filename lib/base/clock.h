/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cluster clock: wall time plus an offset kept in PostgreSQL (moved forward by
 * `ods-enforcer time leap` when the cluster runs with testing enabled). Every timeline
 * decision takes its `now` from here, never from time(). Thread-safe.
 */
#pragma once

#include <stdint.h>

struct clock {
	_Atomic int64_t offset_s; /* cluster offset, seconds added to wall time */
};

/* Seconds since the epoch on the cluster clock. */
int64_t clock_now(const struct clock *c);
void clock_set_offset(struct clock *c, int64_t offset_s);
int64_t clock_offset(const struct clock *c);

/* Process-local time for deadlines and timeouts (not the cluster clock). */
int64_t clock_mono_ms(void); /* monotonic milliseconds */
int64_t clock_mono_ns(void); /* monotonic nanoseconds (benchmarks) */
int64_t clock_wall_ms(void); /* wall-clock milliseconds since the epoch */
/* Sleep ms milliseconds; a signal may cut it short, which callers polling a flag want. */
void clock_sleep_ms(int64_t ms);
