/* UTF-8 repair and every normalisation view: the output is valid UTF-8, each view's
 * map is monotonic and stays inside the input, and the work is linear (at most
 * FUZZ_STEPS_PER_BYTE steps a byte of input and output, as tests/check_linear.c
 * requires). Long posts: fuzz_post. */
#include "fuzz_common.h"
#include "text/view.h"

static const unsigned int views[] = {
	0, MESURA_NORM_NFC, MESURA_NORM_NFD, MESURA_NORM_NFKC, MESURA_NORM_NFKD,
	MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD, MESURA_NORM_MODERATION, MESURA_NORM_DEOBFUSCATE,
};

/* Every character's span is checked in views of up to CHECK_ALL bytes; in longer ones
 * (long posts: fuzz_post), about CHECK_ALL characters spread over the view. */
#define CHECK_ALL 16384

static void check_view(const mesura_view *view, size_t in_len)
{
	size_t len;
	const char *text = mesura_view_text(view, &len);
	CHECK(mesura_utf8_validate(text, len, NULL) == MESURA_OK);
	size_t prev_start = 0, prev_end = 0, stride = len / CHECK_ALL + 1;
	for (size_t i = 0; i < len;) {
		size_t next = i + 1;
		while (next < len && !fuzz_on_boundary(text, len, next))
			next++;
		size_t start, end;
		CHECK(mesura_view_source_range(view, i, next, &start, &end) == MESURA_OK);
		CHECK(start <= end && end <= in_len);
		CHECK(start >= prev_start && end >= prev_end); /* monotonic */
		prev_start = start;
		prev_end = end;
		i = next;
		for (size_t skip = 1; skip < stride && i < len; skip++) /* the map is monotonic: */
			while (++i < len && !fuzz_on_boundary(text, len, i)) /* any subsequence is too */
				;
	}
	size_t start, end;
	if (len) {
		CHECK(mesura_view_source_range(view, 0, len, &start, &end) == MESURA_OK);
		CHECK(end <= in_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t input_size)
{
	static mesura_normalizer *nz[sizeof views / sizeof views[0]];
	static mesura_view *view;
	if (!view) {
		CHECK(mesura_view_new(&view, NULL) == MESURA_OK);
		for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
			mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
			opts.flags = views[v];
			CHECK(mesura_normalizer_new(&nz[v], &opts, NULL) == MESURA_OK);
		}
	}
	size_t size;
	const char *text = fuzz_post(data, input_size, &size);
	char *repaired = malloc(size * 3 + 1);
	size_t out_len = 0;
	CHECK(repaired);
	CHECK(mesura_utf8_repair(text, size, repaired, size * 3 + 1, &out_len, NULL) == MESURA_OK);
	CHECK(mesura_utf8_validate(repaired, out_len, NULL) == MESURA_OK);
	free(repaired);
	for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
		CHECK(mesura_normalize(nz[v], view, text, size) == MESURA_OK);
		check_view(view, size);
		size_t out;
		mesura_view_text(view, &out);
		CHECK(view->steps <= FUZZ_STEPS_PER_BYTE * (size + out) + FUZZ_STEPS_BASE);
	}
	return 0;
}
