/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kasp.xml into struct kasp. The element table below is the only list of kasp.xml names; it
 * follows kasp.rng of OpenDNSSEC 2.1 element for element, and the conf.xml walk (conf.c,
 * xml.c) reads a document against it, so limits, defaults, messages and line numbers work as
 * for conf.xml. Code of its own is needed only where the table cannot say it: the records
 * (Policy, KSK/ZSK/CSK, the NSEC/NSEC3 choice), the roll type numbering per key role, the
 * check that Denial holds one of NSEC and NSEC3, and the note of every duration written with
 * months or years, which ods-kaspcheck warns about (and whether Purge was given), and the
 * check that a Salt text, when given, is hex. kasp_write.c writes the structs back.
 */
#include "lib/conf/kasp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hex.h"
#include "lib/conf/internal.h"

#define KASP_SALT_MAX 255 /* octets: the largest Salt@length and the longest salt text */

/* clang-format off */
#define POL(m) offsetof(struct kasp_policy, m)
#define KEY(m) offsetof(struct kasp_key, m)
#define N3(m) offsetof(struct kasp_nsec3, m)

#define BLOCK(p, n, s, fl) \
	{ .parent = p, .name = n, .kind = K_BLOCK, .self = s, .flags = fl, .off = NO_FIELD }
#define LEAF(p, n, k, fl, o, lo, hi, d) \
	{ .parent = p, .name = n, .kind = k, .flags = fl, .off = o, .min = lo, .max = hi, .def = d }
#define DUR(p, n, fl, o) LEAF(p, n, K_DUR_S, fl, o, 0, INT64_MAX, NULL)
#define REQ_DUR(p, n, o) DUR(p, n, F_REQUIRED, o)
#define FLAG(p, n, o) LEAF(p, n, K_FLAG, 0, o, 0, 0, NULL)
#define ENUM(p, n, o, w, d) \
	{ .parent = p, .name = n, .kind = K_ENUM, .off = o, .words = w, .def = d }

static ods_err add_policy(struct parse *p, const struct site *s, char *base, char **inner);
static ods_err add_key(struct parse *p, const struct site *s, char *base, char **inner);
static ods_err add_nsec(struct parse *p, const struct site *s, char *base, char **inner);

#define KEY_ROWS(n) \
	{ .parent = n, .name = "Algorithm", .kind = K_INT, .flags = F_REQUIRED, \
	  .off = KEY(algorithm), .min = 0, .max = 255, .attrs = "length", .attr = "length", \
	  .attr_num = true, .attr_off = KEY(length_bits), .attr_min = 1, .attr_max = 65535 }, \
	REQ_DUR(n, "Lifetime", KEY(lifetime_s)), \
	LEAF(n, "Repository", K_STR, F_REQUIRED, KEY(repository), 1, 0, NULL), \
	LEAF(n, "Standby", K_INT, 0, KEY(standby), 0, 1000, NULL), \
	FLAG(n, "ManualRollover", KEY(manual_rollover))

#define RECORD(p, n, s, fl, fn) \
	{ .parent = p, .name = n, .kind = K_RECORD, .self = s, .flags = fl, .off = NO_FIELD, \
	  .add = fn }

