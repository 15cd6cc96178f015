/* See bench_common.h. */
#include "bench_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *bench_program = "bench";

/* ---------------------------------------------------------------- corpus */

void die(int code, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", bench_program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		die(2, "out of memory (%zu bytes)", n);
	return p;
}

void corpus_load(corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1u << 24, n = 0, i, start, posts = 0;

	if (f == NULL)
		die(2, "cannot open corpus %s: %s", path, strerror(errno));
	memset(c, 0, sizeof *c);
	c->data = xmalloc(cap);
	for (;;) {
		size_t got;
		if (n == cap) {
			char *bigger = realloc(c->data, cap * 2);
			if (bigger == NULL)
				die(2, "out of memory reading %s", path);
			c->data = bigger;
			cap *= 2;
		}
		got = fread(c->data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		die(2, "cannot read corpus %s: %s", path, strerror(errno));
	fclose(f);
	c->file_bytes = n;

	for (i = 0; i < n; i++)
		posts += c->data[i] == '\n';
	if (n > 0 && c->data[n - 1] != '\n')
		posts++; /* a last line without its newline */
	if (posts == 0)
		die(2, "corpus %s is empty", path);
	c->starts = xmalloc(posts * sizeof *c->starts);
	c->lens = xmalloc(posts * sizeof *c->lens);
	for (i = 0, start = 0; i <= n; i++) {
		if (i == n ? i > start : c->data[i] == '\n') {
			size_t len = i - start;
			c->starts[c->count] = start;
			c->lens[c->count] = len;
			c->count++;
			c->post_bytes += len;
			if (len > c->max_len)
				c->max_len = len;
			start = i + 1;
		}
	}
}

void corpus_free(corpus *c)
{
	free(c->data);
	free(c->starts);
	free(c->lens);
}

/* ------------------------------------------------------------ helpers */

double now_seconds(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		die(2, "clock_gettime(CLOCK_MONOTONIC): %s", strerror(errno));
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* "1.10 M", "180 k", "950": three significant figures, as the shared README writes them. */
void human(char *out, size_t cap, double v)
{
	const char *unit = "";
	if (v >= 1e6) {
		v /= 1e6;
		unit = " M";
	} else if (v >= 1e3) {
		v /= 1e3;
		unit = " k";
	}
	snprintf(out, cap, "%.*f%s", v >= 100 ? 0 : v >= 10 ? 1 : 2, v, unit);
}

void cpu_model(char *out, size_t cap)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	snprintf(out, cap, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "model name", 10) == 0) {
			char *v = strchr(line, ':');
			if (v != NULL) {
				v++;
				while (*v == ' ' || *v == '\t')
					v++;
				v[strcspn(v, "\n")] = '\0';
				snprintf(out, cap, "%s", v);
			}
			break;
		}
	}
	fclose(f);
}

/* Prints the post that a library failed on, so the failure can be reproduced. */
void dump_post(const corpus *c, size_t i)
{
	const unsigned char *p = (const unsigned char *)c->data + c->starts[i];
	size_t j, n = c->lens[i];
	fprintf(stderr, "  post %zu (line %zu, file offset %zu, %zu bytes):\n  \"", i + 1, i + 1,
	        c->starts[i], n);
	for (j = 0; j < n && j < 400; j++) {
		if (p[j] >= 0x20 && p[j] < 0x7f && p[j] != '"' && p[j] != '\\')
			fputc(p[j], stderr);
		else
			fprintf(stderr, "\\x%02x", p[j]);
	}
	fprintf(stderr, "%s\"\n", j < n ? "..." : "");
}


volatile unsigned long long bench_sink;
unsigned long long bench_allocs;

static void *count_malloc(size_t size, void *user)
{
	(void)user;
	bench_allocs++;
	return malloc(size);
}

static void *count_realloc(void *ptr, size_t size, void *user)
{
	(void)user;
	bench_allocs++;
	return realloc(ptr, size);
}

static void count_free(void *ptr, void *user)
{
	(void)user;
	free(ptr);
}

const mesura_allocator bench_counting_allocator = {count_malloc, count_realloc, count_free,
                                                   NULL};

int parse_repeat(const char *arg, unsigned int *repeat)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || v > 1000) {
		fprintf(stderr, "%s: --repeat wants 1..1000, not \"%s\"\n", bench_program, arg);
		return 0;
	}
	*repeat = (unsigned int)v;
	return 1;
}

static void usage(FILE *to, const char *const *names, size_t n)
{
	fprintf(to, "usage: %s CORPUS.txt [--repeat N] [--views LIST]\n"
	            "  --repeat N    timed passes per row, median reported (default %d)\n"
	            "  --views LIST  comma-separated rows to run (default: all):\n               ",
	        bench_program, BENCH_DEFAULT_REPEAT);
	for (size_t i = 0; i < n; i++)
		fprintf(to, " %s", names[i]);
	fputc('\n', to);
}

/* Marks the rows named in `list` in `selected`; returns 0, or -1 for an unknown name. */
static int select_rows(const char *list, int *selected, const char *const *names, size_t rows)
{
	memset(selected, 0, rows * sizeof *selected);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		int all = n == 3 && strncmp(p, "all", 3) == 0, found = all;
		for (size_t i = 0; i < rows; i++)
			if (all || (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)) {
				selected[i] = 1;
				found = 1;
			}
		if (!found && n > 0) {
			fprintf(stderr, "%s: unknown view \"%.*s\"\n", bench_program, (int)n, p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

void bench_parse_args(int argc, char **argv, const char **path, unsigned int *repeat,
                      int *selected, const char *const *names, size_t n)
{
	*path = NULL;
	for (size_t i = 0; i < n; i++)
		selected[i] = 1;
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--repeat") == 0 && a + 1 < argc) {
			if (!parse_repeat(argv[++a], repeat))
				exit(2);
		} else if (strcmp(argv[a], "--views") == 0 && a + 1 < argc) {
			if (select_rows(argv[++a], selected, names, n) != 0) {
				usage(stderr, names, n);
				exit(2);
			}
		} else if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
			usage(stdout, names, n);
			exit(0);
		} else if (argv[a][0] == '-' || *path != NULL) {
			fprintf(stderr, "%s: unexpected argument \"%s\"\n", bench_program, argv[a]);
			usage(stderr, names, n);
			exit(2);
		} else {
			*path = argv[a];
		}
	}
	if (*path == NULL) {
		usage(stderr, names, n);
		exit(2);
	}
}

void bench_print_header(const corpus *c, const char *path)
{
	char cpu[256];
	cpu_model(cpu, sizeof cpu);
	printf("corpus:   %s: %zu bytes, %zu posts (%zu bytes of post text, longest %zu)\n", path,
	       c->file_bytes, c->count, c->post_bytes, c->max_len);
	printf("cpu:      %s\n", cpu);
	printf("mesura:   %s, Unicode %s\n", mesura_version_string(), mesura_unicode_version());
}

void bench_print_timing(unsigned int repeat)
{
	printf("timing:   each post separately; 1 warm-up pass + median of %u timed passes "
	       "(CLOCK_MONOTONIC); MB = 10^6 bytes of post text\n\n",
	       repeat);
}
