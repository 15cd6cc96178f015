/*
 * UAX #29 sentence boundaries (src/tokens/sentence.c): SentenceBreakTest.txt (Unicode
 * 15.0, vendored in tests/data/) with the tailoring off, every line required; the
 * property table against SentenceBreakProperty.txt itself; the tailoring (abbreviations)
 * on posts; ill-formed bytes; and that the pass is linear (its callback count and one
 * pass over 1 MiB of hostile text).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tokens/sentence.h"

#define MAX_CPS 64

typedef struct {
	size_t at[256];
	size_t n;
} breaks;

static int collect(size_t at, void *payload)
{
	breaks *b = payload;
	if (b->n < sizeof b->at / sizeof b->at[0])
		b->at[b->n] = at;
	b->n++;
	return 0;
}

static breaks sentences_of(const char *text, size_t len, int tailored)
{
	breaks b = {{0}, 0};
	ck_assert_int_eq(mesura_tokens__sentences((const unsigned char *)text, len, tailored,
	                                          collect, &b),
	                 0);
	return b;
}

/* ------------------------------------------------------- SentenceBreakTest */

START_TEST(sentence_break_test_txt)
{
	size_t len;
	char *data = tu_read_file(tu_data_path("SentenceBreakTest.txt"), &len);
	tu_tally t = {"SentenceBreakTest", 0, 0};
	size_t line_no = 0;
	for (char *line = data; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		char utf8[MAX_CPS * 4 + 8];
		size_t n = 0, want[MAX_CPS + 2], nwant = 0, cps = 0;
		for (const char *p = line; *p && *p != '#';) {
			if (*p == ' ' || *p == '\t') {
				p++;
			} else if (!strncmp(p, "\xC3\xB7", 2)) { /* ÷ */
				want[nwant++] = n;
				p += 2;
			} else if (!strncmp(p, "\xC3\x97", 2)) { /* × */
				p += 2;
			} else {
				char *end;
				unsigned long cp = strtoul(p, &end, 16);
				ck_assert_msg(end != p && cp <= 0x10FFFF && cps < MAX_CPS, "line %zu", line_no);
				n += tu_utf8_encode((uint32_t)cp, utf8 + n);
				cps++;
				p = end;
			}
		}
		if (nwant) {
			t.checks++;
			breaks got = sentences_of(utf8, n, 0);
			if (got.n != nwant || memcmp(got.at, want, nwant * sizeof *want) != 0)
				tu_tally_fail(&t, "line %zu: %s", line_no, line);
		}
		line = next;
	}
	free(data);
	ck_assert_uint_eq(t.checks, 502); /* SentenceBreakTest-15.0.0.txt */
	tu_tally_finish(&t, "lines");
}
END_TEST

/* The generated table against the property file it was made from. */
START_TEST(property_table_matches_the_ucd)
{
	static const char *const names[] = {"Other", "CR", "LF", "Extend", "Sep", "Format",
	                                    "Sp", "Lower", "Upper", "OLetter", "Numeric",
	                                    "ATerm", "STerm", "Close", "SContinue"};
	unsigned char *want = calloc(0x110000, 1);
	ck_assert_ptr_nonnull(want);
	FILE *f = fopen("/usr/share/unicode/auxiliary/SentenceBreakProperty.txt", "r");
	if (!f) { /* the vendored test file is enough to run the rest */
		free(want);
		return;
	}
	char line[512];
	size_t listed = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned lo, hi;
		char name[32];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		int k = sscanf(line, "%x..%x ; %31s", &lo, &hi, name);
		if (k != 3) {
			k = sscanf(line, "%x ; %31s", &lo, name);
			ck_assert_int_eq(k, 2);
			hi = lo;
		}
		unsigned char v = 0;
		while (v < 15 && strcmp(names[v], name) != 0)
			v++;
		ck_assert_msg(v < 15, "unknown value %s", name);
		for (unsigned cp = lo; cp <= hi; cp++)
			want[cp] = v;
		listed += hi - lo + 1;
	}
	fclose(f);
	ck_assert_uint_gt(listed, 140000);
	tu_tally t = {"SentenceBreakProperty", 0, 0};
	for (int32_t cp = 0; cp < 0x110000; cp++, t.checks++)
		if (mesura_tokens__sentence_break(cp) != (mesura_sb)want[cp])
			tu_tally_fail(&t, "U+%04X", (unsigned)cp);
	tu_tally_finish(&t, "code points");
	ck_assert_int_eq(mesura_tokens__sentence_break(-1), SB_OTHER);
	ck_assert_int_eq(mesura_tokens__sentence_break(0x110000), SB_OTHER);
	free(want);
}
END_TEST

/* ------------------------------------------------------------ posts */

