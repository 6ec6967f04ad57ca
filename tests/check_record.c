/*
 * check_record.c - records, the TSV and JSON Lines readers and writers,
 * the CSV writer, and the permit <-> record mapping.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "check_util.h"

static izin_record *r;

static void
setup(void)
{
	r = izin_record_new();
	ck_assert_ptr_nonnull(r);
}

static void
teardown(void)
{
	izin_record_free(r);
	r = NULL;
}

/* A reader over len bytes of text; the FILE is closed by rd_close(). */
struct rd {
	FILE *fp;
	izin_reader *rd;
};

static struct rd
rd_open(const char *text, size_t len, int format)
{
	struct rd t;

	t.fp = fmemopen((void *)text, len, "r");
	ck_assert_ptr_nonnull(t.fp);
	t.rd = izin_reader_new(t.fp, format);
	ck_assert_ptr_nonnull(t.rd);
	return t;
}

static void
rd_close(struct rd *t)
{
	izin_reader_free(t->rd);
	fclose(t->fp);
}

/* A writer into memory; wr_text() flushes and returns what was written. */
struct wr {
	FILE *fp;
	char *buf;
	size_t len;
	izin_writer *w;
};

static void
wr_open(struct wr *t, int format)
{
	t->buf = NULL;
	t->fp = open_memstream(&t->buf, &t->len);
	ck_assert_ptr_nonnull(t->fp);
	t->w = izin_writer_new(t->fp, format);
	ck_assert_ptr_nonnull(t->w);
}

static const char *
wr_text(struct wr *t)
{
	ck_assert_int_eq(fflush(t->fp), 0);
	return t->buf;
}

static void
wr_close(struct wr *t)
{
	izin_writer_free(t->w);
	fclose(t->fp);
	free(t->buf);
}

static void
assert_value(const izin_record *rec, const char *key, const char *want)
{
	const char *v;
	size_t len;

	v = izin_record_get(rec, key, &len);
	ck_assert_msg(v != NULL, "no column %s", key);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_mem_eq(v, want, len);
	ck_assert_int_eq(v[len], '\0');
}

/* Values that need every escape, and UTF-8. */
static const char *const tricky_keys[] = {
	"permit", "name", "address", "note", "empty"
};
static const char *const tricky_vals[] = {
	"A-1/2", "Siti Nurhaliza \xc3\x96zt\xc3\xbcrk \xe6\x9d\x8e",
	"Jl. Merdeka 1\tRT 02\nJakarta\r\n", "back\\slash \\t not a tab\\",
	""
};
#define NTRICKY (sizeof(tricky_keys) / sizeof(tricky_keys[0]))

static void
fill_tricky(izin_record *rec)
{
	size_t i;

	for (i = 0; i < NTRICKY; i++)
		ck_assert_int_eq(izin_record_set(rec, tricky_keys[i],
		    tricky_vals[i], strlen(tricky_vals[i])), 0);
}

static void
assert_tricky(const izin_record *rec)
{
	size_t i;

	ck_assert_uint_eq(izin_record_count(rec), NTRICKY);
	for (i = 0; i < NTRICKY; i++) {
		ck_assert_str_eq(izin_record_key(rec, i), tricky_keys[i]);
		assert_value(rec, tricky_keys[i], tricky_vals[i]);
	}
}

START_TEST(test_set_get)
{
	size_t len;
	unsigned long s0, s1, s2;

	ck_assert_uint_eq(izin_record_count(r), 0);
	ck_assert_ptr_null(izin_record_get(r, "a", NULL));
	ck_assert_int_eq(izin_record_find(r, "a"), -1);
	s0 = izin_record_schema(r);
	ck_assert_int_eq(izin_record_set(r, "a", "one", 3), 0);
	s1 = izin_record_schema(r);
	ck_assert_uint_ne(s0, s1);
	ck_assert_int_eq(izin_record_set(r, "b", "two", 3), 0);
	s2 = izin_record_schema(r);
	ck_assert_uint_ne(s1, s2);
	/* Replacing a value keeps the place and the schema. */
	ck_assert_int_eq(izin_record_set(r, "a", "uno!", 4), 0);
	ck_assert_uint_eq(izin_record_schema(r), s2);
	ck_assert_uint_eq(izin_record_count(r), 2);
	ck_assert_int_eq(izin_record_find(r, "a"), 0);
	ck_assert_int_eq(izin_record_find(r, "b"), 1);
	ck_assert_str_eq(izin_record_key(r, 0), "a");
	ck_assert_str_eq(izin_record_value(r, 0, &len), "uno!");
	ck_assert_uint_eq(len, 4);
	ck_assert_ptr_null(izin_record_key(r, 2));
	ck_assert_ptr_null(izin_record_value(r, 2, NULL));
	/* Only len bytes are copied. */
	ck_assert_int_eq(izin_record_set(r, "b", "twelve", 2), 0);
	assert_value(r, "b", "tw");
	/* A value set from itself, growing and shrinking. */
	ck_assert_int_eq(izin_record_set(r, "b", izin_record_get(r, "b",
	    NULL), 1), 0);
	assert_value(r, "b", "t");
	ck_assert_int_eq(izin_record_set(r, "c", "", 0), 0);
	assert_value(r, "c", "");
	ck_assert_int_eq(izin_record_set(r, "d", NULL, 0), 0);
	assert_value(r, "d", "");
	izin_record_clear(r);
	ck_assert_uint_eq(izin_record_count(r), 0);
	ck_assert_ptr_null(izin_record_get(r, "a", NULL));
	ck_assert_uint_eq(izin_record_schema(r), s0);
}
END_TEST

START_TEST(test_set_invalid)
{
	ck_assert_int_eq(izin_record_set(r, "", "x", 1), IZIN_EINVAL);
	ck_assert_int_eq(izin_record_set(r, NULL, "x", 1), IZIN_EINVAL);
	ck_assert_int_eq(izin_record_set(r, "a", "x\0y", 3), IZIN_EINVAL);
	ck_assert_int_eq(izin_record_set(r, "a", NULL, 1), IZIN_EINVAL);
	ck_assert_uint_eq(izin_record_count(r), 0);
}
END_TEST

