/*
 * csv.c - a streaming reader of CSV as spreadsheets export it (RFC 4180).
 *
 * The input goes through one fixed buffer in large fread()s and a state
 * machine over its bytes, which copies runs of plain text in one go.  The
 * cells of a row sit one after another in a single buffer, each followed
 * by a NUL, and that buffer and the arrays handed to the caller are kept
 * from row to row, so a steady stream of rows allocates nothing.
 *
 * fread() waits for a full buffer or the end of input.  That suits a file
 * exported from a spreadsheet, which is there whole; the record reader in
 * record.c, which is fed through pipes a line at a time, uses getline().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"

/* Bytes per fread(); a setting so that a build may try other sizes. */
#ifndef IZIN_CSV_BUFSIZE
#define IZIN_CSV_BUFSIZE 65536
#endif
#if IZIN_CSV_BUFSIZE < 4
#error "IZIN_CSV_BUFSIZE must hold at least a byte order mark and a byte"
#endif

enum {
	S_CELL,         /* at the start of a cell */
	S_PLAIN,        /* in an unquoted cell */
	S_PLAIN_CR,     /* in an unquoted cell, after a CR */
	S_QUOTED,       /* inside quotes */
	S_QUOTED_CR,    /* inside quotes, after a CR */
	S_QUOTE,        /* after a quote inside quotes: closing, or half of "" */
	S_QUOTE_CR,     /* after a closing quote and a CR */
	S_SKIP          /* after an error: dropping bytes up to the next LF */
};

/* Bytes that end a run of text: bit 1 in an unquoted cell, 2 in quotes. */
static const unsigned char stop[256] = {
	[','] = 1, ['"'] = 3, ['\r'] = 3, ['\n'] = 3
};

struct izin_csv {
	FILE *fp;
	unsigned char *in;      /* IZIN_CSV_BUFSIZE bytes */
	size_t pos, len;        /* next byte, end of the bytes read */
	uint64_t base;          /* input offset of in[0] */
	int started;            /* byte order mark looked for */
	int eof;                /* fread() came up short: call it no more */
	int ioerr;              /* ... because of an error not yet reported */
	int err;                /* this row's error; its cells are dropped */
	unsigned long line;     /* physical line of in[pos] */
	unsigned long rowline;  /* where the last row returned began */
	char *buf;              /* the row's cells, each NUL-ended */
	size_t blen, bcap;
	size_t cstart;          /* where the current cell begins in buf */
	size_t *off, *lens;     /* each cell's start in buf, and length */
	const char **cells;
	size_t ncell, ccap;
};

izin_csv *
izin_csv_new(FILE *fp)
{
	izin_csv *c;

	if (fp == NULL)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fp = fp;
	c->line = 1;
	c->bcap = 256;
	c->ccap = 16;
	c->in = malloc(IZIN_CSV_BUFSIZE);
	c->buf = malloc(c->bcap);
	c->off = calloc(c->ccap, sizeof(*c->off));
	c->lens = calloc(c->ccap, sizeof(*c->lens));
	c->cells = calloc(c->ccap, sizeof(*c->cells));
	if (c->in == NULL || c->buf == NULL || c->off == NULL ||
	    c->lens == NULL || c->cells == NULL) {
		izin_csv_free(c);
		return NULL;
	}
	return c;
}

void
izin_csv_free(izin_csv *c)
{
	if (c == NULL)
		return;
	free(c->in);
	free(c->buf);
	free(c->off);
	free(c->lens);
	free(c->cells);
	free(c);
}

unsigned long
izin_csv_line(const izin_csv *c)
{
	return c->rowline;
}

/*
 * Make in[pos] a byte of input: 1, or 0 at the end of input, or IZIN_EIO
 * once after a read error (then 0).
 */
