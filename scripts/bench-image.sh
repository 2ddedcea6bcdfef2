#!/usr/bin/env bash
# Measures herald's container image: its size (unpacked and compressed), and the time from
# `buildah run` to the first 200 from /readyz in HTTP mode (Slack on, with
# placeholder credentials; REDIS_URL is passed on when set, else the embedded
# store). buildah's chroot set-up is inside the figure.
# Usage: scripts/bench-image.sh [runs] [image]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
image=${2:-localhost/herald:latest}
port=${BENCH_PORT:-18080}

buildah inspect --type image "$image" >/dev/null 2>&1 || image=$(scripts/build-image.sh)
size=$(buildah images --format '{{.Size}}' "$image" | head -1)
work=$(mktemp -d)
ctr=$(buildah from --quiet "$image")
trap 'buildah rm "$ctr" >/dev/null; rm -rf "$work"' EXIT
# What a registry stores and a node pulls: the compressed layers.
buildah push --quiet "$image" "oci-archive:$work/image.tar" >/dev/null
packed=$(( $(stat -c %s "$work/image.tar") / 1024 ))

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# buildah's own cost: running `herald version`, which does nothing.
base=()
for _ in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  buildah run --isolation chroot "$ctr" /herald version >/dev/null
  base+=($(( ($(date +%s%N) - start) / 1000000 )))
done

times=()
for _ in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  buildah run --isolation chroot --env SLACK_BOT_TOKEN=xoxb-bench --env SLACK_SIGNING_SECRET=bench \
    --env HERALD_ADDR="127.0.0.1:$port" --env REDIS_URL="${REDIS_URL:-}" "$ctr" /herald >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "bench-image: herald stopped before it was ready" >&2; exit 1; }
    sleep 0.005
  done
  ready=$(date +%s%N)
  times+=($(( (ready - start) / 1000000 )))
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
echo "image $image: $size unpacked, $packed kB as an OCI archive (compressed layers)"
echo "start to ready (buildah run → /readyz 200): median $(median "${times[@]}") ms, max $(printf '%s\n' "${times[@]}" | sort -n | tail -1) ms over $runs runs"
echo "buildah run of \`herald version\` alone: median $(median "${base[@]}") ms"
