/*
 * log_record.c - a record as a log stores it: growable buffers, values
 * escaped into and split out of izin-record(5) TSV lines, and the layout
 * table (the column names of stored records) read back from the store.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"

/* The sighting columns a query adds: the first 8 always, then 2 more for
 * an export. */
const char *const izin_log_out_cols[10] = {
	"seq", "device", "time", "reporter", "reporter_kind", "place", "lat",
	"lon", "dseq", "hash"
};

int
izin_log_buf_reserve(struct buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->len + extra < b->cap)
		return 0;
	if (extra > SIZE_MAX / 4 - b->len)
		return IZIN_ENOMEM;
	for (cap = b->cap ? b->cap : 256; cap <= b->len + extra; cap *= 2)
		;
	if ((p = realloc(b->p, cap)) == NULL)
		return IZIN_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Append s escaped as an izin-record(5) TSV value. */
int
izin_log_buf_escaped(struct buf *b, const char *s, size_t len)
{
	char *d;
	int rc;

	if ((rc = izin_log_buf_reserve(b, 2 * len + 1)) < 0)
		return rc;
	d = b->p + b->len;
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '\\': *d++ = '\\'; *d++ = '\\'; break;
		case '\t': *d++ = '\\'; *d++ = 't'; break;
		case '\n': *d++ = '\\'; *d++ = 'n'; break;
		case '\r': *d++ = '\\'; *d++ = 'r'; break;
		default: *d++ = s[i];
		}
	}
	b->len = (size_t)(d - b->p);
	return 0;
}

static int
cols_reserve(struct cols *c, size_t n)
{
	const char **k, **v;
	size_t *l;

	if (n <= c->cap)
		return 0;
	k = realloc(c->k, n * sizeof(*k));
	if (k != NULL)
		c->k = k;
	v = realloc(c->v, n * sizeof(*v));
	if (v != NULL)
		c->v = v;
	l = realloc(c->l, n * sizeof(*l));
	if (l != NULL)
		c->l = l;
	if (k == NULL || v == NULL || l == NULL)
		return IZIN_ENOMEM;
	c->cap = n;
	return 0;
}

/* Undo the TSV escapes of s (len bytes) in place; -1 for a bad one. */
static int
unescape(char *s, size_t *len)
{
	char *in = memchr(s, '\\', *len), *out, *end = s + *len;

	if (in == NULL)
		return 0;
	for (out = in; in < end; ) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		if (in + 1 == end)
			return -1;
		switch (in[1]) {
		case '\\': *out++ = '\\'; break;
		case 't': *out++ = '\t'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		default: return -1;
		}
		in += 2;
	}
	*out = '\0';
	*len = (size_t)(out - s);
	return 0;
}

/* Split a TSV line (copied into b) into exactly n cells, unescaped, into
 * c->v and c->l; -1 when it does not hold n. */
int
izin_log_split_line(struct buf *b, const char *line, size_t len,
                    struct cols *c, size_t n)
{
	char *p, *t, *end;
	size_t i;

	b->len = 0;
	if (n == 0)
		return -1;
	if (izin_log_buf_reserve(b, len + 1) < 0 || cols_reserve(c, n) < 0)
		return IZIN_ENOMEM;
	memcpy(b->p, line, len);
	b->p[len] = '\0';
	p = b->p;
	end = p + len;
	for (i = 0; i < n; i++) {
		t = memchr(p, '\t', (size_t)(end - p));
		if (t == NULL)
			t = end;
		else if (i + 1 == n)
			return -1;
		*t = '\0';
		c->v[i] = p;
		c->l[i] = (size_t)(t - p);
		if (unescape(p, &c->l[i]) < 0)
			return -1;
		if (t == end && i + 1 < n)
			return -1;
		p = t + 1;
	}
	c->n = n;
	return 0;
}

void
izin_log_cols_free(struct cols *c)
{
	free(c->k);
	free(c->v);
	free(c->l);
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
	struct buf b;
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
	if ((rc = izin_log_split_line(&ld->b, keys, len, &ld->c, n)) == -1)
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
		l->names[i] = ld->c.v[i];
		if (strcmp(ld->c.v[i], "permit") == 0)
			l->permit = (long)i;
	}
	return 0;
}

int
izin_log_layouts_load(izin_log *lg, struct layouts *ls)
{
	struct loader ld = { ls, 0, { NULL, 0, 0 },
	                     { NULL, NULL, NULL, 0, 0 } };
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
