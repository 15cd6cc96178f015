/*
 * Regexes of the built-in policy rewritten for PCRE2's speed find exactly what their
 * plain form finds. tests/data/regex-rewrites/RULE.N.re holds the plain form of the
 * rule's regex leaf N (counted from 0 among its regex leaves); the rewritten one is read
 * from the policy file. Both are compiled as the policy compiles them (UTF, JIT) and run
 * over subjects generated from the plain form itself: random walks through its
 * alternatives and repeats (its words, spaces, the bytes of its classes, letters beyond
 * ASCII for \pL), lookaheads taken or not, glued together and mutated (letters beyond
 * ASCII, capitals, digits, punctuation, cut characters). Every match is compared as the
 * scanner iterates them (from each match's end), and from random start offsets.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <check.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define SUBJECTS 10000
#define SUBJECT_MAX 1024

typedef struct {
	const char *file, *rule;
	int leaf;
	size_t min_matches; /* what the generated subjects must hold, or they prove little */
} rewrite;

static const rewrite rewrites[] = {
    {"harassment-en.yaml", "harassment.en-insult-other", 1, 3000},
    {"harassment-es.yaml", "harassment.es-insult-other", 1, 3000},
};

/* ---------------------------------------------------------------- the patterns */

/* The `leaf`-th single-quoted regex (YAML quoting undone) after "- id: RULE", or NULL. */
static char *policy_regex(const char *yaml, const char *rule, int leaf)
{
	char id[256];
	snprintf(id, sizeof id, "- id: %s\n", rule);
	const char *p = strstr(yaml, id);
	if (!p)
		return NULL;
	p += strlen(id);
	const char *next_rule = strstr(p, "- id: ");
	for (int n = 0;; n++) {
		p = strstr(p, "regex: '");
		if (!p || (next_rule && p > next_rule))
			return NULL;
		p += strlen("regex: '");
		if (n == leaf)
			break;
	}
	char *out = malloc(strlen(p) + 1), *o = out;
	ck_assert_ptr_nonnull(out);
	for (; *p && *p != '\n'; p++) {
		if (*p == '\'' && p[1] == '\'')
			p++; /* '' is one quote */
		else if (*p == '\'')
			break;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static pcre2_code *compile(const char *pattern)
{
	int err;
	PCRE2_SIZE at;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	                                 PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C, &err, &at, NULL);
	ck_assert_msg(code != NULL, "pattern does not compile (error %d at %zu)", err, (size_t)at);
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

/* ---------------------------------------------------------------- subjects */

typedef struct {
	char text[SUBJECT_MAX];
	size_t len;
} buffer;

static void put(buffer *b, const char *s, size_t n)
{
	if (b->len + n < SUBJECT_MAX) {
		memcpy(b->text + b->len, s, n);
		b->len += n;
	}
}

/* Letters \pL takes, ASCII and beyond: Latin, Greek, Cyrillic, CJK, the ordinal ª. */
static const char *const letters[] = {"a", "e", "s", "z", "Q", "é", "ñ", "ß", "Ω", "ж", "中", "ª"};
static const char *const spaces[] = {" ", " ", " ", "  ", "\t", "\n"};
static const char *const noise[] = {" ", "x", "é", "’", "'", "-", ",", ".", "7", "É", "\u00a0",
                                    "ñ", "s", "A", "!", "@", "#"};

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static size_t group_end(const char *p, size_t i, size_t end);

/* The end of the atom at p[i]: an escape, a class, a group or one character. */
static size_t atom_end(const char *p, size_t i, size_t end)
{
	if (p[i] == '\\')
		return p[i + 1] == 'p' ? i + 3 : i + 2; /* \pL, \s, \d, \b... */
	if (p[i] == '[') {
		size_t j = i + 1;
		if (p[j] == ']')
			j++;
		while (j < end && p[j] != ']')
			j += p[j] == '\\' ? 2 : 1;
		return j + 1;
	}
	if (p[i] == '(')
		return group_end(p, i, end);
	return i + utf8_len((unsigned char)p[i]);
}

static size_t group_end(const char *p, size_t i, size_t end)
{
	size_t j = i + 1;
	while (j < end && p[j] != ')')
		j = atom_end(p, j, end);
	return j + 1;
}

/* A character an escape (\s \d \pL) takes; nothing for an assertion (\b). */
static void gen_escape(buffer *b, char e, tu_rng *rng)
{
	char d;
	switch (e) {
	case 's': {
		const char *s = spaces[tu_rng_below(rng, sizeof spaces / sizeof *spaces)];
		put(b, s, strlen(s));
		break;
	}
	case 'd':
		d = (char)('0' + tu_rng_below(rng, 10));
		put(b, &d, 1);
		break;
	case 'p': {
		const char *l = letters[tu_rng_below(rng, sizeof letters / sizeof *letters)];
		put(b, l, strlen(l));
		break;
	}
	default:
		break; /* \b: nothing */
	}
}

/* A member of the class p[i..e) (p[i] == '['). */
static void gen_class(buffer *b, const char *p, size_t i, size_t e, tu_rng *rng)
{
	/* the members (single characters, ranges, escapes), one of them picked */
	size_t starts[64], n = 0;
	for (size_t j = i + 1; j < e - 1 && n < 64;) {
		starts[n++] = j;
		size_t k = p[j] == '\\' ? j + (p[j + 1] == 'p' ? 3 : 2) : j + utf8_len((unsigned char)p[j]);
		if (p[j] != '\\' && p[k] == '-' && k + 1 < e - 1)
			k += 2; /* a range a-z: its ends only */
		j = k;
	}
	if (!n)
		return;
	size_t j = starts[tu_rng_below(rng, n)];
	if (p[j] == '\\') {
		gen_escape(b, p[j + 1], rng);
		return;
	}
	size_t l = utf8_len((unsigned char)p[j]);
	if (p[j + l] == '-' && l == 1) { /* a range of ASCII: a character within */
		char c = (char)(p[j] + (char)tu_rng_below(rng, (size_t)(p[j + 2] - p[j]) + 1));
		put(b, &c, 1);
		return;
	}
	put(b, p + j, l);
}

static void gen_alternatives(buffer *b, const char *p, size_t i, size_t end, tu_rng *rng,
                             int depth);

/* How often each alternative (by the offset it starts at) was taken: half the walks
 * take the least taken one of an alternation, so that the deep and rare paths (a word
 * of any letters before "in legal") come as often as the shallow ones. */
static unsigned *taken;

/* A random string the sequence p[i..end) (no top-level '|') may match. */
static void gen_sequence(buffer *b, const char *p, size_t i, size_t end, tu_rng *rng, int depth)
{
	while (i < end) {
		size_t e = atom_end(p, i, end), after = e;
		size_t lo = 1, hi = 1;
		if (after < end && (p[after] == '?' || p[after] == '*' || p[after] == '+')) {
			lo = p[after] == '+';
			hi = p[after] == '?' ? 1 : lo + 3;
			after++;
		} else if (after < end && p[after] == '{') {
			char *close;
			lo = strtoul(p + after + 1, &close, 10);
			hi = *close == ',' && close[1] == '}' ? lo + 3 : *close == ',' ? strtoul(close + 1, &close, 10) : lo;
			after = (size_t)(strchr(close, '}') - p) + 1;
		}
		if (after < end && (p[after] == '+' || p[after] == '?'))
			after++; /* possessive, lazy */
		size_t times = lo + tu_rng_below(rng, hi - lo + 1);
		for (size_t t = 0; t < times; t++) {
			if (p[i] == '\\')
				gen_escape(b, p[i + 1], rng);
			else if (p[i] == '[')
				gen_class(b, p, i, e, rng);
			else if (p[i] == '(') {
				size_t in = i + 1;
				int look_ahead = 0, look_behind = 0;
				if (p[in] == '?') {
					look_ahead = p[in + 1] == '=' || p[in + 1] == '!';
					look_behind = p[in + 1] == '<';
					in += look_behind ? 3 : 2;
				}
				/* a lookahead's text written out a time in four (the one that must
				 * not follow, too); a lookbehind's never (it looks at what is there) */
				if (!look_behind && (!look_ahead || !tu_rng_below(rng, 4)) && depth < 40)
					gen_alternatives(b, p, in, e - 1, rng, depth + 1);
			} else
				put(b, p + i, e - i);
		}
		i = after;
	}
}

static void gen_alternatives(buffer *b, const char *p, size_t i, size_t end, tu_rng *rng,
                             int depth)
{
	size_t bars[512], n = 0;
	bars[n++] = i;
	for (size_t j = i; j < end; j = atom_end(p, j, end))
		if (p[j] == '|' && n < 512)
			bars[n++] = j + 1;
	size_t k = tu_rng_below(rng, n);
	if (tu_rng_below(rng, 2))
		for (size_t a = 0; a < n; a++)
			if (taken[bars[a]] < taken[bars[k]])
				k = a;
	taken[bars[k]]++;
	size_t to = k + 1 < n ? bars[k + 1] - 1 : end;
	gen_sequence(b, p, bars[k], to, rng, depth);
}

/* A subject: one to three walks through the pattern, noise between, some mutations. */
static void gen_subject(buffer *b, const char *pattern, tu_rng *rng)
{
	size_t n = strlen(pattern), walks = 1 + tu_rng_below(rng, 3);
	b->len = 0;
	for (size_t w = 0; w < walks; w++) {
		if (w || tu_rng_below(rng, 2)) {
			const char *s = noise[tu_rng_below(rng, sizeof noise / sizeof *noise)];
			put(b, s, strlen(s));
		}
		gen_alternatives(b, pattern, 0, n, rng, 0);
	}
	for (size_t m = tu_rng_below(rng, 3); m > 0 && b->len; m--) {
		size_t at = tu_rng_below(rng, b->len);
		while (at && ((unsigned char)b->text[at] & 0xC0) == 0x80)
			at--;
		size_t cut = utf8_len((unsigned char)b->text[at]);
		const char *s = noise[tu_rng_below(rng, sizeof noise / sizeof *noise)];
		size_t sl = tu_rng_below(rng, 4) ? strlen(s) : 0; /* a replacement, or a cut */
		if (b->len - cut + sl >= SUBJECT_MAX)
			continue;
		memmove(b->text + at + sl, b->text + at + cut, b->len - at - cut);
		memcpy(b->text + at, s, sl);
		b->len = b->len - cut + sl;
	}
}

/* ---------------------------------------------------------------- comparison */

/* The match of `code` from `at`, or start SIZE_MAX. */
static void match_at(const pcre2_code *code, pcre2_match_data *md, const buffer *b, size_t at,
                     size_t *start, size_t *end)
{
	int rc = pcre2_match(code, (PCRE2_SPTR)b->text, b->len, at, 0, md, NULL);
	ck_assert_msg(rc > 0 || rc == PCRE2_ERROR_NOMATCH, "pcre2_match: %d", rc);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	*start = rc > 0 ? ov[0] : SIZE_MAX;
	*end = rc > 0 ? ov[1] : 0;
}

/* Compares both patterns' matches on b, from `from` on as the scanner iterates them;
 * returns the matches, or SIZE_MAX at a difference. */
static size_t compare_from(const pcre2_code *plain, const pcre2_code *fast, pcre2_match_data *md,
                           const buffer *b, size_t from, tu_tally *t, const char *rule)
{
	size_t found = 0;
	for (size_t at = from; at <= b->len;) {
		size_t s1, e1, s2, e2;
		match_at(plain, md, b, at, &s1, &e1);
		match_at(fast, md, b, at, &s2, &e2);
		t->checks++;
		if (s1 != s2 || e1 != e2) {
			tu_tally_fail(t, "%s from %zu: [%zu, %zu) plain, [%zu, %zu) rewritten: \"%.*s\"",
			              rule, at, s1, e1, s2, e2, (int)b->len, b->text);
			return SIZE_MAX;
		}
		if (s1 == SIZE_MAX)
			break;
		found++;
		at = e1 > s1 ? e1 : e1 + 1;
		while (at < b->len && ((unsigned char)b->text[at] & 0xC0) == 0x80)
			at++;
	}
	return found;
}

START_TEST(test_rewrite_same_matches)
{
	const rewrite *r = &rewrites[_i];
	char path[512], name[256];
	snprintf(path, sizeof path, "%s/../../policies/builtin/%s", MESURA_TEST_DATA_DIR, r->file);
	size_t len;
	char *yaml = tu_read_file(path, &len);
	char *fast = policy_regex(yaml, r->rule, r->leaf);
	ck_assert_msg(fast != NULL, "no regex leaf %d in %s", r->leaf, r->rule);
	snprintf(name, sizeof name, "regex-rewrites/%s.%d.re", r->rule, r->leaf);
	char *plain = tu_read_file(tu_data_path(name), &len);
	while (len && (plain[len - 1] == '\n'))
		plain[--len] = '\0';
	ck_assert_msg(strcmp(plain, fast) != 0, "%s: no rewrite to check (the same text)", r->rule);

	pcre2_code *cp = compile(plain), *cf = compile(fast);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	tu_tally t = {r->rule, 0, 0};
	tu_rng rng = {0x5eed0000u + (uint64_t)_i};
	size_t matches = 0;
	static buffer b;
	taken = calloc(strlen(plain) + 1, sizeof *taken);
	ck_assert_ptr_nonnull(taken);
	for (size_t n = 0; n < SUBJECTS && t.failures < 20; n++) {
		gen_subject(&b, plain, &rng);
		size_t found = compare_from(cp, cf, md, &b, 0, &t, r->rule);
		if (found != SIZE_MAX)
			matches += found;
		size_t at = tu_rng_below(&rng, b.len + 1); /* and from any offset */
		while (at < b.len && ((unsigned char)b.text[at] & 0xC0) == 0x80)
			at++;
		compare_from(cp, cf, md, &b, at, &t, r->rule);
	}
	printf("%s: %zu matches in %d generated subjects\n", r->rule, matches, SUBJECTS);
	tu_tally_finish(&t, "comparisons");
	ck_assert_msg(matches >= r->min_matches, "%s: only %zu matches generated", r->rule, matches);
	free(taken);
	pcre2_match_data_free(md);
	pcre2_code_free(cp);
	pcre2_code_free(cf);
	free(plain);
	free(fast);
	free(yaml);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("regex_rewrites");
	TCase *tc = tcase_create("same matches");
	tcase_add_loop_test(tc, test_rewrite_same_matches, 0,
	                    (int)(sizeof rewrites / sizeof *rewrites));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
