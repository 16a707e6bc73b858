/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The text writer shared by the writers of lib/conf/ (see xmlw.h): thin wrappers around
 * libxml2's xmlTextWriter that record the first failure, and the check that a string will
 * survive being written and read back.
 */
#include "lib/conf/xmlw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/chvalid.h>
#include <libxml/parser.h>
#include <libxml/xmlstring.h>

#include "lib/conf/duration.h"
#include "lib/conf/internal.h"

static void
xmlw_rc(struct xmlw *x, int rc)
{
	if (rc < 0)
		x->failed = true;
}

void
xmlw_open(struct xmlw *x, const char *name)
{
	if (!x->failed)
		xmlw_rc(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

void
xmlw_close(struct xmlw *x)
{
	if (!x->failed)
		xmlw_rc(x, xmlTextWriterEndElement(x->w));
}

void
xmlw_attr(struct xmlw *x, const char *name, const char *v)
{
	if (!x->failed)
		xmlw_rc(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v));
}

void
xmlw_string(struct xmlw *x, const char *v)
{
	if (!x->failed && v != NULL && v[0] != '\0')
		xmlw_rc(x, xmlTextWriterWriteString(x->w, BAD_CAST v));
}

void
xmlw_text(struct xmlw *x, const char *name, const char *v)
{
	xmlw_open(x, name);
	xmlw_string(x, v);
	xmlw_close(x);
}

void
xmlw_dur(struct xmlw *x, const char *name, int64_t s)
{
	char buf[32] = "";

	if (duration_format(s, buf, sizeof(buf)) < 0)
		x->failed = true; /* negative: the caller's checks let it through */
	xmlw_text(x, name, buf);
}

void
xmlw_int(struct xmlw *x, const char *name, int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", v);
	xmlw_text(x, name, buf);
}

void
xmlw_flag(struct xmlw *x, const char *name, bool on)
{
	if (on) {
		xmlw_open(x, name);
		xmlw_close(x);
	}
}

ods_err
xmlw_begin(struct xmlw *x, const char *root, struct diag *d)
{
	xmlInitParser(); /* once, under libxml2's own lock: the encoders are set up there */
	x->buf = xmlBufferCreate();
	x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
	if (x->w == NULL) {
		xmlBufferFree(x->buf);
		x->buf = NULL;
		return diag_fail(d, ODS_ENOMEM, root, "out of memory");
	}
	xmlw_rc(x, xmlTextWriterSetIndent(x->w, 1));
	xmlw_rc(x, xmlTextWriterSetIndentString(x->w, BAD_CAST "\t"));
	xmlw_rc(x, xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL));
	xmlw_open(x, root);
	return ODS_OK;
}

ods_err
xmlw_end(struct xmlw *x, const char *root, char **out, size_t *len, struct diag *d)
{
	char *text = NULL;
	size_t n;

	if (!x->failed)
		xmlw_rc(x, xmlTextWriterEndDocument(x->w));
	xmlFreeTextWriter(x->w); /* flushes into buf, which stays ours */
	x->w = NULL;
	n = (size_t)xmlBufferLength(x->buf);
	if (!x->failed)
		text = malloc(n + 1);
	if (text != NULL) {
		memcpy(text, xmlBufferContent(x->buf), n);
		text[n] = '\0';
	}
	xmlBufferFree(x->buf);
	x->buf = NULL;
	if (text == NULL)
		return diag_fail(d, ODS_ENOMEM, root, "out of memory while writing");
	*out = text;
	*len = n;
	return ODS_OK;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

const char *
xmlw_text_problem(const char *s, bool empty_ok)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0)
		return empty_ok ? NULL : "is empty";
	if (n > TEXT_MAX)
		return "is longer than 4096 bytes";
	for (size_t i = 0; i < n;) {
		int len = n - i < 4 ? (int)(n - i) : 4, c = xmlGetUTF8Char(BAD_CAST s + i, &len);

		if (c < 0)
			return "is not UTF-8";
		if (!xmlIsCharQ(c)) /* control characters but tab, LF, CR; U+FFFE... */
			return "holds a character XML cannot carry";
		i += (size_t)len;
	}
	if (is_space(s[0]) || is_space(s[n - 1]))
		return "has white space at either end, which a reader drops";
	return NULL;
}
