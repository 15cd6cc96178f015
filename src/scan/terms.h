/* The term matcher: every term of every rule in one Aho-Corasick automaton, run once
 * over a normalised post. Immutable once built; shared between threads. */
#ifndef MESURA_SCAN_TERMS_H
#define MESURA_SCAN_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"

typedef struct mesura_terms mesura_terms;

/* Builds the automaton of n terms (terms[i] of lens[i] bytes, non-empty) reporting
 * ids[i]. Returns MESURA_OK, MESURA_ENOMEM or MESURA_EINVAL (an empty term). */
int mesura_scan__terms_build(mesura_terms **out, const char *const *terms,
                             const size_t *lens, const uint32_t *ids, size_t n,
                             const mesura_allocator *alloc);
void mesura_scan__terms_free(mesura_terms *t);

/* Called for every occurrence of a term, overlapping ones included, in order of end
 * offset; a non-zero return stops the search and is returned by it. */
typedef int (*mesura_terms_hit)(uint32_t id, size_t start, size_t end, void *payload);

int mesura_scan__terms_search(const mesura_terms *t, const char *text, size_t len,
                              mesura_terms_hit hit, void *payload);

#endif