START_TEST(test_schema_memo)
{
	izin_record *r2 = izin_record_new();
	unsigned long ab, abc, abd;

	izin_record_set(r, "a", "1", 1);
	izin_record_set(r, "b", "2", 1);
	ab = izin_record_schema(r);
	izin_record_set(r, "c", "3", 1);
	abc = izin_record_schema(r);
	/* Same keys again after a clear: same numbers, caches survive. */
	izin_record_clear(r);
	izin_record_set(r, "a", "x", 1);
	izin_record_set(r, "b", "y", 1);
	ck_assert_uint_eq(izin_record_schema(r), ab);
	izin_record_set(r, "c", "z", 1);
	ck_assert_uint_eq(izin_record_schema(r), abc);
	/* Other keys or another order: other numbers. */
	izin_record_clear(r);
	izin_record_set(r, "a", "x", 1);
	izin_record_set(r, "b", "y", 1);
	izin_record_set(r, "d", "z", 1);
	abd = izin_record_schema(r);
	ck_assert_uint_ne(abd, abc);
	izin_record_clear(r);
	izin_record_set(r, "b", "y", 1);
	izin_record_set(r, "a", "x", 1);
	ck_assert_uint_ne(izin_record_schema(r), ab);
	/* Another record with the same keys never takes a number that
	 * means other keys. */
	izin_record_set(r2, "a", "x", 1);
	izin_record_set(r2, "b", "y", 1);
	izin_record_set(r2, "c", "y", 1);
	ck_assert_uint_ne(izin_record_schema(r2), abd);
	izin_record_free(r2);
	izin_record_free(NULL);
}
END_TEST

START_TEST(test_tsv_write_exact)
{
	struct wr t;

	wr_open(&t, IZIN_FMT_TSV);
	fill_tricky(r);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t),
	    "permit\tname\taddress\tnote\tempty\n"
	    "A-1/2\tSiti Nurhaliza \xc3\x96zt\xc3\xbcrk \xe6\x9d\x8e\t"
	    "Jl. Merdeka 1\\tRT 02\\nJakarta\\r\\n\t"
	    "back\\\\slash \\\\t not a tab\\\\\t\n");
	wr_close(&t);
}
END_TEST

START_TEST(test_tsv_round_trip)
{
	struct wr t;
	struct rd in;
	int i;

	wr_open(&t, IZIN_FMT_TSV);
	fill_tricky(r);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	wr_text(&t);
	izin_record_clear(r);
	in = rd_open(t.buf, t.len, IZIN_FMT_AUTO);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
		ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_TSV);
		ck_assert_uint_eq(izin_reader_line(in.rd),
		    (unsigned long)i + 2);
		assert_tricky(r);
	}
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
	wr_close(&t);
}
END_TEST

START_TEST(test_json_write_exact)
{
	struct wr t;

	wr_open(&t, IZIN_FMT_JSON);
	izin_record_set(r, "permit", "X", 1);
	izin_record_set(r, "kind", "ITAS", 4);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	izin_record_clear(r);
	fill_tricky(r);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t),
	    "{\"permit\":\"X\",\"kind\":\"ITAS\"}\n"
	    "{\"permit\":\"A-1/2\","
	    "\"name\":\"Siti Nurhaliza \xc3\x96zt\xc3\xbcrk \xe6\x9d\x8e\","
	    "\"address\":\"Jl. Merdeka 1\\tRT 02\\nJakarta\\r\\n\","
	    "\"note\":\"back\\\\slash \\\\t not a tab\\\\\","
	    "\"empty\":\"\"}\n");
	wr_close(&t);
}
END_TEST

START_TEST(test_json_round_trip)
{
	struct wr t;
	struct rd in;

	wr_open(&t, IZIN_FMT_JSON);
	fill_tricky(r);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	wr_text(&t);
	izin_record_clear(r);
	in = rd_open(t.buf, t.len, IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_JSON);
	assert_tricky(r);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	assert_tricky(r);
	ck_assert_uint_eq(izin_reader_line(in.rd), 2);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
	wr_close(&t);
}
END_TEST

/* TSV -> JSON -> TSV gives back the same bytes. */
START_TEST(test_tsv_json_tsv)
{
	static const char tsv[] =
	    "permit\tname\tx-extra\n"
	    "A1\tJos\xc3\xa9\\\\\tt\\tab\n"
	    "B2\t\xc3\xa9t\xc3\xa9\t\\r\\n\n";
	struct wr j, t;
	struct rd in;
	int rc;

	wr_open(&j, IZIN_FMT_JSON);
	in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_TSV);
	while ((rc = izin_reader_next(in.rd, r)) == 1)
		ck_assert_int_eq(izin_writer_put(j.w, r), 0);
	ck_assert_int_eq(rc, 0);
	rd_close(&in);
	wr_text(&j);
	ck_assert_str_eq(j.buf,
	    "{\"permit\":\"A1\",\"name\":\"Jos\xc3\xa9\\\\\","
	    "\"x-extra\":\"t\\tab\"}\n"
	    "{\"permit\":\"B2\",\"name\":\"\xc3\xa9t\xc3\xa9\","
	    "\"x-extra\":\"\\r\\n\"}\n");

	wr_open(&t, IZIN_FMT_TSV);
	in = rd_open(j.buf, j.len, IZIN_FMT_JSON);
	while ((rc = izin_reader_next(in.rd, r)) == 1)
		ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_int_eq(rc, 0);
	rd_close(&in);
	ck_assert_str_eq(wr_text(&t), tsv);
	wr_close(&t);
	wr_close(&j);
}
END_TEST

