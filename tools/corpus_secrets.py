#!/usr/bin/env python3
"""Credentials of every family builtin:secrets covers, generated from the providers'
documented formats (prefix, length, alphabet, and the checksum where the format has
one), with near-valid twins that must not be flagged.

Used two ways:

* by tools/gen_builtin_corpus.py: GENERATORS maps {name} placeholders of the corpus
  templates to functions returning (text, category or None);
* as a script, `python3 tools/corpus_secrets.py > tests/data/secrets-tokens.tsv`, which
  writes N tokens of every family as `family<TAB>pos|neg<TAB>token` lines (a newline
  inside a token, as in a private key, is written as the two characters \\n) for
  tests/check_secrets.c, which embeds each in posts of many shapes and checks the span.

Nothing here is copied from another scanner's tests: every value is random, drawn from
its alphabet with a seeded generator, so the output is the same on every run.
"""
import base64
import binascii
import random
import string
import sys

rng = random.Random(20261207)

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "_-"
B62 = DIGITS + UPPER + LOWER


def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def base62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def github_checksum(body):
    """GitHub's token checksum: CRC32 of the 30 random characters, base62, 6 wide."""
    return base62(binascii.crc32(body.encode()) & 0xFFFFFFFF, 6)


# ------------------------------------------------------------------ families


def github():
    body = rand(30)
    return rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + body + github_checksum(body)


def github_fine():
    return "github_pat_" + rand(22) + "_" + rand(59)


def gitlab():
    prefix = rng.choice(["glpat-", "glpat-", "glrt-", "gldt-", "glft-", "glsoat-", "glffct-",
                         "glptt-", "glcbt-"])
    if prefix == "glcbt-":
        return prefix + rand(rng.randint(1, 5)) + "_" + rand(20, ALNUM + "_-")
    if prefix == "glptt-":
        return prefix + rand(40, HEX)
    return prefix + rand(20, ALNUM + "_-")


def gitlab_routable():
    payload = rand(rng.choice([27, 36, 44]), ALNUM + "_-")
    prefix = rng.choice(["glpat-", "glrt-t%d_" % rng.randint(1, 3)])
    return prefix + payload + "." + rand(2, LOWER + DIGITS) + rand(7, LOWER + DIGITS)


def gitlab_other():
    return rng.choice([
        lambda: "glimt-" + rand(25, ALNUM + "_-"),
        lambda: "glagent-" + rand(50, ALNUM + "_-"),
        lambda: "gloas-" + rand(64, ALNUM + "_-"),
        lambda: "GR1348941" + rand(20, ALNUM + "_-"),
    ])()


def slack():
    kind = rng.choice(["xoxb", "xoxp", "xoxa", "xoxr", "xoxs", "xoxo"])
    if kind == "xoxb":
        return "xoxb-%s-%s-%s" % (rand(12, DIGITS), rand(13, DIGITS), rand(24))
    if kind == "xoxp":
        return "xoxp-%s-%s-%s-%s" % (rand(12, DIGITS), rand(12, DIGITS), rand(13, DIGITS),
                                     rand(32, HEX))
    if kind in ("xoxa", "xoxr"):
        return "%s-2-%s" % (kind, rand(rng.randint(30, 48)))
    return "%s-%s-%s-%s-%s" % (kind, rand(10, DIGITS), rand(11, DIGITS), rand(12, DIGITS),
                               rand(64, HEX))


def slack_config():
    if rng.random() < 0.5:
        return "xoxe.xox%s-1-%s" % (rng.choice("bp"), rand(rng.randint(163, 166), UPPER + DIGITS))
    return "xoxe-1-" + rand(146, UPPER + DIGITS)


def slack_app():
    return "xapp-1-A%s-%s-%s" % (rand(10, UPPER + DIGITS), rand(13, DIGITS), rand(64, HEX))


def slack_webhook():
    team = "T" + rand(10, UPPER + DIGITS)
    kind = rng.choice(["services", "workflows", "triggers"])
    if kind == "services":
        return "https://hooks.slack.com/services/%s/B%s/%s" % (team, rand(10, UPPER + DIGITS),
                                                              rand(24))
    if kind == "workflows":
        return "https://hooks.slack.com/workflows/%s/A%s/%s/%s" % (
            team, rand(10, UPPER + DIGITS), rand(18, DIGITS), rand(24))
    return "https://hooks.slack.com/triggers/%s/%s/%s" % (team, rand(13, DIGITS), rand(32, HEX))


