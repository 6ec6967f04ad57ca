/*
 * Trust stores: loading .pub files and directories, and what izin_open
 * makes of key ids, shared ids, windows and offices.
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

static char tmpdir[64];

/* Seal the typical permit (issued 2026-03-01, the key's office); returns
 * the text length. */
static int
seal(const izin_seckey *sk, char text[IZIN_TEXT_MAX + 1])
{
	izin_permit p;
	izin_pubkey pub = pub_of(sk);
	int n, field;

	fill_permit(&p, pub.office);
	n = izin_seal(sk, &p, text, &field);
	ck_assert_msg(n > 0, "izin_seal: %s", izin_strerror(n));
	return n;
}

/* Seal with sk and open under t: izin_open's verdict. */
static int
seal_open(const izin_trust *t, const izin_seckey *sk, int *field)
{
	char text[IZIN_TEXT_MAX + 1];
	izin_permit q;
	uint8_t kid[IZIN_KID_LEN];
	izin_pubkey pub = pub_of(sk);
	int n = seal(sk, text), rc, f;

	rc = izin_open(t, text, (size_t)n, &q, kid, &f);
	/* What the card claims is there whatever the verdict. */
	ck_assert_str_eq(q.name, typical[IZIN_F_NAME]);
	ck_assert_mem_eq(kid, pub.kid, IZIN_KID_LEN);
	if (field)
		*field = f;
	return rc;
}

/* A copy of sk whose key id is kid: a key claiming another's id.  The
 * clear key file binds nothing but the public key to the secret, so the
 * id can be edited there. */
static izin_seckey *
with_kid(const izin_seckey *sk, const uint8_t kid[IZIN_KID_LEN])
{
	char *text, hex[IZIN_KID_HEXLEN + 1], *at;
	size_t len;
	izin_seckey *out = NULL;

	ck_assert_int_eq(izin_seckey_export(sk, NULL, 0, 0, 0, &text, &len),
	    IZIN_OK);
	ck_assert_ptr_nonnull(at = strstr(text, "\npublic "));
	izin_kid_format(kid, hex);
	memcpy(at + 8, hex, IZIN_KID_HEXLEN);
	ck_assert_int_eq(izin_seckey_import(text, len, NULL, 0, &out),
	    IZIN_OK);
	izin_secure_free(text, len);
	ck_assert_mem_eq(pub_of(out).kid, kid, IZIN_KID_LEN);
	return out;
}

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The .pub line of a new key into buf (IZIN_PUBLINE_MAX bytes); the key
 * goes to *sk when sk is not NULL. */
static const char *
publine(char *buf, izin_seckey **sk)
{
	izin_seckey *k = gen_default();
	izin_pubkey pub = pub_of(k);

	izin_pubkey_format(&pub, buf);
	if (sk)
		*sk = k;
	else
		izin_seckey_free(k);
	return buf;
}

