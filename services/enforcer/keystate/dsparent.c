/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DS at the parent (§4.8). The engine cannot see the parent, so a key's DS record moves
 * only with the operator's word: it becomes omnipresent only after ds-seen and hidden only
 * after ds-gone (the DS user gate). When the DS record is introduced or withdrawn the engine
 * asks for a submission or a retraction (SUBMIT, RETRACT); it never marks a DS as submitted
 * on its own. SUBMITTED and RETRACTED come from the operator commands here, called by the
 * CLI handler or by the task that actually ran the configured submit or retract command.
 */
#include "services/enforcer/keystate/internal.h"

#include <inttypes.h>

static const char *
waiting_for(enum enf_ds_at_parent s, enum enf_state next)
{
	switch (s) {
	case ENF_DS_SUBMIT:
		return "waiting for ds-submit";
	case ENF_DS_SUBMITTED:
		return next == ENF_HIDDEN ? "waiting for ds-retract" : "waiting for ds-seen";
	case ENF_DS_SEEN:
	case ENF_DS_RETRACT:
		return "waiting for ds-retract";
	case ENF_DS_RETRACTED:
		return "waiting for ds-gone";
	case ENF_DS_UNSUBMITTED:
		break;
	}
	return next == ENF_HIDDEN ? "waiting for ds-gone" : "waiting for ds-submit";
}

/* Where the other keys' introduced DS records stand: none at all, only not yet submitted,
 * or at least one really sent to the parent (submitted or seen). */
enum others {
	OTHERS_NONE,
	OTHERS_UNSUBMITTED,
	OTHERS_AT_PARENT,
};

static enum others
other_ds(const struct enf_zone *z, const struct enf_key *k)
{
	enum others o = OTHERS_NONE;

	for (size_t i = 0; i < z->n_keys; i++) {
		const struct enf_key *x = &z->keys[i];
		enum enf_state s = x->rec[ENF_REC_DS].state;

		if (x == k || (s != ENF_RUMOURED && s != ENF_OMNIPRESENT))
			continue;
		if (x->ds_at_parent == ENF_DS_SUBMITTED || x->ds_at_parent == ENF_DS_SEEN)
			return OTHERS_AT_PARENT;
		o = OTHERS_UNSUBMITTED;
	}
	return o;
}

const char *
enf_ds_gate(const struct enf_zone *z, const struct enf_timing *t, const struct enf_key *k,
            enum enf_state next)
{
	enum enf_ds_at_parent s = k->ds_at_parent;

	if (next == ENF_OMNIPRESENT && s != ENF_DS_SEEN)
		return waiting_for(s, next);
	if (next == ENF_HIDDEN && s != ENF_DS_UNSUBMITTED)
		return waiting_for(s, next);
	/* Deviation: a DS that is at the parent is withdrawn only once another DS has really
	 * been submitted, so a retraction done before the submission cannot leave the parent
	 * without a DS (rule 1 counts a DS as soon as it is rumoured, even before submission).
	 * With no other DS at all, rule 1 is the one that says no. */
	if (next == ENF_UNRETENTIVE && !t->allow_unsigned &&
	    (s == ENF_DS_SUBMITTED || s == ENF_DS_SEEN) && other_ds(z, k) == OTHERS_UNSUBMITTED)
		return "waiting for ds-submit of the successor";
	return NULL;
}

void
enf_ds_bookkeep(struct enf_key *k, enum enf_state next)
{
	enum enf_ds_at_parent *s = &k->ds_at_parent;

	if (next == ENF_RUMOURED) {
		if (*s == ENF_DS_RETRACT)
			*s = ENF_DS_SUBMITTED; /* never retracted: it is still at the parent */
		else if (*s == ENF_DS_UNSUBMITTED || *s == ENF_DS_RETRACTED)
			*s = ENF_DS_SUBMIT;
	} else if (next == ENF_UNRETENTIVE) {
		if (*s == ENF_DS_SUBMIT)
			*s = ENF_DS_UNSUBMITTED; /* never submitted: nothing to retract */
		else if (*s == ENF_DS_SUBMITTED || *s == ENF_DS_SEEN)
			*s = ENF_DS_RETRACT;
	}
}

static ods_err
ds_command(struct enf_key *k, int64_t now, struct diag *d, const char *cmd,
           enum enf_ds_at_parent from, enum enf_ds_at_parent to)
{
	if (!(k->role & ENF_ROLE_KSK))
		return diag_fail(d, ODS_ESTATE, cmd, "key %" PRId64 " is a ZSK: it has no DS",
		                 k->id.v);
	if (!k->has_records || k->ds_at_parent != from)
		return diag_fail(d, ODS_ESTATE, cmd,
		                 "key %" PRId64 " (keytag %u): DS is %s at the parent, %s needs %s",
		                 k->id.v, (unsigned)k->keytag,
		                 enf_ds_at_parent_name(k->ds_at_parent), cmd,
		                 enf_ds_at_parent_name(from));
	k->ds_at_parent = to;
	/* The parent acted now: DS timing counts from here (§4.6). */
	k->rec[ENF_REC_DS].last_change = now;
	return ODS_OK;
}

ods_err
enf_ds_submitted(struct enf_key *k, int64_t now, struct diag *d)
{
	return ds_command(k, now, d, "ds-submit", ENF_DS_SUBMIT, ENF_DS_SUBMITTED);
}

ods_err
enf_ds_seen(struct enf_key *k, int64_t now, struct diag *d)
{
	return ds_command(k, now, d, "ds-seen", ENF_DS_SUBMITTED, ENF_DS_SEEN);
}

ods_err
enf_ds_retracted(struct enf_key *k, int64_t now, struct diag *d)
{
	return ds_command(k, now, d, "ds-retract", ENF_DS_RETRACT, ENF_DS_RETRACTED);
}

ods_err
enf_ds_gone(struct enf_key *k, int64_t now, struct diag *d)
{
	return ds_command(k, now, d, "ds-gone", ENF_DS_RETRACTED, ENF_DS_UNSUBMITTED);
}

const char *
enf_key_list_waiting(const struct enf_key *k)
{
	if (!(k->role & ENF_ROLE_KSK))
		return NULL;
	switch (k->ds_at_parent) {
	case ENF_DS_SUBMIT:
		return "waiting for ds-submit";
	case ENF_DS_SUBMITTED:
		return "waiting for ds-seen";
	case ENF_DS_RETRACT:
		return "waiting for ds-retract";
	case ENF_DS_RETRACTED:
		return "waiting for ds-gone";
	case ENF_DS_UNSUBMITTED:
	case ENF_DS_SEEN:
		break;
	}
	return NULL;
}
