/* The disguise matrix (issue 15): every way of writing a rude word, a confidentiality
 * marker, a card number, a phone number or an e-mail address that a human still reads
 * as the original, applied by code to every target it applies to, in an English and a
 * Spanish sentence, and screened with the default policy. A cell (technique x target) is
 * caught when both sentences give a finding of the target's category that covers the
 * whole disguised target. Ordinary text (the same words and separators in innocent use,
 * and innocent words under the same disguises) must give no finding at all.
 *
 * tests/data/disguises-known-misses.txt lists the cells still missed (and any false
 * alarm), one `technique<TAB>target` a line: the test fails on a miss not listed and
 * on a listed cell that is now caught, so the list shrinks with every fold that lands.
 * Look-alike letters and digit scripts are taken from Unicode's own data
 * (/usr/share/unicode/UnicodeData.txt): the letter names and the Nd digit values. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

#define UCD_PATH "/usr/share/unicode/UnicodeData.txt"

/* ------------------------------------------------------------ byte buffers */

/* A disguised target: its bytes, and the region a finding must cover. */
typedef struct {
	char b[4096];
	size_t n;
	size_t rs, re;
	int region_set;
} dbuf;

static void put(dbuf *d, const char *s, size_t n)
{
	ck_assert_uint_lt(d->n + n, sizeof d->b);
	memcpy(d->b + d->n, s, n);
	d->n += n;
}

static void puts_(dbuf *d, const char *s)
{
	put(d, s, strlen(s));
}

static void putcp(dbuf *d, uint32_t cp)
{
	char u[4];
	put(d, u, tu_utf8_encode(cp, u));
}

/* Decodes the code point at s[*i] (well-formed UTF-8 written by this file) and moves on. */
static uint32_t next_cp(const char *s, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s + *i;
	if (u[0] < 0x80) {
		*i += 1;
		return u[0];
	}
	if (u[0] < 0xE0) {
		*i += 2;
		return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	}
	if (u[0] < 0xF0) {
		*i += 3;
		return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
	}
	*i += 4;
	return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
	       ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
}

static size_t decode_all(const char *s, uint32_t *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; s[i];) {
		ck_assert_uint_lt(n, cap);
		out[n++] = next_cp(s, &i);
	}
	return n;
}

