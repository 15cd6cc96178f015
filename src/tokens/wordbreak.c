/* UAX #29 word boundaries, Unicode 15.0 (https://www.unicode.org/reports/tr29/tr29-41.html).
 *
 * One forward pass that carries what the rules need to know about the past, so
 * nothing is ever scanned backwards:
 *   prev    the Word_Break of the last character that WB4 did not absorb;
 *   raw     the Word_Break of the character just before (WB3c and WB3d look at raw
 *           neighbours, before WB4 hides Extend, Format and ZWJ);
 *   ris     regional indicators in the segment (WB15/16 pair them from its start);
 *   want    after AHLetter MidLetter, Hebrew_Letter Double_Quote or Numeric MidNum,
 *           the properties of the next non-ignored character that continue the word
 *           (WB7, WB7c, WB11);
 *   pending the boundary before that middle character, taken back when a wanted
 *           character follows (WB6, WB7b, WB12) and returned when anything else does.
 * Instead of looking ahead over Extend/Format/ZWJ, the pass reads on and returns the
 * pending boundary late; the caller's next call reads those characters once more, so
 * a whole segmentation stays linear.
 *
 * Posts are mostly ASCII, and most segments are an ASCII word, a space or one
 * punctuation character: those end without the general loop, and runs of ASCII
 * letters and digits are skipped eight bytes at a time.
 */
#include "wordbreak.h"

#include <string.h>

#include "text/ascii.h"
#include "text/text.h"

#include "wordbreak_table.inc"

#define BIT(v) (1u << (v))
#define IGNORED (BIT(WB_EXTEND) | BIT(WB_FORMAT) | BIT(WB_ZWJ))
#define LINE_BREAKS (BIT(WB_CR) | BIT(WB_LF) | BIT(WB_NEWLINE))
#define AHLETTER (BIT(WB_ALETTER) | BIT(WB_HEBREW_LETTER))
#define MIDLETTER_Q (BIT(WB_MIDLETTER) | BIT(WB_MIDNUMLET) | BIT(WB_SINGLE_QUOTE))
#define MIDNUM_Q (BIT(WB_MIDNUM) | BIT(WB_MIDNUMLET) | BIT(WB_SINGLE_QUOTE))
/* Word characters that ASCII letters, digits and '_' join (WB5, 8-10, 13a, 13b). */
#define ASCII_JOINERS (AHLETTER | BIT(WB_NUMERIC) | BIT(WB_EXTENDNUMLET))
#define NO_BOUNDARY SIZE_MAX

/* What follows each value without a break by WB5, WB8-WB10 and WB13-WB13b: the rules
 * that look at two neighbours only. */
static const uint32_t JOINS[] = {
	[WB_ALETTER] = AHLETTER | BIT(WB_NUMERIC) | BIT(WB_EXTENDNUMLET),
	[WB_HEBREW_LETTER] = AHLETTER | BIT(WB_NUMERIC) | BIT(WB_EXTENDNUMLET),
	[WB_NUMERIC] = AHLETTER | BIT(WB_NUMERIC) | BIT(WB_EXTENDNUMLET),
	[WB_KATAKANA] = BIT(WB_KATAKANA) | BIT(WB_EXTENDNUMLET),
	[WB_EXTENDNUMLET] = AHLETTER | BIT(WB_NUMERIC) | BIT(WB_KATAKANA) | BIT(WB_EXTENDNUMLET),
	[WB_WSEGSPACE] = 0, /* sizes the array: every value has an entry */
};

static inline unsigned table_entry(int32_t cp)
{
	if ((uint32_t)cp >= WB_TABLE_LIMIT) /* ill-formed (-1) included */
		return 0;
	uint32_t c = (uint32_t)cp;
	return wb_stage2[((size_t)wb_stage1[c >> WB_TABLE_SHIFT] << WB_TABLE_SHIFT) |
	                 (c & ((1u << WB_TABLE_SHIFT) - 1))];
}

