/*
 * passthru.c - records passed through a filter: a few columns read by
 * name, cells added, the rest of each line left as it came.
 *
 * A TSV line that needs no unescaping reads as its tab-separated bytes
 * and writes back as the same bytes, so such a line is split here only as
 * far as finding its tabs, and written as read with the new cells after
 * it (or in place of the last cells, when the input has them already):
 * the output is the reader's and writer's byte for byte.  Every other
 * line goes through izin_reader and izin_writer; the first record of an
 * input does too, and fixes the columns the fast path may trust.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2 1     /* at run time when the processor has it */
#endif

#include "izin_internal.h"

#define IOBUF (256 * 1024)      /* input read in blocks this large */
#define NHELD 512               /* lines held back, two iovecs each */

enum { M_START, M_STREAM, M_TSV, M_DONE };

/* A fast line held for output: line[0, cut) then tails[toff, +tlen). */
struct held {
	const char *line;
	size_t cut, toff, tlen;
};

struct izin_passthru {
	FILE *out;
	int format;             /* asked for: IZIN_FMT_AUTO or fixed */
	const char *const *want, *const *add;
	size_t nwant, nadd;
	size_t addlen[IZIN_PASSTHRU_ADD_MAX];   /* izin_passthru_set()'s */
	izin_writer *w;
	int wformat;            /* of the output, once w exists */
	char **keys;            /* TSV output columns */
	size_t nkeys;
	izin_record *r;

	/* The input. */
	FILE *in;
	int fd, mode;
	izin_reader *rd;
	unsigned long line, offset;
	char *buf;              /* read here: buf[start, end) not yet taken */
	size_t cap, start, end;
	int eof;
	char *hdr;              /* the TSV header line as read */
	size_t hlen;
	struct izin_buf text;   /* a line for the reader */
	int fast, fast_checked;
	size_t ncols;
	int *role;              /* of each column: a want index, or -1 */
	size_t lastcol;         /* the last with a role, or the cut */
	long (*count_tabs)(const char *, const char *, const char *);
	long (*count_line)(const char *, const char *, const char **);
	long cut;               /* column where the add cells begin
	                         * (replaced), or -1 to append them */

	/* The record. */
	int lib;                /* read by the reader (not the fast path) */
	const char **v;
	size_t *len;
	long *pos;              /* of the wanted columns in r */
	int known;
	unsigned long schema, layout;
	const char *fline;      /* the fast line, and where its cut is */
	size_t fcut;

	/* Output held back. */
	struct held held[NHELD];
	size_t nheld, tdone;
	struct izin_buf tails;
};

static long count_tabs(const char *, const char *, const char *);
static long count_line(const char *, const char *, const char **);
#ifdef HAVE_AVX2
static long count_tabs_avx2(const char *, const char *, const char *);
static long count_line_avx2(const char *, const char *, const char **);
#endif

izin_passthru *
izin_passthru_new(FILE *out, int format, const char *const *want,
                  size_t nwant, const char *const *add, size_t nadd)
{
	izin_passthru *p;

	if (out == NULL || format < IZIN_FMT_AUTO || format > IZIN_FMT_CSV ||
	    (want == NULL && nwant > 0) || add == NULL || nadd == 0 ||
	    nadd > IZIN_PASSTHRU_ADD_MAX)
		return NULL;
	for (size_t i = 0; i < nadd; i++)
		if (add[i] == NULL || add[i][0] == '\0')
			return NULL;
	for (size_t i = 0; i < nwant; i++)
		if (want[i] == NULL)
			return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->out = out;
	p->format = format;
	p->want = want;
	p->nwant = nwant;
	p->add = add;
	p->nadd = nadd;
	p->mode = M_DONE;
	p->count_tabs = count_tabs;
	p->count_line = count_line;
#ifdef HAVE_AVX2
	if (__builtin_cpu_supports("avx2")) {
		p->count_tabs = count_tabs_avx2;
		p->count_line = count_line_avx2;
	}
#endif
	p->r = izin_record_new();
	p->v = calloc(nwant + 1, sizeof(*p->v));
	p->len = calloc(nwant + 1, sizeof(*p->len));
	p->pos = calloc(nwant + 1, sizeof(*p->pos));
	if (p->r == NULL || p->v == NULL || p->len == NULL || p->pos == NULL) {
		izin_passthru_free(p);
		return NULL;
	}
	return p;
}

