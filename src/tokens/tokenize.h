/* Internal interface of the tokenizer (src/tokens/tokenize.c). Not installed. */
#ifndef MESURA_TOKENS_TOKENIZE_H
#define MESURA_TOKENS_TOKENIZE_H

#include <stdint.h>

#include "mesura/tokens.h"

/* The work of the last mesura_tokenize on `tokens`, in steps of about a byte: linear in
 * the text's length for every input (tests/check_linear.c). 0 for NULL. */
uint64_t mesura_tokens__steps(const mesura_tokens *tokens);

/* The tokens as one array of *count (the library's own loops; callers outside the
 * library read them with mesura_tokens_get, so that the struct may grow). */
const mesura_token *mesura_tokens__array(const mesura_tokens *tokens, size_t *count);

#endif