static int is_ascii_letter(uint32_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* ------------------------------------------------------------ Unicode data */

static char *ucd_text;
static size_t ucd_len;

/* The line of UnicodeData.txt for cp (NULL when not listed on its own line). */
static const char *ucd_line(uint32_t cp)
{
	char key[16];
	int k = snprintf(key, sizeof key, "\n%04X;", (unsigned)cp);
	const char *p = strstr(ucd_text, key);
	return p ? p + 1 : (strncmp(ucd_text, key + 1, (size_t)k - 1) == 0 ? ucd_text : NULL);
}

/* Field f (0-based) of a UnicodeData line, copied into out. */
static void ucd_field(const char *line, int f, char *out, size_t cap)
{
	for (int i = 0; i < f; i++)
		line = strchr(line, ';') + 1;
	size_t n = strcspn(line, ";\n");
	ck_assert_uint_lt(n, cap);
	memcpy(out, line, n);
	out[n] = '\0';
}

/* The decimal digit value of cp (Nd, field 6), or -1. */
static int ucd_digit_value(uint32_t cp)
{
	const char *line = ucd_line(cp);
	if (!line)
		return -1;
	char gc[8], value[8];
	ucd_field(line, 2, gc, sizeof gc);
	ucd_field(line, 6, value, sizeof value);
	return strcmp(gc, "Nd") == 0 && value[0] ? atoi(value) : -1;
}

/* The 26 letters named "<prefix><A..Z>" (0 where Unicode has none). */
static void letters_named(const char *prefix, uint32_t map[26])
{
	memset(map, 0, 26 * sizeof *map);
	size_t plen = strlen(prefix);
	for (const char *line = ucd_text; line && *line;) {
		const char *name = strchr(line, ';') + 1;
		const char *name_end = strchr(name, ';');
		if ((size_t)(name_end - name) == plen + 1 && strncmp(name, prefix, plen) == 0 &&
		    name[plen] >= 'A' && name[plen] <= 'Z')
			map[name[plen] - 'A'] = (uint32_t)strtoul(line, NULL, 16);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

/* ------------------------------------------------------------ targets */

enum { K_WORD = 1, K_DIGITS = 2, K_EMAIL = 4, K_ALL = 7 };

typedef struct {
	const char *name; /* the key's target column */
	unsigned kind;
	const char *category;
	char plain[64];   /* words and addresses as written; numbers: the digits only */
	int groups[8];    /* numbers: the usual grouping (0-terminated) */
} target;

/* Luhn check digit of the n digits of body (doubling every second from the right). */
static char luhn_digit(const char *body, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = body[n - 1 - i] - '0';
		if (i % 2 == 0)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

static void random_digits(tu_rng *rng, char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + tu_rng_below(rng, 10));
}

static target targets[16];
static size_t n_targets;

static void add_target(const char *name, unsigned kind, const char *category, const char *plain)
{
	target *t = &targets[n_targets++];
	memset(t, 0, sizeof *t);
	t->name = name;
	t->kind = kind;
	t->category = category;
	snprintf(t->plain, sizeof t->plain, "%s", plain);
}

/* The targets: rude words of both languages, the confidentiality marker in both, and a
 * card, a phone and an e-mail address generated from their documented formats. */
static void make_targets(void)
{
	static const char *const words[] = {"fuck", "shit", "gilipollas", "puta", "cabrón"};
	n_targets = 0;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		add_target(words[i], K_WORD, "profanity", words[i]);
	add_target("confidential", K_WORD, "confidential", "confidential");
	add_target("confidencial", K_WORD, "confidential", "confidencial");

	tu_rng rng = {20261207};
	/* A Visa number: 4, fourteen random digits, the Luhn digit; printed 4-4-4-4. */
	char card[17] = "4";
	random_digits(&rng, card + 1, 14);
	card[15] = luhn_digit(card, 15);
	card[16] = '\0';
	add_target("card", K_DIGITS, "pii.payment_card", card);
	memcpy(targets[n_targets - 1].groups, (int[]){4, 4, 4, 4, 0}, 5 * sizeof(int));
	/* A Spanish mobile: 6, eight random digits; printed 3-3-3. */
	char phone[10] = "6";
	random_digits(&rng, phone + 1, 8);
	phone[9] = '\0';
	add_target("phone", K_DIGITS, "pii.phone", phone);
	memcpy(targets[n_targets - 1].groups, (int[]){3, 3, 3, 0}, 4 * sizeof(int));
	/* A personal address: first.last@domain, from a few names. */
	static const char *const first[] = {"lucia", "marta", "javier", "daniel", "irene"};
	static const char *const last[] = {"moreno", "navarro", "iglesias", "quintana", "robles"};
	static const char *const domain[] = {"gmail.com", "outlook.es", "yahoo.com"};
	char email[64];
	snprintf(email, sizeof email, "%s.%s@%s", first[tu_rng_below(&rng, 5)],
	         last[tu_rng_below(&rng, 5)], domain[tu_rng_below(&rng, 3)]);
	add_target("email", K_EMAIL, "pii.email", email);
}

/* A number in its usual groups, separated by sep. */
static void put_grouped(dbuf *d, const target *t, const int *groups, const char *sep)
{
	size_t at = 0;
	for (size_t g = 0; groups[g]; g++) {
		if (g)
			puts_(d, sep);
		put(d, t->plain + at, (size_t)groups[g]);
		at += (size_t)groups[g];
	}
}

/* The target as a person would usually write it. */
static void put_plain(dbuf *d, const target *t)
{
	if (t->kind == K_DIGITS)
		put_grouped(d, t, t->groups, " ");
	else
		puts_(d, t->plain);
}

/* ------------------------------------------------------------ techniques */

typedef struct technique technique;
/* Writes the disguised target into d; returns 0 when the disguise cannot apply. */
typedef int (*apply_fn)(const technique *tq, const target *t, dbuf *d);

struct technique {
	const char *name;
	apply_fn apply;
	unsigned kinds;
	const char *s;      /* a separator, a replacement... */
	uint32_t cp;        /* a character to insert, a digit zero... */
	int n;              /* how many, a group size... */
	const uint32_t *map; /* look-alikes: 26 replacements for a..z (0: none) */
};

static int t_plain(const technique *tq, const target *t, dbuf *d)
{
	(void)tq;
	put_plain(d, t);
	return 1;
}

static int t_upper(const technique *tq, const target *t, dbuf *d)
{
	(void)tq;
	dbuf p = {0};
	put_plain(&p, t);
	for (size_t i = 0; i < p.n; i++)
		if (p.b[i] >= 'a' && p.b[i] <= 'z')
			p.b[i] = (char)(p.b[i] - 32);
	put(d, p.b, p.n);
	return 1;
}

static int t_append(const technique *tq, const target *t, dbuf *d)
{
	put_plain(d, t);
	putcp(d, tq->cp);
	return 1;
}

/* Inserts tq->s (or tq->cp) between every two characters of the target that are not
 * spaces: inside the word, inside each digit group, everywhere in an address. */
static int t_inside(const technique *tq, const target *t, dbuf *d)
{
	dbuf p = {0};
	put_plain(&p, t);
	p.b[p.n] = '\0';
	uint32_t cps[128];
	size_t n = decode_all(p.b, cps, 128);
	for (size_t i = 0; i < n; i++) {
		putcp(d, cps[i]);
		if (i + 1 < n && cps[i] != ' ' && cps[i + 1] != ' ') {
			if (tq->s)
				puts_(d, tq->s);
			else
				putcp(d, tq->cp);
		}
	}
	return 1;
}

/* The digits of a number in other groups: n digits a group (0: halves). */
static int t_regroup(const technique *tq, const target *t, dbuf *d)
{
	int len = (int)strlen(t->plain), groups[24], g = 0;
	int size = tq->n ? tq->n : (len + 1) / 2;
	for (int at = 0; at < len; at += size)
		groups[g++] = at + size <= len ? size : len - at;
	groups[g] = 0;
	put_grouped(d, t, groups, tq->s ? tq->s : " ");
	return 1;
}

/* A number in its usual groups with another separator. */
static int t_dsep(const technique *tq, const target *t, dbuf *d)
{
	put_grouped(d, t, t->groups, tq->s);
	return 1;
}

/* Every digit in the script whose zero is tq->cp. */
static int t_digits(const technique *tq, const target *t, dbuf *d)
{
	dbuf p = {0};
	put_plain(&p, t);
	for (size_t i = 0; i < p.n; i++)
		if (is_digit((unsigned char)p.b[i]))
			putcp(d, tq->cp + (uint32_t)(p.b[i] - '0'));
		else
			put(d, p.b + i, 1);
	return 1;
}

/* tq->n copies of each mark in tq->s's code points after every letter or digit. */
static int t_marks(const technique *tq, const target *t, dbuf *d)
{
	dbuf p = {0};
	put_plain(&p, t);
	p.b[p.n] = '\0';
	uint32_t cps[128], marks[8];
	size_t n = decode_all(p.b, cps, 128), nm = decode_all(tq->s, marks, 8);
	for (size_t i = 0; i < n; i++) {
		putcp(d, cps[i]);
		if (cps[i] == ' ' || cps[i] == '@' || cps[i] == '.')
			continue;
		for (int k = 0; k < tq->n; k++)
			for (size_t m = 0; m < nm; m++)
				putcp(d, marks[m]);
	}
	return 1;
}

/* Every letter that has a look-alike in the family replaced by it. Not a cell when none
 * of the target's letters has one. */
static int t_lookalike(const technique *tq, const target *t, dbuf *d)
{
	uint32_t cps[128];
	size_t n = decode_all(t->plain, cps, 128), replaced = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (is_ascii_letter(c) && tq->map[(c | 0x20) - 'a']) {
			putcp(d, tq->map[(c | 0x20) - 'a']);
			replaced++;
		} else {
			putcp(d, c);
		}
	}
	return replaced > 0;
}

/* Letters only (no digits, so that leet is leet): letters of the word replaced. */
static int t_leet(const technique *tq, const target *t, dbuf *d)
{
	size_t replaced = 0;
	for (const char *c = t->plain; *c; c++) {
		const char *hit = strchr(tq->s, *c);
		if (*c && hit && (hit - tq->s) % 2 == 0) {
			put(d, hit + 1, 1);
			replaced++;
		} else {
			put(d, c, 1);
		}
	}
	return replaced > 0;
}

/* U+202E, the target written backwards, U+202C: displays as the target. */
static int t_rlo(const technique *tq, const target *t, dbuf *d)
{
	(void)tq;
	dbuf p = {0};
	put_plain(&p, t);
	p.b[p.n] = '\0';
	uint32_t cps[128];
	size_t n = decode_all(p.b, cps, 128);
	putcp(d, 0x202E);
	d->rs = d->n;
	for (size_t i = n; i-- > 0;)
		putcp(d, cps[i]);
	d->re = d->n;
	d->region_set = 1;
	putcp(d, 0x202C);
	return 1;
}

/* Every character that is not a space as an HTML reference or percent-encoded
 * (tq->n: 0 decimal, 1 hex, 2 percent-encoding of its UTF-8 bytes). */
static int t_markup(const technique *tq, const target *t, dbuf *d)
{
	dbuf p = {0};
	put_plain(&p, t);
	p.b[p.n] = '\0';
	char ref[32];
	for (size_t i = 0; i < p.n;) {
		size_t at = i;
		uint32_t c = next_cp(p.b, &i);
		if (c == ' ') {
			puts_(d, " ");
			continue;
		}
		if (tq->n == 2) {
			for (size_t k = at; k < i; k++) {
				snprintf(ref, sizeof ref, "%%%02X", (unsigned char)p.b[k]);
				puts_(d, ref);
			}
			continue;
		}
		snprintf(ref, sizeof ref, tq->n == 0 ? "&#%u;" : "&#x%x;", (unsigned)c);
		puts_(d, ref);
	}
	return 1;
}

/* Named HTML references where the target has a character that has one: an accented
 * letter, the @ and dots of an address, the spaces between a number's groups. */
static int t_named(const technique *tq, const target *t, dbuf *d)
{
	(void)tq;
	dbuf p = {0};
	put_plain(&p, t);
	p.b[p.n] = '\0';
	size_t named = 0;
	for (size_t i = 0; i < p.n;) {
		size_t at = i;
		uint32_t c = next_cp(p.b, &i);
		const char *ref = c == 0xF3   ? "&oacute;"
		                  : c == 0xE9 ? "&eacute;"
		                  : c == '@'  ? "&commat;"
		                  : c == '.'  ? "&period;"
		                  : c == ' ' && t->kind == K_DIGITS ? "&nbsp;"
		                                                    : NULL;
		if (ref) {
			puts_(d, ref);
			named++;
		} else {
			put(d, p.b + at, i - at);
		}
	}
	return named > 0;
}

static int t_mailto(const technique *tq, const target *t, dbuf *d)
{
	(void)tq;
	puts_(d, "mailto:");
	d->rs = d->n;
	puts_(d, t->plain);
	d->re = d->n;
	d->region_set = 1;
	return 1;
}

/* Look-alike families: from the letters' names, and hand-picked ones from
 * Unicode's confusables data (Greek, the palochka, symbols). */
static uint32_t look_smallcaps[26], look_paren[26], look_negsq[26], look_regional[26],
    look_circled[26], look_fullwidth[26], look_mathbold[26], look_squared[26];
static uint32_t look_cyrillic[26], look_greek[26], look_palochka[26], look_symbols[26];

static void make_lookalikes(void)
{
	letters_named("LATIN LETTER SMALL CAPITAL ", look_smallcaps);
	letters_named("PARENTHESIZED LATIN SMALL LETTER ", look_paren);
	letters_named("NEGATIVE SQUARED LATIN CAPITAL LETTER ", look_negsq);
	letters_named("REGIONAL INDICATOR SYMBOL LETTER ", look_regional);
	letters_named("CIRCLED LATIN SMALL LETTER ", look_circled);
	letters_named("FULLWIDTH LATIN SMALL LETTER ", look_fullwidth);
	letters_named("MATHEMATICAL BOLD SMALL ", look_mathbold);
	letters_named("SQUARED LATIN CAPITAL LETTER ", look_squared);
	/* The families are whole: a wrong prefix would leave them empty. */
	ck_assert_uint_eq(look_paren['z' - 'a'], 0x24B5);
	ck_assert_uint_eq(look_regional['a' - 'a'], 0x1F1E6);
	ck_assert_uint_eq(look_negsq['p' - 'a'], 0x1F17F);
	ck_assert_uint_ne(look_smallcaps['l' - 'a'], 0);

	/* Lower-case look-alikes of Latin letters (confusables.txt maps each to the letter). */
	static const struct { char latin; uint32_t cyr, greek; } pairs[] = {
	    {'a', 0x0430, 0x03B1}, {'c', 0x0441, 0x03F2}, {'e', 0x0435, 0},
	    {'i', 0x0456, 0x03B9}, {'j', 0x0458, 0x03F3}, {'k', 0, 0x03BA},
	    {'o', 0x043E, 0x03BF}, {'p', 0x0440, 0x03C1}, {'s', 0x0455, 0},
	    {'u', 0, 0x03C5},      {'v', 0, 0x03BD},      {'x', 0x0445, 0},
	    {'y', 0x0443, 0x03B3}, {'h', 0x04BB, 0},      {'d', 0x0501, 0}};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		look_cyrillic[pairs[i].latin - 'a'] = pairs[i].cyr;
		look_greek[pairs[i].latin - 'a'] = pairs[i].greek;
	}
	look_palochka['l' - 'a'] = 0x04C0; /* CYRILLIC LETTER PALOCHKA */
	look_symbols['i' - 'a'] = 0x00A1;  /* ¡ INVERTED EXCLAMATION MARK */
	look_symbols['v' - 'a'] = 0x221A;  /* √ SQUARE ROOT */
}

/* Digit zeros of other scripts; each checked against UnicodeData (Nd, values 0..9). */
static const struct { const char *name; uint32_t zero; } DIGIT_SCRIPTS[] = {
    {"digits-arabic-indic", 0x0660}, {"digits-extended-arabic-indic", 0x06F0},
    {"digits-devanagari", 0x0966},   {"digits-bengali", 0x09E6},
    {"digits-thai", 0x0E50},         {"digits-fullwidth", 0xFF10},
    {"digits-math-bold", 0x1D7CE},   {"digits-math-double-struck", 0x1D7D8},
    {"digits-math-monospace", 0x1D7F6}};

static technique techniques[160];
static size_t n_techniques;

static void add(const char *name, apply_fn fn, unsigned kinds, const char *s, uint32_t cp,
                int n, const uint32_t *map)
{
	ck_assert_uint_lt(n_techniques, sizeof techniques / sizeof *techniques);
	techniques[n_techniques++] = (technique){name, fn, kinds, s, cp, n, map};
}

static void make_techniques(void)
{
	n_techniques = 0;
	add("plain", t_plain, K_ALL, NULL, 0, 0, NULL);
	add("upper-case", t_upper, K_WORD | K_EMAIL, NULL, 0, 0, NULL);

	/* A character appended after the last letter or digit. */
	add("append-soft-hyphen", t_append, K_ALL, NULL, 0x00AD, 0, NULL);
	add("append-zwj", t_append, K_ALL, NULL, 0x200D, 0, NULL);
	add("append-variation-selector", t_append, K_ALL, NULL, 0xFE0F, 0, NULL);
	add("append-cgj", t_append, K_ALL, NULL, 0x034F, 0, NULL);
	add("append-combining-mark", t_append, K_ALL, NULL, 0x0301, 0, NULL);
	add("append-emoji-modifier", t_append, K_ALL, NULL, 0x1F3FD, 0, NULL);

	/* Invisible and format characters between the characters. */
	static const struct { const char *name; uint32_t cp; } invisible[] = {
	    {"inside-zwsp", 0x200B},          {"inside-zwnj", 0x200C},
	    {"inside-zwj", 0x200D},           {"inside-bom", 0xFEFF},
	    {"inside-soft-hyphen", 0x00AD},   {"inside-word-joiner", 0x2060},
	    {"inside-lrm", 0x200E},           {"inside-rlm", 0x200F},
	    {"inside-alm", 0x061C},           {"inside-bidi-embedding", 0x202A},
	    {"inside-bidi-isolate", 0x2066},  {"inside-tag", 0xE0061},
	    {"inside-variation-selector", 0xFE0F},
	    {"inside-variation-selector-supplement", 0xE0100},
	    {"inside-hangul-filler", 0x3164}, {"inside-halfwidth-hangul-filler", 0xFFA0}};
	for (size_t i = 0; i < sizeof invisible / sizeof *invisible; i++)
		add(invisible[i].name, t_inside, K_ALL, NULL, invisible[i].cp, 0, NULL);

	/* Control characters between the characters. */
	add("control-nul", t_inside, K_ALL, NULL, 0x00, 0, NULL);
	add("control-esc", t_inside, K_ALL, NULL, 0x1B, 0, NULL);
	add("control-c0-soh", t_inside, K_ALL, NULL, 0x01, 0, NULL);
	add("control-del", t_inside, K_ALL, NULL, 0x7F, 0, NULL);
	add("control-c1-nel", t_inside, K_ALL, NULL, 0x85, 0, NULL);

	/* Separators between the letters of a word (space . - _ * are the old ones). */
	static const struct { const char *name, *s; } wsep[] = {
	    {"separator-space", " "},        {"separator-dot", "."},
	    {"separator-dash", "-"},         {"separator-underscore", "_"},
	    {"separator-star", "*"},         {"separator-lf", "\n"},
	    {"separator-crlf", "\r\n"},      {"separator-line-separator", "\u2028"},
	    {"separator-tab", "\t"},         {"separator-slash", "/"},
	    {"separator-pipe", "|"},         {"separator-apostrophe", "'"},
	    {"separator-middle-dot", "\u00B7"}, {"separator-bullet", "\u2022"},
	    {"separator-emoji", "\U0001F525"},
	    {"separator-emoji-zwj-sequence", "\U0001F469\u200D\U0001F4BB"},
	    {"separator-skin-tone", "\U0001F3FD"}};
	for (size_t i = 0; i < sizeof wsep / sizeof *wsep; i++)
		add(wsep[i].name, t_inside, K_WORD, wsep[i].s, 0, 0, NULL);

	/* Digits of other scripts. */
	for (size_t i = 0; i < sizeof DIGIT_SCRIPTS / sizeof *DIGIT_SCRIPTS; i++)
		add(DIGIT_SCRIPTS[i].name, t_digits, K_DIGITS, NULL, DIGIT_SCRIPTS[i].zero, 0, NULL);

	/* Digit groups with other separators, and odd groupings. */
	static const struct { const char *name, *s; } dsep[] = {
	    {"group-separator-dash", "-"},        {"group-separator-dot", "."},
	    {"group-separator-slash", "/"},       {"group-separator-underscore", "_"},
	    {"group-separator-tab", "\t"},        {"group-separator-double-space", "  "},
	    {"group-separator-en-dash", "\u2013"}, {"group-separator-em-dash", "\u2014"}};
	for (size_t i = 0; i < sizeof dsep / sizeof *dsep; i++)
		add(dsep[i].name, t_dsep, K_DIGITS, dsep[i].s, 0, 0, NULL);
	add("grouping-none", t_regroup, K_DIGITS, "", 0, 64, NULL);
	add("grouping-halves", t_regroup, K_DIGITS, NULL, 0, 0, NULL);
	add("grouping-pairs", t_regroup, K_DIGITS, NULL, 0, 2, NULL);
	add("grouping-threes", t_regroup, K_DIGITS, NULL, 0, 3, NULL);
	add("grouping-fives", t_regroup, K_DIGITS, NULL, 0, 5, NULL);
	add("grouping-singles", t_regroup, K_DIGITS, NULL, 0, 1, NULL);

	/* Combining marks on every letter and digit, alone and stacked. */
	static const struct { const char *name, *marks; int n; } marks[] = {
	    {"marks-acute", "\u0301", 1},          {"marks-acute-stacked", "\u0301", 4},
	    {"marks-strike", "\u0336", 1},         {"marks-strike-stacked", "\u0336", 4},
	    {"marks-underline", "\u0332", 1},      {"marks-underline-stacked", "\u0332", 4},
	    {"marks-enclosing-circle", "\u20DD", 1},
	    {"marks-enclosing-circle-stacked", "\u20DD", 3},
	    {"marks-mixed-stack", "\u0301\u0336\u0332\u0308\u20DD", 2}};
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
		add(marks[i].name, t_marks, K_ALL, marks[i].marks, 0, marks[i].n, NULL);

	/* Look-alike letters. */
	static const struct { const char *name; const uint32_t *map; } look[] = {
	    {"lookalike-cyrillic", look_cyrillic},   {"lookalike-greek", look_greek},
	    {"lookalike-palochka", look_palochka},   {"lookalike-small-capitals", look_smallcaps},
	    {"lookalike-parenthesized", look_paren}, {"lookalike-negative-squared", look_negsq},
	    {"lookalike-squared", look_squared},     {"lookalike-regional-indicator", look_regional},
	    {"lookalike-circled", look_circled},     {"lookalike-fullwidth", look_fullwidth},
	    {"lookalike-math-bold", look_mathbold},  {"lookalike-symbols", look_symbols}};
	for (size_t i = 0; i < sizeof look / sizeof *look; i++)
		add(look[i].name, t_lookalike, K_WORD | K_EMAIL, NULL, 0, 0, look[i].map);

	/* Leetspeak (pairs: letter, digit or symbol). */
	add("leet-vowels", t_leet, K_WORD, "a4e3i1o0", 0, 0, NULL);
	add("leet-full", t_leet, K_WORD, "a4e3i1o0s5t7", 0, 0, NULL);
	add("leet-l-one", t_leet, K_WORD, "l1", 0, 0, NULL);
	add("leet-l-pipe", t_leet, K_WORD, "l|", 0, 0, NULL);
	add("leet-g-nine", t_leet, K_WORD, "g9", 0, 0, NULL);
	add("leet-g-six", t_leet, K_WORD, "g6", 0, 0, NULL);

	add("right-to-left-override", t_rlo, K_ALL, NULL, 0, 0, NULL);
	add("html-decimal", t_markup, K_ALL, NULL, 0, 0, NULL);
	add("html-hex", t_markup, K_ALL, NULL, 0, 1, NULL);
	add("percent-encoding", t_markup, K_ALL, NULL, 0, 2, NULL);
	add("html-named", t_named, K_ALL, NULL, 0, 0, NULL);
	add("mailto", t_mailto, K_EMAIL, NULL, 0, 0, NULL);
}

/* Spelling variants people use for the rude words of the policy: the key's target is
 * the variant itself. */
static const struct { const char *family, *variant; } SPELLINGS[] = {
    {"spelling-phonetic", "phuk"},      {"spelling-phonetic", "phuck"},
    {"spelling-phonetic", "fuk"},       {"spelling-phonetic", "shyt"},
    {"spelling-phonetic", "azz"},       {"spelling-phonetic", "azzhole"},
    {"spelling-phonetic", "biatch"},    {"spelling-q-for-ck", "fuq"},
    {"spelling-cc-for-ck", "fucc"},     {"spelling-x-for-vowel", "fxck"},
    {"spelling-x-for-vowel", "shxt"},   {"spelling-no-vowel", "fck"},
    {"spelling-no-vowel", "sht"},       {"spelling-no-vowel", "btch"},
    {"spelling-abbreviation-es", "hdp"}, {"spelling-abbreviation-es", "ptm"},
    {"spelling-abbreviation-es", "mrd"}, {"spelling-abbreviation-es", "ctm"},
    {"spelling-abbreviation-es", "csm"}, {"spelling-abbreviation-es", "qliao"},
    {"spelling-abbreviation-es", "qlo"}, {"spelling-j-for-g", "jilipollas"},
    {"spelling-y-for-ll", "gilipoyas"},  {"spelling-y-for-ll", "jilipoyas"},
    {"spelling-accent-dropped", "cabron"}, {"spelling-accent-dropped", "guevon"},
    {"spelling-accent-dropped", "huevon"}, {"spelling-accent-added", "púta"},
    {"spelling-accent-added", "miérda"},  {"spelling-k-for-c", "kabrón"},
    {"spelling-k-for-c", "kulero"},       {"spelling-glued", "hijoputa"},
    {"spelling-glued", "hijueputa"},      {"spelling-glued", "hijaputa"}};

/* ------------------------------------------------------------ screening */

static const char *const CARRIERS[8][2] = {
    [K_WORD] = {"ok so %s, see you on Monday", "bueno %s, nos vemos el lunes"},
    [K_DIGITS] = {"my card is %s, thanks", "mi tarjeta es %s, gracias"},
    [K_EMAIL] = {"write to me at %s today", "escr\u00edbeme a %s hoy"},
};
static const char *const PHONE_CARRIERS[2] = {"call me at %s tonight",
                                              "ll\u00e1mame al %s esta noche"};

/* Builds "prefix DISGUISED suffix" from a carrier; the region is moved into the post. */
static size_t build_post(const char *carrier, const dbuf *d, char *post, size_t cap,
                         size_t *rs, size_t *re)
{
	const char *hole = strstr(carrier, "%s");
	size_t pre = (size_t)(hole - carrier), post_len = strlen(hole + 2);
	ck_assert_uint_lt(pre + d->n + post_len, cap);
	memcpy(post, carrier, pre);
	memcpy(post + pre, d->b, d->n);
	memcpy(post + pre + d->n, hole + 2, post_len);
	*rs = pre + (d->region_set ? d->rs : 0);
	*re = pre + (d->region_set ? d->re : d->n);
	return pre + d->n + post_len;
}

static int is_boundary(const char *post, size_t len, size_t at)
{
	return at == 0 || at == len || ((unsigned char)post[at] & 0xC0) != 0x80;
}

typedef struct {
	mesura_scanner *scanner;
	size_t split_findings; /* findings whose ends split a UTF-8 sequence (never allowed) */
} screen;

static const mesura_result *scan_post(screen *sc, const char *post, size_t len)
{
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(sc->scanner, post, len, 0, &r), MESURA_OK);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (!is_boundary(post, len, mesura_result_finding_get(r, i)->start) ||
		    !is_boundary(post, len, mesura_result_finding_get(r, i)->end))
			sc->split_findings++;
	return r;
}

