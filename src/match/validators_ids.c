/*
 * Validators of the builtin:pii breadth work (issue 16): cards and IBANs with any
 * separator, US SSNs written with dots, old 7-digit Spanish NIFs, international phone
 * numbers (E.164 length by country code) and the identity and tax numbers of
 * Spanish-speaking America with their check digits (Mexico CURP and RFC, Argentina
 * CUIT/CUIL, Chile RUT/RUN, Colombia NIT, Peru RUC), and of Brazil (CPF, CNPJ), the UK
 * (NINO), France (NIR), Italy (codice fiscale), Portugal (NIF), Spain (NSS) and the US (ITIN,
 * EIN). Same contract as validators.c: ASCII
 * only, no allocation, linear in the length. Where each algorithm is documented:
 * docs/validators.md.
 */
#include "validators.h"

#include <stdint.h>
#include <string.h>

#define ID_MAX 64

static int id_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int id_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static char id_to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int id_in(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Whether s[i..len) starts with an en or em dash (U+2013, U+2014), which people print
 * between digit groups as they do '-'. */
static int id_long_dash(const char *s, size_t len, size_t i)
{
	return i + 2 < len && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
	       ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94);
}

/* Copies s[0..len) without the bytes of `seps` (and the en and em dashes when '-' is one
 * of them), upper-cased, into out (ID_MAX bytes). Returns the length, or 0 when the
 * input is too long. */
static size_t id_strip(const char *s, size_t len, const char *seps, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (id_in(s[i], seps))
			continue;
		if (id_in('-', seps) && id_long_dash(s, len, i)) {
			i += 2;
			continue;
		}
		if (n == ID_MAX)
			return 0;
		out[n++] = id_to_upper(s[i]);
	}
	return n;
}

static int id_all_digits(const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!id_digit(d[i]))
			return 0;
	return n > 0;
}

static uint32_t id_value(const char *d, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint32_t)(d[i] - '0');
	return v;
}

/* A check of validators_base.c on the compact form, with the registry's length cap. */
static int id_delegate(int (*check)(const char *, size_t, double), const char *s, size_t n)
{
	return n <= MESURA_VALIDATOR_MAX_FORMAT_LEN && check(s, n, 0);
}

/* ------------------------------------------------------------ cards, IBANs, SSNs */

/* card: 13 to 19 digits with spaces, tabs, dashes (en and em dashes too), dots, slashes
 * or underscores anywhere, Luhn-valid. */
int mesura_match__check_card(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " \t-./_", d);
	return n >= 13 && n <= 19 && id_delegate(mesura_match__check_luhn, d, n);
}

/* iban_loose: an IBAN printed with spaces (one or more), dashes or dots. */
int mesura_match__check_iban_loose(const char *s, size_t len, double param)
{
	(void)param;
	char c[ID_MAX];
	size_t n = id_strip(s, len, " -.", c);
	return n >= 5 && id_delegate(mesura_match__check_iban, c, n);
}

/* us_ssn_sep: an SSN with the same '-', ' ' or '.' after the area and the group, or 9
 * digits; the rules of us_ssn. */
int mesura_match__check_us_ssn_sep(const char *s, size_t len, double param)
{
	(void)param;
	if (len == 11 && s[3] == '.' && s[6] == '.') {
		char d[11];
		memcpy(d, s, 11);
		d[3] = d[6] = '-';
		return id_delegate(mesura_match__check_us_ssn, d, 11);
	}
	return id_delegate(mesura_match__check_us_ssn, s, len);
}

/* es_dni7: a DNI number under 10,000,000 written without its leading zero, as old NIFs
 * were ("1234567L", "1.234.567-L"): the DNI letter of the 7 digits. */
int mesura_match__check_es_dni7(const char *s, size_t len, double param)
{
	(void)param;
	char c[ID_MAX];
	size_t n = id_strip(s, len, " -.", c);
	if (n != 8 || !id_all_digits(c, 7) || !id_upper(c[7]))
		return 0;
	return c[7] == "TRWAGMYFPDXBNJZSQVHLCKE"[id_value(c, 7) % 23];
}

