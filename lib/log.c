/*
 * log.c - the sightings log: records appended to an SQLite database, each
 * linked to the one before it from the same device by a BLAKE2b hash.
 * report-log(1) sets out the schema and the exact bytes hashed, so that a
 * data centre can re-verify a log with tools of its own.
 *
 * A record is stored as two izin-record(5) TSV lines: its column names
 * once per distinct list of names (the layout table, which a record points
 * to), and its values in the sighting row.  The permit number and the
 * instant are kept again in columns of their own, for the index that
 * --trail and --last-seen use.
 *
 * This file opens, makes and closes a log and holds the SQLite helpers
 * the other lib/log*.c files use; log_internal.h says which holds what.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
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
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
               IZIN_LOG_VERSION, "one migration per schema version");

int
izin_log_sql_err(izin_log *lg, int rc)
{
	snprintf(lg->errmsg, sizeof(lg->errmsg), "%s",
	         lg->db ? sqlite3_errmsg(lg->db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_NOTADB: return IZIN_EFOREIGN;
	case SQLITE_NOMEM: return IZIN_ENOMEM;
	default: return IZIN_EIO;
	}
}

int
izin_log_exec(izin_log *lg, const char *sql)
{
	int rc = sqlite3_exec(lg->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : izin_log_sql_err(lg, rc);
}

/* Prepare once for the life of the handle. */
int
izin_log_prepare(izin_log *lg, sqlite3_stmt **st, const char *sql)
{
	int rc;

	if (*st != NULL)
		return 0;
	rc = sqlite3_prepare_v3(lg->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	                        NULL);
	return rc == SQLITE_OK ? 0 : izin_log_sql_err(lg, rc);
}

