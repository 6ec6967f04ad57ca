/*
 * check_log.c - the sightings log: times and sighting fields, appending,
 * queries, the hash chain against altered, deleted and inserted rows (made
 * with SQLite directly, as an intruder would), merging, and files that are
 * not logs.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "izin.h"
#include "check_util.h"

static char dir[64];
static char path[128], path2[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/izin-check-log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.db", dir);
	snprintf(path2, sizeof path2, "%s/b.db", dir);
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const izin_sighting officer = {
	"2026-03-01T10:00:00+07:00", "T07", "officer",
	"Desa Mojorejo, Lamongan", "-7.12", "112.18"
};

/* A record from a scan: a permit number, a name, a status. */
static izin_record *
scan(const char *permit, const char *name)
{
	izin_record *r = izin_record_new();

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(izin_record_set(r, "status", "VALID", 5), 0);
	ck_assert_int_eq(izin_record_set(r, "permit", permit, strlen(permit)),
	                 0);
	ck_assert_int_eq(izin_record_set(r, "name", name, strlen(name)), 0);
	ck_assert_int_eq(izin_record_set(r, "valid_until", "2026-06-30", 10),
	                 0);
	return r;
}

static izin_log *
open_log(const char *p, int mode)
{
	izin_log *lg;
	int err = izin_log_open(p, mode, &lg);

	ck_assert_msg(err == IZIN_OK, "open %s: %s (%s)", p, izin_strerror(err),
	              lg ? izin_log_errmsg(lg) : "");
	return lg;
}

/* Append one record per permit in permits[] (NULL-ended) at time t. */
static void
append_at(izin_log *lg, const char *t, const char *const *permits)
{
	izin_sighting s = officer;

	s.time = t;
	for (size_t i = 0; permits[i] != NULL; i++) {
		izin_record *r = scan(permits[i], "Ana");
		ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
		izin_record_free(r);
	}
	ck_assert_int_eq(izin_log_commit(lg, &s, 0, NULL, NULL), IZIN_OK);
}

/* A log at path: seq 1-5 for permits A B A C A at increasing times. */
static void
make_log(const char *p)
{
	static const char *const a[] = { "A", NULL }, *const b[] = { "B", NULL },
	                   *const c[] = { "C", NULL };
	izin_log *lg = open_log(p, IZIN_LOG_CREATE);

	append_at(lg, "2026-03-01T08:00:00+07:00", a);
	append_at(lg, "2026-03-01T09:00:00+07:00", b);
	/* 02:30Z is 09:30 at +07:00: after B, before C. */
	append_at(lg, "2026-03-01T02:30:00Z", a);
	append_at(lg, "2026-03-02T10:00:00+08:00", c);
	append_at(lg, "2026-03-03T10:00:00+07:00", a);
	izin_log_close(lg);
}

static izin_log_fault
verify_fault(const char *p)
{
	izin_log *lg = open_log(p, IZIN_LOG_READ);
	izin_log_fault f;
	int64_t count;

	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	izin_log_close(lg);
	return f;
}

/* Run SQL on a log behind the library's back. */
static void
tamper(const char *p, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
	              "%s: %s", sql, msg ? msg : "");
	sqlite3_close(db);
}

static long
count_rows(const char *p, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long n;

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Records of a query, collected as "seq:permit:time" lines. */
struct got {
	char text[4096];
	size_t n;
	char keys[64][16];
	size_t nkeys;
};

static int
got_columns(void *arg, const char *const *keys, size_t n)
{
	struct got *g = arg;

	ck_assert_uint_le(n, 64);
	for (size_t i = 0; i < n; i++)
		snprintf(g->keys[i], sizeof g->keys[i], "%s", keys[i]);
	g->nkeys = n;
	return 0;
}

static int
got_record(void *arg, const izin_record *r)
{
	struct got *g = arg;
	const char *seq = izin_record_get(r, "seq", NULL);
	const char *permit = izin_record_get(r, "permit", NULL);
	const char *t = izin_record_get(r, "time", NULL);
	size_t len = strlen(g->text);

	ck_assert_ptr_nonnull(seq);
	snprintf(g->text + len, sizeof g->text - len, "%s:%s:%s\n", seq,
	         permit ? permit : "", t ? t : "");
	g->n++;
	return 0;
}

static struct got
run(const char *p, int what, const char *permit, int64_t since,
    int64_t until, int64_t after)
{
	struct got g = { "", 0, { "" }, 0 };
	izin_log_query q = { what, permit, since, until, after, NULL,
	                     got_record, &g };
	izin_log *lg = open_log(p, IZIN_LOG_READ);

	ck_assert_int_eq(izin_log_run(lg, &q), IZIN_OK);
	izin_log_close(lg);
	return g;
}

/* Bytes of a whole file, for "left untouched". */
static char *
slurp(const char *p, size_t *len)
{
	FILE *fp = fopen(p, "rb");
	char *buf = malloc(1 << 16);

	ck_assert_ptr_nonnull(fp);
	*len = fread(buf, 1, 1 << 16, fp);
	fclose(fp);
	return buf;
}

START_TEST(test_time_parse)
{
	static const struct { const char *s; int64_t t; } good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T07:00:00+07:00", 0 },
		{ "1969-12-31T19:00:00-05:00", 0 },
		{ "2026-03-01T10:00:00+07:00", 1772334000 },
		{ "2024-02-29T23:59:59+05:45", 1709230499 },
		{ "2026-03-01T00:00:00+14:00", 1772272800 },
		{ "2026-03-01T00:00:00-12:00", 1772366400 },
	};
	static const char *const bad[] = {
		"", "2026-03-01", "2026-03-01T10:00:00", "2026-03-01 10:00:00Z",
		"2026-02-29T10:00:00Z", "2026-03-01T24:00:00Z",
		"2026-03-01T10:60:00Z", "2026-03-01T10:00:60Z",
		"2026-03-01T10:00:00+0700", "2026-03-01T10:00:00+07", "2026-03-01T10:00:00+14:30",
		"2026-03-01T10:00:00-12:30", "2026-03-01T10:00:00+07:60",
		"2026-03-01T10:00:00.5Z", "2026-03-01t10:00:00Z",
		"2026-03-01T10:00:00z", "2026-03-01T1a:00:00Z",
		"1899-12-31T23:59:59Z", "2026-03-01T10:00:00Z ",
	};
	int64_t t;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ck_assert_msg(izin_time_parse(good[i].s, strlen(good[i].s), &t) ==
		              IZIN_OK, "%s refused", good[i].s);
		ck_assert_msg(t == good[i].t, "%s: %lld", good[i].s,
		              (long long)t);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(izin_time_parse(bad[i], strlen(bad[i]), &t) ==
		              IZIN_EDATE, "%s taken", bad[i]);
}
END_TEST