mesura_wb mesura_tokens__word_break(int32_t cp)
{
	return (mesura_wb)(table_entry(cp) & WB_TABLE_VALUE);
}

int mesura_tokens__extended_pictographic(int32_t cp)
{
	return (table_entry(cp) & WB_TABLE_PICT) != 0;
}

/* The table entry of the character at s[i]; *n is its length in bytes. */
static inline unsigned entry_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	if (s[i] < 0x80) {
		*n = 1;
		return wb_ascii[s[i]];
	}
	int32_t cp;
	*n = mesura_utf8__decode(s, len, i, &cp);
	return table_entry(cp);
}

static inline int is_ascii_word_byte(unsigned char b)
{
	return b < 0x80 && (BIT(wb_ascii[b]) & ASCII_JOINERS);
}

/* High bit of each byte of w that is an ASCII letter, digit or '_'. */
static inline uint64_t ascii_word_bytes(uint64_t w)
{
	uint64_t x = w & ~ASCII_HIGH;
	uint64_t word = ascii_in_range(ascii_lower8(x), 'a', 'z') | ascii_in_range(x, '0', '9') |
	                ascii_in_range(x, '_', '_');
	return word & ~w;
}

/* The eight bytes at s[j], or the bytes up to len followed by NULs (never a word byte). */
static inline uint64_t load_up_to_8(const unsigned char *s, size_t len, size_t j)
{
	if (len - j >= 8)
		return ascii_load(s + j);
	uint64_t w = 0;
	memcpy(&w, s + j, len - j);
	return w;
}

/* End of the run of ASCII letters, digits and '_' at s[j]: all of it joins a word
 * character, so the rules need only its last byte. Eight bytes at a time, and the end
 * found without a loop over bytes: words are short and a loop that stops at a
 * different count every time costs a misprediction per word. */
static inline size_t skip_ascii_word(const unsigned char *s, size_t len, size_t j)
{
	for (;;) {
		uint64_t stop = ~ascii_word_bytes(load_up_to_8(s, len, j)) & ASCII_HIGH;
		if (stop)
			return j + ascii_first_marked(stop);
		j += 8; /* eight word bytes, so at least eight were left */
	}
}

/* All the rules, from s[j] on. The character before j has Word_Break prev (not CR, LF
 * or Newline) and is the first of the segment, or an ASCII word character with no
 * WB6/WB12 pending. */
static size_t segment_end(const unsigned char *s, size_t len, size_t j, unsigned prev)
{
	/* At sot WB4 absorbs nothing: a leading Extend, Format or ZWJ is prev itself. */
	unsigned raw = prev, ris = prev == WB_REGIONAL_INDICATOR;
	uint32_t want = 0;
	size_t pending = NO_BOUNDARY, n;
	while (j < len) {
		if ((BIT(prev) & ASCII_JOINERS) && is_ascii_word_byte(s[j])) {
			j = skip_ascii_word(s, len, j);
			prev = raw = wb_ascii[s[j - 1]];
			continue;
		}
		unsigned e = entry_at(s, len, j, &n);
		unsigned wb = e & WB_TABLE_VALUE;
		if (BIT(wb) & LINE_BREAKS) /* WB3b */
			break;
		if (BIT(wb) & IGNORED) { /* WB4 (WB3c too when the character is pictographic) */
			raw = wb;
			j += n;
			continue;
		}
		if (want) {
			uint32_t wanted = want;
			want = 0;
			if (BIT(wb) & wanted) { /* WB7, WB7c, WB11: the word goes on */
				pending = NO_BOUNDARY;
				prev = raw = wb;
				j += n;
				continue;
			}
			if (pending != NO_BOUNDARY) /* WB6, WB7b, WB12 failed */
				return pending;
		}
		int zwj_pict = raw == WB_ZWJ && (e & WB_TABLE_PICT);               /* WB3c */
		int spaces = raw == WB_WSEGSPACE && wb == WB_WSEGSPACE;            /* WB3d */
		if (zwj_pict || spaces || (JOINS[prev] & BIT(wb))) {
			/* no break */
		} else if ((BIT(prev) & AHLETTER) && (BIT(wb) & MIDLETTER_Q)) {
			want = AHLETTER;
			if (!(prev == WB_HEBREW_LETTER && wb == WB_SINGLE_QUOTE))
				pending = j; /* WB6; WB7a keeps Hebrew_Letter Single_Quote anyway */
		} else if (prev == WB_HEBREW_LETTER && wb == WB_DOUBLE_QUOTE) {
			want = BIT(WB_HEBREW_LETTER); /* WB7b */
			pending = j;
		} else if (prev == WB_NUMERIC && (BIT(wb) & MIDNUM_Q)) {
			want = BIT(WB_NUMERIC); /* WB12 */
			pending = j;
		} else if (prev == WB_REGIONAL_INDICATOR && wb == WB_REGIONAL_INDICATOR && ris == 1) {
			ris = 2; /* WB15, WB16 */
		} else {
			break; /* WB999 */
		}
		prev = raw = wb;
		j += n;
	}
	return pending != NO_BOUNDARY ? pending : j;
}

