/*
 * mesura/scan.h - screening posts with a compiled policy.
 *
 * Thread safety: a mesura_scanner is per-thread scratch (views, tokens, PCRE2 match
 * data) for one policy: give each thread its own. The policy itself is shared. A call
 * on a scanner that another call is using returns MESURA_EBUSY (best effort).
 *
 * Fail closed: whatever mesura_scan returns, when `result` is not NULL `*result` points
 * to a readable result, and only MESURA_OK can hand out a verdict below REVIEW. A limit
 * (MESURA_ELIMIT) gives what was found with at least REVIEW unless `fail_open` is set;
 * any other error (MESURA_EBUSY too) gives REVIEW, no findings and MESURA_LIMIT_ERROR,
 * fail_open or not.
 */
#ifndef MESURA_SCAN_H
#define MESURA_SCAN_H

#include "common.h"
#include "policy.h"

MESURA_BEGIN_DECL

/** Per-thread scratch for scanning with one policy: views, tokens, PCRE2 match data
 *  and the last result. Made by mesura_scanner_new(), owned by the caller, freed with
 *  mesura_scanner_free(); one call at a time. */
typedef struct mesura_scanner mesura_scanner;

/*
 * Results that can grow. mesura_result, mesura_finding and mesura_near_miss are
 * allocated by the library and read through pointers: their fields may be appended in
 * a minor version, so a caller must not allocate them, copy them by value to keep, or
 * do pointer arithmetic on them. Collections are read with a count and a get, as
 * everywhere in the API (mesura_diagnostics_get, mesura_policy_rule_get,
 * mesura_tokens_get, mesura_redactor_map_get).
 */

/** One place where a rule fired (one hit of a leaf of its `match`). Strings are borrowed
 *  from the policy (rule_id, category) or the scanner (matched, until the next scan). */
typedef struct mesura_finding {
	const char *rule_id;
	size_t rule;         /**< the rule's index in the policy: mesura_policy_rule_get() */
	const char *category;
	mesura_severity severity;
	mesura_action action;
	size_t start, end;   /**< bytes of the caller's original text */
	const char *matched; /**< the normalised text that matched (not NUL-terminated) */
	size_t matched_len;
	const char *condition; /**< "terms", "masked" (a self-censored spelling) or "regex" */
	double confidence;     /**< 0..1: the rule's base, moved by its context words */
} mesura_finding;

/** The outcome of one scan, valid until the next scan with the same scanner or until
 *  the scanner is freed (after a failed scan it may be a static result instead). Its
 *  fields are read through the pointer mesura_scan() gives (more may be appended);
 *  its findings through the functions below (near misses: mesura/experimental.h). */
typedef struct mesura_result {
	mesura_action verdict;  /**< the strongest action that fired; ALLOW when none */
	size_t decisive;        /**< index of the finding that decided the verdict, or SIZE_MAX */
	unsigned int limits_hit; /**< MESURA_LIMIT_* bits: what was not fully screened */
} mesura_result;

/** Number of findings of `result` (0 for NULL). */
MESURA_API size_t mesura_result_finding_count(const mesura_result *result);
/** The i-th finding, in order of start offset (then the longer first, then by rule id);
 *  NULL when i is out of range. Borrowed like the result. */
MESURA_API const mesura_finding *mesura_result_finding_get(const mesura_result *result,
                                                           size_t i);

/* Limits a scan can hit (mesura_result.limits_hit). */
#define MESURA_LIMIT_POST_SIZE (1u << 0) /**< the post is larger than max_post_bytes: not scanned */
#define MESURA_LIMIT_FINDINGS  (1u << 1) /**< more findings than max_findings: the rest dropped */
#define MESURA_LIMIT_REGEX     (1u << 2) /**< a regex hit its match or depth limit: skipped */
#define MESURA_LIMIT_MASKED    (1u << 3) /**< a self-censored word exhausted its budget */
#define MESURA_LIMIT_TIME      (1u << 4) /**< the time budget ran out: the rest skipped */
/** An error (not a limit) stopped the scan or kept it from starting: nothing was
 *  screened, the result has no findings and its verdict is REVIEW, fail_open or not;
 *  the status returned says which error. */
#define MESURA_LIMIT_ERROR     (1u << 5)

#define MESURA_SCANNER_LIMITS_VERSION 1

/**
 * What a scan may spend. A scan that hits a limit returns MESURA_ELIMIT with what it
 * found and says which limit in `limits_hit`; unless `fail_open` is set, its verdict
 * is then at least REVIEW, so that an attacker who makes a post exhaust a limit gets
 * it reviewed, never silently allowed. `fail_open` applies to limits only: an error
 * (MESURA_LIMIT_ERROR) is never allowed.
 */
