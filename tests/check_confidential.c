/*
 * builtin:confidential-en/-es as docs/default-policy.md describes them, with the whole
 * default policy: unreleased figures (every period, metric, figure shape and cue,
 * combined here), the same figures once published or without a cue, markers with both
 * apostrophes, acquisitions and layoffs, and the redaction of the whole sentence; and the
 * leaks by kind that the blind batch missed (periods and cues written otherwise, M&A verbs
 * and terms, layoffs and closures, price and pay changes), each with its public twin.
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

/* One check of `post`: rule `rule` must fire on it. */
static void post_fires(tu_tally *t, const char *post, const char *rule)
{
	t->checks++;
	if (!fires(post, rule))
		tu_tally_fail(t, "missed: %s", post);
}

/* One check of `post`: no confidential finding (`why` names what makes it clean). */
static void post_is_clean(tu_tally *t, const char *post, const char *why)
{
	t->checks++;
	if (tu_has_category(screen(post), "confidential"))
		tu_tally_fail(t, "%s: %s", why, post);
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
				post_fires(&t, post, "confidential.figures-en");
				snprintf(post, sizeof post, "%s %s came in at %s, great job team \xf0\x9f\x93\x88",
				         PERIODS_EN[p], METRICS_EN[m], FIGURES_EN[f]);
				post_is_clean(&t, post, "flagged without a cue");
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
				post_fires(&t, post, "confidential.figures-es");
				snprintf(post, sizeof post, "%s del %s: %s, enhorabuena equipo", METRICS_ES[m],
				         PERIODS_ES[p], FIGURES_ES[f]);
				post_is_clean(&t, post, "flagged without a cue");
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

/* ------------------------------------------------------------ leaks by kind (blind batch) */

/* Every post of `posts` must have a finding of `rule`; every post of `clean` none of the
 * confidential category. */
static void expect_rule(tu_tally *t, const char *rule, const char *const *posts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		t->checks++;
		if (!fires(posts[i], rule))
			tu_tally_fail(t, "%s missed: %s", rule, posts[i]);
	}
}

static void expect_clean(tu_tally *t, const char *const *posts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		t->checks++;
		if (tu_has_category(screen(posts[i]), "confidential"))
			tu_tally_fail(t, "flagged: %s", posts[i]);
	}
}

/* The period written otherwise, with a soft cue that needs a period beside it. */
static const char *const OTHER_PERIODS_EN[] = {"QoQ", "YoY", "this quarter", "in November",
                                               "for the quarter", "month over month",
                                               "month-over-month", "this month"};
static const char *const SOFT_CUES_EN[] = {"sneak peek", "early look", "unofficially"};
static const char *const OTHER_PERIODS_ES[] = {"del T3", "del ejercicio", "intertrimestral",
                                               "interanual", "de marzo", "de este año",
                                               "del trimestre"};
static const char *const SOFT_CUES_ES[] = {"os adelanto", "en primicia", "te lo adelanto"};

START_TEST(figures_with_the_period_written_otherwise)
{
	tu_tally t = {"figures: other periods", 0, 0};
	char post[256];
	for (size_t p = 0; p < COUNT(OTHER_PERIODS_EN); p++)
		for (size_t c = 0; c < COUNT(SOFT_CUES_EN); c++) {
			snprintf(post, sizeof post, "%s: bookings up 22%% %s \xf0\x9f\x91\x80",
			         SOFT_CUES_EN[c], OTHER_PERIODS_EN[p]);
			post_fires(&t, post, "confidential.figures-en");
			/* the same cue and figure without a period: a shop's or a dessert's sneak peek */
			snprintf(post, sizeof post, "%s: bookings up 22%% \xf0\x9f\x91\x80", SOFT_CUES_EN[c]);
			t.checks++;
			if (fires(post, "confidential.figures-en"))
				tu_tally_fail(&t, "flagged without a period: %s", post);
		}
	for (size_t p = 0; p < COUNT(OTHER_PERIODS_ES); p++)
		for (size_t c = 0; c < COUNT(SOFT_CUES_ES); c++) {
			snprintf(post, sizeof post, "%s: la facturación %s sube un 9,5%%",
			         SOFT_CUES_ES[c], OTHER_PERIODS_ES[p]);
			post_fires(&t, post, "confidential.figures-es");
			snprintf(post, sizeof post, "%s: la facturación sube un 9,5%%", SOFT_CUES_ES[c]);
			t.checks++;
			if (fires(post, "confidential.figures-es"))
				tu_tally_fail(&t, "flagged without a period: %s", post);
		}
	tu_tally_finish(&t, "posts");
}
END_TEST

