/*
 * pipeline.c - screening on every core with the output in input order.
 *
 * The main thread reads lines into a batch (at most PIPELINE_BATCH_LINES lines or
 * PIPELINE_BATCH_BYTES bytes) and hands it to the workers, which claim small chunks
 * of it and write each line's output into their own buffer. While they work, the main
 * thread reads the next batch; when they are done it writes the batch's outputs in
 * input order. Two batches are alive at a time, so memory stays bounded whatever the
 * size of the input. Each worker has its own state (a mesura_scanner and a
 * mesura_redactor over the one shared mesura_policy).
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

#define CHUNK 16 /* lines a worker claims at a time */

typedef struct item {
	const char *source;
	unsigned long line;
	posts_format format;
	int too_long, blank;
	size_t off, len;          /* the line's bytes in batch.text */
	unsigned worker;          /* whose buffers hold its output */
	size_t out_off, out_len, err_off, err_len, tally_off, tally_len;
	int stop;                 /* process() returned PIPELINE_STOP */
} item;

typedef struct batch {
	item *items;
	size_t n, cap;
	strbuf text;
	strbuf *out, *err, *tally; /* one of each per worker */
	size_t next, done;        /* lines claimed, lines finished */
} batch;

typedef struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, finished;
	batch *current;
	int quit;
	const pipeline_ops *ops;
	void **workers;
} pool;

typedef struct worker_arg {
	pool *pool;
	unsigned index;
} worker_arg;

static void process_chunk(pool *p, batch *b, unsigned w, size_t from, size_t to)
{
	strbuf *out = &b->out[w], *err = &b->err[w], *tally = &b->tally[w];
	for (size_t i = from; i < to; i++) {
		item *it = &b->items[i];
		posts_line line = {it->source, it->line,     it->format, b->text.data + it->off,
		                   it->len,    it->too_long, it->blank};
		it->worker = w;
		it->out_off = out->len;
		it->err_off = err->len;
		it->tally_off = tally->len;
		it->stop = p->ops->process(p->workers[w], &line, out, err, tally) == PIPELINE_STOP;
		it->out_len = out->len - it->out_off;
		it->err_len = err->len - it->err_off;
		it->tally_len = tally->len - it->tally_off;
	}
}

static void *worker_main(void *arg)
{
	worker_arg *a = arg;
	pool *p = a->pool;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && (!p->current || p->current->next >= p->current->n))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		batch *b = p->current;
		size_t from = b->next, to = from + CHUNK < b->n ? from + CHUNK : b->n;
		b->next = to;
		pthread_mutex_unlock(&p->mu);
		process_chunk(p, b, a->index, from, to);
		pthread_mutex_lock(&p->mu);
		b->done += to - from;
		if (b->done == b->n)
			pthread_cond_signal(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Reads the next batch; returns the number of lines. */
static size_t read_batch(posts_reader *r, batch *b)
{
	b->n = 0;
	b->text.len = 0;
	posts_line line;
	int rc;
	while (b->n < PIPELINE_BATCH_LINES && b->text.len < PIPELINE_BATCH_BYTES &&
	       (rc = posts_reader_next(r, &line)) != 0) {
		if (rc < 0)
			continue; /* an unreadable file, reported; go on with the next */
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 256;
			b->items = tool_xrealloc(b->items, b->cap * sizeof *b->items);
		}
		b->items[b->n++] = (item){.source = line.source, .line = line.line,
		                          .format = line.format, .too_long = line.too_long,
		                          .blank = line.blank,
		                          .off = b->text.len, .len = line.len};
		strbuf_put(&b->text, line.bytes, line.len);
	}
	return b->n;
}