/* One field of officer changed, and what izin_sighting_check() says
 * (what: the field it names, or NULL where that is not checked). */
#define F(f) offsetof(izin_sighting, f)
static const struct {
	size_t field;
	const char *value;
	int err;
	const char *what;
} sightings[] = {
	{ F(place), "", IZIN_OK, NULL },
	{ F(time), "2026-03-01", IZIN_EDATE, "time" },
	{ F(reporter), "", IZIN_EEMPTY, "reporter" },
	{ F(reporter), "T\t07", IZIN_ECTRL, NULL },
	{ F(reporter_kind), "police", IZIN_EINVAL, "reporter_kind" },
	{ F(place), "\xff", IZIN_EUTF8, "place" },
	{ F(lat), "90.0001", IZIN_EINVAL, "lat" },
	{ F(lat), "-91", IZIN_EINVAL, "lat" },
	{ F(lat), "+7", IZIN_EINVAL, "lat" },
	{ F(lat), "7.", IZIN_EINVAL, "lat" },
	{ F(lat), ".5", IZIN_EINVAL, "lat" },
	{ F(lat), "1e2", IZIN_EINVAL, "lat" },
	{ F(lat), "nan", IZIN_EINVAL, "lat" },
	{ F(lat), " 7", IZIN_EINVAL, "lat" },
	{ F(lat), "1234", IZIN_EINVAL, "lat" },
	{ F(lat), "7.1234567890123", IZIN_EINVAL, "lat" },
	{ F(lat), "", IZIN_EINVAL, "lat" },
	{ F(lon), "180.5", IZIN_EINVAL, "lon" },
	{ F(lat), "-90", IZIN_OK, NULL },
	{ F(lon), "-180.000", IZIN_OK, NULL },
};
#undef F

START_TEST(test_sighting_check)
{
	izin_sighting s = officer;
	const char *what;

	ck_assert_int_eq(izin_sighting_check(&s, &what), IZIN_OK);
	s.lat = s.lon = "";
	s.place = "";
	ck_assert_int_eq(izin_sighting_check(&s, &what), IZIN_OK);
	for (size_t i = 0; i < sizeof sightings / sizeof sightings[0]; i++) {
		s = officer;
		*(const char **)((char *)&s + sightings[i].field) =
		    sightings[i].value;
		ck_assert_msg(izin_sighting_check(&s, &what) ==
		              sightings[i].err, "case %zu (%s) not %s", i,
		              sightings[i].value,
		              izin_strerror(sightings[i].err));
		if (sightings[i].what != NULL)
			ck_assert_str_eq(what, sightings[i].what);
	}
	s = officer, s.lat = "-90", s.lon = "-180.000";
	ck_assert_int_eq(izin_sighting_check(&s, &what), IZIN_OK);
}
END_TEST

struct echoes {
	int n;
	char line[1024];
	char json_name[64];
};

static int
on_echo(void *arg, const izin_log_echo *e)
{
	struct echoes *ec = arg;
	const char *v;

	ck_assert_uint_eq(e->nkeys, 12);
	ck_assert_str_eq(e->keys[0], "status");
	ck_assert_str_eq(e->keys[4], "seq");
	ck_assert_str_eq(e->keys[11], "lon");
	ck_assert_uint_eq(strlen(e->line), e->len);
	if (ec->n == 0)
		snprintf(ec->line, sizeof ec->line, "%s", e->line);
	ck_assert_ptr_nonnull(e->record);
	v = izin_record_get(e->record, "name", NULL);
	snprintf(ec->json_name, sizeof ec->json_name, "%s", v);
	ck_assert_uint_eq(izin_record_count(e->record), 12);
	ec->n++;
	return 0;
}

START_TEST(test_append_echo)
{
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	izin_record *r = scan("2C11JB0042-K", "Ana\tMaria \\ O'Brien");
	struct echoes ec = { 0, "", "" };
	char want[512];
	izin_log_fault f;
	int64_t count;
	const char *dev = izin_log_device(lg);

	ck_assert_uint_eq(strlen(dev), IZIN_DEVICE_LEN);
	ck_assert_uint_eq(strspn(dev, "0123456789abcdef"), IZIN_DEVICE_LEN);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_uint_eq(izin_log_pending(lg), 2);
	ck_assert_int_eq(izin_log_commit(lg, &officer, 1, on_echo, &ec),
	                 IZIN_OK);
	ck_assert_uint_eq(izin_log_pending(lg), 0);
	ck_assert_int_eq(ec.n, 2);
	snprintf(want, sizeof want, "VALID\t2C11JB0042-K\tAna\\tMaria \\\\ "
	         "O'Brien\t2026-06-30\t1\t%s\t2026-03-01T10:00:00+07:00\tT07\t"
	         "officer\tDesa Mojorejo, Lamongan\t-7.12\t112.18", dev);
	ck_assert_str_eq(ec.line, want);
	ck_assert_str_eq(ec.json_name, "Ana\tMaria \\ O'Brien");
	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	ck_assert_int_eq(count, 2);
	ck_assert_int_eq(f.found, 0);
	izin_record_free(r);
	izin_log_close(lg);
	ck_assert_int_eq(count_rows(path, "PRAGMA user_version"),
	                 IZIN_LOG_VERSION);
	ck_assert_int_eq(count_rows(path, "PRAGMA application_id"),
	                 IZIN_LOG_APPID);
}
END_TEST

