/*
 * mesura-lint: compiles policy files and reports every problem as
 *
 *   file:line:column: error: path: message [rule id]
 *
 * the way compilers do, so editors can jump to it; warnings (an unused lexicon, a term
 * the allow list shadows, a slow regex...) come the same way, with "warning:".
 *
 * --test CASES.jsonl runs the policy's own regression cases, one JSON object a line:
 * posts and what their findings must be, or checks of the compile itself
 * (docs/tools.md lists every key):
 *
 *   {"text": "mi tarjeta 4111 1111 1111 1111", "expect": [{"rule": "card-number"}]}
 *   {"text": "Call ana@x.es", "expect": [{"category": "pii.email", "span": [5, 13]}],
 *    "verdict": "redact"}
 *   {"text": "Scunthorpe United", "expect": []}
 *   {"diagnostics": [{"line": 12, "column": 25, "message": "missing closing parenthesis"}]}
 *
 * Exit status: 0 every file compiles without warnings (and every case passes), 1 with
 * warnings only, 2 when a file does not compile or a case fails, 3 for usage errors; a
 * compile case that passes makes the diagnostics it lists expected (status 0).
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

/* A case is a post to screen ("text") or, without "text", a check of the compile
 * itself ("diagnostics", "policy", "rules"): docs/tools.md lists the keys. */
static const char *const POST_KEYS[] = {"text", "expect", "verdict", "decisive",
                                        "id", "name", "comment", NULL};
static const char *const COMPILE_KEYS[] = {"diagnostics", "policy", "rules",
                                           "id", "name", "comment", NULL};
static const char *const FINDING_KEYS[] = {"rule", "category", "text", "span", "condition",
                                           "matched", "confidence", "count", NULL};
static const char *const DIAGNOSTIC_KEYS[] = {"severity", "status", "file", "line", "column",
                                              "path", "rule", "message", NULL};

static int is_one_of(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (strcmp(key, *keys) == 0)
			return 1;
	return 0;
}

static int is_compile_case(const json_t *c)
{
	return json_object_get(c, "text") == NULL &&
	       (json_object_get(c, "diagnostics") || json_object_get(c, "policy") ||
	        json_object_get(c, "rules"));
}

static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* A JSON integer that fits a size_t (counts, offsets, lines). */
static int is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static int same_string(const char *a, size_t a_len, const json_t *want)
{
	return a_len == json_string_length(want) && memcmp(a, json_string_value(want), a_len) == 0;
}

/* Does finding f meet every key of the expectation (but "count")? */
static int finding_meets(const json_t *want, const post *p, const mesura_finding *f)
{
	const json_t *v;
	if ((v = json_object_get(want, "rule")) && strcmp(json_string_value(v), f->rule_id))
		return 0;
	if ((v = json_object_get(want, "category")) && strcmp(json_string_value(v), f->category))
		return 0;
	if ((v = json_object_get(want, "condition")) && strcmp(json_string_value(v), f->condition))
		return 0;
	if ((v = json_object_get(want, "text")) &&
	    !contains(p->text + f->start, f->end - f->start, json_string_value(v),
	              json_string_length(v)))
		return 0;
	if ((v = json_object_get(want, "matched")) && !same_string(f->matched, f->matched_len, v))
		return 0;
	if ((v = json_object_get(want, "span")) &&
	    ((size_t)json_integer_value(json_array_get(v, 0)) != f->start ||
	     (size_t)json_integer_value(json_array_get(v, 1)) != f->end))
		return 0;
	/* confidences are sums of a few decimals: equal to within rounding */
	if ((v = json_object_get(want, "confidence")) &&
	    (json_number_value(v) - f->confidence > 1e-9 ||
	     f->confidence - json_number_value(v) > 1e-9))
		return 0;
	return 1;
}

/* How many findings meet the expectation. */
static size_t findings_meeting(const json_t *want, const post *p, const mesura_result *res)
{
	size_t n = 0;
	for (size_t i = 0; i < mesura_result_finding_count(res); i++)
		n += (size_t)finding_meets(want, p, mesura_result_finding_get(res, i));
	return n;
}

