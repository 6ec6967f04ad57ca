#include <string.h>

#include "izin.h"

/*
 * The conversions follow Howard Hinnant's days_from_civil and
 * civil_from_days: count years from March 1 so that the leap day is the
 * last day of its year, then split time into 400-year eras of exactly
 * 146097 days.  719468 is the number of days from 0000-03-01 to
 * 1970-01-01.  Intermediate values are long long so that any int year
 * and any izin_date (IZIN_NODATE too) stay in range.
 */

izin_date
izin_date_from_ymd(int y, int m, int d)
{
	long long yy, era, yoe, doy, doe;

	yy = (long long)y - (m <= 2);
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153LL * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (izin_date)(era * 146097 + doe - 719468);
}

void
izin_date_to_ymd(izin_date date, int *y, int *m, int *d)
{
	long long z, era, doe, yoe, doy, mp;

	z = (long long)date + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
izin_leap_year(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
month_days(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && izin_leap_year(y) ? 29 : days[m - 1];
}

static int
digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
izin_date_parse(const char *s, size_t len, izin_date *out)
{
	int y, m, d;

	if (len != IZIN_DATE_LEN || s[4] != '-' || s[7] != '-')
		return IZIN_EDATE;
	if (digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
	    digits(s + 8, 2, &d) < 0)
		return IZIN_EDATE;
	if (y < IZIN_DATE_MIN_YEAR || y > IZIN_DATE_MAX_YEAR ||
	    m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return IZIN_EDATE;
	*out = izin_date_from_ymd(y, m, d);
	return IZIN_OK;
}

static void
put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = '0' + v % 10;
		v /= 10;
	}
}

void
izin_date_format(izin_date date, char buf[IZIN_DATE_LEN + 1])
{
	int y, m, d;

	izin_date_to_ymd(date, &y, &m, &d);
	/* Only a date no parser would take (IZIN_NODATE, say) lands outside
	 * four digits; write a non-date the parser refuses too rather than
	 * overrun buf or print a wrong year. */
	if (y < 0 || y > 9999) {
		memcpy(buf, "0000-00-00", IZIN_DATE_LEN + 1);
		return;
	}
	put_digits(buf, y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[IZIN_DATE_LEN] = '\0';
}
