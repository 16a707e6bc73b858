/* SPDX-License-Identifier: BSD-2-Clause */
/* logfmt lines to stderr or syslog; see log.h for the format. */
#include "lib/base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

static atomic_int verbosity = LOG_LVL_INFO;
static char svc_name[32] = "ods";
static bool use_syslog;

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{"kern", LOG_KERN},     {"user", LOG_USER},     {"mail", LOG_MAIL},
	{"daemon", LOG_DAEMON}, {"auth", LOG_AUTH},     {"syslog", LOG_SYSLOG},
	{"lpr", LOG_LPR},       {"news", LOG_NEWS},     {"uucp", LOG_UUCP},
	{"cron", LOG_CRON},     {"authpriv", LOG_AUTHPRIV}, {"ftp", LOG_FTP},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

static const char *const level_names[] = {"", "error", "warning", "info", "verbose", "debug"};

int
log_facility_value(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}

bool
log_open(const char *svc, const char *facility, int v)
{
	snprintf(svc_name, sizeof(svc_name), "%s", svc);
	log_set_verbosity(v);
	use_syslog = false;
	if (facility == NULL || facility[0] == '\0')
		return true;
	int fac = log_facility_value(facility);
	if (fac < 0) {
		log_error("log", "bad_facility",
		          "facility=%s unknown syslog facility, logging to stderr", facility);
		return false;
	}
	openlog(svc_name, LOG_PID | LOG_NDELAY, fac);
	use_syslog = true;
	return true;
}

void
log_close(void)
{
	if (use_syslog)
		closelog();
	use_syslog = false;
}

void
log_set_verbosity(int v)
{
	if (v < 0)
		v = 0;
	if (v > LOG_LVL_DEBUG + 1)
		v = LOG_LVL_DEBUG + 1;
	atomic_store(&verbosity, v);
}

int
log_verbosity(void)
{
	return atomic_load(&verbosity);
}

/* A leading token is a field when it is `key=value` with key in [a-z0-9_] and a value that
 * needs no quoting. */
static size_t
field_len(const char *s)
{
	size_t i = 0;

	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')
		i++;
	if (i == 0 || s[i] != '=')
		return 0;
	i++;
	while (s[i] && s[i] != ' ' && s[i] != '"' && s[i] != '\n')
		i++;
	return i;
}

static void
append(char *out, unsigned n, unsigned *pos, const char *s, size_t len)
{
	while (len-- > 0 && *pos + 1 < n)
		out[(*pos)++] = *s++;
	out[*pos < n ? *pos : n - 1] = '\0';
}

void
log_format_tail(char *out, unsigned n, const char *text)
{
	unsigned pos = 0;
	size_t fl;

	out[0] = '\0';
	while (*text == ' ')
		text++;
	while ((fl = field_len(text)) > 0) {
		if (pos > 0)
			append(out, n, &pos, " ", 1);
		append(out, n, &pos, text, fl);
		text += fl;
		while (*text == ' ')
			text++;
	}
	if (*text == '\0')
		return;
	if (pos > 0)
		append(out, n, &pos, " ", 1);
	append(out, n, &pos, "msg=\"", 5);
	for (; *text; text++) {
		if (*text == '"' || *text == '\\')
			append(out, n, &pos, "\\", 1);
		if (*text == '\n')
			append(out, n, &pos, "\\n", 2);
		else
			append(out, n, &pos, text, 1);
	}
	append(out, n, &pos, "\"", 1);
}

void
log_msg(enum log_level lvl, const char *mod, const char *event, const char *fmt, ...)
{
	char text[LOG_LINE_MAX / 2], tail[LOG_LINE_MAX / 2 + 64], line[LOG_LINE_MAX];
	va_list ap;

	if ((int)lvl > atomic_load(&verbosity))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_format_tail(tail, sizeof(tail), text);

	if (use_syslog) {
		static const int prio[] = {LOG_ERR, LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO,
		                           LOG_DEBUG};
		syslog(prio[lvl], "lvl=%s mod=%s event=%s %s", level_names[lvl], mod, event, tail);
		return;
	}
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int len = snprintf(line, sizeof(line),
	                   "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ lvl=%s svc=%s mod=%s event=%s %s\n",
	                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	                   tm.tm_sec, ts.tv_nsec / 1000000, level_names[lvl], svc_name, mod, event,
	                   tail);
	if (len >= (int)sizeof(line)) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	ssize_t w = write(STDERR_FILENO, line, (size_t)len);
	(void)w;
}
