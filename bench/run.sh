#!/usr/bin/env bash
# Builds the shared corpus (if absent) and a Release bench_normalize, then runs it
# pinned to one core.
#
# usage: bench/run.sh [CORPUS_DIR] [bench_normalize options: --repeat N --views LIST]
#
#   CORPUS_DIR          where corpus.txt lives or is built; else $MESURA_CORPUS_DIR;
#                       else build/corpus in the repository
#   MESURA_SHARED_DIR   the shared tree holding bench/make_corpus.sh
#                       (default: ../shared next to the repository root)
#   MESURA_BENCH_BUILD  the build directory (default: build/bench in the repository)
#   MESURA_BENCH_CPU    the core to pin to with taskset (default: 1)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EXPECTED_SHA256=8f017ef8602618e056d30c853ad015d404a97c61d84a1b7f6896f55aeed7791e

say() { printf 'run.sh: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

CORPUS_DIR=${MESURA_CORPUS_DIR:-$ROOT/build/corpus}
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  CORPUS_DIR=$1
  shift
fi
SHARED_DIR=${MESURA_SHARED_DIR:-$ROOT/../shared}
BUILD_DIR=${MESURA_BENCH_BUILD:-$ROOT/build/bench}
CPU=${MESURA_BENCH_CPU:-1}
CORPUS=$CORPUS_DIR/corpus.txt

# 1. The corpus.
if [ ! -s "$CORPUS" ]; then
  MAKE_CORPUS=$SHARED_DIR/bench/make_corpus.sh
  [ -f "$MAKE_CORPUS" ] || fail "no corpus at $CORPUS and no $MAKE_CORPUS (set MESURA_SHARED_DIR)"
  say "building the corpus in $CORPUS_DIR"
  bash "$MAKE_CORPUS" "$CORPUS_DIR" || fail "make_corpus.sh failed"
  [ -s "$CORPUS" ] || fail "make_corpus.sh did not write $CORPUS"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sum=$(sha256sum "$CORPUS" | cut -d' ' -f1)
  if [ "$sum" != "$EXPECTED_SHA256" ]; then
    say "warning: $CORPUS has sha256 $sum, not the shared corpus's $EXPECTED_SHA256;"
    say "warning: figures will not be comparable with the shared reference figures"
  fi
fi

# 2. A Release build of the benchmark.
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DMESURA_BUILD_BENCH=ON \
  -DMESURA_BUILD_TESTS=OFF -DMESURA_BUILD_EXAMPLES=OFF >/dev/null || fail "cmake configure failed"
jobs=$(nproc 2>/dev/null || echo 2)
# MESURA_BENCH picks the benchmark: normalize (default) or tokenize.
NAME=bench_${MESURA_BENCH:-normalize}
cmake --build "$BUILD_DIR" --target "$NAME" -j "$jobs" || fail "build failed"
BENCH=$BUILD_DIR/bench/$NAME
[ -x "$BENCH" ] || fail "no $BENCH after the build"

# 3. Run it, pinned to one core when we can.
PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$CPU" true 2>/dev/null; then
  PIN=(taskset -c "$CPU")
  say "running pinned to core $CPU: ${PIN[*]} $BENCH $CORPUS $*"
else
  say "taskset missing or core $CPU unavailable: running unpinned"
fi
exec ${PIN[@]+"${PIN[@]}"} "$BENCH" "$CORPUS" "$@"
