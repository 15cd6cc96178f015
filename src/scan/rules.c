/*
 * Rule evaluation: after the matchers have recorded every hit of every leaf, a rule
 * fires when its match tree holds and its unless tree does not; each hit of its match
 * leaves (through the branches that hold) becomes a finding, whose confidence starts
 * at the rule's and moves with the context words near it.
 */
#include <string.h>

#include "mesura/errors.h"
#include "boundaries.h"
#include "hits.h"
#include "rules.h"
#include "tokens/tokenize.h"

static int holds(const mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	if (x->kind == COND_TERMS || x->kind == COND_REGEX)
		return s->first_hit[cond] != NO_HIT;
	for (size_t i = 0; i < x->n_children; i++)
		if (holds(s, x->children[i]) != (x->kind == COND_ALL))
			return x->kind != COND_ALL;
	return x->kind == COND_ALL;
}

/* Characters (code points) of the original text between two spans, as far as a
 * comparison with `limit` needs: exact up to limit, limit + 1 beyond; 0 when they
 * overlap. Byte counts settle most pairs (a character is 1 to 4 bytes). */
static size_t chars_between(const mesura_scanner *s, const hit *a, const hit *b, size_t limit)
{
	if (a->end > b->start && b->end > a->start)
		return 0;
	size_t from = a->end <= b->start ? a->end : b->end;
	size_t to = a->end <= b->start ? b->start : a->start;
	if (to - from <= limit)
		return to - from;
	if (to - from > 4 * (limit + 1))
		return limit + 1;
	size_t n = 0;
	for (size_t i = from; i < to && n <= limit; i++)
		n += ((unsigned char)s->text[i] & 0xC0) != 0x80;
	return n;
}

static int is_word_token(const mesura_token *t)
{
	return !(t->flags & MESURA_TOKEN_OVERLAY) &&
	       (t->type == MESURA_TOKEN_WORD || t->type == MESURA_TOKEN_NUMBER);
}

/* Per original byte offset x: the words (word and number tokens) that end at or before
 * x, and those that start before x. Made once per post, when a context counts words,
 * so that each distance is two lookups, however many findings and words. */
static int count_words(mesura_scanner *s)
{
	if (s->words_counted)
		return MESURA_OK;
	int rc = mesura_scan__tokenize_post(s);
	void *e = s->words_ended, *b = s->words_begun;
	if (rc == MESURA_OK)
		rc = mesura_alloc__grow(&s->alloc, &e, &s->words_ended_cap, s->len + 1, sizeof(uint32_t));
	s->words_ended = e;
	if (rc == MESURA_OK)
		rc = mesura_alloc__grow(&s->alloc, &b, &s->words_begun_cap, s->len + 1, sizeof(uint32_t));
	s->words_begun = b;
	if (rc != MESURA_OK)
		return rc;
	memset(s->words_ended, 0, (s->len + 1) * sizeof(uint32_t));
	memset(s->words_begun, 0, (s->len + 1) * sizeof(uint32_t));
	size_t n;
	const mesura_token *t = mesura_tokens__array(s->tokens, &n);
	for (size_t i = 0; i < n; i++)
		if (is_word_token(&t[i])) {
			s->words_ended[t[i].end]++;
			s->words_begun[t[i].start + 1]++; /* begun before x: start < x */
		}
	for (size_t x = 1; x <= s->len; x++) {
		s->words_ended[x] += s->words_ended[x - 1];
		s->words_begun[x] += s->words_begun[x - 1];
	}
	s->words_counted = 1;
	return MESURA_OK;
}

/* Words wholly between two spans of the original text. */
static size_t words_between(const mesura_scanner *s, const hit *a, const hit *b)
{
	size_t from = a->end <= b->start ? a->end : b->end;
	size_t to = a->end <= b->start ? b->start : a->start;
	if (to <= from)
		return 0;
	/* ended by `to`, less begun before `from`: a word around both cancels out to -1 */
	uint32_t ended = s->words_ended[to], begun = s->words_begun[from];
	return ended > begun ? ended - begun : 0;
}

static int context_near(mesura_scanner *s, const policy_context *ctx, const hit *h)
{
	if (ctx->in_words && !s->words_counted)
		return 0; /* evaluate_rules counts them first */
	for (uint32_t k = s->first_hit[ctx->cond]; k != NO_HIT; k = s->hits[k].next) {
		const hit *c = &s->hits[k];
		size_t d = ctx->in_words ? words_between(s, h, c) : chars_between(s, h, c, ctx->within);
		if (d <= ctx->within)
			return 1;
	}
	return 0;
}

/* The confidence of a finding at hit h of rule r; negative when a required context
 * is missing. */
