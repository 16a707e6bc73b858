/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RPC addresses written in conf.xml: "host:port" for Metrics and the ipc://path,
 * tcp://host:port and tls+tcp://host:port URLs of Listen and Endpoint. The checks only look at
 * the text (no name lookup, no socket), and say what is wrong in words that follow the quoted
 * value in a conf.xml message ("'tcp://h' lacks a :port"). Every function here is pure and
 * thread-safe.
 */
#pragma once

#include <stdbool.h>

/* Check that s is "host:port": a host name, an IPv4 address or an [IPv6] address in brackets,
 * then a port 1..65535 in decimal digits. Returns NULL when it is, else a static string saying
 * what is wrong ("lacks a :port"). s must not be NULL. Thread-safe. */
const char *conf_hostport_check(const char *s);

/* Check that u is an RPC URL we support: ipc://path (path not empty), tcp://host:port or
 * tls+tcp://host:port, the host:port as conf_hostport_check wants it. Returns NULL when it is,
 * else a static string saying what is wrong. u must not be NULL. Thread-safe. */
const char *conf_url_check(const char *u);

/* True when url is a tls+tcp:// URL, the kind that needs Cluster/TLS files. url must not be
 * NULL. Thread-safe. */
bool conf_url_is_tls(const char *url);

/* Where a client on this host dials a listener at url: the wildcard host of
 * "tcp://0.0.0.0:1" or "tcp://[::]:1" becomes 127.0.0.1 or [::1]; any other URL is copied as
 * it is. Returns a new string the caller frees, or NULL when out of memory. Thread-safe. */
char *conf_url_local(const char *url);
