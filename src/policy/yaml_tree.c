#include "yaml_tree.h"

#include <stdint.h>
#include <string.h>
#include <yaml.h>

#include "mesura/errors.h"
#include "text/chunk.h"

/* Collections being read, innermost last. */
typedef struct {
	const char *src;
	size_t len;
	size_t *line_starts; /* byte offset of each line: libyaml's marks count characters */
	size_t n_lines;
	size_t mark_line, mark_column, mark_at; /* the last mark read, and its byte offset */
	ynode **stack;
	size_t depth, cap;
	mesura_arena *arena;
	const mesura_allocator *alloc;
	mesura_diagnostics *diags;
	ynode *root;
} reader;

/* Byte offset of a libyaml mark (line and column count characters). Marks come in
 * order, often several on one long line (a flow list of terms): a mark after the last
 * one on its line counts on from it, not from the line's start. */
static size_t byte_offset(reader *r, const yaml_mark_t *m)
{
	if (m->line >= r->n_lines)
		return r->len;
	size_t at = r->line_starts[m->line], col = 0;
	if (m->line == r->mark_line && m->column >= r->mark_column) {
		at = r->mark_at;
		col = r->mark_column;
	}
	for (; col < m->column && at < r->len; col++) {
		at++;
		while (at < r->len && ((unsigned char)r->src[at] & 0xC0) == 0x80)
			at++;
	}
	r->mark_line = m->line;
	r->mark_column = m->column;
	r->mark_at = at;
	return at;
}

static void mark_node(reader *r, ynode *n, const yaml_mark_t *m)
{
	n->offset = byte_offset(r, m);
	n->line = (unsigned)m->line + 1;
	n->column = (unsigned)m->column + 1;
}

/* The length of the line break at src[i] (0 when none), as libyaml counts lines: CR LF,
 * CR, LF, NEL, LS and PS each end one line. */
static inline size_t line_break_at(const char *src, size_t len, size_t i)
{
	const unsigned char *p = (const unsigned char *)src;
	if (p[i] == '\r')
		return i + 1 < len && p[i + 1] == '\n' ? 2 : 1;
	if (p[i] == '\n')
		return 1;
	if (p[i] == 0xC2 && i + 1 < len && p[i + 1] == 0x85)
		return 2;
	if (p[i] == 0xE2 && i + 2 < len && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
		return 3;
	return 0;
}

/* The first index from i on (or len) whose byte may start a line break (CR, LF, the
 * first byte of NEL, LS or PS), found a chunk at a time. */
static size_t next_break(const char *src, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)src;
	chunk cr = chunk_splat('\r'), lf = chunk_splat('\n'), c2 = chunk_splat(0xC2),
	      e2 = chunk_splat(0xE2);
	for (; i + CHUNK <= len; i += CHUNK) {
		chunk x = chunk_load(u + i);
		chunk m = chunk_or(chunk_or(chunk_same(x, cr), chunk_same(x, lf)),
		                   chunk_or(chunk_same(x, c2), chunk_same(x, e2)));
		if (chunk_any(m))
			return i + chunk_first(m);
	}
	while (i < len && u[i] != '\r' && u[i] != '\n' && u[i] != 0xC2 && u[i] != 0xE2)
		i++;
	return i;
}

static int index_lines(reader *r)
{
	size_t n = 1;
	for (size_t i = next_break(r->src, r->len, 0); i < r->len;
	     i = next_break(r->src, r->len, i)) {
		size_t k = line_break_at(r->src, r->len, i);
		n += k != 0;
		i += k ? k : 1;
	}
	r->line_starts = mesura_arena__alloc(r->arena, n * sizeof *r->line_starts);
	if (!r->line_starts)
		return MESURA_ENOMEM;
	r->n_lines = 0;
	r->line_starts[r->n_lines++] = 0;
	for (size_t i = next_break(r->src, r->len, 0); i < r->len;
	     i = next_break(r->src, r->len, i)) {
		size_t k = line_break_at(r->src, r->len, i);
		i += k ? k : 1;
		if (k)
			r->line_starts[r->n_lines++] = i;
	}
	return MESURA_OK;
}

static void report(reader *r, const yaml_mark_t *m, const char *what, const char *context)
{
	mesura_diag_at at = {"", NULL, byte_offset(r, m), (unsigned)m->line + 1,
	                     (unsigned)m->column + 1};
	if (context)
		mesura_policy__diag(r->diags, MESURA_DIAG_ERROR, MESURA_ESYNTAX, &at,
		                    "YAML: %s %s", what, context);
	else
		mesura_policy__diag(r->diags, MESURA_DIAG_ERROR, MESURA_ESYNTAX, &at, "YAML: %s",
		                    what);
}

