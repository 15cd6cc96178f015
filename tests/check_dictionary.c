/* The dictionary sweep (issue 17): every word of Debian's wamerican and wspanish word
 * lists, screened alone with mesura_policy_default(). The words it flags are listed,
 * reviewed, in tests/data/dictionary-flagged.tsv:
 *
 *     word <TAB> lang <TAB> rule ids (sorted, comma-separated) <TAB> reason
 *
 * A flagged word missing from the file, a listed word flagged by other rules, a listed
 * word no longer flagged, or a line without a reason fails the test, which prints the
 * line to paste (or to delete). A false alarm on an ordinary word is a bug in a rule:
 * the file is for rude words and for known, documented limits, not for hiding it.
 *
 * The word lists are Debian packages (scripts/deps.sh test); a missing list fails the
 * test rather than passing an empty sweep. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

static const struct {
	const char *lang, *path, *package;
	size_t min_words; /* the lists hold ~104k and ~86k words: a truncated file fails */
} DICTIONARIES[] = {
	{"en", "/usr/share/dict/american-english", "wamerican", 100000},
	{"es", "/usr/share/dict/spanish", "wspanish", 80000},
};
#define N_DICTIONARIES (sizeof DICTIONARIES / sizeof *DICTIONARIES)

typedef struct {
	char *word, *lang, *rules, *reason;
	int seen; /* flagged again by this run */
} reviewed;

typedef struct {
	reviewed *v;
	size_t n, cap;
} reviewed_list;

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	ck_assert_ptr_nonnull(d);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Splits a line of the reviewed file into its four tab-separated fields. */
static void read_reviewed(reviewed_list *list)
{
	size_t len;
	char *data = tu_read_file(tu_data_path("dictionary-flagged.tsv"), &len);
	size_t lineno = 0;
	for (char *line = data; line < data + len;) {
		char *eol = memchr(line, '\n', (size_t)(data + len - line));
		if (!eol)
			eol = data + len;
		lineno++;
		if (eol > line && *line != '#') {
			const char *field[4];
			size_t flen[4], n = 0;
			for (const char *p = line; n < 4;) {
				const char *tab = n < 3 ? memchr(p, '\t', (size_t)(eol - p)) : NULL;
				const char *end = tab ? tab : eol;
				field[n] = p;
				flen[n++] = (size_t)(end - p);
				if (!tab)
					break;
				p = tab + 1;
			}
			ck_assert_msg(n == 4 && flen[0] && flen[1] && flen[2],
			              "dictionary-flagged.tsv:%zu: expected word, lang, rules, reason",
			              lineno);
			ck_assert_msg(flen[3] >= 8, "dictionary-flagged.tsv:%zu: the reason is missing",
			              lineno);
			if (list->n == list->cap) {
				list->cap = list->cap ? 2 * list->cap : 256;
				list->v = realloc(list->v, list->cap * sizeof *list->v);
				ck_assert_ptr_nonnull(list->v);
			}
			reviewed *r = &list->v[list->n++];
			r->word = dup_range(field[0], flen[0]);
			r->lang = dup_range(field[1], flen[1]);
			r->rules = dup_range(field[2], flen[2]);
			r->reason = dup_range(field[3], flen[3]);
			r->seen = 0;
		}
		line = eol + 1;
	}
	free(data);
}

static reviewed *find_reviewed(reviewed_list *list, const char *word, size_t word_len,
                               const char *lang)
{
	for (size_t i = 0; i < list->n; i++)
		if (strlen(list->v[i].word) == word_len && !memcmp(list->v[i].word, word, word_len) &&
		    !strcmp(list->v[i].lang, lang))
			return &list->v[i];
	return NULL;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct rule ids of a result, sorted and comma-separated, into out. */
static void rule_list(const mesura_result *r, char *out, size_t cap)
{
	const char *ids[64];
	size_t n = 0;
	for (size_t f = 0; f < mesura_result_finding_count(r) && n < 64; f++) {
		int dup = 0;
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(ids[i], mesura_result_finding_get(r, f)->rule_id);
		if (!dup)
			ids[n++] = mesura_result_finding_get(r, f)->rule_id;
	}
	qsort(ids, n, sizeof *ids, compare_strings);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, ",", cap - strlen(out) - 1);
		strncat(out, ids[i], cap - strlen(out) - 1);
	}
}