static int
more(izin_csv *c)
{
	size_t n;

	while (c->pos == c->len) {
		c->base += c->len;
		c->pos = c->len = 0;
		if (c->eof) {
			if (!c->ioerr)
				return 0;
			c->ioerr = 0;
			return IZIN_EIO;
		}
		n = fread(c->in, 1, IZIN_CSV_BUFSIZE, c->fp);
		if (n < IZIN_CSV_BUFSIZE) {
			c->eof = 1;
			c->ioerr = ferror(c->fp) != 0;
		}
		c->len = n;
		/* A short first read is the whole input, so the mark is
		 * never split between two reads. */
		if (!c->started) {
			c->started = 1;
			if (n >= 3 && memcmp(c->in, "\xef\xbb\xbf", 3) == 0)
				c->pos = 3;
		}
	}
	return 1;
}

/* The first error of a row sticks; from then on its cells are dropped. */
static void
fail(izin_csv *c, int err)
{
	if (c->err == 0)
		c->err = err;
}

/* Bytes of the row read so far, from its first byte to in[pos]. */
static uint64_t
rowlen(const izin_csv *c, uint64_t start)
{
	return c->base + c->pos - start;
}

/* Room for n more bytes in buf.  A row never holds more than
 * IZIN_LINE_MAX + 1 bytes there (its text and a NUL per comma and at the
 * end), so this stops growing. */
static int
reserve(izin_csv *c, size_t n)
{
	size_t cap;
	char *p;

	if (c->blen + n <= c->bcap)
		return 0;
	for (cap = c->bcap ? c->bcap : 256; cap < c->blen + n; cap *= 2)
		;
	if ((p = realloc(c->buf, cap)) == NULL) {
		fail(c, IZIN_ENOMEM);
		return -1;
	}
	c->buf = p;
	c->bcap = cap;
	return 0;
}

static void
put(izin_csv *c, const void *s, size_t n)
{
	if (c->err != 0 || reserve(c, n) < 0)
		return;
	memcpy(c->buf + c->blen, s, n);
	c->blen += n;
}

static void
endcell(izin_csv *c)
{
	size_t cap;
	void *p;

	if (c->err != 0)
		return;
	if (c->ncell == c->ccap) {
		cap = c->ccap ? c->ccap * 2 : 16;
		if ((p = realloc(c->off, cap * sizeof(*c->off))) == NULL)
			goto nomem;
		c->off = p;
		if ((p = realloc(c->lens, cap * sizeof(*c->lens))) == NULL)
			goto nomem;
		c->lens = p;
		if ((p = realloc(c->cells, cap * sizeof(*c->cells))) == NULL)
			goto nomem;
		c->cells = p;
		c->ccap = cap;
	}
	if (reserve(c, 1) < 0)
		return;
	c->off[c->ncell] = c->cstart;
	c->lens[c->ncell] = c->blen - c->cstart;
	c->ncell++;
	c->buf[c->blen++] = '\0';
	c->cstart = c->blen;
	return;
nomem:
	fail(c, IZIN_ENOMEM);
}

/*
 * Add the text in[pos, end) to the current cell, unless the row grows
 * past IZIN_LINE_MAX with it.  Every byte of a row but its line end is
 * counted, quotes included, as it stands in the file.
 */
static void
take(izin_csv *c, uint64_t start, size_t end)
{
	const unsigned char *s = c->in + c->pos;
	size_t n = end - c->pos;

	c->pos = end;
	if (rowlen(c, start) > IZIN_LINE_MAX)
		fail(c, IZIN_ELONGLINE);
	put(c, s, n);
}

/* The same check for bytes that take() does not add: commas, quotes,
 * and CRs and LFs that turn out to belong to the row. */
static void
count(izin_csv *c, uint64_t start)
{
	if (rowlen(c, start) > IZIN_LINE_MAX)
		fail(c, IZIN_ELONGLINE);
}