/* 2: a finding of the category covers [rs, re); 1: one overlaps it; 0: none. */
static int coverage(const mesura_result *r, const char *category, size_t rs, size_t re)
{
	int best = 0;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (strcmp(f->category, category) != 0 || f->end <= rs || f->start >= re)
			continue;
		best = f->start <= rs && f->end >= re ? 2 : best > 1 ? best : 1;
	}
	return best;
}

/* Screens the disguised target in both carriers: caught when both cover it. */
static int screen_cell(screen *sc, const char *const carriers[2], const dbuf *d,
                       const char *category, int *partial)
{
	int caught = 1;
	*partial = 0;
	for (int lang = 0; lang < 2; lang++) {
		char post[4300];
		size_t rs, re, len = build_post(carriers[lang], d, post, sizeof post, &rs, &re);
		int c = coverage(scan_post(sc, post, len), category, rs, re);
		if (c < 2)
			caught = 0;
		if (c == 1)
			*partial = 1;
	}
	return caught;
}

/* ------------------------------------------------------------ known misses */

typedef struct {
	char **keys;
	int *seen;
	size_t n;
} keylist;

static void load_known(keylist *k)
{
	size_t len;
	char *text = tu_read_file(tu_data_path("disguises-known-misses.txt"), &len);
	k->keys = calloc(len + 1, sizeof *k->keys);
	k->seen = calloc(len + 1, sizeof *k->seen);
	k->n = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		ck_assert_msg(strchr(line, '\t'), "known misses: not technique<TAB>target: %s", line);
		k->keys[k->n++] = strdup(line);
	}
	free(text);
}

