#!/usr/bin/env bash
# Installs the pinned n8n CLIs used by the end-to-end tests, each once, into a cache folder outside the
# repo (default ~/.cache/memberspot-e2e/n8n-<version>). Safe to run again: an installed version is skipped.
#
# n8n's `xlsx` dependency points at a tarball outside the npm registry; it is overridden to 0.18.5 (the
# last registry release) so that the install works where only the npm registry is reachable.
# Dependency install scripts run: n8n does not run without them (its sqlite3 is compiled on install); the
# repo's .npmrc (ignore-scripts) does not apply in the cache folder.
#
#   MEMBERSPOT_E2E_CACHE   cache root (default $HOME/.cache/memberspot-e2e)
#   N8N_VERSIONS           space-separated versions (default "2.8.4 1.123.50")
set -euo pipefail

CACHE="${MEMBERSPOT_E2E_CACHE:-$HOME/.cache/memberspot-e2e}"
VERSIONS="${N8N_VERSIONS:-2.8.4 1.123.50}"
mkdir -p "$CACHE"

# n8n's sqlite3 has no prebuilt binary reachable without GitHub, so npm compiles it (node-gyp): that needs
# python3, make and a C++ compiler (Debian packages), and the Node.js headers, which node-gyp would
# otherwise download from nodejs.org: use the ones that ship with this Node.js when they are there.
need_tools() {
  for tool in python3 make g++; do command -v "$tool" >/dev/null 2>&1 || return 0; done
  return 1
}
prepare_build() {
  if need_tools; then
    if command -v apt-get >/dev/null 2>&1; then
      echo "== installing build tools for native modules (Debian packages)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null
    else
      echo "!! python3, make and g++ are needed to build n8n's sqlite3; install them first" >&2
    fi
  fi
  if [ -z "${npm_config_nodedir:-}" ] && [ -z "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$\|^null$')" ]; then
    prefix="$(dirname "$(dirname "$(command -v node)")")"
    if [ -f "$prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$prefix"; fi
  fi
}

for v in $VERSIONS; do
  dir="$CACHE/n8n-$v"
  if [ -f "$dir/.installed" ] && [ -x "$dir/node_modules/.bin/n8n" ]; then
    echo "== n8n $v already installed in $dir"
    continue
  fi
  echo "== installing n8n $v into $dir (takes a few minutes)"
  prepare_build
  rm -rf "$dir"
  mkdir -p "$dir"
  cat > "$dir/package.json" <<JSON
{
  "name": "memberspot-e2e-n8n-$v",
  "private": true,
  "dependencies": { "n8n": "$v" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
  # An .npmrc of our own so that no project or user setting (ignore-scripts, omit, ...) leaks in.
  printf 'fund=false\naudit=false\nupdate-notifier=false\n' > "$dir/.npmrc"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  "$dir/node_modules/.bin/n8n" --version
  date -u +%FT%TZ > "$dir/.installed"
done
