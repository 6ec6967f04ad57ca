/*
 * checkpoint.c - a device's signed statement of its chain head, and the
 * one-line form of a device's public key (report-log(1), CHECKPOINTS).
 *
 *   izin-checkpoint DEVICE DSEQ HASH TIME SIG
 *   izin-device DEVICE PK
 *
 * One spelling each (lowercase hex, canonical Base64, a UTC time with Z,
 * a dseq without leading zeros), so that a checkpoint line kept on paper
 * or in an e-mail compares byte for byte with the one a log prints.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "izin_internal.h"

#define CP_WORD "izin-checkpoint"
#define DEV_WORD "izin-device"
/* What the signature covers first: the line's own word and version. */
#define CP_DOMAIN "izin-checkpoint 1\n"
#define TIME_LEN 20         /* "YYYY-MM-DDTHH:MM:SSZ" */
#define B64_SIG sodium_base64_ENCODED_LEN(IZIN_SIG_LEN, \
                                          sodium_base64_VARIANT_ORIGINAL)
#define B64_PK sodium_base64_ENCODED_LEN(IZIN_PK_LEN, \
                                         sodium_base64_VARIANT_ORIGINAL)

/* len bytes of lowercase hex digits, and nothing else. */
static int
all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
device_ok(const char *s, size_t len)
{
	return len == IZIN_DEVICE_LEN && all_hex(s, len);
}

/* An instant as "YYYY-MM-DDTHH:MM:SSZ" (out: TIME_LEN + 1 bytes). */
static void
time_format(int64_t t, char *out)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t s = t - days * 86400;
	char d[IZIN_DATE_LEN + 1];

	izin_date_format((izin_date)days, d);
	/* s is within a day, so each field is two digits. */
	snprintf(out, TIME_LEN + 1, "%.10sT%02u:%02u:%02uZ", d,
	         (unsigned)(s / 3600) % 24u, (unsigned)(s / 60 % 60) % 60u,
	         (unsigned)(s % 60) % 60u);
}

/* The text a signature covers, after CP_DOMAIN: the line up to the space
 * before SIG (into buf, IZIN_CHECKPOINT_MAX bytes); its length, or 0 for
 * a checkpoint that cannot be written (a bad device, dseq or time). */
static size_t
cp_body(const izin_checkpoint *cp, char *buf)
{
	char hash[2 * IZIN_LOG_HASH_LEN + 1], when[TIME_LEN + 1];

	if (!device_ok(cp->device, strnlen(cp->device, IZIN_DEVICE_LEN + 1)) ||
	    cp->dseq < 1 || cp->time < -2208988800LL ||
	    cp->time > 7258118399LL)        /* 1900 to 2199, as dates are */
		return 0;
	time_format(cp->time, when);
	sodium_bin2hex(hash, sizeof hash, cp->hash, IZIN_LOG_HASH_LEN);
	return (size_t)snprintf(buf, IZIN_CHECKPOINT_MAX, CP_WORD " %s %lld %s %s",
	                        cp->device, (long long)cp->dseq, hash, when);
}

int
izin_checkpoint_sign(const izin_seckey *sk, izin_checkpoint *cp)
{
	char body[IZIN_CHECKPOINT_MAX];
	izin_pubkey pub;
	size_t n;

	izin_seckey_public(sk, &pub);
	if (pub.role != IZIN_ROLE_DEVICE)
		return IZIN_EROLE;
	if ((n = cp_body(cp, body)) == 0)
		return IZIN_EINVAL;
	return izin_sign_detached(sk, CP_DOMAIN, sizeof CP_DOMAIN - 1,
	                          (const uint8_t *)body, n, cp->sig);
}

int
izin_checkpoint_check(const izin_checkpoint *cp, const uint8_t pk[IZIN_PK_LEN])
{
	uint8_t msg[sizeof CP_DOMAIN - 1 + IZIN_CHECKPOINT_MAX];
	size_t n;

	if ((n = cp_body(cp, (char *)msg + sizeof CP_DOMAIN - 1)) == 0)
		return IZIN_EBADSIG;
	memcpy(msg, CP_DOMAIN, sizeof CP_DOMAIN - 1);
	if (crypto_sign_verify_detached(cp->sig, msg, sizeof CP_DOMAIN - 1 + n,
	                                pk) != 0)
		return IZIN_EBADSIG;
	return IZIN_OK;
}

