#!/usr/bin/env bash
# Installs the pinned n8n CLIs used by the end-to-end tests, each once, into a cache folder outside the
# repo (default ~/.cache/memberspot-e2e/n8n-<version>). Safe to run again: an installed version is skipped.
#
# n8n's `xlsx` dependency points at a tarball outside the npm registry; it is overridden to 0.18.5 (the
# last registry release) so that the install works where only the npm registry is reachable.
# Dependency install scripts run (native modules such as sqlite3 need them); the repo's .npmrc does not
# apply in the cache folder.
#
#   MEMBERSPOT_E2E_CACHE   cache root (default $HOME/.cache/memberspot-e2e)
#   N8N_VERSIONS           space-separated versions (default "2.8.4 1.123.50")
set -euo pipefail

CACHE="${MEMBERSPOT_E2E_CACHE:-$HOME/.cache/memberspot-e2e}"
VERSIONS="${N8N_VERSIONS:-2.8.4 1.123.50}"
mkdir -p "$CACHE"

for v in $VERSIONS; do
  dir="$CACHE/n8n-$v"
  if [ -f "$dir/.installed" ] && [ -x "$dir/node_modules/.bin/n8n" ]; then
    echo "== n8n $v already installed in $dir"
    continue
  fi
  echo "== installing n8n $v into $dir (takes a few minutes)"
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
