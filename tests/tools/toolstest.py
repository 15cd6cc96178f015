"""Helpers for the end-to-end tests of the example tools (tests/tools/test_*.py).

ctest runs each test_*.py with MESURA_TOOLS set to the directory of the built tools.
Standard library only. Each test is a function test_*(); main() runs them all and
exits non-zero when one fails.
"""
import json
import os
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
POLICY = os.path.join(HERE, "policy.yaml")
TOOLS = os.environ.get("MESURA_TOOLS", os.path.join(HERE, "..", "..", "build", "examples"))
# Sanitizer builds are slower and use more memory: tests scale down and skip RSS bounds.
SANITIZED = os.environ.get("MESURA_TEST_SANITIZE", "").upper() in ("1", "ON", "TRUE", "YES")


def tool(name):
    return os.path.join(TOOLS, name)


def run(name, *args, input=None, env=None, status=None):
    """Runs a tool; checks its exit status when `status` is given and that no
    sanitizer complained. Returns the CompletedProcess (bytes)."""
    full_env = dict(os.environ)
    full_env.pop("MESURA_HASH_KEY", None)
    full_env.update(env or {})
    if isinstance(input, str):
        input = input.encode()
    p = subprocess.run([tool(name), *args], input=input, capture_output=True, env=full_env,
                       timeout=300)
    err = p.stderr.decode(errors="replace")
    assert "Sanitizer" not in err and "runtime error" not in err, f"sanitizer report:\n{err}"
    if status is not None:
        assert p.returncode == status, (
            f"{name} {' '.join(args)}: exit {p.returncode}, expected {status}\n"
            f"stderr:\n{err}\nstdout:\n{p.stdout.decode(errors='replace')[:2000]}")
    return p


def jsonl(data):
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def write(tmp, name, content):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)
    return path


def main(tests):
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for test in tests:
            try:
                test(tmp)
                print(f"ok   {test.__name__}")
            except Exception:  # report every failure, then fail the run
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc(file=sys.stdout)
    print(f"{len(tests) - failed}/{len(tests)} passed")
    sys.exit(1 if failed else 0)