/* ------------------------------------------------------------ phones */

/* National significant number lengths by ITU-T E.164 country code (ITU-T E.164 Annex
 * and the national numbering plans the ITU publishes). Codes not listed but assigned
 * take 4 to 12 digits (E.164: 15 at most with the code). */
typedef struct {
	unsigned short code;
	unsigned char min, max;
} cc_len;

static const cc_len CC_LENGTHS[] = {
	{1, 10, 10},   {7, 10, 10},   {20, 8, 10},   {27, 9, 9},    {30, 10, 10},  {31, 9, 9},
	{32, 8, 9},    {33, 9, 9},    {34, 9, 9},    {36, 8, 9},    {39, 6, 11},   {40, 9, 9},
	{41, 9, 9},    {43, 7, 13},   {44, 9, 10},   {45, 8, 8},    {46, 7, 10},   {47, 8, 8},
	{48, 9, 9},    {49, 6, 13},   {51, 8, 9},    {52, 10, 11},  {53, 8, 8},    {54, 10, 11},
	{55, 10, 11},  {56, 9, 9},    {57, 10, 10},  {58, 10, 10},  {60, 8, 10},   {61, 9, 9},
	{62, 8, 12},   {63, 8, 10},   {64, 8, 10},   {65, 8, 8},    {66, 8, 9},    {81, 9, 10},
	{82, 8, 10},   {84, 9, 10},   {86, 10, 11},  {90, 10, 10},  {91, 10, 10},  {92, 9, 10},
	{93, 9, 9},    {94, 9, 9},    {95, 7, 10},   {98, 10, 10},  {351, 9, 9},   {352, 6, 11},
	{353, 7, 9},   {354, 7, 9},   {356, 8, 8},   {358, 5, 12},  {380, 9, 9},   {385, 8, 9},
	{386, 8, 8},   {420, 9, 9},   {421, 9, 9},   {502, 8, 8},   {503, 8, 8},   {504, 8, 8},
	{505, 8, 8},   {506, 8, 8},   {507, 7, 8},   {591, 8, 8},   {593, 8, 9},   {595, 9, 9},
	{598, 8, 8},   {966, 9, 9},   {971, 8, 9},   {972, 8, 9},
};

/* Country codes: the one- and two-digit codes assigned, and the two-digit prefixes
 * whose codes have three digits (ITU-T E.164 list of assigned country codes). */
static int cc_is_one_digit(char c)
{
	return c == '1' || c == '7';
}

static int cc_is_two_digit(unsigned cc)
{
	static const unsigned short two[] = {20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44,
	                                     45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
	                                     60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91,
	                                     92, 93, 94, 95, 98};
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
		if (two[i] == cc)
			return 1;
	return 0;
}

/* Three-digit codes are assigned under these prefixes; 28x, 80x (international
 * freephone), 83x, 87x, 88x (networks) and 89x are no country. */
static int cc_is_three_digit_prefix(unsigned p)
{
	static const unsigned short prefixes[] = {21, 22, 23, 24, 25, 26, 29, 35, 37, 38, 42,
	                                          50, 59, 67, 68, 69, 85, 96, 97, 99};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (prefixes[i] == p)
			return 1;
	return 0;
}

/* phone_e164: "+", a country code and its number, with spaces, dots, dashes,
 * parentheses around an area code and a "(0)" trunk prefix ("+44 (0)20 7946 0958")
 * anywhere; the number of digits after the code must be that country's. */
