/*
 * Validators of regex candidates. Each reads the candidate's ASCII characters, skips
 * the separators its format allows, and checks the format's own arithmetic: the check
 * digit of a card (Luhn), of an IBAN (ISO 13616 mod 97), the control letter of a
 * Spanish DNI/NIE, the control character of a CIF, the assignment rules of US SSNs.
 * No allocation; inputs longer than any real value fail at once.
 */
#include "validators.h"

#include "diagnostics.h"

#include <math.h>
#include <string.h>

typedef int (*check_fn)(const char *s, size_t len, double param);

struct mesura_validator {
	const char *name;
	check_fn check;
	int takes_param;
};

#define MAX_CANDIDATE 64

/* Copies the characters of s that are not in `skip` into out (MAX_CANDIDATE + 1
 * bytes), upper-cased; returns the count, or 0 when s is too long or not ASCII. */
static size_t compact(const char *s, size_t len, const char *skip, char *out)
{
	size_t n = 0;
	if (len > MAX_CANDIDATE * 2)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || c == 0)
			return 0;
		if (strchr(skip, c))
			continue;
		if (n == MAX_CANDIDATE)
			return 0;
		out[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	out[n] = '\0';
	return n;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* ------------------------------------------------------------ cards */

static int check_luhn(const char *s, size_t len, double param)
{
	(void)param;
	char d[MAX_CANDIDATE + 1];
	size_t n = compact(s, len, " -", d);
	if (n < 13 || n > 19 || !all_digits(d, n) || strspn(d, "0") == n)
		return 0;
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)(d[n - 1 - i] - '0');
		if (i % 2 == 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum % 10 == 0;
}

/* ------------------------------------------------------------ IBAN */

/* IBAN lengths by country, from the SWIFT IBAN registry. */
static const struct {
	char country[3];
	unsigned char length;
} iban_lengths[] = {
	{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
	{"BG", 22}, {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28},
	{"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24},
	{"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18},
	{"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23},
	{"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
	{"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22},
	{"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
	{"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24},
	{"SC", 31}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28},
	{"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

static size_t iban_length(const char *country)
{
	for (size_t i = 0; i < sizeof iban_lengths / sizeof iban_lengths[0]; i++)
		if (memcmp(iban_lengths[i].country, country, 2) == 0)
			return iban_lengths[i].length;
	return 0;
}

/* ISO 13616: move the first four characters to the end, letters to 10..35, the whole
 * number mod 97 must be 1. Computed piecewise, so no big integers. */
static int check_iban(const char *s, size_t len, double param)
{
	(void)param;
	char c[MAX_CANDIDATE + 1];
	size_t n = compact(s, len, " ", c);
	if (n < 15 || n != iban_length(c) || !all_digits(c + 2, 2))
		return 0;
	unsigned remainder = 0;
	for (size_t k = 0; k < n; k++) {
		char ch = c[(k + 4) % n];
		if (ch >= '0' && ch <= '9')
			remainder = (remainder * 10 + (unsigned)(ch - '0')) % 97;
		else if (ch >= 'A' && ch <= 'Z')
			remainder = (remainder * 100 + (unsigned)(ch - 'A' + 10)) % 97;
		else
			return 0;
	}
	return remainder == 1;
}

/* ------------------------------------------------------------ Spain */

static const char DNI_LETTERS[] = "TRWAGMYFPDXBNJZSQVHLCKE";

/* n digits of s as a number (n <= 9, digits checked by the caller). */
static unsigned long number_of(const char *s, size_t n)
{
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	return v;
}

/* DNI: 8 digits and the letter of their value mod 23 ("12345678Z"). */
static int check_es_dni(const char *s, size_t len, double param)
{
	(void)param;
	char c[MAX_CANDIDATE + 1];
	size_t n = compact(s, len, " -", c);
	return n == 9 && all_digits(c, 8) && DNI_LETTERS[number_of(c, 8) % 23] == c[8];
}

/* NIE: X, Y or Z (standing for 0, 1, 2), 7 digits and the DNI letter of the number. */
static int check_es_nie(const char *s, size_t len, double param)
{
	(void)param;
	char c[MAX_CANDIDATE + 1];
	size_t n = compact(s, len, " -", c);
	if (n != 9 || !strchr("XYZ", c[0]) || c[0] == '\0' || !all_digits(c + 1, 7))
		return 0;
	unsigned long value = (unsigned long)(c[0] - 'X') * 10000000ul + number_of(c + 1, 7);
	return DNI_LETTERS[value % 23] == c[8];
}

/* CIF: an organisation letter, 7 digits, and a control digit or letter computed from
 * the digits (odd positions doubled, digits summed). Some organisation types always
 * use a letter (P Q R S N W), some always a digit (A B E H), the rest either. */
static int check_es_cif(const char *s, size_t len, double param)
{
	(void)param;
	char c[MAX_CANDIDATE + 1];
	size_t n = compact(s, len, " -", c);
	if (n != 9 || !strchr("ABCDEFGHJNPQRSUVW", c[0]) || c[0] == '\0' || !all_digits(c + 1, 7))
		return 0;
	unsigned sum = 0;
	for (size_t i = 0; i < 7; i++) {
		unsigned d = (unsigned)(c[1 + i] - '0');
		if (i % 2 == 0) {
			d *= 2;
			d = d / 10 + d % 10;
		}
		sum += d;
	}
	unsigned digit = (10 - sum % 10) % 10;
	char as_digit = (char)('0' + digit), as_letter = "JABCDEFGHI"[digit];
	if (strchr("PQRSNW", c[0]))
		return c[8] == as_letter;
	if (strchr("ABEH", c[0]))
		return c[8] == as_digit;
	return c[8] == as_digit || c[8] == as_letter;
}

/* NIF: any tax number of a person (DNI, NIE) or an organisation (CIF). */
static int check_es_nif(const char *s, size_t len, double param)
{
	return check_es_dni(s, len, param) || check_es_nie(s, len, param) ||
	       check_es_cif(s, len, param);
}

/* ------------------------------------------------------------ US */

/* SSN: area 001-899 but not 666, group 01-99, serial 0001-9999, and not the numbers
 * published in advertising (078-05-1120, 219-09-9999). */
static int check_us_ssn(const char *s, size_t len, double param)
{
	(void)param;
	char c[MAX_CANDIDATE + 1];
	size_t n = compact(s, len, " -", c);
	if (n != 9 || !all_digits(c, 9))
		return 0;
	unsigned long area = number_of(c, 3), group = number_of(c + 3, 2), serial = number_of(c + 5, 4);
	if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
		return 0;
	return strcmp(c, "078051120") != 0 && strcmp(c, "219099999") != 0;
}

/* ------------------------------------------------------------ secrets */

/* Shannon entropy of the text's bytes, in bits per character, at least `param`. */
static int check_entropy(const char *s, size_t len, double param)
{
	if (len == 0 || len > 4096)
		return 0;
	unsigned counts[256] = {0};
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	double h = 0;
	for (size_t b = 0; b < 256; b++)
		if (counts[b]) {
			double p = (double)counts[b] / (double)len;
			h -= p * log2(p);
		}
	return h >= param;
}

/* ------------------------------------------------------------ lookup */

static const mesura_validator VALIDATORS[] = {
	{"luhn", check_luhn, 0},       {"iban", check_iban, 0},     {"es_dni", check_es_dni, 0},
	{"es_nie", check_es_nie, 0},   {"es_nif", check_es_nif, 0}, {"es_cif", check_es_cif, 0},
	{"us_ssn", check_us_ssn, 0},   {"entropy", check_entropy, 1},
};
#define N_VALIDATORS (sizeof VALIDATORS / sizeof VALIDATORS[0])

/* A number such as 3.5 or 4 in s[0..len), whole. */
static int parse_number(const char *s, size_t len, double *out)
{
	double v = 0, scale = 0;
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && scale == 0 && i > 0) {
			scale = 1;
		} else if (s[i] >= '0' && s[i] <= '9') {
			if (scale > 0)
				scale /= 10;
			v = scale > 0 ? v + (s[i] - '0') * scale : v * 10 + (s[i] - '0');
		} else {
			return 0;
		}
	}
	*out = v;
	return s[len - 1] != '.';
}

int mesura_policy__validator_parse(const char *spec, size_t len, const mesura_validator **v,
                                   double *param)
{
	size_t name_len = 0;
	while (name_len < len && spec[name_len] != '>' && spec[name_len] != ' ')
		name_len++;
	*param = 0;
	for (size_t i = 0; i < N_VALIDATORS; i++) {
		const mesura_validator *k = &VALIDATORS[i];
		if (strlen(k->name) != name_len || memcmp(k->name, spec, name_len) != 0)
			continue;
		*v = k;
		if (!k->takes_param)
			return name_len == len ? 0 : -2;
		size_t at = name_len;
		while (at < len && spec[at] == ' ')
			at++;
		if (len - at < 3 || spec[at] != '>' || spec[at + 1] != '=')
			return -2;
		at += 2;
		while (at < len && spec[at] == ' ')
			at++;
		return parse_number(spec + at, len - at, param) ? 0 : -2;
	}
	return -1;
}

int mesura_policy__validator_check(const mesura_validator *v, const char *text, size_t len,
                                   double param)
{
	return v && text ? v->check(text, len, param) : 0;
}

const char *mesura_policy__validator_name(const mesura_validator *v)
{
	return v ? v->name : NULL;
}

const char *mesura_policy__validator_suggest(const char *name, size_t len)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < N_VALIDATORS; i++) {
		size_t d = mesura_policy__edit_distance(name, len, VALIDATORS[i].name,
		                                        strlen(VALIDATORS[i].name));
		if (d < best_d) {
			best = VALIDATORS[i].name;
			best_d = d;
		}
	}
	return best;
}
