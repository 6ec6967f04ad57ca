/*
 * log_verify.c - checking a log's hash chains (izin_log_verify()) and
 * merging a verified log into another (izin_log_merge()), which needs the
 * same chain heads and the same walk over every sighting.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"

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
	if ((rc = izin_log_prepare_once(lg, &st,
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
	rc = rc == SQLITE_DONE ? 0 : izin_log_sql_err(lg, rc);
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

/* The text columns of a VERIFY_COLS row into w, *permit and *line (NULL
 * for a missing one); -1 when one is missing. */
static int
row_text(sqlite3_stmt *st, struct row *w, const char **permit,
         const char **line)
{
	int missing = izin_log_text_col(st, 3, &w->time);

	missing |= izin_log_text_col(st, 5, &w->reporter);
	missing |= izin_log_text_col(st, 6, &w->kind);
	missing |= izin_log_text_col(st, 7, &w->place);
	missing |= izin_log_text_col(st, 8, &w->lat);
	missing |= izin_log_text_col(st, 9, &w->lon);
	missing |= izin_log_text_col(st, 10, permit);
	missing |= izin_log_text_col(st, 12, line);
	return missing;
}

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
	if (row_text(st, &w, &permit, &line) < 0)
		return "a column is missing";
	llen = (size_t)sqlite3_column_bytes(st, 12);
	if (izin_time_parse(w.time, strlen(w.time), &epoch) != IZIN_OK ||
	    epoch != sqlite3_column_int64(st, 4))
		return "time altered: it does not match the instant stored";
	l = izin_log_layouts_find(ls, sqlite3_column_int64(st, 11));
	if (l == NULL)
		return "record altered: its column names are missing";
	if ((*err = izin_log_row_fields(hb, c->hash, &w)) < 0)
		return NULL;
	izin_log_chain_hash(hb, l->raw, l->rawlen, line, llen, hash);
	if (memcmp(hash, sqlite3_column_blob(st, 14), IZIN_LOG_HASH_LEN))
		return "altered: its content does not match its hash";
	*err = l->n == 0 ? -1 : izin_log_split_line(b, line, llen, cols, l->n);
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
	if ((rc = izin_log_layouts_load(lg, &ls)) < 0) {
		chains_free(&cs);
		return rc;
	}
	if ((rc = izin_log_prepare_once(lg, &st, "SELECT " VERIFY_COLS
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
		rc = izin_log_sql_err(lg, rc);
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
	izin_log_layouts_free(&ls);
	free(b.p);
	free(hb.p);
	izin_log_cols_free(&cols);
	return rc;
}

int
izin_log_verify(izin_log *lg, int64_t *count, int64_t *bad, const char **why)
{
	int rc;

	if ((rc = izin_log_exec(lg, "BEGIN")) < 0)
		return rc;
	rc = verify_txn(lg, count, bad, why);
	sqlite3_exec(lg->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* Our row (device, dseq)'s hash into out; 0 when found, 1 when not.  A
 * scan, as nothing indexes (device, dseq): needed only when the other log
 * holds a shorter copy of a chain we have. */
static int
row_hash(izin_log *lg, const char *device, int64_t dseq,
         unsigned char out[IZIN_LOG_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = izin_log_prepare_once(lg, &st, "SELECT hash FROM sighting"
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
	return rc == SQLITE_DONE ? 1 : izin_log_sql_err(lg, rc);
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
	if ((rc = izin_log_prepare_once(other, &st, "SELECT " VERIFY_COLS
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
		l = izin_log_layouts_find(ls, sqlite3_column_int64(st, 11));
		li = (size_t)(l - ls->v);
		if (ids[li] == 0 &&
		    (rc = izin_log_layout_find(lg, l->raw, l->rawlen,
		                               &ids[li])) < 0)
			break;
		w.device = dev;
		w.dseq = dseq;
		(void)row_text(st, &w, &permit, &line);
		if ((rc = izin_log_insert_row(lg, &w,
		    sqlite3_column_int64(st, 4), permit,
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
		rc = izin_log_sql_err(other, rc);
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
	if ((rc = izin_log_exec(other, "BEGIN")) < 0)
		return rc;
	if ((rc = verify_txn(other, &count, bad, why)) < 0 || *bad ||
	    (rc = chains_load(other, &theirs)) < 0 ||
	    (rc = izin_log_layouts_load(other, &ls)) < 0 ||
	    (rc = izin_log_prepare_insert(lg)) < 0)
		goto out;
	if ((rc = izin_log_exec(lg, "BEGIN IMMEDIATE")) < 0 ||
	    (rc = merge_chains(lg, &ours, &theirs)) < 0 ||
	    (rc = merge_check_heads(lg, &ours, &theirs, bad, why)) < 0 ||
	    *bad ||
	    (rc = merge_rows(lg, other, &ours, &ls, added, bad, why)) < 0 ||
	    *bad)
		goto undo;
	for (size_t i = 0; i < ours.n; i++) {
		const struct chain *c = &ours.v[i];
		if (c->dseq != c->head_dseq &&
		    (rc = izin_log_head_put(lg, c->device, c->dseq, c->seq,
		                            c->hash)) < 0)
			goto undo;
	}
	if ((rc = izin_log_exec(lg, "COMMIT")) < 0)
		goto undo;
	goto out;
undo:
	izin_log_rollback(lg, rc);
	*added = 0;
out:
	sqlite3_exec(other->db, "COMMIT", NULL, NULL, NULL);
	chains_free(&ours);
	chains_free(&theirs);
	izin_log_layouts_free(&ls);
	return rc;
}
