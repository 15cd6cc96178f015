"""mesura: screen employees' social-media posts against a company policy.

A thin Python layer over libmesura (C11), built with the CPython C API:

    >>> import mesura
    >>> policy = mesura.Policy.from_file("examples/policies/acme.yaml")
    >>> result = policy.scan("Mi tarjeta 4111 1111 1111 1111 no funciona 😡")
    >>> result.verdict
    'redact'
    >>> f = result.findings[0]
    >>> f.rule, f.start, f.end, f.text
    ('card-number', 11, 31, '4111 1111 1111 1111 ')
    >>> policy.redact("Mi tarjeta 4111 1111 1111 1111 no funciona 😡")
    'Mi tarjeta **** **** **** 1111 no funciona 😡'
    >>> results = policy.scan_many(posts, threads=8)        # C threads, GIL released

Offsets: for str input, `start`/`end` are str indices (code points, as Python
counts them); for bytes input (UTF-8) they are byte offsets. `byte_start`/`byte_end`
are always bytes of the UTF-8 text.

Threads: a Policy is immutable and safe to share between any number of Python
threads; each call scans with its own C scanner (from a small pool) and releases the
GIL while scanning. Processes: a Policy pickles to its source (or to a marker of the
built-in default) and is compiled again on unpickling, so it goes through
multiprocessing, Dask, Spark and Ray as an ordinary argument.

See docs/python.md for the whole API and the Dask, multiprocessing and PySpark
examples.
"""

from __future__ import annotations

import enum
import errno
import itertools
import os
import stat
import threading
from collections import OrderedDict
from typing import Iterable, Iterator, List, Optional, Tuple, Union

from . import _mesura
from ._mesura import (
    Diagnostic,
    Error,
    Finding,
    NearMiss,
    PolicyError,
    Result,
    Token,
    has_default_policy,
    strerror,
    unicode_tables_version,
    unicode_version,
)

__version__ = _mesura.VERSION_STRING

__all__ = [
    "Policy", "Result", "Finding", "NearMiss", "Token", "Diagnostic",
    "Verdict", "Action", "Severity",
    "Error", "PolicyError", "Norm", "TokenizeFlag",
    "normalize", "tokenize", "has_default_policy", "library_version",
    "unicode_version", "unicode_tables_version", "strerror", "allow_files_when_unpickling",
]

class _Ranked(str, enum.Enum):
    """A str enum ordered by strength (its members' order), not alphabetically: it
    compares equal to its string and orders against members and their strings alike."""

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        # as the string it equals, so that a record's repr stays one eval() reads back
        return repr(self.value)

    def _rank(self, other) -> int:
        if not isinstance(other, type(self)):
            other = type(self)(other)  # a plain string: ValueError if it is none
        return type(self)._member_names_.index(other.name)

    def _compare(self, other, op):
        if not isinstance(other, str):
            return NotImplemented
        try:
            return op(self._rank(self), self._rank(other))
        except ValueError:
            # not str's alphabetical order by accident: a typo is an error
            raise TypeError(f"{other!r} is no {type(self).__name__}") from None

    def __lt__(self, other):
        return self._compare(other, int.__lt__)

    def __le__(self, other):
        return self._compare(other, int.__le__)

    def __gt__(self, other):
        return self._compare(other, int.__gt__)

    def __ge__(self, other):
        return self._compare(other, int.__ge__)

    __eq__ = str.__eq__
    __hash__ = str.__hash__


class Verdict(_Ranked):
    """A post's verdict, or what a rule asks for (Finding.action): the strongest action
    that fired decides, so max(verdicts) is the strongest. Each member is the string it
    stands for: Verdict.BLOCK == "block", and "block" > Verdict.REVIEW holds too."""
    ALLOW = "allow"
    LOG = "log"
    REDACT = "redact"
    REVIEW = "review"
    BLOCK = "block"


# What a rule asks for is a verdict: log, redact, review or block.
Action = Verdict


class Severity(_Ranked):
    """A rule's severity, ordered: Severity.LOW < Severity.CRITICAL; equal to its string."""
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


_mesura._set_name_types(tuple(Verdict), tuple(Severity))

# Status codes of the C library (negative ints; Error.status holds one).
OK = _mesura.OK
ENOMEM = _mesura.ENOMEM
EINVAL = _mesura.EINVAL
EVERSION = _mesura.EVERSION
EUTF8 = _mesura.EUTF8
ESYNTAX = _mesura.ESYNTAX
EBUFS = _mesura.EBUFS
EBUSY = _mesura.EBUSY
ELIMIT = _mesura.ELIMIT
EUSER = _mesura.EUSER
ECHARSET = _mesura.ECHARSET
EIO = _mesura.EIO

