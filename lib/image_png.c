#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "image_internal.h"

struct png_src {
	const unsigned char *data;
	size_t len, pos;
	volatile int nomem;     /* set by the error handler, read after it */
};

/* libpng calls the error handler, then prints and jumps itself if it
 * returns: so jump from here, and print nothing. */
static void
silent_error(png_structp png, png_const_charp msg)
{
	struct png_src *s = png_get_error_ptr(png);

	if (strstr(msg, "memory") != NULL)
		s->nomem = 1;
	png_longjmp(png, 1);
}

static void
silent_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void
mem_read(png_structp png, png_bytep out, size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->len - s->pos)
		png_error(png, "unexpected end of file");
	memcpy(out, s->data + s->pos, n);
	s->pos += n;
}

/* For gray of 1 to 8 bits and palette images, read as one byte a pixel
 * (png_set_packing, no expansion) and map each value to its luma over
 * white, tRNS included.  Returns 1 when the map is the identity (8-bit
 * gray without tRNS: the rows are the image). */
static int
make_map(png_structp png, png_infop info, int ctype, int depth,
         unsigned char map[256])
{
	png_colorp pal;
	png_bytep alpha;
	png_color_16p key;
	int i, npal = 0, nalpha = 0, max = (1 << depth) - 1, identity;

	if (ctype == PNG_COLOR_TYPE_PALETTE) {
		png_get_PLTE(png, info, &pal, &npal);
		if (!png_get_tRNS(png, info, &alpha, &nalpha, NULL))
			nalpha = 0;
		/* An index past the palette shows black, as libpng's own
		 * expansion does. */
		for (i = 0; i < 256; i++)
			map[i] = i < npal ? izin_over_white(IZIN_LUMA(
			    pal[i].red, pal[i].green, pal[i].blue),
			    i < nalpha ? alpha[i] : 255) : 0;
		return 0;
	}
	for (i = 0; i < 256; i++)
		map[i] = i <= max ? (unsigned char)(i * 255 / max) : 255;
	identity = depth == 8;
	if (png_get_tRNS(png, info, NULL, NULL, &key) && key->gray <= max) {
		map[key->gray] = 255;
		identity = 0;
	}
	return identity;
}

/* One row of 8-bit gray+alpha, RGB or RGBA samples to luma over white. */
static void
to_luma(const unsigned char *in, unsigned char *out, size_t w, int channels)
{
	size_t x;

	switch (channels) {
	case 2:
		for (x = 0; x < w; x++, in += 2)
			out[x] = izin_over_white(in[0], in[1]);
		break;
	case 3:
		for (x = 0; x < w; x++, in += 3)
			out[x] = IZIN_LUMA(in[0], in[1], in[2]);
		break;
	default:
		for (x = 0; x < w; x++, in += 4)
			out[x] = izin_over_white(IZIN_LUMA(in[0], in[1],
			    in[2]), in[3]);
		break;
	}
}

/*
 * A PNG must be whole: a file cut short anywhere, IEND included, or a
 * chunk that fails its CRC is IZIN_EIMAGE, as libpng finds them.  (A
 * JPEG cut short is loaded, see image_jpeg.c: photos come over shaky
 * links.  PNGs are written by programs, and a damaged one is a fault
 * upstream to report, not to guess around.)
 */
int
izin_image_png(const unsigned char *data, size_t len, izin_image **out)
{
	struct png_src src;
	png_structp png;
	png_infop info;
	png_uint_32 w, h;
	izin_image *tmp;
	izin_image *volatile img = NULL;
	unsigned char *volatile buf = NULL;
	volatile int err = IZIN_EIMAGE;
	unsigned char map[256];
	unsigned char *row;
	size_t rowbytes, stride, x, y;
	int depth, ctype, interlace, channels, passes, pass, identity;

	*out = NULL;
	src.data = data;
	src.len = len;
	src.pos = 0;
	src.nomem = 0;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src,
	    silent_error, silent_warning);
	if (png == NULL)
		return IZIN_ENOMEM;
	if ((info = png_create_info_struct(png)) == NULL) {
		png_destroy_read_struct(&png, NULL, NULL);
		return IZIN_ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		if (src.nomem)
			err = IZIN_ENOMEM;
		goto done;
	}
	png_set_read_fn(png, &src, mem_read);
	/* Our own limit decides (IZIN_ETOOBIG), not libpng's 1000000. */
	png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
	/* Text, colour profiles and the like are skipped unread. */
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL,
	    NULL);
	if ((err = izin_image_check_size(w, h)) != 0)
		goto done;
	err = IZIN_EIMAGE;

	identity = 1;
	if (depth <= 8 && (ctype == PNG_COLOR_TYPE_GRAY ||
	    ctype == PNG_COLOR_TYPE_PALETTE)) {
		identity = make_map(png, info, ctype, depth, map);
		png_set_packing(png);
	} else {
		if (png_get_valid(png, info, PNG_INFO_tRNS))
			png_set_tRNS_to_alpha(png);
		png_set_scale_16(png);
	}
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	channels = png_get_channels(png, info);
	rowbytes = png_get_rowbytes(png, info);
	if (channels < 1 || channels > 4 || rowbytes != (size_t)w * channels)
		goto done;
	if (izin_image_alloc(w, h, &tmp) != 0) {
		err = IZIN_ENOMEM;
		goto done;
	}
	img = tmp;

	/* One byte a pixel goes straight into the image.  Wider samples go
	 * through one row, or for an interlaced image (whose passes fill
	 * each row in turn) through a buffer of them all. */
	stride = 0;
	if (channels > 1) {
		stride = passes > 1 ? rowbytes : 0;
		if ((buf = malloc(passes > 1 ? rowbytes * h : rowbytes)) ==
		    NULL) {
			err = IZIN_ENOMEM;
			goto done;
		}
	}
	for (pass = 0; pass < passes; pass++)
		for (y = 0; y < h; y++) {
			row = channels == 1 ? img->gray + y * w :
			    buf + y * stride;
			png_read_row(png, row, NULL);
			if (pass < passes - 1)
				continue;
			if (channels > 1)
				to_luma(row, img->gray + y * w, w, channels);
			else if (!identity)
				for (x = 0; x < w; x++)
					row[x] = map[row[x]];
		}
	png_read_end(png, NULL);
	err = IZIN_OK;
done:
	png_destroy_read_struct(&png, &info, NULL);
	free(buf);
	if (err != IZIN_OK)
		izin_image_free(img);
	else
		*out = img;
	return err;
}
