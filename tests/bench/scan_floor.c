/*
 * scan_floor - the floor for qr-scan's benchmark: a bare loop of libpng
 * load (to 8-bit gray) and one zbar scan (QR only) per file, on one
 * core, with no izin code, no verification and no output but a count.
 * libpng's own transforms do the conversion, and one scanner serves
 * every file: the cheapest way these two libraries can be driven.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zbar.h>

static unsigned char *px;
static size_t cap;

/* Read a PNG as 8-bit gray into px; its size to *w, *h.  0 or -1. */
static int
load(const char *path, unsigned *w, unsigned *h)
{
	png_structp png;
	png_infop info;
	png_bytep *rows = NULL;
	FILE *fp;
	size_t size;
	unsigned y;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		fclose(fp);
		return -1;
	}
	png_init_io(png, fp);
	png_read_info(png, info);
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	if (png_get_color_type(png, info) & PNG_COLOR_MASK_COLOR)
		png_set_rgb_to_gray_fixed(png, 1, -1, -1);
	png_read_update_info(png, info);
	*w = png_get_image_width(png, info);
	*h = png_get_image_height(png, info);
	size = (size_t)*w * *h;
	if (size > cap) {
		free(px);
		if ((px = malloc(size)) == NULL)
			png_error(png, "out of memory");
		cap = size;
	}
	if ((rows = malloc(*h * sizeof *rows)) == NULL)
		png_error(png, "out of memory");
	for (y = 0; y < *h; y++)
		rows[y] = px + (size_t)y * *w;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	fclose(fp);
	return 0;
}

int
main(int argc, char *argv[])
{
	zbar_image_scanner_t *zs;
	zbar_image_t *zi;
	long codes = 0;
	unsigned w, h;
	int i, n;

	if (argc < 2) {
		fprintf(stderr, "usage: scan_floor file.png ...\n");
		return 2;
	}
	if ((zs = zbar_image_scanner_create()) == NULL)
		return 1;
	zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	for (i = 1; i < argc; i++) {
		if (load(argv[i], &w, &h) != 0) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 1;
		}
		if ((zi = zbar_image_create()) == NULL)
			return 1;
		zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
		zbar_image_set_size(zi, w, h);
		zbar_image_set_data(zi, px, (unsigned long)w * h, NULL);
		if ((n = zbar_scan_image(zs, zi)) < 0)
			return 1;
		codes += n;
		zbar_image_destroy(zi);
	}
	zbar_image_scanner_destroy(zs);
	free(px);
	printf("%d images, %ld codes\n", argc - 1, codes);
	return 0;
}
