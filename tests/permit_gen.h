/*
 * permit_gen.h - random valid permits for the tests, from a seeded
 * xorshift generator so that a failure can be replayed.
 */
#ifndef PERMIT_GEN_H
#define PERMIT_GEN_H

#include <stdint.h>
#include <string.h>

#include "izin.h"

static uint64_t gen_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
gen_next(void)
{
	gen_state ^= gen_state << 13;
	gen_state ^= gen_state >> 7;
	gen_state ^= gen_state << 17;
	return (uint32_t)(gen_state >> 11);
}

static uint32_t
gen_below(uint32_t n)
{
	return gen_next() % n;
}

static void
gen_code(char *dst, size_t min, size_t max, const char *set)
{
	size_t n = min + gen_below((uint32_t)(max - min + 1));
	size_t k = strlen(set);
	for (size_t i = 0; i < n; i++)
		dst[i] = set[gen_below((uint32_t)k)];
	dst[n] = '\0';
}

/* Append one code point as UTF-8; 0 when it would pass max bytes. */
static size_t
gen_put_utf8(char *dst, size_t at, size_t max, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80)
		b[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)),
		n = 2;
	else if (cp < 0x10000)
		b[0] = (char)(0xe0 | cp >> 12),
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f)),
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	else
		b[0] = (char)(0xf0 | cp >> 18),
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f)),
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f)),
		b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	if (at + n > max)
		return 0;
	memcpy(dst + at, b, n);
	return n;
}

/* Text of up to max bytes from several scripts; never empty if min > 0. */
static void
gen_text(char *dst, size_t min, size_t max)
{
	static const uint32_t ranges[][2] = {
		{ 'A', 'Z' }, { 'a', 'z' }, { ' ', ' ' }, { 0xc0, 0xff },
		{ 0x4e00, 0x4fff }, { 0x0627, 0x064a }, { 0x1ea0, 0x1ef9 },
		{ 0x1f600, 0x1f64f }, { '0', '9' }, { '.', '/' },
	};
	size_t want = min + gen_below((uint32_t)(max - min + 1)), n = 0;

	while (n < want) {
		const uint32_t *r = ranges[gen_below(sizeof ranges /
		                                     sizeof ranges[0])];
		uint32_t cp = r[0] + gen_below(r[1] - r[0] + 1);
		size_t k;
		if (cp == 0xd7 || cp == 0xf7)   /* fine, but keep letters */
			cp = 'x';
		if ((k = gen_put_utf8(dst, n, want, cp)) == 0)
			break;
		n += k;
	}
	if (n == 0 && min > 0)
		dst[n++] = 'A';
	dst[n] = '\0';
}

static izin_date
gen_date(izin_date lo, izin_date hi)
{
	return lo + (izin_date)gen_below((uint32_t)(hi - lo + 1));
}

/* A random permit that izin_permit_check() accepts, for office. */
static void
gen_permit(izin_permit *p, const char *office, izin_date key_from,
           izin_date key_until)
{
	static const char az[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char az09[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	izin_date birth_max = izin_date_from_ymd(1900, 1, 1) + 0xffff;

	memset(p, 0, sizeof *p);
	gen_code(p->permit, 1, IZIN_PERMIT_MAX,
	         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/");
	p->kind = 1 + (int)gen_below(3);
	gen_code(p->index, 1, IZIN_INDEX_MAX, az09);
	gen_text(p->name, 1, IZIN_NAME_MAX);
	gen_code(p->nationality, 3, 3, az);
	if (gen_below(8) == 0)
		p->nationality[1 + gen_below(2)] = '<', p->nationality[2] = '<';
	gen_code(p->passport, 1, IZIN_PASSPORT_MAX, az09);
	p->sex = "MFX"[gen_below(3)];
	p->issued = gen_date(key_from, key_until);
	p->birth = gen_date(izin_date_from_ymd(1900, 1, 1),
	                    p->issued < birth_max ? p->issued : birth_max);
	p->valid_from = gen_date(p->issued - 30, p->issued + 60);
	if (p->valid_from < izin_date_from_ymd(2000, 1, 1))
		p->valid_from = p->issued;
	p->valid_until = gen_date(p->valid_from > p->issued ? p->valid_from
	                                                    : p->issued,
	                          p->issued + 3650);
	strcpy(p->office, office);
	if (gen_below(4))
		gen_text(p->sponsor, 0, IZIN_SPONSOR_MAX);
	if (gen_below(4))
		gen_text(p->address, 0, IZIN_ADDRESS_MAX);
}

#endif
