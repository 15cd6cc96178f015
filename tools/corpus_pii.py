"""Generators of personal data for the labelled corpus (issue 16, builtin:pii breadth).

Imported by tools/gen_builtin_corpus.py, which merges GENERATORS into its own: a
template's {pii_*} inserts a value. Every value is valid by construction, its check
digit computed here (Luhn, ISO 7064 mod 97, mod 11 with the AFIP/SUNAT/SII/DIAN weights,
the RENAPO and SAT alphabets), and each family has a near-valid twin (*_bad: the check
digit changed, a length one short) that returns no category: it must not be flagged.

The algorithms are those documented in docs/validators.md; this file computes them its
own way (strings of weights, dictionaries) so that a slip in src/match/validators_ids.c
does not repeat here. Seeded separately from the main generator, so that adding a post
here does not change the numbers of the other posts.
"""
import random
import string

rng = random.Random(20261207)


def digits(n):
    return "".join(rng.choice(string.digits) for _ in range(n))


# ------------------------------------------------------------------ cards


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


# (prefix, length, grouping): every issuer range the rule knows.
BRANDS = [("4", 16, (4, 4, 4, 4)), ("51", 16, (4, 4, 4, 4)), ("2221", 16, (4, 4, 4, 4)),
          ("2204", 16, (4, 4, 4, 4)), ("34", 15, (4, 6, 5)), ("37", 15, (4, 6, 5)),
          ("36", 14, (4, 6, 4)), ("3530", 16, (4, 4, 4, 4)), ("6011", 16, (4, 4, 4, 4)),
          ("62", 16, (4, 4, 4, 4)), ("6759", 16, (4, 4, 4, 4)), ("81", 16, (4, 4, 4, 4)),
          ("9792", 16, (4, 4, 4, 4)), ("1", 15, (4, 5, 6))]


def card_number(brand=None):
    prefix, length, grouping = brand or rng.choice(BRANDS)
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_digit(body), grouping


def group(number, grouping, sep):
    if not sep:
        return number
    out, at = [], 0
    for n in grouping:
        out.append(number[at:at + n])
        at += n
    return sep.join(out)


def gen_card():
    number, grouping = card_number()
    return group(number, grouping, rng.choice(["", " ", "-", "."])), "pii.payment_card"


def gen_card_dots():
    number, grouping = card_number(("4", 16, (4, 4, 4, 4)))
    return group(number, grouping, "."), "pii.payment_card"


def gen_card_uatp():
    number, grouping = card_number(("1", 15, (4, 5, 6)))
    return group(number, grouping, rng.choice(["", " "])), "pii.payment_card"


def gen_card_bad():
    number, grouping = card_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    return group(wrong, grouping, rng.choice(["", " ", "-"])), None


# ------------------------------------------------------------------ IBAN


def iban_check(country, bban):
    moved = bban + country + "00"
    return "%02d" % (98 - int("".join(str(int(c, 36)) for c in moved)) % 97)


def iban(country, bban_len, sep, wrong=False):
    bban = digits(bban_len)
    check = int(iban_check(country, bban))
    if wrong:
        check = check + 1 if check < 98 else 2
    compact = "%s%02d%s" % (country, check, bban)
    return sep.join(compact[i:i + 4] for i in range(0, len(compact), 4))


def gen_iban_sep():
    country, n = rng.choice([("ES", 20), ("DE", 18), ("PT", 21), ("PL", 24)])
    return iban(country, n, rng.choice(["-", ".", "  "])), "pii.iban"


def gen_iban_glued():
    return iban("ES", 20, " "), "pii.iban"


def gen_iban_sep_bad():
    return iban("ES", 20, rng.choice(["-", "."]), wrong=True), None


# ------------------------------------------------------------------ phones


def fill(pattern):
    out = []
    for ch in pattern:
        out.append(digits(1) if ch == "#" else str(rng.randint(2, 9)) if ch == "N" else ch)
    return "".join(out)


INTL = ["+1 (N##) N##-####", "+52 55 #### ####", "+54 9 11 ####-####", "+57 3## ### ####",
        "+56 9 #### ####", "+51 9## ### ###", "+44 (0)20 7946 0###", "+33 6 ## ## ## ##",
        "+49 151 ########", "+39 3## ### ####", "+351 9## ### ###", "+34 6## ## ## ##"]
