/* Validators, with published test vectors and with values generated here by
 * independent code: every expected check digit, letter and rule is computed in this
 * file by a method other than the validator's, never by asking the validator. Every
 * candidate is handed over in a buffer of exactly its length, with no NUL after it, so
 * the sanitizer build catches any read past the end. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/validators.h"
#include "testutil.h"

#define N_GENERATED 20000

static const mesura_validator *find(const char *name)
{
	const mesura_validator *v = mesura_match__validator_find(name, strlen(name));
	ck_assert_msg(v != NULL, "no validator %s", name);
	return v;
}

/* Runs the validator on text[0..len) copied into a heap block of exactly len bytes. */
static int check_bytes(const mesura_validator *v, const char *text, size_t len, double param)
{
	char *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, text, len);
	int ok = mesura_match__validator_check(v, copy, len, param);
	free(copy);
	return ok;
}

static int passes(const char *name, const char *text)
{
	return check_bytes(find(name), text, strlen(text), 0);
}

static void expect_all(const char *name, const char *const *texts, size_t n, int expected)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(passes(name, texts[i]) == expected, "%s(\"%s\") should be %s", name,
		              texts[i], expected ? "valid" : "invalid");
}

#define EXPECT_VALID(name, arr) expect_all(name, arr, sizeof arr / sizeof *arr, 1)
#define EXPECT_INVALID(name, arr) expect_all(name, arr, sizeof arr / sizeof *arr, 0)

static char random_digit(tu_rng *rng)
{
	return (char)('0' + tu_rng_below(rng, 10));
}

static char random_letter(tu_rng *rng)
{
	return (char)('A' + tu_rng_below(rng, 26));
}

/* A digit other than d. */
static char other_digit(tu_rng *rng, char d)
{
	return (char)('0' + (d - '0' + 1 + (int)tu_rng_below(rng, 9)) % 10);
}

static int is_digit_char(char c)
{
	return c >= '0' && c <= '9';
}

/* ------------------------------------------------------------ cards */

START_TEST(published_card_numbers)
{
	/* Test card numbers published by payment processors for their sandboxes: Stripe
	 * ("Testing" docs: 4242424242424242, 4000056655665556, 5555555555554444,
	 * 2223003122003222, 5200828282828210, 5105105105105100, 378282246310005,
	 * 371449635398431, 6011111111111117, 6011000990139424, 3056930009020004,
	 * 36227206271667, 3566002020360505, 6200000000000005), PayPal/Braintree
	 * (4111111111111111, 4012888888881881, 30569309025904, 38520000023237, the 13-digit
	 * Visa 4222222222222, JCB 3530111333300000), Worldpay (Maestro 6759649826438453). */
	static const char *valid[] = {
	    "4242424242424242", "4000056655665556", "5555555555554444", "2223003122003222",
	    "5200828282828210", "5105105105105100", "378282246310005",  "371449635398431",
	    "6011111111111117", "6011000990139424", "3056930009020004", "36227206271667",
	    "3566002020360505", "6200000000000005", "4111111111111111", "4012888888881881",
	    "30569309025904",   "38520000023237",   "4222222222222",    "6759649826438453",
	    "3530111333300000",
	    /* as people write them, and as a regex with [ -]? takes them */
	    "4111 1111 1111 1111", "4012-8888-8888-1881", "3782 822463 10005",
	    "4111 1111 1111 1111 ", "4111--1111  1111-1111"};
	EXPECT_VALID("luhn", valid);
	static const char *invalid[] = {
	    "4111111111111112",      /* last digit changed */
	    "4242424242424241",      /* idem */
	    "0000000000000000",      /* all zeros pass Luhn but are no card */
	    "0000 0000 0000 0",      /* idem, 13 digits */
	    "422222222222",          /* 12 digits: too short */
	    "42424242424242424242",  /* 20 digits: too long */
	    "4111a11111111111",      /* a letter */
	    "4111.1111.1111.1111",   /* dots are not card separators */
	    "4111_1111_1111_1111",
	    "\357\274\224111111111111111", /* fullwidth 4 (octal escapes stop at 3 digits) */
	    "", " ", "-------------"};
	EXPECT_INVALID("luhn", invalid);
	/* A NUL byte where a separator would be is no separator. */
	ck_assert(!check_bytes(find("luhn"), "4111\0" "1111 1111 1111", 19, 0));
	ck_assert(check_bytes(find("luhn"), "4111 1111 1111 1111", 19, 0));
}
END_TEST

/* The Luhn check digit, written independently of the validator: a table of doubled
 * digits' digit sums, applied from the right with the check digit's place counting as
 * the first (undoubled) one. */
static char luhn_check_digit(const char *payload, size_t n)
{
	static const int doubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = payload[n - 1 - i] - '0';
		sum += i % 2 == 0 ? doubled[d] : d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

/* Writes the digits d[0..n) into out grouped by random spaces and dashes. */
static size_t scatter_separators(tu_rng *rng, const char *d, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		out[k++] = d[i];
		if (i + 1 < n && tu_rng_below(rng, 4) == 0)
			out[k++] = tu_rng_below(rng, 2) ? ' ' : '-';
	}
	return k;
}

START_TEST(generated_card_numbers)
{
	const mesura_validator *v = find("luhn");
	tu_rng rng = {21};
	tu_tally t = {"luhn generated", 0, 0};
	char card[20], spaced[48];
	for (int iter = 0; iter < N_GENERATED; iter++) {
		size_t n = 13 + tu_rng_below(&rng, 7);
		card[0] = (char)('1' + tu_rng_below(&rng, 9));
		for (size_t i = 1; i < n - 1; i++)
			card[i] = random_digit(&rng);
		card[n - 1] = luhn_check_digit(card, n - 1);
		t.checks++;
		if (!check_bytes(v, card, n, 0))
			tu_tally_fail(&t, "valid %.*s rejected", (int)n, card);
		size_t sn = scatter_separators(&rng, card, n, spaced);
		t.checks++;
		if (!check_bytes(v, spaced, sn, 0))
			tu_tally_fail(&t, "valid %.*s rejected", (int)sn, spaced);

		/* Luhn catches every change of one digit. */
		char bad[20];
		memcpy(bad, card, n);
		size_t k = tu_rng_below(&rng, n);
		bad[k] = other_digit(&rng, bad[k]);
		t.checks++;
		if (check_bytes(v, bad, n, 0))
			tu_tally_fail(&t, "digit %zu changed, %.*s accepted", k, (int)n, bad);

		/* ... and every swap of two adjacent different digits except 09 <-> 90. */
		memcpy(bad, card, n);
		k = tu_rng_below(&rng, n - 1);
		char a = bad[k], b = bad[k + 1];
		int nine_zero = (a == '0' && b == '9') || (a == '9' && b == '0');
		if (a != b && !nine_zero) {
			bad[k] = b;
			bad[k + 1] = a;
			t.checks++;
			if (check_bytes(v, bad, n, 0))
				tu_tally_fail(&t, "digits %zu,%zu swapped, %.*s accepted", k, k + 1,
				              (int)n, bad);
		}
	}
	tu_tally_finish(&t, "numbers");
}
END_TEST

START_TEST(luhn_misses_09_swaps)
{
	/* The known blind spot, kept visible: 0 and 9 both contribute 9 when doubled... and
	 * when not, so swapping "09" and "90" keeps the sum. 4111111111111111 with its
	 * "11" replaced: 4111111111110911 and 4111111111119011 have the same Luhn sum. */
	int a = passes("luhn", "4111111111110911"), b = passes("luhn", "4111111111119011");
	ck_assert_int_eq(a, b);
}
END_TEST

/* ------------------------------------------------------------ IBAN */

