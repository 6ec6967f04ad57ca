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
		keys[n++] = izin_log_out_cols[i];
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

	l = izin_log_layouts_find(&rd->ls, sqlite3_column_int64(st, 9));
	line = (const char *)sqlite3_column_text(st, 10);
	len = (size_t)sqlite3_column_bytes(st, 10);
	if (l == NULL || line == NULL || l->n == 0 ||
	    (rc = izin_log_split_line(&rd->b, line, len, &rd->c, l->n)) == -1) {
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
		if ((rc = izin_record_set(rd->r, izin_log_out_cols[i], v,
		                          strlen(v))) < 0)
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
	return rc == SQLITE_DONE ? 0 : izin_log_sql_err(rd->lg, rc);
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

	if ((rc = izin_log_prepare_once(rd->lg, &scan,
	    "SELECT permit, seq FROM sighting"
	    " WHERE permit > '' AND epoch BETWEEN ?1 AND ?2"
	    " ORDER BY permit, epoch, seq")) < 0)
		return rc;
	if ((rc = izin_log_prepare_once(rd->lg, &get, "SELECT " ROW_COLS
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
			rc = izin_log_sql_err(rd->lg, rc);
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

	if ((rc = izin_log_layouts_load(rd->lg, &rd->ls)) < 0)
		return rc;
	if (q->columns != NULL &&
	    (rc = union_columns(&rd->ls, rd->export, q)) != 0)
		return rc;
	switch (q->what) {
	case IZIN_LOG_TRAIL:
		rc = izin_log_prepare_once(rd->lg, &st,
		    "SELECT " ROW_COLS " FROM sighting"
		    " WHERE permit = ?1 AND epoch BETWEEN ?2 AND ?3"
		    " ORDER BY epoch, seq");
		break;
	case IZIN_LOG_LAST_SEEN:
		if (q->permit == NULL)
			return last_seen_all(rd);
		rc = izin_log_prepare_once(rd->lg, &st,
		    "SELECT " ROW_COLS " FROM sighting"
		    " WHERE permit = ?1 AND epoch BETWEEN ?2 AND ?3"
		    " ORDER BY epoch DESC, seq DESC LIMIT 1");
		break;
	default:
		rc = izin_log_prepare_once(rd->lg, &st,
		    "SELECT " ROW_COLS " FROM sighting"
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
	if ((rc = izin_log_exec(lg, "BEGIN")) == 0) {
		rc = query_txn(&rd);
		sqlite3_exec(lg->db, "COMMIT", NULL, NULL, NULL);
	}
	izin_log_layouts_free(&rd.ls);
	izin_record_free(rd.r);
	free(rd.b.p);
	izin_log_cols_free(&rd.c);
	return rc;
}