int mesura_match__check_phone_e164(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = 0, i = 0;
	if (len < 2 || s[0] != '+')
		return 0;
	for (i = 1; i < len; i++) {
		char c = s[i];
		if (c == '(' && i + 2 < len && s[i + 1] == '0' && s[i + 2] == ')') {
			i += 2; /* the trunk prefix is not dialled from abroad */
			continue;
		}
		if (id_in(c, " .-()/"))
			continue;
		if (!id_digit(c) || n == 15)
			return 0;
		d[n++] = c;
	}
	if (n < 7 || d[0] == '0')
		return 0;
	size_t cc_digits;
	if (cc_is_one_digit(d[0]))
		cc_digits = 1;
	else if (cc_is_two_digit(id_value(d, 2)))
		cc_digits = 2;
	else if (cc_is_three_digit_prefix(id_value(d, 2)))
		cc_digits = 3;
	else
		return 0;
	unsigned cc = id_value(d, cc_digits);
	size_t nsn = n - cc_digits;
	unsigned min = 4, max = (unsigned)(15 - cc_digits);
	for (size_t k = 0; k < sizeof CC_LENGTHS / sizeof CC_LENGTHS[0]; k++)
		if (CC_LENGTHS[k].code == cc) {
			min = CC_LENGTHS[k].min;
			max = CC_LENGTHS[k].max;
			break;
		}
	if (nsn < min || nsn > max)
		return 0;
	/* One digit repeated is a placeholder ("+34 000 000 000"), not a number. */
	size_t same = 0;
	for (size_t k = cc_digits; k < n; k++)
		same += d[k] == d[cc_digits];
	return same != nsn;
}

/* phone_digits: a national number written with separators (spaces, tabs, dots, dashes,
 * parentheses, slashes, underscores), 8 to 12 digits, not one digit repeated ("000 000
 * 000"); the rule asks for a phone word nearby. */
int mesura_match__check_phone_digits(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " \t.-()/_", d);
	if (n < 8 || n > 12 || !id_all_digits(d, n))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (d[i] != d[0])
			return 1;
	return 0;
}

/* ------------------------------------------------------------ Mexico */

