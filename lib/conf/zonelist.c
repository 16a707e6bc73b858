/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * zonelist.xml into struct zonelist: a table of its elements (after zonelist.rng) walked by
 * the conf.xml walk. Code of its own handles the Zone record, the choice between <File> and
 * <Adapter type=...> inside Input and Output (exactly one of them, type File or DNS), and
 * zone names given twice, which the schema allows but which can only be a mistake.
 */
#include "lib/conf/zonelist.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/conf/internal.h"

/* An adapter while it is read: the walk stores strings, finish_adapter() makes the type. */
struct raw_adapter {
	char *file;    /* File */
	char *adapter; /* Adapter */
	char *type;    /* Adapter@type */
	long line;
};

/* A zone while it is read. */
struct raw_zone {
	char *name;
	char *policy;
	char *signconf;
	struct raw_adapter in, out;
	long line;
};

struct zl_parse {
	struct raw_zone *zones;
	size_t n_zones;
};

static ods_err add_zone(struct parse *p, const struct site *s, char *base, char **inner);
static ods_err add_adapter(struct parse *p, const struct site *s, char *base, char **inner);

/* clang-format off */
#define RZ(m) offsetof(struct raw_zone, m)
#define RA(m) offsetof(struct raw_adapter, m)

static const struct elem zl_elems[] = {
	{ .parent = N_DOC, .name = "ZoneList", .kind = K_BLOCK, .self = N_ZLIST, .off = NO_FIELD },
	{ .parent = N_ZLIST, .name = "Zone", .kind = K_RECORD, .self = N_ZL_ZONE,
	  .flags = F_REPEAT, .off = NO_FIELD, .add = add_zone, .attrs = "name", .attr = "name",
	  .attr_off = RZ(name) },
	{ .parent = N_ZL_ZONE, .name = "Policy", .kind = K_STR, .flags = F_REQUIRED,
	  .off = RZ(policy), .min = 1 },
	{ .parent = N_ZL_ZONE, .name = "SignerConfiguration", .kind = K_PATH,
	  .flags = F_REQUIRED, .off = RZ(signconf), .min = 1 },
	{ .parent = N_ZL_ZONE, .name = "Adapters", .kind = K_BLOCK, .self = N_ADAPTERS,
	  .flags = F_REQUIRED, .off = NO_FIELD },
	{ .parent = N_ADAPTERS, .name = "Input", .kind = K_RECORD, .self = N_ADAPTER,
	  .flags = F_REQUIRED, .off = NO_FIELD, .add = add_adapter },
	{ .parent = N_ADAPTERS, .name = "Output", .kind = K_RECORD, .self = N_ADAPTER,
	  .flags = F_REQUIRED, .off = NO_FIELD, .add = add_adapter },
	{ .parent = N_ADAPTER, .name = "File", .kind = K_PATH, .off = RA(file), .min = 1 },
	{ .parent = N_ADAPTER, .name = "Adapter", .kind = K_PATH, .off = RA(adapter), .min = 1,
	  .attrs = "type", .attr = "type", .attr_off = RA(type) },
};
/* clang-format on */

_Static_assert(sizeof(zl_elems) / sizeof(zl_elems[0]) <= ELEMS_MAX,
               "zl_elems has more rows than the walk allows (ELEMS_MAX)");

static ods_err
add_zone(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct zl_parse *zp = (struct zl_parse *)base;
	struct raw_zone *all = conf_grow(zp->zones, zp->n_zones, sizeof(*all));

	if (all == NULL)
		return conf_oom(p);
	zp->zones = all;
	all[zp->n_zones].line = s->line;
	*inner = (char *)&all[zp->n_zones++];
	return ODS_OK;
}

static ods_err
add_adapter(struct parse *p, const struct site *s, char *base, char **inner)
{
	struct raw_zone *z = (struct raw_zone *)base;
	struct raw_adapter *a = strcmp(s->name, "Input") == 0 ? &z->in : &z->out;

	(void)p;
	a->line = s->line;
	*inner = (char *)a;
	return ODS_OK;
}

static void
raw_free(struct zl_parse *zp)
{
	for (size_t i = 0; i < zp->n_zones; i++) {
		struct raw_zone *z = &zp->zones[i];
		struct raw_adapter *ads[2] = {&z->in, &z->out};

		free(z->name);
		free(z->policy);
		free(z->signconf);
		for (int j = 0; j < 2; j++) {
			free(ads[j]->file);
			free(ads[j]->adapter);
			free(ads[j]->type);
		}
	}
	free(zp->zones);
}

/* Input or Output: exactly one of File and Adapter; the type File or DNS. Takes the path. */
static ods_err
finish_adapter(struct parse *p, struct raw_adapter *ra, const char *which,
               struct zonelist_adapter *out)
{
	struct site s = {ra->line, which, "Adapters"};

