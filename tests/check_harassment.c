/* builtin:harassment-en and builtin:harassment-es through the default policy, for what
 * issue 17 added: insults at a third person or a group of colleagues, threats and wishes
 * of harm, doxxing cues and mockery of protected traits. Each must be found as
 * `harassment` over its exact words; self-deprecation, praise, fiction, sport, things
 * and friendly referrals must not be. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

/* A post and the words that must be found as `harassment` (exactly that span). */
static const tu_flagged FLAGGED[] = {
    /* insults at a third person or a group, English */
    {"the new intern is an idiot, he deleted the shared drive", "the new intern is an idiot"},
    {"My coworkers are so lazy, nothing gets done", "My coworkers are so lazy"},
    {"honestly my boss is a complete waste of space", "my boss is a complete waste of space"},
    {"management is a joke here", "management is a joke"},
    {"she's such a bitch to the juniors", "she's such a bitch"},
    {"he is a useless clown", "he is a useless clown"},
    {"they're all idiots in that department", "they're all idiots"},
    {"The CLIENT is a MORON", "The CLIENT is a MORON"},
    {"our CTO is clueless, again", "our CTO is clueless"},
    {"th3 n3w 1ntern 1s an 1d10t", "th3 n3w 1ntern 1s an 1d10t"},
    {"What an idiot, he replied-all with the salaries", "What an idiot"},
    {"what a bunch of clowns, honestly", "what a bunch of clowns"},
    {"the clowns in procurement lost the PO again", "clowns in procurement"},
    {"Sarah in legal is an incompetent muppet", "Sarah in legal is an incompetent muppet"},
    {"@dan_w is a brainless twit", "@dan_w is a brainless twit"},
    {"Pathetic loser, @marco, can't even close a deal", "Pathetic loser, @marco"},
    {"I'll smash your face in if you take my parking spot", "I'll smash your face"},
    {"@jmartin is a useless clown", "@jmartin is a useless clown"},
    /* Spanish */
    {"el becario es un inútil, ha borrado la carpeta compartida", "el becario es un inútil"},
    {"mis compañeros son unos vagos, nadie contesta los tickets",
     "mis compañeros son unos vagos"},
    {"La de RRHH es una incompetente", "La de RRHH es una incompetente"},
    {"mi jefe está hecho un inútil", "mi jefe está hecho un inútil"},
    {"menudo inútil, otra vez tarde a la reunión", "menudo inútil"},
    {"qué pedazo de imbécil", "pedazo de imbécil"},
    {"Qué imbécil es el nuevo", "Qué imbécil"},
    {"vaya panda de inútiles los de sistemas", "vaya panda de inútiles"},
    {"el idiota de mi jefe ha cancelado las vacaciones", "el idiota de mi jefe"},
    {"la inútil de la becaria ha vuelto a llegar tarde", "la inútil de la becaria"},
    {"es un gilipollas, no le hagáis caso", "es un gilipollas"},
    {"Pelotudo el que diseñó este formulario", "Pelotudo el que"},
    {"La fea de contabilidad me ha rechazado los gastos", "La fea de contabilidad"},
    {"@pablo_r es tonto del culo", "@pablo_r es tonto del culo"},
    {"Ese cabrón se llevó mi tupper otra vez", "Ese cabrón"},
    /* threats and wishes of harm */
    {"ojalá te despidan mañana, pelota", "ojalá te despidan"},
    {"ojala os echen a todos", "ojala os echen"},
    {"Me voy a encargar de que te despidan", "Me voy a encargar de que te despidan"},
    {"te voy a hacer la vida imposible", "te voy a hacer la vida imposible"},
    {"te voy a partir la cara", "te voy a partir la cara"},
    {"sé dónde vives", "sé dónde vives"},
    {"I'll make sure you get fired for this, Dave", "I'll make sure you get fired"},
    {"I’ll get you fired", "I’ll get you fired"},
    {"hope you get fired tomorrow", "hope you get fired"},
    {"i'm gonna ruin your career", "i'm gonna ruin your career"},
    {"watch your back", "watch your back"},
    /* doxxing: both cues are findings */
    {"He fired half the team. Here's his address, go tell him what you think",
     "Here's his address"},
    {"He fired half the team. Here's his address, go tell him what you think",
     "tell him what you think"},
    {"su móvil es 612 345 678, reventadle el móvil 😈", "su móvil es"},
    {"This is where he lives: 22 Oak Avenue, Bristol. Pay him a visit", "22 Oak Avenue"},
    {"Spam this idiot: maria.gomez@yahoo.es, he deserves it", "maria.gomez@yahoo.es"},
    {"Nos ha despedido a todos. Esta es su dirección: calle Mayor 5. Ya sabéis lo que "
     "tenéis que hacer",
     "Ya sabéis lo que tenéis que hacer"},
    /* mockery of accent, disability, age */
    {"@raj learn to speak English before joining the call", "learn to speak English before"},
    {"the new guy talks like a retard lol", "talks like a retard"},
    {"she's too old to understand Slack, just let her retire", "she's too old to"},
    {"his accent is so ridiculous, nobody follows the standup",
     "his accent is so ridiculous"},
    {"ok grandpa, we'll explain TikTok again", "ok grandpa"},
    {"@kiran aprende a hablar español antes de entrar en la llamada",
     "aprende a hablar español"},
    {"el nuevo habla como un retrasado jajaja", "habla como un retrasado"},
    {"estás demasiado mayor para entender Slack", "estás demasiado mayor para"},
    {"el cojo ese siempre llega tarde", "el cojo ese"},
};

