/*
 * stay-check - validity, expiry and overstay for a stream of records: each
 * record goes out again with state, days, action and fee added, for a
 * nightly cron job or an officer's pipe from qr-scan.
 *
 * Records go through the library's reader and writer, with one exception
 * for speed.  A TSV line that needs no unescaping (no backslash, no CR, no
 * NUL, one value per column) reads as its tab-separated bytes and writes
 * back as the same bytes, so such lines are split and copied here with
 * the four new cells appended, instead of being split, unescaped,
 * re-escaped and joined again and their record grown by four lookups by
 * name: that is most of the cost of a nightly run over a register, and
 * the output is the same byte for byte.  The header and the first record
 * of each file (which fix the columns), every line that is not plain,
 * JSON input, and JSON or CSV output go through izin_reader and
 * izin_writer.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "izin.h"
#include "tool.h"

enum { OPT_ON = 256, OPT_DEPORT, OPT_FEE, OPT_JSON, OPT_CSV };

#define IOBUF (128 * 1024)

static const char synopsis[] =
	"usage: stay-check [--on date] [-w days] [--deport-after days]\n"
	"                  [--fee-per-day idr] [-o states] [-s]\n"
	"                  [--json | --csv] [file ...]\n";

static const char help_text[] = "\n"
	"Read records (qr-issue's register, qr-scan's or report-log's output)\n"
	"and write them back with state, days, action and fee added.\n\n"
	"      --on date              evaluate on this date (default today);\n"
	"                             a record's sighting time wins\n"
	"  -w, --warn days            EXPIRING this many days ahead (default 30)\n"
	"      --deport-after days    days over from which to deport (default 60)\n"
	"      --fee-per-day idr      overstay fee a day (default 1000000)\n"
	"  -o, --only states          write only these states: a comma list of\n"
	"                             VALID, EXPIRING, NOT_YET_VALID, EXPIRED,\n"
	"                             UNVERIFIED\n"
	"  -s, --summary              count the records of each state on stderr\n"
	"      --json                 write JSON Lines whatever the input\n"
	"      --csv                  write CSV for a spreadsheet\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n\n"
	"Exit status: 0 every record written is VALID, 1 some record written\n"
	"is not, 2 a bad record or trouble.\n";

/* The columns stay-check adds, in order. */
enum { C_STATE, C_DAYS, C_ACTION, C_FEE, NOUT };
static const char *const out_names[NOUT] = { "state", "days", "action", "fee" };

/* The columns it reads. */
enum { I_STATUS, I_TIME, I_FROM, I_UNTIL, NIN };
static const char *const in_names[NIN] = {
	"status", "time", "valid_from", "valid_until"
};

struct opts {
	izin_date on;
	izin_stay_rules rules;
	unsigned only;          /* bit per state written */
	int summary, json, csv;
};

/* The values evaluate() looks at; NULL for a column the record lacks. */
struct cells {
	const char *v[NIN];
	size_t len[NIN];
};

/* Positions of the columns read in a record of one schema. */
struct cols {
	unsigned long schema;
	int known;
	long pos[NIN];
	int told;               /* a missing column was reported */
};

struct run {
	const struct opts *o;
	izin_writer *w;
	int format;             /* of the output, once w exists */
	char **keys;            /* TSV output columns */
	size_t nkeys;
	unsigned long long count[IZIN_STAY_NSTATES], nfee, ndeport, bad;
	unsigned long long fees;
	int flagged, trouble;
};

/* One input file. */
struct src {
	const char *name;
	FILE *fp;
	struct cols cols;
	/* Read here in blocks: buf[start, end) not yet taken. */
	char *buf;
	size_t cap, start, end;
	int eof;
	/* TSV read here: the header line as read, and the fast path. */
	char *hdr;
	size_t hlen;
	char *text;             /* header + line, for the reader */
	size_t textcap;
	int fast;               /* lines may take the fast path */
	int fast_checked;
	size_t ncols;
	signed char *role;      /* of each column: I_*, or -1 */
	long cut;               /* column where state begins (replaced), or
	                         * -1 to append after the last column */
};