START_TEST(published_ibans)
{
	/* The example IBAN of each country in the SWIFT IBAN Registry (ISO 13616), as also
	 * listed by the ECBS and Wikipedia; each was recomputed with an independent
	 * big-integer mod 97 when this test was written. */
	static const char *valid[] = {
	    "AD12 0001 2030 2003 5910 0100",        "AE07 0331 2345 6789 0123 456",
	    "AL47 2121 1009 0000 0002 3569 8741",   "AT61 1904 3002 3457 3201",
	    "AZ21 NABZ 0000 0000 1370 1000 1944",   "BA39 1290 0794 0102 8494",
	    "BE68 5390 0754 7034",                  "BG80 BNBG 9661 1020 3456 78",
	    "BH67 BMAG 0000 1299 1234 56",          "BI42 1000 0100 0100 0033 2045 181",
	    "BR18 0036 0305 0000 1000 9795 493C 1", "BY13 NBRB 3600 9000 0000 2Z00 AB00",
	    "CH93 0076 2011 6238 5295 7",           "CR05 0152 0200 1026 2840 66",
	    "CY17 0020 0128 0000 0012 0052 7600",   "CZ65 0800 0000 1920 0014 5399",
	    "DE89 3704 0044 0532 0130 00",          "DJ21 0001 0000 0001 5400 0100 186",
	    "DK50 0040 0440 1162 43",               "DO28 BAGR 0000 0001 2124 5361 1324",
	    "EE38 2200 2210 2014 5685",             "EG38 0019 0005 0000 0000 2631 8000 2",
	    "ES91 2100 0418 4502 0005 1332",        "FI21 1234 5600 0007 85",
	    "FK88 SC12 3456 7890 12",               "FO62 6460 0001 6316 34",
	    "FR14 2004 1010 0505 0001 3M02 606",    "GB29 NWBK 6016 1331 9268 19",
	    "GE29 NB00 0000 0101 9049 17",          "GI75 NWBK 0000 0000 7099 453",
	    "GL89 6471 0001 0002 06",               "GR16 0110 1250 0000 0001 2300 695",
	    "GT82 TRAJ 0102 0000 0012 1002 9690",   "HR12 1001 0051 8630 0016 0",
	    "HU42 1177 3016 1111 1018 0000 0000",   "IE29 AIBK 9311 5212 3456 78",
	    "IL62 0108 0000 0009 9999 999",         "IQ98 NBIQ 8501 2345 6789 012",
	    "IS14 0159 2600 7654 5510 7303 39",     "IT60 X054 2811 1010 0000 0123 456",
	    "JO94 CBJO 0010 0000 0000 0131 0003 02", "KW81 CBKU 0000 0000 0000 1234 5601 01",
	    "KZ86 125K ZT50 0410 0100",             "LB62 0999 0000 0001 0019 0122 9114",
	    "LC55 HEMM 0001 0001 0012 0012 0002 3015", "LI21 0881 0000 2324 013A A",
	    "LT12 1000 0111 0100 1000",             "LU28 0019 4006 4475 0000",
	    "LV80 BANK 0000 4351 9500 1",           "MC58 1122 2000 0101 2345 6789 030",
	    "MD24 AG00 0225 1000 1310 4168",        "ME25 5050 0001 2345 6789 51",
	    "MK07 2501 2000 0058 984",              "MN12 1234 1234 5678 9123",
	    "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "MU17 BOMM 0101 1010 3030 0200 000M UR",
	    "NI45 BAPR 0000 0013 0000 0355 8124",   "NL91 ABNA 0417 1643 00",
	    "NO93 8601 1117 947",                   "OM81 0180 0000 0129 9123 456",
	    "PK36 SCBL 0000 0011 2345 6702",        "PL61 1090 1014 0000 0712 1981 2874",
	    "PS92 PALS 0000 0000 0400 1234 5670 2", "PT50 0002 0123 1234 5678 9015 4",
	    "QA58 DOHB 0000 1234 5678 90AB CDEF G", "RO49 AAAA 1B31 0075 9384 0000",
	    "RS35 2600 0560 1001 6113 79",          "RU02 0445 2560 0407 0281 0412 3456 7890 1",
	    "SA03 8000 0000 6080 1016 7519",        "SC18 SSCB 1101 0000 0000 0000 1497 USD",
	    "SD21 2901 0501 2340 01",               "SE45 5000 0000 0583 9825 7466",
	    "SI56 2633 0001 2039 086",              "SK31 1200 0000 1987 4263 7541",
	    "SM86 U032 2509 8000 0000 0270 100",    "SO21 1000 0010 0100 0100 141",
	    "SV62 CENR 0000 0000 0000 0070 0025",   "TL38 0080 0123 4567 8910 157",
	    "TN59 1000 6035 1835 9847 8831",        "TR33 0006 1005 1978 6457 8413 26",
	    "UA21 3223 1300 0002 6007 2335 6600 1", "VA59 0011 2300 0012 3456 78",
	    "VG96 VPVG 0000 0123 4567 8901",        "XK05 1212 0123 4567 8906",
	    /* the electronic form, and as people type it */
	    "DE89370400440532013000", "GB29NWBK60161331926819", "gb29 nwbk 6016 1331 9268 19",
	    "Es91 2100 0418 4502 0005 1332", "ES9121000418 45020005 1332",
	    " ES91 2100 0418 4502 0005 1332 "};
	EXPECT_VALID("iban", valid);
	static const char *invalid[] = {
	    "ES91 2100 0418 4502 0005 1333",  /* last digit changed */
	    "ES19 2100 0418 4502 0005 1332",  /* check digits swapped */
	    "ES91 2100 0418 4502 0005 133",   /* a digit short */
	    "ES91 2100 0418 4502 0005 13320", /* a digit more */
	    "XX91 2100 0418 4502 0005 1332",  /* no such country */
	    "US91 2100 0418 4502 0005 1332",  /* a country without IBANs */
	    "GB29 NWBK 6016 1331 9268 1",
	    "DE89-3704-0044-0532-0130-00",    /* only spaces separate the groups */
	    "DE89.3704.0044.0532.0130.00",
	    "DEXX 3704 0044 0532 0130 00",    /* check digits must be digits */
	    "ES", "ES91", "", "    ",
	    "ES91 2100 0418 4502 0005 1332\xc2\xa0", /* a non-breaking space, not ASCII */
	};
	EXPECT_INVALID("iban", invalid);
}
END_TEST

/* The IBAN structure of each country, typed again from the registry rather than shared
 * with the validator: total length and BBAN in the registry's notation. */
typedef struct {
	const char *country;
	size_t length;
	const char *bban;
} test_iban_country;

static const test_iban_country TEST_IBAN_COUNTRIES[] = {
	{"AD", 24, "4!n4!n12!c"}, {"AE", 23, "3!n16!n"}, {"AL", 28, "8!n16!c"},
	{"AT", 20, "5!n11!n"}, {"AZ", 28, "4!a20!c"}, {"BA", 20, "3!n3!n8!n2!n"},
	{"BE", 16, "3!n7!n2!n"}, {"BG", 22, "4!a4!n2!n8!c"}, {"BH", 22, "4!a14!c"},
	{"BI", 27, "5!n5!n11!n2!n"}, {"BR", 29, "8!n5!n10!n1!a1!c"}, {"BY", 28, "4!c4!n16!c"},
	{"CH", 21, "5!n12!c"}, {"CR", 22, "4!n14!n"}, {"CY", 28, "3!n5!n16!c"},
	{"CZ", 24, "4!n6!n10!n"}, {"DE", 22, "8!n10!n"}, {"DJ", 27, "5!n5!n11!n2!n"},
	{"DK", 18, "4!n9!n1!n"}, {"DO", 28, "4!c20!n"}, {"EE", 20, "2!n14!n"},
	{"EG", 29, "4!n4!n17!n"}, {"ES", 24, "4!n4!n1!n1!n10!n"}, {"FI", 18, "3!n11!n"},
	{"FK", 18, "2!a12!n"}, {"FO", 18, "4!n9!n1!n"}, {"FR", 27, "5!n5!n11!c2!n"},
	{"GB", 22, "4!a6!n8!n"}, {"GE", 22, "2!a16!n"}, {"GI", 23, "4!a15!c"},
	{"GL", 18, "4!n9!n1!n"}, {"GR", 27, "3!n4!n16!c"}, {"GT", 28, "4!c20!c"},
	{"HN", 28, "4!a20!n"}, {"HR", 21, "7!n10!n"}, {"HU", 28, "3!n4!n1!n15!n1!n"},
	{"IE", 22, "4!a6!n8!n"}, {"IL", 23, "3!n3!n13!n"}, {"IQ", 23, "4!a3!n12!n"},
	{"IS", 26, "4!n2!n6!n10!n"}, {"IT", 27, "1!a5!n5!n12!c"}, {"JO", 30, "4!a4!n18!c"},
	{"KW", 30, "4!a22!c"}, {"KZ", 20, "3!n13!c"}, {"LB", 28, "4!n20!c"}, {"LC", 32, "4!a24!c"},
	{"LI", 21, "5!n12!c"}, {"LT", 20, "5!n11!n"}, {"LU", 20, "3!n13!c"}, {"LV", 21, "4!a13!c"},
	{"LY", 25, "3!n3!n15!n"}, {"MC", 27, "5!n5!n11!c2!n"}, {"MD", 24, "2!c18!c"},
	{"ME", 22, "3!n13!n2!n"}, {"MK", 19, "3!n10!c2!n"}, {"MN", 20, "4!n12!n"},
	{"MR", 27, "5!n5!n11!n2!n"}, {"MT", 31, "4!a5!n18!c"}, {"MU", 30, "4!a2!n2!n12!n3!n3!a"},
	{"NI", 28, "4!a20!n"}, {"NL", 18, "4!a10!n"}, {"NO", 15, "4!n6!n1!n"},
	{"OM", 23, "3!n16!c"}, {"PK", 24, "4!a16!c"}, {"PL", 28, "8!n16!n"}, {"PS", 29, "4!a21!c"},
	{"PT", 25, "4!n4!n11!n2!n"}, {"QA", 29, "4!a21!c"}, {"RO", 24, "4!a16!c"},
	{"RS", 22, "3!n13!n2!n"}, {"RU", 33, "9!n5!n15!c"}, {"SA", 24, "2!n18!c"},
	{"SC", 31, "4!a2!n2!n16!n3!a"}, {"SD", 18, "2!n12!n"}, {"SE", 24, "3!n16!n1!n"},
	{"SI", 19, "5!n8!n2!n"}, {"SK", 24, "4!n6!n10!n"}, {"SM", 27, "1!a5!n5!n12!c"},
	{"SO", 23, "4!n3!n12!n"}, {"ST", 25, "4!n4!n11!n2!n"}, {"SV", 28, "4!a20!n"},
	{"TL", 23, "3!n14!n2!n"}, {"TN", 24, "2!n3!n13!n2!n"}, {"TR", 26, "5!n1!n16!c"},
	{"UA", 29, "6!n19!c"}, {"VA", 22, "3!n15!n"}, {"VG", 24, "4!a16!n"},
	{"XK", 20, "4!n10!n2!n"}, {"YE", 30, "4!a4!n18!c"},
};
#define N_TEST_IBAN_COUNTRIES (sizeof TEST_IBAN_COUNTRIES / sizeof TEST_IBAN_COUNTRIES[0])

