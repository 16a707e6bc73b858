/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The thin layer over nng 1.5.2 that both server and client use: URL checks, socket limits
 * and timers set explicitly (nng's defaults are unsafe: unlimited receive size, REQ resends
 * after 60 s, no reconnect backoff), mutual TLS configuration, nng errors as ods_err.
 */
#pragma once

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"

/* TLS files; all NULL = no TLS. */
struct rpc_tls {
	const char *cert_file;
	const char *key_file;
	const char *ca_file;
};

/* true for tls+tcp:// URLs. */
bool rpc_url_is_tls(const char *url);

/* nng error -> ods_err: ECONNREFUSED/ENOENT/ECLOSED/ECONNRESET... -> ODS_EUNAVAIL,
 * ETIMEDOUT -> ODS_ETIMEDOUT, ECRYPTO/EPEERAUTH -> ODS_EAUTH, ENOMEM, else ODS_EIO. */
ods_err rpc_nng_err(int rv);

/* Receive limit nng enforces on a socket: above it nng drops the connection without a word,
 * so it is set well above the application limit, which gets a proper error status. */
size_t rpc_transport_hard_limit(size_t app_limit);

/* Apply limits and reconnect timers to a fresh socket. */
ods_err rpc_socket_setup(nng_socket s, size_t app_limit, struct diag *d);

/* Build a TLS config for a server (mode_server) or client. ca_override, when not NULL,
 * replaces tls->ca_file (per-role client CAs on the keystore). Peers must present a
 * certificate signed by the CA (mutual TLS). server_name is checked by clients. */
ods_err rpc_tls_config_new(bool mode_server, const struct rpc_tls *tls, const char *ca_override,
                           const char *server_name, nng_tls_config **out, struct diag *d);

/* Host part of a tcp:// or tls+tcp:// URL, into buf ("127.0.0.1", "localhost"). */
void rpc_url_host(const char *url, char *buf, size_t n);
