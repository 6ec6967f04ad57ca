/*
 * check_render.c - QR encoding, the PNG, SVG and terminal renderers and
 * the label font.  PNGs are read back with libpng and scanned with zbar.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zbar.h>

#include "izin_internal.h"
#include "render_font.h"
#include "check_util.h"
#include "fixture.h"

/* ---- QR encoding ---- */

START_TEST(test_encode_payload)
{
	char *text = payload(309, 1);
	izin_qr *qr = encode(text, IZIN_ECC_M);
	int i, x, y, ring, c[3][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };

	/* 309 alphanumeric characters fill version 10-M (311 at most). */
	ck_assert_int_eq(qr->version, 10);
	ck_assert_int_eq(qr->width, 17 + 4 * qr->version);
	for (i = 0; i < qr->width * qr->width; i++)
		ck_assert_uint_le(qr->modules[i], 1);
	/* Finder patterns in three corners: rings dark, light, dark. */
	c[1][0] = qr->width - 7;
	c[2][1] = qr->width - 7;
	for (i = 0; i < 3; i++)
		for (y = 0; y < 7; y++)
			for (x = 0; x < 7; x++) {
				ring = abs(x - 3) > abs(y - 3) ? abs(x - 3) :
				    abs(y - 3);
				ck_assert_int_eq(qr_dark(qr, c[i][0] + x,
				    c[i][1] + y), ring != 2);
			}
	izin_qr_free(qr);
	free(text);
}
END_TEST

START_TEST(test_encode_levels)
{
	char *text = payload(200, 2);
	int level, last = 0;
	izin_qr *qr;

	for (level = IZIN_ECC_L; level <= IZIN_ECC_H; level++) {
		qr = encode(text, level);
		ck_assert_int_ge(qr->version, last);
		ck_assert_int_eq(qr->width, 17 + 4 * qr->version);
		last = qr->version;
		izin_qr_free(qr);
	}
	ck_assert_int_gt(last, 1);
	free(text);
}
END_TEST

START_TEST(test_encode_every_character)
{
	izin_qr *qr = encode(AN_SET, IZIN_ECC_H);

	ck_assert_int_eq(qr->width, 17 + 4 * qr->version);
	izin_qr_free(qr);
}
END_TEST

static const char *const not_an[] = {
	"iz:abc", "IZ:ABc", "HELLO#", "A@B", "A_B", "A\nB", "A\tB", "A,B",
	"A=B", "Jos\xc3\xa9", "\xff", "A'B", "A\"B", "(A)", "A?"
};

START_TEST(test_encode_not_alphanumeric)
{
	izin_qr *qr = (izin_qr *)1;

	ck_assert_int_eq(izin_qr_encode(not_an[_i], strlen(not_an[_i]),
	    IZIN_ECC_M, &qr), IZIN_EQR);
	ck_assert_ptr_null(qr);
}
END_TEST

START_TEST(test_encode_limits)
{
	char *big = payload(5000, 3), *max = payload(4296, 4);
	izin_qr *qr;

	/* A NUL inside the text counts as a character, not an end. */
	ck_assert_int_eq(izin_qr_encode("AB\0CD", 5, IZIN_ECC_M, &qr),
	    IZIN_EQR);
	ck_assert_int_eq(izin_qr_encode("", 0, IZIN_ECC_M, &qr), IZIN_EQR);
	ck_assert_int_eq(izin_qr_encode(big, 5000, IZIN_ECC_L, &qr),
	    IZIN_EQR);
	ck_assert_ptr_null(qr);
	/* 4296 is version 40-L's capacity, too much for 40-H: libqrencode
	 * itself says no. */
	ck_assert_int_eq(izin_qr_encode(max, 4296, IZIN_ECC_H, &qr),
	    IZIN_EQR);
	ck_assert_int_eq(izin_qr_encode(max, 4297, IZIN_ECC_L, &qr),
	    IZIN_EQR);
	ck_assert_int_eq(izin_qr_encode(max, 4296, IZIN_ECC_L, &qr), 0);
	ck_assert_int_eq(qr->version, 40);
	ck_assert_int_eq(qr->width, 177);
	izin_qr_free(qr);
	ck_assert_int_eq(izin_qr_encode("A", 1, -1, &qr), IZIN_EINVAL);
	ck_assert_int_eq(izin_qr_encode("A", 1, 4, &qr), IZIN_EINVAL);
	izin_qr_free(NULL);
	free(big);
	free(max);
}
END_TEST

