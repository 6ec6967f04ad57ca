/*
 * homog.c - plane projective maps from four point pairs, for the QR
 * geometry stage: a symbol seen at an angle is the image of a flat square
 * under one such map; and the gray level between pixels, where such a
 * map lands.
 */
#include <math.h>
#include <string.h>

#include "geom_internal.h"

/*
 * Solve the n x n system a x = b in place: a is row-major with n + 1
 * columns, b the last.  Gaussian elimination with partial pivoting; -1
 * when the system is singular (to rounding, against its largest entry).
 */
int
izin_solve(double *a, int n, double *x)
{
	double big = 0, t;
	int i, j, k, p, w = n + 1;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			big = fmax(big, fabs(a[i * w + j]));
	if (!(big > 0))
		return -1;
	for (k = 0; k < n; k++) {
		for (p = k, i = k + 1; i < n; i++)
			if (fabs(a[i * w + k]) > fabs(a[p * w + k]))
				p = i;
		if (!(fabs(a[p * w + k]) > 1e-12 * big))
			return -1;
		for (j = k; j < w && p != k; j++) {
			t = a[k * w + j];
			a[k * w + j] = a[p * w + j];
			a[p * w + j] = t;
		}
		for (i = k + 1; i < n; i++) {
			t = a[i * w + k] / a[k * w + k];
			for (j = k; j < w; j++)
				a[i * w + j] -= t * a[k * w + j];
		}
	}
	for (i = n - 1; i >= 0; i--) {
		t = a[i * w + n];
		for (j = i + 1; j < n; j++)
			t -= a[i * w + j] * x[j];
		x[i] = t / a[i * w + i];
	}
	return 0;
}

/* Whether a map squeezes the plane onto a line or a point: its
 * determinant, against the size of its entries, is (to rounding) zero. */
static int
degenerate(const double *m)
{
	double det = m[0] * (m[4] * m[8] - m[5] * m[7]) -
	    m[1] * (m[3] * m[8] - m[5] * m[6]) +
	    m[2] * (m[3] * m[7] - m[4] * m[6]);
	double c0 = hypot(hypot(m[0], m[3]), m[6]);
	double c1 = hypot(hypot(m[1], m[4]), m[7]);
	double c2 = hypot(hypot(m[2], m[5]), m[8]);

	return !(fabs(det) > 1e-10 * c0 * c1 * c2);
}

int
izin_homog_quad(const double src[4][2], const double dst[4][2],
                izin_homog *h)
{
	double a[8][9], x[8];
	int i;

	for (i = 0; i < 4; i++) {
		double sx = src[i][0], sy = src[i][1];
		double dx = dst[i][0], dy = dst[i][1];
		double r0[9] = { sx, sy, 1, 0, 0, 0, -sx * dx, -sy * dx, dx };
		double r1[9] = { 0, 0, 0, sx, sy, 1, -sx * dy, -sy * dy, dy };

		memcpy(a[2 * i], r0, sizeof r0);
		memcpy(a[2 * i + 1], r1, sizeof r1);
	}
	if (izin_solve(&a[0][0], 8, x) < 0)
		return IZIN_EINVAL;
	for (i = 0; i < 8; i++) {
		if (!isfinite(x[i]))
			return IZIN_EINVAL;
		h->m[i] = x[i];
	}
	h->m[8] = 1;
	return degenerate(h->m) ? IZIN_EINVAL : IZIN_OK;
}

/*
 * Least squares over n >= 4 pairs: the linear equations of
 * izin_homog_quad, one pair of rows a point, weighted by w[i] (NULL: all
 * 1), solved through the normal equations.  Both sides are first moved
 * to their centroid and scaled to unit spread, which keeps those
 * equations well conditioned whatever the pixel and module units.
 */