static int valid_yymmdd(const char *d)
{
	uint32_t mm = id_value(d + 2, 2), dd = id_value(d + 4, 2);
	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

/* CURP (RENAPO, Instructivo Normativo para la Asignación de la CURP): 4 letters, date
 * of birth YYMMDD, sex (H, M; X since 2023), state (32 codes and NE for people born
 * abroad), 3 inner consonants, a character that tells the century (a digit before
 * 2000, a letter after), and a check digit: each of the first 17 characters valued by
 * its place in "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ" times 18 - position, and
 * (10 - sum mod 10) mod 10. Ñ never appears (RENAPO writes X). */
int mesura_match__check_mx_curp(const char *s, size_t len, double param)
{
	(void)param;
	static const char states[] = "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL "
	                             "OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE";
	char c[ID_MAX];
	size_t n = id_strip(s, len, "", c);
	if (n != 18)
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (!id_upper(c[i]))
			return 0;
	if (!id_all_digits(c + 4, 6) || !valid_yymmdd(c + 4) || !id_in(c[10], "HMX"))
		return 0;
	int state_ok = 0;
	for (size_t i = 0; i + 1 < sizeof states; i += 3)
		if (states[i] == c[11] && states[i + 1] == c[12])
			state_ok = 1;
	if (!state_ok)
		return 0;
	for (size_t i = 13; i < 16; i++)
		if (!id_upper(c[i]) || id_in(c[i], "AEIOU"))
			return 0;
	if (!(id_digit(c[16]) || id_upper(c[16])) || !id_digit(c[17]))
		return 0;
	unsigned sum = 0;
	for (size_t i = 0; i < 17; i++) {
		unsigned v = id_digit(c[i]) ? (unsigned)(c[i] - '0')
		                            : (unsigned)(c[i] - 'A') + 10 + (c[i] > 'N');
		sum += v * (unsigned)(18 - i);
	}
	return (unsigned)(c[17] - '0') == (10 - sum % 10) % 10;
}

/* RFC (SAT, algorithm of the "homoclave" and check digit): a person's 4 letters or a
 * company's 3, the date YYMMDD, two homoclave characters and a check digit, with an
 * optional '-' or space after the letters and after the date. Each of the 12
 * characters (a company's RFC padded with a leading space) is valued by its place in
 * "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ" times 13 - position; the check digit is
 * 11 - sum mod 11, with 11 written 0 and 10 written A. */
int mesura_match__check_mx_rfc(const char *s, size_t len, double param)
{
	(void)param;
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ ";
	char c[ID_MAX], body[13];
	size_t n = id_strip(s, len, " -", c);
	if (n != 12 && n != 13)
		return 0;
	size_t letters = n - 9;
	for (size_t i = 0; i < letters; i++)
		if (!id_upper(c[i]) && c[i] != '&')
			return 0;
	if (!id_all_digits(c + letters, 6) || !valid_yymmdd(c + letters))
		return 0;
	for (size_t i = letters + 6; i < n; i++)
		if (!id_upper(c[i]) && !id_digit(c[i]))
			return 0;
	size_t at = 0;
	if (n == 12)
		body[at++] = ' ';
	memcpy(body + at, c, n);
	unsigned sum = 0;
	for (size_t i = 0; i < 12; i++)
		sum += (unsigned)(strchr(alphabet, body[i]) - alphabet) * (unsigned)(13 - i);
	unsigned r = 11 - sum % 11;
	char expect = r == 11 ? '0' : r == 10 ? 'A' : (char)('0' + r);
	return body[12] == expect;
}

/* ------------------------------------------------------------ mod 11, weights 5..2 */

/* Sum of the first 10 digits weighted 5 4 3 2 7 6 5 4 3 2 (AFIP for the CUIT, SUNAT
 * for the RUC). */
static unsigned weighted_5432(const char *d)
{
	static const unsigned w[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	unsigned sum = 0;
	for (size_t i = 0; i < 10; i++)
		sum += (unsigned)(d[i] - '0') * w[i];
	return sum;
}

/* Argentina CUIT/CUIL (AFIP, RG 10/1997 and the published "dígito verificador"
 * algorithm): type 20, 23, 24, 25, 26, 27 (people), 30, 33, 34 (companies), the DNI or
 * serial (8 digits), a check digit 11 - sum mod 11 (11 is 0; 10 is never issued: the
 * type becomes 23 or 33 instead). "20-12345678-6", "20123456786", "20 12345678 6". */
int mesura_match__check_ar_cuit(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " -.", d);
	if (n != 11 || !id_all_digits(d, 11))
		return 0;
	uint32_t type = id_value(d, 2);
	if (!(type == 20 || type == 23 || type == 24 || type == 25 || type == 26 || type == 27 ||
	      type == 30 || type == 33 || type == 34))
		return 0;
	unsigned r = 11 - weighted_5432(d) % 11;
	if (r == 10)
		return 0;
	return (unsigned)(d[10] - '0') == (r == 11 ? 0 : r);
}

/* Peru RUC (SUNAT): 10 (people), 15, 16, 17 (other people), 20 (companies), 8 more
 * digits, a check digit 11 - sum mod 11 with 10 written 0 and 11 written 1. */
int mesura_match__check_pe_ruc(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " -", d);
	if (n != 11 || !id_all_digits(d, 11))
		return 0;
	uint32_t type = id_value(d, 2);
	if (!(type == 10 || type == 15 || type == 16 || type == 17 || type == 20))
		return 0;
	return (unsigned)(d[10] - '0') == (11 - weighted_5432(d) % 11) % 10;
}

/* ------------------------------------------------------------ Chile, Colombia */

/* Chile RUT/RUN (Servicio de Registro Civil e Identificación; SII): 7 or 8 digits,
 * plain or with dots every three, '-' or a space, and the check character: the digits
 * from the right weighted 2, 3, 4, 5, 6, 7, 2, 3..., 11 - sum mod 11, 11 written 0 and
 * 10 written K. */
