/* builtin:pii breadth (issue 16): numbers of every family generated here, valid by
 * construction (check digits computed by this file's own code, never by asking a
 * validator), put into English and Spanish posts and screened with the default policy.
 * Each valid number must be found with its exact span; each near-valid twin (a check
 * digit changed, a length one short, the context word taken away, a placeholder) must
 * leave the post clean in that category. Cards also sit next to a second card, an
 * expiry date and a CVV, before and after. Prints recall and false positives per
 * family. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

#define PER_FAMILY 200

static const mesura_result *scan(const char *text)
{
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(tu_scanner, text, strlen(text), 0, &r), MESURA_OK);
	return r;
}


typedef struct {
	const char *family, *category;
	size_t valid, found, invalid, flagged;
} tally;

static void report(const tally *t)
{
	printf("pii: %-22s valid %4zu/%-4zu found, near-valid %zu/%zu flagged\n", t->family,
	       t->found, t->valid, t->flagged, t->invalid);
	ck_assert_msg(t->found == t->valid, "%s: %zu of %zu valid numbers missed", t->family,
	              t->valid - t->found, t->valid);
	ck_assert_msg(t->flagged == 0, "%s: %zu near-valid numbers flagged", t->family, t->flagged);
	ck_assert_uint_gt(t->valid, 0);
	ck_assert_uint_gt(t->invalid, 0);
}

/* "prefix VALUE suffix" must have a finding of the category exactly over VALUE. */
static void expect_found(tally *t, const char *prefix, const char *value, const char *suffix)
{
	char post[400];
	snprintf(post, sizeof post, "%s%s%s", prefix, value, suffix);
	const mesura_result *r = scan(post);
	size_t start = strlen(prefix), end = start + strlen(value);
	t->valid++;
	if (tu_has_finding(r, t->category, start, end))
		t->found++;
	else if (t->valid - t->found <= 5)
		fprintf(stderr, "  missed %s: \"%s\" in: %s\n", t->family, value, post);
}

/* The post must have no finding of the category at all. */
static void expect_clean(tally *t, const char *prefix, const char *value, const char *suffix)
{
	char post[400];
	snprintf(post, sizeof post, "%s%s%s", prefix, value, suffix);
	const mesura_result *r = scan(post);
	t->invalid++;
	if (tu_has_category(r, t->category)) {
		t->flagged++;
		if (t->flagged <= 5)
			fprintf(stderr, "  flagged %s: \"%s\" in: %s\n", t->family, value, post);
	}
}

static char digit(tu_rng *rng)
{
	return (char)('0' + tu_rng_below(rng, 10));
}

static void digits(tu_rng *rng, char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = digit(rng);
}

static char letter(tu_rng *rng)
{
	return (char)('A' + tu_rng_below(rng, 26));
}

/* Fills a pattern: '#' a random digit, 'N' a digit 2-9, 'L' a letter; others kept. */
static void fill(tu_rng *rng, const char *pattern, char *out)
{
	for (; *pattern; pattern++, out++)
		*out = *pattern == '#'   ? digit(rng)
		       : *pattern == 'N' ? (char)('2' + tu_rng_below(rng, 8))
		       : *pattern == 'L' ? letter(rng)
		                         : *pattern;
	*out = '\0';
}

/* Replaces the last digit of s by the next one (a check digit made wrong). */
static void bump_last_digit(char *s)
{
	for (size_t i = strlen(s); i-- > 0;)
		if (s[i] >= '0' && s[i] <= '9') {
			s[i] = (char)('0' + (s[i] - '0' + 1) % 10);
			return;
		}
}

/* ------------------------------------------------------------ cards */

