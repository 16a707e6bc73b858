/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key-encryption key (kek.h): its id, its text forms, and where it comes from. The file is
 * opened first and checked through its descriptor (fstat), so the file that is checked is the
 * file that is read; symbolic links are followed, because mounted secrets (Kubernetes,
 * systemd credentials) are links. Every buffer that held key text is wiped.
 */
#include "services/keystore/soft/kek.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lib/base/hex.h"
#include "lib/conf/conf.h"

#define KEK_FILE_MAX 256 /* a KEK file is 32 or 64-odd bytes */
#define KEK_ID_LABEL "ods-keystore-kek-id"

ods_err
ks_kek_init(struct ks_kek *out, const uint8_t key[KS_KEK_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	         EVP_DigestUpdate(ctx, KEK_ID_LABEL, strlen(KEK_ID_LABEL)) == 1 &&
	         EVP_DigestUpdate(ctx, key, KS_KEK_LEN) == 1 &&
	         EVP_DigestFinal_ex(ctx, md, &md_len) == 1;

	EVP_MD_CTX_free(ctx);
	if (!ok || md_len < KS_KEK_ID_LEN)
		return ODS_EINTERNAL;
	memcpy(out->key, key, KS_KEK_LEN);
	memcpy(out->id, md, KS_KEK_ID_LEN);
	return ODS_OK;
}

void
ks_kek_wipe(struct ks_kek *k)
{
	if (k != NULL)
		OPENSSL_cleanse(k, sizeof(*k));
}

const char *
ks_kek_id_hex(const uint8_t id[KS_KEK_ID_LEN], char buf[KS_KEK_ID_HEX])
{
	hex_encode(id, KS_KEK_ID_LEN, buf);
	return buf;
}

static bool
all_hex(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit(s[i]))
			return false;
	return true;
}

static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

ods_err
ks_kek_parse(const uint8_t *text, size_t len, bool allow_raw, const char *what, struct ks_kek *out,
             struct diag *d)
{
	uint8_t key[KS_KEK_LEN];
	char digits[2 * KS_KEK_LEN + 1];
	const uint8_t *s = text;
	size_t n = len, klen = 0;
	ods_err rc;

