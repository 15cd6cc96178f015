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

/* The allow-listed term inside `term` (every match of the term overlaps it, so the
 * allow list drops every finding), or NULL. */
static const char *shadowing_allow_term(const mesura_policy *p, const char *term, size_t len)
{
	uint32_t id = UINT32_MAX;
	if (!p->allow_terms)
		return NULL;
	mesura_scan__automaton_search(p->allow_terms, term, len, on_allow_term, &id);
	return id == UINT32_MAX ? NULL : p->allow[id];
}

static void warn_shadowed_terms(compiler *c, const policy_cond *x)
{
	size_t shadowed = 0;
	for (size_t i = 0; i < x->n_terms; i++) {
		const char *allow = shadowing_allow_term(c->policy, x->terms[i], x->term_lens[i]);
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
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->role != ROLE_MATCH || !x->node)
			continue;
		c->rule_id = p->rules[x->rule].id;
		if (mesura_policy__diags_set_file(c->diags, x->file) != MESURA_OK)
			c->failed_alloc = 1;
		if (x->kind == COND_TERMS)
			warn_shadowed_terms(c, x);
		else if (x->kind == COND_REGEX)
			warn_slow_regex(c, x);
	}
	c->rule_id = NULL;
	if (mesura_policy__diags_set_file(c->diags, c->file) != MESURA_OK)
		c->failed_alloc = 1;
}
