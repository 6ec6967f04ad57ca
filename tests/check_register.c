/*
 * check_register.c - the issued-permit register on the SQLite store:
 * the digest, registering and finding cards, all-or-none batches, a
 * register that refuses a row (a trigger, as a closed register would),
 * and logs of the schema before the register (version 1).
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "izin.h"
#include "check_util.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/izin-check-reg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/r.db", dir);
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static izin_log *
open_log(int mode)
{
	izin_log *lg;
	int err = izin_log_open(path, mode, &lg);

	ck_assert_msg(err == IZIN_OK, "open %s: %s (%s)", path,
	              izin_strerror(err), lg ? izin_log_errmsg(lg) : "");
	return lg;
}

/* One card of permit with payload text (digest from text). */
static izin_reg
card(const char *permit, const char *text)
{
	izin_reg r = {
		permit, "ITAS", "Ana Souza", "BRA", "FX000001", "2026-03-01",
		"2026-03-01", "2027-02-28", "JAKARTA", "0123456789abcdef", { 0 }
	};

	izin_reg_digest(text, strlen(text), r.digest);
	return r;
}

static int
find(izin_log *lg, const char *permit, const char *text)
{
	unsigned char d[IZIN_DIGEST_LEN];
	int found = -1;

	izin_reg_digest(text, strlen(text), d);
	ck_assert_int_eq(izin_reg_find(lg, permit, d, &found), IZIN_OK);
	return found;
}

/* An SQL statement's single integer answer, straight from SQLite. */
static long
sql_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long v;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
sql_do(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

START_TEST(test_digest)
{
	unsigned char a[IZIN_DIGEST_LEN], b[IZIN_DIGEST_LEN];
	unsigned char want[IZIN_DIGEST_LEN];
	const char *t = "IZ1:whatever the payload holds";

	ck_assert_int_eq(izin_init(), IZIN_OK);
	izin_reg_digest(t, strlen(t), a);
	crypto_generichash(want, sizeof want, (const unsigned char *)t,
	                   strlen(t), NULL, 0);
	ck_assert_mem_eq(a, want, IZIN_DIGEST_LEN);
	/* The text's length decides, not a NUL: one byte more differs. */
	izin_reg_digest(t, strlen(t) + 1, b);
	ck_assert_int_ne(memcmp(a, b, IZIN_DIGEST_LEN), 0);
}
END_TEST

START_TEST(test_put_find)
{
	izin_reg v[3] = {
		card("P-1", "card one"), card("P-2", "card two"),
		card("P-2", "card two, reissued")
	};
	izin_log *lg = open_log(IZIN_LOG_CREATE);

	ck_assert_int_eq(find(lg, "P-1", "card one"), IZIN_REG_NONE);
	ck_assert_int_eq(izin_reg_put(lg, v, 3), IZIN_OK);
	ck_assert_int_eq(find(lg, "P-1", "card one"), IZIN_REG_MATCH);
	ck_assert_int_eq(find(lg, "P-1", "card one, forged"), IZIN_REG_OTHER);
	/* Every card of a permit stays registered: the register holds all
	 * that were sealed, not the latest alone. */
	ck_assert_int_eq(find(lg, "P-2", "card two"), IZIN_REG_MATCH);
	ck_assert_int_eq(find(lg, "P-2", "card two, reissued"),
	                 IZIN_REG_MATCH);
	ck_assert_int_eq(find(lg, "P-3", "card one"), IZIN_REG_NONE);
	/* A permit number is matched whole, not as a prefix. */
	ck_assert_int_eq(find(lg, "P-", "card one"), IZIN_REG_NONE);
	/* Registering again is harmless and adds nothing. */
	ck_assert_int_eq(izin_reg_put(lg, v, 3), IZIN_OK);
	ck_assert_int_eq(izin_reg_put(lg, v, 0), IZIN_OK);
	izin_log_close(lg);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM permits"), 3);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM permits WHERE"
	                 " permit = 'P-1' AND kind = 'ITAS' AND name ="
	                 " 'Ana Souza' AND nationality = 'BRA' AND passport ="
	                 " 'FX000001' AND issued = '2026-03-01' AND valid_from"
	                 " = '2026-03-01' AND valid_until = '2027-02-28' AND"
	                 " office = 'JAKARTA' AND kid = '0123456789abcdef'"
	                 " AND length(digest) = 32"), 1);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), IZIN_LOG_VERSION);

	/* Read only, as qr-scan opens it. */
	lg = open_log(IZIN_LOG_READ);
	ck_assert_int_eq(find(lg, "P-2", "card two"), IZIN_REG_MATCH);
	ck_assert_int_eq(izin_reg_put(lg, v, 1), IZIN_EINVAL);
	izin_log_close(lg);
}
END_TEST

