#include "izin.h"

static const char alphabet[45] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Each character's value plus one, so that the zero every other entry
 * gets by default means "not in the alphabet". */
static const uint8_t decode_table[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16, ['G'] = 17, ['H'] = 18, ['I'] = 19, ['J'] = 20,
	['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24, ['O'] = 25,
	['P'] = 26, ['Q'] = 27, ['R'] = 28, ['S'] = 29, ['T'] = 30,
	['U'] = 31, ['V'] = 32, ['W'] = 33, ['X'] = 34, ['Y'] = 35,
	['Z'] = 36, [' '] = 37, ['$'] = 38, ['%'] = 39, ['*'] = 40,
	['+'] = 41, ['-'] = 42, ['.'] = 43, ['/'] = 44, [':'] = 45
};

size_t
izin_base45_enclen(size_t n)
{
	return n / 2 * 3 + n % 2 * 2;
}

void
izin_base45_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i;
	unsigned v;

	for (i = 0; i + 1 < n; i += 2) {
		v = (unsigned)in[i] << 8 | in[i + 1];
		*out++ = alphabet[v % 45];
		v /= 45;
		*out++ = alphabet[v % 45];
		*out++ = alphabet[v / 45];
	}
	if (i < n) {
		v = in[i];
		*out++ = alphabet[v % 45];
		*out++ = alphabet[v / 45];
	}
	*out = '\0';
}

int
izin_base45_decode(const char *in, size_t len, uint8_t *out, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	uint8_t *o = out;
	unsigned c, d, e, v;
	size_t i;

	if (len % 3 == 1)
		return IZIN_EBASE45;
	for (i = 0; len - i >= 3; i += 3) {
		c = decode_table[s[i]];
		d = decode_table[s[i + 1]];
		e = decode_table[s[i + 2]];
		if (c == 0 || d == 0 || e == 0)
			return IZIN_EBASE45;
		v = (c - 1) + (d - 1) * 45 + (e - 1) * 45 * 45;
		if (v > 0xffff)
			return IZIN_EBASE45;
		*o++ = v >> 8;
		*o++ = v & 0xff;
	}
	if (i < len) {
		c = decode_table[s[i]];
		d = decode_table[s[i + 1]];
		if (c == 0 || d == 0)
			return IZIN_EBASE45;
		v = (c - 1) + (d - 1) * 45;
		if (v > 0xff)
			return IZIN_EBASE45;
		*o++ = v;
	}
	*outlen = o - out;
	return IZIN_OK;
}