static int take_known(keylist *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->keys[i], key) == 0 && !k->seen[i]) {
			k->seen[i] = 1;
			return 1;
		}
	return 0;
}

static void free_known(keylist *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
	free(k->seen);
}

/* One technique's row of the printed table. */
typedef struct {
	size_t cells, caught;
	char missed[600];
} row;

static void row_miss(row *rw, const char *tname, int partial)
{
	size_t n = strlen(rw->missed);
	snprintf(rw->missed + n, sizeof rw->missed - n, " %s%s", tname, partial ? "(partial)" : "");
}

typedef struct {
	keylist known;
	tu_tally tally;
	size_t cells, caught;
} matrix;

static void record(matrix *m, row *rw, const char *tech, const char *tname, int caught,
                   int partial)
{
	char key[200];
	snprintf(key, sizeof key, "%s\t%s", tech, tname);
	int listed = take_known(&m->known, key);
	m->cells++;
	rw->cells++;
	m->tally.checks++;
	if (caught) {
		m->caught++;
		rw->caught++;
		if (listed)
			tu_tally_fail(&m->tally, "now caught, delete from the known misses: %s\t%s",
			              tech, tname);
	} else {
		row_miss(rw, tname, partial);
		printf("MISS\t%s\t%s\n", tech, tname);
		if (!listed)
			tu_tally_fail(&m->tally, "missed, not a known miss: %s\t%s%s", tech,
			              tname, partial ? " (a finding covers part of it)" : "");
	}
}

