/*
 * The tokenizer: UAX #29 word segments, classified, with the tokens of social media
 * recognised on top of them (URLs, e-mails, @mentions, #hashtags, $cashtags), and the
 * overlay readings that defeat simple obfuscation (hashtag parts, spaced-out words).
 *
 * One pass over the text: at each position the next UAX #29 segment is found; a
 * social token may start there and swallow several segments; otherwise the segment
 * becomes a token of its own. The tokens array is reused from call to call, so a
 * warmed-up mesura_tokens allocates nothing.
 */
#include <string.h>
#include <utf8proc.h>

#include "common/alloc.h"
#include "mesura/errors.h"
#include "mesura/tokens.h"
#include "text/ascii.h"
#include "social.h"
#include "text/text.h"
#include "tokenize.h"
#include "wordbreak.h"

struct mesura_tokens {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	mesura_token *items;
	size_t n, cap;
	uint64_t steps; /* work of the last call, in steps of about a byte (mesura_tokens__steps) */
};

int mesura_tokens_new(mesura_tokens **out, const mesura_allocator *allocator)
{
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	return mesura_alloc__new_object((void **)out, sizeof **out, allocator);
}

void mesura_tokens_free(mesura_tokens *tokens)
{
	if (!tokens)
		return;
	mesura_allocator alloc = tokens->alloc;
	mesura_alloc__free(&alloc, tokens->items);
	mesura_alloc__free(&alloc, tokens);
}

uint64_t mesura_tokens__steps(const mesura_tokens *tokens)
{
	return tokens ? tokens->steps : 0;
}

const mesura_token *mesura_tokens__array(const mesura_tokens *tokens, size_t *count)
{
	*count = tokens->n;
	return tokens->items;
}

size_t mesura_tokens_count(const mesura_tokens *tokens)
{
	return tokens ? tokens->n : 0;
}

const mesura_token *mesura_tokens_get(const mesura_tokens *tokens, size_t i)
{
	return i < mesura_tokens_count(tokens) ? &tokens->items[i] : NULL;
}

const char *mesura_token_type_name(mesura_token_type value)
{
	int type = (int)value; /* any int may arrive: an enum holds no promise */
	static const char *const names[] = {"unknown", "word",    "number", "url",
	                                    "email",   "mention", "hashtag", "cashtag",
	                                    "emoji",   "punct",   "symbol",  "space",
	                                    "other"};
	if (type < MESURA_TOKEN_WORD || type > MESURA_TOKEN_OTHER)
		return names[0];
	return names[type];
}

/* ------------------------------------------------------------ building */

typedef struct {
	mesura_tokens *out;
	const unsigned char *s;
	size_t len;
	unsigned int flags;
	size_t spaced_first; /* index of the first token of a pending spaced run */
	size_t spaced_letters;
	int spaced_sep;      /* the run's separator byte, 0 before the second letter */
	/* A UAX #29 segment that tokens start inside (remember_segment), and the last '.'
	 * in it (SIZE_MAX: none; found when first asked for) */
	size_t seg_from, seg_end, seg_dot;
	int seg_dot_known;
} tokenizer;

static inline mesura_token *push(tokenizer *tk, mesura_token_type type, unsigned int flags,
                          size_t start, size_t end)
{
	mesura_tokens *t = tk->out;
	if (t->n == t->cap) {
		void *items = t->items;
		if (mesura_alloc__grow(&t->alloc, &items, &t->cap, t->n + 1, sizeof(mesura_token)) !=
		    MESURA_OK)
			return NULL;
		t->items = items;
	}
	mesura_token *tok = &t->items[t->n++];
	tok->type = type;
	tok->flags = flags;
	tok->start = tok->text_start = start;
	tok->end = tok->text_end = end;
	return tok;
}

/* Inserts an overlay token after the tile token at index `after`, keeping the order
 * of start offsets. */
static int insert_overlay(tokenizer *tk, size_t after, mesura_token_type type,
                          unsigned int flags, size_t start, size_t end)
{
	if (!push(tk, type, flags, start, end))
		return MESURA_ENOMEM;
	mesura_token *items = tk->out->items;
	size_t last = tk->out->n - 1;
	mesura_token overlay = items[last];
	memmove(&items[after + 2], &items[after + 1], (last - after - 1) * sizeof *items);
	items[after + 1] = overlay;
	return MESURA_OK;
}

