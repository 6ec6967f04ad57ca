/*
 * check_geom.c - the geometry stage of izin_scan() (lib/geom.c) and the
 * projective maps under it (lib/homog.c).  Codes are drawn here with
 * izin_qr_encode() and then seen as a camera would: through a steep
 * projective map, or on a page bending up towards its spine, both
 * computed exactly below, so the tests need no files.
 */
#define _GNU_SOURCE

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "geom_internal.h"
#include "scan_internal.h"
#include "check_util.h"
#include "fixture.h"

/* ---- projective maps ---- */

START_TEST(test_homog_quad)
{
	const double src[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
	const double dst[4][2] = { { 10, 20 }, { 90, 35 }, { 5, 80 },
	                           { 70, 70 } };
	const double line[4][2] = { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 7 } };
	izin_homog h;
	double x, y;

	ck_assert_int_eq(izin_homog_quad(src, dst, &h), IZIN_OK);
	for (int i = 0; i < 4; i++) {
		izin_homog_apply(&h, src[i][0], src[i][1], &x, &y);
		ck_assert_double_eq_tol(x, dst[i][0], 1e-9);
		ck_assert_double_eq_tol(y, dst[i][1], 1e-9);
	}
	/* A projective map keeps lines: the centre goes to where the
	 * diagonals of the image quad cross. */
	izin_homog_apply(&h, 0.5, 0.5, &x, &y);
	{
		/* (10,20)-(70,70) meets (90,35)-(5,80) at t along the
		 * first: cross(B - A, D - B) / cross(C - A, D - B). */
		double t = (80.0 * 45 - 15.0 * -85) / (60.0 * 45 - 50.0 * -85);

		ck_assert_double_eq_tol(x, 10 + t * 60, 1e-9);
		ck_assert_double_eq_tol(y, 20 + t * 50, 1e-9);
	}
	/* Three points on a line fix no map. */
	ck_assert_int_eq(izin_homog_quad(line, dst, &h), IZIN_EINVAL);
	ck_assert_int_eq(izin_homog_quad(src, line, &h), IZIN_EINVAL);
}
END_TEST

START_TEST(test_homog_fit)
{
	const double sq[4][2] = { { 0, 0 }, { 57, 0 }, { 0, 57 }, { 57, 57 } };
	const double pic[4][2] = { { 412, 300 }, { 1510, 512 },
	                           { 380, 1620 }, { 1490, 1250 } };
	double src[40][2], dst[40][2], x, y, ex, ey, worst = 0;
	unsigned seed = 7;
	izin_homog truth, fit;
	int i;

	ck_assert_int_eq(izin_homog_quad(sq, pic, &truth), IZIN_OK);
	for (i = 0; i < 40; i++) {
		seed = seed * 1103515245u + 12345u;
		src[i][0] = (seed >> 8) % 5700 / 100.0;
		seed = seed * 1103515245u + 12345u;
		src[i][1] = (seed >> 8) % 5700 / 100.0;
		izin_homog_apply(&truth, src[i][0], src[i][1], &x, &y);
		/* Up to half a pixel off, as corners found in a photo are. */
		seed = seed * 1103515245u + 12345u;
		dst[i][0] = x + ((seed >> 8) % 1000 / 1000.0 - 0.5);
		seed = seed * 1103515245u + 12345u;
		dst[i][1] = y + ((seed >> 8) % 1000 / 1000.0 - 0.5);
	}
	ck_assert_int_eq(izin_homog_fit((const double (*)[2])src,
	    (const double (*)[2])dst, NULL, 40, &fit), IZIN_OK);
	for (i = 0; i <= 57; i += 3) {
		izin_homog_apply(&truth, i, 57 - i, &ex, &ey);
		izin_homog_apply(&fit, i, 57 - i, &x, &y);
		worst = fmax(worst, hypot(x - ex, y - ey));
	}
	ck_assert_msg(worst < 0.5, "fit %g px off the true map", worst);
	/* Exact points give the map back exactly. */
	for (i = 0; i < 4; i++) {
		memcpy(src[i], sq[i], sizeof sq[i]);
		memcpy(dst[i], pic[i], sizeof pic[i]);
	}
	ck_assert_int_eq(izin_homog_fit((const double (*)[2])src,
	    (const double (*)[2])dst, NULL, 4, &fit), IZIN_OK);
	izin_homog_apply(&fit, 57, 57, &x, &y);
	ck_assert_double_eq_tol(x, 1490, 1e-6);
	ck_assert_double_eq_tol(y, 1250, 1e-6);
	ck_assert_int_eq(izin_homog_fit((const double (*)[2])src,
	    (const double (*)[2])dst, NULL, 3, &fit), IZIN_EINVAL);
	for (i = 0; i < 4; i++)
		src[i][0] = src[i][1] = 5;
	ck_assert_int_eq(izin_homog_fit((const double (*)[2])src,
	    (const double (*)[2])dst, NULL, 4, &fit), IZIN_EINVAL);
}
END_TEST