	if (allow_raw && len == KS_KEK_LEN && !all_hex(text, len))
		return ks_kek_init(out, text) == ODS_OK
		           ? ODS_OK
		           : diag_fail(d, ODS_EINTERNAL, "kek", "%s: cannot compute the key's id",
		                       what);
	while (n > 0 && is_space(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n != 2 * KS_KEK_LEN || !all_hex(s, n)) {
		if (n == KS_KEK_LEN && all_hex(s, n))
			return diag_fail(
			    d, ODS_EINVAL, "kek",
			    "%s holds 32 hex digits, a 128-bit key; a key-encryption key is "
			    "%d hex digits%s",
			    what, 2 * KS_KEK_LEN, allow_raw ? " or 32 raw bytes" : "");
		return diag_fail(d, ODS_EINVAL, "kek",
		                 "%s holds %zu bytes; expected %d hex digits%s (e.g. from `openssl "
		                 "rand -hex 32`)",
		                 what, len, 2 * KS_KEK_LEN,
		                 allow_raw ? " or exactly 32 raw bytes" : "");
	}
	memcpy(digits, s, n);
	digits[n] = '\0';
	rc = hex_decode(digits, key, sizeof(key), &klen) && klen == KS_KEK_LEN
	         ? ks_kek_init(out, key)
	         : ODS_EINTERNAL;
	OPENSSL_cleanse(digits, sizeof(digits));
	OPENSSL_cleanse(key, sizeof(key));
	if (rc != ODS_OK)
		return diag_fail(d, rc, "kek", "%s: cannot decode the key", what);
	return ODS_OK;
}

/* The KEK's home: one anonymous page, locked so it is never swapped (best effort: the limit
 * of locked memory may be 0) and excluded from core dumps. */
static size_t
page_len(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 && (size_t)ps >= sizeof(struct ks_kek) ? (size_t)ps : sizeof(struct ks_kek);
}

static struct ks_kek *
kek_page(void)
{
	size_t n = page_len();
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	(void)mlock(p, n);
#ifdef MADV_DONTDUMP
	(void)madvise(p, n, MADV_DONTDUMP);
#endif
	return p;
}

void
ks_kek_free(struct ks_kek *k)
{
	if (k == NULL)
		return;
	ks_kek_wipe(k);
	munlock(k, page_len());
	munmap(k, page_len());
}

static const char *
errno_text(int e, char *buf, size_t n)
{
	if (strerror_r(e, buf, n) != 0)
		snprintf(buf, n, "error %d", e);
	return buf;
}

/* Read the KEK from a file that only its owner may use. A missing file is UNAVAIL (a secret
 * mount may come later; the core tries again); a readable-by-others one is refused. */
static ods_err
kek_from_file(const char *path, struct ks_kek *out, struct diag *d)
{
	uint8_t buf[KEK_FILE_MAX + 1];
	char what[DIAG_MSG_MAX / 2], err[96];
	size_t len = 0;
	struct stat st;
	ods_err rc;
	int fd;

	snprintf(what, sizeof(what), "KeyEncryptionKeyFile %s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		return diag_fail(d, e == ENOENT ? ODS_EUNAVAIL : ODS_EINVAL, "kek", "%s: %s", what,
		                 errno_text(e, err, sizeof(err)));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_fail(d, ODS_EINVAL, "kek", "%s is not a regular file", what);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return diag_fail(d, ODS_EPERM, "kek",
		                 "%s has mode %04o: group or others may use it; refused (make it "
		                 "readable by its owner only: chmod 600)",
		                 what, (unsigned)(st.st_mode & 07777));
	}
	while (len < sizeof(buf)) {
		ssize_t got = read(fd, buf + len, sizeof(buf) - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			OPENSSL_cleanse(buf, sizeof(buf));
			return diag_fail(d, ODS_EIO, "kek", "%s: %s", what,
			                 errno_text(e, err, sizeof(err)));
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (len > KEK_FILE_MAX)
		rc = diag_fail(d, ODS_EINVAL, "kek", "%s is larger than %d bytes", what,
		               KEK_FILE_MAX);
	else
		rc = ks_kek_parse(buf, len, true, what, out, d);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

static ods_err
kek_from_env(const char *var, struct ks_kek *out, struct diag *d)
{
	const char *v = getenv(var);
	char what[DIAG_MSG_MAX / 2];

	if (v == NULL || v[0] == '\0')
		return diag_fail(d, ODS_EINVAL, "kek",
		                 "KeyEncryptionKeyEnvironment: the variable %s is not set", var);
	snprintf(what, sizeof(what), "KeyEncryptionKeyEnvironment %s", var);
	return ks_kek_parse((const uint8_t *)v, strlen(v), false, what, out, d);
}

ods_err
ks_kek_load(const struct conf_repository *c, struct ks_kek **out, struct diag *d)
{
	struct ks_kek *k = kek_page();
	ods_err rc;

	if (k == NULL)
		return diag_fail(d, ODS_ENOMEM, "kek", "no memory for the key-encryption key");
	if (c->kek_file != NULL)
		rc = kek_from_file(c->kek_file, k, d);
	else if (c->kek_env != NULL)
		rc = kek_from_env(c->kek_env, k, d);
	else
		rc = diag_fail(d, ODS_EINVAL, "kek",
		               "software repository %s has no KeyEncryptionKeyFile or "
		               "KeyEncryptionKeyEnvironment",
		               c->name);
	if (rc != ODS_OK) {
		ks_kek_free(k);
		return rc;
	}
	*out = k;
	return ODS_OK;
}
