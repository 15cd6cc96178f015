/* Matchers of the tokens of social media, tried at each token start. Internal. */
#ifndef MESURA_TOKENS_SOCIAL_H
#define MESURA_TOKENS_SOCIAL_H

#include <stddef.h>

#include "mesura/tokens.h"

typedef struct {
	mesura_token_type type;
	unsigned int flags; /* MESURA_TOKEN_SCHEME for URLs written with one */
	size_t end;
} mesura_social_match;

/* Matches a URL, e-mail, mention, hashtag or cashtag starting at s[i] (i is a token
 * start). Returns 1 and fills *m, or 0. The rules follow twitter-text (see
 * docs/tokens.md for where and why mesura differs). */
int mesura_tokens__social_at(const unsigned char *s, size_t len, size_t i,
                             mesura_social_match *m);

/* Length of the sigil (# @ $ or fullwidth ＃ ＠) at s[i], 0 when there is none. */
size_t mesura_tokens__sigil_length(const unsigned char *s, size_t len, size_t i);

#endif