int
izin_checkpoint_format(const izin_checkpoint *cp, char *buf)
{
	char sig[B64_SIG];
	size_t n;

	if ((n = cp_body(cp, buf)) == 0)
		return IZIN_EINVAL;
	sodium_bin2base64(sig, sizeof sig, cp->sig, IZIN_SIG_LEN,
	                  sodium_base64_VARIANT_ORIGINAL);
	return (int)n + snprintf(buf + n, IZIN_CHECKPOINT_MAX - n, " %s\n", sig);
}

/* A decimal of 1 to 18 digits, no sign (a leading zero is left to the
 * spelling check). */
static int
parse_dseq(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;

	if (len == 0 || len > 18)
		return IZIN_ELIST;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return IZIN_ELIST;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return IZIN_OK;
}

int
izin_checkpoint_parse(const char *line, size_t len, izin_checkpoint *cp)
{
	char body[IZIN_CHECKPOINT_MAX];
	const char *w[6];
	size_t wl[6], n;

	memset(cp, 0, sizeof *cp);
	if (len >= IZIN_CHECKPOINT_MAX ||
	    izin_split_words(line, len, w, wl, 6) != IZIN_OK ||
	    wl[1] != IZIN_DEVICE_LEN || parse_dseq(w[2], wl[2], &cp->dseq) ||
	    wl[3] != 2 * IZIN_LOG_HASH_LEN ||
	    sodium_hex2bin(cp->hash, IZIN_LOG_HASH_LEN, w[3], wl[3], NULL,
	                   NULL, NULL) != 0 ||
	    izin_time_parse(w[4], wl[4], &cp->time) != IZIN_OK ||
	    izin_unb64(w[5], wl[5], cp->sig, IZIN_SIG_LEN) != IZIN_OK)
		return IZIN_ELIST;
	memcpy(cp->device, w[1], IZIN_DEVICE_LEN);
	cp->device[IZIN_DEVICE_LEN] = '\0';
	/* The one spelling: the line up to SIG must be what the writer
	 * writes for these values (its word, lowercase hex, no leading
	 * zero, a UTC time with Z). */
	if ((n = cp_body(cp, body)) == 0 || n != (size_t)(w[5] - 1 - line) ||
	    memcmp(body, line, n) != 0)
		return IZIN_ELIST;
	return IZIN_OK;
}

int
izin_device_format(const char *device, const uint8_t pk[IZIN_PK_LEN],
                   char *buf)
{
	char b64[B64_PK];

	sodium_bin2base64(b64, sizeof b64, pk, IZIN_PK_LEN,
	                  sodium_base64_VARIANT_ORIGINAL);
	return snprintf(buf, IZIN_DEVLINE_MAX, DEV_WORD " %.*s %s\n",
	                IZIN_DEVICE_LEN, device, b64);
}

int
izin_device_parse(const char *line, size_t len,
                  char device[IZIN_DEVICE_LEN + 1], uint8_t pk[IZIN_PK_LEN])
{
	const char *w[3];
	size_t wl[3];

	if (len >= IZIN_DEVLINE_MAX ||
	    izin_split_words(line, len, w, wl, 3) != IZIN_OK ||
	    wl[0] != sizeof DEV_WORD - 1 || memcmp(w[0], DEV_WORD, wl[0]) != 0 ||
	    !device_ok(w[1], wl[1]) ||
	    izin_unb64(w[2], wl[2], pk, IZIN_PK_LEN) != IZIN_OK ||
	    !crypto_core_ed25519_is_valid_point(pk))
		return IZIN_EKEYFILE;
	memcpy(device, w[1], IZIN_DEVICE_LEN);
	device[IZIN_DEVICE_LEN] = '\0';
	return IZIN_OK;
}