Text = Union[str, bytes]

_KIND_STRING, _KIND_FILE, _KIND_DEFAULT = 0, 1, 2
_DEFAULT_CHUNK = 32768
_DEFAULT_MAX_SOURCE_BYTES = 16 << 20


def library_version() -> str:
    """The version of the libmesura this module is running with, e.g. '1.0.0'."""
    return _mesura.version()


def _check_many(posts) -> None:
    # A str or bytes is one post: iterating it would screen each character alone.
    if isinstance(posts, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"posts must be an iterable of posts, not one {type(posts).__name__} "
                        f"(use scan() for one post, or scan_many([post]))")


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Policy(_mesura.Policy):
    """A company's social-media policy, compiled once and shared by every thread.

    Make one with Policy.from_file(path), Policy.from_string(yaml) or
    Policy.default() (the policy built into libmesura). The YAML format is in
    docs/policy.md. A policy that does not compile raises PolicyError with every
    problem's file, line, column and message.

    Screening:
      scan(text) -> Result            verdict and findings of one post
      redact(text) -> str             the post with its findings rewritten
      scan_many(posts, threads=N)     many posts on N C threads, results in order
      scan_iter(posts, threads=N)     the same, as an iterator (bounded memory)

    A Policy is immutable: share one between threads (each call uses its own C
    scanner and releases the GIL), and pass it to other processes (it pickles to its
    source and is compiled again there; a process compiles each pickled policy once).

    Attributes: name, rule_count, origin, source, warnings, has_hash_key, is_default.
    """

    __slots__ = ()

    # -------------------------------------------------------- construction

    @classmethod
    def from_string(cls, source: Union[str, bytes], name: Optional[str] = None, *,
                    hash_key: Optional[bytes] = None, allow_files: bool = True,
                    max_source_bytes: int = 0, max_depth: int = 0,
                    max_compiled_bytes: int = 0) -> "Policy":
        """Compiles a policy from its YAML text (str, or UTF-8 bytes).

        name: what diagnostics call the source (default '<policy>'); relative
        `include:` files and lexicon files are found next to it.
        hash_key: 16 secret bytes for rules that redact with `hash` (keyed SipHash).
        allow_files=False refuses `include:` of files and lexicon files (built-in
        modules stay allowed): for policies written by people who may not read the
        server's files.
        max_source_bytes, max_depth: the compiler's limits (0: 16 MiB, 64 levels);
        max_source_bytes applies to each included file and lexicon file too.
        max_compiled_bytes: the memory the compiler may allocate for the policy
        (0: 1 GiB); a policy that needs more raises PolicyError (status ELIMIT).

        Raises PolicyError when the policy does not compile.
        """
        if isinstance(source, str):
            source = source.encode("utf-8")
        elif not isinstance(source, bytes):
            source = bytes(source)
        return cls._compile(_KIND_STRING, source, name, _compile_flags(allow_files),
                            max_source_bytes, max_depth, max_compiled_bytes, hash_key)

    @classmethod
    def from_file(cls, path: Union[str, bytes, "os.PathLike[str]"], *,
                  hash_key: Optional[bytes] = None, allow_files: bool = True,
                  max_source_bytes: int = 0, max_depth: int = 0,
                  max_compiled_bytes: int = 0) -> "Policy":
        """Reads a policy file and compiles it (relative includes and lexicon files
        are found next to it). Only a regular file is read, and no more of it than
        max_source_bytes + 1 bytes. Raises OSError when the file cannot be read (a
        FIFO, a device or a directory: "not a regular file") and PolicyError when
        it does not compile (or is larger than max_source_bytes). Other arguments:
        see from_string().
        """
        path = os.fspath(path)
        if max_source_bytes < 0:
            raise ValueError("max_source_bytes must be >= 0")
        source = _read_regular_file(path, max_source_bytes or _DEFAULT_MAX_SOURCE_BYTES)
        return cls._compile(_KIND_FILE, source, path, _compile_flags(allow_files),
                            max_source_bytes, max_depth, max_compiled_bytes, hash_key)

    @classmethod
    def default(cls, *, hash_key: Optional[bytes] = None) -> "Policy":
        """The employee social-media policy built into libmesura (builtin:default).

        Raises PolicyError when this libmesura has none (see has_default_policy()).
        """
        return cls._compile(_KIND_DEFAULT, None, None, 0, 0, 0, 0, hash_key)

    # -------------------------------------------------------- screening

    def scan_iter(self, posts: Iterable[Text], threads: Optional[int] = None, *,
                  redact: bool = False, explain: bool = False,
                  hash_key: Optional[bytes] = None,
                  chunk_size: int = _DEFAULT_CHUNK) -> Iterator[Result]:
        """Screens many posts on `threads` C threads (default: the CPUs this process
        may use), yielding one Result per post in input order.

        Posts are taken chunk_size at a time, so an endless iterator works in
        bounded memory. Within a chunk the threads scan with the GIL released, each
        with its own scanner over this one policy, while the calling thread builds
        the Result objects. Options: see scan().
        """
        _check_many(posts)
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        n = _cpu_count() if threads is None else int(threads)
        if n < 1:
            raise ValueError(f"threads must be at least 1, not {threads!r}")
        return self._scan_chunks(iter(posts), n, redact, explain, hash_key, chunk_size)

    def _scan_chunks(self, it, n, redact, explain, hash_key, chunk_size) -> Iterator[Result]:
        while True:
            chunk = list(itertools.islice(it, chunk_size))
            if not chunk:
                return
            yield from self._scan_batch(chunk, n, redact, explain, hash_key)

    def scan_many(self, posts: Iterable[Text], threads: Optional[int] = None, *,
                  redact: bool = False, explain: bool = False,
                  hash_key: Optional[bytes] = None,
                  chunk_size: int = _DEFAULT_CHUNK) -> List[Result]:
        """Screens many posts on `threads` C threads and returns their Results as a
        list, in input order (scan_iter() as a list). Posts may mix str and bytes;
        each Result's offsets follow its own post's type.

            results = policy.scan_many(posts, threads=8)
            flagged = [p for p, r in zip(posts, results) if r.verdict != "allow"]
        """
        _check_many(posts)
        if isinstance(posts, (list, tuple)) and len(posts) <= chunk_size:
            n = _cpu_count() if threads is None else int(threads)
            if n < 1:
                raise ValueError(f"threads must be at least 1, not {threads!r}")
            return self._scan_batch(posts, n, redact, explain, hash_key)
        return list(self.scan_iter(posts, threads, redact=redact, explain=explain,
                                   hash_key=hash_key, chunk_size=chunk_size))

    # -------------------------------------------------------- the rest

    def __reduce__(self):
        # The source (or the marker of the default policy), the compile options and
        # the hash key: unpickling compiles the same policy again (without file
        # access, unless the unpickling process allows it: _restore_policy).
        return (_restore_policy, (self._state(),))

    def __copy__(self) -> "Policy":
        return self  # immutable

    def __deepcopy__(self, memo) -> "Policy":
        return self

    def __repr__(self) -> str:
        return (f"<mesura.Policy {self.name!r}: {self.rule_count} rules "
                f"from {self.origin}>")


