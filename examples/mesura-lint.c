/*
 * mesura-lint: compiles policy files and reports every problem as
 *
 *   file:line:column: error: path: message [rule id]
 *
 * the way compilers do, so editors can jump to it. Exit status: 0 when every file
 * compiles without warnings, 1 with warnings only, 2 when a file does not compile,
 * 3 for usage errors.
 *
 *   mesura-lint POLICY.yaml...
 */
#include <mesura.h>
#include <stdio.h>
#include <string.h>

static void print_diagnostic(const mesura_diagnostic *d)
{
	fprintf(stderr, "%s:%u:%u: %s: ", d->file, d->line, d->column,
	        d->severity == MESURA_DIAG_ERROR ? "error" : "warning");
	if (d->path[0])
		fprintf(stderr, "%s: ", d->path);
	fprintf(stderr, "%s", d->message);
	if (d->rule_id)
		fprintf(stderr, " [rule %s]", d->rule_id);
	fputc('\n', stderr);
}

/* Lints one file; returns the exit status it deserves. */
static int lint(const char *path)
{
	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	int rc = mesura_policy_load_file(&policy, path, NULL, &diags, NULL);
	for (size_t i = 0; i < mesura_diagnostics_count(diags); i++)
		print_diagnostic(mesura_diagnostics_get(diags, i));
	int status = rc != MESURA_OK ? 2 : mesura_diagnostics_count(diags) ? 1 : 0;
	if (rc == MESURA_OK)
		printf("%s: ok, policy \"%s\", %zu rules\n", path, mesura_policy_name(policy),
		       mesura_policy_rule_count(policy));
	else if (mesura_diagnostics_count(diags) == 0)
		fprintf(stderr, "%s: %s\n", path, mesura_strerror(rc));
	mesura_diagnostics_free(diags);
	mesura_policy_free(policy);
	return status;
}

int main(int argc, char **argv)
{
	if (mesura_version() != MESURA_VERSION_NUMBER) {
		fprintf(stderr, "mesura-lint: built for mesura %s, running with %s\n",
		        MESURA_VERSION_STRING, mesura_version_string());
		return 3;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout, "usage: mesura-lint POLICY.yaml...\n");
		return argc < 2 ? 3 : 0;
	}
	int worst = 0;
	for (int i = 1; i < argc; i++) {
		int status = lint(argv[i]);
		worst = status > worst ? status : worst;
	}
	return worst;
}
