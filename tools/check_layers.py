#!/usr/bin/env python3
"""Checks that the arrows between the files of src/ point one way (issue 18).

    tools/check_layers.py SRC_DIR OBJECT_DIR EXCEPTIONS_FILE

Reads two graphs of src/: the includes (`#include "folder/file.h"` between files of
src/; the public headers mesura/*.h are the interface and do not count) and the calls
(each object file's undefined symbols that another object file of the library defines,
from `nm`, so a call is counted exactly when the linker resolves one). It reports:

  up     FROM  TO  include|call   a file reaching a folder above its own in LAYERS
  loop   FILE FILE...             files that call each other in a circle (a strongly
                                  connected component of the call graph)

Every violation must be listed in EXCEPTIONS_FILE (one per line, the same words
separated by tabs; # starts a comment), and every listed one must still occur: the list
can only shrink. A new violation, or one that is gone, fails with the line to add or
remove. Exit status 0 when the tree matches the list, 1 otherwise.
"""
import os
import re
import subprocess
import sys

# Bottom to top: a file may include and call its own folder and the folders before it.
# The order LAYERS.md sketches for 1.0 (`match` for the generic matchers, `load` for
# what compiles a policy and then checks it with the scanner and the redactor).
LAYERS = ["common", "text", "tokens", "redact", "match", "policy", "scan", "load"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    folder = path.split("/", 1)[0]
    if folder not in LAYERS:
        sys.exit("check_layers: %s is in folder %r, which LAYERS does not place" % (path, folder))
    return LAYERS.index(folder)


def source_files(src):
    files = []
    for root, _, names in os.walk(src):
        for name in names:
            if name.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(root, name), src))
    return sorted(files)


def include_edges(src, files):
    known = set(files)
    edges = set()
    for f in files:
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            here = os.path.normpath(os.path.join(os.path.dirname(f), inc))
            target = here if here in known else inc if inc in known else None
            if target and target != f:
                edges.add((f, target))
    return edges


def call_edges(objdir, files):
    """Objects of sources no longer in src/ (left in a build tree by a move) are skipped."""
    known = set(files)
    defined, undefined = {}, {}
    for root, _, names in os.walk(objdir):
        for name in names:
            if not name.endswith(".c.o"):
                continue
            obj = os.path.join(root, name)
            source = os.path.relpath(obj, objdir)[:-2]  # folder/file.c
            if source not in known:
                continue
            out = subprocess.run(["nm", obj], check=True, capture_output=True,
                                 text=True).stdout
            undefined[source] = set()
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] == "U":
                    undefined[source].add(parts[1])
                elif len(parts) == 3 and parts[1] in "TDBR":
                    defined[parts[2]] = source
    edges = set()
    for source, symbols in undefined.items():
        for sym in symbols:
            target = defined.get(sym)
            if target and target != source:
                edges.add((source, target))
    return edges


def loops(edges):
    """Strongly connected components of more than one file (Tarjan, iterative)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on_stack.discard(x)
                        comp.append(x)
                        if x == node:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def violations(src, objdir):
    files = source_files(src)
    calls = call_edges(objdir, files)
    found = set()
    for kind, edges in (("include", include_edges(src, files)), ("call", calls)):
        for a, b in edges:
            if layer_of(b) > layer_of(a):
                found.add("up\t%s\t%s\t%s" % (a, b, kind))
    for comp in loops(calls):
        found.add("loop\t" + "\t".join(comp))
    return found


def read_exceptions(path):
    listed = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].rstrip()
            if line:
                listed.add(line)
    return listed


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, objdir, exceptions = sys.argv[1:]
    found = violations(src, objdir)
    listed = read_exceptions(exceptions)
    new, gone = sorted(found - listed), sorted(listed - found)
    ups = sum(1 for v in found if v.startswith("up"))
    print("layers: %d upward arrows, %d loops (%d listed in %s)" %
          (ups, len(found) - ups, len(listed), os.path.basename(exceptions)))
    for v in new:
        print("new violation (fix it, or list it):\n" + v)
    for v in gone:
        print("gone (remove this line from the list):\n" + v)
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
