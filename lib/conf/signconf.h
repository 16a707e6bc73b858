/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signconf.xml (signconf.rng): what the enforcer tells the signer about one zone: the
 * signature timings and denial parameters taken from the zone's policy, the keys with their
 * roles (which to publish, which sign the DNSKEY RRset, which the rest) and the SOA values.
 * The enforcer writes it (signconf_write, signconf_write_file), the signer reads it
 * (signconf_load). The reader is the conf.xml walk over a table of its own (signconf.c), so
 * errors name file:line and the element like conf.xml's: diag.where = "example.com.xml:12",
 * diag.msg = "<Flags> in <Key>: 'x' is not a whole number". signconf.rng allows its elements
 * in any order (interleave); the reader does too, the writer uses the order of the schema's
 * text. Durations are whole seconds, written in days, hours, minutes and seconds only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* Keys/Key. A key that the signer can use has a Locator, a ResourceRecord, or both: the
 * reader refuses a key with neither, although signconf.rng would let it pass. */
struct signconf_key {
	int flags;             /* Flags: DNSKEY flags, 256 ZSK, 257 KSK or CSK; 0..65535 */
	int algorithm;         /* Algorithm: DNSSEC algorithm number 0..255 */
	char *locator;         /* Locator: the PKCS#11 CKA_ID in hex; NULL when absent */
	char *resource_record; /* ResourceRecord: base64 text of the DNSKEY record of a key kept
	                        * outside the HSM (offline KSK), published as given; NULL when
	                        * absent */
	bool ksk;              /* KSK: signs the DNSKEY RRset */
	bool zsk;              /* ZSK: signs every other RRset */
	bool publish;          /* Publish: the DNSKEY goes into the zone */
	bool deactivate;       /* Deactivate: none of its signatures is reused */
	long line;             /* of the <Key> element when read; ignored by the writer */
};

/* SignerConfiguration/Zone. Fields marked "0 absent" are written only when > 0 and read as 0
 * when the element is missing. */
struct signconf {
	char *zone;       /* Zone@name */
	bool passthrough; /* Passthrough: copy the zone unsigned */

	int64_t resign_s;           /* Signatures/Resign */
	int64_t refresh_s;          /* Signatures/Refresh */
	int64_t validity_default_s; /* Signatures/Validity/Default */
	int64_t validity_denial_s;  /* Signatures/Validity/Denial */
	int64_t validity_keyset_s;  /* Signatures/Validity/Keyset; 0 absent */
	int64_t jitter_s;           /* Signatures/Jitter */
	int64_t inception_offset_s; /* Signatures/InceptionOffset */
	int64_t max_zone_ttl_s;     /* Signatures/MaxZoneTTL; 0 absent */

	bool nsec3;           /* Denial/NSEC3; false: Denial/NSEC */
	int64_t nsec3_ttl_s;  /* NSEC3/TTL of the NSEC3PARAM record; 0 absent */
	bool nsec3_optout;    /* NSEC3/OptOut */
	int nsec3_algorithm;  /* NSEC3/Hash/Algorithm 0..255 (1 = SHA-1) */
	int nsec3_iterations; /* NSEC3/Hash/Iterations 0..65535 */
	char *nsec3_salt;     /* NSEC3/Hash/Salt in hex, "" for no salt; NULL with NSEC (the
	                       * writer takes NULL for "") */

	int64_t dnskey_ttl_s;      /* Keys/TTL */
	struct signconf_key *keys; /* Keys/Key*, in document order */
	size_t n_keys;
	char **signature_rrs; /* Keys/SignatureResourceRecord*: base64 text of RRSIGs over
	                       * the DNSKEY RRset made elsewhere (offline KSK), in order */
	size_t n_signature_rrs;

	int64_t soa_ttl_s;     /* SOA/TTL */
	int64_t soa_minimum_s; /* SOA/Minimum */
	int serial;            /* SOA/Serial: enum kasp_serial (counter, datecounter, ...) */
};

/* Write sc (borrowed) as a whole signconf.xml document, valid per signconf.rng, so that
 * signconf_load_mem() reads back a struct equal to sc (key lines aside). Text is escaped;
 * every string must be UTF-8 without control characters or white space at either end, at
 * most 4096 bytes, locators and the salt hex, resource records base64. On success *out is a
 * new NUL-terminated string the caller frees and *len its length; ODS_EINVAL (d names the
 * zone and the field) for a value the file cannot carry or the reader would refuse,
 * ODS_ENOMEM; *out and *len are untouched on failure. Thread-safe. */
ods_err signconf_write(const struct signconf *sc, char **out, size_t *len, struct diag *d);

/* Write sc to path atomically: the document goes to "<path>.new" (created with mode 0644
 * less the umask, flushed to disk), which is then renamed over path. Nothing else is created;
 * on failure "<path>.new" is removed again and path is untouched. Callers serialise writes
 * of the same path. ODS_EINVAL as signconf_write, ODS_EIO (d names the file and the system
 * error), ODS_ENOMEM. */
ods_err signconf_write_file(const struct signconf *sc, const char *path, struct diag *d);

/* Read and check signconf.xml from len bytes of text; name stands for the file name in
 * messages. On success *out owns a new struct signconf (free with signconf_free); on failure
 * *out is untouched and d says file:line, the element and what is wrong. ODS_EINVAL for bad
 * content, ODS_ENOMEM. Thread-safe. */
ods_err signconf_load_mem(const char *name, const char *xml, size_t len, struct signconf **out,
                          struct diag *d);

/* Same, from the file at path; ODS_EIO when it cannot be read. */
ods_err signconf_load(const char *path, struct signconf **out, struct diag *d);

/* Free sc and all it owns; NULL is fine. */
void signconf_free(struct signconf *sc);
