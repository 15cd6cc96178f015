/*
 * Work linear in the post's length, for every input: each hostile kind of post
 * (tests/linear_inputs.h, every ASCII punctuation character, random bytes) is built at
 * n and at 10n bytes, and every normalisation view and the tokenizer must do at most
 * about 10 times the work on the long one. Work is counted, not timed: the steps each
 * pass adds to the view (mesura_view.steps) or the tokens (mesura_tokens__steps), in
 * proportion to what it reads, so that a pass that reads text again per character
 * shows (a run of leet symbols did: 100 KB of '@' took seconds).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mesura.h>

#include "linear_inputs.h"
#include "testutil.h"
#include "text/view.h"
#include "tokens/tokenize.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* n: big enough for the constant part of the work not to matter, small enough for a
 * quadratic pass to stay quick under the sanitizers (it then fails the test). */
#define SHORT_LEN 12000
#define SCALE 10
#define MAX_GROWTH 12.0 /* SCALE and room for constants */

/* Also the bound of the fuzz harnesses' work checks (tests/fuzz): steps per byte of
 * input and output; the worst kind here stays well below. */
#define MAX_STEPS_PER_BYTE 16.0

static const struct {
	const char *name;
	unsigned int flags;
} views[] = {
    {"identity", 0},
    {"NFC", MESURA_NORM_NFC},
    {"NFD", MESURA_NORM_NFD},
    {"NFKC", MESURA_NORM_NFKC},
    {"NFKD", MESURA_NORM_NFKD},
    {"NFKC|CASEFOLD", MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD},
    {"CASEFOLD", MESURA_NORM_CASEFOLD},
    {"STRIP_MARKS", MESURA_NORM_STRIP_MARKS},
    {"REMOVE_INVISIBLES", MESURA_NORM_REMOVE_INVISIBLES},
    {"CONFUSABLES", MESURA_NORM_CONFUSABLES},
    {"LEET", MESURA_NORM_LEET},
    {"COLLAPSE_REPEATS", MESURA_NORM_COLLAPSE_REPEATS},
    {"JOIN_SPACED", MESURA_NORM_JOIN_SPACED},
    {"LEET|COLLAPSE|JOIN",
     MESURA_NORM_LEET | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED},
    {"DIGITS", MESURA_NORM_DIGITS},
    {"DECODE_MARKUP", MESURA_NORM_DECODE_MARKUP},
    {"MODERATION", MESURA_NORM_MODERATION},
    {"DEOBFUSCATE", MESURA_NORM_DEOBFUSCATE},
};

/* Random text: pieces that the folds and the tokenizer act on. */
static const char *const pieces[] = {
    "a", "b", "@", "$", "!", "|", "1", "3", " ", ".", "-", "*", "_", "\xcc\x81", "\xe2\x80\x8b",
    "\xd0\xb0", "\r\n", "#", "x.com", "\xc3\xa9", "aa", "  ", "\xed\x95\x9c", "'", "http://",
    "&#1", "%6", "&", "\x01", "\xe2\x80\xae", "\xd7\x90",
};

/* The post of kind k (punct: the unit is that one character instead) of about n bytes:
 * prefix, unit repeated to n bytes, suffix. Random kinds use one seed for both
 * lengths. */
static char *make_post(const linear_input *k, char punct, size_t n, size_t *len)
{
	char *post = malloc(n + 64);
	ck_assert_ptr_nonnull(post);
	size_t at = 0;
	tu_rng rng = {0x6c696e6561720001u};
	if (strcmp(k->name, LINEAR_RANDOM_BYTES) == 0) {
		for (; at < n; at++)
			post[at] = (char)tu_rng_next(&rng);
	} else if (strcmp(k->name, LINEAR_RANDOM_TEXT) == 0) {
		while (at < n) {
			const char *p = pieces[tu_rng_below(&rng, COUNT(pieces))];
			memcpy(post + at, p, strlen(p));
			at += strlen(p);
		}
	} else {
		char one[2] = {punct, 0};
		const char *unit = punct ? one : k->unit;
		size_t unit_len = strlen(unit);
		memcpy(post, k->prefix, strlen(k->prefix));
		at = strlen(k->prefix);
		while (at < n) {
			memcpy(post + at, unit, unit_len);
			at += unit_len;
		}
		memcpy(post + at, k->suffix, strlen(k->suffix));
		at += strlen(k->suffix);
	}
	*len = at;
	return post;
}

typedef struct {
	mesura_normalizer *nz[COUNT(views)];
	mesura_view *view;
	mesura_tokens *tokens;
	tu_tally tally;
	double worst_growth, worst_per_byte;
	const char *worst_name;
} bench;