static int32_t cp_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	int32_t cp;
	if (s[i] < 0x80) {
		*n = 1;
		return s[i];
	}
	*n = mesura_utf8__decode(s, len, i, &cp);
	return cp;
}

/* ------------------------------------------------------------ classes */

static int is_letter(int32_t cp)
{
	if (cp < 0x80)
		return (unsigned)((cp | 0x20) - 'a') < 26u;
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int is_mark(int32_t cp)
{
	if (cp < 0x300)
		return 0;
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}

/* What the views' REMOVE_INVISIBLES drops: the default ignorables and the controls (C0
 * but TAB LF VT FF CR, DEL, C1), so that a word they split stays one word here. NEL is
 * a line break for the tokenizer, as for UAX #29. */
static int is_invisible(int32_t cp)
{
	if (cp < 0xA0)
		return (cp < 0x20 && !(cp >= '\t' && cp <= '\r')) || (cp >= 0x7F && cp != 0x85);
	return utf8proc_get_property(cp)->ignorable;
}

/* Types of one-byte ASCII segments, by general category (values of mesura_token_type). */
static const unsigned char ascii_type[128] = {
	12, 12, 12, 12, 12, 12, 12, 12, 12, 11, 11, 11, 11, 11, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	11, 9, 9, 9, 10, 9, 9, 9, 9, 9, 9, 10, 9, 9, 9, 9,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 9, 9, 10, 10, 10, 9,
	9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 10, 9,
	10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 10, 9, 10, 12,
};

/* Loads a segment of at most 8 bytes as one word, the bytes after it cleared (it may
 * read past the segment, never past the text). Returns 0 when it cannot. */
static int load_short_segment(const unsigned char *s, size_t len, size_t start, size_t end,
                              uint64_t *w)
{
	size_t n = end - start;
	if (n > 8 || len - start < 8)
		return 0;
	*w = ascii_load(s + start) & (n == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * n)) - 1));
	return 1;
}

static int all_ascii(const unsigned char *s, size_t len, size_t start, size_t end)
{
	uint64_t w;
	if (load_short_segment(s, len, start, end, &w))
		return !(w & ASCII_HIGH);
	for (size_t k = start; k < end; k++)
		if (s[k] >= 0x80)
			return 0;
	return 1;
}

/* Whether the segment holds a dot (acme.com is one UAX #29 segment). */
static int has_dot(const unsigned char *s, size_t len, size_t start, size_t end)
{
	uint64_t w;
	if (load_short_segment(s, len, start, end, &w))
		return ascii_has_byte(w & ~ASCII_HIGH, '.') != 0;
	return memchr(s + start, '.', end - start) != NULL;
}

/* The end of the UAX #29 segment that starts at s[i] (i < len), when i lies inside the
 * segment noted last (remember_segment). A social token can start inside a segment
 * ("한x.com" is one), and the tokens after it start there too: where the segment from
 * there is known to end where the one around it does (mesura_tokens__restarts_segment),
 * it is not walked again, or a long segment of such tokens ("한x.com한x.com...") would
 * be walked once per token. Elsewhere (nearly always) the tokenizer asks
 * mesura_tokens__next_word_break itself. */
static size_t segment_inside(tokenizer *tk, size_t i)
{
	if (i > tk->seg_from && mesura_tokens__restarts_segment(tk->s, tk->len, i))
		return tk->seg_end;
	size_t end = mesura_tokens__next_word_break(tk->s, tk->len, i);
	tk->out->steps += end - i; /* read again */
	return end;
}

/* Notes that the tokens go on inside the segment [i, end), unless it lies inside the
 * one noted before (which then holds it whole: mesura_tokens__restarts_segment). */
static void remember_segment(tokenizer *tk, size_t i, size_t end)
{
	if (i < tk->seg_end)
		return;
	tk->seg_from = i;
	tk->seg_end = end;
	tk->seg_dot_known = 0;
}

/* has_dot for [i, end); when that ends the segment noted last, from the last dot of
 * that segment, found once (rather than once per token inside it). */
static inline int segment_has_dot(tokenizer *tk, size_t i, size_t end)
{
	if (end != tk->seg_end || i <= tk->seg_from)
		return has_dot(tk->s, tk->len, i, end);
	if (!tk->seg_dot_known) {
		tk->seg_dot = SIZE_MAX;
		for (size_t k = tk->seg_end; k > tk->seg_from; k--)
			if (tk->s[k - 1] == '.') {
				tk->seg_dot = k - 1;
				break;
			}
		tk->seg_dot_known = 1;
		tk->out->steps += tk->seg_end - tk->seg_from;
	}
	return tk->seg_dot != SIZE_MAX && tk->seg_dot >= i;
}

