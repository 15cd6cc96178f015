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

/* Each term of a terms leaf as written (before normalisation), from its YAML node and
 * the lexicons it names, normalised like the allow list: a post holding the term as
 * written holds this text in the allow list's view. */
typedef struct {
	compiler *c;
	const mesura_normalizer *nz;
	mesura_view *view;
	size_t shadowed;
} shadow_check;

/* The index of the allow-listed term inside the term written as s[0..len), or
 * UINT32_MAX. */
static uint32_t shadowing_allow_term(shadow_check *sc, const char *s, size_t len)
{
	const mesura_policy *p = sc->c->policy;
	size_t n;
	uint32_t id = UINT32_MAX;
	if (mesura_normalize(sc->nz, sc->view, s, len) != MESURA_OK) {
		sc->c->failed_alloc = 1;
		return id;
	}
	const char *text = mesura_view_text(sc->view, &n);
	mesura_match__automaton_search(p->allow_terms, text, n, on_allow_term, &id);
	return id;
}

/* How the warning names allow-listed term `id`: quoted, or by place when it came from
 * a lexicon file (mesura_policy__cite_term). */
static void cite_allow_term(const compiler *c, uint32_t id, char *buf, size_t size)
{
	term_origin o = c->allow_origins[id];
	const lexicon *lex = o.lexicon ? &c->lexicons[o.lexicon - 1] : NULL;
	mesura_policy__cite_term(lex, o.term, c->policy->allow[id], c->policy->allow_lens[id], buf,
	                         size);
}

/* Term k of `lex` (NULL: written in the policy as s[0..len)). */
static void check_written_term(shadow_check *sc, const policy_cond *x, const lexicon *lex,
                               size_t k, const char *s, size_t len)
{
	uint32_t allow = shadowing_allow_term(sc, s, len);
	if (allow != UINT32_MAX && sc->shadowed++ < SHADOWED_SHOWN) {
		char term[300], allowed[300];
		mesura_policy__cite_term(lex, k, s, len, term, sizeof term);
		cite_allow_term(sc->c, allow, allowed, sizeof allowed);
		mesura_policy__warn(sc->c, x->node, "term %s can never be reported: it holds the "
		                                    "allow-listed term %s", term, allowed);
	}
}

static size_t check_written_terms(shadow_check *sc, const policy_cond *x)
{
	const ynode *list = x->node;
	size_t n = list->kind == YNODE_SEQUENCE ? list->n_items : 1, total = 0;
	for (size_t i = 0; i < n && !sc->c->failed_alloc; i++) {
		const ynode *item = list->kind == YNODE_SEQUENCE ? list->items[i] : list;
		if (!mesura_policy__is_scalar(item))
			continue;
		const lexicon *lex = item->len > 1 && item->text[0] == '@' && item->text[1] != '@'
		                         ? mesura_policy__find_lexicon(sc->c, item->text + 1)
		                         : NULL;
		for (size_t k = 0; lex && k < lex->n; k++, total++)
			check_written_term(sc, x, lex, k, lex->terms[k], lex->lens[k]);
		if (!lex) {
			size_t at = item->len > 1 && item->text[0] == '@'; /* "@@x" is "@x" */
			check_written_term(sc, x, NULL, 0, item->text + at, item->len - at);
			total++;
		}
	}
	return total;
}

static void warn_shadowed_terms(compiler *c, const policy_cond *x)
{
	if (!c->policy->allow_terms)
		return;
	shadow_check sc = {c, NULL, NULL, 0};
	sc.nz = mesura_policy__normalizer(c->policy, MESURA_NORM_MODERATION);
	if (!sc.nz || mesura_view_new(&sc.view, &c->policy->alloc) != MESURA_OK) {
		c->failed_alloc = 1;
	} else {
		size_t total = check_written_terms(&sc, x);
		if (sc.shadowed == total && total)
			mesura_policy__warn(c, x->node, "rule \"%s\" can never fire on these terms: the "
			                                "allow list cancels every one of them", c->rule_id);
		else if (sc.shadowed > SHADOWED_SHOWN)
			mesura_policy__warn(c, x->node, "and %zu more terms the allow list cancels",
			                    sc.shadowed - SHADOWED_SHOWN);
	}
	mesura_view_free(sc.view);
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
	for (size_t i = 0; i < p->n_conds && !c->failed_alloc; i++) {
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
