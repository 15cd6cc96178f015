#!/bin/bash
# Deep fuzzing, outside CI's time budget: builds the libFuzzer harnesses with clang under
# ASan + UBSan and runs each one to RUNS executions (default 10 million), JOBS at a time
# (default 2), with its dictionary (tests/fuzz/NAME.dict) and long inputs: up to
# 1 MiB (-max_len) for the harnesses that read posts (normalize, tokenize, scan), whose
# inputs in fuzz_post's repeat form (tests/fuzz/fuzz_common.h) are run once more at the
# end as posts of 1 MiB each.
#
# Everything goes to OUT (default /tmp/fuzz-deep): NAME.log, the growing corpus
# corpus/NAME (seeded from tests/fuzz/corpus/NAME), crashes/NAME-*, and merged/NAME,
# the committed seeds plus every input found that adds coverage (-merge=1), minimised.
# With --install, the smallest new inputs of merged/NAME join tests/fuzz/corpus/NAME
# until it holds CORPUS_LIMIT files (default 60): the committed corpus stays small.
# summary.txt gets one line per harness: executions, and whether it crashed.
#
# With --install-only it does no fuzzing: it merges the corpus of a run (perhaps one
# still going) and installs as --install does, with the harnesses already built.
#
# usage: scripts/fuzz-deep.sh [--install | --install-only] [NAME...]  (default: all)
#   RUNS=10000000 JOBS=2 OUT=/tmp/fuzz-deep FUZZ_BUILD=build/fuzz CORPUS_LIMIT=60 LONG_MAX=40
# Run it in the background: nohup scripts/fuzz-deep.sh >/tmp/fuzz-deep.out 2>&1 &
# It takes hours on two cores. A crash fails the run (exit status 1) and leaves the
# input in OUT/crashes/: reproduce with FUZZ_BUILD/tests/fuzz/fuzz_NAME INPUT.
set -eu
cd "$(dirname "$0")/.."
install=0
fuzz=1
case ${1:-} in
--install) install=1; shift ;;
--install-only) install=1; fuzz=0; shift ;;
esac
names=${*:-"normalize scan tokenize policy redact json"}
runs=${RUNS:-10000000}
jobs=${JOBS:-2}
out=${OUT:-/tmp/fuzz-deep}
build=${FUZZ_BUILD:-build/fuzz}
limit=${CORPUS_LIMIT:-60}
long_max=${LONG_MAX:-40}

mkdir -p "$out/crashes" "$out/corpus" "$out/merged"

max_len() {
	case $1 in
	normalize | tokenize | scan) echo 1048576 ;;
	*) echo 65536 ;;
	esac
}

# The committed seeds and what the run found, minimised into merged/NAME. From a
# copy of the corpus: a run still going removes inputs it has reduced.
merge() {
	rm -rf "$out/merged/$1" "$out/snapshot"
	mkdir -p "$out/merged/$1"
	cp -r "$out/corpus/$1" "$out/snapshot"
	"$build/tests/fuzz/fuzz_$1" -merge=1 -max_len="$(max_len "$1")" "$out/merged/$1" \
	       tests/fuzz/corpus/"$1" "$out/snapshot" >"$out/$1.merge.log" 2>&1 || true
	rm -rf "$out/snapshot"
}

# Runs one harness to $runs executions, then merges what it found.
fuzz_one() {
	name=$1
	bin=$build/tests/fuzz/fuzz_$name
	mkdir -p "$out/corpus/$name"
	cp -n tests/fuzz/corpus/"$name"/* "$out/corpus/$name"/ 2>/dev/null || true
	status=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	"$bin" -runs="$runs" -max_len="$(max_len "$name")" -timeout=60 -rss_limit_mb=3072 \
	       -dict=tests/fuzz/"$name".dict -print_final_stats=1 \
	       -artifact_prefix="$out/crashes/$name-" "$out/corpus/$name" \
	       >"$out/$name.log" 2>&1 || status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1)
	if [ "$status" = 0 ]; then
		merge "$name"
		echo "fuzz_$name: ${execs:-?} executions, no crash; $(ls "$out/merged/$name" | wc -l) inputs after merging" \
		     | tee -a "$out/summary.txt"
		long_pass "$name" || status=$?
	else
		echo "fuzz_$name: FAILED after ${execs:-?} executions (status $status): $out/$name.log, $out/crashes/" \
		     | tee -a "$out/summary.txt"
	fi
	return "$status"
}

# The inputs of merged/NAME that fuzz_post reads as long posts, each run once at
# 1 MiB (FUZZ_FORCE_LONG): long runs the fuzzer found interesting, at full length
# (the first LONG_MAX of them, default 40).
long_pass() {
	name=$1
	case $name in normalize | tokenize | scan) ;; *) return 0 ;; esac
	dir=$out/long/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$out/merged/$name"/*; do # the first $long_max (seconds each)
		[ "$(ls "$dir" | wc -l)" -lt "$long_max" ] || break
		[ "$(head -c 1 "$f" | od -An -tx1 | tr -d ' ')" = 01 ] && cp "$f" "$dir"/
	done
	status=0
	FUZZ_FORCE_LONG=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	"$bin" -runs=0 -timeout=300 -rss_limit_mb=3072 -artifact_prefix="$out/crashes/$name-long-" \
	       "$dir" >"$out/$name.long.log" 2>&1 || status=$?
	echo "fuzz_$name: $(ls "$dir" | wc -l) long posts of 1 MiB, $([ "$status" = 0 ] && echo "no crash" || echo "FAILED: $out/$name.long.log")" \
	     | tee -a "$out/summary.txt"
	return "$status"
}

# The smallest inputs of merged/NAME that the committed corpus lacks, until it holds
# $limit files, each named by the hash of its content.
install_seeds() {
	name=$1
	dir=tests/fuzz/corpus/$name
	have=$(ls "$dir" | wc -l)
	known=$(for g in "$dir"/*; do sha1sum <"$g"; done)
	for f in $(ls -S -r "$out/merged/$name"); do
		[ "$have" -lt "$limit" ] || break
		sum=$(sha1sum <"$out/merged/$name/$f")
		case $known in *"$sum"*) continue ;; esac
		cp "$out/merged/$name/$f" "$dir/${sum:0:16}"
		known="$known $sum"
		have=$((have + 1))
	done
	echo "tests/fuzz/corpus/$name: $have inputs"
}

if [ "$fuzz" = 0 ]; then
	for name in $names; do
		[ -d "$out/corpus/$name" ] || continue
		merge "$name"
		install_seeds "$name"
	done
	exit 0
fi

scripts/deps.sh fuzz
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESURA_FUZZ=ON \
      -DMESURA_SANITIZE=ON -DMESURA_BUILD_TESTS=OFF -DMESURA_BUILD_EXAMPLES=OFF \
      -DMESURA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target $(for name in $names; do echo "fuzz_$name"; done)
echo "fuzz-deep $(date -u +%FT%TZ): $names, $runs runs each, $jobs at a time, in $out" | tee -a "$out/summary.txt"
failed=0
running=0
for name in $names; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || failed=1
		running=$((running - 1))
	fi
	fuzz_one "$name" &
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	wait -n || failed=1
	running=$((running - 1))
done
if [ "$install" = 1 ]; then
	for name in $names; do
		[ -d "$out/merged/$name" ] && install_seeds "$name"
	done
fi
echo "fuzz-deep $(date -u +%FT%TZ): done, $([ "$failed" = 0 ] && echo "no crash" || echo "CRASHES in $out/crashes")" \
     | tee -a "$out/summary.txt"
exit "$failed"
