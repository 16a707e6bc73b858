/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The option parser of the enforcer tools. Written by hand rather than on getopt_long so that
 * every error names the command and the option, so that no global parser state is shared with
 * cli_main, and so that "-z -x 22499" (a zone name left out) is caught as a missing value
 * instead of a zone called "-x".
 */
/* strptime(3) is XSI. */
#define _XOPEN_SOURCE 700

#include "cli/enforcer/opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/conf/duration.h"

#define KEYTAG_MAX 65535
#define USAGE_COL 30

static const struct cli_opt help_opt = {"help", 'h', false, NULL, "print this help"};

/* The i-th option of s, -h/--help after the table, then NULL. */
static const struct cli_opt *
opt_at(const struct cli_spec *s, size_t i)
{
	size_t n = 0;

	while (s->opts && s->opts[n].name)
		n++;
	if (i < n)
		return &s->opts[i];
	return i == n ? &help_opt : NULL;
}

static const struct cli_opt *
find_short(const struct cli_spec *s, char key)
{
	const struct cli_opt *o;

	for (size_t i = 0; (o = opt_at(s, i)) != NULL; i++)
		if (o->key == key)
			return o;
	return NULL;
}

/* An exact long name, else the only option the prefix starts; *ambiguous when several. */
static const struct cli_opt *
find_long(const struct cli_spec *s, const char *name, size_t len, bool *ambiguous)
{
	const struct cli_opt *o, *hit = NULL;
	int n = 0;

	*ambiguous = false;
	if (len == 0)
		return NULL;
	for (size_t i = 0; (o = opt_at(s, i)) != NULL; i++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		hit = o;
		n++;
	}
	if (n > 1) {
		*ambiguous = true;
		return NULL;
	}
	return hit;
}

/* Whether word is one of s's options, so it cannot be the value of the option before it. */
static bool
is_option_word(const struct cli_spec *s, const char *word)
{
	bool amb;

	if (word[0] != '-' || word[1] == '\0')
		return false;
	if (word[1] == '-')
		return find_long(s, word + 2, strcspn(word + 2, "="), &amb) != NULL || amb;
	return find_short(s, word[1]) != NULL;
}

static void
set_value(struct cli_args *out, const struct cli_opt *o, const char *value)
{
	out->v[(unsigned char)o->key & 127] = value;
}

/* The value for o: attached (may be NULL) or the next word. Advances *i when it takes one. */
static int
take_value(const struct cli_spec *s, const struct cli_opt *o, const char *attached, int argc,
           char **argv, int *i, struct cli_args *out, FILE *err)
{
	if (attached == NULL && *i + 1 < argc && !is_option_word(s, argv[*i + 1]))
		attached = argv[++*i];
	if (attached == NULL) {
		fprintf(err, "Error: option --%s (-%c) for '%s' needs a value\n", o->name, o->key,
		        s->name);
		return -1;
	}
	set_value(out, o, attached);
	return 0;
}

static int
parse_long(const struct cli_spec *s, int argc, char **argv, int *i, struct cli_args *out, FILE *err)
{
	const char *word = argv[*i] + 2;
	size_t len = strcspn(word, "=");
	const char *attached = word[len] == '=' ? word + len + 1 : NULL;
	bool ambiguous;
	const struct cli_opt *o = find_long(s, word, len, &ambiguous);

	if (o == NULL) {
		fprintf(err, "Error: %s option --%.*s for '%s'\n",
		        ambiguous ? "ambiguous" : "unknown", (int)len, word, s->name);
		return -1;
	}
	if (!o->arg) {
		if (attached) {
			fprintf(err, "Error: option --%s for '%s' takes no value\n", o->name,
			        s->name);
			return -1;
		}
		set_value(out, o, "");
		return 0;
	}
	return take_value(s, o, attached, argc, argv, i, out, err);
}

