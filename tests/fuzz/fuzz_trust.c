/*
 * fuzz_trust - trust-store lines and secret key files.  Each input line
 * goes to izin_pubkey_parse(); a line it takes is the one spelling
 * izin_pubkey_format() writes for the key.  The whole input goes to
 * izin_seckey_encrypted() and izin_seckey_import() as a key file: a
 * clear key it takes exports to the same text; an encrypted one is
 * opened with the fixed passphrase only when its Argon2 limits are small
 * (a file may ask for up to 64 passes over 2 GiB, far too slow to fuzz),
 * and without a passphrase it is always refused.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

#define PASS "fuzz"
#define PASSLEN (sizeof PASS - 1)
/* The largest limits worth a try, in ops and bytes. */
#define FUZZ_OPS 2
#define FUZZ_MEM 65536
/* Where the public key line's words start in a key file. */
#define PUB_AT (sizeof "izin-secret-key 1\npublic " - 1)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_ASSERT(izin_init() == IZIN_OK);
	return 0;
}

static void
pub_line(izin_trust *t, const char *s, size_t len)
{
	char buf[IZIN_PUBLINE_MAX];
	izin_pubkey pub;
	int n;

	if (izin_pubkey_parse(s, len, &pub) != IZIN_OK)
		return;
	n = izin_pubkey_format(&pub, buf);
	FUZZ_ASSERT(n > 0 && n < IZIN_PUBLINE_MAX);
	FUZZ_ASSERT((size_t)n == len + 1 && memcmp(buf, s, len) == 0 &&
	    buf[len] == '\n');
	FUZZ_ASSERT(pub.valid_from <= pub.valid_until);
	FUZZ_ASSERT(izin_trust_add(t, &pub) == IZIN_OK);
}

/* A decimal number of at most 20 digits at s (len bytes), or
 * UINT64_MAX. */
static uint64_t
number(const char *s, size_t len, size_t *used)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < 20 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	*used = i;
	return i == 0 || i == 20 ? UINT64_MAX : v;
}

/* 1 when the third line is "kdf argon2id OPS MEM ..." with limits small
 * enough to try. */
static int
cheap_kdf(const char *s, size_t len)
{
	static const char kdf[] = "kdf argon2id ";
	const char *end = s + len, *nl;
	uint64_t ops, mem;
	size_t used;

	for (int i = 0; i < 2; i++) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			return 0;
		s = nl + 1;
	}
	if ((size_t)(end - s) < sizeof kdf - 1 ||
	    memcmp(s, kdf, sizeof kdf - 1) != 0)
		return 0;
	s += sizeof kdf - 1;
	ops = number(s, (size_t)(end - s), &used);
	s += used;
	if (s == end || *s++ != ' ')
		return 0;
	mem = number(s, (size_t)(end - s), &used);
	return ops <= FUZZ_OPS && mem <= FUZZ_MEM;
}

static void
key_file(const char *text, size_t len)
{
	izin_seckey *sk = NULL;
	izin_pubkey pub;
	char *out, buf[IZIN_PUBLINE_MAX];
	size_t outlen;
	int enc, err, n;

	enc = izin_seckey_encrypted(text, len);
	FUZZ_ASSERT(enc == 0 || enc == 1 || enc == IZIN_EKEYFILE);
	if (enc == 0) {
		err = izin_seckey_import(text, len, NULL, 0, &sk);
		FUZZ_ASSERT(err == IZIN_OK || err == IZIN_EKEYFILE);
		if (err != IZIN_OK) {
			FUZZ_ASSERT(sk == NULL);
			return;
		}
		FUZZ_ASSERT(izin_seckey_export(sk, NULL, 0, 0, 0, &out,
		    &outlen) == IZIN_OK);
		FUZZ_ASSERT(outlen == len && memcmp(out, text, len) == 0);
		izin_secure_free(out, outlen);
		izin_seckey_free(sk);
		return;
	}
	if (enc != 1)
		return;
	err = izin_seckey_import(text, len, NULL, 0, &sk);
	FUZZ_ASSERT((err == IZIN_EPASSPHRASE || err == IZIN_EKEYFILE) &&
	    sk == NULL);
	if (!cheap_kdf(text, len))
		return;
	err = izin_seckey_import(text, len, PASS, PASSLEN, &sk);
	FUZZ_ASSERT(err == IZIN_OK || err == IZIN_EKEYFILE ||
	    err == IZIN_EPASSPHRASE);
	if (err != IZIN_OK) {
		FUZZ_ASSERT(sk == NULL);
		return;
	}
	/* The public line is the key's own. */
	izin_seckey_public(sk, &pub);
	n = izin_pubkey_format(&pub, buf);
	FUZZ_ASSERT(n > 0 && len > PUB_AT + (size_t)n &&
	    memcmp(text + PUB_AT, buf, (size_t)n) == 0);
	izin_seckey_free(sk);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *nl;
	izin_trust *t;

	FUZZ_ASSERT((t = izin_trust_new()) != NULL);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		pub_line(t, s, (size_t)((nl ? nl : end) - s));
		s = nl ? nl + 1 : end;
	}
	FUZZ_ASSERT(izin_trust_count(t) <= size / 64);
	izin_trust_free(t);
	key_file((const char *)data, size);
	return 0;
}