static void print_row(const char *tech, const row *rw)
{
	if (rw->cells)
		printf("  %-40s %3zu/%-3zu%s%s\n", tech, rw->caught, rw->cells,
		       rw->caught < rw->cells ? "  missed:" : "", rw->missed);
}

static mesura_scanner *default_scanner(void)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_default(&p, &d, NULL), MESURA_OK);
	mesura_diagnostics_free(d);
	mesura_scanner *s = NULL;
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	mesura_policy_free(p);
	return s;
}

static void load_ucd(void)
{
	ucd_text = tu_read_file(UCD_PATH, &ucd_len);
}

/* ------------------------------------------------------------ negatives */

/* Ordinary posts with the words, numbers and separators the disguises use. */
static const char *const ORDINARY[] = {
    "Scunthorpe United won 2-1 on Saturday",
    "The assassin in the new series is brilliant",
    "Mi computadora nueva lleg\u00f3 ayer por fin",
    "Reuni\u00f3n con Cabrera a las 10:30 en la sala 4",
    "Classic cocktail night in Essex with the team",
    "La disputa del contrato se resolvi\u00f3 ayer",
    "Price: $1,299.99 (was \u20ac1.499,00), 30% off this week",
    "100% cotton, 50%off today only, 2x1 in socks",
    "Meeting on 12/05/2024 at 10:00, room 4/5",
    "El 12.05.2024 a las 9:15 en la planta 3",
    "Release v4.5.3 and 2.0.1-rc1 are out, see 10.2.1.4532 for the fix",
    "R&amp;D and Q&amp;A sessions with AT&T at 5pm",
    "rock 'n' roll | jazz \u00b7 blues \u2022 soul / funk",
    "see you\non Monday\r\nbye",
    "name\tteam\tcity\nLucia\tsales\tMadrid",
    "Great job team \U0001F44F\U0001F3FD \U0001F389 \U0001F469\u200D\U0001F4BB",
    "Nos vemos en la oficina \u2014 planta 2 \u2013 sala 7",
    "Ticket 2024-0512-0930 is closed",
    "Tel\u00e9fono de la centralita: 900 123 456",
    "Line one\u2028line two of the poem",
};

