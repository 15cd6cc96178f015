/*
 * pipeline.c - screening on every core with the output in input order.
 *
 * The input is read in batches: the lines of one block of input (128 KB, at most
 * PIPELINE_BATCH_LINES lines), left where they lie in the block, never copied one by
 * one. With one thread, the calling thread reads a batch, handles its lines and writes
 * their output, then the next: no other thread, no lock. With N threads a whole batch
 * is the unit of hand-off: the main thread reads batches into a ring of 2N + 2 slots,
 * each worker takes the next batch and writes its lines' output into the batch's own
 * buffers, and the main thread writes the finished batches in input order, one fwrite
 * per batch (split only where a line has a message for stderr). Memory is bounded by
 * the ring, whatever the size of the input. Each worker has its own state (a
 * mesura_scanner and a mesura_redactor over the one shared mesura_policy).
 *
 * Before a read that would wait for a pipe or a terminal, everything read so far is
 * handled, written and flushed: results come out as the input comes in.
 *
 * Counting is done on the main thread from each line's tally as the line is written,
 * so the counts match the output exactly: whichever worker screened a line, however
 * many threads started, and when a line stops the run (--strict).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* Where a line's output ends in its batch's buffers. */
typedef struct line_end {
	size_t out, err, tally;
} line_end;

typedef struct batch {
	strbuf text;              /* the block the lines lie in */
	posts_line *lines;
	line_end *ends;
	size_t n, cap;
	size_t handled;           /* lines handled: n, or up to a line that stopped the run */
	int stopped;              /* the last line handled returned PIPELINE_STOP */
	strbuf out, err, tally;   /* what the lines wrote, one after the other */
	int done;                 /* a worker finished it (under the pool's lock) */
} batch;

typedef struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, finished;
	batch *slots;
	size_t n_slots;
	size_t queued, claimed;   /* batches handed to the workers, and taken by them */
	int quit;
	const pipeline_ops *ops;
	void **workers;
} pool;

typedef struct worker_arg {
	pool *pool;
	unsigned index;
} worker_arg;

/* Handles the lines of a batch with one worker's state, up to a line that stops the
 * run. */
static void process_batch(const pipeline_ops *ops, void *worker, batch *b)
{
	b->out.len = b->err.len = b->tally.len = 0;
	b->stopped = 0;
	for (b->handled = 0; b->handled < b->n && !b->stopped; b->handled++) {
		size_t i = b->handled;
		b->stopped = ops->process(worker, &b->lines[i], &b->out, &b->err, &b->tally) ==
		             PIPELINE_STOP;
		b->ends[i] = (line_end){b->out.len, b->err.len, b->tally.len};
	}
}

/* Reads the next batch into `b`: its number of lines, 0 at the end of the input. Sets
 * *wait when the next read would wait for the input. */
static size_t read_batch(posts_reader *r, batch *b, int *wait)
{
	b->n = 0;
	*wait = 0;
	posts_reader_switch(r, &b->text);
	while (b->n < PIPELINE_BATCH_LINES) {
		posts_line line;
		int rc = posts_reader_next(r, &line);
		if (rc == 0)
			break;
		if (rc < 0)
			continue; /* an unreadable file, reported; go on with the next */
		if (rc == POSTS_WAIT) { /* the caller writes what it has, then reads on */
			*wait = 1;
			break;
		}
		if (rc == POSTS_FULL) {
			if (b->n)
				break;
			posts_reader_switch(r, &b->text); /* only skipped bytes so far: start over */
			continue;
		}
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 256;
			b->lines = tool_xrealloc(b->lines, b->cap * sizeof *b->lines);
			b->ends = tool_xrealloc(b->ends, b->cap * sizeof *b->ends);
		}
		b->lines[b->n++] = line;
	}
	return b->n;
}

/* Writes a handled batch in input order and counts each line written. Returns the
 * lines written. */
