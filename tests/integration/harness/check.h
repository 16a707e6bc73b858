/* SPDX-License-Identifier: BSD-2-Clause */
/* CHECK(cond, fmt, ...) for the integration test programs: print where and why, exit 1. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                  \
			fprintf(stderr, __VA_ARGS__);                                         \
			fputc('\n', stderr);                                                  \
			exit(1);                                                              \
		}                                                                             \
	} while (0)
