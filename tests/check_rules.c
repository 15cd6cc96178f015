/* Policy semantics, as docs/policy.md states them: all/any and their nesting, unless,
 * context and confidence, examples, regex keywords and the literals derived from a
 * pattern, the prefilters and whole-word shortcuts checked against the exhaustive
 * scanner, self-censored spellings, lexicon files and includes, and allocation
 * failures through all of it. Spans are found in the post with strstr, positions in
 * the policy source by searching it: nothing depends on counting bytes by hand. */
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

static void print_diags(const mesura_diagnostics *d)
{
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++) {
		const mesura_diagnostic *g = mesura_diagnostics_get(d, i);
		fprintf(stderr, "  %s:%u:%u: %s: %s [rule %s] (status %d)\n", g->file, g->line,
		        g->column, g->path, g->message, g->rule_id ? g->rule_id : "-", g->status);
	}
}

static mesura_policy *compile_with(const char *src, const mesura_compile_options *opts)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_compile(&p, src, strlen(src), "rules.policy", opts, &d, NULL);
	if (rc != MESURA_OK || mesura_diagnostics_count(d))
		print_diags(d);
	ck_assert_int_eq(rc, MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
	mesura_diagnostics_free(d);
	return p;
}

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
	return engine_of(compile_with(src, NULL));
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

static void dump(const mesura_result *r, const char *text)
{
	fprintf(stderr, "  findings in \"%s\":\n", text);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		fprintf(stderr, "    %s %s [%zu,%zu) \"%.*s\" %.3f\n", f->rule_id, f->condition,
		        f->start, f->end, (int)(f->end - f->start), text + f->start, f->confidence);
	}
}

static size_t count_rule(const mesura_result *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		n += strcmp(mesura_result_finding_get(r, i)->rule_id, rule) == 0;
	return n;
}

/* The byte span of the nth (0-based) occurrence of `piece` in `text`. */
static void span_of(const char *text, const char *piece, int nth, size_t *start, size_t *end)
{
	const char *at = strstr(text, piece);
	for (int i = 0; i < nth && at; i++)
		at = strstr(at + 1, piece);
	ck_assert_msg(at != NULL, "\"%s\" has no occurrence %d of \"%s\"", text, nth, piece);
	*start = (size_t)(at - text);
	*end = *start + strlen(piece);
}

/* The finding of `rule` exactly over the nth occurrence of `piece`, or NULL. */
static const mesura_finding *finding_at(const mesura_result *r, const char *text,
                                        const char *rule, const char *piece, int nth)
{
	size_t start, end;
	span_of(text, piece, nth, &start, &end);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (strcmp(mesura_result_finding_get(r, i)->rule_id, rule) == 0 && mesura_result_finding_get(r, i)->start == start &&
		    mesura_result_finding_get(r, i)->end == end)
			return mesura_result_finding_get(r, i);
	return NULL;
}

/* Scans `text` and asserts that `rule` has exactly the findings over the pieces listed
 * (NULL-terminated; a piece listed twice means its first two occurrences). */
static const mesura_result *expect_findings(engine *e, const char *text, const char *rule, ...)
{
	const mesura_result *r = scan(e, text);
	const char *pieces[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, rule);
	for (const char *p; (p = va_arg(ap, const char *)) != NULL && n < 16;)
		pieces[n++] = p;
	va_end(ap);
	int ok = count_rule(r, rule) == n;
	for (size_t i = 0; ok && i < n; i++) {
		int nth = 0;
		for (size_t k = 0; k < i; k++)
			nth += strcmp(pieces[k], pieces[i]) == 0;
		ok = finding_at(r, text, rule, pieces[i], nth) != NULL;
	}
	if (!ok) {
		dump(r, text);
		ck_abort_msg("rule %s: expected %zu findings in \"%s\"", rule, n, text);
	}
	return r;
}

/* The confidence of the finding of `rule` over `piece` (first occurrence), or -1 when
 * the rule has no finding there. */
static double confidence_at(engine *e, const char *text, const char *rule, const char *piece)
{
	const mesura_result *r = scan(e, text);
	const mesura_finding *f = finding_at(r, text, rule, piece, 0);
	if (!f && count_rule(r, rule))
		dump(r, text); /* a finding elsewhere: the caller's assertion will say more */
	return f ? f->confidence : -1.0;
}

/* Line (1-based) and column (1-based, code points) of the nth occurrence of `marker` in
 * `src`, the way diagnostics count them. */
static void position_of(const char *src, const char *marker, int nth, unsigned *line,
                        unsigned *column)
{
	size_t start, end;
	span_of(src, marker, nth, &start, &end);
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < start; i++) {
		if (src[i] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			++*column;
		}
	}
}

/* The diagnostics of a compile that must fail. */
typedef struct {
	int rc;
	mesura_diagnostics *diags;
} failed_compile;

static failed_compile compile_fail(const char *src, const mesura_compile_options *opts)
{
	failed_compile f = {0, NULL};
	mesura_policy *p = (mesura_policy *)&f; /* must be reset to NULL */
	f.rc = mesura_policy_compile(&p, src, strlen(src), "rules.policy", opts, &f.diags, NULL);
	ck_assert_ptr_null(p);
	ck_assert_int_ne(f.rc, MESURA_OK);
	ck_assert_uint_ge(mesura_diagnostics_errors(f.diags), 1);
	return f;
}

/* The first diagnostic whose message holds `needle`; aborts when there is none. */
static const mesura_diagnostic *diag_with(const mesura_diagnostics *d, const char *needle)
{
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		if (strstr(mesura_diagnostics_get(d, i)->message, needle))
			return mesura_diagnostics_get(d, i);
	print_diags(d);
	ck_abort_msg("no diagnostic says \"%s\"", needle);
	return NULL;
}

/* Asserts a diagnostic error: status, rule, and that it sits at the nth occurrence of
 * `marker` in `src` (NULL: position not checked). */
static void check_diag(const mesura_diagnostic *g, const char *src, int status,
                       const char *rule_id, const char *marker, int nth)
{
	ck_assert_int_eq(g->severity, MESURA_DIAG_ERROR);
	ck_assert_int_eq(g->status, status);
	if (rule_id)
		ck_assert_str_eq(g->rule_id ? g->rule_id : "(null)", rule_id);
	else
		ck_assert_ptr_null(g->rule_id);
	if (marker) {
		unsigned line, column;
		position_of(src, marker, nth, &line, &column);
		ck_assert_msg(g->line == line && g->column == column, "\"%s\" at %u:%u, want %u:%u",
		              g->message, g->line, g->column, line, column);
	}
}

/* Compiles src, expecting `status` and an error saying `needle` in `rule_id` at the
 * first occurrence of `marker` (or anywhere when NULL). */
static void expect_error(const char *src, int status, const char *needle, const char *rule_id,
                         const char *marker)
{
	failed_compile f = compile_fail(src, NULL);
	if (f.rc != status)
		print_diags(f.diags);
	ck_assert_int_eq(f.rc, status);
	check_diag(diag_with(f.diags, needle), src, status, rule_id, marker, 0);
	mesura_diagnostics_free(f.diags);
}

/* ================================================ 1. all, any and their nesting */

static const char ALL_ANY[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: both\n"
	"    category: custom.all\n"
	"    match:\n"
	"      all:\n"
	"        - terms: [alpha]\n"
	"        - terms: [beta]\n"
	"  - id: either\n"
	"    category: custom.any\n"
	"    match:\n"
	"      any:\n"
	"        - terms: [gamma]\n"
	"        - regex: 'delta\\d+'\n"
	"  - id: nested\n"
	"    category: custom.nested\n"
	"    action: block\n"
	"    match:\n"
	"      all:\n"
	"        - terms: [lorem]\n"
	"        - any:\n"
	"            - terms: [ipsum]\n"
	"            - regex: 'dolor\\d+'\n";

START_TEST(all_needs_every_part_anywhere)
{
	engine e = engine_new(ALL_ANY);
	expect_findings(&e, "alpha on its own", "both", NULL);
	expect_findings(&e, "beta on its own", "both", NULL);
	expect_findings(&e, "alphabeta betaalpha", "both", NULL); /* not whole words */
	/* Order and distance do not matter; each leaf's place is a finding. */
	const char *far = "beta first, and a long long long long long long way later: alpha";
	const mesura_result *r = expect_findings(&e, far, "both", "beta", "alpha", NULL);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->condition, "terms");
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	/* Every place a leaf matched, not just the first. */
	expect_findings(&e, "alpha beta alpha", "both", "alpha", "beta", "alpha", NULL);
	engine_free(&e);
}
END_TEST

START_TEST(any_needs_one_part)
{
	engine e = engine_new(ALL_ANY);
	expect_findings(&e, "nothing here", "either", NULL);
	expect_findings(&e, "gamma rays", "either", "gamma", NULL);
	const mesura_result *r = expect_findings(&e, "a delta42 wing", "either", "delta42", NULL);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->condition, "regex");
	expect_findings(&e, "delta7 and gamma", "either", "delta7", "gamma", NULL);
	engine_free(&e);
}
END_TEST

