/*
 * check_checkpoint.c - device keys and signed checkpoints: the lines and
 * their one spelling, signatures, the writer's signer, and what verify
 * and merge make of a chain cut or rewritten after a checkpoint left the
 * device (the tails cut with SQLite directly, as the device's own
 * operator would).
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "izin.h"
#include "check_util.h"

static char dir[64];
static char path[128], path2[128], path3[128];
static int64_t clock_at = 1780000000;   /* 2026-05-28 */

static void
setup(void)
{
	strcpy(dir, "/tmp/izin-check-cp.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/dev.db", dir);
	snprintf(path2, sizeof path2, "%s/centre.db", dir);
	snprintf(path3, sizeof path3, "%s/copy.db", dir);
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
init(void)
{
	ck_assert_int_eq(izin_init(), IZIN_OK);
}

static int64_t
test_clock(void *arg)
{
	(void)arg;
	return clock_at;
}

static const char good_line[] =
	"izin-checkpoint 0123456789abcdef 42 "
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
	"2026-05-28T20:26:40Z ";

/* A checkpoint signed by sk, with fixed fields. */
static izin_checkpoint
signed_cp(const izin_seckey *sk)
{
	izin_checkpoint cp = { "0123456789abcdef", 42, { 0 }, 1780000000,
	                       { 0 } };

	for (int i = 0; i < IZIN_LOG_HASH_LEN; i++)
		cp.hash[i] = (unsigned char)(i % 16 * 17);
	ck_assert_int_eq(izin_checkpoint_sign(sk, &cp), IZIN_OK);
	return cp;
}

START_TEST(test_line_round_trip)
{
	izin_seckey *sk;
	izin_pubkey pub;
	izin_checkpoint cp, back;
	char line[IZIN_CHECKPOINT_MAX];
	int n;

	ck_assert_int_eq(izin_seckey_generate_device(&sk), IZIN_OK);
	izin_seckey_public(sk, &pub);
	ck_assert_int_eq(pub.role, IZIN_ROLE_DEVICE);
	cp = signed_cp(sk);
	n = izin_checkpoint_format(&cp, line);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq((int)strlen(line), n);
	ck_assert_int_eq(strncmp(line, good_line, sizeof good_line - 1), 0);
	ck_assert_int_eq(izin_checkpoint_parse(line, (size_t)n - 1, &back),
	                 IZIN_OK);
	ck_assert_mem_eq(&back, &cp, sizeof cp);
	ck_assert_int_eq(izin_checkpoint_check(&back, pub.pk), IZIN_OK);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_signature_covers_every_field)
{
	izin_seckey *sk, *other;
	izin_pubkey pub, opub;
	izin_checkpoint cp, t;

	ck_assert_int_eq(izin_seckey_generate_device(&sk), IZIN_OK);
	ck_assert_int_eq(izin_seckey_generate_device(&other), IZIN_OK);
	izin_seckey_public(sk, &pub);
	izin_seckey_public(other, &opub);
	cp = signed_cp(sk);
	ck_assert_int_eq(izin_checkpoint_check(&cp, opub.pk), IZIN_EBADSIG);
	t = cp; t.device[15] = 'e';
	ck_assert_int_eq(izin_checkpoint_check(&t, pub.pk), IZIN_EBADSIG);
	t = cp; t.dseq = 41;
	ck_assert_int_eq(izin_checkpoint_check(&t, pub.pk), IZIN_EBADSIG);
	t = cp; t.hash[31] ^= 1;
	ck_assert_int_eq(izin_checkpoint_check(&t, pub.pk), IZIN_EBADSIG);
	t = cp; t.time++;
	ck_assert_int_eq(izin_checkpoint_check(&t, pub.pk), IZIN_EBADSIG);
	t = cp; t.sig[0] ^= 1;
	ck_assert_int_eq(izin_checkpoint_check(&t, pub.pk), IZIN_EBADSIG);
	/* Nothing of the wrong shape is ever signed or verified. */
	t = cp; t.dseq = 0;
	ck_assert_int_eq(izin_checkpoint_sign(sk, &t), IZIN_EINVAL);
	ck_assert_int_eq(izin_checkpoint_check(&t, pub.pk), IZIN_EBADSIG);
	t = cp; strcpy(t.device, "0123456789ABCDEF");
	ck_assert_int_eq(izin_checkpoint_sign(sk, &t), IZIN_EINVAL);
	izin_seckey_free(sk);
	izin_seckey_free(other);
}
END_TEST

START_TEST(test_only_a_device_key_signs)
{
	izin_seckey *office, *root;
	izin_checkpoint cp = { "0123456789abcdef", 1, { 0 }, 0, { 0 } };
	izin_date d = izin_date_from_ymd(2026, 1, 1);

	ck_assert_int_eq(izin_seckey_generate("KANIM-JKT", d, d + 365,
	                                      &office), IZIN_OK);
	ck_assert_int_eq(izin_seckey_generate_root("DITJENIM", d, d + 365,
	                                           &root), IZIN_OK);
	ck_assert_int_eq(izin_checkpoint_sign(office, &cp), IZIN_EROLE);
	ck_assert_int_eq(izin_checkpoint_sign(root, &cp), IZIN_EROLE);
	izin_seckey_free(office);
	izin_seckey_free(root);
}
END_TEST

START_TEST(test_device_key_file)
{
	izin_seckey *sk, *back;
	izin_pubkey pub, bpub;
	char *text;
	size_t len;

	/* The key file and its public line say "device"; a device key
	 * never seals a permit. */
	ck_assert_int_eq(izin_seckey_generate_device(&sk), IZIN_OK);
	ck_assert_int_eq(izin_seckey_export(sk, NULL, 0, 0, 0, &text, &len),
	                 IZIN_OK);
	ck_assert_ptr_nonnull(strstr(text, " device\n"));
	ck_assert_int_eq(izin_seckey_import(text, len, NULL, 0, &back),
	                 IZIN_OK);
	izin_seckey_public(sk, &pub);
	izin_seckey_public(back, &bpub);
	ck_assert_int_eq(bpub.role, IZIN_ROLE_DEVICE);
	ck_assert_mem_eq(bpub.pk, pub.pk, IZIN_PK_LEN);
	izin_secure_free(text, len);
	izin_seckey_free(sk);
	izin_seckey_free(back);
}
END_TEST

/* Each of these is refused: one spelling only. */
START_TEST(test_parse_strict)
{
	static const char *const bad[] = {
		/* uppercase hex, in the device and in the hash */
		"izin-checkpoint 0123456789ABCDEF 42 %s 2026-05-28T20:26:40Z %s",
		"izin-checkpoint 0123456789abcdef 42 %.63sA 2026-05-28T20:26:40Z %s",
		/* a leading zero, a zero, a sign */
		"izin-checkpoint 0123456789abcdef 042 %s 2026-05-28T20:26:40Z %s",
		"izin-checkpoint 0123456789abcdef 0 %s 2026-05-28T20:26:40Z %s",
		"izin-checkpoint 0123456789abcdef +42 %s 2026-05-28T20:26:40Z %s",
		/* a time not in UTC, or not real */
		"izin-checkpoint 0123456789abcdef 42 %s 2026-05-29T03:26:40+07:00 %s",
		"izin-checkpoint 0123456789abcdef 42 %s 2026-02-30T20:26:40Z %s",
		/* two spaces, a tab, a word too many, another word */
		"izin-checkpoint  0123456789abcdef 42 %s 2026-05-28T20:26:40Z %s",
		"izin-checkpoint\t0123456789abcdef 42 %s 2026-05-28T20:26:40Z %s",
		"izin-checkpoint 0123456789abcdef 42 %s 2026-05-28T20:26:40Z %s x",
		"izin-checkpoints 0123456789abcdef 42 %s 2026-05-28T20:26:40Z %s",
		/* a short device */
		"izin-checkpoint 0123456789abcde 42 %s 2026-05-28T20:26:40Z %s",
	};
	const char *hash =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char good[IZIN_CHECKPOINT_MAX], line[2 * IZIN_CHECKPOINT_MAX];
	const char *sig;
	izin_seckey *sk;
	izin_checkpoint cp;
	int n;

	ck_assert_int_eq(izin_seckey_generate_device(&sk), IZIN_OK);
	cp = signed_cp(sk);
	n = izin_checkpoint_format(&cp, good);
	good[n - 1] = '\0';
	sig = strrchr(good, ' ') + 1;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, bad[i], hash, sig);
		ck_assert_msg(izin_checkpoint_parse(line, strlen(line), &cp) ==
		              IZIN_ELIST, "taken: %s", line);
	}
	/* The signature cut short, and the line cut anywhere. */
	for (size_t k = 1; k < strlen(good); k++)
		ck_assert_int_eq(izin_checkpoint_parse(good, k, &cp),
		                 IZIN_ELIST);
	ck_assert_int_eq(izin_checkpoint_parse(good, strlen(good), &cp),
	                 IZIN_OK);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_device_line)
{
	char line[IZIN_DEVLINE_MAX], dev[IZIN_DEVICE_LEN + 1];
	uint8_t pk[IZIN_PK_LEN];
	izin_seckey *sk;
	izin_pubkey pub;
	int n;

	ck_assert_int_eq(izin_seckey_generate_device(&sk), IZIN_OK);
	izin_seckey_public(sk, &pub);
	n = izin_device_format("0123456789abcdef", pub.pk, line);
	ck_assert_int_eq((int)strlen(line), n);
	ck_assert_int_eq(strncmp(line, "izin-device 0123456789abcdef ", 29), 0);
	ck_assert_int_eq(izin_device_parse(line, (size_t)n - 1, dev, pk),
	                 IZIN_OK);
	ck_assert_str_eq(dev, "0123456789abcdef");
	ck_assert_mem_eq(pk, pub.pk, IZIN_PK_LEN);
	/* A key that is no point of the curve: all zeros. */
	ck_assert_int_eq(izin_device_parse("izin-device 0123456789abcdef "
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 72, dev, pk),
	    IZIN_EKEYFILE);
	ck_assert_int_eq(izin_device_parse(line, (size_t)n - 2, dev, pk),
	                 IZIN_EKEYFILE);
	izin_seckey_free(sk);
}
END_TEST

