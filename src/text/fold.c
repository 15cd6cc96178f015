/*
 * Word-context folds on the stage-1 text: the view's own, or a base view's, which
 * they only read (mesura_text__normalize_from; a view they leave alone then borrows
 * it).
 *
 * Leetspeak folding replaces ASCII bytes with ASCII bytes, so it works in place and
 * leaves the map alone (on a base's text: in a copy, made at the first word that
 * changes). Collapsing repeats and joining spaced letters delete characters: the text
 * is rebuilt, each kept character carrying its source range, into the view's own
 * buffer from a base's text, or into its spare buffer, swapped in.
 *
 * Each scan skips, a chunk of bytes at a time (chunk.h), to the places where its fold
 * could apply, and runs its per-character rules only there.
 */
#include <string.h>
#include <utf8proc.h>

#include "ascii.h"
#include "chunk.h"
#include "fold.h"
#include "mesura/errors.h"

/* Leet digit or symbol -> letter; 0 for bytes that are not leet. */
static unsigned char leet_letter(unsigned char c)
{
	switch (c) {
	case '0': return 'o';
	case '1': return 'i';
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '8': return 'b';
	case '6': return 'g';
	case '9': return 'g';
	case '@': return 'a';
	case '$': return 's';
	case '!': return 'i';
	case '|': return 'l';
	default: return 0;
	}
}

static int is_leet_symbol(unsigned char c)
{
	return c == '@' || c == '$' || c == '!' || c == '|';
}

