/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token's own signing speed, straight through PKCS#11 in this process: the yardstick that
 * ods-hsmspeed's figures (the same signatures through ods-keystored's RPC) are divided by. The
 * module is loaded with dlopen and initialised with OS locking, the token found by its label and
 * logged in with the PIN read from a file, and a key pair generated for the run. Then THREADS
 * threads, each on its own session, sign COUNT inputs between them the way the keystore does:
 * CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA over a digest, CKM_EDDSA over a 100-byte message,
 * one C_SignInit and C_Sign per input. The key is a session object (CKA_TOKEN false) by
 * default; "token" makes it a token object as the keystore's keys are, "copy" signs with a
 * session-object copy (C_CopyObject) of a token object. Token objects are destroyed at the end.
 * Bench-only: never installed.
 *
 *   p11_direct MODULE TOKEN_LABEL PIN_FILE ALGORITHM BITS THREADS COUNT [session|token|copy]
 *
 * prints one line: p11_direct ALG threads=T sigs=N sig_per_s=X (and key=MODE when not session)
 */
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/clock.h"
#include "lib/base/random.h"
#include "lib/dns/dnskey.h"

#define LABEL_LEN 32 /* CK_TOKEN_INFO.label: blank-padded, not NUL-terminated */
#define MSG_LEN 100  /* EdDSA input: about the signing data of a small RRset */
#define SIG_MAX 1024
#define WARMUP 8 /* signatures per thread before the clock starts */
#define THREADS_MAX 256
#define PIN_MAX 256

/* Where the key lives: a session object (the token's best case), a token object as the
 * keystore keeps its keys, or a session-object copy of a token object (C_CopyObject). */
enum key_mode {
	KEY_SESSION,
	KEY_TOKEN,
	KEY_COPY,
};

static const char *const mode_names[] = {"session", "token", "copy"};

struct bench {
	CK_FUNCTION_LIST *f;
	CK_SLOT_ID slot;
	CK_OBJECT_HANDLE priv;       /* the key signed with */
	CK_OBJECT_HANDLE token_priv; /* the token object, in modes token and copy */
	CK_MECHANISM_TYPE mech;
	int alg;
	uint64_t total;
	atomic_uint_fast64_t claimed;
	atomic_uint_fast64_t done;
	atomic_bool failed;
	pthread_mutex_t mu; /* guards warm and go: the clock starts when every thread is warm */
	pthread_cond_t cv;
	unsigned warm;
	bool go;
};

static int
fail(const char *what, CK_RV rv)
{
	fprintf(stderr, "p11_direct: %s: CKR 0x%lx\n", what, (unsigned long)rv);
	return 1;
}

static bool
label_matches(const CK_UTF8CHAR *field, const char *label)
{
	size_t n = strlen(label);

	if (n > LABEL_LEN || memcmp(field, label, n) != 0)
		return false;
	for (size_t i = n; i < LABEL_LEN; i++)
		if (field[i] != ' ')
			return false;
	return true;
}

static int
find_slot(struct bench *b, const char *label)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = sizeof(slots) / sizeof(slots[0]);
	CK_RV rv = b->f->C_GetSlotList(CK_TRUE, slots, &n);

	if (rv != CKR_OK)
		return fail("C_GetSlotList", rv);
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (b->f->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
		    label_matches(ti.label, label)) {
			b->slot = slots[i];
			return 0;
		}
	}
	fprintf(stderr, "p11_direct: no token labelled '%s'\n", label);
	return 1;
}

