/* builtin:sexual-en and builtin:sexual-es through the default policy: explicit slang
 * and acts are flagged over their exact words, however disguised; medical and
 * anatomical talk, words that are explicit only in some countries (coger, concha,
 * bicho, paja, cuca, pico, polla), names and animals are not. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

/* A post and the words that must be found as `sexual` (exactly that span). */
static const tu_flagged FLAGGED[] = {
    /* English slang and phrases */
    {"lol he asked her for a blowjob in the parking lot", "blowjob"},
    {"who keeps sending dick pics to the team chat??", "dick pics"},
    {"caught Dave watching porn on the office wifi 🤢", "watching porn"},
    {"the CFO got caught jerking off on a Zoom call", "jerking off"},
    {"offered him a handjob for the promotion, gross", "handjob"},
    {"pornhub premium on the company card 💀", "pornhub"},
    {"She's a total MILF", "MILF"},
    {"send nudes 😏", "send nudes"},
    {"there was a butt plug in the lost and found box", "butt plug"},
    {"she said she would sit on my face lmao", "sit on my face"},
    {"show me your boobs", "show me your boobs"},
    {"nice tits on the new receptionist 😏", "tits"},
    {"his cock was so hard lol", "cock"},
    {"she can suck my cock", "suck my cock"},
    {"honestly I'd fuck her, the new intern is hot", "I'd fuck her"},
    {"I shagged him after the Christmas party 🙊", "shagged him"},
    {"i wanna bone her so bad", "i wanna bone her"},
    /* disguised: leet, spaced, stretched, fullwidth, masked, look-alike letters */
    {"bl0wj0b", "bl0wj0b"},
    {"b l o w j o b jokes at the offsite, really?", "b l o w j o b"},
    {"blowjooob", "blowjooob"},
    {"ｂｌｏｗｊｏｂ", "ｂｌｏｗｊｏｂ"},
    {"bl*wjob in the break room", "bl*wjob"},
    {"gаngbаng", "gаngbаng"}, /* Cyrillic а */
    /* Spanish, Spain and Latin America */
    {"el de contabilidad dice que echó un polvo en el almacén 🙄", "echó un polvo"},
    {"ECHAMOS UN POLVO en la cena de Navidad", "ECHAMOS UN POLVO"},
    {"3ch4r un p0lv0", "3ch4r un p0lv0"},
    {"pillaron al becario viendo porno en el portátil de la empresa", "viendo porno"},
    {"se pasa el día haciéndose una paja en el baño", "haciéndose una paja"},
    {"Ella me hizo una mamada jajaja", "me hizo una mamada"},
    {"qué tetas tiene la nueva de marketing", "qué tetas"},
    {"la tetona de contabilidad", "tetona"},
    {"le tocó las tetas en la cena de empresa", "le tocó las tetas"},
    {"le toqué el culo a la becaria 😂", "le toqué el culo"},
    {"mándame nudes 😏", "mándame nudes"},
    {"chúpame la verga", "chúpame la verga"},
    {"mi follamigo del curro", "follamigo"},
    {"es una pajillera", "pajillera"},
    {"v i e n d o porno en horario laboral", "v i e n d o porno"},
    {"me la quiero coger toda la noche", "coger"},
    {"cogimos sin condón, qué idiotas", "cogimos"},
    {"estuvimos cogiendo en la cama de la oficina 😳", "cogiendo"},
    {"Anoche me cogí a la de ventas 😏", "me cogí a"},
    {"El de logística se garchó a la pasante", "garchó"},
    {"Tirarse a la becaria no es acoso si ella quiere, ¿no? 😏", "Tirarse a la becaria"},
    {"Qué buena está la nueva directora, madre mía", "Qué buena está la nueva"},
    {"@lucia_m pásame el pack 😏", "pásame el pack"},
    {"Me la follaría encima de la mesa de reuniones", "Me la follaría"},
    /* words with an innocent sense, in their sexual one */
    {"Friday plans: beer and a threesome 😏", "threesome"},
    {"Got laid after the team dinner, best offsite ever 😎", "Got laid"},
    {"Strippers at the sales kickoff again", "Strippers"},
    {"Orgy at the sales kickoff, as usual", "Orgy"},
    {"I'd fuck her brains out", "I'd fuck her"},
};