/* The registry notation expanded to one class letter per BBAN position ("2!n3!a" ->
 * "nnaaa"); returns the BBAN length. */
static size_t expand_bban(const char *spec, char *classes)
{
	size_t n = 0;
	while (*spec) {
		size_t count = 0;
		while (is_digit_char(*spec))
			count = count * 10 + (size_t)(*spec++ - '0');
		ck_assert_int_eq(*spec++, '!');
		char cls = *spec++;
		for (size_t i = 0; i < count; i++)
			classes[n++] = cls;
	}
	return n;
}

/* The IBAN's digits as ISO 7064 reads them: BBAN, then country and check digits, letters
 * as two digits (A = 10). */
static size_t iban_as_decimal(const char *iban, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = iban[(i + 4) % n];
		if (is_digit_char(c)) {
			out[k++] = c;
		} else {
			int v = c - 'A' + 10;
			out[k++] = (char)('0' + v / 10);
			out[k++] = (char)('0' + v % 10);
		}
	}
	return k;
}

/* Mod 97 of a long decimal string the way the ECBS describes it for hand and 32-bit
 * computation: take 9 digits, replace them by their remainder (2 digits) followed by the
 * next 7, until the digits run out. */
static unsigned long mod97_long_division(const char *digits, size_t n)
{
	char chunk[10];
	size_t used = 0, at = 0;
	unsigned long rem = 0;
	while (at < n) {
		used = rem ? (size_t)snprintf(chunk, sizeof chunk, "%lu", rem) : 0;
		while (used < 9 && at < n)
			chunk[used++] = digits[at++];
		chunk[used] = '\0';
		rem = strtoul(chunk, NULL, 10) % 97;
	}
	return rem;
}

/* Check digits for iban[0..n) whose places 2..3 are ignored: 98 - mod97(with "00"). */
static unsigned long iban_check_digits(char *iban, size_t n)
{
	char decimal[80];
	iban[2] = iban[3] = '0';
	size_t k = iban_as_decimal(iban, n, decimal);
	return 98 - mod97_long_division(decimal, k);
}

static void set_check_digits(char *iban, unsigned long check)
{
	iban[2] = (char)('0' + check / 10);
	iban[3] = (char)('0' + check % 10);
}

/* A random IBAN of country c, with correct check digits; returns its length. */
static size_t random_iban(tu_rng *rng, const test_iban_country *c, char *iban, char *classes)
{
	size_t bban = expand_bban(c->bban, classes);
	memcpy(iban, c->country, 2);
	for (size_t i = 0; i < bban; i++) {
		char cls = classes[i];
		if (cls == 'c')
			cls = tu_rng_below(rng, 2) ? 'n' : 'a';
		iban[4 + i] = cls == 'n' ? random_digit(rng) : random_letter(rng);
	}
	size_t n = 4 + bban;
	set_check_digits(iban, iban_check_digits(iban, n));
	return n;
}

/* A different character of the same kind (digit for digit, letter for letter): a
 * substitution that changes the value by less than 97 times a power of ten, which
 * mod 97 always catches. */
static char other_of_same_kind(tu_rng *rng, char c)
{
	if (is_digit_char(c))
		return other_digit(rng, c);
	return (char)('A' + (c - 'A' + 1 + (int)tu_rng_below(rng, 25)) % 26);
}

/* Writes iban[0..n) in the paper form (groups of four), lower case half the time. */
static size_t paper_form(tu_rng *rng, const char *iban, size_t n, char *out)
{
	int lower = tu_rng_below(rng, 2) == 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[k++] = ' ';
		char c = iban[i];
		out[k++] = lower && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	return k;
}

START_TEST(test_iban_table_is_consistent)
{
	char classes[40];
	for (size_t i = 0; i < N_TEST_IBAN_COUNTRIES; i++)
		ck_assert_msg(4 + expand_bban(TEST_IBAN_COUNTRIES[i].bban, classes) ==
		                  TEST_IBAN_COUNTRIES[i].length,
		              "%s", TEST_IBAN_COUNTRIES[i].country);
}
END_TEST

START_TEST(generated_ibans)
{
	const mesura_validator *v = find("iban");
	tu_rng rng = {13616};
	tu_tally t = {"iban generated", 0, 0};
	char iban[40], bad[40], paper[50], classes[40];
	for (int iter = 0; iter < N_GENERATED; iter++) {
		size_t country = (size_t)iter % N_TEST_IBAN_COUNTRIES;
		const test_iban_country *c = &TEST_IBAN_COUNTRIES[country];
		size_t n = random_iban(&rng, c, iban, classes);
		t.checks++;
		if (!check_bytes(v, iban, n, 0))
			tu_tally_fail(&t, "valid %.*s rejected", (int)n, iban);
		size_t pn = paper_form(&rng, iban, n, paper);
		t.checks++;
		if (!check_bytes(v, paper, pn, 0))
			tu_tally_fail(&t, "valid %.*s rejected", (int)pn, paper);

		/* One character changed (check digits included, country excluded). */
		memcpy(bad, iban, n);
		size_t k = 2 + tu_rng_below(&rng, n - 2);
		bad[k] = other_of_same_kind(&rng, bad[k]);
		t.checks++;
		if (check_bytes(v, bad, n, 0))
			tu_tally_fail(&t, "place %zu changed, %.*s accepted", k, (int)n, bad);

		/* Two adjacent different characters of the same kind swapped: the value changes
		 * by a multiple of 9 or 99 times a small difference, never of 97. (A letter and
		 * a digit can read the same: "B1" and "1B" are both 111.) */
		memcpy(bad, iban, n);
		k = 2 + tu_rng_below(&rng, n - 3);
		if (bad[k] != bad[k + 1] && is_digit_char(bad[k]) == is_digit_char(bad[k + 1])) {
			char tmp = bad[k];
			bad[k] = bad[k + 1];
			bad[k + 1] = tmp;
			t.checks++;
			if (check_bytes(v, bad, n, 0))
				tu_tally_fail(&t, "places %zu,%zu swapped, %.*s accepted", k, k + 1,
				              (int)n, bad);
		}

		/* One character dropped: the length no longer fits the country. */
		t.checks++;
		if (check_bytes(v, iban, n - 1, 0))
			tu_tally_fail(&t, "%.*s (one short) accepted", (int)n - 1, iban);
	}
	tu_tally_finish(&t, "IBANs");
}
END_TEST

/* A letter where the registry allows only digits, or a digit where it wants a letter,
 * fails even with check digits recomputed to satisfy mod 97. */
START_TEST(iban_structure_beyond_the_checksum)
{
	const mesura_validator *v = find("iban");
	tu_rng rng = {7064};
	tu_tally t = {"iban structure", 0, 0};
	char iban[40], classes[40];
	for (size_t i = 0; i < N_TEST_IBAN_COUNTRIES; i++) {
		const test_iban_country *c = &TEST_IBAN_COUNTRIES[i];
		for (int round = 0; round < 20; round++) {
			size_t n = random_iban(&rng, c, iban, classes);
			size_t k = tu_rng_below(&rng, n - 4);
			if (classes[k] == 'c')
				continue;
			iban[4 + k] = classes[k] == 'n' ? random_letter(&rng) : random_digit(&rng);
			set_check_digits(iban, iban_check_digits(iban, n));
			t.checks++;
			if (check_bytes(v, iban, n, 0))
				tu_tally_fail(&t, "%.*s accepted, wrong class at place %zu",
				              (int)n, iban, 4 + k);
		}
	}
	tu_tally_finish(&t, "IBANs");
}
END_TEST

/* Check digits run from 02 to 98. When 98 is right, 01 also leaves remainder 1, and
 * when 02 is right so does 99: both must still fail. */
