/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two approvals of the key-state engine. policyApproval (§4.4) decides *how* a rollover is
 * done: a minimize bit of the roll type makes one record of a new key wait until another is
 * omnipresent. dnssecApproval (§4.5) decides *whether* a transition keeps the zone valid: rule 1
 * (a DS exists), rule 2 (every algorithm with a visible DS has a DNSKEY chain) and rule 3 (every
 * algorithm has valid signatures) must never go from holding to broken. The successor relation
 * (§4.5.3) lets swap states count as valid: a resolver that caches the withdrawal of the old
 * record has the new one, because the new one was introduced as its successor.
 */
#include "services/enforcer/keystate/internal.h"

/* A pattern over (DS, DNSKEY, RRSIGDNSKEY, RRSIG); ANY matches every state. */
#define ANY (-1)
#define H ENF_HIDDEN
#define R ENF_RUMOURED
#define O ENF_OMNIPRESENT
#define U ENF_UNRETENTIVE

/* How deep the indirect successor search (§4.5.3 c, d) may go: longer chains of rollovers in
 * flight do not happen, and the bound keeps a hostile view from exploding the recursion. */
#define SUCC_DEPTH_MAX 8

enum enf_state
enf_view_state(const struct enf_view *v, const struct enf_key *x, enum enf_record r)
{
	if (v->k == x && v->rec == r)
		return v->next;
	return x->rec[r].state;
}

static enum enf_state
st(const struct enf_view *v, const struct enf_key *x, enum enf_record r)
{
	return enf_view_state(v, x, r);
}

static bool
matches(const struct enf_view *v, const struct enf_key *x, const int pat[ENF_REC_COUNT])
{
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		if (pat[r] != ANY && (int)st(v, x, (enum enf_record)r) != pat[r])
			return false;
	}
	return true;
}

static bool
exists(const struct enf_view *v, int alg, const int pat[ENF_REC_COUNT])
{
	for (size_t i = 0; i < v->z->n_keys; i++) {
		const struct enf_key *x = &v->z->keys[i];

		if (x->algorithm == alg && matches(v, x, pat))
			return true;
	}
	return false;
}

/* The key's withdrawal of r can be taken over by a successor (§4.5.3), in the view. */
static bool
successable(const struct enf_view *v, const struct enf_key *k, enum enf_record r)
{
	switch (r) {
	case ENF_REC_DS:
	case ENF_REC_RRSIG:
		return st(v, k, ENF_REC_DNSKEY) == O;
	case ENF_REC_DNSKEY:
		return st(v, k, ENF_REC_DS) == O || st(v, k, ENF_REC_RRSIG) == O;
	case ENF_REC_RRSIGDNSKEY:
		break;
	}
	return false;
}

/* isPotentialSuccessor: s could be taking over record r from p (§4.5.3). */
static bool
potential_successor(const struct enf_view *v, const struct enf_key *s, const struct enf_key *p,
                    enum enf_record r)
{
	if (s == p || s->algorithm != p->algorithm || st(v, s, r) != R)
		return false;
	switch (r) {
	case ENF_REC_DS:
	case ENF_REC_RRSIG:
		return st(v, s, ENF_REC_DNSKEY) == O;
	case ENF_REC_DNSKEY:
		return (st(v, p, ENF_REC_DS) == O && st(v, s, ENF_REC_DS) == O) ||
		       (st(v, p, ENF_REC_RRSIG) == O && st(v, s, ENF_REC_RRSIG) == O);
	case ENF_REC_RRSIGDNSKEY:
		break;
	}
	return false;
}

/*
 * A dependency p -> s for record r lives while p's record r is unretentive: only then can a
 * swap clause use it (every predecessor pattern has the swapped record unretentive).
 * The dependencies of a view are those the pretend move leaves behind when it is committed
 * (enf_deps_after_commit): the stored ones, minus those of the moving record if it leaves
 * unretentive, plus those it records if it goes from omnipresent to unretentive next to a
 * potential successor (a record that was never omnipresent hands nothing over).
 * Deviations: upstream drops p -> s when s arrives, which clause 3d still needs for
 * s = (O, O, R); it records p -> s also when p's record was only rumoured; and it pretends
 * that the moving key is followed by every potential successor for every record type, a
 * relation that is never stored when another record moves. Each let a transition be approved
 * whose committed result no longer validated (docs/keystate.md).
 */
static bool
dep_dropped(const struct enf_view *v, const struct enf_dep *d)
{
	return v->k && v->next != U && d->record == v->rec && enf_same_id(d->from, v->k->id);
}

