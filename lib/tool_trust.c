/*
 * The newest trust list accepted, per root key: what stops a rollback to
 * an older list (one that still trusts a withdrawn key).  One small file
 * per root key id in a state folder:
 *     SEQ HASH
 * HASH being the BLAKE2b-256 of the list's text in lowercase hex.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tool.h"

#define HASH_LEN 32
#define HASH_HEXLEN (2 * HASH_LEN)
#define STATE_MAX 128

static int
state_path(const char *dir, const izin_trustlist_info *info, char *buf,
           size_t size)
{
	char kid[IZIN_KID_HEXLEN + 1];

	izin_kid_format(info->root_kid, kid);
	if ((size_t)snprintf(buf, size, "%s/trust-%s", dir, kid) >= size)
		return IZIN_ELENGTH;
	return IZIN_OK;
}

static void
hash_hex(const char *text, size_t len, char hex[HASH_HEXLEN + 1])
{
	uint8_t h[HASH_LEN];

	crypto_generichash(h, sizeof h, (const uint8_t *)text, len, NULL, 0);
	sodium_bin2hex(hex, HASH_HEXLEN + 1, h, sizeof h);
}

int
izin_trust_state_check(const char *dir, const izin_trustlist_info *info,
                       const char *text, size_t len, unsigned long *held)
{
	char path[4096], hex[HASH_HEXLEN + 1], *buf;
	const char *sp;
	size_t n;
	unsigned long seq = 0;
	FILE *fp;
	int err;

	*held = 0;
	if ((err = state_path(dir, info, path, sizeof path)) != IZIN_OK)
		return err;
	if ((fp = fopen(path, "rb")) == NULL)
		return errno == ENOENT ? IZIN_OK : IZIN_EIO;
	err = izin_read_stream(fp, STATE_MAX, &buf, &n);
	fclose(fp);
	if (err)
		return err == IZIN_ELENGTH ? IZIN_ELIST : err;
	/* Exactly what izin_trust_state_save() writes. */
	sp = memchr(buf, ' ', n);
	if (sp == NULL || sp == buf || n != (size_t)(sp - buf) + 1 + HASH_HEXLEN + 1 ||
	    buf[n - 1] != '\n') {
		free(buf);
		return IZIN_ELIST;
	}
	for (const char *c = buf; c < sp; c++) {
		if (*c < '0' || *c > '9' || (c == buf && *c == '0') ||
		    sp - buf > 10) {
			free(buf);
			return IZIN_ELIST;
		}
		seq = seq * 10 + (unsigned long)(*c - '0');
	}
	*held = seq;
	hash_hex(text, len, hex);
	if (info->seq < seq)
		err = IZIN_EROLLBACK;
	else if (info->seq == seq && memcmp(sp + 1, hex, HASH_HEXLEN) != 0)
		err = IZIN_ESEQ;
	free(buf);
	return err;
}

int
izin_trust_state_save(const char *dir, const izin_trustlist_info *info,
                      const char *text, size_t len)
{
	char path[4096], hex[HASH_HEXLEN + 1], line[STATE_MAX];
	int err, n;

	if ((err = state_path(dir, info, path, sizeof path)) != IZIN_OK)
		return err;
	hash_hex(text, len, hex);
	n = snprintf(line, sizeof line, "%lu %s\n", info->seq, hex);
	return izin_write_atomic(path, line, (size_t)n, 0644, 1);
}