START_TEST(test_record_checks)
{
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	izin_record *r = izin_record_new();
	izin_sighting s = officer;

	ck_assert_int_eq(izin_record_set(r, "status", "NO_CODE", 7), 0);
	ck_assert_int_eq(izin_record_set(r, "permit", "", 0), 0);
	ck_assert_int_eq(izin_log_check_record(r), IZIN_EEMPTY);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_EEMPTY);
	ck_assert_uint_eq(izin_log_pending(lg), 0);
	ck_assert_int_eq(izin_record_set(r, "text", "HC1:XYZ", 7), 0);
	ck_assert_int_eq(izin_log_check_record(r), IZIN_OK);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	/* A bad sighting writes nothing and keeps the queue. */
	s.reporter_kind = "police";
	ck_assert_int_eq(izin_log_commit(lg, &s, 0, NULL, NULL), IZIN_EINVAL);
	ck_assert_uint_eq(izin_log_pending(lg), 1);
	ck_assert_int_eq(izin_log_commit(lg, &officer, 0, NULL, NULL), IZIN_OK);
	izin_record_free(r);
	izin_log_close(lg);
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM sighting"
	                 " WHERE permit = '' AND record LIKE '%HC1:XYZ%'"), 1);
	ck_assert_int_eq(izin_log_reserved("seq"), 1);
	ck_assert_int_eq(izin_log_reserved("reporter_kind"), 1);
	ck_assert_int_eq(izin_log_reserved("permit"), 0);
	ck_assert_int_eq(izin_log_reserved("sequence"), 0);
}
END_TEST

/* Columns named like the sighting's are the log's own: not stored. */
START_TEST(test_reserved_replaced)
{
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	izin_record *r = scan("P1", "Ana");
	struct got g;

	ck_assert_int_eq(izin_record_set(r, "time", "yesterday", 9), 0);
	ck_assert_int_eq(izin_record_set(r, "seq", "99", 2), 0);
	ck_assert_int_eq(izin_record_set(r, "note", "kept", 4), 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &officer, 0, NULL, NULL), IZIN_OK);
	izin_record_free(r);
	izin_log_close(lg);
	g = run(path, IZIN_LOG_TRAIL, "P1", INT64_MIN, INT64_MAX, 0);
	ck_assert_str_eq(g.text, "1:P1:2026-03-01T10:00:00+07:00\n");
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM layout WHERE"
	                 " keys = 'status\tpermit\tname\tvalid_until\tnote'"), 1);
}
END_TEST

/* Values that look like SQL are data: prepared statements only. */
START_TEST(test_sql_verbatim)
{
	static const char evil[] = "'); DROP TABLE sighting; --";
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	izin_record *r = scan("P1", evil);
	izin_sighting s = officer;
	struct got g;

	s.reporter = "x'); DELETE FROM head; --";
	s.place = "\"; DROP TABLE layout; --";
	ck_assert_int_eq(izin_record_set(r, "'); DROP TABLE meta; --", "%", 1),
	                 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &s, 0, NULL, NULL), IZIN_OK);
	izin_record_free(r);
	izin_log_close(lg);
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM sighting"
	                 " WHERE reporter = 'x''); DELETE FROM head; --'"
	                 " AND place = '\"; DROP TABLE layout; --'"
	                 " AND record LIKE '%''); DROP TABLE sighting; --%'"), 1);
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM head"), 1);
	g = run(path, IZIN_LOG_LAST_SEEN, "P1", INT64_MIN, INT64_MAX, 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(verify_fault(path).found, 0);
}
END_TEST

START_TEST(test_trail_and_last_seen)
{
	struct got g;

	make_log(path);
	g = run(path, IZIN_LOG_TRAIL, "A", INT64_MIN, INT64_MAX, 0);
	ck_assert_str_eq(g.text,
	                 "1:A:2026-03-01T08:00:00+07:00\n"
	                 "3:A:2026-03-01T02:30:00Z\n"
	                 "5:A:2026-03-03T10:00:00+07:00\n");
	g = run(path, IZIN_LOG_LAST_SEEN, NULL, INT64_MIN, INT64_MAX, 0);
	ck_assert_str_eq(g.text,
	                 "5:A:2026-03-03T10:00:00+07:00\n"
	                 "2:B:2026-03-01T09:00:00+07:00\n"
	                 "4:C:2026-03-02T10:00:00+08:00\n");
	g = run(path, IZIN_LOG_LAST_SEEN, "C", INT64_MIN, INT64_MAX, 0);
	ck_assert_str_eq(g.text, "4:C:2026-03-02T10:00:00+08:00\n");
	g = run(path, IZIN_LOG_LAST_SEEN, "Z", INT64_MIN, INT64_MAX, 0);
	ck_assert_uint_eq(g.n, 0);
	/* Instants, not text: 02:30Z is 09:30+07:00. */
	g = run(path, IZIN_LOG_TRAIL, "A", 1772332200, 1772332200, 0);
	ck_assert_str_eq(g.text, "3:A:2026-03-01T02:30:00Z\n");
	/* Last seen before a bound is chosen among those before it. */
	g = run(path, IZIN_LOG_LAST_SEEN, NULL, INT64_MIN, 1772334000, 0);
	ck_assert_str_eq(g.text,
	                 "3:A:2026-03-01T02:30:00Z\n"
	                 "2:B:2026-03-01T09:00:00+07:00\n");
}
END_TEST

START_TEST(test_last_seen_ties)
{
	static const char *const two[] = { "A", "A", NULL };
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	struct got g;

	append_at(lg, "2026-03-01T10:00:00+07:00", two);
	/* The same instant written another way. */
	append_at(lg, "2026-03-01T03:00:00Z", two + 1);
	izin_log_close(lg);
	g = run(path, IZIN_LOG_LAST_SEEN, NULL, INT64_MIN, INT64_MAX, 0);
	ck_assert_str_eq(g.text, "3:A:2026-03-01T03:00:00Z\n");
}
END_TEST

