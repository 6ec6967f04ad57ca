/*
 * check_tsv.c - the TSV cell helpers (escape, unescape, split, the
 * growable buffer), izin_reader_feed() and izin_reader_pending(), and the
 * record pass-through, whose output must be the full reader's and
 * writer's byte for byte: checked on fixed cases and on random lines.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "izin_internal.h"
#include "check_util.h"

START_TEST(test_buf)
{
	struct izin_buf b = { 0 };

	ck_assert_int_eq(izin_buf_add(&b, "abc", 3), 0);
	ck_assert_int_eq(b.len, 3);
	ck_assert_str_eq(b.p, "abc");
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(izin_buf_add(&b, "0123456789", 10), 0);
	ck_assert_int_eq(b.len, 10003);
	ck_assert_int_gt(b.cap, b.len);
	ck_assert_int_eq(b.p[b.len], '\0');
	ck_assert_int_eq(izin_buf_reserve(&b, SIZE_MAX / 2), IZIN_ENOMEM);
	ck_assert_int_eq(b.len, 10003);
	izin_buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_int_eq(b.len + b.cap, 0);
	izin_buf_free(&b);
}
END_TEST

START_TEST(test_escape)
{
	static const char in[] = "a\\b\tc\nd\re long enough for words\t";
	struct izin_buf b = { 0 };
	size_t len;

	ck_assert_int_eq(izin_tsv_escape(&b, in, sizeof in - 1), 0);
	ck_assert_str_eq(b.p, "a\\\\b\\tc\\nd\\re long enough for words\\t");
	len = b.len;
	ck_assert_int_eq(izin_tsv_unescape(b.p, &len), 0);
	ck_assert_int_eq(len, sizeof in - 1);
	ck_assert_mem_eq(b.p, in, len);
	/* Every byte but NUL goes there and back. */
	b.len = 0;
	for (int c = 1; c < 256; c++) {
		char ch = (char)c;
		ck_assert_int_eq(izin_tsv_escape(&b, &ch, 1), 0);
	}
	ck_assert_ptr_null(memchr(b.p, '\t', b.len));
	ck_assert_ptr_null(memchr(b.p, '\n', b.len));
	ck_assert_ptr_null(memchr(b.p, '\r', b.len));
	len = b.len;
	ck_assert_int_eq(izin_tsv_unescape(b.p, &len), 0);
	ck_assert_int_eq(len, 255);
	for (int c = 1; c < 256; c++)
		ck_assert_int_eq((unsigned char)b.p[c - 1], c);
	izin_buf_free(&b);
}
END_TEST

START_TEST(test_unescape_bad)
{
	static const char *const bad[] = { "\\", "a\\", "\\x", "a\\0b", "\\T" };
	char s[16];
	size_t len;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		len = strlen(bad[i]);
		memcpy(s, bad[i], len + 1);
		ck_assert_int_eq(izin_tsv_unescape(s, &len), IZIN_EESCAPE);
	}
	len = 3;
	memcpy(s, "abc", 4);
	ck_assert_int_eq(izin_tsv_unescape(s, &len), 0);
	ck_assert_int_eq(len, 3);
}
END_TEST