/* Appends a child to a collection; items grow by doubling inside the arena. */
static int add_child(reader *r, ynode *parent, ynode *child)
{
	if (parent->n_items == parent->cap_items) {
		size_t cap = parent->cap_items ? parent->cap_items * 2 : 4;
		ynode **items = mesura_arena__alloc(r->arena, cap * sizeof *items);
		if (!items)
			return MESURA_ENOMEM;
		if (parent->n_items)
			memcpy(items, parent->items, parent->n_items * sizeof *items);
		parent->items = items;
		parent->cap_items = cap;
	}
	parent->items[parent->n_items++] = child;
	return MESURA_OK;
}

/* Places a finished node in its parent, or makes it the root. */
static int attach(reader *r, ynode *node)
{
	if (r->depth == 0) {
		r->root = node;
		return MESURA_OK;
	}
	return add_child(r, r->stack[r->depth - 1], node);
}

static ynode *new_node(reader *r, ynode_kind kind, const yaml_mark_t *m)
{
	ynode *n = mesura_arena__alloc(r->arena, sizeof *n);
	if (n) {
		n->kind = kind;
		mark_node(r, n, m);
	}
	return n;
}

static int push(reader *r, ynode *n)
{
	void *stack = r->stack;
	int rc = mesura_alloc__grow(r->alloc, &stack, &r->cap, r->depth + 1, sizeof(ynode *));
	if (rc != MESURA_OK)
		return rc;
	r->stack = stack;
	r->stack[r->depth++] = n;
	return MESURA_OK;
}

static int on_event(reader *r, const yaml_event_t *e, unsigned max_depth)
{
	ynode *n;
	switch (e->type) {
	case YAML_ALIAS_EVENT:
		report(r, &e->start_mark, "aliases (*name) are not allowed in a policy;",
		       "write the value out");
		return MESURA_ESYNTAX;
	case YAML_SCALAR_EVENT:
		if (!(n = new_node(r, YNODE_SCALAR, &e->start_mark)))
			return MESURA_ENOMEM;
		n->len = e->data.scalar.length;
		n->text = mesura_arena__strndup(r->arena, (const char *)e->data.scalar.value, n->len);
		n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return n->text ? attach(r, n) : MESURA_ENOMEM;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (r->depth >= max_depth) {
			report(r, &e->start_mark, "the document is nested too deeply", NULL);
			return MESURA_ELIMIT;
		}
		n = new_node(r, e->type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQUENCE : YNODE_MAPPING,
		             &e->start_mark);
		if (!n)
			return MESURA_ENOMEM;
		int rc = attach(r, n);
		return rc == MESURA_OK ? push(r, n) : rc;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		r->depth--;
		return MESURA_OK;
	default:
		return MESURA_OK;
	}
}

int mesura_policy__yaml_read(const char *src, size_t len, unsigned max_depth,
                             mesura_arena *arena, mesura_diagnostics *diags, ynode **root)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return MESURA_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)src, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	reader r = {src, len, NULL, 0, SIZE_MAX, 0, 0, NULL, 0, 0, arena, arena->alloc, diags, NULL};
	int rc = index_lines(&r), documents = 0, done = 0;
	while (rc == MESURA_OK && !done) {
		yaml_event_t e;
		if (!yaml_parser_parse(&parser, &e)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				rc = MESURA_ENOMEM;
			} else {
				report(&r, &parser.problem_mark, parser.problem ? parser.problem : "error",
				       parser.context);
				rc = MESURA_ESYNTAX;
			}
			break;
		}
		if (e.type == YAML_DOCUMENT_START_EVENT && ++documents > 1) {
			report(&r, &e.start_mark, "a policy is one YAML document; remove this '---'",
			       NULL);
			rc = MESURA_ESYNTAX;
		} else if (e.type == YAML_STREAM_END_EVENT) {
			done = 1;
		} else {
			rc = on_event(&r, &e, max_depth);
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	mesura_alloc__free(r.alloc, r.stack);
	*root = rc == MESURA_OK ? r.root : NULL;
	return rc;
}

const ynode *mesura_policy__yaml_get(const ynode *mapping, const char *key)
{
	if (!mapping || mapping->kind != YNODE_MAPPING)
		return NULL;
	size_t klen = strlen(key);
	for (size_t i = 0; i + 1 < mapping->n_items; i += 2) {
		const ynode *k = mapping->items[i];
		if (k->kind == YNODE_SCALAR && k->len == klen && memcmp(k->text, key, klen) == 0)
			return mapping->items[i + 1];
	}
	return NULL;
}
