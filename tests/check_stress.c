/* Concurrency: 2 x cores threads share one policy and screen a million posts (fewer
 * under the sanitizers); every result must equal the single-threaded one. Run under
 * ThreadSanitizer by scripts/test.sh. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include <mesura.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define POSTS 100000u
#else
#define POSTS 1000000u
#endif

static const char POLICY[] =
	"mesura: 1\nrules:\n"
	"  - id: swear\n    category: profanity\n"
	"    match: { terms: [fuck, shit, mierda, gilipollas, \"hijo de puta\", coño] }\n"
	"  - id: card\n    category: pii.payment_card\n    action: redact\n"
	"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	"    context: { words: [card, tarjeta], boost: 0.2 }\n"
	"  - id: email\n    category: pii.email\n    action: redact\n"
	"    match: { regex: '[a-z.]+@[a-z]+\\.[a-z]{2,}' }\n"
	"  - id: leak\n    category: confidential\n    action: block\n"
	"    match: { all: [ {terms: [confidential, confidencial]}, {terms: [results, resultados]} ] }\n"
	"allow: [scunthorpe]\n";

static const char *const pieces[] = {
	"hola", "hello", "team", "f*ck", "m1erda", "s h i t", "tarjeta", "4111 1111 1111 1111",
	"4111 1111 1111 1112", "ana@example.com", "confidential", "resultados", "#NoMásAbusos",
	"Scunthorpe", "classic", "👨‍👩‍👧", "café", "https://acme.es/x", "@ana", "GILIPOLLAS",
	"hijo de puta", "coño", "!!", "\xff", "2024", "Q3", "ok", "\xe2\x80\x8b",
};

typedef struct {
	char *text;
	size_t *starts, *lens;
} post_set;

static void make_posts(post_set *ps, size_t n)
{
	tu_rng rng = {2026};
	size_t cap = n * 64, used = 0;
	ps->text = malloc(cap);
	ps->starts = malloc(n * sizeof *ps->starts);
	ps->lens = malloc(n * sizeof *ps->lens);
	ck_assert(ps->text && ps->starts && ps->lens);
	for (size_t i = 0; i < n; i++) {
		ps->starts[i] = used;
		size_t words = 1 + tu_rng_below(&rng, 6);
		for (size_t w = 0; w < words; w++) {
			const char *p = pieces[tu_rng_below(&rng, sizeof pieces / sizeof pieces[0])];
			size_t k = strlen(p);
			if (used + k + 2 > cap) {
				cap *= 2;
				ps->text = realloc(ps->text, cap);
				ck_assert_ptr_nonnull(ps->text);
			}
			memcpy(ps->text + used, p, k);
			used += k;
			ps->text[used++] = ' ';
		}
		ps->lens[i] = used - ps->starts[i];
	}
}

/* A digest of one result: verdict, and each finding's rule, span and confidence. */
static uint64_t digest(const mesura_result *r)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)r->verdict;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		uint64_t parts[4] = {(uint64_t)(uintptr_t)f->rule_id, f->start, f->end,
		                     (uint64_t)(f->confidence * 1000)};
		for (int k = 0; k < 4; k++)
			h = (h ^ parts[k]) * 1099511628211ull;
	}
	return h;
}

typedef struct {
	const mesura_policy *policy;
	const post_set *posts;
	size_t from, to, step;
	uint64_t *out;
} job;

static void *run_job(void *arg)
{
	job *j = arg;
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, j->policy, NULL), MESURA_OK);
	for (size_t i = j->from; i < j->to; i += j->step) {
		const mesura_result *r;
		int rc = mesura_scan(s, j->posts->text + j->posts->starts[i], j->posts->lens[i], 0, &r);
		ck_assert_int_eq(rc, MESURA_OK);
		j->out[i] = digest(r);
	}
	mesura_scanner_free(s);
	return NULL;
}

START_TEST(threads_agree_with_one_thread)
{
	mesura_policy *p;
	ck_assert_int_eq(mesura_policy_compile(&p, POLICY, sizeof POLICY - 1, NULL, NULL, NULL,
	                                       NULL), MESURA_OK);
	post_set posts;
	make_posts(&posts, POSTS);
	uint64_t *single = malloc(POSTS * sizeof *single), *multi = malloc(POSTS * sizeof *multi);
	ck_assert(single && multi);
	job one = {p, &posts, 0, POSTS, 1, single};
	run_job(&one);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores > 0 && cores < 32 ? 2 * (size_t)cores : 4;
	pthread_t tid[64];
	job jobs[64];
	for (size_t t = 0; t < n; t++) { /* interleaved, so threads meet the same posts' kinds */
		jobs[t] = (job){p, &posts, t, POSTS, n, multi};
		ck_assert_int_eq(pthread_create(&tid[t], NULL, run_job, &jobs[t]), 0);
	}
	for (size_t t = 0; t < n; t++)
		pthread_join(tid[t], NULL);
	size_t differ = 0, flagged = 0;
	char hello[] = "hello";
	size_t hello_start = 0, hello_len = 5;
	post_set clean_post = {hello, &hello_start, &hello_len};
	uint64_t clean;
	run_job(&(job){p, &clean_post, 0, 1, 1, &clean}); /* the digest of a clean post */
	for (size_t i = 0; i < POSTS; i++) {
		differ += single[i] != multi[i];
		flagged += single[i] != clean;
	}
	printf("stress: %u posts, %zu threads, %zu flagged, %zu differ\n", POSTS, n, flagged, differ);
	ck_assert_uint_eq(differ, 0);
	ck_assert_uint_gt(flagged, POSTS / 4); /* the posts really exercise the rules */
	free(single);
	free(multi);
	free(posts.text);
	free(posts.starts);
	free(posts.lens);
	mesura_policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stress");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, threads_agree_with_one_thread);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
