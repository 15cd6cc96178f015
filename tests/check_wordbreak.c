/*
 * UAX #29 word boundaries (src/tokens/wordbreak.c): WordBreakTest.txt (Unicode 15.0,
 * vendored in tests/data), a few property values, a literal transcription of the
 * rules as an oracle on random strings, inputs built to be slow, and the emoji of
 * emoji-test.txt (vendored) alone and between spaces, letters and digits.
 *
 * Loops count failures and print the first few instead of calling ck_assert per item
 * (each Check assertion writes a checkpoint to the runner).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "text/text.h"
#include "tokens/wordbreak.h"

#define MAX_CPS 64 /* longest line of WordBreakTest.txt or emoji-test.txt: 10 */
#define BIG (1u << 20)

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* ------------------------------------------------------------ strings */

/* A string of code points, its UTF-8 form and where each code point starts. */
typedef struct {
	uint32_t cps[MAX_CPS];
	size_t n;
	char utf8[MAX_CPS * 4 + 8];
	size_t at[MAX_CPS + 1]; /* at[k]: byte offset of cps[k]; at[n]: the length */
} cp_string;

static void cs_clear(cp_string *cs)
{
	cs->n = 0;
	cs->at[0] = 0;
}

static void cs_push(cp_string *cs, uint32_t cp)
{
	if (cs->n >= MAX_CPS) /* not ck_assert: this runs millions of times */
		ck_abort_msg("more than %d code points", MAX_CPS);
	size_t at = cs->at[cs->n];
	cs->cps[cs->n++] = cp;
	cs->at[cs->n] = at + tu_utf8_encode(cp, cs->utf8 + at);
}

static const char *cs_hex(const cp_string *cs, char *buf, size_t cap)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < cs->n && at + 12 < cap; k++)
		at += (size_t)snprintf(buf + at, cap - at, "%s%04X", k ? " " : "", (unsigned)cs->cps[k]);
	return buf;
}

/* Segments s[0..len) from 0 and stores the end of each segment in ends (at most cap of
 * them); returns the number of segments, or SIZE_MAX when a call misbehaves (does not
 * move forward, or goes past len). */
static size_t segment(const char *text, size_t len, size_t *ends, size_t cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t count = 0;
	for (size_t i = 0; i < len;) {
		size_t end = mesura_tokens__next_word_break(s, len, i);
		if (end <= i || end > len)
			return SIZE_MAX;
		if (count < cap)
			ends[count] = end;
		count++;
		i = end;
	}
	return count;
}

/* "0:3 3:7" style list of segments for failure messages. */
static const char *segments_text(const size_t *ends, size_t n, char *buf, size_t cap)
{
	size_t at = 0, start = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < n && at + 24 < cap; k++) {
		at += (size_t)snprintf(buf + at, cap - at, "%s%zu-%zu", k ? " " : "", start, ends[k]);
		start = ends[k];
	}
	return buf;
}

/* ------------------------------------------------------- WordBreakTest */

/* Parses one test line ("÷ 0061 × 0308 ÷ 0020 ÷ # comment") into cs and the byte
 * offsets of its breaks after sot (breaks, ending with the length). Returns 0 for a
 * comment or blank line. */
static int parse_test_line(const char *line, cp_string *cs, size_t *breaks, size_t *nbreaks)
{
	cs_clear(cs);
	*nbreaks = 0;
	const char *p = line;
	int any = 0;
	while (*p && *p != '#' && *p != '\n') {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (!strncmp(p, "\xC3\xB7", 2)) { /* ÷ */
			if (cs->n > 0)
				breaks[(*nbreaks)++] = cs->at[cs->n];
			any = 1;
			p += 2;
		} else if (!strncmp(p, "\xC3\x97", 2)) { /* × */
			p += 2;
		} else {
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p || cp > 0x10FFFF)
				ck_abort_msg("bad test line: %s", line);
			cs_push(cs, (uint32_t)cp);
			p = end;
		}
	}
	return any;
}

