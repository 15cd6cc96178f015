/* The policy compiler: a good policy compiles; every kind of mistake is reported at its
 * line and column with a message a compliance officer can act on. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura/policy.h>

static const char GOOD[] =
	"mesura: 1\n"
	"name: acme-social-media\n"
	"lexicons:\n"
	"  codenames: [\"project falcon\", \"orion-x\"]\n"
	"rules:\n"
	"  - id: card-number\n"
	"    category: pii.payment_card\n"
	"    severity: high\n"
	"    action: redact\n"
	"    match: { regex: '(?:\\d[ -]?){13,19}', validate: luhn }\n"
	"  - id: codename\n"
	"    category: confidential\n"
	"    action: block\n"
	"    match: { terms: \"@codenames\", normalize: [casefold, strip_marks, confusables, leet] }\n"
	"  - id: insults-es\n"
	"    category: profanity\n"
	"    description: Insultos habituales\n"
	"    match:\n"
	"      terms: [mierda, gilipollas, \"hijo de puta\", coño]\n"
	"allow: [scunthorpe, essex]\n";

START_TEST(a_good_policy_compiles)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_compile(&p, GOOD, sizeof GOOD - 1, "acme.policy", NULL, &d, NULL);
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		fprintf(stderr, "%s\n", mesura_diagnostics_get(d, i)->message);
	ck_assert_int_eq(rc, MESURA_OK);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
	ck_assert_str_eq(mesura_policy_name(p), "acme-social-media");
	ck_assert_uint_eq(mesura_policy_rule_count(p), 3);
	mesura_policy_free(p);
	mesura_diagnostics_free(d);
}
END_TEST

/* Compiles `src`, expecting failure with `status`, and a first diagnostic at
 * line:column, in rule `rule_id` (or none), whose message contains `needle`. */
static void assert_error(const char *src, int status, unsigned line, unsigned column,
                         const char *rule_id, const char *needle)
{
	mesura_policy *p = (mesura_policy *)&p; /* must be reset to NULL */
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_compile(&p, src, strlen(src), "t.policy", NULL, &d, NULL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(rc, status);
	ck_assert_uint_ge(mesura_diagnostics_errors(d), 1);
	const mesura_diagnostic *g = NULL;
	for (size_t i = 0; i < mesura_diagnostics_count(d) && !g; i++)
		if (strstr(mesura_diagnostics_get(d, i)->message, needle))
			g = mesura_diagnostics_get(d, i);
	if (!g) {
		for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
			fprintf(stderr, "  got %u:%u %s\n", mesura_diagnostics_get(d, i)->line,
			        mesura_diagnostics_get(d, i)->column, mesura_diagnostics_get(d, i)->message);
		ck_abort_msg("no diagnostic contains \"%s\"", needle);
	}
	ck_assert_msg(g->line == line && g->column == column, "\"%s\" at %u:%u, want %u:%u",
	              g->message, g->line, g->column, line, column);
	ck_assert_str_eq(g->file, "t.policy");
	if (rule_id)
		ck_assert_str_eq(g->rule_id, rule_id);
	else
		ck_assert_ptr_null(g->rule_id);
	ck_assert_int_eq(g->severity, MESURA_DIAG_ERROR);
	mesura_diagnostics_free(d);
}

#define HEAD "mesura: 1\nrules:\n  - id: r1\n    category: profanity\n"

/* A diagnostic's byte offset is that of its node in the source, counted in bytes where
 * libyaml counts characters: several nodes on one line with two-byte characters before
 * them (the reader counts on from the line's last node), then a shorter line. */
START_TEST(byte_offsets_of_nodes_on_one_line)
{
	const char *src = HEAD "    match: { terms: [café, ñoño], äcton: x, vâlidate: y }\n"
	                       "    sevérity: z\n";
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), "t.policy", NULL, &d, NULL),
	                 MESURA_ESYNTAX);
	const char *keys[] = {"äcton", "vâlidate", "sevérity"};
	unsigned columns[] = {35, 45, 5};
	for (size_t k = 0; k < 3; k++) {
		const mesura_diagnostic *g = NULL;
		for (size_t i = 0; i < mesura_diagnostics_count(d) && !g; i++)
			if (strstr(mesura_diagnostics_get(d, i)->message, keys[k]))
				g = mesura_diagnostics_get(d, i);
		ck_assert_msg(g != NULL, "no diagnostic names %s", keys[k]);
		ck_assert_uint_eq(g->byte_offset, (size_t)(strstr(src, keys[k]) - src));
		ck_assert_uint_eq(g->column, columns[k]);
	}
	mesura_diagnostics_free(d);
}
END_TEST

