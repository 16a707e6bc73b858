/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the conf.xml loader (lib/conf): the defaults of an empty <Configuration/>, a complete
 * OpenDNSSEC conf.xml, our <Cluster> section with its derived listeners and endpoints, and one
 * test per error the loader reports, each checking diag.where ("name:line") and diag.msg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include <cmocka.h>

#include "lib/conf/conf.h"

#define DAY INT64_C(86400)

static struct ods_conf *
load_ok(const char *xml)
{
	struct ods_conf *c = NULL;
	struct diag d = {0};
	ods_err rc = conf_load_mem("conf.xml", xml, strlen(xml), &c, &d);

	if (rc != ODS_OK)
		fail_msg("unexpected error %d: %s: %s", rc, d.where, d.msg);
	assert_non_null(c);
	return c;
}

/* Loading must fail with rc, at `where`, with a message containing each of the fragments. */
static void
load_fails(const char *xml, ods_err want_rc, const char *want_where, const char *frag1,
           const char *frag2)
{
	struct ods_conf *sentinel = (struct ods_conf *)&sentinel;
	struct ods_conf *c = sentinel;
	struct diag d = {0};
	ods_err rc = conf_load_mem("conf.xml", xml, strlen(xml), &c, &d);

	assert_int_equal(rc, want_rc);
	assert_ptr_equal(c, sentinel); /* out-parameter written only on success */
	assert_string_equal(d.where, want_where);
	if (strstr(d.msg, frag1) == NULL || (frag2 && strstr(d.msg, frag2) == NULL))
		fail_msg("message '%s' lacks '%s' / '%s'", d.msg, frag1, frag2 ? frag2 : "");
}

static void
test_minimal_configuration_has_all_defaults(void **state)
{
	struct ods_conf *c = load_ok("<Configuration/>");

	(void)state;
	assert_string_equal(c->path, "conf.xml");
	assert_int_equal(c->verbosity, 3);
	assert_null(c->syslog_facility);
	assert_string_equal(c->policy_file, "/etc/opendnssec/kasp.xml");
	assert_string_equal(c->zonelist_file, "/etc/opendnssec/zonelist.xml");
	assert_int_equal(c->n_repos, 0);
	assert_string_equal(c->enforcer.working_dir, "/var/lib/opendnssec/enforcer");
	assert_string_equal(c->enforcer.pid_file, "/var/run/opendnssec/enforcerd.pid");
	assert_string_equal(c->enforcer.socket_file, "/var/run/opendnssec/enforcer.sock");
	assert_false(c->enforcer.manual_keygen);
	assert_int_equal(c->enforcer.automatic_keygen_period_s, 365 * DAY);
	assert_int_equal(c->enforcer.rollover_notification_s, 0);
	assert_null(c->enforcer.ds_submit_cmd);
	assert_null(c->enforcer.ds_retract_cmd);
	assert_int_equal(c->enforcer.worker_threads, 4);
	assert_string_equal(c->signer.working_dir, "/var/lib/opendnssec/signer");
	assert_string_equal(c->signer.pid_file, "/var/run/opendnssec/signerd.pid");
	assert_string_equal(c->signer.socket_file, "/var/run/opendnssec/engine.sock");
	assert_int_equal(c->signer.worker_threads, 4);
	assert_int_equal(c->signer.signer_threads, 4);
	assert_null(c->signer.notify_cmd);
	assert_string_equal(c->cluster.database, "");
	assert_false(c->cluster.testing);
	assert_int_equal(c->cluster.max_message_bytes, 16 * 1024 * 1024);
	assert_int_equal(c->cluster.grace_ms, 5000);
	assert_null(c->cluster.tls.cert_file);
	assert_null(c->cluster.tls.key_file);
	assert_null(c->cluster.tls.ca_file);
	for (int i = 0; i < CONF_SVC_COUNT; i++) {
		const struct conf_service *s = &c->cluster.svc[i];

		assert_int_equal(s->n_listen, 1);
		assert_null(s->listen[0].role);
		assert_null(s->listen[0].ca_file);
		assert_int_equal(s->n_endpoints, 1);
		assert_string_equal(s->endpoints[0], s->listen[0].url);
		assert_null(s->metrics);
		assert_int_equal(s->workers, 8);
	}
	assert_string_equal(c->cluster.svc[CONF_SVC_KEYSTORE].listen[0].url,
	                    "ipc:///var/run/opendnssec/keystore.sock");
	assert_string_equal(c->cluster.svc[CONF_SVC_ENFORCER].listen[0].url,
	                    "ipc:///var/run/opendnssec/enforcer.sock");
	assert_string_equal(c->cluster.svc[CONF_SVC_SIGNER].listen[0].url,
	                    "ipc:///var/run/opendnssec/engine.sock");
	assert_int_equal(c->n_warnings, 0);
	conf_free(c);
}

static void
test_empty_sections_get_defaults_too(void **state)
{
	struct ods_conf *c = load_ok("<?xml version=\"1.0\"?>\n<!-- comment -->\n<Configuration>\n"
	                             "  <Common><Logging/></Common>\n  <Enforcer/>\n  <Signer/>\n"
	                             "  <Cluster><Keystore/></Cluster>\n</Configuration>\n");

	(void)state;
	assert_int_equal(c->verbosity, 3);
	assert_string_equal(c->policy_file, "/etc/opendnssec/kasp.xml");
	assert_int_equal(c->enforcer.worker_threads, 4);
	assert_int_equal(c->signer.signer_threads, 4);
	assert_int_equal(c->cluster.svc[CONF_SVC_KEYSTORE].workers, 8);
	assert_int_equal(c->cluster.svc[CONF_SVC_KEYSTORE].n_listen, 1);
	conf_free(c);
}

