/*
 * Messages and small helpers the commands share for their own I/O.
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *progname = "izin";

void (*izin_diag_hook)(int after);

/* gettext(""), unlike any other string, gives the catalogue's header. */
static const char *
tr(const char *s)
{
	return *s ? gettext(s) : s;
}

void
izin_setprogname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	const char *dir = getenv("IZIN_LOCALEDIR");

	progname = slash ? slash + 1 : argv0;
	setlocale(LC_MESSAGES, "");
	setlocale(LC_CTYPE, "");
	bindtextdomain("izin", dir && *dir ? dir : LOCALEDIR);
	textdomain("izin");
}

const char *
izin_getprogname(void)
{
	return progname;
}

static void
vmsg(int with_errno, const char *fmt, va_list ap)
{
	int e = errno;

	if (izin_diag_hook != NULL)
		izin_diag_hook(0);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, tr(fmt), ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	if (izin_diag_hook != NULL)
		izin_diag_hook(1);
}

void
izin_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void
izin_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(1, fmt, ap);
	va_end(ap);
}

void
izin_errx(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
izin_usage(const char *synopsis)
{
	fputs(tr(synopsis), stderr);
	exit(2);
}

void
izin_help(const char *synopsis, const char *body)
{
	fputs(tr(synopsis), stdout);
	fputs(tr(body), stdout);
	exit(izin_close_stdout() ? 2 : 0);
}

void
izin_version(void)
{
	printf("%s (izin) %s\n", progname, IZIN_VERSION_STRING);
	exit(izin_close_stdout() ? 2 : 0);
}

long
izin_num_arg(const char *opt, const char *s, long min, long max)
{
	long v;

	if (izin_parse_long(s, min, max, &v) != IZIN_OK)
		izin_errx(2, "%s: '%s' is not a number from %ld to %ld", opt, s,
		          min, max);
	return v;
}

izin_date
izin_date_arg(const char *opt, const char *s)
{
	izin_date d;

	if (izin_date_parse(s, strlen(s), &d) != IZIN_OK)
		izin_errx(2, "%s: invalid date '%s' (want YYYY-MM-DD, 1900-2199)",
		          opt, s);
	return d;
}

int
izin_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || *s == ' ' || *s == '+')
		return IZIN_EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return IZIN_EINVAL;
	*out = v;
	return IZIN_OK;
}

int
izin_close_stdout(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	return bad ? IZIN_EIO : IZIN_OK;
}

izin_date
izin_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return izin_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