/* Forget the input. */
static void
close_input(izin_passthru *p)
{
	izin_reader_free(p->rd);
	p->rd = NULL;
	free(p->hdr);
	p->hdr = NULL;
	p->hlen = 0;
	free(p->role);
	p->role = NULL;
	p->fast = p->fast_checked = 0;
	p->start = p->end = 0;
	p->eof = 0;
	p->line = p->offset = 0;
	p->known = 0;
	p->in = NULL;
	p->mode = M_DONE;
}

void
izin_passthru_free(izin_passthru *p)
{
	if (p == NULL)
		return;
	close_input(p);
	izin_writer_free(p->w);
	for (size_t k = 0; k < p->nkeys; k++)
		free(p->keys[k]);
	free(p->keys);
	izin_record_free(p->r);
	free(p->buf);
	izin_buf_free(&p->text);
	izin_buf_free(&p->tails);
	free(p->v);
	free(p->len);
	free(p->pos);
	free(p);
}

int
izin_passthru_open(izin_passthru *p, FILE *in)
{
	if (p == NULL || in == NULL)
		return IZIN_EINVAL;
	close_input(p);
	p->in = in;
	p->fd = fileno(in);
	p->mode = M_START;
	p->layout++;
	return 0;
}

unsigned long
izin_passthru_line(const izin_passthru *p)
{
	return p->line;
}

unsigned long
izin_passthru_layout(const izin_passthru *p)
{
	return p->layout;
}

const char *
izin_passthru_get(const izin_passthru *p, size_t i, size_t *len)
{
	if (i >= p->nwant)
		return NULL;
	if (len != NULL)
		*len = p->v[i] != NULL ? p->len[i] : 0;
	return p->v[i];
}

/* Write all of iov[0, n) to fd, however little each writev takes. */
static int
writev_all(int fd, struct iovec *iov, int n)
{
	ssize_t k;

	while (n > 0) {
		k = writev(fd, iov, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return IZIN_EIO;
		}
		for (; n > 0 && (size_t)k >= iov->iov_len; iov++, n--)
			k -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	return 0;
}

/*
 * Write the lines held back: straight from the input buffer with
 * writev(), after whatever stdio holds for out, so nothing is copied.
 * An out without a descriptor (a memory stream) takes them by fwrite().
 */
static int
put_held(izin_passthru *p)
{
	struct iovec iov[2 * NHELD];
	int n = 0, fd;

	if (p->nheld == 0)
		return 0;
	for (size_t i = 0; i < p->nheld; i++) {
		iov[n].iov_base = (void *)p->held[i].line;
		iov[n++].iov_len = p->held[i].cut;
		iov[n].iov_base = p->tails.p + p->held[i].toff;
		iov[n++].iov_len = p->held[i].tlen;
	}
	p->nheld = 0;
	p->tails.len = p->tdone = 0;
	if (fflush(p->out) != 0)
		return IZIN_EIO;
	if ((fd = fileno(p->out)) >= 0)
		return writev_all(fd, iov, n);
	for (int i = 0; i < n; i++)
		if (fwrite(iov[i].iov_base, 1, iov[i].iov_len, p->out) !=
		    iov[i].iov_len)
			return IZIN_EIO;
	return 0;
}

int
izin_passthru_flush(izin_passthru *p)
{
	if (p == NULL)
		return IZIN_EINVAL;
	if (put_held(p) < 0 || fflush(p->out) != 0)
		return IZIN_EIO;
	return 0;
}

/*
 * The first line that is not empty, read a byte at a time so that not a
 * byte more is taken from the input: if it starts a JSON record, the
 * reader reads the rest through stdio.  Its length (NUL-ended in p->buf,
 * less a CR at its end), or 0 at the end of the input, or IZIN_EIO or
 * IZIN_ENOMEM.
 */
static long
first_line(izin_passthru *p)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		do
			n = read(p->fd, &c, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return IZIN_EIO;
		if (n == 1 && c != '\n') {
			if (len + 1 >= p->cap) {
				size_t cap = p->cap ? p->cap * 2 : IOBUF;
				char *b = realloc(p->buf, cap);
				if (b == NULL)
					return IZIN_ENOMEM;
				p->buf = b;
				p->cap = cap;
			}
			p->buf[len++] = c;
			continue;
		}
		if (n == 0 && len == 0)
			return 0;
		p->line++;
		if (len > 0 && p->buf[len - 1] == '\r')
			len--;
		if (len > (size_t)LONG_MAX)
			return IZIN_ENOMEM;
		if (len > 0) {
			p->buf[len] = '\0';
			return (long)len;
		}
		if (n == 0)
			return 0;
	}
}

