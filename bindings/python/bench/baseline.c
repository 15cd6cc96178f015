/*
 * The C side of bench_python.py: mesura_scan alone over the same posts, as a C program
 * would run it, so the Python figures have something to be compared with.
 *
 *   bench_python_baseline POLICY POSTS COUNT THREADS REPEAT
 *
 * POSTS has one post per line; the list is repeated until it holds COUNT posts. THREADS
 * threads, each with its own scanner, take posts 32 at a time from an atomic counter
 * (what Policy.scan_many does) and read each result's findings. Prints one line:
 * "<posts per second, best of REPEAT passes> <findings per pass>" (the best pass: on a
 * shared machine the others measure the neighbours).
 */
#include <mesura.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	const mesura_policy *policy;
	const char **posts;
	const size_t *lens;
	size_t n;
	atomic_size_t next;
	atomic_size_t findings;
} job;

static void *run(void *arg)
{
	job *j = arg;
	mesura_scanner *s = NULL;
	if (mesura_scanner_new(&s, j->policy, NULL) != MESURA_OK)
		abort();
	size_t found = 0;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 32);
		if (i >= j->n)
			break;
		size_t end = i + 32 < j->n ? i + 32 : j->n;
		for (; i < end; i++) {
			const mesura_result *r;
			int rc = mesura_scan(s, j->posts[i], j->lens[i], 0, &r);
			if (rc != MESURA_OK && rc != MESURA_ELIMIT)
				abort();
			for (size_t k = 0; k < mesura_result_finding_count(r); k++) {
				const mesura_finding *f = mesura_result_finding_get(r, k);
				found += f->end > f->start;
			}
		}
	}
	atomic_fetch_add(&j->findings, found);
	mesura_scanner_free(s);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: bench_python_baseline POLICY POSTS COUNT THREADS REPEAT\n");
		return 2;
	}
	size_t count = strtoul(argv[3], NULL, 10), threads = strtoul(argv[4], NULL, 10);
	size_t repeat = strtoul(argv[5], NULL, 10);
	if (!count || !threads || !repeat || repeat > 99 || threads > 256)
		return 2;
	mesura_policy *policy = NULL;
	if (mesura_policy_load_file(&policy, argv[1], NULL, NULL, NULL) != MESURA_OK) {
		fprintf(stderr, "%s does not compile\n", argv[1]);
		return 1;
	}
	FILE *f = fopen(argv[2], "rb");
	if (!f)
		return 1;
	char **lines = NULL;
	size_t *lens = NULL, nlines = 0, cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t got;
	while ((got = getline(&line, &linecap, f)) >= 0) {
		size_t len = (size_t)got;
		if (len && line[len - 1] == '\n')
			len--;
		if (nlines == cap) {
			cap = cap ? 2 * cap : 1024;
			lines = realloc(lines, cap * sizeof *lines);
			lens = realloc(lens, cap * sizeof *lens);
			if (!lines || !lens)
				return 1;
		}
		lines[nlines] = malloc(len + 1);
		if (!lines[nlines])
			return 1;
		memcpy(lines[nlines], line, len);
		lens[nlines++] = len;
	}
	free(line);
	fclose(f);
	if (!nlines)
		return 1;
	const char **posts = malloc(count * sizeof *posts);
	size_t *plens = malloc(count * sizeof *plens);
	pthread_t *tids = malloc(threads * sizeof *tids);
	double *rates = malloc(repeat * sizeof *rates);
	if (!posts || !plens || !tids || !rates)
		return 1;
	for (size_t i = 0; i < count; i++) {
		posts[i] = lines[i % nlines];
		plens[i] = lens[i % nlines];
	}
	size_t findings = 0;
	for (size_t r = 0; r < repeat; r++) {
		job j = {policy, posts, plens, count, 0, 0};
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (size_t t = 0; t < threads; t++)
			if (pthread_create(&tids[t], NULL, run, &j) != 0)
				return 1;
		for (size_t t = 0; t < threads; t++)
			pthread_join(tids[t], NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		double dt = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		rates[r] = (double)count / dt;
		findings = atomic_load(&j.findings);
	}
	qsort(rates, repeat, sizeof *rates, cmp);
	printf("%.0f %zu\n", rates[repeat - 1], findings);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	free(lens);
	free(posts);
	free(plens);
	free(tids);
	free(rates);
	mesura_policy_free(policy);
	return 0;
}
