/*
 * Dissecting payloads: every part's place in the bytes and the text on a
 * known permit, each kind of damage, and the keys tried on a seal.
 */
#include <string.h>

#include "check_util.h"
#include "fixture.h"

static izin_seckey *sk;
static izin_trust *trust;
static izin_dissection d;

static void
setup(void)
{
	ck_assert_int_eq(izin_init(), 0);
	sk = gen("KANIM-JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	trust = trust_of(sk);
}

static void
teardown(void)
{
	izin_seckey_free(sk);
	izin_trust_free(trust);
}

/* The typical long permit sealed: 140 body bytes, 309 characters. */
static int
seal_long(char *text)
{
	izin_permit p;
	int field, n;

	fill_long(&p);
	n = izin_seal(sk, &p, text, &field);
	ck_assert_int_eq(n, 309);
	return n;
}

/* "IZ:" and the Base45 of a body with a zero signature after it. */
static size_t
text_of_body(const uint8_t *body, size_t n, char *text)
{
	uint8_t buf[IZIN_SEALED_MAX];

	ck_assert_uint_le(n, IZIN_BODY_MAX);
	memcpy(buf, body, n);
	memset(buf + n, 0, IZIN_SIG_LEN);
	memcpy(text, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_base45_encode(buf, n + IZIN_SIG_LEN, text + IZIN_PREFIX_LEN);
	return strlen(text);
}

/* The typical long permit's body: 140 bytes. */
static int
long_body(uint8_t *body)
{
	izin_permit p;
	izin_pubkey pub;
	int n;

	fill_long(&p);
	izin_seckey_public(sk, &pub);
	n = izin_permit_encode(&p, pub.kid, body);
	ck_assert_int_eq(n, 140);
	return n;
}

static const izin_part *
part(const char *name)
{
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.part[i].name, name) == 0)
			return &d.part[i];
	return NULL;
}

START_TEST(every_part)
{
	static const struct {
		const char *name;
		long off;
		size_t len;
		const char *value;
	} want[] = {
		{ "prefix", -1, 3, "IZ:" },
		{ "version", 0, 1, "1" },
		{ "kid", 1, 2, NULL },
		{ "kind", 3, 1, "ITAS" },
		{ "sex", 3, 1, "M" },
		{ "birth", 4, 2, "1985-03-14" },
		{ "issued", 6, 2, "2026-11-20" },
		{ "valid_from", 8, 2, "2026-11-20" },
		{ "valid_until", 10, 2, "2027-11-19" },
		{ "count", 12, 1, "44" },
		{ "permit", 13, 8, "2C11JB0042-K" },
		{ "index", 21, 4, "E33G" },
		{ "nationality", 25, 2, "NLD" },
		{ "passport", 27, 8, "NX8K2L4P1" },
		{ "office", 33, 10, "KANIM-JKTSEL" },
		{ "name", 43, 31, "Johannes Wilhelm van der Bergh" },
		{ "sponsor", 74, 26, "PT Mitra Teknik Nusantara" },
		{ "address", 100, 40, "Jl. Kemang Raya No. 12, Jakarta Selatan" },
		{ "signature", 140, 64, "Ed25519" },
	};
	char text[IZIN_TEXT_MAX + 1], kid[IZIN_KID_HEXLEN + 1];
	izin_pubkey pub;
	int n = seal_long(text);

	izin_payload_dissect(text, (size_t)n, &d);
	ck_assert_int_eq(d.err, IZIN_OK);
	ck_assert_int_eq(d.field, IZIN_F_NONE);
	ck_assert_uint_eq(d.nbytes, 204);
	ck_assert_uint_eq(d.bodylen, 140);
	ck_assert_uint_eq(d.n, sizeof want / sizeof want[0]);
	izin_seckey_public(sk, &pub);
	izin_kid_format(pub.kid, kid);
	for (size_t i = 0; i < d.n; i++) {
		ck_assert_str_eq(d.part[i].name, want[i].name);
		ck_assert_int_eq(d.part[i].off, want[i].off);
		ck_assert_uint_eq(d.part[i].len, want[i].len);
		ck_assert_str_eq(d.part[i].value, want[i].value ?
		                 want[i].value : kid);
	}
	/* Bytes 2k and 2k+1 are characters 3+3k to 5+3k. */
	ck_assert_uint_eq(part("prefix")->toff, 0);
	ck_assert_uint_eq(part("prefix")->tlen, 3);
	ck_assert_uint_eq(part("version")->toff, 3);
	ck_assert_uint_eq(part("version")->tlen, 3);
	ck_assert_uint_eq(part("kid")->toff, 3);
	ck_assert_uint_eq(part("kid")->tlen, 6);
	ck_assert_uint_eq(part("name")->toff, 3 + 21 * 3);
	ck_assert_uint_eq(part("name")->tlen, (36 - 21 + 1) * 3);
	ck_assert_uint_eq(part("signature")->toff, 3 + 70 * 3);
	ck_assert_uint_eq(part("signature")->tlen, 96);
	ck_assert_mem_eq(d.bytes + 43 + 1, "Johannes", 8);
	ck_assert_str_eq(d.p.name, "Johannes Wilhelm van der Bergh");
}
END_TEST

