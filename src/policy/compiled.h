/* The compiled form of a policy: what the scanner reads. Immutable once built.
 *
 * A rule's `match`, `unless` and `context` are trees of CONDITIONS, all kept in one
 * array. The leaves (terms, regex) are what the scanner runs: every terms leaf of one
 * view sits in that view's automaton with the leaf's index as its id, every regex leaf
 * runs on its view behind a cheap prefilter. Inner nodes (all, any) only combine the
 * leaves' outcomes once the post has been scanned. */
#ifndef MESURA_POLICY_COMPILED_H
#define MESURA_POLICY_COMPILED_H

#include <stdatomic.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/arena.h"
#include "mesura/policy.h"
#include "mesura/redact.h"
#include "mesura/text.h"
#include "rule_redaction.h"
#include "match/automaton.h"
#include "match/validators.h"

#define COND_NONE UINT32_MAX

typedef enum { COND_TERMS, COND_REGEX, COND_ALL, COND_ANY } cond_kind;

/* The different first two bytes a regex leaf's start literals may have at most (each
 * is three operations per chunk of the view). */
#define START_PAIRS 16

/* The bytes of a regex's head read at most (mesura_policy__regex_head), and of its
 * leading lookbehinds (mesura_policy__regex_refusals): the length of one and how many. */
#define REGEX_HEAD_MAX 8
#define REFUSAL_MAX 4
#define REFUSALS_MAX 3

/* A leading negative lookbehind as the texts it refuses: a match cannot start right
 * after `len` ASCII characters that are, in order, in these sets (bytes below 0x80). */
/* The byte sets below are 256 bits, four words: whether `byte` is in `set`. */
static inline int mesura_policy__byte_in(const uint64_t set[4], unsigned char byte)
{
	return (int)((set[byte >> 6] >> (byte & 63)) & 1);
}

typedef struct {
	size_t len;
	uint64_t set[REFUSAL_MAX][4];
} regex_refusal;

/* What a leaf's hits are for: findings, cancelling the rule, or evidence near one. */
typedef enum { ROLE_MATCH, ROLE_UNLESS, ROLE_CONTEXT } cond_role;

/* What must be in a view before a regex can match there; checked before PCRE2 runs. */
typedef struct {
	size_t min_len;         /* PCRE2_INFO_MINLENGTH, in bytes (a lower bound) */
	size_t min_digits;      /* ASCII digits every match holds */
	size_t min_digit_run;   /* and of them, consecutive ones */
	size_t max_len;         /* bytes a match takes at most (SIZE_MAX: unbounded) */
	size_t digit_lead;      /* bytes a match takes at most before its first digit,
	                         * which every match has (SIZE_MAX: not so, or unsure) */
	size_t min_capital_run; /* ASCII capitals in a row that every match holds */
	size_t class_run;       /* bytes of class_run_set in a row that the view holds for
	                         * every match (0: not checked) */
	uint64_t class_run_set[4];
	uint64_t any_of[4];     /* one of these bytes starts every match (all ones: any) */
	uint64_t all_of[4];     /* each of these bytes occurs in every match */
	uint64_t any_classes;   /* the same as byte classes of the policy (see below) */
	uint64_t all_classes;
	int has_keywords;       /* and one of its keywords occurs (keyword automaton) */
} regex_prefilter;

/* Bytes that may stand for a letter in a self-censored word ("f*ck", "p#ta"). '.' and
 * '-' are left out: "co-op" and "p.m." are ordinary writing. */
extern const unsigned char mesura_policy__mask_bytes[256];

