/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files read whole, and files replaced whole: readers see the old content or the new, never half of it, and a
 * crash after the call returns keeps the new one (written to "<path>.new", flushed, renamed
 * over path, the directory flushed).
 */
#pragma once

#include <stddef.h>

#include "lib/base/err.h"

/* The whole file at path, NUL-terminated, into *out (malloc'd; *len without the NUL).
 * ODS_EIO when it cannot be opened or read, ODS_EINVAL when it is larger than max bytes,
 * ODS_ENOMEM; d names the file. */
ods_err file_read(const char *path, size_t max, char **out, size_t *len, struct diag *d);

/* Replace path with len bytes of data (mode 0644 less the umask). On failure path is
 * untouched and "<path>.new" removed; ODS_EIO (d names the file and the system error),
 * ODS_EINVAL for an empty path, ODS_ENOMEM. */
ods_err file_replace(const char *path, const void *data, size_t len, struct diag *d);

/* Best effort: make a rename into path's directory durable by flushing that directory. */
void file_sync_dir(const char *path);