/* No harassment finding at all: self-deprecation, praise, things, fiction, sport,
 * friendly referrals, courses, wishes of luck. */
static const char *const CLEAN[] = {
    "I'm an idiot for forgetting the meeting 🤦",
    "I felt like an idiot when I forgot my badge",
    "what an idiot I am, left my badge at home",
    "this team is insanely good, proud of you all",
    "the new hire is a beast at Excel 💪",
    "Our new intern is a genius, hire her!",
    "He's a killer closer, 3 deals this week",
    "Our CEO is a legend",
    "the intern is stupid good at design",
    "these printers... they are useless",
    "They're idiot-proof, these new badges",
    "the plot is a joke but the villain is an idiot, great movie",
    "In the movie the boss is an idiot and it's hilarious",
    "my team is useless this season, another match lost ⚽",
    "what a joke of a meeting",
    "my manager is not an idiot, she listens",
    "Dostoevsky's The Idiot is our book club pick",
    "I'm too old for this, early night for me 😴",
    "Her accent is lovely, she's from Cork",
    "Our English course helps you learn to speak English with confidence",
    "Here's his number if you need a plumber, tell him I sent you",
    "She lives at the end of the street, go tell her the party's at 8 🎉",
    "Go tell him what you think of the draft, he loves feedback",
    "I'll make sure you get the invite",
    "Hope you get the job! 🤞",
    "I'd kill for a coffee right now ☕",
    "menudo idiota fui, me dejé las llaves",
    "y la tonta de mí se lo creyó",
    "Qué tonta soy, me dejé el portátil en casa",
    "el becario es un crack, gracias por todo 💪",
    "mi jefa es una máquina",
    "menudo crack está hecho el becario",
    "es un fenómeno, el mejor comercial del año",
    "el nuevo no es un inútil, solo necesita tiempo",
    "esta app es una basura",
    "es inútil intentarlo sin la VPN",
    "El idiota es una novela de Dostoievski",
    "mi equipo es un desastre esta temporada, otro partido perdido ⚽",
    "el tonto de turno siempre contesta a todos",
    "el pendejo del sistema no guarda nada",
    "vaya día llevo, menudo lunes",
    "Soy demasiado viejo para estas fiestas 😴",
    "Su acento canario me encanta",
    "Curso para aprender a hablar español con confianza",
    "Este es su número si necesitáis un fontanero, llamadle de mi parte",
    "Vive en la calle de al lado, id a verla cuando podáis, está sola",
    "Ojalá te den el puesto, te lo mereces 🤞",
    "Te vas a enterar de todo en el webinar del jueves",
    "El gordo de Navidad cayó en Sort otra vez",
    "Pay him a visit when you are in Bristol, he makes great coffee",
    "Sales are up 12% this quarter, great job team",
    "Este estúpido sistema no guarda nada",
    "Quien no sabe razonar es un tonto, decía mi abuelo",
    "Lemmings don't grow older, they just die",
    "The new director is clueless about cricket, so we taught him at lunch 🏏",
    "Write to me at ana.ruiz@gmail.com if you want the slides",
};

