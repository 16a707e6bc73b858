/* SPDX-License-Identifier: BSD-2-Clause */
/* Error names and the diagnostic record. */
#include "lib/base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const err_names[] = {
	[ODS_OK] = "OK",
	[ODS_EINVAL] = "EINVAL",
	[ODS_ENOENT] = "ENOENT",
	[ODS_EEXIST] = "EEXIST",
	[ODS_ESTATE] = "ESTATE",
	[ODS_ENOTLEADER] = "ENOTLEADER",
	[ODS_EFENCED] = "EFENCED",
	[ODS_EUNAVAIL] = "EUNAVAIL",
	[ODS_ETIMEDOUT] = "ETIMEDOUT",
	[ODS_EPERM] = "EPERM",
	[ODS_EAUTH] = "EAUTH",
	[ODS_ENOTIMPL] = "ENOTIMPL",
	[ODS_ENOMEM] = "ENOMEM",
	[ODS_EIO] = "EIO",
	[ODS_EDB] = "EDB",
	[ODS_EHSM] = "EHSM",
	[ODS_EINTERNAL] = "EINTERNAL",
};

const char *
ods_err_name(ods_err e)
{
	if ((size_t)e < sizeof(err_names) / sizeof(err_names[0]) && err_names[e])
		return err_names[e];
	return "EUNKNOWN";
}

ods_err
diag_fail(struct diag *d, ods_err e, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return e;
	snprintf(d->where, sizeof(d->where), "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return e;
}

void
diag_clear(struct diag *d)
{
	if (d) {
		d->where[0] = '\0';
		d->msg[0] = '\0';
	}
}

const char *
diag_str(const struct diag *d, char *buf, size_t n)
{
	if (d->where[0])
		snprintf(buf, n, "%s: %s", d->where, d->msg);
	else
		snprintf(buf, n, "%s", d->msg);
	return buf;
}
