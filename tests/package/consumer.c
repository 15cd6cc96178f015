/* A program built against the packaged mesura (scripts/package.sh --check): compiles the
 * built-in policy, screens a post and redacts it, checking every status. */
#include <mesura.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, int rc)
{
	fprintf(stderr, "consumer: %s: %s\n", what, mesura_strerror(rc));
	return 1;
}

int main(void)
{
	if (!MESURA_VERSION_COMPATIBLE(mesura_version()))
		return fail("library version", MESURA_EVERSION);
	mesura_policy *policy = NULL;
	int rc = mesura_policy_default(&policy, NULL, NULL);
	if (rc != MESURA_OK)
		return fail("mesura_policy_default", rc);
	mesura_scanner *scanner = NULL;
	rc = mesura_scanner_new(&scanner, policy, NULL);
	if (rc != MESURA_OK) {
		mesura_policy_free(policy);
		return fail("mesura_scanner_new", rc);
	}
	const char post[] = "Write to ana.garcia@example.com";
	const mesura_result *res = NULL;
	rc = mesura_scan(scanner, post, strlen(post), 0, &res);
	int ok = rc == MESURA_OK && res->verdict == MESURA_ACTION_REDACT &&
	         mesura_result_finding_count(res) == 1;
	if (ok) {
		const mesura_finding *f = mesura_result_finding_get(res, 0);
		ok = strcmp(f->category, "pii.email") == 0 && f->start == 9 && f->end == 31;
	}
	mesura_scanner_free(scanner);
	mesura_policy_free(policy);
	if (rc != MESURA_OK)
		return fail("mesura_scan", rc);
	puts(ok ? "consumer ok: the e-mail address at [9,31)" : "consumer FAILED");
	return ok ? 0 : 1;
}
