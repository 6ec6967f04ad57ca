/*
 * check_clones.c - copied cards (izin_log_clones()): the rule at its
 * edges (exactly at the speed limit, 59 against 60 seconds, one reporter
 * in one minute, sightings with no place, one impossible sighting between
 * two honest ones, many permits) over a real SQLite log, and the plan of
 * the SQLite query: the (permit, epoch) index, no sort.
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "izin.h"
#include "log_internal.h"
#include "check_util.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/izin-check-clones.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.db", dir);
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

#define JKT_LAT "-6.2088"
#define JKT_LON "106.8456"
#define DPS_LAT "-8.6705"
#define DPS_LON "115.2126"

static izin_log *
open_log(void)
{
	izin_log *lg;
	int err = izin_log_open(path, IZIN_LOG_CREATE, &lg);

	ck_assert_msg(err == IZIN_OK, "open %s: %s", path, izin_strerror(err));
	return lg;
}

/* One sighting of permit by reporter at sec seconds after 2026-03-01
 * 00:00 UTC, at lat, lon ("" for none). */
static void
seen(izin_log *lg, const char *permit, const char *reporter, int sec,
     const char *lat, const char *lon)
{
	izin_sighting s = { NULL, reporter, "officer", "", lat, lon };
	izin_record *r = izin_record_new();
	char t[32];

	ck_assert_ptr_nonnull(r);
	snprintf(t, sizeof t, "2026-03-%02dT%02d:%02d:%02dZ", 1 + sec / 86400,
	         sec / 3600 % 24, sec / 60 % 60, sec % 60);
	s.time = t;
	ck_assert_int_eq(izin_record_set(r, "permit", permit, strlen(permit)),
	                 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &s, 0, NULL, NULL), IZIN_OK);
	izin_record_free(r);
}

/* What a search handed back: each row's pair, reason, permit and seq. */
#define MAXROWS 512
struct found {
	int n;
	long pair[MAXROWS], seq[MAXROWS];
	char reason[MAXROWS][16], permit[MAXROWS][16], kmh[MAXROWS][16];
	char header[256];
};

static int
on_columns(void *arg, const char *const *keys, size_t n)
{
	struct found *f = arg;

	f->header[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(f->header, keys[i], sizeof(f->header) -
		        strlen(f->header) - 2);
		strcat(f->header, " ");
	}
	return 0;
}

static void
get(const izin_record *r, const char *key, char *out, size_t size)
{
	size_t len;
	const char *v = izin_record_get(r, key, &len);

	ck_assert_ptr_nonnull(v);
	snprintf(out, size, "%.*s", (int)len, v);
}

static int
on_record(void *arg, const izin_record *r)
{
	struct found *f = arg;
	char num[32];

	ck_assert_int_lt(f->n, MAXROWS);
	get(r, "pair", num, sizeof num);
	f->pair[f->n] = atol(num);
	get(r, "seq", num, sizeof num);
	f->seq[f->n] = atol(num);
	get(r, "reason", f->reason[f->n], sizeof f->reason[0]);
	get(r, "permit", f->permit[f->n], sizeof f->permit[0]);
	get(r, "kmh", f->kmh[f->n], sizeof f->kmh[0]);
	f->n++;
	return 0;
}

/* Search the log at path at kmh; the number of pairs. */
static int64_t
search(double kmh, const char *permit, struct found *f)
{
	izin_clone_query q = { kmh, permit, INT64_MIN, INT64_MAX, on_columns,
	                       on_record, f };
	izin_log *lg;
	int64_t pairs;
	int err;

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(izin_log_open(path, IZIN_LOG_READ, &lg), IZIN_OK);
	err = izin_log_clones(lg, &q, &pairs);
	ck_assert_msg(err == IZIN_OK, "%s (%s)", izin_strerror(err),
	              izin_log_errmsg(lg));
	izin_log_close(lg);
	ck_assert_int_eq(f->n, 2 * pairs);
	return pairs;
}

START_TEST(test_distance)
{
	/* A degree of a great circle: 2 pi R / 360. */
	ck_assert_double_eq_tol(izin_geo_km(0, 0, 0, 1), 111.19508, 1e-4);
	ck_assert_double_eq_tol(izin_geo_km(10, 20, 11, 20), 111.19508, 1e-4);
	ck_assert_double_eq_tol(izin_geo_km(-6.2088, 106.8456, -8.6705,
	                        115.2126), 962.2, 0.1);
	ck_assert_double_eq(izin_geo_km(5, 5, 5, 5), 0.0);
	ck_assert_double_eq_tol(izin_geo_km(0, 0, 0, 180), 20015.1, 0.1);
}
END_TEST