/* OpenDNSSEC 2.1's shipped conf.xml, filled in. */
static const char ods_example[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Configuration>\n"
    "\t<RepositoryList>\n"
    "\t\t<Repository name=\"SoftHSM\">\n"
    "\t\t\t<Module>/usr/lib/softhsm/libsofthsm2.so</Module>\n"
    "\t\t\t<TokenLabel>OpenDNSSEC</TokenLabel>\n"
    "\t\t\t<PIN>1234</PIN>\n"
    "\t\t\t<Capacity>1000</Capacity>\n"
    "\t\t\t<RequireBackup/>\n"
    "\t\t\t<SkipPublicKey/>\n"
    "\t\t</Repository>\n"
    "\t\t<Repository name=\"Other\">\n"
    "\t\t\t<Module>/usr/lib/other.so</Module>\n"
    "\t\t\t<TokenLabel>tok2</TokenLabel>\n"
    "\t\t\t<AllowExtraction/>\n"
    "\t\t</Repository>\n"
    "\t</RepositoryList>\n"
    "\t<Common>\n"
    "\t\t<Logging>\n"
    "\t\t\t<Verbosity>4</Verbosity>\n"
    "\t\t\t<Syslog><Facility>local0</Facility></Syslog>\n"
    "\t\t</Logging>\n"
    "\t\t<PolicyFile>/etc/ods/kasp.xml</PolicyFile>\n"
    "\t\t<ZoneListFile>/etc/ods/zonelist.xml</ZoneListFile>\n"
    "\t</Common>\n"
    "\t<Enforcer>\n"
    "\t\t<Privileges>\n"
    "\t\t\t<User>opendnssec</User>\n"
    "\t\t\t<Group>opendnssec</Group>\n"
    "\t\t</Privileges>\n"
    "\t\t<Datastore><SQLite>/var/lib/opendnssec/kasp.db</SQLite></Datastore>\n"
    "\t\t<WorkingDirectory>/var/lib/ods/enforcer</WorkingDirectory>\n"
    "\t\t<PidFile>/run/ods/enforcerd.pid</PidFile>\n"
    "\t\t<SocketFile>/run/ods/enforcer.sock</SocketFile>\n"
    "\t\t<ManualKeyGeneration/>\n"
    "\t\t<AutomaticKeyGenerationPeriod>P2M</AutomaticKeyGenerationPeriod>\n"
    "\t\t<RolloverNotification>P14D</RolloverNotification>\n"
    "\t\t<DelegationSignerSubmitCommand>/usr/bin/ds-submit "
    "--cka_id</DelegationSignerSubmitCommand>\n"
    "\t\t<DelegationSignerRetractCommand>/usr/bin/ds-retract</DelegationSignerRetractCommand>\n"
    "\t\t<WorkerThreads>2</WorkerThreads>\n"
    "\t</Enforcer>\n"
    "\t<Signer>\n"
    "\t\t<Privileges><User>opendnssec</User></Privileges>\n"
    "\t\t<WorkingDirectory>/var/lib/ods/signer</WorkingDirectory>\n"
    "\t\t<WorkerThreads>8</WorkerThreads>\n"
    "\t\t<Listener>\n"
    "\t\t\t<Interface><Address>127.0.0.1</Address><Port>15354</Port></Interface>\n"
    "\t\t\t<Interface><Port>53</Port></Interface>\n"
    "\t\t</Listener>\n"
    "\t\t<NotifyCommand>/usr/sbin/rndc reload %zone</NotifyCommand>\n"
    "\t</Signer>\n"
    "</Configuration>\n";

static void
test_opendnssec_example_loads(void **state)
{
	struct ods_conf *c = load_ok(ods_example);
	const struct conf_repository *r;

	(void)state;
	assert_int_equal(c->n_repos, 2);
	r = &c->repos[0];
	assert_string_equal(r->name, "SoftHSM");
	assert_string_equal(r->module, "/usr/lib/softhsm/libsofthsm2.so");
	assert_string_equal(r->token_label, "OpenDNSSEC");
	assert_string_equal(r->pin, "1234");
	assert_int_equal(r->capacity, 1000);
	assert_true(r->require_backup);
	assert_true(r->skip_public_key);
	assert_false(r->allow_extraction);
	assert_int_equal(r->line, 4);
	assert_int_equal(r->type, CONF_REPO_PKCS11);
	r = &c->repos[1];
	assert_string_equal(r->name, "Other");
	assert_null(r->pin);
	assert_int_equal(r->capacity, 0);
	assert_false(r->require_backup);
	assert_true(r->allow_extraction);
	assert_int_equal(r->line, 12);

	assert_int_equal(c->verbosity, 4);
	assert_string_equal(c->syslog_facility, "local0");
	assert_string_equal(c->policy_file, "/etc/ods/kasp.xml");
	assert_string_equal(c->zonelist_file, "/etc/ods/zonelist.xml");

	assert_string_equal(c->enforcer.working_dir, "/var/lib/ods/enforcer");
	assert_string_equal(c->enforcer.pid_file, "/run/ods/enforcerd.pid");
	assert_string_equal(c->enforcer.socket_file, "/run/ods/enforcer.sock");
	assert_true(c->enforcer.manual_keygen);
	assert_int_equal(c->enforcer.automatic_keygen_period_s, 62 * DAY);
	assert_int_equal(c->enforcer.rollover_notification_s, 14 * DAY);
	assert_string_equal(c->enforcer.ds_submit_cmd, "/usr/bin/ds-submit --cka_id");
	assert_string_equal(c->enforcer.ds_retract_cmd, "/usr/bin/ds-retract");
	assert_int_equal(c->enforcer.worker_threads, 2);

	assert_string_equal(c->signer.working_dir, "/var/lib/ods/signer");
	assert_string_equal(c->signer.pid_file, "/var/run/opendnssec/signerd.pid");
	assert_int_equal(c->signer.worker_threads, 8);
	assert_int_equal(c->signer.signer_threads, 8); /* follows WorkerThreads */
	assert_string_equal(c->signer.notify_cmd, "/usr/sbin/rndc reload %zone");

	/* The enforcer's RPC listener sits on its SocketFile, where ods-enforcer looks. */
	assert_string_equal(c->cluster.svc[CONF_SVC_ENFORCER].listen[0].url,
	                    "ipc:///run/ods/enforcer.sock");

	assert_int_equal(c->n_warnings, 4);
	assert_string_equal(c->warnings[0],
	                    "conf.xml:27: <Privileges> in <Enforcer> ignored: the daemons do not "
	                    "change user, group or root directory; start them as the intended "
	                    "user instead");
	assert_non_null(strstr(c->warnings[1], "conf.xml:31: <Datastore> in <Enforcer> ignored"));
	assert_non_null(strstr(c->warnings[1], "<Database> in <Cluster>"));
	assert_non_null(strstr(c->warnings[2], "conf.xml:43: <Privileges> in <Signer> ignored"));
	assert_string_equal(c->warnings[3], "conf.xml:46: <Listener> in <Signer> ignored: the DNS "
	                                    "adapter listener is not used yet");
	conf_free(c);
}

static void
test_mysql_datastore_is_accepted_with_a_warning(void **state)
{
	struct ods_conf *c =
	    load_ok("<Configuration><Enforcer><Datastore><MySQL>\n"
	            "<Host Port=\"3306\">db.example</Host><Database>kasp</Database>\n"
	            "<Username>ods</Username><Password> secret </Password>\n"
	            "</MySQL></Datastore></Enforcer></Configuration>");

	(void)state;
	assert_int_equal(c->n_warnings, 1);
	assert_non_null(strstr(c->warnings[0], "conf.xml:1: <Datastore> in <Enforcer> ignored"));
	conf_free(c);
}

static void
test_values_are_trimmed_but_pin_is_kept_as_written(void **state)
{
	struct ods_conf *c = load_ok(
	    "<Configuration><RepositoryList><Repository name=\" h \">\n"
	    "  <Module>\n    /lib/p11.so\n  </Module><TokenLabel> t </TokenLabel>"
	    "<PIN> 12 34 </PIN>\n"
	    "</Repository></RepositoryList>"
	    "<Common><Logging><Verbosity> 5 </Verbosity></Logging></Common>"
	    "<Enforcer><WorkerThreads><![CDATA[7]]></WorkerThreads></Enforcer></Configuration>");

	(void)state;
	assert_string_equal(c->repos[0].name, "h");
	assert_string_equal(c->repos[0].module, "/lib/p11.so");
	assert_string_equal(c->repos[0].token_label, "t");
	assert_string_equal(c->repos[0].pin, " 12 34 ");
	assert_int_equal(c->verbosity, 5);
	assert_int_equal(c->enforcer.worker_threads, 7);
	conf_free(c);
}

static const char cluster_xml[] =
    "<Configuration>\n"
    "  <Signer><SocketFile>/run/s.sock</SocketFile><SignerThreads>3</SignerThreads></Signer>\n"
    "  <Cluster>\n"
    "    <Database>host=/var/lib/ods/pg dbname=ods user=ods</Database>\n"
    "    <Testing/>\n"
    "    <MaxMessageSize>4096</MaxMessageSize>\n"
    "    <ShutdownGrace>PT1M</ShutdownGrace>\n"
    "    <Keystore>\n"
    "      <Listen role=\"signer\" ca=\"/etc/ods/signer-ca.pem\">tls+tcp://0.0.0.0:15401</Listen>\n"
    "      <Listen>tls+tcp://[::]:15402</Listen>\n"
    "      <Listen role=\"enforcer\">ipc:///run/ks.sock</Listen>\n"
    "      <Metrics>127.0.0.1:15411</Metrics>\n"
    "      <Workers>16</Workers>\n"
    "    </Keystore>\n"
    "    <Enforcer>\n"
    "      <Listen>tcp://10.0.0.1:15402</Listen>\n"
    "      <Endpoint>tcp://enforcer.example:15402</Endpoint>\n"
    "      <Endpoint>tls+tcp://[2001:db8::1]:15403</Endpoint>\n"
    "      <Metrics>[::1]:15412</Metrics>\n"
    "    </Enforcer>\n"
    "    <TLS>\n"
    "      <Certificate>/etc/ods/node.pem</Certificate>\n"
    "      <PrivateKey>/etc/ods/node.key</PrivateKey>\n"
    "      <CA>/etc/ods/ca.pem</CA>\n"
    "    </TLS>\n"
    "  </Cluster>\n"
    "</Configuration>\n";

static void
test_cluster_section_loads(void **state)
{
	struct ods_conf *c = load_ok(cluster_xml);
	const struct conf_service *ks = &c->cluster.svc[CONF_SVC_KEYSTORE];
	const struct conf_service *en = &c->cluster.svc[CONF_SVC_ENFORCER];
	const struct conf_service *sg = &c->cluster.svc[CONF_SVC_SIGNER];

	(void)state;
	assert_string_equal(c->cluster.database, "host=/var/lib/ods/pg dbname=ods user=ods");
	assert_true(c->cluster.testing);
	assert_int_equal(c->cluster.max_message_bytes, 4096);
	assert_int_equal(c->cluster.grace_ms, 60000);
	assert_string_equal(c->cluster.tls.cert_file, "/etc/ods/node.pem");
	assert_string_equal(c->cluster.tls.key_file, "/etc/ods/node.key");
	assert_string_equal(c->cluster.tls.ca_file, "/etc/ods/ca.pem");
	assert_int_equal(c->signer.signer_threads, 3);
	assert_int_equal(c->signer.worker_threads, 4);

	assert_int_equal(ks->n_listen, 3);
	assert_string_equal(ks->listen[0].url, "tls+tcp://0.0.0.0:15401");
	assert_string_equal(ks->listen[0].role, "signer");
	assert_string_equal(ks->listen[0].ca_file, "/etc/ods/signer-ca.pem");
	assert_string_equal(ks->listen[1].url, "tls+tcp://[::]:15402");
	assert_null(ks->listen[1].role);
	assert_null(ks->listen[1].ca_file);
	assert_string_equal(ks->listen[2].role, "enforcer");
	/* No Endpoint: clients dial the listeners, wildcards made local. */
	assert_int_equal(ks->n_endpoints, 3);
	assert_string_equal(ks->endpoints[0], "tls+tcp://127.0.0.1:15401");
	assert_string_equal(ks->endpoints[1], "tls+tcp://[::1]:15402");
	assert_string_equal(ks->endpoints[2], "ipc:///run/ks.sock");
	assert_string_equal(ks->metrics, "127.0.0.1:15411");
	assert_int_equal(ks->workers, 16);

	assert_int_equal(en->n_listen, 1);
	assert_string_equal(en->listen[0].url, "tcp://10.0.0.1:15402");
	assert_int_equal(en->n_endpoints, 2);
	assert_string_equal(en->endpoints[0], "tcp://enforcer.example:15402");
	assert_string_equal(en->endpoints[1], "tls+tcp://[2001:db8::1]:15403");
	assert_string_equal(en->metrics, "[::1]:15412");
	assert_int_equal(en->workers, 8);

	assert_int_equal(sg->n_listen, 1);
	assert_string_equal(sg->listen[0].url, "ipc:///run/s.sock");
	assert_int_equal(sg->n_endpoints, 1);
	assert_string_equal(sg->endpoints[0], "ipc:///run/s.sock");
	assert_null(sg->metrics);
	assert_int_equal(c->n_warnings, 0);
	conf_free(c);
}

static void
test_listener_ca_attribute_is_enough_without_cluster_ca(void **state)
{
	struct ods_conf *c =
	    load_ok("<Configuration><Cluster><TLS><Certificate>c</Certificate>"
	            "<PrivateKey>k</PrivateKey></TLS><Signer>"
	            "<Listen ca=\"/ca.pem\">tls+tcp://127.0.0.1:1</Listen>"
	            "<Endpoint>tcp://127.0.0.1:1</Endpoint></Signer></Cluster></Configuration>");

	(void)state;
	assert_null(c->cluster.tls.ca_file);
	assert_string_equal(c->cluster.svc[CONF_SVC_SIGNER].listen[0].ca_file, "/ca.pem");
	conf_free(c);
}

static void
test_unknown_element_names_line_and_alternatives(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<Enforcer>\n\n<Bogus>1</Bogus>\n</Enforcer>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:4", "<Bogus> in <Enforcer>: unknown element (expected ",
	           "WorkerThreads");
	load_fails("<Configuration>\n<Enforcer>\n<workerthreads>1</workerthreads>\n"
	           "</Enforcer></Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<workerthreads> in <Enforcer>: unknown element, did you mean <WorkerThreads>?",
	           NULL);
	load_fails("<Configuration><Common>\n<Logging><Verbosity>1<X/></Verbosity></Logging>\n"
	           "</Common></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Verbosity> in <Logging>: takes a value, not the element <X>", NULL);
}

static void
test_bad_number_is_named_with_element_and_parent(void **state)
{
	(void)state;
	load_fails("<Configuration>\n  <Enforcer>\n    <WorkerThreads>abc</WorkerThreads>\n"
	           "  </Enforcer>\n</Configuration>\n",
	           ODS_EINVAL, "conf.xml:3",
	           "<WorkerThreads> in <Enforcer>: 'abc' is not a whole number", NULL);
	load_fails("<Configuration><Enforcer><WorkerThreads>-1</WorkerThreads></Enforcer>"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:1", "'-1' is not a whole number", NULL);
	load_fails("<Configuration><Enforcer><WorkerThreads>99999999999999999999</WorkerThreads>"
	           "</Enforcer></Configuration>",
	           ODS_EINVAL, "conf.xml:1", "is not a whole number", NULL);
	load_fails("<Configuration><Signer><WorkerThreads>0</WorkerThreads></Signer>"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:1",
	           "<WorkerThreads> in <Signer>: 0 is out of range 1..1024", NULL);
	load_fails("<Configuration><Cluster>\n<MaxMessageSize>100</MaxMessageSize></Cluster>"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<MaxMessageSize> in <Cluster>: 100 is out of range 4096..1073741824", NULL);
	load_fails("<Configuration><Cluster><Keystore>\n<Workers>257</Workers></Keystore></Cluster>"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:2", "<Workers> in <Keystore>: 257 is out of range 1..256",
	           NULL);
}

static void
test_bad_duration_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<Enforcer>\n"
	           "<AutomaticKeyGenerationPeriod>1 year</AutomaticKeyGenerationPeriod>\n"
	           "</Enforcer></Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<AutomaticKeyGenerationPeriod> in <Enforcer>: '1 year' is not a duration",
	           NULL);
	load_fails("<Configuration><Cluster>\n<ShutdownGrace>PT2H</ShutdownGrace></Cluster>"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<ShutdownGrace> in <Cluster>: PT2H is out of range PT0S..PT1H", NULL);
	load_fails("<Configuration><Enforcer>\n<AutomaticKeyGenerationPeriod>PT0S"
	           "</AutomaticKeyGenerationPeriod></Enforcer></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "PT0S is shorter than PT1S", NULL);
}

static void
test_repository_without_module_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<RepositoryList>\n<Repository name=\"SoftHSM\">\n"
	           "<TokenLabel>OpenDNSSEC</TokenLabel>\n</Repository>\n</RepositoryList>\n"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<Repository name=\"SoftHSM\"> in <RepositoryList>: missing <Module>", NULL);
	load_fails("<Configuration><RepositoryList>\n<Repository>\n<Module>m</Module>"
	           "<TokenLabel>t</TokenLabel></Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Repository> in <RepositoryList>: the name attribute is required", NULL);
	load_fails("<Configuration><RepositoryList><Repository name=\"h\">\n<Module>m</Module>\n"
	           "<TokenLabel>123456789012345678901234567890123</TokenLabel>"
	           "</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<TokenLabel> in <Repository name=\"h\">: '123456789012345678901234567890123' "
	           "is not 1 to 32 bytes long",
	           NULL);
	load_fails("<Configuration><RepositoryList><Repository name=\"h\">\n<Module> </Module>\n"
	           "<TokenLabel>t</TokenLabel></Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "<Module> in <Repository name=\"h\">: is empty", NULL);
}

static void
test_software_repository_loads(void **state)
{
	struct ods_conf *c = load_ok(
	    "<Configuration><RepositoryList>\n"
	    "<Repository name=\"soft\" type=\"software\">\n"
	    "  <KeyEncryptionKeyFile>/etc/ods/kek</KeyEncryptionKeyFile>\n"
	    "  <Capacity>10</Capacity><RequireBackup/>\n"
	    "</Repository>\n"
	    "<Repository name=\"env\" type=\"software\">"
	    "<KeyEncryptionKeyEnvironment>ODS_KEK</KeyEncryptionKeyEnvironment></Repository>\n"
	    "<Repository name=\"hsm\" type=\"pkcs11\"><Module>/lib/p11.so</Module>"
	    "<TokenLabel>t</TokenLabel></Repository>\n"
	    "<Repository name=\"plain\"><Module>/lib/p11.so</Module>"
	    "<TokenLabel>t</TokenLabel></Repository>\n"
	    "</RepositoryList></Configuration>");
	const struct conf_repository *r = &c->repos[0];

	(void)state;
	assert_int_equal(c->n_repos, 4);
	assert_int_equal(r->type, CONF_REPO_SOFTWARE);
	assert_string_equal(conf_repo_type_name(r->type), "software");
	assert_string_equal(r->kek_file, "/etc/ods/kek");
	assert_null(r->kek_env);
	assert_null(r->module);
	assert_null(r->token_label);
	assert_null(r->pin);
	assert_int_equal(r->capacity, 10);
	assert_true(r->require_backup);
	r = &c->repos[1];
	assert_int_equal(r->type, CONF_REPO_SOFTWARE);
	assert_null(r->kek_file);
	assert_string_equal(r->kek_env, "ODS_KEK");
	assert_int_equal(r->capacity, 0);
	assert_int_equal(c->repos[2].type, CONF_REPO_PKCS11);
	assert_int_equal(c->repos[3].type, CONF_REPO_PKCS11); /* the default */
	assert_string_equal(conf_repo_type_name(CONF_REPO_PKCS11), "pkcs11");
	assert_null(c->repos[3].kek_file);
	conf_free(c);
}

static void
test_software_repository_needs_exactly_one_kek(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<RepositoryList>\n"
	           "<Repository name=\"soft\" type=\"software\">\n<Capacity>3</Capacity>\n"
	           "</Repository>\n</RepositoryList>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<Repository name=\"soft\"> in <RepositoryList>: a software repository needs "
	           "its key-encryption key: add <KeyEncryptionKeyFile> or "
	           "<KeyEncryptionKeyEnvironment>",
	           NULL);
	load_fails("<Configuration>\n<RepositoryList>\n"
	           "<Repository name=\"soft\" type=\"software\">\n"
	           "<KeyEncryptionKeyFile>/k</KeyEncryptionKeyFile>\n"
	           "<KeyEncryptionKeyEnvironment>K</KeyEncryptionKeyEnvironment>\n"
	           "</Repository>\n</RepositoryList>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:5",
	           "<KeyEncryptionKeyEnvironment> in <Repository name=\"soft\">: give either "
	           "<KeyEncryptionKeyFile> or <KeyEncryptionKeyEnvironment>, not both (the other "
	           "is on line 4)",
	           NULL);
	load_fails("<Configuration><RepositoryList><Repository name=\"soft\" type=\"software\">\n"
	           "<KeyEncryptionKeyEnvironment></KeyEncryptionKeyEnvironment>"
	           "</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<KeyEncryptionKeyEnvironment> in <Repository name=\"soft\">: is empty", NULL);
	load_fails("<Configuration><RepositoryList><Repository name=\"soft\" type=\"software\">\n"
	           "<KeyEncryptionKeyFile>/k</KeyEncryptionKeyFile>\n"
	           "<KeyEncryptionKeyFile>/j</KeyEncryptionKeyFile>"
	           "</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:3", "given twice (first on line 2)", NULL);
}

