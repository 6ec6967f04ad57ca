/*
 * An ordered worker pool: jobs worked on N threads, handed back in the
 * order they came in, with at most a window of them in flight.
 */
#include <pthread.h>
#include <stdlib.h>

#include "tool.h"

#define POOL_THREADS_MAX 64

enum { QUEUED, RUNNING, FINISHED };

struct slot {
	void *job;
	int state, worked;
};

/* Jobs are numbered as pushed; job k lives in slot k % window.  head is
 * the oldest not yet handed to done(), next the oldest not yet started,
 * tail the number pushed: head <= next <= tail <= head + window. */
struct izin_pool {
	struct slot *slots;
	size_t window, head, next, tail;
	izin_pool_work *work;
	izin_pool_done *done;
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t queued, finished;
	pthread_t tid[POOL_THREADS_MAX];
	int nthreads, quit, stop;
};

static void *
worker(void *arg)
{
	izin_pool *p = arg;
	struct slot *s;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->next == p->tail && !p->quit)
			pthread_cond_wait(&p->queued, &p->lock);
		if (p->next == p->tail)
			break;
		s = &p->slots[p->next++ % p->window];
		s->state = RUNNING;
		s->worked = !p->stop;
		pthread_mutex_unlock(&p->lock);
		if (s->worked)
			p->work(s->job, p->arg);
		pthread_mutex_lock(&p->lock);
		s->state = FINISHED;
		pthread_cond_broadcast(&p->finished);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

izin_pool *
izin_pool_new(int nthreads, size_t window, izin_pool_work *work,
              izin_pool_done *done, void *arg)
{
	izin_pool *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	if (window == 0)
		window = 1;
	if ((p->slots = calloc(window, sizeof *p->slots)) == NULL) {
		free(p);
		return NULL;
	}
	p->window = window;
	p->work = work, p->done = done, p->arg = arg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->queued, NULL);
	pthread_cond_init(&p->finished, NULL);
	if (nthreads > POOL_THREADS_MAX)
		nthreads = POOL_THREADS_MAX;
	/* One thread would only take turns with the caller: run inline. */
	for (int i = 0; nthreads > 1 && i < nthreads; i++)
		if (pthread_create(&p->tid[p->nthreads], NULL, worker, p) == 0)
			p->nthreads++;
	return p;
}

/* Wait for the oldest job and hand it to done().  Called with the lock. */
static void
deliver(izin_pool *p)
{
	struct slot *s = &p->slots[p->head % p->window];
	int rc;

	while (s->state != FINISHED)
		pthread_cond_wait(&p->finished, &p->lock);
	p->head++;
	pthread_mutex_unlock(&p->lock);
	rc = p->done(s->job, s->worked, p->arg);
	pthread_mutex_lock(&p->lock);
	if (rc && s->worked && !p->stop)
		p->stop = rc;
}

int
izin_pool_push(izin_pool *p, void *job)
{
	struct slot *s;
	int stop;

	pthread_mutex_lock(&p->lock);
	if (p->tail - p->head == p->window)
		deliver(p);
	s = &p->slots[p->tail % p->window];
	s->job = job;
	s->state = QUEUED;
	if (p->nthreads == 0) {
		s->worked = !p->stop;
		p->next++;
		pthread_mutex_unlock(&p->lock);
		if (s->worked)
			p->work(job, p->arg);
		pthread_mutex_lock(&p->lock);
		s->state = FINISHED;
	}
	p->tail++;
	pthread_cond_signal(&p->queued);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop;
}

int
izin_pool_drain(izin_pool *p)
{
	int stop;

	pthread_mutex_lock(&p->lock);
	while (p->head < p->tail)
		deliver(p);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop;
}

void
izin_pool_free(izin_pool *p)
{
	if (p == NULL)
		return;
	izin_pool_drain(p);
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->queued);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->tid[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->queued);
	pthread_cond_destroy(&p->finished);
	free(p->slots);
	free(p);
}
