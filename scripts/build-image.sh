#!/usr/bin/env bash
# Builds herald's container image the way Go release tooling does: the static
# binary first, then a context holding only what the image needs, built with
# buildah (no daemon; falls back to docker when buildah is missing).
#
# Usage: scripts/build-image.sh [image]     default image: localhost/herald
# Tags <image>:<version> and <image>:latest; prints the version tag.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:-localhost/herald}
uid=65532 # the non-root user herald runs as
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
certs=/etc/ssl/certs/ca-certificates.crt
[ -r "$certs" ] || { echo "build-image: $certs missing: install ca-certificates" >&2; exit 1; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT

# -buildvcs=auto: the commit and its time go into the build info (herald
# version prints them) even where GOFLAGS turns stamping off.
CGO_ENABLED=0 go build -trimpath -buildvcs=auto \
  -ldflags "-s -w -X main.version=$version" \
  -o "$ctx/herald" ./cmd/herald
mkdir -p "$ctx/etc/ssl/certs" "$ctx/data"
cp "$certs" "$ctx/etc/ssl/certs/ca-certificates.crt"
echo "herald:x:$uid:$uid:herald:/data:/sbin/nologin" >"$ctx/etc/passwd"
echo "herald:x:$uid:" >"$ctx/etc/group"
cp Containerfile .dockerignore "$ctx/"

args=(--build-arg "VERSION=$version" --build-arg "REVISION=$commit" --build-arg "CREATED=$date"
  -f "$ctx/Containerfile" -t "$image:$version" -t "$image:latest")
if command -v buildah >/dev/null 2>&1; then
  # Docker format: the OCI image format has no HEALTHCHECK.
  buildah bud --isolation chroot --format docker --quiet "${args[@]}" "$ctx" >/dev/null
else
  docker build --quiet "${args[@]}" "$ctx" >/dev/null
fi
echo "$image:$version"
