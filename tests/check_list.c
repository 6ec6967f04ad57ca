/*
 * Signed lists: lines closed by "signature KIND DATE KID BASE64".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "fixture.h"
#include "izin_internal.h"

#define BODY "2C11JB0042-K\n2C11JB0043-K\n# withdrawn 2026-03-01\n" \
             "2C11JB0044-K\n"
#define NLINES 4

static izin_seckey *sk;
static izin_pubkey pub;
static izin_trust *trust;
static char *text;              /* BODY signed as "revoked" on 2026-03-01 */
static size_t textlen;

static void
setup(void)
{
	char hex[IZIN_KID_HEXLEN + 1];
	int rc;

	ck_assert_int_eq(izin_init(), IZIN_OK);
	/* A key id with a letter in it, so that its case can be changed,
	 * and a signature with a '/' in it (signatures are deterministic). */
	for (;;) {
		sk = gen_default();
		izin_seckey_public(sk, &pub);
		izin_kid_format(pub.kid, hex);
		rc = izin_list_sign(sk, "revoked", ymd(2026, 3, 1), BODY,
		    strlen(BODY), &text, &textlen);
		ck_assert_msg(rc == IZIN_OK, "izin_list_sign: %s",
		    izin_strerror(rc));
		if (strpbrk(hex, "abcdef") &&
		    memchr(text + strlen(BODY), '/', textlen - strlen(BODY)))
			break;
		free(text);
		izin_seckey_free(sk);
	}
	trust = trust_of(sk);
}

static void
teardown(void)
{
	free(text);
	izin_trust_free(trust);
	izin_seckey_free(sk);
}

static int
verify(const char *kind, const char *t, size_t len)
{
	return izin_list_verify(trust, kind, t, len, NULL, NULL, NULL);
}

/* The signature line of text, NUL-ended, into buf. */
static const char *
sigline(char *buf, size_t size)
{
	size_t n = textlen - strlen(BODY);

	ck_assert_uint_lt(n, size);
	memcpy(buf, text + strlen(BODY), n);
	buf[n] = '\0';
	return buf;
}

/* BODY with sig after it into buf; its length. */
static size_t
with_sig(char *buf, size_t size, const char *body, const char *sig)
{
	int n = snprintf(buf, size, "%s%s", body, sig);

	ck_assert_int_lt(n, (int)size);
	return (size_t)n;
}

START_TEST(test_sign_verify)
{
	char hex[IZIN_KID_HEXLEN + 1], want[64], sig[256];
	size_t bodylen = 0;
	izin_date date = 0;
	uint8_t kid[IZIN_KID_LEN] = { 0 };

	ck_assert_uint_gt(textlen, strlen(BODY));
	ck_assert_mem_eq(text, BODY, strlen(BODY));
	izin_kid_format(pub.kid, hex);
	snprintf(want, sizeof want, "signature revoked 2026-03-01 %s ", hex);
	sigline(sig, sizeof sig);
	ck_assert_int_eq(strncmp(sig, want, strlen(want)), 0);
	ck_assert_int_eq(sig[strlen(sig) - 1], '\n');
	ck_assert_ptr_eq(strchr(sig, '\n'), sig + strlen(sig) - 1);

	ck_assert_int_eq(izin_list_verify(trust, "revoked", text, textlen,
	    &bodylen, &date, kid), IZIN_OK);
	ck_assert_uint_eq(bodylen, strlen(BODY));
	ck_assert_int_eq(date, ymd(2026, 3, 1));
	ck_assert_mem_eq(kid, pub.kid, IZIN_KID_LEN);
	ck_assert_int_eq(verify("revoked", text, textlen), IZIN_OK);
}
END_TEST

/* Signing twice, on two days, gives two lists that both verify. */
START_TEST(test_dates)
{
	char *t2;
	size_t len2;
	izin_date date;

	ck_assert_int_eq(izin_list_sign(sk, "revoked", ymd(2026, 3, 2), BODY,
	    strlen(BODY), &t2, &len2), IZIN_OK);
	ck_assert_uint_eq(len2, textlen);
	ck_assert_int_ne(memcmp(t2, text, textlen), 0);
	ck_assert_int_eq(izin_list_verify(trust, "revoked", t2, len2, NULL,
	    &date, NULL), IZIN_OK);
	ck_assert_int_eq(date, ymd(2026, 3, 2));
	free(t2);
}
END_TEST

