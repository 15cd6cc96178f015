#include "sort.h"

#include <string.h>

/* Merges the sorted runs a[0..na) and b[0..nb) into out. */
static void merge(const char *a, size_t na, const char *b, size_t nb, char *out, size_t size,
                  int (*cmp)(const void *, const void *))
{
	while (na && nb) {
		int take_b = cmp(b, a) < 0; /* ties from a first: stable */
		const char **from = take_b ? &b : &a;
		memcpy(out, *from, size);
		*from += size;
		out += size;
		if (take_b)
			nb--;
		else
			na--;
	}
	memcpy(out, a, na * size);
	memcpy(out + na * size, b, nb * size);
}

void mesura_sort__stable(void *base, size_t n, size_t size, void *scratch,
                         int (*cmp)(const void *, const void *))
{
	char *src = base, *dst = scratch;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			merge(src + lo * size, mid - lo, src + mid * size, hi - mid, dst + lo * size, size,
			      cmp);
		}
		char *t = src;
		src = dst;
		dst = t;
	}
	if (src != base)
		memcpy(base, src, n * size);
}