static char luhn_check(const char *body, size_t n)
{
	static const int twice[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = body[n - 1 - i] - '0';
		sum += i % 2 == 0 ? twice[d] : d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

typedef struct {
	const char *prefix;
	size_t len;
	const char *grouping; /* group sizes, "" for compact only */
} brand;

static const brand BRANDS[] = {
	{"4", 16, "4444"},    {"4", 13, ""},        {"4", 19, ""},        {"51", 16, "4444"},
	{"55", 16, "4444"},   {"2221", 16, "4444"}, {"2720", 16, "4444"}, {"2200", 16, "4444"},
	{"2204", 16, "4444"}, {"34", 15, "465"},    {"37", 15, "465"},    {"300", 14, "464"},
	{"305", 14, "464"},   {"36", 14, "464"},    {"38", 14, "464"},    {"3528", 16, "4444"},
	{"3589", 16, "4444"}, {"6011", 16, "4444"}, {"65", 16, "4444"},   {"644", 16, "4444"},
	{"62", 16, "4444"},   {"62", 19, ""},       {"6759", 16, "4444"}, {"5018", 16, "4444"},
	{"60", 16, "4444"},   {"81", 16, "4444"},   {"82", 16, "4444"},   {"508", 16, "4444"},
	{"9792", 16, "4444"}, {"1", 15, "456"},
};
#define N_BRANDS (sizeof BRANDS / sizeof *BRANDS)

/* A card of brand b in its printed grouping (or compact), with separator sep. */
static void make_card(tu_rng *rng, const brand *b, char sep, char *out)
{
	char d[20];
	size_t p = strlen(b->prefix);
	memcpy(d, b->prefix, p);
	digits(rng, d + p, b->len - 1 - p);
	d[b->len - 1] = luhn_check(d, b->len - 1);
	size_t at = 0, from = 0;
	if (sep == 0 || b->grouping[0] == '\0') {
		memcpy(out, d, b->len);
		out[b->len] = '\0';
		return;
	}
	for (const char *g = b->grouping; *g; g++) {
		if (from)
			out[at++] = sep;
		size_t n = (size_t)(*g - '0');
		memcpy(out + at, d + from, n);
		at += n;
		from += n;
	}
	out[at] = '\0';
}

START_TEST(cards_of_every_range_and_grouping)
{
	static const char seps[] = {0, ' ', '-', '.'};
	static const char *const pre[] = {"Mi tarjeta es ", "card number: ", "Pagué con la ",
	                                  "Charge it to "};
	static const char *const post[] = {", ¿me hacéis el cargo?", " thanks", "", " 🙏"};
	tally t = {"cards", "pii.payment_card", 0, 0, 0, 0};
	tu_rng rng = {0xca4d};
	char card[40];
	for (size_t b = 0; b < N_BRANDS; b++)
		for (size_t k = 0; k < PER_FAMILY / 20; k++) {
			char sep = seps[tu_rng_below(&rng, 4)];
			make_card(&rng, &BRANDS[b], sep, card);
			size_t ctx = tu_rng_below(&rng, 4);
			expect_found(&t, pre[ctx], card, post[ctx]);
			bump_last_digit(card);
			expect_clean(&t, pre[ctx], card, post[ctx]);
		}
	report(&t);
}
END_TEST

/* A card stays found next to what is printed with it: a second card, an expiry date, a
 * CVV, before or after. */
START_TEST(cards_whatever_is_around_them)
{
	tally t = {"cards in company", "pii.payment_card", 0, 0, 0, 0};
	tu_rng rng = {0x2ca4d};
	char a[40], b[40], post[200];
	for (size_t k = 0; k < PER_FAMILY; k++) {
		const brand *ba = &BRANDS[tu_rng_below(&rng, N_BRANDS)];
		const brand *bb = &BRANDS[tu_rng_below(&rng, N_BRANDS)];
		char sep = " -."[tu_rng_below(&rng, 3)];
		make_card(&rng, ba, tu_rng_below(&rng, 2) ? sep : 0, a);
		make_card(&rng, bb, tu_rng_below(&rng, 2) ? sep : 0, b);
		/* Two cards, one space apart: both found. */
		snprintf(post, sizeof post, "tarjetas %s %s", a, b);
		const mesura_result *r = scan(post);
		size_t s1 = strlen("tarjetas "), s2 = s1 + strlen(a) + 1;
		t.valid += 2;
		t.found += (size_t)tu_has_finding(r, t.category, s1, s1 + strlen(a)) +
		           (size_t)tu_has_finding(r, t.category, s2, s2 + strlen(b));
		if (!tu_has_finding(r, t.category, s1, s1 + strlen(a)) ||
		    !tu_has_finding(r, t.category, s2, s2 + strlen(b)))
			fprintf(stderr, "  missed a pair: %s\n", post);
		expect_found(&t, "card ", a, " exp 12/27 cvv 123");
		expect_found(&t, "tarjeta ", a, " 09/2028 123");
		expect_found(&t, "CVV 123 ", a, "");
		expect_found(&t, "caduca 12/27 ", a, " gracias");
		expect_found(&t, "cvc 4821, ", a, ".");
		/* Near-valid: the check digit changed, or a fifth group of four after a
		 * printed 4-4-4-4 card (a longer account number). */
		bump_last_digit(a);
		expect_clean(&t, "card ", a, " exp 12/27 cvv 123");
	}
	char grouped[40];
	for (size_t k = 0; k < PER_FAMILY / 4; k++) {
		make_card(&rng, &BRANDS[0], ' ', grouped);
		expect_clean(&t, "account ", grouped, " 2027 1234");
	}
	report(&t);
}
END_TEST

/* Odd groupings and other separators, next to a card word: found; the same digits after
 * a reference word: clean. */
START_TEST(cards_grouped_oddly)
{
	static const char *const groupings[] = {"4,8,4", "8,8", "4,4,8", "4,12", "6,4,6",
	                                        "4,4,4,4"};
	static const char *const seps[] = {" ", "/", "_", "\t", "  "};
	tally t = {"cards grouped oddly", "pii.payment_card", 0, 0, 0, 0};
	tu_rng rng = {0x0dd};
	char d[20], card[64];
	for (size_t k = 0; k < PER_FAMILY; k++) {
		memcpy(d, "4", 1);
		digits(&rng, d + 1, 14);
		d[15] = luhn_check(d, 15);
		const char *g = groupings[tu_rng_below(&rng, 6)];
		const char *sep = seps[tu_rng_below(&rng, 5)];
		if (strcmp(g, "4,4,4,4") == 0 && (sep[0] == ' ' && sep[1] == '\0'))
			sep = "/"; /* the printed form is the other rule's */
		size_t at = 0, from = 0;
		for (const char *p = g; *p; p++) {
			if (*p == ',')
				continue;
			size_t n = (size_t)strtoul(p, NULL, 10);
			while (p[1] >= '0' && p[1] <= '9')
				p++;
			if (from) {
				memcpy(card + at, sep, strlen(sep));
				at += strlen(sep);
			}
			memcpy(card + at, d + from, n);
			at += n;
			from += n;
		}
		card[at] = '\0';
		expect_found(&t, k % 2 ? "Mi tarjeta: " : "card number ", card, " caduca 12/27");
		expect_clean(&t, k % 2 ? "Referencia " : "Order ref ", card, " enviado");
		bump_last_digit(card);
		expect_clean(&t, "Mi tarjeta: ", card, "");
	}
	report(&t);
}
END_TEST

/* ------------------------------------------------------------ IBAN */

static int iban_check_digits(const char *country, const char *bban)
{
	char moved[80];
	snprintf(moved, sizeof moved, "%s%s00", bban, country);
	unsigned rem = 0;
	for (const char *c = moved; *c; c++)
		rem = *c >= '0' && *c <= '9' ? (rem * 10 + (unsigned)(*c - '0')) % 97
		                             : (rem * 100 + (unsigned)(*c - 'A' + 10)) % 97;
	return (int)(98 - rem);
}

/* An IBAN of country cc with a BBAN of n digits, printed in fours with `sep` (one or
 * two of them when odd spacing is asked). */
static void make_iban(tu_rng *rng, const char *cc, size_t n, const char *sep, int odd,
                      int wrong, char *out)
{
	char bban[40], compact[64];
	digits(rng, bban, n);
	bban[n] = '\0';
	int check = iban_check_digits(cc, bban) + (wrong ? 1 : 0);
	if (check > 98)
		check = 2;
	snprintf(compact, sizeof compact, "%s%02d%s", cc, check, bban);
	size_t at = 0, len = strlen(compact);
	for (size_t i = 0; i < len; i++) {
		if (i && i % 4 == 0) {
			size_t k = strlen(sep);
			memcpy(out + at, sep, k);
			at += k;
			if (odd && tu_rng_below(rng, 2))
				out[at++] = ' ';
		}
		out[at++] = compact[i];
	}
	out[at] = '\0';
}

START_TEST(ibans_with_any_separator)
{
	static const struct {
		const char *cc;
		size_t bban;
	} countries[] = {{"ES", 20}, {"DE", 18}, {"PT", 21}, {"PL", 24}, {"AT", 16}, {"BE", 12}};
	static const char *const seps[] = {" ", "-", ".", ""};
	static const char *const pre[] = {"Transferencia a ", "IBAN: ", "my account ", "cuenta "};
	static const char *const post[] = {", gracias!", "gracias", " thanks", "."};
	tally t = {"IBAN", "pii.iban", 0, 0, 0, 0};
	tu_rng rng = {0x1ba2};
	char iban[80];
	for (size_t k = 0; k < PER_FAMILY; k++) {
		size_t c = tu_rng_below(&rng, sizeof countries / sizeof *countries);
		const char *sep = seps[tu_rng_below(&rng, 4)];
		int odd = sep[0] == ' ' && tu_rng_below(&rng, 2);
		size_t ctx = tu_rng_below(&rng, 4);
		uint64_t state = rng.state;
		make_iban(&rng, countries[c].cc, countries[c].bban, sep, odd, 0, iban);
		expect_found(&t, pre[ctx], iban, post[ctx]);
		rng.state = state;
		make_iban(&rng, countries[c].cc, countries[c].bban, sep, odd, 1, iban);
		expect_clean(&t, pre[ctx], iban, post[ctx]);
	}
	report(&t);
}
END_TEST

/* ------------------------------------------------------------ phones */

typedef struct {
	const char *pattern; /* fill() pattern */
	int fixed_length;    /* dropping a digit makes it invalid */
} phone_format;

START_TEST(international_phones)
{
	static const phone_format formats[] = {
		{"+1 (N##) N##-####", 1},   {"+1 N##.N##.####", 1},     {"+34 6## ### ###", 1},
		{"+34 9# ### ## ##", 1},    {"+52 55 #### ####", 1},    {"+52 1 33 #### ####", 0},
		{"+54 9 11 ####-####", 0},  {"+57 3## ### ####", 1},    {"+56 9 #### ####", 1},
		{"+51 9## ### ###", 0},     {"+44 7### ######", 0},     {"+44 (0)20 7946 0###", 0},
		{"+33 6 ## ## ## ##", 1},   {"+49 151 ########", 0},    {"+39 3## ### ####", 0},
		{"+351 9## ### ###", 1},    {"+598 9# ### ###", 1},     {"+81 90-####-####", 0},
		{"+55 11 9####-####", 0},   {"+91 9#### #####", 1},     {"+86 13# #### ####", 0},
		{"+7 9## ###-##-##", 1},    {"+506 8### ####", 1},      {"+593 9# ### ####", 0},
	};
	static const char *const pre[] = {"Invoice 12345: call ", "Pedido 4471, llámame al ",
	                                  "Reach me on ", "mi móvil ", "order #88 - WhatsApp ",
	                                  "Ref. 2291 / tel. "};
	tally t = {"phones with +", "pii.phone", 0, 0, 0, 0};
	tu_rng rng = {0x90e};
	char phone[64];
	for (size_t k = 0; k < PER_FAMILY * 2; k++) {
		const phone_format *f = &formats[tu_rng_below(&rng, sizeof formats / sizeof *formats)];
		fill(&rng, f->pattern, phone);
		size_t ctx = tu_rng_below(&rng, 6);
		expect_found(&t, pre[ctx], phone, " thanks");
		if (f->fixed_length) {
			phone[strlen(phone) - 1] = '\0'; /* one digit short */
			expect_clean(&t, pre[ctx], phone, " thanks");
		}
	}
	/* Amounts and counts with "+" are not phones. */
	expect_clean(&t, "Más de ", "+10 000 000", " de visitas");
	expect_clean(&t, "We grew ", "+1 000 000", " users this year");
	expect_clean(&t, "temperature ", "+28 1234 5678", "");
	report(&t);
}
END_TEST

START_TEST(national_phones_with_a_phone_word)
{
	static const char *const formats[] = {
		"55 #### ####",   "(55) ####-####",  "33 #### ####",  "11 ####-####",
		"(011) 4###-####", "3## ### ####",   "601 ### ####",  "9 #### ####",
		"2 2### ####",    "01 ### ####",     "07### ######",  "020 7946 0###",
		"06 ## ## ## ##", "01 ## ## ## ##",  "030 ########",  "0151 ########",
		"3## ### ####",   "06 #### ####",    "21 ### ####",   "22 ### ####"};
	static const char *const with_word[] = {"Mi celular es el ", "llámame al ", "call me on ",
	                                        "mi número: ", "WhatsApp ", "tel. "};
	static const char *const without[] = {"Pedido ", "Order ", "Ref. ", "Factura nº ",
	                                      "Ticket ", "Lote "};
	tally t = {"national phones", "pii.phone", 0, 0, 0, 0};
	tu_rng rng = {0x4a7};
	char phone[64];
	for (size_t k = 0; k < PER_FAMILY * 2; k++) {
		fill(&rng, formats[tu_rng_below(&rng, sizeof formats / sizeof *formats)], phone);
		size_t ctx = tu_rng_below(&rng, 6);
		expect_found(&t, with_word[ctx], phone, ", gracias");
		expect_clean(&t, without[ctx], phone, " enviado");
	}
	expect_clean(&t, "llámame el ", "12.05.2024", "");
	expect_clean(&t, "llama al ", "000 000 000", "");
	expect_clean(&t, "Llámanos al ", "900 123 456", ", gratis");
	report(&t);
}
END_TEST

/* ------------------------------------------------------------ national IDs */

static const char DNI[] = "TRWAGMYFPDXBNJZSQVHLCKE";

static unsigned mod11_from_right(const char *d, size_t n, const unsigned *w)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (unsigned)(d[n - 1 - i] - '0') * w[i];
	return sum % 11;
}

static void id_family(tally *t, const char *pre_valid, const char *value, const char *post,
                      const char *pre_invalid, const char *invalid)
{
	expect_found(t, pre_valid, value, post);
	expect_clean(t, pre_invalid, invalid, post);
}

START_TEST(spanish_and_us_ids)
{
	tu_rng rng = {0x5a1};
	char v[40], w[40];
	tally ssn = {"SSN (- space . none)", "pii.national_id", 0, 0, 0, 0};
	static const char seps[] = {'-', ' ', '.'};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		unsigned area = 1 + (unsigned)tu_rng_below(&rng, 665);
		unsigned group = 1 + (unsigned)tu_rng_below(&rng, 99);
		unsigned serial = 1 + (unsigned)tu_rng_below(&rng, 9999);
		char sep = seps[k % 3];
		if (k % 4 == 3) {
			snprintf(v, sizeof v, "%03u%02u%04u", area, group, serial);
			snprintf(w, sizeof w, "666%02u%04u", group, serial);
		} else {
			snprintf(v, sizeof v, "%03u%c%02u%c%04u", area, sep, group, sep, serial);
			snprintf(w, sizeof w, "%03u%c00%c%04u", area, sep, sep, serial);
		}
		id_family(&ssn, "my SSN is ", v, ", can HR fix it?", "my SSN is ", w);
	}
	report(&ssn);
	tally nif = {"old 7-digit NIF", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		unsigned n = 1000000 + (unsigned)tu_rng_below(&rng, 8999999);
		snprintf(v, sizeof v, "%07u%c", n, DNI[n % 23]);
		snprintf(w, sizeof w, "%07u%c", n, DNI[(n + 1) % 23]);
		id_family(&nif, "NIF ", v, " (el antiguo)", "NIF ", w);
		expect_clean(&nif, "Modelo ", v, "");
	}
	report(&nif);
	tally pass = {"Spanish passport", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		fill(&rng, k % 2 ? "PLL######" : "LL######", v);
		id_family(&pass, "Mi pasaporte es ", v, ", caduca en 2030", "Vuelo ", v);
	}
	report(&pass);
}
END_TEST

