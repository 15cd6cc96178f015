/*
 * Stage 1 of a view: the per-character Unicode pipeline, with an offset map.
 *
 * Each input character is repaired (U+FFFD), dropped if invisible, decomposed
 * (canonical or compatibility, with case folding), mapped through the confusables
 * table, then collected into a segment: a starter and the marks that follow it, the
 * unit inside which canonical reordering and composition happen. When the next
 * starter that cannot compose backward arrives, the segment is reordered, stripped
 * of marks, recomposed and emitted, each character carrying its source range.
 *
 * Runs of ASCII skip all that (ASCII never decomposes, composes with ASCII, or is
 * invisible): they are copied or lower-cased with one linear atom per run. The last
 * ASCII byte before a non-ASCII one takes the general path, since it may be the
 * starter of a following combining mark.
 */
#include <string.h>
#include <utf8proc.h>

#include "ascii.h"
#include "chunk.h"
#include "fold.h"
#include "mesura/errors.h"
#include "normalizer.h"
#include "plain.h"
#include "view.h"

/* The longest decomposition utf8proc produces with compatibility and case folding is
 * 18 code points (U+FDFA); confusables then expand each by at most 4. */
#define DECOMPOSE_MAX 32

typedef struct {
	const mesura_normalizer *nz;
	mesura_view *v;
	const unsigned char *src;
	size_t len;
	int first_push; /* -1; then whether the first character pushed started a segment */
	/* The last run of regional indicators read (bytes [ri_start, ri_end) of the
	 * source) and whether it reads as letters (regional_reads_as_letter). */
	size_t ri_start, ri_end;
	int ri_letters;
} stage1;

/* C0 controls but the white space TAB LF VT FF CR, DEL, and C1 (NEL included): no
 * text a reader sees, so REMOVE_INVISIBLES drops them with the ignorables. */
static int is_control(int32_t cp)
{
	return (cp < 0x20 && !(cp >= '\t' && cp <= '\r')) || (cp >= 0x7F && cp <= 0x9F);
}

static int is_invisible(int32_t cp)
{
	return is_control(cp) || utf8proc_get_property(cp)->ignorable;
}

static int is_strippable_mark(int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME;
}

static int keeps_mark(const mesura_normalizer *nz, int32_t base, int32_t mark)
{
	for (size_t k = 0; k < nz->n_keep; k++)
		if (nz->keep[k].base == base && nz->keep[k].mark == mark)
			return 1;
	return 0;
}

static int seg_push(mesura_view *v, int32_t cp, size_t src_start, size_t src_end)
{
	void *seg = v->seg;
	int rc = mesura_alloc__grow(&v->alloc, &seg, &v->seg_cap, v->seg_len + 1, sizeof(seg_char));
	if (rc != MESURA_OK)
		return rc;
	v->seg = seg;
	seg_char *c = &v->seg[v->seg_len++];
	c->cp = cp;
	c->ccc = (uint8_t)utf8proc_get_property(cp)->combining_class;
	c->src_start = src_start;
	c->src_end = src_end;
	return MESURA_OK;
}

/* Stable sort of a run of marks by combining class. Insertion sort for the usual
 * handful; a counting sort for long runs so 100k marks stay linear. */
static int sort_marks(mesura_view *v, seg_char *run, size_t n)
{
	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			seg_char c = run[i];
			size_t j = i;
			for (; j > 0 && run[j - 1].ccc > c.ccc; j--)
				run[j] = run[j - 1];
			run[j] = c;
		}
		return MESURA_OK;
	}
	void *tmp = v->tmp;
	int rc = mesura_alloc__grow(&v->alloc, &tmp, &v->tmp_cap, n, sizeof(seg_char));
	if (rc != MESURA_OK)
		return rc;
	v->tmp = tmp;
	size_t count[257] = {0};
	for (size_t i = 0; i < n; i++)
		count[run[i].ccc + 1]++;
	for (size_t c = 1; c < 257; c++)
		count[c] += count[c - 1];
	for (size_t i = 0; i < n; i++)
		v->tmp[count[run[i].ccc]++] = run[i];
	memcpy(run, v->tmp, n * sizeof *run);
	return MESURA_OK;
}

/* Canonical ordering of every run of non-starters in the segment. */
static int canonical_order(mesura_view *v)
{
	seg_char *seg = v->seg;
	size_t n = v->seg_len, i = 0;
	while (i < n) {
		if (seg[i].ccc == 0) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && seg[j].ccc != 0)
			j++;
		int rc = sort_marks(v, seg + i, j - i);
		if (rc != MESURA_OK)
			return rc;
		i = j;
	}
	return MESURA_OK;
}

/* Drops accents, except the marks of keep-letters (ñ) on their base letter. */
static void strip_marks(const mesura_normalizer *nz, mesura_view *v)
{
	size_t kept = 0;
	int32_t starter = -1;
	for (size_t i = 0; i < v->seg_len; i++) {
		seg_char c = v->seg[i];
		if (c.ccc == 0 && !is_strippable_mark(c.cp)) {
			starter = c.cp;
		} else if (is_strippable_mark(c.cp)) {
			if (starter < 0 || !keeps_mark(nz, starter, c.cp))
				continue;
			starter = -1; /* one kept mark per letter */
		}
		v->seg[kept++] = c;
	}
	v->seg_len = kept;
}

/* Canonical composition (UAX #15) in place; a composite covers both source ranges. */
static void compose(mesura_view *v)
{
	seg_char *seg = v->seg;
	size_t out = 0;
	long starter = -1;
	int last_ccc = 0;
	for (size_t i = 0; i < v->seg_len; i++) {
		seg_char c = seg[i];
		if (starter >= 0 && (last_ccc < c.ccc || last_ccc == 0)) {
			int32_t composite = mesura_text__compose(seg[starter].cp, c.cp);
			if (composite >= 0) {
				seg_char *s = &seg[starter];
				s->cp = composite;
				s->src_start = s->src_start < c.src_start ? s->src_start : c.src_start;
				s->src_end = s->src_end > c.src_end ? s->src_end : c.src_end;
				continue;
			}
		}
		if (c.ccc == 0)
			starter = (long)out;
		last_ccc = c.ccc;
		seg[out++] = c;
	}
	v->seg_len = out;
}

/* The map must be monotonic. Reordering, or a composition that reached past a mark,
 * can break that inside a segment; the whole segment then maps to its whole range. */