START_TEST(any_nested_in_all)
{
	engine e = engine_new(ALL_ANY);
	expect_findings(&e, "lorem only", "nested", NULL);
	expect_findings(&e, "ipsum dolor7 but no l-word", "nested", NULL);
	expect_findings(&e, "lorem ipsum", "nested", "lorem", "ipsum", NULL);
	const mesura_result *r =
	    expect_findings(&e, "dolor42 sit amet, lorem", "nested", "dolor42", "lorem", NULL);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_BLOCK);
	ck_assert_str_eq(mesura_result_finding_get(r, r->decisive)->rule_id, "nested");
	expect_findings(&e, "lorem ipsum dolor1", "nested", "lorem", "ipsum", "dolor1", NULL);
	/* The other rules are not disturbed by it. */
	expect_findings(&e, "lorem ipsum dolor1", "both", NULL);
	expect_findings(&e, "lorem ipsum dolor1", "either", NULL);
	engine_free(&e);
}
END_TEST

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
		expect_findings(&e, "into the abyss", "deep", "abyss", NULL);
		engine_free(&e);
		free(ok);
	}

	for (int levels = 17; levels <= 20; levels++) {
		char *src = nested_policy(levels);
		failed_compile f = compile_fail(src, NULL);
		ck_assert_int_eq(f.rc, MESURA_ELIMIT);
		/* At the seventeenth group (the seventeenth '{' of the source). */
		const mesura_diagnostic *g = diag_with(f.diags, "nest deeper than 16");
		check_diag(g, src, MESURA_ELIMIT, "deep", "{", 16);
		ck_assert_uint_eq(mesura_diagnostics_errors(f.diags), 1);
		mesura_diagnostics_free(f.diags);
		free(src);
	}
}
END_TEST

START_TEST(groups_stand_alone)
{
	const char *extra = "mesura: 1\nrules:\n  - id: r1\n    category: custom.x\n"
	                    "    match:\n      all: [{terms: [a]}, {terms: [b]}]\n"
	                    "      whole_word: false\n";
	expect_error(extra, MESURA_ESYNTAX, "\"all\" stands alone", "r1", "all:");
	const char *extra_any = "mesura: 1\nrules:\n  - id: r2\n    category: custom.x\n"
	                        "    match: {any: [{terms: [a]}], terms: [b]}\n";
	expect_error(extra_any, MESURA_ESYNTAX, "\"any\" stands alone", "r2", "{any");
	const char *both = "mesura: 1\nrules:\n  - id: r3\n    category: custom.x\n"
	                   "    match: {all: [{terms: [a]}], any: [{terms: [b]}]}\n";
	expect_error(both, MESURA_ESYNTAX, "not both", "r3", "{all");
	const char *empty = "mesura: 1\nrules:\n  - id: r4\n    category: custom.x\n"
	                    "    match: {all: []}\n";
	expect_error(empty, MESURA_ESYNTAX, "non-empty list of conditions", "r4", "[]");
	const char *leaf = "mesura: 1\nrules:\n  - id: r5\n    category: custom.x\n"
	                   "    match: {any: [{terms: [a]}, {regex: 'b', terms: [c]}]}\n";
	expect_error(leaf, MESURA_ESYNTAX, "exactly one of \"terms\" or \"regex\"", "r5",
	             "{regex");
}
END_TEST

/* ============================================================== 2. unless */

static const char UNLESS[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: insult\n"
	"    category: harassment\n"
	"    match: { terms: [idiota] }\n"
	"    unless: { terms: [\"no eres\"] }\n"
	"  - id: word\n"
	"    category: profanity\n"
	"    match: { terms: [idiota] }\n"
	"  - id: aws-key\n"
	"    category: secret.credential\n"
	"    action: block\n"
	"    match: { regex: 'AKIA[0-9A-Z]{16}' }\n"
	"    unless: { regex: '(?i)\\bexample\\.(?:com|org)\\b' }\n"
	"  - id: grouped\n"
	"    category: custom.grouped\n"
	"    match: { terms: [falcon] }\n"
	"    unless:\n"
	"      any:\n"
	"        - terms: [public]\n"
	"        - all: [{terms: [old]}, {terms: [news]}]\n";

START_TEST(unless_cancels_the_rule_for_the_post)
{
	engine e = engine_new(UNLESS);
	expect_findings(&e, "eres idiota", "insult", "idiota", NULL);
	expect_findings(&e, "eres idiota", "word", "idiota", NULL);
	/* Anywhere in the post, before or after, near or far; only that rule. */
	expect_findings(&e, "no eres idiota", "insult", NULL);
	expect_findings(&e, "no eres idiota", "word", "idiota", NULL);
	const char *far = "idiota, dije. Pero luego, mucho después, lo pensé: no eres tan malo";
	expect_findings(&e, far, "insult", NULL);
	expect_findings(&e, far, "word", "idiota", NULL);
	/* The unless leaves are not findings themselves. */
	const mesura_result *r = scan(&e, "no eres idiota");
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	engine_free(&e);
}
END_TEST

START_TEST(unless_with_a_regex_and_a_tree)
{
	engine e = engine_new(UNLESS);
	const char *key = "key AKIAIOSFODNN7EXAMPLE leaked";
	const mesura_result *r = expect_findings(&e, key, "aws-key", "AKIAIOSFODNN7EXAMPLE", NULL);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_BLOCK);
	expect_findings(&e, "see Example.COM: AKIAIOSFODNN7EXAMPLE", "aws-key", NULL);
	expect_findings(&e, "AKIAIOSFODNN7EXAMPLE from example.org", "aws-key", NULL);
	expect_findings(&e, "AKIAIOSFODNN7EXAMPLE from counterexample.org", "aws-key",
	                "AKIAIOSFODNN7EXAMPLE", NULL);
	r = scan(&e, "AKIAIOSFODNN7EXAMPLE from example.org");
	ck_assert_int_eq(r->verdict, MESURA_ACTION_ALLOW);

	expect_findings(&e, "project falcon", "grouped", "falcon", NULL);
	expect_findings(&e, "falcon is public", "grouped", NULL);
	expect_findings(&e, "falcon is old", "grouped", "falcon", NULL); /* all: needs both */
	expect_findings(&e, "news: falcon is old", "grouped", NULL);
	engine_free(&e);
}
END_TEST

/* ============================================================= 3. context */

static const char CONTEXT[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: card\n"
	"    category: pii.payment_card\n"
	"    match: { regex: '\\b\\d{4}-\\d{4}\\b' }\n"
	"    context:\n"
	"      - words: [tarjeta]\n"
	"        within: 10\n"
	"        boost: 0.15\n"
	"  - id: words\n"
	"    category: custom.words\n"
	"    match: { terms: [falcon] }\n"
	"    context: { words: [project], within_words: 2, boost: 0.1 }\n"
	"  - id: negative\n"
	"    category: custom.negative\n"
	"    match: { terms: [cuenta] }\n"
	"    context: { words: [ejemplo], boost: -0.5 }\n"
	"  - id: required\n"
	"    category: custom.required\n"
	"    match: { regex: '\\bAB\\d{3}\\b' }\n"
	"    context: { words: [código], required: true, boost: 0.1 }\n"
	"  - id: threshold\n"
	"    category: custom.threshold\n"
	"    confidence: 0.4\n"
	"    min_confidence: 0.5\n"
	"    match: { terms: [orion] }\n"
	"    context: { words: [secreto], boost: 0.3 }\n"
	"  - id: high\n"
	"    category: custom.high\n"
	"    confidence: 0.9\n"
	"    match: { terms: [zeta] }\n"
	"    context:\n"
	"      - { words: [uno], boost: 0.5 }\n"
	"      - { words: [dos], boost: 0.05 }\n"
	"  - id: low\n"
	"    category: custom.low\n"
	"    confidence: 0.1\n"
	"    match: { terms: [omega] }\n"
	"    context: { words: [menos], boost: -0.5 }\n";

/* "tarjeta" + between + "1234-5678", scanned, and the card finding's confidence. */
static double card_confidence(engine *e, const char *between, int word_first)
{
	char post[256];
	if (word_first)
		snprintf(post, sizeof post, "tarjeta%s1234-5678", between);
	else
		snprintf(post, sizeof post, "1234-5678%starjeta", between);
	return confidence_at(e, post, "card", "1234-5678");
}

START_TEST(context_counts_characters_not_bytes)
{
	engine e = engine_new(CONTEXT);
	/* No context word: the default base confidence. */
	ck_assert_double_eq_tol(confidence_at(&e, "pay 1234-5678 now", "card", "1234-5678"), 0.8,
	                        1e-9);
	for (int first = 0; first <= 1; first++) {
		/* Exactly `within` (10) characters between: near; 11: not. */
		ck_assert_double_eq_tol(card_confidence(&e, " xxxxxxxx ", first), 0.95, 1e-9);
		ck_assert_double_eq_tol(card_confidence(&e, " xxxxxxxxx ", first), 0.8, 1e-9);
		/* Ten code points in 18 bytes are still ten characters, and eleven in 20 are
		 * eleven: the distance is in code points of the original post. */
		const char *ten = " \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 ";
		const char *eleven = " \xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1"
		                     "\xc3\xb1\xc3\xb1 ";
		ck_assert_uint_eq(strlen(ten), 18);
		ck_assert_double_eq_tol(card_confidence(&e, ten, first), 0.95, 1e-9);
		ck_assert_double_eq_tol(card_confidence(&e, eleven, first), 0.8, 1e-9);
		/* A four-byte emoji is one character too. */
		ck_assert_double_eq_tol(
		    card_confidence(&e, " \xf0\x9f\x98\x80\xf0\x9f\x98\x80xxxxxx ", first), 0.95, 1e-9);
	}
	engine_free(&e);
}
END_TEST

START_TEST(context_within_words)
{
	engine e = engine_new(CONTEXT);
	ck_assert_double_eq_tol(confidence_at(&e, "falcon", "words", "falcon"), 0.8, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "project one two falcon", "words", "falcon"), 0.9,
	                        1e-9);
	ck_assert_double_eq_tol(
	    confidence_at(&e, "project one two three falcon", "words", "falcon"), 0.8, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "falcon uno dos project", "words", "falcon"), 0.9,
	                        1e-9);
	/* Punctuation, symbols and emoji are not words; numbers are. */
	ck_assert_double_eq_tol(
	    confidence_at(&e, "project , ; \xf0\x9f\x98\x80 + falcon", "words", "falcon"), 0.9, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "project 1 2 3 falcon", "words", "falcon"), 0.8,
	                        1e-9);
	/* Long words are one word each: far in characters, near in words. */
	ck_assert_double_eq_tol(
	    confidence_at(&e, "project extraordinarily incomprehensibilities falcon", "words",
	                  "falcon"),
	    0.9, 1e-9);
	engine_free(&e);
}
END_TEST

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

