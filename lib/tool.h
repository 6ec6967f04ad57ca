/*
 * tool.h - what the izin commands share for their own I/O, built into
 * libizintool.a over libizin.a.  Unlike the library (izin.h), which never
 * prints, exits, reads the clock or touches the terminal, these functions
 * print diagnostics on stderr, exit on usage errors, read today's date and
 * ask for passphrases.  Not installed, not part of the library's API.
 */
#ifndef IZIN_TOOL_H
#define IZIN_TOOL_H

#include <libintl.h>
#include <stdint.h>
#include <stdio.h>

#include "izin.h"

/* ---- Messages in the user's language ------------------------------------
 * Text for people goes through gettext (text domain "izin"): _() at the
 * point of use, N_() to mark a string in a table translated later.  The
 * format strings given to izin_warnx(), izin_warn(), izin_errx(),
 * izin_usage() and izin_help() are translated by those functions, so they
 * need no _().  Column names, status words and exit codes are never
 * translated: scripts read them. */
#define _(s) gettext(s)
#define N_(s) (s)

/* ---- Diagnostics and options (tool_diag.c) ----------------------------- */

/* Set the program name used in messages (from argv[0]), and the
 * language of messages from the environment (LC_ALL, LC_MESSAGES, LANG,
 * LANGUAGE): only LC_MESSAGES and LC_CTYPE follow the locale, so numbers
 * in records keep their "." whatever the language.  The catalogues are
 * read from IZIN_LOCALEDIR when it is set, else from the installed
 * LOCALEDIR.  Call first in main(). */
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
/* An option's date (YYYY-MM-DD, 1900-2199), or exit(2) naming the
 * option. */
izin_date izin_date_arg(const char *opt, const char *s);
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
/* Write len bytes to path as izin_write_atomic() does (mode 0644), or to
 * stdout when path is NULL; exit(2) naming the file when it fails. */
void izin_write_output(const char *path, const void *buf, size_t len,
                       int force);

/* ---- Files (tool_file.c) ------------------------------------------------ */

/* Read all of fp into a new buffer with a NUL after it (*out, *len; the
 * caller frees).  A regular file's buffer is sized from its length, other
 * streams grow as they are read; neither ever holds more than max bytes.
 * IZIN_ELENGTH when there are more, IZIN_ENOMEM, or IZIN_EIO (errno set). */
int izin_read_stream(FILE *fp, size_t max, char **out, size_t *len);
/* The whole file at path ("-": standard input) of at most max bytes, in
 * a new buffer the caller frees; exits with status 2 and a message naming
 * the file ("too large", or why it cannot be read) when it cannot. */
char *izin_slurp(const char *path, size_t max, size_t *len);

/* ---- Keys (tool_key.c) ------------------------------------------------- */

/* Load a secret key file, asking for its passphrase only when it has one:
 * read from passfile, or with passfile NULL from the terminal.  Exits with
 * status 2 and a message naming the file when the key cannot be loaded. */
izin_seckey *izin_load_seckey(const char *keyfile, const char *passfile);
/* Write sk to a new secret key file at path, mode 0600, whole or not at
 * all (izin_write_atomic()), sealed with the passphrase pass (passlen
 * bytes) or in the clear when pass is NULL; the file's text is wiped.
 * IZIN_OK, or IZIN_EEXIST when path exists and force is 0; exits with
 * status 2 and a message naming the file on any other failure. */
int izin_save_seckey(const char *path, const izin_seckey *sk,
                     const char *pass, size_t passlen, int force);
/* Load a trust store or .pub file (izin_trust_load()) into t; exits with
 * status 2 and a message naming the file and line when it cannot. */
void izin_load_trust(izin_trust *t, const char *path);

/* ---- Trust-list state (tool_trust.c) ---------------------------------- */

/* Rollback protection: the state folder dir keeps, per root key id, the
 * highest sequence number accepted and a BLAKE2b hash of that list, in a
 * file dir/trust-KID.  Check a verified list against it: IZIN_OK for a
 * newer list or the same one again, IZIN_EROLLBACK for an older one,
 * IZIN_ESEQ for the same number with other text (the number held goes to
 * *held, 0 when none); IZIN_ELIST for a malformed state file. */
int izin_trust_state_check(const char *dir, const izin_trustlist_info *info,
                           const char *text, size_t len,
                           unsigned long *held);
/* Record a list as accepted (atomically, mode 0644). */
int izin_trust_state_save(const char *dir, const izin_trustlist_info *info,
                          const char *text, size_t len);

