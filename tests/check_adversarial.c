/*
 * check_adversarial.c - the forger and the prankster.  Each test is named
 * after an attack and asserts the documented status or error, and never
 * VALID (IZIN_OK, status VALID) where a forgery or a malformed input
 * stands.  Attacks on the library use the API: sealed texts made here with
 * a key made here, then altered (Base45-decoded, changed, re-encoded), or
 * built by a forger's own encoder and signed, even by the trusted key, to
 * show that no signature makes a malformed permit good.  Attacks on the
 * tools run the real binaries (IZIN_BIN, or ../cmd/ beside this test) in
 * a fresh temporary folder, and check exit status, messages and files.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qrencode.h>
#include <sodium.h>
#include <sqlite3.h>

#include "check_util.h"
#include "fixture.h"
#include "izin_internal.h"
#include "tool.h"

extern char **environ;

#define DOMAIN_PERMIT_LEN (sizeof IZIN_DOMAIN_PERMIT - 1)
#define DOMAIN_LIST_LEN (sizeof IZIN_DOMAIN_LIST - 1)
/* Room for forged bodies and texts beyond what a valid permit needs. */
#define FORGED_MAX 1024
#define FORGED_TEXT (3 + FORGED_MAX / 2 * 3 + 8)
/* Version, key id, kind and sex, four dates: the body before the codes. */
#define HEAD_LEN (1 + IZIN_KID_LEN + 1 + 8)

/* The office's key, trusted; a typical permit it sealed. */
static izin_seckey *sk;
static izin_pubkey pub;
static izin_trust *trust;
static izin_permit typ;
static char typ_text[IZIN_TEXT_MAX + 1];
static uint8_t typ_body[IZIN_BODY_MAX], typ_sig[IZIN_SIG_LEN];
static size_t typ_len;

/* "IZ:" and the Base45 of body and signature. */
static size_t
text_of(const uint8_t *body, size_t n, const uint8_t sig[IZIN_SIG_LEN],
        char text[FORGED_TEXT])
{
	uint8_t buf[FORGED_MAX + IZIN_SIG_LEN];

	ck_assert_uint_le(n, FORGED_MAX);
	memcpy(buf, body, n);
	memcpy(buf + n, sig, IZIN_SIG_LEN);
	memcpy(text, IZIN_PREFIX, IZIN_PREFIX_LEN);
	izin_base45_encode(buf, n + IZIN_SIG_LEN, text + IZIN_PREFIX_LEN);
	return strlen(text);
}

static void
sign_body(const izin_seckey *k, const uint8_t *body, size_t n,
          uint8_t sig[IZIN_SIG_LEN])
{
	ck_assert_int_eq(izin_sign_detached(k, IZIN_DOMAIN_PERMIT,
	                                    DOMAIN_PERMIT_LEN, body, n, sig), 0);
}

/* Every field of a and b reads the same (bytes after a string's NUL may
 * differ). */
static void
assert_same_permit(const izin_permit *a, const izin_permit *b)
{
	char va[256], vb[256];

	for (int f = 0; f < IZIN_F_COUNT; f++) {
		ck_assert_int_ge(izin_permit_get(a, f, va, sizeof va), 0);
		ck_assert_int_ge(izin_permit_get(b, f, vb, sizeof vb), 0);
		ck_assert_msg(strcmp(va, vb) == 0, "%s: %s, %s",
		              izin_field_name(f), va, vb);
	}
}

static int
open_with(const izin_trust *t, const char *text, izin_permit *q, int *field)
{
	izin_permit tmp;

	return izin_open(t, text, strlen(text), q ? q : &tmp, NULL, field);
}

/*
 * The forger's own encoder: the codes and texts of a body as given, not
 * checked, after the typical permit's head.  For the typical values it
 * must give the library's bytes (forgers_encoder_is_faithful), or the
 * tests that use it would prove nothing.
 */
struct forgery {
	const char *code[5];    /* permit index nationality passport office */
	const char *text[3];    /* name, sponsor, address: any bytes */
	size_t len[3];
};

static void
typical_forgery(struct forgery *f)
{
	f->code[0] = typical_long[IZIN_F_PERMIT];
	f->code[1] = typical_long[IZIN_F_INDEX];
	f->code[2] = typical_long[IZIN_F_NATIONALITY];
	f->code[3] = typical_long[IZIN_F_PASSPORT];
	f->code[4] = typical_long[IZIN_F_OFFICE];
	f->text[0] = typical_long[IZIN_F_NAME];
	f->text[1] = typical_long[IZIN_F_SPONSOR];
	f->text[2] = typical_long[IZIN_F_ADDRESS];
	for (int i = 0; i < 3; i++)
		f->len[i] = strlen(f->text[i]);
}

static size_t
forge_body(const struct forgery *f, uint8_t out[FORGED_MAX])
{
	static const char syms[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/<";
	uint8_t sym[256];
	size_t n = 0, o;

	memcpy(out, typ_body, HEAD_LEN);
	for (int i = 0; i < 5; i++) {
		if (i > 0)
			sym[n++] = 0;
		for (const char *c = f->code[i]; *c; c++) {
			const char *at = strchr(syms, *c);
			ck_assert_ptr_nonnull(at);
			sym[n++] = (uint8_t)(at - syms + 1);
		}
	}
	ck_assert_uint_lt(n, 250);
	out[HEAD_LEN] = (uint8_t)n;
	sym[n] = sym[n + 1] = 0;
	o = HEAD_LEN + 1;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = sym[i] * 1600u + sym[i + 1] * 40u + sym[i + 2];
		out[o++] = (uint8_t)(v >> 8);
		out[o++] = (uint8_t)v;
	}
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_lt(f->len[i], 256);
		out[o++] = (uint8_t)f->len[i];
		memcpy(out + o, f->text[i], f->len[i]);
		o += f->len[i];
	}
	return o;
}

/* Forge f, sign it with the trusted key itself, and open: the error,
 * with the field in *field. */
static int
forged_signed(const struct forgery *f, int *field)
{
	uint8_t body[FORGED_MAX], sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT];
	size_t n;

	n = forge_body(f, body);
	sign_body(sk, body, n, sig);
	text_of(body, n, sig, text);
	return open_with(trust, text, NULL, field);
}

/* The typical forgery with one text field replaced, signed and opened. */
static int
forged_text_signed(int which, const char *val, size_t len, int *field)
{
	struct forgery f;

	typical_forgery(&f);
	f.text[which] = val;
	f.len[which] = len;
	return forged_signed(&f, field);
}

/* The same with one code replaced. */
static int
forged_code_signed(int which, const char *val, int *field)
{
	struct forgery f;

	typical_forgery(&f);
	f.code[which] = val;
	return forged_signed(&f, field);
}

static void
lib_setup(void)
{
	int field, n;
	size_t len;
	uint8_t raw[IZIN_SEALED_MAX + 2];

	ck_assert_int_eq(izin_init(), 0);
	sk = gen("KANIM-JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	pub = pub_of(sk);
	trust = trust_of(sk);
	fill_long(&typ);
	n = izin_seal(sk, &typ, typ_text, &field);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(izin_base45_decode(typ_text + IZIN_PREFIX_LEN,
	                                    (size_t)n - IZIN_PREFIX_LEN, raw,
	                                    &len), 0);
	typ_len = len - IZIN_SIG_LEN;
	memcpy(typ_body, raw, typ_len);
	memcpy(typ_sig, raw + typ_len, IZIN_SIG_LEN);
}

static void
lib_teardown(void)
{
	izin_seckey_free(sk);
	izin_trust_free(trust);
	sk = NULL;
	trust = NULL;
}

START_TEST(forgers_encoder_is_faithful)
{
	struct forgery f;
	uint8_t body[FORGED_MAX], sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT];
	izin_permit q;
	int field;
	size_t n;

	typical_forgery(&f);
	n = forge_body(&f, body);
	ck_assert_uint_eq(n, typ_len);
	ck_assert_mem_eq(body, typ_body, n);
	/* Signed by the trusted key, a well-formed body opens: so when a
	 * forged one does not, its fault is what stops it. */
	sign_body(sk, body, n, sig);
	text_of(body, n, sig, text);
	ck_assert_int_eq(open_with(trust, text, &q, &field), IZIN_OK);
	assert_same_permit(&q, &typ);
	ck_assert_int_eq(open_with(trust, typ_text, NULL, &field), IZIN_OK);
}
END_TEST

/* For each field, a permit that differs in that field alone, its body
 * encoded with the original signature after it. */
START_TEST(forged_field_changed)
{
	static const char *const other[IZIN_F_COUNT] = {
		"2C11JB0043-K", "ITAP", "E33H", "Johannes Wilhelm van der Berg",
		"DEU", "NX8K2L4P2", "1985-03-15", "F", "2026-11-19",
		"2026-11-21", "2028-11-19", "KANIM-SBY",
		"PT Mitra Teknik Nusantara Tbk",
		"Jl. Kemang Raya No. 13, Jakarta Selatan"
	};
	uint8_t body[IZIN_BODY_MAX], kid[IZIN_KID_LEN];
	char text[FORGED_TEXT];
	izin_permit q, got;
	int f, field, n, err;

	for (f = 0; f <= IZIN_F_COUNT + 1; f++) {
		q = typ;
		if (f < IZIN_F_COUNT)
			ck_assert_int_eq(izin_permit_set(&q, f, other[f],
			                                 strlen(other[f])), 0);
		else if (f == IZIN_F_COUNT)
			q.sponsor[0] = '\0';      /* an optional field dropped */
		else
			q.address[0] = '\0';
		ck_assert_int_eq(izin_permit_check(&q, &field), 0);
		n = izin_permit_encode(&q, pub.kid, body);
		ck_assert_int_gt(n, 0);
		ck_assert(n != (int)typ_len ||
		          memcmp(body, typ_body, typ_len) != 0);
		text_of(body, (size_t)n, typ_sig, text);
		err = izin_open(trust, text, strlen(text), &got, kid, &field);
		ck_assert_msg(err == IZIN_EBADSIG, "field %d changed: %s", f,
		              izin_strerror(err));
		/* What the forged card claims is still there to show. */
		assert_same_permit(&got, &q);
	}
	/* The key id changed: no trusted key has it. */
	memcpy(kid, pub.kid, IZIN_KID_LEN);
	kid[0] ^= 1;
	n = izin_permit_encode(&typ, kid, body);
	text_of(body, (size_t)n, typ_sig, text);
	ck_assert_int_eq(open_with(trust, text, NULL, &field),
	                 IZIN_EUNKNOWNKEY);
}
END_TEST

