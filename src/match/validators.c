/*
 * The table of validators: their names, their length caps (inputs longer than any real
 * value fail at once, so a hostile regex match costs at most a few dozen steps), and
 * what a policy's `validate:` value names. The checks themselves are in
 * validators_base.c, validators_ids.c and validators_tokens.c.
 * References and limits: docs/validators.md.
 */
#include "validators.h"

#include <string.h>

#include "common/distance.h"

/* Secrets (API keys, tokens) can be long, so entropy reads more than a format. */
#define MAX_FORMAT_LEN MESURA_VALIDATOR_MAX_FORMAT_LEN
#define MAX_ENTROPY_LEN 4096

typedef int (*check_fn)(const char *s, size_t len, double param);

struct mesura_validator {
	const char *name;
	check_fn check;
	int takes_param;
	size_t max_len;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* strchr would also find the terminating NUL. */
static int is_one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* ------------------------------------------------------------ lookup */

static const mesura_validator VALIDATORS[] = {
	{"luhn", mesura_match__check_luhn, 0, MAX_FORMAT_LEN},
	{"iban", mesura_match__check_iban, 0, MAX_FORMAT_LEN},
	{"es_dni", mesura_match__check_es_dni, 0, MAX_FORMAT_LEN},
	{"es_nie", mesura_match__check_es_nie, 0, MAX_FORMAT_LEN},
	{"es_nif", mesura_match__check_es_nif, 0, MAX_FORMAT_LEN},
	{"es_cif", mesura_match__check_es_cif, 0, MAX_FORMAT_LEN},
	{"us_ssn", mesura_match__check_us_ssn, 0, MAX_FORMAT_LEN},
	{"entropy", mesura_match__check_entropy, 1, MAX_ENTROPY_LEN},
	/* validators_ids.c */
	{"card", mesura_match__check_card, 0, MAX_FORMAT_LEN},
	{"iban_loose", mesura_match__check_iban_loose, 0, MAX_FORMAT_LEN},
	{"us_ssn_sep", mesura_match__check_us_ssn_sep, 0, MAX_FORMAT_LEN},
	{"es_dni7", mesura_match__check_es_dni7, 0, MAX_FORMAT_LEN},
	{"phone_e164", mesura_match__check_phone_e164, 0, MAX_FORMAT_LEN},
	{"phone_digits", mesura_match__check_phone_digits, 0, MAX_FORMAT_LEN},
	{"mx_curp", mesura_match__check_mx_curp, 0, MAX_FORMAT_LEN},
	{"mx_rfc", mesura_match__check_mx_rfc, 0, MAX_FORMAT_LEN},
	{"ar_cuit", mesura_match__check_ar_cuit, 0, MAX_FORMAT_LEN},
	{"pe_ruc", mesura_match__check_pe_ruc, 0, MAX_FORMAT_LEN},
	{"cl_rut", mesura_match__check_cl_rut, 0, MAX_FORMAT_LEN},
	{"co_nit", mesura_match__check_co_nit, 0, MAX_FORMAT_LEN},
	{"br_cpf", mesura_match__check_br_cpf, 0, MAX_FORMAT_LEN},
	{"br_cnpj", mesura_match__check_br_cnpj, 0, MAX_FORMAT_LEN},
	{"uk_nino", mesura_match__check_uk_nino, 0, MAX_FORMAT_LEN},
	{"fr_nir", mesura_match__check_fr_nir, 0, MAX_FORMAT_LEN},
	{"it_codice_fiscale", mesura_match__check_it_codice_fiscale, 0, MAX_FORMAT_LEN},
	{"pt_nif", mesura_match__check_pt_nif, 0, MAX_FORMAT_LEN},
	{"es_nss", mesura_match__check_es_nss, 0, MAX_FORMAT_LEN},
	{"us_itin", mesura_match__check_us_itin, 0, MAX_FORMAT_LEN},
	{"us_ein", mesura_match__check_us_ein, 0, MAX_FORMAT_LEN},
	/* validators_tokens.c */
	{"token_crc32", mesura_match__check_token_crc32, 0, MAX_FORMAT_LEN},
};
#define N_VALIDATORS (sizeof VALIDATORS / sizeof VALIDATORS[0])

const mesura_validator *mesura_match__validator_find(const char *name, size_t len)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < N_VALIDATORS; i++)
		if (strlen(VALIDATORS[i].name) == len && memcmp(VALIDATORS[i].name, name, len) == 0)
			return &VALIDATORS[i];
	return NULL;
}

