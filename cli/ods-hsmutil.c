/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ods-hsmutil: OpenDNSSEC's HSM utility, going through ods-keystored instead of opening the
 * PKCS#11 module itself: login, list, generate, remove, purge, dnskey, test, info.
 */
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/keys.h"
#include "cli/hsm_check.h"
#include "lib/dns/dnskey.h"
#include "ods/keystore.pb-c.h"

#define PIN_MAX 256

static const char *
backup_name(Ods__Keystore__BackupState b)
{
	static const char *const names[] = {"-", "required", "requested", "done"};

	return (unsigned)b < 4 ? names[b] : "?";
}

static ods_err
list_keys(struct cli *c, const char *repository, Ods__Keystore__ListKeysReply **out)
{
	Ods__Keystore__ListKeysRequest rq = ODS__KEYSTORE__LIST_KEYS_REQUEST__INIT;

	rq.repository = (char *)(repository ? repository : "");
	return cli_call(c, "ListKeys", &rq.base, &ods__keystore__list_keys_reply__descriptor,
	                (ProtobufCMessage **)out);
}

static int
cmd_list(struct cli *c, int argc, char **argv)
{
	Ods__Keystore__ListKeysReply *r = NULL;

	if (argc > 2) {
		fprintf(stderr, "Error: usage: %s list [repository]\n", c->prog);
		return 2;
	}
	if (list_keys(c, argc == 2 ? argv[1] : NULL, &r) != ODS_OK)
		return 1;
	if (argc == 2)
		printf("Listing keys in repository: %s\n", argv[1]);
	else
		printf("Listing keys in all repositories.\n");
	printf("%zu %s found.\n\n", r->n_keys, r->n_keys == 1 ? "key" : "keys");
	if (r->n_keys > 0) {
		printf("%-20s %-32s %-10s %-20s %s\n", "Repository", "ID", "Type", "Algorithm",
		       "Backup");
		printf("%-20s %-32s %-10s %-20s %s\n", "----------", "--", "----", "---------",
		       "------");
	}
	for (size_t i = 0; i < r->n_keys; i++) {
		const Ods__Keystore__KeyInfo *k = r->keys[i];
		char type[32];
		snprintf(type, sizeof(type), "%s/%u", dns_alg_kind_name((int)k->algorithm), k->bits);
		printf("%-20s %-32s %-10s %-20s %s%s\n", k->repository, k->locator, type,
		       dns_alg_name((int)k->algorithm) ? dns_alg_name((int)k->algorithm) : "?",
		       backup_name(k->backup), k->has_public_key ? "" : " (no public key object)");
	}
	ods__keystore__list_keys_reply__free_unpacked(r, NULL);
	return 0;
}

/* "rsa [bits]", "ecdsa [256|384]", "ed25519", "ed448", or a DNSSEC algorithm name/number. */
static int
parse_algorithm(const char *word, const char *bits_arg, int *alg, unsigned *bits)
{
	char *end;

	*bits = 0;
	if (bits_arg) {
		unsigned long b = strtoul(bits_arg, &end, 10);
		if (*end != '\0' || b == 0 || b > 16384) {
			fprintf(stderr, "Error: '%s' is not a key size\n", bits_arg);
			return -1;
		}
		*bits = (unsigned)b;
	}
	if (strcasecmp(word, "rsa") == 0)
		*alg = DNS_ALG_RSASHA256;
	else if (strcasecmp(word, "ecdsa") == 0)
		*alg = *bits == 384 ? DNS_ALG_ECDSAP384SHA384 : DNS_ALG_ECDSAP256SHA256;
	else
		*alg = dns_alg_from_name(word);
	if (*alg < 0) {
		fprintf(stderr, "Error: unknown key type '%s' (rsa, ecdsa, ed25519, ed448, or a DNSSEC "
		                "algorithm such as RSASHA512)\n",
		        word);
		return -1;
	}
	return 0;
}

static int
cmd_generate(struct cli *c, int argc, char **argv)
{
	Ods__Keystore__GenerateKeyReply *r = NULL;
	unsigned bits;
	int alg;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "Error: usage: %s generate <repository> rsa|ecdsa|ed25519|ed448|"
		                "<algorithm> [keysize]\n",
		        c->prog);
		return 2;
	}
	if (parse_algorithm(argv[2], argc == 4 ? argv[3] : NULL, &alg, &bits) != 0)
		return 2;
	printf("Generating %s key in repository: %s\n", dns_alg_name(alg), argv[1]);
	if (cli_key_generate(c, argv[1], alg, bits, &r) != ODS_OK)
		return 1;
	printf("Key generation successful: %s (%s/%u)\n", r->key->locator,
	       dns_alg_kind_name((int)r->key->algorithm), r->key->bits);
	ods__keystore__generate_key_reply__free_unpacked(r, NULL);
	return 0;
}

static int
cmd_remove(struct cli *c, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Error: usage: %s remove <id>\n", c->prog);
		return 2;
	}
	if (cli_key_delete(c, argv[1]) != ODS_OK)
		return 1;
	printf("Key remove successful: %s\n", argv[1]);
	return 0;
}

