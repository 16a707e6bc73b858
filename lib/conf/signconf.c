/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signconf.xml both ways. Reading is the conf.xml walk (conf.c, xml.c) over the table below,
 * which follows signconf.rng element for element; code of its own handles the records (Zone,
 * Key, the NSEC/NSEC3 choice) and, after the walk, what the table cannot say: the hex of
 * locators and the salt, the base64 of literal records, a key with neither a Locator nor a
 * ResourceRecord, and the SignatureResourceRecord elements, which repeat and so cannot be a
 * field of the table (the walk accepts them, read_keys() collects them). Writing checks the
 * struct against the same rules, then libxml2's text writer produces the document (through
 * xmlw.c); signconf_write_file() puts it in place with a rename.
 */
#include "lib/conf/signconf.h"

#include "lib/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/conf/internal.h"
#include "lib/conf/kasp.h"
#include "lib/conf/xmlw.h"

#define SALT_HEX_MAX 510 /* 255 octets */

/* clang-format off */
#define SC(m) offsetof(struct signconf, m)
#define SK(m) offsetof(struct signconf_key, m)

#define BLOCK(p, n, s) \
	{ .parent = p, .name = n, .kind = K_BLOCK, .self = s, .flags = F_REQUIRED, .off = NO_FIELD }
#define LEAF(p, n, k, fl, o, lo, hi) \
	{ .parent = p, .name = n, .kind = k, .flags = fl, .off = o, .min = lo, .max = hi }
#define DUR(p, n, fl, o) LEAF(p, n, K_DUR_S, fl, o, 0, INT64_MAX)
#define FLAG(p, n, o) LEAF(p, n, K_FLAG, 0, o, 0, 0)
#define RECORD(p, n, s, fl, fn) \
	{ .parent = p, .name = n, .kind = K_RECORD, .self = s, .flags = fl, .off = NO_FIELD, \
	  .add = fn }

static ods_err add_zone(struct parse *p, const struct site *s, char *base, char **inner);
static ods_err add_nsec(struct parse *p, const struct site *s, char *base, char **inner);
static ods_err add_key(struct parse *p, const struct site *s, char *base, char **inner);

