/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file adapter's reader: an RFC 1035 master file (with $ORIGIN, $TTL, $INCLUDE,
 * parentheses, escapes, RFC 3597 unknown types, relative names) streamed record by record.
 * Parsing is libzscanner's (Knot DNS, Debian libknot-dev): fast, and it follows $INCLUDE,
 * which ldns's reader does not. On top of the parser this applies the signer's input policy
 * (OpenDNSSEC's adapi): records outside the zone are skipped, DNSSEC records the signer makes
 * itself (RRSIG, NSEC, NSEC3, NSEC3PARAM) are dropped, classes other than IN refused; each
 * with a warning naming file and line. No memory grows with the zone: each record is handed
 * to the callback and forgotten.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "services/signer/zone/rr.h"

struct zreader_stats {
	uint64_t records;      /* handed to on_rr */
	uint64_t out_of_zone;  /* skipped */
	uint64_t dnssec;       /* RRSIG/NSEC/NSEC3/NSEC3PARAM dropped */
	uint64_t warnings;     /* on_warn calls */
};

/* A record for the zone; file and line say where it was read ($INCLUDEd files name
 * themselves, by the path libzscanner opened; a multi-line record gives the line where it
 * ends). Return 0 to go on, anything else stops the read. The record's memory is valid only
 * during the call. */
typedef int (*zreader_rr_fn)(void *arg, const struct zrr *rr, const char *file,
                             unsigned long line);
/* A warning: "file:line" in where, the text in msg ("record outside the zone
 * 'other.example.' skipped", "contains DNSSEC data: RRSIG record dropped", ...). */
typedef void (*zreader_warn_fn)(void *arg, const char *where, const char *msg);

struct zreader_opts {
	const char *path;     /* the master file */
	const char *origin;   /* the zone apex, presentation form ("example.com." or without the
	                       * dot); the initial $ORIGIN and the zone cut for "out of zone" */
	uint32_t default_ttl; /* TTL for records before any $TTL that give none */
	zreader_rr_fn on_rr;
	zreader_warn_fn on_warn; /* may be NULL */
	void *arg;
};

/* Read the whole file. ODS_OK when every record was read (warnings allowed). On a syntax
 * error ODS_EINVAL with d->where = "file:line" (the $INCLUDEd file's name and line when the
 * error is there) and d->msg naming the problem (libzscanner's text, and the offending token
 * when known); the first error ends the read. ODS_EIO when the file (or an included one)
 * cannot be opened: d->where is the path for the zone file, the $INCLUDE line for an included
 * file, and d->msg names the file. ODS_EINVAL with msg "stopped by the caller" when on_rr
 * returned non-zero, with "origin" in where when o->origin is not a domain name, and at the
 * $INCLUDE line when includes nest deeper than 16 files. Records handed out before an error
 * have been handed out: callers stage them and commit only on ODS_OK.
 * A relative $INCLUDE path is taken from the including file's directory (libzscanner's rule;
 * BIND takes the working directory). CRLF line ends are a syntax error (libzscanner refuses
 * them). libzscanner maps the file into memory: a file truncated while it is read kills the
 * process with SIGBUS, so zone files are replaced by rename, never rewritten in place.
 * st (may be NULL) is zeroed and then counts what happened, also when the read fails;
 * d may be NULL. o, o->path, o->origin and o->on_rr must not be NULL. Thread-safe (one reader
 * per call). */
ods_err zreader_read(const struct zreader_opts *o, struct zreader_stats *st, struct diag *d);
