/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct zonelist_zone back into zonelist.xml (zonelist_write() in zonelist.h): every zone is
 * checked against what zonelist.rng and the loader in zonelist.c accept, then libxml2's text
 * writer produces the document into a memory buffer and escapes the text (the helpers are
 * xmlw.c's).
 */
#include "lib/conf/zonelist.h"

#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#include "lib/conf/internal.h"
#include "lib/conf/xmlw.h"

/* Zone i of z: its strings, its adapters, and a name not used by an earlier zone. */
static ods_err
check_zone(const struct zonelist_zone *z, size_t i, struct diag *d)
{
	const char *what[5] = {"<Policy>", "<SignerConfiguration>", "<Input> path", "<Output> path",
	                       NULL};
	const char *vals[4] = {z[i].policy, z[i].signconf, z[i].input.path, z[i].output.path};
	const struct zonelist_adapter *ads[2] = {&z[i].input, &z[i].output};
	char where[DIAG_WHERE_MAX];
	const char *why = xmlw_text_problem(z[i].name, false);

	if (why != NULL)
		return diag_fail(d, ODS_EINVAL, "zonelist.xml", "zone %zu: name %s", i, why);
	snprintf(where, sizeof(where), "zone '%.100s'", z[i].name);
	for (size_t j = 0; what[j] != NULL; j++) {
		why = xmlw_text_problem(vals[j], false);
		if (why != NULL)
			return diag_fail(d, ODS_EINVAL, where, "%s %s", what[j], why);
	}
	for (int j = 0; j < 2; j++)
		if (ads[j]->type != ZONELIST_ADAPTER_FILE && ads[j]->type != ZONELIST_ADAPTER_DNS)
			return diag_fail(d, ODS_EINVAL, where,
			                 "<%s> adapter type %d is not File or DNS",
			                 j == 0 ? "Input" : "Output", (int)ads[j]->type);
	for (size_t j = 0; j < i; j++)
		if (strcasecmp(z[j].name, z[i].name) == 0)
			return diag_fail(d, ODS_EINVAL, where,
			                 "is listed twice (zones %zu and %zu)", j, i);
	return ODS_OK;
}

static void
write_adapter(struct xmlw *x, const char *which, const struct zonelist_adapter *a)
{
	xmlw_open(x, which);
	if (a->type == ZONELIST_ADAPTER_FILE) {
		xmlw_text(x, "File", a->path);
	} else {
		xmlw_open(x, "Adapter");
		xmlw_attr(x, "type", zonelist_adapter_type_name(a->type));
		xmlw_string(x, a->path);
		xmlw_close(x);
	}
	xmlw_close(x);
}

static void
write_zone(struct xmlw *x, const struct zonelist_zone *z)
{
	xmlw_open(x, "Zone");
	xmlw_attr(x, "name", z->name);
	xmlw_text(x, "Policy", z->policy);
	xmlw_text(x, "SignerConfiguration", z->signconf);
	xmlw_open(x, "Adapters");
	write_adapter(x, "Input", &z->input);
	write_adapter(x, "Output", &z->output);
	xmlw_close(x);
	xmlw_close(x);
}

ods_err
zonelist_write(const struct zonelist_zone *z, size_t n, char **out, size_t *len, struct diag *d)
{
	struct xmlw x = {0};
	ods_err rc = ODS_OK;

	if ((z == NULL && n > 0) || out == NULL || len == NULL)
		return diag_fail(d, ODS_EINVAL, "zonelist.xml", "no zones or nowhere to put them");
	for (size_t i = 0; rc == ODS_OK && i < n; i++)
		rc = check_zone(z, i, d);
	if (rc == ODS_OK)
		rc = xmlw_begin(&x, "ZoneList", d);
	if (rc != ODS_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		write_zone(&x, &z[i]);
	return xmlw_end(&x, "ZoneList", out, len, d);
}