static const char *
tmp(const char *name)
{
	static char path[256];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static void
setup(void)
{
	ck_assert_int_eq(izin_init(), IZIN_OK);
	snprintf(tmpdir, sizeof tmpdir, "/tmp/izin-trust.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	rm_tree(tmpdir);
}

START_TEST(test_new_free)
{
	izin_trust *t = izin_trust_new();
	izin_seckey *sk = gen_default();
	izin_pubkey pub = pub_of(sk);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(izin_trust_count(t), 0);
	ck_assert_int_eq(seal_open(t, sk, NULL), IZIN_EUNKNOWNKEY);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(izin_trust_add(t, &pub), IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 100);
	ck_assert_int_eq(seal_open(t, sk, NULL), IZIN_OK);
	izin_trust_free(t);
	izin_trust_free(NULL);
	izin_seckey_free(sk);
}
END_TEST

/* One file: keys, comments and blank lines (CRLF ends too). */
START_TEST(test_load_file)
{
	izin_seckey *a, *b, *c = NULL;
	char la[IZIN_PUBLINE_MAX], lb[IZIN_PUBLINE_MAX], text[1024];
	izin_trust *t = izin_trust_new();
	unsigned long line = 99;
	char errpath[256] = "";

	publine(la, &a);
	publine(lb, &b);
	/* c: a key with an id neither a nor b has. */
	do {
		izin_seckey_free(c);
		c = gen_default();
	} while (memcmp(pub_of(c).kid, pub_of(a).kid, IZIN_KID_LEN) == 0 ||
	    memcmp(pub_of(c).kid, pub_of(b).kid, IZIN_KID_LEN) == 0);
	lb[strlen(lb) - 1] = '\0';
	snprintf(text, sizeof text, "# Kantor Imigrasi Jakarta Selatan\n"
	    "\n%s\n#%s\r\n%s\r\n", la, la, lb);
	put("office.pub", text);
	ck_assert_int_eq(izin_trust_load(t, tmp("office.pub"), &line, errpath,
	    sizeof errpath), IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 2);
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_OK);
	ck_assert_int_eq(seal_open(t, b, NULL), IZIN_OK);
	ck_assert_int_eq(seal_open(t, c, NULL), IZIN_EUNKNOWNKEY);

	/* A last line without its newline is still a line. */
	put("last.pub", lb);
	izin_trust_free(t);
	t = izin_trust_new();
	ck_assert_int_eq(izin_trust_load(t, tmp("last.pub"), NULL, NULL, 0),
	    IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 1);
	ck_assert_int_eq(seal_open(t, b, NULL), IZIN_OK);
	izin_trust_free(t);
	izin_seckey_free(a);
	izin_seckey_free(b);
	izin_seckey_free(c);
}
END_TEST

/* Loading adds to what the store holds. */
START_TEST(test_load_twice)
{
	izin_seckey *a, *b;
	char la[IZIN_PUBLINE_MAX], lb[IZIN_PUBLINE_MAX];
	izin_trust *t = izin_trust_new();

	put("a.pub", publine(la, &a));
	put("b.pub", publine(lb, &b));
	ck_assert_int_eq(izin_trust_load(t, tmp("a.pub"), NULL, NULL, 0),
	    IZIN_OK);
	ck_assert_int_eq(izin_trust_load(t, tmp("b.pub"), NULL, NULL, 0),
	    IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 2);
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_OK);
	ck_assert_int_eq(seal_open(t, b, NULL), IZIN_OK);
	izin_trust_free(t);
	izin_seckey_free(a);
	izin_seckey_free(b);
}
END_TEST

/* A directory: every *.pub file, nothing else. */
START_TEST(test_load_dir)
{
	izin_seckey *k[3];
	char l[3][IZIN_PUBLINE_MAX], text[1024];
	izin_trust *t = izin_trust_new();
	unsigned long line;

	for (int i = 0; i < 3; i++)
		publine(l[i], &k[i]);
	ck_assert_int_eq(mkdir(tmp("store"), 0755), 0);
	put("store/jktsel.pub", l[0]);
	snprintf(text, sizeof text, "# two keys\n\n%s\n# rotated\n%s", l[1],
	    l[2]);
	put("store/bdg.pub", text);
	put("store/README", "not a key\n");
	put("store/old.pub.bak", "not a key\n");
	put("store/notes.txt", "not a key\n");
	put("store/pub", "not a key\n");
	ck_assert_int_eq(mkdir(tmp("store/sub"), 0755), 0);
	put("store/sub/x.pub", "not a key\n");
	ck_assert_int_eq(izin_trust_load(t, tmp("store"), &line, NULL, 0),
	    IZIN_OK);
	ck_assert_uint_eq(izin_trust_count(t), 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(seal_open(t, k[i], NULL), IZIN_OK);
		izin_seckey_free(k[i]);
	}
	izin_trust_free(t);
}
END_TEST

