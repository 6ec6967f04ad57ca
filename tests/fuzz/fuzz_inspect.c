/*
 * fuzz_inspect - izin_payload_dissect() on the input as a code's text,
 * and on "IZ:" and the input in Base45 (past the text layer).
 * Invariants: every part lies inside the decoded bytes and the text; the
 * fault (if any) lies inside them too; the dissection decodes exactly
 * when izin_open() gets past decoding, with the same error when it does
 * not; and the key tries agree with izin_open()'s verdict.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

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

/* An error of the seal, not of the decoding. */
static int
seal_error(int err)
{
	return err == IZIN_OK || err == IZIN_EBADSIG ||
	    err == IZIN_EUNKNOWNKEY || err == IZIN_EKEYWINDOW ||
	    err == IZIN_EOFFICE || err == IZIN_EWITHDRAWN || err == IZIN_EROLE;
}

static void
dissect(const char *text, size_t len)
{
	static izin_dissection d;
	izin_keytry tries[4];
	izin_permit p;
	int err, n;

	izin_payload_dissect(text, len, &d);
	FUZZ_ASSERT(d.n <= IZIN_PARTS_MAX && d.nbytes <= sizeof d.bytes);
	FUZZ_ASSERT(d.bodylen <= d.nbytes);
	for (size_t i = 0; i < d.n; i++) {
		const izin_part *pt = &d.part[i];
		FUZZ_ASSERT(pt->name != NULL);
		FUZZ_ASSERT(pt->toff + pt->tlen <= len);
		FUZZ_ASSERT(strlen(pt->value) <= IZIN_PART_VALUE_MAX);
		if (pt->off >= 0)
			FUZZ_ASSERT((size_t)pt->off + pt->len <= d.nbytes);
	}
	FUZZ_ASSERT(d.err <= 0 && d.field >= IZIN_F_NONE &&
	    d.field < IZIN_F_COUNT);
	FUZZ_ASSERT(d.toff <= len);
	FUZZ_ASSERT(d.off < 0 || (size_t)d.off <= d.nbytes);

	err = izin_open(trust, text, len, &p, NULL, NULL);
	if (seal_error(err)) {
		FUZZ_ASSERT(d.err == IZIN_OK);
		FUZZ_ASSERT(memcmp(&d.p, &p, sizeof p) == 0);
		n = izin_payload_try_keys(trust, &d, tries, 4);
		FUZZ_ASSERT(n >= 0);
		FUZZ_ASSERT((n == 0) == (err == IZIN_EUNKNOWNKEY));
		FUZZ_ASSERT((err == IZIN_OK) == (n > 0 &&
		    tries[0].verdict == IZIN_OK));
	} else {
		FUZZ_ASSERT(d.err == err);
		FUZZ_ASSERT(izin_payload_try_keys(trust, &d, tries, 4) ==
		    IZIN_EINVAL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t n;

	dissect((const char *)data, size);

	n = izin_base45_enclen(size);
	FUZZ_ASSERT((text = malloc(IZIN_PREFIX_LEN + n + 1)) != NULL);
	memcpy(text, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_base45_encode(data, size, text + IZIN_PREFIX_LEN);
	dissect(text, IZIN_PREFIX_LEN + n);
	free(text);
	return 0;
}
