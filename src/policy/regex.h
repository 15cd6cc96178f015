/* Regex conditions: PCRE2 patterns, their validators and their prefilters. */
#ifndef MESURA_POLICY_REGEX_H
#define MESURA_POLICY_REGEX_H

#include "compiler.h"

/* Compiles a regex leaf of the current rule, matched on the view of `normalize` flags
 * (JIT when available), with its validator
 * and its prefilter: the `keywords` given, or else the longest literal the pattern
 * requires; the bytes every match needs. Returns the condition, or COND_NONE. */
uint32_t mesura_policy__compile_regex(compiler *c, const ynode *regex, const ynode *validate,
                                      const ynode *keywords, unsigned int normalize);

/* The literal runs every match of `pattern` contains, as far as a simple reading of
 * the pattern can tell (no run when unsure): calls `run` for each, in order. Only
 * printable ASCII is taken. Exposed for tests. */
void mesura_policy__regex_literals(const char *pattern, size_t len,
                                   void (*run)(const char *s, size_t n, void *payload),
                                   void *payload);

/* The literal runs of the positive lookarounds, (?=...) and (?<=...), at the top level
 * of `pattern` that every match needs (as regex_literals reads their insides): the view
 * holds them next to a match, if not inside it. Exposed for tests. */
void mesura_policy__regex_lookaround_literals(const char *pattern, size_t len,
                                              void (*run)(const char *s, size_t n, void *payload),
                                              void *payload);

/* The fewest ASCII digits ('0'-'9') every match of `pattern` holds, as far as a
 * simple reading can tell (0 when unsure). Exposed for tests. */
unsigned long mesura_policy__regex_min_digits(const char *pattern, size_t len);

/* Whether the pattern repeats something that itself repeats without bound, as in
 * (a+)+ or (\\w+\\s?)*: the shape of catastrophic backtracking. A heuristic, for a
 * warning. */
int mesura_policy__regex_nested_repeat(const char *pattern, size_t len);

/* The most bytes a match of `pattern` can take, as far as a simple reading can tell
 * (SIZE_MAX when unbounded or unsure). Exposed for tests. */
size_t mesura_policy__regex_max_len(const char *pattern, size_t len);

/* The most bytes a match of `pattern` can take before its first ASCII digit, when every
 * match holds one, as far as a simple reading can tell (SIZE_MAX when not, or unsure).
 * Exposed for tests. */
size_t mesura_policy__regex_digit_lead(const char *pattern, size_t len);

/* The longest run of consecutive ASCII digits that every match of `pattern` holds, as
 * far as a simple reading can tell (0 when unsure). Exposed for tests. */
unsigned long mesura_policy__regex_min_digit_run(const char *pattern, size_t len);

/* The longest run of consecutive characters that every match of `pattern` holds, each
 * of them made of bytes of one set, as far as a simple reading can tell: *run_len
 * characters (0 when unsure), `set` the bytes they may be made of (a bit per byte,
 * every byte >= 0x80 for a non-ASCII character). The view holds *run_len bytes of the
 * set in a row at least. Exposed for tests. */
void mesura_policy__regex_class_run(const char *pattern, size_t len, size_t *run_len,
                                    uint64_t set[4]);

/* The longest run of consecutive ASCII capitals ('A'-'Z') that every match of `pattern`
 * holds, as far as a simple reading can tell (0 when unsure or caseless). Exposed for
 * tests. */
unsigned long mesura_policy__regex_min_capital_run(const char *pattern, size_t len);

/* The literals one of which every match of `pattern` starts with (after the zero-width
 * assertions in front of it: lookarounds, \b, ^), as far as a simple reading can tell:
 * calls `run` for each (ASCII letters in lower case: they stand for either case) and
 * returns how many, or 0 when unsure (no call). None starts with another. Under (?i),
 * non-ASCII characters end the literals, and so do k and s unless `view_folds_ks` (the
 * view has no Kelvin sign or long s, which match them caselessly). Exposed for tests. */
size_t mesura_policy__regex_starts(const char *pattern, size_t len, int view_folds_ks,
                                   void (*run)(const char *s, size_t n, void *payload),
                                   void *payload);

/* The bytes every match of `pattern` starts with, as far as a simple reading can tell:
 * head[k] the set of byte k's possible values (a bit per byte), for the k below the
 * count returned (at most REGEX_HEAD_MAX; 0 when unsure). Every match takes at least
 * that many bytes. Exposed for tests. */
size_t mesura_policy__regex_head(const char *pattern, size_t len, uint64_t head[][4]);

/* The negative lookbehinds in front of `pattern` (before its first atom that takes
 * bytes) that are a fixed sequence of single characters, read as the ASCII characters
 * each matches (fewer when unsure): a match never starts right after such a sequence.
 * Writes at most `cap` to `out` and returns how many. Exposed for tests. */
size_t mesura_policy__regex_refusals(const char *pattern, size_t len, regex_refusal *out,
                                     size_t cap);

/* Keywords one of which every match of `pattern` holds, from the first group of its
 * top-level sequence whose every alternative requires a literal of `min` bytes or more
 * (as regex_literals reads them; the longest of each, cut at k and s when
 * `unfolded_ks`, at most 32 bytes): calls `run` for each and returns how many, or 0.
 * The compiler takes them when the pattern has no literal of its own long enough.
 * Exposed for tests. */
size_t mesura_policy__regex_alternative_keywords(const char *pattern, size_t len,
                                                int unfolded_ks, size_t min,
                                                void (*run)(const char *s, size_t n, void *payload),
                                                void *payload);

#endif
