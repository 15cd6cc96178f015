/*
 * Extended grapheme clusters around one offset (src/text/grapheme.c), which the scanner
 * widens its spans with: GraphemeBreakTest.txt (Unicode 15.0, vendored in tests/data)
 * at every offset of every line, alone and after a line break (which no rule reads
 * past), ill-formed bytes, and the work of long runs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text/grapheme.h"

#define MAX_CPS 64

/* One test line: its UTF-8 text after `prefix`, the byte offset of each code point, and
 * whether a boundary lies before each (is_break[k] for the offset of code point k;
 * is_break[n] for the end). */
typedef struct {
	char utf8[MAX_CPS * 4 + 8];
	size_t at[MAX_CPS + 1], n;
	int is_break[MAX_CPS + 1];
} test_line;

/* Parses "÷ 0061 × 0308 ÷ # comment" after `prefix`; 0 for a comment or blank line. */
static int parse_line(const char *line, const char *prefix, test_line *t)
{
	size_t p0 = strlen(prefix);
	memcpy(t->utf8, prefix, p0);
	t->n = 0;
	t->at[0] = p0;
	int any = 0, pending = 0;
	for (const char *p = line; *p && *p != '#';) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (!strncmp(p, "\xC3\xB7", 2)) { /* ÷ */
			pending = 1;
			any = 1;
			p += 2;
		} else if (!strncmp(p, "\xC3\x97", 2)) { /* × */
			pending = 0;
			p += 2;
		} else {
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p || cp > 0x10FFFF || t->n >= MAX_CPS)
				ck_abort_msg("bad test line: %s", line);
			t->is_break[t->n] = pending;
			t->at[t->n + 1] = t->at[t->n] + tu_utf8_encode((uint32_t)cp, t->utf8 + t->at[t->n]);
			t->n++;
			p = end;
		}
	}
	t->is_break[t->n] = pending;
	return any && t->n > 0;
}

/* The clusters at every code point offset of t agree with its breaks. */
static void check_line(tu_tally *tally, size_t line_no, const test_line *t)
{
	const unsigned char *s = (const unsigned char *)t->utf8;
	size_t len = t->at[t->n];
	for (size_t k = 0; k <= t->n; k++) {
		size_t want_start = k, want_end = k;
		while (!t->is_break[want_start] && want_start > 0)
			want_start--;
		while (!t->is_break[want_end])
			want_end++;
		size_t got_start, got_end;
		uint64_t steps = 0;
		mesura_text__cluster_around(s, len, t->at[k], &got_start, &got_end, &steps);
		tally->checks++;
		if (got_start != (t->at[want_start]) || got_end != t->at[want_end])
			tu_tally_fail(tally, "line %zu, offset %zu: cluster [%zu, %zu), want [%zu, %zu)",
			              line_no, t->at[k], got_start, got_end,
			              t->at[want_start], t->at[want_end]);
	}
}

static void run_test_file(const char *prefix, const char *name)
{
	size_t len, lines = 0;
	char *data = tu_read_file(tu_data_path("GraphemeBreakTest.txt"), &len);
	tu_tally tally = {name, 0, 0};
	test_line t;
	size_t line_no = 0;
	for (char *line = data; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (parse_line(line, prefix, &t)) {
			if (prefix[0]) /* a boundary after the prefix's line break, whatever follows */
				t.is_break[0] = 1;
			lines++;
			check_line(&tally, line_no, &t);
		}
		line = next;
	}
	free(data);
	ck_assert_uint_eq(lines, 602); /* GraphemeBreakTest-15.0.0.txt */
	tu_tally_finish(&tally, "offsets");
}

START_TEST(grapheme_break_test_txt)
{
	run_test_file("", "GraphemeBreakTest");
}
END_TEST

/* The same lines after "a\n": the clusters never reach back past the line break
 * (GB4), nor do the offsets shift. */
START_TEST(grapheme_break_test_txt_after_text)
{
	run_test_file("a\n", "GraphemeBreakTest after a line break");
}
END_TEST

static size_t cluster_start(const unsigned char *s, size_t len, size_t at, uint64_t *steps)
{
	size_t start, end;
	mesura_text__cluster_around(s, len, at, &start, &end, steps);
	return start;
}

static size_t cluster_end(const unsigned char *s, size_t len, size_t at, uint64_t *steps)
{
	size_t start, end;
	mesura_text__cluster_around(s, len, at, &start, &end, steps);
	return end;
}

/* An ill-formed sequence is a cluster of its own: nothing joins it, not even a mark. */
START_TEST(ill_formed_bytes_stand_alone)
{
	const unsigned char s[] = "a\x80\xcc\x81" "b\xe2\x80" "c";
	size_t len = sizeof s - 1;
	uint64_t steps = 0;
	ck_assert_uint_eq(cluster_end(s, len, 1, &steps), 1);
	ck_assert_uint_eq(cluster_end(s, len, 2, &steps), 2); /* the mark alone */
	ck_assert_uint_eq(cluster_start(s, len, 4, &steps), 4);
	ck_assert_uint_eq(cluster_end(s, len, 5, &steps), 5); /* "b" ends at E2 80 */
	ck_assert_uint_eq(cluster_start(s, len, 7, &steps), 7);
	ck_assert_uint_eq(cluster_end(s, len, 7, &steps), 7);
}
END_TEST

/* The work is the cluster's length around the offset, not the text's: a word ending
 * before 100,000 marks reads the marks once; an offset in ordinary text reads a
 * character or two. */
START_TEST(work_is_the_cluster)
{
	size_t n = 100000, len = 1 + 2 * n + 6;
	unsigned char *s = malloc(len + 1);
	ck_assert_ptr_nonnull(s);
	s[0] = 'k';
	for (size_t i = 0; i < n; i++)
		memcpy(s + 1 + 2 * i, "\xcc\x81", 2);
	memcpy(s + 1 + 2 * n, " word ", 6);
	uint64_t steps = 0;
	ck_assert_uint_eq(cluster_end(s, len, 1, &steps), 1 + 2 * n);
	ck_assert_uint_le(steps, n + 2);
	steps = 0;
	ck_assert_uint_eq(cluster_start(s, len, 1 + 2 * n - 2, &steps), 0);
	ck_assert_uint_le(steps, 2 * n + 2);
	steps = 0;
	ck_assert_uint_eq(cluster_end(s, len, len - 3, &steps), len - 3);
	ck_assert_uint_le(steps, 2);
	free(s);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("grapheme");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, grapheme_break_test_txt);
	tcase_add_test(tc, grapheme_break_test_txt_after_text);
	tcase_add_test(tc, ill_formed_bytes_stand_alone);
	tcase_add_test(tc, work_is_the_cluster);
	suite_add_tcase(suite, tc);
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
