/*
 * Keys: generation, the secret key file (export, import, load) and the
 * one-line public key of a trust store.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check_util.h"
#include "fixture.h"
#include "izin_internal.h"
#include "tool.h"

#define PASS "correct horse battery staple"
#define PASSLEN (sizeof PASS - 1)

static char tmpdir[64];

static void
assert_same_pub(const izin_pubkey *a, const izin_pubkey *b)
{
	ck_assert_mem_eq(a->kid, b->kid, IZIN_KID_LEN);
	ck_assert_str_eq(a->office, b->office);
	ck_assert_int_eq(a->valid_from, b->valid_from);
	ck_assert_int_eq(a->valid_until, b->valid_until);
	ck_assert_mem_eq(a->pk, b->pk, IZIN_PK_LEN);
}

/* Seal the typical permit with signer and open it under a store that
 * holds only trusted; returns what izin_open says. */
static int
seal_open(const izin_seckey *signer, const izin_pubkey *trusted)
{
	izin_trust *t = izin_trust_new();
	izin_pubkey pub;
	izin_permit p, q;
	char text[IZIN_TEXT_MAX + 1];
	int n, field, rc;

	ck_assert_ptr_nonnull(t);
	izin_seckey_public(signer, &pub);
	fill_permit(&p, pub.office);
	n = izin_seal(signer, &p, text, &field);
	ck_assert_msg(n > 0, "izin_seal: %s", izin_strerror(n));
	ck_assert_int_eq(izin_trust_add(t, trusted), IZIN_OK);
	rc = izin_open(t, text, (size_t)n, &q, NULL, &field);
	if (rc == IZIN_OK)
		ck_assert_str_eq(q.name, p.name);
	izin_trust_free(t);
	return rc;
}

/* back is sk, read back: the same public half, and it signs what that
 * half accepts. */
static void
assert_same_key(const izin_seckey *sk, const izin_seckey *back)
{
	izin_pubkey pub = pub_of(sk), pback = pub_of(back);

	assert_same_pub(&pub, &pback);
	ck_assert_int_eq(seal_open(back, &pub), IZIN_OK);
}

/* The key pub read from a file is sk's: the same, and it opens what sk
 * seals. */
static void
assert_pub_of(const izin_seckey *sk, const izin_pubkey *pub)
{
	izin_pubkey kpub = pub_of(sk);

	assert_same_pub(&kpub, pub);
	ck_assert_int_eq(seal_open(sk, pub), IZIN_OK);
}

/* Export into a NUL-ended copy that the test may edit and free(). */
static char *
export(const izin_seckey *sk, const char *pass, unsigned long long ops,
       size_t mem, size_t *len)
{
	char *text, *copy;
	int rc;

	rc = izin_seckey_export(sk, pass, pass ? strlen(pass) : 0, ops, mem,
	    &text, len);
	ck_assert_msg(rc == IZIN_OK, "export: %s", izin_strerror(rc));
	ck_assert_ptr_nonnull(copy = malloc(*len + 1));
	memcpy(copy, text, *len);
	copy[*len] = '\0';
	izin_secure_free(text, *len);
	return copy;
}

/* The cheapest Argon2id limits, so loops over many imports stay fast. */
static char *
export_cheap(const izin_seckey *sk, const char *pass, size_t *len)
{
	return export(sk, pass, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN, len);
}

/* text with the line that starts with prefix replaced by line (which
 * has its own newline); caller frees. */
static char *
replace_line(const char *text, const char *prefix, const char *line)
{
	const char *s = strstr(text, prefix), *e;
	char *out;

	ck_assert_ptr_nonnull(s);
	ck_assert_msg(s == text || s[-1] == '\n', "%s: not a line", prefix);
	e = strchr(s, '\n');
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(out = malloc(strlen(text) + strlen(line) + 1));
	sprintf(out, "%.*s%s%s", (int)(s - text), text, line, e + 1);
	return out;
}

static int
import(const char *text, const char *pass, izin_seckey **sk)
{
	return izin_seckey_import(text, strlen(text), pass,
	    pass ? strlen(pass) : 0, sk);
}

static const char *
data_dir(void)
{
	const char *d = getenv("IZIN_TESTDATA");
	struct stat st;

	if (d && *d)
		return d;
	return stat("tests/data", &st) == 0 ? "tests/data" : "data";
}

static void
write_file(const char *path, const char *text, size_t len, int mode)
{
	unlink(path);
	ck_assert_int_eq(izin_write_atomic(path, text, len, mode, 0), IZIN_OK);
}

static void
copy_file(const char *from, const char *to, int mode)
{
	char *text;
	size_t len;

	ck_assert_msg(izin_read_file(from, 1 << 16, &text, &len) == IZIN_OK,
	    "%s: cannot read", from);
	write_file(to, text, len, mode);
	free(text);
}