/* ---- codes seen at an angle or on a bent page ---- */

/* Gray level of src at a point, bilinear; white paper off it. */
static double
at(const izin_image *src, double x, double y)
{
	int x0, y0;
	double fx, fy;
	const unsigned char *p;

	x -= 0.5;
	y -= 0.5;
	if (!(x >= 0 && y >= 0 && x < src->width - 1 && y < src->height - 1))
		return 235;
	x0 = (int)x;
	y0 = (int)y;
	fx = x - x0;
	fy = y - y0;
	p = src->gray + (size_t)y0 * src->width + x0;
	return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) +
	    (p[src->width] * (1 - fx) + p[src->width + 1] * fx) * fy;
}

/* Print ink at 30 rather than 0, paper at 235, and a soft edge (3x3
 * mean), as a camera sees them. */
static void
camera(izin_image *im)
{
	izin_image *b;

	for (size_t i = 0; i < (size_t)im->width * im->height; i++)
		im->gray[i] = (unsigned char)(30 + im->gray[i] * 205 / 255);
	b = izin_prep_blur(im, 1);
	ck_assert_ptr_nonnull(b);
	memcpy(im->gray, b->gray, (size_t)im->width * im->height);
	izin_image_free(b);
}

/*
 * The card src (n x n pixels) photographed at a steep angle: its square
 * becomes a quad in a w x w picture whose short side is 60% of the one
 * opposite, turned by a few degrees.  side picks the short side (0 right,
 * 1 bottom, 2 left, 3 top).
 */
static izin_image *
steep(const izin_image *src, int side, int w)
{
	double n = src->width, c = w / 2.0, s = 0.4 * w, a, x, y;
	double sq[4][2] = { { 0, 0 }, { n, 0 }, { 0, n }, { n, n } };
	/* Clockwise from the top left; q[] is in sq[]'s order. */
	double cw[4][2] = { { c - s, c - s }, { c + s, c - s },
	                    { c + s, c + s }, { c - s, c + s } }, q[4][2];
	double p0[2], p1[2];
	static const int order[4] = { 0, 1, 3, 2 };
	izin_image *out = blank(w, w, 0);
	izin_homog back;
	int i, k0 = (side + 1) % 4, k1 = (side + 2) % 4;

	/* The short side's ends close in on each other, a fifth each. */
	memcpy(p0, cw[k0], sizeof p0);
	memcpy(p1, cw[k1], sizeof p1);
	for (i = 0; i < 2; i++) {
		cw[k0][i] += 0.2 * (p1[i] - p0[i]);
		cw[k1][i] += 0.2 * (p0[i] - p1[i]);
	}
	a = 0.08 * (side % 2 ? 1 : -1);
	for (i = 0; i < 4; i++) {
		x = cw[order[i]][0] - c;
		y = cw[order[i]][1] - c;
		q[i][0] = c + x * cos(a) - y * sin(a);
		q[i][1] = c + x * sin(a) + y * cos(a);
	}
	ck_assert_int_eq(izin_homog_quad((const double (*)[2])q,
	    (const double (*)[2])sq, &back), IZIN_OK);
	for (int py = 0; py < w; py++)
		for (int px = 0; px < w; px++) {
			izin_homog_apply(&back, px + 0.5, py + 0.5, &x, &y);
			out->gray[(size_t)py * w + px] =
			    (unsigned char)(at(src, x, y) + 0.5);
		}
	camera(out);
	return out;
}

/*
 * Where the point X of a card lying on a bent page is seen, across, and
 * the page's height there.  The card's left part, the R nearest the
 * spine, curls up along a circular arc that turns through 1.1 radians
 * (63 degrees); the rest lies flat.  A pinhole camera at height H over the card's middle
 * sees a point at height z at H / (H - z) times its distance from there.
 */
struct page {
	double n, R, H;
};

static double
page_x(const struct page *pg, double X, double *z)
{
	double rho = pg->R / 1.1, t, xh, cx = pg->n / 2;

	*z = 0;
	xh = X;
	if (X < pg->R) {
		t = (pg->R - X) / rho;
		xh = pg->R - rho * sin(t);
		*z = rho * (1 - cos(t));
	}
	return cx + (xh - cx) * pg->H / (pg->H - *z);
}

