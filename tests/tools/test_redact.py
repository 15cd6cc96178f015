#!/usr/bin/env python3
"""mesura-redact end to end: same format out as in, the policy's operators, --style
and --mask-char overrides, hash keys, bad lines kept in place as errors, charsets,
threads."""
import json
import re

from toolstest import POLICY, main, run, write

KEY = "0123456789abcdef" * 2


def redact(*args, **kw):
    return run("mesura-redact", "--policy", POLICY, *args, **kw)


def lines(p):
    return p.stdout.decode().split("\n")


def test_text_lines_keep_their_shape(tmp):
    src = ["mail ana@x.es or call 612 345 678", "", "card 4111 1111 1111 1111 ok",
           "lunch with globex, what a shit day", "clean post 🎉"]
    path = write(tmp, "a.txt", "\n".join(src) + "\n")
    out = lines(redact(path, status=0))
    assert out == ["mail [EMAIL] or call ••• ••• 678", "", "card **** **** **** 1111 ok",
                   "lunch with globex, what a s*** day", "clean post 🎉", ""], out


def test_jsonl_keeps_every_field(tmp):
    objs = [{"id": "p1", "text": "mail ana@x.es now", "author": "ana", "n": [1, 2]},
            {"text": "sk_ABCDEFGHIJKLMNOP leaked", "id": 2, "z": None}]
    path = write(tmp, "a.jsonl", "\n".join(json.dumps(o) for o in objs) + "\n")
    out = [json.loads(x) for x in lines(redact("--hash-key", KEY, path, status=0)) if x]
    assert out[0] == {"id": "p1", "text": "mail [EMAIL] now", "author": "ana", "n": [1, 2]}
    assert list(out[1]) == ["text", "id", "z"]  # field order kept
    assert re.fullmatch(r"\[CREDENTIAL:[0-9a-f]{6}\] leaked", out[1]["text"]), out[1]


def test_style_overrides(tmp):
    path = write(tmp, "s.txt", "mail ana@x.es, card 4111 1111 1111 1111, shit, globex\n")
    def one(*args):
        return lines(redact(*args, path, status=0))[0]
    assert one("--style", "label") == \
        "mail [EMAIL], card [PAYMENT_CARD], [PROFANITY], globex"
    assert one("--style", "remove") == "mail, card,, globex"
    assert one("--style", "mask") == "mail ********, card **** **** **** 1111, s***, globex"
    assert one("--style", "mask", "--mask-char", "#") == \
        "mail ########, card #### #### #### 1111, s###, globex"
    assert one("--mask-char", "•") == "mail [EMAIL], card •••• •••• •••• 1111, s•••, globex"
    hashed = one("--style", "hash", "--hash-key", KEY)
    assert re.fullmatch(r"mail \[EMAIL:[0-9a-f]{6}\], card \[PAYMENT_CARD:[0-9a-f]{6}\], "
                        r"\[PROFANITY:[0-9a-f]{6}\], globex", hashed), hashed
    assert one("--style", "hash", "--hash-key", KEY) == hashed
    assert one("--style", "hash", "--hash-key", "ff" * 16) != hashed
    redact("--style", "blur", path, status=3)
    redact("--mask-char", "\u0301", path, status=3)
    redact("--mask-char", "ab", path, status=3)
    redact("--hash-key", "00", path, status=3)


def test_bad_lines_become_errors(tmp):
    path = write(tmp, "m.jsonl", '{"text": "shit"}\n{"text": "ana@x.es\n  \n{"text": "ok"}\n')
    p = redact("--threads", "3", path, status=4)
    assert lines(p) == ['{"text":"s***"}',
                        '{"id":2,"error":"invalid JSON: ends too early at column 18"}', "",
                        '{"text":"ok"}', ""], lines(p)
    err = p.stderr.decode()
    assert "m.jsonl:2: not redacted" in err and "ana@x.es" not in p.stdout.decode()


def test_charset_and_threads(tmp):
    path = write(tmp, "l.txt", "josé@x.es, qué mierda\n".encode("latin-1"))
    assert lines(redact("--charset", "ISO-8859-1", path, status=0))[0] == "[EMAIL], qué m*****"
    posts = [f"post {i} mail u{i}@x.es and mierda" if i % 3 == 0 else f"post {i} fine"
             for i in range(5000)]
    path = write(tmp, "many.txt", "\n".join(posts) + "\n")
    one = redact("--threads", "1", path, status=0).stdout
    four = redact("--threads", "4", path, status=0).stdout
    assert one == four
    out = one.decode().split("\n")
    assert out[3] == "post 3 mail [EMAIL] and m*****" and out[4] == "post 4 fine"


def test_help(tmp):
    out = run("mesura-redact", "--help", status=0).stdout.decode()
    for word in ["--style", "--mask-char", "--hash-key", "--policy", "Examples"]:
        assert word in out


if __name__ == "__main__":
    main([test_text_lines_keep_their_shape, test_jsonl_keeps_every_field, test_style_overrides,
          test_bad_lines_become_errors, test_charset_and_threads, test_help])