/* Cues that say when the figures go out need no period; the same figures said to be out
 * already are clean. */
static const char *const WHEN_OUT_EN[] = {
	"not public till the earnings call", "not public until Thursday",
	"before the results are out", "results out on the 14th", "numbers come out on Monday",
	"nobody knows yet", "off the record", "keep it quiet", "not official until the call",
	"before we announce", "before it\xe2\x80\x99s official"};
static const char *const ALREADY_OUT_EN[] = {
	"according to the press release", "as announced this morning", "results are out!",
	"reported in the filing", "published today"};
static const char *const WHEN_OUT_ES[] = {
	"se comunica en marzo", "se anuncia en enero", "nadie lo sabe aún",
	"todavía no es oficial", "off the record", "entre nosotros", "no se comunica hasta el jueves",
	"hasta que sea oficial, silencio", "aquí entre nos", "y todavía no se ha publicado"};
static const char *const ALREADY_OUT_ES[] = {
	"según el comunicado", "como anunciamos ayer", "nota de prensa en la web",
	"ya están publicados", "lo anunció ayer el consejero delegado"};

START_TEST(figures_with_earliness_in_other_words)
{
	tu_tally t = {"figures: earliness", 0, 0};
	char post[256];
	for (size_t c = 0; c < COUNT(WHEN_OUT_EN); c++) {
		snprintf(post, sizeof post, "Revenue grew 14%%, %s \xf0\x9f\xa4\x90", WHEN_OUT_EN[c]);
		post_fires(&t, post, "confidential.figures-en");
	}
	for (size_t k = 0; k < COUNT(ALREADY_OUT_EN); k++) {
		snprintf(post, sizeof post, "Revenue grew 14%% this quarter, %s", ALREADY_OUT_EN[k]);
		post_is_clean(&t, post, "flagged once out");
	}
	for (size_t c = 0; c < COUNT(WHEN_OUT_ES); c++) {
		snprintf(post, sizeof post, "El margen bruto baja al 28%%, %s", WHEN_OUT_ES[c]);
		post_fires(&t, post, "confidential.figures-es");
	}
	for (size_t k = 0; k < COUNT(ALREADY_OUT_ES); k++) {
		snprintf(post, sizeof post, "El margen bruto del T3 baja al 28%%, %s", ALREADY_OUT_ES[k]);
		post_is_clean(&t, post, "flagged once out");
	}
	tu_tally_finish(&t, "posts");
}
END_TEST

/* Earliness in other words, about any business matter (no figure): a leak cue next to a
 * business word; the same cues about a birthday or a wedding are clean. */
START_TEST(leaks_told_early_in_other_words)
{
	tu_tally t = {"leaks: earliness", 0, 0};
	static const char *const cues_en[] = {
		"nobody knows yet", "no one knows yet", "not public till Thursday",
		"not public until the all-hands", "before we announce it", "before it\xe2\x80\x99s official",
		"until it's official, shh", "not official until Monday", "keep it between us",
		"not announced until the call", "we haven\xe2\x80\x99t announced it", "hasn't been made public"};
	static const char *const cues_es[] = {
		"nadie lo sabe aún", "nadie lo sabe todavía", "todavía nadie lo sabe",
		"no se comunica hasta el lunes", "no se anuncia hasta marzo", "hasta que sea oficial, chitón",
		"antes de que sea oficial", "entre tú y yo", "que no trascienda", "aún no lo saben",
		"no lo comentéis"};
	char post[256];
	for (size_t c = 0; c < COUNT(cues_en); c++) {
		snprintf(post, sizeof post, "The new pricing lands in April, %s", cues_en[c]);
		post_fires(&t, post, "confidential.leak-en");
		snprintf(post, sizeof post, "My sister is pregnant, %s \xf0\x9f\x8e\x89", cues_en[c]);
		post_is_clean(&t, post, "flagged without a business word");
	}
	for (size_t c = 0; c < COUNT(cues_es); c++) {
		snprintf(post, sizeof post, "El lanzamiento del nuevo modelo se retrasa, %s", cues_es[c]);
		post_fires(&t, post, "confidential.leak-es");
		snprintf(post, sizeof post, "Me caso en mayo, %s \xf0\x9f\x92\x8d", cues_es[c]);
		post_is_clean(&t, post, "flagged without a business word");
	}
	tu_tally_finish(&t, "posts");
}
END_TEST

