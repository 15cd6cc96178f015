/*
 * Where words begin and end in the original text: the post's tokens and their
 * boundaries, the whole-word test (most hits answered from the bytes around them, the
 * rest by the tokenizer), hits widened to whole grapheme clusters, and a view read with
 * its joiners ('_', '-') as spaces.
 */
#include <string.h>

#include "boundaries.h"
#include "mesura/errors.h"
#include "text/chunk.h"
#include "text/grapheme.h"
#include "text/text.h"
#include "tokens/tokenize.h"
#include "tokens/wordbreak.h"

/* Tokenizes the post (once) and marks every token start and end, overlays included,
 * so the words inside #NoMásAbusos and the spaced "f u c k" are whole words too. */
int mesura_scan__tokenize_post(mesura_scanner *s)
{
	if (s->tokenized)
		return MESURA_OK;
	void *b = s->boundary;
	int rc = mesura_alloc__grow(&s->alloc, &b, &s->boundary_cap, s->len + 1, 1);
	if (rc != MESURA_OK)
		return rc;
	s->boundary = b;
	memset(s->boundary, 0, s->len + 1);
	rc = mesura_tokenize(s->tokens, s->text, s->len, MESURA_TOKENIZE_ALL);
	if (rc != MESURA_OK)
		return rc;
	spend(s, s->len + mesura_tokens__steps(s->tokens));
	size_t n;
	const mesura_token *t = mesura_tokens__array(s->tokens, &n);
	for (size_t i = 0; i < n; i++) {
		size_t start = t[i].start;
		if (t[i].type == MESURA_TOKEN_MENTION || t[i].type == MESURA_TOKEN_HASHTAG ||
		    t[i].type == MESURA_TOKEN_CASHTAG)
			start++; /* after the sigil: "#fuck" holds the word "fuck" */
		s->boundary[start] = 1;
		s->boundary[t[i].start] = 1;
		s->boundary[t[i].end] = 1;
	}
	s->tokenized = 1;
	return MESURA_OK;
}

/* Whether offset `at` is the end of the text or white space. */
static int is_space_or_end(const mesura_scanner *s, size_t at)
{
	return at >= s->len || ascii_is_space((unsigned char)s->text[at]);
}

/* Whether the character that ends at t[end - 1] is surely not white space, nor a
 * combining mark or format character that white space before it would hold (an ASCII
 * one, or a two-byte one from U+00C0 to U+02FF: Latin letters and modifiers). */
static int is_plain_char_before(const unsigned char *t, size_t start, size_t end)
{
	size_t last = end - 1;
	while (last > start && (t[last] & 0xC0) == 0x80)
		last--;
	if (t[last] < 0x80)
		return !ascii_is_space(t[last]);
	return t[last] >= 0xC3 && t[last] <= 0xCB && end - last == 2;
}

/* The same for the character that starts at t[at]. */
static int is_plain_char_at(const unsigned char *t, size_t len, size_t at)
{
	if (t[at] < 0x80)
		return !ascii_is_space(t[at]);
	return t[at] >= 0xC3 && t[at] <= 0xCB && at + 1 < len && (t[at + 1] & 0xC0) == 0x80;
}

/* Punctuation that ends a word before white space: "word," "word." "word!)". */
static int is_closing(unsigned char ch)
{
	return ch && strchr(",.!?;:)]}>\"", ch) != NULL;
}

/* Punctuation that opens a word after white space: "(word" "\"word" "[word". */
static int is_opening(unsigned char ch)
{
	return ch && strchr("([{<\"", ch) != NULL;
}

/* Whether the post may hold a hashtag, whose parts are words of their own. */
static int may_have_hashtag(mesura_scanner *s)
{
	if (!s->has_hash_known) {
		const unsigned char *t = (const unsigned char *)s->text, *p = t;
		s->has_hash = memchr(t, '#', s->len) != NULL;
		while (!s->has_hash && (p = memchr(p, 0xEF, s->len - (size_t)(p - t))) != NULL) {
			s->has_hash = t + s->len - p >= 3 && p[1] == 0xBC && p[2] == 0x83; /* ＃ */
			p++;
		}
		s->has_hash_known = 1;
	}
	return s->has_hash;
}

