/*
 * check_csv.c - the streaming CSV reader: RFC 4180 as spreadsheets write
 * it, its errors and how it recovers from them, long rows, big inputs,
 * and rows cut at every place by the reader's buffer boundaries.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "izin.h"
#include "check_util.h"

/* An input in memory and a reader over it. */
struct src {
	FILE *fp;
	izin_csv *c;
};

static void
src_open(struct src *s, const char *text, size_t len)
{
	/* fmemopen() of zero bytes fails on older C libraries. */
	if (len == 0)
		s->fp = tmpfile();
	else
		s->fp = fmemopen((void *)text, len, "r");
	ck_assert_ptr_nonnull(s->fp);
	s->c = izin_csv_new(s->fp);
	ck_assert_ptr_nonnull(s->c);
}

static void
src_close(struct src *s)
{
	izin_csv_free(s->c);
	fclose(s->fp);
}

static const char *
errname(int rc)
{
	static char buf[32];

	switch (rc) {
	case IZIN_ECSV:
		return "ECSV";
	case IZIN_ELONGLINE:
		return "ELONGLINE";
	case IZIN_EIO:
		return "EIO";
	}
	snprintf(buf, sizeof(buf), "E%d", rc);
	return buf;
}

/*
 * The rest of the rows of a reader as text, one line each: the row's line
 * number and its cells in brackets ("3 [a][b\nc]", with \n, \r, \0 and \\
 * escaped), or its error ("4 ECSV").  Checks that every cell is NUL-ended
 * and that the end of input stays the end.
 */
static char *
dump_rest(izin_csv *c)
{
	const char *const *cells;
	const size_t *lens;
	size_t n, i, j, outlen;
	char *out;
	FILE *o;
	int rc, rows;

	o = open_memstream(&out, &outlen);
	ck_assert_ptr_nonnull(o);
	for (rows = 0; (rc = izin_csv_next(c, &cells, &lens, &n)) != 0;
	    rows++) {
		ck_assert_int_lt(rows, 1000);
		fprintf(o, "%lu ", izin_csv_line(c));
		if (rc < 0) {
			ck_assert_uint_eq(n, 0);
			fprintf(o, "%s\n", errname(rc));
			continue;
		}
		ck_assert_int_eq(rc, 1);
		ck_assert_uint_ge(n, 1);
		for (i = 0; i < n; i++) {
			ck_assert_int_eq(cells[i][lens[i]], '\0');
			putc('[', o);
			for (j = 0; j < lens[i]; j++) {
				switch (cells[i][j]) {
				case '\n':
					fputs("\\n", o);
					break;
				case '\r':
					fputs("\\r", o);
					break;
				case '\0':
					fputs("\\0", o);
					break;
				case '\\':
					fputs("\\\\", o);
					break;
				default:
					putc(cells[i][j], o);
				}
			}
			putc(']', o);
		}
		putc('\n', o);
	}
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 0);
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 0);
	ck_assert_int_eq(fclose(o), 0);
	return out;
}

static void
expect(const char *text, size_t len, const char *want)
{
	struct src s;
	char *got;

	src_open(&s, text, len);
	got = dump_rest(s.c);
	ck_assert_str_eq(got, want);
	free(got);
	src_close(&s);
}

/* The text's size, so that a literal may hold NUL bytes. */
#define EXPECT(text, want) expect((text), sizeof(text) - 1, (want))

/*
 * The reader's fread() size as the reader shows it: how far into an input
 * longer than any buffer it has read once its first row is out.  Buffer
 * boundaries are then placed exactly without a copy of the setting here.
 */
static size_t
chunk_size(void)
{
	const char *const *cells;
	const size_t *lens;
	size_t len = (size_t)1 << 23, n;
	struct src s;
	char *text;
	long pos;

	text = malloc(len);
	ck_assert_ptr_nonnull(text);
	memset(text, '\n', len);
	src_open(&s, text, len);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	pos = ftell(s.fp);
	ck_assert_int_ge(pos, 4);
	ck_assert_int_lt(pos, (long)len);
	src_close(&s);
	free(text);
	return (size_t)pos;
}

/* A growing byte string for generated inputs. */
struct text {
	char *s;
	size_t len, cap;
};

