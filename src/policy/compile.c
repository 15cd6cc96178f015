/*
 * The policy compiler: YAML tree -> checked, normalised rules.
 *
 * Every problem becomes a diagnostic at the node it concerns, and the walk goes on so
 * that one compile reports every error of the file. Unknown keys are errors (with the
 * nearest known key suggested), never silently ignored: a misspelt `unles:` must not
 * quietly drop a condition.
 *
 * This file holds the document level (version, include, lexicons, rules, allow) and
 * the steps src/load/load.c runs (the public entry points are there: it checks the
 * rules' examples with the scanner between the steps); conditions.c compiles what a
 * rule matches, lexicons.c the word lists, regex.c the patterns, matchers.c the
 * automata the scanner runs.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "compile.h"
#include "compiler.h"
#include "common/options.h"
#include "mesura/errors.h"
#include "mesura/text.h"

/* Policy files may include others up to this depth (a cycle is an error anyway). */
#define MAX_INCLUDE_DEPTH 8

/* PCRE2 memory goes through the policy's allocator, like everything else. */
static void *pcre_malloc(PCRE2_SIZE size, void *user)
{
	return mesura_alloc__malloc(user, size);
}

static void pcre_free(void *ptr, void *user)
{
	mesura_alloc__free(user, ptr);
}

/* ------------------------------------------------------------ rules */

static const char *const rule_keys[] = {
	"id", "category", "severity", "action", "description", "confidence", "min_confidence",
	"match", "unless", "context", "examples", "redact", "redact_extent", NULL};
static const char *const example_keys[] = {"match", "no_match", NULL};
#define severities mesura_policy__severities
#define actions mesura_policy__actions
#define extents mesura_policy__extents
static const char *const categories[] = {
	"pii.email", "pii.phone", "pii.payment_card", "pii.iban", "pii.national_id",
	"secret.credential", "confidential", "profanity", "harassment", "hate", "hate.slur",
	"hate.phrase", "sexual", "disclosure.missing", NULL};

static void check_category(compiler *c, const ynode *rule, const char *category)
{
	if (!category || strncmp(category, "custom.", 7) == 0)
		return;
	for (const char *const *k = categories; *k; k++)
		if (strcmp(*k, category) == 0)
			return;
	size_t old = mesura_policy__path_push(c, ".category");
	const ynode *n = mesura_policy__yaml_get(rule, "category");
	const char *near = mesura_policy__suggest(category, strlen(category), categories);
	if (near)
		cerror(c, n, "unknown category \"%s\"; did you mean \"%s\"? (own categories start "
		             "with \"custom.\")", category, near);
	else
		cerror(c, n, "unknown category \"%s\" (own categories start with \"custom.\")",
		       category);
	mesura_policy__path_pop(c, old);
}

static void check_id(compiler *c, const ynode *rule, const char *id)
{
	if (!id)
		return;
	const ynode *n = mesura_policy__yaml_get(rule, "id");
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.')) {
			cerror(c, n, "rule id \"%s\" may only hold a-z, 0-9, '-', '_' and '.'", id);
			return;
		}
	for (size_t i = 0; i + 1 < c->policy->n_rules; i++)
		if (c->policy->rules[i].id && strcmp(c->policy->rules[i].id, id) == 0) {
			cerror(c, n, "rule id \"%s\" is used twice", id);
			return;
		}
}

/* One list of examples: texts the rule must (or must not) flag. */
static void compile_example_list(compiler *c, const ynode *list, policy_example **out,
                                 size_t *n_out)
{
	if (list->kind != YNODE_SEQUENCE) {
		cerror(c, list, "examples are a list of posts");
		return;
	}
	policy_example *ex = mesura_arena__alloc(&c->policy->arena,
	                                         (list->n_items + 1) * sizeof *ex);
	if (!ex) {
		c->failed_alloc = 1;
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < list->n_items; i++) {
		const ynode *item = list->items[i];
		if (!mesura_policy__is_scalar(item)) {
			cerror(c, item, "an example is a text");
			continue;
		}
		ex[n++] = (policy_example){item->text, item->len, item, c->file};
	}
	*out = ex;
	*n_out = n;
}