NATIONAL = ["55 #### ####", "(011) 4###-####", "3## ### ####", "9 #### ####", "01 ### ####",
            "07### ######", "06 ## ## ## ##", "030 ########", "21 ### ####"]


def gen_phone_plus():
    return fill(rng.choice(INTL)), "pii.phone"


def gen_phone_plus_bad():
    # One digit short of the country's length.
    return fill(rng.choice(["+34 6## ### ##", "+1 N## N## ###", "+52 55 #### ###"])), None


def gen_phone_national():
    return fill(rng.choice(NATIONAL)), "pii.phone"


def gen_phone_national_bare():
    # The same shapes, no phone word nearby in the template: not flagged.
    return fill(rng.choice(NATIONAL)), None


# ------------------------------------------------------------------ national IDs


def mod11(body, weights_from_right):
    """Sum of the digits of body weighted from the right, mod 11."""
    return sum(int(d) * w for d, w in zip(reversed(body), weights_from_right)) % 11


CUIT_W = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]
NIT_W = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71]


def cuit_parts():
    while True:
        body = rng.choice(["20", "23", "27", "30", "33"]) + digits(8)
        r = mod11(body, CUIT_W)
        if r != 1:  # a check of 10 is never issued
            return body, 0 if r == 0 else 11 - r


def gen_cuit():
    body, c = cuit_parts()
    return "%s-%s-%d" % (body[:2], body[2:], c), "pii.national_id"


def gen_cuit_bad():
    body, c = cuit_parts()
    return "%s-%s-%d" % (body[:2], body[2:], (c + 1) % 10), None


def rut_parts():
    body = str(rng.randint(5000000, 29999999))
    r = mod11(body, [2, 3, 4, 5, 6, 7] * 2)
    return body, {0: "0", 1: "K"}.get(r, str(11 - r))


def dotted(body):
    return "{:,}".format(int(body)).replace(",", ".")


def gen_rut():
    body, c = rut_parts()
    return "%s-%s" % (dotted(body) if rng.random() < 0.6 else body, c), "pii.national_id"


def gen_rut_bad():
    body, c = rut_parts()
    wrong = "0" if c in "9K" else str(int(c) + 1)
    return "%s-%s" % (dotted(body), wrong), None


def nit_parts():
    body = rng.choice("89") + digits(8)
    r = mod11(body, NIT_W)
    return body, r if r < 2 else 11 - r


def gen_nit():
    body, c = nit_parts()
    return "%s-%d" % (dotted(body), c), "pii.national_id"


def gen_nit_bad():
    body, c = nit_parts()
    return "%s-%d" % (dotted(body), (c + 1) % 10), None


def ruc_parts():
    body = rng.choice(["10", "20"]) + digits(8)
    return body, (11 - mod11(body, CUIT_W)) % 10


def gen_ruc():
    body, c = ruc_parts()
    return "%s%d" % (body, c), "pii.national_id"


def gen_ruc_bad():
    body, c = ruc_parts()
    return "%s%d" % (body, (c + 1) % 10), None


CURP_VALUES = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ")}
RFC_VALUES = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ")}
STATES = ["AS", "BC", "CH", "DF", "GT", "JC", "MC", "MN", "NL", "PL", "QT", "SL", "VZ", "YN"]
CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"


def name_and_date():
    letters = (rng.choice(string.ascii_uppercase) + rng.choice("AEIOU") +
               rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase))
    date = "%02d%02d%02d" % (rng.randint(0, 99), rng.randint(1, 12), rng.randint(1, 28))
    return letters, date


def curp_parts():
    letters, date = name_and_date()
    body = (letters + date + rng.choice("HM") + rng.choice(STATES) +
            "".join(rng.choice(CONSONANTS) for _ in range(3)) + rng.choice(string.digits + "AB"))
    total = sum(CURP_VALUES[ch] * (18 - i) for i, ch in enumerate(body))
    return body, (10 - total % 10) % 10


def gen_curp():
    body, c = curp_parts()
    return "%s%d" % (body, c), "pii.national_id"


def gen_curp_bad():
    body, c = curp_parts()
    return "%s%d" % (body, (c + 1) % 10), None


def rfc_parts():
    letters, date = name_and_date()
    body = letters + date + rng.choice(string.ascii_uppercase) + rng.choice(string.digits)
    total = sum(RFC_VALUES[ch] * (13 - i) for i, ch in enumerate(body))
    r = 11 - total % 11
    return body, {11: "0", 10: "A"}.get(r, str(r))


