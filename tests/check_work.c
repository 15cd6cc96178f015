/* The work a scan does (the scanner's internal step counter, scan/state.h): it grows
 * linearly with the post on hostile inputs, and the time budget stops a scan inside
 * its long steps (a budget of work stands for the clock, so nothing here is timed). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compiled.h"
#include "match/automaton.h"
#include "scan/state.h"
#include "text/view.h"
#include "tokens/tokenize.h"
#include "testutil.h"
#include <mesura.h>

static mesura_policy *policy;
static mesura_scanner *scanner;

static void setup(void)
{
	ck_assert_int_eq(mesura_policy_default(&policy, NULL, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&scanner, policy, NULL), MESURA_OK);
}

static void teardown(void)
{
	mesura_scanner_free(scanner);
	mesura_policy_free(policy);
}

/* ------------------------------------------------------------ hostile posts */

typedef struct {
	const char *name;
	const char *unit; /* repeated; NULL: random bytes (or letters, see below) */
	const char *tail; /* once at the end, so the post has something to find */
} hostile;

/* A hit inside a hashtag: the scanner must tokenize the post to see that "Fuck" is a
 * word of its own, so these posts take the tokenizer's pass too. */
#define HIT " #FuckOff"

static const hostile HOSTILE[] = {
    {"run of @", "@", HIT},
    {"run of !", "!", HIT},
    {"run of $", "$", HIT},
    {"run of |", "|", HIT},
    {"run of 0", "0", HIT},
    {"run of 1", "1", HIT},
    {"run of 3", "3", HIT},
    {"leet symbols", "@$!|", HIT},
    {"leet word", "sh!t @$$h0l3 ", HIT},
    {"combining marks", "a\xcc\x81\xcc\x88\xcc\xa3", HIT}, /* a + three marks */
    {"marks out of order", "a\xcc\x96\xcc\x81\xcd\x85", HIT},
    {"run of marks", "\xcc\x81", HIT},
    {"hangul jamo", "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", HIT},
    {"zero-width run", "\xe2\x80\x8b", HIT}, /* U+200B */
    {"zero-width letters", "f\xe2\x80\x8bu\xe2\x80\x8b", HIT},
    {"soft hyphens", "\xc2\xad", HIT},
    {"words with joiners", "fuck\xcd\x8f\xc2\xad\xcc\x81 ", HIT}, /* CGJ, SHY, mark */
    {"spaced letters", "a ", "f u c k"},
    {"dotted letters", "a.", "f.u.c.k"},
    {"starred letters", "f*", HIT},
    {"spaced digits", "1 ", HIT},
    {"digits with dots", "12.", HIT},
    {"masks", "f**k ", HIT},
    {"masked word", "f*ck", HIT},
    {"mixed masks", "p#t@ m!3rd@ f_ck ", HIT},
    {"star run", "*", HIT},
    {"repeated letter", "a", HIT},
    {"space run", " ", HIT},
    {"crlf run", "\r\n", HIT},
    {"mentions", "@a", HIT},
    {"hashtags", "#aB1_", HIT},
    {"hangul then url", "\xed\x95\x9cx.com", HIT},
    {"apostrophes", "a'", HIT},
    {"marks after a dot", "a.\xcc\x88\xcc\x88!", HIT},
    {"e-mails", "ana@example.com ", HIT},
    {"cards", "4111 1111 1111 1111 ", HIT},
    {"phones", "+34 612 345 678 ", HIT},
    {"fullwidth", "\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b ", HIT}, /* Ｆｕｃｋ */
    {"confusables", "\xd0\x90\xd0\x92\xd0\xa1\xf0\x9d\x90\x9a", HIT},
    {"zwj emoji", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d", HIT},
    {"long word", NULL, HIT},
    {"random bytes", NULL, HIT},
};

#define RANDOM_BLOCK 2048

static const hostile *find_hostile(const char *name)
{
	for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++)
		if (strcmp(HOSTILE[i].name, name) == 0)
			return &HOSTILE[i];
	ck_abort_msg("no hostile post \"%s\"", name);
	return NULL;
}

