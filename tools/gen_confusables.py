#!/usr/bin/env python3
"""Generates src/text/confusables_table.inc: non-ASCII look-alikes -> ASCII prototype.

mesura maps characters that look like Latin letters or digits ("сunt" with Cyrillic
с, Greek ο, Cherokee Ꭺ...) to ASCII before matching policy terms. The library looks
a character up AFTER canonical or compatibility decomposition (and case folding,
if asked), so the table leaves out what decomposition already handles.

Data (everything offline, Debian 12 packages):
  confusables.json   Unicode's confusables data as shipped by python3-confusable-
                     homoglyphs: a symmetric homoglyph graph, char -> [{"c", "n"}].
  UnicodeData.txt    unicode-data (Unicode 15.0, the version of Debian 12's utf8proc
                     and ICU): general categories, decompositions, names. Without it
                     the generator falls back to Python's unicodedata module.
  ICU (optional)     libicu-dev's UTS #39 skeletons (uspoof_getSkeleton, Unicode 15
                     confusables.txt) through tools/confusables_oracle.c, compiled with
                     cc into a temporary directory; used as an oracle.

Derivation, for every edge (x, y) of the graph, in both directions:
  source  x is one non-ASCII code point; its general category is a letter (L*) or a
          number (N*), or a math/other symbol (Sm, So) whose target is letters only.
          Never a mark (M*). Dropped when it has a canonical decomposition (é, ñ, Ё:
          the library decomposes them and strips the accent) or when its NFKC form
          is ASCII (fullwidth and mathematical letters: NFKC handles them).
  target  y is 1 to 4 ASCII characters in [A-Za-z0-9] ("direct"); or, after
          canonical decomposition, such characters plus nonspacing/enclosing marks,
          which are removed ("f" for ƒ -> f + U+0326, the way the library strips
          accents; "stripped"). The graph's own ASCII edges (0~O, 1~l~I, m~rn) add
          the other members of the target's class ("derived").
  choice  with ICU, only the candidates whose skeleton equals the source's skeleton
          (marks removed from both for stripped ones) are kept: the pair is
          "confirmed"; a source none of whose candidates ICU confirms is rejected and
          listed in the output's header comment. Among the kept candidates, the first
          by: a single character, a letter, the case of the source (Lu/Lt -> upper,
          Ll -> lower), then direct, stripped, derived (so Greek Ι gets "I" where
          the data says "l", the prototype of the l/I/1 class; Cyrillic ԁ gets "d"
          even though Unicode 15's prototype of d is "cl"), then the string.

Letters the confusables data does not list, from Unicode's own names and NFKC ("letter
sources"; the JSON's table wins where both have a source):
  name    a symbol or letter whose name says which Latin letter it shows:
          "PARENTHESIZED LATIN SMALL LETTER A", "NEGATIVE SQUARED LATIN CAPITAL LETTER A"
          (any prefix), "LATIN SMALL LETTER D WITH HOOK" (a letter with a hook, stroke...
          and no canonical decomposition), "LATIN LETTER SMALL CAPITAL A" (lower case),
          "REGIONAL INDICATOR SYMBOL LETTER A" (upper case; read as a letter only when
          it is not half of an emoji flag, see below).
  nfkc    a character whose NFKC is one ASCII letter with ASCII punctuation around it
          (⒜ -> "(a)"): the letter. The library looks such characters up BEFORE
          decomposing them, so no bracket is left in the view.
  class   a letter ICU gives the same skeleton as a "name" source (Greek κ, Cyrillic к and
          ᴋ all have the skeleton ĸ; ᴋ is a small capital K): that letter.
  curated symbols people write for letters that no Unicode data relates to them (¡ for
          i, √ for v...), listed in CURATED below with the context they need.
  ICU cross-checks these too: a source whose ICU skeleton is ASCII letters other than
  its target is rejected (listed in the header); one whose skeleton is not ASCII (ICU
  has no opinion) is kept. No letter source maps to a digit.
Context: a symbol reads as a letter only where a letter follows it (€ in "m€rda", not
in "5 €"), ¡ only between letters ("h¡jo", not "¡Hola"), a regional indicator only when
it does not make an RGI emoji flag with its pair (emoji-sequences.txt): 🇨🇰 is a flag,
🇫 alone is F.

usage: tools/gen_confusables.py [--json PATH] [--unicode-dir DIR] [--no-icu]
                                > src/text/confusables_table.inc
The generated file is committed: building mesura needs neither Python nor ICU.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unicodedata

from unicode_version import ucd_version, version_line

DEFAULT_JSON = "/usr/lib/python3/dist-packages/confusable_homoglyphs/confusables.json"
DEFAULT_UCD = "/usr/share/unicode"
EMOJI_SEQUENCES = "emoji/emoji-sequences.txt"  # under --unicode-dir
ORACLE_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "confusables_oracle.c")
MAX_LEN = 4  # MESURA_CONFUSABLE_MAX in src/text/text.h
ALNUM = re.compile(r"[A-Za-z0-9]{1,%d}\Z" % MAX_LEN)
# How a target was found, in order of preference (see the module docstring).
KINDS = ("direct", "stripped", "derived", "derived, stripped")
# Bidi marks the JSON wraps right-to-left characters in ("\u200eا\u200e").
BIDI_WRAPPERS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


# Contexts (MESURA_LOOKALIKE_* in src/text/text.h).
ALWAYS, BEFORE_LETTER, BETWEEN_LETTERS, REGIONAL = 0, 1, 2, 3
CONTEXT_NAMES = ("always", "before a letter", "between letters", "regional indicator")

# Symbols people write for letters, related by no Unicode data (the confusables data
# has none of them as a Latin look-alike): code point -> (letter, context, why).
CURATED = {
    0x00A1: ("i", BETWEEN_LETTERS, "inverted exclamation mark: h¡jo (Spanish opens with it)"),
    0x221A: ("v", BEFORE_LETTER, "square root: √erga"),
    0x20AC: ("e", BEFORE_LETTER, "euro sign: m€rda"),
    0x00A2: ("c", BEFORE_LETTER, "cent sign: ¢unt"),
    0x00A9: ("c", BEFORE_LETTER, "copyright sign: ©ock"),
    0x00AE: ("r", BEFORE_LETTER, "registered sign: ®etard"),
    0x00A5: ("y", BEFORE_LETTER, "yen sign"),
    0x2202: ("d", BEFORE_LETTER, "partial differential: ∂ick"),
    0x2229: ("n", BEFORE_LETTER, "intersection: ∩igga"),
    0x00B5: ("u", ALWAYS, "micro sign: fµck (NFKC makes it Greek mu)"),
    0x03BC: ("u", ALWAYS, "Greek mu: fμck"),
}

# Sources whose prototype is not the one the rank picks: code point -> (target, why).
# The target must be one of the source's confirmed candidates.
PROTOTYPE = {
    0x04C0: ("l", "the capital palochka is a bare stroke, no I of any alphabet: ICU's "
                  "skeleton l, not the upper-case member the rank prefers for capitals"),
}

LETTER_NAMES = (
    # (pattern, kind): the letter is the last group, its case from CAPITAL/SMALL when
    # the pattern has two groups, else upper. A letter "with" a hook or a bar may look
    # like other letters too (ICU puts C WITH BAR with Greek epsilon): only the other
    # kinds lend their letter to the characters ICU gives the same skeleton.
    (re.compile(r"(?:[A-Z-]+ )+LATIN (CAPITAL|SMALL) LETTER ([A-Z])\Z"), "name"),
    (re.compile(r"LATIN LETTER (SMALL) CAPITAL ([A-Z])\Z"), "name"),
    (re.compile(r"REGIONAL INDICATOR SYMBOL LETTER ([A-Z])\Z"), "name"),
    (re.compile(r"LATIN (CAPITAL|SMALL) LETTER ([A-Z]) WITH (?!.*LETTER).+\Z"), "name, with"),
)


def name_letter(name):
    """(the Latin letter a character's name says it shows, kind), or (None, None)."""
    if name.startswith(("TAG ", "COMBINING ")):
        return None, None
    for pattern, kind in LETTER_NAMES:
        m = pattern.match(name)
        if m:
            if pattern.groups == 1:
                return m.group(1), kind
            return (m.group(2) if m.group(1) == "CAPITAL" else m.group(2).lower()), kind
    return None, None


def read_rgi_flags(udir):
    """Pairs of regional indicators that are RGI emoji flags, as 'CK'."""
    flags = set()
    path = os.path.join(udir, EMOJI_SEQUENCES)
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = [x.strip() for x in line.split("#", 1)[0].split(";")]
            if len(fields) >= 2 and fields[1] == "RGI_Emoji_Flag_Sequence":
                a, b = (int(x, 16) for x in fields[0].split())
                flags.add(chr(ord("A") + a - 0x1F1E6) + chr(ord("A") + b - 0x1F1E6))
    if len(flags) < 200:
        raise RuntimeError(f"{path}: only {len(flags)} RGI flags")
    return flags


class Ucd:
    """General category, decomposition and name of every code point."""

    def __init__(self, udir):
        self.gc, self.decomp, self.compat, self.name = {}, {}, set(), {}
        path = os.path.join(udir, "UnicodeData.txt") if udir else None
        self.from_file = bool(path and os.path.exists(path))
        if self.from_file:
            self._read(path)
            self.version = ucd_version(udir)
            self.source = "UnicodeData.txt of unicode-data " + self.version
        else:
            self.version = unicodedata.unidata_version
            self.source = f"Python's unicodedata {self.version}"

    def _read(self, path):
        first = None
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.rstrip("\n").split(";")
                cp, name, gc, dec = int(fields[0], 16), fields[1], fields[2], fields[5]
                if name.endswith(", First>"):
                    first = cp
                    continue
                if name.endswith(", Last>"):
                    for c in range(first, cp + 1):
                        self.gc[c] = gc
                    continue
                self.gc[cp] = gc
                self.name[cp] = name
                if dec:
                    if dec.startswith("<"):
                        self.compat.add(cp)
                        dec = dec.split(">", 1)[1]
                    self.decomp[cp] = [int(x, 16) for x in dec.split()]

    def category(self, cp):
        if self.from_file:
            return self.gc.get(cp, "Cn")
        return unicodedata.category(chr(cp))

    def char_name(self, cp):
        if self.from_file:
            return self.name.get(cp, f"U+{cp:04X}")
        return unicodedata.name(chr(cp), f"U+{cp:04X}")

    def has_canonical(self, cp):
        if self.from_file:
            return cp in self.decomp and cp not in self.compat
        d = unicodedata.decomposition(chr(cp))
        return bool(d) and not d.startswith("<")

    def nfd(self, s):
        return self._decompose(s, compat=False)

    def nfkc_is_ascii(self, cp):
        # NFKC of one code point is ASCII iff its full compatibility decomposition is:
        # no canonical composition has an ASCII result, and none combines two ASCII.
        if not self.from_file:
            return unicodedata.normalize("NFKC", chr(cp)).isascii()
        return all(ord(c) < 0x80 for c in self._decompose(chr(cp), compat=True))

    def _decompose(self, s, compat):
        if not self.from_file:
            return unicodedata.normalize("NFKD" if compat else "NFD", s)
        out = []
        for ch in s:
            cp = ord(ch)
            if cp in self.decomp and (compat or cp not in self.compat):
                out.append(self._decompose("".join(map(chr, self.decomp[cp])), compat))
            else:
                out.append(ch)
        return "".join(out)  # reordering does not matter: marks are only removed here

    def nfkd_letter(self, cp):
        """The letter of a character whose NFKD is one ASCII letter and ASCII
        punctuation ("(a)"), or None."""
        d = self._decompose(chr(cp), compat=True)
        if not d.isascii() or len(d) < 2:
            return None
        letters = [c for c in d if c.isalpha()]
        if len(letters) != 1 or any(c.isdigit() or c.isspace() for c in d):
            return None
        return letters[0]

    def strip_marks(self, s):
        return "".join(c for c in s if self.category(ord(c)) not in ("Mn", "Me"))


def clean(s):
    return s.translate(BIDI_WRAPPERS)


def read_graph(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    edges = set()
    for key, entries in data.items():
        for e in entries:
            a, b = clean(key), clean(e["c"])
            if a and b and a != b:
                edges.add((a, b))
                edges.add((b, a))  # the graph is symmetric; make sure of it
    return edges


def ascii_classes(edges):
    """Connected components of the graph restricted to [A-Za-z0-9]{1,4} strings."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in edges:
        if ALNUM.match(a) and ALNUM.match(b):
            parent[find(a)] = find(b)
    classes = {}
    for x in list(parent):
        classes.setdefault(find(x), set()).add(x)
    return {x: classes[find(x)] for x in parent}


def candidates(edges, ucd):
    """source cp -> {target: kind}, kind in KINDS."""
    cands = {}
    for a, b in edges:
        if len(a) != 1 or ord(a) < 0x80:
            continue
        if ALNUM.match(b):
            kind, target = "direct", b
        else:
            target = ucd.strip_marks(ucd.nfd(b))
            if not ALNUM.match(target):
                continue
            kind = "stripped"
        per = cands.setdefault(ord(a), {})
        if per.get(target) != "direct":
            per[target] = kind
    classes = ascii_classes(edges)
    for per in cands.values():
        for target, kind in sorted(per.items(), key=lambda tk: KINDS.index(tk[1])):
            for other in classes.get(target, ()):
                per.setdefault(other, "derived" if kind == "direct" else "derived, stripped")
    return cands


def source_filter(cp, ucd):
    """Why cp cannot be a source, or None."""
    gc = ucd.category(cp)
    if gc[0] == "M":
        return "mark"
    if gc[0] not in "LN" and gc not in ("Sm", "So"):
        return "category"
    if 0xD800 <= cp <= 0xDFFF:
        return "category"
    if ucd.has_canonical(cp):
        return "canonical decomposition"
    if ucd.nfkc_is_ascii(cp):
        return "NFKC is ASCII"
    return None


def target_ok(cp, target, ucd):
    return ucd.category(cp) not in ("Sm", "So") or target.isalpha()


class Oracle:
    """ICU's UTS #39 skeletons through tools/confusables_oracle.c, or None."""

    @staticmethod
    def open():
        if not shutil.which("cc") or not shutil.which("pkg-config"):
            return None, "cc or pkg-config not found"
        try:
            flags = subprocess.run(["pkg-config", "--cflags", "--libs", "icu-i18n"],
                                   check=True, capture_output=True, text=True).stdout.split()
        except (subprocess.CalledProcessError, OSError):
            return None, "pkg-config icu-i18n failed (libicu-dev not installed?)"
        tmp = tempfile.TemporaryDirectory(prefix="gen_confusables.")
        exe = os.path.join(tmp.name, "confusables_oracle")
        r = subprocess.run(["cc", "-std=c11", "-O2", "-o", exe, ORACLE_SRC] + flags,
                           capture_output=True, text=True)
        if r.returncode != 0:
            tmp.cleanup()
            return None, "cannot compile tools/confusables_oracle.c: " + r.stderr.strip()
        o = Oracle()
        o.tmp, o.exe = tmp, exe
        o.version = subprocess.run([exe, "--version"], check=True, capture_output=True,
                                   text=True).stdout.strip()
        return o, None

    def skeletons(self, strings):
        strings = sorted(set(strings))
        query = "".join(" ".join(f"{ord(c):04X}" for c in s) + "\n" for s in strings)
        out = subprocess.run([self.exe], input=query, check=True, capture_output=True,
                             text=True).stdout.splitlines()
        if len(out) != len(strings):
            raise RuntimeError("confusables_oracle: unexpected output")
        result = {}
        for s, line in zip(strings, out):
            _, _, skel = line.partition("\t")
            if skel == "!":
                raise RuntimeError(f"confusables_oracle failed on {s!r}")
            result[s] = "".join(chr(int(x, 16)) for x in skel.split())
        return result

    def close(self):
        self.tmp.cleanup()


def rank(cp, target, kind, ucd):
    gc = ucd.category(cp)
    case_miss = (gc in ("Lu", "Lt") and not target.isupper()) or (gc == "Ll" and not target.islower())
    return (len(target) != 1, not target.isalpha(), case_miss,
            KINDS.index(kind), target)


def package_version(json_path):
    """ " 3.2.0" from the package's _version.py next to the JSON, or ""."""
    try:
        with open(os.path.join(os.path.dirname(json_path), "_version.py"), encoding="utf-8") as f:
            m = re.search(r'"version": "([^"]+)"', f.read())
        return " " + m.group(1) if m else ""
    except OSError:
        return ""


def hexs(s):
    return " ".join(f"{ord(c):04X}" for c in s)


def letter_sources(ucd, taken, oracle):
    """(cp, letter, kind, context) for the letter sources (see the module docstring)
    that the JSON's table does not already have; a summary; and the rejected ones."""
    found = {}  # cp -> (letter, kind, context)
    for cp, name in ucd.name.items():
        if cp < 0x80 or cp in taken or ucd.category(cp)[0] not in "LNS":
            continue
        if ucd.has_canonical(cp) or ucd.category(cp) in ("Sk", "Sc"):
            continue
        letter, kind = name_letter(name)
        if letter is None:
            letter, kind = ucd.nfkd_letter(cp), "nfkc"
        elif ucd.nfkc_is_ascii(cp) and ucd.nfkd_letter(cp) is None:
            continue  # NFKC already makes it the letter (fullwidth, circled...)
        if letter is None:
            continue
        context = REGIONAL if name.startswith("REGIONAL INDICATOR") else ALWAYS
        found[cp] = (letter, kind, context)
    for cp, (letter, context, _) in CURATED.items():
        if cp not in taken:
            found[cp] = (letter, "curated", context)
    skel = {}
    if oracle:
        classes = [cp for cp, gc in ucd.gc.items()
                   if cp >= 0x80 and cp not in taken and cp not in found and gc[0] == "L"
                   and not ucd.has_canonical(cp) and not ucd.nfkc_is_ascii(cp)]
        skel = oracle.skeletons([chr(cp) for cp in list(found) + classes])
        by_skeleton = {}  # skeleton of a name source -> its letters
        for cp, (letter, kind, _) in found.items():
            if kind == "name":
                by_skeleton.setdefault(skel[chr(cp)], set()).add(letter)
        for cp in classes:
            letters = by_skeleton.get(skel[chr(cp)], set())
            if len(letters) == 1:
                found[cp] = (next(iter(letters)), "class", ALWAYS)
    out, rejected, verdicts = [], [], {"confirmed": 0, "no opinion": 0}
    for cp in sorted(found):
        letter, kind, context = found[cp]
        if oracle:
            sk = skel[chr(cp)]
            if sk.lower() == letter.lower():
                verdicts["confirmed"] += 1
            elif sk.isascii() and sk.isalnum():
                rejected.append((cp, letter, sk))
                continue
            else:
                verdicts["no opinion"] += 1
        out.append((cp, letter, kind, context))
    counts = {}
    for _, _, kind, _ in out:
        counts[kind] = counts.get(kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    if oracle:
        summary += (f"; ICU: {verdicts['confirmed']} confirmed, {verdicts['no opinion']} "
                    f"no opinion, {len(rejected)} rejected")
    return out, summary, rejected


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--json", default=DEFAULT_JSON)
    ap.add_argument("--unicode-dir", default=DEFAULT_UCD)
    ap.add_argument("--no-icu", action="store_true", help="do not use ICU as an oracle")
    args = ap.parse_args()

    ucd = Ucd(args.unicode_dir)
    edges = read_graph(args.json)
    cands = candidates(edges, ucd)

    excluded = {}
    pairs = {}  # cp -> {target: kind}
    for cp, per in cands.items():
        why = source_filter(cp, ucd)
        if why is None:
            per = {t: k for t, k in per.items() if target_ok(cp, t, ucd)}
            if not per:
                why = "symbol with a non-letter target"
        if why:
            excluded[why] = excluded.get(why, 0) + 1
            continue
        pairs[cp] = per
    n_pairs = sum(len(p) for p in pairs.values())

    oracle, why_not = (None, "disabled by --no-icu") if args.no_icu else Oracle.open()
    confirmed_pairs = rejected_pairs = 0
    rejected = []  # (cp, candidates, icu skeleton of cp)
    table = []  # (cp, target, kind)
    if oracle:
        skel = oracle.skeletons([chr(cp) for cp in pairs] + [t for p in pairs.values() for t in p])
    for cp in sorted(pairs):
        per = pairs[cp]
        if oracle:
            ok = {}
            for t, kind in per.items():
                s, want = skel[chr(cp)], skel[t]
                if kind.endswith("stripped"):
                    s, want = ucd.strip_marks(s), ucd.strip_marks(want)
                if s == want:
                    ok[t] = kind
            confirmed_pairs += len(ok)
            rejected_pairs += len(per) - len(ok)
            if not ok:
                rejected.append((cp, sorted(per), skel[chr(cp)]))
                continue
            per = ok
        best = min(per, key=lambda t: rank(cp, t, per[t], ucd))
        if cp in PROTOTYPE:
            if PROTOTYPE[cp][0] not in per:
                raise RuntimeError(f"U+{cp:04X}: {PROTOTYPE[cp][0]} is not a candidate")
            best = PROTOTYPE[cp][0]
        table.append((cp, best, per[best]))

    kinds = {k: sum(1 for _, _, kk in table if kk == k) for k in KINDS}
    table = [(cp, t, k, ALWAYS) for cp, t, k in table]
    letters, letter_stats, letter_rejected = letter_sources(ucd, {cp for cp, *_ in table}, oracle)
    if oracle:
        oracle.close()
    table = sorted(table + letters)
    rgi = read_rgi_flags(args.unicode_dir)
    if oracle:
        icu_line = (f"{oracle.version} ({os.path.basename(ORACLE_SRC)}): {confirmed_pairs} pairs "
                    f"confirmed, {rejected_pairs} rejected; {len(rejected)} sources rejected")
    else:
        icu_line = f"NOT USED ({why_not}): pairs unverified, taken from the JSON alone"
    excl = ", ".join(f"{n} {why}" for why, n in sorted(excluded.items()))
    stats = [
        f"candidate sources: {len(cands)}; excluded: {excl}",
        f"candidate pairs (source, ASCII target) after the filters: {n_pairs} "
        f"for {len(pairs)} sources",
        f"ICU oracle: {icu_line}",
        f"table: {len(table)} entries ({kinds['direct']} direct, {kinds['stripped']} "
        f"with marks stripped, {kinds['derived'] + kinds['derived, stripped']} derived "
        f"through an ASCII class)",
        "letter sources: " + letter_stats,
        f"regional indicator pairs that are RGI emoji flags: {len(rgi)}",
    ]
    for s in stats:
        print("gen_confusables: " + s, file=sys.stderr)

    out = sys.stdout
    oracle_text = "ICU's UTS #39 skeletons as an oracle" if oracle else "no ICU oracle"
    out.write(version_line(ucd.version))
    out.write("/* Generated by tools/gen_confusables.py. Do not edit.\n"
              " *\n"
              " * Source data (Debian 12): confusables.json of python3-confusable-homoglyphs"
              f"{package_version(args.json)}\n"
              " * (Unicode's confusables as a homoglyph graph), " + ucd.source + ",\n"
              f" * {oracle_text}. See the generator for the rules.\n *\n")
    for s in stats:
        out.write(textwrap.fill(s, 88, initial_indent=" * ", subsequent_indent=" *   ") + "\n")
    if rejected:
        out.write(" *\n * Rejected: ICU's skeleton of the source matches none of the JSON's targets\n"
                  " * (source: JSON targets -> ICU skeleton, ICU being the newer data):\n")
        for cp, ts, sk in rejected:
            out.write(f" *   U+{cp:04X} {ucd.char_name(cp)}: {', '.join(ts)} -> {hexs(sk)}\n")
    if letter_rejected:
        out.write(" *\n * Letter sources rejected: ICU's skeleton is other ASCII letters\n"
                  " * (source: letter -> ICU skeleton):\n")
        for cp, t, sk in letter_rejected:
            out.write(f" *   U+{cp:04X} {ucd.char_name(cp)}: {t} -> {sk}\n")
    out.write(" */\n\n"
              "struct confusable_entry {\n"
              "\tint32_t cp;\n"
              "\tuint8_t len;\n"
              "\tuint8_t context; /* MESURA_LOOKALIKE_* */\n"
              "\tchar ascii[MESURA_CONFUSABLE_MAX]; /* not NUL-terminated */\n"
              "};\n\n"
              "/* Sorted by code point, strictly ascending. */\n"
              "static const struct confusable_entry confusable_table[] = {\n")
    ctx = ("ALWAYS", "BEFORE_LETTER", "BETWEEN_LETTERS", "REGIONAL")
    for cp, t, _, c in table:
        chars = ", ".join(f"'{ch}'" for ch in t)
        out.write(f"\t{{0x{cp:04X}, {len(t)}, MESURA_LOOKALIKE_{ctx[c]}, {{{chars}}}}}, "
                  f"/* {ucd.char_name(cp)} */\n")
    out.write("};\n\n"
              "/* RGI emoji flags (emoji-sequences.txt): bit b of rgi_flags[a] is set when the\n"
              " * regional indicators of letters a, b (0 for A) make one. */\n"
              "static const uint32_t rgi_flags[26] = {\n")
    for a in range(26):
        bits = sum(1 << b for b in range(26) if chr(65 + a) + chr(65 + b) in rgi)
        out.write(f"\t0x{bits:07X}, /* {chr(65 + a)} */\n")
    out.write("};\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