START_TEST(signature_copied_from_other_permit)
{
	izin_permit b;
	char tb[IZIN_TEXT_MAX + 1], text[FORGED_TEXT];
	uint8_t raw[IZIN_SEALED_MAX + 2];
	size_t len, blen;
	int field;

	fill_long(&b);
	ck_assert_int_eq(izin_permit_set(&b, IZIN_F_PERMIT, "2C11JB0099-K",
	                                 12), 0);
	ck_assert_int_gt(izin_seal(sk, &b, tb, &field), 0);
	ck_assert_int_eq(open_with(trust, tb, NULL, &field), IZIN_OK);
	ck_assert_int_eq(izin_base45_decode(tb + IZIN_PREFIX_LEN,
	                                    strlen(tb) - IZIN_PREFIX_LEN, raw,
	                                    &len), 0);
	blen = len - IZIN_SIG_LEN;
	/* A's body with B's genuine signature, and B's with A's. */
	text_of(typ_body, typ_len, raw + blen, text);
	ck_assert_int_eq(open_with(trust, text, NULL, &field), IZIN_EBADSIG);
	text_of(raw, blen, typ_sig, text);
	ck_assert_int_eq(open_with(trust, text, NULL, &field), IZIN_EBADSIG);
}
END_TEST

/* The same key over the same bytes, but signing for a list: domain
 * separation keeps it from sealing a permit. */
START_TEST(signature_made_for_a_list)
{
	uint8_t sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT];
	int field;

	ck_assert_int_eq(izin_sign_detached(sk, IZIN_DOMAIN_LIST,
	                                    DOMAIN_LIST_LEN, typ_body, typ_len,
	                                    sig), 0);
	text_of(typ_body, typ_len, sig, text);
	ck_assert_int_eq(open_with(trust, text, NULL, &field), IZIN_EBADSIG);
}
END_TEST

/* Replace the key id in the public line of an unencrypted key file. */
static izin_seckey *
relabel(const izin_seckey *k, const uint8_t kid[IZIN_KID_LEN])
{
	char *text, hex[IZIN_KID_HEXLEN + 1], *at;
	izin_seckey *out;
	size_t len;

	ck_assert_int_eq(izin_seckey_export(k, NULL, 0, 0, 0, &text, &len), 0);
	at = strstr(text, "\npublic ");
	ck_assert_ptr_nonnull(at);
	izin_kid_format(kid, hex);
	memcpy(at + 8, hex, IZIN_KID_HEXLEN);
	ck_assert_int_eq(izin_seckey_import(text, len, NULL, 0, &out), 0);
	izin_secure_free(text, len);
	return out;
}

START_TEST(second_key_claims_first_key_id)
{
	izin_seckey *k2, *k2b;
	izin_pubkey p2;
	izin_trust *t;
	uint8_t body[IZIN_BODY_MAX], sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT];
	int field, n, i;

	k2 = gen("KANIM-JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	/* A body naming the first key, signed by the second. */
	n = izin_permit_encode(&typ, pub.kid, body);
	sign_body(k2, body, (size_t)n, sig);
	text_of(body, (size_t)n, sig, text);
	ck_assert_int_eq(open_with(trust, text, NULL, &field), IZIN_EBADSIG);

	/* The second key's file edited to carry the first key's id: it
	 * seals with that id, and the seal still fails. */
	k2b = relabel(k2, pub.kid);
	izin_seckey_public(k2b, &p2);
	ck_assert_mem_eq(p2.kid, pub.kid, IZIN_KID_LEN);
	ck_assert_int_gt(izin_seal(k2b, &typ, text, &field), 0);
	ck_assert_int_eq(open_with(trust, text, NULL, &field), IZIN_EBADSIG);

	/* Both trusted, the second for another office under the first's id:
	 * its seal on this office's permit may not vouch, whatever the order
	 * of the keys; the first key's own seal still opens. */
	strcpy(p2.office, "KANIM-SBY");
	for (i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(t = izin_trust_new());
		ck_assert_int_eq(izin_trust_add(t, i ? &pub : &p2), 0);
		ck_assert_int_eq(izin_trust_add(t, i ? &p2 : &pub), 0);
		ck_assert_int_eq(open_with(t, text, NULL, &field), IZIN_EOFFICE);
		ck_assert_int_eq(open_with(t, typ_text, NULL, &field), IZIN_OK);
		izin_trust_free(t);
	}
	izin_seckey_free(k2);
	izin_seckey_free(k2b);
}
END_TEST

START_TEST(key_used_after_window)
{
	izin_seckey *w;
	izin_pubkey wp;
	izin_trust *t;
	izin_revoked *rv;
	izin_permit p, q;
	uint8_t body[IZIN_BODY_MAX], sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT], *list;
	size_t listlen;
	unsigned long line;
	int field, n;

	w = gen("KANIM-JKTSEL", ymd(2020, 1, 1), ymd(2025, 12, 31));
	izin_seckey_public(w, &wp);
	ck_assert_ptr_nonnull(t = izin_trust_new());
	ck_assert_int_eq(izin_trust_add(t, &wp), 0);
	p = typ;                                /* issued 2026-11-20 */
	ck_assert_int_eq(izin_seal(w, &p, text, &field), IZIN_EKEYWINDOW);
	ck_assert_int_eq(field, IZIN_F_ISSUED);
	/* Signed anyway, around izin_seal(): the opener refuses it. */
	n = izin_permit_encode(&p, wp.kid, body);
	sign_body(w, body, (size_t)n, sig);
	text_of(body, (size_t)n, sig, text);
	ck_assert_int_eq(izin_open(t, text, strlen(text), &q, NULL, &field),
	                 IZIN_EKEYWINDOW);
	ck_assert_int_eq(field, IZIN_F_ISSUED);
	/* The window's last day is in it, the day before its first is not. */
	p.issued = p.valid_from = ymd(2025, 12, 31);
	ck_assert_int_gt(izin_seal(w, &p, text, &field), 0);
	ck_assert_int_eq(open_with(t, text, NULL, &field), IZIN_OK);
	p.issued = p.valid_from = ymd(2019, 12, 31);
	n = izin_permit_encode(&p, wp.kid, body);
	sign_body(w, body, (size_t)n, sig);
	text_of(body, (size_t)n, sig, text);
	ck_assert_int_eq(open_with(t, text, NULL, &field), IZIN_EKEYWINDOW);

	/* A list dated after the window: not signed, and not trusted when
	 * signed by a key the store trusts only up to 2025. */
	ck_assert_int_eq(izin_list_sign(w, IZIN_REVOKED_KIND, ymd(2026, 1, 1),
	                                "A1\n", 3, &list, &listlen),
	                 IZIN_EKEYWINDOW);
	ck_assert_int_eq(izin_list_sign(sk, IZIN_REVOKED_KIND, ymd(2026, 6, 1),
	                                "A1\n", 3, &list, &listlen), 0);
	izin_trust_free(t);
	wp = pub;
	wp.valid_until = ymd(2025, 12, 31);
	ck_assert_ptr_nonnull(t = izin_trust_new());
	ck_assert_int_eq(izin_trust_add(t, &wp), 0);
	ck_assert_ptr_nonnull(rv = izin_revoked_new());
	ck_assert_int_eq(izin_revoked_load(rv, t, list, listlen, &line),
	                 IZIN_EKEYWINDOW);
	ck_assert_uint_eq(izin_revoked_count(rv), 0);
	free(list);
	izin_revoked_free(rv);
	izin_trust_free(t);
	izin_seckey_free(w);
}
END_TEST