int
izin_log_prepare_once(izin_log *lg, sqlite3_stmt **st, const char *sql)
{
	int rc;

	*st = NULL;
	rc = sqlite3_prepare_v2(lg->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : izin_log_sql_err(lg, rc);
}

/* Undo an open transaction after a failure, keeping the first message. */
int
izin_log_rollback(izin_log *lg, int err)
{
	if (!sqlite3_get_autocommit(lg->db))
		sqlite3_exec(lg->db, "ROLLBACK", NULL, NULL, NULL);
	/* Layout rows made in the transaction are gone with it. */
	for (size_t i = 0; i < lg->nlayouts; i++)
		lg->layouts[i].id = 0;
	return err;
}

int
izin_log_text_col(sqlite3_stmt *st, int i, const char **s)
{
	*s = (const char *)sqlite3_column_text(st, i);
	return *s == NULL ? -1 : 0;
}

/* The header fields that tell our logs from other files, and whether the
 * database holds anything at all. */
static int
read_ids(izin_log *lg, int *appid, int *version, int *ntables)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = izin_log_prepare_once(lg, &st,
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
		rc = izin_log_sql_err(lg, rc);
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
migrate(izin_log *lg)
{
	unsigned char id[IZIN_DEVICE_LEN / 2];
	char hex[IZIN_DEVICE_LEN + 1], sql[128];
	sqlite3_stmt *st;
	int appid, version, ntables, rc;

	if ((rc = izin_log_exec(lg, "BEGIN IMMEDIATE")) < 0)
		return rc;
	if ((rc = read_ids(lg, &appid, &version, &ntables)) < 0)
		return izin_log_rollback(lg, rc);
	if (!is_new(appid, version, ntables) && appid != IZIN_LOG_APPID)
		return izin_log_rollback(lg, IZIN_EFOREIGN);
	if (version > IZIN_LOG_VERSION)
		return izin_log_rollback(lg, IZIN_EVERSION);
	for (int v = version; v < IZIN_LOG_VERSION; v++)
		if ((rc = izin_log_exec(lg, migrations[v])) < 0)
			return izin_log_rollback(lg, rc);
	if (version == 0) {
		randombytes_buf(id, sizeof(id));
		sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
		if ((rc = izin_log_prepare_once(lg, &st,
		    "INSERT INTO meta(key, value) VALUES('device', ?1)")) < 0)
			return izin_log_rollback(lg, rc);
		sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return izin_log_rollback(lg, izin_log_sql_err(lg, rc));
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	         "PRAGMA user_version = %d", IZIN_LOG_APPID, IZIN_LOG_VERSION);
	if ((rc = izin_log_exec(lg, sql)) < 0 ||
	    (rc = izin_log_exec(lg, "COMMIT")) < 0)
		return izin_log_rollback(lg, rc);
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
		if ((rc = izin_log_prepare_once(lg, &st,
		    "PRAGMA journal_mode")) < 0)
			return rc;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0) {
			sqlite3_finalize(st);
			return 0;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY)
			return izin_log_sql_err(lg, rc);
		rc = sqlite3_exec(lg->db, "PRAGMA journal_mode = WAL", NULL, NULL,
		                  NULL);
		if (rc != SQLITE_OK && ((rc & 0xff) != SQLITE_BUSY ||
		    ++tries * 10 > BUSY_MS))
			return izin_log_sql_err(lg, rc);
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

	if ((rc = izin_log_prepare_once(lg, &st,
	    "SELECT value FROM meta WHERE key = 'device'")) < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && izin_log_text_col(st, 0, &s) == 0 &&
	    strlen(s) == IZIN_DEVICE_LEN &&
	    strspn(s, "0123456789abcdef") == IZIN_DEVICE_LEN) {
		memcpy(lg->device, s, IZIN_DEVICE_LEN + 1);
		rc = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		snprintf(lg->errmsg, sizeof(lg->errmsg), "no device id");
		rc = IZIN_EIO;
	} else {
		rc = izin_log_sql_err(lg, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
open_schema(izin_log *lg)
{
	int appid, version, ntables, rc;

	if ((rc = read_ids(lg, &appid, &version, &ntables)) < 0)
		return rc;
	if (appid == IZIN_LOG_APPID && version > IZIN_LOG_VERSION)
		return IZIN_EVERSION;
	if (appid != IZIN_LOG_APPID && !is_new(appid, version, ntables))
		return IZIN_EFOREIGN;
	if (!lg->writable && version < IZIN_LOG_VERSION)
		return appid == IZIN_LOG_APPID ? IZIN_EVERSION : IZIN_EFOREIGN;
	if (lg->writable) {
		if ((rc = set_wal(lg)) < 0)
			return rc;
		if (version < IZIN_LOG_VERSION && (rc = migrate(lg)) < 0)
			return rc;
		/* NORMAL: in WAL mode a commit survives a crash of the
		 * process; only a power cut may take the last ones back. */
		if ((rc = izin_log_exec(lg, "PRAGMA synchronous = NORMAL;"
		    "PRAGMA cache_size = -65536")) < 0)
			return rc;
	}
	return load_device(lg);
}

int
izin_log_open(const char *path, int mode, izin_log **out)
{
	struct stat st;
	izin_log *lg;
	int flags, rc;

	*out = NULL;
	if (path == NULL || mode < IZIN_LOG_READ || mode > IZIN_LOG_CREATE)
		return IZIN_EINVAL;
	if ((lg = calloc(1, sizeof(*lg))) == NULL)
		return IZIN_ENOMEM;
	*out = lg;
	lg->writable = mode != IZIN_LOG_READ;
	flags = lg->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return IZIN_ENOTFILE;
	} else if (errno != ENOENT || mode != IZIN_LOG_CREATE) {
		return IZIN_EIO;
	} else {
		flags |= SQLITE_OPEN_CREATE;
	}
	rc = sqlite3_open_v2(path, &lg->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return izin_log_sql_err(lg, rc);
	sqlite3_extended_result_codes(lg->db, 1);
	sqlite3_busy_timeout(lg->db, BUSY_MS);
	return open_schema(lg);
}

void
izin_log_close(izin_log *lg)
{
	if (lg == NULL)
		return;
	sqlite3_finalize(lg->ins);
	sqlite3_finalize(lg->layout_get);
	sqlite3_finalize(lg->layout_put);
	sqlite3_finalize(lg->head_get);
	sqlite3_finalize(lg->head_put);
	sqlite3_close(lg->db);
	for (size_t i = 0; i < lg->nlayouts; i++) {
		for (size_t j = 0; j < lg->layouts[i].n; j++)
			free(lg->layouts[i].names[j]);
		free(lg->layouts[i].names);
		free(lg->layouts[i].echo);
		free(lg->layouts[i].raw);
	}
	free(lg->layouts);
	for (size_t i = 0; i < NCACHE; i++)
		free(lg->qs[i].pos);
	free(lg->queue);
	free(lg->q.p);
	free(lg->keys.p);
	free(lg->line.p);
	free(lg->tail.p);
	free(lg->hashed.p);
	izin_log_cols_free(&lg->cols);
	izin_record_free(lg->echo);
	free(lg);
}

const char *
izin_log_errmsg(const izin_log *lg)
{
	return lg != NULL ? lg->errmsg : "out of memory";
}

const char *
izin_log_device(const izin_log *lg)
{
	return lg->device;
}
