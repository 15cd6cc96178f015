#!/bin/sh
# Builds mesura and runs the main job on its bundled sample of posts: mesura-screen with
# the embedded default policy (builtin:default), in the human format (verdict per post,
# findings marked, summary on stderr), with the redacted copy of each flagged post.
# usage: scripts/demo.sh [FILE...]   (text or JSONL posts; extra mesura-screen options
# such as --policy examples/policies/acme.yaml go first)
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DMESURA_BUILD_TESTS=OFF \
      -DMESURA_BUILD_BENCH=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
if [ "$#" -eq 0 ]; then
  set -- examples/data/sample-posts.txt examples/data/sample-posts.jsonl
fi
# Exit statuses 0-2 are verdicts (allow, review, block), not failures.
status=0
build/release/examples/mesura-screen --format human --redact "$@" || status=$?
# The same screen as a local HTTP service (docs/serve.md):
echo "serve it over HTTP: build/release/examples/mesura-serve (then POST /v1/screen on 127.0.0.1:8080)" >&2
[ "$status" -le 2 ]