/* The card src on such a page, in a w x w picture.  Each picture column
 * shows one X of the card, found by bisection, so the map is exact; rows
 * bow out where the page rises towards the camera. */
static izin_image *
bent(const izin_image *src, int w)
{
	struct page pg = { src->width, 0.6 * src->width, 1.5 * src->width };
	double c = w / 2.0, k = 0.6 * w / pg.n, cx = pg.n / 2, lo, hi, mid;
	double z, X, Y;
	izin_image *out = blank(w, w, 0);

	for (int px = 0; px < w; px++) {
		lo = -0.3 * pg.n;
		hi = 1.3 * pg.n;
		for (int it = 0; it < 50; it++) {
			mid = (lo + hi) / 2;
			if (c + (page_x(&pg, mid, &z) - cx) * k < px + 0.5)
				lo = mid;
			else
				hi = mid;
		}
		X = (lo + hi) / 2;
		page_x(&pg, X, &z);
		for (int py = 0; py < w; py++) {
			Y = cx + (py + 0.5 - c) / k * (pg.H - z) / pg.H;
			out->gray[(size_t)py * w + px] =
			    (unsigned char)(at(src, X, Y) + 0.5);
		}
	}
	camera(out);
	return out;
}

/* What the geometry stage handed over, and what zbar made of it. */
struct seen {
	int calls, read, fail_with;
	char text[400];
};

static int
try_flat(void *arg, const izin_image *flat)
{
	struct seen *s = arg;
	izin_codes *c = NULL;
	int r;

	s->calls++;
	if (s->fail_with)
		return s->fail_with;
	/* A flat, upright symbol: the plain pass alone reads it. */
	ck_assert_int_eq(izin_scan_limited(flat, 1, &c, NULL), 0);
	r = c->n > 0;
	if (r && c->len[0] < sizeof s->text) {
		memcpy(s->text, c->text[0], c->len[0]);
		s->text[c->len[0]] = '\0';
		s->read++;
	}
	izin_codes_free(c);
	return r;
}

/* Permit-sized texts (a version 10 code), at two sizes: about 4 and 8
 * pixels a module where the card is nearest. */
static const int sizes[2] = { 4, 8 };

/* The stage alone reads the code, handing zbar a flat symbol that the
 * plain pass reads; and izin_scan reads it whole. */
static void
read_back(izin_image *im, const char *text, const char *what)
{
	struct seen s = { 0 };
	izin_codes *c;

	ck_assert_msg(izin_geom_straighten(im, NULL, try_flat, &s) == 1,
	    "%s: the geometry stage read nothing in %d fits", what, s.calls);
	ck_assert_str_eq(s.text, text);
	ck_assert_int_eq(izin_scan(im, &c), 0);
	ck_assert_msg(c->n == 1, "%s: %zu codes read", what, c->n);
	ck_assert_str_eq(c->text[0], text);
	izin_codes_free(c);
}

START_TEST(test_steep)
{
	char *text = payload(282, 40 + _i), what[64];
	izin_image *card_im = card(text, sizes[_i / 4], 4);
	izin_image *im = steep(card_im, _i % 4,
	    card_im->width * 3 / 2);

	snprintf(what, sizeof what, "steep, short side %d, %d px", _i % 4,
	    sizes[_i / 4]);
	read_back(im, text, what);
	izin_image_free(im);
	izin_image_free(card_im);
	free(text);
}
END_TEST

/* A square image turned a quarter clockwise, turns times. */
static void
turn(izin_image *im, int turns)
{
	int n = im->width;
	unsigned char *t = malloc((size_t)n * n);

	ck_assert_ptr_nonnull(t);
	while (turns-- > 0) {
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++)
				t[(size_t)x * n + (n - 1 - y)] =
				    im->gray[(size_t)y * n + x];
		memcpy(im->gray, t, (size_t)n * n);
	}
	free(t);
}

START_TEST(test_bent)
{
	char *text = payload(282, 60 + _i), what[64];
	izin_image *card_im = card(text, sizes[_i / 4], 4), *im;

	/* The spine along each side of the code in turn. */
	turn(card_im, _i % 4);
	im = bent(card_im, card_im->width * 3 / 2);
	snprintf(what, sizeof what, "bent page, spine by side %d, %d px",
	    _i % 4, sizes[_i / 4]);
	read_back(im, text, what);
	izin_image_free(im);
	izin_image_free(card_im);
	free(text);
}
END_TEST

