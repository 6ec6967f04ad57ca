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

#include "izin_internal.h"

/* How long a writer waits for another to finish its batch. */
#define BUSY_MS 30000
/* First field of the bytes hashed, so no other hash can pass for one. */
#define DOMAIN "izin-sighting-1"
#define NCACHE 64

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

static const char *const reserved[] = {
	"seq", "device", "dseq", "time", "reporter", "reporter_kind", "place",
	"lat", "lon", "hash"
};
#define NRESERVED (sizeof(reserved) / sizeof(reserved[0]))
/* The sighting columns a query adds: the first 8 always, then 2 more for
 * an export. */
static const char *const out_cols[] = {
	"seq", "device", "time", "reporter", "reporter_kind", "place", "lat",
	"lon", "dseq", "hash"
};

struct buf {
	char *p;
	size_t len, cap;
};

/* Column names and values of one record, as arrays. */
struct cols {
	const char **k, **v;
	size_t *l;
	size_t n, cap;
};

/* A list of stored column names met on input: one layout row. */
struct qlayout {
	char *raw;              /* the names line, escaped */
	size_t rawlen;
	char **names;
	size_t n;
	const char **echo;      /* names, then the sighting columns */
	int64_t id;             /* its row, or 0 until looked up */
};

/* Where a record schema's stored columns sit (izin_record_schema()
 * names one list of column names for good, so this is worked out once
 * per schema, not once per record). */
struct qschema {
	unsigned long schema;
	size_t layout;          /* into izin_log.layouts */
	size_t *pos, cap;       /* record position of each stored column */
	long permit, text;      /* record positions, or -1 */
};

/* A queued record: offsets into izin_log.q. */
struct qentry {
	size_t layout;
	size_t line, linelen;   /* values as a TSV line */
	size_t permit, plen;    /* the permit, as it is */
	int64_t seq;
};

struct izin_log {
	sqlite3 *db;
	int writable;
	char device[IZIN_DEVICE_LEN + 1];
	char errmsg[256];
	sqlite3_stmt *ins, *layout_get, *layout_put, *head_get, *head_put;
	struct qlayout *layouts;
	size_t nlayouts;
	struct qschema qs[NCACHE];
	struct qentry *queue;
	size_t nqueue, qcap;
	struct buf q, hashed, keys, line, tail;
	struct cols cols;
	izin_record *echo;      /* reused, so a writer's column map holds */
	size_t echo_layout;
};

/* A layout read back: its column names, and which one is "permit". */
struct layout {
	int64_t id;
	char *raw;              /* the names line as stored */
	size_t rawlen;
	char *store;            /* the names, unescaped */
	const char **names;
	size_t n;
	long permit;
};

struct layouts {
	struct layout *v;
	size_t n;
};

static int
buf_reserve(struct buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->len + extra < b->cap)
		return 0;
	if (extra > SIZE_MAX / 4 - b->len)
		return IZIN_ENOMEM;
	for (cap = b->cap ? b->cap : 256; cap <= b->len + extra; cap *= 2)
		;
	if ((p = realloc(b->p, cap)) == NULL)
		return IZIN_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Append s escaped as an izin-record(5) TSV value. */
static int
buf_escaped(struct buf *b, const char *s, size_t len)
{
	char *d;
	int rc;

	if ((rc = buf_reserve(b, 2 * len + 1)) < 0)
		return rc;
	d = b->p + b->len;
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '\\': *d++ = '\\'; *d++ = '\\'; break;
		case '\t': *d++ = '\\'; *d++ = 't'; break;
		case '\n': *d++ = '\\'; *d++ = 'n'; break;
		case '\r': *d++ = '\\'; *d++ = 'r'; break;
		default: *d++ = s[i];
		}
	}
	b->len = (size_t)(d - b->p);
	return 0;
}

/* A field of the bytes hashed: its length, 4 bytes big-endian, then it. */
static int
buf_field(struct buf *b, const void *s, size_t len)
{
	unsigned char *d;
	int rc;

	if (len > UINT32_MAX)
		return IZIN_ELENGTH;
	if ((rc = buf_reserve(b, len + 4)) < 0)
		return rc;
	d = (unsigned char *)b->p + b->len;
	d[0] = (unsigned char)(len >> 24);
	d[1] = (unsigned char)(len >> 16);
	d[2] = (unsigned char)(len >> 8);
	d[3] = (unsigned char)len;
	if (len > 0)
		memcpy(d + 4, s, len);
	b->len += len + 4;
	return 0;
}

static int
buf_fieldstr(struct buf *b, const char *s)
{
	return buf_field(b, s, strlen(s));
}

static int
cols_reserve(struct cols *c, size_t n)
{
	const char **k, **v;
	size_t *l;

	if (n <= c->cap)
		return 0;
	k = realloc(c->k, n * sizeof(*k));
	if (k != NULL)
		c->k = k;
	v = realloc(c->v, n * sizeof(*v));
	if (v != NULL)
		c->v = v;
	l = realloc(c->l, n * sizeof(*l));
	if (l != NULL)
		c->l = l;
	if (k == NULL || v == NULL || l == NULL)
		return IZIN_ENOMEM;
	c->cap = n;
	return 0;
}

/* Undo the TSV escapes of s (len bytes) in place; -1 for a bad one. */
static int
unescape(char *s, size_t *len)
{
	char *in = memchr(s, '\\', *len), *out, *end = s + *len;

	if (in == NULL)
		return 0;
	for (out = in; in < end; ) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		if (in + 1 == end)
			return -1;
		switch (in[1]) {
		case '\\': *out++ = '\\'; break;
		case 't': *out++ = '\t'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		default: return -1;
		}
		in += 2;
	}
	*out = '\0';
	*len = (size_t)(out - s);
	return 0;
}

/* Split a TSV line (copied into b) into exactly n cells, unescaped, into
 * c->v and c->l; -1 when it does not hold n. */
static int
split_line(struct buf *b, const char *line, size_t len, struct cols *c,
           size_t n)
{
	char *p, *t, *end;
	size_t i;

	b->len = 0;
	if (n == 0)
		return -1;
	if (buf_reserve(b, len + 1) < 0 || cols_reserve(c, n) < 0)
		return IZIN_ENOMEM;
	memcpy(b->p, line, len);
	b->p[len] = '\0';
	p = b->p;
	end = p + len;
	for (i = 0; i < n; i++) {
		t = memchr(p, '\t', (size_t)(end - p));
		if (t == NULL)
			t = end;
		else if (i + 1 == n)
			return -1;
		*t = '\0';
		c->v[i] = p;
		c->l[i] = (size_t)(t - p);
		if (unescape(p, &c->l[i]) < 0)
			return -1;
		if (t == end && i + 1 < n)
			return -1;
		p = t + 1;
	}
	c->n = n;
	return 0;
}

/* What a sighting row holds besides its record. */
struct row {
	const char *device;
	int64_t dseq;
	const char *time, *reporter, *kind, *place, *lat, *lon;
};

/*
 * The chain: BLAKE2b-256 over length-prefixed fields, in this order: the
 * domain string, the previous hash (32 zero bytes for a device's first
 * sighting), device, dseq in decimal, time, reporter, reporter_kind,
 * place, lat, lon, then the record as stored: its column names as one
 * izin-record(5) TSV header line and its values as one TSV line.
 * Documented in report-log(1): keep the two in step.
 */
