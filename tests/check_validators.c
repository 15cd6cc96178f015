/* Validators, with published test vectors and with values generated here by
 * independent code (check digits computed in the test, not by the validator). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/validators.h"
#include "testutil.h"

static int passes(const char *name, const char *text)
{
	const mesura_validator *v;
	double param;
	ck_assert_int_eq(mesura_policy__validator_parse(name, strlen(name), &v, &param), 0);
	return mesura_policy__validator_check(v, text, strlen(text), param);
}

START_TEST(published_card_numbers)
{
	/* Test numbers published by payment processors (Stripe, PayPal sandbox docs). */
	static const char *valid[] = {"4111111111111111", "4111 1111 1111 1111", "5555555555554444",
	                              "378282246310005", "6011111111111117", "3566002020360505",
	                              "4012-8888-8888-1881", "5105105105105100"};
	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
		ck_assert_msg(passes("luhn", valid[i]), "%s", valid[i]);
	static const char *invalid[] = {"4111111111111112", "1234567890123", "0000000000000000",
	                                "411111111111", "4111a11111111111", "41111111111111111111"};
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		ck_assert_msg(!passes("luhn", invalid[i]), "%s", invalid[i]);
}
END_TEST

/* Luhn check digit written independently: double every second digit from the right of
 * the payload (the check digit's position counts as first). */
static char luhn_digit(const char *payload, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = payload[n - 1 - i] - '0';
		if (i % 2 == 0)
			d = d * 2 % 10 + d * 2 / 10;
		sum += d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

START_TEST(generated_card_numbers)
{
	tu_rng rng = {21};
	char card[24];
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 13 + tu_rng_below(&rng, 7);
		card[0] = (char)('1' + tu_rng_below(&rng, 9));
		for (size_t i = 1; i < n - 1; i++)
			card[i] = (char)('0' + tu_rng_below(&rng, 10));
		card[n - 1] = luhn_digit(card, n - 1);
		card[n] = '\0';
		ck_assert_msg(passes("luhn", card), "%s", card);
		size_t k = tu_rng_below(&rng, n); /* Luhn catches every single-digit change */
		card[k] = (char)('0' + (card[k] - '0' + 1 + (int)tu_rng_below(&rng, 9)) % 10);
		ck_assert_msg(!passes("luhn", card), "changed digit %zu: %s", k, card);
	}
}
END_TEST

START_TEST(published_ibans)
{
	/* Examples of the SWIFT IBAN registry. */
	static const char *valid[] = {"ES91 2100 0418 4502 0005 1332", "DE89370400440532013000",
	                              "GB29 NWBK 6016 1331 9268 19", "FR14 2004 1010 0505 0001 3M02 606",
	                              "NL91ABNA0417164300", "BE68539007547034", "gb29nwbk60161331926819"};
	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
		ck_assert_msg(passes("iban", valid[i]), "%s", valid[i]);
	static const char *invalid[] = {"ES91 2100 0418 4502 0005 1333", "ES9121000418450200051",
	                                "XX91 2100 0418 4502 0005 1332", "GB29 NWBK 6016 1331 9268 1",
	                                "DE8937040044053201300X", ""};
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		ck_assert_msg(!passes("iban", invalid[i]), "%s", invalid[i]);
}
END_TEST

/* The IBAN check digits of country + BBAN, by long division of the decimal string. */
static void iban_check_digits(const char *country, const char *bban, char out[4])
{
	char digits[128];
	size_t n = 0;
	char rearranged[64];
	snprintf(rearranged, sizeof rearranged, "%s%s00", bban, country);
	for (const char *p = rearranged; *p; p++)
		n += (size_t)(*p >= 'A' ? sprintf(digits + n, "%d", *p - 'A' + 10)
		                        : sprintf(digits + n, "%c", *p));
	int remainder = 0;
	for (size_t i = 0; i < n; i++)
		remainder = (remainder * 10 + (digits[i] - '0')) % 97;
	int check = 98 - remainder; /* 1..98 */
	out[0] = (char)('0' + check / 10);
	out[1] = (char)('0' + check % 10);
	out[2] = '\0';
}

START_TEST(generated_ibans)
{
	static const struct {
		const char *country;
		int bban_len;
	} countries[] = {{"ES", 20}, {"DE", 18}, {"FR", 23}, {"IT", 23}, {"PT", 21}, {"NL", 14}};
	tu_rng rng = {8};
	for (int iter = 0; iter < 3000; iter++) {
		size_t c = tu_rng_below(&rng, sizeof countries / sizeof *countries);
		char bban[40], check[4], iban[48];
		for (int i = 0; i < countries[c].bban_len; i++)
			bban[i] = (char)('0' + tu_rng_below(&rng, 10));
		bban[countries[c].bban_len] = '\0';
		iban_check_digits(countries[c].country, bban, check);
		snprintf(iban, sizeof iban, "%s%s%s", countries[c].country, check, bban);
		ck_assert_msg(passes("iban", iban), "%s", iban);
		size_t k = 4 + tu_rng_below(&rng, (size_t)countries[c].bban_len);
		iban[k] = (char)('0' + (iban[k] - '0' + 1) % 10); /* mod 97 catches it */
		ck_assert_msg(!passes("iban", iban), "%s", iban);
	}
}
END_TEST

