/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conf.xml loader. libxml2 parses the text with a parser context of our own, so concurrent
 * loads share nothing and libxml2 never prints to stderr; its first syntax error is kept with
 * its line. One recursive walk then checks each element against the table `conf_elems` in
 * schema.c, which gives for every element its parent, its type, its range, its default and the
 * field it fills in struct ods_conf. Nothing else in this file knows element names except the
 * few element kinds that create records (Repository, Listen, Endpoint). A Repository's type
 * attribute ("pkcs11" or "software") decides which of its rows apply; the table marks them
 * F_PKCS11 or F_SOFTWARE and repo_check() applies that once the Repository has been read.
 * Defaults are written in the table as conf.xml text and go through the same checks as the
 * file; host:port and URL values are checked by url.c. After the walk, one pass fills in the
 * defaults that depend on other values (SignerThreads, the default listeners and endpoints) and
 * checks that every tls+tcp URL has a certificate, a key and a CA.
 */
#include "lib/conf/conf.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "lib/base/log.h"
#include "lib/conf/duration.h"
#include "lib/conf/internal.h"
#include "lib/conf/url.h"

#define CONF_DEFAULT_PATH "/etc/opendnssec/conf.xml"
#define CONF_FILE_MAX (4u << 20) /* a conf.xml is a few KiB; refuse anything absurd */

/* libxml2 2.12 made the structured error handler take a const pointer. */
#if LIBXML_VERSION >= 21200
#define XML_ERR_CONST const
#else
#define XML_ERR_CONST
#endif

/* One element being read, for messages: "<name> in <parent>". line 0 = a built-in default. */
struct site {
	long line;
	const char *name;
	const char *parent; /* NULL for the root */
};

/* A tls+tcp URL seen during the walk; checked once Cluster/TLS has surely been read. */
struct tls_use {
	struct site site;
	const char *url; /* owned by the conf */
	bool listen;
	bool has_ca; /* Listen@ca given */
};

struct parse {
	const char *name; /* for messages: the path as given */
	struct ods_conf *c;
	struct diag *d;
	struct tls_use *tls;
	size_t n_tls;
	bool xml_failed; /* first libxml2 error, kept by xml_keep() */
	long xml_line;
	char xml_msg[200];
};

static ods_err walk(struct parse *p, xmlNode *n, const struct site *ns, const struct elem *er,
                    char *base);

static ods_err
oom(struct parse *p)
{
	return diag_fail(p->d, ODS_ENOMEM, p->name, "out of memory");
}

