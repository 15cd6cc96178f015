/*
 * Regex conditions. Each pattern is compiled once by PCRE2 (JIT when available); the
 * scanner runs it on its view of the post only when a cheap PREFILTER says a match is
 * possible: the view is long enough, it holds a byte that can start a match and every
 * byte a match needs, and (when the rule has keywords, given or derived) one of the
 * keywords occurs in it. A post is short, so a PCRE2 call costs more in setting up
 * than in matching: with twenty regex rules, skipping the calls that cannot match is
 * most of the regex time (the keyword idea is gitleaks').
 */
#include "regex.h"

#include <limits.h>
#include <string.h>

#include "mesura/errors.h"
#include "text/chunk.h"


/* A run of bytes of a class shorter than this occurs in too many posts to check. */
#define MIN_CLASS_RUN 8

/* A derived keyword shorter than this would occur in too many posts to pay. */
#define MIN_DERIVED_KEYWORD 3

/* ------------------------------------------------------------ literals */

static int is_alnum(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_hex(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
}

/* The end of the character class starting at p[i] == '['. */
static size_t skip_class(const char *p, size_t len, size_t i)
{
	i++;
	if (i < len && p[i] == '^')
		i++;
	if (i < len && p[i] == ']')
		i++; /* a ']' first is a literal */
	while (i < len && p[i] != ']') {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '[' && i + 1 < len && p[i + 1] == ':') {
			const char *end = memchr(p + i + 2, ']', len - i - 2);
			i = end ? (size_t)(end - p) : len; /* a POSIX class [:alpha:] */
		}
		i++;
	}
	return i < len ? i + 1 : len;
}

static size_t escape_end(const char *p, size_t len, size_t i);

/* The index after the escape or class at p[i], or i when p[i] starts neither. */
static size_t skip_escape_or_class(const char *p, size_t len, size_t i)
{
	return p[i] == '\\' ? escape_end(p, len, i) : p[i] == '[' ? skip_class(p, len, i) : i;
}

/* The first index from i on (or len) whose byte is one of a, b, c, d: the walks over a
 * pattern below pass over the bytes where they have nothing to do a chunk at a time
 * (the insult regexes are alternations of words several KB long, walked over again at
 * each level of groups by each reading of the pattern). */
static size_t next_of(const char *p, size_t len, size_t i, unsigned char a, unsigned char b,
                      unsigned char c, unsigned char d)
{
	const unsigned char *u = (const unsigned char *)p;
	chunk ca = chunk_splat(a), cb = chunk_splat(b), cc = chunk_splat(c), cd = chunk_splat(d);
	for (; i + CHUNK <= len; i += CHUNK) {
		chunk x = chunk_load(u + i);
		chunk m = chunk_or(chunk_or(chunk_same(x, ca), chunk_same(x, cb)),
		                   chunk_or(chunk_same(x, cc), chunk_same(x, cd)));
		if (chunk_any(m))
			return i + chunk_first(m);
	}
	while (i < len && u[i] != a && u[i] != b && u[i] != c && u[i] != d)
		i++;
	return i;
}

/* The end of the group starting at p[i] == '(' (len when unbalanced). */
static size_t skip_group(const char *p, size_t len, size_t i)
{
	unsigned depth = 0;
	while ((i = next_of(p, len, i, '\\', '[', '(', ')')) < len) {
		if (p[i] == '\\' || p[i] == '[') {
			i = skip_escape_or_class(p, len, i);
			continue;
		}
		if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && --depth == 0)
			return i + 1;
		i++;
	}
	return len;
}

/* A quantifier at p[i]: returns its length (0 when none) and its minimum in *min. */
static size_t quantifier(const char *p, size_t len, size_t i, unsigned long *min)
{
	size_t q = 0;
	if (i < len && (p[i] == '?' || p[i] == '*' || p[i] == '+')) {
		*min = p[i] == '+';
		q = 1;
	} else if (i < len && p[i] == '{') {
		size_t k = i + 1;
		unsigned long n = 0;
		while (k < len && p[k] >= '0' && p[k] <= '9' && n < 100000)
			n = n * 10 + (unsigned long)(p[k++] - '0');
		if (k == i + 1)
			return 0; /* "{" not followed by a number is a literal */
		if (k < len && p[k] == ',')
			for (k++; k < len && p[k] >= '0' && p[k] <= '9'; k++)
				;
		if (k >= len || p[k] != '}')
			return 0;
		*min = n;
		q = k + 1 - i;
	}
	if (q && i + q < len && (p[i + q] == '?' || p[i + q] == '+'))
		q++; /* lazy or possessive */
	return q;
}

/* Whether an inline option setting such as (?i), (?x) or (?i:...) turns on `flag`. Only
 * letters may follow "(?" there: a lookaround, a named group or a comment ("(?<![\\x{2010}-]",
 * "(?<id>", "(?#...)") sets nothing, whatever letters it holds. Classes are skipped. */
static int sets_option(const char *p, size_t len, char flag)
{
	for (size_t i = 0; (i = next_of(p, len, i, '\\', '[', '(', '(')) + 2 < len; i++) {
		if (p[i] == '\\') {
			i++;
			continue;
		}
		if (p[i] == '[') {
			i = skip_class(p, len, i) - 1;
			continue;
		}
		if (p[i] != '(' || p[i + 1] != '?')
			continue;
		int found = 0, on = 1, letters = 1;
		size_t k = i + 2;
		for (; k < len && p[k] != ')' && p[k] != ':' && letters; k++) {
			if (p[k] == '-')
				on = 0; /* the letters after it turn options off */
			else if (p[k] != '^')
				letters = (p[k] | 0x20) >= 'a' && (p[k] | 0x20) <= 'z';
			found |= on && letters && p[k] == flag;
		}
		if (found && letters && k < len)
			return 1;
	}
	return 0;
}

/* The end of the escape at p[i] == '\\' with its argument, if it takes one: \x41,
 * \101, \cA, \pL, \k<name>, \g1, \x{41}, \p{Lu}... An argument is not a literal of
 * the pattern ("\x41BC" matches "ABC"). Reading too far only loses literals. */
static size_t escape_end(const char *p, size_t len, size_t i)
{
	size_t k = i + 2;
	if (i + 1 >= len)
		return len;
	char e = p[i + 1];
	if (!is_alnum((unsigned char)e))
		return k;
	if (k < len && p[k] == '{' &&
	    (strchr("xopPgk", e) || (e == 'N' && k + 1 < len && p[k + 1] == 'U'))) {
		/* \x{41}, \p{Lu}, \N{U+41}... ("\d{3}" and "\N{2,}" are repeats) */
		while (k < len && p[k++] != '}')
			;
	} else if (e == 'x') {
		while (k < len && k < i + 4 && is_hex((unsigned char)p[k]))
			k++; /* at most two digits */
	} else if ((e == 'c' || e == 'p' || e == 'P') && k < len) {
		k++; /* \cA, \pL */
	} else if ((e == 'k' || e == 'g') && k < len && (p[k] == '<' || p[k] == '\'')) {
		char close = p[k] == '<' ? '>' : '\'';
		for (k++; k < len && p[k++] != close;)
			;
	} else if (e == 'g' || (e >= '0' && e <= '9')) { /* \g1, \g-1, back references, octal */
		if (e == 'g' && k < len && (p[k] == '-' || p[k] == '+'))
			k++;
		while (k < len && p[k] >= '0' && p[k] <= '9')
			k++;
	}
	return k;
}

/* Whether a comment (?#...) at p[i] is followed by a quantifier: PCRE2 drops the
 * comment, so the quantifier applies to the item before it ("a-(?#x)?" matches "a"). */
static int quantified_comment(const char *p, size_t len, size_t i)
{
	const char *close = memchr(p + i, ')', len - i);
	size_t after = close ? (size_t)(close - p) + 1 : len;
	return after < len && strchr("?*+{", p[after]) != NULL;
}

/* Whether the pattern holds what the readings below give up on: (*ACCEPT), which
 * ends a match before the rest of it, or a comment with a quantifier after it. Found
 * anywhere, inside a class too: only a reading is lost. */
static int has_accept(const char *p, size_t len)
{
	for (const char *q = p; len >= 3 && (q = memchr(q, '(', len - 2 - (size_t)(q - p))); q++) {
		size_t i = (size_t)(q - p);
		if ((memcmp(q, "(?#", 3) == 0 && quantified_comment(p, len, i)) ||
		    (len - i >= 8 && memcmp(q, "(*ACCEPT", 8) == 0))
			return 1;
	}
	return 0;
}

/* Whether the pattern is one sequence at its top level (no '|' outside groups). */
static int is_sequence(const char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		if (p[i] == '|' || p[i] == ')')
			return 0;
		if (p[i] == '\\' && i + 1 < len && p[i + 1] == 'Q')
			return 0; /* \Q...\E quoting: not worth reading */
		i = p[i] == '\\' ? i + 2 : p[i] == '[' ? skip_class(p, len, i)
		                        : p[i] == '(' ? skip_group(p, len, i) : i + 1;
	}
	return 1;
}

void mesura_policy__regex_literals(const char *p, size_t len,
                                   void (*run)(const char *s, size_t n, void *payload),
                                   void *payload)
{
	if (!is_sequence(p, len) || sets_option(p, len, 'x') || has_accept(p, len))
		return;
	char cur[256];
	size_t n = 0, i = 0;
	while (i < len) {
		int literal = 0;
		char ch = p[i];
		size_t next = i + 1;
		if (ch == '\\' && i + 1 < len) {
			literal = !is_alnum((unsigned char)p[i + 1]) && (unsigned char)p[i + 1] >= 0x20 &&
			          (unsigned char)p[i + 1] < 0x7f;
			ch = p[i + 1];
			next = escape_end(p, len, i);
		} else if (ch == '[') {
			next = skip_class(p, len, i);
		} else if (ch == '(') {
			next = skip_group(p, len, i);
		} else {
			literal = (unsigned char)ch >= 0x20 && (unsigned char)ch < 0x7f &&
			          !strchr(".^$*+?{", ch);
		}
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		if (literal && min > 0 && n < sizeof cur)
			cur[n++] = ch;
		if (!literal || q || n == sizeof cur) {
			if (n)
				run(cur, n, payload);
			n = 0;
		}
		i = next + q;
	}
	if (n)
		run(cur, n, payload);
}

void mesura_policy__regex_lookaround_literals(const char *p, size_t len,
                                              void (*run)(const char *s, size_t n, void *payload),
                                              void *payload)
{
	if (!is_sequence(p, len) || sets_option(p, len, 'x') || has_accept(p, len))
		return;
	for (size_t i = 0; i < len;) {
		if (p[i] != '(') {
			i = p[i] == '\\' ? escape_end(p, len, i) : p[i] == '[' ? skip_class(p, len, i) : i + 1;
			continue;
		}
		size_t next = skip_group(p, len, i), from = i + 3;
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		if (min > 0 && next <= len && p[next - 1] == ')' && i + 2 < len && p[i + 1] == '?' &&
		    p[i + 2] == '<' && i + 3 < len && p[i + 3] == '=')
			from = i + 4; /* (?<=...) */
		else if (!(min > 0 && next <= len && p[next - 1] == ')' && i + 2 < len &&
		           p[i + 1] == '?' && p[i + 2] == '='))
			from = 0; /* not a positive lookaround */
		if (from && from < next - 1)
			mesura_policy__regex_literals(p + from, next - 1 - from, run, payload);
		i = next + q;
	}
}

