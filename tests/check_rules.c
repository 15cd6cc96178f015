/* What policy semantics need code to check: properties over generated inputs
 * (nesting and include-depth limits, the literals derived from a regex against PCRE2,
 * the prefilters and whole-word shortcuts against the exhaustive scanner, joiners at
 * every offset), scanner internals (lazy tokenizing), compile options
 * (MESURA_COMPILE_NO_FILES, max_source_bytes) and allocation failures. The rest of the
 * policy semantics (all/any, unless, context and confidence, examples, keywords,
 * self-censored and joined spellings, views, lexicon files and includes) are fixtures
 * as data: tests/policies/NAME.yaml with their cases in NAME.jsonl, run by
 * `mesura-lint --test` (tests/CMakeLists.txt, docs/tools.md). */
#include <check.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "testutil.h"
#include <mesura.h>

#include "policy/regex.h"
#include "scan/boundaries.h"

/* ================================================================ helpers */

#define COUNT(a) (sizeof(a) / sizeof *(a))
/* A random element of array a. */
#define PICK(rng, a) ((a)[tu_rng_below((rng), COUNT(a))])

typedef struct {
	mesura_policy *policy;
	mesura_scanner *scanner;
} engine;

static engine engine_of(mesura_policy *p)
{
	engine e = {p, NULL};
	ck_assert_int_eq(mesura_scanner_new(&e.scanner, p, NULL), MESURA_OK);
	return e;
}

static engine engine_new(const char *src)
{
	return engine_of(tu_compile_ok(src, NULL));
}

static void engine_free(engine *e)
{
	mesura_scanner_free(e->scanner);
	mesura_policy_free(e->policy);
}

static const mesura_result *scan(engine *e, const char *text)
{
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(e->scanner, text, strlen(text), 0, &r), MESURA_OK);
	return r;
}

/* The confidence of the finding of `rule` over `piece` (first occurrence), or -1 when
 * the rule has no finding there. */
static double confidence_at(engine *e, const char *text, const char *rule, const char *piece)
{
	const mesura_finding *f = tu_finding_at(scan(e, text), text, rule, piece, 0);
	return f ? f->confidence : -1.0;
}

/* ======================================================= 1. nesting is limited */

/* A rule whose match is `levels` all/any groups nested in one another around a leaf. */
static char *nested_policy(int levels)
{
	size_t cap = 256 + (size_t)levels * 32;
	char *src = malloc(cap);
	ck_assert_ptr_nonnull(src);
	size_t n = (size_t)snprintf(src, cap, "mesura: 1\nrules:\n  - id: deep\n"
	                                      "    category: custom.deep\n    match: ");
	for (int i = 0; i < levels; i++)
		n += (size_t)snprintf(src + n, cap - n, "{%s: [", i % 2 ? "any" : "all");
	n += (size_t)snprintf(src + n, cap - n, "{terms: [abyss]}");
	for (int i = 0; i < levels; i++)
		n += (size_t)snprintf(src + n, cap - n, "]}");
	snprintf(src + n, cap - n, "\n");
	return src;
}

START_TEST(nesting_is_limited)
{
	/* "nest up to 16 deep": sixteen all/any, one inside the other, around a leaf. */
	for (int levels = 1; levels <= 16; levels++) {
		char *ok = nested_policy(levels);
		engine e = engine_new(ok);
		tu_expect_findings(e.scanner, "into the abyss", "deep", "abyss", NULL);
		engine_free(&e);
		free(ok);
	}

	for (int levels = 17; levels <= 20; levels++) {
		char *src = nested_policy(levels);
		tu_failed f = tu_compile_fail(src, NULL);
		ck_assert_int_eq(f.rc, MESURA_ELIMIT);
		/* At the seventeenth group (the seventeenth '{' of the source). */
		const mesura_diagnostic *g = tu_diag_with(f.diags, "nest deeper than 16");
		tu_expect_diag(g, src, MESURA_ELIMIT, "deep", "{", 16);
		ck_assert_uint_eq(mesura_diagnostics_errors(f.diags), 1);
		mesura_diagnostics_free(f.diags);
		free(src);
	}
}
END_TEST

/* ============================================ 2. context words, counted lazily */

/* The post's words are counted (which tokenizes it) only for a rule whose context in
 * words has a hit: a rule that fires with none leaves the post untokenized, and a later
 * rule with one still counts them and finds its word near. */
START_TEST(context_words_counted_only_with_a_context_hit)
{
	engine e = engine_new("mesura: 1\n"
	                      "rules:\n"
	                      "  - id: first\n"
	                      "    category: custom.first\n"
	                      "    match: { terms: [alpha] }\n"
	                      "    context: { words: [beta], within_words: 1, boost: 0.1 }\n"
	                      "  - id: second\n"
	                      "    category: custom.second\n"
	                      "    match: { terms: [gamma] }\n"
	                      "    context: { words: [delta], within_words: 1, boost: 0.1 }\n");
	ck_assert_double_eq_tol(confidence_at(&e, "alpha one two gamma", "first", "alpha"), 0.8,
	                        1e-9);
	ck_assert_int_eq(e.scanner->tokenized, 0); /* plain words: no tokenizer, no count */
	ck_assert_double_eq_tol(confidence_at(&e, "alpha one gamma x delta", "first", "alpha"),
	                        0.8, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "alpha one gamma x delta", "second", "gamma"),
	                        0.9, 1e-9);
	ck_assert_int_eq(e.scanner->tokenized, 1);
	ck_assert_double_eq_tol(confidence_at(&e, "alpha beta gamma one two delta", "first",
	                                      "alpha"),
	                        0.9, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "alpha beta gamma one two delta", "second",
	                                      "gamma"),
	                        0.8, 1e-9);
	engine_free(&e);
}
END_TEST

/* ================================================= 3. literals derived from a regex */

typedef struct {
	char runs[16][64];
	size_t n;
} run_list;

static void collect_run(const char *s, size_t n, void *payload)
{
	run_list *l = payload;
	ck_assert_uint_lt(l->n, 16);
	ck_assert_uint_lt(n, 64);
	memcpy(l->runs[l->n], s, n);
	l->runs[l->n++][n] = '\0';
}

/* The same for start literals, of which there may be more: those past 16 are counted
 * (n), not kept. */
static void collect_start_run(const char *s, size_t n, void *payload)
{
	run_list *l = payload;
	ck_assert_uint_lt(n, 64);
	if (l->n < 16) {
		memcpy(l->runs[l->n], s, n);
		l->runs[l->n][n] = '\0';
	}
	l->n++;
}

static run_list literals_of(const char *pattern)
{
	run_list l;
	memset(&l, 0, sizeof l);
	mesura_policy__regex_literals(pattern, strlen(pattern), collect_run, &l);
	return l;
}

/* Asserts that `pattern` gives exactly the runs listed (NULL-terminated). */
static void expect_runs(const char *pattern, ...)
{
	run_list l = literals_of(pattern);
	const char *want[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, pattern);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL && n < 16;)
		want[n++] = w;
	va_end(ap);
	int same = l.n == n;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(l.runs[i], want[i]) == 0;
	if (!same) {
		fprintf(stderr, "  '%s' gives", pattern);
		for (size_t i = 0; i < l.n; i++)
			fprintf(stderr, " \"%s\"", l.runs[i]);
		fprintf(stderr, "\n");
		ck_abort_msg("regex_literals('%s'): wrong runs", pattern);
	}
}

START_TEST(regex_literals_examples)
{
	expect_runs("AKIA[0-9A-Z]{16}", "AKIA", NULL);
	expect_runs("a|b", NULL);
	expect_runs("foo|barbaz", NULL); /* a top-level '|': nothing is required */
	/* The space before the group is outside it; the one after RSA is optional. */
	expect_runs("-----BEGIN (?:RSA )?PRIVATE KEY-----", "-----BEGIN ", "PRIVATE KEY-----", NULL);
	expect_runs("abc?d", "ab", "d", NULL);        /* not "abcd", not "abc" */
	expect_runs("ab+c", "ab", "c", NULL);         /* no run spans the + */
	expect_runs("ab*c", "a", "c", NULL);
	expect_runs("ab{0}cd", "a", "cd", NULL);
	expect_runs("ab{0,2}cd", "a", "cd", NULL);
	expect_runs("xy{2}z", "xy", "z", NULL);       /* y{2}: one y is surely there */
	expect_runs("x{2}", "x", NULL);
	expect_runs("ab{2,}?c", "ab", "c", NULL);
	expect_runs("(?x)a b", NULL);                 /* extended: spaces are not literal */
	expect_runs("(?x:a b)cde", NULL);
	expect_runs("\\Qabc\\E", NULL);
	expect_runs("a\\Qb|c\\Ed", NULL);
	expect_runs("\\.com", ".com", NULL);
	expect_runs("www\\.acme\\.es", "www.acme.es", NULL);
	expect_runs("^foo$", "foo", NULL);
	expect_runs("a.b", "a", "b", NULL);
	expect_runs("[|]abc", "abc", NULL);           /* '|' in a class is not alternation */
	expect_runs("(a|b)cde", "cde", NULL);
	expect_runs("(?i)abc", "abc", NULL);          /* as written: case is the caller's job */
	expect_runs("\\d{3}-\\d{4}", "-", NULL);
	expect_runs("[]x]yz", "yz", NULL);
	/* Escapes with arguments: the argument is not a literal of the pattern. */
	expect_runs("\\x41BC", "BC", NULL);
	expect_runs("\\x{41}BC", "BC", NULL);
	expect_runs("\\101bc", "bc", NULL);
	expect_runs("\\cAbc", "bc", NULL);
	expect_runs("\\pLabc", "abc", NULL);
	expect_runs("\\p{Lu}abc", "abc", NULL);
	expect_runs("(?<w>ab)\\k<w>cd", "cd", NULL);
	expect_runs("(a)\\g1xyz", "xyz", NULL);
	expect_runs("(a)\\g{1}xyz", "xyz", NULL);
	/* (*ACCEPT) ends a match early: nothing after it is required. */
	expect_runs("abc(*ACCEPT)def", NULL);
}
END_TEST

/* The start literals of `pattern` (mesura_policy__regex_starts, on a view that folds
 * the Kelvin sign and the long s unless `keeps_ks`), joined by '|', or "-" for none. */
static void collect_start(const char *s, size_t n, void *payload)
{
	char *out = payload;
	size_t len = strlen(out);
	ck_assert_uint_lt(len + n + 2, 1024);
	if (len)
		out[len++] = '|';
	memcpy(out + len, s, n);
	out[len + n] = '\0';
}

static void expect_starts_on(const char *pattern, int keeps_ks, const char *want)
{
	char got[1024] = "";
	size_t n = mesura_policy__regex_starts(pattern, strlen(pattern), !keeps_ks, collect_start, got);
	ck_assert_msg(strcmp(n ? got : "-", want) == 0, "regex_starts('%s'): \"%s\", not \"%s\"",
	              pattern, n ? got : "-", want);
	ck_assert_uint_eq(n, mesura_policy__regex_starts(pattern, strlen(pattern), !keeps_ks, NULL, NULL));
}

static void expect_starts(const char *pattern, const char *want)
{
	expect_starts_on(pattern, 0, want);
}

