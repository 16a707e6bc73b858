/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of lib/conf/ share and nothing outside this folder includes: the conf.xml
 * schema as data (defined in schema.c) and the state of one load, with the functions that
 * conf.c (the walk), xml.c (libxml2: the document, element text, attributes) and repo.c
 * (Repository records) call in each other; kasp.c, zonelist.c and signconf.c reuse the walk
 * and the XML reading with tables of their own (struct parse's rows), each with container
 * labels of its own in enum node. (Writing XML is xmlw.h's.) Types and macros carry no
 * module prefix for that reason; functions and the table have external linkage and carry
 * conf_. Each row of a table describes one element: its parent container, its kind, its
 * range, its default as text and the offset of the field it fills in (for conf_elems in
 * struct ods_conf, struct conf_repository or struct conf_service, whichever its container
 * makes the current base). Tables are constant, so reading them is thread-safe; a struct
 * parse belongs to one load.
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
	/* kasp.xml (kasp.c) */
	N_KASP,
	N_POLICY,
	N_SIGS,
	N_VALIDITY,
	N_DENIAL,
	N_NSEC3,
	N_HASH,
	N_KEYS,
	N_KSK,
	N_ZSK,
	N_CSK,
	N_ZONE,
	N_ZSOA,
	N_PARENT,
	N_DS,
	N_PSOA,
	/* zonelist.xml (zonelist.c) */
	N_ZLIST,
	N_ZL_ZONE,
	N_ADAPTERS,
	N_ADAPTER, /* Adapters/Input and Adapters/Output */
	/* signconf.xml (signconf.c) */
	N_SC,
	N_SC_ZONE,
	N_SC_SIGS,
	N_SC_VALIDITY,
	N_SC_DENIAL,
	N_SC_NSEC3,
	N_SC_HASH,
	N_SC_KEYS,
	N_SC_KEY,
	N_SC_SOA,
};

enum kind {
	K_BLOCK,     /* container: children use base + off as their base (base when NO_FIELD) */
	K_REPO,      /* Repository: appends a conf_repository to the ods_conf base */
	K_REJECT,    /* known but refused; note says what to do */
	K_STR,       /* char *, length within min..max (max 0: TEXT_MAX) */
	K_PATH,      /* char *, a file name, not empty */
	K_FACILITY,  /* char *, a syslog facility name */
	K_INT,       /* int within min..max */
	K_I64,       /* int64_t within min..max */
	K_SIZE,      /* size_t within min..max */
	K_DUR_S,     /* duration as int64_t seconds within min..max seconds */
	K_DUR_MS,    /* duration as int milliseconds within min..max seconds */
	K_FLAG,      /* empty element, sets a bool */
	K_HOSTPORT,  /* char *, "host:port" or "[v6]:port" */
	K_LISTEN,    /* appends a conf_listen (URL, @role, @ca) to the conf_service base */
	K_ENDPOINT,  /* appends a URL to the conf_service base's endpoints */
	K_RECORD,    /* container whose row's add() makes the base of its children */
	K_ENUM,      /* int: the index of the value in the space-separated list `words` */
	K_ATTR_ONLY, /* any text, not stored: only the element's stored attribute counts */
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

struct parse;
struct site;

/* K_RECORD: make the record that element s (inside container base) stands for and point
 * *inner at it. ODS_OK, or the code of conf_fail() or conf_oom(). */
typedef ods_err (*elem_add_fn)(struct parse *p, const struct site *s, char *base, char **inner);

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
	const char *words; /* K_ENUM: the allowed values, space-separated, in enum order */
	elem_add_fn add;   /* K_RECORD */
	/* One attribute (also listed in attrs) that is stored, and required when stored: as a
	 * char * (attr_num false) or as an int within attr_min..attr_max, at attr_off in the
	 * element's own base (K_RECORD) or in the current base (leaves). NULL: none. */
	const char *attr;
	bool attr_num;
	size_t attr_off;
	int64_t attr_min, attr_max;
};

/* The most rows any one table may have: the walk keeps one slot per row on the stack. */
#define ELEMS_MAX 128

/* The number of rows in conf_elems, a constant so that the walk can keep a fixed array with
 * one slot per row. schema.c fails to compile when it does not match the table. */
#define CONF_ELEMS_N 73

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

/* The state of one load, on the loader's stack; nothing in it is shared between loads. */
struct parse {
	const char *name;        /* for messages: the path as given */
	const struct elem *rows; /* the table of this file (conf_elems for conf.xml) */
	size_t n_rows;           /* at most ELEMS_MAX */
	/* Called by xml.c with the document's root (NULL when there is none) once the file
	 * has parsed; NULL means conf_walk_root. */
	ods_err (*root)(struct parse *p, xmlNode *root);
	/* Called for every duration value read from the file (not for defaults); may be NULL. */
	ods_err (*on_duration)(struct parse *p, const struct site *s, const char *text);
	void *user;         /* the loader's own state (kasp.c, zonelist.c) */
	struct ods_conf *c; /* conf.xml only */
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

/* Check that root is row 0 of p->rows (same message as for conf.xml), check its attributes,
 * store its stored attribute, and walk it into base. ODS_OK, or the code of conf_fail() or
 * conf_oom(). */
ods_err conf_walk_doc(struct parse *p, xmlNode *root, char *base);

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

/* Parse the document xml (len bytes) and hand its root to p->root (conf_walk_root when
 * NULL). ODS_EINVAL with "XML syntax error: ..." and the line for bad XML, else the code of
 * the walk. Thread-safe as conf_load() is. */
ods_err conf_xml_parse(struct parse *p, const char *xml, size_t len);

/* Read the file path whole (at most 4 MiB) into *buf (a new buffer the caller frees, NUL
 * terminated) and *len. ODS_EIO (cannot open or read), ODS_EINVAL (too large), ODS_ENOMEM,
 * with d naming the path. */
ods_err conf_file_read(const char *path, char **buf, size_t *len, struct diag *d);

/* repo.c */

/* Repository element k (row e, site s): append a conf_repository to c, walk its children into
 * it and apply the rules of its type. ODS_OK, or the code of conf_fail() or conf_oom(); on
 * failure the record may be left half filled in c, which the caller then frees whole. */
ods_err conf_repo_add(struct parse *p, xmlNode *k, const struct site *s, const struct elem *e,
                      struct ods_conf *c);
