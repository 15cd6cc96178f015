#!/usr/bin/env python3
"""One record per input line, always (docs/tools.md, "Lines that cannot be screened").

A JSONL file mixes every kind of line that cannot be screened with good ones; it goes
through mesura-screen (jsonl, csv, human, --strict, several thread counts) and
mesura-redact, and each bad line must come out in its place with verdict review, no
findings, its error and the right id, the summary must count it and the exit status
must be 4. Also: format detection of a text file whose first post starts with '{',
numeric options out of range, file names that are not UTF-8, a CSV field that starts
with NUL, --no-file-access."""
import csv
import io
import json
import os
import re

from toolstest import POLICY, jsonl, main, run, write

MAX_LINE = 1 << 20  # POSTS_MAX_LINE
SCAN_ERROR = "FAIL-THIS-SCAN"  # MESURA_TEST_SCAN_ERROR: the tools' scan fails on it
ENV = {"MESURA_TEST_SCAN_ERROR": SCAN_ERROR}


def good(i, text):
    return json.dumps({"id": f"g{i}", "text": text}).encode()


# (line, id the record must carry, words its error must hold); error None: a good line.
# Ids: the input's when it can be read unambiguously, else the 1-based line number.
def mixed_lines():
    return [
        (good(1, "all good"), "g1", None),
        (b'{"id": "j1", "text": "broken', "LINE", "invalid JSON"),
        (b'{"id": "u1", "text": "bad \xff byte"}', "u1", "invalid UTF-8"),
        (b'{"id": "s1", "text": "lone \\ud800 surrogate"}', "LINE", "surrogate"),
        (b'{"id": "t1", "body": "no text"}', "t1", 'no "text"'),
        (b'{"id": "t2", "text": 7}', "t2", "not a string"),
        (b'{"id": "t3", "text": null}', "t3", "not a string"),
        (b'["id", "text"]', "LINE", "not a JSON object"),
        (b'"just a string"', "LINE", "not a JSON object"),
        (b'{"id": "n1", "text": "big", "n": 123456789012345678901234567890}', "LINE",
         "number too large"),
        (b'\xef\xbb\xbf{"id": "b1", "text": "a BOM inside the stream"}', "b1", "byte-order mark"),
        (b'{"id": "deep", "text": "ok", "a": ' + b"[" * 3000 + b"]" * 3000 + b"}", "LINE",
         "nesting too deep"),
        (good(2, "shit happens"), "g2", None),
        # Duplicate keys: refused; the id when there is exactly one.
        (b'{"id": "x1", "text": "shit", "text": "fine"}', "x1", "duplicate key"),
        (b'{"id": "x2", "id": "x3", "text": "fine"}', "LINE", "duplicate key"),
        (b'{"\\u0069d": "x4", "id": "x5", "text": "fine"}', "LINE", "duplicate key"),
        (b'{"id": "x6", "text": "fine", "meta": {"a": 1, "a": 2}}', "x6", "duplicate key"),
        (b'{"id": "L1", "text": "' + b"x" * MAX_LINE + b'"}', "LINE", "longer than"),
        (good(3, "mail ana@x.es"), "g3", None),
        (good(4, f"a post whose scan fails {SCAN_ERROR}"), "g4", "cannot screen"),
        (good(5, "fine again"), "g5", None),
    ]


def expected(lines):
    """The records in order: (line number, id, error words or None)."""
    return [(n, n if want == "LINE" else want, err)
            for n, (_, want, err) in enumerate(lines, 1)]


def mixed_file(tmp):
    lines = mixed_lines()
    return write(tmp, "mixed.jsonl", b"\n".join(line for line, _, _ in lines) + b"\n"), \
        expected(lines)


def screen(*args, **kw):
    return run("mesura-screen", "--policy", POLICY, *args, env=ENV, **kw)


def check_bad_record(o, want_id, words):
    assert o["id"] == want_id, (o, want_id)
    assert o["verdict"] == "review" and o["findings"] == [], o
    assert words in o["error"], (o, words)