START_TEST(spanish_ids)
{
	/* The Ministry of the Interior's algorithm: letter = TRWAGMYFPDXBNJZSQVHLCKE[n % 23]. */
	ck_assert(passes("es_dni", "12345678Z"));
	ck_assert(passes("es_dni", "12345678-z"));
	ck_assert(!passes("es_dni", "12345678A"));
	ck_assert(passes("es_nie", "X1234567L"));
	ck_assert(passes("es_nie", "Y1234567X"));
	ck_assert(!passes("es_nie", "X1234567A"));
	ck_assert(passes("es_nif", "12345678Z"));
	ck_assert(passes("es_nif", "X1234567L"));
	static const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	tu_rng rng = {99};
	for (int iter = 0; iter < 5000; iter++) {
		unsigned long n = (unsigned long)tu_rng_below(&rng, 100000000);
		char dni[16], nie[16];
		snprintf(dni, sizeof dni, "%08lu%c", n, letters[n % 23]);
		ck_assert_msg(passes("es_dni", dni), "%s", dni);
		dni[8] = letters[(n + 1) % 23];
		ck_assert_msg(!passes("es_dni", dni), "%s", dni);
		unsigned long prefix = (unsigned long)tu_rng_below(&rng, 3), body = n % 10000000;
		snprintf(nie, sizeof nie, "%c%07lu%c", "XYZ"[prefix], body,
		         letters[(prefix * 10000000 + body) % 23]);
		ck_assert_msg(passes("es_nie", nie), "%s", nie);
	}
}
END_TEST

/* CIF control character computed here: odd positions doubled and digit-summed. */
static void cif_control(const char *digits7, char *digit, char *letter)
{
	int sum = 0;
	for (int i = 0; i < 7; i++) {
		int d = digits7[i] - '0';
		sum += i % 2 == 0 ? (d * 2) / 10 + (d * 2) % 10 : d;
	}
	int c = (10 - sum % 10) % 10;
	*digit = (char)('0' + c);
	*letter = "JABCDEFGHI"[c];
}

START_TEST(spanish_cifs)
{
	tu_rng rng = {4};
	for (int iter = 0; iter < 3000; iter++) {
		char cif[12], d, l;
		char kind = "ABEHPQSNW"[tu_rng_below(&rng, 9)];
		cif[0] = kind;
		for (int i = 1; i <= 7; i++)
			cif[i] = (char)('0' + tu_rng_below(&rng, 10));
		cif[8] = '\0';
		cif_control(cif + 1, &d, &l);
		int uses_letter = strchr("PQSNW", kind) != NULL;
		cif[8] = uses_letter ? l : d;
		cif[9] = '\0';
		ck_assert_msg(passes("es_cif", cif), "%s", cif);
		ck_assert_msg(passes("es_nif", cif), "%s", cif);
		cif[8] = uses_letter ? d : l; /* the wrong kind of control character */
		if (cif[8] != (uses_letter ? l : d))
			ck_assert_msg(!passes("es_cif", cif), "%s", cif);
	}
	ck_assert(!passes("es_cif", "I1234567A")); /* I is not an organisation letter */
}
END_TEST

START_TEST(us_social_security_numbers)
{
	ck_assert(passes("us_ssn", "123-45-6789"));
	ck_assert(passes("us_ssn", "123 45 6789"));
	ck_assert(passes("us_ssn", "899451234"));
	static const char *invalid[] = {"000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456",
	                                "123-00-4567", "123-45-0000", "078-05-1120", "219-09-9999",
	                                "12-345-678", "123-45-67890"};
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		ck_assert_msg(!passes("us_ssn", invalid[i]), "%s", invalid[i]);
}
END_TEST

START_TEST(entropy_and_parsing)
{
	ck_assert(!passes("entropy>=3.5", "aaaaaaaaaaaaaaaa"));
	ck_assert(passes("entropy>=3.5", "9fJ2kQ7xLmP0zR4tWb8vYc1nHs6dGe3u"));
	ck_assert(passes("entropy >= 1", "ab"));
	const mesura_validator *v;
	double param;
	ck_assert_int_eq(mesura_policy__validator_parse("entropy>=4.25", 13, &v, &param), 0);
	ck_assert(param > 4.24 && param < 4.26);
	ck_assert_str_eq(mesura_policy__validator_name(v), "entropy");
	ck_assert_int_eq(mesura_policy__validator_parse("entropy", 7, &v, &param), -2);
	ck_assert_int_eq(mesura_policy__validator_parse("entropy>=x", 10, &v, &param), -2);
	ck_assert_int_eq(mesura_policy__validator_parse("luhn>=3", 7, &v, &param), -2);
	ck_assert_int_eq(mesura_policy__validator_parse("lun", 3, &v, &param), -1);
	ck_assert_str_eq(mesura_policy__validator_suggest("lun", 3), "luhn");
	ck_assert_str_eq(mesura_policy__validator_suggest("es-dni", 6), "es_dni");
	ck_assert_ptr_null(mesura_policy__validator_suggest("passport", 8));
	/* Bad input never crashes: empty, non-ASCII, NUL, very long. */
	char big[5000];
	memset(big, '4', sizeof big);
	ck_assert_int_eq(mesura_policy__validator_parse("luhn", 4, &v, &param), 0);
	ck_assert(!mesura_policy__validator_check(v, "", 0, 0));
	ck_assert(!mesura_policy__validator_check(v, "4111\xc2\xa0" "1111 1111 1111", 20, 0));
	ck_assert(!mesura_policy__validator_check(v, "4111\0" "111111111111", 16, 0));
	ck_assert(!mesura_policy__validator_check(v, big, sizeof big, 0));
	ck_assert(!mesura_policy__validator_check(NULL, "1", 1, 0));
}
END_TEST

static Suite *validators_suite(void)
{
	Suite *s = suite_create("validators");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, published_card_numbers);
	tcase_add_test(tc, generated_card_numbers);
	tcase_add_test(tc, published_ibans);
	tcase_add_test(tc, generated_ibans);
	tcase_add_test(tc, spanish_ids);
	tcase_add_test(tc, spanish_cifs);
	tcase_add_test(tc, us_social_security_numbers);
	tcase_add_test(tc, entropy_and_parsing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(validators_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