static void make_monotonic(mesura_view *v)
{
	seg_char *seg = v->seg;
	int ordered = 1;
	size_t lo = seg[0].src_start, hi = seg[0].src_end;
	for (size_t i = 1; i < v->seg_len; i++) {
		if (seg[i].src_start < seg[i - 1].src_start || seg[i].src_end < seg[i - 1].src_end)
			ordered = 0;
		lo = seg[i].src_start < lo ? seg[i].src_start : lo;
		hi = seg[i].src_end > hi ? seg[i].src_end : hi;
	}
	if (ordered)
		return;
	for (size_t i = 0; i < v->seg_len; i++) {
		seg[i].src_start = lo;
		seg[i].src_end = hi;
	}
}

/* Emits one character: linear when it is the unchanged source character (so runs of
 * untouched non-ASCII text stay one atom), a block otherwise. */
static int emit_char(stage1 *st, const seg_char *c)
{
	unsigned char bytes[4];
	size_t n = mesura_utf8__encode(c->cp, bytes);
	if (n == c->src_end - c->src_start && memcmp(bytes, st->src + c->src_start, n) == 0)
		return mesura_view__emit_linear(st->v, &st->v->cur, bytes, n, c->src_start);
	return mesura_view__emit_block(st->v, &st->v->cur, bytes, n, c->src_start, c->src_end);
}

static int flush_segment(stage1 *st)
{
	mesura_view *v = st->v;
	if (v->seg_len == 0)
		return MESURA_OK;
	v->steps += v->seg_len; /* ordering, stripping, composing, emitting: each linear */
	int rc = canonical_order(v);
	if (rc != MESURA_OK)
		return rc;
	if (st->nz->flags & MESURA_NORM_STRIP_MARKS)
		strip_marks(st->nz, v);
	if (st->nz->compose)
		compose(v);
	if (v->seg_len > 0)
		make_monotonic(v);
	for (size_t i = 0; i < v->seg_len && rc == MESURA_OK; i++)
		rc = emit_char(st, &v->seg[i]);
	v->seg_len = 0;
	return rc;
}

/* Adds one decomposed character to the segment, closing the segment first when the
 * character starts a new one. */
static int push_decomposed(stage1 *st, int32_t cp, size_t src_start, size_t src_end)
{
	if ((st->nz->flags & MESURA_NORM_REMOVE_INVISIBLES) && is_invisible(cp))
		return MESURA_OK;
	int starter =
	    utf8proc_get_property(cp)->combining_class == 0 && !mesura_text__composes_backward(cp);
	if (st->first_push < 0)
		st->first_push = starter;
	if (starter) {
		int rc = flush_segment(st);
		if (rc != MESURA_OK)
			return rc;
	}
	return seg_push(st->v, cp, src_start, src_end);
}

/* Decomposes cp with the given utf8proc options into parts[DECOMPOSE_MAX]. */
static utf8proc_ssize_t decompose(int32_t cp, utf8proc_int32_t *parts, int options)
{
	utf8proc_ssize_t n =
	    utf8proc_decompose_char(cp, parts, DECOMPOSE_MAX, (utf8proc_option_t)options, NULL);
	if (n < 0 || n > DECOMPOSE_MAX) { /* cannot happen with Unicode 15 data */
		parts[0] = cp;
		n = 1;
	}
	return n;
}

/* The source character starting at byte i, or -1 at the end. */
static int32_t source_cp_at(const stage1 *st, size_t i)
{
	int32_t cp = -1;
	if (i < st->len)
		mesura_utf8__decode(st->src, st->len, i, &cp);
	return cp;
}

/* The source character ending at byte i, or -1 at the start. */
static int32_t source_cp_before(const stage1 *st, size_t i)
{
	if (i == 0)
		return -1;
	size_t k = i - 1;
	while (k > 0 && i - k < 4 && (st->src[k] & 0xC0) == 0x80)
		k--;
	int32_t cp;
	size_t n = mesura_utf8__decode(st->src, st->len, k, &cp);
	return k + n == i ? cp : -1;
}

static int is_letter_cp(int32_t cp, int marks_too)
{
	if (cp < 0x80)
		return cp >= 0 && ascii_is_letter((unsigned char)cp);
	utf8proc_category_t cat = utf8proc_category(cp);
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (marks_too && cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

static int is_regional(int32_t cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF; /* four bytes each in UTF-8 */
}

/* Whether the regional indicator at byte `at` of the source reads as its letter.
 * Renderers pair them from the start of a run (UAX #29 GB12, GB13) and draw a pair that
 * is an RGI emoji flag as the flag, any other as its two letters. A run that is all
 * flags shows no letter (🇨🇰, 🇸🇭🇮🇹, merci🇫🇷); in any other run the letters show and
 * spell the word with the flags among them (🇫, 🇫🇺, 🇫🇺🇨🇰: F, U and the Cook Islands'
 * flag), so the whole run reads as letters. Each run is read once: a view may come back
 * to the middle of one (text under an override is read backwards). */
static int regional_reads_as_letter(stage1 *st, size_t at)
{
	if (at >= st->ri_start && at < st->ri_end)
		return st->ri_letters;
	size_t start = at, end = at;
	while (start >= 4 && is_regional(source_cp_before(st, start)))
		start -= 4;
	while (is_regional(source_cp_at(st, end)))
		end += 4;
	int all_flags = (end - start) % 8 == 0;
	for (size_t i = start; all_flags && i < end; i += 8)
		all_flags = mesura_text__emoji_flag(source_cp_at(st, i), source_cp_at(st, i + 4));
	st->ri_start = start;
	st->ri_end = end;
	st->ri_letters = !all_flags;
	return st->ri_letters;
}

/* Whether a look-alike with this context reads as its letters at [start, end) of the
 * source. Decided on the source, so the precomputed path (which leaves these to the
 * general one) and the general path agree. */
static int reads_as_letter(stage1 *st, unsigned context, size_t start, size_t end)
{
	switch (context) {
	case MESURA_LOOKALIKE_BEFORE_LETTER:
		return is_letter_cp(source_cp_at(st, end), 0);
	case MESURA_LOOKALIKE_BETWEEN_LETTERS:
		return is_letter_cp(source_cp_at(st, end), 0) &&
		       is_letter_cp(source_cp_before(st, start), 1);
	case MESURA_LOOKALIKE_REGIONAL:
		return regional_reads_as_letter(st, start);
	default:
		return 1;
	}
}

/* Beside MESURA_OK and the (negative) errors. */
enum { NOT_LOOKALIKE = 1, KEPT_AS_IS = 2 };

/* Pushes the ASCII prototype of a look-alike; returns NOT_LOOKALIKE when cp is not one,
 * KEPT_AS_IS when it is one that does not read as a letter here. */
static int push_lookalike(stage1 *st, int32_t cp, size_t src_start, size_t src_end)
{
	const char *ascii;
	unsigned context;
	size_t n = mesura_text__confusable(cp, &ascii, &context);
	if (n == 0)
		return NOT_LOOKALIKE;
	if (!reads_as_letter(st, context, src_start, src_end))
		return KEPT_AS_IS;
	int casefold = (st->nz->flags & MESURA_NORM_CASEFOLD) != 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)ascii[k];
		int rc = push_decomposed(st, casefold ? ascii_lower(c) : c, src_start, src_end);
		if (rc != MESURA_OK)
			return rc;
	}
	return MESURA_OK;
}

