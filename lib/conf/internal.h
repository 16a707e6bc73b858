/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conf.xml schema as data, shared by schema.c (which defines the table) and conf.c (which
 * walks the document against it). For lib/conf/ only: nothing outside this folder includes it,
 * and the names below carry no module prefix for that reason, except the two symbols with
 * external linkage. Each row of conf_elems describes one element: its parent container, its
 * kind, its range, its default as conf.xml text and the offset of the field it fills in (in
 * struct ods_conf, struct conf_repository or struct conf_service, whichever its container
 * makes the current base). The table is constant, so reading it is thread-safe.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

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
 * repository of the other type, and F_REQUIRED then holds only for its own type; conf.c checks
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