/* Innocent words that hold or resemble rude ones, for the same disguises. */
static const char *const INNOCENT[] = {"scunthorpe", "assassin", "computadora", "cabrera",
                                       "classic", "disputa", "therapist", "shitake"};

/* Ordinary numbers (dates, prices, versions) for the digit disguises. */
static const char *const ORDINARY_NUMBERS[] = {
    "the meeting is on 12/05/2024 at 10:30", "la cena cuesta 1.299,99 euros",
    "version 4.5.3 ships on 2024-05-12", "we grew 18% to 3,450 users in Q3"};

static void check_clean(matrix *m, screen *sc, const char *id, const char *post, size_t len)
{
	const mesura_result *r = scan_post(sc, post, len);
	char key[300];
	snprintf(key, sizeof key, "false-alarm\t%s", id);
	int listed = take_known(&m->known, key);
	m->tally.checks++;
	if (mesura_result_finding_count(r) && !listed)
		tu_tally_fail(&m->tally, "false alarm (%s, %s): %s", mesura_result_finding_get(r, 0)->rule_id, id, post);
	if (mesura_result_finding_count(r))
		printf("FALSE-ALARM\t%s\t%s\n", id, mesura_result_finding_get(r, 0)->rule_id);
	if (!mesura_result_finding_count(r) && listed)
		tu_tally_fail(&m->tally, "no longer a false alarm, delete from the list: %s", id);
}

