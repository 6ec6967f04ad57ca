/*
 * record.c - records, and the two line formats the tools pass them in:
 * TSV with a header line, and JSON Lines; and CSV, written only, for
 * spreadsheets.  See izin-record(5).
 *
 * The TSV path is the hot one (stay-check streams millions of lines), so
 * a record read from TSV borrows: its keys are the reader's header strings
 * and its values sit in the reader's line buffer, split and unescaped in
 * place.  Copies are made only by izin_record_set(), into buffers each
 * slot keeps across lines, so steady state allocates nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include "izin_internal.h"

struct slot {
	const char *key;        /* a reader's header string or kbuf */
	const char *val;        /* NUL-ended: a reader's line buffer or vbuf */
	size_t len;
	struct izin_buf kb;     /* owned, kept when the record is cleared */
	char *vbuf;
	size_t vcap;
	/* Appending kbuf to a record of schema parent gave schema memo. */
	unsigned long parent, memo;
};

struct izin_record {
	struct slot *s;
	size_t n, cap;
	unsigned long schema;
};

/*
 * Schema numbers: 0 is the empty record; every other number is handed out
 * once, for one list of keys.  Remembering, per slot, which number an
 * append gave last time means a record that is cleared and refilled with
 * the same keys gets the same numbers again, so a caller's cached column
 * positions survive from one line to the next.
 */
static atomic_ulong schema_last;

static unsigned long
schema_new(void)
{
	return atomic_fetch_add(&schema_last, 1) + 1;
}

izin_record *
izin_record_new(void)
{
	return calloc(1, sizeof(izin_record));
}

void
izin_record_free(izin_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->cap; i++) {
		izin_buf_free(&r->s[i].kb);
		free(r->s[i].vbuf);
	}
	free(r->s);
	free(r);
}

void
izin_record_clear(izin_record *r)
{
	r->n = 0;
	r->schema = 0;
}

static int
record_reserve(izin_record *r, size_t n)
{
	struct slot *s;
	size_t cap;

	if (n <= r->cap)
		return 0;
	cap = r->cap < 8 ? 8 : r->cap;
	while (cap < n)
		cap *= 2;
	if (cap > SIZE_MAX / sizeof(*s))
		return IZIN_ENOMEM;
	s = realloc(r->s, cap * sizeof(*s));
	if (s == NULL)
		return IZIN_ENOMEM;
	memset(s + r->cap, 0, (cap - r->cap) * sizeof(*s));
	r->s = s;
	r->cap = cap;
	return 0;
}

/* val may point into the slot's own vbuf (a value set from itself). */
static int
slot_set_value(struct slot *sl, const char *val, size_t len)
{
	char *p;
	size_t cap;

	if (len >= sl->vcap) {
		if (len >= SIZE_MAX / 2)
			return IZIN_ENOMEM;
		cap = sl->vcap < 32 ? 32 : sl->vcap;
		while (cap <= len)
			cap *= 2;
		p = malloc(cap);
		if (p == NULL)
			return IZIN_ENOMEM;
		if (len > 0)
			memcpy(p, val, len);
		free(sl->vbuf);
		sl->vbuf = p;
		sl->vcap = cap;
	} else if (len > 0) {
		memmove(sl->vbuf, val, len);
	}
	sl->vbuf[len] = '\0';
	sl->val = sl->vbuf;
	sl->len = len;
	return 0;
}

/* Append a column known not to be in r yet. */
static int
record_append(izin_record *r, const char *key, size_t klen, const char *val,
              size_t len)
{
	struct slot *sl;
	int rc;

	if ((rc = record_reserve(r, r->n + 1)) < 0)
		return rc;
	sl = &r->s[r->n];
	if ((rc = slot_set_value(sl, val, len)) < 0)
		return rc;
	if (sl->memo == 0 || sl->parent != r->schema || sl->kb.len != klen ||
	    memcmp(sl->kb.p, key, klen) != 0) {
		sl->kb.len = 0;
		if ((rc = izin_buf_add(&sl->kb, key, klen)) < 0)
			return rc;
		sl->parent = r->schema;
		sl->memo = schema_new();
	}
	sl->key = sl->kb.p;
	r->schema = sl->memo;
	r->n++;
	return 0;
}

