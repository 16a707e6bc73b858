/* SPDX-License-Identifier: BSD-2-Clause */
#include "services/signer/wire.h"

#include <ctype.h>

size_t
wire_name_len(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t l = p[i];
		if (l == 0)
			return i + 1;
		if (l > 63)
			return 0;
		i += 1 + (size_t)l;
	}
	return 0;
}

bool
wire_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	if (a_len != b_len)
		return false;
	for (size_t i = 0; i < a_len; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

/* Offset of the serial in SOA rdata, or 0. */
static size_t
soa_fixed(const uint8_t *rdata, size_t n)
{
	size_t m = wire_name_len(rdata, n);
	size_t r = m ? wire_name_len(rdata + m, n - m) : 0;

	if (m == 0 || r == 0 || m + r + 20 != n)
		return 0;
	return m + r;
}

uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

ods_err
wire_soa_serial(const uint8_t *rdata, size_t n, uint32_t *serial)
{
	size_t o = soa_fixed(rdata, n);

	if (o == 0)
		return ODS_EINVAL;
	*serial = wire_get32(rdata + o);
	return ODS_OK;
}

ods_err
wire_soa_set(uint8_t *rdata, size_t n, uint32_t serial, uint32_t minimum)
{
	size_t o = soa_fixed(rdata, n);

	if (o == 0)
		return ODS_EINVAL;
	put32(rdata + o, serial);
	put32(rdata + o + 16, minimum);
	return ODS_OK;
}

int
wire_lp_next(const uint8_t *list, size_t n, size_t *at, const uint8_t **item, size_t *len)
{
	if (*at >= n)
		return 0;
	if (*at + 2 > n)
		return -1;
	size_t l = (size_t)list[*at] << 8 | list[*at + 1];
	if (*at + 2 + l > n)
		return -1;
	*item = list + *at + 2;
	*len = l;
	*at += 2 + l;
	return 1;
}

long
wire_lp_count(const uint8_t *list, size_t n)
{
	size_t at = 0, len = 0;
	const uint8_t *item = NULL;
	long k = 0;

	for (;;) {
		int r = wire_lp_next(list, n, &at, &item, &len);
		if (r != 1)
			return r == 0 ? k : -1;
		k++;
	}
}
