/*
 * The first validators of regex candidates: cards (Luhn), IBANs, the Spanish DNI, NIE,
 * NIF and CIF, US SSNs, and the Shannon entropy of a token. Each reads the candidate's
 * ASCII characters, skips the separators its format allows, and checks the format's own
 * arithmetic: the check digit of a card (Luhn), of an IBAN (ISO 13616 mod 97), the
 * control letter of a Spanish DNI/NIE, the control character of a CIF, the assignment
 * rules of US SSNs. No allocation. validators.c registers them (with the length caps
 * that bound a hostile regex match to a few dozen steps); validators_ids.c builds on
 * them. References and limits: docs/validators.md.
 */
#include "validators.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The buffers of the formats: the longest IBAN is 34 characters, 42 with a space every
 * four; the registry never passes more than MESURA_VALIDATOR_MAX_FORMAT_LEN bytes. */
#define MAX_FORMAT_LEN MESURA_VALIDATOR_MAX_FORMAT_LEN

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* strchr would also find the terminating NUL, so a NUL byte in the text would pass for
 * a separator. */
static int is_one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* The value of n decimal digits (n <= 9, so it fits in 32 bits). */
static uint32_t decimal_value(const char *d, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint32_t)(d[i] - '0');
	return v;
}

/* Copies the bytes of s[0..len) that are not in `seps` into out (MAX_FORMAT_LEN bytes),
 * upper-cased; returns their count, or 0 when a byte is not ASCII. The caller has
 * already bounded len by MAX_FORMAT_LEN. */
static size_t strip_separators(const char *s, size_t len, const char *seps, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return 0;
		if (!is_one_of(s[i], seps))
			out[n++] = to_upper(s[i]);
	}
	return n;
}

/* ------------------------------------------------------------ reading fixed formats */

/* A cursor over a candidate whose separators sit at fixed places (Spanish IDs, SSNs). */
typedef struct {
	const char *s;
	size_t len, at;
} reader;

static int reader_done(const reader *r)
{
	return r->at == r->len;
}

/* Reads exactly n ASCII digits into out. */
static int read_digits(reader *r, size_t n, char *out)
{
	if (r->len - r->at < n || !all_digits(r->s + r->at, n))
		return 0;
	memcpy(out, r->s + r->at, n);
	r->at += n;
	return 1;
}

/* Reads one ASCII letter or digit, upper-cased. */
static int read_alnum(reader *r, char *out)
{
	if (r->at == r->len)
		return 0;
	char c = to_upper(r->s[r->at]);
	if (!is_upper(c) && !is_digit(c))
		return 0;
	*out = c;
	r->at++;
	return 1;
}

/* Skips one byte when it is one of `seps`: the optional separator of a format. */
static void skip_separator(reader *r, const char *seps)
{
	if (r->at < r->len && is_one_of(r->s[r->at], seps))
		r->at++;
}

static int expect_byte(reader *r, char c)
{
	if (r->at == r->len || r->s[r->at] != c)
		return 0;
	r->at++;
	return 1;
}

/* ------------------------------------------------------------ cards */

/* Luhn (ISO/IEC 7812-1 annex B): from the right, every second digit is doubled and
 * its digits summed; a valid number sums to a multiple of 10. */
static unsigned luhn_sum(const char *d, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)(d[n - 1 - i] - '0');
		if (i % 2 == 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum;
}

static int is_all_zero(const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] != '0')
			return 0;
	return 1;
}

/* Card numbers (PANs) have 13 to 19 digits; spaces and dashes may group them anywhere,
 * since a regex such as (?:\d[ -]?){13,19} also takes a trailing separator. */
int mesura_match__check_luhn(const char *s, size_t len, double param)
{
	(void)param;
	char d[MAX_FORMAT_LEN];
	size_t n = strip_separators(s, len, " -", d);
	if (n < 13 || n > 19 || !all_digits(d, n) || is_all_zero(d, n))
		return 0;
	return luhn_sum(d, n) % 10 == 0;
}

/* ------------------------------------------------------------ IBAN */

/* IBAN length and BBAN structure by country, from the SWIFT IBAN registry (ISO 13616
 * registration authority). The structure is written as the registry writes it: "5!n"
 * is five digits, "4!a" four upper-case letters, "11!c" eleven letters or digits.
 * Every SEPA country is here, and the registry's other countries. Overseas territories
 * that use another country's code (FR for Réunion, GB for Jersey, FI for Åland) are
 * covered by that code. */
typedef struct {
	char country[3];
	unsigned char length;
	const char *bban;
} iban_format;

