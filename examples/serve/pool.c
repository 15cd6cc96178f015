/*
 * pool.c - the worker threads and their bounded queue. A full queue refuses the job at
 * once (the router answers 503) rather than letting requests wait without bound.
 */
#include <stdlib.h>

#include "serve.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static job **ring;          /* queued jobs, oldest at `head` */
static size_t cap, head, count, reserved;
static int stopping;
static pthread_t *threads;
static unsigned n_threads;

static job *next_job(void)
{
	pthread_mutex_lock(&lock);
	while (count == 0 && !stopping)
		pthread_cond_wait(&work, &lock);
	job *j = NULL;
	if (count) { /* queued jobs are done even when stopping: SIGTERM drains */
		j = ring[head];
		head = (head + 1) % cap;
		count--;
	}
	pthread_mutex_unlock(&lock);
	return j;
}

static void *worker_main(void *arg)
{
	worker_state *w = arg;
	for (job *j; (j = next_job()) != NULL;) {
		handle_job(w, j);
		router_job_done(j);
	}
	worker_state_free(w);
	return NULL;
}

int pool_start(const serve_options *opts)
{
	cap = opts->queue;
	ring = tool_xmalloc(cap * sizeof *ring);
	threads = tool_xmalloc(opts->threads * sizeof *threads);
	for (unsigned i = 0; i < opts->threads; i++) {
		worker_state *w = worker_state_new(opts);
		if (!w || pthread_create(&threads[n_threads], NULL, worker_main, w) != 0) {
			worker_state_free(w);
			break;
		}
		n_threads++;
	}
	if (n_threads == 0) {
		fprintf(stderr, "%s: cannot start a worker thread\n", tool_name);
		return -1;
	}
	return 0;
}

int pool_reserve(void)
{
	pthread_mutex_lock(&lock);
	int full = count + reserved == cap || stopping;
	if (!full)
		reserved++;
	pthread_mutex_unlock(&lock);
	return full ? -1 : 0;
}

unsigned pool_queued(void)
{
	pthread_mutex_lock(&lock);
	unsigned n = (unsigned)count;
	pthread_mutex_unlock(&lock);
	return n;
}

void pool_submit(job *j)
{
	pthread_mutex_lock(&lock);
	reserved--;
	ring[(head + count) % cap] = j;
	count++;
	pthread_cond_signal(&work);
	pthread_mutex_unlock(&lock);
}

void pool_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&work);
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < n_threads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	free(ring);
}