def test_jsonl_one_record_per_line(tmp):
    path, want = mixed_file(tmp)
    outputs = []
    for threads in ("1", "3"):
        p = screen("--format", "jsonl", "--threads", threads, path, status=4)
        outputs.append(p.stdout)
        out = jsonl(p.stdout)
        assert len(out) == len(want), (len(out), len(want))
        for o, (n, want_id, err) in zip(out, want):
            if err:
                check_bad_record(o, want_id, err)
            else:
                assert o["id"] == want_id and "error" not in o, o
        assert out[12]["findings"][0]["text"] == "shit" and out[18]["verdict"] == "redact"
        stderr = p.stderr.decode()
        bad = sum(1 for _, _, e in want if e)
        assert f"{len(want)} posts:" in stderr and f"{bad} not screened" in stderr, stderr
        assert "1 review" in stderr and "1 redact" in stderr and "2 allow" in stderr, stderr
        for n, _, err in want:
            assert (f"mixed.jsonl:{n}: not screened" in stderr) == bool(err), (n, stderr)
    assert outputs[0] == outputs[1]  # byte-identical for any --threads


def test_csv_and_human_one_record_per_line(tmp):
    path, want = mixed_file(tmp)
    p = screen("--format", "csv", "--redact", "--hash-key", "00" * 16, path, status=4)
    rows = list(csv.reader(io.StringIO(p.stdout.decode(), newline="")))
    assert rows[0] == ["id", "verdict", "rule", "category", "severity", "action", "start",
                       "end", "text", "confidence", "redacted", "error"]
    body = rows[1:]
    assert len(body) == len(want)  # one finding at most per good post here
    for r, (n, want_id, err) in zip(body, want):
        assert r[0] == str(want_id), (r, want_id)
        if err:
            assert r[1] == "review" and r[2:11] == [""] * 9 and err in r[11], r
        else:
            assert r[11] == "" and r[10] != "", r
    p = screen("--format", "human", "--color", "never", path, status=4)
    out = p.stdout.decode().splitlines()
    heads = [line for line in out if not line.startswith("    ")]
    assert len(heads) == len(want), out
    for line, (n, want_id, err) in zip(heads, want):
        assert line.startswith(f"{path}:{n}"), (line, n)
        if err:
            assert "  REVIEW  (not screened: " in line and err in line, line
            if isinstance(want_id, str):
                assert f' id "{want_id}"  ' in line, line
        else:
            assert "not screened" not in line, line


def test_strict_stops_at_the_first(tmp):
    path, want = mixed_file(tmp)
    first_bad = next(i for i, (_, _, err) in enumerate(want) if err)
    outs = []
    for threads in ("1", "4"):
        p = screen("--strict", "--threads", threads, path, status=3)
        out = jsonl(p.stdout)
        assert len(out) == first_bad + 1, out  # the records up to and with the first bad one
        assert "error" in out[-1] and "error" not in out[0]
        err = p.stderr.decode()
        assert "stopped at the first post not screened (--strict)" in err, err
        assert f"{first_bad + 1} posts:" in err and "1 not screened" in err, err
        assert "mixed.jsonl:3:" not in err  # nothing after the stop, not even messages
        outs.append(p.stdout)
    assert outs[0] == outs[1]
    # Without a bad line, --strict changes nothing.
    ok = write(tmp, "ok.jsonl", good(1, "shit") + b"\n" + good(2, "fine") + b"\n")
    assert len(jsonl(screen("--strict", ok, status=1).stdout)) == 2


def test_status_4_outranks_verdicts_and_3_outranks_4(tmp):
    bad = b'{"text": "x", "text": "y"}\n'
    for text, verdict in [("fine", "allow"), ("shit", "review"), ("project falcon", "block")]:
        path = write(tmp, f"s-{verdict}.jsonl", good(1, text) + b"\n" + bad)
        out = jsonl(screen(path, status=4).stdout)
        assert [o["verdict"] for o in out] == [verdict, "review"]
    path = write(tmp, "s.jsonl", bad)
    p = screen(path, "/nonexistent/posts.jsonl", status=3)  # unreadable input: 3
    assert len(jsonl(p.stdout)) == 1


