#!/bin/sh
# Builds mesura and runs every test: a warnings-as-errors build, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer. usage: scripts/test.sh
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESURA_WERROR=ON
cmake --build build/test -j "$jobs"
ctest --test-dir build/test --output-on-failure -j "$jobs"

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DMESURA_WERROR=ON -DMESURA_SANITIZE=ON \
      -DMESURA_BUILD_BENCH=OFF
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"
echo "all tests passed (normal and sanitizer builds)"
