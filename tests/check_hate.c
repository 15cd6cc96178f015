/* builtin:hate-en and builtin:hate-es, screened with the default policy: every slur is
 * found, with its exact span and the action its rule gives (block, or review for the
 * reclaimed ones), in carrier posts of both languages and in the disguises the text
 * layer undoes (case, leetspeak, an invisible character, a look-alike letter, a masked
 * letter, spaced or stretched letters), each disguise made by code; phrases of hate
 * (go back to your country, dehumanising comparisons, calls for violence or exclusion,
 * supremacist slogans) are found with their span; and hard negatives (place names,
 * surnames, colours, food, engineering and medical terms, neutral news, everyday
 * Spanish words near a slur) give no hate finding at all. A slur quoted in the news
 * goes to review instead of blocking; a phrase of hate quoted there is not flagged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

static const mesura_result *scan(const char *text)
{
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(tu_scanner, text, strlen(text), 0, &r), MESURA_OK);
	return r;
}

/* The strongest action of the hate findings exactly over [start, end) of category, or
 * MESURA_ACTION_ALLOW when there is none. */
static mesura_action hate_action_at(const mesura_result *r, const char *category, size_t start,
                                    size_t end)
{
	mesura_action a = MESURA_ACTION_ALLOW;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (!strcmp(f->category, category) && f->start == start && f->end == end &&
		    f->action > a)
			a = f->action;
	}
	return a;
}

/* ------------------------------------------------------------ slurs and disguises */

enum { DOUBLED = 1, REVIEW = 2 };

typedef struct {
	const char *word; /* as it is written, accents included */
	unsigned flags;   /* DOUBLED: matched on the moderation view (no spacing, no stretching) */
} slur;

/* A sample of every lexicon of both modules: each group, each view, each action. */
static const slur SLURS[] = {
	{"kike", 0},          {"gooks", 0},          {"spic", 0},           {"wetbacks", 0},
	{"beaner", 0},        {"raghead", 0},        {"towelheads", 0},     {"jigaboo", 0},
	{"darkie", 0},        {"pickaninny", 0},     {"wop", 0},            {"dago", 0},
	{"polack", 0},        {"paki", 0},           {"zipperhead", 0},     {"injun", 0},
	{"gyppo", 0},         {"pikey", 0},          {"jewboy", 0},         {"muzzie", 0},
	{"mudslime", 0},      {"poofter", 0},        {"lezzer", 0},         {"lesbo", 0},
	{"fudgepacker", 0},   {"shemale", 0},        {"spaz", 0},           {"chink", 0},
	{"fag", 0},           {"tranny", 0},         {"trannies", 0},       {"redskin", 0},
	{"retard", 0},         {"retarded", 0},       {"nigger", DOUBLED},
	{"niggers", DOUBLED}, {"faggot", DOUBLED},   {"faggots", DOUBLED},  {"nigga", REVIEW},
	{"dyke", REVIEW},     {"yids", REVIEW},      {"sudaca", 0},         {"sudacas", 0},
	{"moraco", 0},        {"moromierda", 0},     {"negrata", 0},        {"ecuata", 0},
	{"veneco", 0},        {"maricón", 0},        {"maricones", 0},      {"mariconazo", 0},
	{"maraco", 0},        {"trolo", 0},          {"machorra", 0},       {"travelo", 0},
	{"mongólico", 0},     {"mongoloide", 0},     {"panchito", 0},       {"tortillera", 0},
	{"joto", 0},          {"mayate", 0},         {"wog", 0},            {"spastics", 0},
	{"sidoso", 0},        {"machupichus", 0},
	/* the recall session's words, by target group */
	{"pajeet", 0},        {"boong", DOUBLED},    {"greaseball", 0},     {"heeb", DOUBLED},
	{"sheeny", 0},        {"muzrat", 0},         {"lezbo", 0},          {"mongoloid", 0},
	{"goatfucker", 0},    {"currymuncher", 0},   {"dothead", 0},        {"chinaman", 0},
	{"wigger", DOUBLED},  {"bujarra", DOUBLED},  {"bujarrón", 0},       {"mariposón", 0},
	{"marimacha", 0},     {"maricueca", 0},      {"colipato", 0},       {"mogólico", 0},
	{"patarrajada", 0},   {"boliguayo", 0},
	{"bollera", REVIEW | DOUBLED},               {"bolleras", REVIEW | DOUBLED},
};

