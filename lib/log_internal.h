/*
 * log_internal.h - what the sightings log files share.  Not installed.
 *
 * The log is engine-neutral logic over a store: a table of operations
 * (struct log_ops) that one file per database engine provides.  Above
 * the store, once: records as stored (TSV lines, layouts), the hash
 * chain, the append queue and its echo, the queries' records, chain
 * verification and merge's verify-then-write, the register's
 * transactions.  In a store: opening, making and migrating the schema,
 * transactions, the device id, and reading and writing layout, head,
 * sighting and register rows.
 *
 * Which file calls which (an arrow: calls a function defined in; "ops":
 * calls the store through lg->ops only, never by name):
 *
 *   log_append.c --> log.c, log_checkpoint.c, log_hash.c, log_record.c,
 *                    log_time.c; ops
 *   log_query.c  --> log_record.c; ops
 *   log_clones.c --> log_record.c; ops
 *   log_register.c --> log.c; ops
 *   log_verify.c --> log.c, log_hash.c, log_record.c, log_time.c; ops
 *   log_checkpoint.c --> log.c, log_verify.c; ops
 *   log.c        --> log_record.c, log_sqlite.c (izin_log_sqlite_ops),
 *                    log_pg.c (izin_log_pg_ops); ops
 *   log_hash.c   --> log_record.c
 *   log_record.c --> ops
 *   log_sqlite.c --> (none: a leaf, the only file that speaks SQLite)
 *   log_pg.c     --> (none: a leaf, the only file that speaks libpq)
 *   log_time.c   --> (none)
 *
 * An engine is one file like log_sqlite.c, named in the stores[] table
 * of log.c before SQLite, which takes every location no other store
 * claims (log_pg.c is the second).
 */
#ifndef LOG_INTERNAL_H
#define LOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "izin_internal.h"

/* Slots in a writer's cache of record schemas (izin_log.qs). */
#define NCACHE 64

/* The cells of one stored record, split out of its TSV line: room for
 * cap of them (tsv.c's struct izin_cell). */