/* Insult words by register and region, each put by code into the frames that aim it
 * (second person, a colleague + copula, "what a", the voseo's "sos", "menudo"): every
 * post must be found as `harassment` over exactly the frame and the word. */
static const char *const EN_INSULTS[] = {
    "tosser", "knobhead", "bellend", "pillock", "plonker", "wazzock", "nitwit", "dunce",
    "buffoon", "oaf", "cretin", "simpleton", "nincompoop", "doofus", "dingbat",
    "numbskull", "bonehead", "meathead", "blockhead", "knucklehead", "airhead", "nutjob",
    "nutcase", "nutter", "douchebag", "douche", "dipshit", "dumbfuck", "fuckwit", "fucktard",
    "shithead", "dirtbag", "sleazebag", "slimeball", "lowlife", "scrote", "toerag",
    "gobshite", "eejit", "drongo", "cockwomble", "twatwaffle", "jackass", "dickwad",
    "asshat", "assclown", "skank", "bimbo", "hypocrite", "weirdo", "pervert",
    "weasel", "parasite", "bootlicker", "bastard", "degenerate", "ignoramus", "lunatic",
    "slob", "fatass", "lardass"};
/* article + word: the Spanish frames agree in gender */
static const char *const ES_INSULTS[] = {
    "un zopenco", "una mentecata", "un majadero", "un botarate", "un cenutrio", "un ceporro",
    "un berzotas", "un merluzo", "un pazguato", "un papanatas", "un tontolaba",
    "un tontolculo", "una tontaina", "un bocazas", "un cantamañanas", "un gañán",
    "un garrulo", "una palurda", "un cazurro", "un mamarracho", "un lameculos", "un chivato",
    "una mierdecilla", "un mequetrefe", "una sabandija", "un gandul", "una holgazana",
    "un caradura", "un canalla", "un rastrero", "un pelele", "un calzonazos",
    "un soplapollas", "un comemierda", "un cagón", "una malnacida", "un malparido",
    "un baboso", "un menso", "un ojete", "un gandalla", "un lambiscón", "una hocicona",
    "un metiche", "un otario", "un chanta", "un garca", "un sorete", "un chupamedias",
    "un alcahuete", "un buchón", "un ortiva", "un aweonao", "un ahuevonado", "un pelmazo",
    "un gonorrea", "un pirobo", "una lambona", "un patán", "una conchuda", "un lorna",
    "un sonso", "un pajúo", "un jalabolas", "un mamagüevo", "una guarra", "una furcia",
    "un descerebrado", "un impresentable", "un indeseable", "un despreciable", "un fantoche",
    "un energúmeno", "una hipócrita", "un pervertido", "un gil"};

/* Frames: printf formats with one %s (the insult) and the part of the post that must be
 * the finding, also with %s. */
typedef struct {
	const char *post, *words;
} frame;

static const frame EN_FRAMES[] = {
    {"honestly you're such a %s, Dave", "you're such a %s"},
    {"@kim_p you absolute %s", "you absolute %s"},
    {"the new intern is a total %s, he deleted the drive", "the new intern is a total %s"},
    {"What a %s, he replied-all again", "What a %s"},
};
static const frame ES_FRAMES[] = {
    {"eres %s, lee el correo", "eres %s"},
    {"vos sos %s, che", "vos sos %s"},
    {"el becario es %s, ha borrado la carpeta", "el becario es %s"},
};