START_TEST(negative_boost_is_local_unless_is_global)
{
	engine e = engine_new(CONTEXT);
	ck_assert_double_eq_tol(confidence_at(&e, "mi cuenta", "negative", "cuenta"), 0.8, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "cuenta de ejemplo", "negative", "cuenta"), 0.3,
	                        1e-9);
	/* The default distance is 40 characters. */
	char post40[128], post41[128];
	snprintf(post40, sizeof post40, "cuenta %38s ejemplo", "");
	snprintf(post41, sizeof post41, "cuenta %39s ejemplo", "");
	ck_assert_double_eq_tol(confidence_at(&e, post40, "negative", "cuenta"), 0.3, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, post41, "negative", "cuenta"), 0.8, 1e-9);
	/* Two findings: only the one near the word is lowered. */
	const char *post = "cuenta de ejemplo; y mucho, mucho, mucho, mucho, mucho, mucho, mucho "
	                   "después, otra cuenta real";
	const mesura_result *r = expect_findings(&e, post, "negative", "cuenta", "cuenta", NULL);
	const mesura_finding *near = finding_at(r, post, "negative", "cuenta", 0);
	const mesura_finding *far = finding_at(r, post, "negative", "cuenta", 1);
	ck_assert_double_eq_tol(near->confidence, 0.3, 1e-9);
	ck_assert_double_eq_tol(far->confidence, 0.8, 1e-9);
	engine_free(&e);
}
END_TEST

START_TEST(required_context_and_min_confidence)
{
	engine e = engine_new(CONTEXT);
	/* required: no word nearby, no finding; with it, the boost applies. */
	expect_findings(&e, "ref AB123", "required", NULL);
	ck_assert_double_eq_tol(confidence_at(&e, "código AB123", "required", "AB123"), 0.9, 1e-9);
	const char *two = "código AB123 ... and far, far, far, far, far away: AB456";
	expect_findings(&e, two, "required", "AB123", NULL);
	/* min_confidence: 0.4 alone is dropped, 0.4 + 0.3 is kept. */
	expect_findings(&e, "orion", "threshold", NULL);
	ck_assert_double_eq_tol(confidence_at(&e, "orion es secreto", "threshold", "orion"), 0.7,
	                        1e-9);
	engine_free(&e);
}
END_TEST

START_TEST(confidence_is_clamped)
{
	engine e = engine_new(CONTEXT);
	ck_assert_double_eq_tol(confidence_at(&e, "zeta", "high", "zeta"), 0.9, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "zeta dos", "high", "zeta"), 0.95, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "uno zeta", "high", "zeta"), 1.0, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "uno zeta dos", "high", "zeta"), 1.0, 1e-9);
	ck_assert_double_eq_tol(confidence_at(&e, "omega", "low", "omega"), 0.1, 1e-9);
	/* 0.1 - 0.5 is kept at 0, and still reported (min_confidence is 0). */
	ck_assert_double_eq_tol(confidence_at(&e, "omega menos", "low", "omega"), 0.0, 1e-12);
	engine_free(&e);
}
END_TEST

START_TEST(context_problems_are_errors)
{
	const char *head = "mesura: 1\nrules:\n  - id: c1\n    category: custom.x\n"
	                   "    match: { terms: [a] }\n";
	char src[512];
	snprintf(src, sizeof src, "%s    context: { words: [b], within: 3, within_words: 2 }\n",
	         head);
	expect_error(src, MESURA_ESYNTAX, "not both", "c1", "{ words");
	snprintf(src, sizeof src, "%s    context: { words: [b], boost: 1.5 }\n", head);
	expect_error(src, MESURA_ESYNTAX, "boost must be a number from -1 to 1", "c1", "1.5");
	snprintf(src, sizeof src, "%s    context: { within: 3 }\n", head);
	expect_error(src, MESURA_ESYNTAX, "needs \"words\"", "c1", "{ within");
	snprintf(src, sizeof src, "%s    context: { words: [b], requird: true }\n", head);
	expect_error(src, MESURA_ESYNTAX, "did you mean \"required\"", "c1", "requird");
	snprintf(src, sizeof src, "%s    confidence: 1.2\n", head);
	expect_error(src, MESURA_ESYNTAX, "confidence must be a number from 0 to 1", "c1", "1.2");
}
END_TEST

/* ============================================================ 4. examples */

