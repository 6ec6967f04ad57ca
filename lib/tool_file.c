/*
 * Reading a whole stream, with memory bounded by what it holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tool.h"

int
izin_read_stream(FILE *fp, size_t max, char **out, size_t *len)
{
	struct stat st;
	size_t cap = 1 << 16, n = 0, got;
	char *buf, *nb;

	*out = NULL;
	/* A regular file says how long it is: one buffer of that size (and a
	 * byte more, to see the end), not a guess at the largest. */
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 0)
		cap = (unsigned long long)st.st_size < max ?
		      (size_t)st.st_size + 1 : max + 1;
	if ((buf = malloc(cap + 1)) == NULL)
		return IZIN_ENOMEM;
	while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n > max) {
			free(buf);
			return IZIN_ELENGTH;
		}
		if (n < cap)
			continue;
		/* The stream is longer than thought: grow, never past max. */
		cap = cap > max / 2 ? max + 1 : cap * 2;
		if ((nb = realloc(buf, cap + 1)) == NULL) {
			free(buf);
			return IZIN_ENOMEM;
		}
		buf = nb;
	}
	if (ferror(fp)) {
		int e = errno;
		free(buf);
		errno = e;
		return IZIN_EIO;
	}
	buf[n] = '\0';
	*out = buf, *len = n;
	return IZIN_OK;
}

char *
izin_slurp(const char *path, size_t max, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	int err;

	if (fp == NULL)
		izin_errx(2, "%s: %s", path, strerror(errno));
	if ((err = izin_read_stream(fp, max, &buf, len)) == IZIN_ENOMEM)
		izin_errx(2, "out of memory");
	if (err == IZIN_ELENGTH)
		izin_errx(2, "%s: too large", path);
	if (err)
		izin_errx(2, "%s: %s", path, strerror(errno));
	if (fp != stdin)
		fclose(fp);
	return buf;
}
