/*
 * Overrides: the top policy file tunes the modules it includes without copying them.
 *
 *   overrides:
 *     rules:
 *       pii.email: { action: log, severity: low }
 *       profanity.en-mild: { disabled: true }
 *     lexicons:
 *       confidential.codenames: [falcon, "project orion"]
 *
 * A rule override changes fields of a compiled rule (after every rule is compiled); a
 * lexicon override adds terms to a lexicon as it is defined (lexicons.c), before the
 * rules that normalise its terms. Naming a rule, lexicon or field that does not exist is an error
 * at the name, with the nearest one suggested.
 */
#include <string.h>

#include "common/distance.h"
#include "compiler.h"
#include "mesura/errors.h"

static const char *const override_keys[] = {"rules", "lexicons", NULL};
static const char *const rule_override_keys[] = {
	"action", "severity", "confidence", "min_confidence", "redact", "redact_extent",
	"disabled", NULL};

/* Nearest of a list of names (edit distance <= 2, as mesura_policy__suggest). */
typedef struct {
	const char *word, *best;
	size_t len, best_d;
} nearest;

static void consider(nearest *n, const char *name)
{
	size_t d = mesura_distance__edit(n->word, n->len, name, strlen(name));
	if (d < n->best_d) {
		n->best = name;
		n->best_d = d;
	}
}

static const char *nearest_rule(compiler *c, const char *id)
{
	nearest n = {id, NULL, strlen(id), 3};
	for (size_t i = 0; i < c->policy->n_rules; i++)
		if (c->policy->rules[i].id)
			consider(&n, c->policy->rules[i].id);
	return n.best;
}

static void check_lexicon_overrides(compiler *c, const ynode *lexicons)
{
	for (size_t i = 0; i + 1 < lexicons->n_items; i += 2) {
		const ynode *name = lexicons->items[i], *add = lexicons->items[i + 1];
		if (!mesura_policy__is_scalar(name))
			continue; /* check_keys-style errors come from the YAML reader's keys */
		size_t old = mesura_policy__path_push(c, ".%s", name->text);
		if (!mesura_policy__find_lexicon(c, name->text)) {
			const char *near = mesura_policy__nearest_lexicon(c, name->text);
			if (near)
				cerror(c, name, "there is no lexicon \"%s\" to add terms to; did you mean "
				                "\"%s\"?", name->text, near);
			else
				cerror(c, name, "there is no lexicon \"%s\" to add terms to", name->text);
		} else if (add->kind != YNODE_SEQUENCE) {
			cerror(c, add, "the terms added to lexicon \"%s\" are a list", name->text);
		} else {
			for (size_t k = 0; k < add->n_items; k++)
				if (!mesura_policy__is_scalar(add->items[k]) || add->items[k]->len == 0)
					cerror(c, add->items[k], "a term must be a non-empty text");
		}
		mesura_policy__path_pop(c, old);
	}
}

static void override_rule(compiler *c, policy_rule *r, const ynode *key, const ynode *v)
{
	if (v->kind != YNODE_MAPPING) {
		cerror(c, v, "an override is a mapping such as { action: log } or "
		             "{ disabled: true }");
		return;
	}
	mesura_policy__check_keys(c, v, rule_override_keys);
	int severity = mesura_policy__get_choice(c, v, "severity", mesura_policy__severities,
	                                         (int)r->severity - 1);
	if (severity >= 0)
		r->severity = (mesura_severity)(severity + 1);
	int action = mesura_policy__get_choice(c, v, "action", mesura_policy__actions,
	                                       (int)r->action - 1);
	if (action >= 0)
		r->action = (mesura_action)(action + 1);
	r->confidence = mesura_policy__get_number(c, v, "confidence", 0, 1, r->confidence);
	r->min_confidence =
	    mesura_policy__get_number(c, v, "min_confidence", 0, 1, r->min_confidence);
	const ynode *redact = mesura_policy__yaml_get(v, "redact");
	if (redact)
		mesura_policy__compile_redact(c, r, redact);
	int extent = mesura_policy__get_choice(c, v, "redact_extent", mesura_policy__extents,
	                                       (int)r->redact_extent);
	if (extent >= 0)
		r->redact_extent = (mesura_redact_extent)extent;
	r->disabled = mesura_policy__get_bool(c, v, "disabled", r->disabled);
	r->override_node = key;
	r->override_file = c->file;
}

static void check_rule_overrides(compiler *c, const ynode *rules)
{
	for (size_t i = 0; i + 1 < rules->n_items; i += 2) {
		const ynode *id = rules->items[i];
		if (!mesura_policy__is_scalar(id))
			continue;
		size_t old = mesura_policy__path_push(c, ".%s", id->text);
		size_t k = 0;
		while (k < c->policy->n_rules &&
		       !(c->policy->rules[k].id && strcmp(c->policy->rules[k].id, id->text) == 0))
			k++;
		if (k == c->policy->n_rules) {
			const char *near = nearest_rule(c, id->text);
			if (near)
				cerror(c, id, "there is no rule \"%s\" to override; did you mean \"%s\"?",
				       id->text, near);
			else
				cerror(c, id, "there is no rule \"%s\" to override", id->text);
		} else {
			c->rule = (uint32_t)k;
			c->rule_id = c->policy->rules[k].id;
			override_rule(c, &c->policy->rules[k], id, rules->items[i + 1]);
			c->rule_id = NULL;
		}
		mesura_policy__path_pop(c, old);
	}
}

void mesura_policy__apply_overrides(compiler *c)
{
	const ynode *o = c->overrides;
	if (!o)
		return;
	size_t old = mesura_policy__path_push(c, "overrides");
	if (o->kind != YNODE_MAPPING) {
		cerror(c, o, "overrides is a mapping: { rules: {...}, lexicons: {...} }");
		mesura_policy__path_pop(c, old);
		return;
	}
	mesura_policy__check_keys(c, o, override_keys);
	const ynode *lexicons = mesura_policy__yaml_get(o, "lexicons");
	const ynode *rules = mesura_policy__yaml_get(o, "rules");
	size_t old_key = mesura_policy__path_push(c, ".lexicons");
	if (lexicons && lexicons->kind != YNODE_MAPPING)
		cerror(c, lexicons, "overrides.lexicons maps a lexicon's name to the terms it adds");
	else if (lexicons)
		check_lexicon_overrides(c, lexicons);
	mesura_policy__path_pop(c, old_key);
	mesura_policy__path_push(c, ".rules");
	if (rules && rules->kind != YNODE_MAPPING)
		cerror(c, rules, "overrides.rules maps a rule's id to the fields it changes");
	else if (rules)
		check_rule_overrides(c, rules);
	mesura_policy__path_pop(c, old);
}