START_TEST(test_export_after)
{
	struct got g = { "", 0, { "" }, 0 };
	izin_log_query q = { IZIN_LOG_EXPORT, NULL, INT64_MIN, INT64_MAX, 3,
	                     got_columns, got_record, &g };
	izin_log *lg;

	make_log(path);
	lg = open_log(path, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_run(lg, &q), IZIN_OK);
	izin_log_close(lg);
	ck_assert_str_eq(g.text, "4:C:2026-03-02T10:00:00+08:00\n"
	                 "5:A:2026-03-03T10:00:00+07:00\n");
	ck_assert_uint_eq(g.nkeys, 4 + 11);
	ck_assert_str_eq(g.keys[0], "status");
	ck_assert_str_eq(g.keys[4], "seq");
	ck_assert_str_eq(g.keys[12], "dseq");
	ck_assert_str_eq(g.keys[13], "hash");
	ck_assert_str_eq(g.keys[14], "checkpoint");
	g = run(path, IZIN_LOG_EXPORT, NULL, INT64_MIN, INT64_MAX, 0);
	ck_assert_uint_eq(g.n, 5);
	g = run(path, IZIN_LOG_EXPORT, NULL, INT64_MIN, INT64_MAX, 5);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

/* Columns of every layout, in order first seen, for a TSV header. */
START_TEST(test_columns_union)
{
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	izin_record *r = izin_record_new();
	struct got g = { "", 0, { "" }, 0 };
	izin_log_query q = { IZIN_LOG_TRAIL, "P", INT64_MIN, INT64_MAX, 0,
	                     got_columns, got_record, &g };

	ck_assert_int_eq(izin_record_set(r, "permit", "P", 1), 0);
	ck_assert_int_eq(izin_record_set(r, "a", "1", 1), 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	izin_record_clear(r);
	ck_assert_int_eq(izin_record_set(r, "b", "2", 1), 0);
	ck_assert_int_eq(izin_record_set(r, "permit", "P", 1), 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &officer, 0, NULL, NULL), IZIN_OK);
	ck_assert_int_eq(izin_log_run(lg, &q), IZIN_OK);
	ck_assert_uint_eq(g.nkeys, 3 + 8);
	ck_assert_str_eq(g.keys[0], "permit");
	ck_assert_str_eq(g.keys[1], "a");
	ck_assert_str_eq(g.keys[2], "b");
	ck_assert_str_eq(g.keys[3], "seq");
	ck_assert_uint_eq(g.n, 2);
	izin_record_free(r);
	izin_log_close(lg);
}
END_TEST

START_TEST(test_verify_sound)
{
	izin_log_fault f;

	make_log(path);
	f = verify_fault(path);
	ck_assert_int_eq(f.found, 0);
	ck_assert_ptr_null(f.why);
}
END_TEST

/* A row copied from seq 2 (or 3, or 1), then changed in place: the
 * columns, so each case says only what it changes. */
#define COPY_ROW(dev, dseq, prev, from) "INSERT INTO sighting(device, dseq," \
	" time, epoch, reporter, reporter_kind, place, lat, lon, permit," \
	" layout, record, prev_hash, hash) SELECT " dev ", " dseq ", time," \
	" epoch, reporter, reporter_kind, place, lat, lon, permit, layout," \
	" record, " prev ", hash FROM sighting WHERE seq = " from

/* Logs of make_log() changed behind the library's back, each as an
 * intruder would, and the first seq --verify must name (with a word of
 * its reason, where one matters). */
static const struct tampered {
	const char *what, *sql;
	int64_t bad;
	const char *word;
} tampered[] = {
	{ "altered field",
	  "UPDATE sighting SET place = 'Surabaya' WHERE seq = 3", 3, "altered" },
	{ "altered record",
	  "UPDATE sighting SET record = replace(record, 'Ana', 'Eve')"
	  " WHERE seq = 4", 4, NULL },
	/* The indexed copies must agree with what was hashed, or --trail
	 * could hide a sighting. */
	{ "altered permit column",
	  "UPDATE sighting SET permit = 'Z' WHERE seq = 2", 2, "permit" },
	{ "altered epoch column",
	  "UPDATE sighting SET epoch = epoch + 86400 WHERE seq = 5", 5, NULL },
	{ "altered layout",
	  "UPDATE layout SET keys = replace(keys, 'name', 'nama')", 1, NULL },
	{ "deleted in the middle",
	  "DELETE FROM sighting WHERE seq = 2", 3, "deleted" },
	{ "deleted last", "DELETE FROM sighting WHERE seq = 5", 5, "deleted" },
	/* Closing the gap: every later dseq moved down by one. */
	{ "deleted and renumbered",
	  "DELETE FROM sighting WHERE seq = 2;"
	  "UPDATE sighting SET dseq = dseq - 1 WHERE seq > 2", 3, NULL },
	/* A copy of a real row as a sixth sighting, linked to the head. */
	{ "inserted after the head",
	  COPY_ROW("device", "6", "(SELECT hash FROM head)", "2"), 6, NULL },
	{ "inserted for a device with no chain",
	  COPY_ROW("'ffffffffffffffff'", "1", "prev_hash", "1"), 6,
	  "inserted" },
	/* Nothing but the chain stops a second row at the same position. */
	{ "repeated", COPY_ROW("device", "dseq", "prev_hash", "3"), 6,
	  "repeats" },
	/* Two sightings trade places in seq order. */
	{ "swapped",
	  "UPDATE sighting SET seq = 100 WHERE seq = 2;"
	  "UPDATE sighting SET seq = 2 WHERE seq = 3;"
	  "UPDATE sighting SET seq = 3 WHERE seq = 100", 2, NULL },
};

START_TEST(test_tampered)
{
	const struct tampered *t = &tampered[_i];
	izin_log_fault f;

	make_log(path);
	tamper(path, t->sql);
	f = verify_fault(path);
	ck_assert_msg(f.found && f.has_seq, "%s: verified", t->what);
	ck_assert_msg(f.seq == t->bad, "%s: seq %lld, not %lld", t->what,
	              (long long)f.seq, (long long)t->bad);
	if (t->word != NULL)
		ck_assert_msg(strstr(f.why, t->word) != NULL, "%s: %s",
		              t->what, f.why);
}
END_TEST

START_TEST(test_merge_twice)
{
	static const char *const p[] = { "Q", "R", NULL };
	izin_log *lg, *other;
	int64_t added, count;
	izin_log_fault f;
	struct got g;

	make_log(path2);
	lg = open_log(path, IZIN_LOG_CREATE);
	append_at(lg, "2026-03-04T10:00:00+07:00", p);
	other = open_log(path2, IZIN_LOG_READ);
	ck_assert_str_ne(izin_log_device(lg), izin_log_device(other));
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 5);
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(added, 0);
	izin_log_close(other);
	/* Ours goes on after the merge, on its own chain. */
	append_at(lg, "2026-03-05T10:00:00+07:00", p);
	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	ck_assert_int_eq(count, 9);
	ck_assert_int_eq(f.found, 0);
	izin_log_close(lg);
	g = run(path, IZIN_LOG_TRAIL, "A", INT64_MIN, INT64_MAX, 0);
	ck_assert_str_eq(g.text,
	                 "3:A:2026-03-01T08:00:00+07:00\n"
	                 "5:A:2026-03-01T02:30:00Z\n"
	                 "7:A:2026-03-03T10:00:00+07:00\n");
	/* The other log grows; a second merge brings only the new ones,
	 * and merging it back brings ours there. */
	lg = open_log(path2, IZIN_LOG_WRITE);
	append_at(lg, "2026-03-06T10:00:00+07:00", p);
	other = open_log(path, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(added, 4);
	izin_log_close(other);
	izin_log_close(lg);
	lg = open_log(path, IZIN_LOG_WRITE);
	other = open_log(path2, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(added, 2);
	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	ck_assert_int_eq(count, 11);
	ck_assert_int_eq(f.found, 0);
	izin_log_close(other);
	izin_log_close(lg);
}
END_TEST

START_TEST(test_merge_tampered)
{
	static const char *const p[] = { "Q", NULL };
	izin_log *lg, *other;
	int64_t added;
	izin_log_fault f;

	make_log(path2);
	tamper(path2, "UPDATE sighting SET reporter = 'T99' WHERE seq = 4");
	lg = open_log(path, IZIN_LOG_CREATE);
	append_at(lg, "2026-03-04T10:00:00+07:00", p);
	other = open_log(path2, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 1);
	ck_assert_int_eq(f.seq, 4);
	ck_assert_int_eq(added, 0);
	izin_log_close(other);
	izin_log_close(lg);
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM sighting"), 1);
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM head"), 1);
}
END_TEST

/* Two copies of one log that went different ways: the second is refused
 * whole, not half merged. */
START_TEST(test_merge_diverged)
{
	static const char *const x[] = { "X", "X2", NULL }, *const y[] = { "Y", NULL };
	char cmd[300];
	izin_log *lg, *other;
	int64_t added;
	izin_log_fault f;

	make_log(path);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, path2);
	ck_assert_int_eq(system(cmd), 0);
	lg = open_log(path, IZIN_LOG_WRITE);
	append_at(lg, "2026-03-04T10:00:00+07:00", y);
	izin_log_close(lg);
	lg = open_log(path2, IZIN_LOG_WRITE);
	append_at(lg, "2026-03-04T10:00:00+07:00", x);
	izin_log_close(lg);
	lg = open_log(path, IZIN_LOG_WRITE);
	other = open_log(path2, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 1);
	ck_assert_int_eq(f.seq, 6);
	ck_assert_int_eq(added, 0);
	ck_assert_ptr_nonnull(strstr(f.why, "differs"));
	izin_log_close(other);
	izin_log_close(lg);
	ck_assert_int_eq(count_rows(path, "SELECT count(*) FROM sighting"), 6);
	/* The shorter way round too: theirs ends where ours differs. */
	lg = open_log(path2, IZIN_LOG_WRITE);
	other = open_log(path, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 1);
	ck_assert_int_eq(f.seq, 6);
	izin_log_close(other);
	izin_log_close(lg);
}
END_TEST

/*
 * The property: --verify says "verified" exactly for a log that is what
 * was appended, or that log with the documented limits of report-log(1)
 * applied: each device's newest sightings cut off with its head rewritten
 * to the new end (or the device's chain and head removed), and seq
 * numbers changed while each device's own order is kept.  Many seeded
 * random mutations of a small log of two devices, made with SQLite as an
 * intruder would, and an oracle that compares the result with the log as
 * appended, row content and types included.
 */
#define PROP_LOOPS 16
#define PROP_ITERS 150
#define PMAX 64

/* xorshift64*: the same mutations on every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* A log's content: type and bytes of every column but seq, the layout by
 * its names rather than its id. */
struct snap {
	size_t n, nh;
	int64_t seq[PMAX];
	int seqint[PMAX];
	char *dev[PMAX], *body[PMAX], *hash[PMAX];
	char *hdev[PMAX], *hdseq[PMAX], *hseq[PMAX], *hhash[PMAX];
};

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	char *d = strdup(v ? v : "");

	ck_assert_ptr_nonnull(d);
	return d;
}

