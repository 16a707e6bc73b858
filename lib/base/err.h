/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One error enum for the whole code base, and a small diagnostic record that says what went
 * wrong and where ("conf.xml:41", "request.digests"). Foreign codes (SQLSTATE, CKR_*, nng
 * errors, libxml line numbers) are turned into these at the module that calls the library.
 */
#pragma once

#include <stddef.h>

typedef enum ods_err {
	ODS_OK = 0,
	ODS_EINVAL,     /* bad input: INVALID_ARGUMENT */
	ODS_ENOENT,     /* NOT_FOUND */
	ODS_EEXIST,     /* ALREADY_EXISTS */
	ODS_ESTATE,     /* FAILED_PRECONDITION */
	ODS_ENOTLEADER, /* FAILED_PRECONDITION, with a leader hint for the client */
	ODS_EFENCED,    /* our leader epoch is stale: roll back, step down */
	ODS_EUNAVAIL,   /* DB/HSM/peer unreachable: UNAVAILABLE, the client retries */
	ODS_ETIMEDOUT,  /* DEADLINE_EXCEEDED */
	ODS_EPERM,      /* PERMISSION_DENIED */
	ODS_EAUTH,      /* UNAUTHENTICATED */
	ODS_ENOTIMPL,   /* UNIMPLEMENTED: unknown method */
	ODS_ENOMEM,
	ODS_EIO,
	ODS_EDB,
	ODS_EHSM,
	ODS_EINTERNAL,
} ods_err;

#define DIAG_WHERE_MAX 160
#define DIAG_MSG_MAX 320

/* What went wrong and where; filled by the layer that met the bad input. */
struct diag {
	char where[DIAG_WHERE_MAX];
	char msg[DIAG_MSG_MAX];
};

/* Short stable token for an error ("EINVAL"), never NULL. */
const char *ods_err_name(ods_err e);

/* Record where/what in d (if d is not NULL) and return e, so callers can write
 * `return diag_fail(d, ODS_EINVAL, "policy", "no policy named '%s'", name);`. */
ods_err diag_fail(struct diag *d, ods_err e, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Empty the record. */
void diag_clear(struct diag *d);

/* "where: msg", or just msg when where is empty; writes into buf of size n. */
const char *diag_str(const struct diag *d, char *buf, size_t n);