START_TEST(test_unknown_columns)
{
	static const char tsv[] = "zeta\tpermit\tsomething else\n1\t2\t3\n";
	struct rd in;
	struct wr t;

	in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_record_count(r), 3);
	ck_assert_str_eq(izin_record_key(r, 0), "zeta");
	ck_assert_str_eq(izin_record_key(r, 2), "something else");
	assert_value(r, "something else", "3");
	wr_open(&t, IZIN_FMT_TSV);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t), tsv);
	wr_close(&t);
	rd_close(&in);
}
END_TEST

START_TEST(test_escape_errors)
{
	static const char tsv[] =
	    "a\tb\n"
	    "1\tx\\y\n"          /* unknown escape */
	    "2\tend\\\n"         /* backslash at the end */
	    "3\\\tz\n"           /* backslash before the tab */
	    "4\tok\\\\\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);

	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_EESCAPE);
	ck_assert_uint_eq(izin_reader_line(in.rd), 2);
	ck_assert_uint_eq(izin_record_count(r), 0);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_EESCAPE);
	ck_assert_uint_eq(izin_reader_line(in.rd), 3);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_EESCAPE);
	ck_assert_uint_eq(izin_reader_line(in.rd), 4);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 5);
	assert_value(r, "a", "4");
	assert_value(r, "b", "ok\\");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
}
END_TEST

START_TEST(test_column_count)
{
	static const char tsv[] =
	    "a\tb\tc\n"
	    "1\t2\t3\n"
	    "1\t2\n"
	    "1\t2\t3\t4\n"
	    "\n"
	    "x\n"
	    "1\t2\t3\t\n"
	    "\t\t\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_TSV);

	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 2);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ECOLUMNS);
	ck_assert_uint_eq(izin_reader_line(in.rd), 3);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ECOLUMNS);
	ck_assert_uint_eq(izin_reader_line(in.rd), 4);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ECOLUMNS);
	ck_assert_uint_eq(izin_reader_line(in.rd), 6);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ECOLUMNS);
	ck_assert_uint_eq(izin_reader_line(in.rd), 7);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 8);
	ck_assert_uint_eq(izin_record_count(r), 3);
	assert_value(r, "a", "");
	assert_value(r, "c", "");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
}
END_TEST

START_TEST(test_crlf_and_no_final_newline)
{
	static const char tsv[] = "a\tb\r\n1\t2\r\n\r\n3\t4\\r\r\n5\t6";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);

	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_str_eq(izin_record_key(r, 1), "b");
	assert_value(r, "b", "2");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 4);
	assert_value(r, "b", "4\r");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	assert_value(r, "a", "5");
	assert_value(r, "b", "6");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	ck_assert_uint_eq(izin_reader_line(in.rd), 5);
	rd_close(&in);
}
END_TEST

START_TEST(test_repeated_header)
{
	/* cat a.tsv b.tsv, the second with CRLF endings. */
	static const char tsv[] =
	    "\n\na\tb\n1\t2\n\na\tb\r\n3\t4\r\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);
	unsigned long schema;

	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 4);
	assert_value(r, "a", "1");
	schema = izin_record_schema(r);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 7);
	assert_value(r, "a", "3");
	/* Same keys line after line: column positions may be cached. */
	ck_assert_uint_eq(izin_record_schema(r), schema);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
}
END_TEST

START_TEST(test_schema_with_added_columns)
{
	static const char tsv[] = "a\tb\n1\t2\n3\t4\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);
	unsigned long in1, out1;

	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	in1 = izin_record_schema(r);
	ck_assert_int_eq(izin_record_set(r, "state", "valid", 5), 0);
	ck_assert_int_eq(izin_record_set(r, "a", "changed", 7), 0);
	out1 = izin_record_schema(r);
	ck_assert_uint_ne(in1, out1);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_record_count(r), 2);
	ck_assert_ptr_null(izin_record_get(r, "state", NULL));
	assert_value(r, "a", "3");
	ck_assert_uint_eq(izin_record_schema(r), in1);
	ck_assert_int_eq(izin_record_set(r, "state", "expired", 7), 0);
	ck_assert_uint_eq(izin_record_schema(r), out1);
	assert_value(r, "state", "expired");
	rd_close(&in);
}
END_TEST

START_TEST(test_long_line)
{
	size_t n = IZIN_LINE_MAX + 100, i;
	char *text = malloc(3 * n);
	char *p = text;
	struct rd in;
	size_t len;

	ck_assert_ptr_nonnull(text);
	p += sprintf(p, "a\tb\n1\t2\n");
	/* One byte too long, then exactly the limit (with a CR). */
	memset(p, 'x', IZIN_LINE_MAX + 1);
	p[1] = '\t';
	p += IZIN_LINE_MAX + 1;
	*p++ = '\n';
	memset(p, 'y', IZIN_LINE_MAX);
	p[1] = '\t';
	p += IZIN_LINE_MAX;
	p += sprintf(p, "\r\n3\t4\n");
	in = rd_open(text, (size_t)(p - text), IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ELONGLINE);
	ck_assert_uint_eq(izin_reader_line(in.rd), 3);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_uint_eq(izin_reader_line(in.rd), 4);
	ck_assert_ptr_nonnull(izin_record_get(r, "b", &len));
	ck_assert_uint_eq(len, IZIN_LINE_MAX - 2);
	for (i = 0; i < len; i++)
		if (izin_record_get(r, "b", NULL)[i] != 'y')
			ck_abort_msg("byte %zu changed", i);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	assert_value(r, "b", "4");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
	free(text);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char tsv[] = "a\tb\n1\t2\0z\n"
	    "long enough to be\tlooked at in words\0!\n"
	    "NUL \0 in the header\n3\t4\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);

	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ERECORD);
	ck_assert_uint_eq(izin_reader_line(in.rd), 2);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ERECORD);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_ERECORD);
	ck_assert_uint_eq(izin_reader_line(in.rd), 4);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	assert_value(r, "b", "4");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
}
END_TEST

