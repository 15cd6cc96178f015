/* The scanner: obfuscated terms in English and Spanish, the Scunthorpe family, regexes
 * with validators, the allow list, verdicts, limits, threads and memory. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/state.h"
#include "testutil.h"
#include <mesura.h>

static const char POLICY[] =
	"mesura: 1\n"
	"name: test\n"
	"rules:\n"
	"  - id: insults-es\n"
	"    category: profanity\n"
	"    match: { terms: [mierda, gilipollas, \"hijo de puta\", puta, cabrón, coño] }\n"
	"  - id: profanity-en\n"
	"    category: profanity\n"
	"    match: { terms: [fuck, shit, cunt, ass] }\n"
	"  - id: codename\n"
	"    category: confidential\n"
	"    action: block\n"
	"    severity: critical\n"
	"    match: { terms: [\"project falcon\"] }\n"
	"  - id: card-number\n"
	"    category: pii.payment_card\n"
	"    severity: high\n"
	"    action: redact\n"
	"    match: { regex: '\\d(?:[ -]?\\d){12,18}', validate: luhn }\n"
	"  - id: cunt-anywhere\n"
	"    category: custom.substring\n"
	"    action: log\n"
	"    match: { terms: [cunt], whole_word: false }\n"
	"allow: [scunthorpe]\n";

static mesura_policy *policy;
static mesura_scanner *scanner;

static void setup(void)
{
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_compile(&policy, POLICY, sizeof POLICY - 1, "test", NULL, &d, NULL);
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		fprintf(stderr, "%u:%u %s\n", mesura_diagnostics_get(d, i)->line,
		        mesura_diagnostics_get(d, i)->column, mesura_diagnostics_get(d, i)->message);
	mesura_diagnostics_free(d);
	ck_assert_int_eq(rc, MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&scanner, policy, NULL), MESURA_OK);
}

static void teardown(void)
{
	mesura_scanner_free(scanner);
	mesura_policy_free(policy);
}

static const mesura_result *scan(const char *text)
{
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(scanner, text, strlen(text), 0, &r), MESURA_OK);
	return r;
}

/* Asserts that rule `rule` fired exactly over `piece` (its first occurrence). */
static void assert_finding(const char *text, const char *rule, const char *piece)
{
	const mesura_result *r = scan(text);
	size_t start = (size_t)(strstr(text, piece) - text), end = start + strlen(piece);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (strcmp(mesura_result_finding_get(r, i)->rule_id, rule) == 0 && mesura_result_finding_get(r, i)->start == start &&
		    mesura_result_finding_get(r, i)->end == end)
			return;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		fprintf(stderr, "  %s [%zu,%zu)\n", mesura_result_finding_get(r, i)->rule_id, mesura_result_finding_get(r, i)->start,
		        mesura_result_finding_get(r, i)->end);
	ck_abort_msg("%s did not fire over \"%s\" in \"%s\"", rule, piece, text);
}

static void assert_clean(const char *text)
{
	const mesura_result *r = scan(text);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		ck_abort_msg("\"%s\": %s fired over \"%.*s\"", text, mesura_result_finding_get(r, i)->rule_id,
		             (int)(mesura_result_finding_get(r, i)->end - mesura_result_finding_get(r, i)->start), text + mesura_result_finding_get(r, i)->start);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_ALLOW);
	ck_assert_uint_eq(r->decisive, SIZE_MAX);
}

START_TEST(obfuscated_terms)
{
	assert_finding("Qué m1erda de servicio", "insults-es", "m1erda");
	assert_finding("eres un G.I.L.I.P.O.L.L.A.S", "insults-es", "G.I.L.I.P.O.L.L.A.S");
	assert_finding("eres un hijo   de PUTA!", "insults-es", "hijo   de PUTA");
	assert_finding("qué cabron", "insults-es", "cabron");
	assert_finding("this is so bad, y f u c k", "profanity-en", "f u c k");
	/* Joined, "f u c k i n g" reads "fucking": the term fuck is no whole word there, as
	 * in "fucking" itself (this policy lists fuck only). */
	assert_clean("this is f u c k i n g bad");
	assert_finding("fu\xe2\x80\x8b" "ck off", "profanity-en", "fu\xe2\x80\x8b" "ck");
	assert_finding("oh shiiiiit", "profanity-en", "shiiiiit");
	assert_finding("oh \xd0\x85h\xd1\x96t", "profanity-en", "\xd0\x85h\xd1\x96t"); /* Cyrillic */
	assert_finding("#fuck mondays", "profanity-en", "fuck");
	assert_finding("what the $hit", "profanity-en", "$hit");
	assert_finding("our PROJECT FALC0N launch", "codename", "PROJECT FALC0N");
	const mesura_result *r = scan("Qué m1erda de servicio");
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->category, "profanity");
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->condition, "terms");
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->matched_len, 6);
	ck_assert_mem_eq(mesura_result_finding_get(r, 0)->matched, "mierda", 6);
}
END_TEST

