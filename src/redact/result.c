/* Redacting a scan's findings with the operators the policy gives each rule. */
#include <string.h>

#include "mesura/errors.h"
#include "internal.h"
#include "mesura/redact.h"
#include "policy/compiled.h"

typedef struct {
	const mesura_policy *policy;
} rule_ops;

static const policy_rule *rule_of(const mesura_policy *p, const mesura_finding *f)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].id == f->rule_id || strcmp(p->rules[i].id, f->rule_id) == 0)
			return &p->rules[i];
	return NULL;
}

void mesura_redact_span_from_policy(mesura_redact_span *span, const mesura_policy *policy,
                                    const mesura_finding *finding)
{
	mesura_redact_span_from_finding(span, finding);
	const policy_rule *r = policy ? rule_of(policy, finding) : NULL;
	if (r && r->has_redact) {
		span->op = r->redact_op;
		span->options = &r->redact_opts;
	}
}

/* The rule's own `redact:` when it has one; the category's default otherwise. */
static int choose_rule_operator(const mesura_finding *f, size_t index, mesura_redact_span *span,
                                void *payload)
{
	(void)index;
	mesura_redact_span_from_policy(span, ((const rule_ops *)payload)->policy, f);
	return 0;
}

int mesura_redact_result(mesura_redactor *redactor, const mesura_policy *policy,
                         const char *text, size_t len, const mesura_result *result,
                         const char **out, size_t *out_len)
{
	if (!policy || !result)
		return MESURA_EINVAL;
	if (result->limits_hit & MESURA_LIMIT_ERROR) {
		/* a failed scan screened nothing: its text must not come out as redacted */
		if (redactor)
			redactor->n_map = 0;
		return MESURA_EINVAL;
	}
	if (result->limits_hit & MESURA_LIMIT_POST_SIZE) {
		/* too large to scan: nothing was screened, so nothing may pass as redacted */
		if (redactor)
			redactor->n_map = 0;
		return MESURA_ELIMIT;
	}
	rule_ops ops = {policy};
	return mesura_redact_findings(redactor, text, len, result->findings, result->n_findings,
	                              out, out_len, choose_rule_operator, &ops);
}
