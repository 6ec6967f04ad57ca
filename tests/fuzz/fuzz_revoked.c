/*
 * fuzz_revoked - signed lists and revocation lists.  The first input
 * byte picks a mode: 0 takes the rest as a signed list as it came (so
 * the signature line's parser is fuzzed, and nothing forged verifies);
 * 1 signs the rest as a list body with the fixed key first, so that the
 * revocation-list line parser behind the signature is reached; 2 signs
 * it as a list of another kind, which must be refused as such.  Every
 * line also goes through izin_revoked_check_line().
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

static izin_seckey *sk;
static izin_trust *trust;
static izin_pubkey pub;
static izin_date signed_on;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixed_key(&sk, &trust);
	izin_seckey_public(sk, &pub);
	signed_on = izin_date_from_ymd(2026, 11, 20);
	return 0;
}

/* Check each line of s (len bytes) as a revocation line; returns how
 * many there are. */
static unsigned long
lines(const char *s, size_t len)
{
	const char *end = s + len, *nl;
	unsigned long n = 0;
	int innote;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		(void)izin_revoked_check_line(s, (size_t)((nl ? nl : end) - s),
		    &innote);
		FUZZ_ASSERT(innote == 0 || innote == 1);
		n++;
		s = nl ? nl + 1 : end;
	}
	return n;
}

/* Line number `want` (1 is the first) of text. */
static const char *
nth_line(const char *s, size_t len, unsigned long want, size_t *n)
{
	const char *end = s + len, *nl;

	for (;;) {
		nl = memchr(s, '\n', (size_t)(end - s));
		FUZZ_ASSERT(nl != NULL);
		if (--want == 0) {
			*n = (size_t)(nl - s);
			return s;
		}
		s = nl + 1;
	}
}

/* A list that verified as signed: load it and check what was added. */
static void
load(const char *text, size_t len, size_t bodylen)
{
	izin_revoked *r;
	unsigned long line = 99, nlines;
	const char *s, *end = text + bodylen, *nl, *sp;
	char permit[IZIN_PERMIT_MAX + 1];
	size_t n, count;
	int err, innote;

	nlines = lines(text, bodylen);
	FUZZ_ASSERT((r = izin_revoked_new()) != NULL);
	err = izin_revoked_load(r, trust, text, len, &line);
	if (err != IZIN_OK) {
		/* Only a bad line can fail a list that verifies. */
		FUZZ_ASSERT(err == IZIN_ELIST && line >= 1 && line <= nlines);
		FUZZ_ASSERT(izin_revoked_count(r) == 0);
		s = nth_line(text, bodylen, line, &n);
		FUZZ_ASSERT(izin_revoked_check_line(s, n, &innote) != IZIN_OK);
		izin_revoked_free(r);
		return;
	}
	FUZZ_ASSERT(line == 0);
	count = izin_revoked_count(r);
	FUZZ_ASSERT(count <= nlines);
	/* Every number listed is found, with the note of its last line. */
	for (s = text; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		n = (size_t)(nl - s);
		if (n > 0 && s[0] == '#')
			continue;
		sp = memchr(s, ' ', n);
		FUZZ_ASSERT((size_t)((sp ? sp : nl) - s) <= IZIN_PERMIT_MAX);
		memcpy(permit, s, (size_t)((sp ? sp : nl) - s));
		permit[(sp ? sp : nl) - s] = '\0';
		FUZZ_ASSERT(izin_revoked_find(r, permit) != NULL);
	}
	/* A second load of the same list adds nothing new. */
	FUZZ_ASSERT(izin_revoked_load(r, trust, text, len, &line) == IZIN_OK);
	FUZZ_ASSERT(izin_revoked_count(r) == count);
	izin_revoked_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data + 1;
	size_t len = size - 1, bodylen = (size_t)-1, outlen;
	uint8_t kid[IZIN_KID_LEN];
	izin_date date;
	char *out;
	int err;

	if (size < 1)
		return 0;
	(void)lines(body, len);
	switch (data[0] % 3) {
	case 0:
		err = izin_list_verify(trust, IZIN_REVOKED_KIND, body, len,
		    &bodylen, &date, kid);
		/* Nothing the fuzzer makes carries our signature, except a
		 * seed that was signed as it stands. */
		if (err == IZIN_OK) {
			/* Signing is deterministic: the list is the one our
			 * key writes, its final newline optional. */
			FUZZ_ASSERT(bodylen < len);
			FUZZ_ASSERT(memcmp(kid, pub.kid, IZIN_KID_LEN) == 0);
			FUZZ_ASSERT(izin_list_sign(sk, IZIN_REVOKED_KIND, date,
			    body, bodylen, &out, &outlen) == IZIN_OK);
			FUZZ_ASSERT((outlen == len || outlen == len + 1) &&
			    memcmp(out, body, len) == 0);
			free(out);
			load(body, len, bodylen);
		} else {
			izin_revoked *r = izin_revoked_new();
			unsigned long line;
			FUZZ_ASSERT(r != NULL);
			FUZZ_ASSERT(izin_revoked_load(r, trust, body, len,
			    &line) == err && izin_revoked_count(r) == 0);
			izin_revoked_free(r);
		}
		break;
	case 1:
		err = izin_list_sign(sk, IZIN_REVOKED_KIND, signed_on, body,
		    len, &out, &outlen);
		if (err != IZIN_OK) {
			FUZZ_ASSERT(err == IZIN_ELIST && out == NULL);
			break;
		}
		FUZZ_ASSERT(outlen > len && memcmp(out, body, len) == 0);
		FUZZ_ASSERT(izin_list_verify(trust, IZIN_REVOKED_KIND, out,
		    outlen, &bodylen, &date, kid) == IZIN_OK);
		FUZZ_ASSERT(bodylen == len && date == signed_on &&
		    memcmp(kid, pub.kid, IZIN_KID_LEN) == 0);
		/* Without its final newline too. */
		FUZZ_ASSERT(izin_list_verify(trust, IZIN_REVOKED_KIND, out,
		    outlen - 1, &bodylen, NULL, NULL) == IZIN_OK);
		load(out, outlen, len);
		free(out);
		break;
	default:
		err = izin_list_sign(sk, "trust", signed_on, body, len, &out,
		    &outlen);
		if (err != IZIN_OK)
			break;
		FUZZ_ASSERT(izin_list_verify(trust, IZIN_REVOKED_KIND, out,
		    outlen, NULL, NULL, NULL) == IZIN_ELISTKIND);
		free(out);
		break;
	}
	return 0;
}