/* ---- PNG ---- */

struct gray {
	unsigned char *px;
	int w, h;
};

static struct gray
png_read(const unsigned char *buf, size_t len)
{
	png_image im;
	struct gray g;

	/* The header itself: 1-bit grayscale, not interlaced. */
	ck_assert_uint_gt(len, 33);
	ck_assert_mem_eq(buf, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	ck_assert_int_eq(buf[24], 1);
	ck_assert_int_eq(buf[25], PNG_COLOR_TYPE_GRAY);
	ck_assert_int_eq(buf[28], PNG_INTERLACE_NONE);

	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	ck_assert_int_ne(png_image_begin_read_from_memory(&im, buf, len), 0);
	im.format = PNG_FORMAT_GRAY;
	g.w = (int)im.width;
	g.h = (int)im.height;
	g.px = malloc(PNG_IMAGE_SIZE(im));
	ck_assert_ptr_nonnull(g.px);
	ck_assert_int_ne(png_image_finish_read(&im, NULL, g.px, 0, NULL), 0);
	return g;
}

static struct gray
render_png(const izin_qr *qr, const izin_render_opts *o)
{
	unsigned char *buf;
	struct gray g;
	size_t len;

	ck_assert_int_eq(izin_render_png(qr, o, &buf, &len), 0);
	g = png_read(buf, len);
	free(buf);
	return g;
}

/* Every pixel of the code's square (quiet zone included) and the white
 * beside it, in the first n * scale rows: the square starts at ox.
 * Loops test with if and fail once: a passing ck_assert costs a system
 * call. */
static void
check_code(const struct gray *g, const izin_qr *qr, int scale, int margin,
           int ox)
{
	int n = qr->width + 2 * margin, x, y, want;

	ck_assert_int_ge(g->h, n * scale);
	ck_assert_int_ge(g->w, ox + n * scale);
	for (y = 0; y < n * scale; y++)
		for (x = 0; x < g->w; x++) {
			want = 255;
			if (x >= ox && x < ox + n * scale &&
			    qr_dark(qr, (x - ox) / scale - margin,
			    y / scale - margin))
				want = 0;
			if (g->px[(size_t)y * g->w + x] != want)
				ck_abort_msg("pixel %d,%d is %d, want %d", x,
				    y, g->px[(size_t)y * g->w + x], want);
		}
}

static const struct { int scale, margin; } sizes[] = {
	{ 1, 0 }, { 1, 4 }, { 2, 4 }, { 3, 1 }, { 4, 4 }, { 5, 2 },
	{ 7, 3 }, { 8, 4 }, { 16, 1 }, { 17, 1 }, { 24, 0 }
};
#define NSIZES (sizeof sizes / sizeof sizes[0])

START_TEST(test_png_pixels)
{
	char *text = payload(309, 5);
	izin_qr *qr = encode(text, IZIN_ECC_M);
	izin_render_opts o = { sizes[_i].scale, sizes[_i].margin, NULL, 0 };
	struct gray g = render_png(qr, &o);
	int n = qr->width + 2 * o.margin;

	ck_assert_int_eq(g.w, n * o.scale);
	ck_assert_int_eq(g.h, n * o.scale);
	check_code(&g, qr, o.scale, o.margin, 0);
	free(g.px);
	izin_qr_free(qr);
	free(text);
}
END_TEST

/* Made-up module patterns, to reach the ends of rows and runs that real
 * codes rarely do: all light, all dark, stripes, a checkerboard. */
START_TEST(test_png_patterns)
{
	static const int widths[] = { 1, 2, 7, 21, 177 };
	unsigned char *m;
	izin_qr qr;
	izin_render_opts o = { 1, 0, NULL, 0 };
	struct gray g;
	int w, p, i, x, y;
	size_t s;

	for (w = 0; w < 5; w++) {
		qr.version = 0;
		qr.width = widths[w];
		m = malloc((size_t)qr.width * qr.width);
		ck_assert_ptr_nonnull(m);
		qr.modules = m;
		for (p = 0; p < 4; p++) {
			for (i = 0; i < qr.width * qr.width; i++) {
				x = i % qr.width;
				y = i / qr.width;
				m[i] = p == 0 ? 0 : p == 1 ? 1 : p == 2 ?
				    x % 3 == 0 : (x + y) % 2;
			}
			for (s = 0; s < NSIZES; s++) {
				o.scale = sizes[s].scale;
				o.margin = sizes[s].margin;
				/* Big enough to have seen it all. */
				if ((qr.width + 2 * o.margin) * o.scale > 1500)
					continue;
				g = render_png(&qr, &o);
				check_code(&g, &qr, o.scale, o.margin, 0);
				free(g.px);
			}
		}
		free(m);
	}
}
END_TEST

START_TEST(test_png_label)
{
	static const char *const label[] = {
		"2C11JB0042-K ITAS", "Jos\xc3\xa9 M\xc3\xbcller \xc3\x98re",
		"valid until 2027-11-19"
	};
	char *text = payload(309, 6);
	izin_qr *qr = encode(text, IZIN_ECC_M);
	izin_render_opts o = { 4, 4, label, 3 };
	struct gray g = render_png(qr, &o);
	int n = qr->width + 2 * o.margin, fp = IZIN_FONT_SCALE(o.scale);
	int x, y, ink = 0, w;

	/* The widest line is the third: 22 characters. */
	ck_assert_int_eq(fp, 2);
	w = (22 * IZIN_FONT_ADVANCE - 1 + 2 * IZIN_LABEL_PAD) * fp;
	if (w < n * o.scale)
		w = n * o.scale;
	ck_assert_int_eq(g.w, w);
	ck_assert_int_eq(g.h, n * o.scale +
	    (3 * IZIN_FONT_LINE + IZIN_LABEL_PAD) * fp);
	check_code(&g, qr, o.scale, o.margin, (w - n * o.scale) / 2);
	for (y = n * o.scale; y < g.h; y++)
		for (x = 0; x < g.w; x++)
			ink += g.px[(size_t)y * g.w + x] == 0;
	ck_assert_int_gt(ink, 100);
	free(g.px);
	izin_qr_free(qr);
	free(text);
}
END_TEST

/* A line wider than the code widens the image, and the code stays in
 * the middle. */
START_TEST(test_png_wide_label)
{
	static const char *const label[] = {
		"A", "0123456789012345678901234567890123456789"
	};
	izin_qr *qr = encode("HELLO", IZIN_ECC_M);
	izin_render_opts o = { 3, 4, label, 2 };
	struct gray g = render_png(qr, &o);
	int n = qr->width + 2 * o.margin, fp = IZIN_FONT_SCALE(o.scale);
	int w = (40 * IZIN_FONT_ADVANCE - 1 + 2 * IZIN_LABEL_PAD) * fp;

	ck_assert_int_gt(w, n * o.scale);
	ck_assert_int_eq(g.w, w);
	ck_assert_int_eq(g.h, n * o.scale +
	    (2 * IZIN_FONT_LINE + IZIN_LABEL_PAD) * fp);
	check_code(&g, qr, o.scale, o.margin, (w - n * o.scale) / 2);
	free(g.px);
	izin_qr_free(qr);
}
END_TEST

/* One character, drawn where the geometry says, as the font has it. */
START_TEST(test_png_glyph)
{
	static const char *const label[] = { "g" };
	unsigned char rows[IZIN_FONT_H];
	izin_qr *qr = encode("HELLO", IZIN_ECC_M);
	izin_render_opts o = { 6, 2, label, 1 };
	struct gray g = render_png(qr, &o);
	int code = (qr->width + 2 * o.margin) * o.scale;
	int fp = IZIN_FONT_SCALE(o.scale), x0, y0, x, y, want;

	ck_assert_int_eq(fp, 3);
	izin_font_glyph('g', rows);
	x0 = (g.w - (IZIN_FONT_ADVANCE - 1) * fp) / 2;
	y0 = code + IZIN_FONT_LEADING * fp;
	for (y = code; y < g.h; y++)
		for (x = 0; x < g.w; x++) {
			want = 255;
			if (x >= x0 && x < x0 + IZIN_FONT_W * fp &&
			    y >= y0 && y < y0 + IZIN_FONT_H * fp &&
			    rows[(y - y0) / fp] >>
			    (IZIN_FONT_W - 1 - (x - x0) / fp) & 1)
				want = 0;
			if (g.px[(size_t)y * g.w + x] != want)
				ck_abort_msg("pixel %d,%d", x, y);
		}
	free(g.px);
	izin_qr_free(qr);
}
END_TEST

/* Scan a gray image with zbar, QR codes only; the text of the one
 * symbol found goes to a new string. */
static char *
zbar_read(const struct gray *g)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	const zbar_symbol_t *sym;
	char *text = NULL;
	int n;

	ck_assert_ptr_nonnull(sc);
	ck_assert_ptr_nonnull(img);
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)g->w, (unsigned)g->h);
	zbar_image_set_data(img, g->px, (unsigned long)g->w * g->h, NULL);
	n = zbar_scan_image(sc, img);
	ck_assert_int_eq(n, 1);
	sym = zbar_image_first_symbol(img);
	ck_assert_ptr_nonnull(sym);
	ck_assert_int_eq(zbar_symbol_get_type(sym), ZBAR_QRCODE);
	text = strndup(zbar_symbol_get_data(sym),
	    zbar_symbol_get_data_length(sym));
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	return text;
}

