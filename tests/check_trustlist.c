/*
 * Trust lists: root and office roles, signing and loading lists, the
 * attacks on them (each refused with its line), withdrawal, freshness,
 * rollback state, and revocation lists' next-update line.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "fixture.h"
#include "izin_internal.h"
#include "tool.h"

static izin_seckey *root, *office, *office2;
static izin_trust *roots, *offices;
static char tmpdir[64];

static void
setup(void)
{
	izin_pubkey p;

	ck_assert_int_eq(izin_init(), IZIN_OK);
	ck_assert_int_eq(izin_seckey_generate_root("DITJENIM", ymd(2020, 1, 1),
	    ymd(2099, 12, 31), &root), IZIN_OK);
	office = gen("KANIM-JKTSEL", ymd(2026, 1, 1), ymd(2030, 12, 31));
	office2 = gen("KANIM-SBY", ymd(2026, 1, 1), ymd(2030, 12, 31));
	p = pub_of(root);
	roots = trust_with(&p);
	offices = izin_trust_new();
	p = pub_of(office);
	ck_assert_int_eq(izin_trust_add(offices, &p), IZIN_OK);
	p = pub_of(office2);
	ck_assert_int_eq(izin_trust_add(offices, &p), IZIN_OK);
	snprintf(tmpdir, sizeof tmpdir, "/tmp/izin-trustlist.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	izin_seckey_free(root);
	izin_seckey_free(office);
	izin_seckey_free(office2);
	izin_trust_free(roots);
	izin_trust_free(offices);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The office keys signed by the root as list seq, issued 2026-06-01, due
 * 2027-01-31; caller frees. */
static char *
make_list(unsigned long seq, size_t *len)
{
	char *out;

	ck_assert_int_eq(izin_trustlist_sign(root, offices, seq,
	    ymd(2026, 6, 1), ymd(2027, 1, 31), &out, len), IZIN_OK);
	return out;
}

/* A body signed by the root as a trust list as it stands, whatever it
 * says: what an attacker with the root would need, and what the parser
 * must still refuse line by line. */
static char *
sign_body(const char *body, size_t *len)
{
	char *out;

	ck_assert_int_eq(izin_list_sign(root, IZIN_TRUST_KIND, ymd(2026, 6, 1),
	    body, strlen(body), &out, len), IZIN_OK);
	return out;
}

/* Load text with the roots: the error, the line to *line, and no key
 * added on failure. */
static int
load(const char *text, size_t len, unsigned long *line)
{
	izin_trust *t = izin_trust_new();
	izin_trustlist_info info;
	int err = izin_trustlist_load(t, roots, text, len, &info, line);

	if (err)
		ck_assert_uint_eq(izin_trust_count(t), 0);
	izin_trust_free(t);
	return err;
}

/* Seal the typical permit issued on issued with sk. */
static int
seal_on(const izin_seckey *sk, const char *issued, char *text)
{
	izin_permit p;
	int field;

	fill_permit(&p, pub_of(sk).office);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_ISSUED, issued,
	    strlen(issued)), IZIN_OK);
	ck_assert_int_eq(izin_permit_set(&p, IZIN_F_VALID_FROM, issued,
	    strlen(issued)), IZIN_OK);
	return izin_seal(sk, &p, text, &field);
}

static int
open_with(const izin_trust *t, const char *text, int n)
{
	izin_permit p;
	uint8_t kid[IZIN_KID_LEN];
	int field;

	return izin_open(t, text, (size_t)n, &p, kid, &field);
}

/* The key line of pub as a trust list writes it, without newline. */
static void
key_line(const izin_pubkey *pub, char *buf)
{
	int n = izin_pubkey_format(pub, buf);
	buf[n - 1] = '\0';
}