/* Room for n more bytes at the end of t. */
static char *
text_grow(struct text *t, size_t n)
{
	char *p;

	if (t->len + n > t->cap) {
		while (t->len + n > t->cap)
			t->cap = t->cap ? t->cap * 2 : 4096;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	p = t->s + t->len;
	t->len += n;
	return p;
}

static void
text_str(struct text *t, const char *s)
{
	size_t n = strlen(s);

	memcpy(text_grow(t, n), s, n);
}

static void
text_fill(struct text *t, int ch, size_t n)
{
	memset(text_grow(t, n), ch, n);
}

START_TEST(test_simple)
{
	EXPECT("a,b,c\nd,e,f\n", "1 [a][b][c]\n2 [d][e][f]\n");
	EXPECT("one\n", "1 [one]\n");
	EXPECT("P1,ITAS,Ann Lee\nP2,ITK,Bob\n",
	    "1 [P1][ITAS][Ann Lee]\n2 [P2][ITK][Bob]\n");
	EXPECT(" spaced , kept \n", "1 [ spaced ][ kept ]\n");
}
END_TEST

START_TEST(test_quoted)
{
	EXPECT("\"a,b\",c\n", "1 [a,b][c]\n");
	EXPECT("\"say \"\"hi\"\"\"\n", "1 [say \"hi\"]\n");
	EXPECT("\"\"\"\",\"\"\"\"\"\"\n", "1 [\"][\"\"]\n");
	EXPECT("\"a\",\"\",\"c\"\n", "1 [a][][c]\n");
	EXPECT("x,\"two\nlines\",y\n", "1 [x][two\\nlines][y]\n");
	/* A line break in a cell reads the same from either kind of export. */
	EXPECT("x,\"two\r\nlines\",y\r\n", "1 [x][two\\nlines][y]\n");
	EXPECT("\"a\r\n\r\nb\"\n", "1 [a\\n\\nb]\n");
	EXPECT("\"a\n\r\nb\"\n", "1 [a\\n\\nb]\n");
	/* A CR on its own is kept, in quotes as out of them. */
	EXPECT("\"cr\ronly\"\n", "1 [cr\\ronly]\n");
	EXPECT("\"cr\r\"\n", "1 [cr\\r]\n");
	EXPECT("\"cr\r\r\nlf\"\n", "1 [cr\\r\\nlf]\n");
	EXPECT("\"a\"\"\r\n\"\"b\"\n", "1 [a\"\\n\"b]\n");
}
END_TEST

START_TEST(test_line_ends)
{
	EXPECT("a\r\nb\r\n", "1 [a]\n2 [b]\n");
	EXPECT("a\nb\r\nc", "1 [a]\n2 [b]\n3 [c]\n");
	EXPECT("a,b", "1 [a][b]\n");
	EXPECT("\"a\"", "1 [a]\n");
	EXPECT("\"a\"\r\n", "1 [a]\n");
	EXPECT("x,\"a\"\n", "1 [x][a]\n");
	EXPECT("a\rb\n", "1 [a\\rb]\n");
	EXPECT("a\r", "1 [a\\r]\n");
	EXPECT("a\r\r\n", "1 [a\\r]\n");
	EXPECT("a\r,\rb\r\n", "1 [a\\r][\\rb]\n");
	EXPECT("\r", "1 [\\r]\n");
	EXPECT("\r\r\n", "1 [\\r]\n");
}
END_TEST

START_TEST(test_bom)
{
	EXPECT("\xef\xbb\xbf" "a,b\n", "1 [a][b]\n");
	EXPECT("\xef\xbb\xbf\"q\",r\r\n", "1 [q][r]\n");
	EXPECT("\xef\xbb\xbf", "");
	EXPECT("\xef\xbb\xbf\n", "1 []\n");
	/* Only one mark, and only at the very start. */
	EXPECT("\xef\xbb\xbf\xef\xbb\xbf" "a\n", "1 [\xef\xbb\xbf" "a]\n");
	EXPECT("a\n\xef\xbb\xbf" "b\n", "1 [a]\n2 [\xef\xbb\xbf" "b]\n");
	EXPECT("\xef\xbb", "1 [\xef\xbb]\n");
	EXPECT("\xef\xbb\xbe", "1 [\xef\xbb\xbe]\n");
}
END_TEST

START_TEST(test_empty_cells)
{
	EXPECT(",,\n", "1 [][][]\n");
	EXPECT("a,\n", "1 [a][]\n");
	EXPECT(",a\n", "1 [][a]\n");
	EXPECT("a,", "1 [a][]\n");
	EXPECT(",\r\n", "1 [][]\n");
	EXPECT("\"\",\"\"\n", "1 [][]\n");
	EXPECT("\"\"", "1 []\n");
	EXPECT("a,,b,\"\",\n", "1 [a][][b][][]\n");
}
END_TEST

START_TEST(test_empty_lines)
{
	struct src s;

	EXPECT("a\n\nb\n", "1 [a]\n2 []\n3 [b]\n");
	EXPECT("\r\n\r\n", "1 []\n2 []\n");
	EXPECT("\n", "1 []\n");
	EXPECT("a\n\n", "1 [a]\n2 []\n");
	EXPECT("", "");

	src_open(&s, "", 0);
	ck_assert_uint_eq(izin_csv_line(s.c), 0);
	free(dump_rest(s.c));
	src_close(&s);
}
END_TEST

START_TEST(test_errors)
{
	/* A quote in an unquoted cell: the rest of its line goes. */
	EXPECT("a\"b,c\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("a,b\"\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("a,b\"\r\nd\r\n", "1 ECSV\n2 [d]\n");
	EXPECT("a\"b\"\n", "1 ECSV\n");
	EXPECT("x\n\r\"\n", "1 [x]\n2 ECSV\n");
	/* Text after a closing quote. */
	EXPECT("\"a\"b,c\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("\"a\" ,c\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("x,\"a\"\"\"b\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("\"a\"\rb\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("\"a\"\r\r\nd\n", "1 ECSV\n2 [d]\n");
	EXPECT("\"a\"x", "1 ECSV\n");
	EXPECT("\"a\"\r", "1 ECSV\n");
	/* A broken quoted cell over two lines is dropped to the end of the
	 * line where the error shows, and reading goes on from there, even
	 * when that leaves half a row behind. */
	EXPECT("\"a\nb\"c,d\ne\n", "1 ECSV\n3 [e]\n");
	EXPECT("\"a\nb\"c,\"d\ne\"\nf\n", "1 ECSV\n3 ECSV\n4 [f]\n");
	/* Errors one after another. */
	EXPECT("a\"\nb\"\n\"c\"d\n", "1 ECSV\n2 ECSV\n3 ECSV\n");
}
END_TEST

START_TEST(test_bad_rows_skipped)
{
	EXPECT("P1,ITAS,Ann\n"
	    "P2,IT\"K,Bob\n"
	    "P3,ITK,\"Cid, Jr.\"\n"
	    "\"P4\"x,ITAP,Dee\n"
	    "P5,ITAS,\"Eve\r\nNew\"\r\n"
	    "P6,ITK,Fay\n",
	    "1 [P1][ITAS][Ann]\n"
	    "2 ECSV\n"
	    "3 [P3][ITK][Cid, Jr.]\n"
	    "4 ECSV\n"
	    "5 [P5][ITAS][Eve\\nNew]\n"
	    "7 [P6][ITK][Fay]\n");
}
END_TEST

START_TEST(test_multiline)
{
	EXPECT("\"a\nb\nc\",d\ne\n", "1 [a\\nb\\nc][d]\n4 [e]\n");
	EXPECT("\"a\r\nb\r\nc\",d\r\ne\r\n", "1 [a\\nb\\nc][d]\n4 [e]\n");
	EXPECT("h\n\"x\ny\",\"z\n\"\nlast", "1 [h]\n2 [x\\ny][z\\n]\n5 [last]\n");
	EXPECT("\"\n\n\n\"\n\n", "1 [\\n\\n\\n]\n5 []\n");
}
END_TEST

START_TEST(test_open_quote)
{
	EXPECT("a\n\"bc\nd", "1 [a]\n2 ECSV\n");
	EXPECT("a\n\"bc\nd\n", "1 [a]\n2 ECSV\n");
	EXPECT("\"", "1 ECSV\n");
	EXPECT("a,\"b\r", "1 ECSV\n");
	EXPECT("ok\n\"a\"\"\n", "1 [ok]\n2 ECSV\n");
	EXPECT("\xef\xbb\xbf\"", "1 ECSV\n");
}
END_TEST

START_TEST(test_utf8)
{
	/* Ü, a CJK pair, an emoji, and bytes that are not UTF-8 at all:
	 * checking text is the caller's business. */
	EXPECT("\xc3\x9c" "ber,\"\xe6\x97\xa5\xe6\x9c\xac, \xf0\x9f\x98\x80\"\n"
	    "\xff\xfe,\xc3\n",
	    "1 [\xc3\x9c" "ber][\xe6\x97\xa5\xe6\x9c\xac, \xf0\x9f\x98\x80]\n"
	    "2 [\xff\xfe][\xc3]\n");
}
END_TEST

START_TEST(test_nul)
{
	static const char text[] = "a\0b,\"c\0\"\n\0\n";
	const char *const *cells;
	const size_t *lens;
	struct src s;
	size_t n;

	EXPECT(text, "1 [a\\0b][c\\0]\n2 [\\0]\n");
	src_open(&s, text, sizeof(text) - 1);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(lens[0], 3);
	ck_assert_mem_eq(cells[0], "a\0b", 4);
	ck_assert_uint_eq(lens[1], 2);
	ck_assert_mem_eq(cells[1], "c\0", 3);
	src_close(&s);
}
END_TEST

START_TEST(test_args)
{
	const char *const *cells;
	const size_t *lens;
	struct src s;
	size_t n;

	ck_assert_ptr_null(izin_csv_new(NULL));
	izin_csv_free(NULL);
	src_open(&s, "a\n", 2);
	ck_assert_int_eq(izin_csv_next(NULL, &cells, &lens, &n), IZIN_EINVAL);
	ck_assert_int_eq(izin_csv_next(s.c, NULL, &lens, &n), IZIN_EINVAL);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, NULL, &n), IZIN_EINVAL);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, NULL), IZIN_EINVAL);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	src_close(&s);
}
END_TEST

