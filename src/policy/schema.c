/*
 * The policy schema's helpers, shared by every file of the compiler: diagnostics at a
 * YAML node with the document path of the node being compiled, and the typed reads of
 * a mapping's values (text, choice, number, bool) that report a bad value where it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/distance.h"
#include "compiler.h"
#include "mesura/errors.h"

/* ------------------------------------------------------------ reporting */

static void report(compiler *c, const ynode *n, mesura_diag_severity severity, int status,
                   const char *fmt, va_list ap)
{
	char message[400];
	vsnprintf(message, sizeof message, fmt, ap);
	mesura_diag_at at = {c->path, c->rule_id, n ? n->offset : 0, n ? n->line : 1,
	                     n ? n->column : 1};
	mesura_policy__diag(c->diags, severity, status, &at, "%s", message);
}

void mesura_policy__error_at(compiler *c, const void *n, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	c->over_limit |= status == MESURA_ELIMIT;
	report(c, n, MESURA_DIAG_ERROR, status, fmt, ap);
	va_end(ap);
}

void mesura_policy__warn(compiler *c, const void *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(c, n, MESURA_DIAG_WARNING, MESURA_OK, fmt, ap);
	va_end(ap);
}

/* Sets the document path for the diagnostics of a sub-node; returns the old length so
 * the caller can restore it. */
size_t mesura_policy__path_push(compiler *c, const char *fmt, ...)
{
	size_t old = strlen(c->path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->path + old, sizeof c->path - old, fmt, ap);
	va_end(ap);
	return old;
}

void mesura_policy__path_pop(compiler *c, size_t old)
{
	c->path[old] = '\0';
}

/* ------------------------------------------------------------ helpers */

const char *const mesura_policy__severities[] = {"low", "medium", "high", "critical", NULL};
const char *const mesura_policy__actions[] = {"log", "redact", "review", "block", NULL};
const char *const mesura_policy__extents[] = {"parts", "sentence", "post", NULL};

const char *mesura_policy__suggest(const char *word, size_t len, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (; *known; known++) {
		size_t d = mesura_distance__edit(word, len, *known, strlen(*known));
		if (d < best_d) {
			best = *known;
			best_d = d;
		}
	}
	return best;
}

int mesura_policy__is_scalar(const ynode *n)
{
	return n && n->kind == YNODE_SCALAR;
}

int mesura_policy__scalar_is(const ynode *n, const char *s)
{
	return mesura_policy__is_scalar(n) && n->len == strlen(s) &&
	       memcmp(n->text, s, n->len) == 0;
}

void mesura_policy__check_keys(compiler *c, const ynode *map, const char *const *known)
{
	for (size_t i = 0; i + 1 < map->n_items; i += 2) {
		const ynode *k = map->items[i];
		if (!mesura_policy__is_scalar(k)) {
			cerror(c, k, "keys must be plain words");
			continue;
		}
		int found = 0;
		for (const char *const *w = known; *w && !found; w++)
			found = mesura_policy__scalar_is(k, *w);
		if (found)
			continue;
		const char *near = mesura_policy__suggest(k->text, k->len, known);
		if (near)
			cerror(c, k, "unknown key \"%s\"; did you mean \"%s\"?", k->text, near);
		else
			cerror(c, k, "unknown key \"%s\"", k->text);
	}
}

const char *mesura_policy__copy_text(compiler *c, const char *s, size_t len)
{
	const char *copy = mesura_arena__strndup(&c->policy->arena, s, len);
	if (!copy)
		c->failed_alloc = 1;
	return copy;
}

const char *mesura_policy__get_string(compiler *c, const ynode *map, const char *key,
                                      int required)
{
	const ynode *v = mesura_policy__yaml_get(map, key);
	if (!v) {
		if (required)
			cerror(c, map, "missing \"%s\"", key);
		return NULL;
	}
	if (!mesura_policy__is_scalar(v) || v->len == 0) {
		size_t old = mesura_policy__path_push(c, ".%s", key);
		cerror(c, v, "\"%s\" must be a non-empty text", key);
		mesura_policy__path_pop(c, old);
		return NULL;
	}
	return mesura_policy__copy_text(c, v->text, v->len);
}

int mesura_policy__get_choice(compiler *c, const ynode *map, const char *key,
                              const char *const *names, int fallback)
{
	const ynode *v = mesura_policy__yaml_get(map, key);
	if (!v)
		return fallback;
	size_t old = mesura_policy__path_push(c, ".%s", key);
	int found = -1;
	for (int i = 0; names[i] && found < 0; i++)
		if (mesura_policy__scalar_is(v, names[i]))
			found = i;
	if (found < 0) {
		const char *near =
		    mesura_policy__is_scalar(v) ? mesura_policy__suggest(v->text, v->len, names) : NULL;
		char list[200] = "";
		for (int i = 0; names[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			         names[i]);
		if (near)
			cerror(c, v, "unknown %s \"%s\"; did you mean \"%s\"?", key, v->text, near);
		else
			cerror(c, v, "%s must be one of: %s", key, list);
	}
	mesura_policy__path_pop(c, old);
	return found;
}

double mesura_policy__get_number(compiler *c, const ynode *map, const char *key, double lo,
                                 double hi, double fallback)
{
	const ynode *v = mesura_policy__yaml_get(map, key);
	if (!v)
		return fallback;
	char *end = NULL;
	double x = mesura_policy__is_scalar(v) && v->len ? strtod(v->text, &end) : 0;
	if (!end || *end || !(x >= lo && x <= hi)) {
		size_t old = mesura_policy__path_push(c, ".%s", key);
		cerror(c, v, "%s must be a number from %g to %g", key, lo, hi);
		mesura_policy__path_pop(c, old);
		return fallback;
	}
	return x;
}

int mesura_policy__get_bool(compiler *c, const ynode *map, const char *key, int fallback)
{
	const ynode *v = mesura_policy__yaml_get(map, key);
	if (!v)
		return fallback;
	if (mesura_policy__scalar_is(v, "true") || mesura_policy__scalar_is(v, "false"))
		return mesura_policy__scalar_is(v, "true");
	size_t old = mesura_policy__path_push(c, ".%s", key);
	cerror(c, v, "%s is true or false", key);
	mesura_policy__path_pop(c, old);
	return fallback;
}

/* ------------------------------------------------------------ conditions */

uint32_t mesura_policy__new_cond(compiler *c, cond_kind kind)
{
	mesura_policy *p = c->policy;
	void *conds = p->conds;
	if (p->n_conds >= KEYWORD_ID - 1 ||
	    mesura_alloc__grow(&p->alloc, &conds, &c->conds_cap, p->n_conds + 1,
	                       sizeof *p->conds) != MESURA_OK) {
		c->failed_alloc = 1;
		return COND_NONE;
	}
	p->conds = conds;
	policy_cond *x = &p->conds[p->n_conds];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	x->role = c->role;
	x->file = c->file;
	x->rule = c->rule;
	x->whole_word = 1;
	return (uint32_t)p->n_conds++;
}
