#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "izin.h"
#include "render_font.h"

/* Largest image side in pixels.  Codes never come near it (version 40 at
 * scale 64 with a margin of 64 is 19520); only absurd labels do. */
#define SIDE_MAX 65535L

/*
 * zlib settings for the PNG, measured on 2000 version 10-M codes at scale
 * 4 with a margin of 4 (260 x 260 pixels at 1 bit, 33 bytes a row),
 * izin_render_png() alone, CPU time per image:
 *
 *	level  memlevel  filters  strategy  bytes   us
 *	  6       8      none     default     842  166
 *	  6       8      all      default     905  166
 *	  6       8      none     filtered    749  201
 *	  6       8      none     rle        2208  103
 *	  3       8      none     default    1000   84
 *	  1       8      all      default    1005  122
 *	  1       8      none     default    1030   71
 *	  1       5      none     default     990   55   <- chosen
 *	  1       2      none     default    1071   52
 *	  0       -      none     -          8920   39   (stored, no deflate)
 *
 * Filters are for photographs: on a 1-bit image whose rows repeat they
 * cost time and gain nothing (libpng filters nothing below 8 bits unless
 * told).  Above level 1 deflate chases long match chains through the
 * repeated rows for little gain: every size here fits one 4 kB block.
 * memlevel 5 keeps zlib's state small enough (about 80 kB) that malloc
 * does not hand it back to the system after every image, which at the
 * default of 8 cost two brk() calls and their page faults per image.
 */
#define PNG_LEVEL 1
#define PNG_MEMLEVEL 5

/* Where things go, in pixels. */
struct layout {
	int n;          /* modules across, quiet zone included */
	int fp;         /* image pixels per font pixel */
	long codepx;    /* n * scale */
	long w, h;      /* the image */
	long ox;        /* left edge of the code's quiet zone */
	long labeltop;  /* first row under the quiet zone */
	size_t textmax; /* longest label in bytes */
};

enum { CELLS_ASCII, CELLS_WIDE };

/* Characters never passed through to an SVG document or a terminal:
 * controls, replacement for bad UTF-8, non-characters that XML refuses,
 * and the marks that reorder text on screen (as izin_utf8_check()
 * refuses them). */
static int
unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffd ||
	    cp == 0xfffe || cp == 0xffff || cp == 0x61c || cp == 0x200e ||
	    cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Width of a label in character cells: as the bitmap font draws it, or
 * as a monospace font shows it (East Asian characters, from U+1100 on,
 * counted as two cells: a guess that errs on the wide side). */
static long
cells(const char *s, size_t len, int how)
{
	char tmp[2];
	size_t i;
	long n = 0;
	uint32_t cp;

	for (i = 0; i < len; ) {
		i += izin_utf8_next(s + i, len - i, &cp);
		if (how == CELLS_ASCII)
			n += (long)izin_translit_cp(cp, tmp);
		else if (cp < 0x300 || cp > 0x36f)
			n += cp >= 0x1100 ? 2 : 1;
	}
	return n;
}

/* What every renderer needs; the scale only matters to images. */
static int
check_args(const izin_qr *qr, const izin_render_opts *o, int image)
{
	size_t i;

	if (qr == NULL || o == NULL || qr->modules == NULL ||
	    qr->width < 1 || qr->width > 177 ||
	    o->margin < 0 || o->margin > 64 ||
	    (image && (o->scale < 1 || o->scale > 64)) ||
	    (o->nlabel > 0 && o->label == NULL))
		return IZIN_EINVAL;
	for (i = 0; i < o->nlabel; i++)
		if (o->label[i] == NULL)
			return IZIN_EINVAL;
	return IZIN_OK;
}

static int
layout(const izin_qr *qr, const izin_render_opts *o, int how,
       struct layout *lay)
{
	long textw, widest = 0;
	size_t i, len;
	int err;