/* A read that fails after some bytes, as a disk or a network might. */
static ssize_t
failing_read(void *cookie, char *buf, size_t size)
{
	const char **rest = cookie;
	size_t n;

	if (*rest == NULL)
		return -1;
	n = strlen(*rest);
	if (n > size)
		n = size;
	memcpy(buf, *rest, n);
	*rest = NULL;
	return (ssize_t)n;
}

START_TEST(test_read_error)
{
	const char *const *cells;
	const size_t *lens;
	const char *rest = "a,b\nc,d";
	cookie_io_functions_t io = { .read = failing_read };
	izin_csv *c;
	FILE *fp;
	size_t n;

	fp = fopencookie(&rest, "r", io);
	ck_assert_ptr_nonnull(fp);
	c = izin_csv_new(fp);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), IZIN_EIO);
	ck_assert_uint_eq(izin_csv_line(c), 2);
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 0);
	izin_csv_free(c);
	fclose(fp);

	/* A stream open only for writing fails on the first read. */
	fp = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(fp);
	c = izin_csv_new(fp);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), IZIN_EIO);
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 0);
	izin_csv_free(c);
	fclose(fp);
}
END_TEST

/* Read one row that must be a single cell of len bytes of ch. */
static void
expect_fill(izin_csv *c, int ch, size_t len, unsigned long line)
{
	const char *const *cells;
	const size_t *lens;
	size_t n, i;

	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 1);
	ck_assert_uint_eq(izin_csv_line(c), line);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(lens[0], len);
	for (i = 0; i < len; i++)
		if (cells[0][i] != ch)
			ck_abort_msg("byte %zu of the row is %d", i, cells[0][i]);
	ck_assert_int_eq(cells[0][len], '\0');
}

