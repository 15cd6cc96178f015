/* UAX #29 word boundaries (Unicode 15.0), the base of the tokenizer. Internal. */
#ifndef MESURA_TOKENS_WORDBREAK_H
#define MESURA_TOKENS_WORDBREAK_H

#include <stddef.h>
#include <stdint.h>

/* Word_Break property values (WordBreakProperty.txt), Other = 0. */
typedef enum {
	WB_OTHER = 0,
	WB_CR,
	WB_LF,
	WB_NEWLINE,
	WB_EXTEND,
	WB_ZWJ,
	WB_REGIONAL_INDICATOR,
	WB_FORMAT,
	WB_KATAKANA,
	WB_HEBREW_LETTER,
	WB_ALETTER,
	WB_SINGLE_QUOTE,
	WB_DOUBLE_QUOTE,
	WB_MIDNUMLET,
	WB_MIDLETTER,
	WB_MIDNUM,
	WB_NUMERIC,
	WB_EXTENDNUMLET,
	WB_WSEGSPACE
} mesura_wb;

/* The Word_Break property of a code point (any value; out of range is WB_OTHER). */
mesura_wb mesura_tokens__word_break(int32_t cp);

/* Extended_Pictographic (emoji-data.txt). */
int mesura_tokens__extended_pictographic(int32_t cp);

/* The end of the UAX #29 word segment that starts at byte i of s[0..len) (i < len,
 * i on a character boundary): the next word boundary after i. Ill-formed bytes are
 * read as U+FFFD per maximal subpart (mesura_utf8__decode), Word_Break Other. Runs in
 * time linear in the segment plus any Extend/Format/ZWJ run after it, so a whole
 * segmentation is linear. A call at i treats i as the start of a text. */
size_t mesura_tokens__next_word_break(const unsigned char *s, size_t len, size_t i);

/* Whether a segment that starts at byte r ends where the segment around r does, when r
 * lies inside a segment found from an earlier start: true when the character at r is a
 * letter, a digit, Katakana or '_'-like (Word_Break ALetter, Hebrew_Letter, Numeric,
 * Katakana, ExtendNumLet). No rule looks left past such a character (it is neither
 * ignored by WB4, nor the middle of WB6-7c/WB11-12, nor a regional indicator, whose
 * pairs count from the run's start), so the segmentation after it is the same from
 * either start. Lets a caller that restarts inside a long segment skip walking the
 * rest of it again (tests/check_tokenize.c checks the claim on random text). */
int mesura_tokens__restarts_segment(const unsigned char *s, size_t len, size_t r);

#endif
