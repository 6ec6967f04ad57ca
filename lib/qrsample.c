/*
 * qrsample.c - the module grid of a code zbar found, sampled from the
 * image zbar scanned, and read with qrbits.c.  zbar gives the symbol's
 * corners but not its version, its segments or its ECI; the grid is
 * taken through the projective map of those corners, and a reading
 * counts only when Reed-Solomon accepts it and its bytes are the bytes
 * zbar gave, so a poor sample can only lose the extra detail, never
 * change a code's text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "geom_internal.h"

/* Halfway between the dark and the light of the symbol's bounding box
 * (its 5th and 95th percentiles, over 48 x 48 pixels), or -1 when there
 * is no contrast to read. */
static double
threshold(const izin_image *img, const double pts[4][2])
{
	double x0 = pts[0][0], x1 = x0, y0 = pts[0][1], y1 = y0;
	int hist[256] = { 0 }, i, j, lo, hi, n;

	for (i = 1; i < 4; i++) {
		x0 = fmin(x0, pts[i][0]);
		x1 = fmax(x1, pts[i][0]);
		y0 = fmin(y0, pts[i][1]);
		y1 = fmax(y1, pts[i][1]);
	}
	for (i = 0; i < 48; i++)
		for (j = 0; j < 48; j++)
			hist[(int)izin_gray_at(img, x0 + (x1 - x0) * (j + 0.5) / 48,
			    y0 + (y1 - y0) * (i + 0.5) / 48)]++;
	for (lo = 0, n = 0; (n += hist[lo]) < 48 * 48 / 20; lo++)
		;
	for (hi = 255, n = 0; (n += hist[hi]) < 48 * 48 / 20; hi--)
		;
	if (hi - lo < 24)
		return -1;
	return (hi + lo) / 2.0;
}

/*
 * Modules a side, from the finder pattern at corner c: along the
 * diagonal to the opposite corner, a finder crosses dark, light, dark,
 * light, dark in 1:1:3:1:1 over its 7 modules.  0 when that is not seen.
 */
static double
side_from_finder(const izin_image *img, const double pts[4][2], int c,
                 double thr)
{
	static const double unit[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 1 },
	    { 1, 0 } };
	izin_homog h;
	double len, x, y, t, dt, run[5] = { 0 }, tot;
	int k = 0, dark, want = 1, steps, i;

	if (izin_homog_quad(unit, pts, &h) < 0)
		return 0;
	len = hypot(pts[c][0] - pts[(c + 2) % 4][0],
	    pts[c][1] - pts[(c + 2) % 4][1]);
	/* A corner far outside the image is no symbol zbar read. */
	if (!(len < 2.0 * (img->width + img->height)))
		return 0;
	steps = (int)(len * 2) + 8;
	dt = 0.5 / steps;
	for (i = 0; i < steps && k < 5; i++) {
		t = (i + 0.5) * dt;
		izin_homog_apply(&h,
		    unit[c][0] + (unit[(c + 2) % 4][0] - unit[c][0]) * t,
		    unit[c][1] + (unit[(c + 2) % 4][1] - unit[c][1]) * t,
		    &x, &y);
		dark = izin_gray_at(img, x, y) < thr;
		/* A corner point a little outside: light before the
		 * finder. */
		if (!dark && k == 0 && run[0] == 0)
			continue;
		if (dark != want) {
			if (++k == 5)
				break;
			want = dark;
		}
		run[k] += dt;
	}
	if (k < 4)
		return 0;
	tot = run[0] + run[1] + run[2] + run[3] + run[4];
	/* 1:1:3:1:1, loosely: the middle is the widest run. */
	for (i = 0; i < 5; i++)
		if (i != 2 && (run[i] > run[2] || run[i] < tot / 14))
			return 0;
	return 7 / tot;
}

/* Mismatches of the finder pattern at (x0, y0) of m. */
static int
finder_errors(const unsigned char *m, int side, int x0, int y0)
{
	int x, y, d, e = 0, dark;

	for (y = 0; y < 7; y++)
		for (x = 0; x < 7; x++) {
			d = abs(x - 3) > abs(y - 3) ? abs(x - 3) : abs(y - 3);
			dark = d != 2;
			e += (m[(y0 + y) * side + x0 + x] != 0) != dark;
		}
	return e;
}

