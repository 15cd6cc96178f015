/* Overrides of included modules (docs/policy.md, "Overrides"), a module included twice,
 * and the "did you mean" of every name a policy can misspell. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/compiled.h"
#include "testutil.h"
#include <mesura/policy.h>

/* A module of our own, written to a scratch directory: the company file includes it. */
static const char MODULE[] =
    "mesura: 1\n"
    "lexicons:\n"
    "  codenames: [falcon, \"project orion\"]\n"
    "rules:\n"
    "  - id: mod.codename\n"
    "    category: confidential\n"
    "    severity: medium\n"
    "    action: review\n"
    "    match: { terms: \"@codenames\" }\n"
    "    examples:\n"
    "      match: [\"the falcon launch slipped\"]\n"
    "      no_match: [\"a heron flew by\"]\n"
    "  - id: mod.curse\n"
    "    category: profanity\n"
    "    action: block\n"
    "    match: { terms: [damnit] }\n"
    "    examples:\n"
    "      match: [\"damnit, again\"]\n";

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	strcpy(dir, "/tmp/mesura-overrides-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file("module.yaml", MODULE);
}

static void teardown(void)
{
	char path[128];
	const char *names[] = {"module.yaml", "acme.yaml"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Loads acme.yaml (written from `src`); returns the status, *p and *d for the caller. */
static int load(const char *src, mesura_policy **p, mesura_diagnostics **d)
{
	char path[128];
	write_file("acme.yaml", src);
	snprintf(path, sizeof path, "%s/acme.yaml", dir);
	return mesura_policy_load_file(p, path, NULL, d, NULL);
}

/* The diagnostic whose message holds `needle`, or abort listing them all. */
static const mesura_diagnostic *find_diag(const mesura_diagnostics *d, const char *needle)
{
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		if (strstr(mesura_diagnostics_get(d, i)->message, needle))
			return mesura_diagnostics_get(d, i);
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		fprintf(stderr, "  got %u:%u %s\n", mesura_diagnostics_get(d, i)->line,
		        mesura_diagnostics_get(d, i)->column, mesura_diagnostics_get(d, i)->message);
	ck_abort_msg("no diagnostic contains \"%s\"", needle);
	return NULL;
}

/* Scans `text`; the verdict, and the action and severity of the finding of `rule`. */
typedef struct {
	mesura_action verdict, action;
	mesura_severity severity;
	int found;
} outcome;

static outcome scan(const mesura_policy *p, const char *text, const char *rule)
{
	mesura_scanner *s = NULL;
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_OK);
	outcome o = {r->verdict, 0, 0, 0};
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (strcmp(f->rule_id, rule) == 0) {
			o.found = 1;
			o.action = f->action;
			o.severity = f->severity;
		}
	}
	mesura_scanner_free(s);
	return o;
}

START_TEST(a_rule_override_changes_what_the_module_does)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(load("mesura: 1\n"
	                      "include: [module.yaml]\n"
	                      "overrides:\n"
	                      "  rules:\n"
	                      "    mod.codename: { action: block, severity: critical }\n"
	                      "    mod.curse: { disabled: true }\n",
	                      &p, &d),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
	outcome o = scan(p, "the falcon launch slipped", "mod.codename");
	ck_assert(o.found);
	ck_assert_int_eq(o.action, MESURA_ACTION_BLOCK);
	ck_assert_int_eq(o.severity, MESURA_SEVERITY_CRITICAL);
	ck_assert_int_eq(o.verdict, MESURA_ACTION_BLOCK);
	/* Disabled: its term no longer fires (and its example is not checked). */
	o = scan(p, "damnit, again", "mod.curse");
	ck_assert(!o.found);
	ck_assert_int_eq(o.verdict, MESURA_ACTION_ALLOW);
	/* The public rules show the effective values, and which rule is disabled. */
	ck_assert_uint_eq(mesura_policy_rule_count(p), 2);
	const mesura_rule *codename = mesura_policy_rule_get(p, 0);
	const mesura_rule *curse = mesura_policy_rule_get(p, 1);
	ck_assert_str_eq(codename->id, "mod.codename");
	ck_assert_int_eq(codename->action, MESURA_ACTION_BLOCK);
	ck_assert_int_eq(codename->severity, MESURA_SEVERITY_CRITICAL);
	ck_assert_int_eq(codename->disabled, 0);
	ck_assert_str_eq(curse->id, "mod.curse");
	ck_assert_int_eq(curse->disabled, 1);
	ck_assert_int_eq(curse->action, MESURA_ACTION_BLOCK);
	mesura_policy_free(p);
	mesura_diagnostics_free(d);

	/* Without the override the same posts are flagged as the module says. */
	ck_assert_int_eq(load("mesura: 1\ninclude: [module.yaml]\n", &p, &d), MESURA_OK);
	o = scan(p, "the falcon launch slipped", "mod.codename");
	ck_assert(o.found && o.action == MESURA_ACTION_REVIEW && o.severity == MESURA_SEVERITY_MEDIUM);
	ck_assert_int_eq(scan(p, "damnit, again", "mod.curse").verdict, MESURA_ACTION_BLOCK);
	ck_assert_int_eq(mesura_policy_rule_get(p, 0)->action, MESURA_ACTION_REVIEW);
	ck_assert_int_eq(mesura_policy_rule_get(p, 1)->disabled, 0);
	mesura_policy_free(p);
	mesura_diagnostics_free(d);
}
END_TEST