def test_several_files_and_mid_stream_boms(tmp):
    a = write(tmp, "a.jsonl", good(1, "fine") + b"\n")
    # A BOM on line 1 of a file is dropped; on a later line it is a bad line.
    b = write(tmp, "b.jsonl", b"\xef\xbb\xbf" + good(2, "fine") + b"\n\xef\xbb\xbf" +
              good(3, "fine") + b"\n")
    out = jsonl(screen(a, b, status=4).stdout)
    assert [(o["file"], o["id"], "error" in o) for o in out] == \
        [(a, "g1", False), (b, "g2", False), (b, "g3", True)], out
    assert "byte-order mark" in out[2]["error"]


def test_scan_errors(tmp):
    text = write(tmp, "t.txt", f"fine\nthis {SCAN_ERROR}\nshit\n")
    out = jsonl(screen(text, status=4).stdout)
    assert [o["id"] for o in out] == [1, 2, 3]
    assert out[1]["error"] == "cannot screen: out of memory" and out[1]["findings"] == []
    out = jsonl(screen("--redact", text, status=4).stdout)
    assert "redacted" not in out[1] and out[2]["redacted"] == "s***"
    # A line too long in a text file, too.
    path = write(tmp, "long.txt", "first shit\n" + "x" * (MAX_LINE + 5) + "\nlast\n")
    out = jsonl(screen(path, status=4).stdout)
    assert [o["id"] for o in out] == [1, 2, 3] and "longer than" in out[1]["error"]


def test_posts_screened_only_in_part(tmp):
    # 600,000 bytes of latin1 'é' fit the 1 MiB line limit but become 1.2 MB of UTF-8:
    # more than the scan's max_post_bytes, so the post is not scanned at all. It gets a
    # record with an error, never a verdict of its own, and mesura-redact refuses it.
    big = b"\xe9" * 600_000
    path = write(tmp, "latin1.txt", b"shit\n" + big + b"\nfine\n")
    out = jsonl(screen("--charset", "latin1", "--redact", path, status=4).stdout)
    assert [o["id"] for o in out] == [1, 2, 3]
    assert out[1]["verdict"] == "review" and out[1]["findings"] == []
    assert "larger than the scan limit" in out[1]["error"] and "redacted" not in out[1]
    assert out[0]["redacted"] == "s***" and out[2]["redacted"] == "fine"
    p = run("mesura-redact", "--policy", POLICY, "--charset", "latin1", path, status=4)
    lines = p.stdout.decode().split("\n")
    assert lines[0] == "s***" and lines[2] == "fine", lines[:1] + lines[2:]
    assert lines[1].startswith("[mesura-redact: not redacted] line 2: screened only in part")
    assert "\u00e9" * 10 not in p.stdout.decode()


def test_redact_one_line_per_line(tmp):
    path, want = mixed_file(tmp)
    for threads in ("1", "3"):
        p = run("mesura-redact", "--policy", POLICY, "--threads", threads, path, env=ENV,
                status=4)
        out = jsonl(p.stdout)
        assert len(out) == len(want)
        for o, (n, want_id, err) in zip(out, want):
            if err:  # no text, so nothing can be taken for a redacted post
                assert set(o) == {"id", "error"} and o["id"] == want_id, o
                assert err in o["error"], o
            else:
                assert "text" in o and "error" not in o, o
        assert out[12]["text"] == "s*** happens" and out[18]["text"] == "mail [EMAIL]"
        bad = sum(1 for _, _, e in want if e)
        assert f"{bad} lines could not be redacted" in p.stderr.decode()


def test_redact_text_marker(tmp):
    marker = "[mesura-redact: not redacted]"
    posts = ["fine shit", "x" * (MAX_LINE + 1), f"scan {SCAN_ERROR} ana@x.es", "",
             marker + " posted by a user", "ana@x.es"]
    path = write(tmp, "t.txt", "\n".join(posts) + "\n")
    p = run("mesura-redact", "--policy", POLICY, path, env=ENV, status=4)
    out = p.stdout.decode().split("\n")
    assert len(out) == len(posts) + 1 and out[-1] == "", out
    assert out[0] == "fine s***" and out[3] == "" and out[5] == "[EMAIL]"
    assert out[1].startswith(marker + " line 2: line longer than")
    assert out[2] == marker + " line 3: cannot screen: out of memory", out[2]
    assert out[4].startswith(marker + " line 5: "), out[4]
    assert "ana@x.es" not in p.stdout.decode() and "posted by a user" not in out[4]


