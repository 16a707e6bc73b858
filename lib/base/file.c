/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ods_err
io_fail(struct diag *d, const char *path, const char *what, int err)
{
	char msg[128];

	if (strerror_r(err, msg, sizeof(msg)) != 0)
		snprintf(msg, sizeof(msg), "error %d", err);
	return diag_fail(d, ODS_EIO, path, "%s: %s", what, msg);
}

/* Create tmp with data and flush it to disk; on failure tmp is gone again, unless it could
 * not be created (then it is not ours to remove). */
static ods_err
put_file(const char *tmp, const void *data, size_t len, struct diag *d)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	const char *p = data;
	size_t done = 0;
	ods_err rc = ODS_OK;

	if (fd < 0)
		return io_fail(d, tmp, "cannot create", errno);
	while (rc == ODS_OK && done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno != EINTR)
			rc = io_fail(d, tmp, "cannot write", errno);
		else if (n > 0)
			done += (size_t)n;
	}
	if (rc == ODS_OK && fsync(fd) != 0)
		rc = io_fail(d, tmp, "cannot flush", errno);
	if (close(fd) != 0 && rc == ODS_OK)
		rc = io_fail(d, tmp, "cannot close", errno);
	if (rc != ODS_OK)
		unlink(tmp);
	return rc;
}

void
file_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

ods_err
file_replace(const char *path, const void *data, size_t len, struct diag *d)
{
	char *tmp;
	size_t n;
	ods_err rc;

	if (path == NULL || path[0] == '\0')
		return diag_fail(d, ODS_EINVAL, "file", "no file name given");
	n = strlen(path) + sizeof(".new");
	tmp = malloc(n);
	if (tmp == NULL)
		return diag_fail(d, ODS_ENOMEM, path, "out of memory");
	snprintf(tmp, n, "%s.new", path);
	rc = put_file(tmp, data, len, d);
	if (rc == ODS_OK && rename(tmp, path) != 0) {
		rc = io_fail(d, path, "cannot rename the new file over it", errno);
		unlink(tmp);
	}
	if (rc == ODS_OK)
		file_sync_dir(path);
	free(tmp);
	return rc;
}

ods_err
file_read(const char *path, size_t max, char **out, size_t *len, struct diag *d)
{
	char *buf = NULL, *grown;
	size_t n = 0, cap = 0;
	ods_err rc = ODS_OK;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return io_fail(d, path, "cannot open", errno);
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16384;
			if (cap > max + 1)
				cap = max + 1;
			if (n == cap) {
				rc = diag_fail(d, ODS_EINVAL, path, "larger than %zu bytes", max);
				break;
			}
			grown = realloc(buf, cap + 1);
			if (grown == NULL) {
				rc = diag_fail(d, ODS_ENOMEM, path, "out of memory");
				break;
			}
			buf = grown;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = io_fail(d, path, "cannot read", errno);
			break;
		}
	}
	fclose(f);
	if (rc == ODS_OK && buf == NULL) {
		buf = malloc(1);
		if (buf == NULL)
			rc = diag_fail(d, ODS_ENOMEM, path, "out of memory");
	}
	if (rc != ODS_OK) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return ODS_OK;
}
