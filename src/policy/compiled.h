/* The compiled form of a policy: what the scanner reads. Immutable once built. */
#ifndef MESURA_POLICY_COMPILED_H
#define MESURA_POLICY_COMPILED_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/arena.h"
#include "mesura/policy.h"
#include "mesura/text.h"
#include "scan/terms.h"
#include "validators.h"

typedef enum { RULE_TERMS, RULE_REGEX } rule_kind;

typedef struct {
	const char *id, *category, *description;
	mesura_severity severity;
	mesura_action action;
	rule_kind kind;
	unsigned int normalize;     /* MESURA_NORM_* flags of the view the rule matches on */
	size_t view;                /* index of that view in the policy's views */
	int whole_word;
	const char **terms;         /* RULE_TERMS: normalised with `normalize` */
	size_t *term_lens;
	size_t n_terms;
	pcre2_code *regex;          /* RULE_REGEX */
	const mesura_validator *validator; /* or NULL */
	double validator_param;
} policy_rule;

/* A normalised view the scanner makes of each post, and the automaton of the terms
 * matched on it (NULL when only regexes use the view). */
typedef struct {
	unsigned int flags;
	mesura_normalizer *normalizer;
	mesura_terms *terms;
} policy_view;

struct mesura_policy {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	mesura_arena arena; /* names, terms, rules */
	const char *name;
	policy_rule *rules;
	size_t n_rules;
	const char **allow; /* normalised with MESURA_NORM_MODERATION */
	size_t *allow_lens;
	size_t n_allow;
	policy_view *views;
	size_t n_views;
	size_t allow_view;         /* the view the allow list matches on */
	mesura_terms *allow_terms; /* ids: index into allow[] */
};

#endif