static const struct elem sc_elems[] = {
	{ .parent = N_DOC, .name = "SignerConfiguration", .kind = K_BLOCK, .self = N_SC,
	  .off = NO_FIELD },
	{ .parent = N_SC, .name = "Zone", .kind = K_RECORD, .self = N_SC_ZONE,
	  .flags = F_REQUIRED, .off = NO_FIELD, .add = add_zone, .attrs = "name",
	  .attr = "name", .attr_off = SC(zone) },
	FLAG(N_SC_ZONE, "Passthrough", SC(passthrough)),
	BLOCK(N_SC_ZONE, "Signatures", N_SC_SIGS),
	BLOCK(N_SC_ZONE, "Denial", N_SC_DENIAL),
	BLOCK(N_SC_ZONE, "Keys", N_SC_KEYS),
	BLOCK(N_SC_ZONE, "SOA", N_SC_SOA),

	DUR(N_SC_SIGS, "Resign", F_REQUIRED, SC(resign_s)),
	DUR(N_SC_SIGS, "Refresh", F_REQUIRED, SC(refresh_s)),
	BLOCK(N_SC_SIGS, "Validity", N_SC_VALIDITY),
	DUR(N_SC_VALIDITY, "Default", F_REQUIRED, SC(validity_default_s)),
	DUR(N_SC_VALIDITY, "Denial", F_REQUIRED, SC(validity_denial_s)),
	DUR(N_SC_VALIDITY, "Keyset", 0, SC(validity_keyset_s)),
	DUR(N_SC_SIGS, "Jitter", F_REQUIRED, SC(jitter_s)),
	DUR(N_SC_SIGS, "InceptionOffset", F_REQUIRED, SC(inception_offset_s)),
	DUR(N_SC_SIGS, "MaxZoneTTL", 0, SC(max_zone_ttl_s)),

	RECORD(N_SC_DENIAL, "NSEC", N_LEAF, 0, add_nsec),
	RECORD(N_SC_DENIAL, "NSEC3", N_SC_NSEC3, 0, add_nsec),
	DUR(N_SC_NSEC3, "TTL", 0, SC(nsec3_ttl_s)),
	FLAG(N_SC_NSEC3, "OptOut", SC(nsec3_optout)),
	BLOCK(N_SC_NSEC3, "Hash", N_SC_HASH),
	LEAF(N_SC_HASH, "Algorithm", K_INT, F_REQUIRED, SC(nsec3_algorithm), 0, 255),
	LEAF(N_SC_HASH, "Iterations", K_INT, F_REQUIRED, SC(nsec3_iterations), 0, 65535),
	LEAF(N_SC_HASH, "Salt", K_STR, F_REQUIRED, SC(nsec3_salt), 0, SALT_HEX_MAX),

	DUR(N_SC_KEYS, "TTL", F_REQUIRED, SC(dnskey_ttl_s)),
	RECORD(N_SC_KEYS, "Key", N_SC_KEY, F_REPEAT, add_key),
	LEAF(N_SC_KEYS, "SignatureResourceRecord", K_ATTR_ONLY, F_REPEAT, NO_FIELD, 0, 0),
	LEAF(N_SC_KEY, "Flags", K_INT, F_REQUIRED, SK(flags), 0, 65535),
	LEAF(N_SC_KEY, "Algorithm", K_INT, F_REQUIRED, SK(algorithm), 0, 255),
	LEAF(N_SC_KEY, "Locator", K_STR, 0, SK(locator), 1, 0),
	LEAF(N_SC_KEY, "ResourceRecord", K_STR, 0, SK(resource_record), 1, 0),
	FLAG(N_SC_KEY, "KSK", SK(ksk)),
	FLAG(N_SC_KEY, "ZSK", SK(zsk)),
	FLAG(N_SC_KEY, "Publish", SK(publish)),
	FLAG(N_SC_KEY, "Deactivate", SK(deactivate)),

	DUR(N_SC_SOA, "TTL", F_REQUIRED, SC(soa_ttl_s)),
	DUR(N_SC_SOA, "Minimum", F_REQUIRED, SC(soa_minimum_s)),
	{ .parent = N_SC_SOA, .name = "Serial", .kind = K_ENUM, .flags = F_REQUIRED,
	  .off = SC(serial), .words = "counter datecounter unixtime keep" },
};
/* clang-format on */

_Static_assert(sizeof(sc_elems) / sizeof(sc_elems[0]) <= ELEMS_MAX,
               "sc_elems has more rows than the walk allows (ELEMS_MAX)");

/* Values: the checks that reader and writer share. */

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Pairs of hex digits (either case); "" is fine here, the caller decides about it. */
static bool
hex_ok(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return s[n] == '\0' && n % 2 == 0;
}

static bool
is_b64(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '+' || ch == '/';
}

/* xsd:base64Binary, not empty: groups of four, white space anywhere, one or two '=' at the
 * end only after a character whose unused bits are zero (the schema's B16 and B04). */
static bool
base64_ok(const char *s)
{
	char last[3] = {0}; /* the last three characters that are not white space */
	size_t n = 0, pad = 0;

	for (; *s != '\0'; s++) {
		if (is_space(*s))
			continue;
		if (*s == '=')
			pad++;
		else if (pad > 0 || !is_b64(*s))
			return false;
		last[0] = last[1];
		last[1] = last[2];
		last[2] = *s;
		n++;
	}
	if (n == 0 || n % 4 != 0 || pad > 2)
		return false;
	if (pad == 1)
		return strchr("AEIMQUYcgkosw048", last[1]) != NULL;
	if (pad == 2)
		return strchr("AQgw", last[0]) != NULL;
	return true;
}

/* Reading. */

struct sc_parse {
	struct signconf *sc;
	bool denial; /* NSEC or NSEC3 was given */
};

static ods_err
add_zone(struct parse *p, const struct site *s, char *base, char **inner)
{
	*inner = base; /* the zone's fields are the signconf's own */
	return ODS_OK;
}