/*
 * Every single-byte change of text from byte from to byte to is refused
 * (what names the part in a failure).  The loops test with if and fail
 * with ck_abort_msg(): Check records each passing ck_assert through a
 * system call.
 */
static void
every_byte(size_t from, size_t to, const char *what)
{
	char *edit = malloc(textlen);
	size_t n = 0;

	ck_assert_ptr_nonnull(edit);
	for (size_t pos = from; pos < to; pos++) {
		for (int c = 0; c < 256; c++) {
			if (c == (unsigned char)text[pos])
				continue;
			memcpy(edit, text, textlen);
			edit[pos] = (char)c;
			if (verify("revoked", edit, textlen) == IZIN_OK)
				ck_abort_msg("%s byte %zu '%c' -> 0x%02x "
				    "verifies", what, pos - from, text[pos],
				    c);
			n++;
		}
	}
	ck_assert_uint_eq(n, (to - from) * 255);
	free(edit);
}

START_TEST(test_body_every_byte)
{
	every_byte(0, strlen(BODY), "body");
}
END_TEST

/* The signature line, too: kind, date, key id and signature as written
 * (the "signed as written" promise of lib/list.c). */
START_TEST(test_sigline_every_byte)
{
	every_byte(strlen(BODY), textlen, "signature line");
}
END_TEST

/* The key id in upper case is another text: it must not verify (a key
 * line in a trust store with it is refused as malformed). */
START_TEST(test_kid_case)
{
	char sig[256], buf[1024];
	char *kid;
	size_t len;

	sigline(sig, sizeof sig);
	kid = sig + strlen("signature revoked 2026-03-01 ");
	for (int i = 0; i < IZIN_KID_HEXLEN; i++)
		if (kid[i] >= 'a' && kid[i] <= 'f')
			kid[i] = (char)(kid[i] - 'a' + 'A');
	len = with_sig(buf, sizeof buf, BODY, sig);
	ck_assert_int_ne(memcmp(buf, text, textlen), 0);
	ck_assert_msg(verify("revoked", buf, len) != IZIN_OK,
	    "upper-case key id verifies: %.*s", (int)strcspn(sig, "\n"), sig);
}
END_TEST

/* Only the 64 Base64 characters spell the signature: libsodium 1.0.18's
 * decoder takes any byte from 0x80 up for '/', so the text must be
 * checked as key.c checks it, by encoding the bytes again. */
START_TEST(test_sig_high_byte)
{
	char sig[256], buf[1024], *slash;
	size_t len;

	sigline(sig, sizeof sig);
	slash = strchr(sig + strlen("signature revoked 2026-03-01 abcd "),
	    '/');
	ck_assert_ptr_nonnull(slash);
	*slash = (char)0xaf;
	len = with_sig(buf, sizeof buf, BODY, sig);
	ck_assert_uint_eq(len, textlen);
	ck_assert_msg(verify("revoked", buf, len) != IZIN_OK,
	    "a signature with byte 0xaf for '/' verifies");
}
END_TEST

/* Split BODY into its lines. */
static void
body_lines(char lines[NLINES][64])
{
	const char *s = BODY;

	for (int i = 0; i < NLINES; i++) {
		const char *nl = strchr(s, '\n');
		snprintf(lines[i], 64, "%.*s", (int)(nl - s + 1), s);
		s = nl + 1;
	}
	ck_assert_int_eq(*s, '\0');
}

