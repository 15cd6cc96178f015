/* UTF-8 decoding with maximal-subpart error handling (Unicode 15, table 3-7), and
 * the public validate / repair functions built on it. */
#include <string.h>

#include "mesura/errors.h"
#include "chunk.h"
#include "text.h"

static const unsigned char REPLACEMENT[3] = {0xEF, 0xBF, 0xBD};

/* Bounds of the second byte for each lead byte; later bytes are always 80..BF. */
static void second_byte_bounds(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (lead == 0xE0)
		*lo = 0xA0; /* no overlong 3-byte forms */
	else if (lead == 0xED)
		*hi = 0x9F; /* no surrogates */
	else if (lead == 0xF0)
		*lo = 0x90; /* no overlong 4-byte forms */
	else if (lead == 0xF4)
		*hi = 0x8F; /* nothing above U+10FFFF */
}

static size_t sequence_length(unsigned char lead)
{
	if (lead >= 0xC2 && lead <= 0xDF)
		return 2;
	if (lead >= 0xE0 && lead <= 0xEF)
		return 3;
	if (lead >= 0xF0 && lead <= 0xF4)
		return 4;
	return 0; /* continuation byte, C0/C1 or F5..FF: never a lead */
}

size_t mesura_utf8__decode(const unsigned char *s, size_t len, size_t i, int32_t *cp)
{
	unsigned char lead = s[i];
	if (lead < 0x80) {
		*cp = lead;
		return 1;
	}
	size_t need = sequence_length(lead);
	*cp = -1;
	if (need == 0)
		return 1;
	unsigned char lo, hi;
	second_byte_bounds(lead, &lo, &hi);
	int32_t value = lead & (0x7F >> need);
	for (size_t k = 1; k < need; k++) {
		if (i + k >= len)
			return k;
		unsigned char b = s[i + k];
		if (b < lo || b > hi)
			return k; /* the maximal subpart ends before this byte */
		value = (value << 6) | (b & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = value;
	return need;
}

size_t mesura_utf8__encode(int32_t cp, unsigned char *out)
{
	uint32_t c = (uint32_t)cp;
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xC0 | (c >> 6));
		out[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (c >> 12));
		out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (c >> 18));
	out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

/* Length of the run of ASCII bytes starting at s[i]: a chunk at a time, then the
 * bytes before the first high one (most posts are mostly ASCII). */
static size_t ascii_run(const unsigned char *s, size_t len, size_t i)
{
	size_t j = i;
	while (len - j >= CHUNK) {
		chunk high = chunk_high(chunk_load(s + j));
		if (chunk_any(high))
			return j + chunk_first(high) - i;
		j += CHUNK;
	}
	while (j < len && s[j] < 0x80)
		j++;
	return j - i;
}

int mesura_utf8_validate(const char *text, size_t len, size_t *error_offset)
{
	if (!text && len > 0)
		return MESURA_EINVAL;
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		i += ascii_run(s, len, i);
		if (i >= len)
			break;
		int32_t cp;
		size_t n = mesura_utf8__decode(s, len, i, &cp);
		if (cp < 0) {
			if (error_offset)
				*error_offset = i;
			return MESURA_EUTF8;
		}
		i += n;
	}
	return MESURA_OK;
}

int mesura_utf8_repair(const char *text, size_t len, char *out, size_t out_cap,
                       size_t *out_len, size_t *replaced)
{
	if ((!text && len > 0) || !out_len || (!out && out_cap > 0))
		return MESURA_EINVAL;
	const unsigned char *s = (const unsigned char *)text;
	size_t need = 0, fixes = 0, i = 0;
	while (i < len) {
		int32_t cp;
		size_t n = mesura_utf8__decode(s, len, i, &cp);
		const unsigned char *piece = cp < 0 ? REPLACEMENT : s + i;
		size_t piece_len = cp < 0 ? sizeof REPLACEMENT : n;
		if (need + piece_len <= out_cap)
			memcpy(out + need, piece, piece_len);
		need += piece_len;
		fixes += cp < 0;
		i += n;
	}
	*out_len = need;
	if (replaced)
		*replaced = fixes;
	return need <= out_cap ? MESURA_OK : MESURA_EBUFS;
}
