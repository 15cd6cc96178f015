/* The multi-term matcher: classic Aho-Corasick cases, a naive search on random terms
 * and texts (small and 100,000-term automata, short and multi-stream texts), the
 * masked spellings, the callback's stop value and allocation failures. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/automaton.h"
#include "testutil.h"

/* ---------------------------------------------------------- helpers */

typedef struct {
	uint32_t id;
	size_t start, end;
} hit_rec;

typedef struct {
	hit_rec *hits;
	size_t n, cap;
	size_t stop_after; /* 0: never stop */
} hit_log;

static int record(uint32_t id, size_t start, size_t end, void *payload)
{
	hit_log *log = payload;
	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 64;
		log->hits = realloc(log->hits, log->cap * sizeof *log->hits);
		ck_assert_ptr_nonnull(log->hits);
	}
	log->hits[log->n++] = (hit_rec){id, start, end};
	return log->stop_after && log->n >= log->stop_after ? 7 : 0;
}

static void log_reset(hit_log *log, size_t stop_after)
{
	log->n = 0;
	log->stop_after = stop_after;
}

static void log_free(hit_log *log)
{
	free(log->hits);
	*log = (hit_log){0};
}

/* The search's order: by end, then longer terms first, then by id. */
static int cmp_hit(const void *a, const void *b)
{
	const hit_rec *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Field by field: hit_rec has padding. */
static int same_hits(const hit_rec *x, const hit_rec *y, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (x[k].id != y[k].id || x[k].start != y[k].start || x[k].end != y[k].end)
			return 0;
	return 1;
}

static void assert_same_hits(const hit_log *got, const hit_log *want, const char *what)
{
	ck_assert_msg(got->n == want->n, "%s: %zu hits, want %zu", what, got->n, want->n);
	for (size_t k = 0; k < got->n; k++) {
		const hit_rec *g = &got->hits[k], *w = &want->hits[k];
		ck_assert_msg(g->id == w->id && g->start == w->start && g->end == w->end,
		              "%s: hit %zu is (%u, %zu, %zu), want (%u, %zu, %zu)", what, k, g->id,
		              g->start, g->end, w->id, w->start, w->end);
	}
}

/* The layout the loop tests below have build_terms take (NULL: the one the size
 * chooses, narrow for these small term sets): each layout has its own search loop. */
static const char *const layouts[] = {NULL, "dense", "mixed"};
static const char *forced_layout;

static void unforce_layout(void)
{
	forced_layout = NULL; /* for the next test, when tests share a process (CK_FORK=no) */
}

static mesura_automaton *build_terms(const char *const *terms, const size_t *lens,
                                     const uint32_t *ids, size_t n)
{
	mesura_automaton_builder *b;
	mesura_automaton *a;
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	if (forced_layout)
		mesura_match__builder_layout(b, forced_layout);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(mesura_match__builder_add(b, terms[i], lens ? lens[i] : strlen(terms[i]),
		                                           ids ? ids[i] : (uint32_t)i),
		                 MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	mesura_match__builder_free(b);
	ck_assert_uint_gt(mesura_match__automaton_memory(a), 0);
	if (forced_layout && strcmp(forced_layout, "mixed") != 0) /* mixed: rows for a quarter */
		ck_assert_str_eq(mesura_match__automaton_layout(a), forced_layout);
	return a;
}

static void search(const mesura_automaton *a, const char *text, size_t len, hit_log *log)
{
	log_reset(log, 0);
	ck_assert_int_eq(mesura_match__automaton_search(a, text, len, record, log), 0);
}

/* memcmp at every end offset, in the search's order. */
static void naive_search(const char *const *terms, const size_t *lens, size_t n,
                         const char *text, size_t len, hit_log *want)
{
	log_reset(want, 0);
	for (size_t end = 1; end <= len; end++)
		for (size_t i = 0; i < n; i++)
			if (lens[i] <= end && memcmp(text + end - lens[i], terms[i], lens[i]) == 0)
				record((uint32_t)i, end - lens[i], end, want);
	if (want->n) /* no hits yet: hits is NULL, which qsort may not take */
		qsort(want->hits, want->n, sizeof *want->hits, cmp_hit);
}

static void expect_hit(const hit_log *log, size_t k, uint32_t id, size_t start, size_t end)
{
	ck_assert_uint_gt(log->n, k);
	ck_assert_msg(log->hits[k].id == id && log->hits[k].start == start && log->hits[k].end == end,
	              "hit %zu is (%u, %zu, %zu), want (%u, %zu, %zu)", k, log->hits[k].id,
	              log->hits[k].start, log->hits[k].end, id, start, end);
}

/* ---------------------------------------------------------- exact search */

START_TEST(ushers)
{
	const char *terms[] = {"he", "she", "his", "hers"};
	mesura_automaton *a = build_terms(terms, NULL, NULL, 4);
	hit_log log = {0};
	search(a, "ushers", 6, &log);
	ck_assert_uint_eq(log.n, 3);
	expect_hit(&log, 0, 1, 1, 4); /* she: longer first at the same end */
	expect_hit(&log, 1, 0, 2, 4); /* he */
	expect_hit(&log, 2, 3, 2, 6); /* hers */
	search(a, "hishe", 5, &log);
	ck_assert_uint_eq(log.n, 3);
	expect_hit(&log, 0, 2, 0, 3);
	expect_hit(&log, 1, 1, 2, 5);
	expect_hit(&log, 2, 0, 3, 5);
	search(a, "", 0, &log);
	ck_assert_uint_eq(log.n, 0);
	search(a, NULL, 0, &log);
	ck_assert_uint_eq(log.n, 0);
	log_free(&log);
	mesura_match__automaton_free(a);
}
END_TEST

START_TEST(overlapping_and_nested_terms)
{
	const char *terms[] = {"a", "aa", "aaa", "abcd", "bc", "b", "bcd", "cd"};
	mesura_automaton *a = build_terms(terms, NULL, NULL, 8);
	hit_log log = {0};
	search(a, "aaaa", 4, &log);
	/* end 1: a; end 2: aa, a; end 3: aaa, aa, a; end 4: aaa, aa, a */
	ck_assert_uint_eq(log.n, 9);
	expect_hit(&log, 0, 0, 0, 1);
	expect_hit(&log, 1, 1, 0, 2);
	expect_hit(&log, 2, 0, 1, 2);
	expect_hit(&log, 3, 2, 0, 3);
	expect_hit(&log, 6, 2, 1, 4);
	expect_hit(&log, 8, 0, 3, 4);
	search(a, "xabcdx", 6, &log);
	ck_assert_uint_eq(log.n, 6);
	expect_hit(&log, 0, 0, 1, 2); /* a */
	expect_hit(&log, 1, 5, 2, 3); /* b */
	expect_hit(&log, 2, 4, 2, 4); /* bc */
	expect_hit(&log, 3, 3, 1, 5); /* abcd */
	expect_hit(&log, 4, 6, 2, 5); /* bcd */
	expect_hit(&log, 5, 7, 3, 5); /* cd */
	log_free(&log);
	mesura_match__automaton_free(a);
}
END_TEST

START_TEST(duplicate_terms)
{
	mesura_automaton_builder *b;
	mesura_automaton *a;
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_add(b, "foo", 3, 9), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_add(b, "foo", 3, 2), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_add(b, "foo", 3, 9), MESURA_OK); /* once per id */
	ck_assert_int_eq(mesura_match__builder_add(b, "oo", 2, 5), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	hit_log log = {0};
	search(a, "foofoo", 6, &log);
	ck_assert_uint_eq(log.n, 6);
	expect_hit(&log, 0, 2, 0, 3);
	expect_hit(&log, 1, 9, 0, 3);
	expect_hit(&log, 2, 5, 1, 3);
	expect_hit(&log, 3, 2, 3, 6);
	expect_hit(&log, 4, 9, 3, 6);
	expect_hit(&log, 5, 5, 4, 6);
	mesura_match__automaton_free(a);
	/* The builder is unchanged by a build: more terms, a second automaton. */
	ck_assert_int_eq(mesura_match__builder_add(b, "of", 2, 1), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	mesura_match__builder_free(b);
	search(a, "foofoo", 6, &log);
	ck_assert_uint_eq(log.n, 7);
	expect_hit(&log, 3, 1, 2, 4);
	log_free(&log);
	mesura_match__automaton_free(a);
}
END_TEST

START_TEST(multibyte_terms)
{
	const char *terms[] = {"co\xc3\xb1o", "a\xc3\xb1o", "cabr\xc3\xb3n", "\xc3\xb1"};
	mesura_automaton *a = build_terms(terms, NULL, NULL, 4);
	const char *text = "el a\xc3\xb1o del co\xc3\xb1o, cabr\xc3\xb3n, cabron";
	hit_log log = {0};
	search(a, text, strlen(text), &log);
	size_t ano = (size_t)(strstr(text, "a\xc3\xb1o") - text);
	size_t cono = (size_t)(strstr(text, "co\xc3\xb1o") - text);
	size_t cabron = (size_t)(strstr(text, "cabr\xc3\xb3n") - text);
	ck_assert_uint_eq(log.n, 5);
	expect_hit(&log, 0, 3, ano + 1, ano + 3);    /* ñ */
	expect_hit(&log, 1, 1, ano, ano + 4);        /* año */
	expect_hit(&log, 2, 3, cono + 2, cono + 4);  /* ñ */
	expect_hit(&log, 3, 0, cono, cono + 5);      /* coño */
	expect_hit(&log, 4, 2, cabron, cabron + 7);  /* cabrón, not cabron */
	/* Half a character is not a character: the lead byte alone matches nothing. */
	search(a, "a\xc3", 2, &log);
	ck_assert_uint_eq(log.n, 0);
	log_free(&log);
	mesura_match__automaton_free(a);
}
END_TEST

START_TEST(invalid_arguments)
{
	mesura_automaton_builder *b;
	mesura_automaton *a = (mesura_automaton *)&a;
	ck_assert_int_eq(mesura_match__builder_new(NULL, NULL), MESURA_EINVAL);
	mesura_allocator half = {0};
	ck_assert_int_eq(mesura_match__builder_new(&b, &half), MESURA_EINVAL);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_add(b, "", 0, 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_match__builder_add(b, "x", 0, 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_match__builder_add(b, NULL, 3, 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_match__builder_add(NULL, "x", 1, 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_match__builder_build(NULL, &a), MESURA_EINVAL);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(mesura_match__builder_build(b, NULL), MESURA_EINVAL);
	/* No terms: an automaton that finds nothing. */
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	hit_log log = {0};
	search(a, "anything", 8, &log);
	ck_assert_uint_eq(log.n, 0);
	unsigned char mask[256] = {0};
	mask['*'] = 1;
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, "a*", 2, mask, 100, record, &log), 0);
	ck_assert_uint_eq(log.n, 0);
	mesura_match__automaton_free(a);
	mesura_match__builder_free(b);
	mesura_match__builder_free(NULL);
	mesura_match__automaton_free(NULL);
	ck_assert_uint_eq(mesura_match__automaton_memory(NULL), 0);
	log_free(&log);
}
END_TEST

START_TEST(nul_bytes)
{
	const char *terms[] = {"a\0b", "\0", "b\0"};
	size_t lens[] = {3, 1, 2};
	mesura_automaton *a = build_terms(terms, lens, NULL, 3);
	hit_log log = {0};
	search(a, "xa\0b\0y", 6, &log);
	ck_assert_uint_eq(log.n, 4);
	expect_hit(&log, 0, 1, 2, 3); /* \0 */
	expect_hit(&log, 1, 0, 1, 4); /* a\0b */
	expect_hit(&log, 2, 2, 3, 5); /* b\0 */
	expect_hit(&log, 3, 1, 4, 5); /* \0 */
	log_free(&log);
	mesura_match__automaton_free(a);
}
END_TEST

/* Random term sets and texts over small alphabets (overlaps, shared suffixes, NUL and
 * UTF-8 bytes), texts from empty to several multi-stream windows long, terms up to 40
 * bytes (so the streams' warm-up varies), dense hits that overflow the streams'
 * queues: every hit, in order, as memcmp finds them. */
START_TEST(agrees_with_naive_search)
{
	forced_layout = layouts[_i];
	static const char *alphabets[] = {"ab", "abc", "ab\xc3\xb1\0", "abcdefgh x"};
	static const size_t alphabet_sizes[] = {2, 3, 5, 10};
	tu_rng rng = {2024};
	tu_tally tally = {"naive search", 0, 0};
	hit_log got = {0}, want = {0};
	char *text = malloc(20000);
	ck_assert_ptr_nonnull(text);
	for (int iter = 0; iter < 400; iter++) {
		size_t which = tu_rng_below(&rng, 4);
		const char *alpha = alphabets[which];
		size_t alpha_n = alphabet_sizes[which];
		char store[64][40];
		const char *terms[64];
		size_t lens[64];
		size_t n = 1 + tu_rng_below(&rng, 64);
		size_t longest = 1 + tu_rng_below(&rng, iter % 4 == 0 ? 40 : 8);
		for (size_t i = 0; i < n; i++) {
			lens[i] = 1 + tu_rng_below(&rng, longest);
			for (size_t k = 0; k < lens[i]; k++)
				store[i][k] = alpha[tu_rng_below(&rng, alpha_n)];
			terms[i] = store[i];
		}
		size_t len = iter % 6 == 0 ? tu_rng_below(&rng, 20000) : tu_rng_below(&rng, 600);
		for (size_t k = 0; k < len; k++)
			text[k] = tu_rng_below(&rng, 50) ? alpha[tu_rng_below(&rng, alpha_n)] : 'z';
		mesura_automaton *a = build_terms(terms, lens, NULL, n);
		search(a, text, len, &got);
		naive_search(terms, lens, n, text, len, &want);
		tally.checks++;
		int same = got.n == want.n && same_hits(got.hits, want.hits, got.n);
		if (!same)
			tu_tally_fail(&tally, "iteration %d: %zu terms, text of %zu bytes: %zu hits, want %zu",
			              iter, n, len, got.n, want.n);
		mesura_match__automaton_free(a);
	}
	free(text);
	log_free(&got);
	log_free(&want);
	tu_tally_finish(&tally, "term sets");
}
END_TEST

/* Every text length from 0 to past the search's thresholds: a window needs four spans
 * of 8 bytes or more after a warm-up of min(longest term, 8) bytes, and spans of 8
 * longest terms or more warm up fully. The longest term is shorter than, as long as
 * and longer than that quick warm-up. Texts of one letter (each stream's state guessed
 * after a quick warm-up is wrong, and its queue of hits fills), of two letters (some
 * guesses wrong) and with a byte no term holds (most guesses right): every hit, in
 * order, and the callback's stop value at a random hit. */
START_TEST(agrees_around_stream_thresholds)
{
	forced_layout = layouts[_i];
	static const size_t longest[] = {1, 3, 7, 8, 9, 16, 33};
	tu_rng rng = {4242};
	tu_tally tally = {"stream thresholds", 0, 0};
	hit_log got = {0}, want = {0};
	char *text = malloc(32 * 33 + 8 + 4 * 33 + 41);
	ck_assert_ptr_nonnull(text);
	for (size_t set = 0; set < sizeof longest / sizeof *longest; set++) {
		size_t top = longest[set], quick = top < 8 ? top : 8;
		char store[12][33];
		const char *terms[12];
		size_t lens[12];
		/* a^top and a^(top/2+1) (deep states in a run of a), then random over {a, b} */
		for (size_t i = 0; i < 12; i++) {
			lens[i] = i == 0 ? top : i == 1 ? top / 2 + 1 : 1 + tu_rng_below(&rng, top);
			for (size_t k = 0; k < lens[i]; k++)
				store[i][k] = i < 2 ? 'a' : "ab"[tu_rng_below(&rng, 2)];
			terms[i] = store[i];
		}
		mesura_automaton *a = build_terms(terms, lens, NULL, 12);
		/* Lengths 0 to past the full warm-up's threshold, 32 * top + quick (for the
		 * longest term of 33, only around it). */
		size_t sure_at = 32 * top + quick, last = sure_at + 4 * top + 40;
		for (size_t len = 0; len <= last; len++) {
			if (len > 4 * top + 80 && len + 40 < sure_at)
				continue;
			for (int kind = 0; kind < 3; kind++) {
				for (size_t k = 0; k < len; k++)
					text[k] = kind == 0                             ? 'a'
					          : kind == 1 || tu_rng_below(&rng, 6) ? "ab"[tu_rng_below(&rng, 2)]
					                                               : 'x';
				search(a, text, len, &got);
				naive_search(terms, lens, 12, text, len, &want);
				tally.checks++;
				if (got.n != want.n || !same_hits(got.hits, want.hits, got.n)) {
					tu_tally_fail(&tally, "longest %zu, text %d of %zu bytes: %zu hits, want %zu",
					              top, kind, len, got.n, want.n);
					continue;
				}
				if (want.n == 0)
					continue;
				size_t stop = 1 + tu_rng_below(&rng, want.n);
				log_reset(&got, stop);
				int rc = mesura_match__automaton_search(a, text, len, record, &got);
				tally.checks++;
				if (rc != 7 || got.n != stop || !same_hits(got.hits, want.hits, stop))
					tu_tally_fail(&tally, "longest %zu, text %d of %zu bytes, stop at hit %zu: "
					              "rc %d after %zu hits",
					              top, kind, len, stop, rc, got.n);
			}
		}
		mesura_match__automaton_free(a);
	}
	free(text);
	log_free(&got);
	log_free(&want);
	tu_tally_finish(&tally, "searches");
}
END_TEST

/* The stop value comes back at once, after exactly the hits before it, whichever
 * stream of a long text the stopping hit belongs to. */
START_TEST(callback_stops_the_search)
{
	forced_layout = layouts[_i];
	const char *terms[] = {"a", "ab", "ba", "bab", "abba"};
	mesura_automaton *a = build_terms(terms, NULL, NULL, 5);
	tu_rng rng = {7};
	size_t len = 30000;
	char *text = malloc(len);
	ck_assert_ptr_nonnull(text);
	for (size_t k = 0; k < len; k++)
		text[k] = "abx"[tu_rng_below(&rng, 3)];
	hit_log all = {0}, some = {0};
	search(a, text, len, &all);
	ck_assert_uint_gt(all.n, 1000);
	for (size_t j = 0; j <= 40; j++) {
		size_t stop = j == 0 ? 1 : all.n * j / 40;
		log_reset(&some, stop);
		ck_assert_int_eq(mesura_match__automaton_search(a, text, len, record, &some), 7);
		ck_assert_uint_eq(some.n, stop);
		ck_assert(same_hits(some.hits, all.hits, stop));
	}
	log_reset(&some, 1);
	ck_assert_int_eq(mesura_match__automaton_search(a, "xxbab", 5, record, &some), 7);
	ck_assert_uint_eq(some.n, 1);
	expect_hit(&some, 0, 2, 2, 4);
	free(text);
	log_free(&all);
	log_free(&some);
	mesura_match__automaton_free(a);
}
END_TEST

/* ---------------------------------------------------------- 100,000 terms */

typedef struct {
	const char *bytes;
	size_t len;
	uint32_t id;
} big_term;

static int cmp_big_term(const void *a, const void *b)
{
	const big_term *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->bytes, y->bytes, n);
	if (r)
		return r;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Every term ending at each offset, by binary search in the sorted terms. */
static void naive_search_sorted(const big_term *sorted, size_t n, size_t longest,
                                const char *text, size_t len, hit_log *want)
{
	log_reset(want, 0);
	for (size_t end = 1; end <= len; end++)
		for (size_t l = 1; l <= longest && l <= end; l++) {
			big_term key = {text + end - l, l, 0};
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (cmp_big_term(&sorted[mid], &key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < n && sorted[lo].len == l && memcmp(sorted[lo].bytes, key.bytes, l) == 0; lo++)
				record(sorted[lo].id, end - l, end, want);
		}
	qsort(want->hits, want->n, sizeof *want->hits, cmp_hit);
}

/* The term with its byte `at` masked ('*' in `mask`) is found by the masked walk. */
static void expect_masked_found(const mesura_automaton *a, const big_term *t, size_t at,
                                const unsigned char mask[256], hit_log *got)
{
	char spelled[64];
	ck_assert_uint_lt(t->len, sizeof spelled);
	memcpy(spelled, t->bytes, t->len);
	spelled[at] = '*';
	log_reset(got, 0);
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, spelled, t->len, mask, SIZE_MAX,
	                                                      record, got),
	                 0);
	size_t k = 0;
	while (k < got->n && got->hits[k].id != t->id)
		k++;
	ck_assert_msg(k < got->n, "%.*s (%s): not found", (int)t->len, spelled,
	              mesura_match__automaton_layout(a));
}

START_TEST(hundred_thousand_terms)
{
	enum { N = 100000, TEXT = 200000 };
	tu_rng rng = {100000};
	char *store = malloc((size_t)N * 14);
	big_term *terms = malloc(N * sizeof *terms);
	char *text = malloc(TEXT);
	ck_assert(store && terms && text);
	mesura_automaton_builder *b;
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	for (size_t i = 0; i < N; i++) {
		char *t = store + i * 14;
		size_t len = 4 + tu_rng_below(&rng, 11);
		for (size_t k = 0; k < len; k++)
			t[k] = (char)('a' + tu_rng_below(&rng, 26));
		terms[i] = (big_term){t, len, (uint32_t)i};
		ck_assert_int_eq(mesura_match__builder_add(b, t, len, (uint32_t)i), MESURA_OK);
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mesura_automaton *a;
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	double seconds = tu_seconds_since(&t0);
	mesura_match__builder_free(b);
	printf("100000 terms: built in %.3f s, %zu bytes\n", seconds,
	       mesura_match__automaton_memory(a));
	ck_assert_str_eq(mesura_match__automaton_layout(a), "mixed");
	/* Random letters and spaces, with every 97th term planted at a known place. */
	for (size_t k = 0; k < TEXT; k++)
		text[k] = tu_rng_below(&rng, 6) ? (char)('a' + tu_rng_below(&rng, 26)) : ' ';
	size_t planted = 0;
	for (size_t i = 0, at = 100; i < N && at + 20 < TEXT; i += 97, at += 150) {
		memcpy(text + at, terms[i].bytes, terms[i].len);
		planted++;
	}
	hit_log got = {0}, want = {0};
	search(a, text, TEXT, &got);
	size_t found = 0;
	for (size_t i = 0, at = 100, k = 0; i < N && at + 20 < TEXT; i += 97, at += 150) {
		while (k < got.n && got.hits[k].end < at + terms[i].len)
			k++;
		for (size_t j = k; j < got.n && got.hits[j].end == at + terms[i].len; j++)
			if (got.hits[j].id == i && got.hits[j].start == at)
				found++;
	}
	ck_assert_uint_eq(found, planted);
	qsort(terms, N, sizeof *terms, cmp_big_term);
	naive_search_sorted(terms, N, 14, text, TEXT, &want);
	printf("100000 terms: %zu hits in %d bytes, %zu planted\n", got.n, TEXT, planted);
	assert_same_hits(&got, &want, "100000 terms");
	/* Post-sized texts (short stream windows): the same hits. */
	for (size_t from = 0; from + 300 <= TEXT; from += 7919) {
		search(a, text + from, 300, &got);
		naive_search_sorted(terms, N, 14, text + from, 300, &want);
		assert_same_hits(&got, &want, "100000 terms, post-sized");
	}
	unsigned char mask[256] = {0};
	mask['*'] = 1;
	/* Masked spellings of long terms: their deep states are sparse records. */
	for (size_t i = 0; i < N; i += 997)
		if (terms[i].len >= 10)
			expect_masked_found(a, &terms[i], 7, mask, &got);
	log_reset(&got, 0);
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, "**********", 10, mask, 1000, record, &got),
	                 MESURA_ELIMIT);
	log_free(&got);
	log_free(&want);
	mesura_match__automaton_free(a);
	free(store);
	free(terms);
	free(text);
}
END_TEST

/* Each layout has its own search loop: random lower-case terms in numbers that give
 * each one (a narrow DFA of at most 65,536 states, a dense one past that, rows and
 * sparse records past 16 MiB of rows), over random text of letters and spaces with
 * terms planted, whole and post-sized: the hits a binary search of the sorted terms
 * finds, in order, and the masked walk finds planted terms (it reads match numbers
 * through each layout). */
static void layout_agrees(size_t n_terms, size_t min_len, size_t max_len, const char *layout,
                          uint64_t seed)
{
	enum { TEXT = 30000 };
	tu_rng rng = {seed};
	char *store = malloc(n_terms * max_len), *text = malloc(TEXT);
	big_term *terms = malloc(n_terms * sizeof *terms);
	ck_assert(store && text && terms);
	mesura_automaton_builder *b;
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	for (size_t i = 0; i < n_terms; i++) {
		char *t = store + i * max_len;
		size_t len = min_len + tu_rng_below(&rng, max_len - min_len + 1);
		for (size_t k = 0; k < len; k++) /* a few letters often: shared prefixes, deep states */
			t[k] = (char)('a' + tu_rng_below(&rng, tu_rng_below(&rng, 3) ? 6 : 26));
		terms[i] = (big_term){t, len, (uint32_t)i};
		ck_assert_int_eq(mesura_match__builder_add(b, t, len, (uint32_t)i), MESURA_OK);
	}
	mesura_automaton *a;
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	mesura_match__builder_free(b);
	ck_assert_str_eq(mesura_match__automaton_layout(a), layout);
	for (size_t k = 0; k < TEXT; k++)
		text[k] = tu_rng_below(&rng, 6) ? (char)('a' + tu_rng_below(&rng, 6)) : ' ';
	size_t planted = 0;
	for (size_t i = 0, at = 50; i < n_terms && at + max_len < TEXT; i += 13, at += 97, planted++)
		memcpy(text + at, terms[i].bytes, terms[i].len);
	hit_log got = {0}, want = {0};
	unsigned char mask[256] = {0};
	mask['*'] = 1;
	for (size_t i = 0; i < n_terms; i += n_terms / 50) /* masked: the term is found */
		expect_masked_found(a, &terms[i], terms[i].len / 2, mask, &got);
	qsort(terms, n_terms, sizeof *terms, cmp_big_term);
	search(a, text, TEXT, &got);
	naive_search_sorted(terms, n_terms, max_len, text, TEXT, &want);
	ck_assert_uint_ge(want.n, planted); /* each planted term, and what else is there */
	assert_same_hits(&got, &want, layout);
	for (size_t from = 0; from + 300 <= TEXT; from += 1009) {
		size_t len = 40 + tu_rng_below(&rng, 260);
		search(a, text + from, len, &got);
		naive_search_sorted(terms, n_terms, max_len, text + from, len, &want);
		assert_same_hits(&got, &want, layout);
	}
	log_free(&got);
	log_free(&want);
	mesura_match__automaton_free(a);
	free(store);
	free(terms);
	free(text);
}

START_TEST(each_layout_agrees_with_naive_search)
{
	layout_agrees(3000, 3, 12, "narrow", 7);
	layout_agrees(12000, 8, 14, "dense", 8);
}
END_TEST

/* ---------------------------------------------------------- masked spellings */

static const char *const profanity[] = {
	"fuck", "folk", "puta", "mierda", "co\xc3\xb1o", "hijo de puta", "orion-x", "a\xe2\x82\xac" "b",
	"a1b", "conoce", "cabr\xc3\xb3n", "abcdefghij",
	"x\xf0\x9d\x90\x9ay",                    /* x, U+1D41A MATHEMATICAL BOLD SMALL A, y */
	"q\xe0\x80\x80r", "q\xed\xa0\x80r", "q\xc3r", /* ill-formed: overlong, surrogate, cut */
};
enum { N_PROFANITY = sizeof profanity / sizeof *profanity };

static void masked(const mesura_automaton *a, const char *text, size_t budget, int want_rc,
                   hit_log *log)
{
	unsigned char mask[256] = {0};
	for (const char *m = "*#@$.-_"; *m; m++)
		mask[(unsigned char)*m] = 1;
	log_reset(log, 0);
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, text, strlen(text), mask, budget,
	                                                      record, log),
	                 want_rc);
}