static int
row_fields(struct buf *b, const unsigned char prev[IZIN_LOG_HASH_LEN],
           const struct row *w)
{
	char num[24];
	int rc;

	b->len = 0;
	snprintf(num, sizeof(num), "%lld", (long long)w->dseq);
	if ((rc = buf_fieldstr(b, DOMAIN)) < 0 ||
	    (rc = buf_field(b, prev, IZIN_LOG_HASH_LEN)) < 0 ||
	    (rc = buf_fieldstr(b, w->device)) < 0 ||
	    (rc = buf_fieldstr(b, num)) < 0 ||
	    (rc = buf_fieldstr(b, w->time)) < 0 ||
	    (rc = buf_fieldstr(b, w->reporter)) < 0 ||
	    (rc = buf_fieldstr(b, w->kind)) < 0 ||
	    (rc = buf_fieldstr(b, w->place)) < 0 ||
	    (rc = buf_fieldstr(b, w->lat)) < 0 ||
	    (rc = buf_fieldstr(b, w->lon)) < 0)
		return rc;
	return 0;
}

static void
chain_hash(struct buf *b, const char *names, size_t nlen, const char *line,
           size_t llen, unsigned char out[IZIN_LOG_HASH_LEN])
{
	unsigned char len[8];
	crypto_generichash_state st;

	len[0] = (unsigned char)(nlen >> 24);
	len[1] = (unsigned char)(nlen >> 16);
	len[2] = (unsigned char)(nlen >> 8);
	len[3] = (unsigned char)nlen;
	len[4] = (unsigned char)(llen >> 24);
	len[5] = (unsigned char)(llen >> 16);
	len[6] = (unsigned char)(llen >> 8);
	len[7] = (unsigned char)llen;
	crypto_generichash_init(&st, NULL, 0, IZIN_LOG_HASH_LEN);
	crypto_generichash_update(&st, (unsigned char *)b->p, b->len);
	crypto_generichash_update(&st, len, 4);
	crypto_generichash_update(&st, (const unsigned char *)names, nlen);
	crypto_generichash_update(&st, len + 4, 4);
	crypto_generichash_update(&st, (const unsigned char *)line, llen);
	crypto_generichash_final(&st, out, IZIN_LOG_HASH_LEN);
}

int
izin_log_reserved(const char *key)
{
	/* Called for every column of every record: look only at the names
	 * that start with the same letter. */
	for (size_t i = 0; i < NRESERVED; i++)
		if (reserved[i][0] == key[0] && strcmp(key, reserved[i]) == 0)
			return 1;
	return 0;
}

int
izin_log_check_record(const izin_record *r)
{
	size_t len;

	if (izin_record_get(r, "permit", &len) != NULL && len > 0)
		return IZIN_OK;
	if (izin_record_get(r, "text", &len) != NULL && len > 0)
		return IZIN_OK;
	return IZIN_EEMPTY;
}

