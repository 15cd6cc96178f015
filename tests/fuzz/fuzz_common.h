/* Shared by the libFuzzer harnesses: a failed invariant aborts (libFuzzer saves the
 * input that did it). */
#ifndef MESURA_FUZZ_COMMON_H
#define MESURA_FUZZ_COMMON_H

#include <mesura.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * Long runs from short inputs, so that the fuzzer explores runs ("@@@@...", marks on
 * one letter, ZWJ after ZWJ) without mutating long inputs: an input that starts with
 * FUZZ_REPEAT, then a byte e, then a unit, optionally followed by FUZZ_REPEAT and a
 * tail, stands for the unit repeated up to 2^(e % 9) bytes, then the tail. 256 bytes
 * at most: loops reach libFuzzer's top hit-count bucket, a quadratic pass fails the
 * work checks, and each run stays quick (under the fuzzer's instrumentation a mebibyte
 * takes seconds). With FUZZ_FORCE_LONG in the environment every such post is 1 MiB
 * (at most, tail included, so that it stays within the scanner's default limit):
 * scripts/fuzz-deep.sh runs the corpus so at the end. Any other input is the post
 * itself. Returns the post (the input, or a buffer reused from call to call) and sets
 * *len.
 */
#define FUZZ_REPEAT 0x01
#define FUZZ_LONG_MAX ((size_t)1 << 20)

static inline const char *fuzz_post(const uint8_t *data, size_t size, size_t *len)
{
	static char *buf;
	static size_t cap;
	*len = size;
	if (size < 3 || data[0] != FUZZ_REPEAT)
		return (const char *)data;
	const uint8_t *unit = data + 2, *end = data + size;
	const uint8_t *mark = memchr(unit, FUZZ_REPEAT, (size_t)(end - unit));
	size_t unit_len = (size_t)((mark ? mark : end) - unit);
	const uint8_t *tail = mark ? mark + 1 : end;
	size_t tail_len = (size_t)(end - tail);
	static int force_long = -1;
	if (force_long < 0)
		force_long = getenv("FUZZ_FORCE_LONG") != NULL;
	size_t target = force_long ? FUZZ_LONG_MAX - tail_len : (size_t)1 << (data[1] % 9);
	if (unit_len == 0)
		return (const char *)data;
	if (cap < target + tail_len) {
		free(buf);
		cap = FUZZ_LONG_MAX + size;
		CHECK((buf = malloc(cap)) != NULL);
	}
	size_t full = target / unit_len * unit_len, n = full ? unit_len : 0;
	memcpy(buf, unit, n);
	for (; n < full; n += n < full - n ? n : full - n) /* doubling: whole units */
		memcpy(buf + n, buf, n < full - n ? n : full - n);
	memcpy(buf + n, tail, tail_len);
	*len = n + tail_len;
	return buf;
}

/* Bound of the work checks: steps (the views' and the tokenizer's work counters) per
 * byte, plus a constant; tests/check_linear.c holds the text layer to the same. */
#define FUZZ_STEPS_PER_BYTE 16
#define FUZZ_STEPS_BASE 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
