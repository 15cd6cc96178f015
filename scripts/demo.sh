#!/bin/sh
# Builds mesura and runs the main job on its bundled sample of posts.
# For now the main job is the deobfuscating view: what policy terms will be matched
# against, with the map back to the original bytes. usage: scripts/demo.sh [FILE...]
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DMESURA_BUILD_TESTS=OFF \
      -DMESURA_BUILD_BENCH=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
if [ "$#" -eq 0 ]; then
  set -- examples/data/sample-posts.txt
fi
exec build/release/examples/mesura-normalize --flags deobfuscate --show-map "$@"
