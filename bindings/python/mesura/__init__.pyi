# Type hints for mesura (the package and its C core, mesura._mesura).
import enum
import os
from typing import (Any, Dict, Iterable, Iterator, List, Literal, Optional, Tuple,
                    TypeVar, Union, overload)

__version__: str
Text = Union[str, bytes]
_T = TypeVar("_T", str, bytes)

class _Ranked(str, enum.Enum):
    def __lt__(self, other: str) -> bool: ...
    def __le__(self, other: str) -> bool: ...
    def __gt__(self, other: str) -> bool: ...
    def __ge__(self, other: str) -> bool: ...

class Verdict(_Ranked):
    ALLOW = "allow"
    LOG = "log"
    REDACT = "redact"
    REVIEW = "review"
    BLOCK = "block"

Action = Verdict

class Severity(_Ranked):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

OK: int
ENOMEM: int
EINVAL: int
EVERSION: int
EUTF8: int
ESYNTAX: int
EBUFS: int
EBUSY: int
ELIMIT: int
EUSER: int
ECHARSET: int
EIO: int

class Error(Exception):
    """Base class of mesura's errors; `status` is the C status code."""
    status: int

class PolicyError(Error):
    """A policy does not compile."""
    diagnostics: List[Diagnostic]
    line: Optional[int]
    column: Optional[int]
    path: Optional[str]
    file: Optional[str]
    rule_id: Optional[str]
    message: str

class Diagnostic:
    severity: Literal["error", "warning"]
    status: int
    file: str
    path: str
    rule_id: Optional[str]
    byte_offset: int
    line: int
    column: int
    message: str
    _fields: Tuple[str, ...]
    def __init__(self, severity: str, status: int, file: str, path: str,
                 rule_id: Optional[str], byte_offset: int, line: int, column: int,
                 message: str) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Finding:
    rule: str
    category: str
    severity: Severity
    action: Action
    start: int
    end: int
    byte_start: int
    byte_end: int
    text: Text
    matched: str
    confidence: float
    condition: Literal["terms", "masked", "regex"]
    _fields: Tuple[str, ...]
    def __init__(self, rule: str, category: str, severity: str, action: str, start: int,
                 end: int, byte_start: int, byte_end: int, text: Text, matched: str,
                 confidence: float, condition: str) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...

class NearMiss:
    rule: str
    reason: Literal["not_whole_word", "validator", "incomplete", "unless", "confidence",
                    "allowed", "limit"]
    start: int
    end: int
    byte_start: int
    byte_end: int
    confidence: float
    _fields: Tuple[str, ...]
    def __init__(self, rule: str, reason: str, start: int, end: int, byte_start: int,
                 byte_end: int, confidence: float) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Result:
    verdict: Verdict
    findings: Tuple[Finding, ...]
    decisive: Optional[Finding]
    redacted: Optional[Text]
    limit_reached: bool
    near_misses: Tuple[NearMiss, ...]
    _fields: Tuple[str, ...]
    def __init__(self, verdict: str, findings: Tuple[Finding, ...],
                 decisive: Optional[Finding], redacted: Optional[Text],
                 limit_reached: bool, near_misses: Tuple[NearMiss, ...]) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Token:
    type: Literal["word", "number", "url", "email", "mention", "hashtag", "cashtag",
                  "emoji", "punct", "symbol", "space", "other"]
    start: int
    end: int
    byte_start: int
    byte_end: int
    text: Text
    flags: Tuple[Literal["overlay", "part", "spaced", "invisibles", "scheme"], ...]
    _fields: Tuple[str, ...]
    def __init__(self, type: str, start: int, end: int, byte_start: int, byte_end: int,
                 text: Text, flags: Tuple[str, ...]) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Policy:
    @property
    def name(self) -> Optional[str]: ...
    @property
    def rule_count(self) -> int: ...
    @property
    def origin(self) -> str: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def warnings(self) -> List[Diagnostic]: ...
    @property
    def has_hash_key(self) -> bool: ...
    @property
    def is_default(self) -> bool: ...
    @classmethod
    def from_string(cls, source: Union[str, bytes], name: Optional[str] = ..., *,
                    hash_key: Optional[bytes] = ..., allow_files: bool = ...,
                    max_source_bytes: int = ..., max_depth: int = ...,
                    max_compiled_bytes: int = ...) -> Policy: ...
    @classmethod
    def from_file(cls, path: Union[str, bytes, os.PathLike[str]], *,
                  hash_key: Optional[bytes] = ..., allow_files: bool = ...,
                  max_source_bytes: int = ..., max_depth: int = ...,
                  max_compiled_bytes: int = ...) -> Policy: ...
    @classmethod
    def default(cls, *, hash_key: Optional[bytes] = ...) -> Policy: ...
    def scan(self, text: Text, /, *, redact: bool = ..., explain: bool = ...,
             hash_key: Optional[bytes] = ...) -> Result: ...
    @overload
    def redact(self, text: str, /, *, hash_key: Optional[bytes] = ...) -> str: ...
    @overload
    def redact(self, text: bytes, /, *, hash_key: Optional[bytes] = ...) -> bytes: ...
    def scan_many(self, posts: Iterable[Text], threads: Optional[int] = ..., *,
                  redact: bool = ..., explain: bool = ..., hash_key: Optional[bytes] = ...,
                  chunk_size: int = ...) -> List[Result]: ...
    def scan_iter(self, posts: Iterable[Text], threads: Optional[int] = ..., *,
                  redact: bool = ..., explain: bool = ..., hash_key: Optional[bytes] = ...,
                  chunk_size: int = ...) -> Iterator[Result]: ...

class Norm(enum.IntFlag):
    NONE: int
    NFC: int
    NFD: int
    NFKC: int
    NFKD: int
    CASEFOLD: int
    STRIP_MARKS: int
    REMOVE_INVISIBLES: int
    CONFUSABLES: int
    LEET: int
    COLLAPSE_REPEATS: int
    JOIN_SPACED: int
    MODERATION: int
    DEOBFUSCATE: int

class TokenizeFlag(enum.IntFlag):
    NONE: int
    SOCIAL: int
    HASHTAG_PARTS: int
    SPACED: int
    INVISIBLES: int
    ALL: int

_Flag = Union[str, int, Iterable[Union[str, int]]]

@overload
def normalize(text: _T, *flags: _Flag, keep_letters: Optional[str] = ...,
              with_map: Literal[False] = ...) -> _T: ...
@overload
def normalize(text: _T, *flags: _Flag, keep_letters: Optional[str] = ...,
              with_map: Literal[True]) -> Tuple[_T, List[Tuple[int, int]]]: ...
def tokenize(text: Text, *flags: _Flag) -> List[Token]: ...
def has_default_policy() -> bool: ...
def library_version() -> str: ...
def unicode_version() -> str: ...
def unicode_tables_version() -> str: ...
def strerror(status: int, /) -> str: ...
def allow_files_when_unpickling(allow: bool = ...) -> None: ...
