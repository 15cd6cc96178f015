#!/bin/sh
# Builds mesura and runs the main job on its bundled sample of posts: mesura-screen with
# the example company policy, in the human format (verdict per post, findings marked,
# summary on stderr). usage: scripts/demo.sh [FILE...]   (text or JSONL posts)
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
build/release/examples/mesura-screen --policy examples/policies/acme.yaml --format human \
  "$@" || status=$?
[ "$status" -le 2 ]
