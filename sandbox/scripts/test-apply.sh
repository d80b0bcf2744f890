#!/usr/bin/env bash
# pnpm test:apply: both stacks deployed into the sandbox, flipped and destroyed for real.
# With podman and the distribution registry (installed here when missing, as root on Debian), the
# deploys build the real docker/Dockerfile, push it to the loopback registry, and Invoke and RunTask
# run that image; without them (SWITCHYARD_SANDBOX_BUNDLES=1), the bundles run as processes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
docker_scripts="$here/../../docker/scripts"
started=$SECONDS
"$here/ensure-moto.sh"
"$here/ensure-haproxy.sh"

# Where podman or the registry is missing and cannot be installed (not root, not Debian), the tier
# still runs, with the bundles as processes, and says so.
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
if [ "${SWITCHYARD_SANDBOX_BUNDLES:-}" != 1 ] && ! command -v podman >/dev/null 2>&1 && ! can_install; then
  echo "apply tier: podman is missing and cannot be installed here; tasks and functions run as processes" >&2
  export SWITCHYARD_SANDBOX_BUNDLES=1
fi
if [ "${SWITCHYARD_SANDBOX_BUNDLES:-}" != 1 ] && ! command -v docker-registry >/dev/null 2>&1 && ! command -v registry >/dev/null 2>&1 && ! can_install; then
  echo "apply tier: the distribution registry is missing and cannot be installed here; tasks and functions run as processes" >&2
  export SWITCHYARD_SANDBOX_BUNDLES=1
fi

if [ "${SWITCHYARD_SANDBOX_BUNDLES:-}" != 1 ]; then
  # shellcheck source=../../docker/scripts/container-runtime.sh
  source "$docker_scripts/container-runtime.sh"
  if ! command -v docker-registry >/dev/null 2>&1 && ! command -v registry >/dev/null 2>&1; then
    echo "apply tier: installing docker-registry from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
  fi
  # The Dockerfile's default base cannot be pulled where no image registry is reachable; a local
  # stand-in with its layout can, and the build trusts the machine's CA bundle (an intercepting proxy).
  if ! podman image exists "${BASE_IMAGE:-node:22-bookworm-slim}"; then
    BASE_IMAGE=$("$docker_scripts/build-local-base.sh")
    export BASE_IMAGE
  fi
  [ -r /etc/ssl/certs/ca-certificates.crt ] && export SWITCHYARD_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
  # Both stacks' deploys build the same image at once; one build first fills podman's layer cache for both.
  built=$SECONDS
  ENGINE=podman CA_BUNDLE="${SWITCHYARD_CA_BUNDLE:-}" "$docker_scripts/build-image.sh" localhost/switchyard:apply-tier >/dev/null 2>&1 ||
    echo "apply tier: the image did not prebuild; each deploy builds it" >&2
  echo "apply tier: image built in $((SECONDS - built)) s"
fi

cd "$here/.."
status=0
pnpm exec jest --config jest.apply.config.js "$@" || status=$?
echo "apply tier: $((SECONDS - started)) s in all"
exit $status
