/*
 * Word-context folds on the stage-1 text.
 *
 * Leetspeak folding replaces ASCII bytes with ASCII bytes, so it works in place and
 * leaves the map alone. Collapsing repeats and joining spaced letters delete
 * characters: the text is rebuilt into the view's spare buffer, each kept character
 * carrying its source range, and swapped in.
 */
#include <string.h>
#include <utf8proc.h>

#include "ascii.h"
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

static int is_ascii_letter(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u;
}

static int is_ascii_digit(unsigned char c)
{
	return (unsigned)(c - '0') < 10u;
}

static int is_letter_cp(int32_t cp)
{
	if (cp < 0x80)
		return is_ascii_letter((unsigned char)cp);
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
		return is_ascii_letter((unsigned char)cp) || is_ascii_digit((unsigned char)cp) ||
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

/* Folds leet inside one word t[start, end) that contains a letter. A symbol is only
 * leet before a letter or digit of the same word, so "hola!" keeps its "!"; a run of
 * three or more digits is a number, so "#año2024" and "100k" keep theirs. */
static void fold_leet_word(unsigned char *t, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		unsigned char c = t[i];
		if (is_ascii_digit(c)) {
			size_t run = i;
			while (run < end && is_ascii_digit(t[run]))
				run++;
			if (run - i >= 3) {
				i = run - 1;
				continue;
			}
		}
		unsigned char letter = leet_letter(c);
		if (!letter)
			continue;
		if (is_leet_symbol(c) &&
		    !(i + 1 < end && (is_ascii_letter(t[i + 1]) || is_ascii_digit(t[i + 1]) ||
		                      t[i + 1] >= 0x80)))
			continue;
		t[i] = letter;
	}
}

/* Classes of ASCII bytes for the word scan, one table lookup per byte. */
enum { WORD = 1, LETTER = 2, LEET = 4 };
static const unsigned char ascii_class[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 5, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	5, 5, 1, 5, 5, 5, 1, 5, 5, 5, 0, 0, 0, 0, 0, 0,
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

/* Position of the next byte that may be leet (a digit or @ $ ! |), or len. */
static size_t next_leet_candidate(const unsigned char *t, size_t len, size_t i)
{
	for (; i + 8 <= len; i += 8) {
		uint64_t w = ascii_load(t + i), x = w & ~ASCII_HIGH;
		uint64_t hit = ascii_in_range(x, '0', '9') | ascii_has_byte(x, '@') |
		               ascii_has_byte(x, '$') | ascii_has_byte(x, '!') | ascii_has_byte(x, '|');
		if (hit)
			break;
	}
	while (i < len && !(t[i] < 0x80 && (ascii_class[t[i]] & LEET)))
		i++;
	return i;
}

/* Start of the word that holds the character at t[i]. */
static size_t word_start(const unsigned char *t, size_t len, size_t i)
{
	while (i > 0) {
		size_t prev = i - 1;
		while (prev > 0 && (t[prev] & 0xC0) == 0x80)
			prev--;
		int32_t cp;
		next_cp(t, len, prev, &cp);
		if (!is_word_cp(cp))
			break;
		i = prev;
	}
	return i;
}

/* Only the words around leet candidates are looked at: most words have none. */
static void fold_leet(view_buf *b)
{
	unsigned char *t = b->text;
	size_t len = b->len, i = 0;
	while ((i = next_leet_candidate(t, len, i)) < len) {
		size_t start = word_start(t, len, i);
		unsigned seen = 0;
		size_t end = scan_word(t, len, start, &seen);
		if ((seen & (LETTER | LEET)) == (LETTER | LEET))
			fold_leet_word(t, start, end);
		i = end > i ? end : i + 1;
	}
}

/* ------------------------------------------------ collapse and join */

typedef struct fold_item {
	int32_t cp;
	size_t out_start, out_len;
	size_t src_start, src_end;
	int linear; /* the character maps byte for byte (came from a linear atom) */
	int drop;
} fold_item;

static int join_separator(int32_t cp)
{
	return cp == ' ' || cp == '.' || cp == '-' || cp == '_' || cp == '*';
}

/* Splits the view's text into characters with their source ranges. */
static int load_items(mesura_view *v, fold_item **items_out, size_t *n_out)
{
	const view_buf *b = &v->cur;
	void *items = v->fold_items;
	int rc = mesura_alloc__grow(&v->alloc, &items, &v->fold_items_cap, b->len, sizeof(fold_item));
	if (rc != MESURA_OK)
		return rc;
	v->fold_items = items;
	fold_item *it = v->fold_items;
	size_t n = 0, a = 0;
	for (size_t i = 0; i < b->len;) {
		int32_t cp;
		size_t len = next_cp(b->text, b->len, i, &cp);
		while (b->atoms[a].out_end <= i)
			a++;
		const view_atom *atom = &b->atoms[a];
		fold_item item = {cp, i, len, atom->src_start, atom->src_end, atom->linear, 0};
		if (atom->linear) {
			item.src_start = atom->src_start + (i - atom->out_start);
			item.src_end = item.src_start + len;
		}
		it[n++] = item;
		i += len;
	}
	*items_out = it;
	*n_out = n;
	return MESURA_OK;
}

/* A single letter standing alone: the letter plus its marks, with no letter or digit
 * right before it. Returns the index after the unit, or 0 when there is none at i. */
static size_t letter_unit_end(const fold_item *it, size_t n, size_t i)
{
	if (i >= n || !is_letter_cp(it[i].cp))
		return 0;
	size_t j = i + 1;
	while (j < n && is_mark_cp(it[j].cp))
		j++;
	return j;
}

static int is_alnum_item(const fold_item *it)
{
	if (it->cp < 0x80)
		return is_ascii_letter((unsigned char)it->cp) || is_ascii_digit((unsigned char)it->cp);
	return is_letter_cp(it->cp) || is_mark_cp(it->cp) ||
	       utf8proc_category(it->cp) == UTF8PROC_CATEGORY_ND;
}

/* Length (0 to 2) of the separator at it[k]: one or two of the same character, which
 * must be `sep` when sep is not 0. */
static size_t separator_at(const fold_item *it, size_t n, size_t k, int32_t sep)
{
	if (k >= n || !join_separator(it[k].cp) || (sep && it[k].cp != sep))
		return 0;
	return (k + 1 < n && it[k + 1].cp == it[k].cp) ? 2 : 1;
}

/* Marks the separators of "f u c k" / "g.i.l.i.p.o.l.l.a.s" runs (three or more
 * single letters, each one or two of the same separator apart) for deletion. */
static void join_spaced(fold_item *it, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t end = letter_unit_end(it, n, i);
		if (!end || (i > 0 && is_alnum_item(&it[i - 1]))) {
			i++;
			continue;
		}
		size_t units = 1, run_end = end;
		int32_t sep = 0;
		for (;;) {
			size_t seps = separator_at(it, n, run_end, sep);
			size_t next_end = seps ? letter_unit_end(it, n, run_end + seps) : 0;
			if (!next_end || (next_end < n && is_alnum_item(&it[next_end])))
				break;
			sep = it[run_end].cp;
			units++;
			run_end = next_end;
		}
		if (units >= 3)
			for (size_t j = i; j < run_end; j++)
				if (join_separator(it[j].cp))
					it[j].drop = 1;
		i = run_end;
	}
}