START_TEST(iban_check_digits_01_and_99)
{
	const mesura_validator *v = find("iban");
	const test_iban_country *de = NULL;
	for (size_t i = 0; i < N_TEST_IBAN_COUNTRIES; i++)
		if (strcmp(TEST_IBAN_COUNTRIES[i].country, "DE") == 0)
			de = &TEST_IBAN_COUNTRIES[i];
	ck_assert_ptr_nonnull(de);
	tu_rng rng = {97};
	char iban[40], classes[40];
	int seen98 = 0, seen02 = 0;
	for (int iter = 0; iter < 100000 && !(seen98 && seen02); iter++) {
		size_t n = random_iban(&rng, de, iban, classes);
		int check = (iban[2] - '0') * 10 + (iban[3] - '0');
		if (check != 98 && check != 2)
			continue;
		ck_assert_msg(check_bytes(v, iban, n, 0), "%.*s", (int)n, iban);
		set_check_digits(iban, check == 98 ? 1 : 99);
		ck_assert_msg(!check_bytes(v, iban, n, 0), "%.*s", (int)n, iban);
		seen98 |= check == 98;
		seen02 |= check == 2;
	}
	ck_assert(seen98 && seen02);
}
END_TEST

/* ------------------------------------------------------------ Spain */

/* The DNI letter, computed here by Horner's rule mod 23 over the digit string. */
static char dni_letter_of(const char *digits, size_t n)
{
	static const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	int rem = 0;
	for (size_t i = 0; i < n; i++)
		rem = (rem * 10 + (digits[i] - '0')) % 23;
	return letters[rem];
}

START_TEST(published_dni_nie)
{
	/* The worked example of the Ministerio del Interior's page on the DNI control letter
	 * (12345678 mod 23 = 14 -> Z), and the NIE example used with the same algorithm
	 * (X -> 0: 01234567 mod 23 = 19 -> L). */
	static const char *dni_valid[] = {"12345678Z", "12345678z", "12345678-Z", "12345678 Z",
	                                  "12.345.678-Z", "12.345.678Z", "00000000T"};
	EXPECT_VALID("es_dni", dni_valid);
	static const char *dni_invalid[] = {
	    "12345678A",  "12345678",    "1234567Z",   "123456789Z", "12345678ZZ",
	    "Z12345678",  "12345678--Z", "12-345678Z", "1234.5678Z", "12.345678Z",
	    " 12345678Z", "12345678Z ",  "12345678_Z", "",           "12345678\xc3\x91"};
	EXPECT_INVALID("es_dni", dni_invalid);
	static const char *nie_valid[] = {"X1234567L", "x1234567l", "X-1234567-L", "X 1234567 L",
	                                  "X1234567-L", "Y1234567X", "Z1234567R"};
	EXPECT_VALID("es_nie", nie_valid);
	static const char *nie_invalid[] = {"X1234567A", "W1234567L", "X123456L", "X12345678L",
	                                    "X1234567",  "1234567L",  "X--1234567L", "Y1234567L",
	                                    "12345678Z", ""};
	EXPECT_INVALID("es_nie", nie_invalid);
}
END_TEST

/* Swaps two adjacent different digits of d[0..n) at a random place; 0 if none found. */
static int swap_adjacent_digits(tu_rng *rng, char *d, size_t n)
{
	size_t k = tu_rng_below(rng, n - 1);
	if (d[k] == d[k + 1])
		return 0;
	char tmp = d[k];
	d[k] = d[k + 1];
	d[k + 1] = tmp;
	return 1;
}

START_TEST(generated_dni_nie)
{
	const mesura_validator *dni = find("es_dni"), *nie = find("es_nie"), *nif = find("es_nif");
	tu_rng rng = {23};
	tu_tally t = {"dni/nie generated", 0, 0};
	char id[12], bad[12];
	for (int iter = 0; iter < N_GENERATED; iter++) {
		/* DNI */
		for (size_t i = 0; i < 8; i++)
			id[i] = random_digit(&rng);
		id[8] = dni_letter_of(id, 8);
		t.checks += 2;
		if (!check_bytes(dni, id, 9, 0) || !check_bytes(nif, id, 9, 0))
			tu_tally_fail(&t, "DNI %.9s rejected", id);
		/* mod 23 (a prime above 10) catches every changed digit and every swap */
		memcpy(bad, id, 9);
		size_t k = tu_rng_below(&rng, 8);
		bad[k] = other_digit(&rng, bad[k]);
		t.checks += 2;
		if (check_bytes(dni, bad, 9, 0) || check_bytes(nif, bad, 9, 0))
			tu_tally_fail(&t, "DNI %.9s (digit %zu changed) accepted", bad, k);
		memcpy(bad, id, 9);
		if (swap_adjacent_digits(&rng, bad, 8)) {
			t.checks++;
			if (check_bytes(dni, bad, 9, 0))
				tu_tally_fail(&t, "DNI %.9s (swapped) accepted", bad);
		}

		/* NIE: the prefix stands for a leading digit 0, 1 or 2 */
		size_t p = tu_rng_below(&rng, 3);
		char number[8];
		number[0] = (char)('0' + p);
		for (size_t i = 1; i < 8; i++)
			number[i] = random_digit(&rng);
		id[0] = "XYZ"[p];
		memcpy(id + 1, number + 1, 7);
		id[8] = dni_letter_of(number, 8);
		t.checks += 2;
		if (!check_bytes(nie, id, 9, 0) || !check_bytes(nif, id, 9, 0))
			tu_tally_fail(&t, "NIE %.9s rejected", id);
		memcpy(bad, id, 9);
		bad[0] = "XYZ"[(p + 1 + tu_rng_below(&rng, 2)) % 3];
		t.checks++;
		if (check_bytes(nie, bad, 9, 0))
			tu_tally_fail(&t, "NIE %.9s (prefix changed) accepted", bad);
		memcpy(bad, id, 9);
		k = 1 + tu_rng_below(&rng, 7);
		bad[k] = other_digit(&rng, bad[k]);
		t.checks++;
		if (check_bytes(nie, bad, 9, 0))
			tu_tally_fail(&t, "NIE %.9s (digit %zu changed) accepted", bad, k);
	}
	tu_tally_finish(&t, "IDs");
}
END_TEST

/* The CIF control digit, computed here with a table of doubled digits' digit sums. */
static int cif_digit_of(const char digits[7])
{
	static const int doubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
	int sum = 0;
	for (size_t i = 0; i < 7; i++)
		sum += i % 2 == 0 ? doubled[digits[i] - '0'] : digits[i] - '0';
	return (10 - sum % 10) % 10;
}

START_TEST(published_cifs)
{
	/* CIFs printed on invoices and in the annual reports of well-known bodies:
	 * Telefónica A28015865, Banco Santander A39000013, BBVA A48265169, Iberdrola
	 * A48010615, Inditex A15075062, Repsol A78374725, Mercadona A46103834, El Corte
	 * Inglés A28017895; public bodies with a control letter: Agencia Tributaria
	 * Q2826000H, Ayuntamiento de Madrid P2807900B, Universidad Complutense Q2818014I. */
	static const char *valid[] = {"A28015865", "A39000013", "A48265169", "A48010615",
	                              "A15075062", "A78374725", "A46103834", "A28017895",
	                              "Q2826000H", "P2807900B", "Q2818014I", "a28015865",
	                              "A-28015865", "A 28015865", "A-2801586-5", "q2826000h"};
	EXPECT_VALID("es_cif", valid);
	EXPECT_VALID("es_nif", valid);
	static const char *invalid[] = {
	    "A28015864",   /* control changed */
	    "A2801586E",   /* A takes the digit, not its letter (5 -> E) */
	    "Q28260008",   /* Q takes the letter, not its digit (8 -> H) */
	    "P28079002",
	    "I28015865",   /* I is no organisation type */
	    "A2801586",    "A280158655", "A28015865A", "AA28015865", "",
	};
	EXPECT_INVALID("es_cif", invalid);
}
END_TEST

START_TEST(generated_cifs)
{
	const mesura_validator *cif = find("es_cif"), *nif = find("es_nif");
	static const char types[] = "ABCDEFGHJNPQRSUVW";
	tu_rng rng = {2008};
	tu_tally t = {"cif generated", 0, 0};
	char id[9], bad[9];
	for (int iter = 0; iter < N_GENERATED; iter++) {
		char type = types[tu_rng_below(&rng, sizeof types - 1)];
		char digits[7];
		for (size_t i = 0; i < 7; i++)
			digits[i] = random_digit(&rng);
		if (tu_rng_below(&rng, 8) == 0)
			digits[0] = digits[1] = '0'; /* non-resident */
		int d = cif_digit_of(digits);
		char as_digit = (char)('0' + d), as_letter = "JABCDEFGHI"[d];
		int non_resident = digits[0] == '0' && digits[1] == '0';
		int letter_ok = 1, digit_ok = 1;
		if (strchr("PQRSW", type) || non_resident)
			digit_ok = 0;
		else if (strchr("ABEH", type))
			letter_ok = 0;
		id[0] = type;
		memcpy(id + 1, digits, 7);
		id[8] = as_digit;
		t.checks += 2;
		if (check_bytes(cif, id, 9, 0) != digit_ok ||
		    check_bytes(nif, id, 9, 0) != digit_ok)
			tu_tally_fail(&t, "%.9s: expected %s", id, digit_ok ? "valid" : "invalid");
		id[8] = as_letter;
		t.checks += 2;
		if (check_bytes(cif, id, 9, 0) != letter_ok ||
		    check_bytes(nif, id, 9, 0) != letter_ok)
			tu_tally_fail(&t, "%.9s: expected %s", id, letter_ok ? "valid" : "invalid");

		/* A changed digit always changes the control digit (doubling and digit-summing
		 * maps the ten digits one to one), so neither form of the old control fits. */
		id[8] = digit_ok ? as_digit : as_letter;
		memcpy(bad, id, 9);
		size_t k = 1 + tu_rng_below(&rng, 7);
		bad[k] = other_digit(&rng, bad[k]);
		t.checks++;
		if (check_bytes(cif, bad, 9, 0))
			tu_tally_fail(&t, "%.9s (digit %zu changed) accepted", bad, k);
	}
	tu_tally_finish(&t, "CIFs");
}
END_TEST