/*
 * The next line, without its newline: 1, or 0 at the end of the input,
 * or an error.  The line lies in p->buf, valid until the next call.
 * read(2) returns what a pipe holds, so a line is taken as soon as it is
 * there; output held back goes out before a read that may wait.
 */
static int
next_line(izin_passthru *p, char **line, size_t *len)
{
	char *nl;
	size_t scanned = 0;
	ssize_t n;
	int rc;

	for (;;) {
		nl = p->end > p->start + scanned ?
		    memchr(p->buf + p->start + scanned, '\n',
		    p->end - p->start - scanned) : NULL;
		if (nl != NULL || (p->eof && p->end > p->start)) {
			*line = p->buf + p->start;
			*len = nl ? (size_t)(nl - *line) : p->end - p->start;
			p->start = nl ? (size_t)(nl - p->buf) + 1 : p->end;
			return 1;
		}
		if (p->eof)
			return 0;
		/* The held lines point into the buffer about to move. */
		if ((rc = izin_passthru_flush(p)) < 0)
			return rc;
		scanned = p->end - p->start;
		if (p->start > 0) {
			memmove(p->buf, p->buf + p->start, scanned);
			p->end = scanned;
			p->start = 0;
		}
		if (p->end == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : IOBUF;
			char *b;
			if (cap < p->cap || (b = realloc(p->buf, cap)) == NULL)
				return IZIN_ENOMEM;
			p->buf = b;
			p->cap = cap;
		}
		do
			n = read(p->fd, p->buf + p->end, p->cap - p->end);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return IZIN_EIO;
		if (n == 0)
			p->eof = 1;
		p->end += (size_t)n;
	}
}

/*
 * Where the tabs are in 16 bytes at s (a bit per byte, the first byte
 * the lowest), and in *odd whether any byte is one a line of the fast
 * path may not hold: a backslash or a CR (to be unescaped or escaped),
 * or a NUL (an error).
 */
#ifdef __SSE2__
static inline unsigned
scan16(const char *s, unsigned *odd)
{
	__m128i x = _mm_loadu_si128((const __m128i *)s);

	*odd = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
	    _mm_cmpeq_epi8(x, _mm_setzero_si128())));
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8('\t')));
}

/* scan16(), and the newlines in *nl. */
static inline unsigned
scan16n(const char *s, unsigned *odd, unsigned *nl)
{
	__m128i x = _mm_loadu_si128((const __m128i *)s);

	*nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8('\n')));
	return scan16(s, odd);
}
#else
static inline unsigned
scan16(const char *s, unsigned *odd)
{
	unsigned tabs = 0;

	*odd = 0;
	for (int k = 0; k < 16; k++) {
		if (s[k] == '\t')
			tabs |= 1u << k;
		else if (s[k] == '\\' || s[k] == '\r' || s[k] == '\0')
			*odd |= 1u << k;
	}
	return tabs;
}

static inline unsigned
scan16n(const char *s, unsigned *odd, unsigned *nl)
{
	*nl = 0;
	for (int k = 0; k < 16; k++)
		if (s[k] == '\n')
			*nl |= 1u << k;
	return scan16(s, odd);
}
#endif

/*
 * scan16() of the 16 bytes at s, of which only those before end count:
 * the bytes up to lim may be read (and are ignored past end); nearer the
 * end of the buffer than 16 bytes, the tail is copied out first.
 */
static inline unsigned
scan_block(const char *s, const char *end, const char *lim, unsigned *odd)
{
	char pad[16];
	const char *w = s;
	unsigned keep = 0xffff, tabs;

	if (end - s < 16) {
		keep = (1u << (end - s)) - 1;
		if (lim - s < 16) {
			memset(pad, ' ', sizeof pad);
			memcpy(pad, s, (size_t)(end - s));
			w = pad;
		}
	}
	tabs = scan16(w, odd) & keep;
	*odd &= keep;
	return tabs;
}

