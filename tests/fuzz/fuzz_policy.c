/* The policy compiler: any bytes give a policy or a clean error with diagnostics; a
 * policy that compiles scans its own source without a runtime error. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	mesura_compile_options opts = MESURA_COMPILE_OPTIONS_INIT;
	opts.flags = MESURA_COMPILE_NO_FILES; /* the fuzzer must not read the disk */
	int rc = mesura_policy_compile(&p, (const char *)data, size, "fuzz", &opts, &d, NULL);
	CHECK((rc == MESURA_OK) == (p != NULL));
	CHECK(rc == MESURA_OK || rc == MESURA_ESYNTAX || rc == MESURA_ELIMIT);
	CHECK(rc == MESURA_OK || mesura_diagnostics_errors(d) > 0);
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++) {
		const mesura_diagnostic *g = mesura_diagnostics_get(d, i);
		CHECK(g->message && g->message[0] && g->file && g->path);
	}
	if (p) {
		mesura_scanner *s;
		const mesura_result *r;
		CHECK(mesura_scanner_new(&s, p, NULL) == MESURA_OK);
		rc = mesura_scan(s, (const char *)data, size, 0, &r);
		CHECK(rc == MESURA_OK || rc == MESURA_ELIMIT);
		mesura_scanner_free(s);
	}
	mesura_diagnostics_free(d);
	mesura_policy_free(p);
	return 0;
}
