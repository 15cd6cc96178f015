#!/bin/sh
# Builds the libFuzzer harnesses with clang under ASan + UBSan and runs each one for
# SECONDS (default 60) from its committed seeds (tests/fuzz/corpus/NAME) with its
# dictionary (tests/fuzz/NAME.dict), two at a time. New inputs go to a scratch corpus,
# never into the repository (scripts/fuzz-deep.sh grows the corpora). A crash fails the
# run and leaves its input in build/fuzz/crashes/. usage: scripts/fuzz-smoke.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/deps.sh fuzz
CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESURA_FUZZ=ON \
      -DMESURA_SANITIZE=ON -DMESURA_BUILD_TESTS=OFF -DMESURA_BUILD_EXAMPLES=OFF \
      -DMESURA_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)"
mkdir -p build/fuzz/crashes build/fuzz/logs
# Posts up to 1 MiB for the harnesses that read posts (libFuzzer lets inputs grow
# slowly: a short run rarely gets near; scripts/fuzz-deep.sh goes further).
max_len() {
	case $1 in
	normalize | tokenize | scan) echo 1048576 ;;
	*) echo 4096 ;;
	esac
}
run() {
	name=$1
	work=$(mktemp -d)
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	   build/fuzz/tests/fuzz/fuzz_"$name" -max_total_time="$seconds" -max_len="$(max_len "$name")" \
	     -dict=tests/fuzz/"$name".dict -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	     -artifact_prefix=build/fuzz/crashes/"$name"- \
	     "$work" tests/fuzz/corpus/"$name" >build/fuzz/logs/"$name".log 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/logs/"$name".log)
		echo "fuzz_$name: ${execs:-?} executions in ${seconds} s, no crash"
		status=0
	else
		echo "fuzz_$name: FAILED (build/fuzz/logs/$name.log; input in build/fuzz/crashes/)"
		tail -30 build/fuzz/logs/"$name".log
		status=1
	fi
	rm -rf "$work"
	return $status
}
failed=0
for pair in "normalize tokenize" "policy scan" "redact json"; do
	pids=""
	for name in $pair; do
		run "$name" & pids="$pids $!"
	done
	for pid in $pids; do
		wait "$pid" || failed=1
	done
done
[ "$failed" = 0 ] && echo "fuzz smoke run: every harness ran ${seconds} s without a crash"
exit "$failed"