int mesura_match__check_cl_rut(const char *s, size_t len, double param)
{
	(void)param;
	char c[ID_MAX];
	size_t n = id_strip(s, len, ".- ", c);
	if (n < 8 || n > 9 || !id_all_digits(c, n - 1))
		return 0;
	unsigned sum = 0, w = 2;
	for (size_t i = n - 1; i-- > 0;) {
		sum += (unsigned)(c[i] - '0') * w;
		w = w == 7 ? 2 : w + 1;
	}
	unsigned r = 11 - sum % 11;
	char expect = r == 11 ? '0' : r == 10 ? 'K' : (char)('0' + r);
	return c[n - 1] == expect;
}

/* Colombia NIT (DIAN, Orden Administrativa 4 de 1989): up to 15 digits, weights from
 * the right 3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71; r = sum mod 11;
 * the check digit is r when r is 0 or 1, else 11 - r. "900.123.456-7", "900123456-7". */
int mesura_match__check_co_nit(const char *s, size_t len, double param)
{
	(void)param;
	static const unsigned w[15] = {3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71};
	char c[ID_MAX];
	size_t n = id_strip(s, len, ".- ", c);
	if (n < 7 || n > 16 || !id_all_digits(c, n))
		return 0;
	unsigned sum = 0;
	for (size_t i = 0; i + 1 < n; i++)
		sum += (unsigned)(c[n - 2 - i] - '0') * w[i];
	unsigned r = sum % 11;
	return (unsigned)(c[n - 1] - '0') == (r < 2 ? r : 11 - r);
}

/* ------------------------------------------------------------ Brazil */

/* The mod-11 check digit of Brazil's CPF and CNPJ: sum of digit × weight, r = sum mod
 * 11, digit 0 when r < 2, else 11 - r. */
static unsigned br_check(const char *d, const unsigned *w, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (unsigned)(d[i] - '0') * w[i];
	unsigned r = sum % 11;
	return r < 2 ? 0 : 11 - r;
}

static int all_same_digit(const char *d, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (d[i] != d[0])
			return 0;
	return 1;
}

/* Brazil CPF (Receita Federal): 9 digits and two check digits, weights 10..2 then
 * 11..2; "123.456.789-09" or 11 digits. Eleven equal digits pass the arithmetic but
 * are not issued. */
int mesura_match__check_br_cpf(const char *s, size_t len, double param)
{
	(void)param;
	static const unsigned w1[9] = {10, 9, 8, 7, 6, 5, 4, 3, 2};
	static const unsigned w2[10] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};
	char d[ID_MAX];
	size_t n = id_strip(s, len, ".- ", d);
	if (n != 11 || !id_all_digits(d, 11) || all_same_digit(d, 11))
		return 0;
	return (unsigned)(d[9] - '0') == br_check(d, w1, 9) &&
	       (unsigned)(d[10] - '0') == br_check(d, w2, 10);
}

/* Brazil CNPJ (Receita Federal): 8 digits of the company, 4 of the branch, two check
 * digits with weights 5 4 3 2 9 8 7 6 5 4 3 2, then 6 5 4 3 2 9 8 7 6 5 4 3 2;
 * "11.222.333/0001-81" or 14 digits. */
int mesura_match__check_br_cnpj(const char *s, size_t len, double param)
{
	(void)param;
	static const unsigned w1[12] = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
	static const unsigned w2[13] = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
	char d[ID_MAX];
	size_t n = id_strip(s, len, "./- ", d);
	if (n != 14 || !id_all_digits(d, 14) || all_same_digit(d, 14))
		return 0;
	return (unsigned)(d[12] - '0') == br_check(d, w1, 12) &&
	       (unsigned)(d[13] - '0') == br_check(d, w2, 13);
}

/* ------------------------------------------------------------ Europe */

/* UK National Insurance number (HMRC, NIM39110): two prefix letters, six digits, a
 * suffix A-D. The first letter is not D, F, I, Q, U or V; the second not D, F, I, O, Q,
 * U or V; the prefixes BG, GB, KN, NK, NT, TN and ZZ are never allocated. */