/* A bad header is reported once; the input then has no records. */
static void
bad_header_n(const char *tsv, size_t len, int want, unsigned long line)
{
	struct rd in = rd_open(tsv, len, IZIN_FMT_AUTO);

	ck_assert_int_eq(izin_reader_next(in.rd, r), want);
	ck_assert_uint_eq(izin_reader_line(in.rd), line);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	ck_assert_uint_eq(izin_record_count(r), 0);
	rd_close(&in);
}

#define bad_header(tsv, want, line) \
	bad_header_n(tsv, sizeof(tsv) - 1, want, line)

START_TEST(test_bad_header)
{
	bad_header("a\tb\ta\n1\t2\t3\n", IZIN_ECOLUMNS, 1);
	bad_header("\na\t\tc\n1\t2\t3\n", IZIN_ECOLUMNS, 2);
	bad_header("a\tb\t\n1\t2\t\n", IZIN_ECOLUMNS, 1);
	bad_header("a\\x\tb\n1\t2\n", IZIN_EESCAPE, 1);
	bad_header("a\tb\0\n1\t2\n", IZIN_ERECORD, 1);
	/* Escapes make two names the same. */
	bad_header("a\\tb\ta\tb\tb\\\\\ta\\tb\n", IZIN_ECOLUMNS, 1);
}
END_TEST

START_TEST(test_escaped_header)
{
	static const char tsv[] = "a\\tb\tc\\\\\n1\t2\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);
	struct wr t;

	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_str_eq(izin_record_key(r, 0), "a\tb");
	ck_assert_str_eq(izin_record_key(r, 1), "c\\");
	wr_open(&t, IZIN_FMT_TSV);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t), tsv);
	wr_close(&t);
	rd_close(&in);
}
END_TEST

START_TEST(test_json_types)
{
	static const char jsonl[] =
	    "\n"
	    "{\"s\":\"x\",\"i\":-42,\"r\":1.5,\"e\":1e3,\"t\":true,"
	    "\"f\":false,\"n\":null,\"u\":\"\\u00e9\\t\"}\n"
	    "{\"big\":1e20,\"tenth\":0.1,\"small\":-2.5e-3}\n"
	    "{\"z\":\"last\",\"a\":\"first\"}\r\n";
	struct rd in = rd_open(jsonl, sizeof(jsonl) - 1, IZIN_FMT_AUTO);

	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_JSON);
	ck_assert_uint_eq(izin_reader_line(in.rd), 2);
	ck_assert_uint_eq(izin_record_count(r), 8);
	assert_value(r, "s", "x");
	assert_value(r, "i", "-42");
	assert_value(r, "r", "1.5");
	assert_value(r, "e", "1000.0");
	assert_value(r, "t", "true");
	assert_value(r, "f", "false");
	assert_value(r, "n", "");
	assert_value(r, "u", "\xc3\xa9\t");
	ck_assert_str_eq(izin_record_key(r, 0), "s");
	ck_assert_str_eq(izin_record_key(r, 7), "u");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	assert_value(r, "big", "1e+20");
	assert_value(r, "tenth", "0.1");
	assert_value(r, "small", "-0.0025");
	/* Key order is the line's, not sorted. */
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	ck_assert_str_eq(izin_record_key(r, 0), "z");
	ck_assert_str_eq(izin_record_key(r, 1), "a");
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
}
END_TEST

START_TEST(test_json_errors)
{
	static const char jsonl[] =
	    "{\"a\":\"1\"}\n"
	    "{\"a\":{\"b\":1}}\n"         /* nested object */
	    "{\"a\":[1]}\n"               /* array */
	    "[\"a\"]\n"                   /* not an object */
	    "{\"a\":\"1\",\"a\":\"2\"}\n" /* duplicate key */
	    "{\"a\":\"1\"} x\n"           /* trailing bytes */
	    "{\"a\":\"\\u0000\"}\n"       /* NUL in a value */
	    "{\"a\":\"\xff\"}\n"          /* not UTF-8 */
	    "{\"\":\"1\"}\n"              /* empty key */
	    "a\tb\n"                      /* TSV in a JSON stream */
	    "{}\n"
	    "{\"b\":\"2\"}\n";
	static const int want[] = {
	    1, IZIN_EJSON, IZIN_EJSON, IZIN_EJSON, IZIN_EJSON, IZIN_EJSON,
	    IZIN_EJSON, IZIN_EJSON, IZIN_ECOLUMNS, IZIN_EJSON, 1, 1, 0
	};
	struct rd in = rd_open(jsonl, sizeof(jsonl) - 1, IZIN_FMT_AUTO);
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_msg(izin_reader_next(in.rd, r) == want[i],
		    "line %zu", i + 1);
		if (want[i] != 0)
			ck_assert_uint_eq(izin_reader_line(in.rd), i + 1);
		if (want[i] < 0)
			ck_assert_uint_eq(izin_record_count(r), 0);
		if (i == 10)
			ck_assert_uint_eq(izin_record_count(r), 0);
		if (i == 11)
			assert_value(r, "b", "2");
	}
	rd_close(&in);
}
END_TEST

START_TEST(test_format_forced)
{
	/* A TSV header that happens to start with a brace. */
	static const char tsv[] = "{a\tb\n1\t2\n";
	struct rd in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_TSV);

	ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_TSV);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	assert_value(r, "{a", "1");
	rd_close(&in);
	in = rd_open(tsv, sizeof(tsv) - 1, IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_next(in.rd, r), IZIN_EJSON);
	ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_JSON);
	rd_close(&in);
	ck_assert_ptr_null(izin_reader_new(stdin, 7));
	izin_reader_free(NULL);
}
END_TEST

START_TEST(test_empty_input)
{
	struct rd in = rd_open("\n\r\n\n", 4, IZIN_FMT_AUTO);

	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	ck_assert_uint_eq(izin_reader_line(in.rd), 3);
	ck_assert_int_eq(izin_reader_format(in.rd), IZIN_FMT_AUTO);
	rd_close(&in);
}
END_TEST

