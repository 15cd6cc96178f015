/*
 * bench_normalize - normalisation throughput, post by post, on the shared corpus.
 *
 *   bench_normalize CORPUS.txt [--repeat N] [--views LIST]
 *
 * Each line of CORPUS.txt (without its newline) is one post. Every row of the table
 * processes every post separately, as mesura is used: a byte loop (the floor),
 * utf8proc_map, ICU's NFKC_Casefold (when built with MESURA_BENCH_ICU) and mesura's
 * views, each with one normaliser and one reused view. Each row runs one untimed
 * warm-up pass, then N timed passes (CLOCK_MONOTONIC); the table shows the median.
 * MB = 10^6 bytes of post text (newlines are not counted).
 *
 * Exit status: 0 done; 1 a library returned an error or broke its contract; 2 usage
 * error or unreadable corpus.
 */
#include "mesura.h"
#include "bench_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#ifdef MESURA_BENCH_ICU
/* Defined in icu_ref.cpp; keep these in step with it. */
int mesura_bench_icu_init(char *err, size_t errcap);
const char *mesura_bench_icu_version(void);
int mesura_bench_icu_pass(const char *base, const size_t *starts, const size_t *lens,
                          size_t count, unsigned long long *out_bytes, char *err,
                          size_t errcap);
#endif

#define TARGET_MBPS 200.0


/* ------------------------------------------------------------------ rows */

typedef enum row_kind { ROW_BASELINE, ROW_UTF8PROC, ROW_ICU, ROW_MESURA } row_kind;

typedef struct row {
	const char *name;  /* for --views */
	const char *label; /* for the table */
	row_kind kind;
	unsigned int flags; /* ROW_MESURA: MESURA_NORM_* */
} row;