static int
sql_err(izin_log *lg, int rc)
{
	snprintf(lg->errmsg, sizeof(lg->errmsg), "%s",
	         lg->db ? sqlite3_errmsg(lg->db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_NOTADB: return IZIN_EFOREIGN;
	case SQLITE_NOMEM: return IZIN_ENOMEM;
	default: return IZIN_EIO;
	}
}

static int
exec(izin_log *lg, const char *sql)
{
	int rc = sqlite3_exec(lg->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sql_err(lg, rc);
}

/* Prepare once for the life of the handle. */
static int
prepare(izin_log *lg, sqlite3_stmt **st, const char *sql)
{
	int rc;

	if (*st != NULL)
		return 0;
	rc = sqlite3_prepare_v3(lg->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	                        NULL);
	return rc == SQLITE_OK ? 0 : sql_err(lg, rc);
}

static int
prepare_once(izin_log *lg, sqlite3_stmt **st, const char *sql)
{
	int rc;

	*st = NULL;
	rc = sqlite3_prepare_v2(lg->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : sql_err(lg, rc);
}

/* Undo an open transaction after a failure, keeping the first message. */
static int
rollback(izin_log *lg, int err)
{
	if (!sqlite3_get_autocommit(lg->db))
		sqlite3_exec(lg->db, "ROLLBACK", NULL, NULL, NULL);
	/* Layout rows made in the transaction are gone with it. */
	for (size_t i = 0; i < lg->nlayouts; i++)
		lg->layouts[i].id = 0;
	return err;
}

static int
text_col(sqlite3_stmt *st, int i, const char **s)
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
migrate(izin_log *lg)
{
	unsigned char id[IZIN_DEVICE_LEN / 2];
	char hex[IZIN_DEVICE_LEN + 1], sql[128];
	sqlite3_stmt *st;
	int appid, version, ntables, rc;

	if ((rc = exec(lg, "BEGIN IMMEDIATE")) < 0)
		return rc;
	if ((rc = read_ids(lg, &appid, &version, &ntables)) < 0)
		return rollback(lg, rc);
	if (!is_new(appid, version, ntables) && appid != IZIN_LOG_APPID)
		return rollback(lg, IZIN_EFOREIGN);
	if (version > IZIN_LOG_VERSION)
		return rollback(lg, IZIN_EVERSION);
	for (int v = version; v < IZIN_LOG_VERSION; v++)
		if ((rc = exec(lg, migrations[v])) < 0)
			return rollback(lg, rc);
	if (version == 0) {
		randombytes_buf(id, sizeof(id));
		sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
		if ((rc = prepare_once(lg, &st, "INSERT INTO meta(key, value)"
		    " VALUES('device', ?1)")) < 0)
			return rollback(lg, rc);
		sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return rollback(lg, sql_err(lg, rc));
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	         "PRAGMA user_version = %d", IZIN_LOG_APPID, IZIN_LOG_VERSION);
	if ((rc = exec(lg, sql)) < 0 || (rc = exec(lg, "COMMIT")) < 0)
		return rollback(lg, rc);
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
		rc = sqlite3_exec(lg->db, "PRAGMA journal_mode = WAL", NULL, NULL,
		                  NULL);
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
	if (rc == SQLITE_ROW && text_col(st, 0, &s) == 0 &&
	    strlen(s) == IZIN_DEVICE_LEN &&
	    strspn(s, "0123456789abcdef") == IZIN_DEVICE_LEN) {
		memcpy(lg->device, s, IZIN_DEVICE_LEN + 1);
		rc = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		snprintf(lg->errmsg, sizeof(lg->errmsg), "no device id");
		rc = IZIN_EIO;
	} else {
		rc = sql_err(lg, rc);
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
		if ((rc = exec(lg, "PRAGMA synchronous = NORMAL;"
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
		return sql_err(lg, rc);
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
	free(lg->cols.k);
	free(lg->cols.v);
	free(lg->cols.l);
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

/* Id of the layout whose names line is keys (len bytes), made when new. */
static int
layout_find(izin_log *lg, const char *keys, size_t len, int64_t *id)
{
	int rc;

	if ((rc = prepare(lg, &lg->layout_get,
	    "SELECT id FROM layout WHERE keys = ?1")) < 0 ||
	    (rc = prepare(lg, &lg->layout_put,
	    "INSERT INTO layout(keys) VALUES(?1)")) < 0)
		return rc;
	sqlite3_bind_text(lg->layout_get, 1, keys, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(lg->layout_get);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(lg->layout_get, 0);
	sqlite3_reset(lg->layout_get);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return sql_err(lg, rc);
	sqlite3_bind_text(lg->layout_put, 1, keys, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(lg->layout_put);
	sqlite3_reset(lg->layout_put);
	if (rc != SQLITE_DONE)
		return sql_err(lg, rc);
	*id = sqlite3_last_insert_rowid(lg->db);
	return 0;
}

static int
prepare_insert(izin_log *lg)
{
	return prepare(lg, &lg->ins, "INSERT INTO sighting(seq, device, dseq,"
	    " time, epoch, reporter, reporter_kind, place, lat, lon, permit,"
	    " layout, record, prev_hash, hash) VALUES(NULL, ?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
}

/* The chain head of a device: its last dseq, seq and hash, or 0 and
 * zeros when it has none. */
static int
head_get(izin_log *lg, const char *device, int64_t *dseq, int64_t *seq,
         unsigned char hash[IZIN_LOG_HASH_LEN])
{
	int rc;

	if ((rc = prepare(lg, &lg->head_get,
	    "SELECT dseq, seq, hash FROM head WHERE device = ?1")) < 0)
		return rc;
	sqlite3_bind_text(lg->head_get, 1, device, -1, SQLITE_STATIC);
	*dseq = *seq = 0;
	memset(hash, 0, IZIN_LOG_HASH_LEN);
	rc = sqlite3_step(lg->head_get);
	if (rc == SQLITE_ROW) {
		*dseq = sqlite3_column_int64(lg->head_get, 0);
		*seq = sqlite3_column_int64(lg->head_get, 1);
		if (sqlite3_column_bytes(lg->head_get, 2) == IZIN_LOG_HASH_LEN)
			memcpy(hash, sqlite3_column_blob(lg->head_get, 2),
			       IZIN_LOG_HASH_LEN);
		else
			rc = SQLITE_CORRUPT;
	}
	sqlite3_reset(lg->head_get);
	if (rc == SQLITE_CORRUPT) {
		snprintf(lg->errmsg, sizeof(lg->errmsg),
		         "chain head of device %s damaged", device);
		return IZIN_EIO;
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
head_put(izin_log *lg, const char *device, int64_t dseq, int64_t seq,
         const unsigned char hash[IZIN_LOG_HASH_LEN])
{
	int rc;

	if ((rc = prepare(lg, &lg->head_put, "INSERT OR REPLACE INTO"
	    " head(device, dseq, seq, hash) VALUES(?1, ?2, ?3, ?4)")) < 0)
		return rc;
	sqlite3_bind_text(lg->head_put, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(lg->head_put, 2, dseq);
	sqlite3_bind_int64(lg->head_put, 3, seq);
	sqlite3_bind_blob(lg->head_put, 4, hash, IZIN_LOG_HASH_LEN,
	                  SQLITE_STATIC);
	rc = sqlite3_step(lg->head_put);
	sqlite3_reset(lg->head_put);
	return rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
}

static int
insert_row(izin_log *lg, const struct row *w, int64_t epoch,
           const char *permit, size_t plen, int64_t layout,
           const char *line, size_t llen, const unsigned char *prev,
           const unsigned char *hash, int64_t *seq)
{
	sqlite3_stmt *st = lg->ins;
	int rc;

	sqlite3_bind_text(st, 1, w->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->dseq);
	sqlite3_bind_text(st, 3, w->time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, epoch);
	sqlite3_bind_text(st, 5, w->reporter, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, w->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, w->place, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, w->lat, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, w->lon, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, permit, (int)plen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, layout);
	sqlite3_bind_text(st, 12, line, (int)llen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, prev, IZIN_LOG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 14, hash, IZIN_LOG_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sql_err(lg, rc);
	*seq = sqlite3_last_insert_rowid(lg->db);
	return 0;
}

/* Where r's stored columns are, from the cache or worked out now. */
static int
schema_for(izin_log *lg, const izin_record *r, struct qschema **out)
{
	unsigned long schema = izin_record_schema(r);
	struct qschema *qs = &lg->qs[schema % NCACHE];
	size_t n = izin_record_count(r), m = 0, li;
	int rc;

	*out = qs;
	if (qs->schema == schema && schema != 0)
		return 0;
	qs->schema = 0;
	if (n > qs->cap) {
		size_t *pos = realloc(qs->pos, n * sizeof(*pos));
		if (pos == NULL)
			return IZIN_ENOMEM;
		qs->pos = pos;
		qs->cap = n;
	}
	qs->permit = qs->text = -1;
	lg->keys.len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *k = izin_record_key(r, i);
		if (izin_log_reserved(k))
			continue;
		if (strcmp(k, "permit") == 0)
			qs->permit = (long)i;
		else if (strcmp(k, "text") == 0)
			qs->text = (long)i;
		if (m > 0) {
			if ((rc = buf_reserve(&lg->keys, 1)) < 0)
				return rc;
			lg->keys.p[lg->keys.len++] = '\t';
		}
		if ((rc = buf_escaped(&lg->keys, k, strlen(k))) < 0)
			return rc;
		qs->pos[m++] = i;
	}
	for (li = 0; li < lg->nlayouts; li++)
		if (lg->layouts[li].rawlen == lg->keys.len &&
		    memcmp(lg->layouts[li].raw, lg->keys.p, lg->keys.len) == 0)
			break;
	if (li == lg->nlayouts) {
		struct qlayout *l = realloc(lg->layouts,
		                            (li + 1) * sizeof(*l));
		if (l == NULL)
			return IZIN_ENOMEM;
		lg->layouts = l;
		l = &l[li];
		memset(l, 0, sizeof(*l));
		if ((l->raw = malloc(lg->keys.len + 1)) == NULL ||
		    (l->names = calloc(m + 1, sizeof(*l->names))) == NULL ||
		    (l->echo = calloc(m + 8, sizeof(*l->echo))) == NULL)
			goto nomem;
		memcpy(l->raw, lg->keys.p, lg->keys.len);
		l->raw[lg->keys.len] = '\0';
		l->rawlen = lg->keys.len;
		for (size_t j = 0; j < m; j++) {
			if ((l->names[j] = strdup(izin_record_key(r,
			                                          qs->pos[j]))) == NULL)
				goto nomem;
			l->echo[j] = l->names[j];
		}
		for (size_t j = 0; j < 8; j++)
			l->echo[m + j] = out_cols[j];
		l->n = m;
		lg->nlayouts++;
	}
	qs->layout = li;
	qs->schema = schema;
	return 0;
nomem:
	for (size_t j = 0; j < m && lg->layouts[li].names; j++)
		free(lg->layouts[li].names[j]);
	free(lg->layouts[li].names);
	free(lg->layouts[li].echo);
	free(lg->layouts[li].raw);
	return IZIN_ENOMEM;
}

static size_t
value_len(const izin_record *r, long pos)
{
	size_t len = 0;

	if (pos >= 0)
		izin_record_value(r, (size_t)pos, &len);
	return len;
}

int
izin_log_add(izin_log *lg, const izin_record *r)
{
	struct qschema *qs;
	struct qentry *e;
	const struct qlayout *l;
	size_t start = lg->q.len;
	int rc;

	if (!lg->writable)
		return IZIN_EINVAL;
	if ((rc = schema_for(lg, r, &qs)) < 0)
		return rc;
	if (value_len(r, qs->permit) == 0 && value_len(r, qs->text) == 0)
		return IZIN_EEMPTY;
	l = &lg->layouts[qs->layout];
	if (lg->nqueue == lg->qcap) {
		size_t cap = lg->qcap ? 2 * lg->qcap : 1024;
		if ((e = realloc(lg->queue, cap * sizeof(*e))) == NULL)
			return IZIN_ENOMEM;
		lg->queue = e;
		lg->qcap = cap;
	}
	e = &lg->queue[lg->nqueue];
	e->layout = qs->layout;
	e->line = lg->q.len;
	for (size_t j = 0; j < l->n; j++) {
		size_t len;
		const char *v = izin_record_value(r, qs->pos[j], &len);
		if (j > 0) {
			if ((rc = buf_reserve(&lg->q, 1)) < 0)
				goto bad;
			lg->q.p[lg->q.len++] = '\t';
		}
		if ((rc = buf_escaped(&lg->q, v, len)) < 0)
			goto bad;
	}
	e->linelen = lg->q.len - e->line;
	e->permit = lg->q.len;
	e->plen = value_len(r, qs->permit);
	if ((rc = buf_reserve(&lg->q, e->plen)) < 0)
		goto bad;
	if (e->plen > 0)
		memcpy(lg->q.p + lg->q.len, izin_record_value(r,
		       (size_t)qs->permit, NULL), e->plen);
	lg->q.len += e->plen;
	lg->nqueue++;
	return 0;
bad:
	lg->q.len = start;
	return rc;
}

size_t
izin_log_pending(const izin_log *lg)
{
	return lg->nqueue;
}

/* The sighting columns after seq, as the end of a TSV line. */
static int
echo_tail(struct buf *b, const struct row *w)
{
	const char *f[7] = { w->device, w->time, w->reporter, w->kind,
	                     w->place, w->lat, w->lon };
	int rc;

	b->len = 0;
	for (size_t i = 0; i < 7; i++) {
		if ((rc = buf_reserve(b, 1)) < 0)
			return rc;
		b->p[b->len++] = '\t';
		if ((rc = buf_escaped(b, f[i], strlen(f[i]))) < 0)
			return rc;
	}
	return 0;
}

/* The echo of a committed record as a record: its stored columns, then
 * the sighting columns. */
static int
echo_record(izin_log *lg, const struct qentry *e, const struct row *w)
{
	const struct qlayout *l = &lg->layouts[e->layout];
	char num[24];
	int rc;

	if (lg->echo == NULL && (lg->echo = izin_record_new()) == NULL)
		return IZIN_ENOMEM;
	if (lg->echo_layout != e->layout + 1) {
		izin_record_clear(lg->echo);
		lg->echo_layout = e->layout + 1;
	}
	if ((rc = split_line(&lg->keys, lg->q.p + e->line, e->linelen,
	                     &lg->cols, l->n)) != 0)
		return rc == -1 ? IZIN_ERECORD : rc;
	for (size_t j = 0; j < l->n; j++)
		if ((rc = izin_record_set(lg->echo, l->names[j], lg->cols.v[j],
		                          lg->cols.l[j])) < 0)
			return rc;
	snprintf(num, sizeof(num), "%lld", (long long)e->seq);
	if ((rc = izin_record_set(lg->echo, "seq", num, strlen(num))) < 0 ||
	    (rc = izin_record_set(lg->echo, "device", w->device,
	                          IZIN_DEVICE_LEN)) < 0 ||
	    (rc = izin_record_set(lg->echo, "time", w->time,
	                          strlen(w->time))) < 0 ||
	    (rc = izin_record_set(lg->echo, "reporter", w->reporter,
	                          strlen(w->reporter))) < 0 ||
	    (rc = izin_record_set(lg->echo, "reporter_kind", w->kind,
	                          strlen(w->kind))) < 0 ||
	    (rc = izin_record_set(lg->echo, "place", w->place,
	                          strlen(w->place))) < 0 ||
	    (rc = izin_record_set(lg->echo, "lat", w->lat,
	                          strlen(w->lat))) < 0 ||
	    (rc = izin_record_set(lg->echo, "lon", w->lon,
	                          strlen(w->lon))) < 0)
		return rc;
	return 0;
}

/*
 * The echo as a TSV line costs one copy; as a record, a lookup by name per
 * column (izin_record_set), which for a wide record costs more than the
 * rest of the append together: so the record is made only on request.
 */
static int
echo(izin_log *lg, const struct qentry *e, const struct row *w, int records,
     int (*fn)(void *, const izin_log_echo *), void *arg)
{
	const struct qlayout *l = &lg->layouts[e->layout];
	izin_log_echo ec;
	char num[24];
	int n, rc;

	n = snprintf(num, sizeof(num), "%lld", (long long)e->seq);
	lg->line.len = 0;
	if ((rc = buf_reserve(&lg->line, e->linelen + (size_t)n + 1 +
	                      lg->tail.len)) < 0)
		return rc;
	memcpy(lg->line.p, lg->q.p + e->line, e->linelen);
	lg->line.len = e->linelen;
	if (l->n > 0)
		lg->line.p[lg->line.len++] = '\t';
	memcpy(lg->line.p + lg->line.len, num, (size_t)n);
	lg->line.len += (size_t)n;
	memcpy(lg->line.p + lg->line.len, lg->tail.p, lg->tail.len);
	lg->line.len += lg->tail.len;
	lg->line.p[lg->line.len] = '\0';
	ec.keys = l->echo;
	ec.nkeys = l->n + 8;
	ec.line = lg->line.p;
	ec.len = lg->line.len;
	ec.record = NULL;
	if (records) {
		if ((rc = echo_record(lg, e, w)) < 0)
			return rc;
		ec.record = lg->echo;
	}
	return fn(arg, &ec);
}

int
izin_log_commit(izin_log *lg, const izin_sighting *s, int records,
                int (*fn)(void *arg, const izin_log_echo *e), void *arg)
{
	unsigned char prev[IZIN_LOG_HASH_LEN], hash[IZIN_LOG_HASH_LEN];
	struct row w;
	const char *what;
	int64_t epoch, dseq, seq;
	int rc;

	if (lg == NULL || s == NULL || !lg->writable)
		return IZIN_EINVAL;
	if ((rc = izin_sighting_check(s, &what)) < 0)
		return rc;
	if (lg->nqueue == 0)
		return 0;
	izin_time_parse(s->time, strlen(s->time), &epoch);
	w = (struct row){ lg->device, 0, s->time, s->reporter,
	                  s->reporter_kind, s->place, s->lat, s->lon };
	if ((rc = prepare_insert(lg)) < 0)
		return rc;
	/* IMMEDIATE: take the write lock before reading the chain head, so
	 * that two appenders to one file can never link to the same one. */
	if ((rc = exec(lg, "BEGIN IMMEDIATE")) < 0)
		return rollback(lg, rc);
	if ((rc = head_get(lg, lg->device, &dseq, &seq, prev)) < 0)
		return rollback(lg, rc);
	for (size_t i = 0; i < lg->nqueue; i++) {
		struct qentry *e = &lg->queue[i];
		struct qlayout *l = &lg->layouts[e->layout];
		if (l->id == 0 &&
		    (rc = layout_find(lg, l->raw, l->rawlen, &l->id)) < 0)
			return rollback(lg, rc);
		w.dseq = ++dseq;
		if ((rc = row_fields(&lg->hashed, prev, &w)) < 0)
			return rollback(lg, rc);
		chain_hash(&lg->hashed, l->raw, l->rawlen, lg->q.p + e->line,
		           e->linelen, hash);
		if ((rc = insert_row(lg, &w, epoch, lg->q.p + e->permit, e->plen,
		                     l->id, lg->q.p + e->line, e->linelen, prev,
		                     hash, &e->seq)) < 0)
			return rollback(lg, rc);
		memcpy(prev, hash, sizeof(prev));
	}
	if ((rc = head_put(lg, lg->device, dseq, lg->queue[lg->nqueue - 1].seq,
	                   prev)) < 0 ||
	    (rc = exec(lg, "COMMIT")) < 0)
		return rollback(lg, rc);
	if (fn != NULL && (rc = echo_tail(&lg->tail, &w)) < 0)
		fn = NULL;
	for (size_t i = 0; fn != NULL && i < lg->nqueue; i++)
		if ((rc = echo(lg, &lg->queue[i], &w, records, fn, arg)) != 0)
			break;
	lg->nqueue = 0;
	lg->q.len = 0;
	return rc;
}

/*
 * Reading back.
 */

static void
layouts_free(struct layouts *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].raw);
		free(ls->v[i].store);
		free(ls->v[i].names);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = 0;
}

static int
layouts_load(izin_log *lg, struct layouts *ls)
{
	sqlite3_stmt *st;
	struct layout *l;
	struct buf b = { NULL, 0, 0 };
	struct cols c = { NULL, NULL, NULL, 0, 0 };
	size_t cap = 0, n, len;
	int rc;

	ls->v = NULL;
	ls->n = 0;
	if ((rc = prepare_once(lg, &st,
	    "SELECT id, keys FROM layout ORDER BY id")) < 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *keys = (const char *)sqlite3_column_text(st, 1);
		len = (size_t)sqlite3_column_bytes(st, 1);
		if (keys == NULL) {
			rc = IZIN_ERECORD;
			goto out;
		}
		if (ls->n == cap) {
			struct layout *v;
			cap = cap ? 2 * cap : 8;
			if ((v = realloc(ls->v, cap * sizeof(*v))) == NULL) {
				rc = IZIN_ENOMEM;
				goto out;
			}
			ls->v = v;
		}
		n = 1;
		for (size_t i = 0; i < len; i++)
			n += keys[i] == '\t';
		/* An altered names line is kept as it is: the hashes of the
		 * sightings that use it are what tell. */
		if ((rc = split_line(&b, keys, len, &c, n)) == -1)
			n = 0;
		else if (rc < 0)
			goto out;
		l = &ls->v[ls->n];
		l->id = sqlite3_column_int64(st, 0);
		l->n = n;
		l->permit = -1;
		l->store = b.p;
		l->names = malloc((n ? n : 1) * sizeof(*l->names));
		l->raw = malloc(len + 1);
		l->rawlen = len;
		b.p = NULL;
		b.cap = 0;
		if (l->names == NULL || l->raw == NULL) {
			free(l->store);
			free(l->names);
			free(l->raw);
			rc = IZIN_ENOMEM;
			goto out;
		}
		memcpy(l->raw, keys, len + 1);
		ls->n++;
		for (size_t i = 0; i < n; i++) {
			/* The store was copied whole: same offsets. */
			l->names[i] = c.v[i];
			if (strcmp(c.v[i], "permit") == 0)
				l->permit = (long)i;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
out:
	sqlite3_finalize(st);
	free(b.p);
	free(c.k);
	free(c.v);
	free(c.l);
	if (rc < 0)
		layouts_free(ls);
	return rc;
}

static const struct layout *
layouts_find(const struct layouts *ls, int64_t id)
{
	size_t lo = 0, hi = ls->n;

	/* Loaded in id order. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ls->v[mid].id == id)
			return &ls->v[mid];
		if (ls->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Every column name of every layout, first seen first, then the
 * sighting columns. */
static int
union_columns(const struct layouts *ls, int export,
              const izin_log_query *q)
{
	const char **keys;
	size_t n = 0, total = 10;
	int rc;

	for (size_t i = 0; i < ls->n; i++)
		total += ls->v[i].n;
	if ((keys = malloc(total * sizeof(*keys))) == NULL)
		return IZIN_ENOMEM;
	for (size_t i = 0; i < ls->n; i++)
		for (size_t j = 0; j < ls->v[i].n; j++) {
			size_t k;
			for (k = 0; k < n; k++)
				if (strcmp(keys[k], ls->v[i].names[j]) == 0)
					break;
			if (k == n)
				keys[n++] = ls->v[i].names[j];
		}
	for (size_t i = 0; i < (export ? 10u : 8u); i++)
		keys[n++] = out_cols[i];
	rc = q->columns(q->arg, keys, n);
	free(keys);
	return rc;
}

#define ROW_COLS "seq, device, dseq, time, reporter, reporter_kind, place," \
	" lat, lon, layout, record, hash"

struct reader {
	izin_log *lg;
	const izin_log_query *q;
	struct layouts ls;
	izin_record *r;
	struct buf b;
	struct cols c;
	int export;
};

/* One row of ROW_COLS as a record, handed to the callback. */
static int
emit(struct reader *rd, sqlite3_stmt *st)
{
	const struct layout *l;
	const char *line, *v;
	char num[24], hex[2 * IZIN_LOG_HASH_LEN + 1];
	size_t len;
	int rc;

	l = layouts_find(&rd->ls, sqlite3_column_int64(st, 9));
	line = (const char *)sqlite3_column_text(st, 10);
	len = (size_t)sqlite3_column_bytes(st, 10);
	if (l == NULL || line == NULL || l->n == 0 ||
	    (rc = split_line(&rd->b, line, len, &rd->c, l->n)) == -1) {
		snprintf(rd->lg->errmsg, sizeof(rd->lg->errmsg),
		         "seq %lld: stored record damaged",
		         (long long)sqlite3_column_int64(st, 0));
		return IZIN_ERECORD;
	}
	if (rc < 0)
		return rc;
	izin_record_clear(rd->r);
	for (size_t i = 0; i < l->n; i++)
		if ((rc = izin_record_set(rd->r, l->names[i], rd->c.v[i],
		                          rd->c.l[i])) < 0)
			return rc;
	for (int i = 0; i < 9 + rd->export; i++) {
		static const int col[] = { 0, 1, 3, 4, 5, 6, 7, 8, 2, 11 };
		if (i == 9) {
			if (sqlite3_column_bytes(st, 11) != IZIN_LOG_HASH_LEN)
				return IZIN_ERECORD;
			sodium_bin2hex(hex, sizeof(hex),
			               sqlite3_column_blob(st, 11),
			               IZIN_LOG_HASH_LEN);
			v = hex;
		} else if (i == 0 || i == 8) {
			snprintf(num, sizeof(num), "%lld",
			         (long long)sqlite3_column_int64(st, col[i]));
			v = num;
		} else if ((v = (const char *)sqlite3_column_text(st,
		                                                  col[i])) == NULL) {
			v = "";
		}
		if (i == 8 && !rd->export)
			continue;
		if ((rc = izin_record_set(rd->r, out_cols[i], v, strlen(v))) < 0)
			return rc;
	}
	return rd->q->record(rd->q->arg, rd->r);
}

static int
run_rows(struct reader *rd, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = emit(rd, st)) != 0)
			return rc;
	return rc == SQLITE_DONE ? 0 : sql_err(rd->lg, rc);
}

/* Each permit's latest sighting: walk the (permit, epoch) index, which
 * holds seq too, and fetch a row only when its permit's run ends. */
static int
last_seen_all(struct reader *rd)
{
	sqlite3_stmt *scan, *get;
	char *permit = NULL;
	int64_t seq = 0;
	int rc, have = 0;

	if ((rc = prepare_once(rd->lg, &scan, "SELECT permit, seq FROM sighting"
	    " WHERE permit > '' AND epoch BETWEEN ?1 AND ?2"
	    " ORDER BY permit, epoch, seq")) < 0)
		return rc;
	if ((rc = prepare_once(rd->lg, &get, "SELECT " ROW_COLS
	    " FROM sighting WHERE seq = ?1")) < 0) {
		sqlite3_finalize(scan);
		return rc;
	}
	sqlite3_bind_int64(scan, 1, rd->q->since);
	sqlite3_bind_int64(scan, 2, rd->q->until);
	for (;;) {
		const char *p = NULL;
		rc = sqlite3_step(scan);
		if (rc == SQLITE_ROW)
			p = (const char *)sqlite3_column_text(scan, 0);
		else if (rc != SQLITE_DONE) {
			rc = sql_err(rd->lg, rc);
			break;
		}
		if (have && (p == NULL || strcmp(p, permit) != 0)) {
			sqlite3_bind_int64(get, 1, seq);
			rc = run_rows(rd, get);
			sqlite3_reset(get);
			if (rc != 0)
				break;
		}
		if (p == NULL) {
			rc = 0;
			break;
		}
		if (!have || strcmp(p, permit) != 0) {
			free(permit);
			if ((permit = strdup(p)) == NULL) {
				rc = IZIN_ENOMEM;
				break;
			}
		}
		seq = sqlite3_column_int64(scan, 1);
		have = 1;
	}
	free(permit);
	sqlite3_finalize(scan);
	sqlite3_finalize(get);
	return rc;
}

static int
query_txn(struct reader *rd)
{
	const izin_log_query *q = rd->q;
	sqlite3_stmt *st;
	int rc;

	if ((rc = layouts_load(rd->lg, &rd->ls)) < 0)
		return rc;
	if (q->columns != NULL &&
	    (rc = union_columns(&rd->ls, rd->export, q)) != 0)
		return rc;
	switch (q->what) {
	case IZIN_LOG_TRAIL:
		rc = prepare_once(rd->lg, &st, "SELECT " ROW_COLS " FROM sighting"
		    " WHERE permit = ?1 AND epoch BETWEEN ?2 AND ?3"
		    " ORDER BY epoch, seq");
		break;
	case IZIN_LOG_LAST_SEEN:
		if (q->permit == NULL)
			return last_seen_all(rd);
		rc = prepare_once(rd->lg, &st, "SELECT " ROW_COLS " FROM sighting"
		    " WHERE permit = ?1 AND epoch BETWEEN ?2 AND ?3"
		    " ORDER BY epoch DESC, seq DESC LIMIT 1");
		break;
	default:
		rc = prepare_once(rd->lg, &st, "SELECT " ROW_COLS " FROM sighting"
		    " WHERE seq > ?1 AND epoch BETWEEN ?2 AND ?3 ORDER BY seq");
		break;
	}
	if (rc < 0)
		return rc;
	if (q->what != IZIN_LOG_EXPORT)
		sqlite3_bind_text(st, 1, q->permit, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, q->after);
	sqlite3_bind_int64(st, 2, q->since);
	sqlite3_bind_int64(st, 3, q->until);
	rc = run_rows(rd, st);
	sqlite3_finalize(st);
	return rc;
}

int
izin_log_run(izin_log *lg, const izin_log_query *q)
{
	struct reader rd = { 0 };
	int rc;

	if (lg == NULL || q == NULL || q->record == NULL ||
	    q->what < IZIN_LOG_TRAIL || q->what > IZIN_LOG_EXPORT ||
	    (q->what == IZIN_LOG_TRAIL && q->permit == NULL))
		return IZIN_EINVAL;
	rd.lg = lg;
	rd.q = q;
	rd.export = q->what == IZIN_LOG_EXPORT;
	if ((rd.r = izin_record_new()) == NULL)
		return IZIN_ENOMEM;
	/* One read transaction: the header and the rows from one snapshot. */
	if ((rc = exec(lg, "BEGIN")) == 0) {
		rc = query_txn(&rd);
		sqlite3_exec(lg->db, "COMMIT", NULL, NULL, NULL);
	}
	layouts_free(&rd.ls);
	izin_record_free(rd.r);
	free(rd.b.p);
	free(rd.c.k);
	free(rd.c.v);
	free(rd.c.l);
	return rc;
}

/*
 * Verification.
 */

struct chain {
	char *device;
	int64_t head_dseq, head_seq;
	unsigned char head_hash[IZIN_LOG_HASH_LEN];
	int64_t dseq, seq;
	unsigned char hash[IZIN_LOG_HASH_LEN];
	int64_t bad;
	const char *why;
};

struct chains {
	struct chain *v;
	size_t n;
};

static int
chain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct chain *)a)->device,
	              ((const struct chain *)b)->device);
}

static void
chains_free(struct chains *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i].device);
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}

/* The head table, sorted by device. */
static int
chains_load(izin_log *lg, struct chains *cs)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	cs->v = NULL;
	cs->n = 0;
	if ((rc = prepare_once(lg, &st,
	    "SELECT device, dseq, seq, hash FROM head")) < 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct chain *c;
		const char *dev = (const char *)sqlite3_column_text(st, 0);
		if (cs->n == cap) {
			cap = cap ? 2 * cap : 8;
			c = realloc(cs->v, cap * sizeof(*c));
			if (c == NULL) {
				rc = IZIN_ENOMEM;
				goto out;
			}
			cs->v = c;
		}
		c = &cs->v[cs->n];
		memset(c, 0, sizeof(*c));
		if ((c->device = strdup(dev ? dev : "")) == NULL) {
			rc = IZIN_ENOMEM;
			goto out;
		}
		cs->n++;
		c->head_dseq = sqlite3_column_int64(st, 1);
		c->head_seq = sqlite3_column_int64(st, 2);
		if (sqlite3_column_bytes(st, 3) == IZIN_LOG_HASH_LEN)
			memcpy(c->head_hash, sqlite3_column_blob(st, 3),
			       IZIN_LOG_HASH_LEN);
		else
			c->bad = c->head_seq, c->why = "chain head damaged";
	}
	rc = rc == SQLITE_DONE ? 0 : sql_err(lg, rc);
	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof(*cs->v), chain_cmp);
out:
	sqlite3_finalize(st);
	if (rc < 0)
		chains_free(cs);
	return rc;
}

static struct chain *
chains_find(struct chains *cs, const char *device)
{
	struct chain key = { 0 };

	key.device = (char *)device;
	if (cs->n == 0)
		return NULL;
	return bsearch(&key, cs->v, cs->n, sizeof(*cs->v), chain_cmp);
}

/* What can be wrong with one row, given its chain so far; NULL if
 * nothing.  Columns as VERIFY_COLS. */
#define VERIFY_COLS "seq, device, dseq, time, epoch, reporter," \
	" reporter_kind, place, lat, lon, permit, layout, record, prev_hash," \
	" hash"

static const char *
check_row(sqlite3_stmt *st, const struct chain *c, const struct layouts *ls,
          struct buf *b, struct buf *hb, struct cols *cols, int *err)
{
	unsigned char hash[IZIN_LOG_HASH_LEN];
	const struct layout *l;
	struct row w;
	const char *line, *permit;
	int64_t epoch, dseq = sqlite3_column_int64(st, 2);
	size_t plen, llen;

	*err = 0;
	if (dseq <= c->dseq)
		return "repeats or reorders its device's chain";
	if (dseq > c->dseq + 1)
		return "follows a gap: sightings before it were deleted";
	if (sqlite3_column_bytes(st, 13) != IZIN_LOG_HASH_LEN ||
	    memcmp(sqlite3_column_blob(st, 13), c->hash, IZIN_LOG_HASH_LEN))
		return "does not link to the sighting before it";
	if (sqlite3_column_bytes(st, 14) != IZIN_LOG_HASH_LEN)
		return "hash damaged";
	w.device = c->device;
	w.dseq = dseq;
	if (text_col(st, 3, &w.time) || text_col(st, 5, &w.reporter) ||
	    text_col(st, 6, &w.kind) || text_col(st, 7, &w.place) ||
	    text_col(st, 8, &w.lat) || text_col(st, 9, &w.lon) ||
	    text_col(st, 10, &permit) || text_col(st, 12, &line))
		return "a column is missing";
	llen = (size_t)sqlite3_column_bytes(st, 12);
	if (izin_time_parse(w.time, strlen(w.time), &epoch) != IZIN_OK ||
	    epoch != sqlite3_column_int64(st, 4))
		return "time altered: it does not match the instant stored";
	l = layouts_find(ls, sqlite3_column_int64(st, 11));
	if (l == NULL)
		return "record altered: its column names are missing";
	if ((*err = row_fields(hb, c->hash, &w)) < 0)
		return NULL;
	chain_hash(hb, l->raw, l->rawlen, line, llen, hash);
	if (memcmp(hash, sqlite3_column_blob(st, 14), IZIN_LOG_HASH_LEN))
		return "altered: its content does not match its hash";
	*err = l->n == 0 ? -1 : split_line(b, line, llen, cols, l->n);
	if (*err == -1) {
		*err = 0;
		return "record damaged: it does not fit its layout";
	}
	if (*err < 0)
		return NULL;
	plen = l->permit >= 0 ? cols->l[l->permit] : 0;
	if (plen != (size_t)sqlite3_column_bytes(st, 10) ||
	    (plen > 0 && memcmp(permit, cols->v[l->permit], plen) != 0))
		return "permit altered: it does not match the record";
	if (dseq > c->head_dseq)
		return "inserted: it lies beyond its device's chain head";
	return NULL;
}

static void
note_bad(int64_t *bad, const char **why, int64_t seq, const char *reason)
{
	if (*bad == 0 || seq < *bad) {
		*bad = seq;
		*why = reason;
	}
}

/* Verify inside an open (read) transaction. */
static int
verify_txn(izin_log *lg, int64_t *count, int64_t *bad, const char **why)
{
	struct chains cs;
	struct layouts ls;
	struct buf b = { NULL, 0, 0 }, hb = { NULL, 0, 0 };
	struct cols cols = { NULL, NULL, NULL, 0, 0 };
	struct chain *c = NULL;
	sqlite3_stmt *st = NULL;
	int rc, err;

	*count = 0;
	*bad = 0;
	*why = NULL;
	if ((rc = chains_load(lg, &cs)) < 0)
		return rc;
	if ((rc = layouts_load(lg, &ls)) < 0) {
		chains_free(&cs);
		return rc;
	}
	if ((rc = prepare_once(lg, &st, "SELECT " VERIFY_COLS
	    " FROM sighting ORDER BY seq")) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dev = (const char *)sqlite3_column_text(st, 1);
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *reason;

		(*count)++;
		if (dev == NULL)
			dev = "";
		if (c == NULL || strcmp(c->device, dev) != 0)
			c = chains_find(&cs, dev);
		if (c == NULL) {
			note_bad(bad, why, seq,
			         "inserted: its device has no chain head");
			continue;
		}
		if (c->bad)
			continue;
		reason = check_row(st, c, &ls, &b, &hb, &cols, &err);
		if (err < 0) {
			rc = err;
			goto out;
		}
		if (reason != NULL) {
			c->bad = seq;
			c->why = reason;
			continue;
		}
		c->dseq = sqlite3_column_int64(st, 2);
		c->seq = seq;
		memcpy(c->hash, sqlite3_column_blob(st, 14), IZIN_LOG_HASH_LEN);
	}
	if (rc != SQLITE_DONE) {
		rc = sql_err(lg, rc);
		goto out;
	}
	rc = 0;
	for (size_t i = 0; i < cs.n; i++) {
		c = &cs.v[i];
		if (!c->bad && c->dseq != c->head_dseq)
			c->bad = c->head_seq,
			c->why = "deleted: the chain ends before its head";
		else if (!c->bad && (c->seq != c->head_seq ||
		         memcmp(c->hash, c->head_hash, IZIN_LOG_HASH_LEN)))
			c->bad = c->head_seq,
			c->why = "the chain head does not match its last sighting";
		if (c->bad)
			note_bad(bad, why, c->bad, c->why);
	}
out:
	sqlite3_finalize(st);
	chains_free(&cs);
	layouts_free(&ls);
	free(b.p);
	free(hb.p);
	free(cols.k);
	free(cols.v);
	free(cols.l);
	return rc;
}

int
izin_log_verify(izin_log *lg, int64_t *count, int64_t *bad, const char **why)
{
	int rc;

	if ((rc = exec(lg, "BEGIN")) < 0)
		return rc;
	rc = verify_txn(lg, count, bad, why);
	sqlite3_exec(lg->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/*
 * Merging.
 */

/* Our row (device, dseq)'s hash into out; 0 when found, 1 when not.  A
 * scan, as nothing indexes (device, dseq): needed only when the other log
 * holds a shorter copy of a chain we have. */
static int
row_hash(izin_log *lg, const char *device, int64_t dseq,
         unsigned char out[IZIN_LOG_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare_once(lg, &st, "SELECT hash FROM sighting"
	    " WHERE device = ?1 AND dseq = ?2")) < 0)
		return rc;
	sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dseq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == IZIN_LOG_HASH_LEN)
		memcpy(out, sqlite3_column_blob(st, 0), IZIN_LOG_HASH_LEN);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : sql_err(lg, rc);
}

/* Every device of other that we hold too must have the same chain as
 * far as the shorter of the two goes.  Where ours is the longer one the
 * check is made here; where theirs is, on the row itself while copying. */
static int
merge_check_heads(izin_log *lg, struct chains *ours, const struct chains *theirs,
                  int64_t *bad, const char **why)
{
	unsigned char h[IZIN_LOG_HASH_LEN];
	int rc;

	for (size_t i = 0; i < theirs->n; i++) {
		const struct chain *t = &theirs->v[i];
		struct chain *o = chains_find(ours, t->device);
		if (o == NULL || o->head_dseq < t->head_dseq || t->head_dseq == 0)
			continue;
		if ((rc = row_hash(lg, t->device, t->head_dseq, h)) < 0)
			return rc;
		if (rc == 1 || memcmp(h, t->head_hash, IZIN_LOG_HASH_LEN)) {
			note_bad(bad, why, t->head_seq, "its device's chain differs"
			         " from the one already in the log");
			return 0;
		}
	}
	return 0;
}

static int
merge_rows(izin_log *lg, izin_log *other, struct chains *ours,
           const struct layouts *ls, int64_t *added, int64_t *bad,
           const char **why)
{
	sqlite3_stmt *st;
	struct chain *c = NULL;
	int64_t *ids;
	int rc;

	/* Their layout ids to ours, found or made once each. */
	if ((ids = calloc(ls->n ? ls->n : 1, sizeof(*ids))) == NULL)
		return IZIN_ENOMEM;
	if ((rc = prepare_once(other, &st, "SELECT " VERIFY_COLS
	    " FROM sighting ORDER BY seq")) < 0) {
		free(ids);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dev = (const char *)sqlite3_column_text(st, 1);
		int64_t dseq = sqlite3_column_int64(st, 2), seq;
		const struct layout *l;
		struct row w;
		const char *permit, *line;
		size_t li;

		if (c == NULL || strcmp(c->device, dev) != 0)
			c = chains_find(ours, dev);
		if (c == NULL) {
			/* A verified log has a head for every device. */
			rc = IZIN_EIO;
			break;
		}
		if (dseq < c->dseq)
			continue;
		if (dseq == c->dseq) {
			if (memcmp(sqlite3_column_blob(st, 14), c->hash,
			           IZIN_LOG_HASH_LEN)) {
				note_bad(bad, why, sqlite3_column_int64(st, 0),
				         "its device's chain differs from the one"
				         " already in the log");
				rc = SQLITE_DONE;
				break;
			}
			continue;
		}
		/* Verified, so every column is there and the layout too. */
		l = layouts_find(ls, sqlite3_column_int64(st, 11));
		li = (size_t)(l - ls->v);
		if (ids[li] == 0 &&
		    (rc = layout_find(lg, l->raw, l->rawlen, &ids[li])) < 0)
			break;
		w.device = dev;
		w.dseq = dseq;
		text_col(st, 3, &w.time);
		text_col(st, 5, &w.reporter);
		text_col(st, 6, &w.kind);
		text_col(st, 7, &w.place);
		text_col(st, 8, &w.lat);
		text_col(st, 9, &w.lon);
		text_col(st, 10, &permit);
		text_col(st, 12, &line);
		if ((rc = insert_row(lg, &w, sqlite3_column_int64(st, 4), permit,
		    (size_t)sqlite3_column_bytes(st, 10), ids[li], line,
		    (size_t)sqlite3_column_bytes(st, 12),
		    sqlite3_column_blob(st, 13), sqlite3_column_blob(st, 14),
		    &seq)) < 0)
			break;
		c->dseq = dseq;
		c->seq = seq;
		memcpy(c->hash, sqlite3_column_blob(st, 14), IZIN_LOG_HASH_LEN);
		(*added)++;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sql_err(other, rc);
	sqlite3_finalize(st);
	free(ids);
	return rc;
}

/* Our chain heads, with an empty chain for each device only they have,
 * each chain's position set to its head. */
static int
merge_chains(izin_log *lg, struct chains *ours, const struct chains *theirs)
{
	size_t n;
	int rc;

	if ((rc = chains_load(lg, ours)) < 0)
		return rc;
	n = ours->n;
	for (size_t i = 0; i < theirs->n; i++) {
		struct chain *c;
		if (n > 0 && bsearch(&theirs->v[i], ours->v, n,
		                     sizeof(*ours->v), chain_cmp) != NULL)
			continue;
		if ((c = realloc(ours->v, (ours->n + 1) * sizeof(*c))) == NULL)
			return IZIN_ENOMEM;
		ours->v = c;
		c = &ours->v[ours->n];
		memset(c, 0, sizeof(*c));
		if ((c->device = strdup(theirs->v[i].device)) == NULL)
			return IZIN_ENOMEM;
		ours->n++;
	}
	if (ours->n > 1)
		qsort(ours->v, ours->n, sizeof(*ours->v), chain_cmp);
	for (size_t i = 0; i < ours->n; i++) {
		struct chain *c = &ours->v[i];
		c->dseq = c->head_dseq;
		c->seq = c->head_seq;
		memcpy(c->hash, c->head_hash, IZIN_LOG_HASH_LEN);
	}
	return 0;
}

int
izin_log_merge(izin_log *lg, izin_log *other, int64_t *added, int64_t *bad,
               const char **why)
{
	struct chains ours = { NULL, 0 }, theirs = { NULL, 0 };
	struct layouts ls = { NULL, 0 };
	int64_t count;
	int rc;

	*added = 0;
	*bad = 0;
	*why = NULL;
	if (lg == NULL || other == NULL || !lg->writable)
		return IZIN_EINVAL;
	/* One snapshot of the other log for the check and the copy. */
	if ((rc = exec(other, "BEGIN")) < 0)
		return rc;
	if ((rc = verify_txn(other, &count, bad, why)) < 0 || *bad ||
	    (rc = chains_load(other, &theirs)) < 0 ||
	    (rc = layouts_load(other, &ls)) < 0 ||
	    (rc = prepare_insert(lg)) < 0)
		goto out;
	if ((rc = exec(lg, "BEGIN IMMEDIATE")) < 0 ||
	    (rc = merge_chains(lg, &ours, &theirs)) < 0 ||
	    (rc = merge_check_heads(lg, &ours, &theirs, bad, why)) < 0 ||
	    *bad ||
	    (rc = merge_rows(lg, other, &ours, &ls, added, bad, why)) < 0 ||
	    *bad)
		goto undo;
	for (size_t i = 0; i < ours.n; i++) {
		const struct chain *c = &ours.v[i];
		if (c->dseq != c->head_dseq &&
		    (rc = head_put(lg, c->device, c->dseq, c->seq, c->hash)) < 0)
			goto undo;
	}
	if ((rc = exec(lg, "COMMIT")) < 0)
		goto undo;
	goto out;
undo:
	rollback(lg, rc);
	*added = 0;
out:
	sqlite3_exec(other->db, "COMMIT", NULL, NULL, NULL);
	chains_free(&ours);
	chains_free(&theirs);
	layouts_free(&ls);
	return rc;
}
