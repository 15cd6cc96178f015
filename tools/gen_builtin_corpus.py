#!/usr/bin/env python3
"""Writes tests/data/builtin-corpus.jsonl: labelled posts for the built-in policy.

    python3 tools/gen_builtin_corpus.py > tests/data/builtin-corpus.jsonl

Each line is one post, as an employee would write it (English, Spanish or both, with
hashtags, emoji, typos, obfuscation and near misses), and what the built-in policy
should find in it:

    {"id": "p0042", "lang": "es", "text": "...",
     "expect": [{"category": "pii.phone", "text": "+34 612 345 678", "start": 17, "end": 32}]}

`start`/`end` are byte offsets of `text` in the post's UTF-8; tests/check_builtin.c
checks them against the findings of mesura_policy_default(). A post with an empty
`expect` is clean: nothing in it should be flagged. A hard negative (a clean post that
holds a word or a topic close to a rule: tools/corpus_content.py) carries
`"hard": true`; a post written after the rules of its category were tuned on the others
(a held-out check) carries `"late": true`.

The numbers are computed here, never typed: card numbers get their Luhn digit, IBANs
their mod-97 check digits (and Spanish IBANs the two national "DC" digits), DNIs and
NIEs their control letter, SSNs avoid the never-issued areas, groups and serials. Each
kind also has an invalid twin (last Luhn digit changed, IBAN check digits off by one, a
wrong DNI letter, SSN area 666/9xx or group 00) that must NOT be flagged. The random
generator is seeded, so the output is the same on every run; regenerate the file
whenever this script changes, and commit both.

Template syntax: {name} inserts a generated value (see GENERATORS); a value whose
generator names a category is expected with that category. [[category|text]] marks
text written by hand that should be flagged with that category. A third element,
[(category, text)], adds findings inside a marked span ("Fuck" in "Fuck you").
"""
import json
import random
import re
import string
import sys

SEED = 20261127
rng = random.Random(SEED)

# ------------------------------------------------------------------ check digits


