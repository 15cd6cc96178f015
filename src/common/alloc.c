#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "mesura/errors.h"

static void *default_malloc(size_t size, void *user)
{
	(void)user;
	return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *user)
{
	(void)user;
	return realloc(ptr, size);
}

static void default_free(void *ptr, void *user)
{
	(void)user;
	free(ptr);
}

int mesura_alloc__is_default(const mesura_allocator *a)
{
	return a->malloc_fn == default_malloc && a->realloc_fn == default_realloc &&
	       a->free_fn == default_free;
}

int mesura_alloc__init(mesura_allocator *dst, const mesura_allocator *src)
{
	if (!src) {
		dst->malloc_fn = default_malloc;
		dst->realloc_fn = default_realloc;
		dst->free_fn = default_free;
		dst->user = NULL;
		return MESURA_OK;
	}
	if (!src->malloc_fn || !src->realloc_fn || !src->free_fn)
		return MESURA_EINVAL;
	*dst = *src;
	return MESURA_OK;
}

void *mesura_alloc__malloc(const mesura_allocator *a, size_t size)
{
	return a->malloc_fn(size ? size : 1, a->user);
}

void *mesura_alloc__realloc(const mesura_allocator *a, void *ptr, size_t size)
{
	return a->realloc_fn(ptr, size ? size : 1, a->user);
}

void mesura_alloc__free(const mesura_allocator *a, void *ptr)
{
	if (ptr)
		a->free_fn(ptr, a->user);
}

int mesura_alloc__grow(const mesura_allocator *a, void **buf, size_t *cap, size_t need,
                       size_t elem_size)
{
	if (need <= *cap)
		return MESURA_OK;
	size_t new_cap = *cap ? *cap : 64;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2)
			return MESURA_ENOMEM;
		new_cap *= 2;
	}
	if (new_cap > SIZE_MAX / elem_size)
		return MESURA_ENOMEM;
	void *grown = mesura_alloc__realloc(a, *buf, new_cap * elem_size);
	if (!grown)
		return MESURA_ENOMEM;
	*buf = grown;
	*cap = new_cap;
	return MESURA_OK;
}

int mesura_alloc__new_object(void **out, size_t size, const mesura_allocator *hooks)
{
	mesura_allocator alloc;
	int rc = mesura_alloc__init(&alloc, hooks);
	if (rc != MESURA_OK)
		return rc;
	void *object = mesura_alloc__malloc(&alloc, size);
	if (!object)
		return MESURA_ENOMEM;
	memset(object, 0, size);
	memcpy(object, &alloc, sizeof alloc); /* the first member */
	*out = object;
	return MESURA_OK;
}