static ods_err fail(struct parse *p, const struct site *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ods_err
fail(struct parse *p, const struct site *s, const char *fmt, ...)
{
	char where[DIAG_WHERE_MAX], what[DIAG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (s->line > 0)
		snprintf(where, sizeof(where), "%s:%ld", p->name, s->line);
	else
		snprintf(where, sizeof(where), "%s", p->name);
	/* A default that fails its own check is our bug, not the user's. */
	return diag_fail(p->d, s->line > 0 ? ODS_EINVAL : ODS_EINTERNAL, where, "<%s>%s%s%s: %s",
	                 s->name, s->parent ? " in <" : "", s->parent ? s->parent : "",
	                 s->parent ? ">" : "", what);
}

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The array arr of n elements of size sz, reallocated with a zeroed slot n at the end; NULL
 * (arr untouched) when out of memory. The caller stores the result and counts the slot. */
static void *
grow(void *arr, size_t n, size_t sz)
{
	char *grown = realloc(arr, (n + 1) * sz);

	if (grown != NULL)
		memset(grown + n * sz, 0, sz);
	return grown;
}

static ods_err
put_str(struct parse *p, char **dst, const char *v)
{
	char *copy = strdup(v);

	if (copy == NULL)
		return oom(p);
	free(*dst);
	*dst = copy;
	return ODS_OK;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A whole decimal number: digits only, no sign, no spaces, no overflow. */
static bool
parse_whole(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (*s != '\0')
		return false;
	*out = v;
	return true;
}

/* Concatenate the text and CDATA nodes of a child list (an element's or an attribute's).
 * Entity references are refused rather than expanded. Trimmed unless raw. */
static ods_err
collect_text(struct parse *p, const struct site *s, const xmlNode *first, bool raw, char **out)
{
	char *buf = NULL;
	size_t len = 0;

	for (const xmlNode *t = first; t != NULL; t = t->next) {
		size_t add;
		char *grown;

		if (t->type == XML_COMMENT_NODE || t->type == XML_PI_NODE)
			continue;
		if (t->type == XML_ELEMENT_NODE) {
			free(buf);
			return fail(p, s, "takes a value, not the element <%s>",
			            (const char *)t->name);
		}
		if (t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE) {
			free(buf);
			return fail(p, s, "entity references are not supported");
		}
		add = t->content ? strlen((const char *)t->content) : 0;
		if (len + add > TEXT_MAX) {
			free(buf);
			return fail(p, s, "value is longer than %d bytes", TEXT_MAX);
		}
		grown = realloc(buf, len + add + 1);
		if (grown == NULL) {
			free(buf);
			return oom(p);
		}
		buf = grown;
		memcpy(buf + len, t->content, add);
		len += add;
		buf[len] = '\0';
	}
	if (buf == NULL)
		buf = strdup("");
	if (buf == NULL)
		return oom(p);
	if (!raw) {
		size_t start = 0;

		while (len > 0 && is_space(buf[len - 1]))
			buf[--len] = '\0';
		while (is_space(buf[start]))
			start++;
		memmove(buf, buf + start, len - start + 1);
	}
	*out = buf;
	return ODS_OK;
}

/* Attribute `name` of k, trimmed, into *out (NULL when absent). */
static ods_err
attr_get(struct parse *p, const xmlNode *k, const struct site *s, const char *name, char **out)
{
	ods_err rc;
	char *v;

	for (const xmlAttr *a = k->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		rc = collect_text(p, s, a->children, false, &v);
		if (rc != ODS_OK)
			return rc;
		if (v[0] == '\0') {
			free(v);
			return fail(p, s, "attribute %s is empty", name);
		}
		*out = v;
		return ODS_OK;
	}
	*out = NULL;
	return ODS_OK;
}

static bool
word_in(const char *list, const char *w)
{
	size_t n = strlen(w);

	while (list != NULL && *list != '\0') {
		size_t len = strcspn(list, " ");

		if (len == n && strncmp(list, w, n) == 0)
			return true;
		list += len;
		list += strspn(list, " ");
	}
	return false;
}

static ods_err
check_attrs(struct parse *p, const xmlNode *k, const struct site *s, const struct elem *e)
{
	/* Namespaced attributes (xsi:schemaLocation and the like) are not ours to judge. */
	for (const xmlAttr *a = k->properties; a != NULL; a = a->next)
		if (a->ns == NULL && !word_in(e->attrs, (const char *)a->name))
			return fail(p, s, "unknown attribute '%s'", (const char *)a->name);
	return ODS_OK;
}

static bool
has_child(const xmlNode *k, const char *name)
{
	for (const xmlNode *c = k->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return true;
	return false;
}

static ods_err
add_warning(struct parse *p, const struct site *s, const char *why)
{
	char *w = str_printf("%s:%ld: <%s> in <%s> ignored: %s", p->name, s->line, s->name,
	                     s->parent ? s->parent : "", why);
	char **all = w ? grow(p->c->warnings, p->c->n_warnings, sizeof(*all)) : NULL;

	if (all == NULL) {
		free(w);
		return oom(p);
	}
	p->c->warnings = all;
	all[p->c->n_warnings++] = w;
	return ODS_OK;
}

/* Listen and Endpoint: append the URL to the service; remember tls+tcp for finish(). */
static ods_err
add_url(struct parse *p, const struct site *s, const struct elem *e, struct conf_service *svc,
        const char *url, const xmlNode *k)
{
	char *copy = NULL, *role = NULL, *ca = NULL;
	struct tls_use *uses;
	bool used = false;
	ods_err rc = ODS_ENOMEM;

	if (e->kind == K_LISTEN && k != NULL) {
		rc = attr_get(p, k, s, "role", &role);
		if (rc == ODS_OK)
			rc = attr_get(p, k, s, "ca", &ca);
		if (rc != ODS_OK)
			goto out;
		rc = ODS_ENOMEM;
	}
	copy = strdup(url);
	if (copy == NULL)
		goto out;
	if (conf_url_is_tls(url)) {
		uses = grow(p->tls, p->n_tls, sizeof(*uses));
		if (uses == NULL)
			goto out;
		p->tls = uses;
		uses[p->n_tls++] = (struct tls_use){*s, copy, e->kind == K_LISTEN, ca != NULL};
		used = true;
	}
	if (e->kind == K_LISTEN) {
		struct conf_listen *l = grow(svc->listen, svc->n_listen, sizeof(*l));

		if (l == NULL)
			goto out;
		svc->listen = l;
		l[svc->n_listen++] = (struct conf_listen){copy, role, ca};
	} else {
		char **eps = grow(svc->endpoints, svc->n_endpoints, sizeof(*eps));

		if (eps == NULL)
			goto out;
		svc->endpoints = eps;
		eps[svc->n_endpoints++] = copy;
	}
	return ODS_OK;
out:
	if (used)
		p->n_tls--;
	free(copy);
	free(role);
	free(ca);
	return rc == ODS_ENOMEM ? oom(p) : rc;
}

/* Check value v of leaf e against its kind and range; numbers and durations go to *num. */
static ods_err
check_value(struct parse *p, const struct site *s, const struct elem *e, const char *v,
            int64_t *num)
{
	int64_t lo = e->min, hi = e->max ? e->max : TEXT_MAX;
	size_t len = strlen(v);
	const char *why = NULL;
	char a[32], b[32];

	switch (e->kind) {
	case K_STR:
	case K_PATH:
		if (len == 0 && lo > 0)
			return fail(p, s, "is empty");
		if ((int64_t)len < lo || (int64_t)len > hi)
			return fail(p, s, "'%s' is not %" PRId64 " to %" PRId64 " bytes long", v,
			            lo, hi);
		return ODS_OK;
	case K_FACILITY:
		if (log_facility_value(v) < 0)
			return fail(p, s,
			            "'%s' is not a syslog facility (kern, user, mail, daemon, "
			            "auth, ..., local0 to local7)",
			            v);
		return ODS_OK;
	case K_INT:
	case K_I64:
	case K_SIZE:
		if (!parse_whole(v, num))
			return fail(p, s, "'%s' is not a whole number", v);
		if (*num < lo || *num > hi)
			return fail(p, s, "%s is out of range %" PRId64 "..%" PRId64, v, lo, hi);
		return ODS_OK;
	case K_DUR_S:
	case K_DUR_MS:
		if (duration_parse(v, num) != ODS_OK)
			return fail(p, s,
			            "'%s' is not a duration such as PT3600S, P1D or P1Y2M3DT4H", v);
		duration_format(lo, a, sizeof(a));
		duration_format(hi, b, sizeof(b));
		if (*num < lo && hi == INT64_MAX)
			return fail(p, s, "%s is shorter than %s", v, a);
		if (*num < lo || *num > hi)
			return fail(p, s, "%s is out of range %s..%s", v, a, b);
		return ODS_OK;
	case K_FLAG:
		if (len != 0)
			return fail(p, s, "takes no value, but '%s' was given; write <%s/>", v,
			            e->name);
		return ODS_OK;
	case K_HOSTPORT:
		why = conf_hostport_check(v);
		break;
	case K_LISTEN:
	case K_ENDPOINT:
		why = conf_url_check(v);
		break;
	default:
		return fail(p, s, "internal error: not a leaf");
	}
	return why ? fail(p, s, "'%s' %s", v, why) : ODS_OK;
}

/* Check value v of leaf e and store it at base + e->off. k is the element (NULL for a
 * default), needed for the attributes of Listen. */
static ods_err
leaf(struct parse *p, const struct site *s, const struct elem *e, char *base, const char *v,
     const xmlNode *k)
{
	void *dst = e->off == NO_FIELD ? NULL : base + e->off;
	int64_t num = 0;
	ods_err rc = check_value(p, s, e, v, &num);

	if (rc != ODS_OK)
		return rc;
	if (e->kind == K_LISTEN || e->kind == K_ENDPOINT)
		return add_url(p, s, e, (struct conf_service *)base, v, k);
	if (dst == NULL)
		return ODS_OK;
	switch (e->kind) {
	case K_INT:
		*(int *)dst = (int)num;
		break;
	case K_I64:
	case K_DUR_S:
		*(int64_t *)dst = num;
		break;
	case K_SIZE:
		*(size_t *)dst = (size_t)num;
		break;
	case K_DUR_MS:
		*(int *)dst = (int)(num * 1000);
		break;
	case K_FLAG:
		*(bool *)dst = true;
		break;
	default:
		return put_str(p, dst, v);
	}
	return ODS_OK;
}

/* Fill in the defaults of row e (recursively for a block that was not in the file). */
static ods_err
apply_default(struct parse *p, const struct elem *e, char *base)
{
	struct site s = {0, e->name, NULL};
	ods_err rc = ODS_OK;

	if (e->kind == K_BLOCK) {
		char *inner = e->off == NO_FIELD ? base : base + e->off;

		if (e->flags & (F_WARN | F_REPEAT))
			return ODS_OK;
		for (size_t i = 0; i < CONF_ELEMS_N && rc == ODS_OK; i++)
			if (conf_elems[i].parent == e->self)
				rc = apply_default(p, &conf_elems[i], inner);
		return rc;
	}
	if (e->def == NULL)
		return ODS_OK;
	return leaf(p, &s, e, base, e->def, NULL);
}

/* Repository@type into *out; absent means pkcs11. */
static ods_err
repo_type(struct parse *p, const xmlNode *k, const struct site *s, enum conf_repo_type *out)
{
	static const enum conf_repo_type types[] = {CONF_REPO_PKCS11, CONF_REPO_SOFTWARE};
	char *v;
	ods_err rc = attr_get(p, k, s, "type", &v);

	if (rc != ODS_OK || v == NULL)
		return rc;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(v, conf_repo_type_name(types[i])) == 0) {
			free(v);
			*out = types[i];
			return ODS_OK;
		}
	}
	rc = fail(p, s, "type '%s' is not \"pkcs11\" or \"software\"", v);
	free(v);
	return rc;
}

/* The rules that depend on Repository@type, checked after the walk (schema rows flagged
 * F_PKCS11 or F_SOFTWARE): an element of the other type is an error at its own line; the
 * F_REQUIRED rows of this type must be there; and a software repository takes exactly one of
 * its F_SOFTWARE rows (the key-encryption key, from a file or from the environment). */
static ods_err
repo_check(struct parse *p, const xmlNode *k, const struct site *rs,
           const struct conf_repository *r)
{
	bool soft = r->type == CONF_REPO_SOFTWARE;
	unsigned mine = soft ? F_SOFTWARE : F_PKCS11, other = soft ? F_PKCS11 : F_SOFTWARE;
	const struct elem *kek = NULL;
	long kek_line = 0;
	char list[128] = "";
	size_t used = 0;

	for (const xmlNode *c = k->children; c != NULL; c = c->next) {
		struct site cs = {xmlGetLineNo(c), (const char *)c->name, rs->name};
		const struct elem *e;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		e = conf_elem_find(N_REPO, cs.name); /* the walk has accepted every child */
		if (e == NULL || !(e->flags & (F_PKCS11 | F_SOFTWARE)))
			continue;
		if (e->flags & other)
			return soft ? fail(p, &cs,
			                   "not used by a software repository "
			                   "(type=\"software\"); remove it")
			            : fail(p, &cs,
			                   "only a software repository (type=\"software\") "
			                   "uses it");
		if (soft && kek != NULL)
			return fail(p, &cs,
			            "give either <%s> or <%s>, not both (the other is on "
			            "line %ld)",
			            kek->name, cs.name, kek_line);
		if (soft) {
			kek = e;
			kek_line = cs.line;
		}
	}
	for (size_t i = 0; i < CONF_ELEMS_N; i++) {
		const struct elem *e = &conf_elems[i];

		if (e->parent != N_REPO || !(e->flags & mine))
			continue;
		if ((e->flags & F_REQUIRED) && !has_child(k, e->name))
			return fail(p, rs, "missing <%s>", e->name);
		if (soft && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s<%s>",
			                         used ? " or " : "", e->name);
	}
	if (soft && kek == NULL)
		return fail(p, rs, "a software repository needs its key-encryption key: add %s",
		            list);
	return ODS_OK;
}

static ods_err
add_repository(struct parse *p, xmlNode *k, const struct site *s, const struct elem *e,
               struct ods_conf *c)
{
	struct conf_repository *r;
	struct site rs = *s;
	char label[96];
	char *name;
	ods_err rc;

	rc = attr_get(p, k, s, "name", &name);
	if (rc != ODS_OK)
		return rc;
	if (name == NULL)
		return fail(p, s, "the name attribute is required");
	for (size_t i = 0; i < c->n_repos; i++) {
		if (strcmp(c->repos[i].name, name) == 0) {
			rc = fail(p, s, "name '%s' is already used on line %d", name,
			          c->repos[i].line);
			free(name);
			return rc;
		}
	}
	r = grow(c->repos, c->n_repos, sizeof(*r));
	if (r == NULL) {
		free(name);
		return oom(p);
	}
	c->repos = r;
	r = &r[c->n_repos++];
	r->name = name;
	r->line = (int)s->line;
	rc = repo_type(p, k, s, &r->type);
	if (rc != ODS_OK)
		return rc;
	snprintf(label, sizeof(label), "Repository name=\"%s\"", name);
	rs.name = label; /* children say "<Module> in <Repository name="SoftHSM">" */
	rc = walk(p, k, &rs, e, (char *)r);
	if (rc == ODS_OK)
		rc = repo_check(p, k, &rs, r);
	return rc;
}

static ods_err
unknown(struct parse *p, const struct site *s, const struct elem *er)
{
	char list[260] = "";
	size_t used = 0;

	for (size_t i = 0; i < CONF_ELEMS_N; i++) {
		const struct elem *e = &conf_elems[i];

		if (e->parent != er->self || e->kind == K_REJECT)
			continue;
		if (strcasecmp(e->name, s->name) == 0)
			return fail(p, s, "unknown element, did you mean <%s>?", e->name);
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			                         used ? ", " : "", e->name);
	}
	if (used == 0)
		return fail(p, s, "unknown element (<%s> has no child elements)", er->name);
	return fail(p, s, "unknown element (expected %s)", list);
}

/* One child element k of a container, described by row e. */
static ods_err
element(struct parse *p, xmlNode *k, const struct site *s, const struct elem *e, char *base)
{
	ods_err rc;
	char *text;

	rc = check_attrs(p, k, s, e);
	if (rc != ODS_OK)
		return rc;
	switch (e->kind) {
	case K_BLOCK:
		if (e->flags & F_WARN) {
			rc = add_warning(p, s, e->note);
			if (rc != ODS_OK)
				return rc;
		}
		return walk(p, k, s, e, e->off == NO_FIELD ? base : base + e->off);
	case K_REPO:
		return add_repository(p, k, s, e, (struct ods_conf *)base);
	case K_REJECT:
		return fail(p, s, "%s", e->note);
	default:
		rc = collect_text(p, s, k->children, (e->flags & F_RAW) != 0, &text);
		if (rc != ODS_OK)
			return rc;
		rc = leaf(p, s, e, base, text, k);
		free(text);
		return rc;
	}
}

/* Walk the children of container n (row er, site ns), then default what was not there. */
static ods_err
walk(struct parse *p, xmlNode *n, const struct site *ns, const struct elem *er, char *base)
{
	long seen[CONF_ELEMS_N] = {0}; /* line of the first occurrence of each row */
	ods_err rc;

	for (xmlNode *k = n->children; k != NULL; k = k->next) {
		struct site s = {xmlGetLineNo(k), (const char *)k->name, ns->name};
		const struct elem *e;
		const xmlChar *t;

		if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
			for (t = k->content; t != NULL && is_space((char)*t); t++)
				;
			/* Reported at the container: libxml2 dates a text node by where it ends. */
			if (t != NULL && *t != '\0')
				return fail(p, ns, "unexpected text '%.40s'", (const char *)t);
			continue;
		}
		if (k->type == XML_ENTITY_REF_NODE)
			return fail(p, ns, "entity references are not supported");
		if (k->type != XML_ELEMENT_NODE)
			continue; /* comments, processing instructions */
		e = conf_elem_find(er->self, s.name);
		if (e == NULL)
			return unknown(p, &s, er);
		if (seen[e - conf_elems] != 0 && !(e->flags & F_REPEAT))
			return fail(p, &s, "given twice (first on line %ld)", seen[e - conf_elems]);
		if (seen[e - conf_elems] == 0)
			seen[e - conf_elems] = s.line > 0 ? s.line : 1;
		rc = element(p, k, &s, e, base);
		if (rc != ODS_OK)
			return rc;
	}
	for (size_t i = 0; i < CONF_ELEMS_N; i++) {
		if (conf_elems[i].parent != er->self || seen[i] != 0)
			continue;
		/* A Repository's typed rows are checked by repo_check(), which knows the type. */
		if ((conf_elems[i].flags & F_REQUIRED) &&
		    !(conf_elems[i].flags & (F_PKCS11 | F_SOFTWARE)))
			return fail(p, ns, "missing <%s>", conf_elems[i].name);
		rc = apply_default(p, &conf_elems[i], base);
		if (rc != ODS_OK)
			return rc;
	}
	return ODS_OK;
}

