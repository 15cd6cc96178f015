#!/usr/bin/env python3
"""mesura-screen end to end: JSONL shape and byte offsets, input order with threads,
lines that cannot be screened, exit codes, charsets, --redact, CSV quoting, the human
format. test_records.py has every kind of bad line."""
import csv
import io
import json
import random
import re

from toolstest import POLICY, SANITIZED, jsonl, main, run, write

FINDING_KEYS = {"rule", "category", "severity", "action", "start", "end", "text", "confidence"}


def screen(*args, **kw):
    return run("mesura-screen", "--policy", POLICY, *args, **kw)


def test_jsonl_fields_and_byte_offsets(tmp):
    posts = [
        "Proud of my team 🎉 #OrgullosaDeMiEquipo",
        "Qué mierda 😡 de servicio, escríbeme a josé.garcía@example.com",
        "👩‍💻 Ｆｕｌｌｗｉｄｔｈ and ñandú: call 612 345 678 or mail ana@x.es 🇪🇸",
        "Mi tarjeta 4111 1111 1111 1111, ¿qué pasó? shit",
        "f\u200bu\u200bc\u200bk with zero-width spaces and café",
    ]
    path = write(tmp, "posts.txt", "\n".join(posts) + "\n")
    p = screen("--format", "jsonl", path, status=1)
    out = jsonl(p.stdout)
    assert [o["id"] for o in out] == [1, 2, 3, 4, 5]
    n_findings = 0
    for o, post in zip(out, posts):
        assert set(o) == {"id", "verdict", "findings"}, o
        raw = post.encode()
        for f in o["findings"]:
            n_findings += 1
            assert set(f) == FINDING_KEYS, f
            assert raw[f["start"]:f["end"]].decode() == f["text"], (f, post)
            assert 0 <= f["confidence"] <= 1
    assert n_findings >= 6, out
    texts = [f["text"] for o in out for f in o["findings"]]
    for expected in ["mierda", "josé.garcía@example.com", "612 345 678", "ana@x.es",
                     "4111 1111 1111 1111", "shit", "f\u200bu\u200bc\u200bk"]:
        assert expected in texts, (expected, texts)
    assert out[0]["verdict"] == "allow" and out[1]["verdict"] == "review"