static const struct elem kasp_elems[] = {
	BLOCK(N_DOC, "KASP", N_KASP, 0),
	{ .parent = N_KASP, .name = "Policy", .kind = K_RECORD, .self = N_POLICY,
	  .flags = F_REPEAT, .off = NO_FIELD, .add = add_policy, .attrs = "name", .attr = "name",
	  .attr_off = POL(name) },
	FLAG(N_POLICY, "Passthrough", POL(passthrough)),
	LEAF(N_POLICY, "Description", K_STR, F_REQUIRED, POL(description), 0, 0, NULL),
	BLOCK(N_POLICY, "Signatures", N_SIGS, F_REQUIRED),
	BLOCK(N_POLICY, "Denial", N_DENIAL, F_REQUIRED),
	BLOCK(N_POLICY, "Keys", N_KEYS, F_REQUIRED),
	BLOCK(N_POLICY, "Zone", N_ZONE, F_REQUIRED),
	BLOCK(N_POLICY, "Parent", N_PARENT, F_REQUIRED),

	REQ_DUR(N_SIGS, "Resign", POL(sig.resign_s)),
	REQ_DUR(N_SIGS, "Refresh", POL(sig.refresh_s)),
	BLOCK(N_SIGS, "Validity", N_VALIDITY, F_REQUIRED),
	REQ_DUR(N_VALIDITY, "Default", POL(sig.validity_default_s)),
	REQ_DUR(N_VALIDITY, "Denial", POL(sig.validity_denial_s)),
	DUR(N_VALIDITY, "Keyset", 0, POL(sig.validity_keyset_s)),
	REQ_DUR(N_SIGS, "Jitter", POL(sig.jitter_s)),
	REQ_DUR(N_SIGS, "InceptionOffset", POL(sig.inception_offset_s)),
	DUR(N_SIGS, "MaxZoneTTL", 0, POL(sig.max_zone_ttl_s)),

	RECORD(N_DENIAL, "NSEC", N_LEAF, 0, add_nsec),
	RECORD(N_DENIAL, "NSEC3", N_NSEC3, 0, add_nsec),
	LEAF(N_NSEC3, "TTL", K_DUR_S, 0, N3(ttl_s), 0, INT64_MAX, "PT0S"),
	FLAG(N_NSEC3, "OptOut", N3(opt_out)),
	REQ_DUR(N_NSEC3, "Resalt", N3(resalt_s)),
	BLOCK(N_NSEC3, "Hash", N_HASH, F_REQUIRED),
	LEAF(N_HASH, "Algorithm", K_INT, F_REQUIRED, N3(algorithm), 0, 255, NULL),
	LEAF(N_HASH, "Iterations", K_INT, F_REQUIRED, N3(iterations), 0, 65535, NULL),
	/* The text is optional (an export of the current salt): hex, checked by check_salt(). */
	{ .parent = N_HASH, .name = "Salt", .kind = K_STR, .flags = F_REQUIRED, .off = N3(salt),
	  .min = 0, .max = 2 * KASP_SALT_MAX, .attrs = "length", .attr = "length",
	  .attr_num = true, .attr_off = N3(salt_length), .attr_min = 0,
	  .attr_max = KASP_SALT_MAX },

	REQ_DUR(N_KEYS, "TTL", POL(keys.ttl_s)),
	REQ_DUR(N_KEYS, "RetireSafety", POL(keys.retire_safety_s)),
	REQ_DUR(N_KEYS, "PublishSafety", POL(keys.publish_safety_s)),
	FLAG(N_KEYS, "ShareKeys", POL(keys.share_keys)),
	DUR(N_KEYS, "Purge", 0, POL(keys.purge_s)),
	RECORD(N_KEYS, "KSK", N_KSK, F_REPEAT, add_key),
	RECORD(N_KEYS, "ZSK", N_ZSK, F_REPEAT, add_key),
	RECORD(N_KEYS, "CSK", N_CSK, F_REPEAT, add_key),
	KEY_ROWS(N_KSK),
	ENUM(N_KSK, "KskRollType", KEY(rolltype), "KskDoubleRRset KskDoubleDS KskDoubleSignature",
	     "KskDoubleSignature"),
	FLAG(N_KSK, "RFC5011", KEY(rfc5011)),
	KEY_ROWS(N_ZSK),
	ENUM(N_ZSK, "ZskRollType", KEY(rolltype),
	     "ZskDoubleSignature ZskPrePublication ZskDoubleRRsig", "ZskPrePublication"),
	KEY_ROWS(N_CSK),
	ENUM(N_CSK, "CskRollType", KEY(rolltype),
	     "CskDoubleRRset CskSingleSignature CskDoubleDS CskDoubleSignature CskPrePublication",
	     "CskPrePublication"),
	FLAG(N_CSK, "RFC5011", KEY(rfc5011)),

	REQ_DUR(N_ZONE, "PropagationDelay", POL(zone.propagation_delay_s)),
	BLOCK(N_ZONE, "SOA", N_ZSOA, F_REQUIRED),
	REQ_DUR(N_ZSOA, "TTL", POL(zone.soa_ttl_s)),
	REQ_DUR(N_ZSOA, "Minimum", POL(zone.soa_minimum_s)),
	{ .parent = N_ZSOA, .name = "Serial", .kind = K_ENUM, .flags = F_REQUIRED,
	  .off = POL(zone.serial), .words = "counter datecounter unixtime keep" },

	REQ_DUR(N_PARENT, "PropagationDelay", POL(parent.propagation_delay_s)),
	BLOCK(N_PARENT, "DS", N_DS, F_REQUIRED),
	REQ_DUR(N_DS, "TTL", POL(parent.ds_ttl_s)),
	BLOCK(N_PARENT, "SOA", N_PSOA, F_REQUIRED),
	REQ_DUR(N_PSOA, "TTL", POL(parent.soa_ttl_s)),
	REQ_DUR(N_PSOA, "Minimum", POL(parent.soa_minimum_s)),
	DUR(N_PARENT, "RegistrationDelay", 0, POL(parent.registration_delay_s)),
};
/* clang-format on */