typedef struct mesura_scanner_limits {
	unsigned int version;        /**< MESURA_SCANNER_LIMITS_VERSION */
	size_t max_post_bytes;       /**< 0: 1 MiB */
	size_t max_findings;         /**< per post; 0: 10,000 */
	uint32_t regex_match_limit;  /**< PCRE2 match limit; 0: 1,000,000 */
	uint32_t regex_depth_limit;  /**< PCRE2 depth limit; 0: 10,000 */
	/** Per scan; 0: none. Checked between views and regexes, and inside the long
	 *  loops (the term search, the regex attempts over a view, the self-censored
	 *  words) about every 64 KiB of text, so a budget of a few milliseconds holds on
	 *  a 1 MiB post of every kind tried; making a view checks too. Not interrupted:
	 *  tokenizing the post (a hit waits on it), and one regex attempt, which
	 *  regex_match_limit bounds instead. */
	uint64_t time_budget_ns;
	int fail_open;               /**< non-zero: a limit (not an error) leaves the verdict as found */
} mesura_scanner_limits;

#define MESURA_SCANNER_LIMITS_INIT { MESURA_SCANNER_LIMITS_VERSION, 0, 0, 0, 0, 0, 0 }

/** Sets `limits` to the defaults of `version`. MESURA_EVERSION for an unknown version,
 *  MESURA_EINVAL for NULL. */
MESURA_API int mesura_scanner_limits_init(mesura_scanner_limits *limits, unsigned int version);

/** Sets the scanner's limits (copied); NULL restores the defaults. MESURA_EVERSION
 *  for an unknown version. */
MESURA_API int mesura_scanner_set_limits(mesura_scanner *scanner,
                                         const mesura_scanner_limits *limits);

/**
 * Makes a scanner for `policy` into `*out` (NULL on failure), owned by the caller,
 * who frees it with mesura_scanner_free().
 * The scanner takes a reference to the policy (thread-safe), so the policy may be
 * freed with mesura_policy_free() before or after the scanner, in any order and from
 * any thread: it is released when the last of them is freed. The allocator (NULL:
 * malloc) is copied and used for the scanner's own memory. Returns MESURA_OK,
 * MESURA_EINVAL or MESURA_ENOMEM.
 */
MESURA_API int mesura_scanner_new(mesura_scanner **out, const mesura_policy *policy,
                                  const mesura_allocator *allocator);
/** Frees the scanner (NULL-safe) and drops its reference to the policy. Every result
 *  and finding it handed out (and their `matched` strings) becomes invalid; the
 *  strings borrowed from the policy (rule_id, category) stay valid as long as some
 *  reference to the policy is held. */
MESURA_API void mesura_scanner_free(mesura_scanner *scanner);

/* Flags of one mesura_scan() call (hs_scan's idiom: per call, not scanner state):
 * none is stable yet; MESURA_SCAN_EXPLAIN is experimental (mesura/experimental.h). */

/**
 * Screens text[0..len) (any bytes: ill-formed UTF-8 is repaired on the way, offsets
 * stay in the original; NUL bytes are scanned like any other). `flags` is a set of
 * MESURA_SCAN_* (0: none; an unknown bit is MESURA_EINVAL). `*result` is borrowed from
 * the scanner until its next scan or its freeing; `text` is only read during the call.
 * Returns MESURA_OK; MESURA_ELIMIT when a limit was hit (see mesura_scanner_limits: the
 * result holds what was found and says which limit); MESURA_ENOMEM; MESURA_EINVAL;
 * MESURA_EBUSY when another call is using the scanner (best effort, like Hyperscan's
 * scratch: a scanner is for one thread at a time, and this catches two threads that
 * share one, or a re-entrant call from an allocator hook).
 *
 * Whatever the status, when `result` is not NULL `*result` is set and readable: on
 * MESURA_ENOMEM, MESURA_EINVAL, MESURA_EBUSY or any other error it is a fail-closed
 * result (verdict REVIEW, no findings, no near misses, MESURA_LIMIT_ERROR in
 * limits_hit), so that a caller who ignores the status still never reads ALLOW from a
 * post that was not screened. The scanner stays usable after an error; MESURA_EBUSY
 * leaves the other call's result alone (it hands out a static one).
 */
MESURA_API int mesura_scan(mesura_scanner *scanner, const char *text, size_t len,
                           unsigned int flags, const mesura_result **result);

/** "allow", "log", "redact", "review", "block"; "unknown" otherwise. */
MESURA_API const char *mesura_action_name(mesura_action action);
/** "low", "medium", "high", "critical"; "unknown" otherwise. */
MESURA_API const char *mesura_severity_name(mesura_severity severity);

MESURA_END_DECL

#endif