static izin_log *
open_log(const char *p, int mode)
{
	izin_log *lg;
	int err = izin_log_open(p, mode, &lg);

	ck_assert_msg(err == IZIN_OK, "open %s: %s (%s)", p, izin_strerror(err),
	              lg ? izin_log_errmsg(lg) : "");
	return lg;
}

static const izin_sighting officer = {
	"2026-03-01T10:00:00+07:00", "T07", "officer", "Lamongan", "", ""
};

/* n sightings, in one commit. */
static void
append(izin_log *lg, int n)
{
	static int k;
	izin_record *r = izin_record_new();
	char p[32];

	ck_assert_ptr_nonnull(r);
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof p, "P-%d", ++k);
		ck_assert_int_eq(izin_record_set(r, "permit", p, strlen(p)), 0);
		ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	}
	ck_assert_int_eq(izin_log_commit(lg, &officer, 0, NULL, NULL),
	                 IZIN_OK);
	izin_record_free(r);
}

/* A device log at path whose writer signs (every sighting, no gap); its
 * key goes to *skp. */
static izin_log *
device_log(const char *p, izin_seckey **skp)
{
	izin_log *lg = open_log(p, IZIN_LOG_CREATE);
	izin_log_signer sg = { NULL, 1, 0, test_clock, NULL };
	izin_pubkey pub;

	ck_assert_int_eq(izin_seckey_generate_device(skp), IZIN_OK);
	izin_seckey_public(*skp, &pub);
	ck_assert_int_eq(izin_log_enrol(lg, izin_log_device(lg), pub.pk),
	                 IZIN_OK);
	sg.key = *skp;
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	return lg;
}