static void
test_repository_elements_must_fit_its_type(void **state)
{
	static const char *const pkcs11_only[] = {
	    "<Module>/lib/p11.so</Module>",
	    "<TokenLabel>t</TokenLabel>",
	    "<PIN>1234</PIN>",
	    "<PINFile>/p</PINFile>",
	    "<PINEnvironment>P</PINEnvironment>",
	    "<SkipPublicKey/>",
	    "<AllowExtraction/>",
	};
	char xml[512], msg[160];

	(void)state;
	for (size_t i = 0; i < sizeof(pkcs11_only) / sizeof(pkcs11_only[0]); i++) {
		const char *e = pkcs11_only[i];
		size_t n = strcspn(e + 1, ">/");

		snprintf(xml, sizeof(xml),
		         "<Configuration><RepositoryList>\n<Repository name=\"soft\" "
		         "type=\"software\">\n<KeyEncryptionKeyFile>/k</KeyEncryptionKeyFile>\n"
		         "%s\n</Repository></RepositoryList></Configuration>",
		         e);
		snprintf(msg, sizeof(msg),
		         "<%.*s> in <Repository name=\"soft\">: not used by a software repository "
		         "(type=\"software\"); remove it",
		         (int)n, e + 1);
		load_fails(xml, ODS_EINVAL, "conf.xml:4", msg, NULL);
	}
	load_fails("<Configuration><RepositoryList>\n<Repository name=\"h\">\n"
	           "<Module>m</Module><TokenLabel>t</TokenLabel>\n"
	           "<KeyEncryptionKeyFile>/k</KeyEncryptionKeyFile>\n"
	           "</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:4",
	           "<KeyEncryptionKeyFile> in <Repository name=\"h\">: only a software repository "
	           "(type=\"software\") uses it",
	           NULL);
	load_fails("<Configuration><RepositoryList>\n<Repository name=\"h\" type=\"pkcs11\">\n"
	           "<Module>m</Module>\n</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Repository name=\"h\"> in <RepositoryList>: missing <TokenLabel>", NULL);
	load_fails("<Configuration><RepositoryList>\n<Repository name=\"h\" type=\"hsm\">\n"
	           "<Module>m</Module>\n</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Repository> in <RepositoryList>: type 'hsm' is not \"pkcs11\" or "
	           "\"software\"",
	           NULL);
	load_fails("<Configuration><RepositoryList>\n<Repository name=\"h\" type=\"\">\n"
	           "</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "attribute type is empty", NULL);
}

static void
test_duplicate_repository_name_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<RepositoryList>\n"
	           "<Repository name=\"SoftHSM\"><Module>a</Module><TokenLabel>t</TokenLabel>"
	           "</Repository>\n"
	           "<Repository name=\"SoftHSM\"><Module>b</Module><TokenLabel>u</TokenLabel>"
	           "</Repository>\n"
	           "</RepositoryList>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:4",
	           "<Repository> in <RepositoryList>: name 'SoftHSM' is already used on line 3",
	           NULL);
}