static char *
sign_list(const char *body)
{
	char *out;
	size_t len;

	ck_assert_int_eq(izin_list_sign(sk, IZIN_REVOKED_KIND, ymd(2026, 11, 22),
	                                body, strlen(body), &out, &len), 0);
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

/* A revocation list's text into a fresh set: the error, and the count. */
static int
load_list(const char *text, size_t *count)
{
	izin_revoked *rv = izin_revoked_new();
	unsigned long line;
	int err;

	ck_assert_ptr_nonnull(rv);
	err = izin_revoked_load(rv, trust, text, strlen(text), &line);
	*count = izin_revoked_count(rv);
	izin_revoked_free(rv);
	return err;
}

START_TEST(revoked_permit)
{
	izin_revoked *rv;
	unsigned long line;
	char *list = sign_list("2C11JB0042-K exit permit 2026-11-20\n");
	const char *note;
	int field;

	/* The seal is genuine: only the list tells it is cancelled. */
	ck_assert_int_eq(open_with(trust, typ_text, NULL, &field), IZIN_OK);
	ck_assert_ptr_nonnull(rv = izin_revoked_new());
	ck_assert_int_eq(izin_revoked_load(rv, trust, list, strlen(list),
	                                   &line), 0);
	note = izin_revoked_find(rv, typ.permit);
	ck_assert_ptr_nonnull(note);
	ck_assert_str_eq(note, "exit permit 2026-11-20");
	ck_assert_ptr_null(izin_revoked_find(rv, "2C11JB0042"));
	izin_revoked_free(rv);
	free(list);
}
END_TEST

START_TEST(revocation_list_line_removed)
{
	static const char body[] =
	    "# cancelled 2026-11\n2C11JB0042-K exit permit\n2C11JB0043-K\n"
	    "2C11JB0044-K deported\n";
	char *list = sign_list(body), buf[1024];
	const char *line, *nl;
	size_t count, n = strlen(list);
	int lines = 0;

	ck_assert_int_eq(load_list(list, &count), 0);
	ck_assert_uint_eq(count, 3);
	/* Each body line removed in turn, the comment too. */
	for (line = list; line < list + sizeof body - 1; line = nl + 1) {
		nl = strchr(line, '\n');
		memcpy(buf, list, (size_t)(line - list));
		strcpy(buf + (line - list), nl + 1);
		ck_assert_int_eq(load_list(buf, &count), IZIN_EBADSIG);
		ck_assert_uint_eq(count, 0);
		lines++;
	}
	ck_assert_int_eq(lines, 4);
	/* The signature line removed. */
	memcpy(buf, list, sizeof body - 1);
	buf[sizeof body - 1] = '\0';
	ck_assert_int_eq(load_list(buf, &count), IZIN_EUNSIGNED);
	ck_assert_uint_eq(count, 0);
	/* A line repeated, two lines swapped. */
	snprintf(buf, sizeof buf, "2C11JB0043-K\n%s", list);
	ck_assert_int_eq(load_list(buf, &count), IZIN_EBADSIG);
	snprintf(buf, sizeof buf, "%s%s", "# cancelled 2026-11\n"
	         "2C11JB0043-K\n2C11JB0042-K exit permit\n",
	         list + strlen("# cancelled 2026-11\n2C11JB0042-K exit permit\n"
	                       "2C11JB0043-K\n"));
	ck_assert_int_eq(load_list(buf, &count), IZIN_EBADSIG);
	/* Without its last newline the list is the same list. */
	memcpy(buf, list, n - 1);
	buf[n - 1] = '\0';
	ck_assert_int_eq(load_list(buf, &count), 0);
	ck_assert_uint_eq(count, 3);
	free(list);
}
END_TEST

/* Lists the office never signed as revocation lists. */
START_TEST(revocation_list_forged)
{
	izin_seckey *other;
	char *list;
	size_t len, count;

	other = gen("KANIM-JKTSEL", ymd(2020, 1, 1), ymd(2030, 12, 31));
	ck_assert_int_eq(izin_list_sign(other, IZIN_REVOKED_KIND,
	                                ymd(2026, 11, 22), "A1\n", 3, &list,
	                                &len), 0);
	ck_assert_int_eq(load_list(list, &count), IZIN_EUNKNOWNKEY);
	free(list);
	/* Signed by the office, but as another kind of list; a trust list
	 * it may not sign at all. */
	ck_assert_int_eq(izin_list_sign(sk, "trust", ymd(2026, 11, 22), "A1\n",
	                                3, &list, &len), IZIN_EROLE);
	ck_assert_int_eq(izin_list_sign(sk, "notice", ymd(2026, 11, 22),
	                                "A1\n", 3, &list, &len), 0);
	ck_assert_int_eq(load_list(list, &count), IZIN_ELISTKIND);
	ck_assert_uint_eq(count, 0);
	free(list);
	izin_seckey_free(other);
}
END_TEST

/* A root key, and a trust store of it as --root gives one. */
static izin_seckey *
make_root(izin_trust **roots)
{
	izin_seckey *root;
	izin_pubkey rp;

	ck_assert_int_eq(izin_seckey_generate_root("DITJENIM", ymd(2020, 1, 1),
	                                           ymd(2099, 12, 31), &root), 0);
	rp = pub_of(root);
	*roots = trust_with(&rp);
	return root;
}

/* A signed list of this kind over body, signed directly with k whatever
 * its role: what a forger holding k writes, bypassing izin_list_sign's
 * refusal. */
static char *
forge_list(const izin_seckey *k, const char *kind, const char *body,
           size_t *len)
{
	izin_pubkey kp = pub_of(k);
	char kid[IZIN_KID_HEXLEN + 1], sigb[100], *out;
	size_t klen = strlen(kind), blen = strlen(body), n = 0;
	uint8_t m[2048], sig[IZIN_SIG_LEN];

	memcpy(m, kind, klen), n += klen, m[n++] = '\n';
	memcpy(m + n, "2026-06-01\n", 11), n += 11;
	memcpy(m + n, kp.kid, IZIN_KID_LEN), n += IZIN_KID_LEN;
	memcpy(m + n, body, blen), n += blen;
	ck_assert_int_eq(izin_sign_detached(k, IZIN_DOMAIN_LIST, DOMAIN_LIST_LEN,
	                                    m, n, sig), 0);
	izin_kid_format(kp.kid, kid);
	sodium_bin2base64(sigb, sizeof sigb, sig, sizeof sig,
	                  sodium_base64_VARIANT_ORIGINAL);
	ck_assert_int_ne(asprintf(&out, "%ssignature %s 2026-06-01 %s %s\n", body,
	                          kind, kid, sigb), -1);
	*len = strlen(out);
	return out;
}

START_TEST(stolen_office_key_signs_trust_list)
{
	izin_pubkey op = pub_of(sk);
	izin_trust *asroot = trust_with(&op), *t = izin_trust_new();
	char line[IZIN_PUBLINE_MAX], body[256], *list;
	size_t len;
	unsigned long at;

	/* The library will not sign it... */
	ck_assert_int_eq(izin_trustlist_sign(sk, trust, 1, ymd(2026, 6, 1),
	                                     ymd(2027, 1, 1), &list, &len),
	                 IZIN_EROLE);
	/* ...and a list signed by hand with the office key is refused even
	 * by a verifier that was handed the office key as its root. */
	izin_pubkey_format(&op, line);
	snprintf(body, sizeof body, "trust-list 9 2026-06-01 2027-01-31\n%s",
	         line);
	list = forge_list(sk, IZIN_TRUST_KIND, body, &len);
	ck_assert_int_eq(izin_trustlist_load(t, asroot, list, len, NULL, &at),
	                 IZIN_EROLE);
	ck_assert_uint_eq(izin_trust_count(t), 0);
	free(list);
	izin_trust_free(asroot);
	izin_trust_free(t);
}
END_TEST

START_TEST(root_key_seals_permit)
{
	izin_trust *roots;
	izin_seckey *root = make_root(&roots);
	izin_pubkey rp = pub_of(root);
	izin_permit p;
	uint8_t body[IZIN_BODY_MAX], sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT];
	int n, field;

	fill_permit(&p, "DITJENIM");
	ck_assert_int_eq(izin_seal(root, &p, text, &field), IZIN_EROLE);
	/* Signed by hand, and opened where root.pub sits among the office
	 * keys: never VALID. */
	n = izin_permit_encode(&p, rp.kid, body);
	ck_assert_int_gt(n, 0);
	sign_body(root, body, (size_t)n, sig);
	text_of(body, (size_t)n, sig, text);
	ck_assert_int_eq(open_with(roots, text, NULL, &field), IZIN_EROLE);
	/* Nor does a root sign a revocation list. */
	{
		izin_revoked *r = izin_revoked_new();
		char *list;
		size_t len;
		ck_assert_int_eq(izin_list_sign(root, IZIN_REVOKED_KIND,
		                                ymd(2026, 6, 1), "A1\n", 3,
		                                &list, &len), IZIN_EROLE);
		list = forge_list(root, IZIN_REVOKED_KIND, "A1\n", &len);
		ck_assert_int_eq(izin_revoked_load(r, roots, list, len, NULL),
		                 IZIN_EROLE);
		ck_assert_uint_eq(izin_revoked_count(r), 0);
		free(list);
		izin_revoked_free(r);
	}
	izin_seckey_free(root);
	izin_trust_free(roots);
}
END_TEST

START_TEST(withdrawal_undone_or_rolled_back)
{
	izin_trust *roots, *t = izin_trust_new(), *keys, *scratch;
	izin_seckey *root = make_root(&roots);
	izin_pubkey op = pub_of(sk), wp = op;
	char path[64];
	izin_trustlist_info i7, i8;
	char *l7, *l8, *undone, *at, dir[] = "/tmp/izin-adv-state.XXXXXX";
	char card[IZIN_TEXT_MAX + 1];
	size_t n7, n8;
	unsigned long held;
	izin_permit p;
	int field;

	keys = trust_with(&op);
	ck_assert_int_eq(izin_trustlist_sign(root, keys, 7, ymd(2026, 6, 1),
	                                     ymd(2027, 1, 31), &l7, &n7), 0);
	izin_trust_free(keys);
	ck_assert_int_eq(izin_pubkey_withdraw(&wp, ymd(2026, 9, 15)), 0);
	keys = trust_with(&wp);
	ck_assert_int_eq(izin_trustlist_sign(root, keys, 8, ymd(2026, 9, 20),
	                                     ymd(2027, 1, 31), &l8, &n8), 0);
	izin_trust_free(keys);
	ck_assert_int_eq(izin_trustlist_load(t, roots, l8, n8, &i8, NULL), 0);
	/* The thief's card, dated after the theft. */
	fill_permit(&p, op.office);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_ISSUED, "2026-10-01", 10), 0);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_VALID_FROM, "2026-10-01",
	                                 10), 0);
	ck_assert_int_gt(izin_seal(sk, &p, card, &field), 0);
	ck_assert_int_eq(open_with(t, card, NULL, &field), IZIN_EWITHDRAWN);
	ck_assert_int_eq(field, IZIN_F_ISSUED);
	/* The withdrawal edited out of list 8: the signature breaks. */
	undone = strdup(l8);
	at = strstr(undone, " withdrawn 2026-09-15");
	ck_assert_ptr_nonnull(at);
	memmove(at, at + 21, strlen(at + 21) + 1);
	scratch = izin_trust_new();
	ck_assert_int_eq(izin_trustlist_load(scratch, roots, undone,
	                                     strlen(undone), NULL, NULL),
	                 IZIN_EBADSIG);
	ck_assert_uint_eq(izin_trust_count(scratch), 0);
	/* List 7, genuine but older, once list 8 was accepted. */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(izin_trust_state_save(dir, &i8, l8, n8), 0);
	ck_assert_int_eq(izin_trustlist_load(scratch, roots, l7, n7, &i7, NULL),
	                 0);
	ck_assert_int_eq(izin_trust_state_check(dir, &i7, l7, n7, &held),
	                 IZIN_EROLLBACK);
	ck_assert_uint_eq(held, 8);
	snprintf(path, sizeof path, "%s/trust-", dir);
	izin_kid_format(i8.root_kid, path + strlen(path));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	izin_trust_free(scratch);
	free(undone);
	free(l7);
	free(l8);
	izin_trust_free(t);
	izin_trust_free(roots);
	izin_seckey_free(root);
}
END_TEST

START_TEST(version_byte_downgraded)
{
	static const uint8_t versions[] = { 0, 2, 0x81, 0xff };
	uint8_t body[IZIN_BODY_MAX], sig[IZIN_SIG_LEN];
	char text[FORGED_TEXT], *key, *at;
	izin_seckey *k;
	size_t keylen;
	int field;

	for (size_t i = 0; i < sizeof versions; i++) {
		memcpy(body, typ_body, typ_len);
		body[0] = versions[i];
		text_of(body, typ_len, typ_sig, text);
		ck_assert_int_eq(open_with(trust, text, NULL, &field),
		                 IZIN_EVERSION);
		/* Even signed by the trusted key over the new byte. */
		sign_body(sk, body, typ_len, sig);
		text_of(body, typ_len, sig, text);
		ck_assert_int_eq(open_with(trust, text, NULL, &field),
		                 IZIN_EVERSION);
	}
	/* A secret key file of another version is not read. */
	ck_assert_int_eq(izin_seckey_export(sk, NULL, 0, 0, 0, &key, &keylen),
	                 0);
	ck_assert_int_eq(izin_seckey_import(key, keylen, NULL, 0, &k), 0);
	izin_seckey_free(k);
	at = strchr(key, '\n');
	ck_assert_ptr_nonnull(at);
	at[-1] = '0';
	ck_assert_int_eq(izin_seckey_import(key, keylen, NULL, 0, &k),
	                 IZIN_EKEYFILE);
	ck_assert_ptr_null(k);
	at[-1] = '2';
	ck_assert_int_eq(izin_seckey_import(key, keylen, NULL, 0, &k),
	                 IZIN_EKEYFILE);
	izin_secure_free(key, keylen);
}
END_TEST

