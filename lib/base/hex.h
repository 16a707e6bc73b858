/* SPDX-License-Identifier: BSD-2-Clause */
/* Lower-case hexadecimal, both ways (key locators, bytea text form, test vectors). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write 2*n hex digits and a NUL into out (2*n+1 bytes). */
void hex_encode(const uint8_t *b, size_t n, char *out);

/* Decode an even-length hex string (either case) into out; false when s is not hex or does
 * not fit cap bytes. An empty string decodes to 0 bytes. *len written only on success. */
bool hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len);
