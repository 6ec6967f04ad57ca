/*
 * check_stay.c - stay evaluation: every boundary of the states, the
 * overstay fee and deportation, leap days and month ends, the rules as
 * parameters, and the date of a sighting time.
 */
#define _GNU_SOURCE

#include <limits.h>
#include <string.h>
#include <time.h>

#include "izin.h"
#include "check_util.h"

static const izin_stay_rules rules = IZIN_STAY_RULES_INIT;

static izin_date
D(const char *s)
{
	izin_date d;

	ck_assert_msg(izin_date_parse(s, strlen(s), &d) == IZIN_OK,
	    "bad date in test: %s", s);
	return d;
}

/* Evaluate with the default rules; from, until and on as text. */
static izin_stay
ev(const char *from, const char *until, const char *on)
{
	izin_stay st;

	memset(&st, 0x5a, sizeof st);
	ck_assert_int_eq(izin_stay_eval(&rules, D(on), D(from), D(until), &st),
	    IZIN_OK);
	return st;
}

#define ck_stay(st, s, d, a, f) do {                                    \
	ck_assert_str_eq(izin_stay_state_name((st).state),              \
	    izin_stay_state_name(s));                                   \
	ck_assert_int_eq((st).days, (d));                               \
	ck_assert_int_eq((st).action, (a));                             \
	ck_assert_int_eq((st).fee, (f));                                \
} while (0)

START_TEST(test_defaults)
{
	ck_assert_int_eq(rules.warn_days, 30);
	ck_assert_int_eq(rules.deport_after, 60);
	ck_assert_int_eq(rules.fee_per_day, 1000000);
}
END_TEST

/* Rules other than the defaults, by name in the table below. */
#define R(w, d, f) { (w), (d), (f) }
#define DEF IZIN_STAY_RULES_INIT
#define V IZIN_STAY_VALID
#define EXPIRING IZIN_STAY_EXPIRING
#define NYV IZIN_STAY_NOT_YET_VALID
#define EXPIRED IZIN_STAY_EXPIRED
#define NONE IZIN_ACTION_NONE
#define FEE IZIN_ACTION_FEE
#define DEPORT IZIN_ACTION_DEPORT