#define KASP_ELEMS_N (sizeof(kasp_elems) / sizeof(kasp_elems[0]))
_Static_assert(sizeof(kasp_elems) / sizeof(kasp_elems[0]) <= ELEMS_MAX,
               "kasp_elems has more rows than the walk allows (ELEMS_MAX)");

/* What the walk's callbacks need beyond struct parse. */
struct kasp_parse {
	struct kasp *k;
	struct kasp_policy *pol; /* the Policy being read */
};

static struct kasp_parse *
kp_of(struct parse *p)
{
	return p->user;
}

static ods_err
add_policy(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct kasp *k = (struct kasp *)base;
	struct kasp_policy *all = conf_grow(k->policies, k->n_policies, sizeof(*all));

	if (all == NULL)
		return conf_oom(p);
	k->policies = all;
	kp_of(p)->pol = &all[k->n_policies++];
	kp_of(p)->pol->line = s->line;
	*inner = (char *)kp_of(p)->pol;
	return ODS_OK;
}

static ods_err
add_key(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct kasp_policy *pol = (struct kasp_policy *)base;
	struct kasp_key *all = conf_grow(pol->key, pol->n_keys, sizeof(*all));
	struct kasp_key *key;

	if (all == NULL)
		return conf_oom(p);
	pol->key = all;
	key = &all[pol->n_keys++];
	key->line = s->line;
	key->role = strcmp(s->name, "KSK") == 0   ? KASP_KSK
	            : strcmp(s->name, "ZSK") == 0 ? KASP_ZSK
	                                          : KASP_CSK;
	*inner = (char *)key;
	return ODS_OK;
}

/* NSEC and NSEC3 are a choice: the second one of them is the error. */
static ods_err
add_nsec(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct kasp_policy *pol = (struct kasp_policy *)base;
	bool is3 = strcmp(s->name, "NSEC3") == 0;

	if (pol->denial != KASP_DENIAL_NONE)
		return conf_fail(p, s, "give either <NSEC/> or <NSEC3>, not both");
	pol->denial = is3 ? KASP_DENIAL_NSEC3 : KASP_DENIAL_NSEC;
	*inner = is3 ? (char *)&pol->nsec3 : base;
	return ODS_OK;
}

/* Months and years are 31 and 365 days here, as in OpenDNSSEC; remember where they were
 * written so that kaspcheck can say so. Only the date part counts: PT5M is minutes. */