static void compile_examples(compiler *c, policy_rule *r, const ynode *examples)
{
	size_t old = mesura_policy__path_push(c, ".examples");
	if (examples->kind != YNODE_MAPPING) {
		cerror(c, examples, "examples is a mapping: { match: [...], no_match: [...] }");
	} else {
		mesura_policy__check_keys(c, examples, example_keys);
		const ynode *yes = mesura_policy__yaml_get(examples, "match");
		const ynode *no = mesura_policy__yaml_get(examples, "no_match");
		size_t old_key = mesura_policy__path_push(c, ".match");
		if (yes)
			compile_example_list(c, yes, &r->examples_match, &r->n_examples_match);
		mesura_policy__path_pop(c, old_key);
		mesura_policy__path_push(c, ".no_match");
		if (no)
			compile_example_list(c, no, &r->examples_no_match, &r->n_examples_no_match);
		mesura_policy__path_pop(c, old_key);
	}
	mesura_policy__path_pop(c, old);
}

/* A new rule at the end of the policy's list; NULL when out of memory. */
static policy_rule *new_rule(compiler *c)
{
	mesura_policy *p = c->policy;
	void *rules = p->rules;
	if (mesura_alloc__grow(&p->alloc, &rules, &c->rules_cap, p->n_rules + 1,
	                       sizeof *p->rules) != MESURA_OK) {
		c->failed_alloc = 1;
		return NULL;
	}
	p->rules = rules;
	policy_rule *r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof *r);
	r->match = r->unless = COND_NONE;
	return r;
}

static void compile_rule_conditions(compiler *c, policy_rule *r, const ynode *rule)
{
	const ynode *match = mesura_policy__yaml_get(rule, "match");
	const ynode *unless = mesura_policy__yaml_get(rule, "unless");
	const ynode *context = mesura_policy__yaml_get(rule, "context");
	size_t old = mesura_policy__path_push(c, ".match");
	c->role = ROLE_MATCH;
	if (!match)
		cerror(c, rule, "rule \"%s\" has no \"match\"", r->id ? r->id : "?");
	else
		r->match = mesura_policy__compile_condition(c, match, 0);
	mesura_policy__path_pop(c, old);
	if (unless) {
		mesura_policy__path_push(c, ".unless");
		c->role = ROLE_UNLESS;
		r->unless = mesura_policy__compile_condition(c, unless, 0);
		mesura_policy__path_pop(c, old);
	}
	if (context) {
		mesura_policy__path_push(c, ".context");
		c->role = ROLE_CONTEXT;
		mesura_policy__compile_context(c, r, context);
		mesura_policy__path_pop(c, old);
	}
}

static void compile_rule(compiler *c, const ynode *rule, size_t index)
{
	size_t old = mesura_policy__path_push(c, "rules[%zu]", index);
	if (rule->kind != YNODE_MAPPING) {
		cerror(c, rule, "each rule is a mapping with id, category, action and match");
		mesura_policy__path_pop(c, old);
		return;
	}
	policy_rule *r = new_rule(c);
	if (!r) {
		mesura_policy__path_pop(c, old);
		return;
	}
	c->rule = (uint32_t)(c->policy->n_rules - 1);
	r->index = index;
	r->id = mesura_policy__get_string(c, rule, "id", 1);
	c->rule_id = r->id;
	mesura_policy__check_keys(c, rule, rule_keys);
	check_id(c, rule, r->id);
	r->category = mesura_policy__get_string(c, rule, "category", 1);
	check_category(c, rule, r->category);
	r->description = mesura_policy__get_string(c, rule, "description", 0);
	int severity = mesura_policy__get_choice(c, rule, "severity", severities, 1);
	r->severity = (mesura_severity)(severity + 1);
	r->action = (mesura_action)(mesura_policy__get_choice(c, rule, "action", actions, 2) + 1);
	r->confidence = mesura_policy__get_number(c, rule, "confidence", 0, 1, 0.8);
	r->min_confidence = mesura_policy__get_number(c, rule, "min_confidence", 0, 1, 0);
	compile_rule_conditions(c, r, rule);
	const ynode *examples = mesura_policy__yaml_get(rule, "examples");
	if (examples)
		compile_examples(c, &c->policy->rules[c->rule], examples);
	const ynode *redact = mesura_policy__yaml_get(rule, "redact");
	if (redact)
		mesura_policy__compile_redact(c, &c->policy->rules[c->rule], redact);
	int extent =
	    mesura_policy__get_choice(c, rule, "redact_extent", extents, MESURA_EXTENT_PARTS);
	c->policy->rules[c->rule].redact_extent =
	    extent < 0 ? MESURA_EXTENT_PARTS : (mesura_redact_extent)extent;
	c->rule_id = NULL;
	mesura_policy__path_pop(c, old);
}