START_TEST(test_bad_line_file)
{
	char la[IZIN_PUBLINE_MAX], text[1024], errpath[256] = "";
	izin_trust *t = izin_trust_new();
	unsigned long line = 0;
	int rc;

	publine(la, NULL);
	/* Line 5: the key id in upper case. */
	snprintf(text, sizeof text, "# office keys\n%s\n\n%c%c%c%c%s",
	    la, la[0] >= 'a' ? la[0] - 32 : 'A', la[1], la[2], la[3],
	    la + 4);
	put("office.pub", text);
	rc = izin_trust_load(t, tmp("office.pub"), &line, errpath,
	    sizeof errpath);
	ck_assert_int_eq(rc, IZIN_EKEYFILE);
	ck_assert_uint_eq(line, 5);
	ck_assert_str_eq(errpath, tmp("office.pub"));

	/* The same, with nowhere to put the line or the path. */
	ck_assert_int_eq(izin_trust_load(t, tmp("office.pub"), NULL, NULL, 0),
	    IZIN_EKEYFILE);

	/* Lines counted through CRLF ends and a first-line error. */
	put("crlf.pub", "# a\r\n\r\n# b\r\nnot a key\r\n");
	ck_assert_int_eq(izin_trust_load(t, tmp("crlf.pub"), &line, errpath,
	    sizeof errpath), IZIN_EKEYFILE);
	ck_assert_uint_eq(line, 4);
	put("first.pub", "garbage\n");
	ck_assert_int_eq(izin_trust_load(t, tmp("first.pub"), &line, errpath,
	    sizeof errpath), IZIN_EKEYFILE);
	ck_assert_uint_eq(line, 1);
	ck_assert_str_eq(errpath, tmp("first.pub"));
	/* An indented comment is not a comment. */
	put("indent.pub", " # note\n");
	ck_assert_int_eq(izin_trust_load(t, tmp("indent.pub"), &line, NULL,
	    0), IZIN_EKEYFILE);
	ck_assert_uint_eq(line, 1);
	izin_trust_free(t);
}
END_TEST

START_TEST(test_bad_line_dir)
{
	char l[3][IZIN_PUBLINE_MAX], text[1024], errpath[256] = "";
	char want[320], small[8];
	izin_trust *t = izin_trust_new();
	unsigned long line = 0;

	for (int i = 0; i < 3; i++)
		publine(l[i], NULL);
	ck_assert_int_eq(mkdir(tmp("store"), 0755), 0);
	put("store/a.pub", l[0]);
	/* Line 3: until before from. */
	snprintf(text, sizeof text, "%s# next\n%.*s2020-01-01 2019-12-31%s",
	    l[1], 12, l[2], l[2] + 33);
	put("store/b.pub", text);
	put("store/c.pub", l[2]);
	ck_assert_int_eq(izin_trust_load(t, tmp("store"), &line, errpath,
	    sizeof errpath), IZIN_EKEYFILE);
	ck_assert_uint_eq(line, 3);
	snprintf(want, sizeof want, "%s/b.pub", tmp("store"));
	ck_assert_str_eq(errpath, want);
	/* A short errpath buffer gets a NUL-ended prefix. */
	memset(small, 'x', sizeof small);
	ck_assert_int_eq(izin_trust_load(t, tmp("store"), &line, small,
	    sizeof small), IZIN_EKEYFILE);
	ck_assert_ptr_nonnull(memchr(small, '\0', sizeof small));
	ck_assert_int_eq(strncmp(small, want, strlen(small)), 0);
	izin_trust_free(t);
}
END_TEST

START_TEST(test_no_key)
{
	izin_trust *t = izin_trust_new();
	unsigned long line;

	ck_assert_int_eq(mkdir(tmp("empty"), 0755), 0);
	ck_assert_int_eq(izin_trust_load(t, tmp("empty"), &line, NULL, 0),
	    IZIN_ENOKEY);
	ck_assert_int_eq(mkdir(tmp("other"), 0755), 0);
	put("other/README", "keys go in *.pub files\n");
	ck_assert_int_eq(izin_trust_load(t, tmp("other"), &line, NULL, 0),
	    IZIN_ENOKEY);
	ck_assert_int_eq(mkdir(tmp("comments"), 0755), 0);
	put("comments/a.pub", "# nothing yet\n\n");
	put("comments/b.pub", "");
	ck_assert_int_eq(izin_trust_load(t, tmp("comments"), &line, NULL, 0),
	    IZIN_ENOKEY);
	ck_assert_int_eq(izin_trust_load(t, tmp("comments/a.pub"), &line,
	    NULL, 0), IZIN_ENOKEY);
	ck_assert_int_eq(izin_trust_load(t, tmp("comments/b.pub"), &line,
	    NULL, 0), IZIN_ENOKEY);
	ck_assert_uint_eq(izin_trust_count(t), 0);
	izin_trust_free(t);
}
END_TEST

