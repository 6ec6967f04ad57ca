/*
 * floor_issue - the floor for qr-issue's benchmark: a bare loop of
 * libqrencode encode + libpng write over payloads (one per line of a
 * file), with no signing, parsing or naming.  Same image as qr-issue's
 * default: level M, 4 pixels per module, a 4-module quiet zone, 1-bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#define SCALE 4
#define MARGIN 4

static void
write_png(const QRcode *qr, const char *path)
{
	int size = (qr->width + 2 * MARGIN) * SCALE;
	int rowbytes = (size + 7) / 8;
	unsigned char *row = malloc((size_t)rowbytes);
	FILE *fp = fopen(path, "wb");
	png_structp png;
	png_infop info;

	if (row == NULL || fp == NULL) {
		perror(path);
		exit(1);
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "%s: png error\n", path);
		exit(1);
	}
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)size, (png_uint_32)size, 1,
	             PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < size; y++) {
		int my = y / SCALE - MARGIN;
		memset(row, 0xff, (size_t)rowbytes);
		if (my >= 0 && my < qr->width)
			for (int x = 0; x < size; x++) {
				int mx = x / SCALE - MARGIN;
				if (mx >= 0 && mx < qr->width &&
				    (qr->data[my * qr->width + mx] & 1))
					row[x / 8] &= (unsigned char)~(0x80 >> (x % 8));
			}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	fclose(fp);
	free(row);
}

int
main(int argc, char *argv[])
{
	char line[2048], path[4096];
	FILE *in;
	long n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: floor_issue payloads.txt outdir\n");
		return 2;
	}
	if ((in = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	while (fgets(line, sizeof line, in)) {
		QRcode *qr;
		line[strcspn(line, "\n")] = '\0';
		qr = QRcode_encodeString(line, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		if (qr == NULL) {
			perror("QRcode_encodeString");
			return 1;
		}
		snprintf(path, sizeof path, "%s/%ld.png", argv[2], n++);
		write_png(qr, path);
		QRcode_free(qr);
	}
	fclose(in);
	return 0;
}
