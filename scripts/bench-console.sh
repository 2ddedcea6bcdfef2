#!/usr/bin/env bash
# Measures herald in console mode: time from start to ready (the banner is
# printed) and resident memory while idle. Usage: bench/console.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/herald" ./cmd/herald

starts=()
for i in $(seq 1 "$runs"); do
  mkfifo "$work/in$i"
  start=$(date +%s%N)
  HERALD_DATA_DIR="$work/data" "$work/herald" <"$work/in$i" >"$work/out$i" 2>/dev/null &
  pid=$!
  exec 3>"$work/in$i"            # keep stdin open: herald stays idle
  until grep -q "herald console" "$work/out$i" 2>/dev/null; do sleep 0.001; done
  ready=$(date +%s%N)
  starts+=($(( (ready - start) / 1000000 )))
  if [ "$i" -eq "$runs" ]; then
    sleep 2
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  fi
  exec 3>&-                      # end of input: herald stops cleanly
  wait "$pid"
done
sorted=$(printf '%s\n' "${starts[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
max=$(echo "$sorted" | tail -1)
echo "start to ready: median ${median} ms, max ${max} ms over ${runs} runs"
echo "idle resident memory: $(( rss / 1024 )) MB (${rss} kB)"