static ods_err
on_duration(struct parse *p, const struct site *s, const char *text)
{
	struct kasp *k = kp_of(p)->k;
	size_t date_len = strcspn(text, "T");
	struct kasp_month_year *all;
	char elem[160];

	/* Purge has no default, and PT0S is a value: remember that it was given. */
	if (strcmp(s->name, "Purge") == 0 && kp_of(p)->pol != NULL)
		kp_of(p)->pol->keys.has_purge = true;
	if (memchr(text, 'M', date_len) == NULL && memchr(text, 'Y', date_len) == NULL)
		return ODS_OK;
	all = conf_grow(k->month_year, k->n_month_year, sizeof(*all));
	if (all == NULL)
		return conf_oom(p);
	k->month_year = all;
	snprintf(elem, sizeof(elem), "<%s> in <%s>", s->name, s->parent ? s->parent : "");
	all[k->n_month_year].line = s->line;
	all[k->n_month_year].element = strdup(elem);
	all[k->n_month_year].text = strdup(text);
	k->n_month_year++;
	if (all[k->n_month_year - 1].element == NULL || all[k->n_month_year - 1].text == NULL)
		return conf_oom(p);
	return ODS_OK;
}

/* Roll types are numbered per role by the table; make them one enum. */
static void
number_rolltypes(struct kasp_policy *pol)
{
	for (size_t i = 0; i < pol->n_keys; i++) {
		struct kasp_key *key = &pol->key[i];

		if (key->role == KASP_ZSK)
			key->rolltype += KASP_ROLL_ZSK_DOUBLE_SIGNATURE;
		else if (key->role == KASP_CSK)
			key->rolltype += KASP_ROLL_CSK_DOUBLE_RRSET;
	}
}

/* The first element named name from k on among its siblings, or NULL. */
static xmlNode *
named_from(xmlNode *k, const char *name)
{
	for (; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, name) == 0)
			return k;
	return NULL;
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	return n != NULL ? named_from(n->children, name) : NULL;
}

/* The salt text of the NSEC3 policy pol (read from element el): hex or nothing. An empty
 * text becomes NULL, so that "no salt" has one spelling. */
static ods_err
check_salt(struct parse *p, xmlNode *el, struct kasp_policy *pol)
{
	xmlNode *salt = child(child(child(child(el, "Denial"), "NSEC3"), "Hash"), "Salt");
	struct site s = {salt ? xmlGetLineNo(salt) : pol->line, "Salt", "Hash"};
	uint8_t bin[KASP_SALT_MAX];
	size_t n;

	if (pol->nsec3.salt != NULL && pol->nsec3.salt[0] == '\0') {
		free(pol->nsec3.salt);
		pol->nsec3.salt = NULL;
	}
	if (pol->nsec3.salt == NULL || hex_decode(pol->nsec3.salt, bin, sizeof(bin), &n))
		return ODS_OK;
	return conf_fail(p, &s, "'%s' is not a salt in hex (pairs of 0-9, a-f)", pol->nsec3.salt);
}

/* What the table cannot say, per policy: NSEC or NSEC3, the roll type numbers, the salt. The
 * <Policy> elements of root are the policies in order. */
static ods_err
walk_kasp(struct parse *p, xmlNode *root)
{
	struct kasp *k = kp_of(p)->k;
	ods_err rc = conf_walk_doc(p, root, (char *)k);
	xmlNode *el = child(root, "Policy");

	for (size_t i = 0; rc == ODS_OK && i < k->n_policies; i++) {
		struct kasp_policy *pol = &k->policies[i];
		struct site s = {pol->line, "Denial", "Policy"};

		if (pol->denial == KASP_DENIAL_NONE)
			rc = conf_fail(p, &s, "needs <NSEC/> or <NSEC3>");
		number_rolltypes(pol);
		if (rc == ODS_OK)
			rc = check_salt(p, el, pol);
		el = el != NULL ? named_from(el->next, "Policy") : NULL;
	}
	return rc;
}

