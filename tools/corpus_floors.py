#!/usr/bin/env python3
"""Re-measures the labelled corpus: writes the figures that tests/check_builtin.c prints
into its FLOORS table and ceilings, and into docs/default-policy.md's table.

    build/rel/tests/check_builtin 2> /tmp/builtin.err
    python3 tools/corpus_floors.py /tmp/builtin.err

Run it from the repository's top directory after a change to a rule or to the corpus
has been reviewed: a floor goes down only with a reason in docs/default-policy.md
(the false positives and misses are listed in the test's output, "extra" and
"missed"). Floors are the measured values rounded down to three decimals, so the test
passes on the run they come from.
"""
import math
import re
import sys

CATEGORIES = ["pii.email", "pii.phone", "pii.payment_card", "pii.iban", "pii.national_id",
              "secret.credential", "confidential", "profanity", "harassment", "hate", "sexual"]
LANGS = ["en", "es", "mix"]
ROW = re.compile(r"^builtin: (\| `([^`]+)` \| (\w+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) "
                 r"\| [\d.]+ \| [\d.]+ \|)", re.M)
TABLE_HEAD = ("| category | lang | labelled | TP | FP | FN | precision | recall |\n"
              "|---|---|---|---|---|---|---|---|\n")


def main():
    err = open(sys.argv[1], encoding="utf-8").read()
    floors, rows = {}, []
    for m in ROW.finditer(err):
        category, lang = m.group(2), m.group(3)
        tp, fp, fn = int(m.group(5)), int(m.group(6)), int(m.group(7))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        floors[(category, lang)] = (math.floor(precision * 1000) / 1000,
                                    math.floor(recall * 1000) / 1000)
        rows.append(m.group(1))
    totals = re.search(r"(\d+) clean \((\d+) flagged.*?(\d+) hard negatives \((\d+) flagged", err)
    if not rows or not totals:
        raise SystemExit("%s holds no corpus table (run check_builtin 2> file)" % sys.argv[1])

    lines = []
    for category in CATEGORIES:
        cells = ["{%.3f, %.3f}" % floors[(category, lang)] if (category, lang) in floors
                 else "{-1, -1}" for lang in LANGS]
        lines.append('\t{"%s", {%s}},' % (category, ", ".join(cells)))
    path = "tests/check_builtin.c"
    src = open(path, encoding="utf-8").read()
    src, n = re.subn(r"(\} FLOORS\[\] = \{\n).*?(\n\};)",
                     lambda m: m.group(1) + "\n".join(lines) + m.group(2), src, flags=re.S)
    src = re.sub(r"#define MAX_CLEAN_FLAGGED \d+", "#define MAX_CLEAN_FLAGGED " + totals.group(2), src)
    src = re.sub(r"#define MAX_HARD_FLAGGED \d+", "#define MAX_HARD_FLAGGED " + totals.group(4), src)
    if n != 1:
        raise SystemExit("no FLOORS table in " + path)
    open(path, "w", encoding="utf-8").write(src)

    path = "docs/default-policy.md"
    doc = open(path, encoding="utf-8").read()
    start = doc.index(TABLE_HEAD) + len(TABLE_HEAD)
    end = doc.index("\n\n", start)
    open(path, "w", encoding="utf-8").write(doc[:start] + "\n".join(rows) + doc[end:])
    sys.stderr.write("%d cells; clean posts flagged %s of %s, hard negatives %s of %s\n" % (
        len(rows), totals.group(2), totals.group(1), totals.group(4), totals.group(3)))


if __name__ == "__main__":
    main()
