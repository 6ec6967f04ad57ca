/*
 * log.c - the sightings log: records appended to a store (an SQLite
 * database file, lib/log_sqlite.c, or a PostgreSQL schema reached by a
 * connection string, lib/log_pg.c), each linked to the one before it from
 * the same device by a BLAKE2b hash.  report-log(1) sets out the schema
 * and the exact bytes hashed, so that a data centre can re-verify a log
 * with tools of its own.
 *
 * A record is stored as two izin-record(5) TSV lines: its column names
 * once per distinct list of names (the layout table, which a record points
 * to), and its values in the sighting row.  The permit number and the
 * instant are kept again in columns of their own, for the index that
 * --trail and --last-seen use.
 *
 * This file opens a log on the store its location names, and closes it;
 * log_internal.h says which file holds what.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "log_internal.h"

/* The stores, asked in order whether a location is theirs: the last takes
 * anything. */
static const struct log_ops *const stores[] = {
	&izin_log_pg_ops,
	&izin_log_sqlite_ops,
};

int
izin_log_rollback(izin_log *lg, int err)
{
	lg->ops->rollback(lg);
	/* Layout rows made in the transaction are gone with it. */
	for (size_t i = 0; i < lg->nlayouts; i++)
		lg->layouts[i].id = 0;
	/* So is a checkpoint signed in it. */
	lg->cp_loaded = 0;
	return err;
}

int
izin_log_open(const char *location, int mode, izin_log **out)
{
	unsigned char id[IZIN_DEVICE_LEN / 2];
	char hex[IZIN_DEVICE_LEN + 1] = "";
	izin_log *lg;
	size_t i;

	*out = NULL;
	if (location == NULL || mode < IZIN_LOG_READ || mode > IZIN_LOG_CREATE)
		return IZIN_EINVAL;
	if ((lg = calloc(1, sizeof(*lg))) == NULL)
		return IZIN_ENOMEM;
	*out = lg;
	lg->writable = mode != IZIN_LOG_READ;
	for (i = 0; i + 1 < sizeof(stores) / sizeof(stores[0]); i++)
		if (stores[i]->claims(location))
			break;
	lg->ops = stores[i];
	/* The id a new log takes: drawn here, so no store needs its own. */
	if (lg->writable) {
		randombytes_buf(id, sizeof(id));
		sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
	}
	return lg->ops->open(lg, location, mode, hex);
}

void
izin_log_close(izin_log *lg)
{
	if (lg == NULL)
		return;
	if (lg->ops != NULL)
		lg->ops->close(lg);
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
	free(lg->rows);
	free(lg->hashes);
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
	return lg != NULL ? lg->errmsg : N_("out of memory");
}

const char *
izin_log_device(const izin_log *lg)
{
	return lg->device;
}

const char *
izin_log_engine(const izin_log *lg)
{
	return lg->ops->name;
}
