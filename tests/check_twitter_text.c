/*
 * twitter-text conformance: the extraction cases of twitter-text's
 * conformance/extract.yml (mentions, hashtags, cashtags, URLs, with and without
 * indices), ported to tests/data/twitter-text-extract.txt, run through
 * mesura_tokenize(..., MESURA_TOKENIZE_ALL).
 *
 * For each case, the non-overlay tokens of the case's type are its extraction: the
 * sigil (@ # $, fullwidth ＠ ＃) is stripped from mentions, hashtags and cashtags, as
 * twitter-text returns them, and for the *_with_indices cases mesura's byte offsets
 * are converted to code points, the unit of twitter-text's indices.
 *
 * Every case must give twitter-text's answer, except the KNOWN DIFFERENCES below:
 * those must still differ (so the table stays honest) and are reported, not failed.
 * docs/twitter-text.md explains each one. The run prints every failure and every
 * documented difference (text, expected, got, in the data file's notation) and the
 * totals line "twitter-text extract: N cases, P pass, D documented differences,
 * F failures".
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mesura.h>

#include "testutil.h"

#define DATA_FILE "twitter-text-extract.txt"
#define MAX_VALUES 32

/* ------------------------------------------------------ known differences */

/*
 * Cases where mesura deliberately answers differently from twitter-text, by section
 * and description (exactly as in the data file), with mesura's own answer in the
 * data file's notation for values ("a|b", "[]" for none; indices are not pinned).
 * The case must give exactly that answer: when mesura comes to agree with
 * twitter-text, or differs in another way, the test fails, so this table and
 * docs/twitter-text.md (which gives the case, what twitter-text does, what mesura
 * does and why) cannot go stale. Only reasons of these kinds belong here: mesura's
 * own TLD list, t.co specifics, twitter's length limits, or a shape twitter-text
 * refuses only for display (autolinking) reasons.
 */
typedef struct {
	const char *section;
	const char *description;
	const char *mesura; /* what mesura extracts */
	const char *reason;
} known_difference;

static const known_difference KNOWN_DIFFERENCES[] = {
	{"urls", "DO NOT extract invalid URL: http://tld-too-short.x", "http://tld-too-short.x",
	 "TLD list: mesura does not look up the TLD of a URL written with a scheme"},
	{NULL, NULL, NULL, NULL} /* end */
};

/* ------------------------------------------------------------ the cases */

typedef struct {
	char *s;
	size_t len;
} buf;

typedef struct {
	unsigned line;
	mesura_token_type type;
	char *section;     /* NUL-terminated */
	char *description; /* unescaped, NUL-terminated */
	buf text;          /* unescaped */
	size_t n_values;
	buf values[MAX_VALUES];
	int has_indices;
	size_t starts[MAX_VALUES], ends[MAX_VALUES]; /* code points */
} tt_case;

static void free_case(tt_case *c)
{
	free(c->section);
	free(c->description);
	free(c->text.s);
	for (size_t i = 0; i < c->n_values; i++)
		free(c->values[i].s);
	memset(c, 0, sizeof *c);
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Unescapes s[0..n) into a fresh NUL-terminated buffer; 0 on a bad escape. */
static int unescape(const char *s, size_t n, buf *out)
{
	char *o = malloc(n + 1); /* escapes never grow: \uXXXX (6) -> at most 3 bytes */
	ck_assert_ptr_nonnull(o);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			o[k++] = s[i];
			continue;
		}
		if (++i == n)
			goto bad;
		switch (s[i]) {
		case '\\': o[k++] = '\\'; break;
		case 't': o[k++] = '\t'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case '|': o[k++] = '|'; break;
		case 'u':
		case 'U': {
			size_t digits = s[i] == 'u' ? 4 : 8;
			uint32_t cp = 0;
			if (n - i - 1 < digits)
				goto bad;
			for (size_t d = 1; d <= digits; d++) {
				int h = hex_value(s[i + d]);
				if (h < 0)
					goto bad;
				cp = cp * 16u + (uint32_t)h;
			}
			if (cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
				goto bad;
			i += digits;
			k += tu_utf8_encode(cp, o + k);
			break;
		}
		default:
			goto bad;
		}
	}
	o[k] = '\0';
	out->s = o;
	out->len = k;
	return 1;
bad:
	free(o);
	return 0;
}