/*
 * The tabs in [s, end), or -1 when a byte there is one a line of the fast
 * path may not hold.  lim is the end of the bytes that may be read: those
 * after end are read when they are there, and ignored.  This is most of a
 * line (the columns after the last of interest), so it goes 32 bytes at
 * a time where the processor can.
 */
static long
count_tabs(const char *s, const char *end, const char *lim)
{
	long n = 0;

	for (; s < end; s += 16) {
		unsigned odd, tabs = scan_block(s, end, lim, &odd);
		if (odd)
			return -1;
		n += __builtin_popcount(tabs);
	}
	return n;
}

#ifdef HAVE_AVX2
__attribute__((target("avx2"))) static long
count_tabs_avx2(const char *s, const char *end, const char *lim)
{
	const __m256i tab = _mm256_set1_epi8('\t'), bs = _mm256_set1_epi8('\\'),
	    cr = _mm256_set1_epi8('\r'), nul = _mm256_setzero_si256();
	long n = 0;

	for (; end - s >= 32; s += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)s);
		if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(
		    _mm256_cmpeq_epi8(x, bs), _mm256_cmpeq_epi8(x, cr)),
		    _mm256_cmpeq_epi8(x, nul))))
			return -1;
		n += __builtin_popcount((unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x, tab)));
	}
	if (s < end) {
		long t = count_tabs(s, end, lim);
		return t < 0 ? -1 : n + t;
	}
	return n;
}
#endif

/*
 * The tabs from s to the next newline, its place in *end; -1 when a byte
 * on the way is one a line of the fast path may not hold, or no newline
 * comes before lim.
 */
static long
count_line(const char *s, const char *lim, const char **end)
{
	unsigned tabs, odd, nl, m;
	long n = 0;

	for (; lim - s >= 16; s += 16) {
		tabs = scan16n(s, &odd, &nl);
		if (nl != 0) {
			m = (nl & -nl) - 1;
			if (odd & m)
				return -1;
			*end = s + __builtin_ctz(nl);
			return n + __builtin_popcount(tabs & m);
		}
		if (odd)
			return -1;
		n += __builtin_popcount(tabs);
	}
	return -1;
}

#ifdef HAVE_AVX2
__attribute__((target("avx2"))) static long
count_line_avx2(const char *s, const char *lim, const char **end)
{
	const __m256i tab = _mm256_set1_epi8('\t'), bs = _mm256_set1_epi8('\\'),
	    cr = _mm256_set1_epi8('\r'), nul = _mm256_setzero_si256(),
	    lf = _mm256_set1_epi8('\n');
	unsigned tabs, odd, nl, m;
	long n = 0, t;

	for (; lim - s >= 32; s += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)s);
		odd = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
		    _mm256_or_si256(_mm256_cmpeq_epi8(x, bs),
		    _mm256_cmpeq_epi8(x, cr)), _mm256_cmpeq_epi8(x, nul)));
		tabs = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x,
		    tab));
		nl = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, lf));
		if (nl != 0) {
			m = (nl & -nl) - 1;
			if (odd & m)
				return -1;
			*end = s + __builtin_ctz(nl);
			return n + __builtin_popcount(tabs & m);
		}
		if (odd)
			return -1;
		n += __builtin_popcount(tabs);
	}
	t = count_line(s, lim, end);
	return t < 0 ? -1 : n + t;
}
#endif

/*
 * The next line taken straight from the buffer when it is a plain line
 * of the header's width, its end found in the same pass as its tabs, so
 * that a register line is gone through once.  0, having taken nothing,
 * for any other line, or one that runs past what the buffer holds:
 * next_line() and the other paths take that one.
 */
