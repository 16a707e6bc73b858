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
