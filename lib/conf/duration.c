/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISO 8601 durations to seconds and back. The parser walks the string once against a small
 * table of designators in the order they may appear; each designator carries its length in
 * seconds (M is 31 days in the date part and 60 seconds in the time part, Y is 365 days, as in
 * OpenDNSSEC's duration.c). Every multiplication and addition is checked against INT64_MAX.
 */
#include "lib/conf/duration.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#define DAY_S INT64_C(86400)

struct designator {
	char c;
	bool time_part; /* after the 'T' */
	int64_t unit_s;
};

/* In the only order allowed. */
static const struct designator designators[] = {
    {'Y', false, 365 * DAY_S},
    {'M', false, 31 * DAY_S},
    {'W', false, 7 * DAY_S},
    {'D', false, DAY_S},
    {'H', true, 3600},
    {'M', true, 60},
    {'S', true, 1},
};

#define N_DESIGNATORS (sizeof(designators) / sizeof(designators[0]))

/* Read a run of digits at *sp into *out; false when there is none or it overflows. */
static bool
read_number(const char **sp, int64_t *out)
{
	const char *s = *sp;
	int64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		int digit = *s - '0';

		if (v > (INT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*sp = s;
	*out = v;
	return true;
}

ods_err
duration_parse(const char *s, int64_t *out_s)
{
	int64_t total = 0;
	size_t next = 0; /* index of the first designator still allowed */
	bool in_time = false, any = false, any_time = false;

	if (s == NULL || *s != 'P')
		return ODS_EINVAL;
	s++;
	while (*s != '\0') {
		int64_t v;
		size_t i;

		if (*s == 'T') {
			if (in_time)
				return ODS_EINVAL;
			in_time = true;
			s++;
			continue;
		}
		if (!read_number(&s, &v))
			return ODS_EINVAL;
		for (i = next; i < N_DESIGNATORS; i++)
			if (designators[i].c == *s && designators[i].time_part == in_time)
				break;
		if (i == N_DESIGNATORS)
			return ODS_EINVAL; /* unknown, repeated, out of order, or wrong side of T */
		if (v > INT64_MAX / designators[i].unit_s)
			return ODS_EINVAL;
		v *= designators[i].unit_s;
		if (total > INT64_MAX - v)
			return ODS_EINVAL;
		total += v;
		next = i + 1;
		any = true;
		any_time |= in_time;
		s++;
	}
	/* "P" alone and "P1DT" are not durations. */
	if (!any || (in_time && !any_time))
		return ODS_EINVAL;
	*out_s = total;
	return ODS_OK;
}

int
duration_format(int64_t s, char *buf, size_t n)
{
	int64_t d, h, m;
	char date[24] = "", hour[24] = "", min[24] = "", sec[24] = "";

	if (s < 0 || (buf == NULL && n > 0))
		return -1;
	if (s == 0)
		return snprintf(buf, n, "PT0S");
	d = s / DAY_S;
	s %= DAY_S;
	h = s / 3600;
	s %= 3600;
	m = s / 60;
	s %= 60;
	if (d)
		snprintf(date, sizeof(date), "%" PRId64 "D", d);
	if (h)
		snprintf(hour, sizeof(hour), "%" PRId64 "H", h);
	if (m)
		snprintf(min, sizeof(min), "%" PRId64 "M", m);
	if (s)
		snprintf(sec, sizeof(sec), "%" PRId64 "S", s);
	return snprintf(buf, n, "P%s%s%s%s%s", date, (h || m || s) ? "T" : "", hour, min, sec);
}