/* A value as its type and every byte: quote() would stop at a NUL. */
#define Q(x) "(typeof(" x ") || ':' || hex(" x "))"

static void
snap_load(sqlite3 *db, struct snap *sn)
{
	sqlite3_stmt *st;

	memset(sn, 0, sizeof(*sn));
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT seq,"
	    " typeof(seq) = 'integer', " Q("device") ", " Q("dseq") " || '|' ||"
	    " " Q("time") " || '|' || " Q("epoch") " || '|' || " Q("reporter")
	    " || '|' || " Q("reporter_kind") " || '|' || " Q("place") " || '|'"
	    " || " Q("lat") " || '|' || " Q("lon") " || '|' || " Q("permit")
	    " || '|' || typeof(layout) || " Q("(SELECT keys FROM layout l"
	    " WHERE l.id = s.layout)") " || '|' || " Q("record") " || '|' || "
	    Q("prev_hash") " || '|' || " Q("hash") ", " Q("hash")
	    " FROM sighting s ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ck_assert_uint_lt(sn->n, PMAX);
		sn->seq[sn->n] = sqlite3_column_int64(st, 0);
		sn->seqint[sn->n] = sqlite3_column_int(st, 1);
		sn->dev[sn->n] = col_dup(st, 2);
		sn->body[sn->n] = col_dup(st, 3);
		sn->hash[sn->n] = col_dup(st, 4);
		sn->n++;
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT " Q("device") ","
	    " quote(dseq), quote(seq), " Q("hash") " FROM head", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ck_assert_uint_lt(sn->nh, PMAX);
		sn->hdev[sn->nh] = col_dup(st, 0);
		sn->hdseq[sn->nh] = col_dup(st, 1);
		sn->hseq[sn->nh] = col_dup(st, 2);
		sn->hhash[sn->nh] = col_dup(st, 3);
		sn->nh++;
	}
	sqlite3_finalize(st);
}

