#!/usr/bin/env python3
"""The public headers document themselves (ctest `api-docs`).

Checks, over include/mesura/*.h:
  - every function (MESURA_API) and every type (typedef) has a doc comment, a
    `/** ... */` block right before its declaration;
  - every function that hands out a handle through a `T **` parameter says in that
    comment who frees it: it names the caller and T's `_free` function;
  - every public function is named in docs/api.md;
  - abi/experimental.suppr suppresses exactly the functions of mesura/experimental.h
    (scripts/abi-check.sh leaves them out of the ABI check), and abi/libmesura.map
    versions exactly them in its MESURA_EXPERIMENTAL_1.N node.

usage: tools/check_api.py [ROOT]   (exit status 1 and one line per problem)
"""
import pathlib
import re
import sys

FUNCTION = re.compile(r"MESURA_API\s+[^;{}]*?\b(mesura_\w+)\s*\(([^;]*?)\)\s*;", re.S)
TYPEDEF_BODY = re.compile(r"typedef\s+(?:struct|enum)\s*\w*\s*\{.*?\}\s*(mesura_\w+)\s*;", re.S)
TYPEDEF_OPAQUE = re.compile(r"typedef\s+struct\s+\w+\s+(mesura_\w+)\s*;")
TYPEDEF_CALLBACK = re.compile(r"typedef\s+[^;]*?\(\s*\*\s*(mesura_\w+)\s*\)\s*\([^;]*?\)\s*;", re.S)
OUT_PARAM = re.compile(r"^\s*(const\s+)?(mesura_\w+)\s*\*\*")


def doc_comment(text, start):
    """The `/** */` comment that ends right before text[start], or None."""
    before = text[:start].rstrip()
    if not before.endswith("*/"):
        return None
    open_at = before.rfind("/*")
    comment = before[open_at:]
    return comment if comment.startswith("/**") and not comment.startswith("/**<") else None


def declarations(text):
    """(kind, name, start, params) of each function and type the header declares."""
    found = []
    for m in FUNCTION.finditer(text):
        found.append(("function", m.group(1), m.start(), m.group(2)))
    for pattern in (TYPEDEF_BODY, TYPEDEF_OPAQUE, TYPEDEF_CALLBACK):
        for m in pattern.finditer(text):
            found.append(("type", m.group(1), m.start(), ""))
    return sorted(found, key=lambda d: d[2])


def check_header(path, problems):
    text = path.read_text(encoding="utf-8")
    functions = []
    for kind, name, start, params in declarations(text):
        where = f"{path.name}: {kind} {name}"
        if kind == "function":
            functions.append(name)
        doc = doc_comment(text, start)
        if doc is None:
            problems.append(f"{where}: no /** doc comment */ before it")
        elif kind == "function":
            check_handles(where, params, doc, problems)
    return functions


def check_handles(where, params, doc, problems):
    """A `T **` parameter hands out a handle the caller frees with T_free; a
    `const T **` one lends an object that someone else owns."""
    for param in params.split(","):
        m = OUT_PARAM.match(param)
        if not m:
            continue
        const, handle = m.groups()
        if const:
            if "borrowed" not in doc:
                problems.append(f"{where}: lends a {handle}; say until when it is borrowed")
            continue
        if "caller" not in doc:
            problems.append(f"{where}: hands out a {handle}; say it is the caller's")
        if f"{handle}_free" not in doc:
            problems.append(f"{where}: hands out a {handle}; name {handle}_free()")


def suppressed_functions(path):
    return set(re.findall(r"^\s*name\s*=\s*(mesura_\w+)\s*$", path.read_text(), re.M))


def experimental_node(path):
    """The functions of the version script's MESURA_EXPERIMENTAL_1.N node."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    m = re.search(r"MESURA_EXPERIMENTAL_1\.\d+\s*\{(.*?)\}", text, re.S)
    return set(re.findall(r"\b(mesura_\w+)\s*;", m.group(1))) if m else set()


def compare(listed, where, experimental, problems):
    for name in sorted(experimental - listed):
        problems.append(f"{where}: {name} (mesura/experimental.h) is missing")
    for name in sorted(listed - experimental):
        problems.append(f"{where}: {name} is not in mesura/experimental.h")


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    problems = []
    functions = {}
    for header in sorted((root / "include" / "mesura").glob("*.h")):
        functions[header.name] = check_header(header, problems)
    api_md = (root / "docs" / "api.md").read_text(encoding="utf-8")
    for header, names in functions.items():
        for name in names:
            if not re.search(r"\b" + re.escape(name) + r"\b", api_md):
                problems.append(f"{header}: function {name}: not named in docs/api.md")
    experimental = set(functions.get("experimental.h", []))
    compare(suppressed_functions(root / "abi" / "experimental.suppr"),
            "abi/experimental.suppr", experimental, problems)
    compare(experimental_node(root / "abi" / "libmesura.map"),
            "abi/libmesura.map, node MESURA_EXPERIMENTAL_1.N", experimental, problems)
    total = sum(len(names) for names in functions.values())
    if total == 0:
        problems.append("no public function found: is ROOT the source tree?")
    for p in problems:
        print(p)
    print(f"check_api: {total} functions in {len(functions)} headers, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
