/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Logging: one logfmt line per event, to stderr or syslog.
 *
 *   ts=2026-11-23T16:20:00.123Z lvl=info svc=enforcer mod=rpc event=listen url=tcp://... msg="..."
 *
 * `event` is a stable token operators and tests grep for. The formatted text may start with
 * key=value fields (values without spaces); they are kept as fields and the rest becomes
 * msg="...". Verbosity follows OpenDNSSEC: a message of level L is written when L <= verbosity
 * (1 error, 2 warning, 3 info, 4 verbose, 5 debug); it can be changed at run time.
 * All functions are thread-safe; each line is written with a single write(2).
 */
#pragma once

#include <stdbool.h>

enum log_level {
	LOG_LVL_ERROR = 1,
	LOG_LVL_WARNING = 2,
	LOG_LVL_INFO = 3,
	LOG_LVL_VERBOSE = 4,
	LOG_LVL_DEBUG = 5,
};

/* Start logging as service `svc` ("enforcer"). facility is a syslog facility name
 * ("local0", "daemon") to log to syslog, or NULL/"" for logfmt on stderr. Returns false
 * (and logs to stderr) when the facility name is unknown. */
bool log_open(const char *svc, const char *facility, int verbosity);
void log_close(void);

void log_set_verbosity(int verbosity);
int log_verbosity(void);

/* Facility name to syslog value; -1 when unknown. */
int log_facility_value(const char *name);

void log_msg(enum log_level lvl, const char *mod, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define log_error(mod, ev, ...) log_msg(LOG_LVL_ERROR, mod, ev, __VA_ARGS__)
#define log_warning(mod, ev, ...) log_msg(LOG_LVL_WARNING, mod, ev, __VA_ARGS__)
#define log_info(mod, ev, ...) log_msg(LOG_LVL_INFO, mod, ev, __VA_ARGS__)
#define log_verbose(mod, ev, ...) log_msg(LOG_LVL_VERBOSE, mod, ev, __VA_ARGS__)
#define log_debug(mod, ev, ...) log_msg(LOG_LVL_DEBUG, mod, ev, __VA_ARGS__)

/* Format "fields + free text" into one logfmt tail (the part after event=), for tests. */
void log_format_tail(char *out, unsigned n, const char *text);
