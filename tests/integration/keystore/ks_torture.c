/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Drives ods-keystored as its clients will, and as they should not: many clients signing at
 * once (every signature verified by ldns), and every kind of bad request (unknown locator,
 * wrong algorithm, empty, oversized and malformed batches, a deleted key, bad key requests),
 * each of which must get its own clear status while the daemon keeps serving.
 *
 *   ks_torture concurrent ALG THREADS ROUNDS BATCH
 *   ks_torture bad
 *   ks_torture keep ALG            (prints the locator of a new key)
 *   ks_torture check LOCATOR ALG   (signs 16 RRsets with an existing key, verifies them)
 *   ks_torture ds LOCATOR OWNER    (prints "<keytag> <SHA-1> <SHA-256> <SHA-384>" for the KSK)
 *   ks_torture backup REPOSITORY list|prepare|commit|rollback
 *                                  (prints "changed=N none=N required=N requested=N done=N")
 *
 * New keys go into the repository named by $ODS_TEST_REPO, by default SoftHSM.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/harness/check.h"
#include "cli/cli.h"
#include "cli/hsm_check.h"
#include "cli/keys.h"
#include "lib/dns/dnskey.h"
#include "ods/keystore.pb-c.h"
#include "services/keystore/keystore.h"

#define REPO repo_name()


static const struct cli_def def = {
	.prog = "ks_torture",
	.daemon = "ods-keystored",
	.service_prefix = "ods.keystore.Keystore/",
	.kind = CONF_SVC_KEYSTORE,
	.cmds = NULL,
};

static struct cli cli;

static char *
repo_name(void)
{
	static char name[128];

	if (name[0] == '\0') {
		const char *v = getenv("ODS_TEST_REPO");
		snprintf(name, sizeof(name), "%s", v && v[0] ? v : "SoftHSM");
	}
	return name;
}

static char *
new_key(int alg, unsigned bits)
{
	Ods__Keystore__GenerateKeyReply *r = NULL;

	CHECK(cli_key_generate(&cli, REPO, alg, bits, &r) == ODS_OK, "GenerateKey %s",
	      dns_alg_name(alg));
	char *loc = strdup(r->key->locator);
	ods__keystore__generate_key_reply__free_unpacked(r, NULL);
	return loc;
}

static ods_err
delete_key(const char *locator)
{
	return cli_key_delete(&cli, locator);
}

static ods_err
sign_raw(const char *locator, int alg, size_t n, size_t len, size_t bad_index, size_t bad_len)
{
	Ods__Keystore__SignBatchRequest rq = ODS__KEYSTORE__SIGN_BATCH_REQUEST__INIT;
	ProtobufCMessage *r = NULL;
	ProtobufCBinaryData *in = calloc(n ? n : 1, sizeof(*in));
	static uint8_t digest[128];

	for (size_t i = 0; i < n; i++) {
		in[i].data = digest;
		in[i].len = i == bad_index ? bad_len : len;
	}
	rq.locator = (char *)locator;
	rq.algorithm = (uint32_t)alg;
	rq.inputs = in;
	rq.n_inputs = n;
	ods_err rc = cli_call(&cli, "SignBatch", &rq.base, &ods__keystore__sign_batch_reply__descriptor,
	                      &r);
	if (r)
		protobuf_c_message_free_unpacked(r, NULL);
	free(in);
	return rc;
}

static ods_err
generate_rc(const char *repo, int alg, unsigned bits)
{
	Ods__Keystore__GenerateKeyReply *r = NULL;
	ods_err rc = cli_key_generate(&cli, repo, alg, bits, &r);

	if (r)
		ods__keystore__generate_key_reply__free_unpacked(r, NULL);
	return rc;
}

#define EXPECT(call, want, what)                                                              \
	do {                                                                                  \
		ods_err got_ = (call);                                                        \
		CHECK(got_ == (want), "%s: got %s, wanted %s", what, ods_err_name(got_),      \
		      ods_err_name(want));                                                    \
		printf("ok: %s -> %s\n", what, ods_err_name(got_));                           \
	} while (0)

static int
cmd_bad(void)
{
	char *k = new_key(DNS_ALG_ECDSAP256SHA256, 0);
	struct diag d = {0};

	EXPECT(sign_raw("00ff00ff", 13, 1, 32, SIZE_MAX, 0), ODS_ENOENT, "unknown locator");
	EXPECT(sign_raw("not-hex!", 13, 1, 32, SIZE_MAX, 0), ODS_ENOENT, "garbage locator");
	EXPECT(sign_raw(k, 8, 1, 32, SIZE_MAX, 0), ODS_EINVAL, "wrong algorithm");
	EXPECT(sign_raw(k, 99, 1, 32, SIZE_MAX, 0), ODS_EINVAL, "unknown algorithm");
	EXPECT(sign_raw(k, 13, 0, 32, SIZE_MAX, 0), ODS_EINVAL, "empty batch");
	EXPECT(sign_raw(k, 13, KS_BATCH_MAX + 1, 32, SIZE_MAX, 0), ODS_EINVAL, "oversized batch");
	EXPECT(sign_raw(k, 13, 8, 32, 2, 31), ODS_EINVAL, "a short digest in the batch");
	EXPECT(sign_raw(k, 13, 8, 32, 5, 0), ODS_EINVAL, "an empty input in the batch");
	EXPECT(generate_rc("NoSuchRepository", 13, 0), ODS_ENOENT, "unknown repository");
	EXPECT(generate_rc(REPO, 99, 0), ODS_EINVAL, "unknown algorithm to generate");
	EXPECT(generate_rc(REPO, 8, 512), ODS_EINVAL, "RSA key too small");
	EXPECT(generate_rc(REPO, 8, 8192), ODS_EINVAL, "RSA key too large");
	EXPECT(generate_rc(REPO, 13, 384), ODS_EINVAL, "P-256 with 384 bits");
	EXPECT(cli_hsm_check(&cli, k, 13, 4, &d), ODS_OK, "good batch after the bad ones");
	EXPECT(delete_key(k), ODS_OK, "delete");
	EXPECT(sign_raw(k, 13, 1, 32, SIZE_MAX, 0), ODS_ENOENT, "sign with a deleted key");
	EXPECT(delete_key(k), ODS_ENOENT, "delete twice");
	free(k);
	return 0;
}

