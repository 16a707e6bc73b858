/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.xml: OpenDNSSEC's format (RepositoryList, Common, Enforcer, Signer) plus our <Cluster>
 * section (database, RPC endpoints, TLS files, metrics ports). The file is read once into an
 * immutable struct ods_conf; a reload builds a new one. Every error names file:line, the
 * element and its parent (diag.where = "/etc/opendnssec/conf.xml:12", diag.msg =
 * "<WorkerThreads> in <Enforcer>: 'abc' is not a whole number"). Unknown elements, unknown
 * attributes and repeats of single elements are errors. A minimal <Configuration/> is valid:
 * every field has a default (see docs/conf.md).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* The daemons that have a <Cluster> block of their own. */
enum conf_svc {
	CONF_SVC_KEYSTORE = 0,
	CONF_SVC_ENFORCER = 1,
	CONF_SVC_SIGNER = 2,
	CONF_SVC_COUNT
};

/* Repository@type: where a repository keeps its private keys. */
enum conf_repo_type {
	CONF_REPO_PKCS11 = 0, /* "pkcs11" (the default): a PKCS#11 token */
	CONF_REPO_SOFTWARE,   /* "software": OpenSSL keys sealed in PostgreSQL under a KEK */
};

/* RepositoryList/Repository. The loader guarantees: a pkcs11 repository has module and
 * token_label and no kek_*; a software one has exactly one of kek_file and kek_env, and none
 * of module, token_label, pin*, skip_public_key, allow_extraction. */
struct conf_repository {
	char *name;               /* @name */
	enum conf_repo_type type; /* @type */
	char *module;             /* Module: path of the PKCS#11 library (pkcs11) */
	char *token_label;        /* TokenLabel (pkcs11) */
	char *pin;                /* PIN, or NULL */
	char *pin_file;           /* PINFile: a file whose first line is the PIN (ours) */
	char *pin_env;            /* PINEnvironment: a variable holding the PIN (ours) */
	char *kek_file;           /* KeyEncryptionKeyFile: 32 raw bytes or 64 hex (software) */
	char *kek_env;            /* KeyEncryptionKeyEnvironment: a variable, 64 hex (software) */
	int64_t capacity;         /* Capacity: maximum key pairs, 0 = unlimited */
	bool require_backup;
	bool skip_public_key;
	bool allow_extraction;
	int line; /* where it was declared, for later messages */
};

/* Cluster/<Service>/Listen: an RPC listener. */
struct conf_listen {
	char *url;     /* ipc://..., tcp://host:port, tls+tcp://host:port */
	char *role;    /* @role: the client role this listener admits (keystore), or NULL */
	char *ca_file; /* @ca: client CA for this listener, overriding Cluster/TLS/CA */
};

/* Cluster/Keystore, Cluster/Enforcer, Cluster/Signer. */
struct conf_service {
	struct conf_listen *listen; /* Listen*, at least one after defaults */
	size_t n_listen;
	char **endpoints; /* Endpoint*: where clients dial; defaults to the Listen URLs */
	size_t n_endpoints;
	char *metrics; /* Metrics: "host:port" of the /healthz /readyz /metrics HTTP port; NULL = off */
	int workers;   /* Workers: RPC worker threads (default 8) */
};

/* Cluster/TLS: this process's certificate and the CA it trusts for peers. */
struct conf_tls {
	char *cert_file; /* Certificate */
	char *key_file;  /* PrivateKey */
	char *ca_file;   /* CA */
};

struct ods_conf {
	char *path; /* the file this came from */

	/* Common */
	int verbosity;         /* Common/Logging/Verbosity (default 3) */
	char *syslog_facility; /* Common/Logging/Syslog/Facility, NULL = logfmt on stderr */
	char *policy_file;     /* Common/PolicyFile (default /etc/opendnssec/kasp.xml) */
	char *zonelist_file;   /* Common/ZoneListFile (default /etc/opendnssec/zonelist.xml) */

	struct conf_repository *repos; /* RepositoryList */
	size_t n_repos;

	struct {
		char *working_dir; /* WorkingDirectory (default /var/lib/opendnssec/enforcer) */
		char *pid_file;    /* PidFile (default /var/run/opendnssec/enforcerd.pid) */
		char *socket_file; /* SocketFile (default /var/run/opendnssec/enforcer.sock) */
		bool manual_keygen;                 /* ManualKeyGeneration */
		int64_t automatic_keygen_period_s;  /* AutomaticKeyGenerationPeriod (default P1Y) */
		int64_t rollover_notification_s;    /* RolloverNotification (0 = none) */
		char *ds_submit_cmd;                /* DelegationSignerSubmitCommand */
		char *ds_retract_cmd;               /* DelegationSignerRetractCommand */
		int worker_threads;                 /* WorkerThreads (default 4) */
	} enforcer;

	struct {
		char *working_dir; /* WorkingDirectory (default /var/lib/opendnssec/signer) */
		char *pid_file;    /* PidFile (default /var/run/opendnssec/signerd.pid) */
		char *socket_file; /* SocketFile (default /var/run/opendnssec/engine.sock) */
		int worker_threads; /* WorkerThreads (default 4) */
		int signer_threads; /* SignerThreads (default = WorkerThreads) */
		char *notify_cmd;   /* NotifyCommand */
		int chunk_rrsets;   /* ChunkSize (ours): RRsets to sign per chunk job (default 20000) */
		int64_t job_lease_s; /* JobLease (ours): a worker's hold on a job between renewals
		                      * (default 60 s; renewed every sixth of it) */
	} signer;

	struct {
		char *database;   /* Database: libpq connection string ("" = libpq defaults/env) */
		bool testing;     /* Testing: allow `time leap` */
		size_t max_message_bytes; /* MaxMessageSize (default 16 MiB) */
		int grace_ms;     /* ShutdownGrace: how long SIGTERM waits for in-flight calls (5000) */
		struct conf_tls tls;
		struct conf_service svc[CONF_SVC_COUNT];
	} cluster;

	/* Things that were accepted but mean nothing here (e.g. Enforcer/Datastore/SQLite),
	 * each "conf.xml:12: <SQLite> ignored: ..."; daemons log them at start. */
	char **warnings;
	size_t n_warnings;
};

/* Read and check path. On success *out owns a new conf (free with conf_free); on failure *out
 * is untouched and d says file:line and what is wrong. ODS_EINVAL for bad content (and for a
 * file over 4 MiB), ODS_EIO when the file cannot be read, ODS_ENOMEM. Thread-safe: each call
 * has its own libxml2 parser context, and libxml2 is initialised once behind pthread_once.
 * The file is read with no network access and no external entities. */
ods_err conf_load(const char *path, struct ods_conf **out, struct diag *d);

/* Same, from a string in memory; `name` is used in messages in place of the file name. */
ods_err conf_load_mem(const char *name, const char *xml, size_t len, struct ods_conf **out,
                      struct diag *d);

/* Free c and every string it owns; NULL is fine. */
void conf_free(struct ods_conf *c);

/* "pkcs11", "software"; "unknown" for anything else. */
const char *conf_repo_type_name(enum conf_repo_type t);

/* "keystore", "enforcer", "signer". */
const char *conf_svc_name(enum conf_svc s);

/* The conf.xml path to use: explicit if not NULL, else $ODS_CONF, else
 * /etc/opendnssec/conf.xml. */
const char *conf_default_path(const char *explicit_path);