/* Carriers: none holds a word of an ordinary sense or of the news. */
static const char *const CARRIERS[] = {
	"%s",
	"look at that %s lol",
	"Another %s at the front desk today 🙄",
	"otro %s más en la oficina",
	"¿Has visto al %s de la tercera planta? 😒",
	"#monday\n%s!!!",
};

typedef struct {
	char text[256];
	size_t start, end; /* the disguised word in text */
} post;

static void make_post(post *p, const char *carrier, const char *word)
{
	const char *hole = strstr(carrier, "%s");
	size_t head = (size_t)(hole - carrier), wlen = strlen(word);
	ck_assert(head + wlen + strlen(hole + 2) < sizeof p->text);
	memcpy(p->text, carrier, head);
	memcpy(p->text + head, word, wlen);
	strcpy(p->text + head + wlen, hole + 2);
	p->start = head;
	p->end = head + wlen;
}

/* Each disguise writes the disguised word into out (or returns 0 when it does not apply
 * to the word). */
typedef int (*disguise_fn)(const char *w, unsigned flags, char *out, size_t cap);

static int plain(const char *w, unsigned flags, char *out, size_t cap)
{
	(void)flags;
	return snprintf(out, cap, "%s", w) > 0;
}

static int upper(const char *w, unsigned flags, char *out, size_t cap)
{
	(void)flags;
	size_t i = 0;
	for (; w[i] && i + 1 < cap; i++)
		out[i] = (w[i] >= 'a' && w[i] <= 'z') ? (char)(w[i] - 32) : w[i];
	out[i] = 0;
	/* ó (C3 B3) -> Ó (C3 93): the only non-ASCII letter of the list */
	for (char *o = out; (o = strstr(o, "\xc3\xb3")) != NULL;)
		o[1] = (char)0x93;
	return 1;
}

/* The first i, e, o or a written as 1, 3, 0, 4. */
static int leet(const char *w, unsigned flags, char *out, size_t cap)
{
	(void)flags;
	snprintf(out, cap, "%s", w);
	static const char from[] = "ieoa", to[] = "1304";
	for (size_t k = 0; k < 4; k++) {
		char *c = strchr(out, from[k]);
		if (c && c != out) {
			*c = to[k];
			return 1;
		}
	}
	return 0;
}

/* A zero-width space after the first letter. */
static int zero_width(const char *w, unsigned flags, char *out, size_t cap)
{
	(void)flags;
	return snprintf(out, cap, "%c\xe2\x80\x8b%s", w[0], w + 1) > 0;
}

/* The first a, o, e, c or p as its Cyrillic look-alike. */
static int cyrillic(const char *w, unsigned flags, char *out, size_t cap)
{
	(void)flags;
	static const struct {
		char latin;
		const char *cyr;
	} LOOKS[] = {{'a', "\xd0\xb0"}, {'o', "\xd0\xbe"}, {'e', "\xd0\xb5"}, {'c', "\xd1\x81"},
	             {'p', "\xd1\x80"}};
	for (size_t k = 0; k < sizeof LOOKS / sizeof *LOOKS; k++) {
		const char *c = strchr(w, LOOKS[k].latin);
		if (c) {
			int n = snprintf(out, cap, "%.*s%s%s", (int)(c - w), w, LOOKS[k].cyr, c + 1);
			return n > 0 && (size_t)n < cap;
		}
	}
	return 0;
}

/* One inner vowel as '*' ("k*ke"): a self-censored spelling, for words of 4+ letters.
 * Not a vowel of a doubled pair: the deobfuscate view folds the term's pair into one
 * letter, so "g*oks" has a letter more than the folded "goks" (docs/default-policy.md). */
static int masked(const char *w, unsigned flags, char *out, size_t cap)
{
	(void)flags;
	size_t len = strlen(w);
	if (len < 4 || strchr(w, ' ') || strchr(w, '\xc3'))
		return 0;
	snprintf(out, cap, "%s", w);
	for (size_t i = 1; i + 1 < len; i++)
		if (strchr("aeiou", out[i]) && out[i - 1] != out[i] && out[i + 1] != out[i]) {
			out[i] = '*';
			return 1;
		}
	return 0;
}

