/*
 * Byte classes over a chunk of text at a time, for the scans that skip the bytes where
 * nothing happens: sixteen bytes with SSE2 (every x86-64), else eight in a 64-bit word
 * (SWAR, see ascii.h). A test gives a mask marking the matching bytes; masks combine
 * with and/or, and chunk_first() finds the first marked byte. Both forms mark exactly
 * the same bytes, whatever their values (bytes >= 0x80 included), so the scans behave
 * the same with either. MESURA_NO_SIMD (CMake option MESURA_PORTABLE) forces the
 * portable form, so that it is tested on x86 too.
 */
#ifndef MESURA_TEXT_CHUNK_H
#define MESURA_TEXT_CHUNK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ascii.h"

#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
#include <emmintrin.h>

#define CHUNK 16
typedef __m128i chunk;

static inline chunk chunk_load(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline chunk chunk_splat(unsigned char c)
{
	return _mm_set1_epi8((char)c);
}

static inline void chunk_store(unsigned char *p, chunk x)
{
	_mm_storeu_si128((__m128i *)(void *)p, x);
}

static inline chunk chunk_or(chunk a, chunk b) { return _mm_or_si128(a, b); }
static inline chunk chunk_and(chunk a, chunk b) { return _mm_and_si128(a, b); }
/* a and not b */
static inline chunk chunk_andnot(chunk a, chunk b) { return _mm_andnot_si128(b, a); }

/* Bytes equal in x and y. */
static inline chunk chunk_same(chunk x, chunk y) { return _mm_cmpeq_epi8(x, y); }

/* Bytes in [lo, hi], for 0 < lo <= hi < 0x80: x - lo + 0x80 (wrapping) is then one of
 * the hi - lo + 1 smallest signed bytes, and no other byte gives those. */
static inline chunk chunk_in(chunk x, unsigned char lo, unsigned char hi)
{
	chunk shifted = _mm_add_epi8(x, chunk_splat((unsigned char)(0x80 - lo)));
	return _mm_cmplt_epi8(shifted, chunk_splat((unsigned char)(0x80 + (hi - lo + 1))));
}

/* Bytes >= 0x80: the bytes of non-ASCII characters. */
static inline chunk chunk_high(chunk x) { return _mm_cmplt_epi8(x, _mm_setzero_si128()); }

/* Bytes below c (0 < c < 0x80) or >= 0x80: one signed comparison. */
static inline chunk chunk_below_or_high(chunk x, unsigned char c)
{
	return _mm_cmplt_epi8(x, chunk_splat(c));
}

/* Bytes >= 0xC0: the first byte of a non-ASCII character. */
static inline chunk chunk_lead(chunk x)
{
	return _mm_and_si128(chunk_high(x), _mm_cmpgt_epi8(x, chunk_splat(0xBF)));
}

/* x with bit 0x20 set in every byte: ASCII letters lower-cased. */
static inline chunk chunk_fold_case(chunk x) { return _mm_or_si128(x, chunk_splat(0x20)); }

static inline int chunk_any(chunk m) { return _mm_movemask_epi8(m) != 0; }

/* Bit k set when byte k of m is marked. */
static inline unsigned chunk_bits(chunk m) { return (unsigned)_mm_movemask_epi8(m); }

/* Index of the first marked byte of m (not empty). */
static inline size_t chunk_first(chunk m)
{
	return (size_t)__builtin_ctz((unsigned)_mm_movemask_epi8(m));
}

#else

#define CHUNK 8
typedef uint64_t chunk; /* a mask marks a byte with its high bit */

static inline chunk chunk_load(const unsigned char *p) { return ascii_load(p); }
static inline chunk chunk_splat(unsigned char c) { return ASCII_ONES * c; }
static inline void chunk_store(unsigned char *p, chunk x) { memcpy(p, &x, sizeof x); }
static inline chunk chunk_or(chunk a, chunk b) { return a | b; }
static inline chunk chunk_and(chunk a, chunk b) { return a & b; }
static inline chunk chunk_andnot(chunk a, chunk b) { return a & ~b; }

/* A byte of d is 0 when neither its low seven bits (which cannot carry into the next
 * byte after the mask) nor its high bit are set. */
static inline chunk chunk_same(chunk x, chunk y)
{
	uint64_t d = x ^ y;
	return ~(((d & ~ASCII_HIGH) + ~ASCII_HIGH) | d) & ASCII_HIGH;
}

static inline chunk chunk_in(chunk x, unsigned char lo, unsigned char hi)
{
	return ascii_in_range(x & ~ASCII_HIGH, lo, hi) & ~x;
}

static inline chunk chunk_high(chunk x) { return x & ASCII_HIGH; }

static inline chunk chunk_below_or_high(chunk x, unsigned char c)
{
	return (ascii_in_range(x & ~ASCII_HIGH, 0, (unsigned char)(c - 1)) & ~x) | (x & ASCII_HIGH);
}
static inline chunk chunk_lead(chunk x) { return x & (x << 1) & ASCII_HIGH; }
static inline chunk chunk_fold_case(chunk x) { return x | ASCII_ONES * 0x20; }
static inline int chunk_any(chunk m) { return m != 0; }
static inline size_t chunk_first(chunk m) { return ascii_first_marked(m); }

static inline unsigned chunk_bits(chunk m)
{
	unsigned char bytes[8];
	memcpy(bytes, &m, sizeof bytes); /* byte k of the text is bytes[k], either endianness */
	unsigned bits = 0;
	for (unsigned k = 0; k < 8; k++)
		bits |= (unsigned)(bytes[k] >> 7) << k;
	return bits;
}

#endif

/* Bytes equal to c. */
static inline chunk chunk_eq(chunk x, unsigned char c) { return chunk_same(x, chunk_splat(c)); }

/* x with its ASCII capitals lower-cased, and every other byte as it is. */
static inline chunk chunk_lower(chunk x)
{
#if CHUNK == 16
	return chunk_or(x, chunk_and(chunk_in(x, 'A', 'Z'), chunk_splat(0x20)));
#else
	return x | (chunk_in(x, 'A', 'Z') >> 2); /* a mark is the byte's 0x80 bit */
#endif
}

/* The last bytes of a scan, from p[at] to p[len) (len - at < CHUNK <= len), as the
 * chunk that ends the text: loading it reads no byte past the end, and the bytes it
 * holds before `at` (already scanned, or not asked about) are dropped from its marks.
 * Saves the byte-at-a-time loop after the last whole chunk. */
static inline chunk chunk_load_last(const unsigned char *p, size_t len)
{
	return chunk_load(p + len - CHUNK);
}

/* Bit k set when byte at + k of the text is marked in m, the marks of
 * chunk_load_last(p, len). */
static inline unsigned chunk_bits_last(chunk m, size_t len, size_t at)
{
	return chunk_bits(m) >> (CHUNK - (len - at));
}

/* Index of the lowest set bit of bits (not 0). */
static inline size_t chunk_lowest_bit(unsigned bits)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctz(bits);
#else
	size_t k = 0;
	for (; !(bits & 1u); bits >>= 1)
		k++;
	return k;
#endif
}

#endif
