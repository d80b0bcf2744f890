#!/usr/bin/env bash
# Builds docker/Dockerfile from the repository root with docker when its engine answers, else podman.
#
#   docker/scripts/build-image.sh [tag]          # default tag: switchyard:local
#
# Environment:
#   BASE_IMAGE   another base with the same layout as node:22-bookworm-slim (the Dockerfile's default)
#   CA_BUNDLE    a PEM bundle to trust while installing packages, for builds behind a TLS-intercepting
#                proxy; passed as a build secret, so it never lands in a layer
#   ENGINE       docker or podman, to choose instead of detecting
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag="${1:-switchyard:local}"

engine="${ENGINE:-}"
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  else
    echo "build-image: neither a running Docker engine nor podman was found." >&2
    exit 1
  fi
fi

args=(build --file "$root/docker/Dockerfile" --tag "$tag")
[ -n "${BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
if [ -n "${CA_BUNDLE:-}" ]; then
  [ -r "$CA_BUNDLE" ] || { echo "build-image: CA_BUNDLE $CA_BUNDLE is not readable." >&2; exit 1; }
  args+=(--secret "id=ca_bundle,src=$CA_BUNDLE")
fi
# podman's default build network is isolated from the host's resolver and proxy settings.
[ "$engine" = podman ] && args+=(--network host)

echo "build-image: $engine ${args[*]} $root" >&2
"$engine" "${args[@]}" "$root"