def aws_id():
    return rng.choice(["AKIA", "ASIA", "AROA", "AIDA"]) + rand(16, UPPER + "234567")


def bedrock():
    raw = ("BedrockAPIKey-%s-at-%s:" % (rand(4, LOWER + DIGITS), rand(12, DIGITS))).encode() + \
        bytes(rng.randrange(256) for _ in range(42))
    return "ABSK" + base64.b64encode(raw).decode()


def azure_storage():
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode()


def azure_sas_sig():
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(32))).decode() \
        .replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def azure_ad_secret():
    return rand(3, ALNUM + "_~.") + str(rng.randint(0, 9)) + "Q~" + rand(33, ALNUM + "_~.-") + rand(1)


def google_api():
    return "AIza" + rand(35, B64URL)


def google_oauth():
    return "GOCSPX-" + rand(28, B64URL)


def openai():
    kind = rng.choice(["proj", "svcacct", "admin", "legacy"])
    if kind == "legacy":
        return "sk-" + rand(20) + "T3BlbkFJ" + rand(20)
    return "sk-%s-%sT3BlbkFJ%s" % (kind, rand(74, B64URL), rand(74, B64URL))


def anthropic():
    return "sk-ant-%s-%sAA" % (rng.choice(["api03", "admin01"]), rand(93, B64URL))


def huggingface():
    return rng.choice(["hf_", "api_org_"]) + rand(34, string.ascii_letters)


def stripe():
    return rng.choice(["sk_live_", "rk_live_", "sk_test_", "rk_test_"]) + rand(rng.choice([24, 99]))


def stripe_webhook():
    return "whsec_" + rand(32)


def twilio():
    return "SK" + rand(32, HEX)


def sendgrid():
    return "SG." + rand(22, B64URL) + "." + rand(43, B64URL)


def mailgun():
    return "key-" + rand(32, HEX)


def mailchimp():
    return rand(32, HEX) + "-us" + str(rng.randint(1, 21))


def shopify():
    return rng.choice(["shpat_", "shpca_", "shppa_", "shpss_"]) + rand(32, HEX)


def atlassian():
    return "ATATT3" + rand(180, B64URL) + "=" + rand(8, HEX.upper())


def discord_webhook():
    return "https://discord.com/api/webhooks/%s/%s" % (rand(19, DIGITS), rand(68, B64URL))


def telegram():
    return "%s:AA%s" % (rng.randint(100000000, 9999999999), rand(33, B64URL))


def npm():
    body = rand(30)
    return "npm_" + body + github_checksum(body)


def pypi():
    macaroon = base64.urlsafe_b64encode(b"\x02\x01\x08pypi.org\x02\x25\x08\x01\x12\x20" +
                                        bytes(rng.randrange(256) for _ in range(80)))
    return "pypi-" + macaroon.decode().rstrip("=")


def docker():
    return "dckr_pat_" + rand(27, B64URL)


def heroku():
    return "HRKU-AA" + rand(58, B64URL)


def digitalocean():
    return rng.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + rand(64, HEX)


def newrelic():
    return rng.choice([lambda: "NRAK-" + rand(27, UPPER + DIGITS),
                       lambda: "NRII-" + rand(32, ALNUM + "-"),
                       lambda: "NRJS-" + rand(19, HEX)])()


def sentry_dsn():
    return "https://%s@o%d.ingest.sentry.io/%d" % (rand(32, HEX), rng.randint(10000, 9999999),
                                                  rng.randint(1000000, 9999999))


def sentry_token():
    return "sntryu_" + rand(64, HEX)


def databricks():
    return "dapi" + rand(32, HEX)