/* The sentences of `text` (tailored), joined by '|' at each inner boundary. */
static void expect_split(const char *text, int tailored, const char *want)
{
	size_t len = strlen(text);
	breaks b = sentences_of(text, len, tailored);
	char got[1024];
	size_t n = 0;
	ck_assert_uint_ge(b.n, 2);
	ck_assert_uint_eq(b.at[0], 0);
	ck_assert_uint_eq(b.at[b.n - 1], len);
	for (size_t k = 0; k + 1 < b.n; k++) {
		if (k)
			got[n++] = '|';
		memcpy(got + n, text + b.at[k], b.at[k + 1] - b.at[k]);
		n += b.at[k + 1] - b.at[k];
	}
	got[n] = '\0';
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\": want \"%s\", got \"%s\"", text, want, got);
}

START_TEST(posts_split_where_a_reader_would)
{
	expect_split("Q3 revenue is up 18%. Don't tell anyone! Love my team",
	             1, "Q3 revenue is up 18%. |Don't tell anyone! |Love my team");
	expect_split("Ingresos de 1.5M en el Q3... ¿Sorpresa? Sí.", 1,
	             "Ingresos de 1.5M en el Q3... |¿Sorpresa? |Sí.");
	expect_split("line one\nline two\r\nline three", 1, "line one\n|line two\r\n|line three");
	expect_split("He said (\"stop.\") Then left.", 1, "He said (\"stop.\") |Then left.");
	expect_split("the figure is 3.5 times e.g. last year", 1,
	             "the figure is 3.5 times e.g. last year");
	/* UAX #29 breaks after "Mr." before a capital; the tailoring does not. */
	expect_split("Mr. Smith says hi. Sr. García también.", 0,
	             "Mr. |Smith says hi. |Sr. |García también.");
	expect_split("Mr. Smith says hi. Sr. García también.", 1,
	             "Mr. Smith says hi. |Sr. García también.");
	expect_split("Revenue up 18% vs. Q2 before we publish. OK", 1,
	             "Revenue up 18% vs. Q2 before we publish. |OK");
	expect_split("MR. SMITH. Dña. Ana E.G. Nope", 1, "MR. SMITH. |Dña. Ana E.G. Nope");
	/* "etc." and words merely ending in a listed one still end a sentence. */
	expect_split("pens, paper etc. Then lunch. Doctor. Next", 1,
	             "pens, paper etc. |Then lunch. |Doctor. |Next");
	expect_split("no stop at all 🚀 #launch", 1, "no stop at all 🚀 #launch");
	expect_split(" ", 1, " ");
}
END_TEST

START_TEST(ill_formed_bytes_and_empty_text)
{
	breaks b = sentences_of("", 0, 1);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_uint_eq(b.at[0], 0);
	/* a stray continuation byte and a truncated sequence are Other, one each */
	expect_split("ok.\x80 Next\xE2\x82. End", 1, "ok.|\x80 Next\xE2\x82. |End");
	expect_split("Stop. \xC3", 1, "Stop. |\xC3");
}
END_TEST

/* One pass: 1 MiB of full stops, spaces and lower-case letters (SB8's look-ahead at
 * every stop) and of stops before capitals give the boundaries a direct count says. */
static int count_only(size_t at, void *payload)
{
	(void)at;
	++*(size_t *)payload;
	return 0;
}

START_TEST(long_hostile_texts)
{
	enum { N = 1 << 20 };
	char *text = malloc(N);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < N; i++)
		text[i] = ". a"[i % 3];
	size_t n = 0;
	ck_assert_int_eq(mesura_tokens__sentences((unsigned char *)text, N, 1, count_only, &n), 0);
	ck_assert_uint_eq(n, 2); /* a lower-case letter follows every stop: one sentence */
	for (size_t i = 0; i < N; i++)
		text[i] = ". A"[i % 3];
	n = 0;
	ck_assert_int_eq(mesura_tokens__sentences((unsigned char *)text, N, 1, count_only, &n), 0);
	ck_assert_uint_eq(n, 2 + (N - 1) / 3); /* a break before each capital but the first */
	/* a stop far ahead of the next letter: the look-ahead reads the digits once */
	memset(text, '1', N);
	text[0] = 'a';
	text[1] = '.';
	text[2] = ' ';
	text[N - 1] = 'b';
	n = 0;
	ck_assert_int_eq(mesura_tokens__sentences((unsigned char *)text, N, 1, count_only, &n), 0);
	ck_assert_uint_eq(n, 2);
	free(text);
}
END_TEST

/* The callback stops the walk. */
static int stop_at_second(size_t at, void *payload)
{
	(void)at;
	return ++*(int *)payload == 2 ? 7 : 0;
}

START_TEST(the_callback_stops_the_walk)
{
	int calls = 0;
	const char *t = "One. Two. Three.";
	ck_assert_int_eq(mesura_tokens__sentences((const unsigned char *)t, strlen(t), 1,
	                                          stop_at_second, &calls),
	                 7);
	ck_assert_int_eq(calls, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sentence");
	TCase *tc = tcase_create("sentence");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sentence_break_test_txt);
	tcase_add_test(tc, property_table_matches_the_ucd);
	tcase_add_test(tc, posts_split_where_a_reader_would);
	tcase_add_test(tc, ill_formed_bytes_and_empty_text);
	tcase_add_test(tc, long_hostile_texts);
	tcase_add_test(tc, the_callback_stops_the_walk);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
