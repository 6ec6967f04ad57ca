/*
 * check_image.c - loading images: PNG of every colour type, bit depth
 * and interlacing, JPEG (gray, colour, CMYK, progressive, each EXIF
 * orientation), binary PNM, and files that are empty, cut short,
 * damaged, too large or not images at all.  The test images are written
 * here, with libpng, libjpeg and libexif.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <png.h>

#include "izin.h"
#include "check_util.h"
#include "fixture.h"

/* ---- Buffers and helpers ---- */

struct mem {
	unsigned char *p;
	size_t len, cap;
};

static void
mem_add(struct mem *m, const void *d, size_t n)
{
	unsigned char *np;

	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2 + 64;
		np = realloc(m->p, m->cap);
		ck_assert_ptr_nonnull(np);
		m->p = np;
	}
	memcpy(m->p + m->len, d, n);
	m->len += n;
}

static void
mem_str(struct mem *m, const char *s)
{
	mem_add(m, s, strlen(s));
}

static unsigned
hash(unsigned x, unsigned y, unsigned k)
{
	unsigned h = x * 73856093u ^ y * 19349663u ^ (k + 1) * 83492791u;

	h ^= h >> 13;
	h *= 0x5bd1e995u;
	h ^= h >> 15;
	return h;
}

static double
luma(double r, double g, double b)
{
	return 0.299 * r + 0.587 * g + 0.114 * b;
}

/* A value with alpha a (0-255) over white. */
static double
over(double v, double a)
{
	return 255.0 - (255.0 - v) * a / 255.0;
}

static izin_image *
load_ok(const struct mem *m)
{
	izin_image *img = NULL;
	int err = izin_image_load(m->p, m->len, &img);

	ck_assert_msg(err == 0, "load: %s", izin_strerror(err));
	ck_assert_ptr_nonnull(img);
	ck_assert_ptr_nonnull(img->gray);
	return img;
}

static int
load_err(const void *d, size_t len)
{
	izin_image *img = (izin_image *)1;
	int err = izin_image_load(d, len, &img);

	ck_assert_int_ne(err, 0);
	ck_assert_ptr_null(img);
	return err;
}

/* Everything the library writes on stderr while bad input is fed to it
 * goes to a file, which must stay empty. */
struct quiet {
	FILE *f;
	int saved;
};

static void
quiet_begin(struct quiet *q)
{
	fflush(stderr);
	q->f = tmpfile();
	ck_assert_ptr_nonnull(q->f);
	q->saved = dup(2);
	ck_assert_int_ge(q->saved, 0);
	ck_assert_int_ge(dup2(fileno(q->f), 2), 0);
}

static void
quiet_end(struct quiet *q)
{
	long n;

	fflush(stderr);
	ck_assert_int_ge(dup2(q->saved, 2), 0);
	close(q->saved);
	ck_assert_int_eq(fseek(q->f, 0, SEEK_END), 0);
	n = ftell(q->f);
	fclose(q->f);
	ck_assert_msg(n == 0, "%ld bytes written to stderr", n);
}

/* ---- PNG writer ---- */

struct pic {
	int ctype, depth, w, h, interlace;
	unsigned *s;            /* 4 samples a pixel, as written */
	png_color pal[256];
	int npal;
	png_byte alpha[256];
	int nalpha;
	png_color_16 key;
	int haskey;
};

static int
channels(int ctype)
{
	switch (ctype) {
	case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
	case PNG_COLOR_TYPE_RGB: return 3;
	case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
	default: return 1;
	}
}

/* Samples for a colour type and depth: alpha often 0 or 255, 16-bit
 * gray anything (to test the rounding to 8 bits), other 16-bit samples
 * multiples of 257 (so that each rounds exactly).  With trns, the first
 * pixel's value is the transparent key and one pixel in five has it. */
static void
pic_make(struct pic *p, int ctype, int depth, int trns, int w, int h,
         int interlace)
{
	int nc = channels(ctype), x, y, c, i;
	unsigned max = depth == 16 ? 65535u : (1u << depth) - 1, r, v, *s;

	memset(p, 0, sizeof *p);
	p->ctype = ctype;
	p->depth = depth;
	p->w = w;
	p->h = h;
	p->interlace = interlace;
	p->s = calloc((size_t)w * h * 4, sizeof *p->s);
	ck_assert_ptr_nonnull(p->s);
	if (ctype == PNG_COLOR_TYPE_PALETTE) {
		p->npal = depth == 8 ? 200 : 1 << depth;
		for (i = 0; i < p->npal; i++) {
			p->pal[i].red = hash(i, 0, 500) & 255;
			p->pal[i].green = hash(i, 0, 501) & 255;
			p->pal[i].blue = hash(i, 0, 502) & 255;
		}
		if (trns) {
			p->nalpha = p->npal / 2 + 1;
			for (i = 0; i < p->nalpha; i++) {
				r = hash(i, 0, 503);
				p->alpha[i] = r % 3 == 0 ? 0 :
				    r % 3 == 1 ? 255 : (r >> 8) & 255;
			}
		}
	}
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			s = p->s + 4 * ((size_t)y * w + x);
			for (c = 0; c < nc; c++) {
				r = hash(x, y, c + 10 * depth + 100 * ctype);
				if ((ctype & PNG_COLOR_MASK_ALPHA) &&
				    c == nc - 1) {
					v = r % 4 == 0 ? 0 : r % 4 == 1 ? 255 :
					    (r >> 8) & 255;
					s[c] = depth == 16 ? v * 257 : v;
				} else if (ctype == PNG_COLOR_TYPE_PALETTE)
					s[c] = r % p->npal;
				else if (depth == 16 && c == 0 &&
				    (ctype & PNG_COLOR_MASK_COLOR) == 0)
					s[c] = r & 0xffff;
				else if (depth == 16)
					s[c] = ((r >> 8) & 255) * 257;
				else
					s[c] = (r >> 8) & max;
			}
			if (trns && ctype != PNG_COLOR_TYPE_PALETTE &&
			    (x + y) > 0 && hash(x, y, 99) % 5 == 0)
				memcpy(s, p->s, 3 * sizeof *s);
		}
	if (trns && ctype == PNG_COLOR_TYPE_GRAY) {
		p->haskey = 1;
		p->key.gray = (png_uint_16)p->s[0];
	} else if (trns && ctype == PNG_COLOR_TYPE_RGB) {
		p->haskey = 1;
		p->key.red = (png_uint_16)p->s[0];
		p->key.green = (png_uint_16)p->s[1];
		p->key.blue = (png_uint_16)p->s[2];
	}
}

static void
png_mem_write(png_structp png, png_bytep d, size_t n)
{
	mem_add(png_get_io_ptr(png), d, n);
}

static void
png_mem_flush(png_structp png)
{
	(void)png;
}

