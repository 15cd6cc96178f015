/* The stable merge sort the scanner uses instead of qsort: against an insertion sort
 * (stable by construction) on random arrays of every small length and some large. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "testutil.h"

typedef struct {
	unsigned key, order; /* order: the position before sorting, to see stability */
} item;

static int by_key(const void *x, const void *y)
{
	const item *a = x, *b = y;
	return a->key < b->key ? -1 : a->key > b->key;
}

static void insertion_sort(item *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		item x = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1].key > x.key; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

START_TEST(agrees_with_a_stable_insertion_sort)
{
	tu_rng rng = {11};
	enum { MAX = 3000 };
	item *a = malloc(MAX * sizeof *a), *b = malloc(MAX * sizeof *b);
	item *scratch = malloc(MAX * sizeof *scratch);
	ck_assert(a && b && scratch);
	size_t checked = 0;
	for (size_t round = 0; round < 400; round++) {
		size_t n = round < 100 ? round : tu_rng_below(&rng, MAX);
		unsigned range = 1 + (unsigned)tu_rng_below(&rng, round % 3 ? 10 : 100000);
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (item){(unsigned)tu_rng_below(&rng, range), (unsigned)i};
		mesura_sort__stable(a, n, sizeof *a, n > 1 ? scratch : NULL, by_key);
		insertion_sort(b, n);
		ck_assert_msg(n == 0 || memcmp(a, b, n * sizeof *a) == 0, "length %zu differs", n);
		checked += n;
	}
	ck_assert_uint_gt(checked, 100000);
	free(a);
	free(b);
	free(scratch);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sort");
	TCase *tc = tcase_create("stable");
	tcase_add_test(tc, agrees_with_a_stable_insertion_sort);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
