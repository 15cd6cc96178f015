/*
 * mesura/common.h - export macros, the allocator hook and ownership rules.
 *
 * Ownership, stated once for the whole API:
 *  - A result returned through a `**out` parameter belongs to the caller and is
 *    released with its type's `_free` function. Every `_free` accepts NULL.
 *  - A pointer returned by an accessor is borrowed: it stays valid until its parent
 *    object is changed (e.g. the next mesura_normalize() into the same view) or freed.
 *  - Text output goes into caller buffers with a size query: on MESURA_EBUFS the
 *    `*out_len` parameter holds the size needed.
 *  - Inputs are (const char *text, size_t len) pairs: never NUL-terminated, and NUL
 *    bytes inside them are ordinary characters.
 */
#ifndef MESURA_COMMON_H
#define MESURA_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(MESURA_STATIC)
#  define MESURA_API
#elif defined(_WIN32) && defined(MESURA_BUILDING)
#  define MESURA_API __declspec(dllexport)
#elif defined(_WIN32)
#  define MESURA_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define MESURA_API __attribute__((visibility("default")))
#else
#  define MESURA_API
#endif

#ifdef __cplusplus
#  define MESURA_BEGIN_DECL extern "C" {
#  define MESURA_END_DECL }
#else
#  define MESURA_BEGIN_DECL
#  define MESURA_END_DECL
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define MESURA_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#  define MESURA_DEPRECATED(msg)
#endif

MESURA_BEGIN_DECL

/**
 * Memory hooks for one object (the PCRE2 general-context / zstd customMem model).
 * Pass NULL wherever a `const mesura_allocator *` is accepted to use malloc/free.
 * The object copies the struct at creation and frees itself with the same hooks;
 * `user` is handed back to every call. realloc_fn(NULL, n, user) must behave like
 * malloc_fn(n, user). The hooks may fail (return NULL): mesura then reports
 * MESURA_ENOMEM and leaks nothing.
 */
typedef struct mesura_allocator {
	void *(*malloc_fn)(size_t size, void *user);
	void *(*realloc_fn)(void *ptr, size_t size, void *user);
	void (*free_fn)(void *ptr, void *user);
	void *user;
} mesura_allocator;

MESURA_END_DECL

#endif
