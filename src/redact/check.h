/* What the redactor accepts of a span apart from its place in a text: for the policy
 * compiler, which refuses a rule's `redact:` at compile time without running the
 * redactor (src/policy/redaction.c). */
#ifndef MESURA_REDACT_CHECK_H
#define MESURA_REDACT_CHECK_H

#include "mesura/redact.h"

/* MESURA_OK when mesura_redact, by a redactor with a hash key, accepts the operator,
 * options, category and rule id of `sp` (its start and end are not read); otherwise
 * MESURA_EINVAL or MESURA_EVERSION, as mesura_redact would return. Allocates nothing. */
int mesura_redact__check_operator(const mesura_redact_span *sp);

#endif