static int
login(struct bench *b, CK_SESSION_HANDLE s, const char *pin_file)
{
	char pin[PIN_MAX] = "";
	FILE *fp = fopen(pin_file, "r");
	CK_RV rv;

	if (fp == NULL || fgets(pin, sizeof(pin), fp) == NULL) {
		fprintf(stderr, "p11_direct: cannot read a PIN from %s\n", pin_file);
		if (fp)
			fclose(fp);
		return 1;
	}
	fclose(fp);
	pin[strcspn(pin, "\r\n")] = '\0';
	rv = b->f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)pin, strlen(pin));
	explicit_bzero(pin, sizeof(pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return fail("C_Login", rv);
	return 0;
}

/* The DER OID of CKA_EC_PARAMS for an EC or EdDSA algorithm. */
static const uint8_t *
ec_params(int alg, size_t *len)
{
	static const uint8_t p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t p384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
	static const uint8_t ed25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
	static const uint8_t ed448[] = {0x06, 0x03, 0x2b, 0x65, 0x71};

	*len = alg == DNS_ALG_ECDSAP256SHA256   ? sizeof(p256)
	       : alg == DNS_ALG_ECDSAP384SHA384 ? sizeof(p384)
	       : alg == DNS_ALG_ED25519         ? sizeof(ed25519)
	                                        : sizeof(ed448);
	return alg == DNS_ALG_ECDSAP256SHA256   ? p256
	       : alg == DNS_ALG_ECDSAP384SHA384 ? p384
	       : alg == DNS_ALG_ED25519         ? ed25519
	                                        : ed448;
}

static int
generate(struct bench *b, CK_SESSION_HANDLE s, unsigned bits, enum key_mode mode)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE, token = mode != KEY_SESSION ? CK_TRUE : CK_FALSE;
	CK_ULONG mod_bits = bits;
	CK_BYTE exp[] = {0x01, 0x00, 0x01};
	CK_OBJECT_HANDLE pub;
	enum dns_key_kind kind;
	size_t plen;
	const uint8_t *params;
	CK_RV rv;

	if (dns_alg_kind(b->alg, &kind) != ODS_OK)
		return 1;
	params = ec_params(b->alg, &plen);
	CK_MECHANISM mech = {kind == DNS_KEY_RSA  ? CKM_RSA_PKCS_KEY_PAIR_GEN
	                     : kind == DNS_KEY_EC ? CKM_EC_KEY_PAIR_GEN
	                                          : CKM_EC_EDWARDS_KEY_PAIR_GEN,
	                     NULL, 0};
	b->mech = kind == DNS_KEY_RSA ? CKM_RSA_PKCS : kind == DNS_KEY_EC ? CKM_ECDSA : CKM_EDDSA;
	CK_ATTRIBUTE pub_t[4] = {{CKA_TOKEN, &no, sizeof(no)}, {CKA_VERIFY, &yes, sizeof(yes)}};
	CK_ULONG n_pub = 2;
	if (kind == DNS_KEY_RSA) {
		pub_t[n_pub++] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, &mod_bits, sizeof(mod_bits)};
		pub_t[n_pub++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, exp, sizeof(exp)};
	} else {
		pub_t[n_pub++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)params, plen};
	}
	CK_ATTRIBUTE priv_t[] = {
		{CKA_TOKEN, &token, sizeof(token)},
		{CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SIGN, &yes, sizeof(yes)},
		{CKA_SENSITIVE, &yes, sizeof(yes)},
		{CKA_EXTRACTABLE, &no, sizeof(no)},
	};
	rv = b->f->C_GenerateKeyPair(s, &mech, pub_t, n_pub, priv_t,
	                             sizeof(priv_t) / sizeof(priv_t[0]), &pub, &b->priv);
	if (mode != KEY_SESSION)
		b->token_priv = b->priv;
	if (rv != CKR_OK)
		return fail("C_GenerateKeyPair", rv);
	return 0;
}

/* Sign with a session-object copy of the token key: the token's file is then read once. */
static int
copy_to_session(struct bench *b, CK_SESSION_HANDLE s)
{
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	CK_RV rv = b->f->C_CopyObject(s, b->token_priv, t, 1, &b->priv);

	if (rv != CKR_OK)
		return fail("C_CopyObject", rv);
	return 0;
}

/* What one signature is computed over, as the keystore passes it to C_Sign. */
static int
make_input(int alg, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t digest[DNS_DIGEST_MAX];
	size_t dlen = dns_alg_digest_len(alg);
	enum dns_key_kind kind;

	if (dns_alg_kind(alg, &kind) != ODS_OK)
		return -1;
	if (dlen == 0) {
		*len = MSG_LEN;
		return random_bytes(out, MSG_LEN) ? 0 : -1;
	}
	if (!random_bytes(digest, dlen))
		return -1;
	if (kind == DNS_KEY_RSA)
		return dns_digest_info(alg, digest, dlen, out, cap, len) == ODS_OK ? 0 : -1;
	memcpy(out, digest, dlen);
	*len = dlen;
	return 0;
}

static bool
sign_one(struct bench *b, CK_SESSION_HANDLE s, const uint8_t *in, size_t len)
{
	CK_MECHANISM mech = {b->mech, NULL, 0};
	uint8_t sig[SIG_MAX];
	CK_ULONG slen = sizeof(sig);
	CK_RV rv = b->f->C_SignInit(s, &mech, b->priv);

	if (rv == CKR_OK)
		rv = b->f->C_Sign(s, (CK_BYTE *)in, len, sig, &slen);
	if (rv != CKR_OK) {
		fail("C_Sign", rv);
		return false;
	}
	return true;
}

static void *
worker(void *arg)
{
	struct bench *b = arg;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	uint8_t in[DNS_DIGEST_INFO_MAX + MSG_LEN];
	size_t len = 0;
	bool ok = make_input(b->alg, in, sizeof(in), &len) == 0;
	CK_RV rv = b->f->C_OpenSession(b->slot, CKF_SERIAL_SESSION, NULL, NULL, &s);

	if (rv != CKR_OK) {
		fail("C_OpenSession", rv);
		ok = false;
	}
	for (int i = 0; ok && i < WARMUP; i++)
		ok = sign_one(b, s, in, len);
	if (!ok)
		atomic_store(&b->failed, true);
	pthread_mutex_lock(&b->mu);
	b->warm++;
	pthread_cond_broadcast(&b->cv);
	while (!b->go)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
	while (!atomic_load(&b->failed) && atomic_fetch_add(&b->claimed, 1) < b->total) {
		if (!sign_one(b, s, in, len)) {
			atomic_store(&b->failed, true);
			break;
		}
		atomic_fetch_add(&b->done, 1);
	}
	if (s != CK_INVALID_HANDLE)
		b->f->C_CloseSession(s);
	return NULL;
}