START_TEST(test_png_zbar)
{
	static const char *const label[] = {
		"2C11JB0042-K ITAS", "Nguy\xe1\xbb\x85n V\xc4\x83n An",
		"valid until 2027-11-19"
	};
	char *text = payload(309, 7 + (unsigned)_i), *got;
	izin_qr *qr = encode(text, IZIN_ECC_M);
	izin_render_opts o = { 4, 4, _i ? label : NULL, _i ? 3 : 0 };
	struct gray g = render_png(qr, &o);

	got = zbar_read(&g);
	ck_assert_str_eq(got, text);
	free(got);
	free(g.px);
	izin_qr_free(qr);
	free(text);
}
END_TEST

START_TEST(test_png_args)
{
	static const char *const nolabel[] = { "A", NULL };
	izin_qr *qr = encode("HELLO", IZIN_ECC_M), bad;
	izin_render_opts o = { 4, 4, NULL, 0 };
	unsigned char *buf = (unsigned char *)1;
	size_t len = 1;

	o.scale = 0;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_EINVAL);
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(len, 0);
	o.scale = 65;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_EINVAL);
	o.scale = 64;
	o.margin = -1;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_EINVAL);
	o.margin = 65;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_EINVAL);
	o.margin = 4;
	o.nlabel = 1;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_EINVAL);
	o.label = nolabel;
	o.nlabel = 2;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_EINVAL);
	ck_assert_int_eq(izin_render_png(NULL, &o, &buf, &len), IZIN_EINVAL);
	ck_assert_int_eq(izin_render_png(qr, NULL, &buf, &len), IZIN_EINVAL);
	bad = *qr;
	bad.width = 0;
	o.nlabel = 1;
	ck_assert_int_eq(izin_render_png(&bad, &o, &buf, &len), IZIN_EINVAL);
	bad.width = 178;
	ck_assert_int_eq(izin_render_png(&bad, &o, &buf, &len), IZIN_EINVAL);
	/* The largest scale and margin are fine. */
	o.margin = 64;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), 0);
	ck_assert_uint_gt(len, 0);
	free(buf);
	izin_qr_free(qr);
}
END_TEST