static void
setup(void)
{
	ck_assert_int_eq(izin_init(), IZIN_OK);
	snprintf(tmpdir, sizeof tmpdir, "%s/izin-key.XXXXXX", "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	rm_tree(tmpdir);
}

static void
init_only(void)
{
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

START_TEST(test_generate)
{
	izin_seckey *a = gen_default();
	izin_seckey *b = gen("JKT-SEL2", ymd(2026, 3, 1), ymd(2026, 3, 1));
	izin_pubkey pa, pb;

	izin_seckey_public(a, &pa);
	izin_seckey_public(b, &pb);
	ck_assert_str_eq(pa.office, "JKTSEL");
	ck_assert_int_eq(pa.valid_from, ymd(2020, 1, 1));
	ck_assert_int_eq(pa.valid_until, ymd(2099, 12, 31));
	ck_assert_str_eq(pb.office, "JKT-SEL2");
	ck_assert_int_eq(pb.valid_from, pb.valid_until);
	ck_assert_int_ne(memcmp(pa.pk, pb.pk, IZIN_PK_LEN), 0);
	ck_assert_int_eq(seal_open(a, &pa), IZIN_OK);
	izin_seckey_free(a);
	izin_seckey_free(b);
	izin_seckey_free(NULL);
}
END_TEST

START_TEST(test_generate_bad)
{
	izin_seckey *sk = (izin_seckey *)&sk;
	izin_date from = ymd(2026, 1, 1);

	ck_assert_int_lt(izin_seckey_generate("jktsel", from, from, &sk), 0);
	ck_assert_ptr_null(sk);
	sk = (izin_seckey *)&sk;
	ck_assert_int_lt(izin_seckey_generate("", from, from, &sk), 0);
	ck_assert_ptr_null(sk);
	ck_assert_int_lt(izin_seckey_generate("ABCDEFGHIJKLMNOPQ", from, from,
	    &sk), 0);
	ck_assert_int_lt(izin_seckey_generate("JKT SEL", from, from, &sk), 0);
	ck_assert_int_lt(izin_seckey_generate("JKTSEL", from, from - 1, &sk),
	    0);
	ck_assert_ptr_null(sk);
	ck_assert_int_lt(izin_seckey_generate("JKTSEL", IZIN_NODATE, from,
	    &sk), 0);
	ck_assert_int_lt(izin_seckey_generate("JKTSEL", from, IZIN_NODATE,
	    &sk), 0);
	ck_assert_ptr_null(sk);
}
END_TEST

/* The default (interactive) limits, as qr-keygen writes them. */
START_TEST(test_round_trip_pass)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = NULL;
	size_t len;
	char *text = export(sk, PASS, 0, 0, &len);

	ck_assert_uint_eq(strlen(text), len);
	ck_assert_int_eq(izin_seckey_encrypted(text, len), 1);
	ck_assert_ptr_null(strstr(text, "kdf none"));
	ck_assert_int_eq(import(text, PASS, &back), IZIN_OK);
	ck_assert_ptr_nonnull(back);
	/* The imported key signs what the original's public half accepts. */
	assert_same_key(sk, back);
	izin_seckey_free(back);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

START_TEST(test_wrong_pass)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = (izin_seckey *)&back;
	size_t len;
	char *text = export_cheap(sk, PASS, &len);

	ck_assert_int_eq(import(text, "correct horse battery stapl", &back),
	    IZIN_EPASSPHRASE);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(import(text, PASS "e", &back), IZIN_EPASSPHRASE);
	ck_assert_int_eq(import(text, "", &back), IZIN_EPASSPHRASE);
	/* passlen counts, not the NUL. */
	ck_assert_int_eq(izin_seckey_import(text, len, PASS, PASSLEN - 1,
	    &back), IZIN_EPASSPHRASE);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(izin_seckey_import(text, len, PASS "xyz", PASSLEN,
	    &back), IZIN_OK);
	izin_seckey_free(back);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

START_TEST(test_null_pass)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = (izin_seckey *)&back;
	size_t len;
	char *text = export_cheap(sk, PASS, &len);

	ck_assert_int_eq(izin_seckey_import(text, len, NULL, 0, &back),
	    IZIN_EPASSPHRASE);
	ck_assert_ptr_null(back);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

START_TEST(test_plain)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = NULL;
	size_t len;
	char *text = export(sk, NULL, 0, 0, &len);

	ck_assert_int_eq(izin_seckey_encrypted(text, len), 0);
	ck_assert_ptr_nonnull(strstr(text, "\nkdf none\n"));
	ck_assert_int_eq(izin_seckey_import(text, len, NULL, 0, &back),
	    IZIN_OK);
	assert_same_key(sk, back);
	izin_seckey_free(back);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

/* Two exports of one key never share salt or nonce. */
START_TEST(test_export_fresh)
{
	izin_seckey *sk = gen_default();
	size_t la, lb;
	char *a = export_cheap(sk, PASS, &la), *b = export_cheap(sk, PASS, &lb);

	ck_assert_uint_eq(la, lb);
	ck_assert_str_ne(a, b);
	ck_assert_str_ne(strstr(a, "\nkdf "), strstr(b, "\nkdf "));
	ck_assert_str_ne(strstr(a, "\nsecret "), strstr(b, "\nsecret "));
	izin_seckey_free(sk);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_export_limits)
{
	izin_seckey *sk = gen_default();
	char *text = (char *)&text;
	size_t len;

	ck_assert_int_lt(izin_seckey_export(sk, PASS, PASSLEN, 1000000ULL,
	    crypto_pwhash_MEMLIMIT_MIN, &text, &len), 0);
	ck_assert_ptr_null(text);
	ck_assert_int_lt(izin_seckey_export(sk, PASS, PASSLEN,
	    crypto_pwhash_OPSLIMIT_MIN, (size_t)1 << 40, &text, &len), 0);
	ck_assert_ptr_null(text);
	ck_assert_int_lt(izin_seckey_export(sk, PASS, PASSLEN,
	    crypto_pwhash_OPSLIMIT_MIN, 1024, &text, &len), 0);
	ck_assert_ptr_null(text);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_encrypted_not_key)
{
	static const char *bad[] = {
		"", "izin-secret-key 1\n", "izin-secret-key 2\npublic x\n",
		"hello\n", "-----BEGIN PRIVATE KEY-----\n"
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(izin_seckey_encrypted(bad[i], strlen(bad[i])) ==
		    IZIN_EKEYFILE, "bad[%zu]", i);
}
END_TEST

/*
 * Every single-byte change of an encrypted key file is refused: the
 * structure, the strict Base64, the AEAD tag and its additional data
 * (everything before the secret line) leave no byte free.  The loop tests
 * with if and fails with ck_abort_msg(): Check records each passing
 * ck_assert through a system call.
 */
START_TEST(test_every_byte)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back;
	size_t len, tried = 0;
	char *text = NULL, *edit;
	int rc;

	/* With a '/' in the secret line, for libsodium's decoder takes any
	 * byte from 0x80 up for one (each export has a fresh nonce). */
	do {
		free(text);
		text = export_cheap(sk, PASS, &len);
	} while (strchr(strstr(text, "\nsecret "), '/') == NULL);

	ck_assert_int_eq(import(text, PASS, &back), IZIN_OK);
	izin_seckey_free(back);
	ck_assert_ptr_nonnull(edit = malloc(len + 1));
	for (size_t pos = 0; pos < len; pos++) {
		for (int c = 0; c < 256; c++) {
			if (c == (unsigned char)text[pos])
				continue;
			memcpy(edit, text, len + 1);
			edit[pos] = (char)c;
			back = NULL;
			rc = izin_seckey_import(edit, len, PASS, PASSLEN,
			    &back);
			if (rc == IZIN_OK || back != NULL)
				ck_abort_msg("byte %zu '%c' -> 0x%02x imports",
				    pos, text[pos], c);
			if (rc >= 0)
				ck_abort_msg("byte %zu: rc %d", pos, rc);
			tried++;
		}
	}
	ck_assert_uint_eq(tried, len * 255);
	free(edit);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

/* The "public" line is the AEAD's additional data: a key file edited to
 * claim another office, window, key id or public key does not open. */
START_TEST(test_public_line)
{
	izin_seckey *sk = gen("JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	izin_seckey *other = gen("JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	izin_seckey *back;
	izin_pubkey pub, opub;
	char line[IZIN_PUBLINE_MAX + 8], publine[IZIN_PUBLINE_MAX];
	size_t len;
	char *text = export_cheap(sk, PASS, &len), *edit;
	izin_pubkey edits[6];

	izin_seckey_public(sk, &pub);
	izin_seckey_public(other, &opub);
	for (int i = 0; i < 6; i++)
		edits[i] = pub;
	strcpy(edits[0].office, "JKTUTA");
	edits[1].valid_from = ymd(2019, 1, 1);
	edits[2].valid_until = ymd(2099, 12, 31);
	edits[3].kid[0] ^= 1;
	memcpy(edits[4].pk, opub.pk, IZIN_PK_LEN);
	edits[5] = opub;
	for (int i = 0; i < 6; i++) {
		izin_pubkey_format(&edits[i], publine);
		snprintf(line, sizeof line, "public %s", publine);
		edit = replace_line(text, "public ", line);
		back = (izin_seckey *)&back;
		ck_assert_msg(import(edit, PASS, &back) == IZIN_EPASSPHRASE,
		    "edit %d: %s", i, line);
		ck_assert_ptr_null(back);
		free(edit);
	}
	/* The kdf line is covered too. */
	edit = replace_line(text, "kdf ", "kdf none\n");
	ck_assert_int_lt(import(edit, PASS, &back), 0);
	free(edit);
	izin_seckey_free(other);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

/* Base64 is checked by encoding the bytes again: libsodium 1.0.18 decodes
 * any byte from 0x80 up as '/', which would let a key file's text change
 * while the key stays the same. */
START_TEST(test_high_byte)
{
	izin_seckey *sk = NULL, *back;
	size_t len;
	char *text = NULL, *slash;

	for (int plain = 0; plain < 2; plain++) {
		do {
			free(text);
			izin_seckey_free(sk);
			sk = gen_default();
			text = plain ? export(sk, NULL, 0, 0, &len)
			    : export_cheap(sk, PASS, &len);
			slash = strchr(strstr(text, "\nsecret "), '/');
		} while (slash == NULL);
		*slash = (char)0xaf;
		back = (izin_seckey *)&back;
		ck_assert_msg(izin_seckey_import(text, len, plain ? NULL : PASS,
		    plain ? 0 : PASSLEN, &back) == IZIN_EKEYFILE,
		    "%s key: 0xaf for '/' in the secret line",
		    plain ? "clear" : "encrypted");
		ck_assert_ptr_null(back);
	}
	free(text);
	izin_seckey_free(sk);
}
END_TEST

/* A clear key's public line must hold the public half of its secret. */
START_TEST(test_plain_mismatch)
{
	izin_seckey *sk = gen("JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	izin_seckey *other = gen("JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	izin_seckey *back = (izin_seckey *)&back;
	size_t len, olen;
	char *text = export(sk, NULL, 0, 0, &len);
	char *otext = export(other, NULL, 0, 0, &olen);
	char *secret = strstr(otext, "\nsecret ") + 1, *edit;

	edit = replace_line(text, "secret ", secret);
	ck_assert_int_eq(import(edit, NULL, &back), IZIN_EKEYFILE);
	ck_assert_ptr_null(back);
	free(edit);
	izin_seckey_free(other);
	izin_seckey_free(sk);
	free(text);
	free(otext);
}
END_TEST

START_TEST(test_truncated)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back;
	size_t len, plen;
	char *text = export_cheap(sk, PASS, &len);
	char *plain = export(sk, NULL, 0, 0, &plen);

	for (size_t n = 0; n < len; n++) {
		back = NULL;
		if (izin_seckey_import(text, n, PASS, PASSLEN, &back) !=
		    IZIN_EKEYFILE || back != NULL)
			ck_abort_msg("encrypted key cut at %zu of %zu", n, len);
		if (n < plen && izin_seckey_import(plain, n, NULL, 0, &back) !=
		    IZIN_EKEYFILE)
			ck_abort_msg("clear key cut at %zu of %zu", n, plen);
		if (n < plen && izin_seckey_encrypted(plain, n) !=
		    IZIN_EKEYFILE)
			ck_abort_msg("encrypted(): clear key cut at %zu", n);
	}
	ck_assert_int_eq(izin_seckey_import(text, len, PASS, PASSLEN, &back),
	    IZIN_OK);
	izin_seckey_free(back);
	izin_seckey_free(sk);
	free(text);
	free(plain);
}
END_TEST

START_TEST(test_extra_line)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = (izin_seckey *)&back;
	size_t len, plen;
	char *text = export_cheap(sk, PASS, &len);
	char *plain = export(sk, NULL, 0, 0, &plen);
	char buf[8192];
	const char *bases[2] = { text, plain };
	const char *pass[2] = { PASS, NULL };

	for (int i = 0; i < 2; i++) {
		const char *t = bases[i], *secret = strstr(t, "\nsecret ") + 1;
		const char *kdf = strstr(t, "\nkdf ") + 1;

		snprintf(buf, sizeof buf, "%s\n", t);
		ck_assert_int_eq(import(buf, pass[i], &back), IZIN_EKEYFILE);
		snprintf(buf, sizeof buf, "%sextra\n", t);
		ck_assert_int_eq(import(buf, pass[i], &back), IZIN_EKEYFILE);
		ck_assert_int_eq(izin_seckey_encrypted(buf, strlen(buf)),
		    IZIN_EKEYFILE);
		snprintf(buf, sizeof buf, "%s%s", t, secret);
		ck_assert_int_eq(import(buf, pass[i], &back), IZIN_EKEYFILE);
		snprintf(buf, sizeof buf, "%.*s# comment\n%s",
		    (int)(kdf - t), t, kdf);
		ck_assert_int_eq(import(buf, pass[i], &back), IZIN_EKEYFILE);
		snprintf(buf, sizeof buf, "%.*s\n%s", (int)(secret - t), t,
		    secret);
		ck_assert_int_eq(import(buf, pass[i], &back), IZIN_EKEYFILE);
		ck_assert_ptr_null(back);
	}
	izin_seckey_free(sk);
	free(text);
	free(plain);
}
END_TEST

START_TEST(test_crlf)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = NULL;
	size_t len, n = 0;
	char *text = export(sk, NULL, 0, 0, &len), buf[8192];

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = text[i];
	}
	ck_assert_int_eq(izin_seckey_import(buf, n, NULL, 0, &back),
	    IZIN_EKEYFILE);
	ck_assert_ptr_null(back);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

/* A key file's own KDF limits are bounded: a file asking for absurd
 * work or memory is malformed, refused before any hashing. */
START_TEST(test_kdf_limits)
{
	static const char *const kdf[] = {
		"kdf argon2id 1 99999999999999 %s\n",
		"kdf argon2id 99999999999999 8192 %s\n",
		"kdf argon2id 1 18446744073709551616 %s\n",
		"kdf argon2id 1 184467440737095516160 %s\n",
		"kdf argon2id 18446744073709551617 8192 %s\n",
		"kdf argon2id 1 4294967296 %s\n",
		"kdf argon2id 0 8192 %s\n",
		"kdf argon2id 1 0 %s\n",
		"kdf argon2id 1 1024 %s\n",
		"kdf argon2id 01 8192 %s\n",
		"kdf argon2id 1 08192 %s\n",
		"kdf argon2id -1 8192 %s\n",
		"kdf argon2id +1 8192 %s\n",
		"kdf argon2id 1 8192k %s\n",
		"kdf argon2id 1 0x2000 %s\n",
		"kdf argon2id 1  8192 %s\n",
		"kdf argon2id 1 8192 %s \n",
		"kdf argon2id 1 8192\n",
		"kdf argon2id 1 8192 %s extra\n",
		"kdf argon2i 1 8192 %s\n",
		"kdf scrypt 1 8192 %s\n",
		"kdf  none\n",
		"kdf None\n",
		"kdf\n",
	};
	izin_seckey *sk = gen_default();
	izin_seckey *back;
	size_t len;
	char *text = export_cheap(sk, PASS, &len), *edit, line[256];
	char salt[64];
	time_t start = time(NULL);

	ck_assert_int_eq(sscanf(strstr(text, "\nkdf argon2id "),
	    "\nkdf argon2id %*u %*u %63s", salt), 1);
	for (size_t i = 0; i < sizeof kdf / sizeof kdf[0]; i++) {
		snprintf(line, sizeof line, kdf[i], salt);
		edit = replace_line(text, "kdf ", line);
		back = (izin_seckey *)&back;
		ck_assert_msg(import(edit, PASS, &back) == IZIN_EKEYFILE,
		    "%s", line);
		ck_assert_ptr_null(back);
		ck_assert_msg(izin_seckey_encrypted(edit, strlen(edit)) ==
		    IZIN_EKEYFILE, "encrypted(): %s", line);
		free(edit);
	}
	/* Refused before hashing: the whole loop takes no time. */
	ck_assert_int_le(time(NULL) - start, 2);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *const bad[] = {
		"",
		"izin-secret-key 1",
		"izin-secret-key 1\n",
		"izin-secret-key 2\npublic %s\nkdf none\nsecret %s\n",
		"izin-secret-key  1\npublic %s\nkdf none\nsecret %s\n",
		"izin-secret-key 1\npublic  %s\nkdf none\nsecret %s\n",
		"izin-secret-key 1\nkdf none\npublic %s\nsecret %s\n",
		"izin-secret-key 1\npublic %s\nkdf none\nsecret  %s\n",
		"izin-secret-key 1\npublic %s\nkdf none\nsecret %s \n",
		"izin-secret-key 1\npublic %s\nkdf none\nsecret: %s\n",
		"izin-secret-key 1\npublic %s\nsecret %s\n",
		"izin-secret-key 1\npublic %s\nkdf none\n%s\n",
		" izin-secret-key 1\npublic %s\nkdf none\nsecret %s\n",
		"IZIN-SECRET-KEY 1\npublic %s\nkdf none\nsecret %s\n",
	};
	izin_seckey *sk = gen_default();
	izin_seckey *back = NULL;
	size_t len;
	char *text = export(sk, NULL, 0, 0, &len), pub[128], secret[128];
	char buf[1024];

	ck_assert_int_eq(sscanf(text, "izin-secret-key 1\npublic %127[^\n]\n"
	    "kdf none\nsecret %127[^\n]\n", pub, secret), 2);
	/* The template itself is right, so the variants test what they say. */
	snprintf(buf, sizeof buf, "izin-secret-key 1\npublic %s\nkdf none\n"
	    "secret %s\n", pub, secret);
	ck_assert_int_eq(import(buf, NULL, &back), IZIN_OK);
	izin_seckey_free(back);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(buf, sizeof buf, bad[i], pub, secret);
		back = (izin_seckey *)&back;
		ck_assert_msg(import(buf, NULL, &back) == IZIN_EKEYFILE,
		    "bad[%zu]", i);
		ck_assert_ptr_null(back);
	}
	izin_seckey_free(sk);
	free(text);
}
END_TEST

/* Files written as qr-keygen writes them, read back by path. */
START_TEST(test_load)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = NULL;
	char path[128];
	size_t len;
	char *text = export_cheap(sk, PASS, &len);

	snprintf(path, sizeof path, "%s/office.key", tmpdir);
	write_file(path, text, len, 0600);
	ck_assert_int_eq(izin_seckey_load(path, PASS, PASSLEN, &back),
	    IZIN_OK);
	assert_same_key(sk, back);
	izin_seckey_free(back);

	back = (izin_seckey *)&back;
	ck_assert_int_eq(izin_seckey_load(path, "wrong", 5, &back),
	    IZIN_EPASSPHRASE);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(izin_seckey_load(path, NULL, 0, &back),
	    IZIN_EPASSPHRASE);
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(izin_seckey_load(path, PASS, PASSLEN, &back),
	    IZIN_OK);
	izin_seckey_free(back);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

START_TEST(test_load_perm)
{
	static const int modes[] = { 0644, 0640, 0604, 0620, 0602, 0610,
	                             0601, 0660, 0666, 0700 | 0044 };
	izin_seckey *sk = gen_default();
	izin_seckey *back;
	char path[128];
	size_t len;
	char *text = export(sk, NULL, 0, 0, &len);

	snprintf(path, sizeof path, "%s/office.key", tmpdir);
	write_file(path, text, len, 0600);
	ck_assert_int_eq(izin_seckey_load(path, NULL, 0, &back), IZIN_OK);
	izin_seckey_free(back);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		ck_assert_int_eq(chmod(path, (mode_t)modes[i]), 0);
		back = (izin_seckey *)&back;
		ck_assert_msg(izin_seckey_load(path, NULL, 0, &back) ==
		    IZIN_EKEYPERM, "mode %o", modes[i]);
		ck_assert_ptr_null(back);
	}
	izin_seckey_free(sk);
	free(text);
}
END_TEST

START_TEST(test_load_not_file)
{
	izin_seckey *sk = gen_default();
	izin_seckey *back = (izin_seckey *)&back;
	char path[128], link[128], dir[128], big[128];
	char *huge;
	size_t len;
	char *text = export(sk, NULL, 0, 0, &len);

	snprintf(path, sizeof path, "%s/office.key", tmpdir);
	snprintf(link, sizeof link, "%s/link.key", tmpdir);
	snprintf(dir, sizeof dir, "%s/dir.key", tmpdir);
	snprintf(big, sizeof big, "%s/big.key", tmpdir);
	write_file(path, text, len, 0600);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_ne(izin_seckey_load(link, NULL, 0, &back), IZIN_OK);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_ne(izin_seckey_load(dir, NULL, 0, &back), IZIN_OK);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(izin_seckey_load("/nonexistent/office.key", NULL, 0,
	    &back), IZIN_EIO);
	ck_assert_ptr_null(back);
	/* Longer than any key file: refused without a look inside. */
	ck_assert_ptr_nonnull(huge = malloc(len + 8192));
	memcpy(huge, text, len);
	memset(huge + len, '\n', 8192);
	write_file(big, huge, len + 8192, 0600);
	ck_assert_int_eq(izin_seckey_load(big, NULL, 0, &back), IZIN_EKEYFILE);
	ck_assert_ptr_null(back);
	free(huge);
	izin_seckey_free(sk);
	free(text);
}
END_TEST

/* A FIFO is not a regular file: it is refused, and at once (opening
 * one for reading with no writer would block).  The load runs in a
 * child so that a hang fails this test instead of stalling the run. */
START_TEST(test_load_fifo)
{
	char path[128];
	pid_t pid;
	struct timespec tick = { 0, 10000000 };
	int status = 0, waited;

	snprintf(path, sizeof path, "%s/fifo.key", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		izin_seckey *sk;
		int rc = izin_seckey_load(path, NULL, 0, &sk);
		_exit(rc == IZIN_OK ? 0 : rc < 0 ? 2 : 3);
	}
	for (waited = 0; waited < 300; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&tick, NULL);
	}
	if (waited == 300) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ck_abort_msg("izin_seckey_load() on a FIFO blocks instead of "
		    "refusing it");
	}
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 2);
}
END_TEST

