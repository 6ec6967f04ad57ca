/*
 * log_internal.h - what the sightings log files share: lib/log.c (the
 * handle: open, schema, close, SQLite helpers), lib/log_record.c (records
 * as stored: TSV lines, layouts), lib/log_hash.c (the chain's hash),
 * lib/log_append.c (queue and commit), lib/log_query.c (izin_log_run())
 * and lib/log_verify.c (verify and merge).  Not installed.
 */
#ifndef LOG_INTERNAL_H
#define LOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "izin_internal.h"

/* Slots in a writer's cache of record schemas (izin_log.qs). */
#define NCACHE 64

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

/* What a sighting row holds besides its record. */
struct row {
	const char *device;
	int64_t dseq;
	const char *time, *reporter, *kind, *place, *lat, *lon;
};

/* lib/log.c.  Each returns 0 or a negative IZIN_E... code; a failure of
 * SQLite leaves its message in izin_log.errmsg. */
/* SQLite's result code rc as an IZIN_E... code, its message kept. */
int izin_log_sql_err(izin_log *lg, int rc);
int izin_log_exec(izin_log *lg, const char *sql);
/* Prepare *st once for the life of the handle (kept while *st is set). */
int izin_log_prepare(izin_log *lg, sqlite3_stmt **st, const char *sql);
/* Prepare *st for one use: the caller finalizes it. */
int izin_log_prepare_once(izin_log *lg, sqlite3_stmt **st, const char *sql);
/* Roll back an open transaction after the failure err; returns err. */
int izin_log_rollback(izin_log *lg, int err);
/* Column i as text into *s; -1 when it is NULL. */
int izin_log_text_col(sqlite3_stmt *st, int i, const char **s);

/* lib/log_record.c */
/* The sighting columns a query adds: the first 8 always, then 2 more for
 * an export. */
extern const char *const izin_log_out_cols[10];
/* Make room in b for extra more bytes and a NUL after them. */
int izin_log_buf_reserve(struct buf *b, size_t extra);
/* Append s escaped as an izin-record(5) TSV value. */
int izin_log_buf_escaped(struct buf *b, const char *s, size_t len);
/* Split a TSV line (copied into b) into exactly n cells, unescaped, into
 * c->v and c->l; -1 when it does not hold n. */
int izin_log_split_line(struct buf *b, const char *line, size_t len,
                        struct cols *c, size_t n);
void izin_log_cols_free(struct cols *c);
/* The layout table, in id order (for izin_log_layouts_find()). */
int izin_log_layouts_load(izin_log *lg, struct layouts *ls);
void izin_log_layouts_free(struct layouts *ls);
const struct layout *izin_log_layouts_find(const struct layouts *ls,
                                           int64_t id);

/* lib/log_hash.c: the bytes hashed for a sighting w linked to prev go to
 * b; then the hash over them and the record as stored (names line, values
 * line) to out.  report-log(1) documents both. */
int izin_log_row_fields(struct buf *b,
                        const unsigned char prev[IZIN_LOG_HASH_LEN],
                        const struct row *w);
void izin_log_chain_hash(struct buf *b, const char *names, size_t nlen,
                         const char *line, size_t llen,
                         unsigned char out[IZIN_LOG_HASH_LEN]);

/* lib/log_append.c: writing rows, shared by commit and merge. */
/* Id of the layout whose names line is keys (len bytes), made when new. */
int izin_log_layout_find(izin_log *lg, const char *keys, size_t len,
                         int64_t *id);
/* Prepare izin_log.ins, which izin_log_insert_row() uses. */
int izin_log_prepare_insert(izin_log *lg);
int izin_log_head_put(izin_log *lg, const char *device, int64_t dseq,
                      int64_t seq, const unsigned char hash[IZIN_LOG_HASH_LEN]);
/* Insert a sighting row; its new seq goes to *seq. */
int izin_log_insert_row(izin_log *lg, const struct row *w, int64_t epoch,
                        const char *permit, size_t plen, int64_t layout,
                        const char *line, size_t llen,
                        const unsigned char *prev, const unsigned char *hash,
                        int64_t *seq);

#endif
