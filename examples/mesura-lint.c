/*
 * mesura-lint: compiles policy files and reports every problem as
 *
 *   file:line:column: error: path: message [rule id]
 *
 * the way compilers do, so editors can jump to it; warnings (an unused lexicon, a term
 * the allow list shadows, a slow regex...) come the same way, with "warning:".
 *
 * --test CASES.jsonl runs the policy's own regression cases, one JSON object a line:
 *
 *   {"text": "mi tarjeta 4111 1111 1111 1111", "expect": [{"rule": "card-number"}]}
 *   {"text": "Call ana@x.es", "expect": [{"category": "pii.email", "text": "ana@x.es"}],
 *    "verdict": "redact"}
 *   {"text": "Scunthorpe United", "expect": []}
 *
 * Exit status: 0 every file compiles without warnings (and every case passes), 1 with
 * warnings only, 2 when a file does not compile or a case fails, 3 for usage errors.
 * --no-file-access compiles as a service taking policies from users would
 * (MESURA_COMPILE_NO_FILES: no includes of files, no lexicon files).
 *
 * --rules shows the effective policy (its rules after includes and overrides, as
 * mesura_policy_rule_get() reads them), --print each file as written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/tool.h"

/* ------------------------------------------------------------ --test */

static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Does some finding satisfy the expectation {rule?, category?, text?}? */
static int expectation_met(const json_t *want, const post *p, const mesura_result *res)
{
	const char *rule = json_string_value(json_object_get(want, "rule"));
	const char *category = json_string_value(json_object_get(want, "category"));
	const json_t *text = json_object_get(want, "text");
	for (size_t i = 0; i < mesura_result_finding_count(res); i++) {
		const mesura_finding *f = mesura_result_finding_get(res, i);
		if (rule && strcmp(rule, f->rule_id) != 0)
			continue;
		if (category && strcmp(category, f->category) != 0)
			continue;
		if (text && !contains(p->text + f->start, f->end - f->start, json_string_value(text),
		                      json_string_length(text)))
			continue;
		return 1;
	}
	return 0;
}

/* Checks a case's shape; returns a reason when it is not a valid case. */
static const char *check_case(json_t *c)
{
	const char *key;
	json_t *v, *x;
	json_object_foreach(c, key, v) {
		if (strcmp(key, "text") && strcmp(key, "expect") && strcmp(key, "verdict") &&
		    strcmp(key, "id") && strcmp(key, "name") && strcmp(key, "comment"))
			return "unknown key (expected text, expect, verdict, id, name, comment)";
	}
	const json_t *expect = json_object_get(c, "expect");
	if (expect && !json_is_array(expect))
		return "\"expect\" must be a list";
	size_t i;
	json_array_foreach(expect, i, v) {
		if (!json_is_object(v) || json_object_size(v) == 0)
			return "each \"expect\" entry must be an object with rule, category or text";
		json_object_foreach(v, key, x) {
			if ((strcmp(key, "rule") && strcmp(key, "category") && strcmp(key, "text")) ||
			    !json_is_string(x))
				return "an \"expect\" entry takes only the strings rule, category and text";
		}
	}
	const json_t *verdict = json_object_get(c, "verdict");
	if (verdict) {
		const char *name = json_string_value(verdict);
		int known = 0;
		for (int a = MESURA_ACTION_ALLOW; name && a <= MESURA_ACTION_BLOCK; a++)
			known |= strcmp(name, mesura_action_name(a)) == 0;
		if (!known)
			return "\"verdict\" must be allow, log, redact, review or block";
	}
	return NULL;
}

static void print_findings(const post *p, const mesura_result *res)
{
	if (mesura_result_finding_count(res) == 0)
		printf("    (no findings)\n");
	for (size_t i = 0; i < mesura_result_finding_count(res); i++) {
		const mesura_finding *f = mesura_result_finding_get(res, i);
		printf("    found %s (%s) [%zu,%zu) \"%.*s\"\n", f->rule_id, f->category, f->start,
		       f->end, (int)(f->end - f->start), p->text + f->start);
	}
}

