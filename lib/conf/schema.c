/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conf.xml schema: one row per element we read, in the order messages list them. A row
 * names the element's parent container, its kind, its flags, the field it fills in (an offset
 * into struct ods_conf, struct conf_repository or struct conf_service), its range and its
 * default written as conf.xml text. This file holds the only list of element names; conf.c
 * walks a document against it, and only the record-creating kinds have code of their own
 * (Listen and Endpoint in conf.c, Repository in repo.c). Changing conf.xml means editing a row
 * here.
 */
#include "lib/conf/internal.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/conf/conf.h"

/* clang-format off */
#define CONF(m) offsetof(struct ods_conf, m)
#define REPO(m) offsetof(struct conf_repository, m)
#define SVC(m) offsetof(struct conf_service, m)

#define BLOCK(p, n, s, fl, o) \
	{ .parent = p, .name = n, .kind = K_BLOCK, .self = s, .flags = fl, .off = o }
#define IGNORED(p, n, s, why) \
	{ .parent = p, .name = n, .kind = K_BLOCK, .self = s, .flags = F_WARN, .off = NO_FIELD, \
	  .note = why }
#define LEAF(p, n, k, fl, o, lo, hi, d) \
	{ .parent = p, .name = n, .kind = k, .flags = fl, .off = o, .min = lo, .max = hi, .def = d }
#define STR(p, n, fl, o, lo, hi, d) LEAF(p, n, K_STR, fl, o, lo, hi, d)
#define PATH(p, n, fl, o, d) LEAF(p, n, K_PATH, fl, o, 1, 0, d)
#define FLAG(p, n, o) LEAF(p, n, K_FLAG, 0, o, 0, 0, NULL)
#define DUR(p, n, k, o, lo, hi, d) LEAF(p, n, k, 0, o, lo, hi, d)
#define NUM(p, n, k, o, lo, hi, d) LEAF(p, n, k, 0, o, lo, hi, d)

#define WHY_PRIV "the daemons do not change user, group or root directory; start them as the " \
	"intended user instead"
#define WHY_DATASTORE "the cluster keeps its state in PostgreSQL, set <Database> in <Cluster>"
#define WHY_LISTENER "the DNS adapter listener is not used yet"