/* A label so long that the image would pass the size limit. */
START_TEST(test_png_huge_label)
{
	izin_qr *qr = encode("HELLO", IZIN_ECC_M);
	izin_render_opts o = { 64, 4, NULL, 1 };
	char *big = malloc(10001);
	const char *label[1] = { big };
	unsigned char *buf;
	char *svg;
	size_t len;

	ck_assert_ptr_nonnull(big);
	memset(big, 'W', 10000);
	big[10000] = '\0';
	o.label = label;
	ck_assert_int_eq(izin_render_png(qr, &o, &buf, &len), IZIN_ELENGTH);
	ck_assert_int_eq(izin_render_svg(qr, &o, &svg, &len), IZIN_ELENGTH);
	free(big);
	izin_qr_free(qr);
}
END_TEST

/* Threads encoding and drawing at once get what one thread gets. */
struct job {
	const char *text;
	unsigned char *png;
	size_t len;
	int failed;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	izin_render_opts o = { 4, 4, NULL, 0 };
	unsigned char *buf;
	izin_qr *qr;
	size_t len;
	int i;

	for (i = 0; i < 20; i++) {
		if (izin_qr_encode(j->text, strlen(j->text), IZIN_ECC_M,
		    &qr) != 0 || izin_render_png(qr, &o, &buf, &len) != 0) {
			j->failed = 1;
			return NULL;
		}
		if (len != j->len || memcmp(buf, j->png, len) != 0)
			j->failed = 1;
		free(buf);
		izin_qr_free(qr);
	}
	return NULL;
}