static unsigned
states_arg(const char *s)
{
	unsigned mask = 0;
	const char *end;
	int st;

	for (;;) {
		end = strchrnul(s, ',');
		st = izin_stay_state_parse(s, (size_t)(end - s));
		if (st < 0)
			izin_errx(2, "-o: unknown state '%.*s' (VALID, EXPIRING, "
			          "NOT_YET_VALID, EXPIRED, UNVERIFIED)",
			          (int)(end - s), s);
		mask |= 1u << st;
		if (*end == '\0')
			return mask;
		s = end + 1;
	}
}

/* Decimal text of v (not negative) at buf; returns the length. */
static size_t
fmt_num(char *buf, long long v)
{
	char tmp[24];
	size_t n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		buf[len++] = tmp[--n];
	return len;
}

/* The four cells as TSV after a tab, and a newline: at most 64 bytes. */
static size_t
fmt_tail(char *buf, const izin_stay *st)
{
	const char *name = izin_stay_state_name(st->state);
	size_t n = 0, len = strlen(name);

	buf[n++] = '\t';
	memcpy(buf + n, name, len);
	n += len;
	buf[n++] = '\t';
	if (st->state != IZIN_STAY_UNVERIFIED)
		n += fmt_num(buf + n, st->days);
	buf[n++] = '\t';
	if (st->action == IZIN_ACTION_FEE) {
		memcpy(buf + n, "fee\t", 4);
		n += 4 + fmt_num(buf + n + 4, st->fee);
	} else if (st->action == IZIN_ACTION_DEPORT) {
		memcpy(buf + n, "deport\t", 7);
		n += 7;
	} else {
		buf[n++] = '\t';
	}
	buf[n++] = '\n';
	return n;
}

static const char no_column[] = "no such column";

/*
 * Evaluate one record into *st.  On a bad record returns -1 with the
 * column in *col and what is wrong with it in *why.
 */
static int
evaluate(const struct opts *o, const struct cells *c, izin_stay *st,
         const char **col, const char **why)
{
	izin_date on = o->on, d[NIN];
	int err;

	/* qr-scan's verdict on the seal comes first: dates it cannot vouch
	 * for get none of ours. */
	if (c->v[I_STATUS] != NULL && (c->len[I_STATUS] != 5 ||
	    memcmp(c->v[I_STATUS], "VALID", 5) != 0)) {
		st->state = IZIN_STAY_UNVERIFIED;
		st->days = 0;
		st->action = IZIN_ACTION_NONE;
		st->fee = 0;
		return 0;
	}
	/* A sighting proves where the holder was on its own date. */
	if (c->v[I_TIME] != NULL && c->len[I_TIME] > 0 &&
	    izin_time_date(c->v[I_TIME], c->len[I_TIME], &on) != IZIN_OK) {
		*col = in_names[I_TIME];
		*why = "invalid time (want YYYY-MM-DDThh:mm:ss+hh:mm)";
		return -1;
	}
	for (int i = I_FROM; i <= I_UNTIL; i++) {
		*col = in_names[i];
		if (c->v[i] == NULL) {
			*why = no_column;
			return -1;
		}
		if (izin_date_parse(c->v[i], c->len[i], &d[i]) != IZIN_OK) {
			*why = izin_strerror(IZIN_EDATE);
			return -1;
		}
	}
	if ((err = izin_stay_eval(&o->rules, on, d[I_FROM], d[I_UNTIL],
	    st)) != IZIN_OK) {
		*why = izin_strerror(err);
		return -1;
	}
	return 0;
}

static void
bad_record(struct run *run, struct src *s, unsigned long line,
           const char *col, const char *why)
{
	run->bad++;
	/* A column missing from one record is missing from every record of
	 * its kind: say so once. */
	if (why == no_column && s->cols.told++)
		return;
	if (col != NULL)
		izin_warnx("%s:%lu: %s: %s", s->name, line, col, why);
	else
		izin_warnx("%s:%lu: %s", s->name, line, why);
}

