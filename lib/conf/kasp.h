/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kasp.xml: OpenDNSSEC's Key and Signature Policy file (kasp.rng), read once into plain structs
 * that callers may copy from freely. The loader is the conf.xml walk (internal.h) run over a
 * table of kasp.xml elements in kasp.c, so errors look exactly like conf.xml's: diag.where =
 * "kasp.xml:41", diag.msg = "<Lifetime> in <ZSK>: 'P1X' is not a duration ...". Unknown
 * elements and attributes, repeats of single elements and missing required elements are
 * errors. Durations are whole seconds (a month is 31 days, a year 365, as in OpenDNSSEC).
 * The semantic checks of ods-kaspcheck live apart, in kaspcheck.h. See docs/kasp.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

enum kasp_denial {
	KASP_DENIAL_NONE = 0, /* never after a successful load */
	KASP_DENIAL_NSEC,
	KASP_DENIAL_NSEC3,
};

enum kasp_key_role {
	KASP_KSK = 0,
	KASP_ZSK,
	KASP_CSK,
};

/* The roll types of all three roles in one enum; each role accepts its own names only.
 * The default per role is OpenDNSSEC's: KskDoubleSignature, ZskPrePublication,
 * CskPrePublication. */
enum kasp_rolltype {
	KASP_ROLL_KSK_DOUBLE_RRSET = 0,
	KASP_ROLL_KSK_DOUBLE_DS,
	KASP_ROLL_KSK_DOUBLE_SIGNATURE,
	KASP_ROLL_ZSK_DOUBLE_SIGNATURE,
	KASP_ROLL_ZSK_PRE_PUBLICATION,
	KASP_ROLL_ZSK_DOUBLE_RRSIG,
	KASP_ROLL_CSK_DOUBLE_RRSET,
	KASP_ROLL_CSK_SINGLE_SIGNATURE,
	KASP_ROLL_CSK_DOUBLE_DS,
	KASP_ROLL_CSK_DOUBLE_SIGNATURE,
	KASP_ROLL_CSK_PRE_PUBLICATION,
};

enum kasp_serial {
	KASP_SERIAL_COUNTER = 0,
	KASP_SERIAL_DATECOUNTER,
	KASP_SERIAL_UNIXTIME,
	KASP_SERIAL_KEEP,
};

/* Keys/KSK, Keys/ZSK, Keys/CSK. */
struct kasp_key {
	enum kasp_key_role role;
	int algorithm;        /* Algorithm: DNSSEC algorithm number 0..255 */
	int length_bits;      /* Algorithm@length */
	int64_t lifetime_s;   /* Lifetime */
	char *repository;     /* Repository: a RepositoryList/Repository@name of conf.xml */
	int standby;          /* Standby (accepted and ignored in 2.x; 0 when absent) */
	bool manual_rollover; /* ManualRollover */
	bool rfc5011;         /* RFC5011 (KSK, CSK) */
	int rolltype;         /* enum kasp_rolltype: KskRollType, ZskRollType or CskRollType */
	long line;            /* of the <KSK>/<ZSK>/<CSK> element */
};

struct kasp_nsec3 {
	int64_t ttl_s;    /* TTL of NSEC3PARAM (default PT0S) */
	bool opt_out;     /* OptOut */
	int64_t resalt_s; /* Resalt */
	int algorithm;    /* Hash/Algorithm (1 = SHA-1) */
	int iterations;   /* Hash/Iterations 0..65535 */
	int salt_length;  /* Hash/Salt@length in octets, 0..255 */
	char *salt;       /* Hash/Salt text: the current salt in hex (checked), which kasp.rng
	                   * lets an export carry; NULL when the element is empty */
};

struct kasp_policy {
	char *name;        /* @name */
	char *description; /* Description */
	bool passthrough;  /* Passthrough */
	long line;         /* of the <Policy> element */

	struct {
		int64_t resign_s;           /* Resign */
		int64_t refresh_s;          /* Refresh */
		int64_t validity_default_s; /* Validity/Default */
		int64_t validity_denial_s;  /* Validity/Denial */
		int64_t validity_keyset_s;  /* Validity/Keyset; 0 = absent (use Default) */
		int64_t jitter_s;           /* Jitter */
		int64_t inception_offset_s; /* InceptionOffset */
		int64_t max_zone_ttl_s;     /* MaxZoneTTL; 0 = absent */
	} sig;

