#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "izin_internal.h"

int
izin_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd;

	*out = NULL;
	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return IZIN_EIO;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return IZIN_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return IZIN_ENOTFILE;
	}
	if ((buf = malloc(max + 2)) == NULL) {
		close(fd);
		return IZIN_ENOMEM;
	}
	while (n <= max && (r = read(fd, buf + n, max + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			free(buf);
			return IZIN_EIO;
		}
		n += (size_t)r;
	}
	close(fd);
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
