/*
 * The policy compiler: YAML tree -> checked, normalised rules.
 *
 * Every problem becomes a diagnostic at the node it concerns, and the walk goes on so
 * that one compile reports every error of the file. Unknown keys are errors (with the
 * nearest known key suggested), never silently ignored: a misspelt `unles:` must not
 * quietly drop a condition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "diagnostics.h"
#include "mesura/errors.h"
#include "mesura/text.h"
#include "yaml_tree.h"

typedef struct {
	mesura_policy *policy;
	mesura_diagnostics *diags;
	const ynode *lexicons;     /* the `lexicons:` mapping, or NULL */
	const char *rule_id;       /* of the rule being compiled */
	char path[256];            /* of the node being compiled */
	int failed_alloc;
	pcre2_compile_context *pcre_compile; /* allocates with the policy's hooks */
} compiler;

/* PCRE2 memory goes through the policy's allocator, like everything else. */
static void *pcre_malloc(PCRE2_SIZE size, void *user)
{
	return mesura_alloc__malloc(user, size);
}

static void pcre_free(void *ptr, void *user)
{
	mesura_alloc__free(user, ptr);
}

/* ------------------------------------------------------------ reporting */

static void error_at(compiler *c, const ynode *n, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void error_at(compiler *c, const ynode *n, int status, const char *fmt, ...)
{
	char message[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	mesura_diag_at at = {c->path, c->rule_id, n ? n->offset : 0, n ? n->line : 1,
	                     n ? n->column : 1};
	mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, status, &at, "%s", message);
}

#define error(c, n, ...) error_at((c), (n), MESURA_ESYNTAX, __VA_ARGS__)

/* Sets the document path for the diagnostics of a sub-node; returns the old length so
 * the caller can restore it. */
static size_t path_push(compiler *c, const char *fmt, ...)
{
	size_t old = strlen(c->path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->path + old, sizeof c->path - old, fmt, ap);
	va_end(ap);
	return old;
}

static void path_pop(compiler *c, size_t old)
{
	c->path[old] = '\0';
}

/* ------------------------------------------------------------ helpers */

/* The known word nearest to `word` (edit distance <= 2), or NULL. */
static const char *suggest(const char *word, size_t len, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (; *known; known++) {
		size_t d = mesura_policy__edit_distance(word, len, *known, strlen(*known));
		if (d < best_d) {
			best = *known;
			best_d = d;
		}
	}
	return best;
}

static int is_scalar(const ynode *n)
{
	return n && n->kind == YNODE_SCALAR;
}

static int scalar_is(const ynode *n, const char *s)
{
	return is_scalar(n) && n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

/* Reports every key of `map` that is not in `known`. */
static void check_keys(compiler *c, const ynode *map, const char *const *known)
{
	for (size_t i = 0; i + 1 < map->n_items; i += 2) {
		const ynode *k = map->items[i];
		if (!is_scalar(k)) {
			error(c, k, "keys must be plain words");
			continue;
		}
		int found = 0;
		for (const char *const *w = known; *w && !found; w++)
			found = scalar_is(k, *w);
		if (found)
			continue;
		const char *near = suggest(k->text, k->len, known);
		if (near)
			error(c, k, "unknown key \"%s\"; did you mean \"%s\"?", k->text, near);
		else
			error(c, k, "unknown key \"%s\"", k->text);
	}
}

static const char *copy_text(compiler *c, const char *s, size_t len)
{
	const char *copy = mesura_arena__strndup(&c->policy->arena, s, len);
	if (!copy)
		c->failed_alloc = 1;
	return copy;
}

/* A required or optional scalar string value. */
static const char *get_string(compiler *c, const ynode *map, const char *key, int required)
{
	const ynode *v = mesura_policy__yaml_get(map, key);
	if (!v) {
		if (required)
			error(c, map, "missing \"%s\"", key);
		return NULL;
	}
	if (!is_scalar(v) || v->len == 0) {
		size_t old = path_push(c, ".%s", key);
		error(c, v, "\"%s\" must be a non-empty text", key);
		path_pop(c, old);
		return NULL;
	}
	return copy_text(c, v->text, v->len);
}

/* Looks `value` up in `names` (NULL-terminated); returns its index or -1 after an error
 * that suggests the nearest name. */
static int get_choice(compiler *c, const ynode *map, const char *key, const char *const *names,
                      int fallback)
{
	const ynode *v = mesura_policy__yaml_get(map, key);
	if (!v)
		return fallback;
	size_t old = path_push(c, ".%s", key);
	int found = -1;
	for (int i = 0; names[i] && found < 0; i++)
		if (scalar_is(v, names[i]))
			found = i;
	if (found < 0) {
		const char *near = is_scalar(v) ? suggest(v->text, v->len, names) : NULL;
		char list[200] = "";
		for (int i = 0; names[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			         names[i]);
		if (near)
			error(c, v, "unknown %s \"%s\"; did you mean \"%s\"?", key, v->text, near);
		else
			error(c, v, "%s must be one of: %s", key, list);
	}
	path_pop(c, old);
	return found;
}

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
	{"join_spaced", MESURA_NORM_JOIN_SPACED},
};

static const char *const norm_word_list[] = {
	"moderation", "deobfuscate", "none", "nfc", "nfkc", "casefold", "strip_marks",
	"invisibles", "confusables", "leet", "collapse_repeats", "join_spaced", NULL};

/* `normalize:` is a preset name or a list of flag names. */
static unsigned int get_normalize(compiler *c, const ynode *match, unsigned int fallback)
{
	const ynode *v = mesura_policy__yaml_get(match, "normalize");
	if (!v)
		return fallback;
	size_t old = path_push(c, ".normalize");
	unsigned int flags = 0;
	size_t n = v->kind == YNODE_SEQUENCE ? v->n_items : 1;
	for (size_t i = 0; i < n; i++) {
		const ynode *item = v->kind == YNODE_SEQUENCE ? v->items[i] : v;
		size_t k = 0, count = sizeof norm_names / sizeof norm_names[0];
		while (k < count && !scalar_is(item, norm_names[k].name))
			k++;
		if (k < count) {
			flags |= norm_names[k].flags;
			continue;
		}
		const char *near = is_scalar(item) ? suggest(item->text, item->len, norm_word_list) : NULL;
		if (near)
			error(c, item, "unknown normalisation \"%s\"; did you mean \"%s\"?", item->text, near);
		else
			error(c, item, "normalize takes a list of: moderation, deobfuscate, none, nfc, nfkc, "
			               "casefold, strip_marks, invisibles, confusables, leet, "
			               "collapse_repeats, join_spaced");
	}
	path_pop(c, old);
	return flags;
}

/* ------------------------------------------------------------ terms */

typedef struct {
	const char **items;
	size_t *lens;
	size_t n, cap;
} term_list;

static int term_list_add(compiler *c, term_list *t, const char *s, size_t len)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		const char **items = mesura_arena__alloc(&c->policy->arena, cap * sizeof *items);
		size_t *lens = mesura_arena__alloc(&c->policy->arena, cap * sizeof *lens);
		if (!items || !lens) {
			c->failed_alloc = 1;
			return MESURA_ENOMEM;
		}
		if (t->n) {
			memcpy(items, t->items, t->n * sizeof *items);
			memcpy(lens, t->lens, t->n * sizeof *lens);
		}
		t->items = items;
		t->lens = lens;
		t->cap = cap;
	}
	const char *copy = copy_text(c, s, len);
	if (!copy)
		return MESURA_ENOMEM;
	t->items[t->n] = copy;
	t->lens[t->n++] = len;
	return MESURA_OK;
}

