/*
 * check_qrbits.c - reading a QR symbol's module grid as bits (qrbits.c),
 * its text as UTF-8 (qrtext.c), and izin_scan()'s UTF-8 for codes with
 * an ECI, Kanji mode or a charset to guess (qrsample.c).  Symbols come
 * from libqrencode's QRinput API, so every segment is known.
 */
#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "izin.h"
#include "geom_internal.h"
#include "check_util.h"
#include "fixture.h"

/* libqrencode exports this (qrencode_inner.h, for its own tests) though
 * qrencode.h does not declare it: a symbol with the mask forced. */
extern QRcode *QRcode_encodeMask(QRinput *input, int mask);

static const QRecLevel levels[4] = {
	QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H
};

/* "日本語テキスト" in Shift_JIS, and in UTF-8. */
static const char sjis_text[] =
    "\x93\xfa\x96\x7b\x8c\xea\x83\x65\x83\x4c\x83\x58\x83\x67";
static const char utf8_text[] =
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x86\xe3\x82\xad"
    "\xe3\x82\xb9\xe3\x83\x88";

/* The module matrix (1 dark) of a libqrencode symbol. */
static unsigned char *
matrix(const QRcode *c)
{
	unsigned char *m = malloc((size_t)c->width * c->width);
	int i;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < c->width * c->width; i++)
		m[i] = c->data[i] & 1;
	return m;
}

/* input encoded with mask (-1: libqrencode's choice), read back. */
static QRcode *
encode_input(QRinput *in, int mask)
{
	QRcode *c = mask < 0 ? QRcode_encodeInput(in) :
	    QRcode_encodeMask(in, mask);

	ck_assert_ptr_nonnull(c);
	return c;
}

static void
read_code(const QRcode *c, izin_qrbits *q)
{
	unsigned char *m = matrix(c);

	ck_assert_int_eq(izin_qrbits_read(m, c->width, q), 0);
	free(m);
}

static void
append(QRinput *in, QRencodeMode mode, const char *s, size_t n)
{
	ck_assert_int_eq(QRinput_append(in, mode, (int)n,
	    (const unsigned char *)s), 0);
}

static void
assert_seg(const izin_qrbits *q, size_t i, int mode, long eci,
           const char *bytes, size_t n)
{
	ck_assert_uint_lt(i, q->nseg);
	ck_assert_int_eq(q->seg[i].mode, mode);
	ck_assert_int_eq(q->seg[i].eci, eci);
	ck_assert_uint_eq(q->seg[i].len, n);
	ck_assert_mem_eq(q->data + q->seg[i].off, bytes, n);
}

static char *
utf8_of(const izin_qrbits *q, const char *bytes, size_t n, size_t *len,
        const char **how)
{
	char *u;

	ck_assert_int_eq(izin_qrtext_utf8(q, bytes, n, &u, len, how), 0);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(u[*len], '\0');
	return u;
}

/* ---- segments ---- */

START_TEST(test_mixed_segments)
{
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	izin_qrbits q;
	QRcode *c;
	char *u;
	size_t n;
	const char *how;

	append(in, QR_MODE_NUM, "0123456789", 10);
	append(in, QR_MODE_AN, "HELLO $%*+-./:", 14);
	append(in, QR_MODE_KANJI, sjis_text, 14);
	ck_assert_int_eq(QRinput_appendECIheader(in, 26), 0);
	append(in, QR_MODE_8, "caf\xc3\xa9", 5);
	append(in, QR_MODE_NUM, "7", 1);
	c = encode_input(in, -1);
	read_code(c, &q);
	ck_assert_uint_eq(q.nseg, 5);
	assert_seg(&q, 0, IZIN_QRSEG_NUMERIC, -1, "0123456789", 10);
	assert_seg(&q, 1, IZIN_QRSEG_ALNUM, -1, "HELLO $%*+-./:", 14);
	assert_seg(&q, 2, IZIN_QRSEG_KANJI, -1, sjis_text, 14);
	assert_seg(&q, 3, IZIN_QRSEG_BYTE, 26, "caf\xc3\xa9", 5);
	assert_seg(&q, 4, IZIN_QRSEG_NUMERIC, 26, "7", 1);
	ck_assert_int_eq(q.has_eci, 1);
	ck_assert_int_eq(q.version, c->version);
	ck_assert_int_eq(q.ecl, 1);
	ck_assert_int_eq(q.corrected, 0);
	u = utf8_of(&q, NULL, 0, &n, &how);
	ck_assert_str_eq(u, "0123456789HELLO $%*+-./:"
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x86\xe3\x82\xad"
	    "\xe3\x82\xb9\xe3\x83\x88" "caf\xc3\xa9" "7");
	ck_assert_str_eq(how, "Kanji mode Shift_JIS");
	free(u);
	izin_qrbits_clear(&q);
	QRcode_free(c);
	QRinput_free(in);
}
END_TEST