START_TEST(errors_carry_line_column_and_rule)
{
	/* PCRE2 finds the missing ) at the end of the regex: the column after 'c'. */
	assert_error(HEAD "    match: { regex: 'ab(c' }\n", MESURA_ESYNTAX, 5, 26, "r1",
	             "missing closing parenthesis at offset 4");
	assert_error(HEAD "    match: { regex: '\\d+', validate: lun }\n", MESURA_ESYNTAX, 5, 38,
	             "r1", "unknown validator \"lun\"; did you mean \"luhn\"?");
	assert_error(HEAD "    match: { regex: '\\d+', validate: luhn>=3 }\n", MESURA_ESYNTAX, 5, 38,
	             "r1", "validator \"luhn\" takes no parameter");
	assert_error(HEAD "    match: { regex: '\\d+', validate: entropy }\n", MESURA_ESYNTAX, 5, 38,
	             "r1", "validator \"entropy\" needs a number, as in entropy>=3.5");
	assert_error(HEAD "    match: { terms: \"@codenames\" }\n", MESURA_ESYNTAX, 5, 21, "r1",
	             "lexicon \"codenames\" is not defined");
	assert_error(HEAD "    acton: block\n    match: { terms: [x] }\n", MESURA_ESYNTAX, 5, 5,
	             "r1", "unknown key \"acton\"; did you mean \"action\"?");
	assert_error(HEAD "    action: blok\n    match: { terms: [x] }\n", MESURA_ESYNTAX, 5, 13,
	             "r1", "unknown action \"blok\"; did you mean \"block\"?");
	assert_error(HEAD "    severity: huge\n    match: { terms: [x] }\n", MESURA_ESYNTAX, 5, 15,
	             "r1", "unknown severity \"huge\"; did you mean \"high\"?");
	assert_error(HEAD "    severity: 7\n    match: { terms: [x] }\n", MESURA_ESYNTAX, 5, 15,
	             "r1", "severity must be one of: low, medium, high, critical");
	assert_error(HEAD "    match: { terms: [x], normalize: [leets] }\n", MESURA_ESYNTAX, 5, 38,
	             "r1", "unknown normalisation \"leets\"; did you mean \"leet\"?");
	assert_error(HEAD "    match: { terms: [x], regex: y }\n", MESURA_ESYNTAX, 5, 12, "r1",
	             "exactly one of \"terms\" or \"regex\"");
	assert_error("mesura: 1\nrules:\n  - id: r1\n    category: profanty\n    match: { terms: [x] }\n",
	             MESURA_ESYNTAX, 4, 15, "r1", "did you mean \"profanity\"?");
	assert_error(HEAD "    match: { terms: [x] }\n  - id: r1\n    category: profanity\n"
	                  "    match: { terms: [y] }\n",
	             MESURA_ESYNTAX, 6, 9, "r1", "rule id \"r1\" is used twice");
	assert_error("mesura: 2\nrules: []\n", MESURA_ESYNTAX, 1, 9, NULL,
	             "reads policy format 1, not \"2\"");
	assert_error("name: x\nrules:\n  - id: a\n", MESURA_ESYNTAX, 1, 1, NULL,
	             "missing \"mesura: 1\"");
	assert_error("mesura: 1\nrules:\n  - id: a\n    category: profanity\n", MESURA_ESYNTAX, 3,
	             5, "a", "has no \"match\"");
	assert_error("mesura: 1\nrulez: []\n", MESURA_ESYNTAX, 2, 1, NULL,
	             "unknown key \"rulez\"; did you mean \"rules\"?");
}
END_TEST