	if (ra->file != NULL && ra->adapter != NULL)
		return conf_fail(p, &s, "give either <File> or <Adapter>, not both");
	if (ra->file == NULL && ra->adapter == NULL)
		return conf_fail(p, &s, "needs <File> or <Adapter type=\"File|DNS\">");
	if (ra->file != NULL) {
		out->type = ZONELIST_ADAPTER_FILE;
		out->path = ra->file;
		ra->file = NULL;
		return ODS_OK;
	}
	/* OpenDNSSEC compares the type without case. */
	if (strcasecmp(ra->type, "File") == 0)
		out->type = ZONELIST_ADAPTER_FILE;
	else if (strcasecmp(ra->type, "DNS") == 0)
		out->type = ZONELIST_ADAPTER_DNS;
	else
		return conf_fail(p, &s, "adapter type '%s' is not File or DNS", ra->type);
	out->path = ra->adapter;
	ra->adapter = NULL;
	return ODS_OK;
}

/* Move the raw zones into p->user's zonelist, checking what the table cannot. */
static ods_err
finish(struct parse *p, struct zl_parse *zp, struct zonelist *zl)
{
	ods_err rc = ODS_OK;

	zl->zones = calloc(zp->n_zones ? zp->n_zones : 1, sizeof(*zl->zones));
	if (zl->zones == NULL)
		return conf_oom(p);
	for (size_t i = 0; rc == ODS_OK && i < zp->n_zones; i++) {
		struct raw_zone *rz = &zp->zones[i];
		struct zonelist_zone *z = &zl->zones[zl->n_zones++];
		struct site s = {rz->line, "Zone", "ZoneList"};

		z->line = rz->line;
		z->name = rz->name;
		z->policy = rz->policy;
		z->signconf = rz->signconf;
		rz->name = rz->policy = rz->signconf = NULL;
		rc = finish_adapter(p, &rz->in, "Input", &z->input);
		if (rc == ODS_OK)
			rc = finish_adapter(p, &rz->out, "Output", &z->output);
		for (size_t j = 0; rc == ODS_OK && j < i; j++)
			if (strcasecmp(zl->zones[j].name, z->name) == 0)
				rc = conf_fail(p, &s, "zone '%s' is already listed on line %ld",
				               z->name, zl->zones[j].line);
	}
	return rc;
}

static ods_err
walk_zonelist(struct parse *p, xmlNode *root)
{
	struct zl_parse zp = {0};
	ods_err rc = conf_walk_doc(p, root, (char *)&zp);

	if (rc == ODS_OK)
		rc = finish(p, &zp, p->user);
	raw_free(&zp);
	return rc;
}

ods_err
zonelist_load_mem(const char *name, const char *xml, size_t len, struct zonelist **out,
                  struct diag *d)
{
	struct parse p = {.name = name ? name : "zonelist.xml", .d = d, .root = walk_zonelist};
	struct zonelist *zl;
	ods_err rc;

	if (xml == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, p.name, "no zone list text given");
	p.rows = zl_elems;
	p.n_rows = sizeof(zl_elems) / sizeof(zl_elems[0]);
	zl = calloc(1, sizeof(*zl));
	if (zl == NULL)
		return conf_oom(&p);
	p.user = zl;
	zl->path = strdup(p.name);
	rc = zl->path ? conf_xml_parse(&p, xml, len) : conf_oom(&p);
	if (rc != ODS_OK) {
		zonelist_free(zl);
		return rc;
	}
	*out = zl;
	return ODS_OK;
}

ods_err
zonelist_load(const char *path, struct zonelist **out, struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	ods_err rc;

	if (path == NULL || out == NULL)
		return diag_fail(d, ODS_EINVAL, "zonelist", "no zone list file given");
	rc = conf_file_read(path, &buf, &len, d);
	if (rc == ODS_OK)
		rc = zonelist_load_mem(path, buf, len, out, d);
	free(buf);
	return rc;
}

void
zonelist_free(struct zonelist *zl)
{
	if (zl == NULL)
		return;
	for (size_t i = 0; i < zl->n_zones; i++) {
		free(zl->zones[i].name);
		free(zl->zones[i].policy);
		free(zl->zones[i].signconf);
		free(zl->zones[i].input.path);
		free(zl->zones[i].output.path);
	}
	free(zl->zones);
	free(zl->path);
	free(zl);
}

const char *
zonelist_adapter_type_name(enum zonelist_adapter_type t)
{
	return t == ZONELIST_ADAPTER_FILE ? "File" : t == ZONELIST_ADAPTER_DNS ? "DNS" : "unknown";
}
