/*
 * render_font.h - the bitmap font and the label geometry that the image
 * renderers (lib/render.c) share with the font (lib/font.c) and the unit
 * tests.  Not installed, not part of the API.
 */
#ifndef RENDER_FONT_H
#define RENDER_FONT_H

#include <stddef.h>
#include <stdint.h>

/* Glyphs are 5 font pixels wide and 9 high: capitals and digits on rows
 * 0-6 (the baseline is under row 6), descenders on rows 7 and 8.  A
 * character advances 6 font pixels; a label line is 11 rows high, the
 * first two of them empty. */
#define IZIN_FONT_W 5
#define IZIN_FONT_H 9
#define IZIN_FONT_ASCENT 7
#define IZIN_FONT_ADVANCE 6
#define IZIN_FONT_LEADING 2
#define IZIN_FONT_LINE (IZIN_FONT_LEADING + IZIN_FONT_H)
/* Font pixels of paper under the last label line, and at least on
 * either side of the widest one. */
#define IZIN_LABEL_PAD 2

/* Image pixels per font pixel at a module scale: half the module, so a
 * line of text is about as tall as five modules. */
#define IZIN_FONT_SCALE(scale) ((scale) / 2 > 1 ? (scale) / 2 : 1)

/* Rows of the glyph for c into rows[], bit 4 the leftmost column.  c is
 * printable ASCII (0x20-0x7e); anything else draws '?'. */
void izin_font_glyph(int c, unsigned char rows[IZIN_FONT_H]);

/* Decode one character from s (len > 0 bytes): its code point goes to
 * *cp and the count of bytes it took is returned.  A byte that does not
 * start a valid, shortest-form sequence takes one byte and gives
 * U+FFFD. */
size_t izin_utf8_next(const char *s, size_t len, uint32_t *cp);

/* Printable ASCII for one code point into out (no NUL); returns 0 to 2
 * bytes.  ASCII stays, Latin letters with diacritics lose them (É E,
 * ñ n, ø o, ß ss, Æ AE, Þ TH), combining marks vanish, controls and
 * anything else become '?'. */
size_t izin_translit_cp(uint32_t cp, char out[2]);

/* Transliterate the UTF-8 text s (len bytes) into out, which needs len
 * bytes: no character ever grows.  Returns the length; no NUL added. */
size_t izin_translit(const char *s, size_t len, char *out);

#endif
