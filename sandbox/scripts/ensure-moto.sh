#!/usr/bin/env bash
# The sandbox's tests need moto's server. When neither the machine's Python nor the project's own
# virtual environment (.local/moto) has it, install it there: `pip install 'moto[server]'`.
set -euo pipefail
venv="$(cd "$(dirname "$0")/../.." && pwd)/.local/moto"
if command -v moto_server >/dev/null 2>&1 || python3 -c 'import moto.server' >/dev/null 2>&1 || [ -x "$venv/bin/moto_server" ]; then
  exit 0
fi
echo "sandbox: moto's server is missing; installing moto[server] into $venv" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet 'moto[server]' ||
  { echo "sandbox: pip could not install moto[server]; install it by hand (pip install 'moto[server]')" >&2; exit 1; }
