/*
 * scan.c - find and decode the QR codes in an image with zbar.  A plain
 * pass first, on the image as it is, so a clean code costs one zbar
 * scan; only when that finds nothing, a bounded series of passes over
 * prepared copies (prep.c), kept for what they recover on the ZXing
 * photo corpus and on degraded copies of it.
 */
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "izin.h"
#include "geom_internal.h"
#include "scan_internal.h"

/* A photo with a longer side over SCAN_BIG pixels is halved (box
 * filter) until it fits, and the smaller copy is scanned first: modules
 * many pixels wide only slow zbar down and blur its edge finder.  The
 * full-size image gets its own pass when that finds nothing. */
#define SCAN_BIG 2200
/* An image no larger than SCAN_SMALL a side also gets a pass upscaled
 * to about twice that (nearest neighbour): zbar wants two pixels or more
 * per module, and codes drawn one pixel per module are common. */
#define SCAN_SMALL 400

struct scan {
	zbar_image_scanner_t *zs;
	izin_codes *codes;
	size_t cap;
	int passes, max;
};

/* The text as UTF-8 of the code zbar found as sym in im (its bytes
 * data, len): from the code's segments when its grid reads again from
 * im to the same bytes (qrsample.c), else guessed from the bytes. */
static int
code_utf8(const zbar_symbol_t *sym, const izin_image *im, const char *data,
          size_t len, char **out, size_t *outlen, const char **how)
{
	izin_qrbits q;
	double pts[4][2];
	size_t k;
	int i, r, have = 0;

	/*
	 * A permit's payload is Base45, every byte in QR's 45-character
	 * alphanumeric set.  Every charset of the ECI table reads such bytes
	 * as those same ASCII characters (Shift_JIS too, as qrtext.c reads
	 * it), save UTF-16BE, where each pair would have to be one of the
	 * CJK characters U+2020-U+5A5A whose two bytes both fall in the set:
	 * that one case is read as ASCII.  So the grid, about a tenth of
	 * the cost of a clean scan, is not read for them.
	 */
	k = strspn(data, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:");
	if (k == len)
		return izin_qrtext_utf8(NULL, data, len, out, outlen, how);
	if (zbar_symbol_get_loc_size(sym) == 4) {
		for (i = 0; i < 4; i++) {
			pts[i][0] = zbar_symbol_get_loc_x(sym, (unsigned)i);
			pts[i][1] = zbar_symbol_get_loc_y(sym, (unsigned)i);
		}
		r = izin_qrbits_sample(im, pts, data, len, &q);
		if (r == IZIN_ENOMEM)
			return r;
		have = r == 0;
	}
	r = izin_qrtext_utf8(have ? &q : NULL, data, len, out, outlen, how);
	if (have)
		izin_qrbits_clear(&q);
	return r;
}

static int
add_code(struct scan *s, const zbar_symbol_t *sym, const izin_image *im)
{
	izin_codes *c = s->codes;
	const char *data = zbar_symbol_get_data(sym);
	size_t len = zbar_symbol_get_data_length(sym), i, ncap;
	const char **how;
	char **text;
	size_t *lens;
	int r;

	for (i = 0; i < c->n; i++)
		if (c->len[i] == len && memcmp(c->text[i], data, len) == 0)
			return 0;
	if (c->n == s->cap) {
		ncap = s->cap ? 2 * s->cap : 4;
		if ((text = realloc(c->text, ncap * sizeof *text)) == NULL)
			return IZIN_ENOMEM;
		c->text = text;
		if ((lens = realloc(c->len, ncap * sizeof *lens)) == NULL)
			return IZIN_ENOMEM;
		c->len = lens;
		if ((text = realloc(c->utf8, ncap * sizeof *text)) == NULL)
			return IZIN_ENOMEM;
		c->utf8 = text;
		if ((lens = realloc(c->utf8_len, ncap * sizeof *lens)) == NULL)
			return IZIN_ENOMEM;
		c->utf8_len = lens;
		if ((how = realloc(c->charset, ncap * sizeof *how)) == NULL)
			return IZIN_ENOMEM;
		c->charset = how;
		s->cap = ncap;
	}
	if ((c->text[c->n] = malloc(len + 1)) == NULL)
		return IZIN_ENOMEM;
	memcpy(c->text[c->n], data, len);
	c->text[c->n][len] = '\0';
	c->len[c->n] = len;
	if ((r = code_utf8(sym, im, data, len, &c->utf8[c->n],
	    &c->utf8_len[c->n], &c->charset[c->n])) < 0) {
		free(c->text[c->n]);
		return r;
	}
	c->n++;
	return 0;
}

/* One zbar pass: 1 when it found a code, 0 when not, or an error. */
static int
pass(struct scan *s, const izin_image *im)
{
	const zbar_symbol_t *sym;
	zbar_image_t *zi;
	int n, err = 0, found = 0;

	s->passes++;
	if ((zi = zbar_image_create()) == NULL)
		return IZIN_ENOMEM;
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, (unsigned)im->width, (unsigned)im->height);
	zbar_image_set_data(zi, im->gray,
	    (unsigned long)im->width * im->height, NULL);
	/* zbar fails only when it cannot allocate. */
	if ((n = zbar_scan_image(s->zs, zi)) < 0)
		err = IZIN_ENOMEM;
	for (sym = n > 0 ? zbar_image_first_symbol(zi) : NULL;
	    sym != NULL && err == 0; sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		err = add_code(s, sym, im);
		found = 1;
	}
	zbar_image_destroy(zi);
	return err ? err : found;
}

/* The geometry stage's zbar pass over a symbol it straightened: counted
 * with the stage, as one pass. */
