/*
 * What a rule matches: a tree of conditions. A leaf is `terms` (words and phrases,
 * matched on a normalised view) or `regex` (a PCRE2 pattern, optionally confirmed by
 * a validator); `all: [...]` holds when every sub-condition holds somewhere in the
 * post, `any: [...]` when one does. The same grammar serves `unless:`. A rule's
 * `context:` lists words that raise (or lower) a finding's confidence nearby.
 */
#include <string.h>

#include "compiler.h"
#include "mesura/errors.h"
#include "regex.h"


/* `all`/`any` may nest this deep by default (compile option max_condition_depth):
 * deeper is surely a generated mistake. */
#define MAX_NESTING 16

static const char *const leaf_keys[] = {"terms", "regex", "validate", "keywords", "normalize",
                                        "whole_word", "joined", NULL};
static const char *const context_keys[] = {"words", "within", "within_words", "boost",
                                           "required", "normalize", "joined", NULL};

/* ------------------------------------------------------------ normalisation */

static const struct {
	const char *name;
	unsigned int flags;
} norm_names[] = {
	{"moderation", MESURA_NORM_MODERATION}, {"deobfuscate", MESURA_NORM_DEOBFUSCATE},
	{"none", 0}, {"nfc", MESURA_NORM_NFC}, {"nfkc", MESURA_NORM_NFKC},
	{"casefold", MESURA_NORM_CASEFOLD}, {"strip_marks", MESURA_NORM_STRIP_MARKS},
	{"invisibles", MESURA_NORM_REMOVE_INVISIBLES}, {"confusables", MESURA_NORM_CONFUSABLES},
	{"leet", MESURA_NORM_LEET}, {"collapse_repeats", MESURA_NORM_COLLAPSE_REPEATS},
	{"join_spaced", MESURA_NORM_JOIN_SPACED}, {"digits", MESURA_NORM_DIGITS},
	{"markup", MESURA_NORM_DECODE_MARKUP},
};

static const char *const norm_word_list[] = {
	"moderation", "deobfuscate", "none", "nfc", "nfkc", "casefold", "strip_marks",
	"invisibles", "confusables", "leet", "collapse_repeats", "join_spaced", "digits", "markup", NULL};

/* `normalize:` is a preset name or a list of flag names. */
static unsigned int get_normalize(compiler *c, const ynode *map, unsigned int fallback)
{
	const ynode *v = mesura_policy__yaml_get(map, "normalize");
	if (!v)
		return fallback;
	size_t old = mesura_policy__path_push(c, ".normalize");
	unsigned int flags = 0;
	size_t n = v->kind == YNODE_SEQUENCE ? v->n_items : 1;
	for (size_t i = 0; i < n; i++) {
		const ynode *item = v->kind == YNODE_SEQUENCE ? v->items[i] : v;
		size_t k = 0, count = sizeof norm_names / sizeof norm_names[0];
		while (k < count && !mesura_policy__scalar_is(item, norm_names[k].name))
			k++;
		if (k < count) {
			flags |= norm_names[k].flags;
			continue;
		}
		const char *near = mesura_policy__is_scalar(item)
		                       ? mesura_policy__suggest(item->text, item->len, norm_word_list)
		                       : NULL;
		if (near)
			cerror(c, item, "unknown normalisation \"%s\"; did you mean \"%s\"?", item->text,
			       near);
		else
			cerror(c, item, "normalize takes a list of: moderation, deobfuscate, none, nfc, "
			                "nfkc, casefold, strip_marks, invisibles, confusables, leet, "
			                "collapse_repeats, join_spaced, digits, markup");
	}
	mesura_policy__path_pop(c, old);
	return flags;
}

/* ------------------------------------------------------------ terms */

typedef struct {
	compiler *c;
	const mesura_normalizer *nz;
	mesura_view *view;
	const char **items;
	size_t *lens;
	term_origin *origins; /* kept when asked for */
	int with_origins;
	int joined;           /* add the glued spelling of phrases (add_glued_spelling) */
	term_origin origin;   /* of the term being added */
	size_t n, cap;
} term_list;

/* The policy's terms may not exceed this (compile option max_terms). */
#define MAX_TERMS 2000000u

