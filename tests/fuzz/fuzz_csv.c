/*
 * fuzz_csv - the CSV reader (RFC 4180 as spreadsheets write it).  Every
 * cell of every row is read to its end and checked to be NUL-terminated
 * at its length.  A row is written back quoted ("" for a quote) and read
 * again: the same cells, unless a cell holds a CR LF, which the reader
 * takes as LF by design.  Line numbers never go back.
 *
 * Inputs this small never reach the end of the reader's 64 KiB buffer,
 * so the same code is built a second time below with the smallest buffer
 * it allows (IZIN_CSV_BUFSIZE, 4 bytes), where every state meets a
 * refill: both must give the same rows, errors and line numbers.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzzutil.h"

/* Declared static first, so the second copy stays inside this file. */
static izin_csv *tiny_csv_new(FILE *fp);
static void tiny_csv_free(izin_csv *c);
static unsigned long tiny_csv_line(const izin_csv *c);
static int tiny_csv_next(izin_csv *c, const char *const **cells,
                         const size_t **lens, size_t *n);

#define IZIN_CSV_BUFSIZE 4
#define izin_csv_new tiny_csv_new
#define izin_csv_free tiny_csv_free
#define izin_csv_line tiny_csv_line
#define izin_csv_next tiny_csv_next
#include "../../lib/csv.c"
#undef izin_csv_new
#undef izin_csv_free
#undef izin_csv_line
#undef izin_csv_next

static FILE *
open_input(const void *data, size_t size)
{
	/* fmemopen() of zero bytes fails on older C libraries. */
	return size == 0 ? tmpfile() : fmemopen((void *)data, size, "r");
}

static int
has_crlf(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '\r' && s[i + 1] == '\n')
			return 1;
	return 0;
}

/* Write the row quoted, read it again, compare. */
static void
again(const char *const *cells, const size_t *lens, size_t n)
{
	const char *const *c2;
	const size_t *l2;
	char *text = NULL;
	size_t len = 0, n2, i, k;
	FILE *fp;
	izin_csv *c;

	for (i = 0; i < n; i++)
		if (has_crlf(cells[i], lens[i]))
			return;
	FUZZ_ASSERT((fp = open_memstream(&text, &len)) != NULL);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		fputc('"', fp);
		for (k = 0; k < lens[i]; k++) {
			if (cells[i][k] == '"')
				fputc('"', fp);
			fputc(cells[i][k], fp);
		}
		fputc('"', fp);
	}
	fputs("\r\n", fp);
	fclose(fp);

	FUZZ_ASSERT((fp = open_input(text, len)) != NULL);
	FUZZ_ASSERT((c = izin_csv_new(fp)) != NULL);
	FUZZ_ASSERT(izin_csv_next(c, &c2, &l2, &n2) == 1 && n2 == n);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(l2[i] == lens[i] &&
		    memcmp(c2[i], cells[i], lens[i]) == 0);
	FUZZ_ASSERT(izin_csv_next(c, &c2, &l2, &n2) == 0 && n2 == 0);
	izin_csv_free(c);
	fclose(fp);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *cells, *const *tcells;
	const size_t *lens, *tlens;
	unsigned long line, last = 0;
	size_t n, tn, i, k, rows = 0;
	unsigned sum = 0;
	FILE *fp, *tfp;
	izin_csv *c, *tc;
	int rc;

	FUZZ_ASSERT((fp = open_input(data, size)) != NULL);
	FUZZ_ASSERT((tfp = open_input(data, size)) != NULL);
	FUZZ_ASSERT((c = izin_csv_new(fp)) != NULL);
	FUZZ_ASSERT((tc = tiny_csv_new(tfp)) != NULL);
	do {
		rc = izin_csv_next(c, &cells, &lens, &n);
		FUZZ_ASSERT(tiny_csv_next(tc, &tcells, &tlens, &tn) == rc);
		FUZZ_ASSERT(tn == n);
		if (rc == 0)
			break;
		/* Each row, good or bad, takes at least one byte. */
		FUZZ_ASSERT(++rows <= size);
		line = izin_csv_line(c);
		FUZZ_ASSERT(tiny_csv_line(tc) == line);
		FUZZ_ASSERT(line >= 1 && line >= last && line <= size + 1);
		last = line;
		if (rc < 0) {
			FUZZ_ASSERT(rc == IZIN_ECSV || rc == IZIN_ELONGLINE);
			FUZZ_ASSERT(n == 0);
			continue;
		}
		FUZZ_ASSERT(rc == 1 && n >= 1);
		for (i = 0; i < n; i++) {
			FUZZ_ASSERT(lens[i] <= size && tlens[i] == lens[i]);
			for (k = 0; k < lens[i]; k++)
				sum += (unsigned char)cells[i][k];
			FUZZ_ASSERT(cells[i][lens[i]] == '\0');
			FUZZ_ASSERT(memcmp(tcells[i], cells[i], lens[i]) == 0);
		}
		again(cells, lens, n);
	} while (rc != 0);
	tiny_csv_free(tc);
	izin_csv_free(c);
	fclose(tfp);
	fclose(fp);
	/* Keep the reads. */
	__asm__ volatile("" : : "r"(sum));
	return 0;
}