static void
test_duplicate_single_element_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<Enforcer>\n<WorkerThreads>1</WorkerThreads>\n"
	           "<WorkerThreads>2</WorkerThreads>\n</Enforcer>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:4",
	           "<WorkerThreads> in <Enforcer>: given twice (first on line 3)", NULL);
	load_fails("<Configuration>\n<Common/>\n<Common/>\n</Configuration>", ODS_EINVAL,
	           "conf.xml:3", "<Common> in <Configuration>: given twice (first on line 2)",
	           NULL);
}

static void
test_interval_in_enforcer_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<Enforcer>\n<Interval>PT3600S</Interval>\n</Enforcer>\n"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<Interval> in <Enforcer>: not supported since OpenDNSSEC 2.0, remove it", NULL);
}

static void
test_xml_syntax_error_has_its_line(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<Enforcer>\n<WorkerThreads>4</WorkerThread>\n</Enforcer>\n"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:3", "XML syntax error: ", "WorkerThread");
	load_fails("", ODS_EINVAL, "conf.xml:1", "XML syntax error: ", NULL);
	load_fails("<Configuration>\n<Common>\n", ODS_EINVAL, "conf.xml:3",
	           "XML syntax error: ", NULL);
	/* Raised by libxml2 without a parser context, so it never reaches stderr; the text is
	 * converted before it is parsed, so there is no real line and line 1 is reported. */
	load_fails("<?xml version=\"1.0\" encoding=\"SHIFT_JIS\"?>\n<Configuration>\n"
	           "<Common><PolicyFile>\x81\x20</PolicyFile></Common></Configuration>",
	           ODS_EINVAL, "conf.xml:1", "XML syntax error: input conversion failed", NULL);
	load_fails("<?xml version=\"1.0\"?>\n<Configuration>\xff\xfe</Configuration>", ODS_EINVAL,
	           "conf.xml:2",
	           "XML syntax error: Input is not proper UTF-8, indicate encoding ! "
	           "Bytes: 0xFF",
	           NULL);
}

