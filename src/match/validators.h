/* Validators: checks that confirm a regex candidate really is a card number, an IBAN,
 * a Spanish ID or a US SSN, or that a token is random enough to be a secret.
 * docs/validators.md says what each accepts and where its algorithm comes from. */
#ifndef MESURA_POLICY_VALIDATORS_H
#define MESURA_POLICY_VALIDATORS_H

#include <stddef.h>

/* One entry of a static table: pointers to it stay valid for the whole program. */
typedef struct mesura_validator mesura_validator;

/* The validator called name[0..len) exactly ("luhn", "iban", "es_dni", "es_nie",
 * "es_nif", "es_cif", "us_ssn", "entropy"), or NULL. */
const mesura_validator *mesura_match__validator_find(const char *name, size_t len);

/* Parses a policy's `validate:` value from spec[0..len): a name, or "entropy>=N" with
 * 0 < N <= 8 (spaces allowed around ">="). Returns 0 and sets *v and *param (0 for
 * validators without a parameter); -1 for an unknown name; -2 for a missing or bad
 * parameter, or a parameter given to a validator that takes none. *v is NULL on error. */
int mesura_match__validator_parse(const char *spec, size_t len, const mesura_validator **v,
                                  double *param);

/* 1 when text[0..len) passes, 0 otherwise. The separators each format allows are
 * skipped; any other byte, non-ASCII included, fails. Inputs longer than 64 bytes fail
 * at once (4096 for entropy). `param` is the entropy threshold, ignored by the others.
 * A NULL validator or text fails. No allocation; linear in len. */
int mesura_match__validator_check(const mesura_validator *v, const char *text, size_t len,
                                  double param);

const char *mesura_match__validator_name(const mesura_validator *v);

/* 1 for validators written with a parameter (entropy>=N). */
int mesura_match__validator_takes_param(const mesura_validator *v);

/* For compile errors: the known name nearest to `name` (Levenshtein distance <= 2,
 * ASCII case ignored, a parameter such as ">=3" ignored, "dni" matching "es_dni"), or
 * NULL: "lun" -> "luhn". */
const char *mesura_match__validator_suggest(const char *name, size_t len);

/* The longest candidate a format validator reads: the longest IBAN is 34 characters, 42
 * with a space every four; 64 leaves room for odd spacing. */
#define MESURA_VALIDATOR_MAX_FORMAT_LEN 64

/* The checks of validators_base.c (cards by Luhn, IBAN, the Spanish DNI, NIE, NIF and
 * CIF, US SSN, entropy: param is the threshold in bits per byte), registered in the
 * table of validators.c, which caps the length first (64 bytes, 4096 for entropy). */
int mesura_match__check_luhn(const char *s, size_t len, double param);
int mesura_match__check_iban(const char *s, size_t len, double param);
int mesura_match__check_es_dni(const char *s, size_t len, double param);
int mesura_match__check_es_nie(const char *s, size_t len, double param);
int mesura_match__check_es_nif(const char *s, size_t len, double param);
int mesura_match__check_es_cif(const char *s, size_t len, double param);
int mesura_match__check_us_ssn(const char *s, size_t len, double param);
int mesura_match__check_entropy(const char *s, size_t len, double param);

/* The checks of validators_ids.c (cards and IBANs with any separator, SSNs with dots,
 * old 7-digit NIFs, E.164 and national phone numbers, CURP, RFC, CUIT/CUIL, RUC, RUT,
 * NIT; Brazil CPF and CNPJ, UK NINO, France NIR, Italy codice fiscale, Portugal NIF,
 * Spain NSS, US ITIN and EIN), registered in the table of validators.c. Same contract as a table entry's check. */
int mesura_match__check_card(const char *s, size_t len, double param);
int mesura_match__check_iban_loose(const char *s, size_t len, double param);
int mesura_match__check_us_ssn_sep(const char *s, size_t len, double param);
int mesura_match__check_es_dni7(const char *s, size_t len, double param);
int mesura_match__check_phone_e164(const char *s, size_t len, double param);
int mesura_match__check_phone_digits(const char *s, size_t len, double param);
int mesura_match__check_mx_curp(const char *s, size_t len, double param);
int mesura_match__check_mx_rfc(const char *s, size_t len, double param);
int mesura_match__check_ar_cuit(const char *s, size_t len, double param);
int mesura_match__check_pe_ruc(const char *s, size_t len, double param);
int mesura_match__check_cl_rut(const char *s, size_t len, double param);
int mesura_match__check_co_nit(const char *s, size_t len, double param);
int mesura_match__check_br_cpf(const char *s, size_t len, double param);
int mesura_match__check_br_cnpj(const char *s, size_t len, double param);
int mesura_match__check_uk_nino(const char *s, size_t len, double param);
int mesura_match__check_fr_nir(const char *s, size_t len, double param);
int mesura_match__check_it_codice_fiscale(const char *s, size_t len, double param);
int mesura_match__check_pt_nif(const char *s, size_t len, double param);
int mesura_match__check_es_nss(const char *s, size_t len, double param);
int mesura_match__check_us_itin(const char *s, size_t len, double param);
int mesura_match__check_us_ein(const char *s, size_t len, double param);

/* validators_tokens.c: GitHub and npm tokens whose last six characters are the base-62
 * CRC-32 of the thirty before them (docs/validators.md). */
int mesura_match__check_token_crc32(const char *s, size_t len, double param);

#endif
