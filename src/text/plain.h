/* Plain posts: ASCII text that stage 1 leaves as it is, but for case folding. */
#ifndef MESURA_TEXT_PLAIN_H
#define MESURA_TEXT_PLAIN_H

#include "normalizer.h"
#include "view.h"

/* Whether text[0, len) is plain: ASCII without the bytes stage 1 may change or drop
 * under some flag: the controls that REMOVE_INVISIBLES drops (all of C0 but TAB LF VT
 * FF CR, and DEL) and '%' and '&', which may start markup (DECODE_MARKUP). No ASCII
 * character decomposes, composes with ASCII, is a mark, an ignorable, a look-alike or
 * a digit beyond ASCII: stage 1 of plain text is the text itself, lower-cased when the
 * normaliser folds case. One pass, a chunk of bytes at a time; most posts are plain. */
int mesura_text__is_plain(const char *text, size_t len);

/* What mesura_normalize(nz, view, text, len) makes of a plain text, without reading it
 * character by character: the text (lower-cased when nz folds case) as one linear
 * piece of the map, then nz's word folds. A scanner that makes several views of a post
 * asks mesura_text__is_plain (or mesura_text__mark_not_plain, below) once for all of
 * them. */
int mesura_text__normalize_plain(const mesura_normalizer *nz, mesura_view *view,
                                 const char *text, size_t len);

/* Makes `view` what mesura_text__normalize_plain makes of the same plain text with a
 * normaliser that, as lender's, folds case or does not and has no word folds: lender's
 * text and map, borrowed (view.h), with no copy. */
void mesura_text__borrow_plain(mesura_view *view, const mesura_view *lender);

/* Posts of up to MESURA_TEXT_MARKED_MAX bytes (nearly all) are made from their marked
 * bytes: bit k of words[k / 64] set when byte k is not plain (beyond ASCII, or one that
 * mesura_text__is_plain refuses). 512 bytes: a scanner keeps them on its stack. */
#define MESURA_TEXT_MARKED_MAX 4096
typedef struct {
	uint64_t words[MESURA_TEXT_MARKED_MAX / 64];
} text_marks;

/* Marks the bytes of text[0, len) (len <= MESURA_TEXT_MARKED_MAX) that are not plain,
 * a chunk at a time (no bit set past len); returns whether none is: what
 * mesura_text__is_plain returns, and the marks for the views if not. */
int mesura_text__mark_not_plain(const char *text, size_t len, text_marks *marks);

/* What mesura_normalize(nz, view, text, len) makes, with the text's marks (NULL: none
 * made). Most posts beyond ASCII are ASCII and characters whose stage 1 the normaliser
 * has precomputed, each on its own (normalize.c, normalize_table_post): their marked
 * bytes are all it reads, so a scanner marks a post once for all its views. */
int mesura_text__normalize_marked(const mesura_normalizer *nz, mesura_view *view,
                                  const char *text, size_t len, const text_marks *marks);

#endif