/* Defaults that depend on other values, and the checks that need the whole file. */
static ods_err
finish(struct parse *p)
{
	struct ods_conf *c = p->c;
	const struct conf_tls *tls = &c->cluster.tls;

	if (c->signer.signer_threads == 0)
		c->signer.signer_threads = c->signer.worker_threads;
	for (int i = 0; i < CONF_SVC_COUNT; i++) {
		struct conf_service *svc = &c->cluster.svc[i];
		size_t n_given = svc->n_endpoints;
		struct conf_listen *l;
		char **ep;

		if (svc->n_listen == 0) {
			l = grow(svc->listen, 0, sizeof(*l));
			if (l == NULL)
				return oom(p);
			svc->listen = l;
			svc->n_listen = 1;
			if (i == CONF_SVC_KEYSTORE)
				l->url = strdup("ipc:///var/run/opendnssec/keystore.sock");
			else
				l->url = str_printf("ipc://%s", i == CONF_SVC_ENFORCER
				                                    ? c->enforcer.socket_file
				                                    : c->signer.socket_file);
			if (l->url == NULL)
				return oom(p);
		}
		for (size_t j = 0; n_given == 0 && j < svc->n_listen; j++) {
			char *url = conf_url_local(svc->listen[j].url);

			ep = url ? grow(svc->endpoints, svc->n_endpoints, sizeof(*ep)) : NULL;
			if (ep == NULL) {
				free(url);
				return oom(p);
			}
			svc->endpoints = ep;
			ep[svc->n_endpoints++] = url;
		}
	}
	for (size_t i = 0; i < p->n_tls; i++) {
		const struct tls_use *u = &p->tls[i];

		if (tls->cert_file == NULL || tls->key_file == NULL)
			return fail(p, &u->site, "'%s' needs <Certificate> and <PrivateKey> in %s",
			            u->url, "<Cluster><TLS>");
		if (tls->ca_file == NULL && !u->has_ca)
			return fail(p, &u->site, "'%s' needs a CA: set <CA> in <Cluster><TLS>%s",
			            u->url, u->listen ? " or the ca attribute" : "");
	}
	return ODS_OK;
}