/* Normalises a term with the rule's flags, as the text will be. */
static void add_term(compiler *c, term_list *t, const ynode *n, mesura_normalizer *nz,
                     mesura_view *view)
{
	if (!is_scalar(n) || n->len == 0) {
		error(c, n, "a term must be a non-empty text");
		return;
	}
	if (mesura_utf8_validate(n->text, n->len, NULL) != MESURA_OK) {
		error(c, n, "the term is not valid UTF-8");
		return;
	}
	int rc = mesura_normalize(nz, view, n->text, n->len);
	if (rc != MESURA_OK) {
		c->failed_alloc = rc == MESURA_ENOMEM;
		return;
	}
	size_t len;
	const char *text = mesura_view_text(view, &len);
	if (len == 0) {
		error(c, n, "the term \"%s\" is empty once normalised", n->text);
		return;
	}
	term_list_add(c, t, text, len);
}

/* Adds the items of a lexicon referenced as "@name". */
static void add_lexicon(compiler *c, term_list *t, const ynode *ref, mesura_normalizer *nz,
                        mesura_view *view)
{
	const ynode *lex = mesura_policy__yaml_get(c->lexicons, ref->text + 1);
	if (!lex) {
		error(c, ref, "lexicon \"%s\" is not defined", ref->text + 1);
		return;
	}
	if (lex->kind != YNODE_SEQUENCE) {
		error(c, ref, "lexicon \"%s\" must be a list of terms", ref->text + 1);
		return;
	}
	for (size_t i = 0; i < lex->n_items; i++)
		add_term(c, t, lex->items[i], nz, view);
}

