/*
 * log_query - what report-log's --trail and --last-seen --permit cost
 * inside one process, without its start-up: the median of many runs of
 * each query on one permit, in microseconds.
 * Usage: log_query db permit [runs]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "izin.h"

static int
count(void *arg, const izin_record *r)
{
	(void)r;
	(*(long *)arg)++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Median time of one query; the rows it gave to *rows. */
static double
median(izin_log *lg, int what, const char *permit, int runs, long *rows)
{
	izin_log_query q = { what, permit, INT64_MIN, INT64_MAX, 0, NULL,
	                     count, rows };
	double *t = malloc((size_t)runs * sizeof(*t)), m;

	for (int i = 0; i < runs; i++) {
		double t0 = now_us();
		*rows = 0;
		if (izin_log_run(lg, &q) != IZIN_OK) {
			fprintf(stderr, "log_query: %s\n", izin_log_errmsg(lg));
			exit(2);
		}
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp);
	m = t[runs / 2];
	free(t);
	return m;
}

int
main(int argc, char *argv[])
{
	izin_log *lg;
	int runs = argc > 3 ? atoi(argv[3]) : 101;
	long trail, last;
	double tt, tl;

	if (argc < 3 || runs < 1) {
		fprintf(stderr, "usage: log_query db permit [runs]\n");
		return 2;
	}
	if (izin_init() != IZIN_OK ||
	    izin_log_open(argv[1], IZIN_LOG_READ, &lg) != IZIN_OK) {
		fprintf(stderr, "log_query: %s: cannot open\n", argv[1]);
		return 2;
	}
	tt = median(lg, IZIN_LOG_TRAIL, argv[2], runs, &trail);
	tl = median(lg, IZIN_LOG_LAST_SEEN, argv[2], runs, &last);
	printf("%.0f %ld %.0f %ld\n", tt, trail, tl, last);
	izin_log_close(lg);
	return 0;
}
