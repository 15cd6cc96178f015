"""The Python binding: every API, offsets as str indices, errors, threads, pickling.

Run by ctest ("python") under /usr/bin/python3 with PYTHONPATH pointing at the
in-tree build (build/bindings/python).
"""

import copy
import inspect
import io
import json
import multiprocessing
import os
import pathlib
import pickle
import pydoc
import sys
import tempfile
import threading
import time
import unittest

import mesura
from mesura import Finding, Norm, Policy, PolicyError, Result, TokenizeFlag

import support
from support import KEY, POLICY, POLICY_NO_HASH

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
import multiprocessing_screen  # noqa: E402  (bindings/python/examples)


def expected_cp(text, byte_offset):
    """The str index of a byte offset of text's UTF-8, the slow obvious way."""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8"))


class ModuleTest(unittest.TestCase):
    def test_versions(self):
        self.assertEqual(mesura.__version__, mesura.library_version())
        self.assertRegex(mesura.__version__, r"^\d+\.\d+\.\d+$")
        self.assertRegex(mesura.unicode_version(), r"^\d+\.\d+\.\d+$")
        # the build checks that utf8proc and mesura's tables agree
        self.assertEqual(mesura.unicode_tables_version(), mesura.unicode_version())
        # the binding is written for the 1.x API (binding.h refuses another major)
        self.assertEqual(mesura._mesura.VERSION_NUMBER // 10000, 1)

    def test_status_codes(self):
        self.assertEqual(mesura.OK, 0)
        self.assertEqual(mesura.ESYNTAX, -5)
        self.assertEqual(mesura.ELIMIT, -8)
        self.assertIn("memory", mesura.strerror(mesura.ENOMEM))
        self.assertIsInstance(mesura.strerror(12345), str)
        self.assertTrue(issubclass(PolicyError, mesura.Error))

    def test_help(self):
        text = pydoc.render_doc(Policy, renderer=pydoc.plaintext)
        for word in ("from_file", "from_string", "default", "scan", "redact", "scan_many",
                     "scan_iter", "str indices", "GIL", "rule_count", "warnings"):
            self.assertIn(word, text)
        self.assertEqual(list(inspect.signature(Policy.scan).parameters),
                         ["self", "text", "redact", "explain", "hash_key"])
        self.assertIn("threads", inspect.signature(Policy.scan_many).parameters)
        self.assertIn("byte offset", Finding.start.__doc__)
        self.assertTrue(mesura.__doc__ and Result.__doc__ and mesura.normalize.__doc__)

    def test_stub_covers_the_api(self):
        stub = pathlib.Path(mesura.__file__).with_suffix(".pyi").read_text()
        for name in mesura.__all__:
            self.assertRegex(stub, rf"(?m)(class|def) {name}\b|^{name} = ")
        self.assertTrue((pathlib.Path(mesura.__file__).parent / "py.typed").exists())


class PolicyTest(unittest.TestCase):
    def test_from_string(self):
        p = Policy.from_string(POLICY)
        self.assertIsInstance(p, Policy)
        self.assertEqual(p.name, "test-policy")
        self.assertEqual(p.rule_count, 6)
        self.assertEqual(p.origin, "<policy>")
        self.assertEqual(p.source, POLICY)
        self.assertEqual(p.warnings, [])
        self.assertFalse(p.has_hash_key)
        self.assertFalse(p.is_default)
        self.assertIn("test-policy", repr(p))
        self.assertEqual(Policy.from_string(POLICY.encode(), "x.yaml").origin, "x.yaml")

    def test_from_file(self):
        p = Policy.from_file(support.EXAMPLE_POLICY)
        self.assertEqual(p.name, "acme-social-media")
        self.assertEqual(p.origin, support.EXAMPLE_POLICY)
        self.assertEqual(Policy.from_file(pathlib.Path(support.EXAMPLE_POLICY)).rule_count,
                         p.rule_count)
        with self.assertRaises(FileNotFoundError):
            Policy.from_file("/nonexistent/policy.yaml")

    def test_includes_and_lexicon_files(self):
        with tempfile.TemporaryDirectory() as d:
            pathlib.Path(d, "words.txt").write_text("# insults\nzoquete\n")
            pathlib.Path(d, "base.yaml").write_text(
                "mesura: 1\nname: base\nlexicons:\n  words: { file: words.txt }\n"
                "rules:\n  - id: w\n    category: profanity\n    match: { terms: '@words' }\n")
            main = pathlib.Path(d, "main.yaml")
            main.write_text("mesura: 1\nname: main\ninclude: [base.yaml]\n")
            p = Policy.from_file(main)
            self.assertEqual(p.scan("eres un zoquete").findings[0].rule, "w")
            with self.assertRaises(PolicyError) as cm:
                Policy.from_file(main, allow_files=False)
            self.assertEqual(cm.exception.line, 3)
            # a pickled file policy is compiled again from its source and its path,
            # reading files only where the unpickling process allows it
            data = pickle.dumps(p)
            with self.assertRaises(PolicyError):
                pickle.loads(data)
            mesura.allow_files_when_unpickling()
            try:
                q = pickle.loads(data)
            finally:
                mesura.allow_files_when_unpickling(False)
            self.assertEqual(q.scan("eres un zoquete"), p.scan("eres un zoquete"))

    def test_not_constructible(self):
        with self.assertRaises(TypeError):
            Policy()
        with self.assertRaises(TypeError):
            mesura._mesura.Policy()

    def test_warnings(self):
        p = Policy.from_string("mesura: 1\nname: w\nlexicons:\n  unused: [a, b]\nrules:\n"
                               "  - id: r\n    category: profanity\n    match: {terms: [x]}\n",
                               "w.yaml")
        self.assertEqual(len(p.warnings), 1)
        w = p.warnings[0]
        self.assertEqual((w.severity, w.file, w.line, w.column), ("warning", "w.yaml", 4, 3))
        self.assertIn("never used", w.message)
        self.assertEqual(str(w), f"w.yaml:4:3: warning: {w.message}")

    def test_hash_key_validation(self):
        with self.assertRaises(ValueError):
            Policy.from_string(POLICY, hash_key=b"short")
        with self.assertRaises(TypeError):
            Policy.from_string(POLICY, hash_key="sixteen chars!!!")
        self.assertTrue(Policy.from_string(POLICY, hash_key=KEY).has_hash_key)

    def test_limits(self):
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string(POLICY, max_source_bytes=100)
        self.assertEqual(cm.exception.status, mesura.ELIMIT)


class PolicyErrorTest(unittest.TestCase):
    BAD = ("mesura: 1\nname: bad\n# año: ñandú\nrules:\n  - id: card\n"
           "    category: pii.payment_card\n"
           "    match: { regex: '(\\d+', validate: lun }\n"
           "  - id: r2\n    category: nonsense\n    match: { terms: [x] }\n"
           "  - id: r3\n    category: pii.iban\n    match: { regex: 'ES\\d+', validate: iba }\n")

    def test_attributes(self):
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string(self.BAD, "bad.yaml")
        e = cm.exception
        self.assertIsInstance(e, mesura.Error)
        self.assertEqual(e.status, mesura.ESYNTAX)
        self.assertEqual((e.file, e.line, e.rule_id), ("bad.yaml", 7, "card"))
        self.assertEqual(e.path, "rules[0].match.regex")
        # at the end of the regex "(\d+", where PCRE2 found the parenthesis missing
        self.assertEqual(e.column, self.BAD.split("\n")[6].index("(\\d+") + 1 + 4)
        errors = [d for d in e.diagnostics if d.severity == "error"]
        self.assertGreaterEqual(len(errors), 3)
        self.assertTrue(any('did you mean "iban"' in d.message for d in errors))
        self.assertTrue(any(d.rule_id == "r2" for d in errors))
        lines = str(e).split("\n")
        self.assertEqual(len(lines), len(errors))
        self.assertTrue(lines[0].startswith("bad.yaml:7:"), lines[0])
        self.assertIn("[rule card]", lines[0])
        self.assertEqual(e.message, errors[0].message)

    def test_column_counts_code_points(self):
        # PCRE2 says "offset 11" (bytes of the regex); the column counts code points of
        # the line, accents included
        src = "mesura: 1\nname: x\nrules:\n  - { id: r, category: profanity, match: { regex: 'ñandú ñ(' } }\n"
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string(src)
        line = src.split("\n")[3]
        self.assertEqual((cm.exception.line, cm.exception.column), (4, line.index("ñ(") + 1 + 2))
        self.assertIn("offset 11", cm.exception.message)

    def test_yaml_error(self):
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string("mesura: 1\nrules: [\n")
        self.assertIsNotNone(cm.exception.line)

    def test_pickles(self):
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string(self.BAD, "bad.yaml")
        e = pickle.loads(pickle.dumps(cm.exception))
        self.assertEqual(str(e), str(cm.exception))
        self.assertEqual((e.line, e.column, e.path, e.file), (cm.exception.line,
                         cm.exception.column, cm.exception.path, cm.exception.file))
        self.assertEqual(e.diagnostics, cm.exception.diagnostics)


class DefaultPolicyTest(unittest.TestCase):
    @unittest.skipUnless(mesura.has_default_policy(), "this libmesura has no built-in default policy yet")
    def test_default(self):
        p = Policy.default()
        self.assertTrue(p.is_default)
        self.assertIsNone(p.source)
        self.assertEqual(p.origin, "builtin:default")
        self.assertGreater(p.rule_count, 0)
        self.assertIsInstance(p.scan("hola, ¿qué tal? 😀"), Result)
        q = pickle.loads(pickle.dumps(p))
        self.assertTrue(q.is_default)
        self.assertLess(len(pickle.dumps(p)), 200)

    @unittest.skipIf(mesura.has_default_policy(), "this libmesura has a default policy")
    def test_default_missing(self):
        with self.assertRaises(PolicyError) as cm:
            Policy.default()
        self.assertIn("builtin:default", str(cm.exception))
        self.assertIn("from_file", str(cm.exception))


class ScanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Policy.from_string(POLICY, hash_key=KEY)

    def test_verdicts(self):
        cases = {
            "Hola equipo, ¡qué buen día! 🎉": "allow",
            "xyzzy": "log",
            "Mi tarjeta 4111 1111 1111 1111": "redact",
            "Qué m1erda de servicio": "review",
            "Project Falcon launches Friday": "block",
            "Scunthorpe is lovely": "allow",
        }
        for text, verdict in cases.items():
            with self.subTest(text=text):
                self.assertEqual(self.p.scan(text).verdict, verdict)

    def test_finding_fields(self):
        text = "Mi tarjeta 4111 1111 1111 1111 😡"
        r = self.p.scan(text)
        self.assertEqual(len(r.findings), 1)
        f = r.findings[0]
        self.assertEqual((f.rule, f.category, f.severity, f.action, f.condition),
                         ("card-number", "pii.payment_card", "high", "redact", "regex"))
        self.assertEqual((f.start, f.end, f.text), (11, 30, "4111 1111 1111 1111"))
        self.assertEqual((f.byte_start, f.byte_end), (11, 30))
        self.assertEqual(f.matched, "4111 1111 1111 1111")
        self.assertAlmostEqual(f.confidence, 0.9)  # 0.8 plus the context word "tarjeta"
        self.assertIs(r.decisive, f)
        self.assertIsNone(r.redacted)
        self.assertFalse(r.limit_reached)
        self.assertEqual(r.near_misses, ())

    def test_post_too_large_has_no_redacted_copy(self):
        # Over the scan's 1 MiB limit: not scanned, reviewed, and never "redacted".
        big = "a clean post " * 90_000
        r = self.p.scan(big)
        self.assertEqual(r.verdict, "review")
        self.assertTrue(r.limit_reached)
        for call in (lambda: self.p.scan(big, redact=True, hash_key=KEY),
                     lambda: self.p.redact(big, hash_key=KEY)):
            with self.assertRaises(mesura.Error) as e:
                call()
            self.assertEqual(e.exception.status, mesura.ELIMIT)

    def test_obfuscations(self):
        for text, matched in [("Qué m1erda", "mierda"), ("Eres un g.i.l.i.p.o.l.l.a.s", "gilipollas"),
                              ("f u c k this", "fuck"), ("Ѕhіt happens", "shit"),
                              ("ＳＨＩＴ", "shit"), ("𝐬𝐡𝐢𝐭", "shit"), ("f\u200bu\u200bc\u200bk", "fuck")]:
            with self.subTest(text=text):
                r = self.p.scan(text)
                self.assertEqual(r.verdict, "review", r)
                self.assertIn(r.findings[0].matched.replace(" ", ""), (matched, "gilipolas"))
                self.assertEqual(text[r.findings[0].start:r.findings[0].end], r.findings[0].text)
        self.assertEqual(self.p.scan("Qué m*erda").findings[0].condition, "masked")
        self.assertEqual(self.p.scan("a classic assassin").verdict, "allow")

    def test_explain(self):
        r = self.p.scan("a classic move", explain=True)
        self.assertEqual(r.verdict, "allow")
        self.assertEqual([(m.rule, m.reason) for m in r.near_misses],
                         [("profanity-en", "not_whole_word")])
        m = r.near_misses[0]
        self.assertEqual("a classic move"[m.start:m.end], "ass")
        self.assertEqual(self.p.scan("a classic move").near_misses, ())

    def test_offsets_are_str_indices(self):
        prefixes = ["", "é ", "e\u0301 ", "😡 ", "👩\u200d💻👨🏽\u200d🍳 ", "𝐛𝐨𝐥𝐝 ", "🇪🇸 ", "日本語 ",
                    "مرحبا ", "\u200b", "ñ" * 50 + " ", "🎉" * 30 + " "]
        for prefix in prefixes:
            for target, rule in [("mierda", "insults-es"), ("4111 1111 1111 1111", "card-number"),
                                 ("ana.garcia@example.com", "email"), ("𝐬𝐡𝐢𝐭", "profanity-en")]:
                text = prefix + target + " 🎉 fin"
                with self.subTest(text=text):
                    r = self.p.scan(text)
                    f = [f for f in r.findings if f.rule == rule][0]
                    self.assertEqual(f.start, len(prefix))
                    self.assertEqual(f.end, len(prefix) + len(target))
                    self.assertEqual(f.text, target)
                    self.assertEqual(text[f.start:f.end], target)
                    b = text.encode()
                    self.assertEqual(f.byte_start, len(prefix.encode()))
                    self.assertEqual(b[f.byte_start:f.byte_end].decode(), target)

    def test_offsets_on_random_posts(self):
        for text in support.random_posts(3000):
            r = self.p.scan(text)
            rb = self.p.scan(text.encode())
            self.assertEqual(len(r.findings), len(rb.findings), text)
            self.assertEqual(r.verdict, rb.verdict)
            for f, g in zip(r.findings, rb.findings):
                self.assertEqual(text[f.start:f.end], f.text, text)
                self.assertEqual((f.start, f.end), (expected_cp(text, f.byte_start),
                                                    expected_cp(text, f.byte_end)))
                self.assertEqual((f.byte_start, f.byte_end), (g.start, g.end))
                self.assertEqual((g.byte_start, g.byte_end), (g.start, g.end))
                self.assertEqual(g.text, f.text.encode())
                self.assertEqual((f.rule, f.matched, f.confidence), (g.rule, g.matched, g.confidence))

    def test_bytes_input(self):
        text = "😡 mierda".encode()
        r = self.p.scan(text)
        f = r.findings[0]
        self.assertEqual((f.start, f.end, f.text), (5, 11, b"mierda"))
        self.assertEqual(self.p.scan(bytearray(text)), r)
        self.assertEqual(self.p.scan(memoryview(text)), r)
        # ill-formed UTF-8 is repaired for matching; offsets stay in the input
        bad = b"\xff\xfe caf\xe9 mierda \xed\xa0\x80"
        f = self.p.scan(bad).findings[0]
        self.assertEqual(bad[f.start:f.end], b"mierda")
        self.assertEqual(f.text, b"mierda")

    def test_nul_and_empty(self):
        self.assertEqual(self.p.scan("").verdict, "allow")
        self.assertEqual(self.p.scan(b"").verdict, "allow")
        r = self.p.scan("a\0 mi\0erda \0b")  # a NUL is a control: removed, as invisibles
        self.assertEqual(r.findings[0].text, "mi\0erda")

    def test_bad_input(self):
        with self.assertRaises(TypeError):
            self.p.scan(42)
        with self.assertRaises(TypeError):
            self.p.scan(None)
        with self.assertRaises(UnicodeEncodeError):
            self.p.scan("lone \ud800 surrogate")
        with self.assertRaises(TypeError):
            self.p.scan("x", nonsense=True)
        with self.assertRaises(TypeError):
            self.p.scan()
        with self.assertRaises(TypeError):
            self.p.scan("a", "b")


class RedactTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Policy.from_string(POLICY, hash_key=KEY)
        cls.plain = Policy.from_string(POLICY_NO_HASH)

    def test_operators(self):
        self.assertEqual(self.p.redact("Mi tarjeta 4111 1111 1111 1111 😡"),
                         "Mi tarjeta **** **** **** 1111 😡")
        self.assertEqual(self.p.redact("¡Qué m1erda! 👩\u200d💻"), "¡Qué m*****! 👩\u200d💻")
        self.assertEqual(self.p.redact("Project Falcon 🚀"), "[REDACTED] 🚀")
        self.assertEqual(self.p.redact("xyzzy"), "xyzzy")  # log: reported, not rewritten
        self.assertEqual(self.plain.redact("mail ana@example.com"), "mail [EMAIL]")
        text = "nada que ver 𝐛𝐨𝐥𝐝 🇪🇸"
        self.assertEqual(self.p.redact(text), text)

    def test_hash_key(self):
        token = self.p.redact("ana.garcia@example.com")
        self.assertRegex(token, r"^\[EMAIL:[0-9a-f]{6}\]$")
        self.assertEqual(self.p.redact("mail ana.garcia@example.com"), "mail " + token)
        other = self.p.redact("ana.garcia@example.com", hash_key=bytes(16))
        self.assertNotEqual(other, token)
        self.assertEqual(Policy.from_string(POLICY, hash_key=KEY).redact("ana.garcia@example.com"),
                         token)
        nokey = Policy.from_string(POLICY)
        with self.assertRaisesRegex(ValueError, "hash_key"):
            nokey.redact("ana.garcia@example.com")
        self.assertEqual(nokey.redact("ana.garcia@example.com", hash_key=KEY), token)
        self.assertEqual(nokey.redact("no email here"), "no email here")

    def test_scan_with_redact(self):
        text = "😡 Mi tarjeta 4111 1111 1111 1111, mail ana.garcia@example.com, m1erda"
        r = self.p.scan(text, redact=True)
        self.assertEqual(r.redacted, self.p.redact(text))
        self.assertEqual(self.p.scan(text),
                         Result(r.verdict, r.findings, r.decisive, None, r.limit_reached, ()))
        self.assertEqual(self.p.scan(text.encode(), redact=True).redacted, r.redacted.encode())
        self.assertEqual(self.p.redact(text.encode()), r.redacted.encode())
        # redacting the redacted post finds nothing more
        self.assertEqual(self.p.scan(r.redacted).findings, ())


class ScanManyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Policy.from_string(POLICY, hash_key=KEY)
        cls.posts = support.random_posts(2000, seed=7) + support.sample_posts()
        cls.expected = [cls.p.scan(t) for t in cls.posts]

    def test_matches_scan(self):
        for threads in (1, 2, 3, 8, 64):
            with self.subTest(threads=threads):
                self.assertEqual(self.p.scan_many(self.posts, threads=threads), self.expected)
        self.assertEqual(self.p.scan_many(self.posts), self.expected)

    def test_chunks_iterators_and_generators(self):
        self.assertEqual(self.p.scan_many(iter(self.posts), threads=2, chunk_size=7),
                         self.expected)
        self.assertEqual(list(self.p.scan_iter(self.posts, threads=2, chunk_size=100)),
                         self.expected)
        self.assertEqual(self.p.scan_many(tuple(self.posts[:50]), threads=4), self.expected[:50])
        gen = self.p.scan_iter(t for t in self.posts)
        self.assertEqual(next(gen), self.expected[0])

    def test_mixed_str_and_bytes(self):
        posts = [t if i % 2 else t.encode() for i, t in enumerate(self.posts[:500])]
        got = self.p.scan_many(posts, threads=3)
        for post, r, e in zip(posts, got, self.expected):
            self.assertEqual(r, self.p.scan(post))
            self.assertEqual([f.byte_start for f in r.findings], [f.byte_start for f in e.findings])

    def test_options(self):
        got = self.p.scan_many(self.posts[:300], threads=2, redact=True, explain=True)
        self.assertEqual(got, [self.p.scan(t, redact=True, explain=True) for t in self.posts[:300]])
        nokey = Policy.from_string(POLICY)
        got = nokey.scan_many(["ana@example.com"], redact=True, hash_key=KEY)
        self.assertEqual(got[0].redacted, self.p.redact("ana@example.com"))
        with self.assertRaisesRegex(ValueError, "hash_key"):
            nokey.scan_many(["hola"] * 100 + ["ana@example.com"], redact=True)

    def test_edges(self):
        self.assertEqual(self.p.scan_many([]), [])
        self.assertEqual(self.p.scan_many(["mierda"], threads=16), [self.p.scan("mierda")])
        with self.assertRaises(ValueError):
            self.p.scan_many(["x"], threads=0)
        with self.assertRaises(TypeError):
            self.p.scan_many(["x", 3, "y"])
        with self.assertRaises(UnicodeEncodeError):
            self.p.scan_many(["x", "\udc80"])
        with self.assertRaises(ValueError):
            self.p.scan_many(["x"], chunk_size=0)
        # one post is not many: a str would be screened a character at a time
        for one in ("mierda", b"mierda", bytearray(b"mierda")):
            with self.assertRaisesRegex(TypeError, "iterable of posts"):
                self.p.scan_many(one)
            with self.assertRaisesRegex(TypeError, "iterable of posts"):
                self.p.scan_iter(one)

    def test_order_with_uneven_posts(self):
        # long and short posts mixed: threads finish out of order, results must not
        posts = [("mierda " * 2000 if i % 97 == 0 else "hola %d" % i) for i in range(3000)]
        got = self.p.scan_many(posts, threads=4)
        self.assertEqual([len(r.findings) for r in got],
                         [2000 if i % 97 == 0 else 0 for i in range(3000)])


class Manners(unittest.TestCase):
    """Verdicts, actions and severities are str enums ordered by strength; what dir()
    and repr() show."""

    def test_verdicts_are_ordered_strings(self):
        V, S = mesura.Verdict, mesura.Severity
        self.assertEqual(list(V), ["allow", "log", "redact", "review", "block"])
        self.assertEqual(max([V.LOG, V.BLOCK, V.REVIEW]), V.BLOCK)
        self.assertEqual(max(["review", V.REDACT], key=V), "review")
        self.assertTrue(V.REDACT < "review" < V.BLOCK and "block" > V.REVIEW)
        self.assertFalse(V.LOG > V.REDACT)  # alphabetically "log" > "redact"
        self.assertEqual(sorted(S, reverse=True), ["critical", "high", "medium", "low"])
        self.assertEqual({"block": 1}[V.BLOCK], 1)
        self.assertEqual(f"{V.BLOCK} {S.HIGH}", "block high")
        self.assertIs(mesura.Action, V)
        with self.assertRaises(TypeError):
            V.BLOCK < 3
        with self.assertRaises(TypeError):
            V.BLOCK < "bloc"  # no such verdict: not comparable

    def test_results_carry_the_enums(self):
        p = Policy.default()
        rs = p.scan_many(["mi tarjeta 4111 1111 1111 1111", "hola", "joder",
                          "password: Verano2024!x"])
        self.assertEqual([r.verdict for r in rs], ["redact", "allow", "review", "block"])
        self.assertTrue(all(type(r.verdict) is mesura.Verdict for r in rs))
        self.assertEqual(max(r.verdict for r in rs), mesura.Verdict.BLOCK)
        f = rs[0].findings[0]
        self.assertIs(type(f.action), mesura.Verdict)
        self.assertIs(type(f.severity), mesura.Severity)
        self.assertEqual(json.loads(json.dumps(rs[3].to_dict()))["verdict"], "block")
        self.assertEqual(pickle.loads(pickle.dumps(rs[0])), rs[0])

    def test_confidences_as_written(self):
        # 0.5 + 0.3 + 0.1 is 0.8999999999999999 in binary; results show 0.9
        r = Policy.default().scan("call me 612 345 678")
        self.assertIn(0.9, [f.confidence for f in r.findings])
        for f in r.findings:
            self.assertEqual(f.confidence, round(f.confidence, 6))

    def test_dir_lists_the_api(self):
        names = dir(mesura)
        for name in ("Policy", "Verdict", "Severity", "normalize", "ELIMIT", "__version__"):
            self.assertIn(name, names)
        for leaked in ("os", "enum", "itertools", "threading", "OrderedDict", "Iterable"):
            self.assertNotIn(leaked, names)


class TextToolsTest(unittest.TestCase):
    def test_normalize(self):
        self.assertEqual(mesura.normalize("M1ÉRDA"), "mierda")
        self.assertEqual(mesura.normalize("Ｆｕｌｌ ﬁ", "nfkc"), "Full fi")
        self.assertEqual(mesura.normalize("f u c k", Norm.DEOBFUSCATE), "fuck")
        self.assertEqual(mesura.normalize("Ñandú", "casefold", "strip_marks"), "ñandu")
        self.assertEqual(mesura.normalize("Ñandú", ["casefold", "strip_marks"], keep_letters=""),
                         "nandu")
        self.assertEqual(mesura.normalize("Straße", Norm.CASEFOLD), "strasse")
        self.assertEqual(mesura.normalize("e\u0301", "nfc"), "é")
        self.assertEqual(mesura.normalize("é", Norm.NFD), "e\u0301")
        self.assertEqual(mesura.normalize("Ѕhіt", "confusables"), "Shit")
        self.assertEqual(mesura.normalize("a\u200bb", "invisibles"), "ab")
        self.assertEqual(mesura.normalize("\u0661\u0662 \u0967", "digits"), "12 1")
        self.assertEqual(mesura.normalize("&#102;%75ck 100%", "markup"), "fuck 100%")
        self.assertEqual(mesura.normalize("a\x00b\u202edc", "invisibles"), "abcd")
        self.assertEqual(mesura.normalize("same", "none"), "same")
        self.assertEqual(mesura.normalize(b"caf\xe9", Norm.NONE), "caf\ufffd".encode())
        self.assertEqual(mesura.normalize("M1ERDA".encode()), b"mierda")
        self.assertEqual(mesura.normalize("x", int(Norm.NFC | Norm.CASEFOLD)), "x")

    def test_normalize_map(self):
        text = "😡Ｆ𝐛é"
        out, spans = mesura.normalize(text, "nfkc", with_map=True)
        self.assertEqual(out, "😡Fbé")
        self.assertEqual(spans, [(0, 1), (1, 2), (2, 3), (3, 4)])
        out, spans = mesura.normalize("e\u0301x", "nfc", with_map=True)
        self.assertEqual((out, spans), ("éx", [(0, 2), (2, 3)]))
        out, spans = mesura.normalize("Ｆ".encode(), "nfkc", with_map=True)
        self.assertEqual((out, spans), (b"F", [(0, 3)]))

    def test_normalize_errors(self):
        with self.assertRaises(ValueError):
            mesura.normalize("x", "nfc", "nfd")
        with self.assertRaisesRegex(ValueError, "unknown normalisation flag 'nfx'"):
            mesura.normalize("x", "nfx")
        with self.assertRaises(ValueError):
            mesura.normalize("x", "strip_marks", keep_letters="ab")
        with self.assertRaises(TypeError):
            mesura.normalize(1)

    def test_tokenize(self):
        text = "Hola @ana! #NoMásAbusos 👩\u200d💻 https://acme.es/x $AAPL 3,5 ana@x.es"
        toks = mesura.tokenize(text)
        base = [t for t in toks if "overlay" not in t.flags]
        self.assertEqual("".join(t.text for t in base), text)  # they tile the text
        self.assertEqual([(t.type, t.text) for t in base if t.type != "space"], [
            ("word", "Hola"), ("mention", "@ana"), ("punct", "!"), ("hashtag", "#NoMásAbusos"),
            ("emoji", "👩\u200d💻"), ("url", "https://acme.es/x"), ("cashtag", "$AAPL"),
            ("number", "3,5"), ("email", "ana@x.es")])
        parts = [t.text for t in toks if "part" in t.flags]
        self.assertEqual(parts, ["No", "Más", "Abusos"])
        for t in toks:
            self.assertEqual(text[t.start:t.end], t.text)
            self.assertEqual(text.encode()[t.byte_start:t.byte_end], t.text.encode())
        url = [t for t in toks if t.type == "url"][0]
        self.assertIn("scheme", url.flags)
        plain = mesura.tokenize(text, "none")
        self.assertFalse(any(t.type in ("hashtag", "url") for t in plain))
        self.assertEqual(mesura.tokenize(text, TokenizeFlag.SOCIAL),
                         [t for t in toks if "overlay" not in t.flags])
        btoks = mesura.tokenize(text.encode())
        self.assertEqual([t.text.decode() for t in btoks], [t.text for t in toks])
        self.assertEqual(mesura.tokenize(""), [])
        with self.assertRaises(ValueError):
            mesura.tokenize("x", 1 << 20)


class RecordTest(unittest.TestCase):
    def setUp(self):
        self.p = Policy.from_string(POLICY, hash_key=KEY)
        self.r = self.p.scan("😡 mierda y 4111 1111 1111 1111", redact=True, explain=True)

    def test_value_semantics(self):
        r2 = self.p.scan("😡 mierda y 4111 1111 1111 1111", redact=True, explain=True)
        self.assertEqual(self.r, r2)
        self.assertIsNot(self.r, r2)
        self.assertEqual(hash(self.r.findings[0]), hash(r2.findings[0]))
        self.assertNotEqual(self.r, self.p.scan("mierda"))
        self.assertNotEqual(self.r, "something else")
        self.assertEqual(len({self.r.findings[0], r2.findings[0]}), 1)

    def test_immutable(self):
        with self.assertRaises(AttributeError):
            self.r.verdict = "allow"
        with self.assertRaises(AttributeError):
            self.r.findings[0].start = 0
        with self.assertRaises(AttributeError):
            self.r.extra = 1

    def test_pickle_copy_repr(self):
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            self.assertEqual(pickle.loads(pickle.dumps(self.r, proto)), self.r)
        self.assertEqual(copy.deepcopy(self.r), self.r)
        self.assertTrue(repr(self.r).startswith("Result(verdict='review', findings=(Finding(rule='insults-es'"))
        self.assertEqual(eval(repr(self.r.findings[0]), {"Finding": Finding}), self.r.findings[0])

    def test_to_dict_and_match(self):
        d = self.r.to_dict()
        self.assertEqual(d["verdict"], "review")
        self.assertEqual(d["findings"][0]["rule"], "insults-es")
        self.assertEqual(d["findings"][0]["start"], 2)
        json.dumps(d)
        match self.r:
            case Result(verdict="review", findings=(Finding(rule=rule), *_)):
                self.assertEqual(rule, "insults-es")
            case _:
                self.fail("no match")
        self.assertEqual(Result._fields[:2], ("verdict", "findings"))

    def test_constructor(self):
        f = self.r.findings[0]
        self.assertEqual(Finding(*[getattr(f, n) for n in Finding._fields]), f)
        self.assertEqual(Finding(**{n: getattr(f, n) for n in Finding._fields}), f)
        with self.assertRaises(TypeError):
            Finding("x")
        with self.assertRaises(TypeError):
            Finding(*[getattr(f, n) for n in Finding._fields], bogus=1)


def _scan_in_process(policy, posts):
    return policy.scan_many(posts, threads=1)


class PickleTest(unittest.TestCase):
    def test_policy_round_trip(self):
        p = Policy.from_string(POLICY, "mine.yaml", hash_key=KEY, allow_files=False)
        data = pickle.dumps(p)
        self.assertLess(len(data), len(POLICY) + 300)
        mesura._restored.clear()
        q = pickle.loads(data)
        self.assertIsNot(q, p)
        self.assertIs(pickle.loads(data), q)  # compiled once per process
        self.assertEqual((q.name, q.origin, q.source, q.has_hash_key),
                         (p.name, p.origin, p.source, True))
        for text in support.random_posts(300, seed=3):
            self.assertEqual(q.scan(text, redact=True), p.scan(text, redact=True))
        self.assertIs(copy.copy(p), p)
        self.assertIs(copy.deepcopy(p), p)

    def test_file_policy(self):
        p = Policy.from_file(support.EXAMPLE_POLICY)
        q = pickle.loads(pickle.dumps(p))
        self.assertEqual(q.origin, p.origin)
        self.assertEqual(q.scan("Qué m1erda"), p.scan("Qué m1erda"))

    def test_multiprocessing(self):
        p = Policy.from_string(POLICY, hash_key=KEY)
        posts = support.random_posts(1000, seed=11)
        expected = p.scan_many(posts, redact=False)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2) as pool:
            parts = pool.starmap(_scan_in_process, [(p, posts[:500]), (p, posts[500:])])
        self.assertEqual(parts[0] + parts[1], expected)

    def test_multiprocessing_example(self):
        p = Policy.from_file(support.EXAMPLE_POLICY)
        posts = support.sample_posts() * 20
        got = list(multiprocessing_screen.screen(p, posts, processes=2, chunk_size=50))
        self.assertEqual(got, p.scan_many(posts))


class ThreadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Policy.from_string(POLICY, hash_key=KEY)
        cls.posts = support.random_posts(1500, seed=5)
        cls.expected = [cls.p.scan(t, redact=True) for t in cls.posts]

    def run_threads(self, target, n=8):
        errors = []

        def wrapped(i):
            try:
                target(i)
            except BaseException as e:  # noqa: BLE001  reported below
                errors.append(e)
        threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    def test_concurrent_scans(self):
        def work(i):
            order = range(len(self.posts)) if i % 2 else range(len(self.posts) - 1, -1, -1)
            for k in order:
                self.assertEqual(self.p.scan(self.posts[k], redact=True), self.expected[k])
        self.run_threads(work)

    def test_concurrent_scan_many_and_redact(self):
        def work(i):
            if i % 3 == 0:
                self.assertEqual(self.p.scan_many(self.posts, threads=2, redact=True), self.expected)
            elif i % 3 == 1:
                for k in range(0, len(self.posts), 7):
                    self.assertEqual(self.p.redact(self.posts[k]), self.expected[k].redacted)
            else:
                for _ in range(20):  # policies made and dropped while others scan
                    q = Policy.from_string(POLICY)
                    q.scan("mierda")
                    del q
        self.run_threads(work, n=6)

    def test_gil_released_during_scan(self):
        # While one thread is inside scan(), another runs Python code: a counter that
        # only the main thread advances moves between the scanning thread's reads just
        # before and just after the call. The switch interval is made huge, so the
        # interpreter never takes the GIL from the scanning thread between those reads
        # (the main thread gives it up at each sleep(0)); with the GIL held inside the
        # call, the reads would always be equal (checked with sum(range(...)), which
        # holds it). No clock is read. Retried, since a busy machine may keep the main
        # thread off the CPU for a whole scan; holding the GIL fails every attempt.
        post = ("Mi tarjeta 4111 1111 1111 1111, qué m1erda 😡 #año2024 f u c k " * 2000)
        counter = [0]
        moved = []
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1000)
        try:
            for attempt in range(20):
                done = threading.Event()

                def scanner():
                    before = counter[0]
                    self.p.scan(post)
                    moved.append(counter[0] - before)
                    done.set()
                t = threading.Thread(target=scanner)
                t.start()
                while not done.is_set():
                    counter[0] += 1
                    time.sleep(0)  # lets the scanning thread take the GIL back
                t.join()
                if moved[-1] > 0:
                    return
        finally:
            sys.setswitchinterval(interval)
        self.fail(f"the main thread never ran during a scan: {moved}")


if __name__ == "__main__":
    unittest.main()