/* Count a record; 1 when it is to be written. */
static int
keep(struct run *run, const izin_stay *st)
{
	run->count[st->state]++;
	if (st->action == IZIN_ACTION_FEE) {
		run->nfee++;
		run->fees += (unsigned long long)st->fee;
	} else if (st->action == IZIN_ACTION_DEPORT) {
		run->ndeport++;
	}
	if (!(run->o->only & 1u << st->state))
		return 0;
	if (st->state != IZIN_STAY_VALID)
		run->flagged = 1;
	return 1;
}

static void
write_error(void)
{
	izin_errx(2, "stdout: %s", strerror(errno));
}

/* Fix the output's format and, for TSV, its header: the first record's
 * columns, so that output with every record filtered out has one too. */
static void
start_output(struct run *run, int format, const izin_record *r)
{
	size_t n = izin_record_count(r);
	int err;

	run->format = run->o->json ? IZIN_FMT_JSON :
	              run->o->csv ? IZIN_FMT_CSV : format;
	if ((run->w = izin_writer_new(stdout, run->format)) == NULL)
		izin_errx(2, "out of memory");
	if (run->format == IZIN_FMT_JSON)
		return;
	if ((run->keys = calloc(n, sizeof *run->keys)) == NULL)
		izin_errx(2, "out of memory");
	for (size_t i = 0; i < n; i++)
		if ((run->keys[i] = strdup(izin_record_key(r, i))) == NULL)
			izin_errx(2, "out of memory");
	run->nkeys = n;
	err = izin_writer_columns(run->w, (const char *const *)run->keys, n);
	if (err == IZIN_EIO)
		write_error();
	if (err != IZIN_OK)
		izin_errx(2, "%s", izin_strerror(err));
}

/* Set the four output columns of r. */
static void
put_stay(izin_record *r, const izin_stay *st)
{
	char tail[64];
	const char *p = tail + 1, *end;
	int err;

	fmt_tail(tail, st);
	for (int i = 0; i < NOUT; i++) {
		end = strpbrk(p, "\t\n");
		if ((err = izin_record_set(r, out_names[i], p,
		    (size_t)(end - p))) != IZIN_OK)
			izin_errx(2, "%s", izin_strerror(err));
		p = end + 1;
	}
}

/* 1 when a column name reads the same escaped or not. */
static int
plain_name(const char *k)
{
	return strpbrk(k, "\t\n\r\\") == NULL;
}

/*
 * Once the library has read a record of s with the header's columns, see
 * whether the lines after it may take the fast path: TSV out, the same
 * columns as the output's header, plain names, and state, days, action
 * and fee either absent or the last four columns.
 */
static void
setup_fast(struct run *run, struct src *s, const izin_record *r)
{
	size_t n = izin_record_count(r), k;
	long st;

	s->fast = 0;
	if (run->w == NULL || run->format != IZIN_FMT_TSV || n != run->nkeys)
		return;
	for (k = 0; k < n; k++)
		if (strcmp(izin_record_key(r, k), run->keys[k]) != 0 ||
		    !plain_name(run->keys[k]))
			return;
	/* The header as read, split at its tabs, is the input columns. */
	s->ncols = 1;
	for (k = 0; k < s->hlen; k++)
		s->ncols += s->hdr[k] == '\t';
	st = izin_record_find(r, out_names[C_STATE]);
	if (st < 0 || n < NOUT || (size_t)st != n - NOUT)
		return;
	for (k = 1; k < NOUT; k++)
		if (strcmp(izin_record_key(r, (size_t)st + k), out_names[k]))
			return;
	if ((size_t)st < s->ncols) {
		/* The input has the four columns: replace them. */
		if (s->ncols != n || st == 0)
			return;
		s->cut = st;
	} else {
		if (s->ncols != (size_t)st)
			return;
		s->cut = -1;
	}
	if ((s->role = malloc(s->ncols)) == NULL)
		izin_errx(2, "out of memory");
	memset(s->role, -1, s->ncols);
	for (int i = 0; i < NIN; i++) {
		long k = izin_record_find(r, in_names[i]);
		if (k >= 0 && (size_t)k < s->ncols)
			s->role[k] = (signed char)i;
	}
	s->fast = 1;
}