/* Words that contain a term are not the term. */
START_TEST(scunthorpe_family)
{
	assert_clean("Scunthorpe United won");
	assert_clean("a classic assassin story");
	assert_clean("mi computadora nueva");
	assert_clean("el señor Cabrera");
	assert_clean("el año del coñac");
	assert_clean("Essex and Sussex");
	/* "coño" is not "cono": Spanish ñ is kept by accent stripping. */
	assert_clean("un cono de helado");
	assert_finding("qué coño", "insults-es", "coño");
}
END_TEST

/* A character that joins the last letter of a word or number (a soft hyphen, ZWJ,
 * variation selectors, CGJ, combining marks, an emoji modifier, a word joiner, a bidi
 * mark, a tag character) does not hide it: the span covers it (whole grapheme clusters,
 * and the format characters the word rules attach to a word), for terms and regexes
 * alike. It does not glue two words into one either. */
START_TEST(characters_appended_to_a_word)
{
	static const char *const joiners[] = {
		"\xc2\xad",         /* U+00AD soft hyphen */
		"\xe2\x80\x8d",     /* U+200D ZWJ */
		"\xef\xb8\x8f",     /* U+FE0F VS16 */
		"\xef\xb8\x80",     /* U+FE00 VS1 */
		"\xcd\x8f",         /* U+034F CGJ */
		"\xcc\x81",         /* U+0301 acute */
		"\xcc\xb6\xcc\xb6", /* U+0336 strike-through, twice */
		"\xe2\x83\x9d",     /* U+20DD enclosing circle */
		"\xf0\x9f\x8f\xbb", /* U+1F3FB skin tone */
		"\xe2\x81\xa0",     /* U+2060 word joiner */
		"\xe2\x80\x8e",     /* U+200E LRM */
		"\xf3\xa0\x81\x81", /* U+E0041 tag A */
		"\xc2\xad\xcc\x81", /* a soft hyphen, then a mark (its own cluster) */
	};
	char text[128], piece[64];
	for (size_t k = 0; k < sizeof joiners / sizeof *joiners; k++) {
		const char *j = joiners[k];
		snprintf(piece, sizeof piece, "fuck%s", j);
		snprintf(text, sizeof text, "oh %s off", piece);
		assert_finding(text, "profanity-en", piece);
		snprintf(text, sizeof text, "oh %s", piece);
		assert_finding(text, "profanity-en", piece);
		snprintf(piece, sizeof piece, "4111 1111 1111 1111%s", j);
		snprintf(text, sizeof text, "tarjeta %s gracias", piece);
		assert_finding(text, "card-number", piece);
		snprintf(text, sizeof text, "Scunthorpe%s United", j);
		assert_clean(text);
		snprintf(text, sizeof text, "a class%sic assassin%s story", j, j);
		assert_clean(text);
		snprintf(text, sizeof text, "oh fuck%sing", j);
		const mesura_result *r = scan(text);
		for (size_t i = 0; i < mesura_result_finding_count(r); i++)
			ck_assert_msg(strcmp(mesura_result_finding_get(r, i)->rule_id, "profanity-en") != 0,
			              "\"%s\": fuck found as a word", text);
	}
}
END_TEST

START_TEST(regexes_with_validators)
{
	assert_finding("Mi tarjeta 4111 1111 1111 1111 no funciona", "card-number",
	               "4111 1111 1111 1111");
	assert_finding("card: 5555-5555-5555-4444.", "card-number", "5555-5555-5555-4444");
	/* Fullwidth digits match through the NFKC view; the span is the original bytes. */
	assert_finding("tarjeta \xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91"
	               "111111111111",
	               "card-number",
	               "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91" "111111111111");
	assert_clean("order 4111 1111 1111 1112 shipped"); /* Luhn fails */
	assert_clean("call 2024 2025 2026");
	const mesura_result *r = scan("4111111111111111 and m1erda");
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW); /* review beats redact */
	ck_assert_uint_eq(mesura_result_finding_count(r), 2);
	ck_assert_str_eq(mesura_result_finding_get(r, r->decisive)->rule_id, "insults-es");
}
END_TEST

START_TEST(allow_list_and_substrings)
{
	/* cunt-anywhere matches inside words, but Scunthorpe is allow-listed. */
	assert_clean("Scunthorpe");
	assert_finding("xcuntx", "cunt-anywhere", "cunt");
	const mesura_result *r = scan("project falcon is a cunt move");
	ck_assert_int_eq(r->verdict, MESURA_ACTION_BLOCK);
	ck_assert_str_eq(mesura_result_finding_get(r, r->decisive)->rule_id, "codename");
	ck_assert_int_eq(mesura_result_finding_get(r, r->decisive)->severity, MESURA_SEVERITY_CRITICAL);
	ck_assert_str_eq(mesura_action_name(r->verdict), "block");
	ck_assert_str_eq(mesura_severity_name(MESURA_SEVERITY_HIGH), "high");
	ck_assert_str_eq(mesura_action_name(42), "unknown");
}
END_TEST

