#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "izin_internal.h"

int
izin_open_regular(const char *path, int flags, struct stat *st)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags)) < 0)
		return IZIN_EIO;
	if (fstat(fd, st) != 0) {
		close(fd);
		return IZIN_EIO;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return IZIN_ENOTFILE;
	}
	return fd;
}

int
izin_read_all(int fd, char *buf, size_t max, size_t *len)
{
	ssize_t r;

	*len = 0;
	while (*len <= max && (r = read(fd, buf + *len, max + 1 - *len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return IZIN_EIO;
		*len += (size_t)r;
	}
	return IZIN_OK;
}

int
izin_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	int fd, err;

	*out = NULL;
	if ((fd = izin_open_regular(path, 0, &st)) < 0)
		return fd;
	if ((buf = malloc(max + 2)) == NULL) {
		close(fd);
		return IZIN_ENOMEM;
	}
	err = izin_read_all(fd, buf, max, len);
	close(fd);
	if (err == IZIN_OK && *len > max)
		err = IZIN_ELENGTH;
	if (err) {
		free(buf);
		return err;
	}
	buf[*len] = '\0';
	*out = buf;
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
