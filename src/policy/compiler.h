/* The policy compiler's shared state and helpers (compile.c, conditions.c, lexicons.c,
 * matchers.c). Nothing here is seen outside src/policy. */
#ifndef MESURA_POLICY_COMPILER_H
#define MESURA_POLICY_COMPILER_H

#include "compile.h"
#include "compiled.h"
#include "diagnostics.h"
#include "yaml_tree.h"

/* A lexicon: its raw terms (normalised later, by each rule that uses it). */
typedef struct {
	const char *name;
	const char **terms;
	size_t *lens;
	size_t n;
	const char *file;  /* where it was defined, for "defined twice" messages */
	const char *path;  /* its lexicon file, or NULL when its terms are in the policy */
	unsigned *lines, *columns; /* of each term in that file */
	const void *node;  /* its name in the YAML, for the "never used" warning */
	int depth;         /* include depth of the file: 1 for the policy itself */
	int used;
	const void *extended; /* the `overrides.lexicons` entry that added terms, or NULL */
} lexicon;

/* Where a term came from: lexicon - 1 is an index into the compiler's lexicons, and
 * `term` one of its terms; lexicon 0 is the policy's own text. */
typedef struct {
	size_t lexicon, term;
} term_origin;

/* A policy included once already: where, to name both sites of a second include. */
typedef struct {
	const char *identity, *file; /* the included file (canonical) and the includer */
	unsigned line, column;
} include_site;

typedef struct {
	mesura_policy *policy;
	mesura_diagnostics *diags;
	const mesura_compile_options *opts;
	const char *file;          /* the policy file being compiled */
	const char *source;        /* and its text */
	size_t source_len;
	mesura_arena *trees;       /* the YAML trees of every file, until the end */
	lexicon *lexicons;
	size_t n_lexicons, lexicons_cap;
	size_t rules_cap, conds_cap;
	size_t n_terms;            /* terms so far, against opts->max_terms */
	term_origin *allow_origins; /* of each policy->allow term (arena) */
	const char *rule_id;       /* of the rule being compiled */
	uint32_t rule;             /* its index */
	cond_role role;            /* of the conditions being compiled */
	char path[256];            /* of the node being compiled */
	const char *identity;      /* the file's canonical path (realpath), to spot cycles */
	const char *including[16]; /* the identities of the files being compiled, outermost first */
	unsigned depth;            /* how many of them */
	include_site *included;    /* every policy included so far */
	size_t n_included, included_cap;
	const ynode *overrides;    /* the top file's `overrides:` mapping, or NULL */
	const char *overrides_file; /* the top file */
	int failed_alloc;
	int over_limit;            /* a size or depth limit was hit: MESURA_ELIMIT */
	pcre2_compile_context *pcre_compile; /* allocates with the policy's hooks */
} compiler;