START_TEST(nif_accepts_every_kind)
{
	/* K, L and M NIFs use the DNI letter of their 7 digits: 1234567 mod 23 = 19 -> L. */
	static const char *valid[] = {"12345678Z", "X1234567L", "A28015865", "Q2826000H",
	                              "K1234567L", "L1234567L", "M1234567L", "m-1234567-l"};
	EXPECT_VALID("es_nif", valid);
	static const char *invalid[] = {"12345678A", "X1234567A", "A28015864", "K1234567Z",
	                                "T1234567L", "", "NIF"};
	EXPECT_INVALID("es_nif", invalid);
	/* Each specific validator keeps to its own kind. */
	ck_assert(!passes("es_dni", "X1234567L"));
	ck_assert(!passes("es_nie", "12345678Z"));
	ck_assert(!passes("es_cif", "K1234567L"));
	ck_assert(!passes("es_dni", "A28015865"));
}
END_TEST

/* ------------------------------------------------------------ US SSN */

START_TEST(ssn_rules)
{
	/* The SSA's rules for numbers never assigned (its 2011 "Social Security Number
	 * Randomization" notice): area 000, 666, 900-999; group 00; serial 0000; and the
	 * advertising numbers 078-05-1120 (the sample card in wallets sold by Woolworth,
	 * 1938) and 219-09-9999 (an SSA pamphlet's sample card). Areas 734-749 and 773-899,
	 * once unassigned, are issued since then. */
	static const char *valid[] = {"123-45-6789", "123456789", "123 45 6789", "001-01-0001",
	                              "665-12-3456", "667-12-3456", "899-99-9999", "734-12-3456",
	                              "772-12-3456", "773-12-3456", "078-05-1121", "219-09-9998"};
	EXPECT_VALID("us_ssn", valid);
	static const char *invalid[] = {
	    "000-12-3456", "666-12-3456", "900-12-3456", "999-99-9999", "987-65-4320",
	    "123-00-4567", "123-45-0000", "078-05-1120", "078051120",   "219-09-9999",
	    "123-45 6789", "123 45-6789", /* mixed separators */
	    "123456-789",  "12-345-6789", "1234567890",  "12345678",    "123--45-6789",
	    "123.45.6789", "12a-45-6789", "",            "123-45-678\xef\xbc\x99"};
	EXPECT_INVALID("us_ssn", invalid);
}
END_TEST

/* The rules again, written here over the number's three fields. */
static int ssn_allowed(unsigned area, unsigned group, unsigned serial)
{
	if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
		return 0;
	if (area == 78 && group == 5 && serial == 1120)
		return 0;
	return !(area == 219 && group == 9 && serial == 9999);
}

START_TEST(generated_ssns)
{
	const mesura_validator *v = find("us_ssn");
	tu_rng rng = {1936};
	tu_tally t = {"ssn generated", 0, 0};
	char text[16];
	for (int iter = 0; iter < N_GENERATED; iter++) {
		/* Bias toward the edges so every rule is hit often. */
		unsigned area = (unsigned)tu_rng_below(&rng, 1000);
		unsigned group = tu_rng_below(&rng, 4) ? (unsigned)tu_rng_below(&rng, 100) : 0;
		unsigned serial = tu_rng_below(&rng, 4) ? (unsigned)tu_rng_below(&rng, 10000) : 0;
		if (tu_rng_below(&rng, 10) == 0)
			area = tu_rng_below(&rng, 2) ? 666 : 0;
		static const char *const forms[] = {"%03u-%02u-%04u", "%03u%02u%04u",
		                                    "%03u %02u %04u"};
		const char *form = forms[tu_rng_below(&rng, 3)];
		int len = snprintf(text, sizeof text, form, area, group, serial);
		t.checks++;
		if (check_bytes(v, text, (size_t)len, 0) != ssn_allowed(area, group, serial))
			tu_tally_fail(&t, "%s: expected %s", text,
			              ssn_allowed(area, group, serial) ? "valid" : "invalid");
	}
	tu_tally_finish(&t, "SSNs");
}
END_TEST

/* ------------------------------------------------------------ entropy */

static int entropy_passes(const char *text, size_t len, double threshold)
{
	return check_bytes(find("entropy"), text, len, threshold);
}

/* Shannon entropy in bits per byte, computed here as -sum p log2 p. */
static double entropy_of(const char *s, size_t n)
{
	size_t counts[256] = {0};
	for (size_t i = 0; i < n; i++)
		counts[(unsigned char)s[i]]++;
	double h = 0;
	for (size_t b = 0; b < 256; b++)
		if (counts[b]) {
			double p = (double)counts[b] / (double)n;
			h -= p * log2(p);
		}
	return h;
}

START_TEST(entropy_thresholds)
{
	ck_assert(!entropy_passes("aaaaaaaa", 8, 0.5));     /* 0 bits */
	ck_assert(entropy_passes("aabb", 4, 1.0));          /* exactly 1 bit */
	ck_assert(!entropy_passes("aabb", 4, 1.01));
	ck_assert(entropy_passes("0123456789abcdef", 16, 4.0)); /* exactly 4 bits */
	ck_assert(!entropy_passes("0123456789abcdef", 16, 4.01));
	ck_assert(!entropy_passes("password", 8, 3.5));     /* 2.75 bits */
	ck_assert(!entropy_passes("", 0, 0.5));
	ck_assert(!entropy_passes("abc\xc3\xa9", 5, 0.5));  /* not ASCII */
	/* An AWS documentation example secret key: about 4.6 bits per character. */
	static const char aws[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	ck_assert(entropy_passes(aws, sizeof aws - 1, 4.0));
}
END_TEST

START_TEST(generated_entropy)
{
	static const char base64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	tu_rng rng = {4096};
	tu_tally t = {"entropy generated", 0, 0};
	char s[64];
	for (int iter = 0; iter < N_GENERATED / 10; iter++) {
		/* A random 40-character base64 secret has about 4.8 bits per character (never
		 * under 4.1 in 200 000 draws); well above 3.5. */
		for (size_t i = 0; i < 40; i++)
			s[i] = base64[tu_rng_below(&rng, 64)];
		t.checks++;
		if (!entropy_passes(s, 40, 3.5))
			tu_tally_fail(&t, "random %.40s below 3.5 bits", s);
		/* Random strings over small alphabets, against the entropy computed here, away
		 * from the threshold by more than rounding. */
		size_t n = 1 + tu_rng_below(&rng, 60), alphabet = 1 + tu_rng_below(&rng, 30);
		for (size_t i = 0; i < n; i++)
			s[i] = (char)('!' + tu_rng_below(&rng, alphabet));
		double h = entropy_of(s, n);
		double threshold = 0.25 * (double)(1 + tu_rng_below(&rng, 24));
		if (fabs(h - threshold) < 1e-6)
			continue;
		t.checks++;
		if (entropy_passes(s, n, threshold) != (h >= threshold))
			tu_tally_fail(&t, "%.*s: %.4f bits vs %.2f", (int)n, s, h, threshold);
	}
	tu_tally_finish(&t, "strings");
}
END_TEST

/* ------------------------------------------------------------ names and parsing */

static int parse(const char *spec, const mesura_validator **v, double *param)
{
	return mesura_match__validator_parse(spec, strlen(spec), v, param);
}

START_TEST(parse_specs)
{
	const mesura_validator *v;
	double param;
	ck_assert_int_eq(parse("entropy>=3.5", &v, &param), 0);
	ck_assert_str_eq(mesura_match__validator_name(v), "entropy");
	ck_assert(mesura_match__validator_takes_param(v));
	ck_assert(param == 3.5);
	ck_assert_int_eq(parse("entropy >= 4", &v, &param), 0);
	ck_assert(param == 4.0);
	ck_assert_int_eq(parse("entropy>=0.25", &v, &param), 0);
	ck_assert(fabs(param - 0.25) < 1e-12);
	ck_assert_int_eq(parse("entropy>=8", &v, &param), 0);

	static const char *bad_param[] = {"entropy",     "entropy>=",    "entropy>=x",
	                                  "entropy>3",   "entropy=3",    "entropy>=0",
	                                  "entropy>=9",  "entropy>=3.",  "entropy>=.5",
	                                  "entropy>=-1", "entropy>=3.5x", "entropy>=3,5",
	                                  "luhn>=3",     "luhn 3",       "iban >=1"};
	for (size_t i = 0; i < sizeof bad_param / sizeof *bad_param; i++) {
		ck_assert_msg(parse(bad_param[i], &v, &param) == -2, "%s", bad_param[i]);
		ck_assert_ptr_null(v);
	}

	static const char *names[] = {"luhn",   "iban",   "es_dni", "es_nie",
	                              "es_nif", "es_cif", "us_ssn"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		ck_assert_int_eq(parse(names[i], &v, &param), 0);
		ck_assert_str_eq(mesura_match__validator_name(v), names[i]);
		ck_assert(!mesura_match__validator_takes_param(v));
		ck_assert(param == 0);
		ck_assert_ptr_eq(mesura_match__validator_find(names[i], strlen(names[i])), v);
	}
	ck_assert_int_eq(parse(" luhn ", &v, &param), 0);

	static const char *unknown[] = {"lun", "LUHN", "Luhn", "dni", "creditcard", "", "luhn!"};
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
		ck_assert_msg(parse(unknown[i], &v, &param) == -1, "%s", unknown[i]);
		ck_assert_ptr_null(v);
	}
	ck_assert_int_eq(mesura_match__validator_parse(NULL, 0, &v, &param), -1);
	/* find reads only len bytes */
	ck_assert_ptr_eq(mesura_match__validator_find("luhnx", 4), find("luhn"));
	ck_assert_ptr_null(mesura_match__validator_find("luh", 3));
	ck_assert_ptr_null(mesura_match__validator_find(NULL, 0));
	ck_assert_ptr_null(mesura_match__validator_name(NULL));
	ck_assert_int_eq(mesura_match__validator_takes_param(NULL), 0);
}
END_TEST