static const iban_format IBAN_FORMATS[] = {
	{"AD", 24, "4!n4!n12!c"},         {"AE", 23, "3!n16!n"},
	{"AL", 28, "8!n16!c"},            {"AT", 20, "5!n11!n"},
	{"AZ", 28, "4!a20!c"},            {"BA", 20, "3!n3!n8!n2!n"},
	{"BE", 16, "3!n7!n2!n"},          {"BG", 22, "4!a4!n2!n8!c"},
	{"BH", 22, "4!a14!c"},            {"BI", 27, "5!n5!n11!n2!n"},
	{"BR", 29, "8!n5!n10!n1!a1!c"},   {"BY", 28, "4!c4!n16!c"},
	{"CH", 21, "5!n12!c"},            {"CR", 22, "4!n14!n"},
	{"CY", 28, "3!n5!n16!c"},         {"CZ", 24, "4!n6!n10!n"},
	{"DE", 22, "8!n10!n"},            {"DJ", 27, "5!n5!n11!n2!n"},
	{"DK", 18, "4!n9!n1!n"},          {"DO", 28, "4!c20!n"},
	{"EE", 20, "2!n14!n"},            {"EG", 29, "4!n4!n17!n"},
	{"ES", 24, "4!n4!n1!n1!n10!n"},   {"FI", 18, "3!n11!n"},
	{"FK", 18, "2!a12!n"},            {"FO", 18, "4!n9!n1!n"},
	{"FR", 27, "5!n5!n11!c2!n"},      {"GB", 22, "4!a6!n8!n"},
	{"GE", 22, "2!a16!n"},            {"GI", 23, "4!a15!c"},
	{"GL", 18, "4!n9!n1!n"},          {"GR", 27, "3!n4!n16!c"},
	{"GT", 28, "4!c20!c"},            {"HN", 28, "4!a20!n"},
	{"HR", 21, "7!n10!n"},            {"HU", 28, "3!n4!n1!n15!n1!n"},
	{"IE", 22, "4!a6!n8!n"},          {"IL", 23, "3!n3!n13!n"},
	{"IQ", 23, "4!a3!n12!n"},         {"IS", 26, "4!n2!n6!n10!n"},
	{"IT", 27, "1!a5!n5!n12!c"},      {"JO", 30, "4!a4!n18!c"},
	{"KW", 30, "4!a22!c"},            {"KZ", 20, "3!n13!c"},
	{"LB", 28, "4!n20!c"},            {"LC", 32, "4!a24!c"},
	{"LI", 21, "5!n12!c"},            {"LT", 20, "5!n11!n"},
	{"LU", 20, "3!n13!c"},            {"LV", 21, "4!a13!c"},
	{"LY", 25, "3!n3!n15!n"},         {"MC", 27, "5!n5!n11!c2!n"},
	{"MD", 24, "2!c18!c"},            {"ME", 22, "3!n13!n2!n"},
	{"MK", 19, "3!n10!c2!n"},         {"MN", 20, "4!n12!n"},
	{"MR", 27, "5!n5!n11!n2!n"},      {"MT", 31, "4!a5!n18!c"},
	{"MU", 30, "4!a2!n2!n12!n3!n3!a"}, {"NI", 28, "4!a20!n"},
	{"NL", 18, "4!a10!n"},            {"NO", 15, "4!n6!n1!n"},
	{"OM", 23, "3!n16!c"},            {"PK", 24, "4!a16!c"},
	{"PL", 28, "8!n16!n"},            {"PS", 29, "4!a21!c"},
	{"PT", 25, "4!n4!n11!n2!n"},      {"QA", 29, "4!a21!c"},
	{"RO", 24, "4!a16!c"},            {"RS", 22, "3!n13!n2!n"},
	{"RU", 33, "9!n5!n15!c"},         {"SA", 24, "2!n18!c"},
	{"SC", 31, "4!a2!n2!n16!n3!a"},   {"SD", 18, "2!n12!n"},
	{"SE", 24, "3!n16!n1!n"},         {"SI", 19, "5!n8!n2!n"},
	{"SK", 24, "4!n6!n10!n"},         {"SM", 27, "1!a5!n5!n12!c"},
	{"SO", 23, "4!n3!n12!n"},         {"ST", 25, "4!n4!n11!n2!n"},
	{"SV", 28, "4!a20!n"},            {"TL", 23, "3!n14!n2!n"},
	{"TN", 24, "2!n3!n13!n2!n"},      {"TR", 26, "5!n1!n16!c"},
	{"UA", 29, "6!n19!c"},            {"VA", 22, "3!n15!n"},
	{"VG", 24, "4!a16!n"},            {"XK", 20, "4!n10!n2!n"},
	{"YE", 30, "4!a4!n18!c"},
};

static const iban_format *iban_format_of(const char *country)
{
	for (size_t i = 0; i < sizeof IBAN_FORMATS / sizeof IBAN_FORMATS[0]; i++)
		if (memcmp(IBAN_FORMATS[i].country, country, 2) == 0)
			return &IBAN_FORMATS[i];
	return NULL;
}

