/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-kaspcheck's rules as one pure pass over the loaded files. Each rule is a small function
 * over one policy (or over the conf or the zone list) that adds findings to the report; the
 * thresholds are OpenDNSSEC's (kc_helper.c of 2.1) and the messages follow its wording where
 * it had one. A finding names the file and the line of the <Policy>, <KSK>/<ZSK>/<CSK> or
 * <Repository> it is about, since the structs keep those lines. Out-of-memory while adding a
 * finding is remembered and returned once at the end, so the rules need no error paths.
 */
#include "lib/conf/kaspcheck.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf/conf.h"
#include "lib/conf/kasp.h"
#include "lib/conf/zonelist.h"

#define DAY_S 86400
#define DATECOUNTER_MAX_PER_DAY 99 /* YYYYMMDDnn: two digits of counter per day */
#define INCEPTION_OFFSET_MAX_S 3600
#define NSEC3_ITERATIONS_WARN 100

struct check {
	struct kaspcheck_report *r;
	bool oom;
};

static void add(struct check *ck, enum kaspcheck_level lvl, const char *file, long line,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct check *ck, enum kaspcheck_level lvl, const char *file, long line, const char *fmt, ...)
{
	struct kaspcheck_report *r = ck->r;
	struct kaspcheck_msg *all;
	va_list ap;

	if (ck->oom)
		return;
	all = realloc(r->msgs, (r->n_msgs + 1) * sizeof(*all));
	if (all == NULL) {
		ck->oom = true;
		return;
	}
	r->msgs = all;
	all += r->n_msgs++;
	all->level = lvl;
	if (line > 0)
		snprintf(all->where, sizeof(all->where), "%s:%ld", file, line);
	else
		snprintf(all->where, sizeof(all->where), "%s", file);
	va_start(ap, fmt);
	vsnprintf(all->msg, sizeof(all->msg), fmt, ap);
	va_end(ap);
	if (lvl == KASPCHECK_ERROR)
		r->n_errors++;
	else
		r->n_warnings++;
}

static bool
is_rsa(int alg)
{
	return alg == 1 || alg == 5 || alg == 7 || alg == 8 || alg == 10;
}

/* Signatures: Resign, Refresh, Validity, Jitter, InceptionOffset. */
static void
check_signatures(struct check *ck, const char *f, const struct kasp_policy *p)
{
	const int64_t val[2] = {p->sig.validity_default_s, p->sig.validity_denial_s};
	const char *const vname[2] = {"Default", "Denial"};

	if (p->sig.refresh_s <= p->sig.resign_s)
		add(ck, KASPCHECK_ERROR, f, p->line,
		    "policy %s: Refresh (%" PRId64 "s) must be longer than Resign (%" PRId64 "s)",
		    p->name, p->sig.refresh_s, p->sig.resign_s);
	for (int i = 0; i < 2; i++) {
		if (val[i] <= p->sig.refresh_s)
			add(ck, KASPCHECK_ERROR, f, p->line,
			    "policy %s: Validity/%s (%" PRId64 "s) must be longer than Refresh "
			    "(%" PRId64 "s)",
			    p->name, vname[i], val[i], p->sig.refresh_s);
		if (p->sig.jitter_s > val[i])
			add(ck, KASPCHECK_ERROR, f, p->line,
			    "policy %s: Jitter (%" PRId64 "s) is longer than Validity/%s (%" PRId64
			    "s)",
			    p->name, p->sig.jitter_s, vname[i], val[i]);
		else if (p->sig.jitter_s * 2 > val[i])
			add(ck, KASPCHECK_WARNING, f, p->line,
			    "policy %s: Jitter (%" PRId64 "s) is more than 50%% of Validity/%s "
			    "(%" PRId64 "s)",
			    p->name, p->sig.jitter_s, vname[i], val[i]);
	}
	if (p->sig.inception_offset_s > INCEPTION_OFFSET_MAX_S)
		add(ck, KASPCHECK_WARNING, f, p->line,
		    "policy %s: InceptionOffset (%" PRId64 "s) is more than one hour", p->name,
		    p->sig.inception_offset_s);
	if (p->zone.serial == KASP_SERIAL_DATECOUNTER && p->sig.resign_s > 0 &&
	    DAY_S / p->sig.resign_s > DATECOUNTER_MAX_PER_DAY)
		add(ck, KASPCHECK_ERROR, f, p->line,
		    "policy %s: Serial datecounter allows %d changes a day, but Resign (%" PRId64
		    "s) makes %" PRId64,
		    p->name, DATECOUNTER_MAX_PER_DAY, p->sig.resign_s, DAY_S / p->sig.resign_s);
}

