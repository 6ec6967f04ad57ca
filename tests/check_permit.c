/*
 * Permit fields, their checks, and the strict binary body.
 */
#include <string.h>

#include "check_util.h"
#include "izin_internal.h"
#include "fixture.h"
#include "permit_gen.h"

static const uint8_t kid0[IZIN_KID_LEN] = { 0x12, 0x34 };

/* Offsets in the version 1 body (man/izin-permit.5). */
#define AT_KINDSEX (1 + IZIN_KID_LEN)
#define AT_UNTIL (AT_KINDSEX + 7)
#define AT_NCODES (AT_KINDSEX + 9)
#define AT_CODES (AT_NCODES + 1)

static int
set(izin_permit *p, int f, const char *v)
{
	return izin_permit_set(p, f, v, strlen(v));
}

START_TEST(field_names)
{
	for (int f = 0; f < IZIN_F_COUNT; f++)
		ck_assert_int_eq(izin_field_lookup(izin_field_name(f)), f);
	ck_assert_int_eq(izin_field_lookup("nope"), IZIN_F_NONE);
	ck_assert_ptr_null(izin_field_name(IZIN_F_COUNT));
	ck_assert_str_eq(izin_field_name(IZIN_F_VALID_UNTIL), "valid_until");
}
END_TEST

START_TEST(kinds)
{
	ck_assert_int_eq(izin_kind_parse("ITK", 3), IZIN_KIND_ITK);
	ck_assert_int_eq(izin_kind_parse("ITAS", 4), IZIN_KIND_ITAS);
	ck_assert_int_eq(izin_kind_parse("KITAS", 5), IZIN_KIND_ITAS);
	ck_assert_int_eq(izin_kind_parse("KITAP", 5), IZIN_KIND_ITAP);
	ck_assert_int_eq(izin_kind_parse("ITAP", 4), IZIN_KIND_ITAP);
	ck_assert_int_eq(izin_kind_parse("KITK", 4), IZIN_EKIND);
	ck_assert_int_eq(izin_kind_parse("itas", 4), IZIN_EKIND);
	ck_assert_int_eq(izin_kind_parse("ITA", 3), IZIN_EKIND);
	ck_assert_int_eq(izin_kind_parse("", 0), IZIN_EKIND);
	ck_assert_str_eq(izin_kind_name(IZIN_KIND_ITAS), "ITAS");
	ck_assert_ptr_null(izin_kind_name(0));
}
END_TEST

START_TEST(field_errors)
{
	izin_permit p;
	char name[IZIN_NAME_MAX + 2];

	fill_long(&p);
	ck_assert_int_eq(set(&p, IZIN_F_PERMIT, "1234567890123456789012345"),
	                 IZIN_ELENGTH);
	ck_assert_int_eq(set(&p, IZIN_F_PERMIT, "123456789012345678901234"), 0);
	ck_assert_int_eq(set(&p, IZIN_F_PERMIT, "2c11"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_PERMIT, "../../x"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_PERMIT, ""), IZIN_EEMPTY);
	ck_assert_int_eq(set(&p, IZIN_F_INDEX, "E33-G"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_INDEX, "ABCDEFGHI"), IZIN_ELENGTH);
	ck_assert_int_eq(set(&p, IZIN_F_NATIONALITY, "D<<"), 0);
	ck_assert_int_eq(set(&p, IZIN_F_NATIONALITY, "<DE"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_NATIONALITY, "D<E"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_NATIONALITY, "DEUT"), IZIN_ELENGTH);
	ck_assert_int_eq(set(&p, IZIN_F_NATIONALITY, "de"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_PASSPORT, "X 1"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_OFFICE, "JKT/1"), IZIN_ECHARSET);
	ck_assert_int_eq(set(&p, IZIN_F_SEX, "Q"), IZIN_ESEX);
	ck_assert_int_eq(set(&p, IZIN_F_SEX, "MF"), IZIN_ESEX);
	ck_assert_int_eq(set(&p, IZIN_F_KIND, "VISA"), IZIN_EKIND);
	ck_assert_int_eq(set(&p, IZIN_F_BIRTH, "2025-02-29"), IZIN_EDATE);
	ck_assert_int_eq(set(&p, IZIN_F_BIRTH, "2024-02-29"), 0);
	ck_assert_int_eq(set(&p, IZIN_F_BIRTH, "1899-12-31"), IZIN_EDATE);
	/* Outside the payload's 16-bit day ranges. */
	ck_assert_int_eq(set(&p, IZIN_F_BIRTH, "2079-06-07"), IZIN_EDATE);
	ck_assert_int_eq(set(&p, IZIN_F_ISSUED, "1999-12-31"), IZIN_EDATE);
	ck_assert_int_eq(set(&p, IZIN_F_VALID_UNTIL, "2179-06-07"), IZIN_EDATE);
	ck_assert_int_eq(set(&p, IZIN_F_VALID_UNTIL, "2179-06-06"), 0);
	ck_assert_int_eq(set(&p, IZIN_F_ISSUED, "2026-1-01"), IZIN_EDATE);

	memset(name, 'a', sizeof name);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_NAME, name, IZIN_NAME_MAX), 0);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_NAME, name,
	                                 IZIN_NAME_MAX + 1), IZIN_ELENGTH);
	ck_assert_int_eq(set(&p, IZIN_F_NAME, ""), IZIN_EEMPTY);
	ck_assert_int_eq(set(&p, IZIN_F_NAME, "Ana\xc3"), IZIN_EUTF8);
	ck_assert_int_eq(set(&p, IZIN_F_NAME, "Ana\xc0\xaf"), IZIN_EUTF8);
	ck_assert_int_eq(set(&p, IZIN_F_NAME, "Ana\tMaria"), IZIN_ECTRL);
	ck_assert_int_eq(set(&p, IZIN_F_NAME, "Ana\nMaria"), IZIN_ECTRL);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_NAME, "Ana\0B", 5),
	                 IZIN_ECTRL);
	/* RIGHT-TO-LEFT OVERRIDE would let "gpj.exe" show as "exe.jpg". */
	ck_assert_int_eq(set(&p, IZIN_F_NAME, "Ana \xe2\x80\xae" "anaM"),
	                 IZIN_ECTRL);
	ck_assert_int_eq(set(&p, IZIN_F_NAME, "王小明"), 0);
	ck_assert_int_eq(set(&p, IZIN_F_SPONSOR, ""), 0);
	ck_assert_int_eq(set(&p, IZIN_F_ADDRESS, ""), 0);
}
END_TEST

