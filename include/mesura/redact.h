/*
 * mesura/redact.h - rewriting a post's original text from a list of spans.
 *
 * Each span names bytes of the caller's original UTF-8 text and an operator (mask,
 * label, hash, remove, keep). mesura_redact() merges overlapping and touching spans,
 * widens them to whole grapheme clusters, and writes the redacted text plus a map
 * from output bytes back to input bytes. docs/redact.md has the rules in full.
 *
 * Guarantees:
 *  - Every byte outside the (widened) spans is copied exactly, ill-formed or not;
 *    the only exception is the one space `remove` may take with it (see below),
 *    which the map reports as part of the removed segment.
 *  - mesura never writes ill-formed UTF-8: what it produces (masks, labels, digests)
 *    is well-formed, so well-formed input gives well-formed output.
 *  - No grapheme cluster is ever split: a span end inside a cluster moves outwards
 *    to the cluster's boundary.
 *
 * Thread safety: a mesura_redactor is per-thread scratch (the output buffer, the map):
 * give each thread its own. Options structs may be shared read-only. A call on a
 * redactor that another call is using (another thread, or a `choose` callback calling
 * back into it) returns MESURA_EBUSY and writes nothing (best effort, like the
 * scanner's).
 */
#ifndef MESURA_REDACT_H
#define MESURA_REDACT_H

#include "common.h"
#include "scan.h"

MESURA_BEGIN_DECL

/**
 * What to do with a span. When spans overlap or touch, the operator that reveals
 * least wins: REMOVE > LABEL > HASH > MASK > KEEP (the enum values, in that order).
 */
typedef enum mesura_redact_op {
	MESURA_REDACT_KEEP = 0,   /**< report only: the text is unchanged */
	MESURA_REDACT_MASK = 1,   /**< one mask character per grapheme cluster */
	MESURA_REDACT_HASH = 2,   /**< a keyed digest token, "[EMAIL:3f9a1c]" */
	MESURA_REDACT_LABEL = 3,  /**< a label, "[EMAIL]" */
	MESURA_REDACT_REMOVE = 4  /**< deleted, with the double space it leaves tidied */
} mesura_redact_op;

/** Bounds of mesura_redact_format.hash_bytes (bytes of the digest shown in hex). */
#define MESURA_REDACT_HASH_BYTES_MIN 3
#define MESURA_REDACT_HASH_BYTES_MAX 8
/** Size of the SipHash-2-4 key in mesura_redactor_options.hash_key. */
#define MESURA_REDACT_KEY_SIZE 16

#define MESURA_REDACT_FORMAT_VERSION 1

/**
 * The format of one operator's output: the mask character, what stays in clear, the
 * label templates, the digest length (named so that it cannot be taken for the
 * redactor's own options, mesura_redactor_options). Initialise with
 * MESURA_REDACT_FORMAT_INIT or mesura_redact_format_init(); fields are only ever
 * appended. A span with no format uses these defaults.
 *
 * Templates (`label`, `hash_label`) are UTF-8 with placeholders:
 *   {category}  the span's category as given ("pii.email"; "" when NULL)
 *   {CATEGORY}  its last dot-separated part folded to ASCII capitals, digits and '_'
 *               ("EMAIL", "PAYMENT_CARD"; "REDACTED" when there is none)
 *   {rule}      the span's rule id ("" when NULL)
 *   {hash}      the digest in lower-case hex (hash_label only, where it is required)
 * "{{" writes "{". Any other '{' is MESURA_EINVAL.
 */
typedef struct mesura_redact_format {
	unsigned int version;     /**< MESURA_REDACT_FORMAT_VERSION */
	/** NUL-terminated UTF-8 of exactly one scalar ("*", "•", "█"); NULL means "*".
	 *  Marks and control/format characters are refused: they would join or vanish. */
	const char *mask_char;
	/** Clusters left in clear at the start / end of a masked span ("**** 1111").
	 *  They count only the clusters that would be masked; when nothing would be left
	 *  masked, the whole span is masked. */
	size_t keep_first, keep_last;
	/** Non-zero: mask leaves white space and punctuation (dashes, dots, '@'...) as
	 *  they are, so the shape stays readable ("****-****", "****@*****.***"). */
	int keep_separators;
	const char *label;        /**< LABEL template; NULL means "[{CATEGORY}]" */
	const char *hash_label;   /**< HASH template; NULL means "[{CATEGORY}:{hash}]" */
	/** Digest bytes shown (3..8, hex doubles them); 0 means 3. */
	unsigned int hash_bytes;
} mesura_redact_format;

#define MESURA_REDACT_FORMAT_INIT { MESURA_REDACT_FORMAT_VERSION, NULL, 0, 0, 0, NULL, NULL, 0 }

/** Sets `opts` to the defaults of `version`. MESURA_EVERSION for an unknown version. */
MESURA_API int mesura_redact_format_init(mesura_redact_format *opts, unsigned int version);

