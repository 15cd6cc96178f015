/* Hostile posts and policies: each must give a clean answer or a clear status, never
 * a crash, a hang (ctest's timeout would catch it) or a silent allow. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include <mesura.h>

static const char POLICY[] =
	"mesura: 1\nrules:\n"
	"  - id: swear\n    category: profanity\n    match: { terms: [fuck, mierda, \"hijo de puta\"] }\n"
	"  - id: card\n    category: pii.payment_card\n    action: redact\n"
	"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	"  - id: slow\n    category: custom.slow\n    match: { regex: '(\\w+\\s?)+$', whole_word: false }\n"
	"allow: [scunthorpe]\n";

static mesura_policy *policy;
static mesura_scanner *scanner;

static void setup(void)
{
	ck_assert_int_eq(mesura_policy_compile(&policy, POLICY, sizeof POLICY - 1, NULL, NULL, NULL,
	                                       NULL), MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&scanner, policy, NULL), MESURA_OK);
}

static void teardown(void)
{
	mesura_scanner_free(scanner);
	mesura_policy_free(policy);
}

/* A post of `copies` times `unit`, then " fuck" (which must still be found). */
static char *repeated(const char *unit, size_t copies, size_t *len)
{
	size_t n = strlen(unit);
	char *buf = malloc(n * copies + 8);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < copies; i++)
		memcpy(buf + i * n, unit, n);
	memcpy(buf + n * copies, " fuck", 6);
	*len = n * copies + 5;
	return buf;
}

static const mesura_result *scan_ok_or_limited(const char *text, size_t len, int *rc)
{
	const mesura_result *r;
	*rc = mesura_scan(scanner, text, len, 0, &r);
	ck_assert_msg(*rc == MESURA_OK || *rc == MESURA_ELIMIT, "%s", mesura_strerror(*rc));
	if (*rc == MESURA_ELIMIT) /* fail closed */
		ck_assert_int_ge(r->verdict, MESURA_ACTION_REVIEW);
	return r;
}

static int found(const mesura_result *r, const char *rule)
{
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (strcmp(mesura_result_finding_get(r, i)->rule_id, rule) == 0)
			return 1;
	return 0;
}

START_TEST(megabyte_of_joiners)
{
	size_t len;
	char *text = repeated("\xe2\x80\x8d", (1u << 20) / 3, &len); /* U+200D ZWJ */
	mesura_scanner_limits l = MESURA_SCANNER_LIMITS_INIT;
	l.max_post_bytes = 2u << 20;
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, &l), MESURA_OK);
	int rc;
	const mesura_result *r = scan_ok_or_limited(text, len, &rc);
	ck_assert(found(r, "swear"));
	free(text);
}
END_TEST

START_TEST(hundred_thousand_combining_marks)
{
	size_t len;
	char *marks = repeated("\xcc\x81", 100000, &len); /* U+0301 */
	char *text = malloc(len + 2);
	text[0] = 'a';
	memcpy(text + 1, marks, len);
	int rc;
	const mesura_result *r = scan_ok_or_limited(text, len + 1, &rc);
	ck_assert(found(r, "swear"));
	free(marks);
	free(text);
}
END_TEST

START_TEST(nul_bytes_are_scanned)
{
	const char text[] = "\0\0mierda\0 4111 1111 1111 1111\0";
	int rc;
	const mesura_result *r = scan_ok_or_limited(text, sizeof text - 1, &rc);
	ck_assert_int_eq(rc, MESURA_OK);
	ck_assert(found(r, "swear"));
	ck_assert(found(r, "card"));
}
END_TEST

/* The default limit refuses a post over 1 MiB: reviewed, not truncated, not allowed. */
START_TEST(oversized_post_is_reviewed)
{
	size_t len;
	char *text = repeated("clean words ", (2u << 20) / 12, &len);
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(scanner, text, len, 0, &r), MESURA_ELIMIT);
	ck_assert_uint_eq(r->limits_hit, MESURA_LIMIT_POST_SIZE);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	free(text);
}
END_TEST

/* A catastrophic regex meets its worst input: the limit stops it, the rest is found. */
START_TEST(redos_input_hits_the_regex_limit)
{
	size_t len;
	char *text = repeated("ab ", 3000, &len);
	text[len - 5] = '!'; /* "...ab!fuck": no match for (\w+\s?)+$ */
	memcpy(text + len - 4, "uck!", 4);
	int rc;
	const mesura_result *r = scan_ok_or_limited(text, len, &rc);
	(void)r;
	free(text);
}
END_TEST

/* A lexicon of a million terms compiles (the automaton is built once) and matches;
 * max_terms refuses it with a clear limit. */