START_TEST(bad_prefix)
{
	izin_payload_dissect("iz:6601", 7, &d);
	ck_assert_int_eq(d.err, IZIN_EFOREIGN);
	ck_assert_uint_eq(d.toff, 0);
	ck_assert_int_eq(d.off, -1);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(d.stopped, 1);
	izin_payload_dissect("IZX6601", 7, &d);
	ck_assert_int_eq(d.err, IZIN_EFOREIGN);
	ck_assert_uint_eq(d.toff, 2);
	izin_payload_dissect("IZ", 2, &d);
	ck_assert_int_eq(d.err, IZIN_EFOREIGN);
	ck_assert_uint_eq(d.toff, 2);
	izin_payload_dissect("", 0, &d);
	ck_assert_int_eq(d.err, IZIN_EFOREIGN);
}
END_TEST

START_TEST(bad_base45)
{
	char text[IZIN_TEXT_MAX + 2];
	int n = seal_long(text);
	size_t i;

	/* A character outside the alphabet at text offset 50. */
	text[50] = '#';
	izin_payload_dissect(text, (size_t)n, &d);
	ck_assert_int_eq(d.err, IZIN_EBASE45);
	ck_assert_uint_eq(d.toff, 50);
	ck_assert_int_eq(d.off, -1);
	ck_assert_int_eq(d.stopped, 1);
	/* The whole groups before it still read: 15 groups, 30 bytes. */
	ck_assert_uint_eq(d.nbytes, 30);
	ck_assert_ptr_nonnull(part("count"));
	ck_assert_ptr_null(part("name"));
	ck_assert_ptr_null(part("signature"));
	ck_assert_int_eq(d.bodylen, 0);

	/* Lower case is outside it too. */
	seal_long(text);
	for (i = 3; text[i] < 'A' || text[i] > 'Z'; i++)
		;
	text[i] = (char)(text[i] - 'A' + 'a');
	izin_payload_dissect(text, (size_t)n, &d);
	ck_assert_int_eq(d.err, IZIN_EBASE45);
	ck_assert_uint_eq(d.toff, i);

	/* A lone last character: the length is 3k + 1. */
	seal_long(text);
	text[n] = '0';
	text[n + 1] = '\0';
	izin_payload_dissect(text, (size_t)n + 1, &d);
	ck_assert_int_eq(d.err, IZIN_EBASE45);
	ck_assert_uint_eq(d.toff, (size_t)n);

	/* A group above 65535: ":::" is 45^3 - 1. */
	seal_long(text);
	memcpy(text + 6, ":::", 3);
	izin_payload_dissect(text, (size_t)n, &d);
	ck_assert_int_eq(d.err, IZIN_EBASE45);
	ck_assert_uint_eq(d.toff, 6);
	ck_assert_uint_eq(d.nbytes, 2);
	ck_assert_ptr_nonnull(part("version"));
	ck_assert_ptr_null(part("kid"));
}
END_TEST

