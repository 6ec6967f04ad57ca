/*
 * Files written whole or not at all: a temporary name, then a rename.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

int
izin_write_atomic(const char *path, const void *buf, size_t len, int mode,
                  int force)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *p = buf;
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof tmp, "%.*s.%s.XXXXXX", dirlen, path,
	                     path + dirlen) >= sizeof tmp)
		return errno = ENAMETOOLONG, IZIN_EIO;
	if ((fd = mkstemp(tmp)) < 0)
		return IZIN_EIO;
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n, len -= (size_t)n;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (force) {
		if (rename(tmp, path) != 0)
			goto fail;
		return IZIN_OK;
	}
	/* link() refuses an existing name: no window in which a file that
	 * appeared after a check could be overwritten. */
	if (link(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return e == EEXIST ? IZIN_EEXIST : IZIN_EIO;
	}
	unlink(tmp);
	return IZIN_OK;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return IZIN_EIO;
}

void
izin_write_output(const char *path, const void *buf, size_t len, int force)
{
	int err;

	if (path != NULL) {
		if ((err = izin_write_atomic(path, buf, len, 0644, force)))
			izin_errx(2, "%s: %s", path, err == IZIN_EEXIST ?
			          _("file exists (-f overwrites)") :
			          strerror(errno));
	} else if (fwrite(buf, 1, len, stdout) != len) {
		izin_errx(2, "stdout: %s", strerror(errno));
	}
}
