/*
 * The skips of the word folds (src/text/fold.c: leet, collapsing repeats, joining
 * spaced letters) against the general path they skip over: normalised text, offset
 * map (every atom), repairs and source length must be identical, byte for byte.
 *
 * The general path is the per-character scan with nz->fold_fast_path = 0. Inputs:
 * random posts biased towards obfuscation, every pattern at every offset of a chunk
 * (the skips read 8 or 16 bytes at a time), the text files of tests/data, and every
 * line of the benchmark corpus when there is one ($MESURA_CORPUS_DIR/corpus.txt, else
 * build/corpus/corpus.txt; see bench/README.md).
 *
 * Each is also compared with the folds applied to a copy of its stage 1 alone
 * (mesura_text__normalize_from), and the folds but leet to a copy of its stage 1 with
 * leet, and to stage 1 then leet made from it, as the scanner does for views that
 * share stage 1 (a view that the folds leave alone borrows its base's text, and one
 * made from it its lender's); such a view must say that it is the same as its base
 * (same_as_base) exactly when it is.
 *
 * Built with -DMESURA_PORTABLE=ON, the skips use their portable 8-byte form, so both
 * forms go through this suite (scripts/test.sh does that in its sanitizer build).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mesura.h>

#include "testutil.h"
#include "text/chunk.h"
#include "text/fold.h"
#include "text/normalizer.h"
#include "text/view.h"

#define RANDOM_POSTS 25000
#define RANDOM_SEED 0x666f6c6465717631u
#define POST_CAP 4096
#define PIECE_MAX 256

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The folds alone see the raw text (marks, capitals, invisibles); with a form they see
 * composed or decomposed text. */
static const struct {
	const char *name;
	unsigned int flags;
} flag_sets[] = {
    {"DEOBFUSCATE", MESURA_NORM_DEOBFUSCATE},
    {"MODERATION", MESURA_NORM_MODERATION},
    {"COLLAPSE|JOIN", MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED},
    {"NFD|LEET|COLLAPSE|JOIN",
     MESURA_NORM_NFD | MESURA_NORM_LEET | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED},
    {"LEET", MESURA_NORM_LEET},
    {"NFKC|CASEFOLD|COLLAPSE", MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD | MESURA_NORM_COLLAPSE_REPEATS},
    {"MARKUP|DIGITS|INVISIBLES|LEET|COLLAPSE|JOIN",
     MESURA_NORM_DECODE_MARKUP | MESURA_NORM_DIGITS | MESURA_NORM_REMOVE_INVISIBLES |
         MESURA_NORM_LEET | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED},
    {"NFC|JOIN", MESURA_NORM_NFC | MESURA_NORM_JOIN_SPACED},
};
#define N_FLAG_SETS COUNT(flag_sets)

/* One normaliser with the skips and one without, per flag set; and one with the flag
 * set's stage 1 only, whose view the set's folds are also applied to
 * (mesura_text__normalize_from: the scanner's views that share stage 1). */
typedef struct {
	mesura_normalizer *fast[N_FLAG_SETS], *slow[N_FLAG_SETS], *stage1[N_FLAG_SETS];
	mesura_normalizer *leet[N_FLAG_SETS]; /* stage 1 and leet, for sets with more folds */
	mesura_view *a, *b, *base, *mid;
	tu_tally t;
} paths;

static mesura_normalizer *new_normalizer(unsigned int flags, int fold_fast_path)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = flags;
	mesura_normalizer *n = NULL;
	ck_assert_int_eq(mesura_normalizer_new(&n, &opts, NULL), MESURA_OK);
	n->fold_fast_path = fold_fast_path;
	return n;
}

