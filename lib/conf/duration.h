/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Durations as OpenDNSSEC writes them in conf.xml and kasp.xml: the ISO 8601 / xsd:duration
 * form "PnYnMnWnDTnHnMnS" (PT3600S, P1D, P2W, P1Y2M3DT4H5M6S), turned into whole seconds.
 * Like OpenDNSSEC, a month counts as 31 days and a year as 365 days, so a duration is a plain
 * number of seconds and never depends on a calendar. The canonical output form uses only days,
 * hours, minutes and seconds, so parsing what duration_format wrote gives the same number back.
 * Both functions are pure and thread-safe.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* Parse s ("P1D", "PT3600S", "P1Y2M3DT4H5M6S", "P2W") into seconds. Components must appear in
 * the order Y M W D, then T and H M S, each at most once, with at least one component, and
 * each a run of decimal digits (no sign, no fraction, no spaces). On success writes *out_s and
 * returns ODS_OK; returns ODS_EINVAL for NULL, empty, negative or malformed input and for a
 * total that does not fit in int64_t, leaving *out_s untouched. */
ods_err duration_parse(const char *s, int64_t *out_s);

/* Write the canonical form of s seconds into buf (size n, always NUL-terminated when n > 0):
 * "PT0S", "PT45S", "P1DT1H", "P365D", "P14DT2H3M4S". Returns the length of the full string
 * (like snprintf, so a result >= n means it was truncated), or -1 when s is negative or buf is
 * NULL while n > 0. 32 bytes are always enough. */
int duration_format(int64_t s, char *buf, size_t n);
