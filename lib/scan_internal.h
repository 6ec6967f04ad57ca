/*
 * scan_internal.h - the image operations behind izin_scan()'s extra
 * passes, and izin_scan() with a pass limit, for the unit tests.  Not
 * installed, not part of the API.
 */
#ifndef SCAN_INTERNAL_H
#define SCAN_INTERNAL_H

#include "izin.h"

/* Most zbar passes izin_scan() makes over one image: the plain pass and
 * the extra ones it makes when that finds nothing. */
#define IZIN_SCAN_PASSES_MAX 8

/* izin_scan() stopping after maxpasses passes (1: the plain pass only);
 * the number of passes made goes to *passes when it is not NULL. */
int izin_scan_limited(const izin_image *img, int maxpasses,
                      izin_codes **out, int *passes);

/*
 * Each operation below returns a new image, or NULL when memory runs out
 * or the result would be over IZIN_PIXELS_MAX; the source is not
 * touched.  Free the result with izin_image_free().
 */

/* Half the width and height (rounded down; a side of 1 stays 1), each
 * pixel the mean of a 2x2 block. */
izin_image *izin_prep_half(const izin_image *src);

/* Each pixel the mean of the (2 * radius + 1)^2 square around it,
 * clipped at the edges (a box blur). */
izin_image *izin_prep_blur(const izin_image *src, int radius);

/* Unsharp mask: twice the pixel less that box mean, clamped to 0-255. */
izin_image *izin_prep_sharpen(const izin_image *src, int radius);

/* Local mean threshold: 0 where a pixel is darker than the mean of the
 * square around it by more than bias levels, 255 elsewhere. */
izin_image *izin_prep_threshold(const izin_image *src, int radius,
                                int bias);

/* A white border margin pixels wide, then every pixel repeated factor
 * times across and down (nearest neighbour).  factor >= 1, margin >= 0. */
izin_image *izin_prep_pad(const izin_image *src, int margin, int factor);

/* Light for dark: 255 - pixel. */
izin_image *izin_prep_invert(const izin_image *src);

#endif
