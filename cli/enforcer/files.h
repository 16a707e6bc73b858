/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The files the enforcer tools read and write where the operator runs them: kasp.xml and
 * zonelist.xml are read here and their text sent to the daemon (PolicyImportRequest.xml,
 * ZonelistImportRequest.xml); an exported zonelist.xml is written here, atomically.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"

/* The largest XML file the tools send (the default Cluster/MaxMessageSize). */
#define CLI_FILE_MAX (16u * 1024 * 1024)

/* The XML file the operator named (path), or conf.xml's (default_path), read whole for the
 * daemon: *xml (free it) and the path used in *used. On failure prints upstream's "Unable to
 * read/parse <what> XML file <path>! (<why>)" and returns false. */
bool cli_xml_read(const char *path, const char *default_path, const char *what,
                  const char **used, char **xml);

/* Replace path with data: write "<path>.new", then rename it over path, so a reader sees the
 * old file or the new one. path "-" writes to stdout. ODS_EIO with d saying why. */
ods_err cli_file_write(const char *path, const char *data, size_t len, struct diag *d);
