/*
 * fuzz_record - the record reader (izin-record(5)): TSV with a header and
 * JSON Lines.  The first input byte picks the format (AUTO, TSV, JSON),
 * the rest is the file.  Every record read is written back with
 * izin_writer in the format the reader settled on and read again: the
 * same records, in order, with no error.  Each record also goes through
 * izin_record_to_permit(), the way the tools take a permit from a line:
 * a permit it fills passes every field check (their order is the
 * caller's to check).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzzutil.h"

/* A record as bytes, to compare two reads: per column the key, a NUL,
 * the value's length and the value. */
static void
dump(FILE *out, const izin_record *r)
{
	size_t i, n = izin_record_count(r), len;
	const char *k, *v;

	fwrite(&n, sizeof n, 1, out);
	for (i = 0; i < n; i++) {
		k = izin_record_key(r, i);
		v = izin_record_value(r, i, &len);
		FUZZ_ASSERT(k != NULL && v != NULL && *k != '\0');
		FUZZ_ASSERT(v[len] == '\0' && strlen(v) == len);
		FUZZ_ASSERT(izin_record_find(r, k) == (long)i);
		fwrite(k, 1, strlen(k) + 1, out);
		fwrite(&len, sizeof len, 1, out);
		fwrite(v, 1, len, out);
	}
}

/* A TSV record whose values are its keys is written as a line equal to
 * the header, which the reader skips as a repeated header by design. */
static int
header_like(const izin_record *r)
{
	size_t i, len;

	for (i = 0; i < izin_record_count(r); i++)
		if (strcmp(izin_record_key(r, i),
		    izin_record_value(r, i, &len)) != 0)
			return 0;
	return 1;
}

static FILE *
open_input(const void *data, size_t size)
{
	/* fmemopen() of zero bytes fails on older C libraries. */
	return size == 0 ? tmpfile() : fmemopen((void *)data, size, "r");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int formats[3] = {
		IZIN_FMT_AUTO, IZIN_FMT_TSV, IZIN_FMT_JSON
	};
	char *out = NULL, *d1 = NULL, *d2 = NULL;
	size_t outlen = 0, l1 = 0, l2 = 0;
	FILE *in, *ofp, *f1, *f2;
	izin_reader *rd;
	izin_writer *w = NULL;
	izin_record *r;
	izin_permit p;
	unsigned long line, last = 0;
	int fmt = IZIN_FMT_AUTO, rc, field;

	if (size < 1)
		return 0;
	FUZZ_ASSERT((in = open_input(data + 1, size - 1)) != NULL);
	FUZZ_ASSERT((ofp = open_memstream(&out, &outlen)) != NULL);
	FUZZ_ASSERT((f1 = open_memstream(&d1, &l1)) != NULL);
	FUZZ_ASSERT((f2 = open_memstream(&d2, &l2)) != NULL);
	FUZZ_ASSERT((r = izin_record_new()) != NULL);
	FUZZ_ASSERT((rd = izin_reader_new(in, formats[data[0] % 3])) != NULL);

	while ((rc = izin_reader_next(rd, r)) != 0) {
		line = izin_reader_line(rd);
		FUZZ_ASSERT(line >= last && line <= size);
		last = line;
		if (rc < 0) {
			FUZZ_ASSERT(izin_record_count(r) == 0);
			continue;
		}
		FUZZ_ASSERT(rc == 1);
		if (w == NULL) {
			fmt = izin_reader_format(rd);
			FUZZ_ASSERT(fmt == IZIN_FMT_TSV || fmt == IZIN_FMT_JSON);
			FUZZ_ASSERT((w = izin_writer_new(ofp, fmt)) != NULL);
		}
		FUZZ_ASSERT(izin_reader_format(rd) == fmt);
		rc = izin_record_to_permit(r, &p, &field);
		FUZZ_ASSERT(rc <= 0 && field >= IZIN_F_NONE &&
		    field < IZIN_F_COUNT);
		/* Each field is checked on its own, not their order. */
		if (rc == IZIN_OK) {
			rc = izin_permit_check(&p, NULL);
			FUZZ_ASSERT(rc == IZIN_OK || rc == IZIN_EORDER);
		}
		if (fmt == IZIN_FMT_TSV && header_like(r))
			continue;
		FUZZ_ASSERT(izin_writer_put(w, r) == IZIN_OK);
		dump(f1, r);
	}
	izin_reader_free(rd);
	fclose(in);
	FUZZ_ASSERT(fflush(ofp) == 0);

	/* Read back what was written: the same records, no errors. */
	if (w != NULL) {
		FUZZ_ASSERT((in = open_input(out, outlen)) != NULL);
		FUZZ_ASSERT((rd = izin_reader_new(in, fmt)) != NULL);
		while ((rc = izin_reader_next(rd, r)) != 0) {
			FUZZ_ASSERT(rc == 1);
			dump(f2, r);
		}
		izin_reader_free(rd);
		fclose(in);
	}
	fclose(f1);
	fclose(f2);
	FUZZ_ASSERT(l1 == l2 && memcmp(d1, d2, l1) == 0);

	izin_writer_free(w);
	izin_record_free(r);
	fclose(ofp);
	free(out);
	free(d1);
	free(d2);
	return 0;
}