/* Evaluate and write one record read by the library. */
static void
lib_record(struct run *run, struct src *s, int format, izin_record *r,
           unsigned long line)
{
	struct cols *c = &s->cols;
	struct cells cells;
	izin_stay st;
	const char *col, *why;
	int err;

	if (!c->known || c->schema != izin_record_schema(r)) {
		long pos[NIN];
		for (int i = 0; i < NIN; i++)
			pos[i] = izin_record_find(r, in_names[i]);
		if (!c->known || memcmp(pos, c->pos, sizeof pos) != 0)
			c->told = 0;
		memcpy(c->pos, pos, sizeof pos);
		c->schema = izin_record_schema(r);
		c->known = 1;
	}
	for (int i = 0; i < NIN; i++)
		cells.v[i] = c->pos[i] < 0 ? NULL :
		    izin_record_value(r, (size_t)c->pos[i], &cells.len[i]);
	if (evaluate(run->o, &cells, &st, &col, &why) != 0) {
		bad_record(run, s, line, col, why);
		return;
	}
	put_stay(r, &st);
	if (run->w == NULL)
		start_output(run, format, r);
	if (s->hdr != NULL && !s->fast_checked) {
		setup_fast(run, s, r);
		s->fast_checked = 1;
	}
	if (!keep(run, &st))
		return;
	if ((err = izin_writer_put(run->w, r)) == IZIN_EIO)
		write_error();
	if (err != IZIN_OK)
		bad_record(run, s, line, NULL, err == IZIN_ECOLUMNS ?
		           "columns differ from the first file's" :
		           izin_strerror(err));
}

/* Read records from fp with the library; line numbers are the reader's
 * plus offset.  Returns the number of records read. */
static unsigned long
lib_stream(struct run *run, struct src *s, FILE *fp, int format,
           unsigned long offset)
{
	izin_reader *rd;
	izin_record *r;
	unsigned long n = 0;
	int rc;

	if ((rd = izin_reader_new(fp, format)) == NULL ||
	    (r = izin_record_new()) == NULL)
		izin_errx(2, "out of memory");
	while ((rc = izin_reader_next(rd, r)) != 0) {
		if (rc == IZIN_EIO) {
			izin_warn("%s", s->name);
			run->trouble = 1;
			break;
		}
		if (rc < 0) {
			bad_record(run, s, izin_reader_line(rd) + offset, NULL,
			           izin_strerror(rc));
			continue;
		}
		lib_record(run, s, izin_reader_format(rd), r,
		           izin_reader_line(rd) + offset);
		n++;
	}
	izin_record_free(r);
	izin_reader_free(rd);
	return n;
}

/* Hand the library one line of s (and the header before it, for TSV),
 * read as line number line.  Returns the number of records read. */
static unsigned long
lib_line(struct run *run, struct src *s, int format, const char *line,
         size_t len, unsigned long line_no)
{
	size_t n = 0, need = s->hlen + 1 + len;
	unsigned long got;
	FILE *fp;

	if (need > s->textcap) {
		char *t = realloc(s->text, need);
		if (t == NULL)
			izin_errx(2, "out of memory");
		s->text = t;
		s->textcap = need;
	}
	/* scan-build reports s->text as possibly NULL here: it cannot tie
	 * textcap == 0 to text == NULL; need >= 1 > textcap made it above. */
	if (format == IZIN_FMT_TSV) {
		if (s->hlen > 0)
			memcpy(s->text, s->hdr, s->hlen);
		s->text[s->hlen] = '\n';
		n = s->hlen + 1;
	}
	memcpy(s->text + n, line, len);
	if ((fp = fmemopen(s->text, n + len, "r")) == NULL)
		izin_errx(2, "%s", strerror(errno));
	got = lib_stream(run, s, fp, format,
	                 line_no - (format == IZIN_FMT_TSV ? 2 : 1));
	fclose(fp);
	return got;
}

