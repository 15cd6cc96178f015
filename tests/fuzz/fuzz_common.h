/* Shared by the libFuzzer harnesses: a failed invariant aborts (libFuzzer saves the
 * input that did it). */
#ifndef MESURA_FUZZ_COMMON_H
#define MESURA_FUZZ_COMMON_H

#include <mesura.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                   \
	do {                                                                             \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                            \
	} while (0)

/* Whether `at` is a character boundary of valid UTF-8 text. */
static inline int fuzz_on_boundary(const char *text, size_t len, size_t at)
{
	return at == len || ((unsigned char)text[at] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