static void submit(pool *p, batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = b->done = 0;
	p->current = b;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

static void wait_done(pool *p, batch *b)
{
	pthread_mutex_lock(&p->mu);
	while (b->done < b->n)
		pthread_cond_wait(&p->finished, &p->mu);
	p->current = NULL;
	pthread_mutex_unlock(&p->mu);
}

/* Writes a finished batch in input order, up to a line that stops the run, and
 * counts each line written. Returns the lines written; sets *stopped. */
static size_t write_batch(pool *p, batch *b, unsigned threads, FILE *out, void *ctx,
                          int *stopped)
{
	size_t i = 0;
	while (i < b->n) {
		const item *it = &b->items[i++];
		if (it->err_len) {
			fflush(out); /* keep messages next to the output they concern */
			fwrite(b->err[it->worker].data + it->err_off, 1, it->err_len, stderr);
		}
		if (it->out_len)
			fwrite(b->out[it->worker].data + it->out_off, 1, it->out_len, out);
		if (p->ops->written)
			p->ops->written(ctx, b->tally[it->worker].data + it->tally_off, it->tally_len);
		if (it->stop) {
			*stopped = 1;
			break;
		}
	}
	for (unsigned w = 0; w < threads; w++)
		b->out[w].len = b->err[w].len = b->tally[w].len = 0;
	return i;
}

static strbuf *new_buffers(unsigned threads)
{
	strbuf *bufs = tool_xmalloc(threads * sizeof *bufs);
	memset(bufs, 0, threads * sizeof *bufs);
	return bufs;
}

static void free_buffers(strbuf *bufs, unsigned threads)
{
	for (unsigned w = 0; w < threads; w++)
		strbuf_free(&bufs[w]);
	free(bufs);
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
 * is not fatal while another one runs: the others claim its share of the work. */
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

int pipeline_run(posts_reader *r, unsigned threads, const pipeline_ops *ops, void *ctx,
                 FILE *out, pipeline_result *result)
{
	*result = (pipeline_result){0};
	if (threads < 1)
		threads = 1;
	pool p = {.ops = ops};
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.finished, NULL);
	p.workers = tool_xmalloc(threads * sizeof *p.workers);
	for (unsigned w = 0; w < threads; w++)
		p.workers[w] = ops->worker_new(ctx, w);
	pthread_t *tids = tool_xmalloc(threads * sizeof *tids);
	worker_arg *args = tool_xmalloc(threads * sizeof *args);
	/* Worker i runs with state i: states past `started` are never used. */
	unsigned started = start_workers(&p, threads, tids, args);
	result->threads = started;

	batch batches[2];
	memset(batches, 0, sizeof batches);
	for (int i = 0; i < 2; i++) {
		batches[i].out = new_buffers(started);
		batches[i].err = new_buffers(started);
		batches[i].tally = new_buffers(started);
	}
	batch *cur = &batches[0], *next = &batches[1];
	size_t n = started ? read_batch(r, cur) : 0;
	while (n > 0) {
		submit(&p, cur);
		size_t n_next = read_batch(r, next); /* while the workers screen `cur` */
		wait_done(&p, cur);
		size_t written = write_batch(&p, cur, started, out, ctx, &result->stopped);
		if (ferror(out)) {
			result->write_failed = 1;
			break;
		}
		if (ops->batch_done)
			ops->batch_done(ctx, r, written);
		if (result->stopped)
			break;
		batch *t = cur;
		cur = next;
		next = t;
		n = n_next;
	}
	if (fflush(out) != 0)
		result->write_failed = 1;

	stop_workers(&p, started, tids);
	for (int i = 0; i < 2; i++) {
		free_buffers(batches[i].out, started);
		free_buffers(batches[i].err, started);
		free_buffers(batches[i].tally, started);
		free(batches[i].items);
		strbuf_free(&batches[i].text);
	}
	for (unsigned w = 0; w < threads; w++)
		ops->worker_free(p.workers[w]);
	free(p.workers);
	free(tids);
	free(args);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.finished);
	if (started == 0)
		fprintf(stderr, "%s: cannot start a worker thread\n", tool_name);
	return started == 0 || result->write_failed ? -1 : 0;
}
