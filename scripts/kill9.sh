#!/usr/bin/env bash
# Kills herald (console mode, embedded store) with SIGKILL while it stores
# shout-outs, starts it again on the same data, and counts the shout-outs it
# had acknowledged ("Thank you! …" printed) that did not survive.
# Usage: scripts/kill9.sh [rounds] [seconds before each kill]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
wait_s=${2:-1.5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/herald" ./cmd/herald
export HERALD_DATA_DIR="$work/data" HERALD_WINS_CHANNEL=wins HERALD_LOG_LEVEL=error

acked=0
for r in $(seq 1 "$rounds"); do
  yes "shoutout @anna thanks for round $r" | head -n 200000 >"$work/in$r" || true # yes ends on SIGPIPE
  "$work/herald" <"$work/in$r" >"$work/out$r" 2>/dev/null &
  pid=$!
  sleep "$wait_s"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  n=$(grep -c "Thank you!" "$work/out$r" || true)
  acked=$(( acked + n ))
  echo "round $r: killed after $n acknowledged shout-outs"
done
stored=$(echo "shoutout top" | "$work/herald" 2>/dev/null | tr -d ',.' | sed -n 's/.*\b\([0-9][0-9]*\) shout-outs this month.*/\1/p' | head -1)
echo "acknowledged: $acked, stored after restart: ${stored:-0}, lost: $(( acked > ${stored:-0} ? acked - ${stored:-0} : 0 ))"