START_TEST(regex_starts_examples)
{
	/* zero-width assertions in front are passed over; a literal that starts with
	 * another ("sos", "son ustedes" with "so") adds nothing; spaces are literal, \s+
	 * ends a literal */
	expect_starts("(?<![\\pL\\d])(?<!no\\s)(?:eres|sois|sos|vos sos|son ustedes|so)\\s+tonto",
	              "eres|vos sos|so");
	expect_starts("\\b(?=x)(?!y)^(?:ab|cd)e", "abe|cde");
	/* groups, small classes and optional atoms branch; repeats end a literal */
	expect_starts("(?:you|u)(?:['\xe2\x80\x99]re| are)\\s", "you're|you\xe2\x80\x99re|you are|u're|u\xe2\x80\x99re|u are");
	expect_starts("colou?r", "color|colour");
	expect_starts("ab+c|x*y", "ab|y|x");     /* x* may be absent */
	expect_starts("ab|x*", "-");             /* ...and then the match may start anywhere */
	expect_starts("ab+c|xx*y", "ab|xy|xx");
	expect_starts("a{2}b|c{0}d", "a|d");
	expect_starts("(?:a|b)(?:c|d)", "ac|ad|bc|bd");
	expect_starts("[a-c]x|\\dy", "-");       /* a range, an escape: a match may start anywhere */
	expect_starts("(?<n>ab)c|(?|de)", "abc|de");
	expect_starts("\\.com|www\\.", ".com|www.");
	/* (?i): ASCII letters match either case (the scanner compares them so), a non-ASCII
	 * character may match its other case: it ends the literal; so do k and s on a view
	 * that keeps the Kelvin sign and the long s */
	expect_starts("(?i)ESPA\xc3\x91" "A|se\xc3\xb1or", "espa|se");
	expect_starts("espa\xc3\xb1" "a", "espa\xc3\xb1" "a");
	expect_starts("(?i)kilo|ask", "kilo|ask");
	expect_starts_on("(?i)kilo|ask", 1, "-");
	expect_starts_on("(?i)tick|ask", 1, "tic|a");
	expect_starts_on("tick|ask", 1, "tick|ask");
	/* \K moves the start reported, not the attempt's */
	expect_starts("(?:pin|clave)\\s*:\\s*\\K\\d+", "pin|clave");
	/* what the reading does not know */
	expect_starts("\\Qab\\E", "-");
	expect_starts("(?x)a b", "-");
	expect_starts("(*UTF)ab", "-");
	expect_starts("(a)(?(1)b|c)", "-");
	expect_starts("a(?R)?", "-");
	expect_starts("ab(*ACCEPT)c", "-");
	expect_starts(".ab|cd", "-");
}
END_TEST

/* ---- the soundness property of regex_literals, against PCRE2 itself */

typedef struct {
	char buf[512];
	size_t len;
	int groups; /* capturing groups so far (for back references) */
} pattern_builder;

static void put(pattern_builder *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n < sizeof b->buf) {
		memcpy(b->buf + b->len, s, n);
		b->len += n;
		b->buf[b->len] = '\0';
	}
}

static void gen_sequence(tu_rng *rng, pattern_builder *b, int depth);

static void gen_atom(tu_rng *rng, pattern_builder *b, int depth)
{
	static const char *const literals[] = {"a", "b", "c", "x", "-", " ", "ab", "abc", "ba", ".",
	                                       "1", "12", "A", "BC"};
	static const char *const escapes[] = {
		"\\.", "\\-", "\\x61", "\\x{62}", "\\141", "\\cA", "\\pL", "\\p{Ll}", "\\d", "\\w",
		"\\s", "\\b", "\\x20", "\\Qa|b\\E", "\\N", "\\ ", "\\G", "\\h", "\\R",
		"\\t", "\\x{2013}", "\\P{L}", "\\D", "\\]", "\\(", "(?#note)", "\\p{Lu}", "\\e"};
	static const char *const classes[] = {"[ab]", "[^a]", "[a-c]", "[|]", "[(]", "[]a]",
	                                      "[\\]b]", "[[:alpha:]]", "[-x]", "[0-9]", "[6789]",
	                                      "[\\d]", "[0-9a]", "[A-Z]", "[AB]", "[A-C0]",
	                                      "[^\\s/]", "[a-c/+]", "[^a]", "\\W", "\\S",
	                                      "[\\x{80}-\\x{10ffff}]", "[a\\-c]", "[\\w.-]", "[^\\pL]",
	                                      "[\\x41-\\x43]", "[[:digit:]x]", "[\\\\]"};
	size_t k = tu_rng_below(rng, 12);
	if (k < 5) {
		put(b, PICK(rng, literals));
	} else if (k < 7) {
		put(b, PICK(rng, escapes));
	} else if (k < 9) {
		put(b, PICK(rng, classes));
	} else if (k < 11 && depth < 3) {
		size_t o = tu_rng_below(rng, 12);
		char named[24];
		snprintf(named, sizeof named, o == 6 ? "(?P<n%d>" : o == 7 ? "(?'n%d'" : "(?<n%d>",
		         b->groups + 1);
		static const char *const others[] = {"(?>", "(?!", "(?<!", "(?-i:"};
		put(b, o == 0 ? "(" : o == 1 ? "(?:" : o == 2 ? "(?i:" : o == 3 || o == 6 || o == 7 ? named
		       : o == 4 ? "(?=" : o == 5 ? "(?<=" : others[o - 8]);
		b->groups += o == 0 || o == 3 || o == 6 || o == 7;
		gen_sequence(rng, b, depth + 1);
		while (tu_rng_below(rng, 3) == 0) {
			put(b, "|");
			gen_sequence(rng, b, depth + 1);
		}
		put(b, ")");
	} else if (b->groups > 0 && tu_rng_below(rng, 2)) {
		/* back references and a recursion (\k<n1> compiles when group 1 is named) */
		static const char *const refs[] = {"\\1", "\\g1", "\\g{1}", "\\g{-1}", "\\k<n1>",
		                                   "(?1)", "\\k'n1'", "\\k{n1}", "(?P=n1)", "(?&n1)"};
		put(b, PICK(rng, refs));
	} else if (tu_rng_below(rng, 4) == 0) {
		put(b, "(*ACCEPT)");
	} else {
		put(b, "a");
	}
}

static void gen_quantifier(tu_rng *rng, pattern_builder *b)
{
	static const char *const q[] = {"?", "*", "+", "{2}", "{0}", "{1,3}", "{2,}", "{0,1}",
	                                "{3}"};
	if (tu_rng_below(rng, 3))
		return;
	put(b, q[tu_rng_below(rng, COUNT(q))]);
	size_t lazy = tu_rng_below(rng, 6);
	if (lazy == 0)
		put(b, "?");
	else if (lazy == 1)
		put(b, "+");
}

static void gen_sequence(tu_rng *rng, pattern_builder *b, int depth)
{
	size_t n = 1 + tu_rng_below(rng, 5);
	for (size_t i = 0; i < n; i++) {
		gen_atom(rng, b, depth);
		gen_quantifier(rng, b);
	}
}

static void gen_pattern(tu_rng *rng, pattern_builder *b)
{
	b->len = 0;
	b->buf[0] = '\0';
	b->groups = 0;
	size_t prefix = tu_rng_below(rng, 10);
	if (prefix == 0)
		put(b, "(?i)");
	else if (prefix == 1)
		put(b, "^");
	gen_sequence(rng, b, 0);
	if (tu_rng_below(rng, 8) == 0) { /* sometimes a top-level alternation */
		put(b, "|");
		gen_sequence(rng, b, 0);
	}
}

static int ascii_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* Whether needle occurs in hay (ASCII case folded when `caseless`). */
static int contains(const char *hay, size_t hay_len, const char *needle, size_t n, int caseless)
{
	for (size_t i = 0; i + n <= hay_len; i++) {
		size_t k = 0;
		while (k < n && (caseless ? ascii_lower((unsigned char)hay[i + k]) ==
		                                ascii_lower((unsigned char)needle[k])
		                          : hay[i + k] == needle[k]))
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* The walks over a pattern pass over plain bytes a chunk at a time: what they stop at
 * (a group's end, an option setting, (*ACCEPT), a top-level '|') is found at every
 * offset from a chunk's start, after 0 to 40 plain bytes, as the byte-by-byte walk
 * finds it. */
START_TEST(pattern_walks_find_their_bytes_at_every_offset)
{
	for (size_t k = 0; k <= 40; k++) {
		char filler[41], p[256];
		memset(filler, 'q', k);
		filler[k] = '\0';
		/* a group's end: its digits count, and those after it */
		snprintf(p, sizeof p, "(?:%s(\\d{4})%s)[0-9]{2}", filler, filler);
		ck_assert_uint_eq(mesura_policy__regex_min_digits(p, strlen(p)), 6);
		/* a top-level alternative: the fewest digits of the two */
		snprintf(p, sizeof p, "%s\\d{5}|%s\\d{3}", filler, filler);
		ck_assert_uint_eq(mesura_policy__regex_min_digits(p, strlen(p)), 3);
		/* an option setting, (*ACCEPT), or neither */
		snprintf(p, sizeof p, "%s[A-Z]{5}", filler);
		ck_assert_uint_eq(mesura_policy__regex_min_capital_run(p, strlen(p)), 5);
		snprintf(p, sizeof p, "%s(?i)[A-Z]{5}", filler);
		ck_assert_uint_eq(mesura_policy__regex_min_capital_run(p, strlen(p)), 0);
		snprintf(p, sizeof p, "%s(*ACCEPT)[A-Z]{5}", filler);
		ck_assert_uint_eq(mesura_policy__regex_min_capital_run(p, strlen(p)), 0);
		/* escapes and classes hold no group end: "\\)" and "[)]" are literals */
		snprintf(p, sizeof p, "(?:%s\\)[)]\\d)\\d", filler);
		ck_assert_uint_eq(mesura_policy__regex_min_digits(p, strlen(p)), 2);
	}
}
END_TEST

/* Only letters follow "(?" in an option setting: the letters inside a lookaround, a
 * named group or a comment set nothing (a `\x{2010}` read as (?x) used to turn every
 * reading off; an "hi" as (?i), the capital runs). */
START_TEST(option_settings_are_letters_only)
{
	static const struct {
		const char *pattern;
		unsigned long digits, capitals;
	} cases[] = {
		{"(?<![\\x{2010}])\\d{3}[\\x{2010}-]\\d{4}", 7, 0},
		{"(?<!\\bhi )[A-Z]{4}\\d", 1, 4},
		{"(?<id>x)[A-Z]{4}", 0, 4},
		{"(?#xi)[A-Z]{4}\\d\\d", 2, 4},
		{"x\\d(?#xi)?[A-Z]{4}", 0, 0}, /* a quantifier after a comment is the digit's: nothing read */
		{"[(?i)][A-Z]{4}", 0, 4},
		{"(?-i)[A-Z]{4}", 0, 4},
		{"(?i)[A-Z]{4}", 0, 0},
		{"(?^i)[A-Z]{4}", 0, 0},
		{"x(?i:y)[A-Z]{4}", 0, 0},
		{"(?x)\\d \\d[A-Z]{4}", 0, 0},
		{"(?sx-i)\\d\\d", 0, 0},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		const char *p = cases[i].pattern;
		ck_assert_msg(mesura_policy__regex_min_digits(p, strlen(p)) == cases[i].digits,
		              "%s: %lu digits", p, mesura_policy__regex_min_digits(p, strlen(p)));
		ck_assert_msg(mesura_policy__regex_min_capital_run(p, strlen(p)) == cases[i].capitals,
		              "%s: %lu capitals", p, mesura_policy__regex_min_capital_run(p, strlen(p)));
	}
	run_list l = literals_of("(?<![\\x{2010}])abc");
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.runs[0], "abc");
}
END_TEST

START_TEST(regex_literals_are_required_by_every_match)
{
	static const char *const alphabet[] = {"a", "b", "c", "x", "A", "B", "-", " ", ".", "\x01",
	                                       "\xc3\xa9", "1", "|", "(", "]", "n", "ab", "abc",
	                                       "2", "34", "567", "C", "BC", "ABC"};
	tu_rng rng = {20240611};
	tu_tally t = {"regex_literals soundness", 0, 0};
	size_t patterns = 0, matches = 0, with_runs = 0, with_digits = 0, with_max_len = 0;
	size_t with_lead = 0, with_run = 0, with_capitals = 0, with_lookarounds = 0;
	size_t with_class_runs = 0, with_starts = 0;
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);
	ck_assert_ptr_nonnull(md);
	for (int i = 0; i < 4000; i++) {
		pattern_builder b;
		gen_pattern(&rng, &b);
		int err;
		PCRE2_SIZE erroff;
		pcre2_code *code =
		    pcre2_compile((PCRE2_SPTR)b.buf, b.len, PCRE2_UTF, &err, &erroff, NULL);
		if (!code)
			continue; /* e.g. a quantifier after (*ACCEPT) or \b: not a pattern */
		patterns++;
		run_list runs = literals_of(b.buf), around;
		memset(&around, 0, sizeof around);
		mesura_policy__regex_lookaround_literals(b.buf, b.len, collect_run, &around);
		with_lookarounds += around.n > 0;
		with_runs += runs.n > 0;
		size_t min_digits = mesura_policy__regex_min_digits(b.buf, b.len);
		with_digits += min_digits > 0;
		size_t max_len = mesura_policy__regex_max_len(b.buf, b.len);
		with_max_len += max_len != SIZE_MAX;
		size_t lead = mesura_policy__regex_digit_lead(b.buf, b.len);
		with_lead += lead != SIZE_MAX;
		size_t min_run = mesura_policy__regex_min_digit_run(b.buf, b.len);
		with_run += min_run > 1;
		size_t class_run;
		uint64_t class_set[4];
		mesura_policy__regex_class_run(b.buf, b.len, &class_run, class_set);
		with_class_runs += class_run > 2;
		size_t min_capitals = mesura_policy__regex_min_capital_run(b.buf, b.len);
		with_capitals += min_capitals > 1;
		int caseless = strstr(b.buf, "(?i") != NULL;
		run_list starts;
		memset(&starts, 0, sizeof starts);
		if (mesura_policy__regex_starts(b.buf, b.len, 0, collect_start_run, &starts) &&
		    starts.n <= 16)
			with_starts++;
		else
			starts.n = 0; /* none, or more than a run_list holds: not checked */
		for (int s = 0; s < 40; s++) {
			char subject[128];
			size_t len = 0, pieces = tu_rng_below(&rng, 16);
			for (size_t k = 0; k < pieces; k++) {
				const char *piece = PICK(&rng, alphabet);
				memcpy(subject + len, piece, strlen(piece));
				len += strlen(piece);
			}
			int rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, md, NULL);
			if (rc < 0)
				continue;
			matches++;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			const char *m = subject + ov[0];
			size_t m_len = ov[1] - ov[0];
			size_t digits = 0, first_digit = SIZE_MAX, in_row = 0, longest = 0;
			size_t capitals = 0, most_capitals = 0;
			for (size_t k = 0; k < m_len; k++) {
				int digit = m[k] >= '0' && m[k] <= '9';
				if (digit && digits++ == 0)
					first_digit = k;
				in_row = digit ? in_row + 1 : 0;
				longest = in_row > longest ? in_row : longest;
				capitals = m[k] >= 'A' && m[k] <= 'Z' ? capitals + 1 : 0;
				most_capitals = capitals > most_capitals ? capitals : most_capitals;
			}
			t.checks++;
			if (most_capitals < min_capitals)
				tu_tally_fail(&t, "'%s' needs %zu capitals in a row, but matches \"%.*s\"",
				              b.buf, min_capitals, (int)m_len, m);
			t.checks++;
			if (longest < min_run)
				tu_tally_fail(&t, "'%s' needs a run of %zu digits, but matches \"%.*s\"", b.buf,
				              min_run, (int)m_len, m);
			t.checks++;
			if (lead != SIZE_MAX && (first_digit == SIZE_MAX || first_digit > lead))
				tu_tally_fail(&t, "'%s' has a digit within %zu bytes, but matches \"%.*s\"",
				              b.buf, lead, (int)m_len, m);
			t.checks++;
			if (m_len > max_len)
				tu_tally_fail(&t, "'%s' matches at most %zu bytes, but matches \"%.*s\"", b.buf,
				              max_len, (int)m_len, m);
			t.checks++;
			if (digits < min_digits)
				tu_tally_fail(&t, "'%s' needs %zu digits, but matches \"%.*s\"", b.buf,
				              min_digits, (int)m_len, m);
			size_t in_set = 0, most_in_set = 0; /* the view: the subject */
			for (size_t k = 0; k < len; k++) {
				unsigned char c = (unsigned char)subject[k];
				in_set = (class_set[c >> 6] >> (c & 63)) & 1 ? in_set + 1 : 0;
				most_in_set = in_set > most_in_set ? in_set : most_in_set;
			}
			t.checks++;
			if (most_in_set < class_run)
				tu_tally_fail(&t, "'%s' needs %zu bytes of its class in a row, but matches in "
				              "\"%.*s\"", b.buf, class_run, (int)len, subject);
			for (size_t r = 0; r < around.n; r++) {
				const char *run = around.runs[r];
				t.checks++;
				if (!contains(subject, len, run, strlen(run), caseless))
					tu_tally_fail(&t, "'%s' needs \"%s\" around it, but matches in \"%.*s\"",
					              b.buf, run, (int)len, subject);
			}
			int starts_with_one = starts.n == 0;
			for (size_t r = 0; r < starts.n && !starts_with_one; r++) {
				size_t n = strlen(starts.runs[r]);
				starts_with_one = n <= len - ov[0] &&
				                  contains(subject + ov[0], n, starts.runs[r], n, 1);
			}
			t.checks++;
			if (!starts_with_one)
				tu_tally_fail(&t, "'%s' starts with \"%s\"..., but matches \"%.*s\"", b.buf,
				              starts.runs[0], (int)(len - ov[0]), subject + ov[0]);
			for (size_t r = 0; r < runs.n; r++) {
				const char *run = runs.runs[r];
				t.checks++;
				if (!contains(m, m_len, run, strlen(run), caseless))
					tu_tally_fail(&t, "'%s' reports \"%s\", but matches \"%.*s\"", b.buf,
					              run, (int)m_len, m);
			}
		}
		pcre2_code_free(code);
	}
	pcre2_match_data_free(md);
	printf("regex_literals soundness: %zu patterns (%zu with runs, %zu needing digits, %zu "
	       "with a digit lead, %zu needing 2 digits in a row, %zu needing 2 capitals in a row, "
	       "%zu with lookaround runs, %zu bounded, %zu with start literals), %zu matches\n",
	       patterns, with_runs, with_digits, with_lead, with_run, with_capitals, with_lookarounds,
	       with_max_len, with_starts, matches);
	ck_assert_uint_gt(with_run, 100);
	ck_assert_uint_gt(with_capitals, 100);
	ck_assert_uint_gt(with_lookarounds, 50);
	ck_assert_uint_gt(with_class_runs, 200);
	ck_assert_uint_gt(with_starts, 1000);
	ck_assert_uint_gt(with_digits, 500);
	ck_assert_uint_gt(with_lead, 300);
	ck_assert_uint_gt(with_max_len, 500);
	/* The property was really exercised. */
	ck_assert_uint_gt(patterns, 2500);
	ck_assert_uint_gt(with_runs, 1000);
	ck_assert_uint_gt(t.checks, 5000);
	tu_tally_finish(&t, "runs in matches");
}
END_TEST