static int in_class(char c, char cls)
{
	switch (cls) {
	case 'n': return is_digit(c);
	case 'a': return is_upper(c);
	case 'c': return is_digit(c) || is_upper(c);
	default: return 0;
	}
}

/* Whether bban[0..n) (upper case) has the registry structure `spec`, all of it: this
 * is what keeps letters out of the places where a country only has digits. */
static int bban_matches(const char *bban, size_t n, const char *spec)
{
	size_t at = 0;
	while (*spec) {
		size_t count = 0;
		while (is_digit(*spec))
			count = count * 10 + (size_t)(*spec++ - '0');
		if (*spec++ != '!' || count > n - at)
			return 0;
		char cls = *spec++;
		if (cls == '\0')
			return 0;
		for (size_t i = 0; i < count; i++)
			if (!in_class(bban[at++], cls))
				return 0;
	}
	return at == n;
}

/* ISO 13616 / ISO 7064 MOD 97-10: the IBAN with its first four characters moved to the
 * end, letters read as 10..35, is a number whose remainder mod 97 is 1. Taken one
 * character at a time, so the remainder stays below 9700 and no big integer is needed. */
static unsigned iban_mod97(const char *c, size_t n)
{
	unsigned rem = 0;
	for (size_t k = 0; k < n; k++) {
		char ch = c[(k + 4) % n];
		if (is_digit(ch))
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
	}
	return rem;
}

/* Country, 2 check digits, BBAN; spaces anywhere (the paper form groups by four);
 * lower case read as upper case, as people type it. */
int mesura_match__check_iban(const char *s, size_t len, double param)
{
	(void)param;
	char c[MAX_FORMAT_LEN];
	size_t n = strip_separators(s, len, " ", c);
	if (n < 5)
		return 0;
	const iban_format *f = iban_format_of(c);
	if (!f || n != f->length || !all_digits(c + 2, 2))
		return 0;
	/* 98 - (remainder) gives 02..98: 00, 01 and 99 are never issued even where they
	 * would satisfy the remainder. */
	uint32_t check = decimal_value(c + 2, 2);
	if (check < 2 || check > 98)
		return 0;
	return bban_matches(c + 4, n - 4, f->bban) && iban_mod97(c, n) == 1;
}

/* ------------------------------------------------------------ Spain */

/* Control letter of the DNI, also used by NIE and K/L/M NIFs: the number mod 23 picks
 * it (Ministerio del Interior). */
static char dni_letter(uint32_t number)
{
	return "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23];
}

/* The 8 digits of a DNI, plain ("12345678") or grouped by dots ("12.345.678"). */
static int read_dni_number(reader *r, char digits[8])
{
	reader plain = *r;
	if (read_digits(&plain, 8, digits)) {
		*r = plain;
		return 1;
	}
	return read_digits(r, 2, digits) && expect_byte(r, '.') && read_digits(r, 3, digits + 2) &&
	       expect_byte(r, '.') && read_digits(r, 3, digits + 5);
}

/* DNI: 8 digits, an optional '-' or space, the control letter ("12345678Z"). */
int mesura_match__check_es_dni(const char *s, size_t len, double param)
{
	(void)param;
	reader r = {s, len, 0};
	char digits[8], letter;
	if (!read_dni_number(&r, digits))
		return 0;
	skip_separator(&r, "- ");
	return read_alnum(&r, &letter) && reader_done(&r) &&
	       letter == dni_letter(decimal_value(digits, 8));
}

/* A letter from `prefixes`, 7 digits and a control character, with an optional '-' or
 * space after the letter and before the control ("X-1234567-L"): the shape of NIEs,
 * K/L/M NIFs and CIFs. */
static int read_lettered_id(const char *s, size_t len, const char *prefixes, char *prefix,
                            char digits[7], char *control)
{
	reader r = {s, len, 0};
	if (!read_alnum(&r, prefix) || !is_one_of(*prefix, prefixes))
		return 0;
	skip_separator(&r, "- ");
	if (!read_digits(&r, 7, digits))
		return 0;
	skip_separator(&r, "- ");
	return read_alnum(&r, control) && reader_done(&r);
}

/* NIE: X, Y or Z standing for 0, 1, 2 before the 7 digits, then the DNI letter of the
 * 8-digit number. */
int mesura_match__check_es_nie(const char *s, size_t len, double param)
{
	(void)param;
	char prefix, digits[7], control;
	if (!read_lettered_id(s, len, "XYZ", &prefix, digits, &control))
		return 0;
	uint32_t number = (uint32_t)(prefix - 'X') * 10000000u + decimal_value(digits, 7);
	return control == dni_letter(number);
}