/* ---- Ordered worker pool (tool_pool.c) --------------------------------- */

/* Jobs in, results out in input order: work() runs each job on one of N
 * threads, done() then gets the jobs back one by one, in the order they
 * were pushed, on the caller's thread (so output needs no lock).  At most
 * `window` jobs are pushed and not yet handed to done(), which bounds
 * memory for any number of jobs.  done() returning nonzero stops the pool:
 * jobs not yet started are not worked but still handed to done() with
 * worked 0 (so the caller can free them; its return value is then
 * ignored). */
typedef struct izin_pool izin_pool;
typedef void izin_pool_work(void *job, void *arg);
typedef int izin_pool_done(void *job, int worked, void *arg);

/* A pool of nthreads threads (at most 64; with 1, or when no thread can
 * be started, jobs run on the caller's thread when pushed).  NULL when out
 * of memory.  Free with izin_pool_free(). */
izin_pool *izin_pool_new(int nthreads, size_t window, izin_pool_work *work,
                         izin_pool_done *done, void *arg);
/* Push one job.  When the window is full, first waits for the oldest job
 * and hands it to done() (so results come out at the same points whatever
 * the threads' timing).  0, or the nonzero value with which done() stopped
 * the pool (this job is then still queued, and handed to done() with
 * worked 0). */
int izin_pool_push(izin_pool *p, void *job);
/* Wait for every job pushed and hand each to done(), in order.  0, or the
 * nonzero value with which done() stopped the pool. */
int izin_pool_drain(izin_pool *p);
/* Drain, stop the threads and free the pool.  NULL does nothing. */
void izin_pool_free(izin_pool *p);

/* ---- Log locations (tool_log.c) ---------------------------------------- */

/* Room for a location as izin_log_show() gives it to a message. */
#define IZIN_SHOW_MAX 512
/* Why a call on a log failed with err, for a message (lg may be NULL). */
const char *izin_log_reason(const izin_log *lg, int err);
/* Open a log location (izin_log_open()), or exit with status 2 and a
 * message "WHAT LOCATION: why" that shows the location as
 * izin_log_show() does. */
izin_log *izin_open_location(const char *what, const char *location,
                             int mode);

/* ---- Progress on a terminal (tool_progress.c) -------------------------- */

/* One line on stderr, redrawn in place at most 4 times a second:
 *   qr-scan: 1,234 of 5,000 images, 210/s, 0:18 left
 * drawn only when stderr is a terminal, quiet is 0 and the run has lasted
 * 2 seconds (IZIN_PROGRESS_AFTER seconds when set, for tests: 0 draws at
 * the first tick).  Messages through izin_warnx() and the rest erase it
 * first.  Every function takes NULL and then does nothing, so a tool
 * calls them whether a line is drawn or not. */
typedef struct izin_progress izin_progress;

/* A meter of unit (a plural noun marked N_(), e.g. N_("images")) out of
 * total (0: not known); NULL when nothing is to be drawn. */
izin_progress *izin_progress_start(const char *unit, uint64_t total,
                                   int quiet);
/* The total, once known. */
void izin_progress_total(izin_progress *p, uint64_t total);
/* Measure how far the run is by bytes: pos(arg) of size (a regular
 * file's), asked only when the line is redrawn; gives time left when the
 * total count is not known. */
void izin_progress_bytes(izin_progress *p, uint64_t size,
                         uint64_t (*pos)(void *arg), void *arg);
/* done items so far: cheap enough for every item (the clock is read only
 * every so many calls). */
void izin_progress_tick(izin_progress *p, uint64_t done);
/* Erase the line and free p. */
void izin_progress_end(izin_progress *p);
/* For tests: a meter drawing on fp whatever it is, after after_ms, with
 * clock(arg) as the time in milliseconds (NULL: the monotonic clock). */
izin_progress *izin_progress_new(FILE *fp, const char *unit, uint64_t total,
                                 uint64_t after_ms,
                                 uint64_t (*clock)(void *arg), void *arg);
/* The line's text into buf (of size bytes; its length returned): done of
 * total (0: not known) units ms milliseconds into the run, frac the part
 * of the run done when measured otherwise (-1: not). */
size_t izin_progress_format(char *buf, size_t size, const char *prog,
                            const char *unit, uint64_t done, uint64_t total,
                            double frac, uint64_t ms);
/* Called by the messages before (0) and after (1) each is printed:
 * the progress line's eraser, set by the first meter. */
extern void (*izin_diag_hook)(int after);

#endif
