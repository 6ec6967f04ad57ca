/*
 * Sealing a permit (sign, then the "IZ:" + Base45 text form) and opening
 * one from the text a QR code gave.
 */
#include <string.h>

#include "izin_internal.h"

#define DOMAIN_LEN (sizeof IZIN_DOMAIN_PERMIT - 1)

int
izin_seal_check(const izin_pubkey *pub, const izin_permit *p, int *field)
{
	int err;

	if (field)
		*field = IZIN_F_NONE;
	if ((err = izin_permit_check(p, field)) != IZIN_OK)
		return err;
	if (pub->role != IZIN_ROLE_OFFICE)
		return IZIN_EROLE;
	if (strcmp(p->office, pub->office) != 0) {
		if (field)
			*field = IZIN_F_OFFICE;
		return IZIN_EOFFICE;
	}
	if (p->issued < pub->valid_from || p->issued > pub->valid_until) {
		if (field)
			*field = IZIN_F_ISSUED;
		return IZIN_EKEYWINDOW;
	}
	return IZIN_OK;
}

int
izin_seal(const izin_seckey *sk, const izin_permit *p, char *text, int *field)
{
	uint8_t buf[IZIN_SEALED_MAX];
	izin_pubkey pub;
	int n, err;

	izin_seckey_public(sk, &pub);
	if ((err = izin_seal_check(&pub, p, field)) != IZIN_OK)
		return err;
	if ((n = izin_permit_encode(p, pub.kid, buf)) < 0)
		return n;
	if ((err = izin_sign_detached(sk, IZIN_DOMAIN_PERMIT, DOMAIN_LEN, buf,
	                              (size_t)n, buf + n)) != IZIN_OK)
		return err;
	memcpy(text, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_base45_encode(buf, (size_t)n + IZIN_SIG_LEN, text + IZIN_PREFIX_LEN);
	return (int)(IZIN_PREFIX_LEN + izin_base45_enclen((size_t)n + IZIN_SIG_LEN));
}

int
izin_open(const izin_trust *t, const char *text, size_t len, izin_permit *p,
          uint8_t kid[IZIN_KID_LEN], int *field)
{
	uint8_t buf[IZIN_SEALED_MAX + 2], k[IZIN_KID_LEN];
	const izin_pubkey *key;
	size_t n;
	int err;

	memset(p, 0, sizeof *p);
	if (field)
		*field = IZIN_F_NONE;
	if (len < IZIN_PREFIX_LEN || memcmp(text, IZIN_PREFIX, IZIN_PREFIX_LEN))
		return IZIN_EFOREIGN;
	text += IZIN_PREFIX_LEN, len -= IZIN_PREFIX_LEN;
	/* Longer than any permit can be: refuse before decoding. */
	if (len > izin_base45_enclen(IZIN_SEALED_MAX))
		return IZIN_ETRAILING;
	if (izin_base45_decode(text, len, buf, &n) != IZIN_OK)
		return IZIN_EBASE45;
	if (n <= IZIN_SIG_LEN)
		return n > 0 && buf[0] != IZIN_PAYLOAD_VERSION ? IZIN_EVERSION
		                                               : IZIN_ETRUNC;
	if ((err = izin_permit_decode(buf, n - IZIN_SIG_LEN, p, k, field)) != 0)
		return err;
	if (kid)
		memcpy(kid, k, IZIN_KID_LEN);
	err = izin_trust_verify(t, k, IZIN_DOMAIN_PERMIT, DOMAIN_LEN, buf,
	                        n - IZIN_SIG_LEN, buf + n - IZIN_SIG_LEN,
	                        IZIN_ROLE_OFFICE, p->issued, p->office, &key);
	if (field && (err == IZIN_EKEYWINDOW || err == IZIN_EWITHDRAWN))
		*field = IZIN_F_ISSUED;
	if (field && err == IZIN_EOFFICE)
		*field = IZIN_F_OFFICE;
	if (err)
		return err;
	return IZIN_OK;
}
