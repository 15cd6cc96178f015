/* Hits of the term automata (hits.c), and what regexes.c shares of them. */
#ifndef MESURA_SCAN_HITS_H
#define MESURA_SCAN_HITS_H

#include "state.h"

typedef struct {
	mesura_scanner *s;
	size_t offset; /* of the searched text in the view */
	int masked;
	int rc;
	size_t searched; /* bytes of the search counted as work so far (search_on) */
	const char *plain, *spaced; /* a search of a view with joiners read as spaces: the
	                             * view and that copy (match_joined_phrases) */
} hit_sink;

/* A keyword of regex leaf `cond` is in the post: the leaf is worth trying. */
static inline void keyword_found(mesura_scanner *s, uint32_t cond)
{
	uint32_t bit = s->regex_bit[cond];
	s->regex_todo[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* Whether a keyword of regex leaf `cond` has been found in the post. */
static inline int keyword_in_post(const mesura_scanner *s, uint32_t cond)
{
	uint32_t bit = s->regex_bit[cond];
	return (s->regex_todo[bit / 64] >> (bit % 64)) & 1;
}

/* Records a hit of leaf `cond` at [view_start, view_end) of its view, mapped back to
 * the original text, when it passes the leaf's whole-word test (else a near miss). */
int mesura_scan__add_hit(mesura_scanner *s, uint32_t cond, size_t view_start, size_t view_end,
                         int masked);

/* Searches text[0..len) with automaton a, counting the work and minding the time. */
void mesura_scan__search_view(mesura_scanner *s, const mesura_automaton *a, const char *text,
                              size_t len, mesura_automaton_hit_fn on_hit, hit_sink *h);

/* The hits of automaton a on view v, plain and self-censored (when the view may hold
 * mask bytes: `masks`), and phrases with joiners. */
int mesura_scan__match_terms(mesura_scanner *s, size_t v, const mesura_automaton *a, int masks);

/* Adds the hits of every view's context words, once per post: they only matter near
 * a finding, so rules.c asks for them when a rule with context fires. */
int mesura_scan__find_context(mesura_scanner *s);

#endif