int
izin_record_set(izin_record *r, const char *key, const char *val, size_t len)
{
	long i;

	if (r == NULL || key == NULL || *key == '\0' ||
	    (val == NULL && len > 0))
		return IZIN_EINVAL;
	if (len > 0 && memchr(val, '\0', len) != NULL)
		return IZIN_EINVAL;
	if (val == NULL)
		val = "";
	if ((i = izin_record_find(r, key)) >= 0)
		return slot_set_value(&r->s[i], val, len);
	return record_append(r, key, strlen(key), val, len);
}

long
izin_record_find(const izin_record *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->s[i].key, key) == 0)
			return (long)i;
	return -1;
}

const char *
izin_record_get(const izin_record *r, const char *key, size_t *len)
{
	long i;

	if ((i = izin_record_find(r, key)) < 0)
		return NULL;
	if (len != NULL)
		*len = r->s[i].len;
	return r->s[i].val;
}

size_t
izin_record_count(const izin_record *r)
{
	return r->n;
}

const char *
izin_record_key(const izin_record *r, size_t i)
{
	return i < r->n ? r->s[i].key : NULL;
}

const char *
izin_record_value(const izin_record *r, size_t i, size_t *len)
{
	if (i >= r->n)
		return NULL;
	if (len != NULL)
		*len = r->s[i].len;
	return r->s[i].val;
}

unsigned long
izin_record_schema(const izin_record *r)
{
	return r->schema;
}

int
izin_record_from_permit(izin_record *r, const izin_permit *p)
{
	char buf[256];
	int f, n, rc;

	for (f = 0; f < IZIN_F_COUNT; f++) {
		if ((n = izin_permit_get(p, f, buf, sizeof(buf))) < 0)
			return n;
		if ((rc = izin_record_set(r, izin_field_name(f), buf,
		    (size_t)n)) < 0)
			return rc;
	}
	return 0;
}

int
izin_record_to_permit(const izin_record *r, izin_permit *p, int *field)
{
	const char *v;
	size_t len;
	int f, rc;

	memset(p, 0, sizeof(*p));
	if (field != NULL)
		*field = IZIN_F_NONE;
	for (f = 0; f < IZIN_F_COUNT; f++) {
		v = izin_record_get(r, izin_field_name(f), &len);
		if (f == IZIN_F_SPONSOR || f == IZIN_F_ADDRESS) {
			if (v == NULL || len == 0)
				continue;
		} else if (v == NULL) {
			rc = IZIN_EEMPTY;
			goto bad;
		}
		if ((rc = izin_permit_set(p, f, v, len)) < 0)
			goto bad;
	}
	return 0;
bad:
	if (field != NULL)
		*field = f;
	return rc;
}

struct izin_reader {
	FILE *fp;
	int format;
	int done;               /* end of input, read error or bad header */
	unsigned long line;
	int fd;                 /* fp's descriptor, or -1: getline() then */
	int eof;
	char *buf;              /* buf[start, end) read, not yet taken */
	size_t bufcap, start, end;
	char *hraw;             /* header line as read, to skip repeats */
	size_t hlen;
	char *hstore;           /* unescaped column names */
	const char **cols;
	struct izin_cell *cells;        /* of a line being split */
	size_t ncols;           /* 0 until the header is read */
	unsigned long schema;   /* of a record holding just the header keys */
};

izin_reader *
izin_reader_new(FILE *fp, int format)
{
	izin_reader *rd;

	/* CSV is written for spreadsheets, never read back: its cells may
	 * have been altered against formula injection. */
	if (fp == NULL || format < IZIN_FMT_AUTO || format > IZIN_FMT_JSON)
		return NULL;
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		return NULL;
	rd->fp = fp;
	rd->fd = fileno(fp);
	rd->format = format;
	return rd;
}