/* Hard negatives: no `sexual` finding (other categories may fire: "fuck him up" is a
 * threat and profanity, not sexual). */
static const char *const CLEAN[] = {
    /* medicine, anatomy, forms, news */
    "Breast cancer awareness month: book your screening 🎀",
    "After a vaginal birth, recovery takes about six weeks",
    "Men's health week: talk to your doctor about penis health and erectile dysfunction",
    "Our doctor explains orgasm, erection, intercourse and fertility in plain words",
    "Masturbation myths debunked by a urologist on our health podcast",
    "Study: HPV spreads through oral sex, vaccinate your kids",
    "Sex: M / F / prefer not to say",
    "Our sex education programme for schools launches in May",
    "The government passed a new porn age-verification law",
    /* names, places, animals, food, idioms */
    "Deep Throat was the Watergate source",
    "Jerk chicken Friday at the canteen! 🍗",
    "Looking for a second hand job board, any tips?",
    "but plug it in before the demo",
    "Bob's burgers for lunch",
    "Our DTF printer is back: custom shirts for the team",
    "#foodporn from the team lunch 🍕",
    "Nice tits at the bird feeder this morning 🐦",
    "Great tits and blue tits nesting by the car park",
    "Nice blue-footed boobies on the Galápagos trip",
    "The big cock on my uncle's farm crowed at 5am",
    "Our office cat is a big fluffy pussy 🐱",
    "Pussy willow in the vase at reception 🌿",
    "Don't be a dick in code review, be kind",
    "Big dick energy from the sales team today",
    "Dick Smith gave a nice talk, big ideas",
    "Philip K. Dick is my favourite author",
    "Moby-Dick book club on Thursday",
    "the deploy went tits up, big time",
    "Graduated magna cum laude, thanks mum",
    "Meeting with Mr Cockburn and Ms Cummings at 10",
    "Shag carpet in the new office lounge, very 70s",
    "I'll bang out the slides tonight",
    "Screw them, we ship on Friday",
    "we're going to screw them on price",
    "they fucked her career with that review",
    "I'm gonna fuck him up if he touches my code again",
    "fuck me, that's expensive",
    "Hooking up the new monitors with HDMI",
    "Nice rack! The new server rack is in",
    "Spunky new intern, love her energy",
    /* Spanish: medicine, forms, and words explicit only in some countries */
    "Octubre rosa: revisa tu cáncer de mama 🎀",
    "Tras un parto vaginal la recuperación lleva unas seis semanas",
    "Sexo: hombre / mujer / prefiero no decirlo",
    "La noticia sobre la pornografía infantil en redes es terrible",
    "Mañana cojo el autobús de las 7 para llegar a la reunión",
    "Hay que coger el autobús de toda la noche para llegar a Madrid",
    "Voy a coger la semana libre en agosto",
    "Cógete un café y vamos a la reunión",
    "Coger el toro por los cuernos: ese es el plan del trimestre",
    "Se me cayó el móvil y tuve que cogerlo rápido",
    "Balas de paja de trigo para la feria del campo 🌾",
    "Tengo una paja mental con este proyecto",
    "Concha y yo buscamos conchas en la playa 🐚",
    "Ceviche de conchas negras en Lima, qué rico",
    "Conchitas a la parmesana en la cena de empresa",
    "Hay un bicho rarísimo en la sala de reuniones 🐛",
    "Cuca, la de recepción, cumple 60 años 🎂",
    "El tucán tiene el pico enorme",
    "Son las tres y pico, ya voy",
    "La pija de Serrano vino a la tienda",
    "Mi madre ve la Polla Gol todos los domingos",
    "Dar la teta en el trabajo: nueva sala de lactancia 🍼",
    "Hay que quitar el polvo de los servidores",
    "El culo del vaso está roto",
    "Qué culo has tenido con ese sorteo",
    "Un abrazo consolador para la familia",
    "Armario empotrado en la oficina nueva",
    "La corrida de toros de San Isidro",
    "Me corro un poco para que te sientes",
    "Es muy cachondo, siempre nos hace reír",
    "Chochos con tostado, el desayuno de Quito",
    /* places, names, fish, sports, tools, layoffs, food, news */
    "Team offsite in Dildo, Newfoundland next month, who's driving? 🚗",
    "Meeting with Jon Bonner and the Stripers fan club",
    "Fishing for stripers off Cape Cod this weekend 🎣",
    "Golf on Saturday: we need a fourth for our threesome at the first tee",
    "The film is an orgy of violence",
    "Half the team got laid off on Friday 😢",
    "Buy wire strippers at the hardware store",
    "You blow me away, team",
    "New study on teens sexting, worth a read for parents",
    "Tirarse a la piscina en la fiesta de verano 🏊",
    "Qué buena está la paella de la cantina",
    "Pásame el pack de bienvenida para el nuevo",
    "Una orgía de sabores en la comida de Navidad 🎄",
    "Un abrazo consolador para la familia de Juan",
};