	if ((err = check_args(qr, o, 1)) < 0)
		return err;
	lay->n = qr->width + 2 * o->margin;
	lay->fp = IZIN_FONT_SCALE(o->scale);
	lay->codepx = (long)lay->n * o->scale;
	lay->textmax = 0;
	for (i = 0; i < o->nlabel; i++) {
		len = strlen(o->label[i]);
		if (len > (size_t)SIDE_MAX)
			return IZIN_ELENGTH;
		if (len > lay->textmax)
			lay->textmax = len;
		if ((textw = cells(o->label[i], len, how)) > widest)
			widest = textw;
	}
	if (o->nlabel > (size_t)SIDE_MAX)
		return IZIN_ELENGTH;
	lay->w = lay->codepx;
	if (widest > 0) {
		textw = (widest * IZIN_FONT_ADVANCE - 1 + 2 * IZIN_LABEL_PAD) *
		    lay->fp;
		if (textw > lay->w)
			lay->w = textw;
	}
	lay->h = lay->codepx;
	if (o->nlabel > 0)
		lay->h += ((long)o->nlabel * IZIN_FONT_LINE + IZIN_LABEL_PAD) *
		    lay->fp;
	if (lay->w > SIDE_MAX || lay->h > SIDE_MAX)
		return IZIN_ELENGTH;
	lay->ox = (lay->w - lay->codepx) / 2;
	lay->labeltop = lay->codepx;
	return IZIN_OK;
}

/* ---- PNG ---- */

/* Set n pixels from x on to black (bit 0; PNG's gray 1 is white). */
static void
ink(unsigned char *row, long x, long n)
{
	long end = x + n, b0 = x >> 3, b1 = end >> 3;

	if (b0 == b1) {
		row[b0] &= (unsigned char)~((0xff >> (x & 7)) &
		    ~(0xff >> (end & 7)));
		return;
	}
	row[b0] &= (unsigned char)~(0xff >> (x & 7));
	memset(row + b0 + 1, 0, (size_t)(b1 - b0 - 1));
	if (end & 7)
		row[b1] &= (unsigned char)(0xff >> (end & 7));
}

/*
 * One row of modules as pixels from x on, scale bits a module, into a
 * row that is paper to begin with.  Without a branch per module: in a QR
 * code every other module is a surprise to the branch predictor, and
 * looking for runs of dark modules took 16 us a version 10 code at scale
 * 4 where this takes 2.  Above scale 16 rows are long, runs are few and
 * ink() does the work.
 */
static void
pack_modules(unsigned char *row, long x, const unsigned char *m, int width,
             int scale)
{
	uint64_t acc, ones;
	long b = x >> 3;
	int c, c0, nbits = (int)(x & 7);

	if (scale > 16) {
		for (c = 0; c < width; c++) {
			if (!m[c])
				continue;
			for (c0 = c; c < width && m[c]; c++)
				;
			ink(row, x + (long)c0 * scale, (long)(c - c0) * scale);
		}
		return;
	}
	ones = ((uint64_t)1 << scale) - 1;
	acc = ((uint64_t)1 << nbits) - 1;       /* paper left of x */
	for (c = 0; c < width; c++) {
		/* m[c] - 1 is all ones for a light module, zero for dark. */
		acc = acc << scale | (ones & ((uint64_t)m[c] - 1));
		for (nbits += scale; nbits >= 8; nbits -= 8)
			row[b++] = (unsigned char)(acc >> (nbits - 8));
	}
	if (nbits > 0)
		row[b] = (unsigned char)(acc << (8 - nbits) |
		    (0xffu >> nbits));
}

struct membuf {
	unsigned char *p;
	size_t len, cap;
};