static void add_term_or_lexicon(compiler *c, term_list *t, const ynode *n,
                                mesura_normalizer *nz, mesura_view *view)
{
	if (is_scalar(n) && n->len > 1 && n->text[0] == '@')
		add_lexicon(c, t, n, nz, view);
	else
		add_term(c, t, n, nz, view);
}

static void compile_terms(compiler *c, policy_rule *r, const ynode *terms)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = r->normalize;
	mesura_normalizer *nz = NULL;
	mesura_view *view = NULL;
	int rc = mesura_normalizer_new(&nz, &opts, &c->policy->alloc);
	if (rc == MESURA_OK)
		rc = mesura_view_new(&view, &c->policy->alloc);
	if (rc != MESURA_OK) {
		c->failed_alloc = 1;
	} else {
		size_t old = path_push(c, ".terms");
		term_list t = {0};
		if (terms->kind == YNODE_SEQUENCE)
			for (size_t i = 0; i < terms->n_items; i++)
				add_term_or_lexicon(c, &t, terms->items[i], nz, view);
		else
			add_term_or_lexicon(c, &t, terms, nz, view);
		if (t.n == 0 && terms->kind == YNODE_SEQUENCE)
			error(c, terms, "the list of terms is empty");
		r->terms = t.items;
		r->term_lens = t.lens;
		r->n_terms = t.n;
		path_pop(c, old);
	}
	mesura_view_free(view);
	mesura_normalizer_free(nz);
}

/* ------------------------------------------------------------ regexes */

/* Column of byte `offset` of a regex written as the scalar node n: exact for plain and
 * single-quoted scalars without escapes, the scalar's start otherwise. */
static unsigned regex_column(const ynode *n, const char *source, size_t offset)
{
	if (n->line == 0)
		return 1;
	const char *at = source + n->offset;
	int quoted = *at == '\'';
	if (!n->plain && !quoted)
		return n->column;
	if (quoted && strstr(n->text, "'"))
		return n->column;
	unsigned col = n->column + (unsigned)quoted;
	for (size_t i = 0; i < offset && i < n->len; i++)
		col += ((unsigned char)n->text[i] & 0xC0) != 0x80;
	return col;
}

static void compile_regex(compiler *c, policy_rule *r, const ynode *re, const char *source)
{
	size_t old = path_push(c, ".regex");
	if (!is_scalar(re) || re->len == 0) {
		error(c, re, "regex must be a non-empty text");
		path_pop(c, old);
		return;
	}
	int err;
	PCRE2_SIZE erroffset;
	r->regex = pcre2_compile((PCRE2_SPTR)re->text, re->len, PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C,
	                         &err, &erroffset, c->pcre_compile);
	if (!r->regex) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(err, msg, sizeof msg);
		mesura_diag_at at = {c->path, c->rule_id, re->offset, re->line,
		                     regex_column(re, source, erroffset)};
		mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, MESURA_ESYNTAX, &at,
		                    "%s at offset %zu of the regex", (const char *)msg,
		                    (size_t)erroffset);
	} else {
		pcre2_jit_compile(r->regex, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
	}
	path_pop(c, old);
}