static int is_letter_cp(int32_t cp)
{
	if (cp < 0x80)
		return ascii_is_letter((unsigned char)cp);
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_mark_cp(int32_t cp)
{
	if (cp < 0x300)
		return 0; /* no marks before the combining diacritics block */
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

/* Word characters for leet: letters, marks, numbers, and the leet symbols. Everything
 * else (spaces, punctuation, other symbols, controls) separates words. */
static int is_word_cp(int32_t cp)
{
	if (cp < 0x80)
		return ascii_is_letter((unsigned char)cp) || ascii_is_digit((unsigned char)cp) ||
		       is_leet_symbol((unsigned char)cp);
	utf8proc_category_t cat = utf8proc_category(cp);
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) ||
	       cat == UTF8PROC_CATEGORY_CF;
}

/* Decodes the (well-formed) stage-1 character at t[i]. */
static size_t next_cp(const unsigned char *t, size_t len, size_t i, int32_t *cp)
{
	if (t[i] < 0x80) {
		*cp = t[i];
		return 1;
	}
	return mesura_utf8__decode(t, len, i, cp);
}

/* Start of the character that ends at t[i - 1] (i > 0). */
static size_t char_before(const unsigned char *t, size_t i)
{
	size_t k = i - 1;
	while (k > 0 && (t[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* End of the run of leet symbols at t[i] (before `end`), and whether a letter, a digit
 * or a non-ASCII byte follows it: then each symbol of the run stands for a letter
 * ("a$$hole", "b!!tch"); symbols at the end of a word are punctuation ("wow!!").
 * Every symbol of a run gets the same answer, so callers ask once per run: asking per
 * symbol would read the rest of the run each time, quadratic in "@@@@...@". */
static size_t symbol_run_end(const unsigned char *t, size_t end, size_t i, int *before_word)
{
	size_t next = i + 1;
	while (next < end && is_leet_symbol(t[next]))
		next++;
	*before_word =
	    next < end && (ascii_is_letter(t[next]) || ascii_is_digit(t[next]) || t[next] >= 0x80);
	return next;
}

/* An ASCII letter at t[k] of the word t[start, end) with no letter or digit on its
 * side `dir` (-1 or 1): a single letter, on that side. */
static int single_letter(const unsigned char *t, size_t start, size_t end, size_t k, int dir)
{
	if (k < start || k >= end || !ascii_is_letter(t[k]))
		return 0;
	if (dir < 0 ? k == start : k + 1 == end)
		return 1;
	unsigned char next = dir < 0 ? t[k - 1] : t[k + 1];
	return !ascii_is_letter(next) && !ascii_is_digit(next);
}

/* A lone | between two single letters ("f|u|c|k", "a|b") separates them, for
 * JOIN_SPACED: it is not an l. */
static int separates_single_letters(const unsigned char *t, size_t start, size_t end, size_t i)
{
	return i > start && single_letter(t, start, end, i - 1, -1) &&
	       single_letter(t, start, end, i + 1, 1);
}

/* Whether a run of | from t[i] that ends the word t[start, end) follows a letter: then
 * it stands for l's ("ki||", "confidentia|"). */
static int pipes_after_letter(const unsigned char *t, size_t start, size_t i, size_t run)
{
	if (i == start || !ascii_is_letter(t[i - 1]))
		return 0;
	for (size_t k = i; k < run; k++)
		if (t[k] != '|')
			return 0;
	return 1;
}

/* What a 1 of the word t[start, end), not in a number, stands for: l next to an i
 * ("gi1ipollas"; i i does not occur in English or Spanish words, l i often does) or
 * at the end of a word after a, e, o or u ("confidentia1", "ma1"); else i ("m1erda",
 * "sh1t", "h1"). The letter before it is already folded. Two 1s are "ll" (below). */
static unsigned char one_letter(const unsigned char *t, size_t start, size_t end, size_t i)
{
	unsigned char before = i > start ? (unsigned char)(t[i - 1] | 0x20) : 0;
	unsigned char after = i + 1 < end ? (unsigned char)(t[i + 1] | 0x20) : 0;
	if (before == 'i' || after == 'i')
		return 'l';
	if (i + 1 == end && (before == 'a' || before == 'e' || before == 'o' || before == 'u'))
		return 'l';
	return 'i';
}

/* Folds leet inside one word t[start, end) that contains a letter. A symbol is only
 * leet before a letter or digit of the same word, so "hola!" keeps its "!"; a run of
 * three or more digits is a number, so "#año2024" and "100k" keep theirs. Returns
 * whether it changed a byte (each byte it writes changes: a letter for a digit or a
 * symbol). */
static int fold_leet_word(unsigned char *t, size_t start, size_t end)
{
	int changed = 0;
	for (size_t i = start; i < end; i++) {
		unsigned char c = t[i];
		if (ascii_is_digit(c)) {
			size_t run = i;
			while (run < end && ascii_is_digit(t[run]))
				run++;
			if (run - i >= 3) {
				i = run - 1;
				continue;
			}
		}
		unsigned char letter = leet_letter(c);
		if (!letter)
			continue;
		if (is_leet_symbol(c)) { /* the whole run at once */
			int folds;
			size_t run = symbol_run_end(t, end, i, &folds);
			if (run == i + 1 && c == '|' && separates_single_letters(t, start, end, i))
				folds = 0;
			else if (!folds && pipes_after_letter(t, start, i, run))
				folds = 1;
			for (; folds && i < run; i++)
				t[i] = leet_letter(t[i]);
			changed |= folds;
			i = run - 1;
			continue;
		}
		changed = 1;
		if (c == '1' && i + 1 < end && t[i + 1] == '1') { /* "ki11", "po11a": ll, never ii */
			t[i] = t[i + 1] = 'l';
			i++;
			continue;
		}
		t[i] = c == '1' ? one_letter(t, start, end, i) : letter;
	}
	return changed;
}

/* Classes of ASCII bytes for the word scan, one table lookup per byte. */
enum { WORD = 1, LETTER = 2, LEET = 4 };
static const unsigned char ascii_class[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 5, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	5, 5, 1, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0,
	5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
	0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 5, 0, 0, 0,
};

/* Scans the word starting at t[i]; returns its end and ORs the classes it saw into
 * *seen. ASCII bytes, nearly all of a post, cost one lookup each. */
static size_t scan_word(const unsigned char *t, size_t len, size_t i, unsigned *seen)
{
	while (i < len) {
		unsigned char c = t[i];
		if (c < 0x80) {
			unsigned k = ascii_class[c];
			if (!(k & WORD))
				break;
			*seen |= k;
			i++;
			continue;
		}
		int32_t cp;
		size_t n = mesura_utf8__decode(t, len, i, &cp);
		if (!is_word_cp(cp))
			break;
		*seen |= is_letter_cp(cp) ? LETTER : 0;
		i += n;
	}
	return i;
}

/* The skips (here and below) read whole chunks, up to CHUNK + 3 bytes past the end of
 * the text, where a finished view has VIEW_PAD NULs (and mesura_text__fold_words puts
 * them after a view's own stage 1). */
_Static_assert(VIEW_PAD >= CHUNK + 4, "the skips read past the end of the text");

/* i plus the index of the first byte marked in hit, or end when that is past end:
 * bytes past the end of the text (the padding), or past where a scan stops, do not
 * count. */
static size_t first_in(size_t i, chunk hit, size_t end)
{
	size_t at = i + chunk_first(hit);
	return at < end ? at : end;
}

/* Leet bytes (the digits but 2, and @ $ ! |) from t[i] on, CHUNK bytes at a time: the
 * first one, or len. */
static size_t skip_to_leet(const unsigned char *t, size_t len, size_t i)
{
	for (; i < len; i += CHUNK) {
		chunk x = chunk_load(t + i);
		chunk digits = chunk_andnot(chunk_in(x, '0', '9'), chunk_eq(x, '2'));
		chunk symbols = chunk_or(chunk_or(chunk_eq(x, '@'), chunk_eq(x, '$')),
		                         chunk_or(chunk_eq(x, '!'), chunk_eq(x, '|')));
		chunk hit = chunk_or(digits, symbols);
		if (chunk_any(hit))
			return first_in(i, hit, len);
	}
	return len;
}

/* Position of the next byte that may be leet, or len. */
static size_t next_leet_candidate(const unsigned char *t, size_t len, size_t i, int fast)
{
	if (fast)
		i = skip_to_leet(t, len, i);
	while (i < len && !(t[i] < 0x80 && (ascii_class[t[i]] & LEET)))
		i++;
	return i;
}

/* Start of the word that holds the character at t[i]. */
static size_t word_start(const unsigned char *t, size_t len, size_t i)
{
	while (i > 0) {
		size_t prev = char_before(t, i);
		int32_t cp;
		next_cp(t, len, prev, &cp);
		if (!is_word_cp(cp))
			break;
		i = prev;
	}
	return i;
}

/* Where the leet scan goes on from the candidate t[i] when it is one that
 * fold_leet_word never folds: a symbol before no letter, digit or non-ASCII byte
 * ("wow!"), or three digits or more (a number). Returns i when the word must be looked
 * at. Skipping is safe: a word is looked at whole, from any of its candidates, and one
 * whose candidates are all skipped has nothing to fold. */
static size_t skip_unfoldable(const unsigned char *t, size_t len, size_t i)
{
	if (is_leet_symbol(t[i])) {
		int folds;
		size_t run = symbol_run_end(t, len, i, &folds);
		if (!folds && pipes_after_letter(t, 0, i, run))
			return i;
		return folds ? i : run; /* the rest of the run gets the same answer */
	}
	size_t run = i;
	while (run < len && ascii_is_digit(t[run]))
		run++;
	return run - i >= 3 ? run : i;
}

/* Folds leet in the word [start, end) of *in into the view's own text: in place when
 * *in is that text. Else *in is a base's: the word is folded in a copy first, and only
 * when that changes it does the view's text become a copy of *in, with the word folded
 * again there (*in then points at it), so that a post leet leaves alone is not copied. */
static int fold_leet_into(mesura_view *v, const view_buf **in, size_t start, size_t end,
                          int *changed)
{
	if (*in == &v->cur) {
		*changed |= fold_leet_word(v->cur.text, start, end);
		return MESURA_OK;
	}
	memcpy(v->cur.text + start, (*in)->text + start, end - start); /* room: make_room */
	v->steps += end - start;
	if (!fold_leet_word(v->cur.text, start, end))
		return MESURA_OK;
	int rc = mesura_view__copy(v, *in);
	if (rc != MESURA_OK)
		return rc;
	*in = &v->cur;
	*changed = fold_leet_word(v->cur.text, start, end);
	v->steps += end - start;
	return MESURA_OK;
}

/* Only the words around leet candidates are looked at: most words have none. Each
 * word is read three times (back to its start, forward to its end, and folded): its
 * length counts as the steps of all three, and so does what a candidate skips, so that
 * text read more than once per candidate would show in v->steps. Reads *in, the view's
 * own text or its base's (see fold_leet_into); *changed tells whether it changed it. */
static int fold_leet(mesura_view *v, const view_buf **in, int fast, int *changed)
{
	const unsigned char *t = (*in)->text;
	size_t len = (*in)->len, i = 0;
	uint64_t steps = 0;
	while ((i = next_leet_candidate(t, len, i, fast)) < len) {
		size_t skip = fast ? skip_unfoldable(t, len, i) : i;
		steps += skip - i + 1;
		if (skip != i) {
			i = skip;
			continue;
		}
		size_t start = word_start(t, len, i);
		unsigned seen = 0;
		size_t end = scan_word(t, len, start, &seen);
		steps += end - start;
		if ((seen & (LETTER | LEET)) == (LETTER | LEET)) {
			int rc = fold_leet_into(v, in, start, end, changed);
			if (rc != MESURA_OK)
				return rc;
			t = (*in)->text;
		}
		i = end > i ? end : i + 1;
	}
	v->steps += steps;
	return MESURA_OK;
}

/* ------------------------------------------------ collapse and join */

/*
 * Joining and collapsing only delete characters. They are found as a sorted list of
 * edits on the stage-1 text, and the text is rebuilt by copying what lies between
 * edits in bulk, cutting the map's atoms to fit. A post with nothing to join or
 * collapse is left alone.
 */


static int is_alnum_cp(int32_t cp)
{
	if (cp < 0x80)
		return ascii_is_letter((unsigned char)cp) || ascii_is_digit((unsigned char)cp);
	return is_letter_cp(cp) || is_mark_cp(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static int push_edit(mesura_view *v, size_t at, size_t len, size_t keep)
{
	if (v->n_edits && !keep && !v->edits[v->n_edits - 1].keep &&
	    v->edits[v->n_edits - 1].at + v->edits[v->n_edits - 1].len == at) {
		v->edits[v->n_edits - 1].len += len; /* adjacent deletions become one */
		return MESURA_OK;
	}
	if (v->n_edits == v->edits_cap) { /* rare once the view is warm */
		void *edits = v->edits;
		int rc = mesura_alloc__grow(&v->alloc, &edits, &v->edits_cap, v->n_edits + 1,
		                            sizeof(fold_edit));
		if (rc != MESURA_OK)
			return rc;
		v->edits = edits;
	}
	v->edits[v->n_edits++] = (fold_edit){at, len, keep};
	return MESURA_OK;
}

/* A single letter at t[i]: the letter and its marks. Returns the end of the unit, or
 * 0 when no letter starts at i. */
static size_t letter_unit_end(const unsigned char *t, size_t len, size_t i)
{
	int32_t cp;
	if (i >= len)
		return 0;
	i += next_cp(t, len, i, &cp);
	if (!is_letter_cp(cp))
		return 0;
	while (i < len) {
		size_t n = next_cp(t, len, i, &cp);
		if (!is_mark_cp(cp))
			break;
		i += n;
	}
	return i;
}

static int alnum_at(const unsigned char *t, size_t len, size_t i)
{
	int32_t cp;
	return i < len && (next_cp(t, len, i, &cp), is_alnum_cp(cp));
}

/* Kinds of joining separators: an ASCII one is its own byte (the apostrophes share
 * '\''), the others one of these. */
enum { SEP_LINE = 0x80, SEP_MIDDLE_DOT, SEP_BULLET, SEP_EMOJI };

/* Emoji, per Unicode's emoji data (utf8proc's Extended_Pictographic, from
 * emoji-data.txt): a pictograph, a regional indicator or a skin tone (shown alone as
 * a swatch: Emoji_Presentation) starts one; skin tones, ZWJ, variation selectors,
 * tags and the keycap mark continue it. */
static int emoji_start(int32_t cp)
{
	if ((cp >= 0x1F1E6 && cp <= 0x1F1FF) || (cp >= 0x1F3FB && cp <= 0x1F3FF))
		return 1;
	utf8proc_boundclass_t bc = (utf8proc_boundclass_t)utf8proc_get_property(cp)->boundclass;
	return bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC || bc == UTF8PROC_BOUNDCLASS_E_ZWG;
}

static int emoji_part(int32_t cp)
{
	return emoji_start(cp) || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x200D ||
	       cp == 0xFE0E || cp == 0xFE0F || (cp >= 0xE0020 && cp <= 0xE007F) || cp == 0x20E3;
}

/* An emoji separator is at most this many code points (a family with its ZWJs and
 * skin tones is 7 to 10): bounded, so reading ahead stays linear. */
#define EMOJI_SEPARATOR_MAX 12

/* Bytes of the emoji sequence (or run of them) at t[i], whose first code point cp
 * takes n bytes; 0 when it is longer than EMOJI_SEPARATOR_MAX code points. */
static size_t emoji_separator(const unsigned char *t, size_t len, size_t i, size_t n)
{
	size_t end = i + n;
	for (int count = 1; end < len; count++) {
		int32_t cp;
		size_t m = next_cp(t, len, end, &cp);
		if (!emoji_part(cp))
			return end - i;
		if (count == EMOJI_SEPARATOR_MAX)
			return 0;
		end += m;
	}
	return end - i;
}

/* One separator at t[i]: its bytes (0 when there is none) and *kind. Space . - _ * /
 * | ' ’ TAB, a line break (LF, CR, CRLF, U+2028), middle dot ·, bullet •, or an emoji
 * (a sequence, skin tone and ZWJ ones too). */
static size_t separator_unit(const unsigned char *t, size_t len, size_t i, unsigned *kind)
{
	if (i >= len)
		return 0;
	unsigned char c = t[i];
	switch (c) {
	case ' ': case '.': case '-': case '_': case '*': case '/': case '|': case '\'': case '\t':
		*kind = c;
		return 1;
	case '\n':
		*kind = SEP_LINE;
		return 1;
	case '\r':
		*kind = SEP_LINE;
		return i + 1 < len && t[i + 1] == '\n' ? 2 : 1;
	default:
		break;
	}
	if (c < 0x80)
		return 0;
	int32_t cp;
	size_t n = next_cp(t, len, i, &cp);
	switch (cp) {
	case 0x2028: *kind = SEP_LINE; return n;
	case 0x2019: *kind = '\''; return n;
	case 0x00B7: *kind = SEP_MIDDLE_DOT; return n;
	case 0x2022: *kind = SEP_BULLET; return n;
	default: break;
	}
	if (!emoji_start(cp))
		return 0;
	*kind = SEP_EMOJI;
	return emoji_separator(t, len, i, n);
}

/* Bytes of the separator at t[i]: one or two of the same kind, which must be `want`
 * when want is not 0; *kind is set to its kind. 0 when there is none. */
static size_t separator_at(const unsigned char *t, size_t len, size_t i, unsigned want,
                           unsigned *kind)
{
	size_t n = separator_unit(t, len, i, kind);
	if (n == 0 || (want && *kind != want))
		return 0;
	unsigned second;
	size_t m = separator_unit(t, len, i + n, &second);
	return m && second == *kind ? n + m : n;
}

/* The end of a run of three or more single letters starting with the unit [i, end),
 * each one or two of the same separator apart ("f u c k", "g.i.l.i.p.o.l.l.a.s",
 * "f/u/c/k", "f🍆u🍆c🍆k"), or 0 when the letters there do not make such a run. */
static size_t spaced_run_end(const unsigned char *t, size_t len, size_t end, uint64_t *steps)
{
	size_t units = 1, from = end;
	unsigned want = 0, kind = 0;
	for (;;) {
		size_t seps = separator_at(t, len, end, want, &kind);
		size_t next_end = seps ? letter_unit_end(t, len, end + seps) : 0;
		if (!next_end || alnum_at(t, len, next_end))
			break;
		want = kind;
		units++;
		end = next_end;
	}
	*steps += units + (end - from);
	return units >= 3 ? end : 0;
}

/*
 * Skips for the two scans below. Nearly all of a post is text in which nothing is
 * joined or collapsed, and the scans cost a decode and several class tests per
 * character. The skips find, a chunk of bytes at a time (chunk.h), the next character
 * where a scan could act; the scan jumps there and takes up the state it would have
 * reached. ASCII bytes are classified exactly; a non-ASCII character is only known to
 * be one, so it is a place to look whenever its class could matter.
 * nz->fold_fast_path = 0 turns the skips off, for tests to check that they change
 * nothing.
 */

static chunk letters(chunk x)
{
	return chunk_in(chunk_fold_case(x), 'a', 'z');
}

static chunk alnums(chunk x)
{
	return chunk_or(letters(x), chunk_in(x, '0', '9'));
}

/* The ASCII white spaces (is_space_cp), and the controls between them and the space:
 * one range, fewer operations; the scans look closer. */
static chunk spaces(chunk x)
{
	return chunk_in(x, '\t', ' ');
}

/* The first position from i (0 < i < len) where a spaced run may start, or len: a
 * letter with no letter or digit on either side (a non-ASCII byte after it may be a
 * mark), followed by what may be a second single letter; or a non-ASCII character
 * after no ASCII letter or digit. (Whether the byte after the letter is a separator
 * is left to the scan: single letters are nearly always followed by one.) */
static size_t next_spaced_candidate(const unsigned char *t, size_t len, size_t i)
{
	for (; i < len; i += CHUNK) {
		chunk before = chunk_load(t + i - 1), at = chunk_load(t + i);
		chunk after = chunk_load(t + i + 1);
		chunk letter = letters(at);
		chunk other = chunk_or(chunk_lead(at), chunk_and(letter, chunk_high(after)));
		chunk single = chunk_andnot(letter, alnums(after));
		chunk start = chunk_andnot(chunk_or(single, other), alnums(before));
		if (!chunk_any(start))
			continue;
		/* A single letter and its separator are common ("a dog"): keep them only when
		 * a word (two letters or digits or more) or a number does not follow. */
		chunk second = chunk_load(t + i + 2), third = chunk_load(t + i + 3);
		chunk word = chunk_andnot(alnums(second), chunk_andnot(letters(second), alnums(third)));
		start = chunk_andnot(start, chunk_andnot(word, other));
		if (chunk_any(start))
			return first_in(i, start, len);
	}
	return len;
}

/* The same from the start of the text: its first character may start a run when it is
 * an ASCII letter before no ASCII letter or digit, or non-ASCII. */
static size_t first_spaced_candidate(const unsigned char *t, size_t len)
{
	if (len == 0 || t[0] >= 0x80 || (ascii_is_letter(t[0]) && !ascii_is_alnum(t[1])))
		return 0;
	return len > 1 ? next_spaced_candidate(t, len, 1) : len;
}

/* The first position from i (0 < i <= stop) whose character may continue the run of
 * the character before it, or stop: the same ASCII letter twice, two ASCII white
 * spaces, or a non-ASCII character next to another one or to a white space. `stop`
 * is the next joining deletion, which changes what is adjacent. */
static size_t next_repeat_candidate(const unsigned char *t, size_t stop, size_t i)
{
	for (; i < stop; i += CHUNK) {
		chunk before = chunk_load(t + i - 1), at = chunk_load(t + i);
		chunk letter_twice = chunk_and(chunk_same(before, at), letters(at));
		chunk space_like = chunk_and(chunk_or(spaces(at), chunk_lead(at)),
		                             chunk_or(spaces(before), chunk_high(before)));
		chunk more = chunk_or(letter_twice, space_like);
		if (chunk_any(more))
			return first_in(i, more, stop);
	}
	return stop;
}

/* Adds a deletion for each separator of the spaced runs in the text. */
static int find_spaced_letters(mesura_view *v, const view_buf *in, int fast)
{
	const unsigned char *t = in->text;
	size_t len = in->len, i = 0;
	int prev_alnum = 0;
	uint64_t steps = 0; /* what spaced_run_end reads ahead */
	while (i < len) {
		if (fast) {
			size_t next = i > 0 ? next_spaced_candidate(t, len, i) : first_spaced_candidate(t, len);
			if (next > i) {
				if (next == len)
					break;
				i = next;
				prev_alnum = alnum_at(t, len, char_before(t, i));
			}
		}
		int32_t cp;
		size_t n = next_cp(t, len, i, &cp);
		size_t unit_end = prev_alnum ? 0 : letter_unit_end(t, len, i);
		size_t run_end = unit_end ? spaced_run_end(t, len, unit_end, &steps) : 0;
		/* The run alternates separators and letters: delete each separator. */
		for (size_t k = unit_end; k < run_end;) {
			unsigned kind;
			size_t seps = separator_at(t, len, k, 0, &kind);
			int rc = push_edit(v, k, seps, 0);
			if (rc != MESURA_OK)
				return rc;
			k = letter_unit_end(t, len, k + seps);
		}
		prev_alnum = is_alnum_cp(cp);
		i += n;
		if (run_end) {
			i = run_end;
			prev_alnum = 1;
		}
	}
	v->steps += steps;
	return MESURA_OK;
}

/* White space of any kind: runs of it collapse to their first character, so that
 * "hijo   de puta" reads as the term "hijo de puta". */
static int is_space_cp(int32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	return cp == 0x85 || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS ||
	       cp == 0x2028 || cp == 0x2029;
}

/* Turns runs of one letter into collapse edits, over the text as joining leaves it
 * ("f u u c k" collapses the two u); merge_edits drops the joining deletions that a
 * run's edit covers. */
static int find_repeats(mesura_view *v, const view_buf *in, int fast)
{
	const unsigned char *t = in->text;
	size_t len = in->len, i = 0, joined = 0, n_joined = v->n_edits;
	size_t run_start = 0, run_char = 0;
	int32_t run_cp = -1;
	int in_collapse = 0;
	while (i < len) {
		if (joined < n_joined && v->edits[joined].at == i) { /* deleted by joining */
			i += v->edits[joined++].len;
			continue;
		}
		int32_t cp;
		size_t n = next_cp(t, len, i, &cp);
		if ((cp == run_cp && is_letter_cp(cp)) || (is_space_cp(cp) && is_space_cp(run_cp))) {
			if (!in_collapse) {
				int rc = push_edit(v, run_start, 0, run_char);
				if (rc != MESURA_OK)
					return rc;
				in_collapse = 1;
			}
			v->edits[v->n_edits - 1].len = i + n - run_start;
		} else {
			run_start = i;
			run_char = n;
			run_cp = cp;
			in_collapse = 0;
		}
		i += n;
		if (fast) {
			/* Each skipped character starts a run of its own, the last one included.
			 * (After a space run, comparing with its last space instead of its first
			 * gives the same answer.) */
			size_t stop = joined < n_joined ? v->edits[joined].at : len;
			size_t next = next_repeat_candidate(t, stop, i);
			if (next > i) {
				i = next;
				run_start = char_before(t, i);
				run_char = i - run_start;
				next_cp(t, len, run_start, &run_cp);
				in_collapse = 0;
			}
		}
	}
	return MESURA_OK;
}

/* Keeps the joining deletions that no collapse absorbed, in order with the collapses.
 * find_repeats appended its edits after the joining ones: merge the two sorted lists. */
static int merge_edits(mesura_view *v, size_t n_joined)
{
	size_t total = v->n_edits;
	void *tmp = v->edits_tmp;
	int rc = mesura_alloc__grow(&v->alloc, &tmp, &v->edits_tmp_cap, total, sizeof(fold_edit));
	if (rc != MESURA_OK)
		return rc;
	v->edits_tmp = tmp;
	fold_edit *out = v->edits_tmp;
	size_t a = 0, b = n_joined, n = 0;
	while (a < n_joined || b < total) {
		int take_a = b == total || (a < n_joined && v->edits[a].at < v->edits[b].at);
		fold_edit e = take_a ? v->edits[a++] : v->edits[b++];
		if (n && e.at < out[n - 1].at + out[n - 1].len)
			continue; /* inside a collapse */
		out[n++] = e;
	}
	memcpy(v->edits, out, n * sizeof *out);
	v->n_edits = n;
	v->steps += total;
	return MESURA_OK;
}

/* Copies n bytes a chunk at a time, which is cheaper than a call to memcpy for the
 * short pieces between edits: reads and writes up to CHUNK - 1 bytes past them. The
 * stage-1 text has VIEW_PAD bytes after it, and the rebuilt text, never longer, the
 * room of the whole stage-1 text and VIEW_PAD (rebuild); what is written past the end
 * of a piece is written over by the next one, or lies past the end of the text. */
static void copy_chunks(unsigned char *to, const unsigned char *from, size_t n)
{
	for (size_t k = 0; k < n; k += CHUNK)
		chunk_store(to + k, chunk_load(from + k));
}

/* Rebuilds the text `in` with the edits into the view's own text: directly when `in`
 * is a base's, else into spare, swapped in after. Only the text: its map is made when
 * it is read (v->map_from), from in's map, which stays where it is (a base's, or the
 * spare the swap leaves it in). The room is made here: the text only shrinks, and each
 * edit adds at most two atoms to the map. When the buffers swap, both get the room, for
 * a warm view to allocate nothing whichever buffer holds what. */
static int rebuild(mesura_view *v, const view_buf *in)
{
	view_buf *out = in == &v->cur ? &v->spare : &v->cur;
	if (v->n_edits > (SIZE_MAX - in->n_atoms) / 2)
		return MESURA_ENOMEM;
	out->len = 0;
	out->n_atoms = 0;
	int rc = mesura_view__reserve(v, out, in->len + VIEW_PAD);
	if (rc == MESURA_OK)
		rc = mesura_view__reserve_atoms(v, out, in->n_atoms + 2 * v->n_edits);
	if (rc == MESURA_OK && out == &v->spare)
		rc = mesura_view__reserve_atoms(v, &v->cur, 2 * v->n_edits);
	if (rc != MESURA_OK)
		return rc;
	size_t pos = 0;
	for (size_t k = 0; k < v->n_edits; k++) {
		const fold_edit *e = &v->edits[k];
		copy_chunks(out->text + out->len, in->text + pos, e->at - pos);
		out->len += e->at - pos;
		copy_chunks(out->text + out->len, in->text + e->at, e->keep);
		out->len += e->keep;
		pos = e->at + e->len;
	}
	copy_chunks(out->text + out->len, in->text + pos, in->len - pos);
	out->len += in->len - pos;
	/* Each edit and each atom is handled once (here, and by the map when it is made:
	 * atom_from walks on from where it stopped); the bytes are copied between them, 8
	 * a step. */
	v->steps += v->n_edits + in->n_atoms + in->len / 8;
	if (out == &v->spare) {
		mesura_view__swap(v);
		in = &v->spare;
	}
	v->map_from = in;
	return MESURA_OK;
}

/* Room made before the folds start. The skips read past the end of the text: a base's
 * has VIEW_PAD NULs after it; the view's own stage 1 gets them here. Leet folds the
 * words of a base's text into the view's own buffer (fold_leet_into): it gets the room
 * of the base's text. */
static int make_room(mesura_view *v, const view_buf *in)
{
	if (in != &v->cur)
		return mesura_view__reserve(v, &v->cur, in->len + VIEW_PAD);
	int rc = mesura_view__reserve(v, &v->cur, VIEW_PAD);
	if (rc == MESURA_OK)
		memset(v->cur.text + v->cur.len, 0, VIEW_PAD);
	return rc;
}

int mesura_text__fold_words(const mesura_normalizer *nz, mesura_view *v, const view_buf *in,
                            unsigned int done, int *edited)
{
	unsigned int folds = nz->flags & ~done;
	int rebuilds = (folds & (MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED)) != 0;
	*edited = 0;
	if (!rebuilds && !(folds & MESURA_NORM_LEET))
		return MESURA_OK;
	int rc = make_room(v, in);
	if (rc != MESURA_OK)
		return rc;
	/* Each scan below moves forward over the text once (the skips a chunk at a time,
	 * the rules character by character): a step a byte for each. What a scan reads
	 * again, it adds itself. */
	uint64_t scans = (folds & MESURA_NORM_LEET ? 1u : 0u) +
	                 (folds & MESURA_NORM_JOIN_SPACED ? 1u : 0u) +
	                 (folds & MESURA_NORM_COLLAPSE_REPEATS ? 1u : 0u);
	v->steps += in->len * scans;
	/* Each fold is one pass over the text: the stop hook is asked between them. */
	if (mesura_view__must_stop(v))
		return MESURA_ELIMIT;
	if (folds & MESURA_NORM_LEET)
		rc = fold_leet(v, &in, nz->fold_fast_path, edited);
	if (rc != MESURA_OK || !rebuilds)
		return rc;
	v->n_edits = 0;
	if (folds & MESURA_NORM_JOIN_SPACED) {
		if (mesura_view__must_stop(v))
			return MESURA_ELIMIT;
		rc = find_spaced_letters(v, in, nz->fold_fast_path);
	}
	size_t n_joined = v->n_edits;
	if (rc == MESURA_OK && (folds & MESURA_NORM_COLLAPSE_REPEATS))
		rc = mesura_view__must_stop(v) ? MESURA_ELIMIT : find_repeats(v, in, nz->fold_fast_path);
	if (rc == MESURA_OK && v->n_edits > n_joined && n_joined > 0)
		rc = merge_edits(v, n_joined);
	if (rc != MESURA_OK || v->n_edits == 0)
		return rc;
	*edited = 1;
	rc = rebuild(v, in);
	if (rc == MESURA_OK && !nz->fold_fast_path)
		mesura_view__build_map(v); /* the general path, for tests to compare with */
	return rc;
}
