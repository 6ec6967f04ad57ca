/*
 * scan_corpus - izin_scan()'s decode rate on one folder of the QR photo
 * corpus: each image named in DIR/manifest.tsv is read with
 * izin_image_read(), scanned, and counts when one of its codes is
 * byte for byte the text in <stem>.txt beside it.  Prints "ok n" and,
 * with -v, each miss on stderr.
 *
 * For the other readers, "-m lines|bytes expected.txt" checks their
 * output on stdin instead and exits 0 on a match: "lines" for zbarimg
 * --raw, where every code's text ends in a newline of its own (a text
 * may hold newlines too, so the expected text followed by a newline must
 * start the output or follow a newline); "bytes" for ZXingReader -bytes,
 * where the texts follow each other with nothing between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"

#define TEXT_MAX (1 << 20)

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;

	if (fp == NULL)
		return NULL;
	if ((buf = malloc(TEXT_MAX)) == NULL) {
		fclose(fp);
		return NULL;
	}
	*len = fread(buf, 1, TEXT_MAX, fp);
	if (ferror(fp) || !feof(fp)) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* 0 when out holds want as one code's text, 1 when not. */
static int
match(const char *mode, const char *out, size_t outlen, const char *want,
      size_t wantlen)
{
	size_t i;

	if (strcmp(mode, "lines") == 0) {
		for (i = 0; i + wantlen < outlen; i++)
			if ((i == 0 || out[i - 1] == '\n') &&
			    memcmp(out + i, want, wantlen) == 0 &&
			    out[i + wantlen] == '\n')
				return 0;
		return 1;
	}
	for (i = 0; i + wantlen <= outlen; i++)
		if (memcmp(out + i, want, wantlen) == 0)
			return 0;
	return 1;
}

int
main(int argc, char *argv[])
{
	char line[4096], path[8192], *want, *dot;
	const char *dir;
	int verbose = 0, err;
	long n = 0, ok = 0;
	izin_image *img;
	izin_codes *codes;
	size_t wantlen, i;
	FILE *man;

	if (argc == 4 && strcmp(argv[1], "-m") == 0) {
		size_t outlen;
		char *out;

		if ((want = slurp(argv[3], &wantlen)) == NULL) {
			perror(argv[3]);
			return 2;
		}
		if ((out = slurp("/dev/stdin", &outlen)) == NULL) {
			perror("stdin");
			return 2;
		}
		return match(argv[2], out, outlen, want, wantlen);
	}
	if (argc == 3 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: scan_corpus [-v] dir\n"
		    "       scan_corpus -m lines|bytes expected.txt < out\n");
		return 2;
	}
	dir = argv[1];
	snprintf(path, sizeof path, "%s/manifest.tsv", dir);
	if ((man = fopen(path, "r")) == NULL) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof line, man) != NULL) {
		line[strcspn(line, "\t\n")] = '\0';
		if (line[0] == '\0')
			continue;
		n++;
		snprintf(path, sizeof path, "%s/%s", dir, line);
		if ((err = izin_image_read(path, &img)) != 0) {
			if (verbose)
				fprintf(stderr, "%s: %s\n", path,
				    izin_strerror(err));
			continue;
		}
		err = izin_scan(img, &codes);
		izin_image_free(img);
		if (err != 0) {
			fprintf(stderr, "%s: %s\n", path, izin_strerror(err));
			return 2;
		}
		if ((dot = strrchr(line, '.')) != NULL)
			*dot = '\0';
		snprintf(path, sizeof path, "%s/%s.txt", dir, line);
		if ((want = slurp(path, &wantlen)) == NULL) {
			perror(path);
			return 2;
		}
		for (i = 0; i < codes->n; i++)
			if (codes->len[i] == wantlen &&
			    memcmp(codes->text[i], want, wantlen) == 0)
				break;
		if (i < codes->n)
			ok++;
		else if (verbose)
			fprintf(stderr, "%s: miss (%zu codes)\n", line,
			    codes->n);
		free(want);
		izin_codes_free(codes);
	}
	fclose(man);
	printf("%ld %ld\n", ok, n);
	return 0;
}