def gen_rfc():
    body, c = rfc_parts()
    return body + c, "pii.national_id"


def gen_rfc_bad():
    body, c = rfc_parts()
    return body + ("0" if c in "9A" else str(int(c) + 1)), None


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def gen_nif_old():
    n = rng.randint(1000000, 9999999)
    return "%07d%s" % (n, DNI_LETTERS[n % 23]), "pii.national_id"


def gen_ssn_dots():
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return "%03d.%02d.%04d" % (area, rng.randint(1, 99), rng.randint(1, 9999)), "pii.national_id"


def gen_passport_es():
    return ("PA" + rng.choice(string.ascii_uppercase) + digits(6)), "pii.national_id"


def gen_dni_latam():
    return dotted(str(rng.randint(10000000, 45999999))), "pii.national_id"


def gen_cedula_co():
    return dotted(str(rng.randint(1000000000, 1099999999))), "pii.national_id"


def gen_dni_latam_bare():
    return dotted(str(rng.randint(10000000, 45999999))), None


# Brazil, Europe, US: check digits by each format's documented rule (docs/validators.md).
def br_digit(body, weights):
    r = sum(int(d) * w for d, w in zip(body, weights)) % 11
    return "0" if r < 2 else str(11 - r)


def cpf_number():
    body = digits(9)
    body += br_digit(body, range(10, 1, -1))
    return body + br_digit(body, range(11, 1, -1))


def cnpj_number():
    body = digits(8) + "0001"
    body += br_digit(body, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    return body + br_digit(body, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


def gen_cpf():
    d = cpf_number()
    return "%s.%s.%s-%s" % (d[:3], d[3:6], d[6:9], d[9:]), "pii.national_id"


def gen_cnpj():
    d = cnpj_number()
    return "%s.%s.%s/%s-%s" % (d[:2], d[2:5], d[5:8], d[8:12], d[12:]), "pii.national_id"


def wrong_last(value):
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def gen_cpf_bad():
    return wrong_last(gen_cpf()[0]), None


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def gen_nino():
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            break
    d = digits(6)
    return "%s %s %s %s %s" % (prefix, d[:2], d[2:4], d[4:], rng.choice("ABCD")), "pii.national_id"


def nir_number():
    dept = rng.choice(["75", "13", "69", "2A", "2B", "33", "59"])
    body = rng.choice("12") + "%02d" % rng.randint(40, 99) + "%02d" % rng.randint(1, 12) + \
        dept + digits(6)
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    return body + "%02d" % (97 - numeric % 97)


def gen_nir():
    d = nir_number()
    return "%s %s %s %s %s %s %s" % (d[0], d[1:3], d[3:5], d[5:7], d[7:10], d[10:13], d[13:]), \
        "pii.national_id"


def gen_nir_bad():
    d = nir_number()
    key = (int(d[13:]) % 97) + 1
    return "%s %s %s %s %s %s %02d" % (d[0], d[1:3], d[3:5], d[5:7], d[7:10], d[10:13], key), None


CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
          25, 24, 23]


def cf_check(first15):
    total = 0
    for i, ch in enumerate(first15):
        v = int(ch) if ch.isdigit() else ord(ch) - ord("A")
        total += CF_ODD[v] if i % 2 == 0 else v
    return chr(ord("A") + total % 26)


def gen_codice_fiscale():
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
    day = rng.randint(1, 28) + rng.choice([0, 40])
    body = letters + "%02d" % rng.randint(0, 99) + rng.choice("ABCDEHLMPRST") + "%02d" % day + \
        rng.choice("ABCDEFGHILM") + digits(3)
    return body + cf_check(body), "pii.national_id"


def pt_nif_number():
    body = rng.choice("123568") + digits(7)
    r = 11 - sum(int(d) * w for d, w in zip(body, range(9, 1, -1))) % 11
    return body + ("0" if r >= 10 else str(r))


def gen_pt_nif():
    return pt_nif_number(), "pii.national_id"


def nss_number():
    province = rng.randint(1, 52)
    number = rng.randint(10000000, 99999999)
    return "%02d" % province, "%08d" % number, "%02d" % ((province * 100000000 + number) % 97)


def gen_es_nss():
    return "%s/%s/%s" % nss_number(), "pii.national_id"


def gen_es_nss_bad():
    p, n, c = nss_number()
    return "%s/%s/%02d" % (p, n, (int(c) + 1) % 97), None


def gen_itin():
    group = rng.choice(list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] +
                       list(range(94, 100)))
    return "9%s-%02d-%s" % (digits(2), group, digits(4)), "pii.national_id"