/* Letters one space apart ("k i k e"): joined by the deobfuscate view only. */
static int spaced(const char *w, unsigned flags, char *out, size_t cap)
{
	if ((flags & DOUBLED) || strchr(w, ' ') || strchr(w, '\xc3'))
		return 0;
	size_t o = 0;
	for (size_t i = 0; w[i] && o + 2 < cap; i++) {
		if (i)
			out[o++] = ' ';
		out[o++] = w[i];
	}
	out[o] = 0;
	return 1;
}

/* The last letter stretched ("sudacaaa"): collapsed by the deobfuscate view only. */
static int stretched(const char *w, unsigned flags, char *out, size_t cap)
{
	size_t len = strlen(w);
	if ((flags & DOUBLED) || strchr(w, '\xc3'))
		return 0;
	int n = snprintf(out, cap, "%s%c%c%c", w, w[len - 1], w[len - 1], w[len - 1]);
	return n > 0 && (size_t)n < cap;
}

static const struct {
	const char *name;
	disguise_fn fn;
} DISGUISES[] = {{"plain", plain},       {"upper case", upper},   {"leet", leet},
                 {"zero width", zero_width}, {"cyrillic", cyrillic}, {"masked", masked},
                 {"spaced", spaced},     {"stretched", stretched}};

START_TEST(slurs_are_found_in_every_disguise)
{
	tu_tally t = {"hate slurs", 0, 0};
	for (size_t s = 0; s < sizeof SLURS / sizeof *SLURS; s++) {
		mesura_action want = (SLURS[s].flags & REVIEW) ? MESURA_ACTION_REVIEW
		                                              : MESURA_ACTION_BLOCK;
		for (size_t d = 0; d < sizeof DISGUISES / sizeof *DISGUISES; d++) {
			char word[64];
			if (!DISGUISES[d].fn(SLURS[s].word, SLURS[s].flags, word, sizeof word))
				continue;
			for (size_t c = 0; c < sizeof CARRIERS / sizeof *CARRIERS; c++) {
				post p;
				make_post(&p, CARRIERS[c], word);
				const mesura_result *r = scan(p.text);
				t.checks++;
				mesura_action got = hate_action_at(r, "hate.slur", p.start, p.end);
				if (got != want)
					tu_tally_fail(&t, "%s (%s): action %d, want %d, in: %s", SLURS[s].word,
					              DISGUISES[d].name, (int)got, (int)want, p.text);
			}
		}
	}
	tu_tally_finish(&t, "posts");
}
END_TEST

/* ------------------------------------------------------------ phrases */

typedef struct {
	const char *text;
	const char *rule; /* the rule that must report span */
	const char *span; /* the text of the finding */
} phrase_case;

