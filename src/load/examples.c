#include "examples.h"

#include <stdio.h>

#include "mesura/errors.h"
#include "mesura/scan.h"
#include "policy/compiled.h"
#include "policy/yaml_tree.h"

static int flags_rule(const mesura_result *result, size_t rule)
{
	for (size_t i = 0; i < mesura_result_finding_count(result); i++)
		if (mesura_result_finding_get(result, i)->rule == rule)
			return 1;
	return 0;
}

/* A failing example is an error, unless an override of the top file changed its rule
 * (the company cannot edit an included module's examples, and the change is what it
 * asked for): then a warning that names the override. */
static void report(mesura_diagnostics *diags, const policy_rule *r, const policy_example *ex,
                   size_t index, int should_match)
{
	const ynode *n = ex->node;
	char path[96], since[300] = "";
	snprintf(path, sizeof path, "rules[%zu].examples.%s[%zu]", r->index,
	         should_match ? "match" : "no_match", index);
	const ynode *o = r->override_node;
	if (o)
		snprintf(since, sizeof since, " since the override at %s:%u:%u", r->override_file,
		         o->line, o->column);
	mesura_diag_at at = {path, r->id, n->offset, n->line, n->column};
	if (mesura_policy__diags_set_file(diags, ex->file) != MESURA_OK) {
		diags->out_of_memory = 1;
		return;
	}
	mesura_policy__diag(diags, o ? MESURA_DIAG_WARNING : MESURA_DIAG_ERROR,
	                    o ? MESURA_OK : MESURA_ESYNTAX, &at,
	                    should_match ? "rule \"%s\" does not flag its example \"%.*s\"%s"
	                                 : "rule \"%s\" flags its no_match example \"%.*s\"%s",
	                    r->id, (int)(ex->len > 60 ? 60 : ex->len), ex->text, since);
}

/* Scans the examples of one list; returns how many failed, or -1 on a scan error. */
static int check_list(mesura_scanner *s, mesura_diagnostics *diags, const mesura_policy *p,
                      size_t rule, const policy_example *ex, size_t n, int should_match)
{
	const policy_rule *r = &p->rules[rule];
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		const mesura_result *result;
		int rc = mesura_scan(s, ex[i].text, ex[i].len, 0, &result);
		if (rc == MESURA_ENOMEM)
			return -1;
		if (flags_rule(result, rule) != should_match) {
			report(diags, r, &ex[i], i, should_match);
			failed += !r->override_node;
		}
	}
	return failed;
}

int mesura_load__check_examples(const mesura_policy *policy, mesura_diagnostics *diags)
{
	size_t total = 0;
	for (size_t i = 0; i < policy->n_rules; i++)
		total += policy->rules[i].n_examples_match + policy->rules[i].n_examples_no_match;
	if (total == 0)
		return MESURA_OK;
	mesura_scanner *s;
	int rc = mesura_scanner_new(&s, policy, &policy->alloc);
	if (rc != MESURA_OK)
		return rc;
	int failed = 0;
	for (size_t i = 0; i < policy->n_rules && failed >= 0; i++) {
		const policy_rule *r = &policy->rules[i];
		if (r->disabled)
			continue; /* overridden off: its examples no longer describe the policy */
		int a = check_list(s, diags, policy, i, r->examples_match, r->n_examples_match, 1);
		int b = a < 0 ? -1 : check_list(s, diags, policy, i, r->examples_no_match,
		                                r->n_examples_no_match, 0);
		failed = a < 0 || b < 0 ? -1 : failed + a + b;
	}
	mesura_scanner_free(s);
	if (failed < 0 || diags->out_of_memory)
		return MESURA_ENOMEM;
	return failed ? MESURA_ESYNTAX : MESURA_OK;
}
