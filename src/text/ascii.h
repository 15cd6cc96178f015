/* Eight-bytes-at-a-time helpers for the ASCII fast paths (SWAR). Posts are mostly
 * ASCII, so these loops carry most of the bytes of a view. */
#ifndef MESURA_TEXT_ASCII_H
#define MESURA_TEXT_ASCII_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ASCII_ONES 0x0101010101010101u
#define ASCII_HIGH 0x8080808080808080u

/* One byte's ASCII class; the bytes of non-ASCII characters are in none. */
static inline int ascii_is_letter(unsigned c)
{
	return (c | 0x20) - 'a' < 26u;
}

/* ASCII capitals as small letters, every other byte as it is. */
static inline unsigned char ascii_lower(unsigned char c)
{
	return (unsigned char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
}

static inline int ascii_is_digit(unsigned c)
{
	return c - '0' < 10u;
}

static inline int ascii_is_alnum(unsigned c)
{
	return ascii_is_letter(c) || ascii_is_digit(c);
}

/* Space, tab, LF, VT, FF, CR. */
static inline int ascii_is_space(unsigned c)
{
	return c == ' ' || c - '\t' < 5u;
}

static inline uint64_t ascii_load(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* High bit set in each byte of x (all bytes < 0x80) that is >= lo and <= hi. */
static inline uint64_t ascii_in_range(uint64_t x, unsigned char lo, unsigned char hi)
{
	uint64_t ge_lo = x + ASCII_ONES * (uint64_t)(0x80 - lo);
	uint64_t gt_hi = x + ASCII_ONES * (uint64_t)(0x7F - hi);
	return ge_lo & ~gt_hi & ASCII_HIGH;
}

/* Non-zero when some byte of x (all bytes < 0x80) equals c. */
static inline uint64_t ascii_has_byte(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (ASCII_ONES * c);
	return (y - ASCII_ONES) & ~y & ASCII_HIGH;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Index (in memory order) of the first byte whose high bit is set in mask (not 0). */
static inline size_t ascii_first_marked(uint64_t mask)
{
	return (size_t)__builtin_ctzll(mask) / 8;
}
#else
static inline size_t ascii_first_marked(uint64_t mask)
{
	unsigned char bytes[8];
	memcpy(bytes, &mask, sizeof bytes);
	size_t k = 0;
	while (!bytes[k])
		k++;
	return k;
}
#endif

/* Lower-cases the 8 ASCII bytes of w. */
static inline uint64_t ascii_lower8(uint64_t w)
{
	return w | (ascii_in_range(w, 'A', 'Z') >> 2);
}

#endif
