"""Shared fixtures of the Python binding's tests: a policy and posts."""

import os
import random

SOURCE_DIR = os.environ.get(
    "MESURA_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
EXAMPLE_POLICY = os.path.join(SOURCE_DIR, "examples", "policies", "acme.yaml")
SAMPLE_POSTS = os.path.join(SOURCE_DIR, "examples", "data", "sample-posts.txt")

# Every kind of rule: a regex with a validator and context, a regex redacted with a
# keyed hash, a lexicon, terms in two languages, a log-only rule, an allow list.
POLICY = r"""
mesura: 1
name: test-policy
lexicons:
  codenames: ["project falcon", "orion-x"]
rules:
  - id: card-number
    category: pii.payment_card
    severity: high
    action: redact
    match: { regex: '\b\d(?:[ -]?\d){12,18}\b', validate: luhn }
    context: { words: [card, tarjeta], boost: 0.1 }
  - id: email
    category: pii.email
    action: redact
    match: { regex: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}' }
    redact: hash
  - id: codename
    category: confidential
    severity: critical
    action: block
    match: { terms: "@codenames" }
  - id: insults-es
    category: profanity
    match: { terms: [mierda, gilipollas, coño] }
  - id: profanity-en
    category: profanity
    match: { terms: [fuck, shit, ass] }
  - id: xyzzy
    category: custom.magic
    action: log
    match: { terms: [xyzzy] }
allow: [scunthorpe]
"""

# The same rules without the hash operator (no key needed to redact).
POLICY_NO_HASH = POLICY.replace("    redact: hash\n", "")

KEY = bytes(range(16))


def sample_posts():
    """The bundled sample posts (examples/data/sample-posts.txt), one per line."""
    with open(SAMPLE_POSTS, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n") for line in f]


# Pieces of posts: plain words, accents (composed and decomposed), emoji (astral, ZWJ
# sequences, flags, skin tones), astral letters, RTL, CJK, and things the policy finds.
PIECES = [
    "hola", "equipo", "Café", "Cafe\u0301", "año", "Ñandú", "😡", "🎉", "👩\u200d💻",
    "👨\u200d👩\u200d👧\u200d👦", "🇪🇸", "👍🏽", "𝐛𝐨𝐥𝐝", "𝕊𝕙𝕚𝕥", "مرحبا", "שלום", "日本語",
    "#OrgullosaDeMiEquipo", "@ana", "https://acme.es/ofertas", "mierda", "m1erda",
    "g.i.l.i.p.o.l.l.a.s", "f u c k", "Ѕhіt", "ＳＨＩＴ", "shit", "classic", "Scunthorpe",
    "4111 1111 1111 1111", "4111-1111-1111-1112", "tarjeta", "ana.garcia@example.com",
    "Project Falcon", "orion-x", "xyzzy", "coño", "\u200b", "e\u0301\u0301",
]


def random_posts(n, seed=1234):
    """n deterministic random posts made of PIECES."""
    rng = random.Random(seed)
    posts = []
    for _ in range(n):
        words = [rng.choice(PIECES) for _ in range(rng.randint(0, 9))]
        seps = [rng.choice([" ", " ", " ", ", ", "! ", "\n", "  "]) for _ in words]
        posts.append("".join(w + s for w, s in zip(words, seps)).strip())
    return posts
