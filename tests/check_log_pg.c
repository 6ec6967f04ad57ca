/*
 * check_log_pg.c - the PostgreSQL store's parts that need no server:
 * which locations are connection strings, and izin_log_show(), which
 * keeps a password out of every message.  tests/cli_pg.sh runs the store
 * against a real server.
 */
#include <string.h>

#include "log_internal.h"
#include "check_util.h"

static const struct {
	const char *in, *out;
} shown[] = {
	{ "sightings.db", "sightings.db" },
	{ "./host=x.db", "./host=x.db" },
	{ "a=b.db", "a=b.db" },
	{ "postgresql://db.centre/izin", "postgresql://db.centre/izin" },
	{ "postgresql://t07:s3cret@db.centre/izin",
	  "postgresql://t07:***@db.centre/izin" },
	{ "postgres://t07:p@ss@db:5432/izin?sslmode=require",
	  "postgres://t07:***@db:5432/izin?sslmode=require" },
	{ "postgresql:///izin?host=/run/pg&password=s3cret&user=t07",
	  "postgresql:///izin?host=/run/pg&password=***&user=t07" },
	{ "postgresql://t07@db/izin", "postgresql://t07@db/izin" },
	{ "host=db dbname=izin password=s3cret user=t07",
	  "host=db dbname=izin password=*** user=t07" },
	{ "host=db password = 's3 cret\\' x' dbname=izin",
	  "host=db password = *** dbname=izin" },
	{ "dbname=izin", "dbname=izin" },
};

START_TEST(test_show)
{
	char buf[128];

	izin_log_show(shown[_i].in, buf, sizeof(buf));
	ck_assert_str_eq(buf, shown[_i].out);
	ck_assert_ptr_null(strstr(buf, "s3"));
}
END_TEST

START_TEST(test_show_truncates)
{
	char buf[16];

	izin_log_show("postgresql://t07:s3cret@db.centre/izin", buf,
	              sizeof(buf));
	ck_assert_str_eq(buf, "postgresql://t0");
	izin_log_show("password=s3cret", buf, 10);
	ck_assert_str_eq(buf, "password=");
	izin_log_show("x", buf, 0);
	izin_log_show(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_claims)
{
	const struct log_ops *pg = &izin_log_pg_ops;

	ck_assert(pg->claims("postgresql://db/izin"));
	ck_assert(pg->claims("postgres://db/izin"));
	ck_assert(pg->claims("host=db dbname=izin"));
	ck_assert(pg->claims("service=centre"));
	ck_assert(!pg->claims("sightings.db"));
	ck_assert(!pg->claims("a=b.db"));
	ck_assert(!pg->claims("./host=x.db"));
	ck_assert(!pg->claims("/var/log/izin/dbname=x"));
	ck_assert(!pg->claims(""));
}
END_TEST

static Suite *
log_pg_suite(void)
{
	Suite *s = suite_create("log_pg");
	TCase *tc = tcase_create("location");

	tcase_add_loop_test(tc, test_show, 0, sizeof shown / sizeof shown[0]);
	tcase_add_test(tc, test_show_truncates);
	tcase_add_test(tc, test_claims);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(log_pg_suite)