static void
snap_free(struct snap *sn)
{
	for (size_t i = 0; i < sn->n; i++)
		free(sn->dev[i]), free(sn->body[i]), free(sn->hash[i]);
	for (size_t i = 0; i < sn->nh; i++)
		free(sn->hdev[i]), free(sn->hdseq[i]), free(sn->hseq[i]),
		free(sn->hhash[i]);
}

/* 1 when m is o, or o within the documented limits. */
static int
sound(const struct snap *o, const struct snap *m)
{
	size_t heads = 0;

	for (size_t i = 0; i < m->n; i++) {
		size_t j;
		if (!m->seqint[i] || m->seq[i] < 1)
			return 0;
		for (j = 0; j < o->n; j++)
			if (strcmp(m->dev[i], o->dev[j]) == 0)
				break;
		if (j == o->n)
			return 0;
	}
	for (size_t d = 0; d < o->n; d++) {
		size_t k = 0, j = 0, last = 0, h;
		char num[24];
		int first = 1;
		for (size_t e = 0; e < d; e++)
			if (strcmp(o->dev[e], o->dev[d]) == 0)
				first = 0;
		if (!first)
			continue;
		/* Their rows in seq order are a prefix of ours. */
		for (size_t i = 0; i < m->n; i++) {
			if (strcmp(m->dev[i], o->dev[d]) != 0)
				continue;
			while (j < o->n && strcmp(o->dev[j], o->dev[d]) != 0)
				j++;
			if (j == o->n || strcmp(m->body[i], o->body[j]) != 0)
				return 0;
			last = i;
			k++;
			j++;
		}
		for (h = 0; h < m->nh; h++)
			if (strcmp(m->hdev[h], o->dev[d]) == 0)
				break;
		if (k == 0) {
			if (h < m->nh)
				return 0;
			continue;
		}
		heads++;
		snprintf(num, sizeof num, "%zu", k);
		if (h == m->nh || strcmp(m->hdseq[h], num) != 0 ||
		    strcmp(m->hhash[h], m->hash[last]) != 0)
			return 0;
		snprintf(num, sizeof num, "%lld", (long long)m->seq[last]);
		if (strcmp(m->hseq[h], num) != 0)
			return 0;
	}
	return heads == m->nh;
}

static const char *const prop_cols[] = {
	"seq", "device", "dseq", "time", "epoch", "reporter", "reporter_kind",
	"place", "lat", "lon", "permit", "layout", "record", "prev_hash", "hash"
};

/* New values for a column %s: neighbours, impossible ones, other types,
 * another row's. */
static const char *const prop_vals[] = {
	"%s + 1", "%s - 1", "0", "-1", "NULL", "%s || 'x'", "substr(%s, 2)",
	"''", "CAST(%s AS BLOB)", "CAST(%s AS TEXT)", "randomblob(32)",
	"zeroblob(32)", "X'00'", "(SELECT %s FROM sighting WHERE seq = ?2)",
	"upper(%s)", "%s * 1.0", "%s + 0", "%s || char(0) || 'x'",
};

#define HEAD_DEV "(SELECT device FROM head ORDER BY device LIMIT 1 OFFSET ?3)"
#define COLS_NOSEQ "device, dseq, time, epoch, reporter, reporter_kind," \
	" place, lat, lon, permit, layout, record, prev_hash, hash"

/* Whole mutations: ?1 and ?2 a seq, ?3 a head, ?4 -1 or 0, ?5 a dseq. */
static const char *const prop_muts[] = {
	"DELETE FROM sighting WHERE seq = ?1",
	"INSERT INTO sighting(" COLS_NOSEQ ") SELECT " COLS_NOSEQ
	" FROM sighting WHERE seq = ?1",
	"INSERT INTO sighting(seq, " COLS_NOSEQ ") SELECT ?4, " COLS_NOSEQ
	" FROM sighting WHERE seq = ?1",
	"INSERT INTO sighting(seq, " COLS_NOSEQ ") SELECT ?4, device, dseq,"
	" '2026-03-09T10:00:00Z', 1773050400, 'X9', reporter_kind, 'Pelabuhan',"
	" lat, lon, permit, layout, record, prev_hash, hash FROM sighting"
	" WHERE seq = ?1",
	"UPDATE sighting SET seq = -7 WHERE seq = ?1;"
	"UPDATE sighting SET seq = ?1 WHERE seq = ?2;"
	"UPDATE sighting SET seq = ?2 WHERE seq = -7",
	"UPDATE sighting SET dseq = (SELECT dseq FROM sighting WHERE seq = ?2)"
	" WHERE seq = ?1",
	"DELETE FROM head WHERE device = " HEAD_DEV,
	"INSERT OR REPLACE INTO head SELECT 'ffffffffffffffff', dseq, seq,"
	" hash FROM head",
	"UPDATE head SET dseq = dseq - 1, seq = (SELECT seq FROM sighting s"
	" WHERE s.device = head.device AND s.dseq = head.dseq - 1)"
	" WHERE device = " HEAD_DEV,
	"UPDATE head SET seq = 0, hash = zeroblob(32) WHERE device = " HEAD_DEV,
	"UPDATE layout SET keys = keys || 'x' WHERE id = (SELECT min(id)"
	" FROM layout)",
	"UPDATE layout SET keys = replace(keys, 'name', 'nama')",
	/* the documented limits */
	"DELETE FROM sighting WHERE device = " HEAD_DEV " AND dseq > ?5;"
	"UPDATE head SET dseq = ?5, seq = (SELECT seq FROM sighting s"
	" WHERE s.device = head.device AND s.dseq = ?5), hash = (SELECT hash"
	" FROM sighting s WHERE s.device = head.device AND s.dseq = ?5)"
	" WHERE ?5 > 0 AND device = " HEAD_DEV ";"
	"DELETE FROM head WHERE ?5 = 0 AND device = " HEAD_DEV,
	"UPDATE sighting SET seq = seq + 1000; UPDATE head SET seq = seq + 1000",
	"UPDATE sighting SET seq = seq + 1000",
};

