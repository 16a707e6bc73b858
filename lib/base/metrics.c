/* SPDX-License-Identifier: BSD-2-Clause */
/* Metric registry: a mutex-protected list for lookup, atomics for values. */
#include "lib/base/metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct metric {
	struct metric *next;
	enum metric_type type;
	char *name;
	char *help;
	char *labels; /* may be NULL */
	atomic_llong value;
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct metric *reg_head;
static struct metric **reg_tail = &reg_head;

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

struct metric *
metrics_get(enum metric_type t, const char *name, const char *help, const char *labels)
{
	struct metric *m;

	pthread_mutex_lock(&reg_mu);
	for (m = reg_head; m; m = m->next)
		if (strcmp(m->name, name) == 0 && same(m->labels, labels))
			goto out;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		goto out;
	m->type = t;
	m->name = strdup(name);
	m->help = strdup(help ? help : name);
	m->labels = labels ? strdup(labels) : NULL;
	if (m->name == NULL || m->help == NULL || (labels && m->labels == NULL)) {
		free(m->name);
		free(m->help);
		free(m->labels);
		free(m);
		m = NULL;
		goto out;
	}
	/* Appending keeps a name's label sets next to each other when registered together. */
	*reg_tail = m;
	reg_tail = &m->next;
out:
	pthread_mutex_unlock(&reg_mu);
	return m;
}

void
metric_add(struct metric *m, int64_t v)
{
	if (m)
		atomic_fetch_add(&m->value, v);
}

void
metric_set(struct metric *m, int64_t v)
{
	if (m)
		atomic_store(&m->value, v);
}

int64_t
metric_value(const struct metric *m)
{
	return m ? atomic_load(&((struct metric *)m)->value) : 0;
}

struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t ncap = b->cap * 2 + (size_t)n;
		char *np = realloc(b->p, ncap);
		if (np == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

char *
metrics_render(void)
{
	struct sbuf b = {.p = malloc(4096), .cap = 4096};

	if (b.p == NULL)
		return NULL;
	b.p[0] = '\0';
	pthread_mutex_lock(&reg_mu);
	for (struct metric *m = reg_head; m; m = m->next) {
		bool first = true;
		for (struct metric *o = reg_head; o != m; o = o->next)
			if (strcmp(o->name, m->name) == 0)
				first = false;
		if (!first)
			continue;
		sb_printf(&b, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name,
		          m->type == METRIC_COUNTER ? "counter" : "gauge");
		for (struct metric *o = m; o; o = o->next) {
			if (strcmp(o->name, m->name) != 0)
				continue;
			if (o->labels)
				sb_printf(&b, "%s{%s} %lld\n", o->name, o->labels,
				          (long long)atomic_load(&o->value));
			else
				sb_printf(&b, "%s %lld\n", o->name, (long long)atomic_load(&o->value));
		}
	}
	pthread_mutex_unlock(&reg_mu);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

void
metrics_reset(void)
{
	pthread_mutex_lock(&reg_mu);
	while (reg_head) {
		struct metric *n = reg_head->next;
		free(reg_head->name);
		free(reg_head->help);
		free(reg_head->labels);
		free(reg_head);
		reg_head = n;
	}
	reg_tail = &reg_head;
	pthread_mutex_unlock(&reg_mu);
}
