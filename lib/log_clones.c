/*
 * log_clones.c - copied cards (izin_log_clones()): one walk over the
 * located sightings by permit and time, in any store, keeping only the
 * current permit's sightings of the last minute (and the one before the
 * newest, for the speed rule), so that memory does not grow with the log.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"

#define EARTH_KM 6371.0088
#define PI 3.14159265358979323846
#define WINDOW 60               /* seconds: the same-minute rule */
#define NEAR_KM 1.0             /* same minute, further than this */

const char *const izin_clone_cols[4] = { "pair", "reason", "km", "kmh" };

double
izin_geo_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) *
	    cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	if (h > 1.0)
		h = 1.0;
	return 2.0 * EARTH_KM * asin(sqrt(h));
}

/* A sighting kept in the window: its row's columns, copied. */
struct seen {
	int64_t seq, epoch, layout;
	double lat, lon;
	char *text[7];          /* device, time, reporter, kind, place, lat,
	                         * lon */
	char *record;
	size_t rlen;
};

struct walk {
	izin_log *lg;
	const izin_clone_query *q;
	struct layouts ls;
	izin_record *r;
	struct izin_buf b;
	struct cols c;
	struct seen *win;       /* the window, oldest first */
	size_t n, cap;
	char *permit;           /* whose the window is */
	int64_t pairs;
};

static void
seen_free(struct seen *s)
{
	for (int i = 0; i < 7; i++)
		free(s->text[i]);
	free(s->record);
}