START_TEST(test_lines_moved)
{
	char lines[NLINES][64], body[512], sig[256], buf[1024];
	size_t len;
	int n = 0;

	body_lines(lines);
	sigline(sig, sizeof sig);
	/* Each line removed. */
	for (int i = 0; i < NLINES; i++) {
		body[0] = '\0';
		for (int j = 0; j < NLINES; j++)
			if (j != i)
				strcat(body, lines[j]);
		len = with_sig(buf, sizeof buf, body, sig);
		ck_assert_msg(verify("revoked", buf, len) != IZIN_OK,
		    "line %d removed", i + 1);
		n++;
	}
	/* A line added at each place, a blank one too. */
	for (int i = 0; i <= NLINES; i++) {
		for (int k = 0; k < 2; k++) {
			const char *add = k ? "\n" : "2C11JB0045-K\n";
			body[0] = '\0';
			for (int j = 0; j < NLINES; j++) {
				if (j == i)
					strcat(body, add);
				strcat(body, lines[j]);
			}
			if (i == NLINES)
				strcat(body, add);
			len = with_sig(buf, sizeof buf, body, sig);
			ck_assert_msg(verify("revoked", buf, len) != IZIN_OK,
			    "line added at %d", i + 1);
			n++;
		}
	}
	/* Each line repeated. */
	for (int i = 0; i < NLINES; i++) {
		body[0] = '\0';
		for (int j = 0; j < NLINES; j++) {
			strcat(body, lines[j]);
			if (j == i)
				strcat(body, lines[j]);
		}
		len = with_sig(buf, sizeof buf, body, sig);
		ck_assert_msg(verify("revoked", buf, len) != IZIN_OK,
		    "line %d repeated", i + 1);
		n++;
	}
	/* Any two lines swapped. */
	for (int a = 0; a < NLINES; a++) {
		for (int b = a + 1; b < NLINES; b++) {
			body[0] = '\0';
			for (int j = 0; j < NLINES; j++) {
				int from = j == a ? b : j == b ? a : j;
				strcat(body, lines[from]);
			}
			len = with_sig(buf, sizeof buf, body, sig);
			ck_assert_msg(verify("revoked", buf, len) != IZIN_OK,
			    "lines %d and %d swapped", a + 1, b + 1);
			n++;
		}
	}
	/* The unchanged lines through the same code do verify. */
	body[0] = '\0';
	for (int j = 0; j < NLINES; j++)
		strcat(body, lines[j]);
	len = with_sig(buf, sizeof buf, body, sig);
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_OK);
	ck_assert_int_eq(n, NLINES + 2 * (NLINES + 1) + NLINES +
	    NLINES * (NLINES - 1) / 2);
}
END_TEST

/* Replace the word at index w (0 is "signature") of the signature line. */
static size_t
edit_word(char *buf, size_t size, int w, const char *word)
{
	char sig[256], out[256];
	char *words[6], *save = NULL;
	int n = 0;

	sigline(sig, sizeof sig);
	sig[strlen(sig) - 1] = '\0';
	for (char *p = strtok_r(sig, " ", &save); p && n < 6;
	     p = strtok_r(NULL, " ", &save))
		words[n++] = p;
	ck_assert_int_eq(n, 5);
	words[w] = (char *)word;
	snprintf(out, sizeof out, "%s %s %s %s %s\n", words[0], words[1],
	    words[2], words[3], words[4]);
	return with_sig(buf, size, BODY, out);
}

START_TEST(test_sigline_edits)
{
	char buf[1024];
	size_t len;

	/* The same line rebuilt verifies, so the edits test what they say. */
	len = edit_word(buf, sizeof buf, 1, "revoked");
	ck_assert_uint_eq(len, textlen);
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_OK);

	len = edit_word(buf, sizeof buf, 2, "2026-03-02");
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_EBADSIG);
	len = edit_word(buf, sizeof buf, 2, "2026-02-28");
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_EBADSIG);
	len = edit_word(buf, sizeof buf, 2, "2019-12-31");
	ck_assert_int_ne(verify("revoked", buf, len), IZIN_OK);
	len = edit_word(buf, sizeof buf, 2, "2026-02-30");
	ck_assert_int_ne(verify("revoked", buf, len), IZIN_OK);
	len = edit_word(buf, sizeof buf, 2, "2026-3-01");
	ck_assert_int_ne(verify("revoked", buf, len), IZIN_OK);

	len = edit_word(buf, sizeof buf, 1, "trust");
	ck_assert_int_eq(verify("trust", buf, len), IZIN_EBADSIG);
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_ELISTKIND);
	len = edit_word(buf, sizeof buf, 1, "revokes");
	ck_assert_int_eq(verify("revokes", buf, len), IZIN_EBADSIG);
	len = edit_word(buf, sizeof buf, 1, "Revoked");
	ck_assert_int_ne(verify("Revoked", buf, len), IZIN_OK);
	ck_assert_int_ne(verify("revoked", buf, len), IZIN_OK);

	len = edit_word(buf, sizeof buf, 0, "Signature");
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_EUNSIGNED);
}
END_TEST