/* ------------------------------------------------------------ document */

static const char *const top_keys[] = {"mesura", "name", "description", "include", "lexicons",
                                       "rules", "allow", "overrides", NULL};

static void compile_allow(compiler *c, const ynode *allow)
{
	size_t old = mesura_policy__path_push(c, "allow");
	const char **items;
	size_t *lens, n;
	term_origin *origins;
	if (allow->kind != YNODE_SEQUENCE) {
		cerror(c, allow, "allow is a list of terms");
	} else if (mesura_policy__collect_terms_from(c, allow, MESURA_NORM_MODERATION, 1, &items,
	                                             &lens, &n, &origins) == MESURA_OK && n) {
		mesura_policy *p = c->policy;
		size_t total = p->n_allow + n;
		const char **all = mesura_arena__alloc(&p->arena, total * sizeof *all);
		size_t *all_lens = mesura_arena__alloc(&p->arena, total * sizeof *all_lens);
		term_origin *all_origins = mesura_arena__alloc(&p->arena, total * sizeof *all_origins);
		if (!all || !all_lens || !all_origins) {
			c->failed_alloc = 1;
		} else {
			if (p->n_allow) {
				memcpy(all, p->allow, p->n_allow * sizeof *all);
				memcpy(all_lens, p->allow_lens, p->n_allow * sizeof *all_lens);
				memcpy(all_origins, c->allow_origins, p->n_allow * sizeof *all_origins);
			}
			memcpy(all + p->n_allow, items, n * sizeof *all);
			memcpy(all_lens + p->n_allow, lens, n * sizeof *all_lens);
			memcpy(all_origins + p->n_allow, origins, n * sizeof *all_origins);
			p->allow = all;
			p->allow_lens = all_lens;
			c->allow_origins = all_origins;
			p->n_allow = total;
		}
	}
	mesura_policy__path_pop(c, old);
}

static void check_version(compiler *c, const ynode *root)
{
	const ynode *version = mesura_policy__yaml_get(root, "mesura");
	if (!version)
		cerror(c, root, "missing \"mesura: 1\" (the version of the policy format)");
	else if (!mesura_policy__scalar_is(version, "1"))
		mesura_policy__error_at(c, version, MESURA_EVERSION,
		                        "this mesura reads policy format 1, not \"%s\"",
		                        mesura_policy__is_scalar(version) ? version->text : "?");
}

static void compile_source_text(compiler *c, const char *src, size_t len);

/* The canonical path of a policy file ("a/../b.yaml" and "./b.yaml" are one file), or
 * the name itself when it is not a file (a built-in module, "<policy>"). */
static const char *identity_of(compiler *c, const char *name)
{
	char buf[PATH_MAX];
	if (strncmp(name, "builtin:", 8) == 0 || !realpath(name, buf))
		return name;
	return mesura_policy__copy_text(c, buf, strlen(buf));
}

/* A policy included a second time (builtin:default holds builtin:pii; or a list that
 * names a module twice) is compiled once: its rules would all be "used twice". One
 * warning names both sites. Otherwise records this site; 0. */