/* A head as text: each byte's set as the characters it holds, "[..]" when several. */
static void show_head(uint64_t head[][4], size_t n, char *out, size_t cap)
{
	size_t m = 0;
	out[0] = '\0';
	for (size_t k = 0; k < n && m + 8 < cap; k++) {
		char one[300];
		size_t c = 0, count = 0;
		for (unsigned b = 0; b < 256; b++)
			if ((head[k][b >> 6] >> (b & 63)) & 1) {
				count++;
				if (c + 2 < sizeof one)
					one[c++] = b >= 0x20 && b != 0x7f ? (char)b : '~';
			}
		one[c] = '\0';
		m += (size_t)snprintf(out + m, cap - m, count == 1 ? "%s" : count > 100 ? "[*]" : "[%s]", one);
	}
}

START_TEST(regex_heads_and_refusals_examples)
{
	static const struct {
		const char *pattern, *head;
		size_t refusals;
	} cases[] = {
		{"(?<![A-Za-z0-9])(?:[A-Z]{2}\\d{2}|[a-z]{2}\\d{2}x)", "[ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz][ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz][0123456789][0123456789]", 1},
		{"(?<![\\w.-])(?:\\d{3}|\\d\\.\\d)[ -]?[A-Z]", "[0123456789][.0123456789][0123456789]", 1},
		{"(?<![\\d.,/_\\x{2013}-])(?<!\\d[ ./-])\\d{2}", "[0123456789][0123456789]", 2},
		{"\\b\\d[\\d,.]*\\s*%", "[0123456789]", 1},
		{"(?i)\\b\\d+ ?kg", "[0123456789]", 1},
		{"\\bkg\\d", "kg[0123456789]", 1},
		{"(?i)\\bkg\\d", "[*]", 0}, /* the Kelvin sign: other bytes follow */
		{"(?<![\\w+])(?:\\+1[ .-]?|1[ .-])?\\d", "", 1},
		{"caf\xc3\xa9!", "caf\xc3\xa9!", 0},
		{"(?<!x|y)ab", "ab", 0},             /* an alternation inside: not read */
		{"(?<![^a-c])ab", "ab", 1},
		{"(?<![[:alpha:]])ab", "ab", 1},     /* a subset: none of the POSIX class */
		{"(?<![^[:alpha:]])ab", "ab", 0},    /* a negated class read in part: none */
		{"(?<!\\w{2,3})ab", "ab", 0},        /* no fixed length */
		{"a(?<!b)c", "ac", 0},               /* not in front */
		{"ab|cd", "[ac][bd]", 0},
		{"ab|c", "[ac]", 0},
		{"x(?:ab|cde)y", "x[ac][bd]", 0},
		{"x(?:ab|cd)y", "x[ac][bd]y", 0},
		{"[^a]b", "[*]", 0},                 /* one to four bytes */
		{"(?=\\d)\\d\\K\\d", "", 0},
		{"(*UCP)\\d\\d", "", 0},
		{"a{2}b{3,}c", "aabbb", 0},
		{"(?:ab){2}c", "ababc", 0},
		{"(?:ab)?c", "", 0},
		{"\\d{12}", "[0123456789][0123456789][0123456789][0123456789][0123456789][0123456789][0123456789][0123456789]", 0},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		const char *p = cases[i].pattern;
		uint64_t head[REGEX_HEAD_MAX][4];
		regex_refusal refusals[REFUSALS_MAX];
		char shown[1024];
		show_head(head, mesura_policy__regex_head(p, strlen(p), head), shown, sizeof shown);
		ck_assert_msg(strcmp(shown, cases[i].head) == 0, "head of '%s': \"%s\", not \"%s\"", p,
		              shown, cases[i].head);
		size_t n = mesura_policy__regex_refusals(p, strlen(p), refusals, REFUSALS_MAX);
		ck_assert_msg(n == cases[i].refusals, "'%s': %zu refusals, not %zu", p, n,
		              cases[i].refusals);
	}
}
END_TEST

/* Whether the refusal holds right before t[p]: the bytes before are, in order, in its
 * sets. */
static int refusal_holds(const regex_refusal *r, const char *t, size_t p)
{
	if (r->len > p)
		return 0;
	for (size_t k = 0; k < r->len; k++) {
		unsigned char c = (unsigned char)t[p - r->len + k];
		if (!((r->set[k][c >> 6] >> (c & 63)) & 1))
			return 0;
	}
	return 1;
}

/* The scanner tries a regex near digits and at start literals only at offsets where
 * its head fits and no leading lookbehind refuses: PCRE2, asked at every offset of
 * generated subjects whether a match starts there, must never find one elsewhere. */