/* Confusables look at each part of a decomposition before case folding: Greek Σ
 * looks like no Latin letter, its folded σ like o. What is not a look-alike is then
 * folded, and looked up once more (a lower-case look-alike of a capital). `seen`: cp
 * was looked up already (it is the character itself, which has no decomposition). */
static int push_confusable(stage1 *st, int32_t cp, size_t src_start, size_t src_end, int seen)
{
	int rc = seen ? NOT_LOOKALIKE : push_lookalike(st, cp, src_start, src_end);
	if (rc == KEPT_AS_IS)
		return push_decomposed(st, cp, src_start, src_end);
	if (rc != NOT_LOOKALIKE) /* pushed, or failed */
		return rc;
	if (!(st->nz->flags & MESURA_NORM_CASEFOLD))
		return push_decomposed(st, cp, src_start, src_end);
	utf8proc_int32_t parts[DECOMPOSE_MAX];
	utf8proc_ssize_t n = decompose(cp, parts, st->nz->utf8proc_options);
	for (utf8proc_ssize_t k = 0; k < n; k++) {
		rc = parts[k] == cp ? NOT_LOOKALIKE : push_lookalike(st, parts[k], src_start, src_end);
		if (rc == NOT_LOOKALIKE || rc == KEPT_AS_IS)
			rc = push_decomposed(st, parts[k], src_start, src_end);
		if (rc != MESURA_OK)
			return rc;
	}
	return MESURA_OK;
}

/* With DIGITS, a decimal digit beyond ASCII as its ASCII digit; cp otherwise. Asked
 * before the look-alikes: Arabic-Indic ٥ is five, not the letter o it resembles. */
static int32_t as_digit(const mesura_normalizer *nz, int32_t cp)
{
	int value = (nz->flags & MESURA_NORM_DIGITS) && cp >= 0x80 ? mesura_text__digit_value(cp) : -1;
	return value >= 0 ? '0' + value : cp;
}

static int process_char(stage1 *st, int32_t cp, size_t src_start, size_t src_end)
{
	const mesura_normalizer *nz = st->nz;
	cp = as_digit(nz, cp);
	if (!nz->decompose) {
		if ((nz->flags & MESURA_NORM_REMOVE_INVISIBLES) && is_invisible(cp))
			return MESURA_OK;
		st->first_push = st->first_push < 0 ? 1 : st->first_push; /* no segments here */
		seg_char c = {cp, 0, src_start, src_end};
		return emit_char(st, &c);
	}
	int confusables = (nz->flags & MESURA_NORM_CONFUSABLES) != 0;
	int options = nz->utf8proc_options;
	int kept = 0;
	if (confusables) {
		/* The character itself first: ⒜ reads "a", while its NFKC "(a)" would leave
		 * the brackets; Greek ϲ reads "c", while its NFKC σ reads "o". */
		int rc = push_lookalike(st, cp, src_start, src_end);
		if (rc != NOT_LOOKALIKE && rc != KEPT_AS_IS) /* pushed, or failed */
			return rc;
		kept = rc == KEPT_AS_IS; /* a symbol that is not a letter here: no lookups */
		if (!kept)
			options &= ~UTF8PROC_CASEFOLD; /* folded per part, after the lookup */
	}
	utf8proc_int32_t parts[DECOMPOSE_MAX];
	utf8proc_ssize_t n = decompose(cp, parts, options);
	for (utf8proc_ssize_t k = 0; k < n; k++) {
		int rc = confusables && !kept
		             ? push_confusable(st, parts[k], src_start, src_end, n == 1 && parts[0] == cp)
		             : push_decomposed(st, parts[k], src_start, src_end);
		if (rc != MESURA_OK)
			return rc;
	}
	return MESURA_OK;
}

/* ASCII bytes that the fast path leaves to the general one: the controls that
 * REMOVE_INVISIBLES drops, and '%' and '&', which may start markup (DECODE_MARKUP). */
static chunk ascii_stops(unsigned int flags, chunk x)
{
	chunk stops = chunk_splat(0); /* none */
	if (flags & MESURA_NORM_REMOVE_INVISIBLES)
		stops = chunk_or(chunk_or(chunk_eq(x, 0), chunk_in(x, 0x01, 0x08)),
		                 chunk_or(chunk_in(x, 0x0E, 0x1F), chunk_eq(x, 0x7F)));
	if (flags & MESURA_NORM_DECODE_MARKUP)
		stops = chunk_or(stops, chunk_in(x, '%', '&'));
	return stops;
}

/* Every flag that ascii_stops reads. */
#define ANY_ASCII_STOP (MESURA_NORM_REMOVE_INVISIBLES | MESURA_NORM_DECODE_MARKUP)

static int ascii_stops_at(unsigned int flags, unsigned char c)
{
	return ((flags & MESURA_NORM_REMOVE_INVISIBLES) && is_control(c)) ||
	       ((flags & MESURA_NORM_DECODE_MARKUP) && (c == '%' || c == '&'));
}

/* The ASCII bytes from s[i] on that the fast path copies, a chunk at a time. */
static size_t ascii_run(unsigned int flags, const unsigned char *s, size_t len, size_t i)
{
	size_t j = i;
	for (; j + CHUNK <= len; j += CHUNK) {
		chunk x = chunk_load(s + j);
		chunk stop = chunk_or(chunk_high(x), ascii_stops(flags, x));
		if (chunk_any(stop))
			return j + chunk_first(stop) - i;
	}
	if (j < len && len >= CHUNK) {
		chunk x = chunk_load_last(s, len);
		unsigned bits = chunk_bits_last(chunk_or(chunk_high(x), ascii_stops(flags, x)), len, j);
		return (bits ? j + chunk_lowest_bit(bits) : len) - i;
	}
	while (j < len && s[j] < 0x80 && !ascii_stops_at(flags, s[j]))
		j++;
	return j - i;
}

/* ------------------------------------------------ precomputed characters */

