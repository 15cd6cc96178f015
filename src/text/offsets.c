/* Conversion of positions between UTF-8 bytes, code points and UTF-16 units. */
#include "mesura/errors.h"
#include "text.h"

/* A character boundary, counted in the three units at once. */
typedef struct {
	size_t at[3]; /* indexed by mesura_offset_unit */
} position;

typedef struct {
	const unsigned char *s;
	size_t len;
	position pos;
} cursor;

static void cursor_reset(cursor *c)
{
	c->pos.at[MESURA_UNIT_BYTE] = 0;
	c->pos.at[MESURA_UNIT_CODEPOINT] = 0;
	c->pos.at[MESURA_UNIT_UTF16] = 0;
}

/* Steps over one character; ill-formed bytes count as one U+FFFD, as repair writes. */
static void cursor_step(cursor *c)
{
	int32_t cp;
	size_t n = mesura_utf8__decode(c->s, c->len, c->pos.at[MESURA_UNIT_BYTE], &cp);
	c->pos.at[MESURA_UNIT_BYTE] += n;
	c->pos.at[MESURA_UNIT_CODEPOINT] += 1;
	c->pos.at[MESURA_UNIT_UTF16] += cp >= 0x10000 ? 2 : 1;
}

/* Moves the cursor to the boundary where unit `from` equals `value`. Returns 0 when
 * no boundary has that value (inside a character, or past the end). */
static int cursor_seek(cursor *c, mesura_offset_unit from, size_t value)
{
	if (value < c->pos.at[from])
		cursor_reset(c);
	while (c->pos.at[from] < value && c->pos.at[MESURA_UNIT_BYTE] < c->len)
		cursor_step(c);
	return c->pos.at[from] == value;
}

static int valid_unit(mesura_offset_unit u)
{
	return u == MESURA_UNIT_BYTE || u == MESURA_UNIT_CODEPOINT || u == MESURA_UNIT_UTF16;
}

int mesura_offsets_convert(const char *text, size_t len, mesura_offset_unit from,
                           mesura_offset_unit to, const size_t *in, size_t *out,
                           size_t count)
{
	if ((!text && len > 0) || ((!in || !out) && count > 0) || !valid_unit(from) ||
	    !valid_unit(to))
		return MESURA_EINVAL;
	cursor c = {(const unsigned char *)text, len, {{0, 0, 0}}};
	/* First pass only checks, so that `out` stays untouched on error. */
	for (size_t i = 0; i < count; i++)
		if (!cursor_seek(&c, from, in[i]))
			return MESURA_EINVAL;
	cursor_reset(&c);
	for (size_t i = 0; i < count; i++) {
		cursor_seek(&c, from, in[i]);
		out[i] = c.pos.at[to];
	}
	return MESURA_OK;
}
