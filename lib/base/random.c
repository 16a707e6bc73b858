/* SPDX-License-Identifier: BSD-2-Clause */
/* getrandom(2), looping over short reads. */
#include "lib/base/random.h"

#include <stdint.h>
#include <sys/random.h>

bool
random_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n > 0) {
		ssize_t got = getrandom(b, n, 0);
		if (got <= 0)
			return false;
		b += got;
		n -= (size_t)got;
	}
	return true;
}
