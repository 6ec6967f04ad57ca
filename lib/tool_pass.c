/*
 * Passphrases for secret keys: from the terminal with echo off, or from
 * the first line of a file, always in guarded memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "tool.h"

#define PASS_MAX 1024

void
izin_passphrase_free(char *pass)
{
	sodium_free(pass);
}

/* One line from fd into buf (without the newline); echo is the caller's. */
static int
read_line(int fd, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	char c;
	ssize_t r;

	while ((r = read(fd, &c, 1)) == 1 || (r < 0 && errno == EINTR)) {
		if (r < 0)
			continue;
		if (c == '\n')
			break;
		if (n + 1 >= size)
			return IZIN_ELENGTH;
		buf[n++] = c;
	}
	if (r < 0)
		return IZIN_EIO;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return IZIN_OK;
}

static int
ask(int fd, const char *prompt, char *buf, size_t size, size_t *len)
{
	struct termios old, noecho;
	int err, restore = 0;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return IZIN_EIO;
	if (tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		noecho.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSAFLUSH, &noecho) == 0;
	}
	err = read_line(fd, buf, size, len);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	return err;
}

int
izin_passphrase_tty(const char *prompt, int confirm, char **out, size_t *len)
{
	char *a = NULL, *b = NULL;
	size_t alen, blen;
	int fd, err;

	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return IZIN_EIO;
	a = sodium_malloc(PASS_MAX);
	b = confirm ? sodium_malloc(PASS_MAX) : NULL;
	if (a == NULL || (confirm && b == NULL)) {
		err = IZIN_ENOMEM;
		goto done;
	}
	if ((err = ask(fd, prompt, a, PASS_MAX, &alen)) != IZIN_OK)
		goto done;
	if (confirm) {
		if ((err = ask(fd, _("Passphrase again: "), b, PASS_MAX,
		    &blen)))
			goto done;
		if (alen != blen || sodium_memcmp(a, b, alen) != 0) {
			err = IZIN_EPASSPHRASE;
			goto done;
		}
	}
	*out = a, *len = alen, a = NULL;
done:
	close(fd);
	sodium_free(a);
	sodium_free(b);
	return err;
}

int
izin_passphrase_file(const char *path, char **out, size_t *len)
{
	char *buf;
	int fd, err;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return IZIN_EIO;
	if ((buf = sodium_malloc(PASS_MAX)) == NULL) {
		close(fd);
		return IZIN_ENOMEM;
	}
	err = read_line(fd, buf, PASS_MAX, len);
	close(fd);
	if (err) {
		sodium_free(buf);
		return err;
	}
	*out = buf;
	return IZIN_OK;
}
