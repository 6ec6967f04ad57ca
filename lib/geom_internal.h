/*
 * geom_internal.h - plane geometry for the QR geometry stage: projective
 * maps (lib/homog.c), the straightening of a distorted symbol onto a flat
 * grid (lib/geom.c), and the reading of a symbol's module grid as bits
 * (lib/qrbits.c).  Not installed, not part of the API.
 */
#ifndef GEOM_INTERNAL_H
#define GEOM_INTERNAL_H

#include <stddef.h>

#include "izin.h"

/* A plane projective map (homography), row-major 3 x 3 with m[8] = 1:
 * (x, y) -> ((m0 x + m1 y + m2) / w, (m3 x + m4 y + m5) / w),
 * w = m6 x + m7 y + 1. */
typedef struct izin_homog {
	double m[9];
} izin_homog;

/* The map taking src[i] to dst[i] for the four points; IZIN_EINVAL when
 * three points of either side lie on a line (no such map). */
int izin_homog_quad(const double src[4][2], const double dst[4][2],
                    izin_homog *h);
/* The least-squares map over n >= 4 pairs, each weighted by w[i] (NULL
 * for equal weights); IZIN_EINVAL when the points fix no map. */
int izin_homog_fit(const double (*src)[2], const double (*dst)[2],
                   const double *w, int n, izin_homog *h);
/* The image of (x, y); a point mapped to infinity goes to a huge value. */
void izin_homog_apply(const izin_homog *h, double x, double y, double *ox,
                      double *oy);

/* Modules a side of a QR symbol of a version (1-40): 17 + 4 v. */
#define IZIN_QR_SIDE(v) (17 + 4 * (v))

/* What the geometry stage hands each straightened image to: 1 when it
 * read a code there (the stage then moves on to the next symbol), 0 when
 * not (it tries its next fit), or a negative IZIN_E... code to stop. */
typedef int (*izin_geom_try)(void *arg, const izin_image *flat);

/*
 * The geometry stage: find QR symbols in img by their finder patterns
 * (and alignment patterns), fit each symbol's geometry (a homography,
 * refined to a smooth mesh through the alignment-pattern grid and the
 * timing patterns for a curved page), resample it onto a flat, upright
 * image with a quiet zone, and hand that to try.  fine, when not NULL,
 * is the photo img was scaled down from, looked at last for codes too
 * small in img; without it a small img is looked at twice its size.
 * The number of symbols try read, or a negative IZIN_E... code.
 */
int izin_geom_straighten(const izin_image *img, const izin_image *fine,
                         izin_geom_try try, void *arg);

#endif
