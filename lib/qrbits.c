/*
 * qrbits.c - a QR symbol's module grid read as bits, as ISO/IEC 18004
 * lays them out: format and version information, unmasking, codeword
 * placement, block interleaving, Reed-Solomon correction and the
 * segments of the bitstream.  zbar decodes the codes; this reads again
 * what zbar does not report in binary mode: the ECI designators and
 * which segment is in which mode, so that the text can be put into
 * UTF-8 as the standard says (qrtext.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "geom_internal.h"

/* The standard's tables 9 (error correction codewords per block) and
 * the number of blocks, per version, for levels L, M, Q, H. */
static const unsigned char ecc_per_block[4][41] = {
	{ 0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24,
	  28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30,
	  30, 30, 30, 30, 30, 30, 30 },
	{ 0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28,
	  28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	  28, 28, 28, 28, 28, 28, 28 },
	{ 0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24,
	  28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30,
	  30, 30, 30, 30, 30, 30, 30 },
	{ 0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30,
	  28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
	  30, 30, 30, 30, 30, 30, 30 },
};
static const unsigned char nblocks[4][41] = {
	{ 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8,
	  9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22,
	  24, 25 },
	{ 0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14,
	  16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40,
	  43, 45, 47, 49 },
	{ 0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21,
	  20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56,
	  59, 62, 65, 68 },
	{ 0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25,
	  25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66,
	  70, 74, 77, 81 },
};

/* ---- GF(256), x^8 + x^4 + x^3 + x^2 + 1 -------------------------------- */

static unsigned char gf_exp[512], gf_log[256];
static pthread_once_t gf_once = PTHREAD_ONCE_INIT;

static void
gf_fill(void)
{
	int i, x = 1;

	for (i = 0; i < 255; i++) {
		gf_exp[i] = (unsigned char)x;
		gf_log[x] = (unsigned char)i;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11d;
	}
	for (i = 255; i < 512; i++)
		gf_exp[i] = gf_exp[i - 255];
}

static unsigned
gf_mul(unsigned a, unsigned b)
{
	return a && b ? gf_exp[gf_log[a] + gf_log[b]] : 0;
}

static unsigned
gf_div(unsigned a, unsigned b)
{
	return a ? gf_exp[gf_log[a] + 255 - gf_log[b]] : 0;
}

/* p(x) with p[0] the constant term, deg + 1 coefficients. */
static unsigned
poly_eval(const unsigned *p, int deg, unsigned x)
{
	unsigned y = 0;
	int i;

	for (i = deg; i >= 0; i--)
		y = gf_mul(y, x) ^ p[i];
	return y;
}

/*
 * Correct block b (n codewords, the last ne of them parity; b[0] the
 * highest power) in place: the number of codewords corrected, or -1 when
 * the errors are beyond what the code can locate.  QR's generator has
 * the roots alpha^0 .. alpha^(ne - 1).
 */