static size_t write_batch(const pipeline_ops *ops, void *ctx, const batch *b, FILE *out)
{
	size_t flushed = 0; /* b->out written up to here */
	line_end prev = {0, 0, 0};
	for (size_t i = 0; i < b->handled; i++) {
		const line_end *e = &b->ends[i];
		if (e->err > prev.err) { /* keep the message next to the output it concerns */
			fwrite(b->out.data + flushed, 1, prev.out - flushed, out);
			flushed = prev.out;
			fflush(out);
			fwrite(b->err.data + prev.err, 1, e->err - prev.err, stderr);
		}
		if (ops->written)
			ops->written(ctx, b->tally.data + prev.tally, e->tally - prev.tally);
		prev = *e;
	}
	fwrite(b->out.data + flushed, 1, prev.out - flushed, out);
	return b->handled;
}

/* What follows a written batch: 0 to go on, -1 to end the run (stopped, or the output
 * failed). */
static int after_batch(const pipeline_ops *ops, void *ctx, posts_reader *r, const batch *b,
                       size_t written, FILE *out, pipeline_result *result)
{
	if (ferror(out)) {
		result->write_failed = 1;
		return -1;
	}
	if (ops->batch_done)
		ops->batch_done(ctx, r, written);
	result->stopped = b->stopped;
	return b->stopped ? -1 : 0;
}

static void free_batch(batch *b)
{
	strbuf_free(&b->text);
	strbuf_free(&b->out);
	strbuf_free(&b->err);
	strbuf_free(&b->tally);
	free(b->lines);
	free(b->ends);
}

/* ------------------------------------------------------------ one thread */

static void run_here(posts_reader *r, const pipeline_ops *ops, void *ctx, FILE *out,
                     pipeline_result *result)
{
	void *worker = ops->worker_new(ctx, 0);
	batch b;
	memset(&b, 0, sizeof b);
	result->threads = 1;
	for (;;) {
		int wait;
		size_t n = read_batch(r, &b, &wait);
		if (n) {
			process_batch(ops, worker, &b);
			if (after_batch(ops, ctx, r, &b, write_batch(ops, ctx, &b, out), out, result))
				break;
		}
		if (wait)
			fflush(out); /* before waiting for more input */
		else if (!n)
			break;
	}
	posts_reader_switch(r, NULL); /* the batch's buffer is about to go */
	free_batch(&b);
	ops->worker_free(worker);
}

/* ------------------------------------------------------------ N threads */

