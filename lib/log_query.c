/*
 * log_query.c - reading a log back (izin_log_run()): one permit's trail,
 * each permit's last sighting, and the export, each within since and
 * until, every stored record handed back with its sighting columns.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "log_internal.h"

struct reader {
	izin_log *lg;
	const izin_log_query *q;
	struct layouts ls;
	izin_record *r;
	struct izin_buf b;
	struct cols c;
	int export;
	/* An export's checkpoints, by device, and the one of the row
	 * before (rows come by seq, mostly a run of one device's). */
	izin_checkpoint *cps;
	size_t ncps, capcps;
	const izin_checkpoint *cp;
	char line[IZIN_CHECKPOINT_MAX];
};

static int
cp_keep(void *arg, const izin_checkpoint *cp)
{
	struct reader *rd = arg;

	if (rd->ncps == rd->capcps) {
		size_t cap = rd->capcps ? 2 * rd->capcps : 8;
		izin_checkpoint *v = realloc(rd->cps, cap * sizeof(*v));
		if (v == NULL)
			return IZIN_ENOMEM;
		rd->cps = v;
		rd->capcps = cap;
	}
	rd->cps[rd->ncps++] = *cp;
	return 0;
}

static int
cp_cmp(const void *a, const void *b)
{
	return strcmp(((const izin_checkpoint *)a)->device,
	              ((const izin_checkpoint *)b)->device);
}

/* The checkpoint line row carries: its device's newest checkpoint when
 * that signs this very sighting, else "". */
static const char *
cp_line(struct reader *rd, const struct srow *row)
{
	const izin_checkpoint *cp = rd->cp;

	if (rd->ncps == 0 || row->w.device == NULL)
		return "";
	if (cp == NULL || strcmp(cp->device, row->w.device) != 0) {
		izin_checkpoint key = { .dseq = 0 };
		snprintf(key.device, sizeof(key.device), "%.*s",
		         IZIN_DEVICE_LEN, row->w.device);
		cp = rd->cp = bsearch(&key, rd->cps, rd->ncps, sizeof(key),
		                      cp_cmp);
		if (cp == NULL || strcmp(cp->device, row->w.device) != 0)
			return rd->cp = NULL, "";
	}
	if (cp->dseq != row->w.dseq || row->hashlen != IZIN_LOG_HASH_LEN ||
	    memcmp(cp->hash, row->hash, IZIN_LOG_HASH_LEN) != 0 ||
	    izin_checkpoint_format(cp, rd->line) < 1)
		return "";
	rd->line[strlen(rd->line) - 1] = '\0';
	return rd->line;
}

/* One row as a record, handed to the callback. */
static int
emit(struct reader *rd, const struct srow *row)
{
	const char *v;
	char num[24], hex[2 * IZIN_LOG_HASH_LEN + 1];
	int rc;

	izin_record_clear(rd->r);
	if ((rc = izin_log_record_put(rd->lg, &rd->ls, row->layout,
	                              row->record, row->rlen, row->seq,
	                              &rd->b, &rd->c, NULL, rd->r)) < 0)
		return rc;
	for (int i = 0; i < 9 + 2 * rd->export; i++) {
		const char *text[] = { NULL, row->w.device, row->w.time,
		                       row->w.reporter, row->w.kind,
		                       row->w.place, row->w.lat, row->w.lon };
		if (i == 10) {
			v = cp_line(rd, row);
		} else if (i == 9) {
			if (row->hashlen != IZIN_LOG_HASH_LEN)
				return IZIN_ERECORD;
			sodium_bin2hex(hex, sizeof(hex), row->hash,
			               IZIN_LOG_HASH_LEN);
			v = hex;
		} else if (i == 0 || i == 8) {
			snprintf(num, sizeof(num), "%lld",
			         (long long)(i == 0 ? row->seq : row->w.dseq));
			v = num;
		} else if ((v = text[i]) == NULL) {
			v = "";
		}
		if (i == 8 && !rd->export)
			continue;
		if ((rc = izin_record_set(rd->r, izin_log_out_cols[i], v,
		                          strlen(v))) < 0)
			return rc;
	}
	return rd->q->record(rd->q->arg, rd->r);
}

static int
query_txn(struct reader *rd)
{
	static const int what[] = {
		[IZIN_LOG_TRAIL] = ROWS_TRAIL,
		[IZIN_LOG_LAST_SEEN] = ROWS_LAST,
		[IZIN_LOG_EXPORT] = ROWS_AFTER,
	};
	const izin_log_query *q = rd->q;
	struct rowsel sel = { what[q->what], NULL, q->permit, 0, 0, q->since,
	                      q->until, q->after, 0 };
	struct srow row;
	struct rows *c;
	int rc;

	if ((rc = izin_log_layouts_load(rd->lg, &rd->ls)) < 0)
		return rc;
	if (rd->export &&
	    (rc = rd->lg->ops->cps(rd->lg, cp_keep, rd)) < 0)
		return rc;
	if (rd->ncps > 1)
		qsort(rd->cps, rd->ncps, sizeof(*rd->cps), cp_cmp);
	if (q->columns != NULL &&
	    (rc = izin_log_header(&rd->ls, NULL, 0, rd->export ? 11 : 8,
	                          q->columns, q->arg)) != 0)
		return rc;
	if ((rc = rd->lg->ops->rows_open(rd->lg, &sel, &c)) < 0)
		return rc;
	while ((rc = rd->lg->ops->rows_next(c, &row)) == 1)
		if ((rc = emit(rd, &row)) != 0)
			break;
	rd->lg->ops->rows_close(c);
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
	if ((rc = lg->ops->begin(lg, 0)) == 0) {
		rc = query_txn(&rd);
		(void)lg->ops->end(lg);
	}
	izin_log_layouts_free(&rd.ls);
	free(rd.cps);
	izin_record_free(rd.r);
	free(rd.b.p);
	izin_log_cols_free(&rd.c);
	return rc;
}