static void bench_init(bench *b, const char *name)
{
	memset(b, 0, sizeof *b);
	for (size_t v = 0; v < COUNT(views); v++) {
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = views[v].flags;
		ck_assert_int_eq(mesura_normalizer_new(&b->nz[v], &opts, NULL), MESURA_OK);
	}
	ck_assert_int_eq(mesura_view_new(&b->view, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_tokens_new(&b->tokens, NULL), MESURA_OK);
	b->tally.name = name;
}

static void bench_dispose(bench *b)
{
	for (size_t v = 0; v < COUNT(views); v++)
		mesura_normalizer_free(b->nz[v]);
	mesura_view_free(b->view);
	mesura_tokens_free(b->tokens);
}

/* The steps of view v (or, for v == COUNT(views), of the tokenizer on the post) and
 * the bytes they are linear in: the post's and the view's. */
static uint64_t work(bench *b, size_t v, const char *post, size_t len, size_t *bytes)
{
	if (v == COUNT(views)) {
		ck_assert_int_eq(mesura_tokenize(b->tokens, post, len, MESURA_TOKENIZE_ALL), MESURA_OK);
		*bytes = len;
		return mesura_tokens__steps(b->tokens);
	}
	ck_assert_int_eq(mesura_normalize(b->nz[v], b->view, post, len), MESURA_OK);
	size_t out;
	mesura_view_text(b->view, &out);
	*bytes = len + out;
	return b->view->steps;
}

static void check_kind(bench *b, const linear_input *k, char punct)
{
	size_t short_len, long_len;
	char *short_post = make_post(k, punct, SHORT_LEN, &short_len);
	char *long_post = make_post(k, punct, SHORT_LEN * SCALE, &long_len);
	for (size_t v = 0; v <= COUNT(views); v++) {
		const char *view = v < COUNT(views) ? views[v].name : "tokenizer";
		size_t short_bytes, long_bytes;
		uint64_t a = work(b, v, short_post, short_len, &short_bytes);
		uint64_t z = work(b, v, long_post, long_len, &long_bytes);
		double growth = (double)z / (double)(a ? a : 1);
		double per_byte = (double)z / (double)(long_bytes ? long_bytes : 1);
		b->tally.checks++;
		if (growth > MAX_GROWTH || per_byte > MAX_STEPS_PER_BYTE)
			tu_tally_fail(&b->tally, "%s%c, %s: %llu steps at %zu bytes, %llu at %zu (x%.1f, %.1f a byte)",
			              k->name, punct ? punct : ' ', view, (unsigned long long)a, short_len,
			              (unsigned long long)z, long_len, growth, per_byte);
		if (growth > b->worst_growth) {
			b->worst_growth = growth;
			b->worst_name = k->name;
		}
		b->worst_per_byte = per_byte > b->worst_per_byte ? per_byte : b->worst_per_byte;
	}
	free(short_post);
	free(long_post);
}

START_TEST(work_grows_linearly)
{
	bench b;
	bench_init(&b, "hostile posts x views");
	for (size_t k = 0; k < COUNT(LINEAR_INPUTS); k++)
		check_kind(&b, &LINEAR_INPUTS[k], 0);
	static const linear_input punct = {"punctuation run", "", "", ""};
	for (int c = 0x21; c < 0x7F; c++)
		if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9'))
			check_kind(&b, &punct, (char)c);
	printf("worst growth x%.2f (%s) for x%d bytes; worst %.2f steps a byte\n", b.worst_growth,
	       b.worst_name, SCALE, b.worst_per_byte);
	tu_tally_finish(&b.tally, "view and tokenizer runs");
	bench_dispose(&b);
}
END_TEST

/* The counter itself: it starts again with each view, and a longer post costs more. */
START_TEST(steps_reset_and_count)
{
	bench b;
	bench_init(&b, "steps");
	size_t bytes;
	uint64_t one = work(&b, 15, "f u c k", 7, &bytes);
	uint64_t again = work(&b, 15, "f u c k", 7, &bytes);
	ck_assert_uint_gt(one, 0);
	ck_assert_uint_eq(one, again);
	uint64_t empty = work(&b, 15, "", 0, &bytes);
	ck_assert_uint_lt(empty, one);
	uint64_t tokens = work(&b, COUNT(views), "f u c k", 7, &bytes);
	ck_assert_uint_gt(tokens, 0);
	ck_assert_uint_eq(work(&b, COUNT(views), "f u c k", 7, &bytes), tokens);
	bench_dispose(&b);
}
END_TEST

static Suite *linear_suite(void)
{
	Suite *s = suite_create("linear");
	TCase *tc = tcase_create("work");
	tcase_add_test(tc, steps_reset_and_count);
	tcase_add_test(tc, work_grows_linearly);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(linear_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