static struct mem
pic_png(const struct pic *p)
{
	struct mem m = { NULL, 0, 0 };
	int nc = channels(p->ctype), x, y, c, bit;
	size_t rowbytes = ((size_t)p->w * nc * p->depth + 7) / 8;
	png_structp png;
	png_infop info;
	png_bytep *rows;
	unsigned char *px;
	unsigned v;

	px = calloc(rowbytes, (size_t)p->h);
	rows = calloc((size_t)p->h, sizeof *rows);
	ck_assert(px != NULL && rows != NULL);
	for (y = 0; y < p->h; y++) {
		rows[y] = px + (size_t)y * rowbytes;
		for (x = 0; x < p->w; x++)
			for (c = 0; c < nc; c++) {
				v = p->s[4 * ((size_t)y * p->w + x) + c];
				bit = (x * nc + c) * p->depth;
				if (p->depth == 16) {
					rows[y][bit / 8] = v >> 8;
					rows[y][bit / 8 + 1] = v & 255;
				} else
					rows[y][bit / 8] |= v << (8 - p->depth -
					    bit % 8);
			}
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(png);
	info = png_create_info_struct(png);
	ck_assert_ptr_nonnull(info);
	if (setjmp(png_jmpbuf(png)))
		ck_abort_msg("libpng could not write the test image");
	png_set_write_fn(png, &m, png_mem_write, png_mem_flush);
	png_set_IHDR(png, info, p->w, p->h, p->depth, p->ctype,
	    p->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (p->npal > 0)
		png_set_PLTE(png, info, p->pal, p->npal);
	if (p->nalpha > 0)
		png_set_tRNS(png, info, p->alpha, p->nalpha, NULL);
	if (p->haskey)
		png_set_tRNS(png, info, NULL, 0, &p->key);
	png_set_rows(png, info, rows);
	png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
	png_destroy_write_struct(&png, &info);
	free(rows);
	free(px);
	return m;
}

static double
to8(unsigned v, int depth)
{
	return v * 255.0 / (depth == 16 ? 65535.0 :
	    (double)((1u << depth) - 1));
}

/* The luma a pixel should load as; *exact when no colour or alpha is
 * involved, so that no rounding may differ. */
static double
pic_want(const struct pic *p, int x, int y, int *exact)
{
	const unsigned *s = p->s + 4 * ((size_t)y * p->w + x);
	int d = p->depth;
	const png_color *c;

	*exact = 0;
	switch (p->ctype) {
	case PNG_COLOR_TYPE_GRAY:
		*exact = 1;
		if (p->haskey && s[0] == p->key.gray)
			return 255;
		return to8(s[0], d);
	case PNG_COLOR_TYPE_GRAY_ALPHA:
		return over(to8(s[0], d), to8(s[1], d));
	case PNG_COLOR_TYPE_RGB:
		if (p->haskey && s[0] == p->key.red && s[1] == p->key.green &&
		    s[2] == p->key.blue)
			return 255;
		return luma(to8(s[0], d), to8(s[1], d), to8(s[2], d));
	case PNG_COLOR_TYPE_RGB_ALPHA:
		return over(luma(to8(s[0], d), to8(s[1], d), to8(s[2], d)),
		    to8(s[3], d));
	default:
		c = &p->pal[s[0]];
		return over(luma(c->red, c->green, c->blue),
		    (int)s[0] < p->nalpha ? p->alpha[s[0]] : 255);
	}
}

static void
pic_check(const struct pic *p, const izin_image *img)
{
	int x, y, exact, got;
	long want;

	ck_assert_int_eq(img->width, p->w);
	ck_assert_int_eq(img->height, p->h);
	for (y = 0; y < p->h; y++)
		for (x = 0; x < p->w; x++) {
			want = lround(pic_want(p, x, y, &exact));
			got = img->gray[(size_t)y * p->w + x];
			if (exact ? got != want : labs(got - want) > 1)
				ck_abort_msg("type %d depth %d interlace %d "
				    "%dx%d: pixel %d,%d is %d, want %ld",
				    p->ctype, p->depth, p->interlace, p->w,
				    p->h, x, y, got, want);
		}
}

/* ---- PNG ---- */

static const struct {
	int ctype, depth, trns;
} png_kinds[] = {
	{ PNG_COLOR_TYPE_GRAY, 1, 0 }, { PNG_COLOR_TYPE_GRAY, 2, 0 },
	{ PNG_COLOR_TYPE_GRAY, 4, 0 }, { PNG_COLOR_TYPE_GRAY, 8, 0 },
	{ PNG_COLOR_TYPE_GRAY, 16, 0 },
	{ PNG_COLOR_TYPE_GRAY, 1, 1 }, { PNG_COLOR_TYPE_GRAY, 2, 1 },
	{ PNG_COLOR_TYPE_GRAY, 4, 1 }, { PNG_COLOR_TYPE_GRAY, 8, 1 },
	{ PNG_COLOR_TYPE_GRAY, 16, 1 },
	{ PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0 },
	{ PNG_COLOR_TYPE_GRAY_ALPHA, 16, 0 },
	{ PNG_COLOR_TYPE_RGB, 8, 0 }, { PNG_COLOR_TYPE_RGB, 16, 0 },
	{ PNG_COLOR_TYPE_RGB, 8, 1 }, { PNG_COLOR_TYPE_RGB, 16, 1 },
	{ PNG_COLOR_TYPE_RGB_ALPHA, 8, 0 },
	{ PNG_COLOR_TYPE_RGB_ALPHA, 16, 0 },
	{ PNG_COLOR_TYPE_PALETTE, 1, 0 }, { PNG_COLOR_TYPE_PALETTE, 2, 0 },
	{ PNG_COLOR_TYPE_PALETTE, 4, 0 }, { PNG_COLOR_TYPE_PALETTE, 8, 0 },
	{ PNG_COLOR_TYPE_PALETTE, 1, 1 }, { PNG_COLOR_TYPE_PALETTE, 2, 1 },
	{ PNG_COLOR_TYPE_PALETTE, 4, 1 }, { PNG_COLOR_TYPE_PALETTE, 8, 1 }
};
#define NPNG_KINDS (int)(sizeof png_kinds / sizeof png_kinds[0])

/* Sizes where Adam7 passes are empty, rows end inside a byte, and a
 * picture big enough for every filter. */
static const int png_sizes[][2] = {
	{ 1, 1 }, { 2, 3 }, { 5, 1 }, { 1, 9 }, { 37, 23 }, { 130, 7 }
};

/* Loop index: kind * 2 + interlaced. */
START_TEST(test_png_kinds)
{
	int k = _i / 2, il = _i % 2;
	size_t i;
	struct pic p;
	struct mem m;
	izin_image *img;

	for (i = 0; i < sizeof png_sizes / sizeof png_sizes[0]; i++) {
		pic_make(&p, png_kinds[k].ctype, png_kinds[k].depth,
		    png_kinds[k].trns, png_sizes[i][0], png_sizes[i][1], il);
		m = pic_png(&p);
		ck_assert_int_eq(m.p[28], il);
		img = load_ok(&m);
		pic_check(&p, img);
		izin_image_free(img);
		free(m.p);
		free(p.s);
	}
}
END_TEST

/* The 1-bit code as qr-issue draws it: black and white, exactly. */
START_TEST(test_png_qr_render)
{
	izin_render_opts o = { 4, 4, NULL, 0 };
	struct mem m = { NULL, 0, 0 };
	izin_qr *qr;
	izin_image *img;
	int x, y, n, mx, my, want;

	ck_assert_int_eq(izin_qr_encode("IZ:HELLO", 8, IZIN_ECC_M, &qr), 0);
	ck_assert_int_eq(izin_render_png(qr, &o, &m.p, &m.len), 0);
	img = load_ok(&m);
	n = (qr->width + 2 * o.margin) * o.scale;
	ck_assert_int_eq(img->width, n);
	ck_assert_int_eq(img->height, n);
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x++) {
			mx = x / o.scale - o.margin;
			my = y / o.scale - o.margin;
			want = mx >= 0 && my >= 0 && mx < qr->width &&
			    my < qr->width &&
			    qr->modules[my * qr->width + mx] ? 0 : 255;
			if (img->gray[(size_t)y * n + x] != want)
				ck_abort_msg("pixel %d,%d", x, y);
		}
	izin_image_free(img);
	izin_qr_free(qr);
	free(m.p);
}
END_TEST

/* A small 8-bit gray PNG, for the damage tests. */
static struct mem
small_png(struct pic *p, int interlace)
{
	pic_make(p, PNG_COLOR_TYPE_GRAY, 8, 0, 11, 7, interlace);
	return pic_png(p);
}

START_TEST(test_png_truncated)
{
	struct pic p;
	struct mem m = small_png(&p, _i);
	struct quiet q;
	izin_image *img;
	size_t n;
	int err;

	/* Cut anywhere, IEND included, a PNG is refused. */
	quiet_begin(&q);
	for (n = 0; n < m.len; n++) {
		img = (izin_image *)1;
		err = izin_image_load(m.p, n, &img);
		if (err != IZIN_EIMAGE || img != NULL)
			ck_abort_msg("cut at %zu of %zu: %d", n, m.len, err);
	}
	quiet_end(&q);
	img = load_ok(&m);
	pic_check(&p, img);
	izin_image_free(img);
	free(m.p);
	free(p.s);
}
END_TEST

/* Every chunk has a CRC: any byte changed past the signature is an
 * error, whichever bits change; in the signature it is no PNG at all. */
START_TEST(test_png_flipped)
{
	static const unsigned char bits[] = { 0x01, 0x80, 0xff };
	struct pic p;
	struct mem m = small_png(&p, _i);
	struct quiet q;
	izin_image *img;
	size_t i, b;
	int err;

	quiet_begin(&q);
	for (i = 0; i < m.len; i++)
		for (b = 0; b < sizeof bits; b++) {
			m.p[i] ^= bits[b];
			img = (izin_image *)1;
			err = izin_image_load(m.p, m.len, &img);
			m.p[i] ^= bits[b];
			if (err != (i < 8 ? IZIN_EFORMAT : IZIN_EIMAGE) ||
			    img != NULL)
				ck_abort_msg("byte %zu ^ %#x: %d", i, bits[b],
				    err);
		}
	quiet_end(&q);
	free(m.p);
	free(p.s);
}
END_TEST

static void
put32(unsigned char *p, unsigned long v)
{
	p[0] = v >> 24 & 255;
	p[1] = v >> 16 & 255;
	p[2] = v >> 8 & 255;
	p[3] = v & 255;
}

static unsigned long
crc32_png(const unsigned char *p, size_t n)
{
	unsigned long c = 0xffffffffUL;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffUL;
}

/* A PNG of an IHDR (8-bit gray, made by hand with the right CRC) and
 * the IDAT and IEND of a real 1x1 image. */
static struct mem
png_header(unsigned long w, unsigned long h)
{
	struct mem m = { NULL, 0, 0 };
	unsigned char ihdr[25] = "\0\0\0\x0dIHDR";
	struct pic p;
	struct mem one;

	put32(ihdr + 8, w);
	put32(ihdr + 12, h);
	ihdr[16] = 8;
	put32(ihdr + 21, crc32_png(ihdr + 4, 17));
	pic_make(&p, PNG_COLOR_TYPE_GRAY, 8, 0, 1, 1, 0);
	one = pic_png(&p);
	ck_assert_mem_eq(one.p + 8, "\0\0\0\x0dIHDR", 8);
	mem_add(&m, one.p, 8);
	mem_add(&m, ihdr, sizeof ihdr);
	mem_add(&m, one.p + 33, one.len - 33);
	free(one.p);
	free(p.s);
	return m;
}

START_TEST(test_png_sizes)
{
	struct mem m;
	izin_image *img;
	struct quiet q;

	/* The hand-made header is right: 1x1 loads from it. */
	m = png_header(1, 1);
	img = load_ok(&m);
	ck_assert_int_eq(img->width, 1);
	ck_assert_int_eq(img->height, 1);
	izin_image_free(img);
	free(m.p);

	quiet_begin(&q);
	m = png_header(100000, 100000);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_ETOOBIG);
	free(m.p);
	m = png_header(8193, 8192);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_ETOOBIG);
	free(m.p);
	m = png_header(0x7fffffffUL, 1);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_ETOOBIG);
	free(m.p);
	m = png_header(1, 0x7fffffffUL);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_ETOOBIG);
	free(m.p);
	/* At the limit the size is fine: the data is what is wrong. */
	m = png_header(8192, 8192);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_EIMAGE);
	free(m.p);
	m = png_header(0, 1);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_EIMAGE);
	free(m.p);
	m = png_header(1, 0);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_EIMAGE);
	free(m.p);
	/* Past 2^31 - 1 is no PNG. */
	m = png_header(0x80000000UL, 1);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_EIMAGE);
	free(m.p);
	quiet_end(&q);
}
END_TEST