START_TEST(test_writer_columns)
{
	static const char *const cols[] = { "permit", "state", "days" };
	struct wr t;

	wr_open(&t, IZIN_FMT_TSV);
	ck_assert_int_eq(izin_writer_columns(t.w, cols, 3), 0);
	ck_assert_str_eq(wr_text(&t), "permit\tstate\tdays\n");
	ck_assert_int_eq(izin_writer_columns(t.w, cols, 3), IZIN_EINVAL);
	izin_record_set(r, "days", "12", 2);
	izin_record_set(r, "permit", "P1", 2);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	/* An extra column: an error, and nothing is written. */
	izin_record_set(r, "extra", "boom", 4);
	ck_assert_int_eq(izin_writer_put(t.w, r), IZIN_ECOLUMNS);
	izin_record_clear(r);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	izin_record_set(r, "state", "a\tb", 3);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t),
	    "permit\tstate\tdays\nP1\t\t12\n\t\t\n\ta\\tb\t\n");
	wr_close(&t);
}
END_TEST

START_TEST(test_writer_header_from_record)
{
	struct wr t;

	wr_open(&t, IZIN_FMT_TSV);
	/* No columns to name: nothing is written. */
	ck_assert_int_eq(izin_writer_put(t.w, r), IZIN_ECOLUMNS);
	izin_record_set(r, "b", "1", 1);
	izin_record_set(r, "a", "2", 1);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	izin_record_clear(r);
	izin_record_set(r, "a", "3", 1);
	izin_record_set(r, "b", "4", 1);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	izin_record_set(r, "c", "5", 1);
	ck_assert_int_eq(izin_writer_put(t.w, r), IZIN_ECOLUMNS);
	ck_assert_str_eq(wr_text(&t), "b\ta\n1\t2\n4\t3\n");
	ck_assert_int_eq(izin_writer_columns(t.w, NULL, 0), IZIN_EINVAL);
	wr_close(&t);
}
END_TEST

START_TEST(test_writer_columns_invalid)
{
	static const char *const dup[] = { "a", "b", "a" };
	static const char *const empty[] = { "a", "" };
	struct wr t;

	wr_open(&t, IZIN_FMT_TSV);
	ck_assert_int_eq(izin_writer_columns(t.w, dup, 3), IZIN_ECOLUMNS);
	ck_assert_int_eq(izin_writer_columns(t.w, empty, 2), IZIN_ECOLUMNS);
	ck_assert_int_eq(izin_writer_columns(t.w, dup, 0), IZIN_ECOLUMNS);
	ck_assert_int_eq(izin_writer_columns(t.w, dup, 2), 0);
	ck_assert_str_eq(wr_text(&t), "a\tb\n");
	wr_close(&t);
	ck_assert_ptr_null(izin_writer_new(stdout, -1));
	izin_writer_free(NULL);
}
END_TEST

START_TEST(test_writer_json_utf8)
{
	struct wr t;

	wr_open(&t, IZIN_FMT_JSON);
	izin_record_set(r, "a", "ok", 2);
	izin_record_set(r, "b", "\xc3(", 2);
	ck_assert_int_eq(izin_writer_put(t.w, r), IZIN_EUTF8);
	izin_record_set(r, "b", "\xed\xa0\x80", 3);   /* a surrogate */
	ck_assert_int_eq(izin_writer_put(t.w, r), IZIN_EUTF8);
	izin_record_set(r, "b", "\xf4\x8f\xbf\xbf", 4);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	izin_record_clear(r);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t),
	    "{\"a\":\"ok\",\"b\":\"\xf4\x8f\xbf\xbf\"}\n{}\n");
	wr_close(&t);
}
END_TEST

START_TEST(test_writer_eio)
{
	FILE *fp = fopen("/dev/full", "w");
	izin_writer *w;
	int fmt;

	ck_assert_ptr_nonnull(fp);
	setvbuf(fp, NULL, _IONBF, 0);
	izin_record_set(r, "a", "1", 1);
	for (fmt = IZIN_FMT_TSV; fmt <= IZIN_FMT_CSV; fmt++) {
		w = izin_writer_new(fp, fmt);
		ck_assert_int_eq(izin_writer_put(w, r), IZIN_EIO);
		izin_writer_free(w);
	}
	fclose(fp);
}
END_TEST

START_TEST(test_reader_eio)
{
	FILE *fp = fopen("/dev/null", "w");
	izin_reader *rd;

	ck_assert_ptr_nonnull(fp);
	rd = izin_reader_new(fp, IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_next(rd, r), IZIN_EIO);
	ck_assert_int_eq(izin_reader_next(rd, r), 0);
	izin_reader_free(rd);
	fclose(fp);
}
END_TEST

