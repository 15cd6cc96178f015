/* The scanner with the default policy: findings lie inside the post, on character
 * boundaries, in order; the verdict is the strongest action. Long posts: fuzz_post. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t input_size)
{
	static mesura_policy *policy;
	static mesura_scanner *scanner;
	if (!scanner) {
		CHECK(mesura_policy_default(&policy, NULL, NULL) == MESURA_OK);
		CHECK(mesura_scanner_new(&scanner, policy, NULL) == MESURA_OK);
	}
	size_t size;
	const char *text = fuzz_post(data, input_size, &size);
	const mesura_result *r;
	int rc = mesura_scan(scanner, text, size, 0, &r);
	CHECK(rc == MESURA_OK || rc == MESURA_ELIMIT);
	int valid = mesura_utf8_validate(text, size, NULL) == MESURA_OK;
	mesura_action strongest = MESURA_ACTION_ALLOW;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		CHECK(f->start < f->end && f->end <= size);
		CHECK(i == 0 || mesura_result_finding_get(r, i - 1)->start <= f->start);
		if (valid)
			CHECK(fuzz_on_boundary(text, size, f->start) && fuzz_on_boundary(text, size, f->end));
		strongest = f->action > strongest ? f->action : strongest;
	}
	CHECK(r->verdict >= strongest);
	return 0;
}
