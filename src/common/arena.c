#include "arena.h"

#include <stdalign.h>
#include <string.h>

struct mesura_arena_block {
	mesura_arena_block *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_BLOCK 4096

void mesura_arena__init(mesura_arena *arena, const mesura_allocator *alloc)
{
	arena->alloc = alloc;
	arena->head = NULL;
}

void *mesura_arena__alloc(mesura_arena *arena, size_t size)
{
	size_t align = alignof(max_align_t);
	if (size > SIZE_MAX - align - sizeof(mesura_arena_block) - ARENA_BLOCK)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	mesura_arena_block *b = arena->head;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = mesura_alloc__malloc(arena->alloc, sizeof *b + cap);
		if (!b)
			return NULL;
		b->next = arena->head;
		b->used = 0;
		b->cap = cap;
		arena->head = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *mesura_arena__strndup(mesura_arena *arena, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *copy = mesura_arena__alloc(arena, len + 1);
	if (copy && len)
		memcpy(copy, s, len);
	return copy;
}

void mesura_arena__free(mesura_arena *arena)
{
	while (arena->head) {
		mesura_arena_block *next = arena->head->next;
		mesura_alloc__free(arena->alloc, arena->head);
		arena->head = next;
	}
}