static const char EXAMPLES_HEAD[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: card-number\n"
	"    category: pii.payment_card\n"
	"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	"    examples:\n";

START_TEST(passing_examples_compile)
{
	char src[1024];
	snprintf(src, sizeof src, "%s      match: [\"mi tarjeta 4111 1111 1111 1111\"]\n"
	                          "      no_match: [\"pedido 4111 1111 1111 1112\", \"hola\"]\n",
	         EXAMPLES_HEAD);
	engine e = engine_new(src);
	expect_findings(&e, "4111 1111 1111 1111", "card-number", "4111 1111 1111 1111", NULL);
	engine_free(&e);
}
END_TEST

START_TEST(failing_examples_are_errors_at_the_example)
{
	char src[1024];
	snprintf(src, sizeof src, "%s      match: [\"mi tarjeta 4111 1111 1111 1112\"]\n",
	         EXAMPLES_HEAD);
	failed_compile f = compile_fail(src, NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	const mesura_diagnostic *g =
	    diag_with(f.diags, "rule \"card-number\" does not flag its example "
	                       "\"mi tarjeta 4111 1111 1111 1112\"");
	check_diag(g, src, MESURA_ESYNTAX, "card-number", "\"mi tarjeta", 0);
	ck_assert_str_eq(g->path, "rules[0].examples.match[0]");
	ck_assert_str_eq(g->file, "rules.policy");
	mesura_diagnostics_free(f.diags);

	/* A no_match example that is flagged, after accented text on the same line (the
	 * column counts code points), and a second failure in the same compile. */
	snprintf(src, sizeof src, "%s      match: [\"ok 4111 1111 1111 1111\", \"nada\"]\n"
	                          "      no_match: [\"ñoño ñandú\", \"pedido 5555-5555-5555-4444\"]\n",
	         EXAMPLES_HEAD);
	f = compile_fail(src, NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	ck_assert_uint_eq(mesura_diagnostics_errors(f.diags), 2);
	g = diag_with(f.diags, "does not flag its example \"nada\"");
	check_diag(g, src, MESURA_ESYNTAX, "card-number", "\"nada\"", 0);
	ck_assert_str_eq(g->path, "rules[0].examples.match[1]");
	g = diag_with(f.diags, "rule \"card-number\" flags its no_match example "
	                       "\"pedido 5555-5555-5555-4444\"");
	check_diag(g, src, MESURA_ESYNTAX, "card-number", "\"pedido", 0);
	ck_assert_str_eq(g->path, "rules[0].examples.no_match[1]");
	mesura_diagnostics_free(f.diags);
}
END_TEST

START_TEST(examples_see_the_whole_policy)
{
	const char *rule = "mesura: 1\nrules:\n  - id: substr\n    category: custom.sub\n"
	                   "    match: { terms: [cunt], whole_word: false }\n"
	                   "    examples: { match: [\"xcuntx\"], no_match: [\"Scunthorpe United\"] }\n";
	/* Without the allow list, the no_match example is flagged... */
	failed_compile f = compile_fail(rule, NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	check_diag(diag_with(f.diags, "flags its no_match example \"Scunthorpe United\""), rule,
	           MESURA_ESYNTAX, "substr", "\"Scunthorpe", 0);
	mesura_diagnostics_free(f.diags);
	/* ...with it (written after the rule), it passes. */
	char src[1024];
	snprintf(src, sizeof src, "%sallow: [scunthorpe]\n", rule);
	mesura_policy_free(compile_with(src, NULL));
}
END_TEST

/* ============================================ 5. keywords and derived literals */

static const char KEYWORDS[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: kw\n"
	"    category: custom.kw\n"
	"    match: { regex: '\\b\\d{6}\\b', keywords: [zzz] }\n"
	"  - id: kw-list\n"
	"    category: custom.kw\n"
	"    match: { regex: '\\b[a-z]{2}-\\d{2}\\b', keywords: [ref, Num] }\n"
	"  - id: derived\n"
	"    category: secret.credential\n"
	"    match: { regex: 'AKIA[0-9A-Z]{16}' }\n"
	"  - id: escaped\n"
	"    category: custom.escaped\n"
	"    match: { regex: 'user\\x40corp\\.example' }\n";

START_TEST(keywords_gate_the_regex)
{
	engine e = engine_new(KEYWORDS);
	expect_findings(&e, "code 123456", "kw", NULL);
	expect_findings(&e, "zzz 123456", "kw", "123456", NULL);
	expect_findings(&e, "123456 ZZZ", "kw", "123456", NULL);
	expect_findings(&e, "Zzz: 123456", "kw", "123456", NULL);
	expect_findings(&e, "xzzzx 123456", "kw", "123456", NULL); /* anywhere in the view */
	expect_findings(&e, "zz z 123456", "kw", NULL);
	expect_findings(&e, "zzz 12345", "kw", NULL); /* the keyword alone is not a match */
	/* Any of several, in any case. */
	expect_findings(&e, "ab-12", "kw-list", NULL);
	expect_findings(&e, "REF ab-12", "kw-list", "ab-12", NULL);
	expect_findings(&e, "ab-12 num", "kw-list", "ab-12", NULL);
	engine_free(&e);
}
END_TEST

START_TEST(derived_keywords_do_not_lose_matches)
{
	engine e = engine_new(KEYWORDS);
	expect_findings(&e, "AKIAIOSFODNN7EXAMPLE", "derived", "AKIAIOSFODNN7EXAMPLE", NULL);
	expect_findings(&e, "AKIXIOSFODNN7EXAMPLE", "derived", NULL);
	/* \x40 is '@': the literal the prefilter needs is not "40corp.example". */
	expect_findings(&e, "mail user@corp.example now", "escaped", "user@corp.example", NULL);
	engine_free(&e);
}
END_TEST

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
		"\\s", "\\b", "\\x20", "\\Qa|b\\E", "\\N", "\\ "};
	static const char *const classes[] = {"[ab]", "[^a]", "[a-c]", "[|]", "[(]", "[]a]",
	                                      "[\\]b]", "[[:alpha:]]", "[-x]", "[0-9]", "[6789]",
	                                      "[\\d]", "[0-9a]", "[A-Z]", "[AB]", "[A-C0]",
	                                      "[^\\s/]", "[a-c/+]", "[^a]", "\\W", "\\S"};
	size_t k = tu_rng_below(rng, 12);
	if (k < 5) {
		put(b, PICK(rng, literals));
	} else if (k < 7) {
		put(b, PICK(rng, escapes));
	} else if (k < 9) {
		put(b, PICK(rng, classes));
	} else if (k < 11 && depth < 3) {
		size_t o = tu_rng_below(rng, 6);
		char named[24];
		snprintf(named, sizeof named, "(?<n%d>", b->groups + 1);
		put(b, o == 0 ? "(" : o == 1 ? "(?:" : o == 2 ? "(?i:" : o == 3 ? named
		       : o == 4 ? "(?=" : "(?<=");
		b->groups += o == 0 || o == 3;
		gen_sequence(rng, b, depth + 1);
		while (tu_rng_below(rng, 3) == 0) {
			put(b, "|");
			gen_sequence(rng, b, depth + 1);
		}
		put(b, ")");
	} else if (b->groups > 0 && tu_rng_below(rng, 2)) {
		/* back references and a recursion (\k<n1> compiles when group 1 is named) */
		static const char *const refs[] = {"\\1", "\\g1", "\\g{1}", "\\g{-1}", "\\k<n1>",
		                                   "(?1)"};
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
	size_t with_class_runs = 0;
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
	       "%zu with lookaround runs, %zu bounded), %zu matches\n",
	       patterns, with_runs, with_digits, with_lead, with_run, with_capitals, with_lookarounds,
	       with_max_len, matches);
	ck_assert_uint_gt(with_run, 100);
	ck_assert_uint_gt(with_capitals, 100);
	ck_assert_uint_gt(with_lookarounds, 50);
	ck_assert_uint_gt(with_class_runs, 200);
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

/* ======================================= 6. prefilters and shortcuts are sound */

static const char SOUND_POLICY[] =
	"mesura: 1\n"
	"name: soundness\n"
	"lexicons:\n"
	"  insults: [idiota, imbécil, gilipollas, \"hijo de puta\"]\n"
	"rules:\n"
	"  - id: card\n"
	"    category: pii.payment_card\n"
	"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	"    context:\n"
	"      - { words: [tarjeta, card, visa], within: 30, boost: 0.15 }\n"
	"      - { words: [pedido, order], within_words: 3, boost: -0.4 }\n"
	"  - id: iban\n"
	"    category: pii.iban\n"
	"    match: { regex: '\\b[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\\b',"
	" validate: iban }\n"
	"  - id: email\n"
	"    category: pii.email\n"
	"    match: { regex: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}' }\n"
	"  - id: phone\n"
	"    category: pii.phone\n"
	"    match: { regex: '\\+34[ ]?[6-9]\\d{2}[ ]?\\d{3}[ ]?\\d{3}' }\n"
	"  - id: aws\n"
	"    category: secret.credential\n"
	"    action: block\n"
	"    match: { regex: 'AKIA[0-9A-Z]{16}' }\n"
	"  - id: github\n"
	"    category: secret.credential\n"
	"    match: { regex: 'gh[pousr]_[A-Za-z0-9]{36}', whole_word: false }\n"
	"  - id: pem\n"
	"    category: secret.credential\n"
	"    match: { regex: '-----BEGIN (?:RSA )?PRIVATE KEY-----', whole_word: false }\n"
	"  - id: password\n"
	"    category: secret.credential\n"
	"    match: { regex: '(?i)password\\s*[:=]\\s*\\S+' }\n"
	"  - id: contrasena\n"
	"    category: secret.credential\n"
	"    match: { regex: '(?i)contraseña\\s*:\\s*\\S+' }\n"
	"  - id: retweet\n"
	"    category: custom.anchored\n"
	"    match: { regex: '^RT @\\w+' }\n"
	"  - id: confidential\n"
	"    category: confidential\n"
	"    match: { regex: '(?i)\\bconfidential\\b' }\n"
	"  - id: accented\n"
	"    category: custom.accented\n"
	"    match: { regex: '(?i)ñandú|pingüino' }\n"
	"  - id: class-run\n"
	"    category: custom.class_run\n"
	"    match: { regex: '(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{12}(?![A-Za-z0-9/+=])', whole_word: false }\n"
	"  - id: around\n"
	"    category: custom.around\n"
	"    match: { regex: '(?<=key:)\\w{3}(?=@x)', whole_word: false }\n"
	"  - id: capitals\n"
	"    category: custom.capitals\n"
	"    match: { regex: '(?<![\\w-])[A-Z]{4}[\\dLMNP-V]{2}[A-Z]{2}' }\n"
	"  - id: cashtag\n"
	"    category: custom.cashtag\n"
	"    match: { regex: '\\$[A-Z]{3,5}\\b' }\n"
	"  - id: url\n"
	"    category: custom.url\n"
	"    match: { regex: 'https?://\\S+', whole_word: false }\n"
	"  - id: spaced\n"
	"    category: custom.spaced\n"
	"    match: { regex: '\\s[-x]\\s' }\n"
	"  - id: key-value\n"
	"    category: custom.kv\n"
	"    match: { regex: '(?i)api[_-]?key\\s*[:=]\\s*' }\n"
	"  - id: escaped\n"
	"    category: custom.escaped\n"
	"    match: { regex: '\\x41BC\\d' }\n"
	"  - id: raw-secret\n"
	"    category: custom.raw\n"
	"    match: { regex: '(?i)secreto', normalize: none }\n"
	"  - id: raw-kelvin\n"
	"    category: custom.raw\n"
	"    match: { regex: '(?i)kelvin\\b', normalize: none }\n"
	"  - id: profanity\n"
	"    category: profanity\n"
	"    match: { terms: [fuck, shit, mierda, puta, coño, cabrón, \"@insults\"] }\n"
	"  - id: substring\n"
	"    category: custom.substring\n"
	"    action: log\n"
	"    match: { terms: [cunt, ass], whole_word: false }\n"
	"  - id: tags\n"
	"    category: custom.tags\n"
	"    match: { terms: [\"#ad\", \"#publi\", acme] }\n"
	"  - id: phrases\n"
	"    category: confidential\n"
	"    action: block\n"
	"    match: { terms: [\"project falcon\", \"año nuevo\", \"señor presidente\"] }\n"
	"  - id: raw-terms\n"
	"    category: custom.raw\n"
	"    match: { terms: [Straße, ñu], normalize: none }\n"
	"  - id: combo\n"
	"    category: harassment\n"
	"    match:\n"
	"      all:\n"
	"        - terms: \"@insults\"\n"
	"        - any:\n"
	"            - terms: [eres, \"you are\"]\n"
	"            - regex: '@\\w+'\n"
	"    unless: { terms: [\"no eres\"] }\n"
	"allow: [scunthorpe, \"año nuevo feliz\", acme_support, essex]\n";

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
	"\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8", "e\xcc\x81", "n\xcc\x83", "café", "x", "y", "a", "1"};

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
	m.normal = engine_new(SOUND_POLICY);
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
	"fuck...", "fuck.)x", "<fuck>", "x<fuck>", "#FUCKTHIS", "#FUCKThis", "#THISFUCK", "#thisFUCK",
	"#FUCK\xcc\x81this", "foo:http://x.com/fuck", "http://x.com:fuck@y.es", "#x'fuck", "x_y.fuck",
	"\xc3\xa9.fuck", "fuck.\xc3\xa9", "#fuck'x", "fuck'#x", "FUCK'S", "#A.FUCK"};

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
	ck_assert_uint_gt(findings, 1000);
	tu_tally_finish(&t, "posts");
	mode_pair_free(&m);
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

/* =========================================== 7. self-censored spellings */

static const char MASKED[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: prof\n"
	"    category: profanity\n"
	"    match: { terms: [fuck, shit, mierda, puta, coño, ab, abcd] }\n";

/* Asserts that `text` has one finding of prof, masked, over `word`. */
static void expect_masked(engine *e, const char *text, const char *word)
{
	const mesura_result *r = expect_findings(e, text, "prof", word, NULL);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->condition, "masked");
}

START_TEST(self_censored_spellings)
{
	engine e = engine_new(MASKED);
	expect_masked(&e, "what the f*ck", "f*ck");
	expect_masked(&e, "f**k this", "f**k");
	expect_masked(&e, "oh sh*t", "sh*t");
	expect_masked(&e, "qué m*erda", "m*erda");
	expect_masked(&e, "hijo de p#ta", "p#ta");
	expect_masked(&e, "¡qué co*o!", "co*o");   /* '*' for the two-byte ñ */
	expect_masked(&e, "F*CK", "F*CK");
	expect_masked(&e, "sh%t", "sh%t");
	expect_masked(&e, "sh_t", "sh_t");
	expect_masked(&e, "sh?t", "sh?t");
	/* Punctuation or emphasis after the word is not part of it. */
	expect_masked(&e, "what the f*ck?", "f*ck");
	expect_masked(&e, "sh*t! again", "sh*t");
	expect_masked(&e, "a *f*ck* day", "f*ck");
	expect_masked(&e, "a**d", "a**d"); /* two letters, two symbols: "abcd" */
	const mesura_result *r = scan(&e, "what the f*ck");
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->matched_len, 4);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	engine_free(&e);
}
END_TEST

START_TEST(not_self_censored_spellings)
{
	engine e = engine_new(MASKED);
	/* Emphasis: the word itself, as a plain term. */
	const mesura_result *r = expect_findings(&e, "*fuck*", "prof", "fuck", NULL);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->condition, "terms");
	r = expect_findings(&e, "so *shit* today", "prof", "shit", NULL);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->condition, "terms");
	/* Not enough real letters, or symbols only at the ends. */
	expect_findings(&e, "****", "prof", NULL);
	expect_findings(&e, "f***", "prof", NULL);
	expect_findings(&e, "fu**", "prof", NULL);
	expect_findings(&e, "**ck", "prof", NULL);
	expect_findings(&e, "f*c*", "prof", NULL);
	/* One symbol is one letter: a*b is not "ab", a*d not "abcd" (a**d is). */
	expect_findings(&e, "a*b", "prof", NULL);
	expect_findings(&e, "a*d", "prof", NULL);
	expect_findings(&e, "a***d", "prof", NULL);
	/* Words around the symbols must match exactly. */
	expect_findings(&e, "f*cking", "prof", NULL);
	expect_findings(&e, "xf*ck", "prof", NULL);
	expect_findings(&e, "f*ckx", "prof", NULL);
	/* '.' and '-' are writing, not masks. */
	expect_findings(&e, "sh-t sh.t", "prof", NULL);
	engine_free(&e);
}
END_TEST

