/*
 * Sealing and opening: signatures, key ids, windows, the text form.
 */
#include <string.h>

#include <qrencode.h>

#include "check_util.h"
#include "fixture.h"
#include "izin_internal.h"
#include "permit_gen.h"

static izin_seckey *sk;
static izin_trust *trust;
static izin_date from, until;

static void
setup(void)
{
	ck_assert_int_eq(izin_init(), 0);
	from = ymd(2020, 1, 1);
	until = ymd(2030, 12, 31);
	sk = gen("KANIM-JKTSEL", from, until);
	trust = trust_of(sk);
}

static void
teardown(void)
{
	izin_seckey_free(sk);
	izin_trust_free(trust);
}

static int
seal_typical(char *text, izin_permit *p)
{
	int field, n;
	fill_long(p);
	n = izin_seal(sk, p, text, &field);
	ck_assert_int_gt(n, 0);
	return n;
}

static int
open_text(const char *text, size_t len, int *field)
{
	izin_permit q;
	return izin_open(trust, text, len, &q, NULL, field);
}

START_TEST(seal_open)
{
	char text[IZIN_TEXT_MAX + 1];
	izin_permit p, q;
	uint8_t kid[IZIN_KID_LEN];
	izin_pubkey pub;
	int field, n = seal_typical(text, &p);

	ck_assert_int_eq((int)strlen(text), n);
	ck_assert_mem_eq(text, IZIN_PREFIX, IZIN_PREFIX_LEN);
	ck_assert_int_eq(izin_open(trust, text, (size_t)n, &q, kid, &field), 0);
	ck_assert_mem_eq(&p, &q, sizeof p);
	izin_seckey_public(sk, &pub);
	ck_assert_mem_eq(kid, pub.kid, IZIN_KID_LEN);
	/* Only QR alphanumeric characters: the code stays in that mode. */
	ck_assert_uint_eq(strspn(text, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                               " $%*+-./:"), (size_t)n);
}
END_TEST

START_TEST(typical_fits_version_10_m)
{
	char text[IZIN_TEXT_MAX + 1];
	izin_permit p;
	QRcode *qr;

	seal_typical(text, &p);
	ck_assert_uint_eq(strlen(p.name), 30);
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	ck_assert_ptr_nonnull(qr);
	ck_assert_int_le(qr->version, 10);
	QRcode_free(qr);
}
END_TEST

START_TEST(random_seal_open)
{
	char text[IZIN_TEXT_MAX + 1];
	izin_permit p, q;
	int field;

	for (int i = 0; i < 10000; i++) {
		int n;
		gen_permit(&p, "KANIM-JKTSEL", from, until);
		n = izin_seal(sk, &p, text, &field);
		if (n <= 0 || n > IZIN_TEXT_MAX)
			ck_abort_msg("permit %d: seal gave %d", i, n);
		if (izin_open(trust, text, (size_t)n, &q, NULL, &field) != 0)
			ck_abort_msg("permit %d: open failed", i);
		if (memcmp(&p, &q, sizeof p) != 0)
			ck_abort_msg("permit %d: opened permit differs", i);
	}
}
END_TEST

/* The typical permit sealed into text, and the bytes it spells into
 * raw (*n of them); the text's length. */
static int
seal_raw(char text[IZIN_TEXT_MAX + 1], uint8_t raw[IZIN_SEALED_MAX + 2],
         size_t *n)
{
	int len = seal_typical(text, &(izin_permit){ 0 });

	ck_assert_int_eq(izin_base45_decode(text + IZIN_PREFIX_LEN,
	                                    (size_t)len - IZIN_PREFIX_LEN, raw,
	                                    n), 0);
	return len;
}