static const char *check_finding_entry(const json_t *v)
{
	const char *key;
	json_t *x;
	if (!json_is_object(v) || json_object_size(v) == 0)
		return "each \"expect\" entry must be an object (rule, category, text, span...)";
	json_object_foreach((json_t *)v, key, x) {
		if (!is_one_of(key, FINDING_KEYS))
			return "an \"expect\" entry takes rule, category, text, span, condition, "
			       "matched, confidence and count";
		int ok = strcmp(key, "span") == 0
		             ? json_is_array(x) && json_array_size(x) == 2 &&
		                   is_count(json_array_get(x, 0)) && is_count(json_array_get(x, 1))
		         : strcmp(key, "count") == 0      ? is_count(x)
		         : strcmp(key, "confidence") == 0 ? json_is_number(x)
		                                          : json_is_string(x);
		if (!ok)
			return "in \"expect\": span is [start, end] in bytes, count a whole number, "
			       "confidence a number, the others strings";
	}
	return NULL;
}

/* The status names a diagnostic's "status" may give (include/mesura/errors.h). */
static const struct {
	const char *name;
	int status;
} STATUS_NAMES[] = {
	{"MESURA_ENOMEM", MESURA_ENOMEM}, {"MESURA_EINVAL", MESURA_EINVAL},
	{"MESURA_ESYNTAX", MESURA_ESYNTAX}, {"MESURA_ELIMIT", MESURA_ELIMIT},
	{"MESURA_EIO", MESURA_EIO},
};

static int status_named(const char *name, int *status)
{
	for (size_t i = 0; name && i < sizeof STATUS_NAMES / sizeof *STATUS_NAMES; i++)
		if (strcmp(name, STATUS_NAMES[i].name) == 0) {
			*status = STATUS_NAMES[i].status;
			return 1;
		}
	return 0;
}

static int is_text_or_texts(const json_t *v)
{
	size_t i;
	json_t *x;
	if (json_is_string(v))
		return 1;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return 0;
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return 0;
	}
	return 1;
}

static const char *status_name(int status)
{
	for (size_t i = 0; i < sizeof STATUS_NAMES / sizeof *STATUS_NAMES; i++)
		if (STATUS_NAMES[i].status == status)
			return STATUS_NAMES[i].name;
	return mesura_strerror(status);
}

static const char *check_diagnostic_entry(const json_t *v)
{
	const char *key;
	json_t *x;
	if (!json_is_object(v))
		return "each \"diagnostics\" entry must be an object";
	json_object_foreach((json_t *)v, key, x) {
		if (!is_one_of(key, DIAGNOSTIC_KEYS))
			return "a \"diagnostics\" entry takes severity, status, file, line, column, "
			       "path, rule and message";
		int status;
		int ok = strcmp(key, "line") == 0 || strcmp(key, "column") == 0 ? is_count(x)
		         : strcmp(key, "rule") == 0     ? json_is_string(x) || json_is_null(x)
		         : strcmp(key, "severity") == 0 ? json_is_string(x) &&
		                                              (strcmp(json_string_value(x), "error") == 0 ||
		                                               strcmp(json_string_value(x), "warning") == 0)
		         : strcmp(key, "status") == 0  ? status_named(json_string_value(x), &status)
		         : strcmp(key, "message") == 0 ? is_text_or_texts(x)
		                                       : json_is_string(x);
		if (!ok)
			return "in \"diagnostics\": severity is error or warning, status a MESURA_E* "
			       "name, line and column whole numbers, rule a string or null, message a "
			       "string or a list of strings, the others strings";
	}
	return NULL;
}

