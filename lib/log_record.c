/*
 * log_record.c - a record as a log stores it: values split out of its
 * izin-record(5) TSV line (with tsv.c's splitter), and the layout
 * table (the column names of stored records) read back from the store.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"

/* The sighting columns a query adds: the first 8 always, then 2 more for
 * an export. */
const char *const izin_log_out_cols[11] = {
	"seq", "device", "time", "reporter", "reporter_kind", "place", "lat",
	"lon", "dseq", "hash", "checkpoint"
};

/* Make room in c for n cells. */
static int
cols_reserve(struct cols *c, size_t n)
{
	struct izin_cell *v;

	if (n <= c->cap)
		return 0;
	if ((v = realloc(c->c, n * sizeof(*v))) == NULL)
		return IZIN_ENOMEM;
	c->c = v;
	c->cap = n;
	return 0;
}

int
izin_log_split_line(struct izin_buf *b, const char *line, size_t len,
                    struct cols *c, size_t n)
{
	int rc;

	b->len = 0;
	if (n == 0)
		return IZIN_ERECORD;
	if (izin_buf_add(b, line, len) < 0 || cols_reserve(c, n) < 0)
		return IZIN_ENOMEM;
	/* A line that is not n cells of well-escaped TSV is damage, however
	 * the splitter names it. */
	if ((rc = izin_tsv_split_unescape(b->p, len, c->c, n)) < 0)
		return rc == IZIN_ENOMEM ? rc : IZIN_ERECORD;
	c->n = n;
	return 0;
}

void
izin_log_cols_free(struct cols *c)
{
	free(c->c);
	c->c = NULL;
	c->n = c->cap = 0;
}

void
izin_log_layouts_free(struct layouts *ls)
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

struct loader {
	struct layouts *ls;
	size_t cap;
	struct izin_buf b;
	struct cols c;
};

/* One layout row into the table. */
static int
load_one(void *arg, int64_t id, const char *keys, size_t len)
{
	struct loader *ld = arg;
	struct layouts *ls = ld->ls;
	struct layout *l;
	size_t n;
	int rc;

	if (keys == NULL)
		return IZIN_ERECORD;
	if (ls->n == ld->cap) {
		struct layout *v;
		ld->cap = ld->cap ? 2 * ld->cap : 8;
		if ((v = realloc(ls->v, ld->cap * sizeof(*v))) == NULL)
			return IZIN_ENOMEM;
		ls->v = v;
	}
	n = 1;
	for (size_t i = 0; i < len; i++)
		n += keys[i] == '\t';
	/* An altered names line is kept as it is: the hashes of the
	 * sightings that use it are what tell. */
	if ((rc = izin_log_split_line(&ld->b, keys, len, &ld->c, n)) == IZIN_ERECORD)
		n = 0;
	else if (rc < 0)
		return rc;
	l = &ls->v[ls->n];
	l->id = id;
	l->n = n;
	l->permit = -1;
	l->store = ld->b.p;
	l->names = malloc((n ? n : 1) * sizeof(*l->names));
	l->raw = malloc(len + 1);
	l->rawlen = len;
	ld->b.p = NULL;
	ld->b.cap = 0;
	if (l->names == NULL || l->raw == NULL) {
		free(l->store);
		free(l->names);
		free(l->raw);
		return IZIN_ENOMEM;
	}
	memcpy(l->raw, keys, len);
	l->raw[len] = '\0';
	ls->n++;
	for (size_t i = 0; i < n; i++) {
		/* The store was copied whole: same offsets. */
		l->names[i] = ld->c.c[i].v;
		if (strcmp(ld->c.c[i].v, "permit") == 0)
			l->permit = (long)i;
	}
	return 0;
}

int
izin_log_layouts_load(izin_log *lg, struct layouts *ls)
{
	struct loader ld = { ls, 0, { NULL, 0, 0 },
	                     { NULL, 0, 0 } };
	int rc;

	ls->v = NULL;
	ls->n = 0;
	rc = lg->ops->layouts(lg, load_one, &ld);
	free(ld.b.p);
	izin_log_cols_free(&ld.c);
	if (rc < 0)
		izin_log_layouts_free(ls);
	return rc;
}

int
izin_log_header(const struct layouts *ls, const char *const *lead,
                size_t nlead, size_t ntail,
                int (*columns)(void *arg, const char *const *keys, size_t n),
                void *arg)
{
	const char **keys;
	size_t n = 0, total = nlead + ntail;
	int rc;

	for (size_t i = 0; i < ls->n; i++)
		total += ls->v[i].n;
	if ((keys = malloc(total * sizeof(*keys))) == NULL)
		return IZIN_ENOMEM;
	for (size_t i = 0; i < nlead; i++)
		keys[n++] = lead[i];
	for (size_t i = 0; i < ls->n; i++)
		for (size_t j = 0; j < ls->v[i].n; j++) {
			size_t k;
			for (k = 0; k < n; k++)
				if (strcmp(keys[k], ls->v[i].names[j]) == 0)
					break;
			if (k == n)
				keys[n++] = ls->v[i].names[j];
		}
	for (size_t i = 0; i < ntail; i++)
		keys[n++] = izin_log_out_cols[i];
	rc = columns(arg, keys, n);
	free(keys);
	return rc;
}

int
izin_log_record_put(izin_log *lg, const struct layouts *ls, int64_t layout,
                    const char *record, size_t rlen, int64_t seq,
                    struct izin_buf *b, struct cols *c,
                    int (*skip)(const char *name), izin_record *r)
{
	const struct layout *l = izin_log_layouts_find(ls, layout);
	int rc;

	if (l == NULL || record == NULL || l->n == 0 ||
	    (rc = izin_log_split_line(b, record, rlen, c, l->n)) ==
	    IZIN_ERECORD) {
		snprintf(lg->errmsg, sizeof(lg->errmsg),
		         "seq %lld: stored record damaged", (long long)seq);
		return IZIN_ERECORD;
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < l->n; i++)
		if ((skip == NULL || !skip(l->names[i])) &&
		    (rc = izin_record_set(r, l->names[i], c->c[i].v,
		                          c->c[i].len)) < 0)
			return rc;
	return 0;
}

const struct layout *
izin_log_layouts_find(const struct layouts *ls, int64_t id)
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
