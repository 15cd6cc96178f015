#!/bin/sh
# The load benchmark of docs/serve.md ("Load"): wrk on loopback, keep-alive, 2 threads,
# 64 connections, SECONDS (30) per run, against `mesura-serve --threads 2` with the
# built-in default policy and its request log on. Single posts cycle through the 26 of
# examples/data/sample-posts.txt; a batch is 100 of them; then `mesura-screen --threads 2`
# over the same posts x100,000 for the batch comparison. Not a test: the figures depend
# on the machine and on what else runs on it (say so next to them).
# usage: bench/serve/run.sh BUILD_DIR [PORT]      (needs Debian's wrk and curl)
set -eu
build=$1
port=${2:-18932}
seconds=${SECONDS_PER_RUN:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

# The request bodies, written by Python's json (UTF-16 escapes, as a browser's would be;
# the sample's line of Latin-1 bytes reads with U+FFFD, as JSON cannot carry it).
python3 - "$here/../../examples/data/sample-posts.txt" "$work" <<'PY'
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
    for i in range(100000):
        f.write(posts[i % len(posts)] + "\n")
PY

"$build/examples/mesura-serve" -l "127.0.0.1:$port" -j 2 --log "$work/serve.log" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
	sleep 0.5
done
rss() { grep VmRSS "/proc/$pid/status" | tr -s ' \t' ' '; }
echo "rss at start: $(rss)"
echo "== single post, 64 connections, ${seconds} s"
wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/single.lua" "http://127.0.0.1:$port/v1/screen"
echo "rss after single: $(rss)"
echo "== batch of 100, 64 connections, ${seconds} s"
wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/batch.lua" "http://127.0.0.1:$port/v1/screen"
echo "rss after batch: $(rss)"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^mesura_(errors|posts)_total' || true
kill -TERM "$pid"
wait "$pid" && echo "mesura-serve exit 0"
echo "== mesura-screen --threads 2, the same posts x100,000"
start=$(date +%s.%N)
"$build/examples/mesura-screen" --threads 2 --format jsonl "$work/posts.txt" >/dev/null || true
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "mesura-screen: %.0f posts/s\n", 100000 / (b - a) }'