typedef struct {
	cond_kind kind;
	cond_role role;
	uint32_t rule;              /* the rule it belongs to */
	unsigned int normalize;     /* leaves: MESURA_NORM_* flags of the view */
	size_t view;                /* leaves: index of that view in the policy's views */
	int whole_word;
	/* COND_TERMS: normalised with `normalize` */
	const char **terms;
	size_t *term_lens;
	size_t n_terms;
	int joined;                 /* its phrases match written joined (`joined:`): glued
	                             * spellings are among its terms, and the scanner reads
	                             * _ - . between words as spaces for it */
	/* COND_REGEX */
	pcre2_code *regex;
	pcre2_code *anchored;       /* the same, anchored, when pre.digit_lead is known */
	int jit;                    /* both are JIT code (pcre2_jit_match runs them) */
	const mesura_validator *validator; /* or NULL */
	double validator_param;
	regex_prefilter pre;
	const char **keywords;      /* ASCII, lower case */
	size_t n_keywords;
	const char **starts;        /* literals every match starts with (ASCII letters in
	                             * lower case, for either case), or none: searched
	                             * from where one is (mesura_policy__regex_starts); in
	                             * the order of their first bytes */
	size_t *start_lens, n_starts;
	const uint16_t *start_bucket; /* 257: those whose first byte is b are from
	                               * start_bucket[b] up to start_bucket[b + 1] */
	unsigned char start_pairs[START_PAIRS][2]; /* their first two bytes with bit 0x20
	                             * set (ASCII letters in lower case), each pair once; a
	                             * literal of one byte has 0 as its second */
	size_t n_start_pairs;
	const uint64_t (*head)[4];  /* the bytes every match starts with, a set per byte
	                             * (head_len of them; read where an attempt is tried
	                             * at a chosen offset: near digits) */
	size_t head_len;
	const regex_refusal *refusals; /* what right before an offset rules a match out
	                             * there (near digits, at start literals) */
	size_t n_refusals;
	/* COND_ALL, COND_ANY */
	const uint32_t *children;
	size_t n_children;
	const void *node;           /* its YAML node, for diagnostics while compiling */
	const char *file;           /* and the file it is in */
} policy_cond;

/* Words that change a finding's confidence when they occur near it. */
typedef struct {
	uint32_t cond;     /* a COND_TERMS leaf of role ROLE_CONTEXT */
	size_t within;     /* distance, in characters or (in_words) words */
	int in_words;
	double boost;      /* added to the confidence; negative lowers it */
	int required;      /* no such word near: no finding */
} policy_context;

typedef struct {
	const char *text;
	size_t len;
	const void *node;  /* the YAML node, for diagnostics while compiling */
	const char *file;  /* the policy file it is written in */
} policy_example;

typedef struct {
	const char *id, *category, *description;
	mesura_severity severity;
	mesura_action action;
	uint32_t match;             /* root condition */
	uint32_t unless;            /* root condition, or COND_NONE */
	policy_context *context;
	size_t n_context;
	double confidence;          /* base confidence of a finding */
	double min_confidence;      /* findings below are dropped */
	policy_example *examples_match, *examples_no_match;
	size_t n_examples_match, n_examples_no_match;
	int has_redact;             /* `redact:` given; else its category's default */
	mesura_redact_op redact_op;
	mesura_redact_format redact_opts; /* strings in the policy's arena */
	mesura_redact_extent redact_extent; /* `redact_extent:` */
	size_t index;               /* in its file's rules list, for example paths */
	int disabled;               /* `overrides: ... disabled: true`: never fires */
	const void *override_node;  /* the override that changed it (rule or lexicon), */
	const char *override_file;  /* and its file; NULL when none did */
} policy_rule;

#define NO_BASE SIZE_MAX

/* The digit counts for which a view knows its leaves that need more (digit_gate). */
#define DIGIT_GATE 16

/* A regex leaf of a view and what its prefilter reads, side by side so that the scan
 * goes through a view's prefilters without touching the leaves. */
typedef struct {
	uint64_t all_classes, any_classes;
	size_t min_len, min_digits, min_digit_run, max_len, digit_lead, min_capital_run, class_run;
	uint32_t cond;
	int has_keywords;
	int has_starts; /* searched from where its start literals are (policy_cond) */
	const uint32_t *needs; /* the trees that must hold for its hits to be read: the
	                 * other children of each `all` on the way to it (and for an unless
	                 * leaf, the rule's match tree); the scanner looks at them first */
	size_t n_needs;
	size_t settled; /* the last view of the terms leaves in them (0: none): after that
	                 * view's search, their terms are known */
} view_regex;

/* A normalised view the scanner makes of each post; the automata of the terms leaves
 * matched on it (context words apart: they only matter near a finding, so the scanner
 * looks for them once some rule with context fires) and of the keywords of its regex
 * leaves (NULL when there are none). Keywords have the id of their leaf with
 * KEYWORD_ID set, so that a terms automaton may hold them too. */
#define KEYWORD_ID 0x80000000u

