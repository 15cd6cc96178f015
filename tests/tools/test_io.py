#!/usr/bin/env python3
"""mesura-screen's reading and writing end to end: records come out as the input comes
in through a pipe (one thread or several), many batches and files keep their order and
ids whatever the threads, CRLF and LF give the same records, and the JSON written by
hand escapes what it must (controls, quotes) and nothing else (U+2028, U+2029, JSONL
surrogate pairs decoded), so that every record reads back to the post's own bytes."""
import json
import os
import random
import select
import subprocess

from toolstest import POLICY, jsonl, main, run, tool, write

CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x0A, 0x0D)) + "\x7f\x85"


def records_of(out):
    """JSONL records split on "\n" only (str.splitlines also splits on U+2028, U+0085...)."""
    return [json.loads(line) for line in out.split(b"\n") if line]


def screen(*args, **kw):
    return run("mesura-screen", "--policy", POLICY, *args, **kw)


class Records:
    """Reads a process's JSONL records as they come (no read-ahead hides one)."""

    def __init__(self, proc):
        self.fd = proc.stdout.fileno()
        self.pending = b""

    def next(self, timeout=60):
        while b"\n" not in self.pending:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            assert ready, "no record while the input stays open"
            data = os.read(self.fd, 65536)
            assert data, "the output ended"
            self.pending += data
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)


def test_records_come_as_the_input_comes(tmp):
    for threads in ("1", "2"):
        proc = subprocess.Popen([tool("mesura-screen"), "--policy", POLICY, "--threads", threads,
                                 "--format", "jsonl", "-q"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        records = Records(proc)
        try:
            proc.stdin.write(b"what a shit day\n")
            proc.stdin.flush()
            o = records.next()
            assert o["id"] == 1 and o["findings"][0]["text"] == "shit", o
            proc.stdin.write(b"all good\nmail ana@x.es\n")
            proc.stdin.flush()
            assert records.next()["id"] == 2
            o = records.next()
            assert o["id"] == 3 and o["findings"][0]["category"] == "pii.email", o
        finally:
            proc.stdin.close()
            proc.stdout.read()
            proc.wait()
        assert proc.returncode == 1, (threads, proc.returncode, proc.stderr.read())


def generated(rng, n):
    words = ["hola", "equipo", "launch", "café", "🎉", "#año2024", "today", "a", "de", "team"]
    posts = []
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        if i % 7 == 0:
            text += rng.choice([" shit", " mail ana@x.es", " 612 345 678", " project falcon"])
        posts.append(text)
    return posts


def test_many_batches_and_files_in_order(tmp):
    rng = random.Random(7)
    posts = generated(rng, 30000)  # ~2.5 MB: many 128 KB batches
    paths = []
    for k, chunk in enumerate((posts[:17000], posts[17000:17003], [], posts[17003:])):
        paths.append(write(tmp, f"part{k}.txt", "".join(p + "\n" for p in chunk)))
    outs = [screen("--threads", t, "--format", "jsonl", *paths).stdout for t in ("1", "2", "3")]
    assert outs[0] == outs[1] == outs[2]
    records = jsonl(outs[0])
    assert len(records) == len(posts)
    want = [(os.path.basename(p), i + 1) for p, n in zip(paths, (17000, 3, 0, 12997))
            for i in range(n)]
    assert [(os.path.basename(o["file"]), o["id"]) for o in records] == want
    flagged = [i for i, o in enumerate(records) if o["findings"]]
    assert flagged and all(i % 7 == 0 for i in flagged), flagged[:10]
    # The same posts as JSONL, ids from the input, and in CSV.
    path = write(tmp, "all.jsonl", "".join(json.dumps({"id": f"p{i}", "text": p}) + "\n"
                                            for i, p in enumerate(posts)))
    one = screen("--threads", "1", path).stdout
    assert one == screen("--threads", "3", path).stdout
    assert [o["id"] for o in jsonl(one)] == [f"p{i}" for i in range(len(posts))]
    csv_one = screen("--threads", "1", "--format", "csv", *paths).stdout
    assert csv_one == screen("--threads", "2", "--format", "csv", *paths).stdout


def test_crlf_and_lf_give_the_same_records(tmp):
    posts = ["mail ana@x.es now", "", "shit", "last line, no newline: 612 345 678"]
    lf = write(tmp, "lf.txt", "\n".join(posts))
    crlf = write(tmp, "crlf.txt", "\r\n".join(posts))
    for fmt in ("jsonl", "csv", "human"):
        a = screen("--format", fmt, "--redact", "--hash-key", "00" * 16, lf).stdout
        b = screen("--format", fmt, "--redact", "--hash-key", "00" * 16, crlf).stdout
        assert a == b.replace(b"crlf.txt:", b"lf.txt:"), fmt  # human: the file name
    records = jsonl(screen("--format", "jsonl", lf).stdout)
    assert [o["id"] for o in records] == [1, 3, 4]  # the blank line 2 has no record
    f = records[2]["findings"][0]
    assert posts[3].encode()[f["start"]:f["end"]] == f["text"].encode()


def test_json_escapes_read_back(tmp):
    seps = "A\u2028B\u2029C"
    posts = [f"ctl {CONTROLS} quote \" back \\ end", seps + " shit", "bad \udcff"]
    raw = b"\n".join(p.encode("utf-8", "surrogateescape") for p in posts) + b"\n"
    path = write(tmp, "ctl.txt", raw)
    out = screen("--format", "jsonl", "--redact", "--hash-key", "00" * 16, path).stdout
    lines = out.split(b"\n")
    # Controls are escaped (short forms for \t, else \u00xx), U+2028/2029 and C1 are not.
    assert b"\\u0001" in lines[0] and b"\\u001f" in lines[0] and b"\\t" in lines[0], lines[0]
    assert b"\\u007f" not in lines[0] and b"\x7f" in lines[0] and "\x85".encode() in lines[0]
    assert seps.encode() in lines[1]
    records = records_of(out)
    assert records[0]["redacted"] == posts[0]  # no finding: the post is its own redaction
    f = records[1]["findings"][0]
    assert f["text"] == "shit" and seps.encode() + b" shit" == (seps + " shit").encode()
    assert (seps + " shit").encode()[f["start"]:f["end"]] == b"shit"
    assert records[2]["redacted"] == "bad \ufffd"  # the ill-formed byte, repaired
    # JSONL input: a surrogate pair escape is one character (4 bytes in UTF-8).
    path = write(tmp, "pairs.jsonl", b'{"id": "s", "text": "\\ud83d\\ude00 shit"}\n')
    o = jsonl(screen("--format", "jsonl", path).stdout)[0]
    assert o["findings"][0]["start"] == 5 and o["findings"][0]["end"] == 9, o


if __name__ == "__main__":
    main([test_records_come_as_the_input_comes, test_many_batches_and_files_in_order,
          test_crlf_and_lf_give_the_same_records, test_json_escapes_read_back])
