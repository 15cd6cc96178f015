#!/usr/bin/env python3
"""Screen posts on several processes with multiprocessing and mesura.

    python3 multiprocessing_screen.py POLICY.yaml POSTS.txt [--processes 4]

Each line of POSTS.txt is one post; the output is one line per post, in input order:
"<line number>\t<verdict>\t<rules that fired>". The policy is handed to each worker
process once (Pool initializer); it pickles to its source and is compiled there.
"""

import argparse
import itertools
import multiprocessing
import sys

import mesura

_policy = None


def _init(policy):
    global _policy
    _policy = policy


def _screen(chunk):
    return _policy.scan_many(chunk, threads=1)


def chunks(posts, size):
    it = iter(posts)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def screen(policy, posts, processes=2, chunk_size=500, context="spawn"):
    """Yields the Result of every post, in input order, screened by `processes`
    worker processes. The "spawn" start method is safe whatever threads this
    process runs (fork is not, with threads, in any program)."""
    ctx = multiprocessing.get_context(context)
    with ctx.Pool(processes, initializer=_init, initargs=(policy,)) as pool:
        for results in pool.imap(_screen, chunks(posts, chunk_size)):
            yield from results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("policy")
    ap.add_argument("posts")
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args(argv)
    policy = mesura.Policy.from_file(args.policy)
    with open(args.posts, encoding="utf-8", errors="replace") as f:
        posts = [line.rstrip("\n") for line in f]
    for i, r in enumerate(screen(policy, posts, args.processes), 1):
        print(f"{i}\t{r.verdict}\t{','.join(f.rule for f in r.findings)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