def vendor():
    return rng.choice([
        lambda: "AGE-SECRET-KEY-1" + rand(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
        lambda: "LTAI" + rand(20),
        lambda: "dp.pt." + rand(43),
        lambda: "dt0c01." + rand(24, UPPER + DIGITS) + "." + rand(64, UPPER + DIGITS),
        lambda: "glsa_" + rand(32) + "_" + rand(8, HEX),
        lambda: "lin_api_" + rand(40),
        lambda: "ntn_" + rand(11, DIGITS) + rand(35),
        lambda: "PMAK-" + rand(24, HEX) + "-" + rand(34, HEX),
        lambda: "pnu_" + rand(36),
        lambda: "pul-" + rand(40, HEX),
        lambda: "rubygems_" + rand(48, HEX),
        lambda: "xkeysib-" + rand(64, HEX) + "-" + rand(16),
        lambda: "shippo_live_" + rand(40, HEX),
        lambda: "sq0atp-" + rand(22, B64URL),
        lambda: "sq0csp-" + rand(43, B64URL),
        lambda: "hvs." + rand(95, B64URL),
        lambda: "pscale_tkn_" + rand(43, B64URL),
        lambda: "pplx-" + rand(48),
        lambda: "tskey-auth-" + rand(12) + "-" + rand(32),
        lambda: "sbp_" + rand(40, HEX),
        lambda: "EZAK" + rand(54),
        lambda: "fo1_" + rand(43, B64URL),
        lambda: "rdme_" + rand(70, LOWER + DIGITS),
        lambda: "tfp_" + rand(59, B64URL),
        lambda: "sha256~" + rand(43, B64URL),
        lambda: "sk.eyJ" + rand(60, B64URL) + "." + rand(22, B64URL),
        lambda: "AAAA" + rand(7, B64URL) + ":APA91b" + rand(134, B64URL),
        lambda: "A" * 22 + rand(90, ALNUM + "%"),
        lambda: "EAAC" + rand(150),
        lambda: "A3-%s-%s-%s-%s-%s" % (rand(6, UPPER + DIGITS), rand(11, UPPER + DIGITS),
                                       rand(5, UPPER + DIGITS), rand(5, UPPER + DIGITS),
                                       rand(5, UPPER + DIGITS)),
        lambda: "secret_" + rand(43),
        lambda: "bkua_" + rand(40, HEX),
        lambda: "dp.st." + rand(43),
        lambda: rand(14) + ".atlasv1." + rand(67, ALNUM + "_-"),
        lambda: "lsv2_pt_" + rand(32, HEX) + "_" + rand(10, HEX),
        lambda: "eyJrIjoi" + rand(100),
        lambda: "xai-" + rand(80),
        lambda: "figd_" + rand(40, B64URL),
        lambda: "nfp_" + rand(36),
        lambda: "rnd_" + rand(32),
        lambda: "napi_" + rand(64, LOWER + DIGITS),
        lambda: "CFPAT-" + rand(43, B64URL),
        lambda: "sk-or-v1-" + rand(64, HEX),
        lambda: "sqp_" + rand(40, HEX),
        lambda: "sgp_" + rand(16, HEX) + "_" + rand(40, HEX),
        lambda: "ya29." + rand(150, B64URL),
        lambda: "1//0" + rand(100, B64URL),
        lambda: rng.choice(["FwoGZXIvYXdz", "IQoJb3JpZ2lu"]) + rand(300, B64),
    ])()


def teams_webhook():
    def uuid():
        h = rand(32, HEX)
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    return "https://acme.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s" % (
        uuid(), uuid(), rand(32), uuid())


def zapier():
    return "https://hooks.zapier.com/hooks/catch/%s/%s/" % (rand(8, DIGITS), rand(7, LOWER + DIGITS))


def password():
    """A password people pick: words, digits and a symbol, or a random run."""
    if rng.random() < 0.5:
        return rng.choice(["Verano", "Madrid", "Acme", "Oficina", "Summer", "Welcome", "Dragon"]) + \
            rand(rng.randint(2, 4), DIGITS) + rng.choice("!#$%*+-_.") + rand(2)
    return rand(1) + rand(rng.randint(9, 15), ALNUM + "!#%*+-_") + rand(1, DIGITS)


def basic_auth():
    return base64.b64encode(("%s:%s" % (rng.choice(["admin", "deploy", "svc_ci", "ana"]),
                                        password())).encode()).decode()


def uuid4():
    h = rand(32, HEX)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], rng.choice("89ab"), h[17:20], h[20:])


