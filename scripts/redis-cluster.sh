#!/usr/bin/env bash
# Starts a throw-away Redis Cluster of three masters and three replicas on
# free ports under one temporary directory, prints REDIS_CLUSTER_ADDRS=… and
# the directory, and leaves the servers running (each writes its pid to
# DIR/PORT/pid). Stop it with: scripts/redis-cluster.sh stop DIR
set -euo pipefail

if [ "${1:-}" = stop ]; then
  for pid in "$2"/*/pid; do kill "$(cat "$pid")" 2>/dev/null || true; done
  rm -rf "$2"
  exit 0
fi

dir=$(mktemp -d)
base=$(python3 -c 'import random; print(random.randrange(20000, 40000, 10))')
addrs=()
for i in 0 1 2 3 4 5; do
  port=$((base + i))
  mkdir -p "$dir/$port"
  (cd "$dir/$port" && redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file nodes.conf --cluster-node-timeout 3000 --appendonly yes \
    --save "" --daemonize yes --pidfile "$dir/$port/pid" --logfile "$dir/$port/log")
  addrs+=("127.0.0.1:$port")
done
for a in "${addrs[@]}"; do
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "${a##*:}" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log"
for _ in $(seq 1 100); do
  redis-cli -p "$base" cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.1
done
echo "REDIS_CLUSTER_ADDRS=$(IFS=,; echo "${addrs[*]}")"
echo "REDIS_CLUSTER_DIR=$dir"