/* The upper-case ASCII letter at t[at] stays in one hashtag part with the upper-case
 * letter before it unless a lower-case letter follows it (#NASAMission splits before
 * the M): whether the next character is surely none. */
static int no_lower_after(const mesura_scanner *s, size_t at)
{
	const unsigned char *t = (const unsigned char *)s->text;
	return at + 1 >= s->len || (t[at + 1] < 0x80 && !(t[at + 1] >= 'a' && t[at + 1] <= 'z'));
}

/* Whether no boundary can fall between the ASCII letters or digits at t[at - 1] and
 * t[at]: they are one word (UAX #29 WB5, WB8-WB10; URLs, mentions and e-mail
 * addresses hold them together too), except inside a hashtag, whose parts split at
 * camelCase, before the last capital of an acronym and between letters and digits;
 * even there a lower-case letter after a letter, a digit after a digit, or a capital
 * after a capital that no lower-case letter follows stays joined. */
static int alnum_joined(mesura_scanner *s, size_t at)
{
	const unsigned char *t = (const unsigned char *)s->text;
	unsigned char x = t[at - 1], y = t[at];
	if (ascii_is_digit(x) || ascii_is_digit(y)) {
		if (ascii_is_digit(x) && ascii_is_digit(y))
			return 1;
	} else if ((y >= 'a' && y <= 'z') ||
	           (x >= 'A' && x <= 'Z' && y >= 'A' && y <= 'Z' && no_lower_after(s, at))) {
		return 1;
	}
	return !may_have_hashtag(s);
}

/* Whether the ASCII letters and digits that end at t[at] are a word of their own that
 * starts after white space, an opening bracket or quote, or at the start of the text:
 * then no social token (which starts at a word start) can end inside or right after
 * it ("x.es'fuck" has a URL that ends at the quote, "#ain't" a hashtag). */
static int plain_word_before(const unsigned char *t, size_t at)
{
	size_t i = at;
	while (i > 0 && ascii_is_alnum(t[i - 1]))
		i--;
	return i == 0 || ascii_is_space(t[i - 1]) || is_opening(t[i - 1]);
}

/* ASCII punctuation that UAX #29 keeps inside a word between letters. */
static int is_mid_letter(unsigned char ch)
{
	return ch == '.' || ch == '\'' || ch == ':';
}

/* Whether the tokenizer surely puts no boundary at offset `at` (0 < at < len), from the
 * bytes around it: between two ASCII letters or digits (alnum_joined), and around
 * . ' : between two ASCII letters, which UAX #29 keeps in one word (WB6, WB7:
 * "example.com", "ain't"), when the word before is plain (plain_word_before). */
static int joined_at(mesura_scanner *s, size_t at)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (ascii_is_alnum(t[at - 1]) && ascii_is_alnum(t[at]))
		return alnum_joined(s, at);
	if (at + 1 < s->len && is_mid_letter(t[at]) && ascii_is_letter(t[at - 1]) &&
	    ascii_is_letter(t[at + 1]))
		return plain_word_before(t, at); /* "ain|'t" */
	if (at >= 2 && is_mid_letter(t[at - 1]) && ascii_is_letter(t[at - 2]) &&
	    ascii_is_letter(t[at]))
		return plain_word_before(t, at - 1); /* "example.|com" */
	return 0;
}

/* Whether a token surely starts at `start` (> 0): after white space, or after opening
 * punctuation that white space or the start of the text precedes, and not on white
 * space or a mark. */
static int clear_start(const mesura_scanner *s, size_t start)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (!is_plain_char_at(t, s->len, start))
		return 0;
	if (ascii_is_space(t[start - 1]))
		return 1;
	return is_opening(t[start - 1]) && (start == 1 || ascii_is_space(t[start - 2]));
}

/* Whether a token surely ends at `end` (< len): before white space, or before closing
 * punctuation ("done!\"", "good.\"") that white space or the end of the text follows,
 * and not after white space or a mark. */
static int clear_end(const mesura_scanner *s, size_t start, size_t end)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (!is_plain_char_before(t, start, end))
		return 0;
	size_t after = end;
	while (after < s->len && after - end < 4 && is_closing(t[after]))
		after++;
	return is_space_or_end(s, after);
}