START_TEST(test_threads)
{
	enum { NT = 4 };
	izin_render_opts o = { 4, 4, NULL, 0 };
	struct job jobs[NT];
	izin_qr *qr;
	int i;

	for (i = 0; i < NT; i++) {
		jobs[i].text = payload(309, 100 + (unsigned)i);
		qr = encode(jobs[i].text, IZIN_ECC_M);
		ck_assert_int_eq(izin_render_png(qr, &o, &jobs[i].png,
		    &jobs[i].len), 0);
		izin_qr_free(qr);
		jobs[i].failed = 0;
	}
	run_threads(worker, jobs, sizeof jobs[0], NT);
	for (i = 0; i < NT; i++) {
		ck_assert_int_eq(jobs[i].failed, 0);
		free(jobs[i].png);
		free((char *)jobs[i].text);
	}
}
END_TEST

/* ---- SVG ---- */

static char *
render_svg(const izin_qr *qr, const izin_render_opts *o)
{
	char *svg;
	size_t len;

	ck_assert_int_eq(izin_render_svg(qr, o, &svg, &len), 0);
	ck_assert_uint_eq(strlen(svg), len);
	return svg;
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

/* Read the path back, run by run, into a module matrix; the sum of the
 * run widths is the number of dark modules. */
START_TEST(test_svg_runs)
{
	char *text = payload(309, 8), *svg, *d, want[64];
	izin_qr *qr = encode(text, IZIN_ECC_M);
	izin_render_opts o = { sizes[_i].scale, sizes[_i].margin, NULL, 0 };
	int s = o.scale, n = (qr->width + 2 * o.margin) * s;
	unsigned char *seen = calloc((size_t)qr->width * qr->width, 1);
	long x, y, w, h, w2, sum = 0, ndark = 0, i, k;
	int used;

	ck_assert_ptr_nonnull(seen);
	svg = render_svg(qr, &o);
	ck_assert(strncmp(svg, "<?xml", 5) == 0 || strncmp(svg, "<svg", 4) == 0);
	snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", n, n);
	ck_assert_ptr_nonnull(strstr(svg, want));
	ck_assert_ptr_nonnull(strstr(svg, "shape-rendering=\"crispEdges\""));
	snprintf(want, sizeof want, "<rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/>", n, n);
	ck_assert_ptr_nonnull(strstr(svg, want));
	ck_assert_int_eq(count(svg, "<path"), 1);
	ck_assert_int_eq(count(svg, "<text"), 0);
	ck_assert_ptr_nonnull(strstr(svg, "</svg>"));

	d = strstr(svg, " d=\"");
	ck_assert_ptr_nonnull(d);
	d += 4;
	while (*d == 'M') {
		ck_assert_int_eq(sscanf(d, "M%ld %ldh%ldv%ldh-%ldz%n", &x, &y,
		    &w, &h, &w2, &used), 5);
		d += used;
		ck_assert_int_eq(w, w2);
		ck_assert_int_eq(h, s);
		ck_assert_int_eq(x % s, 0);
		ck_assert_int_eq(y % s, 0);
		ck_assert_int_eq(w % s, 0);
		x = x / s - o.margin;
		y = y / s - o.margin;
		for (k = 0; k < w / s; k++) {
			ck_assert(qr_dark(qr, (int)(x + k), (int)y));
			seen[y * qr->width + x + k]++;
		}
		sum += w / s;
	}
	ck_assert_int_eq(*d, '"');
	for (i = 0; i < qr->width * qr->width; i++) {
		ndark += qr->modules[i];
		ck_assert_int_eq(seen[i], qr->modules[i]);
	}
	ck_assert_int_eq(sum, ndark);
	free(seen);
	free(svg);
	izin_qr_free(qr);
	free(text);
}
END_TEST

START_TEST(test_svg_label)
{
	static const char *const label[] = {
		"<&>\"'", "Jos\xc3\xa9 \x1b[31m", "\xff"
	};
	izin_qr *qr = encode("HELLO", IZIN_ECC_M);
	izin_render_opts o = { 4, 4, label, 3 };
	char *svg = render_svg(qr, &o), *p, *end;

	ck_assert_int_eq(count(svg, "<text"), 3);
	ck_assert_int_eq(count(svg, "font-family=\"monospace\""), 3);
	ck_assert_int_eq(count(svg, "text-anchor=\"middle\""), 3);
	ck_assert_ptr_nonnull(strstr(svg,
	    ">&lt;&amp;&gt;&quot;&apos;</text>"));
	/* Controls and bytes that are no UTF-8 never reach the document. */
	ck_assert_ptr_nonnull(strstr(svg, ">Jos\xc3\xa9 ?[31m</text>"));
	ck_assert_ptr_nonnull(strstr(svg, ">?</text>"));
	for (p = svg; (end = strchr(p, '\n')) != NULL; p = end + 1)
		ck_assert_int_eq(izin_utf8_check(p, (size_t)(end - p)), 0);
	ck_assert_int_eq(*p, '\0');
	free(svg);
	izin_qr_free(qr);
}
END_TEST

/* ---- Terminal ---- */

/* Read half blocks back: 1 upper, 2 lower, 3 both, 0 space. */
static int
block(const char **p)
{
	const char *s = *p;

	if (*s == ' ') {
		*p += 1;
		return 0;
	}
	if (strncmp(s, "\xe2\x96\x80", 3) == 0) {
		*p += 3;
		return 1;
	}
	if (strncmp(s, "\xe2\x96\x84", 3) == 0) {
		*p += 3;
		return 2;
	}
	if (strncmp(s, "\xe2\x96\x88", 3) == 0) {
		*p += 3;
		return 3;
	}
	return -1;
}

START_TEST(test_utf8_blocks)
{
	static const char *const label[] = { "2C11JB0042-K ITAS", "Jos\xc3\xa9" };
	char *text = payload(120, 9), *out, *end;
	const char *p;
	izin_qr *qr = encode(text, IZIN_ECC_M);
	/* Scale means nothing to text: 0 is fine. */
	izin_render_opts o = { 0, _i, label, 2 };
	int n = qr->width + 2 * o.margin, lines = 0, x, y, b;
	size_t len;

	ck_assert_int_eq(izin_render_utf8(qr, &o, &out, &len), 0);
	ck_assert_uint_eq(strlen(out), len);
	ck_assert_int_eq(out[len - 1], '\n');
	for (p = out; p < out + len; p = end + 1, lines++) {
		end = strchr(p, '\n');
		ck_assert_ptr_nonnull(end);
		ck_assert_int_eq(izin_utf8_check(p, (size_t)(end - p)), 0);
	}
	ck_assert_int_eq(lines, (n + 1) / 2 + 2);

	/* Ink is a dark module: the top half for even rows. */
	p = out;
	for (y = 0; y < n; y += 2) {
		for (x = 0; x < n; x++) {
			b = block(&p);
			ck_assert_int_ge(b, 0);
			ck_assert_int_eq(b & 1, qr_dark(qr, x - o.margin,
			    y - o.margin));
			ck_assert_int_eq(b >> 1, qr_dark(qr, x - o.margin,
			    y + 1 - o.margin));
		}
		ck_assert_int_eq(*p++, '\n');
	}
	ck_assert_str_eq(p, "2C11JB0042-K ITAS\nJos\xc3\xa9\n");
	free(out);
	izin_qr_free(qr);
	free(text);
}
END_TEST

START_TEST(test_utf8_unsafe_label)
{
	static const char *const label[] = {
		"\x1b]0;title\x07", "A\xe2\x80\xae\x42", "\xc3"
	};
	izin_qr *qr = encode("HELLO", IZIN_ECC_M);
	izin_render_opts o = { 1, 0, label, 3 };
	char *out, *p;
	size_t len;

	ck_assert_int_eq(izin_render_utf8(qr, &o, &out, &len), 0);
	p = strstr(out, "?]0;title?\nA?B\n?\n");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "?]0;title?\nA?B\n?\n");
	free(out);
	izin_qr_free(qr);
}
END_TEST