static int
rs_correct(unsigned char *b, int n, int ne)
{
	unsigned s[64], lam[65], prev[65], t[65], om[64], d, x, xi, num, den;
	int i, j, k, L = 0, m = 1, nerr, deg, any = 0;

	for (j = 0; j < ne; j++) {
		x = gf_exp[j];
		s[j] = 0;
		for (i = 0; i < n; i++)
			s[j] = gf_mul(s[j], x) ^ b[i];
		any |= s[j] != 0;
	}
	if (!any)
		return 0;
	/* Berlekamp-Massey: the shortest LFSR (error locator) that makes
	 * the syndromes. */
	memset(lam, 0, sizeof lam);
	memset(prev, 0, sizeof prev);
	lam[0] = prev[0] = 1;
	{
		unsigned bden = 1;

		for (k = 0; k < ne; k++) {
			d = s[k];
			for (i = 1; i <= L; i++)
				d ^= gf_mul(lam[i], s[k - i]);
			if (d == 0) {
				m++;
				continue;
			}
			memcpy(t, lam, sizeof t);
			for (i = 0; i + m <= ne; i++)
				lam[i + m] ^= gf_mul(gf_div(d, bden), prev[i]);
			if (2 * L <= k) {
				L = k + 1 - L;
				memcpy(prev, t, sizeof prev);
				bden = d;
				m = 1;
			} else
				m++;
		}
	}
	if (2 * L > ne)
		return -1;
	for (deg = ne; deg > 0 && lam[deg] == 0; deg--)
		;
	if (deg != L)
		return -1;
	/* Omega = S * Lambda mod x^ne, for Forney. */
	for (i = 0; i < ne; i++) {
		om[i] = 0;
		for (j = 0; j <= i && j <= L; j++)
			om[i] ^= gf_mul(lam[j], s[i - j]);
	}
	/* Chien search over the n positions; the codeword at index i sits
	 * at the power n - 1 - i, its locator X = alpha^(n - 1 - i). */
	nerr = 0;
	for (i = 0; i < n; i++) {
		int p = n - 1 - i;

		xi = gf_exp[(255 - p) % 255];       /* X^-1 */
		if (poly_eval(lam, L, xi) != 0)
			continue;
		num = poly_eval(om, ne - 1, xi);
		/* Lambda'(x): the odd terms, in characteristic 2. */
		den = 0;
		for (j = 1; j <= L; j += 2)
			den ^= gf_mul(lam[j], j > 1 ?
			    gf_exp[(gf_log[xi] * (j - 1)) % 255] : 1);
		if (den == 0)
			return -1;
		/* Forney with first root alpha^0: e = X Omega(X^-1) /
		 * Lambda'(X^-1). */
		b[i] ^= (unsigned char)gf_mul(gf_exp[p], gf_div(num, den));
		nerr++;
	}
	if (nerr != L)
		return -1;
	for (j = 0; j < ne; j++) {
		x = gf_exp[j];
		d = 0;
		for (i = 0; i < n; i++)
			d = gf_mul(d, x) ^ b[i];
		if (d != 0)
			return -1;
	}
	return nerr;
}

/* ---- Function patterns, format, version -------------------------------- */

static int
align_pos(int v, int *pos)
{
	int n, step, i, side = IZIN_QR_SIDE(v);

	if (v == 1)
		return 0;
	n = v / 7 + 2;
	/* The standard's table E.1 follows this rule, with version 32 the
	 * one exception. */
	step = v == 32 ? 26 : (v * 4 + n * 2 + 1) / (n * 2 - 2) * 2;
	pos[0] = 6;
	for (i = n - 1; i >= 1; i--)
		pos[i] = side - 7 - (n - 1 - i) * step;
	return n;
}

/* fn[y * side + x] = 1 for every module that carries no data. */
static void
mark_function(unsigned char *fn, int v)
{
	int side = IZIN_QR_SIDE(v), pos[7], n, i, j, x, y;

	memset(fn, 0, (size_t)side * side);
	for (i = 0; i < side; i++)
		fn[6 * side + i] = fn[i * side + 6] = 1;
	for (y = 0; y < 9; y++)
		for (x = 0; x < 9; x++) {
			fn[y * side + x] = 1;
			if (x < 8)
				fn[y * side + side - 1 - x] = 1;
			if (y < 8)
				fn[(side - 1 - y) * side + x] = 1;
		}
	n = align_pos(v, pos);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if ((i == 0 && j == 0) || (i == 0 && j == n - 1) ||
			    (i == n - 1 && j == 0))
				continue;
			for (y = -2; y <= 2; y++)
				for (x = -2; x <= 2; x++)
					fn[(pos[i] + y) * side + pos[j] + x] = 1;
		}
	if (v >= 7)
		for (i = 0; i < 6; i++)
			for (j = 0; j < 3; j++) {
				fn[i * side + side - 11 + j] = 1;
				fn[(side - 11 + j) * side + i] = 1;
			}
}

