/*
 * fixture.h - what the tests of permits, keys and QR codes share: the
 * typical permits, a key and a store that trusts it, payload-like texts,
 * and codes drawn into images.  Header-only, like check_util.h; every
 * function is static inline so that a test file that does not call one
 * is not warned about it.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "izin.h"

/* The characters of the QR alphanumeric mode. */
#define AN_SET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

/* A typical permit issued 2026-03-01; the office is the key's, given to
 * fill_permit(). */
static const char *const typical[IZIN_F_COUNT] __attribute__((unused)) = {
	[IZIN_F_PERMIT] = "2C11JB0042-K",
	[IZIN_F_KIND] = "ITAS",
	[IZIN_F_INDEX] = "E33G",
	[IZIN_F_NAME] = "Ana María Souza",
	[IZIN_F_NATIONALITY] = "BRA",
	[IZIN_F_PASSPORT] = "FX123456",
	[IZIN_F_BIRTH] = "1990-05-17",
	[IZIN_F_SEX] = "F",
	[IZIN_F_ISSUED] = "2026-03-01",
	[IZIN_F_VALID_FROM] = "2026-03-01",
	[IZIN_F_VALID_UNTIL] = "2027-02-28",
	[IZIN_F_OFFICE] = NULL,
	[IZIN_F_SPONSOR] = "PT Contoh",
	[IZIN_F_ADDRESS] = "Jl. Merdeka 1, Bandung"
};

/* A typical permit with long values (a name of 30 letters), issued
 * 2026-11-20 by KANIM-JKTSEL: what a real card holds, and still a
 * version 10-M code. */
static const char *const typical_long[IZIN_F_COUNT]
    __attribute__((unused)) = {
	"2C11JB0042-K", "ITAS", "E33G", "Johannes Wilhelm van der Bergh",
	"NLD", "NX8K2L4P1", "1985-03-14", "M", "2026-11-20", "2026-11-20",
	"2027-11-19", "KANIM-JKTSEL", "PT Mitra Teknik Nusantara",
	"Jl. Kemang Raya No. 12, Jakarta Selatan"
};

static inline izin_date
ymd(int y, int m, int d)
{
	return izin_date_from_ymd(y, m, d);
}

/* p from the values v; office, when not NULL, stands for v's office. */
static inline void
fill_fields(izin_permit *p, const char *const v[IZIN_F_COUNT],
            const char *office)
{
	memset(p, 0, sizeof *p);
	for (int f = 0; f < IZIN_F_COUNT; f++) {
		const char *s = f == IZIN_F_OFFICE && office ? office : v[f];
		int rc = izin_permit_set(p, f, s, strlen(s));
		ck_assert_msg(rc == IZIN_OK, "field %s: %s", izin_field_name(f),
		    izin_strerror(rc));
	}
}

/* The typical permit, for office. */
static inline void
fill_permit(izin_permit *p, const char *office)
{
	fill_fields(p, typical, office);
}

static inline void
fill_long(izin_permit *p)
{
	fill_fields(p, typical_long, NULL);
}

/* A new key for office, good from from to until. */
static inline izin_seckey *
gen(const char *office, izin_date from, izin_date until)
{
	izin_seckey *sk = NULL;

	ck_assert_int_eq(izin_seckey_generate(office, from, until, &sk),
	    IZIN_OK);
	ck_assert_ptr_nonnull(sk);
	return sk;
}

/* The everyday key: office JKTSEL, good from 2020 to 2099. */
static inline izin_seckey *
gen_default(void)
{
	return gen("JKTSEL", ymd(2020, 1, 1), ymd(2099, 12, 31));
}

static inline izin_pubkey
pub_of(const izin_seckey *sk)
{
	izin_pubkey pub;

	izin_seckey_public(sk, &pub);
	return pub;
}

/* A new store that trusts pub alone; caller frees with
 * izin_trust_free. */
static inline izin_trust *
trust_with(const izin_pubkey *pub)
{
	izin_trust *t = izin_trust_new();

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(izin_trust_add(t, pub), IZIN_OK);
	return t;
}