/* ------------------------------------------------------------ backtracking */

/* Whether a quantifier of `q` bytes at p[i] has no upper bound: +, *, {n,}. */
static int is_unbounded(const char *p, size_t i, size_t q)
{
	if (q == 0)
		return 0;
	if (p[i] == '+' || p[i] == '*')
		return 1;
	const char *close = memchr(p + i, '}', q);
	return close && close[-1] == ',';
}

/* Whether p[0..len) holds an unbounded quantifier (outside classes and escapes). */
static int repeats(const char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t next = skip_escape_or_class(p, len, i);
		if (next != i) {
			i = next;
		} else {
			unsigned long min;
			size_t q = i > 0 && p[i - 1] != '(' ? quantifier(p, len, i, &min) : 0;
			if (is_unbounded(p, i, q))
				return 1;
			i += q ? q : 1;
		}
	}
	return 0;
}

/* Whether a group's inside starts with one literal character, once ("\\.[a-z]+"): then
 * each repetition of the group starts at a separator, and the repeats cannot trade
 * characters with each other, which is what makes (a+)+ explode. */
static int starts_with_fixed_literal(const char *p, size_t len)
{
	if (len >= 2 && p[0] == '?' && p[1] == ':') {
		p += 2;
		len -= 2;
	}
	size_t next;
	if (len >= 2 && p[0] == '\\' && !is_alnum((unsigned char)p[1]))
		next = 2;
	else if (len >= 1 && (unsigned char)p[0] < 0x80 && !strchr("\\[(|.^$*+?{)", p[0]))
		next = 1;
	else
		return 0;
	unsigned long min;
	return quantifier(p, len, next, &min) == 0;
}

int mesura_policy__regex_nested_repeat(const char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t next = skip_escape_or_class(p, len, i);
		if (next != i || p[i] != '(') {
			i = next != i ? next : i + 1;
			continue;
		}
		size_t end = skip_group(p, len, i);
		size_t inner_len = end > i + 1 ? end - i - 2 : 0;
		unsigned long min;
		size_t q = quantifier(p, len, end, &min);
		if ((is_unbounded(p, end, q) && repeats(p + i + 1, inner_len) &&
		     !starts_with_fixed_literal(p + i + 1, inner_len)) ||
		    mesura_policy__regex_nested_repeat(p + i + 1, inner_len))
			return 1;
		i = end + q;
	}
	return 0;
}

/* ------------------------------------------------------------ alternatives */

/* What a reading says of one top-level alternative (no '|' outside groups) of a
 * pattern; `caseless` is (?i). */
typedef size_t (*sequence_reading)(const char *p, size_t len, int caseless);

/* The smallest answer of `read` over the top-level alternatives of p[0..len) (what
 * every match has), or with `largest` the largest (what no match exceeds). */
static size_t over_alternatives(const char *p, size_t len, int caseless, int largest,
                                sequence_reading read)
{
	size_t best = largest ? 0 : SIZE_MAX, start = 0;
	for (size_t i = 0; i <= len;) {
		i = next_of(p, len, i, '\\', '[', '(', '|');
		if (i == len || p[i] == '|') {
			size_t n = read(p + start, i - start, caseless);
			best = (largest ? n > best : n < best) ? n : best;
			start = ++i;
			continue;
		}
		i = p[i] == '\\' ? i + 2 : p[i] == '[' ? skip_class(p, len, i)
		                         : p[i] == '(' ? skip_group(p, len, i) : i + 1;
		if (i > len)
			i = len;
	}
	return best;
}

static size_t digits_of_sequence(const char *p, size_t len, int caseless);
static size_t run_of_sequence(const char *p, size_t len, int caseless);
static size_t len_of_sequence(const char *p, size_t len, int caseless);
static size_t lead_of_sequence(const char *p, size_t len, int caseless);

/* ------------------------------------------------------------ digits */

#define DIGITS_CAP 1000ul

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Whether the class p[i..end) ("[0-9]", "[6789]", "[\\d]") holds digits only. */
static int class_is_digits(const char *p, size_t i, size_t end)
{
	if (end < i + 3 || p[end - 1] != ']' || p[i + 1] == '^')
		return 0;
	size_t k = i + 1, last = end - 1;
	while (k < last) {
		if (p[k] == '\\' && k + 1 < last && p[k + 1] == 'd')
			k += 2;
		else if (is_digit(p[k]) && k + 2 < last && p[k + 1] == '-' && is_digit(p[k + 2]))
			k += 3;
		else if (is_digit(p[k]))
			k++;
		else
			return 0;
	}
	return 1;
}


/* The digits the group at p[i] == '(' (ending at `end`) requires: its inside's, or 0
 * for lookarounds, option settings and comments. */
static unsigned long group_digits(const char *p, size_t i, size_t end)
{
	size_t inner = i + 1, close = end - 1; /* p[close] == ')' */
	if (inner < close && p[inner] == '?') {
		if (inner + 1 < close && p[inner + 1] == ':')
			inner += 2;
		else if (inner + 2 < close && (p[inner + 1] == '<' || p[inner + 1] == 'P') &&
		         p[inner + 2] != '=' && p[inner + 2] != '!') {
			const char *gt = memchr(p + inner, '>', close - inner); /* a named group */
			if (!gt)
				return 0;
			inner = (size_t)(gt - p) + 1;
		} else {
			return 0;
		}
	}
	return over_alternatives(p + inner, close - inner, 0, 0, digits_of_sequence);
}

/* The fewest ASCII digits any match of the sequence p[0..len) holds (no top-level
 * '|'): digit atoms times their minimum repeat, groups counted inside. */
static size_t digits_of_sequence(const char *p, size_t len, int caseless)
{
	(void)caseless;
	unsigned long total = 0;
	for (size_t i = 0; i < len;) {
		unsigned long d = 0;
		size_t next = i + 1;
		if (p[i] == '\\' && i + 1 < len) {
			d = p[i + 1] == 'd' ? 1 : 0;
			next = escape_end(p, len, i);
		} else if (p[i] == '[') {
			next = skip_class(p, len, i);
			d = class_is_digits(p, i, next) ? 1 : 0;
		} else if (p[i] == '(') {
			next = skip_group(p, len, i);
			d = next <= len && p[next - 1] == ')' ? group_digits(p, i, next) : 0;
		} else {
			d = is_digit(p[i]) ? 1 : 0;
		}
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		total += d * (min < DIGITS_CAP ? min : DIGITS_CAP);
		if (total > DIGITS_CAP)
			total = DIGITS_CAP;
		i = next + q;
	}
	return total;
}

unsigned long mesura_policy__regex_min_digits(const char *pattern, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '\\' && pattern[++i] == 'Q')
			return 0; /* \Q...\E quoting: not worth reading */
	if (sets_option(pattern, len, 'x') || has_accept(pattern, len))
		return 0;
	return over_alternatives(pattern, len, 0, 0, digits_of_sequence);
}

/* ------------------------------------------------------------ digit runs */


/* The longest run of consecutive ASCII digits that every match of the sequence
 * p[0..len) holds: digit atoms next to each other add up (times their minimum
 * repeat), anything else ends the run (lookarounds and optional atoms too, to be
 * safe); a group that holds digits counts its own inside's run. */
static size_t run_of_sequence(const char *p, size_t len, int caseless)
{
	(void)caseless;
	unsigned long best = 0, run = 0;
	for (size_t i = 0; i < len;) {
		int digit = 0;
		unsigned long inner = 0;
		size_t next = i + 1;
		if (p[i] == '\\' && i + 1 < len) {
			digit = p[i + 1] == 'd';
			next = escape_end(p, len, i);
		} else if (p[i] == '[') {
			next = skip_class(p, len, i);
			digit = class_is_digits(p, i, next);
		} else if (p[i] == '(') {
			next = skip_group(p, len, i);
			if (next <= len && p[next - 1] == ')' && group_digits(p, i, next) > 0) {
				size_t in = i + 1, close = next - 1;
				if (p[in] == '?') {
					const char *gt = p[in + 1] == ':' ? p + in + 1 : memchr(p + in, '>', close - in);
					in = gt ? (size_t)(gt - p) + 1 : close;
				}
				inner = over_alternatives(p + in, close - in, 0, 0, run_of_sequence);
			}
		} else {
			digit = is_digit(p[i]);
		}
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		if (digit) { /* more repeats, or an optional digit, only lengthen the run */
			run += min < DIGITS_CAP ? min : DIGITS_CAP;
			run = run < DIGITS_CAP ? run : DIGITS_CAP;
		} else {
			best = run > best ? run : best;
			run = 0;
			if (min > 0 && inner > best)
				best = inner;
		}
		i = next + q;
	}
	return run > best ? run : best;
}

/* mesura_policy__regex_min_digit_run once the pattern's min_digits is known
 * (build_prefilter has it: no second reading for it). */
static unsigned long min_digit_run_given(const char *pattern, size_t len,
                                         unsigned long min_digits)
{
	if (min_digits == 0)
		return 0; /* unsure, or no digit needed */
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '\\' && (pattern[++i] == 'K' || pattern[i] == 'Q'))
			return 0;
	return over_alternatives(pattern, len, 0, 0, run_of_sequence);
}

unsigned long mesura_policy__regex_min_digit_run(const char *pattern, size_t len)
{
	return min_digit_run_given(pattern, len, mesura_policy__regex_min_digits(pattern, len));
}

/* ------------------------------------------------------------ capital runs */

static int is_capital(char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

/* Whether the class p[i..end) holds ASCII capitals only ("[A-Z]", "[ABCDEHLMPRST]"). */
static int class_is_capitals(const char *p, size_t i, size_t end)
{
	if (end < i + 3 || p[end - 1] != ']' || p[i + 1] == '^')
		return 0;
	for (size_t k = i + 1, last = end - 1; k < last;) {
		if (is_capital(p[k]) && k + 2 < last && p[k + 1] == '-' && is_capital(p[k + 2]))
			k += 3;
		else if (is_capital(p[k]))
			k++;
		else
			return 0;
	}
	return 1;
}

/* The longest run of consecutive ASCII capitals that every match of the sequence
 * p[0..len) holds: capitals and classes of capitals next to each other add up (times
 * their minimum repeat); anything else ends the run, groups, lookarounds and escapes
 * too (a lower bound, to be safe). */
static size_t capital_run_of_sequence(const char *p, size_t len, int caseless)
{
	(void)caseless;
	size_t best = 0, run = 0;
	for (size_t i = 0; i < len;) {
		int capital = 0;
		size_t next = i + 1;
		if (p[i] == '\\' && i + 1 < len) {
			next = escape_end(p, len, i);
		} else if (p[i] == '[') {
			next = skip_class(p, len, i);
			capital = class_is_capitals(p, i, next);
		} else if (p[i] == '(') {
			next = skip_group(p, len, i);
		} else {
			capital = is_capital(p[i]);
		}
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		if (capital) {
			run += min < DIGITS_CAP ? min : DIGITS_CAP;
			run = run < DIGITS_CAP ? run : DIGITS_CAP;
		} else {
			best = run > best ? run : best;
			run = 0;
		}
		i = next + q;
	}
	return run > best ? run : best;
}

unsigned long mesura_policy__regex_min_capital_run(const char *pattern, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '\\' && (pattern[++i] == 'K' || pattern[i] == 'Q'))
			return 0;
	if (sets_option(pattern, len, 'i') || sets_option(pattern, len, 'x') ||
	    has_accept(pattern, len))
		return 0; /* a capital matches its small letter; spaces are not read */
	return over_alternatives(pattern, len, 0, 0, capital_run_of_sequence);
}