static void expect_masked(const mesura_automaton *a, const char *text, size_t n_want, ...)
{
	hit_log log = {0};
	masked(a, text, 100000, 0, &log);
	ck_assert_msg(log.n == n_want, "\"%s\": %zu terms, want %zu", text, log.n, n_want);
	va_list ap;
	va_start(ap, n_want);
	for (size_t k = 0; k < n_want; k++) {
		unsigned id = va_arg(ap, unsigned);
		ck_assert_msg(log.hits[k].id == id, "\"%s\": term %zu is %u, want %u", text, k,
		              log.hits[k].id, id);
		ck_assert_uint_eq(log.hits[k].start, 0);
		ck_assert_uint_eq(log.hits[k].end, strlen(text));
	}
	va_end(ap);
	log_free(&log);
}

START_TEST(masked_spellings)
{
	mesura_automaton *a = build_terms(profanity, NULL, NULL, N_PROFANITY);
	expect_masked(a, "f*ck", 1, 0u);
	expect_masked(a, "f**k", 2, 1u, 0u); /* folk and fuck, in byte order */
	expect_masked(a, "p#ta", 1, 2u);
	expect_masked(a, "m*erda", 1, 3u);
	expect_masked(a, "mi.rd@", 1, 3u);
	expect_masked(a, "co*o", 1, 4u);          /* the mask stands for ñ */
	expect_masked(a, "h*jo de p*ta", 1, 5u);
	expect_masked(a, "cabr*n", 1, 10u);
	expect_masked(a, "or*on-x", 1, 6u);       /* '-' stands for itself */
	expect_masked(a, "orion-x", 0);           /* ... but no mask stood for a letter */
	expect_masked(a, "fuck", 0);              /* exact matches are the search's job */
	expect_masked(a, "a*b", 0);               /* neither € nor 1 is a letter */
	expect_masked(a, "f*c", 0);               /* whole terms only */
	expect_masked(a, "f*cks", 0);
	expect_masked(a, "*", 0);
	expect_masked(a, "", 0);
	expect_masked(a, "**********", 1, 11u);   /* abcdefghij */
	expect_masked(a, "x*y", 1, 12u);          /* a four-byte letter */
	expect_masked(a, "q*r", 0);               /* ill-formed UTF-8 is no letter */
	mesura_match__automaton_free(a);
}
END_TEST