static void expect_frames(const char *name, const frame *frames, size_t nframes,
                          const char *const *words, size_t nwords, int english)
{
	size_t n = nframes * nwords, k = 0;
	tu_flagged *posts = calloc(n, sizeof *posts);
	char *pool = malloc(n * 256);
	ck_assert(posts && pool);
	for (size_t f = 0; f < nframes; f++)
		for (size_t w = 0; w < nwords; w++, k++) {
			char word[64];
			/* "a" becomes "an" before a vowel in the English frames */
			int vowel = english && strchr("aeiou", words[w][0]) != NULL;
			snprintf(word, sizeof word, "%s", words[w]);
			char *post = pool + k * 256, *span = post + 160;
			char fmt_post[160], fmt_span[96];
			snprintf(fmt_post, sizeof fmt_post, "%s", frames[f].post);
			snprintf(fmt_span, sizeof fmt_span, "%s", frames[f].words);
			if (vowel) {
				char *a = strstr(fmt_post, " a %s"), *b = strstr(fmt_span, " a %s");
				if (a && b) {
					memmove(a + 3, a + 2, strlen(a + 2) + 1), a[2] = 'n', a[3] = ' ';
					memmove(b + 3, b + 2, strlen(b + 2) + 1), b[2] = 'n', b[3] = ' ';
				}
			}
			snprintf(post, 160, fmt_post, word);
			snprintf(span, 96, fmt_span, word);
			posts[k].post = post;
			posts[k].words = span;
		}
	tu_expect_flagged(tu_scanner, name, "harassment", posts, n, MESURA_ACTION_REVIEW);
	free(pool);
	free(posts);
}

START_TEST(insult_words_by_region_are_found_in_every_frame)
{
	expect_frames("harassment: English insults by register", EN_FRAMES,
	              sizeof EN_FRAMES / sizeof *EN_FRAMES, EN_INSULTS,
	              sizeof EN_INSULTS / sizeof *EN_INSULTS, 1);
	expect_frames("harassment: Spanish insults by region", ES_FRAMES,
	              sizeof ES_FRAMES / sizeof *ES_FRAMES, ES_INSULTS,
	              sizeof ES_INSULTS / sizeof *ES_INSULTS, 0);
}
END_TEST

/* Threats by verb family and construction, each in a post: found over exactly the
 * phrase. The Spanish ones are built from the families and the pronouns each takes. */
static const char *const EN_THREATS[] = {
    "your days are numbered", "you’ll get what’s coming to you", "I'm coming for you",
    "I will hunt you down", "put you in the hospital", "go drink bleach",
    "be a shame if something happened to", "you don't know who you're messing with",
    "snitches get stitches", "hope you rot", "nobody would miss you", "go hang yourself",
    "I'll bash your head in", "I'm going to knock your teeth out", "I will end you",
    "we'll hunt him down", "I'll slash your tyres", "I'll burn your house down",
    "I'm gonna gut you", "i'll deck him"};
static const char *const ES_THREAT_VERBS[] = {
    "partir la madre", "romper la boca", "saltar los dientes", "abrir la cabeza",
    "romper la crisma", "dar de hostias", "meter una hostia", "dar un guantazo",
    "dar una madriza", "sacar la chucha", "sacar la cresta", "cortar el cuello"};
static const char *const ES_THREAT_MORE[] = {
    "te cago a palos", "lo voy a apuñalar", "te hago mierda", "te meto un tiro",
    "te voy a dar piso", "ojalá te pudras", "púdrete", "tírate por un puente",
    "tienes los días contados", "esto te va a salir caro", "te vas a acordar de mí",
    "no sabes con quién te metes", "sería una pena que te pasara algo",
    "voy a partirte la cara", "voy a matarte"};