/* One evaluation and all it must give: state, days, action and fee. */
static const struct stay_case {
	const char *what;
	izin_stay_rules rules;
	const char *from, *until, *on;
	int state, days, action;
	long long fee;
} stay_cases[] = {
	{ "valid", DEF, "2026-01-01", "2026-12-31", "2026-06-15",
	  V, 199, NONE, 0 },
	{ "the first day counts", DEF, "2026-01-01", "2026-12-31",
	  "2026-01-01", V, 364, NONE, 0 },
	{ "valid on valid_until itself, 0 days left", DEF, "2026-01-01",
	  "2026-11-22", "2026-11-22", EXPIRING, 0, NONE, 0 },
	{ "the day after", DEF, "2026-01-01", "2026-11-22", "2026-11-23",
	  EXPIRED, 1, FEE, 1000000 },
	{ "exactly 30 days left: EXPIRING", DEF, "2026-01-01", "2026-12-31",
	  "2026-12-01", EXPIRING, 30, NONE, 0 },
	{ "31 days left: VALID", DEF, "2026-01-01", "2026-12-31",
	  "2026-11-30", V, 31, NONE, 0 },
	{ "warn 0, last day", R(0, 60, 1000000), "2026-01-01", "2026-12-31",
	  "2026-12-31", EXPIRING, 0, NONE, 0 },
	{ "warn 0, day before", R(0, 60, 1000000), "2026-01-01",
	  "2026-12-31", "2026-12-30", V, 1, NONE, 0 },
	/* 2026-11-22 + 59 days = 2027-01-20; + 60 = 2027-01-21. */
	{ "59 over", DEF, "2026-01-01", "2026-11-22", "2027-01-20",
	  EXPIRED, 59, FEE, 59000000 },
	{ "60 over", DEF, "2026-01-01", "2026-11-22", "2027-01-21",
	  EXPIRED, 60, DEPORT, 0 },
	{ "not yet valid", DEF, "2026-12-01", "2027-11-30", "2026-11-22",
	  NYV, 9, NONE, 0 },
	{ "not yet valid, day before", DEF, "2026-12-01", "2027-11-30",
	  "2026-11-30", NYV, 1, NONE, 0 },
	{ "valid from valid_from", DEF, "2026-12-01", "2027-11-30",
	  "2026-12-01", V, 364, NONE, 0 },
	{ "one-day permit on its day", DEF, "2026-11-22", "2026-11-22",
	  "2026-11-22", EXPIRING, 0, NONE, 0 },
	{ "one-day permit before", DEF, "2026-11-22", "2026-11-22",
	  "2026-11-21", NYV, 1, NONE, 0 },
	{ "one-day permit after", DEF, "2026-11-22", "2026-11-22",
	  "2026-11-23", EXPIRED, 1, FEE, 1000000 },
	/* valid_until on a leap day. */
	{ "leap day", DEF, "2027-03-01", "2028-02-29", "2028-02-29",
	  EXPIRING, 0, NONE, 0 },
	{ "after a leap day", DEF, "2027-03-01", "2028-02-29", "2028-03-01",
	  EXPIRED, 1, FEE, 1000000 },
	/* 30 days before 2028-02-29 is 2028-01-30. */
	{ "30 before a leap day", DEF, "2027-03-01", "2028-02-29",
	  "2028-01-30", EXPIRING, 30, NONE, 0 },
	{ "31 before a leap day", DEF, "2027-03-01", "2028-02-29",
	  "2028-01-29", V, 31, NONE, 0 },
	/* March 31 days + April 28 = 59 over, April 29 = 60. */
	{ "59 after a leap day", DEF, "2027-03-01", "2028-02-29",
	  "2028-04-28", EXPIRED, 59, FEE, 59000000 },
	{ "60 after a leap day", DEF, "2027-03-01", "2028-02-29",
	  "2028-04-29", EXPIRED, 60, DEPORT, 0 },
	/* A stay that spans a leap day counts it. */
	{ "across a leap day", DEF, "2028-01-01", "2028-03-01", "2028-02-28",
	  EXPIRING, 2, NONE, 0 },
	{ "across no leap day", DEF, "2027-01-01", "2027-03-01",
	  "2027-02-28", EXPIRING, 1, NONE, 0 },
	/* 2100 is no leap year, 2000 was. */
	{ "2100", DEF, "2099-03-01", "2100-02-28", "2100-03-01",
	  EXPIRED, 1, FEE, 1000000 },
	{ "2000", DEF, "1999-03-01", "2000-02-28", "2000-03-01",
	  EXPIRED, 2, FEE, 2000000 },
	/* The ends of the range. */
	{ "the whole range", DEF, "1900-01-01", "2199-12-31", "1900-01-01",
	  V, 300 * 365 + 72, NONE, 0 },
	/* From January 31: February (28) and March (31) make 59 days. */
	{ "59 from January 31", DEF, "2026-01-01", "2026-01-31",
	  "2026-03-31", EXPIRED, 59, FEE, 59000000 },
	{ "60 from January 31", DEF, "2026-01-01", "2026-01-31",
	  "2026-04-01", EXPIRED, 60, DEPORT, 0 },
	/* New year's eve to new year's day. */
	{ "new year", DEF, "2026-01-01", "2026-12-31", "2027-01-01",
	  EXPIRED, 1, FEE, 1000000 },
	{ "30 from May 31 to June 30", DEF, "2026-04-30", "2026-06-30",
	  "2026-05-31", EXPIRING, 30, NONE, 0 },
	/* deport_after 1: every day over is a deportation. */
	{ "deport after 1", R(7, 1, 250000), "2026-01-01", "2026-11-22",
	  "2026-11-23", EXPIRED, 1, DEPORT, 0 },
	{ "warn 7", R(7, 1, 250000), "2026-01-01", "2026-11-22",
	  "2026-11-15", EXPIRING, 7, NONE, 0 },
	{ "deport after 90", R(7, 90, 250000), "2026-01-01", "2026-11-22",
	  "2027-02-19", EXPIRED, 89, FEE, 89LL * 250000 },
	/* A free overstay is still an overstay. */
	{ "no fee", R(7, 90, 0), "2026-01-01", "2026-11-22", "2026-11-30",
	  EXPIRED, 8, FEE, 0 },
	/* 59 days at a trillion a day needs 64 bits. */
	{ "a trillion a day", R(30, 100000, 1000000000000LL), "2026-01-01",
	  "2026-11-22", "2027-01-20", EXPIRED, 59, FEE, 59000000000000LL },
	/* The longest overstay those rules fine: 99999 days, about 1e17
	 * (1900-01-01 + 99999 days is 2173-10-15). */
	{ "99999 days at a trillion", R(30, 100000, 1000000000000LL),
	  "1900-01-01", "1900-01-01", "2173-10-15", EXPIRED, 99999, FEE,
	  99999000000000000LL },
};