START_TEST(test_split)
{
	struct izin_cell c[4];
	char line[64];
	int bs;

	strcpy(line, "one\ttwo and more\t\tfour");
	ck_assert_int_eq(izin_tsv_split(line, strlen(line), c, 4, &bs), 0);
	ck_assert_int_eq(bs, 0);
	ck_assert_str_eq(c[0].v, "one");
	ck_assert_str_eq(c[1].v, "two and more");
	ck_assert_int_eq(c[2].len, 0);
	ck_assert_str_eq(c[3].v, "four");
	ck_assert_int_eq(c[3].len, 4);
	strcpy(line, "a\tb");
	ck_assert_int_eq(izin_tsv_split(line, 3, c, 3, &bs), IZIN_ECOLUMNS);
	strcpy(line, "a\tb\tc\td");
	ck_assert_int_eq(izin_tsv_split(line, 7, c, 3, &bs), IZIN_ECOLUMNS);
	memcpy(line, "a\tb\0c", 6);
	ck_assert_int_eq(izin_tsv_split(line, 5, c, 2, &bs), IZIN_ERECORD);
	ck_assert_int_eq(izin_tsv_split(line, 0, c, 0, &bs), IZIN_ECOLUMNS);
	strcpy(line, "x\\ty\tlong cell with a \\\\ in it\\n");
	ck_assert_int_eq(izin_tsv_split(line, strlen(line), c, 2, &bs), 0);
	ck_assert_int_eq(bs, 1);
	strcpy(line, "x\\ty\tlong cell with a \\\\ in it\\n");
	ck_assert_int_eq(izin_tsv_split_unescape(line, strlen(line), c, 2), 0);
	ck_assert_str_eq(c[0].v, "x\ty");
	ck_assert_str_eq(c[1].v, "long cell with a \\ in it\n");
	strcpy(line, "x\\qy\tz");
	ck_assert_int_eq(izin_tsv_split_unescape(line, strlen(line), c, 2),
	    IZIN_EESCAPE);
	strcpy(line, "");
	ck_assert_int_eq(izin_tsv_split(line, 0, c, 1, &bs), 0);
	ck_assert_int_eq(c[0].len, 0);
}
END_TEST

START_TEST(test_feed)
{
	FILE *fp = tmpfile();
	izin_reader *rd;
	izin_record *r = izin_record_new();
	char l1[] = "a\tb", l2[] = "1\\t\t2", l3[] = "a\tb", l4[] = "x";

	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(rd = izin_reader_new(fp, IZIN_FMT_TSV));
	ck_assert_int_eq(izin_reader_feed(rd, l1, 3, r), 0);
	ck_assert_int_eq(izin_reader_feed(rd, l2, 5, r), 1);
	ck_assert_str_eq(izin_record_get(r, "a", NULL), "1\t");
	ck_assert_str_eq(izin_record_get(r, "b", NULL), "2");
	ck_assert_int_eq(izin_reader_feed(rd, l3, 3, r), 0);
	ck_assert_int_eq(izin_reader_feed(rd, l4, 1, r), IZIN_ECOLUMNS);
	ck_assert_int_eq(izin_reader_line(rd), 4);
	ck_assert_int_eq(izin_reader_feed(NULL, l4, 1, r), IZIN_EINVAL);
	izin_reader_free(rd);
	izin_record_free(r);
	fclose(fp);
}
END_TEST

/* The reader holds what a pipe gave it, and says so. */
START_TEST(test_pending)
{
	izin_record *r = izin_record_new();
	izin_reader *rd;
	FILE *fp;
	int fd[2];

	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_ptr_nonnull(fp = fdopen(fd[0], "r"));
	ck_assert_ptr_nonnull(rd = izin_reader_new(fp, IZIN_FMT_AUTO));
	ck_assert_int_eq(izin_reader_pending(rd), 0);
	ck_assert_int_eq(write(fd[1], "a\tb\n1\t2\n3\t4\n5", 13), 13);
	ck_assert_int_eq(izin_reader_next(rd, r), 1);
	ck_assert_str_eq(izin_record_get(r, "b", NULL), "2");
	ck_assert_int_eq(izin_reader_pending(rd), 1);
	ck_assert_int_eq(izin_reader_next(rd, r), 1);
	/* Half a line held: the next call would wait. */
	ck_assert_int_eq(izin_reader_pending(rd), 0);
	ck_assert_int_eq(write(fd[1], "\t6\n", 3), 3);
	close(fd[1]);
	ck_assert_int_eq(izin_reader_next(rd, r), 1);
	ck_assert_str_eq(izin_record_get(r, "a", NULL), "5");
	ck_assert_int_eq(izin_reader_next(rd, r), 0);
	ck_assert_int_eq(izin_reader_pending(rd), 0);
	ck_assert_int_eq(izin_reader_pending(NULL), 0);
	izin_reader_free(rd);
	izin_record_free(r);
	fclose(fp);
}
END_TEST

