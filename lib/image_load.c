#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_internal.h"
#include "izin_internal.h"

/* Largest file izin_image_read() takes in: a phone photo is a few MiB, a
 * PNM frame at the pixel limit 192 MiB. */
#define IMAGE_FILE_MAX (256UL * 1024 * 1024)

/* 1 when data starts with the signature sig (n bytes).  Data shorter
 * than it that matches as far as it goes sets *prefix: a file cut short
 * (IZIN_EIMAGE) rather than another format (IZIN_EFORMAT). */
static int
starts(const unsigned char *data, size_t len, const char *sig, size_t n,
       int *prefix)
{
	if (len < n) {
		if (memcmp(data, sig, len) == 0)
			*prefix = 1;
		return 0;
	}
	return memcmp(data, sig, n) == 0;
}

int
izin_image_load(const unsigned char *data, size_t len, izin_image **out)
{
	int prefix = 0;

	if (out == NULL)
		return IZIN_EINVAL;
	*out = NULL;
	if (data == NULL && len > 0)
		return IZIN_EINVAL;
	if (len == 0)
		return IZIN_EIMAGE;
	if (starts(data, len, "\x89PNG\r\n\x1a\n", 8, &prefix))
		return izin_image_png(data, len, out);
	if (starts(data, len, "\xff\xd8\xff", 3, &prefix))
		return izin_image_jpeg(data, len, out);
	/* Netpbm puts white space (or a comment) after the magic number:
	 * "P5" followed by anything else is some other file. */
	if (starts(data, len, "P5", 2, &prefix) ||
	    starts(data, len, "P6", 2, &prefix)) {
		if (len == 2)
			return IZIN_EIMAGE;
		if (memchr(" \t\n\v\f\r#", data[2], 7) != NULL)
			return izin_image_pnm(data, len, out);
	}
	/* Nothing but the first bytes of a known signature: a file cut
	 * short (an empty file too), not a format we lack. */
	return prefix ? IZIN_EIMAGE : IZIN_EFORMAT;
}

int
izin_image_read(const char *path, izin_image **out)
{
	struct stat st;
	unsigned char *buf = NULL, *nbuf;
	size_t cap, n = 0;
	ssize_t r;
	int fd, err, saved;

	if (out == NULL)
		return IZIN_EINVAL;
	*out = NULL;
	if (path == NULL)
		return IZIN_EINVAL;
	if ((fd = izin_open_regular(path, 0, &st)) < 0)
		return fd;
	if ((unsigned long long)st.st_size > IMAGE_FILE_MAX) {
		err = IZIN_ETOOBIG;
		goto out;
	}
	/* One byte spare to see the end without a second read, more when
	 * the file grows while it is read. */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL) {
		err = IZIN_ENOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap > IMAGE_FILE_MAX) {
				err = IZIN_ETOOBIG;
				goto out;
			}
			cap = cap * 2 > IMAGE_FILE_MAX + 1 ?
			    IMAGE_FILE_MAX + 1 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				err = IZIN_ENOMEM;
				goto out;
			}
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = IZIN_EIO;
			goto out;
		}
		n += (size_t)r;
	}
	close(fd);
	fd = -1;
	err = izin_image_load(buf, n, out);
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = saved;
	return err;
}
