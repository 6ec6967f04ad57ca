/*
 * tool.h - what the izin commands share for their own I/O, built into
 * libizintool.a over libizin.a.  Unlike the library (izin.h), which never
 * prints, exits, reads the clock or touches the terminal, these functions
 * print diagnostics on stderr, exit on usage errors, read today's date and
 * ask for passphrases.  Not installed, not part of the library's API.
 */
#ifndef IZIN_TOOL_H
#define IZIN_TOOL_H

#include <stdio.h>

#include "izin.h"

/* ---- Diagnostics and options (tool_diag.c) ----------------------------- */

/* Set the program name used in messages (from argv[0]). */
void izin_setprogname(const char *argv0);
const char *izin_getprogname(void);
/* "prog: message" on stderr.  izin_warn adds ": strerror(errno)". */
void izin_warnx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void izin_warn(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The same, then exit(status). */
void izin_errx(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* The synopsis on stderr, then exit(2): for a usage error. */
void izin_usage(const char *synopsis) __attribute__((noreturn));
/* --help: the synopsis and the body on stdout, then exit(0) (2 when
 * stdout cannot be written). */
void izin_help(const char *synopsis, const char *body)
	__attribute__((noreturn));
/* --version: "prog (izin) VERSION" on stdout, then exit. */
void izin_version(void) __attribute__((noreturn));
/* An option's number in [min, max], or exit(2) naming the option. */
long izin_num_arg(const char *opt, const char *s, long min, long max);
/* Parse a whole decimal number in [min, max]: IZIN_EINVAL otherwise. */
int izin_parse_long(const char *s, long min, long max, long *out);
/* Flush and close stdout; 0, or IZIN_EIO when anything written to it was
 * lost (a full disk, a closed pipe).  Call once, before exiting. */
int izin_close_stdout(void);
/* Today's date in the local time zone (TZ is honoured). */
izin_date izin_today(void);

/* ---- Passphrases (tool_pass.c) ---------------------------------------- */

/* Read a passphrase from the terminal with echo off into a new guarded
 * buffer (*out, its length to *len; free with izin_passphrase_free()).
 * With confirm, ask twice and fail with IZIN_EPASSPHRASE on a mismatch. */
int izin_passphrase_tty(const char *prompt, int confirm, char **out,
                        size_t *len);
/* The first line of a file (without its newline) as the passphrase. */
int izin_passphrase_file(const char *path, char **out, size_t *len);
void izin_passphrase_free(char *pass);

/* ---- Files written whole (tool_atomic.c) ------------------------------ */

/* Write len bytes to path through a temporary file in the same directory
 * and a rename, so that path never holds half a file.  mode is the new
 * file's mode.  Without force an existing path is kept: IZIN_EEXIST. */
int izin_write_atomic(const char *path, const void *buf, size_t len,
                      int mode, int force);

#endif
