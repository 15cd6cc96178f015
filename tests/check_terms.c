/* The term automaton against a naive search, and the classic Aho-Corasick cases. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/terms.h"
#include "testutil.h"

typedef struct {
	uint32_t id;
	size_t start, end;
} hit_rec;

typedef struct {
	hit_rec hits[4096];
	size_t n;
	size_t stop_after;
} hit_log;

static int record(uint32_t id, size_t start, size_t end, void *payload)
{
	hit_log *log = payload;
	if (log->n < 4096)
		log->hits[log->n++] = (hit_rec){id, start, end};
	return log->stop_after && log->n >= log->stop_after ? 7 : 0;
}

static int cmp_hit(const void *a, const void *b)
{
	const hit_rec *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

START_TEST(ushers)
{
	const char *terms[] = {"he", "she", "his", "hers"};
	size_t lens[] = {2, 3, 3, 4};
	uint32_t ids[] = {0, 1, 2, 3};
	mesura_terms *t;
	ck_assert_int_eq(mesura_scan__terms_build(&t, terms, lens, ids, 4, NULL), MESURA_OK);
	hit_log log = {.n = 0};
	ck_assert_int_eq(mesura_scan__terms_search(t, "ushers", 6, record, &log), 0);
	ck_assert_uint_eq(log.n, 3); /* she [1,4), he [2,4), hers [2,6) */
	qsort(log.hits, log.n, sizeof *log.hits, cmp_hit);
	ck_assert(log.hits[0].id == 1 && log.hits[0].start == 1 && log.hits[0].end == 4);
	ck_assert(log.hits[1].id == 0 && log.hits[1].start == 2 && log.hits[1].end == 4);
	ck_assert(log.hits[2].id == 3 && log.hits[2].start == 2 && log.hits[2].end == 6);
	log.n = 0;
	log.stop_after = 1;
	ck_assert_int_eq(mesura_scan__terms_search(t, "ushers", 6, record, &log), 7);
	mesura_scan__terms_free(t);
	size_t zero = 0;
	ck_assert_int_eq(mesura_scan__terms_build(&t, terms, &zero, ids, 1, NULL), MESURA_EINVAL);
}
END_TEST

/* Random terms and texts over a tiny alphabet (to force overlaps and shared
 * suffixes), compared with memcmp at every position. */
START_TEST(agrees_with_naive_search)
{
	tu_rng rng = {17};
	for (int iter = 0; iter < 500; iter++) {
		char store[64][8];
		const char *terms[64];
		size_t lens[64];
		uint32_t ids[64];
		size_t n = 1 + tu_rng_below(&rng, 63);
		for (size_t i = 0; i < n; i++) {
			lens[i] = 1 + tu_rng_below(&rng, 6);
			for (size_t k = 0; k < lens[i]; k++)
				store[i][k] = "ab\xc3\xb1\0"[tu_rng_below(&rng, 5)];
			terms[i] = store[i];
			ids[i] = (uint32_t)i;
		}
		char text[80];
		size_t len = tu_rng_below(&rng, sizeof text);
		for (size_t k = 0; k < len; k++)
			text[k] = "ab\xc3\xb1\0x"[tu_rng_below(&rng, 6)];
		mesura_terms *t;
		ck_assert_int_eq(mesura_scan__terms_build(&t, terms, lens, ids, n, NULL), MESURA_OK);
		static hit_log got, want;
		got.n = want.n = 0;
		got.stop_after = want.stop_after = 0;
		mesura_scan__terms_search(t, text, len, record, &got);
		for (size_t end = 1; end <= len; end++)
			for (size_t i = 0; i < n; i++)
				if (lens[i] <= end && memcmp(text + end - lens[i], terms[i], lens[i]) == 0)
					record(ids[i], end - lens[i], end, &want);
		ck_assert_uint_eq(got.n, want.n);
		qsort(got.hits, got.n, sizeof *got.hits, cmp_hit);
		qsort(want.hits, want.n, sizeof *want.hits, cmp_hit);
		ck_assert_mem_eq(got.hits, want.hits, got.n * sizeof *got.hits);
		mesura_scan__terms_free(t);
	}
}
END_TEST

START_TEST(allocation_failures_are_clean)
{
	/* "ca" to "cu" give the node "c" enough children for a dense row. */
	const char *terms[] = {"mierda", "hijo de puta", "coño", "co", "ca", "ce", "ci", "cu"};
	size_t lens[] = {6, 12, 5, 2, 2, 2, 2, 2};
	uint32_t ids[] = {1, 2, 3, 4, 5, 6, 7, 8};
	int ok = 0;
	for (size_t fail_after = 0; !ok && fail_after < 200; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_terms *t = NULL;
		int rc = mesura_scan__terms_build(&t, terms, lens, ids, 8, &fa.hooks);
		if (rc == MESURA_OK)
			ok = 1;
		else
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		mesura_scan__terms_free(t);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(ok);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("terms");
	TCase *tc = tcase_create("automaton");
	tcase_add_test(tc, ushers);
	tcase_add_test(tc, agrees_with_naive_search);
	tcase_add_test(tc, allocation_failures_are_clean);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
