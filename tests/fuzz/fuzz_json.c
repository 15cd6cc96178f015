/* The tools' JSON reader (examples/common/json.c) against jansson's json_loadb, the
 * oracle: the first byte chooses the flags, the rest is the input. Whatever the input,
 * tool_json_loadb answers as json_loadb does: the same tree, or the same error; the
 * fast path alone never takes what jansson refuses; and what the batch reader
 * (tool_json_batch, mesura-serve's) takes, jansson reads into the same request. */
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

/* The batch reader's request against jansson's tree of the same input. */
static int same_batch(const batch_request *b, const json_t *want)
{
	json_t *posts = json_object_get(want, "posts"), *redact = json_object_get(want, "redact");
	if (!json_is_array(posts) || (redact && !json_is_boolean(redact)) ||
	    json_object_size(want) != (redact ? 2u : 1u) || b->redact != json_is_true(redact) ||
	    b->count != json_array_size(posts))
		return 0;
	for (size_t i = 0; i < b->count; i++) {
		const batch_post *p = &b->posts[i];
		json_t *item = json_array_get(posts, i);
		if (p->item) {
			if (!same_tree(p->item, item))
				return 0;
			continue;
		}
		json_t *text = json_object_get(item, "text"), *id = json_object_get(item, "id");
		if (!json_is_string(text) || json_object_size(item) != (id ? 2u : 1u) ||
		    p->len != json_string_length(text) ||
		    memcmp(p->text, json_string_value(text), p->len) != 0 || (p->id != NULL) != (id != NULL))
			return 0;
		if (id) {
			strbuf written = {0};
			strbuf_json(&written, id);
			int same = written.len == p->id_len && memcmp(written.data, p->id, p->id_len) == 0;
			strbuf_free(&written);
			if (!same)
				return 0;
		}
	}
	return 1;
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
	static batch_request batch; /* reused, as a worker of the service reuses its own */
	if (tool_json_batch(&batch, in, n, flags))
		CHECK(want && same_batch(&batch, want));
	batch_request_clear(&batch);
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