/* A disabled rule is not searched at all: its terms leave the automata, its regexes
 * the views, and a view that it alone needed is not made for any post; what the other
 * rules find is what they found with it searched. */
START_TEST(a_disabled_rule_is_compiled_out)
{
	write_file("module.yaml", "mesura: 1\n"
	                          "rules:\n"
	                          "  - id: v.word\n"
	                          "    category: profanity\n"
	                          "    match: { terms: [damnit] }\n"
	                          "  - id: v.pin\n"
	                          "    category: secret.credential\n"
	                          "    match: { regex: 'PIN[:=] ?\\d{4}\\b', normalize: [nfkc, digits] }\n"
	                          "  - id: v.leet\n"
	                          "    category: profanity\n"
	                          "    match: { terms: [frak], normalize: [casefold, leet] }\n");
	const char *post = "damnit, PIN: 1234, fr4k";
	mesura_policy *all = NULL, *some = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(load("mesura: 1\ninclude: [module.yaml]\n", &all, &d), MESURA_OK);
	mesura_diagnostics_free(d);
	ck_assert_int_eq(load("mesura: 1\n"
	                      "include: [module.yaml]\n"
	                      "overrides:\n"
	                      "  rules:\n"
	                      "    v.pin: { disabled: true }\n"
	                      "    v.leet: { disabled: true }\n",
	                      &some, &d),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
	mesura_diagnostics_free(d);
	ck_assert(scan(all, post, "v.word").found);
	ck_assert(scan(all, post, "v.pin").found);
	ck_assert(scan(all, post, "v.leet").found);
	outcome word = scan(some, post, "v.word");
	ck_assert(word.found);
	ck_assert_int_eq(word.verdict, scan(all, "damnit", "v.word").verdict);
	ck_assert(!scan(some, post, "v.pin").found);
	ck_assert(!scan(some, post, "v.leet").found);
	/* the digits view and the leet view were v.pin's and v.leet's alone */
	ck_assert_uint_eq(all->n_views, 3);
	ck_assert_uint_eq(some->n_views, 1);
	size_t regexes = 0;
	for (size_t v = 0; v < some->n_views; v++) {
		regexes += some->views[v].n_regexes;
		ck_assert_ptr_null(some->views[v].context);
	}
	ck_assert_uint_eq(regexes, 0);
	mesura_policy_free(all);
	mesura_policy_free(some);
}
END_TEST

START_TEST(a_lexicon_override_adds_terms_to_the_module)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(load("mesura: 1\n"
	                      "include: [module.yaml]\n"
	                      "overrides:\n"
	                      "  lexicons:\n"
	                      "    codenames: [kestrel, \"blue harbor\"]\n",
	                      &p, &d),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
	/* The added terms are normalised as the module's own (case, leet, joined phrases). */
	ck_assert(scan(p, "KESTREL ships in May", "mod.codename").found);
	ck_assert(scan(p, "k3str3l ships in May", "mod.codename").found);
	ck_assert(scan(p, "loving #BlueHarbor so far", "mod.codename").found);
	ck_assert(scan(p, "the falcon launch slipped", "mod.codename").found);
	ck_assert(!scan(p, "a kestrels' nest", "mod.codename").found);
	mesura_policy_free(p);
	mesura_diagnostics_free(d);
}
END_TEST

START_TEST(an_override_that_fails_an_example_is_a_warning_naming_it)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	/* "heron" now a codename: the module's no_match example is flagged. */
	ck_assert_int_eq(load("mesura: 1\n"
	                      "include: [module.yaml]\n"
	                      "overrides:\n"
	                      "  lexicons:\n"
	                      "    codenames: [heron]\n",
	                      &p, &d),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 1);
	const mesura_diagnostic *g =
	    find_diag(d, "rule \"mod.codename\" flags its no_match example \"a heron flew by\" "
	                 "since the override at ");
	ck_assert_int_eq(g->severity, MESURA_DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(g->message, "acme.yaml:5:5"));
	ck_assert_uint_eq(g->line, 12); /* the example, in the module */
	ck_assert_uint_eq(g->column, 18);
	ck_assert_str_eq(g->path, "rules[0].examples.no_match[0]");
	ck_assert_str_eq(g->rule_id, "mod.codename");
	mesura_policy_free(p);
	mesura_diagnostics_free(d);

	/* min_confidence above the rule's confidence: the match example fails. */
	ck_assert_int_eq(load("mesura: 1\n"
	                      "include: [module.yaml]\n"
	                      "overrides:\n"
	                      "  rules:\n"
	                      "    mod.curse: { min_confidence: 0.9 }\n",
	                      &p, &d),
	                 MESURA_OK);
	g = find_diag(d, "rule \"mod.curse\" does not flag its example \"damnit, again\" since the "
	                 "override at ");
	ck_assert_str_eq(g->path, "rules[1].examples.match[0]");
	ck_assert_int_eq(g->severity, MESURA_DIAG_WARNING);
	mesura_policy_free(p);
	mesura_diagnostics_free(d);
}
END_TEST

