/* The scanner's state, shared by its parts: scanner.c (views, hits, regexes, the
 * scan), rules.c (rule evaluation, context and confidence) and verdict.c (the allow
 * list, tidying, the verdict). Tests reach the exhaustive switch. */
#ifndef MESURA_SCAN_SCANNER_H
#define MESURA_SCAN_SCANNER_H

#include <stdatomic.h>
#include <time.h>

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
	unsigned char *keyword_seen; /* per condition: one of its keywords is in the view */
	/* The regex leaves a view tries, a bit per leaf of its `regexes` (view v's words
	 * start at regex_words[v]): those without keywords always (regex_free), the others
	 * once a keyword of theirs is found (regex_todo, this post's), so that a post goes
	 * through the few leaves it may match rather than every leaf's prefilter. */
	uint64_t *regex_free, *regex_todo;
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
	int exhaustive; /* tests: no prefilter, no shortcut (see scanner.h) */
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

/* Tokenizes the post (once) and marks its token boundaries. */
int mesura_scan__tokenize_post(mesura_scanner *s);

/* Widens [*start, *end) of the original text to whole grapheme clusters, its end past
 * the characters that the word rules attach to the word before them. */
void mesura_scan__widen_to_clusters(mesura_scanner *s, size_t *start, size_t *end);

/* Whether [start, end) of the original text is whole words (*whole). */
int mesura_scan__is_whole_words(mesura_scanner *s, size_t start, size_t end, int *whole);

/* Phrases written with joiners ("project_falcon", "Project-Falcon") match the terms of
 * their phrase ("project falcon"): when text[0..len) (a view) holds '_' or '-' between
 * two word characters (not between two digits: "2024-01"), *spaced is a copy with
 * each of those read as a space (scanner scratch, until the text changes), else NULL.
 * A search of the copy keeps the hits that cover such a joiner: the others are the
 * plain text's. A dot is no joiner: it joins file names, domains and abbreviations
 * ("U.S.A"), and more than half the joiners of ordinary posts would be dots. */
int mesura_scan__joiners_as_spaces(mesura_scanner *s, const char *text, size_t len,
                                   const char **spaced);

/* Adds the hits of every view's context words, once per post: they only matter near
 * a finding, so rules.c asks for them when a rule with context fires. */
int mesura_scan__find_context(mesura_scanner *s);

/* rules.c: the findings of every rule that fires on the post's hits. */
int mesura_scan__evaluate_rules(mesura_scanner *s);

/* verdict.c: drops the findings that overlap allow-listed terms; merges each rule's
 * overlapping findings and sorts them; sets the result and its verdict. */
int mesura_scan__apply_allow_list(mesura_scanner *s);
int mesura_scan__tidy_findings(mesura_scanner *s);
void mesura_scan__decide(mesura_scanner *s);

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