static int already_included(compiler *c, const ynode *item, const char *identity)
{
	for (size_t i = 0; i < c->n_included; i++) {
		const include_site *at = &c->included[i];
		if (strcmp(at->identity, identity) == 0) {
			mesura_policy__warn(c, item, "\"%s\" is already included (at %s:%u:%u); it is "
			                             "compiled once", item->text, at->file, at->line,
			                    at->column);
			return 1;
		}
	}
	void *sites = c->included;
	if (mesura_alloc__grow(&c->policy->alloc, &sites, &c->included_cap, c->n_included + 1,
	                       sizeof *c->included) != MESURA_OK) {
		c->failed_alloc = 1;
		return 1;
	}
	c->included = sites;
	c->included[c->n_included++] = (include_site){identity, c->file, item->line, item->column};
	return 0;
}

/* Compiles an included policy (a file, or a built-in module) in place. */
static void include_one(compiler *c, const ynode *item)
{
	if (!mesura_policy__is_scalar(item) || item->len == 0) {
		cerror(c, item, "include takes file names and builtin: modules");
		return;
	}
	const char *src = NULL;
	char *buf = NULL;
	size_t len = 0;
	const char *name = item->text;
	if (strncmp(item->text, "builtin:", 8) == 0) {
		if (!mesura_policy__builtin_find(item->text + 8, &src, &len)) {
			const char *near = mesura_policy__builtin_nearest(item->text + 8);
			if (near)
				cerror(c, item, "there is no built-in module \"%s\"; did you mean "
				                "\"builtin:%s\"?", item->text + 8, near);
			else
				cerror(c, item, "there is no built-in module \"%s\" (there are: %s)",
				       item->text + 8, mesura_policy__builtin_names());
			return;
		}
	} else if (c->opts->flags & MESURA_COMPILE_NO_FILES) {
		cerror(c, item, "this policy may not include files (MESURA_COMPILE_NO_FILES)");
		return;
	} else {
		char why[FILE_WHY_SIZE];
		int rc = mesura_policy__read_relative(c, item->text, &buf, &len, &name, why, sizeof why);
		if (rc == MESURA_ELIMIT)
			mesura_policy__error_at(c, item, MESURA_ELIMIT, "\"%s\" is %s", item->text, why);
		else if (rc == MESURA_EIO)
			cerror(c, item, "cannot read \"%s\": %s", item->text, why);
		if (rc != MESURA_OK)
			return;
		src = buf;
	}
	const char *identity = identity_of(c, name);
	for (unsigned d = 0; identity && d < c->depth; d++)
		if (strcmp(c->including[d], identity) == 0) {
			cerror(c, item, "\"%s\" includes itself", item->text);
			mesura_alloc__free(&c->policy->alloc, buf);
			return;
		}
	if (already_included(c, item, identity)) {
		mesura_alloc__free(&c->policy->alloc, buf);
		return;
	}
	if (c->depth > MAX_INCLUDE_DEPTH) { /* depth: the top file and the includes in it */
		mesura_policy__error_at(c, item, MESURA_ELIMIT, "includes nest deeper than %d",
		                        MAX_INCLUDE_DEPTH);
	} else {
		/* What is per file; everything else (rules, lexicons, counts) accumulates. */
		const char *file = c->file, *identity_here = c->identity, *source = c->source;
		size_t source_len = c->source_len;
		unsigned depth = c->depth;
		char path[sizeof c->path];
		memcpy(path, c->path, sizeof path);
		c->file = name;
		c->identity = identity;
		c->path[0] = '\0';
		if (mesura_policy__diags_set_file(c->diags, name) != MESURA_OK)
			c->failed_alloc = 1;
		compile_source_text(c, src, len);
		c->file = file;
		c->identity = identity_here;
		c->source = source;
		c->source_len = source_len;
		c->depth = depth;
		memcpy(c->path, path, sizeof path);
		if (mesura_policy__diags_set_file(c->diags, c->file) != MESURA_OK)
			c->failed_alloc = 1;
	}
	mesura_alloc__free(&c->policy->alloc, buf);
}