START_TEST(suggestions)
{
	static const char *const pairs[][2] = {
	    {"lun", "luhn"},        {"luhm", "luhn"},          {"lhun", "luhn"},
	    {"LUHN", "luhn"},       {"Iban", "iban"},          {"iban2", "iban"},
	    {"dni", "es_dni"},      {"es-dni", "es_dni"},      {"es_dmi", "es_dni"},
	    {"nie", "es_nie"},      {"cif", "es_cif"},         {"nif", "es_nif"},
	    {"ssn", "us_ssn"},      {"us-ssn", "us_ssn"},      {"entropi", "entropy"},
	    {"entrpy>=3.5", "entropy"}, {" lun", "luhn"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		const char *s = mesura_match__validator_suggest(pairs[i][0], strlen(pairs[i][0]));
		ck_assert_msg(s && strcmp(s, pairs[i][1]) == 0, "%s -> %s, expected %s",
		              pairs[i][0], s ? s : "NULL", pairs[i][1]);
	}
	static const char *const none[] = {"creditcard", "passport", "x", "",
	                                   "a_very_long_name_that_is_nothing_like_any_validator"};
	for (size_t i = 0; i < sizeof none / sizeof *none; i++)
		ck_assert_msg(!mesura_match__validator_suggest(none[i], strlen(none[i])), "%s",
		              none[i]);
	ck_assert_ptr_null(mesura_match__validator_suggest(NULL, 0));
}
END_TEST

/* ------------------------------------------------------------ hostile input */

static const char *const ALL_NAMES[] = {
	"luhn",    "iban",       "es_dni",       "es_nie",  "es_nif", "es_cif",
	"us_ssn",  "entropy",    "card",         "iban_loose", "us_ssn_sep", "es_dni7",
	"phone_e164", "phone_digits", "mx_curp", "mx_rfc", "ar_cuit", "pe_ruc",
	"cl_rut",  "co_nit", "br_cpf", "br_cnpj", "uk_nino", "fr_nir", "it_codice_fiscale",
	"pt_nif", "es_nss", "us_itin", "us_ein"};
#define N_NAMES (sizeof ALL_NAMES / sizeof *ALL_NAMES)

START_TEST(empty_null_and_non_ascii)
{
	for (size_t i = 0; i < N_NAMES; i++) {
		const mesura_validator *v = find(ALL_NAMES[i]);
		ck_assert(!mesura_match__validator_check(v, NULL, 0, 1.0));
		ck_assert(!mesura_match__validator_check(v, NULL, 12, 1.0));
		ck_assert(!mesura_match__validator_check(v, "", 0, 1.0));
		ck_assert(!check_bytes(v, "\xff\xfe\x80\x00", 4, 1.0));
		ck_assert(!check_bytes(v, "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", 9, 1.0));
	}
	ck_assert(!mesura_match__validator_check(NULL, "4111111111111111", 16, 0));
}
END_TEST

START_TEST(length_limits)
{
	/* A valid card padded with separators: 64 bytes still read, 65 refused at once. */
	char buf[5000];
	memset(buf, ' ', sizeof buf);
	memcpy(buf, "4111111111111111", 16);
	ck_assert(check_bytes(find("luhn"), buf, 64, 0));
	ck_assert(!check_bytes(find("luhn"), buf, 65, 0));
	memcpy(buf, "ES9121000418450200051332", 24);
	ck_assert(check_bytes(find("iban"), buf, 64, 0));
	ck_assert(!check_bytes(find("iban"), buf, 65, 0));
	/* Entropy reads secrets up to 4096 bytes. */
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)('!' + i % 90);
	ck_assert(check_bytes(find("entropy"), buf, 4096, 6.0));
	ck_assert(!check_bytes(find("entropy"), buf, 4097, 6.0));
	/* Very long inputs of every kind fail, and fast. */
	for (size_t i = 0; i < N_NAMES; i++) {
		memset(buf, '9', sizeof buf);
		ck_assert(!check_bytes(find(ALL_NAMES[i]), buf, sizeof buf, 1.0));
	}
}
END_TEST

/* Random bytes, mostly from the characters the formats use: no crash, no read past the
 * end (the sanitizer build makes that strong), nothing over 64 bytes accepted except by
 * entropy, and parse and suggest answer within their contract. */
START_TEST(random_bytes)
{
	static const char pool[] = "0123456789XYZABCKLMPQ -.>=\xc3\xa9\x00\xff";
	tu_rng rng = {0xbad};
	char buf[80];
	size_t accepted = 0;
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = tu_rng_below(&rng, sizeof buf + 1);
		for (size_t i = 0; i < n; i++)
			buf[i] = tu_rng_below(&rng, 8) ? pool[tu_rng_below(&rng, sizeof pool - 1)]
			                               : (char)tu_rng_below(&rng, 256);
		const mesura_validator *v = find(ALL_NAMES[(size_t)iter % N_NAMES]);
		int ok = check_bytes(v, buf, n, 2.0);
		accepted += (size_t)ok;
		if (ok && n > 64)
			ck_assert_str_eq(mesura_match__validator_name(v), "entropy");
		const mesura_validator *pv;
		double param;
		int rc = mesura_match__validator_parse(buf, n, &pv, &param);
		ck_assert(rc == 0 || rc == -1 || rc == -2);
		(void)mesura_match__validator_suggest(buf, n);
	}
	printf("random bytes: 200000 inputs, %zu accepted\n", accepted);
}
END_TEST


/* ------------------------------------------------------------ validators_ids.c */

/* Cards and IBANs with any separator, SSNs with dots, old 7-digit NIFs. */
START_TEST(separators_and_old_nifs)
{
	static const char *const cards[] = {"4532.0151.1283.0366", "4532-0151-1283-0366",
	                                    "4532 0151 1283 0366", "4532015112830366",
	                                    "3714 496353 98431", "1354 12345 678911"};
	static const char *const odd_cards[] = {"4532/0151/1283/0366", "4532_0151_1283_0366",
	                                        "4532\t0151\t1283\t0366", "45 3201 51128303 66"};
	EXPECT_VALID("card", odd_cards);
	static const char *const not_cards[] = {"4532.0151.1283.0367", "4532|0151|1283|0366",
	                                        "0000 0000 0000 0000", "4532 0151 1283",
	                                        "4532015112830366 0"};
	EXPECT_VALID("card", cards);
	EXPECT_INVALID("card", not_cards);
	/* The ECBS/SWIFT registry examples, printed every way people print them. */
	static const char *const ibans[] = {"ES91-2100-0418-4502-0005-1332",
	                                    "ES91.2100.0418.4502.0005.1332",
	                                    "ES9121 000418  45020005 1332",
	                                    "DE89-3704-0044-0532-0130-00", "GB82 WEST 1234 5698 7654 32"};
	static const char *const not_ibans[] = {"ES91-2100-0418-4502-0005-1333",
	                                        "ES91_2100_0418_4502_0005_1332",
	                                        "DE89-3704-0044-0532-0130-0"};
	EXPECT_VALID("iban_loose", ibans);
	EXPECT_INVALID("iban_loose", not_ibans);
	static const char *const ssns[] = {"536.22.8419", "536-22-8419", "536 22 8419", "536228419"};
	static const char *const not_ssns[] = {"536.22-8419", "666.22.8419", "536.00.8419",
	                                       "536.22.0000", "078.05.1120", "536..22.8419"};
	EXPECT_VALID("us_ssn_sep", ssns);
	EXPECT_INVALID("us_ssn_sep", not_ssns);
	/* 1234567 mod 23 = 11, the letter L; 1 mod 23 = 1, R. */
	static const char *const nifs[] = {"1234567L", "1.234.567-L", "1234567-l", "0000001R"};
	static const char *const not_nifs[] = {"1234567M", "12345678Z", "123456L", "1234567"};
	EXPECT_VALID("es_dni7", nifs);
	EXPECT_INVALID("es_dni7", not_nifs);
}
END_TEST