START_TEST(latin_american_ids)
{
	static const unsigned w_cuit[] = {2, 3, 4, 5, 6, 7, 2, 3, 4, 5};
	static const unsigned w_rut[] = {2, 3, 4, 5, 6, 7, 2, 3};
	static const unsigned w_nit[] = {3, 7, 13, 17, 19, 23, 29, 37, 41, 43};
	tu_rng rng = {0x1a7a};
	char d[20], v[40], w[40];

	tally cuit = {"AR CUIT/CUIL", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		static const char *const types[] = {"20", "23", "27", "30", "33"};
		unsigned r;
		do {
			memcpy(d, types[tu_rng_below(&rng, 5)], 2);
			digits(&rng, d + 2, 8);
			r = mod11_from_right(d, 10, w_cuit);
		} while (r == 1); /* a check of 10 is never issued */
		unsigned c = r == 0 ? 0 : 11 - r;
		snprintf(v, sizeof v, "%.2s-%.8s-%u", d, d + 2, c);
		snprintf(w, sizeof w, "%.2s-%.8s-%u", d, d + 2, (c + 1) % 10);
		id_family(&cuit, "CUIT ", v, " (AFIP)", "CUIT ", w);
		snprintf(v, sizeof v, "%.10s%u", d, c);
		id_family(&cuit, "mi CUIL es ", v, "", "pedido ", v);
	}
	report(&cuit);

	tally rut = {"CL RUT/RUN", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		d[0] = (char)('1' + tu_rng_below(&rng, 9));
		digits(&rng, d + 1, 7);
		unsigned r = mod11_from_right(d, 8, w_rut);
		char c = r == 0 ? '0' : r == 1 ? 'K' : (char)('0' + 11 - r);
		/* Not K for a wrong digit: "12.345.678-K" can be a Spanish DNI. */
		char bad = c == 'K' || c == '9' ? '0' : (char)(c + 1);
		if (k % 2)
			snprintf(v, sizeof v, "%.2s.%.3s.%.3s-%c", d, d + 2, d + 5, c);
		else
			snprintf(v, sizeof v, "%.8s-%c", d, c);
		strcpy(w, v);
		w[strlen(w) - 1] = bad;
		id_family(&rut, "Mi RUT: ", v, ", gracias", "Mi RUT: ", w);
	}
	report(&rut);

	tally nit = {"CO NIT", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		d[0] = tu_rng_below(&rng, 2) ? '8' : '9';
		digits(&rng, d + 1, 8);
		unsigned r = mod11_from_right(d, 9, w_nit);
		unsigned c = r < 2 ? r : 11 - r;
		snprintf(v, sizeof v, "%.3s.%.3s.%.3s-%u", d, d + 3, d + 6, c);
		id_family(&nit, "NIT ", v, " de la empresa", "Factura ", v);
		snprintf(w, sizeof w, "%.3s.%.3s.%.3s-%u", d, d + 3, d + 6, (c + 1) % 10);
		expect_clean(&nit, "NIT ", w, "");
	}
	report(&nit);

	tally ruc = {"PE RUC", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		memcpy(d, tu_rng_below(&rng, 2) ? "10" : "20", 2);
		digits(&rng, d + 2, 8);
		unsigned c = (11 - mod11_from_right(d, 10, w_cuit)) % 10;
		snprintf(v, sizeof v, "%.10s%u", d, c);
		snprintf(w, sizeof w, "%.10s%u", d, (c + 1) % 10);
		id_family(&ruc, "RUC ", v, " (SUNAT)", "RUC ", w);
	}
	report(&ruc);

	tally dni = {"AR/PE DNI, CO cédula", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		fill(&rng, k % 3 == 0 ? "N#.###.###" : k % 3 == 1 ? "N#######" : "1.0##.###.###", v);
		const char *word = k % 3 == 2 ? "cédula " : "DNI ";
		id_family(&dni, word, v, ", gracias", "Compré ", v);
	}
	report(&dni);
}
END_TEST