START_TEST(check_order)
{
	izin_permit p;
	int field;

	fill_long(&p);
	ck_assert_int_eq(izin_permit_check(&p, &field), 0);
	set(&p, IZIN_F_VALID_UNTIL, "2026-11-19");
	ck_assert_int_eq(izin_permit_check(&p, &field), IZIN_EORDER);
	ck_assert_int_eq(field, IZIN_F_VALID_UNTIL);
	fill_long(&p);
	set(&p, IZIN_F_BIRTH, "2026-11-21");
	ck_assert_int_eq(izin_permit_check(&p, &field), IZIN_EORDER);
	ck_assert_int_eq(field, IZIN_F_BIRTH);
	fill_long(&p);
	p.kind = 7;
	ck_assert_int_eq(izin_permit_check(&p, &field), IZIN_EKIND);
	ck_assert_int_eq(field, IZIN_F_KIND);
	fill_long(&p);
	p.name[0] = '\0';
	ck_assert_int_eq(izin_permit_check(&p, &field), IZIN_EEMPTY);
	ck_assert_int_eq(field, IZIN_F_NAME);
	fill_long(&p);
	memset(p.permit, 'A', sizeof p.permit);   /* no NUL at all */
	ck_assert_int_eq(izin_permit_check(&p, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_PERMIT);
}
END_TEST

START_TEST(get_text)
{
	izin_permit p;
	char buf[200];

	fill_long(&p);
	for (int f = 0; f < IZIN_F_COUNT; f++) {
		int n = izin_permit_get(&p, f, buf, sizeof buf);
		ck_assert_int_eq(n, (int)strlen(typical_long[f]));
		ck_assert_str_eq(buf, typical_long[f]);
	}
	ck_assert_int_eq(izin_permit_get(&p, IZIN_F_NAME, buf, 5), IZIN_ELENGTH);
	set(&p, IZIN_F_KIND, "KITAP");
	izin_permit_get(&p, IZIN_F_KIND, buf, sizeof buf);
	ck_assert_str_eq(buf, "ITAP");
}
END_TEST

static int
encode_typical(uint8_t *buf, izin_permit *p)
{
	int n;
	fill_long(p);
	n = izin_permit_encode(p, kid0, buf);
	ck_assert_int_gt(n, 0);
	return n;
}

static int
decode(const uint8_t *buf, size_t n, int *field)
{
	izin_permit q;
	return izin_permit_decode(buf, n, &q, NULL, field);
}

START_TEST(round_trip_typical)
{
	uint8_t buf[IZIN_BODY_MAX], kid[IZIN_KID_LEN];
	izin_permit p, q;
	int field, n = encode_typical(buf, &p);

	ck_assert_int_eq(izin_permit_decode(buf, (size_t)n, &q, kid, &field), 0);
	ck_assert_mem_eq(&p, &q, sizeof p);
	ck_assert_mem_eq(kid, kid0, IZIN_KID_LEN);
	ck_assert_int_eq(buf[0], IZIN_PAYLOAD_VERSION);
}
END_TEST

START_TEST(round_trip_random)
{
	uint8_t buf[IZIN_BODY_MAX], again[IZIN_BODY_MAX];
	izin_permit p, q;
	int field;
	izin_date from = izin_date_from_ymd(2000, 1, 1);
	izin_date until = izin_date_from_ymd(2100, 12, 31);

	for (int i = 0; i < 10000; i++) {
		int n, m;
		/* Plain ifs: each passing ck_assert costs Check a syscall. */
		gen_permit(&p, "JKT-01", from, until);
		if (izin_permit_check(&p, &field) != 0)
			ck_abort_msg("permit %d: generated permit invalid", i);
		n = izin_permit_encode(&p, kid0, buf);
		if (n <= 0 || n > IZIN_BODY_MAX)
			ck_abort_msg("permit %d: encode gave %d", i, n);
		if (izin_permit_decode(buf, (size_t)n, &q, NULL, &field) != 0)
			ck_abort_msg("permit %d: decode failed", i);
		if (memcmp(&p, &q, sizeof p) != 0)
			ck_abort_msg("permit %d: decode(encode(p)) != p", i);
		m = izin_permit_encode(&q, kid0, again);
		if (m != n || memcmp(buf, again, (size_t)n) != 0)
			ck_abort_msg("permit %d: re-encoding differs", i);
	}
}
END_TEST

START_TEST(body_max_reached)
{
	uint8_t buf[IZIN_BODY_MAX];
	izin_permit p;
	izin_date d = izin_date_from_ymd(2026, 1, 1);

	/* Every field at its limit gives exactly IZIN_BODY_MAX bytes. */
	gen_permit(&p, "ABCDEFGHIJKLMNOP", d, d);
	memset(p.permit, 'P', IZIN_PERMIT_MAX), p.permit[IZIN_PERMIT_MAX] = 0;
	memset(p.index, 'I', IZIN_INDEX_MAX), p.index[IZIN_INDEX_MAX] = 0;
	memset(p.passport, '9', IZIN_PASSPORT_MAX);
	p.passport[IZIN_PASSPORT_MAX] = 0;
	memset(p.name, 'n', IZIN_NAME_MAX), p.name[IZIN_NAME_MAX] = 0;
	memset(p.sponsor, 's', IZIN_SPONSOR_MAX), p.sponsor[IZIN_SPONSOR_MAX] = 0;
	memset(p.address, 'a', IZIN_ADDRESS_MAX), p.address[IZIN_ADDRESS_MAX] = 0;
	ck_assert_int_eq(izin_permit_encode(&p, kid0, buf), IZIN_BODY_MAX);
}
END_TEST

START_TEST(strict_version)
{
	uint8_t buf[IZIN_BODY_MAX];
	izin_permit p;
	int field, n = encode_typical(buf, &p);

	buf[0] = 2;
	ck_assert_int_eq(decode(buf, (size_t)n, &field), IZIN_EVERSION);
	buf[0] = 0;
	ck_assert_int_eq(decode(buf, (size_t)n, &field), IZIN_EVERSION);
	ck_assert_int_eq(decode(buf, 0, &field), IZIN_ETRUNC);
}
END_TEST

START_TEST(strict_length)
{
	uint8_t buf[IZIN_BODY_MAX + 1];
	izin_permit p;
	int field, n = encode_typical(buf, &p);

	for (int k = 0; k < n; k++)
		ck_assert_int_ne(decode(buf, (size_t)k, &field), 0);
	ck_assert_int_eq(decode(buf, (size_t)n - 1, &field), IZIN_ETRUNC);
	ck_assert_int_eq(field, IZIN_F_ADDRESS);
	buf[n] = 0;
	ck_assert_int_eq(decode(buf, (size_t)n + 1, &field), IZIN_ETRAILING);
}
END_TEST

/* Offset of the name's length byte in the typical body. */
static size_t
name_at(const uint8_t *buf)
{
	return AT_CODES + (buf[AT_NCODES] + 2u) / 3 * 2;
}

START_TEST(strict_fields)
{
	uint8_t buf[IZIN_BODY_MAX], t[IZIN_BODY_MAX];
	izin_permit p;
	int field, n = encode_typical(buf, &p);
	size_t at = name_at(buf);

	ck_assert_int_eq(buf[at], strlen(typical_long[IZIN_F_NAME]));

	memcpy(t, buf, (size_t)n);
	t[AT_KINDSEX] |= 0x40;                       /* spare bits of kind|sex */
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ENONCANON);
	ck_assert_int_eq(field, IZIN_F_KIND);
	memcpy(t, buf, (size_t)n);
	t[AT_KINDSEX] &= ~3;
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_EKIND);
	memcpy(t, buf, (size_t)n);
	t[AT_KINDSEX] &= 3;
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ESEX);
	ck_assert_int_eq(field, IZIN_F_SEX);

	memcpy(t, buf, (size_t)n);
	t[at] = IZIN_NAME_MAX + 1;
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_NAME);
	memcpy(t, buf, (size_t)n);
	t[at + 3] = '\x1b';
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ECTRL);
	ck_assert_int_eq(field, IZIN_F_NAME);
	t[at + 3] = '\xff';
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_EUTF8);
	ck_assert_int_eq(field, IZIN_F_NAME);
	memcpy(t, buf, (size_t)n);
	t[at] = 0;                          /* empty name, bytes left over */
	ck_assert_int_ne(decode(t, (size_t)n, &field), 0);

	/* valid_until before valid_from. */
	memcpy(t, buf, (size_t)n);
	t[AT_UNTIL] = 0, t[AT_UNTIL + 1] = 0;
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_EORDER);
	ck_assert_int_eq(field, IZIN_F_VALID_UNTIL);
}
END_TEST

