#include "izin_internal.h"

/* C1 controls, the line and paragraph separators (newlines by another
 * name), and the characters that reorder text around them: a name that
 * holds U+202E can print as a different name than the one sealed. */
static int
forbidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c ||
	    cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Invalid UTF-8 anywhere wins over a control character anywhere, so the
 * answer does not depend on which comes first: bytes that are not text
 * at all are the graver fault.
 */
int
izin_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, n;
	uint32_t cp, min;
	int ctrl = 0;

	for (i = 0; i < len; i += n + 1) {
		n = 0;
		if (p[i] < 0x80) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				ctrl = 1;
			continue;
		}
		/* 80-BF only continue a sequence, C0 and C1 would start an
		 * overlong one, F5-FF one above U+10FFFF or none at all. */
		if (p[i] < 0xc2 || p[i] > 0xf4)
			return IZIN_EUTF8;
		if (p[i] < 0xe0) {
			n = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if (p[i] < 0xf0) {
			n = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else {
			n = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		}
		if (len - i - 1 < n)
			return IZIN_EUTF8;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return IZIN_EUTF8;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return IZIN_EUTF8;
		if (forbidden(cp))
			ctrl = 1;
	}
	return ctrl ? IZIN_ECTRL : IZIN_OK;
}
