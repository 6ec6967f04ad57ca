/*
 * image_internal.h - what the image files share: lib/image.c (images,
 * sizes, orientation), lib/image_load.c (finding the format, reading
 * files) and the decoders lib/image_png.c, lib/image_jpeg.c and
 * lib/image_pnm.c.  Not installed; the tests use only izin.h.
 */
#ifndef IMAGE_INTERNAL_H
#define IMAGE_INTERNAL_H

#include "izin.h"

/* Check a size as a header states it, before anything is allocated:
 * IZIN_EIMAGE for a zero side, IZIN_ETOOBIG past IZIN_PIXELS_MAX. */
int izin_image_check_size(unsigned long width, unsigned long height);
/* A new image of a checked size, its pixels not set. */
int izin_image_alloc(unsigned long width, unsigned long height,
                     izin_image **out);
/* Turn an image as stored into an image as seen, for an EXIF orientation
 * (1-8; anything else leaves it as it is).  *img may be replaced. */
int izin_image_orient(izin_image **img, int orientation);

/* Luma of 8-bit R, G, B (ITU-R BT.601). */
#define IZIN_LUMA(r, g, b) \
	((unsigned char)((77u * (r) + 150u * (g) + 29u * (b) + 128) >> 8))
/* A value v with alpha a (both 0-255) over white paper, rounded; the
 * division by 255 as (t + (t >> 8)) >> 8, exact up to 255 * 255. */
static inline unsigned char
izin_over_white(unsigned v, unsigned a)
{
	unsigned t = v * a + 255u * (255u - a) + 128u;

	return (unsigned char)((t + (t >> 8)) >> 8);
}

/* The decoders: data starts with the format's signature.  *out is NULL
 * on failure. */
int izin_image_png(const unsigned char *data, size_t len, izin_image **out);
int izin_image_jpeg(const unsigned char *data, size_t len,
                    izin_image **out);
int izin_image_pnm(const unsigned char *data, size_t len, izin_image **out);

#endif