/* A failure whose line the reviewer pastes: every one is printed (tu_tally_fail stops
 * printing after 20), so that one run gives the whole list. */
static void paste_line(tu_tally *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void paste_line(tu_tally *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	t->failures++;
}

START_TEST(every_flagged_dictionary_word_is_reviewed)
{
	reviewed_list list = {0};
	read_reviewed(&list);
	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	ck_assert_int_eq(mesura_policy_default(&policy, &diags, NULL), MESURA_OK);
	mesura_diagnostics_free(diags);
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, policy, NULL), MESURA_OK);

	tu_tally tally = {"dictionary", 0, 0};
	size_t flagged[N_DICTIONARIES] = {0};
	for (size_t d = 0; d < N_DICTIONARIES; d++) {
		FILE *probe = fopen(DICTIONARIES[d].path, "rb");
		ck_assert_msg(probe != NULL, "%s is missing: install Debian's %s (scripts/deps.sh test)",
		              DICTIONARIES[d].path, DICTIONARIES[d].package);
		fclose(probe);
		size_t len, words = 0;
		char *data = tu_read_file(DICTIONARIES[d].path, &len);
		for (char *word = data; word < data + len;) {
			char *eol = memchr(word, '\n', (size_t)(data + len - word));
			if (!eol)
				eol = data + len;
			size_t wlen = (size_t)(eol - word);
			char *next = eol + 1;
			if (wlen == 0) {
				word = next;
				continue;
			}
			words++;
			tally.checks++;
			const mesura_result *r = NULL;
			int rc = mesura_scan(s, word, wlen, 0, &r);
			if (rc != MESURA_OK) {
				tu_tally_fail(&tally, "%.*s (%s): scan failed: %s", (int)wlen, word,
				              DICTIONARIES[d].lang, mesura_strerror(rc));
				word = next;
				continue;
			}
			if (mesura_result_finding_count(r) == 0) {
				word = next;
				continue;
			}
			reviewed *known = find_reviewed(&list, word, wlen, DICTIONARIES[d].lang);
			flagged[d]++;
			char rules[1024];
			rule_list(r, rules, sizeof rules);
			if (!known) {
				paste_line(&tally, "new flag, review it and add:\n%.*s\t%s\t%s\t<reason>",
				              (int)wlen, word, DICTIONARIES[d].lang, rules);
			} else if (strcmp(known->rules, rules)) {
				paste_line(&tally, "flagged by other rules, review it and replace with:\n"
				                      "%.*s\t%s\t%s\t%s",
				              (int)wlen, word, DICTIONARIES[d].lang, rules, known->reason);
			}
			if (known)
				known->seen = 1;
			word = next;
		}
		ck_assert_msg(words >= DICTIONARIES[d].min_words, "%s: only %zu words",
		              DICTIONARIES[d].path, words);
		printf("dictionary: %s: %zu words, %zu flagged\n", DICTIONARIES[d].package, words,
		       flagged[d]);
		free(data);
	}
	for (size_t i = 0; i < list.n; i++) {
		if (!list.v[i].seen)
			paste_line(&tally, "no longer flagged (or not in the word list), delete:\n"
			                      "%s\t%s\t%s\t%s",
			              list.v[i].word, list.v[i].lang, list.v[i].rules, list.v[i].reason);
		free(list.v[i].word);
		free(list.v[i].lang);
		free(list.v[i].rules);
		free(list.v[i].reason);
	}
	free(list.v);
	mesura_scanner_free(s);
	mesura_policy_free(policy);
	tu_tally_finish(&tally, "words");
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("dictionary");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, every_flagged_dictionary_word_is_reviewed);
	suite_add_tcase(suite, tc);
	SRunner *sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