START_TEST(word_break_test_txt)
{
	size_t len;
	char *data = tu_read_file(tu_data_path("WordBreakTest.txt"), &len);
	tu_tally t = {"WordBreakTest", 0, 0};
	cp_string cs;
	size_t want[MAX_CPS], got[MAX_CPS], nwant, line_no = 0;
	char hex[512], a[512], b[512];
	for (char *line = data; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (parse_test_line(line, &cs, want, &nwant)) {
			t.checks++;
			size_t ngot = segment(cs.utf8, cs.at[cs.n], got, MAX_CPS);
			if (ngot != nwant || memcmp(got, want, nwant * sizeof *want))
				tu_tally_fail(&t, "line %zu: %s: want %s, got %s", line_no,
				             cs_hex(&cs, hex, sizeof hex), segments_text(want, nwant, a, sizeof a),
				             ngot == SIZE_MAX ? "no progress"
				                              : segments_text(got, ngot < MAX_CPS ? ngot : MAX_CPS,
				                                              b, sizeof b));
		}
		line = next;
	}
	free(data);
	ck_assert_uint_eq(t.checks, 1823); /* WordBreakTest-15.0.0.txt */
	tu_tally_finish(&t, "lines");
}
END_TEST

/* ---------------------------------------------------------- properties */

START_TEST(property_values)
{
	static const struct {
		int32_t cp;
		mesura_wb wb;
		int pict;
	} cases[] = {
		{'a', WB_ALETTER, 0},           {'Z', WB_ALETTER, 0},
		{'0', WB_NUMERIC, 0},           {'.', WB_MIDNUMLET, 0},
		{',', WB_MIDNUM, 0},            {';', WB_MIDNUM, 0},
		{':', WB_MIDLETTER, 0},         {'\'', WB_SINGLE_QUOTE, 0},
		{'"', WB_DOUBLE_QUOTE, 0},      {'_', WB_EXTENDNUMLET, 0},
		{' ', WB_WSEGSPACE, 0},         {'\r', WB_CR, 0},
		{'\n', WB_LF, 0},               {0x0B, WB_NEWLINE, 0},
		{'#', WB_OTHER, 0},             {'@', WB_OTHER, 0},
		{0x85, WB_NEWLINE, 0},          {0xA9, WB_OTHER, 1}, /* © */
		{0xAD, WB_FORMAT, 0},           {0xB7, WB_MIDLETTER, 0},
		{0xE9, WB_ALETTER, 0},          {0x0301, WB_EXTEND, 0},
		{0x05D0, WB_HEBREW_LETTER, 0},  {0x0661, WB_NUMERIC, 0},
		{0x200D, WB_ZWJ, 0},            {0x2019, WB_MIDNUMLET, 0},
		{0x2028, WB_NEWLINE, 0},        {0x3000, WB_WSEGSPACE, 0},
		{0x30A2, WB_KATAKANA, 0},       {0x4E00, WB_OTHER, 0},
		{0x24C2, WB_ALETTER, 1}, /* Ⓜ */ {0xFE0F, WB_EXTEND, 0},
		{0xFF0C, WB_MIDNUM, 0},         {0x1F1E6, WB_REGIONAL_INDICATOR, 0},
		{0x1F3FB, WB_EXTEND, 0},        {0x1F44D, WB_OTHER, 1},
		{0x1F600, WB_OTHER, 1},         {0x1FFFD, WB_OTHER, 1}, /* reserved, pictographic */
		{0xE0001, WB_FORMAT, 0},        {0xE0061, WB_EXTEND, 0}, /* tag */
		{0xE01EF, WB_EXTEND, 0},        {0xE01F0, WB_OTHER, 0},
		{0x10FFFF, WB_OTHER, 0},        {0x110000, WB_OTHER, 0},
		{-1, WB_OTHER, 0},              {INT32_MIN, WB_OTHER, 0},
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		ck_assert_msg(mesura_tokens__word_break(cases[k].cp) == cases[k].wb,
		              "Word_Break(U+%04X) = %d, want %d", (unsigned)cases[k].cp,
		              (int)mesura_tokens__word_break(cases[k].cp), (int)cases[k].wb);
		ck_assert_msg(mesura_tokens__extended_pictographic(cases[k].cp) == cases[k].pict,
		              "Extended_Pictographic(U+%04X) != %d", (unsigned)cases[k].cp, cases[k].pict);
	}
}
END_TEST

/* ------------------------------------------------------------- oracle */

/* The rules of UAX #29 section 4.1.1 as written, one boundary at a time, with WB4's
 * "ignore" spelled out by walking over Extend/Format/ZWJ in both directions (section
 * 6.2). Quadratic and slow on purpose: nothing here is shared with wordbreak.c except
 * the property lookups. */