START_TEST(mergers_and_acquisitions_by_kind)
{
	tu_tally t = {"m&a", 0, 0};
	static const char *const en[] = {
		"We're acquiring Brightline, papers next week",
		"we\xe2\x80\x99re buying Helix Labs for $400M",
		"They're selling the payments division to a fund",
		"the company is spinning off its cloud unit",
		"We are in talks to acquire a competitor in Porto",
		"Signed the term sheet with Orbis last night",
		"LOI signed with Kestrel, 60 days of exclusivity",
		"The data room opens Monday, act normal",
		"Due diligence for the acquisition starts Monday",
		"The board just approved the merger with Norte",
		"Board signed off on the sale of the Lyon plant",
		"Orbis is buying us, found out this morning",
		"merger talks with our biggest rival are going well"};
	static const char *const es[] = {
		"Nos compra Telefónica, se firma en enero",
		"Nos compra un fondo americano, no digáis nada",
		"Vendemos la división de logística a un fondo",
		"Van a vender la filial de México",
		"Lanzamos una OPA sobre Norte la semana que viene",
		"Preparamos una OPA hostil sobre la competencia",
		"La due diligence de la compra empieza el lunes",
		"Firmada la carta de intenciones con Kestrel",
		"El consejo aprobó la fusión anoche",
		"El consejo de administración ha dado luz verde a la venta de la planta",
		"Nos fusionamos con Norte Seguros en primavera",
		"Estamos negociando la compra de una fintech",
		/* a public cue inside a negation is no public cue */
		"El consejo aprobó la fusión, aún no se ha anunciado"};
	static const char *const clean[] = {
		"Reuters reported that Orbis signed a term sheet to buy Kestrel",
		"As announced in the press release, the board approved the merger",
		"Always do your due diligence before buying a used car",
		"We're buying Christmas presents next week \xf0\x9f\x8e\x81",
		"We're selling the old sofa, DM me",
		"Our quarterback signed a letter of intent to attend Cal next fall",
		"Using global variables isn't buying us anything here",
		"Según el comunicado, el consejo aprobó la fusión con Norte",
		"La CNMV publicó ayer la OPA de Norte sobre Sur",
		"Mi abuela nos compra un helado cada domingo",
		"Vendemos la bici de la niña, casi nueva",
		"Hay que hacer la due diligence de tu vida: leer los contratos antes de firmar"};
	expect_rule(&t, "confidential.deal-en", en, COUNT(en));
	expect_rule(&t, "confidential.deal-es", es, COUNT(es));
	expect_clean(&t, clean, COUNT(clean));
	tu_tally_finish(&t, "posts");
}
END_TEST

/* Each layoff or closure word, with each kind of "when" or a count; without them, news. */
static const char *const LAYOFFS_EN[] = {"Layoffs", "Redundancies", "Job cuts",
                                         "Headcount reduction", "Reduction in force", "RIF",
                                         "Workforce reduction", "Plant closure", "Downsizing"};
/* English: a count (a time alone is the old phrases of deal-en, "layoffs next week": a rule
 * for layoffs with a time, like layoffs-es, flagged a hard negative of the second blind
 * batch and is held back for review) */
static const char *const WHEN_EN[] = {"for 120 people", "of 15% of the workforce",
                                      "affecting 300 employees", "of 40 jobs"};
static const char *const LAYOFFS_ES[] = {"Despidos", "ERE de la planta", "ERTE", "Ajuste de plantilla",
                                         "Recortes de personal", "Cierre de la planta",
                                         "Despido colectivo", "Bajas incentivadas"};
static const char *const WHEN_ES[] = {"la semana que viene", "el viernes", "en marzo",
                                      "antes de verano", "previstos para el Q1",
                                      "para 120 personas", "del 15% de la plantilla"};

