/*
 * The tool layer's ordered worker pool: results in input order whatever
 * the threads' timing, never more than the window in flight, and a clean
 * stop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "check_util.h"
#include "tool.h"

#define NJOBS 2000

struct job {
	size_t seq;
	unsigned delay;       /* microseconds of "work" */
	int worked;
	unsigned long square;
};

struct ctx {
	pthread_mutex_t lock;
	size_t window, pushed, delivered, inflight_max, nworked;
	size_t stop_at;       /* done() returns 1 for this seq (0: never) */
	size_t *order;
	size_t skipped;
};

static void
work(void *arg, void *c_)
{
	struct job *j = arg;
	struct ctx *c = c_;
	struct timespec ts = { 0, (long)j->delay * 1000 };

	nanosleep(&ts, NULL);
	j->square = (unsigned long)j->seq * j->seq;
	pthread_mutex_lock(&c->lock);
	c->nworked++;
	pthread_mutex_unlock(&c->lock);
}

static int
done(void *arg, int worked, void *c_)
{
	struct job *j = arg;
	struct ctx *c = c_;

	/* Jobs pushed and not yet delivered, this one too: the window. */
	if (c->pushed - c->delivered > c->inflight_max)
		c->inflight_max = c->pushed - c->delivered;
	c->order[c->delivered++] = j->seq;
	j->worked = worked;
	if (worked)
		ck_assert_uint_eq(j->square, (unsigned long)j->seq * j->seq);
	else
		c->skipped++;
	return worked && c->stop_at && j->seq == c->stop_at;
}

static void
run(int nthreads, size_t window, size_t stop_at, struct job *jobs,
    struct ctx *c, int *stop_rc)
{
	izin_pool *p;
	int rc = 0, r;

	c->window = window;
	c->stop_at = stop_at;
	c->pushed = c->delivered = c->inflight_max = c->nworked = 0;
	c->skipped = 0;
	ck_assert_ptr_nonnull(c->order = calloc(NJOBS, sizeof *c->order));
	srand(nthreads * 7919 + (int)window);
	for (size_t i = 0; i < NJOBS; i++) {
		jobs[i].seq = i;
		jobs[i].delay = (unsigned)(rand() % 200);
		jobs[i].worked = -1;
	}
	p = izin_pool_new(nthreads, window, work, done, c);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < NJOBS; i++) {
		if ((r = izin_pool_push(p, &jobs[i])) && !rc)
			rc = r;
		c->pushed++;
	}
	if ((r = izin_pool_drain(p)) && !rc)
		rc = r;
	izin_pool_free(p);
	*stop_rc = rc;
}

static void
check_ordered(int nthreads, size_t window)
{
	static struct job jobs[NJOBS];
	struct ctx c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	int rc;

	run(nthreads, window, 0, jobs, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(c.delivered, NJOBS);
	ck_assert_uint_eq(c.nworked, NJOBS);
	for (size_t i = 0; i < NJOBS; i++) {
		ck_assert_uint_eq(c.order[i], i);
		ck_assert_int_eq(jobs[i].worked, 1);
	}
	/* Results come out only when the window is full: at fixed points. */
	ck_assert_uint_eq(c.inflight_max, window);
	free(c.order);
}

START_TEST(test_order_threads)
{
	check_ordered(8, 32);
}
END_TEST

START_TEST(test_order_small_window)
{
	/* A window smaller than the threads: still in order, still bounded. */
	check_ordered(8, 3);
}
END_TEST

START_TEST(test_order_window_one)
{
	check_ordered(4, 1);
}
END_TEST

START_TEST(test_order_inline)
{
	/* One thread: jobs run on the caller's thread as they are pushed. */
	check_ordered(1, 16);
}
END_TEST

START_TEST(test_stop)
{
	static struct job jobs[NJOBS];
	struct ctx c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	size_t stop = 100;
	int rc;

	run(8, 16, stop, jobs, &c, &rc);
	ck_assert_int_eq(rc, 1);
	/* Every job still comes back once, in order, so it can be freed. */
	ck_assert_uint_eq(c.delivered, NJOBS);
	for (size_t i = 0; i < NJOBS; i++)
		ck_assert_uint_eq(c.order[i], i);
	/* Jobs before the stop were all worked; only jobs already in flight
	 * after it may still have run, no more than a window of them. */
	for (size_t i = 0; i <= stop; i++)
		ck_assert_int_eq(jobs[i].worked, 1);
	ck_assert_uint_le(c.nworked, stop + 1 + 16);
	ck_assert_uint_eq(c.skipped, NJOBS - c.nworked);
	free(c.order);
}
END_TEST

START_TEST(test_empty)
{
	izin_pool *p = izin_pool_new(4, 8, work, done, NULL);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(izin_pool_drain(p), 0);
	izin_pool_free(p);
	izin_pool_free(NULL);
}
END_TEST

static Suite *
pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_order_threads);
	tcase_add_test(tc, test_order_small_window);
	tcase_add_test(tc, test_order_window_one);
	tcase_add_test(tc, test_order_inline);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(pool_suite)