int mesura_match__check_uk_nino(const char *s, size_t len, double param)
{
	(void)param;
	char c[ID_MAX];
	size_t n = id_strip(s, len, " -", c);
	if (n != 9 || !id_upper(c[0]) || !id_upper(c[1]) || !id_all_digits(c + 2, 6) ||
	    !id_in(c[8], "ABCD"))
		return 0;
	if (id_in(c[0], "DFIQUV") || id_in(c[1], "DFIOQUV"))
		return 0;
	static const char *const never[] = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"};
	for (size_t i = 0; i < sizeof never / sizeof *never; i++)
		if (memcmp(c, never[i], 2) == 0)
			return 0;
	return 1;
}

/* France NIR, the "numéro de sécurité sociale" (INSEE): sex (1, 2, or 3, 7, 8 for
 * provisional numbers), year, month (01-12, or 20 and 30-42, 50-99 when unknown),
 * département (2 digits, or 2A/2B for Corsica), commune, order, and the key 97 -
 * (the 13 digits mod 97), where 2A counts as 19 and 2B as 18 followed by the rest. */
int mesura_match__check_fr_nir(const char *s, size_t len, double param)
{
	(void)param;
	char c[ID_MAX];
	size_t n = id_strip(s, len, " .-", c);
	if (n != 15 || !id_in(c[0], "12378") || !id_all_digits(c, 5))
		return 0;
	unsigned month = (unsigned)(c[3] - '0') * 10 + (unsigned)(c[4] - '0');
	if (month == 0 || (month > 12 && month != 20 && month < 30) || (month > 42 && month < 50))
		return 0;
	int corsica = c[5] == '2' && (c[6] == 'A' || c[6] == 'B');
	if (!(corsica || id_all_digits(c + 5, 2)) || !id_all_digits(c + 7, 8))
		return 0;
	uint64_t body = 0;
	for (size_t i = 0; i < 13; i++)
		body = body * 10 + (uint64_t)(i == 6 && corsica ? 0 : (unsigned)(c[i] - '0'));
	if (corsica) /* 2A: the département reads 19; 2B: 18 */
		body -= (uint64_t)(c[6] == 'A' ? 1000000 : 2000000);
	uint64_t key = (uint64_t)(c[13] - '0') * 10 + (uint64_t)(c[14] - '0');
	return key >= 1 && key <= 97 && key == 97 - body % 97;
}

/* Italy codice fiscale (DM 23/12/1976; Agenzia delle Entrate): 6 letters of surname
 * and name, year (2), month letter (A B C D E H L M P R S T), day (01-31, +40 for
 * women), place (a letter and 3 digits), a check letter. In the 7 digit positions a
 * duplicate code ("omocodia") may replace digits with L M N P Q R S T U V. */
int mesura_match__check_it_codice_fiscale(const char *s, size_t len, double param)
{
	(void)param;
	static const char omocodia[] = "LMNPQRSTUV";
	/* Values at odd positions (1st, 3rd...) of A..Z; a digit d counts as the letter d. */
	static const unsigned odd[26] = {1,  0, 5,  7,  9,  13, 15, 17, 19, 21, 2,  4,  18,
	                                 20, 11, 3, 6,  8,  12, 14, 16, 10, 22, 25, 24, 23};
	static const size_t digit_at[7] = {6, 7, 9, 10, 12, 13, 14};
	char c[ID_MAX];
	size_t n = id_strip(s, len, " ", c);
	if (n != 16)
		return 0;
	char plain[16];
	memcpy(plain, c, 16);
	for (size_t i = 0; i < 7; i++) {
		char ch = c[digit_at[i]];
		const char *o = id_upper(ch) ? strchr(omocodia, ch) : NULL;
		if (o)
			plain[digit_at[i]] = (char)('0' + (o - omocodia));
		else if (!id_digit(ch))
			return 0;
	}
	for (size_t i = 0; i < 6; i++)
		if (!id_upper(c[i]))
			return 0;
	unsigned day = id_value(plain + 9, 2);
	if (!id_in(c[8], "ABCDEHLMPRST") || !id_upper(c[11]) || !id_upper(c[15]) ||
	    !((day >= 1 && day <= 31) || (day >= 41 && day <= 71)))
		return 0;
	unsigned sum = 0;
	for (size_t i = 0; i < 15; i++) {
		char ch = c[i];
		if (!id_digit(ch) && !id_upper(ch))
			return 0;
		unsigned v = id_digit(ch) ? (unsigned)(ch - '0') : (unsigned)(ch - 'A');
		sum += i % 2 == 0 ? odd[v] : v; /* 0-based even = the 1st, 3rd... character */
	}
	return c[15] == (char)('A' + sum % 26);
}