struct cps {
	izin_checkpoint v[8];
	int n;
};

static int
collect(void *arg, const izin_checkpoint *cp)
{
	struct cps *c = arg;

	ck_assert_int_lt(c->n, 8);
	c->v[c->n++] = *cp;
	return 0;
}

static struct cps
held(const char *p)
{
	izin_log *lg = open_log(p, IZIN_LOG_READ);
	struct cps c = { .n = 0 };

	ck_assert_int_eq(izin_log_checkpoints(lg, collect, &c), IZIN_OK);
	izin_log_close(lg);
	return c;
}

static void
sql(const char *p, const char *q)
{
	sqlite3 *db;
	char *err = NULL;

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, q, NULL, NULL, &err) == SQLITE_OK,
	              "%s: %s", q, err ? err : "");
	sqlite3_close(db);
}

/* The last sighting deleted and the head set back onto the one before:
 * the chain holds, only a checkpoint can tell. */
static void
cut_tail(const char *p)
{
	sql(p, "DELETE FROM sighting WHERE seq = (SELECT max(seq) FROM"
	       " sighting); UPDATE head SET dseq = dseq - 1, seq = (SELECT"
	       " max(seq) FROM sighting), hash = (SELECT hash FROM sighting"
	       " WHERE seq = (SELECT max(seq) FROM sighting));"
	       " PRAGMA wal_checkpoint(TRUNCATE)");
}