START_TEST(test_missing)
{
	izin_trust *t = izin_trust_new();
	unsigned long line;
	char errpath[256];

	ck_assert_int_eq(izin_trust_load(t, tmp("nothing.pub"), &line,
	    errpath, sizeof errpath), IZIN_EIO);
	ck_assert_int_eq(izin_trust_load(t, tmp("nothing/"), &line,
	    NULL, 0), IZIN_EIO);
	ck_assert_int_eq(izin_trust_load(t, "", &line, NULL, 0), IZIN_EIO);
	ck_assert_uint_eq(izin_trust_count(t), 0);
	izin_trust_free(t);
}
END_TEST

START_TEST(test_unknown_key)
{
	izin_seckey *a = gen_default(), *b;
	izin_trust *t = izin_trust_new();
	izin_pubkey pub;

	/* A second key with another id. */
	do {
		b = gen_default();
		if (memcmp(pub_of(a).kid, pub_of(b).kid, IZIN_KID_LEN) != 0)
			break;
		izin_seckey_free(b);
	} while (1);
	pub = pub_of(b);
	ck_assert_int_eq(izin_trust_add(t, &pub), IZIN_OK);
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_EUNKNOWNKEY);
	ck_assert_int_eq(seal_open(t, b, NULL), IZIN_OK);
	izin_trust_free(t);
	izin_seckey_free(a);
	izin_seckey_free(b);
}
END_TEST

/*
 * Key ids are two random bytes, so offices will share them: generate keys
 * until two ids collide (about 300 keys on average; 20000 make a miss
 * all but impossible).  Each key's permits verify with both in the store;
 * a third key claiming the same id verifies under neither.
 */
START_TEST(test_kid_collision)
{
	static izin_seckey *seen[1 << 16];
	izin_seckey *a = NULL, *b = NULL, *c, *k;
	izin_pubkey pa, pb, pc;
	izin_trust *t;
	int n;

	for (n = 0; n < 20000 && b == NULL; n++) {
		izin_pubkey pub;
		k = gen_default();
		pub = pub_of(k);
		unsigned slot = (unsigned)pub.kid[0] << 8 | pub.kid[1];
		if (seen[slot]) {
			a = seen[slot], b = k;
			seen[slot] = NULL;
		} else {
			seen[slot] = k;
		}
	}
	for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
		izin_seckey_free(seen[i]);
		seen[i] = NULL;
	}
	ck_assert_msg(b != NULL, "no two of %d key ids collide", n);
	pa = pub_of(a), pb = pub_of(b);
	ck_assert_mem_eq(pa.kid, pb.kid, IZIN_KID_LEN);
	ck_assert_int_ne(memcmp(pa.pk, pb.pk, IZIN_PK_LEN), 0);

	/* Both orders, so the first key tried is sometimes the wrong one. */
	for (int order = 0; order < 2; order++) {
		t = izin_trust_new();
		ck_assert_int_eq(izin_trust_add(t, order ? &pb : &pa), IZIN_OK);
		ck_assert_int_eq(izin_trust_add(t, order ? &pa : &pb), IZIN_OK);
		ck_assert_int_eq(seal_open(t, a, NULL), IZIN_OK);
		ck_assert_int_eq(seal_open(t, b, NULL), IZIN_OK);
		izin_trust_free(t);
	}

	/* Only one of them trusted: the other's permits are forgeries. */
	t = izin_trust_new();
	ck_assert_int_eq(izin_trust_add(t, &pa), IZIN_OK);
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_OK);
	ck_assert_int_eq(seal_open(t, b, NULL), IZIN_EBADSIG);
	izin_trust_free(t);

	/* A third key that claims their id. */
	k = gen_default();
	c = with_kid(k, pa.kid);
	izin_seckey_free(k);
	t = izin_trust_new();
	ck_assert_int_eq(izin_trust_add(t, &pa), IZIN_OK);
	ck_assert_int_eq(izin_trust_add(t, &pb), IZIN_OK);
	ck_assert_int_eq(seal_open(t, c, NULL), IZIN_EBADSIG);
	/* Trusted under that id, it verifies too. */
	pc = pub_of(c);
	ck_assert_int_eq(izin_trust_add(t, &pc), IZIN_OK);
	ck_assert_int_eq(seal_open(t, c, NULL), IZIN_OK);
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_OK);
	izin_trust_free(t);
	izin_seckey_free(a);
	izin_seckey_free(b);
	izin_seckey_free(c);
}
END_TEST