/* Whether [start, end) of the original text is whole words: both ends on token
 * boundaries. Most hits are words between spaces, perhaps with punctuation between,
 * or parts of longer words: those are answered without tokenizing the post. UAX #29
 * always breaks next to white space, except before a combining mark or format
 * character, and between any character and punctuation that closes a word before
 * white space (the MidLetter and MidNum rules need a letter or digit after it); no
 * social token holds white space. A hit that starts or ends with white space (a
 * regex's \s) is inside a run of it, one token; such hits, and the rest, ask the
 * tokenizer. *whole receives the answer. */
int mesura_scan__is_whole_words(mesura_scanner *s, size_t start, size_t end, int *whole)
{
	if (!s->exhaustive && end > start) {
		if ((start > 0 && joined_at(s, start)) || (end < s->len && joined_at(s, end))) {
			*whole = 0;
			return MESURA_OK;
		}
		if ((start == 0 || clear_start(s, start)) &&
		    (end == s->len || clear_end(s, start, end))) {
			*whole = 1;
			return MESURA_OK;
		}
	}
	int rc = mesura_scan__tokenize_post(s);
	*whole = rc == MESURA_OK && s->boundary[start] && s->boundary[end];
	return rc;
}

/* Whether offset `at` lies between two ASCII characters other than CR LF (or at an end
 * of the text next to one): then a cluster boundary lies there and no character that
 * joins the one before it follows, which is all widen_to_clusters asks in most posts. */
static int ascii_boundary(const unsigned char *t, size_t len, size_t at)
{
	return (at == 0 || t[at - 1] < 0x80) && (at == len || t[at] < 0x80) &&
	       !(at > 0 && at < len && t[at - 1] == '\r' && t[at] == '\n');
}

/* The cluster around `at` (mesura_text__cluster_around), from the last one found when
 * `at` lies inside it: hits inside one long cluster (a run of marks) read it once. */
static void cluster_around(mesura_scanner *s, size_t at, size_t *start, size_t *end)
{
	if (s->cluster_lo < at && at < s->cluster_hi) {
		*start = s->cluster_lo;
		*end = s->cluster_hi;
		return;
	}
	uint64_t steps = 0;
	mesura_text__cluster_around((const unsigned char *)s->text, s->len, at, start, end,
	                            &steps);
	spend(s, steps);
	if (*start < at && at < *end) {
		s->cluster_lo = *start;
		s->cluster_hi = *end;
	}
}

/* Whether the character at `at` (> 0) is one that the word rules attach to the
 * character before it (UAX #29 WB4: Extend, Format, ZWJ), which is no line break
 * (WB3a-b); *n its length. */
static int attaches_to_word(const mesura_scanner *s, size_t at, size_t *n)
{
	const unsigned char *t = (const unsigned char *)s->text;
	int32_t cp, before;
	*n = mesura_utf8__decode(t, s->len, at, &cp);
	mesura_wb wb = mesura_tokens__word_break(cp);
	if (wb != WB_EXTEND && wb != WB_FORMAT && wb != WB_ZWJ)
		return 0;
	size_t b = at - 1;
	while (b > 0 && at - b < 4 && (t[b] & 0xC0) == 0x80)
		b--;
	if (mesura_utf8__decode(t, s->len, b, &before) != at - b)
		return 1; /* after an ill-formed sequence: no line break */
	wb = mesura_tokens__word_break(before);
	return wb != WB_CR && wb != WB_LF && wb != WB_NEWLINE;
}

/* A view's characters map back to whole characters of the post, but not always to
 * whole grapheme clusters: "fuck" followed by a soft hyphen, a ZWJ, a variation
 * selector, a CGJ, a combining mark or an emoji modifier is "fuck" in a view that
 * drops them, and the original ends one cluster later. The span grows to whole
 * clusters (UAX #29), and its end past the format, extend and ZWJ characters that the
 * word rules attach to the word before them (a soft hyphen or a word joiner is a
 * cluster of its own), so that the whole-word check asks about the word as written and
 * redaction covers all of it. */