START_TEST(too_short)
{
	char text[IZIN_TEXT_MAX + 1];
	uint8_t body[IZIN_BODY_MAX];

	/* 30 characters: 20 bytes, no room for a signature. */
	seal_long(text);
	izin_payload_dissect(text, 33, &d);
	ck_assert_int_eq(d.err, IZIN_ETRUNC);
	ck_assert_int_eq(d.stopped, 1);
	ck_assert_int_eq(d.off, 20);
	ck_assert_uint_eq(d.toff, 33);
	ck_assert_uint_eq(d.bodylen, 0);
	ck_assert_ptr_nonnull(part("valid_until"));
	ck_assert_ptr_null(part("signature"));

	/* Only the prefix. */
	izin_payload_dissect("IZ:", 3, &d);
	ck_assert_int_eq(d.err, IZIN_ETRUNC);
	ck_assert_uint_eq(d.n, 1);

	/* A body of 60 bytes: the name's length runs past its end. */
	long_body(body);
	izin_payload_dissect(text, text_of_body(body, 60, text), &d);
	ck_assert_int_eq(d.err, IZIN_ETRUNC);
	ck_assert_int_eq(d.field, IZIN_F_NAME);
	ck_assert_int_eq(d.off, 60);
	ck_assert_int_eq(d.stopped, 1);
	ck_assert_ptr_nonnull(part("office"));
	ck_assert_ptr_null(part("name"));
	ck_assert_ptr_nonnull(part("signature"));
}
END_TEST

START_TEST(bad_values)
{
	char text[IZIN_TEXT_MAX + 1];
	uint8_t body[IZIN_BODY_MAX];
	int n = long_body(body);

	/* Kind 0: the fault, and the reading goes on to the end. */
	body[3] &= ~3;
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_EKIND);
	ck_assert_int_eq(d.field, IZIN_F_KIND);
	ck_assert_int_eq(d.off, 3);
	ck_assert_uint_eq(d.toff, 6);
	ck_assert_int_eq(d.stopped, 0);
	ck_assert_str_eq(part("kind")->value, "?");
	ck_assert_ptr_nonnull(part("address"));
	ck_assert_ptr_nonnull(part("signature"));

	/* Spare bits. */
	long_body(body);
	body[3] |= 0x40;
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_ENONCANON);
	ck_assert_int_eq(d.field, IZIN_F_KIND);

	/* A control character in the name, shown escaped. */
	long_body(body);
	body[44] = 0x01;
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_ECTRL);
	ck_assert_int_eq(d.field, IZIN_F_NAME);
	ck_assert_int_eq(d.off, 43);
	ck_assert_str_eq(part("name")->value,
	                 "\\x01ohannes Wilhelm van der Bergh");

	/* A code group above 63999 in the passport's groups. */
	long_body(body);
	body[29] = 0xff;
	body[30] = 0xff;
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_ENONCANON);
	ck_assert_int_eq(d.off, 29);

	/* An unknown version: nothing past it. */
	long_body(body);
	body[0] = 2;
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_EVERSION);
	ck_assert_int_eq(d.off, 0);
	ck_assert_ptr_null(part("kid"));

	/* Dates in an impossible order: no byte to blame. */
	long_body(body);
	body[4] = 0xff;
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_EORDER);
	ck_assert_int_eq(d.field, IZIN_F_BIRTH);
	ck_assert_int_eq(d.off, -1);
}
END_TEST