def gen_ein():
    prefix = rng.choice(["12", "20", "35", "46", "54", "61", "77", "84", "91", "98"])
    return "%s-%s" % (prefix, digits(7)), "pii.national_id"


# ------------------------------------------------------------------ e-mails

FIRST = ["ana", "lucia", "marta", "jorge", "diego", "john", "emma", "sofia", "pablo"]
LAST = ["garcia", "lopez", "ruiz", "smith", "torres", "brown", "navarro"]


def gen_email_spelled():
    f, l = rng.choice(FIRST), rng.choice(LAST)
    dom, tld = rng.choice(["gmail", "hotmail", "outlook", "yahoo"]), rng.choice(["com", "es", "mx"])
    form = rng.choice(["%s dot %s at %s dot %s", "%s.%s arroba %s punto %s",
                       "%s.%s [at] %s.%s", "%s.%s(at)%s(dot)%s", "%s_%s {at} %s {dot} %s"])
    return form % (f, l, dom, tld), "pii.email"


def gen_email_intl():
    return rng.choice(["josé.núñez", "maría.pérez", "iñaki.ibáñez", "françois", "jürgen.müller"]) + \
        "@" + rng.choice(["correo.es", "gmail.com", "société.fr", "xn--espaa-rta.es"]), "pii.email"


# ------------------------------------------------------------------ disguises (issue 15)
# The same numbers and addresses as a person hides them from a screen: invisible
# characters between the digits (Default_Ignorable_Code_Point), combining marks on each,
# digits of another script (Nd, zero and value from UnicodeData.txt), other separators,
# uniform groups. Each *_bad twin has the same disguise and a wrong check digit.

INVISIBLES = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e",
              "\u200f", "\u2066", "\U000e0061", "\ufe0f", "\u3164"]
MARKS = ["\u0301", "\u0336", "\u0332", "\u20dd"]
DIGIT_ZEROS = [0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE]
SEPARATORS = [".", "/", "_", "\t", "  ", "\u2013", "\u2014"]


def between(value, ch):
    """ch between every two characters of value that are not spaces."""
    out = []
    for i, c in enumerate(value):
        out.append(c)
        if i + 1 < len(value) and c != " " and value[i + 1] != " ":
            out.append(ch)
    return "".join(out)


def disguise(value, kind):
    if kind == "invisible":
        return between(value, rng.choice(INVISIBLES))
    if kind == "marks":
        mark = rng.choice(MARKS)
        return "".join(c + mark if c.isalnum() else c for c in value)
    if kind == "script":
        zero = rng.choice(DIGIT_ZEROS)
        return "".join(chr(zero + int(c)) if c.isdigit() else c for c in value)
    if kind == "separator":
        return value.replace(" ", rng.choice(SEPARATORS))
    if kind == "uniform":
        compact = value.replace(" ", "")
        size = rng.choice([1, 2, 3, 5])
        return " ".join(compact[i:i + size] for i in range(0, len(compact), size))
    raise ValueError(kind)


DISGUISES = ["invisible", "marks", "script", "separator", "uniform"]


def card_disguised(wrong):
    number, grouping = card_number(("4", 16, (4, 4, 4, 4)))
    if wrong:
        number = number[:-1] + str((int(number[-1]) + 1) % 10)
    return disguise(group(number, grouping, " "), rng.choice(DISGUISES))


def gen_card_disguised():
    return card_disguised(False), "pii.payment_card"


def gen_card_disguised_bad():
    return card_disguised(True), None


def gen_phone_disguised():
    return disguise(fill(rng.choice(["6## ### ###", "7## ### ###"])),
                    rng.choice(["invisible", "marks", "script", "separator"])), "pii.phone"


def gen_iban_disguised():
    return disguise(iban("ES", 20, " "), rng.choice(["invisible", "marks", "script"])), "pii.iban"


def gen_iban_disguised_bad():
    return disguise(iban("ES", 20, " ", wrong=True), rng.choice(["invisible", "script"])), None


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def gen_dni_disguised():
    number = rng.randint(10000000, 99999999)
    return disguise("%08d%s" % (number, DNI_LETTERS[number % 23]),
                    rng.choice(["invisible", "marks", "script"])), "pii.national_id"