	enum kasp_denial denial; /* Denial/NSEC or Denial/NSEC3 */
	struct kasp_nsec3 nsec3; /* when denial is KASP_DENIAL_NSEC3 */

	struct {
		int64_t ttl_s;            /* TTL: of the DNSKEY RRset */
		int64_t retire_safety_s;  /* RetireSafety */
		int64_t publish_safety_s; /* PublishSafety */
		bool share_keys;          /* ShareKeys */
		bool has_purge;           /* Purge was given */
		int64_t purge_s;          /* Purge */
	} keys;
	struct kasp_key *key; /* KSK*, ZSK*, CSK* in document order */
	size_t n_keys;

	struct {
		int64_t propagation_delay_s; /* PropagationDelay */
		int64_t soa_ttl_s;           /* SOA/TTL */
		int64_t soa_minimum_s;       /* SOA/Minimum */
		int serial;                  /* SOA/Serial, enum kasp_serial */
	} zone;

	struct {
		int64_t propagation_delay_s;  /* PropagationDelay */
		int64_t registration_delay_s; /* RegistrationDelay; 0 = absent */
		int64_t ds_ttl_s;             /* DS/TTL */
		int64_t soa_ttl_s;            /* SOA/TTL */
		int64_t soa_minimum_s;        /* SOA/Minimum */
	} parent;
};

/* A duration written with months (M before T) or years, which OpenDNSSEC reads as 31 and
 * 365 days; kept so that kaspcheck can warn about it. */
struct kasp_month_year {
	long line;
	char *element; /* "<Lifetime> in <KSK>" */
	char *text;    /* as written */
};

struct kasp {
	char *path; /* the name given to the loader */
	struct kasp_policy *policies;
	size_t n_policies;
	struct kasp_month_year *month_year;
	size_t n_month_year;
};

/* Read and check kasp.xml at path. On success *out owns a new struct kasp (free with
 * kasp_free); on failure *out is untouched and d says file:line, the element and what is
 * wrong. ODS_EINVAL for bad content, ODS_EIO when the file cannot be read, ODS_ENOMEM.
 * Thread-safe, like conf_load(). */
ods_err kasp_load(const char *path, struct kasp **out, struct diag *d);

/* Same, from len bytes of text; name stands for the file name in messages. */
ods_err kasp_load_mem(const char *name, const char *xml, size_t len, struct kasp **out,
                      struct diag *d);

/* Free k and all it owns; NULL is fine. */
void kasp_free(struct kasp *k);

/* Write the n policies p (borrowed, n may be 0) as a whole kasp.xml document: the XML
 * declaration and <KASP>, valid per kasp.rng, so that kasp_load_mem() reads back policies
 * equal to p (line numbers aside). Durations come out in days, hours, minutes and seconds
 * only ("P14D", "P1DT2H", "PT0S"). Written only when set: Validity/Keyset, MaxZoneTTL,
 * Purge (has_purge), Standby (> 0), RegistrationDelay (> 0) and the Salt text; keys are
 * written KSKs first, then ZSKs, then CSKs, as kasp.rng orders them (document order within a
 * role). A NULL description is written empty and reads back as ""; an empty salt reads back
 * as NULL. Roll types must belong to their key's role. Text is escaped; every
 * string must be UTF-8 without control characters (tab, newline and CR aside), at most
 * 4096 bytes, and without white space at either end (the loader trims it).
 * On success *out is a new NUL-terminated string the caller frees and *len its length;
 * ODS_EINVAL (d names the policy and the field) for a value kasp.xml cannot carry or the
 * loader would refuse, ODS_ENOMEM; *out and *len are untouched on failure. Thread-safe. */
ods_err kasp_write(const struct kasp_policy *p, size_t n, char **out, size_t *len, struct diag *d);

/* The policy named name, or NULL. Borrowed from k. */
const struct kasp_policy *kasp_policy_find(const struct kasp *k, const char *name);

/* "KSK", "ZSK", "CSK"; "unknown" otherwise. */
const char *kasp_key_role_name(enum kasp_key_role r);

/* The kasp.xml spelling of a roll type ("KskDoubleRRset"...); "unknown" otherwise. */
const char *kasp_rolltype_name(int rolltype);

/* "counter", "datecounter", "unixtime", "keep"; "unknown" otherwise. */
const char *kasp_serial_name(int serial);