typedef struct {
	mesura_wb wb[MAX_CPS];
	int pict[MAX_CPS];
	size_t n;
} oracle_input;

static int is_ignored(mesura_wb v)
{
	return v == WB_EXTEND || v == WB_FORMAT || v == WB_ZWJ;
}

static int is_line_break(mesura_wb v)
{
	return v == WB_CR || v == WB_LF || v == WB_NEWLINE;
}

static int is_ah(mesura_wb v)
{
	return v == WB_ALETTER || v == WB_HEBREW_LETTER;
}

static int is_midletter_q(mesura_wb v)
{
	return v == WB_MIDLETTER || v == WB_MIDNUMLET || v == WB_SINGLE_QUOTE;
}

static int is_midnum_q(mesura_wb v)
{
	return v == WB_MIDNUM || v == WB_MIDNUMLET || v == WB_SINGLE_QUOTE;
}

#define NOWHERE SIZE_MAX

/* The character that stands for the one before index k once WB4 has run: walk back
 * over ignored characters to a character they attach to; after sot or a line break
 * they attach to nothing and the first of them stands for itself. */
static size_t oracle_before(const oracle_input *in, size_t k)
{
	if (k == 0)
		return NOWHERE;
	size_t x = k - 1;
	while (is_ignored(in->wb[x])) {
		if (x == 0)
			return 0;
		if (is_line_break(in->wb[x - 1]))
			return x;
		x--;
	}
	return x;
}

/* The first character after index k that WB4 does not ignore. */
static size_t oracle_after(const oracle_input *in, size_t k)
{
	for (size_t x = k + 1; x < in->n; x++)
		if (!is_ignored(in->wb[x]))
			return x;
	return NOWHERE;
}

static mesura_wb oracle_wb(const oracle_input *in, size_t x)
{
	return x == NOWHERE ? WB_OTHER : in->wb[x]; /* sot and eot match no rule */
}

/* Is there a boundary between characters k-1 and k (0 < k < n)? */
static int oracle_breaks(const oracle_input *in, size_t k)
{
	mesura_wb left = in->wb[k - 1], right = in->wb[k];
	if (left == WB_CR && right == WB_LF)
		return 0; /* WB3 */
	if (is_line_break(left) || is_line_break(right))
		return 1; /* WB3a, WB3b */
	if (left == WB_ZWJ && in->pict[k])
		return 0; /* WB3c */
	if (left == WB_WSEGSPACE && right == WB_WSEGSPACE)
		return 0; /* WB3d */
	if (is_ignored(right))
		return 0; /* WB4 */
	size_t l1 = oracle_before(in, k);
	size_t l2 = oracle_before(in, l1);
	size_t r2 = oracle_after(in, k);
	mesura_wb a = oracle_wb(in, l2), b = oracle_wb(in, l1), c = right,
	          d = oracle_wb(in, r2);
	if (is_ah(b) && is_ah(c))
		return 0; /* WB5 */
	if (is_ah(b) && is_midletter_q(c) && is_ah(d))
		return 0; /* WB6 */
	if (is_ah(a) && is_midletter_q(b) && is_ah(c))
		return 0; /* WB7 */
	if (b == WB_HEBREW_LETTER && c == WB_SINGLE_QUOTE)
		return 0; /* WB7a */
	if (b == WB_HEBREW_LETTER && c == WB_DOUBLE_QUOTE && d == WB_HEBREW_LETTER)
		return 0; /* WB7b */
	if (a == WB_HEBREW_LETTER && b == WB_DOUBLE_QUOTE && c == WB_HEBREW_LETTER)
		return 0; /* WB7c */
	if ((b == WB_NUMERIC || is_ah(b)) && (c == WB_NUMERIC || is_ah(c)))
		return 0; /* WB8, WB9, WB10 */
	if (a == WB_NUMERIC && is_midnum_q(b) && c == WB_NUMERIC)
		return 0; /* WB11 */
	if (b == WB_NUMERIC && is_midnum_q(c) && d == WB_NUMERIC)
		return 0; /* WB12 */
	if (b == WB_KATAKANA && c == WB_KATAKANA)
		return 0; /* WB13 */
	if ((is_ah(b) || b == WB_NUMERIC || b == WB_KATAKANA || b == WB_EXTENDNUMLET) &&
	    c == WB_EXTENDNUMLET)
		return 0; /* WB13a */
	if (b == WB_EXTENDNUMLET && (is_ah(c) || c == WB_NUMERIC || c == WB_KATAKANA))
		return 0; /* WB13b */
	if (b == WB_REGIONAL_INDICATOR && c == WB_REGIONAL_INDICATOR) {
		size_t ris = 0; /* WB15, WB16: odd run of RI before, WB4 applied */
		for (size_t x = l1; x != NOWHERE && in->wb[x] == WB_REGIONAL_INDICATOR;
		     x = oracle_before(in, x))
			ris++;
		if (ris % 2 == 1)
			return 0;
	}
	return 1; /* WB999 */
}

