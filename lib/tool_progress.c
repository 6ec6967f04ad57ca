/*
 * A progress line on a terminal: count, total, rate and time left of a
 * long run, redrawn in place on stderr.  Nothing is drawn unless stderr
 * is a terminal and the run has lasted a while, so pipes, logs and tests
 * see the same bytes as before; messages erase the line first (the hook
 * in tool_diag.c), so a warning never shares a line with it.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

/* Redraws at most this often (4 a second). */
#define REDRAW_MS 250
/* How often the clock is read: after `stride` ticks, the stride doubled
 * while reads come faster than FAST_MS apart and halved when slower than
 * SLOW_MS, so a tick is a counter compare for a fast loop and a slow one
 * is still seen in time. */
#define FAST_MS 20
#define SLOW_MS 100
#define STRIDE_MAX 65536

struct izin_progress {
	FILE *fp;
	const char *unit;
	uint64_t total, done;
	uint64_t size;                  /* bytes measure: 0 when none */
	uint64_t (*pos)(void *arg);
	void *posarg;
	uint64_t (*clock)(void *arg);   /* milliseconds */
	void *clockarg;
	uint64_t start, after, last_read, last_draw;
	unsigned stride, countdown;
	size_t width;                   /* at most this many bytes a line */
	int drawn, drew;
};

/* The one line on the terminal, if any, and the lock that keeps a
 * message from another thread off it. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static izin_progress *shown;

static void
erase_hook(int after)
{
	if (after) {
		pthread_mutex_unlock(&lock);
		return;
	}
	pthread_mutex_lock(&lock);
	if (shown != NULL && shown->drawn) {
		fputs("\r\033[K", shown->fp);
		fflush(shown->fp);
		shown->drawn = 0;
	}
}

static uint64_t
monotonic_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* v with a comma between thousands, into buf (at least 32 bytes). */
static const char *
grouped(char *buf, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
	return buf;
}

/* Seconds as M:SS, or H:MM:SS from an hour. */
static void
clock_text(char *buf, size_t size, uint64_t s)
{
	if (s >= 3600)
		snprintf(buf, size, "%llu:%02u:%02u",
		         (unsigned long long)(s / 3600),
		         (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(buf, size, "%u:%02u", (unsigned)(s / 60),
		         (unsigned)(s % 60));
}

/* Append to buf, never beyond size. */
static void
append(char *buf, size_t size, const char *fmt, const char *arg)
{
	size_t n = strlen(buf);

	if (n + 1 < size)
		snprintf(buf + n, size - n, fmt, arg);
}

size_t
izin_progress_format(char *buf, size_t size, const char *prog,
                     const char *unit, uint64_t done, uint64_t total,
                     double frac, uint64_t ms)
{
	char d[32], t[32], r[40], left[40];

	if (size == 0)
		return 0;
	/* TRANSLATORS: a progress line: program, items done, items in all
	 * and what they are ("images", "records"...). */
	if (total > 0)
		snprintf(buf, size, _("%s: %s of %s %s"), prog,
		         grouped(d, done), grouped(t, total), _(unit));
	else
		snprintf(buf, size, _("%s: %s %s"), prog, grouped(d, done),
		         _(unit));
	if (ms == 0)
		return strlen(buf);
	/* Under 10 a second, a tenth tells more than a whole. */
	if (done * 1000 / ms < 10)
		snprintf(r, sizeof r, "%.1f", (double)done * 1000 / (double)ms);
	else
		grouped(r, done * 1000 / ms);
	/* TRANSLATORS: items a second, then time left as M:SS. */
	append(buf, size, _(", %s/s"), r);
	if (total > 0 && frac < 0)
		frac = done >= total ? 1 : (double)done / (double)total;
	if (frac > 0 && frac <= 1) {
		double s = (double)ms / 1000 * (1 - frac) / frac;
		clock_text(left, sizeof left, s > 359999 ? 359999 :
		           (uint64_t)(s + 0.5));
		append(buf, size, _(", %s left"), left);
	}
	return strlen(buf);
}

izin_progress *
izin_progress_new(FILE *fp, const char *unit, uint64_t total,
                  uint64_t after_ms, uint64_t (*clock)(void *), void *arg)
{
	izin_progress *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->fp = fp;
	p->unit = unit;
	p->total = total;
	p->clock = clock ? clock : monotonic_ms;
	p->clockarg = arg;
	p->after = after_ms;
	p->start = p->last_read = p->clock(p->clockarg);
	p->stride = p->countdown = 1;
	p->width = 200;
	izin_diag_hook = erase_hook;
	return p;
}

izin_progress *
izin_progress_start(const char *unit, uint64_t total, int quiet)
{
	const char *env = getenv("IZIN_PROGRESS_AFTER");
	long after = 2;
	struct winsize ws;
	izin_progress *p;

	if (quiet || !isatty(STDERR_FILENO))
		return NULL;
	if (env != NULL && *env != '\0' &&
	    izin_parse_long(env, 0, 86400, &after) != IZIN_OK)
		after = 2;
	if ((p = izin_progress_new(stderr, unit, total,
	    (uint64_t)after * 1000, NULL, NULL)) == NULL)
		return NULL;        /* no line is no harm */
	/* A line as wide as the terminal would wrap, and \r then redraws
	 * only its last row. */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    ws.ws_col - 1 < (int)p->width)
		p->width = (size_t)ws.ws_col - 1;
	return p;
}

void
izin_progress_total(izin_progress *p, uint64_t total)
{
	if (p != NULL)
		p->total = total;
}

void
izin_progress_bytes(izin_progress *p, uint64_t size,
                    uint64_t (*pos)(void *arg), void *arg)
{
	if (p == NULL)
		return;
	p->size = pos != NULL ? size : 0;
	p->pos = pos;
	p->posarg = arg;
}

static void
draw(izin_progress *p, uint64_t now)
{
	char line[256];
	double frac = -1;
	size_t n;

	if (p->size > 0) {
		uint64_t at = p->pos(p->posarg);
		frac = at >= p->size ? 1 : (double)at / (double)p->size;
	}
	n = izin_progress_format(line, sizeof line, izin_getprogname(),
	                         p->unit, p->done, p->total, frac,
	                         now - p->start);
	if (n > p->width)
		line[p->width] = '\0';
	pthread_mutex_lock(&lock);
	shown = p;
	fprintf(p->fp, "\r%s\033[K", line);
	fflush(p->fp);
	p->drawn = p->drew = 1;
	p->last_draw = now;
	pthread_mutex_unlock(&lock);
}

void
izin_progress_tick(izin_progress *p, uint64_t done)
{
	uint64_t now;

	if (p == NULL)
		return;
	p->done = done;
	if (--p->countdown > 0)
		return;
	now = p->clock(p->clockarg);
	if (now - p->last_read < FAST_MS && p->stride < STRIDE_MAX)
		p->stride *= 2;
	else if (now - p->last_read > SLOW_MS && p->stride > 1)
		p->stride /= 2;
	p->countdown = p->stride;
	p->last_read = now;
	if (now - p->start < p->after ||
	    (p->drew && now - p->last_draw < REDRAW_MS))
		return;
	draw(p, now);
}

void
izin_progress_end(izin_progress *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&lock);
	if (p->drawn) {
		fputs("\r\033[K", p->fp);
		fflush(p->fp);
	}
	if (shown == p)
		shown = NULL;
	pthread_mutex_unlock(&lock);
	free(p);
}