static void
read_pub(const char *path, izin_pubkey *pub)
{
	char *text;
	size_t len;

	ck_assert_msg(izin_read_file(path, 4096, &text, &len) == IZIN_OK,
	    "%s: cannot read", path);
	ck_assert_msg(len > 0 && text[len - 1] == '\n' &&
	    memchr(text, '\n', len - 1) == NULL, "%s: not one line", path);
	ck_assert_int_eq(izin_pubkey_parse(text, len - 1, pub), IZIN_OK);
	free(text);
}

/* The checked-in pair that qr-keygen made for the command-line tests:
 * copied first, as git does not keep mode 0600. */
START_TEST(test_data_files)
{
	const char *data = data_dir();
	char src[512], key[128], *pass, *text;
	size_t passlen, len;
	izin_seckey *sk = NULL, *bad = (izin_seckey *)&bad;
	izin_pubkey pub, filepub;
	izin_trust *t;
	unsigned long line;

	snprintf(src, sizeof src, "%s/test-office.pass", data);
	ck_assert_int_eq(izin_passphrase_file(src, &pass, &passlen), IZIN_OK);
	ck_assert_uint_eq(passlen, strlen("izin-test-passphrase"));
	ck_assert_mem_eq(pass, "izin-test-passphrase", passlen);
	snprintf(src, sizeof src, "%s/test-office.key", data);
	snprintf(key, sizeof key, "%s/office.key", tmpdir);
	copy_file(src, key, 0600);
	ck_assert_int_eq(izin_read_file(key, 4096, &text, &len), IZIN_OK);
	ck_assert_int_eq(izin_seckey_encrypted(text, len), 1);
	free(text);
	ck_assert_int_eq(izin_seckey_load(key, pass, passlen, &sk), IZIN_OK);
	ck_assert_int_eq(izin_seckey_load(key, pass, passlen - 1, &bad),
	    IZIN_EPASSPHRASE);
	ck_assert_ptr_null(bad);
	izin_passphrase_free(pass);

	izin_seckey_public(sk, &pub);
	ck_assert_str_eq(pub.office, "JKTSEL");
	ck_assert_int_eq(pub.valid_from, ymd(2020, 1, 1));
	ck_assert_int_eq(pub.valid_until, ymd(2099, 12, 31));
	snprintf(src, sizeof src, "%s/test-office.pub", data);
	read_pub(src, &filepub);
	assert_same_pub(&pub, &filepub);
	ck_assert_ptr_nonnull(t = izin_trust_new());
	ck_assert_int_eq(izin_trust_load(t, src, &line, NULL, 0), IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 1);
	izin_trust_free(t);
	ck_assert_int_eq(seal_open(sk, &filepub), IZIN_OK);
	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(izin_seckey_load(key, "izin-test-passphrase", 20,
	    &bad), IZIN_EKEYPERM);
	izin_seckey_free(sk);

	snprintf(src, sizeof src, "%s/test-plain.key", data);
	snprintf(key, sizeof key, "%s/plain.key", tmpdir);
	copy_file(src, key, 0600);
	ck_assert_int_eq(izin_seckey_load(key, NULL, 0, &sk), IZIN_OK);
	snprintf(src, sizeof src, "%s/test-plain.pub", data);
	read_pub(src, &filepub);
	assert_pub_of(sk, &filepub);
	izin_seckey_free(sk);
}
END_TEST