/* ECI designators of two and three bytes, FNC1 in first position (the
 * '%' rules) and second, and a structured-append header.  libqrencode
 * 4.1 writes three-byte designators wrong (0xc0000 for 0xc00000) and
 * refuses FNC1, so those are bitstreams made by hand. */
START_TEST(test_headers)
{
	static const unsigned char eci3[] = {
		0x7c, 0x1e, 0x24, 0x04, 0x01, 0x78, 0x00 };
	static const unsigned char fnc1[] = {
		0x52, 0x03, 0x80, 0x1d, 0xa8, 0x7a, 0x0b, 0x00 };
	static const unsigned char fnc2[] = { 0x9a, 0x54, 0x01, 0x78, 0x00 };
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_L);
	QRinput_Struct *st;
	izin_qrbits q;
	QRcode *c;

	ck_assert_int_eq(QRinput_appendECIheader(in, 1000), 0);
	append(in, QR_MODE_8, "x", 1);
	c = encode_input(in, -1);
	read_code(c, &q);
	ck_assert_uint_eq(q.nseg, 1);
	assert_seg(&q, 0, IZIN_QRSEG_BYTE, 1000, "x", 1);
	izin_qrbits_clear(&q);
	QRcode_free(c);
	QRinput_free(in);

	ck_assert_int_eq(izin_qrbits_parse(eci3, sizeof eci3, 1, &q), 0);
	ck_assert_uint_eq(q.nseg, 1);
	assert_seg(&q, 0, IZIN_QRSEG_BYTE, 123456, "x", 1);
	izin_qrbits_clear(&q);

	ck_assert_int_eq(izin_qrbits_parse(fnc1, sizeof fnc1, 1, &q), 0);
	ck_assert_int_eq(q.fnc1, 1);
	assert_seg(&q, 0, IZIN_QRSEG_ALNUM, -1, "01%A\x1d" "B", 6);
	ck_assert_uint_eq(q.len, 6);
	izin_qrbits_clear(&q);

	ck_assert_int_eq(izin_qrbits_parse(fnc2, sizeof fnc2, 1, &q), 0);
	ck_assert_int_eq(q.fnc1, 2);
	ck_assert_int_eq(q.fnc1_ai, 165);
	assert_seg(&q, 0, IZIN_QRSEG_BYTE, -1, "x", 1);
	izin_qrbits_clear(&q);

	in = QRinput_new2(0, QR_ECLEVEL_L);
	append(in, QR_MODE_8, "first half, second half", 23);
	st = QRinput_Struct_new();
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(QRinput_Struct_appendInput(st, in), 1);
	in = QRinput_new2(0, QR_ECLEVEL_L);
	append(in, QR_MODE_8, "more", 4);
	ck_assert_int_eq(QRinput_Struct_appendInput(st, in), 2);
	ck_assert_int_eq(QRinput_Struct_insertStructuredAppendHeaders(st), 0);
	{
		QRcode_List *l = QRcode_encodeInputStructured(st), *e;
		int k = 0;

		ck_assert_ptr_nonnull(l);
		for (e = l; e != NULL; e = e->next, k++) {
			read_code(e->code, &q);
			ck_assert_int_eq(q.sa_index, k);
			ck_assert_int_eq(q.sa_count, 2);
			ck_assert_int_ge(q.sa_parity, 0);
			izin_qrbits_clear(&q);
		}
		ck_assert_int_eq(k, 2);
		QRcode_List_free(l);
	}
	QRinput_Struct_free(st);
}
END_TEST

