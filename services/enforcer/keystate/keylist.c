/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The 1.x key states that `key list` shows and `key import --keystate` accepts (§4.11):
 * generate, publish, ready, active, retire. They are a projection of the four record states
 * on two records: for a ZSK the DNSKEY and its signatures, for a KSK the DS and the DNSKEY; a
 * CSK shows one name if both projections agree and "mixed" if not. Import goes the other way
 * through a fixed table, for KSKs and ZSKs only, as upstream.
 */
#include "services/enforcer/keystate/keystate.h"

#include <string.h>

#include "services/enforcer/keystate/internal.h"

#define H ENF_HIDDEN
#define R ENF_RUMOURED
#define O ENF_OMNIPRESENT
#define U ENF_UNRETENTIVE
#define NA ENF_NA

static bool
shown(enum enf_state s)
{
	return s == O || s == R;
}

/* One projection: p is the record closer to the parent, c the one that depends on it. */
static const char *
project(enum enf_state p, enum enf_state c, bool introducing, bool ds_seen)
{
	if (p == O && c == O)
		return "active";
	if (p == R && ds_seen && c == O)
		return "active";
	if (introducing) {
		if (p == H && c == H)
			return "generate";
		if (p == H || c == H)
			return "publish";
		if (shown(p) || shown(c))
			return "ready";
		return "unknown";
	}
	if (p == U || c == U || (p == H && c == H))
		return "retire";
	if (shown(p) || shown(c))
		return "ready";
	return "retire";
}

const char *
enf_key_list_state(const struct enf_key *k)
{
	const enum enf_state ds = k->rec[ENF_REC_DS].state, dk = k->rec[ENF_REC_DNSKEY].state;
	const enum enf_state rs = k->rec[ENF_REC_RRSIG].state;
	const char *ksk, *zsk;

	if (!k->has_records)
		return k->introducing ? "generate" : "retire";
	ksk = project(ds, dk, k->introducing, k->ds_at_parent == ENF_DS_SEEN);
	zsk = project(dk, rs, k->introducing, false);
	switch (k->role) {
	case ENF_ROLE_KSK:
		return ksk;
	case ENF_ROLE_ZSK:
		return zsk;
	case ENF_ROLE_CSK:
		return strcmp(ksk, zsk) == 0 ? ksk : "mixed";
	default:
		return "unknown";
	}
}

/* key import: the record states, goal and DS state for each 1.x name (§4.11). */
struct import_row {
	const char *name;
	unsigned role;
	enum enf_state rec[ENF_REC_COUNT]; /* DS, DNSKEY, RRSIGDNSKEY, RRSIG */
	enum enf_ds_at_parent ds;
	bool introducing;
};

static const struct import_row import_rows[] = {
    {"generate", ENF_ROLE_KSK, {H, H, H, NA}, ENF_DS_UNSUBMITTED, true},
    {"publish", ENF_ROLE_KSK, {H, R, R, NA}, ENF_DS_UNSUBMITTED, true},
    {"ready", ENF_ROLE_KSK, {R, O, O, NA}, ENF_DS_SUBMIT, true},
    {"active", ENF_ROLE_KSK, {R, O, O, NA}, ENF_DS_SEEN, true},
    {"retire", ENF_ROLE_KSK, {U, O, O, NA}, ENF_DS_RETRACTED, false},
    {"generate", ENF_ROLE_ZSK, {NA, H, NA, H}, ENF_DS_UNSUBMITTED, true},
    {"publish", ENF_ROLE_ZSK, {NA, R, NA, H}, ENF_DS_UNSUBMITTED, true},
    {"ready", ENF_ROLE_ZSK, {NA, O, NA, R}, ENF_DS_UNSUBMITTED, true},
    {"active", ENF_ROLE_ZSK, {NA, O, NA, O}, ENF_DS_UNSUBMITTED, true},
    {"retire", ENF_ROLE_ZSK, {NA, O, NA, U}, ENF_DS_UNSUBMITTED, false},
};

ods_err
enf_key_import_state(struct enf_key *k, const char *state, const struct enf_timing *t, int64_t now,
                     struct diag *d)
{
	const struct import_row *row = NULL;

	if (k->role != ENF_ROLE_KSK && k->role != ENF_ROLE_ZSK)
		return diag_fail(d, ODS_EINVAL, "keytype",
		                 "key import takes a KSK or a ZSK, not %s", enf_role_name(k->role));
	for (size_t i = 0; i < sizeof(import_rows) / sizeof(import_rows[0]); i++) {
		if (import_rows[i].role == k->role && strcmp(import_rows[i].name, state) == 0)
			row = &import_rows[i];
	}
	if (!row)
		return diag_fail(d, ODS_EINVAL, "keystate",
		                 "'%s' is not one of generate, publish, ready, active, retire",
		                 state);
	for (int r = 0; r < ENF_REC_COUNT; r++) {
		k->rec[r].state = row->rec[r];
		k->rec[r].last_change = now;
		k->rec[r].ttl_s = enf_ttl_published(t, (enum enf_record)r);
	}
	k->ds_at_parent = row->ds;
	k->introducing = row->introducing;
	k->has_records = true;
	return ODS_OK;
}