/* Compiles acme.yaml expecting errors; the diagnostic holding `needle` is at line:column. */
static void assert_error(const char *src, unsigned line, unsigned column, const char *needle)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(load(src, &p, &d), MESURA_ESYNTAX);
	ck_assert_ptr_null(p);
	const mesura_diagnostic *g = find_diag(d, needle);
	ck_assert_msg(g->line == line && g->column == column, "\"%s\" at %u:%u, want %u:%u",
	              g->message, g->line, g->column, line, column);
	ck_assert_int_eq(g->severity, MESURA_DIAG_ERROR);
	mesura_diagnostics_free(d);
}

#define OVERRIDE "mesura: 1\ninclude: [module.yaml]\noverrides:\n"

START_TEST(overrides_of_what_does_not_exist_are_errors_with_a_suggestion)
{
	assert_error(OVERRIDE "  rules:\n    mod.codenam: { action: log }\n", 5, 5,
	             "there is no rule \"mod.codenam\" to override; did you mean \"mod.codename\"?");
	assert_error(OVERRIDE "  rules:\n    nothing.like.it: { action: log }\n", 5, 5,
	             "there is no rule \"nothing.like.it\" to override");
	assert_error(OVERRIDE "  lexicons:\n    codename: [x]\n", 5, 5,
	             "there is no lexicon \"codename\" to add terms to; did you mean \"codenames\"?");
	assert_error(OVERRIDE "  rules:\n    mod.curse: { actoin: log }\n", 5, 18,
	             "unknown key \"actoin\"; did you mean \"action\"?");
	assert_error(OVERRIDE "  rules:\n    mod.curse: { category: hate }\n", 5, 18,
	             "unknown key \"category\"");
	assert_error(OVERRIDE "  rules:\n    mod.curse: { action: revew }\n", 5, 26,
	             "unknown action \"revew\"; did you mean \"review\"?");
	assert_error(OVERRIDE "  rules:\n    mod.curse: { severity: lo }\n", 5, 28,
	             "unknown severity \"lo\"; did you mean \"low\"?");
	assert_error(OVERRIDE "  rules:\n    mod.curse: { redact: msk }\n", 5, 26,
	             "unknown redaction \"msk\"; did you mean \"mask\"?");
	assert_error(OVERRIDE "  rules:\n    mod.curse: { min_confidence: 2 }\n", 5, 34,
	             "min_confidence must be a number from 0 to 1");
	assert_error(OVERRIDE "  rulez: {}\n", 4, 3, "unknown key \"rulez\"; did you mean \"rules\"?");
	assert_error(OVERRIDE "  lexicons:\n    codenames: kestrel\n", 5, 16,
	             "the terms added to lexicon \"codenames\" are a list");
}
END_TEST

