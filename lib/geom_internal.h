/*
 * geom_internal.h - plane geometry for the QR geometry stage: projective
 * maps (lib/homog.c), the straightening of a distorted symbol onto a flat
 * grid (lib/geom.c), and the reading of a symbol's module grid as bits
 * (lib/qrbits.c).  Not installed, not part of the API.
 */
#ifndef GEOM_INTERNAL_H
#define GEOM_INTERNAL_H

#include <stddef.h>

#include "izin.h"

/* A plane projective map (homography), row-major 3 x 3 with m[8] = 1:
 * (x, y) -> ((m0 x + m1 y + m2) / w, (m3 x + m4 y + m5) / w),
 * w = m6 x + m7 y + 1. */
typedef struct izin_homog {
	double m[9];
} izin_homog;

/* The map taking src[i] to dst[i] for the four points; IZIN_EINVAL when
 * three points of either side lie on a line (no such map). */
int izin_homog_quad(const double src[4][2], const double dst[4][2],
                    izin_homog *h);
/* The least-squares map over n >= 4 pairs, each weighted by w[i] (NULL
 * for equal weights); IZIN_EINVAL when the points fix no map. */
int izin_homog_fit(const double (*src)[2], const double (*dst)[2],
                   const double *w, int n, izin_homog *h);
/* The image of (x, y); a point mapped to infinity goes to a huge value. */
void izin_homog_apply(const izin_homog *h, double x, double y, double *ox,
                      double *oy);

/* Solve the n x n system a x = b in place (a row-major with n + 1
 * columns, b the last), partial pivoting; -1 when it is singular. */
int izin_solve(double *a, int n, double *x);

/* The gray level of img at (x, y), bilinear between pixel centres (a
 * pixel's centre at + 0.5); a point off the image takes the nearest
 * edge's level, and NaN the corner's. */
double izin_gray_at(const izin_image *img, double x, double y);

/* Modules a side of a QR symbol of a version (1-40): 17 + 4 v. */
#define IZIN_QR_SIDE(v) (17 + 4 * (v))

/* What the geometry stage hands each straightened image to: 1 when it
 * read a code there (the stage then moves on to the next symbol), 0 when
 * not (it tries its next fit), or a negative IZIN_E... code to stop. */
typedef int (*izin_geom_try)(void *arg, const izin_image *flat);

/*
 * The geometry stage: find QR symbols in img by their finder patterns
 * (and alignment patterns), fit each symbol's geometry (a homography,
 * refined to a smooth mesh through the alignment-pattern grid and the
 * timing patterns for a curved page), resample it onto a flat, upright
 * image with a quiet zone, and hand that to try.  fine, when not NULL,
 * is the photo img was scaled down from, looked at last for codes too
 * small in img; without it a small img is looked at twice its size.
 * The number of symbols try read, or a negative IZIN_E... code.
 */
int izin_geom_straighten(const izin_image *img, const izin_image *fine,
                         izin_geom_try try, void *arg);

/* ---- Reading a symbol's module grid as bits (lib/qrbits.c) ---------- */

/* Segment modes (ISO/IEC 18004's mode indicators are not kept: these
 * are only what a segment's bytes are). */
enum {
	IZIN_QRSEG_NUMERIC,  /* ASCII digits */
	IZIN_QRSEG_ALNUM,    /* ASCII, the 45-character set (FNC1: '%' turned
	                      * to GS as the standard says) */
	IZIN_QRSEG_BYTE,     /* bytes as stored */
	IZIN_QRSEG_KANJI     /* Shift_JIS byte pairs, rebuilt from 13 bits */
};

typedef struct izin_qrseg {
	int mode;            /* IZIN_QRSEG_... */
	long eci;            /* the ECI designator in force, -1 for none */
	size_t off, len;     /* its bytes: data[off .. off + len) */
} izin_qrseg;

/* A symbol read to its segments. */
typedef struct izin_qrbits {
	int version;         /* 1-40 */
	int ecl;             /* 0 L, 1 M, 2 Q, 3 H */
	int mask;            /* 0-7 */
	int fnc1;            /* 0, 1 (first position) or 2 (second) */
	int fnc1_ai;         /* second position: the application indicator */
	int sa_index, sa_count, sa_parity; /* structured append; -1 if none */
	int has_eci;         /* an ECI designator anywhere */
	int corrected;       /* codewords Reed-Solomon corrected */
	size_t nseg;
	izin_qrseg *seg;     /* nseg segments in order (malloc'd) */
	unsigned char *data; /* every segment's bytes, concatenated, NUL
	                      * after the last (malloc'd) */
	size_t len;
} izin_qrbits;