/* Runs one case; returns 1 when it passes. */
static int run_case(mesura_scanner *scanner, const posts_line *line, const post *p)
{
	const char *bad = check_case(p->object);
	if (bad) {
		printf("%s:%lu: FAIL: %s\n", line->source, line->line, bad);
		return 0;
	}
	const mesura_result *res;
	int rc = mesura_scan(scanner, p->text, p->len, 0, &res);
	if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
		printf("%s:%lu: FAIL: cannot scan: %s\n", line->source, line->line, mesura_strerror(rc));
		return 0;
	}
	int ok = 1;
	const json_t *expect = json_object_get(p->object, "expect");
	if (json_is_array(expect) && json_array_size(expect) == 0 &&
	    mesura_result_finding_count(res) > 0) {
		printf("%s:%lu: FAIL: expected no findings\n", line->source, line->line);
		ok = 0;
	}
	size_t i;
	json_t *want;
	json_array_foreach(expect, i, want) {
		if (!expectation_met(want, p, res)) {
			char *w = json_dumps(want, JSON_COMPACT);
			printf("%s:%lu: FAIL: no finding matches %s\n", line->source, line->line, w);
			free(w);
			ok = 0;
		}
	}
	const char *verdict = json_string_value(json_object_get(p->object, "verdict"));
	if (verdict && strcmp(verdict, mesura_action_name(res->verdict)) != 0) {
		printf("%s:%lu: FAIL: verdict %s, expected %s\n", line->source, line->line,
		       mesura_action_name(res->verdict), verdict);
		ok = 0;
	}
	const char *name = json_string_value(json_object_get(p->object, "name"));
	if (ok)
		printf("%s:%lu: ok%s%s%s\n", line->source, line->line, name ? " (" : "",
		       name ? name : "", name ? ")" : "");
	else {
		if (name)
			printf("    case: %s\n", name);
		print_findings(p, res);
	}
	return ok;
}

/* Runs the cases of `path` against `policy`; returns the number of failures. */
static size_t run_cases(const mesura_policy *policy, const char *policy_path, char *path)
{
	mesura_scanner *scanner = NULL;
	int rc = mesura_scanner_new(&scanner, policy, NULL);
	if (rc != MESURA_OK)
		tool_die("cannot make a scanner: %s", mesura_strerror(rc));
	posts_options popts = {.format = POSTS_JSONL};
	posts_reader *r = posts_reader_new(&path, 1, &popts);
	posts_decoder dec = {0};
	size_t cases = 0, failed = 0;
	posts_line line;
	int more;
	while ((more = posts_reader_next(r, &line)) != 0) {
		if (more < 0)
			break;
		post p;
		const char *why;
		cases++;
		if (posts_decode(&dec, &line, &p, &why) != 0) {
			printf("%s:%lu: FAIL: malformed case: %s\n", line.source, line.line, why);
			post_clear(&p);
			failed++;
			continue;
		}
		failed += !run_case(scanner, &line, &p);
		post_clear(&p);
	}
	if (posts_reader_errors(r))
		failed++; /* an unreadable cases file fails the run (already reported) */
	printf("%s: %zu cases against %s: %zu passed, %zu failed\n", path, cases, policy_path,
	       cases > failed ? cases - failed : 0, failed);
	posts_decoder_free(&dec);
	posts_reader_free(r);
	mesura_scanner_free(scanner);
	return failed;
}

/* ---------------------------------------------------------------- lint */

static size_t disabled_rules(const mesura_policy *policy)
{
	size_t n = 0;
	for (size_t i = 0; i < mesura_policy_rule_count(policy); i++)
		n += mesura_policy_rule_get(policy, i)->disabled != 0;
	return n;
}