int
izin_csv_next(izin_csv *c, const char *const **cells, const size_t **lens,
              size_t *n)
{
	const unsigned char *s, *e, *q;
	unsigned long line;
	uint64_t start;
	size_t i;
	int state = S_CELL, rc;

	if (c == NULL || cells == NULL || lens == NULL || n == NULL)
		return IZIN_EINVAL;
	*n = 0;
	if ((rc = more(c)) <= 0) {
		if (rc < 0)
			c->rowline = c->line;
		return rc;
	}
	c->blen = c->cstart = c->ncell = 0;
	c->err = 0;
	start = c->base + c->pos;
	line = c->line;
	for (;;) {
		if (c->pos == c->len && (rc = more(c)) <= 0) {
			if (rc < 0) {
				fail(c, rc);
				break;
			}
			if (state == S_PLAIN_CR) {
				count(c, start);
				put(c, "\r", 1);
			} else if (state == S_QUOTED || state == S_QUOTED_CR ||
			    state == S_QUOTE_CR)
				fail(c, IZIN_ECSV);
			if (state != S_SKIP)
				endcell(c);
			break;
		}
		s = c->in + c->pos;
		e = c->in + c->len;
		switch (state) {
		case S_CELL:
			if (*s == '"') {
				c->pos++;
				count(c, start);
				state = S_QUOTED;
			} else
				state = S_PLAIN;
			continue;
		case S_PLAIN:
			for (q = s; q < e && !(stop[*q] & 1); q++)
				;
			if (q > s)
				take(c, start, (size_t)(q - c->in));
			if (q == e)
				continue;
			c->pos++;
			switch (*q) {
			case ',':
				count(c, start);
				endcell(c);
				state = S_CELL;
				continue;
			case '\n':
				c->line++;
				endcell(c);
				goto done;
			case '\r':
				state = S_PLAIN_CR;
				continue;
			default:
				fail(c, IZIN_ECSV);
				state = S_SKIP;
				continue;
			}
		case S_PLAIN_CR:
			if (*s == '\n') {
				c->pos++;
				c->line++;
				endcell(c);
				goto done;
			}
			/* A CR on its own is text like any other byte. */
			count(c, start);
			put(c, "\r", 1);
			state = S_PLAIN;
			continue;
		case S_QUOTED:
			for (q = s; q < e && !(stop[*q] & 2); q++)
				;
			if (q > s)
				take(c, start, (size_t)(q - c->in));
			if (q == e)
				continue;
			c->pos++;
			count(c, start);
			switch (*q) {
			case '"':
				state = S_QUOTE;
				continue;
			case '\r':
				state = S_QUOTED_CR;
				continue;
			default:
				c->line++;
				put(c, "\n", 1);
				continue;
			}
		case S_QUOTED_CR:
			/*
			 * A line break typed in a cell comes out as CRLF from
			 * a Windows export and LF from a Unix one; both are
			 * read as LF, so the cell reads the same either way.
			 * A CR on its own is kept.
			 */
			if (*s == '\n') {
				c->pos++;
				c->line++;
				count(c, start);
				put(c, "\n", 1);
			} else
				put(c, "\r", 1);
			state = S_QUOTED;
			continue;
		case S_QUOTE:
			c->pos++;
			switch (*s) {
			case '"':
				count(c, start);
				put(c, "\"", 1);
				state = S_QUOTED;
				continue;
			case ',':
				count(c, start);
				endcell(c);
				state = S_CELL;
				continue;
			case '\n':
				c->line++;
				endcell(c);
				goto done;
			case '\r':
				state = S_QUOTE_CR;
				continue;
			default:
				fail(c, IZIN_ECSV);
				state = S_SKIP;
				continue;
			}
		case S_QUOTE_CR:
			if (*s == '\n') {
				c->pos++;
				c->line++;
				endcell(c);
				goto done;
			}
			fail(c, IZIN_ECSV);
			state = S_SKIP;
			continue;
		case S_SKIP:
			if ((q = memchr(s, '\n', (size_t)(e - s))) == NULL) {
				c->pos = c->len;
				continue;
			}
			c->pos = (size_t)(q - c->in) + 1;
			c->line++;
			goto done;
		}
	}
done:
	c->rowline = line;
	if (c->err != 0)
		return c->err;
	for (i = 0; i < c->ncell; i++)
		c->cells[i] = c->buf + c->off[i];
	*cells = c->cells;
	*lens = c->lens;
	*n = c->ncell;
	return 1;
}