void
izin_reader_free(izin_reader *rd)
{
	if (rd == NULL)
		return;
	free(rd->buf);
	free(rd->hraw);
	free(rd->hstore);
	free(rd->cols);
	free(rd->cells);
	free(rd);
}

unsigned long
izin_reader_line(const izin_reader *rd)
{
	return rd->line;
}

int
izin_reader_format(const izin_reader *rd)
{
	return rd->format;
}

/*
 * Lines are read with read(2) in large blocks, not through stdio: read
 * returns what a pipe holds, so a line is taken as soon as it is there,
 * and the reader knows what it holds (izin_reader_pending()).  A stream
 * without a descriptor (a memory stream) is read with getline().
 */
static int
read_line(izin_reader *rd, char **line, size_t *len)
{
	size_t l, scanned = 0;
	ssize_t n;
	char *nl;

	if (rd->fd < 0) {
		errno = 0;
		n = getline(&rd->buf, &rd->bufcap, rd->fp);
		if (n < 0) {
			if (ferror(rd->fp))
				return IZIN_EIO;
			return errno == ENOMEM ? IZIN_ENOMEM : 0;
		}
		*line = rd->buf;
		l = (size_t)n;
	} else {
		for (;;) {
			nl = rd->end > rd->start + scanned ?
			    memchr(rd->buf + rd->start + scanned, '\n',
			    rd->end - rd->start - scanned) : NULL;
			if (nl != NULL || (rd->eof && rd->end > rd->start))
				break;
			if (rd->eof)
				return 0;
			scanned = rd->end - rd->start;
			if (rd->start > 0) {
				memmove(rd->buf, rd->buf + rd->start, scanned);
				rd->end = scanned;
				rd->start = 0;
			}
			/* Room for a NUL after the last line, too. */
			if (rd->end + 1 >= rd->bufcap) {
				size_t cap = rd->bufcap ? rd->bufcap * 2 :
				             64 * 1024;
				char *b;
				if (cap < rd->bufcap ||
				    (b = realloc(rd->buf, cap)) == NULL)
					return IZIN_ENOMEM;
				rd->buf = b;
				rd->bufcap = cap;
			}
			do
				n = read(rd->fd, rd->buf + rd->end,
				         rd->bufcap - rd->end - 1);
			while (n < 0 && errno == EINTR);
			if (n < 0)
				return IZIN_EIO;
			if (n == 0)
				rd->eof = 1;
			rd->end += (size_t)n;
		}
		*line = rd->buf + rd->start;
		l = nl != NULL ? (size_t)(nl - *line) + 1 : rd->end - rd->start;
		rd->start += l;
	}
	rd->line++;
	if (l > 0 && (*line)[l - 1] == '\n')
		l--;
	if (l > 0 && (*line)[l - 1] == '\r')
		l--;
	(*line)[l] = '\0';
	*len = l;
	return 1;
}

int
izin_reader_pending(const izin_reader *rd)
{
	if (rd == NULL || rd->fd < 0)
		return 0;
	return (rd->eof && !rd->done) || (rd->end > rd->start &&
	    memchr(rd->buf + rd->start, '\n', rd->end - rd->start) != NULL);
}

