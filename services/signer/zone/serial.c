/* SPDX-License-Identifier: BSD-2-Clause */
#include "services/signer/zone/serial.h"

#include <time.h>

bool
zserial_gt(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(a - b) > 0;
}

ods_err
zserial_next(enum zserial_mode mode, uint32_t inbound, bool has_prev, uint32_t prev,
             int64_t now, bool has_forced, uint32_t forced, uint32_t *out, bool *forced_ignored,
             struct diag *d)
{
	uint32_t want;

	*forced_ignored = false;
	if (has_forced) {
		if (!has_prev || zserial_gt(forced, prev)) {
			*out = forced;
			return ODS_OK;
		}
		*forced_ignored = true;
		*out = prev + 1;
		return ODS_OK;
	}
	switch (mode) {
	case ZSERIAL_KEEP:
		if (has_prev && !zserial_gt(inbound, prev))
			return diag_fail(d, ODS_ESTATE, "serial",
			                 "input serial %u is not greater than the published %u (SOA "
			                 "Serial keep): not published",
			                 inbound, prev);
		*out = inbound;
		return ODS_OK;
	case ZSERIAL_UNIXTIME:
		want = (uint32_t)now;
		break;
	case ZSERIAL_DATECOUNTER: {
		time_t t = (time_t)now;
		struct tm tm;
		gmtime_r(&t, &tm);
		want = (uint32_t)((tm.tm_year + 1900) * 1000000 + (tm.tm_mon + 1) * 10000 +
		                  tm.tm_mday * 100);
		break;
	}
	case ZSERIAL_COUNTER:
	default:
		want = inbound + 1;
		break;
	}
	*out = !has_prev || zserial_gt(want, prev) ? want : prev + 1;
	return ODS_OK;
}