/* Fill len bytes (at least 1) with rows of f's of up to 100 bytes, line
 * end included, so that whatever comes next starts at a chosen place;
 * the number of rows. */
static unsigned long
fill_rows(struct text *t, size_t len)
{
	unsigned long rows = 0;
	size_t m;

	for (; len > 0; len -= m, rows++) {
		m = len > 100 ? 100 : len;
		text_fill(t, 'f', m - 1);
		text_str(t, "\n");
	}
	return rows;
}

/* Read back the rows fill_rows() made. */
static void
expect_fill_rows(izin_csv *c, unsigned long rows)
{
	const char *const *cells;
	const size_t *lens;
	unsigned long i;
	size_t n;

	for (i = 1; i <= rows; i++)
		if (izin_csv_next(c, &cells, &lens, &n) != 1 || n != 1 ||
		    izin_csv_line(c) != i || strspn(cells[0], "f") != lens[0])
			ck_abort_msg("filler row %lu", i);
}

/* Every byte of a row but its line end counts, quotes included. */
START_TEST(test_long_rows)
{
	const char *const *cells;
	const size_t *lens;
	struct text t = { 0 };
	struct src s;
	size_t i, n;

	/* At the limit, with either line end, and at the end of input. */
	text_fill(&t, 'x', IZIN_LINE_MAX);
	text_str(&t, "\n");
	text_fill(&t, 'y', IZIN_LINE_MAX);
	text_str(&t, "\r\n");
	text_fill(&t, 'z', IZIN_LINE_MAX);
	src_open(&s, t.s, t.len);
	expect_fill(s.c, 'x', IZIN_LINE_MAX, 1);
	expect_fill(s.c, 'y', IZIN_LINE_MAX, 2);
	expect_fill(s.c, 'z', IZIN_LINE_MAX, 3);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 0);
	src_close(&s);

	/* One byte over: dropped, and the next rows read, row by row. */
	t.len = 0;
	text_fill(&t, 'x', IZIN_LINE_MAX + 1);
	text_str(&t, "\n");
	text_str(&t, "ok\n");
	text_fill(&t, 'x', IZIN_LINE_MAX);
	text_str(&t, "\r\r\n");                 /* the first CR is text */
	text_str(&t, "\"");
	text_fill(&t, 'x', IZIN_LINE_MAX - 2);
	text_str(&t, "\"\r\n");                 /* quotes count */
	text_str(&t, "\"");
	text_fill(&t, 'x', IZIN_LINE_MAX - 3);
	text_str(&t, "\"\"\"\n");             /* "" counts as two */
	text_str(&t, "\"");
	text_fill(&t, 'x', IZIN_LINE_MAX - 2);
	text_str(&t, "\",\n");                  /* so does a comma */
	text_fill(&t, ',', IZIN_LINE_MAX);
	text_str(&t, "\n");
	text_fill(&t, ',', IZIN_LINE_MAX + 1);
	text_str(&t, "\n");
	text_str(&t, "after,commas\n");
	/* Many lines inside one quoted cell make one long row, read past
	 * to its real end. */
	text_str(&t, "\"");
	for (i = 0; i < 1100; i++) {
		text_fill(&t, 'q', 999);
		text_str(&t, "\r\n");
	}
	text_str(&t, "\",end\n");
	text_str(&t, "ok again\n");
	/* Too long and broken: the first error found is the one told. */
	text_fill(&t, 'x', IZIN_LINE_MAX + 1);
	text_str(&t, "\"x\n");
	text_str(&t, "a\"");
	text_fill(&t, 'x', IZIN_LINE_MAX + 1);
	text_str(&t, "\n");
	text_fill(&t, 'x', IZIN_LINE_MAX + 1);
	src_open(&s, t.s, t.len);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 3);
	expect_fill(s.c, 'x', IZIN_LINE_MAX - 2, 4);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 5);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 6);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	ck_assert_uint_eq(izin_csv_line(s.c), 7);
	ck_assert_uint_eq(n, IZIN_LINE_MAX + 1);
	for (i = 0; i < n; i++)
		if (lens[i] != 0 || cells[i][0] != '\0')
			ck_abort_msg("cell %zu is not empty", i);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 8);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	ck_assert_uint_eq(izin_csv_line(s.c), 9);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(cells[1], "commas");
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 10);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 1);
	ck_assert_uint_eq(izin_csv_line(s.c), 1111);
	ck_assert_str_eq(cells[0], "ok again");
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 1112);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ECSV);
	ck_assert_uint_eq(izin_csv_line(s.c), 1113);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 1114);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 0);
	src_close(&s);

	/* A CR at the end of input is text, and may be one byte too many. */
	t.len = 0;
	text_fill(&t, 'x', IZIN_LINE_MAX - 1);
	text_str(&t, "\r\n");
	text_fill(&t, 'x', IZIN_LINE_MAX);
	text_str(&t, "\r");
	src_open(&s, t.s, t.len);
	expect_fill(s.c, 'x', IZIN_LINE_MAX - 1, 1);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_csv_line(s.c), 2);
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 0);
	src_close(&s);
	free(t.s);
}
END_TEST