/* =================================== 7b. phrases written joined (hashtags, handles) */

static const char JOINED[] =
	"mesura: 1\n"
	"lexicons:\n"
	"  codenames: [\"project falcon\", \"proyecto  halcón\", \"orion x ray\"]\n"
	"rules:\n"
	"  - id: codename\n"
	"    category: confidential\n"
	"    match: { terms: \"@codenames\" }\n"
	"  - id: spaced-only\n"
	"    category: custom.spaced\n"
	"    match: { terms: [\"project falcon\"], joined: false }\n"
	"  - id: bird\n"
	"    category: custom.bird\n"
	"    match: { terms: [falcon, halcón] }\n"
	"    unless: { terms: [\"opinions are my own\"] }\n"
	"  - id: leak\n"
	"    category: custom.leak\n"
	"    confidence: 0.4\n"
	"    min_confidence: 0.5\n"
	"    match: { terms: [leaked] }\n"
	"    context: { words: [\"board deck\"], boost: 0.3 }\n"
	"  - id: threat\n"
	"    category: harassment\n"
	"    match: { terms: [\"go die\", \"drop dead now\"] }\n"
	"allow: [\"falcon heavy\"]\n";

START_TEST(phrases_match_joined_spellings)
{
	engine e = engine_new(JOINED);
	/* Each joiner, in a hashtag or not, in any case: the span is the joined words
	 * (a hashtag's sign is not part of them), as in the original bytes. */
	static const char *const joined[][2] = {
		{"#ProjectFalcon is on", "ProjectFalcon"}, {"ok #project_falcon!", "project_falcon"},
		{"Project-Falcon ships", "Project-Falcon"}, {"about ProjectFalcon.", "ProjectFalcon"},
		{"PROJECT_FALCON", "PROJECT_FALCON"}, {"#projectfalcon", "projectfalcon"},
		{"#ProjectFalcon2027 roadmap", "ProjectFalcon"},
		{"el #ProyectoHalcón va", "ProyectoHalcón"}, {"proyecto-halcon ya", "proyecto-halcon"},
		{"(proyecto_halcón)", "proyecto_halcón"}, {"#OrionXRay", "OrionXRay"},
		{"orion-x-ray", "orion-x-ray"}, {"orion_x-ray", "orion_x-ray"},
		{"Pr0ject_Falc0n", "Pr0ject_Falc0n"}, {"orion x-ray", "orion x-ray"},
		{"project falcon", "project falcon"}, {"proyecto halcón", "proyecto halcón"}};
	for (size_t i = 0; i < COUNT(joined); i++)
		expect_findings(&e, joined[i][0], "codename", joined[i][1], NULL);
	/* Whole words still: no longer word, no doubled joiners, no other joiner (a dot
	 * joins file names and domains). */
	static const char *const not_joined[] = {
		"projectfalcons", "superprojectfalcon", "project__falcon", "project_-falcon",
		"project/falcon", "project+falcon", "#proyectohalcones", "project,falcon", "project-",
		"file project.falcon here"};
	for (size_t i = 0; i < COUNT(not_joined); i++)
		expect_findings(&e, not_joined[i], "codename", NULL);
	/* Two words, one short: joiners only, never glued ("goodie" folds to "godie"). */
	expect_findings(&e, "#go_die", "threat", "go_die", NULL);
	expect_findings(&e, "go-die", "threat", "go-die", NULL);
	expect_findings(&e, "a goodie bag", "threat", NULL);
	expect_findings(&e, "#GoDie", "threat", NULL);
	expect_findings(&e, "#DropDeadNow", "threat", "DropDeadNow", NULL);
	/* joined: false keeps a phrase a phrase. */
	expect_findings(&e, "#ProjectFalcon", "spaced-only", NULL);
	expect_findings(&e, "the project falcon", "spaced-only", "project falcon", NULL);
	/* unless, context words and the allow list read joined phrases too. */
	expect_findings(&e, "a falcon! #OpinionsAreMyOwn", "bird", NULL);
	expect_findings(&e, "a falcon!", "bird", "falcon", NULL);
	expect_findings(&e, "#FalconHeavy launch", "bird", NULL);
	expect_findings(&e, "Falcon heavy", "bird", NULL);
	expect_findings(&e, "#ProyectoHalcón", "bird", "Halcón", NULL);
	expect_findings(&e, "leaked the #BoardDeck", "leak", "leaked", NULL);
	expect_findings(&e, "leaked the board-deck", "leak", "leaked", NULL);
	expect_findings(&e, "leaked the deck", "leak", NULL);
	engine_free(&e);
}
END_TEST

/* Joined spellings are looked for only within a term's length of a joiner (the
 * stretches around joiners, those that overlap as one): phrases far into a long post,
 * at its two ends, two in one stretch and two stretches apart are all found, in
 * order, as a search of the whole post finds them. */
START_TEST(joined_phrases_anywhere_in_a_post)
{
	engine e = engine_new(JOINED);
	static const char filler[] = "nothing to see in this long and quiet sentence, ";
	char text[1024];
	snprintf(text, sizeof text, "%s%s%se-mail me about #Project_Falcon %s%s%sand orion-x-ray",
	         filler, filler, filler, filler, filler, filler);
	expect_findings(&e, text, "codename", "Project_Falcon", "orion-x-ray", NULL);
	snprintf(text, sizeof text, "%s%sproject_falcon and orion_x-ray, %s", filler, filler,
	         filler);
	expect_findings(&e, text, "codename", "project_falcon", "orion_x-ray", NULL);
	snprintf(text, sizeof text, "Project-Falcon %s%s%s%sproyecto_halc\xc3\xb3n", filler, filler,
	         filler, filler);
	expect_findings(&e, text, "codename", "Project-Falcon", "proyecto_halc\xc3\xb3n", NULL);
	snprintf(text, sizeof text, "%sgo-die %sfirst-class %s", filler, filler, filler);
	expect_findings(&e, text, "threat", "go-die", NULL);
	engine_free(&e);
}
END_TEST

/* The joiners of random texts, against a byte-by-byte reading of the rule (an '_' or
 * '-' between two word characters, not between two digits): the scanner finds them a
 * chunk of bytes at a time, so they are put at every offset around a chunk's ends. */