START_TEST(a_module_included_twice_is_one_warning)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(load("mesura: 1\ninclude: [module.yaml, ./module.yaml]\n", &p, &d),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 1);
	const mesura_diagnostic *g = find_diag(d, "\"./module.yaml\" is already included (at ");
	ck_assert_int_eq(g->severity, MESURA_DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(g->message, "acme.yaml:2:11); it is compiled once"));
	ck_assert_uint_eq(g->line, 2);
	ck_assert_uint_eq(g->column, 24);
	ck_assert_uint_eq(mesura_policy_rule_count(p), 2);
	mesura_policy_free(p);
	mesura_diagnostics_free(d);

	/* builtin:default holds builtin:pii: the second is the one skipped. */
	mesura_policy *def = NULL;
	ck_assert_int_eq(mesura_policy_default(&def, &d, NULL), MESURA_OK);
	mesura_diagnostics_free(d);
	static const char both[] = "mesura: 1\ninclude: [builtin:default, builtin:pii]\n";
	ck_assert_int_eq(mesura_policy_compile(&p, both, strlen(both), "t.yaml", NULL, &d, NULL),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 1);
	g = find_diag(d, "\"builtin:pii\" is already included (at builtin:default:");
	ck_assert_int_eq(g->severity, MESURA_DIAG_WARNING);
	ck_assert_uint_eq(mesura_policy_rule_count(p), mesura_policy_rule_count(def));
	mesura_policy_free(p);
	mesura_policy_free(def);
	mesura_diagnostics_free(d);
}
END_TEST

START_TEST(misspelt_names_get_the_nearest)
{
	assert_error("mesura: 1\ninclude: [builtin:piii]\n", 2, 11,
	             "there is no built-in module \"piii\"; did you mean \"builtin:pii\"?");
	assert_error("mesura: 1\nlexicons:\n  insults: [x]\nrules:\n  - id: a\n    category: "
	             "profanity\n    match: { terms: \"@insult\" }\n",
	             7, 21, "lexicon \"insult\" is not defined; did you mean \"insults\"?");
	assert_error("mesura: 1\nrules:\n  - id: a\n    category: profanity\n    redact: lable\n"
	             "    match: { terms: [x] }\n",
	             5, 13, "unknown redaction \"lable\"; did you mean \"label\"?");
	/* Examples carry their rule in their path. */
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(load("mesura: 1\nrules:\n"
	                      "  - { id: a, category: profanity, match: { terms: [x] } }\n"
	                      "  - id: b\n    category: profanity\n    match: { terms: [y] }\n"
	                      "    examples: { no_match: [\"ok\", \"y\"] }\n",
	                      &p, &d),
	                 MESURA_ESYNTAX);
	const mesura_diagnostic *g = find_diag(d, "rule \"b\" flags its no_match example \"y\"");
	ck_assert_str_eq(g->path, "rules[1].examples.no_match[1]");
	ck_assert_int_eq(g->severity, MESURA_DIAG_ERROR);
	mesura_diagnostics_free(d);
}
END_TEST

START_TEST(overrides_belong_in_the_compiled_file)
{
	write_file("module.yaml", "mesura: 1\noverrides: { rules: {} }\n"
	                          "rules: [{ id: m, category: profanity, match: { terms: [x] } }]\n");
	assert_error("mesura: 1\ninclude: [module.yaml]\n", 2, 12,
	             "overrides belong in the policy file that is compiled");
}
END_TEST

static Suite *overrides_suite(void)
{
	Suite *s = suite_create("overrides");
	TCase *tc = tcase_create("overrides");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_rule_override_changes_what_the_module_does);
	tcase_add_test(tc, a_disabled_rule_is_compiled_out);
	tcase_add_test(tc, a_lexicon_override_adds_terms_to_the_module);
	tcase_add_test(tc, an_override_that_fails_an_example_is_a_warning_naming_it);
	tcase_add_test(tc, overrides_of_what_does_not_exist_are_errors_with_a_suggestion);
	tcase_add_test(tc, a_module_included_twice_is_one_warning);
	tcase_add_test(tc, misspelt_names_get_the_nearest);
	tcase_add_test(tc, overrides_belong_in_the_compiled_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(overrides_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