def test_text_file_starting_with_brace(tmp):
    # A plain-text file whose first post starts with '{' is text: no post is lost.
    posts = ["{not json} but a post with shit", "{\"text\": 1} neither", "mail ana@x.es"]
    path = write(tmp, "brace.txt", "\n".join(posts) + "\n")
    p = screen(path, status=1)
    out = jsonl(p.stdout)
    assert [o["id"] for o in out] == [1, 2, 3] and all("error" not in o for o in out)
    assert out[0]["findings"][0]["text"] == "shit"
    assert "0 not screened" in p.stderr.decode()
    red = run("mesura-redact", "--policy", POLICY, path, status=0).stdout.decode()
    assert red.split("\n")[0] == "{not json} but a post with s***"
    # A first line that is a JSON object with a string "text" makes the file JSONL: a
    # later plain line then gets an error record, never vanishes.
    path = write(tmp, "mixed.txt", '{"text": "shit"}\nplain post\n')
    out = jsonl(screen(path, status=4).stdout)
    assert [o["id"] for o in out] == [1, 2] and "invalid JSON" in out[1]["error"]
    # With a charset, the first line is read in it.
    path = write(tmp, "l1.jsonl", '{"id": "é", "text": "qué mierda"}\n'.encode("latin-1"))
    out = jsonl(screen("--charset", "latin1", path, status=1).stdout)
    assert out[0]["id"] == "é", out


def test_numeric_options(tmp):
    path = write(tmp, "n.txt", "post\n")
    for value in ["18446744073709551617", "18446744073709551616", "4294967297", "4294967296",
                  "-1", "0", "1025", "+2", " 2", "2x", "", "0x10"]:
        for name in ("mesura-screen", "mesura-redact"):
            p = run(name, "--policy", POLICY, "--threads", value, path, status=3)
            assert "--threads" in p.stderr.decode() and p.stdout == b"", (name, value)
    for value in ["1", "1024", "007"]:
        out = jsonl(screen("--threads", value, path, status=0).stdout)
        assert [o["id"] for o in out] == [1]
    assert "1 to 1024" in run("mesura-screen", "--help", status=0).stdout.decode()


def test_threads_that_do_not_start(tmp):
    # MESURA_TEST_THREAD_FAILURES=N: the first N threads fail to start (tests only).
    path, want = mixed_file(tmp)
    base = screen("--threads", "1", path, status=4)
    env = dict(ENV, MESURA_TEST_THREAD_FAILURES="3")
    p = run("mesura-screen", "--policy", POLICY, "--threads", "5", "--stats", path, env=env,
            status=4)
    assert p.stdout == base.stdout  # every record, from the two workers that ran
    err = p.stderr.decode()
    assert "3 of 5 worker threads could not start; going on with 2" in err, err
    assert "; 2 threads," in err, err
    counts = re.search(r"\d+ posts: [^;]*; \d+ findings", base.stderr.decode()).group(0)
    assert counts in err, (counts, err)
    env["MESURA_TEST_THREAD_FAILURES"] = "5"
    p = run("mesura-screen", "--policy", POLICY, "--threads", "5", path, env=env, status=3)
    assert p.stdout == b"" and "cannot start a worker thread" in p.stderr.decode()
    p = run("mesura-redact", "--policy", POLICY, "--threads", "2", path, env=env, status=3)


