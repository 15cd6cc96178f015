/*
 * bench_tokenize - tokenizer throughput, post by post, on the shared corpus.
 *
 *   bench_tokenize CORPUS.txt [--repeat N] [--views LIST]
 *
 * Each line of CORPUS.txt (without its newline) is one post. Every row of the table
 * tokenizes every post separately, as mesura is used: a whitespace-splitting byte loop
 * (the floor), mesura_tokenize with UAX #29 words only (flags 0), with the social tokens
 * and with MESURA_TOKENIZE_ALL (the target: 200 MB/s on one core), the moderation view
 * followed by mesura_tokenize_view (what the scanner does), and ICU's word
 * BreakIterator (when built with MESURA_BENCH_ICU). mesura gets one reused
 * mesura_tokens (and one normaliser and view) per row. Each row runs one untimed
 * warm-up pass, which also checks the token contract, then N timed passes
 * (CLOCK_MONOTONIC); the table shows the median. MB = 10^6 bytes of post text
 * (newlines are not counted).
 *
 * Exit status: 0 done; 1 a library returned an error or broke its contract; 2 usage
 * error or unreadable corpus.
 */
#include "mesura.h"
#include "bench_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MESURA_BENCH_ICU
/* Defined in icu_wordbreak.cpp; keep these in step with it. */
int mesura_bench_icu_words_init(char *err, size_t errcap);
const char *mesura_bench_icu_words_version(void);
int mesura_bench_icu_words_pass(const char *base, const size_t *starts, const size_t *lens,
                                size_t count, unsigned long long *segments, char *err,
                                size_t errcap);
void mesura_bench_icu_words_done(void);
#endif

#define TARGET_MBPS 200.0


/* ------------------------------------------------------------------ rows */

typedef enum row_kind { ROW_BASELINE, ROW_ICU, ROW_TOKENS, ROW_VIEW_TOKENS } row_kind;

typedef struct row {
	const char *name;  /* for --views */
	const char *label; /* for the table */
	row_kind kind;
	unsigned int flags; /* ROW_TOKENS, ROW_VIEW_TOKENS: MESURA_TOKENIZE_* */
} row;