/* Keys/RetireSafety and PublishSafety against Keys/TTL: 0.1 to 5 times. */
static void
check_safety(struct check *ck, const char *f, const struct kasp_policy *p)
{
	const int64_t v[2] = {p->keys.publish_safety_s, p->keys.retire_safety_s};
	const char *const n[2] = {"PublishSafety", "RetireSafety"};
	int64_t ttl = p->keys.ttl_s;

	for (int i = 0; i < 2; i++) {
		if (v[i] * 10 < ttl)
			add(ck, KASPCHECK_WARNING, f, p->line,
			    "policy %s: Keys/%s (%" PRId64
			    "s) is less than 0.1 x Keys/TTL (%" PRId64 "s)",
			    p->name, n[i], v[i], ttl);
		else if (v[i] > ttl * 5)
			add(ck, KASPCHECK_WARNING, f, p->line,
			    "policy %s: Keys/%s (%" PRId64 "s) is more than 5 x Keys/TTL (%" PRId64
			    "s)",
			    p->name, n[i], v[i], ttl);
	}
}

/* RFC 5155 §10.3: the most iterations for the smallest key of the policy. */
static int
nsec3_iterations_max(const struct kasp_policy *p)
{
	int smallest = 0;

	for (size_t i = 0; i < p->n_keys; i++)
		if (smallest == 0 || p->key[i].length_bits < smallest)
			smallest = p->key[i].length_bits;
	if (smallest <= 1024)
		return 150;
	if (smallest <= 2048)
		return 500;
	return 2500;
}

static void
check_nsec3(struct check *ck, const char *f, const struct kasp_policy *p)
{
	const struct kasp_nsec3 *n3 = &p->nsec3;
	int max;

	if (p->denial != KASP_DENIAL_NSEC3)
		return;
	if (n3->algorithm != 1)
		add(ck, KASPCHECK_ERROR, f, p->line,
		    "policy %s: NSEC3 hash algorithm %d is unknown (only 1, SHA-1, is defined)",
		    p->name, n3->algorithm);
	max = nsec3_iterations_max(p);
	if (n3->iterations > max)
		add(ck, KASPCHECK_WARNING, f, p->line,
		    "policy %s: NSEC3 Iterations (%d) is more than the %d that RFC 5155 allows "
		    "for the smallest key; validators may treat the zone as insecure",
		    p->name, n3->iterations, max);
	else if (n3->iterations > NSEC3_ITERATIONS_WARN)
		add(ck, KASPCHECK_WARNING, f, p->line,
		    "policy %s: NSEC3 Iterations (%d) is more than %d; RFC 9276 recommends 0",
		    p->name, n3->iterations, NSEC3_ITERATIONS_WARN);
	if (n3->resalt_s < p->sig.resign_s)
		add(ck, KASPCHECK_WARNING, f, p->line,
		    "policy %s: NSEC3 Resalt (%" PRId64 "s) is shorter than Resign (%" PRId64 "s)",
		    p->name, n3->resalt_s, p->sig.resign_s);
	for (size_t i = 0; i < p->n_keys; i++)
		if (p->key[i].algorithm <= 5)
			add(ck, KASPCHECK_ERROR, f, p->key[i].line,
			    "policy %s: %s algorithm %d cannot be used with NSEC3", p->name,
			    kasp_key_role_name(p->key[i].role), p->key[i].algorithm);
}