static int
fast_next(izin_passthru *p)
{
	const char *line = p->buf + p->start, *s = line, *lim = p->buf + p->end;
	const char *q, *end = NULL;
	size_t col = 0, len, cut = SIZE_MAX;
	unsigned tabs, odd, nl, m;
	long more;
	int cur;

	for (size_t i = 0; i < p->nwant; i++)
		p->v[i] = NULL;
	if ((cur = p->role[0]) >= 0)
		p->v[cur] = line;
	while (col <= p->lastcol && end == NULL) {
		if (lim - s < 16)
			return 0;
		tabs = scan16n(s, &odd, &nl);
		if (nl != 0) {
			m = (nl & -nl) - 1;
			tabs &= m;
			odd &= m;
			end = s + __builtin_ctz(nl);
		}
		if (odd)
			return 0;
		for (; tabs != 0; tabs &= tabs - 1) {
			q = s + __builtin_ctz(tabs);
			if (cur >= 0)
				p->len[cur] = (size_t)(q - p->v[cur]);
			if (++col == p->ncols)
				return 0;
			if ((long)col == p->cut)
				cut = (size_t)(q - line);
			if ((cur = p->role[col]) >= 0)
				p->v[cur] = q + 1;
			if (col > p->lastcol) {
				col += (size_t)__builtin_popcount(tabs &
				    (tabs - 1));
				break;
			}
		}
		s += 16;
	}
	if (end == NULL) {
		const char *e;
		if ((more = p->count_line(s, lim, &e)) < 0)
			return 0;
		col += (size_t)more;
		end = e;
	}
	len = (size_t)(end - line);
	if (col + 1 != p->ncols || len == 0 || len > IZIN_LINE_MAX ||
	    (len == p->hlen && memcmp(line, p->hdr, len) == 0))
		return 0;
	if (cur >= 0)
		p->len[cur] = (size_t)(end - p->v[cur]);
	p->fcut = cut != SIZE_MAX ? cut : len;
	p->fline = line;
	p->lib = 0;
	p->start += len + 1;
	p->line++;
	return 1;
}

/*
 * Split a plain TSV line of the header's width at its tabs into the
 * wanted cells.  0, having taken nothing, for a line that is not plain
 * or not of that width: the reader is to read that one.  Past the last
 * column of interest, tabs are only counted.
 */
static int
fast_line(izin_passthru *p, const char *line, size_t len)
{
	const char *s = line, *end = line + len, *lim = p->buf + p->end, *q;
	size_t col = 0;
	long more;
	int cur;

	p->fcut = len;
	for (size_t i = 0; i < p->nwant; i++)
		p->v[i] = NULL;
	if ((cur = p->role[0]) >= 0)
		p->v[cur] = line;
	for (; s < end && col <= p->lastcol; s += 16) {
		unsigned odd, tabs = scan_block(s, end, lim, &odd);
		if (odd)
			return 0;
		for (; tabs != 0; tabs &= tabs - 1) {
			q = s + __builtin_ctz(tabs);
			if (cur >= 0)
				p->len[cur] = (size_t)(q - p->v[cur]);
			if (++col == p->ncols)
				return 0;
			if ((long)col == p->cut)
				p->fcut = (size_t)(q - line);
			if ((cur = p->role[col]) >= 0)
				p->v[cur] = q + 1;
			if (col > p->lastcol) {
				col += (size_t)__builtin_popcount(tabs &
				    (tabs - 1));
				break;
			}
		}
	}
	if (s < end) {
		if ((more = p->count_tabs(s, end, lim)) < 0)
			return 0;
		col += (size_t)more;
	}
	if (col + 1 != p->ncols)
		return 0;
	if (cur >= 0)
		p->len[cur] = (size_t)(end - p->v[cur]);
	p->fline = line;
	p->lib = 0;
	return 1;
}

/* A record the reader gave: find the wanted columns. */
static void
lib_cells(izin_passthru *p)
{
	izin_record *r = p->r;

	if (!p->known || p->schema != izin_record_schema(r)) {
		int moved = !p->known;
		for (size_t i = 0; i < p->nwant; i++) {
			long k = izin_record_find(r, p->want[i]);
			moved |= k != p->pos[i];
			p->pos[i] = k;
		}
		if (moved)
			p->layout++;
		p->schema = izin_record_schema(r);
		p->known = 1;
	}
	for (size_t i = 0; i < p->nwant; i++)
		p->v[i] = p->pos[i] < 0 ? NULL :
		    izin_record_value(r, (size_t)p->pos[i], &p->len[i]);
	p->lib = 1;
}

/* Hand the reader a line of len bytes (copied, NUL-ended). */
static int
feed(izin_passthru *p, const char *line, size_t len)
{
	int rc;

	p->text.len = 0;
	if ((rc = izin_buf_add(&p->text, line, len)) < 0)
		return rc;
	return izin_reader_feed(p->rd, p->text.p, len, p->r);
}