/* E.164: the country code, then as many digits as that country's numbers have. The
 * numbers are the fictional ranges regulators reserve for drama where there is one
 * (Ofcom's 020 7946 0xxx, NANP 555-01xx). */
START_TEST(phone_lengths)
{
	static const char *const ok[] = {
		"+1 (415) 555-0132", "+1 415 555 0132",  "+44 (0)20 7946 0958", "+44 7700 900123",
		"+34 612 345 678",   "+34 91 123 45 67", "+52 55 1234 5678",    "+54 9 11 2345-6789",
		"+56 9 8765 4321",   "+51 987 654 321",  "+51 1 234 5678",      "+57 300 123 4567",
		"+33 6 12 34 56 78", "+49 30 12345678",  "+49 151 23456789",    "+39 347 123 4567",
		"+39 06 1234 5678",  "+351 912 345 678", "+81 3-1234-5678",     "+7 495 123-45-67",
		"+86 138 0013 8000", "+598 94 123 456",  "+593 99 123 4567",    "+506 8312 3456",
		"+254 712 345678"};
	static const char *const bad[] = {
		"+34 612 345 67",    "+34 612 345 6789", "+1 415 555 01",  "+10000000",
		"+44 000 000 0000",  "+28 1234 5678",    "+80 1234 5678",  "+0 612 345 678",
		"34 612 345 678",    "+52 55 1234 567",  "+351 912 345 67", "+1 (415) 555-0132 12",
		"+34 612 345 678x"};
	EXPECT_VALID("phone_e164", ok);
	EXPECT_INVALID("phone_e164", bad);
	static const char *const national[] = {"55 1234 5678", "(011) 4123-4567", "06 12 34 56 78",
	                                       "3001234567", "07700 900123"};
	static const char *const not_national[] = {"000 000 000", "1234 567", "12 34",
	                                           "1234567890123", "55-1234-567a"};
	EXPECT_VALID("phone_digits", national);
	EXPECT_INVALID("phone_digits", not_national);
}
END_TEST

/* Published vectors: RENAPO's example CURP in its Instructivo Normativo
 * (HEGG560427MVZRRL04); the SAT's own RFC printed on every invoice it issues
 * (SAT970701NN3) and the person's RFC of the SAT's examples (GODE561231GR8); AFIP's CUIT
 * 33-69345023-9 and Banco de la Nación Argentina's 30-50001091-2; SUNAT's RUC
 * 20131312955; the SII's RUT 60.803.000-K; the DIAN's NIT 800.197.268-4. */
START_TEST(published_latam_ids)
{
	static const char *const curps[] = {"HEGG560427MVZRRL04"};
	static const char *const not_curps[] = {
		"HEGG560427MVZRRL05", "HEGG561327MVZRRL04", "HEGG560427MZZRRL04",
		"HEGG560427MVZRAL04", "HEGG560427QVZRRL04", "HEGG560427MVZRRL0",
		"HEGG-560427-MVZRRL04"};
	EXPECT_VALID("mx_curp", curps);
	EXPECT_INVALID("mx_curp", not_curps);
	static const char *const rfcs[] = {"SAT970701NN3", "GODE561231GR8", "GODE-561231-GR8",
	                                   "GODE 561231 GR8"};
	static const char *const not_rfcs[] = {"SAT970701NN4", "GODE561231GR9", "XAXX010101000",
	                                       "SAT971301NN3", "GODE561232GR8x", "GO1E561231GR8"};
	EXPECT_VALID("mx_rfc", rfcs);
	EXPECT_INVALID("mx_rfc", not_rfcs);
	static const char *const cuits[] = {"33-69345023-9", "33693450239", "30-50001091-2",
	                                    "20-12345678-6", "20 12345678 6"};
	static const char *const not_cuits[] = {"33-69345023-8", "12-69345023-9",
	                                        "33-6934502-9", "33-69345023-99"};
	EXPECT_VALID("ar_cuit", cuits);
	EXPECT_INVALID("ar_cuit", not_cuits);
	static const char *const rucs[] = {"20131312955"};
	static const char *const not_rucs[] = {"20131312956", "30131312955", "2013131295"};
	EXPECT_VALID("pe_ruc", rucs);
	EXPECT_INVALID("pe_ruc", not_rucs);
	static const char *const ruts[] = {"60.803.000-K", "60803000-k", "60803000K",
	                                   "12.345.678-5", "7.654.321-6"};
	static const char *const not_ruts[] = {"60.803.000-1", "60.803.000-0", "12.345.678-K",
	                                       "123-5", "60.803.000-X"};
	EXPECT_VALID("cl_rut", ruts);
	EXPECT_INVALID("cl_rut", not_ruts);
	static const char *const nits[] = {"800.197.268-4", "800197268-4", "8001972684",
	                                   "900.123.456-8"};
	static const char *const not_nits[] = {"800.197.268-5", "800.197.268-K", "12345-1"};
	EXPECT_VALID("co_nit", nits);
	EXPECT_INVALID("co_nit", not_nits);
}
END_TEST

/* The examples the issuers and their documentation print (the CPF and CNPJ of the
 * Receita's manuals, INSEE's NIR, the codice fiscale of "Mario Rossi"...), and the
 * same with one thing wrong. */
START_TEST(published_brazil_europe_us_ids)
{
	static const char *const cpfs[] = {"123.456.789-09", "12345678909"};
	static const char *const not_cpfs[] = {"123.456.789-08", "111.111.111-11", "12345678",
	                                       "123.456.789-0"};
	EXPECT_VALID("br_cpf", cpfs);
	EXPECT_INVALID("br_cpf", not_cpfs);
	static const char *const cnpjs[] = {"11.222.333/0001-81", "11222333000181"};
	static const char *const not_cnpjs[] = {"11.222.333/0001-82", "00.000.000/0000-00",
	                                        "11.222.333/0001-8"};
	EXPECT_VALID("br_cnpj", cnpjs);
	EXPECT_INVALID("br_cnpj", not_cnpjs);
	static const char *const ninos[] = {"AB 12 34 56 C", "AB123456C", "ab123456d"};
	static const char *const not_ninos[] = {"QQ 12 34 56 C", "GB 12 34 56 C", "AO 12 34 56 C",
	                                        "AB 12 34 56 E", "AB 12 34 5 C", "A1 12 34 56 C"};
	EXPECT_VALID("uk_nino", ninos);
	EXPECT_INVALID("uk_nino", not_ninos);
	static const char *const nirs[] = {"2 55 08 14 168 025 38", "255081416802538"};
	static const char *const not_nirs[] = {"2 55 08 14 168 025 39", "4 55 08 14 168 025 38",
	                                       "2 55 13 14 168 025 38", "2 55 08 14 168 025 3",
	                                       "2 55 08 2C 168 025 38"};
	EXPECT_VALID("fr_nir", nirs);
	EXPECT_INVALID("fr_nir", not_nirs);
	static const char *const cfs[] = {"RSSMRA85T10A562S"};
	static const char *const not_cfs[] = {"RSSMRA85T10A562T", "RSSMRA85F10A562S",
	                                      "RSSMRA85T10A56S", "RSSMRA85T99A562S"};
	EXPECT_VALID("it_codice_fiscale", cfs);
	EXPECT_INVALID("it_codice_fiscale", not_cfs);
	static const char *const nifs[] = {"123456789", "123 456 789"};
	static const char *const not_nifs[] = {"123456788", "423456789", "12345678"};
	EXPECT_VALID("pt_nif", nifs);
	EXPECT_INVALID("pt_nif", not_nifs);
	static const char *const nsss[] = {"28/12345678/40", "281234567840", "28 12345678 40"};
	static const char *const not_nsss[] = {"28/12345678/41", "99/12345678/40", "2812345678"};
	EXPECT_VALID("es_nss", nsss);
	EXPECT_INVALID("es_nss", not_nsss);
	static const char *const itins[] = {"912-70-1234", "912701234", "999-99-9999"};
	static const char *const not_itins[] = {"912-40-1234", "812-70-1234", "912-93-1234"};
	EXPECT_VALID("us_itin", itins);
	EXPECT_INVALID("us_itin", not_itins);
	static const char *const eins[] = {"12-3456789", "98-7654321"};
	static const char *const not_eins[] = {"07-3456789", "89-3456789", "12-345678"};
	EXPECT_VALID("us_ein", eins);
	EXPECT_INVALID("us_ein", not_eins);
}
END_TEST

