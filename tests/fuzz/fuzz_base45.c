/*
 * fuzz_base45 - Base45 (RFC 9285) both ways.  Text that decodes is the
 * one encoding of its bytes (re-encoding gives it back); any bytes
 * encode to enclen() characters that decode to the same bytes.  Buffers
 * are exactly the size the header promises, so AddressSanitizer sees a
 * byte written past it.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *dec, *back;
	char *text;
	size_t n = izin_base45_enclen(size), got = (size_t)-1;
	int err;

	/* n >= size, so text holds both encodings. */
	dec = malloc(size * 2 / 3);
	back = malloc(size);
	text = malloc(n + 1);
	FUZZ_ASSERT(dec != NULL && back != NULL && text != NULL);

	err = izin_base45_decode((const char *)data, size, dec, &got);
	FUZZ_ASSERT(err == IZIN_OK || err == IZIN_EBASE45);
	if (err == IZIN_OK) {
		FUZZ_ASSERT(got == size * 2 / 3);
		FUZZ_ASSERT(izin_base45_enclen(got) == size);
		izin_base45_encode(dec, got, text);
		FUZZ_ASSERT(memcmp(text, data, size) == 0 &&
		    text[size] == '\0');
	}

	izin_base45_encode(data, size, text);
	FUZZ_ASSERT(strlen(text) == n);
	FUZZ_ASSERT(izin_base45_decode(text, n, back, &got) == IZIN_OK);
	FUZZ_ASSERT(got == size && memcmp(back, data, size) == 0);

	free(dec);
	free(text);
	free(back);
	return 0;
}