/* ------------------------------------------------------------ class runs */

static void add_byte(uint64_t *set, unsigned byte)
{
	set[byte >> 6] |= (uint64_t)1 << (byte & 63);
}

static void add_range(uint64_t *set, unsigned lo, unsigned hi)
{
	for (unsigned b = lo; b <= hi; b++)
		add_byte(set, b);
}

/* \d \w \s and their complements, as PCRE2 reads them without UCP (ASCII only); 0 for
 * any other letter. */
static int add_class_escape(uint64_t *set, char e)
{
	uint64_t one[4] = {0, 0, 0, 0};
	char lower = (char)(e | 0x20);
	if (lower == 'd') {
		add_range(one, '0', '9');
	} else if (lower == 'w') {
		add_range(one, '0', '9');
		add_range(one, 'A', 'Z');
		add_range(one, 'a', 'z');
		add_byte(one, '_');
	} else if (lower == 's') {
		add_range(one, '\t', '\r');
		add_byte(one, ' ');
	} else {
		return 0;
	}
	for (int k = 0; k < 4; k++)
		set[k] |= e == lower ? one[k] : ~one[k]; /* \D \W \S: non-ASCII bytes too */
	return 1;
}

/* The bytes the class p[i..end) ("[A-Za-z0-9/+]", "[^\s/@]") may match: its ASCII
 * characters and ranges, \d \w \s and their complements, every byte >= 0x80 for a
 * non-ASCII character or a negation. 0 when the reading is unsure (a POSIX class, a
 * hex or Unicode escape). */
static int class_bytes(const char *p, size_t i, size_t end, uint64_t *set)
{
	uint64_t in[4] = {0, 0, 0, 0};
	if (end < i + 3 || p[end - 1] != ']')
		return 0;
	size_t k = i + 1, last = end - 1;
	int negated = p[k] == '^';
	if (negated)
		k++;
	for (int first = 1; k < last; first = 0) {
		unsigned char ch = (unsigned char)p[k];
		if (ch == '[' || (ch == ']' && !first))
			return 0; /* a POSIX class, or a reading gone astray */
		if (ch == '\\') {
			if (k + 1 >= last)
				return 0;
			char e = p[k + 1];
			if (((e | 0x20) >= 'a' && (e | 0x20) <= 'z') || (e >= '0' && e <= '9')) {
				if (!add_class_escape(in, e))
					return 0;
				k += 2;
				continue;
			}
			ch = (unsigned char)e; /* an escaped punctuation character */
			k++;
		}
		if (ch >= 0x80) {
			add_range(in, 0x80, 0xFF);
			k++;
			continue;
		}
		if (k + 2 < last && p[k + 1] == '-' && (p[k + 2] == '\\' || (unsigned char)p[k + 2] >= 0x80))
			return 0; /* a range to an escape or a non-ASCII character: not read */
		if (k + 2 < last && p[k + 1] == '-') {
			add_range(in, ch, (unsigned char)p[k + 2]);
			k += 3;
			continue;
		}
		add_byte(in, ch);
		k++;
	}
	if (negated) /* every other character, the non-ASCII ones whatever the class holds */
		for (int w = 0; w < 4; w++)
			in[w] = ~in[w] | (w >= 2 ? ~(uint64_t)0 : 0);
	for (int w = 0; w < 4; w++)
		set[w] |= in[w];
	return 1;
}

/* Under (?i) a letter matches its other case, and some non-ASCII characters (the Kelvin
 * sign for k). */
static void fold_set(uint64_t *set)
{
	for (unsigned b = 'A'; b <= 'Z'; b++)
		if (mesura_policy__byte_in(set, (unsigned char)b) ||
		    mesura_policy__byte_in(set, (unsigned char)(b | 0x20))) {
			add_byte(set, b);
			add_byte(set, b | 0x20);
		}
	add_range(set, 0x80, 0xFF);
}

/* The bytes one atom of a sequence may match (*known 0 when unsure): a literal ASCII
 * character, an escaped punctuation character, \d \w \s and their complements, a
 * class. */
static size_t atom_bytes(const char *p, size_t len, size_t i, uint64_t *set, int *known)
{
	size_t next = i + 1;
	*known = 0;
	if (p[i] == '\\' && i + 1 < len) {
		next = escape_end(p, len, i);
		char e = p[i + 1];
		if (next == i + 2 && (unsigned char)e < 0x80)
			*known = is_alnum((unsigned char)e) ? add_class_escape(set, e)
			                                    : (add_byte(set, (unsigned char)e), 1);
	} else if (p[i] == '[') {
		next = skip_class(p, len, i);
		*known = class_bytes(p, i, next, set);
	} else if (p[i] == '(') {
		next = skip_group(p, len, i);
	} else if ((unsigned char)p[i] < 0x80 && !strchr(".^$|{", p[i])) {
		add_byte(set, (unsigned char)p[i]);
		*known = 1;
	}
	return next;
}

void mesura_policy__regex_class_run(const char *p, size_t len, size_t *run_len, uint64_t set[4])
{
	uint64_t cur[4] = {0, 0, 0, 0};
	size_t run = 0;
	*run_len = 0;
	memset(set, 0, 4 * sizeof *set);
	for (size_t i = 0; i + 1 < len; i++)
		if (p[i] == '\\' && p[++i] == 'Q')
			return; /* \Q...\E quoting: not worth reading */
	if (!is_sequence(p, len) || sets_option(p, len, 'x') || has_accept(p, len))
		return;
	int caseless = sets_option(p, len, 'i');
	for (size_t i = 0; i <= len;) {
		uint64_t atom[4] = {0, 0, 0, 0};
		int known = 0;
		unsigned long min = 0;
		size_t next = len + 1, q = 0;
		if (i < len) {
			next = atom_bytes(p, len, i, atom, &known);
			min = 1;
			q = quantifier(p, len, next, &min);
		}
		if (known && min > 0) { /* min characters, each of bytes in the set */
			run += min < DIGITS_CAP ? min : DIGITS_CAP;
			run = run < DIGITS_CAP ? run : DIGITS_CAP;
			for (int w = 0; w < 4; w++)
				cur[w] |= atom[w];
		} else {
			if (run > *run_len) {
				*run_len = run;
				memcpy(set, cur, sizeof cur);
			}
			run = 0;
			memset(cur, 0, sizeof cur);
		}
		i = next + q;
	}
	if (caseless && *run_len)
		fold_set(set);
}

/* ------------------------------------------------------------ length */

/* Bytes that no match exceeds, as far as a simple reading of the pattern can tell:
 * SIZE_MAX when a repeat has no bound or the pattern holds something the reading does
 * not know. Without PCRE2_UCP (never set: a pattern asking for it with (*UCP) is not
 * read), \d \w \s and POSIX classes are ASCII; anything that can match a non-ASCII
 * character counts 4 bytes, and so does an ASCII letter under (?i) (the Kelvin sign
 * matches k). */
#define LEN_INF SIZE_MAX
#define LEN_CAP ((size_t)1 << 20)

static size_t add_len(size_t a, size_t b)
{
	return a == LEN_INF || b == LEN_INF || a + b > LEN_CAP ? LEN_INF : a + b;
}

static size_t times_len(size_t a, unsigned long n)
{
	if (a == 0 || n == 0)
		return 0;
	if (a == LEN_INF || n == ULONG_MAX || n > LEN_CAP / a)
		return LEN_INF;
	return a * n;
}

/* The most repeats a quantifier of q bytes at p[i] allows (1 without one). */
static unsigned long quantifier_max(const char *p, size_t i, size_t q)
{
	if (q == 0)
		return 1;
	if (p[i] == '?')
		return 1;
	if (p[i] == '*' || p[i] == '+')
		return ULONG_MAX;
	const char *close = memchr(p + i, '}', q);
	if (!close || close[-1] == ',')
		return ULONG_MAX;
	const char *comma = memchr(p + i, ',', (size_t)(close - (p + i)));
	const char *from = comma ? comma + 1 : p + i + 1;
	unsigned long n = 0;
	for (; from < close && n < LEN_CAP; from++)
		n = n * 10 + (unsigned long)(*from - '0');
	return n;
}

static size_t escape_len(char e, int caseless)
{
	(void)caseless;
	if (!is_alnum((unsigned char)e))
		return 1; /* an escaped ASCII symbol */
	if (strchr("dwscefnrta", e))
		return 1;
	if (strchr("bBAzZGK", e))
		return 0;
	if (strchr("DWShHvVNpPxo", e))
		return 4;
	if (e == 'R')
		return 3;
	return LEN_INF; /* back references, \X, \Q...: not read */
}

static size_t class_len(const char *p, size_t i, size_t end, int caseless)
{
	if (end < i + 3 || p[end - 1] != ']' || p[i + 1] == '^')
		return 4;
	int letters = 0;
	for (size_t k = i + 1; k + 1 < end; k++) {
		unsigned char ch = (unsigned char)p[k];
		if (ch >= 0x80)
			return 4;
		if (ch == '\\' && k + 2 < end) {
			k++;
			if (is_alnum((unsigned char)p[k]) && !strchr("dws", p[k]))
				return 4;
		}
		letters |= ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
	}
	return caseless && letters ? 4 : 1;
}


static size_t group_len(const char *p, size_t i, size_t end, int caseless)
{
	size_t inner = i + 1, close = end - 1;
	if (p[end - 1] != ')')
		return LEN_INF;
	if (inner < close && p[inner] == '*')
		return LEN_INF; /* (*VERB) */
	if (inner < close && p[inner] == '?') {
		char k = inner + 1 < close ? p[inner + 1] : ')';
		if (k == '=' || k == '!' ||
		    (k == '<' && inner + 2 < close && (p[inner + 2] == '=' || p[inner + 2] == '!')))
			return 0; /* a lookaround takes no bytes */
		if (k == ':' || k == '|')
			inner += 2;
		else if (k == '<' || k == 'P' || k == '\'') {
			const char *gt = memchr(p + inner, k == '\'' ? '\'' : '>', close - inner - 2);
			if (!gt)
				return LEN_INF;
			inner = (size_t)(gt - p) + 1;
		} else {
			size_t colon = inner + 1; /* (?i) sets options: no bytes; (?i:...) holds some */
			while (colon < close && is_alnum((unsigned char)p[colon]) && p[colon] != ':')
				colon++;
			while (colon < close && p[colon] == '-')
				colon++;
			while (colon < close && is_alnum((unsigned char)p[colon]))
				colon++;
			if (colon == close)
				return 0;
			if (p[colon] != ':')
				return LEN_INF; /* recursion, conditions, comments: not read */
			inner = colon + 1;
		}
	}
	return over_alternatives(p + inner, close - inner, caseless, 1, len_of_sequence);
}