static void
copy_file(const char *from, const char *to)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	ck_assert_int_eq(system(cmd), 0);
}

static izin_log_fault
verify(const char *p, const izin_checkpoint *cps, size_t n)
{
	izin_log *lg = open_log(p, IZIN_LOG_READ);
	izin_log_fault f;
	int64_t count;

	ck_assert_int_eq(izin_log_verify_with(lg, cps, n, &count, &f),
	                 IZIN_OK);
	izin_log_close(lg);
	return f;
}

static izin_log_fault
merge(const char *into, const char *from, int flags, int64_t *added)
{
	izin_log *lg = open_log(into, IZIN_LOG_CREATE);
	izin_log *other = open_log(from, IZIN_LOG_READ);
	izin_log_fault f;

	ck_assert_int_eq(izin_log_merge(lg, other, flags, added, &f), IZIN_OK);
	izin_log_close(other);
	izin_log_close(lg);
	return f;
}

#define ck_assert_why(f, word) \
	ck_assert_msg((f).found && strstr((f).why, word) != NULL, \
	              "wanted a fault with \"%s\", got %s", word, \
	              (f).found ? (f).why : "none")

START_TEST(test_signer)
{
	izin_seckey *sk, *other;
	izin_log *lg = device_log(path, &sk);
	izin_log_signer sg = { NULL, 1, 0, test_clock, NULL };
	izin_pubkey pub, opub;
	struct cps c;

	append(lg, 3);
	append(lg, 2);
	izin_log_close(lg);
	c = held(path);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.v[0].dseq, 5);
	ck_assert_int_eq(c.v[0].time, clock_at);
	izin_seckey_public(sk, &pub);
	ck_assert_int_eq(izin_checkpoint_check(&c.v[0], pub.pk), IZIN_OK);

	/* Only the log's own device key signs; its key never changes. */
	lg = open_log(path, IZIN_LOG_WRITE);
	ck_assert_int_eq(izin_seckey_generate_device(&other), IZIN_OK);
	izin_seckey_public(other, &opub);
	sg.key = other;
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_EKEYCHANGE);
	ck_assert_int_eq(izin_log_enrol(lg, izin_log_device(lg), opub.pk),
	                 IZIN_EKEYCHANGE);
	ck_assert_int_eq(izin_log_enrol(lg, izin_log_device(lg), pub.pk),
	                 IZIN_OK);
	izin_log_close(lg);
	izin_seckey_free(sk);
	izin_seckey_free(other);
}
END_TEST

START_TEST(test_every_and_gap)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_signer sg = { NULL, 5, 60, test_clock, NULL };
	struct cps c;

	sg.key = sk;
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	append(lg, 1);                  /* the first is always due */
	ck_assert_int_eq(held(path).v[0].dseq, 1);
	append(lg, 4);                  /* 4 newer: not yet */
	ck_assert_int_eq(held(path).v[0].dseq, 1);
	append(lg, 1);                  /* 5 newer, but within the gap */
	ck_assert_int_eq(held(path).v[0].dseq, 1);
	clock_at += 60;
	append(lg, 1);
	ck_assert_int_eq(held(path).v[0].dseq, 7);
	append(lg, 1);
	ck_assert_int_eq(izin_log_checkpoint(lg), IZIN_OK);  /* the end */
	c = held(path);
	ck_assert_int_eq(c.v[0].dseq, 8);
	ck_assert_int_eq(c.v[0].time, clock_at);
	izin_log_close(lg);
	izin_seckey_free(sk);
}
END_TEST

/* A writer never signs over a chain cut or rewritten after its own
 * checkpoint: the evidence would be gone. */