/* A well-formed rule, after which a case adds the part in the wrong shape. */
#define RULE_R1 "rules:\n  - id: r1\n    category: profanity\n    match: { terms: [x] }\n"

/* A part of the wrong YAML shape (a list where a mapping belongs, a mapping where a text
 * does, an empty text) is an error at that part, never a part silently skipped: the
 * policy would then screen less than it says. */
START_TEST(wrong_shapes_are_errors_at_the_part)
{
	/* the document, its rules and lists */
	assert_error("[1, 2]\n", MESURA_ESYNTAX, 1, 1, NULL, "a policy is a YAML mapping");
	assert_error("", MESURA_ESYNTAX, 1, 1, NULL, "a policy is a YAML mapping");
	assert_error("mesura: 1\nrules: {a: 1}\n", MESURA_ESYNTAX, 2, 8, NULL,
	             "rules is a list of rules");
	assert_error("mesura: 1\nrules:\n  - just-a-string\n", MESURA_ESYNTAX, 3, 5, NULL,
	             "each rule is a mapping");
	assert_error("mesura: 1\nrules: []\n", MESURA_ESYNTAX, 1, 1, NULL, "the policy has no rules");
	assert_error("mesura: 1\n? [a]\n: 1\n" RULE_R1, MESURA_ESYNTAX, 2, 3, NULL,
	             "keys must be plain words");
	assert_error("mesura: 1\n" RULE_R1 "allow: {a: b}\n", MESURA_ESYNTAX, 6, 8, NULL,
	             "allow is a list of terms");
	assert_error("mesura: 1\ninclude: [\"\"]\n" RULE_R1, MESURA_ESYNTAX, 2, 11, NULL,
	             "include takes file names");
	assert_error("mesura: 1\ninclude: [[a]]\n" RULE_R1, MESURA_ESYNTAX, 2, 11, NULL,
	             "include takes file names");
	/* a rule's fields */
	assert_error("mesura: 1\nrules:\n  - id: r1\n    category: []\n    match: { terms: [x] }\n",
	             MESURA_ESYNTAX, 4, 15, "r1", "\"category\" must be a non-empty text");
	assert_error(HEAD "    match: { terms: [x], whole_word: maybe }\n", MESURA_ESYNTAX, 5, 38,
	             "r1", "whole_word is true or false");
	assert_error(HEAD "    match: { terms: [x] }\n    examples: [a]\n", MESURA_ESYNTAX, 6, 15,
	             "r1", "examples is a mapping");
	assert_error(HEAD "    match: { terms: [x] }\n    examples: { match: x }\n", MESURA_ESYNTAX,
	             6, 24, "r1", "examples are a list of posts");
	assert_error(HEAD "    match: { terms: [x] }\n    examples: { match: [[a]] }\n",
	             MESURA_ESYNTAX, 6, 25, "r1", "an example is a text");
	assert_error(HEAD "    action: redact\n    redact: { label: [x] }\n    match: { terms: [x] }\n",
	             MESURA_ESYNTAX, 6, 22, "r1", "the value of \"label\" is a text");
	assert_error(HEAD "    action: redact\n    redact: zzzzzzzzzz\n    match: { terms: [x] }\n",
	             MESURA_ESYNTAX, 6, 13, "r1", "redact is one of mask, label, hash, remove, keep");
	assert_error(HEAD "    action: redact\n    redact: [mask]\n    match: { terms: [x] }\n",
	             MESURA_ESYNTAX, 6, 13, "r1", "redact is an operator name or a mapping");
	/* regex leaves: an error inside a quoted scalar with escapes is placed at its start,
	 * since the regex's offsets no longer map to the source's columns */
	assert_error(HEAD "    match: { regex: '' }\n", MESURA_ESYNTAX, 5, 21, "r1",
	             "regex must be a non-empty text");
	assert_error(HEAD "    match: { regex: \"ab(c\" }\n", MESURA_ESYNTAX, 5, 21, "r1",
	             "missing closing parenthesis at offset 4");
	assert_error(HEAD "    match: { regex: 'it''s(' }\n", MESURA_ESYNTAX, 5, 21, "r1",
	             "missing closing parenthesis at offset 5");
	assert_error(HEAD "    match: { regex: 'a\\d', keywords: [] }\n", MESURA_ESYNTAX, 5, 38, "r1",
	             "the list of keywords is empty");
	assert_error(HEAD "    match: { regex: 'a\\d', keywords: [ok, \"\"] }\n", MESURA_ESYNTAX, 5,
	             43, "r1", "a keyword is a non-empty text");
	assert_error(HEAD "    match: { regex: '\\d+', validate: [luhn] }\n", MESURA_ESYNTAX, 5, 38,
	             "r1", "validate must be a validator name");
	assert_error(HEAD "    match: { regex: '\\d+', validate: qqqqqqqqqq }\n", MESURA_ESYNTAX, 5,
	             38, "r1", "unknown validator \"qqqqqqqqqq\"");
	/* lexicons */
	assert_error("mesura: 1\nlexicons: [a]\n" RULE_R1, MESURA_ESYNTAX, 2, 11, NULL,
	             "lexicons is a mapping of names to lists of terms");
	assert_error("mesura: 1\nlexicons:\n  codes: 5\n" RULE_R1, MESURA_ESYNTAX, 3, 10, NULL,
	             "lexicon \"codes\" must be a list of terms or { file: terms.txt }");
	assert_error("mesura: 1\nlexicons:\n  codes: [\"\", ok]\n" RULE_R1, MESURA_ESYNTAX, 3, 11,
	             NULL, "a term must be a non-empty text");
	assert_error("mesura: 1\nlexicons:\n  codes: { file: \"\" }\n" RULE_R1, MESURA_ESYNTAX, 3,
	             10, NULL, "a lexicon is a list of terms or { file: terms.txt }");
	assert_error("mesura: 1\nlexicons:\n  ? [a]\n  : [x]\n" RULE_R1, MESURA_ESYNTAX, 3, 5, NULL,
	             "a lexicon's name is a word");
	/* overrides */
	assert_error("mesura: 1\n" RULE_R1 "overrides: [a]\n", MESURA_ESYNTAX, 6, 12, NULL,
	             "overrides is a mapping");
	assert_error("mesura: 1\n" RULE_R1 "overrides: { rules: [a], lexicons: [b] }\n",
	             MESURA_ESYNTAX, 6, 21, NULL, "overrides.rules maps a rule's id");
	assert_error("mesura: 1\n" RULE_R1 "overrides: { rules: [a], lexicons: [b] }\n",
	             MESURA_ESYNTAX, 6, 36, NULL, "overrides.lexicons maps a lexicon's name");
	assert_error("mesura: 1\n" RULE_R1 "overrides: { rules: { r1: log } }\n", MESURA_ESYNTAX, 6,
	             27, "r1", "an override is a mapping such as { action: log }");
	assert_error("mesura: 1\nlexicons: { codes: [a] }\n" RULE_R1
	             "overrides: { lexicons: { zzzzzzzz: [b], codes: [\"\"] } }\n",
	             MESURA_ESYNTAX, 7, 26, NULL, "there is no lexicon \"zzzzzzzz\" to add terms to");
	assert_error("mesura: 1\nlexicons: { codes: [a] }\n" RULE_R1
	             "overrides: { lexicons: { zzzzzzzz: [b], codes: [\"\"] } }\n",
	             MESURA_ESYNTAX, 7, 49, NULL, "a term must be a non-empty text");
}
END_TEST