static bool
dep_pending(const struct enf_view *v, const struct enf_key *p, const struct enf_key *s,
            enum enf_record r)
{
	return v->k == p && v->rec == r && p->rec[r].state == O && v->next == U &&
	       successable(v, p, r) && potential_successor(v, s, p, r);
}

/* p -> s for record r in the view. */
static bool
dep_exists(const struct enf_view *v, const struct enf_key *p, const struct enf_key *s,
           enum enf_record r)
{
	for (size_t i = 0; i < v->z->n_deps; i++) {
		const struct enf_dep *d = &v->z->deps[i];

		if (d->record == r && enf_same_id(d->from, p->id) && enf_same_id(d->to, s->id) &&
		    !dep_dropped(v, d))
			return true;
	}
	return dep_pending(v, p, s, r);
}

/* x succeeds some key for record r in the view. */
static bool
is_successor(const struct enf_view *v, const struct enf_key *x, enum enf_record r)
{
	for (size_t i = 0; i < v->z->n_deps; i++) {
		const struct enf_dep *d = &v->z->deps[i];

		if (d->record == r && enf_same_id(d->to, x->id) && !dep_dropped(v, d))
			return true;
	}
	return v->k && dep_pending(v, v->k, x, r);
}

/* x stands where p stands: all four records in the same state. Deviation: upstream does
 * not compare RRSIGDNSKEY, so a key in the middle of a chain of successors could lose its
 * DNSKEY signature while its DS was the only one at the parent (docs/keystate.md). */
static bool
same_states(const struct enf_view *v, const struct enf_key *x, const struct enf_key *p)
{
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		if (st(v, x, (enum enf_record)r) != st(v, p, (enum enf_record)r))
			return false;
	}
	return true;
}

/* s succeeds p for r directly, or through a key x that stands where p stands and that s
 * succeeds (§4.5.3 a-d, over the dependencies of the view). */
static bool
succ_rec(const struct enf_view *v, const struct enf_key *s, const struct enf_key *p,
         enum enf_record r, int depth)
{
	const struct enf_zone *z = v->z;

	if (depth <= 0)
		return false;
	if (dep_exists(v, p, s, r))
		return true;
	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *x = &z->keys[i];

		if (x == p || x == s || !dep_exists(v, x, s, r) || !same_states(v, x, p))
			continue;
		if (succ_rec(v, x, p, r, depth - 1))
			return true;
	}
	return false;
}

/* s succeeds p for record r. Nothing may directly succeed a key that is itself a successor
 * for r (the chain through its own predecessor is found by succ_rec). Deviation: upstream
 * applies this across record types, which can freeze a zone in overlapping rollovers. */
static bool
successor(const struct enf_view *v, const struct enf_key *s, const struct enf_key *p,
          enum enf_record r)
{
	size_t depth = v->z->n_keys < SUCC_DEPTH_MAX ? v->z->n_keys : SUCC_DEPTH_MAX;

	if (is_successor(v, p, r))
		return false;
	return succ_rec(v, s, p, r, (int)depth);
}

/* Some same-algorithm pair p (pattern pp) -> s (pattern sp) with s succeeding p for r. */
static bool
swap_exists(const struct enf_view *v, int alg, enum enf_record r, const int pp[ENF_REC_COUNT],
            const int sp[ENF_REC_COUNT])
{
	const struct enf_zone *z = v->z;

	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *p = &z->keys[i];

		if (p->algorithm != alg || !matches(v, p, pp))
			continue;
		for (size_t j = 0; j < z->n_keys; j++) {
			const struct enf_key *s = &z->keys[j];

			if (s != p && s->algorithm == alg && matches(v, s, sp) &&
			    successor(v, s, p, r))
				return true;
		}
	}
	return false;
}

/* 3e, "unsigned OK" for DS: every same-algorithm key whose DS may be seen has its own
 * DNSKEY and DNSKEY signature omnipresent (vacuously true while no DS is visible, which is
 * what allows initial signing and going unsigned). Deviation: upstream accepts *any* key
 * whose DS is in the same state, which lets a DNSKEY go while only its own DS may be cached
 * (two overlapping KSK rollovers; see docs/keystate.md). */
static bool
visible_ds_own_chain(const struct enf_view *v, int alg)
{
	for (size_t i = 0; i < v->z->n_keys; i++) {
		const struct enf_key *x = &v->z->keys[i];
		enum enf_state s = st(v, x, ENF_REC_DS);

		if (x->algorithm != alg || s == H || s == ENF_NA)
			continue;
		if (st(v, x, ENF_REC_DNSKEY) != O || st(v, x, ENF_REC_RRSIGDNSKEY) != O)
			return false;
	}
	return true;
}