/* Every version and level, the mask varied: byte data filling about
 * half the symbol comes back exactly. */
START_TEST(test_versions_levels)
{
	int v = _i / 4 + 1, e = _i % 4, n, i;
	unsigned char buf[1500];
	QRinput *in;
	izin_qrbits q;
	QRcode *c;

	/* Capacity in bytes at level H is at least a quarter of the
	 * codewords; stay under it. */
	n = (v * v * 2 + 10) / (e + 2);
	if (n > 1200)
		n = 1200;
	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 37 + v * 11 + e);
	in = QRinput_new2(v, levels[e]);
	ck_assert_ptr_nonnull(in);
	append(in, QR_MODE_8, (const char *)buf, (size_t)n);
	c = encode_input(in, _i % 8);
	ck_assert_int_eq(c->version, v);
	read_code(c, &q);
	ck_assert_int_eq(q.version, v);
	ck_assert_int_eq(q.ecl, e);
	ck_assert_int_eq(q.mask, _i % 8);
	ck_assert_uint_eq(q.nseg, 1);
	assert_seg(&q, 0, IZIN_QRSEG_BYTE, -1, (const char *)buf, (size_t)n);
	izin_qrbits_clear(&q);
	QRcode_free(c);
	QRinput_free(in);
}
END_TEST

/* All 8 masks on a small and a large symbol, in numeric and
 * alphanumeric mode. */
START_TEST(test_masks)
{
	static const int vs[] = { 2, 7, 27 };
	int k;

	for (k = 0; k < 3; k++) {
		QRinput *in = QRinput_new2(vs[k], QR_ECLEVEL_Q);
		izin_qrbits q;
		QRcode *c;

		append(in, QR_MODE_NUM, "31415926535", 11);
		append(in, QR_MODE_AN, "IZ:MASK", 7);
		c = encode_input(in, _i);
		read_code(c, &q);
		ck_assert_int_eq(q.mask, _i);
		ck_assert_int_eq(q.version, vs[k]);
		assert_seg(&q, 0, IZIN_QRSEG_NUMERIC, -1, "31415926535", 11);
		assert_seg(&q, 1, IZIN_QRSEG_ALNUM, -1, "IZ:MASK", 7);
		izin_qrbits_clear(&q);
		QRcode_free(c);
		QRinput_free(in);
	}
}
END_TEST

/* ---- Reed-Solomon ---- */

/* Damage codeword i of block k (the standard's interleaving) of a
 * symbol, every bit of it flipped. */
static void
damage(unsigned char *m, int v, int e, int k, int i)
{
	static int order[3706 * 8];
	int nb, ne, nshort, ncw, shortlen, idx, b;

	ncw = izin_qrbits_layout(v, e, &nb, &ne, &nshort, order);
	ck_assert_int_gt(ncw, 0);
	shortlen = ncw / nb;
	if (i < shortlen + (k >= nshort) - ne)
		idx = i == shortlen - ne ? i * nb + k - nshort : i * nb + k;
	else
		idx = ncw - nb * ne + (i - (shortlen + (k >= nshort) - ne)) *
		    nb + k;
	for (b = 0; b < 8; b++)
		m[order[idx * 8 + b]] ^= 1;
}

/* Up to ne / 2 codewords a block damaged: still read, and the count of
 * corrections right; one more in a block: a clean failure. */