START_TEST(test_speed_limit)
{
	izin_log *lg = open_log();
	double d = izin_geo_km(0, 0, 0, 1);
	struct found f;

	/* One degree in exactly one hour, by one reporter. */
	seen(lg, "A", "T1", 0, "0", "0");
	seen(lg, "A", "T1", 3600, "0", "1");
	izin_log_close(lg);
	ck_assert_int_eq(search(d, NULL, &f), 0);
	ck_assert_int_eq(search(d * 0.9999, NULL, &f), 1);
	ck_assert_str_eq(f.reason[0], "speed");
	ck_assert_int_eq(f.pair[0], 1);
	ck_assert_int_eq(f.pair[1], 1);
	ck_assert_int_eq(f.seq[0], 1);
	ck_assert_int_eq(f.seq[1], 2);
	ck_assert_str_eq(f.header, "pair reason km kmh permit seq device time "
	                 "reporter reporter_kind place lat lon ");
	ck_assert_int_eq(search(900, NULL, &f), 0);
}
END_TEST

START_TEST(test_same_minute)
{
	izin_log *lg = open_log();
	struct found f;

	/* 5 km (300 km/h in a minute: no speed) by two reporters, 59 s
	 * apart, then 60 s apart; 0.5 km by two reporters in 10 s; one
	 * reporter 1.1 km on every 20 s. */
	seen(lg, "M59", "T1", 0, "0", "0");
	seen(lg, "M59", "T2", 59, "0", "0.045");
	seen(lg, "M60", "T1", 0, "0", "0");
	seen(lg, "M60", "T2", 60, "0", "0.045");
	seen(lg, "NEAR", "T1", 0, "0", "0");
	seen(lg, "NEAR", "T2", 10, "0", "0.0045");
	seen(lg, "ONE", "T1", 0, "0", "0");
	seen(lg, "ONE", "T1", 20, "0", "0.01");
	seen(lg, "ONE", "T1", 40, "0", "0.02");
	izin_log_close(lg);
	ck_assert_int_eq(search(900, NULL, &f), 1);
	ck_assert_str_eq(f.permit[0], "M59");
	ck_assert_str_eq(f.reason[0], "same-minute");
	ck_assert_str_eq(f.kmh[0], "305.3");
}
END_TEST

START_TEST(test_window_pairs)
{
	izin_log *lg = open_log();
	struct found f;

	/* Every pair in the minute, not only neighbours: T1 and T3 at one
	 * place, T2 1.5 km off between them (540 km/h: no speed); and two
	 * scans at one place in one second are no clone. */
	seen(lg, "W", "T1", 100, "0", "0");
	seen(lg, "W", "T2", 110, "0", "0.0135");
	seen(lg, "W", "T3", 120, "0", "0");
	seen(lg, "W", "T4", 120, "0", "0");
	izin_log_close(lg);
	ck_assert_int_eq(search(900, NULL, &f), 3);
	ck_assert_int_eq(f.seq[0], 1);
	ck_assert_int_eq(f.seq[1], 2);
	ck_assert_int_eq(f.seq[2], 2);
	ck_assert_int_eq(f.seq[3], 3);
	ck_assert_int_eq(f.seq[4], 2);
	ck_assert_int_eq(f.seq[5], 4);
	ck_assert_int_eq(f.pair[4], 3);
	for (int i = 0; i < 6; i++)
		ck_assert_str_eq(f.reason[i], "same-minute");
}
END_TEST

START_TEST(test_same_second)
{
	izin_log *lg = open_log();
	struct found f;

	/* Two places in one second: a speed no one travels, kmh empty. */
	seen(lg, "S", "T1", 500, JKT_LAT, JKT_LON);
	seen(lg, "S", "T1", 500, DPS_LAT, DPS_LON);
	izin_log_close(lg);
	ck_assert_int_eq(search(900, NULL, &f), 1);
	ck_assert_str_eq(f.reason[0], "speed");
	ck_assert_str_eq(f.kmh[0], "");
}
END_TEST

START_TEST(test_unlocated)
{
	izin_log *lg = open_log();
	struct found f;

	/* A sighting with no place is no neighbour: the pair skips it. */
	seen(lg, "U", "T1", 0, JKT_LAT, JKT_LON);
	seen(lg, "U", "T2", 600, "", "");
	seen(lg, "U", "T3", 1200, DPS_LAT, DPS_LON);
	seen(lg, "V", "T1", 0, "", "");
	seen(lg, "V", "T2", 10, "", "");
	izin_log_close(lg);
	ck_assert_int_eq(search(900, NULL, &f), 1);
	ck_assert_int_eq(f.seq[0], 1);
	ck_assert_int_eq(f.seq[1], 3);
}
END_TEST

