/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Resource records as the signer's parts hand them to each other: uncompressed wire form,
 * borrowed pointers. Names keep the case they were read with; canonical (lower-case) forms
 * are made where DNSSEC needs them (sort keys, signing input, NSEC3 hashes).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ZRR_CLASS_IN 1

/* DNS types the signer treats specially (RFC 1035, 4034, 5155, 6672). */
enum {
	ZT_NS = 2,
	ZT_CNAME = 5,
	ZT_SOA = 6,
	ZT_DNAME = 39,
	ZT_DS = 43,
	ZT_RRSIG = 46,
	ZT_NSEC = 47,
	ZT_DNSKEY = 48,
	ZT_NSEC3 = 50,
	ZT_NSEC3PARAM = 51,
};

/* One record. */
struct zrr {
	const uint8_t *owner; /* wire form, absolute, case as read */
	size_t owner_len;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
};

/* One rdata of an RRset. */
struct zrdata {
	const uint8_t *data;
	uint16_t len;
};
