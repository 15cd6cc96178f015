/* The scanner's state (state.c), shared by its parts, bottom to top: boundaries.c (word
 * boundaries, clusters, joiners), hits.c (term hits), regexes.c (regex leaves), rules.c
 * (rule evaluation, context and confidence), verdict.c (the allow list, tidying, the
 * verdict) and scanner.c (the scan: the views and the order of the steps). Tests reach
 * the work counter and the exhaustive switch. */
#ifndef MESURA_SCAN_STATE_H
#define MESURA_SCAN_STATE_H

#include <stdatomic.h>
#include <time.h>

#include "mesura/experimental.h" /* near misses */
#include "mesura/scan.h"
#include "mesura/tokens.h"
#include "policy/compiled.h"

#define NO_HIT UINT32_MAX

/* Where a leaf matched: its span in the original text and in its view. */
typedef struct {
	uint32_t cond, next; /* next hit of the same leaf, or NO_HIT */
	size_t start, end;
	size_t view_start, view_end;
	int masked;
} hit;

/* A result as the scanner keeps it: the public part first, so that the accessors
 * (mesura_result_finding_get...) reach the arrays from the pointer callers hold. */
typedef struct {
	mesura_result pub;
	const mesura_finding *findings;
	size_t n_findings;
	const mesura_near_miss *near_misses;
	size_t n_near_misses;
} scan_result;

struct mesura_scanner {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	atomic_bool busy;       /* a call is using it (MESURA_EBUSY for another) */
	const mesura_policy *policy;
	mesura_view **views;    /* one per policy view */
	unsigned char *grouped; /* per view: its group automaton searched it and its riders */
	unsigned char *has_masks; /* per view: it may hold mask bytes (may_have_masks) */
	unsigned char *no_joiners; /* per view: its text has no joiner ('_' '-'): its phrases'
	                            * pass found none, or its base's (scanner.c) */
	mesura_tokens *tokens;
	int tokenized;          /* tokens and boundary are those of this post */
	int has_hash, has_hash_known; /* the post has a '#' (hashtag parts split words) */
	int words_counted;      /* words_ended and words_begun are this post's */
	int context_found;      /* the context words' hits are in (find_context) */
	uint32_t *words_ended, *words_begun; /* see count_words */
	size_t words_ended_cap, words_begun_cap;
	unsigned char *boundary; /* per original byte offset: a token starts or ends here */
	size_t boundary_cap;
	char *spaced;           /* a view with its joiners read as spaces (joiners_as_spaces) */
	size_t spaced_cap;
	const char *spaced_from; /* the view text it is of (NULL: none yet in this post) */
	size_t spaced_len;
	int spaced_found;       /* that text holds a joiner (else spaced is not a copy) */
	hit *hits;
	size_t n_hits, hits_cap;
	uint32_t *first_hit;    /* per condition */
	unsigned char *rule_hit; /* per rule: some leaf of its match tree has a hit */
	/* The regex leaves a view tries, a bit per leaf of its `regexes` (view v's words
	 * start at regex_words[v]): those without keywords always (regex_free), the others
	 * once a keyword of theirs is found (regex_todo, this post's), so that a post goes
	 * through the few leaves it may match rather than every leaf's prefilter. */
	uint64_t *regex_free, *regex_todo;
	uint64_t *regex_later;  /* the same: leaves put off until every view's terms are
	                         * known (regexes.c), this post's when n_put_off > 0 */
	size_t n_put_off;
	size_t *regex_words;    /* per view, and one past the last */
	uint32_t *regex_bit;    /* per regex leaf: its bit in those words */
	mesura_finding *findings;
	size_t n_findings, findings_cap;
	struct allowed_span *allowed; /* allow-listed spans of the post (apply_allow_list) */
	size_t n_allowed, allowed_cap;
	void *sort_scratch;     /* for mesura_sort__stable */
	size_t sort_scratch_cap;
	scan_result result;
	pcre2_general_context *pcre_general;
	pcre2_match_context *pcre_match;
	pcre2_match_data *match_data;
	const char *text;
	size_t len;
	unsigned int limits_hit; /* MESURA_LIMIT_* of this scan */
	mesura_scanner_limits limits; /* with the defaults filled in */
	struct timespec deadline;  /* when limits.time_budget_ns is set */
	uint64_t work;       /* steps of this scan (mesura_scan__work) */
	uint64_t next_check; /* the work at which the clock is read next (spend) */
	uint64_t work_budget; /* tests: work after which the time runs out; 0: none */
	int budgeted;         /* this scan has a time (or work) budget to mind */
	uint64_t view_advance; /* work counted by the stop hook of the view being made */
	size_t cluster_lo, cluster_hi; /* the last cluster of two characters or more that
	                                * widen_to_clusters found in this post, else 0, 0 */
	int exhaustive; /* tests: no prefilter, no shortcut (mesura_scan__set_exhaustive) */
	int explain;    /* this scan records near misses (MESURA_SCAN_EXPLAIN) */
	mesura_near_miss *misses;
	size_t n_misses, misses_cap;
};

typedef struct allowed_span {
	size_t start, end;
} span;


/* Records why rule `rule` did not fire at [start, end) (explain mode only). */
int mesura_scan__miss(mesura_scanner *s, uint32_t rule, mesura_miss_reason reason, size_t start,
                      size_t end, double confidence);

/* Whether the budget (time, or the tests' work) is spent; once it is, it stays so
 * for the rest of the scan. */
int mesura_scan__budget_spent(mesura_scanner *s);

/* The slow half of spend: the time of a check has come. */
int mesura_scan__check_budget(mesura_scanner *s);

/* Starts the clock and the work count of a scan. */
void mesura_scan__start_clock(mesura_scanner *s);

/* Whether the budget has been found spent (a flag: no clock, no budget needed). */
static inline int found_spent(const mesura_scanner *s)
{
	return (s->limits_hit & MESURA_LIMIT_TIME) != 0;
}

/* Whether the time budget has run out (at once false without one): checked between
 * the steps of a scan. */
static inline int out_of_time(mesura_scanner *s)
{
	return s->budgeted && mesura_scan__budget_spent(s);
}

/* Counts n steps of work (see mesura_scan__work), and every CHECK_EVERY steps, when the
 * scan has a budget, checks it. Returns whether it has run out: the caller's loop stops.
 * Without a budget, next_check is never reached. */
static inline int spend(mesura_scanner *s, uint64_t n)
{
	s->work += n;
	return s->work >= s->next_check && mesura_scan__check_budget(s);
}

/* The work of the last scan, in steps of about a byte: the bytes of the views made
 * and the steps the text layer counted making them (src/text/view.h), the bytes of
 * the automaton searches, of the self-censored words read plus the trie states their
 * walks visited, of the regex attempts (to a match's end, or to the view's end when
 * none) and summaries, the hits, and the tokenizer's bytes and steps. For tests that
 * check that work grows linearly with the post, and that a time budget stops a scan
 * early. */
uint64_t mesura_scan__work(const mesura_scanner *s);

/* Tests: the time budget runs out once the scan has done `steps` of work (0: never), at
 * the same checks as the clock's, so that tests see where a scan stops without timing
 * it. */
void mesura_scan__set_work_budget(mesura_scanner *s, uint64_t steps);

/* Exhaustive mode: every regex runs (no prefilter, declared keywords ignored), every
 * wildcard walk is tried and every whole-word check asks the tokenizer. Without
 * declared keywords (which change results by design) the results must be the same as
 * with the shortcuts; tests compare the two. */
void mesura_scan__set_exhaustive(mesura_scanner *s, int on);

#endif