static void
repeat(char *buf, const char *unit, size_t times)
{
	size_t n = strlen(unit);

	for (size_t i = 0; i < times; i++)
		memcpy(buf + i * n, unit, n);
	buf[times * n] = '\0';
}

START_TEST(field_max_length_plus_one)
{
	static const struct { int field; size_t max; const char *unit; } f[] = {
		{ IZIN_F_PERMIT, IZIN_PERMIT_MAX, "A" },
		{ IZIN_F_INDEX, IZIN_INDEX_MAX, "B" },
		{ IZIN_F_NAME, IZIN_NAME_MAX, "n" },
		{ IZIN_F_NATIONALITY, IZIN_NATIONALITY_LEN, "D" },
		{ IZIN_F_PASSPORT, IZIN_PASSPORT_MAX, "7" },
		{ IZIN_F_OFFICE, IZIN_OFFICE_MAX, "K" },
		{ IZIN_F_SPONSOR, IZIN_SPONSOR_MAX, "s" },
		{ IZIN_F_ADDRESS, IZIN_ADDRESS_MAX, "a" },
	};
	char buf[512], name[IZIN_NAME_MAX + 8], text[IZIN_TEXT_MAX + 1];
	izin_record *r;
	izin_sighting s = { "2026-11-22T08:15:00+07:00", "T07", "officer", "",
	                    "", "" };
	izin_permit p, q;
	const char *what;
	int field, innote;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		p = typ;
		repeat(buf, f[i].unit, f[i].max);
		ck_assert_int_eq(izin_permit_set(&p, f[i].field, buf, f[i].max),
		                 0);
		repeat(buf, f[i].unit, f[i].max + 1);
		ck_assert_int_eq(izin_permit_set(&p, f[i].field, buf,
		                                 f[i].max + 1), IZIN_ELENGTH);
	}
	/* A name of 96 bytes in 32 three-byte characters seals and opens;
	 * one more character is too long. */
	p = typ;
	repeat(name, "\xe7\x8e\x8b", 32);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_NAME, name, 96), 0);
	ck_assert_int_gt(izin_seal(sk, &p, text, &field), 0);
	ck_assert_int_eq(izin_open(trust, text, strlen(text), &q, NULL, &field),
	                 0);
	ck_assert_str_eq(q.name, name);
	repeat(name, "\xe7\x8e\x8b", 33);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_NAME, name, 99),
	                 IZIN_ELENGTH);

	/* Over-long fields in a body the trusted key signed. */
	repeat(buf, "n", IZIN_NAME_MAX + 1);
	ck_assert_int_eq(forged_text_signed(0, buf, IZIN_NAME_MAX + 1, &field),
	                 IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_NAME);
	repeat(buf, "s", IZIN_SPONSOR_MAX + 1);
	ck_assert_int_eq(forged_text_signed(1, buf, IZIN_SPONSOR_MAX + 1,
	                                    &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_SPONSOR);
	repeat(buf, "a", IZIN_ADDRESS_MAX + 1);
	ck_assert_int_eq(forged_text_signed(2, buf, IZIN_ADDRESS_MAX + 1,
	                                    &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_ADDRESS);
	repeat(buf, "A", IZIN_PERMIT_MAX + 1);
	ck_assert_int_eq(forged_code_signed(0, buf, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_PERMIT);
	repeat(buf, "B", IZIN_INDEX_MAX + 1);
	ck_assert_int_eq(forged_code_signed(1, buf, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_INDEX);
	ck_assert_int_eq(forged_code_signed(2, "NLDX", &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_NATIONALITY);
	repeat(buf, "7", IZIN_PASSPORT_MAX + 1);
	ck_assert_int_eq(forged_code_signed(3, buf, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_PASSPORT);
	repeat(buf, "K", IZIN_OFFICE_MAX + 1);
	ck_assert_int_eq(forged_code_signed(4, buf, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_OFFICE);

	/* A record's name one byte over, as stay-check or report-log may
	 * hand it on. */
	ck_assert_ptr_nonnull(r = izin_record_new());
	ck_assert_int_eq(izin_record_from_permit(r, &typ), 0);
	repeat(buf, "n", IZIN_NAME_MAX + 1);
	ck_assert_int_eq(izin_record_set(r, "name", buf, IZIN_NAME_MAX + 1), 0);
	ck_assert_int_eq(izin_record_to_permit(r, &p, &field), IZIN_ELENGTH);
	ck_assert_int_eq(field, IZIN_F_NAME);
	izin_record_free(r);

	/* A sighting's reporter and place, a revocation note. */
	repeat(buf, "r", IZIN_REPORTER_MAX);
	s.reporter = buf;
	ck_assert_int_eq(izin_sighting_check(&s, &what), 0);
	repeat(buf, "r", IZIN_REPORTER_MAX + 1);
	ck_assert_int_eq(izin_sighting_check(&s, &what), IZIN_ELENGTH);
	ck_assert_str_eq(what, "reporter");
	s.reporter = "T07";
	repeat(buf, "p", IZIN_PLACE_MAX + 1);
	s.place = buf;
	ck_assert_int_eq(izin_sighting_check(&s, &what), IZIN_ELENGTH);
	ck_assert_str_eq(what, "place");
	memcpy(buf, "A1 ", 3);
	repeat(buf + 3, "x", IZIN_NOTE_MAX);
	ck_assert_int_eq(izin_revoked_check_line(buf, strlen(buf), &innote), 0);
	repeat(buf + 3, "x", IZIN_NOTE_MAX + 1);
	ck_assert_int_eq(izin_revoked_check_line(buf, strlen(buf), &innote),
	                 IZIN_ELENGTH);
	ck_assert_int_eq(innote, 1);
}
END_TEST

/*
 * Names that are not text a clerk can read: each is refused as a field
 * (name, sponsor, address), in a body the trusted key itself signed, and
 * in a revocation note, with the error given.
 */
static void
assert_bad_text(const char *val, size_t len, int want)
{
	izin_permit p = typ;
	char line[256];
	int field, innote;

	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_NAME, val, len), want);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_SPONSOR, val, len), want);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_ADDRESS, val, len), want);
	if (want != IZIN_OK)
		ck_assert_str_eq(p.name, typ.name);
	for (int t = 0; t < 3; t++) {
		ck_assert_int_eq(forged_text_signed(t, val, len, &field), want);
		ck_assert_int_eq(field, want == IZIN_OK ? IZIN_F_NONE :
		                 t == 0 ? IZIN_F_NAME :
		                 t == 1 ? IZIN_F_SPONSOR : IZIN_F_ADDRESS);
	}
	ck_assert_uint_lt(len + 3, sizeof line);
	memcpy(line, "A1 ", 3);
	memcpy(line + 3, val, len);
	ck_assert_int_eq(izin_revoked_check_line(line, len + 3, &innote), want);
	ck_assert_int_eq(innote, 1);
}

START_TEST(name_with_nul)
{
	izin_record *r;
	FILE *fp;
	izin_reader *rd;
	static const char tsv[] = "permit\tname\nA1\tAna\0Bob\nA2\tCut\n";
	static const char json[] =
	    "{\"permit\":\"A1\",\"name\":\"Ana\\u0000Bob\"}\n";

	assert_bad_text("Ana\0Bob", 7, IZIN_ECTRL);
	assert_bad_text("\0", 1, IZIN_ECTRL);
	/* Records hold no NUL: refused when set, and a line holding one
	 * is an error for that line alone. */
	ck_assert_ptr_nonnull(r = izin_record_new());
	ck_assert_int_eq(izin_record_set(r, "name", "Ana\0Bob", 7), IZIN_EINVAL);
	ck_assert_ptr_nonnull(fp = fmemopen((void *)tsv, sizeof tsv - 1, "r"));
	ck_assert_ptr_nonnull(rd = izin_reader_new(fp, IZIN_FMT_AUTO));
	ck_assert_int_eq(izin_reader_next(rd, r), IZIN_ERECORD);
	ck_assert_int_eq(izin_reader_next(rd, r), 1);
	ck_assert_str_eq(izin_record_get(r, "name", NULL), "Cut");
	izin_reader_free(rd);
	fclose(fp);
	ck_assert_ptr_nonnull(fp = fmemopen((void *)json, sizeof json - 1, "r"));
	ck_assert_ptr_nonnull(rd = izin_reader_new(fp, IZIN_FMT_AUTO));
	ck_assert_int_eq(izin_reader_next(rd, r), IZIN_EJSON);
	izin_reader_free(rd);
	fclose(fp);
	izin_record_free(r);
}
END_TEST