static void term_list_add(term_list *t, const char *s, size_t len)
{
	compiler *c = t->c;
	size_t limit = c->opts->max_terms ? c->opts->max_terms : MAX_TERMS;
	if (++c->n_terms > limit) {
		if (c->n_terms == limit + 1)
			mesura_policy__error_at(c, NULL, MESURA_ELIMIT,
			                        "the policy has more than %zu terms (max_terms)", limit);
		return;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		const char **items = mesura_arena__alloc(&c->policy->arena, cap * sizeof *items);
		size_t *lens = mesura_arena__alloc(&c->policy->arena, cap * sizeof *lens);
		term_origin *origins =
		    t->with_origins ? mesura_arena__alloc(&c->policy->arena, cap * sizeof *origins)
		                    : NULL;
		if (!items || !lens || (t->with_origins && !origins)) {
			c->failed_alloc = 1;
			return;
		}
		if (t->n) {
			memcpy(items, t->items, t->n * sizeof *items);
			memcpy(lens, t->lens, t->n * sizeof *lens);
			if (origins)
				memcpy(origins, t->origins, t->n * sizeof *origins);
		}
		t->items = items;
		t->lens = lens;
		t->origins = origins;
		t->cap = cap;
	}
	const char *copy = mesura_policy__copy_text(c, s, len);
	if (copy) {
		if (t->with_origins)
			t->origins[t->n] = t->origin;
		t->items[t->n] = copy;
		t->lens[t->n++] = len;
	}
}

/* Normalises s[0..len) as the text will be and adds it; 0 when it is empty then. */
static int add_normalized(term_list *t, const char *s, size_t len)
{
	int rc = mesura_normalize(t->nz, t->view, s, len);
	if (rc != MESURA_OK) {
		t->c->failed_alloc |= rc == MESURA_ENOMEM;
		return 1;
	}
	size_t out_len;
	const char *out = mesura_view_text(t->view, &out_len);
	if (out_len)
		term_list_add(t, out, out_len);
	return out_len > 0;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* A phrase (two words or more, split by ASCII white space) written glued, as hashtags
 * and names write it ("#ProjectFalcon", "ProjectFalcon"): also a term, normalised like
 * the phrase. (Joiners, "project_falcon", are the scanner's business: it reads them as
 * spaces, src/scan/boundaries.c.) Two words one of which is short glue into ordinary
 * words ("go die" is "goodie" once repeated letters collapse; "a lot" is "alot"), so
 * only phrases of three words or more, or of two words of three characters or more,
 * are glued. */
static void add_glued_spelling(term_list *t, const char *s, size_t len)
{
	size_t words = 0, chars = 0, shortest = SIZE_MAX, n = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && !is_blank(s[i])) {
			words += i == 0 || is_blank(s[i - 1]);
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		} else if (chars) {
			shortest = chars < shortest ? chars : shortest;
			chars = 0;
		}
	}
	if (words < 2 || (words == 2 && shortest < 3))
		return;
	char *glued = mesura_alloc__malloc(&t->c->policy->alloc, len);
	if (!glued) {
		t->c->failed_alloc = 1;
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (!is_blank(s[i]))
			glued[n++] = s[i];
	add_normalized(t, glued, n);
	mesura_alloc__free(&t->c->policy->alloc, glued);
}

/* Normalises a term as the text will be; `at` is where to report problems, `lex` the
 * lexicon it is term t->origin.term of (NULL: written at `at`). */
static void add_term(term_list *t, const char *s, size_t len, const ynode *at,
                     const lexicon *lex)
{
	compiler *c = t->c;
	if (mesura_utf8_validate(s, len, NULL) != MESURA_OK) {
		cerror(c, at, "the term is not valid UTF-8");
		return;
	}
	if (!add_normalized(t, s, len)) {
		char cite[300];
		mesura_policy__cite_term(lex, t->origin.term, s, len, cite, sizeof cite);
		cerror(c, at, "the term %s is empty once normalised", cite);
	} else if (t->joined) {
		add_glued_spelling(t, s, len);
	}
}

static void add_term_or_lexicon(term_list *t, const ynode *n)
{
	compiler *c = t->c;
	if (!mesura_policy__is_scalar(n) || n->len == 0) {
		cerror(c, n, "a term must be a non-empty text");
		return;
	}
	if (n->len < 2 || n->text[0] != '@' || n->text[1] == '@') {
		size_t at = n->len >= 2 && n->text[0] == '@' && n->text[1] == '@'; /* "@@acme": "@acme" */
		t->origin = (term_origin){0, 0};
		add_term(t, n->text + at, n->len - at, n, NULL);
		return;
	}
	lexicon *lex = mesura_policy__find_lexicon(c, n->text + 1);
	if (!lex) {
		const char *near = mesura_policy__nearest_lexicon(c, n->text + 1);
		if (near)
			cerror(c, n, "lexicon \"%s\" is not defined; did you mean \"%s\"?", n->text + 1,
			       near);
		else
			cerror(c, n, "lexicon \"%s\" is not defined", n->text + 1);
		return;
	}
	lex->used = 1;
	policy_rule *r = c->rule_id ? &c->policy->rules[c->rule] : NULL;
	if (lex->extended && r && !r->override_node) { /* its examples may now fail: a warning */
		r->override_node = lex->extended;
		r->override_file = c->overrides_file;
	}
	for (size_t i = 0; i < lex->n; i++) {
		t->origin = (term_origin){(size_t)(lex - c->lexicons) + 1, i};
		add_term(t, lex->terms[i], lex->lens[i], n, lex);
	}
}