static int
read_header(izin_reader *rd, const char *line, size_t len)
{
	char *p, *t, *end;
	size_t i, j, n, clen;
	int rc = IZIN_ENOMEM;

	n = 1;
	for (p = memchr(line, '\t', len); p != NULL;
	    p = memchr(p + 1, '\t', len - (size_t)(p + 1 - line)))
		n++;
	rd->hraw = malloc(len + 1);
	rd->hstore = malloc(len + 1);
	rd->cols = calloc(n, sizeof(*rd->cols));
	rd->cells = calloc(n, sizeof(*rd->cells));
	if (rd->hraw == NULL || rd->hstore == NULL || rd->cols == NULL ||
	    rd->cells == NULL)
		goto bad;
	memcpy(rd->hraw, line, len + 1);
	memcpy(rd->hstore, line, len + 1);
	rd->hlen = len;
	p = rd->hstore;
	end = p + len;
	for (i = 0; i < n; i++) {
		t = memchr(p, '\t', (size_t)(end - p));
		if (t == NULL)
			t = end;
		*t = '\0';
		clen = (size_t)(t - p);
		if ((rc = izin_tsv_unescape(p, &clen)) < 0)
			goto bad;
		rc = IZIN_ECOLUMNS;
		if (clen == 0)
			goto bad;
		for (j = 0; j < i; j++)
			if (strcmp(rd->cols[j], p) == 0)
				goto bad;
		rd->cols[i] = p;
		p = t + 1;
	}
	rd->ncols = n;
	rd->schema = schema_new();
	return 0;
bad:
	free(rd->hraw);
	free(rd->hstore);
	free(rd->cols);
	free(rd->cells);
	rd->hraw = rd->hstore = NULL;
	rd->cols = NULL;
	rd->cells = NULL;
	return rc;
}

