/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers on uncompressed wire-format names and SOA rdata. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* The big-endian 32-bit value at p. */
uint32_t wire_get32(const uint8_t *p);

/* Stored RRsets keep their records, and their signatures, as a list of 2-byte big-endian
 * lengths each followed by that many bytes. The next item after *at: 1 with *item and *len set
 * and *at moved past it, 0 at the end, -1 when the list is cut short. */
int wire_lp_next(const uint8_t *list, size_t n, size_t *at, const uint8_t **item, size_t *len);
/* How many items the list has; -1 when it is cut short. */
long wire_lp_count(const uint8_t *list, size_t n);

/* Length of the name at p (within n bytes), root label included; 0 when malformed. */
size_t wire_name_len(const uint8_t *p, size_t n);
/* Equal names, ASCII case ignored. */
bool wire_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);
/* The serial of SOA rdata (after MNAME and RNAME); ODS_EINVAL when it does not parse. */
ods_err wire_soa_serial(const uint8_t *rdata, size_t n, uint32_t *serial);
/* Set the serial and MINIMUM of SOA rdata in place. */
ods_err wire_soa_set(uint8_t *rdata, size_t n, uint32_t serial, uint32_t minimum);
