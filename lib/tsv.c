/*
 * tsv.c - the one TSV escape, unescape and split of the library (see
 * izin-record(5)), and the growable buffer they write into.  Records and
 * the pass-through use them; the sightings log is to.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "izin_internal.h"

/* Room for extra more bytes and a NUL after them. */
int
izin_buf_reserve(struct izin_buf *b, size_t extra)
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

int
izin_buf_add(struct izin_buf *b, const char *s, size_t len)
{
	int rc;

	if ((rc = izin_buf_reserve(b, len)) < 0)
		return rc;
	if (len > 0)
		memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

void
izin_buf_free(struct izin_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* esc_char maps a byte that needs escaping to the letter after the
 * backslash; the rest map to 0. */
static const char esc_char[256] = {
	['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r',
};

/*
 * Eight bytes at a time: cells are short, and a word-wide test is several
 * times faster than a call to memchr() or a table lookup per byte.
 */
#define ONES   0x0101010101010101ULL
#define LOW7   0x7f7f7f7f7f7f7f7fULL
#define HIGHS  0x8080808080808080ULL

/* 0x80 in each byte of x that is zero, 0 in the others (exact). */
static inline uint64_t
zero_bytes(uint64_t x)
{
	return ~(((x & LOW7) + LOW7) | x | LOW7);
}

/* Nonzero when some byte of x is below n (n at most 128). */
#define HAS_LESS(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)

/* Eight bytes from p, the first in the low byte. */
static inline uint64_t
load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

char *
izin_tsv_escape_to(char *d, const char *s, size_t len)
{
	const char *in = s, *end = s + len;
	uint64_t x;

	/* Whole words go across until one holds a byte that may need
	 * escaping. */
	for (; end - in >= 8; in += 8, d += 8) {
		x = load8(in);
		if (HAS_LESS(x, '\r' + 1) || zero_bytes(x ^ (ONES * '\\')))
			break;
		memcpy(d, in, 8);
	}
	for (; in < end; in++) {
		if (esc_char[(unsigned char)*in] == 0) {
			*d++ = *in;
		} else {
			*d++ = '\\';
			*d++ = esc_char[(unsigned char)*in];
		}
	}
	return d;
}

int
izin_tsv_escape(struct izin_buf *b, const char *s, size_t len)
{
	if (len > SIZE_MAX / 4 || izin_buf_reserve(b, 2 * len) < 0)
		return IZIN_ENOMEM;
	b->len = (size_t)(izin_tsv_escape_to(b->p + b->len, s, len) - b->p);
	b->p[b->len] = '\0';
	return 0;
}

int
izin_tsv_unescape(char *s, size_t *len)
{
	char *in, *out, *end = s + *len;

	in = out = memchr(s, '\\', *len);
	if (in == NULL)
		return 0;
	while (in < end) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		if (in + 1 == end)
			return IZIN_EESCAPE;
		switch (in[1]) {
		case '\\': *out++ = '\\'; break;
		case 't':  *out++ = '\t'; break;
		case 'n':  *out++ = '\n'; break;
		case 'r':  *out++ = '\r'; break;
		default:   return IZIN_EESCAPE;
		}
		in += 2;
	}
	*out = '\0';
	*len = (size_t)(out - s);
	return 0;
}

int
izin_tsv_split(char *line, size_t len, struct izin_cell *c, size_t n,
               int *bs)
{
	char *p = line, *cell = line, *end = line + len, *q;
	size_t i = 0;
	uint64_t x, m;
	int over = 0;

	*bs = 0;
	if (n == 0)
		return IZIN_ECOLUMNS;
	while (p < end) {
		if (end - p >= 8) {
			x = load8(p);
			m = zero_bytes(x ^ (ONES * '\t')) |
			    zero_bytes(x ^ (ONES * '\\')) | zero_bytes(x);
		} else {
			for (m = 0, q = p; q < end; q++)
				if (*q == '\t' || *q == '\\' || *q == '\0')
					m |= (uint64_t)0x80 << (q - p) * 8;
		}
		for (; m != 0; m &= m - 1) {
			q = p + (__builtin_ctzll(m) >> 3);
			if (*q == '\0')
				return IZIN_ERECORD;
			if (*q == '\\') {
				*bs = 1;
			} else if (i + 1 == n) {
				over = 1;
			} else {
				*q = '\0';
				c[i].v = cell;
				c[i].len = (size_t)(q - cell);
				cell = q + 1;
				i++;
			}
		}
		p = end - p >= 8 ? p + 8 : end;
	}
	if (over || i + 1 != n)
		return IZIN_ECOLUMNS;
	c[i].v = cell;
	c[i].len = (size_t)(end - cell);
	return 0;
}

int
izin_tsv_split_unescape(char *line, size_t len, struct izin_cell *c,
                        size_t n)
{
	int rc, bs;

	if ((rc = izin_tsv_split(line, len, c, n, &bs)) < 0)
		return rc;
	for (size_t i = 0; bs && i < n; i++)
		if ((rc = izin_tsv_unescape((char *)c[i].v, &c[i].len)) < 0)
			return rc;
	return 0;
}
