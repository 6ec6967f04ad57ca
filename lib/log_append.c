/*
 * log_append.c - appending to a log: which records and columns may be
 * logged, the queue izin_log_add() fills, and izin_log_commit(), which
 * links each sighting to its device's chain head; and the layout,
 * sighting and head rows it writes, which merging writes too.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"

static const char *const reserved[] = {
	"seq", "device", "dseq", "time", "reporter", "reporter_kind", "place",
	"lat", "lon", "hash"
};
#define NRESERVED (sizeof(reserved) / sizeof(reserved[0]))

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

/* Id of the layout whose names line is keys (len bytes), made when new. */
int
izin_log_layout_find(izin_log *lg, const char *keys, size_t len,
                     int64_t *id)
{
	int rc;

	if ((rc = izin_log_prepare(lg, &lg->layout_get,
	    "SELECT id FROM layout WHERE keys = ?1")) < 0 ||
	    (rc = izin_log_prepare(lg, &lg->layout_put,
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
		return izin_log_sql_err(lg, rc);
	sqlite3_bind_text(lg->layout_put, 1, keys, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(lg->layout_put);
	sqlite3_reset(lg->layout_put);
	if (rc != SQLITE_DONE)
		return izin_log_sql_err(lg, rc);
	*id = sqlite3_last_insert_rowid(lg->db);
	return 0;
}

int
izin_log_prepare_insert(izin_log *lg)
{
	return izin_log_prepare(lg, &lg->ins, "INSERT INTO sighting(seq,"
	    " device, dseq, time, epoch, reporter, reporter_kind, place, lat,"
	    " lon, permit, layout, record, prev_hash, hash) VALUES(NULL, ?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
}

/* The chain head of a device: its last dseq, seq and hash, or 0 and
 * zeros when it has none. */
static int
head_get(izin_log *lg, const char *device, int64_t *dseq, int64_t *seq,
         unsigned char hash[IZIN_LOG_HASH_LEN])
{
	int rc;

	if ((rc = izin_log_prepare(lg, &lg->head_get,
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
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       izin_log_sql_err(lg, rc);
}

int
izin_log_head_put(izin_log *lg, const char *device, int64_t dseq,
                  int64_t seq, const unsigned char hash[IZIN_LOG_HASH_LEN])
{
	int rc;

	if ((rc = izin_log_prepare(lg, &lg->head_put, "INSERT OR REPLACE INTO"
	    " head(device, dseq, seq, hash) VALUES(?1, ?2, ?3, ?4)")) < 0)
		return rc;
	sqlite3_bind_text(lg->head_put, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(lg->head_put, 2, dseq);
	sqlite3_bind_int64(lg->head_put, 3, seq);
	sqlite3_bind_blob(lg->head_put, 4, hash, IZIN_LOG_HASH_LEN,
	                  SQLITE_STATIC);
	rc = sqlite3_step(lg->head_put);
	sqlite3_reset(lg->head_put);
	return rc == SQLITE_DONE ? 0 : izin_log_sql_err(lg, rc);
}

int
izin_log_insert_row(izin_log *lg, const struct row *w, int64_t epoch,
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
		return izin_log_sql_err(lg, rc);
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
			if ((rc = izin_log_buf_reserve(&lg->keys, 1)) < 0)
				return rc;
			lg->keys.p[lg->keys.len++] = '\t';
		}
		if ((rc = izin_log_buf_escaped(&lg->keys, k, strlen(k))) < 0)
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
			l->echo[m + j] = izin_log_out_cols[j];
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
			if ((rc = izin_log_buf_reserve(&lg->q, 1)) < 0)
				goto bad;
			lg->q.p[lg->q.len++] = '\t';
		}
		if ((rc = izin_log_buf_escaped(&lg->q, v, len)) < 0)
			goto bad;
	}
	e->linelen = lg->q.len - e->line;
	e->permit = lg->q.len;
	e->plen = value_len(r, qs->permit);
	if ((rc = izin_log_buf_reserve(&lg->q, e->plen)) < 0)
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
		if ((rc = izin_log_buf_reserve(b, 1)) < 0)
			return rc;
		b->p[b->len++] = '\t';
		if ((rc = izin_log_buf_escaped(b, f[i], strlen(f[i]))) < 0)
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
	if ((rc = izin_log_split_line(&lg->keys, lg->q.p + e->line,
	                              e->linelen, &lg->cols, l->n)) != 0)
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
	if ((rc = izin_log_buf_reserve(&lg->line, e->linelen + (size_t)n + 1 +
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
	if ((rc = izin_log_prepare_insert(lg)) < 0)
		return rc;
	/* IMMEDIATE: take the write lock before reading the chain head, so
	 * that two appenders to one file can never link to the same one. */
	if ((rc = izin_log_exec(lg, "BEGIN IMMEDIATE")) < 0)
		return izin_log_rollback(lg, rc);
	if ((rc = head_get(lg, lg->device, &dseq, &seq, prev)) < 0)
		return izin_log_rollback(lg, rc);
	for (size_t i = 0; i < lg->nqueue; i++) {
		struct qentry *e = &lg->queue[i];
		struct qlayout *l = &lg->layouts[e->layout];
		if (l->id == 0 &&
		    (rc = izin_log_layout_find(lg, l->raw, l->rawlen,
		                               &l->id)) < 0)
			return izin_log_rollback(lg, rc);
		w.dseq = ++dseq;
		if ((rc = izin_log_row_fields(&lg->hashed, prev, &w)) < 0)
			return izin_log_rollback(lg, rc);
		izin_log_chain_hash(&lg->hashed, l->raw, l->rawlen,
		                    lg->q.p + e->line, e->linelen, hash);
		if ((rc = izin_log_insert_row(lg, &w, epoch,
		    lg->q.p + e->permit, e->plen, l->id, lg->q.p + e->line,
		    e->linelen, prev, hash, &e->seq)) < 0)
			return izin_log_rollback(lg, rc);
		memcpy(prev, hash, sizeof(prev));
	}
	if ((rc = izin_log_head_put(lg, lg->device, dseq,
	                            lg->queue[lg->nqueue - 1].seq, prev)) < 0 ||
	    (rc = izin_log_exec(lg, "COMMIT")) < 0)
		return izin_log_rollback(lg, rc);
	if (fn != NULL && (rc = echo_tail(&lg->tail, &w)) < 0)
		fn = NULL;
	for (size_t i = 0; fn != NULL && i < lg->nqueue; i++)
		if ((rc = echo(lg, &lg->queue[i], &w, records, fn, arg)) != 0)
			break;
	lg->nqueue = 0;
	lg->q.len = 0;
	return rc;
}
