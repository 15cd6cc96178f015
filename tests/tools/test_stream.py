#!/usr/bin/env python3
"""mesura-screen streams: 200,000 generated posts (~40 MB) through a pipe come out in
order, the first results come out before the input ends, and the peak resident memory
(VmHWM, reported by --stats) stays far below the size of the input."""
import json
import random
import re
import subprocess
import threading
import time

from toolstest import POLICY, SANITIZED, main, tool

POSTS = 40_000 if SANITIZED else 200_000
FIRST = 10_000            # written before the test waits for the first result
MAX_RSS_MIB = 32          # the input is ~40 MB; a tool that kept it would exceed this


def post(rng, i):
    words = ["hola", "equipo", "great", "launch", "café", "ñandú", "🎉", "#año2024", "today",
             "gracias", "a", "todos", "por", "el", "esfuerzo", "de", "this", "year", "team"]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(20, 40)))
    if i % 10 == 0:
        text += rng.choice([" mail ana@x.es", " shit", " 612 345 678", " project falcon"])
    return f"{i} {text}\n".encode()


def test_stream(tmp):
    rng = random.Random(1)
    proc = subprocess.Popen([tool("mesura-screen"), "--policy", POLICY, "--threads", "2",
                             "--stats"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first_seen = threading.Event()
    written = [0, 0]  # posts, bytes

    def writer():
        try:
            for i in range(POSTS):
                if i == FIRST and not first_seen.wait(60):
                    break  # the tool is not streaming; the test below fails
                data = post(rng, i)
                proc.stdin.write(data)
                written[0] += 1
                written[1] += len(data)
        finally:
            proc.stdin.close()

    stderr = []
    t_err = threading.Thread(target=lambda: stderr.append(proc.stderr.read()))
    t_in = threading.Thread(target=writer)
    start = time.monotonic()
    t_err.start()
    t_in.start()
    n = 0
    flagged = 0
    for line in proc.stdout:
        o = json.loads(line)
        n += 1
        assert o["id"] == n, (o["id"], n)
        flagged += bool(o["findings"])
        if n == 1:
            assert written[0] <= FIRST + 1, "the first result waited for the whole input"
            first_seen.set()
    t_in.join()
    t_err.join()
    status = proc.wait()
    elapsed = time.monotonic() - start
    err = stderr[0].decode()
    assert status == 2, (status, err)
    assert n == POSTS and written[0] == POSTS, (n, written)
    assert flagged == POSTS // 10, flagged
    m = re.search(r"peak RSS ([0-9.]+) MiB", err)
    assert m, err
    rss = float(m.group(1))
    print(f"  {n} posts, {written[1] / 1e6:.1f} MB through a pipe in {elapsed:.1f} s, "
          f"peak RSS {rss:.1f} MiB")
    if not SANITIZED:
        assert rss < MAX_RSS_MIB, f"peak RSS {rss} MiB for {written[1] / 1e6:.0f} MB of input"


if __name__ == "__main__":
    main([test_stream])