/*
 * Where the tabs are in 16 bytes at p (a bit per byte, the first byte
 * the lowest), and in *odd whether any byte is one a line of the fast
 * path may not hold: a backslash or a CR (to be unescaped or escaped),
 * or a NUL (an error).
 */
#ifdef __SSE2__
static inline unsigned
scan16(const char *p, unsigned *odd)
{
	__m128i x = _mm_loadu_si128((const __m128i *)p);

	*odd = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
	    _mm_cmpeq_epi8(x, _mm_setzero_si128())));
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8('\t')));
}
#else
static inline unsigned
scan16(const char *p, unsigned *odd)
{
	unsigned tabs = 0;

	*odd = 0;
	for (int k = 0; k < 16; k++) {
		if (p[k] == '\t')
			tabs |= 1u << k;
		else if (p[k] == '\\' || p[k] == '\r' || p[k] == '\0')
			*odd = 1;
	}
	return tabs;
}
#endif

/*
 * The fast path for one TSV line: split it at its tabs, evaluate it and
 * write it with its four cells.  Returns 0, having done nothing, for a
 * line that is not a plain line of the header's width: the library is to
 * read that one.
 */
static int
fast_line(struct run *run, struct src *s, const char *line, size_t len,
          unsigned long line_no)
{
	const char *p = line, *end = line + len, *q;
	size_t col = 0, cutat = len, n;
	struct cells c;
	izin_stay st;
	const char *cname, *why;
	char tail[64];
	int cur;

	for (int i = 0; i < NIN; i++)
		c.v[i] = NULL;
	if ((cur = s->role[0]) >= 0)
		c.v[cur] = line;
	for (; p < end; p += 16) {
		char last[16];
		const char *w = p;
		unsigned tabs, odd;
		if (end - p < 16) {
			/* The line's tail, padded with a byte of no interest. */
			memset(last, ' ', sizeof last);
			memcpy(last, p, (size_t)(end - p));
			w = last;
		}
		tabs = scan16(w, &odd);
		if (odd)
			return 0;
		for (; tabs != 0; tabs &= tabs - 1) {
			q = p + __builtin_ctz(tabs);
			if (cur >= 0)
				c.len[cur] = (size_t)(q - c.v[cur]);
			if (++col == s->ncols)
				return 0;
			if ((long)col == s->cut)
				cutat = (size_t)(q - line);
			if ((cur = s->role[col]) >= 0)
				c.v[cur] = q + 1;
		}
	}
	if (col + 1 != s->ncols)
		return 0;
	if (cur >= 0)
		c.len[cur] = (size_t)(end - c.v[cur]);
	if (evaluate(run->o, &c, &st, &cname, &why) != 0) {
		bad_record(run, s, line_no, cname, why);
		return 1;
	}
	if (!keep(run, &st))
		return 1;
	n = fmt_tail(tail, &st);
	if (fwrite_unlocked(line, 1, cutat, stdout) != cutat ||
	    fwrite_unlocked(tail, 1, n, stdout) != n)
		write_error();
	return 1;
}

/* Empty, or the header again: lines the reader skips. */
static int
skipped(const struct src *s, size_t len, const char *line)
{
	return len == 0 || (len == s->hlen && memcmp(line, s->hdr, len) == 0);
}

/* Let the library judge the header: a bad one means a file without
 * records, as when it reads the whole file. */
static int
header_ok(struct run *run, struct src *s, unsigned long line_no)
{
	izin_reader *rd;
	izin_record *r;
	FILE *fp;
	int rc;

	if ((fp = fmemopen(s->hdr, s->hlen, "r")) == NULL ||
	    (rd = izin_reader_new(fp, IZIN_FMT_TSV)) == NULL ||
	    (r = izin_record_new()) == NULL)
		izin_errx(2, "out of memory");
	rc = izin_reader_next(rd, r);
	izin_record_free(r);
	izin_reader_free(rd);
	fclose(fp);
	if (rc == 0)
		return 1;
	bad_record(run, s, line_no, NULL, izin_strerror(rc));
	return 0;
}