/* Run every statement of sql with the parameters p[0..4] bound; a
 * statement SQLite refuses (a NOT NULL, say) changes nothing. */
static void
prop_exec(sqlite3 *db, const char *sql, const int64_t p[5])
{
	const char *tail = sql;
	sqlite3_stmt *st;

	while (*tail != '\0') {
		ck_assert_int_eq(sqlite3_prepare_v2(db, tail, -1, &st, &tail),
		                 SQLITE_OK);
		if (st == NULL)
			break;
		for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++)
			sqlite3_bind_int64(st, i, p[i - 1]);
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
	}
}

/* One random mutation into db; what it was to what (for a failure). */
static void
mutate(sqlite3 *db, uint64_t *r, char *what, size_t len)
{
	char sql[1024], expr[256];
	int64_t p[5];
	size_t used = strlen(what);
	const char *tmpl;

	p[0] = (int64_t)(rnd(r) % 14) - 1;
	p[1] = (int64_t)(rnd(r) % 14) - 1;
	p[2] = (int64_t)(rnd(r) % 2);
	p[3] = -(int64_t)(rnd(r) % 2);
	p[4] = (int64_t)(rnd(r) % 7);
	switch (rnd(r) % 3) {
	case 0: {
		const char *c = prop_cols[rnd(r) % 15];
		snprintf(expr, sizeof expr,
		         prop_vals[rnd(r) % (sizeof prop_vals / sizeof *prop_vals)],
		         c);
		snprintf(sql, sizeof sql, "UPDATE OR REPLACE sighting SET %s = %s"
		         " WHERE seq = ?1", c, expr);
		break;
	}
	case 1: {
		static const char *const hc[] = { "device", "dseq", "seq",
		                                  "hash" };
		const char *c = hc[rnd(r) % 4];
		snprintf(expr, sizeof expr,
		         prop_vals[rnd(r) % (sizeof prop_vals / sizeof *prop_vals)],
		         c);
		snprintf(sql, sizeof sql, "UPDATE OR REPLACE head SET %s = %s"
		         " WHERE device = " HEAD_DEV, c, expr);
		break;
	}
	default:
		tmpl = prop_muts[rnd(r) % (sizeof prop_muts / sizeof *prop_muts)];
		snprintf(sql, sizeof sql, "%s", tmpl);
	}
	prop_exec(db, sql, p);
	snprintf(what + used, len - used, "[%s; %lld %lld %lld %lld %lld] ",
	         sql, (long long)p[0], (long long)p[1], (long long)p[2],
	         (long long)p[3], (long long)p[4]);
}

