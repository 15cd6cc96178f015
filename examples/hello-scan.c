/*
 * hello-scan: the whole life of a post in one program. Loads a policy (a YAML file, or
 * the built-in one), screens the post, prints the verdict and each finding, then the
 * redacted copy; every status is checked and everything is freed.
 *
 *   cc hello-scan.c $(pkg-config --cflags --libs mesura) -o hello-scan
 *   ./hello-scan 'Qué m1erda, escríbeme a ana@example.com' [policy.yaml]
 */
#include <mesura.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2 || !MESURA_VERSION_COMPATIBLE(mesura_version())) {
		fprintf(stderr, "usage: hello-scan POST [POLICY.yaml] (mesura %s)\n",
		        mesura_version_string());
		return 2;
	}
	const char *post = argv[1];
	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	mesura_scanner *scanner = NULL;
	mesura_redactor *redactor = NULL;
	const mesura_result *r = NULL;
	const char *out = NULL;
	size_t out_len = 0;
	int rc = argc > 2 ? mesura_policy_load_file(&policy, argv[2], NULL, &diags, NULL)
	                  : mesura_policy_default(&policy, &diags, NULL);
	for (size_t i = 0; i < mesura_diagnostics_count(diags); i++) {
		const mesura_diagnostic *d = mesura_diagnostics_get(diags, i);
		fprintf(stderr, "%s:%u:%u: %s\n", d->file, d->line, d->column, d->message);
	}
	if (rc == MESURA_OK)
		rc = mesura_scanner_new(&scanner, policy, NULL);
	if (rc == MESURA_OK) /* a limit (MESURA_ELIMIT) is a failure here: not fully screened */
		rc = mesura_scan(scanner, post, strlen(post), 0, &r);
	if (rc == MESURA_OK) {
		printf("verdict: %s\n", mesura_action_name(r->verdict));
		for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
			const mesura_finding *f = mesura_result_finding_get(r, i);
			printf("finding: %s (%s) at bytes %zu-%zu: %.*s\n", f->rule_id, f->category,
			       f->start, f->end, (int)(f->end - f->start), post + f->start);
		}
		rc = mesura_redactor_new(&redactor, NULL, NULL);
	}
	if (rc == MESURA_OK)
		rc = mesura_redact_result(redactor, policy, post, strlen(post), r, &out, &out_len);
	if (rc == MESURA_OK)
		printf("redacted: %.*s\n", (int)out_len, out);
	else
		fprintf(stderr, "hello-scan: %s\n", mesura_strerror(rc));
	mesura_redactor_free(redactor); /* every _free accepts NULL */
	mesura_scanner_free(scanner);
	mesura_diagnostics_free(diags);
	mesura_policy_free(policy);
	return rc == MESURA_OK ? 0 : 1;
}