START_TEST(hostile_regex_cannot_hang_a_scan)
{
	const char *src = "mesura: 1\nrules:\n  - id: redos\n    category: custom.x\n"
	                  "    match: { regex: '(a+)+$', whole_word: false }\n"
	                  "  - id: word\n    category: profanity\n    match: { terms: [fuck] }\n";
	mesura_policy *p;
	mesura_scanner *s;
	ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), NULL, NULL, NULL, NULL),
	                 MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	char text[200];
	memset(text, 'a', 60);
	strcpy(text + 60, "! fuck");
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_ELIMIT);
	ck_assert_uint_eq(r->limits_hit, MESURA_LIMIT_REGEX); /* PCRE2's match limit stopped it */
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1); /* the other rules still ran */
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->rule_id, "word");
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

START_TEST(bad_input)
{
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(NULL, "x", 1, 0, &r), MESURA_EINVAL);
	ck_assert_int_eq(mesura_scan(scanner, NULL, 1, 0, &r), MESURA_EINVAL);
	ck_assert_int_eq(mesura_scan(scanner, "x", 1, 0, NULL), MESURA_EINVAL);
	ck_assert_int_eq(mesura_scan(scanner, NULL, 0, 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 0);
	ck_assert_int_eq(mesura_scanner_new(NULL, policy, NULL), MESURA_EINVAL);
	mesura_scanner *s = NULL;
	ck_assert_int_eq(mesura_scanner_new(&s, NULL, NULL), MESURA_EINVAL);
	mesura_scanner_free(NULL);
	/* Ill-formed bytes and NULs around a word: still found, offsets in the original. */
	const char post[] = "\xff\xfe m1erda\0 \xc0";
	ck_assert_int_eq(mesura_scan(scanner, post, sizeof post - 1, 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->start, 3);
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->end, 9);
}
END_TEST

typedef struct {
	const mesura_policy *policy;
	const char **posts;
	size_t n;
	size_t *verdicts; /* verdict * 1000 + findings, per post */
} job;

static void *scan_all(void *arg)
{
	job *j = arg;
	mesura_scanner *s;
	if (mesura_scanner_new(&s, j->policy, NULL) != MESURA_OK)
		return NULL;
	for (size_t i = 0; i < j->n; i++) {
		const mesura_result *r;
		mesura_scan(s, j->posts[i], strlen(j->posts[i]), 0, &r);
		j->verdicts[i] = (size_t)r->verdict * 1000 + mesura_result_finding_count(r);
	}
	mesura_scanner_free(s);
	return NULL;
}

