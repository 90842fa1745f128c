#!/usr/bin/env bash
# The host-version pass: the unit, core, sandbox and Node-RED runtime suites on Node.js 24 (the `node@24`
# npm package's binary) against the newest Node-RED 5.x. Both are installed once into the e2e cache
# folder outside the repo. The built package (npm run build) is what the suites load.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${MEMBERSPOT_E2E_CACHE:-$HOME/.cache/memberspot-e2e}"

install_once() { # folder, package spec
  local dir="$cache/$1"
  if [ ! -f "$dir/.installed" ]; then
    echo "== installing $2 into $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && echo '{"name":"memberspot-host-'"$1"'","private":true}' > package.json &&
      npm install --no-audit --no-fund --loglevel=error "$2" && touch .installed)
  fi
}

install_once node-24 node@24
install_once node-red-5 node-red@5

node24="$cache/node-24/node_modules/.bin/node"
echo "== Node.js $("$node24" --version), Node-RED $("$node24" -p "require('$cache/node-red-5/node_modules/node-red/package.json').version")"
MEMBERSPOT_NODE_RED_DIR="$cache/node-red-5" "$node24" node_modules/.bin/jest test/core test/sandbox test/node-red