/* "-vd", "-zexample.com", "-z example.com". */
static int
parse_short(const struct cli_spec *s, int argc, char **argv, int *i, struct cli_args *out,
            FILE *err)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct cli_opt *o = find_short(s, *p);

		if (o == NULL) {
			fprintf(err, "Error: unknown option -%c for '%s'\n", *p, s->name);
			return -1;
		}
		if (!o->arg) {
			set_value(out, o, "");
			continue;
		}
		return take_value(s, o, p[1] ? p + 1 : NULL, argc, argv, i, out, err);
	}
	return 0;
}

int
cli_args_parse(const struct cli_spec *s, int argc, char **argv, struct cli_args *out, FILE *err)
{
	bool options_done = false;

	memset(out, 0, sizeof(*out));
	out->cmd = s->name;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		int rc = 0;

		if (!options_done && strcmp(w, "--") == 0) {
			options_done = true;
			continue;
		}
		if (!options_done && w[0] == '-' && w[1] == '-') {
			rc = parse_long(s, argc, argv, &i, out, err);
		} else if (!options_done && w[0] == '-' && w[1] != '\0') {
			rc = parse_short(s, argc, argv, &i, out, err);
		} else if (out->n_pos >= s->max_pos || out->n_pos >= CLI_POS_MAX) {
			fprintf(err, "Error: unexpected argument '%s' for '%s'\n", w, s->name);
			return -1;
		} else {
			out->pos[out->n_pos++] = w;
		}
		if (rc != 0)
			return rc;
	}
	/* -h is always help: no command has an option of its own on that letter. */
	return out->v['h'] ? 1 : 0;
}

const char *
cli_arg(const struct cli_args *a, char key)
{
	return a->v[(unsigned char)key & 127];
}

bool
cli_flag(const struct cli_args *a, char key)
{
	return cli_arg(a, key) != NULL;
}

void
cli_spec_usage(const struct cli_spec *s, const char *prog, FILE *out)
{
	const struct cli_opt *o;

	fprintf(out, "usage: %s %s%s%s\n", prog, s->name, s->synopsis ? " " : "",
	        s->synopsis ? s->synopsis : "");
	if (s->summary)
		fprintf(out, "%s\n", s->summary);
	fprintf(out, "\noptions:\n");
	for (size_t i = 0; (o = opt_at(s, i)) != NULL; i++) {
		char head[64];
		int n = snprintf(head, sizeof(head), "  -%c, --%s%s%s", o->key, o->name,
		                 o->meta ? " " : "", o->meta ? o->meta : "");

		fprintf(out, "%s%*s %s\n", head, n < USAGE_COL ? USAGE_COL - n : 0, "", o->help);
	}
}

int
cli_spec_exec(const struct cli_spec *s, struct cli *c, int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_args_parse(s, argc, argv, &a, stderr);

	if (rc > 0) {
		cli_spec_usage(s, c->prog, stdout);
		return CLI_EXIT_OK;
	}
	if (rc < 0) {
		fprintf(stderr, "Try '%s %s --help'.\n", c->prog, s->name);
		return CLI_EXIT_USAGE;
	}
	return s->run(c, &a);
}

ods_err
cli_long_parse(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL ||
	    !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
		return ODS_EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return ODS_EINVAL;
	*out = v;
	return ODS_OK;
}

ods_err
cli_keytag_parse(const char *s, uint32_t *out)
{
	long v;

	if (s == NULL || s[0] == '-' || cli_long_parse(s, 0, KEYTAG_MAX, &v) != ODS_OK)
		return ODS_EINVAL;
	*out = (uint32_t)v;
	return ODS_OK;
}

ods_err
cli_role_parse(const char *s, int *out)
{
	static const char *const names[] = {"KSK", "ZSK", "CSK"};

	for (int i = 0; s && i < 3; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = i + 1; /* KeyRole: KSK = 1, ZSK = 2, CSK = 3 */
			return ODS_OK;
		}
	}
	return ODS_EINVAL;
}

ods_err
cli_duration_parse(const char *s, int64_t *out_s)
{
	return duration_parse(s, out_s);
}

ods_err
cli_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return ODS_EINVAL;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d-%H:%M:%S", &tm);
	if (end == NULL || *end != '\0')
		return ODS_EINVAL;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return ODS_EINVAL;
	*out = (int64_t)t;
	return ODS_OK;
}