struct cols {
	struct izin_cell *c;
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

/* What a sighting row holds besides its record: the fields hashed. */
struct row {
	const char *device;
	int64_t dseq;
	const char *time, *reporter, *kind, *place, *lat, *lon;
};

/* One sighting row as a store holds it.  Strings end in a NUL; a text
 * column that is NULL in a damaged store reads as NULL.  When the cursor
 * was asked to check, damaged is 1 when any column is NULL, not of the
 * type the log writes there, or a text with a NUL in it (a hand-made
 * file); otherwise it is 0.  What a cursor hands back is borrowed until it moves
 * on or closes. */
struct srow {
	int damaged;
	int64_t seq;            /* set by the store on insert */
	struct row w;
	int64_t epoch;
	const char *permit;
	size_t plen;
	int64_t layout;
	const char *record;
	size_t rlen;
	const unsigned char *prev, *hash;
	size_t prevlen, hashlen;
};

/* A device's chain head as stored (device borrowed, as a row's
 * columns).  hashok is 0, and hash zeros, when the stored hash is not
 * IZIN_LOG_HASH_LEN bytes; damaged is 1 when a column is NULL or not of
 * the type the log writes there. */
struct head {
	const char *device;
	int64_t dseq, seq;
	unsigned char hash[IZIN_LOG_HASH_LEN];
	int hashok, damaged;
	int seqok;              /* seq is an integer, as the log writes */
};

/* Which sighting rows a cursor walks. */
enum {
	ROWS_ALL,       /* every row by seq */
	ROWS_DEVICE,    /* device's rows with dseq from..to, by dseq, seq */
	ROWS_TRAIL,     /* permit's rows within since..until, by epoch, seq */
	ROWS_LAST,      /* the latest row within since..until of permit, or
	                 * of each non-empty permit (permit NULL), by permit */
	ROWS_AFTER,     /* rows with seq > after within since..until, by seq */
	ROWS_CLONES     /* located rows (lat, lon not empty) of permit, or of
	                 * each non-empty permit (permit NULL), within
	                 * since..until, by permit, epoch, seq (log_clones.c) */
};

struct rowsel {
	int what;
	const char *device, *permit;
	int64_t from, to;
	int64_t since, until;
	int64_t after;
	int check;      /* 1: set each row's damaged (a look at every
	                 * column, which only verification needs) */
};

struct rows;                    /* a store's cursor */

/*
 * A store.  Each operation returns 0 or a negative IZIN_E... code and
 * leaves the engine's message in izin_log.errmsg; the store keeps its
 * own state in izin_log.store.
 */
struct log_ops {
	const char *name;
	/* 1 when location names a log of this engine. */
	int (*claims)(const char *location);
	/* Open (IZIN_LOG_READ, _WRITE or _CREATE, as izin_log_open() sets
	 * out), make or migrate the schema, and load izin_log.device; a new
	 * log takes newid (IZIN_DEVICE_LEN hex digits, "" when read only). */
	int (*open)(izin_log *lg, const char *location, int mode,
	            const char *newid);
	void (*close)(izin_log *lg);        /* safe after a failed open */
	/* A transaction: one snapshot to read (write 0), or the write lock
	 * taken at once (write 1), so that two writers never read the same
	 * chain head.  end() commits; rollback() undoes (quietly). */
	int (*begin)(izin_log *lg, int write);
	int (*end)(izin_log *lg);
	void (*rollback)(izin_log *lg);
	/* The id of the layout whose names line is keys, made when new. */
	int (*layout_id)(izin_log *lg, const char *keys, size_t len,
	                 int64_t *id);
	/* Every layout, in id order; a non-zero return from fn stops. */
	int (*layouts)(izin_log *lg, int (*fn)(void *arg, int64_t id,
	               const char *keys, size_t len), void *arg);
	/* One device's head: *found 0 when it has none. */
	int (*head_get)(izin_log *lg, const char *device, struct head *h,
	                int *found);
	/* Every head, in no order; a non-zero return from fn stops. */
	int (*heads)(izin_log *lg, int (*fn)(void *arg, const struct head *h),
	             void *arg);
	int (*head_put)(izin_log *lg, const struct head *h);
	/* Insert n sighting rows in order, each one's new seq to its seq. */
	int (*insert)(izin_log *lg, struct srow *rows, size_t n);
	/* A cursor over sel's rows: next() gives 1 and a row, 0 at the end,
	 * or an error. */
	int (*rows_open)(izin_log *lg, const struct rowsel *sel,
	                 struct rows **out);
	int (*rows_next)(struct rows *c, struct srow *out);
	void (*rows_close)(struct rows *c);
	/* The register (izin_reg_put(), izin_reg_find()): put n cards
	 * inside a write transaction, each (permit, digest) kept once;
	 * find sets *found to IZIN_REG_NONE, _OTHER or _MATCH. */
	int (*reg_put)(izin_log *lg, const izin_reg *v, size_t n);
	int (*reg_find)(izin_log *lg, const char *permit,
	                const unsigned char digest[IZIN_DIGEST_LEN],
	                int *found);
	/* Device keys (izin_log_key(), izin_log_enrol()): one per device,
	 * IZIN_PK_LEN bytes.  get sets *found 0 when there is none (a log
	 * of a schema before keys has none); put inserts, inside a write
	 * transaction, a key for a device that has none (the caller has
	 * looked).  A stored key that is not IZIN_PK_LEN bytes reads as
	 * found, all zeros (no signature verifies with it). */
	int (*key_get)(izin_log *lg, const char *device,
	               uint8_t pk[IZIN_PK_LEN], int *found);
	int (*key_put)(izin_log *lg, const char *device,
	               const uint8_t pk[IZIN_PK_LEN]);
	/* Each device's newest checkpoint: get sets *found 0 when there is
	 * none; put inserts or replaces the device's, inside a write
	 * transaction (the caller decides which is newer); cps gives every
	 * one, by device, and a non-zero return from fn stops.  A stored
	 * row of the wrong shape (a hash or signature of another length, a
	 * NULL) reads with those fields zero: its signature fails. */
	int (*cp_get)(izin_log *lg, const char *device, izin_checkpoint *cp,
	              int *found);
	int (*cp_put)(izin_log *lg, const izin_checkpoint *cp);
	int (*cps)(izin_log *lg,
	           int (*fn)(void *arg, const izin_checkpoint *cp), void *arg);
};

struct izin_log {
	const struct log_ops *ops;
	void *store;            /* the store's own state */
	int writable;
	char device[IZIN_DEVICE_LEN + 1];
	char errmsg[256];
	struct qlayout *layouts;
	size_t nlayouts;
	struct qschema qs[NCACHE];
	struct qentry *queue;
	size_t nqueue, qcap;
	struct srow *rows;      /* a commit's rows, qcap of them */
	unsigned char (*hashes)[IZIN_LOG_HASH_LEN];
	struct izin_buf q, hashed, keys, line, tail;
	struct cols cols;
	izin_record *echo;      /* reused, so a writer's column map holds */
	size_t echo_layout;
	/* Checkpoints (log_checkpoint.c): the signer, if any, and where
	 * the newest of this device stands (cp_dseq 0: none yet; cp_loaded
	 * 0: not read from the store and checked against the chain yet). */
	izin_log_signer signer;
	int signing, cp_loaded;
	int64_t cp_dseq, cp_time;
	/* izin_log_set_progress(): a merge's reports, or NULL. */
	void (*progress)(void *arg, int64_t done, int64_t total);
	void *progress_arg;
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

/* lib/log_sqlite.c: the SQLite store. */
extern const struct log_ops izin_log_sqlite_ops;
/* Its copied-card queries, of every permit and of one (for a test of
 * their plan). */
extern const char *const izin_log_sqlite_clones[2];
/* lib/log_pg.c: the PostgreSQL store (a libpq connection string). */
extern const struct log_ops izin_log_pg_ops;

/* lib/log.c */
/* Roll back the open write transaction after the failure err (layout
 * ids learnt in it are forgotten); returns err. */
int izin_log_rollback(izin_log *lg, int err);

/* lib/log_checkpoint.c */
/* Inside a write transaction, with the log's own chain head h as it stands
 * before anything is added (dseq 0: no sighting yet): read the device's
 * newest checkpoint once and check that the chain reaches it with its
 * hash; IZIN_ECUT (errmsg set) when it does not. */
int izin_log_cp_load(izin_log *lg, const struct head *h);
/* Then, after the commit's rows and the new head (dseq, hash): sign and
 * store a checkpoint when the signer says one is due (force: whenever the
 * head is past the newest). */
int izin_log_cp_due(izin_log *lg, int64_t dseq,
                    const unsigned char hash[IZIN_LOG_HASH_LEN], int force);

/* lib/log_verify.c */
/* The hash of lg's sighting (device, dseq) into out: 0 when found, 1
 * when there is none, or an error.  A look through the device's rows (no
 * index leads there in SQLite), for the rare look back at a chain. */
int izin_log_row_hash(izin_log *lg, const char *device, int64_t dseq,
                      unsigned char out[IZIN_LOG_HASH_LEN]);

/* lib/log_record.c */
/* The sighting columns a query adds: the first 8 always, then 3 more for
 * an export. */
extern const char *const izin_log_out_cols[11];
/* Split a stored TSV line (copied into b) into exactly n cells, unescaped
 * (tsv.c), into c->c: IZIN_ERECORD when it does not hold n, IZIN_ENOMEM. */
int izin_log_split_line(struct izin_buf *b, const char *line, size_t len,
                        struct cols *c, size_t n);
void izin_log_cols_free(struct cols *c);
/* The layout table, in id order (for izin_log_layouts_find()). */
int izin_log_layouts_load(izin_log *lg, struct layouts *ls);
void izin_log_layouts_free(struct layouts *ls);
const struct layout *izin_log_layouts_find(const struct layouts *ls,
                                           int64_t id);
/* A query's header to columns(): the lead names, then every column name
 * of every layout first seen first (one a lead name already gives is
 * left out), then the first ntail of izin_log_out_cols. */
int izin_log_header(const struct layouts *ls, const char *const *lead,
                    size_t nlead, size_t ntail,
                    int (*columns)(void *arg, const char *const *keys,
                                   size_t n),
                    void *arg);
/* A stored record (record, rlen bytes, of layout) added to r, column by
 * column, but for the columns skip() says to leave out (skip may be
 * NULL); b and c are scratch.  IZIN_ERECORD, with lg's message naming
 * seq, for a record its layout does not describe. */
int izin_log_record_put(izin_log *lg, const struct layouts *ls,
                        int64_t layout, const char *record, size_t rlen,
                        int64_t seq, struct izin_buf *b, struct cols *c,
                        int (*skip)(const char *name), izin_record *r);

/* lib/log_hash.c: the bytes hashed for a sighting w linked to prev go to
 * b; then the hash over them and the record as stored (names line, values
 * line) to out.  report-log(1) documents both. */
int izin_log_row_fields(struct izin_buf *b,
                        const unsigned char prev[IZIN_LOG_HASH_LEN],
                        const struct row *w);
void izin_log_chain_hash(struct izin_buf *b, const char *names, size_t nlen,
                         const char *line, size_t llen,
                         unsigned char out[IZIN_LOG_HASH_LEN]);

#endif