START_TEST(threats_by_verb_family_are_found)
{
	enum { MAXP = 128 };
	static char pool[MAXP][2][128];
	tu_flagged posts[MAXP];
	size_t n = 0;
	for (size_t i = 0; i < sizeof EN_THREATS / sizeof *EN_THREATS; i++, n++) {
		snprintf(pool[n][0], 128, "@marc_t %s 😡", EN_THREATS[i]);
		snprintf(pool[n][1], 128, "%s", EN_THREATS[i]);
	}
	static const char *const forms[] = {"te voy a %s", "le parto %s", "os vamos a %s"};
	for (size_t i = 0; i < sizeof ES_THREAT_VERBS / sizeof *ES_THREAT_VERBS; i++)
		for (size_t f = 0; f < 3; f++, n++) {
			char phrase[96];
			const char *verb = ES_THREAT_VERBS[i];
			if (f == 1) {
				/* first person present: "parto la madre", "rompo la boca"... */
				static const char *const inf[] = {"partir", "romper", "saltar", "abrir",
				                                  "romper", "dar", "meter", "dar", "dar",
				                                  "sacar", "sacar", "cortar"};
				static const char *const pres[] = {"parto", "rompo", "salto", "abro",
				                                   "rompo", "doy", "meto", "doy", "doy",
				                                   "saco", "saco", "corto"};
				snprintf(phrase, sizeof phrase, "le %s%s", pres[i], verb + strlen(inf[i]));
			} else
				snprintf(phrase, sizeof phrase, forms[f], verb);
			snprintf(pool[n][0], 128, "Como vuelvas a hacerlo %s 😡", phrase);
			snprintf(pool[n][1], 128, "%s", phrase);
		}
	for (size_t i = 0; i < sizeof ES_THREAT_MORE / sizeof *ES_THREAT_MORE; i++, n++) {
		snprintf(pool[n][0], 128, "@pepe_g %s, ya te lo digo", ES_THREAT_MORE[i]);
		snprintf(pool[n][1], 128, "%s", ES_THREAT_MORE[i]);
	}
	ck_assert_uint_le(n, MAXP);
	for (size_t i = 0; i < n; i++)
		posts[i] = (tu_flagged){pool[i][0], pool[i][1]};
	tu_expect_flagged(tu_scanner, "harassment: threats by verb family", "harassment", posts, n,
	                  MESURA_ACTION_REVIEW);
}
END_TEST

/* The same verbs and places said of things, games and friends. */
static const char *const THREAT_NEGATIVES[] = {
    "See you outside the cinema at 8!",
    "I'll beat you at chess again tonight",
    "I'll cut you a slice of the cake",
    "I'll burn you a copy of the slides",
    "I'll kick you off the call if you're late 😂",
    "we'll bury them in paperwork, lol",
    "Don't drink bleach, says the health agency",
    "Meet me in the parking lot after work, I'll drive us to the party",
    "I'll end the meeting early today",
    "kill the process and restart the bash script",
    "Te espero fuera del cine a las 8",
    "nos vemos a la salida del metro",
    "ese proceso lo voy a matar, consume toda la memoria",
    "le pego un tiro a puerta y gol",
    "le saco la mugre a la alfombra el sábado",
    "ojalá te vaya bien en la entrevista",
    "sos un genio, gracias",
    "eres un crack, @pepe",
    "la merluza es un pescado blanco",
    "Mi abuelo era un lector incansable",
};

START_TEST(threat_verbs_said_of_things_are_not)
{
	tu_expect_clean(tu_scanner, "harassment: verbs said of things", "harassment",
	                THREAT_NEGATIVES, sizeof THREAT_NEGATIVES / sizeof *THREAT_NEGATIVES);
}
END_TEST

/* The kinds the blind batch showed missing (docs/default-policy.md, "What is missed, by
 * kind"), written here as constructions, not as its posts: a colleague named or "he/she"
 * + an animal or object metaphor ("Kevin is a snake", "es una víbora", "la bruja de mi
 * jefa", "el imbécil de Juan"), threats with other subjects and blows ("gonna break his
 * jaw", "you'll regret crossing me"), wishes of death, illness or accident ("hope he gets
 * cancer", "ojalá le dé un infarto"), mockery of a stutter, a lisp or a limp, exclusion
 * campaigns ("let's all ignore her", "no la invitéis"), and an insult whose swear word
 * alone was found only as profanity ("al gilipollas de mi jefe"). */