START_TEST(test_signer_refuses_cut)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_signer sg = { NULL, 1, 0, test_clock, NULL };
	izin_record *r = izin_record_new();

	append(lg, 2);
	append(lg, 1);
	izin_log_close(lg);
	cut_tail(path);
	lg = open_log(path, IZIN_LOG_WRITE);
	sg.key = sk;
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	ck_assert_int_eq(izin_record_set(r, "permit", "X", 1), 0);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &officer, 0, NULL, NULL),
	                 IZIN_ECUT);
	ck_assert_ptr_nonnull(strstr(izin_log_errmsg(lg), "dseq 3: the chain"
	                             " was cut"));
	ck_assert_int_eq(izin_log_pending(lg), 1);      /* kept, unwritten */
	ck_assert_int_eq(izin_log_checkpoint(lg), IZIN_ECUT);
	izin_log_close(lg);
	ck_assert_int_eq(held(path).v[0].dseq, 3);
	ck_assert_why(verify(path, NULL, 0), "cut tail");

	/* Sightings added without signing, then a signing writer: it looks
	 * back along the chain and finds the checkpoint's sighting changed. */
	lg = open_log(path, IZIN_LOG_WRITE);
	append(lg, 2);
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	ck_assert_int_eq(izin_log_add(lg, r), IZIN_OK);
	ck_assert_int_eq(izin_log_commit(lg, &officer, 0, NULL, NULL),
	                 IZIN_ECUT);
	ck_assert_ptr_nonnull(strstr(izin_log_errmsg(lg), "dseq 3: the chain"
	                             " was rewritten"));
	izin_log_close(lg);
	ck_assert_int_eq(held(path).v[0].dseq, 3);
	ck_assert_why(verify(path, NULL, 0), "rewritten");
	izin_record_free(r);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_verify_cut_tail)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_checkpoint kept;
	izin_log_fault f;

	append(lg, 3);
	append(lg, 1);
	izin_log_close(lg);
	kept = held(path).v[0];
	ck_assert_int_eq(verify(path, NULL, 0).found, 0);
	ck_assert_int_eq(verify(path, &kept, 1).found, 0);

	/* The log's own checkpoint gives the cut away... */
	cut_tail(path);
	f = verify(path, NULL, 0);
	ck_assert_why(f, "cut tail");
	ck_assert_str_eq(f.device, kept.device);
	ck_assert_int_eq(f.dseq, 4);
	/* ...unless it is set back too: then only one kept elsewhere can. */
	sql(path, "DELETE FROM checkpoint");
	ck_assert_int_eq(verify(path, NULL, 0).found, 0);
	f = verify(path, &kept, 1);
	ck_assert_why(f, "cut tail");
	ck_assert_int_eq(f.dseq, 4);

	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_verify_rewritten)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_signer sg = { NULL, 1, 0, test_clock, NULL };
	izin_checkpoint kept;
	izin_log_fault f;

	append(lg, 2);
	append(lg, 1);
	izin_log_close(lg);
	kept = held(path).v[0];
	cut_tail(path);
	sql(path, "DELETE FROM checkpoint");
	/* The operator holds the device key: another third sighting, and a
	 * checkpoint of it that verifies. */
	lg = open_log(path, IZIN_LOG_WRITE);
	sg.key = sk;
	ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	append(lg, 1);
	izin_log_close(lg);
	ck_assert_int_eq(verify(path, NULL, 0).found, 0);
	f = verify(path, &kept, 1);
	ck_assert_why(f, "rewritten");
	ck_assert_int_eq(f.dseq, 3);
	ck_assert_int_eq(f.has_seq, 1);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_verify_foreign_signature)
{
	izin_seckey *sk, *other;
	izin_log *lg = device_log(path, &sk);
	izin_checkpoint cp;
	izin_log_fault f;
	struct cps c;

	append(lg, 2);
	izin_log_close(lg);
	c = held(path);
	/* The same statement signed by another device's key. */
	ck_assert_int_eq(izin_seckey_generate_device(&other), IZIN_OK);
	cp = c.v[0];
	ck_assert_int_eq(izin_checkpoint_sign(other, &cp), IZIN_OK);
	f = verify(path, &cp, 1);
	ck_assert_why(f, "signature");
	/* A checkpoint of a device the log knows nothing of. */
	strcpy(cp.device, "ffffffffffffffff");
	f = verify(path, &cp, 1);
	ck_assert_why(f, "unknown device");
	izin_seckey_free(sk);
	izin_seckey_free(other);
}
END_TEST

