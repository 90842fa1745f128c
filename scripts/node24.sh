#!/usr/bin/env bash
# The host-version pass, on Node.js 24 (the `node@24` npm package's binary) against the newest hosts that
# install from the npm registry here, each installed once into the e2e cache folder outside the repo:
# - the unit, core, sandbox and Node-RED runtime suites, against Node-RED 5 (NODE_RED5_VERSION);
# - the in-process n8n engine suite, against the newest n8n (N8N_NEWEST; n8n 2.36 and later need Node.js
#   24; `latest`, 2.41.3, does not install here: it needs @n8n/agents 0.26.2, which the registry lacks);
# - the end-to-end suites: that n8n's CLI, its Community Nodes install and its editor, that n8n in queue
#   mode (needs scripts/setup-queue.sh), and a Node-RED 5 process and editor, each checking that the package
#   loads without a warning about versions.
# The built package (npm run build) is what the suites load. `--install-only` installs the hosts and stops
# (.ci/run does that while the other e2e setup runs).
set -euo pipefail
cd "$(dirname "$0")/.."
# The host versions and the registry date their trees resolve at: scripts/pins.sh.
# shellcheck source=pins.sh
source scripts/pins.sh
# Run as an npm script (npm run test:node24), this inherits npm's settings as npm_config_* variables, this
# repo's ignore-scripts=true among them; node@24 needs its install script to put the binary in place.
while IFS= read -r name; do unset "$name"; done < <(env | grep -o '^npm_config_[A-Za-z0-9_]*' || true)
cache="${MEMBERSPOT_E2E_CACHE:-$HOME/.cache/memberspot-e2e}"
n8n_newest="${N8N_NEWEST:-$N8N_NEWEST_DEFAULT}"
stamp="$MEMBERSPOT_REGISTRY_BEFORE"

install_once() { # folder, exact package spec (a folder installed from another spec or date is redone)
  local dir="$cache/$1"
  if ! grep -qxF "$2 $stamp" "$dir/.installed" 2>/dev/null; then
    echo "== installing $2 into $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && echo '{"name":"memberspot-host-'"$1"'","private":true}' > package.json &&
      npm install --no-audit --no-fund --loglevel=error --before="$stamp" "$2" && echo "$2 $stamp" > .installed)
  fi
}

install_once node-24 "node@$NODE24_VERSION"
install_once node-red-5 "node-red@$NODE_RED5_VERSION"
node24="$cache/node-24/node_modules/.bin/node"
MEMBERSPOT_E2E_CACHE="$cache" N8N_VERSIONS="$n8n_newest" N8N_NODE="$node24" bash scripts/install-n8n.sh
if [ "${1:-}" = "--install-only" ]; then exit 0; fi

node_red_dir="$cache/node-red-5"
n8n_dir="$cache/n8n-$n8n_newest"
shots="$(mktemp -d)"
trap 'rm -rf "$shots"' EXIT
echo "== Node.js $("$node24" --version), Node-RED $("$node24" -p "require('$node_red_dir/node_modules/node-red/package.json').version"), n8n $("$node24" -p "require('$n8n_dir/node_modules/n8n/package.json').version")"

echo "== unit, core, sandbox and Node-RED runtime suites; flows saved with 0.1.0 in Node-RED 5"
MEMBERSPOT_NODE_RED_DIR="$node_red_dir" "$node24" node_modules/.bin/jest test/core test/sandbox test/node-red test/contract/saved-node-red.test.ts
echo "== n8n engine suite and workflows saved with 0.1.0 (in process, n8n-core of n8n $n8n_newest)"
MEMBERSPOT_N8N_DIR="$n8n_dir" "$node24" node_modules/.bin/jest test/n8n test/contract/saved-n8n.test.ts
echo "== end to end: n8n $n8n_newest (CLI, Community Nodes install, editor)"
MEMBERSPOT_E2E_CACHE="$cache" N8N_VERSIONS="$n8n_newest" MEMBERSPOT_SCREENSHOT_DIR="$shots" \
  "$node24" node_modules/.bin/jest -c test/e2e/jest.config.js test/e2e/n8n
echo "== end to end: n8n $n8n_newest in queue mode (Postgres, redis-server, a main and two workers)"
MEMBERSPOT_E2E_CACHE="$cache" N8N_VERSIONS="$n8n_newest" "$node24" node_modules/.bin/jest -c test/e2e/jest.config.js test/e2e/queue
echo "== end to end: Node-RED 5 (process, editor, several instances on one Redis)"
MEMBERSPOT_NODE_RED_DIR="$node_red_dir" MEMBERSPOT_SCREENSHOT_DIR="$shots" \
  "$node24" node_modules/.bin/jest -c test/e2e/jest.config.js test/e2e/node-red