START_TEST(name_with_control_chars)
{
	static const char *const bad[] = {
		"Ana\x01", "\x1b[2J\x1b[31mAna", "Ana\x7f", "Ana\tBob",
		"Ana\nBob", "Ana\rBob", "Ana\xc2\x85" "Bob", "Ana\xc2\x9b" "2J",
		"Ana\xe2\x80\xa8" "Bob", "Ana\xe2\x80\xa9" "Bob",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_bad_text(bad[i], strlen(bad[i]), IZIN_ECTRL);
}
END_TEST

/* U+202E and friends: a name that prints as another than the one sealed. */
START_TEST(name_with_rtl_override)
{
	static const char *const bad[] = {
		"Ana \xe2\x80\xae" "KCAJ", "\xe2\x80\xad" "Ana",
		"\xe2\x80\xaa" "Ana", "\xe2\x80\xab" "Ana", "Ana\xe2\x80\xac",
		"\xe2\x81\xa6" "Ana", "\xe2\x81\xa7" "Ana", "\xe2\x81\xa8" "Ana",
		"Ana\xe2\x81\xa9", "\xe2\x80\x8f" "Ana", "\xe2\x80\x8e" "Ana",
		"\xd8\x9c" "Ana",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_bad_text(bad[i], strlen(bad[i]), IZIN_ECTRL);
	/* Right-to-left script itself is a name like any other. */
	assert_bad_text("\xd9\x85\xd8\xad\xd9\x85\xd8\xaf", 8, IZIN_OK);
}
END_TEST

START_TEST(name_with_invalid_utf8)
{
	static const struct { const char *s; size_t len; } bad[] = {
		{ "Ana\xff", 4 }, { "\xc0\x80", 2 }, { "\xc1\xbf", 2 },
		{ "\xe0\x80\xaf", 3 }, { "\xed\xa0\x80", 3 },
		{ "\xf4\x90\x80\x80", 4 }, { "Ana\xc3", 4 }, { "\x80" "Ana", 4 },
		{ "\xf8\x88\x80\x80\x80", 5 }, { "\xe7\x8e", 2 },
		/* Invalid UTF-8 wins over a control character. */
		{ "\x01\xff", 2 },
	};
	izin_record *r;
	struct { FILE *fp; char *buf; size_t len; } m;
	izin_writer *w;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_bad_text(bad[i].s, bad[i].len, IZIN_EUTF8);
	/* A JSON writer refuses such a value rather than garble it. */
	ck_assert_ptr_nonnull(r = izin_record_new());
	ck_assert_int_eq(izin_record_set(r, "name", "Ana\xff", 4), 0);
	ck_assert_ptr_nonnull(m.fp = open_memstream(&m.buf, &m.len));
	ck_assert_ptr_nonnull(w = izin_writer_new(m.fp, IZIN_FMT_JSON));
	ck_assert_int_eq(izin_writer_put(w, r), IZIN_EUTF8);
	izin_writer_free(w);
	fclose(m.fp);
	ck_assert_uint_eq(m.len, 0);
	free(m.buf);
	izin_record_free(r);
}
END_TEST

/* Malformed trust-store lines, each refused whole. */
START_TEST(trust_entry_malformed_key)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char *const weak[] = {
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"7P///////////////////////////////////////38=",
		"/////////////////////////////////////////38=",
	};
	char good[IZIN_PUBLINE_MAX], line[256], pk[64];
	const char *k, *b;
	izin_pubkey p;
	size_t n;
	uint8_t raw[IZIN_PK_LEN];

	n = (size_t)izin_pubkey_format(&pub, good);
	good[--n] = '\0';                       /* the newline */
	ck_assert_int_eq(izin_pubkey_parse(good, n, &p), 0);
	k = strrchr(good, ' ') + 1;
#define BAD(...) do { \
		snprintf(line, sizeof line, __VA_ARGS__); \
		ck_assert_msg(izin_pubkey_parse(line, strlen(line), &p) == \
		              IZIN_EKEYFILE, "accepted: %s", line); \
	} while (0)
	BAD("%.*s", (int)(k - good - 1), good);                 /* no key */
	BAD("%s %s", good, k);                                  /* 6 words */
	BAD("%s ", good);
	BAD(" %s", good);
	BAD("ABCD KANIM-JKTSEL 2020-01-01 2030-12-31 %s", k);   /* upper hex */
	BAD("abc KANIM-JKTSEL 2020-01-01 2030-12-31 %s", k);
	BAD("abcde KANIM-JKTSEL 2020-01-01 2030-12-31 %s", k);
	BAD("abcd kanim-jktsel 2020-01-01 2030-12-31 %s", k);
	BAD("abcd KANIM_JKTSEL 2020-01-01 2030-12-31 %s", k);
	BAD("abcd KANIM-JKTSEL 2020-02-30 2030-12-31 %s", k);
	BAD("abcd KANIM-JKTSEL 2030-12-31 2020-01-01 %s", k);   /* order */
	BAD("abcd KANIM-JKTSEL  2020-01-01 2030-12-31 %s", k);
	BAD("abcd\tKANIM-JKTSEL 2020-01-01 2030-12-31 %s", k);
	BAD("abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %.43s", k); /* no '=' */
	BAD("abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %.40s", k);
	BAD("abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %sAAAA", k);
	BAD("abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %.42s_=", k);
	/* A well-formed line parses, so each line above fails for its own
	 * fault. */
	snprintf(line, sizeof line, "abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %s",
	         k);
	ck_assert_int_eq(izin_pubkey_parse(line, strlen(line), &p), 0);
	/* The last digit's two padding bits set: the same bytes to a lax
	 * decoder, but not the one spelling. */
	snprintf(pk, sizeof pk, "%s", k);
	ck_assert_uint_eq(strlen(pk), 44);
	ck_assert_ptr_nonnull(b = strchr(b64, pk[42]));
	pk[42] = b64[(b - b64) ^ 1];
	ck_assert_int_eq(izin_unb64(pk, 44, raw, IZIN_PK_LEN), IZIN_EINVAL);
	BAD("abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %s", pk);
	/* Keys of small order, or not a point, would make a signature check
	 * meaningless: y = 0 (order 4), the identity, y = -1 (order 2), and
	 * y = 2^255 - 1, past the field.  Each is good Base64 of 32 bytes,
	 * so the point is what is refused. */
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		ck_assert_int_eq(izin_unb64(weak[i], 44, raw, IZIN_PK_LEN), 0);
		BAD("abcd KANIM-JKTSEL 2020-01-01 2030-12-31 %s", weak[i]);
	}
#undef BAD
}
END_TEST

/* ---- Command-line attacks ------------------------------------------- */

static char tooldir[PATH_MAX], rootdir[PATH_MAX], tmpdir[PATH_MAX + 16];
static char oldcwd[PATH_MAX];

/* What the last run() gave. */
static struct {
	int status;             /* exit status; -1 for a signal */
	char *out, *err;        /* NUL-ended */
	size_t outlen, errlen;
} res;

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	ck_assert_ptr_nonnull(buf = malloc((size_t)n + 1));
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static void
put_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static void
put_str(const char *path, const char *s)
{
	put_file(path, s, strlen(s), 0644);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Run a tool (argv[0], found in tooldir) in the temporary folder with
 * standard input from the file in (NULL: /dev/null); its exit status. */
static int
run_argv(const char *in, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char path[PATH_MAX + 64];
	pid_t pid;
	int st;

	snprintf(path, sizeof path, "%s/%s", tooldir, argv[0]);
	ck_assert_int_eq(posix_spawn_file_actions_init(&fa), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&fa, 0,
	    in ? in : "/dev/null", O_RDONLY, 0), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&fa, 1, ".run.out",
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&fa, 2, ".run.err",
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	ck_assert_msg(posix_spawn(&pid, path, &fa, NULL, argv, environ) == 0,
	              "cannot run %s", path);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	free(res.out);
	free(res.err);
	res.out = slurp(".run.out", &res.outlen);
	res.err = slurp(".run.err", &res.errlen);
	unlink(".run.out");
	unlink(".run.err");
	res.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return res.status;
}

#define RUN(in, ...) run_argv((in), (char *[]){ __VA_ARGS__, NULL })

/* The run's stderr holds s. */
#define ERR_HAS(s) ck_assert_msg(strstr(res.err, (s)) != NULL, \
	"stderr lacks \"%s\": %s", (s), res.err)

/*
 * One folder for the test case, made and removed by the runner itself: a
 * failed assertion ends a test's process without its teardown, and its
 * folder (a secret key in it) must still go.
 */
static void
root_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(rootdir, sizeof rootdir, "%s/izin-adversarial.XXXXXX",
	         base && *base ? base : "/tmp");
	if (mkdtemp(rootdir) == NULL) {
		perror(rootdir);
		exit(2);
	}
}

static void
root_teardown(void)
{
	rm_tree(rootdir);
}

/* The tools, a temporary folder to work in, and the office's key there:
 * office.key (unencrypted, 0600) and trust/office.pub. */
static void
cli_setup(void)
{
	char exe[PATH_MAX], line[IZIN_PUBLINE_MAX], *key;
	const char *bin = getenv("IZIN_BIN");
	size_t keylen;
	ssize_t n;
	int len;

	lib_setup();
	if (bin != NULL && *bin != '\0') {
		snprintf(tooldir, sizeof tooldir, "%s", bin);
	} else {
		/* argv[0] is not ours to see: the test binary is in tests/. */
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		ck_assert_int_gt(n, 0);
		exe[n] = '\0';
		snprintf(tooldir, sizeof tooldir, "%s/../cmd", dirname(exe));
	}
	ck_assert_ptr_nonnull(getcwd(oldcwd, sizeof oldcwd));
	snprintf(tmpdir, sizeof tmpdir, "%s/t.XXXXXX", rootdir);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_int_eq(izin_seckey_export(sk, NULL, 0, 0, 0, &key, &keylen),
	                 0);
	put_file("office.key", key, keylen, 0600);
	izin_secure_free(key, keylen);
	len = izin_pubkey_format(&pub, line);
	ck_assert_int_eq(mkdir("trust", 0755), 0);
	put_file("trust/office.pub", line, (size_t)len, 0644);
}

static void
cli_teardown(void)
{
	free(res.out);
	free(res.err);
	res.out = res.err = NULL;
	if (chdir(oldcwd) != 0)
		ck_abort_msg("cannot go back to %s", oldcwd);
	rm_tree(tmpdir);
	lib_teardown();
}

/* qr-issue with the typical permit's fields as options, then the rest
 * ("--permit", "A1", "--name", "Ana", ...). */
#define ISSUE_UNDATED(in, ...) RUN((in), "qr-issue", "-k", "office.key", \
	"--kind", "ITAS", "--index", "E33G", "--nationality", "NLD", \
	"--passport", "NX8K2L4P1", "--birth", "1985-03-14", "--sex", "M", \
	__VA_ARGS__)
#define ISSUE(in, ...) ISSUE_UNDATED((in), "--issued", "2026-11-20", \
	"--valid-until", "2027-11-19", __VA_ARGS__)

/* Value of column key in record row (0 is the first) of text in records
 * of izin-record(5); a copy, or NULL when there is no such record or
 * column.  *nrec gets the number of records (when not NULL). */
static char *
rec_value(const char *text, size_t len, size_t row, const char *key,
          size_t *nrec)
{
	FILE *fp;
	izin_reader *rd;
	izin_record *r;
	char *val = NULL;
	const char *v;
	size_t i = 0, vlen;
	int rc;

	if (nrec != NULL)
		*nrec = 0;
	if (len == 0)
		return NULL;
	ck_assert_ptr_nonnull(fp = fmemopen((void *)text, len, "r"));
	ck_assert_ptr_nonnull(rd = izin_reader_new(fp, IZIN_FMT_AUTO));
	ck_assert_ptr_nonnull(r = izin_record_new());
	while ((rc = izin_reader_next(rd, r)) != 0) {
		ck_assert_int_eq(rc, 1);
		if (i++ == row && (v = izin_record_get(r, key, &vlen)) != NULL) {
			ck_assert_ptr_nonnull(val = malloc(vlen + 1));
			memcpy(val, v, vlen + 1);
		}
	}
	if (nrec != NULL)
		*nrec = i;
	izin_record_free(r);
	izin_reader_free(rd);
	fclose(fp);
	return val;
}

