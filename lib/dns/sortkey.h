/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Canonical owner-name sort keys. DNSSEC orders names canonically (RFC 4034 §6.1): label by
 * label from the root down, each label compared as a lower-cased octet string where a missing
 * octet sorts before 0x00. A sort key is a byte string whose memcmp() order, which is also
 * PostgreSQL's ORDER BY order for bytea, is exactly that canonical order, so the signer can keep
 * a zone's names in an indexed bytea column and walk them in NSEC order. Encoding: labels from
 * the root down; each label lower-cased (ASCII A-Z only), its bytes escaped 0x00 -> 0x01 0x01,
 * 0x01 -> 0x01 0x02 (all other bytes unchanged), then a 0x00 terminator. The root name's key is
 * empty. The escape keeps 0x00 free as a terminator that sorts below every label byte, so a
 * label sorts before any longer label it is a prefix of, and a name before its descendants.
 * All functions are pure and thread-safe.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/dns/name.h"

/* Largest wire-format name (RFC 1035 §3.1), root label included. */

/* Enough for the key of any valid name. A key has at most 2 bytes per label byte plus one
 * terminator per label; for a 255-byte wire name that is at most 504 bytes (four labels
 * holding 250 bytes, all 0x00 or 0x01). */
#define DNS_SORTKEY_MAX 512

/* Key for an uncompressed wire-format name of exactly wire_len bytes (ending with the root
 * label). Writes the key to out (cap bytes; DNS_SORTKEY_MAX always suffices) and its length to
 * *out_len, only on success. Returns ODS_EINVAL for a malformed name: a label longer than 63,
 * a compression pointer or other label type, a name longer than 255 bytes, no root label
 * within wire_len, or bytes after the root label; ODS_ENOMEM when cap is too small. */
ods_err dns_sortkey_from_wire(const uint8_t *wire, size_t wire_len, uint8_t *out, size_t cap,
                              size_t *out_len);

/* The inverse: the lower-cased wire-format name (root label included) for a key made by
 * dns_sortkey_from_wire. Writes at most cap bytes (DNS_NAME_WIRE_MAX always suffices) and the
 * length to *out_len, only on success. Returns ODS_EINVAL when key is not a valid key (bad
 * escape, empty label, missing terminator, label or name too long); ODS_ENOMEM when cap is too
 * small. */
ods_err dns_sortkey_to_wire(const uint8_t *key, size_t key_len, uint8_t *out, size_t cap,
                            size_t *out_len);

/* Key for a presentation-format name ("www.Example.", "\\000.z.example"), parsed by ldns; the
 * name is taken as absolute whether or not it ends in a dot. Same out/cap/out_len contract as
 * dns_sortkey_from_wire. Returns ODS_EINVAL when ldns cannot parse the name, ODS_ENOMEM when cap
 * is too small. */
ods_err dns_sortkey_from_str(const char *name, uint8_t *out, size_t cap, size_t *out_len);