static const tu_flagged KINDS[] = {
    {"su acento es ridículo, no se le entiende nada", "su acento es ridículo"},
    {"el jefe es un trepa de cuidado", "es un trepa"},
    {"everyone should ignore him until he apologises", "everyone should ignore him"},
    {"te voy a partir tu madre, cabrón", "te voy a partir tu madre"},
    {"le parto la jeta al de compras", "le parto la jeta"},
    {"el nuevo es un sapo, le cuenta todo al jefe", "es un sapo"},
    {"es una culebra, no te fíes", "es una culebra"},
    {"hope someone kills him on the way home", "hope someone kills him"},
    {"Kevin is a snake, never trust him with a deadline", "Kevin is a snake"},
    {"honestly Mark is such a fucking moron", "Mark is such a fucking moron"},
    {"Dave's a moron, he deleted prod again", "Dave's a moron"},
    {"our new manager is a leech, takes credit for everything", "our new manager is a leech"},
    {"Laura is a two-faced snake", "Laura is a two-faced snake"},
    {"that lying rat in accounts reported me", "that lying rat"},
    {"my boss is a joke of a human being", "my boss is a joke of a human being"},
    {"Tom is a waste of oxygen", "Tom is a waste of oxygen"},
    {"he's a total leech", "he's a total leech"},
    {"she is a viper", "she is a viper"},
    {"Gary is a sorry excuse for a manager", "Gary is a sorry excuse for a manager"},
    {"she's a pig", "she's a pig"},
    {"I'm going to slash his tyres tonight", "I'm going to slash his tyres"},
    {"imma break his jaw when I see him", "imma break his jaw"},
    {"someone needs to slash her tires", "someone needs to slash her tires"},
    {"I swear I'll break his jaw", "I'll break his jaw"},
    {"I will end you", "I will end you"},
    {"imma end you", "imma end you"},
    {"you'll regret this", "you'll regret this"},
    {"you're going to regret crossing me", "you're going to regret crossing"},
    {"he'll regret the day he hired me", "he'll regret the day"},
    {"I hope you get cancer", "hope you get cancer"},
    {"hope he gets cancer and dies", "hope he gets cancer"},
    {"I hope she gets hit by a truck", "hope she gets hit by a truck"},
    {"hope your kids get sick", "hope your kids get sick"},
    {"hope he dies in a car crash", "hope he dies"},
    {"I hope you die slowly", "hope you die"},
    {"wish he would drop dead", "wish he would drop dead"},
    {"I hope that bitch gets run over", "hope that bitch gets run over"},
    {"his stutter is hilarious, took him 5 minutes to say hello", "his stutter is hilarious"},
    {"everyone laughs at her lisp", "laughs at her lisp"},
    {"mocking his limp all the way to the canteen", "mocking his limp"},
    {"let's all ignore her tomorrow", "let's all ignore her"},
    {"nobody talk to him at the party", "nobody talk to him"},
    {"let's freeze him out until he quits", "freeze him out"},
    {"give her the silent treatment, she deserves it", "give her the silent treatment"},
    {"leave him out of the group chat", "leave him out of the group chat"},
    {"such a fucking moron, @kevin", "fucking moron, @kevin"},
    {"What a fucking moron, Dave sent it to everyone", "What a fucking moron"},
    {"Kevin, you absolute muppet", "you absolute muppet"},
    {"Marta es una víbora, no le contéis nada", "es una víbora"},
    {"el jefe es una rata, se queda con las propinas", "es una rata"},
    {"la de contabilidad es una bruja", "es una bruja"},
    {"Lucía es una cotorra insoportable", "es una cotorra"},
    {"el nuevo es un trepa", "es un trepa"},
    {"la víbora de mi jefa me ha vuelto a pisar el proyecto", "la víbora de mi jefa"},
    {"al gilipollas de mi jefe le han ascendido", "al gilipollas de mi jefe"},
    {"el imbécil de Juan ha vuelto a romper el build", "el imbécil de Juan"},
    {"Juan es un parásito", "es un parásito"},
    {"es una sanguijuela, vive de los demás", "es una sanguijuela"},
    {"ojalá le dé un cáncer", "ojalá le dé un cáncer"},
    {"ojalá se muera de cáncer el cabrón de mi jefe", "ojalá se muera"},
    {"ojalá te mueras de una vez", "ojalá te mueras"},
    {"ojalá pille el covid y no vuelva", "ojalá pille el covid"},
    {"que se muera, nadie lo va a echar de menos", "que se muera"},
    {"todos se ríen de su tartamudez", "ríen de su tartamudez"},
    {"imitando su ceceo en la reunión jajaja", "imitando su ceceo"},
    {"el tartamudo no sabe ni presentarse", "el tartamudo no sabe"},
    {"no la invitéis a la cena de Navidad", "no la invitéis"},
    {"vamos a hacerle el vacío hasta que se vaya", "vamos a hacerle el vacío"},
    {"que nadie le hable mañana", "que nadie le hable"},
    {"ignoradla en el grupo", "ignoradla"},
    {"sacadla del grupo de WhatsApp, nadie la aguanta", "sacadla del grupo"},
};

