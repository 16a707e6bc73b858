/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Canonical owner-name sort keys (RFC 4034 §6.1), see sortkey.h for the encoding. The wire
 * name is validated and its label offsets collected in one pass, then the labels are emitted
 * from the root down. Only ASCII letters are folded: RFC 4034 §6.2 defines lower case for
 * US-ASCII only, so bytes >= 0x80 keep their value.
 */
#include "lib/dns/sortkey.h"

#include "lib/dns/name.h"

#include <string.h>


#define LABEL_MAX 63
/* A 255-byte name holds at most 127 one-byte labels besides the root. */
#define LABELS_MAX 128

#define ESC 0x01
#define TERM 0x00

static uint8_t
fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Validate wire[0..wire_len) as one uncompressed name, record where each label starts and
 * compute the key's length. */
static ods_err
scan_wire(const uint8_t *wire, size_t wire_len, size_t offs[LABELS_MAX], size_t *n_labels,
          size_t *key_len)
{
	size_t pos = 0;
	size_t n = 0;
	size_t k = 0;

	for (;;) {
		if (pos >= wire_len || pos >= DNS_NAME_WIRE_MAX)
			return ODS_EINVAL;              /* no root label, or longer than 255 */
		uint8_t len = wire[pos];
		if (len == 0)
			break;
		if (len > LABEL_MAX)
			return ODS_EINVAL;      /* pointer (0xC0), extended or reserved type */
		if (n == LABELS_MAX)
			return ODS_EINVAL;
		if (pos + 1 + len >= wire_len)
			return ODS_EINVAL;              /* label runs past the end */
		offs[n++] = pos;
		for (size_t j = 1; j <= len; j++)
			k += wire[pos + j] <= ESC ? 2 : 1;
		k++;                                    /* terminator */
		pos += 1 + (size_t)len;
	}
	if (pos + 1 != wire_len)
		return ODS_EINVAL;                      /* trailing bytes after the root label */
	*n_labels = n;
	*key_len = k;
	return ODS_OK;
}

ods_err
dns_sortkey_from_wire(const uint8_t *wire, size_t wire_len, uint8_t *out, size_t cap,
                      size_t *out_len)
{
	size_t offs[LABELS_MAX];
	size_t n = 0;
	size_t need = 0;
	size_t k = 0;
	ods_err rc;

	if (wire == NULL || out_len == NULL)
		return ODS_EINVAL;
	rc = scan_wire(wire, wire_len, offs, &n, &need);
	if (rc != ODS_OK)
		return rc;
	if (need > cap)
		return ODS_ENOMEM;
	for (size_t i = n; i-- > 0;) {
		const uint8_t *lab = wire + offs[i] + 1;
		size_t len = wire[offs[i]];

		for (size_t j = 0; j < len; j++) {
			uint8_t c = fold(lab[j]);

			if (c <= ESC) {
				out[k++] = ESC;
				out[k++] = (uint8_t)(c + 1);
			} else {
				out[k++] = c;
			}
		}
		out[k++] = TERM;
	}
	*out_len = k;
	return ODS_OK;
}

/* Decode the key's labels (root first) into lab/labl; at most LABELS_MAX labels. */
static ods_err
scan_key(const uint8_t *key, size_t key_len, uint8_t lab[LABELS_MAX][LABEL_MAX],
         size_t labl[LABELS_MAX], size_t *n_labels)
{
	size_t n = 0;
	size_t len = 0;
	size_t wire = 1;                        /* the root label's length byte */

	for (size_t i = 0; i < key_len; i++) {
		uint8_t c = key[i];

		if (c == TERM) {
			if (len == 0 || n == LABELS_MAX)
				return ODS_EINVAL;
			wire += 1 + len;
			if (wire > DNS_NAME_WIRE_MAX)
				return ODS_EINVAL;
			labl[n++] = len;
			len = 0;
			continue;
		}
		if (c == ESC) {
			if (i + 1 >= key_len || (key[i + 1] != 0x01 && key[i + 1] != 0x02))
				return ODS_EINVAL;
			c = (uint8_t)(key[++i] - 1);
		} else if (c != fold(c)) {
			return ODS_EINVAL;              /* keys hold lower case only */
		}
		if (len == LABEL_MAX || n == LABELS_MAX)
			return ODS_EINVAL;
		lab[n][len++] = c;
	}
	if (len != 0)
		return ODS_EINVAL;                      /* last label has no terminator */
	*n_labels = n;
	return ODS_OK;
}

ods_err
dns_sortkey_to_wire(const uint8_t *key, size_t key_len, uint8_t *out, size_t cap,
                    size_t *out_len)
{
	uint8_t lab[LABELS_MAX][LABEL_MAX];
	size_t labl[LABELS_MAX];
	size_t n = 0;
	size_t need = 1;                        /* root label */
	size_t k = 0;
	ods_err rc;

	if ((key == NULL && key_len != 0) || out_len == NULL)
		return ODS_EINVAL;
	rc = scan_key(key, key_len, lab, labl, &n);
	if (rc != ODS_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		need += 1 + labl[i];
	if (need > cap)
		return ODS_ENOMEM;
	for (size_t i = n; i-- > 0;) {
		out[k++] = (uint8_t)labl[i];
		memcpy(out + k, lab[i], labl[i]);
		k += labl[i];
	}
	out[k++] = 0;
	*out_len = k;
	return ODS_OK;
}

ods_err
dns_sortkey_from_str(const char *name, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t wire[DNS_NAME_WIRE_MAX];
	size_t len;

	if (name == NULL || dns_name_to_wire(name, wire, sizeof(wire), &len) != ODS_OK)
		return ODS_EINVAL;
	return dns_sortkey_from_wire(wire, len, out, cap, out_len);
}
