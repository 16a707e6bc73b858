/* SPDX-License-Identifier: BSD-2-Clause */
/* Domain names between presentation form ("Example.ORG.", escapes allowed) and wire form. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define DNS_NAME_WIRE_MAX 255

/* Presentation form to uncompressed wire form (absolute; case kept). ODS_EINVAL when name is
 * not a valid domain name, ODS_ENOMEM when cap is too small. Thread-safe. */
ods_err dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *out_len);

/* A zone name as the cluster stores it: lower case (ASCII), no final dot ("Example.COM." ->
 * "example.com"; the root stays "."). ODS_EINVAL when name is empty or not a valid domain
 * name, ODS_ENOMEM when it does not fit cap bytes. Thread-safe. */
ods_err dns_zone_name_normal(const char *name, char *out, size_t cap);
