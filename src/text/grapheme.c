/* Extended grapheme clusters around one offset (grapheme.h). utf8proc's stateless
 * break test is exact for every pair of neighbours but two: a regional indicator after
 * another (GB12, GB13 count the run from its start) and an emoji after a ZWJ (GB11 asks
 * whether an emoji and its extenders came before the ZWJ). So a boundary is sure when
 * the stateless test says so for any other pair; from a sure boundary the stateful
 * test, read forward, decides the rest. */
#include "grapheme.h"

#include <utf8proc.h>

#include "text.h"

/* The start of the character that ends at s[at] (0 < at): back over continuation
 * bytes to a lead whose sequence ends at `at`, else the single byte before (an
 * ill-formed sequence, which mesura_utf8__decode reads a maximal subpart at a time). */
static size_t char_before(const unsigned char *s, size_t len, size_t at, int32_t *cp)
{
	size_t i = at - 1;
	while (i > 0 && at - i < 4 && (s[i] & 0xC0) == 0x80)
		i--;
	if (mesura_utf8__decode(s, len, i, cp) == at - i)
		return i;
	mesura_utf8__decode(s, len, at - 1, cp);
	return at - 1;
}

static int bound_class(int32_t cp)
{
	return utf8proc_get_property(cp)->boundclass;
}

/* Whether a cluster boundary surely lies at `at` (0 < at < len), whatever came before
 * the character ending there: 1 yes, 0 surely no, -1 it depends on earlier text. */
static int sure_boundary(const unsigned char *s, size_t len, size_t at, size_t *prev_start)
{
	int32_t prev, cp;
	*prev_start = char_before(s, len, at, &prev);
	mesura_utf8__decode(s, len, at, &cp);
	if (prev < 0 || cp < 0)
		return 1;
	int pc = bound_class(prev), cc = bound_class(cp);
	if ((pc == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR &&
	     cc == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR) ||
	    (pc == UTF8PROC_BOUNDCLASS_ZWJ && cc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC))
		return -1;
	return utf8proc_grapheme_break(prev, cp) ? 1 : 0;
}

/* The nearest sure boundary at or before `at`. */
static size_t sure_boundary_before(const unsigned char *s, size_t len, size_t at,
                                   uint64_t *steps)
{
	size_t b = at, prev_start;
	while (b > 0 && b < len && sure_boundary(s, len, b, &prev_start) != 1) {
		b = prev_start;
		(*steps)++;
	}
	return b;
}

/* From the sure boundary b <= at, forward: the last boundary <= at in *before, the
 * first one >= at returned. */
static size_t walk(const unsigned char *s, size_t len, size_t b, size_t at, size_t *before,
                   uint64_t *steps)
{
	*before = b;
	if (b >= at || b >= len)
		return b;
	int32_t prev, cp, state = 0;
	size_t i = b + mesura_utf8__decode(s, len, b, &prev);
	while (i < len) {
		size_t n = mesura_utf8__decode(s, len, i, &cp);
		int brk = prev < 0 || cp < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state);
		if (prev < 0 || cp < 0)
			state = 0; /* the next pair starts afresh, as in the redactor */
		(*steps)++;
		if (brk && i <= at)
			*before = i;
		if (brk && i >= at)
			return i;
		prev = cp;
		i += n;
	}
	if (len <= at)
		*before = len;
	return len;
}

void mesura_text__cluster_around(const unsigned char *s, size_t len, size_t at, size_t *start,
                                 size_t *end, uint64_t *steps)
{
	*end = walk(s, len, sure_boundary_before(s, len, at, steps), at, start, steps);
}
