/*
 * Warnings: what compiles but is probably a mistake. A policy with warnings still
 * works; mesura-lint shows them so that its author can fix them.
 */
#include <string.h>

#include "compiler.h"
#include "mesura/errors.h"
#include "regex.h"

/* Terms shown per condition before "and N more". */
#define SHADOWED_SHOWN 3

static void warn_unused_lexicons(compiler *c)
{
	for (size_t i = 0; i < c->n_lexicons; i++)
		if (!c->lexicons[i].used && c->lexicons[i].depth == 1)
			mesura_policy__warn(c, c->lexicons[i].node, "lexicon \"%s\" is never used",
			                    c->lexicons[i].name);
}

static int on_allow_term(uint32_t id, size_t start, size_t end, void *payload)
{
	(void)start;
	(void)end;
	*(uint32_t *)payload = id;
	return 1;
}

/* The allow list as a leaf with `flags` sees it: each allow term (stored in the
 * moderation view) normalised again with those flags, in one automaton. */
typedef struct {
	unsigned int flags;
	mesura_automaton *automaton;
} allow_view;

static int build_allow_view(const mesura_policy *p, unsigned int flags, allow_view *av)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = flags;
	mesura_normalizer *nz = NULL;
	mesura_view *view = NULL;
	mesura_automaton_builder *b = NULL;
	int rc = mesura_normalizer_new(&nz, &opts, &p->alloc);
	if (rc == MESURA_OK)
		rc = mesura_view_new(&view, &p->alloc);
	if (rc == MESURA_OK)
		rc = mesura_scan__builder_new(&b, &p->alloc);
	for (size_t i = 0; rc == MESURA_OK && i < p->n_allow; i++) {
		size_t len;
		rc = mesura_normalize(nz, view, p->allow[i], p->allow_lens[i]);
		const char *text = rc == MESURA_OK ? mesura_view_text(view, &len) : NULL;
		if (text && len)
			rc = mesura_scan__builder_add(b, text, len, (uint32_t)i);
	}
	mesura_scan__automaton_free(av->automaton);
	av->automaton = NULL;
	av->flags = flags;
	if (rc == MESURA_OK)
		rc = mesura_scan__builder_build(b, &av->automaton);
	mesura_scan__builder_free(b);
	mesura_view_free(view);
	mesura_normalizer_free(nz);
	return rc;
}

/* The allow-listed term inside `term` (every match of the term overlaps it, so the
 * allow list drops every finding), or NULL. */
static const char *shadowing_allow_term(const mesura_policy *p, const allow_view *av,
                                        const char *term, size_t len)
{
	uint32_t id = UINT32_MAX;
	mesura_scan__automaton_search(av->automaton, term, len, on_allow_term, &id);
	return id == UINT32_MAX ? NULL : p->allow[id];
}

static void warn_shadowed_terms(compiler *c, const policy_cond *x, allow_view *av)
{
	if (!c->policy->n_allow)
		return;
	if ((!av->automaton || av->flags != x->normalize) &&
	    build_allow_view(c->policy, x->normalize, av) != MESURA_OK) {
		c->failed_alloc = 1;
		return;
	}
	size_t shadowed = 0;
	for (size_t i = 0; i < x->n_terms; i++) {
		const char *allow = shadowing_allow_term(c->policy, av, x->terms[i], x->term_lens[i]);
		if (allow && shadowed++ < SHADOWED_SHOWN)
			mesura_policy__warn(c, x->node, "term \"%s\" can never be reported: it holds the "
			                                "allow-listed \"%s\"", x->terms[i], allow);
	}
	if (shadowed == x->n_terms && shadowed)
		mesura_policy__warn(c, x->node, "rule \"%s\" can never fire on these terms: the allow "
		                                "list cancels every one of them", c->rule_id);
	else if (shadowed > SHADOWED_SHOWN)
		mesura_policy__warn(c, x->node, "and %zu more terms the allow list cancels",
		                    shadowed - SHADOWED_SHOWN);
}

static void warn_slow_regex(compiler *c, const policy_cond *x)
{
	const ynode *n = x->node;
	if (n && mesura_policy__regex_nested_repeat(n->text, n->len))
		mesura_policy__warn(c, n, "the regex repeats a repetition, which can backtrack "
		                          "catastrophically: a post that makes it reach its match "
		                          "limit is not screened by this rule (MESURA_ELIMIT)");
}

void mesura_policy__warn_suspicious(compiler *c)
{
	warn_unused_lexicons(c);
	const mesura_policy *p = c->policy;
	allow_view av = {0, NULL};
	for (size_t i = 0; i < p->n_conds && !c->failed_alloc; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->role != ROLE_MATCH || !x->node)
			continue;
		c->rule_id = p->rules[x->rule].id;
		if (mesura_policy__diags_set_file(c->diags, x->file) != MESURA_OK)
			c->failed_alloc = 1;
		if (x->kind == COND_TERMS)
			warn_shadowed_terms(c, x, &av);
		else if (x->kind == COND_REGEX)
			warn_slow_regex(c, x);
	}
	mesura_scan__automaton_free(av.automaton);
	c->rule_id = NULL;
	if (mesura_policy__diags_set_file(c->diags, c->file) != MESURA_OK)
		c->failed_alloc = 1;
}