/* ---- Font ---- */

START_TEST(test_font_glyphs)
{
	unsigned char rows[IZIN_FONT_H], other[IZIN_FONT_H], q[IZIN_FONT_H];
	int c, d, r, ink;

	izin_font_glyph('?', q);
	for (c = 0x20; c < 0x7f; c++) {
		izin_font_glyph(c, rows);
		for (ink = 0, r = 0; r < IZIN_FONT_H; r++) {
			ck_assert_uint_lt(rows[r], 1u << IZIN_FONT_W);
			ink += rows[r] != 0;
		}
		if (c == ' ')
			ck_assert_int_eq(ink, 0);
		else if (ink == 0)
			ck_abort_msg("glyph '%c' is empty", c);
		/* No two glyphs alike. */
		for (d = 0x20; d < c; d++) {
			izin_font_glyph(d, other);
			if (memcmp(rows, other, sizeof rows) == 0)
				ck_abort_msg("'%c' and '%c' look alike", c, d);
		}
		/* Capitals and digits stay above the baseline. */
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			ck_assert(rows[7] == 0 && rows[8] == 0);
	}
	for (c = 0; c < 256; c += c == 0x1f ? 0x60 : 1) {
		izin_font_glyph(c, rows);
		ck_assert_mem_eq(rows, q, sizeof q);
	}
	izin_font_glyph(-1, rows);
	ck_assert_mem_eq(rows, q, sizeof q);
}
END_TEST