/* NSEC and NSEC3 are a choice: the second one of them is the error. */
static ods_err
add_nsec(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct sc_parse *sp = p->user;

	if (sp->denial)
		return conf_fail(p, s, "give either <NSEC/> or <NSEC3>, not both");
	sp->denial = true;
	sp->sc->nsec3 = strcmp(s->name, "NSEC3") == 0;
	*inner = base;
	return ODS_OK;
}

static ods_err
add_key(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct signconf *sc = (struct signconf *)base;
	struct signconf_key *all = conf_grow(sc->keys, sc->n_keys, sizeof(*all));

	if (all == NULL)
		return conf_oom(p);
	sc->keys = all;
	all[sc->n_keys].line = s->line;
	*inner = (char *)&all[sc->n_keys++];
	return ODS_OK;
}

/* The first element named name among the children of n (NULL is fine), or NULL. */
static xmlNode *
child(xmlNode *n, const char *name)
{
	for (xmlNode *k = n != NULL ? n->children : NULL; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, name) == 0)
			return k;
	return NULL;
}

/* The site of child name of el (for its line), or of el itself when it has none. */
static struct site
site_of(xmlNode *el, const char *name, const char *parent)
{
	xmlNode *k = child(el, name);

	return (struct site){xmlGetLineNo(k != NULL ? k : el), name, parent};
}

/* Key key, read from element el: hex locator, base64 record, at least one of them. */
static ods_err
check_key(struct parse *p, xmlNode *el, const struct signconf_key *key)
{
	struct site s = {key->line, "Key", "Keys"};

	if (key->locator == NULL && key->resource_record == NULL)
		return conf_fail(p, &s, "needs <Locator> or <ResourceRecord>");
	s = site_of(el, "Locator", "Key");
	if (key->locator != NULL && !hex_ok(key->locator))
		return conf_fail(p, &s, "'%.60s' is not hex (pairs of 0-9, a-f)", key->locator);
	s = site_of(el, "ResourceRecord", "Key");
	if (key->resource_record != NULL && !base64_ok(key->resource_record))
		return conf_fail(p, &s, "'%.60s' is not base64", key->resource_record);
	return ODS_OK;
}

/* Append the text of SignatureResourceRecord element el to sc. */
static ods_err
add_signature_rr(struct parse *p, xmlNode *el, struct signconf *sc)
{
	struct site s = {xmlGetLineNo(el), "SignatureResourceRecord", "Keys"};
	char **all, *text = NULL;
	ods_err rc = conf_xml_text(p, &s, el->children, false, &text);

	if (rc != ODS_OK)
		return rc;
	if (!base64_ok(text)) {
		rc = conf_fail(p, &s, "'%.60s' is not base64", text);
		free(text);
		return rc;
	}
	all = conf_grow(sc->signature_rrs, sc->n_signature_rrs, sizeof(*all));
	if (all == NULL) {
		free(text);
		return conf_oom(p);
	}
	sc->signature_rrs = all;
	all[sc->n_signature_rrs++] = text;
	return ODS_OK;
}

/* The children of <Keys> in order: the Key elements are sc's keys, in the same order. */
static ods_err
read_keys(struct parse *p, xmlNode *keys, struct signconf *sc)
{
	size_t i = 0;
	ods_err rc = ODS_OK;

	for (xmlNode *k = keys != NULL ? keys->children : NULL; rc == ODS_OK && k != NULL;
	     k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)k->name, "Key") == 0 && i < sc->n_keys)
			rc = check_key(p, k, &sc->keys[i++]);
		else if (strcmp((const char *)k->name, "SignatureResourceRecord") == 0)
			rc = add_signature_rr(p, k, sc);
	}
	return rc;
}