ods_err
kasp_load_mem(const char *name, const char *xml, size_t len, struct kasp **out, struct diag *d)
{
	struct kasp_parse kp = {0};
	struct parse p = {.name = name ? name : "kasp.xml",
	                  .d = d,
	                  .root = walk_kasp,
	                  .on_duration = on_duration,
	                  .user = &kp};
	ods_err rc;

	if (xml == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, p.name, "no policy text given");
	p.rows = kasp_elems;
	p.n_rows = KASP_ELEMS_N;
	kp.k = calloc(1, sizeof(*kp.k));
	if (kp.k == NULL)
		return conf_oom(&p);
	kp.k->path = strdup(p.name);
	rc = kp.k->path ? conf_xml_parse(&p, xml, len) : conf_oom(&p);
	if (rc != ODS_OK) {
		kasp_free(kp.k);
		return rc;
	}
	*out = kp.k;
	return ODS_OK;
}

ods_err
kasp_load(const char *path, struct kasp **out, struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	ods_err rc;

	if (path == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "kasp", "no policy file given");
	rc = conf_file_read(path, &buf, &len, d);
	if (rc == ODS_OK)
		rc = kasp_load_mem(path, buf, len, out, d);
	free(buf);
	return rc;
}

void
kasp_free(struct kasp *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n_policies; i++) {
		struct kasp_policy *pol = &k->policies[i];

		for (size_t j = 0; j < pol->n_keys; j++)
			free(pol->key[j].repository);
		free(pol->key);
		free(pol->nsec3.salt);
		free(pol->name);
		free(pol->description);
	}
	free(k->policies);
	for (size_t i = 0; i < k->n_month_year; i++) {
		free(k->month_year[i].element);
		free(k->month_year[i].text);
	}
	free(k->month_year);
	free(k->path);
	free(k);
}

const struct kasp_policy *
kasp_policy_find(const struct kasp *k, const char *name)
{
	for (size_t i = 0; k != NULL && name != NULL && i < k->n_policies; i++)
		if (k->policies[i].name != NULL && strcmp(k->policies[i].name, name) == 0)
			return &k->policies[i];
	return NULL;
}

const char *
kasp_key_role_name(enum kasp_key_role r)
{
	static const char *const names[] = {"KSK", "ZSK", "CSK"};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

const char *
kasp_rolltype_name(int rolltype)
{
	static const char *const names[] = {
	    [KASP_ROLL_KSK_DOUBLE_RRSET] = "KskDoubleRRset",
	    [KASP_ROLL_KSK_DOUBLE_DS] = "KskDoubleDS",
	    [KASP_ROLL_KSK_DOUBLE_SIGNATURE] = "KskDoubleSignature",
	    [KASP_ROLL_ZSK_DOUBLE_SIGNATURE] = "ZskDoubleSignature",
	    [KASP_ROLL_ZSK_PRE_PUBLICATION] = "ZskPrePublication",
	    [KASP_ROLL_ZSK_DOUBLE_RRSIG] = "ZskDoubleRRsig",
	    [KASP_ROLL_CSK_DOUBLE_RRSET] = "CskDoubleRRset",
	    [KASP_ROLL_CSK_SINGLE_SIGNATURE] = "CskSingleSignature",
	    [KASP_ROLL_CSK_DOUBLE_DS] = "CskDoubleDS",
	    [KASP_ROLL_CSK_DOUBLE_SIGNATURE] = "CskDoubleSignature",
	    [KASP_ROLL_CSK_PRE_PUBLICATION] = "CskPrePublication",
	};

	return rolltype >= 0 && (size_t)rolltype < sizeof(names) / sizeof(names[0])
	           ? names[rolltype]
	           : "unknown";
}

const char *
kasp_serial_name(int serial)
{
	static const char *const names[] = {"counter", "datecounter", "unixtime", "keep"};

	return serial >= 0 && (size_t)serial < sizeof(names) / sizeof(names[0]) ? names[serial]
	                                                                        : "unknown";
}