/* The same for CSV output, read with the library's RFC 4180 reader; every
 * line must end in CRLF. */
static char *
csv_value(const char *text, size_t len, size_t row, const char *key)
{
	FILE *fp = fmemopen((void *)text, len, "r");
	const char *const *cells;
	const size_t *lens;
	izin_csv *csv;
	char *val = NULL;
	size_t n, col = (size_t)-1, i = 0;

	ck_assert_uint_gt(len, 2);
	ck_assert_mem_eq(text + len - 2, "\r\n", 2);
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(csv = izin_csv_new(fp));
	ck_assert_int_eq(izin_csv_next(csv, &cells, &lens, &n), 1);
	for (size_t k = 0; k < n; k++)
		if (strcmp(cells[k], key) == 0)
			col = k;
	ck_assert_msg(col != (size_t)-1, "no CSV column %s", key);
	while (izin_csv_next(csv, &cells, &lens, &n) == 1) {
		if (i++ != row)
			continue;
		ck_assert_uint_gt(n, col);
		ck_assert_ptr_nonnull(val = malloc(lens[col] + 1));
		memcpy(val, cells[col], lens[col] + 1);
	}
	izin_csv_free(csv);
	fclose(fp);
	return val;
}

/* Assert a column of a record of the last run's output. */
static void
out_is(int csv, size_t row, const char *key, const char *want)
{
	char *v = csv ? csv_value(res.out, res.outlen, row, key) :
	                rec_value(res.out, res.outlen, row, key, NULL);

	ck_assert_msg(v != NULL, "no %s in record %zu: %s", key, row, res.out);
	ck_assert_msg(strcmp(v, want) == 0, "%s: got \"%s\", want \"%s\"",
	              key, v, want);
	free(v);
}

/* A QR code holding len bytes as they are, drawn into a PNG. */
static void
write_qr(const char *path, const void *data, size_t len)
{
	QRcode *q = QRcode_encodeData((int)len, data, 0, QR_ECLEVEL_M);
	izin_render_opts o = { 4, 4, NULL, 0 };
	izin_qr qr;
	unsigned char *png;
	size_t n;

	ck_assert_ptr_nonnull(q);
	qr.version = q->version;
	qr.width = q->width;
	qr.modules = malloc((size_t)(q->width * q->width));
	ck_assert_ptr_nonnull(qr.modules);
	for (int i = 0; i < q->width * q->width; i++)
		qr.modules[i] = q->data[i] & 1;
	QRcode_free(q);
	ck_assert_int_eq(izin_render_png(&qr, &o, &png, &n), 0);
	put_file(path, png, n, 0644);
	free(png);
	free(qr.modules);
}

/* Every path under the temporary folder but the trust store and the key,
 * sorted, one a line. */
static char tree_buf[8192];
static size_t tree_len;

static int
tree_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)flag;
	if (ftw->level == 0 || strcmp(path, "./office.key") == 0 ||
	    strncmp(path, "./trust", 7) == 0)
		return 0;
	ck_assert_uint_lt(tree_len + n + 1, sizeof tree_buf);
	memcpy(tree_buf + tree_len, path, n);
	tree_buf[tree_len + n] = '\n';
	tree_len += n + 1;
	return 0;
}

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
tree(void)
{
	static char sorted[8192];
	char *lines[256], *p;
	size_t n = 0, o = 0;

	tree_len = 0;
	ck_assert_int_eq(nftw(".", tree_one, 16, FTW_PHYS), 0);
	tree_buf[tree_len] = '\0';
	for (p = strtok(tree_buf, "\n"); p != NULL; p = strtok(NULL, "\n")) {
		ck_assert_uint_lt(n, 256);
		lines[n++] = p;
	}
	qsort(lines, n, sizeof lines[0], cmp_lines);
	sorted[0] = '\0';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(sorted + o, sizeof sorted - o, "%s\n",
		                      lines[i]);
	return sorted;
}

START_TEST(qr_issue_path_traversal)
{
	static const char *const refused[] = {
		"../../x", "..\\x", "/etc/x", "A/../../B", "..", ".", "A B",
		"~/X", "A\\B", "$(ID)", "A%2F..%2FB",
	};
	static const char batch[] =
	    "permit,kind,index,name,nationality,passport,birth,sex,issued,"
	    "valid_until\r\n"
	    "../../x,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,"
	    "2027-11-19\r\n"
	    "/ETC/PASSWD,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,"
	    "2027-11-19\r\n"
	    "..\\x,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,2027-11-19\r\n"
	    "A/../../B,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,"
	    "2027-11-19\r\n"
	    "GOOD1,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,2027-11-19\r\n";

	/* Images go three folders down, so that a name that climbed two
	 * would still land in the temporary folder, where tree() sees it. */
	ck_assert_int_eq(mkdir("a", 0755), 0);
	ck_assert_int_eq(mkdir("a/b", 0755), 0);
	ck_assert_int_eq(mkdir("a/b/cards", 0755), 0);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		ck_assert_int_eq(ISSUE(NULL, "-d", "a/b/cards", "--permit",
		                       (char *)refused[i], "--name", "Ana"), 1);
		ERR_HAS("--permit: character not allowed");
		ck_assert_str_eq(res.out, "");
		ck_assert_str_eq(tree(), "./a\n./a/b\n./a/b/cards\n");
		ck_assert(!exists("/etc/x.png") && !exists("/etc/x"));
	}
	/* Slashes that pass as permit numbers stay inside the folder. */
	ck_assert_int_eq(ISSUE(NULL, "-d", "a/b/cards", "--permit", "/ETC/X",
	                       "--name", "Ana"), 0);
	out_is(0, 0, "file", "a/b/cards/_ETC_X.png");
	ck_assert_int_eq(ISSUE(NULL, "-d", "a/b/cards", "--permit", "//ETC//-",
	                       "--name", "Ana"), 0);
	out_is(0, 0, "file", "a/b/cards/__ETC__-.png");
	ck_assert_str_eq(tree(), "./a\n./a/b\n./a/b/cards\n"
	                 "./a/b/cards/_ETC_X.png\n./a/b/cards/__ETC__-.png\n");
	ck_assert(!exists("/etc/X.png") && !exists("/ETC"));
	/* The same in a batch: bad rows refused by line, good ones kept. */
	put_file("batch.csv", batch, sizeof batch - 1, 0644);
	ck_assert_int_eq(RUN(NULL, "qr-issue", "-k", "office.key", "--batch",
	                     "batch.csv", "-d", "a/b/cards"), 1);
	ERR_HAS("batch.csv:2: permit: character not allowed");
	ERR_HAS("batch.csv:4: permit: character not allowed");
	ERR_HAS("batch.csv:5: permit: character not allowed");
	ck_assert_str_eq(tree(), "./a\n./a/b\n./a/b/cards\n"
	                 "./a/b/cards/GOOD1.png\n./a/b/cards/_ETC_PASSWD.png\n"
	                 "./a/b/cards/_ETC_X.png\n./a/b/cards/__ETC__-.png\n"
	                 "./batch.csv\n");
}
END_TEST

START_TEST(csv_formula_injection)
{
	static const char name[] =
	    "=HYPERLINK(\"http://evil.example/\",\"Click\")";
	static const char sponsor[] = "+62 21 555 0100";
	static const char address[] = "@SUM(1+1)*cmd|' /C calc'!A0, Jakarta";
	/* Each tool in a mode that writes records, with its operand. */
	static const char *const tools[][5] = {
		{ "qr-issue", "-k", "office.key", "--batch", "x.csv" },
		{ "qr-scan", "-T", "trust", "card.png", NULL },
		{ "stay-check", "--on", "2026-11-22", "register.tsv", NULL },
		{ "report-log", "-d", "x.db", "--export", NULL },
	};
	char want[256];

	/* A legal name that a spreadsheet would run: kept as it is in TSV,
	 * led by a quote in CSV; so are a number that starts with '-' and
	 * the sponsor and address. */
	ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit", "-2C11JB42",
	                       "--name", (char *)name, "--sponsor",
	                       (char *)sponsor, "--address", (char *)address),
	                 0);
	put_file("register.tsv", res.out, res.outlen, 0644);
	out_is(0, 0, "name", name);
	out_is(0, 0, "sponsor", sponsor);
	out_is(0, 0, "permit", "-2C11JB42");
	ck_assert_int_eq(ISSUE(NULL, "-f", "-o", "card.png", "--csv",
	                       "--permit", "-2C11JB42", "--name", (char *)name,
	                       "--sponsor", (char *)sponsor, "--address",
	                       (char *)address), 0);
	snprintf(want, sizeof want, "'%s", name);
	out_is(1, 0, "name", want);
	out_is(1, 0, "sponsor", "'+62 21 555 0100");
	snprintf(want, sizeof want, "'%s", address);
	out_is(1, 0, "address", want);
	out_is(1, 0, "permit", "'-2C11JB42");
	out_is(1, 0, "kind", "ITAS");
	ck_assert(strstr(res.out, "\"'=HYPERLINK(\"\"http://evil.example/\"\","
	                          "\"\"Click\"\")\"") != NULL);

	/* The card is genuine: qr-scan says VALID, and CSV still escapes. */
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust", "--csv",
	                     "card.png"), 0);
	out_is(1, 0, "status", "VALID");
	snprintf(want, sizeof want, "'%s", name);
	out_is(1, 0, "name", want);
	ck_assert_int_eq(RUN("register.tsv", "stay-check", "--on", "2026-11-22",
	                     "--csv"), 0);
	out_is(1, 0, "name", want);
	out_is(1, 0, "state", "VALID");
	ck_assert_int_eq(RUN("register.tsv", "report-log", "-d", "x.db",
	                     "--reporter", "@T07", "--reporter-kind", "officer",
	                     "--at", "-6.2,106.8", "--csv"), 0);
	out_is(1, 0, "name", want);
	out_is(1, 0, "reporter", "'@T07");
	out_is(1, 0, "lat", "'-6.2");
	ck_assert_int_eq(RUN(NULL, "report-log", "-d", "x.db", "--export",
	                     "--csv"), 0);
	out_is(1, 0, "name", want);
	out_is(1, 0, "sponsor", "'+62 21 555 0100");
	/* The log itself keeps every byte. */
	ck_assert_int_eq(RUN(NULL, "report-log", "-d", "x.db", "--export"), 0);
	out_is(0, 0, "name", name);
	out_is(0, 0, "lat", "-6.2");

	/* --csv with --json is a usage error for every tool. */
	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		ck_assert_int_eq(RUN("register.tsv", (char *)tools[i][0],
		                     "--csv", "--json", (char *)tools[i][1],
		                     (char *)tools[i][2], (char *)tools[i][3],
		                     (char *)tools[i][4]), 2);
		ERR_HAS("--json and --csv contradict");
	}
}
END_TEST

