/*
 * log_time.c - the who, where and when of a sighting: ISO 8601 times with
 * a UTC offset, reporters, places and coordinates, checked before they go
 * into a log (report-log(1)).
 */
#include <stdlib.h>
#include <string.h>

#include "izin_internal.h"

static int
two_digits(const char *s, int max, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return *out > max ? -1 : 0;
}

/*
 * "YYYY-MM-DDTHH:MM:SS" then "Z" or "+HH:MM" / "-HH:MM".  The offset is
 * kept by the caller as written: the local date at the place is what a
 * stay is judged on, the instant is what sightings are ordered by.
 */
int
izin_time_parse(const char *s, size_t len, int64_t *epoch)
{
	izin_date d;
	int h, m, sec, oh = 0, om = 0, sign = 1;

	if (s == NULL || (len != 20 && len != 25))
		return IZIN_EDATE;
	if (izin_date_parse(s, IZIN_DATE_LEN, &d) != IZIN_OK)
		return IZIN_EDATE;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    two_digits(s + 11, 23, &h) || two_digits(s + 14, 59, &m) ||
	    two_digits(s + 17, 59, &sec))
		return IZIN_EDATE;
	if (len == 20) {
		if (s[19] != 'Z')
			return IZIN_EDATE;
	} else {
		if ((s[19] != '+' && s[19] != '-') || s[22] != ':' ||
		    two_digits(s + 20, 14, &oh) || two_digits(s + 23, 59, &om))
			return IZIN_EDATE;
		sign = s[19] == '-' ? -1 : 1;
		/* Zones run from -12:00 to +14:00. */
		if (oh * 60 + om > (sign > 0 ? 14 * 60 : 12 * 60))
			return IZIN_EDATE;
	}
	*epoch = (int64_t)d * 86400 + h * 3600 + m * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return IZIN_OK;
}

/* The digits at s[*i] onwards (below len): how many, *i moved past. */
static size_t
digits(const char *s, size_t len, size_t *i)
{
	size_t n = 0;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9')
		(*i)++, n++;
	return n;
}

int
izin_coord_parse(const char *s, size_t len, double limit, double *out)
{
	char buf[1 + 3 + 1 + 12 + 1];
	size_t i = 0, n;
	double v;

	if (s == NULL || len >= sizeof(buf))
		return IZIN_EINVAL;
	if (i < len && s[i] == '-')
		i++;
	if ((n = digits(s, len, &i)) == 0 || n > 3)
		return IZIN_EINVAL;
	if (i < len && s[i] == '.') {
		i++;
		if ((n = digits(s, len, &i)) == 0 || n > 12)
			return IZIN_EINVAL;
	}
	if (i != len)
		return IZIN_EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((v = strtod(buf, NULL)) > limit || v < -limit)
		return IZIN_EINVAL;
	*out = v;
	return IZIN_OK;
}

static int
text_check(const char *s, size_t min, size_t max)
{
	size_t len;

	if (s == NULL)
		return IZIN_EINVAL;
	len = strlen(s);
	if (len < min)
		return IZIN_EEMPTY;
	if (len > max)
		return IZIN_ELENGTH;
	return izin_utf8_check(s, len);
}

int
izin_sighting_check(const izin_sighting *s, const char **what)
{
	int64_t t;
	double v;
	int err;

	*what = "time";
	if (s->time == NULL ||
	    izin_time_parse(s->time, strlen(s->time), &t) != IZIN_OK)
		return IZIN_EDATE;
	*what = "reporter";
	if ((err = text_check(s->reporter, 1, IZIN_REPORTER_MAX)) != IZIN_OK)
		return err;
	*what = "reporter_kind";
	if (s->reporter_kind == NULL ||
	    (strcmp(s->reporter_kind, "officer") != 0 &&
	     strcmp(s->reporter_kind, "hotel") != 0 &&
	     strcmp(s->reporter_kind, "company") != 0))
		return IZIN_EINVAL;
	*what = "place";
	if ((err = text_check(s->place, 0, IZIN_PLACE_MAX)) != IZIN_OK)
		return err;
	if (s->lat == NULL || s->lon == NULL)
		return IZIN_EINVAL;
	/* Both or neither: half a position is no position. */
	if (*s->lat == '\0' && *s->lon == '\0') {
		*what = NULL;
		return IZIN_OK;
	}
	*what = "lat";
	if (izin_coord_parse(s->lat, strlen(s->lat), 90, &v) != IZIN_OK)
		return IZIN_EINVAL;
	*what = "lon";
	if (izin_coord_parse(s->lon, strlen(s->lon), 180, &v) != IZIN_OK)
		return IZIN_EINVAL;
	*what = NULL;
	return IZIN_OK;
}