static double confidence_of(mesura_scanner *s, const policy_rule *r, const hit *h)
{
	double conf = r->confidence;
	for (size_t i = 0; i < r->n_context; i++) {
		int near = context_near(s, &r->context[i], h);
		if (near)
			conf += r->context[i].boost;
		else if (r->context[i].required)
			return -1;
	}
	return conf < 0 ? 0 : conf > 1 ? 1 : conf;
}

static int add_finding(mesura_scanner *s, const policy_rule *r, const hit *h)
{
	double conf = confidence_of(s, r, h);
	if (s->n_findings >= s->limits.max_findings) {
		s->limits_hit |= MESURA_LIMIT_FINDINGS;
		return MESURA_OK;
	}
	if (conf < 0 || conf + 1e-9 < r->min_confidence)
		return mesura_scan__miss(s, (uint32_t)(r - s->policy->rules), MESURA_MISS_CONFIDENCE, h->start,
		            h->end, conf < 0 ? 0 : conf);
	void *f = s->findings;
	int rc = mesura_alloc__grow(&s->alloc, &f, &s->findings_cap, s->n_findings + 1,
	                            sizeof(mesura_finding));
	if (rc != MESURA_OK)
		return rc;
	s->findings = f;
	const policy_cond *x = &s->policy->conds[h->cond];
	const char *text = mesura_view_text(s->views[x->view], NULL);
	s->findings[s->n_findings++] = (mesura_finding){
		r->id, (size_t)(r - s->policy->rules), r->category, r->severity, r->action,
		h->start, h->end,
		text + h->view_start, h->view_end - h->view_start,
		h->masked ? "masked" : x->kind == COND_TERMS ? "terms" : "regex", conf};
	return MESURA_OK;
}

/* One finding per hit of the leaves of a match tree, through the branches that hold. */
static int add_findings(mesura_scanner *s, const policy_rule *r, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	int rc = MESURA_OK;
	if (x->kind == COND_ALL || x->kind == COND_ANY) {
		for (size_t i = 0; rc == MESURA_OK && i < x->n_children; i++)
			if (holds(s, x->children[i])) /* an `all` inside an `any` that failed: none */
				rc = add_findings(s, r, x->children[i]);
		return rc;
	}
	for (uint32_t k = s->first_hit[cond]; rc == MESURA_OK && k != NO_HIT; k = s->hits[k].next)
		rc = add_finding(s, r, &s->hits[k]);
	return rc;
}

/* Some hit of a leaf of the tree, or NULL. */
static const hit *any_hit(const mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	if (x->kind == COND_TERMS || x->kind == COND_REGEX)
		return s->first_hit[cond] != NO_HIT ? &s->hits[s->first_hit[cond]] : NULL;
	for (size_t i = 0; i < x->n_children; i++) {
		const hit *h = any_hit(s, x->children[i]);
		if (h)
			return h;
	}
	return NULL;
}

/* Whether a context of rule r counts its distance in words and has a hit in the post:
 * only then are the post's words counted (which tokenizes it). A context without a hit
 * is near nothing, whatever the words. */
static int needs_word_counts(const mesura_scanner *s, const policy_rule *r)
{
	for (size_t i = 0; i < r->n_context; i++)
		if (r->context[i].in_words && s->first_hit[r->context[i].cond] != NO_HIT)
			return 1;
	return 0;
}

int mesura_scan__evaluate_rules(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	int rc = MESURA_OK;
	if (s->n_hits == 0)
		return MESURA_OK; /* no leaf matched (most posts): no rule holds */
	for (size_t i = 0; rc == MESURA_OK && i < p->n_rules; i++) {
		const policy_rule *r = &p->rules[i];
		if (!s->rule_hit[i] || r->disabled)
			continue; /* no leaf of its match tree matched: it cannot hold */
		if (!holds(s, r->match)) {
			const hit *h = s->explain ? any_hit(s, r->match) : NULL;
			if (h)
				rc = mesura_scan__miss(s, (uint32_t)i, MESURA_MISS_INCOMPLETE, h->start, h->end, 0);
			continue;
		}
		if (r->unless != COND_NONE && holds(s, r->unless)) {
			const hit *h = any_hit(s, r->unless);
			rc = mesura_scan__miss(s, (uint32_t)i, MESURA_MISS_UNLESS, h ? h->start : 0, h ? h->end : 0, 0);
			continue;
		}
		if (r->n_context)
			rc = mesura_scan__find_context(s);
		if (rc == MESURA_OK && p->uses_words && needs_word_counts(s, r))
			rc = count_words(s);
		if (rc == MESURA_OK)
			rc = add_findings(s, r, r->match);
	}
	return rc;
}
