#!/usr/bin/env python3
"""Screen posts on a Dask cluster with mesura.

    /usr/bin/python3 dask_screen.py POLICY.yaml POSTS.txt [--workers 2] [--partitions 8] [--redact]

Dask comes from Debian (`apt-get install -y python3-dask python3-distributed`), so run
it with Debian's /usr/bin/python3: the machine's pyenv python3 has no Dask (and PyPI
is not reachable here).

Each line of POSTS.txt is one post. A LocalCluster of worker processes (one thread
each) screens a dask bag of the posts; the output is one JSON object per post, in
input order: {"id": line number, "verdict": ..., "findings": [...]}, with each
finding's "start"/"end" in bytes of the post's UTF-8, as in mesura-screen's JSONL
(Python's str indices, Finding.start/.end, are not written under those names). Point
a Client at a real cluster instead of the LocalCluster and nothing else changes.

How the policy travels: it is an ordinary argument of map_partitions. Dask pickles
it with the task graph, which for a mesura.Policy is its YAML source (or the marker
of the built-in default); each worker process compiles it once and reuses it for
every partition it screens (mesura keeps unpickled policies by their source).
"""

import argparse
import json
import logging
import sys

import dask.bag as db
from dask.distributed import Client, LocalCluster

import mesura


def screen_partition(posts, policy, redact=False):
    """Runs in a worker: screens one partition with the worker's copy of the policy.
    threads=1 because each Dask worker already has a core of its own here; on bigger
    workers, give scan_many the worker's cores instead (one Dask thread per worker).
    """
    return policy.scan_many(posts, threads=1, redact=redact)


def screen_bag(policy, posts, npartitions=8, redact=False):
    """The Results of every post, in input order, computed on the current Dask client."""
    bag = db.from_sequence(posts, npartitions=npartitions)
    return bag.map_partitions(screen_partition, policy, redact).compute()


def local_cluster(workers=2):
    """A LocalCluster of `workers` processes with one thread each, no dashboard."""
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("policy")
    ap.add_argument("posts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--redact", action="store_true")
    args = ap.parse_args(argv)
    policy = mesura.Policy.from_file(args.policy)
    with open(args.posts, encoding="utf-8", errors="replace") as f:
        posts = [line.rstrip("\n") for line in f]
    with local_cluster(args.workers) as cluster, Client(cluster):
        results = screen_bag(policy, posts, args.partitions, args.redact)
    for i, r in enumerate(results, 1):
        print(json_line(i, r, args.redact))
    return 0


def json_line(post_id, result, redact=False):
    """One output line. `start`/`end` are bytes of the post's UTF-8, the meaning they
    have in mesura-screen's JSONL; Python's str indices (Finding.start) are not used."""
    out = {"id": post_id, "verdict": result.verdict,
           "findings": [{"rule": f.rule, "category": f.category, "severity": f.severity,
                         "action": f.action, "start": f.byte_start, "end": f.byte_end,
                         "text": f.text} for f in result.findings]}
    if redact:
        out["redacted"] = result.redacted
    return json.dumps(out, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
