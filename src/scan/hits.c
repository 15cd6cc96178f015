/*
 * Hits of the term automata: a hit in a view maps back to the original text, is widened
 * to whole clusters and, for whole-word leaves, kept only on word boundaries; the
 * self-censored words ("f*ck") walk the trie with wildcards; phrases also match with
 * their joiners read as spaces; the context words are searched once a rule needs them.
 */
#include <string.h>

#include "boundaries.h"
#include "hits.h"
#include "mesura/errors.h"
#include "text/chunk.h"
#include "text/text.h"
#include "text/view.h"

/* Trie states the wildcard walk of one self-censored word may visit. */
#define MASKED_BUDGET 20000u

/* Whether view bytes a and a + 1, both ASCII letters or digits, come from parts of
 * the post that are not two touching ASCII letters or digits: something the view
 * dropped lies between them (a joining separator, an invisible), or one is a look-alike
 * (⒜). Two touching ones ("#FuckMondays") are the tokenizer's to judge. */
static int glued_by_view(const mesura_view *v, const unsigned char *t, size_t len, size_t a,
                         const char *post)
{
	size_t a_start, a_end, b_start, b_end;
	if (a + 1 >= len || !ascii_is_alnum(t[a]) || !ascii_is_alnum(t[a + 1]))
		return 0;
	if (mesura_view_source_range(v, a, a + 1, &a_start, &a_end) != MESURA_OK ||
	    mesura_view_source_range(v, a + 1, a + 2, &b_start, &b_end) != MESURA_OK)
		return 0;
	return a_end != b_start || a_end - a_start != 1 || b_end - b_start != 1 ||
	       !ascii_is_alnum((unsigned char)post[a_start]) ||
	       !ascii_is_alnum((unsigned char)post[b_start]);
}

/* Letters and digits of the view before byte `at` (dir -1) or from it (dir 1), up to 2. */
static size_t alnum_run(const unsigned char *t, size_t len, size_t at, int dir)
{
	size_t n = 0;
	while (n < 2 && (dir < 0 ? at > n && ascii_is_alnum(t[at - n - 1])
	                         : at + n < len && ascii_is_alnum(t[at + n])))
		n++;
	return n;
}

/* Whether the hit [start, end) of view v lies inside a word the view made, though its
 * ends in the post are on word boundaries: letters the view glued to it on both sides,
 * or two or more on one side. Joined spaced letters read as one word: "s c u n t h o r
 * p e" is "scunthorpe", "d i s p u t a" is "disputa", and "cunt" or "puta" in them is
 * no whole word. One glued letter may be a word the run swallowed ("y f u c k" joins
 * to "yfuck", "a f u c k"): the hit stays whole, as the post says. */
static int inside_view_word(const mesura_view *v, size_t start, size_t end, const char *post)
{
	size_t len;
	const unsigned char *t = (const unsigned char *)mesura_view__text(v, &len);
	if (end <= start)
		return 0;
	int left = start > 0 && glued_by_view(v, t, len, start - 1, post);
	int right = glued_by_view(v, t, len, end - 1, post);
	return (left && right) || (left && alnum_run(t, len, start, -1) >= 2) ||
	       (right && alnum_run(t, len, end, 1) >= 2);
}

static int add_hit(mesura_scanner *s, uint32_t cond, size_t view_start, size_t view_end,
                   int masked)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t start, end;
	spend(s, 1);
	if (mesura_view_source_range(s->views[x->view], view_start, view_end, &start, &end) !=
	    MESURA_OK)
		return MESURA_OK;
	mesura_scan__widen_to_clusters(s, &start, &end);
	if (x->whole_word) {
		int whole, rc = mesura_scan__is_whole_words(s, start, end, &whole);
		if (rc != MESURA_OK)
			return rc;
		if (whole && inside_view_word(s->views[x->view], view_start, view_end, s->text))
			whole = 0;
		if (!whole)
			return x->role == ROLE_MATCH
			           ? mesura_scan__miss(s, x->rule, MESURA_MISS_NOT_WHOLE_WORD, start, end, 0)
			           : MESURA_OK;
	}
	if (s->n_hits >= 2 * s->limits.max_findings) { /* bounds the rules' work too */
		s->limits_hit |= MESURA_LIMIT_FINDINGS;
		return MESURA_OK;
	}
	void *h = s->hits;
	int rc = mesura_alloc__grow(&s->alloc, &h, &s->hits_cap, s->n_hits + 1, sizeof(hit));
	if (rc != MESURA_OK)
		return rc;
	s->hits = h;
	s->hits[s->n_hits] = (hit){cond, s->first_hit[cond], start, end, view_start, view_end,
	                           masked};
	s->first_hit[cond] = (uint32_t)s->n_hits++;
	s->rule_hit[x->rule] |= x->role == ROLE_MATCH;
	return MESURA_OK;
}

