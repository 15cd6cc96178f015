/* How far apart two short words are, for "did you mean" suggestions. */
#ifndef MESURA_COMMON_DISTANCE_H
#define MESURA_COMMON_DISTANCE_H

#include <stddef.h>

/* Levenshtein distance of a[0..la) and b[0..lb) in bytes (99 for words of 64 bytes or
 * more). */
size_t mesura_distance__edit(const char *a, size_t la, const char *b, size_t lb);

#endif