/* Code points of every Word_Break value, pictographic ones among Other and ALetter,
 * ZWJ more often than the rest (it takes part in WB3c and WB4). */
static const uint32_t POOL[] = {
	'!', '#', 0xA9, 0x4E00, 0x1F600, 0x1F44D, 0x2764, /* Other (pictographic ones too) */
	'\r', '\n', 0x0B, 0x85, 0x2028,                    /* CR, LF, Newline */
	0x0308, 0x1F3FB, 0xFE0F, 0x20E3, 0xE0061,          /* Extend */
	0x200D, 0x200D, 0x200D,                            /* ZWJ, often */
	0x1F1E6, 0x1F1F8, 0x1F1EA,                         /* Regional_Indicator */
	0x00AD, 0x200E, 0xE0001,                           /* Format */
	0x30A2, 0x3031,                                    /* Katakana */
	0x05D0, 0x05D1,                                    /* Hebrew_Letter */
	'a', 'Z', 0xE9, 0x24C2, 0x1F170,                   /* ALetter (Ⓜ 🅰 pictographic) */
	'\'', '"', '.', 0x2019, ':', 0xB7, ',', ';',      /* quotes, MidNumLet, MidLetter, MidNum */
	'0', '9', 0x0661,                                  /* Numeric */
	'_', 0x203F,                                       /* ExtendNumLet */
	' ', 0x3000,                                       /* WSegSpace */
};

/* Mostly ASCII, as posts are, with accents, marks and ZWJ in between: the ASCII fast
 * paths of wordbreak.c, with runs long enough to cross their 8-byte steps. */
static const uint32_t ASCII_POOL[] = {
	'a', 'b', 'Z', 'a', 'b', 'Z', '1', '2', '_', '.', '.', ':', ',', ';', '\'', '"', ' ',
	' ', '!', '#', '\r', '\n', 0xE9, 0x0308, 0x200D, 0x2019, 0x05D0, 0x1F44D,
};

/* Segments random strings drawn from pool and compares with the oracle. */
static void compare_random_strings(tu_tally *t, const uint32_t *pool, size_t npool,
                                   size_t max_cps, uint64_t seed)
{
	tu_rng rng = {seed};
	cp_string cs;
	oracle_input in;
	size_t got[MAX_CPS], want[MAX_CPS];
	char hex[512], a[512], b[512];
	for (int round = 0; round < 300000; round++) {
		cs_clear(&cs);
		size_t n = 1 + tu_rng_below(&rng, max_cps);
		for (size_t k = 0; k < n; k++)
			cs_push(&cs, pool[tu_rng_below(&rng, npool)]);
		in.n = n;
		for (size_t k = 0; k < n; k++) {
			in.wb[k] = mesura_tokens__word_break((int32_t)cs.cps[k]);
			in.pict[k] = mesura_tokens__extended_pictographic((int32_t)cs.cps[k]);
		}
		size_t nwant = 0;
		for (size_t k = 1; k < n; k++)
			if (oracle_breaks(&in, k))
				want[nwant++] = cs.at[k];
		want[nwant++] = cs.at[n];
		size_t ngot = segment(cs.utf8, cs.at[n], got, MAX_CPS);
		t->checks++;
		if (ngot != nwant || memcmp(got, want, nwant * sizeof *want))
			tu_tally_fail(t, "%s: want %s, got %s", cs_hex(&cs, hex, sizeof hex),
			             segments_text(want, nwant, a, sizeof a),
			             ngot == SIZE_MAX ? "no progress" : segments_text(got, ngot, b, sizeof b));
	}
}

