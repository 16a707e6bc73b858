/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RepositoryList/Repository: one struct conf_repository per element. The name attribute is
 * required and unique; the type attribute ("pkcs11", the default, or "software") decides which
 * of the Repository rows in schema.c apply. Rows flagged F_PKCS11 or F_SOFTWARE belong to one
 * type: such an element in a repository of the other type is an error at its own line, the
 * F_REQUIRED rows of the repository's type must be there, and a software repository takes
 * exactly one key-encryption key. The children are read by the common walk in conf.c; the type
 * rules are applied here once the whole Repository has been read. conf_repo_type_name() is
 * here too.
 */
#include "lib/conf/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "lib/conf/conf.h"

static bool
has_child(const xmlNode *k, const char *name)
{
	for (const xmlNode *c = k->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return true;
	return false;
}

/* Repository@type into *out; absent means pkcs11. */
static ods_err
repo_type(struct parse *p, const xmlNode *k, const struct site *s, enum conf_repo_type *out)
{
	static const enum conf_repo_type types[] = {CONF_REPO_PKCS11, CONF_REPO_SOFTWARE};
	char *v;
	ods_err rc = conf_xml_attr(p, k, s, "type", &v);

	if (rc != ODS_OK || v == NULL)
		return rc;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(v, conf_repo_type_name(types[i])) == 0) {
			free(v);
			*out = types[i];
			return ODS_OK;
		}
	}
	rc = conf_fail(p, s, "type '%s' is not \"pkcs11\" or \"software\"", v);
	free(v);
	return rc;
}

/* The rules that depend on Repository@type, checked after the walk (schema rows flagged
 * F_PKCS11 or F_SOFTWARE): an element of the other type is an error at its own line; the
 * F_REQUIRED rows of this type must be there; and a software repository takes exactly one of
 * its F_SOFTWARE rows (the key-encryption key, from a file or from the environment). */
static ods_err
repo_check(struct parse *p, const xmlNode *k, const struct site *rs,
           const struct conf_repository *r)
{
	bool soft = r->type == CONF_REPO_SOFTWARE;
	unsigned mine = soft ? F_SOFTWARE : F_PKCS11, other = soft ? F_PKCS11 : F_SOFTWARE;
	const struct elem *kek = NULL;
	long kek_line = 0;
	char list[128] = "";
	size_t used = 0;

	for (const xmlNode *c = k->children; c != NULL; c = c->next) {
		struct site cs = {xmlGetLineNo(c), (const char *)c->name, rs->name};
		const struct elem *e;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		e = conf_elem_find(N_REPO, cs.name); /* the walk has accepted every child */
		if (e == NULL || !(e->flags & (F_PKCS11 | F_SOFTWARE)))
			continue;
		if (e->flags & other)
			return soft ? conf_fail(p, &cs,
			                        "not used by a software repository "
			                        "(type=\"software\"); remove it")
			            : conf_fail(p, &cs,
			                        "only a software repository (type=\"software\") "
			                        "uses it");
		if (soft && kek != NULL)
			return conf_fail(p, &cs,
			                 "give either <%s> or <%s>, not both (the other is on "
			                 "line %ld)",
			                 kek->name, cs.name, kek_line);
		if (soft) {
			kek = e;
			kek_line = cs.line;
		}
	}
	for (size_t i = 0; i < CONF_ELEMS_N; i++) {
		const struct elem *e = &conf_elems[i];

		if (e->parent != N_REPO || !(e->flags & mine))
			continue;
		if ((e->flags & F_REQUIRED) && !has_child(k, e->name))
			return conf_fail(p, rs, "missing <%s>", e->name);
		if (soft && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s<%s>",
			                         used ? " or " : "", e->name);
	}
	if (soft && kek == NULL)
		return conf_fail(
		    p, rs, "a software repository needs its key-encryption key: add %s", list);
	return ODS_OK;
}

ods_err
conf_repo_add(struct parse *p, xmlNode *k, const struct site *s, const struct elem *e,
              struct ods_conf *c)
{
	struct conf_repository *r;
	struct site rs = *s;
	char label[96];
	char *name;
	ods_err rc;

	rc = conf_xml_attr(p, k, s, "name", &name);
	if (rc != ODS_OK)
		return rc;
	if (name == NULL)
		return conf_fail(p, s, "the name attribute is required");
	for (size_t i = 0; i < c->n_repos; i++) {
		if (strcmp(c->repos[i].name, name) == 0) {
			rc = conf_fail(p, s, "name '%s' is already used on line %d", name,
			               c->repos[i].line);
			free(name);
			return rc;
		}
	}
	r = conf_grow(c->repos, c->n_repos, sizeof(*r));
	if (r == NULL) {
		free(name);
		return conf_oom(p);
	}
	c->repos = r;
	r = &r[c->n_repos++];
	r->name = name;
	r->line = (int)s->line;
	rc = repo_type(p, k, s, &r->type);
	if (rc != ODS_OK)
		return rc;
	snprintf(label, sizeof(label), "Repository name=\"%s\"", name);
	rs.name = label; /* children say "<Module> in <Repository name="SoftHSM">" */
	rc = conf_walk(p, k, &rs, e, (char *)r);
	if (rc == ODS_OK)
		rc = repo_check(p, k, &rs, r);
	return rc;
}

const char *
conf_repo_type_name(enum conf_repo_type t)
{
	switch (t) {
	case CONF_REPO_PKCS11:
		return "pkcs11";
	case CONF_REPO_SOFTWARE:
		return "software";
	}
	return "unknown";
}