/* The first line of an input: JSON, or a TSV header. */
static int
start_input(izin_passthru *p)
{
	long first;
	int rc;

	/* The fast path writes TSV: other output takes the writer. */
	if (p->format == IZIN_FMT_JSON || p->format == IZIN_FMT_CSV ||
	    (p->w != NULL && p->wformat == IZIN_FMT_JSON)) {
		if ((p->rd = izin_reader_new(p->in, IZIN_FMT_AUTO)) == NULL)
			return IZIN_ENOMEM;
		p->mode = M_STREAM;
		return 0;
	}
	if ((first = first_line(p)) <= 0) {
		p->mode = M_DONE;
		return (int)first;
	}
	if (p->buf[0] == '{') {
		/* JSON Lines: the reader takes the rest through stdio. */
		if ((p->rd = izin_reader_new(p->in, IZIN_FMT_JSON)) == NULL)
			return IZIN_ENOMEM;
		p->mode = M_STREAM;
		p->offset = p->line - 1;
		rc = feed(p, p->buf, (size_t)first);
		if (rc > 0)
			lib_cells(p);
		return rc;
	}
	if ((p->hdr = malloc((size_t)first + 1)) == NULL ||
	    (p->rd = izin_reader_new(p->in, IZIN_FMT_TSV)) == NULL)
		return IZIN_ENOMEM;
	memcpy(p->hdr, p->buf, (size_t)first + 1);
	p->hlen = (size_t)first;
	/* A bad header is a file without records, as for the reader. */
	if ((rc = feed(p, p->hdr, p->hlen)) < 0) {
		p->mode = M_DONE;
		return rc;
	}
	p->mode = M_TSV;
	return 0;
}

int
izin_passthru_next(izin_passthru *p)
{
	char *line;
	size_t len;
	int rc;

	if (p == NULL)
		return IZIN_EINVAL;
	for (;;) {
		switch (p->mode) {
		case M_START:
			if ((rc = start_input(p)) != 0)
				return rc;
			continue;
		case M_STREAM:
			rc = izin_reader_next(p->rd, p->r);
			p->line = izin_reader_line(p->rd) + p->offset;
			if (rc == 0 || rc == IZIN_EIO)
				p->mode = M_DONE;
			if (rc > 0)
				lib_cells(p);
			return rc;
		case M_TSV:
			if (p->fast && fast_next(p))
				return 1;
			if ((rc = next_line(p, &line, &len)) <= 0) {
				p->mode = M_DONE;
				return rc;
			}
			p->line++;
			/* Lines as the reader takes them: up to a newline,
			 * less one CR; empty ones and the header skipped. */
			if (len > 0 && line[len - 1] == '\r')
				len--;
			if (len == 0 || (len == p->hlen &&
			    memcmp(line, p->hdr, len) == 0))
				continue;
			if (p->fast && len <= IZIN_LINE_MAX &&
			    fast_line(p, line, len))
				return 1;
			if ((rc = feed(p, line, len)) == 0)
				continue;
			if (rc > 0)
				lib_cells(p);
			return rc;
		default:
			return 0;
		}
	}
}

/* 1 when a column name reads the same escaped or not. */
static int
plain_name(const char *k)
{
	return strpbrk(k, "\t\n\r\\") == NULL;
}

/*
 * Once the reader has given a record of the header's columns and the add
 * cells are set, see whether the lines after it may take the fast path:
 * TSV out, the same columns as the output's header, plain names, and the
 * add columns either absent from the input or its last columns.
 */
static int
setup_fast(izin_passthru *p)
{
	const izin_record *r = p->r;
	size_t n = izin_record_count(r), k;
	long st;

	p->fast = 0;
	if (p->w == NULL || p->wformat != IZIN_FMT_TSV || n != p->nkeys)
		return 0;
	for (k = 0; k < n; k++)
		if (strcmp(izin_record_key(r, k), p->keys[k]) != 0 ||
		    !plain_name(p->keys[k]))
			return 0;
	/* The header as read, split at its tabs, is the input columns. */
	p->ncols = 1;
	for (k = 0; k < p->hlen; k++)
		p->ncols += p->hdr[k] == '\t';
	st = izin_record_find(r, p->add[0]);
	if (st < 0 || n < p->nadd || (size_t)st != n - p->nadd)
		return 0;
	for (k = 1; k < p->nadd; k++)
		if (strcmp(izin_record_key(r, (size_t)st + k), p->add[k]))
			return 0;
	if ((size_t)st < p->ncols) {
		/* The input has the add columns: replace them. */
		if (p->ncols != n || st == 0)
			return 0;
		p->cut = st;
	} else {
		if (p->ncols != (size_t)st)
			return 0;
		p->cut = -1;
	}
	if ((p->role = malloc(p->ncols * sizeof(*p->role))) == NULL)
		return IZIN_ENOMEM;
	for (k = 0; k < p->ncols; k++)
		p->role[k] = -1;
	p->lastcol = p->cut > 0 ? (size_t)p->cut : 0;
	for (size_t i = 0; i < p->nwant; i++) {
		long c = izin_record_find(r, p->want[i]);
		if (c >= 0 && (size_t)c < p->ncols && p->role[c] < 0) {
			p->role[c] = (int)i;
			if ((size_t)c > p->lastcol)
				p->lastcol = (size_t)c;
		}
	}
	p->fast = 1;
	return 0;
}