/* The code points whose stage 1 each normaliser precomputes: Latin, Greek, Cyrillic,
 * Hebrew and Arabic letters and their marks; punctuation; currency; symbols, dingbats,
 * the variation selectors (the emoji one, U+FE0F), the fullwidth and halfwidth forms,
 * the regional indicators, and emoji: 4,234 entries of 8 bytes. */
static const struct {
	int32_t first, last;
} PRE_RANGES[] = {{0x0080, 0x07FF},   {0x2000, 0x206F},   {0x20A0, 0x20CF},
                  {0x2600, 0x27BF},   {0xFE00, 0xFE0F},   {0xFF00, 0xFFEF},
                  {0x1F1E6, 0x1F1FF}, {0x1F300, 0x1F6FF}, {0x1F900, 0x1F9FF},
                  {0x1FA70, 0x1FAFF}};
#define N_PRE_RANGES (sizeof PRE_RANGES / sizeof PRE_RANGES[0])

/* Index of cp in nz->pre, or SIZE_MAX. */
static size_t pre_index(int32_t cp)
{
	if (cp <= PRE_RANGES[0].last) /* the two-byte characters, most of them */
		return cp >= PRE_RANGES[0].first ? (size_t)(cp - PRE_RANGES[0].first) : SIZE_MAX;
	size_t base = 0;
	for (size_t r = 0; r < N_PRE_RANGES; r++) {
		if (cp < PRE_RANGES[r].first)
			return SIZE_MAX;
		if (cp <= PRE_RANGES[r].last)
			return base + (size_t)(cp - PRE_RANGES[r].first);
		base += (size_t)(PRE_RANGES[r].last - PRE_RANGES[r].first + 1);
	}
	return SIZE_MAX;
}

/* The table's entry for cp, look-alikes read in context included; NULL if none. */
static inline const pre_char *pre_entry(const mesura_normalizer *nz, int32_t cp)
{
	size_t k = cp >= 0x80 && nz->pre ? pre_index(cp) : SIZE_MAX;
	return k != SIZE_MAX && nz->pre[k].kind != PRE_NONE ? &nz->pre[k] : NULL;
}

/* The table's entry for cp when it holds cp's stage 1 wherever cp starts a segment. */
static const pre_char *precomputed(const mesura_normalizer *nz, int32_t cp)
{
	const pre_char *c = pre_entry(nz, cp);
	return c && !(c->kind & PRE_IN_CONTEXT) ? c : NULL;
}

/* The precomputed stage 1 of the character cp at s[i, i + n) when it is what the
 * general path would make of it there: cp is dropped, or it starts a segment and so
 * does what follows it (the end, ASCII, or another precomputed starter), so that no
 * mark or composition reaches it from either side. NULL otherwise. */
static const pre_char *precomputed_at(const stage1 *st, int32_t cp, size_t i, size_t n,
                                      size_t len)
{
	const pre_char *c = precomputed(st->nz, cp);
	if (!c || c->kind == PRE_DROP || i + n == len)
		return c;
	if (st->src[i + n] < 0x80) /* but a control dropped or markup may reach back */
		return ascii_stops_at(st->nz->flags, st->src[i + n]) ? NULL : c;
	int32_t next;
	mesura_utf8__decode(st->src, len, i + n, &next);
	const pre_char *d = next >= 0 ? precomputed(st->nz, next) : NULL;
	return d && d->kind != PRE_DROP ? c : NULL;
}

/* Whether the character at s[i] is a precomputed one that starts a segment. */
static int starts_segment(const mesura_normalizer *nz, const unsigned char *s, size_t len,
                          size_t i)
{
	int32_t cp;
	mesura_utf8__decode(s, len, i, &cp);
	const pre_char *c = cp >= 0 ? precomputed(nz, cp) : NULL;
	return c && c->kind != PRE_DROP;
}

/* Emits the precomputed character at s[i, i + n): the segment before it is complete. */
static int emit_precomputed(stage1 *st, const pre_char *c, size_t i, size_t n)
{
	if (c->kind == PRE_DROP)
		return MESURA_OK; /* as on the general path: no flush, nothing emitted */
	int rc = flush_segment(st);
	if (rc != MESURA_OK || c->len == 0)
		return rc;
	mesura_view *v = st->v;
	if (c->kind == PRE_SAME)
		return mesura_view__emit_linear(v, &v->cur, c->out, c->len, i);
	return mesura_view__emit_block(v, &v->cur, c->out, c->len, i, i + n);
}

/* Where the run of bytes from s[i] that stage 1 leaves as they are (but ASCII letters
 * lower-cased when case folding) ends: the ASCII bytes the fast path copies
 * (ascii_run), and the precomputed characters that stay the same where
 * precomputed_at takes them (PRE_SAME: a starter, and so is what follows it). Most
 * accented Latin text in NFC is one run (é stays é in NFC and NFKC), a single linear
 * piece of the map, as the characters one by one would have made it. */
static size_t same_run(const stage1 *st, size_t i, size_t len)
{
	const unsigned char *s = st->src;
	size_t j = i;
	for (;;) {
		j += ascii_run(st->nz->flags, s, len, j);
		if (j >= len || s[j] < 0x80) /* the end, or an ASCII byte the fast path leaves */
			return j - i;
		int32_t cp;
		size_t n = mesura_utf8__decode(s, len, j, &cp);
		const pre_char *c = cp >= 0 ? precomputed_at(st, cp, j, n, len) : NULL;
		if (!c || c->kind != PRE_SAME)
			return j - i;
		j += n;
	}
}

/* Emits the bytes s[start, start + n) of a same_run, case folded when the normaliser
 * folds case: the ASCII capitals lower-cased, a chunk at a time (the other bytes,
 * those of the unchanged characters beyond ASCII too, stay as they are). */
static int emit_same_run(stage1 *st, size_t start, size_t n)
{
	mesura_view *v = st->v;
	if (!(st->nz->flags & MESURA_NORM_CASEFOLD))
		return mesura_view__emit_linear(v, &v->cur, st->src + start, n, start);
	int rc = mesura_view__reserve(v, &v->cur, n);
	if (rc != MESURA_OK)
		return rc;
	unsigned char *out = v->cur.text + v->cur.len;
	const unsigned char *in = st->src + start;
	size_t k = 0;
	for (; k + CHUNK <= n; k += CHUNK)
		chunk_store(out + k, chunk_lower(chunk_load(in + k)));
	if (k < n && n >= CHUNK) /* the last chunk, some of its bytes written again alike */
		chunk_store(out + n - CHUNK, chunk_lower(chunk_load(in + n - CHUNK)));
	else
		for (; k < n; k++)
			out[k] = ascii_lower(in[k]);
	return mesura_view__commit_linear(v, &v->cur, n, start);
}