/* ------------------------------------------------------------ Brazil, Europe, US */

/* Brazil's CPF/CNPJ check digit over d[0..n) with weights w: 0 when sum mod 11 < 2. */
static char br_digit(const char *d, size_t n, const unsigned *w)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (unsigned)(d[i] - '0') * w[i];
	return (char)('0' + (sum % 11 < 2 ? 0 : 11 - sum % 11));
}

/* Each family: valid numbers in a post are found over their exact span; the same
 * number with its check changed, or its shape with no name beside it, is not. */
START_TEST(brazilian_european_and_us_ids)
{
	static const unsigned cpf1[] = {10, 9, 8, 7, 6, 5, 4, 3, 2};
	static const unsigned cpf2[] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};
	static const unsigned cnpj1[] = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
	static const unsigned cnpj2[] = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
	tu_rng rng = {0xb4a5};
	char d[20], v[48], w[48];

	tally cpf = {"BR CPF", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		digits(&rng, d, 9);
		d[9] = br_digit(d, 9, cpf1);
		d[10] = br_digit(d, 10, cpf2);
		snprintf(v, sizeof v, "%.3s.%.3s.%.3s-%.2s", d, d + 3, d + 6, d + 9);
		strcpy(w, v);
		bump_last_digit(w);
		id_family(&cpf, "Meu CPF é ", v, ", obrigado", "CPF ", w);
		snprintf(v, sizeof v, "%.11s", d);
		id_family(&cpf, "CPF ", v, "", "pedido ", v);
	}
	report(&cpf);

	tally cnpj = {"BR CNPJ", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		digits(&rng, d, 8);
		memcpy(d + 8, "0001", 4);
		d[12] = br_digit(d, 12, cnpj1);
		d[13] = br_digit(d, 13, cnpj2);
		snprintf(v, sizeof v, "%.2s.%.3s.%.3s/%.4s-%.2s", d, d + 2, d + 5, d + 8, d + 12);
		strcpy(w, v);
		bump_last_digit(w);
		id_family(&cnpj, "CNPJ da filial: ", v, ".", "CNPJ ", w);
	}
	report(&cnpj);

	tally nino = {"UK NINO", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		static const char first[] = "ABCEGHJKLMNOPRSTWXYZ", second[] = "ABCEGHJKLMNPRSTWXYZ";
		char a, b;
		do {
			a = first[tu_rng_below(&rng, sizeof first - 1)];
			b = second[tu_rng_below(&rng, sizeof second - 1)];
		} while ((a == 'B' && b == 'G') || (a == 'G' && b == 'B') || (a == 'K' && b == 'N') ||
		         (a == 'N' && (b == 'K' || b == 'T')) || (a == 'T' && b == 'N') ||
		         (a == 'Z' && b == 'Z'));
		digits(&rng, d, 6);
		char suffix = (char)('A' + tu_rng_below(&rng, 4));
		snprintf(v, sizeof v, "%c%c %.2s %.2s %.2s %c", a, b, d, d + 2, d + 4, suffix);
		/* the same shape with a letter HMRC never uses first */
		snprintf(w, sizeof w, "%c%c %.2s %.2s %.2s %c", "DFIQUV"[k % 6], b, d, d + 2, d + 4,
		         suffix);
		id_family(&nino, "HR needs my NI number: ", v, " before payroll", "NI number: ", w);
	}
	report(&nino);

	tally nir = {"FR NIR", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		static const char *const depts[] = {"75", "13", "69", "2A", "2B", "33"};
		const char *dept = depts[tu_rng_below(&rng, 6)];
		snprintf(d, sizeof d, "%c%02u%02u%s", k % 2 ? '1' : '2',
		         (unsigned)tu_rng_below(&rng, 100), 1 + (unsigned)tu_rng_below(&rng, 12), dept);
		digits(&rng, d + 7, 6);
		unsigned long long n = 0;
		for (size_t i = 0; i < 13; i++)
			n = n * 10 + (unsigned long long)(d[i] >= 'A' ? 0 : d[i] - '0');
		if (strcmp(dept, "2A") == 0)
			n -= 1000000; /* 2A reads 19, 2B reads 18 */
		else if (strcmp(dept, "2B") == 0)
			n -= 2000000;
		unsigned key = (unsigned)(97 - n % 97);
		snprintf(v, sizeof v, "%c %.2s %.2s %.2s %.3s %.3s %02u", d[0], d + 1, d + 3, d + 5,
		         d + 7, d + 10, key);
		snprintf(w, sizeof w, "%c %.2s %.2s %.2s %.3s %.3s %02u", d[0], d + 1, d + 3, d + 5,
		         d + 7, d + 10, key % 97 + 1);
		id_family(&nir, "numéro de sécu: ", v, "", "numéro de sécu: ", w);
	}
	report(&nir);

	tally cf = {"IT codice fiscale", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		static const unsigned odd[26] = {1,  0, 5,  7,  9,  13, 15, 17, 19, 21, 2,  4,  18,
		                                 20, 11, 3, 6,  8,  12, 14, 16, 10, 22, 25, 24, 23};
		char c[17];
		for (size_t i = 0; i < 6; i++)
			c[i] = letter(&rng);
		unsigned day = 1 + (unsigned)tu_rng_below(&rng, 28) + (k % 2 ? 40 : 0);
		snprintf(c + 6, 11, "%02u%c%02u%c", (unsigned)tu_rng_below(&rng, 100),
		         "ABCDEHLMPRST"[tu_rng_below(&rng, 12)], day, letter(&rng));
		digits(&rng, c + 12, 3);
		unsigned sum = 0;
		for (size_t i = 0; i < 15; i++) {
			unsigned x = c[i] <= '9' ? (unsigned)(c[i] - '0') : (unsigned)(c[i] - 'A');
			sum += i % 2 == 0 ? odd[x] : x;
		}
		c[15] = (char)('A' + sum % 26);
		c[16] = '\0';
		strcpy(w, c);
		w[15] = (char)('A' + (sum + 1) % 26);
		/* at every place in the scanner's 16-byte chunks, after a capital run of up to
		 * 20 (the regex waits for 6 capitals in a row, counted a chunk at a time) */
		char pre[96];
		snprintf(pre, sizeof pre, "%.*s%.*s Mi codice fiscale es ", (int)(k % 17),
		         "ok ok ok ok ok ok", (int)(k % 21), "ABCDEFGHIJKLMNOPQRSTU");
		id_family(&cf, pre, c, ", para el contrato", "CF: ", w);
	}
	report(&cf);

	tally nif = {"PT NIF", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		d[0] = "123568"[tu_rng_below(&rng, 6)];
		digits(&rng, d + 1, 7);
		unsigned sum = 0;
		for (size_t i = 0; i < 8; i++)
			sum += (unsigned)(d[i] - '0') * (unsigned)(9 - i);
		unsigned r = 11 - sum % 11;
		snprintf(v, sizeof v, "%.8s%u", d, r >= 10 ? 0 : r);
		snprintf(w, sizeof w, "%.8s%u", d, ((r >= 10 ? 0 : r) + 1) % 10);
		id_family(&nif, "NIF português ", v, " para a fatura", "NIF ", w);
		id_family(&nif, "contribuinte n.º ", v, "", "encomenda ", v);
	}
	report(&nif);

	tally nss = {"ES NSS", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		unsigned province = 1 + (unsigned)tu_rng_below(&rng, 52);
		unsigned long number = (unsigned long)tu_rng_below(&rng, 100000000);
		unsigned long long whole = number < 10000000 ? province * 10000000ull + number
		                                             : province * 100000000ull + number;
		unsigned control = (unsigned)(whole % 97);
		snprintf(v, sizeof v, "%02u/%08lu/%02u", province, number, control);
		snprintf(w, sizeof w, "%02u/%08lu/%02u", province, number, (control + 1) % 97);
		id_family(&nss, "Mi número de la Seguridad Social es ", v, "", "NSS ", w);
		snprintf(v, sizeof v, "%02u%08lu%02u", province, number, control);
		id_family(&nss, "NSS ", v, "", "pedido ", v);
	}
	report(&nss);

	tally itin = {"US ITIN", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		static const unsigned groups[] = {50, 57, 65, 70, 78, 88, 90, 92, 94, 99};
		unsigned g = groups[tu_rng_below(&rng, 10)];
		digits(&rng, d, 6);
		snprintf(v, sizeof v, "9%.2s-%02u-%.4s", d, g, d + 2);
		snprintf(w, sizeof w, "9%.2s-%02u-%.4s", d, 40 + g % 10, d + 2); /* 40-49: never */
		id_family(&itin, "My ITIN is ", v, ", can you file?", "ITIN ", w);
	}
	report(&itin);

	tally ein = {"US EIN", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		static const char *const prefixes[] = {"12", "20", "35", "46", "54", "61", "77", "98"};
		static const char *const never[] = {"07", "08", "09", "17", "18", "19", "28", "29"};
		size_t p = tu_rng_below(&rng, 8);
		digits(&rng, d, 7);
		snprintf(v, sizeof v, "%s-%.7s", prefixes[p], d);
		snprintf(w, sizeof w, "%s-%.7s", never[p], d);
		id_family(&ein, "Our EIN is ", v, " for the W-9", "EIN ", w);
		expect_clean(&ein, "invoice ", v, "");
	}
	report(&ein);
}
END_TEST