/* Fix the output's format and, for TSV, its header: the first record's
 * columns, so that output with every record filtered out has one too. */
static int
start_output(izin_passthru *p)
{
	const izin_record *r = p->r;
	size_t n = izin_record_count(r);
	int rc;

	p->wformat = p->format != IZIN_FMT_AUTO ? p->format :
	             izin_reader_format(p->rd);
	if ((p->w = izin_writer_new(p->out, p->wformat)) == NULL)
		return IZIN_ENOMEM;
	if (p->wformat == IZIN_FMT_JSON)
		return 0;
	if ((p->keys = calloc(n, sizeof(*p->keys))) == NULL)
		return IZIN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((p->keys[i] = strdup(izin_record_key(r, i))) == NULL)
			return IZIN_ENOMEM;
		p->nkeys = i + 1;
	}
	if ((rc = put_held(p)) < 0)
		return rc;
	return izin_writer_columns(p->w, (const char *const *)p->keys, n);
}

int
izin_passthru_set(izin_passthru *p, const char *const *vals,
                  const size_t *lens)
{
	size_t *len, need = 1;
	char *d;
	int rc;

	if (p == NULL || vals == NULL)
		return IZIN_EINVAL;
	len = p->addlen;
	for (size_t i = 0; i < p->nadd; i++) {
		if (vals[i] == NULL)
			return IZIN_EINVAL;
		len[i] = lens != NULL ? lens[i] : strlen(vals[i]);
		if (lens != NULL && memchr(vals[i], '\0', len[i]) != NULL)
			return IZIN_EINVAL;
		if (len[i] > SIZE_MAX / 4 - need)
			return IZIN_ENOMEM;
		need += 1 + 2 * len[i];
	}
	if (!p->lib) {
		/* The cells after the line, held until it is written. */
		if (p->nheld == NHELD && (rc = put_held(p)) < 0)
			return rc;
		p->tails.len = p->tdone;
		if ((rc = izin_buf_reserve(&p->tails, need)) < 0)
			return rc;
		d = p->tails.p + p->tails.len;
		for (size_t i = 0; i < p->nadd; i++) {
			*d++ = '\t';
			d = izin_tsv_escape_to(d, vals[i], len[i]);
		}
		*d++ = '\n';
		p->tails.len = (size_t)(d - p->tails.p);
		return 0;
	}
	for (size_t i = 0; i < p->nadd; i++)
		if ((rc = izin_record_set(p->r, p->add[i], vals[i],
		    len[i])) < 0)
			return rc;
	if (p->w == NULL && (rc = start_output(p)) < 0)
		return rc;
	if (p->mode == M_TSV && !p->fast_checked) {
		p->fast_checked = 1;
		if ((rc = setup_fast(p)) < 0)
			return rc;
	}
	return 0;
}

int
izin_passthru_write(izin_passthru *p)
{
	struct held *h;
	int rc;

	if (p == NULL || p->w == NULL)
		return IZIN_EINVAL;
	if (p->lib) {
		if ((rc = put_held(p)) < 0)
			return rc;
		return izin_writer_put(p->w, p->r);
	}
	if (p->nheld == NHELD)
		return IZIN_EINVAL;
	h = &p->held[p->nheld++];
	h->line = p->fline;
	h->cut = p->fcut;
	h->toff = p->tdone;
	h->tlen = p->tails.len - p->tdone;
	p->tdone = p->tails.len;
	return 0;
}