/* schema.c: reporting, a diagnostic at node n (NULL: the start of the file). */
void mesura_policy__error_at(compiler *c, const void *n, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void mesura_policy__warn(compiler *c, const void *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#define cerror(c, n, ...) mesura_policy__error_at((c), (n), MESURA_ESYNTAX, __VA_ARGS__)

size_t mesura_policy__path_push(compiler *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mesura_policy__path_pop(compiler *c, size_t old);

/* The known word nearest to `word` (edit distance <= 2), or NULL. */
const char *mesura_policy__suggest(const char *word, size_t len, const char *const *known);
int mesura_policy__is_scalar(const ynode *n);
int mesura_policy__scalar_is(const ynode *n, const char *s);
/* Reports every key of `map` that is not in `known` (NULL-terminated). */
void mesura_policy__check_keys(compiler *c, const ynode *map, const char *const *known);
const char *mesura_policy__copy_text(compiler *c, const char *s, size_t len);
/* A number in [lo, hi] at map[key], or `fallback` when absent (an error when bad). */
double mesura_policy__get_number(compiler *c, const ynode *map, const char *key, double lo,
                                 double hi, double fallback);
/* true/false at map[key], or `fallback`. */
int mesura_policy__get_bool(compiler *c, const ynode *map, const char *key, int fallback);
/* A non-empty text at map[key] (copied), or NULL when absent (an error when `required`)
 * or bad. */
const char *mesura_policy__get_string(compiler *c, const ynode *map, const char *key,
                                      int required);
/* The index in `names` (NULL-terminated) of the value at map[key], `fallback` when
 * absent, or -1 after an error that suggests the nearest name. */
int mesura_policy__get_choice(compiler *c, const ynode *map, const char *key,
                              const char *const *names, int fallback);
/* A new condition of the current rule and role (COND_NONE when out of memory; its
 * address may change with the next one: keep the index). */
uint32_t mesura_policy__new_cond(compiler *c, cond_kind kind);

/* lexicons.c: defines the lexicons of a `lexicons:` mapping (inline lists or
 * { file: path }); finds one by name. */
void mesura_policy__define_lexicons(compiler *c, const ynode *lexicons);
lexicon *mesura_policy__find_lexicon(const compiler *c, const char *name);
/* The defined lexicon nearest to `name` (for "did you mean"), or NULL. */
const char *mesura_policy__nearest_lexicon(const compiler *c, const char *name);
/* How a diagnostic names term `k` of `lex` (NULL: a term written in the policy, s[0..len)):
 * quoted when the policy's author wrote it, else by place ("at words.txt:3:1 (lexicon
 * \"w\")"): a lexicon file may be any file the policy names, and diagnostics must not
 * echo what it holds. */
void mesura_policy__cite_term(const lexicon *lex, size_t k, const char *s, size_t len,
                              char *buf, size_t size);
/* Reads a file relative to the directory of the file being compiled (as
 * mesura_policy__read_file, with the max_source_bytes limit); sets c->failed_alloc when
 * out of memory. *path_out (arena) is the path as opened. */
int mesura_policy__read_relative(compiler *c, const char *name, char **buf, size_t *len,
                                 const char **path_out, char *why, size_t why_size);

/* The values of a rule's choices (schema.c), NULL-terminated. */
extern const char *const mesura_policy__severities[], *const mesura_policy__actions[],
    *const mesura_policy__extents[];

/* overrides.c: `overrides:` of the top file, which changes included rules (run after
 * every rule is compiled) and checks the terms it adds to lexicons (added by lexicons.c
 * as each lexicon is defined, before the rules that normalise its terms). */
void mesura_policy__apply_overrides(compiler *c);

/* conditions.c: a rule's match tree, unless tree and context list. */
uint32_t mesura_policy__compile_condition(compiler *c, const ynode *n, unsigned depth);
void mesura_policy__compile_context(compiler *c, policy_rule *r, const ynode *n);
/* Normalises the terms of a list (terms, "@lexicon" references) with `flags`; with
 * `joined`, a phrase's glued spelling too ("project falcon": "projectfalcon"), as a
 * term of its own. */
int mesura_policy__collect_terms(compiler *c, const ynode *list, unsigned int flags,
                                 int joined, const char ***items, size_t **lens, size_t *n);
/* The same, with where each term came from in *origins (arena). */
int mesura_policy__collect_terms_from(compiler *c, const ynode *list, unsigned int flags,
                                      int joined, const char ***items, size_t **lens,
                                      size_t *n, term_origin **origins);

/* redaction.c: a rule's `redact:` operator. */
void mesura_policy__compile_redact(compiler *c, policy_rule *r, const ynode *n);

/* warnings.c: what compiles but is probably a mistake (unused lexicons, terms the
 * allow list always cancels, rules that can never fire, regexes that may backtrack
 * catastrophically). Run after the matchers are built. */
void mesura_policy__warn_suspicious(compiler *c);

/* matchers.c: the views, automata and prefilters of a compiled policy. */
int mesura_policy__build_matchers(mesura_policy *p);

#endif