static size_t len_of_sequence(const char *p, size_t len, int caseless)
{
	size_t total = 0;
	for (size_t i = 0; i < len && total != LEN_INF;) {
		size_t atom, next = i + 1;
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\\' && i + 1 < len) {
			atom = escape_len(p[i + 1], caseless);
			next = escape_end(p, len, i);
		} else if (ch == '[') {
			next = skip_class(p, len, i);
			atom = class_len(p, i, next, caseless);
		} else if (ch == '(') {
			next = skip_group(p, len, i);
			atom = group_len(p, i, next, caseless);
		} else if (ch == '.') {
			atom = 4;
		} else if (ch == '^' || ch == '$') {
			atom = 0;
		} else if (ch >= 0x80) { /* one character, whatever its length */
			while (next < len && ((unsigned char)p[next] & 0xC0) == 0x80)
				next++;
			atom = caseless ? 4 : next - i;
		} else {
			atom = caseless && ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ? 4 : 1;
		}
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		total = add_len(total, times_len(atom, quantifier_max(p, next, q)));
		i = next + q;
	}
	return total;
}

/* Where the inside of capturing group `n` (1 to 9) of p[0..len) starts and ends, or 0
 * when there is no such group. */
static int capturing_group(const char *p, size_t len, unsigned n, size_t *from, size_t *to)
{
	unsigned seen = 0;
	for (size_t i = 0; i < len;) {
		size_t next = skip_escape_or_class(p, len, i);
		if (next != i) {
			i = next;
			continue;
		}
		if (p[i++] != '(')
			continue;
		size_t inner = i;
		if (i < len && p[i] == '?') {
			/* named groups capture: (?<name>...), (?P<name>...), (?'name'...) */
			size_t k = i + 1 < len && p[i + 1] == 'P' ? i + 2 : i + 1;
			if (k + 1 >= len || (p[k] != '<' && p[k] != '\'') || p[k + 1] == '=' ||
			    p[k + 1] == '!')
				continue;
			const char *close = memchr(p + k + 1, p[k] == '<' ? '>' : '\'', len - k - 1);
			if (!close)
				return 0;
			inner = (size_t)(close - p) + 1;
		} else if (i < len && p[i] == '*') {
			continue; /* (*VERB) */
		}
		if (++seen == n) {
			size_t end = skip_group(p, len, i - 1);
			if (end > len || p[end - 1] != ')')
				return 0;
			*from = inner;
			*to = end - 1;
			return 1;
		}
	}
	return 0;
}

/* p[0..len) with each back reference \1 to \9 written as a non-capturing copy of its
 * group, which takes at least as many bytes as the text the reference matches again,
 * into buf: its length, or 0 when there is none or it does not fit (or a branch reset
 * (?| numbers the groups otherwise). */
static size_t inline_back_references(const char *p, size_t len, char *buf, size_t cap)
{
	size_t out = 0, refs = 0;
	for (size_t i = 0; i + 2 < len; i++)
		if (p[i] == '(' && p[i + 1] == '?' && p[i + 2] == '|')
			return 0;
	for (size_t i = 0; i < len;) {
		size_t next = skip_escape_or_class(p, len, i), from, to;
		if (next == i)
			next = i + 1;
		int ref = p[i] == '\\' && next == i + 2 && p[i + 1] >= '1' && p[i + 1] <= '9';
		if (ref && capturing_group(p, len, (unsigned)(p[i + 1] - '0'), &from, &to)) {
			if (out + 4 + (to - from) > cap)
				return 0;
			memcpy(buf + out, "(?:", 3);
			memcpy(buf + out + 3, p + from, to - from);
			out += 3 + (to - from);
			buf[out++] = ')';
			refs++;
		} else {
			if (out + (next - i) > cap)
				return 0;
			memcpy(buf + out, p + i, next - i);
			out += next - i;
		}
		i = next;
	}
	return refs ? out : 0;
}

size_t mesura_policy__regex_max_len(const char *pattern, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '\\' && pattern[++i] == 'Q')
			return LEN_INF;
	if (sets_option(pattern, len, 'x') || has_accept(pattern, len) ||
	    memchr(pattern, '#', len) /* (?#comments) and escaped #: not worth reading */)
		return LEN_INF;
	char copy[4096]; /* back references read as their groups: \d{3}([- ])\d{2}\1\d{4} */
	size_t n = inline_back_references(pattern, len, copy, sizeof copy);
	if (n)
		return over_alternatives(copy, n, sets_option(pattern, len, 'i'), 1, len_of_sequence);
	return over_alternatives(pattern, len, sets_option(pattern, len, 'i'), 1, len_of_sequence);
}

/* ------------------------------------------------------------ digit lead */


/* The lead of the group p[i..end), which holds a digit in every match (group_digits). */
static size_t group_lead(const char *p, size_t i, size_t end, int caseless)
{
	size_t inner = i + 1, close = end - 1;
	if (inner < close && p[inner] == '?') {
		const char *gt = p[inner + 1] == ':' ? p + inner + 1 : memchr(p + inner, '>', close - inner);
		if (!gt)
			return LEN_INF;
		inner = (size_t)(gt - p) + 1;
	}
	return over_alternatives(p + inner, close - inner, caseless, 1, lead_of_sequence);
}

/* The most bytes a match of the sequence p[0..len) can take before its first ASCII
 * digit: what the atoms before the first one that holds a digit in every match can
 * take, plus that atom's own lead. LEN_INF when no atom holds one for sure. */
static size_t lead_of_sequence(const char *p, size_t len, int caseless)
{
	size_t before = 0;
	for (size_t i = 0; i < len && before != LEN_INF;) {
		size_t atom, next = i + 1;
		unsigned long d = 0;
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\\' && i + 1 < len) {
			d = p[i + 1] == 'd' ? 1 : 0;
			atom = escape_len(p[i + 1], caseless);
			next = escape_end(p, len, i);
		} else if (ch == '[') {
			next = skip_class(p, len, i);
			d = (unsigned long)class_is_digits(p, i, next);
			atom = class_len(p, i, next, caseless);
		} else if (ch == '(') {
			next = skip_group(p, len, i);
			d = next <= len && p[next - 1] == ')' ? group_digits(p, i, next) : 0;
			atom = group_len(p, i, next, caseless);
		} else if (ch == '.' || ch >= 0x80) {
			atom = 4;
			while (ch >= 0x80 && next < len && ((unsigned char)p[next] & 0xC0) == 0x80)
				next++;
		} else if (ch == '^' || ch == '$') {
			atom = 0;
		} else {
			d = is_digit(p[i]) ? 1 : 0;
			atom = caseless && ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ? 4 : 1;
		}
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		if (d > 0 && min > 0)
			return add_len(before, ch == '(' ? group_lead(p, i, next, caseless) : 0);
		before = add_len(before, times_len(atom, quantifier_max(p, next, q)));
		i = next + q;
	}
	return LEN_INF;
}

size_t mesura_policy__regex_digit_lead(const char *pattern, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '\\' && (pattern[++i] == 'Q' || pattern[i] == 'K'))
			return LEN_INF; /* quoting; \K, which moves the start of the match */
	if (sets_option(pattern, len, 'x') || has_accept(pattern, len) || memchr(pattern, '#', len))
		return LEN_INF;
	return over_alternatives(pattern, len, sets_option(pattern, len, 'i'), 1, lead_of_sequence);
}

/* ------------------------------------------------------------ start literals */

/* A set of literals one of which every match starts with, read off the pattern: the
 * literal text at the start of each alternative, after the zero-width assertions in
 * front of it (lookarounds, \b, ^), through groups, small classes ([''’]) and
 * optional atoms, cut at the first thing that is not literal text (\s+, \pL, a large
 * class, a repeat). A literal cut shorter is still one that every match through it
 * starts with: when a set grows too large or a group nests too deep, the reading cuts
 * there; only what it does not know (\Q, verbs, conditions, recursion, (?x)) makes it
 * give up, as does a literal cut to nothing. The literals are where an attempt starts:
 * a \K after them moves the start of the match it reports, and the scanner tries the
 * regex from where each literal is, as a search from every offset would. */

#define STARTS_MAX 96  /* literals in a set at most (more: the reading cuts there) */
#define START_LEN 16   /* bytes of one at most (a longer one is cut: only less rare) */
#define STARTS_DEPTH 4 /* groups read inside groups (deeper ones cut the literals) */

typedef struct {
	unsigned char len, open; /* open: the literal text of the pattern goes on after it */
	char s[START_LEN];
} start_literal;

typedef struct {
	start_literal lit[STARTS_MAX];
	size_t n;
} start_set;

typedef struct {
	int caseless; /* (?i) somewhere: a non-ASCII character cuts the literals (it may
	               * match its other case, which an ASCII-caseless search misses) */
	int cut_ks;   /* and the view keeps the Kelvin sign and the long s, which match k
	               * and s caselessly: those cut too */
	int unsure;   /* the reading met something it does not know: no literals */
} start_reading;

/* Adds a literal unless there (0 when the set is full). */
static int add_start(start_set *set, const char *s, size_t n, int open)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->lit[i].len == n && set->lit[i].open == open && memcmp(set->lit[i].s, s, n) == 0)
			return 1;
	if (set->n == STARTS_MAX)
		return 0;
	start_literal *l = &set->lit[set->n++];
	l->len = (unsigned char)n;
	l->open = (unsigned char)open;
	memcpy(l->s, s, n);
	return 1;
}

/* The set of one cut: the empty literal, closed (the atom is not literal text). */
static void cut_set(start_set *set)
{
	set->n = 0;
	add_start(set, "", 0, 0);
}

static int any_open(const start_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->lit[i].open)
			return 1;
	return 0;
}

static int read_start_alternatives(start_reading *r, const char *p, size_t len, start_set *out,
                                   int depth);

/* The characters of the class p[i..end) as literals, when it is a short list of
 * characters ("[''’]", "[sz]"): no range, no escape but of punctuation, no negation. */
static void class_starts(const start_reading *r, const char *p, size_t i, size_t end,
                         start_set *set)
{
	set->n = 0;
	if (end < i + 3 || p[end - 1] != ']' || p[i + 1] == '^')
		goto cut;
	for (size_t k = i + 1, last = end - 1; k < last;) {
		unsigned char ch = (unsigned char)p[k];
		size_t n = 1;
		if (ch == '\\') {
			if (k + 1 >= last || is_alnum((unsigned char)p[k + 1]) ||
			    (unsigned char)p[k + 1] >= 0x80)
				goto cut;
			k++;
			ch = (unsigned char)p[k];
		} else if (ch >= 0x80) {
			while (k + n < last && ((unsigned char)p[k + n] & 0xC0) == 0x80)
				n++;
			if (r->caseless)
				goto cut;
		} else if (ch == '[' || (ch == '-' && k > i + 1 && k + 1 < last)) {
			goto cut; /* a POSIX class, a range */
		}
		if (k + n < last && p[k + n] == '-' && k + n + 1 < last)
			goto cut; /* a range */
		if (r->cut_ks && strchr("kKsS", (char)ch))
			goto cut;
		if (set->n == 4 || !add_start(set, p + k, n, 1))
			goto cut;
		k += n;
	}
	return;
cut:
	cut_set(set);
}

/* The group p[i..end) (p[i] == '('): its alternatives' literals in `set`, or *zero when
 * it takes no bytes (a lookaround, an option setting). */