def gen_email_disguised():
    first = rng.choice(["lucia", "marta", "javier", "daniel", "irene", "pablo"])
    last = rng.choice(["moreno", "navarro", "iglesias", "quintana", "robles", "vidal"])
    domain = rng.choice(["gmail.com", "outlook.es", "yahoo.com", "hotmail.com"])
    return disguise("%s.%s@%s" % (first, last, domain), rng.choice(["invisible", "marks"])), \
        "pii.email"


GENERATORS = {
    "pii_card": gen_card, "pii_card_dots": gen_card_dots, "pii_card_uatp": gen_card_uatp,
    "pii_card_bad": gen_card_bad,
    "pii_iban_sep": gen_iban_sep, "pii_iban_glued": gen_iban_glued,
    "pii_iban_sep_bad": gen_iban_sep_bad,
    "pii_phone_plus": gen_phone_plus, "pii_phone_plus_bad": gen_phone_plus_bad,
    "pii_phone_national": gen_phone_national, "pii_phone_national_bare": gen_phone_national_bare,
    "pii_cuit": gen_cuit, "pii_cuit_bad": gen_cuit_bad, "pii_rut": gen_rut,
    "pii_rut_bad": gen_rut_bad, "pii_nit": gen_nit, "pii_nit_bad": gen_nit_bad,
    "pii_ruc": gen_ruc, "pii_ruc_bad": gen_ruc_bad, "pii_curp": gen_curp,
    "pii_curp_bad": gen_curp_bad, "pii_rfc": gen_rfc, "pii_rfc_bad": gen_rfc_bad,
    "pii_nif_old": gen_nif_old, "pii_ssn_dots": gen_ssn_dots, "pii_passport_es": gen_passport_es,
    "pii_dni_latam": gen_dni_latam, "pii_cedula_co": gen_cedula_co,
    "pii_dni_latam_bare": gen_dni_latam_bare,
    "pii_cpf": gen_cpf, "pii_cpf_bad": gen_cpf_bad, "pii_cnpj": gen_cnpj, "pii_nino": gen_nino,
    "pii_nir": gen_nir, "pii_nir_bad": gen_nir_bad, "pii_codice_fiscale": gen_codice_fiscale,
    "pii_pt_nif": gen_pt_nif, "pii_es_nss": gen_es_nss, "pii_es_nss_bad": gen_es_nss_bad,
    "pii_itin": gen_itin, "pii_ein": gen_ein,
    "pii_email_spelled": gen_email_spelled, "pii_email_intl": gen_email_intl,
    "pii_card_disguised": gen_card_disguised, "pii_card_disguised_bad": gen_card_disguised_bad,
    "pii_phone_disguised": gen_phone_disguised, "pii_iban_disguised": gen_iban_disguised,
    "pii_iban_disguised_bad": gen_iban_disguised_bad, "pii_dni_disguised": gen_dni_disguised,
    "pii_email_disguised": gen_email_disguised,
}

