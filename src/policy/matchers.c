/*
 * What the scanner runs, built once the rules have compiled: one view per distinct
 * set of normalisation flags (however many rules share it), one automaton per view
 * with the terms of every terms leaf on it (ids: leaf indexes), one automaton per
 * view with the keywords of its regex leaves, and the allow list's automaton.
 */
#include <string.h>

#include "compiler.h"
#include "mesura/errors.h"

static int is_leaf(const policy_cond *x)
{
	return x->kind == COND_TERMS || x->kind == COND_REGEX;
}

/* The index of the view with `flags`, added when new. */
static size_t view_index(mesura_policy *p, unsigned int flags)
{
	for (size_t v = 0; v < p->n_views; v++)
		if (p->views[v].flags == flags)
			return v;
	memset(&p->views[p->n_views], 0, sizeof p->views[p->n_views]);
	p->views[p->n_views].flags = flags;
	return p->n_views++;
}

typedef int (*add_leaf_fn)(mesura_automaton_builder *b, const policy_cond *x, uint32_t id);

static int add_terms(mesura_automaton_builder *b, const policy_cond *x, uint32_t id)
{
	if (x->kind != COND_TERMS)
		return MESURA_OK;
	int rc = MESURA_OK;
	for (size_t i = 0; rc == MESURA_OK && i < x->n_terms; i++)
		rc = mesura_scan__builder_add(b, x->terms[i], x->term_lens[i], id);
	return rc;
}

static int add_keywords(mesura_automaton_builder *b, const policy_cond *x, uint32_t id)
{
	if (x->kind != COND_REGEX)
		return MESURA_OK;
	int rc = MESURA_OK;
	for (size_t i = 0; rc == MESURA_OK && i < x->n_keywords; i++)
		rc = mesura_scan__builder_add(b, x->keywords[i], strlen(x->keywords[i]), id);
	return rc;
}

/* The automaton of what `add` takes from the leaves on view v; NULL when nothing. */
static int build_view_automaton(mesura_policy *p, size_t v, add_leaf_fn add, int caseless,
                                mesura_automaton **out)
{
	mesura_automaton_builder *b = NULL;
	int rc = mesura_scan__builder_new(&b, &p->alloc);
	if (rc == MESURA_OK && caseless)
		mesura_scan__builder_ascii_caseless(b);
	int any = 0;
	for (size_t i = 0; rc == MESURA_OK && i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (!is_leaf(x) || x->view != v)
			continue;
		rc = add(b, x, (uint32_t)i);
		any |= (x->kind == COND_TERMS && x->n_terms) || (x->kind == COND_REGEX && x->n_keywords);
	}
	if (rc == MESURA_OK && any)
		rc = mesura_scan__builder_build(b, out);
	mesura_scan__builder_free(b);
	return rc;
}

static int build_allow_terms(mesura_policy *p)
{
	mesura_automaton_builder *b = NULL;
	int rc = mesura_scan__builder_new(&b, &p->alloc);
	for (size_t i = 0; rc == MESURA_OK && i < p->n_allow; i++)
		rc = mesura_scan__builder_add(b, p->allow[i], p->allow_lens[i], (uint32_t)i);
	if (rc == MESURA_OK)
		rc = mesura_scan__builder_build(b, &p->allow_terms);
	mesura_scan__builder_free(b);
	return rc;
}

static int build_view(mesura_policy *p, size_t v)
{
	policy_view *view = &p->views[v];
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = view->flags;
	int rc = mesura_normalizer_new(&view->normalizer, &opts, &p->alloc);
	if (rc == MESURA_OK)
		rc = build_view_automaton(p, v, add_terms, 0, &view->terms);
	if (rc == MESURA_OK)
		rc = build_view_automaton(p, v, add_keywords, 1, &view->keywords);
	for (size_t i = 0; i < p->n_conds; i++)
		view->needs_bytes |= p->conds[i].kind == COND_REGEX && p->conds[i].view == v;
	return rc;
}

int mesura_policy__build_matchers(mesura_policy *p)
{
	p->views = mesura_arena__alloc(&p->arena, (p->n_conds + 2) * sizeof *p->views);
	if (!p->views)
		return MESURA_ENOMEM;
	for (size_t i = 0; i < p->n_conds; i++)
		if (is_leaf(&p->conds[i]))
			p->conds[i].view = view_index(p, p->conds[i].normalize);
	if (p->n_allow)
		p->allow_view = view_index(p, MESURA_NORM_MODERATION);
	int rc = MESURA_OK;
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views; v++)
		rc = build_view(p, v);
	if (rc == MESURA_OK && p->n_allow)
		rc = build_allow_terms(p);
	return rc;
}
