'use strict';
/**
 * The package's example flows (examples/*.json), ready to deploy: each in its own tab, and every
 * Memberspot node using one account node that points at the sandbox (or the real school).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');
const GRANT_EXAMPLE = 'grant-access-after-purchase';
const ACCOUNT_ID = 'demo-account';

function readExample(name) {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8'));
}

function exampleNames() {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort((a, b) => (a === GRANT_EXAMPLE ? -1 : b === GRANT_EXAMPLE ? 1 : a.localeCompare(b)));
}

/** "grant-access-after-purchase" -> "Grant access after purchase" */
function tabLabel(name) {
  const words = name.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One example as a tab. Its own account node is dropped: the Memberspot nodes use the shared one.
 * `offerId` replaces the offer the grant node hands out (for a real school, whose offers differ).
 */
function exampleAsTab(name, { offerId, pathSuffix } = {}) {
  const tabId = `demo-${name}`;
  const nodes = readExample(name).filter((node) => node.type !== 'memberspot-config');
  const placed = nodes.map((node) => {
    const copy = { ...node, z: tabId };
    if (copy.type === 'memberspot') copy.account = ACCOUNT_ID;
    // A webhook without a secret accepts every caller (and says so in the log): the demo's get a random one.
    if (copy.type === 'memberspot-webhook') copy.credentials = { secret: crypto.randomBytes(18).toString('base64url') };
    if (offerId && copy.type === 'memberspot' && copy.action === 'grantAccess') copy.accessId = offerId;
    if (pathSuffix && copy.type === 'http in') copy.url = `${copy.url}-${pathSuffix}`;
    return copy;
  });
  return [{ id: tabId, type: 'tab', label: tabLabel(name) }, ...placed];
}

/**
 * The flows to deploy. The key goes in as the account node's credential: Node-RED keeps it in its
 * encrypted credentials file, never in flows.json or the editor.
 * `randomPaths`: every http in path gets a random suffix (a real school kept running: a page that guesses
 * /shop/purchase cannot grant real access).
 * @param {{ baseUrl: string, apiKey: string, accountName: string, onlyGrant?: boolean, offerId?: string, randomPaths?: boolean }} options
 */
function demoFlows({ baseUrl, apiKey, accountName, onlyGrant = false, offerId, randomPaths = false }) {
  const names = onlyGrant ? [GRANT_EXAMPLE] : exampleNames();
  const account = { id: ACCOUNT_ID, type: 'memberspot-config', name: accountName, baseUrl, requestsPerSecond: 4, credentials: { apiKey } };
  const pathSuffix = randomPaths ? crypto.randomBytes(12).toString('hex') : undefined;
  return [account, ...names.flatMap((name) => exampleAsTab(name, { offerId, pathSuffix }))];
}

/** The grant example's http in path (e.g. /shop/purchase): in `flows` when given, else in the example itself. */
function purchasePath(flows) {
  const nodes = flows ? flows.filter((node) => node.z === `demo-${GRANT_EXAMPLE}`) : readExample(GRANT_EXAMPLE);
  const httpIn = nodes.find((node) => node.type === 'http in');
  return httpIn.url;
}

module.exports = { demoFlows, purchasePath, exampleNames };
