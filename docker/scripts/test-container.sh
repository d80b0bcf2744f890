#!/usr/bin/env bash
# pnpm test:container: builds the real docker/Dockerfile on a local stand-in for its base image and
# runs the container tier against it with podman. Installs podman and friends when missing (as root
# on Debian); fails, naming what is missing, when it cannot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
started=$SECONDS
# shellcheck source=container-runtime.sh
source "$here/container-runtime.sh"

base_image=$("$here/build-local-base.sh")
export SWITCHYARD_TEST_BASE_IMAGE="$base_image"
export SWITCHYARD_TEST_IMAGE="${SWITCHYARD_TEST_IMAGE:-localhost/switchyard:container-test}"

# The machine's CA bundle, so the build trusts the same proxies the host does.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
built=$SECONDS
ENGINE=podman BASE_IMAGE="$base_image" CA_BUNDLE=$([ -r "$ca_bundle" ] && echo "$ca_bundle") \
  "$here/build-image.sh" "$SWITCHYARD_TEST_IMAGE" >"$CONTAINER_RUNTIME_DIR/image-build.log" 2>&1 ||
  { tail -40 "$CONTAINER_RUNTIME_DIR/image-build.log" >&2; echo "container tier: the image build failed" >&2; exit 1; }
echo "container tier: built $SWITCHYARD_TEST_IMAGE in $((SECONDS - built)) s"

cd "$here/.."
status=0
pnpm exec jest --runInBand "$@" || status=$?
echo "container tier: $((SECONDS - started)) s in all"
exit $status