START_TEST(root_role)
{
	izin_pubkey p = pub_of(root), back;
	char line[IZIN_PUBLINE_MAX], text[IZIN_TEXT_MAX + 1], *file;
	size_t len;
	izin_seckey *sk;
	izin_permit permit;
	int field, n;

	ck_assert_int_eq(p.role, IZIN_ROLE_ROOT);
	n = izin_pubkey_format(&p, line);
	ck_assert_str_eq(line + n - 6, " root\n");
	ck_assert_int_eq(izin_pubkey_parse(line, (size_t)n - 1, &back), IZIN_OK);
	ck_assert_int_eq(back.role, IZIN_ROLE_ROOT);
	/* Another sixth word, a seventh, a withdrawn marker: not a .pub. */
	memcpy(line + n - 5, "rooT", 4);
	ck_assert_int_eq(izin_pubkey_parse(line, (size_t)n - 1, &back),
	    IZIN_EKEYFILE);
	/* An office line is five words, as before. */
	p = pub_of(office);
	n = izin_pubkey_format(&p, line);
	ck_assert_int_eq(izin_pubkey_parse(line, (size_t)n - 1, &back), IZIN_OK);
	ck_assert_int_eq(back.role, IZIN_ROLE_OFFICE);
	/* The role survives the key file, encrypted or not. */
	ck_assert_int_eq(izin_seckey_export(root, "pw", 2, 1, 8192, &file, &len),
	    IZIN_OK);
	ck_assert_int_eq(izin_seckey_import(file, len, "pw", 2, &sk), IZIN_OK);
	ck_assert_int_eq(pub_of(sk).role, IZIN_ROLE_ROOT);
	izin_seckey_free(sk);
	izin_secure_free(file, len);
	/* A root never seals a permit. */
	fill_permit(&permit, "DITJENIM");
	ck_assert_int_eq(izin_seal(root, &permit, text, &field), IZIN_EROLE);
	p = pub_of(root);
	ck_assert_int_eq(izin_seal_check(&p, &permit, &field), IZIN_EROLE);
}
END_TEST

START_TEST(open_refuses_root_key)
{
	char text[IZIN_TEXT_MAX + 1];
	izin_pubkey p = pub_of(office);
	izin_trust *t;
	int n = seal_on(office, "2026-03-01", text);

	/* The same key standing as a root: its permits are not taken. */
	ck_assert_int_gt(n, 0);
	p.role = IZIN_ROLE_ROOT;
	t = trust_with(&p);
	ck_assert_int_eq(open_with(t, text, n), IZIN_EROLE);
	izin_trust_free(t);
}
END_TEST

START_TEST(sign_and_load)
{
	size_t len;
	char *list = make_list(7, &len);
	izin_trust *t = izin_trust_new();
	izin_trustlist_info info;
	unsigned long line = 99;
	char text[IZIN_TEXT_MAX + 1];
	int n;

	ck_assert_int_eq(strncmp(list, "trust-list 7 2026-06-01 2027-01-31\n",
	    35), 0);
	ck_assert_int_eq(izin_trustlist_load(t, roots, list, len, &info, &line),
	    IZIN_OK);
	ck_assert_uint_eq(line, 0);
	ck_assert_uint_eq(info.seq, 7);
	ck_assert_int_eq(info.issued, ymd(2026, 6, 1));
	ck_assert_int_eq(info.next_update, ymd(2027, 1, 31));
	ck_assert_mem_eq(info.root_kid, pub_of(root).kid, IZIN_KID_LEN);
	ck_assert_uint_eq(info.keys, 2);
	ck_assert_uint_eq(izin_trust_count(t), 2);
	n = seal_on(office, "2026-03-01", text);
	ck_assert_int_eq(open_with(t, text, n), IZIN_OK);
	n = seal_on(office2, "2026-03-01", text);
	ck_assert_int_eq(open_with(t, text, n), IZIN_OK);
	/* Read unverified, the same. */
	izin_trust_free(t);
	t = izin_trust_new();
	ck_assert_int_eq(izin_trustlist_read(t, list, len, &info, &line),
	    IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 2);
	izin_trust_free(t);
	free(list);
}
END_TEST

