/* A policy's YAML, read into a small tree that remembers where each node was written.
 * libyaml's event parser is used rather than its document loader so that aliases can
 * be refused (no alias bombs) and depth bounded while reading. */
#ifndef MESURA_POLICY_YAML_TREE_H
#define MESURA_POLICY_YAML_TREE_H

#include <stddef.h>

#include "common/arena.h"
#include "diagnostics.h"

typedef enum { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING } ynode_kind;

typedef struct ynode {
	ynode_kind kind;
	size_t offset;         /* byte offset of the node's start in the source */
	unsigned line, column; /* 1-based; columns in code points */
	const char *text;      /* scalar value, NUL-terminated (may hold NULs: use len) */
	size_t len;
	int plain;             /* an unquoted scalar (so "yes" in quotes stays a string) */
	struct ynode **items;  /* sequence items, or mapping keys and values alternating */
	size_t n_items, cap_items;
} ynode;

/* Reads the single YAML document in src[0..len) into a tree allocated in `arena`.
 * Returns MESURA_OK with *root (NULL for an empty document), MESURA_ESYNTAX after
 * recording a diagnostic, MESURA_ELIMIT (too deep) or MESURA_ENOMEM. */
int mesura_policy__yaml_read(const char *src, size_t len, unsigned max_depth,
                             mesura_arena *arena, mesura_diagnostics *diags, ynode **root);

/* The value of key `key` in a mapping node, or NULL. */
const ynode *mesura_policy__yaml_get(const ynode *mapping, const char *key);

#endif
