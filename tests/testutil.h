/* Shared helpers for the Check suites. */
#ifndef MESURA_TESTUTIL_H
#define MESURA_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <mesura.h>

/* Reads a whole file into a malloc'd buffer (NUL-terminated); aborts the test on error. */
char *tu_read_file(const char *path, size_t *len);

/* Path of a file under tests/data (static buffer, valid until the next call). */
const char *tu_data_path(const char *name);

/* Deterministic PRNG (splitmix64), so random tests are reproducible from their seed. */
typedef struct { uint64_t state; } tu_rng;
uint64_t tu_rng_next(tu_rng *rng);
size_t tu_rng_below(tu_rng *rng, size_t n);

/* Encodes code point cp (any value up to 0x10FFFF, surrogates included) as UTF-8 into
 * out (4 bytes); returns the byte count. */
size_t tu_utf8_encode(uint32_t cp, char *out);

/* An allocator that fails every allocation after the first `fail_after` ones and
 * counts live blocks, for OOM sweeps: loop fail_after = 0, 1, 2... until the call
 * succeeds, asserting a clean error and live == 0 after cleanup each time. */
typedef struct {
	mesura_allocator hooks;
	size_t fail_after; /* SIZE_MAX: never fail */
	size_t calls;
	size_t live;
} tu_failing_alloc;
void tu_failing_alloc_init(tu_failing_alloc *fa, size_t fail_after);

/* Counting failures in loops over thousands of cases: each Check assertion writes a
 * checkpoint to the runner, so big loops count and print the first few instead. */
typedef struct {
	const char *name;
	size_t checks;
	size_t failures;
} tu_tally;

/* Counts one failure, printing it while fewer than 20 were printed. */
void tu_tally_fail(tu_tally *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints "name: N unit, F failures" (always, so totals can be quoted) and asserts F == 0. */
void tu_tally_finish(const tu_tally *t, const char *unit);

/* Whether the result has a finding of `category` exactly over text[start, end). */
int tu_has_finding(const mesura_result *r, const char *category, size_t start, size_t end);
/* Whether the result has a finding of `category` anywhere. */
int tu_has_category(const mesura_result *r, const char *category);

/* A post and the words of it that a rule must find (exactly that span). */
typedef struct {
	const char *post, *words;
} tu_flagged;

/* Screens each post with `s`: its words must be a finding of `category` over exactly
 * their bytes, and the verdict at least `min_verdict`; a tally named `name`. */
void tu_expect_flagged(mesura_scanner *s, const char *name, const char *category,
                       const tu_flagged *posts, size_t n, int min_verdict);

/* Screens each post with `s`: none may have a finding of `category` or of one of its
 * subcategories ("hate" covers "hate.slur" and "hate.phrase"). */
void tu_expect_clean(mesura_scanner *s, const char *name, const char *category,
                     const char *const *posts, size_t n);

/* The default policy (mesura_policy_default) and a scanner over it, made afresh for each
 * test by the suites that screen with it:
 *   tcase_add_checked_fixture(tc, tu_default_setup, tu_default_teardown); */
extern mesura_policy *tu_policy;
extern mesura_scanner *tu_scanner;
void tu_default_setup(void);
void tu_default_teardown(void);

/* Seconds since *t0 (CLOCK_MONOTONIC). */
double tu_seconds_since(const struct timespec *t0);

/* ---- compiling policies and reading their diagnostics (file name "rules.policy") */

/* Prints every diagnostic as file:line:column: path: message [rule] (status). */
void tu_print_diags(const mesura_diagnostics *d);

/* Compiles src, which must compile with no diagnostic at all (not even a warning). */
mesura_policy *tu_compile_ok(const char *src, const mesura_compile_options *opts);
/* Loads the policy file at path, which must compile (warnings allowed). */
mesura_policy *tu_load_ok(const char *path, const mesura_compile_options *opts);

/* A compile that must fail: the status and the diagnostics (the caller frees them). */
typedef struct {
	int rc;
	mesura_diagnostics *diags;
} tu_failed;
/* Compiles src (or loads the file at path), asserting that it fails the documented way:
 * the policy reset to NULL, a status other than MESURA_OK, at least one error. */
tu_failed tu_compile_fail(const char *src, const mesura_compile_options *opts);
tu_failed tu_load_fail(const char *path, const mesura_compile_options *opts);

/* The first diagnostic whose message holds `needle`; fails the test when none does. */
const mesura_diagnostic *tu_diag_with(const mesura_diagnostics *d, const char *needle);

/* Line and column (1-based, the column in code points) of the nth (0-based) occurrence
 * of `marker` in `src`, the way diagnostics count them. */
void tu_position_of(const char *src, const char *marker, int nth, unsigned *line,
                    unsigned *column);

/* Asserts that g is an error with `status` in rule `rule_id` (NULL: in no rule), at the
 * nth occurrence of `marker` in `src` (marker NULL: position not checked). */
void tu_expect_diag(const mesura_diagnostic *g, const char *src, int status,
                    const char *rule_id, const char *marker, int nth);

/* ---- findings */

/* The byte span of the nth (0-based) occurrence of `piece` in `text`; fails the test
 * when there is none. */
void tu_span_of(const char *text, const char *piece, int nth, size_t *start, size_t *end);

/* The finding of `rule` exactly over the nth occurrence of `piece` in text, or NULL. */
const mesura_finding *tu_finding_at(const mesura_result *r, const char *text,
                                    const char *rule, const char *piece, int nth);

/* Scans text and asserts that `rule` has exactly the findings over the pieces listed
 * (NULL-terminated; a piece listed twice means its first two occurrences). */
const mesura_result *tu_expect_findings(mesura_scanner *s, const char *text,
                                        const char *rule, ...);

#endif