static const phrase_case PHRASES[] = {
	{"Go back to your country, nobody wants you here", "hate.en-exclusion", "Go back to your country"},
	{"GO BACK WHERE YOU CAME FROM!!", "hate.en-exclusion", "GO BACK WHERE YOU CAME FROM"},
	{"g0 back to y0ur own country", "hate.en-exclusion", "g0 back to y0ur own country"},
	{"why don't you go home to your shithole country", "hate.en-exclusion", "go home to your shithole country"},
	{"Get the fuck out of my country", "hate.en-exclusion", "Get the fuck out of my country"},
	{"refugees go home!", "hate.en-exclusion", "refugees go home"},
	{"No gays allowed in my shop", "hate.en-exclusion", "No gays allowed"},
	{"deport all the muslims 🇺🇸", "hate.en-exclusion", "deport all the muslims"},
	{"Immigrants are vermin", "hate.en-dehumanizing", "Immigrants are vermin"},
	{"jews are no better than rats", "hate.en-dehumanizing", "jews are no better than rats"},
	{"a swarm of migrants at the border", "hate.en-dehumanizing", "swarm of migrants"},
	{"mexicans breed like rabbits", "hate.en-dehumanizing", "mexicans breed like rabbits"},
	{"Kill all the gays", "hate.en-violence", "Kill all the gays"},
	{"muslims should be exterminated", "hate.en-violence", "muslims should be exterminated"},
	{"DEATH TO JEWS", "hate.en-violence", "DEATH TO JEWS"},
	{"the only good indian is a dead indian", "hate.en-violence", "the only good indian is a dead indian"},
	{"14/88 brothers, white pride", "hate.en-code", "14/88"},
	{"Saludos 14/88 a los camaradas arios", "hate.en-code", "14/88"},
	{"Heil Hitler!", "hate.en-supremacist", "Heil Hitler"},
	{"w h i t e power", "hate.en-supremacist", "w h i t e power"},
	{"look at that towel head lol", "hate.en-slur", "towel head"},
	{"another sand nigger at the gate", "hate.en-slur", "sand nigger"},
	{"the new guy is a pillow biter", "hate.en-slur", "pillow biter"},
	{"RACE WAR NOW", "hate.en-supremacist", "RACE WAR NOW"},
	{"the goyim know, wake up", "hate.en-supremacist", "the goyim know"},
	{"day of the rope is coming", "hate.en-supremacist", "day of the rope"},
	{"Fuera los menas del barrio", "hate.es-slur", "los menas"},
	{"todo es culpa del contubernio judeomasónico", "hate.es-supremacist",
	 "contubernio judeomasónico"},
	{"el mestizaje es genocidio, despertad", "hate.es-supremacist", "el mestizaje es genocidio"},
	{"Vete a tu país, aquí sobras", "hate.es-exclusion", "Vete a tu país"},
	{"vuelvete a tu pais", "hate.es-exclusion", "vuelvete a tu pais"},
	{"Andate a tu país, bolita", "hate.es-exclusion", "Andate a tu país"},
	{"¡Fuera moros!", "hate.es-exclusion", "Fuera moros"},
	{"no se admiten gitanos", "hate.es-exclusion", "no se admiten gitanos"},
	{"Los sudacas son una plaga", "hate.es-dehumanizing", "sudacas son una plaga"},
	{"los musulmanes no son humanos", "hate.es-dehumanizing", "musulmanes no son humanos"},
	{"los moros se reproducen como conejos", "hate.es-dehumanizing", "moros se reproducen como conejos"},
	{"hay que matar a todos los maricones", "hate.es-violence", "matar a todos los maricones"},
	{"Muerte a los inmigrantes", "hate.es-violence", "Muerte a los inmigrantes"},
	{"el holocausto nunca existió", "hate.es-supremacist", "el holocausto nunca existió"},
	{"puto negro", "hate.es-slur", "puto negro"},
	{"Ese gitano de mierda me robó", "hate.es-slur", "Ese gitano de mierda"},
	{"sois unos maricas", "hate.es-slur", "sois unos maricas"},
	{"callate maricon", "hate.es-slur", "maricon"},
	{"ese es un marica", "hate.es-slur", "es un marica"},
	{"le pegaron por marica", "hate.es-slur", "por marica"},
	{"refugees are criminals, all of them", "hate.en-dehumanizing", "refugees are criminals"},
	{"they are subhuman, those immigrants", "hate.en-subhuman", "subhuman"},
	{"everyone knows jews control the media", "hate.en-supremacist", "jews control the media"},
	{"#WhitePower", "hate.en-supremacist", "WhitePower"},
	{"gays should be locked up", "hate.en-violence", "gays should be locked up"},
	{"Inmigrantes fuera de mi barrio", "hate.es-exclusion", "Inmigrantes fuera"},
	{"los travelos son unos enfermos", "hate.es-dehumanizing", "travelos son unos enfermos"},
	{"El islam es un cáncer", "hate.es-dehumanizing", "El islam es un cáncer"},
	{"Jew him down to 50 bucks", "hate.en-slur", "Jew him down"},
};

static int has_rule_span(const mesura_result *r, const char *text, const char *rule,
                         const char *span)
{
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (!strcmp(f->rule_id, rule) && f->end - f->start == strlen(span) &&
		    !memcmp(text + f->start, span, strlen(span)) && f->action == MESURA_ACTION_BLOCK)
			return 1;
	}
	return 0;
}

START_TEST(phrases_are_found_with_their_span)
{
	tu_tally t = {"hate phrases", 0, 0};
	for (size_t i = 0; i < sizeof PHRASES / sizeof *PHRASES; i++) {
		const mesura_result *r = scan(PHRASES[i].text);
		t.checks++;
		if (!has_rule_span(r, PHRASES[i].text, PHRASES[i].rule, PHRASES[i].span))
			tu_tally_fail(&t, "%s does not block \"%s\" in: %s", PHRASES[i].rule,
			              PHRASES[i].span, PHRASES[i].text);
	}
	tu_tally_finish(&t, "posts");
}
END_TEST

