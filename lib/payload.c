/*
 * The signed body of a sealed permit, version 1 (man/izin-permit.5):
 *
 *   version(1) kid(4) kind|sex<<2 (1) birth(2) issued(2) valid_from(2)
 *   valid_until(2) codes: count(1) packed(2 per 3 symbols)
 *   name: len(1) bytes   sponsor: len(1) bytes   address: len(1) bytes
 *
 * Dates are big-endian day counts: birth from 1900-01-01, the others from
 * 2000-01-01.  The code fields (permit, index, nationality, passport,
 * office) are joined by a separator and packed three symbols of a
 * 40-symbol alphabet to two bytes, which is what lets a typical KITAS fit
 * a version 10 QR code.
 */
#include <string.h>

#include "izin_internal.h"

#define SEP 0
#define NCODES 5
#define CODES_MAX (IZIN_PERMIT_MAX + IZIN_INDEX_MAX + IZIN_NATIONALITY_LEN + \
                   IZIN_PASSPORT_MAX + IZIN_OFFICE_MAX + NCODES - 1)

static const int code_fields[NCODES] = {
	IZIN_F_PERMIT, IZIN_F_INDEX, IZIN_F_NATIONALITY, IZIN_F_PASSPORT,
	IZIN_F_OFFICE
};

static const char sym_chars[41] = "\0ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/<";

static int
sym_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 1;
	if (c >= '0' && c <= '9')
		return c - '0' + 27;
	switch (c) {
	case '-': return 37;
	case '/': return 38;
	case '<': return 39;
	}
	return -1;
}

static const char *
code_value(const izin_permit *p, int f)
{
	switch (f) {
	case IZIN_F_PERMIT: return p->permit;
	case IZIN_F_INDEX: return p->index;
	case IZIN_F_NATIONALITY: return p->nationality;
	case IZIN_F_PASSPORT: return p->passport;
	}
	return p->office;
}

static izin_date
epoch(int field)
{
	return field == IZIN_F_BIRTH ? izin_date_from_ymd(1900, 1, 1)
	                             : izin_date_from_ymd(2000, 1, 1);
}

static uint8_t *
put_date(uint8_t *o, izin_date d, int field)
{
	unsigned v = (unsigned)(d - epoch(field));
	*o++ = (uint8_t)(v >> 8);
	*o++ = (uint8_t)v;
	return o;
}

static uint8_t *
put_text(uint8_t *o, const char *s)
{
	size_t n = strlen(s);
	*o++ = (uint8_t)n;
	memcpy(o, s, n);
	return o + n;
}

static int
sex_code(char sex)
{
	return sex == 'M' ? 1 : sex == 'F' ? 2 : 3;
}

int
izin_permit_encode(const izin_permit *p, const uint8_t kid[IZIN_KID_LEN],
                   uint8_t *out)
{
	uint8_t sym[CODES_MAX + 2];
	size_t n = 0;
	uint8_t *o = out;
	int err;

	if ((err = izin_permit_check(p, NULL)) != IZIN_OK)
		return err;
	*o++ = IZIN_PAYLOAD_VERSION;
	memcpy(o, kid, IZIN_KID_LEN);
	o += IZIN_KID_LEN;
	*o++ = (uint8_t)(p->kind | sex_code(p->sex) << 2);
	o = put_date(o, p->birth, IZIN_F_BIRTH);
	o = put_date(o, p->issued, IZIN_F_ISSUED);
	o = put_date(o, p->valid_from, IZIN_F_VALID_FROM);
	o = put_date(o, p->valid_until, IZIN_F_VALID_UNTIL);

	for (int i = 0; i < NCODES; i++) {
		const char *s = code_value(p, code_fields[i]);
		if (i > 0)
			sym[n++] = SEP;
		while (*s)
			sym[n++] = (uint8_t)sym_of((unsigned char)*s++);
	}
	*o++ = (uint8_t)n;
	sym[n] = sym[n + 1] = SEP;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = sym[i] * 1600u + sym[i + 1] * 40u + sym[i + 2];
		*o++ = (uint8_t)(v >> 8);
		*o++ = (uint8_t)v;
	}
	o = put_text(o, p->name);
	o = put_text(o, p->sponsor);
	o = put_text(o, p->address);
	return (int)(o - out);
}

struct cursor {
	const uint8_t *p, *end;
	int *field;
};

static int
fail(struct cursor *c, int err, int field)
{
	if (c->field)
		*c->field = field;
	return err;
}