START_TEST(regex_heads_and_refusals_hold_for_every_match)
{
	static const char *const fronts[] = {
		"", "", "", "\\b", "(?<![\\w.-])", "(?<!\\d[ .-])", "(?<![\\pL\\d])", "(?<![^a-c])",
		"(?<!ab)", "(?<![A-Z]{2})", "(?<![\\W])", "(?<!\\s)", "(?<![^\\d])", "(?<![\\x{2013}-])",
		"(?<![^\\pL])", "(?<![\\p{L}1])", "(?<![^\\s/])", "(?i)(?<![a-c])", "(?<![^a])(?i)",
		"(?<![\\]b])", "(?<![\\D])", "(?=\\w)", "^"};
	static const char *const alphabet[] = {"a", "b", "c", "x", "A", "B", "C", "1", "2", "34",
	                                       "-", " ", ".", "/", "_", "\t", "ab", "abc",
	                                       "\xc3\xa9", "\xe2\x84\xaa", "\xc5\xbf", "\xe2\x80\x93",
	                                       "BC", "12"};
	tu_rng rng = {20261208};
	tu_tally t = {"heads and refusals", 0, 0};
	size_t patterns = 0, with_head = 0, with_refusals = 0, starts = 0;
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);
	ck_assert_ptr_nonnull(md);
	for (int i = 0; i < 4000; i++) {
		pattern_builder b;
		gen_pattern(&rng, &b);
		char pattern[sizeof b.buf + 64];
		snprintf(pattern, sizeof pattern, "%s%s%s", PICK(&rng, fronts),
		         tu_rng_below(&rng, 3) ? "" : PICK(&rng, fronts), b.buf);
		size_t len = strlen(pattern);
		int err;
		PCRE2_SIZE erroff;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, len, PCRE2_UTF, &err, &erroff, NULL);
		if (!code)
			continue;
		patterns++;
		uint64_t head[REGEX_HEAD_MAX][4];
		regex_refusal refusals[REFUSALS_MAX];
		size_t n = mesura_policy__regex_head(pattern, len, head);
		size_t r = mesura_policy__regex_refusals(pattern, len, refusals, REFUSALS_MAX);
		with_head += n > 1;
		with_refusals += r > 0;
		for (int s = 0; s < 30 && (n || r); s++) {
			char subject[128];
			size_t sl = 0, pieces = tu_rng_below(&rng, 14);
			for (size_t k = 0; k < pieces; k++) {
				const char *piece = PICK(&rng, alphabet);
				memcpy(subject + sl, piece, strlen(piece));
				sl += strlen(piece);
			}
			for (size_t at = 0; at <= sl; at++) {
				if (at < sl && ((unsigned char)subject[at] & 0xC0) == 0x80)
					continue; /* inside a character: never tried */
				if (pcre2_match(code, (PCRE2_SPTR)subject, sl, at, PCRE2_ANCHORED, md, NULL) < 0)
					continue;
				starts++;
				for (size_t k = 0; k < n; k++) {
					unsigned char c = at + k < sl ? (unsigned char)subject[at + k] : 0;
					t.checks++;
					if (at + k >= sl || !((head[k][c >> 6] >> (c & 63)) & 1))
						tu_tally_fail(&t, "'%s' starts with a head of %zu bytes, but matches at "
						              "%zu of \"%.*s\" (byte %zu)", pattern, n, at, (int)sl,
						              subject, k);
				}
				for (size_t k = 0; k < r; k++) {
					t.checks++;
					if (refusal_holds(&refusals[k], subject, at))
						tu_tally_fail(&t, "'%s': its lookbehind %zu refuses offset %zu of "
						              "\"%.*s\", where it matches", pattern, k, at, (int)sl,
						              subject);
				}
			}
		}
		pcre2_code_free(code);
	}
	pcre2_match_data_free(md);
	printf("heads and refusals: %zu patterns (%zu with a head of 2 bytes or more, %zu with "
	       "refusals), %zu starts of matches\n", patterns, with_head, with_refusals, starts);
	ck_assert_uint_gt(patterns, 2500);
	ck_assert_uint_gt(with_head, 500);
	ck_assert_uint_gt(with_refusals, 1000);
	ck_assert_uint_gt(t.checks, 20000);
	tu_tally_finish(&t, "starts");
}
END_TEST

/* ======================================= 6. prefilters and shortcuts are sound */

static const char *const POST_PIECES[] = {
	"4111 1111 1111 1111", "4111111111111111", "5555-5555-5555-4444", "4111 1111 1111 1112",
	"ES91 2100 0418 4502 0005 1332", "GB82WEST12345698765432", "ana.garcia@example.com",
	"x@y.co", "+34 612 345 678", "+34612345678", "AKIAIOSFODNN7EXAMPLE", "AKIA",
	"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "-----BEGIN RSA PRIVATE KEY-----",
	"-----BEGIN PRIVATE KEY-----", "password: hunter2", "PASSWORD=x", "pa\xc5\xbf\xc5\xbfword: x",
	"contraseña: 1234", "CONTRASEÑA:abc", "RT @user", "RT", "confidential", "CONFIDENTIAL",
	"Ñandú", "pingüino", "$AAPL", "$5", "https://x.co/fuck", "http://example.com/a?b=c",
	"www.acme.es/ofertas", " - ", " x ", "api_key = ", "APIKEY:", "ABC1", "ABC",
	"secreto", "\xc5\xbf" "ecreto", "SECRETO", "\xe2\x84\xaa" "elvin", "kelvin", "KELVIN",
	"fuck", "f*ck", "f**k?", "sh*t!", "FUCK", "fuuuuck", "f u c k", "fu\xe2\x80\x8b" "ck",
	"\xd0\x85h\xd1\x96t", "\xef\xbd\x93\xef\xbd\x88\xef\xbd\x89\xef\xbd\x94", "mierda",
	"m1erda", "m*erda", "p#ta", "puta", "coño", "co*o", "cono", "cabrón", "idiota", "imbécil",
	"gilipollas", "hijo de puta", "eres", "you are", "no eres", "cunt", "Scunthorpe",
	"scunthorpe", "classic", "assassin", "Essex", "#ad", "#publi", "#NoMásAbusos", "#fuck",
	"@acme", "@acme_support", "@acmeCorp", "$acme", "project falcon", "PROJECT FALC0N",
	"#ProjectFalcon", "project_falcon", "Project-Falcon", "project.falcon", "AñoNuevo",
	"#año_nuevo_feliz", "hijo-de-puta", "#HijoDePuta", "Hijo.De.Puta",
	"año nuevo", "año nuevo feliz", "señor presidente", "Straße", "STRASSE", "ñu", "tarjeta",
	"card", "pedido", "order", "\xf0\x9f\x98\x80", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
	"\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8", "e\xcc\x81", "n\xcc\x83", "café", "x", "y", "a", "1",
	"eres tonto", "vos sos bobo", "so tonta", "u r a moron", "you\xe2\x80\x99re idiots",
	"pin: 2468", "te voy a partir", "tic\xe2\x84\xaa off",
	"sapo", "s4po", "SAP0", "limon", "l1mon", "LIM\xc3\x93N", "gran sapo", "gr4n s4p0"};

static const char *const SEPARATORS[] = {
	" ", " ", " ", " ", "  ", "\t", "\n", ", ", ". ", "!", "?", "", "", "", "#", "@", "*",
	"-", "_", "'", "\xc2\xa0", "\xe2\x80\x8b", ":", "/", "(", ")", "\"", "...", " \xcc\x81",
	"\xe2\x80\x83", " \xe3\x80\x80", "\r\n", "[", "{", " (", "( ", "\xc2\xbf", "\xef\xbc\x83"};

static const char *const CHARS[] = {
	"a", "e", "i", "o", "u", "s", "h", "f", "c", "k", "t", "x", "A", "S", "Z", "0", "1", "4",
	"7", "\xc3\xa9", "\xc3\xb1", "\xc3\x91", "\xc3\x9f", "\xc5\xbf", "\xe2\x84\xaa",
	"\xcc\x81", "\xe2\x80\x8d", "\xef\xb8\x8f", "\xf0\x9f\x98\x80", "*", "#", "@", "$", "!", "?",
	"_", "%", ".", "-", "|", "&", "+", "=", ":", "\xd0\xb0", "(", "\"", ",", "[",
	"\xef\xbc\x83", "\xc7\x85"};

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n < cap) {
		memcpy(buf + *len, s, n);
		*len += n;
	}
	buf[*len] = '\0';
}

/* A random post: pieces (terms, near misses, secrets, social tokens, emoji, marks),
 * random words and characters, joined by spaces, punctuation or nothing. */
static size_t random_post(tu_rng *rng, char *buf, size_t cap)
{
	size_t len = 0, items = 1 + tu_rng_below(rng, 10);
	buf[0] = '\0';
	for (size_t i = 0; i < items; i++) {
		size_t kind = tu_rng_below(rng, 20);
		if (kind < 11) {
			append(buf, cap, &len, PICK(rng, POST_PIECES));
		} else if (kind < 14) {
			/* a piece with a symbol dropped in (self-censoring and near misses) */
			const char *p = PICK(rng, POST_PIECES);
			size_t n = strlen(p), at = tu_rng_below(rng, n + 1);
			while (at < n && ((unsigned char)p[at] & 0xC0) == 0x80)
				at++;
			char tmp[128];
			static const char masks[] = "*#@$%!?_";
			/* inserted, or (half the time) in place of an ASCII character */
			size_t skip = at < n && tu_rng_below(rng, 2) && (unsigned char)p[at] < 0x80;
			snprintf(tmp, sizeof tmp, "%.*s%c%s", (int)at, p, masks[tu_rng_below(rng, 8)],
			         p + at + skip);
			append(buf, cap, &len, tmp);
		} else if (kind < 17) {
			size_t n = 1 + tu_rng_below(rng, 6);
			for (size_t k = 0; k < n; k++)
				append(buf, cap, &len, PICK(rng, CHARS));
		} else {
			char digits[24];
			size_t n = 1 + tu_rng_below(rng, 18);
			for (size_t k = 0; k < n; k++)
				digits[k] = (char)('0' + tu_rng_below(rng, 10));
			digits[n] = '\0';
			append(buf, cap, &len, digits);
		}
		append(buf, cap, &len, PICK(rng, SEPARATORS));
	}
	return len;
}

/* Scans `text` in normal and in exhaustive mode and counts a failure unless the
 * results are the same: status, verdict, and every finding's rule, span, condition and
 * confidence. Returns the number of findings. */
static size_t compare_modes(mesura_scanner *normal, mesura_scanner *exhaustive,
                            const char *text, size_t len, tu_tally *t)
{
	const mesura_result *a = NULL, *b = NULL;
	int rc_a = mesura_scan(normal, text, len, 0, &a);
	int rc_b = mesura_scan(exhaustive, text, len, 0, &b);
	t->checks++;
	int same = rc_a == rc_b && a->verdict == b->verdict && mesura_result_finding_count(a) == mesura_result_finding_count(b) &&
	           a->decisive == b->decisive;
	for (size_t i = 0; same && i < mesura_result_finding_count(a); i++) {
		const mesura_finding *x = mesura_result_finding_get(a, i), *y = mesura_result_finding_get(b, i);
		same = strcmp(x->rule_id, y->rule_id) == 0 && x->start == y->start &&
		       x->end == y->end && strcmp(x->condition, y->condition) == 0 &&
		       x->confidence == y->confidence;
	}
	if (!same) {
		char shown[1024];
		size_t n = 0;
		for (size_t i = 0; i < len && n + 8 < sizeof shown; i++) {
			unsigned char ch = (unsigned char)text[i];
			n += (size_t)(ch >= 0x20 && ch < 0x7f && ch != '\\'
			                  ? snprintf(shown + n, sizeof shown - n, "%c", ch)
			                  : snprintf(shown + n, sizeof shown - n, "\\x%02x", ch));
		}
		char found[1024];
		size_t m = 0;
		const mesura_result *both[2] = {a, b};
		for (int k = 0; k < 2; k++) {
			m += (size_t)snprintf(found + m, sizeof found - m, "%s (rc %d):",
			                      k ? "; exhaustive" : "normal", k ? rc_b : rc_a);
			for (size_t i = 0; i < mesura_result_finding_count(both[k]) && m + 64 < sizeof found; i++) {
				const mesura_finding *f = mesura_result_finding_get(both[k], i);
				m += (size_t)snprintf(found + m, sizeof found - m, " %s/%s[%zu,%zu)%.2f",
				                      f->rule_id, f->condition, f->start, f->end,
				                      f->confidence);
			}
		}
		tu_tally_fail(t, "\"%s\": %s", shown, found);
	}
	return mesura_result_finding_count(a);
}

typedef struct {
	engine normal;
	mesura_scanner *exhaustive;
} mode_pair;

static mode_pair mode_pair_new(void)
{
	mode_pair m;
	m.normal = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	ck_assert_int_eq(mesura_scanner_new(&m.exhaustive, m.normal.policy, NULL), MESURA_OK);
	mesura_scan__set_exhaustive(m.exhaustive, 1);
	return m;
}

static void mode_pair_free(mode_pair *m)
{
	mesura_scanner_free(m->exhaustive);
	engine_free(&m->normal);
}

