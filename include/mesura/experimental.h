/*
 * mesura/experimental.h - the part of the API that is not frozen: it MAY CHANGE IN
 * ANY MINOR RELEASE, in its names, its signatures, its structs and its behaviour.
 *
 * Its declarations are seen only by a program that defines MESURA_EXPERIMENTAL
 * before it includes <mesura.h> (zstd's ZSTD_STATIC_LINKING_ONLY pattern): nobody
 * depends on it by accident. Such a program is built against one minor version of
 * the library and must check at start-up that it runs with that one,
 *
 *     if (!MESURA_EXPERIMENTAL_COMPATIBLE(mesura_version())) ... refuse to run
 *
 * (the SONAME promises only the stable part: a newer minor library may have changed
 * what is here). The ABI check (scripts/abi-check.sh) leaves these functions out
 * (abi/experimental.suppr). docs/api.md says why each one is here; a declaration
 * moves to its stable header once it has not changed for a minor release.
 *
 * What is here:
 *  - explain mode: MESURA_SCAN_EXPLAIN and the near misses it lists, whose reasons
 *    follow the matchers (a new matcher brings new ways to almost fire);
 *  - the redaction preview, a display for terminals and review tools whose markers
 *    and colours are still being tried out.
 */
#ifndef MESURA_EXPERIMENTAL_H
#define MESURA_EXPERIMENTAL_H

#include "redact.h"
#include "scan.h"
#include "version.h"

#ifdef MESURA_EXPERIMENTAL

/**
 * Whether a library whose mesura_version() is `linked` serves a program that uses this
 * header: the same major and the same minor version as the header (any patch), since
 * a minor release may change what is here.
 */
#define MESURA_EXPERIMENTAL_COMPATIBLE(linked)              \
	((linked) / 10000 == MESURA_VERSION_MAJOR &&            \
	 (linked) / 100 % 100 == MESURA_VERSION_MINOR)

MESURA_BEGIN_DECL

/* ------------------------------------------------------------ explain mode */

/** Explain mode (it costs time): the result also lists the near misses, the rules that
 *  matched something but did not fire, and why. For tools that answer "why was this
 *  post flagged, and why not that one" (examples/mesura-explain). */
#define MESURA_SCAN_EXPLAIN (1u << 0)

/** Why a rule that almost fired did not (MESURA_SCAN_EXPLAIN). */
typedef enum mesura_miss_reason {
	MESURA_MISS_NOT_WHOLE_WORD = 1, /**< a term matched inside a word ("ass" in "class") */
	MESURA_MISS_VALIDATOR = 2,      /**< the regex matched, its validator refused */
	MESURA_MISS_INCOMPLETE = 3,     /**< part of an `all` matched, not all of it */
	MESURA_MISS_UNLESS = 4,         /**< the rule's `unless` held (span: where) */
	MESURA_MISS_CONFIDENCE = 5,     /**< below min_confidence, or a required context missing */
	MESURA_MISS_ALLOWED = 6,        /**< the finding overlapped an allow-listed term */
	MESURA_MISS_LIMIT = 7           /**< a regex hit its match limit, or a masked walk its budget */
} mesura_miss_reason;

/** One rule that matched something but did not fire, and why (MESURA_SCAN_EXPLAIN).
 *  The scanner allocates it; it is borrowed like the result it belongs to, until the
 *  scanner's next scan or its freeing. */
typedef struct mesura_near_miss {
	const char *rule_id;
	size_t rule;        /**< the rule's index in the policy: mesura_policy_rule_get() */
	mesura_miss_reason reason;
	size_t start, end;  /**< bytes of the original text (0, 0: the post as a whole) */
	double confidence;  /**< MESURA_MISS_CONFIDENCE: the confidence it had */
} mesura_near_miss;

/** Number of near misses (MESURA_SCAN_EXPLAIN only; else 0). */
MESURA_API size_t mesura_result_near_miss_count(const mesura_result *result);
/** The i-th near miss, in the order they were found; NULL when i is out of range. */
MESURA_API const mesura_near_miss *mesura_result_near_miss_get(const mesura_result *result,
                                                               size_t i);

/** "not_whole_word", "validator", "incomplete", "unless", "confidence", "allowed",
 *  "limit"; "unknown" otherwise. */
MESURA_API const char *mesura_miss_reason_name(mesura_miss_reason reason);

/* ------------------------------------------------------------ preview */

#define MESURA_REDACT_PREVIEW_OPTIONS_VERSION 1

/** How mesura_redact_preview() marks the spans. Initialise with
 *  MESURA_REDACT_PREVIEW_OPTIONS_INIT or mesura_redact_preview_options_init(); NULL
 *  means the defaults, "⟦" and "⟧" without colour. */
typedef struct mesura_redact_preview_options {
	unsigned int version; /**< MESURA_REDACT_PREVIEW_OPTIONS_VERSION */
	/** Non-zero: colour each span by operator with ANSI escapes (for terminals). */
	int ansi;
	/** Written before / after each span, overriding the defaults: "⟦" and "⟧", or
	 *  the operator's colour and the reset sequence when `ansi` is set. */
	const char *open, *close;
} mesura_redact_preview_options;

#define MESURA_REDACT_PREVIEW_OPTIONS_INIT { MESURA_REDACT_PREVIEW_OPTIONS_VERSION, 0, NULL, NULL }

/** Sets `opts` to the defaults of `version`. MESURA_EVERSION for an unknown version,
 *  MESURA_EINVAL for NULL. */
MESURA_API int mesura_redact_preview_options_init(mesura_redact_preview_options *opts,
                                                  unsigned int version);

/**
 * The original text with each span marked, after the same widening and merging as
 * mesura_redact() (so the marks show exactly what would be rewritten; KEEP spans are
 * marked too). `span_size` is `sizeof(mesura_redact_span)`, as for mesura_redact().
 * `opts` NULL means the defaults. `*out` is borrowed from the redactor
 * until its next preview. Does not change the redactor's map or output. Errors as
 * mesura_redact(), except that HASH spans need no key.
 */
MESURA_API int mesura_redact_preview(mesura_redactor *redactor, const char *text, size_t len,
                                     const mesura_redact_span *spans, size_t n_spans,
                                     size_t span_size,
                                     const mesura_redact_preview_options *opts,
                                     const char **out, size_t *out_len);

MESURA_END_DECL

#endif /* MESURA_EXPERIMENTAL */

#endif