START_TEST(yaml_problems)
{
	assert_error("mesura: 1\nrules: [\n", MESURA_ESYNTAX, 3, 1, NULL, "YAML:");
	assert_error("a: &x [1]\nb: *x\n", MESURA_ESYNTAX, 2, 4, NULL, "aliases");
	assert_error("mesura: 1\n---\nmesura: 1\n", MESURA_ESYNTAX, 2, 1, NULL, "one YAML document");
	/* An accented line before the error: columns count code points, not bytes. */
	assert_error("mesura: 1\nname: añoñoño\nrules:\n  - id: r1\n    category: profanity\n"
	             "    match: { regex: 'ñ(' }\n",
	             MESURA_ESYNTAX, 6, 24, "r1", "missing closing parenthesis"); /* bytes: 25 */
	assert_error("mesura: 1\nname: caf\xe9\n", MESURA_ESYNTAX, 2, 10, NULL, "not valid UTF-8");
	/* Nesting bomb. */
	char deep[4096];
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		deep[n++] = '[';
	deep[n] = '\0';
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, deep, n, NULL, NULL, NULL, NULL), MESURA_ELIMIT);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(every_error_is_reported_in_one_compile)
{
	const char *src = "mesura: 1\nrules:\n"
	                  "  - id: a\n    category: nope\n    action: blok\n    match: { terms: [] }\n"
	                  "  - id: b\n    category: profanity\n    match: { regex: '(' }\n";
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), NULL, NULL, &d, NULL),
	                 MESURA_ESYNTAX);
	ck_assert_uint_eq(mesura_diagnostics_errors(d), 4);
	unsigned prev_line = 0;
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++) {
		const mesura_diagnostic *g = mesura_diagnostics_get(d, i);
		ck_assert_uint_ge(g->line, prev_line); /* in source order */
		prev_line = g->line;
		ck_assert_str_eq(g->file, "<policy>");
	}
	ck_assert_ptr_null(mesura_diagnostics_get(d, 99));
	mesura_diagnostics_free(d);
}
END_TEST

