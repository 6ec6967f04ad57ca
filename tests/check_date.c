#include <string.h>

#include "izin.h"
#include "check_util.h"

static const struct {
	const char *text;
	izin_date date;
} anchors[] = {
	{ "1970-01-01", 0 },
	{ "1970-01-02", 1 },
	{ "1969-12-31", -1 },
	{ "2000-01-01", 10957 },
	{ "2000-03-01", 11017 },
	{ "1900-01-01", -25567 },
	{ "1900-03-01", -25508 },
	{ "2024-02-29", 19782 },
	{ "2038-01-19", 24855 },
	{ "2199-12-31", 84005 }
};

static const char *bad[] = {
	"2025-02-29", "2100-02-29", "1900-02-29", "2025-13-01", "2025-00-10",
	"2025-04-31", "2025-06-31", "2025-09-31", "2025-11-31", "2025-01-32",
	"2025-01-00", "1899-12-31", "2200-01-01", "0000-01-01", "9999-12-31",
	"2025-1-01", "2025-01-1", "2025-01-01 ", " 2025-01-01", "+025-01-01",
	"-025-01-01", "2025-+1-01", "2025-01-+1", "2025-01- 1", "2025/01/01",
	"2025-01-01\n", "20250101", "2025-0101", "2025-01-0a", "2O25-01-01",
	"2025-01-01T00", "", "2025", "2025-01/01", "2025x01-01", "2025-01-0:",
	"20:5-01-01", "2025-0:-01", "2025-01-0/", "2025-01-1/", "2025-01--1"
};

START_TEST(test_anchor)
{
	izin_date d = 12345;
	char buf[IZIN_DATE_LEN + 1];
	int y, m, dd;

	ck_assert_int_eq(izin_date_parse(anchors[_i].text, IZIN_DATE_LEN, &d),
	    IZIN_OK);
	ck_assert_int_eq(d, anchors[_i].date);
	izin_date_format(anchors[_i].date, buf);
	ck_assert_str_eq(buf, anchors[_i].text);
	izin_date_to_ymd(anchors[_i].date, &y, &m, &dd);
	ck_assert_int_eq(izin_date_from_ymd(y, m, dd), anchors[_i].date);
}
END_TEST

START_TEST(test_bad)
{
	izin_date d = 12345;

	ck_assert_int_eq(izin_date_parse(bad[_i], strlen(bad[_i]), &d),
	    IZIN_EDATE);
	ck_assert_int_eq(d, 12345);
}
END_TEST

/* len counts, not the NUL: a good date with a short or long len fails,
 * and bytes after len are never looked at. */
START_TEST(test_len)
{
	izin_date d;

	ck_assert_int_eq(izin_date_parse("2025-01-01", 9, &d), IZIN_EDATE);
	ck_assert_int_eq(izin_date_parse("2025-01-011", 11, &d), IZIN_EDATE);
	ck_assert_int_eq(izin_date_parse("2025-01-01\0", 11, &d), IZIN_EDATE);
	ck_assert_int_eq(izin_date_parse("2025-01-01junk", 10, &d), IZIN_OK);
	ck_assert_int_eq(d, izin_date_from_ymd(2025, 1, 1));
	ck_assert_int_eq(izin_date_parse("2025\0" "01-01", 10, &d),
	    IZIN_EDATE);
}
END_TEST

START_TEST(test_leap)
{
	ck_assert_int_eq(izin_leap_year(2024), 1);
	ck_assert_int_eq(izin_leap_year(2000), 1);
	ck_assert_int_eq(izin_leap_year(1600), 1);
	ck_assert_int_eq(izin_leap_year(2025), 0);
	ck_assert_int_eq(izin_leap_year(1900), 0);
	ck_assert_int_eq(izin_leap_year(2100), 0);
	ck_assert_int_eq(izin_leap_year(2200), 0);
	ck_assert_int_eq(izin_leap_year(0), 1);
	ck_assert_int_eq(izin_leap_year(-4), 1);
	ck_assert_int_eq(izin_leap_year(-100), 0);
}
END_TEST

START_TEST(test_leap_day)
{
	izin_date d;

	ck_assert_int_eq(izin_date_parse("2024-02-29", 10, &d), IZIN_OK);
	ck_assert_int_eq(d + 1, izin_date_from_ymd(2024, 3, 1));
	ck_assert_int_eq(izin_date_parse("2000-02-29", 10, &d), IZIN_OK);
	ck_assert_int_eq(d + 1, izin_date_from_ymd(2000, 3, 1));
	ck_assert_int_eq(izin_date_parse("2196-02-29", 10, &d), IZIN_OK);
	ck_assert_int_eq(izin_date_parse("2025-02-29", 10, &d), IZIN_EDATE);
	ck_assert_int_eq(izin_date_parse("2100-02-29", 10, &d), IZIN_EDATE);
	ck_assert_int_eq(izin_date_from_ymd(2025, 3, 1) -
	    izin_date_from_ymd(2025, 2, 28), 1);
	ck_assert_int_eq(izin_date_from_ymd(2100, 3, 1) -
	    izin_date_from_ymd(2100, 2, 28), 1);
}
END_TEST