/* The post of kind h, about n bytes, into a malloc'd buffer. */
static char *make_post(const hostile *h, size_t n, size_t *len)
{
	size_t tail = strlen(h->tail);
	char *p = malloc(n + tail + 64);
	ck_assert_ptr_nonnull(p);
	size_t at = 0;
	if (!h->unit) {
		/* a block of RANDOM_BLOCK random bytes (or letters) over and over: a post of
		 * n and one of 10n hold the same words, so the same regexes run on both */
		int letters = strcmp(h->name, "long word") == 0;
		for (; at < n; at++) {
			tu_rng rng = {at % RANDOM_BLOCK};
			p[at] = letters ? (char)('a' + tu_rng_below(&rng, 26))
			                : (char)tu_rng_below(&rng, 256);
		}
	} else {
		size_t u = strlen(h->unit);
		for (; at + u <= n; at += u)
			memcpy(p + at, h->unit, u);
	}
	memcpy(p + at, h->tail, tail);
	*len = at + tail;
	return p;
}

/* The work of one scan of kind h at about n bytes (and its status). */
static uint64_t work_of(const hostile *h, size_t n, int *rc)
{
	size_t len;
	char *post = make_post(h, n, &len);
	const mesura_result *r;
	*rc = mesura_scan(scanner, post, len, 0, &r);
	free(post);
	if (strcmp(h->tail, HIT) == 0) /* the hit made the scanner tokenize the post */
		ck_assert_msg(scanner->tokenized, "%s: not tokenized", h->name);
	return mesura_scan__work(scanner);
}

/* Ten times the post, at most about ten times the work (a little more for the constant
 * terms): the scan is linear on every hostile input. */
START_TEST(work_grows_linearly)
{
	enum { N = 4096 };
	tu_tally t = {"linear work", 0, 0};
	for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++) {
		int rc1, rc10;
		uint64_t w1 = work_of(&HOSTILE[i], N, &rc1);
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		uint64_t w10 = work_of(&HOSTILE[i], 10 * N, &rc10);
		double secs = tu_seconds_since(&t0); /* printed, never asserted */
		printf("  %-20s %9llu -> %10llu steps (x%.2f), %.1f ms at 10n\n", HOSTILE[i].name,
		       (unsigned long long)w1, (unsigned long long)w10, (double)w10 / (double)w1,
		       secs * 1e3);
		t.checks++;
		if (rc1 != MESURA_OK && rc1 != MESURA_ELIMIT)
			tu_tally_fail(&t, "%s: status %d", HOSTILE[i].name, rc1);
		else if (rc10 != MESURA_OK && rc10 != MESURA_ELIMIT)
			tu_tally_fail(&t, "%s: status %d at 10n", HOSTILE[i].name, rc10);
		else if (w1 < N || w10 * 4 > w1 * 50)
			tu_tally_fail(&t, "%s: %llu steps, then %llu at 10n", HOSTILE[i].name,
			              (unsigned long long)w1, (unsigned long long)w10);
	}
	tu_tally_finish(&t, "kinds of post");
}
END_TEST

/* ------------------------------------------------------------ time budget */

/* A scan whose time ran out: ELIMIT, LIMIT_TIME, reviewed at least. */
static void assert_out_of_time(int rc, const mesura_result *r)
{
	ck_assert_int_eq(rc, MESURA_ELIMIT);
	ck_assert(r->limits_hit & MESURA_LIMIT_TIME);
	ck_assert(!(r->limits_hit & MESURA_LIMIT_ERROR));
	ck_assert_int_ge(r->verdict, MESURA_ACTION_REVIEW);
}

/* An upper bound of the longest step a scan of the post cannot interrupt: making one
 * view whole (its stop hook cuts it into smaller steps: see
 * view_making_is_interrupted), or tokenizing the post. A regex attempt or a view's
 * summary reads one view, which costs less than making it. */