START_TEST(test_rs)
{
	static const struct { int v, e; } t[] = {
		{ 1, 0 }, { 1, 3 }, { 5, 2 }, { 10, 1 }, { 21, 3 }, { 40, 0 },
		{ 40, 3 },
	};
	int v = t[_i].v, e = t[_i].e, nb, ne, nshort, ncw, k, j, n, len;
	static int order[3706 * 8];
	unsigned char buf[400], *m;
	izin_qrbits q;
	QRinput *in;
	QRcode *c;

	for (j = 0; j < 300; j++)
		buf[j] = (unsigned char)(j * 7 + 1);
	n = v == 1 ? 5 : v == 5 ? 40 : 300 / (e + 1);
	in = QRinput_new2(v, levels[e]);
	append(in, QR_MODE_8, (const char *)buf, (size_t)n);
	c = encode_input(in, -1);
	ck_assert_int_eq(c->version, v);
	ncw = izin_qrbits_layout(v, e, &nb, &ne, &nshort, order);
	m = matrix(c);
	/* Versions 1-L, 1-M and 2-L keep a few parity codewords for
	 * detection only (the standard's "p"): stay within what the
	 * others correct. */
	for (k = 0; k < nb; k++) {
		len = ncw / nb + (k >= nshort);
		for (j = 0; j < ne / 2 - (v == 1 && e == 0 ? 1 : 0); j++)
			damage(m, v, e, k, (j * 2 + k) % len);
	}
	ck_assert_int_eq(izin_qrbits_read(m, c->width, &q), 0);
	ck_assert_int_eq(q.corrected, nb * (ne / 2 - (v == 1 && e == 0)));
	assert_seg(&q, 0, IZIN_QRSEG_BYTE, -1, (const char *)buf, (size_t)n);
	izin_qrbits_clear(&q);
	/* Beyond: ne / 2 + 1 in block 0, the rest as before. */
	for (j = ne / 2 - (v == 1 && e == 0); j <= ne / 2 + 1; j++)
		damage(m, v, e, 0, (j * 2) % (ncw / nb));
	ck_assert_int_eq(izin_qrbits_read(m, c->width, &q), IZIN_EINVAL);
	ck_assert_ptr_null(q.data);
	ck_assert_uint_eq(q.nseg, 0);
	free(m);
	QRcode_free(c);
	QRinput_free(in);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(test_random_grids)
{
	unsigned char *m = malloc(177 * 177);
	unsigned seed = 12345;
	int k, i, side, r;
	izin_qrbits q;

	ck_assert_ptr_nonnull(m);
	for (k = 0; k < 400; k++) {
		side = k % 3 == 0 ? 17 + 4 * (k % 40 + 1) : k % 200;
		for (i = 0; i < 177 * 177; i++) {
			seed = seed * 1103515245 + 12345;
			m[i] = (seed >> 16) & 1;
		}
		r = izin_qrbits_read(m, side, &q);
		ck_assert(r == 0 || r == IZIN_EINVAL);
		if (r == 0)
			ck_assert_ptr_nonnull(q.data);
		izin_qrbits_clear(&q);
	}
	ck_assert_int_eq(izin_qrbits_read(NULL, 21, &q), IZIN_EINVAL);
	free(m);
}
END_TEST

/* Sampling noise, a degenerate quad, or a code whose bytes are not
 * what zbar is said to have read: no reading, no crash. */
START_TEST(test_sample_hostile)
{
	static const double quads[][4][2] = {
		{ { 10, 10 }, { 10, 150 }, { 150, 150 }, { 150, 10 } },
		{ { 10, 10 }, { 10, 10 }, { 10, 10 }, { 10, 10 } },
		{ { 0, 0 }, { 50, 50 }, { 100, 100 }, { 150, 150 } },
		{ { -1e9, 5 }, { 3, 1e12 }, { 1e9, 1e9 }, { 150, -40 } },
	};
	izin_image *im = blank(160, 160, 255);
	unsigned seed = 7;
	izin_qrbits q;
	size_t i;

	for (i = 0; i < 160 * 160; i++) {
		seed = seed * 1103515245 + 12345;
		im->gray[i] = (unsigned char)(seed >> 16);
	}
	for (i = 0; i < sizeof quads / sizeof quads[0]; i++) {
		ck_assert_int_eq(izin_qrbits_sample(im, quads[i], "x", 1, &q),
		    IZIN_EINVAL);
		ck_assert_ptr_null(q.data);
	}
	izin_image_free(im);

	/* A real code, but zbar's bytes said to be something else. */
	{
		QRcode *c = QRcode_encodeString8bit("caf\xc3\xa9", 0,
		    QR_ECLEVEL_M);
		int n = (c->width + 8) * 4;
		double quad[4][2] = { { 16, 16 }, { 16, n - 16.0 },
		    { n - 16.0, n - 16.0 }, { n - 16.0, 16 } };

		im = blank(n, n, 255);
		draw_modules(im, c->data, c->width, 0, 0, 4, 4, 0, 255);
		ck_assert_int_eq(izin_qrbits_sample(im, quad, "caf\xc3\xa9", 5,
		    &q), 0);
		assert_seg(&q, 0, IZIN_QRSEG_BYTE, -1, "caf\xc3\xa9", 5);
		izin_qrbits_clear(&q);
		ck_assert_int_eq(izin_qrbits_sample(im, quad, "cafe", 4, &q),
		    IZIN_EINVAL);
		izin_image_free(im);
		QRcode_free(c);
	}
}
END_TEST

/* Bitstreams that claim more than they hold, or hold what no mode
 * allows: refused, never read past. */
START_TEST(test_hostile_bitstreams)
{
	static const struct { unsigned char b[4]; size_t n; int v, r; } t[] = {
		/* byte mode, 255 bytes claimed, 2 there */
		{ { 0x4f, 0xf4, 0x14, 0x20 }, 4, 1, IZIN_EINVAL },
		/* numeric, 1023 digits claimed */
		{ { 0x1f, 0xfc, 0x00, 0x00 }, 4, 1, IZIN_EINVAL },
		/* kanji, 16 bits of count in version 40: 3 bytes */
		{ { 0x80, 0xff, 0xff, 0x00 }, 4, 40, IZIN_EINVAL },
		/* ECI with a 3-byte designator cut short */
		{ { 0x7c, 0x12, 0x00, 0x00 }, 2, 1, IZIN_EINVAL },
		/* ECI first byte 111xxxxx: no such form */
		{ { 0x7e, 0x00, 0x00, 0x00 }, 4, 1, IZIN_EINVAL },
		/* numeric group 999 < value: "1023" in 10 bits */
		{ { 0x10, 0x0f, 0xfe, 0x00 }, 4, 1, IZIN_EINVAL },
		/* Hanzi mode */
		{ { 0xd1, 0x00, 0x00, 0x00 }, 4, 1, IZIN_EINVAL },
		/* byte mode, 1 byte "A", terminator */
		{ { 0x40, 0x14, 0x10, 0x00 }, 4, 1, 0 },
		/* nothing but a terminator */
		{ { 0x00, 0x00, 0x00, 0x00 }, 4, 1, 0 },
	};
	izin_qrbits q;

	ck_assert_int_eq(izin_qrbits_parse(t[_i].b, t[_i].n, t[_i].v, &q),
	    t[_i].r);
	if (t[_i].r == 0) {
		ck_assert_ptr_nonnull(q.data);
		ck_assert_uint_eq(q.len, _i == 7 ? 1 : 0);
		if (_i == 7)
			ck_assert_int_eq(q.data[0], 'A');
		/* No segment at all: an empty text (found by
		 * fuzz_qrbits: it was left unterminated). */
		if (_i == 8) {
			size_t n;
			const char *how;
			char *u = utf8_of(&q, NULL, 0, &n, &how);

			ck_assert_uint_eq(n, 0);
			ck_assert_str_eq(how, "ASCII");
			free(u);
		}
	} else
		ck_assert_ptr_null(q.data);
	izin_qrbits_clear(&q);
}
END_TEST

/* ---- text ---- */

/* One byte segment after an ECI header (eci < 0: none). */
static char *
text_of(long eci, QRencodeMode mode, const char *s, size_t n, size_t *len,
        const char **how)
{
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	izin_qrbits q;
	QRcode *c;
	char *u;

	if (eci >= 0)
		ck_assert_int_eq(QRinput_appendECIheader(in, (unsigned)eci), 0);
	append(in, mode, s, n);
	c = encode_input(in, -1);
	read_code(c, &q);
	u = utf8_of(&q, NULL, 0, len, how);
	izin_qrbits_clear(&q);
	QRcode_free(c);
	QRinput_free(in);
	return u;
}

START_TEST(test_text)
{
	static const struct {
		long eci;
		QRencodeMode mode;
		const char *in;
		size_t n;
		const char *out;
		const char *how;
	} t[] = {
		{ -1, QR_MODE_8, sjis_text, 14, utf8_text,
		  "guessed Shift_JIS" },
		{ -1, QR_MODE_KANJI, sjis_text, 14, utf8_text,
		  "Kanji mode Shift_JIS" },
		{ 20, QR_MODE_8, sjis_text, 14, utf8_text,
		  "ECI 20 Shift_JIS" },
		{ 26, QR_MODE_8, "caf\xc3\xa9", 5, "caf\xc3\xa9",
		  "ECI 26 UTF-8" },
		{ 3, QR_MODE_8, "caf\xe9", 4, "caf\xc3\xa9",
		  "ECI 3 ISO-8859-1" },
		{ -1, QR_MODE_8, "caf\xe9", 4, "caf\xc3\xa9",
		  "guessed ISO-8859-1" },
		{ -1, QR_MODE_8, "caf\xc3\xa9", 5, "caf\xc3\xa9",
		  "guessed UTF-8" },
		{ 25, QR_MODE_8, "\x00" "c\x00" "a\x00" "f\x00\xe9\x65\xe5",
		  10, "caf\xc3\xa9\xe6\x97\xa5", "ECI 25 UTF-16BE" },
		/* 0x5c and 0x7e are ASCII, as in ZXing; 0x8160 WAVE DASH */
		{ 20, QR_MODE_8, "a\\b~\x81\x60", 6, "a\\b~\xe3\x80\x9c",
		  "ECI 20 Shift_JIS" },
		/* ECI 7: ISO-8859-5, Cyrillic */
		{ 7, QR_MODE_8, "\xbf\xe0\xd8", 3, "\xd0\x9f\xd1\x80\xd0\xb8",
		  "ECI 7 ISO-8859-5" },
		/* Invalid UTF-8 under ECI 26: U+FFFD, the rest kept */
		{ 26, QR_MODE_8, "a\xff" "b", 3, "a\xef\xbf\xbd" "b",
		  "ECI 26 UTF-8" },
		/* An ECI no charset is known for: guessed */
		{ 899, QR_MODE_8, "caf\xc3\xa9", 5, "caf\xc3\xa9",
		  "guessed UTF-8" },
	};
	const char *how;
	size_t n;
	char *u = text_of(t[_i].eci, t[_i].mode, t[_i].in, t[_i].n, &n, &how);

	ck_assert_uint_eq(n, strlen(t[_i].out));
	ck_assert_str_eq(u, t[_i].out);
	ck_assert_str_eq(how, t[_i].how);
	free(u);
}
END_TEST

/* With no bitstream, the guess on the bytes alone. */
START_TEST(test_guess_bytes)
{
	static const struct { const char *in, *out, *how; } t[] = {
		{ "IZ1:ABC", "IZ1:ABC", "ASCII" },
		{ "caf\xc3\xa9", "caf\xc3\xa9", "guessed UTF-8" },
		{ "caf\xe9", "caf\xc3\xa9", "guessed ISO-8859-1" },
		{ sjis_text, utf8_text, "guessed Shift_JIS" },
		/* Two half-width katakana alone: Shift_JIS */
		{ "\xb1\xb2", "\xef\xbd\xb1\xef\xbd\xb2", "guessed Shift_JIS" },
		/* 0x80-0x9f single: not Latin-1, not UTF-8, not SJIS */
		{ "\x85", "\xc2\x85", "guessed ISO-8859-1" },
		/* UTF-8 by the guess's rule, but above U+10FFFF (glibc's
		 * decoder passes it): U+FFFD a byte (found by fuzz_qrbits) */
		{ "\xf7\xb7\xb9\x9b", "\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd", "guessed UTF-8" },
	};
	const char *how;
	size_t n;
	char *u = utf8_of(NULL, t[_i].in, strlen(t[_i].in), &n, &how);

	ck_assert_str_eq(u, t[_i].out);
	ck_assert_str_eq(how, t[_i].how);
	free(u);
}
END_TEST

/* ---- izin_scan ---- */

/* input drawn 4 pixels a module with a 4-module quiet zone, scanned:
 * one code, its bytes and UTF-8. */
static void
scan_input(QRinput *in, const char *bytes, size_t nbytes, const char *utf8,
           const char *how)
{
	QRcode *c = encode_input(in, -1);
	int n = (c->width + 8) * 4;
	izin_image *im = blank(n + 37, n + 11, 255);
	izin_codes *codes;

	draw_modules(im, c->data, c->width, 13, 5, 4, 4, 0, 255);
	QRcode_free(c);
	QRinput_free(in);
	ck_assert_int_eq(izin_scan(im, &codes), 0);
	izin_image_free(im);
	ck_assert_uint_eq(codes->n, 1);
	if (bytes != NULL) {
		ck_assert_uint_eq(codes->len[0], nbytes);
		ck_assert_mem_eq(codes->text[0], bytes, nbytes);
	}
	ck_assert_uint_eq(codes->utf8_len[0], strlen(utf8));
	ck_assert_str_eq(codes->utf8[0], utf8);
	ck_assert_str_eq(codes->charset[0], how);
	izin_codes_free(codes);
}

static QRinput *
input(long eci, QRencodeMode mode, const char *s, size_t n)
{
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);

	ck_assert_ptr_nonnull(in);
	if (eci >= 0)
		ck_assert_int_eq(QRinput_appendECIheader(in, (unsigned)eci), 0);
	append(in, mode, s, n);
	return in;
}