/* Many records through one reader and one writer, growing buffers. */
START_TEST(test_many)
{
	struct wr t, u;
	struct rd in;
	char key[16], val[600];
	int i, j, rc;

	wr_open(&t, IZIN_FMT_TSV);
	for (i = 0; i < 500; i++) {
		izin_record_clear(r);
		for (j = 0; j < 20; j++) {
			snprintf(key, sizeof(key), "k%d", j);
			memset(val, j % 2 ? '\t' : 'v', (size_t)i);
			ck_assert_int_eq(izin_record_set(r, key, val,
			    (size_t)i), 0);
		}
		ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	}
	wr_text(&t);
	wr_open(&u, IZIN_FMT_TSV);
	in = rd_open(t.buf, t.len, IZIN_FMT_AUTO);
	for (i = 0; (rc = izin_reader_next(in.rd, r)) == 1; i++) {
		size_t len;
		const char *v = izin_record_get(r, "k19", &len);

		ck_assert_uint_eq(len, (size_t)i);
		ck_assert(len == 0 || (v[0] == '\t' && v[len - 1] == '\t'));
		ck_assert_int_eq(izin_writer_put(u.w, r), 0);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(i, 500);
	wr_text(&u);
	ck_assert_uint_eq(t.len, u.len);
	ck_assert_mem_eq(u.buf, t.buf, t.len);
	rd_close(&in);
	wr_close(&u);
	wr_close(&t);
}
END_TEST

/* Random bytes (no NUL) of random lengths, through TSV and back: every
 * position of a special byte relative to the 8-byte words. */
START_TEST(test_random_bytes)
{
	static const char *const keys[] = { "a", "b", "c", "d", "e", "f" };
	static char vals[200][6][48];
	static size_t lens[200][6];
	unsigned long seed = 12345;
	struct wr t;
	struct rd in;
	size_t i, j, k, len;
	const char *v;

	wr_open(&t, IZIN_FMT_TSV);
	for (i = 0; i < 200; i++) {
		izin_record_clear(r);
		for (j = 0; j < 6; j++) {
			seed = seed * 6364136223846793005UL + 1;
			lens[i][j] = (seed >> 33) % 48;
			for (k = 0; k < lens[i][j]; k++) {
				seed = seed * 6364136223846793005UL + 1;
				/* Mostly plain text, often a byte to escape. */
				vals[i][j][k] = (seed >> 40) % 5 == 0 ?
				    "\\\t\n\r\x01\x7f\xff"[(seed >> 20) % 7] :
				    (char)(1 + (seed >> 33) % 255);
			}
			ck_assert_int_eq(izin_record_set(r, keys[j], vals[i][j],
			    lens[i][j]), 0);
		}
		ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	}
	wr_text(&t);
	in = rd_open(t.buf, t.len, IZIN_FMT_TSV);
	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
		for (j = 0; j < 6; j++) {
			v = izin_record_value(r, j, &len);
			ck_assert_uint_eq(len, lens[i][j]);
			ck_assert_mem_eq(v, vals[i][j], len);
		}
	}
	ck_assert_int_eq(izin_reader_next(in.rd, r), 0);
	rd_close(&in);
	wr_close(&t);
}
END_TEST

/* CSV: a header row, CRLF line ends, quotes only where a cell needs them. */
START_TEST(test_csv_write_exact)
{
	struct wr t;

	wr_open(&t, IZIN_FMT_CSV);
	izin_record_set(r, "permit", "2C11JB0042-K", 12);
	izin_record_set(r, "name", "O'Brien, \"Pat\"", 14);
	izin_record_set(r, "address", "Jl. A 1\nBandung", 15);
	izin_record_set(r, "note", "cr\rhere", 7);
	izin_record_set(r, "empty", "", 0);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t),
	    "permit,name,address,note,empty\r\n"
	    "2C11JB0042-K,\"O'Brien, \"\"Pat\"\"\",\"Jl. A 1\nBandung\","
	    "\"cr\rhere\",\r\n");
	wr_close(&t);
}
END_TEST

/* A cell that starts like a formula (= + - @ tab CR) is led by a single
 * quote, inside the quotes when it needs them; nothing else changes. */
START_TEST(test_csv_formula_cells)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "=HYPERLINK(\"http://x\",\"y\")",
		  "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "=1+2", "'=1+2" },
		{ "+62 21 555", "'+62 21 555" },
		{ "-7.12", "'-7.12" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\t=cmd", "'\t=cmd" },
		{ "\r=cmd", "\"'\r=cmd\"" },
		{ "=1,2", "\"'=1,2\"" },
		{ "a=1", "a=1" },
		{ " =1", " =1" },
		{ "'=1", "'=1" },
		{ "", "" },
		{ "\xef\xbc\x9d" "1", "\xef\xbc\x9d" "1" },
	};
	struct wr t;
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wr_open(&t, IZIN_FMT_CSV);
		izin_record_clear(r);
		izin_record_set(r, "v", cases[i].in, strlen(cases[i].in));
		ck_assert_int_eq(izin_writer_put(t.w, r), 0);
		snprintf(want, sizeof(want), "v\r\n%s\r\n", cases[i].out);
		ck_assert_msg(strcmp(wr_text(&t), want) == 0,
		    "case %zu: got [%s]", i, t.buf);
		wr_close(&t);
	}
	/* Column names are cells too. */
	wr_open(&t, IZIN_FMT_CSV);
	izin_record_clear(r);
	izin_record_set(r, "=cmd|' /C calc'!A0", "1", 1);
	izin_record_set(r, "ok", "-", 1);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t), "'=cmd|' /C calc'!A0,ok\r\n1,'-\r\n");
	wr_close(&t);
}
END_TEST

/* UTF-8 goes out as it is, with no byte order mark, as do other bytes. */
START_TEST(test_csv_utf8)
{
	static const char name[] =
	    "Nguy\xe1\xbb\x85n V\xc4\x83n An \xe7\x8e\x8b";
	struct wr t;

	wr_open(&t, IZIN_FMT_CSV);
	izin_record_set(r, "name", name, strlen(name));
	izin_record_set(r, "raw", "\xff\xfe", 2);
	izin_record_set(r, "rtl", "\xe2\x80\xae" "abc", 6);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	ck_assert_str_eq(wr_text(&t), "name,raw,rtl\r\n"
	    "Nguy\xe1\xbb\x85n V\xc4\x83n An \xe7\x8e\x8b,\xff\xfe,"
	    "\xe2\x80\xae" "abc\r\n");
	wr_close(&t);
}
END_TEST

