/*
 * Lexicons: named word lists, written inline (`codenames: [falcon, orion-x]`) or kept
 * in a text file (`surnames: { file: surnames.txt }`: one term or phrase per line,
 * UTF-8, blank lines and lines starting with '#' ignored). Their terms are stored raw
 * and normalised by each rule that uses them, with that rule's flags.
 */
#include <stdio.h>
#include <string.h>

#include "common/distance.h"
#include "compiler.h"
#include "mesura/errors.h"
#include "mesura/text.h"

static const char *const lexicon_keys[] = {"file", NULL};

int mesura_policy__read_relative(compiler *c, const char *name, char **buf, size_t *len,
                                 const char **path_out, char *why, size_t why_size)
{
	const char *slash = strrchr(c->file, '/');
	size_t dir = name[0] != '/' && slash ? (size_t)(slash - c->file) + 1 : 0;
	size_t n = strlen(name);
	char *path = mesura_arena__alloc(&c->policy->arena, dir + n + 1);
	if (!path) {
		c->failed_alloc = 1;
		return 0;
	}
	memcpy(path, c->file, dir);
	memcpy(path + dir, name, n + 1);
	*path_out = path;
	int opened;
	int rc = mesura_policy__read_file(path, mesura_policy__source_limit(c->opts),
	                                  &c->policy->alloc, buf, len, why, why_size, &opened);
	c->failed_alloc |= rc == MESURA_ENOMEM;
	return rc;
}

/* A new lexicon named by `name` (NULL after an error). */
static lexicon *new_lexicon(compiler *c, const ynode *name)
{
	if (!mesura_policy__is_scalar(name) || name->len == 0) {
		cerror(c, name, "a lexicon's name is a word");
		return NULL;
	}
	const lexicon *old = mesura_policy__find_lexicon(c, name->text);
	if (old) {
		cerror(c, name, "lexicon \"%s\" is already defined (in %s)", name->text, old->file);
		return NULL;
	}
	void *items = c->lexicons;
	if (mesura_alloc__grow(&c->policy->alloc, &items, &c->lexicons_cap, c->n_lexicons + 1,
	                       sizeof *c->lexicons) != MESURA_OK) {
		c->failed_alloc = 1;
		return NULL;
	}
	c->lexicons = items;
	lexicon *lex = &c->lexicons[c->n_lexicons];
	memset(lex, 0, sizeof *lex);
	lex->name = mesura_policy__copy_text(c, name->text, name->len);
	lex->file = c->file;
	lex->node = name;
	lex->depth = (int)c->depth;
	if (!lex->name)
		return NULL;
	c->n_lexicons++;
	return lex;
}

static int reserve_terms(compiler *c, lexicon *lex, size_t n)
{
	mesura_arena *arena = &c->policy->arena;
	lex->terms = mesura_arena__alloc(arena, (n + 1) * sizeof *lex->terms);
	lex->lens = mesura_arena__alloc(arena, (n + 1) * sizeof *lex->lens);
	if (lex->path) {
		lex->lines = mesura_arena__alloc(arena, (n + 1) * sizeof *lex->lines);
		lex->columns = mesura_arena__alloc(arena, (n + 1) * sizeof *lex->columns);
	}
	if (!lex->terms || !lex->lens || (lex->path && (!lex->lines || !lex->columns))) {
		c->failed_alloc = 1;
		return 0;
	}
	return 1;
}

/* Adds a term (at `line`:`column` of the lexicon's file, if it has one). */
static void add_raw(compiler *c, lexicon *lex, const char *s, size_t len, unsigned line,
                    unsigned column)
{
	const char *copy = mesura_policy__copy_text(c, s, len);
	if (copy) {
		if (lex->path) {
			lex->lines[lex->n] = line;
			lex->columns[lex->n] = column;
		}
		lex->terms[lex->n] = copy;
		lex->lens[lex->n++] = len;
	}
}