START_TEST(test_scan_sjis_bytes)
{
	scan_input(input(-1, QR_MODE_8, sjis_text, 14), sjis_text, 14,
	    utf8_text, "guessed Shift_JIS");
}
END_TEST

START_TEST(test_scan_kanji)
{
	scan_input(input(-1, QR_MODE_KANJI, sjis_text, 14), sjis_text, 14,
	    utf8_text, "Kanji mode Shift_JIS");
}
END_TEST

/* zbar itself puts ECI 20 text into UTF-8; the reading matches that. */
START_TEST(test_scan_eci20)
{
	scan_input(input(20, QR_MODE_8, sjis_text, 14), NULL, 0, utf8_text,
	    "ECI 20 Shift_JIS");
}
END_TEST

/* zbar's "SJIS" makes 0x5c YEN SIGN and 0x7e OVERLINE; the reading
 * still matches its bytes, and the text keeps '\\' and '~'. */
START_TEST(test_scan_eci20_ascii)
{
	scan_input(input(20, QR_MODE_8, "a\\b~\x93\xfa", 6),
	    "a\xc2\xa5" "b\xe2\x80\xbe\xe6\x97\xa5", 10,
	    "a\\b~\xe6\x97\xa5", "ECI 20 Shift_JIS");
}
END_TEST

