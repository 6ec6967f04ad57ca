#include <string.h>

#include "izin_internal.h"
#include "check_util.h"

static const char *good[] = {
	"",
	"ANDI WIJAYA",
	"José Müller",
	"王小明",
	"Nguyễn Văn An",
	"محمد",
	"Łukasz Żółć-O'Brien",
	"Αλέξανδρος",
	"Дмитрий",
	"\xf0\x9f\x98\x80",                 /* U+1F600 */
	"\xc2\xa0",                         /* U+00A0, first after C1 */
	"\xdf\xbf",                         /* U+07FF */
	"\xe0\xa0\x80",                     /* U+0800 */
	"\xed\x9f\xbf",                     /* U+D7FF */
	"\xee\x80\x80",                     /* U+E000 */
	"\xef\xbf\xbd",                     /* U+FFFD */
	"\xf0\x90\x80\x80",                 /* U+10000 */
	"\xf4\x8f\xbf\xbf",                 /* U+10FFFF */
	"\xd8\x9b\xd8\x9d",                 /* U+061B, U+061D */
	"\xe2\x80\x8d\xe2\x80\x90",         /* U+200D, U+2010 */
	"\xe2\x80\xa7\xe2\x80\xaf",         /* U+2027, U+202F */
	"\xe2\x81\xa5\xe2\x81\xaa",         /* U+2065, U+206A */
	"~ !"
};

static const char *bad_utf8[] = {
	"\x80",                             /* stray continuation */
	"Jos\xbf",
	"\xc0\x80",                         /* overlong NUL */
	"\xc1\xbf",                         /* overlong U+007F */
	"\xe0\x80\xaf",                     /* overlong '/' */
	"\xe0\x9f\xbf",                     /* overlong U+07FF */
	"\xf0\x80\x80\xaf",                 /* overlong '/' */
	"\xf0\x8f\xbf\xbf",                 /* overlong U+FFFF */
	"\xed\xa0\x80",                     /* U+D800 */
	"\xed\xbf\xbf",                     /* U+DFFF */
	"\xed\xa0\xbd\xed\xb8\x80",         /* a surrogate pair */
	"\xf4\x90\x80\x80",                 /* U+110000 */
	"\xf5\x80\x80\x80",
	"\xf7\xbf\xbf\xbf",
	"\xf8\x88\x80\x80\x80",
	"\xfc\x84\x80\x80\x80\x80",
	"\xfe",
	"\xff",
	"\xc3",                             /* truncated */
	"Jos\xc3",
	"\xe7\x8e",
	"\xf0\x9f\x98",
	"\xc3" "A",                         /* lead byte, then no continuation */
	"\xe7\x8e" "A",
	"\xf0\x9f\x98" "A",
	"\xe7" "\xc3\xa9",
	"\x01\x80",                         /* a control first, still EUTF8 */
	"\xe2\x80\xae\xff"
};

static const char *bad_ctrl[] = {
	"\x01",
	"\x1f",
	"\x7f",
	"Jos\xc3\xa9\t",                    /* tab */
	"Jos\xc3\xa9\n",                    /* newline */
	"A\rB",
	"\x1b[31m",
	"\xc2\x80",                         /* U+0080 */
	"\xc2\x85",                         /* U+0085 NEL */
	"\xc2\x9f",                         /* U+009F */
	"\xd8\x9c",                         /* U+061C */
	"\xe2\x80\x8e",                     /* U+200E */
	"\xe2\x80\x8f",                     /* U+200F */
	"\xe2\x80\xa8",                     /* U+2028 LINE SEPARATOR */
	"\xe2\x80\xa9",                     /* U+2029 */
	"\xe2\x80\xaa",                     /* U+202A */
	"\xe2\x80\xab",
	"\xe2\x80\xac",
	"\xe2\x80\xad",
	"\xe2\x80\xae",                     /* U+202E */
	"\xe2\x81\xa6",                     /* U+2066 */
	"\xe2\x81\xa7",
	"\xe2\x81\xa8",
	"\xe2\x81\xa9",                     /* U+2069 */
	"Jos\xc3\xa9 \xe2\x80\xae" "rellüM",  /* shows as "José Müller" */
	"\xd9\x85\xd8\xad\xd9\x85\xd8\xaf\xe2\x81\xa6"
};