int mesura_policy__collect_terms(compiler *c, const ynode *list, unsigned int flags,
                                 int joined, const char ***items, size_t **lens, size_t *n)
{
	return mesura_policy__collect_terms_from(c, list, flags, joined, items, lens, n, NULL);
}

int mesura_policy__collect_terms_from(compiler *c, const ynode *list, unsigned int flags,
                                      int joined, const char ***items, size_t **lens,
                                      size_t *n, term_origin **origins)
{
	term_list t;
	memset(&t, 0, sizeof t);
	t.c = c;
	t.joined = joined;
	t.with_origins = origins != NULL;
	t.nz = mesura_policy__normalizer(c->policy, flags);
	int rc = t.nz ? mesura_view_new(&t.view, &c->policy->alloc) : MESURA_ENOMEM;
	if (rc == MESURA_OK) {
		if (list->kind == YNODE_SEQUENCE)
			for (size_t i = 0; i < list->n_items; i++)
				add_term_or_lexicon(&t, list->items[i]);
		else
			add_term_or_lexicon(&t, list);
		if (list->kind == YNODE_SEQUENCE && list->n_items == 0)
			cerror(c, list, "the list of terms is empty");
	}
	c->failed_alloc |= rc == MESURA_ENOMEM;
	mesura_view_free(t.view);
	*items = t.items;
	*lens = t.lens;
	*n = t.n;
	if (origins)
		*origins = t.origins;
	return c->failed_alloc ? MESURA_ENOMEM : rc;
}

/* ------------------------------------------------------------ the tree */

static uint32_t compile_terms_leaf(compiler *c, const ynode *map, const ynode *terms)
{
	unsigned int flags = get_normalize(c, map, MESURA_NORM_DEOBFUSCATE);
	int joined = mesura_policy__get_bool(c, map, "joined", 1);
	uint32_t id = mesura_policy__new_cond(c, COND_TERMS);
	if (id == COND_NONE)
		return id;
	size_t old = mesura_policy__path_push(c, ".terms");
	const char **items;
	size_t *lens, n;
	mesura_policy__collect_terms(c, terms, flags, joined, &items, &lens, &n);
	mesura_policy__path_pop(c, old);
	policy_cond *x = &c->policy->conds[id];
	x->node = terms;
	x->normalize = flags;
	x->terms = items;
	x->term_lens = lens;
	x->n_terms = n;
	x->joined = joined;
	return id;
}

static uint32_t compile_leaf(compiler *c, const ynode *map)
{
	mesura_policy__check_keys(c, map, leaf_keys);
	const ynode *terms = mesura_policy__yaml_get(map, "terms");
	const ynode *regex = mesura_policy__yaml_get(map, "regex");
	const ynode *validate = mesura_policy__yaml_get(map, "validate");
	const ynode *keywords = mesura_policy__yaml_get(map, "keywords");
	if (!terms == !regex) {
		cerror(c, map, "a condition needs exactly one of \"terms\" or \"regex\" (or \"all\" "
		               "or \"any\")");
		return COND_NONE;
	}
	if (terms && validate)
		cerror(c, validate, "validate applies to regex matches, not to terms");
	if (terms && keywords)
		cerror(c, keywords, "keywords apply to regexes, not to terms");
	uint32_t id = terms ? compile_terms_leaf(c, map, terms)
	                    : mesura_policy__compile_regex(c, regex, validate, keywords,
	                                                   get_normalize(c, map, MESURA_NORM_NFKC));
	if (id != COND_NONE)
		c->policy->conds[id].whole_word = mesura_policy__get_bool(c, map, "whole_word", 1);
	return id;
}