static void compile_includes(compiler *c, const ynode *include)
{
	size_t old = mesura_policy__path_push(c, "include");
	if (include->kind == YNODE_SEQUENCE)
		for (size_t i = 0; i < include->n_items; i++) {
			size_t old_item = mesura_policy__path_push(c, "[%zu]", i);
			include_one(c, include->items[i]);
			mesura_policy__path_pop(c, old_item);
		}
	else
		include_one(c, include);
	mesura_policy__path_pop(c, old);
}

/* Includes first (their lexicons are then visible here), then this file's own. */
static void compile_document(compiler *c, const ynode *root)
{
	if (!root || root->kind != YNODE_MAPPING) {
		cerror(c, root, "a policy is a YAML mapping starting with \"mesura: 1\"");
		return;
	}
	mesura_policy__check_keys(c, root, top_keys);
	check_version(c, root);
	if (c->depth == 1) {
		c->policy->name = mesura_policy__get_string(c, root, "name", 0);
		if (!c->policy->name)
			c->policy->name = mesura_policy__copy_text(c, "", 0);
	}
	const ynode *overrides = mesura_policy__yaml_get(root, "overrides");
	if (overrides && c->depth == 1) { /* lexicon overrides apply as the includes define them */
		c->overrides = overrides;
		c->overrides_file = c->file;
	} else if (overrides) {
		cerror(c, overrides,
		       "overrides belong in the policy file that is compiled, not in an included one");
	}
	const ynode *include = mesura_policy__yaml_get(root, "include");
	if (include)
		compile_includes(c, include);
	const ynode *lexicons = mesura_policy__yaml_get(root, "lexicons");
	if (lexicons)
		mesura_policy__define_lexicons(c, lexicons);
	const ynode *rules = mesura_policy__yaml_get(root, "rules");
	if (rules && rules->kind != YNODE_SEQUENCE)
		cerror(c, rules, "rules is a list of rules");
	for (size_t i = 0; rules && rules->kind == YNODE_SEQUENCE && i < rules->n_items; i++)
		compile_rule(c, rules->items[i], i);
	const ynode *allow = mesura_policy__yaml_get(root, "allow");
	/* An included file may bring only lexicons or allow-listed terms (the
	 * shared/codenames.yaml of docs/policy.md); the top file needs rules. */
	if (!rules && !include && (c->depth == 1 || (!lexicons && !allow)))
		cerror(c, root, "a policy needs a list of \"rules\" (or an \"include\")");
	if (allow)
		compile_allow(c, allow);
	if (c->depth == 1)
		mesura_policy__apply_overrides(c);
}

/* Line and column of byte `bad` of src. */
static mesura_diag_at position_of(const char *src, size_t bad)
{
	mesura_diag_at at = {"", NULL, bad, 1, 1};
	for (size_t i = 0; i < bad; i++) {
		if (src[i] == '\n') {
			at.line++;
			at.column = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			at.column++;
		}
	}
	return at;
}

/* Whether a document looks like a policy: a mapping with the `mesura:` version key. */
static int is_policy_document(const ynode *root)
{
	return root && root->kind == YNODE_MAPPING && mesura_policy__yaml_get(root, "mesura");
}