static paths paths_new(const char *name)
{
	paths p;
	for (size_t f = 0; f < N_FLAG_SETS; f++) {
		p.fast[f] = new_normalizer(flag_sets[f].flags, 1);
		p.slow[f] = new_normalizer(flag_sets[f].flags, 0);
		p.stage1[f] = new_normalizer(flag_sets[f].flags & ~MESURA_TEXT_WORD_FOLDS, 1);
		p.leet[f] = new_normalizer((flag_sets[f].flags & ~MESURA_TEXT_WORD_FOLDS) | MESURA_NORM_LEET, 1);
	}
	ck_assert_int_eq(mesura_view_new(&p.base, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&p.a, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&p.b, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&p.mid, NULL), MESURA_OK);
	p.t = (tu_tally){name, 0, 0};
	return p;
}

static void paths_finish(paths *p, const char *unit)
{
	for (size_t f = 0; f < N_FLAG_SETS; f++) {
		mesura_normalizer_free(p->fast[f]);
		mesura_normalizer_free(p->slow[f]);
		mesura_normalizer_free(p->stage1[f]);
		mesura_normalizer_free(p->leet[f]);
	}
	mesura_view_free(p->base);
	mesura_view_free(p->a);
	mesura_view_free(p->b);
	mesura_view_free(p->mid);
	tu_tally_finish(&p->t, unit);
}

static int same_atoms(const view_atom *x, const view_atom *y)
{
	return x->out_start == y->out_start && x->out_end == y->out_end &&
	       x->src_start == y->src_start && x->src_end == y->src_end && x->linear == y->linear;
}

/* Where two views first differ, or NULL when they are the same (their own text and
 * map, or those they borrow). A map the folds put off is made here (the general path,
 * fold_fast_path = 0, makes it at once). */
static const char *difference(const mesura_view *a, const mesura_view *b)
{
	const view_buf *x = mesura_view__mapped(a), *y = mesura_view__mapped(b);
	if (x->len != y->len || (x->len && memcmp(x->text, y->text, x->len) != 0))
		return "text";
	if (x->n_atoms != y->n_atoms)
		return "number of atoms";
	for (size_t k = 0; k < x->n_atoms; k++)
		if (!same_atoms(&x->atoms[k], &y->atoms[k]))
			return "an atom";
	if (a->repairs != b->repairs || a->source_len != b->source_len)
		return "repairs or source length";
	return NULL;
}

/* Whether view (made from base) says that it is the same as base exactly when it is. */
static int says_whether_same(const mesura_view *view, const mesura_view *base)
{
	return view->same_as_base == (difference(view, base) == NULL);
}

/* Printable form of s (at most 160 bytes): ASCII as is, other bytes as \xNN. */
static const char *escaped(char out[700], const char *s, size_t len)
{
	size_t at = 0;
	for (size_t i = 0; i < len && i < 160; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F && c != '\\')
			out[at++] = (char)c;
		else
			at += (size_t)snprintf(out + at, 700 - at, "\\x%02x", c);
	}
	out[at] = '\0';
	if (len > 160)
		snprintf(out + at, 700 - at, "...");
	return out;
}

static void report(paths *p, const char *what, size_t index, size_t f, const char *diff,
                   const char *how, const char *s, size_t len)
{
	char in[700], fast[700], other[700];
	size_t a_len, b_len;
	const char *a = mesura_view_text(p->a, &a_len), *b = mesura_view_text(p->b, &b_len);
	tu_tally_fail(&p->t, "%s #%zu, %s: %s differs. input \"%s\" -> fast \"%s\", %s \"%s\"", what,
	              index, flag_sets[f].name, diff, escaped(in, s, len), escaped(fast, a, a_len),
	              how, escaped(other, b, b_len));
}

/* Normalises s both ways with every flag set, and from the set's stage 1; counts one
 * check per flag set. */