static uint64_t longest_step(const char *post, size_t len)
{
	const mesura_result *r;
	uint64_t longest = 0;
	mesura_scan__set_work_budget(scanner, 0);
	mesura_scan(scanner, post, len, 0, &r);
	for (size_t v = 0; v < policy->n_views; v++) {
		const mesura_view *view = scanner->views[v];
		uint64_t work = view->steps + view->cur.len;
		longest = work > longest ? work : longest;
	}
	mesura_tokens *t = NULL;
	ck_assert_int_eq(mesura_tokens_new(&t, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_tokenize(t, post, len, MESURA_TOKENIZE_ALL), MESURA_OK);
	uint64_t tokenizing = len + mesura_tokens__steps(t);
	mesura_tokens_free(t);
	return tokenizing > longest ? tokenizing : longest;
}

/* Budgets that run out at every stage of hostile posts of 256 KiB: the scan stops
 * within the longest step it cannot interrupt (longest_step) plus three times the
 * 64 KiB between two checks of its budget (the work before the check that follows
 * such a step, and the rest of a term search that the step, a hit's tokenizing,
 * interrupted), far sooner than the whole scan. Without the checks inside
 * the long loops (the automaton's pass over a view, the self-censored words of
 * "f**k f**k ...", the attempts of a regex that matches all along the view), it would
 * overshoot by the rest of such a loop. */
START_TEST(time_budget_holds_inside_long_steps)
{
	enum { N = 256 * 1024 };
	static const char *const kinds[] = {"masks", "mixed masks", "e-mails", "cards",
	                                    "spaced letters", "random bytes"};
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		const hostile *h = find_hostile(kinds[k]);
		size_t len;
		char *post = make_post(h, N, &len);
		const mesura_result *r;
		mesura_scan__set_work_budget(scanner, 0);
		int rc = mesura_scan(scanner, post, len, 0, &r);
		ck_assert(rc == MESURA_OK || rc == MESURA_ELIMIT);
		uint64_t full = mesura_scan__work(scanner), longest = longest_step(post, len);
		uint64_t slack = longest + (3u << 16), worst = 0;
		for (uint64_t part = 1; part < 16; part++) {
			uint64_t budget = full * part / 16;
			mesura_scan__set_work_budget(scanner, budget);
			rc = mesura_scan(scanner, post, len, 0, &r);
			assert_out_of_time(rc, r);
			uint64_t done = mesura_scan__work(scanner);
			ck_assert_msg(done >= budget && done <= budget + slack,
			              "%s: budget %llu of %llu, stopped at %llu (longest step %llu)",
			              h->name, (unsigned long long)budget, (unsigned long long)full,
			              (unsigned long long)done, (unsigned long long)longest);
			worst = done - budget > worst ? done - budget : worst;
		}
		printf("  %-14s whole scan %llu steps, longest step %llu, overshoot at most %llu\n",
		       h->name, (unsigned long long)full, (unsigned long long)longest,
		       (unsigned long long)worst);
		mesura_scan__set_work_budget(scanner, 0);
		free(post);
	}
}
END_TEST

/* The clock itself: a budget of 1 ns on a hostile 1 MiB post stops the scan at once. */
START_TEST(spent_time_budget_stops_a_large_post)
{
	const hostile *h = find_hostile("mixed masks");
	size_t len;
	char *post = make_post(h, ((size_t)1 << 20) - 64, &len);
	const mesura_result *r;
	int rc = mesura_scan(scanner, post, len, 0, &r);
	ck_assert(rc == MESURA_OK || rc == MESURA_ELIMIT);
	ck_assert_uint_gt(mesura_result_finding_count(r), 0);
	uint64_t full = mesura_scan__work(scanner);
	mesura_scanner_limits l = MESURA_SCANNER_LIMITS_INIT;
	l.time_budget_ns = 1;
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, &l), MESURA_OK);
	rc = mesura_scan(scanner, post, len, 0, &r);
	assert_out_of_time(rc, r);
	ck_assert_uint_lt(mesura_scan__work(scanner) * 10, full);
	/* A few milliseconds: how far it got is printed, not asserted (no timing in tests). */
	l.time_budget_ns = 3000000;
	mesura_scanner_set_limits(scanner, &l);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = mesura_scan(scanner, post, len, 0, &r);
	printf("  1 MiB of \"%s\", budget 3 ms: status %d after %.1f ms, %llu of %llu steps\n",
	       h->name, rc, tu_seconds_since(&t0) * 1e3,
	       (unsigned long long)mesura_scan__work(scanner), (unsigned long long)full);
	ck_assert_int_ge(r->verdict, MESURA_ACTION_REVIEW);
	mesura_scanner_set_limits(scanner, NULL);
	free(post);
}
END_TEST