static char *
copy(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static int
seen_copy(struct seen *s, const struct srow *row)
{
	const char *t[7] = { row->w.device, row->w.time, row->w.reporter,
	                     row->w.kind, row->w.place, row->w.lat,
	                     row->w.lon };

	memset(s, 0, sizeof(*s));
	s->seq = row->seq;
	s->epoch = row->epoch;
	s->layout = row->layout;
	s->rlen = row->rlen;
	for (int i = 0; i < 7; i++)
		if ((s->text[i] = copy(t[i] ? t[i] : "",
		                       t[i] ? strlen(t[i]) : 0)) == NULL)
			return seen_free(s), IZIN_ENOMEM;
	if ((s->record = copy(row->record ? row->record : "",
	                      row->record ? row->rlen : 0)) == NULL)
		return seen_free(s), IZIN_ENOMEM;
	return 0;
}

static int
set(izin_record *r, const char *key, const char *v)
{
	return izin_record_set(r, key, v, strlen(v));
}

static int
pair_col(const char *name)
{
	for (size_t i = 0; i < 4; i++)
		if (strcmp(name, izin_clone_cols[i]) == 0)
			return 1;
	return 0;
}

/* One sighting of a pair, as a record handed to the callback. */
static int
emit(struct walk *wk, const struct seen *s, const char *reason, double km,
     double kmh)
{
	char num[32];
	int rc;

	izin_record_clear(wk->r);
	snprintf(num, sizeof(num), "%lld", (long long)wk->pairs);
	if ((rc = set(wk->r, "pair", num)) < 0 ||
	    (rc = set(wk->r, "reason", reason)) < 0)
		return rc;
	snprintf(num, sizeof(num), "%.1f", km);
	if ((rc = set(wk->r, "km", num)) < 0)
		return rc;
	if (kmh >= 0)
		snprintf(num, sizeof(num), "%.1f", kmh);
	else
		num[0] = '\0';
	if ((rc = set(wk->r, "kmh", num)) < 0)
		return rc;
	/* A stored column named as a pair column gives way to it. */
	if ((rc = izin_log_record_put(wk->lg, &wk->ls, s->layout, s->record,
	                              s->rlen, s->seq, &wk->b, &wk->c,
	                              pair_col, wk->r)) < 0)
		return rc;
	snprintf(num, sizeof(num), "%lld", (long long)s->seq);
	if ((rc = set(wk->r, izin_log_out_cols[0], num)) < 0)
		return rc;
	for (int i = 1; i < 8; i++)
		if ((rc = set(wk->r, izin_log_out_cols[i], s->text[i - 1])) < 0)
			return rc;
	return wk->q->record(wk->q->arg, wk->r);
}

/* The rule for the kept sighting a and the new b (b not earlier);
 * neighbours: a is the one just before b.  The reason, or NULL. */
static const char *
rule(const struct walk *wk, const struct seen *a, const struct seen *b,
     int neighbours, double *km, double *kmh)
{
	int64_t dt = b->epoch - a->epoch;
	double d = izin_geo_km(a->lat, a->lon, b->lat, b->lon);

	*km = d;
	*kmh = dt > 0 ? d / ((double)dt / 3600.0) : -1.0;
	/* Strictly faster than the limit: at the limit is honest. */
	if (neighbours && d > wk->q->kmh * ((double)dt / 3600.0))
		return "speed";
	if (dt < WINDOW && d > NEAR_KM && strcmp(a->text[2], b->text[2]) != 0)
		return "same-minute";
	return NULL;
}

static void
window_clear(struct walk *wk)
{
	for (size_t i = 0; i < wk->n; i++)
		seen_free(&wk->win[i]);
	wk->n = 0;
}

/* A located row: its pairs with the window, then it joins the window. */
static int
add(struct walk *wk, const struct srow *row, double lat, double lon)
{
	struct seen s;
	size_t drop = 0;
	int rc;

	if (wk->permit == NULL || strcmp(wk->permit, row->permit) != 0) {
		window_clear(wk);
		free(wk->permit);
		if ((wk->permit = copy(row->permit, strlen(row->permit))) ==
		    NULL)
			return IZIN_ENOMEM;
	}
	/* Out of the window: older than a minute, unless it is the newest
	 * (the speed rule's neighbour). */
	while (drop + 1 < wk->n && row->epoch - wk->win[drop].epoch >= WINDOW)
		seen_free(&wk->win[drop++]);
	if (drop > 0) {
		memmove(wk->win, wk->win + drop,
		        (wk->n - drop) * sizeof(*wk->win));
		wk->n -= drop;
	}
	if ((rc = seen_copy(&s, row)) < 0)
		return rc;
	s.lat = lat;
	s.lon = lon;
	for (size_t i = 0; i < wk->n; i++) {
		const char *why;
		double km, kmh;
		if ((why = rule(wk, &wk->win[i], &s, i + 1 == wk->n, &km,
		                &kmh)) == NULL)
			continue;
		wk->pairs++;
		if ((rc = emit(wk, &wk->win[i], why, km, kmh)) != 0 ||
		    (rc = emit(wk, &s, why, km, kmh)) != 0)
			return seen_free(&s), rc;
	}
	if (wk->n == wk->cap) {
		size_t cap = wk->cap ? 2 * wk->cap : 8;
		struct seen *v = realloc(wk->win, cap * sizeof(*v));
		if (v == NULL)
			return seen_free(&s), IZIN_ENOMEM;
		wk->win = v;
		wk->cap = cap;
	}
	wk->win[wk->n++] = s;
	return 0;
}

static int
clones_txn(struct walk *wk)
{
	const izin_clone_query *q = wk->q;
	struct rowsel sel = { ROWS_CLONES, NULL, q->permit, 0, 0, q->since,
	                      q->until, 0, 0 };
	struct srow row;
	struct rows *c;
	double lat, lon;
	int rc;

	if ((rc = izin_log_layouts_load(wk->lg, &wk->ls)) < 0)
		return rc;
	if (q->columns != NULL &&
	    (rc = izin_log_header(&wk->ls, izin_clone_cols, 4, 8, q->columns,
	                          q->arg)) != 0)
		return rc;
	if ((rc = wk->lg->ops->rows_open(wk->lg, &sel, &c)) < 0)
		return rc;
	while ((rc = wk->lg->ops->rows_next(c, &row)) == 1) {
		/* A row the store cannot show whole, or a place that is not
		 * decimal degrees, is no sighting to measure from. */
		if (row.permit == NULL || row.permit[0] == '\0' ||
		    row.w.lat == NULL || row.w.lon == NULL ||
		    izin_coord_parse(row.w.lat, strlen(row.w.lat), 90, &lat) < 0 ||
		    izin_coord_parse(row.w.lon, strlen(row.w.lon), 180, &lon) < 0)
			continue;
		if ((rc = add(wk, &row, lat, lon)) != 0)
			break;
	}
	wk->lg->ops->rows_close(c);
	return rc;
}

int
izin_log_clones(izin_log *lg, const izin_clone_query *q, int64_t *pairs)
{
	struct walk wk = { 0 };
	int rc;

	if (pairs != NULL)
		*pairs = 0;
	if (lg == NULL || q == NULL || q->record == NULL ||
	    !(q->kmh > 0) || !isfinite(q->kmh))
		return IZIN_EINVAL;
	wk.lg = lg;
	wk.q = q;
	if ((wk.r = izin_record_new()) == NULL)
		return IZIN_ENOMEM;
	/* One read transaction: the header and the rows from one snapshot. */
	if ((rc = lg->ops->begin(lg, 0)) == 0) {
		rc = clones_txn(&wk);
		(void)lg->ops->end(lg);
	}
	if (pairs != NULL)
		*pairs = wk.pairs;
	window_clear(&wk);
	free(wk.win);
	free(wk.permit);
	izin_log_layouts_free(&wk.ls);
	izin_record_free(wk.r);
	free(wk.b.p);
	izin_log_cols_free(&wk.c);
	return rc;
}