/* Whether the validator named at the start of `v` ("luhn>=3") takes a parameter. */
static int validator_takes_param(const ynode *v)
{
	const mesura_validator *named =
	    mesura_policy__validator_find(v->text, strcspn(v->text, " >="));
	return !named || mesura_policy__validator_takes_param(named);
}

static void compile_validator(compiler *c, policy_rule *r, const ynode *v)
{
	size_t old = path_push(c, ".validate");
	if (!is_scalar(v)) {
		error(c, v, "validate must be a validator name");
	} else {
		int rc = mesura_policy__validator_parse(v->text, v->len, &r->validator,
		                                        &r->validator_param);
		const char *near = rc == -1 ? mesura_policy__validator_suggest(v->text, v->len) : NULL;
		if (rc == -1 && near)
			error(c, v, "unknown validator \"%s\"; did you mean \"%s\"?", v->text, near);
		else if (rc == -1)
			error(c, v, "unknown validator \"%s\"", v->text);
		else if (rc != 0 && !validator_takes_param(v))
			error(c, v, "validator \"%.*s\" takes no parameter", (int)strcspn(v->text, " >="),
			      v->text);
		else if (rc != 0)
			error(c, v, "validator \"%s\" needs a number, as in entropy>=3.5", v->text);
	}
	path_pop(c, old);
}

/* ------------------------------------------------------------ rules */

static const char *const rule_keys[] = {"id", "category", "severity", "action", "description",
                                        "match", NULL};
static const char *const match_keys[] = {"terms", "regex", "validate", "normalize",
                                         "whole_word", NULL};
static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
static const char *const actions[] = {"log", "redact", "review", "block", NULL};
static const char *const categories[] = {
	"pii.email", "pii.phone", "pii.payment_card", "pii.iban", "pii.national_id",
	"secret.credential", "confidential", "profanity", "harassment", "disclosure.missing",
	NULL};

static void check_category(compiler *c, const ynode *rule, const char *category)
{
	if (!category || strncmp(category, "custom.", 7) == 0)
		return;
	for (const char *const *k = categories; *k; k++)
		if (strcmp(*k, category) == 0)
			return;
	size_t old = path_push(c, ".category");
	const ynode *n = mesura_policy__yaml_get(rule, "category");
	const char *near = suggest(category, strlen(category), categories);
	if (near)
		error(c, n, "unknown category \"%s\"; did you mean \"%s\"? (own categories start with "
		            "\"custom.\")", category, near);
	else
		error(c, n, "unknown category \"%s\" (own categories start with \"custom.\")", category);
	path_pop(c, old);
}

static void check_id(compiler *c, const ynode *rule, const char *id, size_t index)
{
	if (!id)
		return;
	const ynode *n = mesura_policy__yaml_get(rule, "id");
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.')) {
			error(c, n, "rule id \"%s\" may only hold a-z, 0-9, '-', '_' and '.'", id);
			return;
		}
	for (size_t i = 0; i < index; i++)
		if (c->policy->rules[i].id && strcmp(c->policy->rules[i].id, id) == 0) {
			error(c, n, "rule id \"%s\" is used twice", id);
			return;
		}
}

static void compile_match(compiler *c, policy_rule *r, const ynode *match, const char *source)
{
	size_t old = path_push(c, ".match");
	if (match->kind != YNODE_MAPPING) {
		error(c, match, "match must be a mapping such as { terms: [...] } or { regex: '...' }");
		path_pop(c, old);
		return;
	}
	check_keys(c, match, match_keys);
	const ynode *terms = mesura_policy__yaml_get(match, "terms");
	const ynode *regex = mesura_policy__yaml_get(match, "regex");
	const ynode *validate = mesura_policy__yaml_get(match, "validate");
	const ynode *whole = mesura_policy__yaml_get(match, "whole_word");
	if (!terms == !regex)
		error(c, match, "match needs exactly one of \"terms\" or \"regex\"");
	r->whole_word = !whole || !scalar_is(whole, "false");
	if (whole && !scalar_is(whole, "true") && !scalar_is(whole, "false"))
		error(c, whole, "whole_word is true or false");
	if (terms) {
		r->kind = RULE_TERMS;
		r->normalize = get_normalize(c, match, MESURA_NORM_DEOBFUSCATE);
		if (validate)
			error(c, validate, "validate applies to regex matches, not to terms");
		compile_terms(c, r, terms);
	} else if (regex) {
		r->kind = RULE_REGEX;
		r->normalize = get_normalize(c, match, MESURA_NORM_NFKC);
		compile_regex(c, r, regex, source);
		if (validate)
			compile_validator(c, r, validate);
	}
	path_pop(c, old);
}

