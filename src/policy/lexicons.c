/*
 * Lexicons: named word lists, written inline (`codenames: [falcon, orion-x]`) or kept
 * in a text file (`surnames: { file: surnames.txt }`: one term or phrase per line,
 * UTF-8, blank lines and lines starting with '#' ignored). Their terms are stored raw
 * and normalised by each rule that uses them, with that rule's flags.
 */
#include <stdio.h>
#include <string.h>

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
		mesura_policy__path_pop(c, old_name);
	}
	mesura_policy__path_pop(c, old);
}

void mesura_policy__cite_term(const lexicon *lex, size_t k, const char *s, size_t len,
                              char *buf, size_t size)
{
	if (lex && lex->path) {
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
