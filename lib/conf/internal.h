/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of lib/conf/ share and nothing outside this folder includes: the conf.xml
 * schema as data (defined in schema.c) and the state of one load, with the functions that
 * conf.c (the walk), xml.c (libxml2: the document, element text, attributes) and repo.c
 * (Repository records) call in each other. Types and macros carry no module prefix for that
 * reason; functions and the table have external linkage and carry conf_. Each row of
 * conf_elems describes one element: its parent container, its kind, its range, its default as
 * conf.xml text and the offset of the field it fills in (in struct ods_conf, struct
 * conf_repository or struct conf_service, whichever its container makes the current base). The
 * table is constant, so reading it is thread-safe; a struct parse belongs to one load.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "lib/base/err.h"

struct ods_conf;

#define TEXT_MAX 4096 /* longest value of any element or attribute, in bytes */
#define NO_FIELD SIZE_MAX

/* Containers: a block row's `self`, and the `parent` of the rows inside it. */
enum node {
	N_LEAF = 0,
	N_DOC,
	N_CONF,
	N_REPOLIST,
	N_REPO,
	N_COMMON,
	N_LOGGING,
	N_SYSLOG,
	N_ENF,
	N_PRIV, /* Enforcer/Privileges and Signer/Privileges */
	N_DATASTORE,
	N_MYSQL,
	N_SIGNER,
	N_LISTENER,
	N_IFACE,
	N_CLUSTER,
	N_TLS,
	N_CSVC, /* Cluster/Keystore, Cluster/Enforcer, Cluster/Signer */
};

enum kind {
	K_BLOCK,    /* container: children use base + off as their base (base when NO_FIELD) */
	K_REPO,     /* Repository: appends a conf_repository to the ods_conf base */
	K_REJECT,   /* known but refused; note says what to do */
	K_STR,      /* char *, length within min..max (max 0: TEXT_MAX) */
	K_PATH,     /* char *, a file name, not empty */
	K_FACILITY, /* char *, a syslog facility name */
	K_INT,      /* int within min..max */
	K_I64,      /* int64_t within min..max */
	K_SIZE,     /* size_t within min..max */
	K_DUR_S,    /* duration as int64_t seconds within min..max seconds */
	K_DUR_MS,   /* duration as int milliseconds within min..max seconds */
	K_FLAG,     /* empty element, sets a bool */
	K_HOSTPORT, /* char *, "host:port" or "[v6]:port" */
	K_LISTEN,   /* appends a conf_listen (URL, @role, @ca) to the conf_service base */
	K_ENDPOINT, /* appends a URL to the conf_service base's endpoints */
};

#define F_REPEAT 1u   /* may appear more than once */
#define F_REQUIRED 2u /* the parent is incomplete without it */
#define F_WARN 4u     /* accepted and ignored; note goes into conf->warnings */
#define F_RAW 8u      /* value kept as written, surrounding white space included */
/* Repository children only: the element belongs to one repository type. It is an error in a
 * repository of the other type, and F_REQUIRED then holds only for its own type; repo.c checks
 * both once the Repository and its type attribute have been read. */
#define F_PKCS11 16u
#define F_SOFTWARE 32u

struct elem {
	enum node parent;
	const char *name;
	enum kind kind;
	enum node self; /* blocks: what their children name as parent */
	unsigned flags;
	size_t off;        /* field in the current base; NO_FIELD: checked, not stored */
	int64_t min, max;  /* numbers: range; durations: range in seconds; strings: length */
	const char *def;   /* default as written in conf.xml, checked like input; NULL: zero */
	const char *attrs; /* allowed attributes, space-separated */
	const char *note;  /* F_WARN: why it is ignored; K_REJECT: the error */
};

/* The number of rows in conf_elems, a constant so that the walk can keep a fixed array with
 * one slot per row. schema.c fails to compile when it does not match the table. */
#define CONF_ELEMS_N 71

/* Every element we read, CONF_ELEMS_N rows. Row 0 is the root (<Configuration>); otherwise
 * the order only matters for the list of expected elements in messages. Declared without a
 * size so that schema.c's definition takes its size from the rows and the check sees it. */