/* Beside MESURA_OK and the (negative) errors: a character normalize_table_post leaves
 * to the general path. */
enum { NOT_TABLE_POST = 3 };

/* The first byte from s[i] on that marks (text_marks) holds, or len. */
static size_t next_marked(const text_marks *marks, size_t len, size_t i)
{
	if (i >= len)
		return len;
	size_t w = i / 64;
	uint64_t word = marks->words[w] & (~(uint64_t)0 << (i % 64));
	while (!word) {
		if (++w * 64 >= len)
			return len;
		word = marks->words[w];
	}
	size_t at = w * 64; /* no mark past len */
#if defined(__GNUC__)
	return at + (size_t)__builtin_ctzll(word);
#else
	for (; !(word & 1u); word >>= 1)
		at++;
	return at;
#endif
}

/* The character at s[i] (cp, or -1 when ill-formed) and its length: two-byte ones
 * (Latin, Greek, Cyrillic...) read here, the others by mesura_utf8__decode. */
static size_t decode_at(const unsigned char *s, size_t len, size_t i, int32_t *cp)
{
	if (s[i] >= 0xC2 && s[i] < 0xE0 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
		*cp = (int32_t)((s[i] & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu));
		return 2;
	}
	return mesura_utf8__decode(s, len, i, cp);
}

/* Appends the bytes s[from, to) that stage 1 leaves as they are (but ASCII capitals,
 * lower-cased when fold) to b, as one linear piece of the map (room reserved for them,
 * CHUNK bytes more, and an atom): a chunk at a time, a short run as one chunk when the
 * text has one there (the bytes written past the run are written over next, or lie
 * past the view's end). */
static void copy_run(view_buf *b, const unsigned char *s, size_t from, size_t to, size_t len,
                     int fold)
{
	size_t n = to - from;
	if (n == 0)
		return;
	unsigned char *out = b->text + b->len;
	const unsigned char *in = s + from;
	if (n <= CHUNK && len - from >= CHUNK) {
		chunk x = chunk_load(in);
		chunk_store(out, fold ? chunk_lower(x) : x);
	} else if (n < CHUNK) {
		for (size_t k = 0; k < n; k++)
			out[k] = fold ? ascii_lower(in[k]) : in[k];
	} else {
		for (size_t k = 0; k + CHUNK <= n; k += CHUNK) {
			chunk x = chunk_load(in + k);
			chunk_store(out + k, fold ? chunk_lower(x) : x);
		}
		chunk x = chunk_load(in + n - CHUNK); /* the last, some bytes written again alike */
		chunk_store(out + n - CHUNK, fold ? chunk_lower(x) : x);
	}
	mesura_view__map_linear(b, n, from);
}

/* The stage 1 of the look-alike cp read in context at s[i, i + n), whose entry is c:
 * its ASCII letters (case folded as the normaliser folds), one block of the map, in
 * *letters, where it reads as them (reads_as_letter, on the source, as on the general
 * path); else c, what it makes kept. */
static const pre_char *in_context(stage1 *st, int32_t cp, const pre_char *c, size_t i, size_t n,
                                  pre_char *letters)
{
	const char *ascii;
	unsigned context = MESURA_LOOKALIKE_ALWAYS;
	size_t k = mesura_text__confusable(cp, &ascii, &context);
	if (!reads_as_letter(st, context, i, i + n)) {
		*letters = *c;
		letters->kind &= (uint8_t)~PRE_IN_CONTEXT;
		return letters;
	}
	*letters = (pre_char){PRE_CHANGED, (uint8_t)k, {0}};
	int fold = (st->nz->flags & MESURA_NORM_CASEFOLD) != 0;
	for (size_t j = 0; j < k; j++)
		letters->out[j] = fold ? ascii_lower((unsigned char)ascii[j]) : (unsigned char)ascii[j];
	return letters;
}

/* Stage 1 of a post made only of ASCII the fast path copies (ascii_run), '%' and '&'
 * that start no markup, and precomputed characters (but U+202E under
 * REMOVE_INVISIBLES, which starts an override), in one pass over its marked bytes
 * (the others are ASCII that no flag touches): the runs left as they are (same_run)
 * and the table's entries between them. Each such character that pushes anything
 * starts a segment and cannot compose backward (precompute_char), so no mark or
 * composition reaches from one to another (a PRE_DROP one pushes nothing and closes no
 * segment: its neighbours meet); a look-alike read in context (PRE_IN_CONTEXT) is its
 * letters or its entry as the source around it says, as on the general path
 * (in_context), and a character that decomposes to one is not in the table
 * (read_in_context). So stage 1 of the post is each character's own, one after the
 * other, as the general path makes it. NOT_TABLE_POST at the first other character (a
 * combining mark, a control, markup, an ill-formed byte), the view half made. */
static int normalize_table_post(stage1 *st, const text_marks *marks)
{
	const mesura_normalizer *nz = st->nz;
	const unsigned char *s = st->src;
	size_t len = st->len, i = 0, run = 0; /* run: where the bytes left as they are start */
	view_buf *b = &st->v->cur;
	int fold = (nz->flags & MESURA_NORM_CASEFOLD) != 0;
	/* A character beyond ASCII has 2 bytes or more and becomes at most 6 (pre_char);
	 * copy_run and the entries write a little past what they keep. */
	int rc = mesura_view__reserve(st->v, b, 3 * len + CHUNK);
	while (rc == MESURA_OK && (i = next_marked(marks, len, i)) < len) {
		if (s[i] < 0x80) { /* a control, '%' or '&' */
			int32_t cps[2];
			size_t n_cps;
			if (ascii_stops_at(nz->flags, s[i]) &&
			    (is_control(s[i]) || mesura_text__decode_markup(s, len, i, cps, &n_cps) > 0))
				return NOT_TABLE_POST;
			i++; /* left as it is, in the run */
			continue;
		}
		int32_t cp;
		size_t n = decode_at(s, len, i, &cp);
		const pre_char *c = cp >= 0 ? pre_entry(nz, cp) : NULL;
		if (!c || (cp == 0x202E && (nz->flags & MESURA_NORM_REMOVE_INVISIBLES)))
			return NOT_TABLE_POST;
		pre_char letters;
		if (c->kind & PRE_IN_CONTEXT)
			c = in_context(st, cp, c, i, n, &letters);
		if (c->kind != PRE_SAME) {
			rc = mesura_view__reserve_atoms(st->v, b, 2);
			if (rc != MESURA_OK)
				break;
			copy_run(b, s, run, i, len, fold);
			memcpy(b->text + b->len, c->out, sizeof c->out); /* PRE_DROP: len 0 */
			if (c->len > 0)
				mesura_view__map_block(b, c->len, i, i + n);
			run = i + n;
		}
		i += n;
	}
	if (rc == MESURA_OK)
		rc = mesura_view__reserve_atoms(st->v, b, 1);
	if (rc == MESURA_OK)
		copy_run(b, s, run, len, len, fold);
	st->v->steps += len;
	return rc;
}

