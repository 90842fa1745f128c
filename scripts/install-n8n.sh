#!/usr/bin/env bash
# Installs the pinned n8n CLIs used by the end-to-end tests, each once, into a cache folder outside the
# repo (default ~/.cache/memberspot-e2e/n8n-<version>). Safe to run again: an installed version is skipped.
#
# Only the npm registry is reachable where this runs, and n8n's tree reaches outside it in two ways:
# - its `xlsx` dependency points at a tarball elsewhere: it is overridden to 0.18.5, the last registry
#   release;
# - some dependencies' install scripts download binaries or sources from elsewhere (in recent 2.x, the
#   Kafka node's @confluentinc/kafka-javascript fetches librdkafka's sources, and fails). So the tree is
#   installed with --ignore-scripts, and then only the install steps of the native modules n8n needs to
#   start and run workflows are run: sqlite3 (the database), compiled from source with the headers of the
#   Node.js in use, and, where the version has it, isolated-vm (n8n 2.x's expression sandbox), which picks
#   the binary it ships. What stays unbuilt serves only nodes these tests do not use (Kafka) or has a
#   pure-JS fallback.
#
#   MEMBERSPOT_E2E_CACHE   cache root (default $HOME/.cache/memberspot-e2e)
#   N8N_VERSIONS           space-separated versions (default: N8N_E2E_VERSIONS_DEFAULT in scripts/pins.sh)
#   N8N_NODE               the node binary to install (and so compile native modules) for; default: the
#                          one on PATH. n8n 2.36 and later need Node.js 24 (scripts/node24.sh sets it).
#
# n8n's tree has no lock file here: its ranges resolve as the registry stood at MEMBERSPOT_REGISTRY_BEFORE
# (scripts/pins.sh), so that a release published later cannot change what CI installs. An install made
# with another date is redone.
set -euo pipefail
# shellcheck source=pins.sh
source "$(dirname "$0")/pins.sh"

# Run as an npm script (npm run setup:e2e), this inherits npm's settings as npm_config_* variables, this
# repo's ignore-scripts=true among them: none of them may reach the installs in the cache folder.
while IFS= read -r name; do unset "$name"; done < <(env | grep -o '^npm_config_[A-Za-z0-9_]*' || true)

if [ -n "${N8N_NODE:-}" ]; then
  # npm, node-gyp and the install scripts then all run on that Node.js, and build against its headers.
  export PATH="$(dirname "$N8N_NODE"):$PATH"
fi

CACHE="${MEMBERSPOT_E2E_CACHE:-$HOME/.cache/memberspot-e2e}"
VERSIONS="${N8N_VERSIONS:-$N8N_E2E_VERSIONS_DEFAULT}"
stamp="registry-before=$MEMBERSPOT_REGISTRY_BEFORE"
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
      apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends python3 make g++ >/dev/null
    else
      echo "!! python3, make and g++ are needed to build n8n's sqlite3; install them first" >&2
    fi
  fi
  # The headers of the Node.js in use, whatever a user or global npmrc says: a Node.js install has them in
  # include/node, the `node` npm package (node@24) in its platform package. Else npm's own setting stands.
  prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  for candidate in "$prefix" "$prefix"/node_modules/node-*; do
    if [ -f "$candidate/include/node/node_api.h" ]; then export npm_config_nodedir="$candidate"; break; fi
  done
}

for v in $VERSIONS; do
  dir="$CACHE/n8n-$v"
  if [ -x "$dir/node_modules/.bin/n8n" ] && grep -qxF "$stamp" "$dir/.installed" 2>/dev/null; then
    echo "== n8n $v already installed in $dir"
    continue
  fi
  echo "== installing n8n $v into $dir for Node.js $(node --version) (takes a few minutes)"
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
  (
    cd "$dir"
    npm install --ignore-scripts=true --no-audit --no-fund --loglevel=error --before="$MEMBERSPOT_REGISTRY_BEFORE"
    native=(sqlite3)
    if [ -d node_modules/isolated-vm ]; then native+=(isolated-vm); fi
    echo "== running the install steps of ${native[*]}"
    npm rebuild --ignore-scripts=false --foreground-scripts=false --loglevel=error "${native[@]}"
    for module in "${native[@]}"; do
      if ! node -e "require('$module')" 2>/dev/null; then
        echo "!! $module does not load in $dir after the build (node $(node --version))" >&2
        exit 1
      fi
    done
  )
  node "$dir/node_modules/n8n/bin/n8n" --version
  { echo "$stamp"; date -u +%FT%TZ; } > "$dir/.installed"
done