START_TEST(random_strings_match_the_rules)
{
	tu_tally t = {"oracle", 0, 0};
	compare_random_strings(&t, POOL, COUNT(POOL), 12, 0x776f72646272656bu);
	tu_tally_finish(&t, "random strings");
	tu_tally ascii = {"oracle, mostly ASCII", 0, 0};
	compare_random_strings(&ascii, ASCII_POOL, COUNT(ASCII_POOL), 40, 0x6173636969u);
	tu_tally_finish(&ascii, "random strings");
}
END_TEST

/* The oracle agrees with WordBreakTest.txt too, or it would prove nothing. */
START_TEST(oracle_passes_word_break_test_txt)
{
	size_t len;
	char *data = tu_read_file(tu_data_path("WordBreakTest.txt"), &len);
	tu_tally t = {"oracle on WordBreakTest", 0, 0};
	cp_string cs;
	oracle_input in;
	size_t want[MAX_CPS], nwant, line_no = 0;
	char hex[512];
	for (char *line = data; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (parse_test_line(line, &cs, want, &nwant)) {
			t.checks++;
			in.n = cs.n;
			for (size_t k = 0; k < cs.n; k++) {
				in.wb[k] = mesura_tokens__word_break((int32_t)cs.cps[k]);
				in.pict[k] = mesura_tokens__extended_pictographic((int32_t)cs.cps[k]);
			}
			size_t w = 0, ok = 1;
			for (size_t k = 1; k < cs.n; k++)
				if (oracle_breaks(&in, k) && (w >= nwant || want[w++] != cs.at[k]))
					ok = 0;
			if (!ok || w + 1 != nwant)
				tu_tally_fail(&t, "line %zu: %s", line_no, cs_hex(&cs, hex, sizeof hex));
		}
		line = next;
	}
	free(data);
	tu_tally_finish(&t, "lines");
}
END_TEST

/* ---------------------------------------------------------- adversarial */

/* Segments text, checks that the segments tile it and start on character boundaries
 * (as mesura_utf8__decode steps), and returns the number of segments. */
static size_t segment_checked(const char *text, size_t len, size_t *first_end, double *secs)
{
	const unsigned char *s = (const unsigned char *)text;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t count = 0, i = 0, c = 0;
	*first_end = 0;
	while (i < len) {
		size_t end = mesura_tokens__next_word_break(s, len, i);
		if (end <= i || end > len)
			ck_abort_msg("segment at %zu ends at %zu (len %zu)", i, end, len);
		while (c < end) { /* the end must be a character start (or len) */
			int32_t cp;
			c += mesura_utf8__decode(s, len, c, &cp);
		}
		if (c != end)
			ck_abort_msg("boundary %zu inside a character", end);
		if (!count)
			*first_end = end;
		count++;
		i = end;
	}
	*secs = tu_seconds_since(&t0);
	return count;
}

/* Fills buf with copies of the UTF-8 of cps until len bytes; returns the length used
 * (a whole number of copies). */
static size_t repeat_cps(char *buf, size_t cap, const uint32_t *cps, size_t ncps)
{
	char unit[64];
	size_t n = 0;
	for (size_t k = 0; k < ncps; k++)
		n += tu_utf8_encode(cps[k], unit + n);
	size_t len = 0;
	while (len + n <= cap) {
		memcpy(buf + len, unit, n);
		len += n;
	}
	return len;
}

/* Prints the time, for a reader; nothing is asserted on it (a loaded machine under
 * the sanitizers is slow). The work is checked by tests/check_linear.c, which scales
 * such posts x10 and counts the tokenizer's steps. */
static void report_time(const char *what, size_t len, size_t segments, double secs)
{
	printf("  %-40s %8zu bytes %8zu segments %8.3f ms\n", what, len, segments, secs * 1e3);
	fflush(stdout);
}