/* Edges of the whole-word shortcut and of the self-censored words. */
static const char *const TRICKY_POSTS[] = {
	"a  x", "y  b", "a x\xe2\x80\x83 b", "a\xe2\x80\x83x b", "a \xe2\x80\x83x\xe2\x80\x83 b",
	" x ", "x", "\t-\t", "a -\n\n b", "a\xc2\xa0x\xc2\xa0" "b", "\xcc\x81x ", "x\xcc\x81 - y",
	"f*ck?", "sh*t!", "*f*ck*", "fu**", "**ck", "#f*ck", "@f*ck", "f*ck@", "co*o!", "co**o",
	"fuck.", "fuck!)", "fuck,x", "(fuck)", "\"fuck\"", "fuck\xcc\x81", "fuck\xe2\x80\x8d",
	"#FuckThis", "@FuckThis", "$FUCK", "fuck.com", "x.fuck@example.com", "https://fuck.es",
	"Scunthorpe", "scunthorpe's", "#scunthorpe", "año nuevo feliz", "año  nuevo", "año\nnuevo",
	"RT @acme", " RT @acme", "ABC1ABC2", "ABCD12EF", "xABCD12EF", "ABCDLMEF.", "ABC12EF",
	"ABCDE12EF", "ABCD12E", "ABCD\xc3\x89" "1EF", "ab ABCD12EF x", "-ABCD12EF", "key:abc@x", "key:abc@",
	"key:abc x@x", "key: abc@x", "KEY:abc@x", "key:ab@x", "ab/cd+EF12gh", "ab/cd+EF12g",
	"x ab/cd+EF12gh=", "ab/cd+EF12gh.", "ab/cd+EF\xc3\xa9" "12gh", "api_key:  \n", "api_key: \xe2\x80\x83x",
	"\xef\xbc\x83" "FuckThis", "\xef\xbc\x83" "NoFuckM\xc3\xa1s", "#ABCfuck", "#FUCKthis", "#fuck9",
	"#9fuck", "a9fuck", "fuck9", "(a\xc3\xb1o", "x(fuck)", "a (fuck", "(\xcc\x81" "fuck", "[fuck]",
	"{fuck}", "allí, fuck", "allí,fuck", "fuck allí, x", "x \xcc\x81" "fuck", "\xc7\x85" "fuck",
	"fuck\xc7\x85", "\xc2\xbf" "fuck?", "\"(fuck\")", "ain't fuck", "fuck'n", "x.fuck", "#x.fuck",
	"@x.fuck", "$x.fuck", "foo:fuck", "fuck:foo", "www.fuck.com", "a.b.fuck", "fuck!\"", "fuck.\")",
	"f&#117;ck", "fu%63k off", "sh\x01it", "sh\x7fit", "m%69erda", "a&b fuck", "50% shit", "&",
	"fuck%", "\x01", "fuck\x1f", "\x0e" "fuck", "fuck\x7f", "%", "F&#85;CK x", "M%49ERDA",
	"fuck...", "fuck.)x", "<fuck>", "x<fuck>", "#FUCKTHIS", "#FUCKThis", "#THISFUCK", "#thisFUCK",
	"#FUCK\xcc\x81this", "foo:http://x.com/fuck", "http://x.com:fuck@y.es", "#x'fuck", "x_y.fuck",
	"\xc3\xa9.fuck", "fuck.\xc3\xa9", "#fuck'x", "fuck'#x", "FUCK'S", "#A.FUCK",
	/* posts of ASCII and precomputed characters, each view's stage 1 made in one pass
	 * (normalize_table_post): look-alikes read in context (¡ between letters, € before
	 * one), fullwidth letters, ZWSP, the emoji variation selector, '&' and '%' that are no
	 * markup; and the posts that hand over to the general path: a mark after a table
	 * letter, after a dropped ZWJ, markup, a flag (regional indicators), ￠ (NFKC's ¢) */
	"h\xc2\xa1jo de puta", "\xc2\xa1Hola, m\xe2\x82\xac" "rda!", "\xc2\xa1puta\xc2\xa1",
	"\xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b you", "p\xe2\x80\x8bu\xe2\x80\x8bt\xe2\x80\x8b" "a",
	"\xe2\x9d\xa4\xef\xb8\x8f mierda", "AT&T sucks 50% \xc3\xb1o puta", "caf\xc3\xa9\xcc\x81 mierda",
	"shit\xe2\x80\x8d\xcc\x81", "m&#105;erda \xc3\xa9", "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8 puta",
	"\xef\xbf\xa0" "abr\xc3\xb3n", "MI\xc3\x89RDA \xc3\x91", "\xc3\x9f" "hit",
	/* regexes searched from where a start literal is: at the start, in the middle and at
	 * the end of a post, after a multi-byte character, two candidates at one offset or
	 * overlapping, a first candidate that fails and a later one that matches, capitals,
	 * a literal with a space, a \K, the Kelvin sign and the long s */
	"eres tonto", "y eres tonto", "dijo: eres tonta", "\xe2\x80\xa6" "eres idiota",
	"t\xc3\xba" "eres tonto", "\xc3\xb1so tonto", "sos tonto", "so sos tonto", "vos sos bobo",
	"no sos tonto", "eres muy sos tonto", "eres eres tonto", "soso tonto", "ERES TONTO",
	"pedazo de idiota", "pedazo  de idiota", "pedazo de", "so", "eres",
	"you\xe2\x80\x99re an idiot", "u're a moron", "they r idiots", "you r idiots",
	"YOU ARE AN IDIOT", "you you're idiots", "uu r idiots", "you'r idiots", "u", "you're",
	"te voy a matar", "TE VOY A MATAR", "ojal\xc3\xa1 you", "OJAL\xc3\x81 you", "ojalayou",
	"tic\xe2\x84\xaa you", "a\xc5\xbfk you", "ASK OFF", "a ver si you", "aask you",
	"pin: 1234", "clave=98765", "password :  123456", "mi llave: 4321", "spin: 1234",
	"pin: pin: 5678", "pin:12",
	/* leaves dropped at once when a view holds fewer digits than they need: exactly as
	 * many as a leaf needs and one fewer, on either side of DIGIT_GATE (16) */
	"+34 612 345 678", "+34 612 345 67", "x+34612345678x", "+34612345678 1", "4111 1111 1111 1111",
	"4111 1111 1111 111", "4111111111111111", "411111111111111", "1234567890123456 x",
	"ES91 2100 0418 4502 0005 1332", "ES91 2100 0418 4502 0005 133", "1", "12 34",
	/* offsets near digits ruled out by a head or a leading lookbehind, and the same
	 * texts where nothing rules them out: right after a letter, a digit, a '_', a
	 * character beyond ASCII, a joiner the lookbehind names or one it does not */
	"12345678Z", "x12345678Z", "1.12345678Z", "12.345.678-Z", "a12.345.678 Z", "-12345678Z",
	"\xc3\xa9" "12345678Z", "\xe2\x80\x93" "12345678Z", ":12345678Z", "1234567Z", "123456789Z",
	"612 345", "1 612 345", "+612 345", "x612 345", "1-612 345", "\xc3\xa9" "612 345",
	"1, 612 345", "12 345", "612  345", "612-3456", "50%", "x50%", "5,0 %", "\xc3\xa9" "50%",
	"_50%", "a 50 %", "AES91 2100 0418 4502 0005 1332", "\xc3\xb1" "ES91 2100 0418 4502 0005 1332",
	"9ES91 2100 0418 4502 0005 1332", "x4111 1111 1111 1111", "\xc3\xa9" "4111 1111 1111 1111",
	"no eres tonto", "\xc3\xb1" "eres tonto", "xeres tonto", "1eres tonto", "no  eres tonto",
	/* regexes whose rules need terms as well, which the post holds or not, in a view
	 * searched before theirs or after; an unless regex, with its match tree holding or
	 * not */
	"revenue +18%, sneak peek", "margin 42% before the call", "growth 18%, sneak peek",
	"revenue 18%", "REVENUE 18 % not public", "revenue 18% not public, results are out",
	"18% before the launch, revenue", "results are out, revenue up 18% before the call",
	"revenue: results are out", "12 Main St, pay him a visit", "12 Main Street",
	"pay him a visit at 12 Main Road", "his address: 12 Main st, you know what to do",
	"his address, pay him a visit", "12 main st", "idiota @acme", "@acme idiota", "@acme",
	"eres idiota @acme", "hola @x y adios",
	/* a regex whose keywords are its group's alternatives' ("idiota", "cil", "tont",
	 * "til"): each, in either case, after a mention or not */
	"@pepe imb\xc3\xa9" "cil", "@pepe, IN\xc3\x9a" "TILES", "@pepe: tonto", "@pepe idiota",
	"@pepe imbecil", "@pepe inutil", "@pepe in til", "@pepe imb\xc3\xa9", "pepe tonto",
	"@@pepe tonto", "@pepe  tontos!", "@pepe tontamente"};

/* A post of ASCII with markup or a control in it is not plain (src/text/plain.h): its
 * views take the stage-1 pass, which decodes the markup and drops the control, where
 * the shortcut of plain posts would have copied them. Each post is a finding only so. */
START_TEST(ascii_posts_with_markup_or_controls_take_stage1)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	tu_expect_findings(e.scanner, "f&#117;ck", "profanity", "f&#117;ck", NULL);
	tu_expect_findings(e.scanner, "well, fu%63k off", "profanity", "fu%63k", NULL);
	tu_expect_findings(e.scanner, "M%49ERDA!", "profanity", "M%49ERDA", NULL);
	tu_expect_findings(e.scanner, "sh\x01it happens", "profanity", "sh\x01it", NULL);
	tu_expect_findings(e.scanner, "sh\x7fit happens", "profanity", "sh\x7fit", NULL);
	tu_expect_findings(e.scanner, "\x0e" "fuck", "profanity", "fuck", NULL);
	tu_expect_findings(e.scanner, "50% shit", "profanity", "shit", NULL); /* not markup */
	engine_free(&e);
}
END_TEST

/* A scanner resets only the leaves and rules the last post's hits set (forget_hits):
 * posts after one with hits find only their own, whatever came before, and the same
 * as a fresh scanner. */
START_TEST(a_scanner_forgets_the_last_posts_hits)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	static const char *const posts[] = {"eres un imb\xc3\xa9" "cil", "hola", "imb\xc3\xa9" "cil",
	                                    "eres", "no eres un idiota", "", "gran sapo, s4po",
	                                    "mi tarjeta 4111 1111 1111 1111", "tarjeta"};
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < COUNT(posts); i++) {
			mesura_scanner *fresh;
			ck_assert_int_eq(mesura_scanner_new(&fresh, e.policy, NULL), MESURA_OK);
			const mesura_result *a, *b;
			size_t n = strlen(posts[i]);
			ck_assert_int_eq(mesura_scan(e.scanner, posts[i], n, 0, &a), MESURA_OK);
			ck_assert_int_eq(mesura_scan(fresh, posts[i], n, 0, &b), MESURA_OK);
			ck_assert_uint_eq(mesura_result_finding_count(a), mesura_result_finding_count(b));
			for (size_t k = 0; k < mesura_result_finding_count(a); k++) {
				const mesura_finding *x = mesura_result_finding_get(a, k);
				const mesura_finding *y = mesura_result_finding_get(b, k);
				ck_assert_str_eq(x->rule_id, y->rule_id);
				ck_assert(x->start == y->start && x->end == y->end && x->confidence == y->confidence);
			}
			mesura_scanner_free(fresh);
		}
	tu_expect_findings(e.scanner, "eres un imb\xc3\xa9" "cil", "combo", "eres", "imb\xc3\xa9" "cil", NULL);
	tu_expect_findings(e.scanner, "hola", "combo", NULL);
	tu_expect_findings(e.scanner, "imb\xc3\xa9" "cil", "combo", NULL);
	engine_free(&e);
}
END_TEST

START_TEST(exhaustive_mode_agrees_on_chosen_posts)
{
	/* Cases of each shortcut, and of each regex rule, one at a time. */
	mode_pair m = mode_pair_new();
	tu_tally t = {"chosen posts", 0, 0};
	size_t findings = 0;
	mesura_scanner *normal = m.normal.scanner;
	for (size_t i = 0; i < COUNT(TRICKY_POSTS); i++)
		findings += compare_modes(normal, m.exhaustive, TRICKY_POSTS[i], strlen(TRICKY_POSTS[i]),
		                          &t);
	for (size_t i = 0; i < COUNT(POST_PIECES); i++)
		for (size_t s = 0; s < COUNT(SEPARATORS); s++) {
			const char *piece = POST_PIECES[i], *sep = SEPARATORS[s];
			char post[256];
			snprintf(post, sizeof post, "%s%s%s", sep, piece, sep);
			findings += compare_modes(normal, m.exhaustive, post, strlen(post), &t);
			snprintf(post, sizeof post, "a%s%s%s1", sep, piece,
			         SEPARATORS[(s + 7) % COUNT(SEPARATORS)]);
			findings += compare_modes(normal, m.exhaustive, post, strlen(post), &t);
		}
	/* capitals in a row (a prefilter counts them a chunk at a time, the last bytes as
	 * the chunk that ends the view) and runs of a class (windows read from their end):
	 * a run at every offset, split or not, one short, up to the end, after runs of
	 * the class one shorter than needed */
	for (size_t k = 0; k <= 40; k++) {
		static const char *const runs[] = {"ABCD12EF", "ABC12EF", "AB CD12EF", "ABCDE12EF",
		                                   "ab/cd+EF12gh", "ab/cd+EF12g", "ab/cd EF12gh+x/y9"};
		static const char *const fillers[] = {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		                                      "xxxxxxxxxxx xxxxxxxxxxx xxxxxxxxxxx xxxxx",
		                                      "x y z x y z x y z x y z x y z x y z x y z"};
		for (size_t i = 0; i < COUNT(runs) * COUNT(fillers); i++) {
			char post[128];
			snprintf(post, sizeof post, "%.*s%s", (int)k, fillers[i % COUNT(fillers)],
			         runs[i / COUNT(fillers)]);
			findings += compare_modes(normal, m.exhaustive, post, strlen(post), &t);
			snprintf(post, sizeof post, "%s%s %.*s", k % 2 ? "QQQQQQQQQQQQQQQQ" : "",
			         runs[i / COUNT(fillers)], (int)(k % 19), fillers[i % COUNT(fillers)]);
			findings += compare_modes(normal, m.exhaustive, post, strlen(post), &t);
		}
	}
	ck_assert_uint_gt(findings, 1000);
	tu_tally_finish(&t, "posts");
	mode_pair_free(&m);
}
END_TEST