/* The stage hands try flat images that zbar reads alone, and stops at
 * the first that reads. */
START_TEST(test_handover)
{
	char *text = payload(282, 77);
	izin_image *card_im = card(text, 6, 4);
	izin_image *im = steep(card_im, 0, card_im->width * 3 / 2);
	struct seen s = { 0 };

	ck_assert_int_eq(izin_geom_straighten(im, NULL, try_flat, &s), 1);
	ck_assert_int_eq(s.read, 1);
	ck_assert_str_eq(s.text, text);
	/* An error from try stops the stage and comes back. */
	memset(&s, 0, sizeof s);
	s.fail_with = IZIN_ENOMEM;
	ck_assert_int_eq(izin_geom_straighten(im, NULL, try_flat, &s), IZIN_ENOMEM);
	ck_assert_int_eq(s.calls, 1);
	izin_image_free(im);
	izin_image_free(card_im);
	free(text);
}
END_TEST

/* A small code on a bent page in a photo over 2200 px a side, which
 * every pass sees halved (modules under 2 pixels there): the stage,
 * the last pass, is what reads it. */
START_TEST(test_big_photo)
{
	char *text = payload(282, 90);
	izin_image *card_im = card(text, 4, 4);
	izin_image *shot = bent(card_im, card_im->width * 3 / 2);
	izin_image *im = blank(2600, 1900, 0);
	izin_codes *c;
	int passes;

	camera(im);
	for (int y = 0; y < shot->height; y++)
		memcpy(im->gray + (size_t)(700 + y) * im->width + 1500,
		    shot->gray + (size_t)y * shot->width, (size_t)shot->width);
	ck_assert_int_eq(izin_scan_limited(im, IZIN_SCAN_PASSES_MAX, &c,
	    &passes), 0);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_str_eq(c->text[0], text);
	izin_codes_free(c);
	/* The geometry stage, the last pass, is what read it. */
	ck_assert_int_eq(izin_scan_limited(im, passes - 1, &c, NULL), 0);
	ck_assert_uint_eq(c->n, 0);
	izin_codes_free(c);
	izin_image_free(im);
	izin_image_free(shot);
	izin_image_free(card_im);
	free(text);
}
END_TEST

static int
never(void *arg, const izin_image *flat)
{
	(void)flat;
	++*(int *)arg;
	return 0;
}

/* No code, no finders, nothing handed over; a code that never reads
 * costs a bounded number of fits. */
START_TEST(test_nothing)
{
	izin_image *im = blank(800, 600, 200);
	char *text = payload(282, 78);
	izin_image *card_im = card(text, 5, 4);
	int calls = 0;
	unsigned seed = 1;

	ck_assert_int_eq(izin_geom_straighten(im, NULL, never, &calls), 0);
	ck_assert_int_eq(calls, 0);
	for (size_t i = 0; i < 800 * 600; i++) {
		seed = seed * 1103515245u + 12345u;
		im->gray[i] = (unsigned char)(seed >> 16);
	}
	ck_assert_int_eq(izin_geom_straighten(im, NULL, never, &calls), 0);
	ck_assert_int_eq(calls, 0);
	izin_image_free(im);
	im = steep(card_im, 2, card_im->width * 3 / 2);
	ck_assert_int_eq(izin_geom_straighten(im, NULL, never, &calls), 0);
	ck_assert_int_gt(calls, 0);
	ck_assert_int_le(calls, 40);
	ck_assert_int_eq(izin_geom_straighten(NULL, NULL, never, &calls),
	    IZIN_EINVAL);
	ck_assert_int_eq(izin_geom_straighten(im, NULL, NULL, &calls), IZIN_EINVAL);
	izin_image_free(im);
	im = blank(20, 20, 0);
	ck_assert_int_eq(izin_geom_straighten(im, NULL, never, &calls), 0);
	izin_image_free(im);
	izin_image_free(card_im);
	free(text);
}
END_TEST

static Suite *
geom_suite(void)
{
	Suite *s = suite_create("geom");
	TCase *tc;

	tc = tcase_create("homog");
	tcase_add_test(tc, test_homog_quad);
	tcase_add_test(tc, test_homog_fit);
	suite_add_tcase(s, tc);

	tc = tcase_create("straighten");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_steep, 0, 8);
	tcase_add_loop_test(tc, test_bent, 0, 8);
	tcase_add_test(tc, test_big_photo);
	tcase_add_test(tc, test_handover);
	tcase_add_test(tc, test_nothing);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(geom_suite)