static const char *
keygen_path(void)
{
	static char buf[512];
	const char *data = getenv("IZIN_TESTDATA");

	if (data && *data) {
		snprintf(buf, sizeof buf, "%s/../../cmd/qr-keygen", data);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	if (access("cmd/qr-keygen", X_OK) == 0)
		return "cmd/qr-keygen";
	if (access("../cmd/qr-keygen", X_OK) == 0)
		return "../cmd/qr-keygen";
	ck_abort_msg("cmd/qr-keygen not found: run make first");
	return NULL;
}

/* Run argv quietly; its exit status, or -1. */
static int
run(char *const argv[])
{
	pid_t pid;
	int status, fd;

	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Files written by qr-keygen itself, loaded through the library. */
START_TEST(test_keygen_files)
{
	char out[128], passfile[128], key[128], pub[128];
	char *argv[16];
	izin_seckey *sk = NULL, *bad = (izin_seckey *)&bad;
	izin_pubkey kpub, fpub;
	struct stat st;

	snprintf(passfile, sizeof passfile, "%s/pass", tmpdir);
	write_file(passfile, "s3cret phrase\n", 14, 0600);
	snprintf(out, sizeof out, "%s/k", tmpdir);
	snprintf(key, sizeof key, "%s/k.key", tmpdir);
	snprintf(pub, sizeof pub, "%s/k.pub", tmpdir);
	argv[0] = (char *)keygen_path();
	argv[1] = "-o", argv[2] = out;
	argv[3] = "--office", argv[4] = "JKTBAR";
	argv[5] = "--valid-from", argv[6] = "2025-01-01";
	argv[7] = "--valid-until", argv[8] = "2027-12-31";
	argv[9] = "--passphrase-file", argv[10] = passfile;
	argv[11] = NULL;
	ck_assert_int_eq(run(argv), 0);
	ck_assert_int_eq(stat(key, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(izin_seckey_load(key, "s3cret phrase", 13, &sk),
	    IZIN_OK);
	izin_seckey_public(sk, &kpub);
	ck_assert_str_eq(kpub.office, "JKTBAR");
	ck_assert_int_eq(kpub.valid_from, ymd(2025, 1, 1));
	ck_assert_int_eq(kpub.valid_until, ymd(2027, 12, 31));
	read_pub(pub, &fpub);
	assert_pub_of(sk, &fpub);
	izin_seckey_free(sk);
	ck_assert_int_eq(izin_seckey_load(key, "s3cret phrasE", 13, &bad),
	    IZIN_EPASSPHRASE);
	ck_assert_ptr_null(bad);
	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(izin_seckey_load(key, "s3cret phrase", 13, &bad),
	    IZIN_EKEYPERM);

	argv[9] = "--no-passphrase", argv[10] = NULL;
	snprintf(out, sizeof out, "%s/p", tmpdir);
	snprintf(key, sizeof key, "%s/p.key", tmpdir);
	snprintf(pub, sizeof pub, "%s/p.pub", tmpdir);
	ck_assert_int_eq(run(argv), 0);
	ck_assert_int_eq(izin_seckey_load(key, NULL, 0, &sk), IZIN_OK);
	read_pub(pub, &fpub);
	assert_pub_of(sk, &fpub);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_pub_round_trip)
{
	static const char *const offices[] = {
		"JKTSEL", "A", "ABCDEFGHIJKLMNOP", "KANIM-JKT-SEL", "9-9"
	};
	char line[IZIN_PUBLINE_MAX], kid[IZIN_KID_HEXLEN + 1];
	izin_pubkey pub, back;
	int n;

	for (int i = 0; i < 40; i++) {
		izin_seckey *sk = gen(offices[i % 5],
		    ymd(1900 + i, 1, 1), ymd(2199 - i, 12, 31));
		izin_seckey_public(sk, &pub);
		izin_seckey_free(sk);
		memset(line, 'x', sizeof line);
		n = izin_pubkey_format(&pub, line);
		ck_assert_int_eq(n, (int)strlen(line));
		ck_assert_int_lt(n, IZIN_PUBLINE_MAX);
		ck_assert_int_eq(line[n - 1], '\n');
		ck_assert_ptr_eq(strchr(line, '\n'), line + n - 1);
		izin_kid_format(pub.kid, kid);
		ck_assert_uint_eq(strlen(kid), IZIN_KID_HEXLEN);
		ck_assert_uint_eq(strspn(kid, "0123456789abcdef"),
		    IZIN_KID_HEXLEN);
		ck_assert_mem_eq(line, kid, IZIN_KID_HEXLEN);
		ck_assert_int_eq(izin_pubkey_parse(line, (size_t)n - 1, &back),
		    IZIN_OK);
		assert_same_pub(&pub, &back);
		/* The newline is not part of the line. */
		ck_assert_int_eq(izin_pubkey_parse(line, (size_t)n, &back),
		    IZIN_EKEYFILE);
	}
}
END_TEST

#define GOODPK "YMnEMgofM88PIJJ7d/Td9SaWgulBJV0PYlHzh9YC8vg="
#define GOOD "35a4 JKTSEL 2020-01-01 2099-12-31 " GOODPK

START_TEST(test_pub_good)
{
	static const char *const good[] = {
		GOOD,
		"0000 JKTSEL 2020-01-01 2099-12-31 " GOODPK,
		"ffff JKTSEL 2020-01-01 2099-12-31 " GOODPK,
		"35a4 JKTSEL 2026-03-01 2026-03-01 " GOODPK,
		"35a4 JKTSEL 1900-01-01 2199-12-31 " GOODPK,
		"35a4 ABCDEFGHIJKLMNOP 2020-01-01 2099-12-31 " GOODPK,
		"35a4 KANIM-JKT-SEL 2020-01-01 2099-12-31 " GOODPK,
	};
	izin_pubkey pub;
	uint8_t pk[IZIN_PK_LEN];

	ck_assert_int_eq(sodium_base642bin(pk, sizeof pk, GOODPK,
	    strlen(GOODPK), NULL, NULL, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ck_assert_msg(izin_pubkey_parse(good[i], strlen(good[i]), &pub)
		    == IZIN_OK, "%s", good[i]);
		ck_assert_mem_eq(pub.pk, pk, IZIN_PK_LEN);
	}
	ck_assert_int_eq(izin_pubkey_parse(GOOD, strlen(GOOD), &pub), IZIN_OK);
	ck_assert_int_eq(pub.kid[0], 0x35);
	ck_assert_int_eq(pub.kid[1], 0xa4);
	ck_assert_str_eq(pub.office, "JKTSEL");
	ck_assert_int_eq(pub.valid_from, ymd(2020, 1, 1));
	ck_assert_int_eq(pub.valid_until, ymd(2099, 12, 31));
	/* len counts, not the NUL. */
	ck_assert_int_eq(izin_pubkey_parse(GOOD "junk", strlen(GOOD), &pub),
	    IZIN_OK);
}
END_TEST

static const char *const bad_pub[] = {
	"",
	" ",
	"35a4 JKTSEL 2020-01-01 2099-12-31",
	"35a4 JKTSEL 2020-01-01 " GOODPK,
	GOOD " extra",
	GOOD " ",
	" " GOOD,
	"35a4  JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"35a4 JKTSEL 2020-01-01  2099-12-31 " GOODPK,
	"35a4 JKTSEL 2020-01-01 2099-12-31  " GOODPK,
	"35a4\tJKTSEL 2020-01-01 2099-12-31 " GOODPK,
	GOOD "\r",
	GOOD "\n",
	"35A4 JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"35a JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"35a40 JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"35a40000 JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"35g4 JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"0x35 JKTSEL 2020-01-01 2099-12-31 " GOODPK,
	"jktsel 35a4 2020-01-01 2099-12-31 " GOODPK,
	"35a4 jktsel 2020-01-01 2099-12-31 " GOODPK,
	"35a4 JKT_SEL 2020-01-01 2099-12-31 " GOODPK,
	"35a4 ABCDEFGHIJKLMNOPQ 2020-01-01 2099-12-31 " GOODPK,
	"35a4 JKTSEL 2020-02-30 2099-12-31 " GOODPK,
	"35a4 JKTSEL 2020-1-01 2099-12-31 " GOODPK,
	"35a4 JKTSEL 1899-12-31 2099-12-31 " GOODPK,
	"35a4 JKTSEL 2020-01-01 2200-01-01 " GOODPK,
	"35a4 JKTSEL 20200101 2099-12-31 " GOODPK,
	"35a4 JKTSEL 2020-01-01 2099-12-32 " GOODPK,
	"35a4 JKTSEL 2099-12-31 2020-01-01 " GOODPK,
	"35a4 JKTSEL 2026-03-02 2026-03-01 " GOODPK,
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d/Td9SaWgulBJV0PYlHzh9YC8vg",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d/Td9SaWgulBJV0PYlHzh9YC8vg==",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d/Td9SaWgulBJV0PYlHzh9YC8vh=",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d_Td9SaWgulBJV0PYlHzh9YC8vg=",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d!Td9SaWgulBJV0PYlHzh9YC8vg=",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d\xafTd9SaWgulBJV0PYlHzh9YC8vg=",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d\xffTd9SaWgulBJV0PYlHzh9YC8vg=",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d/Td9SaWgulBJV0PYlHzh9YC8v=g",
	"35a4 JKTSEL 2020-01-01 2099-12-31 "
	    "YMnEMgofM88PIJJ7d/Td9SaWgulBJV0PYlHzh9YC8vgA",
};

START_TEST(test_pub_bad)
{
	izin_pubkey pub;

	ck_assert_msg(izin_pubkey_parse(bad_pub[_i], strlen(bad_pub[_i]), &pub)
	    == IZIN_EKEYFILE, "accepted: \"%s\"", bad_pub[_i]);
}
END_TEST

/* Keys of the wrong length, and points no honest key can be: the small-
 * order points (identity, order 2, 4 and 8) and y >= p (non-canonical). */
static const char *const bad_points[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"60c9c4320a1f33cf0f20927b77f4ddf5269682e941255d0f6251f387d602f2",
	"60c9c4320a1f33cf0f20927b77f4ddf5269682e941255d0f6251f387d602f2f800",
	"",
};

START_TEST(test_pub_bad_point)
{
	uint8_t pk[64];
	char b64[128], line[256];
	size_t n;
	izin_pubkey pub;

	ck_assert_int_eq(sodium_hex2bin(pk, sizeof pk, bad_points[_i],
	    strlen(bad_points[_i]), NULL, &n, NULL), 0);
	sodium_bin2base64(b64, sizeof b64, pk, n,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof line, "35a4 JKTSEL 2020-01-01 2099-12-31 %s",
	    b64);
	ck_assert_msg(izin_pubkey_parse(line, strlen(line), &pub) ==
	    IZIN_EKEYFILE, "accepted: %s (%zu bytes)", line, n);
}
END_TEST

/* The GOOD key's bytes, so that the points above differ from a good
 * key only where they say. */
START_TEST(test_pub_good_hex)
{
	uint8_t pk[IZIN_PK_LEN], good[IZIN_PK_LEN];
	size_t n;

	ck_assert_int_eq(sodium_hex2bin(pk, sizeof pk,
	    "60c9c4320a1f33cf0f20927b77f4ddf5269682e941255d0f6251f387d602f2f8",
	    64, NULL, &n, NULL), 0);
	ck_assert_int_eq(sodium_base642bin(good, sizeof good, GOODPK,
	    strlen(GOODPK), NULL, NULL, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	ck_assert_mem_eq(pk, good, IZIN_PK_LEN);
	ck_assert_int_eq(crypto_core_ed25519_is_valid_point(pk), 1);
}
END_TEST

static Suite *
key_suite(void)
{
	Suite *s = suite_create("key");
	TCase *tc;

	tc = tcase_create("generate");
	tcase_add_checked_fixture(tc, init_only, NULL);
	tcase_add_test(tc, test_generate);
	tcase_add_test(tc, test_generate_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("key file");
	tcase_add_checked_fixture(tc, init_only, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_pass);
	tcase_add_test(tc, test_wrong_pass);
	tcase_add_test(tc, test_null_pass);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_export_fresh);
	tcase_add_test(tc, test_export_limits);
	tcase_add_test(tc, test_encrypted_not_key);
	tcase_add_test(tc, test_public_line);
	tcase_add_test(tc, test_high_byte);
	tcase_add_test(tc, test_plain_mismatch);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_extra_line);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_kdf_limits);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("every byte");
	tcase_add_checked_fixture(tc, init_only, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_every_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_load_perm);
	tcase_add_test(tc, test_load_not_file);
	tcase_add_test(tc, test_load_fifo);
	tcase_add_test(tc, test_data_files);
	tcase_add_test(tc, test_keygen_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("public key line");
	tcase_add_checked_fixture(tc, init_only, NULL);
	tcase_add_test(tc, test_pub_round_trip);
	tcase_add_test(tc, test_pub_good);
	tcase_add_test(tc, test_pub_good_hex);
	tcase_add_loop_test(tc, test_pub_bad, 0,
	    sizeof bad_pub / sizeof bad_pub[0]);
	tcase_add_loop_test(tc, test_pub_bad_point, 0,
	    sizeof bad_points / sizeof bad_points[0]);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(key_suite)