typedef struct {
	unsigned int flags;
	size_t base;                /* the view holding its stage 1, or NO_BASE (see below) */
	const mesura_normalizer *normalizer; /* one of the policy's normalizers */
	mesura_automaton *terms;    /* of the match and unless leaves; and of the keywords of
	                             * its regex leaves when it case-folds (keywords are
	                             * lower case): one search for both */
	mesura_automaton *context;  /* of the context leaves: searched only when needed */
	mesura_automaton *keywords; /* of its regex leaves, when it does not case-fold and
	                             * has no keyword host, or one unless markup */
	size_t keyword_host;        /* a base that holds every keyword this view holds, and
	                             * whose terms automaton holds this view's keywords (it
	                             * comes first); or NO_BASE */
	int host_unless_markup;     /* the host decodes markup and this view does not: it
	                             * holds this view's keywords only in posts with no '%'
	                             * or '&', and only in its group automaton when it has
	                             * one (in the other posts, `keywords` is searched too) */
	int rides;                  /* made from its base by leet alone, and case-folds: */
	mesura_automaton *group;    /* on a base with such views: its terms and theirs, for
	                             * the posts that leet leaves alone (most), where their
	                             * texts are the base's: one search for all */
	int phrases;                /* a leaf searched with its automata is joined and has a
	                             * phrase: the scanner also reads joiners as spaces */
	view_regex *regexes;        /* the regex leaves that run on it, in order */
	size_t n_regexes;
	const uint64_t *digit_gate; /* row t < DIGIT_GATE (a bit per leaf of `regexes`, in
	                             * (n_regexes + 63) / 64 words): the leaves that need
	                             * more than t ASCII digits */
} policy_view;

/* A normaliser, made once for every terms list, allow list and view of its flags
 * (making one precomputes thousands of characters: see src/text/normalize.c). */
struct policy_normalizer {
	unsigned int flags;
	mesura_normalizer *nz;
};

/* Takes a reference to the policy (mesura_policy_free drops one): a scanner holds one
 * for as long as it lives, so the caller may free the policy first. Thread-safe. */
void mesura_policy__retain(const mesura_policy *p);

/* The policy's normaliser with `flags` (made when new); NULL when out of memory. */
const mesura_normalizer *mesura_policy__normalizer(mesura_policy *p, unsigned int flags);

/* The allocation budget of a compile (compile option max_compiled_bytes, budget.c):
 * while `counting`, the policy's allocator goes through it, and it refuses what would
 * take the bytes handed out past `limit`. Objects made while compiling keep it as their
 * allocator; afterwards it only passes calls on to `inner`, the caller's allocator. */
struct policy_budget {
	mesura_allocator inner;
	size_t used, limit;
	int counting;
	int exceeded; /* something was refused: the compile fails with MESURA_ELIMIT */
};

/* budget.c: starts counting p->alloc's allocations against `limit`; stops counting
 * (p->alloc is the caller's allocator again); counts memory allocated otherwise (JIT
 * code), returning 0 (and marking the budget exceeded) when it does not fit. */
void mesura_policy__budget_start(mesura_policy *p, size_t limit);
void mesura_policy__budget_stop(mesura_policy *p);
int mesura_policy__budget_charge(mesura_policy *p, size_t bytes);

struct mesura_policy {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	atomic_size_t refs; /* the caller's and one per scanner: the last to let go frees it;
	                     * the only field that changes after compiling */
	mesura_arena arena; /* names, terms, rules */
	const char *name;
	policy_rule *rules;
	size_t n_rules;
	mesura_rule *public_rules; /* the same, as mesura_policy_rule_get shows them (arena) */
	policy_cond *conds;
	size_t n_conds;
	const char **allow; /* normalised with MESURA_NORM_MODERATION */
	size_t *allow_lens;
	size_t n_allow;
	struct policy_normalizer *normalizers; /* one per set of flags the policy uses */
	size_t n_normalizers, normalizers_cap;
	policy_view *views;
	size_t n_views;            /* bases (base == NO_BASE) first, then the views on them */
	size_t allow_view;         /* the view the allow list matches on */
	mesura_automaton *allow_terms; /* ids: index into allow[] */
	int allow_phrases;         /* an allowed term is a phrase (read joined too) */
	int uses_words;            /* a context counts its distance in words */
	/* Byte classes for the prefilters: bytes no prefilter tells apart share a class,
	 * so the scanner learns which classes a view holds with one OR per byte into a
	 * 64-bit word, and each prefilter is two mask tests. */
	uint8_t byte_class[256];
	uint64_t class_bit[256];   /* 1 << byte_class[byte]: one load per byte, no shift */
	struct policy_budget budget; /* of the compile */
};

#endif