/* Their innocent neighbours: real animals and plants, praise, wishes of recovery, a
 * therapy, an agenda, an invitation not yet sent, a marketing "you'll regret". */
static const char *const KINDS_CLEAN[] = {
    "su voz es muy bonita, canta en el coro",
    "everyone should ignore spam emails",
    "el sapo del jardín es enorme",
    "ese sapo salta mucho",
    "Yo era un cerdo comiendo, ahora me cuido",
    "Un chiste para que se mueran rabiosos los envidiosos",
    "The python is a snake, not a lizard",
    "This is a snake plant, very easy to care for",
    "It is a rat race out there",
    "Life is a joke sometimes",
    "My dog is a pig when it comes to food",
    "Python is a great language",
    "Not everyone who makes a mistake is an idiot",
    "Nobody is an idiot here, we all learn",
    "Kevin is a star, thanks for the help",
    "Mark is an idiot-proof tool for expenses",
    "The villain in the movie is a snake",
    "Slash the price by 20% and we win",
    "I'll break the news tomorrow",
    "I'll end the call at 5",
    "You'll regret missing this sale, book now",
    "You won't regret it, the course is great",
    "I hope you get the job",
    "hope he gets better soon, the surgery went well",
    "I hope she gets the promotion",
    "Raising money for cancer research, hope you donate",
    "She overcame her stutter and now gives keynotes",
    "Speech therapy for children with a lisp",
    "let's ignore the noise and ship it",
    "don't invite her yet, the date isn't confirmed",
    "leave him out of the email, he's on holiday",
    "I'm an idiot for forgetting",
    "the rat in the basement is back, call pest control",
    "rat poison in the warehouse",
    "La víbora es una serpiente venenosa",
    "la rata de laboratorio murió en el experimento",
    "Mi hermano es un ratón de biblioteca",
    "el cerdo ibérico es un orgullo nacional",
    "Este cerdo es un cerdo vietnamita",
    "Marta es una crack",
    "ojalá te den el puesto",
    "ojalá se mejore pronto tu madre",
    "ojalá llueva mañana",
    "Curso de logopedia para la tartamudez",
    "Mi hijo tiene ceceo y va a la logopeda",
    "no la invitéis todavía, aún no hay fecha",
    "le parto el pan a mi hijo",
    "Hope you get well soon!",
    "hope she gets better after the operation",
    "I wish you all the best in the new job",
    "hope they get the contract, fingers crossed",
    "Our new manager is a star, so supportive",
    "She's a rockstar at negotiations",
    "Tom's a great guy",
    "The pig roast is on Friday",
    "Snakes and ladders at the team offsite",
    "ojalá se recupere pronto",
    "que se mejore tu madre",
    "Mi abuela es una bruja de la cocina, nadie cocina mejor",
    "Me corté el pelo y parezco una cotorra, jaja",
    "Le he puesto un trepa a la planta del balcón",
    "no les habléis ahora, están en una reunión",
    "Vamos a hacerle un hueco en la agenda",
    "El vaso está medio vacío",
    "Ignorad el correo anterior, era un error",
    "She stutters when she is nervous and that's fine",
    "The accent is on the second syllable",
};

/* Metaphors said only of people, each in three frames: all found over the frame. */
static const char *const EN_METAPHORS[] = {"snake", "leech", "viper", "rat", "weasel", "cockroach",
                                           "backstabber", "waste of oxygen", "joke of a human being",
                                           "sorry excuse for a manager"};
static const char *const ES_METAPHORS[] = {"una víbora", "una rata", "una bruja",
                                           "una cotorra", "un trepa", "un parásito", "una sanguijuela",
                                           "una arpía", "una lagarta", "una hiena", "un buitre",
                                           "un pelota", "una lapa", "una garrapata", "una cucaracha"};