/* A term, or a keyword of a regex leaf (which only lets the regex run; a keyword is
 * what the post says, not what a masked spelling might stand for). */
static int on_term(uint32_t cond, size_t start, size_t end, void *payload)
{
	hit_sink *h = payload;
	if (cond & KEYWORD_ID) {
		if (!h->masked)
			keyword_found(h->s, cond & ~KEYWORD_ID);
		return 0;
	}
	const policy_cond *x = &h->s->policy->conds[cond];
	if (x->role == ROLE_CONTEXT && !h->s->rule_hit[x->rule])
		return 0; /* context words of a rule none of whose leaves matched: not needed */
	h->rc = add_hit(h->s, cond, h->offset + start, h->offset + end, h->masked);
	return h->rc != MESURA_OK;
}

#define mask_bytes mesura_policy__mask_bytes

static int is_word_byte(unsigned char ch)
{
	return ch >= 0x80 || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

/* The self-censored word around the mask byte at text[at], as [*from, *to): letters
 * and mask bytes, without leading or trailing masks (those are emphasis, *like this*,
 * or punctuation, "f*ck?"); *next is the end of the run with them. Returns whether it
 * is worth a wildcard walk: at least two letters, at least as many letters as masks. */
static int masked_word(const char *text, size_t len, size_t at, size_t *from, size_t *to,
                       size_t *next)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t a = at, b = at;
	while (a > 0 && (is_word_byte(p[a - 1]) || mask_bytes[p[a - 1]]))
		a--;
	while (b < len && (is_word_byte(p[b]) || mask_bytes[p[b]]))
		b++;
	*next = b;
	while (a < b && mask_bytes[p[a]])
		a++;
	while (b > a && mask_bytes[p[b - 1]])
		b--;
	*from = a;
	*to = b;
	size_t letters = 0, masks = 0;
	for (size_t i = a; i < b; i++) {
		masks += mask_bytes[p[i]];
		letters += is_word_byte(p[i]) && (p[i] & 0xC0) != 0x80;
	}
	return masks > 0 && letters >= 2 && letters >= masks;
}

/* The mask bytes (mesura_policy__mask_bytes) of x. */
static chunk mask_bytes_in(chunk x)
{
	return chunk_or(chunk_or(chunk_or(chunk_eq(x, '*'), chunk_eq(x, '#')),
	                         chunk_or(chunk_eq(x, '@'), chunk_eq(x, '$'))),
	                chunk_or(chunk_or(chunk_eq(x, '%'), chunk_eq(x, '!')),
	                         chunk_or(chunk_eq(x, '?'), chunk_eq(x, '_'))));
}

/* The first mask byte (mesura_policy__mask_bytes) of t[i, len), or len: a chunk of
 * bytes at a time, since most posts have none. */
static size_t next_mask_byte(const unsigned char *t, size_t len, size_t i)
{
	for (; i + CHUNK <= len; i += CHUNK) {
		chunk found = mask_bytes_in(chunk_load(t + i));
		if (chunk_any(found))
			return i + chunk_first(found);
	}
	if (i < len && len >= CHUNK) {
		unsigned bits = chunk_bits_last(mask_bytes_in(chunk_load_last(t, len)), len, i);
		return bits ? i + chunk_lowest_bit(bits) : len;
	}
	while (i < len && !mask_bytes[t[i]])
		i++;
	return i;
}

/* The self-censored words of view v in automaton a; records whether v has mask bytes. */
static int match_masked_words(mesura_scanner *s, size_t v, const mesura_automaton *a,
                              const char *text, size_t len)
{
	hit_sink h = {s, 0, 1, MESURA_OK, 0, NULL, NULL};
	const unsigned char *t = (const unsigned char *)text;
	size_t first = next_mask_byte(t, len, 0);
	s->has_masks[v] = first < len;
	size_t done = 0; /* bytes read up to the last word */
	for (size_t at = first; at < len && h.rc == MESURA_OK;
	     at = next_mask_byte(t, len, at + 1)) {
		size_t from, to, next, visited = 0;
		if (masked_word(text, len, at, &from, &to, &next)) {
			h.offset = from;
			int rc = mesura_match__automaton_match_masked_counted(
			    a, text + from, to - from, mask_bytes, MASKED_BUDGET, on_term, &h, &visited);
			s->limits_hit |= rc == MESURA_ELIMIT ? MESURA_LIMIT_MASKED : 0;
		}
		if (spend(s, next - done + visited))
			break;
		done = next;
		at = next; /* one walk per word */
	}
	return h.rc;
}

/* The check of a long automaton search (hit_sink payload): counts the bytes searched
 * since the last call and stops the search when the time budget has run out. */
static int search_on(size_t searched, void *payload)
{
	hit_sink *h = payload;
	int stop = spend(h->s, searched - h->searched);
	h->searched = searched;
	return stop;
}

