/* Validators: checks that confirm a regex candidate really is a card number, an IBAN,
 * a Spanish ID or a US SSN, or that a token is random enough to be a secret. */
#ifndef MESURA_POLICY_VALIDATORS_H
#define MESURA_POLICY_VALIDATORS_H

#include <stddef.h>

typedef struct mesura_validator mesura_validator;

/* Parses "luhn", "iban", "es_dni", "es_nie", "es_nif", "es_cif", "us_ssn" or
 * "entropy>=N" from spec[0..len). Returns 0 and sets *v (and *param, 0 when there is
 * none); -1 for an unknown name; -2 for a missing or bad parameter. */
int mesura_policy__validator_parse(const char *spec, size_t len, const mesura_validator **v,
                                   double *param);

/* 1 when text[0..len) passes the validator, 0 otherwise. */
int mesura_policy__validator_check(const mesura_validator *v, const char *text, size_t len,
                                   double param);

const char *mesura_policy__validator_name(const mesura_validator *v);

/* The known validator name nearest to `name` (edit distance <= 2), or NULL. */
const char *mesura_policy__validator_suggest(const char *name, size_t len);

#endif