/*
 * The next line of s, without its newline: 1, or 0 at the end of the
 * input, or -1 for a read error.  The line lies in s->buf, valid until
 * the next call.  read(2) returns what a pipe holds, so a line is taken
 * as soon as it is there; and since stdout is flushed before a read that
 * may wait, an officer's pipe sees each result at once.
 */
static int
next_line(struct src *s, char **line, size_t *len)
{
	char *nl;
	size_t scanned = 0;
	ssize_t n;

	for (;;) {
		nl = memchr(s->buf + s->start + scanned, '\n',
		            s->end - s->start - scanned);
		if (nl != NULL || (s->eof && s->end > s->start)) {
			*line = s->buf + s->start;
			*len = nl ? (size_t)(nl - *line) : s->end - s->start;
			s->start = nl ? (size_t)(nl - s->buf) + 1 : s->end;
			return 1;
		}
		if (s->eof)
			return 0;
		scanned = s->end - s->start;
		if (s->start > 0) {
			memmove(s->buf, s->buf + s->start, scanned);
			s->end = scanned;
			s->start = 0;
		}
		if (s->end == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : IOBUF;
			char *b = realloc(s->buf, cap);
			if (b == NULL)
				izin_errx(2, "out of memory");
			s->buf = b;
			s->cap = cap;
		}
		if (fflush(stdout) != 0)
			write_error();
		do
			n = read(fileno(s->fp), s->buf + s->end, s->cap - s->end);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -1;
		if (n == 0)
			s->eof = 1;
		s->end += (size_t)n;
	}
}

/*
 * The first line that is not empty, read a byte at a time so that not a
 * byte more is taken from the file: if it starts a JSON record, the
 * library reads the rest through s->fp.  Returns its length, or -1 at
 * the end of the input, or -2 on a read error; *line_no counts lines.
 */
static ssize_t
first_line(struct src *s, unsigned long *line_no)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		do
			n = read(fileno(s->fp), &c, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -2;
		if (n == 1 && c != '\n') {
			if (len + 1 >= s->cap) {
				size_t cap = s->cap ? s->cap * 2 : IOBUF;
				char *b = realloc(s->buf, cap);
				if (b == NULL)
					izin_errx(2, "out of memory");
				s->buf = b;
				s->cap = cap;
			}
			s->buf[len++] = c;
			continue;
		}
		if (n == 0 && len == 0)
			return -1;
		++*line_no;
		if (len > 0 && s->buf[len - 1] == '\r')
			len--;
		if (len > 0 || n == 0)
			return len > 0 ? (ssize_t)len : -1;
	}
}

static void
check_file(struct run *run, struct src *s)
{
	char *line;
	size_t len;
	ssize_t first;
	unsigned long line_no = 0;
	int rc;

	/* The fast path writes TSV: other output goes through the writer. */
	if (run->o->json || run->o->csv ||
	    (run->w != NULL && run->format == IZIN_FMT_JSON)) {
		lib_stream(run, s, s->fp, IZIN_FMT_AUTO, 0);
		return;
	}
	if ((first = first_line(s, &line_no)) < 0) {
		if (first == -2) {
			izin_warn("%s", s->name);
			run->trouble = 1;
		}
		return;
	}
	if (s->buf[0] == '{') {
		/* JSON Lines: the library reads it all. */
		lib_line(run, s, IZIN_FMT_JSON, s->buf, (size_t)first, line_no);
		lib_stream(run, s, s->fp, IZIN_FMT_JSON, line_no);
		return;
	}
	/* scan-build reports a "potential memory leak" here, on the path
	 * where malloc fails and izin_errx() exits: memory held at exit is
	 * not a leak, and check_path() frees s->buf and s->hdr otherwise. */
	free(s->hdr);
	if ((s->hdr = malloc((size_t)first + 1)) == NULL)
		izin_errx(2, "out of memory");
	memcpy(s->hdr, s->buf, (size_t)first);
	s->hlen = (size_t)first;
	if (!header_ok(run, s, line_no))
		return;
	/* Lines as the reader takes them: up to a newline, less one CR. */
	while ((rc = next_line(s, &line, &len)) > 0) {
		line_no++;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (skipped(s, len, line))
			continue;
		if (s->fast && len <= IZIN_LINE_MAX &&
		    fast_line(run, s, line, len, line_no))
			continue;
		lib_line(run, s, IZIN_FMT_TSV, line, len, line_no);
	}
	if (rc < 0) {
		izin_warn("%s", s->name);
		run->trouble = 1;
	}
}