START_TEST(misuse_and_files)
{
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_compile(NULL, GOOD, 3, NULL, NULL, NULL, NULL), MESURA_EINVAL);
	ck_assert_int_eq(mesura_policy_compile(&p, NULL, 3, NULL, NULL, NULL, NULL), MESURA_EINVAL);
	mesura_compile_options opts = MESURA_COMPILE_OPTIONS_INIT;
	opts.version = 7;
	ck_assert_int_eq(mesura_policy_compile(&p, GOOD, sizeof GOOD - 1, NULL, &opts, NULL, NULL),
	                 MESURA_EVERSION);
	ck_assert_int_eq(mesura_compile_options_init(&opts, 1), MESURA_OK);
	opts.max_source_bytes = 10;
	ck_assert_int_eq(mesura_policy_compile(&p, GOOD, sizeof GOOD - 1, NULL, &opts, NULL, NULL),
	                 MESURA_ELIMIT);
	mesura_policy_free(NULL);
	mesura_diagnostics_free(NULL);

	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_load_file(&p, "/nonexistent/x.policy", NULL, &d, NULL),
	                 MESURA_EIO);
	ck_assert_str_eq(mesura_diagnostics_get(d, 0)->file, "/nonexistent/x.policy");
	mesura_diagnostics_free(d);

	char path[] = "/tmp/mesura-policy-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fwrite(GOOD, 1, sizeof GOOD - 1, f);
	fclose(f);
	ck_assert_int_eq(mesura_policy_load_file(&p, path, NULL, NULL, NULL), MESURA_OK);
	ck_assert_uint_eq(mesura_policy_rule_count(p), 3);
	mesura_policy_free(p);
	remove(path);
}
END_TEST

