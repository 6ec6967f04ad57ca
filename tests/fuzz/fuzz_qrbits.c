/*
 * fuzz_qrbits - a QR symbol's grid and bitstream read from any bytes
 * (qrbits.c), and any text put into UTF-8 (qrtext.c).  The first byte
 * chooses: a bitstream for a version, a module matrix of a side, or
 * bytes to guess.  A reading is refused or whole: its segments inside
 * its bytes, those NUL-terminated; the UTF-8 is always strict UTF-8.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"
#include "geom_internal.h"

static void
check_utf8(const izin_qrbits *q, const uint8_t *data, size_t size)
{
	const char *how = NULL;
	char *u;
	size_t n, i, k;
	uint32_t cp;

	FUZZ_ASSERT(izin_qrtext_utf8(q, (const char *)data, size, &u, &n,
	    &how) == IZIN_OK);
	FUZZ_ASSERT(u != NULL && u[n] == '\0' && how != NULL);
	for (i = 0; i < n; i += k) {
		k = u[i] == '\0' ? 1 :
		    izin_utf8_char((const unsigned char *)u + i, n - i, &cp);
		FUZZ_ASSERT(k > 0);
	}
	free(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	izin_qrbits q;
	size_t i;
	int r, side;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		r = izin_qrbits_parse(data + 1, size - 1, data[0] / 3 % 40 + 1,
		    &q);
		break;
	case 1:
		side = 17 + 4 * (data[0] / 3 % 40 + 1);
		if (size - 1 < (size_t)side * side)
			return 0;
		r = izin_qrbits_read(data + 1, side, &q);
		break;
	default:
		check_utf8(NULL, data + 1, size - 1);
		return 0;
	}
	FUZZ_ASSERT(r == IZIN_OK || r == IZIN_EINVAL);
	if (r == IZIN_OK) {
		FUZZ_ASSERT(q.data != NULL && q.data[q.len] == '\0');
		for (i = 0; i < q.nseg; i++)
			FUZZ_ASSERT(q.seg[i].off + q.seg[i].len <= q.len);
		check_utf8(&q, NULL, 0);
	} else
		FUZZ_ASSERT(q.data == NULL && q.nseg == 0);
	izin_qrbits_clear(&q);
	return 0;
}
