#!/usr/bin/env bash
# The sandbox's load balancers are HAProxy (2.6 or later). Installs Debian's package when missing,
# as root on Debian (as CI runs); elsewhere it says what to install.
set -euo pipefail
command -v haproxy >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "sandbox: HAProxy is missing; install it (Debian/Ubuntu: apt-get install haproxy; macOS: brew install haproxy)" >&2
  exit 1
fi
echo "sandbox: installing HAProxy from Debian's packages" >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
# The package's own service is not wanted: the sandbox starts its proxies itself.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