static int
flat_pass(void *arg, const izin_image *flat)
{
	struct scan *s = arg;
	int r = pass(s, flat);

	s->passes--;
	return r;
}

/* A pass over a prepared copy, which it frees; NULL is a copy that
 * could not be made for want of memory. */
static int
pass_copy(struct scan *s, izin_image *im)
{
	int r;

	if (im == NULL)
		return IZIN_ENOMEM;
	r = pass(s, im);
	izin_image_free(im);
	return r;
}

static izin_image *
blur_threshold(const izin_image *src)
{
	int m = src->width < src->height ? src->width : src->height;
	izin_image *t, *u;

	/* A 3x3 blur takes the sensor noise out before the threshold
	 * would turn it into speckle; the window, an eighth of the image,
	 * is about the size of a code that fills a fair part of it. */
	if ((t = izin_prep_blur(src, 1)) == NULL)
		return NULL;
	u = izin_prep_threshold(t, m / 8, 2);
	izin_image_free(t);
	return u;
}

/*
 * The passes after a plain one found nothing, in the order that finds
 * most codes soonest on the degraded corpus.  base is what the plain
 * pass scanned: img itself, or a halved copy of a large photo.
 */
enum {
	P_FULL,            /* img at full size, when base is halved */
	P_UPSCALE,         /* small images: upscaled */
	P_BLUR_THRESHOLD,  /* noise, shadows, gradients, low contrast */
	P_SHARPEN,         /* defocus */
	P_INVERT,          /* light codes on dark (upscaled when small) */
	P_BLUR,            /* noise alone */
	P_UP_THRESHOLD,    /* small images: blurred threshold, upscaled */
	P_GEOM,            /* strong perspective, curved pages: geom.c */
	P_END
};

static int
harder(struct scan *s, const izin_image *img, const izin_image *base)
{
	int step, r = 0, f, side;
	izin_image *up = NULL, *im;

	side = base->width > base->height ? base->width : base->height;
	if (side <= SCAN_SMALL) {
		f = (2 * SCAN_SMALL + side - 1) / side;
		f = f < 2 ? 2 : f > 4 ? 4 : f;
		if ((up = izin_prep_pad(base, 0, f)) == NULL)
			return IZIN_ENOMEM;
	}
	for (step = 0; step < P_END && r == 0 && s->passes < s->max; step++) {
		switch (step) {
		case P_FULL:
			if (base != img)
				r = pass(s, img);
			continue;
		case P_UPSCALE:
			if (up != NULL)
				r = pass(s, up);
			continue;
		case P_BLUR_THRESHOLD:
			im = blur_threshold(base);
			break;
		case P_SHARPEN:
			im = izin_prep_sharpen(base, 3);
			break;
		case P_INVERT:
			im = izin_prep_invert(up != NULL ? up : base);
			break;
		case P_BLUR:
			im = izin_prep_blur(base, 1);
			break;
		case P_UP_THRESHOLD:
			if (up == NULL)
				continue;
			im = blur_threshold(up);
			break;
		default:
			s->passes++;
			r = izin_geom_straighten(base, base != img ? img : NULL,
			    flat_pass, s);
			continue;
		}
		r = pass_copy(s, im);
	}
	izin_image_free(up);
	return r;
}

int
izin_scan_limited(const izin_image *img, int maxpasses, izin_codes **out,
                  int *passes)
{
	izin_image *half = NULL, *t;
	const izin_image *base = img;
	struct scan s;
	int r;

	if (out != NULL)
		*out = NULL;
	if (passes != NULL)
		*passes = 0;
	if (img == NULL || out == NULL || img->gray == NULL ||
	    img->width <= 0 || img->height <= 0 || maxpasses < 1)
		return IZIN_EINVAL;
	if ((long)img->width * img->height > IZIN_PIXELS_MAX)
		return IZIN_ETOOBIG;
	memset(&s, 0, sizeof s);
	s.max = maxpasses;
	if ((s.codes = calloc(1, sizeof *s.codes)) == NULL)
		return IZIN_ENOMEM;
	if ((s.zs = zbar_image_scanner_create()) == NULL) {
		free(s.codes);
		return IZIN_ENOMEM;
	}
	/*
	 * QR only, and no result cache: each call stands alone.  BINARY
	 * hands over the code's bytes as they are: without it zbar guesses
	 * a charset for byte-mode data and turns UTF-8 "caf\xc3\xa9" into
	 * Shift JIS mojibake.  Alphanumeric izin payloads read the same
	 * either way, and so does every text of the corpus.
	 */
	zbar_image_scanner_set_config(s.zs, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(s.zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(s.zs, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_scanner_enable_cache(s.zs, 0);

	while (base->width > SCAN_BIG || base->height > SCAN_BIG) {
		if ((t = izin_prep_half(base)) == NULL) {
			r = IZIN_ENOMEM;
			goto out;
		}
		izin_image_free(half);
		base = half = t;
	}
	if ((r = pass(&s, base)) == 0)
		r = harder(&s, img, base);
out:
	izin_image_free(half);
	zbar_image_scanner_destroy(s.zs);
	if (passes != NULL)
		*passes = s.passes;
	if (r < 0) {
		izin_codes_free(s.codes);
		return r;
	}
	*out = s.codes;
	return 0;
}

int
izin_scan(const izin_image *img, izin_codes **out)
{
	return izin_scan_limited(img, IZIN_SCAN_PASSES_MAX, out, NULL);
}

void
izin_codes_free(izin_codes *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->text[i]);
		free(c->utf8[i]);
	}
	free(c->text);
	free(c->len);
	free(c->utf8);
	free(c->utf8_len);
	free(c->charset);
	free(c);
}