/* One policy, one scanner per thread: the same results as one thread. */
START_TEST(threads_share_one_policy)
{
	enum { THREADS = 4, POSTS = 3000 };
	static const char *words[] = {"m1erda", "hola", "4111 1111 1111 1111", "project falcon",
	                              "Scunthorpe", "f u c k", "classic", "#fuck", "coño", "cono"};
	static char bufs[POSTS][96];
	const char *posts[POSTS];
	tu_rng rng = {31};
	for (size_t i = 0; i < POSTS; i++) {
		size_t len = 0;
		for (int w = 0; w < 4; w++)
			len += (size_t)snprintf(bufs[i] + len, sizeof bufs[i] - len, "%s ",
			                        words[tu_rng_below(&rng, 10)]);
		posts[i] = bufs[i];
	}
	static size_t single[POSTS], multi[THREADS][POSTS];
	job one = {policy, posts, POSTS, single};
	scan_all(&one);
	pthread_t tids[THREADS];
	job jobs[THREADS];
	for (int t = 0; t < THREADS; t++) {
		jobs[t] = (job){policy, posts, POSTS, multi[t]};
		ck_assert_int_eq(pthread_create(&tids[t], NULL, scan_all, &jobs[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(tids[t], NULL);
	for (int t = 0; t < THREADS; t++)
		ck_assert_mem_eq(multi[t], single, sizeof single);
}
END_TEST

START_TEST(allocation_failures_are_clean)
{
	static const char POST[] = "qué m1erda, 4111 1111 1111 1111 y f u c k";
	int ok = 0;
	for (size_t fail_after = 0; !ok && fail_after < 3000; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_scanner *s = NULL;
		const mesura_result *r = NULL;
		int rc = mesura_scanner_new(&s, policy, &fa.hooks);
		if (rc == MESURA_OK)
			rc = mesura_scan(s, POST, strlen(POST), 0, &r);
		if (rc == MESURA_OK) {
			ok = 1;
			ck_assert_uint_eq(mesura_result_finding_count(r), 3);
		} else {
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		}
		mesura_scanner_free(s);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(ok);
}
END_TEST

/* A result handed out with an error status: fail-closed, never ALLOW. */
static void assert_fail_closed(int rc, const mesura_result *r)
{
	ck_assert_int_ne(rc, MESURA_OK);
	ck_assert_int_ne(rc, MESURA_ELIMIT);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_ge(r->verdict, MESURA_ACTION_REVIEW);
	ck_assert_uint_eq(mesura_result_finding_count(r), 0);
	ck_assert_uint_eq(mesura_result_near_miss_count(r), 0);
	ck_assert_uint_eq(r->decisive, SIZE_MAX);
	ck_assert(r->limits_hit & MESURA_LIMIT_ERROR);
}

/* For every allocation that can fail during a scan (explain mode on, with findings and
 * without, the test policy and the default one, fail_open set or not): the scan fails
 * with MESURA_ENOMEM and hands out a fail-closed result, or succeeds with the findings
 * of a scan that never failed. The scanner stays usable after each failure. */
static void sweep_scan_failures(const mesura_policy *p, const char *post, int fail_open,
                                int warm)
{
	tu_failing_alloc fa;
	tu_failing_alloc_init(&fa, SIZE_MAX);
	mesura_scanner *reference = NULL;
	const mesura_result *want = NULL;
	ck_assert_int_eq(mesura_scanner_new(&reference, p, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_scan(reference, post, strlen(post), MESURA_SCAN_EXPLAIN, &want),
	                 MESURA_OK);
	int ok = 0;
	size_t failures = 0;
	for (size_t n = 0; !ok && n < 5000; n++) {
		mesura_scanner *s = NULL;
		tu_failing_alloc_init(&fa, SIZE_MAX);
		ck_assert_int_eq(mesura_scanner_new(&s, p, &fa.hooks), MESURA_OK);
		mesura_scanner_limits l = MESURA_SCANNER_LIMITS_INIT;
		l.fail_open = fail_open;
		mesura_scanner_set_limits(s, &l);
		/* warm: a clean post first, whose result (ALLOW) a failure must overwrite; else
		 * the scanner's first scan, which allocates the most */
		const mesura_result *r = NULL;
		if (warm) {
			ck_assert_int_eq(mesura_scan(s, "hello", 5, 0, &r), MESURA_OK);
			ck_assert_int_eq(r->verdict, MESURA_ACTION_ALLOW);
		}
		fa.fail_after = fa.calls + n;
		int rc = mesura_scan(s, post, strlen(post), MESURA_SCAN_EXPLAIN, &r);
		if (rc == MESURA_OK) {
			ok = 1;
			ck_assert_int_eq(r->verdict, want->verdict);
			ck_assert_uint_eq(mesura_result_finding_count(r), mesura_result_finding_count(want));
			ck_assert_uint_eq(mesura_result_near_miss_count(r), mesura_result_near_miss_count(want));
		} else {
			ck_assert_int_eq(rc, MESURA_ENOMEM);
			assert_fail_closed(rc, r);
			failures++;
			fa.fail_after = SIZE_MAX; /* usable again */
			ck_assert_int_eq(mesura_scan(s, post, strlen(post), MESURA_SCAN_EXPLAIN, &r),
			                 MESURA_OK);
			ck_assert_uint_eq(mesura_result_finding_count(r), mesura_result_finding_count(want));
			ck_assert_uint_eq(mesura_result_near_miss_count(r),
			                  mesura_result_near_miss_count(want));
		}
		mesura_scanner_free(s);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(ok);
	printf("scan failure sweep: %zu failing allocations, each fail-closed\n", failures);
	ck_assert_uint_gt(failures, 0); /* the post did allocate: the sweep tried something */
	mesura_scanner_free(reference);
}

START_TEST(errors_are_never_allow)
{
	static const char *const posts[] = {
	    "qué m1erda, 4111 1111 1111 1111 y f u c k",
	    "a classic from Scunthorpe: 4111 1111 1111 1112 #NoMásAbusos f*ck",
	    "write to ana.garcia@example.com or call +34 612 345 678; project falcon, sh!t"};
	mesura_policy *def = NULL;
	ck_assert_int_eq(mesura_policy_default(&def, NULL, NULL), MESURA_OK);
	for (size_t i = 0; i < sizeof posts / sizeof *posts; i++) {
		for (int warm = 0; warm < 2; warm++) {
			sweep_scan_failures(policy, posts[i], 0, warm);
			sweep_scan_failures(def, posts[i], i == 0, warm);
		}
	}
	mesura_policy_free(def);

	/* Misuse: a result is still handed out, and it is not ALLOW. */
	const mesura_result *r = NULL;
	int rc = mesura_scan(NULL, "x", 1, 0, &r);
	assert_fail_closed(rc, r);
	ck_assert_int_eq(mesura_scan(scanner, "hola", 4, 0, &r), MESURA_OK);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_ALLOW);
	rc = mesura_scan(scanner, NULL, 1, 0, &r);
	assert_fail_closed(rc, r);
	/* A fail-closed result is not redacted as if the post had been screened. */
	mesura_redactor *rd = NULL;
	ck_assert_int_eq(mesura_redactor_new(&rd, NULL, NULL), MESURA_OK);
	const char *out = NULL;
	size_t out_len = 0;
	ck_assert_int_eq(mesura_redact_result(rd, policy, "x", 1, r, &out, &out_len),
	                 MESURA_EINVAL);
	ck_assert_ptr_null(out);
	mesura_redactor_free(rd);
}
END_TEST

/* A scanner keeps its policy alive: the caller may free the policy first. */
START_TEST(policy_freed_before_its_scanner)
{
	tu_failing_alloc fa;
	tu_failing_alloc_init(&fa, SIZE_MAX);
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, POLICY, sizeof POLICY - 1, "test", NULL, NULL,
	                                       &fa.hooks),
	                 MESURA_OK);
	mesura_scanner *a = NULL, *b = NULL;
	ck_assert_int_eq(mesura_scanner_new(&a, p, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&b, p, NULL), MESURA_OK);
	size_t live = fa.live;
	mesura_policy_free(p); /* the caller's reference */
	ck_assert_uint_eq(fa.live, live);
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(a, "qué m1erda", strlen("qué m1erda"), 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->rule_id, "insults-es"); /* borrowed from the policy */
	mesura_scanner_free(a);
	ck_assert_uint_eq(fa.live, live);
	ck_assert_int_eq(mesura_scan(b, "project falcon", 14, 0, &r), MESURA_OK);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_BLOCK);
	mesura_scanner_free(b); /* the last reference: the policy goes with it */
	ck_assert_uint_eq(fa.live, 0);

	/* A scanner that could not be made holds no reference. */
	ck_assert_int_eq(mesura_policy_compile(&p, POLICY, sizeof POLICY - 1, "test", NULL, NULL,
	                                       &fa.hooks),
	                 MESURA_OK);
	tu_failing_alloc none;
	tu_failing_alloc_init(&none, 3);
	ck_assert_int_eq(mesura_scanner_new(&a, p, &none.hooks), MESURA_ENOMEM);
	ck_assert_ptr_null(a);
	mesura_policy_free(p);
	ck_assert_uint_eq(fa.live, 0);
}
END_TEST

typedef struct {
	const mesura_policy *policy;
	mesura_scanner *first; /* made by the caller: the thread's reference to the policy */
	size_t findings;
} churn_job;

/* Makes and frees scanners on a policy whose caller may already have let go of it: the
 * scanner it holds keeps the policy alive while it makes the next. */
static void *churn_scanners(void *arg)
{
	churn_job *j = arg;
	mesura_scanner *held = j->first;
	for (int i = 0; i < 50; i++) {
		mesura_scanner *next = NULL;
		if (mesura_scanner_new(&next, j->policy, NULL) != MESURA_OK)
			break;
		mesura_scanner_free(held);
		held = next;
		const mesura_result *r;
		if (mesura_scan(held, "m1erda y f u c k", 16, 0, &r) == MESURA_OK)
			j->findings += mesura_result_finding_count(r);
	}
	mesura_scanner_free(held);
	return NULL;
}

/* Many threads make and free scanners on one policy while the caller frees it (run
 * under ThreadSanitizer too): the policy is freed once, by whoever lets go last. */
START_TEST(threads_outlive_the_callers_policy)
{
	enum { THREADS = 8 };
	tu_failing_alloc fa; /* only the policy uses it, and only the last free frees it */
	tu_failing_alloc_init(&fa, SIZE_MAX);
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, POLICY, sizeof POLICY - 1, "test", NULL, NULL,
	                                       &fa.hooks),
	                 MESURA_OK);
	pthread_t tids[THREADS];
	churn_job jobs[THREADS];
	for (int t = 0; t < THREADS; t++) {
		jobs[t] = (churn_job){p, NULL, 0};
		ck_assert_int_eq(mesura_scanner_new(&jobs[t].first, p, NULL), MESURA_OK);
	}
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_create(&tids[t], NULL, churn_scanners, &jobs[t]), 0);
	mesura_policy_free(p); /* while the threads run */
	for (int t = 0; t < THREADS; t++)
		pthread_join(tids[t], NULL);
	for (int t = 0; t < THREADS; t++)
		ck_assert_uint_eq(jobs[t].findings, 50 * 2);
	ck_assert_uint_eq(fa.live, 0);
}
END_TEST