/* Ancillary chunks (text, a colour profile) are skipped, even with a
 * bad CRC; the pixels are the same. */
START_TEST(test_png_ancillary)
{
	static const unsigned char text[] =
	    "\0\0\0\x0ctEXtTitle\0permit";
	unsigned char chunk[sizeof text - 1 + 4];
	struct pic p;
	struct mem m = small_png(&p, 0), n = { NULL, 0, 0 };
	izin_image *img;
	struct quiet q;

	memcpy(chunk, text, sizeof text - 1);
	put32(chunk + sizeof text - 1, crc32_png(text + 4, sizeof text - 5));
	mem_add(&n, m.p, 33);
	mem_add(&n, chunk, sizeof chunk);
	mem_add(&n, m.p + 33, m.len - 33);
	img = load_ok(&n);
	pic_check(&p, img);
	izin_image_free(img);
	n.p[33 + sizeof chunk - 1] ^= 1;
	quiet_begin(&q);
	img = load_ok(&n);
	quiet_end(&q);
	pic_check(&p, img);
	izin_image_free(img);
	free(n.p);
	free(m.p);
	free(p.s);
}
END_TEST

/* ---- JPEG ---- */

/* Write a JPEG of comps components a pixel (in_cs) as colour space cs
 * (JCS_UNKNOWN: libjpeg's default), with an APP1 block when app1 is not
 * NULL. */