/* Keep the first libxml2 error; later ones are usually consequences of it. */
static void
xml_keep(struct parse *p, XML_ERR_CONST xmlError *err)
{
	const char *m = err->message ? err->message : "malformed XML";
	size_t n = 0;

	if (p == NULL || p->xml_failed || err->level < XML_ERR_ERROR)
		return;
	p->xml_failed = true;
	p->xml_line = err->line;
	if (p->xml_line <= 0)
		p->xml_line = 1; /* encoding errors come without a line */
	/* One line for the diag: runs of white space (libxml2 embeds newlines) become a space. */
	for (; *m != '\0' && n + 1 < sizeof(p->xml_msg); m++) {
		if (!is_space(*m))
			p->xml_msg[n++] = *m;
		else if (n > 0 && p->xml_msg[n - 1] != ' ')
			p->xml_msg[n++] = ' ';
	}
	while (n > 0 && p->xml_msg[n - 1] == ' ')
		n--;
	p->xml_msg[n] = '\0';
}

/* Parser errors: libxml2 passes the parser context, which carries our state. */
static void
xml_error_ctxt(void *ctxt, XML_ERR_CONST xmlError *err)
{
	xml_keep(((xmlParserCtxtPtr)ctxt)->_private, err);
}

/* Errors raised without a parser context (character encoding conversion) go to the
 * thread's handler, which would print them to stderr unless we catch them here. */