/* Making a view of a long post asks the scanner's budget every 64 KiB of input (the
 * views' stop hook): a budget spent at once stops the scan within the first 64 KiB of
 * the first view, a small part of making it, for the kinds whose first view is slow. */
START_TEST(view_making_is_interrupted)
{
	static const char *const kinds[] = {"combining marks", "run of marks", "fullwidth",
	                                    "hangul jamo", "confusables", "random bytes"};
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		const hostile *h = find_hostile(kinds[k]);
		size_t len;
		char *post = make_post(h, ((size_t)1 << 20) - 64, &len);
		uint64_t first_view = 0;
		const mesura_result *r;
		mesura_scan__set_work_budget(scanner, 0);
		mesura_scan(scanner, post, len, 0, &r);
		first_view = scanner->views[0]->steps + scanner->views[0]->cur.len;
		mesura_scan__set_work_budget(scanner, 1);
		int rc = mesura_scan(scanner, post, len, 0, &r);
		assert_out_of_time(rc, r);
		uint64_t done = mesura_scan__work(scanner);
		ck_assert_msg(done <= ((uint64_t)2 << 16) && done * 8 < first_view,
		              "%s: stopped after %llu steps; the first view costs %llu", h->name,
		              (unsigned long long)done, (unsigned long long)first_view);
		free(post);
	}
	mesura_scan__set_work_budget(scanner, 0);
}
END_TEST

/* ------------------------------------------------------------ automaton */

typedef struct {
	size_t hits, checks, stop_at;
	size_t last; /* bytes searched at the last check */
} search_log;

static int count_hit(uint32_t id, size_t start, size_t end, void *payload)
{
	(void)id;
	(void)start;
	(void)end;
	((search_log *)payload)->hits++;
	return 0;
}

static int count_check(size_t searched, void *payload)
{
	search_log *log = payload;
	ck_assert_uint_gt(searched, log->last);
	ck_assert_uint_le(searched - log->last, (1u << 16) + (1u << 14));
	log->last = searched;
	return ++log->checks == log->stop_at ? 5 : 0;
}

/* A long search calls its check every 64 KiB or so, and stops when it says so. */
START_TEST(automaton_search_checks_as_it_goes)
{
	mesura_automaton_builder *b = NULL;
	mesura_automaton *a = NULL;
	ck_assert_int_eq(mesura_match__builder_new(&b, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_add(b, "ab", 2, 1), MESURA_OK);
	ck_assert_int_eq(mesura_match__builder_build(b, &a), MESURA_OK);
	size_t len = (size_t)1 << 20;
	char *text = malloc(len);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < len; i++)
		text[i] = "ab"[i % 2];
	search_log all = {0, 0, 0, 0};
	ck_assert_int_eq(mesura_match__automaton_search_checked(a, text, len, count_hit, count_check,
	                                                        &all),
	                 0);
	ck_assert_uint_eq(all.hits, len / 2);
	ck_assert_uint_ge(all.checks, 15);
	search_log some = {0, 0, 3, 0};
	ck_assert_int_eq(mesura_match__automaton_search_checked(a, text, len, count_hit, count_check,
	                                                        &some),
	                 5);
	ck_assert_uint_le(some.hits, some.last / 2 + 1);
	ck_assert_uint_lt(some.hits, all.hits / 4);
	free(text);
	mesura_match__automaton_free(a);
	mesura_match__builder_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("work");
	TCase *tc = tcase_create("work");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, work_grows_linearly);
	tcase_add_test(tc, time_budget_holds_inside_long_steps);
	tcase_add_test(tc, spent_time_budget_stops_a_large_post);
	tcase_add_test(tc, view_making_is_interrupted);
	tcase_add_test(tc, automaton_search_checks_as_it_goes);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
