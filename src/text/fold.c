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

/*
 * Joining and collapsing only delete characters. They are found as a sorted list of
 * edits on the stage-1 text, and the text is rebuilt by copying what lies between
 * edits in bulk, cutting the map's atoms to fit. A post with nothing to join or
 * collapse is left alone.
 */
typedef struct fold_edit {
	size_t at, len; /* the bytes [at, at + len) of the stage-1 text */
	size_t keep;    /* bytes kept at `at`: 0 deletes (a joining separator); otherwise
	                 * a collapsed run whose first letter stays and covers the run */
} fold_edit;

static int join_separator(int32_t cp)
{
	return cp == ' ' || cp == '.' || cp == '-' || cp == '_' || cp == '*';
}

static int is_alnum_cp(int32_t cp)
{
	if (cp < 0x80)
		return is_ascii_letter((unsigned char)cp) || is_ascii_digit((unsigned char)cp);
	return is_letter_cp(cp) || is_mark_cp(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static int push_edit(mesura_view *v, size_t at, size_t len, size_t keep)
{
	if (v->n_edits && !keep && !v->edits[v->n_edits - 1].keep &&
	    v->edits[v->n_edits - 1].at + v->edits[v->n_edits - 1].len == at) {
		v->edits[v->n_edits - 1].len += len; /* adjacent deletions become one */
		return MESURA_OK;
	}
	void *edits = v->edits;
	int rc = mesura_alloc__grow(&v->alloc, &edits, &v->edits_cap, v->n_edits + 1, sizeof(fold_edit));
	if (rc != MESURA_OK)
		return rc;
	v->edits = edits;
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

/* Bytes (0 to 2) of the separator at t[i]: one or two of the same character, which
 * must be `sep` when sep is not 0. */
static size_t separator_at(const unsigned char *t, size_t len, size_t i, unsigned char sep)
{
	if (i >= len || !join_separator(t[i]) || (sep && t[i] != sep))
		return 0;
	return (i + 1 < len && t[i + 1] == t[i]) ? 2 : 1;
}

/* The end of a run of three or more single letters starting with the unit [i, end),
 * each one or two of the same separator apart ("f u c k", "g.i.l.i.p.o.l.l.a.s"), or
 * 0 when the letters there do not make such a run. */
static size_t spaced_run_end(const unsigned char *t, size_t len, size_t end)
{
	size_t units = 1;
	unsigned char sep = 0;
	for (;;) {
		size_t seps = separator_at(t, len, end, sep);
		size_t next_end = seps ? letter_unit_end(t, len, end + seps) : 0;
		if (!next_end || alnum_at(t, len, next_end))
			break;
		sep = t[end];
		units++;
		end = next_end;
	}
	return units >= 3 ? end : 0;
}

/* Adds a deletion for each separator of the spaced runs in the text. */
static int find_spaced_letters(mesura_view *v)
{
	const unsigned char *t = v->cur.text;
	size_t len = v->cur.len, i = 0;
	int prev_alnum = 0;
	while (i < len) {
		int32_t cp;
		size_t n = next_cp(t, len, i, &cp);
		size_t unit_end = prev_alnum ? 0 : letter_unit_end(t, len, i);
		size_t run_end = unit_end ? spaced_run_end(t, len, unit_end) : 0;
		for (size_t k = unit_end; k < run_end; k++) {
			if (join_separator(t[k])) {
				int rc = push_edit(v, k, 1, 0);
				if (rc != MESURA_OK)
					return rc;
			}
		}
		prev_alnum = is_alnum_cp(cp);
		i += n;
		if (run_end) {
			i = run_end;
			prev_alnum = 1;
		}
	}
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
static int find_repeats(mesura_view *v)
{
	const unsigned char *t = v->cur.text;
	size_t len = v->cur.len, i = 0, joined = 0, n_joined = v->n_edits;
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
	return MESURA_OK;
}

/* Index of the atom that holds byte `at` of b (at < b->len), searching from `from`. */
static size_t atom_from(const view_buf *b, size_t from, size_t at)
{
	while (b->atoms[from].out_end <= at)
		from++;
	return from;
}

/* Copies the stage-1 bytes [lo, hi) to spare, each piece with its part of the map. */
static int copy_range(mesura_view *v, size_t *atom, size_t lo, size_t hi)
{
	const view_buf *b = &v->cur;
	while (lo < hi) {
		*atom = atom_from(b, *atom, lo);
		const view_atom *a = &b->atoms[*atom];
		size_t end = a->out_end < hi ? a->out_end : hi;
		int rc = a->linear ? mesura_view__emit_linear(v, &v->spare, b->text + lo, end - lo,
		                                              a->src_start + (lo - a->out_start))
		                   : mesura_view__emit_block(v, &v->spare, b->text + lo, end - lo,
		                                             a->src_start, a->src_end);
		if (rc != MESURA_OK)
			return rc;
		lo = end;
	}
	return MESURA_OK;
}

/* Emits the first letter of a collapsed run, mapped to the source of the whole run. */
static int emit_collapsed(mesura_view *v, size_t *atom, const fold_edit *e)
{
	const view_buf *b = &v->cur;
	*atom = atom_from(b, *atom, e->at);
	const view_atom *first = &b->atoms[*atom];
	size_t src_start = first->linear ? first->src_start + (e->at - first->out_start)
	                                 : first->src_start;
	size_t last_byte = e->at + e->len - 1;
	const view_atom *last = &b->atoms[atom_from(b, *atom, last_byte)];
	size_t src_end = last->linear ? last->src_start + (last_byte + 1 - last->out_start)
	                              : last->src_end;
	return mesura_view__emit_block(v, &v->spare, b->text + e->at, e->keep, src_start, src_end);
}

static int rebuild(mesura_view *v)
{
	v->spare.len = 0;
	v->spare.n_atoms = 0;
	int rc = mesura_view__reserve(v, &v->spare, v->cur.len);
	size_t pos = 0, atom = 0;
	for (size_t k = 0; k < v->n_edits && rc == MESURA_OK; k++) {
		const fold_edit *e = &v->edits[k];
		rc = copy_range(v, &atom, pos, e->at);
		if (rc == MESURA_OK && e->keep)
			rc = emit_collapsed(v, &atom, e);
		pos = e->at + e->len;
	}
	if (rc == MESURA_OK)
		rc = copy_range(v, &atom, pos, v->cur.len);
	if (rc == MESURA_OK)
		mesura_view__swap(v);
	return rc;
}

int mesura_text__fold_words(const mesura_normalizer *nz, mesura_view *v)
{
	if (nz->flags & MESURA_NORM_LEET)
		fold_leet(&v->cur);
	if (!(nz->flags & (MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED)))
		return MESURA_OK;
	v->n_edits = 0;
	int rc = MESURA_OK;
	if (nz->flags & MESURA_NORM_JOIN_SPACED)
		rc = find_spaced_letters(v);
	size_t n_joined = v->n_edits;
	if (rc == MESURA_OK && (nz->flags & MESURA_NORM_COLLAPSE_REPEATS))
		rc = find_repeats(v);
	if (rc == MESURA_OK && v->n_edits > n_joined && n_joined > 0)
		rc = merge_edits(v, n_joined);
	if (rc != MESURA_OK || v->n_edits == 0)
		return rc;
	return rebuild(v);
}
