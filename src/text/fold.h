/* Stage 2 of a view: folds that need word context (leetspeak, repeated letters,
 * spaced-out letters), applied to the stage-1 text. */
#ifndef MESURA_TEXT_FOLD_H
#define MESURA_TEXT_FOLD_H

#include "normalizer.h"
#include "view.h"

/* Applies the LEET, COLLAPSE_REPEATS and JOIN_SPACED flags of nz to the view's text,
 * keeping the map. Does nothing when none is set. */
int mesura_text__fold_words(const mesura_normalizer *nz, mesura_view *v);

#endif