static void
test_wrong_root_is_rejected(void **state)
{
	(void)state;
	load_fails("<?xml version=\"1.0\"?>\n<KASP/>\n", ODS_EINVAL, "conf.xml:2",
	           "<KASP>: the root element must be <Configuration>", NULL);
}

static void
test_tls_listener_without_tls_files_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration>\n<Cluster>\n<Keystore>\n"
	           "<Listen>tls+tcp://127.0.0.1:15401</Listen>\n"
	           "</Keystore>\n</Cluster>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:4",
	           "<Listen> in <Keystore>: 'tls+tcp://127.0.0.1:15401' needs <Certificate> and "
	           "<PrivateKey> in <Cluster><TLS>",
	           NULL);
	/* TLS given after the listener, but without any CA. */
	load_fails("<Configuration>\n<Cluster>\n<Keystore>\n"
	           "<Listen>tls+tcp://127.0.0.1:15401</Listen>\n</Keystore>\n"
	           "<TLS><Certificate>c</Certificate><PrivateKey>k</PrivateKey></TLS>\n"
	           "</Cluster>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:4",
	           "needs a CA: set <CA> in <Cluster><TLS> or the ca attribute", NULL);
	load_fails("<Configuration>\n<Cluster>\n"
	           "<TLS><Certificate>c</Certificate><PrivateKey>k</PrivateKey></TLS>\n"
	           "<Signer>\n<Endpoint>tls+tcp://10.1.1.1:15403</Endpoint>\n</Signer>\n"
	           "</Cluster>\n</Configuration>",
	           ODS_EINVAL, "conf.xml:5",
	           "<Endpoint> in <Signer>: 'tls+tcp://10.1.1.1:15403' "
	           "needs a CA: set <CA> in <Cluster><TLS>",
	           NULL);
	load_fails("<Configuration><Cluster>\n<TLS><Certificate>c</Certificate></TLS>\n"
	           "</Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "<TLS> in <Cluster>: missing <PrivateKey>", NULL);
}