static int
get_date(struct cursor *c, izin_date *d, int field)
{
	if (c->end - c->p < 2)
		return fail(c, IZIN_ETRUNC, field);
	*d = epoch(field) + (c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return IZIN_OK;
}

static int
get_text(struct cursor *c, izin_permit *p, size_t max, int field)
{
	size_t n;
	int err;

	if (c->p >= c->end)
		return fail(c, IZIN_ETRUNC, field);
	n = *c->p++;
	if (n > max)
		return fail(c, IZIN_ELENGTH, field);
	if ((size_t)(c->end - c->p) < n)
		return fail(c, IZIN_ETRUNC, field);
	if ((err = izin_permit_set(p, field, (const char *)c->p, n)) != 0)
		return fail(c, err, field);
	c->p += n;
	return IZIN_OK;
}

static int
get_codes(struct cursor *c, izin_permit *p)
{
	char text[CODES_MAX + 3] = { 0 };
	size_t n, bytes, start = 0;
	int i = 0, err;

	if (c->p >= c->end)
		return fail(c, IZIN_ETRUNC, IZIN_F_PERMIT);
	n = *c->p++;
	if (n > CODES_MAX)
		return fail(c, IZIN_ELENGTH, IZIN_F_OFFICE);
	bytes = (n + 2) / 3 * 2;
	if ((size_t)(c->end - c->p) < bytes)
		return fail(c, IZIN_ETRUNC, IZIN_F_PERMIT);
	for (size_t k = 0; k < bytes; k += 2) {
		unsigned v = (unsigned)(c->p[k] << 8 | c->p[k + 1]);
		if (v >= 64000) {
			/* Name the field this group falls in. */
			for (size_t j = 0; j < k / 2 * 3 && j < n; j++)
				i += text[j] == '\0' && i < NCODES - 1;
			return fail(c, IZIN_ENONCANON, code_fields[i]);
		}
		text[k / 2 * 3] = sym_chars[v / 1600];
		text[k / 2 * 3 + 1] = sym_chars[v / 40 % 40];
		text[k / 2 * 3 + 2] = sym_chars[v % 40];
	}
	c->p += bytes;
	/* The padding after the last symbol must be separators (zero). */
	for (size_t k = n; k < bytes / 2 * 3; k++)
		if (text[k] != '\0')
			return fail(c, IZIN_ENONCANON, IZIN_F_OFFICE);
	for (size_t k = 0; k <= n; k++) {
		if (k < n && text[k] != '\0')
			continue;
		if (i == NCODES)
			return fail(c, IZIN_ENONCANON, IZIN_F_OFFICE);
		err = izin_permit_set(p, code_fields[i], text + start, k - start);
		if (err)
			return fail(c, err, code_fields[i]);
		i++;
		start = k + 1;
	}
	if (i < NCODES)
		return fail(c, IZIN_EEMPTY, code_fields[i]);
	return IZIN_OK;
}

int
izin_permit_decode(const uint8_t *in, size_t len, izin_permit *p,
                   uint8_t kid[IZIN_KID_LEN], int *field)
{
	struct cursor c = { in, in + len, field };
	uint8_t again[IZIN_BODY_MAX];
	uint8_t k[IZIN_KID_LEN];
	int err, ks, n;

	memset(p, 0, sizeof *p);
	if (field)
		*field = IZIN_F_NONE;
	if (len < 1 + IZIN_KID_LEN + 1)
		return fail(&c, len > 0 && in[0] != IZIN_PAYLOAD_VERSION ?
		            IZIN_EVERSION : IZIN_ETRUNC, IZIN_F_NONE);
	if (in[0] != IZIN_PAYLOAD_VERSION)
		return fail(&c, IZIN_EVERSION, IZIN_F_NONE);
	memcpy(k, in + 1, IZIN_KID_LEN);
	if (kid)
		memcpy(kid, k, IZIN_KID_LEN);
	ks = in[1 + IZIN_KID_LEN];
	c.p = in + 2 + IZIN_KID_LEN;
	if (ks >> 4)
		return fail(&c, IZIN_ENONCANON, IZIN_F_KIND);
	if ((ks & 3) == 0)
		return fail(&c, IZIN_EKIND, IZIN_F_KIND);
	if ((ks >> 2) == 0)
		return fail(&c, IZIN_ESEX, IZIN_F_SEX);
	p->kind = ks & 3;
	p->sex = "?MFX"[ks >> 2];
	if ((err = get_date(&c, &p->birth, IZIN_F_BIRTH)) ||
	    (err = get_date(&c, &p->issued, IZIN_F_ISSUED)) ||
	    (err = get_date(&c, &p->valid_from, IZIN_F_VALID_FROM)) ||
	    (err = get_date(&c, &p->valid_until, IZIN_F_VALID_UNTIL)) ||
	    (err = get_codes(&c, p)) ||
	    (err = get_text(&c, p, IZIN_NAME_MAX, IZIN_F_NAME)) ||
	    (err = get_text(&c, p, IZIN_SPONSOR_MAX, IZIN_F_SPONSOR)) ||
	    (err = get_text(&c, p, IZIN_ADDRESS_MAX, IZIN_F_ADDRESS)))
		return err;
	if (c.p != c.end)
		return fail(&c, IZIN_ETRAILING, IZIN_F_NONE);
	if ((err = izin_permit_check(p, field)) != IZIN_OK)
		return err;
	/* The fields above are checked one by one; re-encoding is what
	 * proves the whole is the one form the encoder makes. */
	n = izin_permit_encode(p, k, again);
	if (n < 0 || (size_t)n != len || memcmp(again, in, len) != 0)
		return fail(&c, IZIN_ENONCANON, IZIN_F_NONE);
	return IZIN_OK;
}