START_TEST(layoffs_and_closures_by_kind)
{
	tu_tally t = {"layoffs", 0, 0};
	char post[256];
	for (size_t l = 0; l < COUNT(LAYOFFS_EN); l++) {
		for (size_t w = 0; w < COUNT(WHEN_EN); w++) {
			snprintf(post, sizeof post, "%s %s, heard it from my manager", LAYOFFS_EN[l],
			         WHEN_EN[w]);
			post_fires(&t, post, "confidential.deal-en");
		}
		snprintf(post, sizeof post, "%s are hard on everyone, take care of each other",
		         LAYOFFS_EN[l]);
		post_is_clean(&t, post, "flagged without a when");
		snprintf(post, sizeof post, "%s next week at Orbis, according to Reuters", LAYOFFS_EN[l]);
		post_is_clean(&t, post, "flagged as news");
	}
	for (size_t l = 0; l < COUNT(LAYOFFS_ES); l++) {
		for (size_t w = 0; w < COUNT(WHEN_ES); w++) {
			snprintf(post, sizeof post, "%s %s, me lo ha dicho mi jefa", LAYOFFS_ES[l],
			         WHEN_ES[w]);
			t.checks++;
			if (!fires(post, "confidential.layoffs-es") && !fires(post, "confidential.deal-es"))
				tu_tally_fail(&t, "missed: %s", post);
		}
		snprintf(post, sizeof post, "%s: qué duro es para todos, cuidaos", LAYOFFS_ES[l]);
		post_is_clean(&t, post, "flagged without a when");
		snprintf(post, sizeof post, "%s en marzo en la otra empresa, según la prensa",
		         LAYOFFS_ES[l]);
		post_is_clean(&t, post, "flagged as news");
	}
	static const char *const clean[] = {
		"The guitar riff next week will be epic", "Ere long we shall see, in March",
		"Los despidos que anunció la aerolínea esta mañana salen en todos los periódicos",
		"We close the office at 5pm on Friday for the party",
		"I was laid off last year and it was the best thing that happened to me"};
	expect_clean(&t, clean, COUNT(clean));
	tu_tally_finish(&t, "posts");
}
END_TEST

START_TEST(price_and_pay_changes)
{
	tu_tally t = {"prices and pay", 0, 0};
	static const char *const en[] = {
		"Prices go up 12% on 1 March \xf0\x9f\xa4\xab", "Price increase of 8% from April, sales told",
		"We're raising prices 5% next month", "No bonus this year, HR just told managers",
		"Bonuses are cancelled, thanks for all the hard work I guess",
		"Pay freeze next year for everyone", "Salary freeze company-wide, great",
		"No raises this year, merit cycle is frozen"};
	static const char *const es[] = {
		"Subida de tarifas del 7% a partir del 1 de febrero",
		"Subimos los precios un 4% en enero, callad", "Este año no hay bonus, lo ha dicho el director",
		"No habrá bonus, nos lo dijeron ayer", "Congelación salarial este año para todos",
		"Congelan los sueldos el año que viene", "Nos quitan el bonus a todos \xf0\x9f\x98\xa1"};
	static const char *const clean[] = {
		"Last chance! Prices go up 10% in March, buy now",
		"Rent goes up 8% next month, another price increase",
		"As announced, prices rise 5% from April",
		"I took a pay cut to follow my passion",
		"Price increase of 3% due to inflation, says the government",
		"¡Última oportunidad! Subida de precios del 10% en marzo, compra ya",
		"El casero dice que el alquiler sube un 8% en enero, otra subida de precios",
		"El gobierno anuncia congelación salarial para funcionarios este año",
		"La subida de la luz del 12% en enero me mata"};
	expect_rule(&t, "confidential.pay-price-en", en, COUNT(en));
	expect_rule(&t, "confidential.pay-price-es", es, COUNT(es));
	expect_clean(&t, clean, COUNT(clean));
	tu_tally_finish(&t, "posts");
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
	tcase_add_test(tc, figures_with_the_period_written_otherwise);
	tcase_add_test(tc, figures_with_earliness_in_other_words);
	tcase_add_test(tc, leaks_told_early_in_other_words);
	tcase_add_test(tc, mergers_and_acquisitions_by_kind);
	tcase_add_test(tc, layoffs_and_closures_by_kind);
	tcase_add_test(tc, price_and_pay_changes);
	tcase_add_test(tc, the_whole_sentence_is_redacted);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