static const row ROWS[] = {
	{"baseline", "lower-casing byte loop (baseline)", ROW_BASELINE, 0},
	{"utf8proc", "utf8proc_map COMPAT+COMPOSE+CASEFOLD+STRIPMARK", ROW_UTF8PROC, 0},
	{"icu", "ICU C++ Normalizer2 NFKC_Casefold (UTF-8)", ROW_ICU, 0},
	{"nfc", "mesura NFC", ROW_MESURA, MESURA_NORM_NFC},
	{"nfd", "mesura NFD", ROW_MESURA, MESURA_NORM_NFD},
	{"nfkc", "mesura NFKC", ROW_MESURA, MESURA_NORM_NFKC},
	{"nfkd", "mesura NFKD", ROW_MESURA, MESURA_NORM_NFKD},
	{"nfkc_cf", "mesura NFKC + CASEFOLD", ROW_MESURA, MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD},
	{"moderation", "mesura MODERATION", ROW_MESURA, MESURA_NORM_MODERATION},
	{"deobfuscate", "mesura DEOBFUSCATE", ROW_MESURA, MESURA_NORM_DEOBFUSCATE},
	{"identity", "mesura identity (flags 0: repair + map)", ROW_MESURA, 0},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

/* ----------------------------------------------------------- the passes */

typedef struct pass_ctx {
	const corpus *c;
	const row *r;
	unsigned char *buf; /* ROW_BASELINE */
	mesura_normalizer *nz; /* ROW_MESURA */
	mesura_view *view;
	size_t utf8proc_errors;
} pass_ctx;

static unsigned long long pass_baseline(pass_ctx *x)
{
	const corpus *c = x->c;
	unsigned char *buf = x->buf;
	unsigned long long total = 0, touch = 0;
	size_t i, j;
	for (i = 0; i < c->count; i++) {
		const unsigned char *p = (const unsigned char *)c->data + c->starts[i];
		size_t n = c->lens[i];
		for (j = 0; j < n; j++) {
			unsigned char b = p[j];
			buf[j] = (unsigned)(b - 'A') < 26u ? (unsigned char)(b | 0x20) : b;
		}
		total += n;
		touch += n ? buf[n - 1] : 0;
	}
	bench_sink += touch;
	return total;
}

static unsigned long long pass_utf8proc(pass_ctx *x)
{
	const corpus *c = x->c;
	const utf8proc_option_t opts = (utf8proc_option_t)(UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	                                                   UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	unsigned long long total = 0, touch = 0;
	size_t i;
	for (i = 0; i < c->count; i++) {
		utf8proc_uint8_t *dst = NULL;
		utf8proc_ssize_t r =
			utf8proc_map((const utf8proc_uint8_t *)c->data + c->starts[i],
		                 (utf8proc_ssize_t)c->lens[i], &dst, opts);
		if (r < 0) {
			x->utf8proc_errors++;
			continue;
		}
		total += (unsigned long long)r;
		touch += r > 0 ? dst[0] : 0;
		free(dst);
	}
	bench_sink += touch;
	return total;
}

#ifdef MESURA_BENCH_ICU
static unsigned long long pass_icu(pass_ctx *x)
{
	char err[256];
	unsigned long long total = 0;
	if (mesura_bench_icu_pass(x->c->data, x->c->starts, x->c->lens, x->c->count, &total, err,
	                          sizeof err) != 0)
		die(1, "ICU: %s", err);
	return total;
}
#endif

static void mesura_fail(const pass_ctx *x, size_t i, const char *call, int status)
{
	fprintf(stderr, "bench_normalize: row \"%s\" (flags 0x%x): %s failed: %s (status %d)\n",
	        x->r->name, x->r->flags, call, mesura_strerror(status), status);
	dump_post(x->c, i);
	exit(1);
}

static unsigned long long pass_mesura(pass_ctx *x)
{
	const corpus *c = x->c;
	unsigned long long total = 0, touch = 0;
	size_t i;
	for (i = 0; i < c->count; i++) {
		const char *text;
		size_t len = 0, s = 0, e = 0;
		int st = mesura_normalize(x->nz, x->view, c->data + c->starts[i], c->lens[i]);
		if (st != MESURA_OK)
			mesura_fail(x, i, "mesura_normalize", st);
		text = mesura_view_text(x->view, &len);
		/* Touch the map too, as a screen mapping a match back to the post does. */
		st = mesura_view_source_range(x->view, 0, len, &s, &e);
		if (st != MESURA_OK)
			mesura_fail(x, i, "mesura_view_source_range(view, 0, len)", st);
		if (text == NULL || text[len] != '\0' || s > e || e > c->lens[i]) {
			fprintf(stderr,
			        "bench_normalize: row \"%s\": broken view contract: text %s, "
			        "length %zu, text[length] %s NUL, source span [%zu, %zu) of a %zu-byte "
			        "post\n",
			        x->r->name, text ? "set" : "NULL", len,
			        text && text[len] == '\0' ? "is" : "is not", s, e, c->lens[i]);
			dump_post(c, i);
			exit(1);
		}
		total += len;
		touch += e - s;
	}
	bench_sink += touch;
	return total;
}

static unsigned long long run_pass(pass_ctx *x)
{
	switch (x->r->kind) {
	case ROW_BASELINE:
		return pass_baseline(x);
	case ROW_UTF8PROC:
		return pass_utf8proc(x);
	case ROW_ICU:
#ifdef MESURA_BENCH_ICU
		return pass_icu(x);
#else
		break;
#endif
	case ROW_MESURA:
		return pass_mesura(x);
	}
	die(2, "internal error: row kind %d", (int)x->r->kind);
	return 0;
}

/* ----------------------------------------------------------------- main */

typedef struct result {
	int measured;
	double seconds; /* median of the timed passes */
	double mbps, posts_per_s;
	unsigned long long checksum; /* sum of output lengths of one pass */
	unsigned long long allocs;   /* mesura allocations during the timed passes */
} result;

static void measure(const corpus *c, const row *r, unsigned int repeat, double *times,
                    result *out)
{
	pass_ctx x;
	unsigned int k;
	int st;

	memset(&x, 0, sizeof x);
	x.c = c;
	x.r = r;
	if (r->kind == ROW_BASELINE)
		x.buf = xmalloc(c->max_len);
	if (r->kind == ROW_MESURA) {
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = r->flags;
		st = mesura_normalizer_new(&x.nz, &opts, &bench_counting_allocator);
		if (st != MESURA_OK)
			die(1, "row \"%s\": mesura_normalizer_new(flags 0x%x): %s (status %d)", r->name,
			    r->flags, mesura_strerror(st), st);
		st = mesura_view_new(&x.view, &bench_counting_allocator);
		if (st != MESURA_OK)
			die(1, "mesura_view_new: %s (status %d)", mesura_strerror(st), st);
	}

	/* Warm-up: page the corpus in, grow the view's buffers to steady state. */
	out->checksum = run_pass(&x);
	out->allocs = bench_allocs;
	for (k = 0; k < repeat; k++) {
		unsigned long long sum;
		double t0 = now_seconds();
		sum = run_pass(&x);
		times[k] = now_seconds() - t0;
		if (sum != out->checksum)
			die(1, "row \"%s\": pass %u wrote %llu bytes, the warm-up pass %llu: the output "
			       "is not deterministic",
			    r->name, k + 1, sum, out->checksum);
	}
	out->allocs = bench_allocs - out->allocs;
	out->seconds = median(times, repeat);
	if (out->seconds <= 0)
		out->seconds = 1e-9;
	out->mbps = (double)c->post_bytes / 1e6 / out->seconds;
	out->posts_per_s = (double)c->count / out->seconds;
	out->measured = 1;

	if (r->kind == ROW_UTF8PROC && x.utf8proc_errors > 0)
		fprintf(stderr, "bench_normalize: note: utf8proc_map failed on %zu posts (all passes), "
		                "skipped\n",
		        x.utf8proc_errors);
	mesura_view_free(x.view);
	mesura_normalizer_free(x.nz);
	free(x.buf);
}

int main(int argc, char **argv)
{
	bench_program = "bench_normalize";
	const char *path = NULL;
	unsigned int repeat = BENCH_DEFAULT_REPEAT;
	int selected[NROWS];
	result results[NROWS];
	const result *moderation = NULL, *icu = NULL;
	int allocating = 0;
	char buf[64];
	double *times;
	corpus c;
	size_t i;
	int have_icu = 0;

	const char *names[NROWS];
	for (i = 0; i < NROWS; i++)
		names[i] = ROWS[i].name;
	bench_parse_args(argc, argv, &path, &repeat, selected, names, NROWS);

#ifdef MESURA_BENCH_ICU
	{
		char err[256];
		if (mesura_bench_icu_init(err, sizeof err) != 0)
			die(1, "ICU: %s", err);
		have_icu = 1;
	}
#endif

	corpus_load(&c, path);
	times = xmalloc(repeat * sizeof *times);

	bench_print_header(&c, path);
	printf("utf8proc: %s, Unicode %s\n", utf8proc_version(), utf8proc_unicode_version());
#ifdef MESURA_BENCH_ICU
	printf("icu:      %s\n", mesura_bench_icu_version());
#else
	printf("icu:      not built (no libicu-dev when configured)\n");
#endif
	bench_print_timing(repeat);
	printf("| what | MB/s | posts/s | checksum |\n|---|---:|---:|---:|\n");
	fflush(stdout);

	for (i = 0; i < NROWS; i++) {
		const row *r = &ROWS[i];
		results[i].measured = 0;
		if (!selected[i])
			continue;
		if (r->kind == ROW_ICU && !have_icu) {
			printf("| %s | n/a | n/a | not built |\n", r->label);
			continue;
		}
		measure(&c, r, repeat, times, &results[i]);
		human(buf, sizeof buf, results[i].posts_per_s);
		printf("| %s | %.1f | %s | %llu |\n", r->label, results[i].mbps, buf,
		       results[i].checksum);
		fflush(stdout);
		if (r->kind == ROW_MESURA && results[i].allocs > 0) {
			fprintf(stderr, "bench_normalize: row \"%s\": %llu allocations in steady state "
			                "(timed passes after a warm-up pass over the same posts)\n",
			        r->name, results[i].allocs);
			allocating = 1;
		}
		if (r->kind == ROW_ICU)
			icu = &results[i];
		if (r->kind == ROW_MESURA && r->flags == MESURA_NORM_MODERATION)
			moderation = &results[i];
	}

	printf("\nchecksum = bytes of output of one pass (the same in every pass)\n");
	printf("steady state: %s\n", allocating ? "mesura ALLOCATED during timed passes (see stderr)"
	                                        : "no allocation by mesura during timed passes");
	if (moderation == NULL) {
		printf("verdict: n/a (the moderation view was not measured)\n");
	} else {
		printf("verdict: MODERATION %.1f MB/s", moderation->mbps);
		if (icu != NULL)
			printf(" = %.2fx ICU NFKC_Casefold (%.1f MB/s): %s", moderation->mbps / icu->mbps,
			       icu->mbps, moderation->mbps > icu->mbps ? "faster" : "NOT faster");
		else
			printf("; ICU NFKC_Casefold not measured");
		printf("; target %.0f MB/s: %s (%.2fx)\n", TARGET_MBPS,
		       moderation->mbps >= TARGET_MBPS ? "met" : "NOT met",
		       moderation->mbps / TARGET_MBPS);
	}

	free(times);
	corpus_free(&c);
	return 0;
}