START_TEST(test_scan_eci26)
{
	scan_input(input(26, QR_MODE_8, "caf\xc3\xa9", 5), "caf\xc3\xa9", 5,
	    "caf\xc3\xa9", "ECI 26 UTF-8");
}
END_TEST

START_TEST(test_scan_eci3)
{
	scan_input(input(3, QR_MODE_8, "caf\xe9", 4), NULL, 0, "caf\xc3\xa9",
	    "ECI 3 ISO-8859-1");
}
END_TEST

START_TEST(test_scan_latin1)
{
	scan_input(input(-1, QR_MODE_8, "caf\xe9 cr\xe8me", 10),
	    "caf\xe9 cr\xe8me", 10, "caf\xc3\xa9 cr\xc3\xa8me",
	    "guessed ISO-8859-1");
}
END_TEST

START_TEST(test_scan_utf8)
{
	scan_input(input(-1, QR_MODE_8, "caf\xc3\xa9", 5), "caf\xc3\xa9", 5,
	    "caf\xc3\xa9", "guessed UTF-8");
}
END_TEST

/* zbar does not know ECI 25 and gives the UTF-16 bytes as they are. */
START_TEST(test_scan_utf16)
{
	static const char u16[] = "\x00" "c\x00" "a\x00" "f\x00\xe9";

	scan_input(input(25, QR_MODE_8, u16, 8), u16, 8, "caf\xc3\xa9",
	    "ECI 25 UTF-16BE");
}
END_TEST