/* Row 0 must be the root; see internal.h. */
const struct elem conf_elems[] = {
	BLOCK(N_DOC, "Configuration", N_CONF, 0, NO_FIELD),
	BLOCK(N_CONF, "RepositoryList", N_REPOLIST, 0, NO_FIELD),
	BLOCK(N_CONF, "Common", N_COMMON, 0, NO_FIELD),
	BLOCK(N_CONF, "Enforcer", N_ENF, 0, NO_FIELD),
	BLOCK(N_CONF, "Signer", N_SIGNER, 0, NO_FIELD),
	BLOCK(N_CONF, "Cluster", N_CLUSTER, 0, NO_FIELD),

	{ .parent = N_REPOLIST, .name = "Repository", .kind = K_REPO, .self = N_REPO,
	  .flags = F_REPEAT, .off = NO_FIELD, .attrs = "name type" },
	PATH(N_REPO, "Module", F_REQUIRED | F_PKCS11, REPO(module), NULL),
	STR(N_REPO, "TokenLabel", F_REQUIRED | F_PKCS11, REPO(token_label), 1, 32, NULL),
	STR(N_REPO, "PIN", F_RAW | F_PKCS11, REPO(pin), 0, 255, NULL),
	PATH(N_REPO, "PINFile", F_PKCS11, REPO(pin_file), NULL),
	STR(N_REPO, "PINEnvironment", F_PKCS11, REPO(pin_env), 1, 255, NULL),
	PATH(N_REPO, "KeyEncryptionKeyFile", F_SOFTWARE, REPO(kek_file), NULL),
	STR(N_REPO, "KeyEncryptionKeyEnvironment", F_SOFTWARE, REPO(kek_env), 1, 255, NULL),
	NUM(N_REPO, "Capacity", K_I64, REPO(capacity), 0, INT64_MAX, NULL),
	FLAG(N_REPO, "RequireBackup", REPO(require_backup)),
	LEAF(N_REPO, "SkipPublicKey", K_FLAG, F_PKCS11, REPO(skip_public_key), 0, 0, NULL),
	LEAF(N_REPO, "AllowExtraction", K_FLAG, F_PKCS11, REPO(allow_extraction), 0, 0, NULL),

	BLOCK(N_COMMON, "Logging", N_LOGGING, 0, NO_FIELD),
	NUM(N_LOGGING, "Verbosity", K_INT, CONF(verbosity), 0, 255, "3"),
	BLOCK(N_LOGGING, "Syslog", N_SYSLOG, 0, NO_FIELD),
	LEAF(N_SYSLOG, "Facility", K_FACILITY, F_REQUIRED, CONF(syslog_facility), 0, 0, NULL),
	PATH(N_COMMON, "PolicyFile", 0, CONF(policy_file), "/etc/opendnssec/kasp.xml"),
	PATH(N_COMMON, "ZoneListFile", 0, CONF(zonelist_file), "/etc/opendnssec/zonelist.xml"),

	IGNORED(N_ENF, "Privileges", N_PRIV, WHY_PRIV),
	IGNORED(N_ENF, "Datastore", N_DATASTORE, WHY_DATASTORE),
	PATH(N_ENF, "WorkingDirectory", 0, CONF(enforcer.working_dir),
	     "/var/lib/opendnssec/enforcer"),
	PATH(N_ENF, "PidFile", 0, CONF(enforcer.pid_file), "/var/run/opendnssec/enforcerd.pid"),
	PATH(N_ENF, "SocketFile", 0, CONF(enforcer.socket_file),
	     "/var/run/opendnssec/enforcer.sock"),
	FLAG(N_ENF, "ManualKeyGeneration", CONF(enforcer.manual_keygen)),
	DUR(N_ENF, "AutomaticKeyGenerationPeriod", K_DUR_S,
	    CONF(enforcer.automatic_keygen_period_s), 1, INT64_MAX, "P1Y"),
	DUR(N_ENF, "RolloverNotification", K_DUR_S, CONF(enforcer.rollover_notification_s), 0,
	    INT64_MAX, NULL),
	STR(N_ENF, "DelegationSignerSubmitCommand", 0, CONF(enforcer.ds_submit_cmd), 1, 0, NULL),
	STR(N_ENF, "DelegationSignerRetractCommand", 0, CONF(enforcer.ds_retract_cmd), 1, 0, NULL),
	NUM(N_ENF, "WorkerThreads", K_INT, CONF(enforcer.worker_threads), 1, 1024, "4"),
	{ .parent = N_ENF, .name = "Interval", .kind = K_REJECT,
	  .note = "not supported since OpenDNSSEC 2.0, remove it" },

	STR(N_PRIV, "User", 0, NO_FIELD, 1, 0, NULL),
	STR(N_PRIV, "Group", 0, NO_FIELD, 1, 0, NULL),
	PATH(N_PRIV, "Directory", 0, NO_FIELD, NULL),
	PATH(N_DATASTORE, "SQLite", 0, NO_FIELD, NULL),
	BLOCK(N_DATASTORE, "MySQL", N_MYSQL, 0, NO_FIELD),
	{ .parent = N_MYSQL, .name = "Host", .kind = K_STR, .off = NO_FIELD, .min = 1,
	  .attrs = "Port" },
	STR(N_MYSQL, "Database", 0, NO_FIELD, 1, 0, NULL),
	STR(N_MYSQL, "Username", 0, NO_FIELD, 0, 0, NULL),
	STR(N_MYSQL, "Password", F_RAW, NO_FIELD, 0, 0, NULL),

	IGNORED(N_SIGNER, "Privileges", N_PRIV, WHY_PRIV),
	PATH(N_SIGNER, "WorkingDirectory", 0, CONF(signer.working_dir),
	     "/var/lib/opendnssec/signer"),
	PATH(N_SIGNER, "PidFile", 0, CONF(signer.pid_file), "/var/run/opendnssec/signerd.pid"),
	PATH(N_SIGNER, "SocketFile", 0, CONF(signer.socket_file),
	     "/var/run/opendnssec/engine.sock"),
	NUM(N_SIGNER, "WorkerThreads", K_INT, CONF(signer.worker_threads), 1, 1024, "4"),
	/* no default here: it follows WorkerThreads, see finish() */
	NUM(N_SIGNER, "SignerThreads", K_INT, CONF(signer.signer_threads), 1, 1024, NULL),
	IGNORED(N_SIGNER, "Listener", N_LISTENER, WHY_LISTENER),
	STR(N_SIGNER, "NotifyCommand", 0, CONF(signer.notify_cmd), 1, 0, NULL),
	/* ours: how the cluster's workers share a zone */
	NUM(N_SIGNER, "ChunkSize", K_INT, CONF(signer.chunk_rrsets), 100, 100000000, "20000"),
	DUR(N_SIGNER, "JobLease", K_DUR_S, CONF(signer.job_lease_s), 5, 3600, "PT60S"),
	BLOCK(N_LISTENER, "Interface", N_IFACE, F_REPEAT, NO_FIELD),
	STR(N_IFACE, "Address", 0, NO_FIELD, 1, 0, NULL),
	NUM(N_IFACE, "Port", K_INT, NO_FIELD, 1, 65535, NULL),

	STR(N_CLUSTER, "Database", 0, CONF(cluster.database), 0, 0, ""),
	FLAG(N_CLUSTER, "Testing", CONF(cluster.testing)),
	NUM(N_CLUSTER, "MaxMessageSize", K_SIZE, CONF(cluster.max_message_bytes), 4096, 1073741824,
	    "16777216"),
	DUR(N_CLUSTER, "ShutdownGrace", K_DUR_MS, CONF(cluster.grace_ms), 0, 3600, "PT5S"),
	BLOCK(N_CLUSTER, "TLS", N_TLS, 0, NO_FIELD),
	PATH(N_TLS, "Certificate", F_REQUIRED, CONF(cluster.tls.cert_file), NULL),
	PATH(N_TLS, "PrivateKey", F_REQUIRED, CONF(cluster.tls.key_file), NULL),
	PATH(N_TLS, "CA", 0, CONF(cluster.tls.ca_file), NULL),
	BLOCK(N_CLUSTER, "Keystore", N_CSVC, 0, CONF(cluster.svc[CONF_SVC_KEYSTORE])),
	BLOCK(N_CLUSTER, "Enforcer", N_CSVC, 0, CONF(cluster.svc[CONF_SVC_ENFORCER])),
	BLOCK(N_CLUSTER, "Signer", N_CSVC, 0, CONF(cluster.svc[CONF_SVC_SIGNER])),
	{ .parent = N_CSVC, .name = "Listen", .kind = K_LISTEN, .flags = F_REPEAT,
	  .off = SVC(listen), .attrs = "role ca" },
	LEAF(N_CSVC, "Endpoint", K_ENDPOINT, F_REPEAT, SVC(endpoints), 0, 0, NULL),
	LEAF(N_CSVC, "Metrics", K_HOSTPORT, 0, SVC(metrics), 0, 0, NULL),
	NUM(N_CSVC, "Workers", K_INT, SVC(workers), 1, 256, "8"),
};

/* clang-format on */

_Static_assert(sizeof(conf_elems) / sizeof(conf_elems[0]) == CONF_ELEMS_N,
               "CONF_ELEMS_N in lib/conf/internal.h must count the rows of conf_elems");

const struct elem *
conf_elem_find(enum node parent, const char *name)
{
	for (size_t i = 0; i < CONF_ELEMS_N; i++)
		if (conf_elems[i].parent == parent && strcmp(conf_elems[i].name, name) == 0)
			return &conf_elems[i];
	return NULL;
}