/* A store entry edited to carry another key's id: a key claiming an id
 * that is not its own. */
START_TEST(test_claimed_kid)
{
	izin_seckey *a = gen_default(), *b = gen_default(), *c;
	izin_pubkey pa = pub_of(a), pb = pub_of(b), fake;
	izin_trust *t = izin_trust_new();

	fake = pb;
	memcpy(fake.kid, pa.kid, IZIN_KID_LEN);
	ck_assert_int_eq(izin_trust_add(t, &fake), IZIN_OK);
	/* a's permits: the only key with a's id is b's: no. */
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_EBADSIG);
	ck_assert_int_eq(izin_trust_add(t, &pa), IZIN_OK);
	ck_assert_int_eq(seal_open(t, a, NULL), IZIN_OK);
	/* b's own permits carry b's id, which only b... if the ids differ. */
	if (memcmp(pa.kid, pb.kid, IZIN_KID_LEN) != 0)
		ck_assert_int_eq(seal_open(t, b, NULL), IZIN_EUNKNOWNKEY);
	/* b, made to sign under a's id, verifies against the fake entry. */
	c = with_kid(b, pa.kid);
	ck_assert_int_eq(seal_open(t, c, NULL), IZIN_OK);
	izin_trust_free(t);
	/* ... and not against a's real entry alone. */
	t = izin_trust_new();
	ck_assert_int_eq(izin_trust_add(t, &pa), IZIN_OK);
	ck_assert_int_eq(seal_open(t, c, NULL), IZIN_EBADSIG);
	izin_trust_free(t);
	izin_seckey_free(a);
	izin_seckey_free(b);
	izin_seckey_free(c);
}
END_TEST

/* The permit was issued 2026-03-01: a store entry whose window leaves
 * that day out does not vouch for it. */
START_TEST(test_open_window)
{
	static const struct {
		int fy, fm, fd, uy, um, ud, want;
	} w[] = {
		{ 2020, 1, 1, 2026, 2, 28, IZIN_EKEYWINDOW },
		{ 2026, 3, 2, 2099, 12, 31, IZIN_EKEYWINDOW },
		{ 2027, 1, 1, 2027, 12, 31, IZIN_EKEYWINDOW },
		{ 2026, 3, 1, 2026, 3, 1, IZIN_OK },
		{ 2020, 1, 1, 2026, 3, 1, IZIN_OK },
		{ 2026, 3, 1, 2099, 12, 31, IZIN_OK },
	};
	izin_seckey *sk = gen_default();

	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		izin_trust *t = izin_trust_new();
		izin_pubkey pub = pub_of(sk);
		int field = -5, rc;

		pub.valid_from = ymd(w[i].fy, w[i].fm, w[i].fd);
		pub.valid_until = ymd(w[i].uy, w[i].um, w[i].ud);
		ck_assert_int_eq(izin_trust_add(t, &pub), IZIN_OK);
		rc = seal_open(t, sk, &field);
		ck_assert_msg(rc == w[i].want, "window %zu: %s", i,
		    izin_strerror(rc));
		if (rc == IZIN_EKEYWINDOW)
			ck_assert_int_eq(field, IZIN_F_ISSUED);
		izin_trust_free(t);
	}
	izin_seckey_free(sk);
}
END_TEST

/* izin_seal will not issue outside the key's window or for another
 * office. */
