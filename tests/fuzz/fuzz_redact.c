/* Redaction: the first bytes choose spans and operators, the rest is the post. The
 * output is valid UTF-8 when the post is, and every byte outside the rewritten
 * segments is the input's. */
#include "fuzz_common.h"

#include <string.h>

#define MAX_SPANS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static mesura_redactor *redactor;
	static const unsigned char key[MESURA_REDACT_KEY_SIZE] = {1, 2, 3};
	if (!redactor) {
		mesura_redactor_options ro = MESURA_REDACTOR_OPTIONS_INIT;
		ro.hash_key = key;
		CHECK(mesura_redactor_new(&redactor, &ro, NULL) == MESURA_OK);
	}
	if (size < 1)
		return 0;
	size_t n = data[0] % (MAX_SPANS + 1), head = 1 + 3 * n;
	if (size < head)
		return 0;
	const char *text = (const char *)data + head;
	size_t len = size - head;
	mesura_redact_span spans[MAX_SPANS];
	static const mesura_redact_format keep_last = {MESURA_REDACT_FORMAT_VERSION, "\xe2\x80\xa2",
	                                                 1, 2, 1, NULL, NULL, 0};
	for (size_t i = 0; i < n; i++) {
		const uint8_t *d = data + 1 + 3 * i;
		size_t a = len ? d[0] % (len + 1) : 0, b = len ? d[1] % (len + 1) : 0;
		while (a < len && !fuzz_on_boundary(text, len, a))
			a++;
		while (b < len && !fuzz_on_boundary(text, len, b))
			b++;
		spans[i] = (mesura_redact_span){a < b ? a : b, a < b ? b : a,
		                                (mesura_redact_op)(d[2] % 5),
		                                d[2] & 0x80 ? &keep_last : NULL, "pii.email", "fuzz"};
	}
	int valid = mesura_utf8_validate(text, len, NULL) == MESURA_OK;
	const char *out;
	size_t out_len;
	int rc = mesura_redact(redactor, text, len, spans, n, sizeof *spans, &out, &out_len);
	if (!valid) {
		CHECK(rc == MESURA_OK || rc == MESURA_EINVAL);
		return 0;
	}
	CHECK(rc == MESURA_OK);
	CHECK(mesura_utf8_validate(out, out_len, NULL) == MESURA_OK);
	size_t count;
	count = mesura_redactor_map_count(redactor);
	size_t in_at = 0, out_at = 0;
	for (size_t i = 0; i < count; i++) {
		const mesura_redact_segment *seg = mesura_redactor_map_get(redactor, i);
		CHECK(seg && seg->in_start == in_at && seg->out_start == out_at);
		if (!seg->changed)
			CHECK(seg->in_end - seg->in_start == seg->out_end - seg->out_start &&
			      memcmp(text + seg->in_start, out + seg->out_start,
			             seg->in_end - seg->in_start) == 0);
		in_at = seg->in_end;
		out_at = seg->out_end;
	}
	CHECK(in_at == len && out_at == out_len);
	return 0;
}
