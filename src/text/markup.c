/*
 * Markup in a post's plain text, read as the characters it stands for (DECODE_MARKUP):
 * HTML character references (&#102; &#x66; &eacute;) and percent-encoding (%66, %C3%A9).
 * Only what decodes to well-formed, printable text is read: a reference to a control
 * character, to a surrogate or past U+10FFFF, or percent-encoded bytes that are not
 * one well-formed UTF-8 character stay as they are written. Each reads a bounded
 * number of bytes (a name is at most HTML_ENTITY_NAME_MAX letters, a number's digits
 * are counted once), so a post full of '&' or '%' stays linear.
 */
#include <string.h>
#include <utf8proc.h>

#include "ascii.h"
#include "text.h"

#include "markup_table.inc"

/* A code point stays literal when it is no character or a control (Cc): decoding must
 * not hide text behind a NUL or a line break that was never there. */
static int printable(int32_t cp)
{
	return cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
	       utf8proc_category(cp) != UTF8PROC_CATEGORY_CC;
}

static int hex_value(unsigned char c)
{
	if (ascii_is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int digit_in(unsigned char c, int hex)
{
	return hex ? hex_value(c) : ascii_is_digit(c) ? c - '0' : -1;
}

/* &#NNN; or &#xHHH; at s[i] ("&#"), the ';' optional as in HTML5. */
static size_t numeric_reference(const unsigned char *s, size_t len, size_t i, int32_t *cp)
{
	size_t j = i + 2;
	int hex = j < len && (s[j] | 0x20) == 'x';
	j += (size_t)hex;
	size_t digits = j;
	int32_t value = 0;
	for (int d; j < len && (d = digit_in(s[j], hex)) >= 0; j++)
		value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + d; /* saturates */
	if (j == digits)
		return 0;
	if (value >= 0x80 && value <= 0x9F)
		value = html_c1[value - 0x80]; /* HTML5 reads these as Windows-1252 */
	if (!printable(value))
		return 0;
	*cp = value;
	return j + (j < len && s[j] == ';') - i;
}

static int compare_name(const char *name, const unsigned char *s, size_t n)
{
	int c = strncmp(name, (const char *)s, n);
	return c ? c : (name[n] != '\0');
}

/* &name; at s[i] ('&' and a letter). */
static size_t named_reference(const unsigned char *s, size_t len, size_t i, int32_t cps[2],
                              size_t *n_cps)
{
	size_t j = i + 1;
	while (j < len && j - i <= HTML_ENTITY_NAME_MAX && ascii_is_alnum(s[j]))
		j++;
	if (j >= len || s[j] != ';' || j - i - 1 > HTML_ENTITY_NAME_MAX)
		return 0;
	size_t lo = 0, hi = sizeof html_entities / sizeof html_entities[0], n = j - i - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_name(html_entities[mid].name, s + i + 1, n);
		if (c == 0) {
			const int32_t *v = html_entities[mid].cp;
			*n_cps = v[1] ? 2 : 1;
			if (!printable(v[0]) || (v[1] && !printable(v[1])))
				return 0;
			cps[0] = v[0];
			cps[1] = v[1];
			return j + 1 - i;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The byte of %HH at s[i], or -1. */
static int percent_byte(const unsigned char *s, size_t len, size_t i)
{
	if (i + 2 >= len || s[i] != '%')
		return -1;
	int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
	return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/* %HH, or the %HH%HH... of one UTF-8 character, at s[i]. */
static size_t percent_encoded(const unsigned char *s, size_t len, size_t i, int32_t *cp)
{
	unsigned char bytes[4];
	int b = percent_byte(s, len, i);
	if (b < 0)
		return 0;
	size_t n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3
	         : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
	if (n == 0)
		return 0; /* a continuation byte or a byte UTF-8 never uses */
	bytes[0] = (unsigned char)b;
	for (size_t k = 1; k < n; k++) {
		b = percent_byte(s, len, i + 3 * k);
		if (b < 0)
			return 0;
		bytes[k] = (unsigned char)b;
	}
	int32_t value;
	if (mesura_utf8__decode(bytes, n, 0, &value) != n || !printable(value))
		return 0;
	*cp = value;
	return 3 * n;
}

size_t mesura_text__decode_markup(const unsigned char *s, size_t len, size_t i, int32_t cps[2],
                                  size_t *n_cps)
{
	if (s[i] == '%') {
		*n_cps = 1;
		return percent_encoded(s, len, i, &cps[0]);
	}
	if (s[i] != '&' || i + 1 >= len)
		return 0;
	if (s[i + 1] == '#') {
		*n_cps = 1;
		return numeric_reference(s, len, i, &cps[0]);
	}
	return ascii_is_letter(s[i + 1]) ? named_reference(s, len, i, cps, n_cps) : 0;
}