/* The Kanji code turned a quarter, a half and three quarters: read
 * from its grid each way (the label says Kanji mode, not a guess). */
START_TEST(test_scan_rotated)
{
	QRinput *in = input(-1, QR_MODE_KANJI, sjis_text, 14);
	QRcode *c = encode_input(in, -1);
	int w = c->width, n = (w + 8) * 3, x, y, k;
	unsigned char *m = malloc((size_t)w * w), *t = malloc((size_t)w * w);
	izin_codes *codes;
	izin_image *im;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(t);
	memcpy(m, c->data, (size_t)w * w);
	for (k = 0; k <= _i; k++) {
		for (y = 0; y < w; y++)
			for (x = 0; x < w; x++)
				t[y * w + x] = m[(w - 1 - x) * w + y];
		memcpy(m, t, (size_t)w * w);
	}
	im = blank(n, n, 255);
	draw_modules(im, m, w, 0, 0, 3, 4, 0, 255);
	ck_assert_int_eq(izin_scan(im, &codes), 0);
	ck_assert_uint_eq(codes->n, 1);
	ck_assert_str_eq(codes->utf8[0], utf8_text);
	ck_assert_str_eq(codes->charset[0], "Kanji mode Shift_JIS");
	izin_codes_free(codes);
	izin_image_free(im);
	free(m);
	free(t);
	QRcode_free(c);
	QRinput_free(in);
}
END_TEST