static void view_reset(mesura_view *v, size_t len);

static int lookalike_in_context(int32_t cp)
{
	const char *ascii;
	unsigned context = MESURA_LOOKALIKE_ALWAYS;
	return mesura_text__confusable(cp, &ascii, &context) && context != MESURA_LOOKALIKE_ALWAYS;
}

/* Whether stage 1 of cp may depend on its neighbours: it, or a part of its
 * decomposition (case folded too), is a look-alike read in context (process_char
 * looks each up: the fullwidth ￠ is NFKC's ¢, a c before a letter). */
static int read_in_context(const mesura_normalizer *nz, int32_t cp)
{
	if (!(nz->flags & MESURA_NORM_CONFUSABLES))
		return 0;
	if (lookalike_in_context(cp))
		return 1;
	const utf8proc_property_t *p = utf8proc_get_property(cp);
	if (p->decomp_seqindex == UINT16_MAX && p->casefold_seqindex == UINT16_MAX &&
	    !(cp >= 0xAC00 && cp <= 0xD7A3)) /* no part but itself (Hangul: by rule) */
		return 0;
	utf8proc_int32_t parts[DECOMPOSE_MAX], folded[DECOMPOSE_MAX];
	utf8proc_ssize_t n = decompose(cp, parts, nz->utf8proc_options & ~UTF8PROC_CASEFOLD);
	for (utf8proc_ssize_t k = 0; k < n; k++) {
		if (parts[k] < 0x80)
			continue; /* ASCII, folded or not, is no look-alike */
		utf8proc_ssize_t m = decompose(parts[k], folded, nz->utf8proc_options);
		for (utf8proc_ssize_t j = 0; j < m; j++)
			if (lookalike_in_context(folded[j]))
				return 1;
		if (lookalike_in_context(parts[k]))
			return 1;
	}
	return 0;
}

/* What the general path makes of cp on its own, as a pre_char. */
static int precompute_char(const mesura_normalizer *nz, mesura_view *v, int32_t cp,
                           pre_char *out)
{
	/* A look-alike read in context (by its neighbours, or its run of regional
	 * indicators) that does not read as its letters is kept: it takes the path of a
	 * character under a normaliser without CONFUSABLES (process_char), whatever it
	 * decomposes to. That, marked PRE_IN_CONTEXT. */
	const char *ascii;
	unsigned context = MESURA_LOOKALIKE_ALWAYS;
	int in_context = (nz->flags & MESURA_NORM_CONFUSABLES) &&
	                 mesura_text__confusable(cp, &ascii, &context) &&
	                 context != MESURA_LOOKALIKE_ALWAYS;
	if (!in_context && read_in_context(nz, cp)) {
		*out = (pre_char){PRE_NONE, 0, {0}}; /* depends on its neighbours */
		return MESURA_OK;
	}
	mesura_normalizer kept;
	if (in_context) {
		kept = *nz;
		kept.flags &= ~(unsigned int)MESURA_NORM_CONFUSABLES;
	}
	unsigned char src[4];
	size_t n = mesura_utf8__encode(cp, src);
	view_reset(v, n);
	stage1 st = {.nz = in_context ? &kept : nz, .v = v, .src = src, .len = n, .first_push = -1};
	int rc = process_char(&st, cp, 0, n);
	if (rc == MESURA_OK)
		rc = flush_segment(&st);
	if (rc != MESURA_OK)
		return rc;
	*out = (pre_char){PRE_NONE, 0, {0}};
	const view_buf *b = &v->cur;
	if (st.first_push < 0) {
		out->kind = PRE_DROP;
	} else if (st.first_push && b->len <= sizeof out->out && b->n_atoms <= 1) {
		int linear = b->n_atoms == 1 && b->atoms[0].linear;
		if (b->n_atoms == 1 && (b->atoms[0].src_start != 0 || b->atoms[0].src_end != n))
			return MESURA_OK; /* cannot happen: a character maps to itself whole */
		out->kind = linear ? PRE_SAME : PRE_CHANGED;
		out->len = (uint8_t)b->len;
		memcpy(out->out, b->text, b->len);
	}
	if (in_context)
		out->kind = out->kind == PRE_SAME || out->kind == PRE_CHANGED
		                ? (uint8_t)(out->kind | PRE_IN_CONTEXT)
		                : (uint8_t)PRE_NONE;
	return MESURA_OK;
}

int mesura_text__precompute(mesura_normalizer *nz)
{
	size_t total = 0;
	for (size_t r = 0; r < N_PRE_RANGES; r++)
		total += (size_t)(PRE_RANGES[r].last - PRE_RANGES[r].first + 1);
	mesura_view *v = NULL;
	int rc = mesura_view_new(&v, &nz->alloc);
	pre_char *pre = rc == MESURA_OK ? mesura_alloc__malloc(&nz->alloc, total * sizeof *pre) : NULL;
	rc = rc == MESURA_OK && !pre ? MESURA_ENOMEM : rc;
	for (size_t r = 0; rc == MESURA_OK && r < N_PRE_RANGES; r++)
		for (int32_t cp = PRE_RANGES[r].first; rc == MESURA_OK && cp <= PRE_RANGES[r].last; cp++)
			rc = precompute_char(nz, v, cp, &pre[pre_index(cp)]);
	mesura_view_free(v);
	if (rc != MESURA_OK) {
		mesura_alloc__free(&nz->alloc, pre);
		return rc;
	}
	nz->pre = pre;
	return MESURA_OK;
}

/* ------------------------------------------------ markup and overrides */

/* Markup at s[i] ('&' or '%') read as the characters it stands for, each mapped to the
 * whole reference (DECODE_MARKUP); *used is 0 when it is not markup that decodes. The
 * decoded characters then take every other fold, as if they had been written. */
static int read_markup(stage1 *st, size_t i, size_t *used)
{
	int32_t cps[2];
	size_t n_cps = 0;
	*used = mesura_text__decode_markup(st->src, st->len, i, cps, &n_cps);
	int rc = MESURA_OK;
	for (size_t k = 0; *used && k < n_cps && rc == MESURA_OK; k++)
		rc = process_char(st, cps[k], i, i + *used);
	return rc;
}