/* Splits s[0..n) at each "|" that is not escaped; returns the piece count (0 when
 * more than `max`). */
static size_t split_bar(const char *s, size_t n, const char **piece, size_t *piece_len,
                        size_t max)
{
	size_t count = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] == '\\') {
			i++;
			continue;
		}
		if (i == n || s[i] == '|') {
			if (count == max)
				return 0;
			piece[count] = s + start;
			piece_len[count] = i - start;
			count++;
			start = i + 1;
		}
	}
	return count;
}

static mesura_token_type kind_type(const char *kind, size_t n)
{
	static const struct {
		const char *name;
		mesura_token_type type;
	} kinds[] = {{"mention", MESURA_TOKEN_MENTION},
	             {"hashtag", MESURA_TOKEN_HASHTAG},
	             {"cashtag", MESURA_TOKEN_CASHTAG},
	             {"url", MESURA_TOKEN_URL}};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, kind, n) == 0)
			return kinds[i].type;
	return (mesura_token_type)0;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	ck_assert_ptr_nonnull(d);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Parses one data line (without its newline) into *c; aborts the test on a malformed
 * line, since the data file is ours. */
static void parse_case(const char *line, size_t n, unsigned lineno, tt_case *c)
{
	const char *field[7];
	size_t flen[7];
	size_t nf = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || line[i] == '\t') {
			ck_assert_msg(nf < 7, "%s:%u: too many fields", DATA_FILE, lineno);
			field[nf] = line + start;
			flen[nf] = i - start;
			nf++;
			start = i + 1;
		}
	}
	ck_assert_msg(nf == 5 || nf == 6, "%s:%u: %zu fields, want 5 or 6", DATA_FILE, lineno,
	              nf);
	memset(c, 0, sizeof *c);
	c->line = lineno;
	c->type = kind_type(field[0], flen[0]);
	ck_assert_msg(c->type != 0, "%s:%u: unknown kind", DATA_FILE, lineno);
	c->section = dup_n(field[1], flen[1]);
	c->has_indices = nf == 6;
	ck_assert_msg(c->has_indices == (strstr(c->section, "_with_indices") != NULL),
	              "%s:%u: indices column and section disagree", DATA_FILE, lineno);
	buf d;
	ck_assert_msg(unescape(field[2], flen[2], &d), "%s:%u: bad escape in description",
	              DATA_FILE, lineno);
	c->description = d.s;
	ck_assert_msg(unescape(field[3], flen[3], &c->text), "%s:%u: bad escape in text",
	              DATA_FILE, lineno);

	if (!(flen[4] == 2 && memcmp(field[4], "[]", 2) == 0)) {
		const char *piece[MAX_VALUES];
		size_t plen[MAX_VALUES];
		c->n_values = split_bar(field[4], flen[4], piece, plen, MAX_VALUES);
		ck_assert_msg(c->n_values > 0, "%s:%u: too many values", DATA_FILE, lineno);
		for (size_t v = 0; v < c->n_values; v++)
			ck_assert_msg(unescape(piece[v], plen[v], &c->values[v]),
			              "%s:%u: bad escape in value %zu", DATA_FILE, lineno, v + 1);
	}
	if (c->has_indices) {
		const char *piece[MAX_VALUES];
		size_t plen[MAX_VALUES];
		size_t np = split_bar(field[5], flen[5], piece, plen, MAX_VALUES);
		ck_assert_msg(np == c->n_values, "%s:%u: %zu index pairs for %zu values",
		              DATA_FILE, lineno, np, c->n_values);
		for (size_t v = 0; v < np; v++) {
			char tmp[64];
			ck_assert_msg(plen[v] < sizeof tmp, "%s:%u: bad indices", DATA_FILE, lineno);
			memcpy(tmp, piece[v], plen[v]);
			tmp[plen[v]] = '\0';
			unsigned long a, b;
			int used = 0;
			ck_assert_msg(sscanf(tmp, "%lu-%lu%n", &a, &b, &used) == 2 &&
			                  (size_t)used == plen[v] && a <= b,
			              "%s:%u: bad indices \"%s\"", DATA_FILE, lineno, tmp);
			c->starts[v] = (size_t)a;
			c->ends[v] = (size_t)b;
		}
	}
}

