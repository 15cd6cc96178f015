/* Stage 2 of a view: folds that need word context (leetspeak, repeated letters,
 * spaced-out letters), applied to the stage-1 text. */
#ifndef MESURA_TEXT_FOLD_H
#define MESURA_TEXT_FOLD_H

#include "normalizer.h"
#include "view.h"

/* Applies the LEET, COLLAPSE_REPEATS and JOIN_SPACED flags of nz, but those in `done`,
 * to the stage-1 text `in` with its map, and tells in *edited whether they changed it.
 * `in` is the view's own text (v->cur), changed there; or a base's, finished (with
 * VIEW_PAD NULs after its text), only read: the result is then the view's own text
 * when *edited, else the base's (the view's cur is left empty). Does nothing when no
 * fold is left. Leet comes first, so a view with leet done can take the others. */
int mesura_text__fold_words(const mesura_normalizer *nz, mesura_view *v, const view_buf *in,
                            unsigned int done, int *edited);

/* The word folds of a normaliser: what it does after stage 1. */
#define MESURA_TEXT_WORD_FOLDS \
	(MESURA_NORM_LEET | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED)

/* Makes `view` what mesura_normalize(nz, view, ...) makes of the text that `base` was
 * normalised from, when base's normaliser had nz's flags without the word folds (its
 * text is nz's stage 1), or with only LEET of them (`done`: MESURA_NORM_LEET): applies
 * the folds not done to base's text and map. Views that share stage 1 pay for it once.
 * When the folds change nothing, the view borrows base's text (no copy: see
 * view->lender) and says so (view->same_as_base). */
int mesura_text__normalize_from(const mesura_normalizer *nz, mesura_view *view,
                                const mesura_view *base, unsigned int done);

#endif
