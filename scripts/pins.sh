# What CI installs from the npm registry outside package-lock.json, fixed in this one place so that an
# unchanged main gives the same answer next month (sourced by scripts/install-n8n.sh and scripts/node24.sh;
# test/e2e/n8n/package.e2e.test.ts reads MEMBERSPOT_REGISTRY_BEFORE from here too).
#
# - The host versions are exact. Their own dependency trees (n8n's, Node-RED's, and this package's runtime
#   dependencies in the Community Nodes install test) have no lock file of ours, so npm resolves their ranges
#   as the registry stood at MEMBERSPOT_REGISTRY_BEFORE (`npm install --before`): a release published later
#   does not reach CI until this date is moved on purpose (and the caches outside the repo reinstall).
# - Moving a pin: change it here, run `bash .ci/run`, and say so in the CHANGELOG.
MEMBERSPOT_REGISTRY_BEFORE="${MEMBERSPOT_REGISTRY_BEFORE:-2026-12-01T00:00:00Z}"
N8N_E2E_VERSIONS_DEFAULT="2.8.4 1.123.50" # the n8n CLIs of the end-to-end suites on Node.js 20
N8N_NEWEST_DEFAULT="2.41.1"               # the newest n8n that installs here (on Node.js 24)
NODE24_VERSION="24.21.0"                  # the `node` npm package of the Node.js 24 pass
NODE_RED5_VERSION="5.0.7"                 # the Node-RED 5 of the Node.js 24 pass