/* ------------------------------------------------------------ printing */

/* Decodes one well-formed UTF-8 character at s[i]; returns its length, 0 if none. */
static size_t decode(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
	unsigned char b = s[i];
	size_t len;
	if (b < 0x80) {
		*cp = b;
		return 1;
	} else if (b >= 0xC2 && b <= 0xDF) {
		len = 2;
		*cp = b & 0x1Fu;
	} else if (b >= 0xE0 && b <= 0xEF) {
		len = 3;
		*cp = b & 0x0Fu;
	} else if (b >= 0xF0 && b <= 0xF4) {
		len = 4;
		*cp = b & 0x07u;
	} else {
		return 0;
	}
	if (n - i < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i + k] & 0x3Fu);
	}
	if ((len == 3 && (*cp < 0x800 || (*cp >= 0xD800 && *cp <= 0xDFFF))) ||
	    (len == 4 && (*cp < 0x10000 || *cp > 0x10FFFF)))
		return 0;
	return len;
}

/* Characters written as escapes, as in the data file: controls, invisible format
 * characters and spaces other than U+0020. */
static int invisible(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD || cp == 0x34F ||
	       cp == 0x61C || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) ||
	       cp == 0x3000 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
	       (cp >= 0xFFF0 && cp <= 0xFFFB);
}

/* Prints s[0..n) in the data file's notation; `bar` escapes "|" (inside values).
 * Bytes that are not UTF-8 (which no case has) print as \xHH. */
static void print_escaped(const char *s, size_t n, int bar)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = decode(u, n, i, &cp);
		if (len == 0) {
			printf("\\x%02X", u[i]);
			i++;
			continue;
		}
		if (cp == '\\')
			fputs("\\\\", stdout);
		else if (cp == '\t')
			fputs("\\t", stdout);
		else if (cp == '\n')
			fputs("\\n", stdout);
		else if (cp == '\r')
			fputs("\\r", stdout);
		else if (cp == '|' && bar)
			fputs("\\|", stdout);
		else if (cp > 0xFFFF)
			printf("\\U%08X", (unsigned)cp);
		else if (invisible(cp))
			printf("\\u%04X", (unsigned)cp);
		else
			fwrite(s + i, 1, len, stdout);
		i += len;
	}
}

/* An extraction: values (pointers into the text) and, if asked, code point indices. */
typedef struct {
	size_t n;
	const char *value[MAX_VALUES];
	size_t value_len[MAX_VALUES];
	size_t start[MAX_VALUES], end[MAX_VALUES];
	int overflow;       /* more than MAX_VALUES */
	int status;         /* of mesura_tokenize, or of the offset conversion */
	const char *broken; /* a token out of the text's bounds, when not NULL */
} extraction;

static void print_values(size_t n, const buf *values)
{
	if (n == 0)
		fputs("[]", stdout);
	for (size_t v = 0; v < n; v++) {
		if (v)
			putchar('|');
		print_escaped(values[v].s, values[v].len, 1);
	}
}

static void print_indices(size_t n, const size_t *start, const size_t *end)
{
	fputs("  indices ", stdout);
	if (n == 0)
		fputs("[]", stdout);
	for (size_t v = 0; v < n; v++)
		printf("%s%zu-%zu", v ? "|" : "", start[v], end[v]);
}

static void print_case(const char *tag, const tt_case *c, const extraction *got,
                       const char *note)
{
	printf("%s %s: \"%s\" (%s line %u)%s%s\n", tag, c->section, c->description, DATA_FILE,
	       c->line, note ? " -- " : "", note ? note : "");
	fputs("    text:     ", stdout);
	print_escaped(c->text.s, c->text.len, 0);
	fputs("\n    expected: ", stdout);
	print_values(c->n_values, c->values);
	if (c->has_indices)
		print_indices(c->n_values, c->starts, c->ends);
	fputs("\n    got:      ", stdout);
	if (got->status != MESURA_OK) {
		printf("error %d (%s)\n", got->status, mesura_strerror(got->status));
		return;
	}
	if (got->broken) {
		printf("%s\n", got->broken);
		return;
	}
	if (got->n == 0)
		fputs("[]", stdout);
	for (size_t v = 0; v < got->n; v++) {
		if (v)
			putchar('|');
		print_escaped(got->value[v], got->value_len[v], 1);
	}
	if (got->overflow)
		fputs("|...", stdout);
	if (c->has_indices)
		print_indices(got->n, got->start, got->end);
	putchar('\n');
}