/* The regex leaves of rule `id` that are searched from where a start literal is. */
static size_t leaves_at_starts(const mesura_policy *p, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		n += x->kind == COND_REGEX && strcmp(p->rules[x->rule].id, id) == 0 && x->n_starts;
	}
	return n;
}

/* The span of the first finding of rule `id` in `post`, as "start-end", or "-". */
static const char *finding_of(engine *e, const char *post, const char *id)
{
	static char where[32];
	const mesura_result *r = scan(e, post);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (strcmp(f->rule_id, id) == 0) {
			snprintf(where, sizeof where, "%zu-%zu", f->start, f->end);
			return where;
		}
	}
	return "-";
}

/* The soundness policy's start-* rules do take that path (the posts above compare it
 * with the exhaustive search), and find what they should; the default policy's leaves
 * that take it are listed. */
START_TEST(start_literals_are_used)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	static const char *const ids[] = {"start-words", "start-quotes", "start-caseless",
	                                  "start-pin"};
	for (size_t i = 0; i < COUNT(ids); i++)
		ck_assert_msg(leaves_at_starts(e.policy, ids[i]) == 1, "%s", ids[i]);
	ck_assert_uint_eq(leaves_at_starts(e.policy, "email"), 0); /* starts with a class */
	ck_assert_uint_eq(leaves_at_starts(e.policy, "aws"), 0);   /* PCRE2 finds 'A' itself */
	ck_assert_str_eq(finding_of(&e, "eres eres tonto", "start-words"), "5-15");
	ck_assert_str_eq(finding_of(&e, "vos sos bobo", "start-words"), "0-12");
	ck_assert_str_eq(finding_of(&e, "no sos tonto", "start-words"), "-");
	ck_assert_str_eq(finding_of(&e, "\xe2\x80\xa6so tonto", "start-words"), "3-11");
	ck_assert_str_eq(finding_of(&e, "you you\xe2\x80\x99re idiots", "start-quotes"), "4-19");
	ck_assert_str_eq(finding_of(&e, "tic\xe2\x84\xaa you", "start-caseless"), "0-10");
	ck_assert_str_eq(finding_of(&e, "a\xc5\xbfk you", "start-caseless"), "0-8");
	ck_assert_str_eq(finding_of(&e, "OJAL\xc3\x81 you", "start-caseless"), "0-10");
	ck_assert_str_eq(finding_of(&e, "pin: pin: 5678", "start-pin"), "10-14");
	engine_free(&e);

	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_default(&p, NULL, NULL), MESURA_OK);
	size_t leaves = 0, regexes = 0;
	printf("default policy, regex leaves searched from their start literals:\n");
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->kind != COND_REGEX || p->rules[x->rule].disabled)
			continue;
		regexes++;
		if (!x->n_starts)
			continue;
		leaves++;
		printf("  %s (%zu literals:", p->rules[x->rule].id, x->n_starts);
		for (size_t k = 0; k < x->n_starts && k < 4; k++)
			printf(" \"%.*s\"", (int)x->start_lens[k], x->starts[k]);
		printf("%s)\n", x->n_starts > 4 ? " ..." : "");
	}
	printf("  %zu of %zu\n", leaves, regexes);
	ck_assert_uint_eq(leaves_at_starts(p, "harassment.es-insult"), 2);
	ck_assert_uint_eq(leaves_at_starts(p, "harassment.es-threat"), 2);
	ck_assert_uint_gt(leaves, 25);
	mesura_policy_free(p);
}
END_TEST

/* The leaf of rule `id` (its first regex leaf). */
static const policy_cond *regex_leaf(const mesura_policy *p, const char *id)
{
	for (size_t i = 0; i < p->n_conds; i++)
		if (p->conds[i].kind == COND_REGEX && strcmp(p->rules[p->conds[i].rule].id, id) == 0)
			return &p->conds[i];
	ck_abort_msg("no regex leaf in %s", id);
	return NULL;
}

/* The keywords of a group's alternatives, joined by '|' ("-" when none). */
static const char *alternative_keywords(const char *pattern, int unfolded_ks, size_t min)
{
	static char joined[512];
	run_list l;
	memset(&l, 0, sizeof l);
	size_t n = mesura_policy__regex_alternative_keywords(pattern, strlen(pattern), unfolded_ks,
	                                                     min, collect_start_run, &l);
	ck_assert_uint_eq(n, l.n);
	size_t m = 0;
	joined[0] = '\0';
	for (size_t i = 0; i < l.n && i < 16; i++)
		m += (size_t)snprintf(joined + m, sizeof joined - m, "%s%s", i ? "|" : "", l.runs[i]);
	return n ? joined : "-";
}

START_TEST(alternative_keywords_examples)
{
	static const struct {
		const char *pattern;
		int unfolded_ks;
		const char *want;
	} cases[] = {
		{"(?i)(?<![\\w@])@\\w{1,30}[,:]?\\s+(?:idiotas?|imb[e\xc3\xa9]cil(?:es)?|est[u\xc3\xba]pid[oa]s?|in[u\xc3\xba]til)(?![\\pL\\d])",
		 0, "idiota|cil|pid|til"},
		{"(?i)@\\w+ (?:tonto|kaka)", 1, "-"},   /* "kaka" has no piece of 3 without a k */
		{"(?i)@\\w+ (?:tonto|kaka)", 0, "tonto|kaka"},
		{"@\\w+ (?:abc|de)", 0, "-"},            /* "de" is too short */
		{"@\\w+ (?:abc|de)?", 0, "-"},           /* optional */
		{"@\\w+ (?=abc|def)", 0, "-"},          /* a lookahead */
		{"@(?:ab|cd) (?:xyz|uvw)", 0, "xyz|uvw"}, /* the first group whose all qualify */
		{"@(?:abc|x(?:def)) (?:xyz)", 0, "xyz"}, /* "x" alone outside its group: too short */
		{"a|(?:bcd|efg)", 0, "-"},               /* not one sequence at the top */
		{"(?x)@ (?:abc | def)", 0, "-"},
		{"(?:abcd|efgh){2}", 0, "abcd|efgh"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		const char *got = alternative_keywords(cases[i].pattern, cases[i].unfolded_ks, 3);
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "'%s': \"%s\", not \"%s\"",
		              cases[i].pattern, got, cases[i].want);
	}
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	ck_assert_uint_eq(regex_leaf(e.policy, "mention-insult")->n_keywords, 4);
	engine_free(&e);
	/* the default policy's @mention insult in Spanish, which has no keywords written */
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_default(&p, NULL, NULL), MESURA_OK);
	const policy_cond *x = regex_leaf(p, "harassment.es-insult");
	size_t with = 0;
	for (size_t i = 0; i < p->n_conds; i++)
		if (p->conds[i].kind == COND_REGEX && p->conds[i].rule == x->rule &&
		    p->conds[i].n_keywords > 10)
			with++;
	ck_assert_uint_ge(with, 1);
	mesura_policy_free(p);
}
END_TEST

/* Every match of a generated pattern holds one of the keywords of its group's
 * alternatives (in either case: the keyword automaton folds ASCII letters). */
START_TEST(alternative_keywords_hold_for_every_match)
{
	static const char *const alphabet[] = {"a", "b", "c", "x", "A", "B", "C", "1", "2", "-",
	                                       " ", ".", "ab", "abc", "ba", "BC", "12", "\xc3\xa9",
	                                       "\xe2\x84\xaa", "\xc5\xbf", "\n"};
	tu_rng rng = {0xa17e};
	tu_tally t = {"alternative keywords", 0, 0};
	size_t patterns = 0, with = 0, matches = 0;
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);
	ck_assert_ptr_nonnull(md);
	for (int i = 0; i < 6000; i++) {
		pattern_builder b;
		gen_pattern(&rng, &b);
		int err;
		PCRE2_SIZE erroff;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)b.buf, b.len, PCRE2_UTF, &err, &erroff, NULL);
		if (!code)
			continue;
		patterns++;
		run_list kw;
		memset(&kw, 0, sizeof kw);
		size_t n = mesura_policy__regex_alternative_keywords(b.buf, b.len, 1, 1, collect_start_run, &kw);
		with += n > 0 && n <= 16;
		for (int s = 0; s < 100 && n > 0 && n <= 16; s++) {
			char subject[16 * 64];
			size_t len = 0, pieces = tu_rng_below(&rng, 14);
			for (size_t k = 0; k < pieces; k++) { /* a keyword a third of the time */
				const char *piece = tu_rng_below(&rng, 3) ? PICK(&rng, alphabet)
				                                          : kw.runs[tu_rng_below(&rng, kw.n)];
				memcpy(subject + len, piece, strlen(piece));
				len += strlen(piece);
			}
			if (pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, md, NULL) < 0)
				continue;
			matches++;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			int one = 0;
			for (size_t k = 0; k < kw.n && !one; k++)
				one = contains(subject, len, kw.runs[k], strlen(kw.runs[k]), 1);
			t.checks++;
			if (!one)
				tu_tally_fail(&t, "'%s' needs one of \"%s\"..., but matches \"%.*s\" in \"%.*s\"",
				              b.buf, kw.runs[0], (int)(ov[1] - ov[0]), subject + ov[0], (int)len,
				              subject);
		}
		pcre2_code_free(code);
	}
	pcre2_match_data_free(md);
	printf("alternative keywords: %zu patterns (%zu with keywords), %zu matches\n", patterns,
	       with, matches);
	ck_assert_uint_gt(with, 300);
	ck_assert_uint_gt(t.checks, 1500);
	tu_tally_finish(&t, "matches");
}
END_TEST

/* The soundness policy's near-digit rules are tried with a head and refusals (the
 * posts above compare that path with the exhaustive search); most of the default
 * policy's leaves tried near digits have a head, and lookbehinds in front. */
START_TEST(heads_and_refusals_are_used)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	static const struct {
		const char *id;
		size_t head, refusals;
	} leaves[] = {{"dni", 8, 1}, {"grouped-digits", 7, 2}, {"percent", 1, 1}, {"card", 1, 1},
	              {"iban", 4, 1}, {"phone", 3, 0}, {"start-words", 0, 2}, {"start-pin", 0, 0}};
	for (size_t i = 0; i < COUNT(leaves); i++) {
		const policy_cond *x = regex_leaf(e.policy, leaves[i].id);
		ck_assert_msg(x->head_len == leaves[i].head && x->n_refusals == leaves[i].refusals,
		              "%s: a head of %zu bytes and %zu refusals", leaves[i].id, x->head_len,
		              x->n_refusals);
	}
	ck_assert_ptr_nonnull(regex_leaf(e.policy, "dni")->anchored);
	ck_assert_uint_gt(regex_leaf(e.policy, "start-words")->n_starts, 0);
	engine_free(&e);

	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_default(&p, NULL, NULL), MESURA_OK);
	size_t near = 0, with_head = 0, with_refusals = 0;
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->kind != COND_REGEX || p->rules[x->rule].disabled || !x->anchored)
			continue;
		near++;
		with_head += x->head_len > 1;
		with_refusals += x->n_refusals > 0;
	}
	printf("default policy: %zu leaves tried near digits, %zu with a head of 2 bytes or more, "
	       "%zu with refusals\n", near, with_head, with_refusals);
	ck_assert_uint_gt(with_head, near / 2);
	ck_assert_uint_gt(with_refusals, near / 2);
	mesura_policy_free(p);
}
END_TEST