/**
 * One span to redact. Offsets are bytes of the original text, end exclusive, on
 * UTF-8 character boundaries. Strings are NUL-terminated UTF-8 and only read during
 * the call.
 *
 * Callers make arrays of spans, so every function that takes spans from the caller
 * also takes `span_size`, which is always `sizeof(mesura_redact_span)` (or
 * `sizeof *spans`) as the caller's compiler sees it: fields may be appended in a
 * minor version, and the size tells the library the stride of the array and how
 * many fields the caller's struct has (the fields it lacks get their defaults, 0).
 * A size that no version of the header has is MESURA_EVERSION. A span the library
 * hands to a `choose` callback is its own, of its own (current) size: a caller sees,
 * writes and copies (`mine[i] = *span`) only the fields its header has.
 */
typedef struct mesura_redact_span {
	size_t start, end;
	mesura_redact_op op;
	const mesura_redact_format *format; /**< NULL: MESURA_REDACT_FORMAT_INIT */
	const char *category;              /**< e.g. "pii.email"; may be NULL */
	const char *rule_id;               /**< may be NULL */
} mesura_redact_span;

/**
 * One piece of the output and the input bytes it stands for. Segments are in order
 * and tile both texts: the first starts at 0 in both, each starts where the previous
 * ended, the last ends at the output's and the input's lengths. The redactor allocates
 * them (mesura_redactor_map_get); fields may be appended in a minor version, so read
 * them through the pointer, never allocate one or copy one by value to keep.
 */
typedef struct mesura_redact_segment {
	size_t out_start, out_end; /**< bytes of the output */
	size_t in_start, in_end;   /**< bytes of the input */
	int changed;               /**< 0: bytes copied unchanged; 1: rewritten */
	mesura_redact_op op;       /**< the operator applied; KEEP for copied bytes */
	size_t span;               /**< index of the deciding span, SIZE_MAX outside spans */
} mesura_redact_segment;

/* ------------------------------------------------------------ redactor */

#define MESURA_REDACTOR_OPTIONS_VERSION 1

/** The redactor's own settings, read once by mesura_redactor_new() (NULL: the
 *  defaults, no hash key). Initialise with MESURA_REDACTOR_OPTIONS_INIT or
 *  mesura_redactor_options_init(). */
typedef struct mesura_redactor_options {
	unsigned int version; /**< MESURA_REDACTOR_OPTIONS_VERSION */
	/** MESURA_REDACT_KEY_SIZE bytes of secret key for the HASH operator (SipHash-2-4),
	 *  copied at creation. The same value gives the same token under one key only.
	 *  NULL: the HASH operator is refused (MESURA_EINVAL), because an unkeyed short
	 *  digest of a phone number can be reversed by trying every number. */
	const unsigned char *hash_key;
} mesura_redactor_options;

#define MESURA_REDACTOR_OPTIONS_INIT { MESURA_REDACTOR_OPTIONS_VERSION, NULL }

/** Sets `opts` to the defaults of `version`. MESURA_EVERSION for an unknown version,
 *  MESURA_EINVAL for NULL. */
MESURA_API int mesura_redactor_options_init(mesura_redactor_options *opts,
                                            unsigned int version);

/** Reusable scratch: the output, the map and working buffers. One thread at a time;
 *  once its buffers have grown to the posts it sees, redacting allocates nothing. */
typedef struct mesura_redactor mesura_redactor;

/** Makes a redactor into `*out`, owned by the caller, who frees it with
 *  mesura_redactor_free(). It holds no policy and no scanner (the calls
 *  that need them take them), so it may be freed before or after either; `opts` and
 *  its key are copied and may go once this returns. */
MESURA_API int mesura_redactor_new(mesura_redactor **out, const mesura_redactor_options *opts,
                                   const mesura_allocator *allocator);
/** Frees the redactor (NULL-safe), wiping its key first: every `*out` and map it
 *  handed out becomes invalid. */
MESURA_API void mesura_redactor_free(mesura_redactor *redactor);

/**
 * Redacts text[0..len) with spans[0..n_spans), each `span_size` bytes
 * (`sizeof(mesura_redact_span)`: see mesura_redact_span). `*out` receives the redacted text,
 * followed by a NUL not counted in `*out_len`, borrowed from the redactor until its
 * next call. Empty spans are ignored.
 *
 * Returns MESURA_OK; MESURA_EINVAL for a span out of range, with start > end, off a
 * UTF-8 character boundary, with an unknown operator, a bad mask character or
 * template, an ill-formed category or rule id, or HASH without a key;
 * MESURA_EVERSION for an options struct of unknown version or an unknown `span_size`;
 * MESURA_ENOMEM. On error
 * `*out` and `*out_len` are not written and the redactor's map is empty.
 */
MESURA_API int mesura_redact(mesura_redactor *redactor, const char *text, size_t len,
                             const mesura_redact_span *spans, size_t n_spans,
                             size_t span_size, const char **out, size_t *out_len);

/** Number of segments in the map of the last successful mesura_redact(),
 *  mesura_redact_findings() or mesura_redact_result*() (0 after a failed one, or for
 *  NULL). */