bool
enf_rule1(const struct enf_view *v)
{
	for (size_t i = 0; i < v->z->n_keys; i++) {
		enum enf_state s = st(v, &v->z->keys[i], ENF_REC_DS);

		if (s == O || s == R)
			return true;
	}
	return false;
}

bool
enf_rule2(const struct enf_view *v, int alg)
{
	static const int ooo[] = {O, O, O, ANY};
	static const int ds_p[] = {U, O, O, ANY}, ds_s[] = {R, O, O, ANY};
	static const int dk_p1[] = {O, U, U, ANY}, dk_p2[] = {O, U, O, ANY};
	static const int dk_s1[] = {O, R, R, ANY}, dk_s2[] = {O, O, R, ANY};

	return exists(v, alg, ooo) ||                               /* 3b */
	       swap_exists(v, alg, ENF_REC_DS, ds_p, ds_s) ||       /* 3c */
	       swap_exists(v, alg, ENF_REC_DNSKEY, dk_p1, dk_s1) || /* 3d */
	       swap_exists(v, alg, ENF_REC_DNSKEY, dk_p1, dk_s2) ||
	       swap_exists(v, alg, ENF_REC_DNSKEY, dk_p2, dk_s1) ||
	       swap_exists(v, alg, ENF_REC_DNSKEY, dk_p2, dk_s2) ||
	       visible_ds_own_chain(v, alg); /* 3e */
}

/* No DS of the algorithm can be seen anywhere: nobody validates with it. */
static bool
no_ds_visible(const struct enf_view *v, int alg)
{
	for (size_t i = 0; i < v->z->n_keys; i++) {
		const struct enf_key *x = &v->z->keys[i];
		enum enf_state s = st(v, x, ENF_REC_DS);

		if (x->algorithm == alg && s != H && s != ENF_NA)
			return false;
	}
	return true;
}

/* Deviation: upstream's 3i ("for every visible DNSKEY state some key in that same state has
 * omnipresent signatures") is left out. It takes records in the same state for records that
 * changed together, which they need not be: a DNSKEY rumoured for days and one rumoured
 * since now are not seen by the same resolvers (docs/keystate.md). Every flow completes
 * without it. */
bool
enf_rule3(const struct enf_view *v, int alg)
{
	static const int oo[] = {ANY, O, ANY, O};
	static const int dk_p[] = {ANY, U, ANY, O}, dk_s[] = {ANY, R, ANY, O};
	static const int rs_p[] = {ANY, O, ANY, U}, rs_s[] = {ANY, O, ANY, R};

	return exists(v, alg, oo) ||                              /* 3f */
	       swap_exists(v, alg, ENF_REC_DNSKEY, dk_p, dk_s) || /* 3g */
	       swap_exists(v, alg, ENF_REC_RRSIG, rs_p, rs_s) ||  /* 3h */
	       no_ds_visible(v, alg);
}

int
enf_dnssec_refuses(const struct enf_zone *z, const struct enf_key *k, enum enf_record r,
                   enum enf_state next, bool allow_unsigned)
{
	const struct enf_view cur = {.z = z, .k = NULL};
	const struct enf_view fut = {.z = z, .k = k, .rec = r, .next = next};

	/* Equation (1) of the paper: a rule may break only if it was already broken. */
	if (!allow_unsigned && enf_rule1(&cur) && !enf_rule1(&fut))
		return 1;
	if (enf_rule2(&cur, k->algorithm) && !enf_rule2(&fut, k->algorithm))
		return 2;
	if (enf_rule3(&cur, k->algorithm) && !enf_rule3(&fut, k->algorithm))
		return 3;
	return 0;
}

unsigned
enf_zone_broken_rules(const struct enf_zone *z, bool allow_unsigned)
{
	const struct enf_view v = {.z = z, .k = NULL};
	unsigned broken = 0;

	if (!allow_unsigned && !enf_rule1(&v))
		broken |= 1u << 1;
	for (size_t i = 0; i < z->n_keys; i++) {
		if (!enf_rule2(&v, z->keys[i].algorithm))
			broken |= 1u << 2;
		if (!enf_rule3(&v, z->keys[i].algorithm))
			broken |= 1u << 3;
	}
	return broken;
}

/* A usable KSK chain for this algorithm already exists (3b, 3c, 3d in the current zone). */
static bool
usable_ksk(const struct enf_zone *z, int alg)
{
	static const int ooo[] = {O, O, O, ANY};
	static const int ds_p[] = {U, O, O, ANY}, ds_s[] = {R, O, O, ANY};
	static const int dk_p[] = {O, U, U, ANY}, dk_s[] = {O, R, R, ANY};
	const struct enf_view v = {.z = z, .k = NULL};

	return exists(&v, alg, ooo) || swap_exists(&v, alg, ENF_REC_DS, ds_p, ds_s) ||
	       swap_exists(&v, alg, ENF_REC_DNSKEY, dk_p, dk_s);
}