/* Type of an ASCII segment, the usual case: UAX #29 gives one-byte segments for
 * spaces and punctuation, and letter/digit runs with their joiners for words. */
static mesura_token_type classify_ascii(const unsigned char *s, size_t start, size_t end)
{
	unsigned char c = s[start];
	if (end - start == 1 || ascii_type[c] != MESURA_TOKEN_NUMBER)
		return (mesura_token_type)ascii_type[c];
	for (size_t i = start + 1; i < end; i++)
		if (ascii_type[s[i]] == MESURA_TOKEN_WORD)
			return MESURA_TOKEN_WORD; /* 3a, 2x */
	return MESURA_TOKEN_NUMBER;
}

/* Type of a UAX #29 segment that no social rule claimed. */
static mesura_token_type classify_segment(const unsigned char *s, size_t len, size_t start,
                                          size_t end, unsigned int *flags)
{
	if (s[start] < 0x80 && all_ascii(s, len, start, end))
		return classify_ascii(s, start, end);
	size_t n;
	int32_t first = cp_at(s, len, start, &n);
	if (first < 0)
		return MESURA_TOKEN_OTHER; /* ill-formed bytes */
	int letters = 0, digits = 0, emoji = 0, invisibles = 0;
	for (size_t i = start; i < end; i += n) {
		int32_t cp = cp_at(s, len, i, &n);
		if (cp < 0x80) {
			letters |= is_letter(cp);
			digits |= (unsigned)(cp - '0') < 10u;
			continue;
		}
		mesura_wb wb = mesura_tokens__word_break(cp);
		emoji |= mesura_tokens__extended_pictographic(cp) || wb == WB_REGIONAL_INDICATOR ||
		         cp == 0x20E3; /* keycap */
		letters |= wb == WB_ALETTER || wb == WB_HEBREW_LETTER || wb == WB_KATAKANA ||
		           is_letter(cp);
		digits |= wb == WB_NUMERIC;
		invisibles |= is_invisible(cp);
	}
	if (emoji)
		return MESURA_TOKEN_EMOJI;
	if (letters) {
		*flags |= invisibles ? MESURA_TOKEN_INVISIBLES : 0;
		return MESURA_TOKEN_WORD;
	}
	if (digits)
		return MESURA_TOKEN_NUMBER;
	if (utf8proc_get_property(first)->bidi_class == UTF8PROC_BIDI_CLASS_WS ||
	    first == '\t' || first == '\n' || first == '\r' || first == '\v' || first == '\f' ||
	    first == 0x85 || first == 0x2028 || first == 0x2029)
		return MESURA_TOKEN_SPACE;
	if (is_invisible(first))
		return MESURA_TOKEN_OTHER;
	utf8proc_category_t c = utf8proc_category(first);
	if (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO)
		return MESURA_TOKEN_PUNCT;
	if (c >= UTF8PROC_CATEGORY_SM && c <= UTF8PROC_CATEGORY_SO)
		return MESURA_TOKEN_SYMBOL;
	return MESURA_TOKEN_OTHER;
}

/* ------------------------------------------------------ spaced words */

/* A word token of exactly one letter (and its marks). */
static int is_single_letter(const tokenizer *tk, const mesura_token *t)
{
	if (t->type != MESURA_TOKEN_WORD)
		return 0;
	if (t->end - t->start == 1)
		return 1; /* an ASCII word of one byte is a letter */
	if (tk->s[t->start] < 0x80 && tk->s[t->start + 1] < 0x80)
		return 0; /* two ASCII characters */
	size_t n;
	int32_t cp = cp_at(tk->s, tk->len, t->start, &n);
	if (!is_letter(cp))
		return 0;
	for (size_t i = t->start + n; i < t->end; i += n)
		if (!is_mark(cp_at(tk->s, tk->len, i, &n)))
			return 0;
	return 1;
}

/* The separator byte of a spaced run ("f u c k", "f-u-c-k", "f*u*c*k"): one or two
 * of the same character; 0 when t is not one. */