START_TEST(test_wrong_kind)
{
	ck_assert_int_eq(verify("trust", text, textlen), IZIN_ELISTKIND);
	ck_assert_int_eq(verify("revoke", text, textlen), IZIN_ELISTKIND);
	ck_assert_int_eq(verify("revoked2", text, textlen), IZIN_ELISTKIND);
}
END_TEST

START_TEST(test_unsigned)
{
	char buf[1024];
	size_t len;

	ck_assert_int_eq(verify("revoked", BODY, strlen(BODY)),
	    IZIN_EUNSIGNED);
	ck_assert_int_eq(verify("revoked", "", 0), IZIN_EUNSIGNED);
	ck_assert_int_eq(verify("revoked", "\n", 1), IZIN_EUNSIGNED);
	/* The signature line must be the last. */
	len = with_sig(buf, sizeof buf, text, "2C11JB0045-K\n");
	ck_assert_int_eq(verify("revoked", buf, len), IZIN_EUNSIGNED);
	len = with_sig(buf, sizeof buf, text, "\n");
	ck_assert_int_ne(verify("revoked", buf, len), IZIN_OK);
}
END_TEST

START_TEST(test_unknown_key)
{
	izin_seckey *other;
	izin_pubkey opub;
	char *t2;
	size_t len2;

	do {
		other = gen_default();
		izin_seckey_public(other, &opub);
		if (memcmp(opub.kid, pub.kid, IZIN_KID_LEN) != 0)
			break;
		izin_seckey_free(other);
	} while (1);
	ck_assert_int_eq(izin_list_sign(other, "revoked", ymd(2026, 3, 1),
	    BODY, strlen(BODY), &t2, &len2), IZIN_OK);
	ck_assert_int_eq(verify("revoked", t2, len2), IZIN_EUNKNOWNKEY);
	ck_assert_int_eq(izin_trust_add(trust, &opub), IZIN_OK);
	ck_assert_int_eq(verify("revoked", t2, len2), IZIN_OK);
	free(t2);
	izin_seckey_free(other);
}
END_TEST

START_TEST(test_sign_window)
{
	char *t2 = (char *)&t2;
	size_t len2;
	izin_date date;

	ck_assert_int_eq(izin_list_sign(sk, "revoked", ymd(2019, 12, 31),
	    BODY, strlen(BODY), &t2, &len2), IZIN_EKEYWINDOW);
	ck_assert_ptr_null(t2);
	ck_assert_int_eq(izin_list_sign(sk, "revoked", ymd(2100, 1, 1),
	    BODY, strlen(BODY), &t2, &len2), IZIN_EKEYWINDOW);
	ck_assert_ptr_null(t2);
	ck_assert_int_eq(izin_list_sign(sk, "revoked", IZIN_NODATE,
	    BODY, strlen(BODY), &t2, &len2), IZIN_EINVAL);
	ck_assert_ptr_null(t2);

	ck_assert_int_eq(izin_list_sign(sk, "revoked", ymd(2020, 1, 1),
	    BODY, strlen(BODY), &t2, &len2), IZIN_OK);
	ck_assert_int_eq(izin_list_verify(trust, "revoked", t2, len2, NULL,
	    &date, NULL), IZIN_OK);
	ck_assert_int_eq(date, ymd(2020, 1, 1));
	free(t2);
	ck_assert_int_eq(izin_list_sign(sk, "revoked", ymd(2099, 12, 31),
	    BODY, strlen(BODY), &t2, &len2), IZIN_OK);
	ck_assert_int_eq(izin_list_verify(trust, "revoked", t2, len2, NULL,
	    &date, NULL), IZIN_OK);
	ck_assert_int_eq(date, ymd(2099, 12, 31));
	free(t2);
}
END_TEST

