/* SPDX-License-Identifier: BSD-2-Clause */
/* Random bytes from the kernel (getrandom), for key ids and test inputs. Thread-safe. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Fill p with n random bytes; false only if the kernel refuses. */
bool random_bytes(void *p, size_t n);
