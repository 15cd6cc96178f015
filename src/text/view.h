/* The view object: normalised text plus its map to the original bytes. */
#ifndef MESURA_TEXT_VIEW_H
#define MESURA_TEXT_VIEW_H

#include "common/alloc.h"
#include "mesura/errors.h"
#include "text.h"

/*
 * The map is a list of atoms tiling the normalised text in order. A linear atom maps
 * its bytes one to one onto source bytes (copied or byte-for-byte replaced text); a
 * block atom maps each of its bytes to the whole source range (a character that
 * changed length, a composed pair, an expansion). Both ends of the source ranges
 * never decrease from one atom to the next, so lookups are a binary search.
 */
typedef struct {
	size_t out_start, out_end;
	size_t src_start, src_end;
	int linear;
} view_atom;

typedef struct {
	unsigned char *text;
	size_t len, cap;
	view_atom *atoms;
	size_t n_atoms, atoms_cap;
} view_buf;

/* One character of a normalisation segment, with the source range it came from. */
typedef struct {
	int32_t cp;
	uint8_t ccc;
	size_t src_start, src_end;
} seg_char;

/* An edit of the word folds (fold.c) that delete characters: joining and collapsing
 * rebuild the text with a sorted list of them, and the map is made from the list when
 * it is read (map_from). */
typedef struct fold_edit {
	size_t at, len; /* the bytes [at, at + len) of the stage-1 text */
	size_t keep;    /* bytes kept at `at`: 0 deletes (a joining separator); otherwise
	                 * a collapsed run whose first letter stays and covers the run */
} fold_edit;

struct mesura_view {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	view_buf cur;   /* what callers see (but for a view that borrows: lender) */
	view_buf spare; /* written by passes that rebuild the text, then swapped in */
	seg_char *seg;  /* scratch: the current segment, and a sort buffer */
	size_t seg_len, seg_cap;
	seg_char *tmp;
	size_t tmp_cap;
	size_t *units; /* scratch: where the clusters under a bidi override start */
	size_t units_cap;
	fold_edit *edits; /* scratch of the word-context folds (fold.c) */
	size_t n_edits, edits_cap;
	fold_edit *edits_tmp;
	size_t edits_tmp_cap;
	size_t source_len;
	size_t repairs;
	/* Set by mesura_text__normalize_from: 1 when the folds changed nothing, so that the
	 * view's text and map are its base's (a scanner need not search it again); 0 for
	 * a view normalised from the post itself. */
	int same_as_base;
	/* Such a view holds no copy: its text and map are read in lender's buffers (the
	 * base's, or the view the base borrows from: a lender owns its text), and cur
	 * stays empty. Read-only, and only until the lender is made again: a scanner makes
	 * a base before the views made from it. NULL for a view with its own text. */
	const mesura_view *lender;
	/* The map of cur not built yet: the word folds rebuilt the text alone (most posts
	 * are rebuilt for a doubled letter, and only a hit reads the map). Its atoms are
	 * made on first use (mesura_view__mapped) from the atoms of map_from (the view's
	 * spare, or the base's text it was folded from: read while the base stands, like a
	 * lender's) and the edits; the room for them is reserved. NULL: the map is built. */
	const view_buf *map_from;
	/* Work done building the view, in steps of about a byte or a character: reset with
	 * the view, added to by each pass in proportion to what it reads (a run, a word, a
	 * segment at a time, not per byte in the hot loops). Linear in the post's length
	 * for every input (tests/check_linear.c); the scanner adds it to its own work. */
	uint64_t steps;
	/* Asked about every VIEW_STOP_EVERY bytes a pass reads, and between passes: when it
	 * returns non-zero, the build stops with MESURA_ELIMIT and leaves the view empty.
	 * NULL (the default): never asked. The scanner's time budget, so that it holds
	 * inside the making of a view of a long post. */
	int (*stop)(void *arg);
	void *stop_arg;
};

#define VIEW_STOP_EVERY ((size_t)64 << 10)

/* NUL bytes after the text of a finished view (that owns it), so that scans reading a
 * chunk at a time (chunk.h) may read past its end. */
#define VIEW_PAD 32

/* The view that owns v's text and map: v, or its lender. */
static inline const mesura_view *mesura_view__owner(const mesura_view *v)
{
	return v->lender ? v->lender : v;
}

/* The text of a view, its own or its lender's, and its map when it is built (see
 * map_from: mesura_view__mapped for a map that is read). */
static inline const view_buf *mesura_view__buf(const mesura_view *v)
{
	return &mesura_view__owner(v)->cur;
}

