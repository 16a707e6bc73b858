/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The outbound SOA serial (OpenDNSSEC's SOA/Serial modes), in RFC 1982 serial arithmetic.
 * Pure.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"

enum zserial_mode { ZSERIAL_COUNTER, ZSERIAL_DATECOUNTER, ZSERIAL_UNIXTIME, ZSERIAL_KEEP };

/* a > b in serial number arithmetic (RFC 1982 §3.2). */
bool zserial_gt(uint32_t a, uint32_t b);

/* The serial to publish. inbound: the input's; prev: the last published (has_prev false
 * before the first); now: seconds since the epoch; forced: `sign --serial N`, used when it
 * is an increase (else prev + 1, and *forced_ignored is set). counter: inbound + 1, or
 * prev + 1 if that is no increase; datecounter: YYYYMMDD00 of now (UTC), or prev + 1;
 * unixtime: now, or prev + 1; keep: inbound, ODS_ESTATE (d says why) when it is no increase
 * over prev. */
ods_err zserial_next(enum zserial_mode mode, uint32_t inbound, bool has_prev, uint32_t prev,
                     int64_t now, bool has_forced, uint32_t forced, uint32_t *out,
                     bool *forced_ignored, struct diag *d);
