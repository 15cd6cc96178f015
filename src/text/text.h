/* Internal interface of the text layer (src/text/). Not installed. */
#ifndef MESURA_TEXT_INTERNAL_H
#define MESURA_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mesura/text.h"

/* Decodes the character at s[i] (i < len). Returns the number of bytes it spans.
 * A well-formed character sets *cp to its code point; a maximal ill-formed
 * subsequence sets *cp to -1 (callers substitute U+FFFD). */
size_t mesura_utf8__decode(const unsigned char *s, size_t len, size_t i, int32_t *cp);

/* Encodes a valid scalar value into out (4 bytes available); returns the byte count. */
size_t mesura_utf8__encode(int32_t cp, unsigned char *out);

/* Canonical composition of the pair (a, b), Hangul included, honouring
 * Full_Composition_Exclusion; -1 when the pair does not compose. */
int32_t mesura_text__compose(int32_t a, int32_t b);

/* Non-zero when cp can be the second character of a canonical composition pair
 * (NFC_Quick_Check=Maybe): a starter like that may still merge with what precedes it. */
int mesura_text__composes_backward(int32_t cp);

/* Longest ASCII prototype mesura_text__confusable() returns. */
#define MESURA_CONFUSABLE_MAX 4

/* Where a look-alike reads as its letters. */
enum {
	MESURA_LOOKALIKE_ALWAYS = 0,
	MESURA_LOOKALIKE_BEFORE_LETTER = 1,   /* a symbol: where a letter follows (m€rda) */
	MESURA_LOOKALIKE_BETWEEN_LETTERS = 2, /* ¡: between letters (h¡jo, not ¡Hola) */
	MESURA_LOOKALIKE_REGIONAL = 3         /* a regional indicator not in an emoji flag */
};

/* Confusable skeleton towards Latin: when cp is a non-ASCII character that looks like
 * Latin letters or digits (Cyrillic а, Greek Ο, mathematical 𝐚, ⒜, 🅰...), points
 * *ascii at its ASCII prototype (not NUL-terminated), sets *context to where it reads
 * so (MESURA_LOOKALIKE_*) and returns its length (1 to MESURA_CONFUSABLE_MAX);
 * returns 0 otherwise. Never maps ASCII or marks. */
size_t mesura_text__confusable(int32_t cp, const char **ascii, unsigned *context);

/* Whether the regional indicators a, b (U+1F1E6-U+1F1FF) make an RGI emoji flag. */
int mesura_text__emoji_flag(int32_t a, int32_t b);

/* The value (0 to 9) of a decimal digit beyond ASCII (General_Category Nd: Arabic-Indic
 * ٣, Devanagari ३, fullwidth ３, mathematical 𝟑...), or -1 for any other code point,
 * ASCII digits included. */
int mesura_text__digit_value(int32_t cp);

/* Markup at s[i] ('&' or '%'; i < len) that DECODE_MARKUP reads as characters: an HTML
 * character reference (&#102; &#x66; &eacute;, HTML5's names ending with ';') or
 * percent-encoding (%66, %C3%A9). Returns the bytes it spans and sets cps[0..*n_cps)
 * (one or two code points, printable: never a control); 0 when the text there is not
 * such markup, or stands for a control, a surrogate or ill-formed UTF-8. */
size_t mesura_text__decode_markup(const unsigned char *s, size_t len, size_t i, int32_t cps[2],
                                  size_t *n_cps);

#endif
