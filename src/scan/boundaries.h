/* Word boundaries of the post (boundaries.c): its tokens, whole words, clusters and
 * joiners. */
#ifndef MESURA_SCAN_BOUNDARIES_H
#define MESURA_SCAN_BOUNDARIES_H

#include "state.h"

/* Tokenizes the post (once) and marks its token boundaries. */
int mesura_scan__tokenize_post(mesura_scanner *s);

/* Widens [*start, *end) of the original text to whole grapheme clusters, its end past
 * the characters that the word rules attach to the word before them. */
void mesura_scan__widen_to_clusters(mesura_scanner *s, size_t *start, size_t *end);

/* Whether [start, end) of the original text is whole words (*whole). */
int mesura_scan__is_whole_words(mesura_scanner *s, size_t start, size_t end, int *whole);

/* Phrases written with joiners ("project_falcon", "Project-Falcon") match the terms of
 * their phrase ("project falcon"): when text[0..len) (a view) holds '_' or '-' between
 * two word characters (not between two digits: "2024-01"), *spaced is a copy with
 * each of those read as a space (scanner scratch, until the text changes), else NULL.
 * A search of the copy keeps the hits that cover such a joiner: the others are the
 * plain text's. A dot is no joiner: it joins file names, domains and abbreviations
 * ("U.S.A"), and more than half the joiners of ordinary posts would be dots. */
int mesura_scan__joiners_as_spaces(mesura_scanner *s, const char *text, size_t len,
                                   const char **spaced);

#endif
