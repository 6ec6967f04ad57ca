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
/* The image of (x, y); a point mapped to infinity goes to a huge value. */
void izin_homog_apply(const izin_homog *h, double x, double y, double *ox,
                      double *oy);

/* Modules a side of a QR symbol of a version (1-40): 17 + 4 v. */
#define IZIN_QR_SIDE(v) (17 + 4 * (v))

/*
 * The geometry stage: find QR symbols in img by their finder patterns
 * (and alignment patterns), fit each symbol's geometry (a homography,
 * refined to a smooth mesh through the alignment-pattern grid for a
 * curved page), and resample it onto a flat, upright image, modules
 * scale pixels wide, with a quiet zone.  Up to max images go to out[];
 * the count made, or a negative IZIN_E... code.  The caller frees each
 * with izin_image_free().
 */
int izin_geom_straighten(const izin_image *img, izin_image **out, int max);

#endif
