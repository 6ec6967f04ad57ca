/*
 * Strict text forms of key material, shared by key files, trust stores
 * and signed lists.
 */
#include <string.h>

#include <sodium.h>

#include "izin_internal.h"

/* Strict Base64 of exactly n bytes: what b64() writes and nothing else. */
int
izin_unb64(const char *s, size_t len, uint8_t *dst, size_t n)
{
	char again[256];
	size_t got;
	const char *end;

	if (len != sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) - 1 ||
	    len >= sizeof again)
		return IZIN_EINVAL;
	if (sodium_base642bin(dst, n, s, len, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != n || end != s + len)
		return IZIN_EINVAL;
	sodium_bin2base64(again, sizeof again, dst, n,
	                  sodium_base64_VARIANT_ORIGINAL);
	return memcmp(again, s, len) == 0 ? IZIN_OK : IZIN_EINVAL;
}

int
izin_parse_kid(const char *s, size_t len, uint8_t kid[IZIN_KID_LEN])
{
	size_t got;
	const char *end;

	if (len != IZIN_KID_HEXLEN)
		return IZIN_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return IZIN_EINVAL;
	if (sodium_hex2bin(kid, IZIN_KID_LEN, s, len, NULL, &got, &end) != 0 ||
	    got != IZIN_KID_LEN)
		return IZIN_EINVAL;
	return IZIN_OK;
}


int
izin_kid_parse(const char *s, size_t len, uint8_t kid[IZIN_KID_LEN])
{
	return izin_parse_kid(s, len, kid);
}