static void define_inline(compiler *c, lexicon *lex, const ynode *list)
{
	if (!reserve_terms(c, lex, list->n_items))
		return;
	for (size_t i = 0; i < list->n_items; i++) {
		const ynode *item = list->items[i];
		if (!mesura_policy__is_scalar(item) || item->len == 0)
			cerror(c, item, "a term must be a non-empty text");
		else
			add_raw(c, lex, item->text, item->len, 0, 0);
	}
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* The terms of a lexicon file, one per line. Problems point into the file. */
/* The column (in code points) of text[at] on the line that starts at text[line_start]. */
static unsigned column_of(const char *text, size_t line_start, size_t at)
{
	unsigned column = 1;
	for (size_t i = line_start; i < at; i++)
		column += ((unsigned char)text[i] & 0xC0) != 0x80;
	return column;
}

static void parse_lexicon_file(compiler *c, lexicon *lex, const char *path, const char *text,
                               size_t len)
{
	lex->path = path;
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (!reserve_terms(c, lex, lines))
		return;
	size_t at = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a BOM */
	for (unsigned line = 1; at < len; line++) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len, start = at;
		size_t line_start = line == 1 ? 0 : at; /* a BOM is a column of line 1 */
		at = end + 1;
		while (start < end && is_space(text[start]))
			start++;
		while (end > start && is_space(text[end - 1]))
			end--;
		if (start == end || text[start] == '#')
			continue;
		size_t bad;
		if (mesura_utf8_validate(text + start, end - start, &bad) != MESURA_OK ||
		    memchr(text + start, '\0', end - start)) {
			ynode where = {YNODE_SCALAR, start, line, 1, NULL, 0, 0, NULL, 0, 0};
			char saved[sizeof c->path];
			memcpy(saved, c->path, sizeof saved);
			c->path[0] = '\0';
			if (mesura_policy__diags_set_file(c->diags, path) != MESURA_OK)
				c->failed_alloc = 1;
			cerror(c, &where, "line %u of lexicon \"%s\" is not valid UTF-8 text", line,
			       lex->name);
			if (mesura_policy__diags_set_file(c->diags, c->file) != MESURA_OK)
				c->failed_alloc = 1;
			memcpy(c->path, saved, sizeof saved);
			continue;
		}
		add_raw(c, lex, text + start, end - start, line, column_of(text, line_start, start));
	}
}

static void define_from_file(compiler *c, lexicon *lex, const ynode *spec)
{
	mesura_policy__check_keys(c, spec, lexicon_keys);
	const ynode *file = mesura_policy__yaml_get(spec, "file");
	if (!mesura_policy__is_scalar(file) || file->len == 0) {
		cerror(c, spec, "a lexicon is a list of terms or { file: terms.txt }");
		return;
	}
	if (c->opts->flags & MESURA_COMPILE_NO_FILES) {
		cerror(c, file, "this policy may not read files (MESURA_COMPILE_NO_FILES)");
		return;
	}
	char *buf = NULL, why[FILE_WHY_SIZE];
	size_t len;
	const char *path;
	int rc = mesura_policy__read_relative(c, file->text, &buf, &len, &path, why, sizeof why);
	if (rc == MESURA_ELIMIT)
		mesura_policy__error_at(c, file, MESURA_ELIMIT, "lexicon file \"%s\" is %s",
		                        file->text, why);
	else if (rc == MESURA_EIO)
		cerror(c, file, "cannot read lexicon file \"%s\": %s", file->text, why);
	else if (rc == MESURA_OK)
		parse_lexicon_file(c, lex, path, buf, len);
	mesura_alloc__free(&c->policy->alloc, buf);
}

/* The entry of `map` whose key is `name`: its key node (NULL when there is none). */
static const ynode *key_named(const ynode *map, const char *name)
{
	for (size_t i = 0; map && map->kind == YNODE_MAPPING && i + 1 < map->n_items; i += 2)
		if (mesura_policy__scalar_is(map->items[i], name))
			return map->items[i];
	return NULL;
}

static const ynode *section(const compiler *c, const char *name)
{
	const ynode *s = mesura_policy__yaml_get(c->overrides, name);
	return s && s->kind == YNODE_MAPPING ? s : NULL;
}

/* Adds the terms that the top file's `overrides.lexicons` gives this lexicon, if any
 * (docs/policy.md, "Overrides"); mesura_policy__apply_overrides reports bad ones. */
