/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conf.xml walk. xml.c reads the file and has libxml2 build the tree (conf_load and
 * conf_load_mem are there); this file checks that tree in one recursive walk against the table
 * `conf_elems` in schema.c, which gives for every element its parent, its type, its range, its
 * default and the field it fills in struct ods_conf. Nothing else here knows element names
 * except the few element kinds that create records: Listen and Endpoint here, Repository in
 * repo.c, which also applies the rules that depend on Repository@type. Defaults are written in
 * the table as conf.xml text and go through the same checks as the file; host:port and URL
 * values are checked by url.c. After the walk, one pass fills in the defaults that depend on
 * other values (SignerThreads, the default listeners and endpoints) and checks that every
 * tls+tcp URL has a certificate, a key and a CA. conf_free() and the name functions are here.
 * The walk itself takes its table from struct parse, so kasp.c and zonelist.c run it over
 * tables of their own; record rows (K_RECORD) call back into them.
 */
#include "lib/conf/conf.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "lib/base/log.h"
#include "lib/conf/duration.h"
#include "lib/conf/internal.h"
#include "lib/conf/url.h"

#define CONF_DEFAULT_PATH "/etc/opendnssec/conf.xml"

/* A tls+tcp URL seen during the walk; checked once Cluster/TLS has surely been read. */
struct tls_use {
	struct site site;
	const char *url; /* owned by the conf */
	bool listen;
	bool has_ca; /* Listen@ca given */
};

ods_err
conf_oom(struct parse *p)
{
	return diag_fail(p->d, ODS_ENOMEM, p->name, "out of memory");
}

ods_err
conf_fail(struct parse *p, const struct site *s, const char *fmt, ...)
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
void *
conf_grow(void *arr, size_t n, size_t sz)
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
		return conf_oom(p);
	free(*dst);
	*dst = copy;
	return ODS_OK;
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

/* The position of w in the space-separated list (compared exactly). */
static bool
word_index(const char *list, const char *w, int64_t *out)
{
	size_t n = strlen(w);
	int64_t i = 0;

	while (list != NULL && *list != '\0') {
		size_t len = strcspn(list, " ");

		if (len == n && strncmp(list, w, n) == 0) {
			*out = i;
			return true;
		}
		list += len;
		list += strspn(list, " ");
		i++;
	}
	return false;
}

static ods_err
add_warning(struct parse *p, const struct site *s, const char *why)
{
	char *w = str_printf("%s:%ld: <%s> in <%s> ignored: %s", p->name, s->line, s->name,
	                     s->parent ? s->parent : "", why);
	char **all = w ? conf_grow(p->c->warnings, p->c->n_warnings, sizeof(*all)) : NULL;

	if (all == NULL) {
		free(w);
		return conf_oom(p);
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
		rc = conf_xml_attr(p, k, s, "role", &role);
		if (rc == ODS_OK)
			rc = conf_xml_attr(p, k, s, "ca", &ca);
		if (rc != ODS_OK)
			goto out;
		rc = ODS_ENOMEM;
	}
	copy = strdup(url);
	if (copy == NULL)
		goto out;
	if (conf_url_is_tls(url)) {
		uses = conf_grow(p->tls, p->n_tls, sizeof(*uses));
		if (uses == NULL)
			goto out;
		p->tls = uses;
		uses[p->n_tls++] = (struct tls_use){*s, copy, e->kind == K_LISTEN, ca != NULL};
		used = true;
	}
	if (e->kind == K_LISTEN) {
		struct conf_listen *l = conf_grow(svc->listen, svc->n_listen, sizeof(*l));

		if (l == NULL)
			goto out;
		svc->listen = l;
		l[svc->n_listen++] = (struct conf_listen){copy, role, ca};
	} else {
		char **eps = conf_grow(svc->endpoints, svc->n_endpoints, sizeof(*eps));

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
	return rc == ODS_ENOMEM ? conf_oom(p) : rc;
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
			return conf_fail(p, s, "is empty");
		if ((int64_t)len < lo || (int64_t)len > hi)
			return conf_fail(p, s, "'%s' is not %" PRId64 " to %" PRId64 " bytes long",
			                 v, lo, hi);
		return ODS_OK;
	case K_FACILITY:
		if (log_facility_value(v) < 0)
			return conf_fail(p, s,
			                 "'%s' is not a syslog facility (kern, user, mail, daemon, "
			                 "auth, ..., local0 to local7)",
			                 v);
		return ODS_OK;
	case K_INT:
	case K_I64:
	case K_SIZE:
		if (!parse_whole(v, num))
			return conf_fail(p, s, "'%s' is not a whole number", v);
		if (*num < lo || *num > hi)
			return conf_fail(p, s, "%s is out of range %" PRId64 "..%" PRId64, v, lo,
			                 hi);
		return ODS_OK;
	case K_DUR_S:
	case K_DUR_MS:
		if (duration_parse(v, num) != ODS_OK)
			return conf_fail(
			    p, s, "'%s' is not a duration such as PT3600S, P1D or P1Y2M3DT4H", v);
		duration_format(lo, a, sizeof(a));
		duration_format(hi, b, sizeof(b));
		if (*num < lo && hi == INT64_MAX)
			return conf_fail(p, s, "%s is shorter than %s", v, a);
		if (*num < lo || *num > hi)
			return conf_fail(p, s, "%s is out of range %s..%s", v, a, b);
		return ODS_OK;
	case K_ENUM:
		if (!word_index(e->words, v, num))
			return conf_fail(p, s, "'%s' is not one of: %s", v, e->words);
		return ODS_OK;
	case K_ATTR_ONLY:
		return ODS_OK; /* NSEC3 Salt: the value is the enforcer's to make */
	case K_FLAG:
		if (len != 0)
			return conf_fail(p, s, "takes no value, but '%s' was given; write <%s/>", v,
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
		return conf_fail(p, s, "internal error: not a leaf");
	}
	return why ? conf_fail(p, s, "'%s' %s", v, why) : ODS_OK;
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
	case K_ENUM:
		*(int *)dst = (int)num;
		break;
	case K_ATTR_ONLY:
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

	if (e->kind == K_RECORD)
		return ODS_OK;
	if (e->kind == K_BLOCK) {
		char *inner = e->off == NO_FIELD ? base : base + e->off;

		if (e->flags & (F_WARN | F_REPEAT))
			return ODS_OK;
		for (size_t i = 0; i < p->n_rows && rc == ODS_OK; i++)
			if (p->rows[i].parent == e->self)
				rc = apply_default(p, &p->rows[i], inner);
		return rc;
	}
	if (e->def == NULL)
		return ODS_OK;
	return leaf(p, &s, e, base, e->def, NULL);
}

static ods_err
unknown(struct parse *p, const struct site *s, const struct elem *er)
{
	char list[260] = "";
	size_t used = 0;

	for (size_t i = 0; i < p->n_rows; i++) {
		const struct elem *e = &p->rows[i];

		if (e->parent != er->self || e->kind == K_REJECT)
			continue;
		if (strcasecmp(e->name, s->name) == 0)
			return conf_fail(p, s, "unknown element, did you mean <%s>?", e->name);
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			                         used ? ", " : "", e->name);
	}
	if (used == 0)
		return conf_fail(p, s, "unknown element (<%s> has no child elements)", er->name);
	return conf_fail(p, s, "unknown element (expected %s)", list);
}