def test_jsonl_input_ids_and_passthrough(tmp):
    lines = [
        {"id": "p1", "author": "ana", "text": "email me at ana@x.es", "tags": ["a", "b"]},
        {"text": "no id here, all fine", "lang": "en"},
        {"id": 42, "text": "Project Falcon ships soon", "meta": {"k": 1.5, "n": None}},
    ]
    path = write(tmp, "in.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    out = jsonl(screen(path, status=2).stdout)
    assert [o["id"] for o in out] == ["p1", 2, 42]
    assert out[0]["author"] == "ana" and out[0]["tags"] == ["a", "b"]
    assert out[1]["lang"] == "en"
    assert out[2]["meta"] == {"k": 1.5, "n": None}
    assert all("text" not in o for o in out)
    assert [o["verdict"] for o in out] == ["redact", "allow", "block"]
    # The input's own fields come after ours, in their order.
    assert list(out[0]) == ["id", "verdict", "findings", "author", "tags"]


def test_input_format(tmp):
    path = write(tmp, "j.jsonl", '\n\n  {"text": "shit happens"}\n')
    assert jsonl(screen(path, status=1).stdout)[0]["id"] == 3
    out = jsonl(screen("--input-format", "text", path, status=1).stdout)
    assert [o["id"] for o in out] == [3] and out[0]["findings"][0]["start"] == 12
    path = write(tmp, "t.txt", "{not json, just a post with shit}\n")
    assert "findings" in jsonl(screen("--input-format", "text", path, status=1).stdout)[0]
    screen("--input-format", "xml", path, status=3)


def generated_posts(n, seed=7):
    rng = random.Random(seed)
    words = ["hola", "equipo", "great", "launch", "café", "ñandú", "🎉", "👩‍💻", "#año2024",
             "@acme", "gracias", "today", "classic", "Scunthorpe"]
    bad = ["mierda", "shit", "ana@x.es", "612 345 678", "4111 1111 1111 1111", "globex",
           "project falcon", "sk_ABCDEFGHIJKLMNOP"]
    posts = []
    for i in range(n):
        w = [rng.choice(words) for _ in range(rng.randint(3, 20))]
        if rng.random() < 0.3:
            w.insert(rng.randrange(len(w) + 1), rng.choice(bad))
        posts.append(" ".join(w) + f" #{i}")
    return posts


def test_order_with_threads(tmp):
    posts = generated_posts(3000)
    path = write(tmp, "many.txt", "\n".join(posts) + "\n")
    one = screen("--threads", "1", "--redact", "--hash-key", "00" * 16, path).stdout
    four = screen("--threads", "4", "--redact", "--hash-key", "00" * 16, path).stdout
    assert one == four
    out = jsonl(four)
    assert [o["id"] for o in out] == list(range(1, 3001))
    flagged = sum(1 for o in out if o["findings"])
    assert 600 < flagged < 1200, flagged
    # The same with JSONL input, ids from the input.
    path = write(tmp, "many.jsonl", "\n".join(json.dumps({"id": f"x{i}", "text": t})
                                              for i, t in enumerate(posts)))
    a = screen("--threads", "1", path).stdout
    b = screen("--threads", "4", path).stdout
    assert a == b and [o["id"] for o in jsonl(b)] == [f"x{i}" for i in range(3000)]


def test_malformed_lines(tmp):
    lines = ['{"id": 1, "text": "all good"}',
             '{"id": 2, "text": "broken',
             '[1, 2, 3]',
             '{"id": 4, "body": "no text field"}',
             '{"id": 5, "text": "shit happens"}',
             '{"id": 6, "text": 7}',
             '{"id": 7, "text": "fine again"}']
    path = write(tmp, "bad.jsonl", "\n".join(lines) + "\n")
    p = screen("--threads", "2", path, status=4)
    out = jsonl(p.stdout)
    assert [o["id"] for o in out] == [1, 2, 3, 4, 5, 6, 7]
    assert [("error" in o) for o in out] == [False, True, True, True, False, True, False]
    assert all(o["verdict"] == "review" and o["findings"] == [] for o in out if "error" in o)
    err = p.stderr.decode()
    for n in (2, 3, 4, 6):
        assert re.search(rf"bad\.jsonl:{n}: not screened", err), err
    assert "bad.jsonl:5" not in err
    assert "7 posts" in err and "4 not screened" in err, err
    assert len(jsonl(screen("--strict", path, status=3).stdout)) == 2


def test_exit_codes(tmp):
    cases = {"clean post, nothing here": 0, "lunch with globex": 0, "mail ana@x.es": 1,
             "what a shit day": 1, "project falcon is late": 2, "": 0}
    for text, status in cases.items():
        screen(input=text + "\n", status=status)
    screen("--policy", "/nonexistent/policy.yaml", input="x\n", status=3)
    bad = write(tmp, "bad.yaml", "mesura: 1\nname: x\nrules:\n  - id: r\n    acton: block\n")
    p = run("mesura-screen", "--policy", bad, input="x\n", status=3)
    assert "bad.yaml:5:" in p.stderr.decode(), p.stderr
    screen("/nonexistent/posts.txt", status=3)
    screen("--no-such-option", status=3)
    screen("--threads", "0", status=3)
    screen("--format", "yaml", status=3)
    screen("--hash-key", "xyz", "--redact", input="x\n", status=3)
    # An unreadable file among readable ones: the others are screened, the status is 3.
    good = write(tmp, "good.txt", "shit\n")
    p = screen(good, "/nonexistent/posts.txt", status=3)
    assert len(jsonl(p.stdout)) == 1
    # Without --policy: the built-in policy, or a clear message while it is not there.
    p = run("mesura-screen", input="hello\n")
    if p.returncode == 3:
        assert "--policy" in p.stderr.decode(), p.stderr
    else:
        assert p.returncode in (0, 1, 2) and jsonl(p.stdout)[0]["id"] == 1


def test_charset(tmp):
    text = "Qué mierda, escríbeme a josé@x.es — ñandú"
    latin1 = text.replace("—", "-").encode("latin-1")
    path = write(tmp, "latin1.txt", latin1 + b"\n")
    out = jsonl(screen("--charset", "latin1", path, status=1).stdout)
    utf8 = text.replace("—", "-").encode()
    found = {f["text"] for f in out[0]["findings"]}
    assert found == {"mierda", "josé@x.es"}, found
    for f in out[0]["findings"]:
        assert utf8[f["start"]:f["end"]].decode() == f["text"]
    # JSONL in windows-1252 (the euro sign is 0x80 there).
    j = '{"id": "w", "text": "5 € de descuento, imbécil"}'.encode("cp1252")
    path = write(tmp, "cp.jsonl", j + b"\n")
    out = jsonl(screen("--charset", "WINDOWS-1252", path, status=1).stdout)
    assert out[0]["findings"][0]["text"] == "imbécil"
    screen("--charset", "NO-SUCH-CHARSET", path, status=3)
    p = screen("--charset", "UTF-16LE", path, status=3)
    assert "UTF-16" in p.stderr.decode()


def test_ill_formed_utf8_is_repaired(tmp):
    path = write(tmp, "bad.txt", b"caf\xe9 mierda \xff\xfe ok\n")
    p = screen(path, status=1)
    o = jsonl(p.stdout)[0]
    f = o["findings"][0]
    repaired = "caf\ufffd mierda \ufffd\ufffd ok".encode()
    assert repaired[f["start"]:f["end"]] == b"mierda", f
    assert "repaired in 1 posts" in p.stderr.decode()


def test_redact(tmp):
    posts = ["mail ana@x.es or call 612 345 678", "card 4111 1111 1111 1111 ok",
             "key sk_ABCDEFGHIJKLMNOP and sk_ABCDEFGHIJKLMNOP", "lunch with globex", "clean"]
    path = write(tmp, "r.txt", "\n".join(posts))
    out = jsonl(screen("--redact", "--hash-key", "0f" * 16, path, status=2).stdout)
    red = [o["redacted"] for o in out]
    assert red[0] == "mail [EMAIL] or call •••-•••-678".replace("-", " "), red[0]
    assert red[1] == "card **** **** **** 1111 ok", red[1]
    m = re.fullmatch(r"key (\[CREDENTIAL:[0-9a-f]{6}\]) and (\[CREDENTIAL:[0-9a-f]{6}\])", red[2])
    assert m and m.group(1) == m.group(2), red[2]
    assert red[3] == "lunch with globex" and red[4] == "clean"
    # The key decides the token; the environment variable gives it too.
    again = jsonl(screen("--redact", path, env={"MESURA_HASH_KEY": "0f" * 16}).stdout)
    assert again[2]["redacted"] == red[2]
    other = jsonl(screen("--redact", "--hash-key", "1f" * 16, path).stdout)
    assert other[2]["redacted"] != red[2]
    # Without --redact there is no "redacted" field.
    assert all("redacted" not in o for o in jsonl(screen(path).stdout))


def test_csv(tmp):
    lines = [{"id": "a,1", "text": 'she said "shit", then left'},
             {"id": "=cmd|' /C calc'!A0", "text": "multi\nline mail ana@x.es, and shit"},
             {"id": 3, "text": "nothing to see"}]
    path = write(tmp, "c.jsonl", "\n".join(json.dumps(x) for x in lines))
    p = screen("--format", "csv", "--redact", "--hash-key", "00" * 16, path, status=1)
    raw = p.stdout.decode()
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[0] == ["id", "verdict", "rule", "category", "severity", "action", "start",
                       "end", "text", "confidence", "redacted", "error"]
    body = rows[1:]
    assert [r[0] for r in body] == ["a,1", "'=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", "3"]
    assert body[0][2:4] == ["profanity-en", "profanity"] and body[0][8] == "shit"
    assert body[0][10] == 'she said "s***", then left'
    assert body[1][8] == "ana@x.es" and body[2][8] == "shit"
    assert body[1][10] == "multi\nline mail [EMAIL], and s***"
    assert body[3][1:10] == ["allow", "", "", "", "", "", "", "", ""]
    assert [r[11] for r in body] == ["", "", "", ""]
    for r in body[:3]:
        text = lines[0 if r[0] == "a,1" else 1]["text"].encode()
        assert text[int(r[6]):int(r[7])].decode() == r[8]
    assert raw.count("\r\n") == 5  # RFC 4180 line ends; the newline inside stays quoted


def test_human(tmp):
    path = write(tmp, "h.txt", "all good\nwhat a shit day \x1b[31mred\n")
    p = screen("--format", "human", "--color", "never", path, status=1)
    out = p.stdout.decode()
    assert "h.txt:1  allow  all good" in out, out
    assert "h.txt:2  REVIEW  what a ⟦shit⟧ day ?[31mred" in out, out
    assert "profanity-en  profanity, medium, review  [7,11) \"shit\"" in out
    assert "\x1b" not in out  # no escape sequence from a post reaches the terminal
    p = screen("--format", "human", "--color", "always", path, status=1)
    assert "\x1b[1;33mREVIEW\x1b[0m" in p.stdout.decode()
    assert "\x1b[31mred" not in p.stdout.decode()
    err = p.stderr.decode()
    assert err.startswith("mesura-screen: 2 posts: 1 allow, 0 log, 0 redact, 1 review, 0 block, "
                          "0 not screened;")
    assert "1 findings (profanity 1)" in err and "posts/s" in err


def test_many_files_and_stdin(tmp):
    a = write(tmp, "a.txt", "shit\n")
    b = write(tmp, "b.jsonl", '{"id": "x", "text": "fine"}\n')
    out = jsonl(screen(a, "-", b, input="project falcon\n", status=2).stdout)
    assert [(o["file"], o["id"]) for o in out] == [(a, 1), ("<stdin>", 1), (b, "x")]
    rows = list(csv.reader(io.StringIO(screen("--format", "csv", a, b).stdout.decode())))
    assert rows[0][:2] == ["file", "id"] and rows[1][:2] == [a, "1"]


def test_quiet_stats_and_long_lines(tmp):
    long_line = "x" * (1 << 20) + " shit"
    path = write(tmp, "long.txt", "first shit\n" + long_line + "\nlast\n")
    p = screen("--stats", path, status=4)
    out = jsonl(p.stdout)
    assert [o["id"] for o in out] == [1, 2, 3] and "longer than" in out[1]["error"]
    err = p.stderr.decode()
    assert "long.txt:2: not screened: line longer than" in err
    assert re.search(r"peak RSS [0-9.]+ MiB", err), err
    p = screen("--quiet", path, status=4)
    assert "posts/s" not in p.stderr.decode()


def test_help():
    p = run("mesura-screen", "--help", status=0)
    out = p.stdout.decode()
    for option in ["--policy", "--format", "--input-format", "--charset", "--redact",
                   "--hash-key", "--threads", "Exit status", "Examples"]:
        assert option in out, option


if __name__ == "__main__":
    main([test_jsonl_fields_and_byte_offsets, test_jsonl_input_ids_and_passthrough,
          test_input_format, test_order_with_threads, test_malformed_lines, test_exit_codes,
          test_charset, test_ill_formed_utf8_is_repaired, test_redact, test_csv, test_human,
          test_many_files_and_stdin, test_quiet_stats_and_long_lines,
          lambda tmp: test_help()])