/* One rule as a YAML flow mapping on one line; the user's strings quoted (JSON's
 * escapes are YAML's too). */
static void put_rule(strbuf *b, const mesura_rule *r)
{
	strbuf_puts(b, "  - {id: ");
	strbuf_json_string(b, r->id, strlen(r->id));
	strbuf_puts(b, ", category: ");
	strbuf_json_string(b, r->category, strlen(r->category));
	strbuf_printf(b, ", severity: %s, action: %s, confidence: ",
	              mesura_severity_name(r->severity), mesura_action_name(r->action));
	strbuf_put_confidence(b, r->confidence);
	strbuf_puts(b, ", min_confidence: ");
	strbuf_put_confidence(b, r->min_confidence);
	if (r->redact)
		strbuf_printf(b, ", redact: %s", r->redact);
	strbuf_printf(b, ", redact_extent: %s", r->redact_extent);
	if (r->disabled)
		strbuf_puts(b, ", disabled: true");
	if (r->description) {
		strbuf_puts(b, ", description: ");
		strbuf_json_string(b, r->description, strlen(r->description));
	}
	strbuf_puts(b, "}\n");
}

/* --rules: the effective policy, a rule a line (what the rules match is in the sources:
 * --print). */
static void print_effective(const char *path, const mesura_policy *policy)
{
	strbuf b = {0};
	size_t n = mesura_policy_rule_count(policy);
	strbuf_printf(&b, "# %s: the effective policy (after includes and overrides), %zu rules, "
	                  "%zu disabled\nname: ", path, n, disabled_rules(policy));
	strbuf_json_string(&b, mesura_policy_name(policy), strlen(mesura_policy_name(policy)));
	strbuf_puts(&b, "\nrules:\n");
	for (size_t i = 0; i < n; i++)
		put_rule(&b, mesura_policy_rule_get(policy, i));
	fwrite(b.data, 1, b.len, stdout);
	strbuf_free(&b);
}

/* Lints one file (and runs the cases, or prints its effective policy); returns the exit
 * status it deserves. */
static int lint(const char *path, char **cases, int n_cases, int no_file_access, int rules)
{
	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	int rc = tool_compile_policy(&policy, path, no_file_access, &diags);
	for (size_t i = 0; i < mesura_diagnostics_count(diags); i++)
		tool_print_diagnostic(mesura_diagnostics_get(diags, i));
	int status = rc != MESURA_OK ? 2 : mesura_diagnostics_count(diags) ? 1 : 0;
	size_t disabled = policy ? disabled_rules(policy) : 0;
	if (rc == MESURA_OK && rules)
		print_effective(path, policy);
	else if (rc == MESURA_OK && disabled)
		printf("%s: ok, policy \"%s\", %zu rules (%zu disabled)\n", path,
		       mesura_policy_name(policy), mesura_policy_rule_count(policy), disabled);
	else if (rc == MESURA_OK)
		printf("%s: ok, policy \"%s\", %zu rules\n", path, mesura_policy_name(policy),
		       mesura_policy_rule_count(policy));
	else if (mesura_diagnostics_count(diags) == 0)
		fprintf(stderr, "%s: %s\n", path, mesura_strerror(rc));
	mesura_diagnostics_free(diags);
	for (int i = 0; policy && i < n_cases; i++)
		if (run_cases(policy, path, cases[i]) > 0)
			status = 2;
	mesura_policy_free(policy);
	return status;
}