START_TEST(mexican_ids)
{
	static const char curp_alpha[] = "0123456789ABCDEFGHIJKLMN_OPQRSTUVWXYZ";
	static const char rfc_alpha[] = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ ";
	static const char *const states[] = {"AS", "DF", "JC", "NL", "VZ", "YN", "NE"};
	static const char consonants[] = "BCDFGHJKLMNPQRSTVWXZ";
	tu_rng rng = {0x3e0};
	char c[20], v[20], b[14];
	tally curp = {"MX CURP", "pii.national_id", 0, 0, 0, 0};
	tally rfc = {"MX RFC", "pii.national_id", 0, 0, 0, 0};
	for (size_t k = 0; k < PER_FAMILY; k++) {
		c[0] = letter(&rng);
		c[1] = "AEIOUX"[tu_rng_below(&rng, 6)];
		c[2] = letter(&rng);
		c[3] = letter(&rng);
		snprintf(c + 4, 7, "%02u%02u%02u", (unsigned)tu_rng_below(&rng, 100),
		         1 + (unsigned)tu_rng_below(&rng, 12), 1 + (unsigned)tu_rng_below(&rng, 28));
		c[10] = tu_rng_below(&rng, 2) ? 'H' : 'M';
		memcpy(c + 11, states[tu_rng_below(&rng, 7)], 2);
		for (size_t i = 13; i < 16; i++)
			c[i] = consonants[tu_rng_below(&rng, sizeof consonants - 1)];
		c[16] = tu_rng_below(&rng, 2) ? digit(&rng) : letter(&rng);
		unsigned sum = 0;
		for (size_t i = 0; i < 17; i++)
			sum += (unsigned)(strchr(curp_alpha, c[i]) - curp_alpha) * (unsigned)(18 - i);
		c[17] = (char)('0' + (10 - sum % 10) % 10);
		c[18] = '\0';
		strcpy(v, c);
		v[17] = (char)('0' + (v[17] - '0' + 1) % 10);
		id_family(&curp, k % 2 ? "Mi CURP es " : "my CURP: ", c, ", ¿la necesitan?",
		          "CURP ", v);
		/* A person's RFC from the same letters and date. */
		memcpy(b, c, 10);
		b[10] = letter(&rng);
		b[11] = digit(&rng);
		sum = 0;
		for (size_t i = 0; i < 12; i++)
			sum += (unsigned)(strchr(rfc_alpha, b[i]) - rfc_alpha) * (unsigned)(13 - i);
		unsigned r = sum % 11;
		b[12] = r == 0 ? '0' : r == 1 ? 'A' : (char)('0' + 11 - r);
		b[13] = '\0';
		strcpy(v, b);
		v[12] = v[12] == 'A' ? '0' : v[12] == '9' ? 'A' : (char)(v[12] + 1);
		id_family(&rfc, "RFC: ", b, " para la factura", "RFC: ", v);
	}
	report(&curp);
	report(&rfc);
}
END_TEST