/* Where a right-to-left override starting at s[i] ends: at the next U+202C (pop
 * directional formatting) or line end (LF, VT, FF, CR, NEL, U+2028, U+2029), or at
 * the end of the text. Nested embeddings are not followed. */
static size_t override_end(const stage1 *st, size_t i)
{
	while (i < st->len) {
		int32_t cp;
		size_t n = mesura_utf8__decode(st->src, st->len, i, &cp);
		if (cp == 0x202C || (cp >= '\n' && cp <= '\r') || cp == 0x85 || cp == 0x2028 ||
		    cp == 0x2029)
			break;
		i += n;
	}
	return i;
}

/* Whether the cluster at s[i] (before `to`) starts with a strong right-to-left
 * character (bidi class R or AL). */
static int cluster_is_rtl(const stage1 *st, size_t i, size_t to)
{
	int32_t cp;
	mesura_utf8__decode(st->src, to, i, &cp);
	if (cp < 0)
		return 0;
	int bidi = utf8proc_get_property(cp)->bidi_class;
	return bidi == UTF8PROC_BIDI_CLASS_R || bidi == UTF8PROC_BIDI_CLASS_AL;
}

/* Records where each grapheme cluster of s[from, to) starts (and `to` after the last),
 * in v->units; counts the ill-formed sequences repaired. */
static int find_clusters(stage1 *st, size_t from, size_t to, size_t *n_units)
{
	mesura_view *v = st->v;
	size_t n = 0;
	int32_t prev = -1, state = 0;
	for (size_t i = from; i <= to;) {
		int32_t cp = -1;
		size_t len = i < to ? mesura_utf8__decode(st->src, to, i, &cp) : 1;
		if (i < to && cp < 0) {
			v->repairs++;
			cp = 0xFFFD;
		}
		if (i == to || prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)) {
			void *units = v->units;
			int rc = mesura_alloc__grow(&v->alloc, &units, &v->units_cap, n + 1, sizeof(size_t));
			if (rc != MESURA_OK)
				return rc;
			v->units = units;
			v->units[n++] = i;
		}
		prev = cp;
		i += len;
	}
	*n_units = n - 1; /* the last entry is `to` */
	return MESURA_OK;
}

/* Processes the characters of the cluster s[start, end), each mapped to [span_start,
 * span_end). */
static int process_cluster(stage1 *st, size_t start, size_t end, size_t span_start,
                           size_t span_end)
{
	for (size_t i = start; i < end;) {
		int32_t cp;
		i += mesura_utf8__decode(st->src, end, i, &cp);
		int rc = process_char(st, cp < 0 ? 0xFFFD : cp, span_start, span_end);
		if (rc != MESURA_OK)
			return rc;
	}
	return MESURA_OK;
}

/* The text under a right-to-left override (U+202E at s[i, i + n)) displays in reverse,
 * but for the right-to-left letters (Hebrew, Arabic), which keep reading as written:
 * it is read in that order, grapheme clusters whole, as one block mapped to the whole
 * span after the U+202E (the order inside it is lost, the map stays monotonic; the
 * U+202E itself is dropped as an invisible, and a word starts after it). Sets *next to where
 * reading goes on: the U+202C, line end or end of text that closed the span. */
static int read_override(stage1 *st, size_t i, size_t n, size_t *next)
{
	size_t from = i + n, to = override_end(st, from), n_units = 0;
	*next = to;
	st->v->steps += 2 * (to - from); /* the span is read three times */
	int rc = flush_segment(st);
	if (rc == MESURA_OK)
		rc = find_clusters(st, from, to, &n_units);
	const size_t *u = st->v->units;
	size_t k = n_units, next_stop_check = VIEW_STOP_EVERY;
	while (rc == MESURA_OK && k > 0) {
		if (u[n_units] - u[k] >= next_stop_check) {
			if (mesura_view__must_stop(st->v))
				return MESURA_ELIMIT;
			next_stop_check += VIEW_STOP_EVERY;
		}
		size_t first = k - 1;
		if (cluster_is_rtl(st, u[first], to)) /* a run of right-to-left ones, in order */
			while (first > 0 && cluster_is_rtl(st, u[first - 1], to))
				first--;
		for (size_t c = first; c < k && rc == MESURA_OK; c++)
			rc = process_cluster(st, u[c], u[c + 1], from, to);
		k = first;
	}
	return rc == MESURA_OK ? flush_segment(st) : rc;
}

/* ------------------------------------------------ the pass */

/* Each character is read once and handled in bounded work (a decomposition has at most
 * DECOMPOSE_MAX parts): a step a byte, and the segments count their characters. */
static int normalize_chars(stage1 *st, size_t len)
{
	const unsigned char *s = st->src;
	size_t i = 0, next_stop_check = VIEW_STOP_EVERY;
	st->v->steps += len;
	while (i < len) {
		if (i >= next_stop_check) { /* a long post: the caller's budget may have run out */
			if (mesura_view__must_stop(st->v))
				return MESURA_ELIMIT;
			next_stop_check = i + VIEW_STOP_EVERY;
		}
		size_t run = st->nz->fast_paths ? same_run(st, i, len) : 0;
		/* Hold back the ASCII byte before a non-ASCII one: it may take a combining
		 * mark (unless that one is a precomputed starter). A precomputed character
		 * that ends the run is followed by one (precomputed_at): nothing to hold. */
		size_t fast = run > 0 && i + run < len && st->nz->decompose && s[i + run - 1] < 0x80 &&
		                      !starts_segment(st->nz, s, len, i + run)
		                  ? run - 1
		                  : run;
		if (fast > 0) {
			int rc = flush_segment(st);
			if (rc == MESURA_OK)
				rc = emit_same_run(st, i, fast);
			if (rc != MESURA_OK)
				return rc;
			i += fast;
			continue;
		}
		int32_t cp;
		size_t n = mesura_utf8__decode(s, len, i, &cp);
		if (cp < 0) {
			st->v->repairs++;
			cp = 0xFFFD;
		}
		unsigned int flags = st->nz->flags;
		if ((cp == '&' || cp == '%') && (flags & MESURA_NORM_DECODE_MARKUP)) {
			size_t used;
			int rc = read_markup(st, i, &used);
			if (rc != MESURA_OK)
				return rc;
			if (used > 0) {
				i += used;
				continue;
			}
		}
		if (cp == 0x202E && (flags & MESURA_NORM_REMOVE_INVISIBLES)) {
			int rc = read_override(st, i, n, &i);
			if (rc != MESURA_OK)
				return rc;
			continue;
		}
		const pre_char *pre = st->nz->fast_paths ? precomputed_at(st, cp, i, n, len) : NULL;
		int rc = pre ? emit_precomputed(st, pre, i, n) : process_char(st, cp, i, i + n);
		if (rc != MESURA_OK)
			return rc;
		i += n;
	}
	return flush_segment(st);
}