static size_t negatives(matrix *m, screen *sc)
{
	size_t n = 0;
	char id[200];
	for (size_t i = 0; i < sizeof ORDINARY / sizeof *ORDINARY; i++, n++) {
		snprintf(id, sizeof id, "ordinary-%zu", i + 1);
		check_clean(m, sc, id, ORDINARY[i], strlen(ORDINARY[i]));
	}
	/* The word disguises applied to innocent words. */
	for (size_t w = 0; w < sizeof INNOCENT / sizeof *INNOCENT; w++) {
		target t = {INNOCENT[w], K_WORD, "", {0}, {0}};
		snprintf(t.plain, sizeof t.plain, "%s", INNOCENT[w]);
		for (size_t k = 0; k < n_techniques; k++) {
			dbuf d = {0};
			if (!(techniques[k].kinds & K_WORD) || !techniques[k].apply(&techniques[k], &t, &d))
				continue;
			for (int lang = 0; lang < 2; lang++, n++) {
				char post[4300];
				size_t rs, re, len = build_post(CARRIERS[K_WORD][lang], &d, post, sizeof post,
				                                &rs, &re);
				snprintf(id, sizeof id, "%s %s %s", techniques[k].name, INNOCENT[w],
				         lang ? "es" : "en");
				check_clean(m, sc, id, post, len);
			}
		}
	}
	/* Dates, prices and versions in every digit script. */
	for (size_t s = 0; s < sizeof DIGIT_SCRIPTS / sizeof *DIGIT_SCRIPTS; s++) {
		for (size_t i = 0; i < sizeof ORDINARY_NUMBERS / sizeof *ORDINARY_NUMBERS; i++, n++) {
			dbuf d = {0};
			for (const char *c = ORDINARY_NUMBERS[i]; *c; c++)
				if (is_digit((unsigned char)*c))
					putcp(&d, DIGIT_SCRIPTS[s].zero + (uint32_t)(*c - '0'));
				else
					put(&d, c, 1);
			snprintf(id, sizeof id, "%s number-%zu", DIGIT_SCRIPTS[s].name, i + 1);
			check_clean(m, sc, id, d.b, d.n);
		}
	}
	return n;
}