/* all: [...] or any: [...] */
static uint32_t compile_group(compiler *c, const ynode *map, const ynode *list, cond_kind kind,
                              unsigned depth)
{
	const char *key = kind == COND_ALL ? "all" : "any";
	if (map->n_items != 2) {
		cerror(c, map, "\"%s\" stands alone: put the other keys inside its conditions", key);
		return COND_NONE;
	}
	if (list->kind != YNODE_SEQUENCE || list->n_items == 0) {
		cerror(c, list, "\"%s\" is a non-empty list of conditions", key);
		return COND_NONE;
	}
	uint32_t *children = mesura_arena__alloc(&c->policy->arena,
	                                         list->n_items * sizeof *children);
	if (!children) {
		c->failed_alloc = 1;
		return COND_NONE;
	}
	size_t n = 0;
	for (size_t i = 0; i < list->n_items; i++) {
		size_t old = mesura_policy__path_push(c, ".%s[%zu]", key, i);
		uint32_t child = mesura_policy__compile_condition(c, list->items[i], depth + 1);
		if (child != COND_NONE)
			children[n++] = child;
		mesura_policy__path_pop(c, old);
	}
	uint32_t id = mesura_policy__new_cond(c, kind);
	if (id != COND_NONE) {
		c->policy->conds[id].children = children;
		c->policy->conds[id].n_children = n;
	}
	return id;
}

uint32_t mesura_policy__compile_condition(compiler *c, const ynode *n, unsigned depth)
{
	if (n->kind != YNODE_MAPPING) {
		cerror(c, n, "a condition is a mapping such as { terms: [...] }, { regex: '...' } or "
		             "{ any: [...] }");
		return COND_NONE;
	}
	const ynode *all = mesura_policy__yaml_get(n, "all");
	const ynode *any = mesura_policy__yaml_get(n, "any");
	unsigned limit = c->opts->max_condition_depth ? c->opts->max_condition_depth : MAX_NESTING;
	if ((all || any) && depth >= limit) { /* depth: the all/any around this one */
		mesura_policy__error_at(c, n, MESURA_ELIMIT, "all/any nest deeper than %u", limit);
		return COND_NONE;
	}
	if (all && any) {
		cerror(c, n, "use \"all\" or \"any\", not both: nest one inside the other");
		return COND_NONE;
	}
	if (all || any)
		return compile_group(c, n, all ? all : any, all ? COND_ALL : COND_ANY, depth);
	return compile_leaf(c, n);
}

/* ------------------------------------------------------------ context */

static void compile_context_entry(compiler *c, policy_context *ctx, const ynode *entry)
{
	if (entry->kind != YNODE_MAPPING) {
		cerror(c, entry, "a context is a mapping: { words: [...], within: 40, boost: 0.2 }");
		return;
	}
	mesura_policy__check_keys(c, entry, context_keys);
	const ynode *words = mesura_policy__yaml_get(entry, "words");
	if (!words) {
		cerror(c, entry, "a context needs \"words\"");
		return;
	}
	if (mesura_policy__yaml_get(entry, "within") &&
	    mesura_policy__yaml_get(entry, "within_words"))
		cerror(c, entry, "use \"within\" (characters) or \"within_words\", not both");
	ctx->in_words = mesura_policy__yaml_get(entry, "within_words") != NULL;
	ctx->within = ctx->in_words
	                  ? (size_t)mesura_policy__get_number(c, entry, "within_words", 0, 1000, 5)
	                  : (size_t)mesura_policy__get_number(c, entry, "within", 0, 10000, 40);
	ctx->boost = mesura_policy__get_number(c, entry, "boost", -1, 1, 0.2);
	ctx->required = mesura_policy__get_bool(c, entry, "required", 0);
	c->policy->uses_words |= ctx->in_words;
	ctx->cond = compile_terms_leaf(c, entry, words);
}

void mesura_policy__compile_context(compiler *c, policy_rule *r, const ynode *n)
{
	size_t count = n->kind == YNODE_SEQUENCE ? n->n_items : 1;
	policy_context *ctx = mesura_arena__alloc(&c->policy->arena, (count + 1) * sizeof *ctx);
	if (!ctx) {
		c->failed_alloc = 1;
		return;
	}
	size_t kept = 0;
	for (size_t i = 0; i < count; i++) {
		size_t old = n->kind == YNODE_SEQUENCE ? mesura_policy__path_push(c, "[%zu]", i)
		                                       : strlen(c->path);
		memset(&ctx[kept], 0, sizeof ctx[kept]);
		ctx[kept].cond = COND_NONE;
		compile_context_entry(c, &ctx[kept], n->kind == YNODE_SEQUENCE ? n->items[i] : n);
		kept += ctx[kept].cond != COND_NONE;
		mesura_policy__path_pop(c, old);
	}
	r->context = ctx;
	r->n_context = kept;
}