/* ------------------------------------------------------------ e-mails */

START_TEST(emails_written_out_international_and_mailto)
{
	static const char *const first[] = {"ana", "luis", "maria", "john", "sofia", "pablo"};
	static const char *const last[] = {"garcia", "perez", "smith", "lopez", "ruiz", "brown"};
	static const char *const domain[] = {"gmail", "hotmail", "outlook", "empresa", "acme"};
	static const char *const tld[] = {"com", "es", "mx", "co", "net", "org", "ar", "cl"};
	static const char *const forms[] = {
		"%s dot %s at %s dot %s", "%s.%s arroba %s punto %s", "%s.%s [at] %s.%s",
		"%s_%s(at)%s(dot)%s",     "%s.%s {at} %s {dot} %s",   "%s %s arroba %s.%s",
		"%s.%s [arroba] %s [punto] %s"};
	static const char *const pre[] = {"write me at ", "mi correo: ", "Contact: ",
	                                  "escríbeme a ", "email "};
	tally t = {"e-mail written out", "pii.email", 0, 0, 0, 0};
	tu_rng rng = {0xe3a1};
	char v[120];
	for (size_t k = 0; k < PER_FAMILY; k++) {
		size_t f = tu_rng_below(&rng, sizeof forms / sizeof *forms);
		if (f == 5) /* "ana perez arroba": the address starts at the last word */
			f = 1;
		snprintf(v, sizeof v, forms[f], first[tu_rng_below(&rng, 6)],
		         last[tu_rng_below(&rng, 6)], domain[tu_rng_below(&rng, 5)],
		         tld[tu_rng_below(&rng, 8)]);
		expect_found(&t, pre[tu_rng_below(&rng, 5)], v, ", thanks");
	}
	/* Near misses: prose with "at", placeholders, shared mailboxes. */
	expect_clean(&t, "Look at ", "example.com", " for the details");
	expect_clean(&t, "Our convention is ", "firstname.lastname at acme dot com", "");
	expect_clean(&t, "Dudas: ", "info arroba acme punto es", "");
	expect_clean(&t, "We are ", "at the fair dot", " see you");
	report(&t);

	tally i = {"e-mail intl, mailto", "pii.email", 0, 0, 0, 0};
	static const char *const intl[] = {"josé.núñez@correo.es", "françois.müller@société.fr",
	                                   "ana@xn--espaa-rta.es", "ivan@example.xn--p1ai",
	                                   "maría@empresa.com.mx", "ana.lopez@correos-españa.es"};
	for (size_t k = 0; k < sizeof intl / sizeof *intl; k++) {
		expect_found(&i, "Escríbeme a ", intl[k], " por favor");
		expect_found(&i, "mail: ", intl[k], "");
	}
	expect_found(&i, "<a href=\"mailto:", "ana.garcia@gmail.com", "\">mail</a>");
	expect_found(&i, "mailto:", "luis.perez@empresa.es", "");
	expect_clean(&i, "<a href=\"mailto:", "info@acme.es", "\">info</a>");
	expect_clean(&i, "dsn ", "https://c0ffee12@o4501.ingest.sentry.io/42", "");
	expect_clean(&i, "user ", "josé@localhost", "");
	report(&i);
}

/* ------------------------------------------------------------ disguises (issue 15) */

/* Characters a reader does not see: the zero-width family, BOM, soft hyphen, word joiner,
 * bidi marks, an embedding, an isolate, a tag character, variation selectors, Hangul
 * fillers (all Default_Ignorable_Code_Point in DerivedCoreProperties.txt). */
static const uint32_t INVISIBLES[] = {0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD, 0x2060,
                                      0x200E, 0x200F, 0x061C, 0x202A, 0x2066, 0xE0061,
                                      0xFE0F, 0xE0100, 0x3164, 0xFFA0,
                                      /* control characters: SOH, ESC, DEL, NEL */
                                      0x01, 0x1B, 0x7F, 0x85};
/* Every character but spaces written as an HTML reference or percent-encoded. */
static const char *const MARKUP[] = {"&#%u;", "&#x%x;", "%%%02X"};
/* Marks drawn on each digit: acute, strike-through, underline, enclosing circle. */
static const uint32_t MARKS[] = {0x0301, 0x0336, 0x0332, 0x20DD};
/* Characters that join the last digit or letter of a value (a grapheme cluster's tail,
 * or a format character the word rules attach to it). */