static const struct elem *
find_row(const struct parse *p, enum node parent, const char *name)
{
	for (size_t i = 0; i < p->n_rows; i++)
		if (p->rows[i].parent == parent && strcmp(p->rows[i].name, name) == 0)
			return &p->rows[i];
	return NULL;
}

/* The stored attribute of row e (see struct elem) from element k into rec. */
static ods_err
stored_attr(struct parse *p, const xmlNode *k, const struct site *s, const struct elem *e,
            char *rec)
{
	int64_t num;
	ods_err rc;
	char *v;

	if (e->attr == NULL || e->attr_off == NO_FIELD)
		return ODS_OK;
	rc = conf_xml_attr(p, k, s, e->attr, &v);
	if (rc != ODS_OK)
		return rc;
	if (v == NULL)
		return conf_fail(p, s, "missing attribute %s", e->attr);
	if (!e->attr_num) {
		free(*(char **)(rec + e->attr_off));
		*(char **)(rec + e->attr_off) = v;
		return ODS_OK;
	}
	if (!parse_whole(v, &num) || num < e->attr_min || num > e->attr_max) {
		rc = conf_fail(p, s,
		               "attribute %s='%s' is not a whole number in %" PRId64 "..%" PRId64,
		               e->attr, v, e->attr_min, e->attr_max);
		free(v);
		return rc;
	}
	free(v);
	*(int *)(rec + e->attr_off) = (int)num;
	return ODS_OK;
}

/* One child element k of a container, described by row e. */
static ods_err
element(struct parse *p, xmlNode *k, const struct site *s, const struct elem *e, char *base)
{
	ods_err rc;
	char *text;

	rc = conf_xml_attrs_check(p, k, s, e);
	if (rc != ODS_OK)
		return rc;
	switch (e->kind) {
	case K_BLOCK:
		if (e->flags & F_WARN) {
			rc = add_warning(p, s, e->note);
			if (rc != ODS_OK)
				return rc;
		}
		return conf_walk(p, k, s, e, e->off == NO_FIELD ? base : base + e->off);
	case K_REPO:
		return conf_repo_add(p, k, s, e, (struct ods_conf *)base);
	case K_RECORD: {
		char *inner = NULL;

		rc = e->add(p, s, base, &inner);
		if (rc == ODS_OK)
			rc = stored_attr(p, k, s, e, inner);
		if (rc == ODS_OK)
			rc = conf_walk(p, k, s, e, inner);
		return rc;
	}
	case K_REJECT:
		return conf_fail(p, s, "%s", e->note);
	default:
		rc = conf_xml_text(p, s, k->children, (e->flags & F_RAW) != 0, &text);
		if (rc != ODS_OK)
			return rc;
		rc = leaf(p, s, e, base, text, k);
		if (rc == ODS_OK && p->on_duration != NULL && e->kind == K_DUR_S)
			rc = p->on_duration(p, s, text);
		free(text);
		if (rc == ODS_OK)
			rc = stored_attr(p, k, s, e, base);
		return rc;
	}
}