/* A segment that starts with an ASCII letter, digit or '_' at s[i]. Between ASCII
 * characters only WB6/WB7 ("don't", "e.g") and WB11/WB12 ("3.14") need a look past
 * the next byte, so a run of ASCII words ends without the general loop; anything
 * non-ASCII right after the run goes to it. */
static size_t ascii_word_segment_end(const unsigned char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	for (;;) {
		j = skip_ascii_word(s, len, j);
		if (j + 1 >= len || s[j] >= 0x80 || s[j + 1] >= 0x80)
			break;
		unsigned prev = wb_ascii[s[j - 1]], mid = wb_ascii[s[j]], next = wb_ascii[s[j + 1]];
		int wb6 = prev == WB_ALETTER && (BIT(mid) & MIDLETTER_Q) && next == WB_ALETTER;
		int wb12 = prev == WB_NUMERIC && (BIT(mid) & MIDNUM_Q) && next == WB_NUMERIC;
		if (!wb6 && !wb12)
			return j; /* nothing else joins a word to the ASCII non-word byte s[j] */
		j += 2;
	}
	return segment_end(s, len, j, wb_ascii[s[j - 1]]);
}

size_t mesura_tokens__next_word_break(const unsigned char *s, size_t len, size_t i)
{
	unsigned char b = s[i];
	size_t j = i + 1;
	if (b < 0x80) {
		unsigned wb = wb_ascii[b];
		if (BIT(wb) & ASCII_JOINERS)
			return ascii_word_segment_end(s, len, i);
		if (b == '\r') /* WB3, WB3a */
			return j < len && s[j] == '\n' ? j + 1 : j;
		if (BIT(wb) & LINE_BREAKS) /* WB3a */
			return j;
		if (wb == WB_WSEGSPACE)
			while (j < len && s[j] == ' ') /* WB3d */
				j++;
		/* Other ASCII characters join nothing ASCII that follows (no ASCII character is
		 * Extend, Format or ZWJ). */
		if (j == len || s[j] < 0x80)
			return j;
		return segment_end(s, len, j, wb);
	}
	int32_t cp;
	j = i + mesura_utf8__decode(s, len, i, &cp);
	unsigned wb = table_entry(cp) & WB_TABLE_VALUE;
	if (BIT(wb) & LINE_BREAKS) /* WB3a: NEL, LS, PS */
		return j;
	return segment_end(s, len, j, wb);
}

int mesura_tokens__restarts_segment(const unsigned char *s, size_t len, size_t r)
{
	size_t n;
	unsigned wb = entry_at(s, len, r, &n) & WB_TABLE_VALUE;
	return (BIT(wb) & (ASCII_JOINERS | BIT(WB_KATAKANA))) != 0;
}