static void
test_bad_url_is_rejected(void **state)
{
	(void)state;
	load_fails("<Configuration><Cluster>\n<Keystore>\n<Listen>http://127.0.0.1:80</Listen>\n"
	           "</Keystore></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<Listen> in <Keystore>: 'http://127.0.0.1:80' is not an ipc://path, "
	           "tcp://host:port or tls+tcp://host:port URL",
	           NULL);
	load_fails("<Configuration><Cluster><Enforcer>\n<Endpoint>tcp://host</Endpoint>\n"
	           "</Enforcer></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "'tcp://host' lacks a :port", NULL);
	load_fails("<Configuration><Cluster><Enforcer>\n<Endpoint>tcp://host:70000</Endpoint>\n"
	           "</Enforcer></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "has no valid port (1..65535)", NULL);
	load_fails("<Configuration><Cluster><Enforcer>\n<Endpoint>tcp://::1:5</Endpoint>\n"
	           "</Enforcer></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "without [brackets]", NULL);
	load_fails("<Configuration><Cluster><Enforcer>\n<Endpoint>ipc://</Endpoint>\n"
	           "</Enforcer></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "has no socket path", NULL);
	load_fails("<Configuration><Cluster><Signer>\n<Metrics>localhost</Metrics>\n"
	           "</Signer></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "<Metrics> in <Signer>: 'localhost' lacks a :port",
	           NULL);
	load_fails("<Configuration><Cluster><Signer>\n<Metrics>[fe80::zz]:1</Metrics>\n"
	           "</Signer></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "bad character in its [IPv6] address", NULL);
}

static void
test_other_mistakes_are_reported(void **state)
{
	(void)state;
	load_fails("<Configuration><RepositoryList><Repository name=\"h\">\n<Module>m</Module>"
	           "<TokenLabel>t</TokenLabel>\n<RequireBackup>yes</RequireBackup>\n"
	           "</Repository></RepositoryList></Configuration>",
	           ODS_EINVAL, "conf.xml:3",
	           "<RequireBackup> in <Repository name=\"h\">: takes no "
	           "value, but 'yes' was given; write <RequireBackup/>",
	           NULL);
	load_fails("<Configuration><Common><Logging><Syslog>\n<Facility>local9</Facility>\n"
	           "</Syslog></Logging></Common></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Facility> in <Syslog>: 'local9' is not a syslog facility", NULL);
	load_fails("<Configuration><Common><Logging>\n<Syslog/>\n</Logging></Common>"
	           "</Configuration>",
	           ODS_EINVAL, "conf.xml:2", "<Syslog> in <Logging>: missing <Facility>", NULL);
	load_fails("<Configuration><Cluster><Keystore>\n<Listen port=\"1\">ipc:///x</Listen>\n"
	           "</Keystore></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "<Listen> in <Keystore>: unknown attribute 'port'",
	           NULL);
	load_fails("<Configuration><Cluster><Keystore>\n<Listen role=\"\">ipc:///x</Listen>\n"
	           "</Keystore></Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2", "attribute role is empty", NULL);
	load_fails("<Configuration>\n<Enforcer>\nstray text\n</Enforcer></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Enforcer> in <Configuration>: unexpected text 'stray text", NULL);
	load_fails("<!DOCTYPE Configuration [<!ENTITY e \"x\">]>\n<Configuration><Common>\n"
	           "<PolicyFile>&e;</PolicyFile></Common></Configuration>",
	           ODS_EINVAL, "conf.xml:3", "entity references are not supported", NULL);
	load_fails("<Configuration><Cluster><Testing/>\n<Keystore/><Database/><Testing/>"
	           "</Cluster></Configuration>",
	           ODS_EINVAL, "conf.xml:2",
	           "<Testing> in <Cluster>: given twice (first on line 1)", NULL);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_load_from_file_names_the_file_in_errors(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX";
	char path[64];
	struct ods_conf *c = NULL;
	struct diag d = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/conf.xml", dir);

	write_file(path, ods_example);
	assert_int_equal(conf_load(path, &c, &d), ODS_OK);
	assert_string_equal(c->path, path);
	assert_int_equal(c->n_repos, 2);
	assert_non_null(strstr(c->warnings[0], path));
	conf_free(c);
	c = NULL;

	write_file(path, "<Configuration>\n<Enforcer>\n<WorkerThreads>abc</WorkerThreads>\n"
	                 "</Enforcer>\n</Configuration>\n");
	assert_int_equal(conf_load(path, &c, &d), ODS_EINVAL);
	assert_null(c);
	char want[96];
	snprintf(want, sizeof(want), "%s:3", path);
	assert_string_equal(d.where, want);
	assert_string_equal(d.msg, "<WorkerThreads> in <Enforcer>: 'abc' is not a whole number");

	assert_int_equal(unlink(path), 0);
	assert_int_equal(conf_load(path, &c, &d), ODS_EIO);
	assert_null(c);
	assert_string_equal(d.where, path);
	assert_non_null(strstr(d.msg, "cannot open"));
	assert_int_equal(rmdir(dir), 0);
}

static void *
load_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		struct ods_conf *c = NULL;
		struct diag d = {0};

		if (conf_load_mem("a.xml", cluster_xml, strlen(cluster_xml), &c, &d) != ODS_OK)
			return "good file refused";
		conf_free(c);
		c = NULL;
		if (conf_load_mem("b.xml", "<Configuration>\n<x", 18, &c, &d) != ODS_EINVAL)
			return "bad file accepted";
		if (strcmp(d.where, "b.xml:2") != 0)
			return "wrong where";
	}
	return NULL;
}

static void
test_concurrent_loads_do_not_interfere(void **state)
{
	pthread_t t[4];
	void *res;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, load_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		if (res != NULL)
			fail_msg("thread %d: %s", i, (const char *)res);
	}
}

static void
test_default_path_and_names(void **state)
{
	(void)state;
	assert_string_equal(conf_default_path("/x/conf.xml"), "/x/conf.xml");
	assert_int_equal(setenv("ODS_CONF", "/env/conf.xml", 1), 0);
	assert_string_equal(conf_default_path(NULL), "/env/conf.xml");
	assert_int_equal(unsetenv("ODS_CONF"), 0);
	assert_string_equal(conf_default_path(NULL), "/etc/opendnssec/conf.xml");
	assert_string_equal(conf_svc_name(CONF_SVC_KEYSTORE), "keystore");
	assert_string_equal(conf_svc_name(CONF_SVC_ENFORCER), "enforcer");
	assert_string_equal(conf_svc_name(CONF_SVC_SIGNER), "signer");
	conf_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal_configuration_has_all_defaults),
	    cmocka_unit_test(test_empty_sections_get_defaults_too),
	    cmocka_unit_test(test_opendnssec_example_loads),
	    cmocka_unit_test(test_mysql_datastore_is_accepted_with_a_warning),
	    cmocka_unit_test(test_values_are_trimmed_but_pin_is_kept_as_written),
	    cmocka_unit_test(test_cluster_section_loads),
	    cmocka_unit_test(test_listener_ca_attribute_is_enough_without_cluster_ca),
	    cmocka_unit_test(test_unknown_element_names_line_and_alternatives),
	    cmocka_unit_test(test_bad_number_is_named_with_element_and_parent),
	    cmocka_unit_test(test_bad_duration_is_rejected),
	    cmocka_unit_test(test_repository_without_module_is_rejected),
	    cmocka_unit_test(test_software_repository_loads),
	    cmocka_unit_test(test_software_repository_needs_exactly_one_kek),
	    cmocka_unit_test(test_repository_elements_must_fit_its_type),
	    cmocka_unit_test(test_duplicate_repository_name_is_rejected),
	    cmocka_unit_test(test_duplicate_single_element_is_rejected),
	    cmocka_unit_test(test_interval_in_enforcer_is_rejected),
	    cmocka_unit_test(test_xml_syntax_error_has_its_line),
	    cmocka_unit_test(test_wrong_root_is_rejected),
	    cmocka_unit_test(test_tls_listener_without_tls_files_is_rejected),
	    cmocka_unit_test(test_bad_url_is_rejected),
	    cmocka_unit_test(test_other_mistakes_are_reported),
	    cmocka_unit_test(test_load_from_file_names_the_file_in_errors),
	    cmocka_unit_test(test_concurrent_loads_do_not_interfere),
	    cmocka_unit_test(test_default_path_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
