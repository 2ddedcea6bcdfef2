#!/usr/bin/env bash
# Starts a throw-away Redis Cluster of three masters and three replicas on
# free ports under one temporary directory, prints REDIS_CLUSTER_ADDRS=… and
# the directory, and leaves the servers running (each writes its pid to
# DIR/PORT/pid). Stop it with: scripts/redis-cluster.sh stop DIR
set -euo pipefail

if [ "${1:-}" = stop ]; then
  pids=$(cat "$2"/*/pid 2>/dev/null || true)
  for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in $pids; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  rm -rf "$2"
  exit 0
fi

dir=$(mktemp -d)
# A start that fails stops what it started.
trap '[ -n "${ready_done:-}" ] || "$0" stop "$dir"' EXIT
# Six free ports in a row whose cluster bus ports (+10000) are free too.
base=$(python3 -c '
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
while True:
    b = random.randrange(20000, 40000, 10)
    if all(free(b + i) and free(b + i + 10000) for i in range(6)):
        print(b); break
')
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
  for _ in $(seq 1 100); do redis-cli -h 127.0.0.1 -p "${a##*:}" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p "${a##*:}" ping >/dev/null 2>&1 || { echo "redis-cluster: ${a} did not start" >&2; cat "$dir/${a##*:}/log" >&2; exit 1; }
done
redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log"
# Ready when every node sees the cluster ok and three replicas, and every
# replica has synchronised with its master: until then a master that dies
# could not fail over.
for _ in $(seq 1 200); do
  ready=yes
  for a in "${addrs[@]}"; do
    p=${a##*:}
    redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' || ready=no
    [ "$(redis-cli -p "$p" cluster nodes | grep -c slave)" = 3 ] || ready=no
    if redis-cli -p "$p" info replication | grep -q role:slave; then
      redis-cli -p "$p" info replication | grep -q master_link_status:up || ready=no
    fi
  done
  [ $ready = yes ] && break
  sleep 0.1
done
[ $ready = yes ] || { echo "redis-cluster: not ready" >&2; exit 1; }
ready_done=yes
echo "REDIS_CLUSTER_ADDRS=$(IFS=,; echo "${addrs[*]}")"
echo "REDIS_CLUSTER_DIR=$dir"