START_TEST(test_bad_args)
{
	izin_reg v[2] = { card("P-1", "one"), card("P-2", "two") };
	unsigned char d[IZIN_DIGEST_LEN] = { 0 };
	izin_log *lg = open_log(IZIN_LOG_CREATE);
	int found;

	v[1].kid = NULL;
	ck_assert_int_eq(izin_reg_put(lg, v, 2), IZIN_EINVAL);
	v[1] = card("", "two");
	ck_assert_int_eq(izin_reg_put(lg, v, 2), IZIN_EINVAL);
	ck_assert_int_eq(find(lg, "P-1", "one"), IZIN_REG_NONE);
	ck_assert_int_eq(izin_reg_put(NULL, v, 1), IZIN_EINVAL);
	ck_assert_int_eq(izin_reg_put(lg, NULL, 1), IZIN_EINVAL);
	found = 7;
	ck_assert_int_eq(izin_reg_find(lg, NULL, d, &found), IZIN_EINVAL);
	ck_assert_int_eq(found, IZIN_REG_NONE);
	ck_assert_int_eq(izin_reg_find(NULL, "P-1", d, &found), IZIN_EINVAL);
	izin_log_close(lg);
}
END_TEST

/* A row the store refuses fails the whole batch: nothing of it is kept,
 * and the log takes the next batch. */
START_TEST(test_all_or_none)
{
	izin_reg v[3] = {
		card("P-1", "one"), card("P-BAD", "two"), card("P-3", "three")
	};
	izin_log *lg = open_log(IZIN_LOG_CREATE);

	izin_log_close(lg);
	sql_do("CREATE TRIGGER refuse BEFORE INSERT ON permits"
	       " WHEN NEW.permit = 'P-BAD'"
	       " BEGIN SELECT RAISE(ABORT, 'register closed'); END");
	lg = open_log(IZIN_LOG_WRITE);
	ck_assert_int_eq(izin_reg_put(lg, v, 3), IZIN_EIO);
	ck_assert_ptr_nonnull(strstr(izin_log_errmsg(lg), "register closed"));
	ck_assert_int_eq(find(lg, "P-1", "one"), IZIN_REG_NONE);
	ck_assert_int_eq(find(lg, "P-3", "three"), IZIN_REG_NONE);
	v[1] = card("P-2", "two");
	ck_assert_int_eq(izin_reg_put(lg, v, 3), IZIN_OK);
	ck_assert_int_eq(find(lg, "P-2", "two"), IZIN_REG_MATCH);
	izin_log_close(lg);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM permits"), 3);
}
END_TEST

/* A batch the size of a day's issue, in one transaction. */
START_TEST(test_many)
{
	enum { N = 10000 };
	static char permits[N][16], texts[N][32];
	static izin_reg v[N];
	izin_log *lg = open_log(IZIN_LOG_CREATE);

	for (int i = 0; i < N; i++) {
		snprintf(permits[i], sizeof permits[i], "B%05d-K", i);
		snprintf(texts[i], sizeof texts[i], "payload %d", i);
		v[i] = card(permits[i], texts[i]);
	}
	ck_assert_int_eq(izin_reg_put(lg, v, N), IZIN_OK);
	for (int i = 0; i < N; i += 997)
		ck_assert_int_eq(find(lg, permits[i], texts[i]),
		                 IZIN_REG_MATCH);
	ck_assert_int_eq(find(lg, permits[1], texts[2]), IZIN_REG_OTHER);
	izin_log_close(lg);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM permits"), N);
}
END_TEST

/* A log of version 1 (no register): read as it is, with an empty
 * register; brought to version 2 when opened to write, sightings kept. */
START_TEST(test_version1)
{
	izin_reg v = card("P-1", "one");
	izin_log *lg = open_log(IZIN_LOG_CREATE);
	izin_record *r = izin_record_new();
	const izin_sighting s = {
		"2026-03-01T10:00:00+07:00", "T07", "officer", "Lamongan", "",
		""
	};
	int64_t count;
	izin_log_fault f;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(izin_record_set(r, "permit", "P-1", 3), 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &s, 0, NULL, NULL), IZIN_OK);
	izin_record_free(r);
	izin_log_close(lg);
	sql_do("DROP TABLE permits; DROP TABLE device_key;"
	       " DROP TABLE checkpoint; PRAGMA user_version = 1;"
	       " PRAGMA wal_checkpoint(TRUNCATE)");

	lg = open_log(IZIN_LOG_READ);
	ck_assert_int_eq(find(lg, "P-1", "one"), IZIN_REG_NONE);
	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	ck_assert_int_eq(count, 1);
	izin_log_close(lg);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), 1);

	lg = open_log(IZIN_LOG_WRITE);
	ck_assert_int_eq(izin_reg_put(lg, &v, 1), IZIN_OK);
	ck_assert_int_eq(find(lg, "P-1", "one"), IZIN_REG_MATCH);
	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(f.found, 0);
	izin_log_close(lg);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), IZIN_LOG_VERSION);
}
END_TEST

static Suite *
register_suite(void)
{
	Suite *s = suite_create("register");
	TCase *tc = tcase_create("digest");

	tcase_add_test(tc, test_digest);
	suite_add_tcase(s, tc);
	tc = tcase_create("sqlite");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_put_find);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_all_or_none);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_version1);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(register_suite)