static const uint32_t APPENDED[] = {0x00AD, 0x200D, 0xFE0F, 0x034F, 0x0301, 0x1F3FB};
/* The zeros of decimal digits in other scripts (Nd in UnicodeData.txt, values 0-9 from
 * there on): Arabic-Indic, extended Arabic-Indic, Devanagari, Bengali, Thai, fullwidth,
 * mathematical bold. */
static const uint32_t DIGIT_ZEROS[] = {0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE};
/* Separators between printed groups, beyond space, dash and dot. */
static const char *const GROUP_SEPS[] = {".", "/", "_", "\t", "  ", "\xe2\x80\x93",
                                         "\xe2\x80\x94", NULL};
static const char *const IBAN_SEPS[] = {"-", ".", "  ", "\xe2\x80\x93", "\xe2\x80\x94", NULL};

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* s with code point cp after every character but the last (between: every character
 * but spaces and what follows them) or after every character (after_each). */
static void insert_cp(const char *s, uint32_t cp, int after_each, char *out)
{
	size_t at = 0, n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		out[at++] = s[i];
		int last = i + 1 == n;
		if ((after_each && s[i] != ' ' && s[i] != '@' && s[i] != '.') ||
		    (!after_each && !last && s[i] != ' ' && s[i + 1] != ' '))
			at += tu_utf8_encode(cp, out + at);
	}
	out[at] = '\0';
}

/* s with every ASCII digit written in the script whose zero is `zero`. */
static void in_script(const char *s, uint32_t zero, char *out)
{
	size_t at = 0;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			at += tu_utf8_encode(zero + (uint32_t)(*s - '0'), out + at);
		else
			out[at++] = *s;
	out[at] = '\0';
}

/* s with every character but spaces written with the printf format `ref` (ASCII). */
static void as_markup(const char *s, const char *ref, char *out)
{
	size_t at = 0;
	for (; *s; s++)
		at += *s == ' ' ? (size_t)snprintf(out + at, 16, " ")
		                : (size_t)snprintf(out + at, 16, ref, (unsigned)(unsigned char)*s);
}

/* The digits of `compact` in groups of `size` (the last one shorter), with `sep`. */
static void regroup(const char *compact, size_t size, const char *sep, char *out)
{
	size_t at = 0, n = strlen(compact);
	for (size_t i = 0; i < n; i++) {
		if (i && i % size == 0) {
			memcpy(out + at, sep, strlen(sep));
			at += strlen(sep);
		}
		out[at++] = compact[i];
	}
	out[at] = '\0';
}

/* The grouped form of a value printed with single spaces, with `sep` instead. */
static void resep(const char *spaced, const char *sep, char *out)
{
	size_t at = 0;
	for (const char *c = spaced; *c; c++) {
		if (*c == ' ') {
			memcpy(out + at, sep, strlen(sep));
			at += strlen(sep);
		} else {
			out[at++] = *c;
		}
	}
	out[at] = '\0';
}

/* Every disguise of one grouped value (spaces between its groups) that a family takes:
 * invisibles inside, marks on every character, a joiner after it, other separators,
 * uniform regroupings (sizes, 0-terminated). Calls the check on each form of the valid
 * value and of its near-valid twin. */
typedef struct {
	tally *t;
	const char *pre, *post, *twin_pre;
	const char *const *seps; /* other group separators, NULL-terminated, or NULL */
	const size_t *sizes;     /* uniform regroupings, 0-terminated, or NULL */
} disguise_set;

static void each_disguise(const disguise_set *d, const char *valid, const char *twin)
{
	char v[512], w[512], cv[64], cw[64];
	for (size_t i = 0; i < N_OF(INVISIBLES); i++) {
		insert_cp(valid, INVISIBLES[i], 0, v);
		insert_cp(twin, INVISIBLES[i], 0, w);
		expect_found(d->t, d->pre, v, d->post);
		expect_clean(d->t, d->twin_pre, w, d->post);
	}
	for (size_t i = 0; i < N_OF(MARKS); i++) {
		insert_cp(valid, MARKS[i], 1, v);
		insert_cp(twin, MARKS[i], 1, w);
		expect_found(d->t, d->pre, v, d->post);
		expect_clean(d->t, d->twin_pre, w, d->post);
	}
	for (size_t i = 0; strpbrk(valid, "0123456789") && i < N_OF(DIGIT_ZEROS); i++) {
		in_script(valid, DIGIT_ZEROS[i], v);
		in_script(twin, DIGIT_ZEROS[i], w);
		expect_found(d->t, d->pre, v, d->post);
		expect_clean(d->t, d->twin_pre, w, d->post);
	}
	for (size_t i = 0; i < N_OF(MARKUP); i++) {
		as_markup(valid, MARKUP[i], v);
		as_markup(twin, MARKUP[i], w);
		expect_found(d->t, d->pre, v, d->post);
		expect_clean(d->t, d->twin_pre, w, d->post);
	}
	for (size_t i = 0; i < N_OF(APPENDED); i++) {
		size_t n = strlen(valid);
		memcpy(v, valid, n);
		v[n + tu_utf8_encode(APPENDED[i], v + n)] = '\0';
		expect_found(d->t, d->pre, v, d->post);
	}
	for (size_t i = 0; d->seps && d->seps[i]; i++) {
		resep(valid, d->seps[i], v);
		resep(twin, d->seps[i], w);
		expect_found(d->t, d->pre, v, d->post);
		expect_clean(d->t, d->twin_pre, w, d->post);
	}
	resep(valid, "", cv);
	resep(twin, "", cw);
	for (size_t k = 0; d->sizes && d->sizes[k]; k++) {
		regroup(cv, d->sizes[k], " ", v);
		regroup(cw, d->sizes[k], " ", w);
		expect_found(d->t, d->pre, v, d->post);
		expect_clean(d->t, d->twin_pre, w, d->post);
	}
}

/* Cards of every printed grouping in every disguise, after a card word; the twin (check
 * digit changed) in the same disguise stays clean. */
START_TEST(cards_in_disguise)
{
	static const size_t sizes[] = {1, 2, 3, 5, 0};
	tally t = {"cards in disguise", "pii.payment_card", 0, 0, 0, 0};
	tu_rng rng = {0xd15c};
	char card[40], twin[40];
	for (size_t b = 0; b < N_BRANDS; b++) {
		if (!BRANDS[b].grouping[0])
			continue;
		make_card(&rng, &BRANDS[b], ' ', card);
		memcpy(twin, card, sizeof card);
		bump_last_digit(twin);
		const char *pre = b % 2 ? "Mi tarjeta es " : "my card is ";
		disguise_set d = {&t, pre, b % 2 ? ", gracias" : ", thanks", pre, GROUP_SEPS, sizes};
		each_disguise(&d, card, twin);
	}
	report(&t);
}
END_TEST