def _compile_flags(allow_files: bool) -> int:
    return 0 if allow_files else _mesura.COMPILE_NO_FILES


def _read_regular_file(path, limit: int) -> bytes:
    """At most limit + 1 bytes of a regular file. Opening does not block (a FIFO
    without a writer) and a device or a directory is refused, as the C library
    does for includes and lexicon files."""
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a policy is read from "
                          "regular files only)", path)
        chunks, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(limit + 1 - got, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# Whether policies unpickled in this process may read files (their includes and
# lexicon files): off unless the process says so, whatever the pickle holds.
_unpickled_files_allowed = False


def allow_files_when_unpickling(allow: bool = True) -> None:
    """Lets policies unpickled from now on in this process read the files they name
    (`include:` of files, lexicon files), if they were compiled with allow_files.

    By default an unpickled policy is compiled again with allow_files=False: the
    state in a pickle cannot switch file access on, so a service that unpickles
    policies (with an Unpickler that allows only mesura's restore function) never
    reads its disk for them. A policy that names files then raises PolicyError on
    unpickling. Call this in the worker processes that should read them (e.g. in a
    multiprocessing Pool initializer, or with Dask's client.run).
    """
    global _unpickled_files_allowed
    _unpickled_files_allowed = bool(allow)


# Unpickled policies, by their state: a worker process that receives the same
# pickled policy with every task compiles it once. Policies are immutable, so
# handing out the same object is safe.
_restored: "OrderedDict[tuple, Policy]" = OrderedDict()
_restored_lock = threading.Lock()
_RESTORED_MAX = 8


def _restore_state(state: tuple) -> tuple:
    """The arguments of Policy._compile for a pickled state, file access off unless
    this process allows it. Pickles of older versions have no max_compiled_bytes."""
    if not isinstance(state, tuple) or len(state) not in (7, 8):
        raise ValueError("not the state of a pickled mesura.Policy")
    if len(state) == 7:
        state = state[:6] + (0,) + state[6:]
    kind, source, origin, flags, max_source, max_depth, max_compiled, key = state
    if not isinstance(flags, int) or flags < 0:
        raise ValueError("not the state of a pickled mesura.Policy")
    if not _unpickled_files_allowed:
        flags |= _mesura.COMPILE_NO_FILES
    return (kind, source, origin, flags, max_source, max_depth, max_compiled, key)


def _restore_policy(state: tuple) -> Policy:
    asked_files = isinstance(state, tuple) and len(state) > 3 and isinstance(state[3], int) \
        and not state[3] & _mesura.COMPILE_NO_FILES
    state = _restore_state(state)
    with _restored_lock:
        policy = _restored.get(state)
        if policy is not None:
            _restored.move_to_end(state)
            return policy
    try:
        policy = Policy._compile(*state)
    except PolicyError as e:
        if asked_files and state[3] & _mesura.COMPILE_NO_FILES and hasattr(e, "add_note"):
            e.add_note("an unpickled policy is compiled without file access; call "
                       "mesura.allow_files_when_unpickling() in this process to let it "
                       "read its includes and lexicon files")
        raise
    with _restored_lock:
        _restored[state] = policy
        while len(_restored) > _RESTORED_MAX:
            _restored.popitem(last=False)
    return policy


# ------------------------------------------------------------------ text tools

class Norm(enum.IntFlag):
    """Normalisation flags of mesura.normalize() (the C MESURA_NORM_* flags).

    At most one of NFC, NFD, NFKC, NFKD; CASEFOLD, STRIP_MARKS or CONFUSABLES
    without a form imply NFC. MODERATION is what policy terms are matched against by
    default; DEOBFUSCATE adds the folds that change word shape.
    """

    NONE = 0
    NFC = _mesura.NORM_NFC
    NFD = _mesura.NORM_NFD
    NFKC = _mesura.NORM_NFKC
    NFKD = _mesura.NORM_NFKD
    CASEFOLD = _mesura.NORM_CASEFOLD
    STRIP_MARKS = _mesura.NORM_STRIP_MARKS
    REMOVE_INVISIBLES = _mesura.NORM_REMOVE_INVISIBLES
    CONFUSABLES = _mesura.NORM_CONFUSABLES
    LEET = _mesura.NORM_LEET
    COLLAPSE_REPEATS = _mesura.NORM_COLLAPSE_REPEATS
    JOIN_SPACED = _mesura.NORM_JOIN_SPACED
    DIGITS = _mesura.NORM_DIGITS
    DECODE_MARKUP = _mesura.NORM_DECODE_MARKUP
    MODERATION = _mesura.NORM_MODERATION
    DEOBFUSCATE = _mesura.NORM_DEOBFUSCATE


class TokenizeFlag(enum.IntFlag):
    """What mesura.tokenize() recognises beyond UAX #29 words."""

    NONE = 0
    SOCIAL = _mesura.TOKENIZE_SOCIAL
    HASHTAG_PARTS = _mesura.TOKENIZE_HASHTAG_PARTS
    SPACED = _mesura.TOKENIZE_SPACED
    INVISIBLES = _mesura.TOKENIZE_INVISIBLES
    ALL = _mesura.TOKENIZE_ALL


# The names a policy's `normalize:` key uses, plus the flag names.
_NORM_NAMES = {
    "none": Norm.NONE, "nfc": Norm.NFC, "nfd": Norm.NFD, "nfkc": Norm.NFKC,
    "nfkd": Norm.NFKD, "casefold": Norm.CASEFOLD, "strip_marks": Norm.STRIP_MARKS,
    "invisibles": Norm.REMOVE_INVISIBLES, "remove_invisibles": Norm.REMOVE_INVISIBLES,
    "confusables": Norm.CONFUSABLES, "leet": Norm.LEET,
    "collapse_repeats": Norm.COLLAPSE_REPEATS, "join_spaced": Norm.JOIN_SPACED,
    "digits": Norm.DIGITS, "markup": Norm.DECODE_MARKUP,
    "moderation": Norm.MODERATION, "deobfuscate": Norm.DEOBFUSCATE,
}
_TOKENIZE_NAMES = {
    "none": TokenizeFlag.NONE, "social": TokenizeFlag.SOCIAL,
    "hashtag_parts": TokenizeFlag.HASHTAG_PARTS, "spaced": TokenizeFlag.SPACED,
    "invisibles": TokenizeFlag.INVISIBLES, "all": TokenizeFlag.ALL,
}


def _flags(flags: tuple, names: dict, default: int, what: str) -> int:
    if not flags:
        return int(default)
    value = 0
    stack = list(flags)
    while stack:
        flag = stack.pop()
        if isinstance(flag, int):
            if flag < 0:
                raise ValueError(f"negative {what} flags: {flag}")
            value |= int(flag)
        elif isinstance(flag, str):
            try:
                value |= names[flag.lower()]
            except KeyError:
                raise ValueError(f"unknown {what} flag {flag!r}; known: "
                                 f"{', '.join(sorted(names))}") from None
        elif isinstance(flag, Iterable):
            stack.extend(flag)
        else:
            raise TypeError(f"{what} flags are names, ints or {type(names['none']).__name__}, "
                            f"not {type(flag).__name__}")
    return value


def normalize(text: Text, *flags: Union[str, int, Iterable[Union[str, int]]],
              keep_letters: Optional[str] = None,
              with_map: bool = False) -> Union[Text, Tuple[Text, List[Tuple[int, int]]]]:
    """The normalised view of a text, as policy terms are matched against it.

        normalize("M1ÉRDA")                            -> 'mierda' (moderation view)
        normalize("Ｆｕｌｌ ﬁ", "nfkc")                 -> 'Full fi'
        normalize("f u c k", Norm.DEOBFUSCATE)         -> 'fuck'
        normalize("Ñandú", "casefold", "strip_marks")  -> 'ñandu'

    flags: any number of flag names ('nfc', 'nfd', 'nfkc', 'nfkd', 'casefold',
    'strip_marks', 'invisibles', 'confusables', 'leet', 'collapse_repeats',
    'join_spaced', 'digits', 'markup', presets 'moderation', 'deobfuscate', 'none'), Norm values or
    ints, or lists of them; none at all means Norm.MODERATION. Norm.NONE only
    repairs ill-formed UTF-8.
    keep_letters: letters strip_marks keeps whole (default 'ñÑ'; '' strips all).
    with_map=True returns (normalised, spans): spans[i] is the (start, end) of the
    input that output character i came from (str indices; for bytes input, one
    entry per output byte, in bytes).

    bytes input gives bytes (ill-formed UTF-8 repaired to U+FFFD). Raises
    ValueError for an invalid combination (two Unicode forms).
    """
    value = _flags(flags, _NORM_NAMES, Norm.MODERATION, "normalisation")
    return _mesura.normalize(text, value, keep_letters=keep_letters, with_map=with_map)


def tokenize(text: Text, *flags: Union[str, int, Iterable[Union[str, int]]]) -> List[Token]:
    """The tokens of a text: UAX #29 words plus URLs, e-mails, @mentions,
    #hashtags, $cashtags, whole emoji sequences, numbers, punctuation and spaces.

        [t.text for t in tokenize("Hola @ana! #NoMásAbusos 👩‍💻")
         if t.type != "space"]
        -> ['Hola', '@ana', '!', '#NoMásAbusos', 'No', 'Más', 'Abusos', '👩‍💻']

    Tokens without the 'overlay' flag tile the text exactly, in order; overlay tokens
    (hashtag parts, spaced-out words 'f u c k') add a second reading right after the
    tokens they cover. flags: names ('social', 'hashtag_parts', 'spaced',
    'invisibles', 'all', 'none'), TokenizeFlag values or ints; none at all means
    TokenizeFlag.ALL. Offsets as in scan(): str indices for str, bytes for bytes.
    """
    value = _flags(flags, _TOKENIZE_NAMES, TokenizeFlag.ALL, "tokenizer")
    return _mesura.tokenize(text, value)


def __dir__() -> List[str]:
    # The API only: not the modules and helpers this file imports.
    return sorted(__all__ + ["OK", "ENOMEM", "EINVAL", "EVERSION", "EUTF8", "ESYNTAX",
                             "EBUFS", "EBUSY", "ELIMIT", "EUSER", "ECHARSET", "EIO", "__version__"])