static int
cmd_purge(struct cli *c, int argc, char **argv)
{
	Ods__Keystore__ListKeysReply *r = NULL;
	char answer[16] = "";
	size_t removed = 0;
	int code = 0;

	if (argc != 2) {
		fprintf(stderr, "Error: usage: %s purge <repository>\n", c->prog);
		return 2;
	}
	if (list_keys(c, argv[1], &r) != ODS_OK)
		return 1;
	printf("Purging all keys from repository: %s\n%zu %s found.\n", argv[1], r->n_keys,
	       r->n_keys == 1 ? "key" : "keys");
	if (r->n_keys > 0 && !c->force) {
		printf("Are you sure you want to remove ALL keys from repository %s ? (YES/NO) ",
		       argv[1]);
		fflush(stdout);
		if (fgets(answer, sizeof(answer), stdin) == NULL ||
		    strncmp(answer, "YES", 3) != 0) {
			printf("\nPurge cancelled.\n");
			ods__keystore__list_keys_reply__free_unpacked(r, NULL);
			return 1;
		}
	}
	for (size_t i = 0; i < r->n_keys; i++) {
		if (cli_key_delete(c, r->keys[i]->locator) == ODS_OK)
			removed++;
		else
			code = 1;
	}
	printf("Purge done: %zu %s deleted.\n", removed, removed == 1 ? "key" : "keys");
	ods__keystore__list_keys_reply__free_unpacked(r, NULL);
	return code;
}

static int
cmd_dnskey(struct cli *c, int argc, char **argv)
{
	Ods__Keystore__GetPublicKeyRequest rq = ODS__KEYSTORE__GET_PUBLIC_KEY_REQUEST__INIT;
	Ods__Keystore__GetPublicKeyReply *r = NULL;
	char *end, *b64 = NULL;
	ldns_rr *rr = NULL;
	int code = 1;

	if (argc != 5) {
		fprintf(stderr, "Error: usage: %s dnskey <id> <name> <type 256|257> <algorithm>\n",
		        c->prog);
		return 2;
	}
	unsigned long flags = strtoul(argv[3], &end, 10);
	if (*end != '\0' || flags > 0xffff) {
		fprintf(stderr, "Error: '%s' is not a DNSKEY flags value (256 ZSK, 257 KSK)\n",
		        argv[3]);
		return 2;
	}
	int alg = dns_alg_from_name(argv[4]);
	if (alg < 0) {
		fprintf(stderr, "Error: unknown algorithm '%s'\n", argv[4]);
		return 2;
	}
	rq.locator = argv[1];
	rq.flags = (uint32_t)flags;
	if (cli_call(c, "GetPublicKey", &rq.base, &ods__keystore__get_public_key_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	if ((int)r->key->algorithm != alg) {
		fprintf(stderr, "Error: key %s is %s, not %s\n", argv[1],
		        dns_alg_name((int)r->key->algorithm), dns_alg_name(alg));
		goto out;
	}
	b64 = dns_base64(r->key->public_key.data, r->key->public_key.len);
	if (b64 == NULL)
		goto out;
	char text[4096];
	snprintf(text, sizeof(text), "%s 3600 IN DNSKEY %lu 3 %d %s", argv[2], flags, alg, b64);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		fprintf(stderr, "Error: '%s' is not a domain name\n", argv[2]);
		goto out;
	}
	/* ldns appends ";{id = <tag> (ksk), size = <bits>b}" as OpenDNSSEC's output has it. */
	char *s = ldns_rr2str(rr);
	if (s) {
		printf("%s", s);
		free(s);
		code = 0;
	}
out:
	ldns_rr_free(rr);
	free(b64);
	ods__keystore__get_public_key_reply__free_unpacked(r, NULL);
	return code;
}

/* Generate, sign, verify with ldns, delete: one line per key type the token offers. */
static int
cmd_test(struct cli *c, int argc, char **argv)
{
	static const struct {
		int alg;
		unsigned bits;
	} kinds[] = {
		{DNS_ALG_RSASHA1, 1024}, {DNS_ALG_RSASHA1_NSEC3_SHA1, 2048},
		{DNS_ALG_RSASHA256, 1024}, {DNS_ALG_RSASHA256, 2048}, {DNS_ALG_RSASHA512, 4096},
		{DNS_ALG_ECDSAP256SHA256, 256}, {DNS_ALG_ECDSAP384SHA384, 384},
		{DNS_ALG_ED25519, 256}, {DNS_ALG_ED448, 456},
	};
	int failures = 0;

	if (argc != 2) {
		fprintf(stderr, "Error: usage: %s test <repository>\n", c->prog);
		return 2;
	}
	printf("Testing repository: %s\n", argv[1]);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		Ods__Keystore__GenerateKeyReply *r = NULL;
		struct diag d = {0};

		printf("  %-16s %4u bits: ", dns_alg_name(kinds[i].alg), kinds[i].bits);
		fflush(stdout);
		if (cli_key_generate(c, argv[1], kinds[i].alg, kinds[i].bits, &r) != ODS_OK) {
			failures++;
			continue;
		}
		ods_err rc = cli_hsm_check(c, r->key->locator, kinds[i].alg, 4, &d);
		if (rc == ODS_OK)
			printf("generated %s, signed, verified by ldns\n", r->key->locator);
		else
			printf("FAILED: %s\n", d.msg);
		failures += rc != ODS_OK;
		cli_key_delete(c, r->key->locator);
		ods__keystore__generate_key_reply__free_unpacked(r, NULL);
	}
	printf("%s\n", failures ? "Some tests failed." : "All tests passed.");
	return failures ? 1 : 0;
}