static void
xml_error_thread(void *p, XML_ERR_CONST xmlError *err)
{
	xml_keep(p, err);
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser(); /* libxml2 asks for this once before threads use it */
}

static ods_err
parse_doc(struct parse *p, const char *xml, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	xmlNode *root;
	const struct elem *er = &conf_elems[0]; /* the table starts with the root */
	struct site rs = {0, er->name, NULL};
	char where[DIAG_WHERE_MAX];
	ods_err rc;

	if (len > INT_MAX)
		return diag_fail(p->d, ODS_EINVAL, p->name, "file is too large");
	pthread_once(&xml_once, xml_init);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return oom(p);
	ctxt->_private = p;
	ctxt->sax->serror = xml_error_ctxt;
	/* libxml2 keeps this handler per thread, so concurrent loads do not meet here. */
	xmlSetStructuredErrorFunc(p, xml_error_thread);
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
	                        XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (p->xml_failed || doc == NULL || !ctxt->wellFormed) {
		snprintf(where, sizeof(where), "%s:%ld", p->name, p->xml_failed ? p->xml_line : 1L);
		rc = diag_fail(p->d, ODS_EINVAL, where, "XML syntax error: %s",
		               p->xml_failed ? p->xml_msg : "not well-formed");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, er->name) != 0) {
		struct site s = {root ? xmlGetLineNo(root) : 1,
		                 root ? (const char *)root->name : "", NULL};

		rc = fail(p, &s, "the root element must be <Configuration>");
		goto out;
	}
	rs.line = xmlGetLineNo(root);
	rc = check_attrs(p, root, &rs, er);
	if (rc == ODS_OK)
		rc = walk(p, root, &rs, er, (char *)p->c);
	if (rc == ODS_OK)
		rc = finish(p); /* before xmlFreeDoc: the tls_use sites point into the tree */
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

