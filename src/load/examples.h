/* Rules carry their own examples; the compiler scans them so a policy is its own
 * regression test. */
#ifndef MESURA_LOAD_EXAMPLES_H
#define MESURA_LOAD_EXAMPLES_H

#include "policy/diagnostics.h"

/* Scans every rule's examples with the whole policy: a `match` example the rule does
 * not flag, or a `no_match` example it flags, is an error at the example. Returns
 * MESURA_OK, MESURA_ESYNTAX (some example failed) or MESURA_ENOMEM. */
int mesura_load__check_examples(const mesura_policy *policy, mesura_diagnostics *diags);

#endif