void mesura_scan__widen_to_clusters(mesura_scanner *s, size_t *start, size_t *end)
{
	const unsigned char *t = (const unsigned char *)s->text;
	size_t lo, hi, n;
	if (*end <= *start)
		return;
	if (!ascii_boundary(t, s->len, *start)) {
		cluster_around(s, *start, &lo, &hi);
		*start = lo;
	}
	if (ascii_boundary(t, s->len, *end))
		return;
	cluster_around(s, *end, &lo, &hi);
	while (hi < s->len && hi > 0 && attaches_to_word(s, hi, &n))
		cluster_around(s, hi + n, &lo, &hi);
	*end = hi;
}

/* A word character around a joiner: an ASCII letter or digit, or a byte of any other
 * character (a letter, mostly: a phrase must still match around it). */
static int is_joinable(unsigned char ch)
{
	return ch >= 0x80 || ascii_is_alnum(ch);
}

static int is_joiner_at(const unsigned char *t, size_t len, size_t i)
{
	return i > 0 && i + 1 < len && is_joinable(t[i - 1]) && is_joinable(t[i + 1]) &&
	       !(ascii_is_digit(t[i - 1]) && ascii_is_digit(t[i + 1]));
}

/* Reads the joiner at t[i] (of a text of `len` bytes) as a space in s->spaced, which is
 * a copy of t once `copied`; returns whether it is. */
static int space_joiner(mesura_scanner *s, const unsigned char *t, size_t len, size_t i,
                        int copied)
{
	if (!is_joiner_at(t, len, i))
		return copied;
	if (!copied)
		memcpy(s->spaced, t, len);
	s->spaced[i] = ' ';
	return 1;
}

static chunk joiners_in(chunk x)
{
	return chunk_or(chunk_eq(x, '_'), chunk_eq(x, '-'));
}

/* The same for every joiner ('_' and '-') of t[from..to), in one pass a chunk of bytes
 * at a time: most posts have few. */
static int space_joiners(mesura_scanner *s, const unsigned char *t, size_t len, size_t from,
                         size_t to, int copied)
{
	size_t i = from;
	for (; i + CHUNK <= to; i += CHUNK)
		for (unsigned bits = chunk_bits(joiners_in(chunk_load(t + i))); bits; bits &= bits - 1)
			copied = space_joiner(s, t, len, i + chunk_lowest_bit(bits), copied);
	if (i < to && to >= CHUNK) {
		unsigned bits = chunk_bits_last(joiners_in(chunk_load_last(t, to)), to, i);
		for (; bits; bits &= bits - 1)
			copied = space_joiner(s, t, len, i + chunk_lowest_bit(bits), copied);
		return copied;
	}
	for (; i < to; i++)
		if (t[i] == '_' || t[i] == '-')
			copied = space_joiner(s, t, len, i, copied);
	return copied;
}

/* Bytes read between two checks of the time budget (as the automaton's search). */
#define JOINER_STRETCH ((size_t)1 << 16)

int mesura_scan__joiners_as_spaces(mesura_scanner *s, const char *text, size_t len,
                                   const char **spaced)
{
	if (s->spaced_from == text && s->spaced_len == len) { /* asked again for this view */
		*spaced = s->spaced_found ? s->spaced : NULL;
		return MESURA_OK;
	}
	*spaced = NULL;
	s->spaced_from = NULL; /* s->spaced is rewritten below */
	void *b = s->spaced;
	int rc = mesura_alloc__grow(&s->alloc, &b, &s->spaced_cap, len ? len : 1, 1);
	if (rc != MESURA_OK)
		return rc;
	s->spaced = b;
	const unsigned char *t = (const unsigned char *)text;
	int found = 0;
	for (size_t from = 0; from < len; from += JOINER_STRETCH) {
		if (out_of_time(s))
			return MESURA_OK; /* no copy, and nothing cached */
		size_t to = len - from < JOINER_STRETCH ? len : from + JOINER_STRETCH;
		found = space_joiners(s, t, len, from, to, found);
		spend(s, to - from);
	}
	s->spaced_from = text;
	s->spaced_len = len;
	s->spaced_found = found;
	*spaced = found ? s->spaced : NULL;
	return MESURA_OK;
}
