/* The multi-term matcher: all terms of all policy rules in one Aho-Corasick automaton,
 * run once over a normalised post, plus a bounded trie walk that recognises
 * self-censored spellings ("f*ck", "p#ta", "co*o").
 *
 * Terms are byte strings (UTF-8, normalised by the caller); NUL bytes are ordinary.
 * An automaton is immutable once built and may be shared between threads; searching
 * allocates nothing. */
#ifndef MESURA_SCAN_AUTOMATON_H
#define MESURA_SCAN_AUTOMATON_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"

typedef struct mesura_automaton mesura_automaton;
typedef struct mesura_automaton_builder mesura_automaton_builder;

/* A builder collects terms (copying them); the automaton it builds uses its allocator.
 * Returns MESURA_OK, MESURA_EINVAL (incomplete hooks) or MESURA_ENOMEM. */
int mesura_match__builder_new(mesura_automaton_builder **out, const mesura_allocator *alloc);

/* Adds a term reporting `id`. The same term with different ids is reported once per
 * id; the same term with the same id, once. Returns MESURA_OK, MESURA_EINVAL (empty
 * term, NULL term, a term of 4 GiB or more) or MESURA_ENOMEM (the builder is
 * unchanged). */
int mesura_match__builder_add(mesura_automaton_builder *b, const char *term, size_t len,
                              uint32_t id);

/* Terms added so far (repeats included). */
size_t mesura_match__builder_count(const mesura_automaton_builder *b);

/* Makes the automaton read ASCII capitals as lower case (the terms must have no ASCII
 * capitals then): for keywords that match whatever their case. */
void mesura_match__builder_ascii_caseless(mesura_automaton_builder *b);

/* Builds the automaton of every term added so far. The builder is left as it was: it
 * can be freed, or given more terms and built again. Returns MESURA_OK, MESURA_EINVAL
 * or MESURA_ENOMEM (also when the automaton would exceed 2^31 states). */
int mesura_match__builder_build(mesura_automaton_builder *b, mesura_automaton **out);

void mesura_match__builder_free(mesura_automaton_builder *b);
void mesura_match__automaton_free(mesura_automaton *a);

/* Bytes held by the automaton (for benchmarks and capacity planning). */
size_t mesura_match__automaton_memory(const mesura_automaton *a);

/* Makes the automaton it builds take `layout` ("dense": 32-bit rows for every state;
 * "mixed": rows for a quarter of its states, sparse records for the others) instead of
 * the layout its size chooses. For tests: each layout has its own search loop, and
 * most term sets would take the narrow one. */
void mesura_match__builder_layout(mesura_automaton_builder *b, const char *layout);

/* How its states are laid out: "narrow" (16-bit states in columns: a plain DFA of at
 * most 65,536 states), "dense" (32-bit rows for every state) or "mixed" (rows for the
 * shallow states, sparse records for the others); "none" for NULL. For tests and
 * benchmarks: each layout has its own search loop. */
const char *mesura_match__automaton_layout(const mesura_automaton *a);

/* Bytes of its longest term: no hit is longer (0 for NULL). */
size_t mesura_match__automaton_longest(const mesura_automaton *a);

/* Called once per hit with the term's id and its byte span [start, end); a non-zero
 * return stops the call, which returns that value. */
typedef int (*mesura_automaton_hit_fn)(uint32_t id, size_t start, size_t end, void *payload);

/* Reports every occurrence, overlapping ones too, of every term in text[0..len), in
 * order of end offset (at one end offset, longer terms first; one term's ids in
 * ascending order). Allocates nothing. Returns 0, or the callback's non-zero value. */
int mesura_match__automaton_search(const mesura_automaton *a, const char *text, size_t len,
                                   mesura_automaton_hit_fn hit, void *payload);

/* Called by a checked search about every 64 KiB of text with the bytes searched so
 * far: a non-zero return stops the search, which returns that value. */
typedef int (*mesura_automaton_check_fn)(size_t searched, void *payload);

/* mesura_match__automaton_search that also calls `check` (with the same payload) as it
 * goes, so that a caller with a deadline can stop it inside a long text. */
int mesura_match__automaton_search_checked(const mesura_automaton *a, const char *text,
                                           size_t len, mesura_automaton_hit_fn hit,
                                           mesura_automaton_check_fn check, void *payload);

/* Self-censored spellings. Reports, as (id, 0, len), every term equal to text[0..len)
 * when each byte of `text` in the set `mask` (a 256-entry table, non-zero = member;
 * meant for ASCII symbols such as '*', '#', '@', '$', '.', '-', '_') stands either for
 * itself or for ONE letter of the term (an ASCII letter or a multi-byte UTF-8 letter
 * such as 'ñ'), and every other byte must match exactly. A term is reported only when
 * at least one mask byte stood for a letter: exact matches are the search's job, so a
 * text without mask bytes reports nothing. "f**k" -> "fuck" and "folk"; "co*o" ->
 * "coño"; "orion-x" (with '-' in the mask) -> nothing.
 *
 * The walk follows the trie (it never expands variants) and visits at most `budget`
 * states; when the budget runs out it returns MESURA_ELIMIT after reporting what it
 * had found. A text longer than the longest term reports nothing; one with more than
 * 64 mask bytes returns MESURA_ELIMIT at once. Terms are reported in byte order.
 * Allocates nothing. Returns 0, MESURA_ELIMIT or the callback's non-zero value. */
int mesura_match__automaton_match_masked(const mesura_automaton *a, const char *text,
                                         size_t len, const unsigned char mask[256],
                                         size_t budget, mesura_automaton_hit_fn hit,
                                         void *payload);

/* The same; *visited receives the states it visited (at most `budget`). */
int mesura_match__automaton_match_masked_counted(const mesura_automaton *a, const char *text,
                                                 size_t len, const unsigned char mask[256],
                                                 size_t budget, mesura_automaton_hit_fn hit,
                                                 void *payload, size_t *visited);

#endif