START_TEST(test_seal_refuses)
{
	izin_seckey *early = gen("JKTSEL", ymd(2020, 1, 1), ymd(2026, 2, 28));
	izin_seckey *late = gen("JKTSEL", ymd(2026, 3, 2), ymd(2030, 1, 1));
	izin_seckey *day = gen("JKTSEL", ymd(2026, 3, 1), ymd(2026, 3, 1));
	izin_permit p;
	char text[IZIN_TEXT_MAX + 1];
	int field;

	fill_permit(&p, "JKTSEL");
	field = -5;
	ck_assert_int_eq(izin_seal(early, &p, text, &field), IZIN_EKEYWINDOW);
	ck_assert_int_eq(field, IZIN_F_ISSUED);
	field = -5;
	ck_assert_int_eq(izin_seal(late, &p, text, &field), IZIN_EKEYWINDOW);
	ck_assert_int_eq(field, IZIN_F_ISSUED);
	ck_assert_int_gt(izin_seal(day, &p, text, &field), 0);

	fill_permit(&p, "JKTUTA");
	field = -5;
	ck_assert_int_eq(izin_seal(day, &p, text, &field), IZIN_EOFFICE);
	ck_assert_int_eq(field, IZIN_F_OFFICE);
	fill_permit(&p, "JKTSE");
	ck_assert_int_eq(izin_seal(day, &p, text, &field), IZIN_EOFFICE);
	fill_permit(&p, "JKTSELA");
	ck_assert_int_eq(izin_seal(day, &p, text, &field), IZIN_EOFFICE);
	izin_seckey_free(early);
	izin_seckey_free(late);
	izin_seckey_free(day);
}
END_TEST

/* A store entry of another office does not vouch for this office's
 * permits, even with the right public key. */
START_TEST(test_open_office)
{
	izin_seckey *sk = gen_default();
	izin_pubkey pub = pub_of(sk);
	izin_trust *t = izin_trust_new();
	int field = -5;

	strcpy(pub.office, "JKTUTA");
	ck_assert_int_eq(izin_trust_add(t, &pub), IZIN_OK);
	ck_assert_int_eq(seal_open(t, sk, &field), IZIN_EOFFICE);
	ck_assert_int_eq(field, IZIN_F_OFFICE);
	izin_trust_free(t);
	t = izin_trust_new();
	strcpy(pub.office, "JKTSE");
	ck_assert_int_eq(izin_trust_add(t, &pub), IZIN_OK);
	ck_assert_int_eq(seal_open(t, sk, &field), IZIN_EOFFICE);
	izin_trust_free(t);
	izin_seckey_free(sk);
}
END_TEST

/*
 * izin.h: izin_open returns OK "when the seal verifies under a trusted
 * key whose window holds the permit's issue date and whose office is the
 * permit's".  A store may list one public key twice, say with an old and
 * a renewed window, or under an office's old and new code: the entry
 * that fits must be found whichever comes first.
 */
START_TEST(test_same_key_twice)
{
	izin_seckey *sk = gen_default();
	izin_pubkey old = pub_of(sk), renewed = pub_of(sk);
	izin_pubkey other = pub_of(sk);
	const struct {
		const izin_pubkey *first, *second;
		const char *why;
	} order[] = {
		{ &renewed, &old, "the fitting entry listed first" },
		{ &old, &renewed, "the same key listed first with a window "
		  "that ends before the issue date hides its second, fitting "
		  "entry" },
		{ &other, &renewed, "the same key listed first for another "
		  "office hides its second, fitting entry" },
	};
	izin_trust *t;

	old.valid_until = ymd(2025, 12, 31);
	renewed.valid_from = ymd(2026, 1, 1);
	strcpy(other.office, "JKTUTA");
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		ck_assert_ptr_nonnull(t = izin_trust_new());
		ck_assert_int_eq(izin_trust_add(t, order[i].first), IZIN_OK);
		ck_assert_int_eq(izin_trust_add(t, order[i].second), IZIN_OK);
		ck_assert_msg(seal_open(t, sk, NULL) == IZIN_OK, "%s",
		    order[i].why);
		izin_trust_free(t);
	}
	izin_seckey_free(sk);
}
END_TEST

static Suite *
trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_free);
	tcase_add_test(tc, test_load_file);
	tcase_add_test(tc, test_load_twice);
	tcase_add_test(tc, test_load_dir);
	tcase_add_test(tc, test_bad_line_file);
	tcase_add_test(tc, test_bad_line_dir);
	tcase_add_test(tc, test_no_key);
	tcase_add_test(tc, test_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_kid_collision);
	tcase_add_test(tc, test_claimed_kid);
	tcase_add_test(tc, test_open_window);
	tcase_add_test(tc, test_seal_refuses);
	tcase_add_test(tc, test_open_office);
	tcase_add_test(tc, test_same_key_twice);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(trust_suite)
