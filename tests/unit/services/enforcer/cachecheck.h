/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An independent check of a DNSSEC key rollover, from the outside: a history of what was
 * published (the DS set at the parent, the DNSKEY set, which keys sign the DNSKEY set, which
 * keys sign the zone data) and for how long each version may stay in caches. It knows nothing
 * of the key-state engine's rules. A version of an RRset stays in caches until it was replaced
 * plus its window (TTL plus propagation delays of its time); a resolver may hold any
 * combination of live DS, DNSKEY and signature versions. A combination is bogus when it has a
 * DS but no key with DS, DNSKEY and DNSKEY signature in it, or when no signature over the zone
 * data is by a DNSKEY of the cached DNSKEY set; it is insecure when the DS set became empty
 * after it had a DS (unless the zone may go unsigned).
 *
 * Used by the engine's simulator (sim.c) and by the integration tool keystate_check. Keys
 * are bits 0..CC_MAX_KEYS-1 of the masks; what a bit stands for is the caller's business.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_MAX_KEYS 64

/* What was published from `at` on, with the windows of that time. */
struct cc_snap {
	int64_t at;
	uint64_t ds;     /* DS at the parent */
	uint64_t dnskey; /* DNSKEY in the zone */
	uint64_t krrsig; /* signs the DNSKEY RRset */
	uint64_t zsig;   /* signs the zone data */
	/* How long a cache may keep this version after it was replaced: TTL plus delays. */
	int64_t ds_window_s, dk_window_s, rs_window_s;
};

struct cc_history {
	struct cc_snap *snaps; /* oldest first */
	size_t n, cap;
};

enum cc_verdict {
	CC_OK = 0,
	CC_BOGUS_CHAIN,     /* a DS, but no DNSKEY chain from it */
	CC_BOGUS_SIGNATURE, /* no signature by a DNSKEY of the cached set */
	CC_INSECURE,        /* the DS set went empty */
};

/* The first failing combination: indices of the DS, DNSKEY and signature versions. */
struct cc_failure {
	enum cc_verdict verdict;
	size_t ds_v, dk_v, sig_v;
};

enum cc_rrset { CC_DS = 0, CC_DNSKEY, CC_SIG };

void cc_init(struct cc_history *h);
void cc_free(struct cc_history *h);

/* Append s unless it equals the newest version (same sets and windows). Returns 1 when
 * appended, 0 when equal, -1 when out of memory or s->at is before the newest version. */
int cc_add(struct cc_history *h, const struct cc_snap *s);

/* Version i of the RRset `which` can still be cached at now: it is the newest, or it was
 * replaced less than its window ago. slack_s shortens every window: the caller's clock may
 * have seen a change up to slack_s seconds after it happened. */
bool cc_live(const struct cc_history *h, size_t i, enum cc_rrset which, int64_t now,
             int64_t slack_s);

/* Check every combination of versions live at now. allow_unsigned: the DS set may go empty.
 * Returns the verdict; on failure *f (if not NULL) names the first bad combination. */
enum cc_verdict cc_check(const struct cc_history *h, int64_t now, int64_t slack_s,
                         bool allow_unsigned, struct cc_failure *f);

/* "bogus: no DNSKEY chain from the DS" and the like. */
const char *cc_verdict_text(enum cc_verdict v);
