#include <stdlib.h>
#include <string.h>

#include "image_internal.h"

int
izin_image_check_size(unsigned long width, unsigned long height)
{
	if (width == 0 || height == 0)
		return IZIN_EIMAGE;
	if (width > (unsigned long)IZIN_PIXELS_MAX ||
	    height > (unsigned long)IZIN_PIXELS_MAX / width)
		return IZIN_ETOOBIG;
	return IZIN_OK;
}

int
izin_image_alloc(unsigned long width, unsigned long height,
                 izin_image **out)
{
	izin_image *img;
	int err;

	*out = NULL;
	if ((err = izin_image_check_size(width, height)) != 0)
		return err;
	if ((img = malloc(sizeof *img)) == NULL)
		return IZIN_ENOMEM;
	if ((img->gray = malloc(width * height)) == NULL) {
		free(img);
		return IZIN_ENOMEM;
	}
	img->width = (int)width;
	img->height = (int)height;
	*out = img;
	return IZIN_OK;
}

int
izin_image_new(int width, int height, izin_image **out)
{
	int err;

	if (out == NULL)
		return IZIN_EINVAL;
	*out = NULL;
	if (width <= 0 || height <= 0)
		return IZIN_EINVAL;
	if ((err = izin_image_alloc((unsigned long)width,
	    (unsigned long)height, out)) != 0)
		return err;
	memset((*out)->gray, 255, (size_t)width * (size_t)height);
	return IZIN_OK;
}

void
izin_image_free(izin_image *img)
{
	if (img == NULL)
		return;
	free(img->gray);
	free(img);
}

static void
reverse(unsigned char *a, size_t n)
{
	unsigned char *b = a + n - 1, t;

	for (; a < b; a++, b--) {
		t = *a;
		*a = *b;
		*b = t;
	}
}

static void
flip_rows(izin_image *img)
{
	size_t w = (size_t)img->width;
	unsigned char *a, *b, t;
	size_t i;
	int y;

	for (y = 0; y < img->height / 2; y++) {
		a = img->gray + (size_t)y * w;
		b = img->gray + (size_t)(img->height - 1 - y) * w;
		for (i = 0; i < w; i++) {
			t = a[i];
			a[i] = b[i];
			b[i] = t;
		}
	}
}

/*
 * EXIF orientation (TIFF 6.0 tag 274) says where the stored rows and
 * columns belong: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate
 * 90 degrees clockwise to view, 7 transverse, 8 rotate 270 clockwise.
 * The first four stay in place; the others swap the sides and need a
 * second buffer.
 */
int
izin_image_orient(izin_image **imgp, int orientation)
{
	/* Tiles of the output, so that the source rows a tile reads down
	 * stay in the cache while it is written. */
	enum { TILE = 64 };
	izin_image *src = *imgp, *dst;
	const unsigned char *s;
	unsigned char *d;
	size_t sw = (size_t)src->width, sh = (size_t)src->height;
	size_t x, y, x0, y0, xend, yend, col, row;
	ptrdiff_t step;
	int err, down;

	switch (orientation) {
	case 2:
		for (y = 0; y < sh; y++)
			reverse(src->gray + y * sw, sw);
		return IZIN_OK;
	case 3:
		reverse(src->gray, sw * sh);
		return IZIN_OK;
	case 4:
		flip_rows(src);
		return IZIN_OK;
	case 5: case 6: case 7: case 8:
		break;
	default:
		return IZIN_OK;
	}
	if ((err = izin_image_alloc(sh, sw, &dst)) != 0)
		return err;
	/* Row y of the output is column y of the source (5, 6) or column
	 * sw - 1 - y (7, 8), read downwards (5, 8) or upwards (6, 7):
	 * 5 dst(x, y) = src(y, x)             6 dst(x, y) = src(y, sh-1-x)
	 * 7 dst(x, y) = src(sw-1-y, sh-1-x)   8 dst(x, y) = src(sw-1-y, x) */
	down = orientation == 5 || orientation == 8;
	step = down ? (ptrdiff_t)sw : -(ptrdiff_t)sw;
	for (y0 = 0; y0 < sw; y0 += TILE) {
		yend = y0 + TILE < sw ? y0 + TILE : sw;
		for (x0 = 0; x0 < sh; x0 += TILE) {
			xend = x0 + TILE < sh ? x0 + TILE : sh;
			row = down ? x0 : sh - 1 - x0;
			for (y = y0; y < yend; y++) {
				col = orientation <= 6 ? y : sw - 1 - y;
				s = src->gray + row * sw + col;
				d = dst->gray + y * sh + x0;
				for (x = x0; x < xend; x++, s += step)
					*d++ = *s;
			}
		}
	}
	izin_image_free(src);
	*imgp = dst;
	return IZIN_OK;
}