/* Run the threads; the clock starts when all are warm. Returns seconds, or -1. */
static double
measure(struct bench *b, unsigned threads)
{
	pthread_t tid[THREADS_MAX];
	unsigned started = 0;

	for (; started < threads; started++)
		if (pthread_create(&tid[started], NULL, worker, b) != 0)
			break;
	if (started < threads)
		atomic_store(&b->failed, true);
	pthread_mutex_lock(&b->mu);
	while (b->warm < started)
		pthread_cond_wait(&b->cv, &b->mu);
	b->go = true;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	int64_t t0 = clock_mono_ns();
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	double secs = (double)(clock_mono_ns() - t0) / 1e9;
	return atomic_load(&b->failed) ? -1 : secs;
}

static int
parse_u(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (s[0] == '-' || end == s || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
run(struct bench *b, char **argv, unsigned bits, unsigned threads, enum key_mode mode)
{
	CK_C_INITIALIZE_ARGS init = {.flags = CKF_OS_LOCKING_OK};
	CK_SESSION_HANDLE s;
	CK_RV rv = b->f->C_Initialize(&init);
	int code;

	if (rv != CKR_OK)
		return fail("C_Initialize", rv);
	code = find_slot(b, argv[2]);
	if (code == 0) {
		rv = b->f->C_OpenSession(b->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
		                         &s);
		code = rv == CKR_OK ? 0 : fail("C_OpenSession", rv);
	}
	if (code != 0) {
		b->f->C_Finalize(NULL);
		return code;
	}
	code = login(b, s, argv[3]);
	if (code == 0)
		code = generate(b, s, bits, mode);
	if (code == 0 && mode == KEY_COPY)
		code = copy_to_session(b, s);
	double secs = code == 0 ? measure(b, threads) : -1;
	if (secs > 0)
		printf("p11_direct %s threads=%u sigs=%llu sig_per_s=%.0f%s%s\n",
		       dns_alg_name(b->alg), threads, (unsigned long long)atomic_load(&b->done),
		       (double)atomic_load(&b->done) / secs, mode == KEY_SESSION ? "" : " key=",
		       mode == KEY_SESSION ? "" : mode_names[mode]);
	else
		code = 1;
	if (b->token_priv != CK_INVALID_HANDLE)
		b->f->C_DestroyObject(s, b->token_priv);
	b->f->C_CloseSession(s);
	b->f->C_Finalize(NULL);
	return code;
}

static int
parse_mode(int argc, char **argv, enum key_mode *out)
{
	if (argc == 8) {
		*out = KEY_SESSION;
		return 0;
	}
	for (int m = KEY_SESSION; argc == 9 && m <= KEY_COPY; m++) {
		if (strcmp(argv[8], mode_names[m]) == 0) {
			*out = (enum key_mode)m;
			return 0;
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	static struct bench b = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct diag d = {0};
	unsigned long bits, threads, count;
	CK_C_GetFunctionList get;
	enum key_mode mode;

	if (parse_mode(argc, argv, &mode) != 0 || parse_u(argv[5], 16384, &bits) != 0 ||
	    parse_u(argv[6], THREADS_MAX, &threads) != 0 || threads == 0 ||
	    parse_u(argv[7], 1000000000UL, &count) != 0 || count == 0) {
		fprintf(stderr, "usage: p11_direct MODULE TOKEN_LABEL PIN_FILE ALGORITHM BITS "
		                "THREADS COUNT [session|token|copy]\n");
		return 2;
	}
	b.alg = dns_alg_from_name(argv[4]);
	unsigned bits_ok = 0;
	if (b.alg < 0 || dns_alg_bits_check(b.alg, (unsigned)bits, &bits_ok, &d) != ODS_OK) {
		fprintf(stderr, "p11_direct: algorithm %s/%lu: %s\n", argv[4], bits,
		        b.alg < 0 ? "unknown" : d.msg);
		return 2;
	}
	b.total = count;
	void *dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		fprintf(stderr, "p11_direct: %s\n", dlerror());
		return 1;
	}
	*(void **)&get = dlsym(dl, "C_GetFunctionList");
	if (get == NULL || get(&b.f) != CKR_OK) {
		fprintf(stderr, "p11_direct: %s has no C_GetFunctionList\n", argv[1]);
		dlclose(dl);
		return 1;
	}
	int code = run(&b, argv, bits_ok, (unsigned)threads, mode);
	dlclose(dl);
	return code;
}
