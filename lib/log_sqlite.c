/*
 * log_sqlite.c - the sightings log's SQLite store: a log is one database
 * file in WAL mode.  report-log(1) sets out the schema, so that a data
 * centre can re-verify a log with tools of its own.  The only file of the
 * log that speaks SQLite; log_internal.h says what a store provides.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "log_internal.h"

/* How long a writer waits for another to finish its batch. */
#define BUSY_MS 30000

/*
 * Migrations: entry v takes a log from user_version v to v + 1.  Each runs
 * in the transaction that also sets the new user_version, so a log is
 * always at one version or the next, never between.
 *
 * One index only, for --trail and --last-seen: every index costs each
 * append a b-tree seek.  (device, dseq) is not declared unique; a repeat
 * breaks the chain, which is what --verify checks.
 *
 * Version 2 adds the issued-permit register: one row per card sealed,
 * keyed by what a scan looks it up by, so that a look-up is one seek.
 *
 * Version 3 adds device keys and each device's newest signed checkpoint
 * (report-log(1), CHECKPOINTS): one small row per device.
 */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE TABLE layout(id INTEGER PRIMARY KEY,"
	"  keys TEXT NOT NULL UNIQUE);"
	"CREATE TABLE sighting(seq INTEGER PRIMARY KEY,"
	"  device TEXT NOT NULL, dseq INTEGER NOT NULL,"
	"  time TEXT NOT NULL, epoch INTEGER NOT NULL,"
	"  reporter TEXT NOT NULL, reporter_kind TEXT NOT NULL,"
	"  place TEXT NOT NULL, lat TEXT NOT NULL, lon TEXT NOT NULL,"
	"  permit TEXT NOT NULL, layout INTEGER NOT NULL,"
	"  record TEXT NOT NULL, prev_hash BLOB NOT NULL,"
	"  hash BLOB NOT NULL);"
	"CREATE INDEX sighting_permit ON sighting(permit, epoch);"
	"CREATE TABLE head(device TEXT PRIMARY KEY, dseq INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL, hash BLOB NOT NULL) WITHOUT ROWID;",

	"CREATE TABLE permits(permit TEXT NOT NULL, digest BLOB NOT NULL,"
	"  kind TEXT NOT NULL, name TEXT NOT NULL,"
	"  nationality TEXT NOT NULL, passport TEXT NOT NULL,"
	"  issued TEXT NOT NULL, valid_from TEXT NOT NULL,"
	"  valid_until TEXT NOT NULL, office TEXT NOT NULL,"
	"  kid TEXT NOT NULL, PRIMARY KEY(permit, digest)) WITHOUT ROWID;",

	"CREATE TABLE device_key(device TEXT PRIMARY KEY, pk BLOB NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE TABLE checkpoint(device TEXT PRIMARY KEY,"
	"  dseq INTEGER NOT NULL, hash BLOB NOT NULL, time INTEGER NOT NULL,"
	"  sig BLOB NOT NULL) WITHOUT ROWID;",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
               IZIN_LOG_VERSION, "one migration per schema version");

/* A sighting row's columns, in struct srow's order. */
#define ROW_COLS "seq, device, dseq, time, epoch, reporter," \
	" reporter_kind, place, lat, lon, permit, layout, record, prev_hash," \
	" hash"

struct sq {
	sqlite3 *db;
	/* Prepared once for the life of the handle. */
	sqlite3_stmt *ins, *layout_get, *layout_put, *head_get, *head_put;
	sqlite3_stmt *reg_put, *reg_find, *key_get, *cp_get, *cp_put;
	/* The schema's version: a log opened read only may be older. */
	int version;
};

struct rows {
	izin_log *lg;
	sqlite3_stmt *st;
	int check;              /* rowsel.check */
	/* Each permit's latest: the walk of the (permit, epoch) index, the
	 * permit of its run and the seq of the run's latest so far. */
	sqlite3_stmt *scan;
	char *permit;
	int64_t seq;
	int have, done;
};

#define SQ(lg) ((struct sq *)(lg)->store)

