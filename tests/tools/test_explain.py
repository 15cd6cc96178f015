#!/usr/bin/env python3
"""mesura-explain end to end: the views, the tokens, findings with condition and
confidence, and near misses with their reasons."""
from toolstest import POLICY, main, run, write


def explain(*args, **kw):
    return run("mesura-explain", "--policy", POLICY, *args, **kw)


def sections(out):
    """The output split into its sections by their headings."""
    found, name = {}, "head"
    for line in out.splitlines():
        if line and not line.startswith(" "):
            name = line.split(" ")[0].rstrip(":")
        found.setdefault(name, []).append(line)
    return {k: "\n".join(v) for k, v in found.items()}


def test_sections(tmp):
    p = explain("Qué m1erda, f\u200bu\u200bc\u200bk y #ad Acme Cloud a buen precio, buy", status=1)
    s = sections(p.stdout.decode())
    for name in ("post", "policy", "views", "tokens", "verdict", "findings", "near"):
        assert name in s, (name, list(s))
    assert '"que mierda, fuck y #ad acme cloud' in s["views"]  # moderation: marks, leet, invisibles
    assert "deobfuscate" in s["views"] and "nfkc" in s["views"]
    assert "f\\u{200B}u\\u{200B}c\\u{200B}k" in s["post"]          # invisibles shown
    assert '[5,11)       word     "m1erda"' in s["tokens"]
    assert 'hashtag  "#ad"' in s["tokens"] and "invisibles" in s["tokens"]
    assert "review (decided by" in s["verdict"]
    assert 'insults-es  profanity, medium, review  [5,11) "m1erda"' in s["findings"]
    assert 'matched "mierda" by terms, confidence 0.80' in s["findings"]
    assert 'promo  unless  [' in s["near"] and '"#ad"' in s["near"]


def test_near_miss_reasons(tmp):
    out = explain("a classic card 4111 1111 1111 1112 and acme cloud", status=0).stdout.decode()
    s = sections(out)
    assert s["findings"].strip().endswith("none")
    assert 'profanity-en  not_whole_word  [4,7) "ass"' in s["near"], out
    assert 'card  validator  [15,34) "4111 1111 1111 1112"' in s["near"], out
    assert "promo  incomplete" in s["near"], out


def test_stdin_and_exit_status(tmp):
    p = explain(input="project falcon\n", status=2)
    assert 'post (14 bytes): "project falcon"' in p.stdout.decode()
    explain(input="hello\n", status=0)
    path = write(tmp, "l1.txt", "qué mierda".encode("latin-1"))
    with open(path, "rb") as f:
        p = explain("--charset", "latin1", input=f.read(), status=1)
    assert 'post (11 bytes): "qué mierda"' in p.stdout.decode()
    explain("--bogus", status=3)
    explain("--policy", "/nonexistent.yaml", "x", status=3)


def test_help(tmp):
    out = run("mesura-explain", "--help", status=0).stdout.decode()
    assert "--policy" in out and "Examples" in out


if __name__ == "__main__":
    main([test_sections, test_near_miss_reasons, test_stdin_and_exit_status, test_help])
