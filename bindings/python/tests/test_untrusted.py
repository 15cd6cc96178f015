"""Policies from someone else: bounded reading, quiet diagnostics, no file access that a
pickle can switch on, the compiled-size limit, and formatted error messages.

Run by ctest ("python", with test_mesura) under /usr/bin/python3.
"""

import io
import os
import pathlib
import pickle
import tempfile
import unittest

import mesura
from mesura import Policy, PolicyError

RULE = "rules:\n  - id: r\n    category: custom.r\n    match: { terms: [x] }\n"
USES_WORDS = ("rules:\n  - id: r\n    category: custom.r\n"
              "    match: { terms: \"@w\" }\n")
SECRET = "hunter2-SECRET"


class ScratchDir(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()


class BoundedReadingTest(ScratchDir):
    def test_not_regular_files_fail_at_once(self):
        fifo = self.dir / "fifo"
        os.mkfifo(fifo)  # nobody writes: a plain open() would block for ever
        for path in (fifo, "/dev/zero", "/dev/urandom", self.dir):
            with self.subTest(path=str(path)):
                with self.assertRaises(OSError) as cm:
                    Policy.from_file(path)
                self.assertIn("not a regular file", str(cm.exception))
                self.assertIn(str(path), str(cm.exception))
                # named by a policy: a diagnostic at the name
                with self.assertRaises(PolicyError) as cm:
                    Policy.from_string(f"mesura: 1\nlexicons:\n  w: {{ file: {path} }}\n"
                                       + USES_WORDS, str(self.dir / "top.yaml"))
                self.assertIn("not a regular file", str(cm.exception))
                self.assertEqual(cm.exception.line, 3)

    def test_size_limit(self):
        head = f"mesura: 1\n{RULE}#"
        exact = self.dir / "exact.yaml"
        exact.write_text(head + "x" * (1000 - len(head) - 1) + "\n")
        self.assertEqual(exact.stat().st_size, 1000)
        self.assertEqual(Policy.from_file(exact, max_source_bytes=1000).rule_count, 1)
        over = self.dir / "over.yaml"
        over.write_text(head + "x" * (1001 - len(head) - 1) + "\n")
        with self.assertRaises(PolicyError) as cm:
            Policy.from_file(over, max_source_bytes=1000)
        self.assertEqual(cm.exception.status, mesura.ELIMIT)
        self.assertIn("larger than the limit of 1000 bytes", str(cm.exception))
        # a 4 GiB file (sparse) is refused as fast, having read 1001 bytes of it
        huge = self.dir / "huge.yaml"
        with open(huge, "wb") as f:
            f.truncate(4 << 30)
        with self.assertRaises(PolicyError) as cm:
            Policy.from_file(huge, max_source_bytes=1000)
        self.assertEqual(cm.exception.status, mesura.ELIMIT)
        with self.assertRaises(FileNotFoundError):
            Policy.from_file(self.dir / "nowhere.yaml")


class QuietDiagnosticsTest(ScratchDir):
    def test_lexicon_terms_are_cited_by_place(self):
        (self.dir / "secrets.txt").write_text(f"{SECRET}\nx {SECRET} y\n")
        p = Policy.from_string("mesura: 1\nlexicons:\n  w: { file: secrets.txt }\n"
                               "  a: { file: secrets.txt }\n" + USES_WORDS
                               + "allow: [\"@a\"]\n", str(self.dir / "top.yaml"))
        self.assertEqual(len(p.warnings), 3)
        for w in p.warnings:
            self.assertNotIn("hunter2", str(w))
        self.assertIn("secrets.txt:1:1 (lexicon \"w\")", p.warnings[0].message)
        self.assertIn("secrets.txt:2:1 (lexicon \"w\")", p.warnings[1].message)

    def test_an_include_that_is_no_policy_is_not_shown(self):
        (self.dir / "config.yaml").write_text(f"password: {SECRET}\n{SECRET}: 1\n")
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string("mesura: 1\ninclude: [config.yaml]\n",
                               str(self.dir / "top.yaml"))
        self.assertNotIn("hunter2", str(cm.exception))
        self.assertIn("not a mesura policy", str(cm.exception))


def _craft(state):
    """A pickle that calls mesura's restore function on any state it likes."""
    class Crafted:
        def __reduce__(self):
            return (mesura._restore_policy, (state,))
    return pickle.dumps(Crafted())


class OnlyMesura(pickle.Unpickler):
    """An unpickler that runs nothing but mesura's restore function."""

    def find_class(self, module, name):
        if (module, name) == ("mesura", "_restore_policy"):
            return mesura._restore_policy
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


class PickledFileAccessTest(ScratchDir):
    def setUp(self):
        super().setUp()
        mesura._restored.clear()
        (self.dir / "words.txt").write_text("zoquete\n")
        self.src = "mesura: 1\nlexicons:\n  w: { file: words.txt }\n" + USES_WORDS
        self.name = str(self.dir / "top.yaml")

    def tearDown(self):
        mesura.allow_files_when_unpickling(False)
        mesura._restored.clear()
        super().tearDown()

    def test_a_pickle_cannot_switch_file_access_on(self):
        p = Policy.from_string(self.src, self.name)  # allow_files=True
        data = pickle.dumps(p)
        with self.assertRaises(PolicyError) as cm:
            pickle.loads(data)
        self.assertIn("may not read files", str(cm.exception))
        # a crafted state that asks for files (flags 0) gets none either, through a
        # restricted unpickler too
        state = (0, self.src.encode(), self.name, 0, 0, 0, 0, None)
        for loads in (pickle.loads, lambda b: OnlyMesura(io.BytesIO(b)).load()):
            with self.assertRaises(PolicyError):
                loads(_craft(state))
            with self.assertRaises(PolicyError):  # the state of an older mesura
                loads(_craft(state[:6] + (None,)))
        with self.assertRaises(pickle.UnpicklingError):
            OnlyMesura(io.BytesIO(pickle.dumps(os.getcwd))).load()
        with self.assertRaises(ValueError):
            pickle.loads(_craft(("not", "a", "state")))

    def test_the_unpickling_process_may_allow_files(self):
        p = Policy.from_string(self.src, self.name)
        data = pickle.dumps(p)
        mesura.allow_files_when_unpickling()
        q = pickle.loads(data)
        self.assertEqual(q.scan("eres un zoquete").findings[0].rule, "r")
        # but not for a policy compiled without file access
        with self.assertRaises(PolicyError):
            Policy.from_string(self.src, self.name, allow_files=False)
        no_files = Policy.from_string(f"mesura: 1\n{RULE}", self.name, allow_files=False)
        state = no_files._state()
        self.assertTrue(state[3] & mesura._mesura.COMPILE_NO_FILES)
        crafted = (state[0], self.src.encode()) + state[2:]
        with self.assertRaises(PolicyError) as cm:
            pickle.loads(_craft(crafted))
        self.assertIn("may not read files", str(cm.exception))

    def test_policies_without_files_unpickle_as_before(self):
        p = Policy.from_string(f"mesura: 1\ninclude: [builtin:pii]\n{RULE}", self.name,
                               max_compiled_bytes=64 << 20)
        q = OnlyMesura(io.BytesIO(pickle.dumps(p))).load()
        self.assertEqual(q.rule_count, p.rule_count)
        self.assertEqual(q._state()[6], 64 << 20)
        self.assertIs(pickle.loads(pickle.dumps(Policy.default())).is_default, True)


class CompiledSizeTest(ScratchDir):
    def test_max_compiled_bytes(self):
        src = ("mesura: 1\nrules:\n  - id: r\n    category: custom.r\n"
               "    match: { terms: [\"" + "\ufdfa" * 20000 + "\"] }\n")
        with self.assertRaises(PolicyError) as cm:
            Policy.from_string(src, max_compiled_bytes=4 << 20)
        self.assertEqual(cm.exception.status, mesura.ELIMIT)
        self.assertIn("max_compiled_bytes", str(cm.exception))
        self.assertEqual(Policy.from_string(src).rule_count, 1)  # the default: 1 GiB
        path = self.dir / "p.yaml"
        path.write_text(src)
        with self.assertRaises(PolicyError):
            Policy.from_file(path, max_compiled_bytes=4 << 20)
        with self.assertRaises(ValueError):
            Policy.from_string(src, max_compiled_bytes=-1)


class ErrorMessagesTest(unittest.TestCase):
    def test_flags_are_formatted_in_hex(self):
        with self.assertRaises(ValueError) as cm:
            mesura.normalize("x", 1 << 40)
        self.assertIn("flags 0x10000000000 (", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            mesura.normalize("x", "nfc", "nfkc")
        self.assertIn("flags 0x", str(cm.exception))
        self.assertNotIn("%", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            mesura.tokenize("x", 1 << 33)
        self.assertEqual(str(cm.exception), "unknown tokenizer flags 0x200000000")
        with self.assertRaises(ValueError) as cm:
            mesura._mesura.tokenize("x", 1 << 31)
        self.assertEqual(str(cm.exception), "unknown tokenizer flags 0x80000000")

    def test_no_message_holds_a_format(self):
        calls = [
            lambda: Policy.from_string("mesura: 1\n" + RULE, max_source_bytes=-1),
            lambda: Policy._compile(9, b"", None, 0, 0, 0, 0, None),
            lambda: Policy.from_string("mesura: 1\n" + RULE, hash_key=b"short"),
            lambda: Policy.default().scan("a", "b"),
            lambda: Policy.default().scan_many(["a"], threads=0),
            lambda: mesura.Finding(*range(20)),
        ]
        for call in calls:
            with self.assertRaises((TypeError, ValueError)) as cm:
                call()
            self.assertNotRegex(str(cm.exception), r"%[a-zA-Z]")


if __name__ == "__main__":
    unittest.main()