/* What open_text makes of the text that spells raw's first n bytes. */
static int
open_raw(const uint8_t *raw, size_t n)
{
	char t[IZIN_TEXT_MAX + 8];
	int field;

	memcpy(t, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_base45_encode(raw, n, t + IZIN_PREFIX_LEN);
	return open_text(t, strlen(t), &field);
}

/* Every single-bit change of the sealed bytes is refused. */
START_TEST(bit_flips)
{
	char text[IZIN_TEXT_MAX + 1];
	uint8_t raw[IZIN_SEALED_MAX + 2];
	size_t n;

	seal_raw(text, raw, &n);
	for (size_t i = 0; i < n * 8; i++) {
		raw[i / 8] ^= (uint8_t)(1 << i % 8);
		if (open_raw(raw, n) == 0)
			ck_abort_msg("bit %zu flipped still opens", i);
		raw[i / 8] ^= (uint8_t)(1 << i % 8);
	}
}
END_TEST

START_TEST(truncated_extended)
{
	char text[IZIN_TEXT_MAX + 1], t[IZIN_TEXT_MAX + 8];
	uint8_t raw[IZIN_SEALED_MAX + 2];
	size_t n;
	int field, len = seal_raw(text, raw, &n);

	/* Every shorter byte string, and one byte more. */
	for (size_t k = 0; k < n; k++)
		if (open_raw(raw, k) == 0)
			ck_abort_msg("truncated to %zu bytes still opens", k);
	raw[n] = 0x00;
	ck_assert_int_ne(open_raw(raw, n + 1), 0);
	/* Text cut or extended by characters. */
	for (int k = 0; k < len; k++)
		ck_assert_int_ne(open_text(text, (size_t)k, &field), 0);
	memcpy(t, text, (size_t)len);
	memcpy(t + len, "00", 3);
	ck_assert_int_ne(open_text(t, (size_t)len + 2, &field), 0);
}
END_TEST

START_TEST(one_character_changed)
{
	char text[IZIN_TEXT_MAX + 1], t[IZIN_TEXT_MAX + 1];
	int field, len = seal_typical(text, &(izin_permit){ 0 });

	for (int i = 0; i < len; i++) {
		for (const char *c = AN_SET; *c; c++) {
			if (*c == text[i])
				continue;
			memcpy(t, text, (size_t)len + 1);
			t[i] = *c;
			if (open_text(t, (size_t)len, &field) == 0)
				ck_abort_msg("char %d changed to '%c' opens", i, *c);
		}
	}
}
END_TEST

START_TEST(not_ours)
{
	int field;

	ck_assert_int_eq(open_text("https://imigrasi.go.id/", 23, &field),
	                 IZIN_EFOREIGN);
	ck_assert_int_eq(open_text("", 0, &field), IZIN_EFOREIGN);
	ck_assert_int_eq(open_text("iz:ABC", 6, &field), IZIN_EFOREIGN);
	ck_assert_int_eq(open_text("IZ:abc", 6, &field), IZIN_EBASE45);
	ck_assert_int_eq(open_text("IZ:A", 4, &field), IZIN_EBASE45);
	ck_assert_int_eq(open_text("IZ:", 3, &field), IZIN_ETRUNC);
	ck_assert_int_eq(open_text("IZ:GGW", 6, &field), IZIN_EBASE45);
}
END_TEST

START_TEST(unknown_key)
{
	izin_seckey *other;
	char text[IZIN_TEXT_MAX + 1];
	izin_permit p, q;
	uint8_t kid[IZIN_KID_LEN];
	int field, n;

	other = gen("KANIM-JKTSEL", from, until);
	fill_long(&p);
	n = izin_seal(other, &p, text, &field);
	ck_assert_int_gt(n, 0);
	/* The rare shared 2-byte id makes it a bad signature instead. */
	field = izin_open(trust, text, (size_t)n, &q, kid, &field);
	ck_assert(field == IZIN_EUNKNOWNKEY || field == IZIN_EBADSIG);
	/* What the card claims is still shown. */
	ck_assert_str_eq(q.name, p.name);
	izin_seckey_free(other);
}
END_TEST

START_TEST(key_window_and_office)
{
	izin_pubkey pub;
	izin_trust *t;
	char text[IZIN_TEXT_MAX + 1];
	izin_permit p, q;
	int field, n = seal_typical(text, &p);

	/* The same key, trusted only for permits issued before 2026. */
	izin_seckey_public(sk, &pub);
	pub.valid_until = ymd(2025, 12, 31);
	t = trust_with(&pub);
	ck_assert_int_eq(izin_open(t, text, (size_t)n, &q, NULL, &field),
	                 IZIN_EKEYWINDOW);
	ck_assert_int_eq(field, IZIN_F_ISSUED);
	izin_trust_free(t);

	izin_seckey_public(sk, &pub);
	strcpy(pub.office, "KANIM-SBY");
	t = trust_with(&pub);
	ck_assert_int_eq(izin_open(t, text, (size_t)n, &q, NULL, &field),
	                 IZIN_EOFFICE);
	izin_trust_free(t);

	/* Sealing refuses the same things. */
	fill_long(&p);
	izin_permit_set(&p, IZIN_F_ISSUED, "2031-01-01", 10);
	izin_permit_set(&p, IZIN_F_VALID_UNTIL, "2032-01-01", 10);
	ck_assert_int_eq(izin_seal(sk, &p, text, &field), IZIN_EKEYWINDOW);
	fill_long(&p);
	izin_permit_set(&p, IZIN_F_OFFICE, "KANIM-SBY", 9);
	ck_assert_int_eq(izin_seal(sk, &p, text, &field), IZIN_EOFFICE);
	ck_assert_int_eq(field, IZIN_F_OFFICE);
	fill_long(&p);
	p.sex = 'Q';
	ck_assert_int_eq(izin_seal(sk, &p, text, &field), IZIN_ESEX);
	ck_assert_int_eq(field, IZIN_F_SEX);
}
END_TEST

Suite *
seal_suite(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("seal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, seal_open);
	tcase_add_test(tc, typical_fits_version_10_m);
	tcase_add_test(tc, random_seal_open);
	tcase_add_test(tc, bit_flips);
	tcase_add_test(tc, truncated_extended);
	tcase_add_test(tc, one_character_changed);
	tcase_add_test(tc, not_ours);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, key_window_and_office);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(seal_suite)
