/* UAX #29 sentence boundaries, Unicode 15.0 (https://www.unicode.org/reports/tr29/tr29-41.html#Sentence_Boundaries).
 *
 * One forward pass over the characters that SB5 does not absorb (Extend and Format
 * stay with the character before them, but after a paragraph separator or at the
 * start), carrying what the rules need to know about the past:
 *   prev, prev2  the last two such characters' Sentence_Break (SB3, SB4, SB6, SB7);
 *   phase        1 after "SATerm Close*", 2 after "SATerm Close* Sp+" (SB8-SB11);
 *   aterm        that terminator was an ATerm (a full stop: SB8 applies).
 * SB8 ("ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower")
 * looks ahead once per terminator, and stops at the next letter, separator or
 * terminator, so no text is read twice by it.
 *
 * Tailoring (as CLDR's sentence-break suppressions): after a full stop that ends one
 * of ABBREVIATIONS (case-insensitive, the word and any inner dots: "e.g"), SB11 does
 * not break: "Mr. Smith", "Sra. García", "vs. Q2". Only words that seldom end a
 * sentence: "etc." and "no." often do, and are not listed.
 */
#include "sentence.h"

#include <string.h>

#include "text/ascii.h"
#include "text/text.h"

#include "sentencebreak_table.inc"

#define BIT(v) (1u << (v))
#define PARASEP (BIT(SB_SEP) | BIT(SB_CR) | BIT(SB_LF))
#define SATERM (BIT(SB_STERM) | BIT(SB_ATERM))
#define LETTERS (BIT(SB_UPPER) | BIT(SB_LOWER) | BIT(SB_OLETTER))
#define IS(set, v) (((set) & BIT(v)) != 0)

mesura_sb mesura_tokens__sentence_break(int32_t cp)
{
	if ((uint32_t)cp >= SB_TABLE_LIMIT) /* ill-formed (-1) included */
		return SB_OTHER;
	uint32_t c = (uint32_t)cp;
	return (mesura_sb)sb_stage2[((size_t)sb_stage1[c >> SB_TABLE_SHIFT] << SB_TABLE_SHIFT) |
	                            (c & ((1u << SB_TABLE_SHIFT) - 1))];
}

/* The Sentence_Break of the character at s[i]; *n is its length in bytes. */
static mesura_sb sb_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	if (s[i] < 0x80) {
		*n = 1;
		return (mesura_sb)sb_ascii[s[i]];
	}
	int32_t cp;
	*n = mesura_utf8__decode(s, len, i, &cp);
	return mesura_tokens__sentence_break(cp);
}

/* SB8's look-ahead from s[i]: whether a Lower comes before any OLetter, Upper,
 * ParaSep or SATerm. */
static int lower_ahead(const unsigned char *s, size_t len, size_t i)
{
	for (size_t n; i < len; i += n) {
		mesura_sb v = sb_at(s, len, i, &n);
		if (v == SB_LOWER)
			return 1;
		if (IS(BIT(SB_OLETTER) | BIT(SB_UPPER) | PARASEP | SATERM, v))
			return 0;
	}
	return 0;
}

/* Words that a full stop ends without ending the sentence, lower case, inner dots
 * kept: titles, "versus", Latin and Spanish abbreviations common in business posts. */
static const char *const ABBREVIATIONS[] = {
	"mr", "mrs", "ms", "dr", "prof", "sr", "sra", "srta", "dra", "jr", "st", "vs", "inc",
	"ltd", "corp", "co", "approx", "aprox", "e.g", "i.e", "ud", "uds", "vd", "vds",
	"d\xc3\xb1" "a", "lic", "ing", "n\xc3\xba" "m", "p\xc3\xa1" "g", "fig", "dept", "avda",
	NULL};