/* Checks a case's shape; returns a reason when it is not a valid case. */
static const char *check_case(const json_t *c)
{
	const char *key;
	json_t *v;
	size_t i;
	int compile = is_compile_case(c);
	json_object_foreach((json_t *)c, key, v) {
		if (!is_one_of(key, compile ? COMPILE_KEYS : POST_KEYS))
			return compile ? "unknown key in a compile case (expected diagnostics, policy, "
			                 "rules, id, name, comment)"
			               : "unknown key (expected text, expect, verdict, decisive, id, "
			                 "name, comment)";
	}
	const json_t *expect = json_object_get(c, "expect");
	if (expect && !json_is_array(expect))
		return "\"expect\" must be a list";
	json_array_foreach(expect, i, v) {
		const char *bad = check_finding_entry(v);
		if (bad)
			return bad;
	}
	const json_t *diagnostics = json_object_get(c, "diagnostics");
	if (diagnostics && !json_is_array(diagnostics))
		return "\"diagnostics\" must be a list";
	json_array_foreach(diagnostics, i, v) {
		const char *bad = check_diagnostic_entry(v);
		if (bad)
			return bad;
	}
	if ((v = json_object_get(c, "policy")) && !json_is_string(v))
		return "\"policy\" must be the policy's name";
	if ((v = json_object_get(c, "rules")) && !is_count(v))
		return "\"rules\" must be the number of rules";
	if ((v = json_object_get(c, "decisive")) && !json_is_string(v))
		return "\"decisive\" must be a rule id";
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
		printf("    found %s (%s) [%zu,%zu) \"%.*s\" %s \"%.*s\" %.3f\n", f->rule_id,
		       f->category, f->start, f->end, (int)(f->end - f->start), p->text + f->start,
		       f->condition, (int)f->matched_len, f->matched, f->confidence);
	}
}

/* The failure line of a case: file:line: FAIL: why. */
#define CASE_FAIL(at, ...)                                                            \
	do {                                                                              \
		printf("%s:%lu: FAIL: ", (at)->source, (at)->line);                          \
		printf(__VA_ARGS__);                                                          \
		putchar('\n');                                                                \
	} while (0)

/* Checks the expectations of a post case against its result; returns 1 when all hold. */
static int post_case_holds(const posts_line *line, const post *p, const mesura_result *res)
{
	int ok = 1;
	const json_t *expect = json_object_get(p->object, "expect");
	if (json_is_array(expect) && json_array_size(expect) == 0 &&
	    mesura_result_finding_count(res) > 0) {
		CASE_FAIL(line, "expected no findings");
		ok = 0;
	}
	size_t i;
	json_t *want;
	json_array_foreach(expect, i, want) {
		size_t got = findings_meeting(want, p, res);
		const json_t *count = json_object_get(want, "count");
		if (count ? got != (size_t)json_integer_value(count) : got == 0) {
			char *w = json_dumps(want, JSON_COMPACT);
			if (count)
				CASE_FAIL(line, "%zu findings match %s", got, w);
			else
				CASE_FAIL(line, "no finding matches %s", w);
			free(w);
			ok = 0;
		}
	}
	const char *verdict = json_string_value(json_object_get(p->object, "verdict"));
	if (verdict && strcmp(verdict, mesura_action_name(res->verdict)) != 0) {
		CASE_FAIL(line, "verdict %s, expected %s", mesura_action_name(res->verdict), verdict);
		ok = 0;
	}
	const char *decisive = json_string_value(json_object_get(p->object, "decisive"));
	const char *decided_by = res->decisive < mesura_result_finding_count(res)
	                             ? mesura_result_finding_get(res, res->decisive)->rule_id
	                             : "(none)";
	if (decisive && strcmp(decisive, decided_by) != 0) {
		CASE_FAIL(line, "verdict decided by %s, expected %s", decided_by, decisive);
		ok = 0;
	}
	return ok;
}

/* A file given as a suffix of the diagnostic's path, at a '/' (or the whole path). */
static int file_matches(const char *file, const char *suffix)
{
	size_t n = strlen(file), m = strlen(suffix);
	return n >= m && strcmp(file + n - m, suffix) == 0 && (n == m || file[n - m - 1] == '/');
}