/* ------------------------------------------------------------ hard negatives */

static const char *const CLEAN[] = {
	"Our chinaman bowler took three wickets at Lord's",
	"Las menas de hierro del yacimiento se agotan",
	"Escribe un resumen de 14 palabras para la web",
	/* place names and surnames */
	"Niger and Nigeria are different countries",
	"Summer in Lesbos with the family 🇬🇷",
	"Hiking Offa's Dyke path this weekend 🥾",
	"Walked along Devil's Dyke at sunset",
	"Ski trip to Squaw Valley (now Palisades Tahoe) ⛷️",
	"Visita al Castillo del Moro y fiesta de Moros y Cristianos en Alcoy 🏰",
	"Ponencia sobre Aldo Moro y la política italiana",
	"Meeting with Mr Spicer and Ms Chinkin about the Wetherby office",
	"Royal Troon hosts the Open this year ⛳",
	"Use what talents you possess. -- Henry Van Dyke",
	"La razón subestima; el sentido común modera. -- Marqués de Maricá",
	/* colours and everyday Spanish */
	"Viernes negro: 30 % en toda la tienda 🖤",
	"Un café negro de mierda en la máquina nueva ☕",
	"Tengo el pelo negro y los ojos negros",
	"La negra es una nota musical que dura un tiempo 🎵",
	"Soy español pero judío, y celebro Janucá 🕎",
	"Nos vemos en la bolera a las 8 🎳",
	"Una mariquita en la ventana de la oficina 🐞",
	"Marica, qué pena contigo, llegué tarde",
	"¿Qué más, marica? ¿Vamos al partido? ⚽",
	"ese marica es muy buena gente",
	"¿Cuándo vuelves a tu país de vacaciones? 🌴",
	"Vivo fuera de mi país desde 2019 y estoy encantada",
	"Mi abuela es gitana y cocina de maravilla",
	"El equipo chino ganó el torneo de ping-pong 🏓",
	"Una bolsa de panchitos y un vermut, plan de domingo 🥜",
	"La tortillera del mercado hace las mejores tortillas de maíz 🌽",
	/* medical, anatomy, engineering, food */
	"Retarded ignition timing cost us horsepower on the dyno",
	"Spastic cerebral palsy: the new physiotherapy unit opens on Monday",
	"Números subnormales en coma flotante: por qué tu cálculo pierde precisión",
	"Migrants held in subhuman conditions, says the NGO report",
	"Back in 5, just popping out for a fag 🚬",
	"Coming down with the wog that's going around the office 🤧",
	"Los inmigrantes que trabajan fuera de la ciudad cobran menos, según el informe",
	"The new flame retardant foam passed all tests 🔥",
	"Zinc coatings retard corrosion for decades",
	"Homo sapiens evolved in Africa",
	"La mancha mongólica desaparece sola en la infancia, dice la pediatra",
	"Síndrome de Down: jornada de inclusión laboral el jueves 💙",
	"Faggots and peas with onion gravy at the pub, proper British food",
	"Nipping out for a fag break, back in 5",
	"My van's tranny is gone, the gearbox rebuild costs a fortune",
	"Roast redskin potatoes with rosemary 🥔",
	"The first chink in the armour of our competitor's pricing",
	"Spick and span: the office after the cleaning crew 🧽",
	"Anyone seen the white power cable for the projector?",
	"The White Power Ranger was my favourite as a kid",
	"Kill all the bugs before Friday's release 🐛",
	"We shoot the refugees' portraits for the exhibition on Monday 📸",
	"We shoot the Chinese New Year campaign on Monday 🧧",
	"Should we ban all Chinese apps on company phones?",
	"Los latinos son animales de fiesta, dice mi jefa 💃",
	"The Hacker (homo computatis) has a high forehead and thinning hair",
	"Dogs are animals too, bring yours to the office on Friday 🐶",
	"Immigrants are not animals: they are people like us 🤝",
	"Do you ever want to go back to your country after the contract ends?",
	"When you go back to your country, bring us some of those sweets 🍬",
	"#RefugeesWelcome: our team volunteered at the shelter today 💙",
	"Order 1488 shipped today",
	"print(((a + b)))",
	"Hay que eliminar todos los bugs antes del viernes 🐛",
	"Las ratas son una plaga en el almacén, viene el control de plagas 🐀",
	/* neutral news about hate, euphemisms */
	"Man charged with a hate crime after racist abuse at the station",
	"He was charged with a hate crime after using the n-word at a bus driver",
	"The court heard he told her to go back to your country before the attack",
	"He was convicted after saying immigrants are vermin, the court said",
	"The documentary shows how the regime tried to exterminate the jews",
	"The 'great replacement' conspiracy theory, debunked in 10 minutes",
	"Visiting Auschwitz: the Holocaust is a lesson we must never forget",
	"Condenado por un delito de odio tras insultar a un vecino",
	"El acusado gritó 'vete a tu país' a la víctima, según la fiscalía",
	"El tribunal condenó al concejal que dijo que los inmigrantes son ratas",
	"El documental cuenta cómo los nazis quisieron exterminar a los judíos",
	"La palabra que empieza por m: el club sanciona los cánticos homófobos",
};

