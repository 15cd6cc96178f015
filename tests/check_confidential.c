/*
 * builtin:confidential-en/-es as docs/default-policy.md describes them, with the whole
 * default policy: unreleased figures (every period, metric, figure shape and cue,
 * combined here), the same figures once published or without a cue, markers with both
 * apostrophes, acquisitions and layoffs, and the redaction of the whole sentence.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))

static const mesura_result *screen(const char *text)
{
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(tu_scanner, text, strlen(text), 0, &r), MESURA_OK);
	return r;
}

/* Whether `rule` has a finding in the post. */
static int fires(const char *text, const char *rule)
{
	const mesura_result *r = screen(text);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (strcmp(mesura_result_finding_get(r, i)->rule_id, rule) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ figures */

static const char *const PERIODS_EN[] = {"Q3", "H1", "FY2025", "third-quarter", "#ThirdQuarter",
                                         "first half", "Q4"};
static const char *const METRICS_EN[] = {"revenue", "gross margin", "EBITDA", "net income",
                                         "ARR", "operating profit", "sales"};
static const char *const FIGURES_EN[] = {"+18%", "4.5%", "$1.2M", "€3 bn", "12 points", "-6 %"};
static const char *const CUES_EN[] = {"you heard it here first", "before they're published",
                                      "before they\xe2\x80\x99re published", "sneak peek",
                                      "not public yet", "go public after the call",
                                      "embargoed until 9am"};
static const char *const PUBLISHED_EN[] = {"published today", "as announced this morning",
                                           "results are out", "press release on the site"};

START_TEST(unreleased_figures_en)
{
	tu_tally t = {"figures-en", 0, 0};
	char post[256];
	for (size_t p = 0; p < COUNT(PERIODS_EN); p++)
		for (size_t m = 0; m < COUNT(METRICS_EN); m++)
			for (size_t f = 0; f < COUNT(FIGURES_EN); f++) {
				size_t c = (p + m + f) % COUNT(CUES_EN), k = (p * m + f) % COUNT(PUBLISHED_EN);
				snprintf(post, sizeof post, "%s %s came in at %s, %s \xf0\x9f\xa4\xab",
				         PERIODS_EN[p], METRICS_EN[m], FIGURES_EN[f], CUES_EN[c]);
				t.checks++;
				if (!fires(post, "confidential.figures-en"))
					tu_tally_fail(&t, "missed: %s", post);
				snprintf(post, sizeof post, "%s %s came in at %s, great job team \xf0\x9f\x93\x88",
				         PERIODS_EN[p], METRICS_EN[m], FIGURES_EN[f]);
				t.checks++;
				if (tu_has_category(screen(post), "confidential"))
					tu_tally_fail(&t, "flagged without a cue: %s", post);
				snprintf(post, sizeof post, "%s %s came in at %s, %s",
				         PERIODS_EN[p], METRICS_EN[m], FIGURES_EN[f], PUBLISHED_EN[k]);
				t.checks++;
				if (fires(post, "confidential.figures-en"))
					tu_tally_fail(&t, "flagged once published: %s", post);
			}
	tu_tally_finish(&t, "posts");
}
END_TEST

static const char *const PERIODS_ES[] = {"Q3", "3T", "H1", "primer trimestre",
                                         "segundo semestre", "#TercerTrimestre"};
static const char *const METRICS_ES[] = {"los ingresos", "la facturación", "el margen bruto",
                                         "el EBITDA", "el beneficio neto", "las ventas"};
static const char *const FIGURES_ES[] = {"+18%", "4,5 %", "1.200 millones", "€ 3,5M",
                                         "12 puntos"};
static const char *const CUES_ES[] = {"antes de publicarlos", "todavía no se han publicado",
                                      "en primicia", "os lo adelanto", "no se publican hasta el jueves",
                                      "antes de que se publiquen"};
static const char *const PUBLISHED_ES[] = {"ya están publicados", "como anunciamos ayer",
                                           "nota de prensa en la web"};

START_TEST(unreleased_figures_es)
{
	tu_tally t = {"figures-es", 0, 0};
	char post[256];
	for (size_t p = 0; p < COUNT(PERIODS_ES); p++)
		for (size_t m = 0; m < COUNT(METRICS_ES); m++)
			for (size_t f = 0; f < COUNT(FIGURES_ES); f++) {
				size_t c = (p + m + f) % COUNT(CUES_ES), k = (p + f) % COUNT(PUBLISHED_ES);
				snprintf(post, sizeof post, "%s del %s: %s, %s \xf0\x9f\xa4\x90", METRICS_ES[m],
				         PERIODS_ES[p], FIGURES_ES[f], CUES_ES[c]);
				t.checks++;
				if (!fires(post, "confidential.figures-es"))
					tu_tally_fail(&t, "missed: %s", post);
				snprintf(post, sizeof post, "%s del %s: %s, enhorabuena equipo", METRICS_ES[m],
				         PERIODS_ES[p], FIGURES_ES[f]);
				t.checks++;
				if (tu_has_category(screen(post), "confidential"))
					tu_tally_fail(&t, "flagged without a cue: %s", post);
				snprintf(post, sizeof post, "%s del %s: %s, %s", METRICS_ES[m], PERIODS_ES[p],
				         FIGURES_ES[f], PUBLISHED_ES[k]);
				t.checks++;
				if (fires(post, "confidential.figures-es"))
					tu_tally_fail(&t, "flagged once published: %s", post);
			}
	tu_tally_finish(&t, "posts");
}
END_TEST

/* ------------------------------------------------------------ markers */

START_TEST(markers_with_either_apostrophe)
{
	static const char *const flagged[] = {
		"don't share this deck", "don\xe2\x80\x99t share this deck", "pls don\xe2\x80\x99t share",
		"don't forward", "don\xe2\x80\x99t forward", "dont forward", "Do not forward: Q3 plan",
		"INTERNAL - org chart", "[INTERNAL] pricing", "for internal use only", "Internal only",
		"internal & confidential", "not for external distribution",
		"we\xe2\x80\x99re acquiring a startup", "no difundir", "NO REENVIAR", "no lo reenvíes",
		"uso interno", "solo para uso interno", "#no_difundir el borrador",
		"#DoNotForward the draft", "Between you and me, the Q3 numbers are bad",
		"you didn\xe2\x80\x99t hear it from me but the launch slips to Q4"};
	for (size_t i = 0; i < COUNT(flagged); i++)
		ck_assert_msg(tu_has_category(screen(flagged[i]), "confidential"), "missed: %s",
		              flagged[i]);
	static const char *const clean[] = {
		"Our internal tools team is hiring!", "internal medicine residency starts today",
		"INTERNAL COMBUSTION ENGINES ARE DONE", "Don\xe2\x80\x99t share your password with anyone",
		"don't share fake news", "Ere un día precioso", "ere long we shall see",
		"We're hiring in Lisbon!", "El ERE de la otra empresa sale hoy en el periódico"};
	tu_expect_clean(tu_scanner, "markers: clean", "confidential", clean, COUNT(clean));
}
END_TEST

START_TEST(deals_and_layoffs)
{
	static const char *const review[] = {
		"we're acquiring a startup in Lisbon", "The merger with Norte Seguros closes on Friday",
		"layoffs in March, don't tell my team", "Layoffs next Friday: 300 people",
		"they're cutting 15% of staff in Q1", "Big merger coming with our biggest competitor",
		"habrá despidos en marzo", "La empresa prepara un ERE", "nos fusionamos con Norte",
		"Van a recortar un 10% de la plantilla", "Confirmado: compramos Helix por 400 millones"};
	for (size_t i = 0; i < COUNT(review); i++) {
		const mesura_result *r = screen(review[i]);
		ck_assert_msg(tu_has_category(r, "confidential"), "missed: %s", review[i]);
		ck_assert_int_ge(r->verdict, MESURA_ACTION_REVIEW);
	}
	static const char *const clean[] = {
		"As announced today, we are acquiring Datalia. Welcome!",
		"The layoffs at the other plant made the news, sad day",
		"Vamos a comprar pan y volvemos", "Stop spreading rumours about layoffs next week",
		"Como anunciamos hoy en nota de prensa, nos fusionamos con Norte Seguros"};
	tu_expect_clean(tu_scanner, "deals and layoffs: clean", "confidential", clean,
	                COUNT(clean));
}
END_TEST

/* ------------------------------------------------------------ redaction */

START_TEST(the_whole_sentence_is_redacted)
{
	static const char *const cases[][2] = {
		{"Hola equipo. Los ingresos del Q3: +18%, os lo cuento antes de publicarlos. "
		 "Escribid a ana.garcia@example.com si queréis más.",
		 "Hola equipo. [REDACTED] Escribid a [EMAIL] si queréis más."},
		{"Great week! Q3 revenue is up 18%, you heard it here first \xf0\x9f\x98\x89\nSee you "
		 "Monday.",
		 "Great week! [REDACTED]\nSee you Monday."},
		{"Between you and me, Mr. Smith says the Q4 numbers are bad. Anyway, lunch?",
		 "[REDACTED] Anyway, lunch?"},
		{"Nice launch. CONFIDENTIAL - Q3 board deck attached, thoughts?",
		 "Nice launch. [REDACTED]"}};
	mesura_redactor *red;
	ck_assert_int_eq(mesura_redactor_new(&red, NULL, NULL), MESURA_OK);
	for (size_t i = 0; i < COUNT(cases); i++) {
		const mesura_result *r = screen(cases[i][0]);
		const char *out;
		size_t out_len;
		ck_assert_int_eq(mesura_redact_result(red, tu_policy, cases[i][0], strlen(cases[i][0]), r,
		                                      &out, &out_len), MESURA_OK);
		ck_assert_str_eq(out, cases[i][1]);
		/* and the redacted post is clean */
		ck_assert_uint_eq(mesura_result_finding_count(screen(out)), 0);
	}
	mesura_redactor_free(red);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("confidential");
	TCase *tc = tcase_create("confidential");
	tcase_add_checked_fixture(tc, tu_default_setup, tu_default_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, unreleased_figures_en);
	tcase_add_test(tc, unreleased_figures_es);
	tcase_add_test(tc, markers_with_either_apostrophe);
	tcase_add_test(tc, deals_and_layoffs);
	tcase_add_test(tc, the_whole_sentence_is_redacted);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