START_TEST(adversarial_inputs_are_linear)
{
	char *buf = malloc(BIG + 16);
	ck_assert_ptr_nonnull(buf);
	size_t len, first, n;
	double secs;

	memset(buf, 'a', BIG);
	n = segment_checked(buf, BIG, &first, &secs);
	report_time("1 MiB of 'a'", BIG, n, secs);
	ck_assert_uint_eq(n, 1);

	static const uint32_t zwj[] = {0x200D};
	len = repeat_cps(buf, BIG, zwj, 1);
	n = segment_checked(buf, len, &first, &secs);
	report_time("1 MiB of ZWJ", len, n, secs);
	ck_assert_uint_eq(n, 1); /* WB4 from the second one on */

	static const uint32_t ri[] = {0x1F1EA, 0x1F1F8};
	len = repeat_cps(buf, BIG, ri, 2);
	n = segment_checked(buf, len, &first, &secs);
	report_time("1 MiB of regional indicators", len, n, secs);
	ck_assert_uint_eq(n, len / 8); /* flags of two */
	ck_assert_uint_eq(first, 8);

	static const uint32_t thumbs[] = {0x1F44D, 0x1F3FD};
	len = repeat_cps(buf, 10000 * 8, thumbs, 2);
	n = segment_checked(buf, len, &first, &secs);
	report_time("10,000 thumbs up, skin tone", len, n, secs);
	ck_assert_uint_eq(n, 10000);
	ck_assert_uint_eq(first, 8);

	buf[0] = 'a';
	static const uint32_t acute[] = {0x0301};
	len = 1 + repeat_cps(buf + 1, 200000, acute, 1);
	n = segment_checked(buf, len, &first, &secs);
	report_time("a + 100k combining marks", len, n, secs);
	ck_assert_uint_eq(n, 1);

	/* "a." then marks: WB6 reads over all of them before it gives up, and the next
	 * segment reads them again; twice, not quadratic. */
	buf[0] = 'a';
	buf[1] = '.';
	len = 2 + repeat_cps(buf + 2, BIG, acute, 1);
	n = segment_checked(buf, len, &first, &secs);
	report_time("a. + 1 MiB of combining marks", len, n, secs);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(first, 1);

	static const uint32_t word_dots[] = {'a', '.'}; /* a.a.a.a... one word */
	len = repeat_cps(buf, BIG, word_dots, 2) - 1;
	n = segment_checked(buf, len, &first, &secs);
	report_time("a.a.a.a...", len, n, secs);
	ck_assert_uint_eq(n, 1);

	static const uint32_t emoji_zwj[] = {0x1F468, 0x200D}; /* 👨‍👨‍👨‍... WB3c all along */
	len = repeat_cps(buf, BIG, emoji_zwj, 2);
	n = segment_checked(buf, len, &first, &secs);
	report_time("man ZWJ man ZWJ ...", len, n, secs);
	ck_assert_uint_eq(n, 1);

	tu_rng rng = {0x72616e646f6du};
	for (size_t k = 0; k < BIG; k++)
		buf[k] = (char)tu_rng_next(&rng);
	n = segment_checked(buf, BIG, &first, &secs);
	report_time("1 MiB of random bytes", BIG, n, secs);

	/* Random bytes biased towards UTF-8 leads, continuations and ASCII words. */
	static const unsigned char bytes[] = {'a', 'b', '1', '_', '.', '\'', ' ', '\r', '\n', 0x80,
	                                      0x8D, 0xBF, 0xC3, 0xE2, 0xF0, 0x9F, 0xA0, 0xED, 0xF4};
	for (size_t k = 0; k < BIG; k++)
		buf[k] = (char)bytes[tu_rng_below(&rng, sizeof bytes)];
	n = segment_checked(buf, BIG, &first, &secs);
	report_time("1 MiB of UTF-8-ish random bytes", BIG, n, secs);
	free(buf);
}
END_TEST

/* Ill-formed bytes are U+FFFD, Word_Break Other: a boundary on both sides. */
START_TEST(ill_formed_bytes_are_other)
{
	static const struct {
		const char *text;
		size_t ends[8];
	} cases[] = {
		{"ab\xFF" "cd", {2, 3, 5}},
		{"a\xC3" "b", {1, 2, 3}},                 /* truncated 2-byte sequence */
		{"\xE2\x82" "a", {2, 3}},                 /* one maximal subpart */
		{"\xED\xA0\x80", {1, 2, 3}},              /* a surrogate: three subparts */
		{"\xF0\x9F\x91" "\xCC\x81", {5}},         /* truncated emoji + Extend (WB4) */
		{"1\x80" "1", {1, 2, 3}},
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		size_t got[8], len = strlen(cases[k].text);
		size_t n = segment(cases[k].text, len, got, 8);
		size_t want_n = 0;
		while (cases[k].ends[want_n] != len)
			want_n++;
		want_n++;
		ck_assert_uint_eq(n, want_n);
		for (size_t e = 0; e < n; e++)
			ck_assert_uint_eq(got[e], cases[k].ends[e]);
	}
}
END_TEST