static void compare(paths *p, const char *what, size_t index, const char *s, size_t len)
{
	for (size_t f = 0; f < N_FLAG_SETS; f++) {
		p->t.checks++;
		if (mesura_normalize(p->fast[f], p->a, s, len) != MESURA_OK ||
		    mesura_normalize(p->slow[f], p->b, s, len) != MESURA_OK)
			ck_abort_msg("mesura_normalize failed on %s #%zu", what, index);
		const char *diff = difference(p->a, p->b);
		if (diff) {
			report(p, what, index, f, diff, "slow", s, len);
			continue;
		}
		if (mesura_normalize(p->stage1[f], p->base, s, len) != MESURA_OK ||
		    mesura_text__normalize_from(p->fast[f], p->b, p->base, 0) != MESURA_OK)
			ck_abort_msg("normalising from stage 1 failed on %s #%zu", what, index);
		diff = difference(p->a, p->b);
		if (!diff && !says_whether_same(p->b, p->base))
			diff = "same_as_base";
		if (diff) {
			report(p, what, index, f, diff, "from stage 1", s, len);
			continue;
		}
		unsigned int flags = flag_sets[f].flags;
		if (!(flags & MESURA_NORM_LEET) || !(flags & MESURA_TEXT_WORD_FOLDS & ~MESURA_NORM_LEET))
			continue;
		if (mesura_normalize(p->leet[f], p->base, s, len) != MESURA_OK ||
		    mesura_text__normalize_from(p->fast[f], p->b, p->base, MESURA_NORM_LEET) != MESURA_OK)
			ck_abort_msg("normalising from leet failed on %s #%zu", what, index);
		diff = difference(p->a, p->b);
		if (!diff && !says_whether_same(p->b, p->base))
			diff = "same_as_base";
		if (diff) {
			report(p, what, index, f, diff, "from stage 1 and leet", s, len);
			continue;
		}
		/* As the scanner makes them: leet from stage 1 (which it may borrow), the
		 * other folds from that. */
		if (mesura_normalize(p->stage1[f], p->base, s, len) != MESURA_OK ||
		    mesura_text__normalize_from(p->leet[f], p->mid, p->base, 0) != MESURA_OK ||
		    mesura_text__normalize_from(p->fast[f], p->b, p->mid, MESURA_NORM_LEET) != MESURA_OK)
			ck_abort_msg("normalising from stage 1, then leet, failed on %s #%zu", what, index);
		diff = difference(p->a, p->b);
		if (!diff && (!says_whether_same(p->mid, p->base) || !says_whether_same(p->b, p->mid)))
			diff = "same_as_base";
		if (diff)
			report(p, what, index, f, diff, "from stage 1, then leet", s, len);
	}
}

/* ------------------------------------------------- obfuscated posts */

static const char *pick(tu_rng *rng, const char *const *set, size_t n)
{
	return set[tu_rng_below(rng, n)];
}

#define PICK(rng, set) pick(rng, set, COUNT(set))

static const char *const words[] = {
    "shit", "fuck", "mierda", "puta", "hola", "gilipollas", "bookkeeper", "idiot", "the", "and",
    "de", "a", "y", "o", "I", "x", "BITCH", "a\xc3\xb1o", "co\xc3\xb1o", "Stra\xc3\x9f",
    "caf\xc3\xa9", "cabr\xc3\xb3n", "\xc3\x91o\xc3\xb1o", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
    "\xce\xba\xce\xb1\xce\xbb\xce\xb7", "\xe4\xbd\xa0\xe5\xa5\xbd", "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"};
/* Letters, each one character: ASCII, Spanish, Cyrillic and Greek look-alikes,
 * mathematical bold, fullwidth, and a decomposed é. */
static const char *const letters[] = {
    "a", "b", "c", "f", "i", "k", "l", "o", "s", "t", "u", "A", "F", "K", "S", "U",
    "\xc3\xb1", "\xc3\xa9", "\xc3\xbc", "\xc3\x91", "\xd0\xb0", "\xd0\xbe", "\xd1\x81",
    "\xce\xbf", "\xce\xb1", "\xf0\x9d\x90\x9a", "\xef\xbd\x81", "e\xcc\x81",
    "\xe2\x92\xa1", "\xe1\xb4\x80", "\xf0\x9f\x87\xab", "\xf0\x9f\x85\xb0"}; /* ⒡ ᴀ 🇫 🅰 */
