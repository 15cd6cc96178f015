/*
 * From findings to the result: the allow list drops what overlaps an allow-listed term,
 * each rule's overlapping findings merge, the rest are put in order, and the verdict
 * is the strongest action left (at least review when a limit was hit, unless the
 * caller chose to fail open).
 */
#include <string.h>

#include "common/sort.h"
#include "mesura/errors.h"
#include "boundaries.h"
#include "verdict.h"

/* The allow list and the tidying are O(n log n) in the findings and allowed spans: a
 * hostile post may hold tens of thousands of each. */

typedef struct {
	mesura_scanner *s;
	int rc;
	const char *plain, *spaced; /* the allow view and, for a second search, the copy
	                             * with its joiners read as spaces */
} allow_sink;

/* Collects an allow-listed term found at view bytes [start, end), when it is whole
 * words of the original. */
static int on_allowed(uint32_t id, size_t start, size_t end, void *payload)
{
	(void)id;
	allow_sink *a = payload;
	mesura_scanner *s = a->s;
	size_t o_start, o_end;
	int whole;
	const mesura_view *view = s->views[s->policy->allow_view];
	if (mesura_view_source_range(view, start, end, &o_start, &o_end) != MESURA_OK)
		return 0;
	mesura_scan__widen_to_clusters(s, &o_start, &o_end);
	a->rc = mesura_scan__is_whole_words(s, o_start, o_end, &whole);
	if (a->rc == MESURA_OK && whole) {
		void *spans = s->allowed;
		a->rc = mesura_alloc__grow(&s->alloc, &spans, &s->allowed_cap, s->n_allowed + 1,
		                           sizeof(span));
		s->allowed = spans;
		if (a->rc == MESURA_OK)
			s->allowed[s->n_allowed++] = (span){o_start, o_end};
	}
	return a->rc != MESURA_OK;
}

/* An allowed phrase written with joiners: a hit of the copy that covers one. */
static int on_allowed_joined(uint32_t id, size_t start, size_t end, void *payload)
{
	allow_sink *a = payload;
	if (memcmp(a->plain + start, a->spaced + start, end - start) == 0)
		return 0;
	return on_allowed(id, start, end, payload);
}

static int by_start(const void *x, const void *y)
{
	const span *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* Sorts n elements of `size` bytes with the scanner's scratch. */
static int sort(mesura_scanner *s, void *base, size_t n, size_t size,
                int (*cmp)(const void *, const void *))
{
	if (n < 2)
		return MESURA_OK;
	int rc = mesura_alloc__grow(&s->alloc, &s->sort_scratch, &s->sort_scratch_cap, n * size, 1);
	if (rc == MESURA_OK)
		mesura_sort__stable(base, n, size, s->sort_scratch, cmp);
	return rc;
}

/* Sorts the allowed spans and merges the overlapping ones: disjoint, in order. */
static int merge_allowed(mesura_scanner *s)
{
	span *a = s->allowed;
	int rc = sort(s, a, s->n_allowed, sizeof *a, by_start);
	if (rc != MESURA_OK)
		return rc;
	size_t kept = 0;
	for (size_t i = 0; i < s->n_allowed; i++) {
		if (kept && a[i].start < a[kept - 1].end) {
			if (a[i].end > a[kept - 1].end)
				a[kept - 1].end = a[i].end;
			continue;
		}
		a[kept++] = a[i];
	}
	s->n_allowed = kept;
	return MESURA_OK;
}

/* Whether [start, end) overlaps one of the disjoint sorted allowed spans. */
static int is_allowed(const mesura_scanner *s, size_t start, size_t end)
{
	size_t lo = 0, hi = s->n_allowed; /* the first span that ends after start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->allowed[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_allowed && s->allowed[lo].start < end;
}

/* Drops the findings that overlap an allow-listed term. */
int mesura_scan__apply_allow_list(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	if (!p->allow_terms || s->n_findings == 0)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[p->allow_view], &len);
	allow_sink a = {s, MESURA_OK, text, NULL};
	s->n_allowed = 0;
	mesura_match__automaton_search(p->allow_terms, text, len, on_allowed, &a);
	if (a.rc == MESURA_OK && p->allow_phrases)
		a.rc = mesura_scan__joiners_as_spaces(s, text, len, &a.spaced);
	if (a.rc == MESURA_OK && a.spaced)
		mesura_match__automaton_search(p->allow_terms, a.spaced, len, on_allowed_joined, &a);
	if (a.rc != MESURA_OK || s->n_allowed == 0)
		return a.rc;
	a.rc = merge_allowed(s);
	size_t kept = 0;
	for (size_t i = 0; i < s->n_findings && a.rc == MESURA_OK; i++) {
		const mesura_finding *f = &s->findings[i];
		if (!is_allowed(s, f->start, f->end))
			s->findings[kept++] = *f;
		else
			a.rc = mesura_scan__miss(s, (uint32_t)f->rule, MESURA_MISS_ALLOWED, f->start,
			                         f->end, 0);
	}
	s->n_findings = kept;
	return a.rc;
}

/* By rule, then start: each rule's findings together, in order. */
static int by_rule_then_start(const void *x, const void *y)
{
	const mesura_finding *a = x, *b = y;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start ? 1 : a->end > b->end ? -1 : a->end < b->end;
}

/* By start, the longer first, then by rule: the order of the result. */
static int by_start_then_rule(const void *x, const void *y)
{
	const mesura_finding *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->rule_id == b->rule_id ? 0 : strcmp(a->rule_id, b->rule_id);
}

/* Merges the overlapping findings of one rule ("fuck" and "fucking" of the same list)
 * into one, then puts them in order of start. */
int mesura_scan__tidy_findings(mesura_scanner *s)
{
	mesura_finding *f = s->findings;
	int rc = sort(s, f, s->n_findings, sizeof *f, by_rule_then_start);
	if (rc != MESURA_OK)
		return rc;
	size_t kept = 0;
	for (size_t i = 0; i < s->n_findings; i++) {
		mesura_finding *last = kept ? &f[kept - 1] : NULL;
		if (last && last->rule == f[i].rule && f[i].start < last->end) {
			if (f[i].end > last->end)
				last->end = f[i].end;
			if (f[i].confidence > last->confidence)
				last->confidence = f[i].confidence;
			continue;
		}
		f[kept++] = f[i];
	}
	s->n_findings = kept;
	return sort(s, f, s->n_findings, sizeof *f, by_start_then_rule);
}

void mesura_scan__decide(mesura_scanner *s)
{
	mesura_result *r = &s->result.pub;
	r->verdict = MESURA_ACTION_ALLOW;
	r->decisive = SIZE_MAX;
	for (size_t i = 0; i < s->n_findings; i++)
		if (s->findings[i].action > r->verdict ||
		    (r->decisive != SIZE_MAX && s->findings[i].action == r->verdict &&
		     s->findings[i].severity > s->findings[r->decisive].severity)) {
			r->verdict = s->findings[i].action;
			r->decisive = i;
		}
	s->result.findings = s->findings;
	s->result.n_findings = s->n_findings;
	s->result.near_misses = s->misses;
	s->result.n_near_misses = s->n_misses;
	r->limits_hit = s->limits_hit;
	/* fail closed: what was not screened is reviewed; an error is never allowed, fail_open
	 * or not */
	int closed = !s->limits.fail_open || (s->limits_hit & MESURA_LIMIT_ERROR);
	if (s->limits_hit && closed && r->verdict < MESURA_ACTION_REVIEW)
		r->verdict = MESURA_ACTION_REVIEW;
}
