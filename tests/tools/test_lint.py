#!/usr/bin/env python3
"""mesura-lint end to end: diagnostics with file:line:column, exit codes, and --test
cases passing and failing with their line numbers."""
import json
import os
import re

from toolstest import POLICY, main, run, write


def cases_file(tmp, name, cases):
    return write(tmp, name, "\n".join(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False)
                                      for c in cases) + "\n")


def test_clean_policy(tmp):
    p = run("mesura-lint", POLICY)
    assert p.returncode in (0, 1), p.stderr  # 1: warnings only (the compiler grows them)
    assert 'ok, policy "tools-test", 9 rules' in p.stdout.decode()


def test_errors_with_positions(tmp):
    bad = write(tmp, "bad.yaml", "mesura: 1\nname: x\nrules:\n  - id: r1\n    category: profanity\n"
                                 "    acton: block\n    match: { terms: [a] }\n"
                                 "  - id: r2\n    category: pii.payment_card\n"
                                 "    match: { regex: '(\\d' }\n"
                                 "  - id: r3\n    category: pii.payment_card\n"
                                 "    match: { regex: '\\d+', validate: lun }\n")
    p = run("mesura-lint", bad, status=2)
    err = p.stderr.decode()
    assert re.search(r"bad\.yaml:6:5: error: .*acton.*\[rule r1\]", err), err
    assert re.search(r"bad\.yaml:10:\d+: error: .*regex.*\[rule r2\]", err), err
    assert re.search(r"bad\.yaml:13:\d+: error: .*lun.*luhn.*\[rule r3\]", err), err
    run("mesura-lint", "/nonexistent.yaml", status=2)
    run("mesura-lint", status=3)
    run("mesura-lint", "--bogus", POLICY, status=3)
    # Several files: the worst status wins.
    assert run("mesura-lint", POLICY, bad).returncode == 2


def test_warnings(tmp):
    odd = write(tmp, "odd.yaml", "mesura: 1\nlexicons:\n  spare: [a]\nrules:\n"
                                 "  - id: r1\n    category: profanity\n    match: { terms: [essex] }\n"
                                 "  - id: r2\n    category: custom.x\n    match: { regex: '(a+)+$' }\n"
                                 "allow: [essex]\n")
    p = run("mesura-lint", odd, status=1)
    err = p.stderr.decode()
    assert re.search(r"odd\.yaml:3:3: warning: lexicon \"spare\" is never used", err), err
    assert re.search(r"odd\.yaml:7:\d+: warning: .*can never fire.*\[rule r1\]", err), err
    assert re.search(r"odd\.yaml:10:\d+: warning: .*catastrophically.*\[rule r2\]", err), err


def test_cases_pass(tmp):
    path = cases_file(tmp, "good.jsonl", [
        {"text": "mi tarjeta 4111 1111 1111 1111", "expect": [{"rule": "card"}],
         "verdict": "redact"},
        {"text": "Call ana@x.es", "expect": [{"category": "pii.email", "text": "ana@x.es"}]},
        {"text": "Scunthorpe is a classic town", "expect": [], "verdict": "allow"},
        "",
        {"text": "qué m1erda y project falcon", "name": "two rules",
         "expect": [{"rule": "insults-es", "text": "m1erda"}, {"category": "confidential"}],
         "verdict": "block"},
        {"text": "lunch with globex", "verdict": "log"},
    ])
    p = run("mesura-lint", "--test", path, POLICY)
    assert p.returncode in (0, 1), p.stdout
    out = p.stdout.decode()
    for line in (1, 2, 3, 5, 6):
        assert f"good.jsonl:{line}: ok" in out, out
    assert "5 cases against" in out and "5 passed, 0 failed" in out


def test_cases_fail(tmp):
    path = cases_file(tmp, "bad.jsonl", [
        {"text": "all fine here", "expect": []},
        {"text": "mail ana@x.es", "expect": [{"rule": "phone"}]},
        {"text": "what a shit day", "verdict": "block"},
        {"text": "what a shit day", "expect": []},
        '{"text": "broken',
        {"text": "x", "expct": []},
        {"text": "mail ana@x.es", "expect": [{"category": "pii.email", "text": "bob"}]},
        {"text": "x", "verdict": "explode"},
    ])
    p = run("mesura-lint", "--test", path, POLICY, status=2)
    out = p.stdout.decode()
    assert "bad.jsonl:1: ok" in out
    assert 'bad.jsonl:2: FAIL: no finding matches {"rule":"phone"}' in out, out
    assert "found email (pii.email) [5,13) \"ana@x.es\"" in out
    assert "bad.jsonl:3: FAIL: verdict review, expected block" in out
    assert "bad.jsonl:4: FAIL: expected no findings" in out
    assert "bad.jsonl:5: FAIL: malformed case" in out
    assert "bad.jsonl:6: FAIL: unknown key" in out
    assert "bad.jsonl:7: FAIL: no finding matches" in out
    assert "bad.jsonl:8: FAIL: \"verdict\" must be" in out
    assert "8 cases against" in out and "1 passed, 7 failed" in out
    run("mesura-lint", "--test", "/nonexistent.jsonl", POLICY, status=2)