static void
png_put(png_structp png, png_bytep data, size_t n)
{
	struct membuf *b = png_get_io_ptr(png);
	unsigned char *p;
	size_t cap;

	if (n > b->cap - b->len) {
		for (cap = b->cap; n > cap - b->len; cap *= 2)
			if (cap > (size_t)-1 / 2)
				png_error(png, "out of memory");
		if ((p = realloc(b->p, cap)) == NULL)
			png_error(png, "out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void
png_flush_none(png_structp png)
{
	(void)png;
}

/* The library never prints: libpng's complaints end here, and an error
 * (which with our checked sizes can only be a failed allocation) jumps
 * back to png_rows()'s setjmp. */
static void
png_fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void
png_quiet(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Buffers for png_rows(), allocated by its caller so that nothing that
 * changes after setjmp() lives in the function that calls it. */
struct png_job {
	const izin_qr *qr;
	const izin_render_opts *o;
	const struct layout *lay;
	size_t rowbytes;
	unsigned char *white;   /* one row of paper */
	unsigned char *row;     /* one row of modules */
	unsigned char *glyphs;  /* IZIN_FONT_H rows of one label line */
	char *text;             /* a label in ASCII */
};

static void
put_rows(png_structp png, const unsigned char *row, long n)
{
	while (n-- > 0)
		png_write_row(png, row);
}

/* Draw one label line into the glyph rows, centred. */
static void
draw_label(const struct png_job *j, const char *label)
{
	const struct layout *lay = j->lay;
	unsigned char g[IZIN_FONT_H], *row;
	size_t i, n;
	long x, x0;
	int r, c, c0;

	n = izin_translit(label, strlen(label), j->text);
	for (r = 0; r < IZIN_FONT_H; r++)
		memcpy(j->glyphs + r * j->rowbytes, j->white, j->rowbytes);
	if (n == 0)
		return;
	x0 = (lay->w - ((long)n * IZIN_FONT_ADVANCE - 1) * lay->fp) / 2;
	for (i = 0; i < n; i++) {
		izin_font_glyph((unsigned char)j->text[i], g);
		x = x0 + (long)i * IZIN_FONT_ADVANCE * lay->fp;
		for (r = 0; r < IZIN_FONT_H; r++) {
			row = j->glyphs + r * j->rowbytes;
			/* Runs of ink, bit 4 the leftmost column. */
			for (c = 0; c < IZIN_FONT_W; c++) {
				if (!(g[r] >> (IZIN_FONT_W - 1 - c) & 1))
					continue;
				for (c0 = c; c < IZIN_FONT_W &&
				    g[r] >> (IZIN_FONT_W - 1 - c) & 1; c++)
					;
				ink(row, x + (long)c0 * lay->fp,
				    (long)(c - c0) * lay->fp);
			}
		}
	}
}

static int
png_rows(png_structp png, png_infop info, const struct png_job *j)
{
	const struct layout *lay = j->lay;
	const izin_qr *qr = j->qr;
	long quiet = (long)j->o->margin * j->o->scale;
	long x0 = lay->ox + quiet;
	size_t i;
	int r;

	if (setjmp(png_jmpbuf(png)))
		return IZIN_ENOMEM;
	png_set_IHDR(png, info, (png_uint_32)lay->w, (png_uint_32)lay->h, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, PNG_LEVEL);
	png_set_compression_mem_level(png, PNG_MEMLEVEL);
	png_set_compression_strategy(png, Z_DEFAULT_STRATEGY);
	png_write_info(png, info);

	put_rows(png, j->white, quiet);
	for (r = 0; r < qr->width; r++) {
		memcpy(j->row, j->white, j->rowbytes);
		pack_modules(j->row, x0, qr->modules + (size_t)r * qr->width,
		    qr->width, j->o->scale);
		put_rows(png, j->row, j->o->scale);
	}
	put_rows(png, j->white, quiet);

	for (i = 0; i < j->o->nlabel; i++) {
		draw_label(j, j->o->label[i]);
		put_rows(png, j->white, (long)IZIN_FONT_LEADING * lay->fp);
		for (r = 0; r < IZIN_FONT_H; r++)
			put_rows(png, j->glyphs + r * j->rowbytes, lay->fp);
	}
	if (j->o->nlabel > 0)
		put_rows(png, j->white, (long)IZIN_LABEL_PAD * lay->fp);
	png_write_end(png, NULL);
	return IZIN_OK;
}

int
izin_render_png(const izin_qr *qr, const izin_render_opts *o,
                unsigned char **out, size_t *len)
{
	struct layout lay;
	struct png_job j;
	struct membuf b;
	png_structp png;
	png_infop info;
	int err;

	*out = NULL;
	*len = 0;
	if ((err = layout(qr, o, CELLS_ASCII, &lay)) < 0)
		return err;
	j.qr = qr;
	j.o = o;
	j.lay = &lay;
	j.rowbytes = ((size_t)lay.w + 7) / 8;
	j.white = malloc(j.rowbytes * (2 + IZIN_FONT_H) + lay.textmax + 1);
	/* A version 10 code at scale 4 compresses to about 1 kB. */
	b.cap = 4096 + j.rowbytes * (size_t)lay.h / 8;
	b.len = 0;
	b.p = malloc(b.cap);
	if (j.white == NULL || b.p == NULL) {
		free(j.white);
		free(b.p);
		return IZIN_ENOMEM;
	}
	j.row = j.white + j.rowbytes;
	j.glyphs = j.row + j.rowbytes;
	j.text = (char *)j.glyphs + j.rowbytes * IZIN_FONT_H;
	memset(j.white, 0xff, j.rowbytes);

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail,
	    png_quiet);
	info = png == NULL ? NULL : png_create_info_struct(png);
	if (info == NULL) {
		err = IZIN_ENOMEM;
	} else {
		png_set_write_fn(png, &b, png_put, png_flush_none);
		err = png_rows(png, info, &j);
	}
	png_destroy_write_struct(png == NULL ? NULL : &png,
	    info == NULL ? NULL : &info);
	free(j.white);
	if (err < 0) {
		free(b.p);
		return err;
	}
	*out = b.p;
	*len = b.len;
	return IZIN_OK;
}

/* ---- Text output ---- */

struct sbuf {
	char *p;
	size_t len, cap;
	int nomem;
};

static void
sb_grow(struct sbuf *sb, size_t n)
{
	size_t cap;
	char *p;

	if (sb->nomem || n <= sb->cap - sb->len)
		return;
	for (cap = sb->cap ? sb->cap : 256; n > cap - sb->len; cap *= 2)
		if (cap > (size_t)-1 / 2)
			goto fail;
	if ((p = realloc(sb->p, cap)) == NULL)
		goto fail;
	sb->p = p;
	sb->cap = cap;
	return;
fail:
	sb->nomem = 1;
}

static void
sb_put(struct sbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	if (sb->nomem)
		return;
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
}

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Every format here is short: 64 bytes hold any one of them. */
	sb_grow(sb, 64);
	if (sb->nomem)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->cap - sb->len)
		sb->nomem = 1;
	else
		sb->len += (size_t)n;
}

/* Hand the text over with a NUL after it (not counted in *len). */
static int
sb_finish(struct sbuf *sb, char **out, size_t *len)
{
	sb_put(sb, "", 1);
	if (sb->nomem) {
		free(sb->p);
		return IZIN_ENOMEM;
	}
	*out = sb->p;
	*len = sb->len - 1;
	return IZIN_OK;
}

/* Copy a label, unsafe characters and bad UTF-8 as '?'; with xml, the
 * five markup characters as entities. */
static void
sb_label(struct sbuf *sb, const char *s, int xml)
{
	size_t i, k, len = strlen(s);
	uint32_t cp;

	for (i = 0; i < len; i += k) {
		k = izin_utf8_next(s + i, len - i, &cp);
		if (unsafe(cp))
			sb_put(sb, "?", 1);
		else if (xml && cp == '&')
			sb_put(sb, "&amp;", 5);
		else if (xml && cp == '<')
			sb_put(sb, "&lt;", 4);
		else if (xml && cp == '>')
			sb_put(sb, "&gt;", 4);
		else if (xml && cp == '"')
			sb_put(sb, "&quot;", 6);
		else if (xml && cp == '\'')
			sb_put(sb, "&apos;", 6);
		else
			sb_put(sb, s + i, k);
	}
}

/* A coordinate that may fall on half a pixel. */
static void
sb_half(struct sbuf *sb, long twice)
{
	sb_printf(sb, twice % 2 ? "%ld.5" : "%ld", twice / 2);
}

int
izin_render_svg(const izin_qr *qr, const izin_render_opts *o,
                char **out, size_t *len)
{
	struct layout lay;
	struct sbuf sb = { NULL, 0, 0, 0 };
	const unsigned char *m;
	long s, x0, y;
	size_t i;
	int err, r, c, c0;

	*out = NULL;
	*len = 0;
	if ((err = layout(qr, o, CELLS_WIDE, &lay)) < 0)
		return err;
	s = o->scale;
	sb_printf(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "version=\"1.1\" width=\"%ld\" height=\"%ld\"", lay.w, lay.h);
	sb_printf(&sb, " viewBox=\"0 0 %ld %ld\" "
	    "shape-rendering=\"crispEdges\">\n", lay.w, lay.h);
	sb_printf(&sb, "<rect width=\"%ld\" height=\"%ld\" fill=\"#fff\"/>\n",
	    lay.w, lay.h);

	/* One path, one subpath per horizontal run of dark modules. */
	sb_printf(&sb, "<path fill=\"#000\" d=\"");
	x0 = lay.ox + o->margin * s;
	for (r = 0; r < qr->width; r++) {
		m = qr->modules + (size_t)r * qr->width;
		y = (o->margin + r) * s;
		for (c = 0; c < qr->width; c++) {
			if (!m[c])
				continue;
			for (c0 = c; c < qr->width && m[c]; c++)
				;
			sb_printf(&sb, "M%ld %ldh%ldv%ldh-%ldz",
			    x0 + c0 * s, y, (c - c0) * s, s, (c - c0) * s);
		}
	}
	sb_printf(&sb, "\"/>\n");

	for (i = 0; i < o->nlabel; i++) {
		y = lay.labeltop + ((long)i * IZIN_FONT_LINE +
		    IZIN_FONT_LEADING + IZIN_FONT_ASCENT) * lay.fp;
		sb_printf(&sb, "<text x=\"");
		sb_half(&sb, lay.w);
		/* A monospace font of 10 font pixels has capitals about 7
		 * high and advances about 6: the bitmap font's measures. */
		sb_printf(&sb, "\" y=\"%ld\" font-family=\"monospace\" "
		    "font-size=\"%d\" ", y, (IZIN_FONT_H + 1) * lay.fp);
		sb_printf(&sb, "text-anchor=\"middle\" fill=\"#000\">");
		sb_label(&sb, o->label[i], 1);
		sb_printf(&sb, "</text>\n");
	}
	sb_printf(&sb, "</svg>\n");
	return sb_finish(&sb, out, len);
}

/*
 * Half blocks, two module rows to a line, for a terminal with dark text
 * on a light background: ink is a dark module, so the code reads the
 * right way round there and scans from the screen.  This is what
 * `qrencode -t UTF8i` prints (for an even margin, byte for byte);
 * `qrencode -t UTF8` is the same inverted, for light text on dark.  On a
 * light-on-dark terminal this code shows inverted, which many phone
 * scanners still read and zbar does not.
 */
int
izin_render_utf8(const izin_qr *qr, const izin_render_opts *o,
                 char **out, size_t *len)
{
	static const char *const blocks[4] = {
		" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"
	};  /* none, upper half (U+2580), lower half (U+2584), full (U+2588) */
	struct sbuf sb = { NULL, 0, 0, 0 };
	const unsigned char *m;
	int err, k, n, x, y, mar, top, bot;
	size_t i;

	*out = NULL;
	*len = 0;
	if ((err = check_args(qr, o, 0)) < 0)
		return err;
	mar = o->margin;
	n = qr->width + 2 * mar;
	sb_grow(&sb, (size_t)(n + 1) / 2 * ((size_t)n * 3 + 1));
	for (y = 0; y < n; y += 2) {
		for (x = 0; x < n; x++) {
			top = bot = 0;
			if (x >= mar && x < mar + qr->width) {
				m = qr->modules + (x - mar);
				if (y >= mar && y < mar + qr->width)
					top = m[(size_t)(y - mar) * qr->width];
				if (y + 1 >= mar && y + 1 < mar + qr->width)
					bot = m[(size_t)(y + 1 - mar) *
					    qr->width];
			}
			k = (top != 0) | (bot != 0) << 1;
			sb_put(&sb, blocks[k], k ? 3 : 1);
		}
		sb_put(&sb, "\n", 1);
	}
	for (i = 0; i < o->nlabel; i++) {
		sb_label(&sb, o->label[i], 0);
		sb_put(&sb, "\n", 1);
	}
	return sb_finish(&sb, out, len);
}