/* SQL meta-characters in every column name and value of a record, in the
 * sighting's own fields, and in query arguments: stored and given back
 * byte for byte, the tables intact. */
START_TEST(sql_metacharacters_in_every_field)
{
	static const char *const meta[] = {
		"'); DROP TABLE sighting; --", "\" OR 1=1 --", "%", "_", "\\",
		"Robert'); DROP TABLE sightings;--",
		"'; DELETE FROM head; SELECT '", "*/ DROP TABLE layout; /*",
		"1; ATTACH DATABASE 'pwned.db' AS x; --",
		"\\'\\\"\\\\%_", "%' OR permit LIKE '%", "?1 ?2 :x @y $z",
	};
	static const char *const cols[] = {
		"permit", "name", "note'); DROP TABLE meta; --", "\" OR \"\"=\"",
		"%_", "text",
	};
	enum { NMETA = sizeof meta / sizeof meta[0], NCOLS = 6 };
	izin_writer *w;
	izin_record *r;
	FILE *fp;
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t nrec;
	char *v, count[32];

	ck_assert_ptr_nonnull(fp = fopen("in.tsv", "w"));
	ck_assert_ptr_nonnull(w = izin_writer_new(fp, IZIN_FMT_TSV));
	ck_assert_ptr_nonnull(r = izin_record_new());
	for (size_t i = 0; i < NMETA; i++) {
		izin_record_clear(r);
		for (size_t c = 0; c < NCOLS; c++) {
			const char *m = meta[(i + c) % NMETA];
			ck_assert_int_eq(izin_record_set(r, cols[c], m,
			                                 strlen(m)), 0);
		}
		ck_assert_int_eq(izin_writer_put(w, r), 0);
	}
	izin_writer_free(w);
	izin_record_free(r);
	ck_assert_int_eq(fclose(fp), 0);

	ck_assert_int_eq(RUN("in.tsv", "report-log", "-d", "log.db",
	                     "--reporter", (char *)meta[0], "--reporter-kind",
	                     "hotel", "--place", (char *)meta[1], "--time",
	                     "2026-11-22T08:15:00+07:00"), 0);
	ck_assert_int_eq(RUN(NULL, "report-log", "-d", "log.db", "--export",
	                     "--json"), 0);
	v = rec_value(res.out, res.outlen, 0, "seq", &nrec);
	free(v);
	ck_assert_uint_eq(nrec, NMETA);
	for (size_t i = 0; i < NMETA; i++) {
		for (size_t c = 0; c < NCOLS; c++)
			out_is(0, i, cols[c], meta[(i + c) % NMETA]);
		out_is(0, i, "reporter", meta[0]);
		out_is(0, i, "place", meta[1]);
	}
	ck_assert_int_eq(RUN(NULL, "report-log", "-d", "log.db", "--verify"), 0);
	snprintf(count, sizeof count, ": %d sightings,", (int)NMETA);
	ck_assert_ptr_nonnull(strstr(res.out, count));
	/* Query arguments are values, not patterns. */
	for (size_t i = 0; i < NMETA; i++) {
		ck_assert_int_eq(RUN(NULL, "report-log", "-d", "log.db",
		                     "--trail", (char *)meta[i]), 0);
		free(rec_value(res.out, res.outlen, 0, "seq", &nrec));
		ck_assert_msg(nrec == 1, "trail of %s: %zu", meta[i], nrec);
		out_is(0, 0, "permit", meta[i]);
		ck_assert_int_eq(RUN(NULL, "report-log", "-d", "log.db",
		                     "--last-seen", "--permit",
		                     (char *)meta[i]), 0);
		free(rec_value(res.out, res.outlen, 0, "seq", &nrec));
		ck_assert_uint_eq(nrec, 1);
	}
	ck_assert_int_eq(RUN(NULL, "report-log", "-d", "log.db", "--trail",
	                     "' OR '1'='1"), 0);
	free(rec_value(res.out, res.outlen, 0, "seq", &nrec));
	ck_assert_uint_eq(nrec, 0);
	ck_assert(!exists("pwned.db"));
	/* Every table is there, every sighting in it. */
	ck_assert_int_eq(sqlite3_open_v2("log.db", &db, SQLITE_OPEN_READONLY,
	                                 NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM"
	    " sqlite_master WHERE type = 'table' AND name IN ('sighting',"
	    " 'layout', 'head', 'meta')), (SELECT count(*) FROM sighting)",
	    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 4);
	ck_assert_int_eq(sqlite3_column_int(st, 1), NMETA);
	sqlite3_finalize(st);
	sqlite3_close(db);
}
END_TEST

START_TEST(secret_key_mode_0644)
{
	static const mode_t loose[] = { 0644, 0640, 0604, 0660, 0620, 0602,
	                                0601, 0610 };
	izin_seckey *k;
	izin_pubkey p;

	ck_assert_int_eq(izin_seckey_load("office.key", NULL, 0, &k), 0);
	izin_seckey_free(k);
	for (size_t i = 0; i < sizeof loose / sizeof loose[0]; i++) {
		ck_assert_int_eq(chmod("office.key", loose[i]), 0);
		ck_assert_int_eq(izin_seckey_load("office.key", NULL, 0, &k),
		                 IZIN_EKEYPERM);
		ck_assert_ptr_null(k);
		ck_assert_int_eq(izin_seckey_load_public("office.key", &p),
		                 IZIN_EKEYPERM);
	}
	ck_assert_int_eq(chmod("office.key", 0400), 0);
	ck_assert_int_eq(izin_seckey_load("office.key", NULL, 0, &k), 0);
	izin_seckey_free(k);
	/* A link to a good key, a FIFO (not waited on), a folder. */
	ck_assert_int_eq(chmod("office.key", 0600), 0);
	ck_assert_int_eq(symlink("office.key", "link.key"), 0);
	ck_assert_int_eq(izin_seckey_load("link.key", NULL, 0, &k), IZIN_EIO);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(mkfifo("fifo.key", 0600), 0);
	ck_assert_int_eq(izin_seckey_load("fifo.key", NULL, 0, &k),
	                 IZIN_ENOTFILE);
	ck_assert_int_eq(izin_seckey_load("trust", NULL, 0, &k), IZIN_ENOTFILE);

	/* The tools refuse it, naming the permissions, and write nothing. */
	ck_assert_int_eq(chmod("office.key", 0644), 0);
	ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit", "A1",
	                       "--name", "Ana"), 2);
	ERR_HAS("office.key: secret key readable by group or others");
	ERR_HAS("chmod 600");
	ck_assert(!exists("card.png"));
	ck_assert_str_eq(res.out, "");
	ck_assert_int_eq(ISSUE(NULL, "-n", "--permit", "A1", "--name", "Ana"),
	                 2);
	ERR_HAS("readable by group or others");
	put_str("cancel.txt", "A1\n");
	ck_assert_int_eq(RUN(NULL, "qr-revoke", "-k", "office.key", "-o",
	                     "revoked.txt", "cancel.txt"), 2);
	ERR_HAS("readable by group or others");
	ck_assert(!exists("revoked.txt"));
}
END_TEST

START_TEST(trust_entry_malformed_key_cli)
{
	char good[IZIN_PUBLINE_MAX], text[512];
	izin_trust *t;
	unsigned long line;
	char where[PATH_MAX];

	ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit", "A1",
	                       "--name", "Ana"), 0);
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust", "card.png"), 0);
	out_is(0, 0, "status", "VALID");
	/* A bad entry after a good one in another file: the store is
	 * refused whole, before any image is read. */
	izin_pubkey_format(&pub, good);
	ck_assert_int_eq(mkdir("bad", 0755), 0);
	put_file("bad/a.pub", good, strlen(good), 0644);
	snprintf(text, sizeof text, "# second office\n%s%.4s KANIM-SBY "
	         "2020-01-01 2030-12-31 "
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", good, good);
	put_file("bad/b.pub", text, strlen(text), 0644);
	ck_assert_ptr_nonnull(t = izin_trust_new());
	ck_assert_int_eq(izin_trust_load(t, "bad", &line, where, sizeof where),
	                 IZIN_EKEYFILE);
	ck_assert_uint_eq(line, 3);
	ck_assert_str_eq(where, "bad/b.pub");
	izin_trust_free(t);
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "bad", "card.png"), 2);
	ERR_HAS("qr-scan: bad/b.pub:3: malformed key");
	ck_assert_str_eq(res.out, "");
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "bad/b.pub", "card.png"), 2);
	ERR_HAS("bad/b.pub:3: malformed key");
	/* A store of comments only trusts nothing: refused, not empty. */
	put_str("bad/b.pub", "# nothing\n");
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "bad/b.pub", "card.png"), 2);
	ck_assert_str_eq(res.out, "");
}
END_TEST

/* The office key is valid for permits issued 2020 to 2030: the tools
 * will not sign past it, nor a list dated past it. */
START_TEST(key_used_after_window_cli)
{
	ck_assert_int_eq(ISSUE_UNDATED(NULL, "-o", "card.png", "--permit", "A1",
	                               "--name", "Ana", "--issued", "2031-01-01",
	                               "--valid-until", "2032-01-01"), 1);
	ERR_HAS("--issued: outside the key's validity window");
	ck_assert(!exists("card.png"));
	ck_assert_int_eq(ISSUE_UNDATED(NULL, "-n", "--permit", "A1", "--name",
	                               "Ana", "--issued", "2019-12-31",
	                               "--valid-until", "2020-12-31"), 1);
	ERR_HAS("--issued: outside the key's validity window");
	ck_assert_int_eq(ISSUE_UNDATED(NULL, "-o", "card.png", "--permit", "A1",
	                               "--name", "Ana", "--issued", "2030-12-31",
	                               "--valid-until", "2031-12-31"), 0);
	put_str("cancel.txt", "A1\n");
	ck_assert_int_eq(RUN(NULL, "qr-revoke", "-k", "office.key", "--date",
	                     "2031-01-01", "-o", "revoked.txt", "cancel.txt"),
	                 2);
	ERR_HAS("--date is outside the key's validity window");
	ck_assert(!exists("revoked.txt"));
}
END_TEST

