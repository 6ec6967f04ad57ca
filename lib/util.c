#include <stdlib.h>
#include <string.h>

#include "izin_internal.h"

int
izin_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *fp;
	char *buf;
	size_t n;

	*out = NULL;
	if ((fp = fopen(path, "rb")) == NULL)
		return IZIN_EIO;
	if ((buf = malloc(max + 2)) == NULL) {
		fclose(fp);
		return IZIN_ENOMEM;
	}
	n = fread(buf, 1, max + 1, fp);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return IZIN_EIO;
	}
	fclose(fp);
	if (n > max) {
		free(buf);
		return IZIN_ELENGTH;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return IZIN_OK;
}

/* Split s at single spaces into exactly n words. */
int
izin_split_words(const char *s, size_t len, const char **w, size_t *wl, size_t n)
{
	size_t i = 0, start = 0;

	for (size_t k = 0; k <= len; k++) {
		if (k < len && s[k] != ' ')
			continue;
		if (i == n || k == start)
			return IZIN_EINVAL;
		w[i] = s + start, wl[i] = k - start, i++;
		start = k + 1;
	}
	return i == n ? IZIN_OK : IZIN_EKEYFILE;
}