START_TEST(test_merge_enrol)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_fault f;
	int64_t added;
	uint8_t pk[IZIN_PK_LEN];
	izin_pubkey pub;
	int found;

	append(lg, 3);
	izin_log_close(lg);
	f = merge(path2, path, 0, &added);
	ck_assert_why(f, "unknown device");
	ck_assert_int_eq(added, 0);
	ck_assert_int_eq(held(path2).n, 0);
	f = merge(path2, path, IZIN_MERGE_ENROL, &added);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 3);
	ck_assert_int_eq(held(path2).n, 1);
	ck_assert_int_eq(held(path2).v[0].dseq, 3);
	lg = open_log(path2, IZIN_LOG_READ);
	ck_assert_int_eq(izin_log_key(lg, held(path).v[0].device, pk, &found),
	                 IZIN_OK);
	izin_log_close(lg);
	izin_seckey_public(sk, &pub);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(pk, pub.pk, IZIN_PK_LEN);
	/* Known now: no flag needed, nothing new. */
	f = merge(path2, path, 0, &added);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 0);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_merge_key_differs)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_fault f;
	int64_t added;

	append(lg, 2);
	izin_log_close(lg);
	ck_assert_int_eq(merge(path2, path, IZIN_MERGE_ENROL, &added).found, 0);
	/* Another key put in the log's place for the device's own. */
	{
		izin_seckey *other;
		izin_pubkey opub;
		char q[256], hex[2 * IZIN_PK_LEN + 1];
		ck_assert_int_eq(izin_seckey_generate_device(&other), IZIN_OK);
		izin_seckey_public(other, &opub);
		for (int i = 0; i < IZIN_PK_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", opub.pk[i]);
		snprintf(q, sizeof q, "UPDATE device_key SET pk = x'%s'", hex);
		sql(path, q);
		izin_seckey_free(other);
	}
	f = merge(path2, path, IZIN_MERGE_ENROL, &added);
	ck_assert_why(f, "key differs");
	ck_assert_str_eq(f.device, held(path).v[0].device);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_merge_cut_tail)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_fault f;
	int64_t added;
	struct cps before;

	append(lg, 2);
	append(lg, 2);
	izin_log_close(lg);
	ck_assert_int_eq(merge(path2, path, IZIN_MERGE_ENROL, &added).found, 0);
	before = held(path2);
	/* Cut, head and checkpoint set back: the log verifies alone, the
	 * centre that took the later checkpoint refuses it whole. */
	cut_tail(path);
	sql(path, "DELETE FROM checkpoint");
	ck_assert_int_eq(verify(path, NULL, 0).found, 0);
	f = merge(path2, path, 0, &added);
	ck_assert_why(f, "cut tail");
	ck_assert_int_eq(f.dseq, 4);
	ck_assert_int_eq(added, 0);
	ck_assert_mem_eq(&held(path2).v[0], &before.v[0], sizeof before.v[0]);
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_merge_replayed_older)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_fault f;
	int64_t added;
	struct cps old, newer;

	append(lg, 2);
	izin_log_close(lg);
	copy_file(path, path3);
	old = held(path3);
	lg = open_log(path, IZIN_LOG_WRITE);
	{
		izin_log_signer sg = { NULL, 1, 0, test_clock, NULL };
		sg.key = sk;
		ck_assert_int_eq(izin_log_set_signer(lg, &sg), IZIN_OK);
	}
	append(lg, 3);
	izin_log_close(lg);
	newer = held(path);
	ck_assert_int_eq(newer.v[0].dseq, 5);
	ck_assert_int_eq(merge(path2, path, IZIN_MERGE_ENROL, &added).found, 0);
	ck_assert_int_eq(added, 5);
	/* The whole chain, with its older checkpoint put back: taken (it
	 * adds nothing), and the newer checkpoint stays. */
	sql(path, "DELETE FROM checkpoint");
	{
		char q[512];
		snprintf(q, sizeof q, "ATTACH '%s' AS o; INSERT INTO checkpoint"
		         " SELECT * FROM o.checkpoint", path3);
		sql(path, q);
	}
	ck_assert_int_eq(held(path).v[0].dseq, 2);
	f = merge(path2, path, 0, &added);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 0);
	ck_assert_mem_eq(&held(path2).v[0], &newer.v[0], sizeof newer.v[0]);
	/* The old copy itself ends before the centre's checkpoint. */
	f = merge(path2, path3, 0, &added);
	ck_assert_why(f, "cut tail");
	ck_assert_mem_eq(&held(path2).v[0], &newer.v[0], sizeof newer.v[0]);
	(void)old;
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_merge_foreign_checkpoint)
{
	izin_seckey *sk, *other;
	izin_log *lg = device_log(path, &sk);
	izin_checkpoint cp;
	izin_log_fault f;
	int64_t added;
	char q[1024], sig[2 * IZIN_SIG_LEN + 1];

	append(lg, 2);
	izin_log_close(lg);
	/* The log's checkpoint re-signed by another device's key. */
	ck_assert_int_eq(izin_seckey_generate_device(&other), IZIN_OK);
	cp = held(path).v[0];
	ck_assert_int_eq(izin_checkpoint_sign(other, &cp), IZIN_OK);
	for (int i = 0; i < IZIN_SIG_LEN; i++)
		snprintf(sig + 2 * i, 3, "%02x", cp.sig[i]);
	snprintf(q, sizeof q, "UPDATE checkpoint SET sig = x'%s'", sig);
	sql(path, q);
	f = merge(path2, path, IZIN_MERGE_ENROL, &added);
	ck_assert_why(f, "signature");
	ck_assert_int_eq(added, 0);
	ck_assert_int_eq(held(path2).n, 0);
	izin_seckey_free(sk);
	izin_seckey_free(other);
}
END_TEST