/* Segments of a few strings worth spelling out (UTF-8 in the source). */
START_TEST(hand_picked_strings)
{
	static const struct {
		const char *text;
		const char *segments; /* joined by '|' */
	} cases[] = {
		{"don't stop", "don't| |stop"},
		{"3.14,15 a.b. c:d e_f", "3.14,15| |a.b|.| |c:d| |e_f"},
		{"a  b\r\n\nc", "a|  |b|\r\n|\n|c"},
		{"#hashtag @user", "#|hashtag| |@|user"},
		{"año señor", "año| |señor"},
		{"ﾔ_ﾕ", "ﾔ_ﾕ"},
		{"\xD7\x90'\xD7\x91\"\xD7\x92", "\xD7\x90'\xD7\x91\"\xD7\x92"}, /* א'ב"ג */
		{"\xD7\x90\"", "\xD7\x90|\""},                               /* WB7b needs a letter */
		{"a\xE2\x80\x8D\xF0\x9F\x91\x8D", "a\xE2\x80\x8D\xF0\x9F\x91\x8D"}, /* a ZWJ 👍 */
		{"\xF0\x9F\x87\xAA\xF0\x9F\x87\xB8\xF0\x9F\x87\xAB", "\xF0\x9F\x87\xAA\xF0\x9F\x87\xB8|"
		                                                     "\xF0\x9F\x87\xAB"},
		{"1\xEF\xB8\x8F\xE2\x83\xA3" "2", "1\xEF\xB8\x8F\xE2\x83\xA3" "2"}, /* 1️⃣2 */
		{" \xCC\x88 ", " \xCC\x88| "},                                     /* WB3d is raw */
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		const char *text = cases[k].text;
		size_t len = strlen(text), got[64];
		size_t n = segment(text, len, got, 64);
		char joined[256];
		size_t at = 0, start = 0;
		for (size_t e = 0; e < n && e < 64; e++) {
			if (e)
				joined[at++] = '|';
			memcpy(joined + at, text + start, got[e] - start);
			at += got[e] - start;
			start = got[e];
		}
		joined[at] = '\0';
		ck_assert_str_eq(joined, cases[k].segments);
	}
}
END_TEST

/* ---------------------------------------------------------------- emoji */

/* Is the boundary between a word character (a letter or a digit) and the first
 * character of seq suppressed? WB5/WB9/WB8/WB10/WB13a join it when that character is
 * AHLetter, Numeric or ExtendNumLet (no sequence starts with anything WB6/WB12 use). */
static int glues_on_left(const cp_string *seq)
{
	mesura_wb w = mesura_tokens__word_break((int32_t)seq->cps[0]);
	return w == WB_ALETTER || w == WB_HEBREW_LETTER || w == WB_NUMERIC ||
	       w == WB_EXTENDNUMLET;
}

/* The same after seq: its last character that WB4 does not ignore decides. */
static int glues_on_right(const cp_string *seq)
{
	size_t k = seq->n;
	while (k > 1 && is_ignored(mesura_tokens__word_break((int32_t)seq->cps[k - 1])))
		k--;
	mesura_wb w = mesura_tokens__word_break((int32_t)seq->cps[k - 1]);
	return w == WB_ALETTER || w == WB_HEBREW_LETTER || w == WB_NUMERIC ||
	       w == WB_EXTENDNUMLET;
}

/* Segments before + seq + after and checks the ends against the expected ones. */
static void check_context(tu_tally *t, const cp_string *seq, const char *before,
                          const char *after, size_t line_no)
{
	char text[MAX_CPS * 4 + 16], hex[512], a[256], b[256];
	size_t nb = strlen(before), na = strlen(after), len = seq->at[seq->n];
	memcpy(text, before, nb);
	memcpy(text + nb, seq->utf8, len);
	memcpy(text + nb + len, after, na);
	size_t want[3], nwant = 0, got[MAX_CPS + 4];
	int word_before = before[0] != ' ', word_after = after[0] != ' ';
	if (!(word_before && glues_on_left(seq)))
		want[nwant++] = nb;
	if (!(word_after && glues_on_right(seq)))
		want[nwant++] = nb + len;
	want[nwant++] = nb + len + na;
	size_t ngot = segment(text, nb + len + na, got, COUNT(got));
	t->checks++;
	if (ngot != nwant || memcmp(got, want, nwant * sizeof *want))
		tu_tally_fail(t, "line %zu: \"%s\" + %s + \"%s\": want %s, got %s", line_no, before,
		             cs_hex(seq, hex, sizeof hex), after, segments_text(want, nwant, a, sizeof a),
		             ngot == SIZE_MAX ? "no progress" : segments_text(got, ngot, b, sizeof b));
}