static int has_miss(const mesura_result *r, const char *rule, mesura_miss_reason reason,
                    const char *text, const char *piece)
{
	size_t start = piece ? (size_t)(strstr(text, piece) - text) : 0;
	size_t end = piece ? start + strlen(piece) : 0;
	for (size_t i = 0; i < mesura_result_near_miss_count(r); i++) {
		const mesura_near_miss *m = mesura_result_near_miss_get(r, i);
		if (strcmp(m->rule_id, rule) == 0 && m->reason == reason && m->start == start &&
		    m->end == end)
			return 1;
	}
	return 0;
}

/* Explain mode says why a rule that matched something did not fire. */
START_TEST(explain_mode_lists_near_misses)
{
	const char *text = "a classic from Scunthorpe: 4111 1111 1111 1112";
	const mesura_result *r = scan(text);
	ck_assert_uint_eq(mesura_result_near_miss_count(r), 0); /* off by default */
	ck_assert_int_eq(mesura_scan(scanner, text, strlen(text), MESURA_SCAN_EXPLAIN, &r),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 0);
	ck_assert(has_miss(r, "profanity-en", MESURA_MISS_NOT_WHOLE_WORD, text, "ass"));
	ck_assert(has_miss(r, "cunt-anywhere", MESURA_MISS_ALLOWED, text, "cunt"));
	ck_assert(has_miss(r, "card-number", MESURA_MISS_VALIDATOR, text, "4111 1111 1111 1112"));
	ck_assert_str_eq(mesura_miss_reason_name(MESURA_MISS_ALLOWED), "allowed");
	ck_assert_str_eq(mesura_miss_reason_name(99), "unknown");
	/* the flag is the call's, not the scanner's: the next scan without it has none */
	ck_assert_uint_eq(mesura_result_near_miss_count(scan(text)), 0);
	ck_assert_ptr_null(mesura_result_near_miss_get(r, 0));
	/* an unknown flag is misuse, with a fail-closed result */
	ck_assert_int_eq(mesura_scan(scanner, text, strlen(text), 1u << 7, &r), MESURA_EINVAL);
	assert_fail_closed(MESURA_EINVAL, r);
}
END_TEST