/* Classes put the space and the letters before the other bytes (the rows' hot part
 * first), while trie edges stay in byte order: the masked walk finds an exact byte
 * among a state's edges by byte, and reports its terms in byte order. Here the edges of
 * the root and of 'q' hold bytes below the space, the space, punctuation, a capital and
 * letters, whose byte order is not their class order. */
static const char *const mixed_bytes[] = {
	"q\x01z", "q z", "q!z", "qZz", "qbz", "q~z", "\x01q", " q", "!q", "Zq", "bq", "~q",
};
enum { N_MIXED_BYTES = sizeof mixed_bytes / sizeof *mixed_bytes };

START_TEST(masked_edges_in_byte_order)
{
	mesura_automaton *a = build_terms(mixed_bytes, NULL, NULL, N_MIXED_BYTES);
	expect_masked(a, "*\x01z", 1, 0u);
	expect_masked(a, "* z", 1, 1u);
	expect_masked(a, "*!z", 1, 2u);
	expect_masked(a, "*Zz", 1, 3u);
	expect_masked(a, "*bz", 1, 4u);
	expect_masked(a, "*~z", 1, 5u);
	expect_masked(a, "\x01*", 1, 6u);
	expect_masked(a, " *", 1, 7u);
	expect_masked(a, "!*", 1, 8u);
	expect_masked(a, "~*", 1, 11u);
	expect_masked(a, "q*z", 2, 3u, 4u);  /* 'Z' and 'b' are letters; in byte order */
	expect_masked(a, "**", 2, 9u, 10u);   /* "Zq" and "bq", in byte order */
	/* and the plain search, against the naive one */
	static const char text[] = "q\x01z q z q!z qZz qbz q~z \x01q Zq ~q";
	size_t lens[N_MIXED_BYTES];
	for (size_t i = 0; i < N_MIXED_BYTES; i++)
		lens[i] = strlen(mixed_bytes[i]);
	hit_log got = {0}, want = {0};
	search(a, text, sizeof text - 1, &got);
	naive_search(mixed_bytes, lens, N_MIXED_BYTES, text, sizeof text - 1, &want);
	ck_assert_uint_eq(got.n, 14); /* the six "q?z", " q" five times, \x01q Zq ~q */
	ck_assert(got.n == want.n && same_hits(got.hits, want.hits, got.n));
	log_free(&got);
	log_free(&want);
	mesura_match__automaton_free(a);
}
END_TEST