extern const struct elem conf_elems[];

/* The row for element `name` (compared exactly) inside container `parent`, or NULL when
 * there is none. Thread-safe. */
const struct elem *conf_elem_find(enum node parent, const char *name);

/* One element being read, for messages: "<name> in <parent>". line 0 = a built-in default. */
struct site {
	long line;
	const char *name;
	const char *parent; /* NULL for the root */
};

struct tls_use; /* conf.c: a tls+tcp URL, checked once the whole file has been read */

/* The state of one load, on conf_load_mem()'s stack; nothing in it is shared between loads. */
struct parse {
	const char *name; /* for messages: the path as given */
	struct ods_conf *c;
	struct diag *d;
	struct tls_use *tls;
	size_t n_tls;
	bool xml_failed; /* first libxml2 error, kept by xml_keep() in xml.c */
	long xml_line;
	char xml_msg[200];
};

/* conf.c */

/* Fill p->d for an error at site s: where is "name:line" (the bare name for line 0), msg is
 * "<element> in <parent>: " and the formatted text. Returns ODS_EINVAL, or ODS_EINTERNAL when
 * s is a built-in default (line 0), since a default that fails its own check is our bug. */
ods_err conf_fail(struct parse *p, const struct site *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill p->d with "out of memory" at the file name; returns ODS_ENOMEM. */
ods_err conf_oom(struct parse *p);

/* The array arr of n elements of size sz, reallocated with a zeroed slot n at the end; NULL
 * (arr untouched) when out of memory. The caller stores the result and counts the slot. */
void *conf_grow(void *arr, size_t n, size_t sz);

/* Walk the children of container n (row er, site ns) into base, then fill in the defaults of
 * the rows of er that were not there. ODS_OK, or the code of conf_fail() or conf_oom(). */
ods_err conf_walk(struct parse *p, xmlNode *n, const struct site *ns, const struct elem *er,
                  char *base);

/* The whole document into p->c: root (NULL when there is none) must be row 0, then the walk,
 * then the defaults that depend on other values and the checks that need the whole file. The
 * pointers into the tree that the walk keeps are used up before it returns, so the caller may
 * free the tree afterwards. ODS_OK, or the code of conf_fail() or conf_oom(). */
ods_err conf_walk_root(struct parse *p, xmlNode *root);

/* xml.c */

/* Concatenate the text and CDATA nodes of the child list starting at first (an element's or
 * an attribute's), trimmed of white space unless raw. On success *out is a new string the
 * caller frees. ODS_EINVAL (via conf_fail) for a child element, an entity reference or more
 * than TEXT_MAX bytes; ODS_ENOMEM. */
ods_err conf_xml_text(struct parse *p, const struct site *s, const xmlNode *first, bool raw,
                      char **out);

/* Attribute `name` of k, trimmed, into *out (a new string the caller frees, or NULL when the
 * attribute is absent). ODS_EINVAL (via conf_fail) when it is empty or holds an entity
 * reference; ODS_ENOMEM. */
ods_err conf_xml_attr(struct parse *p, const xmlNode *k, const struct site *s, const char *name,
                      char **out);

/* ODS_OK when every attribute of k without a namespace is listed in e->attrs; otherwise
 * ODS_EINVAL (via conf_fail) naming the first one that is not. */
ods_err conf_xml_attrs_check(struct parse *p, const xmlNode *k, const struct site *s,
                             const struct elem *e);

/* The content of text or CDATA node k from its first character that is not white space
 * (borrowed from k), or NULL when there is none. */
const char *conf_xml_stray_text(const xmlNode *k);

/* repo.c */

/* Repository element k (row e, site s): append a conf_repository to c, walk its children into
 * it and apply the rules of its type. ODS_OK, or the code of conf_fail() or conf_oom(); on
 * failure the record may be left half filled in c, which the caller then frees whole. */
ods_err conf_repo_add(struct parse *p, xmlNode *k, const struct site *s, const struct elem *e,
                      struct ods_conf *c);