static void compile_rule(compiler *c, const ynode *rule, size_t index, const char *source)
{
	policy_rule *r = &c->policy->rules[index];
	size_t old = path_push(c, "rules[%zu]", index);
	if (rule->kind != YNODE_MAPPING) {
		error(c, rule, "each rule is a mapping with id, category, action and match");
		path_pop(c, old);
		return;
	}
	r->id = get_string(c, rule, "id", 1);
	c->rule_id = r->id;
	check_keys(c, rule, rule_keys);
	check_id(c, rule, r->id, index);
	r->category = get_string(c, rule, "category", 1);
	check_category(c, rule, r->category);
	r->description = get_string(c, rule, "description", 0);
	r->severity = (mesura_severity)(get_choice(c, rule, "severity", severities, 1) + 1);
	r->action = (mesura_action)(get_choice(c, rule, "action", actions, 2) + 1);
	const ynode *match = mesura_policy__yaml_get(rule, "match");
	if (!match)
		error(c, rule, "rule \"%s\" has no \"match\"", r->id ? r->id : "?");
	else
		compile_match(c, r, match, source);
	c->rule_id = NULL;
	path_pop(c, old);
}

/* ------------------------------------------------------------ document */

static const char *const top_keys[] = {"mesura", "name", "description", "lexicons", "rules",
                                       "allow", NULL};

static void compile_allow(compiler *c, const ynode *allow)
{
	size_t old = path_push(c, "allow");
	if (allow->kind != YNODE_SEQUENCE) {
		error(c, allow, "allow is a list of terms");
		path_pop(c, old);
		return;
	}
	mesura_normalizer *nz = NULL;
	mesura_view *view = NULL;
	if (mesura_normalizer_new(&nz, NULL, &c->policy->alloc) != MESURA_OK ||
	    mesura_view_new(&view, &c->policy->alloc) != MESURA_OK) {
		c->failed_alloc = 1;
	} else {
		term_list t = {0};
		for (size_t i = 0; i < allow->n_items; i++)
			add_term_or_lexicon(c, &t, allow->items[i], nz, view);
		c->policy->allow = t.items;
		c->policy->allow_lens = t.lens;
		c->policy->n_allow = t.n;
	}
	mesura_view_free(view);
	mesura_normalizer_free(nz);
	path_pop(c, old);
}

static void check_lexicons(compiler *c, const ynode *lexicons)
{
	if (lexicons->kind != YNODE_MAPPING) {
		error(c, lexicons, "lexicons is a mapping of names to lists of terms");
		return;
	}
	for (size_t i = 0; i + 1 < lexicons->n_items; i += 2) {
		const ynode *name = lexicons->items[i], *list = lexicons->items[i + 1];
		if (list->kind != YNODE_SEQUENCE)
			error(c, list, "lexicon \"%s\" must be a list of terms",
			      is_scalar(name) ? name->text : "?");
	}
}