static void group_starts(start_reading *r, const char *p, size_t i, size_t end, start_set *set,
                         int *zero, int depth)
{
	size_t inner = i + 1, close = end - 1;
	if (end <= i + 1 || p[close] != ')' || (inner < close && p[inner] == '*')) {
		r->unsure = 1; /* unbalanced; (*VERB) */
		return;
	}
	if (inner < close && p[inner] == '?') {
		char k = inner + 1 < close ? p[inner + 1] : ')';
		if (k == '=' || k == '!' ||
		    (k == '<' && inner + 2 < close && (p[inner + 2] == '=' || p[inner + 2] == '!'))) {
			*zero = 1; /* a lookaround */
			return;
		}
		if (k == ':' || k == '>' || k == '|') {
			inner += 2;
		} else if (k == '<' || k == '\'' || (k == 'P' && inner + 2 < close && p[inner + 2] == '<')) {
			size_t name = inner + (k == 'P' ? 3 : 2); /* (?<n>, (?'n', (?P<n> */
			const char *gt = name < close ? memchr(p + name, k == '\'' ? '\'' : '>', close - name)
			                              : NULL;
			if (!gt) {
				r->unsure = 1;
				return;
			}
			inner = (size_t)(gt - p) + 1; /* a named group */
		} else {
			size_t k2 = inner + 1; /* an option setting: (?i), (?-i), (?^), (?i:...) */
			while (k2 < close && p[k2] && strchr("imnsxJU-^", p[k2]))
				k2++;
			if (k2 == close) {
				*zero = 1;
				return;
			}
			if (p[k2] != ':' || k2 == inner + 1) {
				r->unsure = 1; /* conditions, recursion, comments, callouts */
				return;
			}
			inner = k2 + 1;
		}
	}
	if (depth >= STARTS_DEPTH || !read_start_alternatives(r, p + inner, close - inner, set, depth + 1))
		cut_set(set);
}

/* The atom at p[i]: its literals in `set` (a cut when it is not literal text), or
 * *zero when it takes no bytes. Returns the index after it. */
static size_t atom_starts(start_reading *r, const char *p, size_t len, size_t i, start_set *set,
                          int *zero, int depth)
{
	unsigned char ch = (unsigned char)p[i];
	size_t next = i + 1;
	*zero = 0;
	set->n = 0;
	if (ch == '\\') {
		next = escape_end(p, len, i);
		char e = i + 1 < len ? p[i + 1] : '\\';
		if (strchr("bBAGzZK", e))
			*zero = 1; /* \K too: it moves the start of the match reported, not of the
			            * attempt, which is what the literals say */
		else if (strchr("QE", e))
			r->unsure = 1;
		else if (!is_alnum((unsigned char)e) && (unsigned char)e >= 0x20 && (unsigned char)e < 0x7f)
			add_start(set, &p[i + 1], 1, 1); /* escaped punctuation */
		else
			cut_set(set);
	} else if (ch == '[') {
		next = skip_class(p, len, i);
		class_starts(r, p, i, next, set);
	} else if (ch == '(') {
		next = skip_group(p, len, i);
		group_starts(r, p, i, next, set, zero, depth);
	} else if (ch == '^' || ch == '$') {
		*zero = 1;
	} else if (ch == '.' || ch == '{') {
		cut_set(set);
	} else if (ch == '|' || ch == ')' || ch == '*' || ch == '+' || ch == '?') {
		r->unsure = 1; /* not an atom: the reading went astray */
	} else if (ch >= 0x80) {
		while (next < len && ((unsigned char)p[next] & 0xC0) == 0x80)
			next++;
		if (r->caseless)
			cut_set(set);
		else
			add_start(set, p + i, next - i, 1);
	} else if (r->cut_ks && strchr("kKsS", (char)ch)) {
		cut_set(set);
	} else {
		add_start(set, p + i, 1, 1);
	}
	return next;
}

/* The set `cur` followed by an atom of literals `atom` repeated min to max times: each
 * open literal goes on with each of the atom's (and stays as it is when the atom may
 * be absent), and stays open after only when the atom is there once at most. Cuts
 * there (closes them all) when that makes too many. */
static void extend_starts(start_set *cur, const start_set *atom, unsigned long min,
                          unsigned long max)
{
	start_set next;
	int fits = 1;
	next.n = 0;
	for (size_t i = 0; i < cur->n && fits; i++) {
		const start_literal *e = &cur->lit[i];
		if (!e->open || min == 0)
			fits = add_start(&next, e->s, e->len, e->open);
		for (size_t k = 0; e->open && k < atom->n && fits; k++) {
			const start_literal *a = &atom->lit[k];
			char joined[2 * START_LEN];
			size_t n = (size_t)e->len + a->len;
			memcpy(joined, e->s, e->len);
			memcpy(joined + e->len, a->s, a->len);
			fits = add_start(&next, joined, n < START_LEN ? n : START_LEN,
			                 a->open && max == 1 && n < START_LEN);
		}
	}
	if (fits) {
		*cur = next;
		return;
	}
	for (size_t i = 0; i < cur->n; i++)
		cur->lit[i].open = 0;
}

/* The literals of the sequence p[0..len) (no top-level '|'), going on from `cur`. */
static void read_start_sequence(start_reading *r, const char *p, size_t len, start_set *cur,
                                int depth)
{
	for (size_t i = 0; i < len && !r->unsure && any_open(cur);) {
		start_set atom;
		int zero;
		size_t next = atom_starts(r, p, len, i, &atom, &zero, depth);
		unsigned long min = 1;
		size_t q = quantifier(p, len, next, &min);
		unsigned long max = quantifier_max(p, next, q);
		i = next + q;
		if (!zero && max > 0 && !r->unsure)
			extend_starts(cur, &atom, min, max);
	}
}

/* The literals of the alternatives of p[0..len), in `out`: 0 when too many. */
static int read_start_alternatives(start_reading *r, const char *p, size_t len, start_set *out,
                                   int depth)
{
	out->n = 0;
	for (size_t i = 0, start = 0; i <= len && !r->unsure;) {
		i = next_of(p, len, i, '\\', '[', '(', '|');
		if (i >= len || p[i] == '|') {
			start_set one;
			one.n = 0;
			add_start(&one, "", 0, 1);
			read_start_sequence(r, p + start, (i < len ? i : len) - start, &one, depth);
			for (size_t k = 0; k < one.n; k++)
				if (!add_start(out, one.lit[k].s, one.lit[k].len, one.lit[k].open))
					return 0;
			start = ++i;
			continue;
		}
		i = p[i] == '\\' ? i + 2 : p[i] == '[' ? skip_class(p, len, i) : skip_group(p, len, i);
	}
	return 1;
}

size_t mesura_policy__regex_starts(const char *p, size_t len, int view_folds_ks,
                                   void (*run)(const char *s, size_t n, void *payload),
                                   void *payload)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (p[i] == '\\' && (p[++i] == 'Q' || p[i] == 'E'))
			return 0; /* quoting */
	if (sets_option(p, len, 'x') || has_accept(p, len))
		return 0;
	start_reading r = {sets_option(p, len, 'i'), 0, 0};
	r.cut_ks = r.caseless && !view_folds_ks;
	start_set all;
	if (!read_start_alternatives(&r, p, len, &all, 0) || r.unsure)
		return 0;
	size_t kept = 0;
	for (size_t i = 0; i < all.n; i++) {
		if (all.lit[i].len == 0)
			return 0; /* some match may start with anything */
		for (size_t k = 0; k < all.lit[i].len; k++)
			if (ascii_is_letter((unsigned char)all.lit[i].s[k]))
				all.lit[i].s[k] |= 0x20;
	}
	/* a literal that starts with another adds no start: only the shorter is searched */
	for (size_t i = 0; i < all.n; i++) {
		int redundant = 0;
		for (size_t k = 0; k < all.n && !redundant; k++)
			redundant = k != i && all.lit[k].len <= all.lit[i].len &&
			            memcmp(all.lit[i].s, all.lit[k].s, all.lit[k].len) == 0 &&
			            (all.lit[k].len < all.lit[i].len || k < i);
		if (!redundant) {
			kept++;
			if (run)
				run(all.lit[i].s, all.lit[i].len, payload);
		}
	}
	return kept;
}

/* ------------------------------------------------------------ heads and lookbehinds */

/* The bytes every match starts with, one set per byte (its HEAD), and the texts that
 * its leading negative lookbehinds refuse right before it: the scanner reads them at an
 * offset before it tries a regex there (near digits, at start literals). A simple
 * reading, cut (shorter, still true) where an atom may take more or fewer bytes than
 * one: a repeat of no fixed count, a class or a '.' that may match a character beyond
 * ASCII, a letter under (?i) (the Kelvin sign matches k), anything it does not know.
 * Without PCRE2_UCP (never set: a pattern asking for it with (*UCP) is not read), \d \w
 * \s are ASCII. */

typedef struct {
	size_t n;                       /* bytes known */
	uint64_t set[REGEX_HEAD_MAX][4];
	int fixed;                      /* the reading went through: every match of what was
	                                 * read takes exactly n bytes */
} head_reading;

static int read_head_alternatives(const char *p, size_t len, int caseless, head_reading *out,
                                  int depth);

static void head_push(head_reading *h, const uint64_t set[4])
{
	if (h->n == REGEX_HEAD_MAX) {
		h->fixed = 0;
		return;
	}
	memcpy(h->set[h->n++], set, 4 * sizeof *set);
}

static int has_letter(const uint64_t set[4])
{
	return ((set[1] >> 1) & 0x3FFFFFF) || ((set[1] >> 33) & 0x3FFFFFF); /* 'A'-'Z', 'a'-'z' */
}

static int has_high_byte(const uint64_t set[4])
{
	return set[2] || set[3];
}

/* Whether the group p[i..end) (p[i] == '(') takes no bytes: a lookaround, or an option
 * setting such as (?i). *inner is where its alternatives start otherwise (0: a group
 * the reading does not know: conditions, recursion, callouts, comments). */
static int group_is_zero_width(const char *p, size_t i, size_t end, size_t *inner)
{
	size_t in = i + 1, close = end - 1;
	*inner = in;
	if (in < close && p[in] == '*')
		*inner = 0; /* (*VERB) */
	if (in >= close || p[in] != '?')
		return 0;
	char k = in + 1 < close ? p[in + 1] : ')';
	if (k == '=' || k == '!' || (k == '<' && in + 2 < close && (p[in + 2] == '=' || p[in + 2] == '!')))
		return 1;
	if (k == ':' || k == '>' || k == '|') {
		*inner = in + 2;
		return 0;
	}
	if (k == '<' || k == '\'' || (k == 'P' && in + 2 < close && p[in + 2] == '<')) {
		size_t name = in + (k == 'P' ? 3 : 2); /* (?<n>, (?'n', (?P<n> */
		const char *gt = name < close ? memchr(p + name, k == '\'' ? '\'' : '>', close - name) : NULL;
		*inner = gt ? (size_t)(gt - p) + 1 : 0;
		return 0;
	}
	size_t k2 = in + 1; /* (?i), (?-i), (?^): nothing; (?i:...): its inside */
	while (k2 < close && strchr("imnsxJU-^", p[k2]))
		k2++;
	if (k2 == close && k2 > in + 1)
		return 1;
	*inner = k2 < close && p[k2] == ':' && k2 > in + 1 ? k2 + 1 : 0;
	return 0;
}