START_TEST(joiners_found_at_every_offset)
{
	engine e = engine_new(JOINED);
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

/* ===================================================== 8. lexicon files, includes */

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

static void scratch_mkdir(scratch *s, const char *name)
{
	ck_assert_int_eq(mkdir(scratch_add(s, name), 0700), 0);
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
static mesura_policy *load_ok(const char *path, const mesura_compile_options *opts)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_load_file(&p, path, opts, &d, NULL);
	if (rc != MESURA_OK || mesura_diagnostics_count(d))
		print_diags(d);
	ck_assert_int_eq(rc, MESURA_OK);
	mesura_diagnostics_free(d);
	return p;
}

static failed_compile load_fail(const char *path, const mesura_compile_options *opts)
{
	failed_compile f = {0, NULL};
	mesura_policy *p = (mesura_policy *)&f;
	f.rc = mesura_policy_load_file(&p, path, opts, &f.diags, NULL);
	ck_assert_ptr_null(p);
	ck_assert_int_ne(f.rc, MESURA_OK);
	ck_assert_uint_ge(mesura_diagnostics_errors(f.diags), 1);
	return f;
}

/* The lines of a lexicon file, with a BOM, CRLF endings, comments, blank lines, spaces
 * around terms, phrases and accents. */
static const char LEXICON_FILE[] =
	"\xEF\xBB\xBF" "alpha\r\n"
	"# a comment: not a term\r\n"
	"\r\n"
	"   \r\n"
	"  hijo de puta  \r\n"
	"\tSeñor Presidente\r\n"
	"  # an indented comment\r\n"
	"ñandú\r\n"
	"last line without an ending";

START_TEST(lexicon_files)
{
	scratch s;
	scratch_new(&s);
	scratch_put(&s, "words.txt", LEXICON_FILE);
	/* casefold only: a BOM or a CR kept in a term would stop it matching. */
	scratch_put(&s, "main.yaml",
	            "mesura: 1\n"
	            "lexicons:\n"
	            "  words: { file: words.txt }\n"
	            "rules:\n"
	            "  - id: lex\n"
	            "    category: custom.lex\n"
	            "    match: { terms: \"@words\", normalize: [casefold] }\n"
	            "    examples: { match: [\"ALPHA\"] }\n");
	engine e = engine_of(load_ok(scratch_path(&s, "main.yaml"), NULL));
	expect_findings(&e, "alpha", "lex", "alpha", NULL);
	expect_findings(&e, "Alpha and ALPHA", "lex", "Alpha", "ALPHA", NULL);
	expect_findings(&e, "eres un hijo de puta", "lex", "hijo de puta", NULL);
	expect_findings(&e, "el SEÑOR PRESIDENTE dijo", "lex", "SEÑOR PRESIDENTE", NULL);
	expect_findings(&e, "un ñandú", "lex", "ñandú", NULL);
	expect_findings(&e, "last line without an ending", "lex", "last line without an ending",
	                NULL);
	/* Comments are not terms; nor are pieces of phrases. */
	expect_findings(&e, "a comment: not a term", "lex", NULL);
	expect_findings(&e, "# a comment: not a term", "lex", NULL);
	expect_findings(&e, "an indented comment", "lex", NULL);
	expect_findings(&e, "hijo de", "lex", NULL);
	engine_free(&e);
	scratch_free(&s);
}
END_TEST

START_TEST(lexicon_file_problems)
{
	scratch s;
	scratch_new(&s);
	scratch_put(&s, "bad.txt", "good\n# fine\ncaf\xe9 au lait\nalso good\n");
	const char *main_src = "mesura: 1\n"
	                       "lexicons:\n"
	                       "  bad: { file: bad.txt }\n"
	                       "  gone: { file: missing.txt }\n"
	                       "rules:\n"
	                       "  - id: r\n"
	                       "    category: custom.x\n"
	                       "    match: { terms: [\"@bad\", \"@gone\"] }\n";
	scratch_put(&s, "main.yaml", main_src);
	failed_compile f = load_fail(scratch_path(&s, "main.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	/* The invalid line is reported in the lexicon file, at its line. */
	const mesura_diagnostic *g =
	    diag_with(f.diags, "line 3 of lexicon \"bad\" is not valid UTF-8");
	ck_assert_str_eq(g->file, scratch_path(&s, "bad.txt"));
	ck_assert_uint_eq(g->line, 3);
	ck_assert_uint_eq(g->column, 1);
	ck_assert_int_eq(g->status, MESURA_ESYNTAX);
	/* The missing file in the policy, at its name. */
	g = diag_with(f.diags, "cannot read lexicon file \"missing.txt\"");
	ck_assert_str_eq(g->file, scratch_path(&s, "main.yaml"));
	check_diag(g, main_src, MESURA_ESYNTAX, NULL, "missing.txt", 0);
	mesura_diagnostics_free(f.diags);
	scratch_free(&s);
}
END_TEST

START_TEST(includes_are_relative_and_share_lexicons)
{
	scratch s;
	scratch_new(&s);
	scratch_mkdir(&s, "shared");
	scratch_put(&s, "shared/codenames.txt", "project falcon\norion-x\n");
	scratch_put(&s, "shared/common.yaml",
	            "mesura: 1\n"
	            "include: [more.yaml]\n" /* relative to shared/, not to the top file */
	            "lexicons:\n"
	            "  codenames: { file: codenames.txt }\n"
	            "rules:\n"
	            "  - id: shared-rule\n"
	            "    category: profanity\n"
	            "    match: { terms: [mierda] }\n"
	            "allow: [mierdaza]\n");
	scratch_put(&s, "shared/more.yaml",
	            "mesura: 1\n"
	            "lexicons:\n"
	            "  more: [zorro]\n"
	            "rules:\n"
	            "  - id: more-rule\n"
	            "    category: custom.more\n"
	            "    match: { terms: \"@more\" }\n");
	scratch_put(&s, "main.yaml",
	            "mesura: 1\n"
	            "name: top\n"
	            "include: shared/common.yaml\n"
	            "rules:\n"
	            "  - id: codename\n"
	            "    category: confidential\n"
	            "    action: block\n"
	            "    match: { terms: [\"@codenames\", \"@more\"] }\n");
	engine e = engine_of(load_ok(scratch_path(&s, "main.yaml"), NULL));
	ck_assert_str_eq(mesura_policy_name(e.policy), "top");
	ck_assert_uint_eq(mesura_policy_rule_count(e.policy), 3);
	expect_findings(&e, "our PROJECT FALCON", "codename", "PROJECT FALCON", NULL);
	expect_findings(&e, "orion-x and zorro", "codename", "orion-x", "zorro", NULL);
	expect_findings(&e, "orion-x and zorro", "more-rule", "zorro", NULL);
	expect_findings(&e, "qué mierda", "shared-rule", "mierda", NULL);
	engine_free(&e);
	scratch_free(&s);
}
END_TEST

START_TEST(included_problems_name_their_file)
{
	scratch s;
	scratch_new(&s);
	const char *inc_src = "mesura: 1\n"
	                      "rules:\n"
	                      "  - id: inc-rule\n"
	                      "    category: custom.inc\n"
	                      "    match: { terms: \"@toplex\" }\n"
	                      "  - id: inc-regex\n"
	                      "    category: custom.inc\n"
	                      "    match: { regex: 'ab(c' }\n"
	                      "  - id: dup\n"
	                      "    category: custom.inc\n"
	                      "    match: { terms: [x] }\n"
	                      "    examples: { match: [\"no x here\", \"nope\"] }\n";
	scratch_put(&s, "inc.yaml", inc_src);
	const char *main_src = "mesura: 1\n"
	                       "include: [inc.yaml]\n"
	                       "lexicons:\n"
	                       "  toplex: [uno]\n"
	                       "rules:\n"
	                       "  - id: dup\n"
	                       "    category: custom.main\n"
	                       "    match: { terms: [y] }\n";
	scratch_put(&s, "main.yaml", main_src);
	failed_compile f = load_fail(scratch_path(&s, "main.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	const char *inc = scratch_path(&s, "inc.yaml"), *top = scratch_path(&s, "main.yaml");
	/* The includer's lexicons are not visible to the included file. */
	const mesura_diagnostic *g = diag_with(f.diags, "lexicon \"toplex\" is not defined");
	ck_assert_str_eq(g->file, inc);
	check_diag(g, inc_src, MESURA_ESYNTAX, "inc-rule", "\"@toplex\"", 0);
	g = diag_with(f.diags, "missing closing parenthesis");
	ck_assert_str_eq(g->file, inc);
	check_diag(g, inc_src, MESURA_ESYNTAX, "inc-regex", "' }\n  - id: dup", 0); /* after c */
	/* A rule id used in two files: reported where it is used the second time. */
	g = diag_with(f.diags, "rule id \"dup\" is used twice");
	ck_assert_str_eq(g->file, top);
	check_diag(g, main_src, MESURA_ESYNTAX, "dup", "dup", 0);
	mesura_diagnostics_free(f.diags);

	/* Examples of an included file are checked, and reported in that file. */
	scratch_put(&s, "ex.yaml", "mesura: 1\nrules:\n  - id: ex\n    category: custom.ex\n"
	                           "    match: { terms: [x] }\n"
	                           "    examples: { match: [\"no x here\", \"nope\"] }\n");
	scratch_put(&s, "top2.yaml", "mesura: 1\ninclude: [ex.yaml]\nrules:\n  - id: t\n"
	                             "    category: custom.t\n    match: { terms: [t] }\n");
	f = load_fail(scratch_path(&s, "top2.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	g = diag_with(f.diags, "does not flag its example \"nope\"");
	ck_assert_str_eq(g->file, scratch_path(&s, "ex.yaml"));
	ck_assert_str_eq(g->rule_id, "ex");
	ck_assert_uint_eq(g->line, 6);
	mesura_diagnostics_free(f.diags);
	scratch_free(&s);
}
END_TEST

START_TEST(lexicon_only_includes)
{
	/* docs/policy.md's example includes shared/codenames.yaml for its lexicons: a file
	 * of lexicons (or of allow-listed terms) alone is a policy to include. */
	scratch s;
	scratch_new(&s);
	scratch_put(&s, "codenames.yaml", "mesura: 1\nlexicons:\n  codenames: [falcon, orion]\n"
	                                  "allow: [orion nebula]\n");
	scratch_put(&s, "main.yaml", "mesura: 1\ninclude: [codenames.yaml]\nrules:\n"
	                             "  - id: codename\n    category: confidential\n"
	                             "    match: { terms: \"@codenames\" }\n");
	engine e = engine_of(load_ok(scratch_path(&s, "main.yaml"), NULL));
	expect_findings(&e, "falcon, orion", "codename", "falcon", "orion", NULL);
	expect_findings(&e, "the orion nebula", "codename", NULL);
	engine_free(&e);
	/* The top file still needs rules, and an included file something to bring. */
	scratch_put(&s, "bare.yaml", "mesura: 1\nlexicons:\n  x: [y]\n");
	failed_compile f = load_fail(scratch_path(&s, "bare.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	ck_assert_str_eq(diag_with(f.diags, "needs a list of \"rules\"")->file,
	                 scratch_path(&s, "bare.yaml"));
	mesura_diagnostics_free(f.diags);
	scratch_put(&s, "empty.yaml", "mesura: 1\nname: nothing\n");
	scratch_put(&s, "top.yaml", "mesura: 1\ninclude: [empty.yaml]\nrules:\n  - id: t\n"
	                            "    category: custom.t\n    match: { terms: [t] }\n");
	f = load_fail(scratch_path(&s, "top.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	ck_assert_str_eq(diag_with(f.diags, "needs a list of \"rules\"")->file,
	                 scratch_path(&s, "empty.yaml"));
	mesura_diagnostics_free(f.diags);
	scratch_free(&s);
}
END_TEST

START_TEST(include_cycles_and_duplicates)
{
	scratch s;
	scratch_new(&s);
	const char *b_src = "mesura: 1\ninclude: [a.yaml]\nrules:\n  - id: rb\n"
	                    "    category: custom.b\n    match: { terms: [b] }\n";
	scratch_put(&s, "a.yaml", "mesura: 1\ninclude: [b.yaml]\nrules:\n  - id: ra\n"
	                          "    category: custom.a\n    match: { terms: [a] }\n");
	scratch_put(&s, "b.yaml", b_src);
	failed_compile f = load_fail(scratch_path(&s, "a.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	const mesura_diagnostic *g = diag_with(f.diags, "includes itself");
	ck_assert_str_eq(g->file, scratch_path(&s, "b.yaml"));
	check_diag(g, b_src, MESURA_ESYNTAX, NULL, "a.yaml", 0);
	mesura_diagnostics_free(f.diags);

	const char *self_src = "mesura: 1\ninclude: [self.yaml]\nrules:\n  - id: r\n"
	                       "    category: custom.a\n    match: { terms: [a] }\n";
	scratch_put(&s, "self.yaml", self_src);
	f = load_fail(scratch_path(&s, "self.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	check_diag(diag_with(f.diags, "includes itself"), self_src, MESURA_ESYNTAX, NULL,
	           "self.yaml", 0);
	mesura_diagnostics_free(f.diags);

	/* The same file under another name is still the same file. */
	const char *dot_src = "mesura: 1\ninclude: [./sub/../dot.yaml]\nrules:\n  - id: r\n"
	                      "    category: custom.a\n    match: { terms: [a] }\n";
	scratch_put(&s, "dot.yaml", dot_src);
	char sub[4096];
	snprintf(sub, sizeof sub, "%s", scratch_path(&s, "sub"));
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	f = load_fail(scratch_path(&s, "dot.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	ck_assert_ptr_nonnull(diag_with(f.diags, "includes itself"));
	mesura_diagnostics_free(f.diags);
	ck_assert_int_eq(rmdir(sub), 0);

	/* A lexicon defined in two files. */
	scratch_put(&s, "lex1.yaml", "mesura: 1\nlexicons:\n  names: [ana]\nrules:\n  - id: l1\n"
	                             "    category: custom.a\n    match: { terms: \"@names\" }\n");
	const char *lex2 = "mesura: 1\ninclude: [lex1.yaml]\nlexicons:\n  names: [eva]\n"
	                   "rules:\n  - id: l2\n    category: custom.a\n    match: { terms: [x] }\n";
	scratch_put(&s, "lex2.yaml", lex2);
	f = load_fail(scratch_path(&s, "lex2.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	g = diag_with(f.diags, "lexicon \"names\" is already defined");
	ck_assert_str_eq(g->file, scratch_path(&s, "lex2.yaml"));
	ck_assert_ptr_nonnull(strstr(g->message, scratch_path(&s, "lex1.yaml")));
	check_diag(g, lex2, MESURA_ESYNTAX, NULL, "names", 0);
	mesura_diagnostics_free(f.diags);

	/* An include that cannot be read. */
	const char *gone = "mesura: 1\ninclude: [nowhere.yaml]\nrules:\n  - id: g\n"
	                   "    category: custom.a\n    match: { terms: [a] }\n";
	scratch_put(&s, "gone.yaml", gone);
	f = load_fail(scratch_path(&s, "gone.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	check_diag(diag_with(f.diags, "cannot read \"nowhere.yaml\""), gone, MESURA_ESYNTAX, NULL,
	           "nowhere.yaml", 0);
	mesura_diagnostics_free(f.diags);
	scratch_free(&s);
}
END_TEST

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
	engine e = engine_of(load_ok(scratch_path(&s, "chain0.yaml"), NULL));
	ck_assert_uint_eq(mesura_policy_rule_count(e.policy), 9);
	expect_findings(&e, "w0 w8", "r8", "w8", NULL);
	engine_free(&e);
	scratch_free(&s);

	scratch_new(&s);
	write_chain(&s, 9);
	failed_compile f = load_fail(scratch_path(&s, "chain0.yaml"), NULL);
	ck_assert_int_eq(f.rc, MESURA_ELIMIT);
	const mesura_diagnostic *g = diag_with(f.diags, "includes nest deeper than 8");
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
	f = load_fail(scratch_path(&s, "big.yaml"), &opts);
	ck_assert_int_eq(f.rc, MESURA_ELIMIT);
	check_diag(diag_with(f.diags, "lexicon file \"big.txt\" is larger than the limit of 500 bytes"), src,
	           MESURA_ELIMIT, NULL, "big.txt", 0);
	mesura_diagnostics_free(f.diags);
	opts.max_source_bytes = 600;
	mesura_policy_free(load_ok(scratch_path(&s, "big.yaml"), &opts));
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
	failed_compile f = compile_fail(src, &opts);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	check_diag(diag_with(f.diags, "may not include files (MESURA_COMPILE_NO_FILES)"), src,
	           MESURA_ESYNTAX, NULL, "/tmp", 0);
	check_diag(diag_with(f.diags, "may not read files (MESURA_COMPILE_NO_FILES)"), src,
	           MESURA_ESYNTAX, NULL, "/tmp", 1);
	mesura_diagnostics_free(f.diags);
	/* Without the option, the same policy compiles. */
	mesura_policy_free(compile_with(src, NULL));

	const char *builtin = "mesura: 1\ninclude: [builtin:nonexistent]\nrules:\n  - id: r\n"
	                      "    category: custom.r\n    match: { terms: [a] }\n";
	f = compile_fail(builtin, &opts);
	ck_assert_int_eq(f.rc, MESURA_ESYNTAX);
	check_diag(diag_with(f.diags, "no built-in module \"nonexistent\""), builtin,
	           MESURA_ESYNTAX, NULL, "builtin:", 0);
	mesura_diagnostics_free(f.diags);
	scratch_free(&s);
}
END_TEST

/* ================================================= 9. allocation failures */

static void write_feature_files(scratch *s)
{
	scratch_mkdir(s, "sub");
	scratch_put(s, "sub/insults.txt", "\xEF\xBB\xBF# insults\r\nidiota\r\nimbécil\r\n\r\n"
	                                  "hijo de puta\r\n");
	scratch_put(s, "sub/shared.yaml",
	            "mesura: 1\n"
	            "lexicons:\n"
	            "  insults: { file: insults.txt }\n"
	            "rules:\n"
	            "  - id: insult\n"
	            "    category: harassment\n"
	            "    match:\n"
	            "      all:\n"
	            "        - terms: \"@insults\"\n"
	            "        - any: [{terms: [eres, \"you are\"]}, {regex: '@\\w+'}]\n"
	            "    unless: { terms: [\"no eres\"] }\n"
	            "    examples: { match: [\"eres idiota\"], no_match: [\"no eres idiota\"] }\n"
	            "allow: [scunthorpe]\n");
	scratch_put(s, "main.yaml",
	            "mesura: 1\n"
	            "name: everything\n"
	            "include: [sub/shared.yaml]\n"
	            "lexicons:\n"
	            "  cards: [tarjeta, card]\n"
	            "rules:\n"
	            "  - id: card\n"
	            "    category: pii.payment_card\n"
	            "    confidence: 0.6\n"
	            "    min_confidence: 0.5\n"
	            "    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	            "    context:\n"
	            "      - { words: \"@cards\", within: 30, boost: 0.3 }\n"
	            "      - { words: [pedido], within_words: 3, boost: -0.4 }\n"
	            "    examples: { match: [\"tarjeta 4111 1111 1111 1111\"] }\n"
	            "  - id: token\n"
	            "    category: secret.credential\n"
	            "    action: block\n"
	            "    match: { regex: 'tok_[a-z0-9]{8}', keywords: [tok_] }\n"
	            "  - id: aws\n"
	            "    category: secret.credential\n"
	            "    match: { regex: 'AKIA[0-9A-Z]{16}' }\n"
	            "  - id: prof\n"
	            "    category: profanity\n"
	            "    match: { terms: [fuck, mierda, coño, \"@insults\"] }\n"
	            "    context: { words: [joke], required: true, boost: 0.1 }\n"
	            "  - id: sub\n"
	            "    category: custom.sub\n"
	            "    match: { terms: [cunt], whole_word: false, normalize: [casefold] }\n"
	            "allow: [essex]\n");
}

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
	scratch s;
	scratch_new(&s);
	write_feature_files(&s);
	const char *path = scratch_path(&s, "main.yaml");
	/* What a run without failures gives. */
	char expected[3][512];
	engine e = engine_of(load_ok(path, NULL));
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
			print_diags(d);
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
	mesura_policy *p = load_ok(path, NULL);
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
	scratch_free(&s);
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
	scratch s;
	scratch_new(&s);
	write_feature_files(&s);
	const char *path = scratch_path(&s, "main.yaml");
	char expected[3][512];
	engine e = engine_of(load_ok(path, NULL));
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
	mesura_policy *p = load_ok(path, NULL);
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
	scratch_free(&s);
}
END_TEST

/* ============================================ views that share stage 1 */

/* Three views with one stage 1 (no folds, leet, every fold): the scanner makes the
 * folded ones from a copy of the first, and searches the first two with one automaton
 * when leet leaves the post alone. Each rule must still see its own view. */
static const char SHARED_STAGE1[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: plain\n"
	"    category: profanity\n"
	"    match: { terms: [shit], normalize: [nfkc, casefold, strip_marks, invisibles, confusables, digits, markup] }\n"
	"  - id: leet\n"
	"    category: profanity\n"
	"    match: { terms: [shit], normalize: moderation }\n"
	"  - id: deob\n"
	"    category: profanity\n"
	"    match: { terms: [shit], normalize: deobfuscate }\n"
	"  - id: token\n"
	"    category: secret.credential\n"
	"    match: { regex: 'token=[a-z]{6}', normalize: moderation, keywords: [token] }\n"
	"  - id: pin\n"
	"    category: secret.credential\n"
	"    match: { regex: 'PIN[:=] ?\\d{4}', keywords: [pin] }\n";

START_TEST(views_sharing_stage1_see_their_own_text)
{
	engine e = engine_new(SHARED_STAGE1);
	static const char *const rules[] = {"plain", "leet", "deob"};
	for (size_t i = 0; i < COUNT(rules); i++) {
		expect_findings(&e, "well, shit happens", rules[i], "shit", NULL);
		expect_findings(&e, "SH\xc3\x8dT happens", rules[i], "SH\xc3\x8dT", NULL); /* SHÍT */
		expect_findings(&e, "oh sh*t", rules[i], "sh*t", NULL);
	}
	/* leet changes the post: the views part ways */
	expect_findings(&e, "well, sh1t happens", "plain", NULL);
	expect_findings(&e, "well, sh1t happens", "leet", "sh1t", NULL);
	expect_findings(&e, "well, sh1t happens", "deob", "sh1t", NULL);
	expect_findings(&e, "shiiit and sh1t", "plain", NULL);
	expect_findings(&e, "shiiit and sh1t", "leet", "sh1t", NULL);
	expect_findings(&e, "shiiit and sh1t", "deob", "shiiit", "sh1t", NULL);
	/* the regex's keyword, found with the terms in either case */
	expect_findings(&e, "TOKEN=abcdef", "token", "TOKEN=abcdef", NULL);
	expect_findings(&e, "t0ken=abcdef and sh1t", "token", "t0ken=abcdef", NULL);
	expect_findings(&e, "t0ken=abcdef and sh1t", "plain", NULL);
	expect_findings(&e, "tok=abcdef", "token", NULL);
	/* a regex on NFKC (no case folding): its keyword is looked for with the terms of
	 * the first view, which holds every keyword the NFKC view holds */
	expect_findings(&e, "my PIN: 1234", "pin", "PIN: 1234", NULL);
	expect_findings(&e, "my \xef\xbc\xb0\xef\xbc\xa9\xef\xbc\xae: 1234", "pin",
	                "\xef\xbc\xb0\xef\xbc\xa9\xef\xbc\xae: 1234", NULL); /* fullwidth */
	expect_findings(&e, "my pin: 1234", "pin", NULL);
	expect_findings(&e, "my P\xe2\x80\x8bIN: 1234", "pin", NULL);
	engine_free(&e);
}
END_TEST

/* A regex on NFKC whose keywords the case-folded view that decodes markup holds, but
 * only in posts with no '%' or '&': there the scanner searches that view alone; in the
 * others it searches the NFKC view's own keywords too, since decoding may take a
 * keyword apart ("&amp;" is "&" once decoded). */
static const char MARKUP_HOST[] =
	"mesura: 1\n"
	"rules:\n"
	"  - id: words\n"
	"    category: profanity\n"
	"    match: { terms: [shit], normalize: [nfkc, casefold, strip_marks, invisibles, confusables, digits, markup] }\n"
	"  - id: amp\n"
	"    category: secret.credential\n"
	"    match: { regex: 'tok&amp;\\d{6}', keywords: ['&amp;'] }\n"
	"  - id: dash\n"
	"    category: secret.credential\n"
	"    match: { regex: 'tok-\\d{6}', keywords: [tok-] }\n";

START_TEST(keywords_hosted_unless_markup)
{
	engine e = engine_new(MARKUP_HOST);
	expect_findings(&e, "see tok-123456 now", "dash", "tok-123456", NULL);
	expect_findings(&e, "see TOK-123456 now", "dash", NULL); /* the regex decides */
	expect_findings(&e, "see tok-123456 &amp; tok&amp;654321", "dash", "tok-123456", NULL);
	/* the keyword only the NFKC view holds: the host decodes it away */
	expect_findings(&e, "see tok&amp;654321 now", "amp", "tok&amp;654321", NULL);
	expect_findings(&e, "tok&amp;654321 and shit", "amp", "tok&amp;654321", NULL);
	expect_findings(&e, "tok&amp;654321 and shit", "words", "shit", NULL);
	expect_findings(&e, "see tok&amp;65432 now", "amp", NULL);
	engine_free(&e);
}
END_TEST

/* A regex on a view with `digits` sees every script's decimal digits as ASCII ones,
 * and reports the original characters. */
START_TEST(digits_view_reads_every_script)
{
	engine e = engine_new("mesura: 1\n"
	                      "rules:\n"
	                      "  - id: pin\n"
	                      "    category: secret.credential\n"
	                      "    match: { regex: 'PIN[:=] ?\\d{4}\\b', normalize: [nfkc, digits] }\n");
	expect_findings(&e, "my PIN: 1234", "pin", "PIN: 1234", NULL);
	/* Arabic-Indic, Devanagari, Thai */
	expect_findings(&e, "my PIN: \xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4!", "pin",
	                "PIN: \xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4", NULL);
	expect_findings(&e, "PIN=\xe0\xa5\xa7\xe0\xa5\xa8\xe0\xb9\x93\xe0\xb9\x94", "pin",
	                "PIN=\xe0\xa5\xa7\xe0\xa5\xa8\xe0\xb9\x93\xe0\xb9\x94", NULL);
	expect_findings(&e, "my PIN: 12345", "pin", NULL);
	engine_free(&e);
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
		{"conditions", {all_needs_every_part_anywhere, any_needs_one_part, any_nested_in_all,
		                nesting_is_limited, groups_stand_alone, NULL}},
		{"unless", {unless_cancels_the_rule_for_the_post, unless_with_a_regex_and_a_tree, NULL}},
		{"context", {context_counts_characters_not_bytes, context_within_words,
		             context_words_counted_only_with_a_context_hit,
		             negative_boost_is_local_unless_is_global, required_context_and_min_confidence,
		             confidence_is_clamped, context_problems_are_errors, NULL}},
		{"examples", {passing_examples_compile, failing_examples_are_errors_at_the_example,
		              examples_see_the_whole_policy, NULL}},
		{"keywords", {keywords_gate_the_regex, derived_keywords_do_not_lose_matches,
		              regex_literals_examples, regex_literals_are_required_by_every_match,
		              option_settings_are_letters_only,
		              pattern_walks_find_their_bytes_at_every_offset, NULL}},
		{"soundness", {exhaustive_mode_agrees_on_chosen_posts,
		               exhaustive_mode_agrees_on_random_posts, exhaustive_mode_agrees_on_data_files,
		               NULL}},
		{"masked", {self_censored_spellings, not_self_censored_spellings, NULL}},
		{"joined", {phrases_match_joined_spellings, joined_phrases_anywhere_in_a_post,
		            joiners_found_at_every_offset, NULL}},
		{"views", {views_sharing_stage1_see_their_own_text, keywords_hosted_unless_markup,
		           digits_view_reads_every_script, NULL}},
		{"files", {lexicon_files, lexicon_file_problems, includes_are_relative_and_share_lexicons,
		           included_problems_name_their_file, lexicon_only_includes,
		           include_cycles_and_duplicates, include_depth_and_lexicon_size_are_limited,
		           no_files_option_and_builtins, NULL}},
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
