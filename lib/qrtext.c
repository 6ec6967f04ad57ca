/*
 * qrtext.c - a QR code's text as UTF-8: its segments (qrbits.c) each in
 * the charset the standard gives them, through the C library's iconv.
 * The rules are ZXing's (zxing-cpp 1.4, Content::render and
 * TextDecoder::GuessEncoding), the decoder most readers of these codes
 * are compared with.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "geom_internal.h"

/* Shift_JIS as ZXing (Java's "Shift_JIS", zxing-cpp's own table) reads
 * it: ASCII below 0x80, so 0x5c is '\' and 0x7e '~' (a URL or a MECARD
 * escape stays intact), and JIS X 0208 above, so 0x8160 is U+301C WAVE
 * DASH.  glibc's "SHIFT_JIS" has the JIS X 0208 mapping but makes 0x5c
 * YEN SIGN and 0x7e OVERLINE; its "CP932" keeps ASCII but maps 0x8160
 * to U+FF5E and friends the Microsoft way.  So SHIFT_JIS, with the
 * single bytes below 0x80 passed through here (see convert()). */
#define SJIS_ICONV "SHIFT_JIS"

enum { CS_NONE = -1, CS_LATIN1, CS_SJIS, CS_UTF8, CS_OTHER };

struct cs {
	const char *iconv;   /* name for iconv_open */
	const char *how;     /* what izin_qrtext_utf8() reports */
};

/* The ECI registry's character sets, as ZXing's CharacterSetECI. */
static int
eci_charset(long eci, struct cs *cs)
{
	static const char *const iso[] = {
		"ISO-8859-1", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4",
		"ISO-8859-5", "ISO-8859-6", "ISO-8859-7", "ISO-8859-8",
		"ISO-8859-9", "ISO-8859-10", "ISO-8859-11", NULL,
		"ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16",
	};
	static const char *const hows[] = {
		"ECI 3 ISO-8859-1", "ECI 4 ISO-8859-2", "ECI 5 ISO-8859-3",
		"ECI 6 ISO-8859-4", "ECI 7 ISO-8859-5", "ECI 8 ISO-8859-6",
		"ECI 9 ISO-8859-7", "ECI 10 ISO-8859-8", "ECI 11 ISO-8859-9",
		"ECI 12 ISO-8859-10", "ECI 13 ISO-8859-11", NULL,
		"ECI 15 ISO-8859-13", "ECI 16 ISO-8859-14",
		"ECI 17 ISO-8859-15", "ECI 18 ISO-8859-16",
	};
	static const struct cs other[] = {
		{ SJIS_ICONV, "ECI 20 Shift_JIS" },  /* 20 */
		{ "CP1250", "ECI 21 windows-1250" },
		{ "CP1251", "ECI 22 windows-1251" },
		{ "CP1252", "ECI 23 windows-1252" },
		{ "CP1256", "ECI 24 windows-1256" },
		{ "UTF-16BE", "ECI 25 UTF-16BE" },
		{ "UTF-8", "ECI 26 UTF-8" },
		{ "ASCII", "ECI 27 US-ASCII" },
		{ "BIG5", "ECI 28 Big5" },
		{ "GB18030", "ECI 29 GB18030" },
		{ "EUC-KR", "ECI 30 EUC-KR" },
	};

	switch (eci) {
	case 0:
		cs->iconv = "CP437";
		cs->how = "ECI 0 CP437";
		return CS_OTHER;
	case 2:
		cs->iconv = "CP437";
		cs->how = "ECI 2 CP437";
		return CS_OTHER;
	case 1:
		cs->iconv = "ISO-8859-1";
		cs->how = "ECI 1 ISO-8859-1";
		return CS_LATIN1;
	}
	if (eci >= 3 && eci <= 18 && eci != 14) {
		cs->iconv = iso[eci - 3];
		cs->how = hows[eci - 3];
		return eci == 3 ? CS_LATIN1 : CS_OTHER;
	}
	if (eci >= 20 && eci <= 30) {
		*cs = other[eci - 20];
		return eci == 20 ? CS_SJIS : eci == 26 ? CS_UTF8 : CS_OTHER;
	}
	return CS_NONE;
}

/* TextDecoder::GuessEncoding of zxing-cpp 1.4 with ISO-8859-1 as its
 * fallback: CS_UTF8, CS_SJIS or CS_LATIN1. */
