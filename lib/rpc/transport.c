/* SPDX-License-Identifier: BSD-2-Clause */
/* nng socket options, TLS configs and error mapping, in one place. */
#include "lib/rpc/transport.h"

#include <errno.h>
#include <nng/supplemental/tls/tls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEM_FILE_MAX (256 * 1024)

bool
rpc_url_is_tls(const char *url)
{
	return strncmp(url, "tls+tcp://", 10) == 0;
}

ods_err
rpc_nng_err(int rv)
{
	switch (rv) {
	case 0:
		return ODS_OK;
	case NNG_ECONNREFUSED:
	case NNG_ENOENT:
	case NNG_ECLOSED:
	case NNG_ECONNRESET:
	case NNG_ECONNSHUT:
	case NNG_ECONNABORTED:
	case NNG_EADDRINVAL:
	case NNG_EUNREACHABLE:
	case NNG_ECANCELED:
		return ODS_EUNAVAIL;
	case NNG_ETIMEDOUT:
		return ODS_ETIMEDOUT;
	case NNG_ECRYPTO:
	case NNG_EPEERAUTH:
		return ODS_EAUTH;
	case NNG_ENOMEM:
		return ODS_ENOMEM;
	default:
		return ODS_EIO;
	}
}

size_t
rpc_transport_hard_limit(size_t app_limit)
{
	size_t hard = app_limit * 4;

	return hard < app_limit ? app_limit : hard;
}

ods_err
rpc_socket_setup(nng_socket s, size_t app_limit, struct diag *d)
{
	int rv;

	rv = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, rpc_transport_hard_limit(app_limit));
	if (rv == 0)
		rv = nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 100);
	if (rv == 0)
		rv = nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 5000);
	if (rv != 0)
		return diag_fail(d, rpc_nng_err(rv), "socket", "cannot set socket options: %s",
		                 nng_strerror(rv));
	return ODS_OK;
}

/* Read a PEM file into a NUL-terminated heap string. */
static ods_err
read_pem(const char *path, char **out, struct diag *d)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return diag_fail(d, ODS_EINVAL, path, "cannot read: %s", strerror(errno));
	buf = malloc(PEM_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return ODS_ENOMEM;
	}
	n = fread(buf, 1, PEM_FILE_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > PEM_FILE_MAX) {
		free(buf);
		return diag_fail(d, ODS_EINVAL, path, "empty or larger than %d bytes", PEM_FILE_MAX);
	}
	buf[n] = '\0';
	*out = buf;
	return ODS_OK;
}

/* nng 1.5's cert_key_file wants certificate and key in one file (its third argument is a
 * password), so both files are read and handed over as PEM text. */
static int
own_cert(nng_tls_config *cfg, const char *cert_file, const char *key_file, struct diag *d)
{
	char *cert = NULL, *key = NULL;
	int rv = NNG_EINVAL;

	if (read_pem(cert_file, &cert, d) == ODS_OK && read_pem(key_file, &key, d) == ODS_OK)
		rv = nng_tls_config_own_cert(cfg, cert, key, NULL);
	if (key) {
		memset(key, 0, strlen(key));
		free(key);
	}
	free(cert);
	return rv;
}

ods_err
rpc_tls_config_new(bool mode_server, const struct rpc_tls *tls, const char *ca_override,
                   const char *server_name, nng_tls_config **out, struct diag *d)
{
	nng_tls_config *cfg = NULL;
	const char *ca = ca_override ? ca_override : tls->ca_file;
	const char *what = "TLS";
	int rv;

	if (tls->cert_file == NULL || tls->key_file == NULL || ca == NULL)
		return diag_fail(d, ODS_EINVAL, "Cluster/TLS",
		                 "tls+tcp needs Certificate, PrivateKey and CA");
	rv = nng_tls_config_alloc(&cfg, mode_server ? NNG_TLS_MODE_SERVER : NNG_TLS_MODE_CLIENT);
	if (rv == 0) {
		what = ca;
		rv = nng_tls_config_ca_file(cfg, ca);
	}
	if (rv == 0) {
		what = tls->cert_file;
		rv = own_cert(cfg, tls->cert_file, tls->key_file, d);
	}
	if (rv == 0) {
		what = "auth mode";
		rv = nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_REQUIRED);
	}
	if (rv == 0 && !mode_server && server_name) {
		what = "server name";
		rv = nng_tls_config_server_name(cfg, server_name);
	}
	if (rv != 0) {
		if (cfg)
			nng_tls_config_free(cfg);
		return diag_fail(d, ODS_EINVAL, "Cluster/TLS", "%s: %s", what, nng_strerror(rv));
	}
	*out = cfg;
	return ODS_OK;
}

void
rpc_url_host(const char *url, char *buf, size_t n)
{
	const char *p = strstr(url, "://");
	size_t len;

	buf[0] = '\0';
	if (p == NULL || n == 0)
		return;
	p += 3;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		len = e ? (size_t)(e - p - 1) : 0;
		p++;
	} else {
		const char *e = strrchr(p, ':');
		len = e ? (size_t)(e - p) : strlen(p);
	}
	if (len >= n)
		len = n - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
}