def test_file_names_not_utf8(tmp):
    name = os.path.join(os.fsencode(tmp), b"caf\xe9-\x1b[31m.txt")
    with open(name, "wb") as f:
        f.write(b"shit\n")
    other = write(tmp, "other.txt", "fine\n")
    shown = os.path.join(tmp, "caf\ufffd-\x1b[31m.txt")
    p = screen(name, other, status=1)
    text = p.stdout.decode("utf-8")  # strict: raises on ill-formed UTF-8
    out = jsonl(p.stdout)
    assert [o["file"] for o in out] == [shown, other], out
    assert "\\u001b" in text  # control characters escaped as JSON requires
    rows = list(csv.reader(io.StringIO(
        screen("--format", "csv", name, other, status=1).stdout.decode("utf-8"), newline="")))
    assert rows[1][0] == shown, rows
    human = screen("--format", "human", "--color", "never", name, other, status=1).stdout
    line = human.decode("utf-8").splitlines()[0]
    assert line.startswith(os.path.join(tmp, "caf\ufffd-?[31m.txt") + ":1  REVIEW"), line
    assert b"\x1b" not in human
    # An id with DEL and a C1 control (U+009B is CSI) reaches no terminal either.
    ids = write(tmp, "ids.jsonl", json.dumps({"id": "a\u009b31m\u007fb", "text": "shit"}) + "\n")
    human = screen("--format", "human", "--color", "never", ids, status=1).stdout
    assert b"\xc2\x9b" not in human and b"\x7f" not in human and b' id "a??31m?b"' in human
    red = run("mesura-redact", "--policy", POLICY, name, os.path.join(tmp, "nope.jsonl"),
              status=3)
    assert red.stdout == b"s***\n"


def test_csv_field_starting_with_nul(tmp):
    objs = [{"id": "\u0000abc", "text": "\u0000shit"}, {"id": "=1+1", "text": "fine"}]
    path = write(tmp, "nul.jsonl", "\n".join(json.dumps(o) for o in objs) + "\n")
    raw = screen("--format", "csv", path, status=1).stdout
    rows = list(csv.reader(io.StringIO(raw.decode(), newline="")))
    assert rows[1][0] == "\u0000abc", rows  # NUL is no formula: no apostrophe
    assert rows[2][0] == "'=1+1", rows     # a formula still gets one


def test_no_file_access(tmp):
    write(tmp, "words.txt", "falcon\n")
    included = write(tmp, "inc.yaml", "mesura: 1\nname: inc\nrules:\n  - id: inc\n"
                     "    category: confidential\n    match: { terms: [globex] }\n")
    lexicon = write(tmp, "lex.yaml", "mesura: 1\nname: lex\nlexicons:\n"
                    "  words: { file: words.txt }\nrules:\n  - id: w\n"
                    "    category: confidential\n    match: { terms: ['@words'] }\n")
    including = write(tmp, "incl.yaml", f"mesura: 1\nname: incl\ninclude: [{included}]\n"
                      "rules: []\n")
    posts = write(tmp, "p.txt", "falcon globex\n")
    for policy in (lexicon, including):
        run("mesura-screen", "--policy", policy, posts, status=1)
        p = run("mesura-screen", "--no-file-access", "--policy", policy, posts, status=3)
        assert p.stdout == b"" and "error" in p.stderr.decode(), p.stderr
        run("mesura-redact", "--policy", policy, posts, status=0)
        run("mesura-redact", "--no-file-access", "--policy", policy, posts, status=3)
        run("mesura-explain", "--policy", policy, "falcon globex", status=1)
        run("mesura-explain", "--no-file-access", "--policy", policy, "x", status=3)
        assert run("mesura-lint", policy).returncode in (0, 1)
        run("mesura-lint", "--no-file-access", policy, status=2)
    # The tests' policy reads no file: it loads either way.
    run("mesura-screen", "--no-file-access", "--policy", POLICY, posts, status=0)
    for name in ("mesura-screen", "mesura-redact", "mesura-explain", "mesura-lint"):
        assert "--no-file-access" in run(name, "--help", status=0).stdout.decode(), name


def test_help_documents_status_4(tmp):
    for name in ("mesura-screen", "mesura-redact", "mesura-explain"):
        out = run(name, "--help", status=0).stdout.decode()
        assert re.search(r"\b4 (some|the) (post|line)", out), (name, out)


if __name__ == "__main__":
    main([test_jsonl_one_record_per_line, test_csv_and_human_one_record_per_line,
          test_strict_stops_at_the_first, test_status_4_outranks_verdicts_and_3_outranks_4,
          test_several_files_and_mid_stream_boms, test_scan_errors,
          test_posts_screened_only_in_part,
          test_redact_one_line_per_line, test_redact_text_marker,
          test_text_file_starting_with_brace, test_numeric_options,
          test_threads_that_do_not_start, test_file_names_not_utf8,
          test_csv_field_starting_with_nul, test_no_file_access, test_help_documents_status_4])
