#!/usr/bin/env bash
# The chart test renders in Debian's Chromium. Installs it when missing, as root on Debian (as CI
# runs); elsewhere it says what to install.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The cost chart test needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium)." >&2
  exit 1
fi
echo "Installing Debian's chromium for the cost chart test..." >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