static bool
repo_known(const struct ods_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_repos; i++)
		if (c->repos[i].name != NULL && strcmp(c->repos[i].name, name) == 0)
			return true;
	return false;
}

static void
check_key(struct check *ck, const struct ods_conf *c, const char *f, const struct kasp_policy *p,
          const struct kasp_key *k)
{
	const char *role = kasp_key_role_name(k->role);
	bool signs_dnskey = k->role != KASP_ZSK, signs_zone = k->role != KASP_KSK;

	if (signs_dnskey && k->lifetime_s <= p->parent.ds_ttl_s + p->keys.ttl_s)
		add(ck, KASPCHECK_ERROR, f, k->line,
		    "policy %s: %s Lifetime (%" PRId64 "s) must be longer than Parent/DS/TTL + "
		    "Keys/TTL (%" PRId64 "s)",
		    p->name, role, k->lifetime_s, p->parent.ds_ttl_s + p->keys.ttl_s);
	if (signs_zone && k->lifetime_s <= p->sig.max_zone_ttl_s + p->keys.ttl_s)
		add(ck, KASPCHECK_ERROR, f, k->line,
		    "policy %s: %s Lifetime (%" PRId64 "s) must be longer than MaxZoneTTL + "
		    "Keys/TTL (%" PRId64 "s)",
		    p->name, role, k->lifetime_s, p->sig.max_zone_ttl_s + p->keys.ttl_s);
	if (signs_zone && k->lifetime_s < p->sig.validity_default_s)
		add(ck, KASPCHECK_WARNING, f, k->line,
		    "policy %s: %s Lifetime (%" PRId64 "s) is shorter than Validity/Default "
		    "(%" PRId64 "s)",
		    p->name, role, k->lifetime_s, p->sig.validity_default_s);
	if (is_rsa(k->algorithm) && k->length_bits < 1024)
		add(ck, KASPCHECK_WARNING, f, k->line,
		    "policy %s: %s RSA key length %d is less than 1024 bits", p->name, role,
		    k->length_bits);
	else if (is_rsa(k->algorithm) && k->length_bits > 4096)
		add(ck, KASPCHECK_ERROR, f, k->line,
		    "policy %s: %s RSA key length %d is more than 4096 bits", p->name, role,
		    k->length_bits);
	if (c != NULL && !repo_known(c, k->repository))
		add(ck, KASPCHECK_ERROR, f, k->line,
		    "policy %s: %s Repository %s is not in the RepositoryList of %s", p->name, role,
		    k->repository, c->path);
}

static bool
has_algorithm(const struct kasp_policy *p, enum kasp_key_role role, int alg)
{
	for (size_t i = 0; i < p->n_keys; i++)
		if (p->key[i].role == role && p->key[i].algorithm == alg)
			return true;
	return false;
}

/* Without a CSK, every KSK algorithm needs a ZSK of it and the other way round. */
static void
check_algorithms(struct check *ck, const char *f, const struct kasp_policy *p)
{
	for (size_t i = 0; i < p->n_keys; i++) {
		const struct kasp_key *k = &p->key[i];
		enum kasp_key_role other = k->role == KASP_KSK ? KASP_ZSK : KASP_KSK;

		if (k->role == KASP_CSK || has_algorithm(p, KASP_CSK, k->algorithm))
			continue;
		if (!has_algorithm(p, other, k->algorithm))
			add(ck, KASPCHECK_ERROR, f, k->line,
			    "policy %s: %s algorithm %d has no %s of the same algorithm", p->name,
			    kasp_key_role_name(k->role), k->algorithm, kasp_key_role_name(other));
	}
}