# ------------------------------------------------------------------ the posts
# (language, template), appended to tools/builtin_corpus_posts.py's POSTS by
# gen_builtin_corpus.py. Positives in English and Spanish, and the near misses beside
# them: wrong check digits, one digit short, the same shapes without their name.
POSTS = [
    # cards: whatever is around them
    ("es", "Mi tarjeta es {pii_card} caduca 12/27 y el CVV 123, ¿me hacéis el cargo?"),
    ("en", "card {pii_card} exp 09/28 cvv 456"),
    ("en", "Two cards on file: {pii_card} {pii_card}"),
    ("es", "CVV 123 {pii_card} (la de empresa)"),
    ("en", "Paid with {pii_card_dots} yesterday"),
    ("en", "UATP corporate account {pii_card_uatp} for the flights"),
    ("es", "tarjeta {pii_card_bad} rechazada, normal, está mal copiada"),
    ("en", "card {pii_card_bad} exp 12/27 (typo, don't bother)"),
    # IBAN
    ("es", "Transferid a {pii_iban_sep} y me decís"),
    ("es", "Cuenta {pii_iban_glued}gracias!!"),
    ("es", "IBAN {pii_iban_sep_bad} (no funciona, revisadlo)"),
    # phones
    ("en", "Invoice 12345: call {pii_phone_plus} if anything is wrong"),
    ("es", "Pedido 4471 listo, dudas al {pii_phone_plus}"),
    ("es", "Mi celular es {pii_phone_national}, escríbeme por WhatsApp"),
    ("en", "call me on {pii_phone_national} after 6"),
    ("en", "wrong number {pii_phone_plus_bad}, one digit missing"),
    ("es", "Pedido {pii_phone_national_bare} enviado"),
    ("en", "Order {pii_phone_national_bare} shipped"),
    # national IDs
    ("es", "Mi CUIT es {pii_cuit}, facturame a ese"),
    ("es", "CUIT {pii_cuit_bad} (el de la factura está mal)"),
    ("es", "Mi RUT: {pii_rut}, por si lo necesitan"),
    ("es", "RUT {pii_rut_bad} no valida en el SII"),
    ("es", "NIT {pii_nit} de la empresa para la cotización"),
    ("es", "NIT {pii_nit_bad} (error de digitación)"),
    ("es", "RUC {pii_ruc} para la boleta"),
    ("es", "RUC {pii_ruc_bad}, no aparece en SUNAT"),
    ("es", "Mi CURP es {pii_curp}, ¿la necesitan para el alta?"),
    ("es", "CURP {pii_curp_bad} no pasa la validación"),
    ("es", "RFC: {pii_rfc} para la factura"),
    ("es", "RFC {pii_rfc_bad} rechazado por el SAT"),
    ("es", "Mi NIF antiguo: {pii_nif_old}"),
    ("en", "my SSN is {pii_ssn_dots}, HR asked for it"),
    ("es", "Pasaporte {pii_passport_es}, caduca en 2031"),
    ("es", "Mi DNI es {pii_dni_latam}, soy de Rosario"),
    ("es", "cédula {pii_cedula_co} de Bogotá"),
    ("es", "Compramos {pii_dni_latam_bare} acciones"),
    ("es", "Mi CPF brasileño es {pii_cpf}, ¿me emiten la factura?"),
    ("es", "CPF {pii_cpf_bad} no valida, revisadlo"),
    ("es", "Factura a la filial de Brasil, CNPJ {pii_cnpj}"),
    ("en", "HR needs my NI number: {pii_nino} before payroll"),
    ("es", "Mi número de la seguridad social francesa: {pii_nir}"),
    ("en", "French social security no. {pii_nir_bad} was rejected, typo"),
    ("es", "Mi codice fiscale es {pii_codice_fiscale}, para el contrato en Milán"),
    ("es", "El NIF de la filial de Oporto es {pii_pt_nif}"),
    ("es", "Mi número de la Seguridad Social es {pii_es_nss}"),
    ("es", "Nº de afiliación {pii_es_nss_bad} (mal copiado, no vale)"),
    ("en", "My ITIN is {pii_itin}, can you file with that?"),
    ("en", "Our EIN is {pii_ein} for the W-9"),
    # e-mails
    ("en", "write to {pii_email_spelled} for the slides"),
    ("es", "mi correo personal: {pii_email_spelled}"),
    ("es", "Escríbeme a {pii_email_intl}"),
    ("en", "<a href=\"mailto:[[pii.email|ana.garcia@gmail.com]]\">write me</a>"),
    ("en", "Look at example.com for the details, we are at hall 5"),
    ("en", "Our convention is firstname.lastname at acme dot com"),
    ("es", "Dudas: info arroba acme punto es"),
    # disguises (issue 15): each post after the others, so their numbers stay
    ("es", "Mi tarjeta es {pii_card_disguised}, a ver si así no la pilla el filtro"),
    ("en", "my card is {pii_card_disguised} lol good luck catching that"),
    ("es", "tarjeta {pii_card_disguised} caduca 03/29"),
    ("en", "card {pii_card_disguised}, pay the invoice with it"),
    ("es", "tarjeta {pii_card_disguised_bad}, mal copiada, no la uséis"),
    ("en", "card {pii_card_disguised_bad} (wrong digit, ignore)"),
    ("es", "llámame al {pii_phone_disguised} esta noche"),
    ("en", "call me at {pii_phone_disguised} tonight"),
    ("es", "Transferencia a {pii_iban_disguised}, gracias"),
    ("es", "IBAN {pii_iban_disguised_bad} (no funciona, revisadlo)"),
    ("es", "Mi DNI es {pii_dni_disguised} para el contrato"),
    ("en", "write to me at {pii_email_disguised} today"),
    ("es", "escríbeme a {pii_email_disguised}, no al del trabajo"),
]
