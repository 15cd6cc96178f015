/* The tools' JSON reader (examples/common/json.c) against jansson's json_loadb, the
 * oracle: the first byte chooses the flags, the rest is the input. Whatever the input,
 * tool_json_loadb answers as json_loadb does: the same tree, or the same error; and the
 * fast path alone never takes what jansson refuses. */
#include "fuzz_common.h"

#include <stdlib.h>

#include "common/tool.h"

static const size_t flag_sets[] = {
    0,
    JSON_ALLOW_NUL,
    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
    JSON_DECODE_ANY | JSON_ALLOW_NUL,
    JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES,
    JSON_DECODE_ANY,
    JSON_REJECT_DUPLICATES,
    JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
};

static int same_tree(const json_t *a, const json_t *b)
{
	size_t dump = JSON_COMPACT | JSON_ENCODE_ANY;
	char *x = json_dumps(a, dump), *y = json_dumps(b, dump);
	int same = x && y && strcmp(x, y) == 0 && json_equal(a, b);
	free(x);
	free(y);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t flags = flag_sets[data[0] % (sizeof flag_sets / sizeof flag_sets[0])];
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	json_error_t want_error, got_error;
	json_t *want = json_loadb(in, n, flags, &want_error);
	json_t *fast = tool_json_fast(in, n, flags);
	json_t *got = tool_json_loadb(in, n, flags, &got_error);
	CHECK(!fast || (want && same_tree(fast, want)));
	CHECK((want == NULL) == (got == NULL));
	if (want)
		CHECK(same_tree(got, want));
	else
		CHECK(strcmp(got_error.text, want_error.text) == 0 &&
		      got_error.line == want_error.line && got_error.column == want_error.column &&
		      got_error.position == want_error.position);
	json_decref(want);
	json_decref(got);
	json_decref(fast);
	return 0;
}
