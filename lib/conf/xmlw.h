/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing an XML document into memory with libxml2's text writer, for the writers of lib/conf/
 * (kasp_write.c, zonelist_write.c, signconf.c); nothing outside this folder includes it. The
 * writer escapes text and attributes, indents with tabs and declares UTF-8.
 *
 * Use: xmlw_begin() (which opens the root element), any run of the element calls, then
 * xmlw_end(), which closes what is still open and hands out the text. The element calls
 * return nothing: the first libxml2 call that fails sets x->failed, every later call does
 * nothing, and xmlw_end() reports the failure, so a run of calls is checked once.
 *
 * Ownership: between a successful xmlw_begin() and xmlw_end() the struct xmlw owns libxml2's
 * writer and its memory buffer; xmlw_end() frees both whatever it returns and must be called
 * exactly once after a successful xmlw_begin() (never after a failed one, which leaves
 * nothing to free). The text it hands out is the caller's to free(). Strings passed in are
 * only read. A struct xmlw belongs to one thread; separate documents may be written at once.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlwriter.h>

#include "lib/base/err.h"

/* One document being written. Start from {0}; the fields are for xmlw.c. */
struct xmlw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	bool failed; /* set by the first call that failed */
};

/* Set up x (zeroed) for a new document: UTF-8, tab indents, root element `root` opened.
 * ODS_ENOMEM (d names root) when libxml2 cannot make its writer; x then holds nothing. */
ods_err xmlw_begin(struct xmlw *x, const char *root, struct diag *d);

/* Close every open element, free the writer and the buffer, and on success put a copy of the
 * text (NUL terminated, its length in *len) into *out for the caller to free(). ODS_ENOMEM
 * (d names root) when any call on x failed or the copy cannot be made; *out and *len are then
 * untouched. */
ods_err xmlw_end(struct xmlw *x, const char *root, char **out, size_t *len, struct diag *d);

/* <name>: start an element, closed by xmlw_close(). */
void xmlw_open(struct xmlw *x, const char *name);

/* End the element opened last. */
void xmlw_close(struct xmlw *x);

/* Attribute name="v" on the element just opened, before any content (v NULL fails). */
void xmlw_attr(struct xmlw *x, const char *name, const char *v);

/* v as text of the element open now, escaped; nothing when v is NULL or empty. */
void xmlw_string(struct xmlw *x, const char *v);

/* <name>v</name>, or <name/> when v is NULL or empty. */
void xmlw_text(struct xmlw *x, const char *name, const char *v);

/* <name>duration</name> in duration_format()'s form; a negative s fails (the caller's
 * checks should have refused it). */
void xmlw_dur(struct xmlw *x, const char *name, int64_t s);

/* <name>v</name> in decimal. */
void xmlw_int(struct xmlw *x, const char *name, int v);

/* <name/> when on, nothing otherwise. */
void xmlw_flag(struct xmlw *x, const char *name, bool on);

/* Why s cannot be written as element or attribute text and read back unchanged by the
 * loaders of lib/conf/ (a constant phrase to follow the value's name in a message: "is
 * empty", "is not UTF-8", ...), or NULL when it can. NULL counts as empty, which is a problem
 * unless empty_ok. Pure and thread-safe. */
const char *xmlw_text_problem(const char *s, bool empty_ok);
