/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * zonelist.xml (zonelist.rng): the zones, each with its policy name, the path of its signer
 * configuration and its input and output adapters. Read with the conf.xml walk over a table of
 * its own (zonelist.c), so errors name file:line and the element like conf.xml's. In
 * OpenDNSSEC 2.x the database is the master list and this file is only imported and exported:
 * the loader reads it, zonelist_write() (zonelist_write.c) writes it. Adapters are written
 * either as <File>path</File> (type "File") or as <Adapter type="File|DNS">path</Adapter>;
 * both end up as {type, path}.
 */
#pragma once

#include <stddef.h>

#include "lib/base/err.h"

enum zonelist_adapter_type {
	ZONELIST_ADAPTER_FILE = 0, /* a zone file */
	ZONELIST_ADAPTER_DNS,      /* AXFR/IXFR in, or serve out; path names an addns.xml */
};

struct zonelist_adapter {
	enum zonelist_adapter_type type;
	char *path;
};

struct zonelist_zone {
	char *name;                     /* @name */
	char *policy;                   /* Policy: a Policy@name of kasp.xml */
	char *signconf;                 /* SignerConfiguration: path of the signconf.xml */
	struct zonelist_adapter input;  /* Adapters/Input */
	struct zonelist_adapter output; /* Adapters/Output */
	long line;                      /* of the <Zone> element */
};

struct zonelist {
	char *path; /* the name given to the loader */
	struct zonelist_zone *zones;
	size_t n_zones;
};

/* Read and check zonelist.xml at path. On success *out owns a new struct zonelist (free with
 * zonelist_free); on failure *out is untouched and d says file:line, the element and what is
 * wrong. ODS_EINVAL for bad content (also a zone name given twice), ODS_EIO when the file
 * cannot be read, ODS_ENOMEM. Thread-safe. */
ods_err zonelist_load(const char *path, struct zonelist **out, struct diag *d);

/* Same, from len bytes of text; name stands for the file name in messages. */
ods_err zonelist_load_mem(const char *name, const char *xml, size_t len, struct zonelist **out,
                          struct diag *d);

/* Free zl and all it owns; NULL is fine. */
void zonelist_free(struct zonelist *zl);

/* Write the n zones z (borrowed, n may be 0) as a whole zonelist.xml document: the XML
 * declaration and <ZoneList>, valid per zonelist.rng, so that zonelist_load_mem() reads back
 * zones equal to z (line numbers aside). A File adapter is written <File>path</File>, a DNS
 * adapter <Adapter type="DNS">path</Adapter>. Text is escaped; every string must be
 * non-empty UTF-8 without control characters (tab, newline and CR aside), at most 4096 bytes,
 * and without white space at either end (the loader trims it), and no zone name may repeat
 * (compared without case, as the loader does). On success *out is a new NUL-terminated
 * string the caller frees and *len its length; ODS_EINVAL (d names the zone and the field),
 * ODS_ENOMEM; *out and *len are untouched on failure. Thread-safe. */
ods_err zonelist_write(const struct zonelist_zone *z, size_t n, char **out, size_t *len,
                       struct diag *d);

/* "File", "DNS"; "unknown" otherwise. */
const char *zonelist_adapter_type_name(enum zonelist_adapter_type t);