START_TEST(allocation_failures_are_clean)
{
	int ok = 0;
	for (size_t fail_after = 0; !ok && fail_after < 5000; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		int rc = mesura_policy_compile(&p, GOOD, sizeof GOOD - 1, NULL, NULL, &d, &fa.hooks);
		if (rc == MESURA_OK)
			ok = 1;
		else
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		mesura_policy_free(p);
		mesura_diagnostics_free(d);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(ok);
}
END_TEST

/* What compiles but is probably a mistake is a warning, at its line. */
START_TEST(suspicious_policies_get_warnings)
{
	const char *src = "mesura: 1\n"
	                  "lexicons:\n  unused: [a, b]\n  used: [scunthorpe town, fine]\n"
	                  "rules:\n"
	                  "  - id: r1\n    category: profanity\n    match: { terms: [\"@used\"] }\n"
	                  "  - id: r2\n    category: custom.x\n    match: { regex: '(a+)+$' }\n"
	                  "  - id: r3\n    category: custom.x\n"
	                  "    match: { regex: '(?:[ -]?\\d){12,18}|(\\w+\\s?){2}' }\n"
	                  "  - id: r4\n    category: custom.x\n    match: { terms: [scunthorpe] }\n"
	                  "allow: [scunthorpe]\n";
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), NULL, NULL, &d, NULL),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_errors(d), 0);
	static const struct {
		unsigned line;
		const char *rule, *says;
	} want[] = {
		{3, NULL, "lexicon \"unused\" is never used"},
		{8, "r1", "term \"scunthorpe town\" can never be reported"},
		{11, "r2", "repeats a repetition"},
		{17, "r4", "term \"scunthorpe\" can never be reported"},
		{17, "r4", "rule \"r4\" can never fire"},
	};
	ck_assert_uint_eq(mesura_diagnostics_count(d), sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const mesura_diagnostic *g = mesura_diagnostics_get(d, i);
		ck_assert_int_eq(g->severity, MESURA_DIAG_WARNING);
		ck_assert_uint_eq(g->line, want[i].line);
		ck_assert_msg(strstr(g->message, want[i].says), "%s", g->message);
		if (want[i].rule)
			ck_assert_str_eq(g->rule_id, want[i].rule);
	}
	mesura_diagnostics_free(d);
	mesura_policy_free(p);
}
END_TEST

/* Lines end as YAML says (CR LF, CR, LF, NEL, LS, PS): positions stay right, and an
 * error in a regex after a run of CRs (found by fuzz_policy) reads no byte past the
 * policy. */
START_TEST(every_yaml_line_break_counts)
{
	static const char *const breaks[] = {"\n", "\r\n", "\r", "\xc2\x85", "\xe2\x80\xa8",
	                                     "\xe2\x80\xa9"};
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
		char src[256];
		const char *b = breaks[i];
		snprintf(src, sizeof src, "mesura: 1%srules:%s  - id: r%s    category: custom.x%s"
		         "    match: { regex: 'ab(' }%s", b, b, b, b, b);
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), NULL, NULL, &d, NULL),
		                 MESURA_ESYNTAX);
		const mesura_diagnostic *g = mesura_diagnostics_get(d, 0);
		ck_assert_uint_eq(g->line, 5);
		ck_assert_uint_eq(g->column, 22 + 3); /* the regex starts at 22; PCRE2 says offset 3 */
		ck_assert_uint_eq(g->byte_offset, (size_t)(strstr(src, "'ab('") - src));
		mesura_diagnostics_free(d);
	}
	size_t len;
	char *crash = tu_read_file(tu_data_path("../fuzz/corpus/policy/regression-cr-line-breaks"),
	                           &len);
	char *exact = malloc(len); /* no NUL after it: ASan sees any read past the end */
	memcpy(exact, crash, len);
	mesura_policy *p = NULL;
	int rc = mesura_policy_compile(&p, exact, len, NULL, NULL, NULL, NULL);
	ck_assert(rc == MESURA_ESYNTAX || rc == MESURA_OK);
	mesura_policy_free(p);
	free(exact);
	free(crash);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("compile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_good_policy_compiles);
	tcase_add_test(tc, errors_carry_line_column_and_rule);
	tcase_add_test(tc, byte_offsets_of_nodes_on_one_line);
	tcase_add_test(tc, wrong_shapes_are_errors_at_the_part);
	tcase_add_test(tc, yaml_problems);
	tcase_add_test(tc, every_error_is_reported_in_one_compile);
	tcase_add_test(tc, misuse_and_files);
	tcase_add_test(tc, allocation_failures_are_clean);
	tcase_add_test(tc, suspicious_policies_get_warnings);
	tcase_add_test(tc, every_yaml_line_break_counts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