static void compile_document(compiler *c, const ynode *root, const char *source)
{
	if (!root || root->kind != YNODE_MAPPING) {
		error(c, root, "a policy is a YAML mapping starting with \"mesura: 1\"");
		return;
	}
	check_keys(c, root, top_keys);
	const ynode *version = mesura_policy__yaml_get(root, "mesura");
	if (!version)
		error(c, root, "missing \"mesura: 1\" (the version of the policy format)");
	else if (!scalar_is(version, "1"))
		error_at(c, version, MESURA_EVERSION,
		         "this mesura reads policy format 1, not \"%s\"",
		         is_scalar(version) ? version->text : "?");
	c->policy->name = get_string(c, root, "name", 0);
	if (!c->policy->name)
		c->policy->name = copy_text(c, "", 0);
	c->lexicons = mesura_policy__yaml_get(root, "lexicons");
	if (c->lexicons)
		check_lexicons(c, c->lexicons);
	const ynode *rules = mesura_policy__yaml_get(root, "rules");
	if (!rules || rules->kind != YNODE_SEQUENCE || rules->n_items == 0) {
		error(c, rules ? rules : root, "a policy needs a non-empty list of \"rules\"");
	} else {
		c->policy->rules = mesura_arena__alloc(&c->policy->arena,
		                                       rules->n_items * sizeof *c->policy->rules);
		if (!c->policy->rules) {
			c->failed_alloc = 1;
			return;
		}
		c->policy->n_rules = rules->n_items;
		for (size_t i = 0; i < rules->n_items; i++)
			compile_rule(c, rules->items[i], i, source);
	}
	const ynode *allow = mesura_policy__yaml_get(root, "allow");
	if (allow)
		compile_allow(c, allow);
}

/* ------------------------------------------------------------ matchers */

/* The index of the view with `flags`, added when new. */
static size_t view_index(mesura_policy *p, unsigned int flags)
{
	for (size_t v = 0; v < p->n_views; v++)
		if (p->views[v].flags == flags)
			return v;
	p->views[p->n_views].flags = flags;
	return p->n_views++;
}

/* One automaton of the terms of every rule that matches on view v; ids are rule
 * indexes. */
static int build_view_terms(mesura_policy *p, size_t v)
{
	size_t n = 0;
	for (size_t r = 0; r < p->n_rules; r++)
		if (p->rules[r].view == v && p->rules[r].kind == RULE_TERMS)
			n += p->rules[r].n_terms;
	if (n == 0)
		return MESURA_OK;
	const char **terms = mesura_alloc__malloc(&p->alloc, n * sizeof *terms);
	size_t *lens = mesura_alloc__malloc(&p->alloc, n * sizeof *lens);
	uint32_t *ids = mesura_alloc__malloc(&p->alloc, n * sizeof *ids);
	int rc = terms && lens && ids ? MESURA_OK : MESURA_ENOMEM;
	for (size_t r = 0, k = 0; rc == MESURA_OK && r < p->n_rules; r++) {
		const policy_rule *rule = &p->rules[r];
		if (rule->view != v || rule->kind != RULE_TERMS)
			continue;
		for (size_t i = 0; i < rule->n_terms; i++, k++) {
			terms[k] = rule->terms[i];
			lens[k] = rule->term_lens[i];
			ids[k] = (uint32_t)r;
		}
	}
	if (rc == MESURA_OK)
		rc = mesura_scan__terms_build(&p->views[v].terms, terms, lens, ids, n, &p->alloc);
	mesura_alloc__free(&p->alloc, terms);
	mesura_alloc__free(&p->alloc, lens);
	mesura_alloc__free(&p->alloc, ids);
	return rc;
}

static int build_allow_terms(mesura_policy *p)
{
	uint32_t *ids = mesura_alloc__malloc(&p->alloc, p->n_allow * sizeof *ids);
	if (!ids)
		return MESURA_ENOMEM;
	for (size_t i = 0; i < p->n_allow; i++)
		ids[i] = (uint32_t)i;
	int rc = mesura_scan__terms_build(&p->allow_terms, p->allow, p->allow_lens, ids,
	                                  p->n_allow, &p->alloc);
	mesura_alloc__free(&p->alloc, ids);
	return rc;
}

/* The views the scanner makes of a post and the automata that run on them: one view
 * per distinct set of normalisation flags, however many rules share it. */
