/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.xml as XML: the entry points conf_load() and conf_load_mem(), and everything that talks
 * to libxml2. The file is read whole (at most CONF_FILE_MAX bytes) and parsed with a parser
 * context of our own, with no network and no entity expansion, so concurrent loads share
 * nothing; libxml2's errors are caught by a structured handler, on the context and on the
 * thread, so it never prints to stderr, and the first one is kept with its line. The tree then
 * goes to the walk in conf.c, which reads element text and attributes through the functions
 * here: text and CDATA are joined and trimmed, entity references are refused, and attributes
 * are checked against the ones the element's row allows.
 */
#include "lib/conf/internal.h"

#include "lib/base/file.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "lib/conf/conf.h"

#define CONF_FILE_MAX (4u << 20) /* a conf.xml is a few KiB; refuse anything absurd */

/* libxml2 2.12 made the structured error handler take a const pointer. */
#if LIBXML_VERSION >= 21200
#define XML_ERR_CONST const
#else
#define XML_ERR_CONST
#endif

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Concatenate the text and CDATA nodes of a child list (an element's or an attribute's).
 * Entity references are refused rather than expanded. Trimmed unless raw. */
ods_err
conf_xml_text(struct parse *p, const struct site *s, const xmlNode *first, bool raw, char **out)
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
			return conf_fail(p, s, "takes a value, not the element <%s>",
			                 (const char *)t->name);
		}
		if (t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE) {
			free(buf);
			return conf_fail(p, s, "entity references are not supported");
		}
		add = t->content ? strlen((const char *)t->content) : 0;
		if (len + add > TEXT_MAX) {
			free(buf);
			return conf_fail(p, s, "value is longer than %d bytes", TEXT_MAX);
		}
		grown = realloc(buf, len + add + 1);
		if (grown == NULL) {
			free(buf);
			return conf_oom(p);
		}
		buf = grown;
		memcpy(buf + len, t->content, add);
		len += add;
		buf[len] = '\0';
	}
	if (buf == NULL)
		buf = strdup("");
	if (buf == NULL)
		return conf_oom(p);
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
ods_err
conf_xml_attr(struct parse *p, const xmlNode *k, const struct site *s, const char *name, char **out)
{
	ods_err rc;
	char *v;

	for (const xmlAttr *a = k->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		rc = conf_xml_text(p, s, a->children, false, &v);
		if (rc != ODS_OK)
			return rc;
		if (v[0] == '\0') {
			free(v);
			return conf_fail(p, s, "attribute %s is empty", name);
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

ods_err
conf_xml_attrs_check(struct parse *p, const xmlNode *k, const struct site *s, const struct elem *e)
{
	/* Namespaced attributes (xsi:schemaLocation and the like) are not ours to judge. */
	for (const xmlAttr *a = k->properties; a != NULL; a = a->next)
		if (a->ns == NULL && !word_in(e->attrs, (const char *)a->name))
			return conf_fail(p, s, "unknown attribute '%s'", (const char *)a->name);
	return ODS_OK;
}

const char *
conf_xml_stray_text(const xmlNode *k)
{
	const xmlChar *t;

	for (t = k->content; t != NULL && is_space((char)*t); t++)
		;
	return t != NULL && *t != '\0' ? (const char *)t : NULL;
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

ods_err
conf_xml_parse(struct parse *p, const char *xml, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	char where[DIAG_WHERE_MAX];
	ods_err rc;

	if (len > INT_MAX)
		return diag_fail(p->d, ODS_EINVAL, p->name, "file is too large");
	pthread_once(&xml_once, xml_init);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return conf_oom(p);
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
	/* Before xmlFreeDoc: the sites that the walk keeps for finish() point into the tree. */
	rc = (p->root ? p->root : conf_walk_root)(p, xmlDocGetRootElement(doc));
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

ods_err
conf_load_mem(const char *name, const char *xml, size_t len, struct ods_conf **out, struct diag *d)
{
	struct parse p = {
	    .name = name ? name : "conf.xml", .d = d, .rows = conf_elems, .n_rows = CONF_ELEMS_N};
	ods_err rc;

	if (xml == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, p.name, "no configuration text given");
	p.c = calloc(1, sizeof(*p.c));
	if (p.c == NULL)
		return conf_oom(&p);
	p.c->path = strdup(p.name);
	rc = p.c->path ? conf_xml_parse(&p, xml, len) : conf_oom(&p);
	free(p.tls);
	if (rc != ODS_OK) {
		conf_free(p.c);
		return rc;
	}
	*out = p.c;
	return ODS_OK;
}

ods_err
conf_file_read(const char *path, char **out, size_t *out_len, struct diag *d)
{
	return file_read(path, CONF_FILE_MAX, out, out_len, d);
}

ods_err
conf_load(const char *path, struct ods_conf **out, struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	ods_err rc;

	if (path == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "conf", "no configuration file given");
	rc = conf_file_read(path, &buf, &len, d);
	if (rc == ODS_OK)
		rc = conf_load_mem(path, buf, len, out, d);
	free(buf);
	return rc;
}