/* The view_regex of leaf `cond` in its view. */
static const view_regex *view_regex_of(const mesura_policy *p, uint32_t cond)
{
	const policy_view *view = &p->views[p->conds[cond].view];
	for (size_t k = 0; k < view->n_regexes; k++)
		if (view->regexes[k].cond == cond)
			return &view->regexes[k];
	ck_abort_msg("leaf %u is in no view", cond);
	return NULL;
}

/* The regex leaves whose rules need more than them wait for what they need: the
 * soundness policy's (the posts above compare that path with the exhaustive search)
 * and the default policy's figures and doxxing leaves. */
START_TEST(regexes_wait_for_what_their_rules_need)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/soundness.yaml"), NULL));
	const mesura_policy *p = e.policy;
	size_t gated = 0, later = 0;
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->kind != COND_REGEX)
			continue;
		const view_regex *r = view_regex_of(p, (uint32_t)i);
		const char *id = p->rules[x->rule].id;
		size_t want = strcmp(id, "figures") == 0 ? (x->role == ROLE_UNLESS ? 1 : 2)
		            : strcmp(id, "doxxing") == 0 ? 1
		            : strcmp(id, "combo") == 0 ? 1 : 0;
		ck_assert_msg(r->n_needs == want, "%s: %zu needs", id, r->n_needs);
		gated += r->n_needs > 0;
		later += r->n_needs > 0 && r->settled > x->view;
	}
	printf("soundness policy: %zu regex leaves wait for their rules, %zu of them for a later "
	       "view\n", gated, later);
	ck_assert_uint_eq(gated, 5); /* figures' two and its unless leaf, doxxing, combo */
	ck_assert_uint_gt(later, 0);
	ck_assert_uint_lt(later, gated);
	engine_free(&e);

	mesura_policy *d = NULL;
	ck_assert_int_eq(mesura_policy_default(&d, NULL, NULL), MESURA_OK);
	gated = later = 0;
	for (size_t i = 0; i < d->n_conds; i++) {
		const policy_cond *x = &d->conds[i];
		if (x->kind != COND_REGEX || d->rules[x->rule].disabled)
			continue;
		const view_regex *r = view_regex_of(d, (uint32_t)i);
		gated += r->n_needs > 0;
		later += r->n_needs > 0 && r->settled > x->view;
	}
	printf("default policy: %zu regex leaves wait for their rules, %zu of them for a later "
	       "view\n", gated, later);
	ck_assert_uint_eq(view_regex_of(d, (uint32_t)(regex_leaf(d, "confidential.figures-en") - d->conds))->n_needs, 2);
	ck_assert_uint_eq(view_regex_of(d, (uint32_t)(regex_leaf(d, "harassment.en-doxxing") - d->conds))->n_needs, 1);
	ck_assert_uint_gt(later, 5);
	mesura_policy_free(d);
}
END_TEST

START_TEST(exhaustive_mode_agrees_on_random_posts)
{
	mode_pair m = mode_pair_new();
	tu_rng rng = {0x5eed};
	tu_tally t = {"random posts", 0, 0};
	size_t findings = 0, posts_with_findings = 0;
	for (int i = 0; i < 20000; i++) {
		char post[1024];
		size_t len = random_post(&rng, post, sizeof post);
		size_t n = compare_modes(m.normal.scanner, m.exhaustive, post, len, &t);
		findings += n;
		posts_with_findings += n > 0;
	}
	printf("random posts: %zu findings in %zu posts\n", findings, posts_with_findings);
	ck_assert_uint_gt(posts_with_findings, 10000);
	tu_tally_finish(&t, "posts");
	mode_pair_free(&m);
}
END_TEST

/* Every line of a text file, as a post. */
static size_t compare_file_lines(mode_pair *m, const char *path, tu_tally *t)
{
	size_t len;
	char *text = tu_read_file(path, &len);
	size_t lines = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		compare_modes(m->normal.scanner, m->exhaustive, text + at, end - at, t);
		lines++;
		at = end + 1;
	}
	free(text);
	return lines;
}

START_TEST(exhaustive_mode_agrees_on_data_files)
{
	mode_pair m = mode_pair_new();
	tu_tally t = {"data file lines", 0, 0};
	static const char *const files[] = {"../../examples/data/sample-posts.txt",
	                                    "twitter-text-extract.txt", "emoji-test.txt"};
	for (size_t i = 0; i < COUNT(files); i++)
		ck_assert_uint_gt(compare_file_lines(&m, tu_data_path(files[i]), &t), 10);
	tu_tally_finish(&t, "lines");
	mode_pair_free(&m);
}
END_TEST

/* ===================================== 4. joiners of phrases written joined */

/* Joined spellings are looked for only within a term's length of a joiner (the
 * stretches around joiners, those that overlap as one): phrases far into a long post,
 * at its two ends, two in one stretch and two stretches apart are all found, in
 * order, as a search of the whole post finds them. */
START_TEST(joined_phrases_anywhere_in_a_post)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/joined.yaml"), NULL));
	static const char filler[] = "nothing to see in this long and quiet sentence, ";
	char text[1024];
	snprintf(text, sizeof text, "%s%s%se-mail me about #Project_Falcon %s%s%sand orion-x-ray",
	         filler, filler, filler, filler, filler, filler);
	tu_expect_findings(e.scanner, text, "codename", "Project_Falcon", "orion-x-ray", NULL);
	snprintf(text, sizeof text, "%s%sproject_falcon and orion_x-ray, %s", filler, filler,
	         filler);
	tu_expect_findings(e.scanner, text, "codename", "project_falcon", "orion_x-ray", NULL);
	snprintf(text, sizeof text, "Project-Falcon %s%s%s%sproyecto_halc\xc3\xb3n", filler, filler,
	         filler, filler);
	tu_expect_findings(e.scanner, text, "codename", "Project-Falcon", "proyecto_halc\xc3\xb3n", NULL);
	snprintf(text, sizeof text, "%sgo-die %sfirst-class %s", filler, filler, filler);
	tu_expect_findings(e.scanner, text, "threat", "go-die", NULL);
	engine_free(&e);
}
END_TEST

/* The joiners of random texts, against a byte-by-byte reading of the rule (an '_' or
 * '-' between two word characters, not between two digits): the scanner finds them a
 * chunk of bytes at a time, so they are put at every offset around a chunk's ends. */
START_TEST(joiners_found_at_every_offset)
{
	engine e = engine_of(tu_load_ok(tu_data_path("../policies/joined.yaml"), NULL));
	scan(&e, "a first post"); /* the scanner as a scan leaves it */
	static const char *const pieces[] = {"a", "Z", "7", "_", "-", " ", "\xc3\xa9", ".", "__"};
	tu_rng rng = {19};
	for (int round = 0; round < 3000; round++) {
		char text[128];
		size_t len = 0, want = (size_t)tu_rng_below(&rng, 70);
		while (len < want) {
			const char *p = PICK(&rng, pieces);
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		char expected[128];
		int any = 0;
		memcpy(expected, text, len);
		for (size_t i = 1; i + 1 < len; i++) {
			unsigned char a = (unsigned char)text[i - 1], b = (unsigned char)text[i + 1];
			int digits = isdigit(a) && isdigit(b);
			if ((text[i] == '_' || text[i] == '-') && (a >= 0x80 || isalnum(a)) &&
			    (b >= 0x80 || isalnum(b)) && !digits) {
				expected[i] = ' ';
				any = 1;
			}
		}
		const char *spaced = NULL;
		e.scanner->spaced_from = NULL; /* a new text at a reused address */
		ck_assert_int_eq(mesura_scan__joiners_as_spaces(e.scanner, text, len, &spaced), MESURA_OK);
		if (!any)
			ck_assert_ptr_null(spaced);
		else
			ck_assert_mem_eq(spaced, expected, len);
	}
	engine_free(&e);
}
END_TEST

/* ================================================ 5. files: limits and options */


/* The scratch directories of a test case live in one directory that the case's
 * unchecked fixture makes and removes in the runner's process, so that a test that
 * fails (and exits) leaves nothing behind. */
static char scratch_root[64];

static void scratch_root_setup(void)
{
	snprintf(scratch_root, sizeof scratch_root, "/tmp/mesura-rules-XXXXXX");
	if (!mkdtemp(scratch_root))
		scratch_root[0] = '\0';
}

static void remove_tree(const char *path)
{
	DIR *dir = opendir(path);
	if (dir) {
		for (struct dirent *e; (e = readdir(dir)) != NULL;) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char child[512];
			struct stat st;
			snprintf(child, sizeof child, "%s/%s", path, e->d_name);
			if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(child);
			else
				remove(child);
		}
		closedir(dir);
	}
	rmdir(path);
}

static void scratch_root_teardown(void)
{
	if (scratch_root[0])
		remove_tree(scratch_root);
}

/* A scratch directory with files, removed at the end of the test. */
typedef struct {
	char dir[128];
	char paths[32][200];
	size_t n;
} scratch;

static void scratch_new(scratch *s)
{
	memset(s, 0, sizeof *s);
	ck_assert_msg(scratch_root[0], "no scratch directory");
	snprintf(s->dir, sizeof s->dir, "%s/t-XXXXXX", scratch_root);
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
}

/* The path of `name` in the scratch directory (static, rotating). */
static const char *scratch_path(const scratch *s, const char *name)
{
	static char bufs[4][200];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof bufs[0], "%s/%s", s->dir, name);
	return b;
}

/* Records the path of `name` for removal; returns it. */
static const char *scratch_add(scratch *s, const char *name)
{
	ck_assert_uint_lt(s->n, 32);
	memcpy(s->paths[s->n], scratch_path(s, name), sizeof s->paths[s->n]);
	s->paths[s->n][sizeof s->paths[s->n] - 1] = '\0';
	return s->paths[s->n++];
}