/* An allocator that scans with the scanner it allocates for: a second call on a
 * scanner in use, made deterministically from inside the first. */
typedef struct {
	mesura_scanner *scanner; /* set once the scanner exists */
	int calls, rc;
	const mesura_result *inner;
} reentrant_alloc;

static void reenter(reentrant_alloc *a)
{
	if (a->scanner && a->calls++ == 0)
		a->rc = mesura_scan(a->scanner, "mierda", 6, 0, &a->inner);
}

static void *reentrant_malloc(size_t n, void *user)
{
	reenter(user);
	return malloc(n);
}

static void *reentrant_realloc(void *p, size_t n, void *user)
{
	reenter(user);
	return realloc(p, n);
}

static void reentrant_free(void *p, void *user)
{
	(void)user;
	free(p);
}

/* A scanner is one call's at a time (Hyperscan's scratch): a second call while one runs
 * gets MESURA_EBUSY and a fail-closed result, and leaves the first call's alone. */
START_TEST(a_scanner_in_use_is_busy)
{
	reentrant_alloc a = {NULL, 0, MESURA_OK, NULL};
	mesura_allocator hooks = {reentrant_malloc, reentrant_realloc, reentrant_free, &a};
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, policy, &hooks), MESURA_OK);
	a.scanner = s;
	const char *text = "qué mierda, 4111 1111 1111 1111";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_OK);
	ck_assert_int_ge(a.calls, 1); /* a first scan allocates: the hook did re-enter */
	ck_assert_int_eq(a.rc, MESURA_EBUSY);
	assert_fail_closed(a.rc, a.inner);
	ck_assert_ptr_ne(a.inner, r);
	/* the outer scan's result is its own */
	ck_assert_uint_eq(mesura_result_finding_count(r), 2);
	ck_assert_str_eq(mesura_result_finding_get(r, 0)->rule_id, "insults-es");
	ck_assert_str_eq(mesura_result_finding_get(r, 1)->rule_id, "card-number");
	/* and the scanner is free again */
	a.scanner = NULL;
	ck_assert_int_eq(mesura_scan(s, "mierda", 6, 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	mesura_scanner_free(s);
}
END_TEST

/* A finding names its rule by index: the policy's rule with its id, category, action
 * and severity. */
START_TEST(findings_carry_their_rule)
{
	const char *text = "project falcon: qué mierda, 4111 1111 1111 1111, Scunthorpe, ass";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(scanner, text, strlen(text), MESURA_SCAN_EXPLAIN, &r),
	                 MESURA_OK);
	ck_assert_uint_ge(mesura_result_finding_count(r), 4);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		const mesura_rule *rule = mesura_policy_rule_get(policy, f->rule);
		ck_assert_ptr_nonnull(rule);
		ck_assert_ptr_eq(rule->id, f->rule_id);
		ck_assert_ptr_eq(rule->category, f->category);
		ck_assert_int_eq(rule->action, f->action);
		ck_assert_int_eq(rule->severity, f->severity);
	}
	ck_assert_ptr_null(mesura_result_finding_get(r, mesura_result_finding_count(r)));
	ck_assert_uint_gt(mesura_result_near_miss_count(r), 0); /* cunt in Scunthorpe */
	for (size_t i = 0; i < mesura_result_near_miss_count(r); i++) {
		const mesura_near_miss *m = mesura_result_near_miss_get(r, i);
		ck_assert_ptr_eq(mesura_policy_rule_get(policy, m->rule)->id, m->rule_id);
	}
	const mesura_finding *decisive = mesura_result_finding_get(r, r->decisive);
	ck_assert_str_eq(mesura_policy_rule_get(policy, decisive->rule)->id, "codename");
	ck_assert_uint_eq(mesura_result_finding_count(NULL), 0);
	ck_assert_ptr_null(mesura_result_near_miss_get(NULL, 0));
}
END_TEST