/* Two devices, two layouts, their sightings interleaved by a merge. */
static void
make_two_device_log(const char *p, const char *other)
{
	static const char *const q[] = { "Q", "R", NULL };
	izin_log *lg, *o;
	izin_log_fault f;
	izin_record *r;
	int64_t added;

	make_log(other);
	lg = open_log(p, IZIN_LOG_CREATE);
	append_at(lg, "2026-03-04T10:00:00+07:00", q);
	o = open_log(other, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_merge(lg, o, IZIN_MERGE_ENROL, &added, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 0);
	izin_log_close(o);
	r = scan("S", "Sri");
	ck_assert_int_eq(izin_record_set(r, "note", "late", 4), 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	izin_record_free(r);
	append_at(lg, "2026-03-05T10:00:00+07:00", q);
	izin_log_close(lg);
}

static void
put_file(const char *p, const char *buf, size_t len)
{
	FILE *fp = fopen(p, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(test_verify_property)
{
	char work[160], side[176], what[8192], merged[160], merged_wal[176];
	struct snap o, m;
	uint64_t r = 0x9e3779b97f4a7c15ULL * (uint64_t)(_i + 1);
	size_t len;
	sqlite3 *db;
	char *base;
	int nsound = 0, nfound = 0;

	make_two_device_log(path, path2);
	base = slurp(path, &len);
	ck_assert_uint_lt(len, 1 << 16);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	snap_load(db, &o);
	sqlite3_close(db);
	ck_assert_uint_eq(o.n, 10);
	ck_assert_uint_eq(o.nh, 2);
	snprintf(work, sizeof work, "%s/w.db", dir);
	snprintf(merged, sizeof merged, "%s/m.db", dir);
	snprintf(merged_wal, sizeof merged_wal, "%s-wal", merged);
	for (int it = 0; it < PROP_ITERS; it++) {
		izin_log *lg;
		izin_log_fault f;
		int64_t count;
		int rc, ok, n = 1 + (int)(rnd(&r) % 3);

		snprintf(side, sizeof side, "%s-wal", work);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", work);
		unlink(side);
		put_file(work, base, len);
		ck_assert_int_eq(sqlite3_open(work, &db), SQLITE_OK);
		what[0] = '\0';
		for (int k = 0; k < n; k++)
			mutate(db, &r, what, sizeof what);
		snap_load(db, &m);
		ok = sound(&o, &m);
		snap_free(&m);
		ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
		ck_assert_int_eq(izin_log_open(work, IZIN_LOG_READ, &lg),
		                 IZIN_OK);
		rc = izin_log_verify(lg, &count, &f);
		if (ok)
			ck_assert_msg(rc == IZIN_OK && !f.found, "loop %d, %d: a"
			              " sound log refused (%s, seq %lld): %s", _i,
			              it, f.why ? f.why : izin_strerror(rc),
			              (long long)f.seq, what);
		else
			ck_assert_msg(rc < 0 || f.found, "loop %d, %d: a changed"
			              " log verified: %s", _i, it, what);
		/* A merge takes the log whole or not at all, as verify says. */
		if (it % 4 == 0) {
			izin_log *to;
			int64_t added;
			unlink(merged);
			unlink(merged_wal);
			to = open_log(merged, IZIN_LOG_CREATE);
			rc = izin_log_merge(to, lg, IZIN_MERGE_ENROL, &added, &f);
			izin_log_close(to);
			if (ok)
				ck_assert_msg(rc == IZIN_OK && !f.found &&
				              added == count, "loop %d, %d: a sound"
				              " log not merged: %s", _i, it, what);
			else
				ck_assert_msg((rc < 0 || f.found) &&
				              count_rows(merged, "SELECT count(*)"
				              " FROM sighting") == 0, "loop %d, %d: a"
				              " changed log merged: %s", _i, it, what);
		}
		izin_log_close(lg);
		nsound += ok;
		nfound += !ok;
	}
	if (getenv("IZIN_PROPERTY_STATS") != NULL)
		fprintf(stderr, "loop %d: %d mutated logs, %d within the limits"
		        " (verified), %d refused\n", _i, PROP_ITERS, nsound,
		        nfound);
	/* Both sides of the property were met. */
	ck_assert_int_gt(nsound, 0);
	ck_assert_int_gt(nfound, 0);
	snap_free(&o);
	free(base);
}
END_TEST

/* Refused, and the file as it was; a file that was no log gets no
 * WAL beside it either. */
static void
assert_refused(const char *p, int mode, int want)
{
	izin_log *lg;
	char *before, *after;
	size_t n1, n2;
	struct stat st;
	char side[160];

	before = slurp(p, &n1);
	ck_assert_int_eq(izin_log_open(p, mode, &lg), want);
	izin_log_close(lg);
	after = slurp(p, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(before, after, n1);
	snprintf(side, sizeof side, "%s-wal", p);
	if (want == IZIN_EFOREIGN)
		ck_assert_int_ne(stat(side, &st), 0);
	free(before);
	free(after);
}

START_TEST(test_not_a_log)
{
	FILE *fp;
	sqlite3 *db;

	fp = fopen(path, "w");
	fputs("permit\tkind\nA\tITK\n", fp);
	fclose(fp);
	assert_refused(path, IZIN_LOG_CREATE, IZIN_EFOREIGN);
	assert_refused(path, IZIN_LOG_READ, IZIN_EFOREIGN);
	ck_assert_int_eq(sqlite3_open(path2, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t"
	                 " VALUES(1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_refused(path2, IZIN_LOG_CREATE, IZIN_EFOREIGN);
	assert_refused(path2, IZIN_LOG_WRITE, IZIN_EFOREIGN);
	assert_refused(path2, IZIN_LOG_READ, IZIN_EFOREIGN);
}
END_TEST

START_TEST(test_newer_version)
{
	make_log(path);
	tamper(path, "PRAGMA user_version = 99");
	tamper(path, "PRAGMA wal_checkpoint(TRUNCATE)");
	assert_refused(path, IZIN_LOG_WRITE, IZIN_EVERSION);
	assert_refused(path, IZIN_LOG_READ, IZIN_EVERSION);
}
END_TEST

START_TEST(test_open_errors)
{
	izin_log *lg;

	errno = 0;
	ck_assert_int_eq(izin_log_open(path, IZIN_LOG_READ, &lg), IZIN_EIO);
	ck_assert_int_eq(errno, ENOENT);
	izin_log_close(lg);
	ck_assert_int_eq(izin_log_open(path, IZIN_LOG_WRITE, &lg), IZIN_EIO);
	izin_log_close(lg);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(izin_log_open(dir, IZIN_LOG_CREATE, &lg),
	                 IZIN_ENOTFILE);
	izin_log_close(lg);
	/* A read-only handle appends nothing. */
	make_log(path);
	lg = open_log(path, IZIN_LOG_READ);
	{
		izin_record *r = scan("A", "Ana");
		ck_assert_int_eq(izin_log_add(lg, r), IZIN_EINVAL);
		izin_record_free(r);
	}
	izin_log_close(lg);
}
END_TEST

/* A file log never loads libpq (log_pg.c loads it only for a connection
 * string), even when its name has an "=" in it. */
START_TEST(test_no_libpq)
{
	char p[4096], shown[4096];
	izin_log *lg;

	snprintf(p, sizeof p, "%s/run=3.db", dir);
	make_log(p);
	lg = open_log(p, IZIN_LOG_READ);
	izin_log_close(lg);
	izin_log_show(p, shown, sizeof shown);
	ck_assert_str_eq(shown, p);
	izin_log_show("./host=x.db", shown, sizeof shown);
	ck_assert_ptr_null(dlopen("libpq.so.5", RTLD_LAZY | RTLD_NOLOAD));
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("fields");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_sighting_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("append");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_append_echo);
	tcase_add_test(tc, test_record_checks);
	tcase_add_test(tc, test_reserved_replaced);
	tcase_add_test(tc, test_sql_verbatim);
	suite_add_tcase(s, tc);

	tc = tcase_create("query");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_trail_and_last_seen);
	tcase_add_test(tc, test_last_seen_ties);
	tcase_add_test(tc, test_export_after);
	tcase_add_test(tc, test_columns_union);
	suite_add_tcase(s, tc);

	tc = tcase_create("chain");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_verify_sound);
	tcase_add_loop_test(tc, test_tampered, 0,
	                    sizeof tampered / sizeof tampered[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("property");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_verify_property, 0, PROP_LOOPS);
	suite_add_tcase(s, tc);

	tc = tcase_create("merge");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_merge_twice);
	tcase_add_test(tc, test_merge_tampered);
	tcase_add_test(tc, test_merge_diverged);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_not_a_log);
	tcase_add_test(tc, test_newer_version);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_no_libpq);
	suite_add_tcase(s, tc);

	return s;
}

IZIN_CHECK_MAIN(log_suite)