static void extend_lexicon(compiler *c, lexicon *lex)
{
	const ynode *key = key_named(section(c, "lexicons"), lex->name);
	const ynode *add = key ? mesura_policy__yaml_get(section(c, "lexicons"), lex->name) : NULL;
	if (!add || add->kind != YNODE_SEQUENCE)
		return; /* reported by mesura_policy__apply_overrides */
	mesura_arena *arena = &c->policy->arena;
	size_t total = lex->n + add->n_items;
	const char **terms = mesura_arena__alloc(arena, (total + 1) * sizeof *terms);
	size_t *lens = mesura_arena__alloc(arena, (total + 1) * sizeof *lens);
	unsigned *lines = lex->path ? mesura_arena__alloc(arena, (total + 1) * sizeof *lines) : NULL;
	unsigned *columns =
	    lex->path ? mesura_arena__alloc(arena, (total + 1) * sizeof *columns) : NULL;
	if (!terms || !lens || (lex->path && (!lines || !columns))) {
		c->failed_alloc = 1;
		return;
	}
	if (lex->n) {
		memcpy(terms, lex->terms, lex->n * sizeof *terms);
		memcpy(lens, lex->lens, lex->n * sizeof *lens);
	}
	if (lex->path && lex->n) {
		memcpy(lines, lex->lines, lex->n * sizeof *lines);
		memcpy(columns, lex->columns, lex->n * sizeof *columns);
	}
	size_t n = lex->n;
	for (size_t i = 0; i < add->n_items; i++) {
		const ynode *item = add->items[i];
		if (!mesura_policy__is_scalar(item) || item->len == 0)
			continue; /* reported by mesura_policy__apply_overrides */
		if (lex->path)
			lines[n] = columns[n] = 0; /* written in the policy: quoted, not cited */
		terms[n] = item->text;
		lens[n++] = item->len;
	}
	lex->terms = terms;
	lex->lens = lens;
	lex->lines = lines;
	lex->columns = columns;
	lex->n = n;
	lex->extended = key;
}

void mesura_policy__define_lexicons(compiler *c, const ynode *lexicons)
{
	size_t old = mesura_policy__path_push(c, "lexicons");
	if (lexicons->kind != YNODE_MAPPING) {
		cerror(c, lexicons, "lexicons is a mapping of names to lists of terms");
		mesura_policy__path_pop(c, old);
		return;
	}
	for (size_t i = 0; i + 1 < lexicons->n_items; i += 2) {
		const ynode *name = lexicons->items[i], *value = lexicons->items[i + 1];
		size_t old_name = mesura_policy__path_push(
		    c, ".%s", mesura_policy__is_scalar(name) ? name->text : "?");
		lexicon *lex = new_lexicon(c, name);
		if (lex && value->kind == YNODE_SEQUENCE)
			define_inline(c, lex, value);
		else if (lex && value->kind == YNODE_MAPPING)
			define_from_file(c, lex, value);
		else if (lex)
			cerror(c, value, "lexicon \"%s\" must be a list of terms or { file: terms.txt }",
			       lex->name);
		if (lex)
			extend_lexicon(c, lex);
		mesura_policy__path_pop(c, old_name);
	}
	mesura_policy__path_pop(c, old);
}

void mesura_policy__cite_term(const lexicon *lex, size_t k, const char *s, size_t len,
                              char *buf, size_t size)
{
	if (lex && lex->path && lex->lines[k]) { /* line 0: added by an override */
		snprintf(buf, size, "at %s:%u:%u (lexicon \"%s\")", lex->path, lex->lines[k],
		         lex->columns[k], lex->name);
		return;
	}
	size_t shown = len < 100 ? len : 100;
	while (shown < len && shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
		shown--; /* not in the middle of a character */
	snprintf(buf, size, "\"%.*s%s\"", (int)shown, s, shown < len ? "..." : "");
}

lexicon *mesura_policy__find_lexicon(const compiler *c, const char *name)
{
	for (size_t i = 0; i < c->n_lexicons; i++)
		if (strcmp(c->lexicons[i].name, name) == 0)
			return &c->lexicons[i];
	return NULL;
}

const char *mesura_policy__nearest_lexicon(const compiler *c, const char *name)
{
	const char *best = NULL;
	size_t best_d = 3, len = strlen(name);
	for (size_t i = 0; i < c->n_lexicons; i++) {
		const char *other = c->lexicons[i].name;
		size_t d = mesura_distance__edit(name, len, other, strlen(other));
		if (d < best_d) {
			best = other;
			best_d = d;
		}
	}
	return best;
}