struct worker {
	pthread_t t;
	const char *locator;
	int alg;
	int rounds;
	size_t batch;
};

static void *
run(void *p)
{
	struct worker *w = p;

	for (int i = 0; i < w->rounds; i++) {
		struct diag d = {0};
		ods_err rc = cli_hsm_check(&cli, w->locator, w->alg, w->batch, &d);
		CHECK(rc == ODS_OK, "round %d: %s: %s", i, ods_err_name(rc), d.msg);
	}
	return NULL;
}

static int
cmd_concurrent(int alg, int threads, int rounds, size_t batch)
{
	char *k = new_key(alg, 0);
	struct worker *w = calloc((size_t)threads, sizeof(*w));

	for (int i = 0; i < threads; i++) {
		w[i] = (struct worker){.locator = k, .alg = alg, .rounds = rounds, .batch = batch};
		CHECK(pthread_create(&w[i].t, NULL, run, &w[i]) == 0, "thread");
	}
	for (int i = 0; i < threads; i++)
		pthread_join(w[i].t, NULL);
	printf("%s: %d clients x %d batches of %zu signed, every signature verified by ldns\n",
	       dns_alg_name(alg), threads, rounds, batch);
	CHECK(delete_key(k) == ODS_OK, "delete");
	free(k);
	free(w);
	return 0;
}

static void
print_hex(const ProtobufCBinaryData *b)
{
	putchar(' ');
	for (size_t i = 0; i < b->len; i++)
		printf("%02X", b->data[i]);
}

static int
cmd_ds(const char *locator, const char *owner)
{
	Ods__Keystore__GetPublicKeyRequest rq = ODS__KEYSTORE__GET_PUBLIC_KEY_REQUEST__INIT;
	Ods__Keystore__GetPublicKeyReply *r = NULL;

	rq.locator = (char *)locator;
	rq.flags = 257;
	rq.owner = (char *)owner;
	if (cli_call(&cli, "GetPublicKey", &rq.base, &ods__keystore__get_public_key_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("%u", r->keytag);
	print_hex(&r->ds_sha1);
	print_hex(&r->ds_sha256);
	print_hex(&r->ds_sha384);
	putchar('\n');
	ods__keystore__get_public_key_reply__free_unpacked(r, NULL);
	return 0;
}

static int
cmd_backup(const char *repo, const char *op)
{
	static const char *const ops[] = {"list", "prepare", "commit", "rollback"};
	Ods__Keystore__BackupRequest rq = ODS__KEYSTORE__BACKUP_REQUEST__INIT;
	Ods__Keystore__BackupReply *r = NULL;

	rq.repository = (char *)repo;
	rq.op = (Ods__Keystore__BackupRequest__Op)4;
	for (int i = 0; i < 4; i++)
		if (strcmp(op, ops[i]) == 0)
			rq.op = (Ods__Keystore__BackupRequest__Op)i;
	CHECK((int)rq.op < 4, "unknown backup op %s", op);
	if (cli_call(&cli, "Backup", &rq.base, &ods__keystore__backup_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	printf("changed=%lld none=%lld required=%lld requested=%lld done=%lld\n",
	       (long long)r->changed, (long long)r->no_backup, (long long)r->required,
	       (long long)r->requested, (long long)r->done);
	ods__keystore__backup_reply__free_unpacked(r, NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	int rc = 2;

	if (argc < 2)
		return 2;
	CHECK(cli_init(&cli, &def, NULL) == ODS_OK, "cannot reach the keystore");
	if (strcmp(argv[1], "bad") == 0) {
		rc = cmd_bad();
	} else if (strcmp(argv[1], "concurrent") == 0 && argc == 6) {
		rc = cmd_concurrent(dns_alg_from_name(argv[2]), (int)strtol(argv[3], NULL, 10),
		                    (int)strtol(argv[4], NULL, 10),
		                    (size_t)strtoul(argv[5], NULL, 10));
	} else if (strcmp(argv[1], "keep") == 0 && argc == 3) {
		char *k = new_key(dns_alg_from_name(argv[2]), 0);
		printf("%s\n", k);
		free(k);
		rc = 0;
	} else if (strcmp(argv[1], "ds") == 0 && argc == 4) {
		rc = cmd_ds(argv[2], argv[3]);
	} else if (strcmp(argv[1], "backup") == 0 && argc == 4) {
		rc = cmd_backup(argv[2], argv[3]);
	} else if (strcmp(argv[1], "check") == 0 && argc == 4) {
		struct diag d = {0};
		ods_err e = cli_hsm_check(&cli, argv[2], dns_alg_from_name(argv[3]), 16, &d);
		CHECK(e == ODS_OK, "check %s: %s: %s", argv[2], ods_err_name(e), d.msg);
		printf("key %s signs and ldns verifies\n", argv[2]);
		rc = 0;
	}
	cli_fini(&cli);
	return rc;
}
