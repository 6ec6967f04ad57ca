/*
 * log_append.c - appending to a log: which records and columns may be
 * logged, the queue izin_log_add() fills, and izin_log_commit(), which
 * links each sighting to its device's chain head and hands the store the
 * batch of rows.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"

static const char *const reserved[] = {
	"seq", "device", "dseq", "time", "reporter", "reporter_kind", "place",
	"lat", "lon", "hash", "checkpoint"
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
			if ((rc = izin_buf_reserve(&lg->keys, 1)) < 0)
				return rc;
			lg->keys.p[lg->keys.len++] = '\t';
		}
		if ((rc = izin_tsv_escape(&lg->keys, k, strlen(k))) < 0)
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
		struct srow *w;
		unsigned char (*h)[IZIN_LOG_HASH_LEN];
		if ((e = realloc(lg->queue, cap * sizeof(*e))) == NULL)
			return IZIN_ENOMEM;
		lg->queue = e;
		if ((w = realloc(lg->rows, cap * sizeof(*w))) == NULL)
			return IZIN_ENOMEM;
		lg->rows = w;
		if ((h = realloc(lg->hashes, cap * sizeof(*h))) == NULL)
			return IZIN_ENOMEM;
		lg->hashes = h;
		lg->qcap = cap;
	}
	e = &lg->queue[lg->nqueue];
	e->layout = qs->layout;
	e->line = lg->q.len;
	for (size_t j = 0; j < l->n; j++) {
		size_t len;
		const char *v = izin_record_value(r, qs->pos[j], &len);
		if (j > 0) {
			if ((rc = izin_buf_reserve(&lg->q, 1)) < 0)
				goto bad;
			lg->q.p[lg->q.len++] = '\t';
		}
		if ((rc = izin_tsv_escape(&lg->q, v, len)) < 0)
			goto bad;
	}
	e->linelen = lg->q.len - e->line;
	e->permit = lg->q.len;
	e->plen = value_len(r, qs->permit);
	if ((rc = izin_buf_reserve(&lg->q, e->plen)) < 0)
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
echo_tail(struct izin_buf *b, const struct row *w)
{
	const char *f[7] = { w->device, w->time, w->reporter, w->kind,
	                     w->place, w->lat, w->lon };
	int rc;

	b->len = 0;
	for (size_t i = 0; i < 7; i++) {
		if ((rc = izin_buf_reserve(b, 1)) < 0)
			return rc;
		b->p[b->len++] = '\t';
		if ((rc = izin_tsv_escape(b, f[i], strlen(f[i]))) < 0)
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
		return rc;
	for (size_t j = 0; j < l->n; j++)
		if ((rc = izin_record_set(lg->echo, l->names[j], lg->cols.c[j].v,
		                          lg->cols.c[j].len)) < 0)
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
	if ((rc = izin_buf_reserve(&lg->line, e->linelen + (size_t)n + 1 +
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

/* Every queued record as a row linked to the one before it, from the
 * head h on, into lg->rows. */
static int
link_rows(izin_log *lg, const struct row *w, int64_t epoch,
          const struct head *h)
{
	const unsigned char *prev = h->hash;
	int rc;

	for (size_t i = 0; i < lg->nqueue; i++) {
		struct qentry *e = &lg->queue[i];
		struct qlayout *l = &lg->layouts[e->layout];
		struct srow *r = &lg->rows[i];
		if (l->id == 0 &&
		    (rc = lg->ops->layout_id(lg, l->raw, l->rawlen,
		                             &l->id)) < 0)
			return rc;
		r->w = *w;
		r->w.dseq = h->dseq + 1 + (int64_t)i;
		if ((rc = izin_log_row_fields(&lg->hashed, prev, &r->w)) < 0)
			return rc;
		izin_log_chain_hash(&lg->hashed, l->raw, l->rawlen,
		                    lg->q.p + e->line, e->linelen, lg->hashes[i]);
		r->epoch = epoch;
		r->permit = lg->q.p + e->permit;
		r->plen = e->plen;
		r->layout = l->id;
		r->record = lg->q.p + e->line;
		r->rlen = e->linelen;
		r->prev = prev;
		r->hash = lg->hashes[i];
		prev = lg->hashes[i];
	}
	return 0;
}

int
izin_log_commit(izin_log *lg, const izin_sighting *s, int records,
                int (*fn)(void *arg, const izin_log_echo *e), void *arg)
{
	struct head h;
	struct row w;
	const char *what;
	int64_t epoch;
	size_t n;
	int rc, found;

	if (lg == NULL || s == NULL || !lg->writable)
		return IZIN_EINVAL;
	if ((rc = izin_sighting_check(s, &what)) < 0)
		return rc;
	if ((n = lg->nqueue) == 0)
		return 0;
	izin_time_parse(s->time, strlen(s->time), &epoch);
	w = (struct row){ lg->device, 0, s->time, s->reporter,
	                  s->reporter_kind, s->place, s->lat, s->lon };
	/* The write lock first, then the chain head: two appenders to one
	 * log can never link to the same one. */
	if ((rc = lg->ops->begin(lg, 1)) < 0)
		return izin_log_rollback(lg, rc);
	if ((rc = lg->ops->head_get(lg, lg->device, &h, &found)) < 0)
		return izin_log_rollback(lg, rc);
	if (!found) {
		h.dseq = h.seq = 0;
		memset(h.hash, 0, sizeof(h.hash));
	} else if (!h.hashok || h.damaged || h.dseq < 1 || h.seq < 1) {
		snprintf(lg->errmsg, sizeof(lg->errmsg),
		         "chain head of device %s damaged", lg->device);
		return izin_log_rollback(lg, IZIN_EIO);
	}
	/* Never sign over a chain that no longer reaches its checkpoint. */
	if (lg->signing && (rc = izin_log_cp_load(lg, &h)) < 0)
		return izin_log_rollback(lg, rc);
	if ((rc = link_rows(lg, &w, epoch, &h)) < 0 ||
	    (rc = lg->ops->insert(lg, lg->rows, n)) < 0)
		return izin_log_rollback(lg, rc);
	h.device = lg->device;
	h.dseq += (int64_t)n;
	h.seq = lg->rows[n - 1].seq;
	memcpy(h.hash, lg->hashes[n - 1], sizeof(h.hash));
	if ((rc = lg->ops->head_put(lg, &h)) < 0 ||
	    (lg->signing && (rc = izin_log_cp_due(lg, h.dseq, h.hash, 0)) < 0) ||
	    (rc = lg->ops->end(lg)) < 0)
		return izin_log_rollback(lg, rc);
	for (size_t i = 0; i < n; i++)
		lg->queue[i].seq = lg->rows[i].seq;
	if (fn != NULL && (rc = echo_tail(&lg->tail, &w)) < 0)
		fn = NULL;
	for (size_t i = 0; fn != NULL && i < n; i++)
		if ((rc = echo(lg, &lg->queue[i], &w, records, fn, arg)) != 0)
			break;
	lg->nqueue = 0;
	lg->q.len = 0;
	return rc;
}
