/* What the redactor asks a policy about a rule: the one narrow accessor between the
 * redact layer and the compiled policy (src/load/result.c includes this, not
 * compiled.h). */
#ifndef MESURA_POLICY_RULE_REDACTION_H
#define MESURA_POLICY_RULE_REDACTION_H

#include "mesura/policy.h"
#include "mesura/redact.h"

/* How much of the post a rule's findings redact (`redact_extent:`). */
typedef enum {
	MESURA_EXTENT_PARTS = 0, /* the finding's own bytes (the default) */
	MESURA_EXTENT_SENTENCE,  /* the sentences that hold it (UAX #29, tailored) */
	MESURA_EXTENT_POST       /* the whole post */
} mesura_redact_extent;

typedef struct {
	int has_op;                          /* `redact:` given; else the category's default */
	mesura_redact_op op;
	const mesura_redact_format *format;  /* live as long as the policy */
	mesura_redact_extent extent;
} mesura_rule_redaction;

/* How `policy` redacts the findings of its rule number `rule` (a finding's `rule`).
 * 0 when it has no such rule, or when that rule's id is not `rule_id` (a finding of
 * another policy). */
int mesura_policy__rule_redaction(const mesura_policy *policy, size_t rule,
                                  const char *rule_id, mesura_rule_redaction *out);

#endif