START_TEST(strict_codes)
{
	uint8_t buf[IZIN_BODY_MAX], t[IZIN_BODY_MAX];
	izin_permit p;
	int field, n = encode_typical(buf, &p);

	/* A 16-bit group of three symbols can only reach 39*1600+39*40+39. */
	memcpy(t, buf, (size_t)n);
	t[AT_CODES] = 0xff, t[AT_CODES + 1] = 0xff;
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ENONCANON);
	ck_assert_int_eq(field, IZIN_F_PERMIT);
	/* '<' (symbol 39) as the first character of the permit number. */
	memcpy(t, buf, (size_t)n);
	{
		unsigned v = (unsigned)(t[AT_CODES] << 8 | t[AT_CODES + 1]) % 1600 + 39 * 1600;
		t[AT_CODES] = (uint8_t)(v >> 8), t[AT_CODES + 1] = (uint8_t)v;
	}
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ECHARSET);
	ck_assert_int_eq(field, IZIN_F_PERMIT);
	/* A separator as the first symbol: an empty permit number. */
	memcpy(t, buf, (size_t)n);
	{
		unsigned v = (unsigned)(t[AT_CODES] << 8 | t[AT_CODES + 1]) % 1600;
		t[AT_CODES] = (uint8_t)(v >> 8), t[AT_CODES + 1] = (uint8_t)v;
	}
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_EEMPTY);
	ck_assert_int_eq(field, IZIN_F_PERMIT);
}
END_TEST