/* Naive masked equality: each mask byte is itself or one letter of the term (ASCII, or
 * ñ, the only multi-byte letter of the test alphabet), at least once a letter. */
static int naive_masked(const char *term, size_t tlen, const char *text, size_t len,
                        const unsigned char *mask)
{
	size_t j = 0, wild = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (j < tlen && term[j] == text[i]) {
			j++;
		} else if (!mask[c] || j == tlen) {
			return 0;
		} else if ((unsigned)(((unsigned char)term[j] | 0x20) - 'a') < 26u) {
			j++, wild++;
		} else if (j + 1 < tlen && memcmp(term + j, "\xc3\xb1", 2) == 0) {
			j += 2, wild++;
		} else {
			return 0;
		}
	}
	return j == tlen && wild > 0;
}

START_TEST(masked_agrees_with_naive)
{
	forced_layout = layouts[_i];
	static const char *const chars[] = {"a", "b", "c", "\xc3\xb1", "\xe2\x82\xac", "1", "-"};
	static const char *const text_chars[] = {"a", "b", "\xc3\xb1", "1", "-", "*", "*", "#"};
	unsigned char mask[256] = {0};
	mask['*'] = mask['#'] = mask['-'] = 1;
	tu_rng rng = {99};
	tu_tally tally = {"naive masked", 0, 0};
	hit_log got = {0};
	for (int iter = 0; iter < 300; iter++) {
		char store[48][24];
		const char *terms[48];
		size_t lens[48];
		size_t n = 1 + tu_rng_below(&rng, 48);
		for (size_t i = 0; i < n; i++) {
			size_t chars_n = 1 + tu_rng_below(&rng, 5);
			lens[i] = 0;
			for (size_t k = 0; k < chars_n; k++) {
				const char *ch = chars[tu_rng_below(&rng, 7)];
				memcpy(store[i] + lens[i], ch, strlen(ch));
				lens[i] += strlen(ch);
			}
			terms[i] = store[i];
		}
		mesura_automaton *a = build_terms(terms, lens, NULL, n);
		for (int t = 0; t < 20; t++) {
			char text[32];
			size_t len = 0, chars_n = 1 + tu_rng_below(&rng, 5);
			for (size_t k = 0; k < chars_n; k++) {
				const char *ch = text_chars[tu_rng_below(&rng, 8)];
				memcpy(text + len, ch, strlen(ch));
				len += strlen(ch);
			}
			log_reset(&got, 0);
			int rc = mesura_match__automaton_match_masked(a, text, len, mask, SIZE_MAX, record, &got);
			/* The expected terms in byte order, each once per id. */
			size_t want[48], n_want = 0;
			for (size_t i = 0; i < n; i++)
				if (naive_masked(terms[i], lens[i], text, len, mask))
					want[n_want++] = i;
			for (size_t x = 1; x < n_want; x++)
				for (size_t y = x; y > 0; y--) {
					big_term p = {terms[want[y - 1]], lens[want[y - 1]], (uint32_t)want[y - 1]};
					big_term q = {terms[want[y]], lens[want[y]], (uint32_t)want[y]};
					if (cmp_big_term(&p, &q) <= 0)
						break;
					size_t swap = want[y];
					want[y] = want[y - 1];
					want[y - 1] = swap;
				}
			tally.checks++;
			int same = rc == 0 && got.n == n_want;
			for (size_t k = 0; same && k < n_want; k++)
				same = got.hits[k].id == want[k] && got.hits[k].start == 0 && got.hits[k].end == len;
			if (!same)
				tu_tally_fail(&tally, "iteration %d: \"%.*s\": rc %d, %zu terms, want %zu", iter,
				              (int)len, text, rc, got.n, n_want);
		}
		mesura_match__automaton_free(a);
	}
	log_free(&got);
	tu_tally_finish(&tally, "texts");
}
END_TEST