START_TEST(lengths)
{
	char text[IZIN_TEXT_MAX + 1], big[IZIN_TEXT_MAX + 3];
	uint8_t body[IZIN_BODY_MAX + 4];
	int n = long_body(body);

	/* A name's length over its limit whose bytes are there. */
	memmove(body + 43 + 1 + 100, body + 43 + 1 + 30, (size_t)n - 74);
	memset(body + 43 + 1 + 30, 'x', 70);
	body[43] = 100;
	izin_payload_dissect(text, text_of_body(body, (size_t)n + 70, text),
	                     &d);
	ck_assert_int_eq(d.err, IZIN_ELENGTH);
	ck_assert_int_eq(d.field, IZIN_F_NAME);
	ck_assert_int_eq(d.off, 43);
	ck_assert_ptr_nonnull(part("address"));

	/* Two bytes after the address. */
	n = long_body(body);
	body[n] = 7;
	body[n + 1] = 7;
	izin_payload_dissect(text, text_of_body(body, (size_t)n + 2, text),
	                     &d);
	ck_assert_int_eq(d.err, IZIN_ETRAILING);
	ck_assert_int_eq(d.off, 140);
	ck_assert_int_eq(part("trailing")->off, 140);
	ck_assert_uint_eq(part("trailing")->len, 2);

	/* Longer than any permit. */
	memset(big, '0', sizeof big);
	memcpy(big, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_payload_dissect(big, IZIN_TEXT_MAX, &d);
	ck_assert_int_ne(d.err, IZIN_ETRAILING);
	izin_payload_dissect(big, sizeof big, &d);
	ck_assert_int_eq(d.err, IZIN_ETRAILING);
	ck_assert_int_eq(d.stopped, 1);
}
END_TEST

START_TEST(keys_tried)
{
	char text[IZIN_TEXT_MAX + 1];
	uint8_t body[IZIN_BODY_MAX];
	izin_keytry tries[4];
	izin_trust *empty = izin_trust_new();
	izin_pubkey pub;
	int n = seal_long(text);

	izin_payload_dissect(text, (size_t)n, &d);
	ck_assert_int_eq(izin_payload_try_keys(trust, &d, tries, 4), 1);
	ck_assert_int_eq(tries[0].verdict, IZIN_OK);
	ck_assert_ptr_eq(tries[0].key, izin_trust_key(trust, 0));
	ck_assert_int_eq(izin_payload_try_keys(empty, &d, tries, 4), 0);

	/* The same key with a window that misses the issue date, tried
	 * after the first. */
	izin_seckey_public(sk, &pub);
	pub.valid_until = ymd(2025, 12, 31);
	ck_assert_int_eq(izin_trust_add(empty, &pub), IZIN_OK);
	ck_assert_int_eq(izin_payload_try_keys(empty, &d, tries, 4), 1);
	ck_assert_int_eq(tries[0].verdict, IZIN_EKEYWINDOW);
	ck_assert_int_eq(izin_trust_add(trust, &pub), IZIN_OK);
	ck_assert_int_eq(izin_payload_try_keys(trust, &d, tries, 4), 2);
	ck_assert_int_eq(tries[0].verdict, IZIN_OK);
	ck_assert_int_eq(tries[1].verdict, IZIN_EKEYWINDOW);
	izin_trust_free(empty);

	/* A zero signature. */
	n = long_body(body);
	izin_payload_dissect(text, text_of_body(body, (size_t)n, text), &d);
	ck_assert_int_eq(d.err, IZIN_OK);
	ck_assert_int_eq(izin_payload_try_keys(trust, &d, tries, 4), 2);
	ck_assert_int_eq(tries[0].verdict, IZIN_EBADSIG);

	/* Nothing to try on a payload that does not decode. */
	izin_payload_dissect("IZ:", 3, &d);
	ck_assert_int_eq(izin_payload_try_keys(trust, &d, tries, 4),
	                 IZIN_EINVAL);
}
END_TEST

Suite *
inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("inspect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_part);
	tcase_add_test(tc, bad_prefix);
	tcase_add_test(tc, bad_base45);
	tcase_add_test(tc, too_short);
	tcase_add_test(tc, bad_values);
	tcase_add_test(tc, lengths);
	tcase_add_test(tc, keys_tried);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(inspect_suite)