/* Portugal NIF (Autoridade Tributária): 9 digits, the first 1, 2, 3 (people), 5, 6, 8,
 * 9 (companies, public bodies, others); weights 9..2 on the first 8, check = 11 - sum
 * mod 11, 10 and 11 written 0. */
int mesura_match__check_pt_nif(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " .-", d);
	if (n != 9 || !id_all_digits(d, 9) || !id_in(d[0], "1235689"))
		return 0;
	unsigned sum = 0;
	for (size_t i = 0; i < 8; i++)
		sum += (unsigned)(d[i] - '0') * (unsigned)(9 - i);
	unsigned r = 11 - sum % 11;
	return (unsigned)(d[8] - '0') == (r >= 10 ? 0 : r);
}

/* Spain: número de la Seguridad Social (NSS/NAF, TGSS): province (01-53, 66 for
 * foreigners' first registrations), 8 digits, and a control of 2 digits: the province
 * and number read as one number mod 97, where a number below 10,000,000 is read
 * without its leading zero (province × 10^7 + number). "28/12345678/40". */
int mesura_match__check_es_nss(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " /-.", d);
	if (n != 12 || !id_all_digits(d, 12))
		return 0;
	uint64_t province = id_value(d, 2), number = id_value(d + 2, 8);
	if (province == 0 || (province > 53 && province != 66))
		return 0;
	uint64_t whole = number < 10000000 ? province * 10000000 + number
	                                   : province * 100000000 + number;
	return id_value(d + 10, 2) == whole % 97;
}

/* ------------------------------------------------------------ United States */

/* US ITIN (IRS): 9XX-XX-XXXX with the middle group 50-65, 70-88, 90-92 or 94-99. */
int mesura_match__check_us_itin(const char *s, size_t len, double param)
{
	(void)param;
	char d[ID_MAX];
	size_t n = id_strip(s, len, " -.", d);
	if (n != 9 || !id_all_digits(d, 9) || d[0] != '9')
		return 0;
	uint32_t g = id_value(d + 3, 2);
	return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94;
}

/* US EIN (IRS): XX-XXXXXXX whose two-digit prefix is one the IRS assigns to a campus
 * or to online applications (IRS "How EINs are assigned and valid EIN prefixes"). */
int mesura_match__check_us_ein(const char *s, size_t len, double param)
{
	(void)param;
	static const char valid[] = "01 02 03 04 05 06 10 11 12 13 14 15 16 20 21 22 23 24 25 "
	                            "26 27 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 "
	                            "47 48 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 "
	                            "67 68 71 72 73 74 75 76 77 80 81 82 83 84 85 86 87 88 90 "
	                            "91 92 93 94 95 98 99";
	char d[ID_MAX];
	size_t n = id_strip(s, len, " -", d);
	if (n != 9 || !id_all_digits(d, 9))
		return 0;
	for (size_t i = 0; i + 1 < sizeof valid; i += 3)
		if (valid[i] == d[0] && valid[i + 1] == d[1])
			return 1;
	return 0;
}
