#!/usr/bin/env python3
"""Runs the commands of a Markdown page and compares what they print with the page.

usage: doc_examples.py PAGE.md TOOLS_DIR [PYTHONPATH]

The page is read as a session in one scratch directory:

- a fenced block right after the line `<!-- file: NAME -->` is written to NAME;
- in a fenced block whose info string is `console`, each line that starts with `$ ` is
  a command, run with `sh -c` (standard error merged into standard output), and the
  lines after it, up to the next command or the end of the block, are what it must
  print, exactly. Every command must exit with 0: one that fails on purpose shows its
  status itself (`mesura-screen posts.txt; echo "exit $?"`). CRLF line ends (CSV's)
  compare as LF: the page cannot show them.

The tools are found first in PATH (TOOLS_DIR), the Python binding through PYTHONPATH,
and `python3` is this interpreter. Fails, with a diff, at the first difference.
Standard library only (docs/cookbook.md is the page ctest runs).
"""
import difflib
import os
import re
import subprocess
import sys
import tempfile

FILE_MARK = re.compile(r"^<!-- file: (\S+) -->$")
FENCE = re.compile(r"^(`{3,})(.*)$")


def blocks(lines):
    """Yields (start line, info string, body lines, file name or None) per fenced block."""
    i, pending_file = 0, None
    while i < len(lines):
        mark = FILE_MARK.match(lines[i])
        fence = FENCE.match(lines[i])
        if mark:
            pending_file = mark.group(1)
        elif fence:
            start, ticks, info = i + 1, fence.group(1), fence.group(2).strip()
            body = []
            i += 1
            while i < len(lines) and lines[i] != ticks:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise SystemExit(f"line {start}: the block is never closed")
            yield start, info, body, pending_file
            pending_file = None
        elif lines[i].strip():
            if pending_file:
                raise SystemExit(f"line {i + 1}: `<!-- file: {pending_file} -->` is not "
                                 "right before a fenced block")
        i += 1


def commands(start, body):
    """Yields (line, command, expected output lines) of a console block."""
    if not body or not body[0].startswith("$ "):
        raise SystemExit(f"line {start}: a console block starts with a `$ ` command")
    current = None
    for k, line in enumerate(body):
        if line.startswith("$ "):
            if current:
                yield current
            current = (start + 1 + k, line[2:], [])
        else:
            current[2].append(line)
    yield current


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    page, tools = sys.argv[1], os.path.abspath(sys.argv[2])
    with open(page, encoding="utf-8") as f:
        lines = f.read().split("\n")
    env = dict(os.environ)
    for var in ("MESURA_HASH_KEY", "PYTHONPATH", "LD_LIBRARY_PATH"):
        env.pop(var, None)
    interpreter = os.path.join(tempfile.mkdtemp(prefix="mesura-doc-bin-"), "python3")
    os.symlink(sys.executable, interpreter)
    env["PATH"] = os.pathsep.join([tools, os.path.dirname(interpreter), env.get("PATH", "")])
    if len(sys.argv) == 4:
        env["PYTHONPATH"] = os.path.abspath(sys.argv[3])
    env.update(LC_ALL="C.UTF-8", PYTHONDONTWRITEBYTECODE="1", COLUMNS="80")
    n_files = n_commands = 0
    with tempfile.TemporaryDirectory(prefix="mesura-doc-") as scratch:
        for start, info, body, name in blocks(lines):
            if name:
                path = os.path.join(scratch, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(body) + "\n")
                n_files += 1
                continue
            if info != "console":
                continue
            for line, command, expected in commands(start, body):
                n_commands += 1
                p = subprocess.run(["sh", "-c", command], cwd=scratch, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   timeout=300)
                got = p.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
                got = got.split("\n")
                if got and got[-1] == "":
                    got.pop()
                if p.returncode != 0 or got != expected:
                    print(f"{page}:{line}: $ {command}")
                    if p.returncode != 0:
                        print(f"  exit status {p.returncode} (show it with `; echo \"exit $?\"` "
                              "if it is meant)")
                    sys.stdout.writelines(difflib.unified_diff(
                        [e + "\n" for e in expected], [g + "\n" for g in got],
                        "the page", "the build"))
                    return 1
    if n_commands == 0:
        print(f"{page}: no console block to run")
        return 1
    print(f"{page}: {n_commands} commands print what the page shows ({n_files} files written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