static int
guess(const unsigned char *p, size_t n)
{
	int utf8 = 1, sjis = 1, latin1 = 1, u_left = 0, u_multi = 0;
	int s_left = 0, kana = 0, cur_kana = 0, cur_dbl = 0, max_kana = 0;
	int max_dbl = 0;
	size_t i, high_other = 0;
	unsigned v;

	for (i = 0; i < n && (utf8 || sjis || latin1); i++) {
		v = p[i];
		if (utf8) {
			if (u_left > 0) {
				if ((v & 0x80) == 0)
					utf8 = 0;
				else
					u_left--;
			} else if (v & 0x80) {
				if ((v & 0x40) == 0 || (v & 0xf8) == 0xf8)
					utf8 = 0;
				else {
					u_multi++;
					u_left = (v & 0x20) == 0 ? 1 :
					    (v & 0x10) == 0 ? 2 : 3;
				}
			}
		}
		if (latin1) {
			if (v > 0x7f && v < 0xa0)
				latin1 = 0;
			else if (v > 0x9f && (v < 0xc0 || v == 0xd7 ||
			    v == 0xf7))
				high_other++;
		}
		if (sjis) {
			if (s_left > 0) {
				if (v < 0x40 || v == 0x7f || v > 0xfc)
					sjis = 0;
				else
					s_left--;
			} else if (v == 0x80 || v == 0xa0 || v > 0xef)
				sjis = 0;
			else if (v < 0x20 && v != '\n' && v != '\r')
				sjis = 0;
			else if (v > 0xa0 && v < 0xe0) {
				kana++;
				cur_dbl = 0;
				if (++cur_kana > max_kana)
					max_kana = cur_kana;
			} else if (v > 0x7f) {
				s_left++;
				cur_kana = 0;
				if (++cur_dbl > max_dbl)
					max_dbl = cur_dbl;
			} else
				cur_kana = cur_dbl = 0;
		}
	}
	if (u_left > 0)
		utf8 = 0;
	if (s_left > 0)
		sjis = 0;
	/* zxing-cpp wants a BOM and more than 3 bytes; a BOM is a
	 * multi-byte character of valid UTF-8 anyway. */
	if (utf8 && u_multi > 0)
		return CS_UTF8;
	if (sjis && (max_kana >= 3 || max_dbl >= 3))
		return CS_SJIS;
	if (latin1 && sjis)
		return (max_kana == 2 && kana == 2) || high_other * 10 >= n ?
		    CS_SJIS : CS_LATIN1;
	if (latin1)
		return CS_LATIN1;
	if (sjis)
		return CS_SJIS;
	if (utf8)
		return CS_UTF8;
	return CS_LATIN1;
}

struct buf {
	char *p;
	size_t len, cap;
};