/* The atom at p[i] read as a head: its bytes (h->fixed when it takes exactly h->n),
 * or *zero when it takes none. Returns the index after it. */
static size_t head_atom(const char *p, size_t len, size_t i, int caseless, head_reading *h,
                        int *zero, int depth)
{
	uint64_t set[4] = {0, 0, 0, 0};
	unsigned char ch = (unsigned char)p[i];
	size_t next = i + 1;
	int one = 0; /* set holds the bytes of one character of one byte */
	h->n = 0;
	h->fixed = 0;
	*zero = 0;
	if (ch == '\\') {
		next = escape_end(p, len, i);
		char e = i + 1 < len ? p[i + 1] : '\\';
		if (next == i + 2 && strchr("bBAzZG", e))
			*zero = 1;
		else if (next == i + 2 && strchr("dsw", e))
			one = add_class_escape(set, e);
		else if (next == i + 2 && !is_alnum((unsigned char)e) && (unsigned char)e >= 0x20 &&
		         (unsigned char)e < 0x7f) {
			add_byte(set, (unsigned char)e);
			one = 1;
		}
	} else if (ch == '[') {
		next = skip_class(p, len, i);
		one = class_bytes(p, i, next, set);
	} else if (ch == '(') {
		size_t inner;
		next = skip_group(p, len, i);
		if (next > len || p[next - 1] != ')')
			return len; /* unbalanced: ends the reading */
		if (group_is_zero_width(p, i, next, &inner))
			*zero = 1;
		else if (inner && depth < STARTS_DEPTH)
			read_head_alternatives(p + inner, next - 1 - inner, caseless, h, depth + 1);
		return next;
	} else if (ch == '^' || ch == '$') {
		*zero = 1;
	} else if (ch >= 0x80) { /* a character beyond ASCII, its bytes as they are */
		while (next < len && ((unsigned char)p[next] & 0xC0) == 0x80)
			next++;
		if (caseless)
			return next; /* its other case may take other bytes */
		h->fixed = 1;
		for (size_t k = i; k < next; k++) {
			memset(set, 0, sizeof set);
			add_byte(set, (unsigned char)p[k]);
			head_push(h, set);
		}
		return next;
	} else if (!strchr(".|)*+?{", (char)ch)) {
		add_byte(set, ch);
		one = 1;
	}
	if (!one)
		return next;
	if (caseless && has_letter(set)) { /* one byte, or a character beyond ASCII */
		fold_set(set);
		head_push(h, set);
		return next;
	}
	h->fixed = !has_high_byte(set); /* else a character of 1 to 4 bytes */
	head_push(h, set);
	return next;
}

/* Appends `atom` repeated min to max times to h, as far as its bytes are known. */
static void head_append(head_reading *h, const head_reading *atom, unsigned long min,
                        unsigned long max)
{
	for (unsigned long r = 0; r < min && h->fixed; r++) {
		for (size_t k = 0; k < atom->n && h->fixed; k++)
			head_push(h, atom->set[k]);
		h->fixed = h->fixed && atom->fixed;
	}
	if (min != max)
		h->fixed = 0;
}

/* The head of the sequence p[0..len) (no top-level '|'), going on from h. */
static void read_head_sequence(const char *p, size_t len, int caseless, head_reading *h,
                               int depth)
{
	for (size_t i = 0; i < len && h->fixed;) {
		head_reading atom;
		int zero;
		size_t next = head_atom(p, len, i, caseless, &atom, &zero, depth);
		unsigned long min = 1;
		size_t q = next < len ? quantifier(p, len, next, &min) : 0;
		unsigned long max = quantifier_max(p, next, q);
		i = next + q;
		if (!zero)
			head_append(h, &atom, min, max);
	}
}

/* The head of the alternatives of p[0..len): the bytes all of them start with, up to
 * the fewest any is known to take; fixed when each takes exactly as many. */
static int read_head_alternatives(const char *p, size_t len, int caseless, head_reading *out,
                                  int depth)
{
	size_t n = SIZE_MAX;
	int fixed = 1;
	head_reading all;
	memset(&all, 0, sizeof all);
	for (size_t i = 0, start = 0; i <= len;) {
		i = next_of(p, len, i, '\\', '[', '(', '|');
		if (i >= len || p[i] == '|') {
			head_reading one;
			one.n = 0;
			one.fixed = 1;
			read_head_sequence(p + start, (i < len ? i : len) - start, caseless, &one, depth);
			fixed = fixed && one.fixed && (n == SIZE_MAX || n == one.n);
			n = one.n < n ? one.n : n;
			for (size_t k = 0; k < n; k++)
				for (int w = 0; w < 4; w++)
					all.set[k][w] |= one.set[k][w];
			start = ++i;
			continue;
		}
		i = p[i] == '\\' ? i + 2 : p[i] == '[' ? skip_class(p, len, i) : skip_group(p, len, i);
	}
	all.n = n == SIZE_MAX ? 0 : n;
	all.fixed = fixed;
	*out = all;
	return 1;
}

/* Whether the reading of heads and lookbehinds knows the pattern: no quoting, no \K
 * (a match would not start where it is tried), no verb ((*UCP) changes \d \w \s), no
 * comment, no (?x), no (*ACCEPT). */
static int head_readable(const char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (p[i] == '\\' && (p[++i] == 'Q' || p[i] == 'E' || p[i] == 'K'))
			return 0;
	for (size_t i = 0; i + 1 < len; i++)
		if (p[i] == '(' && p[i + 1] == '*')
			return 0;
	return !memchr(p, '#', len) && !sets_option(p, len, 'x') && !has_accept(p, len);
}

size_t mesura_policy__regex_head(const char *p, size_t len, uint64_t head[][4])
{
	if (!head_readable(p, len))
		return 0;
	head_reading h;
	read_head_alternatives(p, len, sets_option(p, len, 'i'), &h, 0);
	memcpy(head, h.set, h.n * sizeof h.set[0]);
	return h.n;
}

/* The ASCII characters the class p[i..end) matches (bits of bytes below 0x80), as far
 * as the reading knows them: *exact when it knows every one (a negated class needs
 * that: its complement is what it matches). \pL and \p{L} are the ASCII letters, \pN
 * \p{N} \p{Nd} the digits; characters beyond ASCII add none. Under (?i) (`caseless`:
 * somewhere in the pattern), a negated class's letters count in both cases. */
static void class_ascii(const char *p, size_t i, size_t end, int caseless, uint64_t set[4],
                        int *exact)
{
	uint64_t in[4] = {0, 0, 0, 0};
	size_t k = i + 1, last = end - 1;
	int negated = k < last && p[k] == '^';
	*exact = end >= i + 3 && p[last] == ']';
	for (k += negated ? 1 : 0; *exact && k < last;) {
		unsigned char ch = (unsigned char)p[k];
		if (ch == '\\' && k + 1 < last) {
			size_t e_end = escape_end(p, last, k);
			char e = p[k + 1];
			const char *arg = p + k + 2;
			size_t n = e_end - k - 2;
			if (e_end == k + 2 && strchr("dswDSW", e))
				add_class_escape(in, e);
			else if (e == 'p' && ((n == 1 && arg[0] == 'L') || (n == 3 && memcmp(arg, "{L}", 3) == 0))) {
				add_range(in, 'A', 'Z');
				add_range(in, 'a', 'z');
			} else if (e == 'p' && ((n == 1 && arg[0] == 'N') || (n == 3 && memcmp(arg, "{N}", 3) == 0) ||
			                      (n == 4 && memcmp(arg, "{Nd}", 4) == 0)))
				add_class_escape(in, 'd');
			else if (e_end == k + 2 && !is_alnum((unsigned char)e) && (unsigned char)e < 0x80 &&
			         !(k + 3 < last && p[k + 2] == '-'))
				add_byte(in, (unsigned char)e);
			else
				*exact = 0;
			k = e_end;
			continue;
		}
		if (ch == '[' && k + 1 < last && p[k + 1] == ':') {
			*exact = 0; /* a POSIX class */
			break;
		}
		size_t n = 1;
		while (ch >= 0x80 && k + n < last && ((unsigned char)p[k + n] & 0xC0) == 0x80)
			n++;
		if (k + n + 1 < last && p[k + n] == '-') { /* a range */
			unsigned char hi = (unsigned char)p[k + n + 1];
			if (ch >= 0x80 || hi == '\\' || hi == '[' || hi >= 0x80)
				*exact = 0;
			else
				add_range(in, ch, hi);
			k += n + 2;
			continue;
		}
		if (ch < 0x80)
			add_byte(in, ch);
		k += n;
	}
	in[2] = in[3] = 0; /* \D \S \W: their bytes beyond ASCII are no character's */
	if (negated && caseless)
		fold_set(in);
	for (int w = 0; w < 2; w++)
		set[w] = negated ? ~in[w] : in[w];
	set[2] = set[3] = 0;
}

/* The lookbehind p[i..end) (p[i] == '(', "(?<!" ...) as a refusal: a fixed sequence of
 * single characters, each read as the ASCII ones it matches. 0 when it is not one. */
static int lookbehind_refusal(const char *p, size_t i, size_t end, int caseless,
                              regex_refusal *r)
{
	size_t k = i + 4, close = end - 1;
	r->len = 0;
	while (k < close) {
		uint64_t set[4] = {0, 0, 0, 0};
		size_t next = k + 1;
		int exact = 1;
		unsigned char ch = (unsigned char)p[k];
		if (ch == '\\') {
			next = escape_end(p, close, k);
			char e = p[k + 1];
			if (next == k + 2 && strchr("dswDSW", e))
				add_class_escape(set, e);
			else if (next == k + 2 && !is_alnum((unsigned char)e) && (unsigned char)e < 0x80)
				add_byte(set, (unsigned char)e);
			else
				return 0;
		} else if (ch == '[') {
			next = skip_class(p, close, k);
			class_ascii(p, k, next, caseless, set, &exact);
			if (!exact && p[k + 1] == '^')
				return 0;
		} else if (ch < 0x80 && !strchr(".^$|()*+?{", (char)ch)) {
			add_byte(set, ch);
		} else {
			return 0; /* a group, an anchor, a character beyond ASCII... */
		}
		set[2] = set[3] = 0;
		unsigned long min = 1;
		size_t q = quantifier(p, close, next, &min);
		if (q && quantifier_max(p, next, q) != min)
			return 0;
		for (unsigned long m = q ? min : 1; m > 0; m--) {
			if (r->len == REFUSAL_MAX)
				return 0;
			memcpy(r->set[r->len++], set, sizeof set);
		}
		k = next + q;
	}
	return r->len > 0;
}