/* Limits: a post that is not fully screened is never silently allowed. */
START_TEST(limits_fail_closed)
{
	mesura_scanner_limits l;
	ck_assert_int_eq(mesura_scanner_limits_init(&l, MESURA_SCANNER_LIMITS_VERSION), MESURA_OK);
	ck_assert_int_eq(mesura_scanner_limits_init(&l, 99), MESURA_EVERSION);
	l.max_post_bytes = 16;
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, &l), MESURA_OK);
	const char *clean = "a perfectly clean post, only longer than sixteen bytes";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(scanner, clean, strlen(clean), 0, &r), MESURA_ELIMIT);
	ck_assert_uint_eq(r->limits_hit, MESURA_LIMIT_POST_SIZE);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	ck_assert_uint_eq(mesura_result_finding_count(r), 0);
	/* Not scanned at all, so not redacted either: the post never passes as redacted. */
	mesura_redactor *rd = NULL;
	ck_assert_int_eq(mesura_redactor_new(&rd, NULL, NULL), MESURA_OK);
	const char *out = NULL;
	size_t out_len = 0;
	ck_assert_int_eq(mesura_redact_result(rd, policy, clean, strlen(clean), r, &out, &out_len),
	                 MESURA_ELIMIT);
	ck_assert_ptr_null(out);
	mesura_redactor_free(rd);
	l.fail_open = 1;
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, &l), MESURA_OK);
	ck_assert_int_eq(mesura_scan(scanner, clean, strlen(clean), 0, &r), MESURA_ELIMIT);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_ALLOW);

	/* Findings: the first max_findings are kept. */
	mesura_scanner_limits_init(&l, MESURA_SCANNER_LIMITS_VERSION);
	l.max_findings = 2;
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, &l), MESURA_OK);
	const char *swears = "fuck shit mierda cabrón coño";
	ck_assert_int_eq(mesura_scan(scanner, swears, strlen(swears), 0, &r), MESURA_ELIMIT);
	ck_assert_uint_eq(mesura_result_finding_count(r), 2);
	ck_assert_uint_eq(r->limits_hit, MESURA_LIMIT_FINDINGS);

	/* A time budget already spent: nothing matched, reviewed. */
	mesura_scanner_limits_init(&l, MESURA_SCANNER_LIMITS_VERSION);
	l.time_budget_ns = 1;
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, &l), MESURA_OK);
	ck_assert_int_eq(mesura_scan(scanner, clean, strlen(clean), 0, &r), MESURA_ELIMIT);
	ck_assert(r->limits_hit & MESURA_LIMIT_TIME);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);

	/* Back to the defaults; NUL bytes are scanned, not a terminator (and, controls,
	 * read as invisible inside a word). */
	ck_assert_int_eq(mesura_scanner_set_limits(scanner, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_scanner_set_limits(NULL, NULL), MESURA_EINVAL);
	const char nul[] = "ok fu\0ck sh\0it";
	ck_assert_int_eq(mesura_scan(scanner, nul, sizeof nul - 1, 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 2);
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->start, 3);
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->end, 8);
	ck_assert_uint_eq(mesura_result_finding_get(r, 1)->start, 9);
	ck_assert_uint_eq(r->limits_hit, 0);
}
END_TEST

/* A scanner for a policy of its own (compiled without errors); *p receives the policy. */
static mesura_scanner *scanner_for(const char *src, mesura_policy **p)
{
	mesura_scanner *s = NULL;
	ck_assert_int_eq(mesura_policy_compile(p, src, strlen(src), NULL, NULL, NULL, NULL),
	                 MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&s, *p, NULL), MESURA_OK);
	return s;
}

/* The caller's regex match limit replaces the default one: a backtracking regex that
 * the default lets finish is stopped by a lower limit, and the post is then reviewed
 * (fail closed), with the rule's near miss saying why. */