int
izin_homog_fit(const double (*src)[2], const double (*dst)[2],
               const double *w, int n, izin_homog *h)
{
	double a[8][9], x[8], ts[3] = { 0 }, td[3] = { 0 }, m[9], r[2][9];
	int i, j, k, q;

	if (n < 4)
		return IZIN_EINVAL;
	for (q = 0; q < 2; q++) {
		const double (*p)[2] = q ? dst : src;
		double cx = 0, cy = 0, d = 0, *tt = q ? td : ts;

		for (i = 0; i < n; i++) {
			cx += p[i][0];
			cy += p[i][1];
		}
		cx /= n;
		cy /= n;
		for (i = 0; i < n; i++)
			d += hypot(p[i][0] - cx, p[i][1] - cy);
		if (!(d > 0) || !isfinite(d))
			return IZIN_EINVAL;
		tt[0] = n * 1.4142135623730951 / d;
		tt[1] = cx;
		tt[2] = cy;
	}
	memset(a, 0, sizeof a);
	for (i = 0; i < n; i++) {
		double sx = (src[i][0] - ts[1]) * ts[0];
		double sy = (src[i][1] - ts[2]) * ts[0];
		double dx = (dst[i][0] - td[1]) * td[0];
		double dy = (dst[i][1] - td[2]) * td[0];
		double wi = w != NULL ? w[i] : 1;
		double r0[9] = { sx, sy, 1, 0, 0, 0, -sx * dx, -sy * dx, dx };
		double r1[9] = { 0, 0, 0, sx, sy, 1, -sx * dy, -sy * dy, dy };

		memcpy(r[0], r0, sizeof r0);
		memcpy(r[1], r1, sizeof r1);
		for (q = 0; q < 2; q++)
			for (j = 0; j < 8; j++)
				for (k = 0; k < 9; k++)
					a[j][k] += wi * r[q][j] * r[q][k];
	}
	if (izin_solve(&a[0][0], 8, x) < 0)
		return IZIN_EINVAL;
	/* h = Td^-1 * x * Ts, with T(p) = s (p - c). */
	for (i = 0; i < 8; i++)
		m[i] = x[i];
	m[8] = 1;
	{
		double s = ts[0], cx = ts[1], cy = ts[2], u[9], sd = td[0];

		/* x * Ts: columns 0, 1 scaled by s, column 2 takes -s c. */
		for (i = 0; i < 3; i++) {
			u[3 * i] = m[3 * i] * s;
			u[3 * i + 1] = m[3 * i + 1] * s;
			u[3 * i + 2] = m[3 * i + 2] - s * (m[3 * i] * cx +
			    m[3 * i + 1] * cy);
		}
		/* Td^-1 (p) = p / sd + c: rows 0, 1 become r / sd + c row 2. */
		for (j = 0; j < 3; j++) {
			m[j] = u[j] / sd + td[1] * u[6 + j];
			m[3 + j] = u[3 + j] / sd + td[2] * u[6 + j];
			m[6 + j] = u[6 + j];
		}
	}
	if (!isfinite(m[8]) || fabs(m[8]) < 1e-300)
		return IZIN_EINVAL;
	for (i = 0; i < 9; i++) {
		h->m[i] = m[i] / m[8];
		if (!isfinite(h->m[i]))
			return IZIN_EINVAL;
	}
	return degenerate(h->m) ? IZIN_EINVAL : IZIN_OK;
}

void
izin_homog_apply(const izin_homog *h, double x, double y, double *ox,
                 double *oy)
{
	const double *m = h->m;
	double w = m[6] * x + m[7] * y + m[8];

	if (fabs(w) < 1e-12)
		w = w < 0 ? -1e-12 : 1e-12;
	*ox = (m[0] * x + m[1] * y + m[2]) / w;
	*oy = (m[3] * x + m[4] * y + m[5]) / w;
}

double
izin_gray_at(const izin_image *img, double x, double y)
{
	int ix, iy, x1, y1;
	double fx, fy, a, b;
	const unsigned char *p = img->gray;

	/* zbar's points and module centres are in pixel units, a pixel's
	 * centre at + 0.5. */
	x -= 0.5;
	y -= 0.5;
	/* Written so that NaN, from a degenerate map, lands at 0. */
	if (!(x >= 0))
		x = 0;
	if (!(y >= 0))
		y = 0;
	if (x > img->width - 1)
		x = img->width - 1;
	if (y > img->height - 1)
		y = img->height - 1;
	ix = (int)x;
	iy = (int)y;
	fx = x - ix;
	fy = y - iy;
	x1 = ix + 1 < img->width ? ix + 1 : ix;
	y1 = iy + 1 < img->height ? iy + 1 : iy;
	a = p[(size_t)iy * img->width + ix] * (1 - fx) +
	    p[(size_t)iy * img->width + x1] * fx;
	b = p[(size_t)y1 * img->width + ix] * (1 - fx) +
	    p[(size_t)y1 * img->width + x1] * fx;
	return a * (1 - fy) + b * fy;
}
