/* Per-object allocation through a mesura_allocator (NULL hooks mean malloc). */
#ifndef MESURA_COMMON_ALLOC_H
#define MESURA_COMMON_ALLOC_H

#include "mesura/common.h"

/* Fills `dst` from `src`, or with the malloc family when src is NULL. */
int mesura_alloc__init(mesura_allocator *dst, const mesura_allocator *src);

/* Whether a holds the malloc family that a NULL `src` gives. */
int mesura_alloc__is_default(const mesura_allocator *a);

void *mesura_alloc__malloc(const mesura_allocator *a, size_t size);
void *mesura_alloc__realloc(const mesura_allocator *a, void *ptr, size_t size);
void mesura_alloc__free(const mesura_allocator *a, void *ptr);

/* Creates a zeroed object of `size` bytes whose FIRST member is its mesura_allocator,
 * set from `hooks` (NULL: malloc). The object frees itself with those hooks. Returns
 * MESURA_OK, MESURA_EINVAL (incomplete hooks) or MESURA_ENOMEM. */
int mesura_alloc__new_object(void **out, size_t size, const mesura_allocator *hooks);

/* Grows *buf (of *cap elements of elem_size bytes) to hold at least `need` elements,
 * at least doubling. Returns MESURA_OK, or MESURA_ENOMEM leaving *buf unchanged. */
int mesura_alloc__grow(const mesura_allocator *a, void **buf, size_t *cap, size_t need,
                       size_t elem_size);

#endif
