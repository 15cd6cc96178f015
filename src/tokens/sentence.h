/* UAX #29 sentence boundaries (Unicode 15.0), for redacting the sentence that holds a
 * finding (src/redact). Internal. */
#ifndef MESURA_TOKENS_SENTENCE_H
#define MESURA_TOKENS_SENTENCE_H

#include <stddef.h>
#include <stdint.h>

/* Sentence_Break property values (SentenceBreakProperty.txt), Other = 0. */
typedef enum {
	SB_OTHER = 0,
	SB_CR,
	SB_LF,
	SB_EXTEND,
	SB_SEP,
	SB_FORMAT,
	SB_SP,
	SB_LOWER,
	SB_UPPER,
	SB_OLETTER,
	SB_NUMERIC,
	SB_ATERM,
	SB_STERM,
	SB_CLOSE,
	SB_SCONTINUE
} mesura_sb;

/* The Sentence_Break property of a code point (any value; out of range is SB_OTHER). */
mesura_sb mesura_tokens__sentence_break(int32_t cp);

/* Called with each sentence boundary in order, 0 and the text's length included;
 * non-zero stops the walk (and is returned). */
typedef int (*mesura_sentence_fn)(size_t at, void *payload);

/* The sentence boundaries of s[0..len) by the rules of UAX #29 (SB1-SB11), in one
 * forward pass (linear: SB8's look-ahead never reads past the next full stop).
 * Ill-formed bytes read as U+FFFD per maximal subpart (Other). With `tailored`, no
 * break after a full stop that ends one of a short list of abbreviations ("Mr.",
 * "Dr.", "Sr.", "Sra.", "vs.", "e.g.", "approx."... sentence.c has the list), as CLDR's
 * suppressions do: "Mr. Smith" stays one sentence. */
int mesura_tokens__sentences(const unsigned char *s, size_t len, int tailored,
                             mesura_sentence_fn on_break, void *payload);

#endif