static struct mem
jpeg_make(const unsigned char *px, int w, int h, int comps, J_COLOR_SPACE in,
          J_COLOR_SPACE cs, int quality, int progressive,
          const unsigned char *app1, unsigned app1len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *out = NULL;
	unsigned long outlen = 0;
	JSAMPROW row;
	struct mem m;

	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &outlen);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = comps;
	c.in_color_space = in;
	jpeg_set_defaults(&c);
	if (cs != JCS_UNKNOWN)
		jpeg_set_colorspace(&c, cs);
	/* A negative quality: no Adobe marker. */
	if (quality < 0) {
		c.write_Adobe_marker = FALSE;
		quality = -quality;
	}
	jpeg_set_quality(&c, quality, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	if (app1 != NULL)
		jpeg_write_marker(&c, JPEG_APP0 + 1, app1, app1len);
	while (c.next_scanline < c.image_height) {
		row = (JSAMPROW)(px + (size_t)c.next_scanline * w * comps);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	m.p = out;
	m.len = m.cap = outlen;
	return m;
}

/* Offset of the first marker of a type, or 0. */
static size_t
marker(const struct mem *m, unsigned char type)
{
	size_t i;

	for (i = 2; i + 1 < m->len; i++)
		if (m->p[i] == 0xff && m->p[i + 1] == type)
			return i;
	return 0;
}

/* A smooth pattern (JPEG keeps it well) of comps components. */
static unsigned char *
smooth(int w, int h, int comps)
{
	unsigned char *px = malloc((size_t)w * h * comps), *p = px;
	int x, y, c;

	ck_assert_ptr_nonnull(px);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			for (c = 0; c < comps; c++)
				*p++ = (unsigned char)(c == 0 ? 20 + x * 200 /
				    w : c == 1 ? 230 - y * 200 / h : c == 2 ?
				    (x + y) * 255 / (w + h) : 255 - x * 100 /
				    w);
	return px;
}

/* Each pixel within tol of want(), the mean error under 1.5. */
static void
near(const izin_image *img, const double *want, int w, int h, int tol)
{
	double sum = 0, d;
	int i;

	ck_assert_int_eq(img->width, w);
	ck_assert_int_eq(img->height, h);
	for (i = 0; i < w * h; i++) {
		d = fabs(img->gray[i] - want[i]);
		sum += d;
		if (d > tol)
			ck_abort_msg("pixel %d,%d is %d, want %.1f", i % w,
			    i / w, img->gray[i], want[i]);
	}
	ck_assert_msg(sum / (w * h) < 1.5, "mean error %.2f", sum / (w * h));
}

/* Loop index: progressive or not. */
START_TEST(test_jpeg_gray)
{
	enum { W = 67, H = 45 };
	unsigned char *px = smooth(W, H, 1);
	struct mem m = jpeg_make(px, W, H, 1, JCS_GRAYSCALE, JCS_UNKNOWN, 95,
	    _i, NULL, 0);
	double want[W * H];
	izin_image *img;
	int i;

	for (i = 0; i < W * H; i++)
		want[i] = px[i];
	img = load_ok(&m);
	near(img, want, W, H, 4);
	izin_image_free(img);
	free(m.p);
	free(px);
}
END_TEST

/* Loop index: bit 0 progressive, bit 1 stored as RGB rather than
 * YCbCr. */
START_TEST(test_jpeg_color)
{
	enum { W = 64, H = 48 };
	unsigned char *px = smooth(W, H, 3);
	struct mem m = jpeg_make(px, W, H, 3, JCS_RGB,
	    _i & 2 ? JCS_RGB : JCS_UNKNOWN, 95, _i & 1, NULL, 0);
	double want[W * H];
	izin_image *img;
	int i;

	for (i = 0; i < W * H; i++)
		want[i] = luma(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
	img = load_ok(&m);
	near(img, want, W, H, 4);
	izin_image_free(img);
	free(m.p);
	free(px);
}
END_TEST

/* CMYK as Adobe writes it, with its APP14 marker: inks inverted,
 * stored as such (loop 0) or as YCCK (loop 1).  Without the marker
 * (loop 2), inks as they are. */
START_TEST(test_jpeg_cmyk)
{
	enum { W = 48, H = 32 };
	unsigned char *px = smooth(W, H, 4);
	struct mem m;
	double want[W * H], c[4];
	izin_image *img;
	int i, k;

	if (_i < 2)
		m = jpeg_make(px, W, H, 4, JCS_CMYK, _i ? JCS_YCCK : JCS_CMYK,
		    95, 0, NULL, 0);
	else
		m = jpeg_make(px, W, H, 4, JCS_CMYK, JCS_CMYK, -95, 0, NULL,
		    0);
	ck_assert((marker(&m, 0xee) != 0) == (_i < 2));
	for (i = 0; i < W * H; i++) {
		for (k = 0; k < 4; k++)
			c[k] = _i < 2 ? px[4 * i + k] : 255 - px[4 * i + k];
		want[i] = luma(c[0] * c[3] / 255, c[1] * c[3] / 255,
		    c[2] * c[3] / 255);
	}
	img = load_ok(&m);
	near(img, want, W, H, 6);
	izin_image_free(img);
	free(m.p);
	free(px);
}
END_TEST

/* Two components make no colour space we know. */
START_TEST(test_jpeg_unknown_space)
{
	unsigned char px[16 * 16 * 2];
	struct mem m;

	memset(px, 100, sizeof px);
	m = jpeg_make(px, 16, 16, 2, JCS_UNKNOWN, JCS_UNKNOWN, 90, 0, NULL, 0);
	ck_assert_int_eq(load_err(m.p, m.len), IZIN_EFORMAT);
	free(m.p);
}
END_TEST

/* An EXIF block holding one orientation tag, in either byte order. */
static unsigned char *
exif_block(int orientation, int motorola, unsigned *len)
{
	ExifData *ed = exif_data_new();
	ExifEntry *e = exif_entry_new();
	unsigned char *d = NULL;
	unsigned n = 0;

	ck_assert(ed != NULL && e != NULL);
	exif_data_set_byte_order(ed, motorola ? EXIF_BYTE_ORDER_MOTOROLA :
	    EXIF_BYTE_ORDER_INTEL);
	exif_content_add_entry(ed->ifd[EXIF_IFD_0], e);
	exif_entry_initialize(e, EXIF_TAG_ORIENTATION);
	exif_set_short(e->data, exif_data_get_byte_order(ed),
	    (ExifShort)orientation);
	exif_entry_unref(e);
	exif_data_save_data(ed, &d, &n);
	exif_data_unref(ed);
	ck_assert_ptr_nonnull(d);
	ck_assert_mem_eq(d, "Exif\0\0", 6);
	*len = n;
	return d;
}

/* A stored picture of 8x8 blocks of one value each (quality 100 keeps
 * them exact), and where its pixel sx, sy belongs upright, by the EXIF
 * standard's words: orientation o says which side of the picture the
 * stored row 0 and column 0 are. */
static void
upright(int o, int sw, int sh, int sx, int sy, int *vx, int *vy)
{
	int vw = o <= 4 ? sw : sh, vh = o <= 4 ? sh : sw;

	switch (o) {
	case 1: *vx = sx; *vy = sy; break;            /* top, left */
	case 2: *vx = vw - 1 - sx; *vy = sy; break;   /* top, right */
	case 3: *vx = vw - 1 - sx; *vy = vh - 1 - sy; break;
	case 4: *vx = sx; *vy = vh - 1 - sy; break;   /* bottom, left */
	case 5: *vx = sy; *vy = sx; break;            /* left, top */
	case 6: *vx = vw - 1 - sy; *vy = sx; break;   /* right, top */
	case 7: *vx = vw - 1 - sy; *vy = vh - 1 - sx; break;
	default: *vx = sy; *vy = vh - 1 - sx; break;  /* left, bottom */
	}
}

static unsigned char *
blocks(int w, int h)
{
	unsigned char *px = malloc((size_t)w * h);
	int x, y;

	ck_assert_ptr_nonnull(px);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			px[y * w + x] = (unsigned char)(hash(x / 8, y / 8, 7) %
			    240 + 8);
	return px;
}

/* Check the image against the stored picture seen in orientation o. */
static void
check_upright(const izin_image *img, const unsigned char *px, int sw,
              int sh, int o)
{
	int sx, sy, vx, vy, got;

	ck_assert_int_eq(img->width, o <= 4 ? sw : sh);
	ck_assert_int_eq(img->height, o <= 4 ? sh : sw);
	for (sy = 0; sy < sh; sy++)
		for (sx = 0; sx < sw; sx++) {
			upright(o, sw, sh, sx, sy, &vx, &vy);
			got = img->gray[(size_t)vy * img->width + vx];
			if (abs(got - px[sy * sw + sx]) > 1)
				ck_abort_msg("orientation %d: stored %d,%d is "
				    "%d, shows %d at %d,%d", o, sx, sy,
				    px[sy * sw + sx], got, vx, vy);
		}
}

/* Loop index: orientation 1-8, times two byte orders, times two sizes
 * (one not a multiple of the 8x8 blocks). */
START_TEST(test_jpeg_orientation)
{
	int o = _i % 8 + 1, motorola = _i / 8 % 2, odd = _i / 16;
	int w = odd ? 45 : 48, h = odd ? 29 : 32;
	unsigned char *px = blocks(w, h), *exif;
	unsigned len;
	struct mem m;
	izin_image *img;

	exif = exif_block(o, motorola, &len);
	m = jpeg_make(px, w, h, 1, JCS_GRAYSCALE, JCS_UNKNOWN, 100, odd,
	    exif, len);
	img = load_ok(&m);
	check_upright(img, px, w, h, o);
	izin_image_free(img);
	free(m.p);
	free(exif);
	free(px);
}
END_TEST

/* In a colour photo too, the orientation is applied. */
START_TEST(test_jpeg_orientation_color)
{
	enum { W = 64, H = 48 };
	unsigned char *px = smooth(W, H, 3), *exif;
	double want[W * H];
	struct mem m;
	izin_image *img;
	unsigned len;
	int x, y, i;

	exif = exif_block(6, 0, &len);
	m = jpeg_make(px, W, H, 3, JCS_RGB, JCS_UNKNOWN, 95, 0, exif, len);
	/* Turned clockwise: the stored bottom-left corner is the top left. */
	for (y = 0; y < W; y++)
		for (x = 0; x < H; x++) {
			i = (H - 1 - x) * W + y;
			want[y * H + x] = luma(px[3 * i], px[3 * i + 1],
			    px[3 * i + 2]);
		}
	img = load_ok(&m);
	near(img, want, H, W, 4);
	izin_image_free(img);
	free(m.p);
	free(exif);
	free(px);
}
END_TEST

/* Orientations out of range and EXIF blocks that are damaged or cut
 * short: the picture as stored, and not a word said. */
START_TEST(test_jpeg_exif_odd)
{
	int w = 48, h = 32, k;
	unsigned char *px = blocks(w, h), *exif;
	unsigned len;
	struct mem m;
	izin_image *img;
	struct quiet q;

	quiet_begin(&q);
	for (k = 0; k < 5; k++) {
		exif = exif_block(k == 0 ? 0 : k == 1 ? 9 : k == 2 ? 65535 : 6,
		    k % 2, &len);
		if (k == 3)
			memset(exif + 6, 0xa5, len - 6);
		if (k == 4)
			len = 12;
		m = jpeg_make(px, w, h, 1, JCS_GRAYSCALE, JCS_UNKNOWN, 100,
		    0, exif, len);
		img = load_ok(&m);
		check_upright(img, px, w, h, 1);
		izin_image_free(img);
		free(m.p);
		free(exif);
	}
	quiet_end(&q);
	free(px);
}
END_TEST

/* XMP comes in an APP1 block too, often before the EXIF one. */
START_TEST(test_jpeg_exif_after_xmp)
{
	static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>";
	unsigned char *px = blocks(48, 32), *exif, *at;
	unsigned char hdr[4] = { 0xff, 0xe1, 0, 0 };
	struct mem m, n = { NULL, 0, 0 };
	izin_image *img;
	unsigned len;
	size_t cut;

	exif = exif_block(3, 1, &len);
	m = jpeg_make(px, 48, 32, 1, JCS_GRAYSCALE, JCS_UNKNOWN, 100, 0,
	    (const unsigned char *)xmp, sizeof xmp);
	at = memmem(m.p, m.len, "<x:xmpmeta/>", 12);
	ck_assert_ptr_nonnull(at);
	cut = (size_t)(at - m.p) + 13;
	hdr[2] = (unsigned char)((len + 2) >> 8);
	hdr[3] = (unsigned char)((len + 2) & 255);
	mem_add(&n, m.p, cut);
	mem_add(&n, hdr, 4);
	mem_add(&n, exif, len);
	mem_add(&n, m.p + cut, m.len - cut);
	img = load_ok(&n);
	check_upright(img, px, 48, 32, 3);
	izin_image_free(img);
	free(n.p);
	free(m.p);
	free(exif);
	free(px);
}
END_TEST

static struct mem
small_jpeg(int progressive, int w, int h)
{
	unsigned char *px = blocks(w, h);
	struct mem m = jpeg_make(px, w, h, 1, JCS_GRAYSCALE, JCS_UNKNOWN, 90,
	    progressive, NULL, 0);

	free(px);
	return m;
}

/* SOF dimensions patched in a real JPEG. */
static int
jpeg_dims(int progressive, unsigned w, unsigned h)
{
	struct mem m = small_jpeg(progressive, 16, 16);
	size_t sof = marker(&m, progressive ? 0xc2 : 0xc0);
	izin_image *img = NULL;
	int err;

	ck_assert_uint_gt(sof, 0);
	m.p[sof + 5] = h >> 8;
	m.p[sof + 6] = h & 255;
	m.p[sof + 7] = w >> 8;
	m.p[sof + 8] = w & 255;
	err = izin_image_load(m.p, m.len, &img);
	if (err == 0) {
		ck_assert_int_eq(img->width, (int)w);
		ck_assert_int_eq(img->height, (int)h);
	} else
		ck_assert_ptr_null(img);
	izin_image_free(img);
	free(m.p);
	return err;
}

/* A JPEG's sides are 16 bits: 65535 x 65535 is as far as a header can
 * claim, well past the limit (and past libjpeg's own, 65500 a side). */
START_TEST(test_jpeg_sizes)
{
	struct quiet q;

	quiet_begin(&q);
	ck_assert_int_eq(jpeg_dims(_i, 65535, 65535), IZIN_ETOOBIG);
	ck_assert_int_eq(jpeg_dims(_i, 10000, 10000), IZIN_ETOOBIG);
	ck_assert_int_eq(jpeg_dims(_i, 8193, 8192), IZIN_ETOOBIG);
	ck_assert_int_eq(jpeg_dims(_i, 65535, 1025), IZIN_ETOOBIG);
	ck_assert_int_eq(jpeg_dims(_i, 0, 16), IZIN_EIMAGE);
	ck_assert_int_eq(jpeg_dims(_i, 16, 0), IZIN_EIMAGE);
	/* Smaller than the data: the rest is not read. */
	ck_assert_int_eq(jpeg_dims(_i, 1, 1), 0);
	/* At the limit, a picture short of data loads, padded. */
	if (_i == 0)
		ck_assert_int_eq(jpeg_dims(_i, 8192, 8192), 0);
	quiet_end(&q);
}
END_TEST

/* Cut short before its first scan, a JPEG is refused; after, it loads
 * whole-sized, and the rows that arrived are right.  A progressive one
 * cut in the tables before a later scan is refused too.  Loop index:
 * progressive or not. */
START_TEST(test_jpeg_truncated)
{
	enum { W = 40, H = 64 };
	struct mem m = small_jpeg(_i, W, H);
	size_t sos = marker(&m, 0xda), n, sos_end, loaded = 0;
	izin_image *full = load_ok(&m), *img;
	struct quiet q;
	int err;

	ck_assert_uint_gt(sos, 0);
	sos_end = sos + 2 + ((size_t)m.p[sos + 2] << 8 | m.p[sos + 3]);
	quiet_begin(&q);
	for (n = 0; n < m.len; n++) {
		img = (izin_image *)1;
		err = izin_image_load(m.p, n, &img);
		if (err != 0 && img != NULL)
			ck_abort_msg("cut at %zu: error but image", n);
		if (n < sos && err != IZIN_EIMAGE)
			ck_abort_msg("cut at %zu (SOS at %zu): %d", n, sos,
			    err);
		if (n >= sos_end && err != 0 && (_i == 0 ||
		    err != IZIN_EIMAGE))
			ck_abort_msg("cut at %zu (scan at %zu): %d", n,
			    sos_end, err);
		if (err == 0 && (img->width != W || img->height != H))
			ck_abort_msg("cut at %zu: %dx%d", n, img->width,
			    img->height);
		loaded += err == 0;
		if (err == 0)
			izin_image_free(img);
	}
	quiet_end(&q);
	ck_assert_uint_gt(loaded, 0);
	/* A baseline JPEG cut in the middle of its scan still has its top
	 * rows. */
	if (_i == 0) {
		n = sos_end + (m.len - sos_end) / 2;
		ck_assert_int_eq(izin_image_load(m.p, n, &img), 0);
		ck_assert_mem_eq(img->gray, full->gray, W * 16);
		izin_image_free(img);
	}
	izin_image_free(full);
	free(m.p);
}
END_TEST

/* Bytes changed anywhere: an error or a picture of a size the header
 * gives, never a crash, never a word on stderr. */
START_TEST(test_jpeg_flipped)
{
	static const unsigned char bits[] = { 0x01, 0x10, 0x80, 0xff };
	struct mem m = small_jpeg(_i, 24, 16);
	izin_image *img;
	struct quiet q;
	size_t i, b;
	int err, ok = 0;

	quiet_begin(&q);
	for (i = 0; i < m.len; i++)
		for (b = 0; b < sizeof bits; b++) {
			m.p[i] ^= bits[b];
			img = (izin_image *)1;
			err = izin_image_load(m.p, m.len, &img);
			m.p[i] ^= bits[b];
			if (err != 0 && img != NULL)
				ck_abort_msg("byte %zu: error but image", i);
			if (err == 0 && (img->width < 1 || img->height < 1))
				ck_abort_msg("byte %zu: empty image", i);
			if (i < 3 && err != IZIN_EFORMAT)
				ck_abort_msg("byte %zu: not EFORMAT", i);
			ok += err == 0;
			izin_image_free(err == 0 ? img : NULL);
		}
	quiet_end(&q);
	/* Most changes in the scan data leave a picture. */
	ck_assert_int_gt(ok, 0);
	free(m.p);
}
END_TEST

/* A progressive JPEG of very many scans is stopped. */
START_TEST(test_jpeg_many_scans)
{
	struct mem m = small_jpeg(1, 16, 16), n = { NULL, 0, 0 };
	size_t sos = marker(&m, 0xda), eoi = m.len - 2;
	size_t last = sos, i;
	int k;

	/* Repeat the last scan (a refinement of the AC bits: harmless,
	 * valid to repeat) hundreds of times. */
	for (i = sos; i + 1 < eoi; i++)
		if (m.p[i] == 0xff && m.p[i + 1] == 0xda)
			last = i;
	mem_add(&n, m.p, eoi);
	for (k = 0; k < 600; k++)
		mem_add(&n, m.p + last, eoi - last);
	mem_add(&n, "\xff\xd9", 2);
	ck_assert_int_eq(load_err(n.p, n.len), IZIN_EIMAGE);
	/* Ten repeats are fine. */
	n.len = 0;
	mem_add(&n, m.p, eoi);
	for (k = 0; k < 10; k++)
		mem_add(&n, m.p + last, eoi - last);
	mem_add(&n, "\xff\xd9", 2);
	izin_image_free(load_ok(&n));
	free(n.p);
	free(m.p);
}
END_TEST

/* ---- PNM ---- */

static struct mem
pnm(const char *header, const void *raster, size_t len)
{
	struct mem m = { NULL, 0, 0 };

	mem_str(&m, header);
	mem_add(&m, raster, len);
	return m;
}

START_TEST(test_pnm_gray)
{
	static const unsigned char px[] = { 0, 1, 127, 128, 254, 255 };
	struct mem m = pnm("P5\n# made by a scanner\n3 # width\n2\n"
	    "# maxval next\n255\n", px, sizeof px);
	izin_image *img = load_ok(&m);

	ck_assert_int_eq(img->width, 3);
	ck_assert_int_eq(img->height, 2);
	ck_assert_mem_eq(img->gray, px, sizeof px);
	izin_image_free(img);
	free(m.p);

	/* A raster that starts with white space, and a next frame after
	 * it: one white space character ends the header. */
	m = pnm("P5 1 2 255\n", "\n\t", 2);
	mem_str(&m, "P5 1 1 255\n\0");
	img = load_ok(&m);
	ck_assert_int_eq(img->width, 1);
	ck_assert_int_eq(img->height, 2);
	ck_assert_mem_eq(img->gray, "\n\t", 2);
	izin_image_free(img);
	free(m.p);

	/* A comment can end the header. */
	m = pnm("P5 2 1 255# the end\n", "\x10\x20", 2);
	img = load_ok(&m);
	ck_assert_mem_eq(img->gray, "\x10\x20", 2);
	izin_image_free(img);
	free(m.p);
}
END_TEST

static unsigned
scale_want(unsigned v, unsigned max)
{
	return v >= max ? 255 : (unsigned)floor(v * 255.0 / max + 0.5);
}

/* Loop index: maxval from the list; samples of one or two bytes. */
static const unsigned maxvals[] = { 1, 2, 15, 100, 254, 255, 256, 1000,
    4095, 65534, 65535 };

START_TEST(test_pnm_maxval)
{
	unsigned max = maxvals[_i], v[64], i;
	unsigned char raster[64 * 2];
	char header[64];
	struct mem m;
	izin_image *img;

	for (i = 0; i < 64; i++) {
		v[i] = i < 2 ? i * max : hash(i, max, 3) % (max + 1);
		if (max > 255) {
			raster[2 * i] = v[i] >> 8;
			raster[2 * i + 1] = v[i] & 255;
		} else
			raster[i] = (unsigned char)v[i];
	}
	snprintf(header, sizeof header, "P5\n8 8\n%u\n", max);
	m = pnm(header, raster, max > 255 ? 128 : 64);
	img = load_ok(&m);
	ck_assert_int_eq(img->width, 8);
	ck_assert_int_eq(img->height, 8);
	for (i = 0; i < 64; i++)
		if (img->gray[i] != scale_want(v[i], max))
			ck_abort_msg("maxval %u: %u loads as %u, want %u", max,
			    v[i], img->gray[i], scale_want(v[i], max));
	ck_assert_int_eq(img->gray[0], 0);
	ck_assert_int_eq(img->gray[1], 255);
	izin_image_free(img);
	free(m.p);
}
END_TEST

/* Loop index: 255 or 65535. */
START_TEST(test_pnm_color)
{
	unsigned max = _i ? 65535 : 255, bps = _i ? 2 : 1, i, c, v[3];
	unsigned char raster[20 * 3 * 2], *p = raster;
	double want[20];
	char header[64];
	struct mem m;
	izin_image *img;

	for (i = 0; i < 20; i++) {
		for (c = 0; c < 3; c++) {
			v[c] = (hash(i, c, 4) & 255) * (max / 255);
			if (bps == 2)
				*p++ = v[c] >> 8;
			*p++ = v[c] & 255;
		}
		want[i] = luma(v[0] * 255.0 / max, v[1] * 255.0 / max,
		    v[2] * 255.0 / max);
	}
	snprintf(header, sizeof header, "P6\n#c\n5 4 #c\n%u\n", max);
	m = pnm(header, raster, 20 * 3 * bps);
	img = load_ok(&m);
	ck_assert_int_eq(img->width, 5);
	ck_assert_int_eq(img->height, 4);
	for (i = 0; i < 20; i++)
		ck_assert_int_le(labs(img->gray[i] - lround(want[i])), 1);
	izin_image_free(img);
	free(m.p);
}
END_TEST

/* A sample above maxval, which Netpbm forbids, loads as white. */
START_TEST(test_pnm_over_maxval)
{
	struct mem m = pnm("P5 4 1 100\n", "\x00\x32\x64\xc8", 4);
	izin_image *img = load_ok(&m);

	ck_assert_mem_eq(img->gray, "\x00\x80\xff\xff", 4);
	izin_image_free(img);
	free(m.p);
}
END_TEST

static const struct {
	const char *text;
	size_t len;
	int err;
} pnm_bad[] = {
#define S(s) s, sizeof s - 1
	{ S("P5"), IZIN_EIMAGE },
	{ S("P5\n"), IZIN_EIMAGE },
	{ S("P5 3"), IZIN_EIMAGE },
	{ S("P5 3 2"), IZIN_EIMAGE },
	{ S("P5 3 2 255"), IZIN_EIMAGE },
	{ S("P5 3 2 255\n"), IZIN_EIMAGE },
	{ S("P5 3 2 255\nABCDE"), IZIN_EIMAGE },
	{ S("P6 3 2 255\nABCDEFGHIJKLMNOPQ"), IZIN_EIMAGE },
	{ S("P5 1 1 65535\nA"), IZIN_EIMAGE },
	{ S("P5 1 1 255x\nA"), IZIN_EIMAGE },
	{ S("P5 x 1 255\nA"), IZIN_EIMAGE },
	{ S("P5 -1 1 255\nA"), IZIN_EIMAGE },
	{ S("P5 1 1 0\nA"), IZIN_EIMAGE },
	{ S("P5 1 1 65536\nAA"), IZIN_EIMAGE },
	{ S("P5 1 1 99999999999999999999999\nA"), IZIN_EIMAGE },
	{ S("P5 0 1 255\n"), IZIN_EIMAGE },
	{ S("P5 1 0 255\n"), IZIN_EIMAGE },
	{ S("P5 # only a comment"), IZIN_EIMAGE },
	{ S("P5 100000 100000 255\n"), IZIN_ETOOBIG },
	{ S("P6 100000 100000 255\nAAA"), IZIN_ETOOBIG },
	{ S("P5 8193 8192 255\n"), IZIN_ETOOBIG },
	{ S("P5 1 99999999999999999999999 255\n"), IZIN_ETOOBIG },
	{ S("P5 99999999999999999999999 1 255\n"), IZIN_ETOOBIG },
	{ S("P5 8192 8192 255\n"), IZIN_EIMAGE },
	{ S("P5x 1 1 255\nA"), IZIN_EFORMAT },
	{ S("P4\n1 1\n\x80"), IZIN_EFORMAT },
	{ S("P3\n1 1 255\n1 2 3\n"), IZIN_EFORMAT },
	{ S("P2\n1 1 255\n1\n"), IZIN_EFORMAT },
	{ S("P7\nWIDTH 1\n"), IZIN_EFORMAT },
#undef S
};

START_TEST(test_pnm_bad)
{
	ck_assert_int_eq(load_err(pnm_bad[_i].text, pnm_bad[_i].len),
	    pnm_bad[_i].err);
}
END_TEST

START_TEST(test_pnm_truncated)
{
	unsigned char raster[6 * 4 * 3];
	struct mem m;
	size_t n;
	int err;

	memset(raster, 0x55, sizeof raster);
	m = pnm("P6\n# c\n6 4\n255\n", raster, sizeof raster);
	for (n = 0; n < m.len; n++)
		if ((err = load_err(m.p, n)) != IZIN_EIMAGE)
			ck_abort_msg("cut at %zu: %d", n, err);
	izin_image_free(load_ok(&m));
	free(m.p);
}
END_TEST

/* ---- Other input ---- */

static const struct {
	const char *text;
	size_t len;
	int err;
} foreign[] = {
#define S(s) s, sizeof s - 1
	{ S(""), IZIN_EIMAGE },
	{ S("\x89"), IZIN_EIMAGE },
	{ S("\x89PNG\r\n"), IZIN_EIMAGE },
	{ S("\xff"), IZIN_EIMAGE },
	{ S("\xff\xd8"), IZIN_EIMAGE },
	{ S("\xff\xd8\xff"), IZIN_EIMAGE },
	{ S("P"), IZIN_EIMAGE },
	{ S("G"), IZIN_EFORMAT },
	{ S("\0"), IZIN_EFORMAT },
	{ S("GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01"
	    "\0\0\x02\x02\x44\x01\0;"), IZIN_EFORMAT },
	{ S("GIF87a"), IZIN_EFORMAT },
	{ S("BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0\0"
	    "\x01\0\x18\0"), IZIN_EFORMAT },
	{ S("hello, world\n"), IZIN_EFORMAT },
	{ S("IZ:6BFOXN*TSMAHN-QVS*"), IZIN_EFORMAT },
	{ S("II*\0\x08\0\0\0"), IZIN_EFORMAT },
	{ S("MM\0*\0\0\0\x08"), IZIN_EFORMAT },
	{ S("RIFF\0\0\0\0WEBPVP8 "), IZIN_EFORMAT },
	{ S("%PDF-1.4\n"), IZIN_EFORMAT },
	{ S("\x89PNX\r\n\x1a\n"), IZIN_EFORMAT },
	{ S("\xff\xd9\xff"), IZIN_EFORMAT },
#undef S
};

START_TEST(test_foreign)
{
	ck_assert_int_eq(load_err(foreign[_i].text, foreign[_i].len),
	    foreign[_i].err);
}
END_TEST

START_TEST(test_load_args)
{
	izin_image *img = (izin_image *)1;

	ck_assert_int_eq(izin_image_load(NULL, 0, &img), IZIN_EIMAGE);
	ck_assert_ptr_null(img);
	img = (izin_image *)1;
	ck_assert_int_eq(izin_image_load(NULL, 5, &img), IZIN_EINVAL);
	ck_assert_ptr_null(img);
	ck_assert_int_eq(izin_image_load((const unsigned char *)"P5 1 1 255\n"
	    "A", 12, NULL), IZIN_EINVAL);
	ck_assert_int_eq(izin_image_read(NULL, &img), IZIN_EINVAL);
	ck_assert_int_eq(izin_image_read("/", NULL), IZIN_EINVAL);
	izin_image_free(NULL);
}
END_TEST

START_TEST(test_one_pixel)
{
	struct pic p;
	struct mem m;
	izin_image *img;
	unsigned char px[3] = { 200, 10, 30 };

	pic_make(&p, PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 1, 1, 0);
	m = pic_png(&p);
	img = load_ok(&m);
	pic_check(&p, img);
	izin_image_free(img);
	free(m.p);
	free(p.s);

	m = jpeg_make(px, 1, 1, 3, JCS_RGB, JCS_UNKNOWN, 95, 0, NULL, 0);
	img = load_ok(&m);
	ck_assert_int_eq(img->width, 1);
	ck_assert_int_eq(img->height, 1);
	ck_assert_int_le(abs(img->gray[0] - (int)lround(luma(200, 10, 30))),
	    4);
	izin_image_free(img);
	free(m.p);

	m = pnm("P6 1 1 255\n", px, 3);
	img = load_ok(&m);
	ck_assert_int_eq(img->width, 1);
	ck_assert_int_eq(img->gray[0], (int)lround(luma(200, 10, 30)));
	izin_image_free(img);
	free(m.p);
}
END_TEST

START_TEST(test_new)
{
	izin_image *img = (izin_image *)1;
	int i;

	ck_assert_int_eq(izin_image_new(3, 2, &img), 0);
	ck_assert_int_eq(img->width, 3);
	ck_assert_int_eq(img->height, 2);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(img->gray[i], 255);
	izin_image_free(img);
	ck_assert_int_eq(izin_image_new(1, 1, &img), 0);
	ck_assert_int_eq(img->gray[0], 255);
	izin_image_free(img);
	img = (izin_image *)1;
	ck_assert_int_eq(izin_image_new(0, 1, &img), IZIN_EINVAL);
	ck_assert_ptr_null(img);
	ck_assert_int_eq(izin_image_new(1, 0, &img), IZIN_EINVAL);
	ck_assert_int_eq(izin_image_new(-1, 5, &img), IZIN_EINVAL);
	ck_assert_int_eq(izin_image_new(5, INT_MIN, &img), IZIN_EINVAL);
	ck_assert_int_eq(izin_image_new(8193, 8192, &img), IZIN_ETOOBIG);
	ck_assert_ptr_null(img);
	ck_assert_int_eq(izin_image_new(INT_MAX, INT_MAX, &img),
	    IZIN_ETOOBIG);
	ck_assert_int_eq(izin_image_new(INT_MAX, 1, &img), IZIN_ETOOBIG);
	ck_assert_int_eq(izin_image_new(1, 1, NULL), IZIN_EINVAL);
	/* At the limit exactly. */
	ck_assert_int_eq(izin_image_new(65536, 1024, &img), 0);
	ck_assert_int_eq(img->gray[65536L * 1024 - 1], 255);
	izin_image_free(img);
}
END_TEST

/* ---- Files ---- */

static char tmpdir[64];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/izin-image.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
	rm_tree(tmpdir);
}

static void
write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(d, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_read_file)
{
	char path[128];
	struct pic p;
	struct mem m;
	izin_image *img;

	pic_make(&p, PNG_COLOR_TYPE_PALETTE, 4, 1, 33, 21, 1);
	m = pic_png(&p);
	snprintf(path, sizeof path, "%s/img.png", tmpdir);
	write_file(path, m.p, m.len);
	ck_assert_int_eq(izin_image_read(path, &img), 0);
	pic_check(&p, img);
	izin_image_free(img);
	free(m.p);
	free(p.s);

	snprintf(path, sizeof path, "%s/empty", tmpdir);
	write_file(path, "", 0);
	img = (izin_image *)1;
	ck_assert_int_eq(izin_image_read(path, &img), IZIN_EIMAGE);
	ck_assert_ptr_null(img);
	snprintf(path, sizeof path, "%s/text", tmpdir);
	write_file(path, "hello\n", 6);
	ck_assert_int_eq(izin_image_read(path, &img), IZIN_EFORMAT);
}
END_TEST

START_TEST(test_read_not_file)
{
	char path[128];
	izin_image *img = (izin_image *)1;
	int fd;

	ck_assert_int_eq(izin_image_read(tmpdir, &img), IZIN_ENOTFILE);
	ck_assert_ptr_null(img);
	/* A FIFO with no writer: refused at once, not waited on. */
	snprintf(path, sizeof path, "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(izin_image_read(path, &img), IZIN_ENOTFILE);
	ck_assert_int_eq(izin_image_read("/dev/null", &img), IZIN_ENOTFILE);
	snprintf(path, sizeof path, "%s/missing.png", tmpdir);
	errno = 0;
	ck_assert_int_eq(izin_image_read(path, &img), IZIN_EIO);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(img);
	snprintf(path, sizeof path, "%s/fifo/x", tmpdir);
	errno = 0;
	ck_assert_int_eq(izin_image_read(path, &img), IZIN_EIO);
	ck_assert_int_eq(errno, ENOTDIR);

	/* Over 256 MiB is refused unread (a sparse file costs nothing). */
	snprintf(path, sizeof path, "%s/big.pgm", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "P5 1 1 255\n", 11), 11);
	ck_assert_int_eq(ftruncate(fd, 256L * 1024 * 1024 + 1), 0);
	close(fd);
	ck_assert_int_eq(izin_image_read(path, &img), IZIN_ETOOBIG);
	ck_assert_ptr_null(img);
	/* 256 MiB itself is read (and the PGM in it loads). */
	ck_assert_int_eq(truncate(path, 256L * 1024 * 1024), 0);
	ck_assert_int_eq(izin_image_read(path, &img), 0);
	ck_assert_int_eq(img->width, 1);
	izin_image_free(img);
}
END_TEST

/* ---- Threads ---- */

struct job {
	const struct mem *in;
	const izin_image *want;
	int failed;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	izin_image *img;
	int i, k;

	for (i = 0; i < 30; i++)
		for (k = 0; k < 3; k++) {
			if (izin_image_load(j->in[k].p, j->in[k].len, &img) !=
			    0) {
				j->failed = 1;
				return NULL;
			}
			if (img->width != j->want[k].width ||
			    img->height != j->want[k].height ||
			    memcmp(img->gray, j->want[k].gray,
			    (size_t)img->width * img->height) != 0)
				j->failed = 1;
			izin_image_free(img);
		}
	return NULL;
}

START_TEST(test_threads)
{
	enum { NT = 4 };
	struct mem in[3];
	izin_image *want[3], w[3];
	struct job jobs[NT];
	unsigned char *px = smooth(120, 90, 3), *exif;
	unsigned len;
	struct pic p;
	int i;

	pic_make(&p, PNG_COLOR_TYPE_RGB_ALPHA, 16, 0, 120, 90, 1);
	in[0] = pic_png(&p);
	exif = exif_block(8, 1, &len);
	in[1] = jpeg_make(px, 120, 90, 3, JCS_RGB, JCS_UNKNOWN, 90, 1, exif,
	    len);
	in[2] = pnm("P6 120 90 255\n", px, 120 * 90 * 3);
	for (i = 0; i < 3; i++) {
		want[i] = load_ok(&in[i]);
		w[i] = *want[i];
	}
	for (i = 0; i < NT; i++) {
		jobs[i].in = in;
		jobs[i].want = w;
		jobs[i].failed = 0;
	}
	run_threads(worker, jobs, sizeof jobs[0], NT);
	for (i = 0; i < NT; i++)
		ck_assert_int_eq(jobs[i].failed, 0);
	for (i = 0; i < 3; i++) {
		izin_image_free(want[i]);
		free(in[i].p);
	}
	free(exif);
	free(px);
	free(p.s);
}
END_TEST

/* A few KB of empty progressive scans over an 8191x8192 frame: each scan
 * would walk 67 million coefficients, so the file must be refused for the
 * work it asks, not decoded for seconds (found while fuzzing). */
START_TEST(test_jpeg_scan_work)
{
	static const unsigned char head[] = {
		0xff, 0xd8,
		0xff, 0xc2, 0x00, 0x0b, 0x08, 0x20, 0x00, 0x1f, 0xff, 0x01,
		0x01, 0x11, 0x00,                           /* SOF2 */
		0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x00,                  /* DHT: DC 0 */
	};
	static const unsigned char dqt[] = { 0xff, 0xdb, 0x00, 0x43, 0x00 };
	static const unsigned char sos[] = {
		0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00,                                       /* + 1 data byte */
	};
	unsigned char *buf = malloc(sizeof head + 69 + 499 * sizeof sos + 2);
	size_t n = 0;
	izin_image *img = NULL;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, head, 2), n = 2;
	memcpy(buf + n, dqt, sizeof dqt), n += sizeof dqt;
	memset(buf + n, 1, 64), n += 64;
	memcpy(buf + n, head + 2, sizeof head - 2), n += sizeof head - 2;
	for (int i = 0; i < 499; i++)
		memcpy(buf + n, sos, sizeof sos), n += sizeof sos;
	buf[n++] = 0xff, buf[n++] = 0xd9;
	ck_assert_int_eq(izin_image_load(buf, n, &img), IZIN_EIMAGE);
	ck_assert_ptr_null(img);
	free(buf);
}
END_TEST