static int is_abbreviation(const unsigned char *s, size_t start, size_t end)
{
	for (const char *const *a = ABBREVIATIONS; *a; a++) {
		size_t n = strlen(*a), k = 0;
		if (n != end - start)
			continue;
		while (k < n && (s[start + k] >= 'A' && s[start + k] <= 'Z' ? s[start + k] | 0x20
		                                                           : s[start + k]) ==
		                    (unsigned char)(*a)[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

typedef struct {
	mesura_sb prev, prev2;
	int phase, aterm;
	int in_word;              /* the last characters are letters (and inner full stops) */
	size_t word_start;        /* where they start */
	size_t abbr_start, abbr_end; /* the word a full stop ended (abbr_end: the stop) */
} sb_state;

/* Whether there is a boundary before the character v at s[i] (not Extend or Format,
 * not the first one): SB3, SB4 and SB6-SB11 (SB5 is the caller's). */
static int breaks_before(const sb_state *t, const unsigned char *s, size_t len, size_t i,
                         mesura_sb v, int tailored)
{
	if (t->prev == SB_CR && v == SB_LF)
		return 0; /* SB3 */
	if (IS(PARASEP, t->prev))
		return 1; /* SB4 */
	if (t->prev == SB_ATERM && v == SB_NUMERIC)
		return 0; /* SB6 */
	if (t->prev == SB_ATERM && v == SB_UPPER && IS(BIT(SB_UPPER) | BIT(SB_LOWER), t->prev2))
		return 0; /* SB7 */
	if (!t->phase)
		return 0; /* SB998 */
	if (t->aterm && (v == SB_LOWER || (!IS(LETTERS | PARASEP | SATERM, v) &&
	                                   lower_ahead(s, len, i))))
		return 0; /* SB8 */
	if (IS(BIT(SB_SCONTINUE) | SATERM, v))
		return 0; /* SB8a */
	if (t->phase == 1 && IS(BIT(SB_CLOSE) | BIT(SB_SP) | PARASEP, v))
		return 0; /* SB9 */
	if (IS(BIT(SB_SP) | PARASEP, v))
		return 0; /* SB10 */
	if (tailored && t->aterm && t->abbr_end > t->abbr_start &&
	    is_abbreviation(s, t->abbr_start, t->abbr_end))
		return 0;
	return 1; /* SB11 */
}

/* Takes character v at s[i] into the state. */
static void step(sb_state *t, size_t i, mesura_sb v)
{
	if (IS(SATERM, v)) {
		t->abbr_start = t->abbr_end = 0;
		if (v == SB_ATERM && t->in_word && IS(LETTERS, t->prev)) {
			t->abbr_start = t->word_start;
			t->abbr_end = i;
		}
		t->phase = 1;
		t->aterm = v == SB_ATERM;
	} else if (v == SB_CLOSE) {
		t->phase = t->phase == 1;
	} else if (v == SB_SP) {
		t->phase = t->phase ? 2 : 0;
	} else {
		t->phase = 0;
	}
	if (IS(LETTERS, v)) {
		if (!t->in_word)
			t->word_start = i;
		t->in_word = 1;
	} else if (!(v == SB_ATERM && IS(LETTERS, t->prev))) {
		t->in_word = 0; /* a full stop after a letter may be inside "e.g" */
	}
	t->prev2 = t->prev;
	t->prev = v;
}

int mesura_tokens__sentences(const unsigned char *s, size_t len, int tailored,
                             mesura_sentence_fn on_break, void *payload)
{
	int rc = on_break(0, payload);
	sb_state t;
	memset(&t, 0, sizeof t);
	for (size_t i = 0, n; i < len && !rc; i += n) {
		mesura_sb v = sb_at(s, len, i, &n);
		if (i > 0 && IS(BIT(SB_EXTEND) | BIT(SB_FORMAT), v) && !IS(PARASEP, t.prev))
			continue; /* SB5: part of the character before */
		if (i > 0 && breaks_before(&t, s, len, i, v, tailored))
			rc = on_break(i, payload);
		step(&t, i, v);
	}
	return rc ? rc : len ? on_break(len, payload) : 0;
}