/*
 * Walk every day of the accepted range by a calendar counted by hand and
 * check that each of the four functions agrees with it and with the
 * others.  The loop tests with if and fails with ck_abort_msg(): Check
 * records each passing ck_assert through a system call.
 */
START_TEST(test_every_day)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	char buf[IZIN_DATE_LEN + 1], want[32];
	izin_date date, prev = 0, parsed;
	int y, m, d, ry, rm, rd, last, rc, n = 0;

	for (y = IZIN_DATE_MIN_YEAR; y <= IZIN_DATE_MAX_YEAR; y++) {
		for (m = 1; m <= 12; m++) {
			last = mdays[m - 1] + (m == 2 && izin_leap_year(y));
			for (d = 1; d <= last; d++) {
				snprintf(want, sizeof(want), "%04d-%02d-%02d",
				    y, m, d);
				date = izin_date_from_ymd(y, m, d);
				if (n++ > 0 && date - prev != 1)
					ck_abort_msg("%s: %d after %d", want,
					    date, prev);
				prev = date;
				izin_date_to_ymd(date, &ry, &rm, &rd);
				if (ry != y || rm != m || rd != d)
					ck_abort_msg("%s: %d back as %d-%d-%d",
					    want, date, ry, rm, rd);
				izin_date_format(date, buf);
				if (strcmp(buf, want) != 0)
					ck_abort_msg("%s formats as %s",
					    want, buf);
				rc = izin_date_parse(buf, IZIN_DATE_LEN,
				    &parsed);
				if (rc != IZIN_OK || parsed != date)
					ck_abort_msg("%s parses as %d (rc %d)",
					    want, parsed, rc);
			}
			/* The day after the month's last is refused. */
			if (d <= 31) {
				snprintf(want, sizeof(want), "%04d-%02d-%02d",
				    y, m, d);
				if (izin_date_parse(want, IZIN_DATE_LEN,
				    &parsed) != IZIN_EDATE)
					ck_abort_msg("%s parses", want);
			}
		}
	}
	/* 300 years: 73 leap years (2000 is one, 1900 and 2100 are not). */
	ck_assert_int_eq(n, 300 * 365 + 73);
	ck_assert_int_eq(izin_date_from_ymd(1900, 1, 1), -25567);
	ck_assert_int_eq(prev, 84005);
}
END_TEST

/* Outside the parser's years the arithmetic still holds; the formatter
 * never writes past its 11 bytes. */
START_TEST(test_wide)
{
	char buf[IZIN_DATE_LEN + 2];
	int y, m, d;

	izin_date_to_ymd(izin_date_from_ymd(1, 1, 1), &y, &m, &d);
	ck_assert(y == 1 && m == 1 && d == 1);
	izin_date_to_ymd(izin_date_from_ymd(-400, 3, 1), &y, &m, &d);
	ck_assert(y == -400 && m == 3 && d == 1);
	ck_assert_int_eq(izin_date_from_ymd(0, 3, 1) -
	    izin_date_from_ymd(0, 2, 28), 2);
	ck_assert_int_eq(izin_date_from_ymd(9999, 12, 31), 2932896);

	memset(buf, 'x', sizeof(buf));
	izin_date_format(izin_date_from_ymd(9999, 12, 31), buf);
	ck_assert_str_eq(buf, "9999-12-31");
	memset(buf, 'x', sizeof(buf));
	izin_date_format(IZIN_NODATE, buf);
	ck_assert_uint_eq(strlen(buf), IZIN_DATE_LEN);
	ck_assert_int_eq(buf[IZIN_DATE_LEN + 1], 'x');
	memset(buf, 'x', sizeof(buf));
	izin_date_format(INT32_MAX, buf);
	ck_assert_uint_eq(strlen(buf), IZIN_DATE_LEN);
	ck_assert_int_eq(buf[IZIN_DATE_LEN + 1], 'x');
	izin_date_to_ymd(IZIN_NODATE, &y, &m, &d);
	ck_assert_int_lt(y, 0);
}
END_TEST

static Suite *
date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_anchor, 0,
	    sizeof(anchors) / sizeof(anchors[0]));
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("calendar");
	tcase_add_test(tc, test_leap);
	tcase_add_test(tc, test_leap_day);
	tcase_add_test(tc, test_every_day);
	tcase_add_test(tc, test_wide);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(date_suite)