static Suite *
image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc;

	tc = tcase_create("png");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_png_kinds, 0, NPNG_KINDS * 2);
	tcase_add_test(tc, test_png_qr_render);
	tcase_add_loop_test(tc, test_png_truncated, 0, 2);
	tcase_add_loop_test(tc, test_png_flipped, 0, 2);
	tcase_add_test(tc, test_png_sizes);
	tcase_add_test(tc, test_png_ancillary);
	suite_add_tcase(s, tc);

	tc = tcase_create("jpeg");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_jpeg_gray, 0, 2);
	tcase_add_loop_test(tc, test_jpeg_color, 0, 4);
	tcase_add_loop_test(tc, test_jpeg_cmyk, 0, 3);
	tcase_add_test(tc, test_jpeg_unknown_space);
	tcase_add_loop_test(tc, test_jpeg_orientation, 0, 32);
	tcase_add_test(tc, test_jpeg_orientation_color);
	tcase_add_test(tc, test_jpeg_exif_odd);
	tcase_add_test(tc, test_jpeg_exif_after_xmp);
	tcase_add_loop_test(tc, test_jpeg_sizes, 0, 2);
	tcase_add_loop_test(tc, test_jpeg_truncated, 0, 2);
	tcase_add_loop_test(tc, test_jpeg_flipped, 0, 2);
	tcase_add_test(tc, test_jpeg_many_scans);
	suite_add_tcase(s, tc);

	tc = tcase_create("pnm");
	tcase_add_test(tc, test_pnm_gray);
	tcase_add_loop_test(tc, test_pnm_maxval, 0,
	    sizeof maxvals / sizeof maxvals[0]);
	tcase_add_loop_test(tc, test_pnm_color, 0, 2);
	tcase_add_test(tc, test_pnm_over_maxval);
	tcase_add_loop_test(tc, test_pnm_bad, 0,
	    sizeof pnm_bad / sizeof pnm_bad[0]);
	tcase_add_test(tc, test_pnm_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("other");
	tcase_add_loop_test(tc, test_foreign, 0,
	    sizeof foreign / sizeof foreign[0]);
	tcase_add_test(tc, test_load_args);
	tcase_add_test(tc, test_one_pixel);
	tcase_add_test(tc, test_new);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	/* It reads a 256 MiB file whole: seconds under the sanitizers on a
	 * loaded machine, over Check's default 4. */
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_not_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_jpeg_scan_work);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(image_suite)
