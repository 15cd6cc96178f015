/* The tokenizer: tokens without the overlay flag tile the input exactly, in order;
 * overlays lie inside it. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static mesura_tokens *tokens;
	if (!tokens)
		CHECK(mesura_tokens_new(&tokens, NULL) == MESURA_OK);
	CHECK(mesura_tokenize(tokens, (const char *)data, size, MESURA_TOKENIZE_ALL) == MESURA_OK);
	size_t n, at = 0;
	const mesura_token *t = mesura_tokens_array(tokens, &n);
	for (size_t i = 0; i < n; i++) {
		CHECK(t[i].start < t[i].end && t[i].end <= size);
		if (t[i].flags & MESURA_TOKEN_OVERLAY)
			continue;
		CHECK(t[i].start == at);
		at = t[i].end;
	}
	CHECK(at == size);
	return 0;
}