/* NIF of people without DNI or NIE (K: Spaniards under 14, L: Spaniards living abroad,
 * M: foreigners without NIE): the DNI letter of the 7 digits. */
static int is_klm_nif(const char *s, size_t len)
{
	char prefix, digits[7], control;
	return read_lettered_id(s, len, "KLM", &prefix, digits, &control) &&
	       control == dni_letter(decimal_value(digits, 7));
}

/* The CIF control: digits at odd positions (1st, 3rd, ...) doubled and their digits
 * summed, even positions added; the control digit is (10 - sum mod 10) mod 10, and the
 * control letter is "JABCDEFGHI" at that digit. */
static unsigned cif_control_digit(const char digits[7])
{
	unsigned sum = 0;
	for (size_t i = 0; i < 7; i++) {
		unsigned d = (unsigned)(digits[i] - '0');
		if (i % 2 == 0)
			d = d * 2 / 10 + d * 2 % 10;
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

/* CIF (NIF of organisations): the organisation letter (Orden EHA/451/2008), 7 digits
 * (2 of province, 5 of registration), a control character. Public bodies (P, Q, R, S),
 * permanent establishments of non-residents (W) and non-residents (province 00) use the
 * letter; companies (A, B), communities of goods (E) and of owners (H) the digit; the
 * other types have used either. */
int mesura_match__check_es_cif(const char *s, size_t len, double param)
{
	(void)param;
	char type, digits[7], control;
	if (!read_lettered_id(s, len, "ABCDEFGHJNPQRSUVW", &type, digits, &control))
		return 0;
	unsigned d = cif_control_digit(digits);
	char as_digit = (char)('0' + d), as_letter = "JABCDEFGHI"[d];
	int non_resident = digits[0] == '0' && digits[1] == '0';
	if (is_one_of(type, "PQRSW") || non_resident)
		return control == as_letter;
	if (is_one_of(type, "ABEH"))
		return control == as_digit;
	return control == as_digit || control == as_letter;
}

/* NIF: any tax number, of a person (DNI, NIE, K/L/M) or of an organisation (CIF). */
int mesura_match__check_es_nif(const char *s, size_t len, double param)
{
	return mesura_match__check_es_dni(s, len, param) ||
	       mesura_match__check_es_nie(s, len, param) || is_klm_nif(s, len) ||
	       mesura_match__check_es_cif(s, len, param);
}

/* ------------------------------------------------------------ US */

/* SSN: AAA-GG-SSSS, as 9 digits or with the same '-' or space after the area and the
 * group. Never assigned (SSA): area 000, 666 and 900-999, group 00, serial 0000; and
 * the numbers printed on sample cards in advertising, 078-05-1120 (Woolworth's wallet,
 * 1938) and 219-09-9999 (SSA pamphlet). Since 2011 (randomisation) no other rule
 * holds: areas 734-749 and 773-899 are issued too. */
int mesura_match__check_us_ssn(const char *s, size_t len, double param)
{
	(void)param;
	char d[9];
	if (len == 9) {
		memcpy(d, s, 9);
	} else if (len == 11 && is_one_of(s[3], "- ") && s[6] == s[3]) {
		memcpy(d, s, 3);
		memcpy(d + 3, s + 4, 2);
		memcpy(d + 5, s + 7, 4);
	} else {
		return 0;
	}
	if (!all_digits(d, 9))
		return 0;
	uint32_t area = decimal_value(d, 3), group = decimal_value(d + 3, 2);
	uint32_t serial = decimal_value(d + 5, 4);
	if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
		return 0;
	return memcmp(d, "078051120", 9) != 0 && memcmp(d, "219099999", 9) != 0;
}

/* ------------------------------------------------------------ secrets */

/* Shannon entropy in bits per character of a text whose byte counts are `counts`:
 * H = log2(n) - (1/n) * sum(c * log2(c)). */
static double shannon_bits(const uint16_t counts[128], size_t n)
{
	double sum = 0;
	for (size_t b = 0; b < 128; b++)
		if (counts[b] > 1)
			sum += counts[b] * log2(counts[b]);
	return log2((double)n) - sum / (double)n;
}

/* entropy>=N: the text's bytes carry at least N bits each (a random base64 token about
 * 5 and more, English words about 3, "aaaa" 0). ASCII only: keys and tokens are. */
int mesura_match__check_entropy(const char *s, size_t len, double param)
{
	uint16_t counts[128] = {0}; /* len <= MAX_ENTROPY_LEN fits */
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return 0;
		counts[c]++;
	}
	/* Rounding must not fail a text exactly at the threshold (16 distinct bytes: 4.0). */
	return shannon_bits(counts, len) + 1e-9 >= param;
}
