#!/bin/sh
# Builds mesura and runs every test: a warnings-as-errors build, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer, the multi-threaded suites under
# ThreadSanitizer, the text suites with the portable scans, the coverage of src/ against
# its floors (scripts/coverage.sh), a short run of every fuzzer
# (MESURA_FUZZ_SECONDS each, 60 by default), the ABI check, and the Debian packages
# built, lintian-checked and run from where they unpack (scripts/package.sh --check).
# usage: scripts/test.sh
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
# puppeteer-core for the pre-publish page's browser test, which must run here, not skip.
scripts/deps.sh npm build/npm
node_modules="$PWD/build/npm/node_modules"
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESURA_WERROR=ON \
      -DMESURA_NODE_MODULES="$node_modules"
cmake --build build/test -j "$jobs"
MESURA_REQUIRE_BROWSER=1 ctest --test-dir build/test --output-on-failure -j "$jobs"

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DMESURA_WERROR=ON -DMESURA_SANITIZE=ON \
      -DMESURA_BUILD_BENCH=OFF -DMESURA_NODE_MODULES="$node_modules"
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 MESURA_REQUIRE_BROWSER=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"
# The suites that share objects between threads, under ThreadSanitizer.
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESURA_WERROR=ON -DMESURA_TSAN=ON \
      -DMESURA_BUILD_BENCH=OFF -DMESURA_BUILD_EXAMPLES=OFF
cmake --build build/tsan -j "$jobs" --target check_normalize check_scan check_stress
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build/tsan --output-on-failure -R '^(normalize|scan|stress)$'
# The portable form of the chunked text scans (what non-x86 machines run), against the
# general path: src/text/chunk.h, tests/check_fold_equiv.c.
cmake -S . -B build/portable -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESURA_WERROR=ON \
      -DMESURA_PORTABLE=ON -DMESURA_BUILD_BENCH=OFF -DMESURA_BUILD_EXAMPLES=OFF
cmake --build build/portable -j "$jobs" --target check_fold_equiv check_normalize check_conformance
ctest --test-dir build/portable --output-on-failure -R '^(fold_equiv|normalize|conformance)$'
# Line and branch coverage of src/ by the suite, failing below its floors.
scripts/coverage.sh build/coverage
# Every libFuzzer harness for a minute (ASan+UBSan), and the ABI against its baseline.
scripts/fuzz-smoke.sh "${MESURA_FUZZ_SECONDS:-60}"
scripts/abi-check.sh
scripts/package.sh --check
echo "all tests passed (normal, ASan+UBSan, TSan and portable-scan builds; coverage; fuzz smoke run; ABI; Debian packages)"
