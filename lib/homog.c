/*
 * homog.c - plane projective maps from four point pairs, for the QR
 * geometry stage: a symbol seen at an angle is the image of a flat square
 * under one such map.
 */
#include <math.h>
#include <string.h>

#include "geom_internal.h"

/* Solve the 8 x 8 system a x = b in place, partial pivoting; -1 when it
 * is singular (to rounding, relative to the largest entry). */
static int
solve8(double a[8][9], double x[8])
{
	double big = 0, t;
	int i, j, k, p;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			big = fmax(big, fabs(a[i][j]));
	if (big == 0)
		return -1;
	for (k = 0; k < 8; k++) {
		for (p = k, i = k + 1; i < 8; i++)
			if (fabs(a[i][k]) > fabs(a[p][k]))
				p = i;
		if (fabs(a[p][k]) <= 1e-12 * big)
			return -1;
		if (p != k)
			for (j = k; j < 9; j++) {
				t = a[k][j];
				a[k][j] = a[p][j];
				a[p][j] = t;
			}
		for (i = k + 1; i < 8; i++) {
			t = a[i][k] / a[k][k];
			for (j = k; j < 9; j++)
				a[i][j] -= t * a[k][j];
		}
	}
	for (i = 7; i >= 0; i--) {
		t = a[i][8];
		for (j = i + 1; j < 8; j++)
			t -= a[i][j] * x[j];
		x[i] = t / a[i][i];
	}
	return 0;
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
	if (solve8(a, x) < 0)
		return IZIN_EINVAL;
	for (i = 0; i < 8; i++) {
		if (!isfinite(x[i]))
			return IZIN_EINVAL;
		h->m[i] = x[i];
	}
	h->m[8] = 1;
	return IZIN_OK;
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
