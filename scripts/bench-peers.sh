#!/usr/bin/env bash
# Measures herald beside the official SDKs on this machine, one after the
# other in one run, with wrk (50 connections) against loopback:
#   - Slack "/herald help": herald vs Bolt for JavaScript answering ack({...})
#     with herald's own help;
#   - a Slack button click: both acknowledge and answer through response_url;
#   - a signed Teams "help" message: herald vs botbuilder (CloudAdapter),
#     inbound tokens validated against the same local OpenID metadata.
# Every request is distinct and signed (herald runs a replay once); only 200s
# without "busy" count as answered.
# The measurements repeat ROUNDS times, herald and the peers taking turns, so
# that a noisy machine shows as spread rather than as one lucky or unlucky
# figure; each round has fresh requests and ends with its ratios.
#   scripts/bench-peers.sh [DURATION] [REQUESTS] [ROUNDS]   e.g. scripts/bench-peers.sh 10s 300000 3
# Needs Go, Node.js with npm (Bolt and botbuilder are installed into a
# temporary folder) and wrk (apt-get install -y wrk). Uses REDIS_URL when
# set, else herald's embedded store; herald's keys go under herald-bench:,
# where the replay checks of the requests expire within an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
count=${2:-300000}
rounds=${3:-1}
secret=bench-signing-secret
appid=00000000-1111-2222-3333-444444444444
sink=127.0.0.1:18090
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
for c in wrk node npm; do command -v "$c" >/dev/null || { echo "bench: $c not found"; exit 1; }; done

echo "bench: installing @slack/bolt and botbuilder into $tmp"
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @slack/bolt botbuilder >/dev/null)
(cd "$tmp" && node -e 'for (const p of ["@slack/bolt","botbuilder"]) console.log("bench:", p, require(p + "/package.json").version)')
cp scripts/peers/*.js "$tmp/"
go build -o "$tmp/herald" ./cmd/herald
go build -o "$tmp/peerbench" ./scripts/peerbench

"$tmp/peerbench" sink "$sink" "$tmp/key.pem" & pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/key.pem" ] && curl -fs "http://$sink/openid" >/dev/null 2>&1 && break; sleep 0.1; done
[ -s "$tmp/key.pem" ] || { echo "bench: the sink did not start on $sink"; exit 1; }

wait_up() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return; sleep 0.1; done; echo "bench: $1 did not come up"; exit 1; }
measure() { # name url requests-file; keeps wrk's figures in $tmp/<name>
  echo; echo "== $1: wrk -t2 -c50 -d$duration --latency -s scripts/bench.lua $2"
  BENCH_REQUESTS="$3" BENCH_THREADS=2 wrk -t2 -c50 -d"$duration" --latency -s scripts/bench.lua "$2" |
    grep -E 'Latency |99%|50%|Requests/sec|answered' | tee "$tmp/$1"
  awk '/^answered/ && ($6+0 > 0 || $8+0 > 0 || $12+0 > 0) {
    print "bench: WARNING: busy, failed or repeated requests; this figure does not count"}' "$tmp/$1"
}
rate() { awk '/^Requests\/sec/{print $2}' "$tmp/$1"; }
p99() { awk '$1=="99%"{v=$2; if (v ~ /us$/) v=v/1000; else if (v ~ /ms$/) v=v+0; else if (v ~ /s$/) v=v*1000; print v}' "$tmp/$1"; }
compare() { # what herald-name peer-name
  awk -v what="$1" -v hr="$(rate "$2")" -v pr="$(rate "$3")" -v hp="$(p99 "$2")" -v pp="$(p99 "$3")" 'BEGIN {
    printf "%-22s herald %8.0f/s p99 %6.2f ms | peer %8.0f/s p99 %6.2f ms | %4.2fx throughput, p99 ratio %4.2f\n", what, hr, hp, pr, pp, hr/pr, hp/pp }'
}

for round in $(seq 1 "$rounds"); do
  echo; echo "=== round $round of $rounds"
  "$tmp/peerbench" slack-commands "$secret" "http://$sink/respond" "$count" "$tmp/commands.txt"
  "$tmp/peerbench" slack-clicks "$secret" "http://$sink/respond" "$count" "$tmp/clicks.txt"
  "$tmp/peerbench" teams "$tmp/key.pem" "$appid" "http://$sink/" "$count" "$tmp/teams.txt"

  (cd "$tmp" && SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET=$secret SLACK_API_URL="http://$sink/api/" \
    TEAMS_APP_ID=$appid TEAMS_APP_PASSWORD=bench TEAMS_OPENID_METADATA_URL="http://$sink/openid" TEAMS_TOKEN_URL="http://$sink/token" \
    HERALD_ADDR=127.0.0.1:18080 HERALD_LOG_LEVEL=error HERALD_DATA_DIR="$tmp/data" HERALD_REDIS_PREFIX="herald-bench:" \
    "$tmp/herald") & herald=$!; pids+=($herald)
  wait_up http://127.0.0.1:18080/healthz
  "$tmp/peerbench" once "$tmp/commands.txt" http://127.0.0.1:18080/slack/commands > "$tmp/help.json"
  help_text=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).text)' "$tmp/help.json")
  measure herald-help http://127.0.0.1:18080/slack/commands "$tmp/commands.txt"
  measure herald-click http://127.0.0.1:18080/slack/interactions "$tmp/clicks.txt"
  measure herald-teams http://127.0.0.1:18080/api/messages "$tmp/teams.txt"
  kill "$herald"; wait "$herald" 2>/dev/null || true

  (cd "$tmp" && PORT=18081 SECRET=$secret SLACK_API_URL="http://$sink/api/" HELP_FILE="$tmp/help.json" node bolt.js) & bolt=$!; pids+=($bolt)
  wait_up http://127.0.0.1:18081/slack/commands
  measure bolt-help http://127.0.0.1:18081/slack/commands "$tmp/commands.txt"
  measure bolt-click http://127.0.0.1:18081/slack/interactions "$tmp/clicks.txt"
  kill "$bolt"; wait "$bolt" 2>/dev/null || true

  (cd "$tmp" && PORT=18082 APP_ID=$appid METADATA_URL="http://$sink/openid" HELP_TEXT="$help_text" node botbuilder.js) & bb=$!; pids+=($bb)
  wait_up http://127.0.0.1:18082/
  measure botbuilder-teams http://127.0.0.1:18082/api/messages "$tmp/teams.txt"
  kill "$bb"; wait "$bb" 2>/dev/null || true

  echo; echo "--- round $round"
  compare "Slack /herald help" herald-help bolt-help | tee -a "$tmp/summary"
  compare "Slack button click" herald-click bolt-click | tee -a "$tmp/summary"
  compare "Teams help" herald-teams botbuilder-teams | tee -a "$tmp/summary"
done
echo; echo "=== all rounds"; cat "$tmp/summary"
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