static int
cmd_info(struct cli *c, int argc, char **argv)
{
	Ods__Keystore__TokenInfoRequest rq = ODS__KEYSTORE__TOKEN_INFO_REQUEST__INIT;
	Ods__Keystore__TokenInfoReply *r = NULL;

	rq.repository = argc > 1 ? argv[1] : "";
	if (cli_call(c, "TokenInfo", &rq.base, &ods__keystore__token_info_reply__descriptor,
	             (ProtobufCMessage **)&r) != ODS_OK)
		return 1;
	for (size_t i = 0; i < r->n_repositories; i++) {
		const Ods__Keystore__RepositoryInfo *ri = r->repositories[i];
		printf("Repository: %s\n", ri->name);
		printf("\tType:         %s\n\tModule:       %s\n\tToken label:  %s\n", ri->type,
		       ri->module, ri->token_label);
		printf("\tManufacturer: %s\n\tModel:        %s\n\tSerial:       %s\n",
		       ri->manufacturer, ri->model, ri->serial);
		printf("\tLogged in:    %s\n\tKeys:         %lld", ri->logged_in ? "yes" : "no",
		       (long long)ri->keys);
		if (ri->capacity)
			printf(" of %lld (Capacity)", (long long)ri->capacity);
		printf("\n\tBackup:       %s\n\tAlgorithms:  ",
		       ri->require_backup ? "required" : "not required");
		for (size_t k = 0; k < ri->n_algorithms; k++)
			printf(" %s", dns_alg_name((int)ri->algorithms[k]));
		printf("\n");
		if (ri->error[0])
			printf("\tError:        %s\n", ri->error);
		printf("\n");
	}
	ods__keystore__token_info_reply__free_unpacked(r, NULL);
	return 0;
}

/* Read a PIN from the terminal without echo, or from stdin when it is not a terminal. */
static int
read_pin(char *pin, size_t n)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;

	if (tty) {
		fprintf(stderr, "Enter user PIN: ");
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *ok = fgets(pin, (int)n, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (ok == NULL)
		return -1;
	pin[strcspn(pin, "\r\n")] = '\0';
	return 0;
}

static int
cmd_login(struct cli *c, int argc, char **argv)
{
	Ods__Keystore__LoginRequest rq = ODS__KEYSTORE__LOGIN_REQUEST__INIT;
	Ods__Keystore__LoginReply *r = NULL;
	char pin[PIN_MAX];
	int code = 1;

	if (argc > 2) {
		fprintf(stderr, "Error: usage: %s login [repository]\n", c->prog);
		return 2;
	}
	if (read_pin(pin, sizeof(pin)) != 0 || pin[0] == '\0') {
		fprintf(stderr, "Error: no PIN given\n");
		return 2;
	}
	rq.repository = argc == 2 ? argv[1] : "";
	rq.pin = pin;
	if (cli_call(c, "Login", &rq.base, &ods__keystore__login_reply__descriptor,
	             (ProtobufCMessage **)&r) == ODS_OK) {
		printf("The tokens are now logged in.\n");
		ods__keystore__login_reply__free_unpacked(r, NULL);
		code = 0;
	}
	explicit_bzero(pin, sizeof(pin));
	return code;
}

static const struct cli_cmd cmds[] = {
	{"login", "[repository]: give ods-keystored the PIN of tokens without one in conf.xml",
	 cmd_login},
	{"list", "[repository]: list the keys", cmd_list},
	{"generate", "<repository> rsa|ecdsa|ed25519|ed448|<algorithm> [keysize]: make a key",
	 cmd_generate},
	{"remove", "<id>: delete a key", cmd_remove},
	{"purge", "<repository>: delete every key of a repository (asks first; -f does not)",
	 cmd_purge},
	{"dnskey", "<id> <name> <type 256|257> <algorithm>: print the key as a DNSKEY RR",
	 cmd_dnskey},
	{"test", "<repository>: generate, sign, verify with ldns and delete each key type",
	 cmd_test},
	{"info", "[repository]: token and repository information", cmd_info},
	{"running", "say whether ods-keystored answers", cli_cmd_running},
	{"verbosity", "<0..6>: set the daemon's log verbosity", cli_cmd_verbosity},
	{NULL, NULL, NULL},
};

static const struct cli_def def = {
	.prog = "ods-hsmutil",
	.daemon = "ods-keystored",
	.service_prefix = "ods.keystore.Keystore/",
	.kind = CONF_SVC_KEYSTORE,
	.cmds = cmds,
};

int
main(int argc, char **argv)
{
	return cli_main(&def, argc, argv);
}
