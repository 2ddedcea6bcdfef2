#!/usr/bin/env bash
# Measures the Redis memory and disk a year of herald takes: starts a Redis of
# its own (AOF, appendfsync everysec, as in production), fills it through the
# core with scripts/sizing, then reports memory and the AOF and RDB sizes.
# Usage: scripts/bench-sizing.sh [-people 1000] [-weeks 52]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
  --save "" >"$dir/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
cli() { redis-cli -p "$port" "$@"; }
until cli ping >/dev/null 2>&1; do sleep 0.05; done

echo "$(redis-server --version | cut -d' ' -f1-3)"
REDIS_URL="redis://127.0.0.1:$port/0" go run ./scripts/sizing "$@"

cli bgrewriteaof >/dev/null
while [ "$(cli info persistence | tr -d '\r' | awk -F: '/^aof_rewrite_in_progress/ {print $2}')" != 0 ]; do sleep 0.1; done
cli save >/dev/null
echo "on disk: AOF $(du -sk "$dir/appendonlydir" | cut -f1) kB after a rewrite, RDB $(( $(stat -c %s "$dir/dump.rdb") / 1024 )) kB"