/* A permit-like payload: alphanumeric, read from the grid as ASCII. */
START_TEST(test_scan_payload)
{
	char *text = payload(309, 1);
	izin_image *im = card(text, 4, 4);
	izin_codes *c;

	ck_assert_int_eq(izin_scan(im, &c), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_str_eq(c->utf8[0], text);
	ck_assert_str_eq(c->charset[0], "ASCII");
	izin_codes_free(c);
	izin_image_free(im);
	free(text);
}
END_TEST

static Suite *
qrbits_suite(void)
{
	Suite *s = suite_create("qrbits");
	TCase *tc = tcase_create("grid");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_mixed_segments);
	tcase_add_test(tc, test_headers);
	tcase_add_loop_test(tc, test_versions_levels, 0, 160);
	tcase_add_loop_test(tc, test_masks, 0, 8);
	tcase_add_loop_test(tc, test_rs, 0, 7);
	tcase_add_test(tc, test_random_grids);
	tcase_add_test(tc, test_sample_hostile);
	tcase_add_loop_test(tc, test_hostile_bitstreams, 0, 9);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_loop_test(tc, test_text, 0, 12);
	tcase_add_loop_test(tc, test_guess_bytes, 0, 7);
	suite_add_tcase(s, tc);
	tc = tcase_create("scan");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_scan_sjis_bytes);
	tcase_add_test(tc, test_scan_kanji);
	tcase_add_test(tc, test_scan_eci20);
	tcase_add_test(tc, test_scan_eci20_ascii);
	tcase_add_test(tc, test_scan_eci26);
	tcase_add_test(tc, test_scan_eci3);
	tcase_add_test(tc, test_scan_latin1);
	tcase_add_test(tc, test_scan_utf8);
	tcase_add_test(tc, test_scan_utf16);
	tcase_add_loop_test(tc, test_scan_rotated, 0, 4);
	tcase_add_test(tc, test_scan_payload);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(qrbits_suite)
