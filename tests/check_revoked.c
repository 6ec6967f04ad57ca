/*
 * Revocation lists: lines, signature, lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "fixture.h"
#include "izin.h"

static izin_seckey *sk;
static izin_trust *trust;

static void
setup(void)
{
	ck_assert_int_eq(izin_init(), 0);
	sk = gen("JKT", ymd(2026, 1, 1), ymd(2027, 12, 31));
	trust = trust_of(sk);
}

static void
teardown(void)
{
	izin_seckey_free(sk);
	izin_trust_free(trust);
}

static char *
sign(const char *body, size_t *len)
{
	char *out;
	ck_assert_int_eq(izin_list_sign(sk, IZIN_REVOKED_KIND,
	                                ymd(2026, 11, 22), body,
	                                strlen(body), &out, len), 0);
	return out;
}

/* Lines of a revocation list: the status of each, and whether it ends
 * in a note (-1: not asked). */
static const struct {
	const char *line;
	size_t len;
	int rc, innote;
} lines_cases[] = {
	{ "2C11JB0042-K", 12, 0, -1 },
	{ "A1 exit permit", 14, 0, 1 },
	{ "a1", 2, IZIN_ECHARSET, 0 },
	{ "", 0, IZIN_EEMPTY, -1 },
	{ "A1 ", 3, IZIN_EEMPTY, 1 },
	{ "A1 x\ty", 6, IZIN_ECTRL, -1 },
	{ "A1 \xff", 4, IZIN_EUTF8, -1 },
	{ " A1", 3, IZIN_EEMPTY, -1 },
};

START_TEST(lines)
{
	int innote;

	for (size_t i = 0; i < sizeof lines_cases / sizeof lines_cases[0];
	     i++) {
		ck_assert_msg(izin_revoked_check_line(lines_cases[i].line,
		    lines_cases[i].len, &innote) == lines_cases[i].rc,
		    "line %zu", i);
		if (lines_cases[i].innote >= 0)
			ck_assert_int_eq(innote, lines_cases[i].innote);
	}
}
END_TEST

START_TEST(load_and_find)
{
	size_t len;
	char *text = sign("# office JKT\nA1 exit permit\nB2\nA1 replaced\n", &len);
	izin_revoked *r = izin_revoked_new();
	unsigned long line;

	ck_assert_int_eq(izin_revoked_load(r, trust, text, len, &line), 0);
	ck_assert_uint_eq(izin_revoked_count(r), 2);
	ck_assert_str_eq(izin_revoked_find(r, "A1"), "replaced");
	ck_assert_str_eq(izin_revoked_find(r, "B2"), "");
	ck_assert_ptr_null(izin_revoked_find(r, "C3"));
	ck_assert_ptr_null(izin_revoked_find(r, "A"));
	izin_revoked_free(r);
	free(text);
}
END_TEST

START_TEST(many)
{
	size_t cap = 20000 * 16, n = 0, len;
	char *body = malloc(cap), *text;
	izin_revoked *r = izin_revoked_new();
	char num[16];

	for (int i = 0; i < 20000; i++)
		n += (size_t)snprintf(body + n, cap - n, "P%07d\n", i);
	text = sign(body, &len);
	ck_assert_int_eq(izin_revoked_load(r, trust, text, len, NULL), 0);
	ck_assert_uint_eq(izin_revoked_count(r), 20000);
	for (int i = 0; i < 20000; i++) {
		snprintf(num, sizeof num, "P%07d", i);
		if (izin_revoked_find(r, num) == NULL)
			ck_abort_msg("%s not found", num);
	}
	ck_assert_ptr_null(izin_revoked_find(r, "P0020000"));
	izin_revoked_free(r);
	free(body);
	free(text);
}
END_TEST

/* A list taken whole or not at all: nothing is added from a bad one. */
START_TEST(refused_whole)
{
	size_t len;
	char *text = sign("A1\nB2\n", &len);
	izin_revoked *r = izin_revoked_new();
	unsigned long line;

	text[1] = '9';                      /* A1 -> A9 */
	ck_assert_int_eq(izin_revoked_load(r, trust, text, len, &line),
	                 IZIN_EBADSIG);
	ck_assert_uint_eq(izin_revoked_count(r), 0);
	ck_assert_int_eq(izin_revoked_load(r, trust, "A1\nB2\n", 6, &line),
	                 IZIN_EUNSIGNED);
	ck_assert_uint_eq(izin_revoked_count(r), 0);
	free(text);

	/* Signed, but not a list of permit numbers. */
	text = sign("A1\nnot a number\n", &len);
	ck_assert_int_eq(izin_revoked_load(r, trust, text, len, &line),
	                 IZIN_ELIST);
	ck_assert_uint_eq(line, 2);
	ck_assert_uint_eq(izin_revoked_count(r), 0);
	free(text);
	izin_revoked_free(r);
}
END_TEST

START_TEST(other_kind)
{
	char *text;
	size_t len;
	izin_revoked *r = izin_revoked_new();

	ck_assert_int_eq(izin_list_sign(sk, "trust", ymd(2026, 11, 22),
	                                "A1\n", 3, &text, &len), IZIN_EROLE);
	ck_assert_int_eq(izin_list_sign(sk, "notice", ymd(2026, 11, 22),
	                                "A1\n", 3, &text, &len), 0);
	ck_assert_int_eq(izin_revoked_load(r, trust, text, len, NULL),
	                 IZIN_ELISTKIND);
	free(text);
	izin_revoked_free(r);
}
END_TEST

Suite *
revoked_suite(void)
{
	Suite *s = suite_create("revoked");
	TCase *tc = tcase_create("revoked");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lines);
	tcase_add_test(tc, load_and_find);
	tcase_add_test(tc, many);
	tcase_add_test(tc, refused_whole);
	tcase_add_test(tc, other_kind);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(revoked_suite)