/* A forged card, as a printed code: qr-scan says BAD_SIGNATURE and shows
 * what it claims; stay-check gives it no verdict on its dates. */
START_TEST(forged_card_scanned)
{
	izin_permit q = typ;
	uint8_t body[IZIN_BODY_MAX];
	char text[FORGED_TEXT];
	izin_qr *qr;
	izin_render_opts o = { 4, 4, NULL, 0 };
	unsigned char *png;
	size_t n;
	int len;

	ck_assert_int_eq(izin_permit_set(&q, IZIN_F_VALID_UNTIL, "2036-11-19",
	                                 10), 0);
	len = izin_permit_encode(&q, pub.kid, body);
	text_of(body, (size_t)len, typ_sig, text);
	ck_assert_int_eq(izin_qr_encode(text, strlen(text), IZIN_ECC_M, &qr), 0);
	ck_assert_int_eq(izin_render_png(qr, &o, &png, &n), 0);
	put_file("forged.png", png, n, 0644);
	free(png);
	izin_qr_free(qr);
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust", "forged.png"), 1);
	out_is(0, 0, "status", "BAD_SIGNATURE");
	out_is(0, 0, "valid_until", "2036-11-19");
	put_file("scan.tsv", res.out, res.outlen, 0644);
	ck_assert_int_eq(RUN("scan.tsv", "stay-check", "--on", "2026-11-22"), 1);
	out_is(0, 0, "state", "UNVERIFIED");
	out_is(0, 0, "days", "");
}
END_TEST

/* The same card, revoked: REVOKED, never VALID, with a list; a list with
 * a line removed is refused (exit 2), not ignored. */
START_TEST(revoked_permit_scanned)
{
	char *list;
	size_t len;

	ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit",
	                       "2C11JB0042-K", "--name", "Ana"), 0);
	ck_assert_int_eq(ISSUE(NULL, "-o", "other.png", "--permit",
	                       "2C11JB0043-K", "--name", "Ana"), 0);
	put_str("cancel.txt", "# cancelled\n2C11JB0042-K exit permit\n"
	        "2C11JB0099-K\n");
	ck_assert_int_eq(RUN(NULL, "qr-revoke", "-k", "office.key", "--date",
	                     "2026-11-22", "-o", "revoked.txt", "cancel.txt"),
	                 0);
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust", "-R",
	                     "revoked.txt", "card.png", "other.png"), 1);
	out_is(0, 0, "status", "REVOKED");
	out_is(0, 0, "detail", "exit permit");
	out_is(0, 1, "status", "VALID");
	put_file("scan.tsv", res.out, res.outlen, 0644);
	ck_assert_int_eq(RUN("scan.tsv", "stay-check", "--on", "2026-11-22",
	                     "-o", "UNVERIFIED"), 1);
	out_is(0, 0, "status", "REVOKED");
	out_is(0, 0, "state", "UNVERIFIED");
	/* The list with its revoking line taken out. */
	list = slurp("revoked.txt", &len);
	{
		char *at = strstr(list, "2C11JB0042-K exit permit\n");
		ck_assert_ptr_nonnull(at);
		memmove(at, at + 25, len - (size_t)(at - list) - 25 + 1);
	}
	put_file("dropped.txt", list, strlen(list), 0644);
	free(list);
	ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust", "-R",
	                     "dropped.txt", "card.png"), 2);
	ERR_HAS("dropped.txt: revocation list refused: bad signature");
	ck_assert_str_eq(res.out, "");
}
END_TEST

/* A prankster's code holding a NUL byte, or bytes that are not UTF-8: a
 * record for each, and the run goes on to the genuine card after them. */
START_TEST(qr_scan_code_with_nul_or_binary)
{
	ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit", "A1",
	                       "--name", "Ana"), 0);
	write_qr("nul.png", "HELLO\0WORLD", 11);
	write_qr("iznul.png", "IZ:\0", 4);
	write_qr("ff.png", "A\xff" "B", 3);
	write_qr("esc.png", "IZ:\xc0\x80", 5);
	for (int json = 0; json < 2; json++) {
		if (json)
			ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust",
			                     "--json", "nul.png", "iznul.png",
			                     "ff.png", "esc.png", "card.png"), 1);
		else
			ck_assert_int_eq(RUN(NULL, "qr-scan", "-T", "trust",
			                     "nul.png", "iznul.png", "ff.png",
			                     "esc.png", "card.png"), 1);
		ck_assert_str_eq(res.err, "");
		out_is(0, 0, "status", "FOREIGN");
		out_is(0, 0, "text", "HELLO\xef\xbf\xbdWORLD");
		out_is(0, 1, "status", "MALFORMED");
		out_is(0, 1, "text", "IZ:\xef\xbf\xbd");
		out_is(0, 2, "status", "FOREIGN");
		/* No ECI, not UTF-8, not Shift_JIS: ISO-8859-1, as ZXing
		 * reads it (qrtext.c), so 0xff is U+00FF. */
		out_is(0, 2, "text", "A\xc3\xbf" "B");
		out_is(0, 3, "status", "MALFORMED");
		out_is(0, 3, "text", "IZ:\xef\xbf\xbd\xef\xbf\xbd");
		out_is(0, 4, "status", "VALID");
	}
	/* --raw gives the bytes as they are. */
	ck_assert_int_eq(RUN(NULL, "qr-scan", "--raw", "nul.png"), 0);
	ck_assert_uint_eq(res.outlen, 12);
	ck_assert_mem_eq(res.out, "HELLO\0WORLD\n", 12);
}
END_TEST

/* Names the tools must refuse: control characters, an override, bytes
 * that are not UTF-8, one byte too many; and a NUL in a CSV cell. */
START_TEST(qr_issue_hostile_names)
{
	static const char *const bad[][2] = {
		{ "Ana\x1b[2J", "--name: control character" },
		{ "Ana \xe2\x80\xae" "KCAJ", "--name: control character" },
		{ "Ana\xff", "--name: invalid UTF-8" },
		{ "Ana\nBob", "--name: control character" },
	};
	static const char batch[] =
	    "permit,kind,index,name,nationality,passport,birth,sex,issued,"
	    "valid_until,address\r\n"
	    "B1,ITAS,E33G,Ana\0Bob,BRA,FX1,1990-05-17,F,2026-11-20,"
	    "2027-11-19,\r\n"
	    "B2,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,2027-11-19,"
	    "\"Jl. A\xe2\x80\xae\"\r\n"
	    "G1,ITAS,E33G,Ana,BRA,FX1,1990-05-17,F,2026-11-20,2027-11-19,\r\n";
	char longname[IZIN_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit", "A1",
		                       "--name", (char *)bad[i][0]), 1);
		ERR_HAS(bad[i][1]);
		ck_assert(!exists("card.png"));
	}
	repeat(longname, "n", IZIN_NAME_MAX + 1);
	ck_assert_int_eq(ISSUE(NULL, "-o", "card.png", "--permit", "A1",
	                       "--name", longname), 1);
	ERR_HAS("--name: too long");
	ck_assert(!exists("card.png"));
	put_file("batch.csv", batch, sizeof batch - 1, 0644);
	ck_assert_int_eq(RUN(NULL, "qr-issue", "-k", "office.key", "--batch",
	                     "batch.csv", "-d", "cards"), 1);
	ERR_HAS("batch.csv:2: name: control character");
	ERR_HAS("batch.csv:3: address: control character");
	out_is(0, 0, "permit", "G1");
	ck_assert_str_eq(tree(), "./batch.csv\n./cards\n./cards/G1.png\n");
	/* A sighting's reporter one byte over. */
	repeat(longname, "r", IZIN_REPORTER_MAX + 1);
	ck_assert_int_eq(RUN(NULL, "report-log", "-d", "x.db", "--reporter",
	                     longname, "--reporter-kind", "officer"), 2);
	ERR_HAS("--reporter: too long");
	ck_assert(!exists("x.db"));
}
END_TEST

static Suite *
adversarial_suite(void)
{
	Suite *s = suite_create("adversarial");
	TCase *tc;

	tc = tcase_create("forger");
	tcase_add_checked_fixture(tc, lib_setup, lib_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, forgers_encoder_is_faithful);
	tcase_add_test(tc, forged_field_changed);
	tcase_add_test(tc, signature_copied_from_other_permit);
	tcase_add_test(tc, signature_made_for_a_list);
	tcase_add_test(tc, second_key_claims_first_key_id);
	tcase_add_test(tc, key_used_after_window);
	tcase_add_test(tc, revoked_permit);
	tcase_add_test(tc, revocation_list_line_removed);
	tcase_add_test(tc, revocation_list_forged);
	tcase_add_test(tc, stolen_office_key_signs_trust_list);
	tcase_add_test(tc, root_key_seals_permit);
	tcase_add_test(tc, withdrawal_undone_or_rolled_back);
	tcase_add_test(tc, version_byte_downgraded);
	tcase_add_test(tc, field_max_length_plus_one);
	suite_add_tcase(s, tc);

	tc = tcase_create("prankster");
	tcase_add_checked_fixture(tc, lib_setup, lib_teardown);
	tcase_add_test(tc, name_with_nul);
	tcase_add_test(tc, name_with_control_chars);
	tcase_add_test(tc, name_with_rtl_override);
	tcase_add_test(tc, name_with_invalid_utf8);
	tcase_add_test(tc, trust_entry_malformed_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("tools");
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, cli_setup, cli_teardown);
	/* Tools under valgrind (IZIN_BIN) run some thirty times slower. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, qr_issue_path_traversal);
	tcase_add_test(tc, csv_formula_injection);
	tcase_add_test(tc, sql_metacharacters_in_every_field);
	tcase_add_test(tc, secret_key_mode_0644);
	tcase_add_test(tc, key_used_after_window_cli);
	tcase_add_test(tc, trust_entry_malformed_key_cli);
	tcase_add_test(tc, forged_card_scanned);
	tcase_add_test(tc, revoked_permit_scanned);
	tcase_add_test(tc, qr_scan_code_with_nul_or_binary);
	tcase_add_test(tc, qr_issue_hostile_names);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(adversarial_suite)