START_TEST(emoji_sequences_are_one_segment)
{
	size_t len;
	char *data = tu_read_file(tu_data_path("emoji-test.txt"), &len);
	tu_tally alone = {"emoji-test alone", 0, 0};
	tu_tally context = {"emoji-test in context", 0, 0};
	static const char *const statuses[] = {"fully-qualified", "minimally-qualified",
	                                       "unqualified", "component"};
	size_t per_status[COUNT(statuses)] = {0};
	size_t glued_left = 0, glued_right = 0, line_no = 0;
	cp_string cs;
	char hex[512];
	for (char *line = data; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		char *semi = strchr(line, ';');
		if (line[0] == '#' || !semi) {
			line = next;
			continue;
		}
		size_t status = 0;
		while (status < COUNT(statuses) &&
		       strncmp(semi + 1 + strspn(semi + 1, " "), statuses[status], strlen(statuses[status])))
			status++;
		if (status == COUNT(statuses))
			ck_abort_msg("line %zu: unknown status", line_no);
		per_status[status]++;
		cs_clear(&cs);
		for (char *p = line; p < semi;) {
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p)
				break;
			cs_push(&cs, (uint32_t)cp);
			p = end;
		}
		size_t got[MAX_CPS];
		alone.checks++;
		if (segment(cs.utf8, cs.at[cs.n], got, MAX_CPS) != 1)
			tu_tally_fail(&alone, "line %zu: %s (%s) is not one segment", line_no,
			             cs_hex(&cs, hex, sizeof hex), statuses[status]);
		if (status == 0) {
			check_context(&context, &cs, " ", " ", line_no);
			check_context(&context, &cs, "a", "b", line_no);
			check_context(&context, &cs, "1", "2", line_no);
			if (glues_on_left(&cs) || glues_on_right(&cs))
				printf("  glued to letters and digits: %s (%s%s)\n", cs_hex(&cs, hex, sizeof hex),
				       glues_on_left(&cs) ? "before" : "",
				       glues_on_left(&cs) && glues_on_right(&cs) ? " and after" :
				       glues_on_right(&cs) ? "after" : "");
			glued_left += (size_t)glues_on_left(&cs);
			glued_right += (size_t)glues_on_right(&cs);
		}
		line = next;
	}
	free(data);
	for (size_t s = 0; s < COUNT(statuses); s++)
		printf("  %s: %zu\n", statuses[s], per_status[s]);
	printf("  fully-qualified glued to a word before: %zu, after: %zu\n", glued_left,
	       glued_right);
	/* The totals at the end of emoji-test.txt 15.0. */
	ck_assert_uint_eq(per_status[0], 3655);
	ck_assert_uint_eq(per_status[1], 827);
	ck_assert_uint_eq(per_status[2], 242);
	ck_assert_uint_eq(per_status[3], 9);
	/* The keycaps 0️⃣-9️⃣ (a digit, then Extend) and 🅰️ 🅱️ 🅾️ 🅿️ Ⓜ️ ℹ️ (ALetter and
	 * Extended_Pictographic): pinned so that a change of the table shows up here. */
	ck_assert_uint_eq(glued_left, 16);
	ck_assert_uint_eq(glued_right, 16);
	tu_tally_finish(&alone, "sequences");
	tu_tally_finish(&context, "sequences in context");
}
END_TEST

static Suite *wordbreak_suite(void)
{
	Suite *s = suite_create("wordbreak");
	TCase *tc = tcase_create("uax29");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, word_break_test_txt);
	tcase_add_test(tc, property_values);
	tcase_add_test(tc, oracle_passes_word_break_test_txt);
	tcase_add_test(tc, random_strings_match_the_rules);
	tcase_add_test(tc, ill_formed_bytes_are_other);
	tcase_add_test(tc, hand_picked_strings);
	tcase_add_test(tc, adversarial_inputs_are_linear);
	tcase_add_test(tc, emoji_sequences_are_one_segment);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(wordbreak_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
