/* Pairwise canonical composition (UAX #15), which utf8proc does not expose. */
#include "text.h"

struct compose_pair {
	int32_t first, second, composite;
};

#include "compose_table.inc"

enum {
	HANGUL_S_BASE = 0xAC00,
	HANGUL_L_BASE = 0x1100,
	HANGUL_V_BASE = 0x1161,
	HANGUL_T_BASE = 0x11A7,
	HANGUL_L_COUNT = 19,
	HANGUL_V_COUNT = 21,
	HANGUL_T_COUNT = 28,
	HANGUL_S_COUNT = HANGUL_L_COUNT * HANGUL_V_COUNT * HANGUL_T_COUNT
};

static int32_t compose_hangul(int32_t a, int32_t b)
{
	if (a >= HANGUL_L_BASE && a < HANGUL_L_BASE + HANGUL_L_COUNT && b >= HANGUL_V_BASE &&
	    b < HANGUL_V_BASE + HANGUL_V_COUNT)
		return HANGUL_S_BASE +
		       ((a - HANGUL_L_BASE) * HANGUL_V_COUNT + (b - HANGUL_V_BASE)) * HANGUL_T_COUNT;
	if (a >= HANGUL_S_BASE && a < HANGUL_S_BASE + HANGUL_S_COUNT &&
	    (a - HANGUL_S_BASE) % HANGUL_T_COUNT == 0 && b > HANGUL_T_BASE &&
	    b < HANGUL_T_BASE + HANGUL_T_COUNT)
		return a + (b - HANGUL_T_BASE);
	return -1;
}

int32_t mesura_text__compose(int32_t a, int32_t b)
{
	int32_t hangul = compose_hangul(a, b);
	if (hangul >= 0)
		return hangul;
	size_t lo = 0, hi = sizeof compose_pairs / sizeof compose_pairs[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct compose_pair *p = &compose_pairs[mid];
		if (p->first < a || (p->first == a && p->second < b))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sizeof compose_pairs / sizeof compose_pairs[0] && compose_pairs[lo].first == a &&
	    compose_pairs[lo].second == b)
		return compose_pairs[lo].composite;
	return -1;
}

int mesura_text__composes_backward(int32_t cp)
{
	if (cp < 0x300)
		return 0; /* fast path: nothing below the combining marks composes backward */
	if ((cp >= HANGUL_V_BASE && cp < HANGUL_V_BASE + HANGUL_V_COUNT) ||
	    (cp > HANGUL_T_BASE && cp < HANGUL_T_BASE + HANGUL_T_COUNT))
		return 1;
	size_t lo = 0, hi = sizeof compose_seconds / sizeof compose_seconds[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compose_seconds[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sizeof compose_seconds / sizeof compose_seconds[0] && compose_seconds[lo] == cp;
}