START_TEST(test_merge_chain_gone_whole)
{
	izin_seckey *sk;
	izin_log *lg = device_log(path, &sk);
	izin_log_fault f;
	int64_t added;

	append(lg, 2);
	izin_log_close(lg);
	/* Every sighting and the head gone; the checkpoint left behind. */
	sql(path, "DELETE FROM sighting; DELETE FROM head");
	f = verify(path, NULL, 0);
	ck_assert_why(f, "cut tail");
	f = merge(path2, path, IZIN_MERGE_ENROL, &added);
	ck_assert_why(f, "cut tail");
	izin_seckey_free(sk);
}
END_TEST

START_TEST(test_legacy_log)
{
	izin_log *lg = open_log(path, IZIN_LOG_CREATE);
	izin_log_fault f;
	int64_t added;

	/* A log made before device keys: no key, no checkpoint. */
	append(lg, 2);
	izin_log_close(lg);
	f = merge(path2, path, 0, &added);
	ck_assert_why(f, "unknown device");
	f = merge(path2, path, IZIN_MERGE_ENROL, &added);
	ck_assert_int_eq(f.found, 0);
	ck_assert_int_eq(added, 2);
}
END_TEST

static Suite *
checkpoint_suite(void)
{
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("lines");

	tcase_add_checked_fixture(tc, init, NULL);
	tcase_add_test(tc, test_line_round_trip);
	tcase_add_test(tc, test_signature_covers_every_field);
	tcase_add_test(tc, test_only_a_device_key_signs);
	tcase_add_test(tc, test_device_key_file);
	tcase_add_test(tc, test_parse_strict);
	tcase_add_test(tc, test_device_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("log");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_signer);
	tcase_add_test(tc, test_every_and_gap);
	tcase_add_test(tc, test_signer_refuses_cut);
	tcase_add_test(tc, test_verify_cut_tail);
	tcase_add_test(tc, test_verify_rewritten);
	tcase_add_test(tc, test_verify_foreign_signature);
	tcase_add_test(tc, test_merge_enrol);
	tcase_add_test(tc, test_merge_key_differs);
	tcase_add_test(tc, test_merge_cut_tail);
	tcase_add_test(tc, test_merge_replayed_older);
	tcase_add_test(tc, test_merge_foreign_checkpoint);
	tcase_add_test(tc, test_merge_chain_gone_whole);
	tcase_add_test(tc, test_legacy_log);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(checkpoint_suite)