/* Checks, parses and compiles one policy text (the top one or an included one). */
static void compile_source_text(compiler *c, const char *src, size_t len)
{
	size_t max_bytes = mesura_policy__source_limit(c->opts);
	unsigned max_depth = c->opts->max_depth ? c->opts->max_depth : 64;
	mesura_diag_at start = {"", NULL, 0, 1, 1};
	size_t bad;
	if (len > max_bytes) {
		mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, MESURA_ELIMIT, &start,
		                    "the policy is larger than the limit of %zu bytes "
		                    "(max_source_bytes)", max_bytes);
		c->over_limit = 1;
		return;
	}
	if (mesura_utf8_validate(src, len, &bad) != MESURA_OK) {
		mesura_diag_at at = position_of(src, bad);
		if (c->depth > 0) /* an included file may be any file: no byte of it is shown */
			mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, MESURA_EUTF8, &at,
			                    "the included file is not valid UTF-8");
		else
			mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, MESURA_EUTF8, &at,
			                    "the policy is not valid UTF-8 (byte 0x%02X)",
			                    (unsigned)(unsigned char)src[bad]);
		return;
	}
	ynode *root = NULL;
	int rc = mesura_policy__yaml_read(src, len, max_depth, c->trees, c->diags, &root);
	c->failed_alloc |= rc == MESURA_ENOMEM;
	c->over_limit |= rc == MESURA_ELIMIT;
	if (rc != MESURA_OK)
		return;
	if (c->depth > 0 && !is_policy_document(root) && strncmp(c->file, "builtin:", 8) != 0) {
		/* Perhaps not meant as a policy: diagnostics would echo what it holds. */
		mesura_policy__diag(c->diags, MESURA_DIAG_ERROR, MESURA_ESYNTAX, &start,
		                    "the included file is not a mesura policy (no \"mesura:\" key "
		                    "at its top); its contents are not shown");
		return;
	}
	c->including[c->depth++] = c->identity ? c->identity : c->file;
	c->source = src;
	c->source_len = len;
	compile_document(c, root);
}

/* ------------------------------------------------------------ public */

/* Version 1 ends before max_compiled_bytes. */
MESURA_OPTIONS_LAYOUT(compile_options_layout, MESURA_COMPILE_OPTIONS_VERSION,
                      offsetof(mesura_compile_options, max_compiled_bytes),
                      sizeof(mesura_compile_options));

int mesura_compile_options_init(mesura_compile_options *opts, unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, mesura_compile_options,
	                                  MESURA_COMPILE_OPTIONS_INIT, compile_options_layout);
}

/* The caller's options (NULL: the defaults) as a whole current struct in *out. */
int mesura_policy__read_options(mesura_compile_options *out, const mesura_compile_options *opts)
{
	static const mesura_compile_options defaults = MESURA_COMPILE_OPTIONS_INIT;
	return mesura_options__read(out, opts, &defaults, &compile_options_layout);
}

void mesura_policy__retain(const mesura_policy *p)
{
	/* the count is the one mutable field of an otherwise immutable (const) policy */
	atomic_fetch_add_explicit(&((mesura_policy *)p)->refs, 1, memory_order_relaxed);
}

