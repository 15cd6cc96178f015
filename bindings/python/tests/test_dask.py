"""Dask distributed: a LocalCluster of worker processes screens a bag of posts, and
the results are identical to a local scan.

The policy goes to the workers pickled (its source) inside the task graph; each
worker process compiles it once. Run by ctest ("python_dask") under /usr/bin/python3
with Debian's python3-dask and python3-distributed. Sized for a 2-core CI machine:
two worker processes with one thread each, no dashboard.
"""

import json
import os
import sys
import time
import unittest

import mesura

import support

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False


@unittest.skipUnless(HAVE_DASK, "needs python3-dask and python3-distributed")
class DaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import dask_screen
        from dask.distributed import Client
        cls.example = dask_screen
        start = time.perf_counter()
        cls.cluster = dask_screen.local_cluster(workers=2)
        cls.client = Client(cls.cluster)
        print(f"\n  LocalCluster of 2 processes up in {time.perf_counter() - start:.1f} s",
              end="")

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()

    def posts(self):
        # The bundled sample posts, replicated with a post number so that each differs,
        # plus random posts: 4,000 in all.
        samples = support.sample_posts()
        posts = [f"{samples[i % len(samples)]} #{i}" for i in range(2000)]
        return posts + support.random_posts(2000, seed=2024)

    def test_bag_matches_local_scan(self):
        policy = mesura.Policy.from_file(support.EXAMPLE_POLICY)
        posts = self.posts()
        start = time.perf_counter()
        got = self.example.screen_bag(policy, posts, npartitions=8)
        took = time.perf_counter() - start
        expected = policy.scan_many(posts)
        self.assertEqual(len(got), len(posts))
        self.assertEqual(got, expected)
        self.assertGreater(sum(1 for r in got if r.findings), 500)
        # the work was done by the worker processes, not here
        workers = self.client.run(os.getpid)
        self.assertEqual(len(workers), 2)
        self.assertNotIn(os.getpid(), workers.values())
        print(f"\n  {len(posts)} posts screened on the cluster in {took:.2f} s", end="")

    def test_output_offsets_are_bytes(self):
        # Accents and an emoji before the address: str and byte offsets differ.
        policy = mesura.Policy.from_string(support.POLICY)
        post = "Añadid a José 🙂 en copia: ana.garcia@example.com"
        (result,) = self.example.screen_bag(policy, [post], npartitions=1)
        line = json.loads(self.example.json_line(7, result))
        self.assertEqual(line["id"], 7)
        (finding,) = [f for f in line["findings"] if f["text"] == "ana.garcia@example.com"]
        data = post.encode("utf-8")
        self.assertEqual(data[finding["start"]:finding["end"]], b"ana.garcia@example.com")
        self.assertNotEqual(finding["start"], post.index("ana.garcia"))

    def test_redaction_with_a_hash_key(self):
        policy = mesura.Policy.from_string(support.POLICY, hash_key=support.KEY)
        posts = self.posts()[:1000] + ["write to ana.garcia@example.com"] * 10
        got = self.example.screen_bag(policy, posts, npartitions=4, redact=True)
        self.assertEqual(got, policy.scan_many(posts, redact=True))
        self.assertRegex(got[-1].redacted, r"^write to \[EMAIL:[0-9a-f]{6}\]$")

    def test_policy_compiled_once_per_worker(self):
        policy = mesura.Policy.from_string(support.POLICY)

        def where(p):
            import os
            import mesura as m
            # unpickling handed out the worker's one compiled copy
            return os.getpid(), any(p is q for q in m._restored.values())
        futures = [self.client.submit(where, policy, pure=False) for _ in range(8)]
        results = self.client.gather(futures)
        self.assertTrue(all(cached for _, cached in results), results)

    def test_errors_come_back(self):
        bad = mesura.Policy.from_string(support.POLICY)  # a policy without hash key

        def redact(p, post):
            return p.redact(post)
        future = self.client.submit(redact, bad, "ana.garcia@example.com")
        with self.assertRaisesRegex(ValueError, "hash_key"):
            future.result()


if __name__ == "__main__":
    unittest.main()