/* Spanish mobiles (3-3-3) in every disguise after a phone word; the same digits after
 * "Pedido" or "Order ref" stay clean. */
START_TEST(phones_in_disguise)
{
	static const size_t sizes[] = {1, 2, 0};
	tally t = {"phones in disguise", "pii.phone", 0, 0, 0, 0};
	tu_rng rng = {0xd15d};
	char phone[16];
	for (size_t k = 0; k < 20; k++) {
		fill(&rng, k % 2 ? "6## ### ###" : "7## ### ###", phone);
		disguise_set d = {&t, k % 2 ? "Mi móvil: " : "call me at ", k % 2 ? ", gracias" : " tonight",
		                  k % 2 ? "Pedido " : "Order ref ", GROUP_SEPS, sizes};
		each_disguise(&d, phone, phone);
	}
	report(&t);
}
END_TEST

/* IBANs, DNIs and e-mail addresses in the disguises that apply to them; the twins (IBAN
 * check digits changed, the next DNI letter, a shared mailbox) stay clean. */
START_TEST(ibans_ids_and_emails_in_disguise)
{
	static const char *const first[] = {"lucia", "marta", "javier", "daniel", "irene"};
	static const char *const last[] = {"moreno", "navarro", "iglesias", "quintana", "robles"};
	static const char *const domain[] = {"gmail.com", "outlook.es", "yahoo.com"};
	tally iban = {"IBANs in disguise", "pii.iban", 0, 0, 0, 0};
	tally dni = {"DNIs in disguise", "pii.national_id", 0, 0, 0, 0};
	tally mail = {"e-mails in disguise", "pii.email", 0, 0, 0, 0};
	tu_rng rng = {0xd15e};
	char v[80], w[80];
	for (size_t k = 0; k < 20; k++) {
		uint64_t state = rng.state;
		make_iban(&rng, "ES", 20, " ", 0, 0, v);
		rng.state = state;
		make_iban(&rng, "ES", 20, " ", 0, 1, w);
		disguise_set di = {&iban, "IBAN ", " gracias", "IBAN ", IBAN_SEPS, NULL};
		each_disguise(&di, v, w);

		unsigned number = 10000000u + (unsigned)tu_rng_below(&rng, 89999999u);
		snprintf(v, sizeof v, "%08u%c", number, DNI[number % 23]);
		snprintf(w, sizeof w, "%08u%c", number, DNI[(number + 1) % 23]);
		disguise_set dd = {&dni, "Mi DNI es ", ", gracias", "Mi DNI es ", NULL, NULL};
		each_disguise(&dd, v, w);

		snprintf(v, sizeof v, "%s.%s@%s", first[k % 5], last[(k / 5) % 5], domain[k % 3]);
		snprintf(w, sizeof w, "info@%s", domain[k % 3]);
		disguise_set dm = {&mail, "write to me at ", " today", "write to me at ", NULL, NULL};
		each_disguise(&dm, v, w);
	}
	report(&iban);
	report(&dni);
	report(&mail);
}
END_TEST

/* Dates, times, versions, prices, amounts and references next to card and phone words,
 * with invisibles between their characters, marks on them or digits of other scripts:
 * no personal data. */
START_TEST(ordinary_numbers_in_disguise_stay_clean)
{
	static const char *const numbers[] = {
		"2024-01-15", "15/01/2024", "12.05.2024", "10:30", "1.2.3.4", "10.2.1.4532",
		"1.299,99 \xe2\x82\xac", "$1,299.99", "+10 000 000", "v4.5.3",
		"978-3-16-148410-0", "1 2 3", "2024\xe2\x80\x93" "2025", "12/27", "100%"};
	static const char *const carriers[] = {"my card expires ", "tarjeta caducada el ",
	                                       "call me at ", "llámame el ", "Pedido ",
	                                       "IBAN pending, ref "};
	static const char *const categories[] = {"pii.payment_card", "pii.phone", "pii.iban",
	                                         "pii.national_id", "pii.email"};
	size_t posts = 0, flagged = 0;
	char v[256], post[400];
	for (size_t n = 0; n < N_OF(numbers); n++)
		for (size_t c = 0; c < N_OF(carriers); c++)
			for (size_t k = 0; k <= N_OF(INVISIBLES) + N_OF(MARKS) + N_OF(DIGIT_ZEROS) + N_OF(MARKUP); k++) {
				if (k == 0)
					snprintf(v, sizeof v, "%s", numbers[n]);
				else if (k <= N_OF(INVISIBLES))
					insert_cp(numbers[n], INVISIBLES[k - 1], 0, v);
				else if (k <= N_OF(INVISIBLES) + N_OF(MARKS))
					insert_cp(numbers[n], MARKS[k - 1 - N_OF(INVISIBLES)], 1, v);
				else if (k <= N_OF(INVISIBLES) + N_OF(MARKS) + N_OF(DIGIT_ZEROS))
					in_script(numbers[n], DIGIT_ZEROS[k - 1 - N_OF(INVISIBLES) - N_OF(MARKS)], v);
				else
					as_markup(numbers[n], MARKUP[k - 1 - N_OF(INVISIBLES) - N_OF(MARKS) - N_OF(DIGIT_ZEROS)], v);
				snprintf(post, sizeof post, "%s%s today", carriers[c], v);
				const mesura_result *r = scan(post);
				posts++;
				for (size_t g = 0; g < N_OF(categories); g++)
					if (tu_has_category(r, categories[g])) {
						if (flagged++ < 5)
							fprintf(stderr, "  flagged %s: %s\n", categories[g], post);
						break;
					}
			}
	printf("pii: ordinary numbers in disguise: %zu posts, %zu flagged\n", posts, flagged);
	ck_assert_uint_eq(flagged, 0);
}
END_TEST
END_TEST

int main(void)
{
	Suite *s = suite_create("pii");
	TCase *tc = tcase_create("generated");
	tcase_add_checked_fixture(tc, tu_default_setup, tu_default_teardown);
	tcase_add_test(tc, cards_of_every_range_and_grouping);
	tcase_add_test(tc, cards_whatever_is_around_them);
	tcase_add_test(tc, cards_grouped_oddly);
	tcase_add_test(tc, ibans_with_any_separator);
	tcase_add_test(tc, international_phones);
	tcase_add_test(tc, national_phones_with_a_phone_word);
	tcase_add_test(tc, spanish_and_us_ids);
	tcase_add_test(tc, latin_american_ids);
	tcase_add_test(tc, mexican_ids);
	tcase_add_test(tc, brazilian_european_and_us_ids);
	tcase_add_test(tc, emails_written_out_international_and_mailto);
	tcase_add_test(tc, cards_in_disguise);
	tcase_add_test(tc, phones_in_disguise);
	tcase_add_test(tc, ibans_ids_and_emails_in_disguise);
	tcase_add_test(tc, ordinary_numbers_in_disguise_stay_clean);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
