/* A bump allocator for objects that live and die together (a parsed YAML tree, a
 * compiled policy's strings): one free releases everything. */
#ifndef MESURA_COMMON_ARENA_H
#define MESURA_COMMON_ARENA_H

#include <stddef.h>

#include "alloc.h"

typedef struct mesura_arena_block mesura_arena_block;

typedef struct {
	const mesura_allocator *alloc;
	mesura_arena_block *head;
} mesura_arena;

void mesura_arena__init(mesura_arena *arena, const mesura_allocator *alloc);
/* Returns zeroed memory aligned for any object, or NULL when the allocator fails. */
void *mesura_arena__alloc(mesura_arena *arena, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL. */
char *mesura_arena__strndup(mesura_arena *arena, const char *s, size_t len);
void mesura_arena__free(mesura_arena *arena);

#endif