static int spaced_separator(const tokenizer *tk, const mesura_token *t)
{
	size_t n = t->end - t->start;
	unsigned char c = tk->s[t->start];
	if (n < 1 || n > 2 || (n == 2 && tk->s[t->start + 1] != c))
		return 0;
	return (c == ' ' || c == '-' || c == '.' || c == '*') ? c : 0;
}

/* Closes the pending spaced run: three letters or more become an overlay word. */
static int close_spaced_run(tokenizer *tk, size_t last_letter)
{
	int rc = MESURA_OK;
	if (tk->spaced_letters >= 3) {
		mesura_token *items = tk->out->items;
		rc = insert_overlay(tk, tk->spaced_first, MESURA_TOKEN_WORD,
		                    MESURA_TOKEN_OVERLAY | MESURA_TOKEN_SPACED,
		                    items[tk->spaced_first].start, items[last_letter].end);
	}
	tk->spaced_letters = 0;
	tk->spaced_sep = 0;
	return rc;
}

/* Follows spaced runs over the tile tokens, as each is pushed (index k). */
static int track_spaced(tokenizer *tk, size_t k)
{
	mesura_token *items = tk->out->items;
	const mesura_token *t = &items[k];
	if (tk->spaced_letters > 0) {
		/* Expecting a separator after the run's last letter (index k - 1), or a letter
		 * after a separator (index k - 2 is the last letter). */
		const mesura_token *prev = &items[k - 1];
		int prev_is_letter = prev->type == MESURA_TOKEN_WORD;
		if (prev_is_letter) {
			int sep = spaced_separator(tk, t);
			if (sep && (!tk->spaced_sep || sep == tk->spaced_sep)) {
				tk->spaced_sep = sep;
				return MESURA_OK;
			}
			return close_spaced_run(tk, k - 1);
		}
		if (is_single_letter(tk, t)) {
			tk->spaced_letters++;
			return MESURA_OK;
		}
		/* t ends the run and, not being a single letter, cannot start another. Return
		 * now: the overlay closing the run goes in before t, which may move the array
		 * (items and t then point to freed memory) and shifts t to k + 1. */
		return close_spaced_run(tk, k - 2);
	}
	if (is_single_letter(tk, t) && (k == 0 || items[k - 1].type != MESURA_TOKEN_WORD)) {
		tk->spaced_first = k;
		tk->spaced_letters = 1;
		tk->spaced_sep = 0;
	}
	return MESURA_OK;
}

/* ----------------------------------------------------- hashtag parts */

typedef enum { PART_NONE, PART_UPPER, PART_LOWER, PART_DIGIT } part_class;

static part_class part_class_of(int32_t cp)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return PART_UPPER;
		if (cp >= 'a' && cp <= 'z')
			return PART_LOWER;
		return (unsigned)(cp - '0') < 10u ? PART_DIGIT : PART_NONE;
	}
	utf8proc_category_t c = utf8proc_category(cp);
	if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT)
		return PART_UPPER;
	if (c >= UTF8PROC_CATEGORY_LL && c <= UTF8PROC_CATEGORY_LO)
		return PART_LOWER; /* caseless scripts never split on case */
	return c == UTF8PROC_CATEGORY_ND ? PART_DIGIT : PART_NONE;
}

static int push_part(tokenizer *tk, size_t start, size_t end, int digits)
{
	if (end <= start)
		return MESURA_OK;
	return push(tk, digits ? MESURA_TOKEN_NUMBER : MESURA_TOKEN_WORD,
	            MESURA_TOKEN_OVERLAY | MESURA_TOKEN_PART, start, end)
	           ? MESURA_OK
	           : MESURA_ENOMEM;
}

/* Splits a hashtag's body into words: at camelCase (#NoMásAbusos), between letters and
 * digits (#año2024), before the last capital of an acronym (#NASAMission), and at
 * underscores. Marks stay with their letter. */
