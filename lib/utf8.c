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

size_t
izin_utf8_char(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	/* 80-BF only continue a sequence, C0 and C1 would start an overlong
	 * one, F5-FF one above U+10FFFF or none at all. */
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	if (s[0] < 0xe0)
		n = 1, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] < 0xf0)
		n = 2, c = s[0] & 0x0f, min = 0x800;
	else
		n = 3, c = s[0] & 0x07, min = 0x10000;
	if (left - 1 < n)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n + 1;
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
	size_t i, n;
	uint32_t cp;
	int ctrl = 0;

	for (i = 0; i < len; i += n) {
		if ((n = izin_utf8_char(p + i, len - i, &cp)) == 0)
			return IZIN_EUTF8;
		if (cp < 0x20 || cp == 0x7f || forbidden(cp))
			ctrl = 1;
	}
	return ctrl ? IZIN_ECTRL : IZIN_OK;
}