START_TEST(explicit_slang_is_flagged_over_its_words)
{
	tu_expect_flagged(tu_scanner, "sexual: flagged", "sexual", FLAGGED,
	                  sizeof FLAGGED / sizeof *FLAGGED, MESURA_ACTION_REVIEW);
}
END_TEST

START_TEST(medical_anatomical_and_regional_words_are_not)
{
	tu_expect_clean(tu_scanner, "sexual: hard negatives", "sexual", CLEAN, sizeof CLEAN / sizeof *CLEAN);
}
END_TEST

/* The kinds the blind batch showed missing (docs/default-policy.md, "What is missed, by
 * kind"), as constructions of our own: the sex verbs of Spain and Latin America in their
 * forms (follar, coger con, culear, garchar, correrse with a word that makes it sexual,
 * pajearse, masturbarse, empotrar, echar un polvo), sex as a noun of an act at work,
 * euphemisms (railed, rode him all night, came inside her, por detrás), solicitation
 * (escorts and "scort", club de alterne, servicios completos) and toys. */
static const tu_flagged KINDS[] = {
    {"quiero coger con la nueva", "coger con la nueva"},
    {"nos garchamos en el ascensor", "nos garchamos"},
    {"me corrí en su boca", "me corrí"},
    {"me corrí dos veces pensando en ella", "me corrí"},
    {"se pajea en el baño de la oficina", "se pajea"},
    {"me masturbo en el baño del curro", "me masturbo"},
    {"me empotró contra la pared del despacho", "me empotró contra la pared"},
    {"que me empotre el de sistemas", "que me empotre"},
    {"hemos echado un polvo en el coche", "echado un polvo"},
    {"se estaba haciendo un dedo en la reunión", "haciendo un dedo"},
    {"me la metió por detrás", "me la metió por detrás"},
    {"contraté una escort para la cena de empresa", "contraté una escort"},
    {"busco scort en Madrid", "scort"},
    {"servicios completos, chicas jóvenes, discreción", "servicios completos"},
    {"me compré un satisfyer", "satisfyer"},
    {"tengo un vibrador en el cajón de la oficina", "un vibrador en el cajón"},
    {"tuvimos sexo en la sala de reuniones", "tuvimos sexo en la sala de reuniones"},
    {"sexo duro con la becaria", "sexo duro"},
    {"we had sex in the server room", "had sex in the server room"},
    {"she got railed after the party", "got railed"},
    {"she rode him all night", "rode him all night"},
    {"he came inside her", "came inside her"},
    {"made me cum so hard", "made me cum so hard"},
    {"booked an escort for the conference night", "booked an escort"},
    {"hired an escort in Vegas", "hired an escort"},
    {"call girls at the sales kickoff", "call girls"},
    {"she keeps a vibrator in her desk", "a vibrator in her desk"},
    {"bought a sex toy for the secret santa lol", "sex toy"},
    {"she loves anal", "loves anal"},
    {"I want to have sex with the intern", "want to have sex with the intern"},
    {"la de recepción se masturbaba en el baño, dicen", "se masturbaba"},
    {"nos echamos un polvo en el almacén", "nos echamos un polvo"},
    {"club de alterne con el cliente y la tarjeta de empresa", "club de alterne"},
    {"he's into anal, apparently, the whole floor knows", "into anal"},
    {"getting railed by the new temp lol", "getting railed"},
};

