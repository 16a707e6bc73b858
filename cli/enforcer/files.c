/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading the XML files the enforcer tools send, and writing an exported one atomically. */
#include "cli/enforcer/files.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/file.h"

ods_err
cli_file_read(const char *path, size_t max, char **out, size_t *len, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	ods_err rc = ODS_OK;

	if (f == NULL)
		return diag_fail(d, ODS_EIO, path, "cannot open: %s", strerror(errno));
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64 * 1024;
			char *nbuf;

			if (cap > max) {
				rc = diag_fail(d, ODS_EINVAL, path, "larger than %zu bytes", max);
				break;
			}
			nbuf = realloc(buf, ncap + 1);
			if (nbuf == NULL) {
				rc = diag_fail(d, ODS_ENOMEM, path, "out of memory");
				break;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (rc == ODS_OK && ferror(f))
		rc = diag_fail(d, ODS_EIO, path, "cannot read: %s", strerror(errno));
	if (rc == ODS_OK && n > max)
		rc = diag_fail(d, ODS_EINVAL, path, "larger than %zu bytes", max);
	fclose(f);
	if (rc != ODS_OK) {
		free(buf);
		return rc;
	}
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL)
			return diag_fail(d, ODS_ENOMEM, path, "out of memory");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return ODS_OK;
}

ods_err
cli_file_write(const char *path, const char *data, size_t len, struct diag *d)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return diag_fail(d, ODS_EIO, "stdout", "cannot write: %s", strerror(errno));
		return ODS_OK;
	}
	return file_replace(path, data, len, d);
}
