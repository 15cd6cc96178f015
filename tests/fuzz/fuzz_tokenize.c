/* The tokenizer: tokens without the overlay flag tile the input exactly, in order;
 * overlays lie inside it; the work is linear (FUZZ_STEPS_PER_BYTE). Long posts:
 * fuzz_post. */
#include "fuzz_common.h"
#include "tokens/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t input_size)
{
	static mesura_tokens *tokens;
	if (!tokens)
		CHECK(mesura_tokens_new(&tokens, NULL) == MESURA_OK);
	size_t size;
	const char *text = fuzz_post(data, input_size, &size);
	CHECK(mesura_tokenize(tokens, text, size, MESURA_TOKENIZE_ALL) == MESURA_OK);
	CHECK(mesura_tokens__steps(tokens) <= FUZZ_STEPS_PER_BYTE * size + FUZZ_STEPS_BASE);
	size_t n, at = 0;
	n = mesura_tokens_count(tokens);
	for (size_t i = 0; i < n; i++) {
		const mesura_token *t = mesura_tokens_get(tokens, i);
		CHECK(t && t->start < t->end && t->end <= size);
		if (t->flags & MESURA_TOKEN_OVERLAY)
			continue;
		CHECK(t->start == at);
		at = t->end;
	}
	CHECK(at == size);
	return 0;
}
