/*
 * fuzz_image - the image loaders (PNG, JPEG with its EXIF orientation,
 * binary PNM) and the QR decoder behind izin_scan().  An image that
 * loads has a size within the limit and every pixel is read; one of at
 * most 512 x 512 pixels is scanned, and each code found that looks like
 * a sealed payload is opened against the fixed trust store.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

#define SCAN_SIDE_MAX 512

static izin_seckey *sk;
static izin_trust *trust;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixed_key(&sk, &trust);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	izin_image *img;
	izin_codes *codes;
	izin_permit p;
	size_t i, n;
	unsigned sum = 0;
	int err, field;

	err = izin_image_load(data, size, &img);
	if (err != IZIN_OK) {
		FUZZ_ASSERT(img == NULL);
		FUZZ_ASSERT(err == IZIN_EFORMAT || err == IZIN_EIMAGE ||
		    err == IZIN_ETOOBIG || err == IZIN_ENOMEM);
		return 0;
	}
	FUZZ_ASSERT(img != NULL && img->gray != NULL);
	FUZZ_ASSERT(img->width > 0 && img->height > 0 &&
	    (long)img->width * img->height <= IZIN_PIXELS_MAX);
	n = (size_t)img->width * (size_t)img->height;
	for (i = 0; i < n; i++)
		sum += img->gray[i];
	__asm__ volatile("" : : "r"(sum));

	if (img->width <= SCAN_SIDE_MAX && img->height <= SCAN_SIDE_MAX) {
		FUZZ_ASSERT(izin_scan(img, &codes) == IZIN_OK);
		for (i = 0; i < codes->n; i++) {
			FUZZ_ASSERT(codes->text[i][codes->len[i]] == '\0');
			err = izin_open(trust, codes->text[i], codes->len[i],
			    &p, NULL, &field);
			FUZZ_ASSERT(err <= 0);
		}
		izin_codes_free(codes);
	}
	izin_image_free(img);
	return 0;
}