START_TEST(test_good)
{
	ck_assert_int_eq(izin_utf8_check(good[_i], strlen(good[_i])), IZIN_OK);
}
END_TEST

START_TEST(test_bad_utf8)
{
	ck_assert_int_eq(izin_utf8_check(bad_utf8[_i], strlen(bad_utf8[_i])),
	    IZIN_EUTF8);
}
END_TEST

START_TEST(test_bad_ctrl)
{
	ck_assert_int_eq(izin_utf8_check(bad_ctrl[_i], strlen(bad_ctrl[_i])),
	    IZIN_ECTRL);
}
END_TEST

/* NUL is a control character like any other: len, not a terminator,
 * ends the text. */
START_TEST(test_nul)
{
	ck_assert_int_eq(izin_utf8_check("Jos\0e", 5), IZIN_ECTRL);
	ck_assert_int_eq(izin_utf8_check("\0", 1), IZIN_ECTRL);
	ck_assert_int_eq(izin_utf8_check("Jos\xc3\xa9\n", 5), IZIN_OK);
	ck_assert_int_eq(izin_utf8_check("\xc3\xa9", 1), IZIN_EUTF8);
	ck_assert_int_eq(izin_utf8_check(NULL, 0), IZIN_OK);
}
END_TEST

static size_t
put_utf8(char *p, unsigned long cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	p[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Every code point, encoded by the test's own encoder, gets the answer
 * its class calls for.  The loops below test with if and fail with
 * ck_abort_msg(): Check records every passing ck_assert through a system
 * call, which over a million code points costs seconds.
 */
START_TEST(test_every_code_point)
{
	char buf[4];
	unsigned long cp;
	size_t n;
	int got, want;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		n = put_utf8(buf, cp);
		if (cp >= 0xd800 && cp <= 0xdfff)
			want = IZIN_EUTF8;
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x61c || cp == 0x200e || cp == 0x200f ||
		    cp == 0x2028 || cp == 0x2029 ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			want = IZIN_ECTRL;
		else
			want = IZIN_OK;
		if ((got = izin_utf8_check(buf, n)) != want)
			ck_abort_msg("U+%04lX: got %d, want %d", cp, got, want);
		/* Cut short, every multi-byte sequence is invalid. */
		if (n > 1 && (got = izin_utf8_check(buf, n - 1)) != IZIN_EUTF8)
			ck_abort_msg("U+%04lX cut short: got %d", cp, got);
	}
}
END_TEST

/* Every two-byte string: exactly those a strict decoder accepts. */
START_TEST(test_every_pair)
{
	unsigned char s[2];
	int a, b, got, want;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			s[0] = a;
			s[1] = b;
			if (a < 0x80 && b < 0x80)
				want = a < 0x20 || a == 0x7f ||
				    b < 0x20 || b == 0x7f ? IZIN_ECTRL : IZIN_OK;
			else if (a >= 0xc2 && a <= 0xdf &&
			    b >= 0x80 && b <= 0xbf)
				/* C1 controls and U+061C */
				want = (a == 0xc2 && b <= 0x9f) ||
				    (a == 0xd8 && b == 0x9c) ? IZIN_ECTRL :
				    IZIN_OK;
			else
				want = IZIN_EUTF8;
			if ((got = izin_utf8_check((char *)s, 2)) != want)
				ck_abort_msg("%02x %02x: got %d, want %d",
				    a, b, got, want);
		}
	}
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_bad_utf8, 0,
	    sizeof(bad_utf8) / sizeof(bad_utf8[0]));
	tcase_add_loop_test(tc, test_bad_ctrl, 0,
	    sizeof(bad_ctrl) / sizeof(bad_ctrl[0]));
	tcase_add_test(tc, test_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("exhaustive");
	tcase_add_test(tc, test_every_code_point);
	tcase_add_test(tc, test_every_pair);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(utf8_suite)
