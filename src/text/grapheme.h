/* Extended grapheme clusters (UAX #29) around one offset of UTF-8 text, without
 * segmenting the whole text. Internal. */
#ifndef MESURA_TEXT_GRAPHEME_H
#define MESURA_TEXT_GRAPHEME_H

#include <stddef.h>
#include <stdint.h>

/*
 * The cluster around byte `at` of s[0..len) (at <= len, on a character boundary): the
 * last cluster boundary at or before `at` in *start, the first one at or after it in
 * *end (both `at` when a boundary lies there). The rules are utf8proc's (Unicode 15.0;
 * tests/check_grapheme.c runs them over GraphemeBreakTest.txt); an ill-formed sequence
 * is a cluster of its own, as the redactor reads it. Reads back from `at` only to the
 * nearest boundary that no earlier text can move (a character or two in ordinary text;
 * the cluster's start, or the run of regional indicators before it, otherwise), then
 * forward to *end: work linear in the cluster, added to *steps (characters read).
 */
void mesura_text__cluster_around(const unsigned char *s, size_t len, size_t at, size_t *start,
                                 size_t *end, uint64_t *steps);

#endif