/* A store entry whose window leaves out the signing date. */
START_TEST(test_verify_window)
{
	izin_trust *t = izin_trust_new();
	izin_pubkey narrow = pub;

	narrow.valid_until = ymd(2026, 2, 28);
	ck_assert_int_eq(izin_trust_add(t, &narrow), IZIN_OK);
	ck_assert_int_eq(izin_list_verify(t, "revoked", text, textlen, NULL,
	    NULL, NULL), IZIN_EKEYWINDOW);
	izin_trust_free(t);
	t = izin_trust_new();
	narrow = pub;
	narrow.valid_from = ymd(2026, 3, 2);
	ck_assert_int_eq(izin_trust_add(t, &narrow), IZIN_OK);
	ck_assert_int_eq(izin_list_verify(t, "revoked", text, textlen, NULL,
	    NULL, NULL), IZIN_EKEYWINDOW);
	izin_trust_free(t);
}
END_TEST

static const struct {
	const char *body;
	size_t len;
} bad_body[] = {
#define B(s) { s, sizeof s - 1 }
	B("signature revoked 2026-03-01 abcd xyz\n"),
	B("2C11JB0042-K\nsignature revoked 2026-03-01 abcd xyz\n"),
	B("2C11JB0042-K\nsignature \n2C11JB0043-K\n"),
	B("signature x\n"),
	B("2C11JB0042-K\r\n"),
	B("2C11JB0042-K\r2C11JB0043-K\n"),
	B("\r\n"),
	B("2C11JB0042-K\n2C11JB0043-K"),
	B("2C11JB0042-K"),
	B("x"),
	B("2C11JB\0" "0042-K\n"),
	B("\0\n"),
#undef B
};

START_TEST(test_bad_body)
{
	char *t2 = (char *)&t2;
	size_t len2;

	ck_assert_msg(izin_list_sign(sk, "revoked", ymd(2026, 3, 1),
	    bad_body[_i].body, bad_body[_i].len, &t2, &len2) == IZIN_ELIST,
	    "bad_body[%d] signed", _i);
	ck_assert_ptr_null(t2);
}
END_TEST

/* Lines that only look like a signature line are fine. */
START_TEST(test_good_body)
{
	static const char *const good[] = {
		"signature\n", "signatures\n", " signature x\n",
		"Signature x\n", "\n", "\n\n\n", "x\n", "a\tb\n",
		"Ana María Souza\n",
	};
	char *t2;
	size_t len2, bodylen;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ck_assert_msg(izin_list_sign(sk, "revoked", ymd(2026, 3, 1),
		    good[i], strlen(good[i]), &t2, &len2) == IZIN_OK,
		    "good[%zu] refused", i);
		ck_assert_int_eq(izin_list_verify(trust, "revoked", t2, len2,
		    &bodylen, NULL, NULL), IZIN_OK);
		ck_assert_uint_eq(bodylen, strlen(good[i]));
		ck_assert_mem_eq(t2, good[i], bodylen);
		free(t2);
	}
}
END_TEST

/* Two signed lists one after the other are not one list: the first
 * signature line sits among the lines of the second. */
START_TEST(test_concatenated)
{
	char *buf = malloc(2 * textlen);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, textlen);
	memcpy(buf + textlen, text, textlen);
	ck_assert_int_eq(verify("revoked", buf, 2 * textlen), IZIN_ELIST);
	free(buf);
}
END_TEST

/* A CR in the lines of a received list is refused as malformed. */
START_TEST(test_bad_received)
{
	char *buf = malloc(textlen + 1);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, textlen);
	buf[strlen("2C11JB0042-K")] = '\r';
	ck_assert_int_eq(verify("revoked", buf, textlen), IZIN_ELIST);
	buf[strlen("2C11JB0042-K")] = '\0';
	ck_assert_int_eq(verify("revoked", buf, textlen), IZIN_ELIST);
	free(buf);
}
END_TEST