def test_docs_cases_example(tmp):
    # The cases docs/tools.md shows for the format pass against the example policy.
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "docs", "tools.md"), encoding="utf-8") as f:
        doc = f.read()
    block = re.search(r"runs regression cases.*?```jsonl\n(.*?)```", doc, re.S)
    assert block, "no jsonl example in docs/tools.md"
    path = write(tmp, "doc.jsonl", block.group(1))
    p = run("mesura-lint", "--test", path, os.path.join(root, "examples", "policies", "acme.yaml"))
    assert "3 cases against" in p.stdout.decode() and "3 passed, 0 failed" in p.stdout.decode()


TINY = "mesura: 1\nname: tiny\nrules:\n  - id: word\n    category: profanity\n" \
       "    match: { terms: [shit] }\n"


def test_cases_fail_precisely(tmp):
    # Each key of a case can fail, and says how; the findings the post got follow.
    policy = write(tmp, "tiny.yaml", TINY)
    path = cases_file(tmp, "keys.jsonl", [
        {"text": "oh SHIT", "expect": [{"rule": "word", "span": [3, 7], "matched": "shit",
                                        "condition": "terms", "confidence": 0.8, "count": 1}],
         "decisive": "word"},
        {"text": "oh shit", "expect": [{"rule": "word", "span": [3, 6]}]},
        {"text": "oh shit", "expect": [{"rule": "word", "count": 2}]},
        {"text": "oh shit", "expect": [{"condition": "masked"}]},
        {"text": "oh shit", "expect": [{"matched": "shat"}]},
        {"text": "oh shit", "expect": [{"confidence": 0.5}]},
        {"text": "oh shit", "decisive": "other"},
        {"text": "x", "expect": [{"rule": "word", "spam": 1}]},
        {"text": "x", "expect": [{"span": [3]}]},
        {"name": "the policy", "policy": "tiny", "rules": 2},
        {"diagnostics": [{"message": "nope"}]},
        {"diagnostics": [], "bogus": 1},
        {"diagnostics": [{"status": "MESURA_EWHAT"}]},
    ])
    p = run("mesura-lint", "--test", path, policy, status=2)
    out = p.stdout.decode()
    assert "keys.jsonl:1: ok" in out, out
    assert 'keys.jsonl:2: FAIL: no finding matches {"rule":"word","span":[3,6]}' in out, out
    assert 'found word (profanity) [3,7) "shit" terms "shit" 0.800' in out, out
    assert 'keys.jsonl:3: FAIL: 1 findings match {"rule":"word","count":2}' in out, out
    assert 'keys.jsonl:4: FAIL: no finding matches {"condition":"masked"}' in out, out
    assert 'keys.jsonl:5: FAIL: no finding matches {"matched":"shat"}' in out, out
    assert 'keys.jsonl:6: FAIL: no finding matches {"confidence":0.5}' in out, out
    assert "keys.jsonl:7: FAIL: verdict decided by word, expected other" in out, out
    assert 'keys.jsonl:8: FAIL: an "expect" entry takes rule' in out, out
    assert 'keys.jsonl:9: FAIL: in "expect": span is [start, end]' in out, out
    assert "keys.jsonl:10: FAIL: 1 rules, expected 2" in out, out
    assert "keys.jsonl:11: FAIL: 0 diagnostics, expected 1" in out, out
    assert 'keys.jsonl:11: FAIL: no diagnostic matches {"message":"nope"}' in out, out
    assert "keys.jsonl:12: FAIL: unknown key in a compile case" in out, out
    assert 'keys.jsonl:13: FAIL: in "diagnostics"' in out, out
    assert "13 cases against" in out and "1 passed, 12 failed" in out, out


def test_compile_cases(tmp):
    # A policy that must not compile passes when its errors are the ones listed.
    bad = write(tmp, "bad.yaml", "mesura: 1\nrules:\n  - id: r\n    category: custom.x\n"
                                 "    match: { regex: 'a(b' }\n")
    error = {"severity": "error", "status": "MESURA_ESYNTAX", "file": "bad.yaml", "line": 5,
             "column": 25, "path": "rules[0].match.regex", "rule": "r",
             "message": ["missing closing parenthesis", "offset 3"]}
    good = cases_file(tmp, "good.jsonl", [{"diagnostics": [error]}])
    out = run("mesura-lint", "--test", good, bad, status=0).stdout.decode()
    assert "good.jsonl:1: ok" in out and "1 passed, 0 failed" in out, out
    # Anything else about it fails: a column, the rule (null: in no rule), a post case.
    for key, value in (("column", 24), ("rule", None), ("file", "ad.yaml"), ("severity", "warning")):
        wrong = cases_file(tmp, "wrong.jsonl", [{"diagnostics": [dict(error, **{key: value})]},
                                                {"text": "a(b", "expect": []}])
        out = run("mesura-lint", "--test", wrong, bad, status=2).stdout.decode()
        assert "wrong.jsonl:1: FAIL: no diagnostic matches" in out, (key, out)
        assert "    error " in out and "bad.yaml:5:25: rules[0].match.regex: missing closing" \
            " parenthesis at offset 3 of the regex [rule r] (MESURA_ESYNTAX)" in out, out
        assert "wrong.jsonl:2: FAIL: the policy does not compile" in out, out
    # A clean policy with "diagnostics": [] passes; a warning it did not list fails.
    odd = write(tmp, "odd.yaml", TINY + "lexicons:\n  spare: [a]\n")
    none = cases_file(tmp, "none.jsonl", [{"diagnostics": []}])
    run("mesura-lint", "--test", none, write(tmp, "tiny.yaml", TINY), status=0)
    out = run("mesura-lint", "--test", none, odd, status=2).stdout.decode()
    assert "none.jsonl:1: FAIL: 1 diagnostics, expected 0" in out, out
    assert 'warning ' in out and 'lexicon "spare" is never used' in out, out