MESURA_API size_t mesura_redactor_map_count(const mesura_redactor *redactor);
/** Segment i of that map, in output order; NULL when i is out of range. Borrowed until
 *  the redactor's next call or its freeing. */
MESURA_API const mesura_redact_segment *mesura_redactor_map_get(const mesura_redactor *redactor,
                                                                size_t i);

/* ------------------------------------------------------------ findings */

/**
 * Fills `span`, `span_size` bytes (`sizeof(mesura_redact_span)`), for `finding` with
 * the default operator of its category:
 * pii.payment_card is masked keeping the last 4 digits and the separators
 * ("**** **** **** 1111"); profanity, harassment, hate and sexual are masked keeping
 * the first letter ("m*****"); confidential is labelled "[REDACTED]"; everything else gets its
 * default label ("[EMAIL]"). A finding
 * whose action is MESURA_ACTION_LOG (or ALLOW) is only reported (KEEP).
 * The options pointed to are static. Returns MESURA_OK; MESURA_EINVAL for a NULL
 * `span` or `finding`; MESURA_EVERSION for an unknown `span_size` (`span` unwritten).
 */
MESURA_API int mesura_redact_span_from_finding(mesura_redact_span *span, size_t span_size,
                                               const mesura_finding *finding);

/**
 * Chooses the operator for one finding: `span`, the library's own, arrives filled as
 * by mesura_redact_span_from_finding() and may be changed (any options it points to
 * must outlive the mesura_redact_findings() call). Return 0 to go on, non-zero to
 * stop the call with MESURA_EUSER.
 */
typedef int (*mesura_redact_choose_cb)(const mesura_finding *finding, size_t index,
                                       mesura_redact_span *span, void *payload);

/**
 * mesura_redact() over the findings of `result`, a scan of the same text, each with
 * its category's default operator (`choose` may be NULL, or change each span). In the
 * map, `span` is the finding's index. Returns what mesura_redact() returns, or
 * MESURA_EUSER when `choose` stopped.
 */
MESURA_API int mesura_redact_findings(mesura_redactor *redactor, const char *text, size_t len,
                                      const mesura_result *result, const char **out,
                                      size_t *out_len, mesura_redact_choose_cb choose,
                                      void *payload);

/**
 * mesura_redact_findings() with the operators of the policy that produced `result` (a
 * scan of the same text; a finding's rule is found by its index, `rule`, and used only
 * when its id agrees): each rule's `redact:` (docs/policy.md), or its category's
 * default (mesura_redact_span_from_finding), over each rule's `redact_extent:` (the
 * finding, its sentence or the post: mesura_redact_result_with). A rule whose operator is `hash` needs a
 * redactor with a key. The policy is read during the call only. A post that was not
 * screened never comes out as redacted: a fail-closed result (MESURA_LIMIT_ERROR: the
 * scan failed) is MESURA_EINVAL and one of a post over max_post_bytes
 * (MESURA_LIMIT_POST_SIZE: not scanned at all) is MESURA_ELIMIT, and nothing is
 * written. Other limits leave a partly screened post: it is redacted as far as its
 * findings go, and `result->limits_hit` says what was skipped (mesura-redact refuses
 * such posts).
 */
MESURA_API int mesura_redact_result(mesura_redactor *redactor, const mesura_policy *policy,
                                    const char *text, size_t len, const mesura_result *result,
                                    const char **out, size_t *out_len);

/**
 * mesura_redact_result() with a `choose` callback (may be NULL) that sees each span
 * as the policy makes it, operator and extent, and may change it: a tool's --style
 * or --mask-char on top of the policy. The extent is a rule's `redact_extent:`
 * (docs/redact.md): the finding (`parts`, the default), the sentences that hold it
 * (UAX #29 boundaries, abbreviations such as "Mr." and "Sra." kept inside, white
 * space at either end left out) or the whole post. Returns what
 * mesura_redact_result() returns, or MESURA_EUSER when `choose` stopped.
 */
MESURA_API int mesura_redact_result_with(mesura_redactor *redactor,
                                         const mesura_policy *policy, const char *text,
                                         size_t len, const mesura_result *result,
                                         mesura_redact_choose_cb choose, void *payload,
                                         const char **out, size_t *out_len);

/**
 * Fills `span`, `span_size` bytes (`sizeof(mesura_redact_span)`), for `finding` with
 * the operator `policy` gives its rule (`redact:`), or its category's default
 * (mesura_redact_span_from_finding; also when `policy` is NULL). The span keeps the
 * finding's bytes: a rule's `redact_extent:` needs the text, which
 * mesura_redact_result_with() has. The options pointed to live as long as the policy.
 * Returns what mesura_redact_span_from_finding() returns.
 */
MESURA_API int mesura_redact_span_from_policy(mesura_redact_span *span, size_t span_size,
                                              const mesura_policy *policy,
                                              const mesura_finding *finding);

MESURA_END_DECL

#endif