START_TEST(test_empty_body)
{
	char *t2, hex[IZIN_KID_HEXLEN + 1], want[64];
	size_t len2, bodylen = 99;
	izin_date date;
	uint8_t kid[IZIN_KID_LEN];

	ck_assert_int_eq(izin_list_sign(sk, "revoked", ymd(2026, 3, 1), "", 0,
	    &t2, &len2), IZIN_OK);
	izin_kid_format(pub.kid, hex);
	snprintf(want, sizeof want, "signature revoked 2026-03-01 %s ", hex);
	ck_assert_uint_gt(len2, strlen(want));
	ck_assert_mem_eq(t2, want, strlen(want));
	ck_assert_ptr_eq(memchr(t2, '\n', len2), t2 + len2 - 1);
	ck_assert_int_eq(izin_list_verify(trust, "revoked", t2, len2, &bodylen,
	    &date, kid), IZIN_OK);
	ck_assert_uint_eq(bodylen, 0);
	ck_assert_int_eq(date, ymd(2026, 3, 1));
	ck_assert_mem_eq(kid, pub.kid, IZIN_KID_LEN);
	ck_assert_int_eq(izin_list_verify(trust, "revoked", t2, len2 - 1,
	    &bodylen, NULL, NULL), IZIN_OK);
	ck_assert_int_eq(verify("trust", t2, len2), IZIN_ELISTKIND);
	free(t2);
}
END_TEST

START_TEST(test_no_final_newline)
{
	size_t bodylen = 0;
	izin_date date = 0;

	ck_assert_int_eq(text[textlen - 1], '\n');
	ck_assert_int_eq(izin_list_verify(trust, "revoked", text, textlen - 1,
	    &bodylen, &date, NULL), IZIN_OK);
	ck_assert_uint_eq(bodylen, strlen(BODY));
	ck_assert_int_eq(date, ymd(2026, 3, 1));
	/* len counts: one byte short of that is a changed signature. */
	ck_assert_int_ne(verify("revoked", text, textlen - 2), IZIN_OK);
}
END_TEST

START_TEST(test_bad_kind)
{
	static const char *const kinds[] = {
		"", "Revoked", "re voked", "revoked\n", "revoked_2", "trust.d",
		"abcdefghijklmnopqrstuvwxyzabcdefg",
	};
	char *t2;
	size_t len2;

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		t2 = (char *)&t2;
		ck_assert_msg(izin_list_sign(sk, kinds[i], ymd(2026, 3, 1),
		    BODY, strlen(BODY), &t2, &len2) < 0, "kind \"%s\"",
		    kinds[i]);
		ck_assert_ptr_null(t2);
	}
	ck_assert_int_eq(izin_list_sign(sk, "trust-2", ymd(2026, 3, 1),
	    BODY, strlen(BODY), &t2, &len2), IZIN_OK);
	ck_assert_int_eq(verify("trust-2", t2, len2), IZIN_OK);
	free(t2);
}
END_TEST

static Suite *
list_suite(void)
{
	Suite *s = suite_create("list");
	TCase *tc;

	tc = tcase_create("sign and verify");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sign_verify);
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_wrong_kind);
	tcase_add_test(tc, test_unsigned);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_sign_window);
	tcase_add_test(tc, test_verify_window);
	tcase_add_loop_test(tc, test_bad_body, 0,
	    sizeof bad_body / sizeof bad_body[0]);
	tcase_add_test(tc, test_good_body);
	tcase_add_test(tc, test_bad_kind);
	tcase_add_test(tc, test_empty_body);
	tcase_add_test(tc, test_no_final_newline);
	suite_add_tcase(s, tc);

	tc = tcase_create("tampering");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_body_every_byte);
	tcase_add_test(tc, test_sigline_every_byte);
	tcase_add_test(tc, test_kid_case);
	tcase_add_test(tc, test_sig_high_byte);
	tcase_add_test(tc, test_lines_moved);
	tcase_add_test(tc, test_sigline_edits);
	tcase_add_test(tc, test_concatenated);
	tcase_add_test(tc, test_bad_received);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(list_suite)