def test_unreadable_files(tmp):
    # A file that is no regular file fails at once, named, with no line:column (there
    # is no position in it), in lint and in the tools that load policies alike.
    fifo = os.path.join(tmp, "policy.fifo")
    os.mkfifo(fifo)
    for path in (tmp, fifo, "/dev/zero"):
        err = run("mesura-lint", path, status=2).stderr.decode()
        assert err.startswith(f"{path}: error: ") and "not a regular file" in err, err
        err = run("mesura-screen", "--policy", path, input="hola\n", status=3).stderr.decode()
        assert err.startswith(f"{path}: error: ") and "not a regular file" in err, err


def test_print_shows_the_effective_policy(tmp):
    # A module and a company file that includes it and overrides two of its rules:
    # --rules lists the rules as compiled, --print each file as written.
    module = write(tmp, "module.yaml", "mesura: 1\nrules:\n"
                   "  - id: mod.codename\n    category: confidential\n    severity: medium\n"
                   "    action: review\n    description: 'Say \"falcon\" in public'\n"
                   "    match: { terms: [falcon] }\n"
                   "  - id: mod.curse\n    category: profanity\n    action: block\n"
                   "    redact: { label: PROFANITY }\n    match: { terms: [damnit] }\n")
    company = write(tmp, "acme.yaml", "mesura: 1\nname: acme\ninclude: [module.yaml]\n"
                    "overrides:\n  rules:\n"
                    "    mod.codename: { action: block, min_confidence: 0.25 }\n"
                    "    mod.curse: { disabled: true }\n")
    out = run("mesura-lint", "--rules", company, status=0).stdout.decode().splitlines()
    assert out == [
        f"# {company}: the effective policy (after includes and overrides), 2 rules, 1 disabled",
        'name: "acme"',
        "rules:",
        '  - {id: "mod.codename", category: "confidential", severity: medium, action: block, '
        'confidence: 0.8, min_confidence: 0.25, redact_extent: parts, '
        'description: "Say \\"falcon\\" in public"}',
        '  - {id: "mod.curse", category: "profanity", severity: medium, action: block, '
        'confidence: 0.8, min_confidence: 0, redact: label, redact_extent: parts, '
        'disabled: true}'], out
    # Without overrides the module's own values; the lint line counts disabled rules.
    out = run("mesura-lint", "--rules", module, status=0).stdout.decode()
    assert "action: review" in out and "min_confidence: 0," in out and "disabled: true" not in out
    out = run("mesura-lint", company, status=0).stdout.decode()
    assert out == f'{company}: ok, policy "acme", 2 rules (1 disabled)\n', out
    explained = run("mesura-explain", "-p", company, "damnit", status=0).stdout.decode()
    assert "policy: acme, 2 rules (1 disabled)\n" in explained, explained
    # --print prints the file as written; a built-in module as the library embeds it.
    with open(company, "rb") as f:
        assert run("mesura-lint", "--print", company, status=0).stdout == f.read()
    # A policy that does not compile prints nothing but its errors; options that
    # print do not go with --test.
    bad = write(tmp, "bad.yaml", "mesura: 1\ninclude: [module.yaml]\n"
                "overrides:\n  rules:\n    mod.curs: { disabled: true }\n")
    p = run("mesura-lint", "--rules", bad, status=2)
    assert p.stdout == b"" and 'did you mean "mod.curse"' in p.stderr.decode(), p.stderr
    err = run("mesura-lint", "--rules", "--test", bad, company, status=3).stderr.decode()
    assert "do not go together" in err, err


def test_help(tmp):
    out = run("mesura-lint", "--help", status=0).stdout.decode()
    assert "--test" in out and "Examples" in out


if __name__ == "__main__":
    main([test_clean_policy, test_errors_with_positions, test_warnings, test_cases_pass, test_cases_fail,
          test_docs_cases_example, test_cases_fail_precisely, test_compile_cases,
          test_unreadable_files, test_print_shows_the_effective_policy, test_help])