/* SQLite's result code rc as an IZIN_E... code, its message kept. */
static int
sql_err(izin_log *lg, int rc)
{
	sqlite3 *db = SQ(lg) ? SQ(lg)->db : NULL;

	snprintf(lg->errmsg, sizeof(lg->errmsg), "%s",
	         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_NOTADB: return IZIN_EFOREIGN;
	case SQLITE_NOMEM: return IZIN_ENOMEM;
	default: return IZIN_EIO;
	}
}

static int
exec(izin_log *lg, const char *sql)
{
	int rc = sqlite3_exec(SQ(lg)->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sql_err(lg, rc);
}

/* Prepare *st once for the life of the handle (kept while *st is set). */
static int
prepare(izin_log *lg, sqlite3_stmt **st, const char *sql)
{
	int rc;

	if (*st != NULL)
		return 0;
	rc = sqlite3_prepare_v3(SQ(lg)->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                        st, NULL);
	return rc == SQLITE_OK ? 0 : sql_err(lg, rc);
}

/* Prepare *st for one use: the caller finalizes it. */
static int
prepare_once(izin_log *lg, sqlite3_stmt **st, const char *sql)
{
	int rc;

	*st = NULL;
	rc = sqlite3_prepare_v2(SQ(lg)->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : sql_err(lg, rc);
}

static void
sq_rollback(izin_log *lg)
{
	if (!sqlite3_get_autocommit(SQ(lg)->db))
		sqlite3_exec(SQ(lg)->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Roll back after the failure err, keeping its message; returns err. */
static int
undo(izin_log *lg, int err)
{
	sq_rollback(lg);
	return err;
}

/* The header fields that tell our logs from other files, and whether the
 * database holds anything at all. */
static int
read_ids(izin_log *lg, int *appid, int *version, int *ntables)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare_once(lg, &st,
	    "SELECT (SELECT application_id FROM pragma_application_id),"
	    " (SELECT user_version FROM pragma_user_version),"
	    " (SELECT count(*) FROM sqlite_master)")) < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*appid = sqlite3_column_int(st, 0);
		*version = sqlite3_column_int(st, 1);
		*ntables = sqlite3_column_int(st, 2);
		rc = 0;
	} else {
		rc = sql_err(lg, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
is_new(int appid, int version, int ntables)
{
	return appid == 0 && version == 0 && ntables == 0;
}

/* Bring the schema up to IZIN_LOG_VERSION, making it when the database is
 * empty.  Another process may be doing the same at once: the check is
 * made again once the write lock is held. */
static int
migrate(izin_log *lg, const char *newid)
{
	char sql[128];
	sqlite3_stmt *st;
	int appid, version, ntables, rc;

	if ((rc = exec(lg, "BEGIN IMMEDIATE")) < 0)
		return rc;
	if ((rc = read_ids(lg, &appid, &version, &ntables)) < 0)
		return undo(lg, rc);
	if (!is_new(appid, version, ntables) && appid != IZIN_LOG_APPID)
		return undo(lg, IZIN_EFOREIGN);
	if (version > IZIN_LOG_VERSION)
		return undo(lg, IZIN_EVERSION);
	for (int v = version; v < IZIN_LOG_VERSION; v++)
		if ((rc = exec(lg, migrations[v])) < 0)
			return undo(lg, rc);
	if (version == 0) {
		if ((rc = prepare_once(lg, &st,
		    "INSERT INTO meta(key, value) VALUES('device', ?1)")) < 0)
			return undo(lg, rc);
		sqlite3_bind_text(st, 1, newid, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return undo(lg, sql_err(lg, rc));
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	         "PRAGMA user_version = %d", IZIN_LOG_APPID, IZIN_LOG_VERSION);
	if ((rc = exec(lg, sql)) < 0 || (rc = exec(lg, "COMMIT")) < 0)
		return undo(lg, rc);
	return 0;
}

/* WAL, so that readers never wait for a writer and a writer never for
 * readers.  Setting it needs a moment alone with the file, which the
 * busy timeout does not always wait for: try again for a while. */
static int
set_wal(izin_log *lg)
{
	sqlite3_stmt *st;
	int rc, tries = 0;

	for (;;) {
		if ((rc = prepare_once(lg, &st, "PRAGMA journal_mode")) < 0)
			return rc;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0) {
			sqlite3_finalize(st);
			return 0;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY)
			return sql_err(lg, rc);
		rc = sqlite3_exec(SQ(lg)->db, "PRAGMA journal_mode = WAL", NULL,
		                  NULL, NULL);
		if (rc != SQLITE_OK && ((rc & 0xff) != SQLITE_BUSY ||
		    ++tries * 10 > BUSY_MS))
			return sql_err(lg, rc);
		if (rc != SQLITE_OK)
			sqlite3_sleep(10);
	}
}

static int
load_device(izin_log *lg)
{
	sqlite3_stmt *st;
	const char *s;
	int rc;

	if ((rc = prepare_once(lg, &st,
	    "SELECT value FROM meta WHERE key = 'device'")) < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW &&
	    (s = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    strlen(s) == IZIN_DEVICE_LEN &&
	    strspn(s, "0123456789abcdef") == IZIN_DEVICE_LEN) {
		memcpy(lg->device, s, IZIN_DEVICE_LEN + 1);
		rc = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		snprintf(lg->errmsg, sizeof(lg->errmsg), N_("no device id"));
		rc = IZIN_EIO;
	} else {
		rc = sql_err(lg, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
open_schema(izin_log *lg, const char *newid)
{
	int appid, version, ntables, rc;

	if ((rc = read_ids(lg, &appid, &version, &ntables)) < 0)
		return rc;
	if (appid == IZIN_LOG_APPID && version > IZIN_LOG_VERSION)
		return IZIN_EVERSION;
	if (appid != IZIN_LOG_APPID && !is_new(appid, version, ntables))
		return IZIN_EFOREIGN;
	/* An older log reads as it is (a reader may not migrate it): what
	 * it lacks, such as the register of version 2, reads as empty. */
	if (!lg->writable && version < 1)
		return appid == IZIN_LOG_APPID ? IZIN_EVERSION : IZIN_EFOREIGN;
	SQ(lg)->version = version;
	if (lg->writable) {
		if ((rc = set_wal(lg)) < 0)
			return rc;
		if (version < IZIN_LOG_VERSION && (rc = migrate(lg, newid)) < 0)
			return rc;
		SQ(lg)->version = IZIN_LOG_VERSION;
		/* NORMAL: in WAL mode a commit survives a crash of the
		 * process; only a power cut may take the last ones back. */
		if ((rc = exec(lg, "PRAGMA synchronous = NORMAL;"
		    "PRAGMA cache_size = -65536")) < 0)
			return rc;
	}
	return load_device(lg);
}

/* Anything that no other store claims is a file path. */
static int
sq_claims(const char *location)
{
	(void)location;
	return 1;
}

static int
sq_open(izin_log *lg, const char *path, int mode, const char *newid)
{
	struct stat st;
	struct sq *s;
	int flags, rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return IZIN_ENOMEM;
	lg->store = s;
	flags = lg->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return IZIN_ENOTFILE;
	} else if (errno != ENOENT || mode != IZIN_LOG_CREATE) {
		return IZIN_EIO;
	} else {
		flags |= SQLITE_OPEN_CREATE;
	}
	rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return sql_err(lg, rc);
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_MS);
	return open_schema(lg, newid);
}

static void
sq_close(izin_log *lg)
{
	struct sq *s = SQ(lg);

	if (s == NULL)
		return;
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->layout_get);
	sqlite3_finalize(s->layout_put);
	sqlite3_finalize(s->head_get);
	sqlite3_finalize(s->head_put);
	sqlite3_finalize(s->reg_put);
	sqlite3_finalize(s->reg_find);
	sqlite3_finalize(s->key_get);
	sqlite3_finalize(s->cp_get);
	sqlite3_finalize(s->cp_put);
	sqlite3_close(s->db);
	free(s);
	lg->store = NULL;
}

static int
sq_begin(izin_log *lg, int write)
{
	return exec(lg, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int
sq_end(izin_log *lg)
{
	return exec(lg, "COMMIT");
}

static int
sq_layout_id(izin_log *lg, const char *keys, size_t len, int64_t *id)
{
	struct sq *s = SQ(lg);
	int rc;

	if (len > INT_MAX)
		return IZIN_ELENGTH;
	if ((rc = prepare(lg, &s->layout_get,
	    "SELECT id FROM layout WHERE keys = ?1")) < 0 ||
	    (rc = prepare(lg, &s->layout_put,
	    "INSERT INTO layout(keys) VALUES(?1)")) < 0)
		return rc;
	sqlite3_bind_text(s->layout_get, 1, keys, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s->layout_get);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s->layout_get, 0);
	sqlite3_reset(s->layout_get);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return sql_err(lg, rc);
	sqlite3_bind_text(s->layout_put, 1, keys, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s->layout_put);
	sqlite3_reset(s->layout_put);
	if (rc != SQLITE_DONE)
		return sql_err(lg, rc);
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sq_layouts(izin_log *lg, int (*fn)(void *, int64_t, const char *, size_t),
           void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare_once(lg, &st,
	    "SELECT id, keys FROM layout ORDER BY id")) < 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *keys = (const char *)sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if ((rc = fn(arg, sqlite3_column_int64(st, 0), keys, len)) != 0)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sql_err(lg, rc);
	sqlite3_finalize(st);
	return rc;
}

/* 1 when column i of st is not of type t: a NULL, or a value the log
 * never writes there (SQLite keeps any type in any column). */
static int
not_type(sqlite3_stmt *st, int i, int t)
{
	return sqlite3_column_type(st, i) != t;
}

/* 1 when text column i holds a NUL, which the log never writes: read as
 * a C string it would pass for the text before it. */
static int
has_nul(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s != NULL && strlen(s) != (size_t)sqlite3_column_bytes(st, i);
}

/* A head row (device, dseq, seq, hash) into h. */
static void
head_cols(sqlite3_stmt *st, struct head *h)
{
	const void *hash;

	h->seqok = !not_type(st, 2, SQLITE_INTEGER);
	h->damaged = not_type(st, 0, SQLITE_TEXT) ||
	             not_type(st, 1, SQLITE_INTEGER) || !h->seqok ||
	             not_type(st, 3, SQLITE_BLOB) || has_nul(st, 0);
	hash = sqlite3_column_blob(st, 3);

	h->dseq = sqlite3_column_int64(st, 1);
	h->seq = sqlite3_column_int64(st, 2);
	h->hashok = hash != NULL &&
	            sqlite3_column_bytes(st, 3) == IZIN_LOG_HASH_LEN;
	if (h->hashok)
		memcpy(h->hash, hash, IZIN_LOG_HASH_LEN);
	else
		memset(h->hash, 0, IZIN_LOG_HASH_LEN);
}

static int
sq_head_get(izin_log *lg, const char *device, struct head *h, int *found)
{
	struct sq *s = SQ(lg);
	int rc;

	if ((rc = prepare(lg, &s->head_get,
	    "SELECT device, dseq, seq, hash FROM head WHERE device = ?1")) < 0)
		return rc;
	sqlite3_bind_text(s->head_get, 1, device, -1, SQLITE_STATIC);
	h->device = device;
	rc = sqlite3_step(s->head_get);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		head_cols(s->head_get, h);
	sqlite3_reset(s->head_get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
sq_heads(izin_log *lg, int (*fn)(void *, const struct head *), void *arg)
{
	sqlite3_stmt *st;
	struct head h;
	int rc;

	if ((rc = prepare_once(lg, &st,
	    "SELECT device, dseq, seq, hash FROM head")) < 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		head_cols(st, &h);
		h.device = (const char *)sqlite3_column_text(st, 0);
		if ((rc = fn(arg, &h)) != 0)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sql_err(lg, rc);
	sqlite3_finalize(st);
	return rc;
}

static int
sq_head_put(izin_log *lg, const struct head *h)
{
	struct sq *s = SQ(lg);
	int rc;

	if ((rc = prepare(lg, &s->head_put, "INSERT OR REPLACE INTO"
	    " head(device, dseq, seq, hash) VALUES(?1, ?2, ?3, ?4)")) < 0)
		return rc;
	sqlite3_bind_text(s->head_put, 1, h->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->head_put, 2, h->dseq);
	sqlite3_bind_int64(s->head_put, 3, h->seq);
	sqlite3_bind_blob(s->head_put, 4, h->hash, IZIN_LOG_HASH_LEN,
	                  SQLITE_STATIC);
	rc = sqlite3_step(s->head_put);
	sqlite3_reset(s->head_put);
	return rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
sq_insert(izin_log *lg, struct srow *rows, size_t n)
{
	struct sq *s = SQ(lg);
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(lg, &s->ins, "INSERT INTO sighting(seq,"
	    " device, dseq, time, epoch, reporter, reporter_kind, place, lat,"
	    " lon, permit, layout, record, prev_hash, hash) VALUES(NULL, ?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")) < 0)
		return rc;
	st = s->ins;
	for (size_t i = 0; i < n; i++) {
		struct srow *r = &rows[i];
		if (r->plen > INT_MAX || r->rlen > INT_MAX)
			return IZIN_ELENGTH;
		sqlite3_bind_text(st, 1, r->w.device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, r->w.dseq);
		sqlite3_bind_text(st, 3, r->w.time, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, r->epoch);
		sqlite3_bind_text(st, 5, r->w.reporter, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r->w.kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, r->w.place, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, r->w.lat, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, r->w.lon, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, r->permit, (int)r->plen,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(st, 11, r->layout);
		sqlite3_bind_text(st, 12, r->record, (int)r->rlen,
		                  SQLITE_STATIC);
		sqlite3_bind_blob(st, 13, r->prev, IZIN_LOG_HASH_LEN,
		                  SQLITE_STATIC);
		sqlite3_bind_blob(st, 14, r->hash, IZIN_LOG_HASH_LEN,
		                  SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sql_err(lg, rc);
		r->seq = sqlite3_last_insert_rowid(s->db);
	}
	return 0;
}

/* Copied cards (ROWS_CLONES), of every permit and of one: the
 * (permit, epoch) index, which holds seq too, gives the order, so the
 * walk needs no sort (check_clones.c asserts it). */
const char *const izin_log_sqlite_clones[2] = {
	"SELECT " ROW_COLS " FROM sighting"
	" WHERE permit > '' AND epoch BETWEEN ?1 AND ?2"
	" AND lat <> '' AND lon <> '' ORDER BY permit, epoch, seq",
	"SELECT " ROW_COLS " FROM sighting"
	" WHERE permit = ?3 AND epoch BETWEEN ?1 AND ?2"
	" AND lat <> '' AND lon <> '' ORDER BY permit, epoch, seq",
};

static int
sq_rows_open(izin_log *lg, const struct rowsel *sel, struct rows **out)
{
	static const char *const sql[] = {
		[ROWS_ALL] = "SELECT " ROW_COLS " FROM sighting ORDER BY seq",
		[ROWS_DEVICE] = "SELECT " ROW_COLS " FROM sighting"
		    " WHERE device = ?1 AND dseq BETWEEN ?2 AND ?3"
		    " ORDER BY dseq, seq",
		[ROWS_TRAIL] = "SELECT " ROW_COLS " FROM sighting"
		    " WHERE permit = ?1 AND epoch BETWEEN ?2 AND ?3"
		    " ORDER BY epoch, seq",
		[ROWS_LAST] = "SELECT " ROW_COLS " FROM sighting"
		    " WHERE permit = ?1 AND epoch BETWEEN ?2 AND ?3"
		    " ORDER BY epoch DESC, seq DESC LIMIT 1",
		[ROWS_AFTER] = "SELECT " ROW_COLS " FROM sighting"
		    " WHERE seq > ?1 AND epoch BETWEEN ?2 AND ?3 ORDER BY seq",
	};
	struct rows *c;
	int rc;

	*out = NULL;
	if (sel->what < ROWS_ALL || sel->what > ROWS_CLONES)
		return IZIN_EINVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return IZIN_ENOMEM;
	c->lg = lg;
	c->check = sel->check;
	if (sel->what == ROWS_LAST && sel->permit == NULL) {
		/* Each permit's latest: walk the (permit, epoch) index, which
		 * holds seq too, and fetch a row only when its run ends. */
		if ((rc = prepare_once(lg, &c->scan,
		    "SELECT permit, seq FROM sighting"
		    " WHERE permit > '' AND epoch BETWEEN ?1 AND ?2"
		    " ORDER BY permit, epoch, seq")) < 0 ||
		    (rc = prepare_once(lg, &c->st, "SELECT " ROW_COLS
		    " FROM sighting WHERE seq = ?1")) < 0)
			goto bad;
		sqlite3_bind_int64(c->scan, 1, sel->since);
		sqlite3_bind_int64(c->scan, 2, sel->until);
		*out = c;
		return 0;
	}
	if ((rc = prepare_once(lg, &c->st, sel->what == ROWS_CLONES ?
	    izin_log_sqlite_clones[sel->permit != NULL] :
	    sql[sel->what])) < 0)
		goto bad;
	switch (sel->what) {
	case ROWS_DEVICE:
		sqlite3_bind_text(c->st, 1, sel->device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(c->st, 2, sel->from);
		sqlite3_bind_int64(c->st, 3, sel->to);
		break;
	case ROWS_TRAIL:
	case ROWS_LAST:
		sqlite3_bind_text(c->st, 1, sel->permit, -1, SQLITE_STATIC);
		sqlite3_bind_int64(c->st, 2, sel->since);
		sqlite3_bind_int64(c->st, 3, sel->until);
		break;
	case ROWS_AFTER:
		sqlite3_bind_int64(c->st, 1, sel->after);
		sqlite3_bind_int64(c->st, 2, sel->since);
		sqlite3_bind_int64(c->st, 3, sel->until);
		break;
	case ROWS_CLONES:
		sqlite3_bind_int64(c->st, 1, sel->since);
		sqlite3_bind_int64(c->st, 2, sel->until);
		if (sel->permit != NULL)
			sqlite3_bind_text(c->st, 3, sel->permit, -1,
			                  SQLITE_STATIC);
		break;
	}
	*out = c;
	return 0;
bad:
	sqlite3_finalize(c->scan);
	sqlite3_finalize(c->st);
	free(c);
	return rc;
}

/* The current row of st (ROW_COLS) into r. */
static void
row_cols(sqlite3_stmt *st, int check, struct srow *r)
{
	static const unsigned char type[15] = {
		SQLITE_INTEGER, SQLITE_TEXT, SQLITE_INTEGER, SQLITE_TEXT,
		SQLITE_INTEGER, SQLITE_TEXT, SQLITE_TEXT, SQLITE_TEXT,
		SQLITE_TEXT, SQLITE_TEXT, SQLITE_TEXT, SQLITE_INTEGER,
		SQLITE_TEXT, SQLITE_BLOB, SQLITE_BLOB
	};

	/* Types first: reading a column as text or a number converts it. */
	r->damaged = 0;
	for (int i = 0; check && i < 15; i++)
		r->damaged |= not_type(st, i, type[i]);
	r->seq = sqlite3_column_int64(st, 0);
	r->w.device = (const char *)sqlite3_column_text(st, 1);
	r->w.dseq = sqlite3_column_int64(st, 2);
	r->w.time = (const char *)sqlite3_column_text(st, 3);
	r->epoch = sqlite3_column_int64(st, 4);
	r->w.reporter = (const char *)sqlite3_column_text(st, 5);
	r->w.kind = (const char *)sqlite3_column_text(st, 6);
	r->w.place = (const char *)sqlite3_column_text(st, 7);
	r->w.lat = (const char *)sqlite3_column_text(st, 8);
	r->w.lon = (const char *)sqlite3_column_text(st, 9);
	r->permit = (const char *)sqlite3_column_text(st, 10);
	r->plen = (size_t)sqlite3_column_bytes(st, 10);
	r->layout = sqlite3_column_int64(st, 11);
	r->record = (const char *)sqlite3_column_text(st, 12);
	r->rlen = (size_t)sqlite3_column_bytes(st, 12);
	r->prev = sqlite3_column_blob(st, 13);
	r->prevlen = (size_t)sqlite3_column_bytes(st, 13);
	r->hash = sqlite3_column_blob(st, 14);
	r->hashlen = (size_t)sqlite3_column_bytes(st, 14);
	for (int i = 0; check && i < 15 && !r->damaged; i++)
		r->damaged = type[i] == SQLITE_TEXT && has_nul(st, i);
}

/* The next permit's latest row: the run of a permit ends where the walk
 * meets another permit or its end. */
static int
last_next(struct rows *c, struct srow *out)
{
	const char *p;
	int64_t seq;
	int rc;

	sqlite3_reset(c->st);
	while (!c->done) {
		p = NULL;
		rc = sqlite3_step(c->scan);
		if (rc == SQLITE_ROW)
			p = (const char *)sqlite3_column_text(c->scan, 0);
		else if (rc != SQLITE_DONE)
			return sql_err(c->lg, rc);
		if (p == NULL)
			c->done = 1;
		if (c->have && (p == NULL || strcmp(p, c->permit) != 0)) {
			seq = c->seq;
			if (p != NULL) {
				free(c->permit);
				if ((c->permit = strdup(p)) == NULL)
					return IZIN_ENOMEM;
				c->seq = sqlite3_column_int64(c->scan, 1);
			}
			sqlite3_bind_int64(c->st, 1, seq);
			rc = sqlite3_step(c->st);
			if (rc == SQLITE_ROW) {
				row_cols(c->st, c->check, out);
				return 1;
			}
			sqlite3_reset(c->st);
			if (rc != SQLITE_DONE)
				return sql_err(c->lg, rc);
			continue;
		}
		if (p == NULL)
			break;
		if (!c->have) {
			if ((c->permit = strdup(p)) == NULL)
				return IZIN_ENOMEM;
			c->have = 1;
		}
		c->seq = sqlite3_column_int64(c->scan, 1);
	}
	return 0;
}

static int
sq_rows_next(struct rows *c, struct srow *out)
{
	int rc;

	if (c->scan != NULL)
		return last_next(c, out);
	rc = sqlite3_step(c->st);
	if (rc == SQLITE_ROW) {
		row_cols(c->st, c->check, out);
		return 1;
	}
	return rc == SQLITE_DONE ? 0 : sql_err(c->lg, rc);
}

static void
sq_rows_close(struct rows *c)
{
	if (c == NULL)
		return;
	sqlite3_finalize(c->scan);
	sqlite3_finalize(c->st);
	free(c->permit);
	free(c);
}

static int
sq_reg_put(izin_log *lg, const izin_reg *v, size_t n)
{
	struct sq *s = SQ(lg);
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(lg, &s->reg_put, "INSERT OR IGNORE INTO"
	    " permits(permit, digest, kind, name, nationality, passport,"
	    " issued, valid_from, valid_until, office, kid) VALUES(?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")) < 0)
		return rc;
	st = s->reg_put;
	for (size_t i = 0; i < n; i++) {
		const izin_reg *r = &v[i];
		const char *const text[] = {
			r->kind, r->name, r->nationality, r->passport,
			r->issued, r->valid_from, r->valid_until, r->office,
			r->kid
		};
		sqlite3_bind_text(st, 1, r->permit, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, r->digest, IZIN_DIGEST_LEN,
		                  SQLITE_STATIC);
		for (int k = 0; k < 9; k++)
			sqlite3_bind_text(st, 3 + k, text[k], -1,
			                  SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sql_err(lg, rc);
	}
	return 0;
}

static int
sq_reg_find(izin_log *lg, const char *permit,
            const unsigned char digest[IZIN_DIGEST_LEN], int *found)
{
	struct sq *s = SQ(lg);
	int rc;

	*found = IZIN_REG_NONE;
	if (s->version < 2)
		return 0;
	/* One seek of the primary key: NULL when the permit has no row,
	 * else whether any of its rows is this card. */
	if ((rc = prepare(lg, &s->reg_find, "SELECT max(digest = ?2)"
	    " FROM permits WHERE permit = ?1")) < 0)
		return rc;
	sqlite3_bind_text(s->reg_find, 1, permit, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s->reg_find, 2, digest, IZIN_DIGEST_LEN,
	                  SQLITE_STATIC);
	rc = sqlite3_step(s->reg_find);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_type(s->reg_find, 0) != SQLITE_NULL)
		*found = sqlite3_column_int(s->reg_find, 0) ? IZIN_REG_MATCH :
		         IZIN_REG_OTHER;
	sqlite3_reset(s->reg_find);
	return rc == SQLITE_ROW ? 0 : sql_err(lg, rc);
}

/* A blob column of exactly n bytes into out; zeros for anything else. */
static void
blob_col(sqlite3_stmt *st, int i, void *out, size_t n)
{
	const void *b = sqlite3_column_blob(st, i);

	if (b != NULL && sqlite3_column_type(st, i) == SQLITE_BLOB &&
	    (size_t)sqlite3_column_bytes(st, i) == n)
		memcpy(out, b, n);
	else
		memset(out, 0, n);
}

static int
sq_key_get(izin_log *lg, const char *device, uint8_t pk[IZIN_PK_LEN],
           int *found)
{
	struct sq *s = SQ(lg);
	int rc;

	*found = 0;
	if (s->version < 3)
		return 0;
	if ((rc = prepare(lg, &s->key_get,
	    "SELECT pk FROM device_key WHERE device = ?1")) < 0)
		return rc;
	sqlite3_bind_text(s->key_get, 1, device, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->key_get);
	if (rc == SQLITE_ROW) {
		*found = 1;
		blob_col(s->key_get, 0, pk, IZIN_PK_LEN);
	}
	sqlite3_reset(s->key_get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
sq_key_put(izin_log *lg, const char *device, const uint8_t pk[IZIN_PK_LEN])
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare_once(lg, &st,
	    "INSERT INTO device_key(device, pk) VALUES(?1, ?2)")) < 0)
		return rc;
	sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, pk, IZIN_PK_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

/* A checkpoint row (device, dseq, hash, time, sig) into cp. */
static void
cp_cols(sqlite3_stmt *st, izin_checkpoint *cp)
{
	const char *d = (const char *)sqlite3_column_text(st, 0);

	memset(cp, 0, sizeof(*cp));
	if (d != NULL)
		snprintf(cp->device, sizeof(cp->device), "%s", d);
	cp->dseq = sqlite3_column_int64(st, 1);
	blob_col(st, 2, cp->hash, IZIN_LOG_HASH_LEN);
	cp->time = sqlite3_column_int64(st, 3);
	blob_col(st, 4, cp->sig, IZIN_SIG_LEN);
}

static int
sq_cp_get(izin_log *lg, const char *device, izin_checkpoint *cp, int *found)
{
	struct sq *s = SQ(lg);
	int rc;

	*found = 0;
	if (s->version < 3)
		return 0;
	if ((rc = prepare(lg, &s->cp_get, "SELECT device, dseq, hash, time,"
	    " sig FROM checkpoint WHERE device = ?1")) < 0)
		return rc;
	sqlite3_bind_text(s->cp_get, 1, device, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->cp_get);
	if (rc == SQLITE_ROW) {
		*found = 1;
		cp_cols(s->cp_get, cp);
	}
	sqlite3_reset(s->cp_get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
sq_cp_put(izin_log *lg, const izin_checkpoint *cp)
{
	struct sq *s = SQ(lg);
	int rc;

	if ((rc = prepare(lg, &s->cp_put, "INSERT OR REPLACE INTO"
	    " checkpoint(device, dseq, hash, time, sig)"
	    " VALUES(?1, ?2, ?3, ?4, ?5)")) < 0)
		return rc;
	sqlite3_bind_text(s->cp_put, 1, cp->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->cp_put, 2, cp->dseq);
	sqlite3_bind_blob(s->cp_put, 3, cp->hash, IZIN_LOG_HASH_LEN,
	                  SQLITE_STATIC);
	sqlite3_bind_int64(s->cp_put, 4, cp->time);
	sqlite3_bind_blob(s->cp_put, 5, cp->sig, IZIN_SIG_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s->cp_put);
	sqlite3_reset(s->cp_put);
	return rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
sq_cps(izin_log *lg, int (*fn)(void *, const izin_checkpoint *), void *arg)
{
	izin_checkpoint cp;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (SQ(lg)->version < 3)
		return 0;
	if ((rc = prepare_once(lg, &st, "SELECT device, dseq, hash, time, sig"
	    " FROM checkpoint ORDER BY device")) < 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cp_cols(st, &cp);
		if ((stop = fn(arg, &cp)) != 0)
			break;
	}
	rc = stop ? stop : rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
	sqlite3_finalize(st);
	return rc;
}

const struct log_ops izin_log_sqlite_ops = {
	"sqlite",
	sq_claims,
	sq_open,
	sq_close,
	sq_begin,
	sq_end,
	sq_rollback,
	sq_layout_id,
	sq_layouts,
	sq_head_get,
	sq_heads,
	sq_head_put,
	sq_insert,
	sq_rows_open,
	sq_rows_next,
	sq_rows_close,
	sq_reg_put,
	sq_reg_find,
	sq_key_get,
	sq_key_put,
	sq_cp_get,
	sq_cp_put,
	sq_cps,
};