/* Merges each repeat of a letter into the letter before it. */
static void collapse_repeats(fold_item *it, size_t n)
{
	fold_item *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		if (it[i].drop)
			continue;
		if (prev && prev->cp == it[i].cp && is_letter_cp(it[i].cp)) {
			prev->src_end = it[i].src_end > prev->src_end ? it[i].src_end : prev->src_end;
			prev->linear = 0;
			it[i].drop = 1;
			continue;
		}
		prev = &it[i];
	}
}

static int rebuild(mesura_view *v, const fold_item *it, size_t n)
{
	view_buf *out = &v->spare;
	out->len = 0;
	out->n_atoms = 0;
	int rc = mesura_view__reserve(v, out, v->cur.len);
	for (size_t i = 0; i < n && rc == MESURA_OK; i++) {
		if (it[i].drop)
			continue;
		const unsigned char *bytes = v->cur.text + it[i].out_start;
		rc = it[i].linear
		         ? mesura_view__emit_linear(v, out, bytes, it[i].out_len, it[i].src_start)
		         : mesura_view__emit_block(v, out, bytes, it[i].out_len, it[i].src_start,
		                                   it[i].src_end);
	}
	if (rc == MESURA_OK)
		mesura_view__swap(v);
	return rc;
}

int mesura_text__fold_words(const mesura_normalizer *nz, mesura_view *v)
{
	if (nz->flags & MESURA_NORM_LEET)
		fold_leet(&v->cur);
	if (!(nz->flags & (MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED)) || v->cur.len == 0)
		return MESURA_OK;
	fold_item *items;
	size_t n;
	int rc = load_items(v, &items, &n);
	if (rc != MESURA_OK)
		return rc;
	if (nz->flags & MESURA_NORM_JOIN_SPACED)
		join_spaced(items, n);
	if (nz->flags & MESURA_NORM_COLLAPSE_REPEATS)
		collapse_repeats(items, n);
	return rebuild(v, items, n);
}
