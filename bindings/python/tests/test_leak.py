"""Memory is given back: resident memory stays flat over a million scans, and over
many redactions, batches, text-tool calls, policies and errors.

Each check warms up first (scanners, pools and Python's allocators reach their
working size), then runs the loop and compares the resident set size before and
after. A leak of one Result per scan would be over 100 MB here; the bounds allow a
few MiB of allocator noise. Run by ctest ("python_leak").
"""

import gc
import os
import unittest

import mesura
from mesura import Policy

import support

MIB = 1 << 20


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class LeakTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = Policy.from_string(support.POLICY, hash_key=support.KEY)
        # short posts, a third of them with findings (emoji, accents, cards, e-mails)
        cls.posts = support.sample_posts() + support.random_posts(48, seed=99)

    def assert_flat(self, work, label, limit=4 * MIB, warmups=1):
        for _ in range(warmups):
            work()
        gc.collect()
        before = rss()
        work()
        gc.collect()
        growth = rss() - before
        print(f"\n  {label}: resident memory {before / MIB:.1f} MiB, "
              f"growth {growth / 1024:+.0f} KiB", end="")
        self.assertLess(growth, limit, f"{label}: grew by {growth} bytes")

    def test_million_scans(self):
        scan, posts = self.policy.scan, self.posts
        n = len(posts)

        def work():
            for i in range(500_000):
                scan(posts[i % n])
        self.assert_flat(work, "1,000,000 scans")  # 500,000 warm-up + 500,000 measured

    def test_scans_with_everything(self):
        scan, redact, posts = self.policy.scan, self.policy.redact, self.posts
        n = len(posts)
        data = [p.encode() for p in posts]

        def work():
            for i in range(50_000):
                scan(posts[i % n], redact=True, explain=True)
                scan(data[i % n])
                redact(posts[i % n], hash_key=bytes(16))
        self.assert_flat(work, "150,000 scans with redaction, explain and bytes")

    def test_scan_many(self):
        posts = self.posts * 60  # 3,840 posts a batch: a small peak, so little noise

        def work():
            for _ in range(100):
                self.policy.scan_many(posts, threads=2, redact=True)
        # A leak of 16 bytes a post would be 6 MiB.
        self.assert_flat(work, "scan_many over 100 x 3,840 posts", warmups=2)

    def test_text_tools(self):
        posts = self.posts
        n = len(posts)

        def work():
            for i in range(30_000):
                mesura.normalize(posts[i % n], with_map=True)
                mesura.normalize(posts[i % n], "nfkc", keep_letters="ñç")
                mesura.tokenize(posts[i % n])
        self.assert_flat(work, "90,000 normalize and tokenize calls")

    def test_policies_and_errors(self):
        bad = support.POLICY.replace("validate: luhn", "validate: lun")

        def work():
            for _ in range(300):
                p = Policy.from_string(support.POLICY, hash_key=support.KEY)
                p.scan("mierda 4111 1111 1111 1111 ana@example.com", redact=True)
                p.scan_many(["mierda"] * 40, threads=2)
                try:
                    Policy.from_string(bad)
                except mesura.PolicyError:
                    pass
            for _ in range(20_000):
                for arg in (42, "\ud800"):
                    try:
                        self.policy.scan(arg)
                    except (TypeError, UnicodeEncodeError):
                        pass
        self.assert_flat(work, "300 policies, 300 compile errors, 40,000 bad arguments")


if __name__ == "__main__":
    unittest.main()