/* The budget bounds the walk: a limited walk reports a prefix of the full answer, and
 * a run of masks over a large trie stops at once. */
START_TEST(masked_budget)
{
	mesura_automaton *a = build_terms(profanity, NULL, NULL, N_PROFANITY);
	hit_log full = {0}, some = {0};
	masked(a, "f**k", SIZE_MAX, 0, &full);
	ck_assert_uint_eq(full.n, 2);
	int limited = 0;
	for (size_t budget = 0; budget < 200; budget++) {
		unsigned char mask[256] = {0};
		mask['*'] = 1;
		log_reset(&some, 0);
		int rc = mesura_match__automaton_match_masked(a, "f**k", 4, mask, budget, record, &some);
		ck_assert(rc == 0 || rc == MESURA_ELIMIT);
		limited += rc == MESURA_ELIMIT;
		ck_assert_uint_le(some.n, full.n);
		if (rc == 0)
			ck_assert_uint_eq(some.n, full.n);
		for (size_t k = 0; k < some.n; k++)
			ck_assert_uint_eq(some.hits[k].id, full.hits[k].id);
	}
	ck_assert_int_gt(limited, 0);
	masked(a, "**********", 5, MESURA_ELIMIT, &some);
	ck_assert_uint_eq(some.n, 0);
	char many[80];
	memset(many, '*', sizeof many);
	unsigned char mask[256] = {0};
	mask['*'] = 1;
	log_reset(&some, 0);
	/* Longer than any term: nothing to find. */
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, many, 80, mask, 10, record, &some), 0);
	mesura_match__automaton_free(a);

	/* 2,000 ten-letter terms: ten masks have a large tree to walk. */
	mesura_automaton_builder *b;
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	tu_rng rng = {3};
	for (uint32_t i = 0; i < 2000; i++) {
		char t[80];
		for (size_t k = 0; k < 80; k++)
			t[k] = (char)('a' + tu_rng_below(&rng, 26));
		ck_assert_int_eq(mesura_match__builder_add(b, t, i ? 10 : 80, i), MESURA_OK);
	}
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	mesura_match__builder_free(b);
	log_reset(&some, 0);
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, many, 10, mask, 1000, record, &some),
	                 MESURA_ELIMIT);
	ck_assert_uint_lt(some.n, 2000);
	log_reset(&some, 0);
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, many, 10, mask, SIZE_MAX, record, &some),
	                 0);
	ck_assert_uint_eq(some.n, 1999); /* every ten-letter term */
	/* More than 64 masks: refused at once. */
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, many, 65, mask, SIZE_MAX, record, &some),
	                 MESURA_ELIMIT);
	/* The callback stops the walk. */
	log_reset(&some, 3);
	ck_assert_int_eq(mesura_match__automaton_match_masked(a, many, 10, mask, SIZE_MAX, record, &some),
	                 7);
	ck_assert_uint_eq(some.n, 3);
	mesura_match__automaton_free(a);
	log_free(&full);
	log_free(&some);
}
END_TEST