static int
grow(struct buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	if (b->p != NULL && b->len + more + 1 <= b->cap)
		return 0;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		return IZIN_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Hand over b's text, NUL-terminated, when r (how making it went) is 0;
 * else free it and pass r on.  A text of no characters still gets its
 * buffer. */
static int
finish(struct buf *b, int r, char **out, size_t *outlen)
{
	if (r == 0)
		r = grow(b, 0);
	if (r < 0) {
		free(b->p);
		return r;
	}
	b->p[b->len] = '\0';
	*out = b->p;
	*outlen = b->len;
	return 0;
}

static int
put(struct buf *b, const char *p, size_t n)
{
	if (grow(b, n) < 0)
		return IZIN_ENOMEM;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* n bytes of one charset through cd, appended as UTF-8; a byte that
 * does not convert (or a character cut short at the end) becomes
 * U+FFFD and the conversion goes on after it.  sjis passes single bytes
 * below 0x80 through as ASCII (see SJIS_ICONV). */
static int
convert(struct buf *b, iconv_t cd, const unsigned char *p, size_t n,
        int sjis)
{
	char *in = (char *)p, *out;
	size_t inleft, outleft, step, r;

	while (n > 0) {
		if (sjis && *p < 0x80) {
			if (put(b, (const char *)p, 1) < 0)
				return IZIN_ENOMEM;
			p++;
			n--;
			continue;
		}
		/* Shift_JIS: one character at a time, so that its trail
		 * bytes (which may be below 0x80) stay with it. */
		step = !sjis ? n : (*p >= 0xa1 && *p <= 0xdf) || n < 2 ? 1 : 2;
		if (grow(b, 4 * step + 8) < 0)
			return IZIN_ENOMEM;
		in = (char *)p;
		inleft = step;
		out = b->p + b->len;
		outleft = b->cap - b->len - 1;
		r = iconv(cd, &in, &inleft, &out, &outleft);
		b->len = (size_t)(out - b->p);
		b->p[b->len] = '\0';
		n -= (size_t)((unsigned char *)in - p);
		p = (const unsigned char *)in;
		if (r != (size_t)-1) {
			/* A stateful charset's closing shift, if any. */
			out = b->p + b->len;
			outleft = b->cap - b->len - 1;
			iconv(cd, NULL, NULL, &out, &outleft);
			b->len = (size_t)(out - b->p);
			b->p[b->len] = '\0';
			continue;
		}
		if (errno == E2BIG)
			continue;
		if (put(b, "\xef\xbf\xbd", 3) < 0)
			return IZIN_ENOMEM;
		iconv(cd, NULL, NULL, NULL, NULL);
		if (sjis && step == 2 && (p[1] < 0x40 || p[1] == 0x7f)) {
			/* Not a trail byte: only the lead byte is bad. */
			p++;
			n--;
		} else if (sjis) {
			p += step;
			n -= step;
		} else {
			p++;
			n--;
		}
	}
	return 0;
}

/* The UTF-8 appended from byte from on made strict: glibc's UTF-8
 * decoder passes code points above U+10FFFF, so anything that is not a
 * strict UTF-8 character (NUL is one) becomes U+FFFD. */
static int
strict(struct buf *b, size_t from)
{
	unsigned char *t;
	size_t n = b->len - from, i, k;
	uint32_t cp;
	int r = 0;

	if (n == 0)
		return 0;
	if ((t = malloc(n)) == NULL)
		return IZIN_ENOMEM;
	memcpy(t, b->p + from, n);
	b->len = from;
	for (i = 0; i < n && r == 0; i += k) {
		k = t[i] == 0 ? 1 : izin_utf8_char(t + i, n - i, &cp);
		if (k == 0) {
			r = put(b, "\xef\xbf\xbd", 3);
			k = 1;
		} else
			r = put(b, (const char *)t + i, k);
	}
	free(t);
	return r;
}

/* The bytes of one charset; with no iconv for it, each byte at or above
 * 0x80 is U+FFFD (the text still reads where it is ASCII). */
static int
convert_cs(struct buf *b, const char *name, const unsigned char *p,
           size_t n)
{
	iconv_t cd;
	size_t i, from;
	int r;

	if (n == 0)
		return 0;
	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1) {
		if (errno == ENOMEM)
			return IZIN_ENOMEM;
		for (i = 0, r = 0; i < n && r == 0; i++)
			r = p[i] < 0x80 ? put(b, (const char *)p + i, 1) :
			    put(b, "\xef\xbf\xbd", 3);
		return r;
	}
	from = b->len;
	r = convert(b, cd, p, n, strcmp(name, SJIS_ICONV) == 0);
	iconv_close(cd);
	return r < 0 ? r : strict(b, from);
}

static const struct cs guessed[] = {
	{ "ISO-8859-1", "guessed ISO-8859-1" },
	{ SJIS_ICONV, "guessed Shift_JIS" },
	{ "UTF-8", "guessed UTF-8" },
};

/* The charset of segment s of q, given the guess for the code's byte
 * segments with no ECI. */
static struct cs
seg_charset(const izin_qrbits *q, const izin_qrseg *s, int g)
{
	struct cs cs = { "ISO-8859-1", "ISO-8859-1" };

	if (s->eci >= 0 && eci_charset(s->eci, &cs) != CS_NONE)
		return cs;
	if (s->mode == IZIN_QRSEG_KANJI) {
		cs.iconv = SJIS_ICONV;
		cs.how = "Kanji mode Shift_JIS";
	} else if (s->eci >= 0)
		cs = guessed[g];
	else if (q->has_eci)
		cs.how = "default ISO-8859-1";
	else
		cs = guessed[g];
	return cs;
}

int
izin_qrtext_utf8(const izin_qrbits *q, const char *bytes, size_t len,
                 char **out, size_t *outlen, const char **how)
{
	struct buf b = { NULL, 0, 0 }, gb = { NULL, 0, 0 };
	const char *first = NULL;
	const unsigned char *d;
	struct cs cs, next;
	size_t i, j, start, end;
	int g, r = 0;

	*out = NULL;
	*outlen = 0;
	if (how != NULL)
		*how = "ASCII";
	if (q == NULL) {
		for (i = 0; i < len && (unsigned char)bytes[i] < 0x80; i++)
			;
		/* ASCII reads the same in every guess: no iconv_open(),
		 * which costs more than the rest for a permit. */
		if (i == len) {
			r = put(&b, bytes, len);
			goto done;
		}
		g = guess((const unsigned char *)bytes, len);
		if ((r = grow(&b, 0)) == 0)
			r = convert_cs(&b, guessed[g].iconv,
			    (const unsigned char *)bytes, len);
		if (how != NULL)
			*how = guessed[g].how;
		goto done;
	}
	/* The byte segments left to the guess are guessed together, as
	 * zxing-cpp's Content::guessEncoding. */
	for (i = 0; i < q->nseg && r == 0; i++) {
		const izin_qrseg *s = &q->seg[i];
		struct cs t;

		if (s->mode == IZIN_QRSEG_BYTE && (s->eci < 0 ?
		    !q->has_eci : eci_charset(s->eci, &t) == CS_NONE))
			r = put(&gb, (const char *)q->data + s->off, s->len);
	}
	g = guess((const unsigned char *)gb.p, gb.len);
	free(gb.p);
	if (r == 0)
		r = grow(&b, 0);
	d = q->data;
	/* Runs of segments in one charset go through iconv together: a
	 * character may be split over two segments. */
	for (i = 0; i < q->nseg && r == 0; i = j) {
		const izin_qrseg *s = &q->seg[i];

		/* Digits and the 45 characters are characters, not bytes:
		 * ASCII under any ECI (zxing-cpp would run them through
		 * UTF-16BE too, making nonsense of them). */
		if (s->mode == IZIN_QRSEG_NUMERIC ||
		    s->mode == IZIN_QRSEG_ALNUM) {
			r = put(&b, (const char *)d + s->off, s->len);
			j = i + 1;
			continue;
		}
		cs = seg_charset(q, s, g);
		start = s->off;
		end = s->off + s->len;
		for (j = i + 1; j < q->nseg; j++) {
			if (q->seg[j].mode == IZIN_QRSEG_NUMERIC ||
			    q->seg[j].mode == IZIN_QRSEG_ALNUM)
				break;
			next = seg_charset(q, &q->seg[j], g);
			if (strcmp(next.iconv, cs.iconv) != 0 ||
			    q->seg[j].off != end)
				break;
			end += q->seg[j].len;
		}
		if (first == NULL && end > start)
			first = cs.how;
		r = convert_cs(&b, cs.iconv, d + start, end - start);
	}
	if (how != NULL && first != NULL)
		*how = first;
done:
	return finish(&b, r, out, outlen);
}

/* The iconv name zbar 0.23 gives an ECI it converts in binary mode, or
 * NULL for one it passes over (zbar/qrcode/qrdectxt.c). */
static const char *
zbar_name(long eci, char *buf, size_t size)
{
	if (eci == 0 || eci == 2)
		return "CP437";
	if (eci >= 1 && eci <= 18 && eci != 14) {
		snprintf(buf, size, "ISO8859-%ld", eci < 3 ? 1 : eci - 2);
		return buf;
	}
	if (eci == 20)
		return "SJIS";
	if (eci == 26)
		return "UTF-8";
	return NULL;
}

int
izin_qrtext_zbar(const izin_qrbits *q, char **out, size_t *outlen)
{
	struct buf b = { NULL, 0, 0 };
	char nbuf[16], *in, *o;
	const char *name = NULL;
	size_t i, j, start, end, inleft, outleft;
	iconv_t cd;
	int r = 0;

	*out = NULL;
	*outlen = 0;
	for (i = 0; i < q->nseg && r == 0; i = j) {
		const izin_qrseg *s = &q->seg[i];
		const char *n = s->eci >= 0 ? zbar_name(s->eci, nbuf,
		    sizeof nbuf) : NULL;

		/* zbar keeps the last ECI it knew over one it does not. */
		if (n != NULL || s->eci < 0)
			name = n;
		j = i + 1;
		if (name == NULL || s->mode == IZIN_QRSEG_NUMERIC ||
		    s->mode == IZIN_QRSEG_ALNUM) {
			r = put(&b, (const char *)q->data + s->off, s->len);
			continue;
		}
		start = s->off;
		end = s->off + s->len;
		while (j < q->nseg && q->seg[j].eci == s->eci &&
		    (q->seg[j].mode == IZIN_QRSEG_BYTE ||
		    q->seg[j].mode == IZIN_QRSEG_KANJI))
			end += q->seg[j++].len;
		if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
			r = IZIN_EINVAL;
		else {
			if ((r = grow(&b, 4 * (end - start) + 8)) == 0) {
				in = (char *)q->data + start;
				inleft = end - start;
				o = b.p + b.len;
				outleft = b.cap - b.len - 1;
				if (iconv(cd, &in, &inleft, &o, &outleft) ==
				    (size_t)-1)
					r = IZIN_EINVAL;
				b.len = (size_t)(o - b.p);
			}
			iconv_close(cd);
		}
	}
	return finish(&b, r, out, outlen);
}