static int
popcount(unsigned x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/* The 15-bit format code of ecl (0 L .. 3 H) and mask, as drawn. */
static unsigned
format_code(int ecl, int mask)
{
	static const int bits[4] = { 1, 0, 3, 2 };
	unsigned data = (unsigned)(bits[ecl] << 3 | mask), r = data;
	int i;

	for (i = 0; i < 10; i++)
		r = (r << 1) ^ ((r >> 9) * 0x537);
	return ((data << 10) | r) ^ 0x5412;
}

static unsigned
version_code(int v)
{
	unsigned r = (unsigned)v;
	int i;

	for (i = 0; i < 12; i++)
		r = (r << 1) ^ ((r >> 11) * 0x1f25);
	return (unsigned)v << 12 | r;
}

#define M(x, y) (m[(size_t)(y) * side + (x)] != 0)

/* The format information, nearest of the 32 codes within 3 bits of
 * either copy: 0 with *ecl and *mask, or -1. */
static int
read_format(const unsigned char *m, int side, int *ecl, int *mask)
{
	unsigned a = 0, b = 0, c;
	int i, e, k, best = 4;

	*ecl = *mask = 0;
	for (i = 0; i <= 5; i++)
		a |= (unsigned)M(8, i) << i;
	a |= (unsigned)M(8, 7) << 6 | (unsigned)M(8, 8) << 7 |
	    (unsigned)M(7, 8) << 8;
	for (i = 9; i < 15; i++)
		a |= (unsigned)M(14 - i, 8) << i;
	for (i = 0; i < 8; i++)
		b |= (unsigned)M(side - 1 - i, 8) << i;
	for (i = 8; i < 15; i++)
		b |= (unsigned)M(8, side - 15 + i) << i;
	for (e = 0; e < 4; e++)
		for (k = 0; k < 8; k++) {
			c = format_code(e, k);
			i = popcount(a ^ c);
			if (popcount(b ^ c) < i)
				i = popcount(b ^ c);
			if (i < best) {
				best = i;
				*ecl = e;
				*mask = k;
			}
		}
	return best <= 3 ? 0 : -1;
}

/* The version from side, checked (v >= 7) against the version
 * information, nearest of the 34 codes within 3 bits of either copy. */
static int
read_version(const unsigned char *m, int side)
{
	unsigned a = 0, b = 0, c;
	int i, v, d, best = 4, bestv = 0;

	if (side < 21 || side > 177 || (side - 17) % 4 != 0)
		return -1;
	v = (side - 17) / 4;
	if (v < 7)
		return v;
	for (i = 0; i < 18; i++) {
		a |= (unsigned)M(side - 11 + i % 3, i / 3) << i;
		b |= (unsigned)M(i / 3, side - 11 + i % 3) << i;
	}
	for (v = 7; v <= 40; v++) {
		c = version_code(v);
		d = popcount(a ^ c);
		if (popcount(b ^ c) < d)
			d = popcount(b ^ c);
		if (d < best) {
			best = d;
			bestv = v;
		}
	}
	return best <= 3 && bestv == (side - 17) / 4 ? bestv : -1;
}

static int
mask_bit(int mask, int x, int y)
{
	switch (mask) {
	case 0: return (x + y) % 2 == 0;
	case 1: return y % 2 == 0;
	case 2: return x % 3 == 0;
	case 3: return (x + y) % 3 == 0;
	case 4: return (x / 3 + y / 2) % 2 == 0;
	case 5: return x * y % 2 + x * y % 3 == 0;
	case 6: return (x * y % 2 + x * y % 3) % 2 == 0;
	default: return ((x + y) % 2 + x * y % 3) % 2 == 0;
	}
}

/* Codewords of a version: its data modules over 8. */
static int
raw_codewords(int v)
{
	int r = (16 * v + 128) * v + 64, n;

	if (v >= 2) {
		n = v / 7 + 2;
		r -= (25 * n - 10) * n - 55;
		if (v >= 7)
			r -= 36;
	}
	return r / 8;
}

/* ---- The bitstream ----------------------------------------------------- */

struct bits {
	const unsigned char *p;
	size_t nbits, pos;
};

static size_t
bits_left(const struct bits *b)
{
	return b->nbits - b->pos;
}

/* n <= 24 bits; the caller has checked that they are there. */
static unsigned long
bits_get(struct bits *b, int n)
{
	unsigned long v = 0;

	while (n-- > 0) {
		v = v << 1 | ((b->p[b->pos >> 3] >> (7 - (b->pos & 7))) & 1);
		b->pos++;
	}
	return v;
}

struct out {
	izin_qrbits *q;
	size_t segcap, datacap;
};

static int
put_bytes(struct out *o, const unsigned char *p, size_t n)
{
	izin_qrbits *q = o->q;
	unsigned char *d;
	size_t cap;

	if (q->data == NULL || q->len + n + 1 > o->datacap) {
		cap = o->datacap ? o->datacap : 64;
		while (cap < q->len + n + 1)
			cap *= 2;
		if ((d = realloc(q->data, cap)) == NULL)
			return IZIN_ENOMEM;
		q->data = d;
		o->datacap = cap;
	}
	if (n > 0)
		memcpy(q->data + q->len, p, n);
	q->len += n;
	q->data[q->len] = '\0';
	return 0;
}

static int
new_seg(struct out *o, int mode, long eci)
{
	izin_qrbits *q = o->q;
	izin_qrseg *s;
	size_t cap;

	if (q->nseg == o->segcap) {
		cap = o->segcap ? 2 * o->segcap : 8;
		if ((s = realloc(q->seg, cap * sizeof *s)) == NULL)
			return IZIN_ENOMEM;
		q->seg = s;
		o->segcap = cap;
	}
	s = &q->seg[q->nseg++];
	s->mode = mode;
	s->eci = eci;
	s->off = q->len;
	s->len = 0;
	return 0;
}

static const char alnum_set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static int
parse(struct bits *b, izin_qrbits *q)
{
	/* Character count bits for numeric, alnum, byte and kanji, in
	 * versions 1-9, 10-26, 27-40. */
	static const int ccbits[4][3] = {
		{ 10, 12, 14 }, { 9, 11, 13 }, { 8, 16, 16 }, { 8, 10, 12 },
	};
	struct out o = { q, 0, 0 };
	unsigned char c[3];
	unsigned long mode, n, v, i, need;
	long eci = -1;
	int sz = q->version <= 9 ? 0 : q->version <= 26 ? 1 : 2, kind, r;

	while (bits_left(b) >= 4) {
		mode = bits_get(b, 4);
		if (mode == 0)
			break;
		switch (mode) {
		case 7:
			if (bits_left(b) < 8)
				return IZIN_EINVAL;
			v = bits_get(b, 8);
			if ((v & 0x80) == 0)
				eci = (long)v;
			else if ((v & 0xc0) == 0x80) {
				if (bits_left(b) < 8)
					return IZIN_EINVAL;
				eci = (long)((v & 0x3f) << 8 | bits_get(b, 8));
			} else if ((v & 0xe0) == 0xc0) {
				if (bits_left(b) < 16)
					return IZIN_EINVAL;
				eci = (long)((v & 0x1f) << 16 | bits_get(b, 16));
			} else
				return IZIN_EINVAL;
			q->has_eci = 1;
			continue;
		case 5:
			q->fnc1 = 1;
			continue;
		case 9:
			if (bits_left(b) < 8)
				return IZIN_EINVAL;
			q->fnc1 = 2;
			q->fnc1_ai = (int)bits_get(b, 8);
			continue;
		case 3:
			if (bits_left(b) < 16)
				return IZIN_EINVAL;
			q->sa_index = (int)bits_get(b, 4);
			q->sa_count = (int)bits_get(b, 4) + 1;
			q->sa_parity = (int)bits_get(b, 8);
			continue;
		case 1: kind = IZIN_QRSEG_NUMERIC; break;
		case 2: kind = IZIN_QRSEG_ALNUM; break;
		case 4: kind = IZIN_QRSEG_BYTE; break;
		case 8: kind = IZIN_QRSEG_KANJI; break;
		default:
			/* Hanzi (GB/T 18284) and the reserved modes. */
			return IZIN_EINVAL;
		}
		if (bits_left(b) < (size_t)ccbits[kind][sz])
			return IZIN_EINVAL;
		n = bits_get(b, ccbits[kind][sz]);
		switch (kind) {
		case IZIN_QRSEG_NUMERIC:
			need = n / 3 * 10 + (n % 3 == 2 ? 7 : n % 3 == 1 ? 4 : 0);
			break;
		case IZIN_QRSEG_ALNUM:
			need = n / 2 * 11 + n % 2 * 6;
			break;
		case IZIN_QRSEG_BYTE:
			need = n * 8;
			break;
		default:
			need = n * 13;
		}
		if (need > bits_left(b))
			return IZIN_EINVAL;
		if ((r = new_seg(&o, kind, eci)) < 0)
			return r;
		for (i = 0; i < n; ) {
			size_t k = 0;

			switch (kind) {
			case IZIN_QRSEG_NUMERIC:
				k = n - i >= 3 ? 3 : n - i;
				v = bits_get(b, k == 3 ? 10 : k == 2 ? 7 : 4);
				if (v >= (k == 3 ? 1000UL : k == 2 ? 100UL : 10UL))
					return IZIN_EINVAL;
				if (k == 3)
					c[0] = (unsigned char)('0' + v / 100);
				if (k >= 2)
					c[k - 2] = (unsigned char)('0' + v / 10 % 10);
				c[k - 1] = (unsigned char)('0' + v % 10);
				break;
			case IZIN_QRSEG_ALNUM:
				k = n - i >= 2 ? 2 : 1;
				v = bits_get(b, k == 2 ? 11 : 6);
				if (v >= (k == 2 ? 45UL * 45 : 45UL))
					return IZIN_EINVAL;
				if (k == 2) {
					c[0] = (unsigned char)alnum_set[v / 45];
					c[1] = (unsigned char)alnum_set[v % 45];
				} else
					c[0] = (unsigned char)alnum_set[v];
				break;
			case IZIN_QRSEG_BYTE:
				k = 1;
				c[0] = (unsigned char)bits_get(b, 8);
				break;
			default:
				v = bits_get(b, 13);
				v = (v / 0xc0) << 8 | v % 0xc0;
				v += v < 0x1f00 ? 0x8140 : 0xc140;
				c[0] = (unsigned char)(v >> 8);
				c[1] = (unsigned char)v;
				if ((r = put_bytes(&o, c, 2)) < 0)
					return r;
				q->seg[q->nseg - 1].len += 2;
				i++;
				continue;
			}
			if ((r = put_bytes(&o, c, k)) < 0)
				return r;
			q->seg[q->nseg - 1].len += k;
			i += k;
		}
	}
	if (q->fnc1 == 1) {
		/* GS1: in alphanumeric segments "%%" stands for '%' and a
		 * lone '%' for FNC1, sent as GS (0x1d), as zbar and ZXing
		 * do. */
		size_t s, j, w, base;

		for (s = 0, w = 0; s < q->nseg; s++) {
			izin_qrseg *g = &q->seg[s];

			base = w;
			for (j = g->off; j < g->off + g->len; j++) {
				unsigned char ch = q->data[j];

				if (g->mode == IZIN_QRSEG_ALNUM && ch == '%') {
					if (j + 1 < g->off + g->len &&
					    q->data[j + 1] == '%')
						j++;
					else
						ch = 0x1d;
				}
				q->data[w++] = ch;
			}
			g->off = base;
			g->len = w - base;
		}
		q->len = w;
		if (q->data != NULL)
			q->data[w] = '\0';
	}
	if (q->data == NULL && (r = put_bytes(&o, c, 0)) < 0)
		return r;
	return 0;
}

int
izin_qrbits_parse(const unsigned char *data, size_t n, int version,
                  izin_qrbits *q)
{
	struct bits bs;
	int r;

	if (q == NULL)
		return IZIN_EINVAL;
	memset(q, 0, sizeof *q);
	if (data == NULL || version < 1 || version > 40)
		return IZIN_EINVAL;
	q->version = version;
	q->sa_index = q->sa_count = q->sa_parity = -1;
	bs.p = data;
	bs.nbits = n * 8;
	bs.pos = 0;
	if ((r = parse(&bs, q)) < 0)
		izin_qrbits_clear(q);
	return r;
}

int
izin_qrbits_layout(int v, int ecl, int *nb, int *ne, int *nshort,
                   int *order)
{
	unsigned char fn[177 * 177];
	int side, right, vert, j, x, y, upward, ncw, bit = 0;

	if (v < 1 || v > 40 || ecl < 0 || ecl > 3)
		return IZIN_EINVAL;
	side = IZIN_QR_SIDE(v);
	ncw = raw_codewords(v);
	*nb = nblocks[ecl][v];
	*ne = ecc_per_block[ecl][v];
	*nshort = *nb - ncw % *nb;
	mark_function(fn, v);
	for (right = side - 1; right >= 1; right -= 2) {
		if (right == 6)
			right = 5;
		upward = ((right + 1) & 2) == 0;
		for (vert = 0; vert < side; vert++)
			for (j = 0; j < 2; j++) {
				x = right - j;
				y = upward ? side - 1 - vert : vert;
				if (!fn[y * side + x] && bit < ncw * 8)
					order[bit++] = y * side + x;
			}
	}
	return ncw;
}

int
izin_qrbits_read(const unsigned char *m, int side, izin_qrbits *q)
{
	unsigned char *cw = NULL, *blk = NULL, *data = NULL;
	int v, ecl, mask, ncw, nb, ne, nshort, shortlen, nd, i, k, x, y;
	int r = IZIN_EINVAL, fixed = 0, c, *order = NULL;
	size_t bit;
	struct bits bs;

	if (q == NULL)
		return IZIN_EINVAL;
	memset(q, 0, sizeof *q);
	if (m == NULL || (v = read_version(m, side)) < 0 ||
	    read_format(m, side, &ecl, &mask) < 0)
		return IZIN_EINVAL;
	pthread_once(&gf_once, gf_fill);
	ncw = raw_codewords(v);
	shortlen = ncw / nblocks[ecl][v];
	nd = ncw - nblocks[ecl][v] * ecc_per_block[ecl][v];
	order = calloc((size_t)ncw * 8, sizeof *order);
	cw = calloc((size_t)ncw, 1);
	blk = malloc((size_t)shortlen + 1);
	data = malloc((size_t)nd + 1);
	if (order == NULL || cw == NULL || blk == NULL || data == NULL) {
		r = IZIN_ENOMEM;
		goto out;
	}
	/* The codewords' bits, in the order the standard places them,
	 * unmasked. */
	if (izin_qrbits_layout(v, ecl, &nb, &ne, &nshort, order) != ncw)
		goto out;
	for (bit = 0; bit < (size_t)ncw * 8; bit++) {
		x = order[bit] % side;
		y = order[bit] / side;
		if (M(x, y) ^ mask_bit(mask, x, y))
			cw[bit >> 3] |= (unsigned char)(0x80 >> (bit & 7));
	}
	/* Block k's codeword i sits at i * nb + k for its data part (the
	 * short blocks skip the last data round) and after all data for
	 * its parity part. */
	for (k = 0, c = 0; k < nb; k++) {
		int len = shortlen + (k >= nshort), dl = len - ne;

		for (i = 0; i < dl; i++) {
			int idx = i * nb + k;

			if (i == shortlen - ne)
				idx = i * nb + k - nshort;
			blk[i] = cw[idx];
		}
		for (i = 0; i < ne; i++)
			blk[dl + i] = cw[nd + i * nb + k];
		if ((i = rs_correct(blk, len, ne)) < 0)
			goto out;
		fixed += i;
		memcpy(data + c, blk, (size_t)dl);
		c += dl;
	}
	q->version = v;
	q->ecl = ecl;
	q->mask = mask;
	q->corrected = fixed;
	q->sa_index = q->sa_count = q->sa_parity = -1;
	bs.p = data;
	bs.nbits = (size_t)nd * 8;
	bs.pos = 0;
	r = parse(&bs, q);
out:
	free(order);
	free(cw);
	free(blk);
	free(data);
	if (r < 0)
		izin_qrbits_clear(q);
	return r;
}

void
izin_qrbits_clear(izin_qrbits *q)
{
	if (q == NULL)
		return;
	free(q->seg);
	free(q->data);
	memset(q, 0, sizeof *q);
}
