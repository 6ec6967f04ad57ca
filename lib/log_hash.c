/*
 * log_hash.c - the hash chain of a log: the bytes hashed for a sighting
 * and its BLAKE2b-256 hash, one serialisation for commit and verify alike.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log_internal.h"

/* First field of the bytes hashed, so no other hash can pass for one. */
#define DOMAIN "izin-sighting-1"

/* The length of a field as it is hashed: 4 bytes, big-endian. */
static void
be32(unsigned char d[4], size_t len)
{
	d[0] = (unsigned char)(len >> 24);
	d[1] = (unsigned char)(len >> 16);
	d[2] = (unsigned char)(len >> 8);
	d[3] = (unsigned char)len;
}

/* A field of the bytes hashed: its length, 4 bytes big-endian, then it. */
static int
buf_field(struct izin_buf *b, const void *s, size_t len)
{
	unsigned char *d;
	int rc;

	if (len > UINT32_MAX)
		return IZIN_ELENGTH;
	if ((rc = izin_buf_reserve(b, len + 4)) < 0)
		return rc;
	d = (unsigned char *)b->p + b->len;
	be32(d, len);
	if (len > 0)
		memcpy(d + 4, s, len);
	b->len += len + 4;
	return 0;
}

static int
buf_fieldstr(struct izin_buf *b, const char *s)
{
	return buf_field(b, s, strlen(s));
}

/*
 * The chain: BLAKE2b-256 over length-prefixed fields, in this order: the
 * domain string, the previous hash (32 zero bytes for a device's first
 * sighting), device, dseq in decimal, time, reporter, reporter_kind,
 * place, lat, lon, then the record as stored: its column names as one
 * izin-record(5) TSV header line and its values as one TSV line.
 * Documented in report-log(1): keep the two in step.
 */
int
izin_log_row_fields(struct izin_buf *b, const unsigned char prev[IZIN_LOG_HASH_LEN],
                    const struct row *w)
{
	char num[24];
	int rc;

	b->len = 0;
	snprintf(num, sizeof(num), "%lld", (long long)w->dseq);
	if ((rc = buf_fieldstr(b, DOMAIN)) < 0 ||
	    (rc = buf_field(b, prev, IZIN_LOG_HASH_LEN)) < 0 ||
	    (rc = buf_fieldstr(b, w->device)) < 0 ||
	    (rc = buf_fieldstr(b, num)) < 0 ||
	    (rc = buf_fieldstr(b, w->time)) < 0 ||
	    (rc = buf_fieldstr(b, w->reporter)) < 0 ||
	    (rc = buf_fieldstr(b, w->kind)) < 0 ||
	    (rc = buf_fieldstr(b, w->place)) < 0 ||
	    (rc = buf_fieldstr(b, w->lat)) < 0 ||
	    (rc = buf_fieldstr(b, w->lon)) < 0)
		return rc;
	return 0;
}

/* The record's two lines are the last two fields, hashed where they lie
 * rather than copied after the others into b. */
void
izin_log_chain_hash(struct izin_buf *b, const char *names, size_t nlen,
                    const char *line, size_t llen,
                    unsigned char out[IZIN_LOG_HASH_LEN])
{
	unsigned char len[8];
	crypto_generichash_state st;

	be32(len, nlen);
	be32(len + 4, llen);
	crypto_generichash_init(&st, NULL, 0, IZIN_LOG_HASH_LEN);
	crypto_generichash_update(&st, (unsigned char *)b->p, b->len);
	crypto_generichash_update(&st, len, 4);
	crypto_generichash_update(&st, (const unsigned char *)names, nlen);
	crypto_generichash_update(&st, len + 4, 4);
	crypto_generichash_update(&st, (const unsigned char *)line, llen);
	crypto_generichash_final(&st, out, IZIN_LOG_HASH_LEN);
}