/* ------------------------------------------------------------ extraction */

/* Length of the sigil that starts a token of `type` at s[0..n), 0 if none. */
static size_t sigil_length(mesura_token_type type, const char *s, size_t n)
{
	static const char fullwidth_at[] = "\xEF\xBC\xA0";   /* U+FF20 ＠ */
	static const char fullwidth_hash[] = "\xEF\xBC\x83"; /* U+FF03 ＃ */
	switch (type) {
	case MESURA_TOKEN_MENTION:
		if (n >= 1 && s[0] == '@')
			return 1;
		if (n >= 3 && memcmp(s, fullwidth_at, 3) == 0)
			return 3;
		return 0;
	case MESURA_TOKEN_HASHTAG:
		if (n >= 1 && s[0] == '#')
			return 1;
		if (n >= 3 && memcmp(s, fullwidth_hash, 3) == 0)
			return 3;
		return 0;
	case MESURA_TOKEN_CASHTAG:
		return n >= 1 && s[0] == '$' ? 1 : 0;
	default:
		return 0;
	}
}

static void extract(mesura_tokens *toks, const tt_case *c, extraction *x)
{
	memset(x, 0, sizeof *x);
	x->status = mesura_tokenize(toks, c->text.s, c->text.len, MESURA_TOKENIZE_ALL);
	if (x->status != MESURA_OK)
		return;
	size_t count = 0;
	count = mesura_tokens_count(toks);
	size_t bytes[2 * MAX_VALUES];
	for (size_t i = 0; i < count; i++) {
		if (mesura_tokens_get(toks, i)->type != c->type || (mesura_tokens_get(toks, i)->flags & MESURA_TOKEN_OVERLAY))
			continue;
		if (mesura_tokens_get(toks, i)->start > mesura_tokens_get(toks, i)->end || mesura_tokens_get(toks, i)->end > c->text.len) {
			x->broken = "a token outside the text";
			return;
		}
		if (x->n == MAX_VALUES) {
			x->overflow = 1;
			break;
		}
		const char *s = c->text.s + mesura_tokens_get(toks, i)->start;
		size_t len = mesura_tokens_get(toks, i)->end - mesura_tokens_get(toks, i)->start;
		size_t sig = sigil_length(c->type, s, len);
		x->value[x->n] = s + sig;
		x->value_len[x->n] = len - sig;
		bytes[2 * x->n] = mesura_tokens_get(toks, i)->start;
		bytes[2 * x->n + 1] = mesura_tokens_get(toks, i)->end;
		x->n++;
	}
	if (!c->has_indices || x->n == 0)
		return;
	size_t cps[2 * MAX_VALUES];
	x->status = mesura_offsets_convert(c->text.s, c->text.len, MESURA_UNIT_BYTE,
	                                   MESURA_UNIT_CODEPOINT, bytes, cps, 2 * x->n);
	for (size_t v = 0; v < x->n; v++) {
		x->start[v] = cps[2 * v];
		x->end[v] = cps[2 * v + 1];
	}
}

static int same(const tt_case *c, const extraction *x)
{
	if (x->status != MESURA_OK || x->broken || x->overflow || x->n != c->n_values)
		return 0;
	for (size_t v = 0; v < x->n; v++) {
		if (x->value_len[v] != c->values[v].len ||
		    memcmp(x->value[v], c->values[v].s, x->value_len[v]) != 0)
			return 0;
		if (c->has_indices && (x->start[v] != c->starts[v] || x->end[v] != c->ends[v]))
			return 0;
	}
	return 1;
}