/* One file operand; - is standard input. */
static void
check_path(struct run *run, const char *path)
{
	struct src s = { 0 };
	int std = strcmp(path, "-") == 0;

	s.name = std ? "stdin" : path;
	if ((s.fp = std ? stdin : fopen(path, "r")) == NULL) {
		izin_warn("%s", path);
		run->trouble = 1;
		return;
	}
	if (!std)
		setvbuf(s.fp, NULL, _IOFBF, IOBUF);
	check_file(run, &s);
	if (!std)
		fclose(s.fp);
	free(s.hdr);
	free(s.text);
	free(s.role);
	free(s.buf);
}

static void
summary(const struct run *run)
{
	for (int s = 0; s < IZIN_STAY_NSTATES; s++) {
		if (s == IZIN_STAY_EXPIRED)
			izin_warnx("%-13s %llu (fee %llu, deport %llu; "
			           "fees IDR %llu)", izin_stay_state_name(s),
			           run->count[s], run->nfee, run->ndeport,
			           run->fees);
		else
			izin_warnx("%-13s %llu", izin_stay_state_name(s),
			           run->count[s]);
	}
	if (run->bad > 0)
		izin_warnx("%-13s %llu", "bad records", run->bad);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "on", required_argument, NULL, OPT_ON },
		{ "warn", required_argument, NULL, 'w' },
		{ "deport-after", required_argument, NULL, OPT_DEPORT },
		{ "fee-per-day", required_argument, NULL, OPT_FEE },
		{ "only", required_argument, NULL, 'o' },
		{ "summary", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { IZIN_NODATE, IZIN_STAY_RULES_INIT, 0, 0, 0, 0 };
	struct run run = { 0 };
	int c;

	izin_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "w:o:shV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ON:
			if (izin_date_parse(optarg, strlen(optarg), &o.on))
				izin_errx(2, "--on: invalid date '%s' (want "
				          "YYYY-MM-DD, 1900-2199)", optarg);
			break;
		case 'w':
			o.rules.warn_days = (int)izin_num_arg("-w", optarg, 0, 100000);
			break;
		case OPT_DEPORT:
			o.rules.deport_after = (int)izin_num_arg("--deport-after",
			    optarg, 1, 100000);
			break;
		case OPT_FEE:
			o.rules.fee_per_day = izin_num_arg("--fee-per-day", optarg, 0,
			    1000000000000L);
			break;
		case 'o': o.only |= states_arg(optarg); break;
		case 's': o.summary = 1; break;
		case OPT_JSON: o.json = 1; break;
		case OPT_CSV: o.csv = 1; break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (o.json && o.csv)
		izin_errx(2, "--json and --csv contradict");
	if (o.only == 0)
		o.only = (1u << IZIN_STAY_NSTATES) - 1;
	if (o.on == IZIN_NODATE)
		o.on = izin_today();
	run.o = &o;
	/* Large blocks: a register is read and written whole, and stdio's
	 * 4 KiB would cost a system call every 20 records.  A terminal keeps
	 * its line buffering. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, IOBUF);

	setvbuf(stdin, NULL, _IOFBF, IOBUF);
	if (optind == argc)
		check_path(&run, "-");
	for (; optind < argc; optind++)
		check_path(&run, argv[optind]);
	izin_writer_free(run.w);
	for (size_t k = 0; k < run.nkeys; k++)
		free(run.keys[k]);
	free(run.keys);
	if (o.summary)
		summary(&run);
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return run.trouble || run.bad ? 2 : run.flagged ? 1 : 0;
}
