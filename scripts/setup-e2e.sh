#!/usr/bin/env bash
# Installs what the end-to-end suites need outside npm: Debian's Chromium for the browser tests, and the
# pinned n8n CLIs (cached outside the repo, see scripts/install-n8n.sh). Safe to run again: it skips
# what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends chromium fonts-liberation >/dev/null
fi
chromium --version

if [ -f scripts/install-n8n.sh ]; then
  bash scripts/install-n8n.sh
fi
