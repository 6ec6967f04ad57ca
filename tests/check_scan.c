/*
 * check_scan.c - finding QR codes in images (izin_scan) and the image
 * operations behind its extra passes.  Every image is drawn here from
 * izin_qr_encode() (or libqrencode, for byte-mode text), so the tests
 * need no files.
 */
#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "izin.h"
#include "image_internal.h"
#include "scan_internal.h"
#include "check_util.h"
#include "fixture.h"

/* The index of text among the codes found, or -1. */
static long
find(const izin_codes *c, const char *text)
{
	size_t i, len = strlen(text);

	for (i = 0; i < c->n; i++)
		if (c->len[i] == len && memcmp(c->text[i], text, len) == 0 &&
		    c->text[i][len] == '\0')
			return (long)i;
	return -1;
}

/* Scan with a pass limit; the codes and the number of passes made. */
static izin_codes *
scan(const izin_image *im, int maxpasses, int *passes)
{
	izin_codes *c = NULL;

	ck_assert_int_eq(izin_scan_limited(im, maxpasses, &c, passes), 0);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* ---- codes izin_scan must find ---- */

START_TEST(test_clean)
{
	char *text = payload(309, 1);
	izin_image *im = card(text, 4, 4);
	izin_codes *c;
	int passes;

	ck_assert_int_eq(izin_scan(im, &c), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_uint_eq(c->len[0], 309);
	ck_assert_mem_eq(c->text[0], text, 309);
	ck_assert_int_eq(c->text[0][309], '\0');
	izin_codes_free(c);
	/* A clean code costs the plain pass and nothing more. */
	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_int_eq(passes, 1);
	ck_assert_int_eq(find(c, text), 0);
	izin_codes_free(c);
	izin_image_free(im);
	free(text);
}
END_TEST

/* A scanned page with two cards: both, in one pass. */
START_TEST(test_two_codes)
{
	char *a = payload(120, 2), *b = payload(200, 3);
	izin_qr *qa = encode(a, IZIN_ECC_M), *qb = encode(b, IZIN_ECC_M);
	izin_image *im = blank(900, 500, 255);
	izin_codes *c;
	int passes;

	draw_modules(im, qa->modules, qa->width, 20, 40, 4, 4, 0, 255);
	draw_modules(im, qb->modules, qb->width, 460, 40, 4, 4, 0, 255);
	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_uint_eq(c->n, 2);
	ck_assert_int_ge(find(c, a), 0);
	ck_assert_int_ge(find(c, b), 0);
	ck_assert_int_eq(passes, 1);
	izin_codes_free(c);
	izin_qr_free(qa);
	izin_qr_free(qb);
	izin_image_free(im);
	free(a);
	free(b);
}
END_TEST

/* Two prints of one card read as one code: the same text once. */
START_TEST(test_same_code_twice)
{
	char *a = payload(100, 4);
	izin_qr *qa = encode(a, IZIN_ECC_M);
	izin_image *im = blank(800, 400, 255);
	izin_codes *c;

	draw_modules(im, qa->modules, qa->width, 10, 10, 4, 4, 0, 255);
	draw_modules(im, qa->modules, qa->width, 420, 10, 4, 4, 0, 255);
	ck_assert_int_eq(izin_scan(im, &c), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_int_eq(find(c, a), 0);
	izin_codes_free(c);
	izin_qr_free(qa);
	izin_image_free(im);
	free(a);
}
END_TEST

/* One pixel per module and no quiet zone, as some generators draw:
 * zbar's plain pass cannot read it, the upscaled pass can. */
static const size_t one_pixel_len[] = { 20, 60, 150, 309, 700 };

START_TEST(test_one_pixel_modules)
{
	char *text = payload(one_pixel_len[_i], 10 + (unsigned)_i);
	izin_image *im = card(text, 1, 0);
	izin_codes *c;
	int passes;

	c = scan(im, 1, &passes);
	ck_assert_int_eq(passes, 1);
	ck_assert_uint_eq(c->n, 0);
	izin_codes_free(c);
	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_int_ge(find(c, text), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_int_gt(passes, 1);
	izin_codes_free(c);
	izin_image_free(im);
	free(text);
}
END_TEST

/* Every pixel between the ink and the paper of a faint print. */
static void
assert_faint(izin_image *im, int unused)
{
	size_t i;

	(void)unused;
	for (i = 0; i < (size_t)im->width * im->height; i++)
		if (im->gray[i] < 100 || im->gray[i] > 150)
			ck_abort_msg("pixel %zu is %d", i, im->gray[i]);
}

/* A hand's shadow across the card: the light falls off from full on the
 * left edge to a tenth on the right. */
static void
shadow(izin_image *im, int unused)
{
	int x, y;
	unsigned char *p;

	(void)unused;
	for (y = 0; y < im->height; y++)
		for (x = 0; x < im->width; x++) {
			p = &im->gray[(size_t)y * im->width + x];
			*p = (unsigned char)(*p * (1000 - 900 * x /
			    (im->width - 1)) / 1000);
		}
	ck_assert_int_lt(im->gray[(size_t)200 * im->width + 470], 30);
}

/* Uniform noise of +-amp levels over every pixel. */
static void
add_noise(izin_image *im, int amp)
{
	unsigned seed = 99;
	size_t i;
	int v;

	for (i = 0; i < (size_t)im->width * im->height; i++) {
		seed = seed * 1103515245u + 12345u;
		v = im->gray[i] + (int)((seed >> 16) % (2 * amp + 1)) - amp;
		im->gray[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
}

/* Out of focus: a blur of radius r over the whole image. */
static void
defocus(izin_image *im, int r)
{
	izin_image *blurred = izin_prep_blur(im, r);

	ck_assert_ptr_nonnull(blurred);
	memcpy(im->gray, blurred->gray, (size_t)im->width * im->height);
	izin_image_free(blurred);
}

/*
 * Codes that are hard to read, one a row: a payload of len characters
 * drawn on a w x h ground at x, y, scale pixels a module with a quiet
 * zone of 4, then spoilt by spoil(im, arg).  The first none_within
 * passes find nothing; all of them find the code once, in more than
 * passes_gt passes, or in exactly passes_eq (neither: plain izin_scan).
 */
static const struct {
	size_t len;
	unsigned seed;
	int w, h, ground, x, y, scale, ink, paper;
	void (*spoil)(izin_image *, int);
	int arg, none_within, passes_gt, passes_eq;
} hard[] = {
	/* Light modules on a dark ground: only the inverted pass. */
	{ 150, 5, 400, 300, 0, 60, 20, 4, 240, 10, NULL, 0, 1, 1, 0 },
	/* Low contrast: ink 100 on paper 150, as the plain pass reads it. */
	{ 200, 6, 420, 420, 150, 20, 30, 4, 100, 150, assert_faint, 0,
	  0, 0, 0 },
	{ 200, 7, 480, 420, 255, 40, 30, 4, 30, 230, shadow, 0, 0, 0, 0 },
	/* Sensor noise over a code in a dim photo: the blurred threshold
	 * pass reads what the plain pass cannot.  At 320 pixels the image
	 * counts as small, and the upscaled copy of that pass finds it; at
	 * 640 the one on the image as it is. */
	{ 150, 8, 320, 320, 140, 40, 40, 3, 90, 150, add_noise, 30,
	  1, 1, 0 },
	{ 150, 8, 640, 480, 160, 40, 40, 4, 80, 160, add_noise, 40,
	  1, 1, 0 },
	/* Three pixels a module under a 3x3 blur.  Neither the plain pass
	 * nor the thresholds read it; the sharpened one does. */
	{ 150, 11, 640, 480, 255, 40, 40, 3, 0, 255, defocus, 1, 2, 2, 0 },
	/* A phone photo over SCAN_BIG pixels: the halved copy reads at
	 * once. */
	{ 200, 9, 3000, 2400, 200, 900, 500, 24, 20, 220, NULL, 0,
	  0, 0, 1 },
	/* A small code far away in a large photo: two pixels per module,
	 * too few once halved, so the full-size pass finds it. */
	{ 60, 10, 3000, 2400, 200, 1400, 1100, 2, 20, 220, NULL, 0,
	  1, 0, 2 },
};

START_TEST(test_hard)
{
	char *text = payload(hard[_i].len, hard[_i].seed);
	izin_qr *qr = encode(text, IZIN_ECC_M);
	izin_image *im = blank(hard[_i].w, hard[_i].h, hard[_i].ground);
	izin_codes *c;
	int passes;

	draw_modules(im, qr->modules, qr->width, hard[_i].x, hard[_i].y,
	    hard[_i].scale, 4, hard[_i].ink, hard[_i].paper);
	if (hard[_i].spoil)
		hard[_i].spoil(im, hard[_i].arg);
	if (hard[_i].none_within) {
		c = scan(im, hard[_i].none_within, NULL);
		ck_assert_uint_eq(c->n, 0);
		izin_codes_free(c);
	}
	if (hard[_i].passes_gt || hard[_i].passes_eq)
		c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	else
		ck_assert_int_eq(izin_scan(im, &c), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_int_eq(find(c, text), 0);
	if (hard[_i].passes_gt)
		ck_assert_int_gt(passes, hard[_i].passes_gt);
	if (hard[_i].passes_eq)
		ck_assert_int_eq(passes, hard[_i].passes_eq);
	izin_codes_free(c);
	izin_qr_free(qr);
	izin_image_free(im);
	free(text);
}
END_TEST

/* Byte-mode UTF-8 from another generator comes back byte for byte, not
 * run through zbar's charset guess (which makes it Shift JIS). */
START_TEST(test_byte_mode_utf8)
{
	static const char text[] = "caf\xc3\xa9 \xe2\x82\xac 5";
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	int n;
	izin_image *im;
	izin_codes *c;

	ck_assert_ptr_nonnull(q);
	n = (q->width + 8) * 4;
	im = blank(n, n, 255);
	draw_modules(im, q->data, q->width, 0, 0, 4, 4, 0, 255);
	QRcode_free(q);
	ck_assert_int_eq(izin_scan(im, &c), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_uint_eq(c->len[0], sizeof text - 1);
	ck_assert_mem_eq(c->text[0], text, sizeof text - 1);
	izin_codes_free(c);
	izin_image_free(im);
}
END_TEST

/* ---- images with no code ---- */

/* Blank, and busy with blocks and noise like a printed page: no code,
 * no error, and the extra passes tried and stopped. */
START_TEST(test_no_code)
{
	izin_image *im = blank(640, 480, 255);
	izin_codes *c;
	unsigned seed = 5;
	int passes, x, y, bx, by;

	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_int_gt(passes, 1);
	ck_assert_int_le(passes, IZIN_SCAN_PASSES_MAX);
	izin_codes_free(c);
	for (by = 0; by < 480; by += 12)
		for (bx = 0; bx < 640; bx += 8) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 3 == 0)
				continue;
			for (y = by; y < by + 9; y++)
				for (x = bx; x < bx + 6; x++) {
					seed = seed * 1103515245u + 12345u;
					im->gray[y * 640 + x] = (unsigned char)
					    ((seed >> 16) % 90);
				}
		}
	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_int_le(passes, IZIN_SCAN_PASSES_MAX);
	izin_codes_free(c);
	izin_image_free(im);
}
END_TEST

static const struct { int w, h; } tiny[] = {
	{ 1, 1 }, { 2, 2 }, { 1, 300 }, { 300, 1 }, { 3, 5000 }
};

START_TEST(test_tiny)
{
	izin_image *im = blank(tiny[_i].w, tiny[_i].h, 0);
	izin_codes *c;
	int passes;

	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_int_le(passes, IZIN_SCAN_PASSES_MAX);
	izin_codes_free(c);
	izin_image_free(im);
}
END_TEST

/* A large blank photo: every pass runs, and no more than the budget. */
START_TEST(test_large_blank)
{
	izin_image *im = blank(4000, 3000, 128);
	izin_codes *c;
	int passes;

	c = scan(im, IZIN_SCAN_PASSES_MAX, &passes);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_int_gt(passes, 1);
	ck_assert_int_le(passes, IZIN_SCAN_PASSES_MAX);
	izin_codes_free(c);
	/* The limit holds when it is lower too. */
	c = scan(im, 3, &passes);
	ck_assert_int_eq(passes, 3);
	izin_codes_free(c);
	izin_image_free(im);
}
END_TEST

START_TEST(test_args)
{
	izin_image *im = blank(10, 10, 255), bad;
	izin_codes *c = (izin_codes *)1;
	int passes = 7;

	ck_assert_int_eq(izin_scan(NULL, &c), IZIN_EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(izin_scan(im, NULL), IZIN_EINVAL);
	bad = *im;
	bad.width = 0;
	ck_assert_int_eq(izin_scan(&bad, &c), IZIN_EINVAL);
	bad.width = 10;
	bad.height = -1;
	ck_assert_int_eq(izin_scan(&bad, &c), IZIN_EINVAL);
	bad.height = 10;
	bad.gray = NULL;
	ck_assert_int_eq(izin_scan(&bad, &c), IZIN_EINVAL);
	/* Over the pixel limit, refused before any pixel is read. */
	bad = *im;
	bad.width = 65536;
	bad.height = 1025;
	ck_assert_int_eq(izin_scan(&bad, &c), IZIN_ETOOBIG);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(izin_scan_limited(im, 0, &c, &passes), IZIN_EINVAL);
	ck_assert_int_eq(passes, 0);
	izin_codes_free(NULL);
	izin_image_free(im);
}
END_TEST

/* Threads scanning at once get what one thread gets, extra passes
 * included. */
struct job {
	izin_image *im;
	char *text;
	int failed;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	izin_codes *c;
	int i;

	for (i = 0; i < 5; i++) {
		if (izin_scan(j->im, &c) != 0) {
			j->failed = 1;
			return NULL;
		}
		if (c->n != 1 || c->len[0] != strlen(j->text) ||
		    memcmp(c->text[0], j->text, c->len[0]) != 0)
			j->failed = 1;
		izin_codes_free(c);
	}
	return NULL;
}

START_TEST(test_threads)
{
	enum { NT = 4 };
	struct job jobs[NT];
	int i;

	for (i = 0; i < NT; i++) {
		jobs[i].text = payload(100 + 50 * (size_t)i, 20 + (unsigned)i);
		/* Half of them need the extra passes. */
		jobs[i].im = card(jobs[i].text, i % 2 ? 1 : 3, i % 2 ? 0 : 4);
		jobs[i].failed = 0;
	}
	run_threads(worker, jobs, sizeof jobs[0], NT);
	for (i = 0; i < NT; i++) {
		ck_assert_int_eq(jobs[i].failed, 0);
		izin_image_free(jobs[i].im);
		free(jobs[i].text);
	}
}
END_TEST

/* ---- image operations ---- */

static izin_image *
from(int w, int h, const unsigned char *px)
{
	izin_image *im;

	ck_assert_int_eq(izin_image_alloc((unsigned long)w, (unsigned long)h,
	    &im), IZIN_OK);
	memcpy(im->gray, px, (size_t)w * h);
	return im;
}

/* im is w x h pixels, each as in want; then im is freed. */
static void
check_pixels(izin_image *im, int w, int h, const unsigned char *want)
{
	int i;

	ck_assert_ptr_nonnull(im);
	ck_assert_int_eq(im->width, w);
	ck_assert_int_eq(im->height, h);
	for (i = 0; i < w * h; i++)
		if (im->gray[i] != want[i])
			ck_abort_msg("pixel %d,%d is %d, want %d", i % w,
			    i / w, im->gray[i], want[i]);
	izin_image_free(im);
}

START_TEST(test_prep_half)
{
	static const unsigned char px[] = {
		0, 4, 8, 9, 100,
		4, 8, 9, 9, 100,
		255, 255, 0, 1, 100
	};
	static const unsigned char want[] = { 4, 9 };
	static const unsigned char col[] = { 10, 20, 30, 40, 50 };
	static const unsigned char colwant[] = { 15, 35 };
	izin_image *src = from(5, 3, px);

	/* Rounded means of 2x2 blocks; the odd last row and column go. */
	check_pixels(izin_prep_half(src), 2, 1, want);
	izin_image_free(src);
	/* A side of one stays one. */
	src = from(1, 5, col);
	check_pixels(izin_prep_half(src), 1, 2, colwant);
	izin_image_free(src);
}
END_TEST

START_TEST(test_prep_blur)
{
	static const unsigned char px[] = {
		90, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 180
	};
	/* Means over the 3x3 square clipped at the edges: the corners
	 * average 4 pixels, the edges 6, the middle 9. */
	static const unsigned char want[] = {
		23, 15, 0, 0,
		15, 10, 20, 30,
		0, 0, 30, 45
	};
	unsigned char flat[64];
	izin_image *src = from(4, 3, px);
	int r;

	check_pixels(izin_prep_blur(src, 1), 4, 3, want);
	izin_image_free(src);
	/* Any radius leaves a flat image as it is. */
	memset(flat, 77, sizeof flat);
	src = from(16, 4, flat);
	for (r = 0; r < 40; r += 3)
		check_pixels(izin_prep_blur(src, r), 16, 4, flat);
	izin_image_free(src);
}
END_TEST

START_TEST(test_prep_threshold)
{
	unsigned char px[15 * 15], want[15 * 15];
	izin_image *src;
	int x, y;

	/* A flat ground stays white, whatever its level. */
	memset(px, 40, sizeof px);
	memset(want, 255, sizeof want);
	src = from(15, 15, px);
	check_pixels(izin_prep_threshold(src, 3, 2), 15, 15, want);
	izin_image_free(src);
	/* A slight dark spot on a gradient goes black, the gradient
	 * itself white. */
	for (y = 0; y < 15; y++)
		for (x = 0; x < 15; x++)
			px[y * 15 + x] = (unsigned char)(100 + x);
	px[7 * 15 + 7] -= 20;
	want[7 * 15 + 7] = 0;
	src = from(15, 15, px);
	check_pixels(izin_prep_threshold(src, 3, 2), 15, 15, want);
	izin_image_free(src);
}
END_TEST

START_TEST(test_prep_pad)
{
	static const unsigned char px[] = { 0, 10, 20, 30, 40, 50 };
	static const unsigned char want[] = {
		255, 255, 255, 255, 255, 255, 255, 255,
		255, 0, 0, 10, 10, 20, 20, 255,
		255, 0, 0, 10, 10, 20, 20, 255,
		255, 30, 30, 40, 40, 50, 50, 255,
		255, 30, 30, 40, 40, 50, 50, 255,
		255, 255, 255, 255, 255, 255, 255, 255
	};
	izin_image *src = from(3, 2, px), *d;

	/* The margin is in source pixels, upscaled like them: 1 * 2. */
	d = izin_prep_pad(src, 1, 2);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->width, 10);
	ck_assert_int_eq(d->height, 8);
	izin_image_free(d);
	d = izin_prep_pad(src, 0, 2);
	ck_assert_int_eq(d->width, 6);
	izin_image_free(d);
	ck_assert_ptr_null(izin_prep_pad(src, -1, 2));
	ck_assert_ptr_null(izin_prep_pad(src, 0, 0));
	ck_assert_ptr_null(izin_prep_pad(src, 0, 40000));
	izin_image_free(src);
	/* Margin 1 at factor 1 around a 2x upscaled copy. */
	src = from(3, 2, px);
	d = izin_prep_pad(src, 0, 2);
	check_pixels(izin_prep_pad(d, 1, 1), 8, 6, want);
	izin_image_free(d);
	izin_image_free(src);
}
END_TEST

START_TEST(test_prep_invert_sharpen)
{
	static const unsigned char px[] = { 0, 1, 128, 254, 255, 100 };
	static const unsigned char inv[] = { 255, 254, 127, 1, 0, 155 };
	static const unsigned char edge[] = { 50, 50, 50, 150, 150, 150 };
	/* 2p - mean of 3: the step overshoots on both sides. */
	static const unsigned char sharp[] = { 50, 50, 17, 183, 150, 150 };
	izin_image *src = from(6, 1, px), *d;

	check_pixels(izin_prep_invert(src), 6, 1, inv);
	izin_image_free(src);
	src = from(6, 1, edge);
	check_pixels(izin_prep_sharpen(src, 1), 6, 1, sharp);
	izin_image_free(src);
	ck_assert_int_eq(izin_image_alloc(0, 5, &d), IZIN_EIMAGE);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(izin_image_alloc(65536, 1025, &d), IZIN_ETOOBIG);
	ck_assert_ptr_null(d);
	izin_image_free(NULL);
}
END_TEST

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc;

	tc = tcase_create("find");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_two_codes);
	tcase_add_test(tc, test_same_code_twice);
	tcase_add_loop_test(tc, test_one_pixel_modules, 0,
	    sizeof one_pixel_len / sizeof one_pixel_len[0]);
	tcase_add_loop_test(tc, test_hard, 0, sizeof hard / sizeof hard[0]);
	tcase_add_test(tc, test_byte_mode_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("none");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_no_code);
	tcase_add_loop_test(tc, test_tiny, 0, sizeof tiny / sizeof tiny[0]);
	tcase_add_test(tc, test_large_blank);
	tcase_add_test(tc, test_args);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("prep");
	tcase_add_test(tc, test_prep_half);
	tcase_add_test(tc, test_prep_blur);
	tcase_add_test(tc, test_prep_threshold);
	tcase_add_test(tc, test_prep_pad);
	tcase_add_test(tc, test_prep_invert_sharpen);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(scan_suite)