static int
read_tsv(izin_reader *rd, char *line, size_t len, izin_record *r)
{
	size_t i, n = rd->ncols;
	int rc, bs;

	if (r->cap < n && (rc = record_reserve(r, n)) < 0)
		return rc;
	if ((rc = izin_tsv_split(line, len, rd->cells, n, &bs)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (bs && (rc = izin_tsv_unescape((char *)rd->cells[i].v,
		    &rd->cells[i].len)) < 0)
			return rc;
		r->s[i].val = rd->cells[i].v;
		r->s[i].len = rd->cells[i].len;
	}
	if (r->schema != rd->schema) {
		for (i = 0; i < n; i++)
			r->s[i].key = rd->cols[i];
		r->schema = rd->schema;
	}
	r->n = n;
	return 1;
}

/*
 * Text of a JSON real: the fewest digits that read back as the same
 * double, written plainly (1000.0, 0.001) unless the exponent is far out
 * (1e+20), and always with a '.' or an exponent so it still reads as a
 * real.
 */
static size_t
real_text(double d, char *buf, size_t size)
{
	int prec, exp, n;
	char *p;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, size, "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	p = strchr(buf, 'e');
	exp = p != NULL ? (int)strtol(p + 1, NULL, 10) : 0;
	if (exp >= -5 && exp < 17)
		n = snprintf(buf, size, "%.*f",
		    prec - 1 - exp > 0 ? prec - 1 - exp : 0, d);
	else
		n = snprintf(buf, size, "%.*e", prec - 1, d);
	if (n < 0 || (size_t)n >= size)
		return 0;
	/* The locale may have put in another decimal point. */
	for (p = buf; *p != '\0'; p++)
		if (strchr("0123456789+-eE", *p) == NULL)
			*p = '.';
	if (strpbrk(buf, ".eE") == NULL && (size_t)n + 2 < size) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	return (size_t)n;
}

static int
read_json(const char *line, size_t len, izin_record *r)
{
	json_t *obj, *v;
	json_error_t err;
	const char *key, *val;
	char num[64];
	size_t klen, vlen;
	int rc = 1;

	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (obj == NULL)
		return IZIN_EJSON;
	if (!json_is_object(obj)) {
		json_decref(obj);
		return IZIN_EJSON;
	}
	izin_record_clear(r);
	json_object_keylen_foreach(obj, key, klen, v) {
		switch (json_typeof(v)) {
		case JSON_STRING:
			val = json_string_value(v);
			vlen = json_string_length(v);
			break;
		case JSON_INTEGER:
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			val = num;
			vlen = strlen(num);
			break;
		case JSON_REAL:
			vlen = real_text(json_real_value(v), num, sizeof(num));
			val = num;
			break;
		case JSON_TRUE:
			val = "true";
			vlen = 4;
			break;
		case JSON_FALSE:
			val = "false";
			vlen = 5;
			break;
		case JSON_NULL:
			val = "";
			vlen = 0;
			break;
		default:
			rc = IZIN_EJSON;
			goto out;
		}
		if (klen == 0) {
			rc = IZIN_ECOLUMNS;
			goto out;
		}
		if ((rc = record_append(r, key, klen, val, vlen)) < 0)
			goto out;
		rc = 1;
	}
out:
	json_decref(obj);
	return rc;
}

/*
 * One line as read (NUL-ended, no newline, no CR at its end): 1 with a
 * record in r, 0 for a line that holds none, or an error for this line.
 * Filled from TSV, r borrows the reader's header strings and the line,
 * so its keys and values last until the next line or izin_reader_free().
 * On an error r is left empty.  A bad header is reported once and then
 * reads as the end of input, so a caller that reports an error and reads
 * on (as it should for a bad line) cannot loop on it.
 */
static int
take_line(izin_reader *rd, char *line, size_t len, izin_record *r)
{
	int rc;

	if (len == 0)
		return 0;
	if (rd->format == IZIN_FMT_AUTO)
		rd->format = line[0] == '{' ? IZIN_FMT_JSON : IZIN_FMT_TSV;
	if (len > IZIN_LINE_MAX)
		rc = IZIN_ELONGLINE;
	else if ((rd->format == IZIN_FMT_JSON || rd->ncols == 0) &&
	    memchr(line, '\0', len) != NULL)
		rc = IZIN_ERECORD;
	else if (rd->format == IZIN_FMT_JSON)
		rc = read_json(line, len, r);
	else if (rd->ncols == 0)
		rc = read_header(rd, line, len);
	else if (len == rd->hlen && memcmp(line, rd->hraw, len) == 0)
		rc = 0;
	else
		rc = read_tsv(rd, line, len, r);
	if (rc >= 0)
		return rc;
	/* A TSV file whose header is bad has no records. */
	if (rd->format == IZIN_FMT_TSV && rd->ncols == 0)
		rd->done = 1;
	izin_record_clear(r);
	return rc;
}

int
izin_reader_next(izin_reader *rd, izin_record *r)
{
	char *line;
	size_t len;
	int rc;

	if (rd == NULL || r == NULL)
		return IZIN_EINVAL;
	for (;;) {
		if (rd->done) {
			izin_record_clear(r);
			return 0;
		}
		if ((rc = read_line(rd, &line, &len)) <= 0) {
			rd->done = 1;
			izin_record_clear(r);
			return rc;
		}
		if ((rc = take_line(rd, line, len, r)) == 0)
			continue;
		/* Do not keep a huge buffer for one huge line. */
		if (rc < 0 && rd->bufcap > 2 * (size_t)IZIN_LINE_MAX &&
		    rd->start == rd->end) {
			free(rd->buf);
			rd->buf = NULL;
			rd->bufcap = rd->start = rd->end = 0;
		}
		return rc;
	}
}

int
izin_reader_feed(izin_reader *rd, char *line, size_t len, izin_record *r)
{
	if (rd == NULL || r == NULL || line == NULL)
		return IZIN_EINVAL;
	if (rd->done) {
		izin_record_clear(r);
		return 0;
	}
	rd->line++;
	return take_line(rd, line, len, r);
}

struct izin_writer {
	FILE *fp;
	int format;
	char *cstore;           /* column names */
	const char **cols;
	size_t ncols;           /* 0 until the header is written */
	long *map;              /* record position of each column, or -1 */
	int mapok;
	unsigned long mapschema;
	struct izin_buf out;    /* one output line */
};

izin_writer *
izin_writer_new(FILE *fp, int format)
{
	izin_writer *w;

	if (fp == NULL || format < IZIN_FMT_AUTO || format > IZIN_FMT_CSV)
		return NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->fp = fp;
	w->format = format == IZIN_FMT_AUTO ? IZIN_FMT_TSV : format;
	return w;
}

void
izin_writer_free(izin_writer *w)
{
	if (w == NULL)
		return;
	free(w->cstore);
	free(w->cols);
	free(w->map);
	izin_buf_free(&w->out);
	free(w);
}

/* Append a separator (when sep is not 0) and s (len bytes) escaped for
 * TSV to the line at *pos, leaving room for the newline. */
static int
put_cell(izin_writer *w, size_t *pos, int sep, const char *s, size_t len)
{
	char c = (char)sep;
	int rc;

	w->out.len = *pos;
	if ((sep != 0 && (rc = izin_buf_add(&w->out, &c, 1)) < 0) ||
	    (rc = izin_tsv_escape(&w->out, s, len)) < 0)
		return rc;
	*pos = w->out.len;
	return 0;
}

/*
 * The characters that make a spreadsheet take a cell for a formula when
 * they come first (OWASP's list for CSV injection): such a cell is led by
 * a single quote, which the spreadsheet reads as "this is text".
 */
static const char formula_lead[] = "=+-@\t\r";

/* Append a separator (when sep is not 0) and s (len bytes) as an RFC 4180
 * cell to w->out.p at *pos, leaving room for a CRLF: in double quotes when
 * it holds a comma, a quote, CR or LF, each quote doubled. */
static int
put_csv_cell(izin_writer *w, size_t *pos, int sep, const char *s, size_t len)
{
	const char *in, *end = s + len;
	int quote = 0, lead;
	char *d;

	w->out.len = *pos;
	if (len > SIZE_MAX / 4 || izin_buf_reserve(&w->out, 2 * len + 6) < 0)
		return IZIN_ENOMEM;
	for (in = s; in < end && !quote; in++)
		quote = *in == ',' || *in == '"' || *in == '\r' || *in == '\n';
	lead = len > 0 && s[0] != '\0' && strchr(formula_lead, s[0]) != NULL;
	d = w->out.p + *pos;
	if (sep != 0)
		*d++ = (char)sep;
	if (quote)
		*d++ = '"';
	if (lead)
		*d++ = '\'';
	for (in = s; in < end; in++) {
		if (*in == '"')
			*d++ = '"';
		*d++ = *in;
	}
	if (quote)
		*d++ = '"';
	*pos = (size_t)(d - w->out.p);
	return 0;
}

/* Cell number col of a TSV or CSV line. */
static int
put_field(izin_writer *w, size_t *pos, size_t col, const char *s, size_t len)
{
	if (w->format == IZIN_FMT_CSV)
		return put_csv_cell(w, pos, col > 0 ? ',' : 0, s, len);
	return put_cell(w, pos, col > 0 ? '\t' : 0, s, len);
}

/* End a TSV line with LF, a CSV line with CRLF; returns the length. */
static size_t
end_line(izin_writer *w, size_t pos)
{
	if (w->format == IZIN_FMT_CSV)
		w->out.p[pos++] = '\r';
	w->out.p[pos++] = '\n';
	return pos;
}

static int
write_header(izin_writer *w, const char *const *keys, size_t n)
{
	size_t i, j, pos, total = 0;
	char *p;
	int rc;

	if (n == 0)
		return IZIN_ECOLUMNS;
	for (i = 0; i < n; i++) {
		if (keys[i] == NULL || keys[i][0] == '\0')
			return IZIN_ECOLUMNS;
		for (j = 0; j < i; j++)
			if (strcmp(keys[i], keys[j]) == 0)
				return IZIN_ECOLUMNS;
		total += strlen(keys[i]) + 1;
	}
	w->cstore = malloc(total);
	w->cols = calloc(n, sizeof(*w->cols));
	w->map = calloc(n, sizeof(*w->map));
	if (w->cstore == NULL || w->cols == NULL || w->map == NULL) {
		rc = IZIN_ENOMEM;
		goto bad;
	}
	pos = 0;
	for (i = 0, p = w->cstore; i < n; i++) {
		j = strlen(keys[i]);
		memcpy(p, keys[i], j + 1);
		w->cols[i] = p;
		p += j + 1;
		if ((rc = put_field(w, &pos, i, keys[i], j)) < 0)
			goto bad;
	}
	pos = end_line(w, pos);
	w->ncols = n;
	if (fwrite(w->out.p, 1, pos, w->fp) != pos)
		return IZIN_EIO;
	return 0;
bad:
	free(w->cstore);
	free(w->cols);
	free(w->map);
	w->cstore = NULL;
	w->cols = NULL;
	w->map = NULL;
	return rc;
}

int
izin_writer_columns(izin_writer *w, const char *const *keys, size_t n)
{
	if (w == NULL || (keys == NULL && n > 0) || w->ncols > 0)
		return IZIN_EINVAL;
	if (w->format == IZIN_FMT_JSON)
		return 0;
	return write_header(w, keys, n);
}

/* A TSV or CSV line: the columns of the header, in its order. */
static int
put_line(izin_writer *w, const izin_record *r)
{
	size_t j, pos, matched;
	long i;
	int rc;

	if (w->ncols == 0) {
		const char **keys;

		if (r->n == 0)
			return IZIN_ECOLUMNS;
		if ((keys = malloc(r->n * sizeof(*keys))) == NULL)
			return IZIN_ENOMEM;
		for (j = 0; j < r->n; j++)
			keys[j] = r->s[j].key;
		rc = write_header(w, keys, r->n);
		free(keys);
		if (rc < 0)
			return rc;
	}
	if (!w->mapok || w->mapschema != r->schema) {
		w->mapok = 0;
		for (j = 0, matched = 0; j < w->ncols; j++)
			if ((w->map[j] = izin_record_find(r, w->cols[j])) >= 0)
				matched++;
		if (matched != r->n)
			return IZIN_ECOLUMNS;
		w->mapok = 1;
		w->mapschema = r->schema;
	}
	pos = 0;
	for (j = 0; j < w->ncols; j++) {
		if ((i = w->map[j]) < 0)
			rc = put_field(w, &pos, j, "", 0);
		else
			rc = put_field(w, &pos, j, r->s[i].val, r->s[i].len);
		if (rc < 0)
			return rc;
	}
	pos = end_line(w, pos);
	if (fwrite(w->out.p, 1, pos, w->fp) != pos)
		return IZIN_EIO;
	return 0;
}

/* Strict UTF-8 as jansson wants it: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static int
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n)
		if ((n = izin_utf8_char(s + i, len - i, &cp)) == 0)
			return 0;
	return 1;
}

static int
put_json(izin_writer *w, const izin_record *r)
{
	json_t *obj, *v;
	const struct slot *sl;
	size_t i, n;
	int rc = IZIN_ENOMEM;

	for (i = 0; i < r->n; i++) {
		sl = &r->s[i];
		if (!utf8_valid(sl->key, strlen(sl->key)) ||
		    !utf8_valid(sl->val, sl->len))
			return IZIN_EUTF8;
	}
	if ((obj = json_object()) == NULL)
		return IZIN_ENOMEM;
	for (i = 0; i < r->n; i++) {
		sl = &r->s[i];
		if ((v = json_stringn_nocheck(sl->val, sl->len)) == NULL ||
		    json_object_set_new_nocheck(obj, sl->key, v) < 0)
			goto out;
	}
	n = json_dumpb(obj, w->out.p, w->out.cap, JSON_COMPACT);
	if (n == 0)
		goto out;
	if (n + 1 > w->out.cap) {
		w->out.len = 0;
		if (izin_buf_reserve(&w->out, n + 1) < 0)
			goto out;
		if (json_dumpb(obj, w->out.p, w->out.cap, JSON_COMPACT) != n)
			goto out;
	}
	w->out.p[n++] = '\n';
	rc = fwrite(w->out.p, 1, n, w->fp) == n ? 0 : IZIN_EIO;
out:
	json_decref(obj);
	return rc;
}

int
izin_writer_put(izin_writer *w, const izin_record *r)
{
	if (w == NULL || r == NULL)
		return IZIN_EINVAL;
	if (w->format == IZIN_FMT_JSON)
		return put_json(w, r);
	return put_line(w, r);
}
