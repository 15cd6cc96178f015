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
 * asks mesura_text__is_plain once for all of them. */
int mesura_text__normalize_plain(const mesura_normalizer *nz, mesura_view *view,
                                 const char *text, size_t len);

/* Makes `view` what mesura_text__normalize_plain makes of the same plain text with a
 * normaliser that, as lender's, folds case or does not and has no word folds: lender's
 * text and map, borrowed (view.h), with no copy. */
void mesura_text__borrow_plain(mesura_view *view, const mesura_view *lender);

#endif