/* The mod-11 families computed here a second way: the weights written as a string of
 * digits read from the right, the remainder by repeated subtraction. For each random
 * body the computed check character passes and every other one fails. */
static unsigned weighted_mod11(const char *digits, size_t n, const char *weights_from_right)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned w = (unsigned)(weights_from_right[2 * i] - '0') * 10 +
		             (unsigned)(weights_from_right[2 * i + 1] - '0');
		sum += (unsigned)(digits[n - 1 - i] - '0') * w;
	}
	while (sum >= 11)
		sum -= 11;
	return sum;
}

START_TEST(generated_mod11_ids)
{
	tu_rng rng = {0x11d5};
	char buf[32];
	for (int iter = 0; iter < N_GENERATED / 10; iter++) {
		/* CUIT: type 20/27/30, 8 digits; weights from the right 2 3 4 5 6 7 2 3 4 5. */
		static const char *const types[] = {"20", "27", "30"};
		memcpy(buf, types[tu_rng_below(&rng, 3)], 2);
		for (size_t i = 2; i < 10; i++)
			buf[i] = random_digit(&rng);
		unsigned r = weighted_mod11(buf, 10, "02030405060702030405");
		unsigned cuit = r == 0 ? 0 : 11 - r;
		for (unsigned c = 0; c < 10; c++) {
			buf[10] = (char)('0' + c);
			ck_assert_int_eq(check_bytes(find("ar_cuit"), buf, 11, 0), cuit != 10 && c == cuit);
		}
		/* RUC: type 10/20, same weights; 11 - r with 10 -> 0 and 11 -> 1. */
		buf[0] = tu_rng_below(&rng, 2) ? '1' : '2';
		buf[1] = '0';
		r = weighted_mod11(buf, 10, "02030405060702030405");
		unsigned ruc = (11 - r) % 10;
		for (unsigned c = 0; c < 10; c++) {
			buf[10] = (char)('0' + c);
			ck_assert_int_eq(check_bytes(find("pe_ruc"), buf, 11, 0), c == ruc);
		}
		/* RUT: 8 digits, weights 2..7 repeating from the right, "-" and 0-9 or K. */
		buf[0] = (char)('1' + tu_rng_below(&rng, 9));
		for (size_t i = 1; i < 8; i++)
			buf[i] = random_digit(&rng);
		r = weighted_mod11(buf, 8, "0203040506070203");
		char rut = r == 0 ? '0' : r == 1 ? 'K' : (char)('0' + 11 - r);
		buf[8] = '-';
		for (const char *c = "0123456789K"; *c; c++) {
			buf[9] = *c;
			ck_assert_int_eq(check_bytes(find("cl_rut"), buf, 10, 0), *c == rut);
		}
		/* NIT: 9 digits, DIAN weights; r < 2 -> r, else 11 - r. */
		buf[0] = tu_rng_below(&rng, 2) ? '8' : '9';
		for (size_t i = 1; i < 9; i++)
			buf[i] = random_digit(&rng);
		r = weighted_mod11(buf, 9, "030713171923293741");
		unsigned nit = r < 2 ? r : 11 - r;
		buf[9] = '-';
		for (unsigned c = 0; c < 10; c++) {
			buf[10] = (char)('0' + c);
			ck_assert_int_eq(check_bytes(find("co_nit"), buf, 11, 0), c == nit);
		}
	}
}
END_TEST

/* CURP and RFC built from random parts, the check digit computed from the alphabets as
 * RENAPO and the SAT print them. */
START_TEST(generated_curp_rfc)
{
	static const char curp_alpha[] = "0123456789ABCDEFGHIJKLMN@OPQRSTUVWXYZ"; /* @ = Ñ */
	static const char rfc_alpha[] = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ ";
	static const char consonants[] = "BCDFGHJKLMNPQRSTVWXYZ";
	tu_rng rng = {0xc0e9};
	char c[18], body[13];
	for (int iter = 0; iter < N_GENERATED / 10; iter++) {
		for (size_t i = 0; i < 4; i++)
			c[i] = random_letter(&rng);
		c[1] = "AEIOUX"[tu_rng_below(&rng, 6)];
		snprintf(c + 4, 7, "%02u%02u%02u", (unsigned)tu_rng_below(&rng, 100),
		         (unsigned)(1 + tu_rng_below(&rng, 12)), (unsigned)(1 + tu_rng_below(&rng, 28)));
		c[10] = tu_rng_below(&rng, 2) ? 'H' : 'M';
		memcpy(c + 11, "JC", 2);
		for (size_t i = 13; i < 16; i++)
			c[i] = consonants[tu_rng_below(&rng, sizeof consonants - 1)];
		c[16] = tu_rng_below(&rng, 2) ? random_digit(&rng) : random_letter(&rng);
		unsigned sum = 0;
		for (size_t i = 0; i < 17; i++)
			sum += (unsigned)(strchr(curp_alpha, c[i]) - curp_alpha) * (unsigned)(18 - i);
		unsigned d = (10 - sum % 10) % 10;
		for (unsigned k = 0; k < 10; k++) {
			c[17] = (char)('0' + k);
			ck_assert_int_eq(check_bytes(find("mx_curp"), c, 18, 0), k == d);
		}
		/* RFC of a person (13) or a company (12, padded with a space). */
		size_t letters = tu_rng_below(&rng, 2) ? 4 : 3, at = 0;
		if (letters == 3)
			body[at++] = ' ';
		for (size_t i = 0; i < letters; i++)
			body[at++] = random_letter(&rng);
		memcpy(body + at, c + 4, 6);
		at += 6;
		body[at++] = random_letter(&rng);
		body[at++] = random_digit(&rng);
		sum = 0;
		for (size_t i = 0; i < 12; i++)
			sum += (unsigned)(strchr(rfc_alpha, body[i]) - rfc_alpha) * (unsigned)(13 - i);
		unsigned r = sum % 11;
		char expect = r == 0 ? '0' : r == 1 ? 'A' : (char)('0' + 11 - r);
		for (const char *k = "0123456789A"; *k; k++) {
			body[12] = *k;
			const char *text = letters == 3 ? body + 1 : body;
			ck_assert_int_eq(check_bytes(find("mx_rfc"), text, letters + 9, 0), *k == expect);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("validators");
	TCase *cards = tcase_create("luhn");
	tcase_add_test(cards, published_card_numbers);
	tcase_add_test(cards, generated_card_numbers);
	tcase_add_test(cards, luhn_misses_09_swaps);
	suite_add_tcase(s, cards);
	TCase *iban = tcase_create("iban");
	tcase_add_test(iban, published_ibans);
	tcase_add_test(iban, test_iban_table_is_consistent);
	tcase_add_test(iban, generated_ibans);
	tcase_add_test(iban, iban_structure_beyond_the_checksum);
	tcase_add_test(iban, iban_check_digits_01_and_99);
	suite_add_tcase(s, iban);
	TCase *spain = tcase_create("spain");
	tcase_add_test(spain, published_dni_nie);
	tcase_add_test(spain, generated_dni_nie);
	tcase_add_test(spain, published_cifs);
	tcase_add_test(spain, generated_cifs);
	tcase_add_test(spain, nif_accepts_every_kind);
	suite_add_tcase(s, spain);
	TCase *us = tcase_create("us");
	tcase_add_test(us, ssn_rules);
	tcase_add_test(us, generated_ssns);
	suite_add_tcase(s, us);
	TCase *entropy = tcase_create("entropy");
	tcase_add_test(entropy, entropy_thresholds);
	tcase_add_test(entropy, generated_entropy);
	suite_add_tcase(s, entropy);
	TCase *ids = tcase_create("ids");
	tcase_add_test(ids, separators_and_old_nifs);
	tcase_add_test(ids, phone_lengths);
	tcase_add_test(ids, published_latam_ids);
	tcase_add_test(ids, published_brazil_europe_us_ids);
	tcase_add_test(ids, generated_mod11_ids);
	tcase_add_test(ids, generated_curp_rfc);
	suite_add_tcase(s, ids);
	TCase *names = tcase_create("names");
	tcase_add_test(names, parse_specs);
	tcase_add_test(names, suggestions);
	suite_add_tcase(s, names);
	TCase *hostile = tcase_create("hostile");
	tcase_add_test(hostile, empty_null_and_non_ascii);
	tcase_add_test(hostile, length_limits);
	tcase_add_test(hostile, random_bytes);
	suite_add_tcase(s, hostile);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