/*
 * Rows of every kind the reader tells apart, with what must come out of
 * them.  Cut by a buffer boundary at each of their bytes, they must read
 * as they do whole.
 */
static const struct piece {
	const char *raw;
	int rc;
	const char *cell[5];    /* NULL after the last */
} pieces[] = {
	{ "a,b,c\n", 1, { "a", "b", "c" } },
	{ "\"x,y\",\"say \"\"hi\"\"\",z\r\n", 1, { "x,y", "say \"hi\"", "z" } },
	{ "\"two\r\nlines\",\"\"\r\n", 1, { "two\nlines", "" } },
	{ "\"lf\nonly\",1\n", 1, { "lf\nonly", "1" } },
	{ ",,\n", 1, { "", "", "" } },
	{ "\n", 1, { "" } },
	{ "\r\n", 1, { "" } },
	{ "cr\rin,cell\r\n", 1, { "cr\rin", "cell" } },
	{ "end\r,x\n", 1, { "end\r", "x" } },
	{ "\"\"\"\",\"q\"\"\"\n", 1, { "\"", "q\"" } },
	{ "\"lone\rcr\"\n", 1, { "lone\rcr" } },
	{ "\"a\"\"\r\n\"\"b\"\r\n", 1, { "a\"\n\"b" } },
	{ "bad\"quote,x\r\n", IZIN_ECSV, { NULL } },
	{ "\"closed\"then,x\n", IZIN_ECSV, { NULL } },
	{ "\"multi\r\nline\"x,y\r\n", IZIN_ECSV, { NULL } },
	{ "\"cr\"\rx\n", IZIN_ECSV, { NULL } },
	{ "\"cr\"\r\r\n", IZIN_ECSV, { NULL } },
	{ "\xc3\xa9t\xc3\xa9,\"\xe6\x97\xa5\"\n", 1,
	    { "\xc3\xa9t\xc3\xa9", "\xe6\x97\xa5" } },
	{ "x,\"y\"\r\n", 1, { "x", "y" } },
	{ "trailing,\r\n", 1, { "trailing", "" } },
	{ "\"\",\"\",\"\"\n", 1, { "", "", "" } },
	{ "\"a\r\n\r\n\"\n", 1, { "a\n\n" } },
	{ "P0000042,ITAS,\"Doe, Jane\",2024-01-31\r\n", 1,
	    { "P0000042", "ITAS", "Doe, Jane", "2024-01-31" } }
};