START_TEST(million_term_lexicon)
{
	size_t n = 1000000, cap = n * 12 + 256, len = 0;
	char *src = malloc(cap);
	ck_assert_ptr_nonnull(src);
	len += (size_t)snprintf(src, cap, "mesura: 1\nlexicons:\n  big: { file: big.txt }\nrules:\n"
	                                  "  - id: big\n    category: custom.big\n"
	                                  "    match: { terms: \"@big\" }\n");
	char dir[] = "/tmp/mesura-adv-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256], lex[256];
	snprintf(path, sizeof path, "%s/policy.yaml", dir);
	snprintf(lex, sizeof lex, "%s/big.txt", dir);
	FILE *f = fopen(path, "w");
	fwrite(src, 1, len, f);
	fclose(f);
	f = fopen(lex, "w");
	tu_rng rng = {42};
	char last[16] = "";
	for (size_t i = 0; i < n; i++) {
		char w[16];
		size_t k = 5 + tu_rng_below(&rng, 6);
		for (size_t j = 0; j < k; j++)
			w[j] = (char)('a' + tu_rng_below(&rng, 26));
		w[k] = '\0';
		fprintf(f, "%s\n", w);
		if (i == n / 2)
			memcpy(last, w, k + 1);
	}
	fclose(f);
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_load_file(&p, path, NULL, NULL, NULL), MESURA_OK);
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	char post[64];
	snprintf(post, sizeof post, "so %s there", last);
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, post, strlen(post), 0, &r), MESURA_OK);
	ck_assert(found(r, "big"));
	mesura_scanner_free(s);
	mesura_policy_free(p);

	mesura_compile_options opts = MESURA_COMPILE_OPTIONS_INIT;
	opts.max_terms = 1000;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_load_file(&p, path, &opts, &d, NULL), MESURA_ELIMIT);
	ck_assert_ptr_nonnull(strstr(mesura_diagnostics_get(d, 0)->message, "more than 1000 terms"));
	mesura_diagnostics_free(d);
	remove(lex);
	remove(path);
	rmdir(dir);
	free(src);
}
END_TEST

/* Random bytes, any length: a status, never a crash. */
START_TEST(random_bytes)
{
	tu_rng rng = {7};
	char buf[512];
	for (int i = 0; i < 20000; i++) {
		size_t len = tu_rng_below(&rng, sizeof buf);
		for (size_t k = 0; k < len; k++)
			buf[k] = (char)tu_rng_below(&rng, 256);
		int rc;
		scan_ok_or_limited(buf, len, &rc);
	}
}
END_TEST

/* A megabyte of findings, allow-listed terms and context words: the rules' work stays
 * O(n log n) (the hits are capped at twice max_findings, which is reported). */
START_TEST(megabyte_of_findings)
{
	static const char src[] =
		"mesura: 1\nrules:\n"
		"  - id: swear\n    category: profanity\n    match: { terms: [fuck, mierda] }\n"
		"    context: [ { words: [card, tarjeta], within: 30, boost: 0.1 },\n"
		"               { words: [you], within_words: 3, boost: 0.1 } ]\n"
		"  - id: card\n    category: pii.payment_card\n"
		"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
		"allow: [fuck off]\n";
	mesura_policy *p;
	mesura_scanner *s;
	ck_assert_int_eq(mesura_policy_compile(&p, src, sizeof src - 1, NULL, NULL, NULL, NULL),
	                 MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	mesura_scanner_limits l = MESURA_SCANNER_LIMITS_INIT;
	l.max_post_bytes = 2u << 20;
	ck_assert_int_eq(mesura_scanner_set_limits(s, &l), MESURA_OK);
	size_t len;
	char *text = repeated("you fuck off card 4111 1111 1111 1111 mierda tarjeta ", 20000, &len);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, len, 0, &r), MESURA_ELIMIT);
	printf("1 MiB of findings: %zu findings, limits 0x%x, %.3f s\n", mesura_result_finding_count(r),
	       r->limits_hit, tu_seconds_since(&t0));
	ck_assert(r->limits_hit & MESURA_LIMIT_FINDINGS);
	ck_assert_uint_gt(mesura_result_finding_count(r), 1000);
	ck_assert_int_ge(r->verdict, MESURA_ACTION_REVIEW);
	for (size_t i = 1; i < mesura_result_finding_count(r); i++)
		ck_assert_uint_le(mesura_result_finding_get(r, i - 1)->start, mesura_result_finding_get(r, i)->start);
	free(text);
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("adversarial");
	TCase *tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, megabyte_of_joiners);
	tcase_add_test(tc, hundred_thousand_combining_marks);
	tcase_add_test(tc, nul_bytes_are_scanned);
	tcase_add_test(tc, oversized_post_is_reviewed);
	tcase_add_test(tc, redos_input_hits_the_regex_limit);
	tcase_add_test(tc, million_term_lexicon);
	tcase_add_test(tc, random_bytes);
	tcase_add_test(tc, megabyte_of_findings);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
