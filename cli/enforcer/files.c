/* SPDX-License-Identifier: BSD-2-Clause */
/* Writing an exported XML file atomically, or to standard output. */
#include "cli/enforcer/files.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/file.h"

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

bool
cli_xml_read(const char *path, const char *default_path, const char *what, const char **used,
             char **xml)
{
	struct diag d = {0};
	size_t len;

	*used = path ? path : default_path;
	if (file_read(*used, CLI_FILE_MAX, xml, &len, &d) != ODS_OK) {
		fprintf(stderr, "Unable to read/parse %s XML file %s! (%s)\n", what, *used, d.msg);
		return false;
	}
	return true;
}