def discord_bot():
    uid = str(rng.randint(10 ** 17, 10 ** 19 - 1)).encode()
    return base64.b64encode(uid).decode().rstrip("=") + "." + rand(6, B64URL) + "." + \
        rand(rng.randint(27, 38), B64URL)


def okta():
    return "00" + rand(40, B64URL)


def datadog():
    return rand(32, HEX)


PEM_KINDS = ["RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "PRIVATE KEY",
             "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]


def private_key():
    kind = rng.choice(PEM_KINDS)
    lines = [base64.b64encode(bytes(rng.randrange(256) for _ in range(48))).decode()
             for _ in range(rng.randint(3, 8))]
    last = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(4, 40)))).decode()
    body = "\n".join(lines + [last])
    if kind.startswith("PGP"):
        body = "Version: GnuPG v2\n\n" + body + "\n=" + rand(4, B64)
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (kind, body, kind)


def private_key_json():
    """A service-account JSON value: the newlines are the two characters \\n."""
    return private_key_of("PRIVATE KEY").replace("\n", "\\n")


def private_key_of(kind):
    lines = [base64.b64encode(bytes(rng.randrange(256) for _ in range(48))).decode()
             for _ in range(4)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (kind, "\n".join(lines), kind)


# (family, positive generator, context: the words a post needs around the bare token, or
# None when the token is found alone)
FAMILIES = [
    ("github", github, None),
    ("github-fine-grained", github_fine, None),
    ("gitlab", gitlab, None),
    ("gitlab-routable", gitlab_routable, None),
    ("gitlab-other", gitlab_other, None),
    ("slack", slack, None),
    ("slack-config", slack_config, None),
    ("slack-app", slack_app, None),
    ("slack-webhook", slack_webhook, None),
    ("aws-key-id", aws_id, None),
    ("aws-bedrock", bedrock, None),
    ("azure-ad-secret", azure_ad_secret, None),
    ("google-api", google_api, None),
    ("google-oauth", google_oauth, None),
    ("openai", openai, None),
    ("anthropic", anthropic, None),
    ("huggingface", huggingface, None),
    ("stripe", stripe, None),
    ("stripe-webhook", stripe_webhook, None),
    ("twilio", twilio, None),
    ("sendgrid", sendgrid, None),
    ("mailgun", mailgun, None),
    ("mailchimp", mailchimp, None),
    ("shopify", shopify, None),
    ("atlassian", atlassian, None),
    ("discord-webhook", discord_webhook, None),
    ("telegram", telegram, None),
    ("npm", npm, None),
    ("pypi", pypi, None),
    ("docker", docker, None),
    ("heroku", heroku, None),
    ("digitalocean", digitalocean, None),
    ("newrelic", newrelic, None),
    ("sentry-dsn", sentry_dsn, None),
    ("sentry-token", sentry_token, None),
    ("databricks", databricks, None),
    ("vendor", vendor, None),
    ("teams-webhook", teams_webhook, None),
    ("zapier-webhook", zapier, None),
    ("private-key", private_key, None),
    ("private-key-json", private_key_json, None),
    # found with a name before them (DD_API_KEY=..., okta token: ...)
    ("okta", okta, "OKTA_API_TOKEN="),
    ("datadog", datadog, "DD_API_KEY="),
    ("heroku-uuid", uuid4, "HEROKU_API_KEY="),
    ("datadog-app", lambda: rand(40, HEX), "DATADOG_APP="),
    ("twilio-auth", lambda: rand(32, HEX), "twilio_auth_token: "),
    ("cloudflare", lambda: rand(40, B64URL), "cloudflareKey = "),
    ("discord-bot", discord_bot, "DISCORD_BOT_TOKEN="),
    ("curl-user", password, "curl -u deploy:"),
    ("basic-auth", basic_auth, "Authorization: Basic "),
    ("db-password", password, "POSTGRES_PASSWORD="),
    ("sshpass", password, "sshpass -p "),
    ("mysql-p", password, "mysql -u root -p"),
    ("wifi-qr", password, "WIFI:T:WPA;S:Acme-Guest;P:"),
    ("azure-storage", azure_storage, "AccountKey="),
    ("azure-sas", azure_sas_sig, "&sig="),
    ("airtable", lambda: "pat" + rand(14) + "." + rand(64, HEX), None),
    ("npmrc-token", uuid4, "//npm.acme.internal/:_authToken="),
    ("npmrc-auth", basic_auth, "_auth="),
]


PLACEHOLDERS = ["<your-token>", "${TOKEN}", "{{token}}", "{{ secrets.API_TOKEN }}", "changeme",
                "your_api_key_here", "****************", "################",
                "XXXXXXXXXXXXXXXXXXXXXXXX", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "",
                "00000000000000000000000000000000", "REPLACE_ME", "dummy-token-for-tests"]


def near_miss(family, token, context):
    """A twin that must not be flagged. With a context (the value comes after a name:
    DD_API_KEY=...), a placeholder or an empty value. Otherwise the token with the mark
    of its format broken (first character, or the part that names the service), to be
    screened in prose, where a random string with no prefix and no name is no secret."""
    if context:
        return rng.choice(PLACEHOLDERS)
    if family.startswith("private-key"):
        kind = token.split("-----")[1][len("BEGIN "):]
        return token.replace(kind, kind.replace("PRIVATE", "PUBLIC"))
    swaps = {"mailchimp": ("-us", "-uz"), "telegram": (":AA", ":Ab"),
             "azure-ad-secret": ("Q~", "Q-"), "sentry-dsn": ("sentry.io", "sentry.example"),
             "discord-webhook": ("/webhooks/", "/webhook/"),
             "slack-webhook": ("hooks.slack.com", "hooks.slack.example"),
             "slack-config": ("xox", "yox"), "teams-webhook": ("webhookb2", "webhook"),
             "zapier-webhook": ("hooks.zapier.com", "hooks.zapier.example")}
    if family in swaps:
        old, new = swaps[family]
        return token.replace(old, new)
    return "~" + token[1:]


NEGATIVES = [
    # providers' documented examples and placeholders in each shape
    ("aws-key-id", "AKIAIOSFODNN7EXAMPLE"),
    ("aws-secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("github", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("github", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
    ("gitlab", "glpat-xxxxxxxxxxxxxxxxxxxx"),
    ("slack", "xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx"),
    ("stripe", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
    ("stripe", "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
    ("openai", "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("npm", "npm_0000000000000000000000000000000000000"),
    ("generic", "<your-token>"),
    ("generic", "${TOKEN}"),
    ("generic", "{{token}}"),
    ("generic", "changeme"),
    ("generic", "your_api_key_here"),
    ("generic", "****************"),
    ("generic", "################"),
    ("generic", "XXXXXXXXXXXXXXXXXXXXXXXX"),
]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    out = sys.stdout
    out.write("# family\tpos|neg\tcontext\ttoken (generated by tools/corpus_secrets.py; "
              "do not edit)\n")
    for family, gen, context in FAMILIES:
        for _ in range(n):
            token = gen()
            out.write("%s\tpos\t%s\t%s\n" % (family, context or "-", token.replace("\n", "\\n")))
        for _ in range(max(n // 5, 2)):
            out.write("%s\tneg\t%s\t%s\n" % (family, context or "-",
                                              near_miss(family, gen(), context).replace("\n", "\\n")))
    for family, token in NEGATIVES:
        out.write("%s\tneg\t-\t%s\n" % (family, token))


# ------------------------------------------------------------------ corpus generators


def _pos(gen):
    return lambda: (gen(), "secret.credential")


GENERATORS = {"tok_" + name.replace("-", "_"): _pos(gen) for name, gen, _ in FAMILIES}
# bare values: a random key found by its name or place (api_key: {sec_b62_32}), and
# filler
GENERATORS.update({
    "sec_hex32": lambda: (rand(32, HEX), "secret.credential"),
    "sec_b62_32": lambda: (rand(32), "secret.credential"),
    "b62_24": lambda: (rand(24), None),
    "digits7": lambda: (rand(7, DIGITS), None),
})


if __name__ == "__main__":
    main()