/* Fixed columns as for TSV; and CSV is never read. */
START_TEST(test_csv_columns)
{
	static const char *const cols[] = { "permit", "state", "@days" };
	struct wr t;
	FILE *fp;

	wr_open(&t, IZIN_FMT_CSV);
	ck_assert_int_eq(izin_writer_columns(t.w, cols, 3), 0);
	ck_assert_str_eq(wr_text(&t), "permit,state,'@days\r\n");
	izin_record_set(r, "@days", "12", 2);
	izin_record_set(r, "permit", "P1", 2);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	izin_record_set(r, "extra", "boom", 4);
	ck_assert_int_eq(izin_writer_put(t.w, r), IZIN_ECOLUMNS);
	ck_assert_str_eq(wr_text(&t),
	    "permit,state,'@days\r\nP1,,12\r\n");
	wr_close(&t);

	fp = fmemopen((void *)"a,b\r\n1,2\r\n", 10, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_null(izin_reader_new(fp, IZIN_FMT_CSV));
	fclose(fp);
	ck_assert_ptr_null(izin_writer_new(stdout, IZIN_FMT_CSV + 1));
}
END_TEST

/* Random bytes through the CSV writer and back through the library's own
 * RFC 4180 reader: the same cells, a formula-like one with its quote. */
START_TEST(test_csv_random_bytes)
{
	static const char *const keys[] = { "a", "b", "c", "d" };
	static char vals[300][4][40];
	static size_t lens[300][4];
	unsigned long seed = 4242;
	const char *const *cells;
	const size_t *clens;
	size_t i, j, k, n;
	izin_csv *csv;
	struct wr t;
	FILE *fp;

	wr_open(&t, IZIN_FMT_CSV);
	for (i = 0; i < 300; i++) {
		izin_record_clear(r);
		for (j = 0; j < 4; j++) {
			seed = seed * 6364136223846793005UL + 1;
			lens[i][j] = (seed >> 33) % 40;
			for (k = 0; k < lens[i][j]; k++) {
				seed = seed * 6364136223846793005UL + 1;
				vals[i][j][k] = (seed >> 40) % 4 == 0 ?
				    ",\"\r\n=+-@\t'"[(seed >> 20) % 10] :
				    (char)(1 + (seed >> 33) % 255);
				/* The reader takes a quoted CRLF as LF. */
				if (k > 0 && vals[i][j][k] == '\n' &&
				    vals[i][j][k - 1] == '\r')
					vals[i][j][k] = 'x';
			}
			ck_assert_int_eq(izin_record_set(r, keys[j], vals[i][j],
			    lens[i][j]), 0);
		}
		ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	}
	wr_text(&t);
	fp = fmemopen(t.buf, t.len, "r");
	ck_assert_ptr_nonnull(fp);
	csv = izin_csv_new(fp);
	ck_assert_ptr_nonnull(csv);
	ck_assert_int_eq(izin_csv_next(csv, &cells, &clens, &n), 1);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < 300; i++) {
		ck_assert_int_eq(izin_csv_next(csv, &cells, &clens, &n), 1);
		ck_assert_uint_eq(n, 4);
		for (j = 0; j < 4; j++) {
			const char *v = vals[i][j];
			size_t len = lens[i][j], lead;

			lead = len > 0 && strchr("=+-@\t\r", v[0]) != NULL;
			ck_assert_uint_eq(clens[j], len + lead);
			if (lead)
				ck_assert_int_eq(cells[j][0], '\'');
			ck_assert_mem_eq(cells[j] + lead, v, len);
		}
	}
	ck_assert_int_eq(izin_csv_next(csv, &cells, &clens, &n), 0);
	izin_csv_free(csv);
	fclose(fp);
	wr_close(&t);
}
END_TEST

static void
sample_permit(izin_permit *p)
{
	static const char *const vals[IZIN_F_COUNT] = {
		"ITAS/2024/000123", "ITAS", "A7",
		"\xc3\x87" "a\xc4\x9fr\xc4\xb1 Ay\xc5\x9f" "e",
		"D<<", "C01X00T47", "1990-02-28", "F", "2024-01-10",
		"2024-01-15", "2025-01-14", "JKT-1", "PT Contoh Jaya",
		"Jl. Sudirman Kav. 1, Jakarta"
	};
	int f;

	memset(p, 0, sizeof(*p));
	for (f = 0; f < IZIN_F_COUNT; f++)
		ck_assert_msg(izin_permit_set(p, f, vals[f],
		    strlen(vals[f])) == 0, "field %d", f);
}

START_TEST(test_permit_round_trip)
{
	izin_permit p, q;
	struct wr t;
	struct rd in;
	int f;

	sample_permit(&p);
	ck_assert_int_eq(izin_record_from_permit(r, &p), 0);
	ck_assert_uint_eq(izin_record_count(r), IZIN_F_COUNT);
	for (f = 0; f < IZIN_F_COUNT; f++)
		ck_assert_str_eq(izin_record_key(r, (size_t)f),
		    izin_field_name(f));
	assert_value(r, "kind", "ITAS");
	assert_value(r, "birth", "1990-02-28");
	assert_value(r, "valid_until", "2025-01-14");
	assert_value(r, "sex", "F");
	/* Through TSV and back. */
	wr_open(&t, IZIN_FMT_TSV);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	wr_text(&t);
	izin_record_clear(r);
	in = rd_open(t.buf, t.len, IZIN_FMT_AUTO);
	ck_assert_int_eq(izin_reader_next(in.rd, r), 1);
	memset(&q, 0xa5, sizeof(q));
	f = 99;
	ck_assert_int_eq(izin_record_to_permit(r, &q, &f), 0);
	ck_assert_int_eq(f, IZIN_F_NONE);
	ck_assert_mem_eq(&p, &q, sizeof(p));
	rd_close(&in);
	wr_close(&t);
}
END_TEST

START_TEST(test_permit_optional)
{
	izin_permit p, q;
	int f;

	sample_permit(&p);
	p.sponsor[0] = '\0';
	ck_assert_int_eq(izin_record_from_permit(r, &p), 0);
	assert_value(r, "sponsor", "");
	/* Build a record without the optional columns. */
	izin_record_clear(r);
	for (f = 0; f < IZIN_F_SPONSOR; f++) {
		char buf[256];
		int n = izin_permit_get(&p, f, buf, sizeof(buf));

		ck_assert_int_ge(n, 0);
		izin_record_set(r, izin_field_name(f), buf, (size_t)n);
	}
	izin_record_set(r, "state", "valid", 5);
	ck_assert_int_eq(izin_record_to_permit(r, &q, &f), 0);
	ck_assert_str_eq(q.sponsor, "");
	ck_assert_str_eq(q.address, "");
	ck_assert_str_eq(q.passport, p.passport);
	ck_assert_int_eq(q.valid_until, p.valid_until);
}
END_TEST

