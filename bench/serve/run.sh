#!/bin/sh
# The load benchmark of docs/serve.md ("Load"): wrk on loopback, keep-alive, 2 threads,
# 64 connections, SECONDS_PER_RUN (30) per run, against `mesura-serve --threads 2` with
# the built-in default policy and its request log on. Single posts cycle through the 26
# of examples/data/sample-posts.txt; a batch is 100 of them; ROUNDS (1) rounds of the
# two, the service's RSS read every 5 s and the CPU seconds of its workers, of
# libmicrohttpd's thread and of wrk after each run. Then `mesura-screen --threads 2` over the same
# posts x1,000,000, as plain text and as JSONL ({"id","text"} as in the batch), for the
# batch comparison. Not a test: the figures depend on the machine and on what else runs
# on it (say so next to them).
# usage: bench/serve/run.sh BUILD_DIR [PORT]      (needs Debian's wrk and curl)
set -eu
build=$1
port=${2:-18932}
seconds=${SECONDS_PER_RUN:-30}
rounds=${ROUNDS:-1}
screened=1000000
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

# The request bodies, written by Python's json: non-ASCII as \u escapes, as Python and
# many other clients send it (a browser's JSON.stringify sends UTF-8 as it is, which
# reads faster); the sample's line of Latin-1 bytes reads with U+FFFD, as JSON cannot
# carry it.
python3 - "$here/../../examples/data/sample-posts.txt" "$work" "$screened" <<'PY'
import json, sys
posts = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8", errors="replace") if l.strip()]
out = sys.argv[2]
bodies = [json.dumps({"id": i, "text": t}) for i, t in enumerate(posts)]
head = 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
with open(f"{out}/single.lua", "w") as f:
    f.write(head + "local bodies = {" + ",".join(f"[==[{b}]==]" for b in bodies) + "}\n"
            "local n = 0\nrequest = function()\n  n = n % #bodies + 1\n"
            "  return wrk.format(nil, nil, nil, bodies[n])\nend\n")
batch = json.dumps({"posts": [{"id": i, "text": posts[i % len(posts)]} for i in range(100)]})
with open(f"{out}/batch.lua", "w") as f:
    f.write(head + f"wrk.body = [==[{batch}]==]\n")
with open(f"{out}/posts.txt", "w", encoding="utf-8") as f:
    for i in range(int(sys.argv[3])):
        f.write(posts[i % len(posts)] + "\n")
with open(f"{out}/posts.jsonl", "w", encoding="utf-8") as f:
    for i in range(int(sys.argv[3])):
        f.write(json.dumps({"id": i, "text": posts[i % len(posts)]}) + "\n")
PY

"$build/examples/mesura-serve" -l "127.0.0.1:$port" -j 2 --log "$work/serve.log" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
	sleep 0.5
done
rss() { grep VmRSS "/proc/$pid/status" | tr -s ' \t' ' '; }
# CPU clock ticks (user + system) of the service's threads: "NAME TICKS" per thread
# (the workers are mesura-serve, libmicrohttpd's thread MHD-single)
ticks() {
	for t in /proc/"$pid"/task/*; do
		echo "$(cat "$t/comm") $(sed 's/.*) //' "$t/stat" | awk '{ print $12 + $13 }')"
	done
}
# The CPU seconds (user + system) of this shell's waited-for children (wrk,
# mesura-screen) from a file `times` wrote: `times` runs in this shell, not in a
# subshell, which would count its own children only.
children_cpu() { awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$1"; }
# wrk for one run, the service's RSS every 5 s beside it, then where the CPU went
load() {
	( while sleep 5; do printf '%s;' "$(rss | sed 's/VmRSS: //')"; done ) >"$work/rss" &
	sampler=$!
	ticks >"$work/ticks.before"
	times >"$work/times.before"
	wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/$1.lua" "http://127.0.0.1:$port/v1/screen"
	times >"$work/times.after"
	ticks >"$work/ticks.after"
	before=$(children_cpu "$work/times.before")
	after=$(children_cpu "$work/times.after")
	kill "$sampler"
	echo "rss every 5 s: $(cat "$work/rss")"
	paste "$work/ticks.before" "$work/ticks.after" |
	    awk -v hz="$(getconf CLK_TCK)" -v wrk="$(echo "$before $after" | awk '{ print $2 - $1 }')" '
	    { used[$1] += ($4 - $2) / hz }
	    END { printf "cpu seconds (user + system): workers %.2f, libmicrohttpd %.2f, wrk %.2f\n",
	          used["mesura-serve"], used["MHD-single"], wrk }'
}
echo "rss at start: $(rss)"
round=1
while [ "$round" -le "$rounds" ]; do
	echo "== round $round: single post, 64 connections, ${seconds} s"
	load single
	echo "== round $round: batch of 100, 64 connections, ${seconds} s"
	load batch
	echo "rss after round $round: $(rss)"
	round=$((round + 1))
done
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^mesura_(errors|posts)_total' || true
kill -TERM "$pid"
wait "$pid" && echo "mesura-serve exit 0"
# posts/s of mesura-screen --threads 2 over FILE, the whole process, and its CPU
screen() {
	times >"$work/times.before"
	start=$(date +%s.%N)
	"$build/examples/mesura-screen" --threads 2 --format jsonl "$1" >/dev/null || true
	end=$(date +%s.%N)
	times >"$work/times.after"
	before=$(children_cpu "$work/times.before")
	after=$(children_cpu "$work/times.after")
	awk -v a="$start" -v b="$end" -v n="$screened" -v what="$2" -v cpu="$before $after" \
	    'BEGIN { split(cpu, c, " ");
	             printf "mesura-screen --threads 2, %s: %.0f posts/s, cpu %.2f s\n", what,
	                    n / (b - a), c[2] - c[1] }'
}
echo "== mesura-screen, the same posts x$screened"
screen "$work/posts.txt" "plain text"
screen "$work/posts.jsonl" "JSONL"
