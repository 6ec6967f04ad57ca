/*
 * fuzz_payload - the sealed payload: izin_open() on the input as the text
 * a QR code gave, izin_permit_decode() on it as a raw body, and
 * izin_open() on "IZ:" and the input in Base45 (a body and a signature,
 * past the text layer).  Invariants: only a text our own key sealed opens
 * (re-sealing the permit it gives yields the very same text: the fuzzer
 * cannot forge); a body that decodes re-encodes to the same bytes, passes
 * izin_permit_check() and survives a trip through a record; a decoded
 * permit the key may sign seals and opens again.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

static izin_seckey *sk;
static izin_trust *trust;
static izin_pubkey pub;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixed_key(&sk, &trust);
	izin_seckey_public(sk, &pub);
	return 0;
}

static int
field_ok(int field)
{
	return field >= IZIN_F_NONE && field < IZIN_F_COUNT;
}

static void
open_text(const char *text, size_t len)
{
	char again[IZIN_TEXT_MAX + 1];
	izin_permit p;
	uint8_t kid[IZIN_KID_LEN];
	int err, field = -99, n;

	err = izin_open(trust, text, len, &p, kid, &field);
	FUZZ_ASSERT(err <= 0 && field_ok(field));
	if (err == IZIN_OK) {
		FUZZ_ASSERT(field == IZIN_F_NONE);
		FUZZ_ASSERT(memcmp(kid, pub.kid, IZIN_KID_LEN) == 0);
		n = izin_seal(sk, &p, again, &field);
		FUZZ_ASSERT(n > 0 && (size_t)n == len &&
		    memcmp(again, text, len) == 0);
		return;
	}
	/* A failed seal still shows what the payload claims: a permit
	 * that passes every field check. */
	if (err == IZIN_EBADSIG || err == IZIN_EUNKNOWNKEY ||
	    err == IZIN_EKEYWINDOW || err == IZIN_EOFFICE)
		FUZZ_ASSERT(izin_permit_check(&p, NULL) == IZIN_OK);
}

static void
decode_body(const uint8_t *data, size_t size)
{
	uint8_t again[IZIN_BODY_MAX], kid[IZIN_KID_LEN], kid2[IZIN_KID_LEN];
	char text[IZIN_TEXT_MAX + 1];
	izin_permit p, q;
	izin_record *r;
	int err, field = -99, n;

	err = izin_permit_decode(data, size, &p, kid, &field);
	FUZZ_ASSERT(err <= 0 && field_ok(field));
	if (err != IZIN_OK)
		return;
	FUZZ_ASSERT(field == IZIN_F_NONE);
	FUZZ_ASSERT(izin_permit_check(&p, NULL) == IZIN_OK);
	n = izin_permit_encode(&p, kid, again);
	FUZZ_ASSERT(n > 0 && (size_t)n == size &&
	    memcmp(again, data, size) == 0);

	/* Through a record and back: the same body. */
	FUZZ_ASSERT((r = izin_record_new()) != NULL);
	FUZZ_ASSERT(izin_record_from_permit(r, &p) == IZIN_OK);
	FUZZ_ASSERT(izin_record_to_permit(r, &q, &field) == IZIN_OK);
	izin_record_free(r);
	n = izin_permit_encode(&q, kid, again);
	FUZZ_ASSERT(n > 0 && (size_t)n == size &&
	    memcmp(again, data, size) == 0);

	/* A permit the key may sign: seal it and open it again. */
	if (izin_seal_check(&pub, &p, &field) != IZIN_OK)
		return;
	n = izin_seal(sk, &p, text, &field);
	FUZZ_ASSERT(n > 0 && n <= IZIN_TEXT_MAX);
	FUZZ_ASSERT(izin_open(trust, text, (size_t)n, &q, kid2, &field) ==
	    IZIN_OK);
	FUZZ_ASSERT(memcmp(kid2, pub.kid, IZIN_KID_LEN) == 0);
	n = izin_permit_encode(&q, pub.kid, again);
	FUZZ_ASSERT(n > 0 && (size_t)n == size &&
	    memcmp(again + 1 + IZIN_KID_LEN, data + 1 + IZIN_KID_LEN,
	    size - 1 - IZIN_KID_LEN) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t n;

	open_text((const char *)data, size);
	decode_body(data, size);

	/* Past the text layer: the input as the sealed bytes. */
	n = izin_base45_enclen(size);
	FUZZ_ASSERT((text = malloc(IZIN_PREFIX_LEN + n + 1)) != NULL);
	memcpy(text, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_base45_encode(data, size, text + IZIN_PREFIX_LEN);
	open_text(text, IZIN_PREFIX_LEN + n);
	free(text);
	return 0;
}
