/* SPDX-License-Identifier: BSD-2-Clause */
/* The cache-history validator (see cachecheck.h). */
#include "cachecheck.h"

#include <stdlib.h>

void
cc_init(struct cc_history *h)
{
	*h = (struct cc_history){0};
}

void
cc_free(struct cc_history *h)
{
	free(h->snaps);
	*h = (struct cc_history){0};
}

static bool
same(const struct cc_snap *a, const struct cc_snap *b)
{
	return a->ds == b->ds && a->dnskey == b->dnskey && a->krrsig == b->krrsig &&
	       a->zsig == b->zsig && a->ds_window_s == b->ds_window_s &&
	       a->dk_window_s == b->dk_window_s && a->rs_window_s == b->rs_window_s;
}

int
cc_add(struct cc_history *h, const struct cc_snap *s)
{
	if (h->n > 0) {
		const struct cc_snap *p = &h->snaps[h->n - 1];

		if (s->at < p->at)
			return -1;
		if (same(p, s))
			return 0;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 32;
		struct cc_snap *n = realloc(h->snaps, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		h->snaps = n;
		h->cap = cap;
	}
	h->snaps[h->n++] = *s;
	return 1;
}

bool
cc_live(const struct cc_history *h, size_t i, enum cc_rrset which, int64_t now, int64_t slack_s)
{
	const struct cc_snap *v = &h->snaps[i];
	int64_t w = which == CC_DS       ? v->ds_window_s
	            : which == CC_DNSKEY ? v->dk_window_s
	                                 : v->rs_window_s;

	return i + 1 == h->n || h->snaps[i + 1].at + w - slack_s > now;
}

static bool
fail(struct cc_failure *f, enum cc_verdict v, size_t d, size_t k, size_t z)
{
	if (f)
		*f = (struct cc_failure){.verdict = v, .ds_v = d, .dk_v = k, .sig_v = z};
	return true;
}

/* One combination: true (and *f) when it does not validate. */
static bool
bad(const struct cc_history *h, size_t d, size_t k, size_t z, bool allow_unsigned,
    struct cc_failure *f)
{
	const struct cc_snap *ds = &h->snaps[d], *dk = &h->snaps[k], *zs = &h->snaps[z];

	if (!ds->ds) {
		/* No DS: the zone is insecure for this resolver. That is only wrong when it had
		 * been secure, which the version before tells. */
		if (!allow_unsigned && d > 0 && h->snaps[d - 1].ds)
			return fail(f, CC_INSECURE, d, k, z);
		return false;
	}
	if (!(ds->ds & dk->dnskey & dk->krrsig))
		return fail(f, CC_BOGUS_CHAIN, d, k, z);
	if (!(zs->zsig & dk->dnskey))
		return fail(f, CC_BOGUS_SIGNATURE, d, k, z);
	return false;
}

/* The versions of one RRset that can still be cached, oldest first; NULL when out of memory. */
static size_t *
live_versions(const struct cc_history *h, enum cc_rrset which, int64_t now, int64_t slack_s,
              size_t *n)
{
	size_t *out = malloc((h->n ? h->n : 1) * sizeof(*out));

	*n = 0;
	for (size_t i = 0; out && i < h->n; i++)
		if (cc_live(h, i, which, now, slack_s))
			out[(*n)++] = i;
	return out;
}

enum cc_verdict
cc_check(const struct cc_history *h, int64_t now, int64_t slack_s, bool allow_unsigned,
         struct cc_failure *f)
{
	size_t nds, ndk, nzs;
	size_t *ds = live_versions(h, CC_DS, now, slack_s, &nds);
	size_t *dk = live_versions(h, CC_DNSKEY, now, slack_s, &ndk);
	size_t *zs = live_versions(h, CC_SIG, now, slack_s, &nzs);
	struct cc_failure x = {0};

	if (ds == NULL || dk == NULL || zs == NULL)
		abort(); /* a test tool: no way to answer */
	for (size_t a = 0; a < nds && x.verdict == CC_OK; a++)
		for (size_t b = 0; b < ndk && x.verdict == CC_OK; b++)
			for (size_t c = 0; c < nzs && x.verdict == CC_OK; c++)
				(void)bad(h, ds[a], dk[b], zs[c], allow_unsigned, &x);
	free(ds);
	free(dk);
	free(zs);
	if (f)
		*f = x;
	return x.verdict;
}

const char *
cc_verdict_text(enum cc_verdict v)
{
	switch (v) {
	case CC_OK:
		return "valid";
	case CC_BOGUS_CHAIN:
		return "bogus: no DNSKEY chain from the DS";
	case CC_BOGUS_SIGNATURE:
		return "bogus: no signature by a known DNSKEY";
	case CC_INSECURE:
		return "insecure: no DS left";
	}
	return "?";
}