ods_err
conf_load_mem(const char *name, const char *xml, size_t len, struct ods_conf **out, struct diag *d)
{
	struct parse p = {.name = name ? name : "conf.xml", .d = d};
	ods_err rc;

	if (xml == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, p.name, "no configuration text given");
	p.c = calloc(1, sizeof(*p.c));
	if (p.c == NULL)
		return oom(&p);
	p.c->path = strdup(p.name);
	rc = p.c->path ? parse_doc(&p, xml, len) : oom(&p);
	free(p.tls);
	if (rc != ODS_OK) {
		conf_free(p.c);
		return rc;
	}
	*out = p.c;
	return ODS_OK;
}

ods_err
conf_load(const char *path, struct ods_conf **out, struct diag *d)
{
	char *buf = NULL, *grown, err[128];
	size_t len = 0, cap = 0;
	ods_err rc = ODS_OK;
	FILE *f;

	if (path == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "conf", "no configuration file given");
	f = fopen(path, "rb");
	if (f == NULL) {
		if (strerror_r(errno, err, sizeof(err)) != 0)
			snprintf(err, sizeof(err), "error %d", errno);
		return diag_fail(d, ODS_EIO, path, "cannot open: %s", err);
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16384;
			if (cap > CONF_FILE_MAX + 1)
				cap = CONF_FILE_MAX + 1;
			if (len == cap) {
				rc = diag_fail(d, ODS_EINVAL, path, "larger than %u bytes",
				               CONF_FILE_MAX);
				break;
			}
			grown = realloc(buf, cap);
			if (grown == NULL) {
				rc = diag_fail(d, ODS_ENOMEM, path, "out of memory");
				break;
			}
			buf = grown;
		}
		size_t got = fread(buf + len, 1, cap - len, f);

		len += got;
		if (got == 0) {
			if (ferror(f))
				rc = diag_fail(d, ODS_EIO, path, "read error");
			break;
		}
	}
	fclose(f);
	if (rc == ODS_OK)
		rc = conf_load_mem(path, buf ? buf : "", len, out, d);
	free(buf);
	return rc;
}