START_TEST(strict_padding)
{
	uint8_t buf[IZIN_BODY_MAX], t[IZIN_BODY_MAX];
	izin_permit p;
	int field, n;
	size_t last;

	fill_long(&p);
	/* Make the symbol count 1 more than a multiple of 3 so the last
	 * group carries two padding symbols. */
	for (int i = 0; i < 3; i++) {
		n = izin_permit_encode(&p, kid0, buf);
		if (buf[AT_NCODES] % 3 == 1)
			break;
		p.index[strlen(p.index) + 1] = '\0';
		p.index[strlen(p.index)] = 'X';
	}
	ck_assert_int_eq(buf[AT_NCODES] % 3, 1);
	last = AT_CODES + (buf[AT_NCODES] + 2u) / 3 * 2 - 2;
	memcpy(t, buf, (size_t)n);
	t[last + 1] |= 1;                   /* a non-zero padding symbol */
	ck_assert_int_eq(decode(t, (size_t)n, &field), IZIN_ENONCANON);
	ck_assert_int_eq(decode(buf, (size_t)n, &field), 0);
}
END_TEST

Suite *
permit_suite(void)
{
	Suite *s = suite_create("permit");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, field_names);
	tcase_add_test(tc, kinds);
	tcase_add_test(tc, field_errors);
	tcase_add_test(tc, check_order);
	tcase_add_test(tc, get_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("body");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, round_trip_typical);
	tcase_add_test(tc, round_trip_random);
	tcase_add_test(tc, body_max_reached);
	tcase_add_test(tc, strict_version);
	tcase_add_test(tc, strict_length);
	tcase_add_test(tc, strict_fields);
	tcase_add_test(tc, strict_codes);
	tcase_add_test(tc, strict_padding);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(permit_suite)