/* Their everyday, medical and legal senses: coger un taxi, córrete (move over), an
 * armario empotrado, a phone's vibrator, a Ford Escort, "came" as a past tense, "anal
 * about formatting", health and forms. */
static const char *const KINDS_CLEAN[] = {
    "voy a coger un taxi",
    "córrete un poco que no quepo",
    "me corrí a la izquierda para dejarle pasar",
    "hay que empotrar el armario en la pared",
    "un armario empotrado en el salón",
    "el vibrador del móvil no funciona",
    "servicios completos de limpieza para oficinas",
    "Ford Escort for sale, 1995, low mileage",
    "security will escort you to the exit",
    "The police escort arrived at noon",
    "Sex education in schools matters",
    "Men who have sex with men should get the PrEP info",
    "He's so anal about formatting",
    "she came to the office late",
    "he came in second in the race",
    "I rode him at the derby, great horse",
    "I railed against the new policy",
    "the team came together",
    "the delivery came in late",
    "masturbarse es sano según los expertos",
    "tener sexo seguro: usa condón",
    "sexo: mujer",
    "The sex toys market grew 10 % this year, says the report",
    "Ese cliente paga con tarjeta prepago",
    "Las bolas de Navidad ya están en la oficina",
    "Se corrió la voz de que hay despidos",
    "La escort del convoy llegó tarde",
    "Ayer cogí el tren con ella a Sevilla",
};

START_TEST(sexual_kinds_are_found_and_their_everyday_senses_are_not)
{
	tu_expect_flagged(tu_scanner, "sexual: kinds", "sexual", KINDS, sizeof KINDS / sizeof *KINDS,
	                  MESURA_ACTION_REVIEW);
	tu_expect_clean(tu_scanner, "sexual: kinds, everyday senses", "sexual", KINDS_CLEAN,
	                sizeof KINDS_CLEAN / sizeof *KINDS_CLEAN);
}
END_TEST

/* Each module works alone, and its findings are reviews of severity medium. */
/* Slang by family and country, each in a carrier post built by code: found as `sexual`
 * over exactly the slang. */
static const char *const EN_SLANG[] = {
    "blowie", "gave me a bj", "gives good head", "sucked him off", "jack off", "whack off",
    "tug job", "fancy a shag", "shagging", "down to fuck", "i’d tap that", "I'd hit that",
    "sex in the office", "dry humping", "came on her face", "camel toe", "upskirt",
    "creepshots", "naked pics", "leaked nudes", "tit pics", "titty bar", "whorehouse",
    "strapon", "anal beads", "morning wood", "porno", "xxx videos",
    "xnxx", "chaturbate", "fansly", "ass pics", "tap that ass", "hooker", "got railed",
    "rode him all night", "came inside her", "made me cum", "do anal", "escort service",
    "hired an escort", "call girls", "paid for sex", "my vibrator", "sex doll"};
static const char *const ES_SLANG[] = {
    "echar un casquete", "echamos un kiki", "mojar el churro", "cascársela", "machacándosela",
    "meneársela", "hacerse un dedo", "lefa", "corrida facial", "chúpame el rabo", "buenorra",
    "macizorra", "culazo", "pechugona", "tetorras", "puticlub", "intercambio de parejas",
    "juguetes sexuales", "jalándosela", "hacerse una puñeta", "dar las nalgas",
    "hicimos el delicioso", "calenturienta", "qué chichis", "chúpame la pinga",
    "mándame fotos hot", "me hizo un pete", "petear", "chupar la pichula", "corrérsela",
    "tocarle el poto", "me la caché", "culiando", "culearla", "quiero tirar contigo",
    "follar", "follamos", "ganas de follar", "follándosela", "echado un polvo", "se pajea",
    "me masturbo", "empotrador", "que me empotre", "garchamos", "coger con ella",
    "haciéndose un dedo", "me la metió por detrás", "sexo duro", "una escort", "scort",
    "club de alterne", "una prepago", "satisfyer", "bolas chinas", "succionador de clítoris"};