static void *worker_main(void *arg)
{
	worker_arg *a = arg;
	pool *p = a->pool;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->claimed == p->queued)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		batch *b = &p->slots[p->claimed++ % p->n_slots];
		pthread_mutex_unlock(&p->mu);
		process_batch(p->ops, p->workers[a->index], b);
		pthread_mutex_lock(&p->mu);
		b->done = 1;
		pthread_cond_signal(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void queue_batch(pool *p, batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->done = 0;
	p->queued++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

static void wait_done(pool *p, const batch *b)
{
	pthread_mutex_lock(&p->mu);
	while (!b->done)
		pthread_cond_wait(&p->finished, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* pthread_create, except that the first MESURA_TEST_THREAD_FAILURES calls fail (tests
 * only: a thread that cannot start is hard to provoke otherwise). */
static int create_thread(pthread_t *tid, worker_arg *arg, unsigned long *test_failures)
{
	if (*test_failures > 0) {
		--*test_failures;
		return EAGAIN;
	}
	return pthread_create(tid, NULL, worker_main, arg);
}

/* Starts up to `threads` workers; returns how many started. A worker that cannot start
 * is not fatal while another one runs: the others take its share of the work. */
static unsigned start_workers(pool *p, unsigned threads, pthread_t *tids, worker_arg *args)
{
	const char *env = getenv("MESURA_TEST_THREAD_FAILURES");
	unsigned long test_failures = env ? strtoul(env, NULL, 10) : 0;
	unsigned started = 0;
	for (unsigned w = 0; w < threads; w++) {
		args[started] = (worker_arg){p, started};
		if (create_thread(&tids[started], &args[started], &test_failures) == 0)
			started++;
	}
	if (started < threads)
		fprintf(stderr, "%s: %u of %u worker threads could not start; going on with %u\n",
		        tool_name, threads - started, threads, started);
	return started;
}

static void stop_workers(pool *p, unsigned started, pthread_t *tids)
{
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned w = 0; w < started; w++)
		pthread_join(tids[w], NULL);
}

/* The main thread's loop: write the oldest batch once it is done, else read another
 * while a slot is free, else wait. */
static void feed_workers(pool *p, posts_reader *r, void *ctx, FILE *out,
                         pipeline_result *result)
{
	size_t read = 0, written = 0; /* batches read into the ring, written from it */
	int at_end = 0, draining = 0;
	for (;;) {
		batch *oldest = &p->slots[written % p->n_slots];
		if (written < read) {
			pthread_mutex_lock(&p->mu);
			int done = oldest->done;
			pthread_mutex_unlock(&p->mu);
			if (done) {
				size_t lines = write_batch(p->ops, ctx, oldest, out);
				written++;
				if (after_batch(p->ops, ctx, r, oldest, lines, out, result))
					return;
				continue;
			}
		} else if (draining) { /* all written: flush before waiting for the input */
			fflush(out);
			draining = 0;
		}
		if (!at_end && !draining && read - written < p->n_slots) {
			int wait;
			batch *b = &p->slots[read % p->n_slots];
			if (read_batch(r, b, &wait)) {
				queue_batch(p, b);
				read++;
			} else if (!wait) {
				at_end = 1;
			}
			draining = wait;
			continue;
		}
		if (written == read)
			return; /* at the end, all written */
		wait_done(p, oldest);
	}
}

static void run_threads(posts_reader *r, unsigned threads, const pipeline_ops *ops, void *ctx,
                        FILE *out, pipeline_result *result)
{
	pool p = {.ops = ops, .n_slots = 2 * (size_t)threads + 2};
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.finished, NULL);
	p.slots = tool_xmalloc(p.n_slots * sizeof *p.slots);
	memset(p.slots, 0, p.n_slots * sizeof *p.slots);
	p.workers = tool_xmalloc(threads * sizeof *p.workers);
	for (unsigned w = 0; w < threads; w++)
		p.workers[w] = ops->worker_new(ctx, w);
	pthread_t *tids = tool_xmalloc(threads * sizeof *tids);
	worker_arg *args = tool_xmalloc(threads * sizeof *args);
	/* Worker i runs with state i: states past `started` are never used. */
	unsigned started = start_workers(&p, threads, tids, args);
	result->threads = started;
	if (started)
		feed_workers(&p, r, ctx, out, result);
	stop_workers(&p, started, tids); /* after the batches in flight, if the run stopped */
	posts_reader_switch(r, NULL);    /* the batches' buffers are about to go */
	for (size_t i = 0; i < p.n_slots; i++)
		free_batch(&p.slots[i]);
	for (unsigned w = 0; w < threads; w++)
		ops->worker_free(p.workers[w]);
	free(p.slots);
	free(p.workers);
	free(tids);
	free(args);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.finished);
}

int pipeline_run(posts_reader *r, unsigned threads, const pipeline_ops *ops, void *ctx,
                 FILE *out, pipeline_result *result)
{
	*result = (pipeline_result){0};
	if (threads <= 1)
		run_here(r, ops, ctx, out, result);
	else
		run_threads(r, threads, ops, ctx, out, result);
	if (fflush(out) != 0)
		result->write_failed = 1;
	if (result->threads == 0)
		fprintf(stderr, "%s: cannot start a worker thread\n", tool_name);
	return result->threads == 0 || result->write_failed ? -1 : 0;
}