static int push_hashtag_parts(tokenizer *tk, size_t start, size_t end)
{
	const unsigned char *s = tk->s;
	size_t i = start + mesura_tokens__sigil_length(s, tk->len, start), part = i, n;
	part_class prev = PART_NONE;
	while (i < end) {
		int32_t cp = cp_at(s, tk->len, i, &n);
		part_class c = part_class_of(cp);
		if (c == PART_NONE && is_mark(cp)) {
			i += n;
			continue;
		}
		size_t n2 = 0;
		part_class next = i + n < end ? part_class_of(cp_at(s, tk->len, i + n, &n2)) : PART_NONE;
		int split = c == PART_NONE || prev == PART_NONE ||
		            (c == PART_DIGIT) != (prev == PART_DIGIT) ||
		            (prev == PART_LOWER && c == PART_UPPER) ||
		            (prev == PART_UPPER && c == PART_UPPER && next == PART_LOWER);
		if (split && i > part) {
			int rc = push_part(tk, part, i, prev == PART_DIGIT);
			if (rc != MESURA_OK)
				return rc;
		}
		if (split)
			part = c == PART_NONE ? i + n : i;
		prev = c;
		i += n;
	}
	return push_part(tk, part, end, prev == PART_DIGIT);
}

/* ---------------------------------------------------------- the pass */

/* Pushes a tile token and updates what follows tile tokens. */
static inline int push_tile(tokenizer *tk, mesura_token_type type, unsigned int flags,
                            size_t start, size_t end)
{
	if (!push(tk, type, flags, start, end))
		return MESURA_ENOMEM;
	/* Only a single letter can start a spaced run: most tokens skip the tracking. */
	if ((tk->flags & MESURA_TOKENIZE_SPACED) &&
	    (tk->spaced_letters > 0 ||
	     (type == MESURA_TOKEN_WORD && (end - start == 1 || tk->s[start] >= 0x80))))
		return track_spaced(tk, tk->out->n - 1);
	return MESURA_OK;
}

/* Merges "fu" + U+200B + "ck" into one word when the previous tile tokens are a word
 * and invisibles only. Returns 1 when the segment was merged. */
static int merge_after_invisibles(tokenizer *tk, mesura_token_type type, size_t end)
{
	mesura_tokens *t = tk->out;
	if (type != MESURA_TOKEN_WORD || t->n < 2)
		return 0;
	size_t k = t->n;
	while (k > 0 && t->items[k - 1].type == MESURA_TOKEN_OTHER &&
	       !(t->items[k - 1].flags & MESURA_TOKEN_OVERLAY)) {
		size_t n;
		if (!is_invisible(cp_at(tk->s, tk->len, t->items[k - 1].start, &n)))
			return 0;
		k--;
	}
	if (k == t->n || k == 0 || t->items[k - 1].type != MESURA_TOKEN_WORD ||
	    (t->items[k - 1].flags & MESURA_TOKEN_OVERLAY))
		return 0;
	mesura_token *word = &t->items[k - 1];
	word->end = word->text_end = end;
	word->flags |= MESURA_TOKEN_INVISIBLES;
	t->n = k;
	if (tk->spaced_letters > 0 && tk->spaced_first >= k - 1)
		tk->spaced_letters = 0; /* the merged word is no longer a single letter */
	return 1;
}

/* Whether a social token may start at the segment [i, end): a sigil, or a word that an
 * address or a URL would continue (acme.com is one UAX #29 segment; ana-maria@x.es,
 * https: and www.x.es/a continue past it). Skips social_at for ordinary words. */
static inline int might_be_social(tokenizer *tk, size_t i, size_t end)
{
	const unsigned char *s = tk->s;
	size_t len = tk->len;
	unsigned char c = s[i];
	if (c == '#' || c == '@' || c == '$' || c == 0xEF)
		return 1;
	if (ascii_type[c & 0x7F] == MESURA_TOKEN_PUNCT || c >= 0x80 ||
	    ascii_type[c] == MESURA_TOKEN_SPACE || ascii_type[c] == MESURA_TOKEN_SYMBOL)
		return 0;
	if (end + 1 < len) {
		/* an address or a URL goes on after this byte: ana-maria@x, https://, x.es */
		unsigned char next = s[end + 1];
		int continues = next >= 0x80 || ascii_type[next] == MESURA_TOKEN_WORD ||
		                ascii_type[next] == MESURA_TOKEN_NUMBER;
		switch (s[end]) {
		case ':':
			if (next == '/')
				return 1;
			break;
		case '@': case '.': case '-': case '_': case '+': case '%':
			if (continues)
				return 1;
			break;
		default:
			break;
		}
	}
	return segment_has_dot(tk, i, end);
}

/* UAX #29 keeps letters of any script together ("한국twitter.com" is one segment),
 * while a link or a tag may begin where Latin text starts after another script, as
 * twitter-text reads it. Returns the position of the first such social token inside
 * the segment [i, end), or end. */