/* --print: the source of a built-in module (as the library embeds it) or of a file. */
static int print_source(const char *path)
{
	const char *src;
	size_t len;
	if (strncmp(path, "builtin:", 8) == 0) {
		if (mesura_policy_builtin_source(path, &src, &len) != MESURA_OK) {
			fprintf(stderr, "%s: %s: no such built-in module\n", tool_name, path);
			return -1;
		}
		fwrite(src, 1, len, stdout);
		return 0;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", tool_name, path, strerror(errno));
		return -1;
	}
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, stdout);
	int failed = ferror(f);
	fclose(f);
	return failed ? -1 : 0;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: mesura-lint [OPTIONS] POLICY...\n"
	            "\n"
	            "Compiles each policy and prints its errors and warnings as\n"
	            "file:line:column: error|warning: path: message [rule id].\n"
	            "\n"
	            "POLICY is a file, or builtin:NAME for a built-in module (builtin:pii...).\n"
	            "\n"
	            "  -t, --test CASES.jsonl  run regression cases against each policy, one JSON\n"
	            "                       object a line: {\"text\": POST, \"expect\": [{\"rule\": ID}\n"
	            "                       or {\"category\": C, \"text\": SUBSTRING}...], \"verdict\":\n"
	            "                       V}; \"expect\": [] means no findings\n"
	            "  --rules              print each policy's effective rules instead, one a\n"
	            "                       line: after includes and overrides (disabled: true)\n"
	            "  --print              print each policy's source instead (a built-in\n"
	            "                       module's as the library embeds it)\n"
	            "  --no-file-access     refuse includes of files and lexicon files, as a\n"
	            "                       service that takes policies from users would\n"
	            "  -h, --help           this text\n"
	            "  -V, --version        the tool's, the library's and Unicode's versions\n"
	            "\n"
	            "Options may come before, between or after the policies (--opt=value works\n"
	            "too); -- ends them.\n"
	            "\n"
	            "Exit status: 0 clean, 1 warnings only, 2 a policy does not compile or a case\n"
	            "fails, 3 usage errors.\n"
	            "\n"
	            "Examples:\n"
	            "  mesura-lint examples/policies/acme.yaml\n"
	            "  mesura-lint --test examples/policies/acme-cases.jsonl "
	            "examples/policies/acme.yaml\n");
}

int main(int argc, char **argv)
{
	tool_init("mesura-lint");
	char **cases = tool_xmalloc((size_t)argc * sizeof *cases);
	char **policies = tool_xmalloc((size_t)argc * sizeof *policies);
	int n_cases = 0, n_policies = 0, no_file_access = 0, rules = 0, print = 0;
	enum { NO_FILES = 256, RULES, PRINT };
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'},       {"version", no_argument, NULL, 'V'},
		{"test", required_argument, NULL, 't'}, {"no-file-access", no_argument, NULL, NO_FILES},
		{"rules", no_argument, NULL, RULES},    {"print", no_argument, NULL, PRINT},
		{NULL, 0, NULL, 0}};
	for (int c; (c = tool_getopt(argc, argv, "hVt:", longs)) != -1;) {
		switch (c) {
		case 'h':
			usage(stdout);
			free(cases);
			free(policies);
			return 0;
		case 'V':
			tool_version();
		case 't':
			cases[n_cases++] = optarg;
			break;
		case NO_FILES:
			no_file_access = 1;
			break;
		case RULES:
			rules = 1;
			break;
		case PRINT:
			print = 1;
			break;
		}
	}
	for (int i = optind; i < argc; i++)
		policies[n_policies++] = argv[i];
	if (rules + print + (n_cases > 0) > 1) {
		free(cases);
		free(policies);
		tool_usage_error("--rules, --print and --test do not go together");
	}
	if (print) {
		int status = 0;
		for (int i = 0; i < n_policies; i++)
			status |= print_source(policies[i]);
		free(cases);
		free(policies);
		return status ? 3 : 0;
	}
	if (n_policies == 0) {
		free(cases);
		free(policies);
		tool_usage_error("no policy to check");
	}
	int worst = 0;
	for (int i = 0; i < n_policies; i++) {
		int status = lint(policies[i], cases, n_cases, no_file_access, rules);
		worst = status > worst ? status : worst;
	}
	free(cases);
	free(policies);
	return worst;
}
