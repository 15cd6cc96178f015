/*
 * bench_tokenize: tokenizer throughput on the shared corpus, post by post, next to
 * ICU's word BreakIterator in the same run.
 *
 *   bench_tokenize CORPUS.txt [--repeat N]
 *
 * Rows: UAX #29 words only (flags 0), with social tokens, with everything
 * (MESURA_TOKENIZE_ALL, the target: >= 200 MB/s on one core), the moderation view plus
 * the tokens of that view (what the scanner does), and ICU when built with it. Each
 * row: one warm-up pass, then the median of N timed passes.
 */
#include "bench_common.h"
#include "mesura.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_MBPS 200.0

#ifdef MESURA_BENCH_ICU
int mesura_bench_icu_words_init(char *err, size_t errcap);
const char *mesura_bench_icu_words_version(void);
int mesura_bench_icu_words_pass(const char *base, const size_t *starts, const size_t *lens,
                                size_t count, unsigned long long *segments);
#endif

typedef enum { ROW_TOKENS, ROW_VIEW_TOKENS, ROW_ICU } row_kind;

typedef struct {
	const char *label;
	row_kind kind;
	unsigned int flags;
} row;

static const row ROWS[] = {
	{"mesura_tokenize, UAX #29 words only (flags 0)", ROW_TOKENS, 0},
	{"mesura_tokenize, + social tokens", ROW_TOKENS, MESURA_TOKENIZE_SOCIAL},
	{"mesura_tokenize, MESURA_TOKENIZE_ALL", ROW_TOKENS, MESURA_TOKENIZE_ALL},
	{"moderation view + mesura_tokenize_view (ALL)", ROW_VIEW_TOKENS, MESURA_TOKENIZE_ALL},
#ifdef MESURA_BENCH_ICU
	{"ICU word BreakIterator (UTF-8 UText)", ROW_ICU, 0},
#endif
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

typedef struct {
	const corpus *c;
	mesura_tokens *tokens;
	mesura_normalizer *normalizer;
	mesura_view *view;
} scratch;

/* One pass over every post; returns the number of tokens produced. */
static unsigned long long run_pass(scratch *x, const row *r)
{
	const corpus *c = x->c;
	unsigned long long n = 0;
	if (r->kind == ROW_ICU) {
#ifdef MESURA_BENCH_ICU
		if (mesura_bench_icu_words_pass(c->data, c->starts, c->lens, c->count, &n) != 0)
			die(1, "ICU word break failed");
#endif
		return n;
	}
	for (size_t i = 0; i < c->count; i++) {
		const char *post = c->data + c->starts[i];
		int rc;
		if (r->kind == ROW_VIEW_TOKENS) {
			rc = mesura_normalize(x->normalizer, x->view, post, c->lens[i]);
			if (rc == MESURA_OK)
				rc = mesura_tokenize_view(x->tokens, x->view, r->flags);
		} else {
			rc = mesura_tokenize(x->tokens, post, c->lens[i], r->flags);
		}
		if (rc != MESURA_OK) {
			dump_post(c, i);
			die(1, "%s", mesura_strerror(rc));
		}
		size_t count;
		mesura_tokens_array(x->tokens, &count);
		n += count;
	}
	return n;
}

int main(int argc, char **argv)
{
	bench_program = "bench_tokenize";
	unsigned int repeat = 5;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
			repeat = (unsigned)atoi(argv[++i]);
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			die(2, "usage: bench_tokenize CORPUS.txt [--repeat N]");
	}
	if (!path || repeat == 0)
		die(2, "usage: bench_tokenize CORPUS.txt [--repeat N]");
	corpus c;
	corpus_load(&c, path);
	scratch x = {&c, NULL, NULL, NULL};
	if (mesura_tokens_new(&x.tokens, NULL) != MESURA_OK ||
	    mesura_normalizer_new(&x.normalizer, NULL, NULL) != MESURA_OK ||
	    mesura_view_new(&x.view, NULL) != MESURA_OK)
		die(1, "cannot create mesura objects");
	char cpu[256], buf[64];
	cpu_model(cpu, sizeof cpu);
	printf("corpus:   %s: %zu bytes, %zu posts (%zu bytes of post text)\n", path, c.file_bytes,
	       c.count, c.post_bytes);
	printf("cpu:      %s\nmesura:   %s, Unicode %s\n", cpu, mesura_version_string(),
	       mesura_unicode_version());
#ifdef MESURA_BENCH_ICU
	char err[128];
	if (mesura_bench_icu_words_init(err, sizeof err) != 0)
		die(1, "%s", err);
	printf("icu:      %s\n", mesura_bench_icu_words_version());
#endif
	printf("timing:   each post separately; 1 warm-up pass + median of %u timed passes\n\n",
	       repeat);
	printf("| what | MB/s | tokens/s | posts/s | tokens per pass |\n|---|---:|---:|---:|---:|\n");
	double *times = xmalloc(repeat * sizeof *times);
	double all_mbps = 0, icu_mbps = 0;
	for (size_t r = 0; r < NROWS; r++) {
		unsigned long long tokens = run_pass(&x, &ROWS[r]);
		for (unsigned k = 0; k < repeat; k++) {
			double t0 = now_seconds();
			unsigned long long again = run_pass(&x, &ROWS[r]);
			times[k] = now_seconds() - t0;
			if (again != tokens)
				die(1, "%s: %llu tokens, then %llu", ROWS[r].label, tokens, again);
		}
		double t = median(times, repeat), mbps = (double)c.post_bytes / t / 1e6;
		char tok[32], posts[32];
		human(tok, sizeof tok, (double)tokens / t);
		human(posts, sizeof posts, (double)c.count / t);
		printf("| %s | %.1f | %s | %s | %llu |\n", ROWS[r].label, mbps, tok, posts, tokens);
		if (ROWS[r].kind == ROW_TOKENS && ROWS[r].flags == MESURA_TOKENIZE_ALL)
			all_mbps = mbps;
		if (ROWS[r].kind == ROW_ICU)
			icu_mbps = mbps;
	}
	snprintf(buf, sizeof buf, "%.2fx", all_mbps / TARGET_MBPS);
	printf("\nverdict: MESURA_TOKENIZE_ALL %.1f MB/s, %s the %.0f MB/s target", all_mbps, buf,
	       TARGET_MBPS);
	if (icu_mbps > 0)
		printf("; %.2fx ICU's word BreakIterator (%.1f MB/s)", all_mbps / icu_mbps, icu_mbps);
	printf("\n");
	free(times);
	mesura_view_free(x.view);
	mesura_normalizer_free(x.normalizer);
	mesura_tokens_free(x.tokens);
	corpus_free(&c);
	return 0;
}