static const frame EN_METAPHOR_FRAMES[] = {
    {"Kevin is a %s, never trust him", "Kevin is a %s"},
    {"honestly my boss is such a %s", "my boss is such a %s"},
    {"she's a total %s and everyone knows it", "she's a total %s"},
};
static const frame ES_METAPHOR_FRAMES[] = {
    {"Marta es %s, no le contéis nada", "es %s"},
    {"el nuevo de sistemas es %s y lo sabe todo el mundo", "es %s"},
    {"tu jefa es %s, avisado quedas", "es %s"},
};

START_TEST(harassment_kinds_are_found_and_their_innocent_senses_are_not)
{
	tu_expect_flagged(tu_scanner, "harassment: kinds", "harassment", KINDS,
	                  sizeof KINDS / sizeof *KINDS, MESURA_ACTION_REVIEW);
	tu_expect_clean(tu_scanner, "harassment: kinds, innocent senses", "harassment", KINDS_CLEAN,
	                sizeof KINDS_CLEAN / sizeof *KINDS_CLEAN);
}
END_TEST

START_TEST(metaphors_said_of_people_are_found_in_every_frame)
{
	expect_frames("harassment: English metaphors", EN_METAPHOR_FRAMES, 3, EN_METAPHORS,
	              sizeof EN_METAPHORS / sizeof *EN_METAPHORS, 1);
	expect_frames("harassment: Spanish metaphors", ES_METAPHOR_FRAMES, 3, ES_METAPHORS,
	              sizeof ES_METAPHORS / sizeof *ES_METAPHORS, 0);
}
END_TEST

START_TEST(aimed_insults_threats_doxxing_and_mockery_are_flagged)
{
	tu_expect_flagged(tu_scanner, "harassment: flagged", "harassment", FLAGGED,
	                  sizeof FLAGGED / sizeof *FLAGGED, MESURA_ACTION_REVIEW);
}
END_TEST

START_TEST(self_deprecation_praise_fiction_and_referrals_are_not)
{
	tu_expect_clean(tu_scanner, "harassment: hard negatives", "harassment", CLEAN, sizeof CLEAN / sizeof *CLEAN);
}
END_TEST

/* Doxxing needs both cues: an address alone, or a call to act alone, is not. */
START_TEST(doxxing_needs_both_cues)
{
	static const char *const halves[] = {
	    "Here's his address for the wedding invitations",
	    "Go tell him what you think, he is waiting for feedback",
	    "Esta es su dirección para las invitaciones de la boda",
	    "Ya sabéis lo que tenéis que hacer: votad en la encuesta"};
	for (size_t i = 0; i < sizeof halves / sizeof *halves; i++) {
		const mesura_result *r;
		ck_assert_int_eq(mesura_scan(tu_scanner, halves[i], strlen(halves[i]), 0, &r), MESURA_OK);
		ck_assert_msg(!tu_has_category(r, "harassment"), "flagged: %s", halves[i]);
	}
	const char *both = "Here's his address for the wedding invitations. Go tell him what "
	                   "you think";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(tu_scanner, both, strlen(both), 0, &r), MESURA_OK);
	ck_assert(tu_has_category(r, "harassment"));
}
END_TEST

static Suite *harassment_suite(void)
{
	Suite *s = suite_create("harassment");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, tu_default_setup, tu_default_teardown);
	tcase_add_test(tc, aimed_insults_threats_doxxing_and_mockery_are_flagged);
	tcase_add_test(tc, self_deprecation_praise_fiction_and_referrals_are_not);
	tcase_add_test(tc, doxxing_needs_both_cues);
	tcase_add_test(tc, insult_words_by_region_are_found_in_every_frame);
	tcase_add_test(tc, threats_by_verb_family_are_found);
	tcase_add_test(tc, threat_verbs_said_of_things_are_not);
	tcase_add_test(tc, harassment_kinds_are_found_and_their_innocent_senses_are_not);
	tcase_add_test(tc, metaphors_said_of_people_are_found_in_every_frame);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(harassment_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