START_TEST(test_stay_case)
{
	const struct stay_case *c = &stay_cases[_i];
	izin_stay st;

	memset(&st, 0x5a, sizeof st);
	ck_assert_msg(izin_stay_eval(&c->rules, D(c->on), D(c->from),
	    D(c->until), &st) == IZIN_OK, "%s: not evaluated", c->what);
	ck_stay(st, c->state, c->days, c->action, c->fee);
}
END_TEST

START_TEST(test_range_ends)
{
	/* Days counted by the calendar, far out. */
	izin_stay st = ev("2026-01-01", "2026-11-22", "2199-12-31");

	ck_assert_int_eq(st.state, IZIN_STAY_EXPIRED);
	ck_assert_int_eq(st.action, IZIN_ACTION_DEPORT);
	ck_assert_int_eq(st.days, D("2199-12-31") - D("2026-11-22"));
	ck_assert_int_eq(D("2199-12-31") - D("1900-01-01"), 300 * 365 + 72);
	ck_assert_int_eq(D("1900-01-01") + 99999, D("2173-10-15"));
}
END_TEST

START_TEST(test_large_fee)
{
	izin_stay_rules r = { 30, 100000, 1000000000000LL };
	izin_stay st, keep;

	/* A fee beyond 64 bits is refused, *out untouched. */
	r.fee_per_day = LLONG_MAX / 2;
	memset(&keep, 0x5a, sizeof keep);
	st = keep;
	ck_assert_int_eq(izin_stay_eval(&r, D("2026-11-25"), D("2026-01-01"),
	    D("2026-11-22"), &st), IZIN_EINVAL);
	ck_assert_mem_eq(&st, &keep, sizeof st);
	/* Exactly at the limit is fine. */
	r.fee_per_day = LLONG_MAX / 3;
	ck_assert_int_eq(izin_stay_eval(&r, D("2026-11-25"), D("2026-01-01"),
	    D("2026-11-22"), &st), IZIN_OK);
	ck_assert_int_eq(st.fee, LLONG_MAX / 3 * 3);
}
END_TEST

/* A date for the error table: text, or one of the out-of-range values. */
#define NODATE "nodate"
#define MAXDATE "int32max"
#define LOW "1900-01-01-1"
#define HIGH "2199-12-31+1"

static izin_date
DE(const char *s)
{
	if (strcmp(s, NODATE) == 0)
		return IZIN_NODATE;
	if (strcmp(s, MAXDATE) == 0)
		return INT32_MAX;
	if (strcmp(s, LOW) == 0)
		return D("1900-01-01") - 1;
	if (strcmp(s, HIGH) == 0)
		return D("2199-12-31") + 1;
	return D(s);
}

/* Evaluations that must fail, leaving *out untouched. */
static const struct {
	izin_stay_rules rules;
	const char *on, *from, *until;
	int err;
} error_cases[] = {
	{ DEF, "2026-11-22", "2026-11-23", "2026-11-22", IZIN_EORDER },
	{ DEF, NODATE, "2026-01-01", "2026-11-22", IZIN_EDATE },
	{ DEF, "2026-11-22", NODATE, "2026-11-22", IZIN_EDATE },
	{ DEF, "2026-11-22", "2026-01-01", MAXDATE, IZIN_EDATE },
	{ DEF, HIGH, "2026-01-01", "2026-11-22", IZIN_EDATE },
	{ DEF, LOW, "2026-01-01", "2026-11-22", IZIN_EDATE },
	{ R(-1, 60, 1000000), "2026-11-22", "2026-01-01", "2026-11-22",
	  IZIN_EINVAL },
	{ R(30, 0, 1000000), "2026-11-22", "2026-01-01", "2026-11-22",
	  IZIN_EINVAL },
	{ R(30, 60, -1), "2026-11-22", "2026-01-01", "2026-11-22",
	  IZIN_EINVAL },
};

START_TEST(test_error_case)
{
	izin_stay st, keep;

	memset(&keep, 0x5a, sizeof keep);
	st = keep;
	ck_assert_int_eq(izin_stay_eval(&error_cases[_i].rules,
	    DE(error_cases[_i].on), DE(error_cases[_i].from),
	    DE(error_cases[_i].until), &st), error_cases[_i].err);
	ck_assert_mem_eq(&st, &keep, sizeof st);
}
END_TEST

START_TEST(test_errors)
{
	izin_stay st, keep;

	memset(&keep, 0x5a, sizeof keep);
	st = keep;
	ck_assert_int_eq(izin_stay_eval(NULL, D("2026-11-22"), D("2026-01-01"),
	    D("2026-11-22"), &st), IZIN_EINVAL);
	ck_assert_int_eq(izin_stay_eval(&rules, D("2026-11-22"), D("2026-01-01"),
	    D("2026-11-22"), NULL), IZIN_EINVAL);
	ck_assert_mem_eq(&st, &keep, sizeof st);
}
END_TEST

