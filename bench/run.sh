#!/usr/bin/env bash
# Builds the shared corpus (if absent) and Release builds of the benchmarks, then runs
# them: bench_normalize and bench_tokenize pinned to one core, then bench_scan (its
# single-core rows run on one thread; it is not pinned, so that its thread table can
# use every core).
#
# usage: bench/run.sh [CORPUS_DIR] [--bench normalize|tokenize|scan|all]
#                     [benchmark options: --repeat N --views LIST]
#
#   CORPUS_DIR          where corpus.txt lives or is built; else $MESURA_CORPUS_DIR;
#                       else build/corpus in the repository
#   --bench WHICH       normalize, tokenize, scan or all (one after the other); else
#                       $MESURA_BENCH; else all, except that --views alone (the rows of
#                       bench_normalize, as before) runs bench_normalize only.
#                       The other options go to each benchmark that runs.
#   MESURA_SHARED_DIR   the shared tree holding bench/make_corpus.sh
#                       (default: ../shared next to the repository root)
#   MESURA_BENCH_BUILD  the build directory (default: build/bench in the repository)
#   MESURA_BENCH_CPU    the core to pin to with taskset (default: 1)
#
# Exit status: 0; a benchmark's own non-zero status (1 library error, 2 usage); 1 when
# the corpus, configure or build step fails.
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
# --bench is ours; everything else goes to the benchmarks.
WHICH=${MESURA_BENCH:-}
ARGS=()
has_views=0
while [ $# -gt 0 ]; do
  case $1 in
    --bench)
      [ $# -ge 2 ] || fail "--bench wants normalize, tokenize, scan or all"
      WHICH=$2
      shift 2
      ;;
    --bench=*)
      WHICH=${1#--bench=}
      shift
      ;;
    *)
      [ "$1" = --views ] && has_views=1
      ARGS+=("$1")
      shift
      ;;
  esac
done
if [ -z "$WHICH" ]; then
  if [ "$has_views" = 1 ]; then WHICH=normalize; else WHICH=all; fi
fi
case $WHICH in
  normalize | tokenize | scan) NAMES=("bench_$WHICH") ;;
  all) NAMES=(bench_normalize bench_tokenize bench_scan) ;;
  *) fail "--bench wants normalize, tokenize, scan or all, not \"$WHICH\"" ;;
esac
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

# 2. A Release build of the benchmarks.
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DMESURA_BUILD_BENCH=ON \
  -DMESURA_BUILD_TESTS=OFF -DMESURA_BUILD_EXAMPLES=OFF >/dev/null || fail "cmake configure failed"
jobs=$(nproc 2>/dev/null || echo 2)
cmake --build "$BUILD_DIR" --target "${NAMES[@]}" -j "$jobs" || fail "build failed"
for name in "${NAMES[@]}"; do
  [ -x "$BUILD_DIR/bench/$name" ] || fail "no $BUILD_DIR/bench/$name after the build"
done

# 3. Run them, pinned to one core when we can, one after the other.
PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$CPU" true 2>/dev/null; then
  PIN=(taskset -c "$CPU")
else
  say "taskset missing or core $CPU unavailable: running unpinned"
fi
first=1
for name in "${NAMES[@]}"; do
  BENCH=$BUILD_DIR/bench/$name
  [ "$first" = 1 ] || echo
  first=0
  input=$CORPUS pin=(${PIN[@]+"${PIN[@]}"})
  if [ "$name" = bench_scan ]; then # reads the directory (corpus and terms); threads
    input=$CORPUS_DIR pin=()
  fi
  say "running${pin[0]+ pinned to core $CPU}: ${pin[*]+${pin[*]} }$BENCH $input ${ARGS[*]+${ARGS[*]}}"
  status=0
  ${pin[@]+"${pin[@]}"} "$BENCH" "$input" ${ARGS[@]+"${ARGS[@]}"} || status=$?
  if [ "$status" != 0 ]; then
    say "$name exited with status $status"
    exit "$status"
  fi
done