START_TEST(test_middle)
{
	izin_log *lg = open_log();
	struct found f;

	/* Jakarta, Denpasar an hour later, Jakarta an hour after: the middle
	 * one is the copy, two pairs, and the first and last (neighbours no
	 * more) none. */
	seen(lg, "X", "T1", 0, JKT_LAT, JKT_LON);
	seen(lg, "X", "T2", 3600, DPS_LAT, DPS_LON);
	seen(lg, "X", "T1", 7200, JKT_LAT, JKT_LON);
	izin_log_close(lg);
	ck_assert_int_eq(search(900, NULL, &f), 2);
	ck_assert_int_eq(f.seq[0], 1);
	ck_assert_int_eq(f.seq[1], 2);
	ck_assert_int_eq(f.seq[2], 2);
	ck_assert_int_eq(f.seq[3], 3);
	ck_assert_str_eq(f.kmh[0], "962.2");
	/* By plane, honestly: at 1000 km/h it is not found. */
	ck_assert_int_eq(search(1000, NULL, &f), 0);
	ck_assert_int_eq(search(900, "X", &f), 2);
	ck_assert_int_eq(search(900, "Y", &f), 0);
}
END_TEST

START_TEST(test_many_permits)
{
	izin_log *lg = open_log();
	struct found f;
	char p[16];

	/* 150 permits travelling honestly, one in ten also seen by another
	 * officer in Denpasar 20 minutes after Jakarta; written in time
	 * order, across permits. */
	for (int t = 0; t < 3; t++)
		for (int i = 0; i < 150; i++) {
			snprintf(p, sizeof p, "P%03d", i);
			seen(lg, p, "T1", t * 86400 + i, t % 2 ? DPS_LAT :
			     JKT_LAT, t % 2 ? DPS_LON : JKT_LON);
			if (t == 0 && i % 10 == 0)
				seen(lg, p, "T9", i + 1200, DPS_LAT, DPS_LON);
		}
	izin_log_close(lg);
	ck_assert_int_eq(search(900, NULL, &f), 15);
	for (int k = 0; k < 15; k++) {
		snprintf(p, sizeof p, "P%03d", 10 * k);
		ck_assert_str_eq(f.permit[2 * k], p);
		ck_assert_str_eq(f.permit[2 * k + 1], p);
		ck_assert_int_eq(f.pair[2 * k], k + 1);
		ck_assert_int_lt(f.seq[2 * k], f.seq[2 * k + 1]);
	}
}
END_TEST

START_TEST(test_bad_query)
{
	izin_clone_query q = { 0, NULL, INT64_MIN, INT64_MAX, NULL,
	                       on_record, NULL };
	izin_log *lg = open_log();
	int64_t pairs = 7;

	ck_assert_int_eq(izin_log_clones(lg, &q, &pairs), IZIN_EINVAL);
	ck_assert_int_eq(pairs, 0);
	q.kmh = -1;
	ck_assert_int_eq(izin_log_clones(lg, &q, NULL), IZIN_EINVAL);
	izin_log_close(lg);
}
END_TEST

/* Each detail line of the plan of sql, one after another. */
static void
plan(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;
	char q[2048];

	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(out, (const char *)sqlite3_column_text(st, 3),
		        size - strlen(out) - 2);
		strcat(out, "\n");
	}
	sqlite3_finalize(st);
}

START_TEST(test_sqlite_plan)
{
	izin_log *lg = open_log();
	char p[1024];
	sqlite3 *db;

	seen(lg, "A", "T1", 0, "0", "0");
	izin_log_close(lg);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	for (int i = 0; i < 2; i++) {
		plan(db, izin_log_sqlite_clones[i], p, sizeof p);
		ck_assert_msg(strstr(p, "USING INDEX sighting_permit") != NULL,
		              "plan %d: %s", i, p);
		ck_assert_msg(strstr(p, "TEMP B-TREE") == NULL, "plan %d: %s",
		              i, p);
	}
	sqlite3_close(db);
}
END_TEST

static Suite *
clones_suite(void)
{
	Suite *s = suite_create("clones");
	TCase *tc = tcase_create("rule");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_distance);
	tcase_add_test(tc, test_speed_limit);
	tcase_add_test(tc, test_same_minute);
	tcase_add_test(tc, test_window_pairs);
	tcase_add_test(tc, test_same_second);
	tcase_add_test(tc, test_unlocated);
	tcase_add_test(tc, test_middle);
	tcase_add_test(tc, test_many_permits);
	tcase_add_test(tc, test_bad_query);
	suite_add_tcase(s, tc);

	tc = tcase_create("plan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sqlite_plan);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(clones_suite)