#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static unsigned long
count_lf(const char *s)
{
	unsigned long n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Read one row, which must be piece p on this line; where says which
 * case is read, in a failure. */
static void
check_piece(izin_csv *c, const struct piece *p, unsigned long line,
            const char *where)
{
	const char *const *cells;
	const size_t *lens;
	size_t j, n;
	int rc;

	rc = izin_csv_next(c, &cells, &lens, &n);
	if (rc != p->rc || izin_csv_line(c) != line)
		ck_abort_msg("%s: %d on line %lu, not %d on line %lu", where,
		    rc, izin_csv_line(c), p->rc, line);
	if (rc != 1)
		return;
	for (j = 0; j < n; j++)
		if (p->cell[j] == NULL || lens[j] != strlen(p->cell[j]) ||
		    memcmp(cells[j], p->cell[j], lens[j] + 1) != 0)
			ck_abort_msg("%s: cell %zu differs", where, j);
	if (p->cell[n] != NULL)
		ck_abort_msg("%s: %zu cells", where, n);
}

/* Read count pieces (from the first, round and round), the first
 * starting on line *line, and move *line on. */
static void
read_pieces(izin_csv *c, size_t count, unsigned long *line, const char *what)
{
	char where[96];
	size_t i;

	for (i = 0; i < count; i++) {
		snprintf(where, sizeof(where), "%s, piece %zu", what, i);
		check_piece(c, &pieces[i % NPIECES], *line, where);
		*line += count_lf(pieces[i % NPIECES].raw);
	}
}

START_TEST(test_pieces)
{
	const char *const *cells;
	const size_t *lens;
	struct text t = { 0 };
	unsigned long line = 1;
	struct src s;
	size_t i, n;

	for (i = 0; i < NPIECES; i++)
		text_str(&t, pieces[i].raw);
	src_open(&s, t.s, t.len);
	read_pieces(s.c, NPIECES, &line, "whole");
	ck_assert_int_eq(izin_csv_next(s.c, &cells, &lens, &n), 0);
	src_close(&s);
	free(t.s);
}
END_TEST

/* Each piece with a buffer boundary before each of its bytes in turn. */
START_TEST(test_chunk_every_cut)
{
	const char *const *cells;
	const size_t *lens;
	size_t chunk = chunk_size(), cut, i, j, len, n;
	struct text t = { 0 };
	unsigned long line, rows;
	char where[64];
	struct src s;

	for (i = 0; i < NPIECES; i++) {
		len = strlen(pieces[i].raw);
		/* The first boundary with room for a row before the piece. */
		cut = (len + 2 + chunk - 1) / chunk * chunk;
		for (j = 0; j <= len; j++) {
			t.len = 0;
			rows = fill_rows(&t, cut - j);
			text_str(&t, pieces[i].raw);
			text_str(&t, "z\n");
			src_open(&s, t.s, t.len);
			expect_fill_rows(s.c, rows);
			snprintf(where, sizeof(where), "piece %zu, cut %zu", i, j);
			check_piece(s.c, &pieces[i], rows + 1, where);
			line = rows + 1 + count_lf(pieces[i].raw);
			if (izin_csv_next(s.c, &cells, &lens, &n) != 1 ||
			    izin_csv_line(s.c) != line || n != 1 ||
			    strcmp(cells[0], "z") != 0)
				ck_abort_msg("%s: next row", where);
			if (izin_csv_next(s.c, &cells, &lens, &n) != 0)
				ck_abort_msg("%s: no end", where);
			src_close(&s);
		}
	}
	free(t.s);
}
END_TEST

/*
 * Pieces round and round over three buffers' worth and more, after a
 * first row of every length up to one round: every byte of every piece
 * meets each boundary in turn.
 */
START_TEST(test_chunk_sweep)
{
	const char *const *cells;
	const size_t *lens;
	size_t chunk = chunk_size(), round = 0, count, i, k, n;
	struct text t = { 0 };
	unsigned long line;
	char where[64];
	struct src s;

	for (i = 0; i < NPIECES; i++)
		round += strlen(pieces[i].raw);
	count = (3 * chunk / round + 2) * NPIECES;
	text_fill(&t, 'p', round);
	text_str(&t, "\n");
	for (i = 0; i < count; i++)
		text_str(&t, pieces[i % NPIECES].raw);
	for (k = 0; k <= round; k++) {
		src_open(&s, t.s + round - k, t.len - round + k);
		expect_fill(s.c, 'p', k, 1);
		line = 2;
		snprintf(where, sizeof(where), "first row of %zu", k);
		read_pieces(s.c, count, &line, where);
		if (izin_csv_next(s.c, &cells, &lens, &n) != 0)
			ck_abort_msg("%s: no end", where);
		src_close(&s);
	}
	free(t.s);
}
END_TEST

/* The last row cut off by the end of input just before, at and after a
 * buffer boundary. */
START_TEST(test_chunk_eof)
{
	static const struct {
		const char *raw;
		const char *want;
	} end[] = {
		{ "x", "[x]\n" },
		{ "a,", "[a][]\n" },
		{ "\"q\"", "[q]\n" },
		{ "\"q\"\"\"", "[q\"]\n" },
		{ "x\r", "[x\\r]\n" },
		{ "x\r\n", "[x]\n" },
		{ "\"q\"\r\n", "[q]\n" },
		{ "\"q\"\r", "ECSV\n" },
		{ "\"open", "ECSV\n" },
		{ "\"open\"\"", "ECSV\n" },
		{ "\"open\r", "ECSV\n" },
		{ "a\"", "ECSV\n" }
	};
	size_t chunk = chunk_size(), cut, total, i;
	struct text t = { 0 };
	unsigned long rows;
	char *rest, want[64];
	struct src s;

	cut = (16 + chunk - 1) / chunk * chunk;
	for (i = 0; i < sizeof(end) / sizeof(end[0]); i++) {
		for (total = cut - 2; total <= cut + 2; total++) {
			t.len = 0;
			rows = fill_rows(&t, total - strlen(end[i].raw));
			text_str(&t, end[i].raw);
			ck_assert_uint_eq(t.len, total);
			src_open(&s, t.s, t.len);
			expect_fill_rows(s.c, rows);
			rest = dump_rest(s.c);
			snprintf(want, sizeof(want), "%lu %s", rows + 1,
			    end[i].want);
			ck_assert_str_eq(rest, want);
			free(rest);
			src_close(&s);
		}
	}
	free(t.s);
}
END_TEST

/*
 * Big input: the cells of row i, as a spreadsheet of permits might hold
 * them, and the row as CSV, quoted where needed or on a whim, line breaks
 * in cells written as CRLF on odd rows.
 */
#define BIG_ROWS 100000
#define BIG_COLS 6

static void
big_cells(unsigned long i, char cell[BIG_COLS][64])
{
	static const char *const kind[] = { "ITK", "ITAS", "ITAP" };

	snprintf(cell[0], 64, "P%07lu", i);
	snprintf(cell[1], 64, "%s", kind[i % 3]);
	snprintf(cell[2], 64, "Surname%lu, Given", i);
	switch (i % 5) {
	case 0:
		snprintf(cell[3], 64, "line one %lu\nline two", i);
		break;
	case 1:
		snprintf(cell[3], 64, "says \"hi\" %lu", i);
		break;
	case 2:
		cell[3][0] = '\0';
		break;
	case 3:
		snprintf(cell[3], 64, "Jl. Raya No. %lu", i % 997);
		break;
	default:
		snprintf(cell[3], 64, "\xc3\x91o\xc3\xb1o \xc3\x9c %lu", i);
	}
	snprintf(cell[4], 64, "2024-%02lu-%02lu", i % 12 + 1, i % 28 + 1);
	snprintf(cell[5], 64, "%lu", i * 7919 % 100003);
}

static void
big_row(FILE *fp, unsigned long i)
{
	char cell[BIG_COLS][64];
	const char *p;
	size_t j;

	big_cells(i, cell);
	for (j = 0; j < BIG_COLS; j++) {
		if (j > 0)
			putc(',', fp);
		if (strpbrk(cell[j], ",\"\n") == NULL && (i + j) % 4 != 0) {
			fputs(cell[j], fp);
			continue;
		}
		putc('"', fp);
		for (p = cell[j]; *p != '\0'; p++) {
			if (*p == '"')
				putc('"', fp);
			if (*p == '\n' && i % 2 == 1)
				putc('\r', fp);
			putc(*p, fp);
		}
		putc('"', fp);
	}
	fputs(i % 3 == 0 ? "\r\n" : "\n", fp);
}

START_TEST(test_big)
{
	const char *const *cells;
	const size_t *lens;
	char want[BIG_COLS][64];
	struct timespec t0, t1;
	unsigned long i, line = 1;
	double secs;
	size_t j, n;
	izin_csv *c;
	FILE *fp;

	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < BIG_ROWS; i++)
		big_row(fp, i);
	ck_assert_int_eq(fflush(fp), 0);
	rewind(fp);
	c = izin_csv_new(fp);
	ck_assert_ptr_nonnull(c);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < BIG_ROWS; i++) {
		if (izin_csv_next(c, &cells, &lens, &n) != 1 || n != BIG_COLS ||
		    izin_csv_line(c) != line)
			ck_abort_msg("row %lu: not %d cells on line %lu", i,
			    BIG_COLS, line);
		big_cells(i, want);
		for (j = 0; j < BIG_COLS; j++)
			if (lens[j] != strlen(want[j]) ||
			    memcmp(cells[j], want[j], lens[j] + 1) != 0)
				ck_abort_msg("row %lu, cell %zu: %s", i, j,
				    cells[j]);
		line += i % 5 == 0 ? 2 : 1;
	}
	ck_assert_int_eq(izin_csv_next(c, &cells, &lens, &n), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Generous, for sanitizer builds and busy machines: a plain build
	 * reads these rows in a few hundredths of a second. */
	ck_assert_msg(secs < 5.0, "%d rows took %.2f s", BIG_ROWS, secs);
	izin_csv_free(c);
	fclose(fp);
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc;

	tc = tcase_create("rfc4180");
	tcase_add_test(tc, test_simple);
	tcase_add_test(tc, test_quoted);
	tcase_add_test(tc, test_line_ends);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_empty_cells);
	tcase_add_test(tc, test_empty_lines);
	tcase_add_test(tc, test_multiline);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_bad_rows_skipped);
	tcase_add_test(tc, test_open_quote);
	tcase_add_test(tc, test_read_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_long_rows);
	tcase_add_test(tc, test_pieces);
	tcase_add_test(tc, test_chunk_every_cut);
	tcase_add_test(tc, test_chunk_sweep);
	tcase_add_test(tc, test_chunk_eof);
	tcase_add_test(tc, test_big);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(csv_suite)