START_TEST(sign_refusals)
{
	char *out;
	size_t len;
	izin_trust *t;
	izin_pubkey p;

	ck_assert_int_eq(izin_trustlist_sign(office, offices, 1, ymd(2026, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_EROLE);
	ck_assert_int_eq(izin_list_sign(office, IZIN_TRUST_KIND, ymd(2026, 6, 1),
	    "x\n", 2, &out, &len), IZIN_EROLE);
	ck_assert_int_eq(izin_list_sign(root, IZIN_REVOKED_KIND,
	    ymd(2026, 6, 1), "A1\n", 3, &out, &len), IZIN_EROLE);
	ck_assert_int_eq(izin_trustlist_sign(root, offices, 0, ymd(2026, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_EINVAL);
	ck_assert_int_eq(izin_trustlist_sign(root, offices,
	    IZIN_TRUST_SEQ_MAX + 1, ymd(2026, 6, 1), ymd(2027, 1, 1), &out,
	    &len), IZIN_EINVAL);
	ck_assert_int_eq(izin_trustlist_sign(root, offices, 1, ymd(2026, 6, 1),
	    ymd(2026, 5, 31), &out, &len), IZIN_EORDER);
	ck_assert_int_eq(izin_trustlist_sign(root, offices, 1, ymd(2019, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_EKEYWINDOW);
	t = izin_trust_new();
	ck_assert_int_eq(izin_trustlist_sign(root, t, 1, ymd(2026, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_ENOKEY);
	p = pub_of(root);
	ck_assert_int_eq(izin_trust_add(t, &p), IZIN_OK);
	ck_assert_int_eq(izin_trustlist_sign(root, t, 1, ymd(2026, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_EROLE);
	izin_trust_free(t);
	t = izin_trust_new();
	p = pub_of(office);
	ck_assert_int_eq(izin_trust_add(t, &p), IZIN_OK);
	ck_assert_int_eq(izin_trust_add(t, &p), IZIN_OK);
	ck_assert_int_eq(izin_trustlist_sign(root, t, 1, ymd(2026, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_EDUPKEY);
	izin_trust_free(t);
	/* Readers skip the costly point check: the root makes it. */
	memset(p.pk, 0, sizeof p.pk);
	t = trust_with(&p);
	ck_assert_int_eq(izin_trustlist_sign(root, t, 1, ymd(2026, 6, 1),
	    ymd(2027, 1, 1), &out, &len), IZIN_EKEYFILE);
	izin_trust_free(t);
}
END_TEST

START_TEST(office_signature_refused)
{
	size_t len;
	char *list = make_list(3, &len);
	izin_pubkey p = pub_of(root);
	izin_trust *t, *asoffice;
	unsigned long line;

	/* The root's own key standing as an office key: the list's
	 * signature verifies, but not from a root. */
	p.role = IZIN_ROLE_OFFICE;
	asoffice = trust_with(&p);
	t = izin_trust_new();
	ck_assert_int_eq(izin_trustlist_load(t, asoffice, list, len, NULL,
	    &line), IZIN_EROLE);
	ck_assert_uint_eq(line, 4);
	ck_assert_uint_eq(izin_trust_count(t), 0);
	/* A store of office keys is no root. */
	ck_assert_int_eq(izin_trustlist_load(t, offices, list, len, NULL,
	    &line), IZIN_EUNKNOWNKEY);
	izin_trust_free(asoffice);
	izin_trust_free(t);
	free(list);
}
END_TEST

START_TEST(altered_and_truncated)
{
	size_t len, lines = 0;
	char *list = make_list(7, &len), *copy;
	unsigned long line;

	for (size_t i = 0; i < len; i++)
		lines += list[i] == '\n';
	ck_assert_uint_eq(lines, 4);
	/* Cut after each line: the signature is gone, the last line named. */
	for (size_t i = 0, n = 0; i < len - 1; i++) {
		if (list[i] != '\n')
			continue;
		n++;
		ck_assert_int_eq(load(list, i + 1, &line), IZIN_EUNSIGNED);
		ck_assert_uint_eq(line, n);
	}
	/* Cut inside the signature line. */
	ck_assert_int_ne(load(list, len - 10, &line), IZIN_OK);
	ck_assert_uint_eq(line, 4);
	/* Every byte of the body flipped. */
	copy = malloc(len);
	for (size_t i = 0; i < len - 100; i++) {
		memcpy(copy, list, len);
		copy[i] ^= 0x01;
		ck_assert_int_ne(load(copy, len, &line), IZIN_OK);
	}
	free(copy);
	free(list);
}
END_TEST

/* One attack: a body the root signed as given, refused with err at line. */
static void
refused(const char *body, int err, unsigned long at)
{
	size_t len;
	char *list = sign_body(body, &len);
	unsigned long line = 0;

	ck_assert_msg(load(list, len, &line) == err && line == at,
	    "%s: got %d at %lu, wanted %d at %lu", body,
	    load(list, len, &line), line, err, at);
	free(list);
}

START_TEST(attacks)
{
	char a[IZIN_PUBLINE_MAX], b[IZIN_PUBLINE_MAX], r[IZIN_PUBLINE_MAX];
	char body[1024], w[IZIN_PUBLINE_MAX], bad[IZIN_PUBLINE_MAX];
	izin_pubkey pa = pub_of(office), pb = pub_of(office2), pr = pub_of(root);
	izin_pubkey other = pb;
	const char *meta = "trust-list 5 2026-06-01 2027-01-31";

	key_line(&pa, a);
	key_line(&pb, b);
	key_line(&pr, r);
	snprintf(body, sizeof body, "%s\n%s\n%s\n", meta, a, b);
	refused(body, IZIN_OK, 0);
	/* The same key id and office twice. */
	snprintf(body, sizeof body, "%s\n%s\n%s\n%s\n", meta, a, b, a);
	refused(body, IZIN_EDUPKEY, 4);
	/* The same id under another office is two keys (ids are short). */
	memcpy(other.kid, pa.kid, IZIN_KID_LEN);
	key_line(&other, w);
	snprintf(body, sizeof body, "%s\n%s\n%s\n", meta, a, w);
	refused(body, IZIN_OK, 0);
	/* A window that ends before it starts. */
	snprintf(bad, sizeof bad, "%s", a);
	memcpy(bad + IZIN_KID_HEXLEN + 1 + strlen(pa.office) + 1, "2031", 4);
	snprintf(body, sizeof body, "%s\n%s\n%s\n", meta, b, bad);
	refused(body, IZIN_EORDER, 3);
	/* A line that is not a key, a comment, a blank line. */
	snprintf(body, sizeof body, "%s\n%s\nhello world\n", meta, a);
	refused(body, IZIN_EKEYFILE, 3);
	snprintf(body, sizeof body, "%s\n# note\n%s\n", meta, a);
	refused(body, IZIN_EKEYFILE, 2);
	snprintf(body, sizeof body, "%s\n%s\n\n", meta, a);
	refused(body, IZIN_EKEYFILE, 3);
	/* A root key inside the list. */
	snprintf(body, sizeof body, "%s\n%s\n%s\n", meta, a, r);
	refused(body, IZIN_EROLE, 3);
	/* A withdrawn marker whose date is not the day after the end. */
	snprintf(body, sizeof body, "%s\n%s withdrawn 2031-01-02\n", meta, a);
	refused(body, IZIN_EKEYFILE, 2);
	snprintf(body, sizeof body, "%s\n%s withdrawn 2031-01-01\n", meta, a);
	refused(body, IZIN_OK, 0);
	snprintf(body, sizeof body, "%s\n%s gone 2031-01-01\n", meta, a);
	refused(body, IZIN_EKEYFILE, 2);
	/* The first line: spelling, numbers, dates. */
	static const char *const metas[] = {
		"trust-list 0 2026-06-01 2027-01-31",
		"trust-list 05 2026-06-01 2027-01-31",
		"trust-list -5 2026-06-01 2027-01-31",
		"trust-list 4294967296 2026-06-01 2027-01-31",
		"trust-list 5 2026-06-02 2027-01-31",   /* not the signing day */
		"trust-list 5  2026-06-01 2027-01-31",
		"trust-list 5 2026-06-01",
		"Trust-list 5 2026-06-01 2027-01-31",
		"trust-list 5 2026-06-01 2027-01-31 x",
	};
	for (size_t i = 0; i < sizeof metas / sizeof *metas; i++) {
		snprintf(body, sizeof body, "%s\n%s\n", metas[i], a);
		refused(body, IZIN_ELIST, 1);
	}
	snprintf(body, sizeof body, "trust-list 5 2026-06-01 2026-05-31\n%s\n",
	    a);
	refused(body, IZIN_EORDER, 1);
	snprintf(body, sizeof body, "trust-list 4294967295 2026-06-01 "
	    "2026-06-01\n%s\n", a);
	refused(body, IZIN_OK, 0);
	/* Keys first, no first line. */
	snprintf(body, sizeof body, "%s\n%s\n", a, b);
	refused(body, IZIN_ELIST, 1);
	/* No key at all. */
	snprintf(body, sizeof body, "%s\n", meta);
	refused(body, IZIN_ENOKEY, 1);
}
END_TEST

START_TEST(withdrawal)
{
	izin_pubkey p = pub_of(office);
	izin_trust *t, *list;
	char text[IZIN_TEXT_MAX + 1], *out;
	const izin_pubkey *k;
	size_t len;
	int before, on, after;
	char t1[IZIN_TEXT_MAX + 1], t2[IZIN_TEXT_MAX + 1];

	/* Bounds: after the first day, at most the day after the last. */
	ck_assert_int_eq(izin_pubkey_withdraw(&p, ymd(2026, 1, 1)), IZIN_EORDER);
	ck_assert_int_eq(izin_pubkey_withdraw(&p, ymd(2031, 1, 2)), IZIN_EORDER);
	ck_assert_int_eq(izin_pubkey_withdraw(&p, IZIN_NODATE), IZIN_EORDER);
	ck_assert_int_eq(p.withdrawn, 0);
	ck_assert_int_eq(izin_pubkey_withdraw(&p, ymd(2026, 9, 15)), IZIN_OK);
	ck_assert_int_eq(p.valid_until, ymd(2026, 9, 14));
	ck_assert_int_eq(p.withdrawn, 1);
	t = trust_with(&p);
	ck_assert_int_eq(izin_trustlist_sign(root, t, 8, ymd(2026, 9, 20),
	    ymd(2027, 1, 31), &out, &len), IZIN_OK);
	ck_assert_ptr_nonnull(strstr(out, " withdrawn 2026-09-15\n"));
	list = izin_trust_new();
	ck_assert_int_eq(izin_trustlist_load(list, roots, out, len, NULL, NULL),
	    IZIN_OK);
	k = izin_trust_find(list, p.kid, "KANIM-JKTSEL");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->withdrawn, 1);
	ck_assert_int_eq(k->valid_until, ymd(2026, 9, 14));
	ck_assert_ptr_null(izin_trust_find(list, p.kid, "KANIM-SBY"));
	before = seal_on(office, "2026-09-14", text);
	ck_assert_int_eq(open_with(list, text, before), IZIN_OK);
	on = seal_on(office, "2026-09-15", t1);
	ck_assert_int_eq(open_with(list, t1, on), IZIN_EWITHDRAWN);
	after = seal_on(office, "2027-01-01", t2);
	ck_assert_int_gt(after, 0);
	ck_assert_int_eq(open_with(list, t2, after), IZIN_EWITHDRAWN);
	/* A withdrawal may also fall the day after the key's last day. */
	ck_assert_int_eq(izin_pubkey_withdraw(&p, ymd(2026, 9, 15)), IZIN_OK);
	ck_assert_int_eq(p.valid_until, ymd(2026, 9, 14));
	izin_trust_free(list);
	izin_trust_free(t);
	free(out);
}
END_TEST

START_TEST(freshness)
{
	ck_assert_int_eq(izin_list_stale(ymd(2027, 1, 31), ymd(2027, 1, 30)), 0);
	ck_assert_int_eq(izin_list_stale(ymd(2027, 1, 31), ymd(2027, 1, 31)), 0);
	ck_assert_int_eq(izin_list_stale(ymd(2027, 1, 31), ymd(2027, 2, 1)), 1);
	ck_assert_int_eq(izin_list_stale(IZIN_NODATE, ymd(2199, 1, 1)), 0);
}
END_TEST

START_TEST(rollback_state)
{
	size_t l7, l8, l8b;
	char *s7 = make_list(7, &l7), *s8 = make_list(8, &l8), *s8b;
	izin_trustlist_info i7, i8, i8b;
	izin_trust *t = izin_trust_new();
	unsigned long held;
	char path[128];
	struct stat st;
	FILE *fp;

	ck_assert_int_eq(izin_trustlist_load(t, roots, s7, l7, &i7, NULL), 0);
	ck_assert_int_eq(izin_trustlist_load(t, roots, s8, l8, &i8, NULL), 0);
	/* Another list numbered 8: the same offices, another next update. */
	ck_assert_int_eq(izin_trustlist_sign(root, offices, 8, ymd(2026, 6, 1),
	    ymd(2027, 2, 28), &s8b, &l8b), IZIN_OK);
	ck_assert_int_eq(izin_trustlist_load(t, roots, s8b, l8b, &i8b, NULL), 0);
	ck_assert_int_eq(izin_trust_state_check(tmpdir, &i7, s7, l7, &held), 0);
	ck_assert_uint_eq(held, 0);
	ck_assert_int_eq(izin_trust_state_save(tmpdir, &i8, s8, l8), IZIN_OK);
	snprintf(path, sizeof path, "%s/trust-", tmpdir);
	izin_kid_format(i8.root_kid, path + strlen(path));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(izin_trust_state_check(tmpdir, &i8, s8, l8, &held), 0);
	ck_assert_uint_eq(held, 8);
	ck_assert_int_eq(izin_trust_state_check(tmpdir, &i7, s7, l7, &held),
	    IZIN_EROLLBACK);
	ck_assert_uint_eq(held, 8);
	ck_assert_int_eq(izin_trust_state_check(tmpdir, &i8b, s8b, l8b, &held),
	    IZIN_ESEQ);
	/* A damaged state file is named, not taken for "no list yet". */
	fp = fopen(path, "w");
	fputs("8\n", fp);
	fclose(fp);
	ck_assert_int_eq(izin_trust_state_check(tmpdir, &i8, s8, l8, &held),
	    IZIN_ELIST);
	fp = fopen(path, "w");
	fputs(" 00\n", fp);
	fclose(fp);
	ck_assert_int_eq(izin_trust_state_check(tmpdir, &i8, s8, l8, &held),
	    IZIN_ELIST);
	izin_trust_free(t);
	free(s7);
	free(s8);
	free(s8b);
}
END_TEST

/* A revocation list of body signed by the office on 2026-09-01. */
static int
revoked_due(const char *body, izin_date *due, unsigned long *line)
{
	izin_revoked *r = izin_revoked_new();
	char *text;
	size_t len;
	int err;

	ck_assert_int_eq(izin_list_sign(office, IZIN_REVOKED_KIND,
	    ymd(2026, 9, 1), body, strlen(body), &text, &len), IZIN_OK);
	err = izin_revoked_load_dated(r, offices, text, len, line, due);
	izin_revoked_free(r);
	free(text);
	return err;
}

START_TEST(revoked_next_update)
{
	izin_date due;
	unsigned long line;

	ck_assert_int_eq(revoked_due("next-update 2026-10-31\nA1\n", &due,
	    &line), IZIN_OK);
	ck_assert_int_eq(due, ymd(2026, 10, 31));
	ck_assert_int_eq(revoked_due("next-update 2026-09-01\n", &due, &line),
	    IZIN_OK);
	ck_assert_int_eq(revoked_due("A1\n", &due, &line), IZIN_OK);
	ck_assert_int_eq(due, IZIN_NODATE);
	ck_assert_int_eq(revoked_due("next-update 2026-08-31\nA1\n", &due,
	    &line), IZIN_ELIST);
	ck_assert_uint_eq(line, 1);
	ck_assert_int_eq(revoked_due("A1\nnext-update 2026-10-31\n", &due,
	    &line), IZIN_ELIST);
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(revoked_due("next-update 2026-10-31 \nA1\n", &due,
	    &line), IZIN_ELIST);
	ck_assert_int_eq(izin_revoked_next_update("next-update 2026-10-31", 22,
	    &due), IZIN_OK);
	ck_assert_int_eq(izin_revoked_next_update("next-update 26-10-31", 20,
	    &due), IZIN_EINVAL);
}
END_TEST

START_TEST(sorted_lookup)
{
	izin_trust *t = izin_trust_new();
	izin_pubkey p = pub_of(office);
	const izin_pubkey *k, *prev = NULL;
	unsigned seed = 7;

	/* 500 keys in a scrambled order come back in key-id order, and each
	 * is found by id. */
	for (int i = 0; i < 500; i++) {
		seed = seed * 1103515245u + 12345u;
		p.kid[0] = (uint8_t)(seed >> 16);
		p.kid[1] = (uint8_t)(seed >> 24);
		snprintf(p.office, sizeof p.office, "K%d", i);
		ck_assert_int_eq(izin_trust_add(t, &p), IZIN_OK);
	}
	ck_assert_uint_eq(izin_trust_count(t), 500);
	for (size_t i = 0; (k = izin_trust_key(t, i)) != NULL; i++) {
		if (prev)
			ck_assert_int_le(memcmp(prev->kid, k->kid, 2), 0);
		ck_assert_ptr_eq(izin_trust_find(t, k->kid, k->office), k);
		prev = k;
	}
	ck_assert_ptr_null(izin_trust_key(t, 500));
	izin_trust_free(t);
}
END_TEST

Suite *
trustlist_suite(void)
{
	Suite *s = suite_create("trustlist");
	TCase *tc = tcase_create("trustlist");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, root_role);
	tcase_add_test(tc, open_refuses_root_key);
	tcase_add_test(tc, sign_and_load);
	tcase_add_test(tc, sign_refusals);
	tcase_add_test(tc, office_signature_refused);
	tcase_add_test(tc, altered_and_truncated);
	tcase_add_test(tc, attacks);
	tcase_add_test(tc, withdrawal);
	tcase_add_test(tc, freshness);
	tcase_add_test(tc, rollback_state);
	tcase_add_test(tc, revoked_next_update);
	tcase_add_test(tc, sorted_lookup);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(trustlist_suite)