void mesura_policy_free(mesura_policy *policy)
{
	/* acq_rel: whoever frees sees every other holder's last use of the policy */
	if (!policy || atomic_fetch_sub_explicit(&policy->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < policy->n_conds; i++) {
		pcre2_code_free(policy->conds[i].regex);
		pcre2_code_free(policy->conds[i].anchored);
	}
	for (size_t i = 0; i < policy->n_normalizers; i++)
		mesura_normalizer_free(policy->normalizers[i].nz);
	for (size_t v = 0; v < policy->n_views; v++) {
		mesura_match__automaton_free(policy->views[v].terms);
		mesura_match__automaton_free(policy->views[v].context);
		mesura_match__automaton_free(policy->views[v].group);
		mesura_match__automaton_free(policy->views[v].keywords);
	}
	mesura_match__automaton_free(policy->allow_terms);
	mesura_allocator alloc = policy->alloc;
	mesura_alloc__free(&alloc, policy->normalizers);
	mesura_alloc__free(&alloc, policy->rules);
	mesura_alloc__free(&alloc, policy->conds);
	mesura_arena__free(&policy->arena);
	mesura_alloc__free(&alloc, policy);
}

int mesura_policy__new(mesura_policy **out, const mesura_allocator *allocator)
{
	int rc = mesura_alloc__new_object((void **)out, sizeof **out, allocator);
	if (rc == MESURA_OK) {
		atomic_init(&(*out)->refs, 1); /* the caller's */
		mesura_arena__init(&(*out)->arena, &(*out)->alloc);
	}
	return rc;
}

/* What a policy may take once compiled by default (compile option max_compiled_bytes):
 * compiling the built-in default policy allocates 4.3 MB, 100,000 lexicon terms 64 MB. */
#define MAX_COMPILED_BYTES ((size_t)1 << 30)

static int report_budget_exceeded(mesura_diagnostics *diags, const char *file, size_t limit)
{
	mesura_diag_at at = {"", NULL, 0, 1, 1};
	if (mesura_policy__diags_set_file(diags, file) != MESURA_OK)
		return MESURA_ENOMEM;
	mesura_policy__diag(diags, MESURA_DIAG_ERROR, MESURA_ELIMIT, &at,
	                    "compiled, the policy would take more than %zu bytes "
	                    "(max_compiled_bytes): its terms are too many or too long for the "
	                    "views they are matched on, or its regexes too large", limit);
	return MESURA_ELIMIT;
}

/* The rules as the public API shows them (mesura_policy_rule_get), made once the rules
 * array stops moving. */
static int publish_rules(mesura_policy *p)
{
	static const char *const op_names[] = {"keep", "mask", "hash", "label", "remove"};
	if (p->n_rules > SIZE_MAX / sizeof(mesura_rule))
		return MESURA_ENOMEM;
	p->public_rules = mesura_arena__alloc(&p->arena, p->n_rules * sizeof(mesura_rule));
	if (!p->public_rules)
		return MESURA_ENOMEM;
	for (size_t i = 0; i < p->n_rules; i++) {
		const policy_rule *r = &p->rules[i];
		p->public_rules[i] = (mesura_rule){
		    r->id, r->category, r->description, r->severity, r->action, r->confidence,
		    r->min_confidence, r->has_redact ? op_names[r->redact_op] : NULL,
		    extents[r->redact_extent], r->disabled};
	}
	return MESURA_OK;
}

int mesura_policy__compile_start(mesura_policy *policy, mesura_arena *trees,
                                 mesura_diagnostics *diags, const char *src, size_t len,
                                 const char *file, const mesura_compile_options *opts,
                                 int warn)
{
	mesura_policy__budget_start(policy, opts->max_compiled_bytes ? opts->max_compiled_bytes
	                                                             : MAX_COMPILED_BYTES);
	mesura_arena__init(trees, &policy->alloc);
	compiler c;
	memset(&c, 0, sizeof c);
	c.policy = policy;
	c.diags = diags;
	c.opts = opts;
	c.file = file;
	c.identity = identity_of(&c, file);
	c.trees = trees;
	pcre2_general_context *gc = pcre2_general_context_create(pcre_malloc, pcre_free,
	                                                         &policy->alloc);
	c.pcre_compile = gc ? pcre2_compile_context_create(gc) : NULL;
	if (c.pcre_compile)
		compile_source_text(&c, src, len);
	else
		c.failed_alloc = 1;
	if (!c.failed_alloc && !diags->errors && policy->n_rules == 0)
		cerror(&c, NULL, "the policy has no rules");
	pcre2_compile_context_free(c.pcre_compile);
	pcre2_general_context_free(gc);
	int rc = c.failed_alloc ? MESURA_ENOMEM
	         : c.over_limit ? MESURA_ELIMIT
	         : diags->errors ? MESURA_ESYNTAX
	                         : MESURA_OK;
	if (rc == MESURA_OK)
		rc = mesura_policy__build_matchers(policy);
	if (rc == MESURA_OK)
		rc = publish_rules(policy);
	if (rc == MESURA_OK && warn) {
		mesura_policy__warn_suspicious(&c);
		rc = c.failed_alloc ? MESURA_ENOMEM : MESURA_OK;
	}
	mesura_alloc__free(&policy->alloc, c.lexicons);
	mesura_alloc__free(&policy->alloc, c.included);
	return rc;
}

int mesura_policy__compile_finish(mesura_policy *policy, mesura_arena *trees,
                                  mesura_diagnostics *diags, const char *file, int rc)
{
	mesura_arena__free(trees);
	if (policy->budget.exceeded)
		rc = report_budget_exceeded(diags, file, policy->budget.limit);
	mesura_policy__budget_stop(policy);
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

const mesura_rule *mesura_policy_rule_get(const mesura_policy *policy, size_t i)
{
	return policy && i < policy->n_rules ? &policy->public_rules[i] : NULL;
}
