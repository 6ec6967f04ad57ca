/*
 * log_pg.c - the sightings log's PostgreSQL store: a log is the schema
 * "izin" inside a database, reached with a libpq connection string.
 * izin-centre(7) sets out the schema, its partitions, indexes and roles.
 * The only file of the log that speaks libpq; log_internal.h says what a
 * store provides.
 *
 * One writer at a time (a transaction-scoped advisory lock, as SQLite's
 * BEGIN IMMEDIATE), so seq and layout ids come from a counter row read
 * under the lock and written back at commit: gapless, as SQLite's are,
 * whatever was rolled back or killed.  Sightings go in by binary COPY,
 * kept open across insert() calls and ended before any other statement.
 * Rows come back through a cursor, a batch at a time, in binary.
 *
 * libpq is loaded with dlopen() when a PostgreSQL location is first
 * opened, not linked: it brings some twenty-five shared libraries (TLS,
 * Kerberos, LDAP...) that would otherwise load into every tool that can
 * open a log, at about 10 ms a start, even for SQLite files.  A plain
 * file path never loads it; libpq-fe.h still gives every type.
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log_internal.h"

#define PQ_SONAME "libpq.so.5"

/* Every libpq function used here: PQexec is called as pq.exec, and so on.
 * Each pointer takes its type from the function's own declaration in
 * libpq-fe.h, so no prototype is written twice. */
#define PQ_FUNCS \
	X(clear) X(connectdb) X(conninfoFree) X(conninfoParse) \
	X(errorMessage) X(exec) X(execParams) X(execPrepared) X(finish) \
	X(freemem) X(getResult) X(getisnull) X(getlength) X(getvalue) \
	X(nfields) X(ntuples) X(prepare) X(putCopyData) X(putCopyEnd) \
	X(resultErrorField) X(resultStatus) X(setClientEncoding) \
	X(setNoticeProcessor) X(status) X(transactionStatus)

static struct {
#define X(f) __typeof__(PQ##f) *f;
	PQ_FUNCS
#undef X
} pq;
static int pq_ok;
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;

