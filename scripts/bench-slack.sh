#!/usr/bin/env bash
# Measures signed Slack slash-command acknowledgements of a running herald:
# 50 connections, wrk from Debian's packages (apt-get install -y wrk). Each
# "/herald help" is distinct (herald runs a replayed request once), answered
# by the core and carried inline in the acknowledgement.
#   scripts/bench-slack.sh [DURATION] [REQUESTS]    e.g. scripts/bench-slack.sh 20s 500000
# Uses REDIS_URL when set, else the embedded store (keys under herald-bench:, the
# replay checks of the requests expire within an hour). Slack itself is a local sink.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
count=${2:-500000}
secret=bench-signing-secret
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install -y wrk)"; exit 1; }
go build -o "$tmp/herald" ./cmd/herald
go build -o "$tmp/peerbench" ./scripts/peerbench

"$tmp/peerbench" sink 127.0.0.1:18090 "$tmp/key.pem" & pids+=($!)
(cd "$tmp" && SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET=$secret SLACK_API_URL=http://127.0.0.1:18090/api/ \
  HERALD_ADDR=127.0.0.1:18080 HERALD_LOG_LEVEL=error HERALD_DATA_DIR="$tmp/data" \
  HERALD_REDIS_PREFIX="herald-bench:" "$tmp/herald") & pids+=($!)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.1; done

"$tmp/peerbench" slack-commands "$secret" http://127.0.0.1:18090/respond "$count" "$tmp/commands.txt"
echo "bench: wrk -t2 -c50 -d$duration --latency -s scripts/bench.lua http://127.0.0.1:18080/slack/commands"
BENCH_REQUESTS="$tmp/commands.txt" BENCH_THREADS=2 wrk -t2 -c50 -d"$duration" --latency -s scripts/bench.lua http://127.0.0.1:18080/slack/commands
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
