#!/usr/bin/env bash
# Installs what the n8n queue-mode suite (test/e2e/queue) needs outside npm: Debian's postgresql (the suite
# runs a throw-away cluster of its own as the postgres user; n8n's queue mode does not run on SQLite) and
# redis-server. Safe to run again: it skips what is already there. No cluster is created or started here.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's package starts a cluster of its own on 5432 at install; the suite never uses it.
for postgres in /usr/lib/postgresql/*/bin/postgres; do "$postgres" --version; done
redis-server --version