START_TEST(callers_regex_limit_fails_closed)
{
	mesura_policy *p;
	mesura_scanner *s = scanner_for("mesura: 1\nrules:\n  - id: redos\n    category: custom.x\n"
	                                "    match: { regex: '(a+)+$', whole_word: false }\n",
	                                &p);
	const char *text = "aaaaaaaaaaaa!"; /* 2^12 ways to split the a's, then no match */
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), MESURA_SCAN_EXPLAIN, &r), MESURA_OK);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_ALLOW);
	ck_assert_uint_eq(r->limits_hit, 0);
	mesura_scanner_limits l = MESURA_SCANNER_LIMITS_INIT;
	l.regex_match_limit = 100;
	ck_assert_int_eq(mesura_scanner_set_limits(s, &l), MESURA_OK);
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), MESURA_SCAN_EXPLAIN, &r), MESURA_ELIMIT);
	ck_assert_uint_eq(r->limits_hit, MESURA_LIMIT_REGEX);
	ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
	ck_assert_uint_eq(mesura_result_finding_count(r), 0);
	ck_assert(has_miss(r, "redos", MESURA_MISS_LIMIT, text, NULL)); /* no span: [0, 0) */
	/* A match found within the limit is a finding as before. */
	ck_assert_int_eq(mesura_scan(s, "aaaaaaaaaaaa", 12, 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->end, 12);
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

/* Allow-listed terms that overlap merge into one span before findings are checked
 * against them: a term inside a longer one ("county" in "essex county cricket club")
 * must not hide the rest of the longer one. */
START_TEST(overlapping_allowed_terms_merge)
{
	mesura_policy *p;
	mesura_scanner *s = scanner_for(
	    "mesura: 1\nrules:\n  - id: words\n    category: custom.x\n"
	    "    match: { terms: [cricket, city] }\n"
	    "allow: [\"essex county cricket club\", county, \"new york\", \"york city\"]\n",
	    &p);
	const char *inside = "essex county cricket club rocks";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, inside, strlen(inside), MESURA_SCAN_EXPLAIN, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 0);
	ck_assert(has_miss(r, "words", MESURA_MISS_ALLOWED, inside, "cricket"));
	/* two allowed phrases that overlap cover both; a "city" outside them is a finding */
	const char *chained = "new york city, and another city";
	ck_assert_int_eq(mesura_scan(s, chained, strlen(chained), MESURA_SCAN_EXPLAIN, &r),
	                 MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	ck_assert_uint_eq(mesura_result_finding_get(r, 0)->start, strlen(chained) - 4);
	ck_assert(has_miss(r, "words", MESURA_MISS_ALLOWED, chained, "city"));
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

/* Overlapping findings of one rule merge into one that keeps the highest confidence,
 * whichever of them had it. */
START_TEST(merged_findings_keep_the_highest_confidence)
{
	mesura_policy *p;
	mesura_scanner *s = scanner_for(
	    "mesura: 1\nrules:\n  - id: plan\n    category: confidential\n    confidence: 0.5\n"
	    "    match: { terms: [\"big secret\", \"secret plan\"] }\n"
	    "    context: { words: [alpha], within: 3, boost: 0.3 }\n",
	    &p);
	const char *text = "big secret plan alpha"; /* alpha is near "secret plan" only */
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 1);
	const mesura_finding *f = mesura_result_finding_get(r, 0);
	ck_assert_uint_eq(f->start, 0);
	ck_assert_uint_eq(f->end, strlen("big secret plan"));
	ck_assert_double_eq_tol(f->confidence, 0.8, 1e-9);
	ck_assert_int_eq(mesura_scan(s, text, strlen("big secret plan"), 0, &r), MESURA_OK);
	ck_assert_double_eq_tol(mesura_result_finding_get(r, 0)->confidence, 0.5, 1e-9);
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

/* After an empty match, a regex goes on from the next character, not the next byte:
 * PCRE2 runs without its UTF check, and from inside "é" it would read the byte A9 as a
 * "©" of its own (without the step, this scan does not end). */
START_TEST(empty_matches_step_whole_characters)
{
	mesura_policy *p;
	mesura_scanner *s = scanner_for("mesura: 1\nrules:\n  - id: zeds\n    category: custom.x\n"
	                                "    match: { regex: '\\x{A9}|z*', whole_word: false }\n",
	                                &p);
	const char *text = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80zz \xC3\xA9z \xC2\xA9"; /* é€😀zz éz © */
	const size_t want[][2] = {{9, 11}, {14, 15}, {16, 18}};
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(mesura_result_finding_get(r, i)->start, want[i][0]);
		ck_assert_uint_eq(mesura_result_finding_get(r, i)->end, want[i][1]);
	}
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scanner");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, obfuscated_terms);
	tcase_add_test(tc, scunthorpe_family);
	tcase_add_test(tc, characters_appended_to_a_word);
	tcase_add_test(tc, regexes_with_validators);
	tcase_add_test(tc, allow_list_and_substrings);
	tcase_add_test(tc, hostile_regex_cannot_hang_a_scan);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, threads_share_one_policy);
	tcase_add_test(tc, allocation_failures_are_clean);
	tcase_add_test(tc, explain_mode_lists_near_misses);
	tcase_add_test(tc, a_scanner_in_use_is_busy);
	tcase_add_test(tc, findings_carry_their_rule);
	tcase_add_test(tc, limits_fail_closed);
	tcase_add_test(tc, callers_regex_limit_fails_closed);
	tcase_add_test(tc, overlapping_allowed_terms_merge);
	tcase_add_test(tc, merged_findings_keep_the_highest_confidence);
	tcase_add_test(tc, empty_matches_step_whole_characters);
	tcase_add_test(tc, errors_are_never_allow);
	tcase_add_test(tc, policy_freed_before_its_scanner);
	tcase_add_test(tc, threads_outlive_the_callers_policy);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
