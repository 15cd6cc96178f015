#!/bin/sh
# Checks that libmesura's ABI has not changed incompatibly since the baseline in
# abi/libmesura.abi (libabigail's abidiff; only the public headers' types count).
# Adding functions is fine; removing or changing one fails. The experimental part
# (include/mesura/experimental.h, listed in abi/experimental.suppr) may change in any
# minor release and is not checked. After an intended break
# (with a SONAME bump, docs/api.md), record the new baseline with --update.
# usage: scripts/abi-check.sh [--update]
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh abi
cmake -S . -B build/abi -DCMAKE_BUILD_TYPE=Debug -DMESURA_BUILD_TESTS=OFF \
      -DMESURA_BUILD_EXAMPLES=OFF -DMESURA_BUILD_BENCH=OFF >/dev/null
cmake --build build/abi -j "$(nproc 2>/dev/null || echo 2)" --target mesura >/dev/null
lib=$(ls -t build/abi/libmesura.so.*.*.* | head -1) # the newest: an old SONAME may linger
abidw --headers-dir include --drop-private-types --no-show-locs --out-file build/abi/current.abi "$lib"
if [ "${1:-}" = "--update" ]; then
	cp build/abi/current.abi abi/libmesura.abi
	echo "abi/libmesura.abi updated from $lib"
	exit 0
fi
# abidiff's status says "changed" for additions too: a break is a removed or changed
# function or variable in its summary, or a status of incompatible (8) or error (1, 2).
status=0
abidiff --no-show-locs --suppressions abi/experimental.suppr abi/libmesura.abi build/abi/current.abi >build/abi/report.txt || status=$?
broken=$(sed -n 's/^\(Functions\|Variables\) changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\2 \3/p' \
         build/abi/report.txt | awk '{ n += $1 + $2 } END { print n + 0 }')
if [ $((status & 11)) -ne 0 ] || [ "$broken" -ne 0 ]; then
	cat build/abi/report.txt
	echo "ABI check: incompatible change against abi/libmesura.abi (see above)" >&2
	exit 1
fi
if [ $((status & 4)) -ne 0 ]; then
	echo "ABI check: compatible additions:"
	cat build/abi/report.txt
fi
echo "ABI check: no incompatible change against abi/libmesura.abi"