/* Whether x's values are `pinned`, a list in the data file's notation. */
static int same_as_pinned(const extraction *x, const char *pinned)
{
	if (x->status != MESURA_OK || x->broken || x->overflow)
		return 0;
	if (strcmp(pinned, "[]") == 0)
		return x->n == 0;
	const char *piece[MAX_VALUES];
	size_t plen[MAX_VALUES];
	size_t n = split_bar(pinned, strlen(pinned), piece, plen, MAX_VALUES);
	ck_assert_msg(n > 0, "bad KNOWN_DIFFERENCES answer \"%s\"", pinned);
	if (n != x->n)
		return 0;
	int equal = 1;
	for (size_t v = 0; v < n; v++) {
		buf b;
		ck_assert_msg(unescape(piece[v], plen[v], &b), "bad escape in \"%s\"", pinned);
		if (b.len != x->value_len[v] || memcmp(b.s, x->value[v], b.len) != 0)
			equal = 0;
		free(b.s);
	}
	return equal;
}

static const known_difference *find_known(const tt_case *c)
{
	for (const known_difference *k = KNOWN_DIFFERENCES; k->section; k++)
		if (strcmp(k->section, c->section) == 0 && strcmp(k->description, c->description) == 0)
			return k;
	return NULL;
}

/* ------------------------------------------------------------ the test */

START_TEST(twitter_text_extract)
{
	size_t len = 0;
	char *data = tu_read_file(tu_data_path(DATA_FILE), &len);
	mesura_tokens *toks = NULL;
	ck_assert_int_eq(mesura_tokens_new(&toks, NULL), MESURA_OK);

	size_t n_known = sizeof KNOWN_DIFFERENCES / sizeof KNOWN_DIFFERENCES[0] - 1;
	unsigned char *known_seen = calloc(n_known + 1, 1);
	ck_assert_ptr_nonnull(known_seen);

	size_t cases = 0, pass = 0, documented = 0, failures = 0;
	unsigned lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0 || line[0] == '#')
			continue;

		tt_case c;
		parse_case(line, n, lineno, &c);
		cases++;
		extraction got;
		extract(toks, &c, &got);
		int ok = same(&c, &got);
		const known_difference *k = find_known(&c);
		if (k)
			known_seen[k - KNOWN_DIFFERENCES]++;
		if (ok && !k) {
			pass++;
		} else if (!ok && k && same_as_pinned(&got, k->mesura)) {
			documented++;
			print_case("DIFF", &c, &got, k->reason);
		} else if (!ok && k) {
			failures++;
			printf("FAIL %s: \"%s\": KNOWN_DIFFERENCES says mesura gives %s\n", c.section,
			       c.description, k->mesura);
			print_case("FAIL", &c, &got,
			           "differs from twitter-text, but not as documented: update "
			           "KNOWN_DIFFERENCES and docs/twitter-text.md, or fix the tokenizer");
		} else if (ok && k) {
			failures++;
			print_case("FAIL", &c, &got,
			           "listed as a known difference but mesura now agrees: "
			           "remove it from KNOWN_DIFFERENCES and docs/twitter-text.md");
		} else {
			failures++;
			print_case("FAIL", &c, &got, NULL);
		}
		free_case(&c);
	}
	for (size_t i = 0; i < n_known; i++) {
		if (known_seen[i] != 1) {
			failures++;
			printf("FAIL known difference %s: \"%s\" matches %u cases, not 1\n",
			       KNOWN_DIFFERENCES[i].section, KNOWN_DIFFERENCES[i].description,
			       (unsigned)known_seen[i]);
		}
	}
	printf("twitter-text extract: %zu cases, %zu pass, %zu documented differences, "
	       "%zu failures\n",
	       cases, pass, documented, failures);
	fflush(stdout);

	free(known_seen);
	mesura_tokens_free(toks);
	free(data);
	ck_assert_msg(cases > 0, "no case in %s", DATA_FILE);
	ck_assert_msg(failures == 0, "%zu of %zu twitter-text cases fail", failures, cases);
}
END_TEST

static Suite *twitter_text_suite(void)
{
	Suite *s = suite_create("twitter_text");
	TCase *tc = tcase_create("extract");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, twitter_text_extract);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(twitter_text_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