static const char *const separators[] = {
    " ", ".", "-", "_", "*", "  ", "..", "--", "__", "**", ". ", "/", ",", "\t", "\xc2\xa0",
    "|", "'", "\xe2\x80\x99", "\n", "\r\n", "\r", "\xe2\x80\xa8", "\xc2\xb7", "\xe2\x80\xa2",
    "//", "\n\n", "\xf0\x9f\x8d\x86", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb0"};
static const char *const marks[] = {"\xcc\x81", "\xcc\x83", "\xcc\xa3", "\xcc\x88", "\xe2\x83\x9d"};
static const char *const spaces[] = {" ", "  ", "\t", " \t ", "\n", "\r\n", "\x0b", "\x0c",
                                     "\xc2\xa0", "\xe3\x80\x80", "\xe2\x80\xa8", "\xc2\x85",
                                     " \xc2\xa0 ", "\xe2\x80\x83\xe2\x80\x83"};
static const char *const invisibles[] = {"\xe2\x80\x8b", "\xc2\xad", "\xe2\x80\x8d", "\xe2\x80\xae",
                                         "\xef\xb8\x8f", "\xe2\x81\xa0", "\xf3\xa0\x81\x81",
                                         "\x01", "\x1b", "\x7f", "\xc2\x85", "\xe2\x80\xac"};
/* Markup: letters, a space, a digit, a mark, an invisible, and some that stays text. */
static const char *const markup[] = {"&#102;", "&#x55;", "%66", "%20", "&#32;", "&nbsp;", "&#49;",
                                     "&#769;", "%E2%80%8B", "&amp;", "%", "&#", "&eacute;",
                                     "%C3%A9", "&#0;", "\xd9\xa3"};
static const char *const emoji[] = {
    "\xf0\x9f\x98\x82", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
    "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8", "\xe2\x9d\xa4\xef\xb8\x8f", "\xf0\x9f\x96\x95\xf0\x9f\x8f\xbd"};
static const char *const leet[] = {"m1erd@", "$h1t", "h3ll0", "2024", "100k", "wow!!", "@user",
                                   "a|b", "!!1", "f00l", "l33t", "4ss", "5h1t", "#a\xc3\xb1o2024",
                                   "3.5", "1st", "M1ERDA", "p|_|t4", "b!tch", "$$$", "!a", "a!",
                                   "sh!!t", "m13rd4", "f|_|ck", "1 2 3", "4 5 5", "ki11", "gi1ipo11as",
                                   "confidentia1", "ki||", "6pm", "ni66a", "a1", "x|"};
static const char *const punctuation[] = {"!", "?", ".", ",", ";", ":", "(", ")", "\"", "'",
                                          "@", "#", "$", "%", "&", "|", "~", "+", "=", "/"};
static const char *const ill_formed[] = {"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\x80"};

static size_t put(char *buf, size_t at, const char *s)
{
	size_t n = strlen(s);
	memcpy(buf + at, s, n);
	return at + n;
}

static size_t times(char *buf, size_t at, const char *s, size_t n)
{
	while (n-- > 0)
		at = put(buf, at, s);
	return at;
}

/* A word with one of its letters repeated: "shiiiit", "ñññ", "éééé". */
static size_t repeated(tu_rng *rng, char *buf, size_t at)
{
	if (tu_rng_below(rng, 2))
		return times(buf, at, PICK(rng, letters), 2 + tu_rng_below(rng, 6));
	const char *w = PICK(rng, words);
	size_t n = strlen(w), k = tu_rng_below(rng, n);
	memcpy(buf + at, w, k);
	at += k;
	for (size_t r = 1 + tu_rng_below(rng, 6); r > 0; r--)
		buf[at++] = w[k];
	return put(buf, at, w + k);
}

/* Letters with separators: "f u c k", "g.i.l", "F--U", "ñ a ñ", "f́ u c k", mixed
 * separators, a doubled letter, or a letter stuck to either end. */
static size_t spaced(tu_rng *rng, char *buf, size_t at)
{
	const char *sep = PICK(rng, separators);
	int mixed = tu_rng_below(rng, 5) == 0;
	if (tu_rng_below(rng, 6) == 0)
		at = put(buf, at, PICK(rng, letters));
	for (size_t n = 2 + tu_rng_below(rng, 6); n > 0; n--) {
		const char *letter = PICK(rng, letters);
		at = times(buf, at, letter, tu_rng_below(rng, 8) == 0 ? 2 : 1);
		if (tu_rng_below(rng, 6) == 0)
			at = times(buf, at, PICK(rng, marks), 1 + tu_rng_below(rng, 2));
		if (n > 1)
			at = put(buf, at, mixed ? PICK(rng, separators) : sep);
	}
	if (tu_rng_below(rng, 4) == 0)
		at = put(buf, at, tu_rng_below(rng, 2) ? PICK(rng, letters) : "7");
	return at;
}

/* A word with marks or an invisible inside. */
static size_t marked(tu_rng *rng, char *buf, size_t at)
{
	const char *w = PICK(rng, words);
	int invisible = tu_rng_below(rng, 2) == 0;
	for (size_t i = 0; w[i]; i++) {
		buf[at++] = w[i];
		if (tu_rng_below(rng, 4) == 0)
			at = invisible ? put(buf, at, PICK(rng, invisibles))
			               : times(buf, at, PICK(rng, marks), 1 + tu_rng_below(rng, 3));
	}
	return at;
}

/* Appends one piece of a post (at most PIECE_MAX bytes). */
static size_t random_piece(tu_rng *rng, char *buf, size_t at)
{
	switch (tu_rng_below(rng, 15)) {
	case 14: return times(buf, at, PICK(rng, markup), 1 + tu_rng_below(rng, 4));
	case 0:
	case 1: return put(buf, at, PICK(rng, words));
	case 2:
	case 3: return repeated(rng, buf, at);
	case 4:
	case 5: return spaced(rng, buf, at);
	case 6: return put(buf, at, PICK(rng, leet));
	case 7: return marked(rng, buf, at);
	case 8: return times(buf, at, PICK(rng, emoji), 1 + tu_rng_below(rng, 3));
	case 9: return put(buf, at, PICK(rng, spaces));
	case 10: return put(buf, at, PICK(rng, punctuation));
	case 11: return times(buf, at, PICK(rng, letters), 1 + tu_rng_below(rng, 4));
	case 12: return put(buf, at, tu_rng_below(rng, 8) ? "1000" : PICK(rng, ill_formed));
	default: return put(buf, at, PICK(rng, separators));
	}
}

static size_t random_post(tu_rng *rng, char *buf)
{
	static const size_t sizes[] = {1, 2, 3, 5, 8, 13, 21, 40, 60};
	size_t at = 0;
	for (size_t pieces = sizes[tu_rng_below(rng, COUNT(sizes))]; pieces > 0; pieces--) {
		if (at + 2 * PIECE_MAX > POST_CAP)
			break;
		at = random_piece(rng, buf, at);
		if (tu_rng_below(rng, 3)) /* else the next piece sticks to this one */
			at = put(buf, at, tu_rng_below(rng, 4) ? " " : PICK(rng, spaces));
	}
	if (tu_rng_below(rng, 5) == 0) /* shouting */
		for (size_t i = 0; i < at; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
	return at;
}

/* The skips' byte classes are ranges (chunk_in): each range marks exactly its bytes,
 * for every byte value, in the form this build has (SSE2, or the portable one). */
START_TEST(chunk_ranges_mark_exactly_their_bytes)
{
	unsigned char bytes[CHUNK];
	size_t wrong = 0;
	for (unsigned lo = 1; lo < 0x80; lo++)
		for (unsigned hi = lo; hi < 0x80; hi++)
			for (unsigned first = 0; first < 256; first += CHUNK) {
				for (unsigned k = 0; k < CHUNK; k++)
					bytes[k] = (unsigned char)(first + k);
				chunk in = chunk_in(chunk_load(bytes), (unsigned char)lo, (unsigned char)hi);
				unsigned bits = chunk_bits(in);
				for (unsigned k = 0; k < CHUNK; k++)
					wrong += ((bits >> k) & 1u) != (bytes[k] >= lo && bytes[k] <= hi);
			}
	ck_assert_msg(wrong == 0, "%zu bytes marked wrongly", wrong);
}
END_TEST

/* Normalises post with stage 1 of MODERATION into base, then folds it into view. */
static void fold_from_stage1(mesura_normalizer *stage1, mesura_normalizer *folds,
                             mesura_view *base, mesura_view *view, const char *post)
{
	ck_assert_int_eq(mesura_normalize(stage1, base, post, strlen(post)), MESURA_OK);
	ck_assert_int_eq(mesura_text__normalize_from(folds, view, base, 0), MESURA_OK);
}

/* A view the folds leave alone holds no copy: it reads its base's text and map (the
 * same bytes, at the same address), which map back as the base's do; one the folds
 * change has its own. */
START_TEST(view_left_alone_reads_its_base)
{
	mesura_normalizer *stage1 = new_normalizer(MESURA_NORM_MODERATION & ~MESURA_TEXT_WORD_FOLDS, 1);
	mesura_normalizer *folds = new_normalizer(MESURA_NORM_DEOBFUSCATE, 1);
	mesura_view *base = NULL, *view = NULL;
	ck_assert_int_eq(mesura_view_new(&base, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&view, NULL), MESURA_OK);

	const char *plain = "Caf\xc3\xa9 at \xef\xac\x81ve, by the river"; /* é, the ligature ﬁ */
	fold_from_stage1(stage1, folds, base, view, plain);
	size_t base_len, view_len;
	const char *base_text = mesura_view_text(base, &base_len);
	const char *view_text = mesura_view_text(view, &view_len);
	ck_assert(view->same_as_base);
	ck_assert_ptr_eq(view_text, base_text);
	ck_assert_uint_eq(view_len, base_len);
	for (size_t start = 0; start <= base_len; start++)
		for (size_t end = start; end <= base_len; end++) {
			size_t a_start, a_end, b_start, b_end;
			ck_assert_int_eq(mesura_view_source_range(base, start, end, &a_start, &a_end), MESURA_OK);
			ck_assert_int_eq(mesura_view_source_range(view, start, end, &b_start, &b_end), MESURA_OK);
			ck_assert_uint_eq(a_start, b_start);
			ck_assert_uint_eq(a_end, b_end);
		}

	fold_from_stage1(stage1, folds, base, view, "sh1t, that's a cool f u c k");
	view_text = mesura_view_text(view, &view_len);
	ck_assert(!view->same_as_base);
	ck_assert_ptr_ne(view_text, mesura_view_text(base, NULL));
	ck_assert_str_eq(view_text, "shit, that's a col fuck");

	mesura_view_free(view);
	mesura_view_free(base);
	mesura_normalizer_free(folds);
	mesura_normalizer_free(stage1);
}
END_TEST

/* Every source range of two views of the same text is the same, read in the order
 * given (the first read of a view makes a map the folds put off). */
static void assert_same_ranges(const mesura_view *a, const mesura_view *b)
{
	size_t a_len, b_len;
	mesura_view_text(a, &a_len);
	mesura_view_text(b, &b_len);
	ck_assert_uint_eq(a_len, b_len);
	for (size_t start = 0; start <= a_len; start++)
		for (size_t end = start; end <= a_len; end++) {
			size_t a_start, a_end, b_start, b_end;
			ck_assert_int_eq(mesura_view_source_range(a, start, end, &a_start, &a_end), MESURA_OK);
			ck_assert_int_eq(mesura_view_source_range(b, start, end, &b_start, &b_end), MESURA_OK);
			ck_assert_uint_eq(a_start, b_start);
			ck_assert_uint_eq(a_end, b_end);
		}
}

/* Collapsing and joining rebuild the text alone and make its map when it is read: from
 * a base's map (the base still standing), from the view's own stage 1, and for a view
 * made from such a view or borrowing it. The general path (fold_fast_path = 0) makes
 * the map at once: the two must map every range alike. */
START_TEST(map_put_off_is_made_when_read)
{
	unsigned int stage1_flags = MESURA_NORM_MODERATION & ~MESURA_TEXT_WORD_FOLDS;
	mesura_normalizer *stage1 = new_normalizer(stage1_flags, 1);
	mesura_normalizer *collapse[2], *join[2], *own[2];
	for (int fast = 0; fast < 2; fast++) {
		collapse[fast] = new_normalizer(stage1_flags | MESURA_NORM_COLLAPSE_REPEATS, fast);
		join[fast] = new_normalizer(stage1_flags | MESURA_NORM_JOIN_SPACED, fast);
		own[fast] = new_normalizer(MESURA_NORM_DEOBFUSCATE, fast);
	}
	mesura_view *base = NULL, *c[2], *j[2];
	ck_assert_int_eq(mesura_view_new(&base, NULL), MESURA_OK);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(mesura_view_new(&c[k], NULL), MESURA_OK);
		ck_assert_int_eq(mesura_view_new(&j[k], NULL), MESURA_OK);
	}
	/* é decomposed and a fullwidth k: atoms that are not one to one in the runs. */
	const char *posts[] = {"that's a cool f u c k, Cafe\xcc\x81\xcc\x81\xcc\x81 \xef\xbd\x8b\xef\xbd\x8bk",
	                       "sooo   cool", "f . u . c . k", "no repeats here"};
	for (size_t p = 0; p < COUNT(posts); p++) {
		ck_assert_int_eq(mesura_normalize(stage1, base, posts[p], strlen(posts[p])), MESURA_OK);
		for (int fast = 0; fast < 2; fast++)
			ck_assert_int_eq(mesura_text__normalize_from(collapse[fast], c[fast], base, 0), MESURA_OK);
		ck_assert(c[0]->map_from == NULL);
		ck_assert((c[1]->map_from != NULL) == !c[1]->same_as_base);
		for (int fast = 0; fast < 2; fast++)
			ck_assert_int_eq(mesura_text__normalize_from(join[fast], j[fast], c[fast], 0), MESURA_OK);
		ck_assert(c[1]->map_from == NULL); /* j was made from it: it read its map */
		ck_assert_str_eq(mesura_view_text(j[1], NULL), mesura_view_text(j[0], NULL));
		assert_same_ranges(j[1], j[0]); /* j may borrow c, or be put off on c's map */
		assert_same_ranges(c[1], c[0]);
		for (int fast = 0; fast < 2; fast++) /* the view's own stage 1, in spare */
			ck_assert_int_eq(mesura_normalize(own[fast], c[fast], posts[p], strlen(posts[p])), MESURA_OK);
		assert_same_ranges(c[1], c[0]);
	}
	for (int k = 0; k < 2; k++) {
		mesura_view_free(c[k]);
		mesura_view_free(j[k]);
		mesura_normalizer_free(collapse[k]);
		mesura_normalizer_free(join[k]);
		mesura_normalizer_free(own[k]);
	}
	mesura_view_free(base);
	mesura_normalizer_free(stage1);
}
END_TEST

START_TEST(skips_match_general_path_on_obfuscated_posts)
{
	paths p = paths_new("Fold skips vs general path, random obfuscated posts");
	tu_rng rng = {RANDOM_SEED};
	char post[POST_CAP];
	for (size_t i = 0; i < RANDOM_POSTS; i++) {
		size_t len = random_post(&rng, post);
		compare(&p, "random post", i, post, len);
	}
	printf("(%d random posts x %zu flag sets)\n", RANDOM_POSTS, N_FLAG_SETS);
	paths_finish(&p, "checks");
}
END_TEST

/* Each pattern at every offset from a chunk start, followed by 0 to 20 bytes: the
 * skips' chunk boundaries and end of text fall everywhere in and around it. */
START_TEST(skips_match_general_path_at_every_offset)
{
	static const char *const patterns[] = {
	    "f u c k", "a.b.c", "F--U--C--K", "x a b c", "shiiit", "  \t ", "m1erd@", "wow!",
	    "\xc3\xb1\xc3\xb1", "e\xcc\x81 e\xcc\x81 e\xcc\x81", "\xf0\x9f\x98\x82\xf0\x9f\x98\x82",
	    "\xc2\xa0 \xc2\xa0", "x\xe2\x80\x8bx", "2024", "!a", "f_u_c_k1", "a b", "I a m",
	    "\xd0\xb0 \xd0\xb0 \xd0\xb0", "ll", "s\xcc\x81 h i t", "f/u/c/k", "f|u|c|k", "a\r\nb\r\nc",
	    "f\xe2\x80\xa2u\xe2\x80\xa2" "c", "x\xf0\x9f\x8d\x86y\xf0\x9f\x8d\x86z", "a'b'c", "I/O"};
	static const char filler[] = "lorem ipsum dolor sit amet, consectetur adipiscing elit ";
	paths p = paths_new("Fold skips vs general path, every offset");
	char post[256];
	size_t index = 0;
	for (size_t k = 0; k < COUNT(patterns); k++)
		for (size_t before = 0; before <= 40; before++)
			for (size_t after = 0; after <= 20; after++) {
				size_t at = 0;
				memcpy(post, filler, before);
				at = put(post, before, patterns[k]);
				memcpy(post + at, filler + 7, after);
				compare(&p, "offset case", index++, post, at + after);
			}
	paths_finish(&p, "checks");
}
END_TEST

/* Every line of a text file (which may be missing: then 0 lines). */
static size_t compare_lines(paths *p, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fclose(f);
	size_t len, lines = 0;
	char *text = tu_read_file(path, &len);
	for (size_t i = 0; i < len; lines++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		compare(p, path, lines + 1, text + i, end - i);
		i = end + 1;
	}
	free(text);
	return lines;
}

START_TEST(skips_match_general_path_on_test_data)
{
	paths p = paths_new("Fold skips vs general path, tests/data");
	ck_assert_uint_gt(compare_lines(&p, tu_data_path("twitter-text-extract.txt")), 0);
	ck_assert_uint_gt(compare_lines(&p, tu_data_path("emoji-test.txt")), 0);
	paths_finish(&p, "checks");
}
END_TEST

START_TEST(skips_match_general_path_on_corpus)
{
	char path[4096];
	const char *dir = getenv("MESURA_CORPUS_DIR");
	if (dir && *dir)
		snprintf(path, sizeof path, "%s/corpus.txt", dir);
	else
		snprintf(path, sizeof path, "%s/../../build/corpus/corpus.txt", MESURA_TEST_DATA_DIR);
	paths p = paths_new("Fold skips vs general path, corpus lines");
	size_t lines = compare_lines(&p, path);
	if (lines == 0)
		printf("corpus: %s not found, skipped (set MESURA_CORPUS_DIR)\n", path);
	else
		printf("(%zu corpus lines x %zu flag sets, %s)\n", lines, N_FLAG_SETS, path);
	paths_finish(&p, "checks");
}
END_TEST

static Suite *fold_equiv_suite(void)
{
	Suite *s = suite_create("fold_equiv");
	TCase *tc = tcase_create("skips");
	/* Seconds in a release build; the sanitizer build needs many times that. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, chunk_ranges_mark_exactly_their_bytes);
	tcase_add_test(tc, view_left_alone_reads_its_base);
	tcase_add_test(tc, map_put_off_is_made_when_read);
	tcase_add_test(tc, skips_match_general_path_on_obfuscated_posts);
	tcase_add_test(tc, skips_match_general_path_at_every_offset);
	tcase_add_test(tc, skips_match_general_path_on_test_data);
	tcase_add_test(tc, skips_match_general_path_on_corpus);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fold_equiv_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