static const struct {
	const char *in, *out;
} translit[] = {
	{ "Jos\xc3\xa9 M\xc3\xbcller \xc3\x98re", "Jose Muller Ore" },
	{ "Stra\xc3\x9f" "e", "Strasse" },
	{ "\xc3\x86sir \xc3\xa6on", "AEsir aeon" },
	{ "\xc5\x81ukasz \xc5\xbb\xc3\xb3\xc5\x82\xc4\x87", "Lukasz Zolc" },
	{ "Nguy\xe1\xbb\x85n V\xc4\x83n \xc4\x90\xe1\xbb\xa9\x63", "Nguyen Van Duc" },
	{ "\xc8\x98tefan \xc5\xa2\xc3\xa2nc\xc4\x83", "Stefan Tanca" },
	{ "Bj\xc3\xb6rk \xc3\x9e\xc3\xb3r \xc3\xb0", "Bjork THor d" },
	{ "\xc3\x91o\xc3\xb1o \xc3\xbf\xc5\xb8", "Nono yY" },
	{ "\xc5\x92uvre \xc4\xb2sselmeer", "OEuvre IJsselmeer" },
	{ "L\xc7\x9c", "Lu" },
	{ "Jose\xcc\x81", "Jose" },               /* decomposed accent */
	{ "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", "???" },
	{ "\xd0\x94\xd0\xbc", "??" },
	{ "O\xe2\x80\x99" "Brien", "O'Brien" },
	{ "2\xc3\x97" "3", "2?3" },
	{ "A\tB\x7f", "A?B?" },
	{ "\xff\xc3", "??" },
	{ "\xf0\x9f\x98\x80", "?" },
	{ "", "" }
};

START_TEST(test_translit)
{
	char out[64];
	size_t len = strlen(translit[_i].in), n;

	ck_assert_uint_lt(len, sizeof out);
	n = izin_translit(translit[_i].in, len, out);
	ck_assert_uint_le(n, len);
	out[n] = '\0';
	ck_assert_str_eq(out, translit[_i].out);
}
END_TEST