static const row ROWS[] = {
	{"baseline", "whitespace-splitting byte loop (baseline)", ROW_BASELINE, 0},
	{"words", "mesura_tokenize, UAX #29 words only (flags 0)", ROW_TOKENS, 0},
	{"social", "mesura_tokenize, + social tokens", ROW_TOKENS, MESURA_TOKENIZE_SOCIAL},
	{"full", "mesura_tokenize, MESURA_TOKENIZE_ALL", ROW_TOKENS, MESURA_TOKENIZE_ALL},
	{"moderation", "moderation view + mesura_tokenize_view (ALL)", ROW_VIEW_TOKENS,
	 MESURA_TOKENIZE_ALL},
	{"icu", "ICU word BreakIterator (UTF-8 UText)", ROW_ICU, 0},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

/* ----------------------------------------------------------- the passes */

typedef struct pass_ctx {
	const corpus *c;
	const row *r;
	mesura_tokens *tokens; /* ROW_TOKENS, ROW_VIEW_TOKENS */
	mesura_normalizer *nz; /* ROW_VIEW_TOKENS */
	mesura_view *view;
	int check; /* check the token contract of every post (the warm-up pass) */
} pass_ctx;

/* Counts the runs of bytes other than ASCII white space, as strtok(" \t\n\v\f\r") would. */
static unsigned long long pass_baseline(pass_ctx *x)
{
	const corpus *c = x->c;
	unsigned long long total = 0;
	size_t i, j;
	for (i = 0; i < c->count; i++) {
		const unsigned char *p = (const unsigned char *)c->data + c->starts[i];
		size_t n = c->lens[i];
		int in_word = 0;
		for (j = 0; j < n; j++) {
			unsigned char b = p[j];
			int space = b == ' ' || (unsigned)(b - '\t') < 5u; /* \t \n \v \f \r */
			total += !space & !in_word;
			in_word = !space;
		}
	}
	return total;
}

#ifdef MESURA_BENCH_ICU
static unsigned long long pass_icu(pass_ctx *x)
{
	char err[256];
	unsigned long long total = 0;
	if (mesura_bench_icu_words_pass(x->c->data, x->c->starts, x->c->lens, x->c->count, &total,
	                                err, sizeof err) != 0)
		die(1, "ICU: %s", err);
	return total;
}
#endif

static void mesura_fail(const pass_ctx *x, size_t i, const char *call, int status)
{
	fprintf(stderr, "bench_tokenize: row \"%s\" (flags 0x%x): %s failed: %s (status %d)\n",
	        x->r->name, x->r->flags, call, mesura_strerror(status), status);
	dump_post(x->c, i);
	exit(1);
}

static void contract_fail(const pass_ctx *x, size_t i, size_t k, const mesura_token *t,
                          const char *what)
{
	fprintf(stderr,
	        "bench_tokenize: row \"%s\" (flags 0x%x): broken token contract: token %zu "
	        "(type %d %s, flags 0x%x, text [%zu, %zu), original [%zu, %zu)): %s\n",
	        x->r->name, x->r->flags, k, (int)t->type, mesura_token_type_name((int)t->type),
	        t->flags, t->text_start, t->text_end, t->start, t->end, what);
	dump_post(x->c, i);
	exit(1);
}

/* The contract of tokens.h: tokens without MESURA_TOKEN_OVERLAY tile the tokenized text
 * [0, text_len) in order; every token is non-empty, of a known type, inside the text,
 * and maps into the post [0, post_len). Without a view, start/end equal
 * text_start/text_end. */
static void check_tokens(const pass_ctx *x, size_t i, const mesura_tokens *tokens,
                         size_t count, size_t text_len, size_t post_len)
{
	size_t k, at = 0;
	int view = x->r->kind == ROW_VIEW_TOKENS;
	for (k = 0; k < count; k++) {
		const mesura_token *t = mesura_tokens_get(tokens, k);
		if (!t) {
			fprintf(stderr, "bench_tokenize: row \"%s\": mesura_tokens_get gave NULL "
			                "for token %zu of %zu\n", x->r->name, k, count);
			dump_post(x->c, i);
			exit(1);
		}
		if (t->type < MESURA_TOKEN_WORD || t->type > MESURA_TOKEN_OTHER)
			contract_fail(x, i, k, t, "unknown type");
		if (t->text_start >= t->text_end || t->text_end > text_len)
			contract_fail(x, i, k, t, "empty, or outside the tokenized text");
		if (t->start > t->end || t->end > post_len)
			contract_fail(x, i, k, t, "original span outside the post");
		if (!view && (t->start != t->text_start || t->end != t->text_end))
			contract_fail(x, i, k, t, "original span differs from the text span");
		if (t->flags & MESURA_TOKEN_OVERLAY)
			continue;
		if (t->text_start != at)
			contract_fail(x, i, k, t, "tile tokens do not tile the text (gap or overlap)");
		at = t->text_end;
	}
	if (at != text_len) {
		fprintf(stderr,
		        "bench_tokenize: row \"%s\" (flags 0x%x): broken token contract: the tile "
		        "tokens end at %zu, the tokenized text at %zu (%zu tokens)\n",
		        x->r->name, x->r->flags, at, text_len, count);
		dump_post(x->c, i);
		exit(1);
	}
}

static unsigned long long pass_mesura(pass_ctx *x)
{
	const corpus *c = x->c;
	unsigned long long total = 0, touch = 0;
	size_t i;
	for (i = 0; i < c->count; i++) {
		const char *post = c->data + c->starts[i];
		size_t count = 0, text_len = c->lens[i];
		int st;
		if (x->r->kind == ROW_VIEW_TOKENS) {
			st = mesura_normalize(x->nz, x->view, post, c->lens[i]);
			if (st != MESURA_OK)
				mesura_fail(x, i, "mesura_normalize (MESURA_NORM_MODERATION)", st);
			st = mesura_tokenize_view(x->tokens, x->view, x->r->flags);
			if (st != MESURA_OK)
				mesura_fail(x, i, "mesura_tokenize_view", st);
		} else {
			st = mesura_tokenize(x->tokens, post, c->lens[i], x->r->flags);
			if (st != MESURA_OK)
				mesura_fail(x, i, "mesura_tokenize", st);
		}
		count = mesura_tokens_count(x->tokens);
		if (x->check) {
			if (x->r->kind == ROW_VIEW_TOKENS)
				(void)mesura_view_text(x->view, &text_len);
			check_tokens(x, i, x->tokens, count, text_len, c->lens[i]);
		}
		total += count;
		touch += count ? mesura_tokens_get(x->tokens, count - 1)->end : 0;
	}
	bench_sink += touch;
	return total;
}

static unsigned long long run_pass(pass_ctx *x)
{
	switch (x->r->kind) {
	case ROW_BASELINE:
		return pass_baseline(x);
	case ROW_ICU:
#ifdef MESURA_BENCH_ICU
		return pass_icu(x);
#else
		break;
#endif
	case ROW_TOKENS:
	case ROW_VIEW_TOKENS:
		return pass_mesura(x);
	}
	die(2, "internal error: row kind %d", (int)x->r->kind);
	return 0;
}

/* ----------------------------------------------------------------- main */

typedef struct result {
	int measured;
	double seconds; /* median of the timed passes */
	double mbps, tokens_per_s, posts_per_s;
	unsigned long long checksum; /* tokens of one pass */
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
	if (r->kind == ROW_TOKENS || r->kind == ROW_VIEW_TOKENS) {
		st = mesura_tokens_new(&x.tokens, &bench_counting_allocator);
		if (st != MESURA_OK)
			die(1, "row \"%s\": mesura_tokens_new: %s (status %d)", r->name,
			    mesura_strerror(st), st);
	}
	if (r->kind == ROW_VIEW_TOKENS) {
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = MESURA_NORM_MODERATION;
		st = mesura_normalizer_new(&x.nz, &opts, &bench_counting_allocator);
		if (st != MESURA_OK)
			die(1, "row \"%s\": mesura_normalizer_new(MESURA_NORM_MODERATION): %s (status %d)",
			    r->name, mesura_strerror(st), st);
		st = mesura_view_new(&x.view, &bench_counting_allocator);
		if (st != MESURA_OK)
			die(1, "mesura_view_new: %s (status %d)", mesura_strerror(st), st);
	}

	/* Warm-up: page the corpus in, grow the buffers to steady state, check the tokens. */
	x.check = 1;
	out->checksum = run_pass(&x);
	x.check = 0;
	out->allocs = bench_allocs;
	for (k = 0; k < repeat; k++) {
		unsigned long long sum;
		double t0 = now_seconds();
		sum = run_pass(&x);
		times[k] = now_seconds() - t0;
		if (sum != out->checksum)
			die(1, "row \"%s\": pass %u gave %llu tokens, the warm-up pass %llu: the output "
			       "is not deterministic",
			    r->name, k + 1, sum, out->checksum);
	}
	out->allocs = bench_allocs - out->allocs;
	out->seconds = median(times, repeat);
	if (out->seconds <= 0)
		out->seconds = 1e-9;
	out->mbps = (double)c->post_bytes / 1e6 / out->seconds;
	out->tokens_per_s = (double)out->checksum / out->seconds;
	out->posts_per_s = (double)c->count / out->seconds;
	out->measured = 1;

	mesura_tokens_free(x.tokens);
	mesura_view_free(x.view);
	mesura_normalizer_free(x.nz);
}

int main(int argc, char **argv)
{
	bench_program = "bench_tokenize";
	const char *path = NULL;
	unsigned int repeat = BENCH_DEFAULT_REPEAT;
	int selected[NROWS];
	result results[NROWS];
	const result *full = NULL, *icu = NULL;
	int allocating = 0;
	char tok[64], posts[64];
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
		if (mesura_bench_icu_words_init(err, sizeof err) != 0)
			die(1, "ICU: %s", err);
		have_icu = 1;
	}
#endif

	corpus_load(&c, path);
	times = xmalloc(repeat * sizeof *times);

	bench_print_header(&c, path);
#ifdef MESURA_BENCH_ICU
	printf("icu:      %s\n", mesura_bench_icu_words_version());
#else
	printf("icu:      not built (no libicu-dev or C++ compiler when configured)\n");
#endif
	bench_print_timing(repeat);
	printf("| what | MB/s | tokens/s | posts/s | tokens per pass |\n"
	       "|---|---:|---:|---:|---:|\n");
	fflush(stdout);

	for (i = 0; i < NROWS; i++) {
		const row *r = &ROWS[i];
		int is_mesura = r->kind == ROW_TOKENS || r->kind == ROW_VIEW_TOKENS;
		results[i].measured = 0;
		if (!selected[i])
			continue;
		if (r->kind == ROW_ICU && !have_icu) {
			printf("| %s | n/a | n/a | n/a | not built |\n", r->label);
			continue;
		}
		measure(&c, r, repeat, times, &results[i]);
		human(tok, sizeof tok, results[i].tokens_per_s);
		human(posts, sizeof posts, results[i].posts_per_s);
		printf("| %s | %.1f | %s | %s | %llu |\n", r->label, results[i].mbps, tok, posts,
		       results[i].checksum);
		fflush(stdout);
		if (is_mesura && results[i].allocs > 0) {
			fprintf(stderr, "bench_tokenize: row \"%s\": %llu allocations in steady state "
			                "(timed passes after a warm-up pass over the same posts)\n",
			        r->name, results[i].allocs);
			allocating = 1;
		}
		if (r->kind == ROW_ICU)
			icu = &results[i];
		if (r->kind == ROW_TOKENS && r->flags == MESURA_TOKENIZE_ALL)
			full = &results[i];
	}

	printf("\ntokens per pass = tokens of one pass, the same in every pass (ICU: segments "
	       "between boundaries; baseline: whitespace-separated runs); mesura's overlay "
	       "tokens count too\n");
	printf("token contract: checked on every post in each warm-up pass\n");
	printf("steady state: %s\n", allocating ? "mesura ALLOCATED during timed passes (see stderr)"
	                                        : "no allocation by mesura during timed passes");
	if (full == NULL) {
		printf("verdict: n/a (MESURA_TOKENIZE_ALL was not measured)\n");
	} else {
		printf("verdict: MESURA_TOKENIZE_ALL %.1f MB/s", full->mbps);
		if (icu != NULL)
			printf(" = %.2fx ICU word BreakIterator (%.1f MB/s): %s", full->mbps / icu->mbps,
			       icu->mbps, full->mbps > icu->mbps ? "faster" : "NOT faster");
		else
			printf("; ICU word BreakIterator not measured");
		printf("; target %.0f MB/s: %s (%.2fx)\n", TARGET_MBPS,
		       full->mbps >= TARGET_MBPS ? "met" : "NOT met", full->mbps / TARGET_MBPS);
	}

#ifdef MESURA_BENCH_ICU
	mesura_bench_icu_words_done();
#endif
	free(times);
	corpus_free(&c);
	return 0;
}