/* Builds the atoms of a map put off by the word folds (fold.c): v->edits applied to
 * the map of v->map_from. */
void mesura_view__build_map(mesura_view *v);

/* The text and the map of a view: the map built first when it was put off. A view
 * belongs to one thread at a time, so a reader (a const view) may build it: it writes
 * only the atoms, in reserved room. */
static inline const view_buf *mesura_view__mapped(const mesura_view *v)
{
	const mesura_view *owner = mesura_view__owner(v);
	if (owner->map_from)
		mesura_view__build_map((mesura_view *)owner);
	return &owner->cur;
}

/* mesura_view_text for the layers above, inline: the scanner asks for a view's text
 * at each leaf it tries (a call a leaf was 1.4 % of a scan's time). */
static inline const char *mesura_view__text(const mesura_view *v, size_t *len)
{
	const view_buf *b = mesura_view__buf(v);
	*len = b->len;
	return b->text ? (const char *)b->text : "";
}

/* Whether the view's builder must stop (its stop hook said so). */
static inline int mesura_view__must_stop(const mesura_view *v)
{
	return v->stop && v->stop(v->stop_arg);
}

/* Grow b's buffers for mesura_view__reserve and mesura_view__reserve_atoms. */
int mesura_view__grow(mesura_view *v, view_buf *b, size_t extra);
int mesura_view__grow_atoms(mesura_view *v, view_buf *b, size_t extra);

/* Reserves room for `extra` more bytes in b, and the NUL after them. Inline: a warm
 * view nearly always has the room, and a call costs more than the test. */
static inline int mesura_view__reserve(mesura_view *v, view_buf *b, size_t extra)
{
	return b->text && extra < b->cap - b->len ? MESURA_OK : mesura_view__grow(v, b, extra);
}

/* Reserves room for `extra` more atoms in b. */
static inline int mesura_view__reserve_atoms(mesura_view *v, view_buf *b, size_t extra)
{
	return extra <= b->atoms_cap - b->n_atoms ? MESURA_OK : mesura_view__grow_atoms(v, b, extra);
}

/*
 * Map the n bytes already written at b->text + b->len and take them into the text:
 * one to one onto source bytes from src_start (linear), or each to the whole source
 * range [src_start, src_end) (block). They extend the last atom when it is of the same
 * kind and continues it; otherwise they need room for one more atom, reserved before.
 * Inline: a rebuild of the text (fold.c) maps each of its pieces this way.
 */
static inline void mesura_view__map_linear(view_buf *b, size_t n, size_t src_start)
{
	view_atom *last = b->n_atoms ? &b->atoms[b->n_atoms - 1] : NULL;
	if (!last || !last->linear || last->out_end != b->len || last->src_end != src_start) {
		last = &b->atoms[b->n_atoms++];
		last->out_start = b->len;
		last->src_start = src_start;
		last->linear = 1;
	}
	b->len += n;
	last->out_end = b->len;
	last->src_end = src_start + n;
}

/* Several characters from one source range (an expansion such as ß -> ss) share one
 * block. */
static inline void mesura_view__map_block(view_buf *b, size_t n, size_t src_start,
                                          size_t src_end)
{
	view_atom *last = b->n_atoms ? &b->atoms[b->n_atoms - 1] : NULL;
	if (!last || last->linear || last->out_end != b->len || last->src_start != src_start ||
	    last->src_end != src_end) {
		last = &b->atoms[b->n_atoms++];
		last->out_start = b->len;
		last->src_start = src_start;
		last->src_end = src_end;
		last->linear = 0;
	}
	b->len += n;
	last->out_end = b->len;
}

/* Records n bytes already written at b->text + b->len (after a reserve) as mapping one
 * to one onto source bytes starting at src_start. */
int mesura_view__commit_linear(mesura_view *v, view_buf *b, size_t n, size_t src_start);

/* Appends bytes that map one to one onto source bytes starting at src_start. */
int mesura_view__emit_linear(mesura_view *v, view_buf *b, const unsigned char *bytes,
                             size_t n, size_t src_start);

/* Appends bytes that all map to the source range [src_start, src_end). */
int mesura_view__emit_block(mesura_view *v, view_buf *b, const unsigned char *bytes,
                            size_t n, size_t src_start, size_t src_end);

/* Makes cur a copy of `from` (another view's): its text, the VIEW_PAD NULs after it,
 * and its map. */
int mesura_view__copy(mesura_view *v, const view_buf *from);

/* Swaps spare into cur (after a pass rebuilt the text into spare). */
void mesura_view__swap(mesura_view *v);

#endif
