/*
 * fuzz_checkpoint - checkpoint lines and device lines, as --checkpoint
 * and --enrol read them from files kept anywhere.  A line that
 * izin_checkpoint_parse() takes is the one spelling izin_checkpoint_format()
 * writes, and checking its signature only ever says yes or no; the same
 * for izin_device_parse() and izin_device_format().
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_ASSERT(izin_init() == IZIN_OK);
	return 0;
}

static void
one_line(const char *s, size_t len)
{
	static const uint8_t pk[IZIN_PK_LEN] = { 1 };
	char buf[IZIN_CHECKPOINT_MAX], dev[IZIN_DEVICE_LEN + 1];
	uint8_t key[IZIN_PK_LEN];
	izin_checkpoint cp;
	int n, err;

	if (izin_checkpoint_parse(s, len, &cp) == IZIN_OK) {
		n = izin_checkpoint_format(&cp, buf);
		FUZZ_ASSERT(n > 0 && n < IZIN_CHECKPOINT_MAX);
		FUZZ_ASSERT((size_t)n == len + 1 && memcmp(buf, s, len) == 0 &&
		    buf[len] == '\n');
		FUZZ_ASSERT(cp.dseq >= 1 && strlen(cp.device) == IZIN_DEVICE_LEN);
		err = izin_checkpoint_check(&cp, pk);
		FUZZ_ASSERT(err == IZIN_OK || err == IZIN_EBADSIG);
	}
	if (izin_device_parse(s, len, dev, key) == IZIN_OK) {
		n = izin_device_format(dev, key, buf);
		FUZZ_ASSERT(n > 0 && n < IZIN_DEVLINE_MAX);
		FUZZ_ASSERT((size_t)n == len + 1 && memcmp(buf, s, len) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *nl;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		one_line(s, (size_t)((nl ? nl : end) - s));
		s = nl ? nl + 1 : end;
	}
	return 0;
}
