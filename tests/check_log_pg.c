/*
 * check_log_pg.c - the PostgreSQL store.  Without a server: which
 * locations are connection strings, and izin_log_show(), which keeps a
 * password out of every message.  Against a real throwaway server
 * (tests/pg.sh, started once for the "server" case): device keys and
 * checkpoints as the store holds them, byte for byte, rows of the wrong
 * shape, a schema of version 1 read and migrated, and the same through
 * the library (enrolment, signed checkpoints, merges).  tests/cli_pg.sh
 * runs the tools against a server.
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The server's folder, made once for the "server" case; each test has
 * a database of its own in it, and a folder for its SQLite files. */
static char srvdir[64];
static char dir[64];

/* tests/pg.sh: beside the test data when run.sh says where that is. */
static void
pg_sh(char *buf, size_t size)
{
	const char *d = getenv("IZIN_TESTDATA");
	int n;

	n = d != NULL ? snprintf(buf, size, "%s/../pg.sh", d) :
	    snprintf(buf, size, "tests/pg.sh");
	ck_assert(n > 0 && (size_t)n < size);
}

/* pg_start exports where the server listens to its shell only: that
 * shell prints it, and this process sets the same, so that libpq and
 * psql in every test reach it with no connection string at all. */
static void
server_start(void)
{
	char sh[256], cmd[1024], host[256];
	FILE *f;
	size_t n;

	strcpy(srvdir, "/tmp/izin-check-pg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(srvdir));
	pg_sh(sh, sizeof sh);
	/* A server half started is stopped here: no teardown follows a
	 * failed setup. */
	n = (size_t)snprintf(cmd, sizeof cmd, ". '%s' && { pg_start '%s' >&2 ||"
	                     " { pg_stop; rm -rf '%s'; exit 1; }; } &&"
	                     " printf %%s \"$PGHOST\"", sh, srvdir, srvdir);
	ck_assert_uint_lt(n, sizeof cmd);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	n = fread(host, 1, sizeof host - 1, f);
	host[n] = '\0';
	ck_assert_msg(pclose(f) == 0 && n > 0,
	              "no PostgreSQL server (tests/pg.sh): apt-get install"
	              " postgresql");
	ck_assert_int_eq(setenv("PGHOST", host, 1), 0);
	ck_assert_int_eq(setenv("PGPORT", "5432", 1), 0);
	ck_assert_int_eq(setenv("PGUSER", "izin", 1), 0);
	ck_assert_int_eq(setenv("PGDATABASE", "izin", 1), 0);
	ck_assert_int_eq(setenv("PGCONNECT_TIMEOUT", "10", 1), 0);
}

static void
server_stop(void)
{
	char sh[256], cmd[1024];
	int n;

	pg_sh(sh, sizeof sh);
	n = snprintf(cmd, sizeof cmd, ". '%s' && _pg_dir='%s/pg' &&"
	             " _pg_bin=$(pg_bindir) && pg_stop; rm -rf '%s'", sh, srvdir,
	             srvdir);
	ck_assert(n > 0 && (size_t)n < sizeof cmd);
	ck_assert_int_eq(system(cmd), 0);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/izin-check-log-pg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Run sql with psql on database db; its output (unaligned, tuples only,
 * the newline cut) to out when out is not NULL.  The SQL goes through a
 * file, so that it may hold any quote. */
static void
psql(const char *db, const char *sql, char *out, size_t size)
{
	char file[128], cmd[512];
	FILE *f;
	size_t n = 0;

	snprintf(file, sizeof file, "%s/q.sql", dir);
	ck_assert_ptr_nonnull(f = fopen(file, "w"));
	ck_assert_int_ge(fputs(sql, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof cmd, "PGOPTIONS='-c client_min_messages=warning'"
	         " psql -X -q -A -t -v ON_ERROR_STOP=1 -d '%s' -f '%s'", db,
	         file);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	if (out != NULL) {
		n = fread(out, 1, size - 1, f);
		out[n] = '\0';
		while (n > 0 && out[n - 1] == '\n')
			out[--n] = '\0';
	} else {
		char junk[256];
		while (fread(junk, 1, sizeof junk, f) > 0)
			;
	}
	ck_assert_msg(pclose(f) == 0, "psql: %s", sql);
}

/* A fresh database name; its connection string to loc. */
static void
newdb(const char *name, char *loc, size_t size)
{
	char sql[256];

	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s;"
	         " CREATE DATABASE %s;", name, name);
	psql("izin", sql, NULL, 0);
	ck_assert_uint_lt((size_t)snprintf(loc, size, "dbname=%s", name),
	                  size);
}

static izin_log *
open_log(const char *loc, int mode)
{
	izin_log *lg = NULL;
	int err = izin_log_open(loc, mode, &lg);

	ck_assert_msg(err == IZIN_OK, "open %s: %s (%s)", loc,
	              izin_strerror(err), lg ? izin_log_errmsg(lg) : "");
	return lg;
}

/* A checkpoint of made-up bytes: every byte value, NULs and 0xff among
 * them, so that nothing is cut at a NUL or changed by an encoding. */
static izin_checkpoint
fake_cp(const char *device, int64_t dseq, unsigned seed)
{
	izin_checkpoint cp;

	memset(&cp, 0, sizeof cp);
	snprintf(cp.device, sizeof cp.device, "%s", device);
	cp.dseq = dseq;
	cp.time = INT64_C(1775000000) + seed;
	for (size_t i = 0; i < sizeof cp.hash; i++)
		cp.hash[i] = (unsigned char)(i * 7 + seed);
	for (size_t i = 0; i < sizeof cp.sig; i++)
		cp.sig[i] = (uint8_t)(255 - i * 3 - seed);
	cp.hash[0] = 0;
	cp.sig[1] = 0xff;
	return cp;
}

static void
cp_eq(const izin_checkpoint *a, const izin_checkpoint *b)
{
	ck_assert_str_eq(a->device, b->device);
	ck_assert_int_eq(a->dseq, b->dseq);
	ck_assert_int_eq(a->time, b->time);
	ck_assert_mem_eq(a->hash, b->hash, sizeof a->hash);
	ck_assert_mem_eq(a->sig, b->sig, sizeof a->sig);
}

/* Checkpoints as a log hands them out, in its order. */
struct cps {
	izin_checkpoint v[8];
	size_t n;
};

static int
cps_add(void *arg, const izin_checkpoint *cp)
{
	struct cps *c = arg;

	ck_assert_uint_lt(c->n, 8);
	c->v[c->n++] = *cp;
	return 0;
}

static struct cps
store_cps(izin_log *lg)
{
	struct cps c = { .n = 0 };

	ck_assert_int_eq(lg->ops->begin(lg, 0), IZIN_OK);
	ck_assert_int_eq(lg->ops->cps(lg, cps_add, &c), IZIN_OK);
	ck_assert_int_eq(lg->ops->end(lg), IZIN_OK);
	return c;
}

static struct cps
log_cps(izin_log *lg)
{
	struct cps c = { .n = 0 };

	ck_assert_int_eq(izin_log_checkpoints(lg, cps_add, &c), IZIN_OK);
	return c;
}

static const char dev_a[] = "0a0a0a0a0a0a0a0a", dev_b[] = "0b0b0b0b0b0b0b0b",
                  dev_c[] = "0c0c0c0c0c0c0c0c";

START_TEST(test_store_keys)
{
	char loc[64], out[64];
	uint8_t pk[IZIN_PK_LEN], got[IZIN_PK_LEN];
	izin_log *lg;
	int found;

	newdb("store_keys", loc, sizeof loc);
	lg = open_log(loc, IZIN_LOG_CREATE);
	ck_assert_ptr_eq(lg->ops, &izin_log_pg_ops);
	for (size_t i = 0; i < sizeof pk; i++)
		pk[i] = (uint8_t)(i * 37);
	/* Writes only inside a write transaction. */
	ck_assert_int_eq(lg->ops->key_put(lg, dev_a, pk), IZIN_EINVAL);
	ck_assert_int_eq(lg->ops->begin(lg, 1), IZIN_OK);
	ck_assert_int_eq(lg->ops->key_put(lg, dev_a, pk), IZIN_OK);
	ck_assert_int_eq(lg->ops->end(lg), IZIN_OK);
	ck_assert_int_eq(lg->ops->key_get(lg, dev_a, got, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(got, pk, sizeof pk);
	ck_assert_int_eq(lg->ops->key_get(lg, dev_b, got, &found), IZIN_OK);
	ck_assert_int_eq(found, 0);
	/* A second key for a device is the caller's to refuse; the table
	 * refuses it too. */
	ck_assert_int_eq(lg->ops->begin(lg, 1), IZIN_OK);
	ck_assert_int_eq(lg->ops->key_put(lg, dev_a, pk), IZIN_EIO);
	lg->ops->rollback(lg);
	izin_log_close(lg);
	psql("store_keys", "SELECT count(*), bool_and(enrolled <= now())"
	     " FROM izin.device_key", out, sizeof out);
	ck_assert_str_eq(out, "1|t");
	psql("store_keys", "SELECT app, version FROM izin.version", out,
	     sizeof out);
	ck_assert_str_eq(out, "izin|2");
}
END_TEST

START_TEST(test_store_checkpoints)
{
	char loc[64];
	izin_checkpoint a = fake_cp(dev_a, 7, 1), b = fake_cp(dev_b, 1, 2),
	                c = fake_cp(dev_c, INT64_MAX, 3), got;
	struct cps all;
	izin_log *lg;
	int found;

	newdb("store_cps", loc, sizeof loc);
	lg = open_log(loc, IZIN_LOG_CREATE);
	ck_assert_int_eq(lg->ops->cp_put(lg, &a), IZIN_EINVAL);
	ck_assert_int_eq(lg->ops->begin(lg, 1), IZIN_OK);
	/* Put out of order: they come back by device. */
	ck_assert_int_eq(lg->ops->cp_put(lg, &c), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_put(lg, &a), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_put(lg, &b), IZIN_OK);
	ck_assert_int_eq(lg->ops->end(lg), IZIN_OK);
	izin_log_close(lg);
	lg = open_log(loc, IZIN_LOG_READ);
	all = store_cps(lg);
	ck_assert_uint_eq(all.n, 3);
	cp_eq(&all.v[0], &a);
	cp_eq(&all.v[1], &b);
	cp_eq(&all.v[2], &c);
	ck_assert_int_eq(lg->ops->cp_get(lg, dev_b, &got, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	cp_eq(&got, &b);
	ck_assert_int_eq(lg->ops->cp_get(lg, "0d0d0d0d0d0d0d0d", &got, &found),
	                 IZIN_OK);
	ck_assert_int_eq(found, 0);
	izin_log_close(lg);
	/* put replaces the device's row, whole. */
	lg = open_log(loc, IZIN_LOG_WRITE);
	a = fake_cp(dev_a, 9, 4);
	ck_assert_int_eq(lg->ops->begin(lg, 1), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_put(lg, &a), IZIN_OK);
	ck_assert_int_eq(lg->ops->end(lg), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_get(lg, dev_a, &got, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	cp_eq(&got, &a);
	ck_assert_uint_eq(store_cps(lg).n, 3);
	izin_log_close(lg);
}
END_TEST

/* Rows altered behind the store's back read with the field zeroed: never
 * more bytes than the field holds. */
START_TEST(test_store_wrong_shape)
{
	char loc[64];
	izin_checkpoint a = fake_cp(dev_a, 7, 1), b = fake_cp(dev_b, 3, 2),
	                zero, got;
	uint8_t pk[IZIN_PK_LEN], got_pk[IZIN_PK_LEN];
	struct cps all;
	izin_log *lg;
	int found;

	newdb("store_shape", loc, sizeof loc);
	memset(pk, 0x5a, sizeof pk);
	lg = open_log(loc, IZIN_LOG_CREATE);
	ck_assert_int_eq(lg->ops->begin(lg, 1), IZIN_OK);
	ck_assert_int_eq(lg->ops->key_put(lg, dev_a, pk), IZIN_OK);
	ck_assert_int_eq(lg->ops->key_put(lg, dev_b, pk), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_put(lg, &a), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_put(lg, &b), IZIN_OK);
	ck_assert_int_eq(lg->ops->end(lg), IZIN_OK);
	izin_log_close(lg);
	psql("store_shape",
	     "UPDATE izin.device_key SET pk = decode(repeat('ab', 33), 'hex')"
	     "  WHERE device = '0a0a0a0a0a0a0a0a';"
	     "UPDATE izin.device_key SET pk = '\\x01'"
	     "  WHERE device = '0b0b0b0b0b0b0b0b';"
	     "UPDATE izin.checkpoint SET hash = decode(repeat('cd', 4096), 'hex'),"
	     "  sig = '\\x'  WHERE device = '0a0a0a0a0a0a0a0a';"
	     "UPDATE izin.checkpoint SET hash = '\\x00',"
	     "  sig = decode(repeat('ef', 65), 'hex')"
	     "  WHERE device = '0b0b0b0b0b0b0b0b';"
	     /* A device id too long for the struct: read as none. */
	     "INSERT INTO izin.checkpoint VALUES (repeat('f', 4096), 5,"
	     "  decode(repeat('01', 32), 'hex'), 1, decode(repeat('02', 64),"
	     "  'hex'));", NULL, 0);
	lg = open_log(loc, IZIN_LOG_READ);
	ck_assert_int_eq(lg->ops->key_get(lg, dev_a, got_pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	memset(pk, 0, sizeof pk);
	ck_assert_mem_eq(got_pk, pk, sizeof pk);
	memset(got_pk, 0x77, sizeof got_pk);
	ck_assert_int_eq(lg->ops->key_get(lg, dev_b, got_pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(got_pk, pk, sizeof pk);
	memset(&zero, 0, sizeof zero);
	ck_assert_int_eq(lg->ops->cp_get(lg, dev_a, &got, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(got.device, dev_a);
	ck_assert_int_eq(got.dseq, 7);
	ck_assert_int_eq(got.time, a.time);
	ck_assert_mem_eq(got.hash, zero.hash, sizeof zero.hash);
	ck_assert_mem_eq(got.sig, zero.sig, sizeof zero.sig);
	all = store_cps(lg);
	ck_assert_uint_eq(all.n, 3);
	ck_assert_str_eq(all.v[1].device, dev_b);
	ck_assert_mem_eq(all.v[1].hash, zero.hash, sizeof zero.hash);
	ck_assert_mem_eq(all.v[1].sig, zero.sig, sizeof zero.sig);
	ck_assert_str_eq(all.v[2].device, "");
	ck_assert_int_eq(all.v[2].dseq, 5);
	izin_log_close(lg);
}
END_TEST

/* A centre made before device keys: version 1, without the two tables. */
static void
make_v1(const char *name, char *loc, size_t size)
{
	izin_log *lg;

	newdb(name, loc, size);
	lg = open_log(loc, IZIN_LOG_CREATE);
	izin_log_close(lg);
	psql(name, "DROP TABLE izin.device_key, izin.checkpoint;"
	     "UPDATE izin.version SET version = 1;", NULL, 0);
}

START_TEST(test_store_v1)
{
	char loc[64], out[64];
	izin_checkpoint a = fake_cp(dev_a, 7, 1), got;
	uint8_t pk[IZIN_PK_LEN];
	izin_log *lg;
	int found = -1;

	make_v1("store_v1", loc, sizeof loc);
	/* Read only: no keys, no checkpoints, and left at version 1. */
	lg = open_log(loc, IZIN_LOG_READ);
	ck_assert_int_eq(lg->ops->key_get(lg, dev_a, pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 0);
	found = -1;
	ck_assert_int_eq(lg->ops->cp_get(lg, dev_a, &got, &found), IZIN_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_uint_eq(store_cps(lg).n, 0);
	izin_log_close(lg);
	psql("store_v1", "SELECT version FROM izin.version", out, sizeof out);
	ck_assert_str_eq(out, "1");
	/* For writing: migrated. */
	lg = open_log(loc, IZIN_LOG_WRITE);
	psql("store_v1", "SELECT version, to_regclass('izin.device_key') IS NOT"
	     " NULL, to_regclass('izin.checkpoint') IS NOT NULL"
	     " FROM izin.version", out, sizeof out);
	ck_assert_str_eq(out, "2|t|t");
	ck_assert_int_eq(lg->ops->begin(lg, 1), IZIN_OK);
	ck_assert_int_eq(lg->ops->cp_put(lg, &a), IZIN_OK);
	ck_assert_int_eq(lg->ops->end(lg), IZIN_OK);
	ck_assert_uint_eq(store_cps(lg).n, 1);
	izin_log_close(lg);
}
END_TEST



/* Through the library: what a tool does with a centre. */

static const izin_sighting officer = {
	"2026-03-01T10:00:00+07:00", "T07", "officer",
	"Desa Mojorejo, Lamongan", "-7.12", "112.18"
};

/* One record for permit at time t, committed. */
static void
append_at(izin_log *lg, const char *t, const char *permit)
{
	izin_sighting s = officer;
	izin_record *r = izin_record_new();

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(izin_record_set(r, "status", "VALID", 5), 0);
	ck_assert_int_eq(izin_record_set(r, "permit", permit, strlen(permit)),
	                 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	izin_record_free(r);
	s.time = t;
	ck_assert_int_eq(izin_log_commit(lg, &s, 0, NULL, NULL), IZIN_OK);
}

static izin_seckey *
device_key(izin_pubkey *pub)
{
	izin_seckey *sk = NULL;

	ck_assert_int_eq(izin_seckey_generate_device(&sk), IZIN_OK);
	izin_seckey_public(sk, pub);
	return sk;
}

/* The signer's clock: ten seconds on at each look. */
static int64_t
tick(void *arg)
{
	int64_t *t = arg;

	return *t += 10;
}

START_TEST(test_enrol)
{
	char loc[64], out[256];
	izin_pubkey p1, p2;
	izin_seckey *k1 = device_key(&p1), *k2 = device_key(&p2);
	uint8_t pk[IZIN_PK_LEN];
	izin_log *lg;
	int found = -1;

	newdb("enrol", loc, sizeof loc);
	lg = open_log(loc, IZIN_LOG_CREATE);
	ck_assert_int_eq(izin_log_key(lg, dev_a, pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(izin_log_enrol(lg, dev_a, p1.pk), IZIN_OK);
	ck_assert_int_eq(izin_log_enrol(lg, dev_a, p1.pk), IZIN_OK);
	ck_assert_int_eq(izin_log_enrol(lg, dev_a, p2.pk), IZIN_EKEYCHANGE);
	ck_assert_int_eq(izin_log_enrol(lg, dev_b, p2.pk), IZIN_OK);
	izin_log_close(lg);
	lg = open_log(loc, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_key(lg, dev_a, pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(pk, p1.pk, IZIN_PK_LEN);
	ck_assert_int_eq(izin_log_key(lg, dev_b, pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(pk, p2.pk, IZIN_PK_LEN);
	izin_log_close(lg);
	psql("enrol", "SELECT count(*) FROM izin.device_key"
	     " WHERE device IN ('0a0a0a0a0a0a0a0a', '0b0b0b0b0b0b0b0b')",
	     out, sizeof out);
	ck_assert_str_eq(out, "2");
	izin_seckey_free(k1);
	izin_seckey_free(k2);
}
END_TEST

/* Checkpoints signed in a PostgreSQL log's commits, read back byte for
 * byte, and carried by merges to SQLite and back to PostgreSQL. */
START_TEST(test_signed_checkpoints)
{
	char loc[64], loc2[64], file[128], l1[IZIN_CHECKPOINT_MAX],
	     l2[IZIN_CHECKPOINT_MAX];
	int64_t clock = INT64_C(1772330400), added = -1;
	izin_pubkey pub;
	izin_seckey *sk = device_key(&pub);
	izin_log_signer sg = { sk, 1, 0, tick, &clock };
	izin_log_fault f;
	struct cps c, d;
	izin_log *lg, *other;
	char dev[IZIN_DEVICE_LEN + 1];

	newdb("signed", loc, sizeof loc);
	lg = open_log(loc, IZIN_LOG_CREATE);
	snprintf(dev, sizeof dev, "%s", izin_log_device(lg));
	ck_assert_int_eq(izin_log_enrol(lg, dev, pub.pk), IZIN_OK);
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	append_at(lg, "2026-03-01T08:00:00+07:00", "A");
	append_at(lg, "2026-03-01T09:00:00+07:00", "B");
	append_at(lg, "2026-03-02T09:00:00+07:00", "A");
	ck_assert_int_eq(izin_log_checkpoint(lg), IZIN_OK);
	c = log_cps(lg);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_str_eq(c.v[0].device, dev);
	ck_assert_int_eq(c.v[0].dseq, 3);
	ck_assert_int_le(c.v[0].time, clock);
	ck_assert_int_eq(izin_checkpoint_check(&c.v[0], pub.pk), IZIN_OK);
	izin_log_close(lg);

	lg = open_log(loc, IZIN_LOG_READ);
	d = log_cps(lg);
	ck_assert_uint_eq(d.n, 1);
	cp_eq(&d.v[0], &c.v[0]);
	d = store_cps(lg);
	ck_assert_uint_eq(d.n, 1);
	cp_eq(&d.v[0], &c.v[0]);
	ck_assert_int_gt(izin_checkpoint_format(&c.v[0], l1), 0);

	/* To SQLite and back: the same checkpoint line at each. */
	snprintf(file, sizeof file, "%s/c.db", dir);
	other = open_log(file, IZIN_LOG_CREATE);
	ck_assert_int_eq(izin_log_merge(other, lg, IZIN_MERGE_ENROL, &added,
	                 &f), IZIN_OK);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 3);
	d = log_cps(other);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_gt(izin_checkpoint_format(&d.v[0], l2), 0);
	ck_assert_str_eq(l2, l1);
	izin_log_close(other);
	izin_log_close(lg);

	newdb("signed2", loc2, sizeof loc2);
	lg = open_log(loc2, IZIN_LOG_CREATE);
	other = open_log(file, IZIN_LOG_READ);
	/* A centre that does not know the device refuses its log... */
	ck_assert_int_eq(izin_log_merge(lg, other, 0, &added, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 1);
	ck_assert_str_eq(f.device, dev);
	ck_assert_int_eq(added, 0);
	ck_assert_uint_eq(log_cps(lg).n, 0);
	/* ...unless told to enrol it with the key the log holds. */
	ck_assert_int_eq(izin_log_merge(lg, other, IZIN_MERGE_ENROL, &added,
	                 &f), IZIN_OK);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 3);
	izin_log_close(other);
	izin_log_close(lg);
	lg = open_log(loc2, IZIN_LOG_READ);
	d = log_cps(lg);
	ck_assert_uint_eq(d.n, 1);
	cp_eq(&d.v[0], &c.v[0]);
	ck_assert_int_gt(izin_checkpoint_format(&d.v[0], l2), 0);
	ck_assert_str_eq(l2, l1);
	izin_log_close(lg);
	izin_seckey_free(sk);
}
END_TEST

/* A version-1 centre read by the library: no keys, no checkpoints, its
 * chains still verified; written: migrated, and enrolment works. */
START_TEST(test_v1_centre)
{
	char loc[64], out[64];
	izin_pubkey pub;
	izin_seckey *sk = device_key(&pub);
	uint8_t pk[IZIN_PK_LEN];
	izin_log_fault f;
	int64_t count = -1;
	izin_log *lg;
	int found = -1;

	make_v1("v1_centre", loc, sizeof loc);
	lg = open_log(loc, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_key(lg, dev_a, pk, &found), IZIN_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_uint_eq(log_cps(lg).n, 0);
	ck_assert_int_eq(izin_log_verify(lg, &count, &f), IZIN_OK);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(count, 0);
	izin_log_close(lg);
	psql("v1_centre", "SELECT version FROM izin.version", out, sizeof out);
	ck_assert_str_eq(out, "1");
	lg = open_log(loc, IZIN_LOG_WRITE);
	ck_assert_int_eq(izin_log_enrol(lg, dev_a, pub.pk), IZIN_OK);
	izin_log_close(lg);
	psql("v1_centre", "SELECT version, (SELECT count(*) FROM"
	     " izin.device_key) FROM izin.version", out, sizeof out);
	ck_assert_str_eq(out, "2|1");
	izin_seckey_free(sk);
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

	tc = tcase_create("server");
	tcase_add_unchecked_fixture(tc, server_start, server_stop);
	tcase_add_checked_fixture(tc, setup, teardown);
	/* A database made per test, and a build with the sanitizers. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_store_keys);
	tcase_add_test(tc, test_store_checkpoints);
	tcase_add_test(tc, test_store_wrong_shape);
	tcase_add_test(tc, test_store_v1);
	tcase_add_test(tc, test_enrol);
	tcase_add_test(tc, test_signed_checkpoints);
	tcase_add_test(tc, test_v1_centre);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(log_pg_suite)
