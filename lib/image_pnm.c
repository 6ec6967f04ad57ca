#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "image_internal.h"

struct pnm {
	const unsigned char *d;
	size_t len, pos;
};

static int
pnm_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/* A comment runs from '#' to the end of its line. */
static void
skip_comment(struct pnm *p)
{
	while (p->pos < p->len && p->d[p->pos] != '\n' &&
	    p->d[p->pos] != '\r')
		p->pos++;
}

/* The next header number, after white space and comments.  A number too
 * big to matter saturates, so the size check sees it as too big. */
static int
number(struct pnm *p, uint64_t *out)
{
	uint64_t v = 0;
	size_t start;

	while (p->pos < p->len && (pnm_space(p->d[p->pos]) ||
	    p->d[p->pos] == '#')) {
		if (p->d[p->pos] == '#')
			skip_comment(p);
		else
			p->pos++;
	}
	start = p->pos;
	while (p->pos < p->len && p->d[p->pos] >= '0' &&
	    p->d[p->pos] <= '9') {
		if (v < UINT64_C(1000000000000))
			v = v * 10 + (uint64_t)(p->d[p->pos] - '0');
		p->pos++;
	}
	if (p->pos == start)
		return IZIN_EIMAGE;
	*out = v;
	return IZIN_OK;
}

static unsigned long
clamp(uint64_t v)
{
	return v > ULONG_MAX ? ULONG_MAX : (unsigned long)v;
}

static unsigned char
scale(unsigned v, unsigned maxval)
{
	return v >= maxval ? 255 : (unsigned char)((v * 255 + maxval / 2) /
	    maxval);
}

/* Binary PGM (P5) and PPM (P6), maxval 1 to 65535, samples of two bytes
 * (most significant first) past 255.  The first image of a stream is
 * read and the rest left alone; a raster cut short is IZIN_EIMAGE.  A
 * sample above maxval, which Netpbm forbids, counts as maxval. */
int
izin_image_pnm(const unsigned char *data, size_t len, izin_image **out)
{
	struct pnm p = { data, len, 2 };
	uint64_t w, h, maxval;
	izin_image *img;
	unsigned char map[256];
	const unsigned char *s;
	size_t n, i, ch, bps;
	unsigned v, r, g, b;
	int err;

	*out = NULL;
	ch = data[1] == '6' ? 3 : 1;
	if (number(&p, &w) != 0 || number(&p, &h) != 0)
		return IZIN_EIMAGE;
	if ((err = izin_image_check_size(clamp(w), clamp(h))) != 0)
		return err;
	if (number(&p, &maxval) != 0 || maxval == 0 || maxval > 65535)
		return IZIN_EIMAGE;
	/* One white space character ends the header; a comment there ends
	 * with its own newline. */
	if (p.pos < p.len && p.d[p.pos] == '#')
		skip_comment(&p);
	if (p.pos >= p.len || !pnm_space(p.d[p.pos]))
		return IZIN_EIMAGE;
	p.pos++;

	n = (size_t)w * (size_t)h;
	bps = maxval > 255 ? 2 : 1;
	if ((p.len - p.pos) / (ch * bps) < n)
		return IZIN_EIMAGE;
	if ((err = izin_image_alloc(w, h, &img)) != 0)
		return err;
	s = data + p.pos;
	if (bps == 1) {
		for (i = 0; i < 256; i++)
			map[i] = scale((unsigned)i, (unsigned)maxval);
		if (ch == 1 && maxval == 255)
			memcpy(img->gray, s, n);
		else if (ch == 1)
			for (i = 0; i < n; i++)
				img->gray[i] = map[s[i]];
		else
			for (i = 0; i < n; i++, s += 3)
				img->gray[i] = IZIN_LUMA(map[s[0]], map[s[1]],
				    map[s[2]]);
	} else {
		for (i = 0; i < n; i++) {
			v = (unsigned)s[0] << 8 | s[1];
			r = scale(v, (unsigned)maxval);
			if (ch == 1) {
				img->gray[i] = (unsigned char)r;
				s += 2;
				continue;
			}
			v = (unsigned)s[2] << 8 | s[3];
			g = scale(v, (unsigned)maxval);
			v = (unsigned)s[4] << 8 | s[5];
			b = scale(v, (unsigned)maxval);
			img->gray[i] = IZIN_LUMA(r, g, b);
			s += 6;
		}
	}
	*out = img;
	return IZIN_OK;
}