/* ------------------------------------------------------------ the test */

START_TEST(digit_scripts_are_unicode_digits)
{
	load_ucd();
	for (size_t s = 0; s < sizeof DIGIT_SCRIPTS / sizeof *DIGIT_SCRIPTS; s++)
		for (uint32_t v = 0; v < 10; v++)
			ck_assert_msg(ucd_digit_value(DIGIT_SCRIPTS[s].zero + v) == (int)v,
			              "%s: U+%04X is not the Nd digit %u", DIGIT_SCRIPTS[s].name,
			              (unsigned)(DIGIT_SCRIPTS[s].zero + v), (unsigned)v);
	free(ucd_text);
}
END_TEST

START_TEST(disguise_matrix)
{
	load_ucd();
	make_lookalikes();
	make_targets();
	make_techniques();

	matrix m = {.tally = {"disguises", 0, 0}};
	load_known(&m.known);
	screen sc = {default_scanner(), 0};

	printf("disguise matrix (technique: caught/cells, the targets missed):\n");
	for (size_t k = 0; k < n_techniques; k++) {
		row rw = {0};
		for (size_t i = 0; i < n_targets; i++) {
			const target *t = &targets[i];
			dbuf d = {0};
			if (!(techniques[k].kinds & t->kind) || !techniques[k].apply(&techniques[k], t, &d))
				continue;
			const char *const *carriers =
			    strcmp(t->name, "phone") == 0 ? PHONE_CARRIERS : CARRIERS[t->kind];
			int partial;
			int caught = screen_cell(&sc, carriers, &d, t->category, &partial);
			record(&m, &rw, techniques[k].name, t->name, caught, partial);
		}
		print_row(techniques[k].name, &rw);
	}
	const char *family = NULL;
	row rw = {0};
	for (size_t i = 0; i < sizeof SPELLINGS / sizeof *SPELLINGS; i++) {
		if (family && strcmp(family, SPELLINGS[i].family) != 0) {
			print_row(family, &rw);
			memset(&rw, 0, sizeof rw);
		}
		family = SPELLINGS[i].family;
		dbuf d = {0};
		puts_(&d, SPELLINGS[i].variant);
		int partial;
		int caught = screen_cell(&sc, CARRIERS[K_WORD], &d, "profanity", &partial);
		record(&m, &rw, family, SPELLINGS[i].variant, caught, partial);
	}
	print_row(family, &rw);

	printf("disguises: %zu of %zu cells caught (%.1f%%)\n", m.caught, m.cells,
	       100.0 * (double)m.caught / (double)m.cells);
	size_t n_clean = negatives(&m, &sc);
	printf("disguises: %zu ordinary posts and disguised innocent words screened\n", n_clean);

	for (size_t i = 0; i < m.known.n; i++)
		if (!m.known.seen[i])
			tu_tally_fail(&m.tally, "known miss that is no cell of the matrix: %s",
			              m.known.keys[i]);
	ck_assert_msg(sc.split_findings == 0, "%zu findings split a UTF-8 sequence",
	              sc.split_findings);
	mesura_scanner_free(sc.scanner);
	free_known(&m.known);
	free(ucd_text);
	tu_tally_finish(&m.tally, "cells and clean posts");
}
END_TEST

static Suite *disguises_suite(void)
{
	Suite *s = suite_create("disguises");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, digit_scripts_are_unicode_digits);
	tcase_add_test(tc, disguise_matrix);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(disguises_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