/* A new store that trusts sk alone. */
static inline izin_trust *
trust_of(const izin_seckey *sk)
{
	izin_pubkey pub = pub_of(sk);

	return trust_with(&pub);
}

/* A payload-like text: "IZ:" and len - 3 characters drawn from the
 * alphanumeric set by a fixed generator; caller frees. */
static inline char *
payload(size_t len, unsigned seed)
{
	char *s = malloc(len + 1);
	size_t i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i] = AN_SET[(seed >> 16) % 45];
	}
	if (len >= 3)
		memcpy(s, "IZ:", 3);
	s[len] = '\0';
	return s;
}

/* text as a code at ECC level; caller frees with izin_qr_free. */
static inline izin_qr *
encode(const char *text, int level)
{
	izin_qr *qr;

	ck_assert_int_eq(izin_qr_encode(text, strlen(text), level, &qr), 0);
	ck_assert_ptr_nonnull(qr);
	return qr;
}

/* Module mx, my of width x width modules (bit 0 set: dark); outside the
 * code, light. */
static inline int
module_dark(const unsigned char *mod, int width, int mx, int my)
{
	return mx >= 0 && my >= 0 && mx < width && my < width &&
	    (mod[(size_t)my * width + mx] & 1);
}

/* Module x, y of qr: 1 dark, 0 light or outside the code. */
static inline int
qr_dark(const izin_qr *qr, int x, int y)
{
	return x >= 0 && y >= 0 && x < qr->width && y < qr->width &&
	    qr->modules[(size_t)y * qr->width + x] != 0;
}

/* Whether pixel x, y of a code drawn scale pixels a module after a quiet
 * zone of margin modules is dark. */
static inline int
pixel_dark(const unsigned char *mod, int width, int scale, int margin,
           int x, int y)
{
	return module_dark(mod, width, x / scale - margin,
	    y / scale - margin);
}

/* A w x h image, every pixel value; caller frees with izin_image_free. */
static inline izin_image *
blank(int w, int h, int value)
{
	izin_image *im;

	ck_assert_int_eq(izin_image_new(w, h, &im), 0);
	memset(im->gray, value, (size_t)w * h);
	return im;
}

/* Draw width x width modules (1 dark) at x0, y0, scale pixels each, with
 * a quiet zone of margin modules: dark modules ink, the rest paper. */
static inline void
draw_modules(izin_image *im, const unsigned char *mod, int width, int x0,
             int y0, int scale, int margin, int ink, int paper)
{
	int n = (width + 2 * margin) * scale, x, y;

	ck_assert_int_le(x0 + n, im->width);
	ck_assert_int_le(y0 + n, im->height);
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x++)
			im->gray[(size_t)(y0 + y) * im->width + x0 + x] =
			    (unsigned char)(pixel_dark(mod, width, scale,
			    margin, x, y) ? ink : paper);
}

/* An image holding text's code at ECC level M, black on white, scale
 * pixels a module and a quiet zone of margin modules. */
static inline izin_image *
card(const char *text, int scale, int margin)
{
	izin_qr *qr = encode(text, IZIN_ECC_M);
	int n = (qr->width + 2 * margin) * scale;
	izin_image *im = blank(n, n, 255);

	draw_modules(im, qr->modules, qr->width, 0, 0, scale, margin, 0, 255);
	izin_qr_free(qr);
	return im;
}

/* Run worker on each of the n jobs (size bytes apart from jobs on) in a
 * thread of its own, all at once, and wait for every one. */
static inline void
run_threads(void *(*worker)(void *), void *jobs, size_t size, int n)
{
	pthread_t t[16];
	int i;

	ck_assert_int_le(n, 16);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker,
		    (char *)jobs + (size_t)i * size), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
}

/* Remove path and all below it, quietly: a teardown's clean-up.  Links
 * are removed, never followed. */
static inline void
rm_tree(const char *path)
{
	char sub[4096];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if (snprintf(sub, sizeof sub, "%s/%s", path,
			    e->d_name) < (int)sizeof sub)
				rm_tree(sub);
		}
		closedir(d);
	}
	remove(path);
}

#endif