/* The walk, then what the table cannot say. */
static ods_err
walk_signconf(struct parse *p, xmlNode *root)
{
	struct sc_parse *sp = p->user;
	struct signconf *sc = sp->sc;
	ods_err rc = conf_walk_doc(p, root, (char *)sc);
	xmlNode *zone = child(root, "Zone");
	struct site s;

	if (rc != ODS_OK)
		return rc;
	if (!sp->denial) {
		s = site_of(zone, "Denial", "Zone");
		return conf_fail(p, &s, "needs <NSEC/> or <NSEC3>");
	}
	s = site_of(child(child(child(zone, "Denial"), "NSEC3"), "Hash"), "Salt", "Hash");
	if (sc->nsec3 && !hex_ok(sc->nsec3_salt))
		return conf_fail(p, &s, "'%.60s' is not a salt in hex (pairs of 0-9, a-f)",
		                 sc->nsec3_salt);
	return read_keys(p, child(zone, "Keys"), sc);
}

ods_err
signconf_load_mem(const char *name, const char *xml, size_t len, struct signconf **out,
                  struct diag *d)
{
	struct sc_parse sp = {0};
	struct parse p = {.name = name ? name : "signconf.xml",
	                  .d = d,
	                  .rows = sc_elems,
	                  .n_rows = sizeof(sc_elems) / sizeof(sc_elems[0]),
	                  .root = walk_signconf,
	                  .user = &sp};
	ods_err rc;

	if (xml == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, p.name, "no signer configuration text given");
	sp.sc = calloc(1, sizeof(*sp.sc));
	if (sp.sc == NULL)
		return conf_oom(&p);
	rc = conf_xml_parse(&p, xml, len);
	if (rc != ODS_OK) {
		signconf_free(sp.sc);
		return rc;
	}
	*out = sp.sc;
	return ODS_OK;
}

ods_err
signconf_load(const char *path, struct signconf **out, struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	ods_err rc;

	if (path == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "signconf", "no signer configuration file given");
	rc = conf_file_read(path, &buf, &len, d);
	if (rc == ODS_OK)
		rc = signconf_load_mem(path, buf, len, out, d);
	free(buf);
	return rc;
}

void
signconf_free(struct signconf *sc)
{
	if (sc == NULL)
		return;
	for (size_t i = 0; i < sc->n_keys; i++) {
		free(sc->keys[i].locator);
		free(sc->keys[i].resource_record);
	}
	free(sc->keys);
	for (size_t i = 0; i < sc->n_signature_rrs; i++)
		free(sc->signature_rrs[i]);
	free(sc->signature_rrs);
	free(sc->nsec3_salt);
	free(sc->zone);
	free(sc);
}

/* Writing: checks. */

static bool
outside(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo || v > hi;
}

static ods_err
bad(struct diag *d, const char *where, const char *what, const char *why)
{
	return diag_fail(d, ODS_EINVAL, where, "%s %s", what, why);
}

/* Optional text (NULL is fine, "" too when empty_ok) that must be base64 or hex if given. */
static const char *
coded_problem(const char *s, bool empty_ok, bool (*ok)(const char *), const char *not_ok)
{
	const char *why = s != NULL ? xmlw_text_problem(s, empty_ok) : NULL;

	return why == NULL && s != NULL && s[0] != '\0' && !ok(s) ? not_ok : why;
}

static ods_err
check_key_out(const struct signconf_key *k, size_t i, const char *where, struct diag *d)
{
	const char *why;

	if (outside(k->flags, 0, 65535))
		return diag_fail(d, ODS_EINVAL, where, "<Key> %zu: <Flags> is out of range", i);
	if (outside(k->algorithm, 0, 255))
		return diag_fail(d, ODS_EINVAL, where, "<Key> %zu: <Algorithm> is out of range", i);
	if (k->locator == NULL && k->resource_record == NULL)
		return diag_fail(d, ODS_EINVAL, where,
		                 "<Key> %zu: needs a locator or a resource record", i);
	why = coded_problem(k->locator, false, hex_ok, "is not hex");
	if (why != NULL)
		return diag_fail(d, ODS_EINVAL, where, "<Key> %zu: <Locator> %s", i, why);
	why = coded_problem(k->resource_record, false, base64_ok, "is not base64");
	if (why != NULL)
		return diag_fail(d, ODS_EINVAL, where, "<Key> %zu: <ResourceRecord> %s", i, why);
	return ODS_OK;
}