/* Does the message hold the text, or each text of a list? */
static int says(const char *message, const json_t *text)
{
	if (json_is_string(text))
		return strstr(message, json_string_value(text)) != NULL;
	size_t i;
	json_t *piece;
	json_array_foreach(text, i, piece) {
		if (!strstr(message, json_string_value(piece)))
			return 0;
	}
	return 1;
}

static int diagnostic_meets(const json_t *want, const mesura_diagnostic *d)
{
	const json_t *v;
	int status;
	if ((v = json_object_get(want, "severity")) &&
	    strcmp(json_string_value(v), d->severity == MESURA_DIAG_ERROR ? "error" : "warning"))
		return 0;
	if ((v = json_object_get(want, "status")) &&
	    (!status_named(json_string_value(v), &status) || status != d->status))
		return 0;
	if ((v = json_object_get(want, "file")) && !file_matches(d->file, json_string_value(v)))
		return 0;
	if ((v = json_object_get(want, "line")) && (json_int_t)d->line != json_integer_value(v))
		return 0;
	if ((v = json_object_get(want, "column")) && (json_int_t)d->column != json_integer_value(v))
		return 0;
	if ((v = json_object_get(want, "path")) && strcmp(json_string_value(v), d->path))
		return 0;
	if ((v = json_object_get(want, "rule")) &&
	    (json_is_null(v) ? d->rule_id != NULL
	                     : !d->rule_id || strcmp(json_string_value(v), d->rule_id)))
		return 0;
	if ((v = json_object_get(want, "message")) && !says(d->message, v))
		return 0;
	return 1;
}

/* Checks a compile case: "diagnostics" lists every diagnostic, each entry met by its
 * own; "policy" and "rules" need a policy that compiled. Returns 1 when all hold. */
static int compile_case_holds(const posts_line *line, const json_t *c,
                              const mesura_policy *policy, const mesura_diagnostics *diags)
{
	int ok = 1;
	const json_t *want = json_object_get(c, "diagnostics");
	size_t n = mesura_diagnostics_count(diags);
	if (want && json_array_size(want) != n) {
		CASE_FAIL(line, "%zu diagnostics, expected %zu", n, json_array_size(want));
		ok = 0;
	}
	unsigned char used[256] = {0}; /* each diagnostic meets one entry at most */
	size_t i;
	json_t *entry;
	json_array_foreach(want, i, entry) {
		size_t k = 0;
		while (k < n && k < sizeof used &&
		       (used[k] || !diagnostic_meets(entry, mesura_diagnostics_get(diags, k))))
			k++;
		if (k < n && k < sizeof used) {
			used[k] = 1;
			continue;
		}
		char *w = json_dumps(entry, JSON_COMPACT);
		CASE_FAIL(line, "no diagnostic matches %s", w);
		free(w);
		ok = 0;
	}
	const char *name = json_string_value(json_object_get(c, "policy"));
	const json_t *rules = json_object_get(c, "rules");
	if ((name || rules) && !policy) {
		CASE_FAIL(line, "the policy does not compile");
		return 0;
	}
	if (name && strcmp(name, mesura_policy_name(policy)) != 0) {
		CASE_FAIL(line, "policy \"%s\", expected \"%s\"", mesura_policy_name(policy), name);
		ok = 0;
	}
	if (rules && (json_int_t)mesura_policy_rule_count(policy) != json_integer_value(rules)) {
		CASE_FAIL(line, "%zu rules, expected %lld", mesura_policy_rule_count(policy),
		          (long long)json_integer_value(rules));
		ok = 0;
	}
	return ok;
}

static void print_diagnostics(const mesura_diagnostics *diags)
{
	if (mesura_diagnostics_count(diags) == 0)
		printf("    (no diagnostics)\n");
	for (size_t i = 0; i < mesura_diagnostics_count(diags); i++) {
		const mesura_diagnostic *d = mesura_diagnostics_get(diags, i);
		printf("    %s %s:%u:%u: %s: %s [rule %s] (%s)\n",
		       d->severity == MESURA_DIAG_ERROR ? "error" : "warning", d->file, d->line,
		       d->column, d->path, d->message, d->rule_id ? d->rule_id : "null",
		       status_name(d->status));
	}
}