/* Walk the children of container n (row er, site ns), then default what was not there. */
ods_err
conf_walk(struct parse *p, xmlNode *n, const struct site *ns, const struct elem *er, char *base)
{
	long seen[ELEMS_MAX] = {0}; /* line of the first occurrence of each row */
	ods_err rc;

	for (xmlNode *k = n->children; k != NULL; k = k->next) {
		struct site s = {xmlGetLineNo(k), (const char *)k->name, ns->name};
		const struct elem *e;

		if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
			const char *t = conf_xml_stray_text(k);

			/* Reported at the container: libxml2 dates a text node by where it ends. */
			if (t != NULL)
				return conf_fail(p, ns, "unexpected text '%.40s'", t);
			continue;
		}
		if (k->type == XML_ENTITY_REF_NODE)
			return conf_fail(p, ns, "entity references are not supported");
		if (k->type != XML_ELEMENT_NODE)
			continue; /* comments, processing instructions */
		e = find_row(p, er->self, s.name);
		if (e == NULL)
			return unknown(p, &s, er);
		if (seen[e - p->rows] != 0 && !(e->flags & F_REPEAT))
			return conf_fail(p, &s, "given twice (first on line %ld)",
			                 seen[e - p->rows]);
		if (seen[e - p->rows] == 0)
			seen[e - p->rows] = s.line > 0 ? s.line : 1;
		rc = element(p, k, &s, e, base);
		if (rc != ODS_OK)
			return rc;
	}
	for (size_t i = 0; i < p->n_rows; i++) {
		if (p->rows[i].parent != er->self || seen[i] != 0)
			continue;
		/* A Repository's typed rows are checked by repo.c, which knows the type. */
		if ((p->rows[i].flags & F_REQUIRED) &&
		    !(p->rows[i].flags & (F_PKCS11 | F_SOFTWARE)))
			return conf_fail(p, ns, "missing <%s>", p->rows[i].name);
		rc = apply_default(p, &p->rows[i], base);
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
			l = conf_grow(svc->listen, 0, sizeof(*l));
			if (l == NULL)
				return conf_oom(p);
			svc->listen = l;
			svc->n_listen = 1;
			if (i == CONF_SVC_KEYSTORE)
				l->url = strdup("ipc:///var/run/opendnssec/keystore.sock");
			else
				l->url = str_printf("ipc://%s", i == CONF_SVC_ENFORCER
				                                    ? c->enforcer.socket_file
				                                    : c->signer.socket_file);
			if (l->url == NULL)
				return conf_oom(p);
		}
		for (size_t j = 0; n_given == 0 && j < svc->n_listen; j++) {
			char *url = conf_url_local(svc->listen[j].url);

			ep = url ? conf_grow(svc->endpoints, svc->n_endpoints, sizeof(*ep)) : NULL;
			if (ep == NULL) {
				free(url);
				return conf_oom(p);
			}
			svc->endpoints = ep;
			ep[svc->n_endpoints++] = url;
		}
	}
	for (size_t i = 0; i < p->n_tls; i++) {
		const struct tls_use *u = &p->tls[i];

		if (tls->cert_file == NULL || tls->key_file == NULL)
			return conf_fail(p, &u->site,
			                 "'%s' needs <Certificate> and <PrivateKey> in %s", u->url,
			                 "<Cluster><TLS>");
		if (tls->ca_file == NULL && !u->has_ca)
			return conf_fail(p, &u->site,
			                 "'%s' needs a CA: set <CA> in <Cluster><TLS>%s", u->url,
			                 u->listen ? " or the ca attribute" : "");
	}
	return ODS_OK;
}

ods_err
conf_walk_doc(struct parse *p, xmlNode *root, char *base)
{
	const struct elem *er = &p->rows[0]; /* every table starts with its root */
	struct site rs = {0, er->name, NULL};
	ods_err rc;

	if (root == NULL || strcmp((const char *)root->name, er->name) != 0) {
		struct site s = {root ? xmlGetLineNo(root) : 1,
		                 root ? (const char *)root->name : "", NULL};

		return conf_fail(p, &s, "the root element must be <%s>", er->name);
	}
	rs.line = xmlGetLineNo(root);
	rc = conf_xml_attrs_check(p, root, &rs, er);
	if (rc == ODS_OK)
		rc = stored_attr(p, root, &rs, er, base);
	if (rc == ODS_OK)
		rc = conf_walk(p, root, &rs, er, base);
	return rc;
}

ods_err
conf_walk_root(struct parse *p, xmlNode *root)
{
	ods_err rc = conf_walk_doc(p, root, (char *)p->c);

	if (rc == ODS_OK)
		rc = finish(p);
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