static ods_err
check_nsec3_out(const struct signconf *sc, const char *where, struct diag *d)
{
	const char *why = coded_problem(sc->nsec3_salt, true, hex_ok, "is not a salt in hex");

	if (why == NULL && sc->nsec3_salt != NULL && strlen(sc->nsec3_salt) > SALT_HEX_MAX)
		why = "is longer than 255 octets";
	if (why != NULL)
		return bad(d, where, "<Salt>", why);
	if (outside(sc->nsec3_algorithm, 0, 255))
		return bad(d, where, "<Hash><Algorithm>", "is out of range 0..255");
	if (outside(sc->nsec3_iterations, 0, 65535))
		return bad(d, where, "<Hash><Iterations>", "is out of range 0..65535");
	return ODS_OK;
}

/* Everything signconf_write() needs to hold for sc to come out valid and read back the same. */
static ods_err
check_signconf(const struct signconf *sc, struct diag *d)
{
	const struct {
		const char *name;
		int64_t v;
	} durs[] = {
	    {"<Resign>", sc->resign_s},
	    {"<Refresh>", sc->refresh_s},
	    {"<Validity><Default>", sc->validity_default_s},
	    {"<Validity><Denial>", sc->validity_denial_s},
	    {"<Validity><Keyset>", sc->validity_keyset_s},
	    {"<Jitter>", sc->jitter_s},
	    {"<InceptionOffset>", sc->inception_offset_s},
	    {"<MaxZoneTTL>", sc->max_zone_ttl_s},
	    {"<NSEC3><TTL>", sc->nsec3_ttl_s},
	    {"<Keys><TTL>", sc->dnskey_ttl_s},
	    {"<SOA><TTL>", sc->soa_ttl_s},
	    {"<SOA><Minimum>", sc->soa_minimum_s},
	};
	char where[DIAG_WHERE_MAX];
	const char *why = xmlw_text_problem(sc->zone, false);
	ods_err rc = ODS_OK;

	if (why != NULL)
		return bad(d, "signconf.xml", "zone name", why);
	snprintf(where, sizeof(where), "signconf of '%.100s'", sc->zone);
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++)
		if (durs[i].v < 0)
			return bad(d, where, durs[i].name, "is negative");
	if (sc->nsec3)
		rc = check_nsec3_out(sc, where, d);
	if (rc == ODS_OK && outside(sc->serial, KASP_SERIAL_COUNTER, KASP_SERIAL_KEEP))
		rc = bad(d, where, "<Serial>", "is not counter, datecounter, unixtime or keep");
	if (rc == ODS_OK && sc->n_keys > 0 && sc->keys == NULL)
		rc = bad(d, where, "<Keys>", "are counted but missing");
	for (size_t i = 0; rc == ODS_OK && i < sc->n_keys; i++)
		rc = check_key_out(&sc->keys[i], i, where, d);
	if (rc == ODS_OK && sc->n_signature_rrs > 0 && sc->signature_rrs == NULL)
		rc = bad(d, where, "<SignatureResourceRecord>", "are counted but missing");
	for (size_t i = 0; rc == ODS_OK && i < sc->n_signature_rrs; i++) {
		why = sc->signature_rrs[i] == NULL
		          ? "is empty"
		          : coded_problem(sc->signature_rrs[i], false, base64_ok, "is not base64");
		if (why != NULL)
			rc = diag_fail(d, ODS_EINVAL, where, "<SignatureResourceRecord> %zu %s", i,
			               why);
	}
	return rc;
}

/* Writing: the document. */

static void
write_signatures(struct xmlw *x, const struct signconf *sc)
{
	xmlw_open(x, "Signatures");
	xmlw_dur(x, "Resign", sc->resign_s);
	xmlw_dur(x, "Refresh", sc->refresh_s);
	xmlw_open(x, "Validity");
	xmlw_dur(x, "Default", sc->validity_default_s);
	xmlw_dur(x, "Denial", sc->validity_denial_s);
	if (sc->validity_keyset_s > 0)
		xmlw_dur(x, "Keyset", sc->validity_keyset_s);
	xmlw_close(x);
	xmlw_dur(x, "Jitter", sc->jitter_s);
	xmlw_dur(x, "InceptionOffset", sc->inception_offset_s);
	if (sc->max_zone_ttl_s > 0)
		xmlw_dur(x, "MaxZoneTTL", sc->max_zone_ttl_s);
	xmlw_close(x);
}