START_TEST(hard_negatives_have_no_hate_finding)
{
	tu_expect_clean(tu_scanner, "hate hard negatives", "hate", CLEAN, sizeof CLEAN / sizeof *CLEAN);
}
END_TEST

/* A slur spelled out in a news report goes to review, not block; so does the echo. */
START_TEST(slurs_quoted_in_the_news_go_to_review)
{
	static const struct {
		const char *text, *slur;
	} CASES[] = {
		{"He was charged with a hate crime after shouting 'raghead' at a bus driver", "raghead"},
		{"Court hears the defendant called his neighbour a faggot", "faggot"},
		{"El detenido gritó 'sudaca' a la víctima, según la denuncia", "sudaca"},
		{"Juicio al acusado de llamar maricón a un camarero", "maricón"},
		/* not news, but a person decides too: code and maths nest parentheses */
		{"another article by (((Goldberg))), of course", "(((Goldberg)))"},
	};
	for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
		const mesura_result *r = scan(CASES[i].text);
		size_t start = (size_t)(strstr(CASES[i].text, CASES[i].slur) - CASES[i].text);
		const char *category = CASES[i].slur[0] == '(' ? "hate.phrase" : "hate.slur";
		ck_assert_msg(hate_action_at(r, category, start, start + strlen(CASES[i].slur)) ==
		                  MESURA_ACTION_REVIEW,
		              "not review: %s", CASES[i].text);
		for (size_t f = 0; f < mesura_result_finding_count(r); f++)
			ck_assert_msg(mesura_result_finding_get(r, f)->action != MESURA_ACTION_BLOCK, "blocked: %s (%s)",
			              CASES[i].text, mesura_result_finding_get(r, f)->rule_id);
	}
}
END_TEST

/* Each module stands alone: a company may include only one of them. */
START_TEST(each_module_compiles_alone_and_blocks)
{
	static const struct {
		const char *module, *post;
	} CASES[] = {{"hate-en", "go back to your country"}, {"hate-es", "vete a tu país"}};
	for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
		char src[128];
		snprintf(src, sizeof src, "mesura: 1\nname: t\ninclude: [builtin:%s]\n", CASES[i].module);
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), "t", NULL, &d, NULL),
		                 MESURA_OK);
		ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
		mesura_diagnostics_free(d);
		mesura_scanner *s = NULL;
		ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
		const mesura_result *r = NULL;
		ck_assert_int_eq(mesura_scan(s, CASES[i].post, strlen(CASES[i].post), 0, &r), MESURA_OK);
		ck_assert_int_eq(r->verdict, MESURA_ACTION_BLOCK);
		mesura_scanner_free(s);
		mesura_policy_free(p);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hate");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, tu_default_setup, tu_default_teardown);
	tcase_add_test(tc, slurs_are_found_in_every_disguise);
	tcase_add_test(tc, phrases_are_found_with_their_span);
	tcase_add_test(tc, hard_negatives_have_no_hate_finding);
	tcase_add_test(tc, slurs_quoted_in_the_news_go_to_review);
	tcase_add_test(tc, each_module_compiles_alone_and_blocks);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