static int build_matchers(mesura_policy *p)
{
	p->views = mesura_arena__alloc(&p->arena, (p->n_rules + 1) * sizeof *p->views);
	if (!p->views)
		return MESURA_ENOMEM;
	for (size_t r = 0; r < p->n_rules; r++)
		p->rules[r].view = view_index(p, p->rules[r].normalize);
	if (p->n_allow)
		p->allow_view = view_index(p, MESURA_NORM_MODERATION);
	int rc = MESURA_OK;
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views; v++) {
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = p->views[v].flags;
		rc = mesura_normalizer_new(&p->views[v].normalizer, &opts, &p->alloc);
		if (rc == MESURA_OK)
			rc = build_view_terms(p, v);
	}
	if (rc == MESURA_OK && p->n_allow)
		rc = build_allow_terms(p);
	return rc;
}

/* ------------------------------------------------------------ public */

int mesura_compile_options_init(mesura_compile_options *opts, unsigned int version)
{
	if (!opts)
		return MESURA_EINVAL;
	if (version != MESURA_COMPILE_OPTIONS_VERSION)
		return MESURA_EVERSION;
	mesura_compile_options defaults = MESURA_COMPILE_OPTIONS_INIT;
	*opts = defaults;
	return MESURA_OK;
}

/* Puts diagnostics in source order, keeping the walk's order at equal offsets
 * (a stable insertion sort: there are few). */
static void sort_by_offset(mesura_diagnostic *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		mesura_diagnostic x = items[i];
		size_t j = i;
		for (; j > 0 && items[j - 1].byte_offset > x.byte_offset; j--)
			items[j] = items[j - 1];
		items[j] = x;
	}
}

void mesura_policy_free(mesura_policy *policy)
{
	if (!policy)
		return;
	for (size_t i = 0; i < policy->n_rules; i++)
		pcre2_code_free(policy->rules[i].regex);
	for (size_t v = 0; v < policy->n_views; v++) {
		mesura_normalizer_free(policy->views[v].normalizer);
		mesura_scan__terms_free(policy->views[v].terms);
	}
	mesura_scan__terms_free(policy->allow_terms);
	mesura_allocator alloc = policy->alloc;
	mesura_arena__free(&policy->arena);
	mesura_alloc__free(&alloc, policy);
}

static int new_policy(mesura_policy **out, const mesura_allocator *allocator)
{
	int rc = mesura_alloc__new_object((void **)out, sizeof **out, allocator);
	if (rc == MESURA_OK)
		mesura_arena__init(&(*out)->arena, &(*out)->alloc);
	return rc;
}

/* Compiles into `policy`, recording problems in `diags`. */
static int compile_source(mesura_policy *policy, mesura_diagnostics *diags, const char *src,
                          size_t len, const mesura_compile_options *opts)
{
	size_t max_bytes = opts->max_source_bytes ? opts->max_source_bytes : (size_t)16 << 20;
	unsigned max_depth = opts->max_depth ? opts->max_depth : 64;
	mesura_diag_at start = {"", NULL, 0, 1, 1};
	if (len > max_bytes) {
		mesura_policy__diag(diags, MESURA_DIAG_ERROR, MESURA_ELIMIT, &start,
		                    "the policy is %zu bytes; the limit is %zu", len, max_bytes);
		return MESURA_ELIMIT;
	}
	size_t bad;
	if (mesura_utf8_validate(src, len, &bad) != MESURA_OK) {
		mesura_diag_at at = {"", NULL, bad, 1, 1};
		for (size_t i = 0; i < bad; i++) { /* line and column of the bad byte */
			if (src[i] == '\n') {
				at.line++;
				at.column = 1;
			} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
				at.column++;
			}
		}
		mesura_policy__diag(diags, MESURA_DIAG_ERROR, MESURA_EUTF8, &at,
		                    "the policy is not valid UTF-8 (byte 0x%02X)",
		                    (unsigned)(unsigned char)src[bad]);
		return MESURA_ESYNTAX;
	}
	mesura_arena tree;
	mesura_arena__init(&tree, &policy->alloc);
	ynode *root = NULL;
	int rc = mesura_policy__yaml_read(src, len, max_depth, &tree, diags, &root);
	if (rc == MESURA_OK) {
		compiler c = {policy, diags, NULL, NULL, "", 0, NULL};
		pcre2_general_context *gc = pcre2_general_context_create(pcre_malloc, pcre_free,
		                                                         &policy->alloc);
		c.pcre_compile = gc ? pcre2_compile_context_create(gc) : NULL;
		if (c.pcre_compile)
			compile_document(&c, root, src);
		else
			c.failed_alloc = 1;
		pcre2_compile_context_free(c.pcre_compile);
		pcre2_general_context_free(gc);
		rc = c.failed_alloc ? MESURA_ENOMEM : diags->errors ? MESURA_ESYNTAX : MESURA_OK;
	}
	if (rc == MESURA_OK)
		rc = build_matchers(policy);
	mesura_arena__free(&tree);
	return rc;
}