/*
 * Read a QR symbol from its module matrix m (side x side bytes, row by
 * row, nonzero = dark, side = 17 + 4 v): format and version information
 * (the nearest valid code within 3 bits, either copy), unmasking, the
 * codewords in placement order, the blocks de-interleaved and corrected
 * (Reed-Solomon over GF(256)), then the segments.  0 and *q filled (free
 * with izin_qrbits_clear()); IZIN_EINVAL for a matrix that is not a
 * readable symbol (unknown format, too many errors, a malformed
 * bitstream), IZIN_ENOMEM.  *q is zeroed on failure.
 */
int izin_qrbits_read(const unsigned char *m, int side, izin_qrbits *q);
/* The segments of a bitstream of n data codewords (version 1-40 sets
 * the character count widths); 0 or IZIN_EINVAL / IZIN_ENOMEM as
 * izin_qrbits_read(), which calls it.  For the tests. */
int izin_qrbits_parse(const unsigned char *data, size_t n, int version,
                      izin_qrbits *q);
/* Version v at level ecl (0 L .. 3 H): its blocks (*nb, *nshort of
 * them one codeword short), parity codewords a block (*ne), and the
 * module (y * side + x) of each codeword bit, most significant first,
 * in order[] (room for the return value * 8).  The number of
 * codewords, or IZIN_EINVAL.  For the tests, which damage codewords. */
int izin_qrbits_layout(int v, int ecl, int *nb, int *ne, int *nshort,
                       int *order);
/* Free what *q holds and zero it; a zeroed *q is fine. */
void izin_qrbits_clear(izin_qrbits *q);

/*
 * Read the symbol zbar found at the quadrilateral pts (4 points, image
 * coordinates, zbar's order: its module-space corners top-left,
 * bottom-left, bottom-right, top-right, though any order and mirror
 * image are tried) in img, and keep the reading only when its bytes
 * match what zbar gave (want, wantlen): every segment's bytes
 * concatenated, or, for a code whose ECI zbar honours, their text as
 * UTF-8.  0 and *q filled, IZIN_EINVAL when no matching reading was
 * found, IZIN_ENOMEM.
 */
int izin_qrbits_sample(const izin_image *img, const double pts[4][2],
                       const char *want, size_t wantlen, izin_qrbits *q);

/*
 * The text of a code as UTF-8 (NUL-terminated, malloc'd, in *out, its
 * length in *outlen): from the segments of q when it is not NULL, else
 * from the bytes alone (the guess below on all of them).  Each segment
 * in its charset: the ECI in force (the ECI registry's assignments, as
 * ZXing's CharacterSetECI), Shift_JIS for Kanji mode, ASCII for numeric
 * and alphanumeric; byte segments with no ECI in force are ISO-8859-1
 * when the code has an ECI elsewhere, otherwise all of them together
 * are guessed as ZXing does (a UTF-8 BOM or valid UTF-8 with a
 * multi-byte character, then Shift_JIS by its heuristics, else
 * ISO-8859-1).  Bytes that do not convert become U+FFFD.  *how, when
 * not NULL, gets a static phrase naming the charset chosen ("ECI 20
 * Shift_JIS", "guessed UTF-8", ...).  0 or IZIN_ENOMEM.
 */
int izin_qrtext_utf8(const izin_qrbits *q, const char *bytes, size_t len,
                     char **out, size_t *outlen, const char **how);
/* What zbar 0.23 makes of q's segments in binary mode: those under an
 * ECI it knows (0-18 but 14, 20, 26) converted with its iconv names
 * ("SJIS" makes 0x5c YEN SIGN), the rest as stored.  0 and *out
 * (malloc'd, NUL-terminated, *outlen bytes), IZIN_EINVAL when a
 * conversion fails (zbar drops such a code), IZIN_ENOMEM. */
int izin_qrtext_zbar(const izin_qrbits *q, char **out, size_t *outlen);

#endif