/* The name part of a spec: everything before a comparison (">=3.5", or a mistaken
 * "=3") or a space. */
static size_t name_length(const char *spec, size_t len)
{
	size_t n = 0;
	while (n < len && !is_one_of(spec[n], "<>= "))
		n++;
	return n;
}

static void skip_spaces(const char *s, size_t len, size_t *at)
{
	while (*at < len && s[*at] == ' ')
		(*at)++;
}

/* A threshold such as 3.5 or 4 filling s[0..len): digits, optionally a point and more
 * digits, no sign or exponent. strtod would need a NUL and obey the locale. */
static int parse_decimal(const char *s, size_t len, double *out)
{
	size_t at = 0, int_digits = 0, frac_digits = 0;
	double v = 0, scale = 1;
	for (; at < len && is_digit(s[at]) && int_digits < 16; at++, int_digits++)
		v = v * 10 + (s[at] - '0');
	int has_point = at < len && s[at] == '.';
	if (has_point)
		for (at++; at < len && is_digit(s[at]) && frac_digits < 16; at++, frac_digits++)
			v += (s[at] - '0') * (scale /= 10);
	if (at != len || int_digits == 0 || (has_point && frac_digits == 0))
		return 0;
	*out = v;
	return 1;
}

/* ">= N" after the name: bits per byte, so N is in (0, 8]. */
static int parse_threshold(const char *s, size_t len, double *param)
{
	size_t at = 0;
	skip_spaces(s, len, &at);
	if (len - at < 2 || s[at] != '>' || s[at + 1] != '=')
		return 0;
	at += 2;
	skip_spaces(s, len, &at);
	double v;
	if (!parse_decimal(s + at, len - at, &v) || !(v > 0 && v <= 8))
		return 0;
	*param = v;
	return 1;
}

int mesura_match__validator_parse(const char *spec, size_t len, const mesura_validator **v,
                                  double *param)
{
	*v = NULL;
	*param = 0;
	if (!spec)
		return -1;
	while (len > 0 && spec[len - 1] == ' ')
		len--;
	while (len > 0 && spec[0] == ' ')
		spec++, len--;
	size_t name_len = name_length(spec, len);
	const mesura_validator *found = mesura_match__validator_find(spec, name_len);
	if (!found)
		return -1;
	if (found->takes_param ? !parse_threshold(spec + name_len, len - name_len, param)
	                       : name_len != len)
		return -2;
	*v = found;
	return 0;
}

int mesura_match__validator_check(const mesura_validator *v, const char *text, size_t len,
                                  double param)
{
	if (!v || !text || len > v->max_len)
		return 0;
	return v->check(text, len, param);
}

const char *mesura_match__validator_name(const mesura_validator *v)
{
	return v ? v->name : NULL;
}

int mesura_match__validator_takes_param(const mesura_validator *v)
{
	return v ? v->takes_param : 0;
}

/* Distance from `word` to a validator name, or to the name without its country prefix
 * ("dni" is 0 from "es_dni"), whichever is smaller. */
static size_t name_distance(const char *word, size_t len, const char *name)
{
	size_t d = mesura_distance__edit(word, len, name, strlen(name));
	const char *bare = strchr(name, '_');
	if (bare) {
		size_t b = mesura_distance__edit(word, len, bare + 1, strlen(bare + 1));
		d = b < d ? b : d;
	}
	return d;
}

const char *mesura_match__validator_suggest(const char *name, size_t len)
{
	char word[32];
	if (!name)
		return NULL;
	while (len > 0 && name[0] == ' ')
		name++, len--;
	len = name_length(name, len);
	if (len == 0 || len > sizeof word)
		return NULL;
	for (size_t i = 0; i < len; i++)
		word[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	const char *best = NULL;
	size_t best_d = 3; /* suggest only within distance 2 */
	for (size_t i = 0; i < N_VALIDATORS; i++) {
		size_t d = name_distance(word, len, VALIDATORS[i].name);
		if (d < best_d) {
			best = VALIDATORS[i].name;
			best_d = d;
		}
	}
	return best;
}