static void
pq_load_once(void)
{
	void *h;

	if ((h = dlopen(PQ_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return;
#define X(f) \
	if ((pq.f = (__typeof__(pq.f))dlsym(h, "PQ" #f)) == NULL) \
		goto fail;
	PQ_FUNCS
#undef X
	pq_ok = 1;
	return;
fail:
	/* An older libpq.so.5 without one of them: none is used. */
	memset(&pq, 0, sizeof(pq));
	dlclose(h);
}

/* 1 when libpq is loaded (at the first call, once for all threads);
 * never unloaded, as results and connections may outlive any log. */
static int
pq_load(void)
{
	pthread_once(&pq_once, pq_load_once);
	return pq_ok;
}

/* The schema this code writes, and the application it names. */
#define PG_VERSION 2
#define PG_APP "izin"
/* Advisory lock: the writer's, taken for every write and migration. */
#define LOCK_CLASS 0x697a696e
#define LOCK_WRITE 1
/* Rows per FETCH, and bytes of COPY data sent at once. */
#define BATCH 10000
#define COPY_CHUNK 65536

/*
 * Migrations: entry v takes the schema from version v to v + 1, in one
 * transaction with the version row.  Every name is qualified: the
 * connection's search_path is the user's own business.
 */
static const char *const migrations[] = {
	"CREATE SCHEMA IF NOT EXISTS izin;"
	"CREATE TABLE izin.version(app text NOT NULL, version integer NOT NULL);"
	"CREATE TABLE izin.meta(key text COLLATE \"C\" PRIMARY KEY,"
	"  value text NOT NULL);"
	"CREATE TABLE izin.counter(name text COLLATE \"C\" PRIMARY KEY,"
	"  value bigint NOT NULL);"
	"INSERT INTO izin.counter VALUES ('seq', 0), ('layout', 0);"
	"CREATE TABLE izin.layout(id bigint PRIMARY KEY, keys text NOT NULL);"
	"CREATE UNIQUE INDEX layout_keys ON izin.layout(md5(keys));"
	"CREATE TABLE izin.sighting(seq bigint NOT NULL,"
	"  device text COLLATE \"C\" NOT NULL, dseq bigint NOT NULL,"
	"  time text NOT NULL, epoch bigint NOT NULL,"
	"  reporter text NOT NULL, reporter_kind text NOT NULL,"
	"  place text NOT NULL, lat text NOT NULL, lon text NOT NULL,"
	"  permit text COLLATE \"C\" NOT NULL, layout bigint NOT NULL,"
	"  record text NOT NULL, prev_hash bytea NOT NULL,"
	"  hash bytea NOT NULL) PARTITION BY RANGE (epoch);"
	/* Every index costs every COPY (izin-centre(7) gives the figures):
	 * a hash on permit, since a permit has tens of sightings, sorted by
	 * time in no time; a BRIN on (device, dseq), whose rows a merge
	 * writes together, for the rare look at an old sighting of a chain;
	 * a b-tree on seq, the order of --export and --verify. */
	"CREATE INDEX sighting_permit ON izin.sighting USING hash(permit);"
	"CREATE INDEX sighting_device ON izin.sighting"
	"  USING brin(device, dseq);"
	"CREATE INDEX sighting_seq ON izin.sighting(seq);"
	"CREATE TABLE izin.head(device text COLLATE \"C\" PRIMARY KEY,"
	"  dseq bigint NOT NULL, seq bigint NOT NULL, hash bytea NOT NULL);"
	"CREATE TABLE izin.permits(permit text COLLATE \"C\" NOT NULL,"
	"  digest bytea NOT NULL, kind text NOT NULL, name text NOT NULL,"
	"  nationality text NOT NULL, passport text NOT NULL,"
	"  issued date NOT NULL, valid_from date NOT NULL,"
	"  valid_until date NOT NULL, office text NOT NULL, kid text NOT NULL,"
	"  registered timestamptz NOT NULL DEFAULT now(),"
	"  PRIMARY KEY (permit, digest));"
	"CREATE TABLE izin.device_role(role name NOT NULL,"
	"  device text COLLATE \"C\" NOT NULL, PRIMARY KEY (role, device));"
	/* A month's partition, made by the schema's owner for a writer that
	 * may not create tables; its bounds come back for the cache. */
	"CREATE FUNCTION izin.add_month(e bigint, OUT lo bigint, OUT hi bigint)"
	" LANGUAGE plpgsql SECURITY DEFINER"
	" SET search_path = pg_catalog, pg_temp AS $f$"
	" DECLARE m timestamp := date_trunc('month',"
	"   to_timestamp(e) AT TIME ZONE 'UTC');"
	"   t text := 'sighting_' || to_char(m, 'YYYYMM');"
	" BEGIN"
	"   lo := extract(epoch FROM m)::bigint;"
	"   hi := extract(epoch FROM m + interval '1 month')::bigint;"
	"   IF to_regclass(format('izin.%I', t)) IS NULL THEN"
	"     EXECUTE format('CREATE TABLE izin.%I PARTITION OF izin.sighting"
	"       FOR VALUES FROM (%s) TO (%s)', t, lo, hi);"
	"   END IF;"
	" END $f$;"
	/* One device's rows, for the chain check of a merge: to a role
	 * that may read the sightings, or to the device's own role. */
	"CREATE FUNCTION izin.device_rows(d text, lo bigint, hi bigint)"
	" RETURNS SETOF izin.sighting LANGUAGE sql STABLE SECURITY DEFINER"
	" SET search_path = pg_catalog, pg_temp AS $f$"
	" SELECT s.* FROM izin.sighting s"
	"  WHERE s.device = d AND s.dseq BETWEEN lo AND hi"
	"  AND (has_table_privilege(session_user, 'izin.sighting', 'SELECT')"
	"   OR EXISTS (SELECT 1 FROM izin.device_role r"
	"    WHERE r.role = session_user AND r.device = d))"
	"  ORDER BY s.dseq, s.seq $f$;"
	"REVOKE ALL ON FUNCTION izin.add_month(bigint),"
	"  izin.device_rows(text, bigint, bigint) FROM PUBLIC;"
	"INSERT INTO izin.version VALUES ('" PG_APP "', 0);",
	/* Device keys and checkpoints (izin-centre(7)): one row per
	 * device each.  A key is enrolled once and never changes; the
	 * checkpoint row holds the newest one a merge has seen. */
	"CREATE TABLE izin.device_key(device text COLLATE \"C\" PRIMARY KEY,"
	"  pk bytea NOT NULL, enrolled timestamptz NOT NULL DEFAULT now());"
	"CREATE TABLE izin.checkpoint(device text COLLATE \"C\" PRIMARY KEY,"
	"  dseq bigint NOT NULL, hash bytea NOT NULL, time bigint NOT NULL,"
	"  sig bytea NOT NULL);",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == PG_VERSION,
               "one migration per schema version");

/* A sighting row's columns, in struct srow's order (and the table's). */
#define ROW_COLS "seq, device, dseq, time, epoch, reporter," \
	" reporter_kind, place, lat, lon, permit, layout, record, prev_hash," \
	" hash"
#define NCOLS 15

/* The statements, each prepared on its connection at its first use. */
enum {
	S_LAYOUT_GET,
	S_LAYOUT_PUT,
	S_LAYOUTS,
	S_HEAD_GET,
	S_HEADS,
	S_HEAD_PUT,
	S_COUNTERS,
	S_COUNTERS_PUT,
	S_MONTH,
	S_REG_PUT,
	S_REG_FIND,
	S_KEY_GET,
	S_KEY_PUT,
	S_CP_GET,
	S_CP_PUT,
	S_CPS,
	NSTMTS
};

/* Each statement's name, then its text. */
static const char *const stmts[NSTMTS][2] = {
	{ "layout_get", "SELECT id FROM izin.layout"
	  " WHERE md5(keys) = md5($1::text) AND keys = $1::text" },
	{ "layout_put", "INSERT INTO izin.layout(id, keys) VALUES($1, $2)" },
	{ "layouts", "SELECT id, keys FROM izin.layout ORDER BY id" },
	{ "head_get", "SELECT device, dseq, seq, hash FROM izin.head"
	  " WHERE device = $1" },
	{ "heads", "SELECT device, dseq, seq, hash FROM izin.head" },
	{ "head_put", "INSERT INTO izin.head(device, dseq, seq, hash)"
	  " VALUES($1, $2, $3, $4) ON CONFLICT (device) DO UPDATE"
	  " SET dseq = excluded.dseq, seq = excluded.seq,"
	  " hash = excluded.hash" },
	{ "counters", "SELECT (SELECT value FROM izin.counter"
	  " WHERE name = 'seq'), (SELECT value FROM izin.counter"
	  " WHERE name = 'layout')" },
	{ "counters_put", "UPDATE izin.counter SET value = CASE name"
	  " WHEN 'seq' THEN $1::bigint ELSE $2::bigint END"
	  " WHERE name IN ('seq', 'layout')" },
	{ "month", "SELECT lo, hi FROM izin.add_month($1)" },
	{ "reg_put", "INSERT INTO izin.permits(permit, digest, kind, name,"
	  " nationality, passport, issued, valid_from, valid_until, office,"
	  " kid) VALUES($1, $2, $3, $4, $5, $6, $7::text::date,"
	  " $8::text::date, $9::text::date, $10, $11)"
	  " ON CONFLICT (permit, digest) DO NOTHING" },
	{ "reg_find", "SELECT coalesce(bool_or(digest = $2), false),"
	  " count(*) > 0 FROM izin.permits WHERE permit = $1" },
	{ "key_get", "SELECT pk FROM izin.device_key WHERE device = $1" },
	/* No ON CONFLICT: the caller has looked under the writer's lock,
	 * and an enrolling office may insert but never update. */
	{ "key_put", "INSERT INTO izin.device_key(device, pk) VALUES($1, $2)" },
	{ "cp_get", "SELECT device, dseq, hash, time, sig FROM izin.checkpoint"
	  " WHERE device = $1" },
	{ "cp_put", "INSERT INTO izin.checkpoint(device, dseq, hash, time, sig)"
	  " VALUES($1, $2, $3, $4, $5) ON CONFLICT (device) DO UPDATE"
	  " SET dseq = excluded.dseq, hash = excluded.hash,"
	  " time = excluded.time, sig = excluded.sig" },
	{ "cps", "SELECT device, dseq, hash, time, sig FROM izin.checkpoint"
	  " ORDER BY device" },
};

/* The cursors' queries, by struct rowsel.what; ROWS_LAST of every permit
 * is the last entry. */
static const char *const cursors[] = {
	[ROWS_ALL] = "SELECT " ROW_COLS " FROM izin.sighting ORDER BY seq",
	[ROWS_DEVICE] = "SELECT " ROW_COLS " FROM izin.device_rows($1, $2, $3)",
	[ROWS_TRAIL] = "SELECT " ROW_COLS " FROM izin.sighting"
	    " WHERE permit = $1 AND epoch BETWEEN $2 AND $3"
	    " ORDER BY epoch, seq",
	[ROWS_LAST] = "SELECT " ROW_COLS " FROM izin.sighting"
	    " WHERE permit = $1 AND epoch BETWEEN $2 AND $3"
	    " ORDER BY epoch DESC, seq DESC LIMIT 1",
	[ROWS_AFTER] = "SELECT " ROW_COLS " FROM izin.sighting"
	    " WHERE seq > $1 AND epoch BETWEEN $2 AND $3 ORDER BY seq",
	"SELECT DISTINCT ON (permit) " ROW_COLS " FROM izin.sighting"
	    " WHERE permit > '' AND epoch BETWEEN $1 AND $2"
	    " ORDER BY permit, epoch DESC, seq DESC",
};

/*
 * Copied cards (ROWS_CLONES), of every permit and of one.  The cheapest
 * plan is the one without a new index: the month partitions within
 * since..until (pruned on epoch), scanned in order and sorted by
 * (permit, epoch, seq) in the server, which spills to disk past work_mem
 * and hands the cursor rows as the merge of its runs goes (the client
 * holds one batch).  A b-tree on (permit, epoch) would let the walk skip
 * the sort, but it costs every merge about 0.7 s per 400,000 rows
 * (izin-centre(7)), every night, to save a sort of the nightly run's one
 * day; and on 1,000,000 sightings its index scan took 25 s against the
 * sort plan's 13 s (tests/bench/clones.sh): a heap page for nearly every
 * row.  One permit's are found by the hash index and sorted in no time.
 */
static const char *const clones_cursor[2] = {
	"SELECT " ROW_COLS " FROM izin.sighting"
	" WHERE permit > '' AND epoch BETWEEN $1 AND $2"
	" AND lat <> '' AND lon <> '' ORDER BY permit, epoch, seq",
	"SELECT " ROW_COLS " FROM izin.sighting"
	" WHERE permit = $3 AND epoch BETWEEN $1 AND $2"
	" AND lat <> '' AND lon <> '' ORDER BY permit, epoch, seq",
};

/* A month partition known to exist in this write transaction. */
struct month {
	int64_t lo, hi;
};

struct pg {
	PGconn *conn;
	/* The schema's version: a log opened read only may be older. */
	int version;
	int txn;                /* 0 none, 1 read, 2 write */
	int copying;            /* a COPY FROM STDIN is open */
	int64_t seq, seq0;      /* the counters now and at begin */
	int64_t lid, lid0;
	struct month *months;
	size_t nmonths, mcap;
	struct izin_buf cb;     /* COPY data not yet sent */
	unsigned ncursor;
	unsigned char prepared[NSTMTS];
};

struct rows {
	izin_log *lg;
	PGresult *res;
	int i, n, done, check;
	char name[32];
};

#define PG(lg) ((struct pg *)(lg)->store)

/* A message into errmsg on one line: libpq's run to several. */
static void
set_msg(izin_log *lg, const char *msg)
{
	size_t n = 0;

	for (const char *p = msg ? msg : ""; *p != '\0' &&
	     n + 1 < sizeof(lg->errmsg); p++) {
		if (*p != '\n' && *p != '\t')
			lg->errmsg[n++] = *p;
		else if (n > 0 && lg->errmsg[n - 1] != ' ' && p[1] != '\0')
			lg->errmsg[n++] = ' ';
	}
	lg->errmsg[n] = '\0';
}

/* The failure of res (or of the connection) as IZIN_EIO, its message
 * kept; res is cleared. */
static int
res_err(izin_log *lg, PGresult *res)
{
	const char *m = NULL;

	if (res != NULL)
		m = pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (m == NULL)
		m = pq.errorMessage(PG(lg)->conn);
	set_msg(lg, m);
	pq.clear(res);
	return IZIN_EIO;
}

/* 1 when res is a result of status want; otherwise cleared. */
static int
res_ok(PGresult *res, ExecStatusType want)
{
	return res != NULL && pq.resultStatus(res) == want;
}

static void
put64(char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--, u >>= 8)
		p[i] = (char)(u & 0xff);
}

static void
put32(char *p, uint32_t u)
{
	for (int i = 3; i >= 0; i--, u >>= 8)
		p[i] = (char)(u & 0xff);
}

static int64_t
get64(const char *p)
{
	uint64_t u = 0;

	for (int i = 0; i < 8; i++)
		u = (u << 8) | (unsigned char)p[i];
	return (int64_t)u;
}

/* An int8 result column: 0 and *v, or -1 when NULL or not 8 bytes. */
static int
col64(const PGresult *res, int row, int col, int64_t *v)
{
	*v = 0;
	if (pq.getisnull(res, row, col) || pq.getlength(res, row, col) != 8)
		return -1;
	*v = get64(pq.getvalue(res, row, col));
	return 0;
}

/* Parameters, sent in binary: text as its bytes, bigint big-endian. */
struct params {
	const char *v[11];
	int len[11], fmt[11];
	char num[11][8];
	int n;
};

static int
p_text(struct params *p, const char *s, size_t len)
{
	if (len > INT32_MAX)
		return IZIN_ELENGTH;
	p->v[p->n] = s != NULL ? s : "";
	p->len[p->n] = s != NULL ? (int)len : 0;
	p->fmt[p->n++] = 1;
	return 0;
}

static void
p_str(struct params *p, const char *s)
{
	(void)p_text(p, s, s != NULL ? strlen(s) : 0);
}

static void
p_int(struct params *p, int64_t v)
{
	put64(p->num[p->n], v);
	p->v[p->n] = p->num[p->n];
	p->len[p->n] = 8;
	p->fmt[p->n++] = 1;
}

static int copy_end(izin_log *lg);

/* Run statement st with p; the result, or NULL after setting *rc (the
 * COPY, if any, is ended first: one statement at a time).  A statement is
 * prepared when first run: a query uses three or four of them. */
static PGresult *
run(izin_log *lg, int st, const struct params *p, ExecStatusType want,
    int *rc)
{
	struct pg *s = PG(lg);
	PGresult *res;

	if ((*rc = copy_end(lg)) < 0)
		return NULL;
	if (!s->prepared[st]) {
		res = pq.prepare(s->conn, stmts[st][0], stmts[st][1], 0, NULL);
		if (!res_ok(res, PGRES_COMMAND_OK)) {
			*rc = res_err(lg, res);
			return NULL;
		}
		pq.clear(res);
		s->prepared[st] = 1;
	}
	res = pq.execPrepared(s->conn, stmts[st][0], p ? p->n : 0,
	                      p ? p->v : NULL, p ? p->len : NULL,
	                      p ? p->fmt : NULL, 1);
	if (res_ok(res, want))
		return res;
	*rc = res_err(lg, res);
	return NULL;
}

/* A statement of ours with no parameters (transactions, the schema). */
static int
exec(izin_log *lg, const char *sql)
{
	PGresult *res;
	int rc;

	if ((rc = copy_end(lg)) < 0)
		return rc;
	res = pq.exec(PG(lg)->conn, sql);
	if (!res_ok(res, PGRES_COMMAND_OK) && !res_ok(res, PGRES_TUPLES_OK))
		return res_err(lg, res);
	pq.clear(res);
	return 0;
}

/* Send what the COPY buffer holds. */
static int
copy_flush(izin_log *lg)
{
	struct pg *s = PG(lg);

	if (s->cb.len > INT32_MAX)
		return IZIN_ELENGTH;
	if (s->cb.len > 0 &&
	    pq.putCopyData(s->conn, s->cb.p, (int)s->cb.len) != 1)
		return res_err(lg, NULL);
	s->cb.len = 0;
	return 0;
}

/* End the open COPY, if any: its trailer, then the server's answer. */
static int
copy_end(izin_log *lg)
{
	struct pg *s = PG(lg);
	PGresult *res;
	int rc = 0;

	if (!s->copying)
		return 0;
	s->copying = 0;
	if (izin_buf_reserve(&s->cb, 2) < 0)
		return IZIN_ENOMEM;
	s->cb.p[s->cb.len++] = (char)0xff;
	s->cb.p[s->cb.len++] = (char)0xff;
	if ((rc = copy_flush(lg)) < 0)
		return rc;
	if (pq.putCopyEnd(s->conn, NULL) != 1)
		return res_err(lg, NULL);
	while ((res = pq.getResult(s->conn)) != NULL) {
		if (rc == 0 && !res_ok(res, PGRES_COMMAND_OK))
			rc = res_err(lg, res);
		else
			pq.clear(res);
	}
	return rc;
}

/* Give up the open COPY, if any (before a rollback). */
static void
copy_abort(izin_log *lg)
{
	struct pg *s = PG(lg);
	PGresult *res;

	if (!s->copying)
		return;
	s->copying = 0;
	s->cb.len = 0;
	if (pq.putCopyEnd(s->conn, "rolled back") == 1)
		while ((res = pq.getResult(s->conn)) != NULL)
			pq.clear(res);
}

static int
copy_start(izin_log *lg)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";
	struct pg *s = PG(lg);
	PGresult *res;

	res = pq.exec(s->conn, "COPY izin.sighting(" ROW_COLS ")"
	              " FROM STDIN (FORMAT binary)");
	if (!res_ok(res, PGRES_COPY_IN))
		return res_err(lg, res);
	pq.clear(res);
	s->copying = 1;
	s->cb.len = 0;
	/* The signature (with its NUL), flags and header extension. */
	if (izin_buf_reserve(&s->cb, 19) < 0)
		return IZIN_ENOMEM;
	memcpy(s->cb.p, sig, 11);
	memset(s->cb.p + 11, 0, 8);
	s->cb.len = 19;
	return 0;
}

/* The partition for epoch e made, unless this transaction knows it. */
static int
need_month(izin_log *lg, int64_t e)
{
	struct pg *s = PG(lg);
	struct params p = { .n = 0 };
	PGresult *res;
	struct month m;
	int rc;

	for (size_t i = 0; i < s->nmonths; i++)
		if (e >= s->months[i].lo && e < s->months[i].hi)
			return 0;
	p_int(&p, e);
	if ((res = run(lg, S_MONTH, &p, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	rc = pq.ntuples(res) == 1 && col64(res, 0, 0, &m.lo) == 0 &&
	     col64(res, 0, 1, &m.hi) == 0 ? 0 : IZIN_EIO;
	pq.clear(res);
	if (rc < 0) {
		set_msg(lg, "izin.add_month() gave no bounds");
		return rc;
	}
	if (s->nmonths == s->mcap) {
		size_t cap = s->mcap ? 2 * s->mcap : 16;
		struct month *v = realloc(s->months, cap * sizeof(*v));
		if (v == NULL)
			return IZIN_ENOMEM;
		s->months = v;
		s->mcap = cap;
	}
	s->months[s->nmonths++] = m;
	return 0;
}

/* One field of a COPY tuple: its length, then its bytes. */
static int
copy_field(struct izin_buf *b, const void *v, size_t len)
{
	if (len > INT32_MAX)
		return IZIN_ELENGTH;
	if (izin_buf_reserve(b, 4 + len) < 0)
		return IZIN_ENOMEM;
	put32(b->p + b->len, (uint32_t)len);
	if (len > 0)
		memcpy(b->p + b->len + 4, v, len);
	b->len += 4 + len;
	return 0;
}

static int
copy_int(struct izin_buf *b, int64_t v)
{
	char n[8];

	put64(n, v);
	return copy_field(b, n, 8);
}

static int
copy_str(struct izin_buf *b, const char *s)
{
	return copy_field(b, s, strlen(s));
}

static int
pg_insert(izin_log *lg, struct srow *rows, size_t n)
{
	struct pg *s = PG(lg);
	struct izin_buf *b = &s->cb;
	int rc;

	if (s->txn != 2)
		return IZIN_EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct srow *r = &rows[i];
		if ((rc = need_month(lg, r->epoch)) < 0 ||
		    (!s->copying && (rc = copy_start(lg)) < 0))
			return rc;
		if (izin_buf_reserve(b, 2) < 0)
			return IZIN_ENOMEM;
		b->p[b->len++] = 0;
		b->p[b->len++] = NCOLS;
		r->seq = s->seq + 1;
		if ((rc = copy_int(b, r->seq)) < 0 ||
		    (rc = copy_str(b, r->w.device)) < 0 ||
		    (rc = copy_int(b, r->w.dseq)) < 0 ||
		    (rc = copy_str(b, r->w.time)) < 0 ||
		    (rc = copy_int(b, r->epoch)) < 0 ||
		    (rc = copy_str(b, r->w.reporter)) < 0 ||
		    (rc = copy_str(b, r->w.kind)) < 0 ||
		    (rc = copy_str(b, r->w.place)) < 0 ||
		    (rc = copy_str(b, r->w.lat)) < 0 ||
		    (rc = copy_str(b, r->w.lon)) < 0 ||
		    (rc = copy_field(b, r->permit, r->plen)) < 0 ||
		    (rc = copy_int(b, r->layout)) < 0 ||
		    (rc = copy_field(b, r->record, r->rlen)) < 0 ||
		    (rc = copy_field(b, r->prev, IZIN_LOG_HASH_LEN)) < 0 ||
		    (rc = copy_field(b, r->hash, IZIN_LOG_HASH_LEN)) < 0)
			return rc;
		s->seq++;
		if (b->len >= COPY_CHUNK && (rc = copy_flush(lg)) < 0)
			return rc;
	}
	return 0;
}

/* Where the database stands: *version -1 when it holds no izin schema
 * (or an empty one), else the version row's number. */
static int
read_version(izin_log *lg, int *version)
{
	PGresult *res;
	const char *app;
	int64_t v;

	*version = -1;
	res = pq.exec(PG(lg)->conn, "SELECT to_regclass('izin.version') IS NOT"
	              " NULL, (SELECT count(*) FROM pg_class c JOIN pg_namespace"
	              " n ON n.oid = c.relnamespace WHERE n.nspname = 'izin')");
	if (!res_ok(res, PGRES_TUPLES_OK) || pq.ntuples(res) != 1)
		return res_err(lg, res);
	if (strcmp(pq.getvalue(res, 0, 0), "t") != 0) {
		int empty = strcmp(pq.getvalue(res, 0, 1), "0") == 0;
		pq.clear(res);
		return empty ? 0 : IZIN_EFOREIGN;
	}
	pq.clear(res);
	res = pq.execParams(PG(lg)->conn, "SELECT app, version::bigint"
	                    " FROM izin.version", 0, NULL, NULL, NULL, NULL, 1);
	if (!res_ok(res, PGRES_TUPLES_OK)) {
		const char *st = pq.resultErrorField(res, PG_DIAG_SQLSTATE);
		/* Columns or types of someone else's table. */
		if (st != NULL && (strcmp(st, "42703") == 0 ||
		    strcmp(st, "42804") == 0 || strcmp(st, "42846") == 0)) {
			pq.clear(res);
			return IZIN_EFOREIGN;
		}
		return res_err(lg, res);
	}
	app = pq.ntuples(res) == 1 ? pq.getvalue(res, 0, 0) : NULL;
	if (app == NULL || strcmp(app, PG_APP) != 0 ||
	    col64(res, 0, 1, &v) < 0 || v < 0 || v > INT32_MAX) {
		pq.clear(res);
		return IZIN_EFOREIGN;
	}
	pq.clear(res);
	*version = (int)v;
	return 0;
}

static int
lock_write(izin_log *lg)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	/* pg_advisory_xact_lock(int, int): two int4s. */
	for (p.n = 0; p.n < 2; p.n++) {
		put32(p.num[p.n], p.n == 0 ? LOCK_CLASS : LOCK_WRITE);
		p.v[p.n] = p.num[p.n];
		p.len[p.n] = 4;
		p.fmt[p.n] = 1;
	}
	/* Not prepared: a migration takes it before the schema is there. */
	if ((rc = copy_end(lg)) < 0)
		return rc;
	res = pq.execParams(PG(lg)->conn, "SELECT pg_advisory_xact_lock($1, $2)",
	                    2, NULL, p.v, p.len, p.fmt, 1);
	if (!res_ok(res, PGRES_TUPLES_OK))
		return res_err(lg, res);
	pq.clear(res);
	return 0;
}

static int
undo(izin_log *lg, int err)
{
	pq.clear(pq.exec(PG(lg)->conn, "ROLLBACK"));
	return err;
}

/* Make or migrate the schema under the writer's lock, looking again once
 * the lock is held: 16 processes may open a fresh database at once. */
static int
migrate(izin_log *lg, const char *newid)
{
	struct params p = { .n = 0 };
	PGresult *res;
	char sql[64];
	int v, rc;

	if ((rc = exec(lg, "BEGIN")) < 0)
		return rc;
	if ((rc = lock_write(lg)) < 0 || (rc = read_version(lg, &v)) < 0)
		return undo(lg, rc);
	if (v > PG_VERSION)
		return undo(lg, IZIN_EVERSION);
	for (int i = v < 0 ? 0 : v; i < PG_VERSION; i++)
		if ((rc = exec(lg, migrations[i])) < 0)
			return undo(lg, rc);
	if (v < 0) {
		p_str(&p, newid);
		res = pq.execParams(PG(lg)->conn, "INSERT INTO izin.meta(key, value)"
		                    " VALUES('device', $1)", 1, NULL, p.v, p.len,
		                    p.fmt, 1);
		if (!res_ok(res, PGRES_COMMAND_OK))
			return undo(lg, res_err(lg, res));
		pq.clear(res);
	}
	snprintf(sql, sizeof(sql), "UPDATE izin.version SET version = %d",
	         PG_VERSION);
	if ((rc = exec(lg, sql)) < 0 || (rc = exec(lg, "COMMIT")) < 0)
		return undo(lg, rc);
	return 0;
}

static int
load_device(izin_log *lg)
{
	PGresult *res;
	const char *d;

	res = pq.exec(PG(lg)->conn,
	              "SELECT value FROM izin.meta WHERE key = 'device'");
	if (!res_ok(res, PGRES_TUPLES_OK))
		return res_err(lg, res);
	d = pq.ntuples(res) == 1 ? pq.getvalue(res, 0, 0) : "";
	if (strlen(d) != IZIN_DEVICE_LEN ||
	    strspn(d, "0123456789abcdef") != IZIN_DEVICE_LEN) {
		pq.clear(res);
		set_msg(lg, N_("no device id"));
		return IZIN_EIO;
	}
	memcpy(lg->device, d, IZIN_DEVICE_LEN + 1);
	pq.clear(res);
	return 0;
}

/* The library never prints: notices (a NOTICE from CREATE ... IF NOT
 * EXISTS) go nowhere. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * A connection string: a postgresql:// or postgres:// URI, or keyword=value
 * pairs that libpq parses, every keyword one it knows (so "a=b.db" stays a
 * file, and "./host=x.db" names a file whose name looks like one).  Only a
 * name that starts like keyword= loads libpq to decide; every keyword it
 * knows is lowercase letters and "_".  Without libpq such a name is taken
 * as a connection string, so that opening it says libpq is missing rather
 * than making a file of it.
 */
static int
pg_claims(const char *location)
{
	PQconninfoOption *o;
	char *err = NULL;
	const char *p = location + strspn(location, " \t\n\r\f\v");
	size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyz_");

	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0)
		return 1;
	p += k;
	p += strspn(p, " \t\n\r\f\v");
	if (k == 0 || *p != '=')
		return 0;
	if (!pq_load())
		return 1;
	o = pq.conninfoParse(location, &err);
	pq.freemem(err);
	pq.conninfoFree(o);
	return o != NULL;
}

static int
pg_open(izin_log *lg, const char *location, int mode, const char *newid)
{
	struct pg *s;
	int v, rc;

	(void)mode;
	if (!pq_load()) {
		set_msg(lg, "PostgreSQL client library " PQ_SONAME
		    " not found: apt-get install libpq5");
		return IZIN_EIO;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return IZIN_ENOMEM;
	lg->store = s;
	if ((s->conn = pq.connectdb(location)) == NULL)
		return IZIN_ENOMEM;
	if (pq.status(s->conn) != CONNECTION_OK)
		return res_err(lg, NULL);
	pq.setNoticeProcessor(s->conn, quiet, NULL);
	if (pq.setClientEncoding(s->conn, "UTF8") != 0)
		return res_err(lg, NULL);
	if ((rc = read_version(lg, &v)) < 0)
		return rc;
	if (v > PG_VERSION)
		return IZIN_EVERSION;
	/* An older schema reads as it is (a reader may not migrate it):
	 * what it lacks, such as the device keys of version 2, reads as
	 * empty. */
	if (v < 1 && !lg->writable) {
		if (v >= 0)
			return IZIN_EVERSION;
		set_msg(lg, N_("no izin log in this database"));
		return IZIN_EIO;
	}
	s->version = v;
	if (lg->writable && v < PG_VERSION) {
		if ((rc = migrate(lg, newid)) < 0)
			return rc;
		s->version = PG_VERSION;
	}
	return load_device(lg);
}

static void
pg_close(izin_log *lg)
{
	struct pg *s = PG(lg);

	if (s == NULL)
		return;
	if (s->conn != NULL) {
		copy_abort(lg);
		pq.finish(s->conn);
	}
	free(s->months);
	free(s->cb.p);
	free(s);
	lg->store = NULL;
}

static int
pg_begin(izin_log *lg, int write)
{
	struct pg *s = PG(lg);
	PGresult *res;
	int rc;

	if (!write) {
		if ((rc = exec(lg, "BEGIN ISOLATION LEVEL REPEATABLE READ"
		               " READ ONLY")) < 0)
			return rc;
		s->txn = 1;
		return 0;
	}
	if ((rc = exec(lg, "BEGIN")) < 0)
		return rc;
	s->txn = 2;
	s->nmonths = 0;
	if ((rc = lock_write(lg)) < 0 ||
	    (res = run(lg, S_COUNTERS, NULL, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	if (pq.ntuples(res) != 1 || col64(res, 0, 0, &s->seq) < 0 ||
	    col64(res, 0, 1, &s->lid) < 0) {
		pq.clear(res);
		set_msg(lg, "izin.counter damaged");
		return IZIN_EIO;
	}
	pq.clear(res);
	s->seq0 = s->seq;
	s->lid0 = s->lid;
	return 0;
}

static int
pg_end(izin_log *lg)
{
	struct pg *s = PG(lg);
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	if ((rc = copy_end(lg)) < 0)
		return rc;
	if (s->txn == 2 && (s->seq != s->seq0 || s->lid != s->lid0)) {
		p_int(&p, s->seq);
		p_int(&p, s->lid);
		if ((res = run(lg, S_COUNTERS_PUT, &p, PGRES_COMMAND_OK,
		               &rc)) == NULL)
			return rc;
		pq.clear(res);
	}
	if ((rc = exec(lg, "COMMIT")) < 0)
		return rc;
	s->txn = 0;
	return 0;
}

static void
pg_rollback(izin_log *lg)
{
	struct pg *s = PG(lg);

	copy_abort(lg);
	if (pq.transactionStatus(s->conn) != PQTRANS_IDLE)
		pq.clear(pq.exec(s->conn, "ROLLBACK"));
	s->txn = 0;
	s->nmonths = 0;
}

static int
pg_layout_id(izin_log *lg, const char *keys, size_t len, int64_t *id)
{
	struct pg *s = PG(lg);
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	if ((rc = p_text(&p, keys, len)) < 0 ||
	    (res = run(lg, S_LAYOUT_GET, &p, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	if (pq.ntuples(res) == 1) {
		rc = col64(res, 0, 0, id) == 0 ? 0 : IZIN_EIO;
		pq.clear(res);
		return rc;
	}
	pq.clear(res);
	if (s->txn != 2)
		return IZIN_EINVAL;
	p.n = 0;
	p_int(&p, s->lid + 1);
	(void)p_text(&p, keys, len);
	if ((res = run(lg, S_LAYOUT_PUT, &p, PGRES_COMMAND_OK, &rc)) == NULL)
		return rc;
	pq.clear(res);
	*id = ++s->lid;
	return 0;
}

static int
pg_layouts(izin_log *lg, int (*fn)(void *, int64_t, const char *, size_t),
           void *arg)
{
	PGresult *res;
	int64_t id;
	int rc = 0;

	if ((res = run(lg, S_LAYOUTS, NULL, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	for (int i = 0; i < pq.ntuples(res) && rc == 0; i++) {
		if (col64(res, i, 0, &id) < 0)
			continue;
		rc = fn(arg, id, pq.getvalue(res, i, 1),
		        (size_t)pq.getlength(res, i, 1));
	}
	pq.clear(res);
	return rc;
}

/* Row i of a head result (device, dseq, seq, hash) into h. */
static void
head_cols(const PGresult *res, int i, struct head *h)
{
	int bad;

	h->device = pq.getvalue(res, i, 0);
	bad = pq.getisnull(res, i, 0);
	bad |= col64(res, i, 1, &h->dseq) < 0;
	h->seqok = col64(res, i, 2, &h->seq) == 0;
	h->hashok = !pq.getisnull(res, i, 3) &&
	            pq.getlength(res, i, 3) == IZIN_LOG_HASH_LEN;
	h->damaged = bad || !h->seqok || pq.getisnull(res, i, 3);
	if (h->hashok)
		memcpy(h->hash, pq.getvalue(res, i, 3), IZIN_LOG_HASH_LEN);
	else
		memset(h->hash, 0, IZIN_LOG_HASH_LEN);
}

static int
pg_head_get(izin_log *lg, const char *device, struct head *h, int *found)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	*found = 0;
	p_str(&p, device);
	if ((res = run(lg, S_HEAD_GET, &p, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	if (pq.ntuples(res) == 1) {
		head_cols(res, 0, h);
		*found = 1;
	}
	h->device = device;
	pq.clear(res);
	return 0;
}

static int
pg_heads(izin_log *lg, int (*fn)(void *, const struct head *), void *arg)
{
	PGresult *res;
	struct head h;
	int rc = 0;

	if ((res = run(lg, S_HEADS, NULL, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	for (int i = 0; i < pq.ntuples(res) && rc == 0; i++) {
		head_cols(res, i, &h);
		rc = fn(arg, &h);
	}
	pq.clear(res);
	return rc;
}

static int
pg_head_put(izin_log *lg, const struct head *h)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	p_str(&p, h->device);
	p_int(&p, h->dseq);
	p_int(&p, h->seq);
	(void)p_text(&p, (const char *)h->hash, IZIN_LOG_HASH_LEN);
	if ((res = run(lg, S_HEAD_PUT, &p, PGRES_COMMAND_OK, &rc)) == NULL)
		return rc;
	pq.clear(res);
	return 0;
}

static int
pg_rows_open(izin_log *lg, const struct rowsel *sel, struct rows **out)
{
	struct pg *s = PG(lg);
	struct params p = { .n = 0 };
	struct rows *c;
	const char *q;
	char sql[1024];
	PGresult *res;
	int rc, n;

	*out = NULL;
	if (sel->what < ROWS_ALL || sel->what > ROWS_CLONES)
		return IZIN_EINVAL;
	if ((rc = copy_end(lg)) < 0)
		return rc;
	q = sel->what == ROWS_CLONES ? clones_cursor[sel->permit != NULL] :
	    cursors[sel->what];
	switch (sel->what) {
	case ROWS_DEVICE:
		p_str(&p, sel->device);
		p_int(&p, sel->from);
		p_int(&p, sel->to);
		break;
	case ROWS_LAST:
		if (sel->permit == NULL) {
			q = cursors[ROWS_AFTER + 1];
			p_int(&p, sel->since);
			p_int(&p, sel->until);
			break;
		}
		/* FALLTHROUGH */
	case ROWS_TRAIL:
		p_str(&p, sel->permit);
		p_int(&p, sel->since);
		p_int(&p, sel->until);
		break;
	case ROWS_AFTER:
		p_int(&p, sel->after);
		p_int(&p, sel->since);
		p_int(&p, sel->until);
		break;
	case ROWS_CLONES:
		p_int(&p, sel->since);
		p_int(&p, sel->until);
		if (sel->permit != NULL)
			p_str(&p, sel->permit);
		break;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return IZIN_ENOMEM;
	c->lg = lg;
	c->check = sel->check;
	snprintf(c->name, sizeof(c->name), "izin_rows%u", ++s->ncursor);
	n = snprintf(sql, sizeof(sql), "DECLARE %s NO SCROLL CURSOR FOR %s",
	             c->name, q);
	if (n < 0 || (size_t)n >= sizeof(sql)) {
		free(c);
		return IZIN_ELENGTH;
	}
	res = pq.execParams(s->conn, sql, p.n, NULL, p.v, p.len, p.fmt, 1);
	if (!res_ok(res, PGRES_COMMAND_OK)) {
		free(c);
		return res_err(lg, res);
	}
	pq.clear(res);
	*out = c;
	return 0;
}

/* Row i of a cursor's batch (ROW_COLS) into r. */
static void
row_cols(const PGresult *res, int i, struct srow *r)
{
	const char *t[NCOLS];
	size_t len[NCOLS];
	int bad = 0;

	for (int k = 0; k < NCOLS; k++) {
		bad |= pq.getisnull(res, i, k);
		t[k] = pq.getisnull(res, i, k) ? NULL : pq.getvalue(res, i, k);
		len[k] = (size_t)pq.getlength(res, i, k);
	}
	bad |= col64(res, i, 0, &r->seq) < 0;
	bad |= col64(res, i, 2, &r->w.dseq) < 0;
	bad |= col64(res, i, 4, &r->epoch) < 0;
	bad |= col64(res, i, 11, &r->layout) < 0;
	r->damaged = bad;
	r->w.device = t[1];
	r->w.time = t[3];
	r->w.reporter = t[5];
	r->w.kind = t[6];
	r->w.place = t[7];
	r->w.lat = t[8];
	r->w.lon = t[9];
	r->permit = t[10];
	r->plen = len[10];
	r->record = t[12];
	r->rlen = len[12];
	r->prev = (const unsigned char *)t[13];
	r->prevlen = t[13] ? len[13] : 0;
	r->hash = (const unsigned char *)t[14];
	r->hashlen = t[14] ? len[14] : 0;
}

static int
pg_rows_next(struct rows *c, struct srow *out)
{
	char sql[64];

	if (c->i == c->n) {
		pq.clear(c->res);
		c->res = NULL;
		c->i = c->n = 0;
		if (c->done)
			return 0;
		snprintf(sql, sizeof(sql), "FETCH %d FROM %s", BATCH, c->name);
		c->res = pq.execParams(PG(c->lg)->conn, sql, 0, NULL, NULL, NULL,
		                       NULL, 1);
		if (!res_ok(c->res, PGRES_TUPLES_OK)) {
			int rc = res_err(c->lg, c->res);
			c->res = NULL;
			return rc;
		}
		if (pq.nfields(c->res) != NCOLS) {
			set_msg(c->lg, N_("a sighting row of the wrong shape"));
			return IZIN_EIO;
		}
		c->n = pq.ntuples(c->res);
		c->done = c->n < BATCH;
		if (c->n == 0)
			return 0;
	}
	row_cols(c->res, c->i++, out);
	return 1;
}

static void
pg_rows_close(struct rows *c)
{
	char sql[64];

	if (c == NULL)
		return;
	pq.clear(c->res);
	if (pq.transactionStatus(PG(c->lg)->conn) == PQTRANS_INTRANS) {
		snprintf(sql, sizeof(sql), "CLOSE %s", c->name);
		pq.clear(pq.exec(PG(c->lg)->conn, sql));
	}
	free(c);
}

static int
pg_reg_put(izin_log *lg, const izin_reg *v, size_t n)
{
	PGresult *res;
	int rc;

	if (PG(lg)->txn != 2)
		return IZIN_EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct params p = { .n = 0 };
		p_str(&p, v[i].permit);
		(void)p_text(&p, (const char *)v[i].digest, IZIN_DIGEST_LEN);
		p_str(&p, v[i].kind);
		p_str(&p, v[i].name);
		p_str(&p, v[i].nationality);
		p_str(&p, v[i].passport);
		p_str(&p, v[i].issued);
		p_str(&p, v[i].valid_from);
		p_str(&p, v[i].valid_until);
		p_str(&p, v[i].office);
		p_str(&p, v[i].kid);
		if ((res = run(lg, S_REG_PUT, &p, PGRES_COMMAND_OK,
		               &rc)) == NULL)
			return rc;
		pq.clear(res);
	}
	return 0;
}

static int
pg_reg_find(izin_log *lg, const char *permit,
            const unsigned char digest[IZIN_DIGEST_LEN], int *found)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	*found = IZIN_REG_NONE;
	p_str(&p, permit);
	(void)p_text(&p, (const char *)digest, IZIN_DIGEST_LEN);
	if ((res = run(lg, S_REG_FIND, &p, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	/* Two booleans, one byte each in binary. */
	if (pq.ntuples(res) == 1 && pq.getlength(res, 0, 0) == 1 &&
	    pq.getlength(res, 0, 1) == 1) {
		if (pq.getvalue(res, 0, 0)[0])
			*found = IZIN_REG_MATCH;
		else if (pq.getvalue(res, 0, 1)[0])
			*found = IZIN_REG_OTHER;
	}
	pq.clear(res);
	return 0;
}

/* A bytea result column of exactly len bytes into out: 0, or -1 and
 * zeros when it is NULL or of another length. */
static int
colbytes(const PGresult *res, int row, int col, void *out, size_t len)
{
	if (pq.getisnull(res, row, col) ||
	    (size_t)pq.getlength(res, row, col) != len) {
		memset(out, 0, len);
		return -1;
	}
	memcpy(out, pq.getvalue(res, row, col), len);
	return 0;
}

static int
pg_key_get(izin_log *lg, const char *device, uint8_t pk[IZIN_PK_LEN],
           int *found)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	*found = 0;
	if (PG(lg)->version < 2)
		return 0;
	p_str(&p, device);
	if ((res = run(lg, S_KEY_GET, &p, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	if (pq.ntuples(res) == 1) {
		(void)colbytes(res, 0, 0, pk, IZIN_PK_LEN);
		*found = 1;
	}
	pq.clear(res);
	return 0;
}

static int
pg_key_put(izin_log *lg, const char *device, const uint8_t pk[IZIN_PK_LEN])
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	if (PG(lg)->txn != 2)
		return IZIN_EINVAL;
	p_str(&p, device);
	(void)p_text(&p, (const char *)pk, IZIN_PK_LEN);
	if ((res = run(lg, S_KEY_PUT, &p, PGRES_COMMAND_OK, &rc)) == NULL)
		return rc;
	pq.clear(res);
	return 0;
}

/* Row i of a checkpoint result (device, dseq, hash, time, sig) into cp.
 * A field of the wrong shape stays zero: its signature then fails. */
static void
cp_cols(const PGresult *res, int i, izin_checkpoint *cp)
{
	size_t n;

	memset(cp, 0, sizeof(*cp));
	n = (size_t)pq.getlength(res, i, 0);
	if (!pq.getisnull(res, i, 0) && n <= IZIN_DEVICE_LEN)
		memcpy(cp->device, pq.getvalue(res, i, 0), n);
	(void)col64(res, i, 1, &cp->dseq);
	(void)colbytes(res, i, 2, cp->hash, IZIN_LOG_HASH_LEN);
	(void)col64(res, i, 3, &cp->time);
	(void)colbytes(res, i, 4, cp->sig, IZIN_SIG_LEN);
}

static int
pg_cp_get(izin_log *lg, const char *device, izin_checkpoint *cp, int *found)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	*found = 0;
	if (PG(lg)->version < 2)
		return 0;
	p_str(&p, device);
	if ((res = run(lg, S_CP_GET, &p, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	if (pq.ntuples(res) == 1) {
		cp_cols(res, 0, cp);
		*found = 1;
	}
	pq.clear(res);
	return 0;
}

static int
pg_cp_put(izin_log *lg, const izin_checkpoint *cp)
{
	struct params p = { .n = 0 };
	PGresult *res;
	int rc;

	if (PG(lg)->txn != 2)
		return IZIN_EINVAL;
	(void)p_text(&p, cp->device, strnlen(cp->device, sizeof(cp->device)));
	p_int(&p, cp->dseq);
	(void)p_text(&p, (const char *)cp->hash, IZIN_LOG_HASH_LEN);
	p_int(&p, cp->time);
	(void)p_text(&p, (const char *)cp->sig, IZIN_SIG_LEN);
	if ((res = run(lg, S_CP_PUT, &p, PGRES_COMMAND_OK, &rc)) == NULL)
		return rc;
	pq.clear(res);
	return 0;
}

static int
pg_cps(izin_log *lg, int (*fn)(void *, const izin_checkpoint *), void *arg)
{
	PGresult *res;
	izin_checkpoint cp;
	int rc = 0;

	if (PG(lg)->version < 2)
		return 0;
	if ((res = run(lg, S_CPS, NULL, PGRES_TUPLES_OK, &rc)) == NULL)
		return rc;
	for (int i = 0; i < pq.ntuples(res) && rc == 0; i++) {
		cp_cols(res, i, &cp);
		rc = fn(arg, &cp);
	}
	pq.clear(res);
	return rc;
}

/* Append s (len bytes) to buf of size, truncating; *at moves on. */
static void
show_add(char *buf, size_t size, size_t *at, const char *s, size_t len)
{
	while (len-- > 0 && *at + 1 < size)
		buf[(*at)++] = *s++;
	buf[*at < size ? *at : size - 1] = '\0';
}

/* A URI: the password of user:password@ and of a password= parameter. */
static void
show_uri(const char *loc, char *buf, size_t size, size_t *at)
{
	const char *auth = strstr(loc, "://") + 3;
	size_t alen = strcspn(auth, "/?");
	const char *atsign = NULL, *q, *colon;

	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			atsign = p;
	colon = atsign ? memchr(auth, ':', (size_t)(atsign - auth)) : NULL;
	if (colon != NULL) {
		show_add(buf, size, at, loc, (size_t)(colon + 1 - loc));
		show_add(buf, size, at, "***", 3);
		q = atsign;
	} else {
		q = loc;
	}
	/* Parameters after "?": each password=... hidden. */
	while (*q != '\0') {
		size_t n = strcspn(q, "?&");
		show_add(buf, size, at, q, n);
		q += n;
		if (*q == '\0')
			break;
		show_add(buf, size, at, q, 1);
		q++;
		if (strncmp(q, "password=", 9) == 0) {
			show_add(buf, size, at, q, 9);
			show_add(buf, size, at, "***", 3);
			q += 9 + strcspn(q + 9, "&");
		}
	}
}

/* keyword = value pairs, values bare or in single quotes: password's
 * value hidden, and a dbname that is a connection string itself shown as
 * one. */
static void
show_kv(const char *s, char *buf, size_t size, size_t *at)
{
	while (*s != '\0') {
		size_t n = strspn(s, " \t\n\r\f\v");
		const char *key = s + n, *v;
		size_t klen = strcspn(key, "= \t\n\r\f\v");
		int hide;

		show_add(buf, size, at, s, n + klen);
		s = key + klen;
		n = strspn(s, " \t\n\r\f\v=");
		show_add(buf, size, at, s, n);
		s += n;
		v = s;
		if (*s == '\'') {
			for (s++; *s != '\0' && *s != '\''; s++)
				if (*s == '\\' && s[1] != '\0')
					s++;
			if (*s == '\'')
				s++;
		} else {
			s += strcspn(s, " \t\n\r\f\v");
		}
		hide = klen == 8 && strncmp(key, "password", 8) == 0;
		/* A dbname may be a whole connection string: hide it all when
		 * it could hold a password. */
		if (klen == 6 && strncmp(key, "dbname", 6) == 0 &&
		    (memchr(v, '=', (size_t)(s - v)) != NULL ||
		     memchr(v, '@', (size_t)(s - v)) != NULL))
			hide = 1;
		if (hide)
			show_add(buf, size, at, "***", 3);
		else
			show_add(buf, size, at, v, (size_t)(s - v));
	}
}

void
izin_log_show(const char *location, char *buf, size_t size)
{
	size_t at = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (location == NULL)
		return;
	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0)
		show_uri(location, buf, size, &at);
	else if (pg_claims(location))
		show_kv(location, buf, size, &at);
	else
		show_add(buf, size, &at, location, strlen(location));
}

const struct log_ops izin_log_pg_ops = {
	"postgresql",
	pg_claims,
	pg_open,
	pg_close,
	pg_begin,
	pg_end,
	pg_rollback,
	pg_layout_id,
	pg_layouts,
	pg_head_get,
	pg_heads,
	pg_head_put,
	pg_insert,
	pg_rows_open,
	pg_rows_next,
	pg_rows_close,
	pg_reg_put,
	pg_reg_find,
	pg_key_get,
	pg_key_put,
	pg_cp_get,
	pg_cp_put,
	pg_cps,
};