/* ---------------------------------------------------------- allocation failures */

START_TEST(allocation_failures_are_clean)
{
	/* Shared prefixes, duplicates, a long term and UTF-8: every build path. */
	static const char *const terms[] = {"mierda", "hijo de puta", "co\xc3\xb1o", "co", "ca",
	                                     "ce", "ci", "cu", "mierda", "project falcon", "he",
	                                     "she", "his", "hers"};
	enum { N_TERMS = sizeof terms / sizeof *terms };
	int built = 0;
	for (size_t fail_after = 0; !built && fail_after < 1000; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_automaton_builder *b = NULL;
		mesura_automaton *a = NULL;
		int rc = mesura_match__builder_new(&b, &fa.hooks);
		for (size_t i = 0; rc == MESURA_OK && i < N_TERMS; i++) {
			rc = mesura_match__builder_add(b, terms[i], strlen(terms[i]), (uint32_t)i);
			if (rc != MESURA_OK) {
				/* The builder is unchanged and still usable. */
				ck_assert_int_eq(rc, MESURA_ENOMEM);
				fa.fail_after = SIZE_MAX;
				rc = mesura_match__builder_add(b, terms[i], strlen(terms[i]), (uint32_t)i);
				ck_assert_int_eq(rc, MESURA_OK);
				fa.fail_after = fail_after;
				fa.calls = 0;
			}
		}
		if (rc == MESURA_OK)
			rc = mesura_match__builder_build(b, &a);
		if (rc == MESURA_OK) {
			built = 1;
			hit_log log = {0};
			search(a, "ushers", 6, &log);
			ck_assert_uint_eq(log.n, 3);
			log_free(&log);
		} else {
			ck_assert_int_eq(rc, MESURA_ENOMEM);
			ck_assert_ptr_null(a);
		}
		mesura_match__automaton_free(a);
		mesura_match__builder_free(b);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(built);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("automaton");
	TCase *tc = tcase_create("search");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, ushers);
	tcase_add_test(tc, overlapping_and_nested_terms);
	tcase_add_test(tc, duplicate_terms);
	tcase_add_test(tc, multibyte_terms);
	tcase_add_test(tc, invalid_arguments);
	tcase_add_test(tc, nul_bytes);
	tcase_add_checked_fixture(tc, NULL, unforce_layout);
	tcase_add_loop_test(tc, agrees_with_naive_search, 0, 3);
	tcase_add_loop_test(tc, agrees_around_stream_thresholds, 0, 3);
	tcase_add_loop_test(tc, callback_stops_the_search, 0, 3);
	tcase_add_test(tc, hundred_thousand_terms);
	tcase_add_test(tc, each_layout_agrees_with_naive_search);
	suite_add_tcase(s, tc);
	TCase *masks = tcase_create("masked");
	tcase_add_test(masks, masked_spellings);
	tcase_add_test(masks, masked_edges_in_byte_order);
	tcase_add_checked_fixture(masks, NULL, unforce_layout);
	tcase_add_loop_test(masks, masked_agrees_with_naive, 0, 3);
	tcase_add_test(masks, masked_budget);
	suite_add_tcase(s, masks);
	TCase *oom = tcase_create("allocation");
	tcase_add_test(oom, allocation_failures_are_clean);
	suite_add_tcase(s, oom);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
