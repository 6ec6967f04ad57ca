/*
 * prep.c - the image operations behind izin_scan()'s extra passes, on
 * 8-bit gray images: halve, box blur, sharpen, local threshold, pad and
 * upscale, invert.  Each makes a new image and leaves its source alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"
#include "scan_internal.h"

/* Keeps a column sum of the blur window, (2 * radius + 1) * 255, well
 * inside 32 bits; no image wants a wider window. */
#define RADIUS_MAX 65535

/* A new w x h image, pixels not set; NULL for a side below 1 or too many
 * pixels, or when memory runs out. */
static izin_image *
blank(long w, long h)
{
	izin_image *im;

	if (w <= 0 || h <= 0 ||
	    izin_image_alloc((unsigned long)w, (unsigned long)h, &im) != IZIN_OK)
		return NULL;
	return im;
}

izin_image *
izin_prep_half(const izin_image *src)
{
	int w = src->width / 2, h = src->height / 2, x, y, dx, dy;
	const unsigned char *a, *b;
	unsigned char *d;
	izin_image *dst;

	/* A side of 1 cannot halve: it stays, and its pixels pair with
	 * themselves. */
	dx = w > 0;
	dy = h > 0;
	w = w > 0 ? w : 1;
	h = h > 0 ? h : 1;
	if ((dst = blank(w, h)) == NULL)
		return NULL;
	for (y = 0; y < h; y++) {
		a = src->gray + (size_t)(y << dy) * src->width;
		b = a + (size_t)dy * src->width;
		d = dst->gray + (size_t)y * w;
		for (x = 0; x < w; x++)
			d[x] = (unsigned char)((a[x << dx] + a[(x << dx) + dx] +
			    b[x << dx] + b[(x << dx) + dx] + 2) >> 2);
	}
	return dst;
}

/*
 * Running sums make the cost O(width * height) whatever the radius:
 * col[x] holds the sum of column x over the window's rows, updated by
 * one row in and one row out as the window moves down, and a second
 * running sum slides along col.
 */
izin_image *
izin_prep_blur(const izin_image *src, int radius)
{
	int w = src->width, h = src->height, r, x, y, ny, nx;
	const unsigned char *p = src->gray, *row;
	unsigned char *d;
	uint32_t *col;
	uint64_t sum, cnt;
	izin_image *dst;

	r = radius < 0 ? 0 : radius > RADIUS_MAX ? RADIUS_MAX : radius;
	if ((dst = blank(w, h)) == NULL)
		return NULL;
	if ((col = calloc((size_t)w, sizeof *col)) == NULL) {
		izin_image_free(dst);
		return NULL;
	}
	for (y = 0; y < h && y <= r; y++)
		for (x = 0, row = p + (size_t)y * w; x < w; x++)
			col[x] += row[x];
	for (y = 0; y < h; y++) {
		if (y > 0 && y + r < h)
			for (x = 0, row = p + (size_t)(y + r) * w; x < w; x++)
				col[x] += row[x];
		if (y - r - 1 >= 0)
			for (x = 0, row = p + (size_t)(y - r - 1) * w; x < w;
			    x++)
				col[x] -= row[x];
		ny = (y + r < h ? y + r : h - 1) - (y - r > 0 ? y - r : 0) + 1;
		for (x = 0, sum = 0; x < w && x < r; x++)
			sum += col[x];
		d = dst->gray + (size_t)y * w;
		for (x = 0; x < w; x++) {
			if (x + r < w)
				sum += col[x + r];
			if (x - r - 1 >= 0)
				sum -= col[x - r - 1];
			nx = (x + r < w ? x + r : w - 1) -
			    (x - r > 0 ? x - r : 0) + 1;
			cnt = (uint64_t)nx * ny;
			d[x] = (unsigned char)((sum + cnt / 2) / cnt);
		}
	}
	free(col);
	return dst;
}

izin_image *
izin_prep_sharpen(const izin_image *src, int radius)
{
	size_t n = (size_t)src->width * src->height, i;
	izin_image *dst;
	int v;

	if ((dst = izin_prep_blur(src, radius)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		v = 2 * src->gray[i] - dst->gray[i];
		dst->gray[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
	return dst;
}

izin_image *
izin_prep_threshold(const izin_image *src, int radius, int bias)
{
	size_t n = (size_t)src->width * src->height, i;
	izin_image *dst;

	if ((dst = izin_prep_blur(src, radius)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		dst->gray[i] = src->gray[i] + bias < dst->gray[i] ? 0 : 255;
	return dst;
}

izin_image *
izin_prep_pad(const izin_image *src, int margin, int factor)
{
	long w, h;
	int x, y, k;
	const unsigned char *s;
	unsigned char *d;
	izin_image *dst;

	if (margin < 0 || factor < 1 || margin > IZIN_PIXELS_MAX ||
	    factor > IZIN_PIXELS_MAX)
		return NULL;
	w = ((long)src->width + 2L * margin) * factor;
	h = ((long)src->height + 2L * margin) * factor;
	if (w > IZIN_PIXELS_MAX || h > IZIN_PIXELS_MAX ||
	    (dst = blank(w, h)) == NULL)
		return NULL;
	memset(dst->gray, 255, (size_t)w * h);
	for (y = 0; y < src->height; y++) {
		s = src->gray + (size_t)y * src->width;
		d = dst->gray + (size_t)(y + margin) * factor * w +
		    (size_t)margin * factor;
		for (x = 0; x < src->width; x++)
			for (k = 0; k < factor; k++)
				d[x * factor + k] = s[x];
		for (k = 1; k < factor; k++)
			memcpy(d + (size_t)k * w, d,
			    (size_t)src->width * factor);
	}
	return dst;
}

izin_image *
izin_prep_invert(const izin_image *src)
{
	size_t n = (size_t)src->width * src->height, i;
	izin_image *dst;

	if ((dst = blank(src->width, src->height)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		dst->gray[i] = (unsigned char)(255 - src->gray[i]);
	return dst;
}
