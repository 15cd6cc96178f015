/* A stable merge sort into caller-provided scratch: no allocation behind the
 * allocator hooks (glibc's qsort may call malloc), O(n log n) on any input. */
#ifndef MESURA_COMMON_SORT_H
#define MESURA_COMMON_SORT_H

#include <stddef.h>

/* Sorts base[0..n) (elements of `size` bytes) by cmp, stably; scratch holds n * size
 * bytes (it may be NULL when n < 2). */
void mesura_sort__stable(void *base, size_t n, size_t size, void *scratch,
                         int (*cmp)(const void *, const void *));

#endif