/* ---- The pass-through against the full reader and writer ---- */

static const char *const want[] = { "a", "b", "zz" };
static const char *const add[] = { "n", "x" };

/* The cells added to a record, from the wanted ones: the length of a
 * (or "-"), and b as it is (or "" when the record has none). */
static void
adds(const char *va, size_t la, const char *vb, size_t lb, char *nbuf,
     const char **vals, size_t *lens)
{
	if (va != NULL)
		snprintf(nbuf, 24, "%zu", la);
	else
		strcpy(nbuf, "-");
	vals[0] = nbuf;
	lens[0] = strlen(nbuf);
	vals[1] = vb != NULL ? vb : "";
	lens[1] = vb != NULL ? lb : 0;
}

/* Whether to write the record: not when a is three bytes long. */
static int
written(const char *va, size_t la)
{
	return va == NULL || la != 3;
}

/* A stream holding text, with a descriptor. */
static FILE *
text_file(const char *text, size_t len)
{
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fwrite(text, 1, len, fp), len);
	rewind(fp);
	return fp;
}

/* All of fp from the start, NUL-ended in *len bytes; caller frees. */
static char *
slurp(FILE *fp, size_t *len)
{
	char *s;
	long n;

	ck_assert_int_eq(fflush(fp), 0);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	ck_assert_int_ge(n = ftell(fp), 0);
	rewind(fp);
	ck_assert_ptr_nonnull(s = malloc((size_t)n + 1));
	ck_assert_int_eq(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

/* The texts through the pass-through: output and the errors met (as
 * "file:line:error\n") into *out and *errs; caller frees both. */
static void
via_passthru(const char *const *texts, size_t ntexts, int format,
             char **out, size_t *olen, char **errs, size_t *elen)
{
	FILE *of = tmpfile(), *ef = open_memstream(errs, elen);
	izin_passthru *p;
	const char *vals[2], *va, *vb;
	size_t lens[2], la, lb;
	char nbuf[24];
	int rc;

	ck_assert_ptr_nonnull(of);
	ck_assert_ptr_nonnull(ef);
	ck_assert_ptr_nonnull(p = izin_passthru_new(of, format, want, 3, add,
	    2));
	for (size_t f = 0; f < ntexts; f++) {
		FILE *in = text_file(texts[f], strlen(texts[f]));
		ck_assert_int_eq(izin_passthru_open(p, in), 0);
		while ((rc = izin_passthru_next(p)) != 0) {
			if (rc < 0) {
				fprintf(ef, "%zu:%lu:%d\n", f,
				    izin_passthru_line(p), rc);
				continue;
			}
			va = izin_passthru_get(p, 0, &la);
			vb = izin_passthru_get(p, 1, &lb);
			ck_assert_ptr_null(izin_passthru_get(p, 2, NULL));
			adds(va, la, vb, lb, nbuf, vals, lens);
			ck_assert_int_eq(izin_passthru_set(p, vals, lens), 0);
			if (written(va, la) &&
			    (rc = izin_passthru_write(p)) != 0)
				fprintf(ef, "%zu:%lu:w%d\n", f,
				    izin_passthru_line(p), rc);
		}
		fclose(in);
	}
	ck_assert_int_eq(izin_passthru_flush(p), 0);
	izin_passthru_free(p);
	*out = slurp(of, olen);
	fclose(of);
	fclose(ef);
}

/* The same through izin_reader and izin_writer, record by record. */
static void
via_reader(const char *const *texts, size_t ntexts, int format,
           char **out, size_t *olen, char **errs, size_t *elen)
{
	FILE *of = open_memstream(out, olen), *ef = open_memstream(errs, elen);
	izin_record *r = izin_record_new();
	izin_writer *w = NULL;
	const char *vals[2], *va, *vb;
	size_t lens[2], la, lb;
	char nbuf[24];
	int rc;

	ck_assert_ptr_nonnull(of);
	ck_assert_ptr_nonnull(ef);
	for (size_t f = 0; f < ntexts; f++) {
		FILE *in = fmemopen((void *)texts[f], strlen(texts[f]), "r");
		izin_reader *rd = izin_reader_new(in, IZIN_FMT_AUTO);
		ck_assert_ptr_nonnull(rd);
		while ((rc = izin_reader_next(rd, r)) != 0) {
			if (rc < 0) {
				fprintf(ef, "%zu:%lu:%d\n", f,
				    izin_reader_line(rd), rc);
				continue;
			}
			va = izin_record_get(r, "a", &la);
			vb = izin_record_get(r, "b", &lb);
			adds(va, la, vb, lb, nbuf, vals, lens);
			for (int i = 0; i < 2; i++)
				ck_assert_int_eq(izin_record_set(r, add[i],
				    vals[i], lens[i]), 0);
			if (w == NULL) {
				int wf = format != IZIN_FMT_AUTO ? format :
				    izin_reader_format(rd);
				size_t n = izin_record_count(r);
				const char *keys[16];
				ck_assert_int_le(n, 16);
				for (size_t k = 0; k < n; k++)
					keys[k] = izin_record_key(r, k);
				ck_assert_ptr_nonnull(w = izin_writer_new(of,
				    wf));
				ck_assert_int_eq(izin_writer_columns(w, keys,
				    n), 0);
			}
			if (written(va, la) &&
			    (rc = izin_writer_put(w, r)) != 0)
				fprintf(ef, "%zu:%lu:w%d\n", f,
				    izin_reader_line(rd), rc);
		}
		izin_reader_free(rd);
		fclose(in);
	}
	izin_writer_free(w);
	izin_record_free(r);
	fclose(of);
	fclose(ef);
}

static void
same_output(const char *const *texts, size_t ntexts, int format)
{
	char *o1, *o2, *e1, *e2;
	size_t l1, l2, m1, m2;

	via_passthru(texts, ntexts, format, &o1, &l1, &e1, &m1);
	via_reader(texts, ntexts, format, &o2, &l2, &e2, &m2);
	ck_assert_msg(l1 == l2 && memcmp(o1, o2, l1) == 0,
	    "input:\n%.300s\npass-through:\n%.300s\nreader:\n%.300s",
	    texts[0], o1, o2);
	ck_assert_msg(m1 == m2 && memcmp(e1, e2, m1) == 0,
	    "input:\n%.300s\npass-through errors:\n%.300s\n"
	    "reader errors:\n%.300s",
	    texts[0], e1, e2);
	free(o1);
	free(o2);
	free(e1);
	free(e2);
}

/* Fixed inputs, each run as TSV out, JSON out and CSV out. */
static const char *const fixed[] = {
	"a\tb\tc\n1\t2\t3\n111\tx\ty\nlong value here\tv\tw\n",
	/* CRLF, empty lines, the header again, no newline at the end. */
	"a\tb\tc\r\n1\t2\t3\r\n\r\n\na\tb\tc\n4\t5\t6\r\n7\t8\t9",
	/* Escapes, a bad escape, a wrong width, a CR inside. */
	"a\tb\tc\n1\\t\t2\\\\\t3\nx\\q\ty\tz\n1\t2\n1\t2\t3\t4\n"
	"a\rb\tc\td\nok\tok\tok\n",
	/* The add columns there already, at the end: replaced. */
	"a\tb\tn\tx\n1\t2\told\told\n3\t4\t\t\nabc\tq\tz\tz\n",
	/* The add columns there, not at the end. */
	"n\ta\tx\tb\n1\t2\t3\t4\n5\t6\t7\t8\n",
	/* No wanted column at all. */
	"c\td\n1\t2\n3\t4\n",
	/* A bad header: no records. */
	"a\ta\n1\t2\n",
	"a\t\\q\n1\t2\n",
	/* JSON Lines. */
	"\n{\"a\":\"12\",\"b\":\"x\\ty\"}\n{\"a\":1}\nnot json\n{\"b\":\"\"}\n",
	"",
	"\n\n",
	"a\n\n1\n22\n333\n",
};

START_TEST(test_passthru_fixed)
{
	const char *t[1] = { fixed[_i] };

	same_output(t, 1, IZIN_FMT_AUTO);
	same_output(t, 1, IZIN_FMT_JSON);
	same_output(t, 1, IZIN_FMT_CSV);
}
END_TEST

/* Two files: the second's columns differ, or match. */
START_TEST(test_passthru_files)
{
	const char *t1[] = { "a\tb\n1\t2\n", "a\tb\n3\t4\n5\t6\n" };
	const char *t2[] = { "a\tb\n1\t2\n", "b\ta\n3\t4\n" };
	const char *t3[] = { "a\tb\n1\t2\n", "c\n3\n" };
	const char *t4[] = { "{\"a\":\"1\"}\n", "a\tb\n3\t4\n" };
	const char *t5[] = { "a\tb\n1\t2\n", "{\"a\":\"1\",\"b\":\"2\"}\n" };

	same_output(t1, 2, IZIN_FMT_AUTO);
	same_output(t2, 2, IZIN_FMT_AUTO);
	same_output(t3, 2, IZIN_FMT_AUTO);
	same_output(t4, 2, IZIN_FMT_AUTO);
	same_output(t5, 2, IZIN_FMT_AUTO);
}
END_TEST

/* A random cell: plain bytes mostly, sometimes an escape (good or bad),
 * a tab too many, a CR or a non-ASCII byte. */
static void
random_cell(struct izin_buf *b, unsigned *seed)
{
	static const char *const odd[] = {
		"\\t", "\\n", "\\\\", "\\r", "\\q", "\r", "\t", "\xc3\xa9",
		"\\", "",
	};
	int n = rand_r(seed) % 12;

	for (int i = 0; i < n; i++) {
		int k = rand_r(seed) % 40;
		if (k < 10) {
			const char *s = odd[k];
			ck_assert_int_eq(izin_buf_add(b, s, strlen(s)), 0);
		} else {
			char c = (char)('a' + k % 26);
			ck_assert_int_eq(izin_buf_add(b, &c, 1), 0);
		}
	}
}

/* A random cell of plain letters, up to 29. */
static void
plain_cell(struct izin_buf *b, unsigned *seed)
{
	for (int k = rand_r(seed) % 30; k > 0; k--)
		ck_assert_int_eq(izin_buf_add(b, "abcdefghij" + k % 10, 1), 0);
}

/* Random inputs: a header of plain (or escaped) names, with or without
 * the add columns, then lines plain and not, of the header's width or
 * not, empty, the header again, CRLF. */
START_TEST(test_passthru_random)
{
	static const char *const headers[] = {
		"a\tb\tc", "c\ta\tb", "a\tb\tn\tx", "b\tc\td\te\tf\ta",
		"a", "a\\tq\tb", "x\tn\ta\tb", "a\tb\tc\r",
	};
	unsigned seed = 20261204u + (unsigned)_i;
	struct izin_buf b = { 0 };
	const char *t[1];

	for (int round = 0; round < 25; round++) {
		const char *h = headers[rand_r(&seed) % 8];
		size_t ncols = 1;
		int lines = 1 + rand_r(&seed) % 40;

		b.len = 0;
		for (const char *q = h; *q != '\0'; q++)
			ncols += *q == '\t';
		ck_assert_int_eq(izin_buf_add(&b, h, strlen(h)), 0);
		ck_assert_int_eq(izin_buf_add(&b, "\n", 1), 0);
		for (int l = 0; l < lines; l++) {
			int kind = rand_r(&seed) % 20;
			size_t n = ncols;
			if (kind == 0) {
				ck_assert_int_eq(izin_buf_add(&b, "\n", 1), 0);
				continue;
			}
			if (kind == 1) {
				ck_assert_int_eq(izin_buf_add(&b, h, strlen(h)),
				    0);
				ck_assert_int_eq(izin_buf_add(&b, "\n", 1), 0);
				continue;
			}
			if (kind == 2)
				n = ncols + 1;
			if (kind == 3 && ncols > 1)
				n = ncols - 1;
			for (size_t c = 0; c < n; c++) {
				if (c > 0)
					ck_assert_int_eq(izin_buf_add(&b, "\t",
					    1), 0);
				if (kind < 8)
					random_cell(&b, &seed);
				else
					plain_cell(&b, &seed);
			}
			if (kind == 4)
				ck_assert_int_eq(izin_buf_add(&b, "\r", 1), 0);
			if (l + 1 < lines || kind != 5)
				ck_assert_int_eq(izin_buf_add(&b, "\n", 1), 0);
		}
		t[0] = b.p;
		same_output(t, 1, IZIN_FMT_AUTO);
		if (round % 5 == 0)
			same_output(t, 1, IZIN_FMT_CSV);
	}
	izin_buf_free(&b);
}
END_TEST

/* A long register line, to cross the 16- and 32-byte scans, plus lines
 * made odd at every position. */
START_TEST(test_passthru_long)
{
	struct izin_buf b = { 0 }, line = { 0 };
	const char *t[1];

	ck_assert_int_eq(izin_buf_add(&b, "p\ta\tq\tb\tpayload\n", 16), 0);
	for (int i = 0; i < 300; i++) {
		char c = (char)('A' + i % 26);
		ck_assert_int_eq(izin_buf_add(&line, &c, 1), 0);
	}
	for (int pos = 0; pos < 120; pos++) {
		ck_assert_int_eq(izin_buf_add(&b, "1\t22\t333\t4444\t", 14), 0);
		ck_assert_int_eq(izin_buf_add(&b, line.p, line.len), 0);
		/* An odd byte at pos of the payload on every other line. */
		if (pos % 2 == 1)
			b.p[b.len - line.len + pos] = "\\\r\t"[pos % 3];
		ck_assert_int_eq(izin_buf_add(&b, "\n", 1), 0);
	}
	t[0] = b.p;
	same_output(t, 1, IZIN_FMT_AUTO);
	izin_buf_free(&b);
	izin_buf_free(&line);
}
END_TEST

START_TEST(test_passthru_args)
{
	const char *const bad[] = { "" };

	ck_assert_ptr_null(izin_passthru_new(NULL, 0, want, 3, add, 2));
	ck_assert_ptr_null(izin_passthru_new(stdout, 9, want, 3, add, 2));
	ck_assert_ptr_null(izin_passthru_new(stdout, 0, want, 3, add, 0));
	ck_assert_ptr_null(izin_passthru_new(stdout, 0, want, 3, bad, 1));
	ck_assert_ptr_null(izin_passthru_new(stdout, 0, NULL, 1, add, 2));
	ck_assert_int_eq(izin_passthru_open(NULL, stdin), IZIN_EINVAL);
	ck_assert_int_eq(izin_passthru_next(NULL), IZIN_EINVAL);
	ck_assert_int_eq(izin_passthru_flush(NULL), IZIN_EINVAL);
	izin_passthru_free(NULL);
}
END_TEST

static Suite *
tsv_suite(void)
{
	Suite *s = suite_create("tsv");
	TCase *tc;

	tc = tcase_create("cells");
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_unescape_bad);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_feed);
	tcase_add_test(tc, test_pending);
	suite_add_tcase(s, tc);

	tc = tcase_create("passthru");
	tcase_add_loop_test(tc, test_passthru_fixed, 0,
	    sizeof(fixed) / sizeof(fixed[0]));
	tcase_add_test(tc, test_passthru_files);
	tcase_add_loop_test(tc, test_passthru_random, 0, 40);
	tcase_add_test(tc, test_passthru_long);
	tcase_add_test(tc, test_passthru_args);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(tsv_suite)