/* Every letter of Latin-1 and Latin Extended-A becomes one or two ASCII
 * letters; only the two signs among them become '?'. */
START_TEST(test_translit_latin)
{
	char out[2];
	uint32_t cp;
	size_t n, k;

	for (cp = 0xc0; cp <= 0x17f; cp++) {
		n = izin_translit_cp(cp, out);
		if (cp == 0xd7 || cp == 0xf7) {
			ck_assert(n == 1 && out[0] == '?');
			continue;
		}
		ck_assert(n == 1 || n == 2);
		for (k = 0; k < n; k++)
			if (!((out[k] >= 'A' && out[k] <= 'Z') ||
			    (out[k] >= 'a' && out[k] <= 'z')))
				ck_abort_msg("U+%04X gives '%c'", (unsigned)cp,
				    out[k]);
	}
	/* Case survives: a capital stays a capital. */
	ck_assert_int_eq(izin_translit_cp(0xc9, out), 1);
	ck_assert_int_eq(out[0], 'E');
	ck_assert_int_eq(izin_translit_cp(0xe9, out), 1);
	ck_assert_int_eq(out[0], 'e');
	ck_assert_int_eq(izin_translit_cp(0x17d, out), 1);
	ck_assert_int_eq(out[0], 'Z');
	ck_assert_int_eq(izin_translit_cp(0x17e, out), 1);
	ck_assert_int_eq(out[0], 'z');
	ck_assert_int_eq(izin_translit_cp(0x1ef9, out), 1);
	ck_assert_int_eq(out[0], 'y');
}
END_TEST

START_TEST(test_utf8_next)
{
	uint32_t cp;

	ck_assert_uint_eq(izin_utf8_next("A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 'A');
	ck_assert_uint_eq(izin_utf8_next("\xc3\xa9", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xe9);
	ck_assert_uint_eq(izin_utf8_next("\xe1\xbb\x85", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x1ec5);
	ck_assert_uint_eq(izin_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x1f600);
	/* Cut short, overlong, a surrogate: one byte, U+FFFD. */
	ck_assert_uint_eq(izin_utf8_next("\xc3\xa9", 1, &cp), 1);
	ck_assert_uint_eq(cp, 0xfffd);
	ck_assert_uint_eq(izin_utf8_next("\xc0\xaf", 2, &cp), 1);
	ck_assert_uint_eq(cp, 0xfffd);
	ck_assert_uint_eq(izin_utf8_next("\xed\xa0\x80", 3, &cp), 1);
	ck_assert_uint_eq(cp, 0xfffd);
	ck_assert_uint_eq(izin_utf8_next("\x80", 1, &cp), 1);
	ck_assert_uint_eq(cp, 0xfffd);
}
END_TEST

static Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc;

	tc = tcase_create("qr");
	tcase_add_test(tc, test_encode_payload);
	tcase_add_test(tc, test_encode_levels);
	tcase_add_test(tc, test_encode_every_character);
	tcase_add_loop_test(tc, test_encode_not_alphanumeric, 0,
	    sizeof not_an / sizeof not_an[0]);
	tcase_add_test(tc, test_encode_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("png");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_png_pixels, 0, (int)NSIZES);
	tcase_add_test(tc, test_png_patterns);
	tcase_add_test(tc, test_png_label);
	tcase_add_test(tc, test_png_wide_label);
	tcase_add_test(tc, test_png_glyph);
	tcase_add_loop_test(tc, test_png_zbar, 0, 2);
	tcase_add_test(tc, test_png_args);
	tcase_add_test(tc, test_png_huge_label);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("svg");
	tcase_add_loop_test(tc, test_svg_runs, 0, (int)NSIZES);
	tcase_add_test(tc, test_svg_label);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8_blocks, 0, 5);
	tcase_add_test(tc, test_utf8_unsafe_label);
	suite_add_tcase(s, tc);

	tc = tcase_create("font");
	tcase_add_test(tc, test_font_glyphs);
	tcase_add_loop_test(tc, test_translit, 0,
	    sizeof translit / sizeof translit[0]);
	tcase_add_test(tc, test_translit_latin);
	tcase_add_test(tc, test_utf8_next);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(render_suite)
