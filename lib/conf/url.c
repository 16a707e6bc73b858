/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host:port and RPC URL checks of conf.xml, as plain string scans: a host is letters,
 * digits and "-._", an [IPv6] address is hex digits, ':' and '.', and a port is decimal digits
 * only (no sign, no spaces) within 1..65535. Nothing is resolved or connected; the loader in
 * conf.c quotes the value and appends the reason these functions return.
 */
#include "lib/conf/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_MAX 65535

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A whole port: digits only, 1..PORT_MAX (leading zeros allowed). */
static bool
port_valid(const char *s)
{
	long v = 0;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > PORT_MAX)
			return false;
	}
	return *s == '\0' && v >= 1;
}

const char *
conf_hostport_check(const char *s)
{
	const char *port, *q;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close == s + 1)
			return "has an unterminated or empty [IPv6] address";
		for (q = s + 1; q < close; q++)
			if (!is_digit(*q) && !strchr("abcdefABCDEF:.", *q))
				return "has a bad character in its [IPv6] address";
		if (close[1] != ':')
			return "lacks a :port";
		port = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (colon == NULL)
			return "lacks a :port";
		if (colon == s)
			return "lacks a host";
		for (q = s; q < colon; q++) {
			if (*q == ':')
				return "has an IPv6 address without [brackets]";
			if (!is_digit(*q) && !strchr("-._", *q) &&
			    !((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))
				return "has a bad character in its host name";
		}
		port = colon + 1;
	}
	if (!port_valid(port))
		return "has no valid port (1..65535)";
	return NULL;
}

const char *
conf_url_check(const char *u)
{
	if (has_prefix(u, "ipc://"))
		return u[6] != '\0' ? NULL : "has no socket path after ipc://";
	if (has_prefix(u, "tcp://"))
		return conf_hostport_check(u + 6);
	if (has_prefix(u, "tls+tcp://"))
		return conf_hostport_check(u + 10);
	return "is not an ipc://path, tcp://host:port or tls+tcp://host:port URL";
}

bool
conf_url_is_tls(const char *url)
{
	return has_prefix(url, "tls+tcp://");
}

/* url with the pre bytes before its host kept, then host, then rest; NULL when out of memory. */
static char *
splice(const char *url, int pre, const char *host, const char *rest)
{
	size_t n = (size_t)pre + strlen(host) + strlen(rest) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%.*s%s%s", pre, url, host, rest);
	return s;
}

char *
conf_url_local(const char *url)
{
	const char *host = strstr(url, "://");
	int pre;

	if (host == NULL)
		return strdup(url);
	host += 3;
	pre = (int)(host - url);
	if (has_prefix(host, "0.0.0.0:"))
		return splice(url, pre, "127.0.0.1", host + 7);
	if (has_prefix(host, "[::]:"))
		return splice(url, pre, "[::1]", host + 4);
	return strdup(url);
}