static int
matches(const izin_qrbits *q, const char *want, size_t wantlen)
{
	char *u;
	size_t ulen;
	int ok;

	if (q->len == wantlen && memcmp(q->data, want, wantlen) == 0)
		return 1;
	/* zbar puts byte segments under an ECI it knows into UTF-8 even
	 * in binary mode. */
	if (!q->has_eci || izin_qrtext_zbar(q, &u, &ulen) < 0)
		return 0;
	ok = ulen == wantlen && memcmp(u, want, wantlen) == 0;
	free(u);
	return ok;
}

/* Read version v's grid through the quad, in each of the 8 ways it may
 * lie: 1 and *q filled when a reading matches want, 0 when none does,
 * or IZIN_ENOMEM. */
static int
try_version(const izin_image *img, const double pts[4][2], int v,
            double thr, const char *want, size_t wantlen, izin_qrbits *q)
{
	int side = IZIN_QR_SIDE(v), x, y, t, sx, sy, r = 0;
	double src[4][2], px, py;
	unsigned char *s, *m;
	izin_homog h;

	src[0][0] = 0, src[0][1] = 0;
	src[1][0] = 0, src[1][1] = side;
	src[2][0] = side, src[2][1] = side;
	src[3][0] = side, src[3][1] = 0;
	if (izin_homog_quad(src, pts, &h) < 0)
		return 0;
	s = calloc((size_t)side, (size_t)side);
	m = calloc((size_t)side, (size_t)side);
	if (s == NULL || m == NULL) {
		free(s);
		free(m);
		return IZIN_ENOMEM;
	}
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++) {
			izin_homog_apply(&h, x + 0.5, y + 0.5, &px, &py);
			s[y * side + x] = izin_gray_at(img, px, py) < thr;
		}
	for (t = 0; t < 8 && r == 0; t++) {
		for (y = 0; y < side; y++)
			for (x = 0; x < side; x++) {
				sx = t & 4 ? y : x;
				sy = t & 4 ? x : y;
				switch (t & 3) {
				case 1: sx = side - 1 - sx;
					break;
				case 2: sy = side - 1 - sy;
					break;
				case 3: sx = side - 1 - sx;
					sy = side - 1 - sy;
					break;
				}
				m[y * side + x] = s[sy * side + sx];
			}
		/* The three finders where a reading expects them, or not
		 * worth decoding. */
		if (finder_errors(m, side, 0, 0) + finder_errors(m, side,
		    side - 7, 0) + finder_errors(m, side, 0, side - 7) > 18)
			continue;
		r = izin_qrbits_read(m, side, q);
		if (r == IZIN_ENOMEM)
			break;
		if (r == 0 && matches(q, want, wantlen))
			r = 1;
		else {
			izin_qrbits_clear(q);
			r = 0;
		}
	}
	free(s);
	free(m);
	return r;
}

int
izin_qrbits_sample(const izin_image *img, const double pts[4][2],
                   const char *want, size_t wantlen, izin_qrbits *q)
{
	double thr, n, sum = 0;
	int c, k = 0, v0, d, v, r;

	if (q == NULL)
		return IZIN_EINVAL;
	memset(q, 0, sizeof *q);
	if (img == NULL || img->gray == NULL || want == NULL)
		return IZIN_EINVAL;
	if ((thr = threshold(img, pts)) < 0)
		return IZIN_EINVAL;
	for (c = 0; c < 4; c++)
		if ((n = side_from_finder(img, pts, c, thr)) > 0) {
			sum += n;
			k++;
		}
	if (k < 2)
		return IZIN_EINVAL;
	v0 = (int)lround((sum / k - 17) / 4);
	/* The nearest versions first: a finder seen a little wide or
	 * narrow moves the estimate by one or two. */
	for (d = 0; d <= 4; d++)
		for (c = 0; c < (d ? 2 : 1); c++) {
			v = c ? v0 - d : v0 + d;
			if (v < 1 || v > 40)
				continue;
			if ((r = try_version(img, pts, v, thr, want, wantlen,
			    q)) != 0)
				return r < 0 ? r : 0;
		}
	return IZIN_EINVAL;
}