int mesura_policy_compile(mesura_policy **out, const char *src, size_t len, const char *name,
                          const mesura_compile_options *opts, mesura_diagnostics **diags,
                          const mesura_allocator *allocator)
{
	if (diags)
		*diags = NULL;
	if (!out || (!src && len > 0))
		return MESURA_EINVAL;
	*out = NULL;
	mesura_compile_options defaults = MESURA_COMPILE_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != MESURA_COMPILE_OPTIONS_VERSION)
		return MESURA_EVERSION;
	mesura_diagnostics *d = NULL;
	mesura_policy *policy = NULL;
	int rc = mesura_policy__diags_new(&d, name ? name : "<policy>", allocator);
	if (rc == MESURA_OK)
		rc = new_policy(&policy, allocator);
	if (rc == MESURA_OK)
		rc = compile_source(policy, d, src ? src : "", len, opts);
	if (rc == MESURA_OK && d->out_of_memory)
		rc = MESURA_ENOMEM;
	if (rc != MESURA_OK) {
		mesura_policy_free(policy);
		policy = NULL;
	}
	if (d)
		sort_by_offset(d->items, d->n);
	if (diags)
		*diags = d;
	else
		mesura_diagnostics_free(d);
	*out = policy;
	return rc;
}

/* Reads a whole file with the caller's allocator; returns 0 when it cannot. */
static int read_file(const char *path, const mesura_allocator *alloc, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t cap = 0;
	int ok = 1;
	*buf = NULL;
	*len = 0;
	for (;;) {
		void *grown = *buf;
		if (mesura_alloc__grow(alloc, &grown, &cap, *len + 65536, 1) != MESURA_OK) {
			ok = 0;
			break;
		}
		*buf = grown;
		size_t n = fread(*buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0) {
			ok = !ferror(f);
			break;
		}
	}
	fclose(f);
	if (!ok) {
		mesura_alloc__free(alloc, *buf);
		*buf = NULL;
	}
	return ok;
}

int mesura_policy_load_file(mesura_policy **out, const char *path,
                            const mesura_compile_options *opts, mesura_diagnostics **diags,
                            const mesura_allocator *allocator)
{
	if (diags)
		*diags = NULL;
	if (!out || !path)
		return MESURA_EINVAL;
	*out = NULL;
	mesura_allocator alloc;
	int rc = mesura_alloc__init(&alloc, allocator);
	if (rc != MESURA_OK)
		return rc;
	char *buf;
	size_t len;
	if (read_file(path, &alloc, &buf, &len)) {
		rc = mesura_policy_compile(out, buf, len, path, opts, diags, allocator);
		mesura_alloc__free(&alloc, buf);
		return rc;
	}
	mesura_diagnostics *d = NULL;
	rc = mesura_policy__diags_new(&d, path, allocator);
	if (rc == MESURA_OK) {
		mesura_diag_at at = {"", NULL, 0, 0, 0};
		mesura_policy__diag(d, MESURA_DIAG_ERROR, MESURA_EINVAL, &at,
		                    "cannot read the policy file");
		rc = d->out_of_memory ? MESURA_ENOMEM : MESURA_EINVAL;
	}
	if (diags)
		*diags = d;
	else
		mesura_diagnostics_free(d);
	return rc;
}

const char *mesura_policy_name(const mesura_policy *policy)
{
	return policy ? policy->name : NULL;
}

size_t mesura_policy_rule_count(const mesura_policy *policy)
{
	return policy ? policy->n_rules : 0;
}