static void scratch_write(scratch *s, const char *name, const char *text, size_t len)
{
	FILE *f = fopen(scratch_add(s, name), "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void scratch_put(scratch *s, const char *name, const char *text)
{
	scratch_write(s, name, text, strlen(text));
}

static void scratch_free(scratch *s)
{
	while (s->n > 0)
		remove(s->paths[--s->n]);
	rmdir(s->dir);
}

/* Loads a policy file that must compile. */

/* A chain of `depth` files, each including the next: chain0.yaml includes chain1.yaml... */
static void write_chain(scratch *s, int depth)
{
	for (int i = 0; i <= depth; i++) {
		char name[32], text[256];
		snprintf(name, sizeof name, "chain%d.yaml", i);
		int n = snprintf(text, sizeof text, "mesura: 1\n");
		if (i < depth)
			n += snprintf(text + n, sizeof text - (size_t)n, "include: [chain%d.yaml]\n", i + 1);
		snprintf(text + n, sizeof text - (size_t)n,
		         "rules:\n  - id: r%d\n    category: custom.c\n    match: { terms: [w%d] }\n", i,
		         i);
		scratch_put(s, name, text);
	}
}

START_TEST(include_depth_and_lexicon_size_are_limited)
{
	/* "includes nest up to 8 deep": eight nested includes compile, nine do not. */
	scratch s;
	scratch_new(&s);
	write_chain(&s, 8);
	engine e = engine_of(tu_load_ok(scratch_path(&s, "chain0.yaml"), NULL));
	ck_assert_uint_eq(mesura_policy_rule_count(e.policy), 9);
	tu_expect_findings(e.scanner, "w0 w8", "r8", "w8", NULL);
	engine_free(&e);
	scratch_free(&s);

	scratch_new(&s);
	write_chain(&s, 9);
	tu_failed f = tu_load_fail(scratch_path(&s, "chain0.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ELIMIT);
	const mesura_diagnostic *g = tu_diag_with(f.diags, "includes nest deeper than 8");
	ck_assert_int_eq(g->status, MESURA_ELIMIT);
	ck_assert_str_eq(g->file, scratch_path(&s, "chain8.yaml"));
	mesura_diagnostics_free(f.diags);

	/* max_source_bytes limits each lexicon file too. */
	char big[600];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\n';
	scratch_write(&s, "big.txt", big, sizeof big);
	const char *src = "mesura: 1\nlexicons:\n  big: { file: big.txt }\nrules:\n  - id: b\n"
	                  "    category: custom.b\n    match: { terms: \"@big\" }\n";
	scratch_put(&s, "big.yaml", src);
	mesura_compile_options opts = MESURA_COMPILE_OPTIONS_INIT;
	opts.max_source_bytes = 500;
	f = tu_load_fail(scratch_path(&s, "big.yaml"), &opts);
	ck_assert_int_eq(f.rc, MESURA_ELIMIT);
	tu_expect_diag(tu_diag_with(f.diags, "lexicon file \"big.txt\" is larger than the limit of 500 bytes"), src,
	           MESURA_ELIMIT, NULL, "big.txt", 0);
	mesura_diagnostics_free(f.diags);
	opts.max_source_bytes = 600;
	mesura_policy_free(tu_load_ok(scratch_path(&s, "big.yaml"), &opts));
	scratch_free(&s);
}
END_TEST

START_TEST(no_files_option_and_builtins)
{
	scratch s;
	scratch_new(&s);
	scratch_put(&s, "words.txt", "alpha\n");
	scratch_put(&s, "inc.yaml", "mesura: 1\nrules:\n  - id: i\n    category: custom.i\n"
	                            "    match: { terms: [i] }\n");
	mesura_compile_options opts = MESURA_COMPILE_OPTIONS_INIT;
	opts.flags = MESURA_COMPILE_NO_FILES;
	char src[1024];
	/* The files exist and could be read: the option refuses them anyway. */
	snprintf(src, sizeof src,
	         "mesura: 1\ninclude: [%s]\nlexicons:\n  w: { file: %s }\nrules:\n  - id: r\n"
	         "    category: custom.r\n    match: { terms: \"@w\" }\n",
	         scratch_path(&s, "inc.yaml"), scratch_path(&s, "words.txt"));
	tu_failed f = tu_compile_fail(src, &opts);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	tu_expect_diag(tu_diag_with(f.diags, "may not include files (MESURA_COMPILE_NO_FILES)"), src,
	           MESURA_ESYNTAX, NULL, "/tmp", 0);
	tu_expect_diag(tu_diag_with(f.diags, "may not read files (MESURA_COMPILE_NO_FILES)"), src,
	           MESURA_ESYNTAX, NULL, "/tmp", 1);
	mesura_diagnostics_free(f.diags);
	/* Without the option, the same policy compiles. */
	mesura_policy_free(tu_compile_ok(src, NULL));

	const char *builtin = "mesura: 1\ninclude: [builtin:nonexistent]\nrules:\n  - id: r\n"
	                      "    category: custom.r\n    match: { terms: [a] }\n";
	f = tu_compile_fail(builtin, &opts);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	tu_expect_diag(tu_diag_with(f.diags, "no built-in module \"nonexistent\""), builtin,
	           MESURA_ESYNTAX, NULL, "builtin:", 0);
	mesura_diagnostics_free(f.diags);
	scratch_free(&s);
}
END_TEST

/* ================================================= 9. allocation failures */

/* Every feature at once, in files: an include, lexicon files (a BOM, CRLF endings),
 * all/any, unless, context, examples, keywords, the allow list. */
#define EVERYTHING "../policies/files/everything/main.yaml"

static const char *const OOM_POSTS[] = {
	"joke: qué m1erda, f*ck, tarjeta 4111 1111 1111 1111 y eres idiota @ana",
	"tok_abcd1234 AKIAIOSFODNN7EXAMPLE Scunthorpe xcuntx #fuck",
	"pedido 4111111111111111 para tu tarjeta, no eres imbécil \xf0\x9f\x98\x80 f u c k joke"};

/* Each post's findings as "rule start end;" text, for comparing runs. */
static void findings_text(const mesura_result *r, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < mesura_result_finding_count(r) && n + 64 < cap; i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		n += (size_t)snprintf(out + n, cap - n, "%s %zu %zu %.3f;", f->rule_id, f->start,
		                      f->end, f->confidence);
	}
}

START_TEST(allocation_failures_are_clean)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", tu_data_path(EVERYTHING));
	/* What a run without failures gives. */
	char expected[3][512];
	engine e = engine_of(tu_load_ok(path, NULL));
	ck_assert_uint_eq(mesura_policy_rule_count(e.policy), 6);
	for (size_t i = 0; i < 3; i++) {
		const mesura_result *r = scan(&e, OOM_POSTS[i]);
		ck_assert_uint_gt(mesura_result_finding_count(r), 1);
		findings_text(r, expected[i], sizeof expected[i]);
	}
	engine_free(&e);

	/* Compile: fail every allocation from the Nth on. */
	int ok = 0;
	size_t sweeps = 0;
	for (size_t fail_after = 0; !ok && fail_after < 20000; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		int rc = mesura_policy_load_file(&p, path, NULL, &d, &fa.hooks);
		if (rc == MESURA_OK)
			ok = 1;
		else if (rc != MESURA_ENOMEM)
			tu_print_diags(d);
		ck_assert_msg(rc == MESURA_OK || rc == MESURA_ENOMEM,
		              "allocation %zu failed: status %d, not MESURA_ENOMEM", fail_after, rc);
		mesura_policy_free(p);
		mesura_diagnostics_free(d);
		ck_assert_msg(fa.live == 0, "allocation %zu failed: %zu blocks leaked", fail_after,
		              fa.live);
		sweeps++;
	}
	ck_assert(ok);
	ck_assert_uint_gt(sweeps, 100);

	/* Scan: a scanner and three posts, failing every allocation from the Nth on. */
	mesura_policy *p = tu_load_ok(path, NULL);
	ok = 0;
	for (size_t fail_after = 0; !ok && fail_after < 20000; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_scanner *sc = NULL;
		int rc = mesura_scanner_new(&sc, p, &fa.hooks);
		for (size_t i = 0; rc == MESURA_OK && i < 3; i++) {
			const mesura_result *r = NULL;
			rc = mesura_scan(sc, OOM_POSTS[i], strlen(OOM_POSTS[i]), 0, &r);
			if (rc == MESURA_OK) {
				char got[512];
				findings_text(r, got, sizeof got);
				ck_assert_str_eq(got, expected[i]);
			} else {
				ck_assert_uint_eq(mesura_result_finding_count(r), 0);
			}
		}
		if (rc == MESURA_OK)
			ok = 1;
		else
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		mesura_scanner_free(sc);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(ok);
	mesura_policy_free(p);
}
END_TEST

/* One allocation fails and the next ones succeed: a failure must not be mistaken for
 * something else (a file that cannot be read, a missing lexicon...). The compile may
 * recover (PCRE2's JIT falls back to the interpreter); if it succeeds, the policy must
 * scan as the one compiled without failures. */
typedef struct {
	mesura_allocator hooks;
	size_t fail_at, calls, live;
} one_failure;

static void *one_malloc(size_t size, void *user)
{
	one_failure *o = user;
	if (o->calls++ == o->fail_at)
		return NULL;
	void *p = malloc(size);
	o->live += p != NULL;
	return p;
}

static void *one_realloc(void *ptr, size_t size, void *user)
{
	one_failure *o = user;
	if (o->calls++ == o->fail_at)
		return NULL;
	void *p = realloc(ptr, size);
	o->live += p != NULL && ptr == NULL;
	return p;
}

static void one_free(void *ptr, void *user)
{
	one_failure *o = user;
	o->live -= ptr != NULL;
	free(ptr);
}

START_TEST(single_allocation_failures_are_clean)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", tu_data_path(EVERYTHING));
	char expected[3][512];
	engine e = engine_of(tu_load_ok(path, NULL));
	for (size_t i = 0; i < 3; i++)
		findings_text(scan(&e, OOM_POSTS[i]), expected[i], sizeof expected[i]);
	engine_free(&e);

	tu_tally t = {"single allocation failures", 0, 0};
	size_t total = SIZE_MAX;
	for (size_t fail_at = 0; fail_at < total; fail_at++) {
		one_failure o = {{one_malloc, one_realloc, one_free, NULL}, fail_at, 0, 0};
		o.hooks.user = &o;
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		int rc = mesura_policy_load_file(&p, path, NULL, &d, &o.hooks);
		t.checks++;
		if (o.calls <= fail_at) { /* nothing failed: the sweep is over */
			ck_assert_int_eq(rc, MESURA_OK);
			total = fail_at;
		} else if (rc == MESURA_OK) {
			engine ok = engine_of(p);
			char got[512];
			findings_text(scan(&ok, OOM_POSTS[0]), got, sizeof got);
			if (strcmp(got, expected[0]) != 0)
				tu_tally_fail(&t, "allocation %zu failed, compiled, scans differently",
				              fail_at);
			mesura_scanner_free(ok.scanner);
			p = ok.policy;
		} else if (rc != MESURA_ENOMEM) {
			const mesura_diagnostic *g = mesura_diagnostics_get(d, 0);
			tu_tally_fail(&t, "allocation %zu failed: status %d (%s)", fail_at, rc,
			              g ? g->message : "");
		}
		mesura_policy_free(p);
		mesura_diagnostics_free(d);
		if (o.live != 0)
			tu_tally_fail(&t, "allocation %zu failed: %zu leaked", fail_at, o.live);
	}
	ck_assert_uint_gt(total, 100);

	/* A scanner and three posts: a failure is MESURA_ENOMEM, or harmless. */
	mesura_policy *p = tu_load_ok(path, NULL);
	size_t scan_total = SIZE_MAX;
	for (size_t fail_at = 0; fail_at < scan_total; fail_at++) {
		one_failure o = {{one_malloc, one_realloc, one_free, NULL}, fail_at, 0, 0};
		o.hooks.user = &o;
		mesura_scanner *sc = NULL;
		int rc = mesura_scanner_new(&sc, p, &o.hooks);
		for (size_t i = 0; rc == MESURA_OK && i < 3; i++) {
			const mesura_result *r = NULL;
			rc = mesura_scan(sc, OOM_POSTS[i], strlen(OOM_POSTS[i]), 0, &r);
			char got[512];
			findings_text(r, got, sizeof got);
			if (rc == MESURA_OK && strcmp(got, expected[i]) != 0)
				tu_tally_fail(&t, "scan allocation %zu failed: post %zu: %s", fail_at, i,
				              got);
		}
		t.checks++;
		if (o.calls <= fail_at)
			scan_total = fail_at;
		if (rc != MESURA_OK && rc != MESURA_ENOMEM)
			tu_tally_fail(&t, "scan allocation %zu failed: status %d", fail_at, rc);
		mesura_scanner_free(sc);
		if (o.live != 0)
			tu_tally_fail(&t, "scan allocation %zu failed: %zu leaked", fail_at, o.live);
	}
	mesura_policy_free(p);
	ck_assert_uint_gt(scan_total, 10);
	printf("single allocation failures: %zu in compiling, %zu in scanning\n", total,
	       scan_total);
	tu_tally_finish(&t, "failed allocations");
}
END_TEST

/* ================================================================ main */

int main(void)
{
	Suite *s = suite_create("rules");
	struct {
		const char *name;
		const TTest *tests[12];
	} cases[] = {
		{"limits", {nesting_is_limited, include_depth_and_lexicon_size_are_limited, NULL}},
		{"context", {context_words_counted_only_with_a_context_hit, NULL}},
		{"literals", {regex_literals_examples, regex_starts_examples,
		              regex_literals_are_required_by_every_match,
		              regex_heads_and_refusals_examples,
		              regex_heads_and_refusals_hold_for_every_match,
		              alternative_keywords_examples, alternative_keywords_hold_for_every_match,
		              option_settings_are_letters_only,
		              pattern_walks_find_their_bytes_at_every_offset, NULL}},
		{"soundness", {ascii_posts_with_markup_or_controls_take_stage1,
		               a_scanner_forgets_the_last_posts_hits,
		               exhaustive_mode_agrees_on_chosen_posts, start_literals_are_used,
		               heads_and_refusals_are_used, regexes_wait_for_what_their_rules_need,
		               exhaustive_mode_agrees_on_random_posts, exhaustive_mode_agrees_on_data_files,
		               joined_phrases_anywhere_in_a_post, joiners_found_at_every_offset, NULL}},
		{"options", {no_files_option_and_builtins, NULL}},
		{"memory", {allocation_failures_are_clean, single_allocation_failures_are_clean, NULL}},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_set_timeout(tc, 120);
		tcase_add_unchecked_fixture(tc, scratch_root_setup, scratch_root_teardown);
		for (const TTest *const *t = cases[i].tests; *t; t++)
			tcase_add_test(tc, *t);
		suite_add_tcase(s, tc);
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

