/*
 * stay.c - where a stay permit stands on a given day: valid, expiring,
 * not yet valid or expired, and what an overstay costs.  The rules (the
 * warning window, the deportation threshold, the daily fee) come from the
 * caller, and so does the day: this file reads no clock.
 */
#include <string.h>

#include "izin.h"

#define DATE_FIRST (-25567)   /* 1900-01-01 */
#define DATE_LAST 84005       /* 2199-12-31 */

static const char *const state_names[IZIN_STAY_NSTATES] = {
	"VALID", "EXPIRING", "NOT_YET_VALID", "EXPIRED", "UNVERIFIED"
};

static const char *const action_names[] = { "", "fee", "deport" };

const char *
izin_stay_state_name(int state)
{
	if (state < 0 || state >= IZIN_STAY_NSTATES)
		return NULL;
	return state_names[state];
}

const char *
izin_stay_action_name(int action)
{
	if (action < IZIN_ACTION_NONE || action > IZIN_ACTION_DEPORT)
		return NULL;
	return action_names[action];
}

int
izin_stay_state_parse(const char *s, size_t len)
{
	int st;
	size_t i;

	for (st = 0; st < IZIN_STAY_NSTATES; st++) {
		const char *name = state_names[st];
		if (strlen(name) != len)
			continue;
		for (i = 0; i < len; i++) {
			char c = s[i];
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (c != name[i])
				break;
		}
		if (i == len)
			return st;
	}
	return -1;
}

/* Dates the parser accepts, 1900-01-01 to 2199-12-31: differences of
 * these never overflow an int. */
static int
in_range(izin_date d)
{
	return d >= DATE_FIRST && d <= DATE_LAST;
}

int
izin_stay_eval(const izin_stay_rules *r, izin_date on, izin_date valid_from,
               izin_date valid_until, izin_stay *out)
{
	izin_stay st = { IZIN_STAY_VALID, 0, IZIN_ACTION_NONE, 0 };

	if (r == NULL || out == NULL || r->warn_days < 0 ||
	    r->deport_after < 1 || r->fee_per_day < 0)
		return IZIN_EINVAL;
	if (!in_range(on) || !in_range(valid_from) || !in_range(valid_until))
		return IZIN_EDATE;
	if (valid_until < valid_from)
		return IZIN_EORDER;
	if (on < valid_from) {
		st.state = IZIN_STAY_NOT_YET_VALID;
		st.days = (int)(valid_from - on);
	} else if (on <= valid_until) {
		st.days = (int)(valid_until - on);
		if (st.days <= r->warn_days)
			st.state = IZIN_STAY_EXPIRING;
	} else {
		/* The day after valid_until is the first day over. */
		st.state = IZIN_STAY_EXPIRED;
		st.days = (int)(on - valid_until);
		if (st.days >= r->deport_after)
			st.action = IZIN_ACTION_DEPORT;
		else if (__builtin_mul_overflow((long long)st.days,
		    r->fee_per_day, &st.fee))
			return IZIN_EINVAL;
		else
			st.action = IZIN_ACTION_FEE;
	}
	*out = st;
	return IZIN_OK;
}

/* The offset says when, not where: the date as written is the local
 * date at the place of the sighting, which is what a stay is judged on. */
int
izin_time_date(const char *s, size_t len, izin_date *out)
{
	int64_t epoch;

	if (izin_time_parse(s, len, &epoch) != IZIN_OK)
		return IZIN_EDATE;
	return izin_date_parse(s, IZIN_DATE_LEN, out);
}