def luhn_digit(body):
    """The digit that makes body + digit pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these are every second digit from the check digit
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number):
    return luhn_digit(number[:-1]) == number[-1]


def iban_check(country, bban):
    """ISO 7064 MOD 97-10 check digits of an IBAN."""
    moved = bban + country + "00"
    n = int("".join(str(int(ch, 36)) for ch in moved))
    return "%02d" % (98 - n % 97)


def es_dc(bank, branch, account):
    """The two national check digits of a Spanish account (CCC)."""
    weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

    def digit(s):
        d = 11 - sum(int(c) * w for c, w in zip(s, weights)) % 11
        return {10: 1, 11: 0}.get(d, d)

    return "%d%d" % (digit("00" + bank + branch), digit(account))


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"

# ------------------------------------------------------------------ generators


def digits(n):
    return "".join(rng.choice(string.digits) for _ in range(n))


CARD_PREFIXES = [("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16),
                 ("2720", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16),
                 ("3528", 16), ("36", 14)]


def card_number():
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_digit(body)


def format_card(number):
    style = rng.choice(["plain", "space", "space", "dash"])
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    if len(number) == 14:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i:i + 4] for i in range(0, 16, 4))


def gen_card():
    return format_card(card_number()), "pii.payment_card"


def gen_card_bad():
    number = card_number()
    wrong = str((int(number[-1]) + rng.randint(1, 9)) % 10)
    assert not luhn_ok(number[:-1] + wrong)
    return format_card(number[:-1] + wrong), None


def iban_es_bban():
    bank, branch, account = rng.choice(["2100", "0049", "0182", "2038", "0081", "0128",
                                        "1465"]), digits(4), digits(10)
    return bank + branch + es_dc(bank, branch, account) + account


def iban_bban(country):
    if country == "ES":
        return iban_es_bban()
    if country == "DE":
        return digits(18)
    if country == "FR":
        return digits(10) + "".join(rng.choice(string.digits + "ABCDEFGH") for _ in range(11)) + digits(2)
    if country == "IT":
        return rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") + digits(10) + digits(12)
    if country == "NL":
        return rng.choice(["ABNA", "INGB", "RABO", "TRIO"]) + digits(10)
    if country == "GB":
        return rng.choice(["NWBK", "BARC", "HBUK", "LOYD"]) + digits(14)
    if country == "PT":
        return digits(21)
    raise ValueError(country)


def format_iban(iban):
    if rng.random() < 0.35:
        return iban
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def make_iban(country=None):
    country = country or rng.choice(["ES", "ES", "ES", "ES", "DE", "FR", "IT", "NL", "GB", "PT"])
    bban = iban_bban(country)
    return country + iban_check(country, bban) + bban


def gen_iban():
    return format_iban(make_iban()), "pii.iban"


def gen_iban_es():
    return format_iban(make_iban("ES")), "pii.iban"


def gen_iban_bad():
    iban = make_iban("ES")
    check = int(iban[2:4])
    wrong = "%02d" % (check + 1 if check < 97 else check - 1)
    return format_iban(iban[:2] + wrong + iban[4:]), None


def dni_number():
    n = rng.randint(1000000, 99999999)
    return "%08d" % n, DNI_LETTERS[n % 23]


def format_dni(num, letter):
    style = rng.choice(["plain", "plain", "dash", "dots"])
    if style == "plain":
        return num + letter
    if style == "dash":
        return num + "-" + letter
    return "%s.%s.%s-%s" % (num[:2], num[2:5], num[5:], letter)


def gen_dni():
    num, letter = dni_number()
    return format_dni(num, letter), "pii.national_id"


def gen_dni_bad():
    num, letter = dni_number()
    wrong = rng.choice([c for c in DNI_LETTERS if c != letter])
    return format_dni(num, wrong), None


def gen_nie():
    first = rng.choice("XYZ")
    n = rng.randint(0, 9999999)
    letter = DNI_LETTERS[int("XYZ".index(first).__str__() + "%07d" % n) % 23]
    return "%s%07d%s" % (first, n, letter), "pii.national_id"


def ssn_parts():
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            break
    return "%03d" % area, "%02d" % rng.randint(1, 99), "%04d" % rng.randint(1, 9999)


def gen_ssn():
    a, g, s = ssn_parts()
    return "%s-%s-%s" % (a, g, s), "pii.national_id"


def gen_ssn_bad():
    a, g, s = ssn_parts()
    a = rng.choice(["666", "9%02d" % rng.randint(0, 99), "000"])
    return "%s-%s-%s" % (a, g, s), None


def gen_phone_es():
    # Mobiles (6, 7) and geographic landlines (9 then 1-8); 80x/90x are service
    # numbers, which the policy leaves alone.
    n = rng.choice(["6", "6", "6", "7", "9" + rng.choice("12345678")])
    n += digits(9 - len(n))
    style = rng.choice(["333", "333", "3222", "plain", "dash"])
    body = {"333": "%s %s %s" % (n[:3], n[3:6], n[6:]),
            "3222": "%s %s %s %s" % (n[:3], n[3:5], n[5:7], n[7:]),
            "plain": n,
            "dash": "%s-%s-%s" % (n[:3], n[3:6], n[6:])}[style]
    prefix = rng.choice(["", "", "+34 ", "+34", "0034 "])
    return prefix + body, "pii.phone"


def gen_landline_es():
    n = rng.choice(["91", "93", "95", "96", "94", "98"]) + digits(7)
    return "%s %s %s %s" % (n[:2], n[2:5], n[5:7], n[7:]), "pii.phone"


def gen_phone_us():
    area = rng.choice(["212", "415", "312", "617", "646", "305", "416", "604", "512"])
    exch = str(rng.randint(2, 9)) + digits(2)
    line = digits(4)
    style = rng.choice(["paren", "dash", "dot", "plus"])
    if style == "paren":
        return "(%s) %s-%s" % (area, exch, line), "pii.phone"
    if style == "dash":
        return "%s-%s-%s" % (area, exch, line), "pii.phone"
    if style == "dot":
        return "%s.%s.%s" % (area, exch, line), "pii.phone"
    return "+1 %s %s %s" % (area, exch, line), "pii.phone"


def gen_phone_intl():
    return rng.choice([
        lambda: "+44 20 7946 %s" % digits(4),
        lambda: "+44 7700 %s %s" % (digits(3), digits(3)),
        lambda: "+33 6 %s %s %s %s" % (digits(2), digits(2), digits(2), digits(2)),
        lambda: "+49 30 %s" % digits(7),
        lambda: "+52 55 %s %s" % (digits(4), digits(4)),
        lambda: "+54 9 11 %s-%s" % (digits(4), digits(4)),
        lambda: "+57 3%s %s %s" % (digits(2), digits(3), digits(4)),
        lambda: "+351 91%s %s %s" % (digits(1), digits(3), digits(3)),
    ])(), "pii.phone"


FIRST = ["ana", "maria", "laura", "carmen", "lucia", "javier", "carlos", "david", "pablo",
         "sergio", "john", "emma", "olivia", "james", "liam", "sofia", "diego", "valentina"]
LAST = ["garcia", "lopez", "martinez", "sanchez", "perez", "gomez", "ruiz", "smith",
        "johnson", "brown", "fernandez", "torres", "ramirez", "walker"]
DOMAINS = ["gmail.com", "hotmail.com", "yahoo.es", "outlook.com", "icloud.com",
           "acme-corp.com", "protonmail.com", "telefonica.net", "live.com.mx"]


def gen_email():
    f, l = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice(["%s.%s" % (f, l), "%s%s" % (f[0], l), "%s_%s%d" % (f, l, rng.randint(1, 99)),
                        "%s.%s%d" % (f.capitalize(), l.capitalize(), rng.randint(70, 99))])
    return "%s@%s" % (local, rng.choice(DOMAINS)), "pii.email"


ALNUM = string.ascii_letters + string.digits


def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def gen_aws_id():
    return rng.choice(["AKIA", "ASIA"]) + rand(16, string.ascii_uppercase + "234567"), "secret.credential"


def gen_aws_secret():
    return rand(40, ALNUM + "/+"), "secret.credential"


def gen_ghp():
    return "ghp_" + rand(36), "secret.credential"


def gen_glpat():
    return "glpat-" + rand(20, ALNUM + "_-"), "secret.credential"


def gen_slack():
    return "xoxb-%s-%s-%s" % (digits(12), digits(13), rand(24)), "secret.credential"


def gen_stripe():
    return "sk_live_" + rand(24), "secret.credential"


def gen_google():
    return "AIza" + rand(35, ALNUM + "_-"), "secret.credential"


def gen_jwt():
    import base64

    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return "%s.%s.%s" % (part({"alg": "HS256", "typ": "JWT"}),
                         part({"sub": digits(8), "name": rng.choice(FIRST).capitalize(),
                               "iat": 1700000000 + rng.randint(0, 9999999)}),
                         rand(43, ALNUM + "-_")), "secret.credential"


def gen_hexkey():
    return rand(32, "0123456789abcdef"), "secret.credential"


def gen_sha():
    return rand(40, "0123456789abcdef"), None


def gen_order():
    return digits(9), None


GENERATORS = {
    "card": gen_card, "card_bad": gen_card_bad,
    "iban": gen_iban, "iban_es": gen_iban_es, "iban_bad": gen_iban_bad,
    "dni": gen_dni, "dni_bad": gen_dni_bad, "nie": gen_nie,
    "ssn": gen_ssn, "ssn_bad": gen_ssn_bad,
    "phone_es": gen_phone_es, "landline_es": gen_landline_es, "phone_us": gen_phone_us,
    "phone_intl": gen_phone_intl, "email": gen_email,
    "aws_id": gen_aws_id, "aws_secret": gen_aws_secret, "ghp": gen_ghp, "glpat": gen_glpat,
    "slack": gen_slack, "stripe": gen_stripe, "google": gen_google, "jwt": gen_jwt,
    "hexkey": gen_hexkey, "sha": gen_sha, "order": gen_order,
}

# ------------------------------------------------------------------ the posts

from builtin_corpus_posts import POSTS  # noqa: E402  (the templates, beside this file)
from corpus_secrets import GENERATORS as SECRET_GENERATORS  # noqa: E402  (tok_* credentials)

GENERATORS.update(SECRET_GENERATORS)
from corpus_pii import GENERATORS as PII_GENERATORS, POSTS as PII_POSTS  # noqa: E402  (pii_*)

GENERATORS.update(PII_GENERATORS)
from corpus_content import HARD, LATE, LATE_HARD, POSTS as CONTENT_POSTS  # noqa: E402

# (post, marks): marks are written into the record ("hard": true, "late": true)
POSTS = ([(p, {}) for p in POSTS + PII_POSTS + CONTENT_POSTS] +
         [(p, {"hard": True}) for p in HARD] +
         [(p, {"late": True}) for p in LATE] +
         [(p, {"hard": True, "late": True}) for p in LATE_HARD])

TOKEN = re.compile(r"\{(\w+)\}|\[\[([a-z_.]+)\|(.*?)\]\]")


def render(template):
    out = bytearray()
    expect = []
    pos = 0
    for m in TOKEN.finditer(template):
        out += template[pos:m.start()].encode()
        if m.group(1):
            if m.group(1) not in GENERATORS:
                raise SystemExit("unknown generator {%s} in %r" % (m.group(1), template))
            text, category = GENERATORS[m.group(1)]()
        else:
            category, text = m.group(2), m.group(3)
        start = len(out)
        out += text.encode()
        if category:
            expect.append({"category": category, "text": text, "start": start, "end": len(out)})
        pos = m.end()
    out += template[pos:].encode()
    return out.decode(), expect


def main():
    seen = set()
    n_clean = 0
    for i, (post, marks) in enumerate(POSTS, 1):
        lang, template = post[0], post[1]
        text, expect = render(template)
        for category, piece in (post[2] if len(post) > 2 else []):
            # A second finding inside a marked span ("Fuck" in "Fuck you"): its first
            # occurrence, in bytes.
            raw = text.encode()
            start = raw.find(piece.encode())
            if start < 0:
                raise SystemExit("%r is not in %r" % (piece, text))
            expect.append({"category": category, "text": piece, "start": start,
                           "end": start + len(piece.encode())})
        expect.sort(key=lambda e: (e["start"], e["end"], e["category"]))
        if text in seen:
            raise SystemExit("duplicate post: %r" % text)
        seen.add(text)
        n_clean += not expect
        record = {"id": "p%04d" % i, "lang": lang, "text": text, "expect": expect}
        if marks.get("hard") and expect:
            raise SystemExit("hard negative with a label: %r" % text)
        record.update(marks)
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stderr.write("%d posts, %d clean (%d hard negatives)\n" % (
        len(POSTS), n_clean, sum(1 for _, m in POSTS if m.get("hard"))))


if __name__ == "__main__":
    main()