static size_t social_start_inside(const unsigned char *s, size_t len, size_t i, size_t end)
{
	int prev_foreign = 0;
	size_t n;
	for (size_t p = i; p < end; p += n) {
		int32_t cp = cp_at(s, len, p, &n);
		mesura_social_match m;
		if (prev_foreign && cp < 0x80 && p > i && mesura_tokens__social_at(s, len, p, &m))
			return p;
		prev_foreign = cp >= 0x80 && !(cp <= 0x24F || (cp >= 0x1E00 && cp <= 0x1EFF) ||
		                               (cp >= 0x400 && cp <= 0x4FF));
	}
	return end;
}

static int tokenize_text(tokenizer *tk)
{
	const unsigned char *s = tk->s;
	size_t len = tk->len, i = 0;
	int social = (tk->flags & MESURA_TOKENIZE_SOCIAL) != 0;
	while (i < len) {
		size_t end = i < tk->seg_end ? segment_inside(tk, i)
		                             : mesura_tokens__next_word_break(s, len, i);
		if (social && might_be_social(tk, i, end)) {
			mesura_social_match m;
			if (mesura_tokens__social_at(s, len, i, &m)) {
				int rc = push_tile(tk, m.type, m.flags, i, m.end);
				if (rc == MESURA_OK && m.type == MESURA_TOKEN_HASHTAG &&
				    (tk->flags & MESURA_TOKENIZE_HASHTAG_PARTS))
					rc = push_hashtag_parts(tk, i, m.end);
				if (rc != MESURA_OK)
					return rc;
				if (m.end < end)
					remember_segment(tk, i, end);
				i = m.end;
				continue;
			}
		}
		if (social && s[i] >= 0x80) {
			size_t social_from = social_start_inside(s, len, i, end);
			if (social_from < end)
				remember_segment(tk, i, end);
			end = social_from;
		}
		unsigned int flags = 0;
		mesura_token_type type = end - i == 1 && s[i] < 0x80
		                             ? (mesura_token_type)ascii_type[s[i]] /* spaces, punctuation */
		                             : classify_segment(s, len, i, end, &flags);
		if (type == MESURA_TOKEN_SPACE && tk->out->n > 0 &&
		    tk->out->items[tk->out->n - 1].type == MESURA_TOKEN_SPACE &&
		    tk->out->items[tk->out->n - 1].end == i) {
			tk->out->items[tk->out->n - 1].end = end; /* one token per run of spaces */
			tk->out->items[tk->out->n - 1].text_end = end;
		} else if (!((tk->flags & MESURA_TOKENIZE_INVISIBLES) &&
		             merge_after_invisibles(tk, type, end))) {
			int rc = push_tile(tk, type, flags, i, end);
			if (rc != MESURA_OK)
				return rc;
		}
		i = end;
	}
	if (tk->spaced_letters > 0) { /* a run at the very end */
		size_t last = tk->out->n - 1;
		while (tk->out->items[last].type != MESURA_TOKEN_WORD)
			last--;
		return close_spaced_run(tk, last);
	}
	return MESURA_OK;
}

int mesura_tokenize(mesura_tokens *tokens, const char *text, size_t len, unsigned int flags)
{
	if (!tokens || (!text && len > 0) || (flags & ~(unsigned)MESURA_TOKENIZE_ALL))
		return MESURA_EINVAL;
	tokens->n = 0;
	tokens->steps = len; /* one walk forward; what is read again adds itself */
	tokenizer tk = {tokens, (const unsigned char *)text, len, flags, 0, 0, 0, 0, 0, 0, 0};
	int rc = tokenize_text(&tk);
	if (rc != MESURA_OK)
		tokens->n = 0;
	return rc;
}

int mesura_tokenize_view(mesura_tokens *tokens, const mesura_view *view, unsigned int flags)
{
	if (!view)
		return MESURA_EINVAL;
	size_t len;
	const char *text = mesura_view_text(view, &len);
	int rc = mesura_tokenize(tokens, text, len, flags);
	for (size_t k = 0; rc == MESURA_OK && k < tokens->n; k++) {
		mesura_token *t = &tokens->items[k];
		rc = mesura_view_source_range(view, t->text_start, t->text_end, &t->start, &t->end);
	}
	if (rc != MESURA_OK)
		tokens->n = 0;
	return rc;
}
