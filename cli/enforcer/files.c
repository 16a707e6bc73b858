/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading the XML files the enforcer tools send, and writing an exported one atomically. */
#include "cli/enforcer/files.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_NEW_MAX 4096

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
	char tmp[PATH_NEW_MAX];
	FILE *f;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return diag_fail(d, ODS_EIO, "stdout", "cannot write: %s", strerror(errno));
		return ODS_OK;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return diag_fail(d, ODS_EINVAL, path, "path too long");
	f = fopen(tmp, "wb");
	if (f == NULL)
		return diag_fail(d, ODS_EIO, tmp, "cannot create: %s", strerror(errno));
	bool ok = fwrite(data, 1, len, f) == len;
	int saved = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		remove(tmp);
		return diag_fail(d, ODS_EIO, tmp, "cannot write: %s", strerror(saved));
	}
	if (rename(tmp, path) != 0) {
		saved = errno;
		remove(tmp);
		return diag_fail(d, ODS_EIO, path, "cannot replace: %s", strerror(saved));
	}
	return ODS_OK;
}