static void
check_policies(struct check *ck, const struct ods_conf *c, const struct kasp *k)
{
	bool have_default = false;

	for (size_t i = 0; i < k->n_policies; i++) {
		const struct kasp_policy *p = &k->policies[i];

		for (size_t j = 0; j < i; j++)
			if (strcmp(k->policies[j].name, p->name) == 0)
				add(ck, KASPCHECK_ERROR, k->path, p->line,
				    "policy %s is defined twice (first on line %ld)", p->name,
				    k->policies[j].line);
		if (strcmp(p->name, "default") == 0)
			have_default = true;
		check_signatures(ck, k->path, p);
		check_safety(ck, k->path, p);
		check_nsec3(ck, k->path, p);
		for (size_t j = 0; j < p->n_keys; j++)
			check_key(ck, c, k->path, p, &p->key[j]);
		check_algorithms(ck, k->path, p);
	}
	if (!have_default)
		add(ck, KASPCHECK_WARNING, k->path, 0, "no policy named \"default\"");
	for (size_t i = 0; i < k->n_month_year; i++)
		add(ck, KASPCHECK_WARNING, k->path, k->month_year[i].line,
		    "%s: '%s' uses months or years, which are counted as 31 and 365 days",
		    k->month_year[i].element, k->month_year[i].text);
}

static void
check_conf(struct check *ck, const struct ods_conf *c)
{
	for (size_t i = 0; i < c->n_repos; i++) {
		const struct conf_repository *a = &c->repos[i];

		for (size_t j = 0; j < i; j++) {
			const struct conf_repository *b = &c->repos[j];

			if (strcmp(a->name, b->name) == 0)
				add(ck, KASPCHECK_ERROR, c->path, a->line,
				    "Repository %s is defined twice (first on line %d)", a->name,
				    b->line);
			else if (a->module != NULL && b->module != NULL && a->token_label &&
			         b->token_label && strcmp(a->module, b->module) == 0 &&
			         strcmp(a->token_label, b->token_label) == 0)
				add(ck, KASPCHECK_ERROR, c->path, a->line,
				    "Repositories %s and %s use the same module and token label",
				    b->name, a->name);
		}
	}
	if (c->enforcer.working_dir != NULL && c->signer.working_dir != NULL &&
	    strcmp(c->enforcer.working_dir, c->signer.working_dir) == 0)
		add(ck, KASPCHECK_WARNING, c->path, 0,
		    "Enforcer and Signer use the same WorkingDirectory %s", c->signer.working_dir);
}

static void
check_zonelist(struct check *ck, const struct kasp *k, const struct zonelist *zl)
{
	for (size_t i = 0; i < zl->n_zones; i++)
		if (kasp_policy_find(k, zl->zones[i].policy) == NULL)
			add(ck, KASPCHECK_ERROR, zl->path, zl->zones[i].line,
			    "zone %s uses policy %s, which is not in %s", zl->zones[i].name,
			    zl->zones[i].policy, k->path);
}

ods_err
kaspcheck_run(const struct ods_conf *c, const struct kasp *k, const struct zonelist *zl,
              struct kaspcheck_report **out)
{
	struct check ck = {0};

	if (k == NULL || out == NULL)
		return ODS_EINVAL;
	ck.r = calloc(1, sizeof(*ck.r));
	if (ck.r == NULL)
		return ODS_ENOMEM;
	if (c != NULL)
		check_conf(&ck, c);
	check_policies(&ck, c, k);
	if (zl != NULL)
		check_zonelist(&ck, k, zl);
	if (ck.oom) {
		kaspcheck_report_free(ck.r);
		return ODS_ENOMEM;
	}
	*out = ck.r;
	return ODS_OK;
}

void
kaspcheck_report_free(struct kaspcheck_report *r)
{
	if (r == NULL)
		return;
	free(r->msgs);
	free(r);
}

const char *
kaspcheck_level_name(enum kaspcheck_level l)
{
	return l == KASPCHECK_ERROR ? "ERROR" : "WARNING";
}
