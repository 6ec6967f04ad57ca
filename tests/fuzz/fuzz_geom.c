/*
 * fuzz_geom - the geometry stage alone (lib/geom.c): finder patterns,
 * timing tracks, alignment patterns, the fits and the flat drawing, on
 * any gray image.  The input is the image's width and height less one
 * (a byte each, so at most 256 x 256) and its pixels, row by row, white
 * past the end of the input.  Every flat image handed over must be a
 * square of whole modules with its quiet zone white.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"
#include "geom_internal.h"

static int
check_flat(void *arg, const izin_image *flat)
{
	int n = flat->width, i;

	(void)arg;
	FUZZ_ASSERT(flat->gray != NULL && n == flat->height);
	/* (21 to 177 modules + 8 of quiet zone) x 4 pixels. */
	FUZZ_ASSERT(n % 4 == 0 && n / 4 >= 29 && n / 4 <= 185);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(flat->gray[i] == 255 &&
		    flat->gray[(size_t)i * n] == 255);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	izin_image *img;
	size_t n;
	int r;

	if (size < 2)
		return 0;
	FUZZ_ASSERT(izin_image_new(data[0] + 1, data[1] + 1, &img) ==
	    IZIN_OK);
	n = (size_t)img->width * img->height;
	memcpy(img->gray, data + 2, size - 2 < n ? size - 2 : n);
	r = izin_geom_straighten(img, NULL, check_flat, NULL);
	FUZZ_ASSERT(r == 0 || r == IZIN_ENOMEM);
	izin_image_free(img);
	return 0;
}