/* What a --test run checks against: the compile's outcome and a scanner when it
 * compiled. */
typedef struct {
	const mesura_policy *policy;
	const mesura_diagnostics *diags;
	mesura_scanner *scanner;
	int checked_compile; /* a compile case ran: the cases judge the compile */
} case_target;

/* Under a failed case's FAIL lines: its name, for people. */
static void print_case_name(const char *name)
{
	if (name)
		printf("    case: %s\n", name);
}

/* Runs one case; returns 1 when it passes. */
static int run_case(case_target *t, const posts_line *line, const post *p)
{
	const char *bad = check_case(p->object);
	if (bad) {
		CASE_FAIL(line, "%s", bad);
		return 0;
	}
	const char *name = json_string_value(json_object_get(p->object, "name"));
	int ok;
	if (is_compile_case(p->object)) {
		t->checked_compile = 1;
		ok = compile_case_holds(line, p->object, t->policy, t->diags);
		if (!ok) {
			print_case_name(name);
			print_diagnostics(t->diags);
		}
	} else if (!t->scanner) {
		CASE_FAIL(line, "the policy does not compile");
		print_case_name(name);
		ok = 0;
	} else {
		const mesura_result *res;
		int rc = mesura_scan(t->scanner, p->text, p->len, 0, &res);
		if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
			CASE_FAIL(line, "cannot scan: %s", mesura_strerror(rc));
			return 0;
		}
		ok = post_case_holds(line, p, res);
		if (!ok) {
			print_case_name(name);
			print_findings(p, res);
		}
	}
	if (ok)
		printf("%s:%lu: ok%s%s%s\n", line->source, line->line, name ? " (" : "",
		       name ? name : "", name ? ")" : "");
	return ok;
}

/* Decodes a line into a case: a post (with "text") or a compile case (without). */
static int decode_case(posts_decoder *dec, const posts_line *line, post *p, const char **why)
{
	if (posts_decode(dec, line, p, why) == 0)
		return 0;
	return p->object && is_compile_case(p->object) ? 0 : -1;
}

/* Runs the cases of `path` against the compile of `policy_path`; returns the number
 * of failures. */
static size_t run_cases(case_target *t, const char *policy_path, char *path)
{
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
		if (decode_case(&dec, &line, &p, &why) != 0) {
			CASE_FAIL(&line, "malformed case: %s", why);
			post_clear(&p);
			failed++;
			continue;
		}
		failed += !run_case(t, &line, &p);
		post_clear(&p);
	}
	if (posts_reader_errors(r))
		failed++; /* an unreadable cases file fails the run (already reported) */
	printf("%s: %zu cases against %s: %zu passed, %zu failed\n", path, cases, policy_path,
	       cases > failed ? cases - failed : 0, failed);
	posts_decoder_free(&dec);
	posts_reader_free(r);
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
	case_target t = {policy, diags, NULL, 0};
	if (policy && n_cases > 0 && (rc = mesura_scanner_new(&t.scanner, policy, NULL)) != MESURA_OK)
		tool_die("cannot make a scanner: %s", mesura_strerror(rc));
	size_t failed = 0;
	for (int i = 0; i < n_cases; i++)
		failed += run_cases(&t, path, cases[i]);
	if (t.checked_compile) /* the diagnostics were expected: the cases decide */
		status = 0;
	if (failed > 0)
		status = 2;
	mesura_scanner_free(t.scanner);
	mesura_diagnostics_free(diags);
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
	            "                       or {\"category\": C, \"text\": SUBSTRING, \"span\": [S, E],\n"
	            "                       \"count\": N}...], \"verdict\": V}; \"expect\": [] means no\n"
	            "                       findings; without \"text\", {\"diagnostics\": [{\"line\": L,\n"
	            "                       \"column\": C, \"message\": M}...]} checks the compile\n"
	            "                       (docs/tools.md lists every key)\n"
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