/* A usable ZSK situation for this algorithm already exists (3f, 3g, 3h in the current zone). */
static bool
usable_zsk(const struct enf_zone *z, int alg)
{
	static const int oo[] = {ANY, O, ANY, O};
	static const int dk_p[] = {ANY, U, ANY, O}, dk_s[] = {ANY, R, ANY, O};
	static const int rs_p[] = {ANY, O, ANY, U}, rs_s[] = {ANY, O, ANY, R};
	const struct enf_view v = {.z = z, .k = NULL};

	return exists(&v, alg, oo) || swap_exists(&v, alg, ENF_REC_DNSKEY, dk_p, dk_s) ||
	       swap_exists(&v, alg, ENF_REC_RRSIG, rs_p, rs_s);
}

static const char *
dnskey_refused(const struct enf_zone *z, const struct enf_key *k)
{
	enum enf_state ds = k->rec[ENF_REC_DS].state, rs = k->rec[ENF_REC_RRSIG].state;

	if (!(k->minimize & ENF_MIN_DNSKEY))
		return NULL;
	if ((k->role & ENF_ROLE_ZSK) && (rs == O || rs == ENF_NA))
		return NULL;
	if ((k->role & ENF_ROLE_KSK) && (ds == O || ds == ENF_NA))
		return NULL;
	/* Minimisation is waived when this algorithm has no chain yet (initial signing,
	 * algorithm rollover): there is nothing to keep small. */
	if (!usable_ksk(z, k->algorithm))
		return NULL;
	return (k->role & ENF_ROLE_KSK) ? "DNSKEY waits until its DS is omnipresent"
	                                : "DNSKEY waits until its signatures are omnipresent";
}

const char *
enf_policy_refuses(const struct enf_zone *z, const struct enf_key *k, enum enf_record r,
                   enum enf_state next)
{
	/* Only the introduction of a record depends on the roll type. */
	if (next != R)
		return NULL;
	switch (r) {
	case ENF_REC_DS:
		if ((k->minimize & ENF_MIN_DS) && k->rec[ENF_REC_DNSKEY].state != O)
			return "DS waits until its DNSKEY is omnipresent";
		return NULL;
	case ENF_REC_DNSKEY:
		return dnskey_refused(z, k);
	case ENF_REC_RRSIGDNSKEY:
		if (k->rec[ENF_REC_DNSKEY].state == H)
			return "RRSIGDNSKEY waits until its DNSKEY is published";
		return NULL;
	case ENF_REC_RRSIG:
		if (!(k->minimize & ENF_MIN_RRSIG) || k->rec[ENF_REC_DNSKEY].state == O ||
		    !usable_zsk(z, k->algorithm))
			return NULL;
		return "signatures wait until their DNSKEY is omnipresent";
	}
	return NULL;
}

ods_err
enf_deps_after_commit(struct enf_zone *z, const struct enf_key *k, enum enf_record r,
                      enum enf_state from)
{
	const struct enf_view v = {.z = z, .k = NULL};
	enum enf_state s = k->rec[r].state;

	if (s != U) {
		/* k's record is no longer being withdrawn: nobody takes over from it. */
		size_t j = 0;

		for (size_t i = 0; i < z->n_deps; i++) {
			if (z->deps[i].record == r && enf_same_id(z->deps[i].from, k->id))
				continue;
			z->deps[j++] = z->deps[i];
		}
		z->n_deps = j;
		return ODS_OK;
	}
	if (from != O || !successable(&v, k, r))
		return ODS_OK;
	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *x = &z->keys[i];
		struct enf_dep d = {.from = k->id, .to = x->id, .record = r};
		ods_err rc;

		if (!potential_successor(&v, x, k, r) || dep_exists(&v, k, x, r))
			continue;
		rc = enf_zone_add_dep(z, &d);
		if (rc != ODS_OK)
			return rc;
	}
	return ODS_OK;
}

bool
enf_finishes_swap(const struct enf_zone *z, const struct enf_key *k, enum enf_record r)
{
	enum enf_record swapped = r == ENF_REC_RRSIGDNSKEY ? ENF_REC_DNSKEY : r;

	if (k->introducing || k->rec[r].state != R)
		return false;
	for (size_t i = 0; i < z->n_deps; i++) {
		const struct enf_dep *d = &z->deps[i];
		const struct enf_key *p;

		if (d->record != swapped || !enf_same_id(d->to, k->id))
			continue;
		p = enf_zone_key(z, d->from);
		if (p && p->rec[swapped].state == U)
			return true;
	}
	return false;
}