static void
write_denial(struct xmlw *x, const struct signconf *sc)
{
	xmlw_open(x, "Denial");
	if (!sc->nsec3) {
		xmlw_flag(x, "NSEC", true);
	} else {
		xmlw_open(x, "NSEC3");
		if (sc->nsec3_ttl_s > 0)
			xmlw_dur(x, "TTL", sc->nsec3_ttl_s);
		xmlw_flag(x, "OptOut", sc->nsec3_optout);
		xmlw_open(x, "Hash");
		xmlw_int(x, "Algorithm", sc->nsec3_algorithm);
		xmlw_int(x, "Iterations", sc->nsec3_iterations);
		xmlw_text(x, "Salt", sc->nsec3_salt);
		xmlw_close(x);
		xmlw_close(x);
	}
	xmlw_close(x);
}

static void
write_keys(struct xmlw *x, const struct signconf *sc)
{
	xmlw_open(x, "Keys");
	xmlw_dur(x, "TTL", sc->dnskey_ttl_s);
	for (size_t i = 0; i < sc->n_keys; i++) {
		const struct signconf_key *k = &sc->keys[i];

		xmlw_open(x, "Key");
		xmlw_int(x, "Flags", k->flags);
		xmlw_int(x, "Algorithm", k->algorithm);
		if (k->locator != NULL)
			xmlw_text(x, "Locator", k->locator);
		if (k->resource_record != NULL)
			xmlw_text(x, "ResourceRecord", k->resource_record);
		xmlw_flag(x, "KSK", k->ksk);
		xmlw_flag(x, "ZSK", k->zsk);
		xmlw_flag(x, "Publish", k->publish);
		xmlw_flag(x, "Deactivate", k->deactivate);
		xmlw_close(x);
	}
	for (size_t i = 0; i < sc->n_signature_rrs; i++)
		xmlw_text(x, "SignatureResourceRecord", sc->signature_rrs[i]);
	xmlw_close(x);
}

ods_err
signconf_write(const struct signconf *sc, char **out, size_t *len, struct diag *d)
{
	struct xmlw x = {0};
	ods_err rc;

	if (sc == NULL || out == NULL || len == NULL)
		return diag_fail(d, ODS_EINVAL, "signconf.xml", "no zone or nowhere to put it");
	rc = check_signconf(sc, d);
	if (rc == ODS_OK)
		rc = xmlw_begin(&x, "SignerConfiguration", d);
	if (rc != ODS_OK)
		return rc;
	xmlw_open(&x, "Zone");
	xmlw_attr(&x, "name", sc->zone);
	xmlw_flag(&x, "Passthrough", sc->passthrough);
	write_signatures(&x, sc);
	write_denial(&x, sc);
	write_keys(&x, sc);
	xmlw_open(&x, "SOA");
	xmlw_dur(&x, "TTL", sc->soa_ttl_s);
	xmlw_dur(&x, "Minimum", sc->soa_minimum_s);
	xmlw_text(&x, "Serial", kasp_serial_name(sc->serial));
	xmlw_close(&x);
	return xmlw_end(&x, "SignerConfiguration", out, len, d);
}

/* Writing: the file. */

ods_err
signconf_write_file(const struct signconf *sc, const char *path, struct diag *d)
{
	char *text = NULL;
	size_t len = 0;
	ods_err rc;

	if (path == NULL || path[0] == '\0')
		return diag_fail(d, ODS_EINVAL, "signconf.xml", "no file name given");
	rc = signconf_write(sc, &text, &len, d);
	if (rc == ODS_OK)
		rc = file_replace(path, text, len, d);
	free(text);
	return rc;
}