/* Searches text[0..len) with automaton a, counting the work and minding the time. */
static void search_view(mesura_scanner *s, const mesura_automaton *a, const char *text,
                        size_t len, mesura_automaton_hit_fn on_hit, hit_sink *h)
{
	h->searched = 0;
	if (mesura_match__automaton_search_checked(a, text, len, on_hit, search_on, h) == 0)
		spend(s, len - h->searched);
}

/* A hit in a view whose joiners read as spaces: kept when it covers one and belongs to
 * a leaf whose phrases match joined (keywords only gate regexes: not from here). */
static int on_joined_phrase(uint32_t cond, size_t start, size_t end, void *payload)
{
	hit_sink *h = payload;
	if ((cond & KEYWORD_ID) || !h->s->policy->conds[cond].joined ||
	    memcmp(h->plain + h->offset + start, h->spaced + h->offset + start, end - start) == 0)
		return 0;
	return on_term(cond, start, end, payload);
}

/* The first joiner read as a space from `from` on (where the copy differs), or len: a
 * chunk of bytes at a time. */
static size_t next_spaced_joiner(const char *plain, const char *spaced, size_t len, size_t from)
{
	const unsigned char *p = (const unsigned char *)plain, *q = (const unsigned char *)spaced;
	const unsigned all = (1u << CHUNK) - 1;
	for (; from + CHUNK <= len; from += CHUNK) {
		unsigned differ = ~chunk_bits(chunk_same(chunk_load(p + from), chunk_load(q + from))) & all;
		if (differ)
			return from + chunk_lowest_bit(differ);
	}
	while (from < len && p[from] == q[from])
		from++;
	return from;
}

/* The hits of automaton a on view text[0..len) read with its joiners as spaces. Only
 * those that cover a joiner count, and none is longer than the automaton's longest
 * term (`reach`): so only the stretches within reach of a joiner are searched (those
 * that overlap, as one), not the whole view again. */
static int match_joined_phrases(mesura_scanner *s, size_t v, const mesura_automaton *a,
                                const char *text, size_t len)
{
	const char *spaced;
	int rc = mesura_scan__joiners_as_spaces(s, text, len, &spaced);
	if (rc != MESURA_OK || out_of_time(s))
		return rc;
	s->no_joiners[v] = !spaced && !s->exhaustive; /* for the views made from it too */
	if (!spaced)
		return MESURA_OK;
	size_t reach = mesura_match__automaton_longest(a);
	hit_sink h = {s, 0, 0, MESURA_OK, 0, text, spaced};
	size_t j = next_spaced_joiner(text, spaced, len, 0);
	while (j < len && reach && h.rc == MESURA_OK && !out_of_time(s)) {
		size_t lo = j >= reach ? j - reach + 1 : 0, last = j;
		for (j = next_spaced_joiner(text, spaced, len, last + 1); j < len && j - last < 2 * reach;
		     j = next_spaced_joiner(text, spaced, len, last + 1))
			last = j;
		size_t hi = len - last > reach ? last + reach : len;
		h.offset = lo;
		search_view(s, a, spaced + lo, hi - lo, on_joined_phrase, &h);
	}
	return h.rc;
}

/* The hits of automaton a on view v, plain and self-censored (when the view may hold
 * mask bytes: `masks`). */
static int match_terms(mesura_scanner *s, size_t v, const mesura_automaton *a, int masks)
{
	if (!a)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view__text(s->views[v], &len);
	hit_sink h = {s, 0, 0, MESURA_OK, 0, NULL, NULL};
	search_view(s, a, text, len, on_term, &h);
	if (h.rc == MESURA_OK && (masks || s->exhaustive) && !found_spent(s))
		h.rc = match_masked_words(s, v, a, text, len);
	if (h.rc == MESURA_OK && s->policy->views[v].phrases && !s->no_joiners[v] && !found_spent(s))
		h.rc = match_joined_phrases(s, v, a, text, len);
	return h.rc;
}

int mesura_scan__find_context(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	if (s->context_found)
		return MESURA_OK;
	s->context_found = 1;
	int rc = MESURA_OK;
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views && !out_of_time(s); v++)
		rc = match_terms(s, v, p->views[v].context, 1);
	return rc;
}

/* The entry points of the three for the files above: wrappers, so that this file's own
 * calls keep the static functions the compiler inlines and specialises. */
int mesura_scan__add_hit(mesura_scanner *s, uint32_t cond, size_t view_start, size_t view_end,
                         int masked)
{
	return add_hit(s, cond, view_start, view_end, masked);
}

void mesura_scan__search_view(mesura_scanner *s, const mesura_automaton *a, const char *text,
                              size_t len, mesura_automaton_hit_fn on_hit, hit_sink *h)
{
	search_view(s, a, text, len, on_hit, h);
}

int mesura_scan__match_terms(mesura_scanner *s, size_t v, const mesura_automaton *a, int masks)
{
	return match_terms(s, v, a, masks);
}