size_t mesura_policy__regex_refusals(const char *p, size_t len, regex_refusal *out, size_t cap)
{
	size_t n = 0;
	if (!head_readable(p, len) || !is_sequence(p, len))
		return 0;
	int caseless = sets_option(p, len, 'i'), boundary = 0;
	for (size_t i = 0; i < len;) { /* the atoms before the first that takes bytes */
		size_t inner, next;
		if (p[i] == '\\' && i + 1 < len && strchr("bBAG", p[i + 1])) {
			boundary |= p[i + 1] == 'b';
			i += 2;
			continue;
		}
		if (p[i] == '^') {
			i++;
			continue;
		}
		if (p[i] != '(')
			break;
		next = skip_group(p, len, i);
		if (next > len || p[next - 1] != ')' || !group_is_zero_width(p, i, next, &inner))
			break;
		unsigned long min = 1;
		if (quantifier(p, len, next, &min))
			break; /* a repeated assertion: not read */
		if (next - i > 5 && p[i + 2] == '<' && p[i + 3] == '!' && n < cap &&
		    lookbehind_refusal(p, i, next, caseless, &out[n]))
			n++;
		i = next;
	}
	/* \b before a word character (ASCII \w, without UCP) refuses one right before it */
	uint64_t head[REGEX_HEAD_MAX][4], word[4] = {0, 0, 0, 0};
	add_class_escape(word, 'w');
	if (boundary && n < cap && mesura_policy__regex_head(p, len, head) > 0 &&
	    (head[0][0] & ~word[0]) == 0 && (head[0][1] & ~word[1]) == 0 && !has_high_byte(head[0])) {
		out[n].len = 1;
		memcpy(out[n].set[0], word, sizeof word);
		n++;
	}
	return n;
}

/* ------------------------------------------------------------ prefilter */

static void set_bit(uint64_t *bits, unsigned byte)
{
	bits[byte >> 6] |= (uint64_t)1 << (byte & 63);
}

typedef struct {
	regex_prefilter *pre;
	int caseless;
	int unfolded_ks; /* caseless on a view without NFKC: see on_literal */
	char longest[256];
	size_t longest_len;
} literal_scan;

/* Bytes a lookaround needs in the view: no keyword (the match itself need not hold
 * them), only the bytes the prefilter checks. */
static void on_lookaround_literal(const char *s, size_t n, void *payload)
{
	literal_scan *ls = payload;
	for (size_t i = 0; i < n; i++)
		if (!ls->caseless || !ascii_is_letter((unsigned char)s[i]))
			set_bit(ls->pre->all_of, (unsigned char)s[i]);
}

static void on_literal(const char *s, size_t n, void *payload)
{
	literal_scan *ls = payload;
	for (size_t i = 0; i < n; i++)
		if (!ls->caseless || !ascii_is_letter((unsigned char)s[i]))
			set_bit(ls->pre->all_of, (unsigned char)s[i]);
	/* Caseless, 'k' and 's' also match the Kelvin sign and the long s (U+212A, U+017F),
	 * which the ASCII keyword automaton does not fold: on a view without NFKC (which
	 * maps them to k and s) the keyword is taken from the pieces between them. */
	for (size_t i = 0, from = 0; i <= n; i++) {
		if (i < n && !(ls->unfolded_ks && strchr("kKsS", s[i])))
			continue;
		if (i - from > ls->longest_len) {
			memcpy(ls->longest, s + from, i - from);
			ls->longest_len = i - from;
		}
		from = i + 1;
	}
}

/* The bytes that can start a match, from PCRE2's own analysis. A letter may start a
 * caseless match in either case, or as a non-ASCII character that folds to it (the
 * Kelvin sign for 'k'): allow those too rather than ask PCRE2 which case it meant. */
static void first_bytes(regex_prefilter *pre, const pcre2_code *code)
{
	uint32_t type = 0, unit = 0;
	const uint8_t *bitmap = NULL;
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type);
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap);
	memset(pre->any_of, 0xFF, sizeof pre->any_of);
	if (type == 1) {
		pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		memset(pre->any_of, 0, sizeof pre->any_of);
		set_bit(pre->any_of, unit & 0xFF);
		if (ascii_is_letter((unsigned char)unit)) {
			set_bit(pre->any_of, (unit & 0xFF) ^ 0x20);
			for (unsigned b = 0xC0; b < 0x100; b++)
				set_bit(pre->any_of, b);
		}
	} else if (type == 0 && bitmap) {
		for (unsigned b = 0; b < 256; b++)
			if (bitmap[b >> 3] & (1u << (b & 7)))
				set_bit(pre->any_of, b);
			else
				pre->any_of[b >> 6] &= ~((uint64_t)1 << (b & 63));
	}
}

static int add_keyword(compiler *c, policy_cond *x, const char *s, size_t n)
{
	char *k = mesura_arena__alloc(&c->policy->arena, n + 1);
	const char **list = mesura_arena__alloc(&c->policy->arena,
	                                        (x->n_keywords + 1) * sizeof *list);
	if (!k || !list) {
		c->failed_alloc = 1;
		return MESURA_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (char)ascii_lower((unsigned char)s[i]);
	k[n] = '\0';
	if (x->n_keywords)
		memcpy(list, x->keywords, x->n_keywords * sizeof *list);
	list[x->n_keywords++] = k;
	x->keywords = list;
	x->pre.has_keywords = 1;
	return MESURA_OK;
}

static void declared_keywords(compiler *c, policy_cond *x, const ynode *keywords)
{
	size_t old = mesura_policy__path_push(c, ".keywords");
	size_t n = keywords->kind == YNODE_SEQUENCE ? keywords->n_items : 1;
	for (size_t i = 0; i < n; i++) {
		const ynode *k = keywords->kind == YNODE_SEQUENCE ? keywords->items[i] : keywords;
		if (!mesura_policy__is_scalar(k) || k->len == 0 || memchr(k->text, '\0', k->len))
			cerror(c, k, "a keyword is a non-empty text");
		else
			add_keyword(c, x, k->text, k->len);
	}
	if (n == 0)
		cerror(c, keywords, "the list of keywords is empty");
	mesura_policy__path_pop(c, old);
}

/* ------------------------------------------------------------ keywords of alternatives */

#define ALTERNATIVES_MAX 64 /* alternatives of a group read for keywords at most */
#define PIECE_MAX 32        /* bytes of such a keyword at most (a longer one is cut) */

/* The longest literal of an alternative (the last of the longest), cut at k and s when
 * the view keeps the Kelvin sign and the long s (see on_literal). */
typedef struct {
	int unfolded_ks;
	char s[PIECE_MAX];
	size_t len;
} longest_piece;

static void on_piece(const char *s, size_t n, void *payload)
{
	longest_piece *l = payload;
	for (size_t i = 0, from = 0; i <= n; i++) {
		if (i < n && !(l->unfolded_ks && strchr("kKsS", s[i])))
			continue;
		size_t len = i - from < PIECE_MAX ? i - from : PIECE_MAX;
		if (len > 0 && len >= l->len) {
			memcpy(l->s, s + from, len);
			l->len = len;
		}
		from = i + 1;
	}
}

/* The keywords of the group whose alternatives are p[0..len): each one's longest
 * literal, when every one has one of `min` bytes or more; their number, or 0. */
static size_t group_keywords(const char *p, size_t len, int unfolded_ks, size_t min,
                             void (*run)(const char *s, size_t n, void *payload), void *payload)
{
	longest_piece alt[ALTERNATIVES_MAX];
	size_t n = 0;
	for (size_t i = 0, start = 0; i <= len;) {
		i = next_of(p, len, i, '\\', '[', '(', '|');
		if (i >= len || p[i] == '|') {
			if (n == ALTERNATIVES_MAX)
				return 0;
			alt[n].unfolded_ks = unfolded_ks;
			alt[n].len = 0;
			mesura_policy__regex_literals(p + start, (i < len ? i : len) - start, on_piece, &alt[n]);
			if (alt[n++].len < min)
				return 0;
			start = ++i;
			continue;
		}
		i = p[i] == '\\' ? i + 2 : p[i] == '[' ? skip_class(p, len, i) : skip_group(p, len, i);
	}
	for (size_t k = 0; k < n && run; k++)
		run(alt[k].s, alt[k].len, payload);
	return n;
}

size_t mesura_policy__regex_alternative_keywords(const char *p, size_t len, int unfolded_ks,
                                                size_t min,
                                                void (*run)(const char *s, size_t n, void *payload),
                                                void *payload)
{
	if (!is_sequence(p, len) || sets_option(p, len, 'x') || has_accept(p, len))
		return 0;
	for (size_t i = 0; i < len;) {
		size_t next = p[i] == '(' ? skip_group(p, len, i) : skip_escape_or_class(p, len, i), inner;
		if (next == i)
			next = i + 1;
		unsigned long min_repeat = 1;
		size_t q = quantifier(p, len, next, &min_repeat);
		if (p[i] == '(' && next <= len && p[next - 1] == ')' && min_repeat > 0 &&
		    !group_is_zero_width(p, i, next, &inner) && inner) {
			size_t n = group_keywords(p + inner, next - 1 - inner, unfolded_ks, min, NULL, NULL);
			if (n)
				return group_keywords(p + inner, next - 1 - inner, unfolded_ks, min, run, payload);
		}
		i = next + q;
	}
	return 0;
}

typedef struct {
	compiler *c;
	policy_cond *x;
} keyword_list;

static void on_alternative_keyword(const char *s, size_t n, void *payload)
{
	keyword_list *l = payload;
	add_keyword(l->c, l->x, s, n);
}

static void build_prefilter(compiler *c, policy_cond *x, const ynode *regex,
                            const ynode *keywords)
{
	uint32_t options = 0;
	size_t min_len = 0;
	pcre2_pattern_info(x->regex, PCRE2_INFO_ALLOPTIONS, &options);
	pcre2_pattern_info(x->regex, PCRE2_INFO_MINLENGTH, &min_len);
	x->pre.min_len = min_len;
	x->pre.min_digits = mesura_policy__regex_min_digits(regex->text, regex->len);
	x->pre.min_digit_run = min_digit_run_given(regex->text, regex->len, x->pre.min_digits);
	x->pre.max_len = mesura_policy__regex_max_len(regex->text, regex->len);
	x->pre.digit_lead = mesura_policy__regex_digit_lead(regex->text, regex->len);
	first_bytes(&x->pre, x->regex);
	int caseless = (options & PCRE2_CASELESS) || sets_option(regex->text, regex->len, 'i');
	x->pre.min_capital_run =
	    caseless ? 0 : mesura_policy__regex_min_capital_run(regex->text, regex->len);
	mesura_policy__regex_class_run(regex->text, regex->len, &x->pre.class_run,
	                               x->pre.class_run_set);
	if (x->pre.class_run < MIN_CLASS_RUN || x->pre.digit_lead != SIZE_MAX ||
	    (caseless && !sets_option(regex->text, regex->len, 'i')))
		x->pre.class_run = 0; /* too short to rule posts out; tried near digits anyway
		                       * (a few anchored tries cost less than the check); or
		                       * caseless by an option the reading does not see */
	int nfkc = (x->normalize & (MESURA_NORM_NFKC | MESURA_NORM_NFKD)) != 0;
	literal_scan ls = {&x->pre, caseless, caseless && !nfkc, "", 0};
	mesura_policy__regex_literals(regex->text, regex->len, on_literal, &ls);
	mesura_policy__regex_lookaround_literals(regex->text, regex->len, on_lookaround_literal, &ls);
	if (keywords)
		declared_keywords(c, x, keywords);
	else if (ls.longest_len >= MIN_DERIVED_KEYWORD)
		add_keyword(c, x, ls.longest, ls.longest_len);
	else /* one of a group's alternatives: "@\\w+\\s+(?:idiota|imb[eé]cil|...)" */
		mesura_policy__regex_alternative_keywords(regex->text, regex->len, ls.unfolded_ks,
		                                          MIN_DERIVED_KEYWORD, on_alternative_keyword,
		                                          &(keyword_list){c, x});
}

typedef struct {
	compiler *c;
	policy_cond *x;
	size_t n; /* the reading's count, known before the calls */
} start_list;

static void on_start(const char *s, size_t n, void *payload)
{
	start_list *l = payload;
	mesura_arena *arena = &l->c->policy->arena;
	policy_cond *x = l->x;
	if (!x->starts) {
		x->starts = mesura_arena__alloc(arena, l->n * sizeof *x->starts);
		x->start_lens = mesura_arena__alloc(arena, l->n * sizeof *x->start_lens);
	}
	char *copy = mesura_arena__alloc(arena, n);
	if (!x->starts || !x->start_lens || !copy) {
		l->c->failed_alloc = 1;
		return;
	}
	memcpy(copy, s, n);
	x->starts[x->n_starts] = copy;
	x->start_lens[x->n_starts++] = n;
}

/* Puts the start literals in the order of their first bytes, with the index of each
 * byte's first one, and lists their first two bytes with bit 0x20 set (the scanner
 * compares ASCII letters caselessly); none when there are more than START_PAIRS. */
static void bucket_starts(compiler *c, policy_cond *x)
{
	uint16_t *bucket = mesura_arena__alloc(&c->policy->arena, 257 * sizeof *bucket);
	if (!bucket) {
		c->failed_alloc = 1;
		x->n_starts = 0;
		return;
	}
	for (size_t i = 1; i < x->n_starts; i++) { /* few: an insertion sort, stable */
		const char *s = x->starts[i];
		size_t n = x->start_lens[i], j = i;
		for (; j > 0 && (unsigned char)x->starts[j - 1][0] > (unsigned char)s[0]; j--) {
			x->starts[j] = x->starts[j - 1];
			x->start_lens[j] = x->start_lens[j - 1];
		}
		x->starts[j] = s;
		x->start_lens[j] = n;
	}
	for (unsigned b = 0, i = 0; b < 257; b++) {
		while (i < x->n_starts && (unsigned char)x->starts[i][0] < b)
			i++;
		bucket[b] = (uint16_t)i;
	}
	x->n_start_pairs = 0;
	for (size_t i = 0; i < x->n_starts && x->n_start_pairs != SIZE_MAX; i++) {
		unsigned char pair[2] = {(unsigned char)x->starts[i][0] | 0x20, 0};
		if (x->start_lens[i] > 1)
			pair[1] = (unsigned char)x->starts[i][1] | 0x20;
		size_t k = 0;
		while (k < x->n_start_pairs && memcmp(x->start_pairs[k], pair, 2) != 0)
			k++;
		if (k == x->n_start_pairs && k < START_PAIRS)
			memcpy(x->start_pairs[x->n_start_pairs++], pair, 2);
		else if (k == START_PAIRS)
			x->n_start_pairs = SIZE_MAX; /* too many */
	}
	if (x->n_start_pairs == SIZE_MAX)
		x->n_start_pairs = 0;
	x->start_bucket = bucket;
}

/* Whether PCRE2 finds where a match may start a chunk of text at a time itself: a
 * first code unit, the start of a line, or a start bitmap of two bytes at most (its JIT
 * looks for up to two with SIMD; for more, it tests each byte against the bitmap and
 * runs the pattern's lookbehinds and alternation at most of them). */
static int pcre2_skips_fast(const pcre2_code *code)
{
	uint32_t type = 0;
	const uint8_t *bitmap = NULL;
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type);
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap);
	if (type != 0)
		return 1;
	size_t bytes = 0;
	for (unsigned b = 0; bitmap && b < 256; b++)
		bytes += (bitmap[b >> 3] >> (b & 7)) & 1;
	return bitmap && bytes <= 2;
}