/* The example of izin-record(5), in both forms. */
static FILE *
open_data(const char *name)
{
	const char *dir = getenv("IZIN_TESTDATA");
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	return fp;
}

START_TEST(test_man_example)
{
	FILE *ft = open_data("record-example.tsv");
	FILE *fj = open_data("record-example.jsonl");
	izin_reader *rt = izin_reader_new(ft, IZIN_FMT_AUTO);
	izin_reader *rj = izin_reader_new(fj, IZIN_FMT_AUTO);
	izin_record *rec = izin_record_new();
	izin_permit p;
	size_t i, la, lb, n;
	struct wr t;
	char csv[1024];
	FILE *fc;
	int f;

	ck_assert_int_eq(izin_reader_next(rt, r), 1);
	ck_assert_int_eq(izin_reader_next(rj, rec), 1);
	ck_assert_int_eq(izin_reader_format(rt), IZIN_FMT_TSV);
	ck_assert_int_eq(izin_reader_format(rj), IZIN_FMT_JSON);
	ck_assert_uint_eq(izin_record_count(r), IZIN_F_COUNT + 1);
	ck_assert_uint_eq(izin_record_count(rec), IZIN_F_COUNT + 1);
	for (i = 0; i < izin_record_count(r); i++) {
		const char *a = izin_record_value(r, i, &la);
		const char *b = izin_record_value(rec, i, &lb);

		ck_assert_str_eq(izin_record_key(r, i),
		    izin_record_key(rec, i));
		ck_assert_uint_eq(la, lb);
		ck_assert_mem_eq(a, b, la);
	}
	assert_value(r, "note", "called twice\nno answer");
	/* And the page's CSV example is what the writer makes of it. */
	wr_open(&t, IZIN_FMT_CSV);
	ck_assert_int_eq(izin_writer_put(t.w, r), 0);
	wr_text(&t);
	fc = open_data("record-example.csv");
	n = fread(csv, 1, sizeof(csv), fc);
	fclose(fc);
	ck_assert_uint_eq(n, t.len);
	ck_assert_mem_eq(csv, t.buf, n);
	wr_close(&t);
	ck_assert_int_eq(izin_record_to_permit(r, &p, &f), 0);
	ck_assert_int_eq(izin_permit_check(&p, &f), 0);
	ck_assert_str_eq(p.office, "KANIM-JKTSEL");
	ck_assert_int_eq(izin_reader_next(rt, r), 0);
	ck_assert_int_eq(izin_reader_next(rj, rec), 0);
	izin_record_free(rec);
	izin_reader_free(rt);
	izin_reader_free(rj);
	fclose(ft);
	fclose(fj);
}
END_TEST

START_TEST(test_permit_errors)
{
	izin_permit p, q;
	int f;

	sample_permit(&p);
	ck_assert_int_eq(izin_record_from_permit(r, &p), 0);
	izin_record_set(r, "birth", "1990-02-30", 10);
	ck_assert_int_eq(izin_record_to_permit(r, &q, &f), IZIN_EDATE);
	ck_assert_int_eq(f, IZIN_F_BIRTH);
	izin_record_set(r, "birth", "1990-02-28", 10);
	izin_record_set(r, "kind", "VISA", 4);
	ck_assert_int_eq(izin_record_to_permit(r, &q, &f), IZIN_EKIND);
	ck_assert_int_eq(f, IZIN_F_KIND);
	izin_record_set(r, "kind", "KITAS", 5);
	ck_assert_int_eq(izin_record_to_permit(r, &q, NULL), 0);
	ck_assert_int_eq(q.kind, IZIN_KIND_ITAS);
	izin_record_set(r, "sex", "", 0);
	ck_assert_int_lt(izin_record_to_permit(r, &q, &f), 0);
	ck_assert_int_eq(f, IZIN_F_SEX);
	/* A required column missing altogether. */
	izin_record_clear(r);
	izin_record_set(r, "permit", "P1", 2);
	ck_assert_int_eq(izin_record_to_permit(r, &q, &f), IZIN_EEMPTY);
	ck_assert_int_eq(f, IZIN_F_KIND);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("record");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_set_get);
	tcase_add_test(tc, test_set_invalid);
	tcase_add_test(tc, test_schema_memo);
	suite_add_tcase(s, tc);

	tc = tcase_create("tsv");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tsv_write_exact);
	tcase_add_test(tc, test_tsv_round_trip);
	tcase_add_test(tc, test_unknown_columns);
	tcase_add_test(tc, test_escape_errors);
	tcase_add_test(tc, test_column_count);
	tcase_add_test(tc, test_crlf_and_no_final_newline);
	tcase_add_test(tc, test_repeated_header);
	tcase_add_test(tc, test_schema_with_added_columns);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_bad_header);
	tcase_add_test(tc, test_escaped_header);
	tcase_add_test(tc, test_empty_input);
	tcase_add_test(tc, test_reader_eio);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_random_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_json_write_exact);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_tsv_json_tsv);
	tcase_add_test(tc, test_json_types);
	tcase_add_test(tc, test_json_errors);
	tcase_add_test(tc, test_format_forced);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_writer_columns);
	tcase_add_test(tc, test_writer_header_from_record);
	tcase_add_test(tc, test_writer_columns_invalid);
	tcase_add_test(tc, test_writer_json_utf8);
	tcase_add_test(tc, test_writer_eio);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_csv_write_exact);
	tcase_add_test(tc, test_csv_formula_cells);
	tcase_add_test(tc, test_csv_utf8);
	tcase_add_test(tc, test_csv_columns);
	tcase_add_test(tc, test_csv_random_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("permit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_permit_round_trip);
	tcase_add_test(tc, test_permit_optional);
	tcase_add_test(tc, test_permit_errors);
	tcase_add_test(tc, test_man_example);
	suite_add_tcase(s, tc);

	return s;
}

IZIN_CHECK_MAIN(record_suite)
