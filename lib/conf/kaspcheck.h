/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The semantic checks of ods-kaspcheck (OpenDNSSEC's kc_helper.c) over files that have already
 * loaded: conf.xml (repositories, working directories), kasp.xml (timings, NSEC3, keys) and,
 * when given, zonelist.xml (policy names). A file that loads is valid per its schema; these
 * rules find settings that are valid but would break or weaken signing, e.g. a KSK lifetime
 * shorter than DS TTL + DNSKEY TTL. The check is a pure function: it reads no file and no
 * clock, and returns every finding as {ERROR or WARNING, "kasp.xml:41", message}, in the
 * order of the files. The rules are listed in docs/kasp.md.
 */
#pragma once

#include <stddef.h>

#include "lib/base/err.h"

struct ods_conf;
struct kasp;
struct zonelist;

enum kaspcheck_level {
	KASPCHECK_ERROR = 0, /* the policy cannot work as written */
	KASPCHECK_WARNING,   /* it works, but probably not as meant */
};

struct kaspcheck_msg {
	enum kaspcheck_level level;
	char where[96]; /* "kasp.xml:41": the file as loaded and the line of the policy/key */
	char msg[256];
};

struct kaspcheck_report {
	struct kaspcheck_msg *msgs;
	size_t n_msgs;
	size_t n_errors;
	size_t n_warnings;
};

/* Check k against itself, against c (may be NULL: the conf.xml rules and the repository
 * names are then skipped) and against zl (may be NULL: the zone list rule is skipped). On
 * success *out is a new report (free with kaspcheck_report_free), possibly with no messages;
 * ODS_EINVAL when k or out is NULL, ODS_ENOMEM. Pure and thread-safe. */
ods_err kaspcheck_run(const struct ods_conf *c, const struct kasp *k, const struct zonelist *zl,
                      struct kaspcheck_report **out);

/* Free r; NULL is fine. */
void kaspcheck_report_free(struct kaspcheck_report *r);

/* "ERROR", "WARNING". */
const char *kaspcheck_level_name(enum kaspcheck_level l);