/* Days from 1900-01-01 by the C library's own calendar (timegm on a
 * 64-bit time_t): an oracle written by someone else. */
static long
libc_days(int y, int m, int d)
{
	struct tm tm = { 0 };
	time_t t;

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* Whole days, rounded down before 1970 too. */
	return (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

/*
 * Every 7th valid_until over the whole range, each with on from 100 days
 * before to 100 days after, against the C library's day count.  Tests
 * with if and fails with ck_abort_msg() so that the loop stays fast.
 */
START_TEST(test_against_libc)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	izin_date first = D("1900-01-01"), last = D("2199-12-31");
	izin_stay st;
	int y, m, d, n = 0, k = 0;

	for (y = 1900; y <= 2199; y++)
	for (m = 1; m <= 12; m++)
	for (d = 1; d <= mdays[m - 1] + (m == 2 && izin_leap_year(y)); d++) {
		izin_date until = izin_date_from_ymd(y, m, d);
		long lu = libc_days(y, m, d);
		if (k++ % 7 != 0)
			continue;
		for (int off = -100; off <= 100; off++) {
			izin_date on = until + off;
			int oy, om, od, want, wstate, wact;
			long long wfee;
			if (on < first || on > last)
				continue;
			izin_date_to_ymd(on, &oy, &om, &od);
			want = (int)(libc_days(oy, om, od) - lu);
			if (want != off)
				ck_abort_msg("%d-%d-%d + %d: libc says %d", y, m,
				    d, off, want);
			if (izin_stay_eval(&rules, on, first, until, &st))
				ck_abort_msg("%d-%d-%d + %d: error", y, m, d, off);
			wstate = off > 0 ? IZIN_STAY_EXPIRED :
			    off >= -30 ? IZIN_STAY_EXPIRING : IZIN_STAY_VALID;
			wact = off <= 0 ? IZIN_ACTION_NONE : off < 60 ?
			    IZIN_ACTION_FEE : IZIN_ACTION_DEPORT;
			wfee = wact == IZIN_ACTION_FEE ? off * 1000000LL : 0;
			if (st.state != wstate || st.days != (off > 0 ? off :
			    -off) || st.action != wact || st.fee != wfee)
				ck_abort_msg("%d-%d-%d + %d: state %d days %d "
				    "action %d fee %lld", y, m, d, off, st.state,
				    st.days, st.action, st.fee);
			n++;
		}
	}
	ck_assert_int_gt(n, 3000000);
}
END_TEST

START_TEST(test_names)
{
	static const char *const names[] = {
		"VALID", "EXPIRING", "NOT_YET_VALID", "EXPIRED", "UNVERIFIED"
	};

	ck_assert_int_eq(IZIN_STAY_NSTATES, 5);
	for (int s = 0; s < IZIN_STAY_NSTATES; s++) {
		ck_assert_str_eq(izin_stay_state_name(s), names[s]);
		ck_assert_int_eq(izin_stay_state_parse(names[s],
		    strlen(names[s])), s);
	}
	ck_assert_ptr_null(izin_stay_state_name(-1));
	ck_assert_ptr_null(izin_stay_state_name(IZIN_STAY_NSTATES));
	ck_assert_int_eq(izin_stay_state_parse("expired", 7),
	    IZIN_STAY_EXPIRED);
	ck_assert_int_eq(izin_stay_state_parse("Not_Yet_Valid", 13),
	    IZIN_STAY_NOT_YET_VALID);
	ck_assert_int_eq(izin_stay_state_parse("EXPIRED,VALID", 7),
	    IZIN_STAY_EXPIRED);
	ck_assert_int_eq(izin_stay_state_parse("EXPIRE", 6), -1);
	ck_assert_int_eq(izin_stay_state_parse("EXPIREDX", 8), -1);
	ck_assert_int_eq(izin_stay_state_parse("", 0), -1);
	ck_assert_int_eq(izin_stay_state_parse("OVERSTAY", 8), -1);
	ck_assert_str_eq(izin_stay_action_name(IZIN_ACTION_NONE), "");
	ck_assert_str_eq(izin_stay_action_name(IZIN_ACTION_FEE), "fee");
	ck_assert_str_eq(izin_stay_action_name(IZIN_ACTION_DEPORT), "deport");
	ck_assert_ptr_null(izin_stay_action_name(3));
	ck_assert_ptr_null(izin_stay_action_name(-1));
}
END_TEST

static const struct {
	const char *text;
	const char *date;
} good_times[] = {
	{ "2026-11-22T08:15:00+07:00", "2026-11-22" },  /* WIB */
	{ "2026-11-22T23:59:59+08:00", "2026-11-22" },  /* WITA */
	{ "2026-11-22T00:00:00+09:00", "2026-11-22" },  /* WIT */
	{ "2026-11-22T23:30:00-05:00", "2026-11-22" },  /* 04:30Z on the 23rd */
	{ "2026-11-22T00:30:00+14:00", "2026-11-22" },  /* 10:30Z on the 21st */
	{ "2026-11-22T23:59:59-12:00", "2026-11-22" },
	{ "2026-11-22T08:15:00Z", "2026-11-22" },
	{ "2028-02-29T12:00:00+07:00", "2028-02-29" },
	{ "1900-01-01T00:00:00Z", "1900-01-01" },
	{ "2199-12-31T23:59:59+07:00", "2199-12-31" },
};

static const char *bad_times[] = {
	"", "2026-11-22", "2026-11-22T", "2026-11-22T08:15",
	"2026-11-22T08:15:00", "2026-11-22T08:15+07:00",
	"2026-11-22 08:15:00+07:00", "2026-11-22t08:15:00Z",
	"2026-11-31T08:15:00Z", "2027-02-29T08:15:00Z",
	"1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z",
	"2026-11-22T24:00:00Z", "2026-11-22T08:60:00Z", "2026-11-22T08:15:60Z",
	"2026-11-22T8:15:00Z", "2026-11-22T08:15:00.5Z",
	"2026-11-22T08:15:00+7:00", "2026-11-22T08:15:00+07",
	"2026-11-22T08:15:00+0700", "2026-11-22T08:15:00+14:01",
	"2026-11-22T08:15:00-12:30", "2026-11-22T08:15:00+07:60",
	"2026-11-22T08:15:00+07:00x", "2026-11-22T08:15:00ZZ",
	"2026-11-22T08:15:00z", "2026-11-22T08:15:00Z ",
	" 2026-11-22T08:15:00Z", "2026-11-22T08:15:00Z+07:00",
	"2026-11-22T-8:15:00Z", "22/11/2026 08:15", "2026-11-22T08h15m00Z",
};

START_TEST(test_time_good)
{
	izin_date d = 12345;

	ck_assert_int_eq(izin_time_date(good_times[_i].text,
	    strlen(good_times[_i].text), &d), IZIN_OK);
	ck_assert_int_eq(d, D(good_times[_i].date));
}
END_TEST

START_TEST(test_time_bad)
{
	izin_date d = 12345;

	ck_assert_int_eq(izin_time_date(bad_times[_i], strlen(bad_times[_i]),
	    &d), IZIN_EDATE);
	ck_assert_int_eq(d, 12345);
}
END_TEST

/* len is the whole value: nothing past it is read, nothing before it is
 * ignored. */
START_TEST(test_time_len)
{
	izin_date d;

	ck_assert_int_eq(izin_time_date("2026-11-22T08:15:00+07:00junk", 25,
	    &d), IZIN_OK);
	ck_assert_int_eq(d, D("2026-11-22"));
	ck_assert_int_eq(izin_time_date("2026-11-22T08:15:00+07:00", 24, &d),
	    IZIN_EDATE);
	ck_assert_int_eq(izin_time_date("2026-11-22T08:15:00+07:00", 10, &d),
	    IZIN_EDATE);
	ck_assert_int_eq(izin_time_date("2026-11-22T08:15:00\0+07:00", 26, &d),
	    IZIN_EDATE);
	ck_assert_int_eq(izin_time_date("2026-11-22\0" "08:15:00+07:00", 25,
	    &d), IZIN_EDATE);
}
END_TEST

static Suite *
stay_suite(void)
{
	Suite *s = suite_create("stay");
	TCase *tc;

	tc = tcase_create("states");
	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_stay_case, 0,
	    sizeof(stay_cases) / sizeof(stay_cases[0]));
	tcase_add_test(tc, test_range_ends);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("calendar");
	tcase_add_test(tc, test_against_libc);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_test(tc, test_large_fee);
	tcase_add_loop_test(tc, test_error_case, 0,
	    sizeof(error_cases) / sizeof(error_cases[0]));
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_add_loop_test(tc, test_time_good, 0,
	    sizeof(good_times) / sizeof(good_times[0]));
	tcase_add_loop_test(tc, test_time_bad, 0,
	    sizeof(bad_times) / sizeof(bad_times[0]));
	tcase_add_test(tc, test_time_len);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(stay_suite)