static void view_reset(mesura_view *v, size_t len)
{
	v->cur.len = 0;
	v->cur.n_atoms = 0;
	v->seg_len = 0;
	v->source_len = len;
	v->repairs = 0;
	v->steps = 0;
	v->same_as_base = 0;
	v->lender = NULL;
	v->map_from = NULL;
}

/* Stage 2 on the stage-1 text `in`, but the folds `done`: in is the view's own text,
 * or the finished text of `lender` (a view made from it). The result is the view's own
 * text, with VIEW_PAD NULs after it; or, when the folds change a lender's text in
 * nothing, the lender's: the view borrows it. A failure (rc, or one of these) leaves
 * the view empty. */
static int fold_and_finish(const mesura_normalizer *nz, mesura_view *view, const view_buf *in,
                           const mesura_view *lender, unsigned int done, int rc)
{
	int edited = 0;
	if (rc == MESURA_OK && (nz->flags & MESURA_TEXT_WORD_FOLDS & ~done))
		rc = mesura_text__fold_words(nz, view, in, done, &edited);
	if (rc == MESURA_OK && lender && !edited) {
		view->lender = lender;
		view->same_as_base = 1;
		return MESURA_OK;
	}
	if (rc == MESURA_OK)
		rc = mesura_view__reserve(view, &view->cur, VIEW_PAD);
	if (rc != MESURA_OK) {
		view_reset(view, 0);
		return rc;
	}
	memset(view->cur.text + view->cur.len, 0, VIEW_PAD);
	return MESURA_OK;
}

int mesura_text__normalize_from(const mesura_normalizer *nz, mesura_view *view,
                                const mesura_view *base, unsigned int done)
{
	view_reset(view, base->source_len);
	view->repairs = base->repairs;
	const mesura_view *lender = mesura_view__owner(base);
	return fold_and_finish(nz, view, mesura_view__mapped(lender), lender, done, MESURA_OK);
}

/* The bytes of x that make a text not plain: beyond ASCII, or one that ascii_run stops
 * at under some flag (ascii_stops). */
static inline chunk not_plain(chunk x)
{
	chunk below_space = chunk_andnot(chunk_below_or_high(x, ' '), chunk_in(x, '\t', '\r'));
	return chunk_or(chunk_or(below_space, chunk_eq(x, 0x7F)), chunk_in(x, '%', '&'));
}

/* Every chunk read and OR-ed, with no test on the way: most posts are plain, and short. */
int mesura_text__is_plain(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	if (len < CHUNK) {
		while (i < len && s[i] < 0x80 && !ascii_stops_at(ANY_ASCII_STOP, s[i]))
			i++;
		return i == len;
	}
	chunk bad = not_plain(chunk_load_last(s, len));
	for (; i + CHUNK <= len; i += CHUNK)
		bad = chunk_or(bad, not_plain(chunk_load(s + i)));
	return !chunk_any(bad);
}

int mesura_text__mark_not_plain(const char *text, size_t len, text_marks *marks)
{
	const unsigned char *s = (const unsigned char *)text;
	uint64_t any = 0, word = 0; /* the marks of bytes [i - i % 64, i) */
	size_t i = 0;
	for (; i + 64 <= len; i += 64) { /* a word at a time, its chunks' marks shifted in */
		uint64_t w = 0;
		for (size_t k = 0; k < 64; k += CHUNK)
			w |= (uint64_t)chunk_bits(not_plain(chunk_load(s + i + k))) << k;
		marks->words[i / 64] = w;
		any |= w;
	}
	for (; i + CHUNK <= len; i += CHUNK) { /* CHUNK divides 64: a chunk's marks in one word */
		uint64_t bits = chunk_bits(not_plain(chunk_load(s + i)));
		word |= bits << (i % 64);
		any |= bits;
		if ((i + CHUNK) % 64 == 0) {
			marks->words[i / 64] = word;
			word = 0;
		}
	}
	if (i < len) {
		uint64_t bits = 0;
		if (len >= CHUNK)
			bits = chunk_bits_last(not_plain(chunk_load_last(s, len)), len, i);
		else
			for (size_t k = i; k < len; k++)
				bits |= (uint64_t)(s[k] >= 0x80 || ascii_stops_at(ANY_ASCII_STOP, s[k])) << (k - i);
		word |= bits << (i % 64);
		any |= bits;
	}
	if (i < len || i % 64)
		marks->words[i / 64] = word;
	return !any;
}

/* A plain text is one same_run, which normalize_chars copies in one piece: the same
 * piece, the same steps, without the pass that finds it. */
int mesura_text__normalize_plain(const mesura_normalizer *nz, mesura_view *view,
                                 const char *text, size_t len)
{
	if (!nz->fast_paths)
		return mesura_normalize(nz, view, text, len);
	view_reset(view, len);
	view->steps += len;
	stage1 st = {.nz = nz, .v = view, .src = (const unsigned char *)text, .len = len,
	             .first_push = -1};
	return fold_and_finish(nz, view, &view->cur, NULL, 0,
	                       len ? emit_same_run(&st, 0, len) : MESURA_OK);
}

void mesura_text__borrow_plain(mesura_view *view, const mesura_view *lender)
{
	view_reset(view, lender->source_len);
	view->lender = mesura_view__owner(lender);
}

int mesura_text__normalize_marked(const mesura_normalizer *nz, mesura_view *view,
                                  const char *text, size_t len, const text_marks *marks)
{
	view_reset(view, len);
	stage1 st = {.nz = nz, .v = view, .src = (const unsigned char *)text, .len = len,
	             .first_push = -1};
	int rc = marks && nz->fast_paths ? normalize_table_post(&st, marks) : NOT_TABLE_POST;
	if (rc == NOT_TABLE_POST) {
		view_reset(view, len);
		rc = normalize_chars(&st, len);
	}
	return fold_and_finish(nz, view, &view->cur, NULL, 0, rc);
}

int mesura_normalize(const mesura_normalizer *normalizer, mesura_view *view, const char *text,
                     size_t len)
{
	if (!normalizer || !view || (!text && len > 0))
		return MESURA_EINVAL;
	text_marks marks;
	int marked = normalizer->fast_paths && len <= MESURA_TEXT_MARKED_MAX;
	if (marked)
		mesura_text__mark_not_plain(text, len, &marks);
	return mesura_text__normalize_marked(normalizer, view, text, len, marked ? &marks : NULL);
}