static void
service_deinit(struct conf_service *s)
{
	for (size_t i = 0; i < s->n_listen; i++) {
		free(s->listen[i].url);
		free(s->listen[i].role);
		free(s->listen[i].ca_file);
	}
	free(s->listen);
	for (size_t i = 0; i < s->n_endpoints; i++)
		free(s->endpoints[i]);
	free(s->endpoints);
	free(s->metrics);
}

void
conf_free(struct ods_conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_repos; i++) {
		struct conf_repository *r = &c->repos[i];

		free(r->name);
		free(r->module);
		free(r->token_label);
		free(r->pin);
		free(r->pin_file);
		free(r->pin_env);
		free(r->kek_file);
		free(r->kek_env);
	}
	free(c->repos);
	free(c->syslog_facility);
	free(c->policy_file);
	free(c->zonelist_file);
	free(c->enforcer.working_dir);
	free(c->enforcer.pid_file);
	free(c->enforcer.socket_file);
	free(c->enforcer.ds_submit_cmd);
	free(c->enforcer.ds_retract_cmd);
	free(c->signer.working_dir);
	free(c->signer.pid_file);
	free(c->signer.socket_file);
	free(c->signer.notify_cmd);
	free(c->cluster.database);
	free(c->cluster.tls.cert_file);
	free(c->cluster.tls.key_file);
	free(c->cluster.tls.ca_file);
	for (int i = 0; i < CONF_SVC_COUNT; i++)
		service_deinit(&c->cluster.svc[i]);
	for (size_t i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->path);
	free(c);
}

const char *
conf_repo_type_name(enum conf_repo_type t)
{
	switch (t) {
	case CONF_REPO_PKCS11:
		return "pkcs11";
	case CONF_REPO_SOFTWARE:
		return "software";
	}
	return "unknown";
}

const char *
conf_svc_name(enum conf_svc s)
{
	static const char *const names[CONF_SVC_COUNT] = {
	    [CONF_SVC_KEYSTORE] = "keystore",
	    [CONF_SVC_ENFORCER] = "enforcer",
	    [CONF_SVC_SIGNER] = "signer",
	};

	return (unsigned)s < CONF_SVC_COUNT ? names[s] : "unknown";
}

const char *
conf_default_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path != NULL && explicit_path[0] != '\0')
		return explicit_path;
	env = getenv("ODS_CONF");
	if (env != NULL && env[0] != '\0')
		return env;
	return CONF_DEFAULT_PATH;
}