START_TEST(slang_by_family_and_country_is_flagged)
{
	enum { N = sizeof EN_SLANG / sizeof *EN_SLANG + sizeof ES_SLANG / sizeof *ES_SLANG };
	static char pool[N][128];
	tu_flagged posts[N];
	size_t n = 0;
	for (size_t i = 0; i < sizeof EN_SLANG / sizeof *EN_SLANG; i++, n++) {
		snprintf(pool[n], sizeof pool[n], "ugh, %s at the offsite again 🙄", EN_SLANG[i]);
		posts[n] = (tu_flagged){pool[n], EN_SLANG[i]};
	}
	for (size_t i = 0; i < sizeof ES_SLANG / sizeof *ES_SLANG; i++, n++) {
		snprintf(pool[n], sizeof pool[n], "jajaja %s, dice el de compras 😏", ES_SLANG[i]);
		posts[n] = (tu_flagged){pool[n], ES_SLANG[i]};
	}
	tu_expect_flagged(tu_scanner, "sexual: slang by family and country", "sexual", posts, n,
	                  MESURA_ACTION_REVIEW);
}
END_TEST

/* The same words in their ordinary senses, and what the folds would make of them. */
static const char *const SLANG_NEGATIVES[] = {
    "She is a jack of all trades, hire her",
    "Send the slides as pics, the PDF is too big",
    "X videos now autoplay in the feed",
    "Pete and I are at the booth, come say hi",
    "Se hizo una chaqueta de cuero para la boda",
    "The server went down on her first day, poor thing",
    "The storm would hit that area by Friday",
    "Strap on your helmet for the bike-to-work day",
    "Don't be so hard on yourself, the demo was fine",
    "They gave him head of sales after the merger",
    "Giving head office a call about the budget",
    "Un cacho de pan con tomate para desayunar",
    "Cogí el autobús de las 7 para llegar a la reunión",
    "Tap that button twice to confirm",
    "A whack of new features in this release",
    "Save it as pics or as a PDF",
    "Luke is a jack of all trades and master of none",
    "Borra la caché del navegador y vuelve a entrar",
    "Rugby: our hooker scored twice in the scrum",
};

START_TEST(slang_in_ordinary_senses_is_not)
{
	tu_expect_clean(tu_scanner, "sexual: ordinary senses", "sexual", SLANG_NEGATIVES,
	                sizeof SLANG_NEGATIVES / sizeof *SLANG_NEGATIVES);
}
END_TEST

START_TEST(each_module_flags_alone_and_sends_to_review)
{
	static const struct {
		const char *module, *post, *words;
	} cases[] = {{"sexual-en", "who keeps sending dick pics?", "dick pics"},
	             {"sexual-es", "pillaron al becario viendo porno", "viendo porno"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char src[128];
		snprintf(src, sizeof src, "mesura: 1\ninclude: [builtin:%s]\n", cases[i].module);
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), "t", NULL, &d, NULL),
		                 MESURA_OK);
		mesura_diagnostics_free(d);
		mesura_scanner *s;
		ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
		tu_flagged one = {cases[i].post, cases[i].words};
		tu_expect_flagged(s, cases[i].module, "sexual", &one, 1, MESURA_ACTION_REVIEW);
		const mesura_result *r;
		ck_assert_int_eq(mesura_scan(s, cases[i].post, strlen(cases[i].post), 0, &r), MESURA_OK);
		ck_assert_int_eq(r->verdict, MESURA_ACTION_REVIEW);
		ck_assert_int_eq(mesura_result_finding_get(r, 0)->severity, MESURA_SEVERITY_MEDIUM);
		mesura_scanner_free(s);
		mesura_policy_free(p);
	}
}
END_TEST

static Suite *sexual_suite(void)
{
	Suite *s = suite_create("sexual");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, tu_default_setup, tu_default_teardown);
	tcase_add_test(tc, explicit_slang_is_flagged_over_its_words);
	tcase_add_test(tc, medical_anatomical_and_regional_words_are_not);
	tcase_add_test(tc, each_module_flags_alone_and_sends_to_review);
	tcase_add_test(tc, slang_by_family_and_country_is_flagged);
	tcase_add_test(tc, slang_in_ordinary_senses_is_not);
	tcase_add_test(tc, sexual_kinds_are_found_and_their_everyday_senses_are_not);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sexual_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
