/*
 * mesura/scan.h - screening posts with a compiled policy.
 *
 * Thread safety: a mesura_scanner is per-thread scratch (views, tokens, PCRE2 match
 * data) for one policy: give each thread its own. The policy itself is shared.
 */
#ifndef MESURA_SCAN_H
#define MESURA_SCAN_H

#include "common.h"
#include "policy.h"

MESURA_BEGIN_DECL

/** One place where a rule fired (one hit of a leaf of its `match`). Strings are borrowed from the policy (rule_id,
 *  category) or the scanner (matched, until the next scan). */
typedef struct mesura_finding {
	const char *rule_id;
	const char *category;
	mesura_severity severity;
	mesura_action action;
	size_t start, end;   /**< bytes of the caller's original text */
	const char *matched; /**< the normalised text that matched (not NUL-terminated) */
	size_t matched_len;
	const char *condition; /**< "terms", "masked" (a self-censored spelling) or "regex" */
	double confidence;     /**< 0..1: the rule's base, moved by its context words */
} mesura_finding;

/** The outcome of one scan, valid until the next scan with the same scanner. */
typedef struct mesura_result {
	mesura_action verdict;  /**< the strongest action that fired; ALLOW when none */
	const mesura_finding *findings;
	size_t n_findings;      /**< in order of start offset */
	size_t decisive;        /**< the finding that decided the verdict, or SIZE_MAX */
} mesura_result;

typedef struct mesura_scanner mesura_scanner;

MESURA_API int mesura_scanner_new(mesura_scanner **out, const mesura_policy *policy,
                                  const mesura_allocator *allocator);
MESURA_API void mesura_scanner_free(mesura_scanner *scanner);

/**
 * Screens text[0..len) (any bytes: ill-formed UTF-8 is repaired on the way, offsets
 * stay in the original; NUL bytes are scanned like any other). `*result` is borrowed
 * from the scanner. Returns MESURA_OK; MESURA_ELIMIT when a regex hit its match limit
 * or a self-censored word its wildcard budget (that condition is skipped, the result
 * still holds every other finding); MESURA_ENOMEM; MESURA_EINVAL.
 */
MESURA_API int mesura_scan(mesura_scanner *scanner, const char *text, size_t len,
                           const mesura_result **result);

/** "allow", "log", "redact", "review", "block"; "unknown" otherwise. */
MESURA_API const char *mesura_action_name(int action);
/** "low", "medium", "high", "critical"; "unknown" otherwise. */
MESURA_API const char *mesura_severity_name(int severity);

MESURA_END_DECL

#endif