/* The literals every match starts with (mesura_policy__regex_starts), when the pattern
 * says: the scanner then runs the regex only from where one of them is. Not
 * for a regex tried near digits (at few places already), nor for one whose starts
 * PCRE2 finds fast itself, nor when they begin with more than START_PAIRS different
 * pairs of bytes (a scan for that many would cost about what PCRE2's bitmap does). */
static void find_starts(compiler *c, policy_cond *x, const ynode *regex)
{
	int folds_ks = (x->normalize & (MESURA_NORM_NFKC | MESURA_NORM_NFKD)) != 0;
	start_list l = {c, x, 0};
	if (x->pre.digit_lead != SIZE_MAX || pcre2_skips_fast(x->regex))
		return;
	l.n = mesura_policy__regex_starts(regex->text, regex->len, folds_ks, NULL, NULL);
	if (l.n)
		mesura_policy__regex_starts(regex->text, regex->len, folds_ks, on_start, &l);
	if (x->n_starts == l.n && l.n)
		bucket_starts(c, x);
	if (x->n_starts != l.n || x->n_start_pairs == 0)
		x->n_starts = 0;
}

/* The head and the leading lookbehinds of a leaf tried at offsets the scanner picks
 * (near digits; at start literals, the lookbehinds only): read there before PCRE2 runs,
 * they rule most offsets out for a few bit tests (a digit inside a number, a letter
 * that cannot start the match). */
static void find_head_and_refusals(compiler *c, policy_cond *x, const ynode *regex)
{
	uint64_t head[REGEX_HEAD_MAX][4];
	regex_refusal refusals[REFUSALS_MAX];
	if (!x->anchored && !x->n_starts)
		return;
	size_t n = x->anchored ? mesura_policy__regex_head(regex->text, regex->len, head) : 0;
	size_t r = mesura_policy__regex_refusals(regex->text, regex->len, refusals, REFUSALS_MAX);
	if (n) {
		uint64_t (*copy)[4] = mesura_arena__alloc(&c->policy->arena, n * sizeof *copy);
		c->failed_alloc |= !copy;
		if (copy) {
			memcpy(copy, head, n * sizeof *copy);
			x->head = (const uint64_t(*)[4])copy;
			x->head_len = n;
		}
	}
	if (r) {
		regex_refusal *copy = mesura_arena__alloc(&c->policy->arena, r * sizeof *copy);
		c->failed_alloc |= !copy;
		if (copy) {
			memcpy(copy, refusals, r * sizeof *copy);
			x->refusals = copy;
			x->n_refusals = r;
		}
	}
}

/* ------------------------------------------------------------ compiling */

/* Column of byte `offset` of a regex written as the scalar node n: exact for plain and
 * single-quoted scalars without escapes, the scalar's start otherwise. */
static unsigned regex_column(const ynode *n, const char *source, size_t source_len,
                             size_t offset)
{
	if (n->line == 0 || n->offset >= source_len)
		return n->line ? n->column : 1;
	const char *at = source + n->offset;
	int quoted = *at == '\'';
	if (!n->plain && !quoted)
		return n->column;
	if (quoted && strstr(n->text, "'"))
		return n->column;
	unsigned col = n->column + (unsigned)quoted;
	for (size_t i = 0; i < offset && i < n->len; i++)
		col += ((unsigned char)n->text[i] & 0xC0) != 0x80;
	return col;
}

/* Whether the JIT compiled `code` (then pcre2_jit_match, without pcre2_match's checks,
 * runs it). */
static int is_jit(const pcre2_code *code)
{
	size_t size = 0;
	return pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &size) == 0 && size > 0;
}

static pcre2_code *compile_pattern(compiler *c, const ynode *re, uint32_t options)
{
	int err;
	PCRE2_SIZE erroffset;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re->text, re->len,
	                                 PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | options, &err,
	                                 &erroffset, c->pcre_compile);
	if (code) {
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
		size_t jit_size = 0; /* JIT code is not allocated through the policy's allocator */
		pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jit_size);
		if (mesura_policy__budget_charge(c->policy, jit_size))
			return code;
		pcre2_code_free(code);
		c->failed_alloc = 1;
		return NULL;
	}
	if (err == PCRE2_ERROR_NOMEMORY || err == PCRE2_ERROR_HEAPLIMIT ||
	    err == PCRE2_ERROR_HEAP_FAILED) {
		c->failed_alloc = 1;
		return NULL;
	}
	PCRE2_UCHAR msg[160];
	pcre2_get_error_message(err, msg, sizeof msg);
	mesura_diag_at at = {c->path, c->rule_id, re->offset, re->line,
	                     regex_column(re, c->source, c->source_len, erroffset)};
	mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, MESURA_ESYNTAX, &at,
	                    "%s at offset %zu of the regex", (const char *)msg, (size_t)erroffset);
	return NULL;
}

/* Whether the validator named at the start of `v` ("luhn>=3") takes a parameter. */
static int validator_takes_param(const ynode *v)
{
	const mesura_validator *named =
	    mesura_match__validator_find(v->text, strcspn(v->text, " >="));
	return !named || mesura_match__validator_takes_param(named);
}

static void compile_validator(compiler *c, policy_cond *x, const ynode *v)
{
	size_t old = mesura_policy__path_push(c, ".validate");
	if (!mesura_policy__is_scalar(v)) {
		cerror(c, v, "validate must be a validator name");
	} else {
		int rc = mesura_match__validator_parse(v->text, v->len, &x->validator,
		                                       &x->validator_param);
		const char *near = rc == -1 ? mesura_match__validator_suggest(v->text, v->len) : NULL;
		if (rc == -1 && near)
			cerror(c, v, "unknown validator \"%s\"; did you mean \"%s\"?", v->text, near);
		else if (rc == -1)
			cerror(c, v, "unknown validator \"%s\"", v->text);
		else if (rc != 0 && !validator_takes_param(v))
			cerror(c, v, "validator \"%.*s\" takes no parameter", (int)strcspn(v->text, " >="),
			       v->text);
		else if (rc != 0)
			cerror(c, v, "validator \"%s\" needs a number, as in entropy>=3.5", v->text);
	}
	mesura_policy__path_pop(c, old);
}

uint32_t mesura_policy__compile_regex(compiler *c, const ynode *regex, const ynode *validate,
                                      const ynode *keywords, unsigned int normalize)
{
	size_t old = mesura_policy__path_push(c, ".regex");
	pcre2_code *code = NULL;
	if (!mesura_policy__is_scalar(regex) || regex->len == 0)
		cerror(c, regex, "regex must be a non-empty text");
	else
		code = compile_pattern(c, regex, 0);
	mesura_policy__path_pop(c, old);
	if (!code)
		return COND_NONE;
	uint32_t id = mesura_policy__new_cond(c, COND_REGEX);
	if (id == COND_NONE) {
		pcre2_code_free(code);
		return id;
	}
	policy_cond *x = &c->policy->conds[id];
	x->regex = code;
	x->node = regex;
	x->normalize = normalize;
	if (validate)
		compile_validator(c, x, validate);
	build_prefilter(c, x, regex, keywords);
	find_starts(c, x, regex);
	/* Tried at a few places only (the scanner's near_digits), anchored: JIT code for
	 * that needs its own compile (PCRE2_ANCHORED at match time runs the interpreter). */
	if (x->pre.digit_lead != SIZE_MAX) {
		x->anchored = compile_pattern(c, regex, PCRE2_ANCHORED);
		c->failed_alloc |= !x->anchored;
	}
	x->jit = is_jit(x->regex) && (!x->anchored || is_jit(x->anchored));
	find_head_and_refusals(c, x, regex);
	return id;
}
